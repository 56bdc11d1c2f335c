//! Transactions end to end: MULTI/EXEC/DISCARD errors and queueing, per-command errors inside
//! EXEC, EXECABORT, WATCH invalidated by other clients, expiry, FLUSHALL/FLUSHDB/SWAPDB/MOVE/
//! RENAME, RESP3 null forms, commandstats, and the AOF form of an EXEC. Every expected reply was
//! recorded from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `TXN_ORACLE_PORT=<port> cargo test --test multi -- --test-threads=1 --skip aof`
//! (each test flushes that server first).
mod common;
use common::*;
use std::time::Duration;

struct Env {
    _srv: Option<Server>,
    port: u16,
}

impl Env {
    fn conn(&self) -> Conn {
        Conn::new(self.port)
    }
}

fn start() -> (Env, Conn) {
    let env = match std::env::var("TXN_ORACLE_PORT") {
        Ok(p) => Env {
            _srv: None,
            port: p.parse().expect("TXN_ORACLE_PORT"),
        },
        Err(_) => {
            let srv = Server::start(&[]);
            let port = srv.port;
            Env {
                _srv: Some(srv),
                port,
            }
        }
    };
    let mut c = env.conn();
    assert_eq!(c.cmd("FLUSHALL"), b"+OK\r\n");
    (env, c)
}

/// Sends each command and asserts its exact reply.
fn check(c: &mut Conn, steps: &[(&str, &str)]) {
    for (cmd, want) in steps {
        let got = c.cmd(cmd);
        assert_eq!(show(&got), *want, "reply to {cmd}");
    }
}

/// `WATCH key` on `w`, then `touch` on `other`, then MULTI/PING/EXEC on `w`: the EXEC reply.
fn watch_then(env: &Env, w: &mut Conn, key: &str, touch: &[&str]) -> String {
    let mut other = env.conn();
    assert_eq!(w.cmd(&format!("WATCH {key}")), b"+OK\r\n");
    for t in touch {
        other.cmd(t);
    }
    w.cmd("MULTI");
    w.cmd("PING");
    show(&w.cmd("EXEC"))
}

const ABORTED: &str = "*-1\\r\\n";
const RAN: &str = "*1\\r\\n+PONG\\r\\n";

#[test]
fn errors_and_queueing() {
    let (_env, mut c) = start();
    check(
        &mut c,
        &[
            ("EXEC", "-ERR EXEC without MULTI\\r\\n"),
            ("DISCARD", "-ERR DISCARD without MULTI\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("MULTI", "-ERR MULTI calls can not be nested\\r\\n"),
            ("WATCH a", "-ERR WATCH inside MULTI is not allowed\\r\\n"),
            ("SET a 1", "+QUEUED\\r\\n"),
            ("INCR a", "+QUEUED\\r\\n"),
            ("EXEC", "*2\\r\\n+OK\\r\\n:2\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("EXEC", "*0\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            (
                "SET x",
                "-ERR wrong number of arguments for 'set' command\\r\\n",
            ),
            ("DISCARD", "+OK\\r\\n"),
            ("GET a", "$1\\r\\n2\\r\\n"),
            (
                "WATCH",
                "-ERR wrong number of arguments for 'watch' command\\r\\n",
            ),
            ("UNWATCH", "+OK\\r\\n"),
        ],
    );
}

#[test]
fn runtime_errors_are_reported_per_command() {
    let (_env, mut c) = start();
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("SET a x", "+QUEUED\\r\\n"),
            ("INCR a", "+QUEUED\\r\\n"),
            ("LPUSH a 1", "+QUEUED\\r\\n"),
            ("GET a", "+QUEUED\\r\\n"),
            (
                "EXEC",
                "*4\\r\\n+OK\\r\\n-ERR value is not an integer or out of range\\r\\n\
                 -WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n\
                 $1\\r\\nx\\r\\n",
            ),
        ],
    );
}

#[test]
fn queue_time_errors_abort() {
    let (_env, mut c) = start();
    const EXECABORT: &str = "-EXECABORT Transaction discarded because of previous errors.\\r\\n";
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("SET a 1", "+QUEUED\\r\\n"),
            (
                "NOSUCH x y",
                "-ERR unknown command 'NOSUCH', with args beginning with: 'x' 'y' \\r\\n",
            ),
            (
                "GET",
                "-ERR wrong number of arguments for 'get' command\\r\\n",
            ),
            ("INCR a", "+QUEUED\\r\\n"),
            ("EXEC", EXECABORT),
            ("EXISTS a", ":0\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            (
                "SAVE",
                "-ERR Command not allowed inside a transaction\\r\\n",
            ),
            ("EXEC", EXECABORT),
            ("EXEC", "-ERR EXEC without MULTI\\r\\n"),
        ],
    );
}

#[test]
fn blocking_commands_inside_multi_do_not_block() {
    let (_env, mut c) = start();
    check(
        &mut c,
        &[
            ("RPUSH l z", ":1\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("BLPOP none 0", "+QUEUED\\r\\n"),
            ("BLMOVE nosrc d LEFT LEFT 0", "+QUEUED\\r\\n"),
            ("BRPOPLPUSH nosrc d 0", "+QUEUED\\r\\n"),
            ("BZMPOP 0 1 z MIN", "+QUEUED\\r\\n"),
            ("BZPOPMAX z 0", "+QUEUED\\r\\n"),
            ("BLMPOP 0 1 l LEFT", "+QUEUED\\r\\n"),
            (
                "EXEC",
                "*6\\r\\n*-1\\r\\n$-1\\r\\n$-1\\r\\n*-1\\r\\n*-1\\r\\n*2\\r\\n$1\\r\\nl\\r\\n*1\\r\\n$1\\r\\nz\\r\\n",
            ),
        ],
    );
    // RESP3: the null forms become `_`.
    c.cmd("HELLO 3");
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("BLPOP none 0", "+QUEUED\\r\\n"),
            ("BLMOVE nosrc d LEFT LEFT 0", "+QUEUED\\r\\n"),
            ("EXEC", "*2\\r\\n_\\r\\n_\\r\\n"),
        ],
    );
}

#[test]
fn watch_fails_exec_when_another_client_writes() {
    let (env, mut c) = start();
    c.cmd("SET x 30");
    assert_eq!(watch_then(&env, &mut c, "x", &["SET x 40"]), ABORTED);
    // Not touched: runs; and after EXEC nothing is watched any more.
    assert_eq!(watch_then(&env, &mut c, "x", &["GET x"]), RAN);
    let mut other = env.conn();
    other.cmd("SET x 50");
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("PING", "+QUEUED\\r\\n"),
            ("EXEC", RAN),
        ],
    );
    // The same value written again still counts; a push inside another client's EXEC too.
    assert_eq!(watch_then(&env, &mut c, "x", &["SET x 50"]), ABORTED);
    assert_eq!(
        watch_then(&env, &mut c, "lp", &["MULTI", "LPUSH lp 1", "EXEC"]),
        ABORTED
    );
    // The client's own write counts too.
    check(
        &mut c,
        &[
            ("WATCH self", "+OK\\r\\n"),
            ("SET self 1", "+OK\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("PING", "+QUEUED\\r\\n"),
            ("EXEC", ABORTED),
        ],
    );
    // RESP3 null.
    c.cmd("HELLO 3");
    assert_eq!(watch_then(&env, &mut c, "x", &["SET x 60"]), "_\\r\\n");
}

#[test]
fn watch_ignores_writes_that_change_nothing() {
    let (env, mut c) = start();
    assert_eq!(watch_then(&env, &mut c, "q", &["DEL q"]), RAN);
    let mut o = env.conn();
    o.cmd("SADD st m");
    assert_eq!(watch_then(&env, &mut c, "st", &["SADD st m"]), RAN);
    assert_eq!(watch_then(&env, &mut c, "st", &["SADD st n"]), ABORTED);
    assert_eq!(watch_then(&env, &mut c, "nonex", &["FLUSHALL"]), RAN);
}

#[test]
fn watch_unwatch_and_discard_clear_the_dirty_flag() {
    let (env, mut c) = start();
    let mut o = env.conn();
    c.cmd("WATCH d1");
    o.cmd("SET d1 1");
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("DISCARD", "+OK\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("PING", "+QUEUED\\r\\n"),
            ("EXEC", RAN),
        ],
    );
    c.cmd("WATCH d2");
    o.cmd("SET d2 1");
    check(
        &mut c,
        &[
            ("UNWATCH", "+OK\\r\\n"),
            ("MULTI", "+OK\\r\\n"),
            ("PING", "+QUEUED\\r\\n"),
            ("EXEC", RAN),
        ],
    );
}

#[test]
fn watch_and_whole_database_commands() {
    let (env, mut c) = start();
    let mut o = env.conn();
    o.cmd("SET w foo");
    assert_eq!(watch_then(&env, &mut c, "w", &["FLUSHALL"]), ABORTED);
    o.cmd("SET w foo");
    assert_eq!(watch_then(&env, &mut c, "w", &["FLUSHDB"]), ABORTED);
    // A flush of another database does not touch it.
    o.cmd("SET w foo");
    assert_eq!(
        watch_then(&env, &mut c, "w", &["SELECT 1", "FLUSHDB", "SELECT 0"]),
        RAN
    );
    // SWAPDB touches a watched key that exists in either database.
    o.cmd("FLUSHALL");
    o.cmd("SELECT 1");
    o.cmd("SET s 1");
    o.cmd("SELECT 0");
    assert_eq!(watch_then(&env, &mut c, "s", &["SWAPDB 0 1"]), ABORTED);
    o.cmd("FLUSHALL");
    assert_eq!(watch_then(&env, &mut c, "s", &["SWAPDB 0 1"]), RAN);
    // MOVE into the watched database, RENAME onto the watched key, EXPIRE of it.
    o.cmd("SET mv v");
    c.cmd("SELECT 1");
    assert_eq!(watch_then(&env, &mut c, "mv", &["MOVE mv 1"]), ABORTED);
    c.cmd("SELECT 0");
    o.cmd("SET r1 v");
    assert_eq!(watch_then(&env, &mut c, "r2", &["RENAME r1 r2"]), ABORTED);
    o.cmd("SET k v");
    assert_eq!(watch_then(&env, &mut c, "k", &["EXPIRE k 100"]), ABORTED);
}

#[test]
fn watched_key_that_expires_fails_exec() {
    let (env, mut c) = start();
    let mut o = env.conn();
    // Live when watched, expired by EXEC time (deleted by another client's read or not).
    c.send(
        &[
            encode(&[b"SET", b"y", b"1", b"PX", b"100"]),
            encode(&[b"WATCH", b"y"]),
        ]
        .concat(),
    );
    assert_eq!(c.read_reply(), b"+OK\r\n");
    assert_eq!(c.read_reply(), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(250));
    assert_eq!(o.cmd("GET y"), b"$-1\r\n");
    check(
        &mut c,
        &[
            ("MULTI", "+OK\\r\\n"),
            ("PING", "+QUEUED\\r\\n"),
            ("EXEC", ABORTED),
        ],
    );
    // Already expired when watched, then deleted: no logical change.
    c.send(&[encode(&[b"SET", b"z", b"1", b"PX", b"1"])].concat());
    assert_eq!(c.read_reply(), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(watch_then(&env, &mut c, "z", &["DEL z"]), RAN);
}

#[test]
fn client_list_shows_the_transaction() {
    let (env, mut c) = start();
    let mut o = env.conn();
    c.cmd("MULTI");
    c.cmd("SET a 1");
    c.cmd("GET a");
    assert_eq!(c.cmd("CLIENT ID"), b"+QUEUED\r\n");
    let list = String::from_utf8(o.cmd("CLIENT LIST")).unwrap();
    let line = list
        .lines()
        .find(|l| l.contains("flags=x"))
        .expect("a client in MULTI");
    assert!(line.contains(" multi=3 "), "{line}");
    assert!(line.contains(" multi-mem=73 "), "{line}");
    assert!(line.contains(" cmd=client|id "), "{line}");
    // Inside EXEC the client still shows its transaction and EXEC as its command.
    assert_eq!(c.cmd("CLIENT INFO"), b"+QUEUED\r\n");
    let r = String::from_utf8(c.cmd("EXEC")).unwrap();
    assert!(r.contains(" flags=x ") && r.contains(" multi=4 "), "{r}");
    assert!(r.contains(" cmd=exec "), "{r}");
    let list = String::from_utf8(o.cmd("CLIENT LIST")).unwrap();
    assert!(!list.contains("flags=x"), "{list}");
    assert!(list.contains(" multi=-1 "), "{list}");
    // `d`: a watched key was modified.
    c.cmd("WATCH wk");
    o.cmd("SET wk 1");
    let flags = |o: &mut Conn| -> Vec<String> {
        let list = String::from_utf8(o.cmd("CLIENT LIST")).unwrap();
        list.split_whitespace()
            .filter(|f| f.starts_with("flags="))
            .map(String::from)
            .collect()
    };
    assert_eq!(flags(&mut o), ["flags=d", "flags=N"]);
    c.cmd("MULTI");
    assert_eq!(flags(&mut o), ["flags=xd", "flags=N"]);
    assert_eq!(c.cmd("EXEC"), b"*-1\r\n");
    assert_eq!(flags(&mut o), ["flags=N", "flags=N"]);
}

/// The `name:calls=N,...,rejected_calls=R,failed_calls=F` counts of INFO commandstats.
fn cmdstat(c: &mut Conn, name: &str) -> String {
    let info = String::from_utf8(c.cmd("INFO commandstats")).unwrap();
    let line = info
        .lines()
        .find(|l| l.starts_with(&format!("cmdstat_{name}:")))
        .unwrap_or("")
        .to_string();
    let calls = line.split(',').next().unwrap_or("").to_string();
    let tail: Vec<&str> = line.split(',').skip(3).collect();
    format!("{calls},{}", tail.join(","))
}

#[test]
fn commandstats_count_as_redis() {
    if std::env::var("TXN_ORACLE_PORT").is_ok() {
        return; // needs a fresh server
    }
    let (_env, mut c) = start();
    for cmd in [
        "SET s x", "MULTI", "SET x 1", "GET", "EXEC", "MULTI", "INCR s", "SET y 1", "EXEC",
    ] {
        c.cmd(cmd);
    }
    assert_eq!(
        cmdstat(&mut c, "exec"),
        "cmdstat_exec:calls=2,rejected_calls=0,failed_calls=1"
    );
    assert_eq!(
        cmdstat(&mut c, "get"),
        "cmdstat_get:calls=0,rejected_calls=1,failed_calls=0"
    );
    assert_eq!(
        cmdstat(&mut c, "incr"),
        "cmdstat_incr:calls=1,rejected_calls=0,failed_calls=1"
    );
    // SET s x, and SET y 1 inside EXEC (the aborted SET x 1 never ran).
    assert_eq!(
        cmdstat(&mut c, "set"),
        "cmdstat_set:calls=2,rejected_calls=0,failed_calls=0"
    );
    let errs = String::from_utf8(c.cmd("INFO errorstats")).unwrap();
    assert!(errs.contains("errorstat_EXECABORT:count=1\r\n"), "{errs}");
    assert!(errs.contains("errorstat_ERR:count=2\r\n"), "{errs}");
}

#[test]
fn aof_wraps_transactions_in_multi_exec() {
    let srv = Server::start(&["--appendonly", "yes"]);
    let mut c = srv.connect();
    for cmd in [
        "SELECT 3",
        "MULTI",
        "SET x 1",
        "GET x",
        "EXEC",
        "SELECT 0",
        "MULTI",
        "SET y 1",
        "EXEC",
        "MULTI",
        "SET z 1",
        "SELECT 2",
        "SET q 1",
        "DEL nokey",
        "EXEC",
    ] {
        c.cmd(cmd);
    }
    let dir =
        std::env::temp_dir().join(format!("ferrokv-test-{}-{}", std::process::id(), srv.port));
    let path = dir.join("appendonlydir/appendonly.aof.1.incr.aof");
    let mut aof = Vec::new();
    for _ in 0..100 {
        aof = std::fs::read(&path).unwrap_or_default();
        if aof.ends_with(b"EXEC\r\n") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // As Redis 7.0.15 writes it: one propagated command goes alone; several are wrapped,
    // MULTI after the first command's SELECT.
    let want: &[&[&[u8]]] = &[
        &[b"SELECT", b"3"],
        &[b"SET", b"x", b"1"],
        &[b"SELECT", b"0"],
        &[b"SET", b"y", b"1"],
        &[b"MULTI"],
        &[b"SET", b"z", b"1"],
        &[b"SELECT", b"2"],
        &[b"SET", b"q", b"1"],
        &[b"EXEC"],
    ];
    let want: Vec<u8> = want.iter().flat_map(|a| encode(a)).collect();
    assert_eq!(show(&aof), show(&want));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn smove_touches_the_destination_only_when_it_adds() {
    let (env, mut c) = start();
    c.cmd("SADD src a b");
    c.cmd("SADD dst a");
    // `a` is already in dst: only src changes, a WATCH on dst holds (Redis 7.0).
    assert_eq!(watch_then(&env, &mut c, "dst", &["SMOVE src dst a"]), RAN);
    assert_eq!(
        watch_then(&env, &mut c, "src", &["SADD src a", "SMOVE src dst a"]),
        ABORTED
    );
    assert_eq!(
        watch_then(&env, &mut c, "dst", &["SMOVE src dst b"]),
        ABORTED
    );
    assert_eq!(c.cmd("SCARD dst"), b":2\r\n");
}

#[test]
fn watch_sees_ltrim_and_setbit_as_redis() {
    let (env, mut c) = start();
    c.cmd("RPUSH l 1 2");
    c.cmd("SETBIT bm 3 1");
    // LTRIM of a missing key touches nothing; one that removes nothing still signals.
    assert_eq!(
        watch_then(&env, &mut c, "nokey", &["LTRIM nokey 0 -1"]),
        RAN
    );
    assert_eq!(watch_then(&env, &mut c, "l", &["LTRIM l 0 -1"]), ABORTED);
    // A SETBIT that leaves its bit changes nothing.
    assert_eq!(watch_then(&env, &mut c, "bm", &["SETBIT bm 3 1"]), RAN);
    assert_eq!(watch_then(&env, &mut c, "bm", &["SETBIT bm 3 0"]), ABORTED);
}

/// `rdb_changes_since_last_save` from INFO persistence.
fn changes(c: &mut Conn) -> i64 {
    info_int(c, "persistence", "rdb_changes_since_last_save")
}

#[test]
fn stores_with_an_empty_result_touch_only_an_existing_destination() {
    let (env, mut c) = start();
    c.cmd("SADD s1 a");
    c.cmd("SADD s2 b");
    c.cmd("ZADD z1 1 a");
    c.cmd("ZADD z2 1 b");
    for store in [
        "SINTERSTORE dst s1 s2",
        "SINTERSTORE dst s1 nokey",
        "SUNIONSTORE dst nokey",
        "SDIFFSTORE dst s1 s1",
        "ZUNIONSTORE dst 1 nokey",
        "ZINTERSTORE dst 2 z1 z2",
        "ZDIFFSTORE dst 1 nokey",
        "ZRANGESTORE dst z1 5 10",
        "SORT nokey STORE dst",
    ] {
        // No destination: nothing changes, WATCH does not fire, nothing is counted.
        let before = changes(&mut c);
        assert_eq!(watch_then(&env, &mut c, "dst", &[store]), RAN, "{store}");
        assert_eq!(changes(&mut c), before, "{store}");
        // An existing destination is deleted: a change.
        c.cmd("SET dst x");
        let before = changes(&mut c);
        assert_eq!(
            watch_then(&env, &mut c, "dst", &[store]),
            ABORTED,
            "{store}"
        );
        assert_eq!(changes(&mut c), before + 1, "{store}");
        assert_eq!(c.cmd("EXISTS dst"), b":0\r\n", "{store}");
    }
}
