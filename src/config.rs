//! Configuration: redis.conf parsing, defaults, and the values CONFIG GET/SET work on.
//!
//! Minimal first version: typed fields with Redis 7.0's defaults and a line parser for the
//! directives ferrokv acts on.

use std::path::PathBuf;

/// Log verbosity, as redis.conf's `loglevel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Debug,
    Verbose,
    Notice,
    Warning,
}

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
    /// `client-output-buffer-limit normal`: hard bytes, soft bytes, soft seconds (0 = none).
    pub client_output_buffer_limit_normal: (usize, usize, u64),
    pub hash_max_listpack_entries: usize,
    pub hash_max_listpack_value: usize,
    pub dir: String,
    pub dbfilename: String,
    pub save: String,
    pub appendonly: bool,
    pub enable_debug_command: String,
    pub unixsocket: String,
    pub unixsocketperm: u32,
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: usize,
    /// The config file given on the command line, if any.
    pub config_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: vec!["*".into(), "-::*".into()],
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
            slowlog_log_slower_than: 10000,
            slowlog_max_len: 128,
            proto_max_bulk_len: 512 * 1024 * 1024,
            client_query_buffer_limit: 1024 * 1024 * 1024,
            client_output_buffer_limit_normal: (0, 0, 0),
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            dir: std::env::current_dir()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "/".into()),
            dbfilename: "dump.rdb".into(),
            save: "3600 1 300 100 60 10000".into(),
            appendonly: false,
            enable_debug_command: "no".into(),
            unixsocket: String::new(),
            unixsocketperm: 0,
            config_file: None,
        }
    }
}

impl Config {
    /// Builds the configuration from `redis-server`-style arguments:
    /// `[config-file] [--directive value ...]`. Errors are the fatal message to print.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        let mut text = String::new();
        let mut rest = args;
        if let Some(first) = args.first()
            && !first.starts_with("--")
        {
            let path = PathBuf::from(first);
            text = std::fs::read_to_string(&path)
                .map_err(|e| format!("Fatal error, can't open config file '{first}': {e}"))?;
            text.push('\n');
            cfg.config_file = Some(path);
            rest = &args[1..];
        }
        let mut line = String::new();
        for a in rest {
            if let Some(name) = a.strip_prefix("--") {
                if !line.is_empty() {
                    text.push_str(&line);
                    text.push('\n');
                }
                line = name.to_string();
            } else {
                line.push(' ');
                line.push_str(a);
            }
        }
        text.push_str(&line);
        for (n, l) in text.lines().enumerate() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = l.split_whitespace().collect();
            cfg.apply(&words).map_err(|e| {
                format!(
                    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
                    n + 1,
                    l,
                    e
                )
            })?;
        }
        Ok(cfg)
    }

    fn apply(&mut self, w: &[&str]) -> Result<(), String> {
        let name = w[0].to_ascii_lowercase();
        let v = w.get(1).copied().unwrap_or("");
        let num = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| "argument couldn't be parsed into an integer".to_string())
        };
        match name.as_str() {
            "port" => self.port = num(v)? as u16,
            "bind" => self.bind = w[1..].iter().map(|s| s.to_string()).collect(),
            "databases" => self.databases = num(v)? as usize,
            "hz" => self.hz = (num(v)? as u32).clamp(1, 500),
            "timeout" => self.timeout = num(v)?,
            "maxclients" => self.maxclients = num(v)? as usize,
            "requirepass" => self.requirepass = (!v.is_empty()).then(|| v.as_bytes().to_vec()),
            "enable-debug-command" => self.enable_debug_command = v.to_string(),
            "loglevel" => {
                self.loglevel = match v {
                    "debug" => LogLevel::Debug,
                    "verbose" => LogLevel::Verbose,
                    "notice" => LogLevel::Notice,
                    "warning" => LogLevel::Warning,
                    _ => return Err("argument(s) must be one of the following: debug, verbose, notice, warning, nothing".into()),
                }
            }
            "logfile" => self.logfile = v.to_string(),
            _ => {}
        }
        Ok(())
    }

    /// Parameters matching a glob pattern, for CONFIG GET.
    pub fn get(&self, pattern: &[u8]) -> Vec<(String, String)> {
        let all = [
            ("port", self.port.to_string()),
            ("databases", self.databases.to_string()),
            ("save", self.save.clone()),
            (
                "appendonly",
                if self.appendonly { "yes" } else { "no" }.to_string(),
            ),
        ];
        all.into_iter()
            .filter(|(n, _)| crate::util::glob_match(pattern, n.as_bytes(), true))
            .map(|(n, v)| (n.to_string(), v))
            .collect()
    }

    /// CONFIG SET of one parameter.
    pub fn set(&mut self, name: &[u8], value: &[u8]) -> Result<(), String> {
        let name = String::from_utf8_lossy(name).to_string();
        let value = String::from_utf8_lossy(value).to_string();
        self.apply(&[&name, &value])
    }
}
