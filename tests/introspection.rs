//! COMMAND, CLIENT, INFO, OBJECT, DEBUG, HELLO: replies compared with Redis 7.0.15's bytes.
mod common;
use common::*;

#[test]
fn command_info_matches_redis() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("COMMAND INFO get ping nosuch"),
        b"*3\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n$-1\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND INFO config|get"),
        b"*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n*4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n*0\r\n*0\r\n*0\r\n"
    );
    // RESP3: flags, categories, tips, key specs and subcommands are sets; key specs are maps.
    c.cmd("HELLO 3");
    let r = c.cmd("COMMAND INFO get");
    assert!(
        r.starts_with(b"*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n"),
        "{}",
        show(&r)
    );
    assert!(r.ends_with(b"$5\r\nlimit\r\n:0\r\n~0\r\n"), "{}", show(&r));
}

#[test]
fn command_subcommands_and_errors() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("COMMAND GETKEYS set a b"), b"*1\r\n$1\r\na\r\n");
    assert_eq!(
        c.cmd("COMMAND GETKEYSANDFLAGS set a b"),
        b"*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND GETKEYS set a"),
        b"-ERR Invalid number of arguments specified for command\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND GETKEYS nosuch a"),
        b"-ERR Invalid command specified\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND GETKEYS ping"),
        b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND foo"),
        b"-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n"
    );
    assert_eq!(
        c.cmd("COMMAND LIST FILTERBY foo x"),
        b"-ERR syntax error\r\n"
    );
    assert_eq!(c.cmd("COMMAND LIST FILTERBY aclcat nosuch"), b"*0\r\n");
    let n = c.cmd("COMMAND COUNT");
    assert!(n.starts_with(b":"));
    // Redis 7.0 also sends `arguments` after these fields (not generated yet).
    let docs = c.cmd("COMMAND DOCS get");
    assert!(
        docs.starts_with(b"*2\r\n$3\r\nget\r\n*")
            && docs.ends_with(b"$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n")
            || show(&docs).contains("$7\\r\\nsummary\\r\\n$22\\r\\nGet the value of a key"),
        "{}",
        show(&docs)
    );
    assert_eq!(c.cmd("COMMAND DOCS nosuch"), b"*0\r\n");
}

#[test]
fn client_commands() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("CLIENT GETNAME"), b"$-1\r\n");
    assert_eq!(
        c.cmd_args(&[b"CLIENT", b"SETNAME", b"a b"]),
        b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
    );
    assert_eq!(c.cmd("CLIENT SETNAME conn1"), b"+OK\r\n");
    assert_eq!(c.cmd("CLIENT GETNAME"), b"$5\r\nconn1\r\n");
    assert_eq!(c.cmd_args(&[b"CLIENT", b"SETNAME", b""]), b"+OK\r\n");
    assert_eq!(c.cmd("CLIENT GETNAME"), b"$-1\r\n");
    assert_eq!(
        c.cmd("CLIENT ID x"),
        b"-ERR wrong number of arguments for 'client|id' command\r\n"
    );
    assert_eq!(c.cmd("CLIENT KILL 1.2.3.4:5"), b"-ERR No such client\r\n");
    assert_eq!(c.cmd("CLIENT KILL id 99999"), b":0\r\n");
    assert_eq!(
        c.cmd("CLIENT KILL id x"),
        b"-ERR client-id should be greater than 0\r\n"
    );
    assert_eq!(c.cmd("CLIENT KILL foo bar"), b"-ERR syntax error\r\n");
    assert_eq!(
        c.cmd("CLIENT KILL type foo"),
        b"-ERR Unknown client type 'foo'\r\n"
    );
    assert_eq!(
        c.cmd("CLIENT KILL user nobody"),
        b"-ERR No such user 'nobody'\r\n"
    );
    assert_eq!(c.cmd("CLIENT REPLY foo"), b"-ERR syntax error\r\n");
    assert_eq!(c.cmd("CLIENT NO-EVICT maybe"), b"-ERR syntax error\r\n");
    assert_eq!(c.cmd("CLIENT SETINFO lib-name redis-py"), b"+OK\r\n");
    assert_eq!(c.cmd("CLIENT SETINFO lib-ver 5.0.1"), b"+OK\r\n");
    assert_eq!(
        c.cmd("CLIENT SETINFO foo x"),
        b"-ERR Unrecognized option 'foo'\r\n"
    );
    let info = c.cmd("CLIENT INFO");
    let s = String::from_utf8_lossy(&info);
    assert!(
        s.contains(" name= ") && s.contains(" db=0 ") && s.contains(" cmd=client|info "),
        "{s}"
    );
    assert!(s.contains("lib-name=redis-py lib-ver=5.0.1\n"), "{s}");
}

#[test]
fn client_kill_and_list() {
    let srv = Server::start(&[]);
    let mut a = srv.connect();
    let mut b = srv.connect();
    assert_eq!(b.cmd("CLIENT SETNAME victim"), b"+OK\r\n");
    let id = String::from_utf8(b.cmd("CLIENT ID")).unwrap();
    let id = id.trim_start_matches(':').trim_end();
    let list = String::from_utf8(a.cmd("CLIENT LIST")).unwrap();
    assert_eq!(list.matches("id=").count(), 2, "{list}");
    assert!(list.contains("name=victim"));
    assert_eq!(a.cmd(&format!("CLIENT KILL ID {id}")), b":1\r\n");
    assert_eq!(b.read_to_close(), b"");
    let list = String::from_utf8(a.cmd("CLIENT LIST")).unwrap();
    assert_eq!(list.matches("id=").count(), 1, "{list}");
    // SKIPME no kills the caller after the reply.
    assert_eq!(a.cmd("CLIENT KILL SKIPME no"), b":1\r\n");
    assert_eq!(a.read_to_close(), b"");
}

#[test]
fn client_reply_modes() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.send(&encode(&[b"CLIENT", b"REPLY", b"OFF"]));
    c.send(&encode(&[b"SET", b"a", b"1"]));
    c.send(&encode(&[b"CLIENT", b"REPLY", b"ON"]));
    assert_eq!(c.read_reply(), b"+OK\r\n");
    c.send(&encode(&[b"CLIENT", b"REPLY", b"SKIP"]));
    c.send(&encode(&[b"PING", b"skipped"]));
    c.send(&encode(&[b"GET", b"a"]));
    assert_eq!(c.read_reply(), b"$1\r\n1\r\n");
}

#[test]
fn info_sections() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.cmd("SET k v");
    c.cmd("NOSUCH");
    let info = String::from_utf8(c.cmd("INFO")).unwrap();
    for sec in [
        "# Server\r\n",
        "# Clients\r\n",
        "# Memory\r\n",
        "# Persistence\r\n",
        "# Stats\r\n",
        "# Replication\r\n",
        "# CPU\r\n",
        "# Modules\r\n",
        "# Errorstats\r\n",
        "# Cluster\r\n",
        "# Keyspace\r\n",
    ] {
        assert!(info.contains(sec), "missing {sec}");
    }
    assert!(!info.contains("# Commandstats"));
    assert!(info.contains("redis_version:7.0.15\r\n"));
    assert!(info.contains("ferrokv_version:"));
    assert!(info.contains("loading:0\r\n"));
    assert!(info.contains("maxmemory_policy:noeviction\r\n"));
    assert!(info.contains("connected_clients:1\r\n"));
    assert!(info.contains("errorstat_ERR:count=1\r\n"), "{info}");
    assert!(info.contains("db0:keys=1,expires=0,avg_ttl=0\r\n"));
    assert!(info.contains(&format!("tcp_port:{}\r\n", srv.port)));
    let used: u64 = info
        .lines()
        .find_map(|l| l.strip_prefix("used_memory:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    assert!(used > 0);
    let all = String::from_utf8(c.cmd("INFO commandstats")).unwrap();
    assert!(all.contains("cmdstat_set:calls=1,"), "{all}");
    assert!(!all.contains("# Server"));
    let two = String::from_utf8(c.cmd("INFO server keyspace")).unwrap();
    assert!(two.contains("# Server") && two.contains("# Keyspace") && !two.contains("# Memory"));
}

#[test]
fn object_and_debug() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    c.cmd("SET k 100");
    assert_eq!(c.cmd("OBJECT REFCOUNT k"), b":2147483647\r\n");
    assert_eq!(c.cmd("OBJECT ENCODING k"), b"$3\r\nint\r\n");
    assert_eq!(c.cmd("OBJECT ENCODING nokey"), b"$-1\r\n");
    assert!(
        c.cmd("OBJECT FREQ k")
            .starts_with(b"-ERR An LFU maxmemory policy is not selected")
    );
    assert_eq!(
        c.cmd("OBJECT foo"),
        b"-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n"
    );
    assert_eq!(
        c.cmd("OBJECT"),
        b"-ERR wrong number of arguments for 'object' command\r\n"
    );
    // Digests equal the ones real Redis computes for the same data.
    assert_eq!(
        c.cmd("DEBUG DIGEST"),
        b"+ee9c0da3df3db4f3cd83bb5e59f5d93b686bb388\r\n"
    );
    c.cmd("HSET h a 1");
    assert_eq!(
        c.cmd("DEBUG DIGEST-VALUE h k nokey"),
        b"*3\r\n+626a7b57a269f8f179a44902458ecb2f5920d35d\r\n+3d41d4c94e50ef4c4d595fea543c6a374ebed1e9\r\n+0000000000000000000000000000000000000000\r\n"
    );
    assert_eq!(c.cmd("DEBUG OBJECT nokey"), b"-ERR no such key\r\n");
    let o = String::from_utf8(c.cmd("DEBUG OBJECT k")).unwrap();
    assert!(
        o.starts_with("+Value at:0x") && o.contains(" refcount:2147483647 encoding:int "),
        "{o}"
    );
    assert_eq!(
        c.cmd("DEBUG foo"),
        b"-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n"
    );
    assert_eq!(
        c.cmd("DEBUG PROTOCOL attrib"),
        b"$39\r\nSome real reply following the attribute\r\n"
    );
    assert_eq!(
        c.cmd("DEBUG PROTOCOL push"),
        b"-ERR RESP2 is not supported by this command\r\n"
    );
    c.cmd("HELLO 3");
    assert_eq!(
        c.cmd("DEBUG PROTOCOL map"),
        b"%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"
    );
    assert_eq!(
        c.cmd("DEBUG PROTOCOL bignum"),
        b"(1234567999999999999999999999999999999\r\n"
    );
    assert_eq!(c.cmd("DEBUG PROTOCOL double"), b",3.141\r\n");
    // DEBUG SLEEP blocks the whole server.
    let mut other = srv.connect();
    c.send(&encode(&[b"DEBUG", b"SLEEP", b"0.3"]));
    std::thread::sleep(std::time::Duration::from_millis(50));
    let t = std::time::Instant::now();
    assert_eq!(other.cmd("PING"), b"+PONG\r\n");
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
    assert_eq!(c.read_reply(), b"+OK\r\n");
}

#[test]
fn debug_disabled_by_default() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert!(c.cmd("DEBUG SLEEP 0").starts_with(
        b"-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\""
    ));
}

#[test]
fn hello_handshake() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("HELLO 4"),
        b"-NOPROTO unsupported protocol version\r\n"
    );
    assert_eq!(
        c.cmd("HELLO x"),
        b"-ERR Protocol version is not an integer or out of range\r\n"
    );
    assert_eq!(
        c.cmd("HELLO 3 setname a b"),
        b"-ERR Syntax error in HELLO option 'b'\r\n"
    );
    assert_eq!(
        c.cmd("HELLO 3 auth a"),
        b"-ERR Syntax error in HELLO option 'auth'\r\n"
    );
    let r = c.cmd("HELLO 3 SETNAME me");
    assert!(r.starts_with(b"%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:"), "{}", show(&r));
    assert!(r.ends_with(
        b"$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"
    ));
    assert_eq!(c.cmd("CLIENT GETNAME"), b"$2\r\nme\r\n");
    assert_eq!(c.cmd("GET nosuch"), b"_\r\n");
}

#[test]
fn requirepass() {
    let srv = Server::start(&["--requirepass", "pw"]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("GET a"), b"-NOAUTH Authentication required.\r\n");
    assert_eq!(
        c.cmd("GET"),
        b"-ERR wrong number of arguments for 'get' command\r\n"
    );
    assert_eq!(
        c.cmd("AUTH x"),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert_eq!(
        c.cmd("AUTH a b"),
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
    );
    assert!(
        c.cmd("HELLO 3")
            .starts_with(b"-NOAUTH HELLO must be called with the client already authenticated")
    );
    let r = c.cmd("HELLO 2 AUTH default pw");
    assert!(r.starts_with(b"*14\r\n"));
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    let mut d = srv.connect();
    assert_eq!(d.cmd("AUTH pw"), b"+OK\r\n");
    assert_eq!(d.cmd("PING"), b"+PONG\r\n");
}

#[test]
fn info_latencystats_uses_redis_buckets() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    let info = String::from_utf8(c.cmd("INFO latencystats")).unwrap();
    // One PING recorded; its figure is a bucket bound of Redis's 2-digit histogram.
    let line = info
        .lines()
        .find(|l| l.starts_with("latency_percentiles_usec_ping:"))
        .unwrap_or_else(|| panic!("{info}"));
    let fields: Vec<&str> = line.split(':').nth(1).unwrap().split(',').collect();
    assert_eq!(fields.len(), 3, "{line}");
    assert!(
        fields[0].starts_with("p50=")
            && fields[1].starts_with("p99=")
            && fields[2].starts_with("p99.9=")
    );
    assert_eq!(
        c.cmd_args(&[
            b"CONFIG",
            b"SET",
            b"latency-tracking-info-percentiles",
            b"0 100"
        ]),
        b"+OK\r\n"
    );
    assert_eq!(c.cmd("CONFIG SET latency-tracking no"), b"+OK\r\n");
    assert_eq!(c.cmd("CONFIG RESETSTAT"), b"+OK\r\n");
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    // Tracking off: nothing recorded after the reset.
    assert_eq!(c.cmd("INFO latencystats"), b"$16\r\n# Latencystats\r\n\r\n");
}

#[test]
fn client_list_shows_own_query_buffer_and_args() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    // As Redis 7.0: during a command the query buffer holds the whole batch read with it.
    c.send(b"CLIENT INFO\r\nPING\r\n");
    let r = c.read_reply();
    let line = String::from_utf8_lossy(&r).into_owned();
    assert!(line.contains(" qbuf=19 "), "{line}");
    assert!(line.contains(" argv-mem=10 "), "{line}");
    assert_eq!(c.read_reply(), b"+PONG\r\n");
    let r = c.cmd_args(&[b"client", b"list"]);
    let line = String::from_utf8_lossy(&r).into_owned();
    assert!(line.contains(" qbuf=26 "), "{line}");
    assert!(line.contains(" argv-mem=10 "), "{line}");
}

/// `qbuf` + `qbuf-free` of the client named `name`, from CLIENT LIST.
fn query_buffer(c: &mut Conn, name: &str) -> usize {
    let list = String::from_utf8_lossy(&c.cmd("CLIENT LIST")).into_owned();
    let line = list
        .lines()
        .find(|l| l.contains(&format!(" name={name} ")))
        .unwrap_or_else(|| panic!("{list}"));
    let field = |f: &str| -> usize {
        line.split(' ')
            .find_map(|kv| kv.strip_prefix(f))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    field("qbuf=") + field("qbuf-free=")
}

#[test]
fn query_buffers_are_resized_like_redis() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut idle = srv.connect();
    assert_eq!(idle.cmd("CLIENT SETNAME idle"), b"+OK\r\n");
    let q = query_buffer(&mut c, "idle");
    assert!((16384..32768).contains(&q), "{q}");
    // After a big request the buffer stays big until the cron sees it is no longer needed.
    let mut big = srv.connect();
    assert_eq!(big.cmd("CLIENT SETNAME big"), b"+OK\r\n");
    let value = vec![b'A'; 400_000];
    assert_eq!(big.cmd_args(&[b"SET", b"x", &value]), b"+OK\r\n");
    let orig = query_buffer(&mut c, "big");
    assert!(orig > 32768, "{orig}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut now = orig;
    while now >= orig && std::time::Instant::now() < deadline {
        assert_eq!(big.cmd_args(&[b"SET", b"x", &[b'A'; 100]]), b"+OK\r\n");
        now = query_buffer(&mut c, "big");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(now > 0 && now < orig, "{now} vs {orig}");
    // A client idle for over 2 seconds holds no query buffer at all.
    std::thread::sleep(std::time::Duration::from_millis(3300));
    assert_eq!(query_buffer(&mut c, "idle"), 0);
    assert_eq!(idle.cmd("PING"), b"+PONG\r\n");
}
