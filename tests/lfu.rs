//! OBJECT FREQ / OBJECT IDLETIME under the maxmemory policies: LFU counters (start at 5, one
//! increment per access with `lfu-log-factor 0`, kept on overwrite), the errors each policy
//! gives, runtime switches, and shared small integers (OBJECT REFCOUNT). Expected replies were
//! recorded from real Redis 7.0.15.
//!
//! To re-check against a real server: `LFU_ORACLE_PORT=<port> cargo test --test lfu --
//! --test-threads=1` (each test flushes that server first and restores the policy).
mod common;
use common::*;

const ORACLE: &str = "LFU_ORACLE_PORT";
const NOT_LFU: &[u8] = b"-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n";
const IS_LFU: &[u8] = b"-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n";

fn restore(c: &mut Conn) {
    check(c, "CONFIG SET maxmemory-policy noeviction", b"+OK\r\n");
    check(c, "CONFIG SET maxmemory 0", b"+OK\r\n");
    check(c, "CONFIG SET lfu-log-factor 10", b"+OK\r\n");
    check(c, "FLUSHALL", b"+OK\r\n");
}

#[test]
fn errors_follow_the_policy() {
    let (_t, mut c) = start_target(ORACLE);
    check(&mut c, "SET k v", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ k", NOT_LFU);
    check(&mut c, "OBJECT FREQ nokey", b"$-1\r\n");
    check(&mut c, "OBJECT IDLETIME k", b":0\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "OBJECT IDLETIME k", IS_LFU);
    check(&mut c, "OBJECT IDLETIME nokey", b"$-1\r\n");
    check(&mut c, "OBJECT FREQ nokey", b"$-1\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy volatile-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "OBJECT IDLETIME k", IS_LFU);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy volatile-lru",
        b"+OK\r\n",
    );
    check(&mut c, "OBJECT FREQ k", NOT_LFU);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-random",
        b"+OK\r\n",
    );
    check(&mut c, "OBJECT FREQ k", NOT_LFU);
    restore(&mut c);
}

#[test]
fn counters_start_at_five_and_count_accesses() {
    let (_t, mut c) = start_target(ORACLE);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "SET k v", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ k", b":5\r\n");
    // At the initial value the first access always counts.
    check(&mut c, "GET k", b"$1\r\nv\r\n");
    check(&mut c, "OBJECT FREQ k", b":6\r\n");
    // With log factor 0 every access counts; OBJECT, EXISTS, TYPE and TTL do not touch.
    check(&mut c, "CONFIG SET lfu-log-factor 0", b"+OK\r\n");
    for _ in 0..10 {
        check(&mut c, "GET k", b"$1\r\nv\r\n");
    }
    check(&mut c, "OBJECT FREQ k", b":16\r\n");
    check(&mut c, "EXISTS k", b":1\r\n");
    check(&mut c, "TYPE k", b"+string\r\n");
    check(&mut c, "TTL k", b":-1\r\n");
    check(&mut c, "OBJECT ENCODING k", b"$6\r\nembstr\r\n");
    check(&mut c, "OBJECT FREQ k", b":16\r\n");
    // An overwrite keeps the counter (and touches it).
    check(&mut c, "SET k v2", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ k", b":17\r\n");
    check(&mut c, "TOUCH k", b":1\r\n");
    check(&mut c, "OBJECT FREQ k", b":18\r\n");
    check(&mut c, "APPEND k x", b":3\r\n");
    check(&mut c, "OBJECT FREQ k", b":19\r\n");
    // Write lookups touch: SET NX that finds the key, SETNX, EXPIRE, PERSIST; TTL does not.
    check(&mut c, "SET k v3 NX", b"$-1\r\n");
    check(&mut c, "OBJECT FREQ k", b":20\r\n");
    check(&mut c, "SETNX k v4", b":0\r\n");
    check(&mut c, "OBJECT FREQ k", b":21\r\n");
    check(&mut c, "SET k v5 XX", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ k", b":22\r\n");
    check(&mut c, "EXPIRE k 1000", b":1\r\n");
    check(&mut c, "TTL k", b":1000\r\n");
    check(&mut c, "OBJECT FREQ k", b":23\r\n");
    check(&mut c, "PERSIST k", b":1\r\n");
    check(&mut c, "OBJECT FREQ k", b":24\r\n");
    // Deleted and created again: a new counter.
    check(&mut c, "DEL k", b":1\r\n");
    check(&mut c, "SET k v", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ k", b":5\r\n");
    restore(&mut c);
}

#[test]
fn collections_count_writes_and_reads() {
    let (_t, mut c) = start_target(ORACLE);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "CONFIG SET lfu-log-factor 0", b"+OK\r\n");
    check(&mut c, "RPUSH l a", b":1\r\n");
    check(&mut c, "RPUSH l b", b":2\r\n");
    c.cmd("LRANGE l 0 -1");
    check(&mut c, "OBJECT FREQ l", b":7\r\n");
    check(&mut c, "HSET h a 1", b":1\r\n");
    check(&mut c, "HSET h b 1", b":1\r\n");
    c.cmd("HGET h a");
    check(&mut c, "OBJECT FREQ h", b":7\r\n");
    check(&mut c, "SADD s a", b":1\r\n");
    check(&mut c, "SADD s b", b":1\r\n");
    c.cmd("SMEMBERS s");
    check(&mut c, "OBJECT FREQ s", b":7\r\n");
    check(&mut c, "ZADD z 1 a", b":1\r\n");
    check(&mut c, "OBJECT FREQ z", b":5\r\n");
    check(&mut c, "ZADD z 2 b 3 c 4 d", b":3\r\n");
    check(&mut c, "OBJECT FREQ z", b":6\r\n");
    check(&mut c, "ZPOPMIN z", b"*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    check(&mut c, "OBJECT FREQ z", b":7\r\n");
    check(
        &mut c,
        "ZMPOP 2 nokey z MIN",
        b"*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(&mut c, "OBJECT FREQ z", b":8\r\n");
    restore(&mut c);
}

#[test]
fn copy_is_fresh_rename_and_move_touch() {
    let (_t, mut c) = start_target(ORACLE);
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "CONFIG SET lfu-log-factor 0", b"+OK\r\n");
    check(&mut c, "SET a v", b"+OK\r\n");
    check(&mut c, "GET a", b"$1\r\nv\r\n");
    check(&mut c, "GET a", b"$1\r\nv\r\n");
    check(&mut c, "COPY a b", b":1\r\n");
    check(&mut c, "OBJECT FREQ b", b":5\r\n");
    check(&mut c, "OBJECT FREQ a", b":8\r\n");
    check(&mut c, "RENAME a c", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ c", b":9\r\n");
    check(&mut c, "MOVE c 1", b":1\r\n");
    check(&mut c, "SELECT 1", b"+OK\r\n");
    check(&mut c, "OBJECT FREQ c", b":10\r\n");
    check(&mut c, "SELECT 0", b"+OK\r\n");
    restore(&mut c);
}

#[test]
fn shared_integers_depend_on_maxmemory_and_policy() {
    let (_t, mut c) = start_target(ORACLE);
    check(&mut c, "SET n 5", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT n", b":2147483647\r\n");
    check(&mut c, "SET big 10000", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT big", b":1\r\n");
    // An LFU policy alone (maxmemory 0) still shares them.
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    check(&mut c, "SET m 7", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT m", b":2147483647\r\n");
    check(&mut c, "CONFIG SET maxmemory 100mb", b"+OK\r\n");
    check(&mut c, "SET m2 7", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT m2", b":1\r\n");
    check(&mut c, "OBJECT FREQ m2", b":5\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy volatile-lru",
        b"+OK\r\n",
    );
    check(&mut c, "SET m 8", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT m", b":1\r\n");
    check(&mut c, "OBJECT IDLETIME m", b":0\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-random",
        b"+OK\r\n",
    );
    check(&mut c, "SET m 9", b"+OK\r\n");
    check(&mut c, "OBJECT REFCOUNT m", b":2147483647\r\n");
    restore(&mut c);
}

#[test]
fn idle_time_grows_and_access_resets_it() {
    let (_t, mut c) = start_target(ORACLE);
    check(&mut c, "SET k v", b"+OK\r\n");
    std::thread::sleep(std::time::Duration::from_millis(2300));
    let idle = c.cmd("OBJECT IDLETIME k");
    assert!(idle == b":2\r\n" || idle == b":3\r\n", "{}", show(&idle));
    let dbg = String::from_utf8(c.cmd("DEBUG OBJECT k")).unwrap_or_default();
    if !dbg.starts_with('-') {
        assert!(
            dbg.contains(" lru_seconds_idle:2") || dbg.contains(" lru_seconds_idle:3"),
            "{dbg}"
        );
    }
    check(&mut c, "GET k", b"$1\r\nv\r\n");
    check(&mut c, "OBJECT IDLETIME k", b":0\r\n");
    restore(&mut c);
}

/// CLIENT NO-TOUCH (Redis 7.2): reads leave the LFU counter alone, TOUCH still counts.
#[test]
fn client_no_touch() {
    let srv = Server::start(&["--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0"]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("SET k v"), b"+OK\r\n");
    assert_eq!(c.cmd("OBJECT FREQ k"), b":5\r\n");
    assert_eq!(c.cmd("GET k"), b"$1\r\nv\r\n");
    assert_eq!(c.cmd("OBJECT FREQ k"), b":6\r\n");
    assert_eq!(c.cmd("CLIENT NO-TOUCH ON"), b"+OK\r\n");
    assert_eq!(c.cmd("GET k"), b"$1\r\nv\r\n");
    assert_eq!(c.cmd("OBJECT FREQ k"), b":6\r\n");
    assert_eq!(c.cmd("TOUCH k"), b":1\r\n");
    assert_eq!(c.cmd("OBJECT FREQ k"), b":7\r\n");
    let info = c.cmd("CLIENT INFO");
    assert!(String::from_utf8_lossy(&info).contains(" flags=T "));
    assert_eq!(c.cmd("CLIENT NO-TOUCH maybe"), b"-ERR syntax error\r\n");
    assert_eq!(c.cmd("CLIENT NO-TOUCH OFF"), b"+OK\r\n");
    assert_eq!(c.cmd("GET k"), b"$1\r\nv\r\n");
    assert_eq!(c.cmd("OBJECT FREQ k"), b":8\r\n");
}
