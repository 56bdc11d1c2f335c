//! Sorted-set commands end to end: every command and option, error paths, RESP2 and RESP3
//! forms, score parsing and formatting, the listpack/skiplist encodings, and a 100k-member set
//! checked against a sorted-Vec model. Every expected reply was taken from real Redis 7.0.15.
//!
//! To re-check the expectations against a real server, start one and run
//! `ZSET_ORACLE_PORT=<port> cargo test --test zset -- --test-threads=1`
//! (each test flushes that server first).
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("ZSET_ORACLE_PORT")
}

/// Splits a RESP2 array of bulk strings (nested arrays flattened) into its strings.
fn bulks(b: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let end = pos + b[pos..].windows(2).position(|w| w == b"\r\n").unwrap();
        let line = &b[pos..end];
        pos = end + 2;
        match line[0] {
            b'*' => {}
            b'$' => {
                let n: usize = std::str::from_utf8(&line[1..]).unwrap().parse().unwrap();
                out.push(b[pos..pos + n].to_vec());
                pos += n + 2;
            }
            _ => panic!("unexpected reply line {}", show(line)),
        }
    }
    out
}

fn num(b: &[u8]) -> f64 {
    std::str::from_utf8(b).unwrap().parse().unwrap()
}

/// A small deterministic generator for the model tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Plain sets as inputs of the set operations score 1 each (skipped while SADD is missing).
#[test]
fn sets_as_inputs() {
    let (_env, mut c) = start();
    if c.cmd("SADD s a c d").starts_with(b"-ERR unknown command") {
        eprintln!("SADD not available: skipping");
        return;
    }
    check(&mut c, "ZADD z 1 a 2 b 3 c", b":3\r\n");
    check(
        &mut c,
        "ZUNION 2 z s WITHSCORES",
        b"*8\r\n$1\r\nd\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "ZUNION 2 z s WEIGHTS 2 10 WITHSCORES",
        b"*8\r\n$1\r\nb\r\n$1\r\n4\r\n$1\r\nd\r\n$2\r\n10\r\n$1\r\na\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n16\r\n",
    );
    check(
        &mut c,
        "ZINTER 2 z s WITHSCORES",
        b"*4\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "ZINTER 2 s z AGGREGATE MAX WITHSCORES",
        b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "ZDIFF 2 z s WITHSCORES",
        b"*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "ZDIFF 2 s z WITHSCORES",
        b"*2\r\n$1\r\nd\r\n$1\r\n1\r\n",
    );
    check(&mut c, "ZUNIONSTORE d 2 z s", b":4\r\n");
    check(
        &mut c,
        "ZRANGE d 0 -1 WITHSCORES",
        b"*8\r\n$1\r\nd\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n4\r\n",
    );
    check(&mut c, "ZINTERCARD 2 s z", b":2\r\n");
    check(&mut c, "SADD s2 x", b":1\r\n");
    check(&mut c, "ZINTER 2 s s2", b"*0\r\n");
}

/// A 100k-member skiplist checked against a sorted Vec: ranks, score ranges with LIMIT,
/// counts, and removal by rank.
#[test]
fn large_set_against_model() {
    let (_env, mut c) = start();
    let mut rng = Lcg(42);
    let n = 100_000;
    let mut model: Vec<(f64, String)> = Vec::with_capacity(n);
    // Batches small enough to arrive in one read each.
    for batch in 0..n / 200 {
        let mut args: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"big".to_vec()];
        for i in batch * 200..(batch + 1) * 200 {
            // Many ties (scores from a small range, half of them halves) to exercise the
            // member tie-break.
            let score = (rng.below(20_000) as f64 - 10_000.0) / 2.0;
            let member = format!("m{i}");
            args.push(score.to_string().into_bytes());
            args.push(member.clone().into_bytes());
            model.push((score, member));
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
        assert_eq!(c.cmd_args(&refs), b":200\r\n");
    }
    model.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.cmp(&b.1)));
    check(&mut c, "ZCARD big", b":100000\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$8\r\nskiplist\r\n");
    for _ in 0..200 {
        let r = rng.below(n as u64) as usize;
        let (s, m) = &model[r];
        assert_eq!(
            c.cmd(&format!("ZRANK big {m}")),
            format!(":{r}\r\n").into_bytes()
        );
        assert_eq!(
            c.cmd(&format!("ZREVRANK big {m}")),
            format!(":{}\r\n", n - 1 - r).into_bytes()
        );
        assert_eq!(num(&bulks(&c.cmd(&format!("ZSCORE big {m}")))[0]), *s);
    }
    for _ in 0..50 {
        let a = rng.below(20_000) as f64 / 2.0 - 5_000.0;
        let b = a + rng.below(400) as f64;
        let (minex, maxex) = (rng.below(2) == 1, rng.below(2) == 1);
        let inside =
            |s: f64| (if minex { s > a } else { s >= a }) && (if maxex { s < b } else { s <= b });
        let want: Vec<&(f64, String)> = model.iter().filter(|(s, _)| inside(*s)).collect();
        let min = format!("{}{a}", if minex { "(" } else { "" });
        let max = format!("{}{b}", if maxex { "(" } else { "" });
        assert_eq!(
            c.cmd(&format!("ZCOUNT big {min} {max}")),
            format!(":{}\r\n", want.len()).into_bytes()
        );
        let (off, cnt) = (rng.below(50) as usize, rng.below(300) as usize);
        let got = bulks(&c.cmd(&format!(
            "ZRANGE big {min} {max} BYSCORE WITHSCORES LIMIT {off} {cnt}"
        )));
        let exp: Vec<&&(f64, String)> = want.iter().skip(off).take(cnt).collect();
        assert_eq!(got.len(), exp.len() * 2);
        for (pair, (s, m)) in got.chunks(2).zip(exp) {
            assert_eq!(pair[0], m.as_bytes());
            assert_eq!(num(&pair[1]), *s);
        }
        let got = bulks(&c.cmd(&format!("ZREVRANGEBYSCORE big {max} {min} LIMIT 0 {cnt}")));
        let exp: Vec<&[u8]> = want
            .iter()
            .rev()
            .take(cnt)
            .map(|(_, m)| m.as_bytes())
            .collect();
        assert_eq!(got, exp);
    }
    for _ in 0..20 {
        let len = model.len();
        let start = rng.below(len as u64) as usize;
        let end = (start + rng.below(3000) as usize).min(len - 1);
        assert_eq!(
            c.cmd(&format!("ZREMRANGEBYRANK big {start} {end}")),
            format!(":{}\r\n", end - start + 1).into_bytes()
        );
        model.drain(start..=end);
        let r = rng.below(model.len() as u64) as usize;
        assert_eq!(
            c.cmd(&format!("ZRANK big {}", model[r].1)),
            format!(":{r}\r\n").into_bytes()
        );
    }
    assert_eq!(
        c.cmd("ZCARD big"),
        format!(":{}\r\n", model.len()).into_bytes()
    );
    // The whole set, in replies of moderate size.
    let mut all = Vec::new();
    for from in (0..model.len()).step_by(2000) {
        all.extend(bulks(&c.cmd(&format!("ZRANGE big {from} {}", from + 1999))));
    }
    let exp: Vec<&[u8]> = model.iter().map(|(_, m)| m.as_bytes()).collect();
    assert_eq!(all, exp);
}

/// ZSCAN over a skiplist: real cursors, every member seen, MATCH filters.
#[test]
fn zscan_skiplist_cursor() {
    let (_env, mut c) = start();
    for batch in 0..5 {
        let mut args: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"z".to_vec()];
        for i in batch * 200..(batch + 1) * 200 {
            args.push(format!("{i}.5").into_bytes());
            args.push(format!("m{i}").into_bytes());
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
        assert_eq!(c.cmd_args(&refs), b":200\r\n");
    }
    let mut seen = std::collections::BTreeMap::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    loop {
        let r = c.cmd(&format!("ZSCAN z {cursor} COUNT 50"));
        let parts = bulks(&r);
        cursor = String::from_utf8(parts[0].clone()).unwrap();
        for pair in parts[1..].chunks(2) {
            seen.insert(String::from_utf8(pair[0].clone()).unwrap(), num(&pair[1]));
        }
        calls += 1;
        if cursor == "0" {
            break;
        }
        assert!(calls < 1000, "cursor never returned to 0");
    }
    assert!(calls > 1, "a skiplist scan takes several calls");
    assert_eq!(seen.len(), 1000);
    for i in 0..1000 {
        assert_eq!(seen[&format!("m{i}")], i as f64 + 0.5);
    }
    let mut matched = std::collections::BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let parts = bulks(&c.cmd(&format!("ZSCAN z {cursor} MATCH m99*")));
        cursor = String::from_utf8(parts[0].clone()).unwrap();
        for pair in parts[1..].chunks(2) {
            matched.insert(String::from_utf8(pair[0].clone()).unwrap());
        }
        if cursor == "0" {
            break;
        }
    }
    let want: std::collections::BTreeSet<String> = [
        "m99", "m990", "m991", "m992", "m993", "m994", "m995", "m996", "m997", "m998", "m999",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(matched, want);
}

/// ZRANDMEMBER's random replies: distinct members for a positive count, repetitions allowed for
/// a negative one, scores matching, on both encodings.
#[test]
fn zrandmember_random() {
    let (_env, mut c) = start();
    for (key, size) in [("small", 5usize), ("big", 300)] {
        let mut args: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), key.as_bytes().to_vec()];
        for i in 0..size {
            args.push(i.to_string().into_bytes());
            args.push(format!("m{i}").into_bytes());
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| &a[..]).collect();
        assert_eq!(c.cmd_args(&refs), format!(":{size}\r\n").into_bytes());
        let member_ok = |m: &[u8]| {
            let s = std::str::from_utf8(m).unwrap();
            s.strip_prefix('m').unwrap().parse::<usize>().unwrap() < size
        };
        let one = bulks(&c.cmd(&format!("ZRANDMEMBER {key}")));
        assert!(member_ok(&one[0]));
        for count in [1, 3, size - 1] {
            let got = bulks(&c.cmd(&format!("ZRANDMEMBER {key} {count} WITHSCORES")));
            assert_eq!(got.len(), count * 2);
            let mut names = std::collections::HashSet::new();
            for pair in got.chunks(2) {
                assert!(member_ok(&pair[0]));
                let i: f64 = std::str::from_utf8(&pair[0][1..]).unwrap().parse().unwrap();
                assert_eq!(num(&pair[1]), i);
                names.insert(pair[0].clone());
            }
            assert_eq!(names.len(), count, "distinct members");
        }
        let got = bulks(&c.cmd(&format!("ZRANDMEMBER {key} -40")));
        assert_eq!(got.len(), 40);
        assert!(got.iter().all(|m| member_ok(m)));
    }
}

/// ZADD and ZINCRBY flags, their conflicts and replies.
#[test]
fn zadd_options() {
    let (_env, mut c) = start();
    check(&mut c, "zadd k 1 a 2 b 3 c", b":3\r\n");
    check(&mut c, "zadd k nx 5 a 4 d", b":1\r\n");
    check(&mut c, "zadd k xx ch 10 a 20 zz", b":1\r\n");
    check(&mut c, "zadd k gt ch 5 a 11 b", b":1\r\n");
    check(&mut c, "zadd k lt ch 5 a 11 b", b":1\r\n");
    check(&mut c, "zadd k GT CH 100 a 100 new", b":2\r\n");
    check(&mut c, "zadd k ch 100 a 1 b", b":1\r\n");
    check(&mut c, "zadd k incr 1.5 a", b"$5\r\n101.5\r\n");
    check(&mut c, "zadd k nx incr 1.5 a", b"$-1\r\n");
    check(&mut c, "zadd k xx incr 1.5 nomember", b"$-1\r\n");
    check(&mut c, "zadd k gt incr -1 a", b"$-1\r\n");
    check(&mut c, "zadd k lt incr -1 a", b"$5\r\n100.5\r\n");
    check(&mut c, "zadd k nx 1 fresh", b":1\r\n");
    check(&mut c, "zadd nokey xx 1 a", b":0\r\n");
    check(&mut c, "zadd nokey xx incr 1 a", b"$-1\r\n");
    check(&mut c, "exists nokey", b":0\r\n");
    check(
        &mut c,
        "zadd k incr 1 a 2 b",
        b"-ERR INCR option supports a single increment-element pair\r\n",
    );
    check(
        &mut c,
        "zadd k nx xx 1 a",
        b"-ERR XX and NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        "zadd k gt lt 1 a",
        b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        "zadd k nx gt 1 a",
        b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        "zadd k nx lt 1 a",
        b"-ERR GT, LT, and/or NX options at the same time are not compatible\r\n",
    );
    check(
        &mut c,
        "zadd k xx nx incr gt lt 1",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "zadd k nx xx 1 a 2", b"-ERR syntax error\r\n");
    check(&mut c, "zadd k 1 a 2", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zadd k abc a",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k 1 a abc b",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k",
        b"-ERR wrong number of arguments for 'zadd' command\r\n",
    );
    check(
        &mut c,
        "zincrby k 1",
        b"-ERR wrong number of arguments for 'zincrby' command\r\n",
    );
    check(
        &mut c,
        "zincrby k x a",
        b"-ERR value is not a valid float\r\n",
    );
    check(&mut c, "zincrby k 2 newmember", b"$1\r\n2\r\n");
    check(&mut c, "zrange k 0 -1 withscores", b"*14\r\n$1\r\nb\r\n$1\r\n1\r\n$5\r\nfresh\r\n$1\r\n1\r\n$9\r\nnewmember\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$3\r\nnew\r\n$3\r\n100\r\n$1\r\na\r\n$5\r\n100.5\r\n");
}

/// Score parsing like strtod (hex, inf, overflow refused) and %.17g formatting; range bounds.
#[test]
fn scores() {
    let (_env, mut c) = start();
    check(
        &mut c,
        "zadd k 0x10 h 0x1p3 h2 1e-310 i .5 j 5. l +inf p -inf q infinity r -INF s",
        b":9\r\n",
    );
    check(
        &mut c,
        "zadd k 1e400 x",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k 1e-400 x",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k nan x",
        b"-ERR value is not a valid float\r\n",
    );
    check_args(
        &mut c,
        &[b"zadd", b"k", b"", b"x"],
        b"-ERR value is not a valid float\r\n",
    );
    check_args(
        &mut c,
        &[b"zadd", b"k", b" 1", b"x"],
        b"-ERR value is not a valid float\r\n",
    );
    check_args(
        &mut c,
        &[b"zadd", b"k", b"1 ", b"x"],
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k 0x x",
        b"-ERR value is not a valid float\r\n",
    );
    check(
        &mut c,
        "zadd k 1e x",
        b"-ERR value is not a valid float\r\n",
    );
    check(&mut c, "zrange k 0 -1 withscores", b"*18\r\n$1\r\nq\r\n$4\r\n-inf\r\n$1\r\ns\r\n$4\r\n-inf\r\n$1\r\ni\r\n$23\r\n9.9999999999999694e-311\r\n$1\r\nj\r\n$3\r\n0.5\r\n$1\r\nl\r\n$1\r\n5\r\n$2\r\nh2\r\n$1\r\n8\r\n$1\r\nh\r\n$2\r\n16\r\n$1\r\np\r\n$3\r\ninf\r\n$1\r\nr\r\n$3\r\ninf\r\n");
    check(&mut c, "zincrby f 0.1 m", b"$19\r\n0.10000000000000001\r\n");
    check(&mut c, "zincrby f 0.2 m", b"$19\r\n0.30000000000000004\r\n");
    check(&mut c, "zscore f m", b"$19\r\n0.30000000000000004\r\n");
    check(
        &mut c,
        "zincrby f 1e300 n",
        b"$23\r\n1.0000000000000001e+300\r\n",
    );
    check(&mut c, "zscore f n", b"$23\r\n1.0000000000000001e+300\r\n");
    check(
        &mut c,
        "zadd f 123456789012345678 o 1.5e-7 p 3.0 q -2.5 r",
        b":4\r\n",
    );
    check(&mut c, "zmscore f o p q r", b"*4\r\n$22\r\n1.2345678901234568e+17\r\n$22\r\n1.4999999999999999e-07\r\n$1\r\n3\r\n$4\r\n-2.5\r\n");
    check(&mut c, "zadd f -0 z", b":1\r\n");
    check(&mut c, "zscore f z", b"$1\r\n0\r\n");
    check(&mut c, "zadd f inf i", b":1\r\n");
    check(
        &mut c,
        "zincrby f -inf i",
        b"-ERR resulting score is not a number (NaN)\r\n",
    );
    check(
        &mut c,
        "zadd f incr -inf i",
        b"-ERR resulting score is not a number (NaN)\r\n",
    );
    check(&mut c, "zscore f i", b"$3\r\ninf\r\n");
    check(&mut c, "zincrby f inf nan1", b"$3\r\ninf\r\n");
    check(
        &mut c,
        "zincrby f -inf nan1",
        b"-ERR resulting score is not a number (NaN)\r\n",
    );
    check_args(&mut c, &[b"zcount", b"f", b"", b"+inf"], b":8\r\n");
    check_args(&mut c, &[b"zcount", b"f", b" 1", b"+inf"], b":5\r\n");
    check(&mut c, "zcount f ( +inf", b":7\r\n");
    check(&mut c, "zcount f (1e400 +inf", b":0\r\n");
    check(&mut c, "zcount f 1e-400 +inf", b":8\r\n");
    check(
        &mut c,
        "zcount f nan +inf",
        b"-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        "zcount f (nan +inf",
        b"-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        "zcount f abc +inf",
        b"-ERR min or max is not a float\r\n",
    );
    check(&mut c, "zcount f -inf (inf", b":7\r\n");
    check(
        &mut c,
        "zrangebyscore f (0.1 0.30000000000000004 withscores",
        b"*2\r\n$1\r\nm\r\n$19\r\n0.30000000000000004\r\n",
    );
}

/// ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT.
#[test]
fn reads() {
    let (_env, mut c) = start();
    check(&mut c, "zadd k 1 a 2 b 3 c 3 d", b":4\r\n");
    check(&mut c, "zscore k a", b"$1\r\n1\r\n");
    check(&mut c, "zscore k nomember", b"$-1\r\n");
    check(&mut c, "zscore nokey a", b"$-1\r\n");
    check(
        &mut c,
        "zmscore k a nomember c",
        b"*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n",
    );
    check(&mut c, "zmscore nokey a b", b"*2\r\n$-1\r\n$-1\r\n");
    check(&mut c, "zcard k", b":4\r\n");
    check(&mut c, "zcard nokey", b":0\r\n");
    check(&mut c, "zrank k c", b":2\r\n");
    check(&mut c, "zrevrank k c", b":1\r\n");
    check(&mut c, "zrank k nomember", b"$-1\r\n");
    check(&mut c, "zrevrank nokey a", b"$-1\r\n");
    check(&mut c, "zcount k -inf +inf", b":4\r\n");
    check(&mut c, "zcount k (1 3", b":3\r\n");
    check(&mut c, "zcount k 1 (3", b":2\r\n");
    check(&mut c, "zcount k 3 1", b":0\r\n");
    check(&mut c, "zcount k (3 3", b":0\r\n");
    check(&mut c, "zcount nokey 0 1", b":0\r\n");
    check(&mut c, "zadd l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", b":7\r\n");
    check(&mut c, "zlexcount l - +", b":7\r\n");
    check(&mut c, "zlexcount l [c +", b":5\r\n");
    check(&mut c, "zlexcount l (c [e", b":2\r\n");
    check(&mut c, "zlexcount l + -", b":0\r\n");
    check(
        &mut c,
        "zlexcount l c +",
        b"-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        "zlexcount l [a +a",
        b"-ERR min or max not valid string range item\r\n",
    );
    check(&mut c, "zlexcount nokey - +", b":0\r\n");
}

/// Every ZRANGE form, LIMIT, REV, BYSCORE/BYLEX, errors, ZRANGESTORE.
#[test]
fn ranges() {
    let (_env, mut c) = start();
    check(&mut c, "zadd k 1 a 2 b 3 c 4 d 5 e 6 f", b":6\r\n");
    check(
        &mut c,
        "zrange k 0 2",
        b"*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "zrange k -3 -1 withscores",
        b"*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n",
    );
    check(&mut c, "zrange k 5 1", b"*0\r\n");
    check(
        &mut c,
        "zrange k 0 100",
        b"*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
    );
    check(&mut c, "zrange k -100 1", b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    check(&mut c, "zrange k 0 -1 rev withscores", b"*12\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n");
    check(&mut c, "zrange k 1 2 REV", b"*2\r\n$1\r\ne\r\n$1\r\nd\r\n");
    check(
        &mut c,
        "zrange k (1 4 byscore withscores",
        b"*6\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "zrange k 4 (1 byscore rev withscores",
        b"*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "zrange k -inf +inf byscore limit 2 3",
        b"*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "zrange k +inf -inf byscore rev limit 2 3 withscores",
        b"*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n",
    );
    check(
        &mut c,
        "zrange k -inf +inf byscore limit 1 -1",
        b"*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
    );
    check(&mut c, "zrange k -inf +inf byscore limit -1 2", b"*0\r\n");
    check(&mut c, "zrange k -inf +inf byscore limit 6 2", b"*0\r\n");
    check(&mut c, "zrange k -inf +inf byscore limit 0 0", b"*0\r\n");
    check(
        &mut c,
        "zrangebyscore k -inf +inf withscores limit 1 2",
        b"*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "zrangebyscore k (2 (5",
        b"*2\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        "zrevrangebyscore k +inf -inf withscores limit 1 2",
        b"*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "zrevrangebyscore k 5 (2",
        b"*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "zrevrange k 0 2 withscores",
        b"*6\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(&mut c, "zrevrange k 0 2 limit 0 1", b"-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
    check(&mut c, "zrangebyscore k 1 2 rev", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zrangebyscore k 1 2 byscore",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "zrangebyscore k 1 2 limit 0",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "zrange k 0 -1 limit 0 1", b"-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n");
    check(
        &mut c,
        "zrange k 0 -1 limit 0 -1",
        b"*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n",
    );
    check(&mut c, "zrange k 0 -1 withscores withscores", b"*12\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nf\r\n$1\r\n6\r\n");
    check(&mut c, "zrange k 0 -1 rev rev", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zrange k a b",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "zrange k 0 -1 byscore bylex",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "zrange k 0 -1 foo", b"-ERR syntax error\r\n");
    check(&mut c, "zrange nokey 0 -1", b"*0\r\n");
    check(&mut c, "zrange nokey 0 -1 withscores", b"*0\r\n");
    check(&mut c, "zadd l 0 a 0 b 0 c 0 d 0 e 0 f 0 g", b":7\r\n");
    check(
        &mut c,
        "zrangebylex l - +",
        b"*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n",
    );
    check(
        &mut c,
        "zrangebylex l [b (e",
        b"*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        "zrangebylex l (b [e limit 1 1",
        b"*1\r\n$1\r\nd\r\n",
    );
    check(
        &mut c,
        "zrangebylex l - + withscores",
        b"-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    check(
        &mut c,
        "zrangebylex l a +",
        b"-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        "zrangebylex l - +a",
        b"-ERR min or max not valid string range item\r\n",
    );
    check(
        &mut c,
        "zrevrangebylex l + - limit 1 2",
        b"*2\r\n$1\r\nf\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "zrevrangebylex l [e (b",
        b"*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "zrange l [e (b bylex rev",
        b"*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
    check(
        &mut c,
        "zrange l (b [e bylex limit 1 10",
        b"*2\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(
        &mut c,
        "zrange l - + bylex withscores",
        b"-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
    check(
        &mut c,
        "zrangebylex l ( +",
        b"*7\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n$1\r\ng\r\n",
    );
    check(
        &mut c,
        "zrangebylex l [ (c",
        b"*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut c, "zrangestore d k 0 2", b":3\r\n");
    check(
        &mut c,
        "zrange d 0 -1 withscores",
        b"*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, "zrangestore d k (1 4 byscore limit 1 2", b":2\r\n");
    check(
        &mut c,
        "zrange d 0 -1 withscores",
        b"*4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(&mut c, "zrangestore d l [b [d bylex rev", b":0\r\n");
    check(&mut c, "zrange d 0 -1 withscores", b"*0\r\n");
    check(
        &mut c,
        "zrangestore d k 0 2 withscores",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "zrangestore d k 10 20", b":0\r\n");
    check(&mut c, "exists d", b":0\r\n");
    check(&mut c, "zrangestore d k 0 1", b":2\r\n");
    check(&mut c, "zrangestore d nokey 0 -1", b":0\r\n");
    check(&mut c, "exists d", b":0\r\n");
}

/// ZREM and ZREMRANGEBYRANK/SCORE/LEX; empty sets disappear.
#[test]
fn removal() {
    let (_env, mut c) = start();
    check(&mut c, "zadd k 1 a 2 b 3 c 4 d 5 e 6 f", b":6\r\n");
    check(&mut c, "zrem k a nomember", b":1\r\n");
    check(&mut c, "zrem nokey a", b":0\r\n");
    check(&mut c, "zremrangebyrank k 0 0", b":1\r\n");
    check(&mut c, "zremrangebyrank k -1 -1", b":1\r\n");
    check(&mut c, "zremrangebyrank k 5 10", b":0\r\n");
    check(
        &mut c,
        "zremrangebyrank k a 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "zremrangebyrank k 0 a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "zrange k 0 -1",
        b"*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n",
    );
    check(&mut c, "zremrangebyscore k (2 3", b":1\r\n");
    check(
        &mut c,
        "zremrangebyscore k a 3",
        b"-ERR min or max is not a float\r\n",
    );
    check(
        &mut c,
        "zremrangebyscore k 3 b",
        b"-ERR min or max is not a float\r\n",
    );
    check(&mut c, "zremrangebyscore nokey 1 3", b":0\r\n");
    check(&mut c, "zrange k 0 -1", b"*2\r\n$1\r\nd\r\n$1\r\ne\r\n");
    check(&mut c, "zadd l 0 a 0 b 0 c 0 d 0 e", b":5\r\n");
    check(&mut c, "zremrangebylex l [a (c", b":2\r\n");
    check(
        &mut c,
        "zremrangebylex l a c",
        b"-ERR min or max not valid string range item\r\n",
    );
    check(&mut c, "zremrangebylex nokey - +", b":0\r\n");
    check(&mut c, "zremrangebylex l - +", b":3\r\n");
    check(&mut c, "exists l", b":0\r\n");
    check(&mut c, "zremrangebyrank nokey 0 1", b":0\r\n");
    check(&mut c, "zrem k b d e", b":2\r\n");
    check(&mut c, "exists k", b":0\r\n");
}

/// ZPOPMIN, ZPOPMAX, ZMPOP and their argument errors.
#[test]
fn pops() {
    let (_env, mut c) = start();
    check(&mut c, "zadd k 1 a 2 b 3 c 4 d 5 e 6 f", b":6\r\n");
    check(&mut c, "zpopmin k", b"*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    check(&mut c, "zpopmax k", b"*2\r\n$1\r\nf\r\n$1\r\n6\r\n");
    check(
        &mut c,
        "zpopmin k 2",
        b"*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, "zpopmax k 0", b"*0\r\n");
    check(
        &mut c,
        "zpopmin k -1",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(
        &mut c,
        "zpopmin k abc",
        b"-ERR value is out of range, must be positive\r\n",
    );
    check(&mut c, "zpopmin nokey", b"*0\r\n");
    check(&mut c, "zpopmin nokey 2", b"*0\r\n");
    check(&mut c, "zpopmin nokey 0", b"*0\r\n");
    check(&mut c, "zpopmin k 1 2", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zpopmax k 100",
        b"*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n",
    );
    check(&mut c, "exists k", b":0\r\n");
    check(&mut c, "zadd m1 1 a 2 b", b":2\r\n");
    check(&mut c, "zadd m2 3 c", b":1\r\n");
    check(
        &mut c,
        "zmpop 2 nokey m1 max count 5",
        b"*2\r\n$2\r\nm1\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
    );
    check(&mut c, "exists m1", b":0\r\n");
    check(
        &mut c,
        "zmpop 2 m1 m2 min",
        b"*2\r\n$2\r\nm2\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
    );
    check(&mut c, "zmpop 2 m1 m2 min count 10", b"*-1\r\n");
    check(&mut c, "zmpop 1 nokey min", b"*-1\r\n");
    check(
        &mut c,
        "zmpop 0 a min",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "zmpop -1 a min",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut c,
        "zmpop abc a min",
        b"-ERR numkeys should be greater than 0\r\n",
    );
    check(&mut c, "zmpop 2 a min", b"-ERR syntax error\r\n");
    check(&mut c, "zmpop 1 a foo", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zmpop 1 a min count 0",
        b"-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        "zmpop 1 a min count x",
        b"-ERR count should be greater than 0\r\n",
    );
    check(
        &mut c,
        "zmpop 1 a min count 1 count 2",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "zmpop 1 a min count", b"-ERR syntax error\r\n");
}

/// ZUNION/ZINTER/ZDIFF, STORE forms, ZINTERCARD, WEIGHTS, AGGREGATE, inf handling.
#[test]
fn setops() {
    let (_env, mut c) = start();
    check(&mut c, "zadd a 1 x 2 y 3 z", b":3\r\n");
    check(&mut c, "zadd b 10 y 20 z 30 w", b":3\r\n");
    check(
        &mut c,
        "zunion 2 a b",
        b"*4\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n$1\r\nw\r\n",
    );
    check(&mut c, "zunion 2 a b withscores", b"*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n");
    check(&mut c, "zunion 2 a b weights 2 0.5 withscores", b"*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n9\r\n$1\r\nw\r\n$2\r\n15\r\n$1\r\nz\r\n$2\r\n16\r\n");
    check(&mut c, "zunion 2 a b weights 2 0.5 aggregate min withscores", b"*8\r\n$1\r\nx\r\n$1\r\n2\r\n$1\r\ny\r\n$1\r\n4\r\n$1\r\nz\r\n$1\r\n6\r\n$1\r\nw\r\n$2\r\n15\r\n");
    check(&mut c, "zunion 2 a b aggregate max withscores", b"*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\nw\r\n$2\r\n30\r\n");
    check(&mut c, "zunion 3 a b nokey withscores", b"*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n$1\r\nw\r\n$2\r\n30\r\n");
    check(
        &mut c,
        "zinter 2 a b withscores",
        b"*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n",
    );
    check(
        &mut c,
        "zinter 2 a b aggregate min withscores",
        b"*4\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
    );
    check(
        &mut c,
        "zinter 2 b a weights 1 inf withscores",
        b"*4\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n",
    );
    check(&mut c, "zinter 3 a b nokey withscores", b"*0\r\n");
    check(
        &mut c,
        "zinter 1 a weights 0 withscores",
        b"*6\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\ny\r\n$1\r\n0\r\n$1\r\nz\r\n$1\r\n0\r\n",
    );
    check(&mut c, "zadd i1 inf m", b":1\r\n");
    check(&mut c, "zadd i2 -inf m", b":1\r\n");
    check(
        &mut c,
        "zunion 2 i1 i2 withscores",
        b"*2\r\n$1\r\nm\r\n$1\r\n0\r\n",
    );
    check(
        &mut c,
        "zinter 2 i1 i2 withscores",
        b"*2\r\n$1\r\nm\r\n$1\r\n0\r\n",
    );
    check(
        &mut c,
        "zinter 2 i1 i2 weights 0 1 withscores",
        b"*2\r\n$1\r\nm\r\n$4\r\n-inf\r\n",
    );
    check(
        &mut c,
        "zinter 2 i1 i2 aggregate max withscores",
        b"*2\r\n$1\r\nm\r\n$3\r\ninf\r\n",
    );
    check(&mut c, "zadd f1 0.1 m", b":1\r\n");
    check(&mut c, "zadd f2 0.2 m", b":1\r\n");
    check(&mut c, "zadd f3 0.3 m", b":1\r\n");
    check(
        &mut c,
        "zunion 3 f1 f2 f3 withscores",
        b"*2\r\n$1\r\nm\r\n$19\r\n0.60000000000000009\r\n",
    );
    check(
        &mut c,
        "zunion 3 f3 f2 f1 withscores",
        b"*2\r\n$1\r\nm\r\n$19\r\n0.59999999999999998\r\n",
    );
    check(
        &mut c,
        "zdiff 2 a b withscores",
        b"*2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    check(&mut c, "zdiff 2 b a", b"*1\r\n$1\r\nw\r\n");
    check(
        &mut c,
        "zdiff 1 a withscores",
        b"*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n",
    );
    check(&mut c, "zdiff 2 nokey a", b"*0\r\n");
    check(&mut c, "zunionstore d 2 a b weights 1 2", b":4\r\n");
    check(&mut c, "zrange d 0 -1 withscores", b"*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n22\r\n$1\r\nz\r\n$2\r\n43\r\n$1\r\nw\r\n$2\r\n60\r\n");
    check(&mut c, "zinterstore d 2 a b aggregate max", b":2\r\n");
    check(
        &mut c,
        "zrange d 0 -1 withscores",
        b"*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n",
    );
    check(&mut c, "zinterstore d 2 a nokey", b":0\r\n");
    check(&mut c, "exists d", b":0\r\n");
    check(&mut c, "zdiffstore d 2 a b", b":1\r\n");
    check(
        &mut c,
        "zrange d 0 -1 withscores",
        b"*2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    check(&mut c, "zdiffstore d 2 a a", b":0\r\n");
    check(&mut c, "exists d", b":0\r\n");
    check(&mut c, "zintercard 2 a b", b":2\r\n");
    check(&mut c, "zintercard 2 a b limit 1", b":1\r\n");
    check(&mut c, "zintercard 2 a b limit 0", b":2\r\n");
    check(
        &mut c,
        "zintercard 1 a limit -1",
        b"-ERR LIMIT can't be negative\r\n",
    );
    check(
        &mut c,
        "zintercard 1 a limit x",
        b"-ERR LIMIT can't be negative\r\n",
    );
    check(
        &mut c,
        "zintercard 0 a",
        b"-ERR at least 1 input key is needed for 'zintercard' command\r\n",
    );
    check(&mut c, "zintercard 2 a", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zintercard 1 a withscores",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "zunion 0 a",
        b"-ERR at least 1 input key is needed for 'zunion' command\r\n",
    );
    check(
        &mut c,
        "zunion -1 a",
        b"-ERR at least 1 input key is needed for 'zunion' command\r\n",
    );
    check(
        &mut c,
        "zunion abc a",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "zunion 1 a weights", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zunion 1 a weights x",
        b"-ERR weight value is not a float\r\n",
    );
    check(
        &mut c,
        "zunion 1 a weights 1e400",
        b"-ERR weight value is not a float\r\n",
    );
    check(&mut c, "zunion 1 a aggregate foo", b"-ERR syntax error\r\n");
    check(&mut c, "zunion 1 a aggregate", b"-ERR syntax error\r\n");
    check(&mut c, "zunion 1 a foo", b"-ERR syntax error\r\n");
    check(&mut c, "zdiff 1 a weights 1", b"-ERR syntax error\r\n");
    check(&mut c, "zdiff 1 a aggregate sum", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zunionstore d 1 a withscores",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "zunionstore d 0 a",
        b"-ERR at least 1 input key is needed for 'zunionstore' command\r\n",
    );
    check(
        &mut c,
        "zinterstore d -1 a",
        b"-ERR at least 1 input key is needed for 'zinterstore' command\r\n",
    );
    check(
        &mut c,
        "zdiffstore d 0 a",
        b"-ERR at least 1 input key is needed for 'zdiffstore' command\r\n",
    );
    check(&mut c, "set str v", b"+OK\r\n");
    check(
        &mut c,
        "zunion 2 a str",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zunion 2 a str weights x",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "zunionstore str 1 a", b":3\r\n");
    check(&mut c, "type str", b"+zset\r\n");
}

/// WRONGTYPE from every sorted-set command.
#[test]
fn wrongtype() {
    let (_env, mut c) = start();
    check(&mut c, "set s v", b"+OK\r\n");
    check(
        &mut c,
        "zadd s 1 a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zincrby s 1 a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrem s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zcard s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zscore s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zmscore s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrank s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrevrank s a",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zcount s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zlexcount s - +",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrange s 0 -1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrangestore d s 0 -1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrangebyscore s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrevrangebyscore s 1 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrangebylex s - +",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrevrangebylex s + -",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrevrange s 0 -1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zremrangebyrank s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zremrangebyscore s 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zremrangebylex s - +",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zpopmin s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zpopmax s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zmpop 1 s min",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrandmember s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zrandmember s 2",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zunion 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zinter 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zdiff 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zunionstore d 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zinterstore d 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zdiffstore d 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zintercard 1 s",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "zscan s 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "zadd z 1 a", b":1\r\n");
    check(
        &mut c,
        "get z",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
}

/// RESP3 reply forms (doubles, nested pairs, nulls).
#[test]
fn resp3() {
    let (_env, mut c) = start();
    check(&mut c, "zadd a 1 x 2 y 3 z", b":3\r\n");
    check(&mut c, "zadd b 10 y 20 z 30 w", b":3\r\n");
    c.cmd("hello 3");
    check(&mut c, "zscore a x", b",1\r\n");
    check(&mut c, "zscore a nomember", b"_\r\n");
    check(&mut c, "zmscore a x nomember", b"*2\r\n,1\r\n_\r\n");
    check(&mut c, "zmscore nokey x", b"*1\r\n_\r\n");
    check(
        &mut c,
        "zrange a 0 -1 withscores",
        b"*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n",
    );
    check(
        &mut c,
        "zrange a 0 -1",
        b"*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n",
    );
    check(
        &mut c,
        "zrangebyscore a -inf +inf withscores",
        b"*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n",
    );
    check(
        &mut c,
        "zrevrange a 0 -1 withscores",
        b"*3\r\n*2\r\n$1\r\nz\r\n,3\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nx\r\n,1\r\n",
    );
    check(&mut c, "zrange nokey 0 -1 withscores", b"*0\r\n");
    check(&mut c, "zunion 2 a b withscores", b"*4\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n*2\r\n$1\r\nw\r\n,30\r\n");
    check(
        &mut c,
        "zinter 2 a b withscores",
        b"*2\r\n*2\r\n$1\r\ny\r\n,12\r\n*2\r\n$1\r\nz\r\n,23\r\n",
    );
    check(
        &mut c,
        "zdiff 2 a b withscores",
        b"*1\r\n*2\r\n$1\r\nx\r\n,1\r\n",
    );
    check(&mut c, "zincrby a 1 x", b",2\r\n");
    check(&mut c, "zadd a incr 1 x", b",3\r\n");
    check(&mut c, "zadd a nx incr 1 x", b"_\r\n");
    check(&mut c, "zrank a nomember", b"_\r\n");
    check(&mut c, "zpopmin a", b"*2\r\n$1\r\ny\r\n,2\r\n");
    check(&mut c, "zpopmin a 1", b"*1\r\n*2\r\n$1\r\nx\r\n,3\r\n");
    check(&mut c, "zpopmax a 5", b"*1\r\n*2\r\n$1\r\nz\r\n,3\r\n");
    check(&mut c, "zpopmin nokey", b"*0\r\n");
    check(&mut c, "zpopmin nokey 1", b"*0\r\n");
    check(
        &mut c,
        "zmpop 1 b min",
        b"*2\r\n$1\r\nb\r\n*1\r\n*2\r\n$1\r\ny\r\n,10\r\n",
    );
    check(
        &mut c,
        "zmpop 1 b max count 5",
        b"*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nw\r\n,30\r\n*2\r\n$1\r\nz\r\n,20\r\n",
    );
    check(&mut c, "zmpop 1 nokey min", b"_\r\n");
    check(&mut c, "zadd c 1.5 m", b":1\r\n");
    check(
        &mut c,
        "zrandmember c 1 withscores",
        b"*1\r\n*2\r\n$1\r\nm\r\n,1.5\r\n",
    );
    check(
        &mut c,
        "zrandmember c 5 withscores",
        b"*1\r\n*2\r\n$1\r\nm\r\n,1.5\r\n",
    );
    check(
        &mut c,
        "zrandmember c -2 withscores",
        b"*2\r\n*2\r\n$1\r\nm\r\n,1.5\r\n*2\r\n$1\r\nm\r\n,1.5\r\n",
    );
    check(&mut c, "zrandmember nokey", b"_\r\n");
    check(&mut c, "zrandmember nokey 2 withscores", b"*0\r\n");
    check(
        &mut c,
        "zscan c 0",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$3\r\n1.5\r\n",
    );
    check(&mut c, "zadd d -0 m inf n 0.1 o", b":3\r\n");
    check(&mut c, "zrange d 0 -1 withscores", b"*3\r\n*2\r\n$1\r\nm\r\n,0\r\n*2\r\n$1\r\no\r\n,0.10000000000000001\r\n*2\r\n$1\r\nn\r\n,inf\r\n");
}

/// ZRANDMEMBER and ZSCAN deterministic replies and errors.
#[test]
fn randscan() {
    let (_env, mut c) = start();
    check(&mut c, "zadd a 1 x 2 y 3 z", b":3\r\n");
    check(&mut c, "zrandmember nokey", b"$-1\r\n");
    check(&mut c, "zrandmember nokey 5", b"*0\r\n");
    check(&mut c, "zrandmember nokey 5 withscores", b"*0\r\n");
    check(&mut c, "zrandmember a 0", b"*0\r\n");
    check(
        &mut c,
        "zrandmember a 3 withscores",
        b"*6\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "zrandmember a 10 withscores",
        b"*6\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "zrandmember a 10",
        b"*3\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n",
    );
    check(
        &mut c,
        "zrandmember a 1 withscore",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "zrandmember a 1 withscores x",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "zrandmember a abc",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "zrandmember a -9223372036854775808", b"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n");
    check(
        &mut c,
        "zrandmember a 9223372036854775807 withscores",
        b"-ERR value is out of range\r\n",
    );
    check(
        &mut c,
        "zrandmember a -9223372036854775807 withscores",
        b"-ERR value is out of range\r\n",
    );
    check(&mut c, "zscan a 0", b"*2\r\n$1\r\n0\r\n*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
    check(
        &mut c,
        "zscan a 0 match x*",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n",
    );
    check(
        &mut c,
        "zscan a 0 match y count 100",
        b"*2\r\n$1\r\n0\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n",
    );
    check(&mut c, "zscan a 0 count 0", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "zscan a 0 count x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "zscan a x", b"-ERR invalid cursor\r\n");
    check(&mut c, "zscan a 0 type string", b"-ERR syntax error\r\n");
    check(&mut c, "zscan a 0 match", b"-ERR syntax error\r\n");
    check(&mut c, "zscan nokey 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
    check(&mut c, "zscan nokey 0 count 0", b"*2\r\n$1\r\n0\r\n*0\r\n");
}

/// listpack to skiplist by count and member length; store results shrink back.
#[test]
fn encodings() {
    let (_env, mut c) = start();
    check(
        &mut c,
        "zadd c 0 m0 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 11 m11 12 m12 13 m13 14 m14 15 m15 16 m16 17 m17 18 m18 19 m19 20 m20 21 m21 22 m22 23 m23 24 m24 25 m25 26 m26 27 m27 28 m28 29 m29 30 m30 31 m31 32 m32 33 m33 34 m34 35 m35 36 m36 37 m37 38 m38 39 m39 40 m40 41 m41 42 m42 43 m43 44 m44 45 m45 46 m46 47 m47 48 m48 49 m49 50 m50 51 m51 52 m52 53 m53 54 m54 55 m55 56 m56 57 m57 58 m58 59 m59 60 m60 61 m61 62 m62 63 m63 64 m64 65 m65 66 m66 67 m67 68 m68 69 m69 70 m70 71 m71 72 m72 73 m73 74 m74 75 m75 76 m76 77 m77 78 m78 79 m79 80 m80 81 m81 82 m82 83 m83 84 m84 85 m85 86 m86 87 m87 88 m88 89 m89 90 m90 91 m91 92 m92 93 m93 94 m94 95 m95 96 m96 97 m97 98 m98 99 m99 100 m100 101 m101 102 m102 103 m103 104 m104 105 m105 106 m106 107 m107 108 m108 109 m109 110 m110 111 m111 112 m112 113 m113 114 m114 115 m115 116 m116 117 m117 118 m118 119 m119 120 m120 121 m121 122 m122 123 m123 124 m124 125 m125 126 m126 127 m127",
        b":128\r\n",
    );
    check(&mut c, "object encoding c", b"$8\r\nlistpack\r\n");
    check(&mut c, "zadd c 1 m1", b":0\r\n");
    check(&mut c, "object encoding c", b"$8\r\nlistpack\r\n");
    check(&mut c, "zadd c 500 extra", b":1\r\n");
    check(&mut c, "object encoding c", b"$8\r\nskiplist\r\n");
    check(&mut c, "zrem c extra m0 m1", b":3\r\n");
    check(&mut c, "object encoding c", b"$8\r\nskiplist\r\n");
    check(
        &mut c,
        "zrange c 0 2 withscores",
        b"*6\r\n$2\r\nm2\r\n$1\r\n2\r\n$2\r\nm3\r\n$1\r\n3\r\n$2\r\nm4\r\n$1\r\n4\r\n",
    );
    check(
        &mut c,
        "zadd v 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        b":1\r\n",
    );
    check(&mut c, "object encoding v", b"$8\r\nlistpack\r\n");
    check(
        &mut c,
        "zadd v 2 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        b":1\r\n",
    );
    check(&mut c, "object encoding v", b"$8\r\nskiplist\r\n");
    check(
        &mut c,
        "zadd w 1 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
        b":1\r\n",
    );
    check(&mut c, "object encoding w", b"$8\r\nskiplist\r\n");
    check(&mut c, "zrangestore d c 0 127", b":126\r\n");
    check(&mut c, "object encoding d", b"$8\r\nlistpack\r\n");
    check(&mut c, "zrangestore d c 0 128", b":126\r\n");
    check(&mut c, "object encoding d", b"$8\r\nlistpack\r\n");
    check(&mut c, "zrangestore d v 0 -1", b":2\r\n");
    check(&mut c, "object encoding d", b"$8\r\nskiplist\r\n");
    check(
        &mut c,
        "zrangestore d c -inf +inf byscore limit 0 5",
        b":5\r\n",
    );
    check(&mut c, "object encoding d", b"$8\r\nlistpack\r\n");
    check(&mut c, "zunionstore d 1 c", b":126\r\n");
    check(&mut c, "object encoding d", b"$8\r\nlistpack\r\n");
    check(&mut c, "zremrangebyrank c 5 -1", b":121\r\n");
    check(&mut c, "object encoding c", b"$8\r\nskiplist\r\n");
    check(&mut c, "zunionstore d 1 c", b":5\r\n");
    check(&mut c, "object encoding d", b"$8\r\nlistpack\r\n");
    check(&mut c, "zadd c -0 negzero", b":1\r\n");
    check(&mut c, "zscore c negzero", b"$2\r\n-0\r\n");
    check(&mut c, "zadd small -0 negzero", b":1\r\n");
    check(&mut c, "zscore small negzero", b"$1\r\n0\r\n");
    check(&mut c, "zunionstore small2 1 c", b":6\r\n");
    check(&mut c, "zscore small2 negzero", b"$1\r\n0\r\n");
}

/// COMMAND INFO entries (arity, flags, ACL categories, key specs).
#[test]
fn meta() {
    let (_env, mut c) = start();
    check(&mut c, "command info zadd zrangestore zunionstore zmpop zintercard zscan zrandmember zrange zpopmin", b"*9\r\n*10\r\n$4\r\nzadd\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$11\r\nzrangestore\r\n:-5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n*10\r\n$5\r\nzmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n*10\r\n$10\r\nzintercard\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n*10\r\n$5\r\nzscan\r\n:-3\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$11\r\nzrandmember\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$6\r\nzrange\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$7\r\nzpopmin\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
}
