//! How the event loop waits once it runs out of work: spin, doze, then sleep.
//!
//! A loop blocked in `epoll_wait` has to be woken by whoever writes to one of its sockets, and
//! that wake-up (the scheduler, an inter-processor interrupt, on a VM a trip through the
//! hypervisor) is paid by the *writer*: the client. Measured with redis-benchmark on this
//! 2-core VM, each wake-up cost the client several microseconds; at -P 16 with 50 clients,
//! where ferrokv runs dry more often than Redis because it needs less CPU per request, that
//! alone made the client 2–4% slower against ferrokv.
//!
//! So a busy loop (a short average gap between running dry and its next event) waits in steps:
//! 1. **Spin:** poll without a timeout for about twice the average gap, at most
//!    [`MAX_SPIN_US`]. Most gaps are a few microseconds and end here, neither side sleeping,
//!    which also keeps a single client's round trips short.
//! 2. **Doze:** sleep on a short timer and poll again, for at most [`MAX_DOZE_US`]. A client
//!    writing meanwhile wakes nobody (the loop is not in the poll's wait queue); the loop sees
//!    the request when its timer fires.
//! 3. **Sleep** in the poll until an event or the timeout.
//!
//! Dozing delays the requests that end it, which pays only while the clients have other work
//! to do meanwhile, as with many busy connections. A doze that wakes to find three quarters of
//! the recently active clients ready means they were all waiting on the loop; when two dozes in
//! a row find that (latency-bound clients), dozing stops for the next [`DOZE_BACKOFF`] idle
//! periods. A server with a slow trickle of requests (long gaps) sleeps at once and costs no
//! CPU.

use std::time::Duration;

use crate::util::{ticks, ticks_to_us};

/// Longest spin, in microseconds.
pub const MAX_SPIN_US: u64 = 50;
/// The spin lasts this many average gaps: with 3 or 4 the server's CPU per request at
/// redis-benchmark -P 1 rose a few % over Redis's for no measurable gain at -P 16.
const SPIN_FACTOR: u64 = 2;
/// Gaps longer than this count as this much, so one long idle period does not take long to
/// forget once load returns.
const GAP_CAP_US: u64 = 1000;
/// One doze: the timer asked for. The kernel's timer slack (50 µs by default) may add to it.
pub const DOZE_STEP: Duration = Duration::from_micros(10);
/// Longest doze before sleeping in the poll, in microseconds.
pub const MAX_DOZE_US: u64 = 200;
/// Fewer recently active clients than this never doze: each of them would wait on the timer.
const MIN_DOZE_CLIENTS: u32 = 8;
/// Idle periods without dozing once dozes found the clients waiting on them.
const DOZE_BACKOFF: u32 = 4096;
/// Consecutive dozes that found the clients waiting before dozing backs off: many busy
/// clients now and then all end up waiting on one doze, latency-bound ones on every doze.
const STALLS_TO_BACK_OFF: u32 = 2;
/// Clients count as recently active for this long after their last read, in microseconds.
const ACTIVE_WINDOW_US: u64 = 2000;

/// What the loop should do now that it has run dry.
pub struct Plan {
    /// Poll without a timeout for this long (zero: do not spin).
    pub spin: Duration,
    /// Then doze (see the module comment) before sleeping.
    pub doze: bool,
}

/// The loop's idle statistics: the moving average of its gaps, the clients active lately and
/// the doze back-off.
pub struct Idle {
    /// Average gap in microseconds, scaled by 8 (an exponential average with weight 1/8).
    avg8: u64,
    /// When the loop last ran dry (in ticks), while a gap is being measured.
    idle_since: Option<u64>,
    /// Idle periods left before dozing is tried again.
    backoff: u32,
    /// Consecutive dozes that found the clients waiting on them.
    stalls: u32,
    /// Number of the current activity window; a client stamped with it was counted in it.
    epoch: u32,
    /// When the current window began, in ticks.
    epoch_start: u64,
    /// Distinct clients read in the current and in the previous window.
    active_now: u32,
    active_before: u32,
}

impl Idle {
    pub fn new() -> Self {
        Idle {
            avg8: GAP_CAP_US * 8,
            idle_since: None,
            backoff: 0,
            stalls: 0,
            epoch: 1,
            epoch_start: ticks(),
            active_now: 0,
            active_before: 0,
        }
    }

    /// A client's input was read: counts it once per window. `stamp` is the client's own
    /// record of the last window it was counted in (0 before any).
    pub fn client_active(&mut self, stamp: &mut u32) {
        if *stamp != self.epoch {
            *stamp = self.epoch;
            self.active_now += 1;
        }
    }

    /// Distinct clients read lately (in the current or the previous window).
    fn active(&self) -> u32 {
        self.active_now.max(self.active_before)
    }

    /// The loop has no work left: starts timing the gap and says how to wait.
    pub fn start(&mut self) -> Plan {
        let now = ticks();
        self.idle_since = Some(now);
        let elapsed = ticks_to_us(self.epoch_start, now);
        if elapsed >= ACTIVE_WINDOW_US {
            // A window with no idle period in it still counts as the previous one.
            self.active_before = if elapsed < 2 * ACTIVE_WINDOW_US {
                self.active_now
            } else {
                0
            };
            self.active_now = 0;
            self.epoch = self.epoch.wrapping_add(1).max(1);
            self.epoch_start = now;
        }
        let avg = self.avg8 / 8;
        if avg > MAX_SPIN_US {
            return Plan {
                spin: Duration::ZERO,
                doze: false,
            };
        }
        let doze = if self.backoff > 0 {
            self.backoff -= 1;
            false
        } else {
            self.active() >= MIN_DOZE_CLIENTS
        };
        Plan {
            spin: Duration::from_micros((SPIN_FACTOR * avg).clamp(1, MAX_SPIN_US)),
            doze,
        }
    }

    /// Microseconds since [`Idle::start`].
    pub fn idle_us(&self) -> u64 {
        self.idle_since.map_or(0, |t| ticks_to_us(t, ticks()))
    }

    /// An event arrived: the gap (if one was being timed) goes into the average.
    pub fn woke(&mut self) {
        if self.idle_since.is_some() {
            let gap = self.idle_us().min(GAP_CAP_US);
            self.avg8 = self.avg8 - self.avg8 / 8 + gap;
            self.idle_since = None;
        }
    }

    /// A doze ended with `ready` events. Three quarters or more of the active clients among
    /// them means they were all waiting on the loop; twice in a row, and dozing backs off.
    pub fn woke_from_doze(&mut self, ready: usize) {
        if ready.saturating_mul(4) >= self.active() as usize * 3 {
            self.stalls += 1;
            if self.stalls >= STALLS_TO_BACK_OFF {
                self.stalls = 0;
                self.backoff = DOZE_BACKOFF;
            }
        } else {
            self.stalls = 0;
        }
        self.woke();
    }
}

impl Default for Idle {
    fn default() -> Self {
        Self::new()
    }
}
