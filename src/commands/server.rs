//! Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LATENCY (the monitor's events are in
//! [`crate::latency_monitor`]), WAIT (no replicas), READONLY/READWRITE (no cluster), LOLWUT, ROLE (always a
//! master), MODULE (no modules can be loaded).

use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::util::parse_i64;

pub static COMMANDS: [Command; 11] = [
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::KEYSPACE | acl::READ | acl::FAST,
        tips: &["request_policy:all_shards", "response_policy:agg_sum"],
        group: "server",
        since: "1.0.0",
        summary: "Return the number of keys in the selected database",
        complexity: "O(1)",
        ..Command::new("dbsize", 1, dbsize)
    },
    Command {
        flags: flags::WRITE,
        acl: acl::KEYSPACE | acl::WRITE | acl::SLOW | acl::DANGEROUS,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "1.0.0",
        summary: "Remove all keys from the current database",
        complexity: "O(N) where N is the number of keys in the selected database",
        ..Command::new("flushdb", -1, flushdb)
    },
    Command {
        flags: flags::WRITE,
        acl: acl::KEYSPACE | acl::WRITE | acl::SLOW | acl::DANGEROUS,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "1.0.0",
        summary: "Remove all keys from all databases",
        complexity: "O(N) where N is the total number of keys in all databases",
        ..Command::new("flushall", -1, flushall)
    },
    Command {
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::FAST,
        tips: &["nondeterministic_output"],
        group: "server",
        since: "2.6.0",
        summary: "Return the current server time",
        complexity: "O(1)",
        ..Command::new("time", 1, time)
    },
    Command {
        acl: acl::SLOW,
        group: "server",
        since: "2.8.13",
        summary: "A container for latency diagnostics commands",
        complexity: "Depends on subcommand.",
        subcommands: &LATENCY_SUBCOMMANDS,
        ..Command::new("latency", -2, latency_help)
    },
    Command {
        flags: flags::NOSCRIPT,
        acl: acl::SLOW | acl::CONNECTION,
        tips: &["request_policy:all_shards", "response_policy:agg_min"],
        group: "generic",
        since: "3.0.0",
        summary: "Wait for the synchronous replication of all the write commands sent in the context of the current connection",
        complexity: "O(1)",
        ..Command::new("wait", 3, wait)
    },
    Command {
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::FAST | acl::CONNECTION,
        group: "cluster",
        since: "3.0.0",
        summary: "Enables read queries for a connection to a cluster replica node",
        complexity: "O(1)",
        ..Command::new("readonly", 1, no_cluster)
    },
    Command {
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::FAST | acl::CONNECTION,
        group: "cluster",
        since: "3.0.0",
        summary: "Disables read queries for a connection to a cluster replica node",
        complexity: "O(1)",
        ..Command::new("readwrite", 1, no_cluster)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::FAST,
        group: "server",
        since: "5.0.0",
        summary: "Display some computer art and the Redis version",
        ..Command::new("lolwut", -1, lolwut)
    },
    Command {
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::ADMIN | acl::FAST | acl::DANGEROUS,
        group: "server",
        since: "2.8.12",
        summary: "Return the role of the instance in the context of replication",
        complexity: "O(1)",
        ..Command::new("role", 1, role)
    },
    Command {
        acl: acl::SLOW,
        group: "server",
        since: "4.0.0",
        summary: "A container for module commands",
        complexity: "Depends on subcommand.",
        subcommands: &MODULE_SUBCOMMANDS,
        ..Command::new("module", -2, module_help)
    },
];

// Redis also flags these `no_async_loading`, a flag the command table does not have yet.
const MOD_FLAGS: u32 = flags::ADMIN | flags::NOSCRIPT;
const MOD_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;

pub static MODULE_SUBCOMMANDS: [Command; 5] = [
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT,
        acl: MOD_ACL,
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "4.0.0",
        summary: "List all modules loaded by the server",
        complexity: "O(N) where N is the number of loaded modules.",
        ..Command::new("module|list", 2, module_list)
    },
    Command {
        flags: MOD_FLAGS,
        acl: MOD_ACL,
        group: "server",
        since: "4.0.0",
        summary: "Load a module",
        complexity: "O(1)",
        ..Command::new("module|load", -3, module_load)
    },
    Command {
        flags: MOD_FLAGS,
        acl: MOD_ACL,
        group: "server",
        since: "7.0.0",
        summary: "Load a module with extended parameters",
        complexity: "O(1)",
        ..Command::new("module|loadex", -3, module_load)
    },
    Command {
        flags: MOD_FLAGS,
        acl: MOD_ACL,
        group: "server",
        since: "4.0.0",
        summary: "Unload a module",
        complexity: "O(1)",
        ..Command::new("module|unload", 3, module_unload)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::SLOW,
        group: "server",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("module|help", 2, module_help)
    },
];

const MODULE_HELP: &[&str] = &[
    "MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
    "HELP",
    "    Prints this help.",
];

const LAT_FLAGS: u32 = flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE;
const LAT_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;
const LAT_TIPS: &[&str] = &[
    "nondeterministic_output",
    "request_policy:all_nodes",
    "response_policy:special",
];

pub static LATENCY_SUBCOMMANDS: [Command; 7] = [
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: LAT_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Return a human readable latency analysis report.",
        complexity: "O(1)",
        ..Command::new("latency|doctor", 2, latency_doctor)
    },
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: LAT_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Return a latency graph for the event.",
        complexity: "O(1)",
        ..Command::new("latency|graph", 3, latency_graph)
    },
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: LAT_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Return timestamp-latency samples for the event.",
        complexity: "O(1)",
        ..Command::new("latency|history", 3, latency_history)
    },
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: LAT_TIPS,
        group: "server",
        since: "2.8.13",
        summary: "Return the latest latency samples for all events.",
        complexity: "O(1)",
        ..Command::new("latency|latest", 2, latency_latest)
    },
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "server",
        since: "2.8.13",
        summary: "Reset latency data for one or more events.",
        complexity: "O(1)",
        ..Command::new("latency|reset", -2, latency_reset)
    },
    Command {
        flags: LAT_FLAGS,
        acl: LAT_ACL,
        tips: LAT_TIPS,
        group: "server",
        since: "7.0.0",
        summary: "Return the cumulative distribution of latencies of a subset of commands or all.",
        complexity: "O(N) where N is the number of commands with latency information being retrieved.",
        ..Command::new("latency|histogram", -2, latency_histogram)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::SLOW,
        group: "server",
        since: "2.8.13",
        summary: "Show helpful text about the different subcommands.",
        complexity: "O(1)",
        ..Command::new("latency|help", 2, latency_help)
    },
];

const LATENCY_HELP: &[&str] = &[
    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
    "HELP",
    "    Prints this help.",
];

fn latency_help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, LATENCY_HELP);
    Ok(())
}

/// LATENCY DOCTOR: the analysis of the recorded events, with advice.
fn latency_doctor(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    use crate::latency_monitor::{DoctorSettings, doctor};
    let c = &ctx.srv.config;
    let settings = DoctorSettings {
        threshold: c.latency_monitor_threshold,
        slowlog_slower_than: c.slowlog_log_slower_than,
        fsync_always: c.val("appendfsync") == "always",
        hz: c.hz as u64,
    };
    let report = doctor(&ctx.srv.latency_monitor, &settings, now_secs());
    ctx.out.verbatim(report.as_bytes());
    Ok(())
}

fn now_secs() -> i64 {
    crate::util::now_ms() / 1000
}

/// LATENCY GRAPH event: an ASCII graph of the event's samples.
fn latency_graph(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    // The event name is a C string to Redis (lookup and message stop at a NUL).
    let name = args[2].split(|&b| b == 0).next().unwrap_or(&[]);
    let Some((event, ts)) = ctx.srv.latency_monitor.get(name) else {
        let mut e = b"ERR No samples available for event '".to_vec();
        e.extend_from_slice(name);
        e.push(b'\'');
        return Err(CmdError::Bytes(e));
    };
    let g = crate::latency_monitor::graph(event, ts, now_secs());
    ctx.out.verbatim(g.as_bytes());
    Ok(())
}

/// LATENCY LATEST: per event, its latest sample's time and latency, and the all-time max.
fn latency_latest(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let out = &mut *ctx.out;
    let mon = &ctx.srv.latency_monitor;
    out.array(mon.events().count());
    for (event, ts) in mon.events() {
        let (t, ms) = ts.latest();
        out.array(4);
        out.bulk(event.as_bytes());
        out.int(t);
        out.int(ms as i64);
        out.int(ts.max as i64);
    }
    Ok(())
}

/// LATENCY HISTORY event: the event's (time, latency) samples, oldest first.
fn latency_history(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let out = &mut *ctx.out;
    match ctx.srv.latency_monitor.get(&args[2]) {
        None => out.array(0),
        Some((_, ts)) => {
            out.array(ts.samples().count());
            for (t, ms) in ts.samples() {
                out.array(2);
                out.int(t);
                out.int(ms as i64);
            }
        }
    }
    Ok(())
}

/// LATENCY RESET [event ...]: the number of event series dropped (all when none is named).
fn latency_reset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mon = &mut ctx.srv.latency_monitor;
    let n = if args.len() == 2 {
        mon.reset(None)
    } else {
        args.iter_from(2).map(|e| mon.reset(Some(e))).sum()
    };
    ctx.out.int(n as i64);
    Ok(())
}

/// LATENCY HISTOGRAM [command ...]: per-command latency distributions (power-of-two µs
/// buckets, cumulative counts). A container name stands for its subcommands; unknown names
/// and commands never called are left out.
fn latency_histogram(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    use std::sync::atomic::Ordering::Relaxed;
    let mut cmds: Vec<&'static Command> = Vec::new();
    let mut add = |c: &'static Command| {
        if c.subcommands.is_empty() {
            cmds.push(c);
        } else {
            cmds.extend(c.subcommands.iter());
        }
    };
    if args.len() == 2 {
        for c in ctx.srv.commands.iter() {
            add(c);
        }
    } else {
        for name in args.iter_from(2) {
            let found = match name.iter().position(|&c| c == b'|') {
                None => ctx.srv.commands.lookup(name),
                Some(p) => ctx.srv.commands.lookup(&name[..p]).and_then(|parent| {
                    crate::command::lookup_in(parent.subcommands, &name[p + 1..])
                }),
            };
            if let Some(c) = found {
                add(c);
            }
        }
    }
    let mut rows = Vec::new();
    for c in cmds {
        let idx = c.stats.histogram.load(Relaxed) as usize;
        if let Some(h) = idx.checked_sub(1).and_then(|i| ctx.srv.latency.get(i))
            && !h.is_empty()
        {
            rows.push((c.name, c.stats.calls.load(Relaxed), h.log2_cdf()));
        }
    }
    let out = &mut *ctx.out;
    out.map(rows.len());
    for (name, calls, cdf) in rows {
        out.bulk(name.as_bytes());
        out.map(2);
        out.bulk(b"calls");
        out.int(calls as i64);
        out.bulk(b"histogram_usec");
        out.map(cdf.len());
        for (us, n) in cdf {
            out.int(us as i64);
            out.int(n as i64);
        }
    }
    Ok(())
}

/// WAIT numreplicas timeout: the number of replicas that acknowledged the stream so far, at
/// once when enough did (or inside MULTI), else once enough do or the timeout (ms) passes.
fn wait(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let n = parse_i64(&args[1]).ok_or(CmdError::NotInteger)?;
    let timeout = parse_i64(&args[2]).ok_or(CmdError::msg(
        "ERR timeout is not an integer or out of range",
    ))?;
    if timeout < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    crate::replication::wait(ctx, n, timeout);
    Ok(())
}

/// READONLY / READWRITE: cluster mode only.
fn no_cluster(_ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    Err(CmdError::msg(
        "ERR This instance has cluster support disabled",
    ))
}

/// LOLWUT [VERSION v]: the version line (the art of versions 5 and 6 is not drawn).
fn lolwut(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() >= 3 && args[1].eq_ignore_ascii_case(b"version") {
        parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    }
    ctx.out.verbatim(b"Redis ver. 7.0.15\n");
    Ok(())
}

fn dbsize(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let n = ctx.db().len() as i64;
    ctx.out.int(n);
    Ok(())
}

/// Parses the optional `ASYNC|SYNC` of FLUSHDB/FLUSHALL.
fn flush_mode(args: &Args<'_>) -> CmdResult {
    match args.len() {
        1 => Ok(()),
        2 if args[1].eq_ignore_ascii_case(b"async") || args[1].eq_ignore_ascii_case(b"sync") => {
            Ok(())
        }
        _ => Err(CmdError::Syntax),
    }
}

/// FLUSHDB and FLUSHALL count the keys they removed as changes (none for empty databases),
/// and are propagated even then, as Redis does.
fn flushdb(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    flush_mode(args)?;
    let removed = ctx.db().len();
    ctx.db().clear();
    ctx.out.ok();
    ctx.changes(removed as u64);
    Ok(())
}

fn flushall(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    flush_mode(args)?;
    let mut removed = 0;
    for db in &mut ctx.srv.dbs {
        removed += db.len();
        db.clear();
    }
    ctx.out.ok();
    ctx.changes(removed as u64);
    Ok(())
}

fn time(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let us = crate::util::now_us();
    ctx.out.array(2);
    ctx.out.bulk_int(us / 1_000_000);
    ctx.out.bulk_int(us % 1_000_000);
    Ok(())
}

/// Client names may not contain spaces, newlines or other special characters.
pub fn validate_client_name(name: &[u8]) -> CmdResult {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(CmdError::msg(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// ROLE: master, its replication offset and its replicas.
fn role(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::replication::role(ctx);
    Ok(())
}

fn module_help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, MODULE_HELP);
    Ok(())
}

fn module_list(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.array(0);
    Ok(())
}

/// Whether `enable-module-command` lets this client run MODULE LOAD/UNLOAD.
fn module_allowed(ctx: &Ctx<'_>) -> CmdResult {
    let v = ctx.srv.config.get(b"enable-module-command");
    let ok = match v.first().map(|(_, v)| v.as_str()) {
        Some("yes") => true,
        Some("local") => {
            ctx.client.is_unix
                || ctx.client.addr.starts_with("127.")
                || ctx.client.addr.starts_with("[::1]")
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CmdError::msg(
            "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
        ))
    }
}

/// MODULE LOAD / LOADEX: modules are not supported, so loading fails as for a bad library.
fn module_load(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    module_allowed(ctx)?;
    log::warn!(
        "Module {} failed to load: modules are not supported",
        String::from_utf8_lossy(&args[2])
    );
    Err(CmdError::msg(
        "ERR Error loading the extension. Please check the server logs.",
    ))
}

fn module_unload(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    module_allowed(ctx)?;
    Err(CmdError::msg(
        "ERR Error unloading module: no such module with that name",
    ))
}
