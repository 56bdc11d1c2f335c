//! Generic key commands (Redis's `db.c`/`expire.c`): DEL, UNLINK, EXISTS, TYPE, EXPIRE family.

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const RM_DELETE_ALL: &[KeySpec] = &[KeySpec::range(ks::RM | ks::DELETE, 1, -1, 1)];
const RO_ALL: &[KeySpec] = &[KeySpec::range(ks::RO, 1, -1, 1)];
const RO_ONE: &[KeySpec] = &[KeySpec::range(ks::RO, 1, 0, 1)];
const RO_ACCESS_ONE: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RW_UPDATE_ONE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)];

const RENAME_KS: &[KeySpec] = &[
    KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1),
    KeySpec::range(ks::OW | ks::UPDATE, 2, 0, 1),
];
const RENAMENX_KS: &[KeySpec] = &[
    KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1),
    KeySpec::range(ks::OW | ks::INSERT, 2, 0, 1),
];
const COPY_KS: &[KeySpec] = &[
    KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1),
    KeySpec::range(ks::OW | ks::UPDATE, 2, 0, 1),
];
const RW_ACCESS_UPDATE_ONE: &[KeySpec] =
    &[KeySpec::range(ks::RW | ks::ACCESS | ks::UPDATE, 1, 0, 1)];

const KS: u32 = acl::KEYSPACE;

pub static COMMANDS: [Command; 22] = [
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
    Command {
        flags: flags::WRITE,
        acl: KS | acl::WRITE | acl::SLOW,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: RENAME_KS,
        group: "generic",
        since: "1.0.0",
        summary: "Rename a key",
        complexity: "O(1)",
        ..Command::new("rename", 3, rename)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: RENAMENX_KS,
        group: "generic",
        since: "1.0.0",
        summary: "Rename a key, only if the new key does not exist",
        complexity: "O(1)",
        ..Command::new("renamenx", 3, renamenx)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM,
        acl: KS | acl::WRITE | acl::SLOW,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: COPY_KS,
        group: "generic",
        since: "6.2.0",
        summary: "Copy a key",
        complexity: "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
        ..Command::new("copy", -3, copy)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_ACCESS_UPDATE_ONE,
        group: "generic",
        since: "1.0.0",
        summary: "Move a key to another database",
        complexity: "O(1)",
        ..Command::new("move", 3, move_)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: KS | acl::WRITE | acl::FAST | acl::DANGEROUS,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[],
        group: "server",
        since: "4.0.0",
        summary: "Swaps two Redis databases",
        complexity: "O(N) where N is the count of clients watching or blocking on keys from both databases.",
        ..Command::new("swapdb", 3, swapdb)
    },
    Command {
        flags: flags::READONLY,
        acl: KS | acl::READ | acl::SLOW | acl::DANGEROUS,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[],
        tips: &["request_policy:all_shards", "nondeterministic_output_order"],
        group: "generic",
        since: "1.0.0",
        summary: "Find all keys matching the given pattern",
        complexity: "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
        ..Command::new("keys", 2, keys)
    },
    Command {
        flags: flags::READONLY,
        acl: KS | acl::READ | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[],
        tips: &["nondeterministic_output", "request_policy:special"],
        group: "generic",
        since: "2.8.0",
        summary: "Incrementally iterate the keys space",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
        ..Command::new("scan", -2, scan)
    },
    Command {
        flags: flags::READONLY,
        acl: KS | acl::READ | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[],
        tips: &["request_policy:all_shards", "nondeterministic_output"],
        group: "generic",
        since: "1.0.0",
        summary: "Return a random key from the keyspace",
        complexity: "O(1)",
        ..Command::new("randomkey", 1, randomkey)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: KS | acl::READ | acl::FAST,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: RO_ALL,
        tips: &["request_policy:multi_shard", "response_policy:agg_sum"],
        group: "generic",
        since: "3.2.1",
        summary: "Alters the last access time of a key(s). Returns the number of existing keys specified.",
        complexity: "O(N) where N is the number of keys that will be touched.",
        ..Command::new("touch", -2, touch)
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
    ctx.changes(n as u64);
    Ok(())
}

fn exists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = args
        .iter_from(1)
        .filter(|k| db.lookup_read_notouch(k, now).is_some())
        .count();
    out.int(n as i64);
    Ok(())
}

fn type_(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let t = db
        .lookup_read_notouch(&args[1], now)
        .map_or("none", |e| e.value.type_name());
    out.simple(t);
    Ok(())
}

/// TTL/PTTL (`absolute` false) and EXPIRETIME/PEXPIRETIME (true), as Redis's
/// `ttlGenericCommand`: seconds are rounded to the nearest.
fn ttl_generic(ctx: &mut Ctx<'_>, key: &[u8], unit_ms: i64, absolute: bool) {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read_notouch(key, now) {
        None => out.int(-2),
        Some(e) if e.expire_ms == crate::db::NO_EXPIRE => out.int(-1),
        Some(e) => {
            let base = if absolute { 0 } else { now };
            let left = (e.expire_ms - base).max(0);
            out.int(if unit_ms == 1000 {
                // Rounded without overflow: an expiry can be as late as i64::MAX ms.
                left / 1000 + (left % 1000 + 500) / 1000
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
    // Options are checked before the time, as Redis does.
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in args.iter_from(3) {
        match opt.to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"gt" => gt = true,
            b"lt" => lt = true,
            _ => {
                // Redis formats the option as a C string (it ends at a NUL byte), then trims
                // CR and LF off the end of the message (addReplyErrorFormat).
                let opt = opt.split(|&c| c == 0).next().unwrap_or_default();
                let end = opt
                    .iter()
                    .rposition(|&c| c != b'\r' && c != b'\n')
                    .map_or(0, |i| i + 1);
                let opt = &opt[..end];
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
    let amount = crate::util::parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
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
    let Some(e) = db.lookup_write(&args[1], now) else {
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
    // A past time deletes the key, except while the AOF is replayed (Redis's
    // `checkAlreadyExpired`).
    if when <= now && !crate::db::loading() {
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
        .lookup_write(&args[1], now)
        .is_some_and(|e| e.expire_ms != crate::db::NO_EXPIRE);
    if had {
        db.set_expire(&args[1], crate::db::NO_EXPIRE);
    }
    out.int(had as i64);
    Ok(())
}

/// RENAME and RENAMENX: the value and its TTL move to the new name.
fn rename_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, nx: bool) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let (src, dst) = (&args[1], &args[2]);
    // A write lookup: the key's access clock is touched (Redis's lookupKeyWrite).
    if db.lookup_write(src, now).is_none() {
        return Err(CmdError::NoSuchKey);
    }
    if src == dst {
        if nx {
            out.int(0);
        } else {
            out.ok();
        }
        return Ok(());
    }
    if nx && db.exists(dst, now) {
        out.int(0);
        return Ok(());
    }
    if let Some(e) = db.remove(src) {
        db.insert_entry(dst, e);
    }
    if nx {
        out.int(1);
    } else {
        out.ok();
    }
    Ok(())
}

fn rename(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    rename_generic(ctx, args, false)
}

fn renamenx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    rename_generic(ctx, args, true)
}

/// A database index argument, checked against the configured number of databases.
fn db_index(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize, CmdError> {
    // Redis's getIntFromObjectOrReply: a long long first, then the int range.
    let idx = crate::util::parse_i64(arg).ok_or(CmdError::NotInteger)?;
    let idx = i32::try_from(idx).map_err(|_| {
        CmdError::msg("ERR value is out of range, value must between -2147483648 and 2147483647")
    })?;
    usize::try_from(idx)
        .ok()
        .filter(|&i| i < ctx.srv.dbs.len())
        .ok_or_else(|| CmdError::msg("ERR DB index is out of range"))
}

/// COPY source destination [DB destination-db] [REPLACE]
fn copy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let mut dst_db = ctx.client.db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        let opt = &args[i];
        if opt.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if opt.eq_ignore_ascii_case(b"db") && i + 1 < args.len() {
            dst_db = db_index(ctx, &args[i + 1])?;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let (src, dst) = (&args[1], &args[2]);
    let src_db = ctx.client.db;
    if src_db == dst_db && src == dst {
        return Err(CmdError::msg(
            "ERR source and destination objects are the same",
        ));
    }
    // The copy is a new object with a fresh access clock.
    let Some(entry) = ctx
        .srv
        .db_mut(src_db)
        .lookup_read(src, now)
        .map(|e| crate::db::Entry {
            lru: crate::db::lfu::new_lru(),
            ..e.clone()
        })
    else {
        ctx.out.int(0);
        return Ok(());
    };
    let target = ctx.srv.db_mut(dst_db);
    if target.exists(dst, now) {
        if !replace {
            ctx.out.int(0);
            return Ok(());
        }
        target.remove(dst);
    }
    target.insert_entry(dst, entry);
    ctx.out.int(1);
    Ok(())
}

/// MOVE key db
fn move_(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let dst_db = db_index(ctx, &args[2])?;
    let src_db = ctx.client.db;
    if src_db == dst_db {
        return Err(CmdError::msg(
            "ERR source and destination objects are the same",
        ));
    }
    let key = &args[1];
    if ctx.srv.db_mut(src_db).lookup_write(key, now).is_none()
        || ctx.srv.db_mut(dst_db).exists(key, now)
    {
        ctx.out.int(0);
        return Ok(());
    }
    if let Some(e) = ctx.srv.db_mut(src_db).remove(key) {
        ctx.srv.db_mut(dst_db).insert_entry(key, e);
    }
    ctx.out.int(1);
    Ok(())
}

/// SWAPDB index1 index2
fn swapdb(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let parse = |a: &[u8], which: &'static str| {
        crate::util::parse_i64(a)
            .and_then(|v| i32::try_from(v).ok())
            .ok_or_else(|| CmdError::msg(format!("ERR invalid {which} DB index")))
    };
    let a = parse(&args[1], "first")?;
    let b = parse(&args[2], "second")?;
    let n = ctx.srv.dbs.len() as i64;
    if a < 0 || b < 0 || a as i64 >= n || b as i64 >= n {
        return Err(CmdError::msg("ERR DB index is out of range"));
    }
    ctx.srv.dbs.swap(a as usize, b as usize);
    ctx.out.ok();
    Ok(())
}

/// KEYS pattern
fn keys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let pat = &args[1];
    let all = pat == b"*";
    let (db, out) = ctx.db_out();
    let found: Vec<&[u8]> = db
        .iter()
        .filter(|(k, e)| {
            (e.expire_ms == crate::db::NO_EXPIRE || e.expire_ms > now)
                && (all || crate::util::glob_match(pat, k, false))
        })
        .map(|(k, _)| k)
        .collect();
    out.array(found.len());
    for k in found {
        out.bulk(k);
    }
    Ok(())
}

/// Parses a SCAN cursor as Redis's `strtoul`-based `parseScanCursorOrReply`: the bytes up to
/// the first NUL, no leading space, optional sign (a negative value wraps), base 10, no
/// overflow; an empty string is cursor 0.
fn parse_cursor_opt(s: &[u8]) -> Option<u64> {
    let s = match s.iter().position(|&c| c == 0) {
        Some(i) => &s[..i],
        None => s,
    };
    let (neg, digits) = match s {
        [] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// [`parse_cursor_opt`] with Redis's error.
pub fn parse_cursor(a: &[u8]) -> Result<u64, CmdError> {
    parse_cursor_opt(a).ok_or_else(|| CmdError::msg("ERR invalid cursor"))
}

/// The options shared by SCAN, HSCAN, SSCAN and ZSCAN (`TYPE` only for SCAN).
pub struct ScanOpts<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
    pub type_name: Option<&'a [u8]>,
}

/// Parses `[MATCH pattern] [COUNT count] [TYPE type]` from `args[from..]`.
pub fn parse_scan_opts<'a>(
    args: &Args<'a>,
    from: usize,
    allow_type: bool,
) -> Result<ScanOpts<'a>, CmdError> {
    let mut o = ScanOpts {
        count: 10,
        pattern: None,
        type_name: None,
    };
    let mut i = from;
    while i < args.len() {
        let opt = args.get(i);
        if i + 1 >= args.len() {
            return Err(CmdError::Syntax);
        }
        let val = args.get(i + 1);
        if opt.eq_ignore_ascii_case(b"count") {
            let n = crate::util::parse_i64(val).ok_or(CmdError::NotInteger)?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            o.count = n as usize;
        } else if opt.eq_ignore_ascii_case(b"match") {
            o.pattern = (val != b"*").then_some(val);
        } else if allow_type && opt.eq_ignore_ascii_case(b"type") {
            o.type_name = Some(val);
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(o)
}

/// Writes a SCAN-family reply: the next cursor as a bulk, then the items.
pub fn reply_scan(out: &mut crate::resp::Reply, cursor: u64, items: &[Vec<u8>]) {
    out.array(2);
    let mut tmp = [0u8; 20];
    let mut n = cursor;
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.bulk(&tmp[i..]);
    out.array(items.len());
    for it in items {
        out.bulk(it);
    }
}

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
fn scan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let mut cursor = parse_cursor(&args[1])?;
    let o = parse_scan_opts(args, 2, true)?;
    let (db, out) = ctx.db_out();
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut expired: Vec<Vec<u8>> = Vec::new();
    // As Redis: COUNT bounds the entries visited (filters apply afterwards), and at most
    // 10 * COUNT buckets are walked per call.
    let mut budget = o.count.saturating_mul(10);
    let mut visited = 0usize;
    loop {
        cursor = db.scan(cursor, |k, e| {
            visited += 1;
            if e.expire_ms != crate::db::NO_EXPIRE && e.expire_ms <= now {
                expired.push(k.to_vec());
                return;
            }
            if let Some(p) = o.pattern
                && !crate::util::glob_match(p, k, false)
            {
                return;
            }
            if let Some(t) = o.type_name
                && !t.eq_ignore_ascii_case(e.value.type_name().as_bytes())
            {
                return;
            }
            keys.push(k.to_vec());
        });
        budget = budget.saturating_sub(1);
        if cursor == 0 || budget == 0 || visited >= o.count {
            break;
        }
    }
    for k in expired {
        if db.remove(&k).is_some() {
            db.expired += 1;
            db.log_expired(&k);
        }
    }
    reply_scan(out, cursor, &keys);
    Ok(())
}

/// RANDOMKEY
fn randomkey(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.random_key(now) {
        Some(k) => out.bulk(&k),
        None => out.null(),
    }
    Ok(())
}

/// TOUCH key [key ...]: counts existing keys, refreshing their access time.
fn touch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = args
        .iter_from(1)
        .filter(|k| db.lookup_read(k, now).is_some())
        .count();
    out.int(n as i64);
    Ok(())
}
