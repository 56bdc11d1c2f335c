//! Server-wide state shared by all commands: databases, configuration, connected clients,
//! statistics. The event loop ([`crate::event_loop`]) owns one [`ServerState`].

use slab::Slab;

use crate::client::Client;
use crate::command::CommandTable;
use crate::config::Config;
use crate::db::Db;

/// Counters reported by INFO stats.
#[derive(Default, Debug)]
pub struct Stats {
    /// Duration of the last fork, and forks since start (INFO stats).
    pub latest_fork_usec: u64,
    pub total_forks: u64,
    pub total_connections_received: u64,
    pub total_commands_processed: u64,
    pub rejected_connections: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
    pub total_error_replies: u64,
    pub unexpected_error_replies: u64,
    pub reads_processed: u64,
    pub writes_processed: u64,
    pub client_qbuf_limit_disconnections: u64,
    /// Error replies by code (`ERR`, `WRONGTYPE`, ...), for INFO errorstats.
    pub errors: std::collections::BTreeMap<String, u64>,
    /// Successful write commands since start (INFO's rdb_changes_since_last_save).
    pub dirty: u64,
    /// Running estimate of the share of sampled TTL keys found expired (INFO's
    /// expired_stale_perc, 0..100).
    pub expired_stale_perc: f64,
    /// Active expiry cycles that ran out of time (INFO's expired_time_cap_reached_count).
    pub expired_time_cap_reached_count: u64,
    /// Microseconds spent in active expiry cycles (INFO's expire_cycle_cpu_milliseconds).
    pub expire_cycle_time_used_us: u64,
    /// Keys evicted for `maxmemory` (INFO's evicted_keys).
    pub evicted_keys: u64,
    /// Time spent over `maxmemory` in finished episodes, in µs, and when the current one began
    /// (INFO's total_/current_eviction_exceeded_time).
    pub total_eviction_exceeded_us: u64,
    pub eviction_exceeded_since: Option<std::time::Instant>,
    pub inst_ops: InstMetric,
    pub inst_input: InstMetric,
    pub inst_output: InstMetric,
}

/// Samples of a counter taken every 100 ms (16 kept), giving an instantaneous per-second rate
/// like Redis's `instantaneous_*` INFO fields.
#[derive(Default, Debug)]
pub struct InstMetric {
    last_ms: i64,
    last_value: u64,
    samples: [f64; 16],
    idx: usize,
}

impl InstMetric {
    pub fn sample(&mut self, now_ms: i64, value: u64) {
        if self.last_ms > 0 && now_ms > self.last_ms {
            let per_sec = (value.saturating_sub(self.last_value)) as f64 * 1000.0
                / (now_ms - self.last_ms) as f64;
            self.samples[self.idx] = per_sec;
            self.idx = (self.idx + 1) % self.samples.len();
        }
        self.last_ms = now_ms;
        self.last_value = value;
    }

    pub fn rate(&self) -> f64 {
        self.samples.iter().sum::<f64>() / self.samples.len() as f64
    }
}

impl Stats {
    /// Counts one error reply under its code (the text up to the first space).
    pub fn count_error(&mut self, text: &[u8]) {
        self.total_error_replies += 1;
        let code = text.split(|&c| c == b' ').next().unwrap_or(b"ERR");
        let code = String::from_utf8_lossy(code);
        if let Some(n) = self.errors.get_mut(code.as_ref()) {
            *n += 1;
        } else if self.errors.len() < 128 {
            self.errors.insert(code.into_owned(), 1);
        }
    }
}

/// What a successful write command did, as its handler tells the dispatcher (Redis's dirty
/// delta and `signalModifiedKey` calls).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum WriteEffect {
    /// Counted, signalled to WATCH and blocked clients, propagated.
    #[default]
    Changed,
    /// Nothing changed: not counted, signalled nor propagated.
    Nothing,
    /// Its keys are signalled (Redis calls signalModifiedKey) but nothing changed to count
    /// or propagate (an LTRIM that removed nothing).
    SignalOnly,
    /// Counted and propagated, but only its first key is signalled (an SMOVE whose member was
    /// already in the destination: Redis signals the destination only when it adds).
    FirstKeyOnly,
}

/// Everything the server knows besides the sockets.
pub struct ServerState {
    pub config: Config,
    pub dbs: Vec<Db>,
    /// Connected clients by token; the slot of the client running a command is `None`
    /// while it runs (the client is handed to the command separately).
    pub clients: Slab<Option<Box<Client>>>,
    pub commands: CommandTable,
    pub stats: Stats,
    pub next_client_id: u64,
    pub start_ms: i64,
    pub run_id: String,
    /// Set by SHUTDOWN or a signal: the loop exits after this turn.
    pub shutdown: bool,
    /// Actual TCP port (the configured one, or the one bound when 0).
    pub port: u16,
    /// The listening sockets (rebound by CONFIG SET port/bind).
    pub listeners: crate::listen::Listeners,
    pub executable: String,
    pub rng: crate::util::Rng,
    /// CLIENT KILL marked other clients `close_asap`: the loop frees them after this turn.
    pub kill_pending: bool,
    /// DEBUG PAUSE-CRON: the periodic work is skipped.
    pub pause_cron: bool,
    /// A signal asked for a shutdown, which the next cron performs (Redis's `shutdown_asap`).
    pub shutdown_asap: Option<&'static str>,
    /// EXEC is running its commands: no fork now (BGSAVE/BGREWRITEAOF are scheduled instead).
    pub in_exec: bool,
    /// Set by a write command's handler when it changed less than its success says (see
    /// [`WriteEffect`]); the dispatcher reads and resets it after each command.
    pub write_effect: WriteEffect,
    /// How many changes a write made when not one (Redis's `server.dirty += n`: MSET counts its
    /// keys, SADD the members added, FLUSHDB the keys removed); set by the handler, read and
    /// reset by the dispatcher. It only feeds the change counter (save points, INFO).
    pub dirty_n: Option<u64>,
    /// Active expiry on (DEBUG SET-ACTIVE-EXPIRE).
    pub active_expire: bool,
    pub slowlog: crate::slowlog::SlowLog,
    /// Latency histograms, indexed from each command's `CmdStats::histogram`.
    pub latency: Vec<crate::latency::Histogram>,
    /// LATENCY's event series (`latency-monitor-threshold`).
    pub latency_monitor: crate::latency_monitor::LatencyMonitor,
    /// Heap bytes in use once start-up finished (INFO's used_memory_startup).
    pub used_memory_startup: usize,
    last_metrics_ms: i64,
    /// Wall clock derived from the monotonic clock (re-synced by the cron).
    pub clock: crate::util::Clock,
    /// When the previous command finished (or the current batch started): the next
    /// command's start time, so each command costs one clock read.
    pub cmd_clock: u64,
    /// RDB/AOF state (INFO persistence).
    pub persist: crate::persist::Persistence,
    /// Active expiry's state between cycles.
    pub expire_state: crate::db::expire::ExpireState,
    /// Keys watched by clients (WATCH).
    pub watches: crate::commands::multi::Watches,
    /// Clients blocked on keys (BLPOP ...), keys ready to serve them, clients to resume.
    pub blocking: crate::blocking::Blocking,
    /// CLIENT PAUSE state and the clients it holds.
    pub pause: crate::blocking::Pause,
    /// Tokens of the clients in MONITOR mode.
    pub monitors: Vec<usize>,
    /// Monitors other than the running client got output: the loop queues their writes.
    pub monitor_fed: bool,
    /// Replicas, the replication stream and the propagation unit (see [`crate::replication`]).
    pub repl: crate::replication::Replication,
    /// `maxmemory` eviction state (pool of candidates; see [`crate::evict`]).
    pub evict: crate::evict::EvictState,
}

impl ServerState {
    pub fn new(config: Config) -> Self {
        let dbs = (0..config.databases.max(1))
            .map(|_| Db::default())
            .collect();
        let mut rng = crate::util::Rng::from_entropy();
        let run_id = (0..40)
            .map(|_| b"0123456789abcdef"[(rng.next_u64() % 16) as usize] as char)
            .collect();
        ServerState {
            port: config.port,
            listeners: Default::default(),
            config,
            dbs,
            clients: Slab::new(),
            commands: CommandTable::build(),
            stats: Stats::default(),
            next_client_id: 1,
            start_ms: crate::util::now_ms(),
            run_id,
            shutdown: false,
            executable: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            rng,
            kill_pending: false,
            pause_cron: false,
            shutdown_asap: None,
            in_exec: false,
            write_effect: WriteEffect::Changed,
            dirty_n: None,
            active_expire: true,
            slowlog: Default::default(),
            latency: Vec::new(),
            latency_monitor: Default::default(),
            used_memory_startup: 0,
            last_metrics_ms: 0,
            clock: crate::util::Clock::new(),
            cmd_clock: crate::util::ticks(),
            persist: Default::default(),
            expire_state: Default::default(),
            watches: Default::default(),
            blocking: Default::default(),
            pause: Default::default(),
            monitors: Vec::new(),
            monitor_fed: false,
            repl: Default::default(),
            evict: Default::default(),
        }
    }

    /// Periodic bookkeeping from the event loop's cron: instantaneous metrics every 100 ms,
    /// memory peak.
    pub fn cron(&mut self, now_ms: i64, busy: bool) {
        crate::alloc::update_peak();
        crate::db::update_lru_clock();
        self.clock = crate::util::Clock::new();
        self.expire_cycle(now_ms, false);
        crate::evict::cron(self, now_ms);
        // Like Redis's incrementallyRehash: at most one database gets rehash time per tick,
        // 1 ms of it; less on a busy server, where every command also moves a bucket along,
        // so that a client waiting behind this turn is not kept a millisecond more.
        let budget = if busy {
            CRON_REHASH_BUSY
        } else {
            CRON_REHASH_IDLE
        };
        for db in self.dbs.iter_mut() {
            if db.cron_resize(budget) {
                break;
            }
        }
        if now_ms - self.last_metrics_ms >= 100 {
            self.last_metrics_ms = now_ms;
            let st = &mut self.stats;
            st.inst_ops.sample(now_ms, st.total_commands_processed);
            st.inst_input.sample(now_ms, st.net_input_bytes);
            st.inst_output.sample(now_ms, st.net_output_bytes);
        }
    }

    /// One active expiry cycle (slow from the cron, fast before the loop sleeps) and its
    /// INFO stats. Nothing while expiry is off or writes are paused.
    pub fn expire_cycle(&mut self, now_ms: i64, fast: bool) {
        if !self.active_expire || self.pause.pauses_writes(now_ms) {
            return;
        }
        let Some(budget) = self.expire_state.budget(fast, self.config.hz) else {
            return;
        };
        let start = std::time::Instant::now();
        let st = crate::db::expire::active_expire_cycle(&mut self.dbs, now_ms, budget);
        // The DELs of the expired keys go out one by one, not as a transaction.
        crate::persist::propagate::take_expired(self);
        crate::persist::propagate::flush(self, true);
        self.expire_state.finished(&st);
        let used = start.elapsed().as_micros() as u64;
        self.stats.expire_cycle_time_used_us += used;
        self.latency_monitor.add_if_needed(
            self.config.latency_monitor_threshold,
            "expire-cycle",
            used / 1000,
        );
        let perc = if st.sampled > 0 {
            st.expired as f64 * 100.0 / st.sampled as f64
        } else {
            0.0
        };
        self.stats.expired_stale_perc = perc * 0.05 + self.stats.expired_stale_perc * 0.95;
        self.stats.expired_time_cap_reached_count += st.time_cap_reached as u64;
    }

    /// Database `idx` (indices are validated by SELECT/MOVE/SWAPDB before use).
    pub fn db_mut(&mut self, idx: usize) -> &mut Db {
        let last = self.dbs.len() - 1;
        &mut self.dbs[idx.min(last)]
    }
}

/// Sent to non-loopback clients while protected mode is on and no password is set.
/// Rehash time per cron tick on an idle server (Redis's 1 ms) and on one serving clients.
const CRON_REHASH_IDLE: std::time::Duration = std::time::Duration::from_millis(1);
const CRON_REHASH_BUSY: std::time::Duration = std::time::Duration::from_micros(200);

pub const DENIED_MESSAGE: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";
