//! List commands (the command half of Redis's `t_list.c`): pushes, pops, LMOVE/RPOPLPUSH,
//! LMPOP, reads by index and range, LSET/LINSERT/LREM/LTRIM and LPOS. The blocking variants
//! (BLPOP ...) are not here. Encoding work lives in [`crate::db::list`].

use crate::command::{BeginSearch, Command, Ctx, FindKeys, Handler, KeySpec, acl, flags, ks};
use crate::db::list::{Elem, List, Needle};
use crate::db::{Db, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::parse_i64;

const RW_INSERT: &[KeySpec] = &[KeySpec::range(ks::RW | ks::INSERT, 1, 0, 1)];
const RW_ACCESS_DELETE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1)];
const RW_UPDATE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)];
const RW_DELETE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RO: &[KeySpec] = &[KeySpec::range(ks::RO, 1, 0, 1)];
/// Source then destination (LMOVE, RPOPLPUSH).
const MOVE_KEYS: &[KeySpec] = &[
    KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1),
    KeySpec::range(ks::RW | ks::INSERT, 2, 0, 1),
];
/// `numkeys key [key ...]` (LMPOP).
const MPOP_KEYS: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: ks::RW | ks::ACCESS | ks::DELETE,
    begin: BeginSearch::Index(1),
    find: FindKeys::Keynum {
        keynumidx: 0,
        firstkey: 1,
        keystep: 1,
    },
}];

/// write denyoom fast / @write @list @fast
const PUSH: (u32, u32) = (
    flags::WRITE | flags::DENYOOM | flags::FAST,
    acl::WRITE | acl::LIST | acl::FAST,
);
/// write fast / @write @list @fast
const POP: (u32, u32) = (
    flags::WRITE | flags::FAST,
    acl::WRITE | acl::LIST | acl::FAST,
);
/// write denyoom / @write @list @slow
const W_OOM: (u32, u32) = (
    flags::WRITE | flags::DENYOOM,
    acl::WRITE | acl::LIST | acl::SLOW,
);
/// write / @write @list @slow
const W_SLOW: (u32, u32) = (flags::WRITE, acl::WRITE | acl::LIST | acl::SLOW);
/// readonly fast / @read @list @fast
const R_FAST: (u32, u32) = (
    flags::READONLY | flags::FAST,
    acl::READ | acl::LIST | acl::FAST,
);
/// readonly / @read @list @slow
const R_SLOW: (u32, u32) = (flags::READONLY, acl::READ | acl::LIST | acl::SLOW);

/// A list command's table entry (first/last key 1/1 unless overridden).
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
        "list",
        (flags, acl),
        key_specs,
        since,
        summary,
        complexity,
    )
}

const O_PUSH: &str = "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";
const O_POP: &str = "O(N) where N is the number of elements returned";

pub static COMMANDS: [Command; 17] = [
    entry(
        "lpush",
        -3,
        lpush,
        PUSH,
        RW_INSERT,
        "1.0.0",
        "Prepend one or multiple elements to a list",
        O_PUSH,
    ),
    entry(
        "rpush",
        -3,
        rpush,
        PUSH,
        RW_INSERT,
        "1.0.0",
        "Append one or multiple elements to a list",
        O_PUSH,
    ),
    entry(
        "lpushx",
        -3,
        lpushx,
        PUSH,
        RW_INSERT,
        "2.2.0",
        "Prepend an element to a list, only if the list exists",
        O_PUSH,
    ),
    entry(
        "rpushx",
        -3,
        rpushx,
        PUSH,
        RW_INSERT,
        "2.2.0",
        "Append an element to a list, only if the list exists",
        O_PUSH,
    ),
    entry(
        "lpop",
        -2,
        lpop,
        POP,
        RW_ACCESS_DELETE,
        "1.0.0",
        "Remove and get the first elements in a list",
        O_POP,
    ),
    entry(
        "rpop",
        -2,
        rpop,
        POP,
        RW_ACCESS_DELETE,
        "1.0.0",
        "Remove and get the last elements in a list",
        O_POP,
    ),
    entry(
        "llen",
        2,
        llen,
        R_FAST,
        RO,
        "1.0.0",
        "Get the length of a list",
        "O(1)",
    ),
    entry(
        "lrange",
        4,
        lrange,
        R_SLOW,
        RO_ACCESS,
        "1.0.0",
        "Get a range of elements from a list",
        "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    ),
    entry(
        "lindex",
        3,
        lindex,
        R_SLOW,
        RO_ACCESS,
        "1.0.0",
        "Get an element from a list by its index",
        "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    ),
    entry(
        "lset",
        4,
        lset,
        W_OOM,
        RW_UPDATE,
        "1.0.0",
        "Set the value of an element in a list by its index",
        "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    ),
    entry(
        "linsert",
        5,
        linsert,
        W_OOM,
        RW_INSERT,
        "2.2.0",
        "Insert an element before or after another element in a list",
        "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    ),
    entry(
        "lrem",
        4,
        lrem,
        W_SLOW,
        RW_DELETE,
        "1.0.0",
        "Remove elements from a list",
        "O(N+M) where N is the length of the list and M is the number of elements removed.",
    ),
    entry(
        "ltrim",
        4,
        ltrim,
        W_SLOW,
        RW_DELETE,
        "1.0.0",
        "Trim a list to the specified range",
        "O(N) where N is the number of elements to be removed by the operation.",
    ),
    entry(
        "lpos",
        -3,
        lpos,
        R_SLOW,
        RO_ACCESS,
        "6.0.6",
        "Return the index of matching elements on a list",
        "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    ),
    Command {
        last_key: 2,
        ..entry(
            "lmove",
            5,
            lmove,
            W_OOM,
            MOVE_KEYS,
            "6.2.0",
            "Pop an element from a list, push it to another list and return it",
            "O(1)",
        )
    },
    Command {
        last_key: 2,
        ..entry(
            "rpoplpush",
            3,
            rpoplpush,
            W_OOM,
            MOVE_KEYS,
            "1.2.0",
            "Remove the last element in a list, prepend it to another list and return it",
            "O(1)",
        )
    },
    Command {
        flags: flags::WRITE | flags::MOVABLE_KEYS,
        first_key: 0,
        last_key: 0,
        step: 0,
        ..entry(
            "lmpop",
            -4,
            lmpop,
            W_SLOW,
            MPOP_KEYS,
            "7.0.0",
            "Pop elements from a list",
            "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        )
    },
];

/// `list-max-listpack-size` and `list-compress-depth` for new lists: the one place to read
/// them from the configuration once it has them.
fn list_options(ctx: &Ctx<'_>) -> (i64, i64) {
    let c = &ctx.srv.config;
    (c.list_max_listpack_size, c.list_compress_depth)
}

/// The list at `key` for reading (counts a hit or miss); None if absent, WRONGTYPE if not a list.
fn read_list<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a List>, CmdError> {
    match db.lookup_read(key, now) {
        None => Ok(None),
        Some(e) => e.as_list().map(Some),
    }
}

/// The list at `key` for writing; None if absent, WRONGTYPE if not a list.
fn write_list<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a mut List>, CmdError> {
    match db.lookup_write(key, now) {
        None => Ok(None),
        Some(e) => e.as_list_mut().map(Some),
    }
}

/// The list at `key`, created empty if absent (WRONGTYPE if another type).
fn create_list<'a>(
    db: &'a mut Db,
    key: &[u8],
    now: i64,
    (fill, depth): (i64, i64),
) -> Result<&'a mut List, CmdError> {
    let e = db.entry_or_insert(key, now, || {
        Value::List(Box::new(List::with_options(fill, depth)))
    });
    e.as_list_mut()
}

/// Parses LEFT/RIGHT: true for LEFT (the head).
fn parse_side(s: &[u8]) -> Result<bool, CmdError> {
    if s.eq_ignore_ascii_case(b"left") {
        Ok(true)
    } else if s.eq_ignore_ascii_case(b"right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Redis's `getPositiveLongFromObjectOrReply`: a non-negative integer, else `msg`.
fn parse_non_negative(s: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match parse_i64(s) {
        Some(v) if v >= 0 => Ok(v),
        _ => Err(CmdError::msg(msg)),
    }
}

/// Drops `key` when its list became empty (Redis deletes empty lists).
fn remove_if_empty(db: &mut Db, key: &[u8], empty: bool) {
    if empty {
        db.remove(key);
    }
}

/// LPUSH/RPUSH/LPUSHX/RPUSHX: push every element, reply the new length.
fn push_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, front: bool, existing_only: bool) -> CmdResult {
    let opts = list_options(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let l = if existing_only {
        match write_list(db, &args[1], now)? {
            Some(l) => l,
            None => {
                out.int(0);
                return Ok(());
            }
        }
    } else {
        create_list(db, &args[1], now, opts)?
    };
    for v in args.iter_from(2) {
        l.push(v, front);
    }
    out.int(l.len() as i64);
    ctx.changes(args.len() as u64 - 2);
    Ok(())
}

fn lpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, true, false)
}

fn rpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, false, false)
}

fn lpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, true, true)
}

fn rpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, false, true)
}

/// Pops up to `count` elements from one end of `l` into a bulk array; returns how many.
fn pop_range_reply(l: &mut List, front: bool, count: usize, out: &mut Reply) -> usize {
    let n = count.min(l.len());
    out.array(n);
    for _ in 0..n {
        l.pop_elem(front, |e| bulk_elem(out, e));
    }
    n
}

/// LPOP/RPOP key [count].
fn pop_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, front: bool, name: &str) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::msg(format!(
            "ERR wrong number of arguments for '{name}' command"
        )));
    }
    let count = match args.len() {
        3 => Some(parse_non_negative(
            &args[2],
            "ERR value is out of range, must be positive",
        )?),
        _ => None,
    };
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = write_list(db, &args[1], now)? else {
        match count {
            Some(_) => out.null_array(),
            None => out.null(),
        }
        return Ok(());
    };
    let popped = match count {
        None => {
            l.pop_elem(front, |e| bulk_elem(out, e));
            1
        }
        Some(c) => pop_range_reply(l, front, c as usize, out),
    };
    let empty = l.is_empty();
    remove_if_empty(db, &args[1], empty);
    match popped {
        // A count of 0 pops nothing: Redis neither signals nor propagates it.
        0 => ctx.unchanged(),
        n => ctx.changes(n as u64),
    }
    Ok(())
}

fn lpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    pop_generic(ctx, args, true, "lpop")
}

fn rpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    pop_generic(ctx, args, false, "rpop")
}

fn llen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = read_list(db, &args[1], now)?.map_or(0, |l| l.len());
    out.int(n as i64);
    Ok(())
}

fn lrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let end = parse_i64(&args[3]).ok_or(CmdError::NotInteger)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = read_list(db, &args[1], now)? else {
        out.array(0);
        return Ok(());
    };
    match clamp_range(start, end, l.len()) {
        None => out.array(0),
        Some((s, e)) => {
            out.array(e - s + 1);
            for v in l.iter_from(s).take(e - s + 1) {
                bulk_elem(out, v);
            }
        }
    }
    Ok(())
}

/// Replies one element as a bulk string.
fn bulk_elem(out: &mut Reply, e: Elem<'_>) {
    match e {
        Elem::Bytes(b) => out.bulk(b),
        Elem::Int(v) => out.bulk_int(v),
    }
}

/// Resolves a `start stop` pair (negative counts from the tail) against a list of `len`
/// elements: the inclusive index range, or None when it is empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let start = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let end = if end < 0 { end + len } else { end };
    if start > end || start >= len {
        return None;
    }
    Some((start as usize, end.min(len - 1) as usize))
}

/// An index (negative counts from the tail) resolved against `len`.
fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { index + len as i64 } else { index };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn lindex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = read_list(db, &args[1], now)? else {
        out.null();
        return Ok(());
    };
    let index = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    match resolve_index(index, l.len()).and_then(|i| l.get(i)) {
        Some(v) => bulk_elem(out, v),
        None => out.null(),
    }
    Ok(())
}

fn lset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let l = write_list(db, &args[1], now)?.ok_or(CmdError::NoSuchKey)?;
    let index = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    match resolve_index(index, l.len()) {
        Some(i) if l.set(i, &args[3]) => {
            out.ok();
            Ok(())
        }
        _ => Err(CmdError::msg("ERR index out of range")),
    }
}

fn linsert(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let before = if args[2].eq_ignore_ascii_case(b"before") {
        true
    } else if args[2].eq_ignore_ascii_case(b"after") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = write_list(db, &args[1], now)? else {
        out.int(0);
        return Ok(());
    };
    if l.insert(&args[3], &args[4], before) {
        out.int(l.len() as i64);
    } else {
        out.int(-1);
    }
    Ok(())
}

fn lrem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let count = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = write_list(db, &args[1], now)? else {
        out.int(0);
        return Ok(());
    };
    let n = count.unsigned_abs().min(usize::MAX as u64) as usize;
    let removed = l.remove(&args[3], n, count >= 0);
    let empty = l.is_empty();
    remove_if_empty(db, &args[1], empty);
    out.int(removed as i64);
    ctx.changes(removed as u64);
    Ok(())
}

fn ltrim(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let end = parse_i64(&args[3]).ok_or(CmdError::NotInteger)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    // Redis signals the key even when nothing was removed, but counts and propagates only
    // what was removed; a missing key is not touched at all.
    let mut effect = crate::server::WriteEffect::Nothing;
    let mut removed = 0;
    if let Some(l) = write_list(db, &args[1], now)? {
        let before = l.len();
        match clamp_range(start, end, l.len()) {
            Some((s, e)) => l.trim(s, e),
            None => l.clear(),
        }
        removed = before - l.len();
        effect = if l.len() == before {
            crate::server::WriteEffect::SignalOnly
        } else {
            crate::server::WriteEffect::Changed
        };
        let empty = l.is_empty();
        remove_if_empty(db, &args[1], empty);
    }
    out.ok();
    ctx.srv.write_effect = effect;
    ctx.changes(removed as u64);
    Ok(())
}

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
fn lpos(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut i = 3;
    while i < args.len() {
        let opt = &args[i];
        let more = i + 1 < args.len();
        if more && opt.eq_ignore_ascii_case(b"rank") {
            rank = parse_i64(&args[i + 1]).ok_or(CmdError::NotInteger)?;
            if rank == 0 {
                return Err(CmdError::msg(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                ));
            }
        } else if more && opt.eq_ignore_ascii_case(b"count") {
            count = Some(parse_non_negative(
                &args[i + 1],
                "ERR COUNT can't be negative",
            )?);
        } else if more && opt.eq_ignore_ascii_case(b"maxlen") {
            maxlen = parse_non_negative(&args[i + 1], "ERR MAXLEN can't be negative")?;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    // A negative rank searches from the tail. Redis negates it in C `long` arithmetic, so
    // RANK -9223372036854775808 stays negative: every match then qualifies and COUNT never
    // stops the scan. Wrapping arithmetic below reproduces that.
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(l) = read_list(db, &args[1], now)? else {
        match count {
            Some(_) => out.array(0),
            None => out.null(),
        }
        return Ok(());
    };
    let needle = Needle::new(&args[2]);
    let len = l.len();
    let limit = if maxlen == 0 {
        len
    } else {
        len.min(maxlen as usize)
    };
    let mut matches: i64 = 0;
    let mut found: Vec<i64> = Vec::new();
    let mut scan = |it: &mut dyn Iterator<Item = Elem<'_>>| {
        for (index, e) in it.take(limit).enumerate() {
            if !needle.matches(e) {
                continue;
            }
            matches += 1;
            if matches < rank {
                continue;
            }
            let pos = if from_tail { len - 1 - index } else { index };
            found.push(pos as i64);
            match count {
                None => break,
                Some(c) if c != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= c => break,
                Some(_) => {}
            }
        }
    };
    if from_tail {
        scan(&mut l.iter_rev());
    } else {
        scan(&mut l.iter());
    }
    match count {
        Some(_) => {
            out.array(found.len());
            for p in found {
                out.int(p);
            }
        }
        None => match found.first() {
            Some(&p) => out.int(p),
            None => out.null(),
        },
    }
    Ok(())
}

/// Pops from `src` and pushes onto `dst` (LMOVE, RPOPLPUSH), replying the moved element.
fn move_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, from_head: bool, to_head: bool) -> CmdResult {
    let opts = list_options(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match move_element(db, now, opts, &args[1], &args[2], from_head, to_head)? {
        Some(v) => out.bulk(&v),
        None => out.null(),
    }
    Ok(())
}

/// LMOVE's work, also what BLMOVE will do once its source has data: pops from `src` and pushes
/// onto `dst`, returning the moved element (None when `src` is absent). WRONGTYPE for either
/// key is reported before anything moves.
pub fn move_element(
    db: &mut Db,
    now: i64,
    opts: (i64, i64),
    src: &[u8],
    dst: &[u8],
    from_head: bool,
    to_head: bool,
) -> Result<Option<Vec<u8>>, CmdError> {
    let Some(l) = write_list(db, src, now)? else {
        return Ok(None);
    };
    if src == dst {
        // Rotate in place: the key never becomes empty, so it keeps its TTL.
        let v = l.pop(from_head);
        if let Some(v) = &v {
            l.push(v, to_head);
        }
        return Ok(v);
    }
    // The destination's type is checked before anything is popped.
    write_list(db, dst, now)?;
    let Some(l) = write_list(db, src, now)? else {
        return Ok(None);
    };
    let Some(v) = l.pop(from_head) else {
        return Ok(None);
    };
    let empty = l.is_empty();
    remove_if_empty(db, src, empty);
    create_list(db, dst, now, opts)?.push(&v, to_head);
    Ok(Some(v))
}

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
fn lmove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let from = parse_side(&args[3])?;
    let to = parse_side(&args[4])?;
    move_generic(ctx, args, from, to)
}

fn rpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    move_generic(ctx, args, false, true)
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count].
fn lmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg("ERR numkeys should be greater than 0")),
    };
    let where_idx = match numkeys.checked_add(2) {
        Some(w) if w < args.len() as u64 => w as usize,
        _ => return Err(CmdError::Syntax),
    };
    let front = parse_side(&args[where_idx])?;
    let mut count: Option<i64> = None;
    let mut i = where_idx + 1;
    while i < args.len() {
        if count.is_none() && i + 1 < args.len() && args[i].eq_ignore_ascii_case(b"count") {
            match parse_i64(&args[i + 1]) {
                Some(c) if c >= 1 => count = Some(c),
                _ => return Err(CmdError::msg("ERR count should be greater than 0")),
            }
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let count = count.unwrap_or(1) as usize;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match pop_first(db, now, (2..where_idx).map(|k| &args[k]), front, count, out)? {
        Some(popped) => ctx.changes(popped as u64),
        None => out.null_array(),
    }
    Ok(())
}

/// LMPOP's work, also what BLMPOP will do once a key has data: pops up to `count` elements
/// from the first non-empty list among `keys`, replying `[key, [elements]]`. Returns how many
/// it popped, or None (nothing replied) when every key is absent; WRONGTYPE stops at the first
/// non-list key.
pub fn pop_first<'k>(
    db: &mut Db,
    now: i64,
    keys: impl Iterator<Item = &'k [u8]>,
    front: bool,
    count: usize,
    out: &mut Reply,
) -> Result<Option<usize>, CmdError> {
    for key in keys {
        let Some(l) = write_list(db, key, now)? else {
            continue;
        };
        out.array(2);
        out.bulk(key);
        let popped = pop_range_reply(l, front, count, out);
        let empty = l.is_empty();
        remove_if_empty(db, key, empty);
        return Ok(Some(popped));
    }
    Ok(None)
}
