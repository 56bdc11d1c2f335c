//! Resumable request parser: RESP multibulk (`*N\r\n$len\r\narg\r\n...`) and inline commands.
//!
//! The parser keeps its position on the client (how many bulks are left, the length of the bulk
//! being read), so a partial read is never rescanned. Multibulk arguments are spans of the query
//! buffer itself; inline arguments (which may need unquoting) are copied into a reused side buffer.

use crate::error::ProtocolError;
use memchr::memchr2;

/// Longest inline request accepted without a newline (Redis's `PROTO_INLINE_MAX_SIZE`).
pub const INLINE_MAX: usize = 64 * 1024;
/// Longest `*`/`$` header line accepted without a CR (Redis uses the inline limit here too).
const HEADER_MAX: usize = INLINE_MAX;
/// Limits before AUTH when a password is set.
const UNAUTH_MULTIBULK_MAX: i64 = 10;
const UNAUTH_BULK_MAX: i64 = 16384;

/// Result of one [`Parser::parse`] call.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A whole command is ready: read it with [`Parser::args`].
    Complete,
    /// More bytes are needed.
    Incomplete,
    /// Malformed input: reply with the error, then close the connection.
    Error(ProtocolError),
}

/// Parser state for one client.
#[derive(Default)]
pub struct Parser {
    /// Bulks still to read in the current multibulk (0 = between commands).
    multibulk_left: i64,
    /// Length of the bulk being read, or -1 while its `$` header is pending.
    bulk_len: i64,
    /// Argument spans, into the query buffer or (for inline commands) into `inline_buf`.
    spans: Vec<(usize, usize)>,
    inline: bool,
    inline_buf: Vec<u8>,
}

/// The arguments of one command; `args[0]` is the command name. Indexing past the end yields an
/// empty slice instead of panicking.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    spans: &'a [(usize, usize)],
}

impl<'a> Args<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Argument `i`, or an empty slice when out of range.
    pub fn get(&self, i: usize) -> &'a [u8] {
        match self.spans.get(i) {
            Some(&(s, e)) => self.buf.get(s..e).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Arguments from `from` to the end.
    pub fn iter_from(&self, from: usize) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        let buf = self.buf;
        self.spans
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .map(move |&(s, e)| buf.get(s..e).unwrap_or(&[]))
    }

    /// The arguments from `from` on, as their own `Args` (for commands that wrap commands).
    pub fn shifted(&self, from: usize) -> Args<'a> {
        Args {
            buf: self.buf,
            spans: self.spans.get(from..).unwrap_or(&[]),
        }
    }

    /// Builds `Args` over spans of a buffer (used by tests and internal callers).
    pub fn new(buf: &'a [u8], spans: &'a [(usize, usize)]) -> Self {
        Args { buf, spans }
    }
}

impl<'a> std::ops::Index<usize> for Args<'a> {
    type Output = [u8];
    fn index(&self, i: usize) -> &[u8] {
        self.get(i)
    }
}

/// Limits that depend on configuration and on the client's authentication state.
#[derive(Clone, Copy)]
pub struct Limits {
    pub max_bulk_len: i64,
    pub authenticated: bool,
}

impl Parser {
    pub fn new() -> Self {
        Parser {
            bulk_len: -1,
            ..Default::default()
        }
    }

    /// The arguments of the command last reported [`Parsed::Complete`].
    pub fn args<'a>(&'a self, query: &'a [u8]) -> Args<'a> {
        let buf = if self.inline {
            &self.inline_buf[..]
        } else {
            query
        };
        Args {
            buf,
            spans: &self.spans,
        }
    }

    /// Forgets the last complete command; call before parsing the next.
    pub fn reset(&mut self) {
        self.spans.clear();
        self.inline = false;
        self.multibulk_left = 0;
        self.bulk_len = -1;
    }

    /// Cron: between commands, gives back the argument list of a command with very many
    /// arguments (and a long inline line), which is otherwise kept for reuse.
    pub fn shrink_idle(&mut self) {
        if self.multibulk_left == 0 {
            if self.spans.capacity() > 1024 {
                self.spans = Vec::new();
            }
            if self.inline_buf.capacity() > 64 * 1024 {
                self.inline_buf = Vec::new();
            }
        }
    }

    /// True while a command is partly parsed (its spans point into the query buffer).
    pub fn in_progress(&self) -> bool {
        self.multibulk_left > 0
    }

    /// Length of the bulk whose `$` header was read but whose data is still incomplete.
    pub fn pending_bulk(&self) -> Option<usize> {
        (self.multibulk_left > 0 && self.bulk_len >= 0).then_some(self.bulk_len as usize)
    }

    /// Shifts stored spans after the consumed prefix of the query buffer (`by` bytes) is removed.
    pub fn shift(&mut self, by: usize) {
        if !self.inline {
            for s in &mut self.spans {
                s.0 -= by;
                s.1 -= by;
            }
        }
    }

    /// Parses from `*pos` in `buf`, advancing `*pos` past what it consumed.
    pub fn parse(&mut self, buf: &[u8], pos: &mut usize, lim: Limits) -> Parsed {
        loop {
            if self.multibulk_left == 0 {
                let Some(&first) = buf.get(*pos) else {
                    return Parsed::Incomplete;
                };
                if first != b'*' {
                    match self.parse_inline(buf, pos) {
                        Some(Ok(())) if self.spans.is_empty() => continue,
                        Some(Ok(())) => return Parsed::Complete,
                        Some(Err(e)) => return Parsed::Error(e),
                        None => return Parsed::Incomplete,
                    }
                }
                self.inline = false;
                let rest = &buf[*pos..];
                let Some(cr) = find_c_str(b'\r', rest) else {
                    if rest.len() > HEADER_MAX {
                        return Parsed::Error(ProtocolError::BigMultibulkCount);
                    }
                    return Parsed::Incomplete;
                };
                if cr + 2 > rest.len() {
                    return Parsed::Incomplete;
                }
                let n = match parse_i64(&rest[1..cr]) {
                    Some(n) if n <= i32::MAX as i64 => n,
                    _ => return Parsed::Error(ProtocolError::InvalidMultibulkLength),
                };
                if !lim.authenticated && n > UNAUTH_MULTIBULK_MAX {
                    return Parsed::Error(ProtocolError::UnauthMultibulkLength);
                }
                *pos += cr + 2;
                if n <= 0 {
                    continue; // `*0` / `*-1`: an empty command, skipped
                }
                self.multibulk_left = n;
                self.bulk_len = -1;
                self.spans.clear();
                self.spans.reserve((n as usize).min(1024));
            }
            while self.multibulk_left > 0 {
                if self.bulk_len < 0 {
                    let rest = &buf[*pos..];
                    let Some(cr) = find_c_str(b'\r', rest) else {
                        if rest.len() > HEADER_MAX {
                            return Parsed::Error(ProtocolError::BigBulkCount);
                        }
                        return Parsed::Incomplete;
                    };
                    if cr + 2 > rest.len() {
                        return Parsed::Incomplete;
                    }
                    if rest[0] != b'$' {
                        return Parsed::Error(ProtocolError::ExpectedDollar(rest[0]));
                    }
                    let n = match parse_i64(&rest[1..cr]) {
                        Some(n) if n >= 0 && n <= lim.max_bulk_len => n,
                        _ => return Parsed::Error(ProtocolError::InvalidBulkLength),
                    };
                    if !lim.authenticated && n > UNAUTH_BULK_MAX {
                        return Parsed::Error(ProtocolError::UnauthBulkLength);
                    }
                    *pos += cr + 2;
                    self.bulk_len = n;
                }
                let need = self.bulk_len as usize;
                if buf.len() - *pos < need + 2 {
                    return Parsed::Incomplete;
                }
                self.spans.push((*pos, *pos + need));
                *pos += need + 2;
                self.bulk_len = -1;
                self.multibulk_left -= 1;
            }
            return Parsed::Complete;
        }
    }

    /// One inline line: `Some(Ok)` consumed a line (spans may be empty for a blank line),
    /// `None` needs more bytes.
    fn parse_inline(&mut self, buf: &[u8], pos: &mut usize) -> Option<Result<(), ProtocolError>> {
        let rest = &buf[*pos..];
        let Some(nl) = find_c_str(b'\n', rest) else {
            if rest.len() > INLINE_MAX {
                return Some(Err(ProtocolError::BigInline));
            }
            return None;
        };
        let mut line = &rest[..nl];
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        self.inline = true;
        self.spans.clear();
        self.inline_buf.clear();
        if !split_args(line, &mut self.inline_buf, &mut self.spans) {
            return Some(Err(ProtocolError::UnbalancedQuotes));
        }
        *pos += nl + 1;
        Some(Ok(()))
    }
}

/// Finds `c` the way Redis's `strchr` on the query buffer does: a NUL byte ends the search, so
/// a header or inline line with a NUL before its terminator is never complete (it waits for
/// more bytes until the size limit turns it into a protocol error).
fn find_c_str(c: u8, s: &[u8]) -> Option<usize> {
    match memchr2(c, 0, s) {
        Some(i) if s.get(i) == Some(&c) => Some(i),
        _ => None,
    }
}

/// Redis's `string2ll`: optional `-`, no `+`, no leading zeros, no spaces, fits in i64.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits {
        [] => return None,
        [b'0'] => return if neg { None } else { Some(0) },
        [b'0', ..] => return None,
        _ => {}
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            None
        } else {
            Some((v as i64).wrapping_neg())
        }
    } else if v > i64::MAX as u64 {
        None
    } else {
        Some(v as i64)
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex_val(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Splits a line the way redis-cli and Redis's inline protocol do (`sdssplitargs`): whitespace
/// separates arguments; `"..."` understands `\n \r \t \b \a \xHH` escapes; `'...'` only `\'`.
/// A closing quote must be followed by whitespace or the end. Returns false on unbalanced quotes.
pub fn split_args(line: &[u8], out: &mut Vec<u8>, spans: &mut Vec<(usize, usize)>) -> bool {
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return true;
        }
        let start = out.len();
        let (mut inq, mut insq) = (false, false);
        loop {
            if inq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\'
                    && i + 3 < n
                    && line[i + 1] == b'x'
                    && let (Some(h), Some(l)) = (hex_val(line[i + 2]), hex_val(line[i + 3]))
                {
                    out.push(h * 16 + l);
                    i += 4;
                    continue;
                }
                if c == b'\\' && i + 1 < n {
                    i += 1;
                    out.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else if insq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    out.push(b'\'');
                    i += 2;
                    continue;
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                }
                out.push(c);
                i += 1;
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    c if is_space(c) => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    c => out.push(c),
                }
                i += 1;
            }
        }
        spans.push((start, out.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: Limits = Limits {
        max_bulk_len: 512 * 1024 * 1024,
        authenticated: true,
    };

    fn all(input: &[u8]) -> (Vec<Vec<Vec<u8>>>, Option<ProtocolError>) {
        let mut p = Parser::new();
        let mut pos = 0;
        let mut cmds = vec![];
        loop {
            match p.parse(input, &mut pos, LIM) {
                Parsed::Complete => {
                    let a = p.args(input);
                    cmds.push(a.iter_from(0).map(|s| s.to_vec()).collect());
                    p.reset();
                }
                Parsed::Incomplete => return (cmds, None),
                Parsed::Error(e) => return (cmds, Some(e)),
            }
        }
    }

    #[test]
    fn multibulk_and_inline() {
        let (c, e) = all(b"*2\r\n$3\r\nget\r\n$1\r\nk\r\nPING\r\n  set a \"b c\\x41\"\n");
        assert!(e.is_none());
        assert_eq!(c.len(), 3);
        assert_eq!(c[0], vec![b"get".to_vec(), b"k".to_vec()]);
        assert_eq!(c[1], vec![b"PING".to_vec()]);
        assert_eq!(c[2][2], b"b cA".to_vec());
    }

    #[test]
    fn byte_at_a_time() {
        let input = b"*3\r\n$3\r\nset\r\n$0\r\n\r\n$5\r\nhello\r\n";
        let mut p = Parser::new();
        let mut pos = 0;
        for end in 1..input.len() {
            assert_eq!(p.parse(&input[..end], &mut pos, LIM), Parsed::Incomplete);
        }
        assert_eq!(p.parse(input, &mut pos, LIM), Parsed::Complete);
        assert_eq!(p.args(input).get(2), b"hello");
        assert_eq!(p.args(input).get(1), b"");
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(
            all(b"*x\r\n").1,
            Some(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            all(b"*1\r\n*1\r\n").1,
            Some(ProtocolError::ExpectedDollar(b'*'))
        );
        assert_eq!(
            all(b"*1\r\n$-1\r\n").1,
            Some(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            all(b"set a \"b\r\n").1,
            Some(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            all(b"set a \"b\"c\r\n").1,
            Some(ProtocolError::UnbalancedQuotes)
        );
        assert_eq!(
            all(&vec![b'a'; INLINE_MAX + 1]).1,
            Some(ProtocolError::BigInline)
        );
        assert_eq!(all(b"*0\r\n*-1\r\n\r\n").0.len(), 0);
    }

    #[test]
    fn nul_hides_the_terminator_and_count_strings_are_capped() {
        // As with Redis's strchr: a NUL before the line end means "no line end yet".
        assert_eq!(all(b"PI\x00NG\r\nPING\r\n"), (vec![], None));
        assert_eq!(all(b"*1\x00\r\n$4\r\nPING\r\n"), (vec![], None));
        let mut count = b"*".to_vec();
        count.extend_from_slice(&[b'1'; INLINE_MAX - 1]);
        assert_eq!(all(&count).1, None);
        count.push(b'1');
        assert_eq!(all(&count).1, Some(ProtocolError::BigMultibulkCount));
        let mut count = b"*1\r\n$".to_vec();
        count.extend_from_slice(&[b'1'; INLINE_MAX]);
        assert_eq!(all(&count).1, Some(ProtocolError::BigBulkCount));
    }

    #[test]
    fn pending_bulk_reports_a_started_bulk() {
        let input = b"*2\r\n$3\r\nset\r\n$40000\r\nabc";
        let mut p = Parser::new();
        let mut pos = 0;
        assert_eq!(p.parse(input, &mut pos, LIM), Parsed::Incomplete);
        assert_eq!(p.pending_bulk(), Some(40000));
        assert_eq!(pos, input.len() - 3);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"01"), None);
        assert_eq!(parse_i64(b"+1"), None);
        assert_eq!(parse_i64(b"-0"), None);
        assert_eq!(parse_i64(b""), None);
    }
}
