//! Reply writer: formats RESP2/RESP3 replies straight into a client's output buffer.

/// A client's pending output plus the protocol version it speaks.
#[derive(Default)]
pub struct Reply {
    pub buf: Vec<u8>,
    /// Bytes of `buf` already written to the socket.
    pub sent: usize,
    pub resp3: bool,
}

/// Formats `v` in decimal into `tmp`, returning the digits.
pub fn fmt_int(v: i64, tmp: &mut [u8; 20]) -> &[u8] {
    let mut i = tmp.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        tmp[i] = b'-';
    }
    &tmp[i..]
}

/// Appends the decimal form of `v` to `out` without allocating.
pub fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut tmp = [0u8; 20];
    out.extend_from_slice(fmt_int(v, &mut tmp));
}

/// Longest value [`Reply::bulk`] formats on the stack (its length has at most two digits).
const SMALL_BULK: usize = 64;

/// Writes `$len\r\n<s>\r\n` for `s.len() <= SMALL_BULK` into `tmp`, returning its length.
#[inline]
fn small_bulk(s: &[u8], tmp: &mut [u8; SMALL_BULK + 7]) -> usize {
    let len = s.len();
    tmp[0] = b'$';
    let mut i = 1;
    if len >= 10 {
        tmp[i] = b'0' + (len / 10) as u8;
        i += 1;
    }
    tmp[i] = b'0' + (len % 10) as u8;
    tmp[i + 1] = b'\r';
    tmp[i + 2] = b'\n';
    i += 3;
    tmp[i..i + len].copy_from_slice(s);
    i += len;
    tmp[i] = b'\r';
    tmp[i + 1] = b'\n';
    i + 2
}

impl Reply {
    pub fn pending(&self) -> usize {
        self.buf.len() - self.sent
    }

    /// `<tag><n>\r\n`, formatted on the stack and appended with one copy.
    fn header(&mut self, tag: u8, n: i64) {
        let mut digits = [0u8; 20];
        let d = fmt_int(n, &mut digits);
        let mut tmp = [0u8; 23];
        tmp[0] = tag;
        tmp[1..1 + d.len()].copy_from_slice(d);
        tmp[1 + d.len()] = b'\r';
        tmp[2 + d.len()] = b'\n';
        self.buf.extend_from_slice(&tmp[..3 + d.len()]);
    }

    pub fn simple(&mut self, s: &str) {
        self.buf.push(b'+');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// An error line; `msg` carries its code (`ERR ...`, `WRONGTYPE ...`). CR and LF inside
    /// become spaces, as Redis does.
    pub fn error(&mut self, msg: &[u8]) {
        self.buf.push(b'-');
        self.buf.extend(
            msg.iter()
                .map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }),
        );
        self.buf.extend_from_slice(b"\r\n");
    }

    pub fn int(&mut self, v: i64) {
        self.header(b':', v);
    }

    pub fn bulk(&mut self, s: &[u8]) {
        if s.len() <= SMALL_BULK {
            // Short values (the common case: LRANGE elements, GET of small strings): format the
            // whole reply on the stack and append it with one copy.
            let mut tmp = [0u8; SMALL_BULK + 7];
            let n = small_bulk(s, &mut tmp);
            self.buf.extend_from_slice(&tmp[..n]);
            return;
        }
        // One growth step for a big value instead of a chain of doublings.
        self.buf.reserve(s.len() + 24);
        self.header(b'$', s.len() as i64);
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An integer sent as a bulk string (`$2\r\n42\r\n`).
    pub fn bulk_int(&mut self, v: i64) {
        let mut tmp = [0u8; 20];
        self.bulk(fmt_int(v, &mut tmp));
    }

    /// Missing value: `$-1` in RESP2, `_` in RESP3.
    pub fn null(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"$-1\r\n");
        }
    }

    /// Missing aggregate: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        if self.resp3 {
            self.buf.extend_from_slice(b"_\r\n");
        } else {
            self.buf.extend_from_slice(b"*-1\r\n");
        }
    }

    pub fn array(&mut self, n: usize) {
        self.header(b'*', n as i64);
    }

    /// A map of `n` pairs: `%n` in RESP3, a flat array of `2n` in RESP2.
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.header(b'%', n as i64);
        } else {
            self.header(b'*', 2 * n as i64);
        }
    }

    /// A set: `~n` in RESP3, an array in RESP2.
    pub fn set(&mut self, n: usize) {
        self.header(if self.resp3 { b'~' } else { b'*' }, n as i64);
    }

    /// A double: `,` in RESP3, a bulk string in RESP2 (Redis's `%.17g`-style formatting).
    pub fn double(&mut self, v: f64) {
        let s = crate::util::fmt_double(v);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(s.as_bytes());
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s.as_bytes());
        }
    }

    /// A big number: `(` in RESP3, a bulk string in RESP2.
    pub fn bignum(&mut self, digits: &[u8]) {
        if self.resp3 {
            self.buf.push(b'(');
            self.buf.extend_from_slice(digits);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(digits);
        }
    }

    /// RESP3 boolean, or integer 1/0 in RESP2.
    pub fn boolean(&mut self, v: bool) {
        if self.resp3 {
            self.buf
                .extend_from_slice(if v { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(v as i64);
        }
    }

    /// Verbatim string (`=len\r\ntxt:...` in RESP3), a bulk string in RESP2.
    pub fn verbatim(&mut self, s: &[u8]) {
        if self.resp3 {
            self.header(b'=', s.len() as i64 + 4);
            self.buf.extend_from_slice(b"txt:");
            self.buf.extend_from_slice(s);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(s);
        }
    }

    /// Array of bulk strings.
    pub fn bulks<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a [u8]>) {
        self.array(items.len());
        for it in items {
            self.bulk(it);
        }
    }

    /// Bytes written so far; with [`Reply::truncate`] lets a caller drop a reply (CLIENT REPLY).
    pub fn mark(&self) -> usize {
        self.buf.len()
    }

    pub fn truncate(&mut self, mark: usize) {
        self.buf.truncate(mark.max(self.sent));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let mut r = Reply::default();
        r.int(-42);
        r.bulk(b"hi");
        r.null();
        r.map(2);
        r.error(b"ERR a\r\nb");
        r.bulk_int(i64::MIN);
        for len in [0usize, 9, 10, 64, 65, 100] {
            let v = vec![b'x'; len];
            let mut a = Reply::default();
            a.bulk(&v);
            assert_eq!(
                a.buf,
                [format!("${len}\r\n").as_bytes(), &v, b"\r\n"].concat()
            );
        }
        assert_eq!(
            r.buf,
            b":-42\r\n$2\r\nhi\r\n$-1\r\n*4\r\n-ERR a  b\r\n$20\r\n-9223372036854775808\r\n"
        );
        r.resp3 = true;
        r.buf.clear();
        r.null();
        r.map(2);
        assert_eq!(r.buf, b"_\r\n%2\r\n");
    }
}
