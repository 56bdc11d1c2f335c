//! Per-command latency histograms for INFO latencystats, laid out like the HdrHistogram Redis
//! uses (lowest value 1 ns, highest 1 s, 2 significant digits), so percentiles come out as the
//! same bucket bounds Redis prints (a 1 µs command shows as `1.003`).

/// Sub-buckets per bucket (`2 * 10^2` rounded up to a power of two) and its halves.
const SUB_BUCKET_COUNT: u64 = 256;
const SUB_BUCKET_HALF_MAG: u32 = 7;
const SUB_BUCKET_HALF: u64 = 128;
/// Values are clamped to this many nanoseconds (`LATENCY_HISTOGRAM_MAX_VALUE`).
const MAX_VALUE: u64 = 1_000_000_000;
/// Buckets needed to reach [`MAX_VALUE`]: 23, each holding 128 counters past the first.
const COUNTS_LEN: usize = 24 * 128;

/// Counters per chunk: one chunk per power-of-two bucket, allocated when first used (a
/// command's latencies fall in a few buckets, so a histogram takes a few KiB, not 24).
const CHUNK: usize = 128;

/// One command's histogram.
#[derive(Default, Clone)]
pub struct Histogram {
    chunks: Vec<Option<Box<[u64; CHUNK]>>>,
    total: u64,
}

fn bucket_index(v: u64) -> u32 {
    let pow2ceiling = 64 - (v | (SUB_BUCKET_COUNT - 1)).leading_zeros();
    pow2ceiling - (SUB_BUCKET_HALF_MAG + 1)
}

fn counts_index(v: u64) -> usize {
    let b = bucket_index(v);
    let sub = v >> b;
    (((b as u64 + 1) << SUB_BUCKET_HALF_MAG) + sub - SUB_BUCKET_HALF) as usize
}

fn value_at_index(i: usize) -> u64 {
    let mut bucket = (i >> SUB_BUCKET_HALF_MAG) as i64 - 1;
    let mut sub = (i as u64 & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
    if bucket < 0 {
        sub -= SUB_BUCKET_HALF;
        bucket = 0;
    }
    sub << bucket
}

/// The largest value counted in the same bucket as `v`.
fn highest_equivalent(v: u64) -> u64 {
    let b = bucket_index(v);
    let sub = v >> b;
    let lowest = sub << b;
    let adjusted = if sub >= SUB_BUCKET_COUNT { b + 1 } else { b };
    lowest + (1u64 << adjusted) - 1
}

impl Histogram {
    /// Records one duration in nanoseconds.
    pub fn record(&mut self, ns: u64) {
        if self.chunks.is_empty() {
            self.chunks = vec![None; COUNTS_LEN / CHUNK];
        }
        let i = counts_index(ns.clamp(1, MAX_VALUE));
        if let Some(chunk) = self.chunks.get_mut(i / CHUNK) {
            chunk.get_or_insert_with(|| Box::new([0; CHUNK]))[i % CHUNK] += 1;
            self.total += 1;
        }
    }

    /// The counter at index `i` (None past the end).
    fn count(&self, i: usize) -> Option<u64> {
        match self.chunks.get(i / CHUNK)? {
            Some(c) => Some(c[i % CHUNK]),
            None => (i < COUNTS_LEN).then_some(0),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The value at a percentile (0..=100), as `hdr_value_at_percentile`.
    pub fn value_at_percentile(&self, p: f64) -> u64 {
        let p = p.min(100.0);
        let want = ((p / 100.0 * self.total as f64 + 0.5) as u64).max(1);
        let mut seen = 0;
        for (i, c) in (0..COUNTS_LEN).map_while(|i| Some((i, self.count(i)?))) {
            seen += c;
            if seen >= want {
                let v = value_at_index(i);
                return if p == 0.0 { v } else { highest_equivalent(v) };
            }
        }
        0
    }

    /// `p50=1.003,p99=...` for INFO latencystats, `percentiles` as configured.
    pub fn info_line(&self, percentiles: &[f64]) -> String {
        let mut parts = Vec::with_capacity(percentiles.len());
        for &p in percentiles {
            let name = format!("{p:.6}");
            let name = name.trim_end_matches('0').trim_end_matches('.');
            parts.push(format!(
                "p{name}={:.3}",
                self.value_at_percentile(p) as f64 / 1000.0
            ));
        }
        parts.join(",")
    }
}

// ---- LATENCY HISTOGRAM support (added with the introspection sweep) ----

impl Histogram {
    /// The cumulative distribution Redis's LATENCY HISTOGRAM replies: walks the buckets as
    /// `hdr_iter_log_init(1024 ns, base 2)` does and returns (bucket bound in µs, cumulative
    /// count) at each power-of-two level where the count grew.
    pub fn log2_cdf(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let (mut cum, mut prev, mut level) = (0u64, 0u64, 1024u64);
        let mut at: Option<usize> = None;
        'levels: while cum < self.total && level <= MAX_VALUE.saturating_mul(2) {
            let lowest = value_at_index(counts_index(level));
            loop {
                match at {
                    Some(i) if value_at_index(i) >= lowest => break,
                    _ => {
                        let next = at.map_or(0, |i| i + 1);
                        let Some(c) = self.count(next) else {
                            break 'levels;
                        };
                        cum += c;
                        at = Some(next);
                    }
                }
            }
            if cum > prev {
                let v = at.map_or(0, value_at_index);
                out.push((highest_equivalent(v) / 1000, cum));
                prev = cum;
            }
            level *= 2;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_bucket_bounds() {
        let mut h = Histogram::default();
        h.record(1000);
        assert_eq!(
            h.info_line(&[50.0, 99.0, 99.9]),
            "p50=1.003,p99=1.003,p99.9=1.003"
        );
        let mut h = Histogram::default();
        for ns in [1000, 2000, 3000, 100_000] {
            h.record(ns);
        }
        assert_eq!(h.value_at_percentile(50.0), 2007);
        assert_eq!(h.value_at_percentile(100.0), 100_351);
        assert_eq!(highest_equivalent(100), 100);
    }
}
