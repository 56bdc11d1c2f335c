//! How executed write commands reach the AOF and the replicas: the RESP encoding, the
//! rewrites Redis 7.0 applies when it propagates them (relative expiries made absolute,
//! `GETDEL` as `DEL`, `INCRBYFLOAT` as `SET ... KEEPTTL`, random pops as the removal of what
//! was popped), which replies mean nothing changed (so nothing is written), and the grouping
//! of one execution unit's commands (Redis's `also_propagate`).
//!
//! Commands propagated while a command runs (its own, the `DEL`s of keys it found expired,
//! those of the commands an EXEC runs) collect in a [`Unit`]; [`flush`] hands them to each
//! consumer once the unit ends, wrapped in MULTI/EXEC when there is more than one, each
//! consumer (AOF, replication stream) with its own SELECT state. Nothing is collected when
//! there is no consumer.

use std::sync::atomic::Ordering::Relaxed;

use crate::resp::Args;
use crate::server::ServerState;

/// Commands of one execution unit waiting to be propagated: their RESP bytes and, per
/// command, its database and where its bytes end.
#[derive(Default, Debug)]
pub struct Unit {
    buf: Vec<u8>,
    ops: Vec<(usize, usize)>,
}

impl Unit {
    /// Adds the command `f` writes (nothing if it returns false) in database `db`.
    pub fn push(&mut self, db: usize, f: impl FnOnce(&mut Vec<u8>) -> bool) {
        let start = self.buf.len();
        if f(&mut self.buf) {
            self.ops.push((db, self.buf.len()));
        } else {
            self.buf.truncate(start);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Whether anything consumes propagated commands: an AOF being appended to, or a replication
/// backlog (replicas attached).
pub fn has_consumer(srv: &ServerState) -> bool {
    super::aof::accepting(srv) || srv.repl.backlog.is_some()
}

/// Appends a SELECT when `db` is not the consumer's selected database.
fn select(out: &mut Vec<u8>, selected: &mut Option<usize>, db: usize) {
    if *selected != Some(db) {
        let mut tmp = [0u8; 20];
        let d = crate::resp::reply::fmt_int(db as i64, &mut tmp);
        push_cmd(out, &[b"SELECT", d]);
        *selected = Some(db);
    }
}

/// Writes a unit to one consumer. As Redis, MULTI takes the first command's database (so
/// its SELECT comes before MULTI) and EXEC the last one's.
fn emit(unit: &Unit, txn: bool, out: &mut Vec<u8>, selected: &mut Option<usize>) {
    let mut start = 0;
    for (i, &(db, end)) in unit.ops.iter().enumerate() {
        select(out, selected, db);
        if i == 0 && txn {
            out.extend_from_slice(b"*1\r\n$5\r\nMULTI\r\n");
        }
        out.extend_from_slice(&unit.buf[start..end]);
        start = end;
    }
    if txn {
        out.extend_from_slice(b"*1\r\n$4\r\nEXEC\r\n");
    }
}

/// Ends an execution unit (Redis's `propagatePendingCommands`): its commands go to the AOF
/// and the replication stream, in MULTI/EXEC when there are several and `no_multi` is false
/// (the active expire cycle, RANDOMKEY and SCAN propagate their DELs one by one).
pub fn flush(srv: &mut ServerState, no_multi: bool) {
    if srv.repl.unit.ops.is_empty() {
        return;
    }
    let mut unit = std::mem::take(&mut srv.repl.unit);
    let txn = unit.ops.len() > 1 && !no_multi;
    if super::aof::accepting(srv) {
        let aof = &mut srv.persist.aof;
        emit(&unit, txn, &mut aof.pending, &mut aof.selected_db);
    }
    if srv.repl.backlog.is_some() {
        let r = &mut srv.repl;
        let before = r.pending.len();
        emit(&unit, txn, &mut r.pending, &mut r.selected_db);
        r.produced(before);
    }
    unit.buf.clear();
    unit.ops.clear();
    srv.repl.unit = unit;
}

/// Adds a `DEL` (or `UNLINK` under `lazyfree-lazy-expire`) to the unit for every key that
/// expired since the last call, in its database (Redis's `propagateDeletion`).
#[inline]
/// Propagates the deletion of `key` in `db` made by the server itself (eviction), as DEL or,
/// when the `lazy` directive is yes, UNLINK, written out at once outside any transaction.
pub fn deletion(srv: &mut ServerState, db: usize, key: &[u8], lazy: &str) {
    if !has_consumer(srv) {
        return;
    }
    let verb: &[u8] = if srv.config.val(lazy) == "yes" {
        b"UNLINK"
    } else {
        b"DEL"
    };
    srv.repl.unit.push(db, |b| {
        push_cmd(b, &[verb, key]);
        true
    });
    flush(srv, true);
}

pub fn take_expired(srv: &mut ServerState) {
    if crate::db::EXPIRED_LOGGED.load(Relaxed) {
        take_expired_slow(srv);
    }
}

#[cold]
fn take_expired_slow(srv: &mut ServerState) {
    crate::db::EXPIRED_LOGGED.store(false, Relaxed);
    let consumer = has_consumer(srv);
    let lazy = consumer && srv.config.val("lazyfree-lazy-expire") == "yes";
    let verb: &[u8] = if lazy { b"UNLINK" } else { b"DEL" };
    for i in 0..srv.dbs.len() {
        let keys = srv.dbs[i].take_expired_log();
        if consumer {
            for k in keys {
                srv.repl.unit.push(i, |b| {
                    push_cmd(b, &[verb, &k]);
                    true
                });
            }
        }
    }
    crate::db::set_track_expired(consumer);
}

/// Before the event loop writes: keys expired outside any command go out, one by one.
pub fn before_sleep(srv: &mut ServerState) {
    take_expired(srv);
    flush(srv, true);
}

/// Appends one RESP bulk string.
fn push_bulk(out: &mut Vec<u8>, a: &[u8]) {
    out.push(b'$');
    crate::resp::reply::push_int(out, a.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(a);
    out.extend_from_slice(b"\r\n");
}

/// Appends `args` as a RESP multibulk (one command as the AOF stores it).
pub(super) fn push_cmd(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.push(b'*');
    crate::resp::reply::push_int(out, args.len() as i64);
    out.extend_from_slice(b"\r\n");
    for a in args {
        push_bulk(out, a);
    }
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// The bulk string of a reply (`$3\r\nabc\r\n`), for commands propagated with their result.
fn reply_bulk(reply: &[u8]) -> Option<&[u8]> {
    let rest = reply.strip_prefix(b"$")?;
    let nl = memchr::memchr(b'\n', rest)?;
    let n: usize = std::str::from_utf8(rest.get(..nl.checked_sub(1)?)?)
        .ok()?
        .parse()
        .ok()?;
    rest.get(nl + 1..nl + 1 + n)
}

/// The bulk strings of an array or set reply (`*2\r\n$1\r\na\r\n...`), or of a single bulk.
fn reply_items(reply: &[u8]) -> Option<Vec<&[u8]>> {
    if reply.first() == Some(&b'$') {
        return Some(vec![reply_bulk(reply)?]);
    }
    if !matches!(reply.first(), Some(b'*' | b'~')) {
        return None;
    }
    let nl = memchr::memchr(b'\n', reply)?;
    let n = crate::util::parse_i64(reply.get(1..nl.checked_sub(1)?)?)?;
    let mut rest = reply.get(nl + 1..)?;
    let mut items = Vec::new();
    for _ in 0..n {
        let item = reply_bulk(rest)?;
        let start = item.as_ptr() as usize - rest.as_ptr() as usize;
        items.push(item);
        rest = rest.get(start + item.len() + 2..)?;
    }
    Some(items)
}

/// The key and element count of an MPOP reply (`*2 $key *n ...`).
fn mpop_reply(reply: &[u8]) -> Option<(&[u8], usize)> {
    let rest = reply.strip_prefix(b"*2\r\n")?;
    let key = reply_bulk(rest)?;
    let start = key.as_ptr() as usize - rest.as_ptr() as usize;
    let rest = rest.get(start + key.len() + 2..)?.strip_prefix(b"*")?;
    let nl = memchr::memchr(b'\r', rest)?;
    let n = std::str::from_utf8(&rest[..nl]).ok()?.parse().ok()?;
    Some((key, n))
}

/// SPOP with a count, as Redis 7.0 propagates it: `DEL key` when the pop emptied the set,
/// otherwise one `SREM key member` per popped member (in the order they were returned).
pub(super) fn spop_count(unit: &mut Unit, db: usize, key: &[u8], gone: bool, reply: &[u8]) {
    let members = reply_items(reply).unwrap_or_default();
    if members.is_empty() {
        return;
    }
    if gone {
        unit.push(db, |b| {
            push_cmd(b, &[b"DEL", key]);
            true
        });
        return;
    }
    for m in members {
        unit.push(db, |b| {
            push_cmd(b, &[b"SREM", key, m]);
            true
        });
    }
}

/// True when a successful write's reply says it changed nothing: Redis neither propagates it
/// nor signals its keys to WATCH and blocked clients.
pub fn no_change(name: &str, args: &Args<'_>, reply: &[u8]) -> bool {
    // Every case below needs one of these replies: most writes are out without a name match.
    if !matches!(
        reply,
        b":0\r\n" | b":-1\r\n" | b"$-1\r\n" | b"_\r\n" | b"*-1\r\n" | b"*0\r\n"
    ) {
        return false;
    }
    let nil = reply == b"$-1\r\n" || reply == b"_\r\n" || reply == b"*-1\r\n";
    match name {
        "del" | "unlink" | "expire" | "pexpire" | "expireat" | "pexpireat" | "persist"
        | "hsetnx" | "hdel" | "msetnx" | "setnx" | "renamenx" | "move" | "srem" | "zrem"
        | "sadd" | "lrem" | "lpushx" | "rpushx" | "smove" | "copy" | "zremrangebyscore"
        | "zremrangebyrank" | "zremrangebylex" => reply == b":0\r\n",
        // -1: no pivot, 0: no list.
        "linsert" => reply == b":-1\r\n" || reply == b":0\r\n",
        // An empty pop (`*0`) changed nothing either.
        "zpopmin" | "zpopmax" => nil || reply == b"*0\r\n",
        // With NX (never updates) or CH (counts updates), 0 is no change; otherwise 0 may
        // hide updated scores.
        "zadd" => {
            nil || (reply == b":0\r\n"
                && args
                    .iter_from(2)
                    .take_while(|a| {
                        ["nx", "xx", "gt", "lt", "ch", "incr"]
                            .iter()
                            .any(|o| eq(a, o))
                    })
                    .any(|a| eq(a, "nx") || eq(a, "ch")))
        }
        "getdel" | "getex" | "lpop" | "rpop" | "spop" | "blpop" | "brpop" | "blmove"
        | "brpoplpush" | "bzpopmin" | "bzpopmax" | "lmove" | "rpoplpush" | "lmpop" | "blmpop"
        | "zmpop" | "bzmpop" => nil,
        "set" => nil && !args.iter_from(3).any(|a| eq(a, "get")),
        _ => false,
    }
}

/// Absolute ms from a relative or absolute expire argument, as the command means it.
fn abs_ms(unit: &[u8], v: &[u8], now_ms: i64) -> Option<i64> {
    let n = crate::util::parse_i64(v)?;
    Some(if eq(unit, "ex") {
        now_ms.checked_add(n.checked_mul(1000)?)?
    } else if eq(unit, "px") {
        now_ms.checked_add(n)?
    } else if eq(unit, "exat") {
        n.checked_mul(1000)?
    } else {
        n
    })
}

/// `DEL`, or `UNLINK` when the lazyfree setting in charge is on.
fn del_verb(lazy: bool) -> &'static [u8] {
    if lazy { b"UNLINK" } else { b"DEL" }
}

/// Builds the RESP form of `args` as Redis 7.0 propagates it into `out`. Returns false when
/// nothing is to be written. `lazy` tells whether a `lazyfree-*` setting is on (asked only
/// when a deletion goes out).
pub(super) fn translate(
    out: &mut Vec<u8>,
    name: &str,
    args: &Args<'_>,
    reply: &[u8],
    now_ms: i64,
    lazy: &dyn Fn(&str) -> bool,
) -> bool {
    let a: Vec<&[u8]> = args.iter_from(0).collect();
    let mut tmp = [0u8; 20];
    let ms = |v: i64, tmp: &mut [u8; 20]| crate::resp::reply::fmt_int(v, tmp).to_vec();
    match name {
        "set" => {
            let mut expire = None;
            let mut has_get = false;
            let mut i = 3;
            while i < a.len() {
                let o = a[i];
                if ["ex", "px", "exat", "pxat"].iter().any(|u| eq(o, u)) && i + 1 < a.len() {
                    expire = abs_ms(o, a[i + 1], now_ms);
                    i += 2;
                    continue;
                }
                has_get |= eq(o, "get");
                i += 1;
            }
            match expire {
                // Any expiry goes out as exactly `SET k v PXAT <ms>` (NX, XX, GET dropped).
                Some(t) => {
                    let m = ms(t, &mut tmp);
                    push_cmd(out, &[b"SET", a[1], a[2], b"PXAT", &m]);
                }
                None if has_get => {
                    let v: Vec<&[u8]> = a
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| *i < 3 || !eq(o, "get"))
                        .map(|(_, o)| *o)
                        .collect();
                    push_cmd(out, &v);
                }
                None => push_cmd(out, &a),
            }
        }
        "setex" | "psetex" => {
            let unit: &[u8] = if name == "setex" { b"ex" } else { b"px" };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            let m = ms(t, &mut tmp);
            push_cmd(out, &[b"SET", a[1], a[3], b"PXAT", &m]);
        }
        // `PEXPIREAT key <ms>` with the command's NX/XX/GT/LT kept (PEXPIREAT itself keeps its
        // name and time as written); a time already past deletes the key: DEL, or UNLINK
        // under lazyfree-lazy-expire.
        "expire" | "pexpire" | "expireat" | "pexpireat" => {
            let unit: &[u8] = match name {
                "expire" => b"ex",
                "pexpire" => b"px",
                "expireat" => b"exat",
                _ => b"pxat",
            };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            if t <= now_ms {
                push_cmd(out, &[del_verb(lazy("lazyfree-lazy-expire")), a[1]]);
            } else {
                let m = ms(t, &mut tmp);
                let mut v: Vec<&[u8]> = a.clone();
                if name != "pexpireat" {
                    v[0] = b"PEXPIREAT";
                    v[2] = &m;
                }
                push_cmd(out, &v);
            }
        }
        "getex" => {
            let Some(o) = a.get(2) else {
                return false;
            };
            if eq(o, "persist") {
                push_cmd(out, &[b"PERSIST", a[1]]);
            } else {
                let Some(t) = a.get(3).and_then(|v| abs_ms(o, v, now_ms)) else {
                    return false;
                };
                if t <= now_ms {
                    push_cmd(out, &[del_verb(lazy("lazyfree-lazy-expire")), a[1]]);
                } else {
                    let m = ms(t, &mut tmp);
                    push_cmd(out, &[b"PEXPIREAT", a[1], &m]);
                }
            }
        }
        // RESTORE with a relative TTL goes out with the absolute time and ABSTTL appended; one
        // already expired goes out as the DEL of the key it replaced (nothing without REPLACE).
        "restore" => {
            let opt = |w: &str| a.iter().skip(4).any(|o| eq(o, w));
            let Some(ttl) = crate::util::parse_i64(a[2]) else {
                return false;
            };
            let absttl = opt("absttl");
            let when = if ttl != 0 && !absttl {
                now_ms.saturating_add(ttl)
            } else {
                ttl
            };
            if when != 0 && when <= now_ms {
                if !opt("replace") {
                    return false;
                }
                push_cmd(out, &[b"DEL", a[1]]);
            } else if ttl != 0 && !absttl {
                let m = ms(when, &mut tmp);
                let mut v = a.clone();
                v[2] = &m;
                v.push(b"ABSTTL");
                push_cmd(out, &v);
            } else {
                push_cmd(out, &a);
            }
        }
        "getset" => {
            let mut v = a.clone();
            v[0] = b"SET";
            push_cmd(out, &v);
        }
        "getdel" => push_cmd(out, &[del_verb(lazy("lazyfree-lazy-user-del")), a[1]]),
        // Random pops go out as the removal of what was popped.
        "spop" => {
            let Some(members) = reply_items(reply) else {
                return false;
            };
            if members.is_empty() {
                return false;
            }
            let mut v: Vec<&[u8]> = vec![b"SREM", a[1]];
            v.extend(members);
            push_cmd(out, &v);
        }
        // Blocking pops served at once go out as their non-blocking forms.
        "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
            let Some(key) = reply_items(reply).and_then(|r| r.first().copied()) else {
                return false;
            };
            let cmd: &[u8] = match name {
                "blpop" => b"LPOP",
                "brpop" => b"RPOP",
                "bzpopmin" => b"ZPOPMIN",
                _ => b"ZPOPMAX",
            };
            push_cmd(out, &[cmd, key]);
        }
        // LMPOP and ZMPOP go out as the pop of what they popped (`LPOP key n`).
        "lmpop" | "zmpop" => {
            let Some(w) = crate::util::parse_i64(args.get(1))
                .and_then(|n| usize::try_from(n).ok())
                .and_then(|n| a.get(n.checked_add(2)?))
            else {
                return false;
            };
            let Some((key, n)) = mpop_reply(reply) else {
                return false;
            };
            let verb: &[u8] = match (name, eq(w, "left") || eq(w, "min")) {
                ("lmpop", true) => b"LPOP",
                ("lmpop", false) => b"RPOP",
                (_, true) => b"ZPOPMIN",
                (_, false) => b"ZPOPMAX",
            };
            let n = ms(n as i64, &mut tmp);
            push_cmd(out, &[verb, key, &n]);
        }
        "brpoplpush" if a.len() == 4 => push_cmd(out, &[b"RPOPLPUSH", a[1], a[2]]),
        "blmove" if a.len() == 6 => push_cmd(out, &[b"LMOVE", a[1], a[2], a[3], a[4]]),
        "incrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"SET", a[1], v, b"KEEPTTL"]);
        }
        "hincrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"HSET", a[1], a[2], v]);
        }
        _ => push_cmd(out, &a),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(argv: &[&[u8]], reply: &[u8], now_ms: i64) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        let mut spans = Vec::new();
        for a in argv {
            let start = buf.len();
            buf.extend_from_slice(a);
            spans.push((start, buf.len()));
        }
        let args = Args::new(&buf, &spans);
        let name = String::from_utf8(argv[0].to_ascii_lowercase()).unwrap();
        let mut out = Vec::new();
        (!no_change(&name, &args, reply)
            && translate(&mut out, &name, &args, reply, now_ms, &|_| false))
        .then_some(out)
    }

    #[test]
    fn propagated_forms() {
        // As Redis 7.0.15 writes them to its AOF, except SPOP with a count: Redis writes
        // `DEL s` when the pop empties the set, ferrokv the equivalent SREM of every member.
        let t = 1_000_000;
        assert_eq!(
            tr(&[b"SET", b"k", b"v", b"EX", b"10"], b"+OK\r\n", t).unwrap(),
            b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$7\r\n1010000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"5"], b":1\r\n", t).unwrap(),
            b"*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$7\r\n1005000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"-1"], b":1\r\n", t).unwrap(),
            b"*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"
        );
        assert_eq!(tr(&[b"del", b"nokey"], b":0\r\n", t), None);
        assert_eq!(
            tr(&[b"set", b"get", b"v", b"get"], b"$-1\r\n", t).unwrap(),
            b"*3\r\n$3\r\nset\r\n$3\r\nget\r\n$1\r\nv\r\n"
        );
        assert_eq!(tr(&[b"set", b"k", b"v", b"nx"], b"$-1\r\n", t), None);
        assert_eq!(
            tr(&[b"spop", b"s", b"2"], b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n", t).unwrap(),
            b"*4\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\na\r\n$2\r\nbc\r\n"
        );
        assert_eq!(
            tr(
                &[b"blpop", b"a", b"b", b"0"],
                b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n",
                t
            )
            .unwrap(),
            b"*2\r\n$4\r\nLPOP\r\n$1\r\nb\r\n"
        );
        assert_eq!(tr(&[b"blpop", b"a", b"1"], b"*-1\r\n", t), None);
        // No-ops Redis does not propagate, and GETSET as SET (recorded from redis-server).
        assert_eq!(
            tr(&[b"linsert", b"l", b"before", b"p", b"x"], b":-1\r\n", t),
            None
        );
        assert_eq!(tr(&[b"zadd", b"z", b"ch", b"1", b"a"], b":0\r\n", t), None);
        assert_eq!(tr(&[b"zpopmin", b"z"], b"*0\r\n", t), None);
        assert!(tr(&[b"zadd", b"z", b"1", b"ch"], b":0\r\n", t).is_some());
        assert_eq!(
            tr(&[b"getset", b"a", b"9"], b"$1\r\n1\r\n", t).unwrap(),
            b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n9\r\n"
        );
        // RESTORE: relative TTLs made absolute with ABSTTL appended, as Redis 7.0.15 writes it.
        assert_eq!(
            tr(&[b"restore", b"k", b"100", b"P"], b"+OK\r\n", t).unwrap(),
            b"*5\r\n$7\r\nrestore\r\n$1\r\nk\r\n$7\r\n1000100\r\n$1\r\nP\r\n$6\r\nABSTTL\r\n"
        );
        assert_eq!(
            tr(
                &[b"restore", b"k", b"2000000", b"P", b"absttl"],
                b"+OK\r\n",
                t
            )
            .unwrap(),
            b"*5\r\n$7\r\nrestore\r\n$1\r\nk\r\n$7\r\n2000000\r\n$1\r\nP\r\n$6\r\nabsttl\r\n"
        );
        assert_eq!(
            tr(&[b"restore", b"k", b"0", b"P"], b"+OK\r\n", t).unwrap(),
            b"*4\r\n$7\r\nrestore\r\n$1\r\nk\r\n$1\r\n0\r\n$1\r\nP\r\n"
        );
        assert_eq!(
            tr(&[b"restore", b"k", b"5", b"P", b"absttl"], b"+OK\r\n", t),
            None
        );
    }
}
