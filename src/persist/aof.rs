//! The append-only file in Redis 7.0's multi-part layout: `dir/appendonlydir/` holds an RDB
//! base (`appendonly.aof.<n>.base.rdb`), RESP increments (`appendonly.aof.<n>.incr.aof`) and
//! the manifest listing them (`appendonly.aof.manifest`).
//!
//! Executed write commands are appended in RESP with relative expiries made absolute as Redis
//! 7.0 propagates them (`SET k v EX 10` → `SET k v PXAT <ms>`, `EXPIRE` → `PEXPIREAT`, ...).
//! BGREWRITEAOF forks a child that writes a new base while the parent appends to a fresh
//! increment; at start-up the manifest's files are replayed in order.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ChildKind, Fsync, Logged, Settings};
use crate::client::ClientState;
use crate::command::Ctx;
use crate::resp::{Args, Reply};
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
    fn parse(text: &str) -> Result<Manifest, String> {
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

    fn render(&self) -> String {
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
    file: Option<File>,
    /// Database of the last SELECT written (`None`: write one before the next command).
    selected_db: Option<usize>,
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
    pending: Vec<u8>,
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
        }
    }
}

fn aof_dir(srv: &ServerState, s: &Settings) -> PathBuf {
    PathBuf::from(&srv.config.dir).join(&s.appenddirname)
}

fn base_name(s: &Settings, seq: u64) -> String {
    format!("{}.{seq}.base.rdb", s.appendfilename)
}

fn incr_name(s: &Settings, seq: u64) -> String {
    format!("{}.{seq}.incr.aof", s.appendfilename)
}

fn temp_incr_name(s: &Settings) -> String {
    format!("temp-{}.incr", s.appendfilename)
}

fn manifest_name(s: &Settings) -> String {
    format!("{}.manifest", s.appendfilename)
}

/// Writes the manifest through a temp file and rename.
fn persist_manifest(dir: &Path, s: &Settings, m: &Manifest) -> std::io::Result<()> {
    let tmp = dir.join(format!("temp-{}", manifest_name(s)));
    let mut f = File::create(&tmp)?;
    f.write_all(m.render().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(manifest_name(s)))
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

fn push_bulk(out: &mut Vec<u8>, a: &[u8]) {
    out.push(b'$');
    crate::resp::reply::push_int(out, a.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(a);
    out.extend_from_slice(b"\r\n");
}

fn push_cmd(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.push(b'*');
    crate::resp::reply::push_int(out, args.len() as i64);
    out.extend_from_slice(b"\r\n");
    for a in args {
        push_bulk(out, a);
    }
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// The bulk string of a reply (`$3\r\nabc\r\n`), for commands propagated with their result.
fn reply_bulk(reply: &[u8]) -> Option<&[u8]> {
    let rest = reply.strip_prefix(b"$")?;
    let nl = memchr::memchr(b'\n', rest)?;
    let n: usize = std::str::from_utf8(rest.get(..nl.checked_sub(1)?)?)
        .ok()?
        .parse()
        .ok()?;
    rest.get(nl + 1..nl + 1 + n)
}

/// The bulk strings of an array or set reply (`*2\r\n$1\r\na\r\n...`), or of a single bulk.
fn reply_items(reply: &[u8]) -> Option<Vec<&[u8]>> {
    if reply.first() == Some(&b'$') {
        return Some(vec![reply_bulk(reply)?]);
    }
    if !matches!(reply.first(), Some(b'*' | b'~')) {
        return None;
    }
    let nl = memchr::memchr(b'\n', reply)?;
    let n = crate::util::parse_i64(reply.get(1..nl.checked_sub(1)?)?)?;
    let mut rest = reply.get(nl + 1..)?;
    let mut items = Vec::new();
    for _ in 0..n {
        let item = reply_bulk(rest)?;
        let start = item.as_ptr() as usize - rest.as_ptr() as usize;
        items.push(item);
        rest = rest.get(start + item.len() + 2..)?;
    }
    Some(items)
}

/// True when the reply says the command changed nothing, so Redis would not propagate it.
fn no_change(name: &str, args: &Args<'_>, reply: &[u8]) -> bool {
    let nil = reply == b"$-1\r\n" || reply == b"_\r\n" || reply == b"*-1\r\n";
    match name {
        "del" | "unlink" | "expire" | "pexpire" | "expireat" | "pexpireat" | "persist"
        | "hsetnx" | "hdel" | "msetnx" | "setnx" | "renamenx" | "move" | "srem" | "zrem"
        | "sadd" | "lrem" => reply == b":0\r\n",
        "getdel" | "getex" | "lpop" | "rpop" | "spop" | "blpop" | "brpop" | "blmove"
        | "brpoplpush" | "bzpopmin" | "bzpopmax" | "lmove" | "rpoplpush" | "lmpop" | "blmpop"
        | "zmpop" | "bzmpop" => nil,
        "set" => nil && !args.iter_from(3).any(|a| eq(a, "get")),
        _ => false,
    }
}

/// Absolute ms from a relative or absolute expire argument, as the command means it.
fn abs_ms(unit: &[u8], v: &[u8], now_ms: i64) -> Option<i64> {
    let n = crate::util::parse_i64(v)?;
    Some(if eq(unit, "ex") {
        now_ms.checked_add(n.checked_mul(1000)?)?
    } else if eq(unit, "px") {
        now_ms.checked_add(n)?
    } else if eq(unit, "exat") {
        n.checked_mul(1000)?
    } else {
        n
    })
}

/// Builds the RESP form of `args` as Redis 7.0 propagates it into `out`. Returns false when
/// nothing is to be written.
fn translate(out: &mut Vec<u8>, name: &str, args: &Args<'_>, reply: &[u8], now_ms: i64) -> bool {
    let a: Vec<&[u8]> = args.iter_from(0).collect();
    let mut tmp = [0u8; 20];
    let ms = |v: i64, tmp: &mut [u8; 20]| crate::resp::reply::fmt_int(v, tmp).to_vec();
    match name {
        "set" => {
            let mut expire = None;
            let mut relative = false;
            let mut has_get = false;
            let mut cond: Vec<&[u8]> = Vec::new();
            let mut i = 3;
            while i < a.len() {
                let o = a[i];
                if ["ex", "px", "exat", "pxat"].iter().any(|u| eq(o, u)) && i + 1 < a.len() {
                    expire = abs_ms(o, a[i + 1], now_ms);
                    relative = !eq(o, "pxat");
                    i += 2;
                    continue;
                }
                if eq(o, "get") {
                    has_get = true;
                } else if eq(o, "nx") || eq(o, "xx") {
                    cond.push(o);
                }
                i += 1;
            }
            match expire {
                // `SET k v EX 10` goes out as `SET k v PXAT <ms>` (NX/XX kept for safety).
                Some(t) if relative => {
                    let m = ms(t, &mut tmp);
                    let mut v: Vec<&[u8]> = vec![b"SET", a[1], a[2]];
                    v.extend(cond);
                    v.push(b"PXAT");
                    v.push(&m);
                    push_cmd(out, &v);
                }
                _ if has_get => {
                    let v: Vec<&[u8]> = a
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| *i < 3 || !eq(o, "get"))
                        .map(|(_, o)| *o)
                        .collect();
                    push_cmd(out, &v);
                }
                _ => push_cmd(out, &a),
            }
        }
        "setex" | "psetex" => {
            let unit: &[u8] = if name == "setex" { b"ex" } else { b"px" };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            let m = ms(t, &mut tmp);
            push_cmd(out, &[b"SET", a[1], a[3], b"PXAT", &m]);
        }
        "expire" | "pexpire" | "expireat" | "pexpireat" => {
            let unit: &[u8] = match name {
                "expire" => b"ex",
                "pexpire" => b"px",
                "expireat" => b"exat",
                _ => b"pxat",
            };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            if t <= now_ms {
                push_cmd(out, &[b"DEL", a[1]]);
            } else {
                let m = ms(t, &mut tmp);
                push_cmd(out, &[b"PEXPIREAT", a[1], &m]);
            }
        }
        "getex" => {
            let Some(o) = a.get(2) else {
                return false;
            };
            if eq(o, "persist") {
                push_cmd(out, &[b"PERSIST", a[1]]);
            } else {
                let Some(t) = a.get(3).and_then(|v| abs_ms(o, v, now_ms)) else {
                    return false;
                };
                if t <= now_ms {
                    push_cmd(out, &[b"DEL", a[1]]);
                } else {
                    let m = ms(t, &mut tmp);
                    push_cmd(out, &[b"PEXPIREAT", a[1], &m]);
                }
            }
        }
        "getdel" => push_cmd(out, &[b"DEL", a[1]]),
        // Random pops go out as the removal of what was popped.
        "spop" => {
            let Some(members) = reply_items(reply) else {
                return false;
            };
            if members.is_empty() {
                return false;
            }
            let mut v: Vec<&[u8]> = vec![b"SREM", a[1]];
            v.extend(members);
            push_cmd(out, &v);
        }
        // Blocking pops served at once go out as their non-blocking forms.
        "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
            let Some(key) = reply_items(reply).and_then(|r| r.first().copied()) else {
                return false;
            };
            let cmd: &[u8] = match name {
                "blpop" => b"LPOP",
                "brpop" => b"RPOP",
                "bzpopmin" => b"ZPOPMIN",
                _ => b"ZPOPMAX",
            };
            push_cmd(out, &[cmd, key]);
        }
        "brpoplpush" if a.len() == 4 => push_cmd(out, &[b"RPOPLPUSH", a[1], a[2]]),
        "blmove" if a.len() == 6 => push_cmd(out, &[b"LMOVE", a[1], a[2], a[3], a[4]]),
        "incrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"SET", a[1], v, b"KEEPTTL"]);
        }
        "hincrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"HSET", a[1], a[2], v]);
        }
        _ => push_cmd(out, &a),
    }
    true
}

/// Called after every successful write command: FLUSHALL's snapshot (Redis 7.0 kills a
/// BGSAVE child and saves after FLUSHALL when save points are set), then the AOF append.
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
    let aof = &mut srv.persist.aof;
    // `config.appendonly` off: CONFIG SET turned it off and the cron has yet to close the file.
    if !aof.enabled
        || !srv.config.appendonly
        || aof.loading
        || aof.file.is_none()
        || no_change(name, args, reply)
    {
        return;
    }
    let start = aof.pending.len();
    if aof.selected_db != Some(db) {
        let mut tmp = [0u8; 20];
        let d = crate::resp::reply::fmt_int(db as i64, &mut tmp);
        push_cmd(&mut aof.pending, &[b"SELECT", d]);
    }
    if translate(&mut aof.pending, name, args, reply, now_ms) {
        aof.selected_db = Some(db);
    } else {
        aof.pending.truncate(start);
    }
}

/// Writes the commands propagated since the last call (fsyncing under `appendfsync always`).
/// Called by the event loop before it writes replies, and before the AOF file changes.
pub fn before_sleep(srv: &mut ServerState) {
    let aof = &mut srv.persist.aof;
    if aof.pending.is_empty() {
        return;
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
fn create_base_sync(
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
fn open_new_incr(srv: &mut ServerState, s: &Settings, dir: &Path, seq: u64) -> Result<(), Logged> {
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

/// Start-up with `appendonly yes`: replay the manifest's files, or create the first base
/// and increment. Err after logging a fatal error.
pub fn load_at_startup(srv: &mut ServerState) -> Result<(), Logged> {
    let s = Settings::from_config(&srv.config);
    let dir = aof_dir(srv, &s);
    srv.persist.aof.enabled = true;
    srv.persist.aof.fsync_policy = s.appendfsync;
    let mpath = dir.join(manifest_name(&s));
    let text = match std::fs::read_to_string(&mpath) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            log::warn!("Can't open the append-only file manifest: {e}");
            return Err(Logged);
        }
    };
    let legacy = PathBuf::from(&srv.config.dir).join(&s.appendfilename);
    let text = match text {
        None if legacy.is_file() => Some(migrate_legacy(&s, &dir, &legacy)?),
        t => t,
    };
    let start = std::time::Instant::now();
    match text {
        Some(t) => {
            let m = Manifest::parse(&t).map_err(|e| {
                log::warn!("{e}");
                Logged
            })?;
            srv.persist.aof.manifest = m.clone();
            srv.persist.aof.loading = true;
            let res = replay(srv, &s, &dir, &m);
            srv.persist.aof.loading = false;
            res?;
            srv.stats.dirty = 0;
            srv.persist.aof.rewrite_base_size = srv.persist.aof.current_size;
            log::info!(
                "DB loaded from append only file: {:.3} seconds",
                start.elapsed().as_secs_f64()
            );
            let aof = &mut srv.persist.aof;
            match aof.manifest.incrs.last().cloned() {
                Some((name, _)) => match open_append(&dir.join(&name)) {
                    Ok(f) => aof.file = Some(f),
                    Err(e) => {
                        log::warn!("Can't open the append-only file {name}: {e}");
                        return Err(Logged);
                    }
                },
                None => {
                    let seq = 1;
                    log::info!(
                        "Creating AOF incr file {} on server start",
                        incr_name(&s, seq)
                    );
                    open_new_incr(srv, &s, &dir, seq)?;
                    persist_manifest(&dir, &s, &srv.persist.aof.manifest).map_err(|e| {
                        log::warn!("Can't persist the AOF manifest: {e}");
                        Logged
                    })?;
                }
            }
        }
        None => {
            if let Err(e) = std::fs::create_dir_all(&dir) {
                log::warn!("Can't create the append-only directory: {e}");
                return Err(Logged);
            }
            create_base_sync(srv, &s, &dir, 1)?;
            log::info!(
                "Creating AOF incr file {} on server start",
                incr_name(&s, 1)
            );
            open_new_incr(srv, &s, &dir, 1)?;
            persist_manifest(&dir, &s, &srv.persist.aof.manifest).map_err(|e| {
                log::warn!("Can't persist the AOF manifest: {e}");
                Logged
            })?;
        }
    }
    Ok(())
}

/// Moves a Redis < 7.0 single-file AOF (`dir/appendonly.aof`) into the AOF directory as the
/// base of a new manifest, as Redis 7.0 does on start-up. Returns the manifest text.
fn migrate_legacy(s: &Settings, dir: &Path, legacy: &Path) -> Result<String, Logged> {
    let fail = |e: std::io::Error| {
        log::warn!(
            "Error migrating the old-style AOF file: {}",
            super::strerror(&e)
        );
        Logged
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let m = Manifest {
        base: Some((s.appendfilename.clone(), 1)),
        incrs: Vec::new(),
    };
    std::fs::rename(legacy, dir.join(&s.appendfilename)).map_err(fail)?;
    persist_manifest(dir, s, &m).map_err(fail)?;
    log::info!(
        "Successfully migrated an old-style AOF file ({}) into the AOF directory ({}).",
        s.appendfilename,
        s.appenddirname
    );
    Ok(m.render())
}

fn replay(srv: &mut ServerState, s: &Settings, dir: &Path, m: &Manifest) -> Result<(), Logged> {
    let files: Vec<(String, bool)> = m
        .base
        .iter()
        .map(|(n, _)| (n.clone(), true))
        .chain(m.incrs.iter().map(|(n, _)| (n.clone(), false)))
        .collect();
    let count = files.len();
    for (i, (name, is_base)) in files.into_iter().enumerate() {
        let path = dir.join(&name);
        let start = std::time::Instant::now();
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                log::warn!("The AOF file {name} doesn't exist: {e}");
                return Err(Logged);
            }
        };
        let mut pos = 0usize;
        if data.starts_with(b"REDIS") {
            log::info!("Reading RDB base file on AOF loading...");
            let info = super::load_rdb_image(srv, &data, false)?;
            log::info!(
                "Done loading RDB, keys loaded: {}, keys expired: {}.",
                info.keys_loaded,
                info.keys_expired
            );
            pos = info.consumed;
        }
        let last = i + 1 == count;
        match replay_commands(srv, &data, pos) {
            Ok(()) => {}
            Err(ReplayError::Truncated(valid)) if last && s.aof_load_truncated => {
                log::warn!("!!! Warning: short read while loading the AOF file {name}!!!");
                log::warn!("!!! Truncating the AOF {name} at offset {valid} !!!");
                let ok = OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .and_then(|f| f.set_len(valid as u64));
                if let Err(e) = ok {
                    log::warn!("Error truncating the AOF file {name}: {e}");
                    return Err(Logged);
                }
                log::warn!("AOF {name} loaded anyway because aof-load-truncated is enabled");
            }
            Err(ReplayError::Truncated(_)) => {
                log::warn!(
                    "Unexpected end of file reading the append only file {name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
                );
                return Err(Logged);
            }
            Err(ReplayError::Format) => {
                log::warn!(
                    "Bad file format reading the append only file {name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"
                );
                return Err(Logged);
            }
            Err(ReplayError::Unknown(c)) => {
                log::warn!("Unknown command '{c}' reading the append only file {name}");
                return Err(Logged);
            }
        }
        let kind = if is_base { "base" } else { "incr" };
        log::info!(
            "DB loaded from {kind} file {name}: {:.3} seconds",
            start.elapsed().as_secs_f64()
        );
        if is_base {
            srv.persist.aof.base_size = data.len() as u64;
        }
        srv.persist.aof.current_size += std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    }
    Ok(())
}

enum ReplayError {
    /// The file ends inside a command; the offset where the last complete one ended.
    Truncated(usize),
    Format,
    Unknown(String),
}

/// Parses one `*N\r\n` / `$N\r\n` header line starting at `pos`.
fn header(data: &[u8], pos: &mut usize, tag: u8) -> Result<i64, ReplayError> {
    let rest = data.get(*pos..).unwrap_or(&[]);
    let Some(nl) = memchr::memchr(b'\n', rest) else {
        return Err(ReplayError::Truncated(0));
    };
    if rest.first() != Some(&tag) || nl < 2 || rest[nl - 1] != b'\r' {
        return Err(ReplayError::Format);
    }
    let n = crate::util::parse_i64(&rest[1..nl - 1]).ok_or(ReplayError::Format)?;
    *pos += nl + 1;
    Ok(n)
}

/// Runs every RESP command of `data` from `pos` through its handler, as a fake client.
fn replay_commands(srv: &mut ServerState, data: &[u8], mut pos: usize) -> Result<(), ReplayError> {
    let mut client = ClientState::new(0, String::new(), String::new(), -1, 0);
    client.authenticated = true;
    let mut out = Reply::default();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    while pos < data.len() {
        let cmd_start = pos;
        let trunc = |e: ReplayError| match e {
            ReplayError::Truncated(_) => ReplayError::Truncated(cmd_start),
            e => e,
        };
        let argc = header(data, &mut pos, b'*').map_err(trunc)?;
        if argc < 1 {
            return Err(ReplayError::Format);
        }
        spans.clear();
        for _ in 0..argc {
            let len = header(data, &mut pos, b'$').map_err(trunc)?;
            let len = usize::try_from(len).map_err(|_| ReplayError::Format)?;
            let end = pos.checked_add(len).ok_or(ReplayError::Format)?;
            if end + 2 > data.len() {
                return Err(ReplayError::Truncated(cmd_start));
            }
            if &data[end..end + 2] != b"\r\n" {
                return Err(ReplayError::Format);
            }
            spans.push((pos, end));
            pos = end + 2;
        }
        let args = Args::new(data, &spans);
        let name = args.get(0);
        let Some(mut cmd) = srv.commands.lookup(name) else {
            if name.eq_ignore_ascii_case(b"pexpireat") && args.len() == 3 {
                pexpireat(srv, client.db, &args);
                continue;
            }
            return Err(ReplayError::Unknown(String::from_utf8_lossy(name).into()));
        };
        if !cmd.subcommands.is_empty()
            && let Some(sub) = crate::command::lookup_in(cmd.subcommands, args.get(1))
        {
            cmd = sub;
        }
        if !cmd.arity_ok(args.len()) {
            return Err(ReplayError::Format);
        }
        let now_ms = crate::util::now_ms();
        let mut ctx = Ctx {
            srv,
            client: &mut client,
            out: &mut out,
            now_ms,
        };
        // Errors are ignored as Redis does while loading (the command failed originally too).
        let _ = (cmd.handler)(&mut ctx, &args);
        out.buf.clear();
    }
    Ok(())
}

/// `PEXPIREAT key ms` as Redis propagates it, for builds whose command table lacks it.
fn pexpireat(srv: &mut ServerState, db: usize, args: &Args<'_>) {
    let Some(t) = crate::util::parse_i64(args.get(2)) else {
        return;
    };
    let db = srv.db_mut(db);
    if db.exists(args.get(1), i64::MIN) {
        db.set_expire(args.get(1), t);
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
    // SAFETY: single-threaded process; the child writes one file and `_exit`s.
    let pid = unsafe { libc::fork() };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(argv: &[&[u8]], reply: &[u8], now_ms: i64) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        let mut spans = Vec::new();
        for a in argv {
            let start = buf.len();
            buf.extend_from_slice(a);
            spans.push((start, buf.len()));
        }
        let args = Args::new(&buf, &spans);
        let name = String::from_utf8(argv[0].to_ascii_lowercase()).unwrap();
        let mut out = Vec::new();
        (!no_change(&name, &args, reply) && translate(&mut out, &name, &args, reply, now_ms))
            .then_some(out)
    }

    #[test]
    fn propagated_forms() {
        // As Redis 7.0.15 writes them to its AOF, except SPOP with a count: Redis writes
        // `DEL s` when the pop empties the set, ferrokv the equivalent SREM of every member.
        let t = 1_000_000;
        assert_eq!(
            tr(&[b"SET", b"k", b"v", b"EX", b"10"], b"+OK\r\n", t).unwrap(),
            b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$7\r\n1010000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"5"], b":1\r\n", t).unwrap(),
            b"*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$7\r\n1005000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"-1"], b":1\r\n", t).unwrap(),
            b"*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"
        );
        assert_eq!(tr(&[b"del", b"nokey"], b":0\r\n", t), None);
        assert_eq!(
            tr(&[b"set", b"get", b"v", b"get"], b"$-1\r\n", t).unwrap(),
            b"*3\r\n$3\r\nset\r\n$3\r\nget\r\n$1\r\nv\r\n"
        );
        assert_eq!(tr(&[b"set", b"k", b"v", b"nx"], b"$-1\r\n", t), None);
        assert_eq!(
            tr(&[b"spop", b"s", b"2"], b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n", t).unwrap(),
            b"*4\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\na\r\n$2\r\nbc\r\n"
        );
        assert_eq!(
            tr(
                &[b"blpop", b"a", b"b", b"0"],
                b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n",
                t
            )
            .unwrap(),
            b"*2\r\n$4\r\nLPOP\r\n$1\r\nb\r\n"
        );
        assert_eq!(tr(&[b"blpop", b"a", b"1"], b"*-1\r\n", t), None);
    }
}
