//! Hash commands (Redis's `t_hash.c`).

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::Value;
use crate::db::hash::Hash;
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const RW_UPDATE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)];
const RO_ACCESS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];

pub static COMMANDS: [Command; 2] = [
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        acl: acl::WRITE | acl::HASH | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RW_UPDATE,
        group: "hash",
        since: "2.0.0",
        summary: "Set the string value of a hash field",
        complexity: "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
        ..Command::new("hset", -4, hset)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::HASH | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS,
        group: "hash",
        since: "2.0.0",
        summary: "Get the value of a hash field",
        complexity: "O(1)",
        ..Command::new("hget", 3, hget)
    },
];

fn hset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if !args.len().is_multiple_of(2) {
        return Err(CmdError::msg(
            "ERR wrong number of arguments for 'hset' command",
        ));
    }
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let e = db.entry_or_insert(&args[1], now, || Value::Hash(Hash::new()));
    let h = e.as_hash_mut()?;
    let mut added = 0;
    let mut i = 2;
    while i + 1 < args.len() {
        added += h.set(&args[i], &args[i + 1]) as i64;
        i += 2;
    }
    out.int(added);
    Ok(())
}

fn hget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read(&args[1], now) {
        None => out.null(),
        Some(e) => match e.as_hash()?.get(&args[2]) {
            Some(v) => out.bulk(v),
            None => out.null(),
        },
    }
    Ok(())
}
