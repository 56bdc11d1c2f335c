//! List commands end to end: replies, errors, RESP3 forms, binary elements and large lists that
//! span many nodes. Every expected reply was recorded from real Redis 7.0.15; the large-list
//! tests compare with a `Vec` model (and pass against real Redis too).
//!
//! To re-check the expectations against a real server, start one and run
//! `LIST_ORACLE_PORT=<port> cargo test --test list -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("LIST_ORACLE_PORT")
}

// ---------------------------------------------------------------------------------------------
// Large lists against a model.

/// The bytes of a RESP2 reply listing `items` as bulk strings.
fn bulks(items: &[Vec<u8>]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", items.len()).into_bytes();
    for i in items {
        v.extend_from_slice(format!("${}\r\n", i.len()).as_bytes());
        v.extend_from_slice(i);
        v.extend_from_slice(b"\r\n");
    }
    v
}

fn bulk(item: &[u8]) -> Vec<u8> {
    let mut v = format!("${}\r\n", item.len()).into_bytes();
    v.extend_from_slice(item);
    v.extend_from_slice(b"\r\n");
    v
}

fn int(n: usize) -> Vec<u8> {
    format!(":{n}\r\n").into_bytes()
}

/// Element `i` of the big list: mostly short, some long (so nodes split by bytes at varying
/// counts), every 10th the same value `dup` (for LREM and LPOS).
fn element(i: usize) -> Vec<u8> {
    match i % 10 {
        0 => b"dup".to_vec(),
        7 if i % 70 == 7 => format!("long-{i}-").repeat(40).into_bytes(),
        _ => format!("e{i}").into_bytes(),
    }
}

/// Pushes `n` elements with RPUSH in one pipeline (100 elements per command).
fn pipeline_push(c: &mut Conn, key: &[u8], items: &[Vec<u8>]) {
    let mut buf = Vec::new();
    let chunks: Vec<&[Vec<u8>]> = items.chunks(100).collect();
    for chunk in &chunks {
        let mut args: Vec<&[u8]> = vec![b"RPUSH", key];
        args.extend(chunk.iter().map(|e| e.as_slice()));
        buf.extend_from_slice(&encode(&args));
    }
    c.send(&buf);
    let mut total = 0;
    for chunk in &chunks {
        total += chunk.len();
        assert_eq!(c.read_reply(), int(total));
    }
}

/// The model's view of `start stop` for LRANGE / LTRIM.
fn model_range(len: usize, start: i64, stop: i64) -> std::ops::Range<usize> {
    let len = len as i64;
    let s = if start < 0 {
        (start + len).max(0)
    } else {
        start
    };
    let e = if stop < 0 { stop + len } else { stop }.min(len - 1);
    if s > e || s >= len {
        0..0
    } else {
        s as usize..e as usize + 1
    }
}

#[test]
fn large_list_reads_across_nodes() {
    let (_env, mut c) = start();
    let model: Vec<Vec<u8>> = (0..100_000).map(element).collect();
    pipeline_push(&mut c, b"big", &model);
    check(&mut c, "LLEN big", b":100000\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$9\r\nquicklist\r\n");
    for i in (0..100_000).step_by(997).chain([1, 99_998, 99_999, 50_000]) {
        assert_eq!(
            c.cmd(&format!("LINDEX big {i}")),
            bulk(&model[i]),
            "LINDEX {i}"
        );
        let neg = i as i64 - 100_000;
        assert_eq!(
            c.cmd(&format!("LINDEX big {neg}")),
            bulk(&model[i]),
            "LINDEX {neg}"
        );
    }
    check(&mut c, "LINDEX big 100000", b"$-1\r\n");
    for (s, e) in [
        (0i64, 99i64),
        (1000, 3000),
        (-2500, -1),
        (49_990, 50_010),
        (99_950, 200_000),
        (-100_001, 10),
        (0, -1),
    ] {
        let r = model_range(model.len(), s, e);
        assert_eq!(
            c.cmd(&format!("LRANGE big {s} {e}")),
            bulks(&model[r]),
            "LRANGE {s} {e}"
        );
    }
    // LPOS over the whole list, from both ends.
    let dups: Vec<usize> = (0..100_000).step_by(10).collect();
    let mut want = format!("*{}\r\n", dups.len()).into_bytes();
    for d in &dups {
        want.extend_from_slice(&int(*d));
    }
    assert_eq!(c.cmd("LPOS big dup COUNT 0"), want);
    check(&mut c, "LPOS big dup RANK -1", b":99990\r\n");
    check(&mut c, "LPOS big dup RANK 5000", b":49990\r\n");
    check(&mut c, "LPOS big e99999", b":99999\r\n");
    check(&mut c, "LPOS big e99999 MAXLEN 99999", b"$-1\r\n");
    check(&mut c, "LPOS big e5 RANK -1 MAXLEN 99994", b"$-1\r\n");
    check(&mut c, "LPOS big e5 RANK -1 MAXLEN 99995", b":5\r\n");
}

#[test]
fn large_list_writes_across_nodes() {
    let (_env, mut c) = start();
    let mut model: Vec<Vec<u8>> = (0..100_000).map(element).collect();
    pipeline_push(&mut c, b"big", &model);
    // LSET and LINSERT in the middle and near both ends, with small and large values.
    for (i, v) in [
        (0usize, b"head".to_vec()),
        (99_999, b"tail".to_vec()),
        (31_337, vec![b'x'; 5000]),
        (31_338, b"y".to_vec()),
        (70_000, b"".to_vec()),
    ] {
        check_args(
            &mut c,
            &[b"LSET", b"big", i.to_string().as_bytes(), &v],
            b"+OK\r\n",
        );
        model[i] = v;
    }
    for (pivot, before, v) in [
        (b"e12345".to_vec(), true, b"ins1".to_vec()),
        (b"e88888".to_vec(), false, vec![b'z'; 9000]),
        (b"tail".to_vec(), false, b"after-tail".to_vec()),
    ] {
        let p = model.iter().position(|e| *e == pivot).unwrap();
        model.insert(if before { p } else { p + 1 }, v.clone());
        let side: &[u8] = if before { b"BEFORE" } else { b"AFTER" };
        check_args(
            &mut c,
            &[b"LINSERT", b"big", side, &pivot, &v],
            &int(model.len()),
        );
    }
    for i in (0..model.len()).step_by(1009) {
        assert_eq!(
            c.cmd(&format!("LINDEX big {i}")),
            bulk(&model[i]),
            "LINDEX {i}"
        );
    }
    // LREM: 3 from the head, 3 from the tail, then every remaining `dup`.
    for (count, from_head) in [(3usize, true), (3, false)] {
        let mut idx: Vec<usize> = (0..model.len()).filter(|&i| model[i] == b"dup").collect();
        if !from_head {
            idx.reverse();
        }
        idx.truncate(count);
        idx.sort_unstable();
        for &i in idx.iter().rev() {
            model.remove(i);
        }
        let n = if from_head {
            count as i64
        } else {
            -(count as i64)
        };
        check(&mut c, &format!("LREM big {n} dup"), &int(count));
    }
    let dups = model.iter().filter(|e| *e == b"dup").count();
    model.retain(|e| e != b"dup");
    check(&mut c, "LREM big 0 dup", &int(dups));
    check(&mut c, "LLEN big", &int(model.len()));
    assert_eq!(c.cmd("LRANGE big 0 -1"), bulks(&model));
    // LTRIM away both ends, then pops with counts.
    let r = model_range(model.len(), 1234, -4321);
    model = model[r].to_vec();
    check(&mut c, "LTRIM big 1234 -4321", b"+OK\r\n");
    check(&mut c, "LLEN big", &int(model.len()));
    let popped: Vec<Vec<u8>> = model.drain(..2500).collect();
    assert_eq!(c.cmd("LPOP big 2500"), bulks(&popped));
    let mut popped: Vec<Vec<u8>> = model.drain(model.len() - 2500..).collect();
    popped.reverse();
    assert_eq!(c.cmd("RPOP big 2500"), bulks(&popped));
    assert_eq!(c.cmd("LRANGE big 0 -1"), bulks(&model));
    // LPUSH many at the head, then LMOVE between two big lists.
    let front: Vec<Vec<u8>> = (0..5000).map(|i| format!("f{i}").into_bytes()).collect();
    let mut args: Vec<&[u8]> = vec![b"LPUSH", b"big"];
    args.extend(front.iter().map(|e| e.as_slice()));
    assert_eq!(c.cmd_args(&args), int(model.len() + front.len()));
    for f in &front {
        model.insert(0, f.clone());
    }
    let mut other: Vec<Vec<u8>> = Vec::new();
    for _ in 0..3000 {
        let v = model.pop().unwrap();
        assert_eq!(c.cmd("LMOVE big other RIGHT LEFT"), bulk(&v));
        other.insert(0, v);
    }
    assert_eq!(c.cmd("LRANGE big 0 -1"), bulks(&model));
    assert_eq!(c.cmd("LRANGE other 0 -1"), bulks(&other));
    check(&mut c, "LTRIM big 1 0", b"+OK\r\n");
    check(&mut c, "EXISTS big", b":0\r\n");
}

// ---------------------------------------------------------------------------------------------
// Replies recorded from Redis 7.0.15.

/// LPUSH/RPUSH (several elements), LPUSHX/RPUSHX, LLEN, arity and WRONGTYPE.
#[test]
fn push_and_llen() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "lpush l x y", b":5\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*5\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(&mut c, "llen l", b":5\r\n");
    check(&mut c, "lpushx l z", b":6\r\n");
    check(&mut c, "rpushx l w v", b":8\r\n");
    check(&mut c, "lrange l 0 -1", b"*8\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nw\r\n$1\r\nv\r\n");
    check(&mut c, "lpushx nokey a", b":0\r\n");
    check(&mut c, "rpushx nokey a b", b":0\r\n");
    check(&mut c, "exists nokey", b":0\r\n");
    check(&mut c, "llen nokey", b":0\r\n");
    check(
        &mut c,
        "lpush",
        b"-ERR wrong number of arguments for 'lpush' command\r\n",
    );
    check(
        &mut c,
        "lpush l",
        b"-ERR wrong number of arguments for 'lpush' command\r\n",
    );
    check(
        &mut c,
        "rpush l",
        b"-ERR wrong number of arguments for 'rpush' command\r\n",
    );
    check(
        &mut c,
        "lpushx l",
        b"-ERR wrong number of arguments for 'lpushx' command\r\n",
    );
    check(
        &mut c,
        "rpushx l",
        b"-ERR wrong number of arguments for 'rpushx' command\r\n",
    );
    check(
        &mut c,
        "llen",
        b"-ERR wrong number of arguments for 'llen' command\r\n",
    );
    check(
        &mut c,
        "llen l x",
        b"-ERR wrong number of arguments for 'llen' command\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lpush s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "rpush s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lpushx s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "rpushx s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "llen s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "type l", b"+list\r\n");
    check(&mut c, "object encoding l", b"$9\r\nquicklist\r\n");
}

/// LPOP/RPOP single element, the list vanishing when emptied.
#[test]
fn pop_without_count() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "lpop l", b"$1\r\na\r\n");
    check(&mut c, "rpop l", b"$1\r\nc\r\n");
    check(&mut c, "lpop l", b"$1\r\nb\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "lpop l", b"$-1\r\n");
    check(&mut c, "rpop l", b"$-1\r\n");
    check(
        &mut c,
        "lpop",
        b"-ERR wrong number of arguments for 'lpop' command\r\n",
    );
    check(
        &mut c,
        "rpop",
        b"-ERR wrong number of arguments for 'rpop' command\r\n",
    );
    check(
        &mut c,
        "lpop l 1 2",
        b"-ERR wrong number of arguments for 'lpop' command\r\n",
    );
    check(
        &mut c,
        "rpop l 1 2",
        b"-ERR wrong number of arguments for 'rpop' command\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lpop s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "rpop s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
}

/// LPOP/RPOP count: 0, too big, negative, not an integer, missing key.
#[test]
fn pop_with_count() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c d e", b":5\r\n");
    check(&mut c, "lpop l 0", b"*0\r\n");
    check(&mut c, "rpop l 0", b"*0\r\n");
    check(&mut c, "lpop l 2", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    check(&mut c, "rpop l 2", b"*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
    check(&mut c, "lpop l 10", b"*1\r\n$1\r\nc\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "lpop l 1", b"*-1\r\n");
    check(&mut c, "lpop l 0", b"*-1\r\n");
    check(&mut c, "lpop nokey 0", b"*-1\r\n");
    check(&mut c, "rpop nokey 3", b"*-1\r\n");
    check(
        &mut c,
        "lpop nokey -1",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        "lpop nokey x",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        "rpop nokey 1.5",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(&mut c, "lpush l a", b":1\r\n");
    check(
        &mut c,
        "lpop l -1",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        "lpop l 01",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        "lpop l +1",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(&mut c, "lpop l 9223372036854775807", b"*1\r\n$1\r\na\r\n");
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lpop s 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "rpop s 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lpop s -1",
        b"-ERR value is out of range, must be positive\r\n",
    );
}

/// LRANGE clamping and LINDEX positive/negative indexes.
#[test]
fn lrange_and_lindex() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c d e", b":5\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "lrange l 1 3",
        b"*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(&mut c, "lrange l -3 -2", b"*2\r\n$1\r\nc\r\n$1\r\nd\r\n");
    check(
        &mut c,
        "lrange l -100 100",
        b"*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, "lrange l 3 1", b"*0\r\n");
    check(&mut c, "lrange l 5 10", b"*0\r\n");
    check(&mut c, "lrange l -1 -5", b"*0\r\n");
    check(
        &mut c,
        "lrange l -9223372036854775808 9223372036854775807",
        b"*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "lrange l 9223372036854775807 -9223372036854775808",
        b"*0\r\n",
    );
    check(
        &mut c,
        "lrange l x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "lrange l 1 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "lrange l 1.0 2",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "lrange nokey 0 -1", b"*0\r\n");
    check(
        &mut c,
        "lrange nokey x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "lindex l 0", b"$1\r\na\r\n");
    check(&mut c, "lindex l 4", b"$1\r\ne\r\n");
    check(&mut c, "lindex l -1", b"$1\r\ne\r\n");
    check(&mut c, "lindex l -5", b"$1\r\na\r\n");
    check(&mut c, "lindex l 5", b"$-1\r\n");
    check(&mut c, "lindex l -6", b"$-1\r\n");
    check(&mut c, "lindex l -9223372036854775808", b"$-1\r\n");
    check(
        &mut c,
        "lindex l x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "lindex nokey x", b"$-1\r\n");
    check(&mut c, "lindex nokey 0", b"$-1\r\n");
    check(
        &mut c,
        "lrange l 0",
        b"-ERR wrong number of arguments for 'lrange' command\r\n",
    );
    check(
        &mut c,
        "lindex l",
        b"-ERR wrong number of arguments for 'lindex' command\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lrange s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lrange s x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "lindex s 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lindex s x",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
}

/// LSET: no such key before the index is parsed, out of range.
#[test]
fn lset_errors_and_order() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "lset l 0 A", b"+OK\r\n");
    check(&mut c, "lset l -1 C", b"+OK\r\n");
    check(&mut c, "lset l 1 bb", b"+OK\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*3\r\n$1\r\nA\r\n$2\r\nbb\r\n$1\r\nC\r\n",
    );
    check(&mut c, "lset l 3 x", b"-ERR index out of range\r\n");
    check(&mut c, "lset l -4 x", b"-ERR index out of range\r\n");
    check(
        &mut c,
        "lset l 9223372036854775807 x",
        b"-ERR index out of range\r\n",
    );
    check(
        &mut c,
        "lset l x y",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "lset nokey 0 x", b"-ERR no such key\r\n");
    check(&mut c, "lset nokey x y", b"-ERR no such key\r\n");
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lset s 0 x",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lset s x y",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lset l 0",
        b"-ERR wrong number of arguments for 'lset' command\r\n",
    );
}

/// LINSERT BEFORE/AFTER, missing pivot, missing key, syntax before lookup.
#[test]
fn linsert_cases() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "linsert l before b X", b":4\r\n");
    check(&mut c, "linsert l AFTER c Y", b":5\r\n");
    check(&mut c, "linsert l After a Z", b":6\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*6\r\n$1\r\na\r\n$1\r\nZ\r\n$1\r\nX\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nY\r\n",
    );
    check(&mut c, "linsert l before nope x", b":-1\r\n");
    check(&mut c, "linsert l middle b x", b"-ERR syntax error\r\n");
    check(&mut c, "linsert nokey before a x", b":0\r\n");
    check(&mut c, "linsert nokey middle a x", b"-ERR syntax error\r\n");
    check(&mut c, "exists nokey", b":0\r\n");
    check(&mut c, "rpush d a a a", b":3\r\n");
    check(&mut c, "linsert d after a b", b":4\r\n");
    check(
        &mut c,
        "lrange d 0 -1",
        b"*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\na\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "linsert s before a x",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "linsert s middle a x", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "linsert l before a",
        b"-ERR wrong number of arguments for 'linsert' command\r\n",
    );
}

/// LREM from the head, from the tail, all; the list vanishing; errors.
#[test]
fn lrem_cases() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b a c a d a", b":7\r\n");
    check(&mut c, "lrem l 2 a", b":2\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\na\r\n",
    );
    check(&mut c, "lrem l -1 a", b":1\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n",
    );
    check(&mut c, "lrem l 0 a", b":1\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(&mut c, "lrem l 0 zz", b":0\r\n");
    check(&mut c, "lrem l -9223372036854775808 b", b":1\r\n");
    check(&mut c, "lrem l 9223372036854775807 c", b":1\r\n");
    check(&mut c, "lrem l 1 d", b":1\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(
        &mut c,
        "lrem l x a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "lrem nokey 1 a", b":0\r\n");
    check(
        &mut c,
        "lrem nokey x a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lrem s 1 a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lrem s x a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "lrem l 1",
        b"-ERR wrong number of arguments for 'lrem' command\r\n",
    );
}

/// LTRIM ranges, emptying trims delete the key, errors.
#[test]
fn ltrim_cases() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c d e f", b":6\r\n");
    check(&mut c, "ltrim l 1 -2", b"+OK\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, "ltrim l -100 100", b"+OK\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, "ltrim l -2 -1", b"+OK\r\n");
    check(&mut c, "lrange l 0 -1", b"*2\r\n$1\r\nd\r\n$1\r\ne\r\n");
    check(&mut c, "ltrim l 5 10", b"+OK\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "ltrim l 2 1", b"+OK\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(
        &mut c,
        "ltrim l 9223372036854775807 -9223372036854775808",
        b"+OK\r\n",
    );
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(
        &mut c,
        "ltrim l -9223372036854775808 9223372036854775807",
        b"+OK\r\n",
    );
    check(&mut c, "llen l", b":3\r\n");
    check(
        &mut c,
        "ltrim l x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "ltrim l 1 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "ltrim nokey 0 1", b"+OK\r\n");
    check(
        &mut c,
        "ltrim nokey x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "ltrim s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "ltrim s x 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "ltrim l 0",
        b"-ERR wrong number of arguments for 'ltrim' command\r\n",
    );
}

/// LPOS with RANK, COUNT and MAXLEN in every combination.
#[test]
fn lpos_basic() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c a b c a", b":7\r\n");
    check(&mut c, "lpos l a", b":0\r\n");
    check(&mut c, "lpos l c", b":2\r\n");
    check(&mut c, "lpos l z", b"$-1\r\n");
    check(&mut c, "lpos l a rank 1", b":0\r\n");
    check(&mut c, "lpos l a rank 2", b":3\r\n");
    check(&mut c, "lpos l a rank 3", b":6\r\n");
    check(&mut c, "lpos l a rank 4", b"$-1\r\n");
    check(&mut c, "lpos l a rank -1", b":6\r\n");
    check(&mut c, "lpos l a rank -2", b":3\r\n");
    check(&mut c, "lpos l a rank -3", b":0\r\n");
    check(&mut c, "lpos l a rank -4", b"$-1\r\n");
    check(&mut c, "lpos l a rank 1 rank 3", b":6\r\n");
    check(&mut c, "lpos l a count 0", b"*3\r\n:0\r\n:3\r\n:6\r\n");
    check(&mut c, "lpos l a count 1", b"*1\r\n:0\r\n");
    check(&mut c, "lpos l a count 2", b"*2\r\n:0\r\n:3\r\n");
    check(&mut c, "lpos l a count 100", b"*3\r\n:0\r\n:3\r\n:6\r\n");
    check(&mut c, "lpos l z count 0", b"*0\r\n");
    check(
        &mut c,
        "lpos l a count 0 rank -1",
        b"*3\r\n:6\r\n:3\r\n:0\r\n",
    );
    check(&mut c, "lpos l a count 2 rank -1", b"*2\r\n:6\r\n:3\r\n");
    check(&mut c, "lpos l a count 0 rank 2", b"*2\r\n:3\r\n:6\r\n");
    check(&mut c, "lpos l a rank -2 count 1", b"*1\r\n:3\r\n");
    check(&mut c, "lpos l a count 0 maxlen 4", b"*2\r\n:0\r\n:3\r\n");
    check(
        &mut c,
        "lpos l a count 0 maxlen 0",
        b"*3\r\n:0\r\n:3\r\n:6\r\n",
    );
    check(&mut c, "lpos l a count 0 maxlen 1", b"*1\r\n:0\r\n");
    check(&mut c, "lpos l a maxlen 1", b":0\r\n");
    check(&mut c, "lpos l b maxlen 1", b"$-1\r\n");
    check(&mut c, "lpos l a rank -1 maxlen 1", b":6\r\n");
    check(&mut c, "lpos l b rank -1 maxlen 2", b"$-1\r\n");
    check(&mut c, "lpos l a rank -2 count 5 maxlen 5", b"*1\r\n:3\r\n");
    check(&mut c, "lpos l a RANK 2 COUNT 1 MAXLEN 7", b"*1\r\n:3\r\n");
    check(&mut c, "lpos l a rank 9223372036854775807", b"$-1\r\n");
    check(
        &mut c,
        "lpos l a rank 9223372036854775807 count 0",
        b"*0\r\n",
    );
    check(&mut c, "lpos nokey a", b"$-1\r\n");
    check(&mut c, "lpos nokey a count 1", b"*0\r\n");
    check(&mut c, "lpos nokey a rank -1 count 0 maxlen 3", b"*0\r\n");
}

/// LPOS option errors (checked before the key) and RANK LONG_MIN.
#[test]
fn lpos_errors() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c a b c a", b":7\r\n");
    check(&mut c, "lpos l a rank 0", b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n");
    check(
        &mut c,
        "lpos l a rank x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "lpos l a count -1",
        b"-ERR COUNT can't be negative\r\n",
    );
    check(
        &mut c,
        "lpos l a count x",
        b"-ERR COUNT can't be negative\r\n",
    );
    check(
        &mut c,
        "lpos l a maxlen -1",
        b"-ERR MAXLEN can't be negative\r\n",
    );
    check(
        &mut c,
        "lpos l a maxlen x",
        b"-ERR MAXLEN can't be negative\r\n",
    );
    check(&mut c, "lpos l a foo 1", b"-ERR syntax error\r\n");
    check(&mut c, "lpos l a rank", b"-ERR syntax error\r\n");
    check(&mut c, "lpos l a count", b"-ERR syntax error\r\n");
    check(&mut c, "lpos l a maxlen", b"-ERR syntax error\r\n");
    check(&mut c, "lpos nokey a rank 0", b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n");
    check(&mut c, "lpos nokey a foo", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lpos l",
        b"-ERR wrong number of arguments for 'lpos' command\r\n",
    );
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "lpos s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lpos s a count 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "lpos s a rank 0", b"-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n");
    check(&mut c, "lpos s a foo", b"-ERR syntax error\r\n");
    // Redis negates RANK in C long arithmetic: LONG_MIN stays negative, so every match from the
    // tail qualifies and COUNT never ends the scan.
    check(&mut c, "lpos l a rank -9223372036854775808", b":6\r\n");
    check(&mut c, "lpos l z rank -9223372036854775808", b"$-1\r\n");
    check(
        &mut c,
        "lpos l a rank -9223372036854775808 count 1",
        b"*3\r\n:6\r\n:3\r\n:0\r\n",
    );
    check(
        &mut c,
        "lpos l a rank -9223372036854775808 count 2",
        b"*3\r\n:6\r\n:3\r\n:0\r\n",
    );
    check(
        &mut c,
        "lpos l a rank -9223372036854775808 maxlen 2",
        b":6\r\n",
    );
    check(
        &mut c,
        "lpos l b rank -9223372036854775808 maxlen 1",
        b"$-1\r\n",
    );
}

/// LMOVE every direction, RPOPLPUSH, same-key rotation, types checked first.
#[test]
fn lmove_and_rpoplpush() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c d", b":4\r\n");
    check(&mut c, "lmove l d left right", b"$1\r\na\r\n");
    check(&mut c, "lmove l d right left", b"$1\r\nd\r\n");
    check(&mut c, "lmove l d LEFT LEFT", b"$1\r\nb\r\n");
    check(&mut c, "lmove l d Right Right", b"$1\r\nc\r\n");
    check(
        &mut c,
        "lrange d 0 -1",
        b"*4\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nc\r\n",
    );
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "lmove l l left right", b"$1\r\na\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n",
    );
    check(&mut c, "lmove l l right left", b"$1\r\na\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(&mut c, "rpoplpush l l", b"$1\r\nc\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut c, "rpoplpush l d2", b"$1\r\nb\r\n");
    check(&mut c, "rpoplpush l d2", b"$1\r\na\r\n");
    check(&mut c, "lrange d2 0 -1", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    check(&mut c, "lrange l 0 -1", b"*1\r\n$1\r\nc\r\n");
    check(&mut c, "lmove l d middle left", b"-ERR syntax error\r\n");
    check(&mut c, "lmove l d left middle", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lmove nokey d middle right",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "lmove nokey d left right", b"$-1\r\n");
    check(&mut c, "rpoplpush nokey d", b"$-1\r\n");
    check(&mut c, "exists nokey", b":0\r\n");
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "rpoplpush s d",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "rpoplpush l s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lmove l s left left",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lmove s l left left",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "lmove nokey s left left", b"$-1\r\n");
    check(&mut c, "lrange l 0 -1", b"*1\r\n$1\r\nc\r\n");
    check(
        &mut c,
        "lmove l d left",
        b"-ERR wrong number of arguments for 'lmove' command\r\n",
    );
    check(
        &mut c,
        "rpoplpush l",
        b"-ERR wrong number of arguments for 'rpoplpush' command\r\n",
    );
}

/// Rotating a one-element list in place keeps the key and its TTL.
#[test]
fn lmove_keeps_ttl_of_rotated_key() {
    let (_env, mut c) = start();
    check(&mut c, "rpush t x", b":1\r\n");
    check(&mut c, "expire t 100", b":1\r\n");
    check(&mut c, "rpoplpush t t", b"$1\r\nx\r\n");
    check(&mut c, "ttl t", b":100\r\n");
    check(&mut c, "lmove t t left right", b"$1\r\nx\r\n");
    check(&mut c, "ttl t", b":100\r\n");
    check(&mut c, "lrange t 0 -1", b"*1\r\n$1\r\nx\r\n");
}

/// LMPOP: first non-empty key, COUNT, WRONGTYPE on the way, every error.
#[test]
fn lmpop_cases() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a b c", b":3\r\n");
    check(&mut c, "rpush m x y", b":2\r\n");
    check(
        &mut c,
        "lmpop 2 nokey l left",
        b"*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n",
    );
    check(
        &mut c,
        "lmpop 2 nokey l right count 5",
        b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
    check(&mut c, "exists l", b":0\r\n");
    check(
        &mut c,
        "lmpop 2 nokey m left count 1",
        b"*2\r\n$1\r\nm\r\n*1\r\n$1\r\nx\r\n",
    );
    check(
        &mut c,
        "lmpop 1 m LEFT COUNT 10",
        b"*2\r\n$1\r\nm\r\n*1\r\n$1\r\ny\r\n",
    );
    check(&mut c, "lmpop 1 nokey left", b"*-1\r\n");
    check(&mut c, "lmpop 3 a b c right count 2", b"*-1\r\n");
    check(&mut c, "set s v", b"+OK\r\n");
    check(&mut c, "rpush m x y", b":2\r\n");
    check(
        &mut c,
        "lmpop 2 s m left",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "lmpop 2 m s right",
        b"*2\r\n$1\r\nm\r\n*1\r\n$1\r\ny\r\n",
    );
    check(
        &mut c,
        "lmpop 2 m s right",
        b"*2\r\n$1\r\nm\r\n*1\r\n$1\r\nx\r\n",
    );
    check(
        &mut c,
        "lmpop",
        b"-ERR wrong number of arguments for 'lmpop' command\r\n",
    );
    check(
        &mut c,
        "lmpop 1",
        b"-ERR wrong number of arguments for 'lmpop' command\r\n",
    );
    check(
        &mut c,
        "lmpop 1 l",
        b"-ERR wrong number of arguments for 'lmpop' command\r\n",
    );
    check(
        &mut c,
        "lmpop 0 l left",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "lmpop -1 l left",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "lmpop x l left",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "lmpop 9223372036854775808 l left",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(&mut c, "lmpop 2 l left", b"-ERR syntax error\r\n");
    check(&mut c, "lmpop 99999999999 l left", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lmpop 9223372036854775807 l left",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "lmpop 1 l middle", b"-ERR syntax error\r\n");
    check(&mut c, "lmpop 1 l left count", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lmpop 1 l left count 0",
        b"-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        "lmpop 1 l left count -1",
        b"-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        "lmpop 1 l left count x",
        b"-ERR count should be greater than 0\r\n",
    );
    check(&mut c, "lmpop 1 l left foo 1", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lmpop 1 l left count 1 count 2",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "lmpop 1 l middle count 0", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "lmpop 1 l left count 0 foo",
        b"-ERR count should be greater than 0\r\n",
    );
}

/// Nil replies in RESP3 (HELLO 3).
#[test]
fn resp3_forms() {
    let (_env, mut c) = start();
    check(&mut c, "rpush l a", b":1\r\n");
    c.cmd("HELLO 3");
    check(&mut c, "lpop nokey", b"_\r\n");
    check(&mut c, "lpop nokey 0", b"_\r\n");
    check(&mut c, "lpop nokey 1", b"_\r\n");
    check(&mut c, "rpop nokey 2", b"_\r\n");
    check(&mut c, "lpop l 0", b"*0\r\n");
    check(&mut c, "lpop l 1", b"*1\r\n$1\r\na\r\n");
    check(&mut c, "lpop l 1", b"_\r\n");
    check(&mut c, "lindex nokey 0", b"_\r\n");
    check(&mut c, "rpush l a b", b":2\r\n");
    check(&mut c, "lindex l 5", b"_\r\n");
    check(&mut c, "lpos l z", b"_\r\n");
    check(&mut c, "lpos nokey z", b"_\r\n");
    check(&mut c, "lpos nokey z count 0", b"*0\r\n");
    check(&mut c, "rpoplpush nokey x", b"_\r\n");
    check(&mut c, "lmove nokey x left left", b"_\r\n");
    check(&mut c, "lmpop 1 nokey left", b"_\r\n");
    check(
        &mut c,
        "lmpop 1 l left count 5",
        b"*2\r\n$1\r\nl\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut c, "lrange nokey 0 -1", b"*0\r\n");
}

/// NUL, CR/LF, high bytes and empty elements are plain elements.
#[test]
fn binary_elements() {
    let (_env, mut c) = start();
    check_args(
        &mut c,
        &[
            b"rpush",
            b"l",
            b"a\x00b",
            b"\x00",
            b"\xff\xfe",
            b"\r\n",
            b"",
        ],
        b":5\r\n",
    );
    check(&mut c, "llen l", b":5\r\n");
    check(
        &mut c,
        "lrange l 0 -1",
        b"*5\r\n$3\r\na\x00b\r\n$1\r\n\x00\r\n$2\r\n\xff\xfe\r\n$2\r\n\r\n\r\n$0\r\n\r\n",
    );
    check(&mut c, "lindex l 1", b"$1\r\n\x00\r\n");
    check_args(&mut c, &[b"lpos", b"l", b"\x00"], b":1\r\n");
    check_args(&mut c, &[b"lpos", b"l", b""], b":4\r\n");
    check_args(&mut c, &[b"lrem", b"l", b"0", b"\r\n"], b":1\r\n");
    check_args(
        &mut c,
        &[b"linsert", b"l", b"before", b"\x00", b"\x01\x02"],
        b":5\r\n",
    );
    check_args(&mut c, &[b"lset", b"l", b"-1", b"\x00\x00"], b"+OK\r\n");
    check(&mut c, "lrange l 0 -1", b"*5\r\n$3\r\na\x00b\r\n$2\r\n\x01\x02\r\n$1\r\n\x00\r\n$2\r\n\xff\xfe\r\n$2\r\n\x00\x00\r\n");
    check(&mut c, "rpush n 1 01 1.0 1", b":4\r\n");
    check(&mut c, "lrem n 0 1", b":2\r\n");
    check(&mut c, "lrange n 0 -1", b"*2\r\n$2\r\n01\r\n$3\r\n1.0\r\n");
    check(&mut c, "lpos n 01", b":0\r\n");
}

/// COMMAND INFO entries (arity, flags, key specs) and COMMAND GETKEYS for movable keys.
#[test]
fn command_metadata() {
    let (_env, mut c) = start();
    check(&mut c, "command info lpush", b"*1\r\n*10\r\n$5\r\nlpush\r\n:-3\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lpop", b"*1\r\n*10\r\n$4\r\nlpop\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info llen", b"*1\r\n*10\r\n$4\r\nllen\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@list\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lrange", b"*1\r\n*10\r\n$6\r\nlrange\r\n:4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lset", b"*1\r\n*10\r\n$4\r\nlset\r\n:4\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lrem", b"*1\r\n*10\r\n$4\r\nlrem\r\n:4\r\n*1\r\n+write\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lmove", b"*1\r\n*10\r\n$5\r\nlmove\r\n:5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info rpoplpush", b"*1\r\n*10\r\n$9\r\nrpoplpush\r\n:3\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+insert\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "command info lmpop", b"*1\r\n*10\r\n$5\r\nlmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@write\r\n+@list\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n");
    check(
        &mut c,
        "command getkeys lmpop 2 a b left count 1",
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut c, "command getkeysandflags lmove a b left right", b"*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n");
    check(
        &mut c,
        "command getkeysandflags lmpop 1 a right",
        b"*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n",
    );
}
/// Integer-looking elements round-trip byte for byte and compare as bytes.
#[test]
fn integer_elements() {
    let (_env, mut c) = start();
    check(
        &mut c,
        "rpush n 0 -1 127 128 -129 32767 -32768 8388608 2147483648 -9223372036854775808 9223372036854775807 9223372036854775808 -0 007 +5 1e3",
        b":16\r\n",
    );
    check(&mut c, "lrange n 0 -1", b"*16\r\n$1\r\n0\r\n$2\r\n-1\r\n$3\r\n127\r\n$3\r\n128\r\n$4\r\n-129\r\n$5\r\n32767\r\n$6\r\n-32768\r\n$7\r\n8388608\r\n$10\r\n2147483648\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n$19\r\n9223372036854775808\r\n$2\r\n-0\r\n$3\r\n007\r\n$2\r\n+5\r\n$3\r\n1e3\r\n");
    check(&mut c, "lindex n -5", b"$19\r\n9223372036854775808\r\n");
    check(&mut c, "lpos n -9223372036854775808", b":9\r\n");
    check(&mut c, "lpos n 9223372036854775808", b":11\r\n");
    check(&mut c, "lpos n 7", b"$-1\r\n");
    check(&mut c, "lpos n 007", b":13\r\n");
    check(&mut c, "linsert n after 127 12", b":17\r\n");
    check(&mut c, "linsert n before 0 00", b":18\r\n");
    check(&mut c, "lset n 1 -2", b"+OK\r\n");
    check(&mut c, "lrem n 0 -32768", b":1\r\n");
    check(&mut c, "lrange n 0 -1", b"*17\r\n$2\r\n00\r\n$2\r\n-2\r\n$2\r\n-1\r\n$3\r\n127\r\n$2\r\n12\r\n$3\r\n128\r\n$4\r\n-129\r\n$5\r\n32767\r\n$7\r\n8388608\r\n$10\r\n2147483648\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n$19\r\n9223372036854775808\r\n$2\r\n-0\r\n$3\r\n007\r\n$2\r\n+5\r\n$3\r\n1e3\r\n");
    check(
        &mut c,
        "lpop n 3",
        b"*3\r\n$2\r\n00\r\n$2\r\n-2\r\n$2\r\n-1\r\n",
    );
    check(&mut c, "rpop n 2", b"*2\r\n$3\r\n1e3\r\n$2\r\n+5\r\n");
    check(&mut c, "rpoplpush n n", b"$3\r\n007\r\n");
    check(&mut c, "lrange n 0 -1", b"*12\r\n$3\r\n007\r\n$3\r\n127\r\n$2\r\n12\r\n$3\r\n128\r\n$4\r\n-129\r\n$5\r\n32767\r\n$7\r\n8388608\r\n$10\r\n2147483648\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775807\r\n$19\r\n9223372036854775808\r\n$2\r\n-0\r\n");
}
