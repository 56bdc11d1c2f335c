//! SLOWLOG: errors, entry layout, argument truncation and redaction. Expected bytes recorded
//! from redis-server 7.0.15 (timestamps, durations and ports compared by shape).
mod common;
use common::*;

/// Replaces the timestamp, duration and client port of every `*6` entry with placeholders.
fn normalize(reply: &[u8]) -> String {
    let s = show(reply);
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("*6\\r\\n") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        // id, then timestamp and duration.
        for n in 0..3 {
            let end = rest.find("\\r\\n").unwrap() + 4;
            out.push_str(if n == 0 { &rest[..end] } else { ":N\\r\\n" });
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    let re_port = |t: &str| {
        let mut o = String::new();
        let mut r = t;
        while let Some(i) = r.find("127.0.0.1:") {
            o.push_str(&r[..i]);
            o.push_str("ADDR");
            r = &r[i + 10..];
            r = r.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        o.push_str(r);
        o
    };
    re_port(&out)
        .replace("$15\\r\\nADDR", "$N\\r\\nADDR")
        .replace("$14\\r\\nADDR", "$N\\r\\nADDR")
}

#[test]
fn errors_and_len() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let count_err = b"-ERR count should be greater than or equal to -1\r\n";
    check(&mut c, "SLOWLOG GET x", count_err);
    check(&mut c, "SLOWLOG GET -2", count_err);
    check(
        &mut c,
        "SLOWLOG GET 1 2",
        b"-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n",
    );
    check(&mut c, "SLOWLOG LEN", b":0\r\n");
    check(
        &mut c,
        "SLOWLOG",
        b"-ERR wrong number of arguments for 'slowlog' command\r\n",
    );
    check(&mut c, "SLOWLOG RESET", b"+OK\r\n");
    check(
        &mut c,
        "SLOWLOG FOO",
        b"-ERR unknown subcommand 'FOO'. Try SLOWLOG HELP.\r\n",
    );
}

#[test]
fn entries_redact_and_truncate() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    // As recorded: the CONFIG SET is entry 0, the RESET entry 1 (ids survive a reset).
    check(&mut c, "CONFIG SET slowlog-log-slower-than 0", b"+OK\r\n");
    c.send(b"SLOWLOG RESET\r\nAUTH a b\r\nSLOWLOG GET 1\r\nSLOWLOG LEN\r\n");
    let mut got = c.read_reply();
    got.extend(c.read_reply());
    got.extend(c.read_reply());
    got.extend(c.read_reply());
    assert_eq!(
        normalize(&got),
        normalize(b"+OK\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n*1\r\n*6\r\n:2\r\n:1795559075\r\n:10\r\n*3\r\n$4\r\nAUTH\r\n$10\r\n(redacted)\r\n$10\r\n(redacted)\r\n$15\r\n127.0.0.1:47100\r\n$0\r\n\r\n:3\r\n")
    );
    let big = vec![b'x'; 200];
    c.cmd_args(&[b"ECHO", &big]);
    let want = format!(
        "*1\r\n*6\r\n:5\r\n:1\r\n:4\r\n*2\r\n$4\r\nECHO\r\n$147\r\n{}... (72 more bytes)\r\n$15\r\n127.0.0.1:47106\r\n$0\r\n\r\n",
        "x".repeat(128)
    );
    assert_eq!(
        normalize(&c.cmd("SLOWLOG GET 1")),
        normalize(want.as_bytes())
    );
}
