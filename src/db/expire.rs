//! Active expiry (Redis's `activeExpireCycle`): each database walks its table with a
//! persistent SCAN cursor, deleting expired keys among the keys with a TTL it meets, and repeats
//! while more than 10% of a sample had expired, within a time budget. The slow cycle runs from
//! the cron with 25% of a cron period; the fast cycle runs before the loop sleeps, for 1 ms at
//! most every 2 ms, and only while the previous cycle ran out of time (many keys expiring).
//! Lazy expiry on access (in `Db`) covers everything else.

use std::time::{Duration, Instant};

use super::{Db, NO_EXPIRE};

/// Keys with a TTL sampled per round (`ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
const KEYS_PER_LOOP: usize = 20;
/// Stop repeating once at most this percentage of a sample was expired.
const ACCEPTABLE_STALE: usize = 10;
/// Share of a cron period a slow cycle may use (`ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC`).
const TIME_PERC: u64 = 25;
/// Length of a fast cycle (`ACTIVE_EXPIRE_CYCLE_FAST_DURATION`); one starts at most every
/// twice that.
const FAST_DURATION: Duration = Duration::from_micros(1000);

/// What one cycle did, for INFO stats.
#[derive(Default, Debug, Clone, Copy)]
pub struct CycleStats {
    pub sampled: u64,
    pub expired: u64,
    pub time_cap_reached: bool,
}

/// State carried between cycles: whether the last one ran out of time, and when the last
/// fast cycle started.
#[derive(Default, Debug)]
pub struct ExpireState {
    timelimit_exit: bool,
    last_fast: Option<Instant>,
}

impl ExpireState {
    /// The time budget of the next cycle, or `None` when it should not run. A fast cycle runs
    /// only after a cycle that hit its time limit (Redis 7.0 also names a stale-percentage
    /// condition, but compares a fraction with a percentage, so only the time limit counts).
    pub fn budget(&mut self, fast: bool, hz: u32) -> Option<Duration> {
        if !fast {
            return Some(Duration::from_micros(
                1_000_000 * TIME_PERC / 100 / hz.max(1) as u64,
            ));
        }
        if !self.timelimit_exit {
            return None;
        }
        let now = Instant::now();
        if self.last_fast.is_some_and(|t| now < t + FAST_DURATION * 2) {
            return None;
        }
        self.last_fast = Some(now);
        Some(FAST_DURATION)
    }

    /// Records how a cycle ended.
    pub fn finished(&mut self, st: &CycleStats) {
        self.timelimit_exit = st.time_cap_reached;
    }
}

/// Runs one cycle over `dbs` at time `now` (Unix ms) within `budget`.
pub fn active_expire_cycle(dbs: &mut [Db], now: i64, budget: Duration) -> CycleStats {
    let start = Instant::now();
    let mut st = CycleStats::default();
    for db in dbs.iter_mut() {
        let mut iteration = 0u64;
        loop {
            if db.expires == 0 {
                db.avg_ttl = 0;
                break;
            }
            iteration += 1;
            let (sampled, expired, ttl_sum) = db.expire_round(now);
            st.sampled += sampled as u64;
            st.expired += expired as u64;
            let alive = sampled - expired;
            if alive > 0 {
                // Redis's running estimate: 2% of the new sample's mean per round.
                let avg = ttl_sum / alive as i64;
                db.avg_ttl = if db.avg_ttl == 0 {
                    avg
                } else {
                    db.avg_ttl / 50 * 49 + avg / 50
                };
            }
            if iteration.is_multiple_of(16) && start.elapsed() > budget {
                st.time_cap_reached = true;
                return st;
            }
            if sampled > 0 && expired * 100 / sampled <= ACCEPTABLE_STALE {
                break;
            }
            if sampled == 0 && db.expire_cursor == 0 {
                break;
            }
        }
    }
    st
}

impl Db {
    /// One round: walks buckets from the expire cursor until [`KEYS_PER_LOOP`] keys with a TTL
    /// were seen (or 20 times as many buckets), deleting the expired ones. Returns (keys with a
    /// TTL seen, of which expired, sum of the remaining TTLs in ms).
    fn expire_round(&mut self, now: i64) -> (usize, usize, i64) {
        let want = KEYS_PER_LOOP.min(self.expires);
        let max_buckets = want * 20;
        let (mut sampled, mut ttl_sum, mut buckets) = (0usize, 0i64, 0usize);
        let mut doomed: Vec<super::sbytes::KeyBytes> = Vec::new();
        let mut cursor = self.expire_cursor;
        while sampled < want && buckets < max_buckets {
            cursor = self.dict.scan(cursor, |k, e| {
                if e.expire_ms == NO_EXPIRE {
                    return;
                }
                sampled += 1;
                if e.expire_ms <= now {
                    doomed.push(k.clone());
                } else {
                    // Wraps as Redis's `long long` sum does: TTLs can reach i64::MAX ms.
                    ttl_sum = ttl_sum.wrapping_add(e.expire_ms - now);
                }
            });
            buckets += 1;
            if cursor == 0 {
                break;
            }
        }
        self.expire_cursor = cursor;
        let expired = doomed.len();
        for k in doomed {
            self.remove(&k);
            self.log_expired(&k);
        }
        self.expired += expired as u64;
        (sampled, expired, ttl_sum)
    }
}
