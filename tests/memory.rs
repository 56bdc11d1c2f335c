//! MEMORY end to end: errors and HELP (exact bytes recorded from Redis 7.0.15), and the shapes
//! of USAGE, STATS, DOCTOR, MALLOC-STATS and PURGE replies (their figures are ferrokv's own).
//!
//! To re-check against a real server, start one and run
//! `MEMORY_ORACLE_PORT=<port> cargo test --test memory -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("MEMORY_ORACLE_PORT")
}

/// A parsed reply.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Int(i64),
    Bulk(Vec<u8>),
    Double(f64),
    Nil,
    /// Array (`*`) or map (`%`, its pairs flattened), with the tag.
    Agg(u8, Vec<V>),
    Other(Vec<u8>),
}

fn parse(b: &[u8]) -> V {
    fn line(b: &[u8], at: &mut usize) -> Vec<u8> {
        let end = (*at..b.len())
            .find(|&i| b[i..].starts_with(b"\r\n"))
            .expect("line");
        let l = b[*at..end].to_vec();
        *at = end + 2;
        l
    }
    fn value(b: &[u8], at: &mut usize) -> V {
        let l = line(b, at);
        let body = String::from_utf8_lossy(&l[1..]).to_string();
        let n = || body.parse::<i64>().expect("length");
        match l[0] {
            b':' => V::Int(n()),
            b',' => V::Double(body.parse().expect("double")),
            b'_' => V::Nil,
            b'$' | b'=' if n() < 0 => V::Nil,
            b'$' | b'=' => {
                let len = n() as usize;
                let v = b[*at..*at + len].to_vec();
                *at += len + 2;
                V::Bulk(v)
            }
            t @ (b'*' | b'%') => {
                let k = if t == b'%' { 2 * n() } else { n() };
                V::Agg(t, (0..k).map(|_| value(b, at)).collect())
            }
            _ => V::Other(l),
        }
    }
    let mut at = 0;
    let v = value(b, &mut at);
    assert_eq!(at, b.len(), "one reply");
    v
}

fn usage(c: &mut Conn, cmd: &str) -> i64 {
    match parse(&c.cmd(cmd)) {
        V::Int(n) => n,
        v => panic!("{cmd}: not an integer: {v:?}"),
    }
}

/// MEMORY USAGE counts the key, its slot and the value, growing with the value.
#[test]
fn usage_grows_with_the_value() {
    let (_env, mut c) = start();
    c.cmd("SET s hello");
    c.cmd(&format!("SET big {}", "x".repeat(1000)));
    let s = usage(&mut c, "MEMORY USAGE s");
    let big = usage(&mut c, "MEMORY USAGE big");
    assert!(s > 5, "{s}");
    assert!(big > 1000 && big > s, "{big}");
    let longkey = "k".repeat(500);
    c.cmd(&format!("SET {longkey} hello"));
    assert!(usage(&mut c, &format!("MEMORY USAGE {longkey}")) >= s + 499);

    c.cmd("RPUSH l a b c");
    let l = usage(&mut c, "MEMORY USAGE l");
    c.cmd(&format!("RPUSH l {}", "y".repeat(5000)));
    assert!(usage(&mut c, "MEMORY USAGE l") > l + 4500);

    let members: Vec<String> = (0..300).map(|i| format!("member:{i}")).collect();
    c.cmd(&format!(
        "SADD si {}",
        (0..10).map(|i| i.to_string()).collect::<Vec<_>>().join(" ")
    ));
    c.cmd(&format!("SADD ss {}", members.join(" ")));
    c.cmd("HSET h f v");
    c.cmd(&format!(
        "HSET hb {}",
        members
            .iter()
            .map(|m| format!("{m} {m}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    c.cmd("ZADD z 1 a");
    c.cmd(&format!(
        "ZADD zb {}",
        members
            .iter()
            .map(|m| format!("1 {m}"))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    for (small, large) in [("si", "ss"), ("h", "hb"), ("z", "zb")] {
        let a = usage(&mut c, &format!("MEMORY USAGE {small}"));
        for samples in ["", " SAMPLES 0", " SAMPLES 1", " SAMPLES 1000"] {
            let b = usage(&mut c, &format!("MEMORY USAGE {large}{samples}"));
            assert!(b > a + 300 * 8, "{large}{samples}: {b} vs {small}: {a}");
        }
    }
}

/// RESP3: a missing key is `_`.
#[test]
fn usage_resp3_nil() {
    let (_env, mut c) = start();
    c.cmd("HELLO 3");
    check(&mut c, "MEMORY USAGE nokey", b"_\r\n");
    check(&mut c, "MEMORY USAGE nokey SAMPLES 0", b"_\r\n");
}

/// MEMORY STATS: Redis 7.0's fields in its order, a `db.N` map per non-empty database, integers
/// and (float) ratios; a map in RESP3 with doubles.
#[test]
fn stats_shape() {
    const HEAD: &[&str] = &[
        "peak.allocated",
        "total.allocated",
        "startup.allocated",
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
    ];
    const TAIL: &[&str] = &[
        "overhead.total",
        "keys.count",
        "keys.bytes-per-key",
        "dataset.bytes",
        "dataset.percentage",
        "peak.percentage",
        "allocator.allocated",
        "allocator.active",
        "allocator.resident",
        "allocator-fragmentation.ratio",
        "allocator-fragmentation.bytes",
        "allocator-rss.ratio",
        "allocator-rss.bytes",
        "rss-overhead.ratio",
        "rss-overhead.bytes",
        "fragmentation",
        "fragmentation.bytes",
    ];
    const RATIOS: &[&str] = &[
        "dataset.percentage",
        "peak.percentage",
        "allocator-fragmentation.ratio",
        "allocator-rss.ratio",
        "rss-overhead.ratio",
        "fragmentation",
    ];
    const DB_FIELDS: &[&str] = &[
        "overhead.hashtable.main",
        "overhead.hashtable.expires",
        "overhead.hashtable.slot-to-keys",
    ];
    let (_env, mut c) = start();
    c.cmd("SET a 1");
    c.cmd("SELECT 3");
    c.cmd("SET b 2");
    c.cmd("SET c 3");
    for resp3 in [false, true] {
        if resp3 {
            c.cmd("HELLO 3");
        }
        let V::Agg(tag, items) = parse(&c.cmd("MEMORY STATS")) else {
            panic!("not an aggregate");
        };
        assert_eq!(tag, if resp3 { b'%' } else { b'*' });
        let names: Vec<String> = items
            .iter()
            .step_by(2)
            .map(|k| match k {
                V::Bulk(b) => String::from_utf8_lossy(b).to_string(),
                v => panic!("key {v:?}"),
            })
            .collect();
        let mut want: Vec<String> = HEAD.iter().map(|s| s.to_string()).collect();
        want.extend(["db.0".to_string(), "db.3".to_string()]);
        want.extend(TAIL.iter().map(|s| s.to_string()));
        assert_eq!(names, want);
        for (k, v) in names.iter().zip(items.iter().skip(1).step_by(2)) {
            match (k.as_str(), v) {
                (k, V::Agg(t, sub)) if k.starts_with("db.") => {
                    assert_eq!(*t, if resp3 { b'%' } else { b'*' });
                    assert_eq!(sub.len(), 6);
                    for (i, f) in DB_FIELDS.iter().enumerate() {
                        assert_eq!(sub[2 * i], V::Bulk(f.as_bytes().to_vec()));
                        assert!(matches!(sub[2 * i + 1], V::Int(n) if n >= 0));
                    }
                }
                (k, V::Double(_)) if resp3 && RATIOS.contains(&k) => {}
                (k, V::Bulk(b)) if !resp3 && RATIOS.contains(&k) => {
                    let s = String::from_utf8_lossy(b);
                    assert!(s.parse::<f64>().is_ok(), "{k}: {s}");
                }
                (k, V::Int(_)) if !RATIOS.contains(&k) => {}
                (k, v) => panic!("{k}: {v:?}"),
            }
        }
        let get = |name: &str| {
            let i = names.iter().position(|n| n == name).expect(name);
            items[2 * i + 1].clone()
        };
        assert_eq!(get("keys.count"), V::Int(3));
        let (V::Int(total), V::Int(peak)) = (get("total.allocated"), get("peak.allocated")) else {
            panic!("figures");
        };
        assert!(total > 0 && peak >= total, "{total} {peak}");
    }
}

/// MEMORY DOCTOR on a nearly empty instance (under 5 MB used): Redis's fixed message, a bulk
/// string in RESP2 and a verbatim `txt` string in RESP3.
#[test]
fn doctor_small_instance() {
    let (_env, mut c) = start();
    let msg = "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
    check(
        &mut c,
        "MEMORY DOCTOR",
        format!("${}\r\n{msg}\r\n", msg.len()).as_bytes(),
    );
    c.cmd("HELLO 3");
    check(
        &mut c,
        "MEMORY DOCTOR",
        format!("={}\r\ntxt:{msg}\r\n", msg.len() + 4).as_bytes(),
    );
}

/// MALLOC-STATS is text (a jemalloc build prints its statistics; with the system allocator
/// Redis says "Stats not supported for the current allocator"); PURGE is OK.
#[test]
fn malloc_stats_and_purge() {
    let (_env, mut c) = start();
    assert!(matches!(parse(&c.cmd("MEMORY MALLOC-STATS")), V::Bulk(b) if !b.is_empty()));
    check(&mut c, "MEMORY PURGE", b"+OK\r\n");
}

/// Arity, unknown subcommands, SAMPLES parsing and HELP, as Redis 7.0.15.
#[test]
fn errors() {
    let (_env, mut c) = start();
    check(&mut c, "MEMORY HELP", b"*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n+    Return memory problems reports.\r\n+MALLOC-STATS\r\n+    Return internal statistics report from the memory allocator.\r\n+PURGE\r\n+    Attempt to purge dirty pages for reclamation by the allocator.\r\n+STATS\r\n+    Return information about the memory usage of the server.\r\n+USAGE <key> [SAMPLES <count>]\r\n+    Return memory in bytes used by <key> and its value. Nested values are\r\n+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n");
    check(
        &mut c,
        "MEMORY",
        b"-ERR wrong number of arguments for 'memory' command\r\n",
    );
    check(
        &mut c,
        "MEMORY foo",
        b"-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n",
    );
    check(
        &mut c,
        "MEMORY STATS x",
        b"-ERR wrong number of arguments for 'memory|stats' command\r\n",
    );
    check(
        &mut c,
        "MEMORY USAGE",
        b"-ERR wrong number of arguments for 'memory|usage' command\r\n",
    );
    check(
        &mut c,
        "MEMORY DOCTOR x",
        b"-ERR wrong number of arguments for 'memory|doctor' command\r\n",
    );
    check(
        &mut c,
        "MEMORY MALLOC-STATS x",
        b"-ERR wrong number of arguments for 'memory|malloc-stats' command\r\n",
    );
    check(
        &mut c,
        "MEMORY PURGE x",
        b"-ERR wrong number of arguments for 'memory|purge' command\r\n",
    );
    check(
        &mut c,
        "MEMORY HELP x",
        b"-ERR wrong number of arguments for 'memory|help' command\r\n",
    );
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES -1",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES 99999999999999999999",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "MEMORY USAGE nokey foo", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES 5 foo",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "SET k v", b"+OK\r\n");
    check(
        &mut c,
        "MEMORY USAGE k SAMPLES -1",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "MEMORY USAGE k SAMPLES", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "MEMORY USAGE k SAMPLES 1 SAMPLES x",
        b"-ERR value is not an integer or out of range\r\n",
    );
}

/// MEMORY USAGE of a missing key is nil, whatever SAMPLES says.
#[test]
fn missing_keys() {
    let (_env, mut c) = start();
    check(&mut c, "MEMORY USAGE nokey", b"$-1\r\n");
    check(&mut c, "MEMORY usage nokey SAMPLES 0", b"$-1\r\n");
    check(
        &mut c,
        "MEMORY USAGE nokey SAMPLES 5 SAMPLES 9223372036854775807",
        b"$-1\r\n",
    );
    check(&mut c, "MEMORY PURGE", b"+OK\r\n");
}

/// COMMAND INFO, DOCS and GETKEYS for MEMORY and its subcommands.
#[test]
fn command_meta() {
    let (_env, mut c) = start();
    check(&mut c, "COMMAND INFO memory", b"*1\r\n*10\r\n$6\r\nmemory\r\n:-2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*6\r\n*10\r\n$11\r\nmemory|help\r\n:2\r\n*2\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*0\r\n*0\r\n*0\r\n*10\r\n$13\r\nmemory|doctor\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n*10\r\n$19\r\nmemory|malloc-stats\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n*10\r\n$12\r\nmemory|purge\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n*2\r\n+@read\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$12\r\nmemory|stats\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n");
    check(&mut c, "COMMAND INFO memory|usage memory|stats", b"*2\r\n*10\r\n$12\r\nmemory|usage\r\n:-3\r\n*1\r\n+readonly\r\n:2\r\n:2\r\n:1\r\n*2\r\n+@read\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$12\r\nmemory|stats\r\n:2\r\n*0\r\n:0\r\n:0\r\n:0\r\n*1\r\n+@slow\r\n*3\r\n$23\r\nnondeterministic_output\r\n$25\r\nrequest_policy:all_shards\r\n$23\r\nresponse_policy:special\r\n*0\r\n*0\r\n");
    check(&mut c, "COMMAND DOCS memory", b"*2\r\n$6\r\nmemory\r\n*10\r\n$7\r\nsummary\r\n$43\r\nA container for memory diagnostics commands\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$22\r\nDepends on subcommand.\r\n$11\r\nsubcommands\r\n*12\r\n$11\r\nmemory|help\r\n*8\r\n$7\r\nsummary\r\n$49\r\nShow helpful text about the different subcommands\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$13\r\nmemory|doctor\r\n*8\r\n$7\r\nsummary\r\n$30\r\nOutputs memory problems report\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$19\r\nmemory|malloc-stats\r\n*8\r\n$7\r\nsummary\r\n$29\r\nShow allocator internal stats\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$54\r\nDepends on how much memory is allocated, could be slow\r\n$12\r\nmemory|purge\r\n*8\r\n$7\r\nsummary\r\n$35\r\nAsk the allocator to release memory\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$54\r\nDepends on how much memory is allocated, could be slow\r\n$12\r\nmemory|usage\r\n*10\r\n$7\r\nsummary\r\n$34\r\nEstimate the memory usage of a key\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$38\r\nO(N) where N is the number of samples.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nSAMPLES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$12\r\nmemory|stats\r\n*8\r\n$7\r\nsummary\r\n$25\r\nShow memory usage details\r\n$5\r\nsince\r\n$5\r\n4.0.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n");
    check(
        &mut c,
        "COMMAND GETKEYS memory usage k",
        b"*1\r\n$1\r\nk\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYS memory usage k samples 5",
        b"*1\r\n$1\r\nk\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS memory usage k",
        b"*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYS memory stats",
        b"-ERR The command has no key arguments\r\n",
    );
}
