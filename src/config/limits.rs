//! The open-files limit `maxclients` needs (Redis's `adjustOpenFilesLimit`): `maxclients`
//! plus 32 reserved descriptors, raised with `setrlimit` as far as the OS allows.

/// Descriptors Redis keeps for itself besides clients (`CONFIG_MIN_RESERVED_FDS`).
const RESERVED_FDS: u64 = 32;

/// What adjusting the limit did.
#[derive(Debug, PartialEq, Eq)]
pub enum FdLimit {
    /// The limit was already high enough (or could not be read).
    Unchanged,
    /// Raised from `from` to `to`.
    Increased { from: u64, to: u64 },
    /// Could only reach `limit`: `maxclients` must shrink to `limit - 32`.
    Reduced {
        maxfiles: u64,
        limit: u64,
        error: String,
    },
}

/// Makes room for `maxclients` clients. Like Redis, `maxclients + 32` is computed in 32 bits.
pub fn adjust(maxclients: u32) -> FdLimit {
    let maxfiles = maxclients.wrapping_add(RESERVED_FDS as u32) as u64;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we pass.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == -1 {
        return FdLimit::Unchanged;
    }
    let old = lim.rlim_cur;
    if old >= maxfiles {
        return FdLimit::Unchanged;
    }
    let set = |n: u64| {
        let l = libc::rlimit {
            rlim_cur: n,
            rlim_max: n,
        };
        // SAFETY: setrlimit only reads the struct.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &l) != -1 }
    };
    if set(maxfiles) {
        return FdLimit::Increased {
            from: old,
            to: maxfiles,
        };
    }
    let error = super::args::strerror(&std::io::Error::last_os_error());
    // Redis steps down 16 at a time from maxfiles until setrlimit succeeds. Values above
    // the kernel's nr_open, or above the hard limit for an unprivileged process, always fail:
    // start at the first step below each of those, then step down as Redis does.
    let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(u64::MAX);
    let at_most = |cap: u64| {
        if maxfiles <= cap {
            maxfiles
        } else {
            maxfiles.saturating_sub((maxfiles - cap).div_ceil(16) * 16)
        }
    };
    let mut best = old;
    let mut n = at_most(nr_open);
    let hard = at_most(lim.rlim_max);
    while n > old {
        if set(n) {
            best = n;
            break;
        }
        n = if n > hard { hard } else { n.saturating_sub(16) };
    }
    FdLimit::Reduced {
        maxfiles,
        limit: best,
        error,
    }
}
