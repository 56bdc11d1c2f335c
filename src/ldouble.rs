//! INCRBYFLOAT/HINCRBYFLOAT arithmetic exactly as Redis does it with C `long double`.
//!
//! On x86-64 Redis computes with the x87 80-bit extended format: a 64-bit mantissa (explicit
//! leading bit), a 15-bit exponent, gradual underflow. This module reproduces it in safe Rust:
//! - parsing as glibc `strtold` under Redis's `string2ld` rules: the whole string, no leading
//!   space, decimal or hex (`0x1.8p3`), `inf`/`infinity` accepted, NaN rejected, correctly
//!   rounded (nearest-even); a value that overflows or underflows to zero is rejected (ERANGE);
//! - addition rounded once to nearest-even;
//! - output as `%.17Lf` (exact, ties to even as glibc), then trailing zeros and a trailing `.`
//!   removed and `-0` turned into `0` (Redis's `ld2string(.., LD_STR_HUMAN)`).
//!
//! Big-integer arithmetic ([`Big`]) keeps every step exact; values up to ~1.19e4932 print with
//! all their digits as C does.

use std::cmp::Ordering;

use crate::error::CmdError;

/// Redis's `MAX_LONG_DOUBLE_CHARS`: `string2ld` refuses inputs this long or longer.
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// Exponent of the mantissa's least significant bit for subnormals (and the smallest normals):
/// the smallest positive value is `1 * 2^EXP_MIN`.
const EXP_MIN: i64 = -16445;
/// Largest exponent of the mantissa's least significant bit: max = `(2^64 - 1) * 2^EXP_MAX`.
const EXP_MAX: i64 = 16320;

/// A finite 80-bit extended value: `(-1)^neg * mant * 2^exp`. Invariant: `exp >= EXP_MIN`, and
/// `mant >= 2^63` whenever `exp > EXP_MIN` (normalized), so each value has one representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    neg: bool,
    mant: u64,
    exp: i64,
}

/// A parsed or computed value: finite or infinite (NaN is never produced: it is rejected on
/// input and reported as an error when a sum would be NaN).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Num {
    Finite(LongDouble),
    Inf(bool),
}

/// `cur + incr`, formatted as Redis's `ld2string(..., LD_STR_HUMAN)`; errors as INCRBYFLOAT.
pub fn incr(cur: &[u8], incr: &[u8]) -> Result<Vec<u8>, CmdError> {
    let a = parse(cur).ok_or(CmdError::NotFloat)?;
    let b = parse(incr).ok_or(CmdError::NotFloat)?;
    match (a, b) {
        (Num::Finite(a), Num::Finite(b)) => match add(a, b) {
            Num::Finite(r) => Ok(format_human(r)),
            Num::Inf(_) => Err(nan_or_inf()),
        },
        _ => Err(nan_or_inf()),
    }
}

fn nan_or_inf() -> CmdError {
    CmdError::msg("ERR increment would produce NaN or Infinity")
}

/// Whether `s` is accepted by Redis's `string2ld` (a finite or infinite number).
pub fn is_valid(s: &[u8]) -> bool {
    parse(s).is_some()
}

// ---------------------------------------------------------------------------------------------
// Parsing (strtold + string2ld)

/// Parses `s` as `string2ld` does; `None` when Redis would reply "not a valid float".
fn parse(s: &[u8]) -> Option<Num> {
    if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS {
        return None;
    }
    let (neg, body) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        return Some(Num::Inf(neg));
    }
    let r = match body {
        [b'0', b'x' | b'X', rest @ ..] => parse_hex(neg, rest)?,
        _ => parse_dec(neg, body)?,
    };
    // strtold sets ERANGE on overflow (±HUGE_VALL) and on underflow to zero: both rejected.
    match r {
        Rounded::Exact(v) => Some(Num::Finite(v)),
        Rounded::Overflow | Rounded::Underflow => None,
    }
}

/// Result of turning an exact non-zero quantity into the 80-bit format.
enum Rounded {
    Exact(LongDouble),
    Overflow,
    /// A non-zero input that rounds to zero.
    Underflow,
}

/// Reads an unsigned decimal exponent (at least one digit), saturating far beyond any range
/// that matters. Returns the value and the bytes consumed, or None without digits.
fn parse_exp_digits(s: &[u8]) -> Option<(i64, usize)> {
    let (neg, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = s[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut v: i64 = 0;
    for &c in &s[start..start + digits] {
        v = (v * 10 + (c - b'0') as i64).min(1_000_000_000);
    }
    Some((if neg { -v } else { v }, start + digits))
}

/// Decimal `digits[.digits][(e|E)[sign]digits]`, the whole input.
fn parse_dec(neg: bool, s: &[u8]) -> Option<Rounded> {
    let int_len = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = int_len;
    let mut frac_len = 0;
    if s.get(i) == Some(&b'.') {
        frac_len = s[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += 1 + frac_len;
    }
    if int_len + frac_len == 0 {
        return None;
    }
    let mut exp10: i64 = 0;
    if matches!(s.get(i), Some(b'e' | b'E')) {
        // Without digits after it, strtold stops before the 'e': trailing garbage.
        let (e, used) = parse_exp_digits(&s[i + 1..])?;
        exp10 = e;
        i += 1 + used;
    }
    if i != s.len() {
        return None;
    }
    // Significant digits: integer then fraction part, leading and trailing zeros dropped.
    let digits = s[..int_len]
        .iter()
        .chain(s[int_len..].iter().skip(1).take(frac_len));
    let mut sig: Vec<u8> = digits.copied().skip_while(|&c| c == b'0').collect();
    let mut e = exp10 - frac_len as i64;
    while sig.last() == Some(&b'0') {
        sig.pop();
        e += 1;
    }
    if sig.is_empty() {
        return Some(Rounded::Exact(LongDouble::zero(neg)));
    }
    let nd = sig.len() as i64;
    // value is in [10^(e+nd-1), 10^(e+nd)); max is ~1.19e4932, half the smallest subnormal is
    // ~1.82e-4951.
    if e + nd > 4933 {
        return Some(Rounded::Overflow);
    }
    if e + nd < -4952 {
        return Some(Rounded::Underflow);
    }
    let n = Big::from_decimal(&sig);
    if e >= 0 {
        let mut n = n;
        n.mul_pow10(e as u32);
        Some(round(neg, &n, 0, false))
    } else {
        let mut d = Big::from_u64(1);
        d.mul_pow10((-e) as u32);
        let shift = (d.bit_len() as i64 - n.bit_len() as i64 + 66).max(0);
        let mut a = n;
        a.shl(shift as usize);
        let (q, rem_nonzero) = a.div_big(&d);
        Some(round(neg, &q, -shift, rem_nonzero))
    }
}

/// Hex after `0x`: `hexdigits[.hexdigits][(p|P)[sign]digits]`, the whole input.
fn parse_hex(neg: bool, s: &[u8]) -> Option<Rounded> {
    let int_len = s.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    let mut i = int_len;
    let mut frac_len = 0;
    if s.get(i) == Some(&b'.') {
        frac_len = s[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        i += 1 + frac_len;
    }
    if int_len + frac_len == 0 {
        return None;
    }
    let mut exp2: i64 = 0;
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let (e, used) = parse_exp_digits(&s[i + 1..])?;
        exp2 = e;
        i += 1 + used;
    }
    if i != s.len() {
        return None;
    }
    let digits = s[..int_len]
        .iter()
        .chain(s[int_len..].iter().skip(1).take(frac_len));
    let mut n = Big::zero();
    for &c in digits {
        let v = (c as char).to_digit(16).unwrap_or(0);
        n.mul_small(16);
        n.add_small(v);
    }
    if n.is_zero() {
        return Some(Rounded::Exact(LongDouble::zero(neg)));
    }
    let e = exp2 - 4 * frac_len as i64;
    let bl = n.bit_len() as i64;
    // value is in [2^(bl-1+e), 2^(bl+e)).
    if bl - 1 + e > 16383 {
        return Some(Rounded::Overflow);
    }
    if bl + e < EXP_MIN - 1 {
        return Some(Rounded::Underflow);
    }
    Some(round(neg, &n, e, false))
}

/// Rounds the exact quantity `n * 2^exp` (plus a non-zero tail below its last bit when
/// `sticky`) to the 80-bit format, nearest-even, with gradual underflow. `n` must be non-zero
/// and, when `sticky`, have at least 66 bits so the tail lies below the rounding position.
fn round(neg: bool, n: &Big, exp: i64, sticky: bool) -> Rounded {
    let bl = n.bit_len() as i64;
    let mut drop = bl - 64;
    let mut e = exp + drop;
    if e < EXP_MIN {
        drop += EXP_MIN - e;
        e = EXP_MIN;
    }
    let mut mant;
    if drop <= 0 {
        mant = n.low_u64() << (-drop) as u32;
    } else {
        let d = drop as usize;
        mant = n.bits_from(d);
        let half = n.bit(d - 1);
        let rest = sticky || n.any_below(d - 1);
        if half && (rest || mant & 1 == 1) {
            match mant.checked_add(1) {
                Some(m) => mant = m,
                None => {
                    mant = 1 << 63;
                    e += 1;
                }
            }
        }
    }
    if mant == 0 {
        return Rounded::Underflow;
    }
    // A subnormal that rounded up into the normal range is already normalized (2^63 at EXP_MIN).
    if e > EXP_MAX {
        return Rounded::Overflow;
    }
    Rounded::Exact(LongDouble { neg, mant, exp: e })
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

impl LongDouble {
    fn zero(neg: bool) -> Self {
        LongDouble {
            neg,
            mant: 0,
            exp: EXP_MIN,
        }
    }
}

/// `a + b` rounded once, nearest-even (the x87 `fadd` result stored as 80 bits).
fn add(a: LongDouble, b: LongDouble) -> Num {
    if a.mant == 0 && b.mant == 0 {
        // -0 + -0 = -0; any other zero sum is +0 in round-to-nearest.
        return Num::Finite(LongDouble::zero(a.neg && b.neg));
    }
    if a.mant == 0 {
        return Num::Finite(b);
    }
    if b.mant == 0 {
        return Num::Finite(a);
    }
    let (big, small) = if a.exp >= b.exp { (a, b) } else { (b, a) };
    let d = big.exp - small.exp;
    if d >= 130 {
        // `big` is normal and `small` is below 2^-64 of its last bit: the sum rounds to `big`
        // (also when subtracting from a power of two, whose lower neighbour is half an ulp away).
        return Num::Finite(big);
    }
    let mut x = Big::from_u64(big.mant);
    x.shl(d as usize);
    let y = Big::from_u64(small.mant);
    let (neg, n) = if big.neg == small.neg {
        x.add(&y);
        (big.neg, x)
    } else {
        match x.cmp(&y) {
            Ordering::Equal => return Num::Finite(LongDouble::zero(false)),
            Ordering::Greater => {
                x.sub(&y);
                (big.neg, x)
            }
            Ordering::Less => {
                let mut y = y;
                y.sub(&x);
                (small.neg, y)
            }
        }
    };
    match round(neg, &n, small.exp, false) {
        Rounded::Exact(v) => Num::Finite(v),
        Rounded::Overflow => Num::Inf(neg),
        // Sums of values on the same grid are exact there; cannot underflow to zero.
        Rounded::Underflow => Num::Finite(LongDouble::zero(neg)),
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting (%.17Lf, then Redis's trimming)

/// `%.17Lf` of `v`, exact, ties to even (glibc's behaviour in the default rounding mode).
fn format_fixed17(v: LongDouble) -> Vec<u8> {
    let mut n = Big::from_u64(v.mant);
    n.mul_pow10(17);
    if v.exp >= 0 {
        n.shl(v.exp as usize);
    } else {
        n = n.shr_round_even((-v.exp) as usize);
    }
    let mut digits = n.to_decimal();
    if digits.len() < 18 {
        let mut padded = vec![b'0'; 18 - digits.len()];
        padded.extend_from_slice(&digits);
        digits = padded;
    }
    let split = digits.len() - 17;
    let mut out = Vec::with_capacity(digits.len() + 2);
    if v.neg {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[..split]);
    out.push(b'.');
    out.extend_from_slice(&digits[split..]);
    out
}

/// Redis's `ld2string(.., LD_STR_HUMAN)`: `%.17Lf` without trailing zeros, `-0` as `0`.
fn format_human(v: LongDouble) -> Vec<u8> {
    let mut s = format_fixed17(v);
    while s.last() == Some(&b'0') {
        s.pop();
    }
    if s.last() == Some(&b'.') {
        s.pop();
    }
    if s == b"-0" {
        s = b"0".to_vec();
    }
    s
}

// ---------------------------------------------------------------------------------------------
// A minimal unsigned big integer: little-endian u32 limbs, no leading zero limbs.

#[derive(Clone, Debug, PartialEq, Eq)]
struct Big {
    limbs: Vec<u32>,
}

impl Big {
    fn zero() -> Self {
        Big { limbs: Vec::new() }
    }

    fn from_u64(v: u64) -> Self {
        let mut b = Big {
            limbs: vec![v as u32, (v >> 32) as u32],
        };
        b.trim();
        b
    }

    /// From ASCII decimal digits.
    fn from_decimal(digits: &[u8]) -> Self {
        let mut n = Big::zero();
        for chunk in digits.chunks(9) {
            let mut v = 0u32;
            for &c in chunk {
                v = v * 10 + (c - b'0') as u32;
            }
            n.mul_small(10u32.pow(chunk.len() as u32));
            n.add_small(v);
        }
        n
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    fn bit_len(&self) -> usize {
        match self.limbs.last() {
            None => 0,
            Some(&top) => self.limbs.len() * 32 - top.leading_zeros() as usize,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.limbs
            .get(i / 32)
            .is_some_and(|&l| (l >> (i % 32)) & 1 == 1)
    }

    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: usize) -> bool {
        let full = (i / 32).min(self.limbs.len());
        if self.limbs[..full].iter().any(|&l| l != 0) {
            return true;
        }
        let part = i % 32;
        part != 0
            && self
                .limbs
                .get(i / 32)
                .is_some_and(|&l| l & ((1 << part) - 1) != 0)
    }

    /// The low 64 bits.
    fn low_u64(&self) -> u64 {
        let lo = self.limbs.first().copied().unwrap_or(0) as u64;
        let hi = self.limbs.get(1).copied().unwrap_or(0) as u64;
        lo | hi << 32
    }

    /// Bits `from..from+64` as a u64.
    fn bits_from(&self, from: usize) -> u64 {
        let mut v = 0u64;
        for k in 0..64 {
            if self.bit(from + k) {
                v |= 1 << k;
            }
        }
        v
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in &mut self.limbs {
            let x = *l as u64 * m as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
        self.trim();
    }

    fn add_small(&mut self, a: u32) {
        let mut carry = a as u64;
        for l in &mut self.limbs {
            if carry == 0 {
                return;
            }
            let x = *l as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k >= 9 {
            self.mul_small(1_000_000_000);
            k -= 9;
        }
        self.mul_small(10u32.pow(k));
    }

    fn shl(&mut self, bits: usize) {
        if self.is_zero() {
            return;
        }
        let (words, b) = (bits / 32, bits % 32);
        if b != 0 {
            let mut carry = 0u32;
            for l in &mut self.limbs {
                let nl = (*l << b) | carry;
                carry = *l >> (32 - b);
                *l = nl;
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        if words != 0 {
            self.limbs.splice(0..0, std::iter::repeat_n(0, words));
        }
    }

    /// Shift right by one bit in place.
    fn shr1(&mut self) {
        let mut carry = 0u32;
        for l in self.limbs.iter_mut().rev() {
            let nl = (*l >> 1) | (carry << 31);
            carry = *l & 1;
            *l = nl;
        }
        self.trim();
    }

    /// `self >> bits`, rounded to nearest, ties to even.
    fn shr_round_even(&self, bits: usize) -> Big {
        if bits == 0 {
            return self.clone();
        }
        let half = self.bit(bits - 1);
        let rest = self.any_below(bits - 1);
        let (words, b) = (bits / 32, bits % 32);
        let mut q = Big {
            limbs: self.limbs.get(words..).unwrap_or(&[]).to_vec(),
        };
        if b != 0 {
            let mut carry = 0u32;
            for l in q.limbs.iter_mut().rev() {
                let nl = (*l >> b) | carry;
                carry = *l << (32 - b);
                *l = nl;
            }
        }
        q.trim();
        if half && (rest || q.bit(0)) {
            q.add_small(1);
        }
        q
    }

    fn add(&mut self, o: &Big) {
        if self.limbs.len() < o.limbs.len() {
            self.limbs.resize(o.limbs.len(), 0);
        }
        let mut carry = 0u64;
        for (i, l) in self.limbs.iter_mut().enumerate() {
            let x = *l as u64 + o.limbs.get(i).copied().unwrap_or(0) as u64 + carry;
            *l = x as u32;
            carry = x >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// `self -= o`; requires `self >= o`.
    fn sub(&mut self, o: &Big) {
        let mut borrow = 0i64;
        for (i, l) in self.limbs.iter_mut().enumerate() {
            let x = *l as i64 - o.limbs.get(i).copied().unwrap_or(0) as i64 - borrow;
            if x < 0 {
                *l = (x + (1 << 32)) as u32;
                borrow = 1;
            } else {
                *l = x as u32;
                borrow = 0;
            }
        }
        self.trim();
    }

    fn cmp(&self, o: &Big) -> Ordering {
        self.limbs
            .len()
            .cmp(&o.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(o.limbs.iter().rev()))
    }

    /// `(self / d, self % d != 0)` by binary long division. Meant for short quotients (the
    /// caller scales so the quotient has ~66-68 bits); `d` must be non-zero.
    fn div_big(&self, d: &Big) -> (Big, bool) {
        let (na, nd) = (self.bit_len(), d.bit_len());
        if na < nd {
            return (Big::zero(), !self.is_zero());
        }
        let qbits = na - nd + 1;
        let mut r = self.clone();
        let mut dd = d.clone();
        dd.shl(qbits - 1);
        let mut q = Big::zero();
        q.limbs.resize(qbits.div_ceil(32), 0);
        for i in (0..qbits).rev() {
            if r.cmp(&dd) != Ordering::Less {
                r.sub(&dd);
                q.limbs[i / 32] |= 1 << (i % 32);
            }
            dd.shr1();
        }
        q.trim();
        (q, !r.is_zero())
    }

    /// Decimal digits (at least "0").
    fn to_decimal(&self) -> Vec<u8> {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            let mut rem = 0u64;
            for l in n.limbs.iter_mut().rev() {
                let x = (rem << 32) | *l as u64;
                *l = (x / 1_000_000_000) as u32;
                rem = x % 1_000_000_000;
            }
            n.trim();
            chunks.push(rem as u32);
        }
        let mut out = Vec::new();
        match chunks.pop() {
            None => out.push(b'0'),
            Some(top) => out.extend_from_slice(top.to_string().as_bytes()),
        }
        for c in chunks.iter().rev() {
            out.extend_from_slice(format!("{c:09}").as_bytes());
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Blocking-command timeouts (added for BLPOP & co; see src/blocking.rs)

/// `(long long) ceill(strtold(s) * 1000.0)` as Redis 7.0's `getTimeoutFromObjectOrReply`
/// computes a timeout in milliseconds: the product rounded to 80 bits, rounded up to an
/// integer, and a value outside `long long` (or infinite) converted to `LLONG_MIN` as x87 does.
/// `None` when `s` is not a valid float for `string2ld`.
pub fn timeout_ms(s: &[u8]) -> Option<i64> {
    let v = match parse(s)? {
        Num::Inf(_) => return Some(i64::MIN),
        Num::Finite(v) => v,
    };
    if v.mant == 0 {
        return Some(0);
    }
    let mut n = Big::from_u64(v.mant);
    n.mul_small(1000);
    let p = match round(v.neg, &n, v.exp, false) {
        Rounded::Exact(p) => p,
        Rounded::Overflow => return Some(i64::MIN),
        Rounded::Underflow => return Some(0),
    };
    let (int, frac) = if p.exp >= 0 {
        if p.exp >= 64 || (p.mant as u128) << p.exp > 1u128 << 63 {
            return Some(i64::MIN);
        }
        (((p.mant as u128) << p.exp) as u64, false)
    } else if p.exp <= -64 {
        (0, true)
    } else {
        let sh = (-p.exp) as u32;
        (p.mant >> sh, p.mant & ((1u64 << sh) - 1) != 0)
    };
    if p.neg {
        // ceil of a negative value truncates; -2^63 is LLONG_MIN itself.
        Some(0i64.wrapping_sub_unsigned(int))
    } else {
        let int = int + u64::from(frac);
        Some(i64::try_from(int).unwrap_or(i64::MIN))
    }
}
