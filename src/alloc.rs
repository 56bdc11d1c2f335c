//! The global allocator: the system allocator plus a byte counter, so INFO memory reports the
//! real `used_memory` (as Redis's zmalloc counts it) and its peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Counts live heap bytes. The server is single-threaded, so a plain load/store pair is enough;
/// other threads (test harnesses) may make the figure approximate, never unsafe.
pub struct Counting;

static USED: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static GLOBAL: Counting = Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            USED.store(USED.load(Relaxed).wrapping_add(l.size()), Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            USED.store(USED.load(Relaxed).wrapping_add(l.size()), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        USED.store(USED.load(Relaxed).wrapping_sub(l.size()), Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            USED.store(
                USED.load(Relaxed).wrapping_add(new).wrapping_sub(l.size()),
                Relaxed,
            );
        }
        q
    }
}

/// Live heap bytes.
pub fn used() -> usize {
    USED.load(Relaxed)
}

/// Highest `used()` seen by [`update_peak`] (called from the cron and INFO).
pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

pub fn update_peak() {
    let u = used();
    if u > PEAK.load(Relaxed) {
        PEAK.store(u, Relaxed);
    }
}

/// Resident set size of this process in bytes (from /proc/self/statm).
pub fn rss() -> usize {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as usize;
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |p| p * page)
}
