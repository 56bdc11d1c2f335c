//! Config files, command-line options and CONFIG GET/SET/RESETSTAT/REWRITE/HELP: replies and
//! fatal errors compared with Redis 7.0.15's bytes.
mod common;
use common::*;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A file under the temp dir, unique to this process and `name`, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &str) -> TempFile {
        let p =
            std::env::temp_dir().join(format!("ferrokv-config-test-{}-{name}", std::process::id()));
        std::fs::write(&p, content).unwrap();
        TempFile(p)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the binary expecting it to exit at once; returns (stderr, exit code).
fn run_fatal(args: &[&str], stdin: Option<&str>) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrokv"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ferrokv");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            // The process may exit without reading stdin.
            let _ = input.write_all(s.as_bytes());
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn fatal(line: usize, text: &str, err: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {line}\n>>> '{text}'\n{err}\n"
    )
}

#[test]
fn fatal_errors_from_config_file() {
    let f = TempFile::new("bad1.conf", "# c\nfoo bar\n");
    assert_eq!(
        run_fatal(&[f.path()], None),
        (
            fatal(2, "foo bar", "Bad directive or wrong number of arguments"),
            1
        )
    );
    let f = TempFile::new("bad2.conf", "port \"abc\n");
    assert_eq!(
        run_fatal(&[f.path()], None),
        (
            fatal(1, "port \"abc", "Unbalanced quotes in configuration line"),
            1
        )
    );
    // Lines are trimmed, names case-insensitive, quoted values unescaped.
    let f = TempFile::new("bad3.conf", "  \t Port   \"\\x41b\"  \r\n");
    assert_eq!(
        run_fatal(&[f.path()], None),
        (
            fatal(
                1,
                "Port   \"\\x41b\"",
                "argument couldn't be parsed into an integer"
            ),
            1
        )
    );
    // An error in an included file names the line of that file.
    let inner = TempFile::new("inner.conf", "# inner\nmaxclients -1\n");
    let outer = TempFile::new("outer.conf", &format!("hz 5\ninclude {}\n", inner.path()));
    assert_eq!(
        run_fatal(&[outer.path()], None),
        (
            fatal(
                2,
                "maxclients -1",
                "argument must be between 1 and 4294967295 inclusive"
            ),
            1
        )
    );
}

#[test]
fn fatal_errors_from_command_line() {
    let cases: &[(&[&str], String)] = &[
        (
            &["--port", "abc"],
            fatal(
                2,
                "port \"abc\"",
                "argument couldn't be parsed into an integer",
            ),
        ),
        (
            &["--port", "7", "--hz", "3", "--maxclients", "-1"],
            fatal(
                4,
                "maxclients \"-1\"",
                "argument must be between 1 and 4294967295 inclusive",
            ),
        ),
        (
            &["--loglevel", "loud"],
            fatal(
                2,
                "loglevel \"loud\"",
                "argument(s) must be one of the following: debug, verbose, notice, warning",
            ),
        ),
        (
            &["--appendonly", "maybe"],
            fatal(
                2,
                "appendonly \"maybe\"",
                "argument must be 'yes' or 'no'",
            ),
        ),
        (
            &["--save", "--port", "abc"],
            fatal(
                3,
                "port \"abc\"",
                "argument couldn't be parsed into an integer",
            ),
        ),
        (
            &["--port"],
            fatal(2, "port", "wrong number of arguments"),
        ),
        (
            &["--port abc"],
            fatal(
                2,
                "port abc",
                "argument couldn't be parsed into an integer",
            ),
        ),
        (
            &["--bind", "a", "b", "c", "--port", "x"],
            fatal(
                3,
                "port \"x\"",
                "argument couldn't be parsed into an integer",
            ),
        ),
        (
            &["--set-max-listpack-entries", "5"],
            fatal(
                2,
                "set-max-listpack-entries \"5\"",
                "Bad directive or wrong number of arguments",
            ),
        ),
        (
            &["--client-output-buffer-limit", "foo 1 2 3"],
            fatal(
                2,
                "client-output-buffer-limit \"foo 1 2 3\"",
                "Invalid client class specified in buffer limit configuration.",
            ),
        ),
        (
            &["--notify-keyspace-events", "Q"],
            fatal(
                2,
                "notify-keyspace-events \"Q\"",
                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
            ),
        ),
        (
            &["--unixsocketperm", "999"],
            fatal(
                2,
                "unixsocketperm \"999\"",
                "argument couldn't be parsed as an octal number",
            ),
        ),
        (
            &["--maxmemory-clients", "200%"],
            fatal(
                2,
                "maxmemory-clients \"200%\"",
                "percentage argument must be less or equal to 100",
            ),
        ),
        (
            &["--dbfilename", "a/b"],
            fatal(
                2,
                "dbfilename \"a/b\"",
                "dbfilename can't be a path, just a filename",
            ),
        ),
        (
            &["--list-max-ziplist-entries", "5", "--zz"],
            fatal(3, "zz", "Bad directive or wrong number of arguments"),
        ),
        (
            &["--logfile", "/nonexistent-dir/x.log"],
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n".to_string(),
        ),
    ];
    for (args, want) in cases {
        assert_eq!(run_fatal(args, None), (want.clone(), 1), "{args:?}");
    }
}

#[test]
fn config_from_stdin() {
    assert_eq!(
        run_fatal(&["-"], Some("loglevel loud\n")),
        (
            fatal(
                1,
                "loglevel loud",
                "argument(s) must be one of the following: debug, verbose, notice, warning"
            ),
            1
        )
    );
    // `-` elsewhere than first or last is an ordinary argument.
    let f0 = TempFile::new("stdin0.conf", "hz 5\n");
    assert_eq!(
        run_fatal(&[f0.path(), "-", "--port", "1"], Some("hz x\n")),
        (
            fatal(3, "\"-\"", "Bad directive or wrong number of arguments"),
            1
        )
    );
    // stdin comes after the file and before the command-line options.
    let f = TempFile::new("stdin.conf", "hz 5\n");
    assert_eq!(
        run_fatal(&[f.path(), "--port", "x", "-"], Some("timeout 5\n")),
        (
            fatal(
                4,
                "port \"x\"",
                "argument couldn't be parsed into an integer"
            ),
            1
        )
    );
}

#[test]
fn file_then_command_line_and_include() {
    let inc = TempFile::new("inc.conf", "timeout 7\nsave 100 2\n");
    let f = TempFile::new(
        "main.conf",
        &format!(
            "# comment\n\nHZ 20\nsave 900 1\nsave 300 10\ninclude {}\nhash-max-ziplist-entries 100\n\"maxclients\" '50'\n",
            inc.path()
        ),
    );
    // A relative include is read from the working directory, which `dir` changes.
    let rel = TempFile::new("rel.conf", "hz 5\nmaxclients 0\n");
    let name = rel.0.file_name().unwrap().to_str().unwrap().to_string();
    let dir = rel.0.parent().unwrap().to_str().unwrap().to_string();
    assert_eq!(
        run_fatal(&["--dir", &dir, "--include", &name], None),
        (
            fatal(
                2,
                "maxclients 0",
                "argument must be between 1 and 4294967295 inclusive"
            ),
            1
        )
    );
    let srv = Server::start_with(Some(f.path()), &["--save", "1", "2", "--hz", "30"]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("CONFIG GET hz"), b"*2\r\n$2\r\nhz\r\n$2\r\n30\r\n");
    assert_eq!(
        c.cmd("CONFIG GET timeout"),
        b"*2\r\n$7\r\ntimeout\r\n$1\r\n7\r\n"
    );
    // As in Redis 7.0, the end of an included file ends "reading the config file": the
    // save points given after it replace the earlier ones instead of adding to them.
    assert_eq!(
        c.cmd("CONFIG GET save"),
        b"*2\r\n$4\r\nsave\r\n$3\r\n1 2\r\n"
    );
    assert_eq!(
        c.cmd("CONFIG GET hash-max-listpack-entries"),
        b"*2\r\n$25\r\nhash-max-listpack-entries\r\n$3\r\n100\r\n"
    );
    assert_eq!(
        c.cmd("CONFIG GET maxclients"),
        b"*2\r\n$10\r\nmaxclients\r\n$2\r\n50\r\n"
    );
    let f = TempFile::new("save.conf", "save 900 1\nsave 300 10\n");
    let srv = Server::start_with(Some(f.path()), &["--save", "1", "2"]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("CONFIG GET save"),
        b"*2\r\n$4\r\nsave\r\n$16\r\n900 1 300 10 1 2\r\n"
    );
    // `--save ""` clears the save points.
    let srv = Server::start(&["--save", ""]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("CONFIG GET save"), b"*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
}

#[test]
fn config_get() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("CONFIG GET PORT"), {
        let p = srv.port.to_string();
        format!("*2\r\n$4\r\nPORT\r\n${}\r\n{p}\r\n", p.len()).into_bytes()
    });
    assert_eq!(
        c.cmd("CONFIG GET hash-max-ziplist-entries"),
        b"*2\r\n$24\r\nhash-max-ziplist-entries\r\n$3\r\n512\r\n"
    );
    assert_eq!(
        c.cmd("CONFIG GET databases databases DATABASES"),
        b"*2\r\n$9\r\ndatabases\r\n$2\r\n16\r\n"
    );
    assert_eq!(c.cmd("CONFIG GET nosuch"), b"*0\r\n");
    assert_eq!(
        c.cmd("CONFIG GET"),
        b"-ERR wrong number of arguments for 'config|get' command\r\n"
    );
    // Hidden directives answer only to their exact name.
    assert_eq!(
        c.cmd("CONFIG GET key-load-delay"),
        b"*2\r\n$14\r\nkey-load-delay\r\n$1\r\n0\r\n"
    );
    assert_eq!(c.cmd("CONFIG GET key-load-*"), b"*0\r\n");
    // Defaults, including the multi-value ones.
    for (name, val) in [
        ("save", "3600 1 300 100 60 10000"),
        ("appendonly", "no"),
        (
            "client-output-buffer-limit",
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        ),
        ("maxmemory-policy", "noeviction"),
        ("latency-tracking-info-percentiles", "50 99 99.9"),
        ("oom-score-adj-values", "0 200 800"),
        ("proc-title-template", "{title} {listen-addr} {server-mode}"),
        ("list-max-listpack-size", "-2"),
        ("unixsocketperm", "0"),
        ("notify-keyspace-events", ""),
    ] {
        assert_eq!(
            c.cmd(&format!("CONFIG GET {name}")),
            format!(
                "*2\r\n${}\r\n{name}\r\n${}\r\n{val}\r\n",
                name.len(),
                val.len()
            )
            .into_bytes()
        );
    }
    // A glob matches names and aliases: Redis 7.0 lists 192 parameters for `*`.
    let all = c.cmd("CONFIG GET *");
    assert!(all.starts_with(b"*384\r\n"), "{}", show(&all[..20]));
    let r = c.cmd("CONFIG GET hash-max-*-entries");
    assert!(r.starts_with(b"*4\r\n"));
    assert!(r.windows(24).any(|w| w == b"hash-max-ziplist-entries"));
    assert!(r.windows(25).any(|w| w == b"hash-max-listpack-entries"));
    // RESP3: a map.
    c.cmd("HELLO 3");
    assert_eq!(
        c.cmd("CONFIG GET appendonly"),
        b"%1\r\n$10\r\nappendonly\r\n$2\r\nno\r\n"
    );
    assert_eq!(c.cmd("CONFIG GET nosuch"), b"%0\r\n");
}

#[test]
fn config_set_errors() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let cases: &[(&[&[u8]], &[u8])] = &[
        (
            &[b"CONFIG", b"SET", b"foo", b"bar"],
            b"-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"port"],
            b"-ERR wrong number of arguments for 'config|set' command\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"port", b"1", b"hz"],
            b"-ERR syntax error\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"hz", b"20", b"port", b"abc"],
            b"-ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"hz", b"20", b"HZ", b"30"],
            b"-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"daemonize", b"no"],
            b"-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"dir", b"/tmp"],
            b"-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"maxclients", b"-1"],
            b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"loglevel", b"loud"],
            b"-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"appendonly", b"maybe"],
            b"-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"save", b"1 2 3"],
            b"-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"client-output-buffer-limit", b"normal a 2 3"],
            b"-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"maxmemory", b"1.5mb"],
            b"-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"proc-title-template", b"{title}"],
            b"-ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables\r\n",
        ),
        // The first unknown name wins over later errors; an earlier error over a later unknown.
        (
            &[b"CONFIG", b"SET", b"hz", b"x", b"foo", b"bar"],
            b"-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
        ),
        (
            &[b"CONFIG", b"SET", b"daemonize", b"yes", b"foo", b"bar"],
            b"-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n",
        ),
        (
            &[b"CONFIG", b"FOO"],
            b"-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n",
        ),
        (
            &[b"CONFIG", b"RESETSTAT", b"x"],
            b"-ERR wrong number of arguments for 'config|resetstat' command\r\n",
        ),
        (
            &[b"CONFIG", b"REWRITE"],
            b"-ERR The server is running without a config file\r\n",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(c.cmd_args(args), *want, "{}", show(&args.concat()));
    }
    // All or nothing: hz was not changed by the failed pair above.
    assert_eq!(c.cmd("CONFIG GET hz"), b"*2\r\n$2\r\nhz\r\n$2\r\n10\r\n");
}

#[test]
fn config_set_values() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let get = |c: &mut Conn, n: &str| c.cmd(&format!("CONFIG GET {n}"));
    let pair = |n: &str, v: &str| {
        format!("*2\r\n${}\r\n{n}\r\n${}\r\n{v}\r\n", n.len(), v.len()).into_bytes()
    };
    let set = |c: &mut Conn, n: &str, v: &str| {
        c.cmd_args(&[b"CONFIG", b"SET", n.as_bytes(), v.as_bytes()])
    };
    assert_eq!(set(&mut c, "hz", "1000"), b"+OK\r\n");
    assert_eq!(get(&mut c, "hz"), pair("hz", "500"));
    assert_eq!(set(&mut c, "maxmemory", "1gb"), b"+OK\r\n");
    assert_eq!(get(&mut c, "maxmemory"), pair("maxmemory", "1073741824"));
    assert_eq!(set(&mut c, "maxmemory-clients", "10%"), b"+OK\r\n");
    assert_eq!(
        get(&mut c, "maxmemory-clients"),
        pair("maxmemory-clients", "10%")
    );
    assert_eq!(
        set(&mut c, "client-output-buffer-limit", "normal 1mb 2kb 3"),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c, "client-output-buffer-limit"),
        pair(
            "client-output-buffer-limit",
            "normal 1048576 2048 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
        )
    );
    assert_eq!(set(&mut c, "notify-keyspace-events", "KExgmn"), b"+OK\r\n");
    assert_eq!(
        get(&mut c, "notify-keyspace-events"),
        pair("notify-keyspace-events", "gxnKEm")
    );
    assert_eq!(set(&mut c, "notify-keyspace-events", "An"), b"+OK\r\n");
    assert_eq!(
        get(&mut c, "notify-keyspace-events"),
        pair("notify-keyspace-events", "A")
    );
    assert_eq!(
        set(
            &mut c,
            "latency-tracking-info-percentiles",
            "50.0 0.1 12.3456789 100"
        ),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c, "latency-tracking-info-percentiles"),
        pair("latency-tracking-info-percentiles", "50 0.1 12.345679 100")
    );
    assert_eq!(set(&mut c, "maxmemory-policy", "ALLKEYS-LRU"), b"+OK\r\n");
    assert_eq!(
        get(&mut c, "maxmemory-policy"),
        pair("maxmemory-policy", "allkeys-lru")
    );
    assert_eq!(set(&mut c, "save", "100 1 100 1"), b"+OK\r\n");
    assert_eq!(get(&mut c, "save"), pair("save", "100 1 100 1"));
    // An alias and its name are different parameters for the duplicate check.
    assert_eq!(
        c.cmd("CONFIG SET hash-max-ziplist-entries 5 hash-max-listpack-entries 6"),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c, "hash-max-ziplist-entries"),
        pair("hash-max-ziplist-entries", "6")
    );

    // Live settings: proto-max-bulk-len limits the next request.
    assert_eq!(set(&mut c, "proto-max-bulk-len", "1mb"), b"+OK\r\n");
    c.send(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n");
    assert_eq!(
        c.read_reply(),
        b"-ERR Protocol error: invalid bulk length\r\n"
    );

    // requirepass: new connections must authenticate.
    let mut c = srv.connect();
    assert_eq!(set(&mut c, "requirepass", "sec"), b"+OK\r\n");
    let mut d = srv.connect();
    assert_eq!(
        d.cmd("GET k"),
        b"-NOAUTH Authentication required.\r\n".to_vec()
    );
    assert_eq!(d.cmd("AUTH sec"), b"+OK\r\n");
    assert_eq!(set(&mut d, "requirepass", ""), b"+OK\r\n");
    let mut e = srv.connect();
    assert_eq!(e.cmd("GET k"), b"$-1\r\n");
}

#[test]
fn config_help_and_resetstat() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("CONFIG HELP"),
        b"*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET <pattern>\r\n+    Return parameters matching the glob-like <pattern> and their values.\r\n+SET <directive> <value>\r\n+    Set the configuration <directive> to <value>.\r\n+RESETSTAT\r\n+    Reset statistics reported by the INFO command.\r\n+REWRITE\r\n+    Rewrite the configuration file.\r\n+HELP\r\n+    Prints this help.\r\n"
    );
    c.cmd("SET a b");
    c.cmd("GET a");
    c.cmd("GET nosuch");
    assert_eq!(c.cmd("CONFIG RESETSTAT"), b"+OK\r\n");
    let r = c.cmd("INFO commandstats");
    let text = String::from_utf8_lossy(&r);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("cmdstat_")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(
        lines[0].starts_with("cmdstat_config|resetstat:calls=1,"),
        "{text}"
    );
    let r = c.cmd("INFO stats");
    let text = String::from_utf8_lossy(&r);
    for f in [
        "total_commands_processed:2",
        "keyspace_hits:0",
        "keyspace_misses:0",
    ] {
        assert!(text.contains(&format!("\r\n{f}\r\n")), "{f}: {}", show(&r));
    }
}

#[test]
fn config_rewrite_keeps_comments_and_unknown_lines() {
    let dir = std::env::temp_dir();
    let original = format!(
        "# top comment
port 6379
dir {}


save 900 1
save 300 10
  # indented comment
hz 10
rename-command FLUSHALL \"\"
list-max-ziplist-entries 5
maxmemory 2mb
hash-max-ziplist-entries 100
client-output-buffer-limit pubsub 32mb 8mb 60
bind 127.0.0.1
notify-keyspace-events \"\"
unixsocketperm 700
appendonly no
tcp-keepalive 300
",
        dir.display()
    );
    let f = TempFile::new("rewrite.conf", &original);
    let srv = Server::start_with(Some(f.path()), &[]);
    let mut c = srv.connect();
    for cmd in [
        &[&b"maxmemory"[..], b"3mb"][..],
        &[b"timeout", b"5"],
        &[b"loglevel", b"verbose"],
        &[b"masterauth", b"a b\"c"],
        &[b"notify-keyspace-events", b"KEA"],
        &[b"client-output-buffer-limit", b"normal 1mb 0 0"],
        &[b"maxmemory-clients", b"5%"],
        &[b"save", b""],
        &[b"tcp-keepalive", b"100"],
        &[b"requirepass", b"sec"],
    ] {
        let mut args: Vec<&[u8]> = vec![b"CONFIG", b"SET"];
        args.extend_from_slice(cmd);
        assert_eq!(c.cmd_args(&args), b"+OK\r\n");
    }
    assert_eq!(c.cmd("CONFIG REWRITE"), b"+OK\r\n");
    // Redis 7.0.15 writes the same lines (it appends new ones in hash order).
    let want = format!(
        "# top comment
port {}
dir \"{}\"

save \"\"

# indented comment
hz 10
rename-command FLUSHALL \"\"
# ??? list-max-ziplist-entries 5
maxmemory 3mb
hash-max-listpack-entries 100
client-output-buffer-limit normal 1mb 0 0
bind 127.0.0.1
notify-keyspace-events \"AKE\"
unixsocketperm 700
appendonly no
tcp-keepalive 100

# Generated by CONFIG REWRITE
latency-tracking-info-percentiles 50 99 99.9
loglevel verbose
masterauth \"a b\\\"c\"
maxmemory-clients 5%
requirepass \"sec\"
timeout 5
user default on #add93534eeb463800fe0ed0946048d33636dd2a014fab92e8a37f77ce98c740b ~* &* +@all
",
        srv.port,
        std::fs::canonicalize(&dir).unwrap().display()
    );
    assert_eq!(std::fs::read_to_string(&f.0).unwrap(), want);
    // The rewritten file starts the server again with the same settings.
    drop(c);
    drop(srv);
    let srv = Server::start_with(Some(f.path()), &[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("AUTH sec"), b"+OK\r\n");
    assert_eq!(
        c.cmd("CONFIG GET maxmemory"),
        b"*2\r\n$9\r\nmaxmemory\r\n$7\r\n3145728\r\n"
    );
}

#[test]
fn debian_redis_conf_starts_unchanged() {
    let conf = "/etc/redis/redis.conf";
    if !std::path::Path::new(conf).exists() {
        return;
    }
    let dir =
        std::env::temp_dir().join(format!("ferrokv-config-test-{}-debian", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap().to_string();
    let pid = format!("{d}/redis.pid");
    let srv = Server::start_with(
        Some(conf),
        &[
            "--daemonize",
            "no",
            "--logfile",
            "",
            "--dir",
            &d,
            "--pidfile",
            &pid,
        ],
    );
    let mut c = srv.connect();
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    // The pid file holds the server's pid, as Redis writes it.
    assert_eq!(
        std::fs::read_to_string(&pid).unwrap(),
        format!("{}\n", srv.pid())
    );
    assert_eq!(
        c.cmd("CONFIG GET client-output-buffer-limit"),
        b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n"
    );
    assert_eq!(
        c.cmd("CONFIG GET auto-aof-rewrite-min-size"),
        b"*2\r\n$25\r\nauto-aof-rewrite-min-size\r\n$8\r\n67108864\r\n"
    );
    drop(c);
    drop(srv);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn example_config_starts() {
    let conf = concat!(env!("CARGO_MANIFEST_DIR"), "/redis.conf.example");
    let srv = Server::start_with(Some(conf), &[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("CONFIG GET client-query-buffer-limit"),
        b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n1073741824\r\n"
    );
}

#[test]
fn live_maxclients_and_timeout() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("CONFIG SET maxclients 1"), b"+OK\r\n");
    let mut d = srv.connect();
    assert_eq!(d.read_to_close(), b"-ERR max number of clients reached\r\n");
    assert_eq!(c.cmd("CONFIG SET maxclients 10000 timeout 1"), b"+OK\r\n");
    // An idle client is closed after about a second, with no reply.
    let mut e = srv.connect();
    let t = std::time::Instant::now();
    assert_eq!(e.read_to_close(), b"");
    assert!(t.elapsed() < std::time::Duration::from_secs(4));
    let mut f = srv.connect();
    assert_eq!(f.cmd("CONFIG SET timeout 0"), b"+OK\r\n");
    assert_eq!(
        f.cmd("CONFIG GET timeout"),
        b"*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n"
    );
}

#[test]
fn missing_module_or_stray_module_config_aborts() {
    // Redis logs (to stdout) and exits with status 1; nothing on stderr.
    for args in [
        &["--loadmodule", "/nonexistent-module.so"][..],
        &["--foo.bar", "1"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ferrokv"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(out.stderr.is_empty(), "{args:?}");
        let log = String::from_utf8_lossy(&out.stdout);
        assert!(
            log.ends_with(" server aborting\n") || log.ends_with(" ApplyConfig call: aborting\n"),
            "{log}"
        );
    }
}

#[test]
fn rename_command() {
    assert_eq!(
        run_fatal(&["--rename-command", "nosuch", "x"], None),
        (
            fatal(
                2,
                "rename-command \"nosuch\" \"x\"",
                "No such command in rename-command"
            ),
            1
        )
    );
    assert_eq!(
        run_fatal(&["--rename-command", "get", "set"], None),
        (
            fatal(
                2,
                "rename-command \"get\" \"set\"",
                "Target command name already exists"
            ),
            1
        )
    );
    assert_eq!(
        run_fatal(
            &[
                "--rename-command",
                "get",
                "",
                "--rename-command",
                "get",
                "x"
            ],
            None
        ),
        (
            fatal(
                3,
                "rename-command \"get\" \"x\"",
                "No such command in rename-command"
            ),
            1
        )
    );
    let srv = Server::start(&[
        "--rename-command",
        "GET",
        "mYget",
        "--rename-command",
        "flushall",
        "",
    ]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("SET a 1"), b"+OK\r\n");
    assert_eq!(
        c.cmd("GET a"),
        b"-ERR unknown command 'GET', with args beginning with: 'a' \r\n"
    );
    assert_eq!(c.cmd("MYGET a"), b"$1\r\n1\r\n");
    assert_eq!(
        c.cmd("FLUSHALL"),
        b"-ERR unknown command 'FLUSHALL', with args beginning with: \r\n"
    );
}

/// Starts the binary with `args`, returns its log lines up to "Server initialized", kills it.
fn start_log(args: &[&str]) -> Vec<String> {
    use std::io::BufRead;
    let port = free_port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrokv"))
        .args(["--port", &port, "--bind", "127.0.0.1"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in out.lines() {
        let line = line.unwrap();
        let done = line.contains("Server initialized");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    lines
}

#[test]
fn ignored_directives_warned_once() {
    let lines = start_log(&[
        "--acllog-max-len",
        "64",
        "--tcp-backlog",
        "511",
        "--user",
        "bob",
        "on",
    ]);
    let warned: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("not acted on"))
        .collect();
    assert_eq!(warned.len(), 1, "{lines:#?}");
    assert!(
        warned[0].ends_with(
            " # Config directives accepted but not acted on by ferrokv (shown by CONFIG GET only): acllog-max-len, user"
        ),
        "{}",
        warned[0]
    );
    let lines = start_log(&["--hz", "20"]);
    assert!(
        !lines.iter().any(|l| l.contains("not acted on")),
        "{lines:#?}"
    );
}

#[test]
fn low_open_files_limit_reduces_maxclients() {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let port = free_port().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferrokv"));
    cmd.args(["--port", &port, "--bind", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe setrlimit runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let l = libc::rlimit {
                rlim_cur: 100,
                rlim_max: 100,
            };
            libc::setrlimit(libc::RLIMIT_NOFILE, &l);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for line in out.lines() {
        let line = line.unwrap();
        let done = line.contains("Server initialized");
        lines.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    // A process allowed to raise its hard limit gets the room it asks for.
    if lines.iter().any(|l| {
        l.ends_with(
            " * Increased maximum number of open files to 10032 (it was originally set to 100).",
        )
    }) {
        return;
    }
    // The same three warnings as Redis 7.0.15 (after `pid:M date # `).
    let want = [
        "You requested maxclients of 10000 requiring at least 10032 max file descriptors.",
        "Server can't set maximum open files to 10032 because of OS error: Operation not permitted.",
        "Current maximum open files is 100. maxclients has been reduced to 68 to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.",
    ];
    for w in want {
        assert!(
            lines.iter().any(|l| l.ends_with(&format!(" # {w}"))),
            "{lines:#?}"
        );
    }
}

#[test]
fn live_client_query_buffer_limit() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("CONFIG SET client-query-buffer-limit 1mb"),
        b"+OK\r\n"
    );
    let mut d = srv.connect();
    d.send(b"*2\r\n$4\r\nECHO\r\n$3000000\r\n");
    let chunk = vec![b'x'; 100_000];
    for _ in 0..20 {
        if d.s.write_all(&chunk).is_err() {
            break;
        }
    }
    // Closed without a reply, as Redis does.
    assert_eq!(d.read_to_close(), b"");
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
}

#[test]
fn live_port_and_bind_rebind_the_listeners() {
    let mut srv = Server::start(&[]);
    let old = srv.port;
    let new = free_port();
    let mut c = srv.connect();
    assert_eq!(c.cmd(&format!("CONFIG SET port {new}")), b"+OK\r\n");
    // The connection that changed it stays; new ones go to the new port only.
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    assert!(std::net::TcpStream::connect(("127.0.0.1", old)).is_err());
    srv.port = new;
    let mut d = srv.connect();
    let info = String::from_utf8_lossy(&d.cmd("INFO server")).into_owned();
    assert!(info.contains(&format!("tcp_port:{new}\r\n")), "{info}");
    // A port in use is refused with Redis's text and the old port keeps listening.
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let busy_port = busy.local_addr().unwrap().port();
    assert_eq!(
        d.cmd(&format!("CONFIG SET port {busy_port}")),
        b"-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n"
    );
    assert_eq!(
        d.cmd("CONFIG GET port"),
        format!("*2\r\n$4\r\nport\r\n$5\r\n{new}\r\n").into_bytes()
    );
    assert_eq!(srv.connect().cmd("PING"), b"+PONG\r\n");
    // bind: an address that cannot be bound puts the old list back.
    assert_eq!(
        d.cmd_args(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1 192.0.2.1"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n"
    );
    assert_eq!(
        d.cmd("CONFIG GET bind"),
        b"*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n"
    );
    assert_eq!(
        d.cmd_args(&[b"CONFIG", b"SET", b"bind", b"127.0.0.1 -::1"]),
        b"+OK\r\n"
    );
    assert_eq!(srv.connect().cmd("PING"), b"+PONG\r\n");
}

#[test]
fn shutdown_on_signal_flags() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    let get = |c: &mut Conn| c.cmd("CONFIG GET shutdown-on-sigterm");
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"shutdown-on-sigterm", b"now nosave"]),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c),
        b"*2\r\n$19\r\nshutdown-on-sigterm\r\n$10\r\nnosave now\r\n"
    );
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"shutdown-on-sigterm", b"default save"]),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c),
        b"*2\r\n$19\r\nshutdown-on-sigterm\r\n$4\r\nsave\r\n"
    );
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"shutdown-on-sigterm", b"FORCE save now"]),
        b"+OK\r\n"
    );
    assert_eq!(
        get(&mut c),
        b"*2\r\n$19\r\nshutdown-on-sigterm\r\n$14\r\nsave now force\r\n"
    );
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"shutdown-on-sigterm", b"save nosave"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be used simultaneously\r\n"
    );
    for bad in ["bogus", ""] {
        assert_eq!(
            c.cmd_args(&[b"CONFIG", b"SET", b"shutdown-on-sigint", bad.as_bytes()]),
            b"-ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) must be one of the following: default, save, nosave, now, force\r\n"
        );
    }
    assert_eq!(c.cmd("CONFIG SET shutdown-on-sigterm default"), b"+OK\r\n");
    assert_eq!(
        get(&mut c),
        b"*2\r\n$19\r\nshutdown-on-sigterm\r\n$7\r\ndefault\r\n"
    );
}

#[test]
fn sigterm_follows_shutdown_on_sigterm() {
    // `nosave`: no final snapshot although save points are set; `save` without save points.
    for (flags, saved) in [("nosave", false), ("save", true)] {
        let dir = std::env::temp_dir().join(format!(
            "ferrokv-config-test-{}-sig-{flags}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let save = if saved { "" } else { "3600 1" };
        let d = dir.to_str().unwrap();
        let mut srv = Server::start(&["--dir", d, "--save", save, "--shutdown-on-sigterm", flags]);
        assert_eq!(srv.connect().cmd("SET k v"), b"+OK\r\n");
        let pid = srv.pid().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(srv.wait_exit(std::time::Duration::from_secs(10)).is_some());
        assert_eq!(dir.join("dump.rdb").exists(), saved, "{flags}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn config_set_names_stop_at_nul_as_redis() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    // Redis compares yes/no, enum values and flags with strcasecmp: up to a NUL.
    for (name, value, shown) in [
        (&b"appendfsync"[..], &b"always\x00x"[..], &b"always"[..]),
        (b"protected-mode", b"no\x00x", b"no"),
        (b"shutdown-on-sigint", b"save\x00x", b"save"),
    ] {
        assert_eq!(c.cmd_args(&[b"CONFIG", b"SET", name, value]), b"+OK\r\n");
        let got = c.cmd_args(&[b"CONFIG", b"GET", name]);
        assert!(got.ends_with(&[shown, b"\r\n"].concat()), "{}", show(&got));
    }
    assert_eq!(
        c.cmd_args(&[b"LATENCY", b"GRAPH", b"\x00bin"]),
        b"-ERR No samples available for event ''\r\n"
    );
}
