//! Configuration: redis.conf and command-line parsing exactly like Redis 7.0
//! (`loadServerConfigFromString`), every Redis 7.0 directive typed and validated from one
//! static table ([`table::TABLE`]), CONFIG GET/SET, and the typed fields the server reads.
//!
//! Values are kept as CONFIG GET shows them (`values`, indexed like the table); after every
//! change the typed fields are refreshed from them ([`Config::sync`]).
//!
//! Parts: [`table`] (the directives), [`value`] (validating one directive, rewrite lines),
//! `load` (command line, files, includes), [`args`] (Redis's quoting and number rules),
//! [`rewrite`] (CONFIG REWRITE), [`limits`] (open files for `maxclients`).

pub mod args;
mod commands;
pub mod limits;
mod load;
pub mod rewrite;
mod sha256;
pub mod table;
pub mod value;

use std::path::PathBuf;

use table::{HIDDEN, IMMUTABLE, Kind, MULTI_ARG, PROTECTED, Sp, TABLE};

/// Log verbosity, as redis.conf's `loglevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

/// The Redis version named in fatal config errors.
const REDIS_VERSION: &str = "7.0.15";

/// Server configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: Vec<String>,
    pub port: u16,
    pub protected_mode: bool,
    pub timeout: u64,
    pub tcp_keepalive: u64,
    pub loglevel: LogLevel,
    pub logfile: String,
    pub databases: usize,
    pub requirepass: Option<Vec<u8>>,
    pub maxclients: usize,
    pub hz: u32,
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: usize,
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub dir: String,
    pub dbfilename: String,
    pub save: String,
    pub appendonly: bool,
    pub enable_debug_command: String,
    pub unixsocket: String,
    pub unixsocketperm: u32,
    /// The config file given on the command line (absolute), if any.
    pub config_file: Option<PathBuf>,
    /// `client-output-buffer-limit normal`: (hard bytes, soft bytes, soft seconds).
    pub client_output_buffer_limit_normal: (usize, usize, u64),
    pub list_max_listpack_size: i64,
    pub list_compress_depth: i64,
    pub set_max_intset_entries: usize,
    /// Not a Redis 7.0 directive (added in 7.2): fixed at 128.
    pub set_max_listpack_entries: usize,
    /// Not a Redis 7.0 directive (added in 7.2): fixed at 64.
    pub set_max_listpack_value: usize,
    pub zset_max_listpack_entries: usize,
    pub zset_max_listpack_value: usize,
    pub slowlog_log_slower_than: i64,
    /// Milliseconds from which LATENCY records an event (0: off).
    pub latency_monitor_threshold: u64,
    pub slowlog_max_len: usize,
    pub latency_tracking: bool,
    pub latency_tracking_info_percentiles: Vec<f64>,
    pub maxmemory: u64,
    pub maxmemory_policy: String,
    pub appendfsync: String,
    pub appenddirname: String,
    pub appendfilename: String,
    pub rdbcompression: bool,
    pub rdbchecksum: bool,
    pub stop_writes_on_bgsave_error: bool,
    pub aof_load_truncated: bool,
    pub aof_use_rdb_preamble: bool,
    /// `auto-aof-rewrite-percentage` (0 disables automatic AOF rewrites).
    pub auto_aof_rewrite_percentage: u64,
    pub auto_aof_rewrite_min_size: u64,
    /// Hidden test directive: microseconds slept per key while saving.
    pub rdb_key_save_delay: i64,
    /// `rename-command` directives in order: (old name, new name; empty: removed).
    pub rename_commands: Vec<(String, String)>,
    /// `notify-keyspace-events` as Redis's flag bits (K=1, E=2, g=4, $=8, l=16, s=32, h=64,
    /// z=128, x=256, e=512, t=1024, m=4096, d=8192, n=16384).
    pub notify_keyspace_events: u32,
    /// Every directive's value as CONFIG GET shows it, indexed like [`table::TABLE`].
    values: Vec<String>,
    /// File-only directives kept for CONFIG REWRITE (`user` lines), as written.
    users: Vec<Vec<String>>,
    /// Directives given that ferrokv does not act on (warned about once at start).
    ignored: Vec<String>,
    /// A `save` line was read: later ones add to it instead of replacing the default.
    save_loaded: bool,
    /// Command names as renamed so far (lowercase), to check `rename-command` like Redis.
    command_names: Option<Vec<String>>,
    /// Module paths from `loadmodule`, and whether module configs (`name.arg value`) were given.
    modules: Vec<String>,
    module_configs: bool,
    /// Inside `load_string` (Redis's `reading_config_file`: cleared when any load, even an
    /// included file's, ends; `save` then replaces instead of adding).
    reading_file: bool,
}

impl Default for Config {
    fn default() -> Self {
        let mut values: Vec<String> = TABLE.iter().map(|s| s.default.to_string()).collect();
        values[table::index("dir")] = value::current_dir();
        let mut c = Config {
            bind: Vec::new(),
            port: 6379,
            protected_mode: true,
            timeout: 0,
            tcp_keepalive: 300,
            loglevel: LogLevel::Notice,
            logfile: String::new(),
            databases: 16,
            requirepass: None,
            maxclients: 10000,
            hz: 10,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            dir: String::new(),
            dbfilename: "dump.rdb".into(),
            save: String::new(),
            appendonly: false,
            enable_debug_command: "no".into(),
            unixsocket: String::new(),
            unixsocketperm: 0,
            config_file: None,
            client_output_buffer_limit_normal: (0, 0, 0),
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            slowlog_log_slower_than: 10000,
            latency_monitor_threshold: 0,
            slowlog_max_len: 128,
            latency_tracking: true,
            latency_tracking_info_percentiles: vec![50.0, 99.0, 99.9],
            maxmemory: 0,
            maxmemory_policy: "noeviction".into(),
            appendfsync: "everysec".into(),
            appenddirname: "appendonlydir".into(),
            appendfilename: "appendonly.aof".into(),
            rdbcompression: true,
            rdbchecksum: true,
            stop_writes_on_bgsave_error: true,
            aof_load_truncated: true,
            aof_use_rdb_preamble: true,
            auto_aof_rewrite_percentage: 100,
            auto_aof_rewrite_min_size: 64 * 1024 * 1024,
            rdb_key_save_delay: 0,
            notify_keyspace_events: 0,
            values,
            users: Vec::new(),
            ignored: Vec::new(),
            save_loaded: false,
            reading_file: false,
            rename_commands: Vec::new(),
            command_names: None,
            modules: Vec::new(),
            module_configs: false,
        };
        c.sync();
        c
    }
}

impl Config {
    /// A directive's value as stored (CONFIG GET's form).
    pub fn val(&self, name: &str) -> &str {
        &self.values[table::index(name)]
    }

    fn num<T: std::str::FromStr + Default>(&self, name: &str) -> T {
        self.val(name).parse().unwrap_or_default()
    }

    fn yes(&self, name: &str) -> bool {
        self.val(name) == "yes"
    }

    /// Refreshes the typed fields from the stored values.
    pub fn sync(&mut self) {
        self.bind = self
            .val("bind")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        self.port = self.num("port");
        self.protected_mode = self.yes("protected-mode");
        self.timeout = self.num("timeout");
        self.tcp_keepalive = self.num("tcp-keepalive");
        self.loglevel = match self.val("loglevel") {
            "debug" => LogLevel::Debug,
            "verbose" => LogLevel::Verbose,
            "warning" => LogLevel::Warning,
            _ => LogLevel::Notice,
        };
        self.logfile = self.val("logfile").to_string();
        self.databases = self.num("databases");
        let pass = self.val("requirepass");
        self.requirepass = (!pass.is_empty()).then(|| pass.as_bytes().to_vec());
        self.maxclients = self.num("maxclients");
        self.hz = self.num::<u32>("hz").clamp(1, 500);
        self.proto_max_bulk_len = self.num("proto-max-bulk-len");
        self.client_query_buffer_limit = self.num("client-query-buffer-limit");
        self.hash_max_listpack_entries = self.num("hash-max-listpack-entries");
        self.hash_max_listpack_value = self.num("hash-max-listpack-value");
        self.dir = self.val("dir").to_string();
        self.dbfilename = self.val("dbfilename").to_string();
        self.save = self.val("save").to_string();
        self.appendonly = self.yes("appendonly");
        self.enable_debug_command = self.val("enable-debug-command").to_string();
        self.unixsocket = self.val("unixsocket").to_string();
        self.unixsocketperm = u32::from_str_radix(self.val("unixsocketperm"), 8).unwrap_or(0);
        let cob = value::cob_parse(self.val("client-output-buffer-limit"));
        self.client_output_buffer_limit_normal =
            (cob[0][0] as usize, cob[0][1] as usize, cob[0][2]);
        self.list_max_listpack_size = self.num("list-max-listpack-size");
        self.list_compress_depth = self.num("list-compress-depth");
        self.set_max_intset_entries = self.num("set-max-intset-entries");
        self.zset_max_listpack_entries = self.num("zset-max-listpack-entries");
        self.zset_max_listpack_value = self.num("zset-max-listpack-value");
        self.slowlog_log_slower_than = self.num("slowlog-log-slower-than");
        self.latency_monitor_threshold = self.num("latency-monitor-threshold");
        self.slowlog_max_len = self.num("slowlog-max-len");
        self.latency_tracking = self.yes("latency-tracking");
        self.latency_tracking_info_percentiles = self
            .val("latency-tracking-info-percentiles")
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        self.maxmemory = self.num("maxmemory");
        self.maxmemory_policy = self.val("maxmemory-policy").to_string();
        self.appendfsync = self.val("appendfsync").to_string();
        self.appenddirname = self.val("appenddirname").to_string();
        self.appendfilename = self.val("appendfilename").to_string();
        self.rdbcompression = self.yes("rdbcompression");
        self.rdbchecksum = self.yes("rdbchecksum");
        self.stop_writes_on_bgsave_error = self.yes("stop-writes-on-bgsave-error");
        self.aof_load_truncated = self.yes("aof-load-truncated");
        self.aof_use_rdb_preamble = self.yes("aof-use-rdb-preamble");
        self.auto_aof_rewrite_percentage = self.num("auto-aof-rewrite-percentage");
        self.auto_aof_rewrite_min_size = self.num("auto-aof-rewrite-min-size");
        self.rdb_key_save_delay = self.num("rdb-key-save-delay");
        self.notify_keyspace_events = value::notify_bits(self.val("notify-keyspace-events"));
        crate::db::lfu::configure(
            &self.maxmemory_policy,
            self.maxmemory,
            self.num("lfu-log-factor"),
            self.num("lfu-decay-time"),
        );
    }

    /// A directive's value as CONFIG GET shows it (`dir`: the working directory now).
    pub fn value_of(&self, idx: usize) -> String {
        match TABLE.get(idx).map(|s| s.kind) {
            Some(Kind::Special(Sp::Dir)) => value::current_dir(),
            Some(_) => self.values[idx].clone(),
            None => String::new(),
        }
    }

    /// `user` directives read from the config, as written (for CONFIG REWRITE).
    pub fn users(&self) -> &[Vec<String>] {
        &self.users
    }

    /// CONFIG GET: (name, value) for every pattern. A plain name answers under the name as
    /// given; a glob matches names and aliases (not hidden directives). Each name once,
    /// case-insensitively.
    pub fn get_patterns(&self, patterns: &[&[u8]]) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let has =
            |out: &[(String, String)], n: &str| out.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
        for pat in patterns {
            let p = String::from_utf8_lossy(pat);
            if !pat.iter().any(|c| b"[*?".contains(c)) {
                if !has(&out, &p)
                    && let Some((idx, _)) = table::lookup(&p)
                {
                    out.push((p.into_owned(), self.value_of(idx)));
                }
                continue;
            }
            for (idx, spec) in TABLE.iter().enumerate() {
                if spec.flags & HIDDEN != 0 {
                    continue;
                }
                for n in [spec.name, spec.alias] {
                    if !n.is_empty()
                        && !has(&out, n)
                        && crate::util::glob_match(pat, n.as_bytes(), true)
                    {
                        out.push((n.to_string(), self.value_of(idx)));
                    }
                }
            }
        }
        out
    }

    /// CONFIG SET of name/value pairs, all or nothing. `local`: the client is on loopback or
    /// the unix socket (for `enable-protected-configs local`). Returns the (canonical) names
    /// whose value changed, for callers that must act on a change; errors are full reply
    /// texts.
    pub fn set_pairs(
        &mut self,
        pairs: &[(&[u8], &[u8])],
        local: bool,
    ) -> Result<Vec<&'static str>, String> {
        let mut found: Vec<(usize, bool)> = Vec::with_capacity(pairs.len());
        let mut unknown: Option<String> = None;
        let mut err: Option<(String, &str)> = None;
        let protected_ok = match self.val("enable-protected-configs") {
            "yes" => true,
            "local" => local,
            _ => false,
        };
        for (name, _) in pairs {
            let n = String::from_utf8_lossy(name).into_owned();
            let Some(hit) = table::lookup(&n) else {
                if unknown.is_none() && err.is_none() {
                    unknown = Some(n);
                }
                continue;
            };
            if unknown.is_some() || err.is_some() {
                continue;
            }
            let flags = TABLE[hit.0].flags;
            if flags & IMMUTABLE != 0 {
                err = Some((n, "can't set immutable config"));
                continue;
            }
            if flags & PROTECTED != 0 && !protected_ok {
                err = Some((n, "can't set protected config"));
                continue;
            }
            if found.contains(&hit) {
                err = Some((n, "duplicate parameter"));
                continue;
            }
            found.push(hit);
        }
        if let Some(n) = unknown {
            return Err(format!(
                "ERR Unknown option or number of arguments for CONFIG SET - '{n}'"
            ));
        }
        if let Some((n, e)) = err {
            return Err(format!(
                "ERR CONFIG SET failed (possibly related to argument '{n}') - {e}"
            ));
        }
        let backup = self.values.clone();
        for ((idx, _), (name, val)) in found.iter().zip(pairs) {
            let spec = &TABLE[*idx];
            let v = String::from_utf8_lossy(val).into_owned();
            let vals: Vec<String> = if spec.flags & MULTI_ARG != 0 {
                if v.is_empty() {
                    Vec::new()
                } else {
                    v.split(' ').map(String::from).collect()
                }
            } else {
                vec![v]
            };
            match value::parse(spec, &vals, &self.values[*idx]) {
                Ok(nv) => self.values[*idx] = nv,
                Err(e) => {
                    self.restore(backup);
                    return Err(format!(
                        "ERR CONFIG SET failed (possibly related to argument '{}') - {e}",
                        String::from_utf8_lossy(name)
                    ));
                }
            }
        }
        let mc = table::index("maxclients");
        if self.values[mc] != backup[mc]
            && let limits::FdLimit::Reduced { limit, .. } =
                limits::adjust(self.values[mc].parse().unwrap_or(0))
        {
            self.restore(backup);
            return Err(format!(
                "ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating system is not able to handle the specified number of clients, try with {}",
                limit.saturating_sub(32)
            ));
        }
        self.sync();
        let mut changed: Vec<&'static str> = Vec::new();
        for (i, spec) in TABLE.iter().enumerate() {
            if self.values[i] != backup[i] {
                changed.push(spec.name);
            }
        }
        Ok(changed)
    }

    /// Puts back the values saved before a failed CONFIG SET (and the working directory).
    fn restore(&mut self, backup: Vec<String>) {
        let d = table::index("dir");
        if self.values[d] != backup[d] {
            let _ = std::env::set_current_dir(&backup[d]);
        }
        self.values = backup;
    }

    /// CONFIG GET of one pattern (see [`Config::get_patterns`]).
    pub fn get(&self, pattern: &[u8]) -> Vec<(String, String)> {
        self.get_patterns(&[pattern])
    }

    /// CONFIG SET of one parameter, as a local client (see [`Config::set_pairs`]).
    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), String> {
        self.set_pairs(&[(name, value)], true).map(|_| ())
    }

    /// The `user default ...` line CONFIG REWRITE writes for the `requirepass` password.
    pub fn default_user_line(&self) -> String {
        match &self.requirepass {
            None => "user default on nopass ~* &* +@all".into(),
            Some(p) => format!("user default on #{} ~* &* +@all", sha256::hex(p)),
        }
    }
}
