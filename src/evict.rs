//! `maxmemory` and key eviction, as Redis 7.0's `evict.c` does them.
//!
//! Before every command ([`crate::command::execute`] calls [`check_command`]) the server
//! compares the heap in use (the counting allocator's `used_memory`, less what Redis does not
//! count for eviction: here the AOF buffer not yet written) with `maxmemory`. Over it, keys are
//! evicted by `maxmemory-policy` until the excess is freed, for at most the time
//! `maxmemory-eviction-tenacity` allows per call (checked every 16 keys); the rest is left to
//! the next command and to the cron ([`cron`]), as Redis's eviction time proc does. If nothing
//! can be evicted (`noeviction`, or no candidate key left), commands flagged `denyoom`, an EXEC
//! of a transaction holding one, and any command queued inside MULTI are refused with the OOM
//! error.
//!
//! The LRU/LFU/TTL policies use Redis's approximation: each database gives
//! `maxmemory-samples` random keys (with a TTL for `volatile-*`), and the best of them enter a
//! pool of 16 candidates kept across calls; the best candidate still present is evicted. Each
//! eviction costs O(samples) per database, never a scan of the keyspace. The random policies
//! take a random key from the databases in turn.
//!
//! An evicted key is deleted as DEL deletes it (watchers see it modified) and counted in INFO's
//! `evicted_keys`. Memory is given back as the allocator sees it: the keyspace table keeps its
//! entries in 64 KiB chunks, so deleting a key whose key and value are stored inline frees
//! nothing until its chunk empties (the spare chunk is then freed at once, see
//! [`crate::db::Db::evict_remove`]); a write may also take a new chunk and leave `used_memory`
//! up to that much above the limit until the next command evicts.

use std::time::{Duration, Instant};

use crate::client::ClientState;
use crate::command::{Command, flags};
use crate::server::ServerState;

/// The error a refused command gets (Redis's `shared.oomerr`).
pub const OOM_ERR: &[u8] = b"OOM command not allowed when used memory > 'maxmemory'.";
/// The error an EXEC of a transaction with a `denyoom` command gets when out of memory
/// (Redis's `execCommandAbort`).
pub const EXEC_OOM_ERR: &[u8] = b"EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.";

/// Candidates kept between evictions (`EVPOOL_SIZE`).
const POOL_SIZE: usize = 16;
/// Cron time for evictions left over by commands (Redis's time proc runs every loop turn).
const CRON_BUDGET: Duration = Duration::from_millis(25);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Policy {
    NoEviction,
    /// Sampled into the pool: `lfu` picks the score, `ttl` scores by expire time.
    Pool {
        volatile: bool,
        lfu: bool,
        ttl: bool,
    },
    Random {
        volatile: bool,
    },
}

fn policy(name: &str) -> Policy {
    match name {
        "allkeys-lru" => Policy::Pool {
            volatile: false,
            lfu: false,
            ttl: false,
        },
        "volatile-lru" => Policy::Pool {
            volatile: true,
            lfu: false,
            ttl: false,
        },
        "allkeys-lfu" => Policy::Pool {
            volatile: false,
            lfu: true,
            ttl: false,
        },
        "volatile-lfu" => Policy::Pool {
            volatile: true,
            lfu: true,
            ttl: false,
        },
        "volatile-ttl" => Policy::Pool {
            volatile: true,
            lfu: false,
            ttl: true,
        },
        "allkeys-random" => Policy::Random { volatile: false },
        "volatile-random" => Policy::Random { volatile: true },
        _ => Policy::NoEviction,
    }
}

/// What one round of evictions ended with (Redis's `EVICT_OK/RUNNING/FAIL`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// Within the limit (or evictions are not safe now).
    Ok,
    /// Still over, out of time for this call: more is evicted later.
    Running,
    /// Still over and nothing more can be evicted.
    Fail,
}

/// One pool candidate: its score (higher is evicted first), database and key.
struct Candidate {
    score: u64,
    db: usize,
    key: Vec<u8>,
}

/// Eviction state kept by the server between calls.
#[derive(Default)]
pub struct EvictState {
    /// Sorted by score, ascending: the best candidate is last.
    pool: Vec<Candidate>,
    /// Database the random policies try first (rotates).
    next_db: usize,
    /// A call ran out of time with memory still to free: the cron goes on.
    running: bool,
    /// `maxmemory` as last seen, to notice CONFIG SET lowering it.
    last_maxmemory: u64,
    /// The cron ran once (the limit it first sees comes from the config, not CONFIG SET).
    seen: bool,
}

/// Memory Redis does not count against `maxmemory` (`freeMemoryGetNotCountedMemory`): the
/// replicas' output buffers and the AOF bytes not yet written.
pub fn not_counted(srv: &ServerState) -> usize {
    let replicas: usize = srv
        .repl
        .replicas
        .iter()
        .filter_map(|r| srv.clients.get(r.token)?.as_ref())
        .map(|c| c.reply.buf.capacity())
        .sum();
    srv.persist.aof.pending_len() + replicas
}

/// Bytes to free to be within `maxmemory`, or `None` when within it (Redis's
/// `getMaxmemoryState`).
fn to_free(srv: &ServerState) -> Option<usize> {
    let max = srv.config.maxmemory;
    let used = crate::alloc::used() as u64;
    if max == 0 || used <= max {
        return None;
    }
    let used = used.saturating_sub(not_counted(srv) as u64);
    (used > max).then(|| (used - max) as usize)
}

/// Evicting is pointless or wrong now (Redis's `isSafeToPerformEvictions`): while loading, or
/// while clients are paused (the dataset must not change). Redis also never evicts on a replica
/// with `replica-ignore-maxmemory yes` (the default): to add here with replication.
fn unsafe_now(srv: &ServerState, now_ms: i64) -> bool {
    srv.persist.aof.loading || srv.pause.pauses_writes(now_ms)
}

/// Per-call time limit (Redis's `evictionTimeLimitUs`): 50 µs per tenacity step up to 10, then
/// 15% more per step, unlimited at 100.
fn time_limit(tenacity: u32) -> Duration {
    match tenacity {
        0..=10 => Duration::from_micros(50 * tenacity as u64),
        11..=99 => Duration::from_micros((500.0 * 1.15f64.powi(tenacity as i32 - 10)) as u64),
        _ => Duration::MAX,
    }
}

fn config_num(srv: &ServerState, name: &str, default: u32) -> u32 {
    srv.config.val(name).parse().unwrap_or(default)
}

/// Evicts keys until memory is within `maxmemory` or the time limit is hit (Redis's
/// `performEvictions`).
pub fn perform(srv: &mut ServerState, now_ms: i64) -> Outcome {
    if unsafe_now(srv, now_ms) {
        return Outcome::Ok;
    }
    let res = match to_free(srv) {
        None => Outcome::Ok,
        Some(tofree) => evict_until(srv, tofree),
    };
    srv.evict.running = res == Outcome::Running;
    update_metrics(srv, res);
    res
}

fn evict_until(srv: &mut ServerState, tofree: usize) -> Outcome {
    let policy = policy(&srv.config.maxmemory_policy);
    if policy == Policy::NoEviction {
        return Outcome::Fail;
    }
    let samples = config_num(srv, "maxmemory-samples", 5).max(1) as usize;
    let limit = time_limit(config_num(srv, "maxmemory-eviction-tenacity", 10));
    let start = Instant::now();
    let (mut freed, mut keys) = (0usize, 0u64);
    while freed < tofree {
        let Some((db, key)) = pick(srv, policy, samples) else {
            return Outcome::Fail;
        };
        let before = crate::alloc::used();
        delete(srv, db, &key);
        freed += before.saturating_sub(crate::alloc::used());
        keys += 1;
        if keys % 16 == 0 {
            // Freeing can also shrink tables and arenas: look at the real figure.
            if to_free(srv).is_none() {
                break;
            }
            if start.elapsed() > limit {
                return Outcome::Running;
            }
        }
    }
    Outcome::Ok
}

/// Deletes an evicted key as DEL would, and counts it.
fn delete(srv: &mut ServerState, db: usize, key: &[u8]) {
    let Some(d) = srv.dbs.get_mut(db) else {
        return;
    };
    if d.evict_remove(key).is_none() {
        return;
    }
    srv.stats.evicted_keys += 1;
    // Redis's signalModifiedKey: watchers of the key see it changed.
    if !srv.watches.is_empty() {
        srv.watches.touch(db, key, &srv.dbs[db]);
    }
    // Redis's propagateDeletion: DEL, or UNLINK under lazyfree-lazy-eviction, on its own.
    crate::persist::propagate::deletion(srv, db, key, "lazyfree-lazy-eviction");
}

/// The next key to evict: its database and name.
fn pick(srv: &mut ServerState, policy: Policy, samples: usize) -> Option<(usize, Vec<u8>)> {
    match policy {
        Policy::NoEviction => None,
        Policy::Random { volatile } => {
            let n = srv.dbs.len();
            for _ in 0..n {
                let i = srv.evict.next_db % n;
                srv.evict.next_db = (i + 1) % n;
                let seed = srv.rng.next_u64();
                if let Some(k) = srv.dbs[i].evict_random(volatile, seed) {
                    return Some((i, k.into_vec()));
                }
            }
            None
        }
        Policy::Pool { volatile, lfu, ttl } => {
            // Redis loops until a candidate is found; a present key is always found at once, so
            // the bound only guards against surprises.
            for _ in 0..16 {
                let mut total = 0;
                for i in 0..srv.dbs.len() {
                    let db = &srv.dbs[i];
                    let size = if volatile { db.expires_len() } else { db.len() };
                    if size == 0 {
                        continue;
                    }
                    total += size;
                    let seed = srv.rng.next_u64();
                    let pool = &mut srv.evict.pool;
                    db.evict_sample(samples, volatile, seed, |k, e| {
                        let score = if ttl {
                            u64::MAX - e.expire_ms as u64
                        } else {
                            crate::db::lfu::eviction_score(e.lru, lfu)
                        };
                        pool_insert(pool, score, i, k);
                    });
                }
                if total == 0 {
                    return None;
                }
                while let Some(c) = srv.evict.pool.pop() {
                    let present = srv.dbs.get(c.db).and_then(|d| d.entry_ref(&c.key));
                    if present.is_some_and(|e| !volatile || e.expire_ms != crate::db::NO_EXPIRE) {
                        return Some((c.db, c.key));
                    }
                }
            }
            None
        }
    }
}

/// Puts a sampled key in the pool if it beats the worst candidate or there is room (Redis's
/// `evictionPoolPopulate`), reusing the dropped candidate's buffer.
fn pool_insert(pool: &mut Vec<Candidate>, score: u64, db: usize, key: &[u8]) {
    let k = pool.iter().take_while(|c| c.score < score).count();
    if pool.len() < POOL_SIZE {
        let key = key.to_vec();
        pool.insert(k, Candidate { score, db, key });
        return;
    }
    if k == 0 {
        return;
    }
    let mut c = pool.remove(0);
    c.key.clear();
    c.key.extend_from_slice(key);
    c.score = score;
    c.db = db;
    pool.insert(k - 1, c);
}

/// INFO's eviction-exceeded times (Redis's `update_metrics` label).
fn update_metrics(srv: &mut ServerState, res: Outcome) {
    let st = &mut srv.stats;
    match (res, st.eviction_exceeded_since) {
        (Outcome::Running | Outcome::Fail, None) => {
            st.eviction_exceeded_since = Some(Instant::now())
        }
        (Outcome::Ok, Some(t)) => {
            st.total_eviction_exceeded_us += t.elapsed().as_micros() as u64;
            st.eviction_exceeded_since = None;
        }
        _ => {}
    }
}

/// `current_eviction_exceeded_time` and `total_eviction_exceeded_time` in ms, for INFO stats.
pub fn exceeded_times_ms(srv: &ServerState) -> (u64, u64) {
    let cur = srv
        .stats
        .eviction_exceeded_since
        .map_or(0, |t| t.elapsed().as_micros() as u64);
    (
        cur / 1000,
        (srv.stats.total_eviction_exceeded_us + cur) / 1000,
    )
}

/// The pre-command check of Redis's `processCommand`: evicts as needed, and returns the error
/// to refuse `cmd` with when memory is still over the limit. A command inside MULTI other than
/// EXEC/DISCARD/QUIT/RESET is refused too (a queue could grow without bound); a command that
/// is not allowed in MULTI at all gets that error instead, as it is checked first.
pub fn check_command(
    srv: &mut ServerState,
    client: &ClientState,
    cmd: &Command,
) -> Option<&'static [u8]> {
    let now_ms = srv.clock.unix_ms(srv.cmd_clock);
    let oom = perform(srv, now_ms) == Outcome::Fail;
    if !oom {
        return None;
    }
    match &client.multi {
        Some(_) if cmd.flags & flags::NO_MULTI != 0 => None,
        Some(m) if cmd.name == "exec" => m
            .cmds
            .iter()
            .any(|(c, _)| c.flags & flags::DENYOOM != 0)
            .then_some(EXEC_OOM_ERR),
        Some(_) if matches!(cmd.name, "discard" | "quit" | "reset") => None,
        Some(_) => Some(OOM_ERR),
        None => (cmd.flags & flags::DENYOOM != 0).then_some(OOM_ERR),
    }
}

/// From the server cron: notices `maxmemory` lowered below the memory in use (Redis warns and
/// starts its eviction time proc from CONFIG SET), and goes on with evictions a command left
/// unfinished, for a bounded time.
pub fn cron(srv: &mut ServerState, now_ms: i64) {
    let max = srv.config.maxmemory;
    let first = !std::mem::replace(&mut srv.evict.seen, true);
    if max != srv.evict.last_maxmemory {
        srv.evict.last_maxmemory = max;
        let over = max != 0 && to_free(srv).is_some();
        srv.evict.running |= over;
        if over && !first {
            log::warn!(
                "WARNING: the new maxmemory value set via CONFIG SET ({max}) is smaller than the current memory usage ({}). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.",
                crate::alloc::used()
            );
        }
    }
    if !srv.evict.running {
        return;
    }
    let start = Instant::now();
    while perform(srv, now_ms) == Outcome::Running && start.elapsed() < CRON_BUDGET {}
    if srv.config.maxmemory == 0 {
        srv.evict.running = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_keeps_the_best_sixteen_sorted() {
        let mut pool = Vec::new();
        for s in [
            5u64, 1, 9, 3, 7, 20, 0, 11, 13, 2, 4, 6, 8, 10, 12, 14, 15, 16, 17, 18,
        ] {
            pool_insert(&mut pool, s, 0, s.to_string().as_bytes());
        }
        let scores: Vec<u64> = pool.iter().map(|c| c.score).collect();
        assert_eq!(scores, (4..=18).chain([20]).collect::<Vec<_>>());
        assert_eq!(pool[15].key, b"20");
    }

    #[test]
    fn tenacity_limits() {
        assert_eq!(time_limit(10), Duration::from_micros(500));
        assert_eq!(time_limit(0), Duration::ZERO);
        assert_eq!(time_limit(100), Duration::MAX);
    }
}
