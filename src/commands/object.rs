//! OBJECT: ENCODING, REFCOUNT, IDLETIME, FREQ, HELP.

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::{StrValue, Value, lfu};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const KEY: &[KeySpec] = &[KeySpec::range(ks::RO, 2, 0, 1)];
const RO: u32 = flags::READONLY;
const RO_ACL: u32 = acl::KEYSPACE | acl::READ | acl::SLOW;

pub static SUBCOMMANDS: [Command; 5] = [
    Command {
        flags: RO,
        acl: RO_ACL,
        first_key: 2,
        last_key: 2,
        step: 1,
        key_specs: KEY,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Inspect the internal encoding of a Redis object",
        complexity: "O(1)",
        ..Command::new("object|encoding", 3, encoding)
    },
    Command {
        flags: RO,
        acl: RO_ACL,
        first_key: 2,
        last_key: 2,
        step: 1,
        key_specs: KEY,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "4.0.0",
        summary: "Get the logarithmic access frequency counter of a Redis object",
        complexity: "O(1)",
        ..Command::new("object|freq", 3, freq)
    },
    Command {
        flags: RO,
        acl: RO_ACL,
        first_key: 2,
        last_key: 2,
        step: 1,
        key_specs: KEY,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Get the time since a Redis object was last accessed",
        complexity: "O(1)",
        ..Command::new("object|idletime", 3, idletime)
    },
    Command {
        flags: RO,
        acl: RO_ACL,
        first_key: 2,
        last_key: 2,
        step: 1,
        key_specs: KEY,
        tips: &["nondeterministic_output"],
        group: "generic",
        since: "2.2.3",
        summary: "Get the number of references to the value of the key",
        complexity: "O(1)",
        ..Command::new("object|refcount", 3, refcount)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::KEYSPACE | acl::SLOW,
        group: "generic",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("object|help", 2, help)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "generic",
    since: "2.2.3",
    summary: "A container for object introspection commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("object", -2, help)
}];

const HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

/// Redis shares the integer objects 0..10000 (`OBJ_SHARED_INTEGERS`) unless `maxmemory` is
/// set with an LRU/LFU policy: they report a huge refcount and the access clock the shared
/// object got at start-up.
pub fn is_shared_int(v: &Value) -> bool {
    crate::db::lfu::shared_ints()
        && matches!(v, Value::Str(StrValue::Int(n)) if (0..10000).contains(n))
}

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, HELP);
    Ok(())
}

fn encoding(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read_notouch(&args[2], now) {
        Some(e) => out.bulk(e.value.encoding().as_bytes()),
        None => out.null(),
    }
    Ok(())
}

fn refcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read_notouch(&args[2], now) {
        Some(e) if is_shared_int(&e.value) => out.int(i32::MAX as i64),
        Some(_) => out.int(1),
        None => out.null(),
    }
    Ok(())
}

/// Seconds since an access at LRU clock `lru` (24-bit, wrapping), as Redis estimates it.
pub fn lru_idle_seconds(lru: u32) -> i64 {
    let now = crate::db::lru_clock();
    let idle = if now >= lru {
        now - lru
    } else {
        (0xFF_FFFF - lru) + now
    };
    idle as i64
}

fn idletime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let uptime = (now - ctx.srv.start_ms) / 1000;
    let (db, out) = ctx.db_out();
    let shared = match db.lookup_read_notouch(&args[2], now) {
        None => {
            out.null();
            return Ok(());
        }
        Some(e) if is_shared_int(&e.value) => None,
        Some(e) => Some(e.lru),
    };
    if lfu::enabled() {
        return Err(CmdError::msg(
            "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    match shared {
        // The shared object's clock dates from start-up.
        None => out.int(uptime),
        Some(lru) => out.int(lru_idle_seconds(lru)),
    }
    Ok(())
}

fn freq(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let lru = match ctx.db().lookup_read_notouch(&args[2], now) {
        None => {
            ctx.out.null();
            return Ok(());
        }
        Some(e) if is_shared_int(&e.value) => lfu::shared_lru(),
        Some(e) => e.lru,
    };
    if !lfu::enabled() {
        return Err(CmdError::msg(
            "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        ));
    }
    ctx.out.int(lfu::decayed(lru) as i64);
    Ok(())
}
