//! Commands: the static table ([`table`]), lookup, arity checks and dispatch to handlers.
//!
//! `processCommand` in Redis terms: find the command (case-insensitively, without allocating),
//! check its arity from the table, run the handler, and turn a returned error into the reply.

pub mod docs;
pub mod table;

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use crate::client::{ClientState, ReplyMode};
use crate::db::Db;
use crate::error::CmdResult;
use crate::resp::{Args, Reply};
use crate::server::ServerState;

pub use table::{CommandTable, lookup_in};

/// A command handler.
pub type Handler = fn(&mut Ctx<'_>, &Args<'_>) -> CmdResult;

/// Finds a call's key positions with their key-spec flags (see [`Command::get_keys`]).
pub type GetKeys = fn(&Args<'_>) -> Vec<(usize, u32)>;

/// Command flags, in the order `COMMAND INFO` lists them.
pub mod flags {
    pub const WRITE: u32 = 1 << 0;
    pub const READONLY: u32 = 1 << 1;
    pub const DENYOOM: u32 = 1 << 2;
    pub const MODULE: u32 = 1 << 3;
    pub const ADMIN: u32 = 1 << 4;
    pub const PUBSUB: u32 = 1 << 5;
    pub const NOSCRIPT: u32 = 1 << 6;
    pub const BLOCKING: u32 = 1 << 7;
    pub const LOADING: u32 = 1 << 8;
    pub const STALE: u32 = 1 << 9;
    pub const SKIP_MONITOR: u32 = 1 << 10;
    pub const SKIP_SLOWLOG: u32 = 1 << 11;
    pub const ASKING: u32 = 1 << 12;
    pub const FAST: u32 = 1 << 13;
    pub const NO_AUTH: u32 = 1 << 14;
    pub const MAY_REPLICATE: u32 = 1 << 15;
    pub const NO_MANDATORY_KEYS: u32 = 1 << 16;
    pub const NO_MULTI: u32 = 1 << 17;
    pub const MOVABLE_KEYS: u32 = 1 << 18;
    pub const ALLOW_BUSY: u32 = 1 << 19;
    /// Not listed by COMMAND INFO (Redis's `CMD_PROTECTED`, for DEBUG/MODULE).
    pub const PROTECTED: u32 = 1 << 20;
    pub const NAMES: [&str; 20] = [
        "write",
        "readonly",
        "denyoom",
        "module",
        "admin",
        "pubsub",
        "noscript",
        "blocking",
        "loading",
        "stale",
        "skip_monitor",
        "skip_slowlog",
        "asking",
        "fast",
        "no_auth",
        "may_replicate",
        "no_mandatory_keys",
        "no_multi",
        "movablekeys",
        "allow_busy",
    ];
}

/// ACL categories, in the order `COMMAND INFO` lists them.
pub mod acl {
    pub const KEYSPACE: u32 = 1 << 0;
    pub const READ: u32 = 1 << 1;
    pub const WRITE: u32 = 1 << 2;
    pub const SET: u32 = 1 << 3;
    pub const SORTEDSET: u32 = 1 << 4;
    pub const LIST: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const STRING: u32 = 1 << 7;
    pub const BITMAP: u32 = 1 << 8;
    pub const HYPERLOGLOG: u32 = 1 << 9;
    pub const GEO: u32 = 1 << 10;
    pub const STREAM: u32 = 1 << 11;
    pub const PUBSUB: u32 = 1 << 12;
    pub const ADMIN: u32 = 1 << 13;
    pub const FAST: u32 = 1 << 14;
    pub const SLOW: u32 = 1 << 15;
    pub const BLOCKING: u32 = 1 << 16;
    pub const DANGEROUS: u32 = 1 << 17;
    pub const CONNECTION: u32 = 1 << 18;
    pub const TRANSACTION: u32 = 1 << 19;
    pub const SCRIPTING: u32 = 1 << 20;
    pub const NAMES: [&str; 21] = [
        "keyspace",
        "read",
        "write",
        "set",
        "sortedset",
        "list",
        "hash",
        "string",
        "bitmap",
        "hyperloglog",
        "geo",
        "stream",
        "pubsub",
        "admin",
        "fast",
        "slow",
        "blocking",
        "dangerous",
        "connection",
        "transaction",
        "scripting",
    ];
}

/// Key-spec flags, in the order `COMMAND INFO` lists them.
pub mod ks {
    pub const RO: u32 = 1 << 0;
    pub const RW: u32 = 1 << 1;
    pub const OW: u32 = 1 << 2;
    pub const RM: u32 = 1 << 3;
    pub const ACCESS: u32 = 1 << 4;
    pub const UPDATE: u32 = 1 << 5;
    pub const INSERT: u32 = 1 << 6;
    pub const DELETE: u32 = 1 << 7;
    pub const NOT_KEY: u32 = 1 << 8;
    pub const INCOMPLETE: u32 = 1 << 9;
    pub const VARIABLE_FLAGS: u32 = 1 << 10;
    pub const NAMES: [&str; 11] = [
        "RO",
        "RW",
        "OW",
        "RM",
        "access",
        "update",
        "insert",
        "delete",
        "not_key",
        "incomplete",
        "variable_flags",
    ];
}

/// Where a key-spec starts looking for keys.
#[derive(Clone, Copy)]
pub enum BeginSearch {
    Index(i32),
    Keyword {
        keyword: &'static str,
        startfrom: i32,
    },
    /// The keys cannot be found from the arguments' positions (SORT's BY/GET/STORE).
    Unknown,
}

/// How a key-spec finds keys once started.
#[derive(Clone, Copy)]
pub enum FindKeys {
    Range {
        lastkey: i32,
        keystep: i32,
        limit: i32,
    },
    Keynum {
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    },
    /// Paired with [`BeginSearch::Unknown`].
    Unknown,
}

/// One key specification (Redis 7 key-specs).
#[derive(Clone, Copy)]
pub struct KeySpec {
    pub notes: &'static str,
    pub flags: u32,
    pub begin: BeginSearch,
    pub find: FindKeys,
}

impl KeySpec {
    /// The common case: keys from `first` to `last` (negative counts from the end) every `step`.
    pub const fn range(flags: u32, first: i32, last: i32, step: i32) -> KeySpec {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Index(first),
            find: FindKeys::Range {
                lastkey: last,
                keystep: step,
                limit: 0,
            },
        }
    }
}

/// One entry of the command table.
pub struct Command {
    /// Lowercase name (`config|get` style for subcommands is built from the parent).
    pub name: &'static str,
    /// > 0: exactly this many arguments (name included); < 0: at least -arity.
    pub arity: i32,
    pub flags: u32,
    pub acl: u32,
    pub first_key: i32,
    pub last_key: i32,
    pub step: i32,
    pub key_specs: &'static [KeySpec],
    /// Request/response policy tips (`nondeterministic_output`, ...).
    pub tips: &'static [&'static str],
    pub group: &'static str,
    pub since: &'static str,
    pub summary: &'static str,
    pub complexity: &'static str,
    pub handler: Handler,
    /// Refines the flags of a `variable_flags` key spec for one call, as Redis's getkeys_proc
    /// does (SET without GET overwrites its key). Gets the call and the spec's flags.
    pub key_flags: Option<fn(&Args<'_>, u32) -> u32>,
    /// Finds the keys of a call (positions and key-spec flags) in place of the key specs, as
    /// Redis's getkeys_proc does for keys the specs cannot locate (SORT ... STORE dst).
    pub get_keys: Option<GetKeys>,
    pub subcommands: &'static [Command],
    pub stats: CmdStats,
}

impl Command {
    /// A table entry with defaults for the metadata; fill the rest with struct update syntax.
    pub const fn new(name: &'static str, arity: i32, handler: Handler) -> Command {
        Command {
            name,
            arity,
            flags: 0,
            acl: 0,
            first_key: 0,
            last_key: 0,
            step: 0,
            key_specs: &[],
            tips: &[],
            group: "",
            since: "",
            summary: "",
            complexity: "",
            handler,
            key_flags: None,
            get_keys: None,
            subcommands: &[],
            stats: CmdStats::new(),
        }
    }

    /// A command whose one key is its first argument (first/last/step 1/1/1): the row shape
    /// of the type modules' tables (`string.rs`, `list.rs`, `hash.rs`, `bitops.rs`).
    #[allow(clippy::too_many_arguments)]
    pub const fn one_key(
        name: &'static str,
        arity: i32,
        handler: Handler,
        group: &'static str,
        (flags, acl): (u32, u32),
        key_specs: &'static [KeySpec],
        since: &'static str,
        summary: &'static str,
        complexity: &'static str,
    ) -> Command {
        Command {
            flags,
            acl,
            first_key: 1,
            last_key: 1,
            step: 1,
            key_specs,
            group,
            since,
            summary,
            complexity,
            ..Command::new(name, arity, handler)
        }
    }

    pub fn arity_ok(&self, argc: usize) -> bool {
        let a = self.arity;
        (a > 0 && argc == a as usize) || (a < 0 && argc >= (-a) as usize)
    }
}

/// Everything a handler may touch: the server state, its own client, and its reply buffer.
pub struct Ctx<'a> {
    pub srv: &'a mut ServerState,
    pub client: &'a mut ClientState,
    pub out: &'a mut Reply,
    /// Time the command started, in Unix ms (Redis's `server.mstime` for expiry checks).
    pub now_ms: i64,
}

impl<'a> Ctx<'a> {
    /// The client's selected database and the reply buffer, borrowed together.
    pub fn db_out(&mut self) -> (&mut Db, &mut Reply) {
        let idx = self.client.db;
        (self.srv.db_mut(idx), &mut *self.out)
    }

    /// The write made `n` changes rather than one (see `ServerState::dirty_n`).
    pub fn changes(&mut self, n: u64) {
        self.srv.dirty_n = Some(n);
    }

    /// The write changed nothing: like Redis, it is not counted, signalled nor propagated
    /// (`WriteEffect::Nothing`).
    pub fn unchanged(&mut self) {
        self.srv.write_effect = crate::server::WriteEffect::Nothing;
    }

    pub fn db(&mut self) -> &mut Db {
        let idx = self.client.db;
        self.srv.db_mut(idx)
    }
}

/// Per-command counters for INFO commandstats (single-threaded; atomics only make the static
/// table `Sync`).
pub struct CmdStats {
    pub calls: AtomicU64,
    pub usec: AtomicU64,
    pub rejected: AtomicU64,
    pub failed: AtomicU64,
    /// 1 + index of this command's latency histogram in `ServerState::latency` (0: none yet).
    pub histogram: AtomicU32,
}

impl CmdStats {
    pub const fn new() -> Self {
        CmdStats {
            calls: AtomicU64::new(0),
            usec: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            histogram: AtomicU32::new(0),
        }
    }

    pub fn reset(&self) {
        for c in [&self.calls, &self.usec, &self.rejected, &self.failed] {
            c.store(0, Relaxed);
        }
    }
}

impl Default for CmdStats {
    fn default() -> Self {
        Self::new()
    }
}

/// Adds one call's duration to the command's latency histogram (created on first use).
fn record_latency(srv: &mut ServerState, cmd: &Command, usec: u64) {
    let mut idx = cmd.stats.histogram.load(Relaxed) as usize;
    if idx == 0 {
        srv.latency.push(crate::latency::Histogram::default());
        idx = srv.latency.len();
        cmd.stats.histogram.store(idx as u32, Relaxed);
    }
    if let Some(h) = srv.latency.get_mut(idx - 1) {
        h.record(usec.saturating_mul(1000));
    }
}

fn bump(c: &AtomicU64, by: u64) {
    c.store(c.load(Relaxed) + by, Relaxed);
}

/// What [`execute`] did with a command.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exec {
    /// Run, queued (MULTI) or rejected: its reply is written.
    Done,
    /// Held back by CLIENT PAUSE: run it again once the pause ends.
    Postponed,
}

/// Runs one parsed command (Redis's `processCommand`): lookup, arity and auth checks, CLIENT
/// PAUSE, queueing inside MULTI, then [`call`]; applies CLIENT REPLY to what it wrote.
pub fn execute(
    srv: &mut ServerState,
    client: &mut ClientState,
    out: &mut Reply,
    args: &Args<'_>,
) -> Exec {
    let mark = out.mark();
    let was_replica = client.replica;
    client.last_interaction_ms = srv.clock.unix_ms(srv.cmd_clock);
    match resolve(srv, client, args) {
        Err(e) => reject(srv, client, out, None, &e),
        Ok(cmd) if crate::monitor::denied(client, cmd) => {
            reject(srv, client, out, Some(cmd), crate::monitor::KEYSPACE_DENIED)
        }
        Ok(cmd)
            if srv.config.maxmemory != 0
                && let Some(e) = crate::evict::check_command(srv, client, cmd) =>
        {
            client.last_cmd = cmd.name;
            if cmd.name == "exec" {
                // Redis's execCommandAbort: the transaction is discarded.
                client.multi = None;
                srv.watches.unwatch_all(client.id);
            }
            reject(srv, client, out, Some(cmd), e);
        }
        // Persistence failing: writes (and an EXEC of writes, and PING) are refused. The
        // error state is looked at first: two flags, nothing per command otherwise.
        Ok(cmd)
            if let Some(e) = crate::persist::disk_error(srv)
                && (cmd.flags & flags::WRITE != 0
                    || cmd.name == "ping"
                    || (cmd.name == "exec" && queued_writes(client))) =>
        {
            reject(srv, client, out, Some(cmd), &e)
        }
        // min-replicas-to-write: a write (or an EXEC of writes) wants enough good replicas.
        Ok(cmd)
            if srv.repl.min_replicas_to_write > 0
                && crate::replication::lacks_good_replicas(srv, client, cmd) =>
        {
            let e = crate::replication::noreplicas_error(srv, client, cmd);
            reject(srv, client, out, Some(cmd), e)
        }
        Ok(cmd) => {
            // Monitors and replicas are never paused.
            if !client.monitor
                && !client.replica
                && srv
                    .pause
                    .postpones(cmd, client, srv.clock.unix_ms(srv.cmd_clock))
            {
                client.last_cmd = cmd.name;
                return Exec::Postponed;
            }
            match client.multi.as_mut() {
                Some(_) if cmd.flags & flags::NO_MULTI != 0 => reject(
                    srv,
                    client,
                    out,
                    Some(cmd),
                    b"ERR Command not allowed inside a transaction",
                ),
                Some(m) if !crate::commands::multi::runs_in_multi(cmd) => {
                    m.cmds
                        .push((cmd, crate::commands::multi::OwnedArgs::new(args)));
                    client.last_cmd = cmd.name;
                    out.simple("QUEUED");
                }
                _ => {
                    client.last_cmd = cmd.name;
                    call(srv, client, out, cmd, args);
                    // The end of the execution unit: what it propagated goes out (RANDOMKEY
                    // and SCAN, which may expire any number of keys, without MULTI).
                    crate::persist::propagate::flush(srv, matches!(cmd.name, "randomkey" | "scan"));
                    client.woff = srv.repl.offset;
                    if cmd.flags & flags::ADMIN != 0 {
                        // CONFIG SET may have changed min-replicas-*.
                        crate::replication::refresh_config(srv);
                    }
                }
            }
        }
    }
    match client.reply_mode {
        ReplyMode::On => {}
        ReplyMode::Off => out.truncate(mark),
        ReplyMode::Skip => {
            out.truncate(mark);
            client.reply_mode = ReplyMode::On;
        }
        ReplyMode::SkipNext => client.reply_mode = ReplyMode::Skip,
    }
    if was_replica && out.mark() != mark {
        crate::replication::replied(srv, client, out, mark);
    }
    Exec::Done
}

/// Replies a rejection (Redis's `rejectCommand`): counted, and it aborts an open transaction.
/// The open transaction holds a write command.
fn queued_writes(client: &ClientState) -> bool {
    client
        .multi
        .as_ref()
        .is_some_and(|m| m.cmds.iter().any(|(c, _)| c.flags & flags::WRITE != 0))
}

fn reject(
    srv: &mut ServerState,
    client: &mut ClientState,
    out: &mut Reply,
    cmd: Option<&Command>,
    e: &[u8],
) {
    if let Some(m) = client.multi.as_mut() {
        m.dirty_exec = true;
    }
    if let Some(cmd) = cmd {
        bump(&cmd.stats.rejected, 1);
    }
    srv.stats.count_error(e);
    out.error(e);
}

/// Runs a command's handler with its bookkeeping (Redis's `call`): stats, slowlog, error
/// reply, and for a write that changed something: watched keys touched, blocked clients'
/// keys signalled, propagation to the AOF.
pub fn call(
    srv: &mut ServerState,
    client: &mut ClientState,
    out: &mut Reply,
    cmd: &'static Command,
    args: &Args<'_>,
) {
    let mark = out.mark();
    let start = srv.cmd_clock;
    let now_ms = srv.clock.unix_ms(start);
    let no_touch = client.no_touch && cmd.name != "touch";
    if no_touch {
        crate::db::lfu::set_no_touch(true);
    }
    let pre = crate::blocking::before_write(srv, client.db, cmd, args, now_ms);
    let mut ctx = Ctx {
        srv,
        client,
        out,
        now_ms,
    };
    let res = (cmd.handler)(&mut ctx, args);
    let Ctx {
        srv, client, out, ..
    } = ctx;
    if no_touch {
        crate::db::lfu::set_no_touch(false);
    }
    let end = crate::util::ticks();
    srv.cmd_clock = end;
    let usec = crate::util::ticks_to_us(start, end);
    // Keys the command found expired are propagated as DELs before the command itself.
    crate::persist::propagate::take_expired(srv);
    // A command that blocked is counted now, as Redis 7.0 does; its reply comes when served.
    account(srv, client, cmd, args, usec, now_ms);
    let effect = std::mem::take(&mut srv.write_effect);
    let changes = srv.dirty_n.take();
    match res {
        _ if client.blocked => {}
        Err(e) => {
            bump(&cmd.stats.failed, 1);
            srv.stats.count_error(e.text());
            out.error(e.text());
        }
        Ok(()) if cmd.flags & flags::WRITE != 0 => {
            use crate::server::WriteEffect;
            let reply = out.buf.get(mark..).unwrap_or(&[]);
            if effect != WriteEffect::Nothing {
                crate::blocking::after_write(srv, client.db, cmd, args, reply, pre, effect);
            }
            if matches!(effect, WriteEffect::Changed | WriteEffect::FirstKeyOnly) {
                // The handler's own count, else one unless the reply says nothing changed.
                srv.stats.dirty += changes.unwrap_or_else(|| {
                    !crate::persist::propagate::no_change(cmd.name, args, reply) as u64
                });
                crate::blocking::propagate(srv, client.db, cmd, args, reply, now_ms);
            }
        }
        Ok(()) => {}
    }
    // After the reply, as Redis's call() does; ADMIN commands are never shown.
    if !srv.monitors.is_empty() && cmd.flags & (flags::SKIP_MONITOR | flags::ADMIN) == 0 {
        crate::monitor::feed(srv, client, out, cmd, args);
    }
}

/// Counts one finished call: INFO commandstats, total commands, slowlog.
pub fn account(
    srv: &mut ServerState,
    client: &ClientState,
    cmd: &'static Command,
    args: &Args<'_>,
    usec: u64,
    now_ms: i64,
) {
    srv.stats.total_commands_processed += 1;
    bump(&cmd.stats.calls, 1);
    bump(&cmd.stats.usec, usec);
    let threshold = srv.config.latency_monitor_threshold;
    if threshold != 0 {
        let event = if cmd.flags & flags::FAST != 0 {
            "fast-command"
        } else {
            "command"
        };
        srv.latency_monitor
            .add_if_needed(threshold, event, usec / 1000);
    }
    if srv.config.latency_tracking {
        record_latency(srv, cmd, usec);
    }
    if cmd.flags & flags::SKIP_SLOWLOG == 0 {
        srv.slowlog.record(
            cmd.name,
            srv.config.slowlog_log_slower_than,
            srv.config.slowlog_max_len,
            args,
            usec,
            now_ms,
            &client.addr,
            client.name.as_deref(),
        );
    }
}

/// Counts a failed call outside [`call`] (a blocked client's wait ended badly), with its
/// error reply if it got one.
pub fn count_failed(srv: &mut ServerState, cmd: &'static Command, e: Option<&[u8]>) {
    bump(&cmd.stats.failed, 1);
    if let Some(e) = e {
        srv.stats.count_error(e);
    }
}

/// Finds the command to run, or the error line to reply (unknown command or subcommand,
/// wrong arity, authentication required).
fn resolve(
    srv: &ServerState,
    client: &ClientState,
    args: &Args<'_>,
) -> Result<&'static Command, Vec<u8>> {
    let name = args.get(0);
    // Redis formats these with `%.128s`: a NUL ends the text.
    let cstr = |a: &'_ [u8]| -> usize { memchr::memchr(0, a).unwrap_or(a.len()) };
    let Some(mut cmd) = srv.commands.lookup(name) else {
        let mut e = b"ERR unknown command '".to_vec();
        e.extend_from_slice(&name[..cstr(name).min(128)]);
        e.extend_from_slice(b"', with args beginning with: ");
        let mut shown = 0usize;
        for a in args.iter_from(1) {
            if shown >= 128 {
                break;
            }
            let take = cstr(a).min(128 - shown);
            e.push(b'\'');
            e.extend_from_slice(&a[..take]);
            e.extend_from_slice(b"' ");
            shown += take + 3;
        }
        return Err(e);
    };
    if !cmd.subcommands.is_empty() && args.len() >= 2 {
        let sub = args.get(1);
        match lookup_in(cmd.subcommands, sub) {
            Some(s) => cmd = s,
            None => {
                let mut e = b"ERR unknown subcommand '".to_vec();
                e.extend_from_slice(&sub[..cstr(sub).min(128)]);
                e.extend_from_slice(b"'. Try ");
                e.extend(name.iter().map(|c| c.to_ascii_uppercase()));
                e.extend_from_slice(b" HELP.");
                return Err(e);
            }
        }
    }
    if !cmd.arity_ok(args.len()) {
        bump(&cmd.stats.rejected, 1);
        return Err(
            format!("ERR wrong number of arguments for '{}' command", cmd.name).into_bytes(),
        );
    }
    if !client.authenticated && cmd.flags & flags::NO_AUTH == 0 && srv.config.requirepass.is_some()
    {
        bump(&cmd.stats.rejected, 1);
        return Err(b"NOAUTH Authentication required.".to_vec());
    }
    Ok(cmd)
}

/// Positions of the key arguments of a command call, with their key-spec flags, found from
/// the table's key specs (as COMMAND GETKEYS and key extraction need).
pub fn key_positions(cmd: &Command, args: &Args<'_>) -> Vec<(usize, u32)> {
    if let Some(f) = cmd.get_keys {
        return f(args);
    }
    let argc = args.len() as i64;
    let mut keys = Vec::new();
    for spec in cmd.key_specs {
        let start = match spec.begin {
            BeginSearch::Unknown => continue,
            BeginSearch::Index(i) => i as i64,
            BeginSearch::Keyword { keyword, startfrom } => {
                let (from, to, step): (i64, i64, i64) = if startfrom >= 0 {
                    (startfrom as i64, argc - 1, 1)
                } else {
                    (argc + startfrom as i64, 1, -1)
                };
                let mut found = None;
                let mut i = from;
                while (step > 0 && i <= to) || (step < 0 && i >= to) {
                    if args
                        .get(i as usize)
                        .eq_ignore_ascii_case(keyword.as_bytes())
                    {
                        found = Some(i + 1);
                        break;
                    }
                    i += step;
                }
                match found {
                    Some(i) => i,
                    None => continue,
                }
            }
        };
        let (first, last, step) = match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    start + lastkey as i64
                } else if limit > 1 {
                    start + (argc - 1 - start) / limit as i64
                } else {
                    argc + lastkey as i64
                };
                (start, last, keystep.max(1) as i64)
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                // Redis narrows the count to a C int (so 2^32 + 1 means 1): no overflow below.
                let n = crate::util::parse_i64(args.get((start + keynumidx as i64) as usize))
                    .unwrap_or(0)
                    .max(0) as i32 as i64;
                let first = start + firstkey as i64;
                (
                    first,
                    first + (n - 1) * keystep as i64,
                    keystep.max(1) as i64,
                )
            }
            FindKeys::Unknown => continue,
        };
        // As Redis: a spec reaching past the arguments (or a count < 1) spoils them all.
        if last >= argc || last < first {
            return Vec::new();
        }
        let flags = match cmd.key_flags {
            Some(f) if spec.flags & ks::VARIABLE_FLAGS != 0 => f(args, spec.flags),
            _ => spec.flags,
        };
        let mut i = first;
        while i <= last && i < argc && i > 0 {
            keys.push((i as usize, flags));
            i += step;
        }
    }
    keys
}
