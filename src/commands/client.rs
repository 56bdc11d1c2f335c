//! CLIENT: ID, INFO, LIST, KILL, SETNAME, GETNAME, SETINFO, REPLY, NO-EVICT, HELP
//! (Redis keeps these in `networking.c`).

use crate::client::{Client, ClientState, ReplyMode};
use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::util::parse_i64;

const ADMIN_FLAGS: u32 = flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE;
const ADMIN_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS | acl::CONNECTION;
const CONN_FLAGS: u32 = flags::NOSCRIPT | flags::LOADING | flags::STALE;
const CONN_ACL: u32 = acl::SLOW | acl::CONNECTION;

pub static SUBCOMMANDS: [Command; 18] = [
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "6.0.0",
        summary: "Enable or disable server assisted client side caching support",
        complexity: "O(1). Some options may introduce additional complexity.",
        ..Command::new("client|tracking", -3, tracking)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "6.0.0",
        summary: "Instruct the server about tracking or not keys in the next request",
        complexity: "O(1)",
        ..Command::new("client|caching", 3, caching)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "6.0.0",
        summary: "Get tracking notifications redirection client ID if any",
        complexity: "O(1)",
        ..Command::new("client|getredir", 2, getredir)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "6.2.0",
        summary: "Return information about server assisted client side caching for the current connection",
        complexity: "O(1)",
        ..Command::new("client|trackinginfo", 2, trackinginfo)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "5.0.0",
        summary: "Returns the client ID for the current connection",
        complexity: "O(1)",
        ..Command::new("client|id", 2, id)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        tips: &["nondeterministic_output"],
        group: "connection",
        since: "6.2.0",
        summary: "Returns information about the current client connection.",
        complexity: "O(1)",
        ..Command::new("client|info", 2, info)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        tips: &["nondeterministic_output"],
        group: "connection",
        since: "2.4.0",
        summary: "Get the list of client connections",
        complexity: "O(N) where N is the number of client connections",
        ..Command::new("client|list", -2, list)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        group: "connection",
        since: "2.4.0",
        summary: "Kill the connection of a client",
        complexity: "O(N) where N is the number of client connections",
        ..Command::new("client|kill", -3, kill)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "2.6.9",
        summary: "Set the current connection name",
        complexity: "O(1)",
        ..Command::new("client|setname", 3, setname)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "2.6.9",
        summary: "Get the current connection name",
        complexity: "O(1)",
        ..Command::new("client|getname", 2, getname)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        tips: &["request_policy:all_nodes", "response_policy:all_succeeded"],
        group: "connection",
        since: "7.2.0",
        summary: "Set client or connection specific info",
        complexity: "O(1)",
        ..Command::new("client|setinfo", 4, setinfo)
    },
    Command {
        flags: CONN_FLAGS,
        acl: CONN_ACL,
        group: "connection",
        since: "3.2.0",
        summary: "Instruct the server whether to reply to commands",
        complexity: "O(1)",
        ..Command::new("client|reply", 3, reply)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        group: "connection",
        since: "7.0.0",
        summary: "Set client eviction mode for the current connection",
        complexity: "O(1)",
        ..Command::new("client|no-evict", 3, no_evict)
    },
    Command {
        flags: flags::NOSCRIPT | flags::LOADING | flags::STALE,
        acl: acl::SLOW | acl::CONNECTION,
        group: "connection",
        since: "7.2.0",
        summary: "Controls whether commands sent by the client affect the LRU/LFU of accessed keys",
        complexity: "O(1)",
        ..Command::new("client|no-touch", 3, no_touch)
    },
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: CONN_ACL,
        group: "connection",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("client|help", 2, help)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        group: "connection",
        since: "6.2.0",
        summary: "Resume processing of clients that were paused",
        complexity: "O(N) Where N is the number of paused clients",
        ..Command::new("client|unpause", 2, unpause)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        group: "connection",
        since: "2.9.50",
        summary: "Stop processing commands from clients for some time",
        complexity: "O(1)",
        ..Command::new("client|pause", -3, pause)
    },
    Command {
        flags: ADMIN_FLAGS,
        acl: ADMIN_ACL,
        group: "connection",
        since: "5.0.0",
        summary: "Unblock a client blocked in a blocking command from a different connection",
        complexity: "O(log N) where N is the number of client connections",
        ..Command::new("client|unblock", -3, unblock)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "connection",
    since: "2.4.0",
    summary: "A container for client connection commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("client", -2, help)
}];

const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "HELP",
    "    Prints this help.",
];

/// Writes a HELP reply: an array of simple strings.
pub fn reply_help(ctx: &mut Ctx<'_>, lines: &[&str]) {
    ctx.out.array(lines.len());
    for l in lines {
        ctx.out.simple(l);
    }
}

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reply_help(ctx, HELP);
    Ok(())
}

fn id(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.client.id as i64);
    Ok(())
}

/// Buffer sizes of a client, shown by CLIENT LIST.
#[derive(Default)]
struct Buffers {
    qbuf: usize,
    qbuf_free: usize,
    argv_mem: usize,
    rbs: usize,
    obl: usize,
    events: &'static str,
}

fn buffers(c: &Client) -> Buffers {
    Buffers {
        qbuf: c.query_len(),
        qbuf_free: c.query.len() - c.qend,
        argv_mem: 0,
        rbs: c.reply.buf.capacity(),
        obl: c.reply.pending(),
        events: if c.want_write { "rw" } else { "r" },
    }
}

/// The buffers of the client running the command: as its batch started, with the arguments
/// of this command as `argv-mem` (their total length, as Redis counts it).
fn own_buffers(s: &ClientState, args: &Args<'_>) -> Buffers {
    let b = s.bufs_seen;
    Buffers {
        qbuf: b.qbuf,
        qbuf_free: b.qbuf_free,
        argv_mem: args.iter_from(0).map(|a| a.len()).sum(),
        rbs: b.rbs,
        obl: 0,
        events: "r",
    }
}

/// The local address as Redis shows it: `path:0` for a Unix socket connection.
fn laddr(s: &ClientState) -> std::borrow::Cow<'_, str> {
    if s.is_unix && !s.laddr.ends_with(":0") {
        format!("{}:0", s.laddr).into()
    } else {
        s.laddr.as_str().into()
    }
}

/// One CLIENT LIST / CLIENT INFO line, in Redis 7.0 field order.
fn client_line(out: &mut Vec<u8>, s: &ClientState, b: &Buffers, now_ms: i64, dirty_cas: bool) {
    use std::io::Write;
    let mut fl = String::new();
    if s.monitor {
        fl.push('O');
    } else if s.replica {
        fl.push('S');
    }
    if s.multi.is_some() {
        fl.push('x');
    }
    if s.blocked || s.postponed.is_some() {
        fl.push('b');
    }
    if dirty_cas {
        fl.push('d');
    }
    if s.close_after_reply {
        fl.push('c');
    }
    if s.close_asap {
        fl.push('A');
    }
    if s.is_unix {
        fl.push('U');
    }
    if s.no_evict {
        fl.push('e');
    }
    if s.no_touch {
        fl.push('T');
    }
    if fl.is_empty() {
        fl.push('N');
    }
    let name = s.name.as_deref().unwrap_or(b"");
    let _ = write!(
        out,
        "id={} addr={} laddr={} fd={} name=",
        s.id,
        s.addr,
        laddr(s),
        s.fd
    );
    out.extend_from_slice(name);
    let tot_mem = b.qbuf + b.qbuf_free + b.argv_mem + b.rbs + std::mem::size_of::<Client>();
    let cmd = s.last_cmd;
    let (multi, multi_mem) = match &s.multi {
        Some(m) => (
            m.cmds.len() as i64,
            m.cmds.iter().map(|c| c.1.mem()).sum::<usize>(),
        ),
        None => (-1, 0),
    };
    let _ = write!(
        out,
        " age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 multi={} qbuf={} qbuf-free={} \
         argv-mem={} multi-mem={} rbs={} rbp={} obl={} oll=0 omem=0 tot-mem={} events={} cmd={} \
         user=default redir=-1 resp={}",
        (now_ms - s.created_ms) / 1000,
        (now_ms - s.last_interaction_ms) / 1000,
        fl,
        s.db,
        multi,
        b.qbuf,
        b.qbuf_free,
        b.argv_mem,
        multi_mem,
        b.rbs,
        b.rbs,
        b.obl,
        tot_mem,
        if b.events.is_empty() { "r" } else { b.events },
        cmd,
        s.resp
    );
    // lib-name/lib-ver are Redis 7.2 fields: shown only to clients that used CLIENT SETINFO
    // (an extension), so the line is exactly Redis 7.0's otherwise.
    if s.lib_name.is_some() || s.lib_ver.is_some() {
        out.extend_from_slice(b" lib-name=");
        out.extend_from_slice(s.lib_name.as_deref().unwrap_or(b""));
        out.extend_from_slice(b" lib-ver=");
        out.extend_from_slice(s.lib_ver.as_deref().unwrap_or(b""));
    }
    out.push(b'\n');
}

fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut line = Vec::new();
    let dirty = ctx.srv.watches.dirty_flag(ctx.client.id);
    let b = own_buffers(ctx.client, args);
    client_line(&mut line, ctx.client, &b, ctx.now_ms, dirty);
    ctx.out.verbatim(&line);
    Ok(())
}

fn list(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut ids: Option<Vec<u64>> = None;
    let mut ty = None;
    let mut i = 2;
    while i < args.len() {
        let opt = &args[i];
        if opt.eq_ignore_ascii_case(b"type") && i + 1 < args.len() {
            ty = Some(check_type(&args[i + 1])?);
            i += 2;
        } else if opt.eq_ignore_ascii_case(b"id") && i + 1 < args.len() {
            let mut v = Vec::new();
            for a in args.iter_from(i + 1) {
                match parse_i64(a) {
                    Some(n) if n > 0 => v.push(n as u64),
                    _ => return Err(CmdError::msg("ERR Invalid client ID")),
                }
            }
            ids = Some(v);
            break;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let now = ctx.now_ms;
    let mut rows: Vec<(u64, Vec<u8>)> = Vec::new();
    let keep = |s: &ClientState| {
        ids.as_ref().is_none_or(|v| v.contains(&s.id)) && ty.is_none_or(|t| t == client_type(s))
    };
    if keep(ctx.client) {
        let mut l = Vec::new();
        let dirty = ctx.srv.watches.dirty_flag(ctx.client.id);
        client_line(
            &mut l,
            ctx.client,
            &own_buffers(ctx.client, args),
            now,
            dirty,
        );
        rows.push((ctx.client.id, l));
    }
    for (_, slot) in ctx.srv.clients.iter() {
        if let Some(c) = slot
            && keep(&c.state)
        {
            let mut l = Vec::new();
            let dirty = ctx.srv.watches.dirty_flag(c.state.id);
            client_line(&mut l, &c.state, &buffers(c), now, dirty);
            rows.push((c.state.id, l));
        }
    }
    rows.sort_by_key(|r| r.0);
    let text: Vec<u8> = rows.into_iter().flat_map(|r| r.1).collect();
    ctx.out.verbatim(&text);
    Ok(())
}

/// A client's class for CLIENT LIST/KILL `TYPE` (Redis's `getClientType`: monitors count as
/// normal; there are no master or pub/sub clients here).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    Master,
    PubSub,
}

fn client_type(s: &ClientState) -> ClientType {
    if s.replica && !s.monitor {
        ClientType::Replica
    } else {
        ClientType::Normal
    }
}

/// Parses a CLIENT LIST/KILL `TYPE` argument.
fn check_type(t: &[u8]) -> Result<ClientType, CmdError> {
    const TYPES: [(&[u8], ClientType); 5] = [
        (b"normal", ClientType::Normal),
        (b"master", ClientType::Master),
        (b"replica", ClientType::Replica),
        (b"slave", ClientType::Replica),
        (b"pubsub", ClientType::PubSub),
    ];
    if let Some((_, ty)) = TYPES.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)) {
        Ok(*ty)
    } else {
        let mut e = b"ERR Unknown client type '".to_vec();
        e.extend_from_slice(t);
        e.push(b'\'');
        Err(CmdError::Bytes(e))
    }
}

/// Filters of CLIENT KILL's new form.
#[derive(Default)]
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    id: Option<u64>,
    ty: Option<ClientType>,
    skipme: bool,
}

impl KillFilter<'_> {
    fn matches(&self, s: &ClientState) -> bool {
        self.ty.is_none_or(|t| t == client_type(s))
            && self.addr.is_none_or(|a| a == s.addr.as_bytes())
            && self.laddr.is_none_or(|a| a == laddr(s).as_bytes())
            && self.id.is_none_or(|id| id == s.id)
    }
}

fn kill(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 3 {
        // Old form: CLIENT KILL addr:port.
        let f = KillFilter {
            addr: Some(args.get(2)),
            ..Default::default()
        };
        return match kill_matching(ctx, &f) {
            0 => Err(CmdError::msg("ERR No such client")),
            _ => {
                ctx.out.ok();
                Ok(())
            }
        };
    }
    if !args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let mut f = KillFilter {
        skipme: true,
        ..Default::default()
    };
    let mut i = 2;
    while i + 1 < args.len() {
        let (opt, val) = (&args[i], args.get(i + 1));
        if opt.eq_ignore_ascii_case(b"id") {
            match parse_i64(val) {
                Some(n) if n > 0 => f.id = Some(n as u64),
                _ => return Err(CmdError::msg("ERR client-id should be greater than 0")),
            }
        } else if opt.eq_ignore_ascii_case(b"type") {
            f.ty = Some(check_type(val)?);
        } else if opt.eq_ignore_ascii_case(b"addr") {
            f.addr = Some(val);
        } else if opt.eq_ignore_ascii_case(b"laddr") {
            f.laddr = Some(val);
        } else if opt.eq_ignore_ascii_case(b"user") {
            if val != b"default" {
                let mut e = b"ERR No such user '".to_vec();
                e.extend_from_slice(val);
                e.push(b'\'');
                return Err(CmdError::Bytes(e));
            }
        } else if opt.eq_ignore_ascii_case(b"skipme") {
            if val.eq_ignore_ascii_case(b"yes") {
                f.skipme = true;
            } else if val.eq_ignore_ascii_case(b"no") {
                f.skipme = false;
            } else {
                return Err(CmdError::Syntax);
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let n = kill_matching(ctx, &f);
    ctx.out.int(n as i64);
    Ok(())
}

/// Marks matching clients for closing; returns how many matched.
fn kill_matching(ctx: &mut Ctx<'_>, f: &KillFilter<'_>) -> usize {
    let mut n = 0;
    for (_, slot) in ctx.srv.clients.iter_mut() {
        if let Some(c) = slot
            && f.matches(&c.state)
        {
            c.state.close_asap = true;
            ctx.srv.kill_pending = true;
            n += 1;
        }
    }
    if !f.skipme && f.matches(ctx.client) {
        ctx.client.close_after_reply = true;
        n += 1;
    }
    n
}

fn setname(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let name = args.get(2);
    crate::commands::server::validate_client_name(name)?;
    ctx.client.name = (!name.is_empty()).then(|| name.to_vec());
    ctx.out.ok();
    Ok(())
}

fn getname(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    match &ctx.client.name {
        Some(n) => ctx.out.bulk(n),
        None => ctx.out.null(),
    }
    Ok(())
}

fn setinfo(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (attr, val) = (&args[2], args.get(3));
    let lib_name = attr.eq_ignore_ascii_case(b"lib-name");
    if !lib_name && !attr.eq_ignore_ascii_case(b"lib-ver") {
        let mut e = b"ERR Unrecognized option '".to_vec();
        e.extend_from_slice(attr);
        e.push(b'\'');
        return Err(CmdError::Bytes(e));
    }
    if val.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        let what = if lib_name { "lib-name" } else { "lib-ver" };
        return Err(CmdError::Msg(
            format!("ERR {what} cannot contain spaces, newlines or special characters.").into(),
        ));
    }
    let v = (!val.is_empty()).then(|| val.to_vec());
    if lib_name {
        ctx.client.lib_name = v;
    } else {
        ctx.client.lib_ver = v;
    }
    ctx.out.ok();
    Ok(())
}

fn reply(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mode = &args[2];
    if mode.eq_ignore_ascii_case(b"on") {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.out.ok();
    } else if mode.eq_ignore_ascii_case(b"off") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if mode.eq_ignore_ascii_case(b"skip") {
        // As Redis: unless replies are off, the next command is skipped (even when this
        // SKIP is itself being skipped).
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

fn no_evict(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let v = &args[2];
    if v.eq_ignore_ascii_case(b"on") {
        ctx.client.no_evict = true;
    } else if v.eq_ignore_ascii_case(b"off") {
        ctx.client.no_evict = false;
    } else {
        return Err(CmdError::Syntax);
    }
    ctx.out.ok();
    Ok(())
}

/// CLIENT NO-TOUCH ON|OFF (Redis 7.2): this client's commands leave keys' LRU/LFU alone,
/// except TOUCH.
fn no_touch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let v = &args[2];
    if v.eq_ignore_ascii_case(b"on") {
        ctx.client.no_touch = true;
    } else if v.eq_ignore_ascii_case(b"off") {
        ctx.client.no_touch = false;
    } else {
        return Err(CmdError::Syntax);
    }
    ctx.out.ok();
    Ok(())
}

fn unpause(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::blocking::unpause(ctx.srv);
    ctx.out.ok();
    Ok(())
}

/// Redis's `addReplySubcommandSyntaxError`, naming the subcommand as it was typed.
fn wrong_args(args: &Args<'_>) -> CmdError {
    let mut e = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    e.extend_from_slice(&args[1]);
    e.extend_from_slice(b"'. Try CLIENT HELP.");
    CmdError::Bytes(e)
}

/// CLIENT PAUSE timeout [WRITE|ALL]: timeout in milliseconds.
fn pause(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 4 {
        return Err(wrong_args(args));
    }
    let mut all = true;
    if args.len() == 4 {
        if args[3].eq_ignore_ascii_case(b"write") {
            all = false;
        } else if !args[3].eq_ignore_ascii_case(b"all") {
            return Err(CmdError::msg("ERR CLIENT PAUSE mode must be WRITE or ALL"));
        }
    }
    let ms = parse_i64(&args[2]).ok_or(CmdError::msg(
        "ERR timeout is not an integer or out of range",
    ))?;
    if ms < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    let end = ms.saturating_add(ctx.now_ms);
    ctx.srv.pause.start(end, all);
    ctx.out.ok();
    Ok(())
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's blocking command.
fn unblock(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 4 {
        return Err(wrong_args(args));
    }
    let mut error = false;
    if args.len() == 4 {
        if args[3].eq_ignore_ascii_case(b"error") {
            error = true;
        } else if !args[3].eq_ignore_ascii_case(b"timeout") {
            return Err(CmdError::msg(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    }
    let id = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let done = id > 0 && crate::blocking::client_unblock(ctx.srv, id as u64, error);
    ctx.out.int(done as i64);
    Ok(())
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]:
/// options are checked as Redis does; OFF succeeds (tracking is never on), while ON is refused
/// since invalidation messages are not implemented.
fn tracking(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (mut redir, mut bcast, mut optin, mut optout, mut prefixes) = (0, false, false, false, 0);
    let mut j = 3;
    while j < args.len() {
        let a = &args[j];
        let more = j + 1 < args.len();
        if a.eq_ignore_ascii_case(b"redirect") && more {
            j += 1;
            if redir != 0 {
                return Err(CmdError::msg(
                    "ERR A client can only redirect to a single other client",
                ));
            }
            redir = parse_i64(&args[j]).ok_or(CmdError::NotInteger)?;
            let exists = redir > 0
                && (redir as u64 == ctx.client.id
                    || ctx
                        .srv
                        .clients
                        .iter()
                        .any(|(_, c)| c.as_ref().is_some_and(|c| c.state.id == redir as u64)));
            if !exists {
                return Err(CmdError::msg(
                    "ERR The client ID you want redirect to does not exist",
                ));
            }
        } else if a.eq_ignore_ascii_case(b"bcast") {
            bcast = true;
        } else if a.eq_ignore_ascii_case(b"optin") {
            optin = true;
        } else if a.eq_ignore_ascii_case(b"optout") {
            optout = true;
        } else if a.eq_ignore_ascii_case(b"noloop") {
        } else if a.eq_ignore_ascii_case(b"prefix") && more {
            j += 1;
            prefixes += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let mode = &args[2];
    if mode.eq_ignore_ascii_case(b"off") {
        ctx.out.ok();
        return Ok(());
    }
    if !mode.eq_ignore_ascii_case(b"on") {
        return Err(CmdError::Syntax);
    }
    if !bcast && prefixes > 0 {
        return Err(CmdError::msg(
            "ERR PREFIX option requires BCAST mode to be enabled",
        ));
    }
    if bcast && (optin || optout) {
        return Err(CmdError::msg(
            "ERR OPTIN and OPTOUT are not compatible with BCAST",
        ));
    }
    if optin && optout {
        return Err(CmdError::msg("ERR You can't use both OPTIN and OPTOUT"));
    }
    Err(CmdError::msg(
        "ERR client-side caching (CLIENT TRACKING ON) is not supported by this server",
    ))
}

/// CLIENT CACHING YES|NO: only valid in OPTIN/OPTOUT tracking mode, which is never on here.
fn caching(_ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    Err(CmdError::msg(
        "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    ))
}

/// CLIENT GETREDIR: -1, tracking being off.
fn getredir(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(-1);
    Ok(())
}

/// CLIENT TRACKINGINFO: tracking is off (flags is a set in RESP3).
fn trackinginfo(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.map(3);
    ctx.out.bulk(b"flags");
    ctx.out.set(1);
    ctx.out.bulk(b"off");
    ctx.out.bulk(b"redirect");
    ctx.out.int(-1);
    ctx.out.bulk(b"prefixes");
    ctx.out.array(0);
    Ok(())
}
