//! SORT and SORT_RO end to end: numeric and ALPHA order, LIMIT, BY (including `nosort` and hash
//! fields), GET, STORE, errors, NUL bytes and the command's metadata. Every expected reply was
//! recorded from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `SORT_ORACLE_PORT=<port> cargo test --test sort -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("SORT_ORACLE_PORT")
}

/// RESP3: a GET of a missing key is `_`; STORE replies an integer as in RESP2.
#[test]
fn resp3_nulls() {
    let (_env, mut c) = start();
    c.cmd("HELLO 3");
    check(&mut c, "RPUSH l 1 2 3", b":3\r\n");
    check(&mut c, "SET o_2 two", b"+OK\r\n");
    check(
        &mut c,
        "SORT l GET o_* GET #",
        b"*6\r\n_\r\n$1\r\n1\r\n$3\r\ntwo\r\n$1\r\n2\r\n_\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SORT l GET o_* STORE d", b":3\r\n");
    check(
        &mut c,
        "LRANGE d 0 -1",
        b"*3\r\n$0\r\n\r\n$3\r\ntwo\r\n$0\r\n\r\n",
    );
    check(&mut c, "SORT nokey", b"*0\r\n");
}

/// SORT reads each pattern key like a GET: keyspace hits and misses are counted.
#[test]
fn pattern_lookups_count_hits_and_misses() {
    let (_env, mut c) = start();
    let stat = |c: &mut Conn, name: &str| -> i64 {
        let info = c.cmd("INFO stats");
        let text = String::from_utf8_lossy(&info).to_string();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .and_then(|v| v.trim().parse().ok())
            .expect("stat")
    };
    c.cmd("RPUSH m a b c");
    c.cmd("SET w_a 1");
    c.cmd("SET g_b 1");
    let (h, m) = (
        stat(&mut c, "keyspace_hits"),
        stat(&mut c, "keyspace_misses"),
    );
    c.cmd("SORT m BY w_* GET g_* GET #");
    c.cmd("SORT nokey");
    c.cmd("SORT m BY nosort GET g_* STORE x");
    assert_eq!(stat(&mut c, "keyspace_hits") - h, 5);
    assert_eq!(stat(&mut c, "keyspace_misses") - m, 7);
}

/// Numeric sorting of lists, sets and sorted sets; DESC; ties by bytes; missing key.
#[test]
fn numeric_sort() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 3 1 2 5 4 10 9 8 7 6", b":10\r\n");
    check(&mut c, "SORT l", b"*10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n");
    check(&mut c, "SORT l DESC", b"*10\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n");
    check(&mut c, "SORT l ASC DESC ASC", b"*10\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n");
    check(&mut c, "SADD s 5 3 1 4 2 -1 100", b":7\r\n");
    check(
        &mut c,
        "SORT s",
        b"*7\r\n$2\r\n-1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$3\r\n100\r\n",
    );
    check(
        &mut c,
        "SORT s desc",
        b"*7\r\n$3\r\n100\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n$2\r\n-1\r\n",
    );
    check(&mut c, "SADD sw 1.5 -2e3 inf -inf 0x10 3e2 7", b":7\r\n");
    check(&mut c, "SORT sw", b"*7\r\n$4\r\n-inf\r\n$4\r\n-2e3\r\n$3\r\n1.5\r\n$1\r\n7\r\n$4\r\n0x10\r\n$3\r\n3e2\r\n$3\r\ninf\r\n");
    check(&mut c, "SORT sw DESC", b"*7\r\n$3\r\ninf\r\n$3\r\n3e2\r\n$4\r\n0x10\r\n$1\r\n7\r\n$3\r\n1.5\r\n$4\r\n-2e3\r\n$4\r\n-inf\r\n");
    check(&mut c, "SADD zero -0 0 +0 0.0", b":4\r\n");
    check(
        &mut c,
        "SORT zero",
        b"*4\r\n$2\r\n+0\r\n$2\r\n-0\r\n$1\r\n0\r\n$3\r\n0.0\r\n",
    );
    check(
        &mut c,
        "SORT zero DESC",
        b"*4\r\n$3\r\n0.0\r\n$1\r\n0\r\n$2\r\n-0\r\n$2\r\n+0\r\n",
    );
    check(&mut c, "ZADD z 3 a 1 b 2 c", b":3\r\n");
    check(
        &mut c,
        "SORT z",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(
        &mut c,
        "RPUSH ints 9223372036854775807 -9223372036854775808 0 12345678901234567890",
        b":4\r\n",
    );
    check(&mut c, "SORT ints", b"*4\r\n$20\r\n-9223372036854775808\r\n$1\r\n0\r\n$19\r\n9223372036854775807\r\n$20\r\n12345678901234567890\r\n");
    check(&mut c, "SORT nokey", b"*0\r\n");
    check(&mut c, "SORT nokey DESC LIMIT 0 1", b"*0\r\n");
}

/// ALPHA compares bytes (C locale): upper case before lower case, numbers as text.
#[test]
fn alpha_sort() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH m a B c D 10 9 b", b":7\r\n");
    check(
        &mut c,
        "SORT m ALPHA",
        b"*7\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\nB\r\n$1\r\nD\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "SORT m ALPHA DESC",
        b"*7\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nD\r\n$1\r\nB\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(&mut c, "SADD s a c b 1 2 10", b":6\r\n");
    check(
        &mut c,
        "SORT s ALPHA",
        b"*6\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "SORT s ALPHA DESC LIMIT 1 3",
        b"*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n",
    );
    check(&mut c, "ZADD z 3 a 1 b 2 c", b":3\r\n");
    check(
        &mut c,
        "SORT z ALPHA",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "SORT z ALPHA DESC",
        b"*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
}

/// Numeric SORT of values that are not numbers (whole-string strtod; NaN, overflow and subnormals refused).
#[test]
fn not_a_number() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH bad 1 x 2", b":3\r\n");
    check(
        &mut c,
        "SORT bad",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(
        &mut c,
        "SORT bad DESC",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(
        &mut c,
        "SORT bad LIMIT 0 1",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(
        &mut c,
        "SORT bad STORE dst",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(&mut c, "EXISTS dst", b":0\r\n");
    check(
        &mut c,
        "SORT bad ALPHA",
        b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\nx\r\n",
    );
    check(
        &mut c,
        "SORT bad BY nosort",
        b"*3\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n2\r\n",
    );
    check(&mut c, "RPUSH nanl nan 1", b":2\r\n");
    check(
        &mut c,
        "SORT nanl",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(&mut c, "RPUSH trail 1 2x", b":2\r\n");
    check(
        &mut c,
        "SORT trail",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check_args(&mut c, &[b"RPUSH", b"ws", b" 7", b"", b"3"], b":3\r\n");
    check(
        &mut c,
        "SORT ws",
        b"*3\r\n$0\r\n\r\n$1\r\n3\r\n$2\r\n 7\r\n",
    );
    check_args(&mut c, &[b"RPUSH", b"sp", b"  "], b":1\r\n");
    check(
        &mut c,
        "SORT sp",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(&mut c, "RPUSH big 1e400", b":1\r\n");
    check(
        &mut c,
        "SORT big",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(&mut c, "RPUSH tiny 1e-310", b":1\r\n");
    check(
        &mut c,
        "SORT tiny",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
}

/// LIMIT offset count: negative offset is 0, negative count is all, huge values clamp, 0 0 is empty.
#[test]
fn limit() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 3 1 2 5 4 10 9 8 7 6", b":10\r\n");
    check(
        &mut c,
        "SORT l LIMIT 0 3",
        b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 5 9223372036854775807",
        b"*5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 3 9223372036854775806",
        b"*7\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT -5 3",
        b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 3 -1",
        b"*7\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 3 -2",
        b"*7\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 9223372036854775807 9223372036854775807",
        b"*0\r\n",
    );
    check(&mut c, "SORT l LIMIT 0 0", b"*0\r\n");
    check(&mut c, "SORT l LIMIT 100 2", b"*0\r\n");
    check(&mut c, "SORT l LIMIT 9 5", b"*1\r\n$2\r\n10\r\n");
    check(&mut c, "SORT l LIMIT 10 1", b"*0\r\n");
    check(
        &mut c,
        "SORT l LIMIT -9223372036854775808 2",
        b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "SORT l DESC LIMIT 2 3",
        b"*3\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n",
    );
    check(&mut c, "SORT l LIMIT 1 2 LIMIT 0 1", b"*1\r\n$1\r\n1\r\n");
    check(
        &mut c,
        "SORT l LIMIT a 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 1 a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SORT l LIMIT 1 99999999999999999999",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "SORT l LIMIT 1", b"-ERR syntax error\r\n");
}

/// BY without '*' keeps a list's order; DESC reverses it; LIMIT takes the range.
#[test]
fn nosort_list() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 3 1 2 5 4 10 9 8 7 6", b":10\r\n");
    check(&mut c, "SORT l BY nosort", b"*10\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n5\r\n$1\r\n4\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n");
    check(&mut c, "SORT l BY nosort DESC", b"*10\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n");
    check(
        &mut c,
        "SORT l BY nosort LIMIT 5 9223372036854775807",
        b"*5\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n",
    );
    check(
        &mut c,
        "SORT l BY nosort DESC LIMIT 5 9223372036854775807",
        b"*5\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SORT l BY nosort DESC LIMIT 1 9223372036854775807", b"*9\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n");
    check(
        &mut c,
        "SORT l BY nosort LIMIT -5 3",
        b"*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "SORT l BY nosort DESC LIMIT 3 -2",
        b"*7\r\n$1\r\n9\r\n$2\r\n10\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SORT l BY nosort LIMIT 9 5", b"*1\r\n$1\r\n6\r\n");
    check(
        &mut c,
        "SORT l BY nosort DESC LIMIT 9 5",
        b"*1\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SORT l BY nosort DESC LIMIT 10 5", b"*0\r\n");
    check(&mut c, "SORT l BY nosort LIMIT 0 0", b"*0\r\n");
    check(&mut c, "SORT l BY nosort ALPHA DESC", b"*10\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n");
    check(&mut c, "SORT l BY nosort STORE dst", b":10\r\n");
    check(&mut c, "LRANGE dst 0 -1", b"*10\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n5\r\n$1\r\n4\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\n8\r\n$1\r\n7\r\n$1\r\n6\r\n");
}

/// A sorted set keeps its score order with BY nosort (LIMIT applies to the rank range); SORT converts it to a skiplist.
#[test]
fn nosort_zset() {
    let (_env, mut c) = start();
    check(&mut c, "ZADD z 3 a 1 b 2 c 5 d 4 e", b":5\r\n");
    check(&mut c, "OBJECT ENCODING z", b"$8\r\nlistpack\r\n");
    check(
        &mut c,
        "SORT z BY nosort",
        b"*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n$1\r\nd\r\n",
    );
    check(&mut c, "OBJECT ENCODING z", b"$8\r\nskiplist\r\n");
    check(
        &mut c,
        "SORT z BY nosort DESC",
        b"*5\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    check(
        &mut c,
        "SORT z BY nosort LIMIT 1 2",
        b"*2\r\n$1\r\nc\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        "SORT z BY nosort DESC LIMIT 1 2",
        b"*2\r\n$1\r\ne\r\n$1\r\na\r\n",
    );
    check(&mut c, "SORT z BY nosort LIMIT 4 10", b"*1\r\n$1\r\nd\r\n");
    check(
        &mut c,
        "SORT z BY nosort DESC LIMIT 4 10",
        b"*1\r\n$1\r\nb\r\n",
    );
    check(&mut c, "SORT z BY nosort LIMIT 5 10", b"*0\r\n");
    check(&mut c, "SORT z BY nosort DESC LIMIT 0 0", b"*0\r\n");
    check(&mut c, "SORT z BY nosort STORE dst", b":5\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\ne\r\n$1\r\nd\r\n",
    );
    check(&mut c, "ZADD zn 1 10 2 9 3 8", b":3\r\n");
    check(
        &mut c,
        "SORT_RO zn",
        b"*3\r\n$1\r\n8\r\n$1\r\n9\r\n$2\r\n10\r\n",
    );
    check(&mut c, "OBJECT ENCODING zn", b"$8\r\nskiplist\r\n");
    check(
        &mut c,
        "SORT_RO zn BY nosort",
        b"*3\r\n$2\r\n10\r\n$1\r\n9\r\n$1\r\n8\r\n",
    );
    check(
        &mut c,
        "SORT_RO zn BY nosort DESC LIMIT 1 1",
        b"*1\r\n$1\r\n9\r\n",
    );
}

/// A set with BY nosort and STORE is stored sorted by bytes (deterministic); an intset replies in order.
#[test]
fn nosort_set() {
    let (_env, mut c) = start();
    check(&mut c, "SADD s 5 3 1 4 2 -1 100", b":7\r\n");
    check(
        &mut c,
        "SORT s BY nosort",
        b"*7\r\n$2\r\n-1\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$3\r\n100\r\n",
    );
    check(&mut c, "SORT s BY nosort STORE dst", b":7\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*7\r\n$2\r\n-1\r\n$1\r\n1\r\n$3\r\n100\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
    );
    check(&mut c, "SADD sw a c b 1 2 10", b":6\r\n");
    check(&mut c, "SORT sw BY nosort STORE dst", b":6\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*6\r\n$1\r\n1\r\n$2\r\n10\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(&mut c, "SORT sw BY nosort DESC STORE dst", b":6\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*6\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n2\r\n$2\r\n10\r\n$1\r\n1\r\n",
    );
}

/// BY pattern: '*' is replaced by the element; missing or non-string keys weigh 0 (numeric) or sort first (ALPHA).
#[test]
fn by_pattern() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 1 2 3 4", b":4\r\n");
    check(
        &mut c,
        "MSET w_1 40 w_2 30 w_3 10 w_4 20 o_1 one o_2 two o_3 three",
        b"+OK\r\n",
    );
    check(
        &mut c,
        "SORT l BY w_*",
        b"*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY w_* DESC",
        b"*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n4\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "SORT l BY w_* LIMIT 1 2",
        b"*2\r\n$1\r\n4\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "SORT l BY w_* ALPHA",
        b"*4\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY o_* ALPHA",
        b"*4\r\n$1\r\n4\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "SORT l BY o_* ALPHA DESC",
        b"*4\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "SORT l BY o_*",
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check(
        &mut c,
        "SORT l BY missing_*",
        b"*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "SORT l BY missing_* DESC",
        b"*4\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY missing_* ALPHA DESC",
        b"*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n",
    );
    check(&mut c, "RPUSH w_5 1", b":1\r\n");
    check(&mut c, "RPUSH l 5", b":5\r\n");
    check(
        &mut c,
        "SORT l BY w_*",
        b"*5\r\n$1\r\n5\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY pre*post",
        b"*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n",
    );
    check(
        &mut c,
        "MSET pre1post 4 pre2post 3 pre3post 2 pre4post 1",
        b"+OK\r\n",
    );
    check(
        &mut c,
        "SORT l BY pre*post",
        b"*5\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY w_** DESC",
        b"*5\r\n$1\r\n5\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
}

/// GET pattern (several allowed): '#' is the element, missing keys and wrong types are nil, no '*' is always nil.
#[test]
fn get_pattern() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 1 2 3 4", b":4\r\n");
    check(
        &mut c,
        "MSET w_1 40 w_2 30 w_3 10 w_4 20 o_1 one o_2 two o_3 three",
        b"+OK\r\n",
    );
    check(&mut c, "RPUSH o_4 x", b":1\r\n");
    check(
        &mut c,
        "SORT l BY w_* GET o_*",
        b"*4\r\n$5\r\nthree\r\n$-1\r\n$3\r\ntwo\r\n$3\r\none\r\n",
    );
    check(&mut c, "SORT l BY w_* GET o_* GET # GET w_*", b"*12\r\n$5\r\nthree\r\n$1\r\n3\r\n$2\r\n10\r\n$-1\r\n$1\r\n4\r\n$2\r\n20\r\n$3\r\ntwo\r\n$1\r\n2\r\n$2\r\n30\r\n$3\r\none\r\n$1\r\n1\r\n$2\r\n40\r\n");
    check(
        &mut c,
        "SORT l BY w_* GET # GET o_* LIMIT 1 2",
        b"*4\r\n$1\r\n4\r\n$-1\r\n$1\r\n2\r\n$3\r\ntwo\r\n",
    );
    check(
        &mut c,
        "SORT l GET #",
        b"*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "SORT l GET nostar",
        b"*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(
        &mut c,
        "SORT l GET nostar GET #",
        b"*8\r\n$-1\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "SORT l BY nostar GET o_*",
        b"*4\r\n$3\r\none\r\n$3\r\ntwo\r\n$5\r\nthree\r\n$-1\r\n",
    );
    check(&mut c, "SORT l BY nosort DESC GET o_* GET #", b"*8\r\n$-1\r\n$1\r\n4\r\n$5\r\nthree\r\n$1\r\n3\r\n$3\r\ntwo\r\n$1\r\n2\r\n$3\r\none\r\n$1\r\n1\r\n");
    check(&mut c, "SORT l LIMIT 0 0 GET #", b"*0\r\n");
    check(&mut c, "SORT nokey GET #", b"*0\r\n");
}

/// Patterns with '->field' read a field of the hash at the key; an empty field name means a plain key.
#[test]
fn hash_fields() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 1 2 3 4", b":4\r\n");
    check(&mut c, "HSET h_1 f 4 g x", b":2\r\n");
    check(&mut c, "HSET h_2 f 3 g y", b":2\r\n");
    check(&mut c, "HSET h_3 f 2", b":1\r\n");
    check(&mut c, "HSET h_4 f 1 g w", b":2\r\n");
    check(
        &mut c,
        "SORT l BY h_*->f",
        b"*4\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l BY h_*->f GET h_*->g",
        b"*4\r\n$1\r\nw\r\n$-1\r\n$1\r\ny\r\n$1\r\nx\r\n",
    );
    check(
        &mut c,
        "SORT l BY h_*->g ALPHA GET h_*->g",
        b"*4\r\n$-1\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\ny\r\n",
    );
    check(
        &mut c,
        "SORT l BY h_*->g ALPHA DESC GET #",
        b"*4\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n4\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "SORT l BY h_*->nope GET h_*->f",
        b"*4\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "SORT l GET h_*->",
        b"*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(
        &mut c,
        "SORT l GET h_*",
        b"*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(&mut c, "SET h_1-> plain", b"+OK\r\n");
    check(
        &mut c,
        "SORT l GET h_*->",
        b"*4\r\n$5\r\nplain\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(
        &mut c,
        "SORT l GET h_*->f->x",
        b"*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(&mut c, "HSET h_1 f->x 99", b":1\r\n");
    check(
        &mut c,
        "SORT l GET h_*->f->x",
        b"*4\r\n$2\r\n99\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(&mut c, "SET 1 str", b"+OK\r\n");
    check(
        &mut c,
        "SORT l GET *->f",
        b"*4\r\n$-1\r\n$-1\r\n$-1\r\n$-1\r\n",
    );
    check(&mut c, "SORT l BY w_* GET h_*->f STORE dst", b":4\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*4\r\n$1\r\n4\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(&mut c, "HSET big_1 f 1", b":1\r\n");
    check(&mut c, "HSET big_2 f 2", b":1\r\n");
    check(
        &mut c,
        "HSET big_1 long xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        b":1\r\n",
    );
    check(
        &mut c,
        "SORT l BY big_*->f DESC GET big_*->f",
        b"*4\r\n$1\r\n2\r\n$1\r\n1\r\n$-1\r\n$-1\r\n",
    );
}

/// STORE writes a list (replacing any value and TTL), replies its length; an empty result deletes the destination.
#[test]
fn store() {
    let (_env, mut c) = start();
    check(&mut c, "RPUSH l 3 1 2", b":3\r\n");
    check(&mut c, "SORT l STORE dst", b":3\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(&mut c, "TYPE dst", b"+list\r\n");
    check(&mut c, "OBJECT ENCODING dst", b"$9\r\nquicklist\r\n");
    check(&mut c, "SET dst2 x EX 100", b"+OK\r\n");
    check(&mut c, "SORT l DESC STORE dst2", b":3\r\n");
    check(&mut c, "TTL dst2", b":-1\r\n");
    check(
        &mut c,
        "LRANGE dst2 0 -1",
        b"*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
    );
    check(&mut c, "SORT l LIMIT 0 0 STORE dst2", b":0\r\n");
    check(&mut c, "EXISTS dst2", b":0\r\n");
    check(&mut c, "SORT nokey STORE dst", b":0\r\n");
    check(&mut c, "EXISTS dst", b":0\r\n");
    check(&mut c, "SORT nokey STORE dst", b":0\r\n");
    check(&mut c, "SORT l GET # GET nope_* STORE dst", b":6\r\n");
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*6\r\n$1\r\n1\r\n$0\r\n\r\n$1\r\n2\r\n$0\r\n\r\n$1\r\n3\r\n$0\r\n\r\n",
    );
    check(&mut c, "SORT l STORE a STORE b", b":3\r\n");
    check(&mut c, "EXISTS a b", b":1\r\n");
    check(&mut c, "SORT l STORE l", b":3\r\n");
    check(
        &mut c,
        "LRANGE l 0 -1",
        b"*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SORT l STORE", b"-ERR syntax error\r\n");
}

/// Syntax errors come before WRONGTYPE; SORT_RO has no STORE.
#[test]
fn errors() {
    let (_env, mut c) = start();
    check(&mut c, "SET str x", b"+OK\r\n");
    check(&mut c, "HSET h f v", b":1\r\n");
    check(
        &mut c,
        "SORT str",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "SORT h",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "SORT str foo", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "SORT str LIMIT a b",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "SORT nokey foo", b"-ERR syntax error\r\n");
    check(&mut c, "SORT nokey BY", b"-ERR syntax error\r\n");
    check(&mut c, "SORT nokey GET", b"-ERR syntax error\r\n");
    check(&mut c, "SORT nokey STORE", b"-ERR syntax error\r\n");
    check(&mut c, "SORT nokey LIMIT 0", b"-ERR syntax error\r\n");
    check(&mut c, "SORT_RO nokey STORE dst", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "SORT_RO str",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "SORT",
        b"-ERR wrong number of arguments for 'sort' command\r\n",
    );
    check(
        &mut c,
        "SORT_RO",
        b"-ERR wrong number of arguments for 'sort_ro' command\r\n",
    );
    check(&mut c, "RPUSH l 2 1", b":2\r\n");
    check(&mut c, "SORT_RO l DESC LIMIT 0 1", b"*1\r\n$1\r\n2\r\n");
    check(
        &mut c,
        "SORT_RO l BY nosort STORE dst",
        b"-ERR syntax error\r\n",
    );
}

/// NUL bytes: ALPHA replies compare up to a NUL (strcoll), STORE compares whole strings; patterns end at a NUL for '*' and '->' search.
#[test]
fn binary() {
    let (_env, mut c) = start();
    check_args(
        &mut c,
        &[b"RPUSH", b"n", b"a\x00b", b"a", b"b\x00", b"A\x00z"],
        b":4\r\n",
    );
    check(&mut c, "SORT n ALPHA STORE nd", b":4\r\n");
    check(
        &mut c,
        "LRANGE nd 0 -1",
        b"*4\r\n$3\r\nA\x00z\r\n$1\r\na\r\n$3\r\na\x00b\r\n$2\r\nb\x00\r\n",
    );
    check_args(&mut c, &[b"SET", b"p_a\x00b", b"1"], b"+OK\r\n");
    check_args(&mut c, &[b"SET", b"p_a", b"3"], b"+OK\r\n");
    check_args(&mut c, &[b"SET", b"p_A\x00z", b"4"], b"+OK\r\n");
    check(
        &mut c,
        "SORT n BY p_*",
        b"*4\r\n$2\r\nb\x00\r\n$3\r\na\x00b\r\n$1\r\na\r\n$3\r\nA\x00z\r\n",
    );
    check_args(
        &mut c,
        &[b"SORT", b"n", b"BY", b"p_*\x00x"],
        b"*4\r\n$3\r\nA\x00z\r\n$1\r\na\r\n$3\r\na\x00b\r\n$2\r\nb\x00\r\n",
    );
    check_args(
        &mut c,
        &[b"SORT", b"n", b"BY", b"p_\x00*"],
        b"*4\r\n$3\r\na\x00b\r\n$1\r\na\r\n$2\r\nb\x00\r\n$3\r\nA\x00z\r\n",
    );
    check_args(
        &mut c,
        &[b"SORT", b"n", b"GET", b"#\x00junk"],
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check_args(
        &mut c,
        &[b"SORT", b"n", b"GET", b"p_*\x00"],
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check_args(&mut c, &[b"HSET", b"hh_a", b"f\x00g", b"1"], b":1\r\n");
    check_args(
        &mut c,
        &[b"SORT", b"n", b"GET", b"hh_*->f\x00g"],
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check_args(
        &mut c,
        &[b"SORT", b"n", b"GET", b"hh_*->\x00g"],
        b"-ERR One or more scores can't be converted into double\r\n",
    );
    check_args(
        &mut c,
        &[b"RPUSH", b"num", b"5\x00x", b"3", b"4"],
        b":3\r\n",
    );
    check(
        &mut c,
        "SORT num",
        b"*3\r\n$1\r\n3\r\n$1\r\n4\r\n$3\r\n5\x00x\r\n",
    );
}

/// COMMAND INFO, DOCS and GETKEYS for SORT and SORT_RO (STORE's destination is a key).
#[test]
fn command_meta() {
    let (_env, mut c) = start();
    check(&mut c, "COMMAND INFO sort sort_ro", b"*2\r\n*10\r\n$4\r\nsort\r\n:-2\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*6\r\n+@write\r\n+@set\r\n+@sortedset\r\n+@list\r\n+@slow\r\n+@dangerous\r\n*0\r\n*3\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*8\r\n$5\r\nnotes\r\n$120\r\nFor the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n*8\r\n$5\r\nnotes\r\n$116\r\nFor the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n*0\r\n*10\r\n$7\r\nsort_ro\r\n:-2\r\n*2\r\n+readonly\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*6\r\n+@read\r\n+@set\r\n+@sortedset\r\n+@list\r\n+@slow\r\n+@dangerous\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*8\r\n$5\r\nnotes\r\n$120\r\nFor the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$7\r\nunknown\r\n$4\r\nspec\r\n*0\r\n*0\r\n");
    check(&mut c, "COMMAND DOCS sort sort_ro", b"*4\r\n$4\r\nsort\r\n*10\r\n$7\r\nsummary\r\n$46\r\nSort the elements in a list, set or sorted set\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$168\r\nO(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).\r\n$9\r\narguments\r\n*7\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$2\r\nBY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nflags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*6\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$7\r\nsorting\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nALPHA\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:2\r\n$5\r\ntoken\r\n$5\r\nSTORE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$7\r\nsort_ro\r\n*10\r\n$7\r\nsummary\r\n$74\r\nSort the elements in a list, set or sorted set. Read-only variant of SORT.\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$7\r\ngeneric\r\n$10\r\ncomplexity\r\n$168\r\nO(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).\r\n$9\r\narguments\r\n*6\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$2\r\nBY\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nflags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n*8\r\n$4\r\nname\r\n$5\r\norder\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nasc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nASC\r\n*6\r\n$4\r\nname\r\n$4\r\ndesc\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nDESC\r\n*8\r\n$4\r\nname\r\n$7\r\nsorting\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nALPHA\r\n$5\r\nflags\r\n*1\r\n+optional\r\n");
    check(&mut c, "COMMAND GETKEYS sort k", b"*1\r\n$1\r\nk\r\n");
    check(
        &mut c,
        "COMMAND GETKEYS sort k STORE d",
        b"*2\r\n$1\r\nk\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS sort k BY x GET y LIMIT 0 1 STORE d STORE e",
        b"*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\ne\r\n*2\r\n+OW\r\n+update\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS sort k GET store STORE d",
        b"*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS sort k LIMIT store x",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS sort k STORE",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS sort_ro k STORE d",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
}
/// With BY and a LIMIT, Redis sorts partially (its pqsort): equal ALPHA weights come out in that algorithm's order.
#[test]
fn alpha_by_ties_with_limit() {
    let (_env, mut c) = start();
    check(
        &mut c,
        "RPUSH l 24 35 14 31 10 48 11 16 28 29 42 38 30 8 0 46 19 12 21 43 47 22 49 7 39 18 33 1 40 17 36 15 44 26 27 5 2 13 32 45 37 23 6 34 4 3 41 25 9 20",
        b":50\r\n",
    );
    check(
        &mut c,
        "MSET w_24 a w_35 a w_14 b w_10 b w_48 a w_16 a w_28 b w_29 b w_38 a w_30 b w_8 b w_0 b w_46 a w_12 b w_21 b w_43 b w_47 a w_49 a w_7 b w_39 b w_18 b w_1 b w_40 a w_17 a w_15 a w_44 b w_26 b w_27 b w_32 b w_37 b w_6 a w_34 a w_4 a w_3 a w_41 b w_25 b w_20 a",
        b"+OK\r\n",
    );
    check(&mut c, "SORT l BY w_* ALPHA LIMIT 0 10", b"*10\r\n$1\r\n2\r\n$2\r\n36\r\n$1\r\n9\r\n$2\r\n19\r\n$2\r\n33\r\n$2\r\n22\r\n$2\r\n11\r\n$2\r\n31\r\n$2\r\n45\r\n$2\r\n13\r\n");
    check(&mut c, "SORT l BY w_* ALPHA LIMIT 5 20", b"*20\r\n$2\r\n22\r\n$2\r\n11\r\n$2\r\n31\r\n$2\r\n45\r\n$2\r\n13\r\n$2\r\n42\r\n$2\r\n23\r\n$1\r\n5\r\n$2\r\n24\r\n$2\r\n35\r\n$2\r\n48\r\n$2\r\n16\r\n$2\r\n38\r\n$2\r\n46\r\n$2\r\n47\r\n$2\r\n49\r\n$2\r\n40\r\n$2\r\n17\r\n$2\r\n15\r\n$1\r\n6\r\n");
    check(&mut c, "SORT l BY w_* ALPHA DESC LIMIT 30 15", b"*15\r\n$2\r\n17\r\n$2\r\n15\r\n$1\r\n6\r\n$2\r\n34\r\n$1\r\n4\r\n$1\r\n3\r\n$2\r\n24\r\n$1\r\n2\r\n$2\r\n19\r\n$2\r\n45\r\n$2\r\n42\r\n$2\r\n23\r\n$1\r\n9\r\n$2\r\n11\r\n$2\r\n31\r\n");
    check(
        &mut c,
        "SORT l BY w_* ALPHA LIMIT 45 10",
        b"*5\r\n$2\r\n39\r\n$2\r\n18\r\n$2\r\n12\r\n$1\r\n1\r\n$2\r\n41\r\n",
    );
    check(&mut c, "SORT l BY w_* ALPHA", b"*50\r\n$2\r\n31\r\n$2\r\n11\r\n$2\r\n42\r\n$2\r\n19\r\n$2\r\n22\r\n$2\r\n33\r\n$2\r\n36\r\n$1\r\n5\r\n$1\r\n2\r\n$2\r\n13\r\n$2\r\n45\r\n$2\r\n23\r\n$1\r\n9\r\n$2\r\n24\r\n$2\r\n35\r\n$2\r\n48\r\n$2\r\n16\r\n$2\r\n38\r\n$2\r\n46\r\n$2\r\n47\r\n$2\r\n49\r\n$2\r\n40\r\n$2\r\n17\r\n$2\r\n15\r\n$1\r\n6\r\n$2\r\n34\r\n$1\r\n4\r\n$1\r\n3\r\n$2\r\n20\r\n$2\r\n14\r\n$2\r\n10\r\n$2\r\n28\r\n$2\r\n29\r\n$2\r\n30\r\n$1\r\n8\r\n$1\r\n0\r\n$2\r\n12\r\n$2\r\n21\r\n$2\r\n43\r\n$1\r\n7\r\n$2\r\n39\r\n$2\r\n18\r\n$1\r\n1\r\n$2\r\n44\r\n$2\r\n26\r\n$2\r\n27\r\n$2\r\n32\r\n$2\r\n37\r\n$2\r\n41\r\n$2\r\n25\r\n");
    check(
        &mut c,
        "SORT l BY w_* ALPHA LIMIT 12 3 STORE dst",
        b":3\r\n",
    );
    check(
        &mut c,
        "LRANGE dst 0 -1",
        b"*3\r\n$1\r\n5\r\n$2\r\n24\r\n$2\r\n35\r\n",
    );
}
