//! Set commands end to end: replies, errors, RESP3 forms, random replies, binary members and
//! the intset/hashtable encodings. Every expected reply was taken from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `SET_ORACLE_PORT=<port> cargo test --test set -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};

fn start() -> (Target, Conn) {
    start_target("SET_ORACLE_PORT")
}

const WRONGTYPE: &[u8] = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const NOT_INT: &[u8] = b"-ERR value is not an integer or out of range\r\n";
const SYNTAX: &[u8] = b"-ERR syntax error\r\n";
const NOT_POSITIVE: &[u8] = b"-ERR value is out of range, must be positive\r\n";

/// A parsed reply: its aggregate tag (`*` or `~`) and bulk members, or a scalar line.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(Vec<u8>),
    Agg(u8, Vec<V>),
    Line(Vec<u8>),
}

/// Reads one reply through a buffer (big replies would take a syscall per byte otherwise).
/// Only one reply is outstanding, so nothing past it is read and lost.
fn cmd_parsed(c: &mut Conn, args: &[&[u8]]) -> V {
    c.send(&encode(args));
    let mut r = BufReader::new(c.s.try_clone().expect("clone"));
    read_v(&mut r)
}

fn read_v(r: &mut impl BufRead) -> V {
    let mut line = Vec::new();
    r.read_until(b'\n', &mut line).expect("read");
    line.truncate(line.len() - 2);
    let n = || -> i64 { std::str::from_utf8(&line[1..]).unwrap().parse().unwrap() };
    match line[0] {
        b'$' if n() >= 0 => {
            let mut b = vec![0u8; n() as usize + 2];
            r.read_exact(&mut b).expect("read bulk");
            b.truncate(b.len() - 2);
            V::Bulk(b)
        }
        t @ (b'*' | b'~') if n() >= 0 => V::Agg(t, (0..n()).map(|_| read_v(r)).collect()),
        _ => V::Line(line),
    }
}

/// The members of an aggregate of bulks, with its tag.
fn bulks(v: V) -> (u8, Vec<Vec<u8>>) {
    match v {
        V::Agg(t, items) => (
            t,
            items
                .into_iter()
                .map(|i| match i {
                    V::Bulk(b) => b,
                    other => panic!("not a bulk: {other:?}"),
                })
                .collect(),
        ),
        other => panic!("not an aggregate: {other:?}"),
    }
}

/// Sends a command whose reply is an aggregate of distinct members in an order that depends on
/// the hash table; asserts its tag and its members as a set.
#[track_caller]
fn check_unordered(c: &mut Conn, cmd: &str, tag: u8, want: &[&str]) {
    let args: Vec<&[u8]> = cmd.split(' ').map(|s| s.as_bytes()).collect();
    let (t, got) = bulks(cmd_parsed(c, &args));
    assert_eq!(t as char, tag as char, "reply type of {cmd:?}");
    let got_set: BTreeSet<Vec<u8>> = got.iter().cloned().collect();
    assert_eq!(got_set.len(), got.len(), "duplicates in reply to {cmd:?}");
    let want: BTreeSet<Vec<u8>> = want.iter().map(|s| s.as_bytes().to_vec()).collect();
    assert_eq!(got_set, want, "members of reply to {cmd:?}");
}

/// The RESP encoding of an aggregate of bulk strings.
fn agg(tag: char, items: &[&str]) -> Vec<u8> {
    let mut v = format!("{tag}{}\r\n", items.len()).into_bytes();
    for i in items {
        v.extend_from_slice(format!("${}\r\n{i}\r\n", i.len()).as_bytes());
    }
    v
}

fn strs(v: &[Vec<u8>]) -> Vec<String> {
    v.iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect()
}

/// SADD of many members in batches.
fn sadd_many(c: &mut Conn, key: &str, members: impl Iterator<Item = String>) {
    let members: Vec<String> = members.collect();
    for chunk in members.chunks(1000) {
        let mut args: Vec<&[u8]> = vec![b"SADD", key.as_bytes()];
        args.extend(chunk.iter().map(|m| m.as_bytes()));
        let want = format!(":{}\r\n", chunk.len());
        assert_eq!(show(&c.cmd_args(&args)), show(want.as_bytes()));
    }
}

#[test]
fn arity_errors() {
    let (_env, mut c) = start();
    for (cmd, name) in [
        ("SADD s", "sadd"),
        ("SREM s", "srem"),
        ("SMEMBERS", "smembers"),
        ("SMEMBERS s t", "smembers"),
        ("SISMEMBER s", "sismember"),
        ("SISMEMBER s a b", "sismember"),
        ("SMISMEMBER s", "smismember"),
        ("SCARD", "scard"),
        ("SCARD s t", "scard"),
        ("SPOP", "spop"),
        ("SRANDMEMBER", "srandmember"),
        ("SMOVE a b", "smove"),
        ("SMOVE a b c d", "smove"),
        ("SINTER", "sinter"),
        ("SINTERCARD 1", "sintercard"),
        ("SUNION", "sunion"),
        ("SDIFF", "sdiff"),
        ("SINTERSTORE d", "sinterstore"),
        ("SUNIONSTORE d", "sunionstore"),
        ("SDIFFSTORE d", "sdiffstore"),
        ("SSCAN s", "sscan"),
    ] {
        let want = format!("-ERR wrong number of arguments for '{name}' command\r\n");
        check(&mut c, cmd, want.as_bytes());
    }
    check(&mut c, "EXISTS s d", b":0\r\n");
}

#[test]
fn sadd_srem_and_reads() {
    let (_env, mut c) = start();
    check(&mut c, "SADD s 3 1 2", b":3\r\n");
    check(&mut c, "SADD s 2 -5 70000", b":2\r\n");
    check(&mut c, "OBJECT ENCODING s", b"$6\r\nintset\r\n");
    check(
        &mut c,
        "SMEMBERS s",
        &agg('*', &["-5", "1", "2", "3", "70000"]),
    );
    check(&mut c, "SCARD s", b":5\r\n");
    check(&mut c, "SCARD nokey", b":0\r\n");
    check(&mut c, "SISMEMBER s 2", b":1\r\n");
    check(&mut c, "SISMEMBER s 02", b":0\r\n");
    check(&mut c, "SISMEMBER s x", b":0\r\n");
    check(&mut c, "SISMEMBER nokey x", b":0\r\n");
    check(&mut c, "SMISMEMBER s 1 x 3", b"*3\r\n:1\r\n:0\r\n:1\r\n");
    check(&mut c, "SMISMEMBER nokey a b", b"*2\r\n:0\r\n:0\r\n");
    check(&mut c, "SREM s 1 100", b":1\r\n");
    check(&mut c, "SREM nokey 1", b":0\r\n");
    check(&mut c, "SREM s -5 x 2 3", b":3\r\n");
    check(&mut c, "SMEMBERS s", &agg('*', &["70000"]));
    // The last member gone, the key goes too.
    check(&mut c, "SREM s 70000 70000", b":1\r\n");
    check(&mut c, "EXISTS s", b":0\r\n");
    check(&mut c, "SMEMBERS s", b"*0\r\n");
    // A hashtable set.
    check(&mut c, "SADD h a b c a", b":3\r\n");
    check(&mut c, "OBJECT ENCODING h", b"$9\r\nhashtable\r\n");
    check(&mut c, "TYPE h", b"+set\r\n");
    check_unordered(&mut c, "SMEMBERS h", b'*', &["a", "b", "c"]);
    check(&mut c, "SREM h a b c", b":3\r\n");
    check(&mut c, "EXISTS h", b":0\r\n");
    // SREM keeps the TTL of a set that stays.
    check(&mut c, "SADD t 1 2", b":2\r\n");
    check(&mut c, "EXPIRE t 100", b":1\r\n");
    check(&mut c, "SREM t 1", b":1\r\n");
    check(&mut c, "TTL t", b":100\r\n");
}

#[test]
fn integer_members_and_widths() {
    let (_env, mut c) = start();
    // Only canonical i64s are intset members.
    for m in [
        "-0",
        "01",
        "9223372036854775808",
        " 1",
        "+1",
        "",
        "1.0",
        "0x10",
        "1e3",
    ] {
        check(
            &mut c,
            "DEL k",
            if m == "-0" { b":0\r\n" } else { b":1\r\n" },
        );
        check_args(&mut c, &[b"SADD", b"k", m.as_bytes()], b":1\r\n");
        check(&mut c, "OBJECT ENCODING k", b"$9\r\nhashtable\r\n");
    }
    check(&mut c, "DEL k", b":1\r\n");
    check(
        &mut c,
        "SADD k 9223372036854775807 -9223372036854775808 0",
        b":3\r\n",
    );
    check(&mut c, "OBJECT ENCODING k", b"$6\r\nintset\r\n");
    check(
        &mut c,
        "SMEMBERS k",
        &agg('*', &["-9223372036854775808", "0", "9223372036854775807"]),
    );
    // 16 -> 32 -> 64 bit upgrades keep the order; the width never shrinks back.
    check(&mut c, "SADD w 5 -32768 32767", b":3\r\n");
    check(&mut c, "SADD w 32768 -2147483648", b":2\r\n");
    check(&mut c, "SADD w 2147483648 -3", b":2\r\n");
    check(
        &mut c,
        "SMEMBERS w",
        &agg(
            '*',
            &[
                "-2147483648",
                "-32768",
                "-3",
                "5",
                "32767",
                "32768",
                "2147483648",
            ],
        ),
    );
    check(&mut c, "SREM w 2147483648 -2147483648 32768", b":3\r\n");
    check(&mut c, "SISMEMBER w 2147483648", b":0\r\n");
    check(&mut c, "SISMEMBER w -32768", b":1\r\n");
    check(&mut c, "SISMEMBER w 9223372036854775808", b":0\r\n");
    check(&mut c, "SADD w 7", b":1\r\n");
    check(
        &mut c,
        "SMEMBERS w",
        &agg('*', &["-32768", "-3", "5", "7", "32767"]),
    );
    // "-0" and "01" are different strings from "0" and "1".
    check(&mut c, "SADD m 0 1 -0 01", b":4\r\n");
    check(&mut c, "OBJECT ENCODING m", b"$9\r\nhashtable\r\n");
    check(&mut c, "SISMEMBER m -0", b":1\r\n");
    check(&mut c, "SREM m 0 1", b":2\r\n");
    check_unordered(&mut c, "SMEMBERS m", b'*', &["-0", "01"]);
}

#[test]
fn encoding_conversions() {
    let (_env, mut c) = start();
    // 512 integers stay an intset; the 513th converts.
    sadd_many(&mut c, "big", (0..512).map(|i| i.to_string()));
    check(&mut c, "OBJECT ENCODING big", b"$6\r\nintset\r\n");
    check(&mut c, "SADD big 511", b":0\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$6\r\nintset\r\n");
    check(&mut c, "SADD big 512", b":1\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$9\r\nhashtable\r\n");
    // Never back, even when small and all integers again.
    check(&mut c, "SREM big 512", b":1\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$9\r\nhashtable\r\n");
    check(&mut c, "SADD n 1 2 3", b":3\r\n");
    check(&mut c, "SADD n x", b":1\r\n");
    check(&mut c, "OBJECT ENCODING n", b"$9\r\nhashtable\r\n");
    check(&mut c, "SREM n x", b":1\r\n");
    check(&mut c, "OBJECT ENCODING n", b"$9\r\nhashtable\r\n");
    check(&mut c, "SISMEMBER n 2", b":1\r\n");
    // The first member decides the encoding of a new set.
    check(&mut c, "SADD f x 1", b":2\r\n");
    check(&mut c, "SREM f x", b":1\r\n");
    check(&mut c, "OBJECT ENCODING f", b"$9\r\nhashtable\r\n");
    // Results are built afresh: an all-integer hashtable yields an intset.
    check(&mut c, "SUNIONSTORE u n", b":3\r\n");
    check(&mut c, "OBJECT ENCODING u", b"$6\r\nintset\r\n");
    check(&mut c, "SUNION n", &agg('*', &["1", "2", "3"]));
    check(&mut c, "SINTERSTORE i n n", b":3\r\n");
    check(&mut c, "OBJECT ENCODING i", b"$6\r\nintset\r\n");
    check(&mut c, "SDIFFSTORE d n nokey", b":3\r\n");
    check(&mut c, "OBJECT ENCODING d", b"$6\r\nintset\r\n");
    check(&mut c, "SUNIONSTORE u big", b":512\r\n");
    check(&mut c, "OBJECT ENCODING u", b"$6\r\nintset\r\n");
    check(&mut c, "SUNIONSTORE u big n f", b":512\r\n");
    check(&mut c, "OBJECT ENCODING u", b"$6\r\nintset\r\n");
    check(&mut c, "SADD f2 y", b":1\r\n");
    check(&mut c, "SUNIONSTORE u n f2", b":4\r\n");
    check(&mut c, "OBJECT ENCODING u", b"$9\r\nhashtable\r\n");
    // SDIFF picks its algorithm by size, and the choice shows in the result's encoding:
    // adding all 600 of d0 then removing (algorithm 2) passes 512 and converts.
    sadd_many(&mut c, "d0", (0..600).map(|i| i.to_string()));
    sadd_many(&mut c, "d1", (550..600).map(|i| i.to_string()));
    check(&mut c, "SDIFFSTORE r d0 d1", b":550\r\n");
    check(&mut c, "OBJECT ENCODING r", b"$9\r\nhashtable\r\n");
    // Algorithm 1 (the first set is small next to the others) adds only the survivors.
    sadd_many(&mut c, "d2", (100..2000).map(|i| i.to_string()));
    check(&mut c, "SDIFFSTORE r d0 d2", b":100\r\n");
    check(&mut c, "OBJECT ENCODING r", b"$6\r\nintset\r\n");
    check(&mut c, "SDIFFSTORE r d0 d1 d2", b":100\r\n");
    check(&mut c, "OBJECT ENCODING r", b"$6\r\nintset\r\n");
    // A hashtable SPOP leaves as a hashtable when it pops a few...
    check(&mut c, "SADD p 1 2 3 4 5 6 7 8 9 10 a", b":11\r\n");
    check(&mut c, "SREM p a", b":1\r\n");
    let (_, popped) = bulks(cmd_parsed(&mut c, &[b"SPOP", b"p", b"5"]));
    assert_eq!(popped.len(), 5);
    check(&mut c, "OBJECT ENCODING p", b"$9\r\nhashtable\r\n");
    check(&mut c, "SCARD p", b":5\r\n");
    // ...and rebuilds the few members that stay when it pops most (5 * stay <= popped).
    check(&mut c, "SADD q 1 2 3 4 5 6 7 8 9 10 11 12 a", b":13\r\n");
    check(&mut c, "SREM q a", b":1\r\n");
    let (_, popped) = bulks(cmd_parsed(&mut c, &[b"SPOP", b"q", b"10"]));
    assert_eq!(popped.len(), 10);
    check(&mut c, "OBJECT ENCODING q", b"$6\r\nintset\r\n");
    check(&mut c, "SCARD q", b":2\r\n");
}

#[test]
fn wrongtype() {
    let (_env, mut c) = start();
    check(&mut c, "SET str x", b"+OK\r\n");
    check(&mut c, "SADD s 1", b":1\r\n");
    for cmd in [
        "SADD str a",
        "SREM str a",
        "SMEMBERS str",
        "SISMEMBER str a",
        "SMISMEMBER str a",
        "SCARD str",
        "SPOP str",
        "SPOP str 1",
        "SPOP str 0",
        "SRANDMEMBER str",
        "SRANDMEMBER str 2",
        "SRANDMEMBER str 0",
        "SMOVE str s a",
        "SMOVE s str 1",
        "SINTER str",
        "SINTER s str",
        "SINTER nokey str",
        "SINTERCARD 2 nokey str",
        "SUNION s str",
        "SDIFF nokey str",
        "SINTERSTORE d nokey str",
        "SUNIONSTORE d str",
        "SDIFFSTORE d s str",
        "SSCAN str 0",
        "SSCAN str 0 COUNT 0",
    ] {
        check(&mut c, cmd, WRONGTYPE);
    }
    // Checks that come before the type check.
    check(&mut c, "SPOP str 1 2", SYNTAX);
    check(&mut c, "SPOP str -1", NOT_POSITIVE);
    check(&mut c, "SRANDMEMBER str 1 2", SYNTAX);
    check(&mut c, "SRANDMEMBER str x", NOT_INT);
    check(&mut c, "SSCAN str x", b"-ERR invalid cursor\r\n");
    check(
        &mut c,
        "SINTERCARD 0 str",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "SINTERCARD 1 str LIMIT -1",
        b"-ERR LIMIT can't be negative\r\n",
    );
    // A missing source wins over a wrong-type destination in SMOVE.
    check(&mut c, "SMOVE nokey str a", b":0\r\n");
    // Nothing changed.
    check(&mut c, "GET str", b"$1\r\nx\r\n");
    check(&mut c, "SMEMBERS s", &agg('*', &["1"]));
    check(&mut c, "EXISTS d", b":0\r\n");
}

#[test]
fn spop() {
    let (_env, mut c) = start();
    check(&mut c, "SPOP nokey", b"$-1\r\n");
    check(&mut c, "SPOP nokey 3", b"*0\r\n");
    check(&mut c, "SPOP nokey 0", b"*0\r\n");
    check(&mut c, "SPOP nokey -1", NOT_POSITIVE);
    check(&mut c, "SPOP nokey x", NOT_POSITIVE);
    check(&mut c, "SPOP nokey 9223372036854775808", NOT_POSITIVE);
    check(&mut c, "SADD s 1 2 3", b":3\r\n");
    check(&mut c, "SPOP s 0", b"*0\r\n");
    check(&mut c, "SPOP s -1", NOT_POSITIVE);
    check(&mut c, "SPOP s 1 2", SYNTAX);
    check(&mut c, "SCARD s", b":3\r\n");
    // One member.
    let got = c.cmd("SPOP s");
    assert!(
        [&b"$1\r\n1\r\n"[..], b"$1\r\n2\r\n", b"$1\r\n3\r\n"].contains(&&got[..]),
        "{}",
        show(&got)
    );
    check(&mut c, "SCARD s", b":2\r\n");
    // A count of at least the size returns everything (an intset in order) and deletes.
    check(&mut c, "SADD s 1 2 3", b":1\r\n");
    check(&mut c, "SPOP s 3", &agg('*', &["1", "2", "3"]));
    check(&mut c, "EXISTS s", b":0\r\n");
    check(&mut c, "SADD s 5 -1 7", b":3\r\n");
    check(
        &mut c,
        "SPOP s 9223372036854775807",
        &agg('*', &["-1", "5", "7"]),
    );
    check(&mut c, "EXISTS s", b":0\r\n");
    check(&mut c, "SADD h a b c", b":3\r\n");
    check_unordered(&mut c, "SPOP h 5", b'*', &["a", "b", "c"]);
    check(&mut c, "EXISTS h", b":0\r\n");
    // An all-integer hashtable popped whole comes back as Redis's union of it: in order.
    check(&mut c, "SADD h 3 1 2 a", b":4\r\n");
    check(&mut c, "SREM h a", b":1\r\n");
    check(&mut c, "SPOP h 10", &agg('*', &["1", "2", "3"]));
    // Without a count the last member takes the key with it.
    check(&mut c, "SADD one x", b":1\r\n");
    check(&mut c, "SPOP one", b"$1\r\nx\r\n");
    check(&mut c, "EXISTS one", b":0\r\n");
    // Both strategies pop distinct members that leave the set.
    for (size, count) in [
        (100usize, 10usize),
        (100, 90),
        (20, 19),
        (600, 100),
        (600, 550),
    ] {
        check(&mut c, "DEL p", b":0\r\n");
        sadd_many(&mut c, "p", (0..size).map(|i| format!("m{i}")));
        let n = count.to_string();
        let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SPOP", b"p", n.as_bytes()]));
        assert_eq!(tag, b'*');
        let uniq: BTreeSet<Vec<u8>> = got.iter().cloned().collect();
        assert_eq!(uniq.len(), count, "distinct members popped");
        let left = format!(":{}\r\n", size - count);
        check(&mut c, "SCARD p", left.as_bytes());
        for m in &uniq {
            check_args(&mut c, &[b"SISMEMBER", b"p", m], b":0\r\n");
        }
        check(&mut c, "DEL p", b":1\r\n");
    }
    // The TTL stays with a set that was only partly popped.
    check(&mut c, "SADD t 1 2 3 4 5 6 7 8 9 10 11 12", b":12\r\n");
    check(&mut c, "EXPIRE t 100", b":1\r\n");
    let (_, got) = bulks(cmd_parsed(&mut c, &[b"SPOP", b"t", b"11"]));
    assert_eq!(got.len(), 11);
    check(&mut c, "TTL t", b":100\r\n");
    check(&mut c, "SCARD t", b":1\r\n");
}

#[test]
fn srandmember() {
    let (_env, mut c) = start();
    check(&mut c, "SRANDMEMBER nokey", b"$-1\r\n");
    check(&mut c, "SRANDMEMBER nokey 5", b"*0\r\n");
    check(&mut c, "SRANDMEMBER nokey -5", b"*0\r\n");
    check(&mut c, "SRANDMEMBER nokey x", NOT_INT);
    check(
        &mut c,
        "SRANDMEMBER nokey -9223372036854775808",
        b"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    check(&mut c, "SADD s 1 2 3 4 5", b":5\r\n");
    check(&mut c, "SRANDMEMBER s 0", b"*0\r\n");
    check(&mut c, "SRANDMEMBER s 1 2", SYNTAX);
    check(&mut c, "SRANDMEMBER s 9223372036854775808", NOT_INT);
    // At least the whole set: the set itself, in its order.
    check(
        &mut c,
        "SRANDMEMBER s 5",
        &agg('*', &["1", "2", "3", "4", "5"]),
    );
    check(
        &mut c,
        "SRANDMEMBER s 9223372036854775807",
        &agg('*', &["1", "2", "3", "4", "5"]),
    );
    let all: BTreeSet<Vec<u8>> = (1..=5).map(|i| i.to_string().into_bytes()).collect();
    // Distinct members below the size; repeats allowed with a negative count.
    for n in ["1", "2", "4"] {
        let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SRANDMEMBER", b"s", n.as_bytes()]));
        assert_eq!(tag, b'*');
        let uniq: BTreeSet<Vec<u8>> = got.iter().cloned().collect();
        assert_eq!(uniq.len().to_string(), n, "{:?}", strs(&got));
        assert!(uniq.is_subset(&all));
    }
    let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SRANDMEMBER", b"s", b"-200"]));
    assert_eq!(tag, b'*');
    assert_eq!(got.len(), 200);
    let uniq: BTreeSet<Vec<u8>> = got.iter().cloned().collect();
    assert!(uniq.is_subset(&all));
    assert!(uniq.len() > 1, "200 picks of 5 repeat one member only");
    // A single member, and it does not remove anything.
    let got = c.cmd("SRANDMEMBER s");
    assert!(got.starts_with(b"$1\r\n"), "{}", show(&got));
    check(&mut c, "SCARD s", b":5\r\n");
    // Large sets: every distinct-count path stays distinct.
    sadd_many(&mut c, "big", (0..1000).map(|i| format!("m{i}")));
    for n in [10usize, 400, 999] {
        let s = n.to_string();
        let (_, got) = bulks(cmd_parsed(&mut c, &[b"SRANDMEMBER", b"big", s.as_bytes()]));
        let uniq: BTreeSet<Vec<u8>> = got.iter().cloned().collect();
        assert_eq!(uniq.len(), n);
    }
    check(&mut c, "SCARD big", b":1000\r\n");
}

#[test]
fn smove() {
    let (_env, mut c) = start();
    check(&mut c, "SADD a 1 2 3", b":3\r\n");
    check(&mut c, "SADD b 3 4", b":2\r\n");
    check(&mut c, "SMOVE a b 1", b":1\r\n");
    check(&mut c, "SMOVE a b 1", b":0\r\n");
    check(&mut c, "SMOVE a b 3", b":1\r\n");
    check(&mut c, "SMEMBERS a", &agg('*', &["2"]));
    check(&mut c, "SMEMBERS b", &agg('*', &["1", "3", "4"]));
    check(&mut c, "SMOVE nokey b 1", b":0\r\n");
    // Same key: membership only.
    check(&mut c, "SMOVE b b 4", b":1\r\n");
    check(&mut c, "SMOVE b b 9", b":0\r\n");
    // A new destination takes its encoding from the member; the emptied source goes.
    check(&mut c, "SMOVE a c 2", b":1\r\n");
    check(&mut c, "EXISTS a", b":0\r\n");
    check(&mut c, "OBJECT ENCODING c", b"$6\r\nintset\r\n");
    check(&mut c, "SADD x foo", b":1\r\n");
    check(&mut c, "SMOVE x c foo", b":1\r\n");
    check(&mut c, "OBJECT ENCODING c", b"$9\r\nhashtable\r\n");
    check_unordered(&mut c, "SMEMBERS c", b'*', &["2", "foo"]);
    check(&mut c, "SADD y bar", b":1\r\n");
    check(&mut c, "SMOVE y z bar", b":1\r\n");
    check(&mut c, "OBJECT ENCODING z", b"$9\r\nhashtable\r\n");
    // Already in the destination: moved anyway (removed from the source).
    check(&mut c, "SADD s1 m", b":1\r\n");
    check(&mut c, "SADD s2 m", b":1\r\n");
    check(&mut c, "SMOVE s1 s2 m", b":1\r\n");
    check(&mut c, "EXISTS s1", b":0\r\n");
    check(&mut c, "SCARD s2", b":1\r\n");
}

#[test]
fn algebra() {
    let (_env, mut c) = start();
    check(&mut c, "SADD a 1 2 3 4 5", b":5\r\n");
    check(&mut c, "SADD b 3 4 5 6", b":4\r\n");
    check(&mut c, "SADD c 4 5 x", b":3\r\n");
    check(&mut c, "SINTER a b", &agg('*', &["3", "4", "5"]));
    check(&mut c, "SINTER a", &agg('*', &["1", "2", "3", "4", "5"]));
    check_unordered(&mut c, "SINTER a b c", b'*', &["4", "5"]);
    check(&mut c, "SINTER a nokey", b"*0\r\n");
    check(&mut c, "SINTER nokey a", b"*0\r\n");
    check(
        &mut c,
        "SUNION a b",
        &agg('*', &["1", "2", "3", "4", "5", "6"]),
    );
    check(
        &mut c,
        "SUNION nokey b nokey",
        &agg('*', &["3", "4", "5", "6"]),
    );
    check_unordered(&mut c, "SUNION a c", b'*', &["1", "2", "3", "4", "5", "x"]);
    check(&mut c, "SUNION nokey", b"*0\r\n");
    check(&mut c, "SDIFF a b", &agg('*', &["1", "2"]));
    check(&mut c, "SDIFF a b c", &agg('*', &["1", "2"]));
    check(&mut c, "SDIFF b a", &agg('*', &["6"]));
    check(&mut c, "SDIFF a a", b"*0\r\n");
    check(
        &mut c,
        "SDIFF a nokey",
        &agg('*', &["1", "2", "3", "4", "5"]),
    );
    check(&mut c, "SDIFF nokey a", b"*0\r\n");
    check(&mut c, "SDIFF c a", &agg('*', &["x"]));
    // STORE forms reply the cardinality and replace the destination (type and TTL).
    check(&mut c, "SINTERSTORE d a b", b":3\r\n");
    check(&mut c, "SMEMBERS d", &agg('*', &["3", "4", "5"]));
    check(&mut c, "SET str v", b"+OK\r\n");
    check(&mut c, "EXPIRE str 100", b":1\r\n");
    check(&mut c, "SUNIONSTORE str a b", b":6\r\n");
    check(&mut c, "TYPE str", b"+set\r\n");
    check(&mut c, "TTL str", b":-1\r\n");
    check(&mut c, "SDIFFSTORE e a b c", b":2\r\n");
    check(&mut c, "SMEMBERS e", &agg('*', &["1", "2"]));
    // The destination may be a source.
    check(&mut c, "SUNIONSTORE a a c", b":6\r\n");
    check_unordered(&mut c, "SMEMBERS a", b'*', &["1", "2", "3", "4", "5", "x"]);
    // An empty result deletes the destination, whatever it held.
    check(&mut c, "SINTERSTORE d a nokey", b":0\r\n");
    check(&mut c, "EXISTS d", b":0\r\n");
    check(&mut c, "SET str2 v", b"+OK\r\n");
    check(&mut c, "SDIFFSTORE str2 b b", b":0\r\n");
    check(&mut c, "EXISTS str2", b":0\r\n");
    check(&mut c, "SUNIONSTORE e nokey", b":0\r\n");
    check(&mut c, "EXISTS e", b":0\r\n");
    check(&mut c, "SADD f 7", b":1\r\n");
    check(&mut c, "SINTERSTORE f f b", b":0\r\n");
    check(&mut c, "EXISTS f", b":0\r\n");
    check(&mut c, "SDIFFSTORE g nokey", b":0\r\n");
    check(&mut c, "EXISTS g", b":0\r\n");
}

#[test]
fn sintercard() {
    let (_env, mut c) = start();
    check(&mut c, "SADD a 1 2 3 4 5", b":5\r\n");
    check(&mut c, "SADD b 3 4 5 6", b":4\r\n");
    check(&mut c, "SADD c 4 5 x", b":3\r\n");
    check(&mut c, "SINTERCARD 2 a b", b":3\r\n");
    check(&mut c, "SINTERCARD 3 a b c", b":2\r\n");
    check(&mut c, "SINTERCARD 1 a", b":5\r\n");
    check(&mut c, "SINTERCARD 2 a b LIMIT 1", b":1\r\n");
    check(&mut c, "SINTERCARD 2 a b limit 0", b":3\r\n");
    check(&mut c, "SINTERCARD 2 a b LIMIT 10", b":3\r\n");
    check(&mut c, "SINTERCARD 1 a LIMIT 2 LIMIT 4", b":4\r\n");
    check(&mut c, "SINTERCARD 2 a nokey", b":0\r\n");
    check(&mut c, "SINTERCARD 1 nokey", b":0\r\n");
    let numkeys = b"-ERR numkeys should be greater than 0\r\n";
    check(&mut c, "SINTERCARD 0 a", numkeys);
    check(&mut c, "SINTERCARD -1 a", numkeys);
    check(&mut c, "SINTERCARD x a", numkeys);
    check(&mut c, "SINTERCARD 9223372036854775808 a", numkeys);
    check(
        &mut c,
        "SINTERCARD 3 a b",
        b"-ERR Number of keys can't be greater than number of args\r\n",
    );
    let neg = b"-ERR LIMIT can't be negative\r\n";
    check(&mut c, "SINTERCARD 1 a LIMIT -1", neg);
    check(&mut c, "SINTERCARD 1 a LIMIT x", neg);
    check(&mut c, "SINTERCARD 1 a LIMIT", SYNTAX);
    check(&mut c, "SINTERCARD 1 a foo 1", SYNTAX);
    check(&mut c, "SINTERCARD 1 a LIMIT 1 extra", SYNTAX);
    check(
        &mut c,
        "COMMAND GETKEYS SINTERCARD 2 a b LIMIT 1",
        &agg('*', &["a", "b"]),
    );
}

#[test]
fn sscan() {
    let (_env, mut c) = start();
    let empty = b"*2\r\n$1\r\n0\r\n*0\r\n";
    check(&mut c, "SSCAN nokey 0", empty);
    // Options are not parsed for a missing key.
    check(&mut c, "SSCAN nokey 0 foo", empty);
    check(&mut c, "SSCAN nokey abc", b"-ERR invalid cursor\r\n");
    check(&mut c, "SADD s 1 2 3 10 20", b":5\r\n");
    // An intset: everything, cursor 0, whatever the cursor and COUNT.
    let all = b"*2\r\n$1\r\n0\r\n*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$2\r\n20\r\n";
    check(&mut c, "SSCAN s 0", all);
    check(&mut c, "SSCAN s 0 COUNT 1", all);
    check(&mut c, "SSCAN s 12345", all);
    check(&mut c, "SSCAN s -1", all);
    check(&mut c, "SSCAN s 18446744073709551615", all);
    check(
        &mut c,
        "SSCAN s 18446744073709551616",
        b"-ERR invalid cursor\r\n",
    );
    check(&mut c, "SSCAN s 1x", b"-ERR invalid cursor\r\n");
    check(
        &mut c,
        "SSCAN s 0 MATCH 1*",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$2\r\n10\r\n",
    );
    check(&mut c, "SSCAN s 0 match * count 100", all);
    check(&mut c, "SSCAN s 0 COUNT 0", SYNTAX);
    check(&mut c, "SSCAN s 0 COUNT -1", SYNTAX);
    check(&mut c, "SSCAN s 0 COUNT x", NOT_INT);
    check(&mut c, "SSCAN s 0 MATCH", SYNTAX);
    check(&mut c, "SSCAN s 0 TYPE string", SYNTAX);
    check(&mut c, "SSCAN s 0 foo bar", SYNTAX);
    // A small hashtable fits in one call with the default COUNT.
    check(&mut c, "SADD h a b c", b":3\r\n");
    let (_, parts) = bulks_pair(cmd_parsed(&mut c, &[b"SSCAN", b"h", b"0"]));
    assert_eq!(parts.0, b"0");
    let got: BTreeSet<Vec<u8>> = parts.1.into_iter().collect();
    assert_eq!(strs(&got.into_iter().collect::<Vec<_>>()), ["a", "b", "c"]);
    let (_, parts) = bulks_pair(cmd_parsed(&mut c, &[b"SSCAN", b"h", b"0", b"MATCH", b"b"]));
    assert_eq!(
        (parts.0, strs(&parts.1)),
        (b"0".to_vec(), vec!["b".to_string()])
    );
}

/// Splits an SSCAN reply into its cursor and members.
fn bulks_pair(v: V) -> (u8, (Vec<u8>, Vec<Vec<u8>>)) {
    match v {
        V::Agg(t, mut items) if items.len() == 2 => {
            let (_, members) = bulks(items.pop().unwrap());
            let cursor = match items.pop().unwrap() {
                V::Bulk(b) => b,
                other => panic!("cursor {other:?}"),
            };
            (t, (cursor, members))
        }
        other => panic!("not a scan reply: {other:?}"),
    }
}

/// Runs a full SSCAN; returns every member seen (with repeats) and the number of calls.
fn scan_all(c: &mut Conn, key: &str, extra: &[&str]) -> (Vec<Vec<u8>>, usize) {
    let mut cursor = b"0".to_vec();
    let mut seen = Vec::new();
    let mut calls = 0;
    loop {
        let mut args: Vec<&[u8]> = vec![b"SSCAN", key.as_bytes(), &cursor];
        args.extend(extra.iter().map(|s| s.as_bytes()));
        let (_, (next, members)) = bulks_pair(cmd_parsed(c, &args));
        calls += 1;
        seen.extend(members);
        if next == b"0" {
            return (seen, calls);
        }
        cursor = next;
    }
}

#[test]
fn big_set_sscan() {
    let (_env, mut c) = start();
    sadd_many(&mut c, "big", (0..100_000).map(|i| format!("member:{i}")));
    check(&mut c, "SCARD big", b":100000\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$9\r\nhashtable\r\n");
    let (seen, calls) = scan_all(&mut c, "big", &["COUNT", "1000"]);
    assert!(
        calls > 50,
        "a 100k set takes many calls at COUNT 1000: {calls}"
    );
    let uniq: BTreeSet<Vec<u8>> = seen.into_iter().collect();
    assert_eq!(uniq.len(), 100_000);
    assert!(uniq.iter().all(|m| m.starts_with(b"member:")));
    // A scan during which members are removed still returns every member that stays.
    let mut cursor = b"0".to_vec();
    let mut seen = BTreeSet::new();
    let mut removed = 0;
    loop {
        let args: Vec<&[u8]> = vec![b"SSCAN", b"big", &cursor, b"COUNT", b"500"];
        let (_, (next, members)) = bulks_pair(cmd_parsed(&mut c, &args));
        seen.extend(members);
        if removed < 90_000 {
            // Shrinks the table under the scan.
            let batch: Vec<String> = (removed..removed + 3000)
                .map(|i| format!("member:{i}"))
                .collect();
            let mut args: Vec<&[u8]> = vec![b"SREM", b"big"];
            args.extend(batch.iter().map(|m| m.as_bytes()));
            assert_eq!(c.cmd_args(&args), b":3000\r\n");
            removed += 3000;
        }
        if next == b"0" {
            break;
        }
        cursor = next;
    }
    for i in 90_000..100_000 {
        assert!(
            seen.contains(format!("member:{i}").as_bytes()),
            "member:{i} missed"
        );
    }
    // MATCH filters after gathering (member:9999 itself was removed above).
    let (seen, _) = scan_all(&mut c, "big", &["MATCH", "member:9999*", "COUNT", "100"]);
    let uniq: BTreeSet<Vec<u8>> = seen.into_iter().collect();
    assert_eq!(
        strs(&uniq.into_iter().collect::<Vec<_>>()),
        [
            "member:99990",
            "member:99991",
            "member:99992",
            "member:99993",
            "member:99994",
            "member:99995",
            "member:99996",
            "member:99997",
            "member:99998",
            "member:99999"
        ]
    );
}

#[test]
fn binary_members() {
    let (_env, mut c) = start();
    let members: [&[u8]; 4] = [b"a\x00b", b"\r\n", b"", b"\xff\xfe"];
    let mut args: Vec<&[u8]> = vec![b"SADD", b"bin"];
    args.extend(members);
    check_args(&mut c, &args, b":4\r\n");
    check(&mut c, "OBJECT ENCODING bin", b"$9\r\nhashtable\r\n");
    for m in members {
        check_args(&mut c, &[b"SISMEMBER", b"bin", m], b":1\r\n");
    }
    check_args(&mut c, &[b"SISMEMBER", b"bin", b"a"], b":0\r\n");
    check_args(
        &mut c,
        &[b"SMISMEMBER", b"bin", b"", b"a\x00", b"a\x00b"],
        b"*3\r\n:1\r\n:0\r\n:1\r\n",
    );
    let (_, got) = bulks(cmd_parsed(&mut c, &[b"SMEMBERS", b"bin"]));
    let got: BTreeSet<Vec<u8>> = got.into_iter().collect();
    let want: BTreeSet<Vec<u8>> = members.iter().map(|m| m.to_vec()).collect();
    assert_eq!(got, want);
    check_args(&mut c, &[b"SMOVE", b"bin", b"dst", b"a\x00b"], b":1\r\n");
    check_args(&mut c, &[b"SMEMBERS", b"dst"], b"*1\r\n$3\r\na\x00b\r\n");
    check_args(&mut c, &[b"SREM", b"bin", b"", b"\r\n"], b":2\r\n");
    check_args(&mut c, &[b"SMEMBERS", b"bin"], b"*1\r\n$2\r\n\xff\xfe\r\n");
    check_args(
        &mut c,
        &[b"SSCAN", b"bin", b"0", b"MATCH", b"\xff*"],
        b"*2\r\n$1\r\n0\r\n*1\r\n$2\r\n\xff\xfe\r\n",
    );
    check_args(&mut c, &[b"SISMEMBER", b"k\x00", b"x"], b":0\r\n");
    check_args(&mut c, &[b"SADD", b"k\x00", b"1"], b":1\r\n");
    check_args(&mut c, &[b"SCARD", b"k\x00"], b":1\r\n");
    check_args(&mut c, &[b"SCARD", b"k"], b":0\r\n");
}

#[test]
fn resp3_forms() {
    let (_env, mut c) = start();
    let hello = c.cmd("HELLO 3");
    assert!(hello.starts_with(b"%7\r\n"), "{}", show(&hello));
    check(&mut c, "SADD s 1 2 3", b":3\r\n");
    check(&mut c, "SMEMBERS s", &agg('~', &["1", "2", "3"]));
    check(&mut c, "SMEMBERS nokey", b"~0\r\n");
    check(&mut c, "SINTER s nokey", b"~0\r\n");
    check(&mut c, "SINTER s s", &agg('~', &["1", "2", "3"]));
    check(&mut c, "SUNION s nokey", &agg('~', &["1", "2", "3"]));
    check(&mut c, "SUNION nokey", b"~0\r\n");
    check(&mut c, "SDIFF s s", b"~0\r\n");
    check(&mut c, "SDIFF s nokey", &agg('~', &["1", "2", "3"]));
    check(&mut c, "SINTERCARD 1 s", b":3\r\n");
    check(&mut c, "SISMEMBER s 1", b":1\r\n");
    check(&mut c, "SMISMEMBER s 1 5", b"*2\r\n:1\r\n:0\r\n");
    check(
        &mut c,
        "SSCAN s 0",
        b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(&mut c, "SSCAN nokey 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
    check(&mut c, "SPOP nokey", b"_\r\n");
    check(&mut c, "SPOP nokey 2", b"~0\r\n");
    check(&mut c, "SPOP s 0", b"~0\r\n");
    check(&mut c, "SRANDMEMBER nokey", b"_\r\n");
    check(&mut c, "SRANDMEMBER nokey 3", b"*0\r\n");
    check(&mut c, "SRANDMEMBER s 0", b"*0\r\n");
    // The whole set through SRANDMEMBER is an array, through SPOP a set.
    check(&mut c, "SRANDMEMBER s 3", &agg('*', &["1", "2", "3"]));
    check(&mut c, "SRANDMEMBER s 10", &agg('*', &["1", "2", "3"]));
    let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SRANDMEMBER", b"s", b"2"]));
    assert_eq!((tag, got.len()), (b'*', 2));
    let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SRANDMEMBER", b"s", b"-5"]));
    assert_eq!((tag, got.len()), (b'*', 5));
    let (tag, got) = bulks(cmd_parsed(&mut c, &[b"SPOP", b"s", b"1"]));
    assert_eq!((tag, got.len()), (b'~', 1));
    check(&mut c, "SADD s 1 2 3", b":1\r\n");
    check(&mut c, "SPOP s 3", &agg('~', &["1", "2", "3"]));
    check(&mut c, "SADD h a b", b":2\r\n");
    check_unordered(&mut c, "SMEMBERS h", b'~', &["a", "b"]);
    check_unordered(&mut c, "SUNION h", b'~', &["a", "b"]);
}

#[test]
fn reads_finish_a_rehash_that_deletions_started() {
    // The oracle needs `enable-debug-command yes` for DEBUG HTSTATS-KEY.
    let (_t, mut c) = start_target_with("SET_ORACLE_PORT", &["--enable-debug-command", "yes"]);
    let members: Vec<String> = (0..5000).map(|i| format!("m{i}")).collect();
    let mut sadd: Vec<&[u8]> = vec![b"SADD", b"myset"];
    sadd.extend(members.iter().map(|m| m.as_bytes()));
    assert_eq!(c.cmd_args(&sadd), b":5000\r\n");
    // Deleting all but 10 starts shrinking the table.
    let mut srem: Vec<&[u8]> = vec![b"SREM", b"myset"];
    srem.extend(members[..4990].iter().map(|m| m.as_bytes()));
    assert_eq!(c.cmd_args(&srem), b":4990\r\n");
    let rehashing = |c: &mut Conn| {
        String::from_utf8_lossy(&c.cmd("DEBUG HTSTATS-KEY myset")).contains("rehashing target")
    };
    assert!(rehashing(&mut c));
    // Lookups alone carry the rehash to its end, as in Redis.
    let mut reads = 0;
    while rehashing(&mut c) {
        assert_eq!(c.cmd("SISMEMBER myset m4999"), b":1\r\n");
        reads += 1;
        assert!(reads < 2000, "still rehashing after {reads} reads");
    }
    assert_eq!(c.cmd("SCARD myset"), b":10\r\n");
}
