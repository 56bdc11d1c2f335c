//! `ferrokv [/path/to/redis.conf] [--directive value ...]`: the same command line as
//! `redis-server`.

use std::process::ExitCode;

use ferrokv::config::Config;
use ferrokv::event_loop::EventLoop;
use ferrokv::server::ServerState;

const USAGE: &str = "Usage: ./ferrokv [/path/to/redis.conf] [options] [-]
       ./ferrokv - (read config from stdin)
       ./ferrokv -v or --version
       ./ferrokv -h or --help

Examples:
       ./ferrokv (run the server with default conf)
       ./ferrokv /etc/redis/6379.conf
       ./ferrokv --port 7777
       ./ferrokv /etc/myredis.conf --loglevel verbose -
       ./ferrokv /etc/myredis.conf --loglevel verbose
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("-v" | "--version") => {
            println!(
                "ferrokv v={} (Redis {} compatible) bits=64",
                ferrokv::VERSION,
                ferrokv::REDIS_VERSION
            );
            return ExitCode::SUCCESS;
        }
        Some("-h" | "--help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let mut config = match Config::from_args(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = ferrokv::logging::init(&config) {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    ferrokv::crash::install();
    let supervised = ferrokv::daemon::supervise(&config);
    let background = ferrokv::daemon::wants_background(&config, supervised);
    if background {
        ferrokv::daemon::daemonize();
    }
    log::warn!("oO0OoO0OoO0Oo ferrokv is starting oO0OoO0OoO0Oo");
    log::warn!(
        "ferrokv version={} (Redis {} compatible), pid={}, just started",
        ferrokv::VERSION,
        ferrokv::REDIS_VERSION,
        std::process::id()
    );
    if args.is_empty() {
        log::warn!(
            "Warning: no config file specified, using the default config. In order to specify a config file use ferrokv /path/to/redis.conf"
        );
    } else {
        log::warn!("Configuration loaded");
    }
    config.apply_at_start();
    let pidfile = ferrokv::daemon::pid_file(&config, background);
    if let Some(p) = &pidfile {
        ferrokv::daemon::write_pid_file(p);
    }
    let srv = ServerState::new(config);
    let mut ev = match EventLoop::new(srv) {
        Ok(ev) => ev,
        Err(e) => {
            log::warn!("{e}");
            return ExitCode::FAILURE;
        }
    };
    ev.srv
        .commands
        .apply_renames(&ev.srv.config.rename_commands);
    ferrokv::logging::banner(&ev.srv.config, ev.srv.port);
    let _ = ferrokv::oom::apply(&ev.srv.config, ferrokv::oom::MASTER);
    ev.srv.used_memory_startup = ferrokv::alloc::used();
    log::info!("Server initialized");
    if ferrokv::persist::load_at_startup(&mut ev.srv).is_err() {
        return ExitCode::FAILURE;
    }
    log::info!("Ready to accept connections on port {}", ev.srv.port);
    ferrokv::daemon::notify("STATUS=Ready to accept connections\n");
    ferrokv::daemon::notify("READY=1\n");
    if let Err(e) = ev.run() {
        log::warn!("Event loop failed: {e}");
        return ExitCode::FAILURE;
    }
    if let Some(p) = &pidfile {
        log::info!("Removing the pid file.");
        let _ = std::fs::remove_file(p);
    }
    log::warn!("ferrokv is now ready to exit, bye bye...");
    ExitCode::SUCCESS
}
