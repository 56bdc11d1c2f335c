//! ferrokv: a Redis-compatible server. One thread, one `mio::Poll` loop.
//!
//! The path of a request, module by module:
//!
//! socket ([`stream`], accepted by [`event_loop`]) → query buffer ([`client`]) → resumable RESP
//! parser ([`resp::parser`]) → command table lookup and arity check ([`command`]) → handler
//! (one module per data type in [`commands`], working on [`db`]) → reply buffer
//! ([`resp::reply`]) → socket (written once per loop turn by [`event_loop`]).
//!
//! [`config`] reads redis.conf; [`server`] holds the state every command sees; [`error`] turns
//! typed errors into RESP error lines in one place.
//! [`blocking`] keeps the clients that wait: blocking pops served when their keys get data,
//! and CLIENT PAUSE. Transactions (MULTI/EXEC, WATCH) are in [`commands::multi`].
//! [`monitor`] shows every executed command to MONITOR clients.
//! [`replication`] serves replicas (SYNC/PSYNC, the write stream, WAIT); what is propagated
//! to them and to the AOF is decided in [`persist::propagate`].

pub mod alloc;
pub mod blocking;
pub mod client;
pub mod command;
pub mod commands;
pub mod config;
pub mod crash;
pub mod daemon;
pub mod db;
pub mod error;
pub mod event_loop;
pub mod evict;
pub mod idle;
pub mod latency;
pub mod latency_monitor;
pub mod ldouble;
pub mod listen;
pub mod logging;
pub mod monitor;
pub mod oom;
pub mod persist;
pub mod replication;
pub mod resp;
pub mod server;
pub mod sha1;
pub mod slowlog;
pub mod stream;
pub mod util;

/// The Redis version whose behaviour ferrokv matches (reported as `redis_version`).
pub const REDIS_VERSION: &str = "7.0.15";
/// ferrokv's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
