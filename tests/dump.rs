//! DUMP and RESTORE: payload bytes identical to Redis 7.0's for every deterministic encoding,
//! round trips, RESTORE's options and errors, payloads from older Redis versions, encodings
//! chosen from the config on RESTORE, and corrupt payloads (never a crash).
//! Every expected reply was recorded from redis-server 7.0.15. To re-check them against it,
//! start `redis-server --port P --save '' --enable-debug-command yes --sanitize-dump-payload yes`
//! (without deep sanitization Redis 7.0 can crash on the corrupt payloads) and run with
//! `FERROKV_DUMP_ORACLE=P cargo test --test dump -- --test-threads=1`.

mod common;

use common::{Conn, check, show, start_target_with};

const ORACLE: &str = "FERROKV_DUMP_ORACLE";

fn start() -> (common::Target, Conn) {
    start_target_with(ORACLE, &["--enable-debug-command", "yes"])
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn bulk(b: &[u8]) -> Vec<u8> {
    let mut v = format!("${}\r\n", b.len()).into_bytes();
    v.extend_from_slice(b);
    v.extend_from_slice(b"\r\n");
    v
}

/// The payload DUMP returns for `key` (panics on anything but a bulk reply).
fn dump(c: &mut Conn, key: &str) -> Vec<u8> {
    let r = c.cmd_args(&[b"DUMP", key.as_bytes()]);
    let nl = r.iter().position(|&b| b == b'\n').unwrap();
    assert_eq!(r[0], b'$', "{}", show(&r));
    r[nl + 1..r.len() - 2].to_vec()
}

fn restore(c: &mut Conn, key: &str, ttl: &str, payload: &[u8], opts: &[&str]) -> Vec<u8> {
    let mut args: Vec<&[u8]> = vec![b"RESTORE", key.as_bytes(), ttl.as_bytes(), payload];
    args.extend(opts.iter().map(|o| o.as_bytes()));
    c.cmd_args(&args)
}

/// (name, command building `k`, DUMP k in hex) as Redis 7.0.15 replied.
const PAYLOADS: &[(&str, &str, &str)] = &[
    ("int", "SET k 12345", "00c139300a009d94ea2793fc08b9"),
    (
        "bigint",
        "SET k 123456789012",
        "000c3132333435363738393031320a00911001b1d116e7ac",
    ),
    ("negint", "SET k -70000", "00c290eefeff0a002875de7b13eb2800"),
    (
        "embstr",
        "SET k hello",
        "000568656c6c6f0a006372df766534200a",
    ),
    (
        "raw_lzf",
        "SET k xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "00c3094064017878e057000178780a005db7f663bb08625f",
    ),
    (
        "raw_mixed",
        "SET k abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        "00c32d40481f6162636465666768696a6b6c6d6e6f707172737475767778797a303132333435043637383961e018230138390a00c6a9d5794bfcfeb5",
    ),
    (
        "hash_listpack",
        "HSET k a 1 b hello c -5000 d 3000000000",
        "102a2a000000080081610201018162028568656c6c6f06816302f178ec03816402f4005ed0b20000000009ff0a0042eefa5b5d3cfa3d",
    ),
    (
        "zset_listpack",
        "ZADD k 1 a 1.5 b 0.1 c -3 d 1e20 e inf f -inf g 12345678901 h",
        "11c34051405a1c5a0000001000816702842d696e6605816402dffd0281630293302e3130e00500173114816102010181620283312e3504816802f4351cdcdf0220410e098165028531652b3230068166028320490104ff0a000a6d9a955653a368",
    ),
    (
        "set_intset16",
        "SADD k 1 2 3 -100",
        "0b1002000000040000009cff0100020003000a00192baf0276982452",
    ),
    (
        "set_intset32",
        "SADD k 1 70000",
        "0b10040000000200000001000000701101000a002735436efd6656c4",
    ),
    (
        "set_intset64",
        "SADD k 1 7000000000",
        "0b180800000002000000010000000000000000863ba1010000000a00ed9415944aa3712b",
    ),
    (
        "set_hashtable_one",
        "SADD k a",
        "020101610a006296e97e44d21a6d",
    ),
    (
        "list_small",
        "RPUSH k a 1 b -100 cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
        "120102c31b4079137900000005008161020101816202df9c02e06463e05a000166ff0a007f9f52cef4d4ef82",
    ),
    (
        "list_lpush",
        "LPUSH k 0 1 2 3 4 5 6 7 8 9",
        "1201021b1b0000000a000901080107010601050104010301020101010001ff0a00757be8c103e1d29b",
    ),
];

#[test]
fn dump_bytes_match_redis_and_round_trip() {
    let (_t, mut c) = start();
    for (name, cmd, hex) in PAYLOADS {
        c.cmd("DEL k k2");
        c.cmd(cmd);
        let want = unhex(hex);
        assert_eq!(show(&dump(&mut c, "k")), show(&want), "DUMP of {name}");
        // Redis's own payload restores to the same value, which dumps the same again.
        assert_eq!(restore(&mut c, "k2", "0", &want, &[]), b"+OK\r\n", "{name}");
        assert_eq!(show(&dump(&mut c, "k2")), show(&want), "re-DUMP of {name}");
        let a = c.cmd("DEBUG DIGEST-VALUE k");
        assert_eq!(show(&c.cmd("DEBUG DIGEST-VALUE k2")), show(&a), "{name}");
        assert_eq!(
            c.cmd("OBJECT ENCODING k2"),
            c.cmd("OBJECT ENCODING k"),
            "{name}"
        );
    }
}

/// Length and CRC (which covers every byte before it) of a payload.
fn len_crc(p: &[u8]) -> (usize, String) {
    (p.len(), show(&p[p.len() - 8..]))
}

#[test]
fn quicklist_nodes_as_redis_lays_them_out() {
    let (_t, mut c) = start();
    let items: Vec<String> = (0..3000).map(|i| i.to_string().repeat(3)).collect();
    let mut args: Vec<&[u8]> = vec![b"RPUSH", b"l"];
    args.extend(items.iter().map(|s| s.as_bytes()));
    c.cmd_args(&args);
    let p = dump(&mut c, "l");
    assert_eq!(len_crc(&p), (20016, show(&unhex("a738d207b6f5826c"))));

    let items: Vec<String> = (0..3000).map(|i| format!("v{i}").repeat(5)).collect();
    let mut args: Vec<&[u8]> = vec![b"LPUSH", b"lp"];
    args.extend(items.iter().map(|s| s.as_bytes()));
    c.cmd_args(&args);
    let p = dump(&mut c, "lp");
    assert_eq!(len_crc(&p), (21786, show(&unhex("04e0790077e1bf6e"))));

    // A count-limited fill.
    check(&mut c, "CONFIG SET list-max-listpack-size 5", b"+OK\r\n");
    c.cmd("RPUSH f 0 1 2 3 4 5 6 7 8 9 10 11");
    check(&mut c, "CONFIG SET list-max-listpack-size -2", b"+OK\r\n");
    assert_eq!(
        show(&dump(&mut c, "f")),
        show(&unhex(
            "1203021111000000050000010101020103010401ff021111000000050005010601070108010901ff020b0b00000002000a010b01ff0a00a085038f8f84922a"
        ))
    );
}

#[test]
fn skiplist_and_uncompressed_payloads() {
    let (_t, mut c) = start();
    let long = "x".repeat(80);
    c.cmd(&format!("ZADD z 1 a 2 b 3 {long}"));
    c.cmd("ZADD z 0.1 d");
    check(&mut c, "OBJECT ENCODING z", b"$8\r\nskiplist\r\n");
    assert_eq!(
        show(&dump(&mut c, "z")),
        show(&unhex(
            "0504c3094050017878e043000178780000000000000840016200000000000000400161000000000000f03f01649a9999999999b93f0a008b74786500b5a980"
        ))
    );

    check(&mut c, "CONFIG SET rdbcompression no", b"+OK\r\n");
    c.cmd(&format!("SET big {}", "x".repeat(100)));
    let mut want = b"\x00@d".to_vec();
    want.extend_from_slice(&[b'x'; 100]);
    want.extend_from_slice(b"\n\x00bUX\x07\x84\x1b\x19m");
    assert_eq!(show(&dump(&mut c, "big")), show(&want));
    let dbg = c.cmd("DEBUG OBJECT big");
    assert!(
        show(&dbg).contains(" serializedlength:102 "),
        "{}",
        show(&dbg)
    );
    check(&mut c, "CONFIG SET rdbcompression yes", b"+OK\r\n");
    check(&mut c, "DUMP nokey", b"$-1\r\n");
}

#[test]
fn restore_options_and_errors() {
    let (_t, mut c) = start();
    c.cmd("SET s hello");
    let p = dump(&mut c, "s");
    let busy = b"-BUSYKEY Target key name already exists.\r\n";
    assert_eq!(restore(&mut c, "s", "0", &p, &[]), busy);
    assert_eq!(restore(&mut c, "s2", "0", &p, &[]), b"+OK\r\n");
    check(&mut c, "GET s2", b"$5\r\nhello\r\n");
    assert_eq!(restore(&mut c, "s2", "0", &p, &["replace"]), b"+OK\r\n");
    let cases: &[(&str, &[&str], &[u8])] = &[
        (
            "-1",
            &["replace"],
            b"-ERR Invalid TTL value, must be >= 0\r\n",
        ),
        (
            "abc",
            &["replace"],
            b"-ERR value is not an integer or out of range\r\n",
        ),
        (
            "0",
            &["idletime", "-1"],
            b"-ERR Invalid IDLETIME value, must be >= 0\r\n",
        ),
        (
            "0",
            &["idletime", "x"],
            b"-ERR value is not an integer or out of range\r\n",
        ),
        (
            "0",
            &["freq", "256"],
            b"-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n",
        ),
        (
            "0",
            &["freq", "-1"],
            b"-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n",
        ),
        (
            "0",
            &["idletime", "10", "freq", "5"],
            b"-ERR syntax error\r\n",
        ),
        (
            "0",
            &["freq", "5", "idletime", "10"],
            b"-ERR syntax error\r\n",
        ),
        ("0", &["idletime"], b"-ERR syntax error\r\n"),
        ("0", &["foo"], b"-ERR syntax error\r\n"),
    ];
    for (ttl, opts, want) in cases {
        assert_eq!(
            show(&restore(&mut c, "s3", ttl, &p, opts)),
            show(want),
            "{opts:?}"
        );
    }
    // Options are parsed before the key is looked at.
    assert_eq!(
        restore(&mut c, "s", "0", &p, &["foo"]),
        b"-ERR syntax error\r\n"
    );
    assert_eq!(restore(&mut c, "s", "-1", &p, &[]), busy);

    let wrong = b"-ERR DUMP payload version or checksum are wrong\r\n";
    let mut bad_crc = p.clone();
    *bad_crc.last_mut().unwrap() ^= 1;
    assert_eq!(restore(&mut c, "s3", "0", &bad_crc, &[]), wrong);
    assert_eq!(restore(&mut c, "s3", "0", b"abc", &[]), wrong);
    assert_eq!(restore(&mut c, "s3", "0", b"", &[]), wrong);
    // RDB version 11 (with a right CRC) is newer than 7.0 reads.
    assert_eq!(
        restore(&mut c, "v", "0", &unhex("0001610b00d62152e872a9943d"), &[]),
        wrong
    );

    check(
        &mut c,
        "RESTORE",
        b"-ERR wrong number of arguments for 'restore' command\r\n",
    );
    check(
        &mut c,
        "RESTORE a 0",
        b"-ERR wrong number of arguments for 'restore' command\r\n",
    );
    check(
        &mut c,
        "DUMP a b",
        b"-ERR wrong number of arguments for 'dump' command\r\n",
    );
}

#[test]
fn restore_ttl_absttl_idletime_freq() {
    let (_t, mut c) = start();
    c.cmd("SET s hello");
    let p = dump(&mut c, "s");
    // An ABSTTL in the past: OK, and no key (an existing one is deleted with REPLACE).
    assert_eq!(restore(&mut c, "gone", "1000", &p, &["absttl"]), b"+OK\r\n");
    check(&mut c, "EXISTS gone", b":0\r\n");
    c.cmd("SET old v");
    assert_eq!(
        restore(&mut c, "old", "1000", &p, &["absttl", "replace"]),
        b"+OK\r\n"
    );
    check(&mut c, "EXISTS old", b":0\r\n");
    // A relative TTL that overflows the clock wraps into the past.
    assert_eq!(
        restore(&mut c, "wrap", "9223372036854775807", &p, &[]),
        b"+OK\r\n"
    );
    check(&mut c, "EXISTS wrap", b":0\r\n");

    assert_eq!(restore(&mut c, "t", "100000", &p, &[]), b"+OK\r\n");
    let pttl = show(&c.cmd("PTTL t"));
    let ms: i64 = pttl[1..pttl.len() - 4].parse().unwrap();
    assert!((99_000..=100_000).contains(&ms), "{pttl}");
    let at = 4_000_000_000_000i64;
    assert_eq!(
        restore(&mut c, "a", &at.to_string(), &p, &["absttl"]),
        b"+OK\r\n"
    );
    check(&mut c, "PEXPIRETIME a", format!(":{at}\r\n").as_bytes());

    assert_eq!(
        restore(&mut c, "i", "0", &p, &["idletime", "1000"]),
        b"+OK\r\n"
    );
    let idle = show(&c.cmd("OBJECT IDLETIME i"));
    assert!(idle == ":1000\\r\\n" || idle == ":1001\\r\\n", "{idle}");
    assert_eq!(
        restore(
            &mut c,
            "i2",
            "0",
            &p,
            &["IDLETIME", "5", "REPLACE", "ABSTTL"]
        ),
        b"+OK\r\n"
    );
    let idle = show(&c.cmd("OBJECT IDLETIME i2"));
    assert!(idle == ":5\\r\\n" || idle == ":6\\r\\n", "{idle}");
    // FREQ is ignored without an LFU policy, IDLETIME with one.
    assert_eq!(restore(&mut c, "f0", "0", &p, &["freq", "100"]), b"+OK\r\n");
    check(&mut c, "OBJECT IDLETIME f0", b":0\r\n");
    check(
        &mut c,
        "CONFIG SET maxmemory-policy allkeys-lfu",
        b"+OK\r\n",
    );
    assert_eq!(restore(&mut c, "f", "0", &p, &["freq", "100"]), b"+OK\r\n");
    check(&mut c, "OBJECT FREQ f", b":100\r\n");
    assert_eq!(
        restore(&mut c, "f2", "0", &p, &["idletime", "100"]),
        b"+OK\r\n"
    );
    check(&mut c, "OBJECT FREQ f2", b":5\r\n");
    check(&mut c, "CONFIG SET maxmemory-policy noeviction", b"+OK\r\n");
}

#[test]
fn encodings_after_restore_follow_the_config() {
    let (_t, mut c) = start();
    let fields: Vec<String> = (0..20).map(|i| format!("f{i} v{i}")).collect();
    c.cmd(&format!("HSET h {}", fields.join(" ")));
    c.cmd(&format!("HSET h2 a {}", "x".repeat(100)));
    c.cmd("CONFIG SET zset-max-listpack-value 200");
    c.cmd(&format!("ZADD z 1 {} 2 b", "x".repeat(100)));
    c.cmd("CONFIG SET hash-max-listpack-value 200");
    c.cmd(&format!("HSET h3 a {}", "x".repeat(100)));
    let members: Vec<String> = (0..20).map(|i| i.to_string()).collect();
    c.cmd(&format!("SADD s {}", members.join(" ")));
    c.cmd(&format!("RPUSH l {}", members.join(" ")));
    let scored: Vec<String> = (0..20).map(|i| format!("{i} m{i}")).collect();
    c.cmd(&format!("ZADD z2 {}", scored.join(" ")));
    let keys = ["h", "h2", "z", "h3", "s", "l", "z2"];
    let payloads: Vec<Vec<u8>> = keys.iter().map(|k| dump(&mut c, k)).collect();
    for (name, v) in [
        ("hash-max-listpack-entries", "5"),
        ("hash-max-listpack-value", "10"),
        ("zset-max-listpack-value", "10"),
        ("zset-max-listpack-entries", "5"),
        ("set-max-intset-entries", "5"),
        ("list-max-listpack-size", "4"),
    ] {
        check(&mut c, &format!("CONFIG SET {name} {v}"), b"+OK\r\n");
    }
    // Packed values over the length limit stay packed; over the count limit they convert.
    let want = [
        "hashtable",
        "hashtable",
        "listpack",
        "listpack",
        "hashtable",
        "quicklist",
        "skiplist",
    ];
    for ((k, p), enc) in keys.iter().zip(&payloads).zip(want) {
        let key = format!("{k}r");
        assert_eq!(restore(&mut c, &key, "0", p, &[]), b"+OK\r\n");
        check(
            &mut c,
            &format!("OBJECT ENCODING {key}"),
            &bulk(enc.as_bytes()),
        );
    }
    // Back to the defaults (an oracle keeps its config across tests).
    for (name, v) in [
        ("hash-max-listpack-entries", "512"),
        ("hash-max-listpack-value", "64"),
        ("zset-max-listpack-value", "64"),
        ("zset-max-listpack-entries", "128"),
        ("set-max-intset-entries", "512"),
        ("list-max-listpack-size", "-2"),
    ] {
        check(&mut c, &format!("CONFIG SET {name} {v}"), b"+OK\r\n");
    }
}

#[test]
fn payloads_of_older_versions() {
    let (_t, mut c) = start();
    // Made by hand as Redis 6 wrote them (RDB 9 ziplists, RDB 6 plain list); Redis 7.0
    // restores each.
    let zh =
        unhex("0d1c1c00000014000000040000016103023178040162030568656c6c6fff0900899e8b9503f1e3e8");
    assert_eq!(restore(&mut c, "zh", "0", &zh, &[]), b"+OK\r\n");
    check(
        &mut c,
        "HGETALL zh",
        b"*4\r\n$1\r\na\r\n$2\r\n1x\r\n$1\r\nb\r\n$5\r\nhello\r\n",
    );
    check(&mut c, "OBJECT ENCODING zh", b"$8\r\nlistpack\r\n");
    let zl = unhex("0a141400000010000000030000017803017903017aff090069029d5dd86db6f8");
    assert_eq!(restore(&mut c, "zl", "0", &zl, &[]), b"+OK\r\n");
    check(
        &mut c,
        "LRANGE zl 0 -1",
        b"*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n",
    );
    check(&mut c, "OBJECT ENCODING zl", b"$9\r\nquicklist\r\n");
    let zz = unhex("0c191900000015000000040000016d0303312e3505016e030132ff090009d8f27224a11771");
    assert_eq!(restore(&mut c, "zz", "0", &zz, &[]), b"+OK\r\n");
    check(
        &mut c,
        "ZRANGE zz 0 -1 WITHSCORES",
        b"*4\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\nn\r\n$1\r\n2\r\n",
    );
    check(&mut c, "OBJECT ENCODING zz", b"$8\r\nlistpack\r\n");
    // A zipmap hash (RDB 9, free bytes after a value).
    let zm = unhex("0911020161010062026632030278797a0000ff09005cc56a37a9ca1650");
    assert_eq!(restore(&mut c, "zm", "0", &zm, &[]), b"+OK\r\n");
    check(
        &mut c,
        "HGETALL zm",
        b"*4\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\nf2\r\n$3\r\nxyz\r\n",
    );
    check(&mut c, "OBJECT ENCODING zm", b"$8\r\nlistpack\r\n");
    let pl = unhex("0102016101620600a445f8fe205626d6");
    assert_eq!(restore(&mut c, "pl", "0", &pl, &[]), b"+OK\r\n");
    check(&mut c, "LRANGE pl 0 -1", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
}

#[test]
fn bad_data_format() {
    let (_t, mut c) = start();
    let bad = b"-ERR Bad data format\r\n";
    for hex in [
        "02000a003ace39009b8939e8",                     // an empty set
        "0f000a006e521f0d81d680cb",                     // a stream (not supported)
        "ff0a00c948851c72273c17",                       // an opcode, not a type
        "0202016101610a0057be762fc2d6523a",             // duplicate set members
        "05010161000000000000f87f0a00f0f929a906545927", // a NaN score
        "090200ff0900c0f1b8674c16ace3",                 // an empty zipmap
        // From Redis's corrupt-dump tests: a ziplist whose header counts 3 entries for 2,
        // and a quicklist node of 0 bytes.
        "0e0113130000000e00000003000002610004026200ff09004de20a2f0825df91",
        "120101000a008fc6c0571c0ab33c",
    ] {
        assert_eq!(
            show(&restore(&mut c, "x", "0", &unhex(hex), &[])),
            show(bad),
            "{hex}"
        );
    }
    check(&mut c, "EXISTS x", b":0\r\n");
    // A failed RESTORE REPLACE leaves the old value.
    c.cmd("SET x keep");
    assert_eq!(
        restore(
            &mut c,
            "x",
            "0",
            &unhex("02000a003ace39009b8939e8"),
            &["replace"]
        ),
        bad
    );
    check(&mut c, "GET x", b"$4\r\nkeep\r\n");
}

#[test]
fn corrupt_payloads_never_crash() {
    let (_t, mut c) = start();
    check(&mut c, "DEBUG SET-SKIP-CHECKSUM-VALIDATION 1", b"+OK\r\n");
    c.cmd("HSET h a 1 b 2");
    c.cmd("RPUSH l a b 1");
    c.cmd("SADD si 1 2 3");
    c.cmd("SADD st a b");
    c.cmd("ZADD z 1 a 2 b");
    c.cmd(&format!("SET s {}", "x".repeat(50)));
    c.cmd("CONFIG SET zset-max-listpack-entries 0");
    c.cmd("ZADD zs 1 a 2 b");
    c.cmd("CONFIG SET zset-max-listpack-entries 128");
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for k in ["h", "l", "si", "st", "z", "s", "zs"] {
        let p = dump(&mut c, k);
        let (body, footer) = p.split_at(p.len() - 10);
        let mut tries: Vec<Vec<u8>> = (0..body.len())
            .map(|cut| [&body[..cut], footer].concat())
            .collect();
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut b = body.to_vec();
            let n = b.len();
            b[seed as usize % n] = (seed >> 32) as u8;
            b.extend_from_slice(footer);
            tries.push(b);
        }
        for t in tries {
            let r = restore(&mut c, "t", "0", &t, &["replace"]);
            assert!(
                r == b"+OK\r\n" || r == b"-ERR Bad data format\r\n",
                "{}",
                show(&r)
            );
        }
    }
    check(&mut c, "PING", b"+PONG\r\n");
    check(&mut c, "DEBUG SET-SKIP-CHECKSUM-VALIDATION 0", b"+OK\r\n");
}

/// The bulk body of a reply, as text.
fn text(r: &[u8]) -> String {
    let nl = r.iter().position(|&b| b == b'\n').unwrap();
    String::from_utf8_lossy(&r[nl + 1..r.len() - 2]).into_owned()
}

#[test]
fn debug_htstats() {
    let (_t, mut c) = start();
    let empty = "[Dictionary HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n[Expires HT]\nHash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n";
    assert_eq!(text(&c.cmd("DEBUG HTSTATS 1")), empty);
    check(
        &mut c,
        "DEBUG HTSTATS 99",
        b"-ERR Out of range database\r\n",
    );
    check(
        &mut c,
        "DEBUG HTSTATS -1",
        b"-ERR Out of range database\r\n",
    );
    check(
        &mut c,
        "DEBUG HTSTATS x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "DEBUG HTSTATS 0 full",
        b"-ERR unknown subcommand or wrong number of arguments for 'HTSTATS'. Try DEBUG HELP.\r\n",
    );
    c.cmd("DEBUG POPULATE 100");
    c.cmd("EXPIRE key:1 100");
    // The keyspace table finishes its rehash in the background.
    let mut stats = String::new();
    for _ in 0..100 {
        stats = text(&c.cmd("DEBUG HTSTATS 0"));
        if !stats.contains("rehashing target") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        stats.starts_with("[Dictionary HT]\nHash table 0 stats (main hash table):\n table size: 128\n number of elements: 100\n different slots: "),
        "{stats}"
    );
    assert!(
        stats.contains("\n Chain length distribution:\n   0: "),
        "{stats}"
    );
    let expires = stats.split("[Expires HT]\n").nth(1).unwrap();
    assert_eq!(
        expires,
        "Hash table 0 stats (main hash table):\n table size: 4\n number of elements: 1\n different slots: 1\n max chain length: 1\n avg chain length (counted): 1.00\n avg chain length (computed): 1.00\n Chain length distribution:\n   0: 3 (75.00%)\n   1: 1 (25.00%)\n"
    );

    let not_ht =
        b"-ERR The value stored at the specified key is not represented using an hash table\r\n";
    c.cmd("HSET h a b");
    c.cmd("SET s x");
    c.cmd("SADD is 1 2");
    c.cmd("ZADD z 1 a");
    for k in ["h", "s", "is", "z"] {
        check(&mut c, &format!("DEBUG HTSTATS-KEY {k}"), not_ht);
    }
    check(&mut c, "DEBUG HTSTATS-KEY nokey", b"-ERR no such key\r\n");
    c.cmd("CONFIG SET hash-max-listpack-entries 0");
    c.cmd("CONFIG SET zset-max-listpack-entries 0");
    c.cmd("HSET h2 a b c d");
    c.cmd("ZADD z2 1 a 2 b");
    c.cmd("SADD s2 a b");
    c.cmd("CONFIG SET hash-max-listpack-entries 512");
    c.cmd("CONFIG SET zset-max-listpack-entries 128");
    for k in ["h2", "z2", "s2"] {
        let st = text(&c.cmd(&format!("DEBUG HTSTATS-KEY {k}")));
        assert!(
            st.starts_with("Hash table 0 stats (main hash table):\n table size: 4\n number of elements: 2\n different slots: "),
            "{k}: {st}"
        );
    }
}

#[test]
fn debug_loadaof_reloads_the_dataset() {
    // Replies as Redis 7.0 gives them for the same steps (appendonly yes).
    let srv = common::Server::start(&["--appendonly", "yes", "--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    c.cmd("SET x 10");
    c.cmd("EXPIRE x 1000");
    c.cmd("RPUSH l a b c");
    c.cmd("SELECT 1");
    c.cmd("SET y 1");
    // A key added behind the AOF's back is gone after the reload.
    c.cmd("DEBUG POPULATE 5");
    check(&mut c, "DBSIZE", b":6\r\n");
    check(&mut c, "DEBUG LOADAOF", b"+OK\r\n");
    check(&mut c, "DBSIZE", b":1\r\n");
    check(&mut c, "GET y", b"$1\r\n1\r\n");
    c.cmd("SELECT 0");
    check(
        &mut c,
        "LRANGE l 0 -1",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    let ttl = show(&c.cmd("TTL x"));
    assert!(ttl == ":1000\\r\\n" || ttl == ":999\\r\\n", "{ttl}");
    // Writes after the reload still reach the AOF.
    c.cmd("SET after 1");
    check(&mut c, "DEBUG LOADAOF", b"+OK\r\n");
    check(&mut c, "GET after", b"$1\r\n1\r\n");
    check(&mut c, "DBSIZE", b":3\r\n");
}
