//! Set commands (the command half of Redis's `t_set.c`): SADD, SREM, membership, SCARD, SPOP,
//! SRANDMEMBER, SMOVE, the algebra (SINTER/SUNION/SDIFF, their STORE forms, SINTERCARD) and
//! SSCAN. Encoding work lives in [`crate::db::set`].

use crate::command::{Command, Ctx, Handler, KeySpec, acl, flags, ks};
use crate::db::set::{Member, Popped, Set};
use crate::db::{Db, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::{Rng, parse_i64};

const fn spec(flags: u32, first: i32, last: i32) -> KeySpec {
    KeySpec::range(flags, first, last, 1)
}

const RW_INSERT: &[KeySpec] = &[spec(ks::RW | ks::INSERT, 1, 0)];
const RW_DELETE: &[KeySpec] = &[spec(ks::RW | ks::DELETE, 1, 0)];
const RW_ACCESS_DELETE: &[KeySpec] = &[spec(ks::RW | ks::ACCESS | ks::DELETE, 1, 0)];
const RO_ACCESS: &[KeySpec] = &[spec(ks::RO | ks::ACCESS, 1, 0)];
const RO: &[KeySpec] = &[spec(ks::RO, 1, 0)];
const RO_ACCESS_ALL: &[KeySpec] = &[spec(ks::RO | ks::ACCESS, 1, -1)];
const SMOVE_KEYS: &[KeySpec] = &[
    spec(ks::RW | ks::ACCESS | ks::DELETE, 1, 0),
    spec(ks::RW | ks::INSERT, 2, 0),
];
const SINTERSTORE_KEYS: &[KeySpec] = &[
    spec(ks::RW | ks::UPDATE, 1, 0),
    spec(ks::RO | ks::ACCESS, 2, -1),
];
const STORE_KEYS: &[KeySpec] = &[
    spec(ks::OW | ks::UPDATE, 1, 0),
    spec(ks::RO | ks::ACCESS, 2, -1),
];
const SINTERCARD_KEYS: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: ks::RO | ks::ACCESS,
    begin: crate::command::BeginSearch::Index(1),
    find: crate::command::FindKeys::Keynum {
        keynumidx: 0,
        firstkey: 1,
        keystep: 1,
    },
}];

/// write fast / @write @set @fast
const W_FAST: (u32, u32) = (
    flags::WRITE | flags::FAST,
    acl::WRITE | acl::SET | acl::FAST,
);
/// write denyoom / @write @set @slow
const W_STORE: (u32, u32) = (
    flags::WRITE | flags::DENYOOM,
    acl::WRITE | acl::SET | acl::SLOW,
);
/// readonly fast / @read @set @fast
const R_FAST: (u32, u32) = (
    flags::READONLY | flags::FAST,
    acl::READ | acl::SET | acl::FAST,
);
/// readonly / @read @set @slow
const R_SLOW: (u32, u32) = (flags::READONLY, acl::READ | acl::SET | acl::SLOW);

/// A set command's table entry; `keys` is (first, last, step) of the legacy key range.
#[allow(clippy::too_many_arguments)]
const fn entry(
    name: &'static str,
    arity: i32,
    handler: Handler,
    (flags, acl): (u32, u32),
    keys: (i32, i32),
    key_specs: &'static [KeySpec],
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
) -> Command {
    Command {
        flags,
        acl,
        first_key: keys.0,
        last_key: keys.1,
        step: if keys.0 == 0 { 0 } else { 1 },
        key_specs,
        group: "set",
        since,
        summary,
        complexity,
        ..Command::new(name, arity, handler)
    }
}

const ORDER_TIP: &[&str] = &["nondeterministic_output_order"];
const OUTPUT_TIP: &[&str] = &["nondeterministic_output"];
const ONE: (i32, i32) = (1, 1);
const ALL: (i32, i32) = (1, -1);
const O_INTER: &str =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const O_TOTAL: &str = "O(N) where N is the total number of elements in all given sets.";

pub static COMMANDS: [Command; 17] = [
    entry(
        "sadd",
        -3,
        sadd,
        (
            flags::WRITE | flags::DENYOOM | flags::FAST,
            acl::WRITE | acl::SET | acl::FAST,
        ),
        ONE,
        RW_INSERT,
        "1.0.0",
        "Add one or more members to a set",
        "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    ),
    entry(
        "srem",
        -3,
        srem,
        W_FAST,
        ONE,
        RW_DELETE,
        "1.0.0",
        "Remove one or more members from a set",
        "O(N) where N is the number of members to be removed.",
    ),
    Command {
        tips: ORDER_TIP,
        ..entry(
            "smembers",
            2,
            smembers,
            R_SLOW,
            ONE,
            RO_ACCESS,
            "1.0.0",
            "Get all the members in a set",
            "O(N) where N is the set cardinality.",
        )
    },
    entry(
        "sismember",
        3,
        sismember,
        R_FAST,
        ONE,
        RO,
        "1.0.0",
        "Determine if a given value is a member of a set",
        "O(1)",
    ),
    entry(
        "smismember",
        -3,
        smismember,
        R_FAST,
        ONE,
        RO_ACCESS,
        "6.2.0",
        "Returns the membership associated with the given elements for a set",
        "O(N) where N is the number of elements being checked for membership",
    ),
    entry(
        "scard",
        2,
        scard,
        R_FAST,
        ONE,
        RO,
        "1.0.0",
        "Get the number of members in a set",
        "O(1)",
    ),
    Command {
        tips: OUTPUT_TIP,
        ..entry(
            "spop",
            -2,
            spop,
            W_FAST,
            ONE,
            RW_ACCESS_DELETE,
            "1.0.0",
            "Remove and return one or multiple random members from a set",
            "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
        )
    },
    Command {
        tips: OUTPUT_TIP,
        ..entry(
            "srandmember",
            -2,
            srandmember,
            R_SLOW,
            ONE,
            RO_ACCESS,
            "1.0.0",
            "Get one or multiple random members from a set",
            "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
        )
    },
    entry(
        "smove",
        4,
        smove,
        W_FAST,
        (1, 2),
        SMOVE_KEYS,
        "1.0.0",
        "Move a member from one set to another",
        "O(1)",
    ),
    Command {
        tips: ORDER_TIP,
        ..entry(
            "sinter",
            -2,
            sinter,
            R_SLOW,
            ALL,
            RO_ACCESS_ALL,
            "1.0.0",
            "Intersect multiple sets",
            O_INTER,
        )
    },
    entry(
        "sintercard",
        -3,
        sintercard,
        (
            flags::READONLY | flags::MOVABLE_KEYS,
            acl::READ | acl::SET | acl::SLOW,
        ),
        (0, 0),
        SINTERCARD_KEYS,
        "7.0.0",
        "Intersect multiple sets and return the cardinality of the result",
        O_INTER,
    ),
    Command {
        tips: ORDER_TIP,
        ..entry(
            "sunion",
            -2,
            sunion,
            R_SLOW,
            ALL,
            RO_ACCESS_ALL,
            "1.0.0",
            "Add multiple sets",
            O_TOTAL,
        )
    },
    Command {
        tips: ORDER_TIP,
        ..entry(
            "sdiff",
            -2,
            sdiff,
            R_SLOW,
            ALL,
            RO_ACCESS_ALL,
            "1.0.0",
            "Subtract multiple sets",
            O_TOTAL,
        )
    },
    entry(
        "sinterstore",
        -3,
        sinterstore,
        W_STORE,
        ALL,
        SINTERSTORE_KEYS,
        "1.0.0",
        "Intersect multiple sets and store the resulting set in a key",
        O_INTER,
    ),
    entry(
        "sunionstore",
        -3,
        sunionstore,
        W_STORE,
        ALL,
        STORE_KEYS,
        "1.0.0",
        "Add multiple sets and store the resulting set in a key",
        O_TOTAL,
    ),
    entry(
        "sdiffstore",
        -3,
        sdiffstore,
        W_STORE,
        ALL,
        STORE_KEYS,
        "1.0.0",
        "Subtract multiple sets and store the resulting set in a key",
        O_TOTAL,
    ),
    Command {
        tips: OUTPUT_TIP,
        ..entry(
            "sscan",
            -3,
            sscan,
            R_SLOW,
            ONE,
            RO_ACCESS,
            "2.8.0",
            "Incrementally iterate Set elements",
            "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        )
    },
];

/// `set-max-intset-entries`: the one place the conversion threshold comes from.
fn max_intset(ctx: &Ctx<'_>) -> usize {
    ctx.srv.config.set_max_intset_entries
}

/// The set at `key` for reading (counts a hit or miss); None if absent, WRONGTYPE if not a set.
fn read_set<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a Set>, CmdError> {
    match db.lookup_read(key, now) {
        None => Ok(None),
        Some(e) => e.as_set().map(Some),
    }
}

/// [`read_set`] that moves a resizing table on (see [`Db::lookup_read_stepping`]).
fn read_set_stepping<'a>(
    db: &'a mut Db,
    key: &[u8],
    now: i64,
    lookups: usize,
) -> Result<Option<&'a Set>, CmdError> {
    db.lookup_read_stepping(key, now, lookups)
        .map(|e| e.as_set())
        .transpose()
}

/// The selected db, the server's RNG and the reply buffer, borrowed together.
fn db_rng_out<'c>(ctx: &'c mut Ctx<'_>) -> (&'c mut Db, &'c mut Rng, &'c mut Reply) {
    let idx = ctx.client.db;
    let srv = &mut *ctx.srv;
    let last = srv.dbs.len().saturating_sub(1);
    (&mut srv.dbs[idx.min(last)], &mut srv.rng, &mut *ctx.out)
}

fn bulk_member(out: &mut Reply, m: Member<'_>) {
    match m {
        Member::Int(v) => out.bulk_int(v),
        Member::Bytes(b) => out.bulk(b),
    }
}

/// Replies a set as Redis does through a union of that one set (SPOP asking for at least the
/// whole set): the union's result is an intset, so ascending, when every member is
/// an integer and there are few enough; otherwise the set's own order.
fn reply_whole(out: &mut Reply, s: &Set, max_intset: usize) {
    out.set(s.len());
    if matches!(s, Set::Table(_)) && s.len() <= max_intset && s.all_ints() {
        let mut ints = Vec::with_capacity(s.len());
        s.for_each(|m| ints.extend(parse_i64(m)));
        ints.sort_unstable();
        ints.into_iter().for_each(|v| out.bulk_int(v));
    } else {
        s.each(|m| bulk_member(out, m));
    }
}

fn sadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let first = args.get(2);
    let e = db.entry_or_insert(&args[1], now, || {
        Value::Set(Box::new(Set::for_first(first)))
    });
    let s = e.as_set_mut()?;
    let mut added = 0;
    for m in args.iter_from(2) {
        added += s.add(m, max) as i64;
    }
    out.int(added);
    ctx.changes(added as u64);
    Ok(())
}

fn srem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_write(&args[1], now) else {
        out.int(0);
        return Ok(());
    };
    let s = e.as_set_mut()?;
    let mut removed = 0;
    for m in args.iter_from(2) {
        if s.remove(m) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    if s.is_empty() {
        db.remove(&args[1]);
    }
    out.int(removed);
    ctx.changes(removed as u64);
    Ok(())
}

fn smembers(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter_generic(ctx, args, 1, Inter::Members)
}

fn sismember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let found = read_set_stepping(db, &args[1], now, 1)?.is_some_and(|s| s.contains(&args[2]));
    out.int(found as i64);
    Ok(())
}

fn smismember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let s = read_set_stepping(db, &args[1], now, args.len() - 2)?;
    out.array(args.len() - 2);
    for m in args.iter_from(2) {
        out.int(s.is_some_and(|s| s.contains(m)) as i64);
    }
    Ok(())
}

fn scard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = read_set(db, &args[1], now)?.map_or(0, |s| s.len());
    out.int(n as i64);
    Ok(())
}

/// SPOP key [count].
fn spop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match args.len() {
        2 => {}
        3 => return spop_count(ctx, args),
        _ => return Err(CmdError::Syntax),
    }
    let now = ctx.now_ms;
    let (db, rng, out) = db_rng_out(ctx);
    let Some(e) = db.lookup_write(&args[1], now) else {
        out.null();
        return Ok(());
    };
    let s = e.as_set_mut()?;
    match s.pop_random(rng) {
        Some(p) => bulk_member(out, p.as_member()),
        None => out.null(),
    }
    db.remove_if_empty(&args[1]);
    Ok(())
}

/// Redis's `SPOP_MOVE_STRATEGY_MUL`: when fewer than 1/5 as many members stay as are popped,
/// build a new set of the members that stay and hand the old one over to the reply.
const SPOP_MOVE_STRATEGY_MUL: u64 = 5;

fn spop_count(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let count = match parse_i64(&args[2]) {
        Some(n) if n >= 0 => n as u64,
        _ => {
            return Err(CmdError::msg("ERR value is out of range, must be positive"));
        }
    };
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let (db, rng, out) = db_rng_out(ctx);
    let Some(e) = db.lookup_write(&args[1], now) else {
        out.set(0);
        ctx.unchanged();
        return Ok(());
    };
    let s = e.as_set_mut()?;
    if count == 0 {
        out.set(0);
        ctx.unchanged();
        return Ok(());
    }
    let size = s.len() as u64;
    if count >= size {
        // Everything: reply as a union of the set would, and delete the key.
        reply_whole(out, s, max);
        db.remove(&args[1]);
        ctx.changes(size);
        return Ok(());
    }
    out.set(count as usize);
    let mut remaining = size - count;
    if remaining * SPOP_MOVE_STRATEGY_MUL > count {
        for _ in 0..count {
            match s.pop_random(rng) {
                Some(Popped::Int(v)) => out.bulk_int(v),
                Some(Popped::Bytes(b)) => out.bulk(&b),
                None => break,
            }
        }
    } else {
        // Move the members that stay into a new set (encoded afresh, as Redis's
        // `setTypeCreate` + `setTypeAdd`), reply the rest in the old set's order.
        let mut kept: Option<Set> = None;
        while remaining > 0 {
            let Some(p) = s.pop_random(rng) else { break };
            let mut tmp = [0u8; 20];
            let m = p.as_member();
            kept.get_or_insert_with(|| Set::for_first(m.as_bytes(&mut tmp)))
                .add_member(m, max);
            remaining -= 1;
        }
        s.each(|m| bulk_member(out, m));
        if let Some(k) = kept {
            *s = k;
        }
    }
    ctx.changes(count);
    Ok(())
}

/// SRANDMEMBER key [count].
fn srandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match args.len() {
        2 => {}
        3 => return srandmember_count(ctx, args),
        _ => return Err(CmdError::Syntax),
    }
    let now = ctx.now_ms;
    let (db, rng, out) = db_rng_out(ctx);
    match read_set_stepping(db, &args[1], now, 1)?.and_then(|s| s.random(rng)) {
        Some(m) => bulk_member(out, m),
        None => out.null(),
    }
    Ok(())
}

fn srandmember_count(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let l = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    if l == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let now = ctx.now_ms;
    let (db, rng, out) = db_rng_out(ctx);
    let steps = l.unsigned_abs().min(1000) as usize;
    let Some(s) = read_set_stepping(db, &args[1], now, steps)? else {
        out.array(0);
        return Ok(());
    };
    let count = l.unsigned_abs();
    if count == 0 {
        out.array(0);
        return Ok(());
    }
    // A negative count (or 1) picks independently, repetitions allowed. Like Redis, a huge
    // negative count is served in full.
    if l < 0 || count == 1 {
        out.array(count as usize);
        for _ in 0..count {
            if let Some(m) = s.random(rng) {
                bulk_member(out, m);
            }
        }
        return Ok(());
    }
    if count >= s.len() as u64 {
        // The whole set, in its own order.
        out.array(s.len());
        s.each(|m| bulk_member(out, m));
        return Ok(());
    }
    out.array(count as usize);
    s.random_distinct(rng, count as usize, |m| bulk_member(out, m));
    Ok(())
}

fn smove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let (src, dst, m) = (&args[1], &args[2], &args[3]);
    let (db, out) = ctx.db_out();
    let src_is_set = db.lookup_write(src, now).map(|e| e.as_set().is_ok());
    let dst_is_set = db.lookup_write(dst, now).map(|e| e.as_set().is_ok());
    match (src_is_set, dst_is_set) {
        (None, _) => {
            out.int(0);
            return Ok(());
        }
        (Some(false), _) | (_, Some(false)) => return Err(CmdError::WrongType),
        _ => {}
    }
    let Some(s) = db.peek(src, now) else {
        out.int(0);
        return Ok(());
    };
    let s = s.as_set_mut()?;
    if src == dst {
        out.int(s.contains(m) as i64);
        ctx.unchanged();
        return Ok(());
    }
    if !s.remove(m) {
        out.int(0);
        return Ok(());
    }
    db.remove_if_empty(src);
    let d = db.entry_or_insert(dst, now, || Value::Set(Box::new(Set::for_first(m))));
    let added = d.as_set_mut()?.add(m, max);
    out.int(1);
    if added {
        ctx.changes(2);
    } else {
        ctx.srv.write_effect = crate::server::WriteEffect::FirstKeyOnly;
    }
    Ok(())
}

/// What an intersection replies.
#[derive(Clone, Copy)]
enum Inter<'a> {
    /// The members (SINTER, SMEMBERS).
    Members,
    /// The cardinality, counting up to a limit (0: none) (SINTERCARD).
    Card(u64),
    /// Stored at the key, replying the cardinality (SINTERSTORE).
    Store(&'a [u8]),
}

/// Looks every key up (stats and expiry, in order): their sizes, None for a missing key.
/// WRONGTYPE for the first key that holds another type, even after a missing one.
fn sizes(
    db: &mut Db,
    args: &Args<'_>,
    first: usize,
    n: usize,
    now: i64,
) -> Result<Vec<Option<usize>>, CmdError> {
    let mut v = Vec::with_capacity(n);
    for k in args.iter_from(first).take(n) {
        v.push(read_set(db, k, now)?.map(|s| s.len()));
    }
    Ok(v)
}

/// The set at `key`, known to be a live set (checked by [`sizes`] in this command).
fn peek_set<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Option<&'a mut Set> {
    db.peek(key, now).and_then(|e| e.as_set_mut().ok())
}

/// Stores a computed set at `dst` (replacing any value and TTL), or deletes `dst` when the result
/// is empty; replies the cardinality. False when nothing changed (an empty result and no `dst`).
fn store(db: &mut Db, out: &mut Reply, dst: &[u8], s: Set) -> bool {
    let n = s.len();
    out.int(n as i64);
    if n > 0 {
        db.set(dst, Value::Set(Box::new(s)));
        true
    } else {
        db.remove(dst).is_some()
    }
}

/// Redis's `sinterGenericCommand` over the `n` keys from `args[first]`.
fn inter_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, first: usize, mode: Inter<'_>) -> CmdResult {
    inter_keys(ctx, args, first, args.len().saturating_sub(first), mode)
}

/// [`inter_generic`] over `n` keys.
fn inter_keys(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    first: usize,
    n: usize,
    mode: Inter<'_>,
) -> CmdResult {
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let sizes = sizes(db, args, first, n, now)?;
    if sizes.iter().any(|s| s.is_none()) {
        match mode {
            Inter::Members => out.set(0),
            Inter::Card(_) => out.int(0),
            Inter::Store(dst) => {
                out.int(0);
                if db.remove(dst).is_none() {
                    ctx.unchanged();
                }
            }
        }
        return Ok(());
    }
    // One set replied as it is (SMEMBERS): no copy.
    if n == 1
        && let Inter::Members = mode
        && let Some(s) = peek_set(db, &args[first], now)
    {
        out.set(s.len());
        s.each(|m| bulk_member(out, m));
        return Ok(());
    }
    // Walk from the smallest set (ties keep key order), keeping members found in all others.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| sizes[i]);
    let mut acc = match order
        .first()
        .and_then(|&i| peek_set(db, &args[first + i], now))
    {
        Some(s) => s.clone(),
        None => Set::new(),
    };
    for &i in order.iter().skip(1) {
        if acc.is_empty() {
            break;
        }
        if let Some(other) = peek_set(db, &args[first + i], now) {
            acc.retain(|m| other.contains_member(m));
        }
    }
    match mode {
        Inter::Members => {
            out.set(acc.len());
            acc.each(|m| bulk_member(out, m));
        }
        Inter::Card(limit) => {
            let n = acc.len() as u64;
            out.int(if limit > 0 { n.min(limit) } else { n } as i64);
        }
        Inter::Store(dst) => {
            // Built afresh member by member, as Redis's result set (intset first).
            let mut res = Set::new();
            acc.each(|m| {
                res.add_member(m, max);
            });
            if !store(db, out, dst, res) {
                ctx.unchanged();
            }
        }
    }
    Ok(())
}

fn sinter(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter_generic(ctx, args, 1, Inter::Members)
}

fn sinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter_generic(ctx, args, 2, Inter::Store(&args[1]))
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit].
fn sintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg("ERR numkeys should be greater than 0")),
    };
    if numkeys > (args.len() - 2) as u64 {
        return Err(CmdError::msg(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let numkeys = numkeys as usize;
    let mut limit = 0u64;
    let mut i = 2 + numkeys;
    while i < args.len() {
        if args[i].eq_ignore_ascii_case(b"limit") && i + 1 < args.len() {
            limit = match parse_i64(&args[i + 1]) {
                Some(l) if l >= 0 => l as u64,
                _ => return Err(CmdError::msg("ERR LIMIT can't be negative")),
            };
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    inter_keys(ctx, args, 2, numkeys, Inter::Card(limit))
}

/// Redis's `sunionDiffGenericCommand` over the keys from `args[first]`: the result is built as
/// a new set (intset first), then replied or stored at `dst`.
fn union_diff(ctx: &mut Ctx<'_>, args: &Args<'_>, first: usize, diff: bool) -> CmdResult {
    let max = max_intset(ctx);
    let now = ctx.now_ms;
    let n = args.len() - first;
    let dst = (first == 2).then(|| &args[1]);
    let (db, out) = ctx.db_out();
    let sizes = sizes(db, args, first, n, now)?;
    let key = |i: usize| &args[first + i];
    let mut res = Set::new();
    if !diff {
        for i in 0..n {
            if let Some(s) = peek_set(db, key(i), now) {
                s.each(|m| {
                    res.add_member(m, max);
                });
            }
        }
    } else if let Some(size0) = sizes[0] {
        // Redis picks between two algorithms by estimated work; the choice shows in the
        // result's encoding, so it is reproduced here.
        let present = sizes.iter().flatten();
        let one = (size0 as u64 * present.clone().count() as u64) / 2;
        let two: u64 = present.map(|&s| s as u64).sum();
        if one <= two {
            // 1: the members of the first set found in no other, added to the result.
            let mut acc = match peek_set(db, key(0), now) {
                Some(s) => s.clone(),
                None => Set::new(),
            };
            for i in 1..n {
                if acc.is_empty() {
                    break;
                }
                if key(i) == key(0) {
                    acc = Set::new();
                } else if let Some(other) = peek_set(db, key(i), now) {
                    acc.retain(|m| !other.contains_member(m));
                }
            }
            acc.each(|m| {
                res.add_member(m, max);
            });
        } else {
            // 2: add the whole first set, then remove every other set's members.
            for i in 0..n {
                let Some(s) = peek_set(db, key(i), now) else {
                    continue;
                };
                if i == 0 {
                    s.each(|m| {
                        res.add_member(m, max);
                    });
                } else {
                    s.each(|m| {
                        res.remove_member(m);
                    });
                }
                if res.is_empty() {
                    break;
                }
            }
        }
    }
    match dst {
        Some(dst) => {
            if !store(db, out, dst, res) {
                ctx.unchanged();
            }
        }
        None => {
            out.set(res.len());
            res.each(|m| bulk_member(out, m));
        }
    }
    Ok(())
}

fn sunion(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    union_diff(ctx, args, 1, false)
}

fn sdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    union_diff(ctx, args, 1, true)
}

fn sunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    union_diff(ctx, args, 2, false)
}

fn sdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    union_diff(ctx, args, 2, true)
}

/// SSCAN key cursor [MATCH pattern] [COUNT count]. An intset replies everything with cursor 0;
/// a hashtable walks the dict's reverse-binary cursor until `count` members are gathered (or
/// `10 * count` buckets visited), as Redis's `scanGenericCommand`.
fn sscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut cursor = crate::commands::keys::parse_cursor(&args[2])?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(s) = read_set(db, &args[1], now)? else {
        crate::commands::keys::reply_scan(out, 0, &[]);
        return Ok(());
    };
    let opts = crate::commands::keys::parse_scan_opts(args, 3, false)?;
    let (count, pattern) = (opts.count as u64, opts.pattern);
    let mut found: Vec<Member<'_>> = Vec::new();
    match s {
        Set::Ints(_) => {
            s.each(|m| found.push(m));
            cursor = 0;
        }
        Set::Table(_) => {
            let mut budget = count.saturating_mul(10);
            loop {
                cursor = s.scan(cursor, |m| found.push(m));
                if cursor == 0 || budget == 0 || found.len() as u64 >= count {
                    break;
                }
                budget -= 1;
            }
        }
    }
    // Redis filters by the pattern after gathering.
    if let Some(p) = pattern {
        let mut tmp = [0u8; 20];
        found.retain(|m| crate::util::glob_match(p, m.as_bytes(&mut tmp), false));
    }
    out.array(2);
    out.bulk(cursor.to_string().as_bytes());
    out.array(found.len());
    for m in found {
        bulk_member(out, m);
    }
    Ok(())
}
