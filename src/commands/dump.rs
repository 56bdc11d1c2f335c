//! DUMP and RESTORE (Redis's `cluster.c` half that is not cluster): a value serialized as
//! Redis 7.0 does (RDB object type, value, RDB version, CRC-64; see
//! `persist::rdb::dump_payload`) and recreated from such a payload.

use std::sync::atomic::Ordering::Relaxed;

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::{Entry, NO_EXPIRE};
use crate::error::{CmdError, CmdResult};
use crate::persist::rdb::{self, PayloadError, SKIP_CHECKSUM, ValueLimits};
use crate::resp::Args;

const DUMP_KS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RESTORE_KS: &[KeySpec] = &[KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1)];

pub static COMMANDS: [Command; 2] = [
    Command {
        flags: flags::READONLY,
        acl: acl::KEYSPACE | acl::READ | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: DUMP_KS,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.6.0",
        summary: "Return a serialized version of the value stored at the specified key.",
        complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
        ..Command::new("dump", 2, dump)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM,
        acl: acl::KEYSPACE | acl::WRITE | acl::SLOW | acl::DANGEROUS,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RESTORE_KS,
        group: "generic",
        since: "2.6.0",
        summary: "Create a key using the provided serialized value, previously obtained using DUMP.",
        complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
        ..Command::new("restore", -4, restore)
    },
];

/// DUMP key: the payload, or nil for a missing key.
fn dump(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let compression = ctx.srv.config.rdbcompression;
    let (db, out) = ctx.db_out();
    match db.lookup_read(&args[1], now) {
        Some(e) => out.bulk(&rdb::dump_payload(&e.value, compression)),
        None => out.null(),
    }
    Ok(())
}

fn int_arg(a: &[u8]) -> Result<i64, CmdError> {
    crate::util::parse_i64(a).ok_or(CmdError::NotInteger)
}

/// The largest value of Redis's 24-bit LRU clock (`LRU_CLOCK_MAX`).
const LRU_CLOCK_MAX: i64 = (1 << 24) - 1;

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].
fn restore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < args.len() {
        let a = &args[j];
        let more = j + 1 < args.len();
        if a.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if a.eq_ignore_ascii_case(b"absttl") {
            absttl = true;
        } else if a.eq_ignore_ascii_case(b"idletime") && more && freq.is_none() {
            let v = int_arg(&args[j + 1])?;
            if v < 0 {
                return Err(CmdError::msg("ERR Invalid IDLETIME value, must be >= 0"));
            }
            idle = Some(v);
            j += 1;
        } else if a.eq_ignore_ascii_case(b"freq") && more && idle.is_none() {
            let v = int_arg(&args[j + 1])?;
            if !(0..=255).contains(&v) {
                return Err(CmdError::msg(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            freq = Some(v);
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let now = ctx.now_ms;
    let key = &args[1];
    if !replace && ctx.db().lookup_write(key, now).is_some() {
        return Err(CmdError::msg("BUSYKEY Target key name already exists."));
    }
    let mut ttl = int_arg(&args[2])?;
    if ttl < 0 {
        return Err(CmdError::msg("ERR Invalid TTL value, must be >= 0"));
    }
    let lim = ValueLimits::from_config(&ctx.srv.config);
    let value = rdb::restore_payload(&args[3], lim, SKIP_CHECKSUM.load(Relaxed)).map_err(|e| {
        CmdError::msg(match e {
            PayloadError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
            PayloadError::BadData => "ERR Bad data format",
        })
    })?;
    let db = ctx.db();
    if replace {
        db.remove(key);
    }
    if ttl != 0 && !absttl {
        // As Redis's C addition: a relative TTL past the clock's range wraps (and then
        // counts as already expired).
        ttl = ttl.wrapping_add(now);
    }
    if ttl != 0 && ttl <= now {
        ctx.out.ok();
        return Ok(());
    }
    let mut entry = Entry::new(value);
    entry.expire_ms = if ttl != 0 { ttl } else { NO_EXPIRE };
    if crate::db::lfu::enabled() {
        if let Some(f) = freq {
            let minutes = ((crate::util::now_ms() / 60_000) & 0xFFFF) as u32;
            entry.lru = (minutes << 8) | f as u32;
        }
    } else if let Some(idle) = idle {
        // Seconds of idle time back from the LRU clock, wrapped once and then cut to the
        // clock's 24 bits, as Redis does.
        let clock = crate::db::lru_clock() as i64;
        let mut at = clock.wrapping_sub(idle.wrapping_mul(1000) / 1000);
        if at < 0 {
            at = at.wrapping_add(LRU_CLOCK_MAX);
        }
        entry.lru = (at & LRU_CLOCK_MAX) as u32;
    }
    db.insert_entry(key, entry);
    ctx.out.ok();
    Ok(())
}
