//! The slow log (Redis's `slowlog.c`): commands that ran at least `slowlog-log-slower-than`
//! microseconds, newest first, at most `slowlog-max-len` of them.

use std::collections::VecDeque;

use crate::resp::Args;

/// Arguments kept per entry (`SLOWLOG_ENTRY_MAX_ARGC`); the last slot says how many were cut.
const MAX_ARGC: usize = 32;
/// Bytes kept per argument (`SLOWLOG_ENTRY_MAX_STRING`).
const MAX_STRING: usize = 128;

/// One logged command.
pub struct Entry {
    pub id: u64,
    /// Unix seconds when it ran.
    pub time: i64,
    pub duration_us: u64,
    pub args: Vec<Vec<u8>>,
    pub addr: String,
    pub name: Vec<u8>,
}

/// The log itself.
#[derive(Default)]
pub struct SlowLog {
    pub entries: VecDeque<Entry>,
    next_id: u64,
}

impl SlowLog {
    /// Logs a command if it was slow enough (`slower_than` < 0 disables the log).
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        cmd: &str,
        slower_than: i64,
        max_len: usize,
        args: &Args<'_>,
        duration_us: u64,
        now_ms: i64,
        addr: &str,
        name: Option<&[u8]>,
    ) {
        if slower_than < 0 || (duration_us as i64) < slower_than {
            return;
        }
        let argc = args.len().min(MAX_ARGC);
        let mut kept = Vec::with_capacity(argc);
        for i in 0..argc {
            if argc != args.len() && i == argc - 1 {
                kept.push(format!("... ({} more arguments)", args.len() - argc + 1).into_bytes());
                break;
            }
            let a = args.get(i);
            if is_redacted(cmd, args, i) {
                kept.push(b"(redacted)".to_vec());
            } else if a.len() > MAX_STRING {
                let mut v = a[..MAX_STRING].to_vec();
                v.extend_from_slice(
                    format!("... ({} more bytes)", a.len() - MAX_STRING).as_bytes(),
                );
                kept.push(v);
            } else {
                kept.push(a.to_vec());
            }
        }
        self.entries.push_front(Entry {
            id: self.next_id,
            time: now_ms / 1000,
            duration_us,
            args: kept,
            addr: addr.to_string(),
            name: name.unwrap_or_default().to_vec(),
        });
        self.next_id += 1;
        self.entries.truncate(max_len);
    }

    pub fn reset(&mut self) {
        self.entries.clear();
    }
}

/// Arguments Redis hides from the slow log and MONITOR (`redactClientCommandArgument`):
/// passwords of AUTH and HELLO ... AUTH, and values of sensitive CONFIG SET parameters.
pub fn is_redacted(cmd: &str, args: &Args<'_>, i: usize) -> bool {
    match cmd {
        "auth" => i >= 1,
        "hello" => (2..args.len())
            .any(|j| args.get(j).eq_ignore_ascii_case(b"auth") && (i == j + 1 || i == j + 2)),
        "config|set" => {
            i >= 3
                && i % 2 == 1
                && [&b"requirepass"[..], b"masterauth", b"masteruser"]
                    .iter()
                    .any(|p| args.get(i - 1).eq_ignore_ascii_case(p))
        }
        _ => false,
    }
}
