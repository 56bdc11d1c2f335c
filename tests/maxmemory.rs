//! `maxmemory`: the OOM error and EXECABORT replies (recorded from real Redis 7.0.15 with
//! `CONFIG SET maxmemory 1`), and eviction under each `maxmemory-policy` while writing several
//! times the limit: memory stays near the limit, `volatile-*` only evict keys with a TTL and
//! refuse writes with OOM once none is left, `volatile-ttl` evicts the shortest TTLs first, and
//! LRU/LFU keep the recently/frequently used keys.
//!
//! To re-check against a real server: `MAXMEMORY_ORACLE_PORT=<port> cargo test --test
//! maxmemory -- --test-threads=1` (each test flushes that server and restores the limit).
mod common;
use common::*;

const ORACLE: &str = "MAXMEMORY_ORACLE_PORT";
const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const EXECABORT: &[u8] = b"-EXECABORT Transaction discarded because of previous errors.\r\n";
const EXECABORT_OOM: &[u8] = b"-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n";
/// Value size of the keys the eviction tests write.
const VAL: usize = 1000;

fn restore(c: &mut Conn) {
    check(c, "CONFIG SET maxmemory 0", b"+OK\r\n");
    check(c, "CONFIG SET maxmemory-policy noeviction", b"+OK\r\n");
    check(c, "CONFIG SET maxmemory-samples 5", b"+OK\r\n");
    check(c, "CONFIG SET lfu-log-factor 10", b"+OK\r\n");
    check(c, "FLUSHALL", b"+OK\r\n");
}

/// One `INFO` field as a string.
fn info(c: &mut Conn, field: &str) -> String {
    let r = c.cmd("INFO everything");
    let text = String::from_utf8_lossy(&r).into_owned();
    let prefix = format!("{field}:");
    text.split("\r\n")
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
        .unwrap_or_else(|| panic!("no {field} in INFO"))
}

fn info_num(c: &mut Conn, field: &str) -> u64 {
    info(c, field).parse().expect("number")
}

/// DBSIZE and `evicted_keys` read together: inside one EXEC, so no eviction (which runs
/// before every command while memory is over the limit) falls between them.
fn keys_and_evicted(c: &mut Conn) -> (u64, u64) {
    check(c, "MULTI", b"+OK\r\n");
    check(c, "DBSIZE", b"+QUEUED\r\n");
    check(c, "INFO stats", b"+QUEUED\r\n");
    let r = String::from_utf8_lossy(&c.cmd("EXEC")).into_owned();
    let keys = r
        .split("\r\n")
        .nth(1)
        .and_then(|l| l.strip_prefix(':'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{r}"));
    let evicted = r
        .split("\r\n")
        .find_map(|l| l.strip_prefix("evicted_keys:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{r}"));
    (keys, evicted)
}

/// Sets `policy` and a limit `extra` bytes above the memory in use now; returns the limit.
fn limit_above(c: &mut Conn, policy: &str, extra: u64) -> u64 {
    restore(c);
    check(c, "CONFIG RESETSTAT", b"+OK\r\n");
    check(
        c,
        &format!("CONFIG SET maxmemory-policy {policy}"),
        b"+OK\r\n",
    );
    let limit = info_num(c, "used_memory") + extra;
    check(c, &format!("CONFIG SET maxmemory {limit}"), b"+OK\r\n");
    limit
}

/// Writes `n` keys `prefix:i` of [`VAL`] bytes (with `EX ttl(i)` if given), pipelined;
/// returns how many were refused with OOM (any other reply but +OK fails the test).
fn fill(c: &mut Conn, prefix: &str, n: usize, ttl: Option<&dyn Fn(usize) -> u64>) -> usize {
    let val = vec![b'x'; VAL];
    let mut oom = 0;
    for start in (0..n).step_by(50) {
        let end = (start + 50).min(n);
        let mut buf = Vec::new();
        for i in start..end {
            let key = format!("{prefix}:{i}");
            match ttl {
                Some(t) => {
                    let secs = t(i).to_string();
                    buf.extend(encode(&[
                        b"SET",
                        key.as_bytes(),
                        &val,
                        b"EX",
                        secs.as_bytes(),
                    ]))
                }
                None => buf.extend(encode(&[b"SET", key.as_bytes(), &val])),
            }
        }
        c.send(&buf);
        for _ in start..end {
            let r = c.read_reply();
            if r == OOM {
                oom += 1;
            } else {
                assert_eq!(show(&r), "+OK\\r\\n");
            }
        }
    }
    oom
}

/// How many of `prefix:i` for `i` in `range` exist.
fn count(c: &mut Conn, prefix: &str, range: std::ops::Range<usize>) -> usize {
    let keys: Vec<String> = range.map(|i| format!("{prefix}:{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"EXISTS"];
    args.extend(keys.iter().map(|k| k.as_bytes()));
    let r = c.cmd_args(&args);
    std::str::from_utf8(&r[1..r.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

/// Reads each key `prefix:i` `times` times, pipelined.
fn read_all(c: &mut Conn, prefix: &str, n: usize, times: usize) {
    for _ in 0..times {
        for start in (0..n).step_by(100) {
            let end = (start + 100).min(n);
            let mut buf = Vec::new();
            for i in start..end {
                buf.extend(encode(&[b"GET", format!("{prefix}:{i}").as_bytes()]));
            }
            c.send(&buf);
            for _ in start..end {
                assert!(c.read_reply().starts_with(b"$1000\r\n"));
            }
        }
    }
}

#[test]
fn oom_refuses_denyoom_commands_and_transactions() {
    let (_t, mut c) = start_target(ORACLE);
    restore(&mut c);
    check(&mut c, "CONFIG RESETSTAT", b"+OK\r\n");
    check(&mut c, "SET k v", b"+OK\r\n");
    check(&mut c, "CONFIG SET maxmemory 1", b"+OK\r\n");
    check(&mut c, "SET a b", OOM);
    check(&mut c, "INCR n", OOM);
    check(&mut c, "GET a", b"$-1\r\n");
    check(&mut c, "GET k", b"$1\r\nv\r\n");
    // DEL is not denyoom (and noeviction never evicts k).
    check(&mut c, "DEL nokey", b":0\r\n");
    // Inside MULTI every command but EXEC/DISCARD/QUIT/RESET is refused, and EXEC aborts.
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "SET a b", OOM);
    check(&mut c, "GET a", OOM);
    check(&mut c, "MULTI", OOM);
    check(&mut c, "EXEC", EXECABORT);
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "PING", OOM);
    check(&mut c, "DISCARD", b"+OK\r\n");
    // A no-multi command gets its own error first.
    check(&mut c, "MULTI", b"+OK\r\n");
    check(
        &mut c,
        "SAVE",
        b"-ERR Command not allowed inside a transaction\r\n",
    );
    check(&mut c, "EXEC", EXECABORT);
    check(
        &mut c,
        "INFO errorstats",
        b"$89\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\nerrorstat_EXECABORT:count=2\r\nerrorstat_OOM:count=6\r\n\r\n",
    );
    check(
        &mut c,
        "INFO keyspace",
        b"$44\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n",
    );
    assert_eq!(info(&mut c, "maxmemory"), "1");
    assert_eq!(info(&mut c, "maxmemory_human"), "1B");
    assert_eq!(info(&mut c, "maxmemory_policy"), "noeviction");
    assert_eq!(info(&mut c, "evicted_keys"), "0");
    restore(&mut c);
}

#[test]
fn exec_of_a_queued_write_aborts_when_out_of_memory() {
    let (t, mut c) = start_target(ORACLE);
    restore(&mut c);
    check(&mut c, "CONFIG RESETSTAT", b"+OK\r\n");
    let mut other = t.conn();
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "SET x 1", b"+QUEUED\r\n");
    check(&mut c, "GET x", b"+QUEUED\r\n");
    check(&mut other, "CONFIG SET maxmemory 1", b"+OK\r\n");
    check(&mut c, "EXEC", EXECABORT_OOM);
    // The transaction is gone.
    check(&mut c, "GET x", b"$-1\r\n");
    check(&mut c, "EXEC", b"-ERR EXEC without MULTI\r\n");
    // A transaction of reads runs.
    check(&mut other, "CONFIG SET maxmemory 0", b"+OK\r\n");
    check(&mut c, "MULTI", b"+OK\r\n");
    check(&mut c, "GET x", b"+QUEUED\r\n");
    check(&mut other, "CONFIG SET maxmemory 1", b"+OK\r\n");
    check(&mut c, "EXEC", b"*1\r\n$-1\r\n");
    check(
        &mut c,
        "INFO errorstats",
        b"$66\r\n# Errorstats\r\nerrorstat_ERR:count=1\r\nerrorstat_EXECABORT:count=1\r\n\r\n",
    );
    let stats = c.cmd("INFO commandstats");
    let stats = String::from_utf8_lossy(&stats);
    assert!(stats.contains("cmdstat_exec:calls=2,"), "{stats}");
    assert!(
        stats.contains(",rejected_calls=1,failed_calls=1\r\n"),
        "{stats}"
    );
    restore(&mut c);
}

#[test]
fn noeviction_refuses_writes_and_keeps_keys() {
    let (_t, mut c) = start_target(ORACLE);
    let limit = limit_above(&mut c, "noeviction", 2_000_000);
    let oom = fill(&mut c, "k", 6000, None);
    assert!(oom > 3000, "{oom}");
    assert_eq!(info(&mut c, "evicted_keys"), "0");
    let used = info_num(&mut c, "used_memory");
    assert!(used < limit + 200_000, "{used} vs {limit}");
    check(&mut c, "DEL k:0", b":1\r\n");
    restore(&mut c);
}

#[test]
fn allkeys_policies_keep_memory_at_the_limit() {
    let (_t, mut c) = start_target(ORACLE);
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        let limit = limit_above(&mut c, policy, 4_000_000);
        assert_eq!(fill(&mut c, "k", 16_000, None), 0, "{policy}");
        let used = info_num(&mut c, "used_memory");
        assert!(
            used < limit + 200_000 && used > limit - 1_000_000,
            "{policy}: {used} vs {limit}"
        );
        let (keys, evicted) = keys_and_evicted(&mut c);
        assert_eq!(keys + evicted, 16_000, "{policy}");
        assert!((2500..4000).contains(&keys), "{policy}: {keys}");
        assert_eq!(info(&mut c, "maxmemory_policy"), policy);
    }
    restore(&mut c);
}

#[test]
fn volatile_policies_evict_only_keys_with_a_ttl() {
    let (_t, mut c) = start_target(ORACLE);
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let limit = limit_above(&mut c, policy, 4_000_000);
        assert_eq!(fill(&mut c, "p", 2000, None), 0, "{policy}");
        assert_eq!(fill(&mut c, "v", 4000, Some(&|_| 10_000)), 0, "{policy}");
        assert_eq!(count(&mut c, "p", 0..2000), 2000, "{policy}");
        let used = info_num(&mut c, "used_memory");
        assert!(used < limit + 200_000, "{policy}: {used} vs {limit}");
        // More keys without a TTL: the volatile keys go, then writes are refused.
        let oom = fill(&mut c, "q", 6000, None);
        assert!(oom > 2000, "{policy}: {oom}");
        assert_eq!(count(&mut c, "p", 0..2000), 2000, "{policy}");
        assert!(
            String::from_utf8_lossy(&c.cmd("INFO keyspace")).contains(",expires=0,"),
            "{policy}"
        );
        // A write bigger than the little room left is refused (its query buffer alone is).
        check_args(&mut c, &[b"SET", b"one", &vec![b'x'; 300_000]], OOM);
        check(
            &mut c,
            "GET p:0",
            &[b"$1000\r\n", &[b'x'; VAL][..], b"\r\n"].concat(),
        );
        check(&mut c, "DEL p:0", b":1\r\n");
        assert_eq!(info_num(&mut c, "evicted_keys"), 4000, "{policy}");
    }
    restore(&mut c);
}

#[test]
fn volatile_ttl_evicts_the_shortest_ttls_first() {
    let (_t, mut c) = start_target(ORACLE);
    limit_above(&mut c, "volatile-ttl", 3_000_000);
    check(&mut c, "CONFIG SET maxmemory-samples 10", b"+OK\r\n");
    assert_eq!(fill(&mut c, "t", 2000, Some(&|i| 1000 + i as u64)), 0);
    assert_eq!(fill(&mut c, "n", 1500, None), 0);
    let evicted = info_num(&mut c, "evicted_keys");
    assert!((400..1500).contains(&evicted), "{evicted}");
    let shortest = count(&mut c, "t", 0..400);
    let longest = count(&mut c, "t", 1600..2000);
    assert!(shortest < 100, "{shortest} of the 400 shortest TTLs left");
    assert!(longest > 390, "{longest} of the 400 longest TTLs left");
    restore(&mut c);
}

#[test]
fn lru_keeps_recently_used_keys() {
    let (_t, mut c) = start_target(ORACLE);
    limit_above(&mut c, "allkeys-lru", 5_000_000);
    assert_eq!(fill(&mut c, "cold", 2000, None), 0);
    assert_eq!(fill(&mut c, "hot", 2000, None), 0);
    // The LRU clock counts seconds.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    read_all(&mut c, "hot", 2000, 1);
    assert_eq!(fill(&mut c, "new", 1500, None), 0);
    let evicted = info_num(&mut c, "evicted_keys");
    assert!(evicted > 500, "{evicted}");
    let hot = count(&mut c, "hot", 0..2000);
    assert!(
        hot > 1950,
        "{hot} hot keys left of 2000 ({evicted} evicted)"
    );
    restore(&mut c);
}

#[test]
fn lfu_keeps_frequently_used_keys() {
    let (_t, mut c) = start_target(ORACLE);
    limit_above(&mut c, "allkeys-lfu", 5_000_000);
    check(&mut c, "CONFIG SET lfu-log-factor 0", b"+OK\r\n");
    assert_eq!(fill(&mut c, "cold", 2000, None), 0);
    assert_eq!(fill(&mut c, "hot", 2000, None), 0);
    read_all(&mut c, "hot", 2000, 10);
    check(&mut c, "OBJECT FREQ hot:7", b":15\r\n");
    assert_eq!(fill(&mut c, "new", 1500, None), 0);
    let evicted = info_num(&mut c, "evicted_keys");
    assert!(evicted > 500, "{evicted}");
    let hot = count(&mut c, "hot", 0..2000);
    assert!(
        hot > 1950,
        "{hot} hot keys left of 2000 ({evicted} evicted)"
    );
    restore(&mut c);
}

#[test]
fn lowering_maxmemory_evicts_down_to_it() {
    let (_t, mut c) = start_target(ORACLE);
    restore(&mut c);
    check(&mut c, "CONFIG RESETSTAT", b"+OK\r\n");
    let base = info_num(&mut c, "used_memory");
    assert_eq!(fill(&mut c, "k", 6000, None), 0);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-random",
        b"+OK\r\n",
    );
    let limit = base + 2_000_000;
    check(&mut c, &format!("CONFIG SET maxmemory {limit}"), b"+OK\r\n");
    std::thread::sleep(std::time::Duration::from_millis(500));
    // Eviction runs from the cron and before each command until under the limit (INFO's own
    // reply, being built when it reads used_memory, may show a few KB more).
    let slack = 32_000;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while info_num(&mut c, "used_memory") > limit + slack && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let used = info_num(&mut c, "used_memory");
    assert!(used <= limit + slack, "{used} vs {limit}");
    let evicted = info_num(&mut c, "evicted_keys");
    assert!((3000..5500).contains(&evicted), "{evicted}");
    check(&mut c, "SET one more", b"+OK\r\n");
    restore(&mut c);
}

#[test]
fn an_evicted_watched_key_fails_exec() {
    let (t, mut c) = start_target(ORACLE);
    restore(&mut c);
    check(&mut c, "CONFIG RESETSTAT", b"+OK\r\n");
    check(&mut c, "SET w 1", b"+OK\r\n");
    let mut watcher = t.conn();
    check(&mut watcher, "WATCH w", b"+OK\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lru",
        b"+OK\r\n",
    );
    check(&mut c, "CONFIG SET maxmemory 1", b"+OK\r\n");
    check(&mut c, "DBSIZE", b":0\r\n");
    check(&mut c, "CONFIG SET maxmemory 0", b"+OK\r\n");
    assert_eq!(info(&mut c, "evicted_keys"), "1");
    check(&mut watcher, "MULTI", b"+OK\r\n");
    check(&mut watcher, "GET w", b"+QUEUED\r\n");
    check(&mut watcher, "EXEC", b"*-1\r\n");
    restore(&mut c);
}
