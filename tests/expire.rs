//! Expiry against the real binary: the active cycle empties 1M keys with a 1 s TTL that are
//! never read again; INFO keyspace / stats report what Redis reports; lazy expiry on every access
//! path with active expiry off (`DEBUG SET-ACTIVE-EXPIRE 0`), with replies, DBSIZE afterwards and
//! the expired_keys / keyspace_hits / keyspace_misses deltas all recorded from Redis 7.0.15.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Conn, Server, show};

/// INFO field `name` from an INFO reply, as text.
fn info_field(info: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(info);
    text.split("\r\n")
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::to_string))
}

fn stat(c: &mut Conn, name: &str) -> i64 {
    let info = c.cmd("INFO stats");
    info_field(&info, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("INFO stats has no integer {name}"))
}

fn dbsize(c: &mut Conn) -> i64 {
    let r = c.cmd("DBSIZE");
    std::str::from_utf8(&r[1..r.len() - 2])
        .unwrap()
        .parse()
        .unwrap()
}

/// Writes `n` `SET key:<i> v PX <ttl>` through a pipeline, reading replies on a second thread.
fn load_with_ttl(port: u16, n: usize, ttl_ms: u64) {
    let mut w = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut r = w.try_clone().unwrap();
    r.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let want = n * 5; // "+OK\r\n" each
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut got = 0;
        while got < want {
            let k = r.read(&mut buf).expect("read replies");
            assert!(k > 0, "server closed during load");
            assert!(
                buf[..k].iter().all(|&c| b"+OK\r\n".contains(&c)),
                "unexpected reply during load: {}",
                show(&buf[..k.min(200)])
            );
            got += k;
        }
    });
    let ttl = ttl_ms.to_string();
    let mut batch = Vec::new();
    for i in 0..n {
        let k = format!("key:{i}");
        batch.extend_from_slice(
            format!(
                "*5\r\n$3\r\nSET\r\n${}\r\n{k}\r\n$1\r\nv\r\n$2\r\nPX\r\n${}\r\n{ttl}\r\n",
                k.len(),
                ttl.len()
            )
            .as_bytes(),
        );
        if batch.len() > 256 * 1024 {
            w.write_all(&batch).unwrap();
            batch.clear();
        }
    }
    w.write_all(&batch).unwrap();
    reader.join().unwrap();
}

/// 1M keys with a 1 s TTL, loaded by pipeline and never read: the active cycle alone brings
/// DBSIZE to 0 (Redis 7.0.15 here: 3.4 s after the load; the debug build gets 10 s), and INFO
/// keyspace / stats look as Redis's do.
#[test]
fn active_expiry_empties_a_million_keys_never_read() {
    let n: usize = std::env::var("EXPIRE_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    load_with_ttl(srv.port, n, 1000);
    let loaded = Instant::now();
    // Right after the load: every remaining key has a TTL; avg_ttl is a running estimate
    // below the 1000 ms TTL (Redis showed e.g. `db0:keys=455362,expires=455362,avg_ttl=111`).
    let ks = String::from_utf8(c.cmd("INFO keyspace")).unwrap();
    if let Some(line) = ks.split("\r\n").find(|l| l.starts_with("db0:")) {
        let fields: Vec<(&str, i64)> = line[4..]
            .split(',')
            .map(|f| {
                let (k, v) = f.split_once('=').unwrap();
                (k, v.parse().unwrap())
            })
            .collect();
        assert_eq!(
            fields.iter().map(|f| f.0).collect::<Vec<_>>(),
            ["keys", "expires", "avg_ttl"],
            "{line}"
        );
        assert_eq!(fields[0].1, fields[1].1, "all keys have a TTL: {line}");
        assert!(
            fields[0].1 <= n as i64 && (0..=1000).contains(&fields[2].1),
            "{line}"
        );
    }
    let deadline = loaded + Duration::from_secs(10);
    loop {
        let size = dbsize(&mut c);
        if size == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "DBSIZE still {size} {:?} after the load",
            loaded.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Empty databases are left out of INFO keyspace.
    assert_eq!(
        show(&c.cmd("INFO keyspace")),
        "$12\\r\\n# Keyspace\\r\\n\\r\\n"
    );
    assert_eq!(stat(&mut c, "expired_keys"), n as i64);
    // Never read: no hits, no misses (DBSIZE and INFO do not count).
    assert_eq!(stat(&mut c, "keyspace_hits"), 0);
    assert_eq!(stat(&mut c, "keyspace_misses"), 0);
    // expired_stale_perc: a percentage with two decimals, high after a mass expiry
    // (Redis: 69.65 right after, decaying afterwards).
    let perc = info_field(&c.cmd("INFO stats"), "expired_stale_perc").unwrap();
    let (int, frac) = perc.split_once('.').expect("two decimals");
    assert_eq!(frac.len(), 2, "expired_stale_perc:{perc}");
    let p: f64 = perc.parse().unwrap();
    assert!(
        int.parse::<u32>().is_ok() && p > 0.0 && p <= 100.0,
        "{perc}"
    );
    // Deleting a million keys takes the cycles well over a millisecond in all.
    assert!(stat(&mut c, "expire_cycle_cpu_milliseconds") > 0);
}

/// INFO keyspace lines and their fields, as Redis 7.0.15 prints them.
#[test]
fn info_keyspace_lines() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        show(&c.cmd("INFO keyspace")),
        "$12\\r\\n# Keyspace\\r\\n\\r\\n"
    );
    c.cmd("SET a 1");
    c.cmd("SET b 2 EX 100");
    // avg_ttl is 0 until the active cycle has sampled the db.
    let first = c.cmd("INFO keyspace");
    assert!(
        show(&first) == "$44\\r\\n# Keyspace\\r\\ndb0:keys=2,expires=1,avg_ttl=0\\r\\n\\r\\n"
            || show(&first).starts_with("$48\\r\\n# Keyspace\\r\\ndb0:keys=2,expires=1,avg_ttl=99"),
        "{}",
        show(&first)
    );
    std::thread::sleep(Duration::from_millis(500));
    let ks = String::from_utf8(c.cmd("INFO keyspace")).unwrap();
    let avg: i64 = ks
        .split("avg_ttl=")
        .nth(1)
        .and_then(|s| s.split("\r\n").next())
        .unwrap()
        .parse()
        .unwrap();
    assert!((98_000..=100_000).contains(&avg), "{ks}");
    c.cmd("SELECT 1");
    c.cmd("SET x 1");
    let ks = String::from_utf8(c.cmd("INFO keyspace")).unwrap();
    assert!(
        ks.contains("\r\ndb1:keys=1,expires=0,avg_ttl=0\r\n"),
        "{ks}"
    );
    assert!(
        ks.contains("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl="),
        "{ks}"
    );
    c.cmd("FLUSHALL");
    assert_eq!(
        show(&c.cmd("INFO keyspace")),
        "$12\\r\\n# Keyspace\\r\\n\\r\\n"
    );
}

/// keyspace_hits / keyspace_misses count reads of existing / missing keys; writes count
/// neither (Redis 7.0.15).
#[test]
fn keyspace_hits_and_misses() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.cmd("SET a 1");
    c.cmd("HSET h f v");
    c.cmd("EXPIRE a 100");
    assert_eq!(stat(&mut c, "keyspace_hits"), 0);
    assert_eq!(stat(&mut c, "keyspace_misses"), 0);
    c.cmd("GET a");
    c.cmd("GET nosuch");
    c.cmd("MGET a nosuch a");
    c.cmd("HGET h f");
    c.cmd("EXISTS a nosuch");
    c.cmd("TTL a");
    assert_eq!(stat(&mut c, "keyspace_hits"), 6);
    assert_eq!(stat(&mut c, "keyspace_misses"), 3);
}

/// One lazy-expiry case: the key's type, the command, its reply, DBSIZE afterwards, and the
/// deltas of expired_keys, keyspace_hits and keyspace_misses it caused.
struct Case {
    kind: &'static str,
    cmd: &'static str,
    reply: &'static str,
    dbsize_after: i64,
    expired: i64,
    misses: i64,
}

const fn case(
    kind: &'static str,
    cmd: &'static str,
    reply: &'static str,
    dbsize_after: i64,
    expired: i64,
    misses: i64,
) -> Case {
    Case {
        kind,
        cmd,
        reply,
        dbsize_after,
        expired,
        misses,
    }
}

/// Recorded from Redis 7.0.15 with active expiry off: an expired key is never seen, is deleted
/// (and counted in expired_keys) by the command that finds it, and reads count a miss. KEYS
/// skips it without deleting it; DBSIZE counts it until something reaps it.
const CASES: &[Case] = &[
    case("str", "GET k", "$-1\r\n", 0, 1, 1),
    case("str", "EXISTS k", ":0\r\n", 0, 1, 1),
    case("str", "TYPE k", "+none\r\n", 0, 1, 1),
    case("str", "TTL k", ":-2\r\n", 0, 1, 1),
    case("str", "PTTL k", ":-2\r\n", 0, 1, 1),
    case("hash", "HGET k f", "$-1\r\n", 0, 1, 1),
    case("hash", "HLEN k", ":0\r\n", 0, 1, 1),
    case("list", "LLEN k", ":0\r\n", 0, 1, 1),
    case("set", "SCARD k", ":0\r\n", 0, 1, 1),
    case("zset", "ZCARD k", ":0\r\n", 0, 1, 1),
    case("str", "KEYS *", "*0\r\n", 1, 0, 0),
    case("str", "SCAN 0", "*2\r\n$1\r\n0\r\n*0\r\n", 0, 1, 0),
    case("str", "RANDOMKEY", "$-1\r\n", 0, 1, 0),
    case("str", "DBSIZE", ":1\r\n", 1, 0, 0),
    case("str", "STRLEN k", ":0\r\n", 0, 1, 1),
    case("str", "EXPIRETIME k", ":-2\r\n", 0, 1, 1),
    case("str", "TOUCH k", ":0\r\n", 0, 1, 1),
    case("str", "OBJECT ENCODING k", "$-1\r\n", 0, 1, 1),
    case("str", "PERSIST k", ":0\r\n", 0, 1, 0),
    case("str", "SET k x NX", "+OK\r\n", 1, 1, 0),
    case("str", "APPEND k x", ":1\r\n", 1, 1, 0),
    case("str", "INCR k", ":1\r\n", 1, 1, 0),
    case("str", "RENAME k k2", "-ERR no such key\r\n", 0, 1, 0),
    case("str", "COPY k k2", ":0\r\n", 0, 1, 1),
    case("str", "DEL k", ":0\r\n", 0, 1, 0),
    case("str", "MGET k k", "*2\r\n$-1\r\n$-1\r\n", 0, 1, 2),
    case("str", "EXPIRE k 100", ":0\r\n", 0, 1, 0),
];

#[test]
fn lazy_expiry_on_every_access_path() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    assert_eq!(show(&c.cmd("DEBUG SET-ACTIVE-EXPIRE 0")), "+OK\\r\\n");
    let mut failures = Vec::new();
    for k in CASES {
        c.cmd("FLUSHALL");
        let setup = match k.kind {
            "str" => "SET k v",
            "hash" => "HSET k f v",
            "list" => "RPUSH k a",
            "set" => "SADD k m",
            _ => "ZADD k 1 m",
        };
        c.cmd(setup);
        assert_eq!(show(&c.cmd("PEXPIRE k 1")), ":1\\r\\n");
        std::thread::sleep(Duration::from_millis(5));
        let (e0, h0, m0) = (
            stat(&mut c, "expired_keys"),
            stat(&mut c, "keyspace_hits"),
            stat(&mut c, "keyspace_misses"),
        );
        let reply = c.cmd(k.cmd);
        let got = (
            show(&reply),
            dbsize(&mut c),
            stat(&mut c, "expired_keys") - e0,
            stat(&mut c, "keyspace_hits") - h0,
            stat(&mut c, "keyspace_misses") - m0,
        );
        let want = (
            show(k.reply.as_bytes()),
            k.dbsize_after,
            k.expired,
            0,
            k.misses,
        );
        if got != want {
            failures.push(format!(
                "{}: got (reply, dbsize, expired, hits, misses) {got:?}, Redis {want:?}",
                k.cmd
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // With active expiry back on, the leftover expired key (from the last KEYS-like case or
    // any other) is reaped without access.
    c.cmd("FLUSHALL");
    c.cmd("SET k v PX 1");
    c.cmd("DEBUG SET-ACTIVE-EXPIRE 1");
    let deadline = Instant::now() + Duration::from_secs(3);
    while dbsize(&mut c) != 0 {
        assert!(Instant::now() < deadline, "active expiry did not resume");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// DEBUG SET-ACTIVE-EXPIRE's argument check, as Redis 7.0.15 answers.
#[test]
fn debug_set_active_expire_arity() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    assert_eq!(
        show(&c.cmd("DEBUG SET-ACTIVE-EXPIRE")),
        "-ERR unknown subcommand or wrong number of arguments for 'SET-ACTIVE-EXPIRE'. Try DEBUG HELP.\\r\\n"
    );
    assert_eq!(show(&c.cmd("DEBUG SET-ACTIVE-EXPIRE 1")), "+OK\\r\\n");
}

/// CONFIG RESETSTAT zeroes expired_keys, keyspace_hits and keyspace_misses (Redis 7.0.15).
#[test]
fn config_resetstat_clears_keyspace_counters() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.cmd("SET a 1");
    c.cmd("SET b 1 PX 1");
    std::thread::sleep(Duration::from_millis(5));
    c.cmd("GET a");
    c.cmd("GET b");
    assert_eq!(stat(&mut c, "expired_keys"), 1);
    assert_eq!(stat(&mut c, "keyspace_hits"), 1);
    assert_eq!(stat(&mut c, "keyspace_misses"), 1);
    assert_eq!(show(&c.cmd("CONFIG RESETSTAT")), "+OK\\r\\n");
    assert_eq!(stat(&mut c, "expired_keys"), 0);
    assert_eq!(stat(&mut c, "keyspace_hits"), 0);
    assert_eq!(stat(&mut c, "keyspace_misses"), 0);
}
