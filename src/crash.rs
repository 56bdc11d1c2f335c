//! Crash reports (Redis's `sigsegvHandler`/`bugReportStart` in `debug.c`): a fatal signal
//! (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) or a panic writes a bug report with a stack
//! trace to the log before the process dies, so a crash leaves more than a vanished server.
//! The signal is then re-raised with its default action (core dump where enabled).

use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a report has started: a crash inside the report does not start another.
static REPORTING: AtomicBool = AtomicBool::new(false);

const FATAL: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGFPE,
    libc::SIGILL,
    libc::SIGABRT,
];

/// Installs the signal handlers and the panic hook.
pub fn install() {
    for sig in FATAL {
        // SAFETY: a zeroed sigaction with a valid handler and flags, installed for signals
        // that are otherwise fatal; the handler only logs and re-raises.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_fatal_signal as *const () as usize;
            sa.sa_flags = libc::SA_SIGINFO | libc::SA_NODEFER | libc::SA_RESETHAND;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !REPORTING.swap(true, Ordering::SeqCst) {
            report_start();
            log::warn!("ferrokv {} panicked: {info}", crate::VERSION);
            report_end();
        }
        default(info);
    }));
}

fn report_start() {
    log::warn!("\n\n=== FERROKV BUG REPORT START: Cut & paste starting from here ===");
}

fn report_end() {
    log::warn!(
        "\n------ STACK TRACE ------\n{}",
        std::backtrace::Backtrace::force_capture()
    );
    log::warn!(
        "\n=== FERROKV BUG REPORT END. Make sure to include from START to END. ===\n\n       Please report the crash by opening an issue on github.\n"
    );
}

extern "C" fn on_fatal_signal(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    _ctx: *mut libc::c_void,
) {
    if !REPORTING.swap(true, Ordering::SeqCst) {
        // SAFETY: the kernel passes a valid siginfo_t for SA_SIGINFO handlers.
        let code = unsafe { info.as_ref().map_or(0, |i| i.si_code) };
        report_start();
        log::warn!(
            "ferrokv {} (Redis {} compatible) crashed by signal: {sig}, si_code: {code}",
            crate::VERSION,
            crate::REDIS_VERSION
        );
        report_end();
    }
    // SA_RESETHAND restored the default action: re-raise to die of the same signal.
    // SAFETY: plain libc calls on our own process.
    unsafe {
        libc::kill(libc::getpid(), sig);
    }
}
