//! Inputs found by `scripts/fuzz-commands.py` that once panicked (or aborted) the server. Each
//! test sends the input, checks the exact reply recorded from real Redis 7.0.15, then checks the
//! server still answers PING.
//!
//! To re-check the expectations against a real server, start one and run
//! `FUZZ_ORACLE_PORT=<port> cargo test --test fuzz_regressions -- --test-threads=1`.
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("FUZZ_ORACLE_PORT")
}

/// Like [`start`] with DEBUG enabled: a private ferrokv, or the oracle (started with
/// `--enable-debug-command yes`).
fn start_debug() -> (Option<Server>, Conn) {
    match std::env::var("FUZZ_ORACLE_PORT") {
        Ok(p) => (None, Conn::new(p.parse().expect("oracle port"))),
        Err(_) => {
            let srv = Server::start(&["--enable-debug-command", "yes"]);
            let c = srv.connect();
            (Some(srv), c)
        }
    }
}

#[track_caller]
fn alive(c: &mut Conn) {
    check(c, "PING", b"+PONG\r\n");
}

const INVALID: &[u8] = b"-ERR Invalid arguments specified for command\r\n";

/// COMMAND GETKEYS with a huge key count overflowed `first + (n - 1) * step` (debug panic).
/// Redis narrows the count to a C int: 2^32 + 1 means one key, 2^31 is negative.
#[test]
fn getkeys_huge_numkeys() {
    let (_env, mut c) = start();
    for n in [
        "9223372036854775807",
        "4294967296",
        "2147483648",
        "2147483647",
        "3",
        "0",
        "-1",
        "x",
    ] {
        check(
            &mut c,
            &format!("COMMAND GETKEYS ZUNIONSTORE d {n} a b"),
            INVALID,
        );
        check(&mut c, &format!("COMMAND GETKEYS ZINTER {n} a b"), INVALID);
        check(
            &mut c,
            &format!("COMMAND GETKEYS LMPOP {n} a LEFT"),
            INVALID,
        );
        check(
            &mut c,
            &format!("COMMAND GETKEYS BZMPOP 0 {n} a MIN"),
            INVALID,
        );
    }
    check(
        &mut c,
        "COMMAND GETKEYS ZUNIONSTORE d 4294967297 a b",
        b"*2\r\n$1\r\nd\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYS ZUNIONSTORE d 2 a b",
        b"*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYS PING a b",
        b"-ERR The command has no key arguments\r\n",
    );
    alive(&mut c);
}

/// DEBUG SLEEP with a huge finite value panicked in `Duration::from_secs_f64`. Redis's
/// conversion to microseconds overflows there and it does not sleep.
#[test]
fn debug_sleep_huge() {
    let (_env, mut c) = start_debug();
    for secs in ["1e308", "1e13", "inf", "-inf", "nan", "-1", "x", "0"] {
        let t = std::time::Instant::now();
        check(&mut c, &format!("DEBUG SLEEP {secs}"), b"+OK\r\n");
        assert!(
            t.elapsed() < std::time::Duration::from_secs(2),
            "{secs} slept"
        );
    }
    alive(&mut c);
}

/// EXPIRETIME (and TTL) of a key expiring at i64::MAX ms overflowed `ms + 500` while rounding.
#[test]
fn expiretime_at_max() {
    let (_env, mut c) = start();
    check(&mut c, "SET k v", b"+OK\r\n");
    check(&mut c, "PEXPIREAT k 9223372036854775807", b":1\r\n");
    check(&mut c, "EXPIRETIME k", b":9223372036854776\r\n");
    check(&mut c, "PEXPIRETIME k", b":9223372036854775807\r\n");
    check(&mut c, "PEXPIREAT k 9223372036854775307", b":1\r\n");
    check(&mut c, "EXPIRETIME k", b":9223372036854775\r\n");
    alive(&mut c);
}

/// The active expire cycle summed the remaining TTLs of sampled keys: two keys expiring at
/// i64::MAX ms overflowed the sum (a panic in the cron, not in a command).
#[test]
fn active_expire_huge_ttls() {
    let (_env, mut c) = start();
    for k in ["a", "b", "c"] {
        check(&mut c, &format!("SET {k} v"), b"+OK\r\n");
        check(
            &mut c,
            &format!("PEXPIREAT {k} 9223372036854775807"),
            b":1\r\n",
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(400));
    check(&mut c, "PEXPIRETIME a", b":9223372036854775807\r\n");
    check(&mut c, "DBSIZE", b":3\r\n");
    alive(&mut c);
}
