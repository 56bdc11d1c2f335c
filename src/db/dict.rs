//! `Dict`: the hash table behind the keyspace and the hash-table encodings of hashes, sets and
//! sorted sets.
//!
//! Redis's design: chaining over power-of-two bucket arrays, a two-table **incremental rehash**
//! (grow at load factor 1, or 5 when resizing is disallowed; shrink below 10% fill; every later
//! operation moves one bucket, visiting at most 10 empty ones, and [`Dict::rehash_for`] lets the
//! event loop spend idle time), and SCAN's reverse-binary cursor, which returns every key present
//! for the whole iteration at least once even when the table is resized between calls.
//!
//! The layout is more compact than Redis's: entries live densely in a chunked arena (no per-entry
//! allocation, iteration is a linear walk, a random entry is a uniform index) and chains link them
//! by `u32` position, so a bucket costs 4 bytes and an entry 4 bytes (its next link) beyond its
//! key and value, plus 4 for the key's cached 32-bit hash when the key type asks for it (see
//! [`DictKey`]: heap keys cache it, so rehashing and mismatches need not read the key; inline
//! keys do not, keeping slots tight, and a rehash step recomputes their hash as Redis does).
//! Removal moves the arena's last entry into the hole and relinks it, so positions are only
//! stable until the next insert or removal. At most 2^32 - 2 entries (Redis documents 2^32 keys
//! per instance).
//!
//! Where an entry lives is decided by its hash alone: while rehashing, an entry whose old-table
//! bucket is below the rehash index is in the new table, otherwise in the old one (inserts follow
//! the same rule). So a lookup probes exactly one chain.
//!
//! Keys are byte strings (`K: DictKey`, which is `Borrow<[u8]>`), hashed with SipHash-1-3 under a random per-process
//! key (clients choose the keys, so the hash must resist collision flooding).

use std::borrow::Borrow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::io::Read;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Smallest table (Redis's `DICT_HT_INITIAL_SIZE`).
const MIN_SIZE: usize = 4;
/// Shrink when fewer than this percent of buckets' worth of entries remain (`HASHTABLE_MIN_FILL`).
const MIN_FILL_PCT: usize = 10;
/// Grow even when resizing is disallowed once entries exceed this many per bucket.
const FORCE_RESIZE_RATIO: usize = 5;
/// Empty buckets one rehash step may skip before giving up (Redis: 10 per bucket of work).
const EMPTY_VISITS_PER_STEP: usize = 10;
/// Most entries a dict holds: positions + 1 must fit a nonzero `u32` link.
const MAX_ENTRIES: usize = u32::MAX as usize - 1;

static RESIZE_ALLOWED: AtomicBool = AtomicBool::new(true);

/// Allows or forbids growing and shrinking (Redis disables it while a fork child is alive, to
/// keep copy-on-write pages shared). A table fuller than 5 entries per bucket grows anyway.
pub fn set_resize_allowed(allowed: bool) {
    RESIZE_ALLOWED.store(allowed, Ordering::Relaxed);
}

fn resize_allowed() -> bool {
    RESIZE_ALLOWED.load(Ordering::Relaxed)
}

/// A dict key type: its bytes, and whether each slot caches the key's hash.
pub trait DictKey: Borrow<[u8]> {
    /// `u32` to cache the hash in the slot, `()` to recompute it when needed.
    type Hash: HashCache;
}

/// A slot's cached hash, or nothing.
pub trait HashCache: Copy + fmt::Debug {
    fn new(h: u32) -> Self;
    fn get(self) -> Option<u32>;
}

impl HashCache for u32 {
    #[inline]
    fn new(h: u32) -> Self {
        h
    }

    #[inline]
    fn get(self) -> Option<u32> {
        Some(self)
    }
}

impl HashCache for () {
    #[inline]
    fn new(_: u32) -> Self {}

    #[inline]
    fn get(self) -> Option<u32> {
        None
    }
}

/// Heap keys: the hash fits in the slot's padding, and saves reading the key on rehash.
impl DictKey for Box<[u8]> {
    type Hash = u32;
}

/// Inline keys: the bytes are in the slot already; 4 bytes matter more.
impl<const N: usize> DictKey for super::sbytes::InlineBytes<N> {
    type Hash = ();
}

/// One stored entry. Links are `position + 1`; 0 ends a chain.
#[derive(Clone)]
struct Slot<K: DictKey, V> {
    key: K,
    val: V,
    hash: K::Hash,
    next: u32,
}

impl<K: DictKey, V> Slot<K, V> {
    /// The key's dict hash, cached or recomputed.
    #[inline]
    fn hash(&self) -> u32 {
        match self.hash.get() {
            Some(h) => h,
            None => hash32(self.key.borrow()),
        }
    }
}

/// Entries stored densely at positions `0..len`, in chunks of a fixed power-of-two size so that
/// growth never copies the whole set and never leaves more than one chunk of slack. The first
/// chunk grows by doubling, so small dicts stay small.
#[derive(Clone)]
struct Arena<K: DictKey, V> {
    chunks: Vec<Vec<Slot<K, V>>>,
    len: usize,
}

/// log2 of the entries per chunk: about 64 KiB per chunk, between 16 and 65536 entries.
const fn chunk_shift(slot_size: usize) -> u32 {
    let per = 65536 / if slot_size == 0 { 1 } else { slot_size };
    let shift = if per < 2 { 1 } else { per.ilog2() };
    if shift < 4 {
        4
    } else if shift > 16 {
        16
    } else {
        shift
    }
}

impl<K: DictKey, V> Arena<K, V> {
    const SHIFT: u32 = chunk_shift(size_of::<Slot<K, V>>());
    const CHUNK: usize = 1 << Self::SHIFT;

    const fn new() -> Self {
        Arena {
            chunks: Vec::new(),
            len: 0,
        }
    }

    #[inline]
    fn get(&self, pos: usize) -> &Slot<K, V> {
        &self.chunks[pos >> Self::SHIFT][pos & (Self::CHUNK - 1)]
    }

    #[inline]
    fn get_mut(&mut self, pos: usize) -> &mut Slot<K, V> {
        &mut self.chunks[pos >> Self::SHIFT][pos & (Self::CHUNK - 1)]
    }

    fn push(&mut self, slot: Slot<K, V>) {
        let c = self.len >> Self::SHIFT;
        if c == self.chunks.len() {
            let cap = if c == 0 { MIN_SIZE } else { Self::CHUNK };
            self.chunks.push(Vec::with_capacity(cap));
        }
        let chunk = &mut self.chunks[c];
        if chunk.len() == chunk.capacity() {
            // Only the first chunk starts below full size.
            let cap = (chunk.capacity() * 2).clamp(MIN_SIZE, Self::CHUNK);
            chunk.reserve_exact(cap - chunk.len());
        }
        chunk.push(slot);
        self.len += 1;
    }

    /// Removes the last entry. Keeps at most one empty chunk beyond the next insert's chunk, and
    /// halves a lone first chunk once it is under a quarter full.
    fn pop(&mut self) -> Option<Slot<K, V>> {
        let last = self.len.checked_sub(1)?;
        let slot = self.chunks[last >> Self::SHIFT].pop()?;
        self.len = last;
        self.chunks.truncate((last >> Self::SHIFT) + 2);
        if let [only] = &mut self.chunks[..]
            && only.capacity() > 4 * MIN_SIZE
            && only.len() * 4 < only.capacity()
        {
            only.shrink_to(only.capacity() / 2);
        }
        Some(slot)
    }

    /// Removes the entry at `pos`, moving the last one into its place.
    fn swap_remove(&mut self, pos: usize) -> Slot<K, V> {
        let Some(last) = self.pop() else {
            unreachable!("dict: swap_remove on an empty arena")
        };
        if pos == self.len {
            last
        } else {
            std::mem::replace(self.get_mut(pos), last)
        }
    }

    fn shrink_to_fit(&mut self) {
        self.chunks.truncate(self.len.div_ceil(Self::CHUNK).max(1));
        if let [only] = &mut self.chunks[..] {
            only.shrink_to_fit();
        }
        self.chunks.shrink_to_fit();
    }

    /// Heap bytes held by the arena itself (not by keys or values).
    fn heap_bytes(&self) -> usize {
        let slots = match self.chunks.first() {
            Some(first) => first.capacity() + (self.chunks.len() - 1) * Self::CHUNK,
            None => 0,
        };
        self.chunks.capacity() * size_of::<Vec<Slot<K, V>>>() + slots * size_of::<Slot<K, V>>()
    }

    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = &Slot<K, V>> {
        self.chunks.iter().flatten()
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut Slot<K, V>> {
        self.chunks.iter_mut().flatten()
    }
}

/// A hash table from byte-string keys to `V`. See the module docs.
#[derive(Clone)]
pub struct Dict<K: DictKey, V> {
    arena: Arena<K, V>,
    /// Bucket heads (links). `ht[1]` is non-empty only while rehashing from `ht[0]` into it.
    ht: [Box<[u32]>; 2],
    /// Buckets of `ht[0]` below this index have been moved to `ht[1]`. 0 when not rehashing.
    rehash_idx: usize,
    /// Entries in `ht[0]`; the rest are in `ht[1]`.
    used0: usize,
    /// Non-empty buckets moved so far, to prove rehashing stays incremental.
    #[cfg(test)]
    moved_buckets: u64,
}

impl<K: DictKey, V> Default for Dict<K, V> {
    fn default() -> Self {
        Dict {
            arena: Arena::new(),
            ht: [Box::default(), Box::default()],
            rehash_idx: 0,
            used0: 0,
            #[cfg(test)]
            moved_buckets: 0,
        }
    }
}

impl<K: DictKey + fmt::Debug, V: fmt::Debug> fmt::Debug for Dict<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Buckets per block of the old table handed back to the OS while a rehash walks past it.
const RELEASE_BLOCK: usize = 64 * 1024;

/// Gives the pages of every whole [`RELEASE_BLOCK`] of `table` that the rehash index passed
/// between `from` and `to` back to the OS. Those buckets are all zero and zero-filled pages read
/// back the same, so nothing changes for readers; but freeing a big old table at the end of a
/// rehash then no longer has to unmap tens of megabytes in one go (a multi-millisecond stall).
fn release_passed(table: &mut [u32], from: usize, to: usize) {
    let first = from / RELEASE_BLOCK + 1;
    let last = to / RELEASE_BLOCK;
    for b in first..=last {
        let start = (b - 1) * RELEASE_BLOCK;
        let Some(block) = table.get_mut(start..b * RELEASE_BLOCK) else {
            break;
        };
        // Only whole pages inside the block.
        let page = 4096usize;
        let lo = (block.as_mut_ptr() as usize).next_multiple_of(page);
        let hi = (block.as_mut_ptr() as usize + std::mem::size_of_val(block)) & !(page - 1);
        if hi > lo {
            // SAFETY: [lo, hi) lies inside `table`'s allocation, which stays mapped; its
            // contents are zero, and MADV_DONTNEED on private anonymous memory reads back as
            // zero, so the slice's value is unchanged.
            unsafe {
                libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_DONTNEED);
            }
        }
    }
}

/// A zero-filled bucket array (the allocator can hand out fresh zero pages without touching them).
fn empty_table(size: usize) -> Box<[u32]> {
    vec![0u32; size].into_boxed_slice()
}

impl<K: DictKey, V> Dict<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.arena.len
    }

    pub fn is_empty(&self) -> bool {
        self.arena.len == 0
    }

    /// True while entries are being moved from the old table to the new one.
    pub fn is_rehashing(&self) -> bool {
        !self.ht[1].is_empty()
    }

    /// Bucket counts of the main table and of the table being rehashed into (0 if none).
    pub fn table_sizes(&self) -> (usize, usize) {
        (self.ht[0].len(), self.ht[1].len())
    }

    /// The table and bucket where an entry with hash `h` lives. Needs a non-empty `ht[0]`.
    #[inline]
    fn bucket_of(&self, h: u32) -> (usize, usize) {
        let b0 = h as usize & (self.ht[0].len() - 1);
        if b0 < self.rehash_idx {
            (1, h as usize & (self.ht[1].len() - 1))
        } else {
            (0, b0)
        }
    }

    fn find(&self, key: &[u8], h: u32) -> Option<usize> {
        if self.arena.len == 0 {
            return None;
        }
        let (t, b) = self.bucket_of(h);
        let mut cur = self.ht[t][b];
        while cur != 0 {
            let pos = cur as usize - 1;
            let s = self.arena.get(pos);
            if s.hash.get().is_none_or(|c| c == h) && s.key.borrow() == key {
                return Some(pos);
            }
            cur = s.next;
        }
        None
    }

    pub fn get(&self, key: &[u8]) -> Option<&V> {
        let pos = self.find(key, hash32(key))?;
        Some(&self.arena.get(pos).val)
    }

    /// The stored key and value.
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&K, &V)> {
        let s = self.arena.get(self.find(key, hash32(key))?);
        Some((&s.key, &s.val))
    }

    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.find(key, hash32(key)).is_some()
    }

    /// Mutable access to a value; also performs one rehash step.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        self.rehash(1);
        let pos = self.find(key, hash32(key))?;
        Some(&mut self.arena.get_mut(pos).val)
    }

    /// Inserts or replaces; returns the old value (the stored key is kept, as Redis's
    /// `dictReplace` does).
    pub fn insert(&mut self, key: K, val: V) -> Option<V> {
        self.rehash(1);
        let h = hash32(key.borrow());
        if let Some(pos) = self.find(key.borrow(), h) {
            return Some(std::mem::replace(&mut self.arena.get_mut(pos).val, val));
        }
        self.push_new(key, val, h);
        None
    }

    /// The entry for `key`, to read, update, remove or insert with one lookup. Performs one
    /// rehash step.
    pub fn entry(&mut self, key: &[u8]) -> Entry<'_, K, V> {
        self.rehash(1);
        let h = hash32(key);
        match self.find(key, h) {
            Some(pos) => Entry::Occupied(OccupiedEntry {
                dict: self,
                pos,
                hash: h,
            }),
            None => Entry::Vacant(VacantEntry {
                dict: self,
                hash: h,
            }),
        }
    }

    /// Adds an entry known to be absent; returns its position.
    fn push_new(&mut self, key: K, val: V, h: u32) -> usize {
        assert!(self.arena.len < MAX_ENTRIES, "dict: too many entries");
        self.expand_if_needed();
        let pos = self.arena.len;
        let (t, b) = self.bucket_of(h);
        let next = std::mem::replace(&mut self.ht[t][b], pos as u32 + 1);
        self.arena.push(Slot {
            key,
            val,
            hash: HashCache::new(h),
            next,
        });
        if t == 0 {
            self.used0 += 1;
        }
        pos
    }

    /// Removes `key`, returning the stored key and value. Performs one rehash step, and starts a
    /// shrink when the table falls under 10% full.
    pub fn remove(&mut self, key: &[u8]) -> Option<(K, V)> {
        self.rehash(1);
        let h = hash32(key);
        let pos = self.find(key, h)?;
        let out = self.remove_at(pos, h);
        self.shrink_if_needed();
        Some(out)
    }

    /// The link (bucket head or `next` field) pointing at `pos`, and the table it is in.
    fn link_to(&mut self, pos: usize, h: u32) -> (usize, &mut u32) {
        let (t, b) = self.bucket_of(h);
        let want = pos as u32 + 1;
        let mut cur = self.ht[t][b];
        if cur == want {
            return (t, &mut self.ht[t][b]);
        }
        loop {
            assert!(cur != 0, "dict: entry missing from its chain");
            let s = self.arena.get(cur as usize - 1);
            if s.next == want {
                return (t, &mut self.arena.get_mut(cur as usize - 1).next);
            }
            cur = s.next;
        }
    }

    /// Unlinks and removes the entry at `pos` (whose key hashes to `hash`), filling the hole
    /// with the last entry.
    fn remove_at(&mut self, pos: usize, hash: u32) -> (K, V) {
        let next = self.arena.get(pos).next;
        let (t, link) = self.link_to(pos, hash);
        *link = next;
        if t == 0 {
            self.used0 -= 1;
        }
        let last = self.arena.len - 1;
        if pos != last {
            let last_hash = self.arena.get(last).hash();
            *self.link_to(last, last_hash).1 = pos as u32 + 1;
        }
        let s = self.arena.swap_remove(pos);
        (s.key, s.val)
    }

    /// Keeps only the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let mut pos = 0;
        while pos < self.arena.len {
            let s = self.arena.get_mut(pos);
            if keep(&s.key, &mut s.val) {
                pos += 1;
            } else {
                // The last entry moves into `pos`; look at it next.
                let h = s.hash();
                self.remove_at(pos, h);
            }
        }
        self.shrink_if_needed();
    }

    /// Removes everything and frees the tables.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Makes room for `additional` more entries, starting an (incremental) grow if needed.
    pub fn reserve(&mut self, additional: usize) {
        let want = self.len().saturating_add(additional).min(MAX_ENTRIES);
        if want > self.ht[0].len() {
            self.resize(want);
        }
    }

    /// Starts shrinking the table to the smallest power of two holding every entry (Redis's
    /// `dictResize`), and trims the arena's spare capacity.
    pub fn shrink_to_fit(&mut self) {
        if resize_allowed() {
            self.resize(self.len());
        }
        self.arena.shrink_to_fit();
    }

    /// True when the table is under 10% full and would shrink (Redis's `htNeedsResize`).
    pub fn needs_shrink(&self) -> bool {
        let size = self.ht[0].len();
        size > MIN_SIZE && self.len() * 100 / size < MIN_FILL_PCT
    }

    fn shrink_if_needed(&mut self) {
        if !self.is_rehashing() && resize_allowed() && self.needs_shrink() {
            self.resize(self.len());
        }
    }

    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].len();
        if size == 0 {
            self.ht[0] = empty_table(MIN_SIZE);
            return;
        }
        let len = self.len();
        if len >= size && (resize_allowed() || len / size > FORCE_RESIZE_RATIO) {
            self.resize(len + 1);
        }
    }

    /// Starts rehashing into a table of the smallest power of two ≥ `want` (at least 4). An
    /// empty dict just swaps tables.
    fn resize(&mut self, want: usize) {
        if self.is_rehashing() || want < self.len() {
            return;
        }
        let size = want.clamp(MIN_SIZE, MAX_ENTRIES).next_power_of_two();
        if size == self.ht[0].len() {
            return;
        }
        if self.is_empty() {
            self.ht[0] = empty_table(size);
        } else {
            self.ht[1] = empty_table(size);
            self.rehash_idx = 0;
        }
    }

    /// Performs up to `n` rehash steps (each moves one non-empty bucket; at most `10 * n` empty
    /// buckets are skipped in all). Returns true if rehashing is still in progress.
    pub fn rehash_steps(&mut self, n: usize) -> bool {
        self.rehash(n)
    }

    /// Rehashes in 100-bucket steps until done or `max` has passed (for the event loop's idle
    /// turns; Redis spends 1 ms per cron tick). Returns the number of steps attempted.
    pub fn rehash_for(&mut self, max: Duration) -> usize {
        let start = Instant::now();
        let mut steps = 0;
        while self.is_rehashing() {
            steps += 100;
            if !self.rehash(100) || start.elapsed() >= max {
                break;
            }
        }
        steps
    }

    fn rehash(&mut self, n: usize) -> bool {
        let before = self.rehash_idx;
        let more = self.rehash_buckets(n);
        if more {
            release_passed(&mut self.ht[0], before, self.rehash_idx);
        }
        more
    }

    fn rehash_buckets(&mut self, n: usize) -> bool {
        if !self.is_rehashing() {
            return false;
        }
        let mut empty_visits = n.saturating_mul(EMPTY_VISITS_PER_STEP);
        let mask1 = self.ht[1].len() - 1;
        for _ in 0..n {
            if self.used0 == 0 {
                break;
            }
            // Entries remain in ht[0], all at or above rehash_idx, so this stays in bounds.
            while self.ht[0][self.rehash_idx] == 0 {
                self.rehash_idx += 1;
                empty_visits -= 1;
                if empty_visits == 0 {
                    return true;
                }
            }
            let [t0, t1] = &mut self.ht;
            let mut cur = std::mem::replace(&mut t0[self.rehash_idx], 0);
            while cur != 0 {
                let s = self.arena.get_mut(cur as usize - 1);
                let next = s.next;
                let b = s.hash() as usize & mask1;
                s.next = t1[b];
                t1[b] = cur;
                cur = next;
                self.used0 -= 1;
            }
            self.rehash_idx += 1;
            #[cfg(test)]
            {
                self.moved_buckets += 1;
            }
        }
        if self.used0 == 0 {
            self.ht[0] = std::mem::take(&mut self.ht[1]);
            self.used0 = self.arena.len;
            self.rehash_idx = 0;
            return false;
        }
        true
    }

    /// All entries, in unspecified order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter {
            chunks: self.arena.chunks.iter(),
            cur: [].iter(),
            left: self.arena.len,
        }
    }

    /// All entries with mutable values, in unspecified order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.arena.iter_mut().map(|s| (&s.key, &mut s.val))
    }

    /// The entry at position `pos` in `0..len()`. Positions are dense but change on every insert
    /// or removal; useful for picking distinct random entries (SRANDMEMBER with a count).
    pub fn get_at(&self, pos: usize) -> Option<(&K, &V)> {
        if pos >= self.arena.len {
            return None;
        }
        let s = self.arena.get(pos);
        Some((&s.key, &s.val))
    }

    /// One step of a SCAN: calls `f` on every entry of the bucket(s) `cursor` names and returns
    /// the next cursor (0 when the iteration is complete). Every entry present from the first call
    /// to the last is returned at least once, however the table is resized between calls; some
    /// may be returned more than once.
    ///
    /// The cursor counts through bucket indices with its bits reversed, so that when the table
    /// doubles or halves the buckets already visited map onto buckets still to skip. While
    /// rehashing it visits the small table's bucket and every bucket of the large table that
    /// expands from it (Redis's `dictScan`).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&K, &V)) -> u64 {
        if self.arena.len == 0 {
            return 0;
        }
        let mut emit = |table: &[u32], b: u64| {
            let mut cur = table[b as usize];
            while cur != 0 {
                let s = self.arena.get(cur as usize - 1);
                f(&s.key, &s.val);
                cur = s.next;
            }
        };
        let mut v = cursor;
        if !self.is_rehashing() {
            let m0 = self.ht[0].len() as u64 - 1;
            emit(&self.ht[0], v & m0);
            // Increment the reversed cursor: set the unused high bits so the carry flows on.
            v |= !m0;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
        } else {
            let (small, large) = if self.ht[0].len() <= self.ht[1].len() {
                (&self.ht[0], &self.ht[1])
            } else {
                (&self.ht[1], &self.ht[0])
            };
            let m0 = small.len() as u64 - 1;
            let m1 = large.len() as u64 - 1;
            emit(small, v & m0);
            // Then every large-table bucket whose low bits equal this small bucket.
            loop {
                emit(large, v & m1);
                v |= !m1;
                v = v.reverse_bits().wrapping_add(1).reverse_bits();
                if v & (m0 ^ m1) == 0 {
                    break;
                }
            }
        }
        v
    }

    /// A uniformly random entry (RANDOMKEY, HRANDFIELD, SPOP).
    pub fn random_entry(&self) -> Option<(&K, &V)> {
        if self.arena.len == 0 {
            return None;
        }
        self.get_at(rand_below(self.arena.len))
    }

    /// Calls `f` on up to `n` distinct entries from random positions (all of them if `n >= len`),
    /// for active expiry and eviction sampling like Redis's `dictGetSomeKeys`. Returns the count.
    /// Each entry is equally likely to be picked; picks are spread across the arena with a random
    /// start and a random stride coprime to the length.
    pub fn sample(&self, n: usize, mut f: impl FnMut(&K, &V)) -> usize {
        let len = self.arena.len;
        if n >= len {
            self.iter().for_each(|(k, v)| f(k, v));
            return len;
        }
        if n == 0 {
            return 0;
        }
        // len >= 2 here.
        let mut stride = 1;
        for _ in 0..8 {
            let s = 1 + rand_below(len - 1);
            if gcd(s, len) == 1 {
                stride = s;
                break;
            }
        }
        let mut pos = rand_below(len);
        for _ in 0..n {
            let s = self.arena.get(pos);
            f(&s.key, &s.val);
            pos += stride;
            if pos >= len {
                pos -= len;
            }
        }
        n
    }

    /// Bytes used by the dict's own structures: the struct, both bucket arrays and the entry
    /// arena (keys and values inline, with spare capacity). Heap memory owned by keys and values
    /// is not included.
    pub fn memory_usage(&self) -> usize {
        size_of::<Self>() + 4 * (self.ht[0].len() + self.ht[1].len()) + self.arena.heap_bytes()
    }
}

/// Per-entry bytes a dict adds beyond `K` and `V` in its arena slot (chain link and padding);
/// buckets add 4–8 bytes more per entry depending on the load factor.
pub const fn slot_overhead<K: DictKey, V>() -> usize {
    size_of::<Slot<K, V>>() - size_of::<K>() - size_of::<V>()
}

/// Iterator over a dict's entries, from [`Dict::iter`].
pub struct Iter<'a, K: DictKey, V> {
    chunks: std::slice::Iter<'a, Vec<Slot<K, V>>>,
    cur: std::slice::Iter<'a, Slot<K, V>>,
    left: usize,
}

impl<'a, K: DictKey, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(s) = self.cur.next() {
                self.left -= 1;
                return Some((&s.key, &s.val));
            }
            self.cur = self.chunks.next()?.iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<K: DictKey, V> ExactSizeIterator for Iter<'_, K, V> {}

/// A view into one key's place in a [`Dict`], from [`Dict::entry`].
pub enum Entry<'a, K: DictKey, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

/// An existing entry.
pub struct OccupiedEntry<'a, K: DictKey, V> {
    dict: &'a mut Dict<K, V>,
    pos: usize,
    hash: u32,
}

/// A missing key, ready to insert.
pub struct VacantEntry<'a, K: DictKey, V> {
    dict: &'a mut Dict<K, V>,
    hash: u32,
}

impl<'a, K: DictKey, V> Entry<'a, K, V> {
    /// The value, inserting the key and value `make` builds if absent (`make` must return the
    /// key that was looked up).
    pub fn or_insert_with(self, make: impl FnOnce() -> (K, V)) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let (k, val) = make();
                v.insert(k, val)
            }
        }
    }
}

impl<'a, K: DictKey, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.dict.arena.get(self.pos).key
    }

    pub fn get(&self) -> &V {
        &self.dict.arena.get(self.pos).val
    }

    pub fn get_mut(&mut self) -> &mut V {
        &mut self.dict.arena.get_mut(self.pos).val
    }

    pub fn into_mut(self) -> &'a mut V {
        &mut self.dict.arena.get_mut(self.pos).val
    }

    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, val: V) -> V {
        std::mem::replace(self.get_mut(), val)
    }

    /// Removes the entry (and may start a shrink, as [`Dict::remove`] does).
    pub fn remove(self) -> (K, V) {
        let out = self.dict.remove_at(self.pos, self.hash);
        self.dict.shrink_if_needed();
        out
    }
}

impl<'a, K: DictKey, V> VacantEntry<'a, K, V> {
    /// Inserts `key` (which must be the key looked up) with `val`.
    pub fn insert(self, key: K, val: V) -> &'a mut V {
        debug_assert_eq!(
            hash32(key.borrow()),
            self.hash,
            "dict: vacant entry key changed"
        );
        let pos = self.dict.push_new(key, val, self.hash);
        &mut self.dict.arena.get_mut(pos).val
    }
}

fn gcd(mut a: usize, mut b: usize) -> usize {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The per-process SipHash key: 16 bytes from /dev/urandom, else from std's random source.
fn hash_key() -> &'static [u64; 2] {
    static KEY: OnceLock<[u64; 2]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut a = [0u8; 8];
        let mut b = [0u8; 8];
        let read = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut a).and_then(|_| f.read_exact(&mut b)));
        match read {
            Ok(()) => [u64::from_le_bytes(a), u64::from_le_bytes(b)],
            Err(_) => {
                let s = RandomState::new();
                [s.hash_one(0x5eed_u64), s.hash_one(0xfeed_u64)]
            }
        }
    })
}

/// The dict hash of `key`: SipHash-1-2 (the variant Redis's dict uses; one finalization round
/// fewer than 1-3, a visible share of every key lookup) under the per-process random key.
pub fn hash_bytes(key: &[u8]) -> u64 {
    let [k0, k1] = *hash_key();
    siphash::<1, 2>(k0, k1, key)
}

#[inline]
fn hash32(key: &[u8]) -> u32 {
    hash_bytes(key) as u32
}

#[inline(always)]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

/// SipHash-C-D of `data` under the key `(k0, k1)`, in one pass.
fn siphash<const C: usize, const D: usize>(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let compress = |v: &mut [u64; 4], m: u64| {
        v[3] ^= m;
        for _ in 0..C {
            sip_round(v);
        }
        v[0] ^= m;
    };
    let (blocks, tail) = data.as_chunks::<8>();
    for block in blocks {
        compress(&mut v, u64::from_le_bytes(*block));
    }
    let mut last = (data.len() as u64) << 56;
    for (i, &byte) in tail.iter().enumerate() {
        last |= (byte as u64) << (8 * i);
    }
    compress(&mut v, last);
    v[2] ^= 0xff;
    for _ in 0..D {
        sip_round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// A uniform random number in `0..n` (n > 0), from a shared splitmix64 stream seeded with the
/// hash key. Not for cryptography.
fn rand_below(n: usize) -> usize {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut z = STATE
        .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
        .wrapping_add(hash_key()[0]);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    ((z as u128 * n as u128) >> 64) as usize
}

// ---------------------------------------------------------------------------------------------
// Eviction support (added by the maxmemory work, see `crate::evict`).

impl<K: DictKey, V> Dict<K, V> {
    /// Frees the arena's empty chunks past the one the next insert fills (removal keeps one as
    /// slack), and trims a lone first chunk to its entries (removal halves it only under a
    /// quarter full): under `maxmemory` an eviction gives back what it can at once.
    pub fn release_spare_chunks(&mut self) {
        let keep = self.arena.len.div_ceil(Arena::<K, V>::CHUNK).max(1);
        if self.arena.chunks.len() > keep {
            self.arena.chunks.truncate(keep);
        }
        if let [only] = &mut self.arena.chunks[..] {
            let want = only.len().max(MIN_SIZE);
            if only.capacity() > want {
                only.shrink_to(want);
            }
        }
    }
}

// DEBUG HTSTATS / HTSTATS-KEY (src/commands/debug.rs).
impl<K: DictKey, V> Dict<K, V> {
    /// Redis's `dictGetStats` text: the main table's figures, and the rehashing target's
    /// while a rehash is under way. Chain lengths are those of this table's own layout.
    pub fn stats(&self) -> String {
        let mut out = self.table_stats(0);
        if self.is_rehashing() {
            out.push_str(&self.table_stats(1));
        }
        out
    }

    fn table_stats(&self, t: usize) -> String {
        use std::fmt::Write;
        let name = if t == 0 {
            "main hash table"
        } else {
            "rehashing target"
        };
        let used = if t == 0 {
            self.used0
        } else {
            self.arena.len - self.used0
        };
        let mut out = format!("Hash table {t} stats ({name}):\n");
        // Redis puts a key that triggers growth into the new table at once, so its rehash
        // target is never empty; here it can be, and its size is still worth showing.
        if used == 0 && t == 1 {
            let _ = write!(
                out,
                " table size: {}\n number of elements: 0\n different slots: 0\n max chain length: 0\n avg chain length (counted): 0.00\n avg chain length (computed): 0.00\n Chain length distribution:\n   0: {} (100.00%)\n",
                self.ht[1].len(),
                self.ht[1].len()
            );
            return out;
        }
        if used == 0 {
            out.push_str("No stats available for empty dictionaries\n");
            return out;
        }
        const VECTLEN: usize = 50;
        let table = &self.ht[t];
        let mut clvector = [0usize; VECTLEN];
        let (mut slots, mut max_chain, mut total_chain) = (0usize, 0usize, 0usize);
        for &head in table.iter() {
            if head == 0 {
                clvector[0] += 1;
                continue;
            }
            slots += 1;
            let mut len = 0usize;
            let mut cur = head;
            while cur != 0 {
                len += 1;
                cur = self.arena.get(cur as usize - 1).next;
            }
            clvector[len.min(VECTLEN - 1)] += 1;
            max_chain = max_chain.max(len);
            total_chain += len;
        }
        let _ = write!(
            out,
            " table size: {}\n number of elements: {used}\n different slots: {slots}\n max chain length: {max_chain}\n avg chain length (counted): {:.2}\n avg chain length (computed): {:.2}\n Chain length distribution:\n",
            table.len(),
            total_chain as f32 / slots as f32,
            used as f32 / slots as f32,
        );
        for (i, &n) in clvector.iter().enumerate().take(VECTLEN - 1) {
            if n != 0 {
                let pct = n as f32 / table.len() as f32 * 100.0;
                let _ = writeln!(out, "   {i}: {n} ({pct:.2}%)");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    type D = Dict<Box<[u8]>, u64>;

    /// `set_resize_allowed` is process-wide: the test that flips it holds this exclusively, tests
    /// that count resizes hold it shared.
    static RESIZE_POLICY: std::sync::RwLock<()> = std::sync::RwLock::new(());

    fn default_policy() -> std::sync::RwLockReadGuard<'static, ()> {
        RESIZE_POLICY.read().unwrap_or_else(|e| e.into_inner())
    }

    /// xorshift64*: a small seeded generator so every schedule is reproducible from its seed.
    struct Rng(u64);

    impl Rng {
        fn new(seed: u64) -> Self {
            Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
        }

        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            ((self.next() as u128 * n as u128) >> 64) as usize
        }
    }

    /// Distinct keys of varied lengths (0 to ~30 bytes), to cover every SipHash tail length.
    fn key(n: usize) -> Vec<u8> {
        if n == 0 {
            return Vec::new();
        }
        let mut k = format!("{n}:").into_bytes();
        k.resize(k.len() + n % 23, b'x');
        k
    }

    fn bkey(n: usize) -> Box<[u8]> {
        key(n).into_boxed_slice()
    }

    impl<K: DictKey, V> Dict<K, V> {
        /// Checks every structural invariant: each entry is reachable exactly once, from the chain
        /// its hash and the rehash index select; counts and hashes agree.
        fn check(&self) {
            let len = self.len();
            let mut reached = vec![false; len];
            let mut in_t0 = 0;
            for t in 0..2 {
                for (b, &head) in self.ht[t].iter().enumerate() {
                    if t == 0 && b < self.rehash_idx {
                        assert_eq!(head, 0, "moved bucket {b} not empty");
                    }
                    let mut cur = head;
                    while cur != 0 {
                        let pos = cur as usize - 1;
                        assert!(pos < len, "link past the end");
                        assert!(!reached[pos], "entry {pos} linked twice");
                        reached[pos] = true;
                        let s = self.arena.get(pos);
                        let h = hash32(s.key.borrow());
                        assert_eq!(s.hash(), h, "stale hash");
                        assert_eq!(self.bucket_of(h), (t, b), "entry in the wrong chain");
                        if t == 0 {
                            in_t0 += 1;
                        }
                        cur = s.next;
                    }
                }
            }
            assert!(reached.iter().all(|&r| r), "unreachable entry");
            assert_eq!(in_t0, self.used0);
            if !self.is_rehashing() {
                assert_eq!(self.rehash_idx, 0);
            }
            let size = self.ht[0].len();
            assert!(size == 0 || size.is_power_of_two());
            assert_eq!(self.arena.iter().count(), len);
        }
    }

    fn assert_same<K: DictKey>(d: &Dict<K, u64>, m: &HashMap<Vec<u8>, u64>, ctx: &str) {
        d.check();
        assert_eq!(d.len(), m.len(), "{ctx}");
        let got: HashMap<Vec<u8>, u64> = d.iter().map(|(k, v)| (k.borrow().to_vec(), *v)).collect();
        assert_eq!(&got, m, "{ctx}");
    }

    #[test]
    fn siphash_matches_reference() {
        // SipHash-2-4 test vector from the SipHash paper (key 00..0f, message 00..0e).
        let k0 = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
        let k1 = u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]);
        let msg: Vec<u8> = (0..15).collect();
        assert_eq!(siphash::<2, 4>(k0, k1, &msg), 0xa129_ca61_49be_45e5);
        // And std's SipHash-2-4 on every length up to 40, so the block/tail split is right.
        let mut rng = Rng::new(7);
        for len in 0..40 {
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let (a, b) = (rng.next(), rng.next());
            #[allow(deprecated)]
            let mut h = std::hash::SipHasher::new_with_keys(a, b);
            std::hash::Hasher::write(&mut h, &data);
            assert_eq!(siphash::<2, 4>(a, b, &data), std::hash::Hasher::finish(&h));
        }
    }

    #[test]
    fn basic_api() {
        let mut d = D::new();
        assert!(d.is_empty());
        assert_eq!(d.get(b"a"), None);
        assert_eq!(d.remove(b"a"), None);
        assert_eq!(d.scan(0, |_, _| panic!("empty")), 0);
        assert!(d.random_entry().is_none());
        assert_eq!(d.insert(b"a"[..].into(), 1), None);
        assert_eq!(d.insert(b"a"[..].into(), 2), Some(1));
        assert_eq!(d.insert(b""[..].into(), 3), None);
        assert_eq!(d.len(), 2);
        assert_eq!(d.get(b"a"), Some(&2));
        assert_eq!(d.get(b""), Some(&3));
        assert!(d.contains_key(b"a") && !d.contains_key(b"b"));
        *d.get_mut(b"a").unwrap() += 10;
        assert_eq!(d.get_key_value(b"a"), Some((&b"a"[..].into(), &12)));
        match d.entry(b"a") {
            Entry::Occupied(mut o) => {
                assert_eq!(o.key()[..], b"a"[..]);
                assert_eq!(o.insert(20), 12);
            }
            Entry::Vacant(_) => panic!("a is present"),
        }
        *d.entry(b"c").or_insert_with(|| (b"c"[..].into(), 0)) += 5;
        *d.entry(b"c").or_insert_with(|| (b"c"[..].into(), 0)) += 5;
        assert_eq!(d.get(b"c"), Some(&10));
        match d.entry(b"") {
            Entry::Occupied(o) => assert_eq!(o.remove(), (b""[..].into(), 3)),
            Entry::Vacant(_) => panic!("empty key is present"),
        }
        assert_eq!(d.remove(b"a"), Some((b"a"[..].into(), 20)));
        assert_eq!(d.len(), 1);
        d.check();
        for (_, v) in d.iter_mut() {
            *v = 99;
        }
        assert_eq!(d.get(b"c"), Some(&99));
        d.clear();
        assert!(d.is_empty());
        assert_eq!(d.table_sizes(), (0, 0));
        assert!(format!("{d:?}") == "{}");
    }

    /// Random operations against a std HashMap model, with phases that grow the dict and phases
    /// that empty it, so grow and shrink rehashes start and run while everything else happens.
    #[test]
    fn matches_hashmap_model() {
        model_test::<Box<[u8]>>();
    }

    /// The same with inline keys, whose slots do not cache the hash.
    #[test]
    fn matches_hashmap_model_inline_keys() {
        model_test::<crate::db::sbytes::KeyBytes>();
    }

    fn model_test<K: DictKey + From<Vec<u8>> + PartialEq + fmt::Debug>() {
        let _policy = default_policy();
        let mut grows = 0;
        let mut shrinks = 0;
        for seed in 0..48 {
            let mut rng = Rng::new(seed);
            let mut d = Dict::<K, u64>::new();
            let mut m: HashMap<Vec<u8>, u64> = HashMap::new();
            let space = [8, 200, 3000, 20000][seed as usize % 4];
            for step in 0..8000 {
                let ctx = format!("seed {seed} step {step}");
                let growing = (step / 1000) % 2 == 0;
                let n = rng.below(space);
                let k = key(n);
                let val = rng.next();
                let sizes = d.table_sizes();
                match rng.below(100) {
                    0..=44 if growing => {
                        assert_eq!(d.insert(k.clone().into(), val), m.insert(k, val), "{ctx}")
                    }
                    0..=9 => assert_eq!(d.insert(k.clone().into(), val), m.insert(k, val), "{ctx}"),
                    10..=54 if !growing => {
                        let want = m.remove(&k).map(|v| (K::from(k.clone()), v));
                        assert_eq!(d.remove(&k), want, "{ctx}");
                    }
                    10..=19 => {
                        let want = m.remove(&k).map(|v| (K::from(k.clone()), v));
                        assert_eq!(d.remove(&k), want, "{ctx}");
                    }
                    55..=69 => assert_eq!(d.get(&k), m.get(&k), "{ctx}"),
                    70..=74 => assert_eq!(d.contains_key(&k), m.contains_key(&k), "{ctx}"),
                    75..=82 => {
                        if let Some(v) = d.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                        if let Some(v) = m.get_mut(&k) {
                            *v = v.wrapping_add(1);
                        }
                        assert_eq!(d.get(&k), m.get(&k), "{ctx}");
                    }
                    83..=90 => {
                        let kk = k.clone();
                        let got = *d.entry(&k).or_insert_with(|| (kk.into(), val));
                        assert_eq!(got, *m.entry(k).or_insert(val), "{ctx}");
                    }
                    91..=94 => match (d.entry(&k), m.remove(&k)) {
                        (Entry::Occupied(o), Some(v)) => assert_eq!(o.remove().1, v, "{ctx}"),
                        (Entry::Vacant(_), None) => {}
                        _ => panic!("{ctx}: entry disagrees"),
                    },
                    95 => {
                        d.rehash_steps(rng.below(5));
                    }
                    96 => {
                        if let Some((k, v)) = d.random_entry() {
                            assert_eq!(m.get(k.borrow()), Some(v), "{ctx}");
                        }
                        let mut seen = HashSet::new();
                        let got = d.sample(rng.below(30), |k, v| {
                            assert_eq!(m.get(k.borrow()), Some(v));
                            assert!(seen.insert(k.borrow().to_vec()), "sample repeated a key");
                        });
                        assert_eq!(got, seen.len());
                    }
                    97 => {
                        let r = rng.next();
                        d.retain(|k, _| !(hash32(k.borrow()) as u64 ^ r).is_multiple_of(8));
                        m.retain(|k, _| !(hash32(k) as u64 ^ r).is_multiple_of(8));
                        assert_same(&d, &m, &ctx);
                    }
                    98 => d.shrink_to_fit(),
                    99 if rng.below(20) == 0 => {
                        d.clear();
                        m.clear();
                    }
                    _ => assert_eq!(d.get(&k), m.get(&k), "{ctx}"),
                }
                let after = d.table_sizes();
                if after.1 > 0 && sizes.1 == 0 {
                    if after.1 > after.0 {
                        grows += 1;
                    } else {
                        shrinks += 1;
                    }
                }
                if step % 250 == 0 {
                    assert_same(&d, &m, &ctx);
                }
            }
            assert_same(&d, &m, &format!("seed {seed} end"));
        }
        assert!(
            grows > 100 && shrinks > 50,
            "grows {grows} shrinks {shrinks}"
        );
    }

    /// Growing from 0 to 1M entries never moves more than one bucket (nor skips more than 10
    /// empty ones) per insert; nor does shrinking back down per removal.
    #[test]
    fn rehash_is_incremental() {
        let _policy = default_policy();
        const N: usize = 1_000_000;
        let mut d: Dict<Box<[u8]>, ()> = Dict::new();
        let mut rehashing_inserts = 0;
        for i in 0..N {
            let (moved, idx, sizes) = (d.moved_buckets, d.rehash_idx, d.table_sizes());
            d.insert(bkey(i + 1), ());
            assert!(
                d.moved_buckets - moved <= 1,
                "insert {i} moved several buckets"
            );
            if sizes.1 > 0 && d.table_sizes() == sizes {
                assert!(d.rehash_idx - idx <= EMPTY_VISITS_PER_STEP, "insert {i}");
                rehashing_inserts += 1;
            }
        }
        assert_eq!(d.len(), N);
        assert!(d.ht[0].len() + d.ht[1].len() >= N);
        assert!(rehashing_inserts > N / 4, "{rehashing_inserts}");
        while d.rehash_steps(1) {}
        d.check();
        assert_eq!(d.table_sizes(), (1 << 20, 0));

        // Shrink: remove all but 10; every removal moves at most one bucket.
        let mut shrinking = 0;
        for i in 10..N {
            let moved = d.moved_buckets;
            assert!(d.remove(&key(i + 1)).is_some());
            assert!(
                d.moved_buckets - moved <= 1,
                "remove {i} moved several buckets"
            );
            shrinking += d.is_rehashing() as usize;
        }
        assert!(shrinking > 0);
        let mut steps = 0;
        while d.rehash_for(Duration::from_millis(1)) > 0 {
            steps += 1;
        }
        assert!(steps > 0 || !d.is_rehashing());
        d.shrink_to_fit();
        while d.rehash_steps(100) {}
        assert_eq!(d.table_sizes(), (16, 0));
        d.check();
        assert!(d.memory_usage() < 4096, "{}", d.memory_usage());
    }

    fn scan_all<K: DictKey, V>(d: &Dict<K, V>) -> HashMap<Vec<u8>, usize> {
        let mut seen = HashMap::new();
        let mut cursor = 0;
        loop {
            cursor = d.scan(cursor, |k, _| {
                *seen.entry(k.borrow().to_vec()).or_insert(0) += 1
            });
            if cursor == 0 {
                return seen;
            }
        }
    }

    /// Without changes between calls, a scan returns each entry exactly once, whether or not a
    /// rehash is in progress (it does not advance during the scan).
    #[test]
    fn scan_without_changes_is_exact() {
        let _policy = default_policy();
        for n in [0, 1, 3, 4, 5, 17, 100, 1000, 4097] {
            let mut d: Dict<Box<[u8]>, ()> = Dict::new();
            for i in 0..n {
                d.insert(bkey(i + 1), ());
            }
            while d.rehash_steps(1) {}
            let seen = scan_all(&d);
            assert_eq!(seen.len(), n);
            assert!(seen.values().all(|&c| c == 1), "n {n}");
        }
        // Caught mid-grow.
        let mut d: Dict<Box<[u8]>, ()> = Dict::new();
        let mut i = 0;
        while i < 600 || !d.is_rehashing() {
            i += 1;
            d.insert(bkey(i), ());
        }
        d.rehash_steps(3);
        assert!(d.is_rehashing());
        let seen = scan_all(&d);
        assert_eq!(seen.len(), i);
        assert!(seen.values().all(|&c| c == 1));
        // Caught mid-shrink.
        while d.rehash_steps(1) {}
        let mut j = 0;
        while !d.is_rehashing() {
            j += 1;
            d.remove(&key(j));
        }
        assert!(d.table_sizes().0 > d.table_sizes().1);
        let seen = scan_all(&d);
        assert_eq!(seen.len(), i - j);
        assert!(seen.values().all(|&c| c == 1));
    }

    /// The SCAN guarantee: keys present for the whole iteration are all returned, over many random
    /// schedules that grow and shrink the table (leaving rehashes in progress) and insert and
    /// delete other keys between calls.
    #[test]
    fn scan_returns_every_stable_key() {
        let _policy = default_policy();
        let mut calls_mid_rehash = 0;
        let mut resized_during_scan = [0, 0];
        for seed in 0..400u64 {
            let mut rng = Rng::new(seed);
            let mut d: Dict<Box<[u8]>, ()> = Dict::new();
            let stable: Vec<Vec<u8>> = (0..1 + rng.below(300)).map(|i| key(2 * i + 1)).collect();
            let mut volatile: Vec<Vec<u8>> = Vec::new();
            let mut next_id = 0;
            let fresh = |next_id: &mut usize| {
                *next_id += 1;
                key(2 * *next_id)
            };
            for k in &stable {
                d.insert(k.clone().into(), ());
            }
            for _ in 0..rng.below(3000) {
                let k = fresh(&mut next_id);
                d.insert(k.clone().into(), ());
                volatile.push(k);
            }
            if rng.below(2) == 0 {
                while d.rehash_steps(1) {}
            }
            let mut seen = HashSet::new();
            let mut cursor = 0;
            let mut calls = 0;
            loop {
                if d.is_rehashing() {
                    calls_mid_rehash += 1;
                }
                let before = d.table_sizes().0;
                cursor = d.scan(cursor, |k, _| {
                    seen.insert(k.to_vec());
                });
                if cursor == 0 {
                    break;
                }
                calls += 1;
                assert!(calls < 1_000_000, "seed {seed}: scan does not end");
                match rng.below(10) {
                    // Grow burst: up to doubling the volatile set (capped).
                    0 | 1 if volatile.len() < 20_000 => {
                        for _ in 0..rng.below(volatile.len() + 50) {
                            let k = fresh(&mut next_id);
                            d.insert(k.clone().into(), ());
                            volatile.push(k);
                        }
                    }
                    // Shrink burst: delete most volatile keys.
                    2 => {
                        let keep = rng.below(volatile.len() / 8 + 1);
                        while volatile.len() > keep {
                            let i = rng.below(volatile.len());
                            let k = volatile.swap_remove(i);
                            assert!(d.remove(&k).is_some());
                        }
                    }
                    3 => {
                        d.rehash_steps(rng.below(50));
                    }
                    4..=7 => {
                        for _ in 0..rng.below(8) {
                            if rng.below(2) == 0 && !volatile.is_empty() {
                                let i = rng.below(volatile.len());
                                let k = volatile.swap_remove(i);
                                assert!(d.remove(&k).is_some());
                            } else {
                                let k = fresh(&mut next_id);
                                d.insert(k.clone().into(), ());
                                volatile.push(k);
                            }
                        }
                    }
                    _ => {}
                }
                let after = d.table_sizes().0;
                if after > before {
                    resized_during_scan[0] += 1;
                } else if after < before {
                    resized_during_scan[1] += 1;
                }
            }
            for k in &stable {
                assert!(seen.contains(k), "seed {seed}: scan missed {k:?}");
            }
            d.check();
        }
        assert!(calls_mid_rehash > 1000, "{calls_mid_rehash}");
        assert!(
            resized_during_scan[0] > 100 && resized_during_scan[1] > 100,
            "{resized_during_scan:?}"
        );
    }

    #[test]
    fn random_entry_is_fair() {
        let mut d: Dict<Box<[u8]>, usize> = Dict::new();
        for i in 0..100 {
            d.insert(bkey(i + 1), i);
        }
        // Remove and re-add some so positions are shuffled.
        for i in (0..100).step_by(3) {
            d.remove(&key(i + 1));
            d.insert(bkey(i + 1), i);
        }
        let mut counts = [0u32; 100];
        for _ in 0..100_000 {
            counts[*d.random_entry().unwrap().1] += 1;
        }
        // Expected 1000 each, standard deviation ~31.
        assert!(
            counts.iter().all(|&c| (800..1200).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn sample_returns_distinct_present_entries() {
        let mut d: Dict<Box<[u8]>, usize> = Dict::new();
        assert_eq!(d.sample(5, |_, _| panic!("empty")), 0);
        for i in 0..1000 {
            d.insert(bkey(i + 1), i);
        }
        let mut hits = vec![0u32; 1000];
        for _ in 0..2000 {
            let mut seen = HashSet::new();
            assert_eq!(d.sample(20, |_, &v| assert!(seen.insert(v))), 20);
            for v in seen {
                hits[v] += 1;
            }
        }
        // Each entry is picked with probability 20/1000 per call: ~40 of 2000.
        assert!(hits.iter().all(|&h| (5..100).contains(&h)), "{hits:?}");
        let mut all = 0;
        assert_eq!(d.sample(5000, |_, _| all += 1), 1000);
        assert_eq!(all, 1000);
        assert_eq!(d.sample(0, |_, _| panic!("n is 0")), 0);
    }

    #[test]
    fn resize_policy() {
        let _policy = RESIZE_POLICY.write().unwrap_or_else(|e| e.into_inner());
        let mut d: Dict<Box<[u8]>, ()> = Dict::new();
        for i in 0..4 {
            d.insert(bkey(i + 1), ());
        }
        assert_eq!(d.table_sizes(), (4, 0));
        d.insert(bkey(5), ());
        // Load factor 1 reached: grows to the next power of two above 5.
        assert_eq!(d.table_sizes(), (4, 8));
        while d.rehash_steps(1) {}
        // Resizing forbidden: grows only past 5 entries per bucket.
        set_resize_allowed(false);
        for i in 5..48 {
            d.insert(bkey(i + 1), ());
        }
        assert_eq!(d.table_sizes(), (8, 0));
        d.insert(bkey(49), ());
        assert_eq!(d.table_sizes(), (8, 64));
        set_resize_allowed(true);
        while d.rehash_steps(1) {}
        // Shrinks once under 10% full, to the next power of two holding every entry.
        for i in 6..49 {
            d.remove(&key(i + 1));
        }
        assert_eq!(d.len(), 6);
        assert_eq!(d.table_sizes(), (64, 8));
        while d.rehash_steps(1) {}
        d.reserve(100);
        assert_eq!(d.table_sizes(), (8, 128));
        d.check();
        d.clear();
        d.reserve(10);
        assert_eq!(d.table_sizes(), (16, 0));
        assert!(slot_overhead::<Box<[u8]>, ()>() == 8);
    }

    /// Micro-benchmark against std's HashMap (SipHash-1-3 too) on 1M short keys. Run with
    /// `cargo test --release --lib dict::tests::bench -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_vs_std_hashmap() {
        use std::hint::black_box;
        const N: usize = 1_000_000;
        let keys: Vec<Vec<u8>> = (0..N).map(|i| format!("key:{i:08}").into_bytes()).collect();
        let mut order: Vec<usize> = (0..N).collect();
        let mut rng = Rng::new(1);
        for i in (1..N).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let misses: Vec<Vec<u8>> = (0..N)
            .map(|i| format!("nokey:{i:06}").into_bytes())
            .collect();
        let time = |f: &mut dyn FnMut()| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        };
        for round in 0..3 {
            let mut d: Dict<Box<[u8]>, u64> = Dict::new();
            let mut h: HashMap<Box<[u8]>, u64> = HashMap::new();
            let ti_d = time(&mut || {
                for (i, k) in keys.iter().enumerate() {
                    d.insert(k[..].into(), i as u64);
                }
            });
            let ti_h = time(&mut || {
                for (i, k) in keys.iter().enumerate() {
                    h.insert(k[..].into(), i as u64);
                }
            });
            let tg_d = time(&mut || {
                for &i in &order {
                    black_box(d.get(&keys[i]));
                }
            });
            let tg_h = time(&mut || {
                for &i in &order {
                    black_box(h.get(&keys[i][..]));
                }
            });
            let tm_d = time(&mut || {
                for k in &misses {
                    black_box(d.get(k));
                }
            });
            let tm_h = time(&mut || {
                for k in &misses {
                    black_box(h.get(&k[..]));
                }
            });
            let tr_d = time(&mut || {
                for &i in &order {
                    black_box(d.remove(&keys[i]));
                }
            });
            let tr_h = time(&mut || {
                for &i in &order {
                    black_box(h.remove(&keys[i][..]));
                }
            });
            let ns = |t: f64| t * 1e9 / N as f64;
            println!(
                "round {round}: insert {:.0}/{:.0} ns = {:.2}x, hit {:.0}/{:.0} ns = {:.2}x, \
                 miss {:.0}/{:.0} ns = {:.2}x, remove {:.0}/{:.0} ns = {:.2}x (dict/std)",
                ns(ti_d),
                ns(ti_h),
                ti_d / ti_h,
                ns(tg_d),
                ns(tg_h),
                tg_d / tg_h,
                ns(tm_d),
                ns(tm_h),
                tm_d / tm_h,
                ns(tr_d),
                ns(tr_h),
                tr_d / tr_h,
            );
        }
        // Memory at 1M entries: dict measured, HashMap from hashbrown's layout (one control byte
        // per bucket plus 16, buckets = next power of two of capacity * 8 / 7).
        let mut d: Dict<Box<[u8]>, u64> = Dict::new();
        let mut h: HashMap<Box<[u8]>, u64> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            d.insert(k[..].into(), i as u64);
            h.insert(k[..].into(), i as u64);
        }
        let payload = size_of::<(Box<[u8]>, u64)>();
        let buckets = (h.capacity() * 8 / 7).next_power_of_two();
        let std_bytes = buckets * (payload + 1) + 16;
        println!(
            "memory at {N}: dict {} B ({:.1} B/entry over K+V), std {} B ({:.1} B/entry over K+V)",
            d.memory_usage(),
            d.memory_usage() as f64 / N as f64 - payload as f64,
            std_bytes,
            std_bytes as f64 / N as f64 - payload as f64,
        );
    }
}
