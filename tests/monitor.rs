//! MONITOR end to end: the line format and escaping, redacted passwords, commands never shown
//! (ADMIN ones, rejected ones), MULTI/EXEC order, what a monitor itself may run, CLIENT LIST
//! and INFO, RESET. Every expected line was recorded from real Redis 7.0.15.
//!
//! To re-check against a real server: `MONITOR_ORACLE_PORT=<port> cargo test --test monitor
//! -- --test-threads=1` (each test flushes that server first).
mod common;
use common::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const ORACLE: &str = "MONITOR_ORACLE_PORT";

/// A connection in MONITOR mode.
fn monitor(t: &Target) -> Conn {
    let mut m = t.conn();
    assert_eq!(m.cmd("MONITOR"), b"+OK\r\n");
    m
}

/// The `ip:port` the server sees for a connection.
fn peer(c: &Conn) -> String {
    c.s.local_addr().unwrap().to_string()
}

/// Reads one monitor line and returns it without its timestamp, checking the timestamp's form
/// (`<secs>.<6 digits>`) and that it is now.
#[track_caller]
fn line(m: &mut Conn) -> String {
    let raw = m.read_reply();
    let s = String::from_utf8_lossy(&raw).into_owned();
    assert!(s.starts_with('+') && s.ends_with("\r\n"), "{s:?}");
    let body = &s[1..s.len() - 2];
    let (ts, rest) = body.split_once(' ').expect("timestamp");
    let (secs, usecs) = ts.split_once('.').expect("secs.usecs");
    assert_eq!(usecs.len(), 6, "{s:?}");
    assert!(usecs.bytes().all(|b| b.is_ascii_digit()), "{s:?}");
    let secs: u64 = secs.parse().expect("secs");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs + 5 >= now && secs <= now + 1, "{s:?}");
    rest.to_string()
}

/// Asserts the next monitor lines, `{}` standing for the client's address.
#[track_caller]
fn expect(m: &mut Conn, addr: &str, want: &[&str]) {
    for w in want {
        assert_eq!(line(m), w.replace("{}", addr));
    }
}

#[test]
fn line_format_and_escaping() {
    let (t, mut c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&c);
    check_args(
        &mut c,
        &[b"SET", b"k", b"a\"b\\c\n\r\t\x07\x08\x00\xff \xc3\xa9~\x7f"],
        b"+OK\r\n",
    );
    check(
        &mut c,
        "get k",
        b"$17\r\na\"b\\c\n\r\t\x07\x08\x00\xff \xc3\xa9~\x7f\r\n",
    );
    check_args(&mut c, &[b"ECHO", b""], b"$0\r\n\r\n");
    c.send(b"PING inline\r\n");
    assert_eq!(c.read_reply(), b"$6\r\ninline\r\n");
    check(&mut c, "SELECT 3", b"+OK\r\n");
    check(&mut c, "INCR n", b":1\r\n");
    // Errors from the command itself are shown, with the db after the command.
    check(
        &mut c,
        "LPUSH n x",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "SELECT 0", b"+OK\r\n");
    expect(
        &mut m,
        &a,
        &[
            r#"[0 {}] "SET" "k" "a\"b\\c\n\r\t\a\b\x00\xff \xc3\xa9~\x7f""#,
            r#"[0 {}] "get" "k""#,
            r#"[0 {}] "ECHO" """#,
            r#"[0 {}] "PING" "inline""#,
            r#"[3 {}] "SELECT" "3""#,
            r#"[3 {}] "INCR" "n""#,
            r#"[3 {}] "LPUSH" "n" "x""#,
            r#"[0 {}] "SELECT" "0""#,
        ],
    );
    check(&mut c, "FLUSHALL", b"+OK\r\n");
}

#[test]
fn passwords_are_redacted() {
    let (t, mut c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&c);
    let cmds: &[&str] = &[
        "AUTH x",
        "AUTH u p",
        "AUTH a b c",
        "HELLO 2 AUTH default pw SETNAME n AUTH x y",
        "HELLO 4 AUTH u p",
        "HELLO 3 FOO AUTH u p",
        "HELLO 3 AUTH u",
        "HELLO 2 SETNAME x AUTH u p",
        "HELLO AUTH u p",
        "HELLO 2 AUTH u p SETNAME",
    ];
    for cmd in cmds {
        c.cmd(cmd);
    }
    expect(
        &mut m,
        &a,
        &[
            r#"[0 {}] "AUTH" "(redacted)""#,
            r#"[0 {}] "AUTH" "(redacted)" "(redacted)""#,
            r#"[0 {}] "AUTH" "a" "b" "c""#,
            r#"[0 {}] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n" "AUTH" "(redacted)" "(redacted)""#,
            r#"[0 {}] "HELLO" "4" "AUTH" "u" "p""#,
            r#"[0 {}] "HELLO" "3" "FOO" "AUTH" "u" "p""#,
            r#"[0 {}] "HELLO" "3" "AUTH" "u""#,
            r#"[0 {}] "HELLO" "2" "SETNAME" "x" "AUTH" "(redacted)" "(redacted)""#,
            r#"[0 {}] "HELLO" "AUTH" "u" "p""#,
            r#"[0 {}] "HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME""#,
        ],
    );
}

#[test]
fn admin_and_rejected_commands_are_not_shown() {
    let (t, mut c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&c);
    check(&mut c, "CONFIG SET maxmemory 0", b"+OK\r\n");
    c.cmd("CONFIG GET maxmemory");
    c.cmd("CLIENT LIST");
    c.cmd("SLOWLOG LEN");
    check(
        &mut c,
        "NOTACMD x",
        b"-ERR unknown command 'NOTACMD', with args beginning with: 'x' \r\n",
    );
    check(
        &mut c,
        "GET",
        b"-ERR wrong number of arguments for 'get' command\r\n",
    );
    // Not ADMIN: shown.
    check(&mut c, "CLIENT SETNAME foo", b"+OK\r\n");
    c.cmd("INFO server");
    check(&mut c, "ECHO marker", b"$6\r\nmarker\r\n");
    expect(
        &mut m,
        &a,
        &[
            r#"[0 {}] "CLIENT" "SETNAME" "foo""#,
            r#"[0 {}] "INFO" "server""#,
            r#"[0 {}] "ECHO" "marker""#,
        ],
    );
    // Once `c` monitors too, its own commands come back to it.
    check(&mut c, "MONITOR", b"+OK\r\n");
    check(&mut c, "PING", b"+PONG\r\n");
    assert_eq!(line(&mut c), format!(r#"[0 {a}] "PING""#));
    expect(&mut m, &a, &[r#"[0 {}] "PING""#]);
}

#[test]
fn transactions_show_queued_commands_at_exec() {
    let (t, mut c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&c);
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "SELECT 2", b"+QUEUED\r\n");
    check(&mut c, "SET z 1", b"+QUEUED\r\n");
    check(&mut c, "EXEC", b"*2\r\n+OK\r\n+OK\r\n");
    check(&mut c, "EXEC", b"-ERR EXEC without MULTI\r\n");
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "DISCARD", b"+OK\r\n");
    check(&mut c, "SELECT 0", b"+OK\r\n");
    expect(
        &mut m,
        &a,
        &[
            r#"[0 {}] "MULTI""#,
            r#"[2 {}] "SELECT" "2""#,
            r#"[2 {}] "SET" "z" "1""#,
            r#"[2 {}] "EXEC""#,
            r#"[2 {}] "EXEC""#,
            r#"[2 {}] "MULTI""#,
            r#"[2 {}] "DISCARD""#,
            r#"[0 {}] "SELECT" "0""#,
        ],
    );
    check(&mut c, "FLUSHALL", b"+OK\r\n");
}

#[test]
fn what_a_monitor_may_run() {
    let (t, _c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&m);
    let denied = b"-ERR Replica can't interact with the keyspace\r\n";
    check(&mut m, "GET x", denied);
    check(&mut m, "SET x 1", denied);
    // Anything else runs, and the monitor sees it after its reply.
    m.send(b"ECHO a\r\n");
    assert_eq!(m.read_reply(), b"$1\r\na\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "ECHO" "a""#]);
    // A second MONITOR gets no reply at all.
    m.send(b"MONITOR\r\nPING\r\n");
    assert_eq!(m.read_reply(), b"+PONG\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "PING""#]);
    // Transactions: the reply, then the lines; a denied command aborts the EXEC.
    check(&mut m, "MULTI", b"+OK\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "MULTI""#]);
    check(&mut m, "PING", b"+QUEUED\r\n");
    check(&mut m, "EXEC", b"*1\r\n+PONG\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "PING""#, r#"[0 {}] "EXEC""#]);
    check(&mut m, "MULTI", b"+OK\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "MULTI""#]);
    check(&mut m, "GET x", denied);
    check(
        &mut m,
        "EXEC",
        b"-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    expect(&mut m, &a, &[r#"[0 {}] "EXEC""#]);
    // CLIENT REPLY SKIP drops the next command's reply and its line alike.
    check(&mut m, "MULTI", b"+OK\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "MULTI""#]);
    check(&mut m, "DISCARD", b"+OK\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "DISCARD""#]);
    m.send(b"CLIENT REPLY SKIP\r\nPING\r\nECHO b\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "CLIENT" "REPLY" "SKIP""#]);
    assert_eq!(m.read_reply(), b"$1\r\nb\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "ECHO" "b""#]);
    // RESET makes it a normal client again (and is not shown to itself).
    check(&mut m, "RESET", b"+RESET\r\n");
    check(&mut m, "GET x", b"$-1\r\n");
}

#[test]
fn quit_from_a_monitor() {
    let (t, _c) = start_target(ORACLE);
    let mut m1 = monitor(&t);
    let mut m2 = monitor(&t);
    let a = peer(&m1);
    // The quitting monitor gets its +OK only; the other sees the QUIT.
    m1.send(b"QUIT\r\n");
    assert_eq!(show(&m1.read_to_close()), "+OK\\r\\n");
    expect(&mut m2, &a, &[r#"[0 {}] "QUIT""#]);
}

#[test]
fn monitor_inside_multi_is_refused() {
    let (t, mut c) = start_target(ORACLE);
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "MONITOR", b"+QUEUED\r\n");
    check(
        &mut c,
        "EXEC",
        b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    );
    // Still a normal client.
    check(&mut c, "GET x", b"$-1\r\n");
    drop(t);
}

#[test]
fn client_list_and_info() {
    let (t, mut c) = start_target(ORACLE);
    let m = monitor(&t);
    let list = String::from_utf8(c.cmd("CLIENT LIST")).unwrap();
    let me = peer(&m);
    let mine = list
        .lines()
        .find(|l| l.contains(&format!("addr={me} ")))
        .expect("monitor listed");
    assert!(mine.contains(" flags=O "), "{mine}");
    assert!(mine.contains(" cmd=monitor "), "{mine}");
    let info = String::from_utf8(c.cmd("INFO clients")).unwrap();
    assert!(info.contains("\r\nconnected_clients:2\r\n"), "{info}");
    assert!(info.contains("\r\nblocked_clients:0\r\n"), "{info}");
}

#[test]
fn monitors_are_not_paused() {
    let (t, mut c) = start_target(ORACLE);
    let mut m = monitor(&t);
    let a = peer(&m);
    check(&mut c, "CLIENT PAUSE 2000 ALL", b"+OK\r\n");
    let start = std::time::Instant::now();
    check(&mut m, "PING", b"+PONG\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "PING""#]);
    assert!(start.elapsed() < Duration::from_millis(1000));
    check(&mut c, "CLIENT UNPAUSE", b"+OK\r\n");
}

#[test]
fn reset_clears_connection_state() {
    let (_t, mut c) = start_target(ORACLE);
    check(&mut c, "SELECT 4", b"+OK\r\n");
    check(&mut c, "CLIENT SETNAME nm", b"+OK\r\n");
    c.cmd("HELLO 3");
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "SET a 1", b"+QUEUED\r\n");
    check(&mut c, "RESET", b"+RESET\r\n");
    check(&mut c, "EXEC", b"-ERR EXEC without MULTI\r\n");
    check(&mut c, "CLIENT GETNAME", b"$-1\r\n");
    check(&mut c, "GET a", b"$-1\r\n");
    // RESP2 again: a null bulk, not `_`.
    let info = String::from_utf8(c.cmd("CLIENT INFO")).unwrap();
    assert!(info.contains(" db=0 "), "{info}");
    assert!(info.contains(" resp=2"), "{info}");
    check(
        &mut c,
        "RESET x",
        b"-ERR wrong number of arguments for 'reset' command\r\n",
    );
}

#[test]
fn reset_requires_auth_again() {
    if std::env::var(ORACLE).is_ok() {
        return;
    }
    let srv = Server::start(&["--requirepass", "pw"]);
    let mut c = srv.connect();
    check(&mut c, "AUTH pw", b"+OK\r\n");
    check(&mut c, "RESET", b"+RESET\r\n");
    check(&mut c, "GET a", b"-NOAUTH Authentication required.\r\n");
}

#[test]
fn unix_socket_clients_show_the_socket_path() {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    if std::env::var(ORACLE).is_ok() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("ferrokv-monitor-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("s.sock");
    let p = path.to_str().unwrap();
    let srv = Server::start(&["--unixsocket", p]);
    let mut m = srv.connect();
    assert_eq!(m.cmd("MONITOR"), b"+OK\r\n");
    let mut u = UnixStream::connect(&path).unwrap();
    u.write_all(b"PING\r\n").unwrap();
    assert_eq!(line(&mut m), format!(r#"[0 unix:{p}] "PING""#));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_flood_reaches_every_monitor() {
    let (t, mut c) = start_target(ORACLE);
    let mut m1 = monitor(&t);
    let mut m2 = monitor(&t);
    let a = peer(&c);
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend_from_slice(format!("SET key:{i} {i}\r\n").as_bytes());
    }
    c.send(&batch);
    for _ in 0..2000 {
        assert_eq!(c.read_reply(), b"+OK\r\n");
    }
    for m in [&mut m1, &mut m2] {
        for i in 0..2000 {
            assert_eq!(line(m), format!(r#"[0 {a}] "SET" "key:{i}" "{i}""#));
        }
    }
    check(&mut c, "FLUSHALL", b"+OK\r\n");
}

#[test]
fn monitors_never_time_out() {
    let (t, mut c) = start_target(ORACLE);
    check(&mut c, "CONFIG SET timeout 1", b"+OK\r\n");
    let mut m = monitor(&t);
    let a = peer(&m);
    std::thread::sleep(Duration::from_millis(3500));
    check(&mut m, "PING", b"+PONG\r\n");
    expect(&mut m, &a, &[r#"[0 {}] "PING""#]);
    // The idle normal client was closed meanwhile.
    assert_eq!(c.read_to_close(), b"");
    let mut c = t.conn();
    check(&mut c, "CONFIG SET timeout 0", b"+OK\r\n");
}
