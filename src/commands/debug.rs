//! DEBUG (behind `enable-debug-command`, as in Redis 7.0): SLEEP, LOG, OBJECT, PROTOCOL,
//! DIGEST, DIGEST-VALUE, SET-ACTIVE-EXPIRE, RELOAD, LOADAOF, HTSTATS, HTSTATS-KEY, POPULATE,
//! SET-SKIP-CHECKSUM-VALIDATION, HELP and a few no-op test hooks.

use std::fmt::Write;

use crate::command::{Command, Ctx, acl, flags};
use crate::db::{Entry, NO_EXPIRE, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::sha1::{hex, mix_digest, xor_digest};

pub static COMMANDS: [Command; 1] = [Command {
    flags: flags::ADMIN | flags::NOSCRIPT | flags::LOADING | flags::STALE | flags::PROTECTED,
    acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
    group: "server",
    since: "1.0.0",
    summary: "A container for debugging commands",
    complexity: "Depends on subcommand.",
    ..Command::new("debug", -2, debug)
}];

/// Redis 7.0's DEBUG HELP text, verbatim (it lists subcommands this server does not have).
const HELP: &[&str] = &[
    "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "AOF-FLUSH-SLEEP <microsec>",
    "    Server will sleep before flushing the AOF, this is used for testing.",
    "ASSERT",
    "    Crash by assertion failed.",
    "CHANGE-REPL-ID",
    "    Change the replication IDs of the instance.",
    "    Dangerous: should be used only for testing the replication subsystem.",
    "CONFIG-REWRITE-FORCE-ALL",
    "    Like CONFIG REWRITE but writes all configuration options, including",
    "    keywords not listed in original configuration file or default values.",
    "CRASH-AND-RECOVER [<milliseconds>]",
    "    Hard crash and restart after a <milliseconds> delay (default 0).",
    "DIGEST",
    "    Output a hex signature representing the current DB content.",
    "DIGEST-VALUE <key> [<key> ...]",
    "    Output a hex signature of the values of all the specified keys.",
    "ERROR <string>",
    "    Return a Redis protocol error with <string> as message. Useful for clients",
    "    unit tests to simulate Redis errors.",
    "LEAK <string>",
    "    Create a memory leak of the input string.",
    "LOG <message>",
    "    Write <message> to the server log.",
    "HTSTATS <dbid>",
    "    Return hash table statistics of the specified Redis database.",
    "HTSTATS-KEY <key>",
    "    Like HTSTATS but for the hash table stored at <key>'s value.",
    "LOADAOF",
    "    Flush the AOF buffers on disk and reload the AOF in memory.",
    "REPLICATE <string>",
    "    Replicates the provided string to replicas, allowing data divergence.",
    "MALLCTL <key> [<val>]",
    "    Get or set a malloc tuning integer.",
    "MALLCTL-STR <key> [<val>]",
    "    Get or set a malloc tuning string.",
    "OBJECT <key>",
    "    Show low level info about `key` and associated value.",
    "DROP-CLUSTER-PACKET-FILTER <packet-type>",
    "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
    "OOM",
    "    Crash the server simulating an out-of-memory error.",
    "PANIC",
    "    Crash the server simulating a panic.",
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
    "RELOAD [option ...]",
    "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
    "    * MERGE: conflicting keys will be loaded from RDB.",
    "    * NOFLUSH: the existing database will not be removed before load, but",
    "      conflicting keys will generate an exception and kill the server.",
    "    * NOSAVE: the database will be loaded from an existing RDB file.",
    "    Examples:",
    "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
    "      the database.",
    "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
    "      existing RDB file.",
    "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
    "      file to the database.",
    "RESTART [<milliseconds>]",
    "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
    "SDSLEN <key>",
    "    Show low level SDS string info representing `key` and value.",
    "SEGFAULT",
    "    Crash the server with sigsegv.",
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
    "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
    "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
    "SLEEP <seconds>",
    "    Stop the server for <seconds>. Decimals allowed.",
    "STRINGMATCH-TEST",
    "    Run a fuzz tester against the stringmatchlen() function.",
    "STRUCTSIZE",
    "    Return the size of different Redis core C structures.",
    "LISTPACK <key>",
    "    Show low level info about the listpack encoding of <key>.",
    "QUICKLIST <key> [<0|1>]",
    "    Show low level info about the quicklist encoding of <key>.",
    "    The optional argument (0 by default) sets the level of detail",
    "CLIENT-EVICTION",
    "    Show low level client eviction pools info (maxmemory-clients).",
    "PAUSE-CRON <0|1>",
    "    Stop periodic cron job processing.",
    "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
    "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
    "    In case NEVER is provided the last observed peak will never be reset",
    "    In case RESET is provided the peak reset time will be restored to the default value",
    "REPLYBUFFER RESIZING <0|1>",
    "    Enable or disable the reply buffer resize cron job",
    "CLUSTERLINK KILL <to|from|all> <node-id>",
    "    Kills the link based on the direction to/from (both) with the provided node.",
    "HELP",
    "    Prints this help.",
];

/// Whether this client may run DEBUG under `enable-debug-command` (no / yes / local).
fn allowed(ctx: &Ctx<'_>) -> bool {
    match ctx.srv.config.enable_debug_command.as_str() {
        "yes" => true,
        "local" => {
            ctx.client.is_unix
                || ctx.client.addr.starts_with("127.")
                || ctx.client.addr.starts_with("[::1]")
        }
        _ => false,
    }
}

/// Type codes Redis mixes into digests (`OBJ_STRING` = 0 ... `OBJ_HASH` = 4).
fn type_code(v: &Value) -> u32 {
    match v {
        Value::Str(_) => 0,
        Value::List(_) => 1,
        Value::Set(_) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(_) => 4,
    }
}

/// Redis's `xorObjectDigest`: a value's contribution to a digest.
fn object_digest(digest: &mut [u8; 20], e: &Entry) {
    mix_digest(digest, &type_code(&e.value).to_be_bytes());
    match &e.value {
        Value::Str(s) => {
            let mut tmp = [0u8; 20];
            mix_digest(digest, s.as_bytes(&mut tmp));
        }
        Value::List(l) => l.for_each(|item| mix_digest(digest, item)),
        Value::Set(s) => s.for_each(|m| xor_digest(digest, m)),
        Value::ZSet(z) => z.for_each(|m, score| {
            let mut ed = [0u8; 20];
            mix_digest(&mut ed, m);
            mix_digest(&mut ed, crate::util::fmt_double(score).as_bytes());
            xor_digest(digest, &ed);
        }),
        Value::Hash(h) => {
            for (f, v) in h.iter() {
                let mut ed = [0u8; 20];
                mix_digest(&mut ed, f);
                mix_digest(&mut ed, v);
                xor_digest(digest, &ed);
            }
        }
    }
    if e.expire_ms != NO_EXPIRE {
        xor_digest(digest, b"!!expire!!");
    }
}

/// DEBUG DIGEST over every database (all zeros when empty).
fn dataset_digest(ctx: &mut Ctx<'_>) -> [u8; 20] {
    let mut fin = [0u8; 20];
    for (j, db) in ctx.srv.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        mix_digest(&mut fin, &(j as u32).to_be_bytes());
        for (k, e) in db.iter() {
            let mut d = [0u8; 20];
            mix_digest(&mut d, k);
            object_digest(&mut d, e);
            xor_digest(&mut fin, &d);
        }
    }
    fin
}

fn debug(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if !allowed(ctx) {
        return Err(CmdError::msg(
            "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
        ));
    }
    let sub = args[1].to_ascii_lowercase();
    let argc = args.len();
    match (sub.as_slice(), argc) {
        (b"help", 2) => crate::commands::client::reply_help(ctx, HELP),
        (b"sleep", 3) => {
            let secs = std::str::from_utf8(&args[2])
                .ok()
                .and_then(|s| s.trim().parse::<f64>().ok())
                .unwrap_or(0.0);
            // Redis converts secs * 1e6 to a C long long; out of range that is LLONG_MIN on
            // x86 (no sleep), and Duration::from_secs_f64 would panic on it.
            let us = secs * 1e6;
            if (1.0..9.223_372_036_854_775e18).contains(&us) {
                std::thread::sleep(std::time::Duration::from_micros(us as u64));
            }
            ctx.out.ok();
        }
        (b"log", 3) => {
            log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(&args[2]));
            ctx.out.ok();
        }
        (b"reload", _) => reload(ctx, args)?,
        (b"change-repl-id", 2) => ctx.out.ok(),
        (b"config-rewrite-force-all", 2) => {
            crate::config::rewrite::rewrite_with(&ctx.srv.config, true).map_err(|e| {
                let why = e.strip_prefix("ERR Rewriting config file: ").unwrap_or(&e);
                CmdError::msg(format!("ERR CONFIG-REWRITE-FORCE-ALL failed: {why}"))
            })?;
            ctx.out.ok();
        }
        (b"segfault", 2) => {
            // As Redis: a deliberate crash, for testing the crash report.
            // SAFETY: raising a signal on our own process; the crash handler reports it.
            unsafe {
                libc::raise(libc::SIGSEGV);
            }
        }
        (b"aof-flush-sleep", 3) => {
            let us = crate::util::parse_i64(&args[2]).unwrap_or(0);
            ctx.srv.persist.aof.flush_sleep_us = us.max(0) as u64;
            ctx.out.ok();
        }
        (b"pause-cron", 3) => {
            ctx.srv.pause_cron = crate::util::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.out.ok();
        }
        (b"populate", 3..=5) => populate(ctx, args)?,
        (b"structsize", 2) => ctx.out.bulk(
            b"bits:64 robj:16 dictentry:24 sdshdr5:1 sdshdr8:3 sdshdr16:5 sdshdr32:9 sdshdr64:17 ",
        ),
        (b"quicklist-packed-threshold", 3) => {
            let ok = std::str::from_utf8(&args[2])
                .ok()
                .and_then(crate::config::args::memtoull)
                .is_some_and(|n| n <= (1u64 << 32) - (1 << 20));
            if !ok {
                return Err(CmdError::msg(
                    "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
                ));
            }
            ctx.out.ok();
        }
        (b"listpack", 3) | (b"quicklist", 3 | 4) => {
            let now = ctx.now_ms;
            let enc = match ctx.db().peek(&args[2], now) {
                None => return Err(CmdError::NoSuchKey),
                Some(e) => e.value.encoding(),
            };
            if sub == b"listpack" {
                if enc != "listpack" {
                    return Err(CmdError::msg("ERR Not a listpack encoded object."));
                }
                ctx.out.simple("Listpack structure printed on stdout");
            } else {
                if enc != "quicklist" {
                    return Err(CmdError::msg("ERR Not a quicklist encoded object."));
                }
                ctx.out.simple("Quicklist structure printed on stdout");
            }
        }
        (b"htstats", 3) => {
            let id = crate::util::parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
            let db = usize::try_from(id)
                .ok()
                .and_then(|i| ctx.srv.dbs.get(i))
                .ok_or(CmdError::msg("ERR Out of range database"))?;
            let mut text = String::from("[Dictionary HT]\n");
            text.push_str(&db.dict_stats());
            text.push_str("[Expires HT]\n");
            text.push_str(&expires_stats(db.expires_len()));
            ctx.out.verbatim(text.as_bytes());
        }
        (b"htstats-key", 3) => {
            let now = ctx.now_ms;
            let (db, out) = ctx.db_out();
            let stats = match db.peek(&args[2], now) {
                None => return Err(CmdError::NoSuchKey),
                Some(e) => match &e.value {
                    Value::Set(s) => match &**s {
                        crate::db::set::Set::Table(t) => Some(t.stats()),
                        _ => None,
                    },
                    Value::Hash(h) => h.table_stats(),
                    Value::ZSet(z) => z.table_stats(),
                    _ => None,
                },
            };
            match stats {
                Some(s) => out.verbatim(s.as_bytes()),
                None => {
                    return Err(CmdError::msg(
                        "ERR The value stored at the specified key is not represented using an hash table",
                    ));
                }
            }
        }
        (b"loadaof", _) => {
            let srv = &mut *ctx.srv;
            crate::persist::aof_load::flush(srv);
            srv.dbs.iter_mut().for_each(|db| db.clear());
            if crate::persist::aof_load::debug_reload(srv).is_err() {
                // As Redis: a dataset that cannot be reloaded ends the process.
                std::process::exit(1);
            }
            srv.stats.dirty = 0;
            log::warn!("Append Only File loaded by DEBUG LOADAOF");
            ctx.out.ok();
        }
        (b"set-skip-checksum-validation", 3) => {
            let on = crate::util::parse_i64(&args[2]).unwrap_or(0) != 0;
            crate::persist::rdb::SKIP_CHECKSUM.store(on, std::sync::atomic::Ordering::Relaxed);
            ctx.out.ok();
        }
        (b"set-active-expire", 3) => {
            ctx.srv.active_expire = crate::util::parse_i64(&args[2]).unwrap_or(0) != 0;
            ctx.out.ok();
        }
        (b"object", 3) => {
            let now = ctx.now_ms;
            let (fill, depth, compression) = (
                ctx.srv.config.list_max_listpack_size,
                ctx.srv.config.list_compress_depth,
                ctx.srv.config.rdbcompression,
            );
            let line = match ctx.db().peek(&args[2], now) {
                None => return Err(CmdError::NoSuchKey),
                Some(e) => {
                    let shared = crate::commands::object::is_shared_int(&e.value);
                    let idle = crate::commands::object::lru_idle_seconds(e.lru);
                    let mut line = format!(
                        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
                        &e.value as *const Value,
                        if shared { i32::MAX } else { 1 },
                        e.value.encoding(),
                        crate::persist::rdb::serialized_len(&e.value, compression),
                        e.lru,
                        idle
                    );
                    if let Value::List(l) = &e.value {
                        // Redis's quicklist fields, for the node layout DUMP writes; fill
                        // and depth are the list's creation settings there, the current
                        // config here.
                        let layout = crate::persist::rdb::quicklist_nodes(l);
                        let nodes = layout.len();
                        let bytes: usize = layout.iter().map(|n| n.len()).sum();
                        let _ = write!(
                            line,
                            " ql_nodes:{} ql_avg_node:{:.2} ql_listpack_max:{} ql_compressed:{} ql_uncompressed_size:{}",
                            nodes,
                            l.len() as f64 / nodes.max(1) as f64,
                            fill,
                            (depth != 0) as u8,
                            bytes
                        );
                    }
                    line
                }
            };
            ctx.out.simple(&line);
        }
        (b"digest", 2) => {
            let d = dataset_digest(ctx);
            ctx.out.simple(&hex(&d));
        }
        (b"digest-value", _) => {
            let now = ctx.now_ms;
            let (db, out) = ctx.db_out();
            out.array(argc - 2);
            for k in args.iter_from(2) {
                let mut d = [0u8; 20];
                if let Some(e) = db.peek(k, now) {
                    object_digest(&mut d, e);
                }
                out.simple(&hex(&d));
            }
        }
        (b"protocol", 3) => protocol(ctx, &args[2])?,
        _ => {
            let mut e = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
            e.extend_from_slice(&args[1]);
            e.extend_from_slice(b"'. Try DEBUG HELP.");
            return Err(CmdError::Bytes(e));
        }
    }
    Ok(())
}

/// DEBUG POPULATE count [prefix] [size]: adds keys `prefix:N` (default `key`) holding
/// `value:N`, cut or zero-padded to `size` bytes when given; existing keys are left alone.
fn populate(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let positive = |a: &[u8]| {
        crate::util::parse_i64(a)
            .filter(|&n| n >= 0)
            .ok_or(CmdError::msg("ERR value is out of range, must be positive"))
    };
    let count = positive(&args[2])?;
    let size = if args.len() == 5 {
        positive(&args[4])? as usize
    } else {
        0
    };
    let prefix: &[u8] = if args.len() >= 4 { &args[3] } else { b"key" };
    let now = ctx.now_ms;
    let db = ctx.db();
    let mut key = Vec::new();
    for j in 0..count {
        key.clear();
        key.extend_from_slice(prefix);
        key.extend_from_slice(format!(":{j}").as_bytes());
        // Redis formats the key into a 128-byte buffer.
        key.truncate(127);
        if db.exists(&key, now) {
            continue;
        }
        let mut val = format!("value:{j}").into_bytes();
        if size > 0 {
            val.resize(size, 0);
        }
        db.set(&key, Value::Str(crate::db::StrValue::from_bytes(&val)));
    }
    ctx.out.ok();
    Ok(())
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty the dataset (unless
/// NOFLUSH) and load the RDB file back. With NOFLUSH the file's keys are added to the dataset;
/// a key present in both is an error unless MERGE, where the file's value wins (Redis panics
/// on such a duplicate without MERGE; here the reload fails and the dataset is kept).
fn reload(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (mut flush, mut save, mut merge) = (true, true, false);
    for opt in args.iter_from(2) {
        if opt.eq_ignore_ascii_case(b"merge") {
            merge = true;
        } else if opt.eq_ignore_ascii_case(b"noflush") {
            flush = false;
        } else if opt.eq_ignore_ascii_case(b"nosave") {
            save = false;
        } else {
            return Err(CmdError::msg(
                "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
            ));
        }
    }
    let load_err = || CmdError::msg("ERR Error trying to load the RDB dump, check server logs.");
    let srv = &mut *ctx.srv;
    if save && crate::persist::save(srv).is_err() {
        return Err(CmdError::msg("ERR Error trying to save the DB"));
    }
    let n = srv.dbs.len();
    let fresh = || (0..n).map(|_| crate::db::Db::default()).collect::<Vec<_>>();
    // The current dataset, set aside while the file loads into empty databases.
    let kept = std::mem::replace(&mut srv.dbs, fresh());
    let loaded = std::fs::read(crate::persist::rdb_path(srv))
        .map_err(|e| {
            log::warn!(
                "Failed loading the RDB file: {}",
                crate::persist::strerror(&e)
            )
        })
        .ok()
        .and_then(|data| crate::persist::load_rdb_image(srv, &data, true).ok());
    if loaded.is_none() {
        srv.dbs = if flush { fresh() } else { kept };
        return Err(load_err());
    }
    if !flush {
        let loaded = std::mem::replace(&mut srv.dbs, kept);
        if !merge {
            for (i, db) in loaded.iter().enumerate() {
                let dup = db
                    .iter()
                    .find(|(k, _)| srv.dbs.get(i).is_some_and(|d| d.entry_ref(k).is_some()));
                if let Some((k, _)) = dup {
                    log::warn!(
                        "RDB has duplicated key '{}' in DB {i}",
                        String::from_utf8_lossy(k)
                    );
                    return Err(load_err());
                }
            }
        }
        for (db, dst) in loaded.iter().zip(srv.dbs.iter_mut()) {
            for (k, e) in db.iter() {
                dst.insert_entry(k, e.clone());
            }
        }
    }
    log::info!("DB reloaded by DEBUG RELOAD");
    ctx.out.ok();
    Ok(())
}

/// `dictGetStats` text for Redis's expires dict, which ferrokv does not keep (a key's expire
/// lives in its entry): the table Redis would have grown to for `n` keys, one per bucket.
fn expires_stats(n: usize) -> String {
    let mut out = String::from("Hash table 0 stats (main hash table):\n");
    if n == 0 {
        out.push_str("No stats available for empty dictionaries\n");
        return out;
    }
    let size = n.next_power_of_two().max(4);
    let _ = write!(
        out,
        " table size: {size}\n number of elements: {n}\n different slots: {n}\n max chain length: 1\n avg chain length (counted): 1.00\n avg chain length (computed): 1.00\n Chain length distribution:\n"
    );
    for (len, count) in [(0, size - n), (1, n)] {
        if count != 0 {
            let pct = count as f32 / size as f32 * 100.0;
            let _ = writeln!(out, "   {len}: {count} ({pct:.2}%)");
        }
    }
    out
}

fn protocol(ctx: &mut Ctx<'_>, kind: &[u8]) -> CmdResult {
    let out = &mut *ctx.out;
    match kind.to_ascii_lowercase().as_slice() {
        b"string" => out.bulk(b"Hello World"),
        b"integer" => out.int(12345),
        // The fixed test value Redis sends (not an approximation of pi).
        #[allow(clippy::approx_constant)]
        b"double" => out.double(3.141),
        b"bignum" => out.bignum(b"1234567999999999999999999999999999999"),
        b"null" => out.null(),
        b"array" => {
            out.array(3);
            (0..3).for_each(|i| out.int(i));
        }
        b"set" => {
            out.set(3);
            (0..3).for_each(|i| out.int(i));
        }
        b"map" => {
            out.map(3);
            for i in 0..3 {
                out.int(i);
                out.boolean(i == 1);
            }
        }
        b"attrib" => {
            // Attributes exist only in RESP3; RESP2 gets just the reply.
            if out.resp3 {
                out.buf.extend_from_slice(b"|1\r\n");
                out.bulk(b"key-popularity");
                out.array(2);
                out.bulk(b"key:123");
                out.int(90);
            }
            out.bulk(b"Some real reply following the attribute");
        }
        b"push" => {
            if !out.resp3 {
                return Err(CmdError::msg("ERR RESP2 is not supported by this command"));
            }
            out.buf.extend_from_slice(b">2\r\n");
            out.bulk(b"server-cpu-usage");
            out.int(42);
            out.bulk(b"Some real reply following the push reply");
        }
        b"verbatim" => out.verbatim(b"This is a verbatim\nstring"),
        b"true" => out.boolean(true),
        b"false" => out.boolean(false),
        _ => {
            return Err(CmdError::msg(
                "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ));
        }
    }
    Ok(())
}
