//! The access clock each key keeps in [`super::Entry::lru`], as Redis keeps `robj.lru`: with an
//! LFU `maxmemory-policy` (`allkeys-lfu`, `volatile-lfu`) the 24 bits hold a 16-bit decay time
//! in minutes and an 8-bit logarithmic access counter; otherwise the LRU clock in seconds.
//!
//! The policy and the LFU parameters are process-wide (like the cached LRU clock), set by
//! [`configure`] whenever the configuration changes. Switching policy leaves existing keys'
//! fields as they are, so they read as the other kind until touched, as in Redis.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::Relaxed};

/// The counter a new key starts with (`LFU_INIT_VAL`).
pub const LFU_INIT_VAL: u32 = 5;

static LFU: AtomicBool = AtomicBool::new(false);
static LOG_FACTOR: AtomicU32 = AtomicU32::new(10);
static DECAY_TIME: AtomicU32 = AtomicU32::new(1);
/// Small integers are shared objects (`maxmemory` 0 or a policy that is not LRU/LFU).
static SHARED_INTS: AtomicBool = AtomicBool::new(true);
/// The field Redis's shared integers were created with at start-up (0: not set yet).
static SHARED_LRU: AtomicU32 = AtomicU32::new(0);
static RNG: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);

/// Applies `maxmemory-policy`, `maxmemory`, `lfu-log-factor` and `lfu-decay-time`.
pub fn configure(policy: &str, maxmemory: u64, log_factor: u32, decay_time: u32) {
    let lfu = policy.ends_with("-lfu");
    LFU.store(lfu, Relaxed);
    LOG_FACTOR.store(log_factor, Relaxed);
    DECAY_TIME.store(decay_time, Relaxed);
    SHARED_INTS.store(
        maxmemory == 0 || !(lfu || policy.ends_with("-lru")),
        Relaxed,
    );
    if SHARED_LRU.load(Relaxed) == 0 {
        SHARED_LRU.store(new_lru().max(1), Relaxed);
    }
}

/// An LFU policy is selected.
pub fn enabled() -> bool {
    LFU.load(Relaxed)
}

/// Small integer values are shared objects (OBJECT REFCOUNT 2147483647).
pub fn shared_ints() -> bool {
    SHARED_INTS.load(Relaxed)
}

/// The field of the shared integer objects (made at start-up, never touched here).
pub fn shared_lru() -> u32 {
    match SHARED_LRU.load(Relaxed) {
        0 => new_lru(),
        v => v,
    }
}

/// The field of a new object: LFU decay time and [`LFU_INIT_VAL`], or the LRU clock.
pub fn new_lru() -> u32 {
    if enabled() {
        (minutes() << 8) | LFU_INIT_VAL
    } else {
        super::lru_clock()
    }
}

/// Records an access (Redis's `lookupKey` touch): the LRU clock, or under LFU the decayed
/// counter incremented with probability `1 / ((counter - 5) * lfu-log-factor + 1)`.
pub fn touch(lru: &mut u32) {
    if NO_TOUCH.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    if enabled() {
        let c = log_incr(decayed(*lru));
        *lru = (minutes() << 8) | c;
    } else {
        *lru = super::lru_clock();
    }
}

/// The counter after decay: one less per `lfu-decay-time` minutes since the last access
/// (Redis's `LFUDecrAndReturn`).
pub fn decayed(lru: u32) -> u32 {
    let ldt = lru >> 8;
    let counter = lru & 255;
    let period = DECAY_TIME.load(Relaxed);
    let periods = elapsed_minutes(ldt).checked_div(period).unwrap_or(0);
    counter.saturating_sub(periods)
}

/// Minutes clock, 16 bits (Redis's `LFUGetTimeInMinutes`).
fn minutes() -> u32 {
    ((crate::util::now_ms() / 60_000) & 0xFFFF) as u32
}

fn elapsed_minutes(ldt: u32) -> u32 {
    let now = minutes();
    if now >= ldt {
        now - ldt
    } else {
        65535 - ldt + now
    }
}

/// Redis's `LFULogIncr`.
fn log_incr(counter: u32) -> u32 {
    if counter >= 255 {
        return 255;
    }
    let r = random_unit();
    let base = counter.saturating_sub(LFU_INIT_VAL) as f64;
    let p = 1.0 / (base * LOG_FACTOR.load(Relaxed) as f64 + 1.0);
    if r < p { counter + 1 } else { counter }
}

/// A uniform draw in [0, 1) (xorshift64*; quality is ample for a counter's coin flips).
fn random_unit() -> f64 {
    let mut x = RNG.load(Relaxed);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    RNG.store(x, Relaxed);
    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Milliseconds since the access recorded in an LRU field (Redis's `estimateObjectIdleTime`:
/// the 24-bit seconds clock, wrapping).
pub fn idle_ms(lru: u32) -> u64 {
    let now = super::lru_clock();
    let secs = if now >= lru {
        now - lru
    } else {
        (0xFF_FFFF - lru) + now
    };
    secs as u64 * 1000
}

/// How good an eviction candidate a key is by its access field, higher is better (Redis's
/// `evictionPoolPopulate`): the idle time under LRU, `255 - decayed counter` under LFU.
pub fn eviction_score(lru: u32, lfu: bool) -> u64 {
    if lfu {
        255 - decayed(lru).min(255) as u64
    } else {
        idle_ms(lru)
    }
}

/// Set while a CLIENT NO-TOUCH client's command runs: accesses leave the field alone.
static NO_TOUCH: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called around each command (Redis checks the current client in `lookupKey`).
pub fn set_no_touch(on: bool) {
    NO_TOUCH.store(on, std::sync::atomic::Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_grows_logarithmically() {
        // log_incr alone (no decay): with factor 10, about 100 hits reach 10.
        LOG_FACTOR.store(10, Relaxed);
        let mut c = LFU_INIT_VAL;
        for _ in 0..100 {
            c = log_incr(c);
        }
        assert!((6..=15).contains(&c), "{c}");
        assert_eq!(log_incr(255), 255);
    }
}
