//! PING latency while the keyspace grows: the measuring half of `scripts/latency.sh`.
//!
//! Against one server (ferrokv or redis-server) it measures a client's PING round trips, first on
//! the idle server, then while a second connection loads `--keys` string keys through pipelined
//! SETs (a writer thread keeps up to `--window` commands in flight, a reader thread drains the
//! replies). Prints one line of figures per phase, plus the slowest pings with the number of
//! keys loaded at that moment, so a stall can be tied to a table size. The load phase's pinger
//! goes on for `--tail-secs` after the load, while the cron finishes a resize in progress.
//!
//! With `--pid`, each ping also records the server's CPU time, run-queue wait and minor page
//! faults during the round trip (from /proc), so a slow ping can be told apart: server busy
//! (CPU), server not scheduled (run-queue wait: another process had the core), memory faults.
//! schedstat is brought up to date at context switches and scheduler ticks, so for a server that
//! never sleeps these figures are only good to a tick (4 ms at HZ=250). For turn-exact figures
//! trace the server: `perf trace -e epoll_wait,recvfrom,munmap,sched:sched_switch -p PID`.
//!
//! Usage: `latency --port P [--keys N] [--window N] [--batch N] [--idle-secs S] [--tail-secs S]
//! [--label L] [--pid PID]`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Opts {
    port: u16,
    keys: u64,
    window: u64,
    batch: u64,
    idle_secs: u64,
    /// Seconds the load phase's pinger goes on after the last reply.
    tail_secs: u64,
    label: String,
    /// Server pid: its /proc schedstat is read around each ping.
    pid: Option<u32>,
}

fn parse_opts() -> Opts {
    let mut o = Opts {
        port: 6379,
        keys: 10_000_000,
        window: 20_000,
        batch: 1_000,
        idle_secs: 5,
        tail_secs: 3,
        label: "server".into(),
        pid: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i + 1 < args.len() {
        let v = &args[i + 1];
        let num = || {
            v.parse::<u64>()
                .unwrap_or_else(|_| panic!("bad number {v}"))
        };
        match args[i].as_str() {
            "--port" => o.port = num() as u16,
            "--keys" => o.keys = num(),
            "--window" => o.window = num(),
            "--batch" => o.batch = num(),
            "--idle-secs" => o.idle_secs = num(),
            "--tail-secs" => o.tail_secs = num(),
            "--label" => o.label = v.clone(),
            "--pid" => o.pid = Some(num() as u32),
            other => panic!("unknown option {other}"),
        }
        i += 2;
    }
    o
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s
}

/// One PING sample: round trip in µs and the keys loaded when it was sent.
#[derive(Clone, Copy)]
struct Sample {
    rtt_us: u64,
    at_ms: u64,
    keys: u64,
    /// The server thread's CPU time and run-queue wait during the round trip (µs), from
    /// /proc/PID/schedstat: a slow ping with a long wait was the scheduler, not the server.
    run_us: u64,
    wait_us: u64,
    /// Minor page faults the server took during the round trip (/proc/PID/stat).
    minflt: u64,
    /// CLOCK_MONOTONIC at the send, to line a stall up with `perf record -k monotonic`.
    mono_ns: u64,
}

/// Minor page faults of a process so far (field 10 of /proc/PID/stat).
fn minflt(file: &mut Option<std::fs::File>) -> u64 {
    use std::io::Seek;
    let Some(f) = file else { return 0 };
    let mut s = String::new();
    if f.rewind().is_err() || f.read_to_string(&mut s).is_err() {
        return 0;
    }
    // Fields after the parenthesised command name: state is field 3, minflt field 10.
    s.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7)?.parse().ok())
        .unwrap_or(0)
}

fn mono_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// (on-CPU ns, run-queue wait ns) of a process's main thread.
fn schedstat(file: &mut Option<std::fs::File>) -> (u64, u64) {
    use std::io::Seek;
    let Some(f) = file else { return (0, 0) };
    let mut s = String::new();
    if f.rewind().is_err() || f.read_to_string(&mut s).is_err() {
        return (0, 0);
    }
    let mut it = s.split_whitespace().map(|x| x.parse::<u64>().unwrap_or(0));
    (it.next().unwrap_or(0), it.next().unwrap_or(0))
}

/// Sends PINGs back to back until `stop` is set (or `dur` passes), recording each round trip.
fn pinger(
    port: u16,
    pid: Option<u32>,
    stop: &AtomicBool,
    dur: Option<Duration>,
    loaded: &AtomicU64,
) -> Vec<Sample> {
    let mut sched = pid.and_then(|p| std::fs::File::open(format!("/proc/{p}/schedstat")).ok());
    let mut stat = pid.and_then(|p| std::fs::File::open(format!("/proc/{p}/stat")).ok());
    let mut s = connect(port);
    let mut buf = [0u8; 64];
    let mut out = Vec::with_capacity(1 << 20);
    let start = Instant::now();
    while !stop.load(Ordering::Relaxed) && dur.is_none_or(|d| start.elapsed() < d) {
        let keys = loaded.load(Ordering::Relaxed);
        let (run0, wait0) = schedstat(&mut sched);
        let flt0 = minflt(&mut stat);
        let t = Instant::now();
        let mono = mono_ns();
        s.write_all(b"*1\r\n$4\r\nPING\r\n").expect("ping write");
        let mut got = 0;
        while got < 7 {
            let n = s.read(&mut buf[got..]).expect("ping read");
            assert!(n > 0, "server closed the ping connection");
            got += n;
        }
        let rtt = t.elapsed();
        let (run1, wait1) = schedstat(&mut sched);
        let flt1 = minflt(&mut stat);
        assert_eq!(&buf[..7], b"+PONG\r\n");
        out.push(Sample {
            rtt_us: rtt.as_micros() as u64,
            at_ms: t.duration_since(start).as_millis() as u64,
            keys,
            run_us: run1.saturating_sub(run0) / 1000,
            wait_us: wait1.saturating_sub(wait0) / 1000,
            minflt: flt1.saturating_sub(flt0),
            mono_ns: mono,
        });
    }
    out
}

/// Loads `keys` keys `key:<n>` = `val:<n % 10^6, 6 digits>` through a windowed pipeline.
/// `loaded` counts replies received. Returns the load time.
fn load(port: u16, keys: u64, window: u64, batch: u64, loaded: Arc<AtomicU64>) -> Duration {
    let mut w = connect(port);
    let mut r = w.try_clone().expect("clone");
    let start = Instant::now();
    let done = loaded.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let mut lines = 0u64;
        let mut first = Vec::new();
        while lines < keys {
            let n = r.read(&mut buf).expect("load read");
            assert!(n > 0, "server closed the load connection");
            if first.len() < 5 {
                first.extend_from_slice(&buf[..n.min(5)]);
                assert_eq!(
                    &first[..first.len().min(5)],
                    &b"+OK\r\n"[..first.len().min(5)]
                );
            }
            lines += buf[..n].iter().filter(|&&c| c == b'\n').count() as u64;
            done.store(lines, Ordering::Relaxed);
        }
    });
    let mut sent = 0u64;
    let mut cmds = Vec::with_capacity(batch as usize * 48);
    while sent < keys {
        while sent - loaded.load(Ordering::Relaxed) > window {
            std::thread::sleep(Duration::from_micros(50));
        }
        cmds.clear();
        let end = (sent + batch).min(keys);
        for n in sent..end {
            let k = format!("key:{n}");
            let v = format!("val:{:06}", n % 1_000_000);
            write!(
                cmds,
                "*3\r\n$3\r\nSET\r\n${}\r\n{k}\r\n${}\r\n{v}\r\n",
                k.len(),
                v.len()
            )
            .expect("format");
        }
        w.write_all(&cmds).expect("load write");
        sent = end;
    }
    reader.join().expect("reader");
    start.elapsed()
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p / 100.0).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1000.0)
}

fn report(label: &str, phase: &str, samples: &[Sample]) {
    let mut rtts: Vec<u64> = samples.iter().map(|s| s.rtt_us).collect();
    rtts.sort_unstable();
    println!(
        "{label:<8} {phase:<5} pings={:<8} p50={}ms p99={}ms p99.9={}ms max={}ms max_server_cpu_in_one_ping={}ms",
        rtts.len(),
        ms(pct(&rtts, 50.0)),
        ms(pct(&rtts, 99.0)),
        ms(pct(&rtts, 99.9)),
        ms(max_rtt(samples)),
        ms(samples.iter().map(|s| s.run_us).max().unwrap_or(0)),
    );
}

fn max_rtt(samples: &[Sample]) -> u64 {
    samples.iter().map(|s| s.rtt_us).max().unwrap_or(0)
}

/// Prints the `n` slowest pings, then the `n` during which the server used the most CPU.
fn worst(label: &str, samples: &[Sample], n: usize) {
    let mut v = samples.to_vec();
    v.sort_unstable_by_key(|s| std::cmp::Reverse(s.rtt_us));
    let mut by_cpu = samples.to_vec();
    by_cpu.sort_unstable_by_key(|s| std::cmp::Reverse(s.run_us));
    let slow = v.iter().take(n).map(|s| ("slow", s));
    let busy = by_cpu.iter().take(n).map(|s| ("busy", s));
    for (what, s) in slow.chain(busy) {
        println!(
            "{label:<8} {what}  rtt={}ms at={}ms keys_loaded={} server_cpu={}ms server_runq_wait={}ms server_minflt={} mono={:.6}",
            ms(s.rtt_us),
            s.at_ms,
            s.keys,
            ms(s.run_us),
            ms(s.wait_us),
            s.minflt,
            s.mono_ns as f64 / 1e9
        );
    }
}

fn main() {
    let o = parse_opts();
    let zero = AtomicU64::new(0);
    let never = AtomicBool::new(false);
    let idle = pinger(
        o.port,
        o.pid,
        &never,
        Some(Duration::from_secs(o.idle_secs)),
        &zero,
    );
    report(&o.label, "idle", &idle);
    worst(&o.label, &idle, 3);

    let loaded = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (p_stop, p_loaded) = (stop.clone(), loaded.clone());
    let (port, pid) = (o.port, o.pid);
    let ping = std::thread::spawn(move || pinger(port, pid, &p_stop, None, &p_loaded));
    let took = load(o.port, o.keys, o.window, o.batch, loaded);
    // Keep pinging a little: the cron finishes a resize in progress on the now idle server.
    std::thread::sleep(Duration::from_secs(o.tail_secs));
    stop.store(true, Ordering::Relaxed);
    let busy = ping.join().expect("pinger");
    report(&o.label, "load", &busy);
    println!(
        "{:<8} loaded {} keys in {:.2}s ({:.0} SET/s)",
        o.label,
        o.keys,
        took.as_secs_f64(),
        o.keys as f64 / took.as_secs_f64()
    );
    worst(&o.label, &busy, 8);
    let (idle_max, load_max) = (max_rtt(&idle), max_rtt(&busy));
    println!(
        "{:<8} verdict: load max {}ms - idle max {}ms = {:+.3}ms ({} the 2 ms bound)",
        o.label,
        ms(load_max),
        ms(idle_max),
        (load_max as f64 - idle_max as f64) / 1000.0,
        if load_max <= idle_max + 2000 {
            "within"
        } else {
            "OVER"
        }
    );
}
