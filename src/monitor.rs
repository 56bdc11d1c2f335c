//! MONITOR (Redis's `replicationFeedMonitors`) and RESET.
//!
//! A client that sent MONITOR gets one simple-string line per command any client runs:
//! `+<secs>.<usecs> [<db> <addr>] "arg" "arg" ...`, arguments escaped as `sdscatrepr` does and
//! passwords redacted. [`crate::command::call`] feeds each finished command here (ADMIN and
//! `skip_monitor` commands are never shown); lines go straight into the monitors' reply
//! buffers and the event loop queues their writes ([`ServerState::monitor_fed`]).
//!
//! Like Redis, a monitor is a kind of replica: it may not run commands that read, write or may
//! replicate (`Replica can't interact with the keyspace`) and CLIENT PAUSE does not hold it.
//! RESET turns it back into a normal client.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::client::{ClientState, ReplyMode};
use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::server::ServerState;

pub static COMMANDS: [Command; 2] = [
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE,
        acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
        group: "server",
        since: "1.0.0",
        summary: "Listen for all requests received by the server in real time",
        ..Command::new("monitor", 1, monitor)
    },
    Command {
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        acl: acl::FAST | acl::CONNECTION,
        group: "connection",
        since: "6.2.0",
        summary: "Reset the connection",
        complexity: "O(1)",
        ..Command::new("reset", 1, reset)
    },
];

/// The error a monitor gets for a command that touches the keyspace.
pub const KEYSPACE_DENIED: &[u8] = b"ERR Replica can't interact with the keyspace";

/// Whether a monitor must be refused this command (Redis rejects keyspace access by replicas).
pub fn denied(client: &ClientState, cmd: &Command) -> bool {
    client.monitor && cmd.flags & (flags::READONLY | flags::WRITE | flags::MAY_REPLICATE) != 0
}

fn monitor(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if ctx.client.deny_blocking {
        return Err(CmdError::msg(
            "ERR MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    // Already monitoring: Redis ignores the command without a reply.
    if ctx.client.monitor {
        return Ok(());
    }
    ctx.client.monitor = true;
    ctx.srv.monitors.push(ctx.client.token);
    ctx.out.ok();
    Ok(())
}

/// Stops a client monitoring (RESET, or the client going away).
pub fn stop(srv: &mut ServerState, client: &mut ClientState) {
    if client.monitor {
        client.monitor = false;
        let t = client.token;
        srv.monitors.retain(|&m| m != t);
    }
}

/// RESET (Redis's `clearClientConnectionState`): no longer a monitor, transaction and watches
/// dropped, db 0, RESP2, no name, replies on, authentication as a new connection has it.
fn reset(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    stop(ctx.srv, ctx.client);
    crate::commands::multi::discard_transaction(ctx);
    let c = &mut *ctx.client;
    c.db = 0;
    c.resp = 2;
    ctx.out.resp3 = false;
    c.name = None;
    c.reply_mode = ReplyMode::On;
    c.authenticated = ctx.srv.config.requirepass.is_none();
    ctx.out.simple("RESET");
    Ok(())
}

/// Shows a finished command to every monitor. `out` is the running client's reply buffer (it
/// gets the line itself when that client monitors; its slot in `srv.clients` is empty now).
pub fn feed(
    srv: &mut ServerState,
    client: &ClientState,
    out: &mut Reply,
    cmd: &Command,
    args: &Args<'_>,
) {
    let line = format_line(srv, client, cmd.name, args);
    // A client closing after its reply gets nothing more (Redis's prepareClientToWrite).
    if client.monitor && !client.close_after_reply {
        out.buf.extend_from_slice(&line);
    }
    let limits = srv.config.client_output_buffer_limit_normal;
    for i in 0..srv.monitors.len() {
        let t = srv.monitors[i];
        let Some(Some(c)) = srv.clients.get_mut(t) else {
            continue;
        };
        // CLIENT REPLY OFF/SKIP drops what the monitor would be sent, as Redis's addReply does.
        if !c.state.monitor
            || c.state.close_asap
            || c.state.close_after_reply
            || matches!(c.state.reply_mode, ReplyMode::Off | ReplyMode::Skip)
        {
            continue;
        }
        c.reply.buf.extend_from_slice(&line);
        if c.output_over_limit(limits) {
            c.state.close_for_output_limit();
            srv.kill_pending = true;
        }
        srv.monitor_fed = true;
    }
}

/// One monitor line: `+<secs>.<usecs> [<db> <addr>] "arg" ...\r\n`.
fn format_line(srv: &ServerState, client: &ClientState, name: &str, args: &Args<'_>) -> Vec<u8> {
    use std::io::Write;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut line = Vec::with_capacity(64 + args.iter_from(0).map(|a| a.len() + 3).sum::<usize>());
    let _ = write!(
        line,
        "+{}.{:06} [{} ",
        now.as_secs(),
        now.subsec_micros(),
        client.db
    );
    if client.is_unix {
        let _ = write!(line, "unix:{}] ", srv.config.unixsocket);
    } else {
        let _ = write!(line, "{}] ", client.addr);
    }
    let redacted = redacted_args(name, args);
    let mut hidden = redacted.iter().peekable();
    for (i, a) in args.iter_from(0).enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        if hidden.next_if_eq(&&i).is_some() {
            line.extend_from_slice(b"\"(redacted)\"");
        } else {
            repr(&mut line, a);
        }
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Positions of the arguments a command hides, ascending (where Redis's handlers call
/// `redactClientCommandArgument`): AUTH's unless it has too many; HELLO's AUTH pairs once the
/// version parsed, up to the first bad option.
fn redacted_args(name: &str, args: &Args<'_>) -> Vec<usize> {
    match name {
        "auth" if args.len() <= 3 => (1..args.len()).collect(),
        "hello" if args.len() >= 2 => {
            let mut v = Vec::new();
            if !matches!(crate::util::parse_i64(args.get(1)), Some(2..=3)) {
                return v;
            }
            let mut j = 2;
            while j < args.len() {
                let more = args.len() - 1 - j;
                let opt = args.get(j);
                if opt.eq_ignore_ascii_case(b"auth") && more >= 2 {
                    v.extend([j + 1, j + 2]);
                    j += 3;
                } else if opt.eq_ignore_ascii_case(b"setname") && more >= 1 {
                    j += 2;
                } else {
                    break;
                }
            }
            v
        }
        _ => Vec::new(),
    }
}

/// Appends `"bytes"` escaped as Redis's `sdscatrepr`.
pub fn repr(out: &mut Vec<u8>, b: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &c in b {
        match c {
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', c]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(&[
                b'\\',
                b'x',
                HEX[(c >> 4) as usize],
                HEX[(c & 15) as usize],
            ]),
        }
    }
    out.push(b'"');
}
