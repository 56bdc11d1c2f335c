//! Persistence (Redis's `rdb.c`, `aof.c` and the save half of `server.c`): RDB snapshots
//! written in the foreground (SAVE, SHUTDOWN) or by a forked child (BGSAVE, save points),
//! loading at start-up, and the append-only file.
//!
//! - [`rdb`]: the RDB v10 format (writer and loader); [`blobs`]: listpack/ziplist/intset;
//!   [`lzf`] and [`crc64`]: the compression and checksum RDB files use.
//! - [`aof`]: the multi-part AOF of Redis 7.0 (manifest, RDB base, RESP increments);
//!   [`aof_load`]: replaying it at start-up; [`propagate`]: how commands are written to it.
//! - This file: the [`Persistence`] state kept in `ServerState`, [`Settings`] (the directives
//!   read here), save points, the fork/reap cycle and start-up/shutdown.

pub mod aof;
pub mod aof_load;
pub mod blobs;
pub mod crc64;
pub mod lzf;
pub mod propagate;
pub mod rdb;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::config::Config;
use crate::server::ServerState;

/// Redis's hidden `rdb-key-save-delay` (microseconds slept per key saved), for tests that
/// need a save to take a while. Set from the config by [`Settings::from_config`].
static KEY_SAVE_DELAY_US: AtomicU64 = AtomicU64::new(0);

/// A failure already reported in the log (the caller only decides what to do next).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged;

/// Redis's `CONFIG_BGSAVE_RETRY_DELAY`: seconds before a failed BGSAVE is retried.
const BGSAVE_RETRY_DELAY: i64 = 5;

/// `appendfsync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fsync {
    Always,
    EverySec,
    No,
}

/// The persistence directives this module reads besides `dir`, `dbfilename`, `save` and
/// `appendonly` (which live in [`Config`]).
#[derive(Clone, Debug)]
pub struct Settings {
    pub appendfsync: Fsync,
    pub appenddirname: String,
    pub appendfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    /// `auto-aof-rewrite-percentage` (0 disables) and `auto-aof-rewrite-min-size`.
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size: u64,
}

impl Settings {
    /// The one place these are read from the configuration.
    pub fn from_config(c: &Config) -> Settings {
        KEY_SAVE_DELAY_US.store(c.rdb_key_save_delay.max(0) as u64, Relaxed);
        Settings {
            appendfsync: match c.appendfsync.as_str() {
                "always" => Fsync::Always,
                "no" => Fsync::No,
                _ => Fsync::EverySec,
            },
            appenddirname: c.appenddirname.clone(),
            appendfilename: c.appendfilename.clone(),
            rdbcompression: c.rdbcompression,
            rdbchecksum: c.rdbchecksum,
            aof_load_truncated: c.aof_load_truncated,
            aof_use_rdb_preamble: c.aof_use_rdb_preamble,
            auto_aof_rewrite_percentage: c.auto_aof_rewrite_percentage,
            auto_aof_rewrite_min_size: c.auto_aof_rewrite_min_size,
        }
    }
}

/// Which kind of child is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildKind {
    Rdb,
    Aof,
}

/// Persistence state. INFO persistence reads these fields.
#[derive(Debug)]
pub struct Persistence {
    /// Unix seconds of the last successful save (`rdb_last_save_time`, LASTSAVE).
    pub lastsave: i64,
    /// Unix seconds of the last BGSAVE attempt.
    pub lastbgsave_try: i64,
    /// `rdb_last_bgsave_status`: true = ok.
    pub lastbgsave_ok: bool,
    /// `rdb_last_bgsave_time_sec` (-1 before the first).
    pub last_bgsave_time_sec: i64,
    /// Start of the running child (ms), for `rdb_current_bgsave_time_sec` /
    /// `aof_current_rewrite_time_sec`.
    pub child_start_ms: i64,
    /// The running child, if any (`rdb_bgsave_in_progress` / `aof_rewrite_in_progress`).
    pub child: Option<(libc::pid_t, ChildKind)>,
    /// `stats.dirty` when the running BGSAVE started.
    pub dirty_before_bgsave: u64,
    /// BGSAVE SCHEDULE waiting for the running child.
    pub bgsave_scheduled: bool,
    /// `rdb_saves`: successful and attempted saves.
    pub rdb_saves: u64,
    /// `rdb_last_load_keys_loaded`, `rdb_last_load_keys_expired`.
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// The append-only file, when `appendonly yes`.
    pub aof: aof::AofState,
    /// `aof_rewrite_scheduled`.
    pub aof_rewrite_scheduled: bool,
    /// `aof_last_bgrewrite_status`: true = ok.
    pub aof_last_bgrewrite_ok: bool,
    /// `aof_last_rewrite_time_sec` (-1 before the first).
    pub aof_last_rewrite_time_sec: i64,
    /// `aof_rewrites`.
    pub aof_rewrites: u64,
}

impl Default for Persistence {
    fn default() -> Self {
        Persistence {
            lastsave: crate::util::now_ms() / 1000,
            lastbgsave_try: 0,
            lastbgsave_ok: true,
            last_bgsave_time_sec: -1,
            child_start_ms: 0,
            child: None,
            dirty_before_bgsave: 0,
            bgsave_scheduled: false,
            rdb_saves: 0,
            last_load_keys_loaded: 0,
            last_load_keys_expired: 0,
            aof: aof::AofState::default(),
            aof_rewrite_scheduled: false,
            aof_last_bgrewrite_ok: true,
            aof_last_rewrite_time_sec: -1,
            aof_rewrites: 0,
        }
    }
}

impl Persistence {
    pub fn rdb_child(&self) -> bool {
        matches!(self.child, Some((_, ChildKind::Rdb)))
    }

    pub fn aof_child(&self) -> bool {
        matches!(self.child, Some((_, ChildKind::Aof)))
    }
}

/// `save` parsed into `(seconds, changes)` points (`save ""` gives none).
pub fn save_points(save: &str) -> Vec<(i64, u64)> {
    let w: Vec<&str> = save.split_whitespace().collect();
    w.chunks(2)
        .filter_map(|p| Some((p.first()?.parse().ok()?, p.get(1)?.parse().ok()?)))
        .collect()
}

/// The RDB file path.
pub fn rdb_path(srv: &ServerState) -> PathBuf {
    PathBuf::from(&srv.config.dir).join(&srv.config.dbfilename)
}

fn write_options(srv: &ServerState, aof_base: bool) -> rdb::WriteOptions {
    let s = Settings::from_config(&srv.config);
    rdb::WriteOptions {
        compression: s.rdbcompression,
        checksum: s.rdbchecksum,
        aof_base,
        key_delay_us: KEY_SAVE_DELAY_US.load(Relaxed),
    }
}

/// Writes the dataset to `path` through `temp-<pid>.rdb` in the same directory, fsyncs and
/// renames it into place (Redis's `rdbSave` minus the bookkeeping).
pub fn write_rdb_file(
    srv: &ServerState,
    path: &std::path::Path,
    aof_base: bool,
) -> Result<(), String> {
    let dir = path
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."));
    let tmp_name = format!("temp-{}.rdb", std::process::id());
    let tmp = dir.join(&tmp_name);
    let f = std::fs::File::create(&tmp).map_err(|e| {
        format!(
            "Failed opening the temp RDB file {tmp_name} (in server root dir {}) for saving: {}",
            srv.config.dir,
            strerror(&e)
        )
    })?;
    let opts = write_options(srv, aof_base);
    let res = rdb::write(
        std::io::BufWriter::with_capacity(64 * 1024, f),
        &srv.dbs,
        opts,
        crate::util::now_ms(),
    )
    .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
    .and_then(|f| f.sync_all());
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("Write error saving DB on disk: {}", strerror(&e)));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "Error moving temp DB file {tmp_name} on the final destination {} (in server root dir {}): {}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            srv.config.dir,
            strerror(&e)
        ));
    }
    Ok(())
}

/// An I/O error as C's `strerror` words it (no "(os error N)" suffix).
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// SAVE: a foreground save. On success the dirty counter restarts and LASTSAVE moves.
pub fn save(srv: &mut ServerState) -> Result<(), Logged> {
    srv.persist.rdb_saves += 1;
    let path = rdb_path(srv);
    match write_rdb_file(srv, &path, false) {
        Ok(()) => {
            log::info!("DB saved on disk");
            srv.stats.dirty = 0;
            srv.persist.lastsave = crate::util::now_ms() / 1000;
            srv.persist.lastbgsave_ok = true;
            Ok(())
        }
        Err(e) => {
            log::warn!("{e}");
            Err(Logged)
        }
    }
}

/// `fork()`, timed for INFO's `latest_fork_usec`/`total_forks` and LATENCY's `fork` event.
pub fn fork(srv: &mut ServerState) -> libc::pid_t {
    let start = std::time::Instant::now();
    // SAFETY: ferrokv is single-threaded; every child only writes its file and `_exit`s.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let _ = crate::oom::apply(&srv.config, crate::oom::BGCHILD);
    }
    if pid > 0 {
        let us = start.elapsed().as_micros() as u64;
        srv.stats.latest_fork_usec = us;
        srv.stats.total_forks += 1;
        let threshold = srv.config.latency_monitor_threshold;
        srv.latency_monitor
            .add_if_needed(threshold, "fork", us / 1000);
    }
    pid
}

/// Starts a BGSAVE child. Err when fork fails.
pub fn bgsave(srv: &mut ServerState) -> Result<(), Logged> {
    let now_ms = crate::util::now_ms();
    srv.persist.dirty_before_bgsave = srv.stats.dirty;
    srv.persist.lastbgsave_try = now_ms / 1000;
    srv.persist.rdb_saves += 1;
    let path = rdb_path(srv);
    let pid = fork(srv);
    if pid == 0 {
        close_sockets_in_child();
        let code = match write_rdb_file(srv, &path, false) {
            Ok(()) => {
                log::info!("DB saved on disk");
                0
            }
            Err(e) => {
                log::warn!("{e}");
                1
            }
        };
        // SAFETY: terminate the child without running the parent's destructors or atexit.
        unsafe { libc::_exit(code) };
    }
    if pid < 0 {
        srv.persist.lastbgsave_ok = false;
        log::warn!(
            "Can't save in background: fork: {}",
            std::io::Error::last_os_error()
        );
        return Err(Logged);
    }
    log::info!("Background saving started by pid {pid}");
    srv.persist.child = Some((pid, ChildKind::Rdb));
    crate::db::dict::set_resize_allowed(false);
    srv.persist.child_start_ms = now_ms;
    Ok(())
}

/// In a forked child: close inherited sockets (listeners, clients) so a long save never keeps
/// the port bound or a connection open after the parent is gone.
pub fn close_sockets_in_child() {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|&fd| fd > 2)
        .collect();
    for fd in fds {
        // SAFETY: fstat/close on descriptors of this (child) process only.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFSOCK {
                libc::close(fd);
            }
        }
    }
}

/// Kills the running child (SHUTDOWN, FLUSHALL) and removes its temp file.
pub fn kill_child(srv: &mut ServerState) {
    let Some((pid, kind)) = srv.persist.child.take() else {
        return;
    };
    match kind {
        ChildKind::Rdb => log::warn!("There is a child saving an .rdb. Killing it!"),
        ChildKind::Aof => log::warn!("There is a child rewriting the AOF. Killing it!"),
    }
    // SAFETY: signalling and reaping our own child.
    unsafe {
        libc::kill(pid, libc::SIGUSR1);
        let mut st = 0;
        libc::waitpid(pid, &mut st, 0);
    }
    let dir = PathBuf::from(&srv.config.dir);
    let _ = std::fs::remove_file(dir.join(format!("temp-{pid}.rdb")));
    if kind == ChildKind::Aof {
        aof::rewrite_aborted(srv, pid);
    }
}

/// Periodic work from the event loop's cron: reap a finished child, start scheduled or
/// save-point BGSAVEs, fsync the AOF every second.
pub fn cron(srv: &mut ServerState) {
    let now_ms = crate::util::now_ms();
    let now = now_ms / 1000;
    if let Some((pid, kind)) = srv.persist.child {
        let mut st = 0;
        // SAFETY: non-blocking reap of our own child.
        let r = unsafe { libc::waitpid(pid, &mut st, libc::WNOHANG) };
        if r == pid || r < 0 {
            srv.persist.child = None;
            let ok = r == pid && libc::WIFEXITED(st) && libc::WEXITSTATUS(st) == 0;
            let by_signal = r == pid && libc::WIFSIGNALED(st);
            let secs = (now_ms - srv.persist.child_start_ms) / 1000;
            match kind {
                ChildKind::Rdb => {
                    srv.persist.last_bgsave_time_sec = secs;
                    if ok {
                        log::info!("Background saving terminated with success");
                        srv.stats.dirty = srv
                            .stats
                            .dirty
                            .saturating_sub(srv.persist.dirty_before_bgsave);
                        srv.persist.lastsave = now;
                        srv.persist.lastbgsave_ok = true;
                    } else if by_signal {
                        let sig = libc::WTERMSIG(st);
                        log::warn!("Background saving terminated by signal {sig}");
                        let _ = std::fs::remove_file(
                            PathBuf::from(&srv.config.dir).join(format!("temp-{pid}.rdb")),
                        );
                        srv.persist.lastbgsave_ok = sig == libc::SIGUSR1;
                    } else {
                        log::warn!("Background saving error");
                        srv.persist.lastbgsave_ok = false;
                    }
                }
                ChildKind::Aof => {
                    srv.persist.aof_last_rewrite_time_sec = secs;
                    aof::rewrite_done(srv, pid, ok);
                }
            }
        }
    }
    if srv.persist.child.is_none() {
        let retry_ok =
            now - srv.persist.lastbgsave_try > BGSAVE_RETRY_DELAY || srv.persist.lastbgsave_ok;
        if srv.persist.bgsave_scheduled && retry_ok {
            srv.persist.bgsave_scheduled = false;
            let _ = bgsave(srv);
        } else if srv.persist.aof_rewrite_scheduled {
            srv.persist.aof_rewrite_scheduled = false;
            let _ = aof::rewrite_background(srv);
        } else if retry_ok {
            for (secs, changes) in save_points(&srv.config.save) {
                if srv.stats.dirty >= changes && now - srv.persist.lastsave > secs {
                    log::info!("{changes} changes in {secs} seconds. Saving...");
                    let _ = bgsave(srv);
                    break;
                }
            }
        }
    }
    aof::cron(srv, now_ms);
    // Tables do not resize while a child shares the parent's pages (Redis's
    // updateDictResizePolicy).
    crate::db::dict::set_resize_allowed(srv.persist.child.is_none());
}

/// The MISCONF error that refuses writes (and PING) while persisting fails, as Redis's
/// `writeCommandsDeniedByDiskError`: the last BGSAVE failed under
/// `stop-writes-on-bgsave-error` with save points set, or the last AOF write failed.
pub fn disk_error(srv: &ServerState) -> Option<Vec<u8>> {
    let p = &srv.persist;
    if srv.config.stop_writes_on_bgsave_error
        && !p.lastbgsave_ok
        && !save_points(&srv.config.save).is_empty()
    {
        return Some(b"MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.".to_vec());
    }
    if p.aof.enabled && !p.aof.last_write_ok {
        return Some(
            format!(
                "MISCONF Errors writing to the AOF file: {}",
                p.aof.last_write_error
            )
            .into_bytes(),
        );
    }
    None
}

/// Flags of SHUTDOWN.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShutdownFlags {
    pub nosave: bool,
    pub save: bool,
    pub force: bool,
}

/// Redis's `prepareForShutdown`: kill children, flush the AOF, save the final snapshot when
/// save points are configured (or SAVE was given). Err when the save failed and FORCE was not
/// given: the server keeps running.
pub fn prepare_shutdown(srv: &mut ServerState, f: ShutdownFlags) -> Result<(), Logged> {
    log::warn!("User requested shutdown...");
    crate::daemon::notify("STOPPING=1\n");
    kill_child(srv);
    aof::flush_for_shutdown(srv);
    if (!save_points(&srv.config.save).is_empty() && !f.nosave) || f.save {
        log::info!("Saving the final RDB snapshot before exiting.");
        crate::daemon::notify("STATUS=Saving the final RDB snapshot\n");
        if save(srv).is_err() {
            if f.force {
                log::warn!("Error trying to save the DB. Exit anyway.");
            } else {
                log::warn!("Error trying to save the DB, can't exit.");
                crate::daemon::notify("STATUS=Error trying to save the DB, can't exit.\n");
                log::warn!(
                    "Errors trying to shut down the server. Check the logs for more information."
                );
                return Err(Logged);
            }
        }
    }
    let _ = std::io::stdout().flush();
    Ok(())
}

/// SIGTERM/SIGINT: shut down as SHUTDOWN with the flags of `shutdown-on-sigterm` or
/// `shutdown-on-sigint` does. Returns whether to exit; when the final save fails the server
/// keeps running, as Redis does (unless `force`).
pub fn signal_shutdown(srv: &mut ServerState, sig: &str) -> bool {
    log::debug!("{sig}: preparing shutdown");
    let directive = if sig == "SIGINT" {
        "shutdown-on-sigint"
    } else {
        "shutdown-on-sigterm"
    };
    let mut f = ShutdownFlags::default();
    for w in srv.config.val(directive).split(' ') {
        match w {
            "save" => f.save = true,
            "nosave" => f.nosave = true,
            "force" => f.force = true,
            _ => {}
        }
    }
    prepare_shutdown(srv, f).is_ok()
}

/// Start-up: move into `dir` (as Redis's `dir` directive does), then load the AOF when
/// `appendonly yes`, else the RDB file. Err after logging a fatal error (exit 1).
pub fn load_at_startup(srv: &mut ServerState) -> Result<(), Logged> {
    if let Err(e) = std::env::set_current_dir(&srv.config.dir) {
        log::warn!("Can't chdir to '{}': {}", srv.config.dir, strerror(&e));
        return Err(Logged);
    }
    if let Ok(abs) = std::env::current_dir() {
        srv.config.dir = abs.display().to_string();
    }
    let start = std::time::Instant::now();
    if srv.config.appendonly {
        return aof_load::load_at_startup(srv);
    }
    let path = rdb_path(srv);
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            // fopen() succeeds on a directory and the first read fails, as in Redis.
            for l in rdb::LoadError::ShortRead.log_lines() {
                log::warn!("{l}");
            }
            return Err(Logged);
        }
        Err(e) => {
            log::warn!("Fatal error loading the DB: {}. Exiting.", strerror(&e));
            return Err(Logged);
        }
    };
    let info = load_rdb_image(srv, &data, true)?;
    srv.stats.dirty = 0;
    if info.empty_keys_skipped > 0 {
        log::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}, empty keys skipped: {}.",
            info.keys_loaded,
            info.keys_expired,
            info.empty_keys_skipped
        );
    } else {
        log::info!(
            "Done loading RDB, keys loaded: {}, keys expired: {}.",
            info.keys_loaded,
            info.keys_expired
        );
    }
    log::info!(
        "DB loaded from disk: {:.3} seconds",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Loads an RDB image into the (empty) databases, logging like Redis; Err after logging a
/// fatal error.
pub fn load_rdb_image(
    srv: &mut ServerState,
    data: &[u8],
    skip_expired: bool,
) -> Result<rdb::LoadInfo, Logged> {
    let opts = rdb::LoadOptions {
        limits: rdb::ValueLimits::from_config(&srv.config),
        now_ms: crate::util::now_ms(),
        skip_expired,
    };
    match rdb::load(data, &mut srv.dbs, opts) {
        Ok(info) => {
            if let Some(v) = &info.version {
                log::info!("Loading RDB produced by version {v}");
            }
            if let Some(t) = info.ctime {
                log::info!("RDB age {} seconds", (opts.now_ms / 1000 - t).max(0));
            }
            if let Some(m) = info.used_mem {
                log::info!(
                    "RDB memory usage when created {:.2} Mb",
                    m as f64 / (1024.0 * 1024.0)
                );
            }
            srv.persist.last_load_keys_loaded = info.keys_loaded;
            srv.persist.last_load_keys_expired = info.keys_expired;
            Ok(info)
        }
        Err(e) => {
            for l in e.log_lines() {
                log::warn!("{l}");
            }
            Err(Logged)
        }
    }
}

/// The body of INFO's `# Persistence` section (every line after the header, `\r\n`-ended),
/// field for field as Redis 7.0 prints it.
pub fn info_fields(srv: &ServerState) -> String {
    use std::fmt::Write as _;
    let p = &srv.persist;
    let now_ms = crate::util::now_ms();
    let running = |k: ChildKind| match p.child {
        Some((_, c)) if c == k => (now_ms - p.child_start_ms) / 1000,
        _ => -1,
    };
    let st = |ok: bool| if ok { "ok" } else { "err" };
    let mut o = String::new();
    let mut f = |name: &str, v: &dyn std::fmt::Display| {
        let _ = write!(o, "{name}:{v}\r\n");
    };
    f("loading", &0);
    f("async_loading", &0);
    f("current_cow_peak", &0);
    f("current_cow_size", &0);
    f("current_cow_size_age", &0);
    f("current_fork_perc", &"0.00");
    f("current_save_keys_processed", &0);
    f("current_save_keys_total", &0);
    f("rdb_changes_since_last_save", &srv.stats.dirty);
    f("rdb_bgsave_in_progress", &u8::from(p.rdb_child()));
    f("rdb_last_save_time", &p.lastsave);
    f("rdb_last_bgsave_status", &st(p.lastbgsave_ok));
    f("rdb_last_bgsave_time_sec", &p.last_bgsave_time_sec);
    f("rdb_current_bgsave_time_sec", &running(ChildKind::Rdb));
    f("rdb_saves", &p.rdb_saves);
    f("rdb_last_cow_size", &0);
    f("rdb_last_load_keys_expired", &p.last_load_keys_expired);
    f("rdb_last_load_keys_loaded", &p.last_load_keys_loaded);
    f("aof_enabled", &u8::from(p.aof.enabled));
    f("aof_rewrite_in_progress", &u8::from(p.aof_child()));
    f("aof_rewrite_scheduled", &u8::from(p.aof_rewrite_scheduled));
    f("aof_last_rewrite_time_sec", &p.aof_last_rewrite_time_sec);
    f("aof_current_rewrite_time_sec", &running(ChildKind::Aof));
    f("aof_last_bgrewrite_status", &st(p.aof_last_bgrewrite_ok));
    f("aof_rewrites", &p.aof_rewrites);
    f("aof_rewrites_consecutive_failures", &0);
    f("aof_last_write_status", &st(p.aof.last_write_ok));
    f("aof_last_cow_size", &0);
    f("module_fork_in_progress", &0);
    f("module_fork_last_cow_size", &0);
    if p.aof.enabled {
        f("aof_current_size", &p.aof.current_size);
        f("aof_base_size", &p.aof.base_size);
        f("aof_pending_rewrite", &0);
        f("aof_buffer_length", &0);
        f("aof_pending_bio_fsync", &0);
        f("aof_delayed_fsync", &0);
    }
    o
}

/// DEBUG RELOAD's work (for the DEBUG command): save, empty every database, load the file
/// back. Err (already logged) when the save or the load failed.
pub fn debug_reload(srv: &mut ServerState) -> Result<(), Logged> {
    save(srv)?;
    for db in &mut srv.dbs {
        db.clear();
    }
    let data = std::fs::read(rdb_path(srv)).map_err(|e| {
        log::warn!("Failed loading the RDB file: {}", strerror(&e));
        Logged
    })?;
    load_rdb_image(srv, &data, true)?;
    log::info!("DB reloaded by DEBUG RELOAD");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_directives() {
        assert_eq!(save_points("900 1 60 5"), [(900, 1), (60, 5)]);
        assert!(save_points("").is_empty());
    }
}
