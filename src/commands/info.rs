//! INFO: the same sections and field names as Redis 7.0, with real figures.

use std::fmt::Write;

use crate::command::{Command, Ctx, acl, flags};
use crate::error::CmdResult;
use crate::resp::Args;

pub static COMMANDS: [Command; 1] = [Command {
    flags: flags::LOADING | flags::STALE,
    acl: acl::SLOW | acl::DANGEROUS,
    tips: &["nondeterministic_output"],
    group: "server",
    since: "1.0.0",
    summary: "Get information and statistics about the server",
    complexity: "O(1)",
    ..Command::new("info", -1, info)
}];

const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
];
const ALL_EXTRA: &[&str] = &["commandstats", "latencystats"];

fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut wanted: Vec<String> = Vec::new();
    for a in args.iter_from(1) {
        let s = String::from_utf8_lossy(a).to_ascii_lowercase();
        match s.as_str() {
            "default" => wanted.extend(DEFAULT.iter().map(|s| s.to_string())),
            "all" | "everything" => {
                wanted.extend(DEFAULT.iter().map(|s| s.to_string()));
                wanted.extend(ALL_EXTRA.iter().map(|s| s.to_string()));
            }
            _ => wanted.push(s),
        }
    }
    if wanted.is_empty() {
        wanted.extend(DEFAULT.iter().map(|s| s.to_string()));
    }
    let text = render(ctx, &wanted);
    ctx.out.verbatim(text.as_bytes());
    Ok(())
}

/// Builds the INFO text for the requested sections, in Redis's section order.
pub fn render(ctx: &mut Ctx<'_>, wanted: &[String]) -> String {
    let order = [
        "server",
        "clients",
        "memory",
        "persistence",
        "stats",
        "replication",
        "cpu",
        "modules",
        "commandstats",
        "errorstats",
        "latencystats",
        "cluster",
        "keyspace",
    ];
    let mut out = String::new();
    for sec in order {
        if !wanted.iter().any(|w| w == sec) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        match sec {
            "server" => server(ctx, &mut out),
            "clients" => clients(ctx, &mut out),
            "memory" => memory(ctx, &mut out),
            "persistence" => persistence(ctx, &mut out),
            "stats" => stats(ctx, &mut out),
            "replication" => replication(ctx, &mut out),
            "cpu" => cpu(&mut out),
            "modules" => out.push_str("# Modules\r\n"),
            "commandstats" => commandstats(ctx, &mut out),
            "errorstats" => errorstats(ctx, &mut out),
            "latencystats" => latencystats(ctx, &mut out),
            "cluster" => out.push_str("# Cluster\r\ncluster_enabled:0\r\n"),
            "keyspace" => keyspace(ctx, &mut out),
            _ => {}
        }
    }
    out
}

macro_rules! field {
    ($out:expr, $name:expr, $($arg:tt)*) => {{
        let _ = write!($out, "{}:", $name);
        let _ = write!($out, $($arg)*);
        $out.push_str("\r\n");
    }};
}

fn uname() -> String {
    // SAFETY: uname fills a zeroed struct; the fields are NUL-terminated C strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return "Linux".into();
        }
        let f = |p: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(p.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        format!("{} {} {}", f(&u.sysname), f(&u.release), f(&u.machine))
    }
}

fn server(ctx: &mut Ctx<'_>, o: &mut String) {
    let srv = &ctx.srv;
    let now_us = crate::util::now_us();
    let uptime = (now_us / 1000 - srv.start_ms) / 1000;
    o.push_str("# Server\r\n");
    field!(o, "redis_version", "{}", crate::REDIS_VERSION);
    field!(o, "ferrokv_version", "{}", crate::VERSION);
    field!(o, "redis_git_sha1", "00000000");
    field!(o, "redis_git_dirty", "0");
    field!(o, "redis_build_id", "0");
    field!(o, "redis_mode", "standalone");
    field!(o, "os", "{}", uname());
    field!(o, "arch_bits", "64");
    field!(o, "monotonic_clock", "POSIX clock_gettime");
    field!(o, "multiplexing_api", "epoll");
    field!(o, "atomicvar_api", "c11-builtin");
    field!(o, "gcc_version", "0.0.0");
    field!(o, "process_id", "{}", std::process::id());
    field!(o, "process_supervised", "no");
    field!(o, "run_id", "{}", srv.run_id);
    field!(o, "tcp_port", "{}", srv.port);
    field!(o, "server_time_usec", "{}", now_us);
    field!(o, "uptime_in_seconds", "{}", uptime);
    field!(o, "uptime_in_days", "{}", uptime / 86400);
    field!(o, "hz", "{}", srv.config.hz);
    field!(o, "configured_hz", "{}", srv.config.hz);
    field!(o, "lru_clock", "{}", crate::db::lru_clock());
    field!(o, "executable", "{}", srv.executable);
    let cf = srv
        .config
        .config_file
        .as_ref()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    field!(o, "config_file", "{}", cf);
    field!(o, "io_threads_active", "0");
}

fn clients(ctx: &mut Ctx<'_>, o: &mut String) {
    let srv = &ctx.srv;
    let (mut max_in, mut max_out) = (0, 0);
    for (_, c) in srv.clients.iter() {
        if let Some(c) = c {
            max_in = max_in.max(c.query.len());
            max_out = max_out.max(c.reply.buf.len());
        }
    }
    o.push_str("# Clients\r\n");
    // Replicas are counted in connected_slaves, not here; clients in WAIT are blocked.
    field!(
        o,
        "connected_clients",
        "{}",
        srv.clients.len() - srv.repl.replicas.len()
    );
    field!(o, "cluster_connections", "0");
    field!(o, "maxclients", "{}", srv.config.maxclients);
    field!(o, "client_recent_max_input_buffer", "{}", max_in);
    field!(o, "client_recent_max_output_buffer", "{}", max_out);
    let blocked =
        srv.blocking.blocked_count() + srv.pause.parked_count() + srv.repl.waiting_clients();
    field!(o, "blocked_clients", "{}", blocked);
    field!(o, "tracking_clients", "0");
    field!(
        o,
        "clients_in_timeout_table",
        "{}",
        srv.blocking.timeout_count()
    );
}

/// Redis's `bytesToHuman`.
pub fn human_bytes(n: u64) -> String {
    let d = n as f64;
    const K: f64 = 1024.0;
    if n < 1024 {
        format!("{n}B")
    } else if d < K * K {
        format!("{:.2}K", d / K)
    } else if d < K * K * K {
        format!("{:.2}M", d / (K * K))
    } else if d < K * K * K * K {
        format!("{:.2}G", d / (K * K * K))
    } else if d < K * K * K * K * K {
        format!("{:.2}T", d / (K * K * K * K))
    } else {
        format!("{:.2}P", d / (K * K * K * K * K))
    }
}

fn total_system_memory() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}

fn memory(ctx: &mut Ctx<'_>, o: &mut String) {
    crate::alloc::update_peak();
    let used = crate::alloc::used() as u64;
    let peak = (crate::alloc::peak() as u64).max(used);
    let rss = crate::alloc::rss() as u64;
    let startup = ctx.srv.used_memory_startup as u64;
    let overhead = startup
        + ctx
            .srv
            .clients
            .iter()
            .filter_map(|(_, c)| c.as_ref())
            .map(|c| (c.query.capacity() + c.reply.buf.capacity()) as u64)
            .sum::<u64>();
    let dataset = used.saturating_sub(overhead);
    let sysmem = total_system_memory();
    o.push_str("# Memory\r\n");
    field!(o, "used_memory", "{used}");
    field!(o, "used_memory_human", "{}", human_bytes(used));
    field!(o, "used_memory_rss", "{rss}");
    field!(o, "used_memory_rss_human", "{}", human_bytes(rss));
    field!(o, "used_memory_peak", "{peak}");
    field!(o, "used_memory_peak_human", "{}", human_bytes(peak));
    field!(
        o,
        "used_memory_peak_perc",
        "{:.2}%",
        used as f64 * 100.0 / peak.max(1) as f64
    );
    field!(o, "used_memory_overhead", "{overhead}");
    field!(o, "used_memory_startup", "{startup}");
    field!(o, "used_memory_dataset", "{dataset}");
    let net = used.saturating_sub(startup).max(1);
    field!(
        o,
        "used_memory_dataset_perc",
        "{:.2}%",
        dataset as f64 * 100.0 / net as f64
    );
    field!(o, "allocator_allocated", "{used}");
    field!(o, "allocator_active", "{used}");
    field!(o, "allocator_resident", "{rss}");
    field!(o, "total_system_memory", "{sysmem}");
    field!(o, "total_system_memory_human", "{}", human_bytes(sysmem));
    for f in [
        "used_memory_lua:0",
        "used_memory_vm_eval:0",
        "used_memory_lua_human:0B",
        "used_memory_scripts_eval:0",
        "number_of_cached_scripts:0",
        "number_of_functions:0",
        "number_of_libraries:0",
        "used_memory_vm_functions:0",
        "used_memory_vm_total:0",
        "used_memory_vm_total_human:0B",
        "used_memory_functions:0",
        "used_memory_scripts:0",
        "used_memory_scripts_human:0B",
    ] {
        o.push_str(f);
        o.push_str("\r\n");
    }
    let maxmemory = ctx.srv.config.maxmemory;
    field!(o, "maxmemory", "{maxmemory}");
    field!(o, "maxmemory_human", "{}", human_bytes(maxmemory));
    field!(o, "maxmemory_policy", "{}", ctx.srv.config.maxmemory_policy);
    let frag = rss as f64 / used.max(1) as f64;
    field!(o, "allocator_frag_ratio", "1.00");
    field!(o, "allocator_frag_bytes", "0");
    field!(o, "allocator_rss_ratio", "{:.2}", frag);
    field!(o, "allocator_rss_bytes", "{}", rss as i64 - used as i64);
    field!(o, "rss_overhead_ratio", "1.00");
    field!(o, "rss_overhead_bytes", "0");
    field!(o, "mem_fragmentation_ratio", "{:.2}", frag);
    field!(o, "mem_fragmentation_bytes", "{}", rss as i64 - used as i64);
    field!(
        o,
        "mem_not_counted_for_evict",
        "{}",
        crate::evict::not_counted(ctx.srv)
    );
    for f in [
        "mem_replication_backlog:0",
        "mem_total_replication_buffers:0",
        "mem_clients_slaves:0",
    ] {
        o.push_str(f);
        o.push_str("\r\n");
    }
    field!(o, "mem_clients_normal", "{}", overhead - startup);
    for f in [
        "mem_cluster_links:0",
        "mem_aof_buffer:0",
        "mem_allocator:libc",
        "active_defrag_running:0",
        "lazyfree_pending_objects:0",
        "lazyfreed_objects:0",
    ] {
        o.push_str(f);
        o.push_str("\r\n");
    }
}

fn persistence(ctx: &mut Ctx<'_>, o: &mut String) {
    o.push_str("# Persistence\r\n");
    o.push_str(&crate::persist::info_fields(ctx.srv));
}

fn stats(ctx: &mut Ctx<'_>, o: &mut String) {
    let st = &ctx.srv.stats;
    let (hits, misses, expired) = ctx.srv.dbs.iter().fold((0, 0, 0), |(h, m, e), db| {
        (h + db.hits, m + db.misses, e + db.expired)
    });
    o.push_str("# Stats\r\n");
    field!(
        o,
        "total_connections_received",
        "{}",
        st.total_connections_received
    );
    field!(
        o,
        "total_commands_processed",
        "{}",
        st.total_commands_processed
    );
    field!(
        o,
        "instantaneous_ops_per_sec",
        "{}",
        st.inst_ops.rate() as u64
    );
    field!(o, "total_net_input_bytes", "{}", st.net_input_bytes);
    field!(o, "total_net_output_bytes", "{}", st.net_output_bytes);
    field!(o, "total_net_repl_input_bytes", "0");
    field!(o, "total_net_repl_output_bytes", "0");
    field!(
        o,
        "instantaneous_input_kbps",
        "{:.2}",
        st.inst_input.rate() / 1024.0
    );
    field!(
        o,
        "instantaneous_output_kbps",
        "{:.2}",
        st.inst_output.rate() / 1024.0
    );
    field!(o, "instantaneous_input_repl_kbps", "0.00");
    field!(o, "instantaneous_output_repl_kbps", "0.00");
    field!(o, "rejected_connections", "{}", st.rejected_connections);
    field!(o, "sync_full", "0");
    field!(o, "sync_partial_ok", "0");
    field!(o, "sync_partial_err", "0");
    field!(o, "expired_keys", "{}", expired);
    field!(
        o,
        "expired_stale_perc",
        "{:.2}",
        ctx.srv.stats.expired_stale_perc
    );
    field!(
        o,
        "expired_time_cap_reached_count",
        "{}",
        ctx.srv.stats.expired_time_cap_reached_count
    );
    field!(
        o,
        "expire_cycle_cpu_milliseconds",
        "{}",
        ctx.srv.stats.expire_cycle_time_used_us / 1000
    );
    field!(o, "evicted_keys", "{}", st.evicted_keys);
    field!(o, "evicted_clients", "0");
    let (cur, total) = crate::evict::exceeded_times_ms(ctx.srv);
    field!(o, "total_eviction_exceeded_time", "{total}");
    field!(o, "current_eviction_exceeded_time", "{cur}");
    field!(o, "keyspace_hits", "{}", hits);
    field!(o, "keyspace_misses", "{}", misses);
    field!(o, "pubsub_channels", "0");
    field!(o, "pubsub_patterns", "0");
    field!(o, "pubsubshard_channels", "0");
    field!(o, "latest_fork_usec", "{}", st.latest_fork_usec);
    field!(o, "total_forks", "{}", st.total_forks);
    for f in [
        "migrate_cached_sockets:0",
        "slave_expires_tracked_keys:0",
        "active_defrag_hits:0",
        "active_defrag_misses:0",
        "active_defrag_key_hits:0",
        "active_defrag_key_misses:0",
        "total_active_defrag_time:0",
        "current_active_defrag_time:0",
        "tracking_total_keys:0",
        "tracking_total_items:0",
        "tracking_total_prefixes:0",
    ] {
        o.push_str(f);
        o.push_str("\r\n");
    }
    field!(
        o,
        "unexpected_error_replies",
        "{}",
        st.unexpected_error_replies
    );
    field!(o, "total_error_replies", "{}", st.total_error_replies);
    field!(o, "dump_payload_sanitizations", "0");
    field!(o, "total_reads_processed", "{}", st.reads_processed);
    field!(o, "total_writes_processed", "{}", st.writes_processed);
    field!(o, "io_threaded_reads_processed", "0");
    field!(o, "io_threaded_writes_processed", "0");
    field!(o, "reply_buffer_shrinks", "0");
    field!(o, "reply_buffer_expands", "0");
}

fn replication(ctx: &mut Ctx<'_>, o: &mut String) {
    crate::replication::info(ctx.srv, o);
}

fn rusage(who: libc::c_int) -> (f64, f64) {
    // SAFETY: getrusage fills a zeroed struct.
    unsafe {
        let mut r: libc::rusage = std::mem::zeroed();
        if libc::getrusage(who, &mut r) != 0 {
            return (0.0, 0.0);
        }
        let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
        (t(r.ru_stime), t(r.ru_utime))
    }
}

fn cpu(o: &mut String) {
    let (sys, user) = rusage(libc::RUSAGE_SELF);
    let (csys, cuser) = rusage(libc::RUSAGE_CHILDREN);
    let (tsys, tuser) = rusage(libc::RUSAGE_THREAD);
    o.push_str("# CPU\r\n");
    field!(o, "used_cpu_sys", "{sys:.6}");
    field!(o, "used_cpu_user", "{user:.6}");
    field!(o, "used_cpu_sys_children", "{csys:.6}");
    field!(o, "used_cpu_user_children", "{cuser:.6}");
    field!(o, "used_cpu_sys_main_thread", "{tsys:.6}");
    field!(o, "used_cpu_user_main_thread", "{tuser:.6}");
}

fn latencystats(ctx: &mut Ctx<'_>, o: &mut String) {
    use std::sync::atomic::Ordering::Relaxed;
    o.push_str("# Latencystats\r\n");
    let pcts = &ctx.srv.config.latency_tracking_info_percentiles;
    for c in ctx.srv.commands.iter() {
        for cmd in std::iter::once(c).chain(c.subcommands.iter()) {
            let idx = cmd.stats.histogram.load(Relaxed) as usize;
            let Some(h) = idx.checked_sub(1).and_then(|i| ctx.srv.latency.get(i)) else {
                continue;
            };
            if h.is_empty() {
                continue;
            }
            let _ = write!(
                o,
                "latency_percentiles_usec_{}:{}\r\n",
                cmd.name,
                h.info_line(pcts)
            );
        }
    }
}

fn commandstats(ctx: &mut Ctx<'_>, o: &mut String) {
    use std::sync::atomic::Ordering::Relaxed;
    o.push_str("# Commandstats\r\n");
    for c in ctx.srv.commands.iter() {
        for cmd in std::iter::once(c).chain(c.subcommands.iter()) {
            let s = &cmd.stats;
            let (calls, usec, rej, fail) = (
                s.calls.load(Relaxed),
                s.usec.load(Relaxed),
                s.rejected.load(Relaxed),
                s.failed.load(Relaxed),
            );
            if calls == 0 && rej == 0 && fail == 0 {
                continue;
            }
            let per = if calls == 0 {
                0.0
            } else {
                usec as f64 / calls as f64
            };
            let _ = write!(
                o,
                "cmdstat_{}:calls={calls},usec={usec},usec_per_call={per:.2},rejected_calls={rej},failed_calls={fail}\r\n",
                cmd.name
            );
        }
    }
}

fn errorstats(ctx: &mut Ctx<'_>, o: &mut String) {
    o.push_str("# Errorstats\r\n");
    for (code, n) in &ctx.srv.stats.errors {
        let _ = write!(o, "errorstat_{code}:count={n}\r\n");
    }
}

fn keyspace(ctx: &mut Ctx<'_>, o: &mut String) {
    o.push_str("# Keyspace\r\n");
    for (i, db) in ctx.srv.dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        let _ = write!(
            o,
            "db{i}:keys={},expires={},avg_ttl={}\r\n",
            db.len(),
            db.expires_len(),
            db.avg_ttl
        );
    }
}
