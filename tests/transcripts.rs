//! Replays the transcripts in `tests/transcripts/*.txt` against ferrokv and compares every reply
//! with the `.expected` file recorded from a real redis-server 7.0 by
//! `scripts/record-transcripts` (which documents the format and the `%` markers).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::Server;

/// Options every recording used (see `BASE_OPTS` in the recorder).
const BASE_OPTS: [&str; 6] = [
    "--save",
    "",
    "--appendonly",
    "no",
    "--enable-debug-command",
    "yes",
];

// ---------------------------------------------------------------------------------------------
// Transcript files

enum Item {
    Reconnect,
    Cmd {
        line: usize,
        text: String,
        markers: Vec<String>,
        payload: Vec<u8>,
    },
}

/// Redis's `sdssplitargs`; `None` on unbalanced quotes.
fn splitargs(s: &[u8]) -> Option<Vec<Vec<u8>>> {
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    let n = s.len();
    loop {
        while i < n && is_space(s[i]) {
            i += 1;
        }
        if i >= n {
            return Some(out);
        }
        let (mut cur, mut inq, mut insq) = (Vec::new(), false, false);
        loop {
            if inq {
                let c = *s.get(i)?;
                if c == b'\\'
                    && i + 3 < n
                    && s[i + 1] == b'x'
                    && hex(s[i + 2]).is_some()
                    && hex(s[i + 3]).is_some()
                {
                    cur.push((hex(s[i + 2])? * 16 + hex(s[i + 3])?) as u8);
                    i += 3;
                } else if c == b'\\' && i + 1 < n {
                    i += 1;
                    cur.push(match s[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        o => o,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(s[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else if insq {
                let c = *s.get(i)?;
                if c == b'\\' && i + 1 < n && s[i + 1] == b'\'' {
                    i += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(s[i + 1]) {
                        return None;
                    }
                    i += 1;
                    break;
                } else {
                    cur.push(c);
                }
            } else {
                if i >= n {
                    break;
                }
                match s[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    c => cur.push(c),
                }
            }
            i += 1;
        }
        out.push(cur);
    }
}

/// Decodes `\r \n \t \\ \xHH` (the `%raw` payloads and the `.expected` escapes).
fn unescape(s: &str) -> Vec<u8> {
    let s = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 1 < s.len() {
            match s[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < s.len() => {
                    if let Ok(v) =
                        u8::from_str_radix(&String::from_utf8_lossy(&s[i + 2..i + 4]), 16)
                    {
                        out.push(v);
                        i += 4;
                        continue;
                    }
                    out.push(b'\\');
                    i += 1;
                    continue;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                    continue;
                }
            }
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

const MARKERS: [&str; 5] = ["%raw", "%shape", "%anyint", "%sort", "%pairs"];

fn parse_transcript(text: &str) -> (Vec<String>, Vec<Item>) {
    let (mut opts, mut items) = (Vec::new(), Vec::new());
    for (no, line) in text.split('\n').enumerate() {
        let stripped = line.trim();
        if stripped.is_empty() || stripped.starts_with('#') {
            continue;
        }
        if let Some(rest) = stripped.strip_prefix("@options") {
            for a in splitargs(rest.as_bytes()).expect("@options quotes") {
                opts.push(String::from_utf8(a).expect("utf-8 option"));
            }
            continue;
        }
        if stripped == "@reconnect" {
            items.push(Item::Reconnect);
            continue;
        }
        let mut rest = line.trim_start();
        let mut markers = Vec::new();
        loop {
            let word = rest.split(' ').next().unwrap_or("");
            if !MARKERS.contains(&word) {
                break;
            }
            markers.push(word.to_string());
            rest = rest.get(word.len() + 1..).unwrap_or("");
        }
        let payload = if markers.iter().any(|m| m == "%raw") {
            unescape(rest)
        } else {
            let args = splitargs(rest.as_bytes()).expect("quotes");
            common::encode(&args.iter().map(Vec::as_slice).collect::<Vec<_>>())
        };
        items.push(Item::Cmd {
            line: no + 1,
            text: line.to_string(),
            markers,
            payload,
        });
    }
    (opts, items)
}

/// Per command of the `.expected` file: its `>>>` header, replies and whether the server closed.
struct Expected {
    header: String,
    replies: Vec<Vec<u8>>,
    closed: bool,
}

fn parse_expected(text: &str) -> Vec<Expected> {
    let mut out: Vec<Expected> = Vec::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix(">>> ") {
            out.push(Expected {
                header: h.to_string(),
                replies: Vec::new(),
                closed: false,
            });
        } else if let Some(last) = out.last_mut() {
            if line == "<closed>" {
                last.closed = true;
            } else {
                last.replies.push(unescape(line));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// RESP values, for the comparison markers

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum V {
    /// `+`, `-`, `:`, `,`, `#`, `(`, `_` lines.
    Line(u8, Vec<u8>),
    /// `$`, `=`, `!` (None for a null bulk).
    Bulk(u8, Option<Vec<u8>>),
    /// `*`, `~`, `>`, `%`, `|` (maps and attributes hold 2n elements); None for a null array.
    Agg(u8, Option<Vec<V>>),
}

/// Parses one value at `pos`; returns it and the end offset.
fn parse(b: &[u8], pos: usize) -> Option<(V, usize)> {
    let tag = *b.get(pos)?;
    let nl = pos + memfind(&b[pos..], b"\r\n")?;
    let body = &b[pos + 1..nl];
    let end = nl + 2;
    let num = || -> Option<i64> { std::str::from_utf8(body).ok()?.parse().ok() };
    match tag {
        b'$' | b'=' | b'!' => {
            let n = num()?;
            if n < 0 {
                return Some((V::Bulk(tag, None), end));
            }
            let data = b.get(end..end + n as usize)?.to_vec();
            Some((V::Bulk(tag, Some(data)), end + n as usize + 2))
        }
        b'*' | b'~' | b'>' | b'%' | b'|' => {
            let n = num()?;
            if n < 0 {
                return Some((V::Agg(tag, None), end));
            }
            let count = if tag == b'%' || tag == b'|' { n * 2 } else { n };
            let mut items = Vec::new();
            let mut at = end;
            for _ in 0..count {
                let (v, e) = parse(b, at)?;
                items.push(v);
                at = e;
            }
            Some((V::Agg(tag, Some(items)), at))
        }
        _ => Some((V::Line(tag, body.to_vec()), end)),
    }
}

fn memfind(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// Applies a comparison marker to a value.
fn normalize(v: &mut V, marker: &str, top: bool) {
    match (marker, &mut *v) {
        ("%anyint", V::Line(b':', body)) => *body = b"N".to_vec(),
        ("%shape", V::Line(b'-' | b'+', _)) => {}
        ("%shape", V::Line(_, body)) => body.clear(),
        ("%shape", V::Bulk(_, Some(d))) => d.clear(),
        ("%sort", V::Agg(_, Some(items))) => {
            for i in items.iter_mut() {
                normalize(i, marker, false);
            }
            items.sort();
        }
        ("%pairs", V::Agg(_, Some(items))) if top => {
            let mut pairs: Vec<Vec<V>> = items.chunks(2).map(|c| c.to_vec()).collect();
            pairs.sort();
            *items = pairs.concat();
        }
        (_, V::Agg(_, Some(items))) => {
            for i in items.iter_mut() {
                normalize(i, marker, false);
            }
        }
        _ => {}
    }
}

fn encode_value(v: &V, out: &mut Vec<u8>) {
    match v {
        V::Line(t, body) => {
            out.push(*t);
            out.extend_from_slice(body);
            out.extend_from_slice(b"\r\n");
        }
        V::Bulk(t, None) => out.extend_from_slice(&[*t, b'-', b'1', b'\r', b'\n']),
        V::Bulk(t, Some(d)) => {
            out.push(*t);
            out.extend_from_slice(format!("{}\r\n", d.len()).as_bytes());
            out.extend_from_slice(d);
            out.extend_from_slice(b"\r\n");
        }
        V::Agg(t, None) => out.extend_from_slice(&[*t, b'-', b'1', b'\r', b'\n']),
        V::Agg(t, Some(items)) => {
            let n = if *t == b'%' || *t == b'|' {
                items.len() / 2
            } else {
                items.len()
            };
            out.push(*t);
            out.extend_from_slice(format!("{n}\r\n").as_bytes());
            for i in items {
                encode_value(i, out);
            }
        }
    }
}

/// The reply as compared: raw bytes, or re-encoded after the line's markers.
fn comparable(reply: &[u8], markers: &[String]) -> Vec<u8> {
    let active: Vec<&String> = markers.iter().filter(|m| *m != "%raw").collect();
    if active.is_empty() {
        return reply.to_vec();
    }
    let Some((mut v, _)) = parse(reply, 0) else {
        return reply.to_vec();
    };
    for m in active {
        normalize(&mut v, m, true);
    }
    let mut out = Vec::new();
    encode_value(&v, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Running

struct Link {
    s: TcpStream,
    buf: Vec<u8>,
    eof: bool,
}

impl Link {
    fn new(port: u16) -> Link {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_nodelay(true).expect("nodelay");
        Link {
            s,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Reads more bytes, waiting at most `wait`; false on timeout or EOF.
    fn fill(&mut self, wait: Duration) -> bool {
        if self.eof {
            return false;
        }
        self.s
            .set_read_timeout(Some(wait.max(Duration::from_millis(1))))
            .expect("timeout");
        let mut chunk = [0u8; 65536];
        match self.s.read(&mut chunk) {
            Ok(0) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            // A signal: nothing read yet, try again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => true,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionReset) => {
                self.eof = true;
                false
            }
            Err(_) => false,
        }
    }

    fn take_reply(&mut self) -> Option<Vec<u8>> {
        // An attribute (`|`) belongs to the reply that follows it.
        let mut end = 0;
        loop {
            let (v, e) = parse(&self.buf, end)?;
            end = e;
            if !matches!(v, V::Agg(b'|', _)) {
                break;
            }
        }
        Some(self.buf.drain(..end).collect())
    }

    /// Collects the replies to one line: waits up to 2 s for the `want` replies the recording
    /// has, then briefly for any extra reply or a close.
    fn replies(&mut self, want: usize, closed: bool) -> Vec<Vec<u8>> {
        let mut got = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            while let Some(r) = self.take_reply() {
                got.push(r);
            }
            let done = got.len() >= want && (!closed || self.eof);
            let wait = if done {
                Duration::from_millis(30)
            } else {
                deadline.saturating_duration_since(Instant::now())
            };
            if wait.is_zero() || !self.fill(wait) {
                if let Some(r) = self.take_reply() {
                    got.push(r);
                    continue;
                }
                return got;
            }
        }
    }
}

fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}

fn run(name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let txt = std::fs::read_to_string(dir.join(format!("{name}.txt"))).expect("transcript");
    let exp = std::fs::read_to_string(dir.join(format!("{name}.expected"))).expect("expected");
    let (opts, items) = parse_transcript(&txt);
    let expected = parse_expected(&exp);
    let mut args: Vec<&str> = BASE_OPTS.to_vec();
    args.extend(opts.iter().map(String::as_str));
    let srv = Server::start(&args);
    let mut link = Link::new(srv.port);
    let mut failures = Vec::new();
    let mut exp_iter = expected.iter();
    for item in &items {
        let Item::Cmd {
            line,
            text,
            markers,
            payload,
        } = item
        else {
            link = Link::new(srv.port);
            continue;
        };
        let e = exp_iter
            .next()
            .expect("expected file shorter than transcript");
        assert_eq!(
            e.header,
            format!("{line} {text}"),
            "{name}.expected is stale: re-record it with scripts/record-transcripts"
        );
        if link.eof {
            link = Link::new(srv.port);
        }
        let _ = link.s.write_all(payload);
        let got = link.replies(e.replies.len(), e.closed);
        let want: Vec<Vec<u8>> = e.replies.iter().map(|r| comparable(r, markers)).collect();
        let have: Vec<Vec<u8>> = got.iter().map(|r| comparable(r, markers)).collect();
        if want != have || (e.closed && !link.eof) {
            failures.push(format!(
                "line {line}: {text}\n  redis:   {}{}\n  ferrokv: {}{}",
                e.replies
                    .iter()
                    .map(|r| show(r))
                    .collect::<Vec<_>>()
                    .join(" | "),
                if e.closed { " <closed>" } else { "" },
                got.iter().map(|r| show(r)).collect::<Vec<_>>().join(" | "),
                if link.eof { " <closed>" } else { "" },
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} lines differ from redis:\n{}",
        failures.len(),
        expected.len(),
        failures.join("\n")
    );
}

macro_rules! transcripts {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(#[test] fn $test() { run($file); })*
    };
}

transcripts! {
    auth => "auth",
    connection => "connection",
    diff_found => "diff-found",
    hashes => "hashes",
    hashes_encoding => "hashes-encoding",
    intro_sweep => "intro-sweep",
    keys => "keys",
    keyspace => "keyspace",
    protocol_inline => "protocol-inline",
    server => "server",
    strings => "strings",
    types_lists => "types-lists",
    types_sets => "types-sets",
    types_sort => "types-sort",
    types_zsets => "types-zsets",
}

/// Every transcript on disk has a test above.
#[test]
fn every_transcript_is_run() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let src = std::fs::read_to_string(file!()).expect("own source");
    for f in std::fs::read_dir(dir).expect("dir") {
        let name = f.expect("entry").file_name().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".txt") {
            assert!(
                src.contains(&format!("=> \"{stem}\"")),
                "{name} has no test"
            );
        }
    }
}
