//! Set values (the data half of Redis's `t_set.c`), with Redis 7.0's two encodings:
//!
//! - `intset`: a sorted array of integers stored at the smallest width (16, 32 or 64 bits) that
//!   holds every member, widened when a larger member arrives and never narrowed (Redis's
//!   `intset.c`). Members are the canonical decimal forms of i64s (`string2ll`: no `+`, no
//!   leading zeros, no `-0`).
//! - `hashtable`: a [`Dict`] of members, used once a member is not an integer or the set holds
//!   more than `set-max-intset-entries` members. A set never converts back.
//!
//! The conversion threshold is a parameter of the mutating calls, so the caller decides where it
//! comes from (the config).

use super::dict::{self, Dict};
use crate::resp::reply::fmt_int;
use crate::util::{Rng, parse_i64};

/// The hashtable encoding: members as keys, no values.
pub type Table = Dict<Box<[u8]>, ()>;

/// A set value.
#[derive(Clone)]
pub enum Set {
    Ints(IntSet),
    Table(Table),
}

impl Default for Set {
    fn default() -> Self {
        Set::new()
    }
}

/// One member as a set stores it: an integer of an intset or the bytes of a hashtable member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member<'a> {
    Int(i64),
    Bytes(&'a [u8]),
}

impl<'a> Member<'a> {
    /// The member's bytes, formatting an integer into `tmp`.
    pub fn as_bytes<'t>(&self, tmp: &'t mut [u8; 20]) -> &'t [u8]
    where
        'a: 't,
    {
        match *self {
            Member::Int(v) => fmt_int(v, tmp),
            Member::Bytes(b) => b,
        }
    }
}

/// A member removed from a set (SPOP).
#[derive(Debug, PartialEq, Eq)]
pub enum Popped {
    Int(i64),
    Bytes(Box<[u8]>),
}

impl Popped {
    pub fn as_member(&self) -> Member<'_> {
        match self {
            Popped::Int(v) => Member::Int(*v),
            Popped::Bytes(b) => Member::Bytes(b),
        }
    }
}

impl Set {
    /// An empty intset (Redis's `createIntsetObject`, the start of every SxxxSTORE result).
    pub fn new() -> Self {
        Set::Ints(IntSet::default())
    }

    /// An empty set in the encoding Redis's `setTypeCreate` picks for a set whose first member
    /// is `first`: intset for an integer, hashtable otherwise.
    pub fn for_first(first: &[u8]) -> Self {
        if parse_i64(first).is_some() {
            Set::new()
        } else {
            Set::Table(Table::new())
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Set::Ints(s) => s.len(),
            Set::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Ints(_) => "intset",
            Set::Table(_) => "hashtable",
        }
    }

    /// Moves a resizing hash table up to `n` rehash steps on (nothing for the compact
    /// encodings).
    pub fn rehash_steps(&mut self, n: usize) {
        if let Set::Table(t) = self
            && t.is_rehashing()
        {
            t.rehash_steps(n);
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Ints(s) => parse_i64(m).is_some_and(|v| s.contains(v)),
            Set::Table(t) => t.contains_key(m),
        }
    }

    /// Membership of a member taken from another set (no formatting for intset to intset).
    pub fn contains_member(&self, m: Member<'_>) -> bool {
        match (self, m) {
            (Set::Ints(s), Member::Int(v)) => s.contains(v),
            (_, m) => {
                let mut tmp = [0u8; 20];
                self.contains(m.as_bytes(&mut tmp))
            }
        }
    }

    /// Adds `m`; returns true if it was not there. An intset turns into a hashtable for a
    /// non-integer member, or once it holds more than `max_intset` members.
    pub fn add(&mut self, m: &[u8], max_intset: usize) -> bool {
        match self {
            Set::Ints(s) => match parse_i64(m) {
                Some(v) => {
                    let added = s.insert(v);
                    if added && s.len() > max_intset {
                        self.convert();
                    }
                    added
                }
                None => {
                    self.convert();
                    self.add(m, max_intset)
                }
            },
            Set::Table(t) => match t.entry(m) {
                dict::Entry::Occupied(_) => false,
                dict::Entry::Vacant(v) => {
                    v.insert(m.into(), ());
                    true
                }
            },
        }
    }

    /// [`Set::add`] for a member taken from another set.
    pub fn add_member(&mut self, m: Member<'_>, max_intset: usize) -> bool {
        match (&mut *self, m) {
            (Set::Ints(s), Member::Int(v)) => {
                let added = s.insert(v);
                if added && s.len() > max_intset {
                    self.convert();
                }
                added
            }
            (_, m) => {
                let mut tmp = [0u8; 20];
                self.add(m.as_bytes(&mut tmp), max_intset)
            }
        }
    }

    /// Removes `m`; returns true if it was there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Ints(s) => parse_i64(m).is_some_and(|v| s.remove(v)),
            Set::Table(t) => t.remove(m).is_some(),
        }
    }

    /// [`Set::remove`] for a member taken from another set.
    pub fn remove_member(&mut self, m: Member<'_>) -> bool {
        match (&mut *self, m) {
            (Set::Ints(s), Member::Int(v)) => s.remove(v),
            (_, m) => {
                let mut tmp = [0u8; 20];
                self.remove(m.as_bytes(&mut tmp))
            }
        }
    }

    /// Switches an intset to the hashtable encoding (Redis's `setTypeConvert`).
    pub fn convert(&mut self) {
        if let Set::Ints(s) = self {
            let mut t = Table::new();
            t.reserve(s.len() + 1);
            let mut tmp = [0u8; 20];
            for v in s.iter() {
                t.insert(fmt_int(v, &mut tmp).into(), ());
            }
            *self = Set::Table(t);
        }
    }

    /// Calls `f` on every member in the encoding's order (ascending for an intset).
    pub fn each<'a>(&'a self, mut f: impl FnMut(Member<'a>)) {
        match self {
            Set::Ints(s) => s.iter().for_each(|v| f(Member::Int(v))),
            Set::Table(t) => t.iter().for_each(|(k, _)| f(Member::Bytes(k))),
        }
    }

    /// Calls `f` on every member's bytes (in the encoding's order).
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        let mut tmp = [0u8; 20];
        self.each(|m| f(m.as_bytes(&mut tmp)));
    }

    /// Keeps only the members for which `keep` returns true (order is kept for an intset).
    pub fn retain(&mut self, mut keep: impl FnMut(Member<'_>) -> bool) {
        match self {
            Set::Ints(s) => s.retain(|v| keep(Member::Int(v))),
            Set::Table(t) => t.retain(|k, _| keep(Member::Bytes(k))),
        }
    }

    /// The member at position `i` in `0..len()` (positions change on every write).
    pub fn get_at(&self, i: usize) -> Option<Member<'_>> {
        match self {
            Set::Ints(s) => s.get(i).map(Member::Int),
            Set::Table(t) => t.get_at(i).map(|(k, _)| Member::Bytes(k)),
        }
    }

    /// A uniformly random member.
    pub fn random(&self, rng: &mut Rng) -> Option<Member<'_>> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        self.get_at(rng.below(n))
    }

    /// Removes and returns a uniformly random member.
    pub fn pop_random(&mut self, rng: &mut Rng) -> Option<Popped> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let i = rng.below(n);
        match self {
            Set::Ints(s) => {
                let v = s.get(i)?;
                s.remove(v);
                Some(Popped::Int(v))
            }
            Set::Table(t) => {
                let key: Box<[u8]> = t.get_at(i)?.0.clone();
                t.remove(&key);
                Some(Popped::Bytes(key))
            }
        }
    }

    /// Calls `f` on `count` distinct random members (all of them, in random order, if `count`
    /// is at least the size): rejection sampling when few are wanted, else a partial
    /// Fisher-Yates shuffle of positions.
    pub fn random_distinct<'a>(
        &'a self,
        rng: &mut Rng,
        count: usize,
        mut f: impl FnMut(Member<'a>),
    ) {
        let n = self.len();
        let count = count.min(n);
        if count.saturating_mul(3) <= n {
            // Few of many: draw positions until `count` distinct ones came up (as Redis's
            // SRANDMEMBER case 4), without a table the size of the set.
            let mut picked = std::collections::HashSet::with_capacity(count);
            while picked.len() < count {
                let i = rng.below(n);
                if picked.insert(i)
                    && let Some(m) = self.get_at(i)
                {
                    f(m);
                }
            }
            return;
        }
        let mut pos: Vec<u32> = (0..n as u32).collect();
        for i in 0..count {
            let j = i + rng.below(n - i);
            pos.swap(i, j);
            if let Some(m) = self.get_at(pos[i] as usize) {
                f(m);
            }
        }
    }

    /// One SSCAN step: an intset yields every member and cursor 0 (Redis scans only hashtables
    /// incrementally); a hashtable visits the bucket(s) `cursor` names and returns the next
    /// cursor (0 at the end), see [`Dict::scan`].
    pub fn scan<'a>(&'a self, cursor: u64, mut f: impl FnMut(Member<'a>)) -> u64 {
        match self {
            Set::Ints(_) => {
                self.each(f);
                0
            }
            // The dict lends keys to its callback only for the call; look each up again to get
            // it for the set's lifetime.
            Set::Table(t) => t.scan(cursor, |k, _| {
                if let Some((k, _)) = t.get_key_value(k) {
                    f(Member::Bytes(k));
                }
            }),
        }
    }

    /// True if every member is an integer (a rebuilt copy would be an intset if small enough).
    pub fn all_ints(&self) -> bool {
        match self {
            Set::Ints(_) => true,
            Set::Table(t) => t.iter().all(|(k, _)| parse_i64(k).is_some()),
        }
    }
}

/// The `intset` encoding: distinct integers in ascending order at the narrowest width holding
/// them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntSet {
    W16(Vec<i16>),
    W32(Vec<i32>),
    W64(Vec<i64>),
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet::W16(Vec::new())
    }
}

/// Runs `$body` with `$v` bound to the vector of whichever width `$s` has (`i64::from` is a
/// no-op on the 64-bit arm, hence the lint allowance).
macro_rules! with_vec {
    ($s:expr, $v:ident => $body:expr) => {
        #[allow(clippy::useless_conversion)]
        match $s {
            IntSet::W16($v) => $body,
            IntSet::W32($v) => $body,
            IntSet::W64($v) => $body,
        }
    };
}

/// Bytes per member needed to hold `v` (Redis's `_intsetValueEncoding`).
fn width_of(v: i64) -> u8 {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

fn insert_sorted<T: Ord + Copy>(v: &mut Vec<T>, x: T) -> bool {
    match v.binary_search(&x) {
        Ok(_) => false,
        Err(i) => {
            v.insert(i, x);
            true
        }
    }
}

impl IntSet {
    pub fn len(&self) -> usize {
        with_vec!(self, v => v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes per member (2, 4 or 8), as Redis's intset `encoding` field.
    pub fn width(&self) -> u8 {
        match self {
            IntSet::W16(_) => 2,
            IntSet::W32(_) => 4,
            IntSet::W64(_) => 8,
        }
    }

    fn find(&self, x: i64) -> Result<usize, usize> {
        with_vec!(self, v => v.binary_search_by(|e| i64::from(*e).cmp(&x)))
    }

    pub fn contains(&self, x: i64) -> bool {
        width_of(x) <= self.width() && self.find(x).is_ok()
    }

    pub fn get(&self, i: usize) -> Option<i64> {
        with_vec!(self, v => v.get(i).map(|e| i64::from(*e)))
    }

    /// Inserts `x` in order, widening every member first if `x` needs more bytes. Returns true
    /// if it was not there.
    pub fn insert(&mut self, x: i64) -> bool {
        let need = width_of(x);
        if need > self.width() {
            let wide: Vec<i64> = self.iter().collect();
            *self = if need == 4 {
                IntSet::W32(wide.into_iter().map(|e| e as i32).collect())
            } else {
                IntSet::W64(wide)
            };
        }
        // `x` fits the (possibly widened) width, so the casts below are exact.
        match self {
            IntSet::W16(v) => insert_sorted(v, x as i16),
            IntSet::W32(v) => insert_sorted(v, x as i32),
            IntSet::W64(v) => insert_sorted(v, x),
        }
    }

    /// Removes `x`; returns true if it was there. The width never shrinks (as Redis's).
    pub fn remove(&mut self, x: i64) -> bool {
        if width_of(x) > self.width() {
            return false;
        }
        match self.find(x) {
            Ok(i) => {
                with_vec!(self, v => {
                    v.remove(i);
                });
                true
            }
            Err(_) => false,
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(i64) -> bool) {
        with_vec!(self, v => v.retain(|e| keep(i64::from(*e))))
    }

    /// Members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let n = self.len();
        (0..n).filter_map(move |i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intset_widths_and_order() {
        let mut s = IntSet::default();
        assert!(s.insert(5));
        assert!(s.insert(-3));
        assert!(!s.insert(5));
        assert_eq!(s.width(), 2);
        assert!(s.insert(70000));
        assert_eq!(s.width(), 4);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.width(), 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![i64::MIN, -3, 5, 70000]);
        assert!(s.remove(i64::MIN));
        assert_eq!(s.width(), 8);
        assert!(!s.contains(i64::MIN));
        assert!(s.contains(70000));
        let mut s16 = IntSet::default();
        s16.insert(1);
        assert!(!s16.contains(1 << 40));
        assert!(!s16.remove(1 << 40));
    }

    #[test]
    fn conversions() {
        let mut s = Set::for_first(b"1");
        assert_eq!(s.encoding(), "intset");
        for m in [&b"1"[..], b"-0", b"01", b"9223372036854775808"] {
            assert_eq!(
                Set::for_first(m).encoding(),
                if m == b"1" { "intset" } else { "hashtable" }
            );
        }
        s.add(b"1", 3);
        s.add(b"2", 3);
        s.add(b"3", 3);
        assert_eq!(s.encoding(), "intset");
        s.add(b"4", 3);
        assert_eq!(s.encoding(), "hashtable");
        assert!(s.contains(b"4"));
        let mut t = Set::new();
        t.add(b"7", 512);
        t.add(b"x", 512);
        assert_eq!(t.encoding(), "hashtable");
        assert_eq!(t.len(), 2);
        assert!(t.remove(b"7"));
        assert!(!t.remove(b"7"));
    }

    #[test]
    fn pop_and_random() {
        let mut rng = Rng::from_entropy();
        let mut s = Set::new();
        for i in 0..100 {
            s.add(i.to_string().as_bytes(), 512);
        }
        let mut seen = Vec::new();
        s.random_distinct(&mut rng, 10, |m| {
            seen.push(m.as_bytes(&mut [0; 20]).to_vec())
        });
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 10);
        let mut n = 0;
        while s.pop_random(&mut rng).is_some() {
            n += 1;
        }
        assert_eq!(n, 100);
        assert!(s.is_empty());
    }
}
