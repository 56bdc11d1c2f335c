//! Hash commands (the command half of Redis's `t_hash.c`): HSET family, reads, HDEL,
//! HINCRBY/HINCRBYFLOAT, HSCAN, HRANDFIELD. Encoding work lives in [`crate::db::hash`].

use crate::command::{Command, Ctx, Handler, KeySpec, acl, flags, ks};
use crate::db::hash::{Hash, Limits};
use crate::db::{Db, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::{Rng, parse_i64};

const RW_UPDATE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)];
const RW_INSERT: &[KeySpec] = &[KeySpec::range(ks::RW | ks::INSERT, 1, 0, 1)];
const RW_DELETE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::ACCESS | ks::UPDATE, 1, 0, 1)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RO: &[KeySpec] = &[KeySpec::range(ks::RO, 1, 0, 1)];

/// write denyoom fast / @write @hash @fast
const W: (u32, u32) = (
    flags::WRITE | flags::DENYOOM | flags::FAST,
    acl::WRITE | acl::HASH | acl::FAST,
);
/// readonly fast / @read @hash @fast
const R_FAST: (u32, u32) = (
    flags::READONLY | flags::FAST,
    acl::READ | acl::HASH | acl::FAST,
);
/// readonly / @read @hash @slow
const R_SLOW: (u32, u32) = (flags::READONLY, acl::READ | acl::HASH | acl::SLOW);

/// A single-key hash command's table entry.
#[allow(clippy::too_many_arguments)]
const fn entry(
    name: &'static str,
    arity: i32,
    handler: Handler,
    (flags, acl): (u32, u32),
    key_specs: &'static [KeySpec],
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
) -> Command {
    Command::one_key(
        name,
        arity,
        handler,
        "hash",
        (flags, acl),
        key_specs,
        since,
        summary,
        complexity,
    )
}

const ORDER_TIP: &[&str] = &["nondeterministic_output_order"];
const OUTPUT_TIP: &[&str] = &["nondeterministic_output"];
const O_SIZE: &str = "O(N) where N is the size of the hash.";

pub static COMMANDS: [Command; 16] = [
    entry(
        "hset",
        -4,
        hset,
        W,
        RW_UPDATE,
        "2.0.0",
        "Set the string value of a hash field",
        "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    ),
    entry(
        "hsetnx",
        4,
        hsetnx,
        W,
        RW_INSERT,
        "2.0.0",
        "Set the value of a hash field, only if the field does not exist",
        "O(1)",
    ),
    entry(
        "hmset",
        -4,
        hmset,
        W,
        RW_UPDATE,
        "2.0.0",
        "Set multiple hash fields to multiple values",
        "O(N) where N is the number of fields being set.",
    ),
    entry(
        "hget",
        3,
        hget,
        R_FAST,
        RO_ACCESS,
        "2.0.0",
        "Get the value of a hash field",
        "O(1)",
    ),
    entry(
        "hmget",
        -3,
        hmget,
        R_FAST,
        RO_ACCESS,
        "2.0.0",
        "Get the values of all the given hash fields",
        "O(N) where N is the number of fields being requested.",
    ),
    Command {
        tips: ORDER_TIP,
        ..entry(
            "hgetall",
            2,
            hgetall,
            R_SLOW,
            RO_ACCESS,
            "2.0.0",
            "Get all the fields and values in a hash",
            O_SIZE,
        )
    },
    Command {
        tips: ORDER_TIP,
        ..entry(
            "hkeys",
            2,
            hkeys,
            R_SLOW,
            RO_ACCESS,
            "2.0.0",
            "Get all the fields in a hash",
            O_SIZE,
        )
    },
    Command {
        tips: ORDER_TIP,
        ..entry(
            "hvals",
            2,
            hvals,
            R_SLOW,
            RO_ACCESS,
            "2.0.0",
            "Get all the values in a hash",
            O_SIZE,
        )
    },
    entry(
        "hlen",
        2,
        hlen,
        R_FAST,
        RO,
        "2.0.0",
        "Get the number of fields in a hash",
        "O(1)",
    ),
    entry(
        "hstrlen",
        3,
        hstrlen,
        R_FAST,
        RO,
        "3.2.0",
        "Get the length of the value of a hash field",
        "O(1)",
    ),
    entry(
        "hexists",
        3,
        hexists,
        R_FAST,
        RO,
        "2.0.0",
        "Determine if a hash field exists",
        "O(1)",
    ),
    entry(
        "hdel",
        -3,
        hdel,
        (
            flags::WRITE | flags::FAST,
            acl::WRITE | acl::HASH | acl::FAST,
        ),
        RW_DELETE,
        "2.0.0",
        "Delete one or more hash fields",
        "O(N) where N is the number of fields to be removed.",
    ),
    entry(
        "hincrby",
        4,
        hincrby,
        W,
        RW_ACCESS_UPDATE,
        "2.0.0",
        "Increment the integer value of a hash field by the given number",
        "O(1)",
    ),
    entry(
        "hincrbyfloat",
        4,
        hincrbyfloat,
        W,
        RW_ACCESS_UPDATE,
        "2.6.0",
        "Increment the float value of a hash field by the given amount",
        "O(1)",
    ),
    Command {
        tips: OUTPUT_TIP,
        ..entry(
            "hscan",
            -3,
            hscan,
            R_SLOW,
            RO_ACCESS,
            "2.8.0",
            "Incrementally iterate hash fields and associated values",
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        )
    },
    Command {
        tips: OUTPUT_TIP,
        ..entry(
            "hrandfield",
            -2,
            hrandfield,
            R_SLOW,
            RO_ACCESS,
            "6.2.0",
            "Get one or multiple random fields from a hash",
            "O(N) where N is the number of fields returned",
        )
    },
];

/// The configured conversion thresholds.
fn limits(ctx: &Ctx<'_>) -> Limits {
    Limits {
        max_entries: ctx.srv.config.hash_max_listpack_entries,
        max_value: ctx.srv.config.hash_max_listpack_value,
    }
}

/// The hash at `key` for reading (counts a hit or miss); None if absent, WRONGTYPE if not a hash.
fn read_hash<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a Hash>, CmdError> {
    match db.lookup_read(key, now) {
        None => Ok(None),
        Some(e) => e.as_hash().map(Some),
    }
}

/// [`read_hash`] that moves a resizing table on (see [`Db::lookup_read_stepping`]).
fn read_hash_stepping<'a>(
    db: &'a mut Db,
    key: &[u8],
    now: i64,
    lookups: usize,
) -> Result<Option<&'a Hash>, CmdError> {
    db.lookup_read_stepping(key, now, lookups)
        .map(|e| e.as_hash())
        .transpose()
}

/// The hash at `key` for writing, created empty if absent (Redis's
/// `hashTypeLookupWriteOrCreate`).
fn write_hash<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<&'a mut Hash, CmdError> {
    let e = db.entry_or_insert(key, now, || Value::Hash(Hash::new()));
    e.as_hash_mut()
}

/// HSET and HMSET: set every pair; HSET replies the number added, HMSET `+OK`.
fn hset_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, name: &'static str) -> CmdResult {
    if !args.len().is_multiple_of(2) {
        return Err(CmdError::msg(format!(
            "ERR wrong number of arguments for '{name}' command"
        )));
    }
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = write_hash(db, &args[1], now)?;
    h.prepare_for(args.iter_from(2), lim);
    let mut added = 0;
    let mut i = 2;
    while i + 1 < args.len() {
        added += h.set(&args[i], &args[i + 1], lim) as i64;
        i += 2;
    }
    if name == "hmset" {
        out.ok();
    } else {
        out.int(added);
    }
    ctx.changes((args.len() / 2 - 1) as u64);
    Ok(())
}

fn hset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    hset_generic(ctx, args, "hset")
}

fn hmset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    hset_generic(ctx, args, "hmset")
}

fn hsetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = write_hash(db, &args[1], now)?;
    let set = h.set_if_absent(&args[2], &args[3], lim);
    out.int(set as i64);
    Ok(())
}

fn hget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match read_hash_stepping(db, &args[1], now, 1)?.and_then(|h| h.get(&args[2])) {
        Some(v) => out.bulk(v),
        None => out.null(),
    }
    Ok(())
}

fn hmget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = read_hash_stepping(db, &args[1], now, args.len() - 2)?;
    out.array(args.len() - 2);
    for f in args.iter_from(2) {
        match h.and_then(|h| h.get(f)) {
            Some(v) => out.bulk(v),
            None => out.null(),
        }
    }
    Ok(())
}

/// HGETALL (a map in RESP3), HKEYS, HVALS.
fn getall_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, keys: bool, vals: bool) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = read_hash(db, &args[1], now)?;
    let n = h.map_or(0, |h| h.len());
    if keys && vals {
        out.map(n);
    } else {
        out.array(n);
    }
    for (k, v) in h.into_iter().flat_map(|h| h.iter()) {
        if keys {
            out.bulk(k);
        }
        if vals {
            out.bulk(v);
        }
    }
    Ok(())
}

fn hgetall(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall_generic(ctx, args, true, true)
}

fn hkeys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall_generic(ctx, args, true, false)
}

fn hvals(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall_generic(ctx, args, false, true)
}

fn hlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = read_hash(db, &args[1], now)?.map_or(0, |h| h.len());
    out.int(n as i64);
    Ok(())
}

fn hstrlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = read_hash_stepping(db, &args[1], now, 1)?
        .and_then(|h| h.get(&args[2]))
        .map_or(0, |v| v.len());
    out.int(n as i64);
    Ok(())
}

fn hexists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let found = read_hash_stepping(db, &args[1], now, 1)?.is_some_and(|h| h.contains(&args[2]));
    out.int(found as i64);
    Ok(())
}

fn hdel(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_write(&args[1], now) else {
        out.int(0);
        return Ok(());
    };
    let h = e.as_hash_mut()?;
    let mut deleted = 0;
    for f in args.iter_from(2) {
        if h.remove(f) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    if h.is_empty() {
        db.remove(&args[1]);
    }
    out.int(deleted);
    ctx.changes(deleted as u64);
    Ok(())
}

fn hincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let incr = parse_i64(&args[3]).ok_or(CmdError::NotInteger)?;
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = write_hash(db, &args[1], now)?;
    // A missing field counts as 0, so errors below only happen on an existing (non-empty) hash.
    let cur = match h.get(&args[2]) {
        Some(v) => parse_i64(v).ok_or(CmdError::msg("ERR hash value is not an integer"))?,
        None => 0,
    };
    let new = cur.checked_add(incr).ok_or(CmdError::Overflow)?;
    let mut tmp = [0u8; 20];
    h.set(&args[2], crate::resp::reply::fmt_int(new, &mut tmp), lim);
    out.int(new);
    Ok(())
}

fn hincrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let incr = &args[3];
    // Validate the increment before touching the key, as Redis does: unparsable is
    // "not a valid float"; a parsable one that makes 0 + incr non-finite is infinite.
    match crate::ldouble::incr(b"0", incr) {
        Ok(_) => {}
        Err(CmdError::NotFloat) => return Err(CmdError::NotFloat),
        Err(_) => return Err(CmdError::msg("ERR value is NaN or Infinity")),
    }
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let h = write_hash(db, &args[1], now)?;
    let cur = h.get(&args[2]).unwrap_or(b"0");
    // The increment parsed above, so a parse failure here is the stored value's.
    let res = crate::ldouble::incr(cur, incr).map_err(|e| match e {
        CmdError::NotFloat => CmdError::msg("ERR hash value is not a float"),
        e => e,
    });
    let new = match res {
        Ok(v) => v,
        Err(e) => {
            // Never leave behind an empty hash created above.
            db.remove_if_empty(&args[1]);
            return Err(e);
        }
    };
    h.set(&args[2], &new, lim);
    out.bulk(&new);
    Ok(())
}

/// HSCAN key cursor [MATCH pattern] [COUNT count].
///
/// A listpack replies everything with cursor 0, as Redis does. The hashtable does the same for
/// now (std `HashMap` has no stable cursor); the incremental dict will bring real cursors.
fn hscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    use crate::commands::keys::{parse_cursor, parse_scan_opts, reply_scan};
    // As Redis: the cursor is checked first, then the key, then the options.
    let mut cursor = parse_cursor(&args[2])?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(h) = read_hash(db, &args[1], now)? else {
        reply_scan(out, 0, &[]);
        return Ok(());
    };
    let o = parse_scan_opts(args, 3, false)?;
    let mut items: Vec<Vec<u8>> = Vec::new();
    // COUNT bounds the fields visited; at most 10 * COUNT buckets per call.
    let (mut budget, mut visited) = (o.count.saturating_mul(10), 0usize);
    loop {
        cursor = h.scan(cursor, |k, v| {
            visited += 1;
            if o.pattern
                .is_none_or(|p| crate::util::glob_match(p, k, false))
            {
                items.push(k.to_vec());
                items.push(v.to_vec());
            }
        });
        budget = budget.saturating_sub(1);
        if cursor == 0 || budget == 0 || visited >= o.count {
            break;
        }
    }
    reply_scan(out, cursor, &items);
    Ok(())
}

/// The selected db, the server's RNG and the reply buffer, borrowed together.
fn db_rng_out<'c>(ctx: &'c mut Ctx<'_>) -> (&'c mut Db, &'c mut Rng, &'c mut Reply) {
    let idx = ctx.client.db;
    let srv = &mut *ctx.srv;
    let last = srv.dbs.len().saturating_sub(1);
    (&mut srv.dbs[idx.min(last)], &mut srv.rng, &mut *ctx.out)
}

/// HRANDFIELD key [count [WITHVALUES]].
fn hrandfield(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    if args.len() < 3 {
        let (db, rng, out) = db_rng_out(ctx);
        match read_hash_stepping(db, &args[1], now, 1)?.and_then(|h| h.random_pair(rng)) {
            Some((k, _)) => out.bulk(k),
            None => out.null(),
        }
        return Ok(());
    }
    let l = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    if l == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withvalues = match args.len() {
        3 => false,
        4 if args[3].eq_ignore_ascii_case(b"withvalues") => true,
        _ => return Err(CmdError::Syntax),
    };
    // RESP2 replies 2 * count elements with WITHVALUES; Redis bounds the count so that cannot
    // overflow.
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let (db, rng, out) = db_rng_out(ctx);
    let steps = l.unsigned_abs().min(1000) as usize;
    let Some(h) = read_hash_stepping(db, &args[1], now, steps)? else {
        out.array(0);
        return Ok(());
    };
    let count = l.unsigned_abs();
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    // A negative count (or 1) picks independently, repetitions allowed; a positive one picks
    // distinct fields, at most the whole hash.
    let independent = l < 0 || count == 1;
    let size = h.len() as u64;
    let n = if independent { count } else { count.min(size) };
    let resp3 = out.resp3;
    // RESP2 flattens the pairs; RESP3 nests each pair in a 2-element array.
    out.array((if withvalues && !resp3 { n * 2 } else { n }) as usize);
    let mut emit = |k: &[u8], v: &[u8]| {
        if withvalues && resp3 {
            out.array(2);
        }
        out.bulk(k);
        if withvalues {
            out.bulk(v);
        }
    };
    if independent {
        h.random_pairs(rng, count, emit);
    } else if count >= size {
        h.iter().for_each(|(k, v)| emit(k, v));
    } else {
        h.random_distinct_pairs(rng, count as usize, emit);
    }
    Ok(())
}
