//! Small shared helpers: number parsing and formatting as Redis does them, glob matching.

pub use crate::resp::parser::parse_i64;

/// Parses a float as Redis's `string2d` does (strtod over the whole string, no leading space,
/// NaN rejected). `inf`/`-inf` are accepted.
pub fn parse_f64(s: &[u8]) -> Option<f64> {
    let st = std::str::from_utf8(s).ok()?;
    if st.is_empty() || st.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v: f64 = match st.parse() {
        Ok(v) => v,
        Err(_) => {
            // strtod also accepts "infinity" in any case and "+inf".
            let l = st.to_ascii_lowercase();
            match l.trim_start_matches(['+', '-']) {
                "inf" | "infinity" => {
                    if l.starts_with('-') {
                        f64::NEG_INFINITY
                    } else {
                        f64::INFINITY
                    }
                }
                _ => return None,
            }
        }
    };
    if v.is_nan() { None } else { Some(v) }
}

/// Formats a double like C's `%.17g` (as Redis 7.0 replies scores and doubles); `inf`/`-inf`.
pub fn fmt_double(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v.is_nan() {
        return "nan".into();
    }
    fmt_g(v, 17)
}

/// C's `%.{prec}g`.
pub fn fmt_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let sci = format!("{:.*e}", prec - 1, v);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= prec as i32 {
        let mant = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, v)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Redis's glob-style matcher (`stringmatchlen`): `*`, `?`, `[abc]`, `[^a-z]`, `\x`.
///
/// Two Redis quirks are kept: an empty string is matched only by an empty pattern (Redis's
/// loop never starts; `*` alone is the exception here because every caller, KEYS and the
/// SCAN family, short-cuts it to "everything"), and class ranges compare bytes as C's
/// signed `char` (so `[b-\xff]` is the range -1..'b').
pub fn glob_match(pattern: &[u8], s: &[u8], nocase: bool) -> bool {
    if s.is_empty() {
        return pattern.is_empty() || pattern == b"*";
    }
    let mut skip_longer = false;
    glob_impl(pattern, s, nocase, &mut skip_longer, 0)
}

fn glob_impl(mut p: &[u8], mut s: &[u8], nocase: bool, skip_longer: &mut bool, depth: u32) -> bool {
    // Deep nesting of `*` is cut off as Redis does (1000 levels) to bound work.
    if depth > 1000 {
        return false;
    }
    let eq = |a: u8, b: u8| {
        if nocase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    while let Some(&pc) = p.first() {
        if s.is_empty() {
            break;
        }
        match pc {
            b'*' => {
                while p.len() > 1 && p[1] == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if glob_impl(&p[1..], s, nocase, skip_longer, depth + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                *skip_longer = true;
                return false;
            }
            b'?' => {
                s = &s[1..];
            }
            b'[' => {
                p = &p[1..];
                let not = p.first() == Some(&b'^');
                if not {
                    p = &p[1..];
                }
                let mut matched = false;
                loop {
                    match p {
                        [b'\\', c, ..] if p.len() >= 2 => {
                            // Exact, even under `nocase`, as in Redis.
                            if *c == s[0] {
                                matched = true;
                            }
                            p = &p[2..];
                        }
                        [b']', ..] => break,
                        [] => {
                            // Unterminated class: the pattern ends here.
                            break;
                        }
                        [a, b'-', b, ..] if p.len() >= 3 => {
                            // C `char` is signed: bytes >= 0x80 sort below NUL.
                            let signed = |x: u8| x as i8 as i32;
                            let lower = |x: i32| {
                                if nocase && (65..=90).contains(&x) {
                                    x + 32
                                } else {
                                    x
                                }
                            };
                            let (mut lo, mut hi) = (signed(*a), signed(*b));
                            if lo > hi {
                                std::mem::swap(&mut lo, &mut hi);
                            }
                            let (lo, hi, c) = (lower(lo), lower(hi), lower(signed(s[0])));
                            if c >= lo && c <= hi {
                                matched = true;
                            }
                            p = &p[3..];
                        }
                        [c, ..] => {
                            if eq(*c, s[0]) {
                                matched = true;
                            }
                            p = &p[1..];
                        }
                    }
                }
                if not {
                    matched = !matched;
                }
                if !matched {
                    return false;
                }
                s = &s[1..];
                if p.is_empty() {
                    // Unterminated class consumed the rest of the pattern.
                    return s.is_empty();
                }
            }
            b'\\' if p.len() >= 2 => {
                p = &p[1..];
                if !eq(p[0], s[0]) {
                    return false;
                }
                s = &s[1..];
            }
            c => {
                if !eq(c, s[0]) {
                    return false;
                }
                s = &s[1..];
            }
        }
        p = &p[1..];
        if s.is_empty() {
            while p.first() == Some(&b'*') {
                p = &p[1..];
            }
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    now_us() / 1000
}

/// A cheap monotonic tick counter for timing commands: the CPU's time-stamp counter on x86_64
/// (invariant on the machines ferrokv targets; a vDSO clock read costs several times more and
/// was a measurable share of a pipelined GET), nanoseconds of `Instant` elsewhere.
#[inline]
pub fn ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: RDTSC has no preconditions on x86_64.
        unsafe { core::arch::x86_64::_rdtsc() }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_nanos() as u64
    }
}

/// Calibration of [`ticks`]: the first reading with its instant, and microseconds per tick
/// (f64 bits), refined on every [`Clock::new`] over the whole run.
struct TickRate {
    origin: (u64, std::time::Instant),
    us_per_tick: std::sync::atomic::AtomicU64,
}

fn tick_rate() -> &'static TickRate {
    static RATE: std::sync::OnceLock<TickRate> = std::sync::OnceLock::new();
    RATE.get_or_init(|| {
        // A first estimate over 2 ms; later calls measure over the time since start.
        let (t0, i0) = (ticks(), std::time::Instant::now());
        std::thread::sleep(std::time::Duration::from_millis(2));
        let (t1, i1) = (ticks(), std::time::Instant::now());
        let us = (i1 - i0).as_secs_f64() * 1e6;
        let rate = us / (t1.wrapping_sub(t0)).max(1) as f64;
        TickRate {
            origin: (t0, i0),
            us_per_tick: std::sync::atomic::AtomicU64::new(rate.to_bits()),
        }
    })
}

fn us_per_tick() -> f64 {
    f64::from_bits(
        tick_rate()
            .us_per_tick
            .load(std::sync::atomic::Ordering::Relaxed),
    )
}

/// Microseconds between two [`ticks`] readings.
#[inline]
pub fn ticks_to_us(start: u64, end: u64) -> u64 {
    (end.saturating_sub(start) as f64 * us_per_tick()) as u64
}

/// Maps [`ticks`] readings to Unix time: one wall-clock read when made (by the cron, `hz`
/// times a second), then arithmetic, so a command's time costs no clock call.
pub struct Clock {
    base_ticks: u64,
    base_unix_us: i64,
    us_per_tick: f64,
}

impl Clock {
    pub fn new() -> Self {
        let rate = tick_rate();
        let (t, now) = (ticks(), std::time::Instant::now());
        let (t0, i0) = rate.origin;
        let elapsed = t.wrapping_sub(t0);
        if elapsed > 0 && now > i0 + std::time::Duration::from_millis(100) {
            let r = (now - i0).as_secs_f64() * 1e6 / elapsed as f64;
            rate.us_per_tick
                .store(r.to_bits(), std::sync::atomic::Ordering::Relaxed);
        }
        Clock {
            base_ticks: t,
            base_unix_us: now_us(),
            us_per_tick: us_per_tick(),
        }
    }

    /// Unix milliseconds at tick reading `t` (which may precede the base slightly).
    #[inline]
    pub fn unix_ms(&self, t: u64) -> i64 {
        let d = t.wrapping_sub(self.base_ticks) as i64 as f64 * self.us_per_tick;
        (self.base_unix_us + d as i64) / 1000
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// A small, fast PRNG (xoshiro256**) for random replies (HRANDFIELD, RANDOMKEY, run ids).
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// Seeded from the OS (`/dev/urandom`), falling back to the clock.
    pub fn from_entropy() -> Self {
        use std::io::Read;
        let mut seed = [0u8; 32];
        let ok = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut seed))
            .is_ok();
        if !ok {
            let t = now_us() as u64;
            seed[..8].copy_from_slice(&t.to_le_bytes());
        }
        let mut s = [0u64; 4];
        for (i, w) in s.iter_mut().enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(&seed[i * 8..i * 8 + 8]);
            *w = u64::from_le_bytes(b) | 1;
        }
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format() {
        assert_eq!(fmt_double(1.1), "1.1000000000000001");
        assert_eq!(fmt_double(1.0), "1");
        assert_eq!(fmt_double(1e20), "1e+20");
        assert_eq!(fmt_double(0.0001), "0.0001");
        assert_eq!(fmt_double(0.00001), "1.0000000000000001e-05");
        assert_eq!(fmt_double(-2.5), "-2.5");
        assert_eq!(fmt_double(f64::INFINITY), "inf");
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"h?llo", b"hello", false));
        assert!(glob_match(b"h*llo", b"heeeello", false));
        assert!(glob_match(b"h[ae]llo", b"hallo", false));
        assert!(!glob_match(b"h[^e]llo", b"hello", false));
        assert!(glob_match(b"h[a-b]llo", b"hbllo", false));
        assert!(glob_match(b"h[b-a]llo", b"hbllo", false));
        assert!(glob_match(b"*", b"", false));
        // Redis: no other non-empty pattern matches the empty string.
        assert!(!glob_match(b"**", b"", false));
        assert!(!glob_match(b"*?", b"", false));
        assert!(glob_match(b"", b"", false));
        // Ranges compare signed chars: [*-\xff] is -1..42.
        assert!(glob_match(b"[*-\xff]", b"!", false));
        assert!(glob_match(b"[*-\xff]", b"\xff", false));
        assert!(!glob_match(b"[*-\xff]", b"a", false));
        assert!(glob_match(b"a[b-\xff]", b"aB", false));
        assert!(glob_match(b"a\\*", b"a*", false));
        assert!(!glob_match(b"a\\*", b"ab", false));
        assert!(glob_match(b"MAX*", b"maxmemory", true));
        assert!(!glob_match(b"a*b", b"acd", false));
        assert!(glob_match(&[b'*'; 50], b"x", false));
    }
}
