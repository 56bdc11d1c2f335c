//! Hash commands end to end: replies, errors, binary data, RESP3 forms, random replies and the
//! listpack/hashtable encodings. Every expected reply was taken from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `HASH_ORACLE_PORT=<port> cargo test --test hash -- --test-threads=1 --include-ignored`
//! (each test flushes that server first).
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("HASH_ORACLE_PORT")
}

const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INT: &[u8] = b"-ERR value is not an integer or out of range\r\n";
const SYNTAX: &[u8] = b"-ERR syntax error\r\n";

/// A parsed reply, for asserting properties of random replies.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(Vec<u8>),
    Nil,
    Int(i64),
    Arr(Vec<V>),
    Map(Vec<V>),
    Other(Vec<u8>),
}

fn parse(b: &[u8]) -> V {
    let mut pos = 0;
    let v = parse_at(b, &mut pos);
    assert_eq!(pos, b.len(), "trailing bytes in {}", show(b));
    v
}

fn parse_at(b: &[u8], pos: &mut usize) -> V {
    let end = *pos + b[*pos..].windows(2).position(|w| w == b"\r\n").unwrap();
    let line = &b[*pos..end];
    *pos = end + 2;
    let n = || -> i64 { std::str::from_utf8(&line[1..]).unwrap().parse().unwrap() };
    match line[0] {
        b'$' if n() < 0 => V::Nil,
        b'$' => {
            let len = n() as usize;
            let v = b[*pos..*pos + len].to_vec();
            *pos += len + 2;
            V::Bulk(v)
        }
        b'_' => V::Nil,
        b':' => V::Int(n()),
        b'*' => V::Arr((0..n()).map(|_| parse_at(b, pos)).collect()),
        b'%' => V::Map((0..2 * n()).map(|_| parse_at(b, pos)).collect()),
        _ => V::Other(line.to_vec()),
    }
}

fn bulk(s: &str) -> V {
    V::Bulk(s.as_bytes().to_vec())
}

fn arr(v: V) -> Vec<V> {
    match v {
        V::Arr(a) => a,
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn seed_example() {
    let (_env, mut c) = start();
    check_args(
        &mut c,
        &[b"HSET", b"myhash", b"field1", b"Hello"],
        b":1\r\n",
    );
    check(&mut c, "HGET myhash field1", b"$5\r\nHello\r\n");
    check_args(
        &mut c,
        &[b"HSET", b"myhash", b"field2", b"Hi", b"field3", b"World"],
        b":2\r\n",
    );
    check(&mut c, "HGET myhash field2", b"$2\r\nHi\r\n");
    check(&mut c, "HGET myhash field3", b"$5\r\nWorld\r\n");
    check(
        &mut c,
        "HGETALL myhash",
        b"*6\r\n$6\r\nfield1\r\n$5\r\nHello\r\n$6\r\nfield2\r\n$2\r\nHi\r\n$6\r\nfield3\r\n$5\r\nWorld\r\n",
    );
}

#[test]
fn arity_errors() {
    let (_env, mut c) = start();
    for (cmd, name) in [
        ("HSET h a", "hset"),
        ("HSET h", "hset"),
        ("HSET h a b c", "hset"),
        ("HMSET h", "hmset"),
        ("HMSET h a", "hmset"),
        ("HMSET h a b c", "hmset"),
        ("HSETNX h a", "hsetnx"),
        ("HGET h", "hget"),
        ("HMGET h", "hmget"),
        ("HGETALL", "hgetall"),
        ("HKEYS h a", "hkeys"),
        ("HVALS", "hvals"),
        ("HLEN h a", "hlen"),
        ("HSTRLEN h", "hstrlen"),
        ("HEXISTS h", "hexists"),
        ("HDEL h", "hdel"),
        ("HINCRBY h a", "hincrby"),
        ("HINCRBYFLOAT h a", "hincrbyfloat"),
        ("HSCAN h", "hscan"),
        ("HRANDFIELD", "hrandfield"),
    ] {
        let want = format!("-ERR wrong number of arguments for '{name}' command\r\n");
        check(&mut c, cmd, want.as_bytes());
    }
    // Nothing was created by the failed writes.
    check(&mut c, "EXISTS h", b":0\r\n");
}

#[test]
fn hset_hmset_hsetnx() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h a 1 a 2 b 3 a 4", b":2\r\n");
    check(
        &mut c,
        "HGETALL h",
        b"*4\r\n$1\r\na\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n3\r\n",
    );
    check(&mut c, "HSET h a 5 c 6", b":1\r\n");
    check(&mut c, "HMSET h d 7 a 8", b"+OK\r\n");
    check(
        &mut c,
        "HGETALL h",
        b"*8\r\n$1\r\na\r\n$1\r\n8\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\n6\r\n$1\r\nd\r\n$1\r\n7\r\n",
    );
    check(&mut c, "HSETNX h2 a 1", b":1\r\n");
    check(&mut c, "HSETNX h2 a 2", b":0\r\n");
    check(&mut c, "HGET h2 a", b"$1\r\n1\r\n");
    check(&mut c, "HSETNX h2 b 2", b":1\r\n");
    check(&mut c, "HLEN h2", b":2\r\n");
}

#[test]
fn reads_on_present_and_missing() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h f1 Hello f2 World", b":2\r\n");
    check(&mut c, "HGET h f1", b"$5\r\nHello\r\n");
    check(&mut c, "HGET h nope", b"$-1\r\n");
    check(
        &mut c,
        "HMGET h f1 nope f2",
        b"*3\r\n$5\r\nHello\r\n$-1\r\n$5\r\nWorld\r\n",
    );
    check(&mut c, "HLEN h", b":2\r\n");
    check(&mut c, "HSTRLEN h f1", b":5\r\n");
    check(&mut c, "HSTRLEN h nope", b":0\r\n");
    check(&mut c, "HEXISTS h f1", b":1\r\n");
    check(&mut c, "HEXISTS h nope", b":0\r\n");
    check(&mut c, "HKEYS h", b"*2\r\n$2\r\nf1\r\n$2\r\nf2\r\n");
    check(&mut c, "HVALS h", b"*2\r\n$5\r\nHello\r\n$5\r\nWorld\r\n");

    // A missing key behaves as an empty hash.
    check(&mut c, "HGET nokey a", b"$-1\r\n");
    check(&mut c, "HMGET nokey a b", b"*2\r\n$-1\r\n$-1\r\n");
    check(&mut c, "HGETALL nokey", b"*0\r\n");
    check(&mut c, "HKEYS nokey", b"*0\r\n");
    check(&mut c, "HVALS nokey", b"*0\r\n");
    check(&mut c, "HLEN nokey", b":0\r\n");
    check(&mut c, "HSTRLEN nokey a", b":0\r\n");
    check(&mut c, "HEXISTS nokey a", b":0\r\n");
    check(&mut c, "HDEL nokey a", b":0\r\n");
    check(&mut c, "HRANDFIELD nokey", b"$-1\r\n");
    check(&mut c, "HRANDFIELD nokey 5", b"*0\r\n");
    check(&mut c, "HRANDFIELD nokey -5 WITHVALUES", b"*0\r\n");
    check(&mut c, "HSCAN nokey 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
    check(&mut c, "EXISTS nokey", b":0\r\n");
}

#[test]
fn listpack_order_update_in_place_and_delete() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h a 1 b 2 c 3 d 4", b":4\r\n");
    check(&mut c, "HSET h b 20", b":0\r\n");
    check(&mut c, "HDEL h c", b":1\r\n");
    check(&mut c, "HSET h c 30 e 5", b":2\r\n");
    check(
        &mut c,
        "HGETALL h",
        b"*10\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$2\r\n20\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$2\r\n30\r\n$1\r\ne\r\n$1\r\n5\r\n",
    );
    check(
        &mut c,
        "HKEYS h",
        b"*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "HVALS h",
        b"*5\r\n$1\r\n1\r\n$2\r\n20\r\n$1\r\n4\r\n$2\r\n30\r\n$1\r\n5\r\n",
    );
}

#[test]
fn hdel_removes_empty_key_and_keeps_ttl_otherwise() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h f1 a f2 b f3 c", b":3\r\n");
    check(&mut c, "EXPIRE h 100", b":1\r\n");
    check(&mut c, "HSET h f4 d", b":1\r\n");
    check(&mut c, "TTL h", b":100\r\n");
    check(&mut c, "HDEL h f1 f1 nope f2", b":2\r\n");
    check(
        &mut c,
        "HGETALL h",
        b"*4\r\n$2\r\nf3\r\n$1\r\nc\r\n$2\r\nf4\r\n$1\r\nd\r\n",
    );
    check(&mut c, "HDEL h f3 f4", b":2\r\n");
    check(&mut c, "EXISTS h", b":0\r\n");
    check(&mut c, "HSET h a 1", b":1\r\n");
    check(&mut c, "TTL h", b":-1\r\n");
}

#[test]
fn wrongtype() {
    let (_env, mut c) = start();
    check(&mut c, "SET s x", b"+OK\r\n");
    for cmd in [
        "HSET s a b",
        "HMSET s a b",
        "HSETNX s a 1",
        "HGET s a",
        "HMGET s a",
        "HGETALL s",
        "HKEYS s",
        "HVALS s",
        "HLEN s",
        "HSTRLEN s a",
        "HEXISTS s a",
        "HDEL s a",
        "HINCRBY s a 1",
        "HINCRBYFLOAT s a 1",
        "HSCAN s 0",
        "HSCAN s 0 COUNT x",
        "HRANDFIELD s",
        "HRANDFIELD s 1",
        "HRANDFIELD s -1 WITHVALUES",
    ] {
        check(&mut c, cmd, WRONGTYPE);
    }
    // Argument errors are found before the type check.
    check(
        &mut c,
        "HSET s a",
        b"-ERR wrong number of arguments for 'hset' command\r\n",
    );
    check(&mut c, "HINCRBY s a x", NOT_INT);
    check(
        &mut c,
        "HINCRBYFLOAT s a x",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "HINCRBYFLOAT s a inf",
        b"-ERR value is NaN or Infinity\r\n",
    );
    check(&mut c, "HSCAN s x", b"-ERR invalid cursor\r\n");
    check(&mut c, "HRANDFIELD s x", NOT_INT);
    check(&mut c, "HRANDFIELD s 1 foo", SYNTAX);
    check(&mut c, "GET s", b"$1\r\nx\r\n");
}

#[test]
fn hincrby() {
    let (_env, mut c) = start();
    check(&mut c, "HINCRBY h a 5", b":5\r\n");
    check(&mut c, "HINCRBY h a -3", b":2\r\n");
    check(&mut c, "HGET h a", b"$1\r\n2\r\n");
    for bad in ["x", "1.5", "99999999999999999999", "+1", "01"] {
        check(&mut c, &format!("HINCRBY h a {bad}"), NOT_INT);
    }
    check_args(&mut c, &[b"HINCRBY", b"h", b"a", b""], NOT_INT);
    check_args(&mut c, &[b"HINCRBY", b"h", b"a", b" 1"], NOT_INT);
    check(&mut c, "HINCRBY nokey a x", NOT_INT);
    check(&mut c, "EXISTS nokey", b":0\r\n");

    check_args(
        &mut c,
        &[
            b"HSET",
            b"h",
            b"b",
            b"foo",
            b"c",
            b"9223372036854775807",
            b"d",
            b"-9223372036854775808",
            b"e",
            b" 5",
            b"f",
            b"007",
            b"g",
            b"",
        ],
        b":6\r\n",
    );
    let not_int = b"-ERR hash value is not an integer\r\n";
    for f in ["b", "e", "f", "g"] {
        check(&mut c, &format!("HINCRBY h {f} 1"), not_int);
    }
    let overflow = b"-ERR increment or decrement would overflow\r\n";
    check(&mut c, "HINCRBY h c 1", overflow);
    check(&mut c, "HINCRBY h c 0", b":9223372036854775807\r\n");
    check(&mut c, "HINCRBY h d -1", overflow);
    check(&mut c, "HINCRBY h d 9223372036854775807", b":-1\r\n");
    check(
        &mut c,
        "HINCRBY h new -9223372036854775808",
        b":-9223372036854775808\r\n",
    );
    check(&mut c, "HGET h d", b"$2\r\n-1\r\n");
}

#[test]
fn hincrbyfloat() {
    let (_env, mut c) = start();
    check(&mut c, "HINCRBYFLOAT h x 10.5", b"$4\r\n10.5\r\n");
    check(&mut c, "HINCRBYFLOAT h x 0.1", b"$4\r\n10.6\r\n");
    check(&mut c, "HINCRBYFLOAT h y 5.0e3", b"$4\r\n5000\r\n");
    check(&mut c, "HINCRBYFLOAT h y 2.0e2", b"$4\r\n5200\r\n");
    check(&mut c, "HGET h y", b"$4\r\n5200\r\n");
    check(&mut c, "HINCRBYFLOAT h i 3", b"$1\r\n3\r\n");
    check(&mut c, "HINCRBYFLOAT h i -3", b"$1\r\n0\r\n");
    check(&mut c, "HINCRBYFLOAT h j 1.0", b"$1\r\n1\r\n");
    check(&mut c, "HINCRBYFLOAT h k -2.5", b"$4\r\n-2.5\r\n");
    // Integers stored by HINCRBY are floats too, and the reverse fails.
    check(&mut c, "HINCRBY h n 7", b":7\r\n");
    check(&mut c, "HINCRBYFLOAT h n 1.5", b"$3\r\n8.5\r\n");
    check(
        &mut c,
        "HINCRBY h n 1",
        b"-ERR hash value is not an integer\r\n",
    );

    let not_float = b"-ERR value is not a valid float\r\n";
    for bad in ["x", "nan", "1e", "--1"] {
        check(&mut c, &format!("HINCRBYFLOAT h x {bad}"), not_float);
    }
    check_args(&mut c, &[b"HINCRBYFLOAT", b"h", b"x", b""], not_float);
    check_args(&mut c, &[b"HINCRBYFLOAT", b"h", b"x", b" 1"], not_float);
    check_args(&mut c, &[b"HINCRBYFLOAT", b"h", b"x", b"1 "], not_float);
    let nan_inf = b"-ERR value is NaN or Infinity\r\n";
    check(&mut c, "HINCRBYFLOAT h x inf", nan_inf);
    check(&mut c, "HINCRBYFLOAT h x -inf", nan_inf);
    check(&mut c, "HINCRBYFLOAT nokey x inf", nan_inf);
    check(&mut c, "HINCRBYFLOAT nokey x x", not_float);
    check(&mut c, "EXISTS nokey", b":0\r\n");

    check(&mut c, "HSET h s foo t inf", b":2\r\n");
    check(
        &mut c,
        "HINCRBYFLOAT h s 1",
        b"-ERR hash value is not a float\r\n",
    );
    check_args(&mut c, &[b"HSET", b"h", b"e", b""], b":1\r\n");
    check(
        &mut c,
        "HINCRBYFLOAT h e 1",
        b"-ERR hash value is not a float\r\n",
    );
    check(
        &mut c,
        "HINCRBYFLOAT h t 1",
        b"-ERR increment would produce NaN or Infinity\r\n",
    );
    check(&mut c, "HGET h x", b"$4\r\n10.6\r\n");
}

/// Needs the exact long double arithmetic of `crate::ldouble` (the f64 stand-in gives
/// 0.30000000000000004).
#[test]
#[ignore]
fn hincrbyfloat_long_double() {
    let (_env, mut c) = start();
    check(&mut c, "HINCRBYFLOAT h z 0.1", b"$3\r\n0.1\r\n");
    check(&mut c, "HINCRBYFLOAT h z 0.2", b"$3\r\n0.3\r\n");
}

#[test]
fn hscan() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h a 1 b 2 c 3 ab 4", b":4\r\n");
    let all = b"*2\r\n$1\r\n0\r\n*8\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$2\r\nab\r\n$1\r\n4\r\n";
    let a_star = b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$2\r\nab\r\n$1\r\n4\r\n";
    check(&mut c, "HSCAN h 0", all);
    check(&mut c, "HSCAN h 0 MATCH a*", a_star);
    check(&mut c, "HSCAN h 0 match a* count 1", a_star);
    check(&mut c, "HSCAN h 0 COUNT 1 MATCH a*", a_star);
    check(&mut c, "HSCAN h 0 MATCH * COUNT 100", all);
    check(&mut c, "HSCAN h 0 MATCH b* MATCH a*", a_star);
    check(&mut c, "HSCAN h 0 MATCH zz", b"*2\r\n$1\r\n0\r\n*0\r\n");

    for bad in [
        "HSCAN h 0 COUNT 0",
        "HSCAN h 0 COUNT -1",
        "HSCAN h 0 COUNT",
        "HSCAN h 0 MATCH",
        "HSCAN h 0 foo bar",
        "HSCAN h 0 NOVALUES",
        "HSCAN h 0 COUNT 0 MATCH a*",
    ] {
        check(&mut c, bad, SYNTAX);
    }
    check(&mut c, "HSCAN h 0 COUNT x", NOT_INT);
    // Options are not looked at when the key is missing.
    check(&mut c, "HSCAN nokey 0 COUNT x", b"*2\r\n$1\r\n0\r\n*0\r\n");
    check(&mut c, "HSCAN nokey 0 foo", b"*2\r\n$1\r\n0\r\n*0\r\n");

    // Cursors parse as strtoul: sign allowed, negative wraps, stops at NUL, empty is 0.
    for ok in [
        &b""[..],
        b"-1",
        b"+5",
        b"00",
        b"-0",
        b"18446744073709551615",
        b"-18446744073709551615",
        b"5\x00abc",
        b"\x00",
    ] {
        check_args(&mut c, &[b"HSCAN", b"h", ok], all);
    }
    let invalid = b"-ERR invalid cursor\r\n";
    for bad in [
        &b"x"[..],
        b" 5",
        b"\t5",
        b"1 ",
        b"18446744073709551616",
        b"-18446744073709551616",
        b"99999999999999999999999",
        b"0x1",
        b"1e3",
        b"-",
        b"+",
    ] {
        check_args(&mut c, &[b"HSCAN", b"h", bad], invalid);
        check_args(&mut c, &[b"HSCAN", b"nokey", bad], invalid);
    }
}

#[test]
fn hrandfield_errors_and_fixed_replies() {
    let (_env, mut c) = start();
    check(&mut c, "HSET h a 1 b 2 c 3", b":3\r\n");
    check(&mut c, "HRANDFIELD h 0", b"*0\r\n");
    check(&mut c, "HRANDFIELD h 0 WITHVALUES", b"*0\r\n");
    // A positive count of at least the size returns the whole hash in order.
    let keys = b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
    let pairs = b"*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n";
    check(&mut c, "HRANDFIELD h 3", keys);
    check(&mut c, "HRANDFIELD h 5", keys);
    check(&mut c, "HRANDFIELD h 5 WITHVALUES", pairs);
    check(&mut c, "HRANDFIELD h 3 withvalues", pairs);
    check(&mut c, "HRANDFIELD h 4611686018427387903 WITHVALUES", pairs);

    for bad in ["x", "1.5", "99999999999999999999"] {
        check(&mut c, &format!("HRANDFIELD h {bad}"), NOT_INT);
        check(&mut c, &format!("HRANDFIELD nokey {bad}"), NOT_INT);
    }
    check(&mut c, "HRANDFIELD h 1 foo", SYNTAX);
    check(&mut c, "HRANDFIELD h 1 WITHVALUES x", SYNTAX);
    check(&mut c, "HRANDFIELD h -9223372036854775807 foo", SYNTAX);
    check(&mut c, "HRANDFIELD nokey 5 foo", SYNTAX);
    let range = b"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n";
    check(&mut c, "HRANDFIELD h -9223372036854775808", range);
    check(&mut c, "HRANDFIELD nokey -9223372036854775808", range);
    let out_of_range = b"-ERR value is out of range\r\n";
    for n in [
        "9223372036854775807",
        "4611686018427387904",
        "-4611686018427387904",
    ] {
        check(
            &mut c,
            &format!("HRANDFIELD h {n} WITHVALUES"),
            out_of_range,
        );
    }
    check(
        &mut c,
        "HRANDFIELD nokey 9223372036854775807 WITHVALUES",
        out_of_range,
    );
}

/// Checks one random HRANDFIELD reply against the hash's `fields` (in insertion order).
fn check_random(
    c: &mut Conn,
    key: &str,
    count: i64,
    withvalues: bool,
    resp3: bool,
    fields: &[(String, String)],
) {
    let cmd = format!(
        "HRANDFIELD {key} {count}{}",
        if withvalues { " WITHVALUES" } else { "" }
    );
    let items = arr(parse(&c.cmd(&cmd)));
    let picks: Vec<(V, Option<V>)> = if !withvalues {
        items.into_iter().map(|k| (k, None)).collect()
    } else if resp3 {
        items
            .into_iter()
            .map(|p| {
                let p = arr(p);
                assert_eq!(p.len(), 2, "{cmd}: RESP3 pairs are 2-element arrays");
                (p[0].clone(), Some(p[1].clone()))
            })
            .collect()
    } else {
        assert!(items.len().is_multiple_of(2), "{cmd}: flat pairs");
        items
            .chunks(2)
            .map(|p| (p[0].clone(), Some(p[1].clone())))
            .collect()
    };
    let want_len = if count < 0 {
        count.unsigned_abs() as usize
    } else {
        (count as usize).min(fields.len())
    };
    assert_eq!(picks.len(), want_len, "{cmd}: reply size");
    let mut positions = Vec::new();
    for (k, v) in &picks {
        let pos = fields
            .iter()
            .position(|(f, _)| bulk(f) == *k)
            .unwrap_or_else(|| panic!("{cmd}: {k:?} is not a field"));
        if let Some(v) = v {
            assert_eq!(*v, bulk(&fields[pos].1), "{cmd}: value of {k:?}");
        }
        positions.push(pos);
    }
    if count > 0 {
        let mut sorted = positions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), positions.len(), "{cmd}: fields are distinct");
    }
}

#[test]
fn hrandfield_random_replies() {
    let (env, mut c) = start();
    let fields: Vec<(String, String)> = (0..10)
        .map(|i| (format!("f{i}"), format!("v{i}")))
        .collect();
    let mut cmd = String::from("HSET h");
    for (f, v) in &fields {
        cmd += &format!(" {f} {v}");
    }
    check(&mut c, &cmd, b":10\r\n");

    for _ in 0..20 {
        match parse(&c.cmd("HRANDFIELD h")) {
            V::Bulk(f) => assert!(fields.iter().any(|(k, _)| k.as_bytes() == f)),
            other => panic!("HRANDFIELD h: {other:?}"),
        }
    }
    let mut seen_repeat = false;
    for resp3 in [false, true] {
        let mut c = env.conn();
        if resp3 {
            c.cmd("HELLO 3");
        }
        for count in [1, 2, 5, 9, 10, 11, -1, -3, -10, -30] {
            for withvalues in [false, true] {
                for _ in 0..5 {
                    check_random(&mut c, "h", count, withvalues, resp3, &fields);
                }
            }
        }
        // 30 independent picks out of 10 fields must repeat one.
        let picks = arr(parse(&c.cmd("HRANDFIELD h -30")));
        let mut uniq = picks.clone();
        uniq.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        uniq.dedup();
        seen_repeat |= uniq.len() < picks.len();
    }
    assert!(seen_repeat);

    // Negative counts repeat the only field of a 1-field hash.
    check(&mut c, "HSET one k v", b":1\r\n");
    check(
        &mut c,
        "HRANDFIELD one -3 WITHVALUES",
        b"*6\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\nk\r\n$1\r\nv\r\n",
    );
    check(&mut c, "HRANDFIELD one", b"$1\r\nk\r\n");
}

#[test]
fn binary_fields_and_values() {
    let (_env, mut c) = start();
    check_args(
        &mut c,
        &[
            b"HSET", b"bin", b"a\x00b", b"\x00", b"", b"", b"\r\n", b"x\r\ny",
        ],
        b":3\r\n",
    );
    check_args(
        &mut c,
        &[b"HGETALL", b"bin"],
        b"*6\r\n$3\r\na\x00b\r\n$1\r\n\x00\r\n$0\r\n\r\n$0\r\n\r\n$2\r\n\r\n\r\n$4\r\nx\r\ny\r\n",
    );
    check_args(&mut c, &[b"HGET", b"bin", b""], b"$0\r\n\r\n");
    check_args(&mut c, &[b"HGET", b"bin", b"a\x00b"], b"$1\r\n\x00\r\n");
    check_args(&mut c, &[b"HGET", b"bin", b"a"], b"$-1\r\n");
    check_args(&mut c, &[b"HSTRLEN", b"bin", b"\r\n"], b":4\r\n");
    check_args(&mut c, &[b"HEXISTS", b"bin", b""], b":1\r\n");
    check_args(&mut c, &[b"HDEL", b"bin", b"a\x00b", b""], b":2\r\n");
    check_args(&mut c, &[b"HKEYS", b"bin"], b"*1\r\n$2\r\n\r\n\r\n");
    check_args(
        &mut c,
        &[b"HSCAN", b"bin", b"0", b"MATCH", b"\r*"],
        b"*2\r\n$1\r\n0\r\n*2\r\n$2\r\n\r\n\r\n$4\r\nx\r\ny\r\n",
    );
}

#[test]
fn resp3_forms() {
    let (env, mut c) = start();
    check(&mut c, "HSET h a 1 b 2", b":2\r\n");
    let mut c = env.conn();
    assert!(c.cmd("HELLO 3").starts_with(b"%"));
    check(
        &mut c,
        "HGETALL h",
        b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(&mut c, "HGETALL nokey", b"%0\r\n");
    check(&mut c, "HKEYS h", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    check(&mut c, "HVALS nokey", b"*0\r\n");
    check(&mut c, "HGET h zz", b"_\r\n");
    check(&mut c, "HMGET h a zz", b"*2\r\n$1\r\n1\r\n_\r\n");
    check(&mut c, "HRANDFIELD nokey", b"_\r\n");
    check(&mut c, "HRANDFIELD nokey 1", b"*0\r\n");
    check(&mut c, "HRANDFIELD h 0 WITHVALUES", b"*0\r\n");
    check(
        &mut c,
        "HRANDFIELD h 5 WITHVALUES",
        b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "HSCAN h 0",
        b"*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(&mut c, "HINCRBYFLOAT h a 1", b"$1\r\n2\r\n");
    check(&mut c, "HINCRBY h a 1", b":3\r\n");
}

/// Big hashes (the hashtable encoding at the default limits) answer like small ones, apart
/// from order.
#[test]
fn large_hashes() {
    let (_env, mut c) = start();
    let n = 600;
    let mut args: Vec<Vec<u8>> = vec![b"HSET".to_vec(), b"big".to_vec()];
    for i in 0..n {
        args.push(format!("f{i}").into_bytes());
        args.push(i.to_string().into_bytes());
    }
    let refs: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
    check_args(&mut c, &refs, format!(":{n}\r\n").as_bytes());
    check(&mut c, "HLEN big", b":600\r\n");
    check(&mut c, "HGET big f599", b"$3\r\n599\r\n");
    check(
        &mut c,
        "HMGET big f1 zz f10",
        b"*3\r\n$1\r\n1\r\n$-1\r\n$2\r\n10\r\n",
    );
    check(&mut c, "HSTRLEN big f123", b":3\r\n");
    check(&mut c, "HEXISTS big f5", b":1\r\n");
    check(&mut c, "HDEL big f5 f6 nope", b":2\r\n");
    check(&mut c, "HINCRBY big f7 10", b":17\r\n");
    check(&mut c, "HINCRBYFLOAT big f8 1.5", b"$3\r\n9.5\r\n");
    check(&mut c, "HSETNX big f9 x", b":0\r\n");
    check(&mut c, "HSETNX big new x", b":1\r\n");
    check(&mut c, "HLEN big", b":599\r\n");

    let mut want: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
        .filter(|i| *i != 5 && *i != 6)
        .map(|i| {
            let v = match i {
                7 => "17".to_string(),
                8 => "9.5".to_string(),
                _ => i.to_string(),
            };
            (format!("f{i}").into_bytes(), v.into_bytes())
        })
        .collect();
    want.push((b"new".to_vec(), b"x".to_vec()));
    want.sort();
    let pairs_of = |items: Vec<V>| -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut p: Vec<_> = items
            .chunks(2)
            .map(|p| match (&p[0], &p[1]) {
                (V::Bulk(k), V::Bulk(v)) => (k.clone(), v.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        p.sort();
        p
    };
    assert_eq!(pairs_of(arr(parse(&c.cmd("HGETALL big")))), want);
    assert_eq!(arr(parse(&c.cmd("HKEYS big"))).len(), 599);

    // HSCAN until the cursor comes back to 0 sees every field at least once.
    let mut cursor = b"0".to_vec();
    let mut seen = Vec::new();
    loop {
        let mut r = arr(parse(
            &c.cmd_args(&[b"HSCAN", b"big", &cursor, b"COUNT", b"50"]),
        ));
        seen.extend(pairs_of(arr(r.pop().unwrap())));
        match r.pop() {
            Some(V::Bulk(cur)) => cursor = cur,
            other => panic!("{other:?}"),
        }
        if cursor == b"0" {
            break;
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, want);

    // Random picks over the big hash.
    let fields: Vec<(String, String)> = want
        .iter()
        .map(|(k, v)| {
            (
                String::from_utf8(k.clone()).unwrap(),
                String::from_utf8(v.clone()).unwrap(),
            )
        })
        .collect();
    for count in [1, 10, 300, 599, 700, -5, -700] {
        check_random(&mut c, "big", count, true, false, &fields);
    }

    // A long value makes even a small hash a hashtable; it still answers the same.
    let long = "x".repeat(65);
    check(&mut c, &format!("HSET lv a 1 b {long}"), b":2\r\n");
    check(&mut c, "HSTRLEN lv b", b":65\r\n");
    check(&mut c, "HDEL lv a b", b":2\r\n");
    check(&mut c, "EXISTS lv", b":0\r\n");
}

/// Encoding conversions at small limits, checked through OBJECT ENCODING.
///
/// Ignored: this build has neither OBJECT nor CONFIG SET/`--` parsing of
/// `hash-max-listpack-*` yet (they are being written elsewhere). The same boundaries are
/// unit-tested in `src/db/hash.rs`. Un-ignore once both land.
#[test]
#[ignore]
fn encoding_conversions() {
    let (_env, mut c) = start();
    check(
        &mut c,
        "CONFIG SET hash-max-listpack-entries 4 hash-max-listpack-value 8",
        b"+OK\r\n",
    );
    let lp = b"$8\r\nlistpack\r\n";
    let ht = b"$9\r\nhashtable\r\n";
    // Entry count: 4 stays, a 5th converts, deleting never converts back.
    check(&mut c, "HSET h a 1 b 2 c 3 d 4", b":4\r\n");
    check(&mut c, "OBJECT ENCODING h", lp);
    check(&mut c, "HSET h e 5", b":1\r\n");
    check(&mut c, "OBJECT ENCODING h", ht);
    check(&mut c, "HDEL h a b c d", b":4\r\n");
    check(&mut c, "OBJECT ENCODING h", ht);
    check(&mut c, "HSET h2 a 1 b 2 c 3 d 4 e 5", b":5\r\n");
    check(&mut c, "OBJECT ENCODING h2", ht);
    // Value and field length: 8 bytes stay, 9 convert.
    check(&mut c, "HSET v1 f 12345678", b":1\r\n");
    check(&mut c, "OBJECT ENCODING v1", lp);
    check(&mut c, "HSET v1 f 123456789", b":0\r\n");
    check(&mut c, "OBJECT ENCODING v1", ht);
    check(&mut c, "HSET v2 12345678 x", b":1\r\n");
    check(&mut c, "OBJECT ENCODING v2", lp);
    check(&mut c, "HSET v2 123456789 x", b":1\r\n");
    check(&mut c, "OBJECT ENCODING v2", ht);
    // HSETNX on an existing field sets nothing and converts nothing.
    check(&mut c, "HSET v3 a 1", b":1\r\n");
    check(&mut c, "HSETNX v3 a 123456789", b":0\r\n");
    check(&mut c, "OBJECT ENCODING v3", lp);
    check(&mut c, "HSETNX v3 123456789 1", b":1\r\n");
    check(&mut c, "OBJECT ENCODING v3", ht);
    // HINCRBY / HINCRBYFLOAT: a long field, or a result that grows past the limit.
    check(&mut c, "HSET v5 a 1", b":1\r\n");
    check(&mut c, "HINCRBY v5 123456789 1", b":1\r\n");
    check(&mut c, "OBJECT ENCODING v5", ht);
    check(&mut c, "HSET v6 a 1", b":1\r\n");
    check(&mut c, "HINCRBYFLOAT v6 123456789 1", b"$1\r\n1\r\n");
    check(&mut c, "OBJECT ENCODING v6", ht);
    check(&mut c, "HSET v7 a 1", b":1\r\n");
    check(&mut c, "HINCRBY v7 a 123456789", b":123456790\r\n");
    check(&mut c, "OBJECT ENCODING v7", ht);
    check(&mut c, "HSET v8 a 1.5", b":1\r\n");
    check(
        &mut c,
        "HINCRBYFLOAT v8 a 12345678",
        b"$10\r\n12345679.5\r\n",
    );
    check(&mut c, "OBJECT ENCODING v8", ht);
    // A 5th field through each write command.
    for (key, cmd, reply) in [
        ("i1", "HINCRBY i1 e 1", &b":1\r\n"[..]),
        ("i2", "HINCRBYFLOAT i2 e 1", b"$1\r\n1\r\n"),
        ("i3", "HSETNX i3 e 1", b":1\r\n"),
        ("i4", "HMSET i4 e 1", b"+OK\r\n"),
    ] {
        check(&mut c, &format!("HSET {key} a 1 b 2 c 3 d 4"), b":4\r\n");
        check(&mut c, cmd, reply);
        check(&mut c, &format!("OBJECT ENCODING {key}"), ht);
    }
    // Zero limits.
    check(&mut c, "CONFIG SET hash-max-listpack-entries 0", b"+OK\r\n");
    check(&mut c, "HSET z a 1", b":1\r\n");
    check(&mut c, "OBJECT ENCODING z", ht);
    check(
        &mut c,
        "CONFIG SET hash-max-listpack-entries 4 hash-max-listpack-value 0",
        b"+OK\r\n",
    );
    check_args(&mut c, &[b"HSET", b"z2", b"", b""], b":1\r\n");
    check(&mut c, "OBJECT ENCODING z2", lp);
    check_args(&mut c, &[b"HSET", b"z2", b"a", b""], b":1\r\n");
    check(&mut c, "OBJECT ENCODING z2", ht);
    check(
        &mut c,
        "CONFIG SET hash-max-listpack-entries 512 hash-max-listpack-value 64",
        b"+OK\r\n",
    );
}

/// The default limits (512 entries, 64 bytes), through OBJECT ENCODING. Ignored until OBJECT
/// exists in this build.
#[test]
#[ignore]
fn encoding_default_limits() {
    let (_env, mut c) = start();
    let lp = b"$8\r\nlistpack\r\n";
    let ht = b"$9\r\nhashtable\r\n";
    let v64 = "x".repeat(64);
    check(&mut c, &format!("HSET h f {v64}"), b":1\r\n");
    check(&mut c, "OBJECT ENCODING h", lp);
    check(&mut c, &format!("HSET h f {v64}y"), b":0\r\n");
    check(&mut c, "OBJECT ENCODING h", ht);
    let mut cmd = String::from("HSET n");
    for i in 0..512 {
        cmd += &format!(" f{i} {i}");
    }
    check(&mut c, &cmd, b":512\r\n");
    check(&mut c, "OBJECT ENCODING n", lp);
    check(&mut c, "HSET n x 1", b":1\r\n");
    check(&mut c, "OBJECT ENCODING n", ht);
}

#[test]
fn reads_finish_a_rehash_that_deletions_started() {
    // The oracle needs `enable-debug-command yes` for DEBUG HTSTATS-KEY.
    let (_t, mut c) = start_target_with("HASH_ORACLE_PORT", &["--enable-debug-command", "yes"]);
    let fields: Vec<String> = (0..5000).map(|i| format!("f{i}")).collect();
    let mut hset: Vec<&[u8]> = vec![b"HSET", b"myh"];
    for f in &fields {
        hset.push(f.as_bytes());
        hset.push(b"v");
    }
    assert_eq!(c.cmd_args(&hset), b":5000\r\n");
    // Deleting all but 10 starts shrinking the table.
    let mut hdel: Vec<&[u8]> = vec![b"HDEL", b"myh"];
    hdel.extend(fields[..4990].iter().map(|f| f.as_bytes()));
    assert_eq!(c.cmd_args(&hdel), b":4990\r\n");
    let rehashing = |c: &mut Conn| {
        String::from_utf8_lossy(&c.cmd("DEBUG HTSTATS-KEY myh")).contains("rehashing target")
    };
    assert!(rehashing(&mut c));
    // Lookups alone carry the rehash to its end, as in Redis.
    let mut reads = 0;
    while rehashing(&mut c) {
        assert_eq!(c.cmd("HGET myh f4999"), b"$1\r\nv\r\n");
        reads += 1;
        assert!(reads < 2000, "still rehashing after {reads} reads");
    }
    assert_eq!(c.cmd("HLEN myh"), b":10\r\n");
}
