//! The master side of replication (the master half of Redis's `replication.c`).
//!
//! A client that sends `SYNC` or `PSYNC` becomes a replica: it gets a snapshot of the dataset
//! as an RDB bulk (`$<len>\r\n<rdb>`, after `+FULLRESYNC <replid> <offset>\r\n` for PSYNC), then
//! the stream of write commands as they are propagated (see [`crate::persist::propagate`]:
//! the same commands the AOF gets, with their own SELECT state). `master_repl_offset` counts
//! the stream's bytes; the backlog keeps the last `repl-backlog-size` of them, so a replica
//! that reconnects with `PSYNC <replid> <offset>` still within it continues (`+CONTINUE`)
//! instead of resyncing in full.
//!
//! The snapshot is written in the foreground, into memory, while the SYNC command runs (Redis
//! forks a child and sends the file when it is done): the replica is online at once, and
//! everything propagated afterwards follows the RDB in its output buffer.

use crate::client::ClientState;
use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::server::ServerState;

const SYNC_FLAGS: u32 = flags::ADMIN | flags::NOSCRIPT | flags::NO_MULTI;
const SYNC_ACL: u32 = acl::ADMIN | acl::SLOW | acl::DANGEROUS;

// Redis also flags SYNC and PSYNC `no_async_loading`, a flag the command table does not have.
pub static COMMANDS: [Command; 3] = [
    Command {
        flags: SYNC_FLAGS,
        acl: SYNC_ACL,
        group: "server",
        since: "1.0.0",
        summary: "Internal command used for replication",
        ..Command::new("sync", 1, sync)
    },
    Command {
        flags: SYNC_FLAGS,
        acl: SYNC_ACL,
        group: "server",
        since: "2.8.0",
        summary: "Internal command used for replication",
        ..Command::new("psync", -3, sync)
    },
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::ALLOW_BUSY,
        acl: SYNC_ACL,
        group: "server",
        since: "3.0.0",
        summary: "An internal command for configuring the replication stream",
        complexity: "O(1)",
        ..Command::new("replconf", -1, replconf)
    },
];

/// One attached replica.
#[derive(Debug, Clone)]
pub struct Replica {
    /// Slab token and id of its client.
    pub token: usize,
    pub id: u64,
    pub ip: String,
    /// The port it listens on (REPLCONF listening-port; 0 when not told).
    pub port: i64,
    /// Offset it acknowledged last (REPLCONF ACK) and when (Unix seconds).
    pub ack_off: i64,
    pub ack_time_s: i64,
    /// Size of the RDB sent at sync, left out of the output buffer limits (Redis sends the
    /// snapshot outside the output buffer).
    rdb_len: usize,
    /// Unix second since when the output is over the soft limit (0: it is not).
    soft_since: i64,
}

/// What a client told with REPLCONF before it synced.
#[derive(Debug, Default, Clone)]
struct ReplConf {
    port: i64,
    ip: Option<String>,
    /// `capa psync2`: `+CONTINUE` gets the replication id.
    psync2: bool,
}

/// The backlog: the latest stream bytes, for partial resynchronization.
#[derive(Debug, Clone, Default)]
pub struct Backlog {
    /// Bytes held (`repl_backlog_histlen`), at most `repl-backlog-size`.
    pub histlen: i64,
    /// The last `histlen` bytes are the backlog; older ones are dropped in batches.
    buf: Vec<u8>,
}

impl Backlog {
    /// `repl_backlog_first_byte_offset` given `master_repl_offset`.
    pub fn first_byte_offset(&self, offset: i64) -> i64 {
        offset - self.histlen + 1
    }

    fn append(&mut self, bytes: &[u8], size: i64) {
        self.buf.extend_from_slice(bytes);
        let size = size as usize;
        self.histlen = self.buf.len().min(size) as i64;
        // Drop what fell out of the backlog once it is as long again as the backlog itself.
        if self.buf.len() >= 2 * size {
            self.buf.drain(..self.buf.len() - size);
        }
    }

    /// The bytes from stream offset `from` (1-based, as PSYNC asks) to `offset`, if held.
    fn since(&self, from: i64, offset: i64) -> Option<&[u8]> {
        if from < self.first_byte_offset(offset) || from > offset + 1 {
            return None;
        }
        let n = (offset + 1 - from) as usize;
        self.buf.get(self.buf.len() - n..)
    }
}

/// Replication state of the master.
#[derive(Default)]
pub struct Replication {
    /// `master_replid` (the run id until the first replica attaches, which changes it).
    replid: Option<String>,
    /// `master_repl_offset`: bytes of stream produced since start.
    pub offset: i64,
    /// Created by the first replica, kept `repl-backlog-ttl` seconds after the last one left.
    /// While it exists, write commands are propagated to the stream.
    pub backlog: Option<Backlog>,
    pub replicas: Vec<Replica>,
    /// REPLCONF settings of clients that have not synced (yet), by client id.
    conf: Vec<(u64, ReplConf)>,
    /// Database of the last SELECT in the stream (`None`: write one before the next command).
    pub(crate) selected_db: Option<usize>,
    /// Stream bytes produced this event-loop turn, handed to every replica by
    /// [`feed_replicas`].
    pub(crate) pending: Vec<u8>,
    /// Commands of the running execution unit, waiting to be propagated.
    pub unit: crate::persist::propagate::Unit,
    /// Unix second of the last replication cron, and how many have run.
    cron_last_s: i64,
    cron_loops: u64,
    /// Unix second since when no replica is attached (backlog TTL).
    no_replicas_since_s: i64,
    /// `min-replicas-to-write` (0 when `min-replicas-max-lag` is 0: no check), and
    /// `min-replicas-max-lag`, refreshed by the cron and after admin commands.
    pub min_replicas_to_write: i64,
    min_replicas_max_lag: i64,
    /// `repl-backlog-size`.
    backlog_size: i64,
    /// `client-output-buffer-limit` of the replica class: hard, soft, soft seconds.
    obuf_limits: [u64; 3],
    /// Clients blocked in WAIT.
    waiters: Vec<Waiter>,
    /// Ask the replicas for an ACK before the loop sleeps (a client started waiting).
    get_ack: bool,
}

/// A client blocked in WAIT.
#[derive(Debug, Clone, Copy)]
struct Waiter {
    id: u64,
    token: usize,
    /// Stream offset the replicas must have acknowledged.
    offset: i64,
    replicas: i64,
    /// Unix ms; 0 waits forever.
    deadline: i64,
}

impl Replication {
    /// `master_replid`.
    pub fn replid<'a>(&'a self, run_id: &'a str) -> &'a str {
        self.replid.as_deref().unwrap_or(run_id)
    }

    /// Clients blocked in WAIT (Redis counts them in INFO's `blocked_clients`).
    pub fn waiting_clients(&self) -> usize {
        self.waiters.len()
    }

    /// `repl-backlog-size` (its default until the cron first read it).
    fn backlog_size(&self) -> i64 {
        if self.backlog_size > 0 {
            self.backlog_size
        } else {
            1048576
        }
    }

    /// Counts the bytes appended to `pending` since it was `before` long, and keeps them in
    /// the backlog.
    pub(crate) fn produced(&mut self, before: usize) {
        let new = self.pending.get(before..).unwrap_or(&[]);
        self.offset += new.len() as i64;
        let size = self.backlog_size();
        if let Some(b) = self.backlog.as_mut() {
            b.append(new, size);
        }
    }
}

fn unix_s() -> i64 {
    crate::util::now_ms() / 1000
}

fn config_i64(srv: &ServerState, name: &[u8], default: i64) -> i64 {
    srv.config
        .get(name)
        .first()
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(default)
}

/// The replica's name for log lines: `ip:port`, as Redis's `replicationGetSlaveName`.
fn replica_name(ip: &str, port: i64) -> String {
    if port != 0 {
        format!("{ip}:{port}")
    } else {
        format!("{ip}:<unknown-replica-port>")
    }
}

/// SYNC and PSYNC: full resynchronization, then the client is a replica.
fn sync(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    // Already a replica: ignored, no reply.
    if ctx.client.replica {
        return Ok(());
    }
    if ctx.out.pending() > 0 {
        return Err(CmdError::msg(
            "ERR SYNC and PSYNC are invalid with pending output",
        ));
    }
    let psync = args[0].eq_ignore_ascii_case(b"psync");
    if psync {
        if args.len() > 3 && args[3].eq_ignore_ascii_case(b"failover") {
            return Err(CmdError::msg(
                "ERR PSYNC FAILOVER can't be sent to a master.",
            ));
        }
        crate::util::parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    }
    let srv = &mut *ctx.srv;
    let id = ctx.client.id;
    let conf = srv
        .repl
        .conf
        .iter()
        .position(|(c, _)| *c == id)
        .map(|i| srv.repl.conf.swap_remove(i).1)
        .unwrap_or_default();
    let ip = conf.ip.clone().unwrap_or_else(|| peer_ip(&ctx.client.addr));
    let name = replica_name(&ip, conf.port);
    log::info!("Replica {name} asks for synchronization");
    if psync && continue_sync(ctx, args, &conf, &ip, &name) {
        return Ok(());
    }
    let srv = &mut *ctx.srv;
    if psync {
        if args[1].as_ref() != b"?"
            && srv.repl.replid.as_deref().map(str::as_bytes) != Some(args[1].as_ref())
        {
            log::info!(
                "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '{}', my replication IDs are '{}' and '0000000000000000000000000000000000000000')",
                String::from_utf8_lossy(&args[1]),
                srv.repl.replid(&srv.run_id)
            );
        } else {
            log::info!("Full resync requested by replica {name}");
        }
    }
    // The first replica gets a new history: new replication id, new backlog.
    if srv.repl.replicas.is_empty() && srv.repl.backlog.is_none() {
        srv.repl.replid = Some(new_replid(srv));
        srv.repl.backlog = Some(Backlog::default());
        log::info!(
            "Replication backlog created, my new replication IDs are '{}' and '0000000000000000000000000000000000000000'",
            srv.repl.replid(&srv.run_id)
        );
    }
    // Whatever was propagated so far goes to the replicas already attached, not this one.
    crate::persist::propagate::before_sleep(srv);
    feed_replicas(srv);
    if psync {
        let line = format!(
            "+FULLRESYNC {} {}\r\n",
            srv.repl.replid(&srv.run_id),
            srv.repl.offset
        );
        ctx.out.buf.extend_from_slice(line.as_bytes());
    }
    // The snapshot, written here in the foreground (Redis forks a BGSAVE child instead).
    log::info!("Starting BGSAVE for SYNC with target: disk");
    let opts = crate::persist::rdb::WriteOptions {
        compression: srv.config.rdbcompression,
        checksum: srv.config.rdbchecksum,
        aof_base: false,
        key_delay_us: 0,
    };
    let rdb = match crate::persist::rdb::write(Vec::new(), &srv.dbs, opts, crate::util::now_ms()) {
        Ok(v) => v,
        Err(e) => {
            log::warn!("Can't write the RDB for replica {name}: {e}");
            ctx.client.close_after_reply = true;
            return Ok(());
        }
    };
    let out = &mut *ctx.out;
    out.buf.push(b'$');
    crate::resp::reply::push_int(&mut out.buf, rdb.len() as i64);
    out.buf.extend_from_slice(b"\r\n");
    out.buf.extend_from_slice(&rdb);
    log::info!("Synchronization with replica {name} succeeded");
    // The next propagated command starts with a SELECT.
    srv.repl.selected_db = None;
    ctx.client.replica = true;
    srv.repl.replicas.push(Replica {
        token: ctx.client.token,
        id,
        ip,
        port: conf.port,
        ack_off: 0,
        ack_time_s: unix_s(),
        rdb_len: rdb.len(),
        soft_since: 0,
    });
    crate::db::set_track_expired(true);
    Ok(())
}

/// PSYNC <replid> <offset> within the backlog: `+CONTINUE`, then the backlog from that offset
/// (Redis's `masterTryPartialResynchronization`). Returns false for a full resync.
fn continue_sync(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    conf: &ReplConf,
    ip: &str,
    name: &str,
) -> bool {
    let srv = &mut *ctx.srv;
    let Some(from) = crate::util::parse_i64(&args[2]) else {
        return false;
    };
    if srv.repl.replid.as_deref().map(str::as_bytes) != Some(args[1].as_ref()) {
        return false;
    }
    let offset = srv.repl.offset;
    // What is still to go to the replicas already attached is in the backlog already.
    crate::persist::propagate::before_sleep(srv);
    feed_replicas(srv);
    let Some(data) = srv
        .repl
        .backlog
        .as_ref()
        .and_then(|b| b.since(from, offset))
    else {
        log::info!(
            "Unable to partial resync with replica {name} for lack of backlog (Replica request was: {from})."
        );
        return false;
    };
    let out = &mut *ctx.out;
    if conf.psync2 {
        out.buf.extend_from_slice(b"+CONTINUE ");
        out.buf
            .extend_from_slice(srv.repl.replid(&srv.run_id).as_bytes());
        out.buf.extend_from_slice(b"\r\n");
    } else {
        out.buf.extend_from_slice(b"+CONTINUE\r\n");
    }
    out.buf.extend_from_slice(data);
    log::info!(
        "Partial resynchronization request from {name} accepted. Sending {} bytes of backlog starting from offset {from}.",
        data.len()
    );
    ctx.client.replica = true;
    srv.repl.replicas.push(Replica {
        token: ctx.client.token,
        id: ctx.client.id,
        ip: ip.to_string(),
        port: conf.port,
        ack_off: 0,
        ack_time_s: unix_s(),
        rdb_len: 0,
        soft_since: 0,
    });
    true
}

/// A random 40-hex-digit replication id.
fn new_replid(srv: &mut ServerState) -> String {
    (0..40)
        .map(|_| b"0123456789abcdef"[(srv.rng.next_u64() % 16) as usize] as char)
        .collect()
}

/// The IP part of a client's `ip:port` address.
fn peer_ip(addr: &str) -> String {
    match addr.rsplit_once(':') {
        Some((ip, _)) => ip.trim_start_matches('[').trim_end_matches(']').to_string(),
        None => addr.to_string(),
    }
}

/// REPLCONF option value [option value ...]: settings from a replica (no reply to ACK and
/// GETACK).
fn replconf(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let id = ctx.client.id;
    let mut i = 1;
    while i < args.len() {
        let (opt, val) = (&args[i], &args[i + 1]);
        let eq = |s: &str| opt.eq_ignore_ascii_case(s.as_bytes());
        if eq("listening-port") {
            let port = crate::util::parse_i64(val).ok_or(CmdError::NotInteger)?;
            conf_mut(ctx, id).port = port;
            if let Some(r) = ctx.srv.repl.replicas.iter_mut().find(|r| r.id == id) {
                r.port = port;
            }
        } else if eq("ip-address") {
            if val.len() >= 46 {
                return Err(CmdError::msg(format!(
                    "ERR REPLCONF ip-address provided by replica instance is too long: {} bytes",
                    val.len()
                )));
            }
            let ip = String::from_utf8_lossy(val).into_owned();
            if let Some(r) = ctx.srv.repl.replicas.iter_mut().find(|r| r.id == id) {
                r.ip = ip.clone();
            }
            conf_mut(ctx, id).ip = Some(ip);
        } else if eq("capa") {
            // `eof` is not needed: ferrokv always sends `$<len>` RDBs.
            if val.eq_ignore_ascii_case(b"psync2") {
                conf_mut(ctx, id).psync2 = true;
            }
        } else if eq("ack") {
            if ctx.client.replica
                && let Some(off) = crate::util::parse_i64(val)
                && let Some(r) = ctx.srv.repl.replicas.iter_mut().find(|r| r.id == id)
            {
                r.ack_off = r.ack_off.max(off);
                r.ack_time_s = unix_s();
            }
            return Ok(());
        } else if eq("getack") {
            // Only a replica answers GETACK (to its master).
            return Ok(());
        } else if eq("rdb-only") {
            match crate::util::parse_i64(val) {
                Some(0 | 1) => {}
                _ => {
                    return Err(CmdError::msg("ERR value is out of range, must be positive"));
                }
            }
        } else if eq("rdb-filter-only") {
            for f in String::from_utf8_lossy(val).split_whitespace() {
                if !f.eq_ignore_ascii_case("functions") {
                    return Err(CmdError::msg(format!(
                        "ERR Unsupported rdb-filter-only option: {f}"
                    )));
                }
            }
        } else {
            let mut e = b"ERR Unrecognized REPLCONF option: ".to_vec();
            e.extend_from_slice(opt);
            return Err(CmdError::Bytes(e));
        }
        i += 2;
    }
    ctx.out.ok();
    Ok(())
}

fn conf_mut<'a>(ctx: &'a mut Ctx<'_>, id: u64) -> &'a mut ReplConf {
    let conf = &mut ctx.srv.repl.conf;
    let i = match conf.iter().position(|(c, _)| *c == id) {
        Some(i) => i,
        None => {
            conf.push((id, ReplConf::default()));
            conf.len() - 1
        }
    };
    &mut conf[i].1
}

/// A replica's command produced a reply: replicas must never get one, so it is dropped and the
/// replica disconnected (as Redis does).
pub fn replied(srv: &mut ServerState, client: &mut ClientState, out: &mut Reply, mark: usize) {
    out.truncate(mark);
    log::warn!(
        "Replica generated a reply to command '{}', disconnecting it: id={} addr={} laddr={} fd={}",
        client.last_cmd,
        client.id,
        client.addr,
        client.laddr,
        client.fd
    );
    client.close_asap = true;
    srv.kill_pending = true;
}

/// A client went away: forget it as a replica (or a client that sent REPLCONF).
pub fn client_gone(srv: &mut ServerState, client: &ClientState) {
    let id = client.id;
    if !srv.repl.waiters.is_empty() {
        forget_waiter(srv, id);
    }
    if !srv.repl.conf.is_empty() {
        srv.repl.conf.retain(|(c, _)| *c != id);
    }
    if !client.replica {
        return;
    }
    if let Some(i) = srv.repl.replicas.iter().position(|r| r.id == id) {
        let r = srv.repl.replicas.remove(i);
        log::warn!(
            "Connection with replica {} lost.",
            replica_name(&r.ip, r.port)
        );
        if srv.repl.replicas.is_empty() {
            srv.repl.no_replicas_since_s = unix_s();
        }
    }
}

/// Appends the stream produced this turn to every replica's output. Returns true when there
/// is output to write (the event loop then queues the replicas' writes).
pub fn feed_replicas(srv: &mut ServerState) -> bool {
    if srv.repl.pending.is_empty() {
        return false;
    }
    let [hard, soft, soft_secs] = srv.repl.obuf_limits;
    let now = unix_s();
    for r in srv.repl.replicas.iter_mut() {
        let Some(Some(c)) = srv.clients.get_mut(r.token) else {
            continue;
        };
        if c.state.id != r.id || c.state.close_asap {
            continue;
        }
        if c.reply.pending() == 0 {
            // The RDB is all sent.
            r.rdb_len = 0;
        }
        c.reply.buf.extend_from_slice(&srv.repl.pending);
        // The replica class of client-output-buffer-limit (the RDB left out).
        let used = c.reply.pending().saturating_sub(r.rdb_len) as u64;
        let over = if hard > 0 && used >= hard {
            true
        } else if soft > 0 && used >= soft {
            if r.soft_since == 0 {
                r.soft_since = now;
            }
            now - r.soft_since > soft_secs as i64
        } else {
            r.soft_since = 0;
            false
        };
        if over {
            c.state.close_for_output_limit();
            srv.kill_pending = true;
        }
    }
    srv.repl.pending.clear();
    !srv.repl.replicas.is_empty()
}

/// Re-reads the `min-replicas-*` settings.
pub fn refresh_config(srv: &mut ServerState) {
    let n = config_i64(srv, b"min-replicas-to-write", 0);
    let lag = config_i64(srv, b"min-replicas-max-lag", 10);
    srv.repl.min_replicas_max_lag = lag;
    srv.repl.min_replicas_to_write = if lag > 0 { n } else { 0 };
    srv.repl.backlog_size = config_i64(srv, b"repl-backlog-size", 1048576);
    srv.repl.obuf_limits = srv
        .config
        .get(b"client-output-buffer-limit")
        .first()
        .and_then(|(_, v)| crate::config::value::cob_parse(v).get(1).copied())
        .unwrap_or([268435456, 67108864, 60]);
}

/// Replicas online whose last ACK is at most `min-replicas-max-lag` seconds old.
fn good_replicas(srv: &ServerState) -> i64 {
    let now = unix_s();
    let lag = srv.repl.min_replicas_max_lag;
    srv.repl
        .replicas
        .iter()
        .filter(|r| now - r.ack_time_s <= lag)
        .count() as i64
}

/// Whether `cmd` writes (EXEC: queued a write) while fewer good replicas than
/// `min-replicas-to-write` are attached (Redis's `checkGoodReplicasStatus`).
pub fn lacks_good_replicas(srv: &ServerState, client: &ClientState, cmd: &Command) -> bool {
    let write = cmd.flags & flags::WRITE != 0
        || (cmd.name == "exec"
            && client
                .multi
                .as_ref()
                .is_some_and(|m| m.cmds.iter().any(|(c, _)| c.flags & flags::WRITE != 0)));
    write && good_replicas(srv) < srv.repl.min_replicas_to_write
}

/// The NOREPLICAS rejection; an EXEC aborts its transaction with it.
pub fn noreplicas_error(
    srv: &mut ServerState,
    client: &mut ClientState,
    cmd: &Command,
) -> &'static [u8] {
    if cmd.name == "exec" {
        client.multi = None;
        srv.watches.unwatch_all(client.id);
        return b"EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.";
    }
    b"NOREPLICAS Not enough good replicas to write."
}

/// From the cron: keeps the expired-key log on while propagation has a consumer; once a
/// second (Redis's `replicationCron`): PING the replicas every
/// `repl-ping-replica-period` seconds, free the backlog `repl-backlog-ttl` seconds after the
/// last replica left.
pub fn cron(srv: &mut ServerState, now_ms: i64) {
    // Expired keys are logged for propagation only while something consumes it.
    crate::db::set_track_expired(crate::persist::propagate::has_consumer(srv));
    refresh_config(srv);
    let now_s = now_ms / 1000;
    if now_s == srv.repl.cron_last_s {
        return;
    }
    srv.repl.cron_last_s = now_s;
    let loops = srv.repl.cron_loops;
    srv.repl.cron_loops += 1;
    if srv.repl.replicas.is_empty() {
        if srv.repl.backlog.is_some() {
            let ttl = config_i64(srv, b"repl-backlog-ttl", 3600);
            if ttl > 0 && now_s - srv.repl.no_replicas_since_s > ttl {
                srv.repl.backlog = None;
                // The history is lost: a new replication id.
                srv.repl.replid = Some(new_replid(srv));
                log::info!(
                    "Replication backlog freed after {ttl} seconds without connected replicas."
                );
            }
        }
        return;
    }
    let period = config_i64(srv, b"repl-ping-replica-period", 10).max(1) as u64;
    if loops.is_multiple_of(period) {
        let before = srv.repl.pending.len();
        srv.repl.pending.extend_from_slice(b"*1\r\n$4\r\nping\r\n");
        srv.repl.produced(before);
    }
}

/// INFO's replication section.
pub fn info(srv: &ServerState, o: &mut String) {
    use std::fmt::Write;
    let r = &srv.repl;
    let now = unix_s();
    let _ = write!(
        o,
        "# Replication\r\nrole:master\r\nconnected_slaves:{}\r\n",
        r.replicas.len()
    );
    for (i, s) in r.replicas.iter().enumerate() {
        let _ = write!(
            o,
            "slave{i}:ip={},port={},state=online,offset={},lag={}\r\n",
            s.ip,
            s.port,
            s.ack_off,
            now - s.ack_time_s
        );
    }
    let (active, first, histlen) = match &r.backlog {
        Some(b) => (1, b.first_byte_offset(r.offset), b.histlen),
        None => (0, 0, 0),
    };
    let _ = write!(
        o,
        "master_failover_state:no-failover\r\nmaster_replid:{}\r\n\
         master_replid2:0000000000000000000000000000000000000000\r\n\
         master_repl_offset:{}\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:{active}\r\n\
         repl_backlog_size:{}\r\nrepl_backlog_first_byte_offset:{first}\r\n\
         repl_backlog_histlen:{histlen}\r\n",
        r.replid(&srv.run_id),
        r.offset,
        r.backlog_size(),
    );
}

/// ROLE: `master`, the offset, and `[ip, port, acked offset]` per replica.
pub fn role(ctx: &mut Ctx<'_>) {
    let r = &ctx.srv.repl;
    let out = &mut *ctx.out;
    out.array(3);
    out.bulk(b"master");
    out.int(r.offset);
    out.array(r.replicas.len());
    for s in &r.replicas {
        out.array(3);
        out.bulk(s.ip.as_bytes());
        out.bulk(s.port.to_string().as_bytes());
        out.bulk(s.ack_off.to_string().as_bytes());
    }
}

/// Replicas that acknowledged at least `offset`.
fn acked(srv: &ServerState, offset: i64) -> i64 {
    srv.repl
        .replicas
        .iter()
        .filter(|r| r.ack_off >= offset)
        .count() as i64
}

/// WAIT: replies the number of replicas that acknowledged the stream up to the offset after the
/// client's previous command when at least `n` did or the client may not block (inside MULTI);
/// otherwise blocks the client and has the replicas asked for an ACK.
pub fn wait(ctx: &mut Ctx<'_>, n: i64, timeout_ms: i64) {
    let offset = ctx.client.woff;
    let count = acked(ctx.srv, offset);
    if count >= n || ctx.client.deny_blocking {
        ctx.out.int(count);
        return;
    }
    ctx.client.blocked = true;
    ctx.srv.repl.waiters.push(Waiter {
        id: ctx.client.id,
        token: ctx.client.token,
        offset,
        replicas: n,
        deadline: if timeout_ms > 0 {
            ctx.now_ms.saturating_add(timeout_ms)
        } else {
            0
        },
    });
    ctx.srv.repl.get_ack = true;
}

/// Before the loop sleeps: asks the replicas for an ACK if a client started waiting, and ends
/// the waits that are satisfied or timed out (their reply is written; the event loop queues
/// their writes from the returned tokens).
pub fn before_sleep(srv: &mut ServerState) -> Vec<usize> {
    if srv.repl.waiters.is_empty() {
        return Vec::new();
    }
    if std::mem::take(&mut srv.repl.get_ack) && !srv.repl.replicas.is_empty() {
        let before = srv.repl.pending.len();
        srv.repl
            .pending
            .extend_from_slice(b"*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n");
        srv.repl.produced(before);
    }
    let now = crate::util::now_ms();
    let mut done = Vec::new();
    let mut i = 0;
    while i < srv.repl.waiters.len() {
        let w = srv.repl.waiters[i];
        let count = acked(srv, w.offset);
        if count < w.replicas && (w.deadline == 0 || now < w.deadline) {
            i += 1;
            continue;
        }
        srv.repl.waiters.swap_remove(i);
        if let Some(Some(c)) = srv.clients.get_mut(w.token)
            && c.state.id == w.id
        {
            c.state.blocked = false;
            if c.state.reply_mode == crate::client::ReplyMode::On {
                c.reply.int(count);
            }
            srv.blocking.resume_later(w.token, w.id);
            done.push(w.token);
        }
    }
    done
}

/// CLIENT UNBLOCK of a client in WAIT: it replies as if its timeout had come (the replicas
/// that acknowledged so far), or the UNBLOCKED error. False if the client is not waiting.
pub fn unblock_waiter(srv: &mut ServerState, id: u64, error: bool) -> bool {
    let Some(i) = srv.repl.waiters.iter().position(|w| w.id == id) else {
        return false;
    };
    let w = srv.repl.waiters.swap_remove(i);
    let count = acked(srv, w.offset);
    // Counted as a failed WAIT either way, the error in the error stats too, as Redis does.
    const UNBLOCKED: &[u8] = b"UNBLOCKED client unblocked via CLIENT UNBLOCK";
    if let Some(cmd) = srv.commands.lookup(b"wait") {
        crate::command::count_failed(srv, cmd, error.then_some(UNBLOCKED));
    }
    if let Some(Some(c)) = srv.clients.get_mut(w.token)
        && c.state.id == w.id
    {
        c.state.blocked = false;
        if c.state.reply_mode == crate::client::ReplyMode::On {
            match error {
                true => c.reply.error(UNBLOCKED),
                false => c.reply.int(count),
            }
        }
        srv.blocking.resume_later(w.token, w.id);
    }
    true
}

/// Forgets a client's WAIT (it went away).
fn forget_waiter(srv: &mut ServerState, id: u64) {
    srv.repl.waiters.retain(|w| w.id != id);
}
