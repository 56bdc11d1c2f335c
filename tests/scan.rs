//! SCAN family guarantees against the real binary: every element present for a whole iteration
//! is returned at least once while a second connection inserts and deletes enough to grow and
//! shrink the table several times between calls (SCAN, HSCAN, SSCAN, ZSCAN on hash-table
//! encodings); MATCH / COUNT / TYPE filters; small encodings answer everything with cursor 0.
//! Randomized with a seed printed on failure (`SCAN_SEED=n` replays one).

mod common;

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Server, encode, show};

/// A parsed RESP reply (only the shapes SCAN-family replies use).
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(Vec<u8>),
    Int(i64),
    Simple(Vec<u8>),
    Err(Vec<u8>),
    Arr(Vec<V>),
    Nil,
}

/// A buffered RESP client, so big pipelines are cheap to read.
struct Client {
    s: TcpStream,
    buf: Vec<u8>,
    pos: usize,
}

impl Client {
    fn new(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.set_nodelay(true).unwrap();
        Client {
            s,
            buf: Vec::new(),
            pos: 0,
        }
    }

    fn fill(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let mut tmp = [0u8; 65536];
        let n = self.s.read(&mut tmp).expect("read");
        assert!(n > 0, "server closed the connection");
        self.buf.extend_from_slice(&tmp[..n]);
    }

    fn line(&mut self) -> Vec<u8> {
        loop {
            if let Some(i) = self.buf[self.pos..].windows(2).position(|w| w == b"\r\n") {
                let l = self.buf[self.pos..self.pos + i].to_vec();
                self.pos += i + 2;
                return l;
            }
            self.fill();
        }
    }

    fn read(&mut self) -> V {
        let l = self.line();
        let rest = &l[1..];
        let n = || -> i64 { std::str::from_utf8(rest).unwrap().parse().unwrap() };
        match l[0] {
            b'+' => V::Simple(rest.to_vec()),
            b'-' => V::Err(rest.to_vec()),
            b':' => V::Int(n()),
            b'$' if n() < 0 => V::Nil,
            b'$' => {
                let len = n() as usize;
                while self.buf.len() - self.pos < len + 2 {
                    self.fill();
                }
                let b = self.buf[self.pos..self.pos + len].to_vec();
                self.pos += len + 2;
                V::Bulk(b)
            }
            b'*' if n() < 0 => V::Nil,
            b'*' => V::Arr((0..n()).map(|_| self.read()).collect()),
            t => panic!("unexpected reply type {}", t as char),
        }
    }

    fn cmd(&mut self, args: &[&[u8]]) -> V {
        self.s.write_all(&encode(args)).unwrap();
        self.read()
    }

    /// Sends all commands at once, then reads (and checks) every reply.
    fn pipeline(&mut self, cmds: &[Vec<Vec<u8>>]) {
        let mut out = Vec::new();
        for c in cmds {
            let args: Vec<&[u8]> = c.iter().map(|a| a.as_slice()).collect();
            out.extend_from_slice(&encode(&args));
        }
        self.s.write_all(&out).unwrap();
        for _ in cmds {
            let r = self.read();
            assert!(!matches!(r, V::Err(_)), "pipeline error: {r:?}");
        }
    }
}

/// xorshift64*: small, seeded, good enough for choosing batch sizes and keys.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("SCAN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        })
}

/// Runs `f` with a seeded RNG; the seed is printed if it panics.
fn with_seed(name: &str, f: impl FnOnce(&mut Rng)) {
    let s = seed();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut Rng(s))));
    if let Err(e) = r {
        eprintln!("{name} failed with SCAN_SEED={s}");
        std::panic::resume_unwind(e);
    }
}

/// One SCAN-family call: (next cursor, items).
fn scan_call(c: &mut Client, args: &[&[u8]]) -> (Vec<u8>, Vec<Vec<u8>>) {
    match c.cmd(args) {
        V::Arr(v) if v.len() == 2 => {
            let cur = match &v[0] {
                V::Bulk(b) => b.clone(),
                r => panic!("cursor not a bulk: {r:?}"),
            };
            let items = match &v[1] {
                V::Arr(items) => items
                    .iter()
                    .map(|i| match i {
                        V::Bulk(b) => b.clone(),
                        r => panic!("item not a bulk: {r:?}"),
                    })
                    .collect(),
                r => panic!("items not an array: {r:?}"),
            };
            (cur, items)
        }
        r => panic!("bad scan reply to {:?}: {r:?}", show(&args.concat())),
    }
}

/// The churn plan: rounds of growing the collection to `high` extra elements and shrinking it
/// back to `low`, in batches, one batch between two SCAN calls.
struct Churn {
    high: u64,
    low: u64,
    rounds: u32,
    batch: u64,
    /// Extra elements present now, by index.
    live: Vec<u64>,
    next_id: u64,
    growing: bool,
    round: u32,
    /// Table size changes the plan went through (grow/shrink edges crossed).
    edges: u32,
    /// SCAN COUNT is drawn from 1..=max_count.
    max_count: u64,
    /// SCAN calls made.
    calls: u64,
}

impl Churn {
    fn new(high: u64, low: u64, rounds: u32, batch: u64) -> Churn {
        Churn {
            high,
            low,
            rounds,
            batch,
            live: Vec::new(),
            next_id: 0,
            growing: true,
            round: 0,
            edges: 0,
            max_count: 40,
            calls: 0,
        }
    }

    fn done(&self) -> bool {
        self.round >= self.rounds
    }

    /// The next batch: (ids to add, ids to remove).
    fn step(&mut self, rng: &mut Rng) -> (Vec<u64>, Vec<u64>) {
        if self.done() {
            return (Vec::new(), Vec::new());
        }
        let n = self.batch / 2 + rng.below(self.batch);
        if self.growing {
            let add: Vec<u64> = (self.next_id..self.next_id + n).collect();
            self.next_id += n;
            self.live.extend(&add);
            if self.live.len() as u64 >= self.high {
                self.growing = false;
                self.edges += 1;
            }
            (add, Vec::new())
        } else {
            let mut del = Vec::new();
            for _ in 0..n {
                if self.live.len() as u64 <= self.low {
                    break;
                }
                let i = rng.below(self.live.len() as u64) as usize;
                del.push(self.live.swap_remove(i));
            }
            if self.live.len() as u64 <= self.low {
                self.growing = true;
                self.edges += 1;
                self.round += 1;
            }
            (Vec::new(), del)
        }
    }
}

/// Builds a SCAN-family command from (cursor, count).
type ScanArgs<'a> = dyn Fn(&[u8], u64) -> Vec<Vec<u8>> + 'a;
/// Builds the commands adding and removing churn elements by id.
type Apply<'a> = dyn Fn(&[u64], &[u64]) -> Vec<Vec<Vec<u8>>> + 'a;

/// Iterates with `scan_args(cursor)` until cursor 0, applying one churn batch through `writer`
/// before each call. Returns every item returned (with repeats) and the churn edges crossed.
fn iterate_with_churn(
    reader: &mut Client,
    writer: &mut Client,
    rng: &mut Rng,
    churn: &mut Churn,
    scan_args: &ScanArgs<'_>,
    apply: &Apply<'_>,
) -> Vec<Vec<u8>> {
    let mut cursor = b"0".to_vec();
    let mut seen = Vec::new();
    let mut calls = 0u64;
    loop {
        let (add, del) = churn.step(rng);
        let cmds = apply(&add, &del);
        if !cmds.is_empty() {
            writer.pipeline(&cmds);
        }
        let count = 1 + rng.below(churn.max_count);
        let args = scan_args(&cursor, count);
        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
        let (next, items) = scan_call(reader, &refs);
        seen.extend(items);
        calls += 1;
        churn.calls = calls;
        assert!(calls < 5_000_000, "SCAN did not terminate");
        if next == b"0" {
            return seen;
        }
        cursor = next;
    }
}

fn bytes(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// Keyspace SCAN while the table grows 0 -> ~200k -> 2k twice between calls: every stable key
/// comes back, nothing never present does, and MATCH/TYPE filters hold on every call.
#[test]
fn scan_keyspace_under_grow_and_shrink() {
    with_seed("scan_keyspace_under_grow_and_shrink", |rng| {
        let srv = Server::start(&[]);
        let mut r = Client::new(srv.port);
        let mut w = Client::new(srv.port);
        // Stable keys of several types: present for the whole iteration.
        let n_stable = 1500;
        let mut stable = HashSet::new();
        let mut cmds = Vec::new();
        for i in 0..n_stable {
            let k = format!("stable:{i}:{}", rng.below(1000));
            let c = match i % 3 {
                0 => vec![bytes("SET"), bytes(&k), bytes("v")],
                1 => vec![bytes("HSET"), bytes(&k), bytes("f"), bytes("v")],
                _ => vec![bytes("SADD"), bytes(&k), bytes("m")],
            };
            cmds.push(c);
            stable.insert((bytes(&k), i % 3));
        }
        w.pipeline(&cmds);
        let mut churn = Churn::new(200_000, 2_000, 2, 2_500);
        // Unfiltered iteration, then a filtered one, each with its own churn.
        let seen = iterate_with_churn(
            &mut r,
            &mut w,
            rng,
            &mut churn,
            &|cur, count| {
                vec![
                    bytes("SCAN"),
                    cur.to_vec(),
                    bytes("COUNT"),
                    bytes(&count.to_string()),
                ]
            },
            &|add, del| {
                let mut c = Vec::new();
                if !add.is_empty() {
                    let mut m = vec![bytes("MSET")];
                    for id in add {
                        m.push(bytes(&format!("churn:{id}")));
                        m.push(bytes("x"));
                    }
                    c.push(m);
                }
                if !del.is_empty() {
                    let mut d = vec![bytes("DEL")];
                    d.extend(del.iter().map(|id| bytes(&format!("churn:{id}"))));
                    c.push(d);
                }
                c
            },
        );
        assert!(
            churn.edges >= 2,
            "the iteration ended before the table grew and shrank (edges={})",
            churn.edges
        );
        let seen_set: HashSet<&Vec<u8>> = seen.iter().collect();
        for (k, _) in &stable {
            assert!(seen_set.contains(k), "stable key {} missed", show(k));
        }
        for k in &seen {
            let ok = k.starts_with(b"stable:") && stable.iter().any(|(s, _)| s == k)
                || k.starts_with(b"churn:");
            assert!(ok, "returned a key never present: {}", show(k));
        }

        // MATCH + TYPE: only stable hashes, every one of them, while churn continues.
        let mut churn = Churn::new(120_000, 2_000, 1, 2_500);
        churn.next_id = 10_000_000;
        let seen = iterate_with_churn(
            &mut r,
            &mut w,
            rng,
            &mut churn,
            &|cur, count| {
                vec![
                    bytes("SCAN"),
                    cur.to_vec(),
                    bytes("MATCH"),
                    bytes("stable:*"),
                    bytes("COUNT"),
                    bytes(&count.to_string()),
                    bytes("TYPE"),
                    bytes("hash"),
                ]
            },
            &|add, del| {
                let mut c = Vec::new();
                for id in add {
                    // Churn hashes too, under a name MATCH must filter out.
                    c.push(vec![
                        bytes("HSET"),
                        bytes(&format!("churn:{id}")),
                        bytes("f"),
                        bytes("v"),
                    ]);
                }
                if !del.is_empty() {
                    let mut d = vec![bytes("UNLINK")];
                    d.extend(del.iter().map(|id| bytes(&format!("churn:{id}"))));
                    c.push(d);
                }
                c
            },
        );
        let want: HashSet<Vec<u8>> = stable
            .iter()
            .filter(|(_, t)| *t == 1)
            .map(|(k, _)| k.clone())
            .collect();
        let got: HashSet<Vec<u8>> = seen.into_iter().collect();
        assert_eq!(got, want, "SCAN MATCH stable:* TYPE hash");
    });
}

/// A full iteration without changes returns each key exactly once, whatever COUNT.
#[test]
fn scan_without_changes_returns_each_key_once() {
    with_seed("scan_without_changes_returns_each_key_once", |rng| {
        let srv = Server::start(&[]);
        let mut c = Client::new(srv.port);
        let n = 5000;
        let cmds: Vec<Vec<Vec<u8>>> = (0..n)
            .map(|i| vec![bytes("SET"), bytes(&format!("k{i}")), bytes("v")])
            .collect();
        c.pipeline(&cmds);
        for _ in 0..3 {
            let count = 1 + rng.below(500);
            let mut cursor = b"0".to_vec();
            let mut seen: HashMap<Vec<u8>, u32> = HashMap::new();
            loop {
                let cs = count.to_string();
                let (next, items) = scan_call(&mut c, &[b"SCAN", &cursor, b"COUNT", cs.as_bytes()]);
                for i in items {
                    *seen.entry(i).or_default() += 1;
                }
                if next == b"0" {
                    break;
                }
                cursor = next;
            }
            assert_eq!(seen.len(), n, "COUNT {count}");
            assert!(seen.values().all(|&v| v == 1), "a key came back twice");
        }
    });
}

/// HSCAN / SSCAN / ZSCAN on hash-table encodings while fields come and go (the collection
/// grows to ~60k and shrinks to ~1k, staying a hash table as in Redis).
#[test]
fn hscan_sscan_zscan_under_grow_and_shrink() {
    with_seed("hscan_sscan_zscan_under_grow_and_shrink", |rng| {
        let srv = Server::start(&[]);
        let mut r = Client::new(srv.port);
        let mut w = Client::new(srv.port);
        for kind in ["hash", "set", "zset"] {
            let key = format!("big{kind}");
            let n_stable = 800u64;
            let add_cmd = |ids: &[u64], prefix: &str| -> Vec<Vec<u8>> {
                let mut c = match kind {
                    "hash" => vec![bytes("HSET"), bytes(&key)],
                    "set" => vec![bytes("SADD"), bytes(&key)],
                    _ => vec![bytes("ZADD"), bytes(&key)],
                };
                for id in ids {
                    let m = bytes(&format!("{prefix}{id}"));
                    match kind {
                        "hash" => {
                            c.push(m);
                            c.push(bytes(&format!("val{id}")));
                        }
                        "set" => c.push(m),
                        _ => {
                            c.push(bytes(&id.to_string()));
                            c.push(m);
                        }
                    }
                }
                c
            };
            let stable_ids: Vec<u64> = (0..n_stable).collect();
            w.pipeline(&[add_cmd(&stable_ids, "stable")]);
            let enc = r.cmd(&[b"OBJECT", b"ENCODING", key.as_bytes()]);
            let want_enc = if kind == "zset" {
                "skiplist"
            } else {
                "hashtable"
            };
            assert_eq!(enc, V::Bulk(bytes(want_enc)), "{kind} encoding");
            let scan_cmd = match kind {
                "hash" => "HSCAN",
                "set" => "SSCAN",
                _ => "ZSCAN",
            };
            let mut churn = Churn::new(60_000, 1_000, 2, 2_500);
            churn.max_count = 6;
            let seen = iterate_with_churn(
                &mut r,
                &mut w,
                rng,
                &mut churn,
                &|cur, count| {
                    vec![
                        bytes(scan_cmd),
                        bytes(&key),
                        cur.to_vec(),
                        bytes("COUNT"),
                        bytes(&count.to_string()),
                    ]
                },
                &|add, del| {
                    let mut c = Vec::new();
                    if !add.is_empty() {
                        c.push(add_cmd(add, "churn"));
                    }
                    if !del.is_empty() {
                        let mut d = match kind {
                            "hash" => vec![bytes("HDEL"), bytes(&key)],
                            "set" => vec![bytes("SREM"), bytes(&key)],
                            _ => vec![bytes("ZREM"), bytes(&key)],
                        };
                        d.extend(del.iter().map(|id| bytes(&format!("churn{id}"))));
                        c.push(d);
                    }
                    c
                },
            );
            // A one-call iteration (everything at once) trivially keeps the guarantee; the
            // incremental cursor itself is checked by `collection_scan_is_incremental`.
            assert!(
                churn.calls == 1 || churn.edges >= 2,
                "{kind}: iteration too short: edges={} calls={}",
                churn.edges,
                churn.calls
            );
            // Pairs for HSCAN/ZSCAN: member then value/score.
            let mut got: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
            if kind == "set" {
                for m in seen {
                    got.insert(m, Vec::new());
                }
            } else {
                assert!(seen.len().is_multiple_of(2), "{kind}: odd item count");
                for p in seen.chunks(2) {
                    got.insert(p[0].clone(), p[1].clone());
                }
            }
            for id in 0..n_stable {
                let m = bytes(&format!("stable{id}"));
                let v = got
                    .get(&m)
                    .unwrap_or_else(|| panic!("{scan_cmd}: stable member {id} missed"));
                match kind {
                    "hash" => assert_eq!(v, &bytes(&format!("val{id}"))),
                    "zset" => assert_eq!(v, &bytes(&id.to_string())),
                    _ => {}
                }
            }
            for m in got.keys() {
                assert!(
                    m.starts_with(b"stable") || m.starts_with(b"churn"),
                    "{scan_cmd}: unknown member {}",
                    show(m)
                );
            }
            // MATCH on the same big collection: only matching members, all stable ones.
            let mut cursor = b"0".to_vec();
            let mut matched = HashSet::new();
            loop {
                let (next, items) = scan_call(
                    &mut r,
                    &[
                        scan_cmd.as_bytes(),
                        key.as_bytes(),
                        &cursor,
                        b"MATCH",
                        b"stable1?",
                        b"COUNT",
                        b"7",
                    ],
                );
                let step = if kind == "set" { 1 } else { 2 };
                for m in items.iter().step_by(step) {
                    matched.insert(m.clone());
                }
                if next == b"0" {
                    break;
                }
                cursor = next;
            }
            let want: HashSet<Vec<u8>> = (10..20).map(|i| bytes(&format!("stable{i}"))).collect();
            assert_eq!(matched, want, "{scan_cmd} MATCH stable1?");
        }
    });
}

/// Small encodings (listpack hash and zset, intset) return everything in one call with cursor
/// 0, whatever COUNT; replies recorded from Redis 7.0.15.
#[test]
fn small_encodings_return_everything_with_cursor_zero() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.cmd("HSET h a 1 b 2 c 3");
    assert_eq!(
        show(&c.cmd("HSCAN h 0 COUNT 1")),
        "*2\\r\\n$1\\r\\n0\\r\\n*6\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n$1\\r\\nb\\r\\n$1\\r\\n2\\r\\n$1\\r\\nc\\r\\n$1\\r\\n3\\r\\n"
    );
    c.cmd("SADD s 5 3 1");
    assert_eq!(
        show(&c.cmd("SSCAN s 0 COUNT 1")),
        "*2\\r\\n$1\\r\\n0\\r\\n*3\\r\\n$1\\r\\n1\\r\\n$1\\r\\n3\\r\\n$1\\r\\n5\\r\\n"
    );
    c.cmd("ZADD z 2 b 1 a");
    assert_eq!(
        show(&c.cmd("ZSCAN z 0 COUNT 1")),
        "*2\\r\\n$1\\r\\n0\\r\\n*4\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n$1\\r\\nb\\r\\n$1\\r\\n2\\r\\n"
    );
    assert_eq!(
        show(&c.cmd("ZSCAN z 0 MATCH a")),
        "*2\\r\\n$1\\r\\n0\\r\\n*2\\r\\n$1\\r\\na\\r\\n$1\\r\\n1\\r\\n"
    );
    // 500 fields stay a listpack (hash-max-listpack-entries 512): still one call.
    let mut args: Vec<Vec<u8>> = vec![bytes("HSET"), bytes("h500")];
    for i in 0..500 {
        args.push(bytes(&format!("f{i}")));
        args.push(bytes("v"));
    }
    let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
    c.cmd_args(&refs);
    let mut cl = Client::new(srv.port);
    let (cur, items) = scan_call(&mut cl, &[b"HSCAN", b"h500", b"0", b"COUNT", b"1"]);
    assert_eq!(cur, b"0");
    assert_eq!(items.len(), 1000);
    assert_eq!(items[0], b"f0");
    assert_eq!(items[998], b"f499");
    // Missing key, wrong type, bad options and cursor: Redis 7.0.15's replies.
    assert_eq!(
        show(&c.cmd("HSCAN nokey 0")),
        "*2\\r\\n$1\\r\\n0\\r\\n*0\\r\\n"
    );
    c.cmd("SET str v");
    assert_eq!(
        show(&c.cmd("HSCAN str 0")),
        "-WRONGTYPE Operation against a key holding the wrong kind of value\\r\\n"
    );
    assert_eq!(
        show(&c.cmd("SCAN 0 TYPE foo")),
        "*2\\r\\n$1\\r\\n0\\r\\n*0\\r\\n"
    );
    assert_eq!(show(&c.cmd("SCAN 0 COUNT 0")), "-ERR syntax error\\r\\n");
    assert_eq!(
        show(&c.cmd("HSCAN h 0 MATCH a COUNT 0")),
        "-ERR syntax error\\r\\n"
    );
    assert_eq!(show(&c.cmd("HSCAN h x")), "-ERR invalid cursor\\r\\n");
}

/// On hash-table encodings the SCAN family is incremental, as in Redis: a small COUNT gives a
/// partial page and a nonzero cursor (Redis 7.0.15: `HSCAN` of a 3300-field hash with COUNT 3
/// returns 3 to 6 fields and a cursor like `2048`), and the pages together cover everything.
#[test]
fn collection_scan_is_incremental() {
    let srv = Server::start(&[]);
    let mut c = Client::new(srv.port);
    let n = 3000u64;
    let mut h = vec![bytes("HSET"), bytes("h")];
    let mut s = vec![bytes("SADD"), bytes("s")];
    let mut z = vec![bytes("ZADD"), bytes("z")];
    for i in 0..n {
        h.push(bytes(&format!("f{i}")));
        h.push(bytes("v"));
        s.push(bytes(&format!("m{i}")));
        z.push(bytes(&i.to_string()));
        z.push(bytes(&format!("m{i}")));
    }
    c.pipeline(&[h, s, z]);
    for (cmd, key, per) in [("HSCAN", "h", 2), ("SSCAN", "s", 1), ("ZSCAN", "z", 2)] {
        let (cur, items) = scan_call(
            &mut c,
            &[cmd.as_bytes(), key.as_bytes(), b"0", b"COUNT", b"3"],
        );
        assert!(
            cur != b"0" && items.len() / per < 100,
            "{cmd} COUNT 3 on a {n}-element hash table answered {} elements with cursor {} \
             (Redis: a few elements and a nonzero cursor)",
            items.len() / per,
            show(&cur)
        );
        let mut all = HashSet::new();
        let mut cursor = b"0".to_vec();
        loop {
            let (next, items) = scan_call(
                &mut c,
                &[cmd.as_bytes(), key.as_bytes(), &cursor, b"COUNT", b"50"],
            );
            all.extend(items.into_iter().step_by(per));
            if next == b"0" {
                break;
            }
            cursor = next;
        }
        assert_eq!(all.len() as u64, n, "{cmd}: full iteration");
    }
}
