//! Log output in Redis's format (`pid:M 24 Nov 2026 19:20:00.123 * message`) through
//! `log`/`env_logger`, at the configured `loglevel`, to stdout or the configured `logfile`.

use std::io::Write;

use crate::config::{Config, LogLevel};

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + (m <= 2) as i64;
    (y, m, d)
}

/// `24 Nov 2026 19:20:00.123` for a Unix time in ms (UTC).
pub fn timestamp(ms: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        d,
        MONTHS[(m - 1) as usize % 12],
        y,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        ms.rem_euclid(1000)
    )
}

fn filter(level: LogLevel) -> log::LevelFilter {
    match level {
        LogLevel::Debug => log::LevelFilter::Trace,
        LogLevel::Verbose => log::LevelFilter::Debug,
        LogLevel::Notice => log::LevelFilter::Info,
        LogLevel::Warning => log::LevelFilter::Warn,
    }
}

/// The `log` target of lines written without the pid/time/level prefix.
pub const RAW: &str = "raw";

/// Logs the start-up banner (Redis's `redisAsciiArt`): a logo with the port and pid when
/// `always-show-logo` is set or the log is a terminal, else one line.
pub fn banner(cfg: &Config, port: u16) {
    // SAFETY: isatty on a constant fd has no preconditions.
    let tty = cfg.logfile.is_empty() && unsafe { libc::isatty(1) } == 1;
    if cfg.val("always-show-logo") == "yes" || tty {
        log::info!(
            target: RAW,
            "\n      _.--._         ferrokv {} (Redis {} compatible) 64 bit\n   .-'  fe  '-.      \n  (   ferrokv  )     Running in standalone mode\n   '-.      .-'      Port: {port}\n      '-..-'         PID: {}\n",
            crate::VERSION,
            crate::REDIS_VERSION,
            std::process::id()
        );
    } else {
        log::info!("Running mode=standalone, port={port}.");
    }
}

/// Installs the logger. Returns an error message if the log file cannot be opened.
pub fn init(cfg: &Config) -> Result<(), String> {
    let mut b = env_logger::Builder::new();
    b.filter_level(filter(cfg.loglevel));
    let pid = std::process::id();
    b.format(move |buf, rec| {
        // Redis's LL_RAW: the text alone, no prefix.
        if rec.target() == RAW {
            return writeln!(buf, "{}", rec.args());
        }
        let mark = match rec.level() {
            log::Level::Trace => '.',
            log::Level::Debug => '-',
            log::Level::Info => '*',
            log::Level::Warn | log::Level::Error => '#',
        };
        writeln!(
            buf,
            "{pid}:M {} {mark} {}",
            timestamp(crate::util::now_ms()),
            rec.args()
        )
    });
    if cfg.logfile.is_empty() {
        b.target(env_logger::Target::Stdout);
    } else {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&cfg.logfile)
            .map_err(|e| format!("Can't open the log file: {e}"))?;
        b.target(env_logger::Target::Pipe(Box::new(f)));
    }
    b.try_init().map_err(|e| e.to_string())
}

/// Changes the level at run time (CONFIG SET loglevel).
pub fn set_level(level: LogLevel) {
    log::set_max_level(filter(level));
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::timestamp(0), "01 Jan 1970 00:00:00.000");
        assert_eq!(
            super::timestamp(1_795_554_000_123),
            "24 Nov 2026 21:00:00.123"
        );
    }
}
