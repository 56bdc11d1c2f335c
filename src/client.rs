//! Per-client state: the socket, the query buffer and parser position, the reply buffer, and
//! connection attributes (selected db, name, protocol, flags).
//!
//! [`Client::read_input`] fills the query buffer from the socket; [`Client::process_input`]
//! parses every complete command in it and runs each through the command table, queueing
//! replies. The event loop writes the replies once per loop turn.

use std::io::{self, Read, Write};

use crate::command;
use crate::error::ProtocolError;
use crate::resp::Reply;
use crate::resp::parser::{Limits, Parsed, Parser};
use crate::server::ServerState;
use crate::stream::Stream;

/// Bytes read from a socket per `read` call (Redis's `PROTO_IOBUF_LEN`).
pub const READ_CHUNK: usize = 16 * 1024;
/// Bytes written to one client per loop turn before others get a go (`NET_MAX_WRITES_PER_EVENT`).
pub const WRITE_BUDGET: usize = 64 * 1024;
/// Bulks at least this long are read straight into room of their exact size, no further than
/// their end (Redis's `PROTO_MBULK_BIG_ARG`): one allocation, no doubling, no re-copying.
const BIG_ARG: usize = 32 * 1024;
/// A drained reply buffer keeps at most this capacity until the cron looks at it.
const REPLY_KEEP_MAX: usize = 32 * 1024 * 1024;
/// The cron frees drained reply buffers bigger than this.
const REPLY_IDLE_MAX: usize = 64 * 1024;
/// Output already sent is dropped from the front of the reply buffer once it is at least this
/// long and no shorter than what is still pending (so each byte is moved at most once).
const REPLY_COMPACT_MIN: usize = 16 * 1024;

/// What CLIENT REPLY set.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// Skip the reply of the next command only.
    Skip,
    /// Set by `CLIENT REPLY SKIP`: becomes `Skip` after the current command.
    SkipNext,
}

/// Connection attributes visible to commands.
pub struct ClientState {
    pub id: u64,
    pub db: usize,
    pub name: Option<Vec<u8>>,
    pub lib_name: Option<Vec<u8>>,
    pub lib_ver: Option<Vec<u8>>,
    pub addr: String,
    pub laddr: String,
    pub fd: i32,
    pub created_ms: i64,
    pub last_interaction_ms: i64,
    pub authenticated: bool,
    /// Close once the pending replies are written (QUIT, protocol errors).
    pub close_after_reply: bool,
    /// Close as soon as possible, dropping pending replies (CLIENT KILL).
    pub close_asap: bool,
    pub reply_mode: ReplyMode,
    /// Full name of the last command run (`client|list`), for CLIENT LIST's `cmd=`.
    pub last_cmd: &'static str,
    pub last_cmd_parent: &'static str,
    /// RESP version spoken (2 or 3).
    pub resp: u8,
    pub no_evict: bool,
    /// CLIENT NO-TOUCH: commands do not update keys' access time or frequency.
    pub no_touch: bool,
    /// Connected over the Unix socket.
    pub is_unix: bool,
    /// Slab key of the client in the event loop (for blocked and paused clients).
    pub token: usize,
    /// Open transaction (MULTI).
    pub multi: Option<Box<crate::commands::multi::MultiState>>,
    /// Blocking commands act as their non-blocking forms (inside EXEC).
    pub deny_blocking: bool,
    /// Waiting in a blocking command: further input waits until it is served.
    pub blocked: bool,
    /// A command held back by CLIENT PAUSE, run first once the pause ends.
    pub postponed: Option<crate::commands::multi::OwnedArgs>,
    /// In MONITOR mode (see [`crate::monitor`]).
    pub monitor: bool,
    /// The client's own buffers as they were when its current batch of commands started
    /// (CLIENT LIST/INFO show them for the client running the command, as Redis does).
    pub bufs_seen: BufSizes,
    /// A replica: it sent SYNC or PSYNC (see [`crate::replication`]).
    pub replica: bool,
    /// Replication offset after this client's last command (what WAIT waits for).
    pub woff: i64,
}

/// Query and reply buffer sizes, for CLIENT LIST's `qbuf`, `qbuf-free` and `rbs`.
#[derive(Clone, Copy, Default)]
pub struct BufSizes {
    pub qbuf: usize,
    pub qbuf_free: usize,
    pub rbs: usize,
}

impl ClientState {
    /// Over its class's output buffer limit: closed as soon as possible, as Redis logs it.
    pub fn close_for_output_limit(&mut self) {
        log::warn!(
            "Client id={} addr={} laddr={} fd={} scheduled to be closed ASAP for overcoming of output buffer limits.",
            self.id,
            self.addr,
            self.laddr,
            self.fd
        );
        self.close_asap = true;
    }

    pub fn new(id: u64, addr: String, laddr: String, fd: i32, now_ms: i64) -> Self {
        ClientState {
            id,
            db: 0,
            name: None,
            lib_name: None,
            lib_ver: None,
            addr,
            laddr,
            fd,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            authenticated: false,
            close_after_reply: false,
            close_asap: false,
            reply_mode: ReplyMode::On,
            last_cmd: "NULL",
            last_cmd_parent: "",
            resp: 2,
            no_evict: false,
            no_touch: false,
            is_unix: false,
            token: usize::MAX,
            multi: None,
            deny_blocking: false,
            blocked: false,
            postponed: None,
            monitor: false,
            bufs_seen: BufSizes::default(),
            replica: false,
            woff: 0,
        }
    }
}

/// One connected client.
pub struct Client {
    pub stream: Stream,
    /// Query buffer: `query[qpos..qend]` is unparsed input; `query.len()` is its capacity.
    pub query: Vec<u8>,
    pub qpos: usize,
    pub qend: usize,
    /// Where the command being parsed starts.
    cmd_start: usize,
    pub parser: Parser,
    pub reply: Reply,
    pub state: ClientState,
    /// WRITABLE interest is registered (only while output is pending).
    pub want_write: bool,
    /// In the event loop's write list for this turn.
    pub queued_write: bool,
    /// In the event loop's list of clients to read again next turn (kept unique).
    pub queued_read: bool,
    /// Unix seconds since the output has been over the soft limit (0 = it is not).
    obuf_soft_since: i64,
    /// Most query-buffer bytes in use since the cron last looked.
    query_peak: usize,
    /// The last activity window the event loop counted this client in (see `idle`).
    pub active_stamp: u32,
}

/// What one [`Client::write_output`] call left behind.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// All pending output was written.
    Done,
    /// The socket would not take more: wait for it to become writable.
    Blocked,
    /// The per-turn budget ran out with the socket still writable: write again next turn.
    Budget,
}

/// What one read did.
pub enum ReadOutcome {
    /// Read this many bytes; `full` when they filled the buffer (the socket may have more).
    Data { n: usize, full: bool },
    /// Nothing to read now.
    WouldBlock,
    /// The peer closed or the read failed: free the client.
    Closed,
}

impl Client {
    pub fn new(stream: Stream, state: ClientState) -> Self {
        Client {
            stream,
            query: Vec::new(),
            qpos: 0,
            qend: 0,
            cmd_start: 0,
            parser: Parser::new(),
            reply: Reply::default(),
            state,
            want_write: false,
            queued_write: false,
            queued_read: false,
            obuf_soft_since: 0,
            query_peak: 0,
            active_stamp: 0,
        }
    }

    /// Unparsed bytes held.
    pub fn query_len(&self) -> usize {
        self.qend - self.qpos
    }

    /// Reads one chunk from the socket into the query buffer.
    pub fn read_input(&mut self) -> ReadOutcome {
        // The rest of a big bulk, when one is being read: exactly that much room and no more.
        let big = self
            .parser
            .pending_bulk()
            .filter(|&n| n >= BIG_ARG)
            .map(|n| (self.qpos + n + 2).saturating_sub(self.qend))
            .filter(|&rest| rest > 0);
        let want = big.unwrap_or(READ_CHUNK);
        if self.query.len() - self.qend < want {
            // At least doubling, so a command of many big bulks is not re-copied per bulk;
            // a lone big bulk gets exactly its size.
            let len = (self.qend + want).max(self.query.len() * 2);
            // A fresh zeroed allocation (calloc: big ones come zeroed from the OS for free)
            // plus a copy of the bytes in use, rather than resize's byte-by-byte fill.
            let mut grown = vec![0u8; len];
            grown[..self.qend].copy_from_slice(&self.query[..self.qend]);
            self.query = grown;
        }
        // At most READ_CHUNK per read (Redis's PROTO_IOBUF_LEN), so one pipelining client
        // cannot hog a loop turn.
        let end = match big {
            Some(_) => self.qend + want,
            None => (self.qend + READ_CHUNK).min(self.query.len()),
        };
        let room = &mut self.query[self.qend..end];
        let cap = room.len();
        match self.stream.read(room) {
            Ok(0) => ReadOutcome::Closed,
            Ok(n) => {
                self.qend += n;
                self.query_peak = self.query_peak.max(self.qend);
                ReadOutcome::Data { n, full: n == cap }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => ReadOutcome::WouldBlock,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                ReadOutcome::Data { n: 0, full: true }
            }
            Err(e) => {
                log::debug!("read error from client {}: {e}", self.state.id);
                ReadOutcome::Closed
            }
        }
    }

    /// Parses and runs every complete command in the query buffer.
    pub fn process_input(&mut self, srv: &mut ServerState) {
        srv.cmd_clock = crate::util::ticks();
        if let Some(p) = self.state.postponed.take() {
            if command::execute(srv, &mut self.state, &mut self.reply, &p.args())
                == command::Exec::Postponed
            {
                self.state.postponed = Some(p);
                srv.pause.park(self.state.token, self.state.id);
                return;
            }
            crate::blocking::handle_ready(srv);
        }
        // Redis trims its query buffer after the whole batch, so during any command of it
        // `qbuf` counts the batch from its first command.
        self.state.bufs_seen = BufSizes {
            qbuf: self.qend - self.qpos,
            qbuf_free: self.query.len() - self.qend,
            rbs: self.reply.buf.capacity(),
        };
        while !self.state.close_after_reply && !self.state.close_asap && !self.state.blocked {
            // Per command: AUTH earlier in the same batch lifts the unauthenticated limits.
            let limits = Limits {
                max_bulk_len: srv.config.proto_max_bulk_len,
                authenticated: self.state.authenticated,
            };
            if !self.parser.in_progress() {
                self.cmd_start = self.qpos;
            }
            let buf = &self.query[..self.qend];
            match self.parser.parse(buf, &mut self.qpos, limits) {
                Parsed::Complete => {
                    let args = self.parser.args(buf);
                    let done = command::execute(srv, &mut self.state, &mut self.reply, &args);
                    if done == command::Exec::Postponed {
                        self.state.postponed = Some(crate::commands::multi::OwnedArgs::new(&args));
                        srv.pause.park(self.state.token, self.state.id);
                        self.parser.reset();
                        break;
                    }
                    self.parser.reset();
                    crate::blocking::handle_ready(srv);
                    if self.output_over_limit(srv.config.client_output_buffer_limit_normal) {
                        self.state.close_for_output_limit();
                    }
                }
                Parsed::Incomplete => break,
                Parsed::Error(e) => {
                    if log::log_enabled!(log::Level::Debug) {
                        self.log_protocol_error(e);
                    }
                    let text = e.text();
                    srv.stats.count_error(&text);
                    self.reply.error(&text);
                    self.state.close_after_reply = true;
                    break;
                }
            }
        }
        self.compact_query();
    }

    /// Periodic (cron) housekeeping: a drained reply buffer that grew big is given back, so
    /// a burst of big replies costs one allocation per burst, not per reply, and idle clients
    /// hold little memory.
    pub fn release_idle_buffers(&mut self, now_ms: i64) {
        if self.reply.pending() == 0 && self.reply.buf.capacity() > REPLY_IDLE_MAX {
            self.reply.buf = Vec::new();
            self.reply.sent = 0;
        }
        self.resize_query_buffer(now_ms);
        self.parser.shrink_idle();
    }

    /// Redis's `setProtocolError` log line (at verbose): the reason, the client, and a sample
    /// of the unparsed input (C-string semantics: stops at a NUL; non-printables as `.`).
    fn log_protocol_error(&self, e: ProtocolError) {
        const DUMP: usize = 128;
        let reason = match e {
            ProtocolError::InvalidMultibulkLength => "invalid mbulk count",
            ProtocolError::InvalidBulkLength => "invalid bulk length",
            ProtocolError::ExpectedDollar(_) => "expected $ but got something else",
            ProtocolError::BigMultibulkCount => "too big mbulk count string",
            ProtocolError::BigBulkCount => "too big bulk count string",
            ProtocolError::BigInline => "too big inline request",
            ProtocolError::UnbalancedQuotes => "unbalanced quotes in inline request",
            ProtocolError::UnauthMultibulkLength => "unauth mbulk count",
            ProtocolError::UnauthBulkLength => "unauth bulk length",
        };
        let rest = self.query.get(self.qpos..self.qend).unwrap_or(&[]);
        let c_str = |b: &[u8]| {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(&b[..end]).into_owned()
        };
        let mut sample = if rest.len() < DUMP {
            format!("Query buffer during protocol error: '{}'", c_str(rest))
        } else {
            format!(
                "Query buffer during protocol error: '{}' (... more {} bytes ...) '{}'",
                c_str(&rest[..DUMP / 2]),
                rest.len() - DUMP,
                c_str(&rest[rest.len() - DUMP / 2..])
            )
        };
        // Redis formats into a 256-byte buffer.
        if sample.len() > 255 {
            let mut cut = 255;
            while !sample.is_char_boundary(cut) {
                cut -= 1;
            }
            sample.truncate(cut);
        }
        let sample: String = sample
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '.'
                }
            })
            .collect();
        log::debug!(
            "Protocol error ({reason}) from client: id={} addr={} laddr={} fd={} name={}. {sample}",
            self.state.id,
            self.state.addr,
            self.state.laddr,
            self.state.fd,
            String::from_utf8_lossy(self.state.name.as_deref().unwrap_or(b""))
        );
    }

    /// Redis's `checkClientOutputBufferLimits` for a normal client: over the hard limit, or over
    /// the soft limit for more than its seconds. Limits of 0 are off.
    pub fn output_over_limit(&mut self, (hard, soft, soft_secs): (usize, usize, u64)) -> bool {
        let used = self.reply.pending();
        if hard > 0 && used >= hard {
            return true;
        }
        if soft == 0 || used < soft {
            self.obuf_soft_since = 0;
            return false;
        }
        let now = crate::util::now_ms() / 1000;
        if self.obuf_soft_since == 0 {
            self.obuf_soft_since = now;
            return false;
        }
        now - self.obuf_soft_since > soft_secs as i64
    }

    /// Drops the consumed prefix of the query buffer (once per read, not per command).
    fn compact_query(&mut self) {
        if self.qpos == 0 {
            return;
        }
        if self.qpos == self.qend && !self.parser.in_progress() {
            // A big buffer stays for the next big request; the cron gives it back (see
            // `resize_query_buffer`).
            self.qpos = 0;
            self.qend = 0;
            return;
        }
        // A partly parsed command keeps spans into the buffer: keep it from its start.
        let start = if self.parser.in_progress() {
            self.cmd_start
        } else {
            self.qpos
        };
        if start == 0 {
            return;
        }
        self.query.copy_within(start..self.qend, 0);
        self.qend -= start;
        self.qpos -= start;
        self.cmd_start = 0;
        self.parser.shift(start);
    }

    /// Cron, as Redis's `clientsCronResizeQueryBuffer`: a query buffer wasting more than 4 KiB
    /// is trimmed to what it holds once the client has been idle over 2 s (an idle client
    /// keeps no buffer), or, when bigger than 32 KiB and twice the peak seen since the last
    /// check, down to that peak (never below a bulk being read).
    fn resize_query_buffer(&mut self, now_ms: i64) {
        let size = self.query.len();
        if size - self.qend > 4 * 1024 {
            let idle_s = now_ms / 1000 - self.state.last_interaction_ms / 1000;
            let pending = self.parser.pending_bulk().map_or(0, |n| self.qpos + n + 2);
            let keep = if idle_s > 2 {
                Some(self.qend)
            } else if size > 32 * 1024 && size / 2 > self.query_peak {
                Some(self.qend.max(self.query_peak).max(pending))
            } else {
                None
            };
            if let Some(n) = keep {
                self.query.truncate(n);
                self.query.shrink_to_fit();
            }
        }
        self.query_peak = self.qend;
    }

    /// Writes pending output, at most [`WRITE_BUDGET`] bytes. Err means the client must be
    /// freed.
    pub fn write_output(&mut self) -> io::Result<WriteOutcome> {
        let mut written = 0;
        let mut outcome = WriteOutcome::Done;
        while self.reply.pending() > 0 {
            if written >= WRITE_BUDGET {
                outcome = WriteOutcome::Budget;
                break;
            }
            let end = self.reply.buf.len().min(self.reply.sent + WRITE_BUDGET);
            match self.stream.write(&self.reply.buf[self.reply.sent..end]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.reply.sent += n;
                    written += n;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    outcome = WriteOutcome::Blocked;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        if self.reply.pending() == 0 {
            // Capacity is kept for the next reply; the cron gives back idle big buffers.
            self.reply.buf.clear();
            self.reply.sent = 0;
            if self.reply.buf.capacity() > REPLY_KEEP_MAX {
                self.reply.buf = Vec::new();
            }
        } else if self.reply.sent >= REPLY_COMPACT_MIN && self.reply.sent >= self.reply.pending() {
            // A reader that keeps up but never lets the buffer drain fully must not make it
            // grow without bound.
            self.reply.buf.drain(..self.reply.sent);
            self.reply.sent = 0;
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn pair() -> (Client, std::os::unix::net::UnixStream) {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        let stream = Stream::Unix(mio::net::UnixStream::from_std(a));
        let state = ClientState::new(1, "test".into(), "test".into(), -1, 0);
        (Client::new(stream, state), b)
    }

    #[test]
    fn big_bulk_read_into_exact_room() {
        let mut srv = ServerState::new(Config::default());
        let (mut c, mut peer) = pair();
        c.state.authenticated = true;
        let value = vec![b'v'; 100_000];
        let mut req = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n".to_vec();
        req.extend_from_slice(&value);
        req.extend_from_slice(b"\r\n");
        let total = req.len();
        // The header and the start of the bulk, then the rest in small pieces.
        let mut sent = 1000;
        peer.write_all(&req[..sent]).unwrap();
        assert!(matches!(c.read_input(), ReadOutcome::Data { n: 1000, .. }));
        c.process_input(&mut srv);
        assert_eq!(c.parser.pending_bulk(), Some(100_000));
        while sent < total {
            let end = (sent + 7000).min(total);
            peer.write_all(&req[sent..end]).unwrap();
            sent = end;
            assert!(matches!(c.read_input(), ReadOutcome::Data { .. }));
            // Sized once, to the command exactly: no doubling, no re-copying.
            assert_eq!(c.query.len(), total);
            c.process_input(&mut srv);
        }
        assert_eq!(c.reply.buf, b"+OK\r\n");
        assert_eq!(c.query_len(), 0);
    }

    #[test]
    fn many_big_bulks_grow_the_buffer_geometrically() {
        let mut srv = ServerState::new(Config::default());
        let (mut c, mut peer) = pair();
        c.state.authenticated = true;
        let value = vec![b'v'; 40_000];
        let mut args: Vec<&[u8]> = vec![b"MSET"];
        let keys: Vec<Vec<u8>> = (0..100).map(|i| format!("k{i}").into_bytes()).collect();
        for k in &keys {
            args.push(k);
            args.push(&value);
        }
        let mut req = format!("*{}\r\n", args.len()).into_bytes();
        for a in &args {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a);
            req.extend_from_slice(b"\r\n");
        }
        let mut reallocs = 0;
        let mut sent = 0;
        while sent < req.len() {
            let end = (sent + 30_000).min(req.len());
            peer.write_all(&req[sent..end]).unwrap();
            sent = end;
            loop {
                let before = c.query.as_ptr();
                match c.read_input() {
                    ReadOutcome::Data { .. } => {}
                    _ => break,
                }
                reallocs += (before != c.query.as_ptr()) as usize;
                c.process_input(&mut srv);
            }
        }
        assert_eq!(c.reply.buf, b"+OK\r\n");
        assert!(
            reallocs <= 12,
            "{reallocs} reallocations for a 4 MB command"
        );
    }

    #[test]
    fn sent_output_is_dropped_from_the_front() {
        let (mut c, mut peer) = pair();
        peer.set_nonblocking(true).unwrap();
        // A 4 MB backlog, then a reader that keeps up with new output but never catches up.
        c.reply.buf.extend(std::iter::repeat_n(b'x', 4 << 20));
        let mut sink = vec![0u8; 1 << 16];
        let mut max_len = 0;
        for _ in 0..500 {
            let _ = c.write_output().unwrap();
            max_len = max_len.max(c.reply.buf.len());
            let _ = peer.read(&mut sink);
            c.reply.buf.extend(std::iter::repeat_n(b'y', 60_000));
        }
        // 34 MB were queued and the backlog never drained: the buffer stays near twice it.
        assert!(max_len < 9 << 20, "{max_len}");
    }
}
