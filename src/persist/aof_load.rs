//! Start-up with `appendonly yes`: read the manifest (migrating a Redis < 7.0 single-file AOF
//! first), load the RDB base, replay the RESP increments through the command handlers, and
//! handle a truncated tail as `aof-load-truncated yes` does.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use super::aof::{
    Manifest, aof_dir, create_base_sync, incr_name, manifest_name, open_append, open_new_incr,
    persist_manifest,
};
use super::{Logged, Settings};
use crate::client::ClientState;
use crate::command::Ctx;
use crate::resp::{Args, Reply};
use crate::server::ServerState;

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

/// Replays the manifest's files with expiry suspended, as Redis loads: a key whose time
/// passed stays until the commands after it have run (they may extend or delete it), and an
/// EXPIRE to a past time sets that time instead of deleting.
fn replay(srv: &mut ServerState, s: &Settings, dir: &Path, m: &Manifest) -> Result<(), Logged> {
    crate::db::set_loading(true);
    let res = replay_files(srv, s, dir, m);
    crate::db::set_loading(false);
    res
}

fn replay_files(
    srv: &mut ServerState,
    s: &Settings,
    dir: &Path,
    m: &Manifest,
) -> Result<(), Logged> {
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
        let mut replayed = replay_commands(srv, &data, pos);
        if let Err(ReplayError::IncompleteMulti(valid)) = replayed {
            log::warn!("Revert incomplete MULTI/EXEC transaction in AOF file {name}");
            replayed = Err(ReplayError::Truncated(valid));
        }
        match replayed {
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
            Err(ReplayError::Truncated(_) | ReplayError::IncompleteMulti(_)) => {
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
    /// The file ends inside MULTI/EXEC; the offset of the MULTI.
    IncompleteMulti(usize),
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

/// The (start, end) offsets of one command's arguments in the file.
type Spans = Vec<(usize, usize)>;

/// Runs every RESP command of `data` from `pos` through its handler, as a fake client.
/// Commands between MULTI and EXEC run when EXEC is read; a file that ends inside a
/// transaction counts as truncated where the MULTI began, so the transaction is dropped whole
/// (Redis's "Revert incomplete MULTI/EXEC transaction").
fn replay_commands(srv: &mut ServerState, data: &[u8], mut pos: usize) -> Result<(), ReplayError> {
    let mut client = ClientState::new(0, String::new(), String::new(), -1, 0);
    client.authenticated = true;
    let mut out = Reply::default();
    let mut spans: Spans = Vec::new();
    // An open MULTI: where it began, and the argument spans of the commands queued since.
    let mut multi: Option<(usize, Vec<Spans>)> = None;
    while pos < data.len() {
        let cmd_start = pos;
        // Annotations (`#TS:<unix time>` under aof-timestamp-enabled) are skipped, as Redis.
        if data[pos] == b'#' {
            match memchr::memchr(b'\n', &data[pos..]) {
                Some(nl) => {
                    pos += nl + 1;
                    continue;
                }
                None => return Err(ReplayError::Truncated(cmd_start)),
            }
        }
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
        let name = Args::new(data, &spans).get(0);
        if name.eq_ignore_ascii_case(b"multi") {
            multi = Some((cmd_start, Vec::new()));
            continue;
        }
        match multi.take() {
            Some((_, queued)) if name.eq_ignore_ascii_case(b"exec") => {
                for cmd_spans in &queued {
                    replay_one(srv, &mut client, &mut out, &Args::new(data, cmd_spans))?;
                }
            }
            Some(_) if name.eq_ignore_ascii_case(b"discard") => {}
            Some((start, mut queued)) => {
                queued.push(spans.clone());
                multi = Some((start, queued));
            }
            None => replay_one(srv, &mut client, &mut out, &Args::new(data, &spans))?,
        }
    }
    if let Some((start, _)) = multi {
        return Err(ReplayError::IncompleteMulti(start));
    }
    Ok(())
}

/// Runs one command read from an AOF.
fn replay_one(
    srv: &mut ServerState,
    client: &mut ClientState,
    out: &mut Reply,
    args: &Args<'_>,
) -> Result<(), ReplayError> {
    let name = args.get(0);
    let Some(mut cmd) = srv.commands.lookup(name) else {
        if name.eq_ignore_ascii_case(b"pexpireat") && args.len() == 3 {
            pexpireat(srv, client.db, args);
            return Ok(());
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
        client,
        out,
        now_ms,
    };
    // Errors are ignored as Redis does while loading (the command failed originally too).
    let _ = (cmd.handler)(&mut ctx, args);
    out.buf.clear();
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

/// Writes and fsyncs what is queued for the AOF (when it is on), before DEBUG LOADAOF.
pub fn flush(srv: &mut ServerState) {
    if srv.persist.aof.enabled {
        super::aof::before_sleep(srv);
        if let Some(f) = &srv.persist.aof.file {
            let _ = f.sync_data();
        }
    }
}

/// DEBUG LOADAOF: replays the AOF the manifest on disk describes into the (emptied)
/// databases, as Redis's `loadAppendOnlyFiles`; appends keep going to the open increment.
/// Err after logging (Redis exits then).
pub fn debug_reload(srv: &mut ServerState) -> Result<(), Logged> {
    let s = Settings::from_config(&srv.config);
    let dir = aof_dir(srv, &s);
    let text = std::fs::read_to_string(dir.join(manifest_name(&s))).map_err(|e| {
        log::warn!("Can't open the append-only file manifest: {e}");
        Logged
    })?;
    let m = Manifest::parse(&text).map_err(|e| {
        log::warn!("{e}");
        Logged
    })?;
    let sizes = (srv.persist.aof.current_size, srv.persist.aof.base_size);
    srv.persist.aof.current_size = 0;
    srv.persist.aof.loading = true;
    let res = replay(srv, &s, &dir, &m);
    srv.persist.aof.loading = false;
    if !srv.persist.aof.enabled {
        (srv.persist.aof.current_size, srv.persist.aof.base_size) = sizes;
    }
    res
}
