//! The ferrokv process: command line, signals, logging.
mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

#[test]
fn version_and_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrokv"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.starts_with("ferrokv v=") && s.contains("7.0.15"), "{s}");
    let out = Command::new(env!("CARGO_BIN_EXE_ferrokv"))
        .arg("-h")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Usage: ./ferrokv [/path/to/redis.conf]")
    );
}

fn signal(pid: u32, sig: &str) {
    let st = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn sigterm_and_sigint_shut_down_cleanly() {
    for sig in ["-TERM", "-INT"] {
        let mut srv = Server::start(&[]);
        let mut c = srv.connect();
        assert_eq!(c.cmd("PING"), b"+PONG\r\n");
        signal(srv.pid(), sig);
        let st = srv.wait_exit(Duration::from_secs(5)).expect("exited");
        assert!(st.success(), "{sig}: {st:?}");
    }
}

#[test]
fn logfile_and_loglevel() {
    let dir = std::env::temp_dir().join(format!("ferrokv-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("server.log");
    let log_s = log.to_str().unwrap();
    let mut srv = Server::start(&[
        "--logfile",
        log_s,
        "--loglevel",
        "verbose",
        "--enable-debug-command",
        "yes",
    ]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("DEBUG LOG hello-from-test"), b"+OK\r\n");
    signal(srv.pid(), "-TERM");
    srv.wait_exit(Duration::from_secs(5)).expect("exited");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("# DEBUG LOG: hello-from-test"), "{text}");
    assert!(text.contains("Ready to accept connections"), "{text}");
    // Redis's line format: pid:role day month year time level-mark message.
    let line = text.lines().next().unwrap();
    let mut parts = line.split(' ');
    let pid_role = parts.next().unwrap();
    assert!(pid_role.ends_with(":M"), "{line}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn idle_timeout_closes_clients() {
    let srv = Server::start(&["--timeout", "1"]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    let t = std::time::Instant::now();
    assert_eq!(c.read_to_close(), b"");
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
}

#[test]
fn fatal_signal_leaves_a_crash_report() {
    let dir = std::env::temp_dir().join(format!("ferrokv-crash-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.txt");
    let mut srv = Server::start(&["--logfile", log.to_str().unwrap()]);
    assert_eq!(srv.connect().cmd("PING"), b"+PONG\r\n");
    let pid = srv.pid().to_string();
    std::process::Command::new("kill")
        .args(["-ABRT", &pid])
        .status()
        .unwrap();
    let status = srv.wait_exit(std::time::Duration::from_secs(10)).unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(6));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("crashed by signal: 6"), "{text}");
    assert!(text.contains("------ STACK TRACE ------"), "{text}");
    assert!(text.contains("=== FERROKV BUG REPORT END."), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn start_up_banner() {
    let dir = std::env::temp_dir().join(format!("ferrokv-banner-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for logo in ["yes", "no"] {
        let log = dir.join(format!("log-{logo}.txt"));
        let srv = Server::start(&[
            "--logfile",
            log.to_str().unwrap(),
            "--always-show-logo",
            logo,
        ]);
        assert_eq!(srv.connect().cmd("PING"), b"+PONG\r\n");
        let text = std::fs::read_to_string(&log).unwrap();
        let port = srv.port;
        assert!(text.contains("# Configuration loaded\n"), "{text}");
        if logo == "yes" {
            assert!(text.contains(&format!(" PID: {}\n", srv.pid())), "{text}");
            assert!(text.contains(&format!(" Port: {port}\n")), "{text}");
        } else {
            assert!(
                text.contains(&format!("* Running mode=standalone, port={port}.\n")),
                "{text}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn oom_score_adj_follows_the_config() {
    let srv = Server::start(&[]);
    let path = format!("/proc/{}/oom_score_adj", srv.pid());
    let read = || std::fs::read_to_string(&path).unwrap().trim().to_string();
    std::fs::write(&path, "22\n").unwrap();
    let mut c = srv.connect();
    // Off: the values do not touch the process.
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"oom-score-adj-values", b"9 10 11"]),
        b"+OK\r\n"
    );
    assert_eq!(read(), "22");
    // Relative to the score found when turned on; `relative` shows as `yes`.
    assert_eq!(c.cmd("CONFIG SET oom-score-adj relative"), b"+OK\r\n");
    assert_eq!(read(), "31");
    assert_eq!(
        c.cmd("CONFIG GET oom-score-adj"),
        b"*2\r\n$13\r\noom-score-adj\r\n$3\r\nyes\r\n"
    );
    assert_eq!(c.cmd("CONFIG SET oom-score-adj absolute"), b"+OK\r\n");
    assert_eq!(read(), "9");
    // Off again: the first score comes back.
    assert_eq!(c.cmd("CONFIG SET oom-score-adj no"), b"+OK\r\n");
    assert_eq!(read(), "22");
    assert_eq!(
        c.cmd_args(&[b"CONFIG", b"SET", b"oom-score-adj-values", b"-2001 0 0"]),
        b"-ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000.\r\n"
    );
}

#[test]
fn shutdown_abort_cancels_a_signal() {
    let dir = std::env::temp_dir().join(format!("ferrokv-abort-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("log.txt");
    let mut srv = Server::start(&[
        "--logfile",
        log.to_str().unwrap(),
        "--enable-debug-command",
        "yes",
    ]);
    let mut c = srv.connect();
    assert_eq!(
        c.cmd("SHUTDOWN ABORT"),
        b"-ERR No shutdown in progress.\r\n"
    );
    // With the cron paused the signal's shutdown waits, and SHUTDOWN ABORT drops it.
    assert_eq!(c.cmd("DEBUG PAUSE-CRON 1"), b"+OK\r\n");
    let pid = srv.pid().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(c.cmd("SHUTDOWN ABORT"), b"+OK\r\n");
    assert_eq!(c.cmd("DEBUG PAUSE-CRON 0"), b"+OK\r\n");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("* Shutdown manually aborted.\n"), "{text}");
    // Without the abort the next cron shuts down.
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(srv.wait_exit(Duration::from_secs(10)).is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ferrokv-process-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The ferrokv command on `port` of 127.0.0.1, saving nothing, for a test to add to.
fn ferrokv_on(port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferrokv"));
    cmd.args([
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
    ]);
    cmd
}

/// Polls `f` every 20 ms for up to 5 s.
fn eventually<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..250 {
        if let Some(v) = f() {
            return Some(v);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn daemonize_forks_into_the_background_with_a_pid_file() {
    let dir = scratch("daemon");
    let pidfile = dir.join("ferrokv.pid");
    let log = dir.join("ferrokv.log");
    let port = free_port();
    // The command returns at once: its parent process exits, the server goes on.
    let status = ferrokv_on(port)
        .args(["--daemonize", "yes", "--dir", dir.to_str().unwrap()])
        .args(["--pidfile", pidfile.to_str().unwrap()])
        .args(["--logfile", log.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let pid: u32 = eventually(|| std::fs::read_to_string(&pidfile).ok()?.trim().parse().ok())
        .expect("pid file");
    let mut c = eventually(|| std::net::TcpStream::connect(("127.0.0.1", port)).ok())
        .map(|_| Conn::new(port))
        .expect("daemon listening");
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    // The daemon is its own session leader, in the pid file, and says so in INFO.
    let info = String::from_utf8_lossy(&c.cmd("INFO server")).into_owned();
    assert!(info.contains(&format!("process_id:{pid}\r\n")), "{info}");
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit(") ").next().unwrap().split(' ').collect();
    assert_eq!(fields[3], pid.to_string(), "session id of {stat}");
    assert_eq!(
        c.cmd("CONFIG GET daemonize"),
        b"*2\r\n$9\r\ndaemonize\r\n$3\r\nyes\r\n"
    );
    // SHUTDOWN stops it and removes the pid file.
    c.send(b"SHUTDOWN NOSAVE\r\n");
    assert_eq!(c.read_to_close(), b"");
    assert!(
        eventually(|| (!std::path::Path::new(&format!("/proc/{pid}")).exists()).then_some(()))
            .is_some()
    );
    assert!(!pidfile.exists());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("Ready to accept connections"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn supervised_systemd_reports_readiness_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let dir = scratch("systemd");
    let sock_path = dir.join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let port = free_port();
    // daemonize is ignored under a supervisor: the server stays in the foreground.
    let mut child = ferrokv_on(port)
        .args(["--supervised", "systemd", "--daemonize", "yes"])
        .env("NOTIFY_SOCKET", &sock_path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let recv = || {
        let mut buf = [0u8; 256];
        let n = sock.recv(&mut buf).expect("a notification");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    assert_eq!(recv(), "STATUS=Redis is loading...\n");
    assert_eq!(recv(), "STATUS=Ready to accept connections\n");
    assert_eq!(recv(), "READY=1\n");
    let mut c = Conn::new(port);
    c.send(b"SHUTDOWN NOSAVE\r\n");
    assert_eq!(recv(), "STOPPING=1\n");
    assert_eq!(c.read_to_close(), b"");
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}
