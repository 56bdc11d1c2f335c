//! Test support: start the real `ferrokv` binary on a free port and talk RESP to it.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A running server, killed on drop.
pub struct Server {
    pub port: u16,
    child: Child,
    /// The private dir made for a server started without a config file (removed on drop).
    dir: Option<std::path::PathBuf>,
}

/// A port nobody listens on right now, outside the kernel's ephemeral range (so no client
/// socket can hold it) and distinct for every call in this process (so two tests running in
/// parallel never race for the same port).
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = (std::process::id() % 400) * 40;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = (12000 + (base + n) % 20000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Ready means answering (any reply: PONG, NOAUTH, ...): a listening socket alone is not
/// enough on this VM, where a connection made in the first moments of a new listener is now
/// and then reset.
fn answers_ping(mut s: TcpStream) -> bool {
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = [0u8; 1];
    s.write_all(b"PING\r\n").is_ok() && matches!(s.read(&mut buf), Ok(1))
}

impl Server {
    /// Starts ferrokv with `--port <free> --bind 127.0.0.1` plus `extra` arguments.
    pub fn start(extra: &[&str]) -> Server {
        Self::start_with(None, extra)
    }

    /// Like [`Server::start`], with a config file first.
    pub fn start_with(config: Option<&str>, extra: &[&str]) -> Server {
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferrokv"));
            if let Some(c) = config {
                cmd.arg(c);
            }
            // Without a config file, a private dir: no test reads or writes a dump in the
            // checkout (a test's own --dir comes later and wins).
            cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"]);
            let mut dir = None;
            if config.is_none() {
                let d = std::env::temp_dir()
                    .join(format!("ferrokv-test-{}-{port}", std::process::id()));
                let _ = std::fs::create_dir_all(&d);
                cmd.arg("--dir").arg(&d);
                dir = Some(d);
            }
            cmd.args(extra).stdout(Stdio::null()).stderr(Stdio::null());
            let mut child = cmd.spawn().expect("spawn ferrokv");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                // A connect to a free port in the ephemeral range can connect to itself
                // (TCP simultaneous open): only a different local port means a listener.
                if let Ok(s) = TcpStream::connect(("127.0.0.1", port))
                    && s.local_addr().map(|a| a.port()).ok() != Some(port)
                    && answers_ping(s)
                {
                    return Server { port, child, dir };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("ferrokv did not start");
    }

    pub fn connect(&self) -> Conn {
        Conn::new(self.port)
    }

    /// Waits for the process to exit by itself (after SHUTDOWN, a signal, ...).
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(st)) = self.child.try_wait() {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(d) = &self.dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// One client connection speaking raw bytes.
pub struct Conn {
    pub s: TcpStream,
}

/// Encodes a command as a RESP multibulk.
pub fn encode(args: &[&[u8]]) -> Vec<u8> {
    let mut v = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        v.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        v.extend_from_slice(a);
        v.extend_from_slice(b"\r\n");
    }
    v
}

impl Conn {
    pub fn new(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.set_nodelay(true).unwrap();
        Conn { s }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).expect("write");
    }

    /// Sends a command given as words (split on spaces; use [`Conn::cmd_args`] for binary).
    pub fn cmd(&mut self, line: &str) -> Vec<u8> {
        let args: Vec<&[u8]> = line.split(' ').map(|s| s.as_bytes()).collect();
        self.cmd_args(&args)
    }

    pub fn cmd_args(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.send(&encode(args));
        self.read_reply()
    }

    /// Reads exactly one RESP reply (any type, nested), returning its raw bytes.
    pub fn read_reply(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.read_value(&mut out);
        out
    }

    fn read_line(&mut self, out: &mut Vec<u8>) -> Vec<u8> {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        loop {
            let n = loop {
                match self.s.read(&mut b) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r.expect("read"),
                }
            };
            assert!(
                n == 1,
                "connection closed mid-reply; got so far: {:?}",
                String::from_utf8_lossy(out)
            );
            out.push(b[0]);
            line.push(b[0]);
            if line.ends_with(b"\r\n") {
                line.truncate(line.len() - 2);
                return line;
            }
        }
    }

    fn read_exact_into(&mut self, n: usize, out: &mut Vec<u8>) {
        let mut buf = vec![0u8; n];
        self.s.read_exact(&mut buf).expect("read bulk");
        out.extend_from_slice(&buf);
    }

    fn read_value(&mut self, out: &mut Vec<u8>) {
        let line = self.read_line(out);
        let (tag, rest) = (line[0], &line[1..]);
        let n: i64 = std::str::from_utf8(rest)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        match tag {
            b'$' | b'=' | b'!' if n >= 0 => self.read_exact_into(n as usize + 2, out),
            b'*' | b'~' | b'>' if n > 0 => {
                for _ in 0..n {
                    self.read_value(out);
                }
            }
            b'%' | b'|' if n > 0 => {
                for _ in 0..2 * n {
                    self.read_value(out);
                }
            }
            _ => {}
        }
    }

    /// Reads until the server closes the connection (or 5 s pass); returns everything read.
    pub fn read_to_close(&mut self) -> Vec<u8> {
        self.s
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            match self.s.read(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Ok(0) | Err(_) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    }
}

/// Shows bytes readably in assertion failures.
pub fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).replace("\r\n", "\\r\\n")
}

/// The server a test file talks to: ferrokv started here, or — to re-check the recorded
/// expectations — a real Redis whose port is in the environment variable the file names.
pub struct Target {
    _srv: Option<Server>,
    pub port: u16,
}

impl Target {
    pub fn conn(&self) -> Conn {
        Conn::new(self.port)
    }
}

/// Starts the [`Target`] (`oracle_var` unset: ferrokv) and returns it with a connection to a
/// freshly flushed server.
pub fn start_target(oracle_var: &str) -> (Target, Conn) {
    start_target_with(oracle_var, &[])
}

/// [`start_target`] with extra ferrokv arguments (an oracle must have been started alike).
pub fn start_target_with(oracle_var: &str, args: &[&str]) -> (Target, Conn) {
    let target = match std::env::var(oracle_var) {
        Ok(p) => Target {
            _srv: None,
            port: p.parse().expect("oracle port"),
        },
        Err(_) => {
            let srv = Server::start(args);
            Target {
                port: srv.port,
                _srv: Some(srv),
            }
        }
    };
    let mut c = target.conn();
    assert_eq!(c.cmd("FLUSHALL"), b"+OK\r\n");
    (target, c)
}

/// Sends a space-separated command and asserts the exact reply.
#[track_caller]
pub fn check(c: &mut Conn, cmd: &str, want: &[u8]) {
    let got = c.cmd(cmd);
    assert_eq!(show(&got), show(want), "reply to {cmd:?}");
}

/// Like [`check`] with binary (or empty, or space-holding) arguments.
#[track_caller]
pub fn check_args(c: &mut Conn, args: &[&[u8]], want: &[u8]) {
    let got = c.cmd_args(args);
    assert_eq!(show(&got), show(want), "reply to {args:?}");
}

/// An integer field of INFO `section` (e.g. `rdb_changes_since_last_save` of `persistence`).
pub fn info_int(c: &mut Conn, section: &str, field: &str) -> i64 {
    let info = String::from_utf8_lossy(&c.cmd(&format!("INFO {section}"))).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("INFO {section} has no integer {field}"))
}
