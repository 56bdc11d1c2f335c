//! Sorted-set values (the data half of Redis's `t_zset.c`).
//!
//! Two encodings, as in Redis: a `listpack` (here a sorted `Vec` of (member, score)) for small
//! sets, and a `skiplist` beyond [`Limits`]: a [`SkipList`] with spans for order and rank, plus
//! a [`Dict`] member → score for O(1) score lookups. Sets only ever convert to skiplist on
//! insert; the store commands convert a finished result back when it fits
//! ([`ZSet::shrink_if_fits`]), as Redis does.
//!
//! Every query is expressed in ranks: a score or lex bound becomes "how many elements sort
//! before it" ([`ZSet::count_while`]), O(log N) on the skiplist, a binary search on the listpack.

#[path = "skiplist.rs"]
pub mod skiplist;

use super::dict::Dict;
use skiplist::SkipList;

/// Conversion thresholds (`zset-max-listpack-entries`, `zset-max-listpack-value`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    pub max_value: usize,
}

/// Redis 7.0's defaults.
pub const DEFAULT_LIMITS: Limits = Limits {
    max_entries: 128,
    max_value: 64,
};

/// A sorted-set value.
#[derive(Clone)]
pub struct ZSet {
    enc: Enc,
}

#[derive(Clone)]
enum Enc {
    /// Sorted by (score, member).
    Listpack(Vec<(Box<[u8]>, f64)>),
    Skiplist(Box<Big>),
}

#[derive(Clone)]
struct Big {
    dict: Dict<Box<[u8]>, f64>,
    list: SkipList,
}

impl Default for ZSet {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether (s1, m1) sorts before (s2, m2).
#[inline]
pub fn before(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

impl ZSet {
    /// An empty listpack-encoded set.
    pub fn new() -> Self {
        ZSet {
            enc: Enc::Listpack(Vec::new()),
        }
    }

    /// An empty skiplist-encoded set.
    pub fn new_skiplist() -> Self {
        ZSet {
            enc: Enc::Skiplist(Box::new(Big {
                dict: Dict::new(),
                list: SkipList::new(),
            })),
        }
    }

    /// The encoding Redis 7.0's ZADD picks for a new key whose first member is `first_len`
    /// bytes long.
    pub fn for_first_member(first_len: usize, limits: Limits) -> Self {
        if limits.max_entries == 0 || first_len > limits.max_value {
            Self::new_skiplist()
        } else {
            Self::new()
        }
    }

    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Listpack(v) => v.len(),
            Enc::Skiplist(b) => b.list.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match &self.enc {
            Enc::Listpack(_) => "listpack",
            Enc::Skiplist(_) => "skiplist",
        }
    }

    /// Calls `f` on every member and its score, in rank order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        self.iter(0, false).for_each(|(m, s)| f(m, s));
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.enc {
            Enc::Listpack(v) => v.iter().find(|(m, _)| &**m == member).map(|e| e.1),
            Enc::Skiplist(b) => b.dict.get(member).copied(),
        }
    }

    fn convert_to_skiplist(&mut self) {
        if let Enc::Listpack(v) = &mut self.enc {
            let mut big = Big {
                dict: Dict::new(),
                list: SkipList::new(),
            };
            big.dict.reserve(v.len());
            for (m, s) in v.drain(..) {
                big.dict.insert(m.clone(), s);
                big.list.insert(m, s);
            }
            self.enc = Enc::Skiplist(Box::new(big));
        }
    }

    /// Sets `member`'s score, adding it if absent (converting to skiplist past `limits`).
    /// Returns the previous score.
    pub fn set(&mut self, member: &[u8], score: f64, limits: Limits) -> Option<f64> {
        if let Enc::Listpack(v) = &mut self.enc {
            let old = v.iter().position(|(m, _)| &**m == member);
            if old.is_none() && (v.len() >= limits.max_entries || member.len() > limits.max_value) {
                self.convert_to_skiplist();
            }
        }
        match &mut self.enc {
            Enc::Listpack(v) => {
                // A listpack stores scores as text or integers: -0 reads back as 0.
                let score = if score == 0.0 { 0.0 } else { score };
                let old = v.iter().position(|(m, _)| &**m == member);
                let (m, prev) = match old {
                    Some(i) => {
                        let (m, s) = v.remove(i);
                        (m, Some(s))
                    }
                    None => (member.into(), None),
                };
                let at = v.partition_point(|(em, es)| before(*es, em, score, member));
                v.insert(at, (m, score));
                prev
            }
            Enc::Skiplist(b) => match b.dict.get_mut(member) {
                Some(s) => {
                    let prev = *s;
                    *s = score;
                    if prev != score || prev.is_sign_negative() != score.is_sign_negative() {
                        b.list.remove(member, prev);
                        b.list.insert(member.into(), score);
                    }
                    Some(prev)
                }
                None => {
                    b.dict.insert(member.into(), score);
                    b.list.insert(member.into(), score);
                    None
                }
            },
        }
    }

    /// Removes `member`; false when absent.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.enc {
            Enc::Listpack(v) => match v.iter().position(|(m, _)| &**m == member) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Enc::Skiplist(b) => match b.dict.remove(member) {
                Some((m, s)) => {
                    b.list.remove(&m, s);
                    true
                }
                None => false,
            },
        }
    }

    /// Number of leading elements (in rank order) for which `pred(score, member)` holds;
    /// `pred` must hold on a prefix.
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match &self.enc {
            Enc::Listpack(v) => v.partition_point(|(m, s)| pred(*s, m)),
            Enc::Skiplist(b) => b.list.count_while(pred),
        }
    }

    /// 0-based rank of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let s = self.score(member)?;
        Some(self.count_while(|es, em| before(es, em, s, member)))
    }

    /// The element at 0-based `rank`.
    pub fn get(&self, rank: usize) -> Option<(&[u8], f64)> {
        match &self.enc {
            Enc::Listpack(v) => v.get(rank).map(|(m, s)| (&**m, *s)),
            Enc::Skiplist(b) => b.list.get(rank),
        }
    }

    /// Elements from `rank` on, ascending (or descending towards rank 0 when `rev`).
    pub fn iter(&self, rank: usize, rev: bool) -> Iter<'_> {
        match &self.enc {
            Enc::Listpack(v) => {
                if rev {
                    let end = (rank + 1).min(v.len());
                    Iter::LpRev(v[..end].iter().rev())
                } else {
                    Iter::Lp(v.get(rank..).unwrap_or(&[]).iter())
                }
            }
            Enc::Skiplist(b) => Iter::Sl(b.list.iter_from(rank, rev)),
        }
    }

    /// Removes ranks `start..=end` (0-based, clamped); returns how many went.
    pub fn remove_ranks(&mut self, start: usize, end: usize) -> usize {
        let len = self.len();
        if start >= len || start > end {
            return 0;
        }
        let end = end.min(len - 1);
        match &mut self.enc {
            Enc::Listpack(v) => {
                v.drain(start..=end);
            }
            Enc::Skiplist(b) => {
                let Big { dict, list } = &mut **b;
                list.remove_ranks(start, end, |m| {
                    dict.remove(&m);
                });
            }
        }
        end - start + 1
    }

    /// Converts a skiplist back to a listpack when it is within `limits` (Redis's
    /// `zsetConvertToListpackIfNeeded`, for results of the store commands).
    pub fn shrink_if_fits(&mut self, limits: Limits) {
        if let Enc::Skiplist(b) = &self.enc {
            if b.list.len() > limits.max_entries {
                return;
            }
            let mut v: Vec<(Box<[u8]>, f64)> = Vec::with_capacity(b.list.len());
            for (m, s) in b.list.iter_from(0, false) {
                if m.len() > limits.max_value {
                    return;
                }
                v.push((m.into(), if s == 0.0 { 0.0 } else { s }));
            }
            self.enc = Enc::Listpack(v);
        }
    }

    /// One ZSCAN step: a listpack returns everything with cursor 0; a skiplist walks its dict's
    /// buckets with Redis's reverse-binary cursor. Returns the next cursor.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        match &self.enc {
            Enc::Listpack(v) => {
                v.iter().for_each(|(m, s)| f(m, *s));
                0
            }
            Enc::Skiplist(b) => b.dict.scan(cursor, |m, s| f(m, *s)),
        }
    }

    /// A set of distinct members (any order), encoded as a store command's result is: listpack
    /// when it fits `limits`, else skiplist.
    pub fn from_vec(mut v: Vec<(Box<[u8]>, f64)>, limits: Limits) -> Self {
        v.sort_unstable_by(|a, b| {
            a.1.partial_cmp(&b.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(&b.0))
        });
        if v.len() <= limits.max_entries && v.iter().all(|(m, _)| m.len() <= limits.max_value) {
            for e in v.iter_mut() {
                if e.1 == 0.0 {
                    e.1 = 0.0;
                }
            }
            return ZSet {
                enc: Enc::Listpack(v),
            };
        }
        let mut big = Big {
            dict: Dict::new(),
            list: SkipList::new(),
        };
        big.dict.reserve(v.len());
        for (m, s) in v {
            big.dict.insert(m.clone(), s);
            big.list.insert(m, s);
        }
        ZSet {
            enc: Enc::Skiplist(Box::new(big)),
        }
    }

    /// Whether this set is skiplist-encoded (the scan needs a COUNT loop then).
    pub fn is_skiplist(&self) -> bool {
        matches!(self.enc, Enc::Skiplist(_))
    }
}

/// Elements in rank order from some rank, either direction.
pub enum Iter<'a> {
    Lp(std::slice::Iter<'a, (Box<[u8]>, f64)>),
    LpRev(std::iter::Rev<std::slice::Iter<'a, (Box<[u8]>, f64)>>),
    Sl(skiplist::Iter<'a>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Lp(i) => i.next().map(|(m, s)| (&**m, *s)),
            Iter::LpRev(i) => i.next().map(|(m, s)| (&**m, *s)),
            Iter::Sl(i) => i.next(),
        }
    }
}

// DEBUG HTSTATS-KEY (src/commands/debug.rs).
impl ZSet {
    /// The skiplist encoding's dict `dictGetStats` text; `None` for a listpack.
    pub fn table_stats(&self) -> Option<String> {
        match &self.enc {
            Enc::Skiplist(b) => Some(b.dict.stats()),
            Enc::Listpack(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_encodings_agree() {
        let small = Limits {
            max_entries: 4,
            max_value: 8,
        };
        let mut a = ZSet::new();
        let mut b = ZSet::new_skiplist();
        for (i, m) in ["e", "a", "d", "c", "b", "f"].iter().enumerate() {
            let s = (i % 3) as f64;
            a.set(m.as_bytes(), s, DEFAULT_LIMITS);
            b.set(m.as_bytes(), s, small);
        }
        a.set(b"a", 5.0, DEFAULT_LIMITS);
        b.set(b"a", 5.0, small);
        let la: Vec<_> = a.iter(0, false).map(|(m, s)| (m.to_vec(), s)).collect();
        let lb: Vec<_> = b.iter(0, false).map(|(m, s)| (m.to_vec(), s)).collect();
        assert_eq!(la, lb);
        assert_eq!(a.encoding(), "listpack");
        assert_eq!(b.encoding(), "skiplist");
        assert_eq!(a.rank(b"a"), Some(5));
        assert_eq!(b.rank(b"d"), b.rank(b"d"));
        assert_eq!(a.remove_ranks(1, 2), b.remove_ranks(1, 2));
        assert_eq!(a.len(), 4);
        assert_eq!(b.score(b"a"), Some(5.0));
        b.shrink_if_fits(small);
        assert_eq!(b.encoding(), "listpack");
    }
}
