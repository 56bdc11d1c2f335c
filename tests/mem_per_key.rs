//! Memory per key: loads the shapes of `scripts/mem.sh` (scaled down) and checks INFO's
//! `used_memory` growth per key stays within the compact layout's budget (64-byte dict slot
//! with inline key and value, 4-byte bucket; exact-size listpacks; 36-byte hash-table slots),
//! so a layout regression shows up here and not only in the release-build script.

mod common;

use common::{Conn, Server, encode};
use std::io::Read;

fn used_memory(c: &mut Conn) -> i64 {
    let info = c.cmd("INFO memory");
    let text = String::from_utf8_lossy(&info);
    text.lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("used_memory in INFO")
}

/// Sends `cmds` in pipelined batches, checking each reply is exactly `reply`.
fn load(c: &mut Conn, cmds: impl Iterator<Item = Vec<Vec<u8>>>, reply: &[u8]) {
    let mut batch = Vec::new();
    let mut n = 0;
    let flush = |c: &mut Conn, batch: &mut Vec<u8>, n: &mut usize| {
        c.send(batch);
        let mut got = vec![0u8; reply.len() * *n];
        c.s.read_exact(&mut got).expect("replies");
        assert!(got.chunks(reply.len()).all(|r| r == reply));
        batch.clear();
        *n = 0;
    };
    for cmd in cmds {
        let args: Vec<&[u8]> = cmd.iter().map(|a| &a[..]).collect();
        batch.extend_from_slice(&encode(&args));
        n += 1;
        if n == 500 {
            flush(c, &mut batch, &mut n);
        }
    }
    if n > 0 {
        flush(c, &mut batch, &mut n);
    }
}

/// `used_memory` growth per key (or field) while loading `cmds` into a fresh server.
fn per_key(keys: usize, cmds: impl Iterator<Item = Vec<Vec<u8>>>, reply: &[u8]) -> f64 {
    let s = Server::start(&[]);
    let mut c = s.connect();
    let before = used_memory(&mut c);
    load(&mut c, cmds, reply);
    let b = (used_memory(&mut c) - before) as f64 / keys as f64;
    eprintln!("{b:.1} bytes per key");
    b
}

const N: usize = 100_000;

#[test]
fn short_strings_cost_one_slot() {
    let set = |i: usize| {
        vec![
            b"SET".to_vec(),
            format!("key:{i:07}").into(),
            format!("val:{i:06}").into(),
        ]
    };
    let b = per_key(N, (0..N).map(set), b"+OK\r\n");
    assert!(b < 76.0, "{b:.1} bytes per string key");
    let with_ttl = (0..N).map(|i| {
        let mut c = set(i);
        c.extend([b"EX".to_vec(), b"100000".to_vec()]);
        c
    });
    let b = per_key(N, with_ttl, b"+OK\r\n");
    assert!(b < 76.0, "{b:.1} bytes per string key with a TTL");
    // redis-benchmark's 16-byte keys are inline too (up to 19 bytes).
    let long_key = |i: usize| {
        let k = format!("key:{i:012}").into_bytes();
        vec![b"SET".to_vec(), k, b"xxx".to_vec()]
    };
    let b = per_key(N, (0..N).map(long_key), b"+OK\r\n");
    assert!(b < 76.0, "{b:.1} bytes per 16-byte string key");
}

#[test]
fn small_hashes_are_one_exact_listpack() {
    let n = N / 10;
    let hset = |i: usize| {
        let mut c = vec![b"HSET".to_vec(), format!("hash:{i:06}").into()];
        for f in 0..10 {
            c.push(format!("field{f}").into());
            c.push(format!("value{f}").into());
        }
        c
    };
    let b = per_key(n, (0..n).map(hset), b":10\r\n");
    // 64-byte slot + 144-byte listpack + bucket and arena slack (10k keys).
    assert!(b < 235.0, "{b:.1} bytes per small hash");
}

#[test]
fn big_hash_fields_cost_one_table_slot() {
    let hset = |i: usize| {
        let mut c = vec![b"HSET".to_vec(), b"bighash".to_vec()];
        for f in i * 100..(i + 1) * 100 {
            c.push(format!("field:{f:07}").into());
            c.push(format!("v{f}").into());
        }
        c
    };
    let b = per_key(N, (0..N / 100).map(hset), b":100\r\n");
    // 36-byte slot + 4 to 8 bytes of buckets.
    assert!(b < 48.0, "{b:.1} bytes per hash field");
}
