//! The latency monitor (the event half of Redis's `latency.c`): with
//! `latency-monitor-threshold` set, every slow command, expire cycle, fork or AOF write that
//! takes at least that many milliseconds becomes a sample of its event's series, kept as the
//! worst latency per second over the last 160 distinct seconds. LATENCY LATEST, HISTORY,
//! RESET, GRAPH and DOCTOR read them.

/// Samples kept per event (`LATENCY_TS_LEN`).
const TS_LEN: usize = 160;

/// One event's history: a ring of (unix seconds, ms) samples, and the all-time maximum.
pub struct Series {
    samples: [(i64, u64); TS_LEN],
    idx: usize,
    pub max: u64,
}

impl Series {
    /// The samples, oldest first.
    pub fn samples(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        (0..TS_LEN)
            .map(move |j| self.samples[(self.idx + j) % TS_LEN])
            .filter(|s| s.0 != 0)
    }

    /// The latest sample (zeros if none).
    pub fn latest(&self) -> (i64, u64) {
        self.samples[(self.idx + TS_LEN - 1) % TS_LEN]
    }
}

/// Every event seen since the last reset, in the order first seen.
#[derive(Default)]
pub struct LatencyMonitor {
    events: Vec<(&'static str, Box<Series>)>,
}

impl LatencyMonitor {
    /// Records `ms` for `event` when monitoring is on and it reaches the threshold
    /// (`latencyAddSampleIfNeeded`).
    #[inline]
    pub fn add_if_needed(&mut self, threshold: u64, event: &'static str, ms: u64) {
        if threshold != 0 && ms >= threshold {
            self.add(event, ms, crate::util::now_ms() / 1000);
        }
    }

    /// Adds a sample at unix second `now`: a second sample in the same second keeps the worse.
    pub fn add(&mut self, event: &'static str, ms: u64, now: i64) {
        let ts = match self.events.iter().position(|(e, _)| *e == event) {
            Some(i) => &mut self.events[i].1,
            None => {
                self.events.push((
                    event,
                    Box::new(Series {
                        samples: [(0, 0); TS_LEN],
                        idx: 0,
                        max: 0,
                    }),
                ));
                let last = self.events.len() - 1;
                &mut self.events[last].1
            }
        };
        ts.max = ts.max.max(ms);
        let prev = (ts.idx + TS_LEN - 1) % TS_LEN;
        if ts.samples[prev].0 == now {
            ts.samples[prev].1 = ts.samples[prev].1.max(ms);
            return;
        }
        ts.samples[ts.idx] = (now, ms);
        ts.idx = (ts.idx + 1) % TS_LEN;
    }

    pub fn events(&self) -> impl Iterator<Item = (&'static str, &Series)> {
        self.events.iter().map(|(e, s)| (*e, &**s))
    }

    /// An event's series, by case-sensitive name as Redis's dict lookup.
    pub fn get(&self, event: &[u8]) -> Option<(&'static str, &Series)> {
        self.events().find(|(e, _)| e.as_bytes() == event)
    }

    /// Drops one event (case-insensitively, as Redis) or all; returns how many.
    pub fn reset(&mut self, event: Option<&[u8]>) -> usize {
        let before = self.events.len();
        self.events
            .retain(|(e, _)| event.is_some_and(|x| !e.as_bytes().eq_ignore_ascii_case(x)));
        before - self.events.len()
    }
}

/// LATENCY GRAPH's text: a header line, a rule, and the sparkline of the samples labelled
/// with how long ago each happened (Redis's `latencyCommandGenSparkeline`).
pub fn graph(event: &str, ts: &Series, now: i64) -> String {
    let mut vals = Vec::new();
    let mut labels = Vec::new();
    for (t, ms) in ts.samples() {
        let e = now - t;
        labels.push(if e < 60 {
            format!("{e}s")
        } else if e < 3600 {
            format!("{}m", e / 60)
        } else if e < 86400 {
            format!("{}h", e / 3600)
        } else {
            format!("{}d", e / 86400)
        });
        vals.push(ms);
    }
    let (lo, hi) = (
        vals.iter().copied().min().unwrap_or(0),
        vals.iter().copied().max().unwrap_or(0),
    );
    let mut out = format!(
        "{event} - high {hi} ms, low {lo} ms (all time high {} ms)\n{}\n",
        ts.max,
        "-".repeat(GRAPH_COLS)
    );
    let mut j = 0;
    while j < vals.len() {
        let len = (vals.len() - j).min(GRAPH_COLS);
        if j != 0 {
            out.push('\n');
        }
        sparkline(&mut out, &vals, &labels, lo, hi, j, len);
        j += GRAPH_COLS;
    }
    out
}

const GRAPH_COLS: usize = 80;
const GRAPH_ROWS: usize = 4;

/// Renders `vals[offset..offset+len]` as filled columns of `_o#`/`|`, four rows high, then
/// the labels written downwards one character per row (Redis's `sparklineRenderRange` with
/// `SPARKLINE_FILL`).
fn sparkline(
    out: &mut String,
    vals: &[u64],
    labels: &[String],
    lo: u64,
    hi: u64,
    offset: usize,
    len: usize,
) {
    const FILL: &[u8; 3] = b"_o#";
    let steps = (FILL.len() * GRAPH_ROWS) as i64;
    let relmax = if hi == lo { 1.0 } else { (hi - lo) as f64 };
    let mut row = 0;
    loop {
        let mut chars = vec![b' '; len];
        let mut more = false;
        for (j, c) in chars.iter_mut().enumerate() {
            let i = j + offset;
            let relval = (vals[i] - lo) as f64;
            // As C: the product truncated to int, then divided, then truncated again.
            let step = (((relval * steps as f64) as i32) as f64 / relmax) as i64;
            let step = step.clamp(0, steps - 1);
            if row < GRAPH_ROWS {
                more = true;
                let idx = step - ((GRAPH_ROWS - row - 1) * FILL.len()) as i64;
                if (0..FILL.len() as i64).contains(&idx) {
                    *c = FILL[idx as usize];
                } else if idx >= FILL.len() as i64 {
                    *c = b'|';
                }
            } else {
                // One blank row between the graph and the labels.
                if row == GRAPH_ROWS {
                    more = true;
                    break;
                }
                let k = row - GRAPH_ROWS - 1;
                if let Some(&ch) = labels[i].as_bytes().get(k) {
                    more = true;
                    *c = ch;
                }
            }
        }
        if !more {
            break;
        }
        row += 1;
        out.push_str(&String::from_utf8_lossy(&chars));
        out.push('\n');
    }
}

/// LATENCY DOCTOR's report (Redis's `createLatencyReport`): per event its spike statistics,
/// then the advice its events call for.
pub fn doctor(mon: &LatencyMonitor, s: &DoctorSettings, now: i64) -> String {
    if mon.events.is_empty() && s.threshold == 0 {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n".into();
    }
    let mut r = String::new();
    let mut adv = Advice::default();
    for (n, (event, ts)) in mon.events().enumerate() {
        if n == 0 {
            r.push_str("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        }
        let st = stats(ts, now);
        r.push_str(&format!(
            "{}. {event}: {} latency spikes (average {}ms, mean deviation {}ms, period {:.2} sec). Worst all time event {}ms.",
            n + 1,
            st.samples,
            st.avg,
            st.mad,
            st.period as f64 / st.samples.max(1) as f64,
            ts.max
        ));
        adv.for_event(event, s);
        r.push('\n');
    }
    if mon.events.is_empty() && adv.count == 0 {
        r.push_str("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
    } else if adv.count == 0 {
        r.push_str("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n");
    } else {
        adv.write(&mut r, s);
    }
    r
}

/// What DOCTOR needs from the configuration.
pub struct DoctorSettings {
    pub threshold: u64,
    pub slowlog_slower_than: i64,
    pub fsync_always: bool,
    pub hz: u64,
}

struct Stats {
    samples: u64,
    avg: u64,
    mad: u64,
    period: i64,
}

fn stats(ts: &Series, now: i64) -> Stats {
    let (mut n, mut sum, mut oldest) = (0u64, 0u64, 0i64);
    for (t, ms) in ts.samples() {
        n += 1;
        sum += ms;
        if oldest == 0 || t < oldest {
            oldest = t;
        }
    }
    if n == 0 {
        return Stats {
            samples: 0,
            avg: 0,
            mad: 0,
            period: 0,
        };
    }
    let avg = sum / n;
    let period = (now - oldest).max(1);
    let dev: u64 = ts.samples().map(|(_, ms)| avg.abs_diff(ms)).sum();
    Stats {
        samples: n,
        avg,
        mad: dev / n,
        period,
    }
}

/// The advice flags DOCTOR accumulates, and how many pieces of advice there are.
#[derive(Default)]
struct Advice {
    count: u32,
    slowlog_enabled: bool,
    slowlog_tuning: bool,
    slowlog_inspect: bool,
    scheduler: bool,
    local_disk: bool,
    ssd: bool,
    data_writeback: bool,
    disk_contention: bool,
    no_appendfsync: bool,
    relax_fsync: bool,
    write_load_info: bool,
    hz: bool,
    large_objects: bool,
    mass_eviction: bool,
}

impl Advice {
    fn for_event(&mut self, event: &str, s: &DoctorSettings) {
        match event {
            "command" => {
                if s.slowlog_slower_than < 0 {
                    self.slowlog_enabled = true;
                    self.count += 1;
                } else if (s.slowlog_slower_than / 1000) as u64 > s.threshold {
                    self.slowlog_tuning = true;
                    self.count += 1;
                }
                self.slowlog_inspect = true;
                self.large_objects = true;
                self.count += 2;
            }
            "fast-command" => {
                self.scheduler = true;
                self.count += 1;
            }
            "aof-write-pending-fsync" => {
                self.local_disk = true;
                self.disk_contention = true;
                self.ssd = true;
                self.data_writeback = true;
                self.count += 4;
            }
            "aof-write-active-child" => {
                self.no_appendfsync = true;
                self.data_writeback = true;
                self.ssd = true;
                self.count += 3;
            }
            "aof-write-alone" => {
                self.local_disk = true;
                self.data_writeback = true;
                self.ssd = true;
                self.count += 3;
            }
            "aof-fsync-always" => {
                self.relax_fsync = true;
                self.count += 1;
            }
            "aof-fstat" | "rdb-unlink-temp-file" => {
                self.disk_contention = true;
                self.local_disk = true;
                self.count += 2;
            }
            "aof-rewrite-diff-write" | "aof-rename" => {
                self.write_load_info = true;
                self.data_writeback = true;
                self.ssd = true;
                self.local_disk = true;
                self.count += 4;
            }
            "expire-cycle" => {
                self.hz = true;
                self.large_objects = true;
                self.count += 2;
            }
            "eviction-del" => {
                self.large_objects = true;
                self.count += 1;
            }
            "eviction-cycle" => {
                self.mass_eviction = true;
                self.count += 1;
            }
            _ => {}
        }
    }

    fn write(&self, r: &mut String, s: &DoctorSettings) {
        r.push_str("\nI have a few advices for you:\n\n");
        let us = s.threshold * 1000;
        if self.slowlog_enabled {
            r.push_str(&format!("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than {us}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"));
        }
        if self.slowlog_tuning {
            r.push_str(&format!("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than {us}'.\n"));
        }
        if self.slowlog_inspect {
            r.push_str("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n");
        }
        if self.scheduler {
            r.push_str("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n  1) Lower the system load.\n  2) Use a computer / VM just for Redis if you are running other software in the same system.\n  3) Check if you have a \"noisy neighbour\" problem.\n  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n");
        }
        if self.local_disk {
            r.push_str("- It is strongly advised to use local disks for persistence, especially if you are using AOF. Remote disks provided by platform-as-a-service providers are known to be slow.\n");
        }
        if self.ssd {
            r.push_str("- SSD disks are able to reduce fsync latency, and total time needed for snapshotting and AOF log rewriting (resulting in smaller memory usage). With extremely high write load SSD disks can be a good option. However Redis should perform reasonably with high load using normal disks. Use this advice as a last resort.\n");
        }
        if self.data_writeback {
            r.push_str("- Mounting ext3/4 filesystems with data=writeback can provide a performance boost compared to data=ordered, however this mode of operation provides less guarantees, and sometimes it can happen that after a hard crash the AOF file will have a half-written command at the end and will require to be repaired before Redis restarts.\n");
        }
        if self.disk_contention {
            r.push_str("- Try to lower the disk contention. This is often caused by other disk intensive processes running in the same computer (including other Redis instances).\n");
        }
        if self.no_appendfsync {
            r.push_str("- Assuming from the point of view of data safety this is viable in your environment, you could try to enable the 'no-appendfsync-on-rewrite' option, so that fsync will not be performed while there is a child rewriting the AOF file or producing an RDB file (the moment where there is high disk contention).\n");
        }
        if self.relax_fsync && s.fsync_always {
            r.push_str("- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n");
        }
        if self.write_load_info {
            r.push_str("- Latency during the AOF atomic rename operation or when the final difference is flushed to the AOF file at the end of the rewrite, sometimes is caused by very high write load, causing the AOF buffer to get very large. If possible try to send less commands to accomplish the same work, or use Lua scripts to group multiple operations into a single EVALSHA call.\n");
        }
        if self.hz && s.hz < 100 {
            r.push_str("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n");
        }
        if self.large_objects {
            r.push_str("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n");
        }
        if self.mass_eviction {
            r.push_str("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_second_keeps_the_worst_and_max_is_all_time() {
        let mut m = LatencyMonitor::default();
        m.add("command", 300, 100);
        m.add("command", 200, 100);
        m.add("command", 500, 101);
        let (_, ts) = m.get(b"command").unwrap();
        assert_eq!(ts.samples().collect::<Vec<_>>(), [(100, 300), (101, 500)]);
        assert_eq!(ts.max, 500);
        assert_eq!(ts.latest(), (101, 500));
        assert_eq!(m.reset(Some(b"COMMAND")), 1);
        assert_eq!(m.reset(None), 0);
    }

    #[test]
    fn ring_keeps_the_last_160_seconds() {
        let mut m = LatencyMonitor::default();
        for s in 1..=200 {
            m.add("e", s as u64, s);
        }
        let (_, ts) = m.get(b"e").unwrap();
        let v: Vec<_> = ts.samples().collect();
        assert_eq!(v.len(), 160);
        assert_eq!(v[0], (41, 41));
        assert_eq!(ts.latest(), (200, 200));
    }
}
