//! CONFIG GET/SET/RESETSTAT/REWRITE/HELP. The directive rules live in [`crate::config`].

use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

const ADMIN: u32 = flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE;
const ADMIN_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;

pub static SUBCOMMANDS: [Command; 5] = [
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
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        group: "server",
        since: "2.0.0",
        summary: "Reset the stats returned by INFO",
        complexity: "O(1)",
        ..Command::new("config|resetstat", 2, resetstat)
    },
    Command {
        flags: ADMIN,
        acl: ADMIN_ACL,
        group: "server",
        since: "2.8.0",
        summary: "Rewrite the configuration file with the in memory configuration",
        complexity: "O(1)",
        ..Command::new("config|rewrite", 2, rewrite)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::SLOW,
        group: "server",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("config|help", 2, help)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "server",
    since: "2.0.0",
    summary: "A container for server configuration commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("config", -2, help)
}];

const HELP: &[&str] = &[
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
];

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    super::client::reply_help(ctx, HELP);
    Ok(())
}

fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let patterns: Vec<&[u8]> = args.iter_from(2).collect();
    let pairs = ctx.srv.config.get_patterns(&patterns);
    ctx.out.map(pairs.len());
    for (k, v) in pairs {
        ctx.out.bulk(k.as_bytes());
        ctx.out.bulk(v.as_bytes());
    }
    Ok(())
}

fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() % 2 == 1 {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = (2..args.len())
        .step_by(2)
        .map(|i| (&args[i], &args[i + 1]))
        .collect();
    let c = &ctx.client;
    let local = c.is_unix
        || c.addr.starts_with("127.")
        || c.addr.starts_with("[::1]")
        || c.addr.starts_with("::1");
    let backup = ctx.srv.config.clone();
    let changed = ctx
        .srv
        .config
        .set_pairs(&pairs, local)
        .map_err(CmdError::msg)?;
    // Settings read at their use sites take effect by themselves; these need a push.
    if let Err(e) = apply(ctx.srv, &changed) {
        // As Redis: every value comes back, and is applied again (sockets, oom score).
        if ctx.srv.config.dir != backup.dir {
            let _ = std::env::set_current_dir(&backup.dir);
        }
        ctx.srv.config = backup;
        let _ = apply(ctx.srv, &changed);
        return Err(CmdError::msg(e));
    }
    ctx.out.ok();
    Ok(())
}

/// Puts the changed directives that need more than a new value into effect (Redis's apply
/// functions); Err is the CONFIG SET error of the first that failed.
fn apply(srv: &mut crate::server::ServerState, changed: &[&str]) -> Result<(), String> {
    let has = |n: &str| changed.contains(&n);
    if has("loglevel") {
        crate::logging::set_level(srv.config.loglevel);
    }
    let oom = ["oom-score-adj", "oom-score-adj-values"];
    if let Some(name) = oom.iter().find(|n| has(n))
        && crate::oom::apply(&srv.config, crate::oom::MASTER).is_err()
    {
        return Err(format!(
            "ERR CONFIG SET failed (possibly related to argument '{name}') - Failed to set current oom_score_adj. Check server logs."
        ));
    }
    if has("appendonly") && srv.config.appendonly && !srv.persist.aof.enabled {
        // The cron starts the rewrite; Redis says why it waits.
        if srv.persist.child.is_some() && !srv.persist.aof_child() {
            log::warn!(
                "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible."
            );
        } else if srv.in_exec {
            log::warn!(
                "AOF was enabled during a transaction. An AOF background was scheduled to start when possible."
            );
        }
    }
    if has("port") || has("bind") {
        if srv
            .listeners
            .rebind_tcp(&srv.config.bind, srv.config.port)
            .is_err()
        {
            return Err(if has("port") {
                "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
            } else {
                "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses."
            }
            .into());
        }
        srv.port = srv.config.port;
    }
    Ok(())
}

fn resetstat(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let st = &mut ctx.srv.stats;
    // Redis keeps the unsaved-changes counter (`dirty`) across a reset.
    *st = crate::server::Stats {
        dirty: st.dirty,
        ..Default::default()
    };
    for db in &mut ctx.srv.dbs {
        db.hits = 0;
        db.misses = 0;
        db.expired = 0;
    }
    for cmd in ctx.srv.commands.iter() {
        cmd.stats.reset();
        for sub in cmd.subcommands {
            sub.stats.reset();
        }
    }
    for h in &mut ctx.srv.latency {
        *h = Default::default();
    }
    ctx.out.ok();
    Ok(())
}

fn rewrite(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    match crate::config::rewrite::rewrite(&ctx.srv.config) {
        Ok(()) => {
            log::warn!("CONFIG REWRITE executed with success.");
            ctx.out.ok();
            Ok(())
        }
        Err(e) => {
            log::warn!("CONFIG REWRITE failed: {e}");
            Err(CmdError::msg(e))
        }
    }
}
