//! Hash values in Redis's two encodings (the API half of `t_hash.c`).
//!
//! - **listpack**: one exact-size flat buffer: a 4-byte pair count, then `field, value, field,
//!   value, ...`, each a varint length followed by its bytes, scanned linearly. Order is
//!   insertion order; an update rewrites the value in place; a delete closes the gap. Every
//!   change reallocates to the exact size (as Redis's listpack does), so a small hash costs one
//!   allocation with no spare capacity. Used while the hash has at most
//!   `hash-max-listpack-entries` fields and no field or value is longer than
//!   `hash-max-listpack-value` bytes.
//! - **hashtable**: the incremental-rehash [`Dict`], fields and values as [`SmallBytes`] (inline
//!   up to 15 bytes, so a short pair costs no allocation beyond its 36-byte dict slot).
//!   Exceeding either limit converts to it; a hash never converts back (as in Redis).
//!
//! A `Hash` is 16 bytes, so it fits in a keyspace [`Value`](super::Value) without a box.

use super::dict::{self, Dict};
use super::sbytes::SmallBytes;
use crate::util::Rng;

/// The conversion thresholds (`hash-max-listpack-entries`, `hash-max-listpack-value`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl Limits {
    /// Redis 7.0's defaults.
    pub const DEFAULT: Limits = Limits {
        max_entries: 512,
        max_value: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Redis converts rather than let a listpack grow past 1 GB (`LISTPACK_MAX_SAFETY_SIZE`).
const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

type Table = Dict<SmallBytes, SmallBytes>;

/// A hash value.
#[derive(Clone)]
pub struct Hash {
    enc: Enc,
}

#[derive(Clone)]
enum Enc {
    Listpack(Listpack),
    Table(Box<Table>),
}

impl Default for Hash {
    fn default() -> Self {
        Hash::new()
    }
}

impl Hash {
    /// An empty hash; new hashes start as listpacks.
    pub fn new() -> Self {
        Hash {
            enc: Enc::Listpack(Listpack::default()),
        }
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Listpack(_) => "listpack",
            Enc::Table(_) => "hashtable",
        }
    }

    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Listpack(lp) => lp.pairs(),
            Enc::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.enc {
            Enc::Listpack(lp) => lp.find(field).map(|p| lp.value_at(&p)),
            Enc::Table(t) => t.get(field).map(|v| &v[..]),
        }
    }

    /// Moves a resizing hash table up to `n` rehash steps on (nothing for a listpack).
    pub fn rehash_steps(&mut self, n: usize) {
        if let Enc::Table(t) = &mut self.enc
            && t.is_rehashing()
        {
            t.rehash_steps(n);
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        match &self.enc {
            Enc::Listpack(lp) => lp.find(field).is_some(),
            Enc::Table(t) => t.contains_key(field),
        }
    }

    /// Converts to the hashtable before a write of `items` (fields and values) if any of them
    /// is longer than the value limit or they could push the listpack past its safety size
    /// (Redis's `hashTypeTryConversion`).
    pub fn prepare_for<'a>(&mut self, items: impl Iterator<Item = &'a [u8]>, lim: Limits) {
        let Enc::Listpack(lp) = &self.enc else {
            return;
        };
        let mut sum = 0usize;
        for it in items {
            if it.len() > lim.max_value {
                self.convert();
                return;
            }
            sum = sum.saturating_add(it.len());
        }
        if lp.buf.len().saturating_add(sum) > LISTPACK_MAX_SAFETY_SIZE {
            self.convert();
        }
    }

    /// Sets `field` to `value`, converting to the hashtable when a limit is exceeded. Returns
    /// true when the field was added, false when an existing one was updated.
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: Limits) -> bool {
        if let Enc::Listpack(lp) = &self.enc
            && (field.len() > lim.max_value
                || value.len() > lim.max_value
                || lp.buf.len().saturating_add(field.len() + value.len())
                    > LISTPACK_MAX_SAFETY_SIZE)
        {
            self.convert();
        }
        match &mut self.enc {
            Enc::Listpack(lp) => {
                let added = lp.set(field, value);
                if lp.pairs() > lim.max_entries {
                    self.convert();
                }
                added
            }
            Enc::Table(t) => match t.entry(field) {
                dict::Entry::Occupied(mut o) => {
                    o.insert(value.into());
                    false
                }
                dict::Entry::Vacant(v) => {
                    v.insert(field.into(), value.into());
                    true
                }
            },
        }
    }

    /// Sets `field` only if it is absent; returns true when it was set. An existing field
    /// leaves the hash (and its encoding) untouched, as HSETNX does.
    pub fn set_if_absent(&mut self, field: &[u8], value: &[u8], lim: Limits) -> bool {
        if self.contains(field) {
            return false;
        }
        self.set(field, value, lim)
    }

    /// Removes `field`; returns true if it was present.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Listpack(lp) => lp.remove(field),
            Enc::Table(t) => t.remove(field).is_some(),
        }
    }

    /// All pairs in encoding order (insertion order for a listpack, table order otherwise).
    pub fn iter(&self) -> Iter<'_> {
        match &self.enc {
            Enc::Listpack(lp) => Iter::Listpack(lp.iter(), lp.pairs()),
            Enc::Table(t) => Iter::Table(t.iter()),
        }
    }

    /// One HSCAN step: a listpack returns every pair and cursor 0; the hashtable walks the
    /// dict's reverse-binary cursor (see [`Dict::scan`]).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        match &self.enc {
            Enc::Listpack(lp) => {
                lp.iter().for_each(|(k, v)| f(k, v));
                0
            }
            Enc::Table(t) => t.scan(cursor, |k, v| f(k, v)),
        }
    }

    /// One uniformly random pair, or None if empty.
    pub fn random_pair(&self, rng: &mut Rng) -> Option<(&[u8], &[u8])> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        match &self.enc {
            Enc::Listpack(lp) => lp.iter().nth(rng.below(n)),
            Enc::Table(t) => t.get_at(rng.below(n)).map(|(k, v)| (&k[..], &v[..])),
        }
    }

    /// Calls `f` with `count` uniformly random pairs, repetitions allowed (HRANDFIELD with a
    /// negative count). Does nothing on an empty hash.
    pub fn random_pairs(&self, rng: &mut Rng, count: u64, mut f: impl FnMut(&[u8], &[u8])) {
        match &self.enc {
            Enc::Listpack(lp) => {
                let all: Vec<(&[u8], &[u8])> = lp.iter().collect();
                if all.is_empty() {
                    return;
                }
                for _ in 0..count {
                    let (k, v) = all[rng.below(all.len())];
                    f(k, v);
                }
            }
            Enc::Table(t) => {
                if t.is_empty() {
                    return;
                }
                for _ in 0..count {
                    if let Some((k, v)) = t.get_at(rng.below(t.len())) {
                        f(k, v);
                    }
                }
            }
        }
    }

    /// Calls `f` with `count` distinct random pairs (`count` is capped at the size). A listpack
    /// yields them in its own order (as Redis's `lpRandomPairsUnique`); the table in random
    /// order.
    pub fn random_distinct_pairs(
        &self,
        rng: &mut Rng,
        count: usize,
        mut f: impl FnMut(&[u8], &[u8]),
    ) {
        let n = self.len();
        let count = count.min(n);
        match &self.enc {
            Enc::Listpack(lp) => {
                // Selection sampling (Knuth's algorithm S): keeps each pair with probability
                // needed / remaining, so every subset of size `count` is equally likely.
                let mut needed = count;
                for (i, (k, v)) in lp.iter().enumerate() {
                    if needed == 0 {
                        break;
                    }
                    if rng.below(n - i) < needed {
                        f(k, v);
                        needed -= 1;
                    }
                }
            }
            Enc::Table(t) if count.saturating_mul(3) <= n => {
                // Few picks from many: random positions, rejecting repeats.
                let mut picked = std::collections::HashSet::with_capacity(count);
                while picked.len() < count {
                    let p = rng.below(n);
                    if picked.insert(p)
                        && let Some((k, v)) = t.get_at(p)
                    {
                        f(k, v);
                    }
                }
            }
            Enc::Table(t) => {
                // Partial Fisher-Yates over the dict's dense positions.
                let mut pos: Vec<u32> = (0..n as u32).collect();
                for i in 0..count {
                    let j = i + rng.below(n - i);
                    pos.swap(i, j);
                    if let Some((k, v)) = t.get_at(pos[i] as usize) {
                        f(k, v);
                    }
                }
            }
        }
    }

    /// Switches a listpack to the hashtable encoding (no-op if already converted).
    fn convert(&mut self) {
        if let Enc::Listpack(lp) = &self.enc {
            let mut t = Table::new();
            t.reserve(lp.pairs());
            for (k, v) in lp.iter() {
                t.insert(k.into(), v.into());
            }
            self.enc = Enc::Table(Box::new(t));
        }
    }
}

/// Iterator over a hash's pairs in encoding order.
pub enum Iter<'a> {
    /// The listpack iterator plus the number of pairs left (for `size_hint`).
    Listpack(LpIter<'a>, usize),
    Table(dict::Iter<'a, SmallBytes, SmallBytes>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Listpack(it, left) => {
                let p = it.next()?;
                *left = left.saturating_sub(1);
                Some(p)
            }
            Iter::Table(it) => it.next().map(|(k, v)| (&k[..], &v[..])),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Listpack(_, left) => (*left, Some(*left)),
            Iter::Table(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The flat listpack buffer: a little-endian `u32` pair count, then `[len varint][bytes]` per
/// element, fields and values alternating. Empty (no allocation) when there are no pairs.
#[derive(Clone, Default)]
struct Listpack {
    buf: Box<[u8]>,
}

/// Bytes of the pair-count header.
const LP_HDR: usize = 4;

/// Where one pair sits in the buffer (offsets into the whole buffer).
struct PairPos {
    /// Offset of the field's length prefix (start of the pair).
    start: usize,
    /// Offset of the value's length prefix.
    value_hdr: usize,
    /// Offset of the value's first byte.
    value_start: usize,
    /// Offset just past the value (end of the pair).
    end: usize,
}

/// Appends `len` as a LEB128 varint.
fn push_varint(out: &mut Vec<u8>, mut len: usize) {
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
}

/// Bytes of `len`'s varint.
fn varint_len(len: usize) -> usize {
    (usize::BITS - (len | 1).leading_zeros()).div_ceil(7) as usize
}

/// Reads the element at `pos`: returns (offset of its bytes, offset past its end).
fn read_elem(buf: &[u8], mut pos: usize) -> Option<(usize, usize)> {
    let mut len = 0usize;
    let mut shift = 0u32;
    loop {
        let b = *buf.get(pos)?;
        pos += 1;
        len |= ((b & 0x7f) as usize).checked_shl(shift)?;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let end = pos.checked_add(len)?;
    (end <= buf.len()).then_some((pos, end))
}

impl Listpack {
    fn pairs(&self) -> usize {
        match self.buf.first_chunk::<LP_HDR>() {
            Some(h) => u32::from_le_bytes(*h) as usize,
            None => 0,
        }
    }

    fn iter(&self) -> LpIter<'_> {
        LpIter {
            buf: &self.buf,
            pos: LP_HDR,
        }
    }

    /// Linear scan for `field`.
    fn find(&self, field: &[u8]) -> Option<PairPos> {
        let buf = &self.buf[..];
        let mut pos = LP_HDR;
        while pos < buf.len() {
            let (fs, fe) = read_elem(buf, pos)?;
            let (vs, ve) = read_elem(buf, fe)?;
            if buf.get(fs..fe) == Some(field) {
                return Some(PairPos {
                    start: pos,
                    value_hdr: fe,
                    value_start: vs,
                    end: ve,
                });
            }
            pos = ve;
        }
        None
    }

    fn value_at(&self, p: &PairPos) -> &[u8] {
        self.buf.get(p.value_start..p.end).unwrap_or(&[])
    }

    /// Rebuilds the buffer at its exact new size: keeps `..cut.0`, inserts what `fill` writes,
    /// keeps `cut.1..`, and adds `delta` to the pair count. Empty when no pairs remain.
    fn rebuild(
        &mut self,
        cut: (usize, usize),
        extra: usize,
        delta: isize,
        fill: impl FnOnce(&mut Vec<u8>),
    ) {
        let pairs = self.pairs().saturating_add_signed(delta);
        if pairs == 0 {
            self.buf = Box::default();
            return;
        }
        let old = std::mem::take(&mut self.buf);
        let (head, tail) = match old.get(..cut.0).zip(old.get(cut.1..)) {
            Some(ht) if cut.0 >= LP_HDR => ht,
            _ => (&[0u8; LP_HDR][..], &[][..]),
        };
        let mut v = Vec::with_capacity(head.len() + extra + tail.len());
        v.extend_from_slice(&(pairs as u32).to_le_bytes());
        v.extend_from_slice(&head[LP_HDR..]);
        fill(&mut v);
        v.extend_from_slice(tail);
        self.buf = v.into_boxed_slice();
    }

    /// Updates in place or appends; returns true when appended.
    fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        let vlen = varint_len(value.len()) + value.len();
        match self.find(field) {
            Some(p) if p.end - p.value_hdr == vlen => {
                // Same encoded size: overwrite the value bytes where they are.
                if let Some(dst) = self.buf.get_mut(p.value_start..p.end) {
                    dst.copy_from_slice(value);
                }
                false
            }
            Some(p) => {
                self.rebuild((p.value_hdr, p.end), vlen, 0, |v| {
                    push_varint(v, value.len());
                    v.extend_from_slice(value);
                });
                false
            }
            None => {
                let end = self.buf.len().max(LP_HDR);
                let extra = varint_len(field.len()) + field.len() + vlen;
                self.rebuild((end, end), extra, 1, |v| {
                    push_varint(v, field.len());
                    v.extend_from_slice(field);
                    push_varint(v, value.len());
                    v.extend_from_slice(value);
                });
                true
            }
        }
    }

    fn remove(&mut self, field: &[u8]) -> bool {
        match self.find(field) {
            Some(p) => {
                self.rebuild((p.start, p.end), 0, -1, |_| {});
                true
            }
            None => false,
        }
    }
}

/// Iterator over a listpack's pairs in order.
pub struct LpIter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for LpIter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (fs, fe) = read_elem(self.buf, self.pos)?;
        let (vs, ve) = read_elem(self.buf, fe)?;
        self.pos = ve;
        Some((self.buf.get(fs..fe)?, self.buf.get(vs..ve)?))
    }
}

// DEBUG HTSTATS-KEY (src/commands/debug.rs).
impl Hash {
    /// The hash table's `dictGetStats` text; `None` for a listpack.
    pub fn table_stats(&self) -> Option<String> {
        match &self.enc {
            Enc::Table(t) => Some(t.stats()),
            Enc::Listpack(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        max_entries: 4,
        max_value: 8,
    };

    fn pairs(h: &Hash) -> Vec<(Vec<u8>, Vec<u8>)> {
        h.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
    }

    fn p(k: &str, v: &str) -> (Vec<u8>, Vec<u8>) {
        (k.as_bytes().to_vec(), v.as_bytes().to_vec())
    }

    #[test]
    fn listpack_keeps_insertion_order_and_updates_in_place() {
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", SMALL));
        assert!(h.set(b"b", b"2", SMALL));
        assert!(h.set(b"c", b"3", SMALL));
        assert!(!h.set(b"b", b"two", SMALL));
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.len(), 3);
        assert_eq!(pairs(&h), vec![p("a", "1"), p("b", "two"), p("c", "3")]);
        assert_eq!(h.get(b"b"), Some(&b"two"[..]));
        assert_eq!(h.get(b"z"), None);
        // Shrinking a value in place too.
        assert!(!h.set(b"b", b"", SMALL));
        assert_eq!(pairs(&h), vec![p("a", "1"), p("b", ""), p("c", "3")]);
    }

    #[test]
    fn listpack_delete_keeps_order_of_rest() {
        let mut h = Hash::new();
        for (k, v) in [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")] {
            h.set(k.as_bytes(), v.as_bytes(), SMALL);
        }
        assert!(h.remove(b"b"));
        assert!(!h.remove(b"b"));
        assert_eq!(pairs(&h), vec![p("a", "1"), p("c", "3"), p("d", "4")]);
        assert!(h.set(b"b", b"5", SMALL));
        assert_eq!(pairs(&h).last(), Some(&p("b", "5")));
        for k in [b"a", b"b", b"c", b"d"] {
            assert!(h.remove(k));
        }
        assert!(h.is_empty());
        assert_eq!(h.iter().count(), 0);
        assert_eq!(h.encoding(), "listpack");
    }

    #[test]
    fn binary_and_long_elements() {
        let lim = Limits {
            max_entries: 512,
            max_value: 100_000,
        };
        let mut h = Hash::new();
        let big = vec![b'x'; 70_000]; // a 3-byte varint length
        h.set(b"", b"", lim);
        h.set(b"a\0b", b"\0", lim);
        h.set(&big, &big[..200], lim);
        h.set(b"z", &big, lim);
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.get(b""), Some(&b""[..]));
        assert_eq!(h.get(b"a\0b"), Some(&b"\0"[..]));
        assert_eq!(h.get(&big), Some(&big[..200]));
        assert_eq!(h.get(b"z").map(|v| v.len()), Some(70_000));
        h.set(&big, b"small", lim);
        assert_eq!(h.get(b"z").map(|v| v.len()), Some(70_000));
        assert_eq!(h.get(&big), Some(&b"small"[..]));
        assert_eq!(h.len(), 4);
    }

    #[test]
    fn converts_on_entry_count() {
        let mut h = Hash::new();
        for k in [b"a", b"b", b"c", b"d"] {
            h.set(k, b"v", SMALL);
        }
        assert_eq!(h.encoding(), "listpack");
        assert!(!h.set(b"d", b"w", SMALL));
        assert_eq!(h.encoding(), "listpack");
        assert!(h.set(b"e", b"v", SMALL));
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"d"), Some(&b"w"[..]));
        // Never converts back.
        for k in [b"a", b"b", b"c", b"d"] {
            assert!(h.remove(k));
        }
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(pairs(&h), vec![p("e", "v")]);
    }

    #[test]
    fn converts_on_value_or_field_length() {
        let mut h = Hash::new();
        h.set(b"f", b"12345678", SMALL);
        h.set(b"12345678", b"x", SMALL);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"f", b"123456789", SMALL);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"f"), Some(&b"123456789"[..]));
        assert_eq!(h.get(b"12345678"), Some(&b"x"[..]));

        let mut h = Hash::new();
        h.set(b"123456789", b"x", SMALL);
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn zero_limits() {
        let mut h = Hash::new();
        h.set(
            b"a",
            b"1",
            Limits {
                max_entries: 0,
                max_value: 64,
            },
        );
        assert_eq!(h.encoding(), "hashtable");
        let lim = Limits {
            max_entries: 4,
            max_value: 0,
        };
        let mut h = Hash::new();
        h.set(b"", b"", lim);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"a", b"", lim);
        assert_eq!(h.encoding(), "hashtable");
    }

    #[test]
    fn prepare_for_and_set_if_absent() {
        let mut h = Hash::new();
        h.set(b"a", b"1", SMALL);
        h.prepare_for([&b"b"[..], b"12345678"].into_iter(), SMALL);
        assert_eq!(h.encoding(), "listpack");
        // An existing field with a too-long value: nothing set, no conversion (as HSETNX).
        assert!(!h.set_if_absent(b"a", b"123456789", SMALL));
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.get(b"a"), Some(&b"1"[..]));
        assert!(h.set_if_absent(b"b", b"123456789", SMALL));
        assert_eq!(h.encoding(), "hashtable");
        assert!(!h.set_if_absent(b"b", b"2", SMALL));

        let mut h = Hash::new();
        h.prepare_for([&b"b"[..], b"123456789"].into_iter(), SMALL);
        assert_eq!(h.encoding(), "hashtable");
        assert!(h.is_empty());
    }

    #[test]
    fn random_selection() {
        let mut rng = Rng::from_entropy();
        let mut h = Hash::new();
        assert!(h.random_pair(&mut rng).is_none());
        let mut n = 0;
        h.random_pairs(&mut rng, 5, |_, _| n += 1);
        assert_eq!(n, 0);
        for i in 0..10u8 {
            h.set(&[b'a' + i], &[b'0' + i], Limits::DEFAULT);
        }
        for table in [false, true] {
            if table {
                h.convert();
                assert_eq!(h.encoding(), "hashtable");
            }
            let (k, v) = h.random_pair(&mut rng).unwrap();
            assert_eq!(h.get(k), Some(v));
            let mut got = Vec::new();
            h.random_pairs(&mut rng, 25, |k, v| got.push((k.to_vec(), v.to_vec())));
            assert_eq!(got.len(), 25);
            assert!(got.iter().all(|(k, v)| h.get(k) == Some(&v[..])));
            for count in [0, 1, 5, 9, 10, 20] {
                let mut got: Vec<Vec<u8>> = Vec::new();
                h.random_distinct_pairs(&mut rng, count, |k, v| {
                    assert_eq!(v[0] - b'0', k[0] - b'a');
                    got.push(k.to_vec());
                });
                assert_eq!(got.len(), count.min(10));
                if !table {
                    // Listpack picks come out in listpack order.
                    assert!(got.windows(2).all(|w| w[0] < w[1]));
                }
                got.sort();
                got.dedup();
                assert_eq!(got.len(), count.min(10));
            }
        }
    }

    #[test]
    fn compact_layout_and_updates() {
        assert_eq!(size_of::<Hash>(), 16);
        let mut h = Hash::new();
        h.set(b"f", b"abc", SMALL);
        h.set(b"g", b"1", SMALL);
        // Same size (in place), longer, shorter, empty.
        for v in [&b"xyz"[..], b"12345678", b"", b"q"] {
            assert!(!h.set(b"f", v, SMALL));
            assert_eq!(pairs(&h), vec![(b"f".to_vec(), v.to_vec()), p("g", "1")]);
        }
        let Enc::Listpack(lp) = &h.enc else {
            panic!("listpack expected")
        };
        // Header + "f" "q" "g" "1", exactly.
        assert_eq!(lp.buf.len(), LP_HDR + 8);
        assert!(h.remove(b"f") && h.remove(b"g"));
        let Enc::Listpack(lp) = &h.enc else {
            panic!("listpack expected")
        };
        assert!(lp.buf.is_empty());
        assert_eq!(h.scan(0, |_, _| panic!("empty")), 0);
    }

    #[test]
    fn table_scan_and_random() {
        let mut h = Hash::new();
        for i in 0..1000 {
            h.set(
                format!("field:{i}").as_bytes(),
                format!("{i}").as_bytes(),
                Limits::DEFAULT,
            );
        }
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.iter().len(), 1000);
        let mut seen = std::collections::HashMap::new();
        let mut cursor = 0;
        loop {
            cursor = h.scan(cursor, |k, v| {
                seen.insert(k.to_vec(), v.to_vec());
            });
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 1000);
        assert!(seen.iter().all(|(k, v)| h.get(k) == Some(&v[..])));
        let mut rng = Rng::from_entropy();
        for count in [1, 10, 333, 334, 999, 1000, 5000] {
            let mut got = Vec::new();
            h.random_distinct_pairs(&mut rng, count, |k, v| {
                assert_eq!(h.get(k), Some(v));
                got.push(k.to_vec());
            });
            got.sort();
            got.dedup();
            assert_eq!(got.len(), count.min(1000));
        }
    }

    #[test]
    fn varint_roundtrip() {
        for len in [0usize, 1, 127, 128, 300, 16_383, 16_384, 1 << 21] {
            let mut b = Vec::new();
            push_varint(&mut b, len);
            b.resize(b.len() + len, 7);
            assert_eq!(read_elem(&b, 0).map(|(s, e)| e - s), Some(len));
        }
        for len in [0usize, 1, 127, 128, 16_383, 16_384, 1 << 21, usize::MAX] {
            let mut b = Vec::new();
            push_varint(&mut b, len);
            assert_eq!(varint_len(len), b.len());
        }
        assert_eq!(read_elem(&[0x80], 0), None);
        assert_eq!(read_elem(&[5, 1], 0), None);
    }
}
