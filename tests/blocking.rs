//! Blocking commands with several clients: BLPOP/BRPOP/BLMOVE/BRPOPLPUSH/BLMPOP and
//! BZPOPMIN/BZPOPMAX/BZMPOP served in blocking order, timeouts with decimals, pushes inside
//! MULTI, BLMOVE chains, keys whose type changed, disconnects, CLIENT UNBLOCK, pipelined input
//! held while blocked, RESP3 null forms, and CLIENT PAUSE. Every expected reply was recorded
//! from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `TXN_ORACLE_PORT=<port> cargo test --test blocking -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;
use std::io::Read;
use std::time::{Duration, Instant};

struct Env {
    _srv: Option<Server>,
    port: u16,
    oracle: bool,
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
            oracle: true,
        },
        Err(_) => {
            let srv = Server::start(&[]);
            let port = srv.port;
            Env {
                _srv: Some(srv),
                port,
                oracle: false,
            }
        }
    };
    let mut c = env.conn();
    assert_eq!(c.cmd("FLUSHALL"), b"+OK\r\n");
    (env, c)
}

/// Sends a command without waiting for its reply.
fn send(c: &mut Conn, line: &str) {
    let args: Vec<&[u8]> = line.split(' ').map(|s| s.as_bytes()).collect();
    c.send(&encode(&args));
}

fn reply(c: &mut Conn) -> String {
    show(&c.read_reply())
}

/// Asserts that nothing arrives on `c` for a while.
fn nothing(c: &mut Conn) {
    c.s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut b = [0u8; 64];
    match c.s.read(&mut b) {
        Ok(n) => panic!("unexpected reply: {}", show(&b[..n])),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{e}"
        ),
    }
    c.s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
}

/// The `name:value` field of INFO clients.
fn info_field(c: &mut Conn, name: &str) -> String {
    let info = String::from_utf8(c.cmd("INFO clients")).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or("")
        .to_string()
}

/// Waits until `n` clients are blocked.
fn wait_blocked(c: &mut Conn, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while info_field(c, "blocked_clients") != n.to_string() {
        assert!(Instant::now() < deadline, "never {n} blocked clients");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn client_id(c: &mut Conn) -> i64 {
    let r = c.cmd("CLIENT ID");
    std::str::from_utf8(&r[1..r.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn clients_are_served_in_the_order_they_blocked() {
    let (env, mut a) = start();
    let mut w: Vec<Conn> = (0..3).map(|_| env.conn()).collect();
    for (i, c) in w.iter_mut().enumerate() {
        send(c, if i == 1 { "BRPOP l 0" } else { "BLPOP l 0" });
        wait_blocked(&mut a, i + 1);
    }
    assert_eq!(show(&a.cmd("RPUSH l x y")), ":2\\r\\n");
    assert_eq!(reply(&mut w[0]), "*2\\r\\n$1\\r\\nl\\r\\n$1\\r\\nx\\r\\n");
    assert_eq!(reply(&mut w[1]), "*2\\r\\n$1\\r\\nl\\r\\n$1\\r\\ny\\r\\n");
    nothing(&mut w[2]);
    assert_eq!(info_field(&mut a, "blocked_clients"), "1");
    assert_eq!(show(&a.cmd("LPUSH l z")), ":1\\r\\n");
    assert_eq!(reply(&mut w[2]), "*2\\r\\n$1\\r\\nl\\r\\n$1\\r\\nz\\r\\n");
    assert_eq!(show(&a.cmd("EXISTS l")), ":0\\r\\n");
    // Several keys: served from the one that got data.
    send(&mut w[0], "BLPOP a8 b8 0");
    wait_blocked(&mut a, 1);
    a.cmd("RPUSH b8 v");
    assert_eq!(reply(&mut w[0]), "*2\\r\\n$2\\r\\nb8\\r\\n$1\\r\\nv\\r\\n");
}

#[test]
fn a_push_inside_multi_wakes_only_after_exec() {
    let (env, mut a) = start();
    let mut b = env.conn();
    send(&mut b, "BLPOP l12 0");
    wait_blocked(&mut a, 1);
    for (cmd, want) in [
        ("MULTI", "+OK\\r\\n"),
        ("LPUSH l12 a", "+QUEUED\\r\\n"),
        ("LPUSH l12 b", "+QUEUED\\r\\n"),
        ("LPUSH l12 c", "+QUEUED\\r\\n"),
    ] {
        assert_eq!(show(&a.cmd(cmd)), want);
    }
    nothing(&mut b);
    assert_eq!(show(&a.cmd("EXEC")), "*3\\r\\n:1\\r\\n:2\\r\\n:3\\r\\n");
    assert_eq!(reply(&mut b), "*2\\r\\n$3\\r\\nl12\\r\\n$1\\r\\nc\\r\\n");
    // A key that ends the transaction as another type is skipped: the client keeps waiting.
    send(&mut b, "BLPOP k 0");
    wait_blocked(&mut a, 1);
    for cmd in ["MULTI", "RPUSH k x", "DEL k", "SET k str", "EXEC"] {
        a.cmd(cmd);
    }
    nothing(&mut b);
    a.cmd("DEL k");
    a.cmd("RPUSH k y");
    assert_eq!(reply(&mut b), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\ny\\r\\n");
}

#[test]
fn waiters_for_another_type_are_skipped() {
    let (env, mut a) = start();
    let (mut b, mut c) = (env.conn(), env.conn());
    send(&mut b, "BZPOPMIN z 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BLPOP z 0");
    wait_blocked(&mut a, 2);
    a.cmd("RPUSH z x");
    assert_eq!(reply(&mut c), "*2\\r\\n$1\\r\\nz\\r\\n$1\\r\\nx\\r\\n");
    nothing(&mut b);
    a.cmd("ZADD z 1 m");
    assert_eq!(
        reply(&mut b),
        "*3\\r\\n$1\\r\\nz\\r\\n$1\\r\\nm\\r\\n$1\\r\\n1\\r\\n"
    );
}

#[test]
fn timeouts_with_decimals() {
    let (env, mut a) = start();
    let mut b = env.conn();
    for cmd in [
        "BLPOP none 0.1",
        "BRPOP none 0.05",
        "BLMOVE none dst LEFT RIGHT 0.1",
        "BRPOPLPUSH none dst 0.1",
        "BLMPOP 0.1 1 none LEFT",
        "BZPOPMIN none 0.1",
        "BZMPOP 0.1 1 none MAX",
    ] {
        let t = Instant::now();
        send(&mut b, cmd);
        // Every blocking command times out with a null array in Redis 7.0, BLMOVE too.
        assert_eq!(reply(&mut b), "*-1\\r\\n", "{cmd}");
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(40), "{cmd}: {took:?}");
        assert!(took < Duration::from_secs(2), "{cmd}: {took:?}");
    }
    b.cmd("HELLO 3");
    send(&mut b, "BLPOP none 0.05");
    assert_eq!(reply(&mut b), "_\\r\\n");
    assert_eq!(info_field(&mut a, "blocked_clients"), "0");
    for (t, want) in [
        ("abc", "-ERR timeout is not a float or out of range\\r\\n"),
        ("nan", "-ERR timeout is not a float or out of range\\r\\n"),
        (" 1", "-ERR timeout is not a float or out of range\\r\\n"),
        ("", "-ERR timeout is not a float or out of range\\r\\n"),
        ("-1", "-ERR timeout is negative\\r\\n"),
        ("inf", "-ERR timeout is negative\\r\\n"),
        ("1e400", "-ERR timeout is negative\\r\\n"),
        ("9223372036854775807", "-ERR timeout is negative\\r\\n"),
    ] {
        let r = a.cmd_args(&[b"BLPOP", b"none", t.as_bytes()]);
        assert_eq!(show(&r), want, "timeout {t:?}");
    }
    // The deadline table counts only clients with a timeout.
    send(&mut b, "BLPOP k13 k13 5");
    wait_blocked(&mut a, 1);
    assert_eq!(info_field(&mut a, "clients_in_timeout_table"), "1");
    a.cmd("RPUSH k13 x");
    assert_eq!(reply(&mut b), "*2\\r\\n$3\\r\\nk13\\r\\n$1\\r\\nx\\r\\n");
    assert_eq!(info_field(&mut a, "clients_in_timeout_table"), "0");
}

#[test]
fn errors_when_called() {
    let (_env, mut a) = start();
    a.cmd("SET str v");
    const WRONGTYPE: &str =
        "-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n";
    for (cmd, want) in [
        (
            "BLPOP k 0 extra",
            "-ERR timeout is not a float or out of range\\r\\n",
        ),
        ("BLPOP str 0", WRONGTYPE),
        ("BZPOPMIN str 0", WRONGTYPE),
        ("BLMOVE str d LEFT LEFT 0", WRONGTYPE),
        ("BRPOPLPUSH str d 0", WRONGTYPE),
        ("BLMOVE l d UP LEFT 0", "-ERR syntax error\\r\\n"),
        ("BLMOVE l d UP LEFT x", "-ERR syntax error\\r\\n"),
        (
            "BLMPOP 0 0 a LEFT",
            "-ERR numkeys should be greater than 0\\r\\n",
        ),
        (
            "BLMPOP x 1 a LEFT",
            "-ERR timeout is not a float or out of range\\r\\n",
        ),
        ("BLMPOP 0 1 a MIDDLE", "-ERR syntax error\\r\\n"),
        (
            "BLMPOP 0 1 a LEFT COUNT 0",
            "-ERR count should be greater than 0\\r\\n",
        ),
        ("BZMPOP 0 1 a LEFT", "-ERR syntax error\\r\\n"),
        ("BLMPOP 0 5 a LEFT", "-ERR syntax error\\r\\n"),
        (
            "BLPOP k",
            "-ERR wrong number of arguments for 'blpop' command\\r\\n",
        ),
    ] {
        assert_eq!(show(&a.cmd(cmd)), want, "{cmd}");
    }
}

#[test]
fn blmove_chains_and_wrong_destination() {
    let (env, mut a) = start();
    let (mut b, mut c) = (env.conn(), env.conn());
    // b moves s1 -> s2 while c waits on s2: one push serves both in the same pass.
    send(&mut b, "BLMOVE s1 s2 RIGHT LEFT 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BLPOP s2 0");
    wait_blocked(&mut a, 2);
    assert_eq!(show(&a.cmd("RPUSH s1 v")), ":1\\r\\n");
    assert_eq!(reply(&mut b), "$1\\r\\nv\\r\\n");
    assert_eq!(reply(&mut c), "*2\\r\\n$2\\r\\ns2\\r\\n$1\\r\\nv\\r\\n");
    assert_eq!(show(&a.cmd("EXISTS s1 s2")), ":0\\r\\n");
    // The same with BRPOPLPUSH twice.
    send(&mut b, "BRPOPLPUSH t1 t2 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BRPOPLPUSH t2 t3 0");
    wait_blocked(&mut a, 2);
    a.cmd("RPUSH t1 v");
    assert_eq!(reply(&mut b), "$1\\r\\nv\\r\\n");
    assert_eq!(reply(&mut c), "$1\\r\\nv\\r\\n");
    assert_eq!(show(&a.cmd("LRANGE t3 0 -1")), "*1\\r\\n$1\\r\\nv\\r\\n");
    assert_eq!(show(&a.cmd("EXISTS t1 t2")), ":0\\r\\n");
    // A destination of the wrong type by the time the source gets data: an error, and the
    // element stays in the source.
    send(&mut b, "BLMOVE src dst LEFT LEFT 0");
    wait_blocked(&mut a, 1);
    a.cmd("SET dst str");
    a.cmd("RPUSH src v");
    assert_eq!(
        reply(&mut b),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n"
    );
    assert_eq!(show(&a.cmd("LRANGE src 0 -1")), "*1\\r\\n$1\\r\\nv\\r\\n");
}

#[test]
fn mpop_and_sorted_set_pops_when_served() {
    let (env, mut a) = start();
    let mut b = env.conn();
    let served = |a: &mut Conn, b: &mut Conn, block: &str, write: &str| {
        send(b, block);
        wait_blocked(a, 1);
        a.cmd(write);
        reply(b)
    };
    assert_eq!(
        served(
            &mut a,
            &mut b,
            "BLMPOP 0 2 m1 m2 RIGHT COUNT 5",
            "RPUSH m2 a b c"
        ),
        "*2\\r\\n$2\\r\\nm2\\r\\n*3\\r\\n$1\\r\\nc\\r\\n$1\\r\\nb\\r\\n$1\\r\\na\\r\\n"
    );
    assert_eq!(
        served(&mut a, &mut b, "BZPOPMIN z7 0", "ZADD z7 1.5 a 2 b"),
        "*3\\r\\n$2\\r\\nz7\\r\\n$1\\r\\na\\r\\n$3\\r\\n1.5\\r\\n"
    );
    assert_eq!(
        served(
            &mut a,
            &mut b,
            "BZMPOP 0 1 z7b MAX COUNT 2",
            "ZADD z7b 1.5 a 2 b 3 c"
        ),
        "*2\\r\\n$3\\r\\nz7b\\r\\n*2\\r\\n*2\\r\\n$1\\r\\nc\\r\\n$1\\r\\n3\\r\\n*2\\r\\n$1\\r\\nb\\r\\n$1\\r\\n2\\r\\n"
    );
    b.cmd("HELLO 3");
    assert_eq!(
        served(&mut a, &mut b, "BZPOPMAX z7c 0", "ZADD z7c 1.5 a 2 b"),
        "*3\\r\\n$3\\r\\nz7c\\r\\n$1\\r\\nb\\r\\n,2\\r\\n"
    );
    assert_eq!(
        served(&mut a, &mut b, "BZMPOP 0 1 z7d MIN", "ZADD z7d 1.5 a 2 b"),
        "*2\\r\\n$3\\r\\nz7d\\r\\n*1\\r\\n*2\\r\\n$1\\r\\na\\r\\n,1.5\\r\\n"
    );
    assert_eq!(
        served(&mut a, &mut b, "BLPOP k7 0", "RPUSH k7 v"),
        "*2\\r\\n$2\\r\\nk7\\r\\n$1\\r\\nv\\r\\n"
    );
}

#[test]
fn disconnect_while_blocked_cleans_up() {
    let (env, mut a) = start();
    let mut d = env.conn();
    let mut c = env.conn();
    send(&mut d, "BLPOP k3 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BLPOP k3 0");
    wait_blocked(&mut a, 2);
    drop(d);
    wait_blocked(&mut a, 1);
    assert_eq!(show(&a.cmd("RPUSH k3 x")), ":1\\r\\n");
    assert_eq!(reply(&mut c), "*2\\r\\n$2\\r\\nk3\\r\\n$1\\r\\nx\\r\\n");
    assert_eq!(show(&a.cmd("EXISTS k3")), ":0\\r\\n");
}

#[test]
fn client_unblock_timeout_and_error() {
    let (env, mut a) = start();
    let mut b = env.conn();
    let id = client_id(&mut b);
    send(&mut b, "BLPOP k4 0");
    wait_blocked(&mut a, 1);
    let list = String::from_utf8(a.cmd("CLIENT LIST")).unwrap();
    let line = list
        .lines()
        .find(|l| l.starts_with(&format!("id={id} ")))
        .unwrap();
    assert!(line.contains(" flags=b "), "{line}");
    assert!(line.contains(" cmd=blpop "), "{line}");
    assert_eq!(show(&a.cmd(&format!("CLIENT UNBLOCK {id}"))), ":1\\r\\n");
    assert_eq!(reply(&mut b), "*-1\\r\\n");
    send(&mut b, "BLPOP k4 0");
    wait_blocked(&mut a, 1);
    assert_eq!(
        show(&a.cmd(&format!("CLIENT UNBLOCK {id} ERROR"))),
        ":1\\r\\n"
    );
    assert_eq!(
        reply(&mut b),
        "-UNBLOCKED client unblocked via CLIENT UNBLOCK\\r\\n"
    );
    assert_eq!(show(&a.cmd(&format!("CLIENT UNBLOCK {id}"))), ":0\\r\\n");
    send(&mut b, "BLMOVE k4 x LEFT LEFT 0");
    wait_blocked(&mut a, 1);
    assert_eq!(
        show(&a.cmd(&format!("CLIENT UNBLOCK {id} TIMEOUT"))),
        ":1\\r\\n"
    );
    assert_eq!(reply(&mut b), "*-1\\r\\n");
    for (cmd, want) in [
        (
            "CLIENT UNBLOCK 99999 foo",
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\\r\\n",
        ),
        (
            "CLIENT UNBLOCK abc foo",
            "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\\r\\n",
        ),
        (
            "CLIENT UNBLOCK abc",
            "-ERR value is not an integer or out of range\\r\\n",
        ),
        ("CLIENT UNBLOCK -1", ":0\\r\\n"),
        ("CLIENT UNBLOCK 99999 error", ":0\\r\\n"),
    ] {
        assert_eq!(show(&a.cmd(cmd)), want, "{cmd}");
    }
}

#[test]
fn pipelined_input_waits_until_served() {
    let (env, mut a) = start();
    let mut b = env.conn();
    b.send(
        &[
            encode(&[b"BLPOP", b"k5", b"0"]),
            encode(&[b"PING"]),
            encode(&[b"LLEN", b"k5"]),
        ]
        .concat(),
    );
    wait_blocked(&mut a, 1);
    nothing(&mut b);
    assert_eq!(show(&a.cmd("RPUSH k5 a b")), ":2\\r\\n");
    assert_eq!(reply(&mut b), "*2\\r\\n$2\\r\\nk5\\r\\n$1\\r\\na\\r\\n");
    assert_eq!(reply(&mut b), "+PONG\\r\\n");
    assert_eq!(reply(&mut b), ":1\\r\\n");
}

#[test]
fn blocked_calls_are_counted_when_they_block() {
    let (env, mut a) = start();
    if env.oracle {
        return; // needs a fresh server
    }
    let mut b = env.conn();
    let id = client_id(&mut b);
    let stat = |a: &mut Conn| {
        let info = String::from_utf8(a.cmd("INFO commandstats")).unwrap();
        let l = info
            .lines()
            .find(|l| l.starts_with("cmdstat_blpop:"))
            .unwrap_or("")
            .to_string();
        let calls = l.split(',').next().unwrap_or("").to_string();
        format!(
            "{calls},{}",
            l.split(',').skip(3).collect::<Vec<_>>().join(",")
        )
    };
    send(&mut b, "BLPOP k 0");
    wait_blocked(&mut a, 1);
    assert_eq!(
        stat(&mut a),
        "cmdstat_blpop:calls=1,rejected_calls=0,failed_calls=0"
    );
    a.cmd(&format!("CLIENT UNBLOCK {id}"));
    reply(&mut b);
    assert_eq!(
        stat(&mut a),
        "cmdstat_blpop:calls=1,rejected_calls=0,failed_calls=1"
    );
    send(&mut b, "BLPOP k 0.05");
    reply(&mut b);
    send(&mut b, "BLPOP k 0");
    wait_blocked(&mut a, 1);
    a.cmd("RPUSH k x");
    reply(&mut b);
    assert_eq!(
        stat(&mut a),
        "cmdstat_blpop:calls=3,rejected_calls=0,failed_calls=1"
    );
}

/// Waits for one reply on `c`, returning it and how long it took.
fn timed_reply(c: &mut Conn) -> (String, Duration) {
    let t = Instant::now();
    let r = reply(c);
    (r, t.elapsed())
}

#[test]
fn client_pause_write_holds_writes_only() {
    let (env, mut a) = start();
    let mut b = env.conn();
    for (cmd, want) in [
        (
            "CLIENT PAUSE abc",
            "-ERR timeout is not an integer or out of range\\r\\n",
        ),
        ("CLIENT PAUSE -1", "-ERR timeout is negative\\r\\n"),
        (
            "CLIENT PAUSE 10 foo",
            "-ERR CLIENT PAUSE mode must be WRITE or ALL\\r\\n",
        ),
        (
            "CLIENT PAUSE abc foo",
            "-ERR CLIENT PAUSE mode must be WRITE or ALL\\r\\n",
        ),
        (
            "CLIENT PAUSE 1.5",
            "-ERR timeout is not an integer or out of range\\r\\n",
        ),
        (
            "CLIENT UNPAUSE x",
            "-ERR wrong number of arguments for 'client|unpause' command\\r\\n",
        ),
        (
            "CLIENT PAUSE 10 WRITE extra",
            "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\\r\\n",
        ),
        (
            "CLIENT UNBLOCK 1 TIMEOUT extra",
            "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\\r\\n",
        ),
    ] {
        assert_eq!(show(&a.cmd(cmd)), want, "{cmd}");
    }
    assert_eq!(show(&a.cmd("CLIENT PAUSE 300 WRITE")), "+OK\\r\\n");
    // Reads go on; a write waits, and the pipelined read behind it too.
    assert_eq!(show(&b.cmd("GET k")), "$-1\\r\\n");
    b.send(&[encode(&[b"SET", b"k", b"1"]), encode(&[b"GET", b"k"])].concat());
    nothing(&mut b);
    assert_eq!(info_field(&mut a, "blocked_clients"), "1");
    let list = String::from_utf8(a.cmd("CLIENT LIST")).unwrap();
    assert!(list.contains(" flags=b "), "{list}");
    assert!(list.contains(" cmd=set "), "{list}");
    assert_eq!(show(&a.cmd("PING")), "+PONG\\r\\n");
    let (r, took) = timed_reply(&mut b);
    assert_eq!(r, "+OK\\r\\n");
    assert!(took >= Duration::from_millis(50), "{took:?}");
    assert_eq!(reply(&mut b), "$1\\r\\n1\\r\\n");
    assert_eq!(info_field(&mut a, "blocked_clients"), "0");
    // Inside MULTI: a write waits before it is queued; an EXEC of reads only does not wait.
    assert_eq!(show(&a.cmd("CLIENT PAUSE 200 WRITE")), "+OK\\r\\n");
    assert_eq!(show(&b.cmd("MULTI")), "+OK\\r\\n");
    assert_eq!(show(&b.cmd("GET k")), "+QUEUED\\r\\n");
    assert_eq!(show(&b.cmd("EXEC")), "*1\\r\\n$1\\r\\n1\\r\\n");
    assert_eq!(show(&b.cmd("MULTI")), "+OK\\r\\n");
    send(&mut b, "SET m 1");
    nothing(&mut b);
    assert_eq!(reply(&mut b), "+QUEUED\\r\\n");
    assert_eq!(show(&b.cmd("EXEC")), "*1\\r\\n+OK\\r\\n");
}

#[test]
fn client_pause_all_and_unpause() {
    let (env, mut a) = start();
    let (mut b, mut c) = (env.conn(), env.conn());
    // ALL holds every command, the pausing client's and CLIENT UNPAUSE too.
    assert_eq!(show(&a.cmd("CLIENT PAUSE 300 ALL")), "+OK\\r\\n");
    send(&mut b, "PING");
    send(&mut a, "PING");
    send(&mut c, "CLIENT UNPAUSE");
    nothing(&mut b);
    let (r, took) = timed_reply(&mut a);
    assert_eq!(r, "+PONG\\r\\n");
    assert!(took >= Duration::from_millis(100), "{took:?}");
    assert_eq!(reply(&mut b), "+PONG\\r\\n");
    assert_eq!(reply(&mut c), "+OK\\r\\n");
    // UNPAUSE resumes held clients in the order they were held.
    assert_eq!(show(&a.cmd("CLIENT PAUSE 5000 WRITE")), "+OK\\r\\n");
    send(&mut b, "SET o 1");
    nothing(&mut b);
    send(&mut c, "SET o 2");
    nothing(&mut c);
    assert_eq!(show(&a.cmd("CLIENT UNPAUSE")), "+OK\\r\\n");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
    assert_eq!(reply(&mut c), "+OK\\r\\n");
    assert_eq!(show(&a.cmd("GET o")), "$1\\r\\n2\\r\\n");
    // A blocking command is a write: held, then it blocks, and a held push serves it.
    assert_eq!(show(&a.cmd("CLIENT PAUSE 200 WRITE")), "+OK\\r\\n");
    send(&mut b, "BLPOP bl 0");
    nothing(&mut b);
    send(&mut c, "RPUSH bl x");
    assert_eq!(reply(&mut b), "*2\\r\\n$2\\r\\nbl\\r\\n$1\\r\\nx\\r\\n");
    assert_eq!(reply(&mut c), ":1\\r\\n");
    // Rejected commands are not held.
    assert_eq!(show(&a.cmd("CLIENT PAUSE 5000 WRITE")), "+OK\\r\\n");
    assert_eq!(
        show(&b.cmd("NOSUCH")),
        "-ERR unknown command 'NOSUCH', with args beginning with: \\r\\n"
    );
    assert_eq!(
        show(&b.cmd("SET x")),
        "-ERR wrong number of arguments for 'set' command\\r\\n"
    );
    assert_eq!(show(&a.cmd("CLIENT UNPAUSE")), "+OK\\r\\n");
}

#[test]
fn client_pause_mode_is_replaced_and_the_later_end_kept() {
    let (env, mut a) = start();
    let mut b = env.conn();
    // WRITE for 400 ms, then WRITE for 100: writes wait the 400.
    a.cmd("CLIENT PAUSE 400 WRITE");
    a.cmd("CLIENT PAUSE 100 WRITE");
    send(&mut b, "SET x 1");
    let (r, took) = timed_reply(&mut b);
    assert_eq!(r, "+OK\\r\\n");
    assert!(took >= Duration::from_millis(250), "{took:?}");
    // WRITE for 300 ms, then ALL for 100: everything waits the 300.
    a.cmd("CLIENT PAUSE 300 WRITE");
    a.cmd("CLIENT PAUSE 100 ALL");
    send(&mut b, "PING");
    let (r, took) = timed_reply(&mut b);
    assert_eq!(r, "+PONG\\r\\n");
    assert!(took >= Duration::from_millis(200), "{took:?}");
    // ALL, then (held until it ends) a WRITE pause from another client: reads run again.
    a.cmd("CLIENT PAUSE 200 ALL");
    send(&mut b, "CLIENT PAUSE 300 WRITE");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
    assert_eq!(show(&b.cmd("PING")), "+PONG\\r\\n");
    send(&mut b, "SET x 2");
    nothing(&mut b);
    assert_eq!(show(&a.cmd("CLIENT UNPAUSE")), "+OK\\r\\n");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
}

#[test]
fn served_pops_are_written_to_the_aof_as_redis_does() {
    let (env, _) = start();
    if env.oracle {
        return;
    }
    let srv = Server::start(&["--appendonly", "yes"]);
    let (mut a, mut b) = (srv.connect(), srv.connect());
    for (block, push) in [
        ("BLPOP l1 0", "RPUSH l1 a b"),
        ("BLMOVE l2 d2 LEFT RIGHT 0", "RPUSH l2 a"),
        ("BRPOPLPUSH l3 d3 0", "RPUSH l3 a"),
        ("BLMPOP 0 2 x l4 LEFT COUNT 2", "RPUSH l4 a b c"),
        ("BZPOPMIN z1 0", "ZADD z1 1 a 2 b"),
        ("BZMPOP 0 1 z2 MAX COUNT 5", "ZADD z2 1 a 2 b"),
    ] {
        send(&mut b, block);
        wait_blocked(&mut a, 1);
        a.cmd(push);
        reply(&mut b);
    }
    // Served at once: BLMPOP as the LPOP of what it popped.
    a.cmd("BLMPOP 0 1 l1 RIGHT COUNT 5");
    let dir =
        std::env::temp_dir().join(format!("ferrokv-test-{}-{}", std::process::id(), srv.port));
    let path = dir.join("appendonlydir/appendonly.aof.1.incr.aof");
    let want: &[&[&[u8]]] = &[
        &[b"SELECT", b"0"],
        &[b"RPUSH", b"l1", b"a", b"b"],
        &[b"LPOP", b"l1"],
        &[b"RPUSH", b"l2", b"a"],
        &[b"LMOVE", b"l2", b"d2", b"left", b"right"],
        &[b"RPUSH", b"l3", b"a"],
        &[b"RPOPLPUSH", b"l3", b"d3"],
        &[b"RPUSH", b"l4", b"a", b"b", b"c"],
        &[b"LPOP", b"l4", b"2"],
        &[b"ZADD", b"z1", b"1", b"a", b"2", b"b"],
        &[b"ZPOPMIN", b"z1"],
        &[b"ZADD", b"z2", b"1", b"a", b"2", b"b"],
        &[b"ZPOPMAX", b"z2", b"2"],
        &[b"RPOP", b"l1", b"1"],
    ];
    let want: Vec<u8> = want.iter().flat_map(|a| encode(a)).collect();
    let mut aof = Vec::new();
    for _ in 0..100 {
        aof = std::fs::read(&path).unwrap_or_default();
        if aof.len() >= want.len() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(show(&aof), show(&want));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn blocked_clients_are_not_idle() {
    let (env, _) = start();
    if env.oracle {
        return;
    }
    let srv = Server::start(&["--timeout", "1"]);
    let (mut a, mut b) = (srv.connect(), srv.connect());
    send(&mut b, "BLPOP k 0");
    wait_blocked(&mut a, 1);
    std::thread::sleep(Duration::from_millis(2300));
    // `a` idled past the timeout too and was closed; a fresh client pushes.
    let mut c = srv.connect();
    assert_eq!(show(&c.cmd("RPUSH k v")), ":1\\r\\n");
    assert_eq!(reply(&mut b), "*2\\r\\n$1\\r\\nk\\r\\n$1\\r\\nv\\r\\n");
}

#[test]
fn a_killed_blocked_client_is_not_served() {
    let (env, mut a) = start();
    let mut b = env.conn();
    let id = client_id(&mut b);
    send(&mut b, "BLPOP kk 0");
    wait_blocked(&mut a, 1);
    let id = id.to_string();
    a.send(
        &[
            encode(&[b"CLIENT", b"KILL", b"ID", id.as_bytes()]),
            encode(&[b"RPUSH", b"kk", b"x"]),
            encode(&[b"LLEN", b"kk"]),
        ]
        .concat(),
    );
    assert_eq!(reply(&mut a), ":1\\r\\n");
    assert_eq!(reply(&mut a), ":1\\r\\n");
    assert_eq!(reply(&mut a), ":1\\r\\n");
    assert_eq!(show(&b.read_to_close()), "");
}

#[test]
fn a_held_client_sending_more_is_held_once() {
    let (env, mut a) = start();
    let mut b = env.conn();
    assert_eq!(show(&a.cmd("CLIENT PAUSE 5000 WRITE")), "+OK\\r\\n");
    send(&mut b, "SET h 1");
    nothing(&mut b);
    send(&mut b, "SET h 2");
    nothing(&mut b);
    assert_eq!(info_field(&mut a, "blocked_clients"), "1");
    assert_eq!(show(&a.cmd("CLIENT UNPAUSE")), "+OK\\r\\n");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
    assert_eq!(show(&a.cmd("GET h")), "$1\\r\\n2\\r\\n");
    assert_eq!(info_field(&mut a, "blocked_clients"), "0");
}

/// Blocks `b` with `block`, runs `writes` on `a`, returns `b`'s reply.
fn served_after(a: &mut Conn, b: &mut Conn, block: &str, writes: &[&str]) -> String {
    send(b, block);
    wait_blocked(a, 1);
    for w in writes {
        a.cmd(w);
    }
    reply(b)
}

#[test]
fn keys_made_ready_by_other_commands() {
    let (env, mut a) = start();
    let (mut b, mut c) = (env.conn(), env.conn());
    // A key renamed or moved into place, a list swapped in by SWAPDB.
    assert_eq!(
        served_after(
            &mut a,
            &mut b,
            "BLPOP foo 0",
            &["LPUSH bar hello", "RENAME bar foo"]
        ),
        "*2\\r\\n$3\\r\\nfoo\\r\\n$5\\r\\nhello\\r\\n"
    );
    assert_eq!(
        served_after(
            &mut a,
            &mut b,
            "BLPOP st 0",
            &["RPUSH src 3 1 2", "LMOVE src st LEFT LEFT"]
        ),
        "*2\\r\\n$2\\r\\nst\\r\\n$1\\r\\n3\\r\\n"
    );
    a.cmd("SELECT 1");
    a.cmd("RPUSH sw x");
    a.cmd("SELECT 0");
    assert_eq!(
        served_after(&mut a, &mut b, "BLPOP sw 0", &["SWAPDB 0 1"]),
        "*2\\r\\n$2\\r\\nsw\\r\\n$1\\r\\nx\\r\\n"
    );
    a.cmd("SWAPDB 0 1");
    // Variadic push, the same key given twice, a list moving onto itself.
    assert_eq!(
        served_after(&mut a, &mut b, "BLPOP vl 0", &["LPUSH vl foo bar"]),
        "*2\\r\\n$2\\r\\nvl\\r\\n$3\\r\\nbar\\r\\n"
    );
    assert_eq!(show(&a.cmd("LRANGE vl 0 -1")), "*1\\r\\n$3\\r\\nfoo\\r\\n");
    assert_eq!(
        served_after(&mut a, &mut b, "BLPOP l1 l2 l1 0", &["RPUSH l1 x"]),
        "*2\\r\\n$2\\r\\nl1\\r\\n$1\\r\\nx\\r\\n"
    );
    assert_eq!(
        served_after(
            &mut a,
            &mut b,
            "BRPOPLPUSH self self 0",
            &["RPUSH self foo"]
        ),
        "$3\\r\\nfoo\\r\\n"
    );
    assert_eq!(
        show(&a.cmd("LRANGE self 0 -1")),
        "*1\\r\\n$3\\r\\nfoo\\r\\n"
    );
    // Circular moves.
    send(&mut b, "BRPOPLPUSH c1 c2 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BRPOPLPUSH c2 c1 0");
    wait_blocked(&mut a, 2);
    a.cmd("RPUSH c1 foo");
    assert_eq!(reply(&mut b), "$3\\r\\nfoo\\r\\n");
    assert_eq!(reply(&mut c), "$3\\r\\nfoo\\r\\n");
    assert_eq!(show(&a.cmd("LRANGE c1 0 -1")), "*1\\r\\n$3\\r\\nfoo\\r\\n");
    assert_eq!(show(&a.cmd("EXISTS c2")), ":0\\r\\n");
    // The first waiter's destination has the wrong type: it gets the error, the next the element.
    send(&mut b, "BRPOPLPUSH bl t1 0");
    wait_blocked(&mut a, 1);
    send(&mut c, "BRPOPLPUSH bl t2 0");
    wait_blocked(&mut a, 2);
    a.cmd("SET t1 nolist");
    a.cmd("RPUSH bl foo");
    assert_eq!(
        reply(&mut b),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n"
    );
    assert_eq!(reply(&mut c), "$3\\r\\nfoo\\r\\n");
    assert_eq!(show(&a.cmd("LRANGE t2 0 -1")), "*1\\r\\n$3\\r\\nfoo\\r\\n");
}

#[test]
fn served_moves_touch_watched_keys() {
    let (env, mut a) = start();
    let (mut b, mut c) = (env.conn(), env.conn());
    a.cmd("WATCH dstlist");
    served_after(
        &mut c,
        &mut b,
        "BRPOPLPUSH srclist dstlist 0",
        &["LPUSH srclist element"],
    );
    a.cmd("MULTI");
    a.cmd("PING");
    assert_eq!(show(&a.cmd("EXEC")), "*-1\\r\\n");
    // Still blocked: nothing touched yet.
    a.cmd("WATCH dst2");
    send(&mut b, "BRPOPLPUSH src2 dst2 0");
    wait_blocked(&mut c, 1);
    a.cmd("MULTI");
    a.cmd("PING");
    assert_eq!(show(&a.cmd("EXEC")), "*1\\r\\n+PONG\\r\\n");
    c.cmd("RPUSH src2 x");
    assert_eq!(reply(&mut b), "$1\\r\\nx\\r\\n");
}

#[test]
fn client_reply_off_silences_a_served_pop() {
    let (env, mut a) = start();
    let mut b = env.conn();
    b.send(&encode(&[b"CLIENT", b"REPLY", b"OFF"]));
    send(&mut b, "BLPOP q 0");
    wait_blocked(&mut a, 1);
    a.cmd("RPUSH q x y");
    send(&mut b, "CLIENT REPLY ON");
    assert_eq!(reply(&mut b), "+OK\\r\\n");
    assert_eq!(show(&a.cmd("LRANGE q 0 -1")), "*1\\r\\n$1\\r\\ny\\r\\n");
}
