//! Clients that wait (Redis's `blocked.c`, the blocking half of `t_list.c`/`t_zset.c`, and the
//! client pause of `networking.c`).
//!
//! A blocking command that finds no data registers its client here ([`Blocking`]) under each of
//! its keys, in arrival order, with its deadline. The client's slot stays in the event loop's
//! slab but reads no further commands. A successful write signals its keys as ready
//! ([`after_write`]); after each top-level command [`handle_ready`] serves the waiters of every
//! ready key in the order they blocked, as long as the key holds data of their kind (so a push
//! inside MULTI wakes them only once EXEC has run, and a BLMOVE's destination is served in the
//! same pass). Timeouts ([`expire_timeouts`]), CLIENT UNBLOCK and disconnection end the wait
//! too. Served clients are queued for the event loop to resume their pipelined input.
//!
//! CLIENT PAUSE ([`Pause`]) holds back commands before they run; held clients are resumed in
//! order when the pause ends.

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::commands::list::{move_element, pop_first};
use crate::commands::multi::OwnedArgs;
use crate::db::Value;
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::server::ServerState;

/// Serves a blocked command from one key: replies and returns true, or returns false (nothing
/// written) when the key has nothing for it.
pub type ServeFn = fn(&mut Ctx<'_>, &Args<'_>, &[u8]) -> Result<bool, CmdError>;

/// The type of value a blocked client waits for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    List,
    ZSet,
}

struct Blocked {
    token: usize,
    db: usize,
    keys: Vec<Vec<u8>>,
    /// Unix ms; 0 waits forever.
    deadline: i64,
    cmd: &'static Command,
    argv: OwnedArgs,
    serve: ServeFn,
    kind: Kind,
}

/// Blocked clients by id and by key, their deadlines, ready keys, and clients to resume.
#[derive(Default)]
pub struct Blocking {
    clients: HashMap<u64, Blocked>,
    waiters: HashMap<(usize, Vec<u8>), VecDeque<u64>>,
    timeouts: BTreeSet<(i64, u64)>,
    ready: VecDeque<(usize, Vec<u8>)>,
    /// (token, id) of clients whose wait or pause ended: the event loop runs their input.
    resume: VecDeque<(usize, u64)>,
}

impl Blocking {
    /// INFO's `blocked_clients`.
    pub fn blocked_count(&self) -> usize {
        self.clients.len()
    }

    /// INFO's `clients_in_timeout_table`.
    pub fn timeout_count(&self) -> usize {
        self.timeouts.len()
    }

    /// Signals `key` as ready if clients wait on it (Redis's `signalKeyAsReady`).
    pub fn signal(&mut self, db: usize, key: &[u8]) {
        if self.waiters.is_empty() {
            return;
        }
        let k = (db, key.to_vec());
        if self.waiters.contains_key(&k) && !self.ready.contains(&k) {
            self.ready.push_back(k);
        }
    }

    /// Signals every waited key of `db` (SWAPDB).
    fn signal_db(&mut self, db: usize) {
        let keys: Vec<_> = self
            .waiters
            .keys()
            .filter(|(d, _)| *d == db)
            .cloned()
            .collect();
        for (d, k) in keys {
            self.signal(d, &k);
        }
    }

    /// Forgets client `id` (served, timed out, unblocked or gone).
    fn remove(&mut self, id: u64) -> Option<Blocked> {
        let b = self.clients.remove(&id)?;
        for k in &b.keys {
            let wk = (b.db, k.clone());
            if let Some(q) = self.waiters.get_mut(&wk) {
                q.retain(|&c| c != id);
                if q.is_empty() {
                    self.waiters.remove(&wk);
                }
            }
        }
        if b.deadline > 0 {
            self.timeouts.remove(&(b.deadline, id));
        }
        Some(b)
    }

    /// A client disconnected.
    pub fn client_gone(&mut self, id: u64) {
        self.remove(id);
    }

    /// The nearest deadline of a blocked client (Unix ms).
    pub fn next_deadline(&self) -> Option<i64> {
        self.timeouts.first().map(|t| t.0)
    }

    /// The next client to resume: (token, id).
    pub fn next_resumed(&mut self) -> Option<(usize, u64)> {
        self.resume.pop_front()
    }
}

// ---------------------------------------------------------------------------------------------
// Hooks around write commands

/// Watched keys FLUSHDB/FLUSHALL/SWAPDB will touch, found before they run (they touch the
/// keys that exist at that point).
pub fn before_write(
    srv: &ServerState,
    db: usize,
    cmd: &Command,
    args: &Args<'_>,
    now: i64,
) -> Vec<(usize, Vec<u8>)> {
    if srv.watches.is_empty() {
        return Vec::new();
    }
    let w = &srv.watches;
    match cmd.name {
        "flushdb" => srv
            .dbs
            .get(db)
            .map(|d| w.live_in(db, d, None, now))
            .unwrap_or_default(),
        "flushall" => srv
            .dbs
            .iter()
            .enumerate()
            .flat_map(|(i, d)| w.live_in(i, d, None, now))
            .collect(),
        "swapdb" => {
            let idx = |i: usize| {
                crate::util::parse_i64(args.get(i))
                    .and_then(|v| usize::try_from(v).ok())
                    .filter(|&v| v < srv.dbs.len())
            };
            let (Some(a), Some(b)) = (idx(1), idx(2)) else {
                return Vec::new();
            };
            let mut v = w.live_in(a, &srv.dbs[a], Some(&srv.dbs[b]), now);
            v.extend(w.live_in(b, &srv.dbs[b], Some(&srv.dbs[a]), now));
            v
        }
        _ => Vec::new(),
    }
}

/// After a successful write: touches the watched keys it wrote and signals them to blocked
/// clients (Redis's `signalModifiedKey` and `signalKeyAsReady`).
pub fn after_write(
    srv: &mut ServerState,
    db: usize,
    cmd: &'static Command,
    args: &Args<'_>,
    reply: &[u8],
    pre: Vec<(usize, Vec<u8>)>,
    effect: crate::server::WriteEffect,
) {
    if srv.watches.is_empty() && srv.blocking.waiters.is_empty() {
        return;
    }
    if crate::persist::propagate::no_change(cmd.name, args, reply) {
        return;
    }
    for (d, k) in pre {
        srv.watches.dirty_all(d, &k);
    }
    match cmd.name {
        "swapdb" => {
            for i in [1, 2] {
                if let Some(d) = crate::util::parse_i64(args.get(i)) {
                    srv.blocking.signal_db(d as usize);
                }
            }
        }
        "move" => {
            if let Some(d) = crate::util::parse_i64(args.get(2))
                .and_then(|v| usize::try_from(v).ok())
                .filter(|&d| d < srv.dbs.len())
            {
                touch(srv, d, args.get(1));
            }
        }
        _ => {}
    }
    let first_only = effect == crate::server::WriteEffect::FirstKeyOnly;
    for (i, (pos, f)) in crate::command::key_positions(cmd, args)
        .into_iter()
        .enumerate()
    {
        if f & ks::RO == 0 && !(first_only && i > 0) {
            touch(srv, db, args.get(pos));
        }
    }
}

fn touch(srv: &mut ServerState, db: usize, key: &[u8]) {
    if let Some(d) = srv.dbs.get(db) {
        srv.watches.touch(db, key, d);
    }
    srv.blocking.signal(db, key);
}

/// Propagates a write to the AOF; BLMPOP and BZMPOP go out as the pop of what they popped
/// (`LPOP key n`, `ZPOPMAX key n`), as Redis 7.0 writes them.
pub fn propagate(
    srv: &mut ServerState,
    db: usize,
    cmd: &'static Command,
    args: &Args<'_>,
    reply: &[u8],
    now_ms: i64,
) {
    let sides: (&[u8], &[u8]) = match cmd.name {
        "blmpop" => (b"left", b"right"),
        "bzmpop" => (b"min", b"max"),
        _ => return crate::persist::aof::propagate(srv, db, cmd.name, args, reply, now_ms),
    };
    let Ok((_, _, first, _)) = mpop_options(args, sides) else {
        return;
    };
    let Some((key, n)) = mpop_reply(reply) else {
        return;
    };
    let (name, verb): (&'static str, &[u8]) = match (cmd.name, first) {
        ("blmpop", true) => ("lpop", b"LPOP"),
        ("blmpop", false) => ("rpop", b"RPOP"),
        (_, true) => ("zpopmin", b"ZPOPMIN"),
        (_, false) => ("zpopmax", b"ZPOPMAX"),
    };
    let count = n.to_string();
    let buf = [verb, key, count.as_bytes()].concat();
    let spans = [
        (0, verb.len()),
        (verb.len(), verb.len() + key.len()),
        (verb.len() + key.len(), buf.len()),
    ];
    crate::persist::aof::propagate(srv, db, name, &Args::new(&buf, &spans), reply, now_ms);
}

/// The key and element count of an MPOP reply (`*2 $key *n ...`).
fn mpop_reply(reply: &[u8]) -> Option<(&[u8], usize)> {
    let rest = reply.strip_prefix(b"*2\r\n$")?;
    let nl = memchr::memchr(b'\r', rest)?;
    let klen: usize = std::str::from_utf8(&rest[..nl]).ok()?.parse().ok()?;
    let key = rest.get(nl + 2..nl + 2 + klen)?;
    let rest = rest.get(nl + 2 + klen + 2..)?.strip_prefix(b"*")?;
    let nl = memchr::memchr(b'\r', rest)?;
    let n = std::str::from_utf8(&rest[..nl]).ok()?.parse().ok()?;
    Some((key, n))
}

// ---------------------------------------------------------------------------------------------
// Serving

/// Serves the clients blocked on every ready key (Redis's `handleClientsBlockedOnKeys`), until
/// no key is left ready (serving a BLMOVE can make its destination ready).
pub fn handle_ready(srv: &mut ServerState) {
    while let Some((db, key)) = srv.blocking.ready.pop_front() {
        let Some(queue) = srv.blocking.waiters.get(&(db, key.clone())) else {
            continue;
        };
        let ids: Vec<u64> = queue.iter().copied().collect();
        for id in ids {
            let Some(b) = srv.blocking.clients.get(&id) else {
                continue;
            };
            let kind_now = srv
                .dbs
                .get(db)
                .and_then(|d| d.entry_ref(&key))
                .map(|e| match e.value {
                    Value::List(_) => Some(Kind::List),
                    Value::ZSet(_) => Some(Kind::ZSet),
                    _ => None,
                });
            match kind_now {
                // Gone (or emptied): nobody else can be served from this key.
                None => break,
                // Another type: clients waiting for it are skipped, they keep waiting.
                Some(k) if k != Some(b.kind) => continue,
                Some(_) => {}
            }
            let (token, serve, argv, cmd) = (b.token, b.serve, b.argv.clone(), b.cmd);
            let Some(mut c) = srv.clients.get_mut(token).and_then(|s| s.take()) else {
                continue;
            };
            if c.state.close_asap {
                // Killed (CLIENT KILL) and about to be freed: nothing is popped for it.
                if let Some(slot) = srv.clients.get_mut(token) {
                    *slot = Some(c);
                }
                continue;
            }
            let args = argv.args();
            let mark = c.reply.mark();
            let now_ms = crate::util::now_ms();
            let res = {
                let mut ctx = Ctx {
                    srv: &mut *srv,
                    client: &mut c.state,
                    out: &mut c.reply,
                    now_ms,
                };
                serve(&mut ctx, &args, &key)
            };
            match res {
                Ok(false) => {}
                Ok(true) => {
                    let b = srv.blocking.remove(id);
                    let reply = c.reply.buf.get(mark..).unwrap_or(&[]).to_vec();
                    touch(srv, db, &key);
                    if matches!(cmd.name, "blmove" | "brpoplpush") {
                        touch(srv, db, args.get(2));
                    }
                    srv.stats.dirty += srv.dirty_n.take().unwrap_or(1);
                    crate::persist::propagate::take_expired(srv);
                    if matches!(cmd.name, "blmove") {
                        // Served BLMOVE goes out with Redis's own lowercase sides.
                        let (from, to) = (
                            side(&args[3]).unwrap_or(true),
                            side(&args[4]).unwrap_or(true),
                        );
                        let lr = |s: bool| -> &'static [u8] { if s { b"left" } else { b"right" } };
                        let v: [&[u8]; 5] = [b"LMOVE", &args[1], &args[2], lr(from), lr(to)];
                        let buf: Vec<u8> = v.concat();
                        let mut spans = Vec::with_capacity(5);
                        let mut at = 0;
                        for p in v {
                            spans.push((at, at + p.len()));
                            at += p.len();
                        }
                        let moved = Args::new(&buf, &spans);
                        crate::persist::aof::propagate(srv, db, "lmove", &moved, &reply, now_ms);
                    } else {
                        propagate(srv, db, cmd, &args, &reply, now_ms);
                    }
                    // Each served client is an execution unit of its own.
                    crate::persist::propagate::flush(srv, false);
                    finish(srv, &mut c.state, b, false, None);
                }
                Err(e) => {
                    let b = srv.blocking.remove(id);
                    c.reply.error(e.text());
                    finish(srv, &mut c.state, b, false, Some(e.text()));
                }
            }
            if c.state.reply_mode == crate::client::ReplyMode::Off {
                c.reply.truncate(mark);
            }
            if let Some(slot) = srv.clients.get_mut(token) {
                *slot = Some(c);
            }
        }
    }
}

/// Ends a client's wait; the client is queued to resume its input. The call was counted when
/// it blocked; Redis 7.0 counts it failed again if it ends with an error or by CLIENT UNBLOCK.
fn finish(
    srv: &mut ServerState,
    client: &mut crate::client::ClientState,
    b: Option<Blocked>,
    failed: bool,
    error: Option<&[u8]>,
) {
    client.blocked = false;
    let Some(b) = b else {
        return;
    };
    if failed || error.is_some() {
        crate::command::count_failed(srv, b.cmd, error);
    }
    srv.blocking.resume.push_back((b.token, client.id));
}

/// How a wait ends without data.
enum End<'a> {
    Timeout,
    /// CLIENT UNBLOCK ... TIMEOUT.
    Unblocked,
    Error(&'a [u8]),
}

/// Ends the wait of blocked client `id` with a timeout reply or an error.
fn end_wait(srv: &mut ServerState, id: u64, how: End<'_>) -> bool {
    let Some(b) = srv.blocking.remove(id) else {
        return false;
    };
    let Some(mut c) = srv.clients.get_mut(b.token).and_then(|s| s.take()) else {
        return false;
    };
    let token = b.token;
    let mark = c.reply.mark();
    let err = match how {
        // Every blocking command times out with a null array, BLMOVE too (Redis 7.0).
        End::Timeout | End::Unblocked => {
            c.reply.null_array();
            None
        }
        End::Error(e) => {
            c.reply.error(e);
            Some(e)
        }
    };
    let failed = !matches!(how, End::Timeout);
    finish(srv, &mut c.state, Some(b), failed, err);
    if c.state.reply_mode == crate::client::ReplyMode::Off {
        c.reply.truncate(mark);
    }
    if let Some(slot) = srv.clients.get_mut(token) {
        *slot = Some(c);
    }
    true
}

/// Replies a timeout to every blocked client whose deadline passed.
pub fn expire_timeouts(srv: &mut ServerState, now_ms: i64) {
    while let Some(&(t, id)) = srv.blocking.timeouts.first() {
        if t > now_ms {
            break;
        }
        srv.blocking.timeouts.pop_first();
        end_wait(srv, id, End::Timeout);
    }
}

/// CLIENT UNBLOCK: ends the wait of client `id` as a timeout or with the UNBLOCKED error.
/// False when that client is not blocked.
pub fn client_unblock(srv: &mut ServerState, id: u64, error: bool) -> bool {
    let how = match error {
        true => End::Error(b"UNBLOCKED client unblocked via CLIENT UNBLOCK"),
        false => End::Unblocked,
    };
    end_wait(srv, id, how) || crate::replication::unblock_waiter(srv, id, error)
}

// ---------------------------------------------------------------------------------------------
// Blocking

/// Parses a timeout in seconds (decimals allowed) into an absolute Unix ms deadline, 0 for
/// none (Redis 7.0's `getTimeoutFromObjectOrReply` with `UNIT_SECONDS`: the seconds times 1000
/// in long double, rounded up; a sub-millisecond positive timeout is 1 ms).
fn parse_timeout(s: &[u8], now_ms: i64) -> Result<i64, CmdError> {
    let ms = crate::ldouble::timeout_ms(s)
        .ok_or(CmdError::msg("ERR timeout is not a float or out of range"))?;
    if ms < 0 {
        return Err(CmdError::msg("ERR timeout is negative"));
    }
    Ok(if ms == 0 {
        0
    } else {
        ms.saturating_add(now_ms)
    })
}

/// What a blocking command waits for.
struct Wait<'a> {
    keys: &'a [&'a [u8]],
    deadline: i64,
    kind: Kind,
    /// Reply when it may not block (inside EXEC): null array, or null bulk for BLMOVE.
    null_array: bool,
    serve: ServeFn,
}

/// The common body of the blocking commands: tries `keys` in order, then blocks (or, inside
/// MULTI/EXEC and for the AOF loader, replies the timeout's null at once).
fn pop_or_block(ctx: &mut Ctx<'_>, args: &Args<'_>, w: Wait<'_>) -> CmdResult {
    for key in w.keys {
        if (w.serve)(ctx, args, key)? {
            return Ok(());
        }
    }
    let cmd = ctx.srv.commands.lookup(args.get(0));
    let Some(cmd) = cmd.filter(|_| !ctx.client.deny_blocking && ctx.client.id != 0) else {
        if w.null_array {
            ctx.out.null_array();
        } else {
            ctx.out.null();
        }
        return Ok(());
    };
    let id = ctx.client.id;
    let db = ctx.client.db;
    let bl = &mut ctx.srv.blocking;
    let mut keys: Vec<Vec<u8>> = Vec::with_capacity(w.keys.len());
    for k in w.keys {
        if keys.iter().any(|x| x == k) {
            continue;
        }
        keys.push(k.to_vec());
        bl.waiters
            .entry((db, k.to_vec()))
            .or_default()
            .push_back(id);
    }
    if w.deadline > 0 {
        bl.timeouts.insert((w.deadline, id));
    }
    bl.clients.insert(
        id,
        Blocked {
            token: ctx.client.token,
            db,
            keys,
            deadline: w.deadline,
            cmd,
            argv: OwnedArgs::new(args),
            serve: w.serve,
            kind: w.kind,
        },
    );
    ctx.client.blocked = true;
    Ok(())
}

fn serve_list_pop(ctx: &mut Ctx<'_>, key: &[u8], front: bool) -> Result<bool, CmdError> {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_write(key, now) else {
        return Ok(false);
    };
    let l = e.as_list_mut()?;
    let Some(v) = l.pop(front) else {
        return Ok(false);
    };
    let empty = l.is_empty();
    out.array(2);
    out.bulk(key);
    out.bulk(&v);
    if empty {
        db.remove(key);
    }
    Ok(true)
}

fn serve_lpop(ctx: &mut Ctx<'_>, _args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    serve_list_pop(ctx, key, true)
}

fn serve_rpop(ctx: &mut Ctx<'_>, _args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    serve_list_pop(ctx, key, false)
}

/// BLPOP/BRPOP key [key ...] timeout.
fn bpop(ctx: &mut Ctx<'_>, args: &Args<'_>, serve: ServeFn) -> CmdResult {
    let deadline = parse_timeout(args.get(args.len() - 1), ctx.now_ms)?;
    let keys: Vec<&[u8]> = args.iter_from(1).take(args.len() - 2).collect();
    pop_or_block(
        ctx,
        args,
        Wait {
            keys: &keys,
            deadline,
            kind: Kind::List,
            null_array: true,
            serve,
        },
    )
}

fn blpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bpop(ctx, args, serve_lpop)
}

fn brpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bpop(ctx, args, serve_rpop)
}

/// LEFT/RIGHT (true for LEFT).
fn side(s: &[u8]) -> Result<bool, CmdError> {
    if s.eq_ignore_ascii_case(b"left") {
        Ok(true)
    } else if s.eq_ignore_ascii_case(b"right") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Moves from `src` to the destination `args[2]`; BRPOPLPUSH has no side arguments.
fn serve_move(ctx: &mut Ctx<'_>, args: &Args<'_>, src: &[u8]) -> Result<bool, CmdError> {
    let (from, to) = match args.len() {
        6 => (side(&args[3])?, side(&args[4])?),
        _ => (false, true),
    };
    let now = ctx.now_ms;
    let opts = (
        crate::db::list::DEFAULT_FILL,
        crate::db::list::DEFAULT_COMPRESS_DEPTH,
    );
    let (db, out) = ctx.db_out();
    match move_element(db, now, opts, src, &args[2], from, to)? {
        Some(v) => {
            out.bulk(&v);
            Ok(true)
        }
        None => Ok(false),
    }
}

fn bmove(ctx: &mut Ctx<'_>, args: &Args<'_>, timeout_idx: usize) -> CmdResult {
    if args.len() == 6 {
        side(&args[3])?;
        side(&args[4])?;
    }
    let deadline = parse_timeout(&args[timeout_idx], ctx.now_ms)?;
    pop_or_block(
        ctx,
        args,
        Wait {
            keys: &[&args[1]],
            deadline,
            kind: Kind::List,
            null_array: false,
            serve: serve_move,
        },
    )
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
fn blmove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bmove(ctx, args, 5)
}

/// BRPOPLPUSH source destination timeout.
fn brpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bmove(ctx, args, 3)
}

/// The options of BLMPOP/BZMPOP after the timeout: `numkeys key... WHERE [COUNT n]`, giving
/// the key range, the side (true for LEFT/MIN) and the count.
fn mpop_options(
    args: &Args<'_>,
    sides: (&[u8], &[u8]),
) -> Result<(usize, usize, bool, i64), CmdError> {
    let numkeys = match crate::util::parse_i64(&args[2]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg("ERR numkeys should be greater than 0")),
    };
    let where_idx = match numkeys.checked_add(3) {
        Some(w) if w < args.len() as u64 => w as usize,
        _ => return Err(CmdError::Syntax),
    };
    let w = &args[where_idx];
    let first = if w.eq_ignore_ascii_case(sides.0) {
        true
    } else if w.eq_ignore_ascii_case(sides.1) {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = None;
    let mut i = where_idx + 1;
    while i < args.len() {
        if count.is_none() && i + 1 < args.len() && args[i].eq_ignore_ascii_case(b"count") {
            match crate::util::parse_i64(&args[i + 1]) {
                Some(c) if c >= 1 => count = Some(c),
                _ => return Err(CmdError::msg("ERR count should be greater than 0")),
            }
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok((3, where_idx, first, count.unwrap_or(1)))
}

fn serve_lmpop(ctx: &mut Ctx<'_>, args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    let (_, _, front, count) = mpop_options(args, (b"left", b"right"))?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let popped = pop_first(db, now, std::iter::once(key), front, count as usize, out)?;
    if let Some(n) = popped {
        ctx.changes(n as u64);
    }
    Ok(popped.is_some())
}

/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count].
fn blmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (first, end, _, _) = mpop_options(args, (b"left", b"right"))?;
    let deadline = parse_timeout(&args[1], ctx.now_ms)?;
    let keys: Vec<&[u8]> = (first..end).map(|i| &args[i]).collect();
    pop_or_block(
        ctx,
        args,
        Wait {
            keys: &keys,
            deadline,
            kind: Kind::List,
            null_array: true,
            serve: serve_lmpop,
        },
    )
}

fn serve_zpopmin(ctx: &mut Ctx<'_>, _args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    crate::commands::zset::bzpop_key(ctx, key, false)
}

fn serve_zpopmax(ctx: &mut Ctx<'_>, _args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    crate::commands::zset::bzpop_key(ctx, key, true)
}

/// BZPOPMIN/BZPOPMAX key [key ...] timeout.
fn bzpop(ctx: &mut Ctx<'_>, args: &Args<'_>, serve: ServeFn) -> CmdResult {
    let deadline = parse_timeout(args.get(args.len() - 1), ctx.now_ms)?;
    let keys: Vec<&[u8]> = args.iter_from(1).take(args.len() - 2).collect();
    pop_or_block(
        ctx,
        args,
        Wait {
            keys: &keys,
            deadline,
            kind: Kind::ZSet,
            null_array: true,
            serve,
        },
    )
}

fn bzpopmin(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bzpop(ctx, args, serve_zpopmin)
}

fn bzpopmax(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bzpop(ctx, args, serve_zpopmax)
}

fn serve_zmpop(ctx: &mut Ctx<'_>, args: &Args<'_>, key: &[u8]) -> Result<bool, CmdError> {
    let (_, _, min, count) = mpop_options(args, (b"min", b"max"))?;
    crate::commands::zset::bzmpop_key(ctx, key, !min, count)
}

/// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
fn bzmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (first, end, _, _) = mpop_options(args, (b"min", b"max"))?;
    let deadline = parse_timeout(&args[1], ctx.now_ms)?;
    let keys: Vec<&[u8]> = (first..end).map(|i| &args[i]).collect();
    pop_or_block(
        ctx,
        args,
        Wait {
            keys: &keys,
            deadline,
            kind: Kind::ZSet,
            null_array: true,
            serve: serve_zmpop,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// CLIENT PAUSE

/// CLIENT PAUSE state: until when, what, and the clients held back in arrival order.
#[derive(Default)]
pub struct Pause {
    active: bool,
    end_ms: i64,
    all: bool,
    parked: Vec<(usize, u64)>,
}

impl Pause {
    /// Whether `cmd` from `client` must wait (Redis's `processCommand` pause check): every
    /// command under ALL; writes, may-replicate commands and an EXEC of such under WRITE.
    pub fn postpones(
        &self,
        cmd: &Command,
        client: &crate::client::ClientState,
        now_ms: i64,
    ) -> bool {
        if !self.active || now_ms >= self.end_ms || client.id == 0 {
            return false;
        }
        const W: u32 = flags::WRITE | flags::MAY_REPLICATE;
        self.all
            || cmd.flags & W != 0
            || (cmd.name == "exec"
                && client
                    .multi
                    .as_ref()
                    .is_some_and(|m| m.cmds.iter().any(|(c, _)| c.flags & W != 0)))
    }

    /// Writes (and so expiry) are paused now.
    pub fn pauses_writes(&self, now_ms: i64) -> bool {
        self.active && now_ms < self.end_ms
    }

    /// Holds client `(token, id)` until the pause ends.
    pub fn park(&mut self, token: usize, id: u64) {
        // More input from a held client tries its command again: keep its first place.
        if !self.parked.iter().any(|p| p.1 == id) {
            self.parked.push((token, id));
        }
    }

    /// When the pause ends (Unix ms), if one is on.
    pub fn end(&self) -> Option<i64> {
        self.active.then_some(self.end_ms)
    }

    /// Starts or changes the pause: the new mode replaces the old, the later end wins (as
    /// Redis 7.0's `pauseClients`).
    pub fn start(&mut self, end_ms: i64, all: bool) {
        self.all = all;
        self.end_ms = if self.active {
            self.end_ms.max(end_ms)
        } else {
            end_ms
        };
        self.active = true;
    }

    /// Clients held back (they count as blocked in INFO).
    pub fn parked_count(&self) -> usize {
        self.parked.len()
    }

    /// A client disconnected.
    pub fn client_gone(&mut self, id: u64) {
        self.parked.retain(|p| p.1 != id);
    }
}

/// Ends the pause (CLIENT UNPAUSE, or its time ran out): held clients resume in order.
pub fn unpause(srv: &mut ServerState) {
    srv.pause.active = false;
    srv.pause.all = false;
    let parked = std::mem::take(&mut srv.pause.parked);
    srv.blocking.resume.extend(parked);
}

/// Ends the pause if its time is up.
pub fn check_pause(srv: &mut ServerState, now_ms: i64) {
    if srv.pause.active && now_ms >= srv.pause.end_ms {
        unpause(srv);
    }
}

// ---------------------------------------------------------------------------------------------
// Command table

const LIST_POP_KEYS: &[KeySpec] = &[KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, -2, 1)];
const MOVE_KEYS: &[KeySpec] = &[
    KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1),
    KeySpec::range(ks::RW | ks::INSERT, 2, 0, 1),
];
const MPOP_KEYS: &[KeySpec] = &[KeySpec {
    notes: "",
    flags: ks::RW | ks::ACCESS | ks::DELETE,
    begin: crate::command::BeginSearch::Index(2),
    find: crate::command::FindKeys::Keynum {
        keynumidx: 0,
        firstkey: 1,
        keystep: 1,
    },
}];

const BPOP_FLAGS: u32 = flags::WRITE | flags::NOSCRIPT | flags::BLOCKING;
const LIST_ACL: u32 = acl::WRITE | acl::LIST | acl::SLOW | acl::BLOCKING;
const ZSET_ACL: u32 = acl::WRITE | acl::SORTEDSET | acl::FAST | acl::BLOCKING;
const O_KEYS: &str = "O(N) where N is the number of provided keys.";
const MOVE_SUMMARY: &str = "Pop an element from a list, push it to another list and return it; or block until one is available";
const O_BZPOP: &str = "O(log(N)) with N being the number of elements in the sorted set.";

pub static COMMANDS: [Command; 8] = [
    Command {
        flags: BPOP_FLAGS,
        acl: LIST_ACL,
        first_key: 1,
        last_key: -2,
        step: 1,
        key_specs: LIST_POP_KEYS,
        group: "list",
        since: "2.0.0",
        summary: "Remove and get the first element in a list, or block until one is available",
        complexity: O_KEYS,
        ..Command::new("blpop", -3, blpop)
    },
    Command {
        flags: BPOP_FLAGS,
        acl: LIST_ACL,
        first_key: 1,
        last_key: -2,
        step: 1,
        key_specs: LIST_POP_KEYS,
        group: "list",
        since: "2.0.0",
        summary: "Remove and get the last element in a list, or block until one is available",
        complexity: O_KEYS,
        ..Command::new("brpop", -3, brpop)
    },
    Command {
        flags: BPOP_FLAGS | flags::DENYOOM,
        acl: LIST_ACL,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: MOVE_KEYS,
        group: "list",
        since: "6.2.0",
        summary: MOVE_SUMMARY,
        complexity: "O(1)",
        ..Command::new("blmove", 6, blmove)
    },
    Command {
        flags: BPOP_FLAGS | flags::DENYOOM,
        acl: LIST_ACL,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: MOVE_KEYS,
        group: "list",
        since: "2.2.0",
        summary: MOVE_SUMMARY,
        complexity: "O(1)",
        ..Command::new("brpoplpush", 4, brpoplpush)
    },
    Command {
        flags: flags::WRITE | flags::BLOCKING | flags::MOVABLE_KEYS,
        acl: LIST_ACL,
        key_specs: MPOP_KEYS,
        group: "list",
        since: "7.0.0",
        summary: "Pop elements from a list, or block until one is available",
        complexity: "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
        ..Command::new("blmpop", -5, blmpop)
    },
    Command {
        flags: BPOP_FLAGS | flags::FAST,
        acl: ZSET_ACL,
        first_key: 1,
        last_key: -2,
        step: 1,
        key_specs: LIST_POP_KEYS,
        group: "sorted-set",
        since: "5.0.0",
        summary: "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available",
        complexity: O_BZPOP,
        ..Command::new("bzpopmin", -3, bzpopmin)
    },
    Command {
        flags: BPOP_FLAGS | flags::FAST,
        acl: ZSET_ACL,
        first_key: 1,
        last_key: -2,
        step: 1,
        key_specs: LIST_POP_KEYS,
        group: "sorted-set",
        since: "5.0.0",
        summary: "Remove and return the member with the highest score from one or more sorted sets, or block until one is available",
        complexity: O_BZPOP,
        ..Command::new("bzpopmax", -3, bzpopmax)
    },
    Command {
        flags: flags::WRITE | flags::BLOCKING | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW | acl::BLOCKING,
        key_specs: MPOP_KEYS,
        group: "sorted-set",
        since: "7.0.0",
        summary: "Remove and return members with scores in a sorted set or block until one is available",
        complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        ..Command::new("bzmpop", -5, bzmpop)
    },
];

// ---------------------------------------------------------------------------------------------
// Clients blocked elsewhere (added by the replication work: WAIT)

impl Blocking {
    /// Queues a client whose wait ended outside this module for the event loop to resume.
    pub fn resume_later(&mut self, token: usize, id: u64) {
        self.resume.push_back((token, id));
    }
}
