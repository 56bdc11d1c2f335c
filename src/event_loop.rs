//! The event loop (Redis's `ae.c` plus the accept/read/write half of `networking.c`): one
//! `mio::Poll` owning the listeners and every client socket, clients kept in a slab (token =
//! slab key), replies written once per loop turn, and a timer for periodic work (`hz`).

use std::io::{self, Write};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook_mio::v1_0::Signals;

use crate::client::{Client, ClientState, ReadOutcome, WriteOutcome};
use crate::idle::{DOZE_STEP, Idle, MAX_DOZE_US};
use crate::listen::{LISTENER_BASE, Listener, Listeners, bind_tcp, bind_unix};
use crate::server::ServerState;
use crate::stream::Stream;

const SIGNAL: Token = Token(usize::MAX - 1);
/// Tokens above `LISTENER_BASE - MAX_LISTENERS` belong to listeners (a stale event for a
/// listener closed by CONFIG SET port/bind is dropped, not taken for a client).
const MAX_LISTENERS: usize = 64;
/// The running server: the poll, its listeners, and the state commands work on.
pub struct EventLoop {
    poll: Poll,
    signals: Signals,
    pub srv: ServerState,
    /// Clients that filled a whole read chunk: read them again next turn (fairness).
    pending_reads: Vec<usize>,
    /// Clients with output to write before the loop sleeps.
    pending_writes: Vec<usize>,
    next_cron: Instant,
    idle: Idle,
}

impl EventLoop {
    /// Binds the configured listeners. Errors are fatal start-up failures.
    pub fn new(srv: ServerState) -> io::Result<Self> {
        let poll = Poll::new()?;
        let mut listeners = Listeners::default();
        let tcp = bind_tcp(&srv.config.bind, srv.config.port).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "Failed listening on port {} (tcp), aborting: {e}",
                    srv.config.port
                ),
            )
        })?;
        listeners.list.extend(tcp.into_iter().map(Listener::Tcp));
        let port = listeners.tcp_port().unwrap_or(srv.config.port);
        if !srv.config.unixsocket.is_empty() {
            let l = bind_unix(&srv.config.unixsocket, srv.config.unixsocketperm)?;
            listeners.list.push(Listener::Unix(l));
        }
        if listeners.list.is_empty() {
            return Err(io::Error::other(
                "Configured to not listen anywhere, exiting.",
            ));
        }
        listeners.register(poll.registry().try_clone()?)?;
        let mut signals = Signals::new([SIGINT, SIGTERM])?;
        poll.registry()
            .register(&mut signals, SIGNAL, Interest::READABLE)?;
        let mut srv = srv;
        srv.port = port;
        srv.listeners = listeners;
        Ok(EventLoop {
            poll,
            signals,
            srv,
            pending_reads: Vec::new(),
            pending_writes: Vec::new(),
            next_cron: Instant::now(),
            idle: Idle::new(),
        })
    }

    /// Runs until SHUTDOWN or SIGINT/SIGTERM.
    pub fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        let mut reads = Vec::new();
        while !self.srv.shutdown {
            let timeout = if self.pending_reads.is_empty() && self.pending_writes.is_empty() {
                self.next_wake()
            } else {
                Duration::ZERO
            };
            if let Err(e) = self.wait(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            // Clients carried over from the last turn go first, then this turn's events.
            std::mem::swap(&mut reads, &mut self.pending_reads);
            let served = !reads.is_empty() || !events.is_empty();
            for t in reads.drain(..) {
                if let Some(Some(c)) = self.srv.clients.get_mut(t) {
                    c.queued_read = false;
                }
                self.handle_read(t);
            }
            for ev in events.iter() {
                let t = ev.token();
                if t == SIGNAL {
                    self.handle_signals();
                } else if let Some(i) = self.srv.listeners.index_of(t) {
                    self.accept(i);
                } else if t.0 < LISTENER_BASE - MAX_LISTENERS {
                    if ev.is_readable() || ev.is_read_closed() || ev.is_error() {
                        self.handle_read(t.0);
                    }
                    if ev.is_writable() {
                        self.queue_write(t.0);
                    }
                }
            }
            let now = crate::util::now_ms();
            crate::blocking::expire_timeouts(&mut self.srv, now);
            crate::blocking::check_pause(&mut self.srv, now);
            self.resume_clients();
            if self.srv.kill_pending {
                self.srv.kill_pending = false;
                self.free_killed();
            }
            self.srv.expire_cycle(now, true);
            crate::persist::propagate::before_sleep(&mut self.srv);
            crate::persist::aof::before_sleep(&mut self.srv);
            for t in crate::replication::before_sleep(&mut self.srv) {
                self.queue_write(t);
            }
            if crate::replication::feed_replicas(&mut self.srv) {
                for i in 0..self.srv.repl.replicas.len() {
                    self.queue_write(self.srv.repl.replicas[i].token);
                }
            }
            if std::mem::take(&mut self.srv.monitor_fed) {
                for i in 0..self.srv.monitors.len() {
                    self.queue_write(self.srv.monitors[i]);
                }
            }
            self.flush_writes();
            if Instant::now() >= self.next_cron {
                self.cron(served);
                let hz = self.srv.config.hz.clamp(1, 500) as u64;
                self.next_cron = Instant::now() + Duration::from_millis(1000 / hz);
            }
        }
        // Last chance for replies (e.g. to SHUTDOWN's caller, which gets none in Redis).
        Ok(())
    }

    /// Polls for events: at once when there is work carried over (`timeout` zero), otherwise
    /// the way [`Idle`] plans when the loop has been busy (spin, then doze), then sleeping up
    /// to `timeout`.
    fn wait(&mut self, events: &mut Events, timeout: Duration) -> io::Result<()> {
        if timeout.is_zero() {
            return self.poll.poll(events, Some(timeout));
        }
        let plan = self.idle.start();
        let spin_us = plan.spin.min(timeout).as_micros() as u64;
        if spin_us > 0 {
            loop {
                self.poll.poll(events, Some(Duration::ZERO))?;
                if !events.is_empty() {
                    self.idle.woke();
                    return Ok(());
                }
                if self.idle.idle_us() >= spin_us {
                    break;
                }
                std::hint::spin_loop();
            }
        }
        if plan.doze {
            let limit = MAX_DOZE_US.min(timeout.as_micros() as u64);
            while self.idle.idle_us() + DOZE_STEP.as_micros() as u64 <= limit {
                std::thread::sleep(DOZE_STEP);
                self.poll.poll(events, Some(Duration::ZERO))?;
                if !events.is_empty() {
                    self.idle.woke_from_doze(events.iter().count());
                    return Ok(());
                }
            }
        }
        let slept = Duration::from_micros(self.idle.idle_us());
        self.poll
            .poll(events, Some(timeout.saturating_sub(slept)))?;
        if !events.is_empty() {
            self.idle.woke();
        }
        Ok(())
    }

    /// SIGINT/SIGTERM schedule a shutdown that the next cron carries out (SHUTDOWN ABORT can
    /// cancel it until then); a second SIGINT while one is scheduled exits at once.
    fn handle_signals(&mut self) {
        for sig in self.signals.pending() {
            let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
            if sig == SIGINT && self.srv.shutdown_asap.is_some() {
                log::warn!("You insist... exiting now.");
                std::process::exit(1);
            }
            log::warn!("Received {name} scheduling shutdown...");
            self.srv.shutdown_asap = Some(name);
        }
    }

    fn accept(&mut self, idx: usize) {
        loop {
            let Some(l) = self.srv.listeners.list.get(idx) else {
                return;
            };
            let accepted = match l {
                Listener::Tcp(l) => l.accept().map(|(s, peer)| {
                    let _ = s.set_nodelay(true);
                    let laddr = s.local_addr().map(|a| a.to_string()).unwrap_or_default();
                    set_keepalive(&s, self.srv.config.tcp_keepalive);
                    (
                        Stream::Tcp(s),
                        peer.to_string(),
                        laddr,
                        peer.ip().is_loopback(),
                    )
                }),
                Listener::Unix(l) => l.accept().map(|(s, _)| {
                    let path = self.srv.config.unixsocket.clone();
                    (Stream::Unix(s), format!("{path}:0"), path, true)
                }),
            };
            let (stream, addr, laddr, local) = match accepted {
                Ok(v) => v,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    log::warn!("Accepting client connection: {e}");
                    return;
                }
            };
            self.add_client(stream, addr, laddr, local);
        }
    }

    fn add_client(&mut self, mut stream: Stream, addr: String, laddr: String, local: bool) {
        let srv = &mut self.srv;
        // Rejected for maxclients: counted as rejected only, as Redis does.
        if srv.clients.len() >= srv.config.maxclients {
            let _ = stream.write(b"-ERR max number of clients reached\r\n");
            srv.stats.rejected_connections += 1;
            return;
        }
        srv.stats.total_connections_received += 1;
        if srv.config.protected_mode && !local && srv.config.requirepass.is_none() {
            let _ = stream.write(crate::server::DENIED_MESSAGE.as_bytes());
            srv.stats.rejected_connections += 1;
            return;
        }
        let entry = srv.clients.vacant_entry();
        let token = entry.key();
        if let Err(e) = self
            .poll
            .registry()
            .register(&mut stream, Token(token), Interest::READABLE)
        {
            log::warn!("Error registering fd event for the new client: {e}");
            return;
        }
        let fd = stream_fd(&stream);
        let id = srv.next_client_id;
        srv.next_client_id += 1;
        let mut state = ClientState::new(id, addr, laddr, fd, crate::util::now_ms());
        state.authenticated = srv.config.requirepass.is_none();
        state.is_unix = matches!(stream, Stream::Unix(_));
        state.token = token;
        entry.insert(Some(Box::new(Client::new(stream, state))));
        log::debug!("Accepted client {id}");
    }

    fn handle_read(&mut self, t: usize) {
        let Some(mut c) = self.srv.clients.get_mut(t).and_then(|slot| slot.take()) else {
            return;
        };
        let mut free = false;
        match c.read_input() {
            ReadOutcome::Data { n, full } => {
                self.idle.client_active(&mut c.active_stamp);
                self.srv.stats.net_input_bytes += n as u64;
                self.srv.stats.reads_processed += 1;
                if c.query_len() > self.srv.config.client_query_buffer_limit {
                    let head = c.query.get(c.qpos..c.qend.min(c.qpos + 64)).unwrap_or(&[]);
                    log::warn!(
                        "Closing client that reached max query buffer length: id={} addr={} laddr={} fd={} qbuf={} (qbuf initial bytes: {})",
                        c.state.id,
                        c.state.addr,
                        c.state.laddr,
                        c.state.fd,
                        c.query_len(),
                        repr(head)
                    );
                    self.srv.stats.client_qbuf_limit_disconnections += 1;
                    free = true;
                } else {
                    c.process_input(&mut self.srv);
                    if full && !c.state.close_after_reply && !c.queued_read {
                        c.queued_read = true;
                        self.pending_reads.push(t);
                    }
                }
            }
            ReadOutcome::WouldBlock => {}
            ReadOutcome::Closed => {
                // Redis counts the read that finds the end of the stream too.
                self.srv.stats.reads_processed += 1;
                free = true;
            }
        }
        if free || c.state.close_asap {
            self.free_client(t, c);
            return;
        }
        let queue = c.reply.pending() > 0 || c.state.close_after_reply;
        if let Some(slot) = self.srv.clients.get_mut(t) {
            *slot = Some(c);
        }
        if queue {
            self.queue_write(t);
        }
        self.resume_clients();
    }

    /// How long the poll may sleep: until the cron, the nearest blocked client's deadline or
    /// the end of a client pause.
    fn next_wake(&self) -> Duration {
        let mut wake = self.next_cron.saturating_duration_since(Instant::now());
        let deadline = [self.srv.blocking.next_deadline(), self.srv.pause.end()]
            .into_iter()
            .flatten()
            .min();
        if let Some(d) = deadline {
            let ms = (d - crate::util::now_ms()).max(0) as u64;
            wake = wake.min(Duration::from_millis(ms));
        }
        wake
    }

    /// Runs the input of clients whose wait (blocking command, CLIENT PAUSE) ended, in the
    /// order they were released; serving them may release more.
    fn resume_clients(&mut self) {
        while let Some((t, id)) = self.srv.blocking.next_resumed() {
            let Some(mut c) = self.srv.clients.get_mut(t).and_then(|s| s.take()) else {
                continue;
            };
            if c.state.id == id && !c.state.blocked {
                c.process_input(&mut self.srv);
            }
            if c.state.close_asap {
                self.free_client(t, c);
                continue;
            }
            if let Some(slot) = self.srv.clients.get_mut(t) {
                *slot = Some(c);
            }
            self.queue_write(t);
        }
    }

    fn queue_write(&mut self, t: usize) {
        if let Some(Some(c)) = self.srv.clients.get_mut(t)
            && !c.queued_write
        {
            c.queued_write = true;
            self.pending_writes.push(t);
        }
    }

    /// Writes every client with pending output; keeps WRITABLE interest only for those left
    /// with output the socket would not take.
    fn flush_writes(&mut self) {
        let list = std::mem::take(&mut self.pending_writes);
        for t in list {
            let Some(mut c) = self.srv.clients.get_mut(t).and_then(|slot| slot.take()) else {
                continue;
            };
            c.queued_write = false;
            let before = c.reply.pending();
            let outcome = match c.state.close_asap {
                true => Err(io::ErrorKind::ConnectionAborted.into()),
                false => c.write_output(),
            };
            let Ok(outcome) = outcome else {
                self.free_client(t, c);
                continue;
            };
            if c.reply.pending() < before {
                // Redis counts a write as interaction (a fed monitor is not idle).
                c.state.last_interaction_ms = self.srv.clock.unix_ms(self.srv.cmd_clock);
            }
            self.srv.stats.net_output_bytes += (before - c.reply.pending()) as u64;
            self.srv.stats.writes_processed += 1;
            if outcome == WriteOutcome::Budget {
                // Still writable: no readiness edge will come, so try again next turn.
                c.queued_write = true;
                self.pending_writes.push(t);
            }
            if c.reply.pending() == 0 {
                if c.state.close_after_reply {
                    self.free_client(t, c);
                    continue;
                }
                if c.want_write {
                    c.want_write = false;
                    let _ = self.poll.registry().reregister(
                        &mut c.stream,
                        Token(t),
                        Interest::READABLE,
                    );
                }
            } else if outcome == WriteOutcome::Blocked && !c.want_write {
                c.want_write = true;
                let _ = self.poll.registry().reregister(
                    &mut c.stream,
                    Token(t),
                    Interest::READABLE | Interest::WRITABLE,
                );
            }
            if let Some(slot) = self.srv.clients.get_mut(t) {
                *slot = Some(c);
            }
        }
    }

    fn free_client(&mut self, t: usize, mut c: Box<Client>) {
        let _ = self.poll.registry().deregister(&mut c.stream);
        self.srv.blocking.client_gone(c.state.id);
        self.srv.pause.client_gone(c.state.id);
        self.srv.watches.unwatch_all(c.state.id);
        crate::monitor::stop(&mut self.srv, &mut c.state);
        crate::replication::client_gone(&mut self.srv, &c.state);
        if self.srv.clients.contains(t) {
            self.srv.clients.remove(t);
        }
        log::debug!("Client {} closed", c.state.id);
    }

    /// Frees clients that CLIENT KILL marked.
    fn free_killed(&mut self) {
        let doomed: Vec<usize> = self
            .srv
            .clients
            .iter()
            .filter(|(_, c)| c.as_ref().is_some_and(|c| c.state.close_asap))
            .map(|(t, _)| t)
            .collect();
        for t in doomed {
            if let Some(c) = self.srv.clients.get_mut(t).and_then(|s| s.take()) {
                self.free_client(t, c);
            }
        }
    }

    /// Periodic work, `hz` times a second: idle-client timeouts and clients killed by others.
    /// `busy`: this loop turn also served clients.
    fn cron(&mut self, busy: bool) {
        if self.srv.pause_cron {
            return;
        }
        if let Some(sig) = self.srv.shutdown_asap.take() {
            self.srv.shutdown = crate::persist::signal_shutdown(&mut self.srv, sig);
            if self.srv.shutdown {
                return;
            }
        }
        let now = crate::util::now_ms();
        self.srv.cron(now, busy);
        crate::persist::cron(&mut self.srv);
        crate::replication::cron(&mut self.srv, now);
        let timeout_ms = self.srv.config.timeout as i64 * 1000;
        let mut doomed = Vec::new();
        for (t, slot) in self.srv.clients.iter_mut() {
            if let Some(c) = slot {
                c.release_idle_buffers(now);
                // Blocked and paused clients are waiting by design: no idle timeout.
                // Monitors, like replicas, are exempt.
                let waiting = c.state.blocked
                    || c.state.postponed.is_some()
                    || c.state.monitor
                    || c.state.replica;
                let idle =
                    timeout_ms > 0 && !waiting && now - c.state.last_interaction_ms > timeout_ms;
                if c.state.close_asap || idle {
                    doomed.push(t);
                }
            }
        }
        for t in doomed {
            if let Some(c) = self.srv.clients.get_mut(t).and_then(|s| s.take()) {
                self.free_client(t, c);
            }
        }
    }
}

/// Quoted, escaped bytes as Redis's `sdscatrepr` writes them in log lines.
fn repr(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len() + 2);
    out.push('"');
    for &c in b {
        match c {
            b'\\' | b'"' => {
                out.push('\\');
                out.push(c as char);
            }
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

fn stream_fd(s: &Stream) -> i32 {
    use std::os::fd::AsRawFd;
    match s {
        Stream::Tcp(s) => s.as_raw_fd(),
        Stream::Unix(s) => s.as_raw_fd(),
    }
}

/// Enables TCP keepalive with the idle time Redis uses (`tcp-keepalive` seconds).
fn set_keepalive(s: &mio::net::TcpStream, secs: u64) {
    use std::os::fd::AsRawFd;
    if secs == 0 {
        return;
    }
    let fd = s.as_raw_fd();
    let on: libc::c_int = 1;
    let idle = secs.min(i32::MAX as u64) as libc::c_int;
    let intvl = (idle / 3).max(1);
    let cnt: libc::c_int = 3;
    let sz = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: plain setsockopt calls on a valid socket with pointers to live c_ints.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_KEEPALIVE,
            &on as *const _ as *const libc::c_void,
            sz,
        );
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_KEEPIDLE,
            &idle as *const _ as *const libc::c_void,
            sz,
        );
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_KEEPINTVL,
            &intvl as *const _ as *const libc::c_void,
            sz,
        );
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_KEEPCNT,
            &cnt as *const _ as *const libc::c_void,
            sz,
        );
    }
}
