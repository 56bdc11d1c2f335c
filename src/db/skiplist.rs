//! The ordered half of a large sorted set: Redis's `zskiplist`, a skiplist ordered by
//! (score, member) whose links carry spans, so rank lookups and rank-to-element are O(log N).
//!
//! Nodes live in an arena (`Vec`) and link by `u32` index instead of pointers; freed slots are
//! reused. Node 0 is the header. Level `i` of a node links to the next node of height > `i`,
//! and its span is how many ranks that link skips (to the end for the last link).

const MAX_LEVEL: usize = 32;
const NIL: u32 = u32::MAX;
const HEAD: u32 = 0;

#[derive(Clone, Copy)]
struct Level {
    next: u32,
    span: u32,
}

#[derive(Clone)]
struct Node {
    member: Box<[u8]>,
    score: f64,
    back: u32,
    levels: Vec<Level>,
}

/// A skiplist of (member, score) pairs in (score, member) order.
#[derive(Clone)]
pub struct SkipList {
    nodes: Vec<Node>,
    free: Vec<u32>,
    level: usize,
    len: usize,
    tail: u32,
    seed: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether (s1, m1) sorts before (s2, m2).
#[inline]
fn before(s1: f64, m1: &[u8], s2: f64, m2: &[u8]) -> bool {
    s1 < s2 || (s1 == s2 && m1 < m2)
}

impl SkipList {
    pub fn new() -> Self {
        let head = Node {
            member: Box::default(),
            score: 0.0,
            back: NIL,
            levels: vec![Level { next: NIL, span: 0 }; MAX_LEVEL],
        };
        SkipList {
            nodes: vec![head],
            free: Vec::new(),
            level: 1,
            len: 0,
            tail: NIL,
            seed: 0x9E37_79B9_7F4A_7C15 ^ crate::util::now_us() as u64 | 1,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Height of a new node: each extra level with probability 1/4 (Redis's `ZSKIPLIST_P`).
    fn random_level(&mut self) -> usize {
        // xorshift64*
        let mut x = self.seed;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.seed = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        // Two random bits per level: all zero (p = 1/4) climbs one more.
        let lvl = 1 + (r.trailing_zeros() / 2) as usize;
        lvl.min(MAX_LEVEL)
    }

    #[inline]
    fn lv(&self, n: u32, i: usize) -> Level {
        self.nodes[n as usize].levels[i]
    }

    #[inline]
    fn lv_mut(&mut self, n: u32, i: usize) -> &mut Level {
        &mut self.nodes[n as usize].levels[i]
    }

    /// Inserts a member known to be absent.
    pub fn insert(&mut self, member: Box<[u8]>, score: f64) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut rank = [0u32; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            rank[i] = if i == self.level - 1 { 0 } else { rank[i + 1] };
            loop {
                let l = self.lv(x, i);
                if l.next == NIL {
                    break;
                }
                let n = &self.nodes[l.next as usize];
                if !before(n.score, &n.member, score, &member) {
                    break;
                }
                rank[i] += l.span;
                x = l.next;
            }
            update[i] = x;
        }
        let lvl = self.random_level();
        if lvl > self.level {
            for i in self.level..lvl {
                rank[i] = 0;
                update[i] = HEAD;
                self.lv_mut(HEAD, i).span = self.len as u32;
            }
            self.level = lvl;
        }
        let node = Node {
            member,
            score,
            back: if update[0] == HEAD { NIL } else { update[0] },
            levels: Vec::with_capacity(lvl),
        };
        let idx = match self.free.pop() {
            Some(i) => {
                self.nodes[i as usize] = node;
                i
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        for i in 0..lvl {
            let u = self.lv(update[i], i);
            let gap = rank[0] - rank[i];
            self.nodes[idx as usize].levels.push(Level {
                next: u.next,
                span: u.span - gap,
            });
            *self.lv_mut(update[i], i) = Level {
                next: idx,
                span: gap + 1,
            };
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(lvl) {
            self.lv_mut(u, i).span += 1;
        }
        let next = self.lv(idx, 0).next;
        if next != NIL {
            self.nodes[next as usize].back = idx;
        } else {
            self.tail = idx;
        }
        self.len += 1;
    }

    /// Unlinks node `x` given its predecessors at every level, returning its member.
    fn unlink(&mut self, x: u32, update: &[u32; MAX_LEVEL]) -> Box<[u8]> {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let ul = self.lv(u, i);
            if ul.next == x {
                let xl = if i < self.nodes[x as usize].levels.len() {
                    self.lv(x, i)
                } else {
                    Level { next: NIL, span: 0 }
                };
                *self.lv_mut(u, i) = Level {
                    next: xl.next,
                    span: ul.span + xl.span - 1,
                };
            } else {
                self.lv_mut(u, i).span -= 1;
            }
        }
        let next = self.lv(x, 0).next;
        let back = self.nodes[x as usize].back;
        if next != NIL {
            self.nodes[next as usize].back = back;
        } else {
            self.tail = back;
        }
        while self.level > 1 && self.lv(HEAD, self.level - 1).next == NIL {
            self.level -= 1;
        }
        self.len -= 1;
        let node = &mut self.nodes[x as usize];
        node.levels = Vec::new();
        self.free.push(x);
        std::mem::take(&mut node.member)
    }

    /// Removes (member, score); false when absent.
    pub fn remove(&mut self, member: &[u8], score: f64) -> bool {
        let mut update = [HEAD; MAX_LEVEL];
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.next == NIL {
                    break;
                }
                let n = &self.nodes[l.next as usize];
                if !before(n.score, &n.member, score, member) {
                    break;
                }
                x = l.next;
            }
            update[i] = x;
        }
        let x = self.lv(x, 0).next;
        if x != NIL {
            let n = &self.nodes[x as usize];
            if n.score == score && &*n.member == member {
                self.unlink(x, &update);
                return true;
            }
        }
        false
    }

    /// Number of leading elements for which `pred(score, member)` holds; `pred` must hold on a
    /// prefix of the order (a lower bound test).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut rank = 0usize;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.next == NIL {
                    break;
                }
                let n = &self.nodes[l.next as usize];
                if !pred(n.score, &n.member) {
                    break;
                }
                rank += l.span as usize;
                x = l.next;
            }
        }
        rank
    }

    /// The node at 0-based `rank`, or None past the end.
    fn node_at(&self, rank: usize) -> Option<u32> {
        if rank >= self.len {
            return None;
        }
        let want = rank + 1;
        let mut traversed = 0usize;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.next == NIL || traversed + l.span as usize > want {
                    break;
                }
                traversed += l.span as usize;
                x = l.next;
            }
            if traversed == want {
                return Some(x);
            }
        }
        None
    }

    /// The element at 0-based `rank`.
    pub fn get(&self, rank: usize) -> Option<(&[u8], f64)> {
        let n = &self.nodes[self.node_at(rank)? as usize];
        Some((&n.member, n.score))
    }

    /// Iterates from `rank` forward (or backward when `rev`).
    pub fn iter_from(&self, rank: usize, rev: bool) -> Iter<'_> {
        Iter {
            list: self,
            cur: self.node_at(rank).unwrap_or(NIL),
            rev,
        }
    }

    /// Removes ranks `start..=end` (0-based), calling `f` on each removed member.
    pub fn remove_ranks(&mut self, start: usize, end: usize, mut f: impl FnMut(Box<[u8]>)) {
        let mut update = [HEAD; MAX_LEVEL];
        let mut traversed = 0usize;
        let mut x = HEAD;
        for i in (0..self.level).rev() {
            loop {
                let l = self.lv(x, i);
                if l.next == NIL || traversed + l.span as usize > start {
                    break;
                }
                traversed += l.span as usize;
                x = l.next;
            }
            update[i] = x;
        }
        let mut x = self.lv(x, 0).next;
        let mut rank = start;
        while x != NIL && rank <= end {
            let next = self.lv(x, 0).next;
            f(self.unlink(x, &update));
            rank += 1;
            x = next;
        }
    }
}

/// Walks the list from a node, forward or backward.
pub struct Iter<'a> {
    list: &'a SkipList,
    cur: u32,
    rev: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a [u8], f64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.cur == NIL {
            return None;
        }
        let n = &self.list.nodes[self.cur as usize];
        self.cur = if self.rev { n.back } else { n.levels[0].next };
        Some((&n.member, n.score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_and_removal() {
        let mut l = SkipList::new();
        let mut model: Vec<(f64, Vec<u8>)> = Vec::new();
        let mut seed = 12345u64;
        for i in 0..2000u32 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let s = ((seed >> 33) % 100) as f64;
            let m = format!("m{i}").into_bytes();
            l.insert(m.clone().into(), s);
            model.push((s, m));
        }
        model.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap().then(a.1.cmp(&b.1)));
        for (r, (s, m)) in model.iter().enumerate() {
            assert_eq!(l.get(r), Some((&m[..], *s)));
            assert_eq!(l.count_while(|ns, nm| before(ns, nm, *s, m)), r);
        }
        assert!(l.remove(&model[10].1, model[10].0));
        model.remove(10);
        let mut removed = 0;
        l.remove_ranks(100, 499, |_| removed += 1);
        assert_eq!(removed, 400);
        model.drain(100..500);
        let got: Vec<_> = l
            .iter_from(0, false)
            .map(|(m, s)| (s, m.to_vec()))
            .collect();
        assert_eq!(got, model);
        let back: Vec<_> = l
            .iter_from(l.len() - 1, true)
            .map(|(m, s)| (s, m.to_vec()))
            .collect();
        assert_eq!(back.len(), model.len());
        assert_eq!(back.first(), model.last());
        for (r, (s, m)) in model.iter().enumerate() {
            assert_eq!(l.get(r), Some((&m[..], *s)));
        }
    }
}
