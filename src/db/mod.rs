//! The keyspace: one [`Db`] per logical database, each a dict of keys to [`Entry`]s, with lazy
//! expiry on every access path.

pub mod dict;
pub mod expire;
pub mod hash;
pub mod lfu;
pub mod list;
pub mod sbytes;
pub mod set;
pub mod value;
pub mod zset;

use crate::error::CmdError;
use dict::Dict;
use sbytes::KeyBytes;
pub use value::{StrValue, Value};

/// No expire set.
pub const NO_EXPIRE: i64 = -1;

/// Set while the AOF is replayed: keys do not expire then (Redis's `keyIsExpired` while
/// loading), so the replay sees the keys the original commands saw.
static LOADING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_loading(on: bool) {
    LOADING.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub fn loading() -> bool {
    LOADING.load(std::sync::atomic::Ordering::Relaxed)
}

/// A key's value plus its metadata.
#[derive(Clone)]
pub struct Entry {
    pub value: Value,
    /// Absolute expire time in Unix milliseconds, or [`NO_EXPIRE`].
    pub expire_ms: i64,
    /// Access clock: the LRU clock (seconds) of the last access, or under an LFU policy the
    /// decay time and access counter (see [`lfu`]).
    pub lru: u32,
}

impl Entry {
    pub fn new(value: Value) -> Self {
        Entry {
            value,
            expire_ms: NO_EXPIRE,
            lru: lfu::new_lru(),
        }
    }
}

static LRU_CLOCK: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// The LRU clock: seconds, wrapping at 24 bits as Redis's does. Cached: refreshed by
/// [`update_lru_clock`] from the cron (`hz` times a second), like Redis's `server.lruclock`.
pub fn lru_clock() -> u32 {
    let v = LRU_CLOCK.load(std::sync::atomic::Ordering::Relaxed);
    if v == 0 { update_lru_clock() } else { v }
}

/// Recomputes the cached LRU clock from the wall clock.
pub fn update_lru_clock() -> u32 {
    let v = ((crate::util::now_ms() / 1000) & 0xFF_FFFF) as u32;
    LRU_CLOCK.store(v, std::sync::atomic::Ordering::Relaxed);
    v
}

/// One logical database.
#[derive(Default)]
pub struct Db {
    /// Keys inline up to 19 bytes: with the 40-byte [`Entry`] and the dict's 4-byte link, a
    /// short key costs one 64-byte arena slot plus a 4-byte bucket.
    dict: Dict<KeyBytes, Entry>,
    /// Number of keys with an expire set.
    expires: usize,
    pub hits: u64,
    pub misses: u64,
    pub expired: u64,
    /// Average TTL estimate in ms (INFO keyspace's avg_ttl).
    pub avg_ttl: i64,
    /// Where active expiry resumes its walk of the table (a SCAN cursor).
    expire_cursor: u64,
    /// Keys expired since propagation last looked (see [`Db::log_expired`]).
    expired_log: Vec<Box<[u8]>>,
}

impl Db {
    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    pub fn expires_len(&self) -> usize {
        self.expires
    }

    pub fn clear(&mut self) {
        self.dict = Dict::new();
        self.expires = 0;
    }

    /// Idle-time upkeep from the server cron (Redis's `databasesCron`): start shrinking a table
    /// that fell under 10% full, and spend up to `budget` moving buckets of a resize in progress.
    /// Returns true if it did rehash work.
    pub fn cron_resize(&mut self, budget: std::time::Duration) -> bool {
        if !self.dict.is_rehashing() && self.dict.needs_shrink() {
            self.dict.shrink_to_fit();
        }
        if self.dict.is_rehashing() {
            self.dict.rehash_for(budget);
            return true;
        }
        false
    }

    /// Deletes `key` if its time has passed. Returns true when it was expired.
    fn expire_if_needed(&mut self, key: &[u8], now: i64) -> bool {
        let expired = match self.dict.get(key) {
            Some(e) => e.expire_ms != NO_EXPIRE && e.expire_ms <= now && !loading(),
            None => false,
        };
        if expired {
            self.remove(key);
            self.expired += 1;
            self.log_expired(key);
        }
        expired
    }

    /// The live entry at `key` (no stats, no LRU touch).
    pub fn peek(&mut self, key: &[u8], now: i64) -> Option<&mut Entry> {
        self.expire_if_needed(key, now);
        self.dict.get_mut(key)
    }

    /// Looks `key` up for reading: counts a hit or miss and touches the LRU clock.
    pub fn lookup_read(&mut self, key: &[u8], now: i64) -> Option<&mut Entry> {
        self.expire_if_needed(key, now);
        match self.dict.get_mut(key) {
            Some(e) => {
                self.hits += 1;
                lfu::touch(&mut e.lru);
                Some(e)
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    /// [`Db::lookup_read`] for a command that looks members or fields up (or picks random
    /// ones): like Redis's dict lookups, each of its `lookups` moves a resizing set or hash
    /// table one rehash step on.
    pub fn lookup_read_stepping(
        &mut self,
        key: &[u8],
        now: i64,
        lookups: usize,
    ) -> Option<&mut Entry> {
        let e = self.lookup_read(key, now)?;
        match &mut e.value {
            Value::Set(s) => s.rehash_steps(lookups),
            Value::Hash(h) => h.rehash_steps(lookups),
            _ => {}
        }
        Some(e)
    }

    /// Looks `key` up for writing (no hit/miss stats).
    pub fn lookup_write(&mut self, key: &[u8], now: i64) -> Option<&mut Entry> {
        self.expire_if_needed(key, now);
        let e = self.dict.get_mut(key)?;
        lfu::touch(&mut e.lru);
        Some(e)
    }

    pub fn exists(&mut self, key: &[u8], now: i64) -> bool {
        self.expire_if_needed(key, now);
        self.dict.contains_key(key)
    }

    /// Sets `key` to `value`, clearing any expire (like Redis's `setKey` without KEEPTTL).
    pub fn set(&mut self, key: &[u8], value: Value) {
        let mut entry = Entry::new(value);
        // Under LFU an overwrite keeps the old counter, touched (Redis's dbOverwrite after
        // lookupKeyWrite).
        if lfu::enabled()
            && let Some(old) = self.dict.get(key)
        {
            entry.lru = old.lru;
            lfu::touch(&mut entry.lru);
        }
        let old = self.dict.insert(key.into(), entry);
        if let Some(old) = old
            && old.expire_ms != NO_EXPIRE
        {
            self.expires -= 1;
        }
    }

    /// Replaces the value at `key`, keeping its expire; inserts with no expire if absent.
    pub fn set_keep_ttl(&mut self, key: &[u8], value: Value) {
        match self.dict.get_mut(key) {
            Some(e) => {
                e.value = value;
                lfu::touch(&mut e.lru);
            }
            None => {
                self.dict.insert(key.into(), Entry::new(value));
            }
        }
    }

    /// The entry at `key`, created with `make` if absent. Used by commands that create on write.
    pub fn entry_or_insert(
        &mut self,
        key: &[u8],
        now: i64,
        make: impl FnOnce() -> Value,
    ) -> &mut Entry {
        self.expire_if_needed(key, now);
        // An existing key is touched (Redis's lookupKeyWrite); a new one starts fresh.
        let fresh = !self.dict.contains_key(key);
        if fresh {
            self.dict.insert(key.into(), Entry::new(make()));
        }
        match self.dict.get_mut(key) {
            Some(e) => {
                if !fresh {
                    lfu::touch(&mut e.lru);
                }
                e
            }
            None => unreachable!("inserted above"),
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        let (_, e) = self.dict.remove(key)?;
        if e.expire_ms != NO_EXPIRE {
            self.expires -= 1;
        }
        Some(e)
    }

    /// Sets or clears the expire of an existing key. Returns false if the key is absent.
    pub fn set_expire(&mut self, key: &[u8], when_ms: i64) -> bool {
        match self.dict.get_mut(key) {
            Some(e) => {
                match (e.expire_ms == NO_EXPIRE, when_ms == NO_EXPIRE) {
                    (true, false) => self.expires += 1,
                    (false, true) => self.expires -= 1,
                    _ => {}
                }
                e.expire_ms = when_ms;
                true
            }
            None => false,
        }
    }

    /// Inserts `entry` at `key` with its expire, replacing any current entry.
    pub fn insert_entry(&mut self, key: &[u8], entry: Entry) {
        let has = entry.expire_ms != NO_EXPIRE;
        if let Some(old) = self.dict.insert(key.into(), entry)
            && old.expire_ms != NO_EXPIRE
        {
            self.expires -= 1;
        }
        if has {
            self.expires += 1;
        }
    }

    /// One SCAN step over the keyspace (expired keys included; see [`dict::Dict::scan`]).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &Entry)) -> u64 {
        self.dict.scan(cursor, |k, e| f(k, e))
    }

    /// A random live key (RANDOMKEY), deleting expired keys it draws, as Redis does.
    pub fn random_key(&mut self, now: i64) -> Option<Box<[u8]>> {
        loop {
            let (k, e) = self.dict.random_entry()?;
            let key = k.to_box();
            if e.expire_ms == NO_EXPIRE || e.expire_ms > now {
                return Some(key);
            }
            self.remove(&key);
            self.expired += 1;
            self.log_expired(&key);
        }
    }

    /// Iterates all entries (expired ones included).
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &Entry)> {
        self.dict.iter().map(|(k, v)| (&k[..], v))
    }

    /// Removes the key if its collection value became empty (Redis deletes empty collections).
    pub fn remove_if_empty(&mut self, key: &[u8]) {
        if let Some(e) = self.dict.get(key)
            && e.value.is_empty_collection()
        {
            self.remove(key);
        }
    }
}

/// Typed access helpers that turn a wrong type into `WRONGTYPE`.
impl Entry {
    pub fn as_str(&self) -> Result<&StrValue, CmdError> {
        match &self.value {
            Value::Str(s) => Ok(s),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_str_mut(&mut self) -> Result<&mut StrValue, CmdError> {
        match &mut self.value {
            Value::Str(s) => Ok(s),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_hash(&self) -> Result<&hash::Hash, CmdError> {
        match &self.value {
            Value::Hash(h) => Ok(h),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_hash_mut(&mut self) -> Result<&mut hash::Hash, CmdError> {
        match &mut self.value {
            Value::Hash(h) => Ok(h),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_list(&self) -> Result<&list::List, CmdError> {
        match &self.value {
            Value::List(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_list_mut(&mut self) -> Result<&mut list::List, CmdError> {
        match &mut self.value {
            Value::List(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_set(&self) -> Result<&set::Set, CmdError> {
        match &self.value {
            Value::Set(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_set_mut(&mut self) -> Result<&mut set::Set, CmdError> {
        match &mut self.value {
            Value::Set(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_zset(&self) -> Result<&zset::ZSet, CmdError> {
        match &self.value {
            Value::ZSet(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }

    pub fn as_zset_mut(&mut self) -> Result<&mut zset::ZSet, CmdError> {
        match &mut self.value {
            Value::ZSet(v) => Ok(v),
            _ => Err(CmdError::WrongType),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// String-command helpers (added by the strings work; built only on the public API above).

impl Db {
    /// Stores `value` at `key` as Redis's `setKey` does after `lookupKeyWrite`: an expired key is
    /// reaped first; an existing entry is updated in place (no key allocation). `expire_ms`:
    /// `Some(t)` sets the TTL to `t` ([`NO_EXPIRE`] clears it), `None` keeps it (KEEPTTL).
    pub fn set_str(&mut self, key: &[u8], value: Value, now: i64, expire_ms: Option<i64>) {
        if let Some(e) = self.lookup_write(key, now) {
            e.value = value;
            let cur = e.expire_ms;
            if let Some(t) = expire_ms
                && t != cur
            {
                self.set_expire(key, t);
            }
            return;
        }
        self.set(key, value);
        if let Some(t) = expire_ms
            && t != NO_EXPIRE
        {
            self.set_expire(key, t);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sorted-set helpers (added by the zsets work; built only on the fields above).

impl Db {
    /// The entry at `key` with no expiry check, stats or LRU touch. For commands that read
    /// several keys at once (ZUNION, ZINTER...) after looking each up once, which expired them.
    pub fn entry_ref(&self, key: &[u8]) -> Option<&Entry> {
        self.dict.get(key)
    }
}

// ---------------------------------------------------------------------------------------------
// Memory introspection helpers (added by the MEMORY work; built only on the fields above).

impl Db {
    /// Bytes of the keyspace table's own structures (buckets and entry slots; heap owned by keys
    /// and values excluded): MEMORY STATS's `overhead.hashtable.main`.
    pub fn table_overhead(&self) -> usize {
        self.dict.memory_usage()
    }

    /// Bytes one key's slot takes in the keyspace table (key handle, [`Entry`], hash and link),
    /// plus its share of a bucket: MEMORY USAGE's per-key overhead.
    pub fn slot_bytes(&self) -> usize {
        fn slot<K: dict::DictKey, V>(_: &Dict<K, V>) -> usize {
            size_of::<K>() + size_of::<V>() + dict::slot_overhead::<K, V>()
        }
        slot(&self.dict) + 4
    }
}

// ---------------------------------------------------------------------------------------------
// Read lookups that count keyspace hits/misses without touching the access time (Redis's
// `LOOKUP_NOTOUCH`: EXISTS, TYPE, TTL, OBJECT).

impl Db {
    pub fn lookup_read_notouch(&mut self, key: &[u8], now: i64) -> Option<&mut Entry> {
        self.expire_if_needed(key, now);
        match self.dict.get_mut(key) {
            Some(e) => {
                self.hits += 1;
                Some(e)
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Expired-key log (added by the replication work): keys deleted because their time passed are
// propagated as DEL by `persist::propagate::take_expired`, while an AOF or replicas consume
// propagation.

/// Some database logged an expired key since propagation last looked.
pub static EXPIRED_LOGGED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);
/// Expired keys are logged (something consumes propagation).
static TRACK_EXPIRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the expired-key log on or off.
pub fn set_track_expired(on: bool) {
    TRACK_EXPIRED.store(on, std::sync::atomic::Ordering::Relaxed);
}

impl Db {
    /// Notes an expired key for propagation (only while tracking is on).
    pub fn log_expired(&mut self, key: &[u8]) {
        use std::sync::atomic::Ordering::Relaxed;
        if TRACK_EXPIRED.load(Relaxed) {
            self.expired_log.push(key.into());
            EXPIRED_LOGGED.store(true, Relaxed);
        }
    }

    /// The keys logged by [`Db::log_expired`] since the last call.
    pub fn take_expired_log(&mut self) -> Vec<Box<[u8]>> {
        std::mem::take(&mut self.expired_log)
    }
}

// Eviction sampling (added by the maxmemory work, see `crate::evict`; built only on the dict's
// public API).

impl Db {
    /// Calls `f` on up to `n` entries picked at random (Redis's `dictGetSomeKeys` over the main
    /// dict), or with `volatile` on up to `n` entries that have a TTL (Redis samples its
    /// `expires` dict: here a walk from a random position with a random stride, coprime to the
    /// table's length, until `n` such entries are met). `seed` is a random number.
    pub fn evict_sample(
        &self,
        n: usize,
        volatile: bool,
        seed: u64,
        mut f: impl FnMut(&[u8], &Entry),
    ) -> usize {
        if !volatile {
            return self.dict.sample(n, |k, e| f(k, e));
        }
        let mut found = 0;
        self.volatile_walk(seed, |k, e| {
            f(k, e);
            found += 1;
            found < n
        });
        found
    }

    /// A random key (with `volatile`, a random key that has a TTL), expired or not, for the
    /// random eviction policies.
    pub fn evict_random(&self, volatile: bool, seed: u64) -> Option<Box<[u8]>> {
        if !volatile {
            let len = self.dict.len();
            if len == 0 {
                return None;
            }
            let pos = ((seed as u128 * len as u128) >> 64) as usize;
            return self.dict.get_at(pos).map(|(k, _)| k.to_box());
        }
        let mut key = None;
        self.volatile_walk(seed, |k, _| {
            key = Some(Box::from(k));
            false
        });
        key
    }

    /// Removes an evicted key, and frees the table's spare arena chunk if that left one
    /// (entries live in 64 KiB chunks: deleting a key whose key and value are inline frees
    /// nothing until its chunk empties).
    pub fn evict_remove(&mut self, key: &[u8]) -> Option<Entry> {
        let e = self.remove(key)?;
        self.dict.release_spare_chunks();
        Some(e)
    }

    /// Visits the entries with a TTL, from a random position with a random stride, while `f`
    /// returns true; each entry at most once.
    fn volatile_walk(&self, seed: u64, mut f: impl FnMut(&[u8], &Entry) -> bool) {
        let len = self.dict.len();
        if len == 0 || self.expires == 0 {
            return;
        }
        let below = |r: u64, n: usize| ((r as u128 * n as u128) >> 64) as usize;
        let mut pos = below(seed, len);
        let mut stride = 1;
        if len > 1 {
            let mut r = seed;
            for _ in 0..8 {
                r = r.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                let s = 1 + below(r, len - 1);
                let (mut a, mut b) = (s, len);
                while b != 0 {
                    (a, b) = (b, a % b);
                }
                if a == 1 {
                    stride = s;
                    break;
                }
            }
        }
        for _ in 0..len {
            if let Some((k, e)) = self.dict.get_at(pos)
                && e.expire_ms != NO_EXPIRE
                && !f(k, e)
            {
                return;
            }
            pos += stride;
            if pos >= len {
                pos -= len;
            }
        }
    }
}

// DEBUG HTSTATS (src/commands/debug.rs).
impl Db {
    /// The keyspace dict's `dictGetStats` text.
    pub fn dict_stats(&self) -> String {
        self.dict.stats()
    }
}
