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
    pub executable: String,
    pub rng: crate::util::Rng,
}

impl ServerState {
    pub fn new(config: Config) -> Self {
        let dbs = (0..config.databases.max(1)).map(|_| Db::default()).collect();
        let mut rng = crate::util::Rng::from_entropy();
        let run_id = (0..40)
            .map(|_| b"0123456789abcdef"[(rng.next_u64() % 16) as usize] as char)
            .collect();
        ServerState {
            port: config.port,
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
        }
    }

    /// Database `idx` (indices are validated by SELECT/MOVE/SWAPDB before use).
    pub fn db_mut(&mut self, idx: usize) -> &mut Db {
        let last = self.dbs.len() - 1;
        &mut self.dbs[idx.min(last)]
    }
}

/// Sent to non-loopback clients while protected mode is on and no password is set.
pub const DENIED_MESSAGE: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";
