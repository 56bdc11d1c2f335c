//! Transactions (Redis's `multi.c`): MULTI, EXEC, DISCARD, WATCH, UNWATCH, the per-client
//! queue of commands ([`MultiState`]) and the server's table of watched keys ([`Watches`]).
//!
//! Queueing happens in [`crate::command::execute`]: while a client is in MULTI every command
//! but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is checked (existence, arity, no-multi) and queued.
//! A write to a watched key by any client marks the watchers dirty ([`Watches::touch`]), and
//! EXEC then replies a null array. Keys that were live when watched and expired since also
//! make EXEC fail, as Redis 7.0's `isWatchedKeyExpired` and expiry's `signalModifiedKey` do.

use std::collections::HashMap;

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::{Db, NO_EXPIRE};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;

/// A command's arguments copied out of the query buffer (queued or blocked commands).
#[derive(Clone, Default)]
pub struct OwnedArgs {
    buf: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl OwnedArgs {
    pub fn new(args: &Args<'_>) -> Self {
        let mut o = OwnedArgs::default();
        for a in args.iter_from(0) {
            let start = o.buf.len();
            o.buf.extend_from_slice(a);
            o.spans.push((start, o.buf.len()));
        }
        o
    }

    pub fn args(&self) -> Args<'_> {
        Args::new(&self.buf, &self.spans)
    }

    /// What a queued command adds to CLIENT LIST's `multi-mem` in Redis: its argument bytes
    /// plus a pointer per argument.
    pub fn mem(&self) -> usize {
        self.buf.len() + self.spans.len() * 8
    }
}

/// A client's open transaction.
#[derive(Default)]
pub struct MultiState {
    pub cmds: Vec<(&'static Command, OwnedArgs)>,
    /// A command was rejected while queueing: EXEC replies EXECABORT.
    pub dirty_exec: bool,
}

/// One watched key of one client.
struct Watched {
    db: usize,
    key: Vec<u8>,
    /// Present but already expired when watched (Redis's `wk->expired`).
    stale: bool,
    /// Live when watched: expiring or vanishing since makes EXEC fail.
    live: bool,
}

#[derive(Default)]
struct ClientWatch {
    keys: Vec<Watched>,
    /// A watched key was modified (Redis's `CLIENT_DIRTY_CAS`).
    dirty: bool,
}

/// Watched keys of all clients, by key and by client id.
#[derive(Default)]
pub struct Watches {
    by_key: HashMap<(usize, Vec<u8>), Vec<u64>>,
    by_client: HashMap<u64, ClientWatch>,
}

fn live_at(db: &Db, key: &[u8], now: i64) -> bool {
    db.entry_ref(key)
        .is_some_and(|e| e.expire_ms == NO_EXPIRE || e.expire_ms > now)
}

impl Watches {
    /// True when no client watches anything (the common case: nothing to do on writes).
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// A key `id` watches was modified (CLIENT LIST's `d` flag).
    pub fn dirty_flag(&self, id: u64) -> bool {
        self.by_client.get(&id).is_some_and(|c| c.dirty)
    }

    fn watch(&mut self, id: u64, db_idx: usize, key: &[u8], db: &Db, now: i64) {
        let cw = self.by_client.entry(id).or_default();
        if cw.keys.iter().any(|w| w.db == db_idx && w.key == key) {
            return;
        }
        let present = db.entry_ref(key);
        let stale = present.is_some_and(|e| e.expire_ms != NO_EXPIRE && e.expire_ms <= now);
        cw.keys.push(Watched {
            db: db_idx,
            key: key.to_vec(),
            stale,
            live: present.is_some() && !stale,
        });
        self.by_key
            .entry((db_idx, key.to_vec()))
            .or_default()
            .push(id);
    }

    /// Forgets everything `id` watches and its dirty flag.
    pub fn unwatch_all(&mut self, id: u64) {
        let Some(cw) = self.by_client.remove(&id) else {
            return;
        };
        for w in cw.keys {
            let k = (w.db, w.key);
            if let Some(ids) = self.by_key.get_mut(&k) {
                ids.retain(|&c| c != id);
                if ids.is_empty() {
                    self.by_key.remove(&k);
                }
            }
        }
    }

    /// `key` in `db_idx` was modified (Redis's `touchWatchedKey`): its watchers become dirty,
    /// except those that watched it already expired and find it now deleted (no logical change).
    pub fn touch(&mut self, db_idx: usize, key: &[u8], db: &Db) {
        if self.by_key.is_empty() {
            return;
        }
        let Some(ids) = self.by_key.get(&(db_idx, key.to_vec())) else {
            return;
        };
        for id in ids {
            let Some(cw) = self.by_client.get_mut(id) else {
                continue;
            };
            for w in cw.keys.iter_mut() {
                if w.db != db_idx || w.key != key {
                    continue;
                }
                if w.stale && db.entry_ref(key).is_none() {
                    w.stale = false;
                } else {
                    cw.dirty = true;
                }
            }
        }
    }

    /// Watched keys of `db_idx` that are live in `db` or in `other` (FLUSHDB/FLUSHALL/SWAPDB
    /// touch exactly these).
    pub fn live_in(
        &self,
        db_idx: usize,
        db: &Db,
        other: Option<&Db>,
        now: i64,
    ) -> Vec<(usize, Vec<u8>)> {
        self.by_key
            .keys()
            .filter(|(d, k)| {
                *d == db_idx && (live_at(db, k, now) || other.is_some_and(|o| live_at(o, k, now)))
            })
            .cloned()
            .collect()
    }

    /// Marks every watcher of `(db, key)` dirty.
    pub fn dirty_all(&mut self, db_idx: usize, key: &[u8]) {
        if let Some(ids) = self.by_key.get(&(db_idx, key.to_vec())) {
            for id in ids {
                if let Some(cw) = self.by_client.get_mut(id) {
                    cw.dirty = true;
                }
            }
        }
    }

    /// EXEC's check: dirty, or a key live when watched has expired or vanished since.
    fn is_dirty(&self, id: u64, dbs: &[Db], now: i64) -> bool {
        let Some(cw) = self.by_client.get(&id) else {
            return false;
        };
        cw.dirty
            || cw.keys.iter().any(|w| {
                w.live && !w.stale && dbs.get(w.db).is_some_and(|db| !live_at(db, &w.key, now))
            })
    }
}

const TXN_FLAGS: u32 = flags::NOSCRIPT | flags::LOADING | flags::STALE;
const TXN_ACL: u32 = acl::FAST | acl::TRANSACTION;
const WATCH_KEYS: &[KeySpec] = &[KeySpec::range(ks::RO, 1, -1, 1)];

pub static COMMANDS: [Command; 5] = [
    Command {
        flags: TXN_FLAGS | flags::FAST | flags::ALLOW_BUSY,
        acl: TXN_ACL,
        group: "transactions",
        since: "1.2.0",
        summary: "Mark the start of a transaction block",
        complexity: "O(1)",
        ..Command::new("multi", 1, multi)
    },
    Command {
        flags: TXN_FLAGS | flags::SKIP_SLOWLOG,
        acl: acl::SLOW | acl::TRANSACTION,
        group: "transactions",
        since: "1.2.0",
        summary: "Execute all commands issued after MULTI",
        complexity: "Depends on commands in the transaction",
        ..Command::new("exec", 1, exec)
    },
    Command {
        flags: TXN_FLAGS | flags::FAST | flags::ALLOW_BUSY,
        acl: TXN_ACL,
        group: "transactions",
        since: "2.0.0",
        summary: "Discard all commands issued after MULTI",
        complexity: "O(N), when N is the number of queued commands",
        ..Command::new("discard", 1, discard)
    },
    Command {
        flags: TXN_FLAGS | flags::FAST | flags::ALLOW_BUSY,
        acl: TXN_ACL,
        first_key: 1,
        last_key: -1,
        step: 1,
        key_specs: WATCH_KEYS,
        group: "transactions",
        since: "2.2.0",
        summary: "Watch the given keys to determine execution of the MULTI/EXEC block",
        complexity: "O(1) for every key.",
        ..Command::new("watch", -2, watch)
    },
    Command {
        flags: TXN_FLAGS | flags::FAST | flags::ALLOW_BUSY,
        acl: TXN_ACL,
        group: "transactions",
        since: "2.2.0",
        summary: "Forget about all watched keys",
        complexity: "O(1)",
        ..Command::new("unwatch", 1, unwatch)
    },
];

/// Commands run rather than queued inside MULTI.
pub fn runs_in_multi(cmd: &Command) -> bool {
    matches!(
        cmd.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

fn multi(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR MULTI calls can not be nested"));
    }
    ctx.client.multi = Some(Box::default());
    ctx.out.ok();
    Ok(())
}

fn discard(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if ctx.client.multi.is_none() {
        return Err(CmdError::msg("ERR DISCARD without MULTI"));
    }
    discard_transaction(ctx);
    ctx.out.ok();
    Ok(())
}

/// Ends the transaction and forgets the watched keys (Redis's `discardTransaction`).
pub fn discard_transaction(ctx: &mut Ctx<'_>) {
    ctx.client.multi = None;
    ctx.srv.watches.unwatch_all(ctx.client.id);
}

fn exec(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let Some(m) = ctx.client.multi.as_ref() else {
        return Err(CmdError::msg("ERR EXEC without MULTI"));
    };
    let dirty_exec = m.dirty_exec;
    let id = ctx.client.id;
    let dirty_cas = ctx.srv.watches.is_dirty(id, &ctx.srv.dbs, ctx.now_ms);
    if dirty_exec || dirty_cas {
        discard_transaction(ctx);
        if dirty_exec {
            return Err(CmdError::msg(
                "EXECABORT Transaction discarded because of previous errors.",
            ));
        }
        ctx.out.null_array();
        return Ok(());
    }
    ctx.srv.watches.unwatch_all(id);
    let n = m.cmds.len();
    ctx.out.array(n);
    let deny = std::mem::replace(&mut ctx.client.deny_blocking, true);
    ctx.srv.in_exec = true;
    // The transaction stays open while it runs, as CLIENT INFO shows it.
    for i in 0..n {
        let Some((cmd, argv)) = ctx
            .client
            .multi
            .as_ref()
            .and_then(|m| m.cmds.get(i))
            .cloned()
        else {
            break;
        };
        // What the commands propagate joins EXEC's execution unit: more than one command
        // goes out wrapped in MULTI/EXEC (see `persist::propagate::flush`).
        crate::command::call(ctx.srv, ctx.client, ctx.out, cmd, &argv.args());
    }
    ctx.client.deny_blocking = deny;
    ctx.srv.in_exec = false;
    ctx.client.multi = None;
    Ok(())
}

fn watch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::msg("ERR WATCH inside MULTI is not allowed"));
    }
    let id = ctx.client.id;
    let already_dirty = ctx.srv.watches.by_client.get(&id).is_some_and(|c| c.dirty);
    if !already_dirty {
        let dbi = ctx.client.db;
        let now = ctx.now_ms;
        let srv = &mut *ctx.srv;
        let last = srv.dbs.len() - 1;
        let db = &srv.dbs[dbi.min(last)];
        for key in args.iter_from(1) {
            srv.watches.watch(id, dbi, key, db, now);
        }
    }
    ctx.out.ok();
    Ok(())
}

fn unwatch(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.srv.watches.unwatch_all(ctx.client.id);
    ctx.out.ok();
    Ok(())
}
