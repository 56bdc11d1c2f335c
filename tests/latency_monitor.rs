//! LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR over real samples (DEBUG SLEEP as the slow
//! command), and the fork figures of INFO. Formats compared with Redis 7.0.15's replies.
mod common;
use common::*;

fn ints(r: &[u8]) -> Vec<i64> {
    String::from_utf8_lossy(r)
        .split("\r\n")
        .filter_map(|l| l.strip_prefix(':'))
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[test]
fn slow_commands_become_latency_events() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    // Off by default: nothing is recorded.
    assert_eq!(c.cmd("DEBUG SLEEP 0.02"), b"+OK\r\n");
    assert_eq!(c.cmd("LATENCY LATEST"), b"*0\r\n");
    let off = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
    assert_eq!(
        c.cmd("LATENCY DOCTOR"),
        format!("${}\r\n{off}\r\n", off.len()).into_bytes()
    );
    assert_eq!(c.cmd("CONFIG SET latency-monitor-threshold 10"), b"+OK\r\n");
    assert_eq!(c.cmd("DEBUG SLEEP 0.03"), b"+OK\r\n");
    // A fast command under the threshold adds nothing.
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    let latest = c.cmd("LATENCY LATEST");
    assert!(
        latest.starts_with(b"*1\r\n*4\r\n$7\r\ncommand\r\n:"),
        "{}",
        show(&latest)
    );
    let v = ints(&latest);
    assert_eq!(v.len(), 3);
    assert!(v[1] >= 30 && v[2] == v[1], "{v:?}");
    let hist = c.cmd("LATENCY HISTORY command");
    assert!(hist.starts_with(b"*1\r\n*2\r\n:"), "{}", show(&hist));
    assert_eq!(ints(&hist), [v[0], v[1]]);
    // A second slow command in the same second keeps the worse of the two.
    assert_eq!(c.cmd("DEBUG SLEEP 0.01"), b"+OK\r\n");
    let h2 = ints(&c.cmd("LATENCY HISTORY command"));
    assert!(h2.len() == 2 || h2.len() == 4, "{h2:?}");
    let graph = c.cmd("LATENCY GRAPH command");
    let g = String::from_utf8_lossy(&graph);
    assert!(
        g.contains(&format!(
            "command - high {} ms",
            h2.iter().skip(1).step_by(2).max().unwrap()
        )),
        "{g}"
    );
    assert!(g.contains(&"-".repeat(80)), "{g}");
    let doc = String::from_utf8_lossy(&c.cmd("LATENCY DOCTOR")).into_owned();
    assert!(doc.contains("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n1. command: "), "{doc}");
    assert!(doc.contains("- Check your Slow Log to understand"), "{doc}");
    assert_eq!(
        c.cmd("LATENCY GRAPH nosuch"),
        b"-ERR No samples available for event 'nosuch'\r\n"
    );
    assert_eq!(c.cmd("LATENCY HISTORY nosuch"), b"*0\r\n");
    assert_eq!(c.cmd("LATENCY RESET nosuch"), b":0\r\n");
    assert_eq!(c.cmd("LATENCY RESET COMMAND"), b":1\r\n");
    assert_eq!(c.cmd("LATENCY LATEST"), b"*0\r\n");
    assert_eq!(c.cmd("LATENCY RESET"), b":0\r\n");
}

#[test]
fn forks_are_counted() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let info = String::from_utf8_lossy(&c.cmd("INFO stats")).into_owned();
    assert!(
        info.contains("\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\n"),
        "{info}"
    );
    assert_eq!(c.cmd("BGSAVE"), b"+Background saving started\r\n");
    let info = String::from_utf8_lossy(&c.cmd("INFO stats")).into_owned();
    assert!(info.contains("\r\ntotal_forks:1\r\n"), "{info}");
    assert!(!info.contains("\r\nlatest_fork_usec:0\r\n"), "{info}");
}
