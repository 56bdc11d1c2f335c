//! Introspection behaviour a transcript cannot express (several connections, server-side
//! state, variable figures), checked against what redis-server 7.0.15 does. Set
//! INTRO_SWEEP_ORACLE=PORT to run these against a real Redis started with
//! `--enable-debug-command yes` instead (with `-- --test-threads=1`: the tests count clients).
mod common;
use common::*;

/// ferrokv (with DEBUG enabled) or the oracle, and a connection to it after FLUSHALL.
fn target() -> (Target, Conn) {
    start_target_with("INTRO_SWEEP_ORACLE", &["--enable-debug-command", "yes"])
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).into_owned()
}

/// `name=value` of a CLIENT INFO / LIST line.
fn field(line: &str, name: &str) -> String {
    line.split([' ', '\n'])
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_string()
}

fn id_of(c: &mut Conn) -> String {
    let r = text(c.cmd("CLIENT ID"));
    r.trim_start_matches(':').trim_end().to_string()
}

#[test]
fn client_list_has_redis_70_fields_in_order() {
    let (_t, mut c) = target();
    let line = text(c.cmd("CLIENT INFO"));
    let names: Vec<&str> = line
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split(' ')
        .map(|kv| kv.split('=').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names.join(" "),
        "id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem \
         multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp"
    );
}

#[test]
fn client_kill_filters_across_connections() {
    let (t, mut a) = target();
    let mut b = t.conn();
    let mut c = t.conn();
    let bid = id_of(&mut b);
    check(
        &mut a,
        &format!("CLIENT KILL ID {bid} TYPE pubsub"),
        b":0\r\n",
    );
    check(
        &mut a,
        &format!("CLIENT KILL ID {bid} TYPE master"),
        b":0\r\n",
    );
    check(&mut a, "CLIENT KILL LADDR 1.2.3.4:5", b":0\r\n");
    check(
        &mut a,
        &format!("CLIENT KILL ID {bid} TYPE normal USER default"),
        b":1\r\n",
    );
    assert_eq!(b.read_to_close(), b"");
    // The old form answers +OK and closes the client named by its address.
    let caddr = field(&text(c.cmd("CLIENT INFO")), "addr");
    check(&mut a, &format!("CLIENT KILL {caddr}"), b"+OK\r\n");
    assert_eq!(c.read_to_close(), b"");
    check(
        &mut a,
        &format!("CLIENT KILL {caddr}"),
        b"-ERR No such client\r\n",
    );
    // LADDR matches every connection to this server; SKIPME (default yes) spares the caller.
    let mut d = t.conn();
    let mut e = t.conn();
    check(&mut d, "PING", b"+PONG\r\n");
    check(&mut e, "PING", b"+PONG\r\n");
    let laddr = field(&text(a.cmd("CLIENT INFO")), "laddr");
    check(&mut a, &format!("CLIENT KILL LADDR {laddr}"), b":2\r\n");
    assert_eq!(d.read_to_close(), b"");
    assert_eq!(e.read_to_close(), b"");
    check(&mut a, "PING", b"+PONG\r\n");
    // Killing itself: the reply is sent, then the connection closes.
    let aid = id_of(&mut a);
    check(&mut a, &format!("CLIENT KILL ID {aid}"), b":0\r\n");
    check(
        &mut a,
        &format!("CLIENT KILL ID {aid} SKIPME no"),
        b":1\r\n",
    );
    assert_eq!(a.read_to_close(), b"");
}

#[test]
fn client_list_filters_by_id_and_type() {
    let (t, mut a) = target();
    let mut b = t.conn();
    let bid = id_of(&mut b);
    check(&mut b, "CLIENT SETNAME bee", b"+OK\r\n");
    let one = text(a.cmd(&format!("CLIENT LIST ID {bid} 999999")));
    assert_eq!(one.matches("id=").count(), 1, "{one}");
    assert_eq!(field(&one, "name"), "bee");
    let all = text(a.cmd("CLIENT LIST TYPE normal"));
    assert_eq!(all.matches("id=").count(), 2, "{all}");
    check(&mut a, "CLIENT LIST TYPE pubsub", b"$0\r\n\r\n");
    check(&mut a, "CLIENT LIST TYPE replica", b"$0\r\n\r\n");
}

/// One call lands in one power-of-two bucket; containers stand for their subcommands.
#[test]
fn latency_histogram_buckets() {
    let (_t, mut c) = target();
    check(&mut c, "CONFIG RESETSTAT", b"+OK\r\n");
    check(&mut c, "SET k v", b"+OK\r\n");
    let r = text(c.cmd("LATENCY HISTOGRAM set nosuch"));
    let head = "*2\r\n$3\r\nset\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n*2\r\n:";
    assert!(r.starts_with(head), "{r}");
    let bucket: u64 = r[head.len()..]
        .split("\r\n")
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let bounds = [1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227];
    assert!(bounds.contains(&bucket), "{r}");
    assert!(r.ends_with("\r\n:1\r\n"), "{r}");
    let r = text(c.cmd("LATENCY HISTOGRAM config"));
    assert!(
        r.contains("$16\r\nconfig|resetstat\r\n*4\r\n$5\r\ncalls\r\n:1\r\n"),
        "{r}"
    );
    check(&mut c, "LATENCY HISTOGRAM nosuch", b"*0\r\n");
}

#[test]
fn debug_reload_options() {
    let (_t, mut c) = target();
    check(&mut c, "SET a 1", b"+OK\r\n");
    check(&mut c, "DEBUG RELOAD", b"+OK\r\n");
    check(&mut c, "GET a", b"$1\r\n1\r\n");
    // NOSAVE loads the file as it is: keys written since are gone.
    check(&mut c, "SET b 2", b"+OK\r\n");
    check(&mut c, "DEBUG RELOAD NOSAVE", b"+OK\r\n");
    check(&mut c, "EXISTS b", b":0\r\n");
    check(&mut c, "GET a", b"$1\r\n1\r\n");
    // NOFLUSH MERGE adds the file's keys to the dataset, the file's values winning.
    check(&mut c, "SET c 3", b"+OK\r\n");
    check(&mut c, "SET a changed", b"+OK\r\n");
    check(&mut c, "DEBUG RELOAD NOSAVE NOFLUSH MERGE", b"+OK\r\n");
    check(&mut c, "GET c", b"$1\r\n3\r\n");
    check(&mut c, "GET a", b"$1\r\n1\r\n");
    check(
        &mut c,
        "DEBUG RELOAD NOSAVE FOO",
        b"-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n",
    );
    check(&mut c, "FLUSHALL", b"+OK\r\n");
}

/// Over a Unix socket both addresses read `path:0`, as redis-server 7.0.15 shows them, and
/// CLIENT KILL LADDR takes that form (always run on ferrokv: the oracle has no socket here).
#[test]
fn unix_socket_addresses() {
    use std::io::{Read, Write};
    let dir = std::env::temp_dir().join(format!("ferrokv-intro-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("s.sock");
    let p = path.to_string_lossy().to_string();
    let srv = Server::start(&["--unixsocket", &p]);
    let mut u = std::os::unix::net::UnixStream::connect(&path).expect("unix connect");
    u.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .expect("timeout");
    u.write_all(b"CLIENT INFO\r\n").expect("write");
    let mut buf = vec![0u8; 4096];
    let n = u.read(&mut buf).expect("read");
    let info = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(
        info.contains(&format!(" addr={p}:0 laddr={p}:0 ")) && info.contains(" flags=U "),
        "{info}"
    );
    let mut c = srv.connect();
    check(&mut c, &format!("CLIENT KILL LADDR {p}:0"), b":1\r\n");
    assert_eq!(u.read(&mut buf).unwrap_or(0), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// DEBUG OBJECT's serializedlength is the RDB size Redis 7.0.15 would write (listpack,
/// intset and LZF blobs included) and lists carry the quicklist fields; the figures are
/// redis-server's.
#[test]
fn debug_object_serialized_lengths() {
    let (_t, mut c) = target();
    let big_l: Vec<String> = (0..2000).map(|i| format!("item{i}")).collect();
    let big2: String = (0..100)
        .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
        .collect();
    for cmd in [
        "HSET h f v f2 2".to_string(),
        "SADD s a b c".into(),
        "SADD si 1 2 3 -5".into(),
        "ZADD z 1 a 2.5 b -inf c".into(),
        "SET n 12345".into(),
        format!("SET big {}", "x".repeat(100)),
        format!("SET big2 {big2}"),
        format!("RPUSH big_l {}", big_l.join(" ")),
        "RPUSH l a b c".into(),
    ] {
        c.cmd(&cmd);
    }
    for (key, want) in [
        ("h", "encoding:listpack serializedlength:20 "),
        ("s", "encoding:hashtable serializedlength:7 "),
        ("si", "encoding:intset serializedlength:17 "),
        ("z", "encoding:listpack serializedlength:30 "),
        ("n", "encoding:int serializedlength:3 "),
        ("big", "encoding:raw serializedlength:13 "),
        ("big2", "encoding:raw serializedlength:38 "),
        ("big_l", "encoding:quicklist serializedlength:9050 "),
        ("l", "encoding:quicklist serializedlength:19 "),
    ] {
        let r = text(c.cmd(&format!("DEBUG OBJECT {key}")));
        assert!(r.contains(want), "{key}: {r}");
    }
    let r = text(c.cmd("DEBUG OBJECT l"));
    assert!(
        r.ends_with(
            " ql_nodes:1 ql_avg_node:3.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16\r\n"
        ),
        "{r}"
    );
    let r = text(c.cmd("DEBUG OBJECT big_l"));
    assert!(r.contains(" ql_nodes:3 "), "{r}");
}
