//! Generic key commands (Redis's `db.c`/`expire.c`): DEL, UNLINK, EXISTS, TYPE, EXPIRE family.

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const RM_DELETE_ALL: &[KeySpec] = &[KeySpec::range(ks::RM | ks::DELETE, 1, -1, 1)];
const RO_ALL: &[KeySpec] = &[KeySpec::range(ks::RO, 1, -1, 1)];
const RO_ONE: &[KeySpec] = &[KeySpec::range(ks::RO, 1, 0, 1)];
const RO_ACCESS_ONE: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RW_UPDATE_ONE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)];

const KS: u32 = acl::KEYSPACE;

pub static COMMANDS: [Command; 13] = [
    Command {
        flags: flags::WRITE,
        acl: KS | acl::WRITE | acl::SLOW,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: RM_DELETE_ALL,
        group: "generic",
        since: "1.0.0",
        summary: "Delete a key",
        complexity: "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
        ..Command::new("del", -2, del)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: RM_DELETE_ALL,
        group: "generic",
        since: "4.0.0",
        summary: "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.",
        complexity: "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
        ..Command::new("unlink", -2, del)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: RO_ALL,
        group: "generic",
        since: "1.0.0",
        summary: "Determine if a key exists",
        complexity: "O(N) where N is the number of keys to check.",
        ..Command::new("exists", -2, exists)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ONE,
        group: "generic",
        since: "1.0.0",
        summary: "Determine the type stored at key",
        complexity: "O(1)",
        ..Command::new("type", 2, type_)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS_ONE,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "1.0.0",
        summary: "Get the time to live for a key in seconds",
        complexity: "O(1)",
        ..Command::new("ttl", 2, ttl)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS_ONE,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.6.0",
        summary: "Get the time to live for a key in milliseconds",
        complexity: "O(1)",
        ..Command::new("pttl", 2, pttl)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE_ONE,
        group: "generic",
        since: "1.0.0",
        summary: "Set a key's time to live in seconds",
        complexity: "O(1)",
        ..Command::new("expire", -3, expire)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE_ONE,
        group: "generic",
        since: "2.6.0",
        summary: "Set a key's time to live in milliseconds",
        complexity: "O(1)",
        ..Command::new("pexpire", -3, pexpire)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE_ONE,
        group: "generic",
        since: "2.2.0",
        summary: "Remove the expiration from a key",
        complexity: "O(1)",
        ..Command::new("persist", 2, persist)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE_ONE,
        group: "generic",
        since: "1.2.0",
        summary: "Set the expiration for a key as a UNIX timestamp",
        complexity: "O(1)",
        ..Command::new("expireat", -3, expireat)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE_ONE,
        group: "generic",
        since: "2.6.0",
        summary: "Set the expiration for a key as a UNIX timestamp specified in milliseconds",
        complexity: "O(1)",
        ..Command::new("pexpireat", -3, pexpireat)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS_ONE,
        group: "generic",
        since: "7.0.0",
        summary: "Get the expiration Unix timestamp for a key",
        complexity: "O(1)",
        ..Command::new("expiretime", 2, expiretime)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS_ONE,
        group: "generic",
        since: "7.0.0",
        summary: "Get the expiration Unix timestamp for a key in milliseconds",
        complexity: "O(1)",
        ..Command::new("pexpiretime", 2, pexpiretime)
    },
];

fn del(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let mut n = 0;
    for k in args.iter_from(1) {
        if db.exists(k, now) {
            db.remove(k);
            n += 1;
        }
    }
    out.int(n);
    Ok(())
}

fn exists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = args.iter_from(1).filter(|k| db.exists(k, now)).count();
    out.int(n as i64);
    Ok(())
}

fn type_(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let t = db
        .peek(&args[1], now)
        .map_or("none", |e| e.value.type_name());
    out.simple(t);
    Ok(())
}

/// TTL/PTTL (`absolute` false) and EXPIRETIME/PEXPIRETIME (true), as Redis's
/// `ttlGenericCommand`: seconds are rounded to the nearest.
fn ttl_generic(ctx: &mut Ctx<'_>, key: &[u8], unit_ms: i64, absolute: bool) {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.peek(key, now) {
        None => out.int(-2),
        Some(e) if e.expire_ms == crate::db::NO_EXPIRE => out.int(-1),
        Some(e) => {
            let base = if absolute { 0 } else { now };
            let left = (e.expire_ms - base).max(0);
            out.int(if unit_ms == 1000 {
                (left + 500) / 1000
            } else {
                left
            });
        }
    }
}

fn ttl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, &args[1], 1000, false);
    Ok(())
}

fn pttl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, &args[1], 1, false);
    Ok(())
}

fn expiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, &args[1], 1000, true);
    Ok(())
}

fn pexpiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, &args[1], 1, true);
    Ok(())
}

/// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT `key amount [NX|XX|GT|LT]`: `unit_ms` is 1000 or 1,
/// `relative` adds the current time (Redis's `basetime`).
fn expire_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, unit_ms: i64, relative: bool) -> CmdResult {
    let now = ctx.now_ms;
    let base = if relative { now } else { 0 };
    let amount = crate::util::parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in args.iter_from(3) {
        match opt.to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"gt" => gt = true,
            b"lt" => lt = true,
            _ => {
                let mut e = b"ERR Unsupported option ".to_vec();
                e.extend_from_slice(opt);
                return Err(CmdError::Bytes(e));
            }
        }
    }
    if nx && (xx || gt || lt) {
        return Err(CmdError::msg(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(CmdError::msg(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let invalid = || {
        let name = match (unit_ms, relative) {
            (1000, true) => "expire",
            (_, true) => "pexpire",
            (1000, false) => "expireat",
            _ => "pexpireat",
        };
        CmdError::Msg(format!("ERR invalid expire time in '{name}' command").into())
    };
    let when = amount
        .checked_mul(unit_ms)
        .and_then(|ms| ms.checked_add(base))
        .ok_or_else(invalid)?;
    let (db, out) = ctx.db_out();
    let Some(e) = db.peek(&args[1], now) else {
        out.int(0);
        return Ok(());
    };
    let cur = e.expire_ms;
    let has = cur != crate::db::NO_EXPIRE;
    let skip =
        (nx && has) || (xx && !has) || (gt && (!has || when <= cur)) || (lt && has && when >= cur);
    if skip {
        out.int(0);
        return Ok(());
    }
    if when <= now {
        db.remove(&args[1]);
    } else {
        db.set_expire(&args[1], when);
    }
    out.int(1);
    Ok(())
}

fn expire(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, 1000, true)
}

fn pexpire(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, 1, true)
}

fn expireat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, 1000, false)
}

fn pexpireat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, 1, false)
}

fn persist(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let had = db
        .peek(&args[1], now)
        .is_some_and(|e| e.expire_ms != crate::db::NO_EXPIRE);
    if had {
        db.set_expire(&args[1], crate::db::NO_EXPIRE);
    }
    out.int(had as i64);
    Ok(())
}
