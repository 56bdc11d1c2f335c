//! The master side of replication: a raw-socket fake replica attaches with SYNC or PSYNC (as
//! Redis's test helper `attach_to_replication_stream` does) and reads the write stream. Every
//! expected stream was recorded from redis-server 7.0.15 with the same commands (absolute
//! expiry times excepted, which are checked for shape).

mod common;

use std::io::Read;
use std::time::{Duration, Instant};

use common::{Conn, Server};

/// A fake replica: the connection after the RDB payload was consumed.
struct Replica {
    c: Conn,
}

/// Reads exactly `n` bytes.
fn read_n(c: &mut Conn, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    c.s.read_exact(&mut buf).expect("read");
    buf
}

/// Reads one line up to CRLF (CRLF excluded).
fn read_line(c: &mut Conn) -> Vec<u8> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    loop {
        c.s.read_exact(&mut b).expect("read");
        line.push(b[0]);
        if line.ends_with(b"\r\n") {
            line.truncate(line.len() - 2);
            return line;
        }
    }
}

/// Reads `$<len>\r\n<rdb>` and checks the RDB header.
fn read_rdb(c: &mut Conn) {
    let line = read_line(c);
    assert_eq!(line[0], b'$', "{}", common::show(&line));
    let n: usize = std::str::from_utf8(&line[1..]).unwrap().parse().unwrap();
    let rdb = read_n(c, n);
    assert!(rdb.starts_with(b"REDIS0010"), "{}", common::show(&rdb));
}

impl Replica {
    /// Attaches with `SYNC`, as `attach_to_replication_stream` does.
    fn sync(srv: &Server, admin: &mut Conn) -> Replica {
        assert_eq!(
            admin.cmd("config set repl-ping-replica-period 3600"),
            b"+OK\r\n"
        );
        let mut c = srv.connect();
        c.send(b"SYNC\r\n");
        read_rdb(&mut c);
        Replica { c }
    }

    /// Reads exactly `want.len()` bytes of stream and compares them.
    fn expect(&mut self, want: &[u8]) {
        let got = read_n(&mut self.c, want.len());
        assert_eq!(common::show(&got), common::show(want));
    }

    /// Reads one command of the stream (as `read_from_replication_stream`): its arguments.
    fn next_cmd(&mut self) -> Vec<Vec<u8>> {
        let head = read_line(&mut self.c);
        assert_eq!(head[0], b'*', "{}", common::show(&head));
        let n: usize = std::str::from_utf8(&head[1..]).unwrap().parse().unwrap();
        (0..n)
            .map(|_| {
                let l = read_line(&mut self.c);
                let len: usize = std::str::from_utf8(&l[1..]).unwrap().parse().unwrap();
                let v = read_n(&mut self.c, len + 2);
                v[..len].to_vec()
            })
            .collect()
    }

    /// Asserts nothing more arrives within `ms`.
    fn expect_quiet(&mut self, ms: u64) {
        self.c
            .s
            .set_read_timeout(Some(Duration::from_millis(ms)))
            .unwrap();
        let mut b = [0u8; 256];
        match self.c.s.read(&mut b) {
            Ok(n) => panic!("unexpected stream bytes: {}", common::show(&b[..n])),
            Err(e) => assert!(matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )),
        }
        self.c
            .s
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
    }
}

fn args(v: &[&str]) -> Vec<Vec<u8>> {
    v.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// An INFO field's value.
fn info_field(c: &mut Conn, section: &str, name: &str) -> String {
    let info = String::from_utf8(c.cmd(&format!("info {section}"))).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {info}"))
        .to_string()
}

fn wait_for(mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "condition not reached");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sync_stream_is_the_propagated_commands() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("set a 1");
    c.cmd("incr nokey");
    c.cmd("getdel a");
    c.cmd("getdel a");
    c.cmd("incrbyfloat fl 1.5");
    c.cmd("select 3");
    c.cmd("set z 1");
    c.cmd("flushall");
    r.expect(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
          *3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n\
          *2\r\n$4\r\nincr\r\n$5\r\nnokey\r\n\
          *2\r\n$3\r\nDEL\r\n$1\r\na\r\n\
          *4\r\n$3\r\nSET\r\n$2\r\nfl\r\n$3\r\n1.5\r\n$7\r\nKEEPTTL\r\n\
          *2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n\
          *3\r\n$3\r\nset\r\n$1\r\nz\r\n$1\r\n1\r\n\
          *1\r\n$8\r\nflushall\r\n",
    );
    r.expect_quiet(200);
}

#[test]
fn relative_expiries_go_out_absolute() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("set foo bar EX 100");
    c.cmd("getex foo PERSIST");
    c.cmd("getex foo");
    c.cmd("expire foo 100");
    c.cmd("getex foo exat 1");
    assert_eq!(r.next_cmd(), args(&["SELECT", "0"]));
    let set = r.next_cmd();
    assert_eq!(set[..4], args(&["SET", "foo", "bar", "PXAT"])[..]);
    assert_eq!(set[4].len(), 13);
    assert_eq!(r.next_cmd(), args(&["PERSIST", "foo"]));
    let pexpireat = r.next_cmd();
    assert_eq!(pexpireat[..2], args(&["PEXPIREAT", "foo"])[..]);
    assert_eq!(r.next_cmd(), args(&["DEL", "foo"]));
    r.expect_quiet(200);
}

#[test]
fn transactions_are_wrapped_when_they_propagate_more_than_one_command() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    for cmd in [
        "multi", "set x 1", "exec", "multi", "get x", "set x 2", "select 1",
    ] {
        c.cmd(cmd);
    }
    for cmd in ["set y 1", "exec", "multi", "get x", "exec"] {
        c.cmd(cmd);
    }
    r.expect(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
          *3\r\n$3\r\nset\r\n$1\r\nx\r\n$1\r\n1\r\n\
          *1\r\n$5\r\nMULTI\r\n\
          *3\r\n$3\r\nset\r\n$1\r\nx\r\n$1\r\n2\r\n\
          *2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n\
          *3\r\n$3\r\nset\r\n$1\r\ny\r\n$1\r\n1\r\n\
          *1\r\n$4\r\nEXEC\r\n",
    );
    r.expect_quiet(200);
}

#[test]
fn expired_keys_go_out_as_del() {
    let srv = Server::start(&["--enable-debug-command", "yes"]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("debug set-active-expire 0"), b"+OK\r\n");
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("set e 1 px 1");
    c.cmd("set f 1 px 1");
    c.cmd("set g 1 px 1");
    std::thread::sleep(Duration::from_millis(20));
    // A write finding its key expired: the DEL and the command, in a transaction.
    c.cmd("incr e");
    // A read: the DEL alone.
    c.cmd("get f");
    // Inside EXEC: each DEL before the command that found it.
    for cmd in ["multi", "get g", "set x 1", "exec"] {
        c.cmd(cmd);
    }
    c.cmd("config set lazyfree-lazy-expire yes");
    c.cmd("set i 1 px 1");
    std::thread::sleep(Duration::from_millis(20));
    c.cmd("exists i");
    assert_eq!(r.next_cmd(), args(&["SELECT", "0"]));
    for k in ["e", "f", "g"] {
        assert_eq!(r.next_cmd()[..2], args(&["SET", k])[..]);
    }
    for want in [
        &["MULTI"][..],
        &["DEL", "e"],
        &["incr", "e"],
        &["EXEC"],
        &["DEL", "f"],
        &["MULTI"],
        &["DEL", "g"],
        &["set", "x", "1"],
        &["EXEC"],
    ] {
        assert_eq!(r.next_cmd(), args(want));
    }
    assert_eq!(r.next_cmd()[..2], args(&["SET", "i"])[..]);
    assert_eq!(r.next_cmd(), args(&["UNLINK", "i"]));
    r.expect_quiet(200);
}

#[test]
fn active_expiry_goes_out_as_del_in_the_key_db() {
    let srv = Server::start(&["--hz", "100"]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("select 2");
    c.cmd("set k v px 50");
    c.cmd("select 0");
    c.cmd("set a b");
    assert_eq!(r.next_cmd(), args(&["SELECT", "2"]));
    assert_eq!(r.next_cmd()[..2], args(&["SET", "k"])[..]);
    assert_eq!(r.next_cmd(), args(&["SELECT", "0"]));
    assert_eq!(r.next_cmd(), args(&["set", "a", "b"]));
    assert_eq!(r.next_cmd(), args(&["SELECT", "2"]));
    assert_eq!(r.next_cmd(), args(&["DEL", "k"]));
}

#[test]
fn blocked_pops_served_later_go_out_as_their_plain_forms() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    let mut b1 = srv.connect();
    b1.send(b"blpop l1 l2 0\r\n");
    let mut b2 = srv.connect();
    b2.send(b"blmove src dst left right 0\r\n");
    let mut b3 = srv.connect();
    b3.send(b"bzpopmin z1 0\r\n");
    let mut b4 = srv.connect();
    b4.send(b"blmpop 0 2 m1 m2 right count 5\r\n");
    std::thread::sleep(Duration::from_millis(100));
    c.cmd("rpush l2 a b");
    c.cmd("rpush src x y");
    c.cmd("zadd z1 1 a 2 b");
    c.cmd("rpush m2 1 2 3");
    c.cmd("rpush L 1 2");
    c.cmd("lmpop 2 X L left count 10");
    r.expect(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
          *4\r\n$5\r\nrpush\r\n$2\r\nl2\r\n$1\r\na\r\n$1\r\nb\r\n\
          *2\r\n$4\r\nLPOP\r\n$2\r\nl2\r\n\
          *4\r\n$5\r\nrpush\r\n$3\r\nsrc\r\n$1\r\nx\r\n$1\r\ny\r\n\
          *5\r\n$5\r\nLMOVE\r\n$3\r\nsrc\r\n$3\r\ndst\r\n$4\r\nleft\r\n$5\r\nright\r\n\
          *6\r\n$4\r\nzadd\r\n$2\r\nz1\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n\
          *2\r\n$7\r\nZPOPMIN\r\n$2\r\nz1\r\n\
          *5\r\n$5\r\nrpush\r\n$2\r\nm2\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n\
          *3\r\n$4\r\nRPOP\r\n$2\r\nm2\r\n$1\r\n3\r\n\
          *4\r\n$5\r\nrpush\r\n$1\r\nL\r\n$1\r\n1\r\n$1\r\n2\r\n\
          *3\r\n$4\r\nLPOP\r\n$1\r\nL\r\n$1\r\n2\r\n",
    );
}

#[test]
fn spop_with_count_goes_out_as_srem_per_member_or_del() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("sadd s a b c");
    let popped = c.cmd("spop s 2");
    c.cmd("spop s 5");
    c.cmd("spop nokey 3");
    assert_eq!(r.next_cmd(), args(&["SELECT", "0"]));
    assert_eq!(r.next_cmd(), args(&["sadd", "s", "a", "b", "c"]));
    assert_eq!(r.next_cmd(), args(&["MULTI"]));
    let (m1, m2) = (r.next_cmd(), r.next_cmd());
    let want = format!(
        "*2\r\n$1\r\n{}\r\n$1\r\n{}\r\n",
        String::from_utf8_lossy(&m1[2]),
        String::from_utf8_lossy(&m2[2])
    );
    assert_eq!(common::show(&popped), common::show(want.as_bytes()));
    assert_eq!(m1[..2], args(&["SREM", "s"])[..]);
    assert_eq!(r.next_cmd(), args(&["EXEC"]));
    assert_eq!(r.next_cmd(), args(&["DEL", "s"]));
    r.expect_quiet(200);
}

#[test]
fn psync_full_resync_and_offsets() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(info_field(&mut c, "replication", "master_repl_offset"), "0");
    assert_eq!(
        info_field(&mut c, "replication", "repl_backlog_active"),
        "0"
    );
    c.cmd("config set repl-ping-replica-period 3600");
    let mut rc = srv.connect();
    rc.send(b"PSYNC ? -1\r\n");
    let line = String::from_utf8(read_line(&mut rc)).unwrap();
    let w: Vec<&str> = line.split(' ').collect();
    assert_eq!(w.len(), 3, "{line}");
    assert_eq!(w[0], "+FULLRESYNC");
    assert_eq!(w[1].len(), 40);
    assert_eq!(w[2], "0");
    read_rdb(&mut rc);
    assert_eq!(info_field(&mut c, "replication", "master_replid"), w[1]);
    assert_eq!(info_field(&mut c, "replication", "connected_slaves"), "1");
    assert!(
        info_field(&mut c, "replication", "slave0")
            .starts_with("ip=127.0.0.1,port=0,state=online,offset=0,lag=")
    );
    assert_eq!(
        info_field(&mut c, "replication", "repl_backlog_active"),
        "1"
    );
    assert_eq!(
        info_field(&mut c, "replication", "repl_backlog_first_byte_offset"),
        "1"
    );
    c.cmd("set a b");
    let mut r = Replica { c: rc };
    let sent = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n";
    r.expect(sent);
    let n = sent.len().to_string();
    assert_eq!(info_field(&mut c, "replication", "master_repl_offset"), n);
    assert_eq!(info_field(&mut c, "replication", "repl_backlog_histlen"), n);
    // ROLE lists the replica: ip, listening port, acknowledged offset.
    r.c.send(b"REPLCONF ACK 7\r\n");
    wait_for(|| c.cmd("role").ends_with(b"$1\r\n7\r\n"));
    assert_eq!(
        c.cmd("role"),
        format!(
            "*3\r\n$6\r\nmaster\r\n:{n}\r\n*1\r\n*3\r\n$9\r\n127.0.0.1\r\n$1\r\n0\r\n$1\r\n7\r\n"
        )
        .as_bytes()
    );
    // No reply to the ACK reached the replica.
    r.expect_quiet(200);
}

#[test]
fn replica_disconnect_is_cleaned_up() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let r = Replica::sync(&srv, &mut c);
    assert_eq!(info_field(&mut c, "replication", "connected_slaves"), "1");
    drop(r);
    wait_for(|| info_field(&mut c, "replication", "connected_slaves") == "0");
    let off = info_field(&mut c, "replication", "master_repl_offset");
    assert_eq!(
        c.cmd("role"),
        format!("*3\r\n$6\r\nmaster\r\n:{off}\r\n*0\r\n").as_bytes()
    );
    // Writes go on with no replica attached.
    assert_eq!(c.cmd("set k v"), b"+OK\r\n");
}

#[test]
fn replconf_and_sync_errors() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.send(
        b"REPLCONF foo bar\r\nREPLCONF listening-port\r\nREPLCONF ack 10\r\nREPLCONF getack *\r\n\
          REPLCONF listening-port abc\r\nREPLCONF listening-port 6380 capa eof capa psync2\r\n\
          REPLCONF ip-address 1.2.3.4\r\nPSYNC a b\r\nMULTI\r\nSYNC\r\nPING\r\n",
    );
    let want: &[u8] = b"-ERR Unrecognized REPLCONF option: foo\r\n-ERR syntax error\r\n\
        -ERR value is not an integer or out of range\r\n+OK\r\n+OK\r\n\
        -ERR SYNC and PSYNC are invalid with pending output\r\n+OK\r\n\
        -ERR Command not allowed inside a transaction\r\n+QUEUED\r\n";
    let got = read_n(&mut c, want.len());
    assert_eq!(common::show(&got), common::show(want));
    let mut d = srv.connect();
    assert_eq!(
        d.cmd("psync a b"),
        b"-ERR value is not an integer or out of range\r\n"
    );
    assert_eq!(
        d.cmd("sync x"),
        b"-ERR wrong number of arguments for 'sync' command\r\n"
    );
}

#[test]
fn expire_options_and_lazyfree_deletions() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("set foo bar");
    c.cmd("expire foo 100 nx");
    c.cmd("pexpireat foo 1995569522000 xx");
    c.cmd("set foo2 bar pxat 1995569522000 nx");
    c.cmd("set foo bar xx get pxat 1995569522000");
    c.cmd("config set lazyfree-lazy-expire yes");
    c.cmd("expire foo -1");
    c.cmd("config set lazyfree-lazy-expire no");
    c.cmd("set foo bar");
    c.cmd("config set lazyfree-lazy-user-del yes");
    c.cmd("getdel foo");
    assert_eq!(r.next_cmd(), args(&["SELECT", "0"]));
    assert_eq!(r.next_cmd(), args(&["set", "foo", "bar"]));
    let e = r.next_cmd();
    assert_eq!(
        (&e[..2], &e[3..]),
        (&args(&["PEXPIREAT", "foo"])[..], &args(&["nx"])[..])
    );
    assert_eq!(
        r.next_cmd(),
        args(&["pexpireat", "foo", "1995569522000", "xx"])
    );
    for k in ["foo2", "foo"] {
        assert_eq!(
            r.next_cmd(),
            args(&["SET", k, "bar", "PXAT", "1995569522000"])
        );
    }
    assert_eq!(r.next_cmd(), args(&["UNLINK", "foo"]));
    assert_eq!(r.next_cmd(), args(&["set", "foo", "bar"]));
    assert_eq!(r.next_cmd(), args(&["UNLINK", "foo"]));
    r.expect_quiet(200);
}

#[test]
fn min_replicas_to_write_needs_good_replicas() {
    let srv = Server::start(&[]);
    let mut a = srv.connect();
    let mut b = srv.connect();
    assert_eq!(a.cmd("set xx 1"), b"+OK\r\n");
    assert_eq!(a.cmd("multi"), b"+OK\r\n");
    assert_eq!(a.cmd("incr xx"), b"+QUEUED\r\n");
    assert_eq!(b.cmd("config set min-replicas-to-write 2"), b"+OK\r\n");
    assert_eq!(
        a.cmd("exec"),
        b"-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n"
    );
    assert_eq!(a.cmd("exec"), b"-ERR EXEC without MULTI\r\n");
    assert_eq!(a.cmd("get xx"), b"$1\r\n1\r\n");
    assert_eq!(
        a.cmd("set a b"),
        b"-NOREPLICAS Not enough good replicas to write.\r\n"
    );
    // One attached replica counts as good (its sync counts as an acknowledgement).
    let _r = Replica::sync(&srv, &mut b);
    assert_eq!(b.cmd("config set min-replicas-to-write 1"), b"+OK\r\n");
    assert_eq!(a.cmd("set a b"), b"+OK\r\n");
    // A max lag of 0 turns the check off.
    assert_eq!(b.cmd("config set min-replicas-to-write 2"), b"+OK\r\n");
    assert_eq!(
        a.cmd("set a b"),
        b"-NOREPLICAS Not enough good replicas to write.\r\n"
    );
    assert_eq!(b.cmd("config set min-replicas-max-lag 0"), b"+OK\r\n");
    assert_eq!(a.cmd("set a b"), b"+OK\r\n");
}

#[test]
fn wait_counts_acknowledging_replicas() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    assert_eq!(c.cmd("set a b"), b"+OK\r\n");
    let t = Instant::now();
    assert_eq!(c.cmd("wait 1 300"), b":0\r\n");
    assert!(t.elapsed() >= Duration::from_millis(290));
    // The replicas were asked for an acknowledgement.
    let sent: &[u8] = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\nb\r\n";
    r.expect(sent);
    assert_eq!(r.next_cmd(), args(&["REPLCONF", "GETACK", "*"]));
    // Acknowledging the whole stream (GETACK included) ends a WAIT.
    c.send(b"wait 1 0\r\n");
    std::thread::sleep(Duration::from_millis(100));
    r.c.send(format!("REPLCONF ACK {}\r\n", sent.len() + 37).as_bytes());
    assert_eq!(c.read_reply(), b":1\r\n");
    assert_eq!(c.cmd("wait 1 0"), b":1\r\n");
    // Inside MULTI it does not block.
    c.cmd("multi");
    c.cmd("wait 2 0");
    assert_eq!(c.cmd("exec"), b"*1\r\n:0\r\n");
    assert_eq!(c.cmd("wait 0 0"), b":0\r\n");
}

#[test]
fn psync_within_the_backlog_continues() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.cmd("config set repl-ping-replica-period 3600");
    let mut first = srv.connect();
    first.send(b"PSYNC ? -1\r\n");
    let line = String::from_utf8(read_line(&mut first)).unwrap();
    let w: Vec<&str> = line.split(' ').collect();
    let (replid, off): (&str, i64) = (w[1], w[2].parse().unwrap());
    read_rdb(&mut first);
    c.cmd("SET a b");
    c.cmd("SET c d");
    // With `capa psync2`, +CONTINUE names the replication id; then the stream from the offset.
    let mut r2 = srv.connect();
    assert_eq!(r2.cmd("replconf capa eof capa psync2"), b"+OK\r\n");
    r2.send(format!("PSYNC {replid} {}\r\n", off + 1).as_bytes());
    let mut r2 = Replica { c: r2 };
    r2.expect(
        format!(
            "+CONTINUE {replid}\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
             *3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\nd\r\n"
        )
        .as_bytes(),
    );
    // Without it, a bare +CONTINUE; from the middle of the stream.
    let mut r3 = srv.connect();
    r3.send(format!("PSYNC {replid} {}\r\n", off + 24).as_bytes());
    let mut r3 = Replica { c: r3 };
    r3.expect(
        b"+CONTINUE\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\nd\r\n",
    );
    // Past the end or before the backlog: a full resync.
    for from in [off + 200, 0] {
        let mut r = srv.connect();
        r.send(format!("PSYNC {replid} {from}\r\n").as_bytes());
        assert_eq!(
            String::from_utf8(read_line(&mut r)).unwrap(),
            format!("+FULLRESYNC {replid} {}", off + 77)
        );
        read_rdb(&mut r);
    }
    // Every replica gets what follows.
    c.cmd("SET e f");
    let tail = b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\ne\r\n$1\r\nf\r\n";
    r2.expect(tail);
    r3.expect(tail);
    // The two full-resync connections were closed: three replicas remain.
    wait_for(|| info_field(&mut c, "replication", "connected_slaves") == "3");
}

#[test]
fn a_replica_that_gets_a_reply_is_disconnected() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    // ACK and GETACK have no reply, SYNC again is ignored; PING's reply drops the replica and
    // what follows is not run.
    r.c.send(b"REPLCONF ACK 0\r\nREPLCONF GETACK *\r\nSYNC\r\nPING\r\nSET uniqk b\r\n");
    assert_eq!(r.c.read_to_close(), b"");
    assert_eq!(c.cmd("get uniqk"), b"$-1\r\n");
    wait_for(|| info_field(&mut c, "replication", "connected_slaves") == "0");
}

#[test]
fn a_replica_over_its_output_buffer_limit_is_dropped() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd_args(&[
            b"config",
            b"set",
            b"client-output-buffer-limit",
            b"replica 100000 0 0"
        ]),
        b"+OK\r\n"
    );
    // A replica that stops reading after the RDB.
    let _r = Replica::sync(&srv, &mut c);
    let v = vec![b'x'; 10000];
    let mut batch = Vec::new();
    for i in 0..2000 {
        batch.extend_from_slice(&common::encode(&[b"set", format!("k{i}").as_bytes(), &v]));
    }
    c.send(&batch);
    for _ in 0..2000 {
        assert_eq!(c.read_reply(), b"+OK\r\n");
    }
    wait_for(|| info_field(&mut c, "replication", "connected_slaves") == "0");
}

/// Writes that changed nothing are not propagated (Redis's dirty delta of 0): an LTRIM that
/// removes nothing or meets no key, a SETBIT that leaves its bit.
#[test]
fn writes_that_change_nothing_are_not_propagated() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let mut r = Replica::sync(&srv, &mut c);
    c.cmd("rpush l 1");
    c.cmd("ltrim l 0 -1");
    c.cmd("ltrim nokey 0 1");
    c.cmd("setbit bm 4 0");
    c.cmd("setbit bm 4 0");
    c.cmd("set end 1");
    r.expect(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n\
          *3\r\n$5\r\nrpush\r\n$1\r\nl\r\n$1\r\n1\r\n\
          *4\r\n$6\r\nsetbit\r\n$2\r\nbm\r\n$1\r\n4\r\n$1\r\n0\r\n\
          *3\r\n$3\r\nset\r\n$3\r\nend\r\n$1\r\n1\r\n",
    );
    r.expect_quiet(200);
}

#[test]
fn client_unblock_ends_a_wait() {
    // Replies and stats recorded from redis-server 7.0.15.
    let srv = Server::start(&[]);
    let mut a = srv.connect();
    let mut b = srv.connect();
    let id = String::from_utf8(a.cmd("CLIENT ID")).unwrap();
    let id = id.trim_start_matches(':').trim_end();
    assert_eq!(a.cmd("SET k v"), b"+OK\r\n");
    // With no replica, WAIT 1 0 waits forever: CLIENT UNBLOCK ends it with the replicas
    // counted so far, or with the UNBLOCKED error.
    a.send(b"WAIT 1 0\r\n");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(b.cmd(&format!("CLIENT UNBLOCK {id}")), b":1\r\n");
    assert_eq!(a.read_reply(), b":0\r\n");
    a.send(b"WAIT 1 0\r\n");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(b.cmd(&format!("CLIENT UNBLOCK {id} ERROR")), b":1\r\n");
    assert_eq!(
        a.read_reply(),
        b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    );
    assert_eq!(b.cmd(&format!("CLIENT UNBLOCK {id}")), b":0\r\n");
    let stats = String::from_utf8(b.cmd("INFO commandstats")).unwrap();
    let wait = stats.lines().find(|l| l.starts_with("cmdstat_wait:"));
    assert!(
        wait.is_some_and(|l| l.ends_with(",rejected_calls=0,failed_calls=2")),
        "{stats}"
    );
    let errors = String::from_utf8(b.cmd("INFO errorstats")).unwrap();
    assert!(
        errors.contains("errorstat_UNBLOCKED:count=1\r\n"),
        "{errors}"
    );
    assert_eq!(common::info_int(&mut b, "clients", "blocked_clients"), 0);
}
