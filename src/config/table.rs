//! The static table of every directive Redis 7.0 accepts: name, alias, type and validation,
//! default (as CONFIG GET shows it) and flags. The single source of truth for parsing config
//! files, CONFIG GET/SET and CONFIG REWRITE.

/// Cannot be changed by CONFIG SET.
pub const IMMUTABLE: u16 = 1 << 0;
/// CONFIG SET refused unless `enable-protected-configs` allows it.
pub const PROTECTED: u16 = 1 << 1;
/// Not matched by CONFIG GET glob patterns (exact name only).
pub const HIDDEN: u16 = 1 << 2;
/// Holds a secret (redacted from logs).
pub const SENSITIVE: u16 = 1 << 3;
/// Takes several arguments (one CONFIG SET value is split on spaces).
pub const MULTI_ARG: u16 = 1 << 4;
/// ferrokv acts on it (others are stored, shown, and warned about once at start).
pub const ACTED: u16 = 1 << 5;
/// An empty string means "unset" (CONFIG REWRITE then drops the line).
pub const NULLABLE: u16 = 1 << 6;
/// CONFIG REWRITE always writes it (as Redis 7.0 does for the percentiles).
pub const FORCE_REWRITE: u16 = 1 << 7;

/// How an integer directive is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    /// A plain integer (`string2ll`).
    Plain,
    /// A memory value with an optional unit (1k, 1kb, 1m, 1mb, 1g, 1gb).
    Mem,
    /// A memory value or a percentage (`10%`).
    MemPct,
}

/// Extra checks on a string directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chk {
    None,
    DirName,
    FileName,
    DbFileName,
    Hostname,
    ProcTitle,
}

/// Directives with their own syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sp {
    Save,
    Bind,
    ClientOutputBufferLimit,
    OomScoreAdjValues,
    Percentiles,
    Replicaof,
    NotifyKeyspaceEvents,
    Dir,
    Octal,
    /// `shutdown-on-sigint`/`-sigterm`: a set of flags, one or more arguments.
    ShutdownOnSig,
}

/// A directive's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Enum(&'static [&'static str]),
    Int { min: i128, max: i128, num: Num },
    Str(Chk),
    Special(Sp),
}

/// One directive.
#[derive(Debug)]
pub struct Spec {
    pub name: &'static str,
    /// Old name also accepted ("" when none).
    pub alias: &'static str,
    pub kind: Kind,
    /// The default as CONFIG GET shows it (`dir`: the working directory at start).
    pub default: &'static str,
    pub flags: u16,
}

use Kind::*;

const I32: i128 = i32::MAX as i128;
const U32: i128 = u32::MAX as i128;
const I64: i128 = i64::MAX as i128;
const U64: i128 = u64::MAX as i128;

const fn spec(
    name: &'static str,
    alias: &'static str,
    kind: Kind,
    default: &'static str,
    flags: u16,
) -> Spec {
    Spec {
        name,
        alias,
        kind,
        default,
        flags,
    }
}

/// A plain integer in `min..=max`.
const fn int(min: i128, max: i128) -> Kind {
    Int {
        min,
        max,
        num: Num::Plain,
    }
}

/// A memory value (with units) in `min..=max`.
const fn mem(min: i128, max: i128) -> Kind {
    Int {
        min,
        max,
        num: Num::Mem,
    }
}

/// A memory value or a percentage up to 100% (stored negative, as Redis does).
const fn mem_pct() -> Kind {
    Int {
        min: -100,
        max: I64,
        num: Num::MemPct,
    }
}

/// Every directive: name, alias, type and bounds, default, flags.
#[rustfmt::skip]
pub static TABLE: [Spec; 176] = [
    spec("acl-pubsub-default", "", Enum(&["allchannels", "resetchannels"]), "resetchannels", 0),
    spec("aclfile", "", Str(Chk::None), "", IMMUTABLE),
    spec("acllog-max-len", "", int(0, I64), "128", 0),
    spec("active-defrag-cycle-max", "", int(1, 99), "25", 0),
    spec("active-defrag-cycle-min", "", int(1, 99), "1", 0),
    spec("active-defrag-ignore-bytes", "", mem(1, I64), "104857600", 0),
    spec("active-defrag-max-scan-fields", "", int(1, I64), "1000", 0),
    spec("active-defrag-threshold-lower", "", int(0, 1000), "10", 0),
    spec("active-defrag-threshold-upper", "", int(0, 1000), "100", 0),
    spec("active-expire-effort", "", int(1, 10), "1", 0),
    spec("activedefrag", "", Bool, "no", 0),
    spec("activerehashing", "", Bool, "yes", 0),
    spec("always-show-logo", "", Bool, "no", IMMUTABLE | ACTED),
    spec("aof-disable-auto-gc", "", Bool, "no", 0),
    spec("aof-load-truncated", "", Bool, "yes", ACTED),
    spec("aof-rewrite-incremental-fsync", "", Bool, "yes", 0),
    spec("aof-timestamp-enabled", "", Bool, "no", 0),
    spec("aof-use-rdb-preamble", "", Bool, "yes", ACTED),
    spec("aof_rewrite_cpulist", "", Str(Chk::None), "", IMMUTABLE | NULLABLE),
    spec("appenddirname", "", Str(Chk::DirName), "appendonlydir", IMMUTABLE | ACTED),
    spec("appendfilename", "", Str(Chk::FileName), "appendonly.aof", IMMUTABLE | ACTED),
    spec("appendfsync", "", Enum(&["everysec", "always", "no"]), "everysec", ACTED),
    spec("appendonly", "", Bool, "no", ACTED),
    spec("auto-aof-rewrite-min-size", "", mem(0, I64), "67108864", ACTED),
    spec("auto-aof-rewrite-percentage", "", int(0, I32), "100", ACTED),
    spec("bgsave_cpulist", "", Str(Chk::None), "", IMMUTABLE | NULLABLE),
    spec("bind", "", Special(Sp::Bind), "* -::*", MULTI_ARG | ACTED),
    spec("bind-source-addr", "", Str(Chk::None), "", NULLABLE),
    spec("bio_cpulist", "", Str(Chk::None), "", IMMUTABLE | NULLABLE),
    spec("busy-reply-threshold", "lua-time-limit", int(0, I64), "5000", 0),
    spec("client-output-buffer-limit", "", Special(Sp::ClientOutputBufferLimit), "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", MULTI_ARG | ACTED),
    spec("client-query-buffer-limit", "", mem(1048576, I64), "1073741824", ACTED),
    spec("cluster-allow-pubsubshard-when-down", "", Bool, "yes", 0),
    spec("cluster-allow-reads-when-down", "", Bool, "no", 0),
    spec("cluster-allow-replica-migration", "", Bool, "yes", 0),
    spec("cluster-announce-bus-port", "", int(0, 65535), "0", 0),
    spec("cluster-announce-hostname", "", Str(Chk::Hostname), "", NULLABLE),
    spec("cluster-announce-ip", "", Str(Chk::None), "", NULLABLE),
    spec("cluster-announce-port", "", int(0, 65535), "0", 0),
    spec("cluster-announce-tls-port", "", int(0, 65535), "0", 0),
    spec("cluster-config-file", "", Str(Chk::None), "nodes.conf", IMMUTABLE),
    spec("cluster-enabled", "", Bool, "no", IMMUTABLE),
    spec("cluster-link-sendbuf-limit", "", mem(0, U64), "0", 0),
    spec("cluster-migration-barrier", "", int(0, I32), "1", 0),
    spec("cluster-node-timeout", "", int(0, I64), "15000", 0),
    spec("cluster-port", "", int(0, 65535), "0", IMMUTABLE),
    spec("cluster-preferred-endpoint-type", "", Enum(&["ip", "hostname", "unknown-endpoint"]), "ip", 0),
    spec("cluster-replica-no-failover", "cluster-slave-no-failover", Bool, "no", 0),
    spec("cluster-replica-validity-factor", "cluster-slave-validity-factor", int(0, I32), "10", 0),
    spec("cluster-require-full-coverage", "", Bool, "yes", 0),
    spec("crash-log-enabled", "", Bool, "yes", 0),
    spec("crash-memcheck-enabled", "", Bool, "yes", 0),
    spec("daemonize", "", Bool, "no", IMMUTABLE | ACTED),
    spec("databases", "", int(1, I32), "16", IMMUTABLE | ACTED),
    spec("dbfilename", "", Str(Chk::DbFileName), "dump.rdb", PROTECTED | ACTED),
    spec("dir", "", Special(Sp::Dir), "", PROTECTED | ACTED),
    spec("disable-thp", "", Bool, "yes", IMMUTABLE),
    spec("dynamic-hz", "", Bool, "yes", 0),
    spec("enable-debug-command", "", Enum(&["no", "yes", "local"]), "no", IMMUTABLE | ACTED),
    spec("enable-module-command", "", Enum(&["no", "yes", "local"]), "no", IMMUTABLE),
    spec("enable-protected-configs", "", Enum(&["no", "yes", "local"]), "no", IMMUTABLE),
    spec("hash-max-listpack-entries", "hash-max-ziplist-entries", int(0, I64), "512", ACTED),
    spec("hash-max-listpack-value", "hash-max-ziplist-value", mem(0, I64), "64", ACTED),
    spec("hll-sparse-max-bytes", "", mem(0, I64), "3000", 0),
    spec("hz", "", int(0, I32), "10", ACTED),
    spec("ignore-warnings", "", Str(Chk::None), "", 0),
    spec("io-threads", "", int(1, 128), "1", IMMUTABLE),
    spec("io-threads-do-reads", "", Bool, "no", IMMUTABLE),
    spec("jemalloc-bg-thread", "", Bool, "yes", 0),
    spec("latency-monitor-threshold", "", int(0, I64), "0", ACTED),
    spec("latency-tracking", "", Bool, "yes", ACTED),
    spec("latency-tracking-info-percentiles", "", Special(Sp::Percentiles), "50 99 99.9", MULTI_ARG | FORCE_REWRITE | ACTED),
    spec("lazyfree-lazy-eviction", "", Bool, "no", 0),
    spec("lazyfree-lazy-expire", "", Bool, "no", 0),
    spec("lazyfree-lazy-server-del", "", Bool, "no", 0),
    spec("lazyfree-lazy-user-del", "", Bool, "no", 0),
    spec("lazyfree-lazy-user-flush", "", Bool, "no", 0),
    spec("lfu-decay-time", "", int(0, I32), "1", ACTED),
    spec("lfu-log-factor", "", int(0, I32), "10", ACTED),
    spec("list-compress-depth", "", int(0, I32), "0", ACTED),
    spec("list-max-listpack-size", "list-max-ziplist-size", int(-I32 - 1, I32), "-2", ACTED),
    spec("logfile", "", Str(Chk::None), "", IMMUTABLE | ACTED),
    spec("loglevel", "", Enum(&["debug", "verbose", "notice", "warning"]), "notice", ACTED),
    spec("masterauth", "", Str(Chk::None), "", SENSITIVE | NULLABLE),
    spec("masteruser", "", Str(Chk::None), "", SENSITIVE | NULLABLE),
    spec("maxclients", "", int(1, U32), "10000", ACTED),
    spec("maxmemory", "", mem(0, U64), "0", ACTED),
    spec("maxmemory-clients", "", mem_pct(), "0", 0),
    spec("maxmemory-eviction-tenacity", "", int(0, 100), "10", ACTED),
    spec("maxmemory-policy", "", Enum(&["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]), "noeviction", ACTED),
    spec("maxmemory-samples", "", int(1, I32), "5", ACTED),
    spec("min-replicas-max-lag", "min-slaves-max-lag", int(0, I32), "10", 0),
    spec("min-replicas-to-write", "min-slaves-to-write", int(0, I32), "0", 0),
    spec("no-appendfsync-on-rewrite", "", Bool, "no", 0),
    spec("notify-keyspace-events", "", Special(Sp::NotifyKeyspaceEvents), "", 0),
    spec("oom-score-adj", "", Enum(&["no", "yes", "relative", "absolute"]), "no", ACTED),
    spec("oom-score-adj-values", "", Special(Sp::OomScoreAdjValues), "0 200 800", MULTI_ARG | ACTED),
    spec("pidfile", "", Str(Chk::None), "", IMMUTABLE | NULLABLE | ACTED),
    spec("port", "", int(0, 65535), "6379", ACTED),
    spec("proc-title-template", "", Str(Chk::ProcTitle), "{title} {listen-addr} {server-mode}", 0),
    spec("propagation-error-behavior", "", Enum(&["ignore", "panic", "panic-on-replicas"]), "ignore", 0),
    spec("protected-mode", "", Bool, "yes", ACTED),
    spec("proto-max-bulk-len", "", mem(1048576, I64), "536870912", ACTED),
    spec("rdb-del-sync-files", "", Bool, "no", 0),
    spec("rdb-save-incremental-fsync", "", Bool, "yes", 0),
    spec("rdbchecksum", "", Bool, "yes", IMMUTABLE | ACTED),
    spec("rdbcompression", "", Bool, "yes", ACTED),
    spec("repl-backlog-size", "", mem(1, I64), "1048576", 0),
    spec("repl-backlog-ttl", "", int(0, I64), "3600", 0),
    spec("repl-disable-tcp-nodelay", "", Bool, "no", 0),
    spec("repl-diskless-load", "", Enum(&["disabled", "on-empty-db", "swapdb"]), "disabled", 0),
    spec("repl-diskless-sync", "", Bool, "yes", 0),
    spec("repl-diskless-sync-delay", "", int(0, I32), "5", 0),
    spec("repl-diskless-sync-max-replicas", "", int(0, I32), "0", 0),
    spec("repl-ping-replica-period", "repl-ping-slave-period", int(1, I32), "10", 0),
    spec("repl-timeout", "", int(1, I32), "60", 0),
    spec("replica-announce-ip", "slave-announce-ip", Str(Chk::None), "", NULLABLE),
    spec("replica-announce-port", "slave-announce-port", int(0, 65535), "0", 0),
    spec("replica-announced", "", Bool, "yes", 0),
    spec("replica-ignore-disk-write-errors", "", Bool, "no", 0),
    spec("replica-ignore-maxmemory", "slave-ignore-maxmemory", Bool, "yes", 0),
    spec("replica-lazy-flush", "slave-lazy-flush", Bool, "no", 0),
    spec("replica-priority", "slave-priority", int(0, I32), "100", 0),
    spec("replica-read-only", "slave-read-only", Bool, "yes", 0),
    spec("replica-serve-stale-data", "slave-serve-stale-data", Bool, "yes", 0),
    spec("replicaof", "slaveof", Special(Sp::Replicaof), "", IMMUTABLE | MULTI_ARG),
    spec("requirepass", "", Str(Chk::None), "", SENSITIVE | ACTED | NULLABLE),
    spec("sanitize-dump-payload", "", Enum(&["no", "yes", "clients"]), "no", 0),
    spec("save", "", Special(Sp::Save), "3600 1 300 100 60 10000", MULTI_ARG | ACTED),
    spec("server_cpulist", "", Str(Chk::None), "", IMMUTABLE | NULLABLE),
    spec("set-max-intset-entries", "", int(0, I64), "512", ACTED),
    spec("set-proc-title", "", Bool, "yes", IMMUTABLE),
    spec("shutdown-on-sigint", "", Special(Sp::ShutdownOnSig), "default", MULTI_ARG | ACTED),
    spec("shutdown-on-sigterm", "", Special(Sp::ShutdownOnSig), "default", MULTI_ARG | ACTED),
    spec("shutdown-timeout", "", int(0, I32), "10", 0),
    spec("slowlog-log-slower-than", "", int(-1, I64), "10000", ACTED),
    spec("slowlog-max-len", "", int(0, I64), "128", ACTED),
    spec("socket-mark-id", "", int(0, U32), "0", IMMUTABLE),
    spec("stop-writes-on-bgsave-error", "", Bool, "yes", ACTED),
    spec("stream-node-max-bytes", "", mem(0, I64), "4096", 0),
    spec("stream-node-max-entries", "", int(0, I64), "100", 0),
    spec("supervised", "", Enum(&["upstart", "systemd", "auto", "no"]), "no", IMMUTABLE | ACTED),
    spec("syslog-enabled", "", Bool, "no", IMMUTABLE),
    spec("syslog-facility", "", Enum(&["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]), "local0", IMMUTABLE),
    spec("syslog-ident", "", Str(Chk::None), "redis", IMMUTABLE),
    spec("tcp-backlog", "", int(0, I32), "511", IMMUTABLE),
    spec("tcp-keepalive", "", int(0, I32), "300", ACTED),
    spec("timeout", "", int(0, I32), "0", ACTED),
    spec("tls-auth-clients", "", Enum(&["no", "yes", "optional"]), "yes", 0),
    spec("tls-ca-cert-dir", "", Str(Chk::None), "", NULLABLE),
    spec("tls-ca-cert-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-cert-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-ciphers", "", Str(Chk::None), "", NULLABLE),
    spec("tls-ciphersuites", "", Str(Chk::None), "", NULLABLE),
    spec("tls-client-cert-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-client-key-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-client-key-file-pass", "", Str(Chk::None), "", NULLABLE),
    spec("tls-cluster", "", Bool, "no", 0),
    spec("tls-dh-params-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-key-file", "", Str(Chk::None), "", NULLABLE),
    spec("tls-key-file-pass", "", Str(Chk::None), "", NULLABLE),
    spec("tls-port", "", int(0, 65535), "0", 0),
    spec("tls-prefer-server-ciphers", "", Bool, "no", 0),
    spec("tls-protocols", "", Str(Chk::None), "", NULLABLE),
    spec("tls-replication", "", Bool, "no", 0),
    spec("tls-session-cache-size", "", int(0, I32), "20480", 0),
    spec("tls-session-cache-timeout", "", int(0, I32), "300", 0),
    spec("tls-session-caching", "", Bool, "yes", 0),
    spec("tracking-table-max-keys", "", int(0, I64), "1000000", 0),
    spec("unixsocket", "", Str(Chk::None), "", IMMUTABLE | ACTED | NULLABLE),
    spec("unixsocketperm", "", Special(Sp::Octal), "0", IMMUTABLE | ACTED),
    spec("zset-max-listpack-entries", "zset-max-ziplist-entries", int(0, I64), "128", ACTED),
    spec("zset-max-listpack-value", "zset-max-ziplist-value", mem(0, I64), "64", ACTED),
    spec("key-load-delay", "", int(-I32 - 1, I32), "0", HIDDEN),
    spec("rdb-key-save-delay", "", int(-I32 - 1, I32), "0", HIDDEN | ACTED),
    spec("loading-process-events-interval-bytes", "", int(1024, I32), "2097152", HIDDEN),
];

/// Directives Redis 7.0 still accepts in a config file (with one argument) and ignores.
pub const DEPRECATED: [&str; 3] = [
    "list-max-ziplist-entries",
    "list-max-ziplist-value",
    "lua-replicate-commands",
];

/// The table index of a directive by name or alias (ASCII case-insensitive), and whether the
/// name was the alias.
pub fn lookup(name: &str) -> Option<(usize, bool)> {
    TABLE.iter().enumerate().find_map(|(i, s)| {
        if s.name.eq_ignore_ascii_case(name) {
            Some((i, false))
        } else if !s.alias.is_empty() && s.alias.eq_ignore_ascii_case(name) {
            Some((i, true))
        } else {
            None
        }
    })
}

/// The table index of a canonical name (used for typed fields; the name must exist).
pub fn index(name: &str) -> usize {
    TABLE.iter().position(|s| s.name == name).unwrap_or(0)
}

/// Whether CONFIG SET's value for this parameter is hidden from the slow log and MONITOR
/// (Redis's `SENSITIVE_CONFIG`: requirepass, masterauth, masteruser).
pub fn is_sensitive(name: &[u8]) -> bool {
    std::str::from_utf8(name)
        .ok()
        .and_then(lookup)
        .is_some_and(|(i, _)| TABLE[i].flags & SENSITIVE != 0)
}
