//! String commands (Redis's `t_string.c`): GET/SET and their variants, counters, ranges, LCS.
//!
//! Encodings follow Redis 7.0 per command path (see [`StrValue`]): values set from arguments
//! are encoded as `tryObjectEncoding` would (int, embstr, raw by length); APPEND and SETRANGE
//! leave `raw` strings; INCR and friends store `int`; INCRBYFLOAT stores plain strings.

use crate::command::{BeginSearch, Command, Ctx, FindKeys, KeySpec, acl, flags, ks};
use crate::db::{Db, NO_EXPIRE, StrValue, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::parse_i64;

const fn one(flags: u32) -> KeySpec {
    KeySpec::range(flags, 1, 0, 1)
}

const fn noted(notes: &'static str, flags: u32) -> KeySpec {
    KeySpec {
        notes,
        flags,
        begin: BeginSearch::Index(1),
        find: FindKeys::Range {
            lastkey: 0,
            keystep: 1,
            limit: 0,
        },
    }
}

const RO_ACCESS: &[KeySpec] = &[one(ks::RO | ks::ACCESS)];
const RO: &[KeySpec] = &[one(ks::RO)];
const OW_UPDATE: &[KeySpec] = &[one(ks::OW | ks::UPDATE)];
const OW_INSERT: &[KeySpec] = &[one(ks::OW | ks::INSERT)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[one(ks::RW | ks::ACCESS | ks::UPDATE)];
const RW_ACCESS_DELETE: &[KeySpec] = &[one(ks::RW | ks::ACCESS | ks::DELETE)];
const RW_INSERT: &[KeySpec] = &[one(ks::RW | ks::INSERT)];
const RW_UPDATE: &[KeySpec] = &[one(ks::RW | ks::UPDATE)];
const SET_KS: &[KeySpec] = &[noted(
    "RW and ACCESS due to the optional `GET` argument",
    ks::RW | ks::ACCESS | ks::UPDATE | ks::VARIABLE_FLAGS,
)];
const GETEX_KS: &[KeySpec] = &[noted(
    "RW and UPDATE because it changes the TTL",
    ks::RW | ks::ACCESS | ks::UPDATE,
)];
const MGET_KS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, -1, 1)];
const MSET_KS: &[KeySpec] = &[KeySpec::range(ks::OW | ks::UPDATE, 1, -1, 2)];
const MSETNX_KS: &[KeySpec] = &[KeySpec::range(ks::OW | ks::INSERT, 1, -1, 2)];
const LCS_KS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 1, 1)];

const W: u32 = flags::WRITE;
const R: u32 = flags::READONLY;
const DOOM: u32 = flags::DENYOOM;
const FAST: u32 = flags::FAST;
const AW: u32 = acl::WRITE | acl::STRING;
const AR: u32 = acl::READ | acl::STRING;

const GETRANGE_COMPLEXITY: &str = "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";

/// A one-key string command: first/last/step 1/1/1, group `string`. (A table row: one
/// argument per column.)
#[allow(clippy::too_many_arguments)]
const fn cmd(
    name: &'static str,
    arity: i32,
    handler: crate::command::Handler,
    flags: u32,
    acl: u32,
    key_specs: &'static [KeySpec],
    since: &'static str,
    summary: &'static str,
) -> Command {
    Command::one_key(
        name,
        arity,
        handler,
        "string",
        (flags, acl),
        key_specs,
        since,
        summary,
        "O(1)",
    )
}

pub static COMMANDS: [Command; 22] = [
    cmd(
        "get",
        2,
        get,
        R | FAST,
        AR | acl::FAST,
        RO_ACCESS,
        "1.0.0",
        "Get the value of a key",
    ),
    Command {
        key_flags: Some(set_key_flags),
        ..cmd(
            "set",
            -3,
            set,
            W | DOOM,
            AW | acl::SLOW,
            SET_KS,
            "1.0.0",
            "Set the string value of a key",
        )
    },
    cmd(
        "setnx",
        3,
        setnx,
        W | DOOM | FAST,
        AW | acl::FAST,
        OW_INSERT,
        "1.0.0",
        "Set the value of a key, only if the key does not exist",
    ),
    cmd(
        "setex",
        4,
        setex,
        W | DOOM,
        AW | acl::SLOW,
        OW_UPDATE,
        "2.0.0",
        "Set the value and expiration of a key",
    ),
    cmd(
        "psetex",
        4,
        psetex,
        W | DOOM,
        AW | acl::SLOW,
        OW_UPDATE,
        "2.6.0",
        "Set the value and expiration in milliseconds of a key",
    ),
    cmd(
        "getset",
        3,
        getset,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "1.0.0",
        "Set the string value of a key and return its old value",
    ),
    cmd(
        "getdel",
        2,
        getdel,
        W | FAST,
        AW | acl::FAST,
        RW_ACCESS_DELETE,
        "6.2.0",
        "Get the value of a key and delete the key",
    ),
    cmd(
        "getex",
        -2,
        getex,
        W | FAST,
        AW | acl::FAST,
        GETEX_KS,
        "6.2.0",
        "Get the value of a key and optionally set its expiration",
    ),
    Command {
        flags: R | FAST,
        acl: AR | acl::FAST,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: MGET_KS,
        tips: &["request_policy:multi_shard"],
        group: "string",
        since: "1.0.0",
        summary: "Get the values of all the given keys",
        complexity: "O(N) where N is the number of keys to retrieve.",
        ..Command::new("mget", -2, mget)
    },
    Command {
        flags: W | DOOM,
        acl: AW | acl::SLOW,
        first_key: 1,
        last_key: -1,
        step: 2,
        key_specs: MSET_KS,
        tips: &[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ],
        group: "string",
        since: "1.0.1",
        summary: "Set multiple keys to multiple values",
        complexity: "O(N) where N is the number of keys to set.",
        ..Command::new("mset", -3, mset)
    },
    Command {
        flags: W | DOOM,
        acl: AW | acl::SLOW,
        first_key: 1,
        last_key: -1,
        step: 2,
        key_specs: MSETNX_KS,
        tips: &["request_policy:multi_shard", "response_policy:agg_min"],
        group: "string",
        since: "1.0.1",
        summary: "Set multiple keys to multiple values, only if none of the keys exist",
        complexity: "O(N) where N is the number of keys to set.",
        ..Command::new("msetnx", -3, msetnx)
    },
    Command {
        complexity: "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
        ..cmd(
            "append",
            3,
            append,
            W | DOOM | FAST,
            AW | acl::FAST,
            RW_INSERT,
            "2.0.0",
            "Append a value to a key",
        )
    },
    cmd(
        "strlen",
        2,
        strlen,
        R | FAST,
        AR | acl::FAST,
        RO,
        "2.2.0",
        "Get the length of the value stored in a key",
    ),
    cmd(
        "incr",
        2,
        incr,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "1.0.0",
        "Increment the integer value of a key by one",
    ),
    cmd(
        "decr",
        2,
        decr,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "1.0.0",
        "Decrement the integer value of a key by one",
    ),
    cmd(
        "incrby",
        3,
        incrby,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "1.0.0",
        "Increment the integer value of a key by the given amount",
    ),
    cmd(
        "decrby",
        3,
        decrby,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "1.0.0",
        "Decrement the integer value of a key by the given number",
    ),
    cmd(
        "incrbyfloat",
        3,
        incrbyfloat,
        W | DOOM | FAST,
        AW | acl::FAST,
        RW_ACCESS_UPDATE,
        "2.6.0",
        "Increment the float value of a key by the given amount",
    ),
    Command {
        complexity: GETRANGE_COMPLEXITY,
        ..cmd(
            "getrange",
            4,
            getrange,
            R,
            AR | acl::SLOW,
            RO_ACCESS,
            "2.4.0",
            "Get a substring of the string stored at a key",
        )
    },
    Command {
        complexity: GETRANGE_COMPLEXITY,
        ..cmd(
            "substr",
            4,
            getrange,
            R,
            AR | acl::SLOW,
            RO_ACCESS,
            "1.0.0",
            "Get a substring of the string stored at a key",
        )
    },
    Command {
        complexity: "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
        ..cmd(
            "setrange",
            4,
            setrange,
            W | DOOM,
            AW | acl::SLOW,
            RW_UPDATE,
            "2.2.0",
            "Overwrite part of a string at key starting at the specified offset",
        )
    },
    Command {
        last_key: 2,
        complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
        ..cmd(
            "lcs",
            -3,
            lcs,
            R,
            AR | acl::SLOW,
            LCS_KS,
            "7.0.0",
            "Find longest common substring",
        )
    },
];

// ---------------------------------------------------------------------------------------------
// Shared pieces

fn int_arg(a: &[u8]) -> Result<i64, CmdError> {
    parse_i64(a).ok_or(CmdError::NotInteger)
}

/// Replies the string at `key` (Redis's `getGenericCommand`): null when missing, WRONGTYPE for
/// other types.
fn reply_get(db: &mut Db, out: &mut Reply, key: &[u8], now: i64) -> CmdResult {
    match db.lookup_read(key, now) {
        None => out.null(),
        Some(e) => {
            let mut tmp = [0u8; 20];
            out.bulk(e.as_str()?.as_bytes(&mut tmp));
        }
    }
    Ok(())
}

/// Redis's `checkStringLength`: a string may not grow beyond `proto-max-bulk-len`.
fn check_len(size: usize, append: usize, max: i64) -> CmdResult {
    match size.checked_add(append) {
        Some(total) if total as u64 <= max.max(0) as u64 => Ok(()),
        _ => Err(CmdError::msg(
            "ERR string exceeds maximum allowed size (proto-max-bulk-len)",
        )),
    }
}

/// The expire option of SET/GETEX/SETEX/PSETEX.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpireKind {
    Ex,
    Px,
    ExAt,
    PxAt,
}

/// Options of SET (`is_set`) or GETEX, parsed as Redis's `parseExtendedStringArgumentsOrReply`.
#[derive(Default)]
struct ExtOpts<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(ExpireKind, &'a [u8])>,
}

fn parse_ext<'a>(args: &Args<'a>, from: usize, is_set: bool) -> Result<ExtOpts<'a>, CmdError> {
    let mut o = ExtOpts::default();
    let mut j = from;
    while j < args.len() {
        let opt = args.get(j);
        let has_next = j + 1 < args.len();
        let exp = o.expire.map(|(k, _)| k);
        // An expire of another kind, KEEPTTL or PERSIST excludes a new expire option.
        let exp_ok =
            |k: ExpireKind| !o.keepttl && !o.persist && exp.is_none_or(|e| e == k) && has_next;
        let kind = if opt.eq_ignore_ascii_case(b"ex") {
            Some(ExpireKind::Ex)
        } else if opt.eq_ignore_ascii_case(b"px") {
            Some(ExpireKind::Px)
        } else if opt.eq_ignore_ascii_case(b"exat") {
            Some(ExpireKind::ExAt)
        } else if opt.eq_ignore_ascii_case(b"pxat") {
            Some(ExpireKind::PxAt)
        } else {
            None
        };
        if let Some(k) = kind {
            if !exp_ok(k) {
                return Err(CmdError::Syntax);
            }
            o.expire = Some((k, args.get(j + 1)));
            j += 2;
            continue;
        }
        if is_set && opt.eq_ignore_ascii_case(b"nx") && !o.xx {
            o.nx = true;
        } else if is_set && opt.eq_ignore_ascii_case(b"xx") && !o.nx {
            o.xx = true;
        } else if is_set && opt.eq_ignore_ascii_case(b"get") {
            o.get = true;
        } else if is_set && opt.eq_ignore_ascii_case(b"keepttl") && exp.is_none() {
            o.keepttl = true;
        } else if !is_set && opt.eq_ignore_ascii_case(b"persist") && exp.is_none() {
            o.persist = true;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// The absolute expire time in ms for an expire option (Redis's
/// `getExpireMillisecondsOrReply`); `cmd` names the command in the error.
fn expire_at(kind: ExpireKind, arg: &[u8], now: i64, cmd: &str) -> Result<i64, CmdError> {
    let v = int_arg(arg)?;
    let invalid = || CmdError::Msg(format!("ERR invalid expire time in '{cmd}' command").into());
    let seconds = matches!(kind, ExpireKind::Ex | ExpireKind::ExAt);
    if v <= 0 || (seconds && v > i64::MAX / 1000) {
        return Err(invalid());
    }
    let mut ms = if seconds { v * 1000 } else { v };
    if matches!(kind, ExpireKind::Ex | ExpireKind::Px) {
        // Redis adds in signed arithmetic and treats a wrapped result as invalid.
        ms = ms.wrapping_add(now);
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

// ---------------------------------------------------------------------------------------------
// GET / SET family

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    reply_get(db, out, &args[1], now)
}

/// SET reads its key only with GET; otherwise it overwrites (Redis's `setGetKeys`).
fn set_key_flags(args: &Args<'_>, flags: u32) -> u32 {
    let get = (3..args.len()).any(|i| args[i].eq_ignore_ascii_case(b"get"));
    if get {
        flags & !ks::VARIABLE_FLAGS
    } else {
        ks::OW | ks::UPDATE
    }
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = parse_ext(args, 3, true)?;
    let now = ctx.now_ms;
    let expire = match o.expire {
        Some((k, a)) => Some(expire_at(k, a, now, "set")?),
        None if o.keepttl => None,
        None => Some(NO_EXPIRE),
    };
    let (db, out) = ctx.db_out();
    let key = &args[1];
    if o.get {
        reply_get(db, out, key, now)?;
    }
    if o.nx || o.xx {
        // NX looks the key up for writing (touching it when it exists); XX's touch comes with
        // the overwrite.
        let found = match o.nx {
            true => db.lookup_write(key, now).is_some(),
            false => db.exists(key, now),
        };
        if (o.nx && found) || (o.xx && !found) {
            if !o.get {
                out.null();
            }
            return Ok(());
        }
    }
    db.set_str(key, Value::Str(StrValue::from_bytes(&args[2])), now, expire);
    if !o.get {
        out.ok();
    }
    Ok(())
}

fn setnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    if db.lookup_write(&args[1], now).is_some() {
        out.int(0);
    } else {
        db.set(&args[1], Value::Str(StrValue::from_bytes(&args[2])));
        out.int(1);
    }
    Ok(())
}

/// SETEX/PSETEX `key amount value`.
fn setex_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, kind: ExpireKind, cmd: &str) -> CmdResult {
    let now = ctx.now_ms;
    let when = expire_at(kind, &args[2], now, cmd)?;
    let (db, out) = ctx.db_out();
    db.set_str(
        &args[1],
        Value::Str(StrValue::from_bytes(&args[3])),
        now,
        Some(when),
    );
    out.ok();
    Ok(())
}

fn setex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setex_generic(ctx, args, ExpireKind::Ex, "setex")
}

fn psetex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setex_generic(ctx, args, ExpireKind::Px, "psetex")
}

fn getset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    reply_get(db, out, &args[1], now)?;
    db.set_str(
        &args[1],
        Value::Str(StrValue::from_bytes(&args[2])),
        now,
        Some(NO_EXPIRE),
    );
    Ok(())
}

fn getdel(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_read(&args[1], now) else {
        out.null();
        return Ok(());
    };
    let mut tmp = [0u8; 20];
    out.bulk(e.as_str()?.as_bytes(&mut tmp));
    db.remove(&args[1]);
    Ok(())
}

fn getex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = parse_ext(args, 2, false)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let key = &args[1];
    let Some(e) = db.lookup_read(key, now) else {
        out.null();
        return Ok(());
    };
    let s = e.as_str()?;
    let when = match o.expire {
        Some((k, a)) => Some(expire_at(k, a, now, "getex")?),
        None => None,
    };
    let mut tmp = [0u8; 20];
    out.bulk(s.as_bytes(&mut tmp));
    match (o.expire, when) {
        // An absolute time already past deletes the key.
        (Some((ExpireKind::ExAt | ExpireKind::PxAt, _)), Some(t)) if t <= now => {
            db.remove(key);
        }
        (_, Some(t)) => {
            db.set_expire(key, t);
        }
        _ if o.persist => {
            db.set_expire(key, NO_EXPIRE);
        }
        _ => {}
    }
    Ok(())
}

fn mget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    out.array(args.len() - 1);
    for k in args.iter_from(1) {
        match db.lookup_read(k, now).map(|e| &e.value) {
            Some(Value::Str(s)) => {
                let mut tmp = [0u8; 20];
                out.bulk(s.as_bytes(&mut tmp));
            }
            _ => out.null(),
        }
    }
    Ok(())
}

/// MSET/MSETNX: `key value [key value ...]`.
fn mset_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, nx: bool) -> CmdResult {
    if args.len().is_multiple_of(2) {
        let name = if nx { "msetnx" } else { "mset" };
        return Err(CmdError::Msg(
            format!("ERR wrong number of arguments for '{name}' command").into(),
        ));
    }
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    if nx && (1..args.len()).step_by(2).any(|i| db.exists(&args[i], now)) {
        out.int(0);
        return Ok(());
    }
    for i in (1..args.len()).step_by(2) {
        let v = Value::Str(StrValue::from_bytes(&args[i + 1]));
        db.set_str(&args[i], v, now, Some(NO_EXPIRE));
    }
    if nx {
        out.int(1);
    } else {
        out.ok();
    }
    ctx.changes((args.len() / 2) as u64);
    Ok(())
}

fn mset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    mset_generic(ctx, args, false)
}

fn msetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    mset_generic(ctx, args, true)
}

// ---------------------------------------------------------------------------------------------
// APPEND, STRLEN, ranges

fn append(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let max = ctx.srv.config.proto_max_bulk_len;
    let (db, out) = ctx.db_out();
    let tail = &args[2];
    match db.lookup_write(&args[1], now) {
        Some(e) => {
            let s = e.as_str_mut()?;
            check_len(s.len(), tail.len(), max)?;
            let data = s.make_raw();
            data.extend_from_slice(tail);
            out.int(data.len() as i64);
        }
        None => {
            db.set(&args[1], Value::Str(StrValue::from_bytes(tail)));
            out.int(tail.len() as i64);
        }
    }
    Ok(())
}

fn strlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read(&args[1], now) {
        None => out.int(0),
        Some(e) => out.int(e.as_str()?.len() as i64),
    }
    Ok(())
}

/// GETRANGE/SUBSTR `key start end` (inclusive, negative from the end).
fn getrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut start = int_arg(&args[2])?;
    let mut end = int_arg(&args[3])?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_read(&args[1], now) else {
        out.bulk(b"");
        return Ok(());
    };
    let mut tmp = [0u8; 20];
    let s = e.as_str()?.as_bytes(&mut tmp);
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        out.bulk(b"");
        return Ok(());
    }
    if start < 0 {
        start = start.wrapping_add(len);
    }
    if end < 0 {
        end = end.wrapping_add(len);
    }
    start = start.max(0);
    end = end.max(0).min(len - 1);
    if len == 0 || start > end {
        out.bulk(b"");
    } else {
        out.bulk(s.get(start as usize..=end as usize).unwrap_or(b""));
    }
    Ok(())
}

fn setrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let offset = int_arg(&args[2])?;
    if offset < 0 {
        return Err(CmdError::msg("ERR offset is out of range"));
    }
    let now = ctx.now_ms;
    let max = ctx.srv.config.proto_max_bulk_len;
    let (db, out) = ctx.db_out();
    let val = &args[3];
    let Ok(offset) = usize::try_from(offset) else {
        return Err(CmdError::msg("ERR offset is out of range"));
    };
    match db.lookup_write(&args[1], now) {
        Some(e) => {
            let s = e.as_str_mut()?;
            if val.is_empty() {
                out.int(s.len() as i64);
                return Ok(());
            }
            check_len(offset, val.len(), max)?;
            let data = s.make_raw();
            let end = offset + val.len();
            if data.len() < end {
                data.resize(end, 0);
            }
            data[offset..end].copy_from_slice(val);
            out.int(data.len() as i64);
        }
        None => {
            if val.is_empty() {
                out.int(0);
                return Ok(());
            }
            check_len(offset, val.len(), max)?;
            let mut data = vec![0u8; offset + val.len()];
            data[offset..].copy_from_slice(val);
            out.int(data.len() as i64);
            db.set(&args[1], Value::Str(StrValue::raw(data)));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Counters

fn incr_decr(ctx: &mut Ctx<'_>, key: &[u8], by: i64) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_write(key, now) {
        Some(e) => {
            let s = e.as_str_mut()?;
            let v = s.as_i64().ok_or(CmdError::NotInteger)?;
            let n = v.checked_add(by).ok_or(CmdError::Overflow)?;
            *s = StrValue::Int(n);
            out.int(n);
        }
        None => {
            db.set(key, Value::Str(StrValue::Int(by)));
            out.int(by);
        }
    }
    Ok(())
}

fn incr(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    incr_decr(ctx, &args[1], 1)
}

fn decr(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    incr_decr(ctx, &args[1], -1)
}

fn incrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let by = int_arg(&args[2])?;
    incr_decr(ctx, &args[1], by)
}

fn decrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let by = int_arg(&args[2])?;
    if by == i64::MIN {
        return Err(CmdError::msg("ERR decrement would overflow"));
    }
    incr_decr(ctx, &args[1], -by)
}

fn incrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_write(&args[1], now) {
        Some(e) => {
            let s = e.as_str_mut()?;
            let mut tmp = [0u8; 20];
            let r = crate::ldouble::incr(s.as_bytes(&mut tmp), &args[2])?;
            out.bulk(&r);
            *s = StrValue::plain(r);
        }
        None => {
            let r = crate::ldouble::incr(b"0", &args[2])?;
            out.bulk(&r);
            db.set(&args[1], Value::Str(StrValue::plain(r)));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// LCS

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]`: the classic dynamic-programming
/// table, walked back from the end to emit the string or the matching ranges (last first).
fn lcs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let max = ctx.srv.config.proto_max_bulk_len;
    let (db, out) = ctx.db_out();
    let mut fetch = |key: &[u8]| -> Result<Vec<u8>, CmdError> {
        match db.lookup_read(key, now).map(|e| &e.value) {
            None => Ok(Vec::new()),
            Some(Value::Str(s)) => Ok(s.to_vec()),
            Some(_) => Err(CmdError::msg(
                "ERR The specified keys must contain string values",
            )),
        }
    };
    let a = fetch(&args[1]);
    let b = fetch(&args[2]);
    let (a, b) = (a?, b?);
    let (mut getlen, mut getidx, mut withmatchlen) = (false, false, false);
    let mut minmatchlen: i64 = 0;
    let mut j = 3;
    while j < args.len() {
        let opt = args.get(j);
        if opt.eq_ignore_ascii_case(b"idx") {
            getidx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            getlen = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            withmatchlen = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && j + 1 < args.len() {
            minmatchlen = int_arg(&args[j + 1])?.max(0);
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if getidx && getlen {
        return Err(CmdError::msg(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(CmdError::msg("ERR String too long for LCS"));
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells.saturating_mul(4) > max.max(0) as u64 {
        return Err(CmdError::msg(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    // table[i * (blen + 1) + j] = LCS length of a[..i] and b[..j].
    let w = blen + 1;
    let mut table = vec![0u32; cells as usize];
    for i in 1..=alen {
        for j in 1..=blen {
            table[i * w + j] = if a[i - 1] == b[j - 1] {
                table[(i - 1) * w + j - 1] + 1
            } else {
                table[(i - 1) * w + j].max(table[i * w + j - 1])
            };
        }
    }
    let total = table[alen * w + blen];
    if getlen {
        out.int(total as i64);
        return Ok(());
    }
    // Walk back from (alen, blen), collecting the LCS (backwards) and the matching ranges.
    let mut result = vec![0u8; total as usize];
    let mut ranges: Vec<[usize; 4]> = Vec::new();
    let mut idx = total as usize;
    let (mut i, mut j) = (alen, blen);
    // Current range: a[astart..=aend] matches b[bstart..=bend]; `None` when not tracking one.
    let mut cur: Option<[usize; 4]> = None;
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            match &mut cur {
                None => cur = Some([i - 1, i - 1, j - 1, j - 1]),
                Some(r) if r[0] == i && r[2] == j => {
                    r[0] -= 1;
                    r[2] -= 1;
                }
                Some(_) => emit = true,
            }
            if cur.is_some_and(|r| r[0] == 0 || r[2] == 0) {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if table[(i - 1) * w + j] > table[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if cur.is_some() {
                emit = true;
            }
        }
        if emit && let Some(r) = cur.take() {
            let matchlen = r[1] - r[0] + 1;
            if minmatchlen == 0 || matchlen as i64 >= minmatchlen {
                ranges.push(r);
            }
        }
    }
    if !getidx {
        out.bulk(&result);
        return Ok(());
    }
    out.map(2);
    out.bulk(b"matches");
    out.array(ranges.len());
    for r in &ranges {
        out.array(if withmatchlen { 3 } else { 2 });
        out.array(2);
        out.int(r[0] as i64);
        out.int(r[1] as i64);
        out.array(2);
        out.int(r[2] as i64);
        out.int(r[3] as i64);
        if withmatchlen {
            out.int((r[1] - r[0] + 1) as i64);
        }
    }
    out.bulk(b"len");
    out.int(total as i64);
    Ok(())
}
