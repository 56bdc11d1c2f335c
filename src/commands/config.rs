//! CONFIG GET/SET/RESETSTAT/REWRITE/HELP.

use crate::command::{Command, Ctx, acl, flags};
use crate::error::CmdResult;
use crate::resp::Args;

const ADMIN: u32 = flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE;
const ADMIN_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;

pub static SUBCOMMANDS: [Command; 2] = [
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        group: "server",
        since: "2.0.0",
        summary: "Get the values of configuration parameters",
        complexity: "O(N) when N is the number of configuration parameters provided",
        ..Command::new("config|get", -3, get)
    },
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.0.0",
        summary: "Set configuration parameters to the given values",
        complexity: "O(N) when N is the number of configuration parameters provided",
        ..Command::new("config|set", -4, set)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("config", -2, get)
}];

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut pairs = Vec::new();
    for pat in args.iter_from(2) {
        for p in ctx.srv.config.get(pat) {
            if !pairs.contains(&p) {
                pairs.push(p);
            }
        }
    }
    ctx.out.map(pairs.len());
    for (k, v) in pairs {
        ctx.out.bulk(k.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut i = 2;
    while i + 1 < args.len() {
        ctx.srv
            .config
            .set(&args[i], &args[i + 1])
            .map_err(|e| crate::error::CmdError::Msg(e.into()))?;
        i += 2;
    }
    ctx.out.ok();
    Ok(())
}
