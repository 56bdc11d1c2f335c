//! MEMORY: USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP (Redis's `object.c` memory half).
//!
//! Figures are ferrokv's own: `used` is the counting allocator's live bytes ([`crate::alloc`]),
//! the allocator is the system's (so, as a Redis built with libc malloc, there are no allocator
//! internals to report: allocated = active = `used`, resident = the process RSS). MEMORY USAGE
//! estimates a key from the sizes of the structures that hold it.

use crate::command::{Command, Ctx, KeySpec, acl, flags, ks};
use crate::db::hash::Hash;
use crate::db::set::{IntSet, Set};
use crate::db::zset::ZSet;
use crate::db::{StrValue, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::util::parse_i64;

const ALL_SHARDS_SPECIAL: &[&str] = &[
    "nondeterministic_output",
    "request_policy:all_shards",
    "response_policy:special",
];

/// In the order Redis 7.0 lists them (its subcommand table's iteration order).
pub static SUBCOMMANDS: [Command; 6] = [
    Command {
        flags: flags::LOADING | flags::STALE,
        acl: acl::SLOW,
        group: "server",
        since: "4.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("memory|help", 2, help)
    },
    Command {
        acl: acl::SLOW,
        tips: ALL_SHARDS_SPECIAL,
        group: "server",
        since: "4.0.0",
        summary: "Outputs memory problems report",
        complexity: "O(1)",
        ..Command::new("memory|doctor", 2, doctor)
    },
    Command {
        acl: acl::SLOW,
        tips: ALL_SHARDS_SPECIAL,
        group: "server",
        since: "4.0.0",
        summary: "Show allocator internal stats",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..Command::new("memory|malloc-stats", 2, malloc_stats)
    },
    Command {
        acl: acl::SLOW,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "server",
        since: "4.0.0",
        summary: "Ask the allocator to release memory",
        complexity: "Depends on how much memory is allocated, could be slow",
        ..Command::new("memory|purge", 2, purge)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SLOW,
        first_key: 2,
        last_key: 2,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO, 2, 0, 1)],
        group: "server",
        since: "4.0.0",
        summary: "Estimate the memory usage of a key",
        complexity: "O(N) where N is the number of samples.",
        ..Command::new("memory|usage", -3, usage)
    },
    Command {
        acl: acl::SLOW,
        tips: ALL_SHARDS_SPECIAL,
        group: "server",
        since: "4.0.0",
        summary: "Show memory usage details",
        complexity: "O(1)",
        ..Command::new("memory|stats", 2, stats)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    acl: acl::SLOW,
    group: "server",
    since: "4.0.0",
    summary: "A container for memory diagnostics commands",
    complexity: "Depends on subcommand.",
    subcommands: &SUBCOMMANDS,
    ..Command::new("memory", -2, help)
}];

const HELP: &[&str] = &[
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
];

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, HELP);
    Ok(())
}

/// Redis's default number of elements MEMORY USAGE samples (`OBJ_COMPUTE_SIZE_DEF_SAMPLES`).
const DEFAULT_SAMPLES: usize = 5;

fn usage(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut samples = DEFAULT_SAMPLES;
    let mut j = 3;
    while j < args.len() {
        if args[j].eq_ignore_ascii_case(b"samples") && j + 1 < args.len() {
            let n = parse_i64(&args[j + 1]).ok_or(CmdError::NotInteger)?;
            samples = match n {
                0 => usize::MAX,
                n if n < 0 => return Err(CmdError::Syntax),
                n => usize::try_from(n).unwrap_or(usize::MAX),
            };
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let (db, out) = ctx.db_out();
    let slot = db.slot_bytes();
    // As Redis, no expiry check and no hit/miss accounting: the key as it sits in the table.
    match db.entry_ref(&args[2]) {
        None => out.null(),
        Some(e) => out.int((args[2].len() + slot + value_bytes(&e.value, samples)) as i64),
    }
    Ok(())
}

/// Sum of `sizes` over a collection of `len` elements, extrapolated from the first `samples`.
fn sampled(len: usize, samples: usize, sizes: impl Iterator<Item = usize>) -> usize {
    let (n, sum) = sizes
        .take(samples.max(1))
        .fold((0usize, 0usize), |(n, s), x| (n + 1, s + x));
    if n == 0 {
        0
    } else {
        (sum as u128 * len as u128 / n as u128) as usize
    }
}

/// Bytes of a length-prefixed element in a flat buffer (LEB128 length + bytes).
fn varint_len(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}

/// Size of a boxed byte slice's handle.
const BOX: usize = size_of::<Box<[u8]>>();

/// Heap bytes a value owns (its inline part is counted in the key's slot).
fn value_bytes(v: &Value, samples: usize) -> usize {
    match v {
        Value::Str(StrValue::Int(_)) => 0,
        Value::Str(StrValue::Inline { .. }) => 0,
        Value::Str(StrValue::Heap(b)) => b.len(),
        Value::Str(StrValue::Raw(v)) => size_of::<Vec<u8>>() + v.capacity(),
        Value::List(l) => l.alloc_bytes(),
        Value::Set(s) => set_bytes(s, samples),
        Value::ZSet(z) => zset_bytes(z, samples),
        Value::Hash(h) => hash_bytes(h, samples),
    }
}

fn set_bytes(s: &Set, samples: usize) -> usize {
    match s {
        Set::Ints(IntSet::W16(v)) => v.capacity() * 2,
        Set::Ints(IntSet::W32(v)) => v.capacity() * 4,
        Set::Ints(IntSet::W64(v)) => v.capacity() * 8,
        Set::Table(t) => {
            t.memory_usage() + sampled(t.len(), samples, t.iter().map(|(m, _)| m.len()))
        }
    }
}

fn zset_bytes(z: &ZSet, samples: usize) -> usize {
    let len = z.len();
    if z.is_skiplist() {
        // Per element: the member twice (dict key and skiplist node), a dict slot (member
        // handle, score, hash and link) with its bucket, and a skiplist node (member handle,
        // score, back link, level vector) with ~1.33 levels of (next, span) on the heap.
        const DICT_SLOT: usize = BOX + 8 + 8 + 4;
        const NODE: usize = BOX + 8 + 4 + size_of::<Vec<u64>>() + 16;
        /// The skiplist's header node: 32 levels.
        const HEADER: usize = 32 * 8 + NODE;
        HEADER
            + sampled(
                len,
                samples,
                z.iter(0, false)
                    .map(|(m, _)| 2 * m.len() + DICT_SLOT + NODE),
            )
    } else {
        // A sorted vector of (member handle, score).
        sampled(
            len,
            samples,
            z.iter(0, false).map(|(m, _)| m.len() + BOX + 8),
        )
    }
}

fn hash_bytes(h: &Hash, samples: usize) -> usize {
    let len = h.len();
    if h.encoding() == "listpack" {
        // One flat buffer of length-prefixed fields and values.
        sampled(
            len,
            samples,
            h.iter()
                .map(|(f, v)| varint_len(f.len()) + f.len() + varint_len(v.len()) + v.len()),
        )
    } else {
        // A table of (field, value) handles with a hash/control word and a bucket per entry.
        const SLOT: usize = 2 * BOX + 8 + 8;
        sampled(
            len,
            samples,
            h.iter().map(|(f, v)| f.len() + v.len() + SLOT),
        )
    }
}

/// Redis's `redisMemOverhead`, from ferrokv's figures.
struct Overhead {
    peak: usize,
    total: usize,
    startup: usize,
    clients_normal: usize,
    /// (db index, keyspace table overhead) for each non-empty db.
    dbs: Vec<(usize, usize)>,
    overhead_total: usize,
    keys: usize,
    bytes_per_key: usize,
    dataset: usize,
    dataset_perc: f32,
    peak_perc: f32,
    rss: usize,
    nclients: usize,
}

fn overhead(ctx: &Ctx<'_>) -> Overhead {
    crate::alloc::update_peak();
    let total = crate::alloc::used();
    let peak = crate::alloc::peak().max(total);
    let startup = ctx.srv.used_memory_startup;
    let clients_normal: usize = ctx
        .srv
        .clients
        .iter()
        .filter_map(|(_, c)| c.as_ref())
        .map(|c| c.query.capacity() + c.reply.buf.capacity())
        .sum();
    let dbs: Vec<(usize, usize)> = ctx
        .srv
        .dbs
        .iter()
        .enumerate()
        .filter(|(_, db)| !db.is_empty())
        .map(|(i, db)| (i, db.table_overhead()))
        .collect();
    let keys = ctx.srv.dbs.iter().map(|db| db.len()).sum::<usize>();
    let overhead_total = startup + clients_normal + dbs.iter().map(|d| d.1).sum::<usize>();
    let dataset = total.saturating_sub(overhead_total);
    let net = if total > startup { total - startup } else { 1 };
    Overhead {
        peak,
        total,
        startup,
        clients_normal,
        dbs,
        overhead_total,
        keys,
        bytes_per_key: net.checked_div(keys).unwrap_or(0),
        dataset,
        dataset_perc: dataset as f32 * 100.0 / net as f32,
        peak_perc: total as f32 * 100.0 / peak.max(1) as f32,
        rss: crate::alloc::rss(),
        nclients: ctx.srv.clients.len(),
    }
}

fn stats(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let m = overhead(ctx);
    let out = &mut *ctx.out;
    let int = |out: &mut crate::resp::Reply, k: &str, v: i64| {
        out.bulk(k.as_bytes());
        out.int(v);
    };
    let ratio = |out: &mut crate::resp::Reply, k: &str, v: f32| {
        out.bulk(k.as_bytes());
        out.double(v as f64);
    };
    out.map(27 + m.dbs.len());
    int(out, "peak.allocated", m.peak as i64);
    int(out, "total.allocated", m.total as i64);
    int(out, "startup.allocated", m.startup as i64);
    int(out, "replication.backlog", 0);
    int(out, "clients.slaves", 0);
    int(out, "clients.normal", m.clients_normal as i64);
    int(out, "cluster.links", 0);
    int(out, "aof.buffer", 0);
    int(out, "lua.caches", 0);
    int(out, "functions.caches", 0);
    for &(i, main) in &m.dbs {
        out.bulk(format!("db.{i}").as_bytes());
        out.map(3);
        int(out, "overhead.hashtable.main", main as i64);
        // Expire times live in the entries (counted in main); there is no second table.
        int(out, "overhead.hashtable.expires", 0);
        int(out, "overhead.hashtable.slot-to-keys", 0);
    }
    int(out, "overhead.total", m.overhead_total as i64);
    int(out, "keys.count", m.keys as i64);
    int(out, "keys.bytes-per-key", m.bytes_per_key as i64);
    int(out, "dataset.bytes", m.dataset as i64);
    ratio(out, "dataset.percentage", m.dataset_perc);
    ratio(out, "peak.percentage", m.peak_perc);
    // The system allocator exposes no internals: allocated = active = used, resident = RSS.
    let (used, rss) = (m.total as i64, m.rss as i64);
    int(out, "allocator.allocated", used);
    int(out, "allocator.active", used);
    int(out, "allocator.resident", rss);
    ratio(out, "allocator-fragmentation.ratio", 1.0);
    int(out, "allocator-fragmentation.bytes", 0);
    let frag = m.rss as f32 / m.total.max(1) as f32;
    ratio(out, "allocator-rss.ratio", frag);
    int(out, "allocator-rss.bytes", rss - used);
    ratio(out, "rss-overhead.ratio", 1.0);
    int(out, "rss-overhead.bytes", 0);
    ratio(out, "fragmentation", frag);
    int(out, "fragmentation.bytes", rss - used);
    Ok(())
}

fn doctor(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let m = overhead(ctx);
    let report = doctor_report(&m);
    ctx.out.verbatim(report.as_bytes());
    Ok(())
}

/// Redis's `getMemoryDoctorReport`, over the same figures MEMORY STATS shows (allocator
/// fragmentation and non-allocator RSS are 1.0 here, so those two checks never fire).
fn doctor_report(m: &Overhead) -> String {
    const MB: usize = 1 << 20;
    if m.total < 5 * MB {
        return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n".into();
    }
    let frag = m.rss as f32 / m.total.max(1) as f32;
    let frag_bytes = m.rss.saturating_sub(m.total);
    let mut issues: Vec<&str> = Vec::new();
    if m.peak as f32 / m.total as f32 > 1.5 {
        issues.push(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n");
    }
    if frag > 1.4 && frag_bytes > 10 * MB {
        issues.push(" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"libc\".\n\n");
    }
    if frag > 1.1 && frag_bytes > 10 * MB {
        issues.push(" * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n");
    }
    if m.nclients > 0 && m.clients_normal / m.nclients > 200 * 1024 {
        issues.push(" * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n");
    }
    if issues.is_empty() {
        return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n".into();
    }
    let mut s =
        String::from("Sam, I detected a few issues in this Redis instance memory implants:\n\n");
    issues.iter().for_each(|i| s.push_str(i));
    s.push_str("I'm here to keep you safe, Sam. I want to help you.\n");
    s
}

/// A Redis built without jemalloc has no allocator statistics to print.
fn malloc_stats(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out
        .bulk(b"Stats not supported for the current allocator");
    Ok(())
}

fn purge(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    // Give freed heap pages back to the system (glibc keeps them otherwise).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by the allocator.
    unsafe {
        libc::malloc_trim(0);
    }
    ctx.out.ok();
    Ok(())
}
