//! The append-only file in Redis 7.0's multi-part layout: `dir/appendonlydir/` holds an RDB
//! base (`appendonly.aof.<n>.base.rdb`), RESP increments (`appendonly.aof.<n>.incr.aof`) and
//! the manifest listing them (`appendonly.aof.manifest`).
//!
//! Executed write commands are appended in RESP with relative expiries made absolute as Redis
//! 7.0 propagates them (`SET k v EX 10` → `SET k v PXAT <ms>`, `EXPIRE` → `PEXPIREAT`, ...).
//! BGREWRITEAOF forks a child that writes a new base while the parent appends to a fresh
//! increment. Loading at start-up is in [`super::aof_load`], the propagated forms of
//! commands in [`super::propagate`].

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::propagate::{no_change, translate};
use super::{ChildKind, Fsync, Logged, Settings};
use crate::resp::Args;
use crate::server::ServerState;

/// Files listed in the manifest.
#[derive(Debug, Default, Clone)]
pub struct Manifest {
    /// `(name, seq)` of the base file.
    pub base: Option<(String, u64)>,
    /// `(name, seq)` of the increments, oldest first.
    pub incrs: Vec<(String, u64)>,
}

impl Manifest {
    pub(super) fn parse(text: &str) -> Result<Manifest, String> {
        let mut m = Manifest::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let w: Vec<&str> = line.split_whitespace().collect();
            let (mut name, mut seq, mut ty) = (None, None, None);
            for kv in w.chunks(2) {
                match (kv.first().copied(), kv.get(1).copied()) {
                    (Some("file"), Some(v)) => name = Some(v.trim_matches('"').to_string()),
                    (Some("seq"), Some(v)) => seq = v.parse::<u64>().ok(),
                    (Some("type"), Some(v)) => ty = Some(v.to_string()),
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(ty)) = (name, seq, ty) else {
                return Err("Invalid AOF manifest file format".into());
            };
            match ty.as_str() {
                "b" => m.base = Some((name, seq)),
                "i" => m.incrs.push((name, seq)),
                "h" => {}
                _ => return Err("Unknown AOF file type".into()),
            }
        }
        Ok(m)
    }

    pub(super) fn render(&self) -> String {
        let mut s = String::new();
        if let Some((n, q)) = &self.base {
            s.push_str(&format!("file {n} seq {q} type b\n"));
        }
        for (n, q) in &self.incrs {
            s.push_str(&format!("file {n} seq {q} type i\n"));
        }
        s
    }
}

/// AOF state (INFO persistence's `aof_*` fields read `enabled`, `last_write_ok`,
/// `current_size`, `base_size`).
#[derive(Debug)]
pub struct AofState {
    /// `aof_enabled`.
    pub enabled: bool,
    /// Replaying at start-up: nothing is appended.
    pub loading: bool,
    /// The increment being appended to.
    pub(super) file: Option<File>,
    /// Database of the last SELECT written (`None`: write one before the next command).
    pub(super) selected_db: Option<usize>,
    pub last_fsync_ms: i64,
    /// Writes since the last fsync.
    fsync_pending: bool,
    /// `aof_last_write_status`.
    pub last_write_ok: bool,
    /// `aof_current_size`, `aof_base_size`.
    pub current_size: u64,
    pub base_size: u64,
    /// `aof_current_size` after the last rewrite or load (auto-rewrite growth reference).
    pub rewrite_base_size: u64,
    pub manifest: Manifest,
    /// `appendfsync`, refreshed by the cron.
    pub fsync_policy: Fsync,
    /// Turned on by CONFIG SET: appending to `temp-<name>.incr` until the first rewrite
    /// gives it a base (Redis's `AOF_WAIT_REWRITE`).
    pub wait_rewrite: bool,
    /// Commands propagated this event-loop turn, written by [`before_sleep`] before any reply
    /// goes out (one write per turn, as Redis's `flushAppendOnlyFile`).
    pub(super) pending: Vec<u8>,
    /// DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write of `pending`.
    pub flush_sleep_us: u64,
    /// Why the last failed write failed (for the MISCONF error).
    pub last_write_error: String,
}

impl Default for AofState {
    fn default() -> Self {
        AofState {
            enabled: false,
            loading: false,
            file: None,
            selected_db: None,
            last_fsync_ms: 0,
            fsync_pending: false,
            last_write_ok: true,
            current_size: 0,
            base_size: 0,
            rewrite_base_size: 0,
            manifest: Manifest::default(),
            wait_rewrite: false,
            fsync_policy: Fsync::EverySec,
            pending: Vec::new(),
            flush_sleep_us: 0,
            last_write_error: String::new(),
        }
    }
}

pub(super) fn aof_dir(srv: &ServerState, s: &Settings) -> PathBuf {
    PathBuf::from(&srv.config.dir).join(&s.appenddirname)
}

pub(super) fn base_name(s: &Settings, seq: u64) -> String {
    format!("{}.{seq}.base.rdb", s.appendfilename)
}

pub(super) fn incr_name(s: &Settings, seq: u64) -> String {
    format!("{}.{seq}.incr.aof", s.appendfilename)
}

fn temp_incr_name(s: &Settings) -> String {
    format!("temp-{}.incr", s.appendfilename)
}

pub(super) fn manifest_name(s: &Settings) -> String {
    format!("{}.manifest", s.appendfilename)
}

/// Writes the manifest through a temp file and rename.
pub(super) fn persist_manifest(dir: &Path, s: &Settings, m: &Manifest) -> std::io::Result<()> {
    let tmp = dir.join(format!("temp-{}", manifest_name(s)));
    let mut f = File::create(&tmp)?;
    f.write_all(m.render().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(manifest_name(s)))
}

pub(super) fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// Called after every successful write command: FLUSHALL's snapshot (Redis 7.0 kills a
/// BGSAVE child and saves after FLUSHALL when save points are set), then the command's
/// propagated form joins the execution unit ([`super::propagate::flush`] writes it out).
pub fn propagate(
    srv: &mut ServerState,
    db: usize,
    name: &'static str,
    args: &Args<'_>,
    reply: &[u8],
    now_ms: i64,
) {
    if name == "flushall" {
        if srv.persist.rdb_child() {
            super::kill_child(srv);
        }
        // Redis 7.0.15 saves after emptying, leaving the change counter at 0.
        if !super::save_points(&srv.config.save).is_empty() {
            let _ = super::save(srv);
        }
    }
    if !super::propagate::has_consumer(srv) || no_change(name, args, reply) {
        return;
    }
    if name == "spop" && args.len() == 3 {
        let key = args.get(1);
        let gone = srv.dbs.get(db).is_none_or(|d| d.entry_ref(key).is_none());
        return super::propagate::spop_count(&mut srv.repl.unit, db, key, gone, reply);
    }
    let config = &srv.config;
    let lazy = |n: &str| config.val(n) == "yes";
    srv.repl
        .unit
        .push(db, |buf| translate(buf, name, args, reply, now_ms, &lazy));
}

/// Whether commands are appended to the AOF now. `config.appendonly` off: CONFIG SET turned
/// it off and the cron has yet to close the file.
impl AofState {
    /// Propagated bytes not yet written to the file.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }
}

pub fn accepting(srv: &ServerState) -> bool {
    let aof = &srv.persist.aof;
    aof.enabled && srv.config.appendonly && !aof.loading && aof.file.is_some()
}

/// Writes the commands propagated since the last call (fsyncing under `appendfsync always`).
/// Called by the event loop before it writes replies, and before the AOF file changes.
pub fn before_sleep(srv: &mut ServerState) {
    let aof = &mut srv.persist.aof;
    if aof.pending.is_empty() {
        return;
    }
    if aof.flush_sleep_us > 0 {
        std::thread::sleep(std::time::Duration::from_micros(aof.flush_sleep_us));
    }
    let Some(f) = aof.file.as_mut() else {
        aof.pending.clear();
        return;
    };
    let mut done = 0;
    let res = loop {
        match f.write(&aof.pending[done..]) {
            Ok(0) => break Err(std::io::Error::from(std::io::ErrorKind::WriteZero)),
            Ok(n) => {
                done += n;
                if done == aof.pending.len() {
                    break Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    aof.current_size += done as u64;
    // What was not written stays queued for the next attempt.
    aof.pending.drain(..done);
    match res {
        Ok(()) => {
            if !aof.last_write_ok {
                log::warn!("AOF write error looks solved, Redis can write again.");
            }
            aof.last_write_ok = true;
            if aof.fsync_policy == Fsync::Always {
                let _ = f.sync_data();
            } else {
                aof.fsync_pending = true;
            }
        }
        Err(e) => {
            if aof.last_write_ok {
                log::warn!("Error writing to the AOF file: {}", super::strerror(&e));
            }
            aof.last_write_ok = false;
            aof.last_write_error = super::strerror(&e);
        }
    }
}

/// `appendfsync everysec`: fsync once a second when something was written. Also follows
/// CONFIG SET appendonly: turning it on starts a rewrite (writes go to a temp increment until
/// it ends), turning it off closes the file.
pub fn cron(srv: &mut ServerState, now_ms: i64) {
    let p = &mut srv.persist;
    if srv.config.appendonly && !p.aof.enabled && p.child.is_none() && !p.aof.loading {
        let s = Settings::from_config(&srv.config);
        let dir = aof_dir(srv, &s);
        if let Ok(t) = std::fs::read_to_string(dir.join(manifest_name(&s)))
            && let Ok(m) = Manifest::parse(&t)
        {
            srv.persist.aof.manifest = m;
        }
        srv.persist.aof.enabled = true;
        srv.persist.aof.wait_rewrite = true;
        if rewrite_background(srv).is_err() {
            srv.persist.aof.enabled = false;
            srv.persist.aof.wait_rewrite = false;
            srv.persist.aof.file = None;
        }
    } else if !srv.config.appendonly && srv.persist.aof.enabled {
        if srv.persist.aof_child() {
            super::kill_child(srv);
        }
        before_sleep(srv);
        let aof = &mut srv.persist.aof;
        aof.pending.clear();
        if let Some(f) = aof.file.take() {
            let _ = f.sync_all();
        }
        if aof.wait_rewrite {
            let s = Settings::from_config(&srv.config);
            let _ = std::fs::remove_file(aof_dir(srv, &s).join(temp_incr_name(&s)));
        }
        let aof = &mut srv.persist.aof;
        aof.enabled = false;
        aof.wait_rewrite = false;
        aof.fsync_pending = false;
    }
    before_sleep(srv);
    let s = Settings::from_config(&srv.config);
    let p = &srv.persist;
    if p.aof.enabled
        && !p.aof.wait_rewrite
        && p.child.is_none()
        && s.auto_aof_rewrite_percentage > 0
        && p.aof.current_size > s.auto_aof_rewrite_min_size
        // After a failed rewrite, retry once a minute rather than every tick.
        && (p.aof_last_bgrewrite_ok || now_ms - p.child_start_ms >= 60_000)
    {
        let base = p.aof.rewrite_base_size.max(1);
        let growth = (p.aof.current_size * 100 / base) as i64 - 100;
        if growth >= s.auto_aof_rewrite_percentage as i64 {
            log::info!("Starting automatic rewriting of AOF on {growth}% growth");
            let _ = rewrite_background(srv);
        }
    }
    let aof = &mut srv.persist.aof;
    aof.fsync_policy = s.appendfsync;
    if aof.fsync_pending
        && aof.fsync_policy == Fsync::EverySec
        && now_ms - aof.last_fsync_ms >= 1000
    {
        if let Some(f) = &aof.file {
            let _ = f.sync_data();
        }
        aof.fsync_pending = false;
        aof.last_fsync_ms = now_ms;
    }
}

/// Fsyncs the AOF before exit.
pub fn flush_for_shutdown(srv: &mut ServerState) {
    before_sleep(srv);
    let aof = &mut srv.persist.aof;
    if let Some(f) = &aof.file {
        log::info!("Calling fsync() on the AOF file.");
        let _ = f.sync_all();
        aof.fsync_pending = false;
    }
}

/// Writes the base file synchronously (start-up with no AOF yet).
pub(super) fn create_base_sync(
    srv: &mut ServerState,
    s: &Settings,
    dir: &Path,
    seq: u64,
) -> Result<(), Logged> {
    let name = base_name(s, seq);
    log::info!("Creating AOF base file {name} on server start");
    let path = dir.join(&name);
    if let Err(e) = super::write_rdb_file(srv, &path, true) {
        log::warn!("{e}");
        return Err(Logged);
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    srv.persist.aof.base_size = size;
    srv.persist.aof.current_size = size;
    srv.persist.aof.rewrite_base_size = size;
    srv.persist.aof.manifest.base = Some((name, seq));
    Ok(())
}

/// Opens increment `seq` for appending and adds it to the manifest.
pub(super) fn open_new_incr(
    srv: &mut ServerState,
    s: &Settings,
    dir: &Path,
    seq: u64,
) -> Result<(), Logged> {
    before_sleep(srv);
    let name = incr_name(s, seq);
    let path = dir.join(&name);
    match open_append(&path) {
        Ok(f) => {
            let aof = &mut srv.persist.aof;
            aof.file = Some(f);
            aof.selected_db = None;
            aof.manifest.incrs.push((name, seq));
            Ok(())
        }
        Err(e) => {
            log::warn!("Can't open the append-only file {name}: {e}");
            Err(Logged)
        }
    }
}

/// BGREWRITEAOF: switch appends to a new increment, fork a child that writes the new base.
pub fn rewrite_background(srv: &mut ServerState) -> Result<(), Logged> {
    let s = Settings::from_config(&srv.config);
    let dir = aof_dir(srv, &s);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        log::warn!("Can't create the append-only directory: {e}");
        return Err(Logged);
    }
    if !srv.persist.aof.enabled && srv.persist.aof.manifest.base.is_none() {
        // With AOF off, continue the sequence of a previous manifest if there is one.
        if let Ok(t) = std::fs::read_to_string(dir.join(manifest_name(&s)))
            && let Ok(m) = Manifest::parse(&t)
        {
            srv.persist.aof.manifest = m;
        }
    }
    if srv.persist.aof.wait_rewrite {
        before_sleep(srv);
        let name = temp_incr_name(&s);
        match File::create(dir.join(&name)) {
            Ok(f) => {
                srv.persist.aof.file = Some(f);
                srv.persist.aof.selected_db = None;
            }
            Err(e) => {
                log::warn!("Can't open the append-only file {name}: {e}");
                return Err(Logged);
            }
        }
        log::info!("Creating AOF incr file {name} on background rewrite");
    } else if srv.persist.aof.enabled {
        before_sleep(srv);
        if let Some(f) = &srv.persist.aof.file {
            let _ = f.sync_data();
        }
        let seq = 1 + srv.persist.aof.manifest.incrs.last().map_or(0, |i| i.1);
        open_new_incr(srv, &s, &dir, seq)?;
        log::info!(
            "Creating AOF incr file {} on background rewrite",
            incr_name(&s, seq)
        );
        persist_manifest(&dir, &s, &srv.persist.aof.manifest).map_err(|e| {
            log::warn!("Can't persist the AOF manifest: {e}");
            Logged
        })?;
    }
    let pid = super::fork(srv);
    if pid == 0 {
        super::close_sockets_in_child();
        let me = std::process::id();
        let tmp = PathBuf::from(&srv.config.dir).join(format!("temp-rewriteaof-bg-{me}.aof"));
        let code = match super::write_rdb_file(srv, &tmp, true) {
            Ok(()) => {
                log::info!(
                    "Successfully created the temporary AOF base file temp-rewriteaof-bg-{me}.aof"
                );
                0
            }
            Err(e) => {
                log::warn!("{e}");
                1
            }
        };
        // SAFETY: leave the child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    if pid < 0 {
        log::warn!(
            "Can't rewrite append only file in background: fork: {}",
            std::io::Error::last_os_error()
        );
        srv.persist.aof_last_bgrewrite_ok = false;
        return Err(Logged);
    }
    log::info!("Background append only file rewriting started by pid {pid}");
    srv.persist.child = Some((pid, ChildKind::Aof));
    srv.persist.child_start_ms = crate::util::now_ms();
    Ok(())
}

/// The rewrite child `pid` ended: install its base, drop the history files.
pub fn rewrite_done(srv: &mut ServerState, pid: libc::pid_t, ok: bool) {
    let s = Settings::from_config(&srv.config);
    let dir = aof_dir(srv, &s);
    let tmp = PathBuf::from(&srv.config.dir).join(format!("temp-rewriteaof-bg-{pid}.aof"));
    if !ok {
        log::warn!("Background AOF rewrite terminated with error");
        let _ = std::fs::remove_file(&tmp);
        srv.persist.aof_last_bgrewrite_ok = false;
        if srv.persist.aof.wait_rewrite {
            srv.persist.aof_rewrite_scheduled = true;
        }
        return;
    }
    log::info!("Background AOF rewrite terminated with success");
    let m = &mut srv.persist.aof.manifest;
    let seq = 1 + m.base.as_ref().map_or(0, |b| b.1);
    let name = base_name(&s, seq);
    if let Err(e) = std::fs::rename(&tmp, dir.join(&name)) {
        log::warn!(
            "Error trying to rename the temporary AOF base file temp-rewriteaof-bg-{pid}.aof into {name}: {e}"
        );
        let _ = std::fs::remove_file(&tmp);
        srv.persist.aof_last_bgrewrite_ok = false;
        return;
    }
    log::info!(
        "Successfully renamed the temporary AOF base file temp-rewriteaof-bg-{pid}.aof into {name}"
    );
    let mut history: Vec<String> = Vec::new();
    let keep = if srv.persist.aof.wait_rewrite {
        // The temp increment becomes the next numbered one.
        let iseq = 1 + m.incrs.last().map_or(0, |i| i.1);
        let iname = incr_name(&s, iseq);
        let tname = temp_incr_name(&s);
        if let Err(e) = std::fs::rename(dir.join(&tname), dir.join(&iname)) {
            log::warn!(
                "Error trying to rename the temporary AOF incr file {tname} into {iname}: {e}"
            );
            srv.persist.aof_last_bgrewrite_ok = false;
            return;
        }
        log::info!("Successfully renamed the temporary AOF incr file {tname} into {iname}");
        Some((iname, iseq))
    } else if srv.persist.aof.enabled {
        m.incrs.pop()
    } else {
        None
    };
    history.extend(m.incrs.drain(..).map(|i| i.0));
    history.extend(m.base.take().map(|b| b.0));
    m.base = Some((name.clone(), seq));
    m.incrs.extend(keep);
    if let Err(e) = persist_manifest(&dir, &s, m) {
        log::warn!("Can't persist the AOF manifest: {e}");
        srv.persist.aof_last_bgrewrite_ok = false;
        return;
    }
    for h in history {
        log::info!("Removing the history file {h} in the background");
        let _ = std::fs::remove_file(dir.join(&h));
    }
    let size = |n: &str| std::fs::metadata(dir.join(n)).map_or(0, |m| m.len());
    let base_size = size(&name);
    let incr_size = m.incrs.last().map_or(0, |i| size(&i.0));
    let aof = &mut srv.persist.aof;
    aof.base_size = base_size;
    aof.current_size = base_size + incr_size;
    aof.rewrite_base_size = aof.current_size;
    aof.wait_rewrite = false;
    srv.persist.aof_last_bgrewrite_ok = true;
    srv.persist.aof_rewrites += 1;
    log::info!("Background AOF rewrite finished successfully");
}

/// The rewrite child was killed: remove its temp file.
pub fn rewrite_aborted(srv: &mut ServerState, pid: libc::pid_t) {
    let tmp = PathBuf::from(&srv.config.dir).join(format!("temp-rewriteaof-bg-{pid}.aof"));
    let _ = std::fs::remove_file(tmp);
}
