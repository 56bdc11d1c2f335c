//! Low-level text rules of Redis's config code: `sdssplitargs` (line splitting with quotes and
//! escapes), `sdscatrepr` (quoting), `memtoull` (memory units), C `strtoll`, `strerror`.

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Splits a line like Redis's `sdssplitargs`: words separated by spaces, "double quotes" with
/// `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` escapes, 'single quotes' with `\'`. `None` on
/// unbalanced quotes (or a closing quote followed by a non-space).
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let at = |i: usize| line.get(i).copied().unwrap_or(0);
    let mut out = Vec::new();
    let mut p = 0;
    loop {
        while p < line.len() && is_space(line[p]) {
            p += 1;
        }
        if p >= line.len() {
            return Some(out);
        }
        let (mut inq, mut insq) = (false, false);
        let mut cur = Vec::new();
        loop {
            let c = at(p);
            if inq {
                if let (b'\\', b'x', Some(h), Some(l)) =
                    (c, at(p + 1), hex(at(p + 2)), hex(at(p + 3)))
                {
                    cur.push(h * 16 + l);
                    p += 3;
                } else if c == b'\\' && p + 1 < line.len() {
                    p += 1;
                    cur.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        o => o,
                    });
                } else if c == b'"' {
                    if p + 1 < line.len() && !is_space(at(p + 1)) {
                        return None;
                    }
                    p += 1;
                    break;
                } else if p >= line.len() {
                    return None;
                } else {
                    cur.push(c);
                }
            } else if insq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if p + 1 < line.len() && !is_space(at(p + 1)) {
                        return None;
                    }
                    p += 1;
                    break;
                } else if p >= line.len() {
                    return None;
                } else {
                    cur.push(c);
                }
            } else if p >= line.len() || matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0) {
                break;
            } else if c == b'"' {
                inq = true;
            } else if c == b'\'' {
                insq = true;
            } else {
                cur.push(c);
            }
            p += 1;
        }
        out.push(cur);
    }
}

/// Quotes bytes like Redis's `sdscatrepr`: `"..."` with C escapes and `\xHH`.
pub fn repr(s: &[u8]) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for &c in s {
        match c {
            b'\\' => o.push_str("\\\\"),
            b'"' => o.push_str("\\\""),
            b'\n' => o.push_str("\\n"),
            b'\r' => o.push_str("\\r"),
            b'\t' => o.push_str("\\t"),
            7 => o.push_str("\\a"),
            8 => o.push_str("\\b"),
            0x20..=0x7e => o.push(c as char),
            _ => o.push_str(&format!("\\x{c:02x}")),
        }
    }
    o.push('"');
    o
}

/// Redis's `memtoull`: digits with an optional unit (b, k, kb, m, mb, g, gb; any case).
pub fn memtoull(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.first() == Some(&b'-') {
        return None;
    }
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mul: u64 = match s[n..].to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1_000_000,
        "mb" => 1024 * 1024,
        "g" => 1_000_000_000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if n >= 128 {
        return None;
    }
    // strtoull: no digits gives 0, overflow saturates.
    let v = if n == 0 {
        0
    } else {
        s[..n].parse::<u64>().unwrap_or(u64::MAX)
    };
    if v > u64::MAX / mul {
        return None;
    }
    Some(v * mul)
}

/// C `strtoll(s, &end, 10)` where the caller requires `*end == '\0'`: leading spaces and a
/// sign allowed, no digits gives 0, overflow saturates. `None` if characters are left over.
pub fn strtoll_all(s: &str) -> Option<i64> {
    let t = s.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() {
        // No conversion: end points at the start of the string.
        return s.is_empty().then_some(0);
    }
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mag: i128 = digits.parse::<i128>().unwrap_or(i128::MAX);
    let v = if neg { -mag } else { mag };
    Some(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
}

/// Redis's `string2ll`: strict decimal, no spaces, no `+`, no leading zeros.
pub fn string2ll(s: &str) -> Option<i64> {
    crate::util::parse_i64(s.as_bytes())
}

/// The C library's message for an OS error (Redis prints `strerror(errno)`).
pub fn strerror(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => {
            // SAFETY: strerror returns a valid NUL-terminated string for any code.
            let p = unsafe { libc::strerror(code) };
            if p.is_null() {
                return e.to_string();
            }
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
        None => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(s: &str) -> Option<Vec<String>> {
        split_args(s.as_bytes()).map(|v| {
            v.into_iter()
                .map(|a| String::from_utf8_lossy(&a).into_owned())
                .collect()
        })
    }

    #[test]
    fn splitting() {
        assert_eq!(
            sp("a  b\tc"),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(sp(r#"x "a b\x41\n" 'c\'d'"#).unwrap()[1], "a bA\n");
        assert_eq!(sp(r#"x 'c\'d'"#).unwrap()[1], "c'd");
        assert_eq!(sp(r#"x """#).unwrap()[1], "");
        assert_eq!(sp(r#"x "abc"#), None);
        assert_eq!(sp(r#"x "abc"d"#), None);
        assert_eq!(sp("x 'a"), None);
        assert_eq!(sp("   "), Some(vec![]));
    }

    #[test]
    fn memory() {
        assert_eq!(memtoull("1kb"), Some(1024));
        assert_eq!(memtoull("1K"), Some(1000));
        assert_eq!(memtoull("2GB"), Some(2 << 30));
        assert_eq!(memtoull(""), Some(0));
        assert_eq!(memtoull("-1"), None);
        assert_eq!(memtoull("1.5mb"), None);
        assert_eq!(memtoull("99999999999999999999"), Some(u64::MAX));
    }

    #[test]
    fn quoting() {
        assert_eq!(repr(b"a\"b\\\x01"), r#""a\"b\\\x01""#);
        assert_eq!(strtoll_all(" -5"), Some(-5));
        assert_eq!(strtoll_all("5x"), None);
        assert_eq!(strtoll_all(""), Some(0));
    }
}
