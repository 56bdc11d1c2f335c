//! SLOWLOG GET, LEN, RESET, HELP (the log lives in [`crate::slowlog`]).

use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const ADMIN: u32 = flags::ADMIN | flags::LOADING | flags::STALE;
const ADMIN_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;

pub static SUBCOMMANDS: [Command; 4] = [
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        tips: &["request_policy:all_nodes", "nondeterministic_output"],
        group: "server",
        since: "2.2.12",
        summary: "Get the slow log's entries",
        complexity: "O(N) where N is the number of entries returned",
        ..Command::new("slowlog|get", -2, get)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::SLOW,
        group: "server",
        since: "6.2.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("slowlog|help", 2, help)
    },
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        tips: &[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ],
        group: "server",
        since: "2.2.12",
        summary: "Get the slow log's length",
        complexity: "O(1)",
        ..Command::new("slowlog|len", 2, len)
    },
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.2.12",
        summary: "Clear all entries from the slow log",
        complexity: "O(N) where N is the number of entries in the slowlog",
        ..Command::new("slowlog|reset", 2, reset)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "server",
    since: "2.2.12",
    summary: "A container for slow log commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("slowlog", -2, help)
}];

const HELP: &[&str] = &[
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
];

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, HELP);
    Ok(())
}

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 3 {
        // Redis names the subcommand as it was typed.
        let mut e = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
        e.extend_from_slice(&args[1]);
        e.extend_from_slice(b"'. Try SLOWLOG HELP.");
        return Err(CmdError::Bytes(e));
    }
    let mut count = 10usize;
    if args.len() == 3 {
        match crate::util::parse_i64(&args[2]) {
            Some(-1) => count = usize::MAX,
            Some(n) if n >= 0 => count = n as usize,
            _ => {
                return Err(CmdError::msg(
                    "ERR count should be greater than or equal to -1",
                ));
            }
        }
    }
    let log = &ctx.srv.slowlog;
    let out = &mut *ctx.out;
    let n = count.min(log.entries.len());
    out.array(n);
    for e in log.entries.iter().take(n) {
        out.array(6);
        out.int(e.id as i64);
        out.int(e.time);
        out.int(e.duration_us as i64);
        out.array(e.args.len());
        for a in &e.args {
            out.bulk(a);
        }
        out.bulk(e.addr.as_bytes());
        out.bulk(&e.name);
    }
    Ok(())
}

fn len(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.slowlog.entries.len() as i64);
    Ok(())
}

fn reset(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.srv.slowlog.reset();
    ctx.out.ok();
    Ok(())
}
