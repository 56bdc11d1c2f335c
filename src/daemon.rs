//! Start-up as a service, like Redis: `daemonize` (fork into the background), the PID file,
//! and `supervised` (telling upstart or systemd when the server is ready and when it stops).

use std::sync::atomic::{AtomicBool, Ordering};

use crate::config::Config;

/// Where the PID file goes when `daemonize` is on and `pidfile` is not set.
pub const DEFAULT_PID_FILE: &str = "/var/run/redis.pid";

/// Set once supervision by systemd is established: status messages go to `NOTIFY_SOCKET`.
static SYSTEMD: AtomicBool = AtomicBool::new(false);

/// Redis's `redisIsSupervised`: resolves `supervised auto` from the environment, sets up
/// upstart (stops itself with SIGSTOP to signal readiness) or systemd supervision, and says
/// whether the server is supervised (then it never daemonizes).
pub fn supervise(config: &Config) -> bool {
    let mut mode = config.val("supervised");
    if mode == "auto" {
        if std::env::var_os("UPSTART_JOB").is_some() {
            log::debug!("Upstart supervision detected.");
            mode = "upstart";
        } else if std::env::var_os("NOTIFY_SOCKET").is_some() {
            log::debug!("Systemd supervision detected.");
            mode = "systemd";
        }
    }
    match mode {
        "upstart" => {
            if std::env::var_os("UPSTART_JOB").is_none() {
                log::warn!("upstart supervision requested, but UPSTART_JOB not found!");
                return false;
            }
            log::info!("supervised by upstart, will stop to signal readiness.");
            // SAFETY: raise has no preconditions; SIGSTOP stops the process until SIGCONT.
            unsafe {
                libc::raise(libc::SIGSTOP);
            }
            // SAFETY: single-threaded at start-up, so nothing reads the environment meanwhile.
            unsafe { std::env::remove_var("UPSTART_JOB") };
            true
        }
        "systemd" if notify_systemd("STATUS=Redis is loading...\n") => {
            SYSTEMD.store(true, Ordering::Relaxed);
            log::info!(
                "Supervised by systemd. Please make sure you set appropriate values for TimeoutStartSec and TimeoutStopSec in your service unit."
            );
            true
        }
        _ => false,
    }
}

/// Whether `daemonize yes` asks for the background (a supervised server stays in front).
pub fn wants_background(config: &Config, supervised: bool) -> bool {
    config.val("daemonize") == "yes" && !supervised
}

/// Redis's `daemonize`: the parent exits, the child starts a new session with its standard
/// input and outputs on /dev/null (so logging to stdout, with no `logfile`, goes nowhere).
/// Must run before any thread is started.
pub fn daemonize() {
    // SAFETY: called while the process has one thread; the parent only exits.
    unsafe {
        match libc::fork() {
            0 => {}
            -1 => {
                log::warn!(
                    "Can't fork into the background: {}",
                    std::io::Error::last_os_error()
                );
                return;
            }
            _ => libc::_exit(0),
        }
        libc::setsid();
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR, 0);
        if fd != -1 {
            libc::dup2(fd, libc::STDIN_FILENO);
            libc::dup2(fd, libc::STDOUT_FILENO);
            libc::dup2(fd, libc::STDERR_FILENO);
            if fd > libc::STDERR_FILENO {
                libc::close(fd);
            }
        }
    }
}

/// The PID file to write, if any: `pidfile`, or [`DEFAULT_PID_FILE`] for a daemon without one.
pub fn pid_file(config: &Config, background: bool) -> Option<String> {
    let path = config.val("pidfile");
    match (path.is_empty(), background) {
        (false, _) => Some(path.to_string()),
        (true, true) => Some(DEFAULT_PID_FILE.to_string()),
        (true, false) => None,
    }
}

/// Writes the PID file, best effort as Redis does.
pub fn write_pid_file(path: &str) {
    if let Err(e) = std::fs::write(path, format!("{}\n", std::process::id())) {
        log::warn!("Failed to write PID file: {e}");
    }
}

/// Sends a status line to systemd when it supervises the server.
pub fn notify(msg: &str) {
    if SYSTEMD.load(Ordering::Relaxed) {
        notify_systemd(msg);
    }
}

/// `sd_notify`: one datagram to the unix socket named by `NOTIFY_SOCKET` (a leading `@` names
/// an abstract socket). False, logged, when there is no socket or the send fails.
fn notify_systemd(msg: &str) -> bool {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        log::warn!("systemd supervision error: NOTIFY_SOCKET not found!");
        return false;
    };
    let path = path.to_string_lossy().into_owned();
    let addr = match path.strip_prefix('@') {
        Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
        None => SocketAddr::from_pathname(&path),
    };
    let sent = addr.and_then(|addr| UnixDatagram::unbound()?.send_to_addr(msg.as_bytes(), &addr));
    match sent {
        Ok(_) => true,
        Err(e) => {
            log::warn!("systemd supervision error: sd_notify: {e}");
            false
        }
    }
}
