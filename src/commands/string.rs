//! String commands (Redis's `t_string.c`).

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::{StrValue, Value};
use crate::error::CmdResult;
use crate::resp::Args;

const RO_ACCESS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const OW_UPDATE: &[KeySpec] = &[KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1)];

pub static COMMANDS: [Command; 2] = [
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::STRING | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: RO_ACCESS,
        group: "string",
        since: "1.0.0",
        summary: "Get the value of a key",
        complexity: "O(1)",
        ..Command::new("get", 2, get)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM,
        acl: acl::WRITE | acl::STRING | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: OW_UPDATE,
        group: "string",
        since: "1.0.0",
        summary: "Set the string value of a key",
        complexity: "O(1)",
        ..Command::new("set", -3, set)
    },
];

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match db.lookup_read(&args[1], now) {
        None => out.null(),
        Some(e) => {
            let s = e.as_str()?;
            let mut tmp = [0u8; 20];
            out.bulk(s.as_bytes(&mut tmp));
        }
    }
    Ok(())
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (db, out) = ctx.db_out();
    db.set(&args[1], Value::Str(StrValue::from_bytes(&args[2])));
    out.ok();
    Ok(())
}
