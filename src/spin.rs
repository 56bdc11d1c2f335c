//! Adaptive spin before the event loop sleeps.
//!
//! Waking a thread blocked in `epoll_wait` costs the *waker* (the client's `write` goes through
//! the scheduler and, on a VM, an inter-processor interrupt) and the sleeper (a trip through
//! the idle loop). Under load the next request usually arrives a few microseconds after the
//! loop runs dry, so polling without a timeout for a short while catches it with no wake-up
//! at all: measured with redis-benchmark on this 2-core VM, both the client's and the server's
//! CPU per request drop.
//!
//! The spin is bounded and adaptive, like an adaptive mutex: the loop keeps a moving average of
//! how long it waited for its next event and spins only while that average is short (a busy
//! server), for about twice that average and never more than [`MAX_SPIN_US`]. A server with a
//! slow trickle of requests (long gaps) sleeps at once and costs no CPU.

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

/// The moving average of the gaps between the loop running dry and its next event.
pub struct Spin {
    /// Average gap in microseconds, scaled by 8 (an exponential average with weight 1/8).
    avg8: u64,
    /// When the loop last ran dry (in ticks), while a gap is being measured.
    idle_since: Option<u64>,
}

impl Spin {
    pub fn new() -> Self {
        Spin {
            avg8: GAP_CAP_US * 8,
            idle_since: None,
        }
    }

    /// The loop has no work left: starts timing the gap and says how long to spin (zero: sleep
    /// at once).
    pub fn start_idle(&mut self) -> Duration {
        self.idle_since = Some(ticks());
        let avg = self.avg8 / 8;
        if avg > MAX_SPIN_US {
            return Duration::ZERO;
        }
        Duration::from_micros((SPIN_FACTOR * avg).clamp(1, MAX_SPIN_US))
    }

    /// Microseconds since [`Spin::start_idle`].
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
}

impl Default for Spin {
    fn default() -> Self {
        Self::new()
    }
}
