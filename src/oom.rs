//! `oom-score-adj` (Redis's `setOOMScoreAdj`): with it on, the server writes its class's value
//! of `oom-score-adj-values` (main process, replica, background child) to
//! /proc/self/oom_score_adj, relative to the value it found there first (`yes`/`relative`) or
//! as is (`absolute`), clamped to -1000..=1000; turning it off puts that first value back.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering::Relaxed};

use crate::config::Config;
use crate::persist::Logged;

/// The process classes, as indices into `oom-score-adj-values`.
pub const MASTER: usize = 0;
pub const BGCHILD: usize = 2;

const PATH: &str = "/proc/self/oom_score_adj";

/// Whether ferrokv has changed the score, and the score it found before.
static ADJUSTED: AtomicBool = AtomicBool::new(false);
static BASE: AtomicI64 = AtomicI64::new(0);

/// Applies the configuration for `class`. Err (after logging) when /proc cannot be read or
/// written.
pub fn apply(cfg: &Config, class: usize) -> Result<(), Logged> {
    let mode = cfg.val("oom-score-adj");
    let val = if mode != "no" {
        if !ADJUSTED.load(Relaxed) {
            let base = std::fs::read_to_string(PATH).map_err(|e| {
                log::warn!(
                    "Unable to read oom_score_adj: {}",
                    crate::persist::strerror(&e)
                );
                Logged
            })?;
            BASE.store(base.trim().parse().unwrap_or(0), Relaxed);
            ADJUSTED.store(true, Relaxed);
        }
        let v: i64 = cfg
            .val("oom-score-adj-values")
            .split(' ')
            .nth(class)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let v = if mode == "absolute" {
            v
        } else {
            v + BASE.load(Relaxed)
        };
        v.clamp(-1000, 1000)
    } else if ADJUSTED.swap(false, Relaxed) {
        BASE.load(Relaxed)
    } else {
        return Ok(());
    };
    std::fs::write(PATH, format!("{val}\n")).map_err(|e| {
        log::warn!(
            "Unable to write oom_score_adj: {}",
            crate::persist::strerror(&e)
        );
        Logged
    })
}
