//! List values (the data half of Redis's `t_list.c` and `quicklist.c`).
//!
//! A list is a deque of compact nodes. Each node is one flat buffer of entries, laid out as
//! `[header varint][payload][header back-varint]` so it can be walked from either end (as a
//! listpack can). Canonical integers are stored in binary in 1 to 8 bytes, other elements as
//! their bytes. Node size is bounded by `list-max-listpack-size` semantics: a negative fill caps a
//! node's bytes (-1..-5 → 4k..64k), a positive fill caps its entry count (and 8k bytes).
//! Pushes and pops at either end touch only the end nodes: O(1) amortized. The head node keeps
//! free room before its first entry so front pushes do not shift the node's bytes.
//!
//! `list-compress-depth` is accepted but not applied: nodes are never compressed.

use std::collections::VecDeque;

/// Redis's default `list-max-listpack-size`.
pub const DEFAULT_FILL: i64 = -2;
/// Redis's default `list-compress-depth`.
pub const DEFAULT_COMPRESS_DEPTH: i64 = 0;

/// Byte limits of a node for fill -1..-5 (Redis's `optimization_level`).
const SIZE_LIMITS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// A count-limited node never exceeds this many bytes (Redis's `SIZE_SAFETY_LIMIT`).
const SAFETY_LIMIT: usize = 8192;
/// Largest count-based fill (Redis's `FILL_MAX`).
const FILL_MAX: i64 = (1 << 15) - 1;
/// Fixed bytes of a listpack (header and end marker), counted in a node's size as Redis does.
const NODE_OVERHEAD: usize = 7;

/// Bytes of the varint encoding of `n`.
fn varint_len(mut n: usize) -> usize {
    let mut k = 1;
    while n >= 0x80 {
        n >>= 7;
        k += 1;
    }
    k
}

/// Entry headers below this mark integers (header + 1 bytes of two's complement); a string of
/// `len` bytes has header `len + INT_TAGS`.
const INT_TAGS: usize = 8;

/// An element as stored: bytes, or an integer kept in binary (the element is its canonical
/// decimal form, as in a listpack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl<'a> Elem<'a> {
    /// The element's bytes, formatting an integer into `tmp`.
    pub fn as_bytes<'b>(&self, tmp: &'b mut [u8; 20]) -> &'b [u8]
    where
        'a: 'b,
    {
        match *self {
            Elem::Bytes(b) => b,
            Elem::Int(v) => crate::resp::reply::fmt_int(v, tmp),
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut tmp = [0u8; 20];
        self.as_bytes(&mut tmp).to_vec()
    }
}

/// A value searched for (LREM, LINSERT, LPOS), classified once so comparisons stay cheap.
pub struct Needle<'a> {
    bytes: &'a [u8],
    int: Option<i64>,
}

impl<'a> Needle<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Needle {
            bytes,
            int: as_int(bytes),
        }
    }

    /// Whether `e` equals the searched value byte for byte.
    pub fn matches(&self, e: Elem<'_>) -> bool {
        match e {
            Elem::Bytes(b) => b == self.bytes,
            Elem::Int(v) => self.int == Some(v),
        }
    }
}

/// The integer `b` is the canonical form of, if any (only those are stored as integers, so
/// `01` or `+1` stay strings and never compare equal to `1`).
fn as_int(b: &[u8]) -> Option<i64> {
    if b.len() > 20 {
        return None;
    }
    crate::util::parse_i64(b)
}

/// Bytes needed for `v` in two's complement.
fn int_width(v: i64) -> usize {
    let mut n = 1;
    while n < 8 && !(-(1i64 << (8 * n - 1))..(1i64 << (8 * n - 1))).contains(&v) {
        n += 1;
    }
    n
}

/// An element ready to be written: its header and payload.
struct Enc<'a> {
    header: usize,
    data: &'a [u8],
    int: [u8; 8],
}

impl<'a> Enc<'a> {
    fn new(data: &'a [u8]) -> Self {
        match as_int(data) {
            Some(v) => {
                let n = int_width(v);
                Enc {
                    header: n - 1,
                    data: &[],
                    int: v.to_le_bytes(),
                }
            }
            None => Enc {
                header: data.len() + INT_TAGS,
                data,
                int: [0; 8],
            },
        }
    }

    fn payload(&self) -> &[u8] {
        if self.header < INT_TAGS {
            &self.int[..self.header + 1]
        } else {
            self.data
        }
    }

    /// Bytes the entry takes in a node.
    fn size(&self) -> usize {
        payload_len(self.header) + 2 * varint_len(self.header)
    }
}

/// Payload bytes of an entry with this header.
fn payload_len(header: usize) -> usize {
    if header < INT_TAGS {
        header + 1
    } else {
        header - INT_TAGS
    }
}

/// The element whose payload starts at `data`.
fn elem(buf: &[u8], data: usize, header: usize) -> Elem<'_> {
    if header < INT_TAGS {
        let n = header + 1;
        let mut b = [0u8; 8];
        b[..n].copy_from_slice(&buf[data..data + n]);
        let shift = 64 - 8 * n as u32;
        Elem::Int((i64::from_le_bytes(b) << shift) >> shift)
    } else {
        Elem::Bytes(&buf[data..data + header - INT_TAGS])
    }
}

/// Writes `e` into `dst`, which is exactly `e.size()` long.
fn write_entry(dst: &mut [u8], e: &Enc<'_>) {
    let h = e.header;
    let k = varint_len(h);
    let payload = e.payload();
    // Forward header: little-endian groups of 7 bits, high bit = more follow.
    let mut v = h;
    for b in dst.iter_mut().take(k) {
        *b = (v & 0x7f) as u8 | if v >= 0x80 { 0x80 } else { 0 };
        v >>= 7;
    }
    dst[k..k + payload.len()].copy_from_slice(payload);
    // Backward header: the same groups mirrored, so reading from the end sees them in order.
    let mut v = h;
    for b in dst[k + payload.len()..].iter_mut().rev() {
        *b = (v & 0x7f) as u8 | if v >= 0x80 { 0x80 } else { 0 };
        v >>= 7;
    }
}

/// Decodes the entry starting at `pos`: (payload start, header, next entry's start).
fn read_fwd(buf: &[u8], pos: usize) -> (usize, usize, usize) {
    let mut h = 0usize;
    let mut shift = 0;
    let mut p = pos;
    loop {
        let b = buf[p];
        p += 1;
        h |= ((b & 0x7f) as usize) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    (p, h, p + payload_len(h) + varint_len(h))
}

/// Decodes the entry ending at `end`: (entry start, payload start, header).
fn read_back(buf: &[u8], end: usize) -> (usize, usize, usize) {
    let mut h = 0usize;
    let mut shift = 0;
    let mut p = end;
    loop {
        p -= 1;
        let b = buf[p];
        h |= ((b & 0x7f) as usize) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            break;
        }
    }
    let data = p - payload_len(h);
    (data - varint_len(h), data, h)
}

/// Whether a node of `bytes` entry bytes holding `count` entries respects `fill`
/// (Redis's `_quicklistNodeAllowInsert` / `_quicklistNodeAllowMerge` rules).
fn node_fits(bytes: usize, count: usize, fill: i16) -> bool {
    let sz = bytes + NODE_OVERHEAD;
    if fill < 0 {
        sz <= SIZE_LIMITS[(-(fill as i32) - 1) as usize]
    } else {
        sz <= SAFETY_LIMIT && count <= fill as usize
    }
}

/// One node: entries live in `buf[head..]`.
#[derive(Clone, Default)]
struct Node {
    buf: Vec<u8>,
    head: usize,
    count: u32,
}

impl Node {
    fn with(e: &Enc<'_>) -> Node {
        let mut n = Node::default();
        n.push_back(e);
        n
    }

    /// Bytes of live entries.
    fn bytes(&self) -> usize {
        self.buf.len() - self.head
    }

    fn push_back(&mut self, e: &Enc<'_>) {
        let sz = e.size();
        let at = self.buf.len();
        self.buf.resize(at + sz, 0);
        write_entry(&mut self.buf[at..], e);
        self.count += 1;
    }

    fn push_front(&mut self, e: &Enc<'_>) {
        let sz = e.size();
        if self.head < sz {
            // Grow the free room before the head geometrically: amortized O(1) per push.
            let live = self.bytes();
            let room = sz.max(live).max(16);
            let mut nb = Vec::with_capacity(room + live);
            nb.resize(room, 0);
            nb.extend_from_slice(&self.buf[self.head..]);
            self.buf = nb;
            self.head = room;
        }
        let at = self.head - sz;
        write_entry(&mut self.buf[at..self.head], e);
        self.head = at;
        self.count += 1;
    }

    /// Removes the first entry, giving it to `f`.
    fn pop_front<R>(&mut self, f: impl FnOnce(Elem<'_>) -> R) -> R {
        let (d, h, next) = read_fwd(&self.buf, self.head);
        let r = f(elem(&self.buf, d, h));
        self.head = next;
        self.count -= 1;
        if self.count == 0 {
            self.buf.clear();
            self.head = 0;
        } else if self.head > 64 && self.head > self.bytes() {
            // More dead prefix than live bytes: reclaim it.
            self.buf.copy_within(self.head.., 0);
            self.buf.truncate(self.buf.len() - self.head);
            self.head = 0;
        }
        r
    }

    /// Removes the last entry, giving it to `f`.
    fn pop_back<R>(&mut self, f: impl FnOnce(Elem<'_>) -> R) -> R {
        let (start, d, h) = read_back(&self.buf, self.buf.len());
        let r = f(elem(&self.buf, d, h));
        self.buf.truncate(start);
        self.count -= 1;
        r
    }

    /// Byte offset of the entry at local index `i` (< count), walking from the closer end.
    fn offset_of(&self, i: usize) -> usize {
        let count = self.count as usize;
        if i <= count / 2 {
            let mut pos = self.head;
            for _ in 0..i {
                pos = read_fwd(&self.buf, pos).2;
            }
            pos
        } else {
            let mut end = self.buf.len();
            for _ in i..count {
                end = read_back(&self.buf, end).0;
            }
            end
        }
    }

    /// Drops unused capacity and head room (when the node stops being an end node).
    fn shrink(&mut self) {
        let live = self.bytes();
        if self.head > 0 || self.buf.capacity() > live + live / 8 + 16 {
            self.buf = self.buf[self.head..].to_vec();
            self.head = 0;
        }
    }

    /// Splits off the entries from local index `i` on into a new node.
    fn split_off(&mut self, i: usize) -> Node {
        let off = self.offset_of(i);
        let tail = Node {
            buf: self.buf[off..].to_vec(),
            head: 0,
            count: self.count - i as u32,
        };
        self.buf.truncate(off);
        self.count = i as u32;
        self.shrink();
        tail
    }

    /// Removes local entries `from..from + n`.
    fn delete(&mut self, from: usize, n: usize) {
        let a = self.offset_of(from);
        let mut b = a;
        for _ in 0..n {
            b = read_fwd(&self.buf, b).2;
        }
        self.buf.drain(a..b);
        self.count -= n as u32;
    }

    /// Keeps the entries `keep` says yes to (called in order); returns how many were removed.
    fn retain(&mut self, mut keep: impl FnMut(Elem<'_>) -> bool) -> usize {
        let mut r = self.head;
        let mut w = self.head;
        let mut removed = 0;
        while r < self.buf.len() {
            let (d, h, next) = read_fwd(&self.buf, r);
            if keep(elem(&self.buf, d, h)) {
                if w != r {
                    self.buf.copy_within(r..next, w);
                }
                w += next - r;
            } else {
                removed += 1;
            }
            r = next;
        }
        self.buf.truncate(w);
        self.count -= removed as u32;
        removed
    }
}

/// A list value.
#[derive(Clone)]
pub struct List {
    nodes: VecDeque<Node>,
    len: usize,
    /// `list-max-listpack-size` at creation, clamped to -5..=FILL_MAX as Redis does.
    fill: i16,
}

impl Default for List {
    fn default() -> Self {
        List::with_options(DEFAULT_FILL, DEFAULT_COMPRESS_DEPTH)
    }
}

impl List {
    /// An empty list with Redis's default node limits.
    pub fn new() -> Self {
        List::default()
    }

    /// An empty list whose nodes follow `list-max-listpack-size` = `fill`.
    /// `compress_depth` (`list-compress-depth`) is accepted and ignored.
    pub fn with_options(fill: i64, _compress_depth: i64) -> Self {
        List {
            nodes: VecDeque::new(),
            len: 0,
            fill: fill.clamp(-5, FILL_MAX) as i16,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// `OBJECT ENCODING` name: Redis 7.0 stores every list as a quicklist.
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }

    /// Number of nodes (for DEBUG-style introspection and tests).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Heap bytes held (node buffers and the node array), for memory accounting.
    pub fn alloc_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.nodes.iter().map(|n| n.buf.capacity()).sum::<usize>()
    }

    /// Calls `f` on every element's bytes, head to tail.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        let mut tmp = [0u8; 20];
        for e in self.iter() {
            f(e.as_bytes(&mut tmp));
        }
    }

    /// Elements head to tail.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// Elements from index `start` (0-based from the head) to the tail.
    pub fn iter_from(&self, start: usize) -> Iter<'_> {
        if start >= self.len {
            return Iter {
                nodes: &self.nodes,
                node: self.nodes.len(),
                pos: 0,
                left: 0,
            };
        }
        let (node, local) = self.locate(start);
        Iter {
            nodes: &self.nodes,
            node,
            pos: self.nodes[node].offset_of(local),
            left: self.len - start,
        }
    }

    /// Elements tail to head.
    pub fn iter_rev(&self) -> RevIter<'_> {
        RevIter {
            nodes: &self.nodes,
            node: self.nodes.len(),
            end: self.nodes.back().map_or(0, |n| n.buf.len()),
            left: self.len,
        }
    }

    /// The node holding element `index` (< len) and its index inside that node, walking from the
    /// closer end of the list.
    fn locate(&self, index: usize) -> (usize, usize) {
        if index < self.len / 2 {
            let mut i = index;
            for (n, node) in self.nodes.iter().enumerate() {
                let c = node.count as usize;
                if i < c {
                    return (n, i);
                }
                i -= c;
            }
        } else {
            let mut from_tail = self.len - 1 - index;
            for (n, node) in self.nodes.iter().enumerate().rev() {
                let c = node.count as usize;
                if from_tail < c {
                    return (n, c - 1 - from_tail);
                }
                from_tail -= c;
            }
        }
        unreachable!("index below len is always in a node")
    }

    pub fn push_back(&mut self, data: &[u8]) {
        let e = Enc::new(data);
        let sz = e.size();
        let fill = self.fill;
        match self.nodes.back_mut() {
            Some(t) if node_fits(t.bytes() + sz, t.count as usize + 1, fill) => t.push_back(&e),
            t => {
                match t {
                    Some(t) => t.shrink(),
                    // Most lists are small: room for exactly one node at first.
                    None => self.nodes.reserve_exact(1),
                }
                self.nodes.push_back(Node::with(&e));
            }
        }
        self.len += 1;
    }

    pub fn push_front(&mut self, data: &[u8]) {
        let e = Enc::new(data);
        let sz = e.size();
        let fill = self.fill;
        match self.nodes.front_mut() {
            Some(h) if node_fits(h.bytes() + sz, h.count as usize + 1, fill) => h.push_front(&e),
            h => {
                match h {
                    Some(h) => h.shrink(),
                    None => self.nodes.reserve_exact(1),
                }
                let mut n = Node::default();
                n.push_front(&e);
                self.nodes.push_front(n);
            }
        }
        self.len += 1;
    }

    /// Pushes at the head (`front`) or the tail.
    pub fn push(&mut self, data: &[u8], front: bool) {
        if front {
            self.push_front(data)
        } else {
            self.push_back(data)
        }
    }

    /// Removes the head (`front`) or tail element and passes its bytes to `f`; None if empty.
    pub fn pop_with<R>(&mut self, front: bool, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let mut tmp = [0u8; 20];
        self.pop_elem(front, |e| f(e.as_bytes(&mut tmp)))
    }

    /// Removes the head (`front`) or tail element and passes it to `f`; None if empty.
    pub fn pop_elem<R>(&mut self, front: bool, f: impl FnOnce(Elem<'_>) -> R) -> Option<R> {
        let node = if front {
            self.nodes.front_mut()?
        } else {
            self.nodes.back_mut()?
        };
        let r = if front {
            node.pop_front(f)
        } else {
            node.pop_back(f)
        };
        if node.count == 0 {
            if front {
                self.nodes.pop_front();
            } else {
                self.nodes.pop_back();
            }
        }
        self.len -= 1;
        Some(r)
    }

    /// Removes and returns the head (`front`) or tail element.
    pub fn pop(&mut self, front: bool) -> Option<Vec<u8>> {
        self.pop_with(front, |d| d.to_vec())
    }

    /// The element at `index` (0-based from the head).
    pub fn get(&self, index: usize) -> Option<Elem<'_>> {
        if index >= self.len {
            return None;
        }
        let (n, i) = self.locate(index);
        let node = &self.nodes[n];
        let (d, h, _) = read_fwd(&node.buf, node.offset_of(i));
        Some(elem(&node.buf, d, h))
    }

    /// Replaces the element at `index`; false if out of range.
    pub fn set(&mut self, index: usize, data: &[u8]) -> bool {
        if index >= self.len {
            return false;
        }
        let (n, i) = self.locate(index);
        let node = &mut self.nodes[n];
        let at = node.offset_of(i);
        let (_, _, next) = read_fwd(&node.buf, at);
        let e = Enc::new(data);
        let sz = e.size();
        let mut entry = [0u8; 64];
        if sz <= entry.len() {
            write_entry(&mut entry[..sz], &e);
            node.buf.splice(at..next, entry[..sz].iter().copied());
        } else {
            let mut v = vec![0u8; sz];
            write_entry(&mut v, &e);
            node.buf.splice(at..next, v);
        }
        self.fix_node(n);
        true
    }

    /// Inserts `data` before (or after) the first element equal to `pivot`, searching from the
    /// head. Returns false when no element matches.
    pub fn insert(&mut self, pivot: &[u8], data: &[u8], before: bool) -> bool {
        let pivot = Needle::new(pivot);
        let mut found = None;
        'nodes: for (n, node) in self.nodes.iter().enumerate() {
            let mut pos = node.head;
            while pos < node.buf.len() {
                let (d, h, next) = read_fwd(&node.buf, pos);
                if pivot.matches(elem(&node.buf, d, h)) {
                    found = Some((n, if before { pos } else { next }));
                    break 'nodes;
                }
                pos = next;
            }
        }
        let Some((n, at)) = found else {
            return false;
        };
        let e = Enc::new(data);
        let sz = e.size();
        let node = &mut self.nodes[n];
        node.buf.splice(at..at, std::iter::repeat_n(0u8, sz));
        write_entry(&mut node.buf[at..at + sz], &e);
        node.count += 1;
        self.len += 1;
        self.fix_node(n);
        true
    }

    /// Removes up to `count` elements equal to `value` (all when `count` is 0), from the head
    /// when `from_head`, else from the tail. Returns how many were removed.
    pub fn remove(&mut self, value: &[u8], count: usize, from_head: bool) -> usize {
        let value = Needle::new(value);
        let limit = if count == 0 { usize::MAX } else { count };
        let mut removed = 0;
        let nodes = self.nodes.len();
        for k in 0..nodes {
            if removed == limit {
                break;
            }
            let node = &mut self.nodes[if from_head { k } else { nodes - 1 - k }];
            let mut budget = limit - removed;
            if from_head {
                removed += node.retain(|e| {
                    let hit = budget > 0 && value.matches(e);
                    budget -= hit as usize;
                    !hit
                });
            } else {
                // Keep all but the last `budget` matches of this node.
                let mut matches = 0usize;
                let mut pos = node.head;
                while pos < node.buf.len() {
                    let (d, h, next) = read_fwd(&node.buf, pos);
                    matches += value.matches(elem(&node.buf, d, h)) as usize;
                    pos = next;
                }
                let mut skip = matches - matches.min(budget);
                if matches > skip {
                    removed += node.retain(|e| {
                        let hit = value.matches(e);
                        if hit && skip > 0 {
                            skip -= 1;
                            return true;
                        }
                        !hit
                    });
                }
            }
        }
        if removed > 0 {
            self.len -= removed;
            self.nodes.retain(|n| n.count > 0);
            self.merge_all();
        }
        removed
    }

    /// Keeps only elements `start..=stop` (already clamped: `start <= stop < len`).
    pub fn trim(&mut self, start: usize, stop: usize) {
        let len = self.len;
        if stop + 1 < len {
            self.delete_range(stop + 1, len - stop - 1);
        }
        if start > 0 {
            self.delete_range(0, start);
        }
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.len = 0;
    }

    /// Removes `n` elements starting at index `start` (`start + n <= len`).
    pub fn delete_range(&mut self, start: usize, n: usize) {
        if n == 0 || start >= self.len {
            return;
        }
        let n = n.min(self.len - start);
        let (mut node, mut local) = self.locate(start);
        let mut left = n;
        let first = node;
        while left > 0 {
            let c = self.nodes[node].count as usize;
            let here = left.min(c - local);
            if here == c {
                // Whole node: emptied now, dropped below.
                self.nodes[node].count = 0;
            } else {
                self.nodes[node].delete(local, here);
            }
            left -= here;
            local = 0;
            node += 1;
        }
        self.len -= n;
        // Every node strictly inside the touched run was emptied; the first and last may not be.
        let mut a = first;
        if self.nodes[a].count > 0 {
            a += 1;
        }
        let mut b = node;
        if b > a && self.nodes[b - 1].count > 0 {
            b -= 1;
        }
        self.nodes.drain(a..b);
        if first > 0 {
            self.merge_at(first - 1);
        }
        self.merge_at(first);
    }

    /// Splits node `n` while it is over the size limit (after an insert or replace grew it).
    fn fix_node(&mut self, n: usize) {
        let node = &self.nodes[n];
        let c = node.count as usize;
        if c <= 1 || node_fits(node.bytes(), c, self.fill) {
            return;
        }
        let tail = self.nodes[n].split_off(c / 2);
        self.nodes.insert(n + 1, tail);
        self.fix_node(n + 1);
        self.fix_node(n);
    }

    /// Merges node `n` with node `n + 1` when together they fit.
    fn merge_at(&mut self, n: usize) -> bool {
        if n + 1 >= self.nodes.len() {
            return false;
        }
        let (a, b) = (&self.nodes[n], &self.nodes[n + 1]);
        if !node_fits(
            a.bytes() + b.bytes(),
            (a.count + b.count) as usize,
            self.fill,
        ) {
            return false;
        }
        if let Some(b) = self.nodes.remove(n + 1) {
            let a = &mut self.nodes[n];
            a.buf.extend_from_slice(&b.buf[b.head..]);
            a.count += b.count;
        }
        true
    }

    /// Merges every run of neighbouring nodes that fit together.
    fn merge_all(&mut self) {
        let mut n = 0;
        while n + 1 < self.nodes.len() {
            if !self.merge_at(n) {
                n += 1;
            }
        }
    }
}

/// Head-to-tail iterator over a list's elements.
pub struct Iter<'a> {
    nodes: &'a VecDeque<Node>,
    node: usize,
    pos: usize,
    left: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        while self.node < self.nodes.len() {
            let node = &self.nodes[self.node];
            if self.pos < node.buf.len() {
                let (d, h, next) = read_fwd(&node.buf, self.pos);
                self.pos = next;
                self.left -= 1;
                return Some(elem(&node.buf, d, h));
            }
            self.node += 1;
            self.pos = self.nodes.get(self.node).map_or(0, |n| n.head);
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// Tail-to-head iterator over a list's elements.
pub struct RevIter<'a> {
    nodes: &'a VecDeque<Node>,
    /// One past the node being read.
    node: usize,
    end: usize,
    left: usize,
}

impl<'a> Iterator for RevIter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        while self.node > 0 {
            let node = &self.nodes[self.node - 1];
            if self.end > node.head {
                let (start, d, h) = read_back(&node.buf, self.end);
                self.end = start;
                self.left -= 1;
                return Some(elem(&node.buf, d, h));
            }
            self.node -= 1;
            self.end = match self.node {
                0 => 0,
                i => self.nodes[i - 1].buf.len(),
            };
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for RevIter<'_> {}

// Read by the RDB writer (src/persist/rdb.rs) to lay out quicklist nodes.
impl List {
    /// `list-max-listpack-size` this list was created with (clamped as Redis clamps it).
    pub fn fill(&self) -> i64 {
        self.fill as i64
    }

    /// Whether the head node holds fewer entries than the tail node (as when a list grew by
    /// pushes at the head).
    pub fn head_lighter(&self) -> bool {
        match (self.nodes.front(), self.nodes.back()) {
            (Some(h), Some(t)) => h.count < t.count,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the structural invariants: counts add up, entries decode to the node end, no empty
    /// node, and every multi-entry node respects the fill.
    fn check(l: &List) {
        let mut total = 0;
        for node in &l.nodes {
            assert!(node.count > 0, "empty node");
            let mut pos = node.head;
            let mut c = 0;
            while pos < node.buf.len() {
                pos = read_fwd(&node.buf, pos).2;
                c += 1;
            }
            assert_eq!(pos, node.buf.len());
            assert_eq!(c, node.count as usize);
            assert!(
                c == 1 || node_fits(node.bytes(), c, l.fill),
                "node over limit: {} bytes, {} entries, fill {}",
                node.bytes(),
                c,
                l.fill
            );
            total += c;
        }
        assert_eq!(total, l.len);
    }

    fn items(l: &List) -> Vec<Vec<u8>> {
        let v: Vec<Vec<u8>> = l.iter().map(|e| e.to_vec()).collect();
        let mut r: Vec<Vec<u8>> = l.iter_rev().map(|e| e.to_vec()).collect();
        r.reverse();
        assert_eq!(v, r, "forward and backward walks differ");
        v
    }

    struct Rand(u64);
    impl Rand {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn entry_codec_round_trips() {
        for n in [0usize, 1, 19, 21, 119, 120, 16383, 16384, 70000] {
            let data: Vec<u8> = (0..n).map(|i| b'a' + (i % 7) as u8).collect();
            let e = Enc::new(&data);
            assert!(e.header >= INT_TAGS);
            let mut buf = vec![0u8; e.size()];
            write_entry(&mut buf, &e);
            let (d, h, next) = read_fwd(&buf, 0);
            assert_eq!((elem(&buf, d, h), next), (Elem::Bytes(&data), buf.len()));
            let (start, d, h) = read_back(&buf, buf.len());
            assert_eq!((start, elem(&buf, d, h)), (0, Elem::Bytes(&data)));
        }
        let ints = [
            0i64,
            1,
            -1,
            127,
            128,
            -128,
            -129,
            32767,
            -32768,
            1 << 40,
            -(1 << 47) - 1,
            i64::MAX,
            i64::MIN,
        ];
        for v in ints {
            let s = v.to_string();
            let e = Enc::new(s.as_bytes());
            assert!(e.header < INT_TAGS, "{v} stored as an integer");
            assert_eq!(e.size(), int_width(v) + 2);
            let mut buf = vec![0u8; e.size()];
            write_entry(&mut buf, &e);
            let (d, h, next) = read_fwd(&buf, 0);
            assert_eq!((elem(&buf, d, h), next), (Elem::Int(v), buf.len()));
            let (start, d, h) = read_back(&buf, buf.len());
            assert_eq!((start, elem(&buf, d, h)), (0, Elem::Int(v)));
            assert_eq!(Elem::Int(v).to_vec(), s.as_bytes());
        }
        assert_eq!(int_width(127), 1);
        assert_eq!(int_width(128), 2);
        assert_eq!(int_width(-(1 << 23)), 3);
        assert_eq!(int_width(i64::MIN), 8);
        // Only canonical integers are stored as integers.
        for s in [
            "01",
            "+1",
            "-0",
            " 1",
            "1.0",
            "",
            "99999999999999999999",
            "0x1",
        ] {
            assert!(Enc::new(s.as_bytes()).header >= INT_TAGS, "{s:?}");
        }
        let n = Needle::new(b"1");
        assert!(n.matches(Elem::Int(1)) && !n.matches(Elem::Int(2)));
        assert!(n.matches(Elem::Bytes(b"1")));
        let n = Needle::new(b"01");
        assert!(!n.matches(Elem::Int(1)) && n.matches(Elem::Bytes(b"01")));
    }

    #[test]
    fn pushes_fill_nodes_by_bytes_and_by_count() {
        // fill -1: 4096 bytes per node; 100-byte elements take 102 bytes each.
        let mut l = List::with_options(-1, 0);
        for i in 0..1000 {
            l.push_back(&[i as u8; 100]);
        }
        check(&l);
        let per_node = (4096 - NODE_OVERHEAD) / 102;
        assert_eq!(l.nodes[0].count as usize, per_node);
        assert_eq!(l.node_count(), 1000usize.div_ceil(per_node));
        // fill 3: three entries per node, from either end.
        let mut l = List::with_options(3, 0);
        for i in 0..10u8 {
            l.push_front(&[i]);
        }
        check(&l);
        assert_eq!(l.node_count(), 4);
        assert_eq!(items(&l)[0], vec![9]);
        // fill 0 (and the clamp below -5) still work.
        let mut l = List::with_options(0, 0);
        l.push_back(b"a");
        l.push_back(b"b");
        assert_eq!(l.node_count(), 2);
        assert_eq!(List::with_options(-100, 0).fill, -5);
        assert_eq!(List::with_options(1 << 40, 0).fill, FILL_MAX as i16);
    }

    #[test]
    fn big_elements_get_their_own_node() {
        let mut l = List::with_options(-1, 0);
        l.push_back(b"small");
        l.push_back(&[7u8; 10000]);
        l.push_back(b"x");
        check(&l);
        assert_eq!(l.node_count(), 3);
        assert_eq!(l.get(1), Some(Elem::Bytes(&[7u8; 10000])));
    }

    #[test]
    fn insert_and_set_split_an_overfull_node() {
        let mut l = List::with_options(4, 0);
        for i in 0..4u8 {
            l.push_back(&[b'a' + i]);
        }
        assert_eq!(l.node_count(), 1);
        assert!(l.insert(b"b", b"X", false));
        check(&l);
        assert_eq!(l.node_count(), 2);
        assert_eq!(
            items(&l),
            [b"a", b"b", b"X", b"c", b"d"].map(|s| s.to_vec())
        );
        // Growing an element past the byte limit splits by bytes.
        let mut l = List::with_options(-1, 0);
        for _ in 0..30 {
            l.push_back(&[1u8; 100]);
        }
        assert_eq!(l.node_count(), 1);
        assert!(l.set(10, &[2u8; 3000]));
        check(&l);
        assert!(l.node_count() > 1);
        assert_eq!(l.get(10), Some(Elem::Bytes(&[2u8; 3000])));
        assert!(!l.set(30, b"x"));
    }

    #[test]
    fn deletes_merge_small_neighbours() {
        let mut l = List::with_options(4, 0);
        for i in 0..12u8 {
            l.push_back(&[i]);
        }
        assert_eq!(l.node_count(), 3);
        // Removing two from each node leaves 2+2+2: the first two nodes merge.
        for v in [1u8, 2, 5, 6, 9, 10] {
            assert_eq!(l.remove(&[v], 0, true), 1);
        }
        check(&l);
        assert_eq!(l.node_count(), 2);
        assert_eq!(items(&l), [0u8, 3, 4, 7, 8, 11].map(|v| vec![v]));
        // A range delete across a node boundary merges the remains.
        let mut l = List::with_options(4, 0);
        for i in 0..12u8 {
            l.push_back(&[i]);
        }
        l.delete_range(2, 5);
        check(&l);
        assert_eq!(items(&l), [0u8, 1, 7, 8, 9, 10, 11].map(|v| vec![v]));
        assert_eq!(l.node_count(), 2);
        l.trim(1, 2);
        check(&l);
        assert_eq!(items(&l), [1u8, 7].map(|v| vec![v]));
        assert_eq!(l.node_count(), 1);
    }

    #[test]
    fn pops_reclaim_nodes() {
        let mut l = List::with_options(2, 0);
        for i in 0..5u8 {
            l.push_back(&[i]);
        }
        assert_eq!(l.pop(true), Some(vec![0]));
        assert_eq!(l.pop(false), Some(vec![4]));
        assert_eq!(l.pop_with(true, |d| d[0]), Some(1));
        check(&l);
        assert_eq!(l.node_count(), 1);
        assert_eq!(l.pop(false), Some(vec![3]));
        assert_eq!(l.pop(false), Some(vec![2]));
        assert_eq!(l.pop(false), None);
        assert!(l.is_empty());
        assert_eq!(l.node_count(), 0);
    }

    /// Random operations against a `VecDeque` model, for several fills.
    #[test]
    fn matches_a_deque_model() {
        for (fill, seed) in [(-2i64, 1u64), (-1, 2), (3, 3), (1, 4), (-5, 5), (128, 6)] {
            let mut r = Rand(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let mut l = List::with_options(fill, 0);
            let mut m: VecDeque<Vec<u8>> = VecDeque::new();
            for step in 0..4000 {
                // Integers (stored in binary) and look-alikes that must stay strings.
                const NUMS: [&str; 8] = ["1", "01", "-1", "0", "300", "-70000", "+1", "1.0"];
                let val: Vec<u8> = match r.below(20) {
                    0 => (0..200 + r.below(3000)).map(|_| b'a').collect(),
                    1..=4 => NUMS[r.below(NUMS.len())].as_bytes().to_vec(),
                    _ => (0..r.below(12)).map(|_| b'a' + r.below(4) as u8).collect(),
                };
                match r.below(12) {
                    0..=2 => {
                        l.push_back(&val);
                        m.push_back(val);
                    }
                    3..=4 => {
                        l.push_front(&val);
                        m.push_front(val);
                    }
                    5 => assert_eq!(l.pop(true), m.pop_front()),
                    6 => assert_eq!(l.pop(false), m.pop_back()),
                    7 if !m.is_empty() => {
                        let i = r.below(m.len());
                        assert!(l.set(i, &val));
                        m[i] = val;
                    }
                    8 if !m.is_empty() => {
                        let pivot = m[r.below(m.len())].clone();
                        let before = r.below(2) == 0;
                        assert!(l.insert(&pivot, &val, before));
                        let p = m.iter().position(|e| *e == pivot).unwrap();
                        m.insert(if before { p } else { p + 1 }, val);
                    }
                    9 if !m.is_empty() => {
                        let v = m[r.below(m.len())].clone();
                        let count = r.below(3);
                        let from_head = r.below(2) == 0;
                        let got = l.remove(&v, count, from_head);
                        let limit = if count == 0 { usize::MAX } else { count };
                        let mut idx: Vec<usize> = (0..m.len()).filter(|&i| m[i] == v).collect();
                        if !from_head {
                            idx.reverse();
                        }
                        idx.truncate(limit);
                        idx.sort_unstable();
                        for &i in idx.iter().rev() {
                            m.remove(i);
                        }
                        assert_eq!(got, idx.len());
                    }
                    10 if m.len() > 4 && step % 7 == 0 => {
                        let a = r.below(m.len());
                        let b = a + r.below(m.len() - a);
                        l.trim(a, b);
                        m = m.range(a..=b).cloned().collect();
                    }
                    _ if !m.is_empty() => {
                        let i = r.below(m.len());
                        assert_eq!(l.get(i).map(|e| e.to_vec()), Some(m[i].clone()));
                        let from: Vec<Vec<u8>> = l.iter_from(i).map(|e| e.to_vec()).collect();
                        assert_eq!(from.len(), m.len() - i);
                        assert_eq!(from.first(), Some(&m[i]));
                    }
                    _ => {}
                }
                assert_eq!(l.len(), m.len());
                if step % 50 == 0 {
                    check(&l);
                    assert_eq!(items(&l), m.iter().cloned().collect::<Vec<_>>());
                }
            }
            check(&l);
            assert_eq!(items(&l), m.iter().cloned().collect::<Vec<_>>());
        }
    }
}
