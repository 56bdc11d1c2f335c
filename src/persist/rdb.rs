//! The RDB file format, version 10 as Redis 7.0 writes it: a writer (aux fields, SELECTDB,
//! RESIZEDB, EXPIRETIME_MS, typed values, EOF, CRC-64) and a loader that accepts what Redis
//! 7.0 and earlier versions write for the types ferrokv holds. Values are written with the
//! object type of their encoding (quicklist of listpacks, intset, listpack, skiplist,
//! hashtable) byte for byte as Redis does, which also makes DUMP's payload
//! ([`dump_payload`], read back by [`restore_payload`]). The loader deep-checks packed blobs
//! and never panics: any malformed input becomes a [`LoadError`].

use std::io::{self, Write};

use super::blobs;
use super::crc64::crc64;
use super::lzf;
use crate::db::hash::{Hash, Limits};
use crate::db::list::List;
use crate::db::set::{IntSet, Set};
use crate::db::{Db, NO_EXPIRE, StrValue, Value};

pub const RDB_VERSION: u32 = 10;

/// `DEBUG SET-SKIP-CHECKSUM-VALIDATION`: RDB files and RESTORE payloads load whatever their
/// CRC says.
pub static SKIP_CHECKSUM: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

// Value types.
const TYPE_STRING: u8 = 0;
const TYPE_LIST: u8 = 1;
const TYPE_SET: u8 = 2;
const TYPE_ZSET: u8 = 3;
const TYPE_HASH: u8 = 4;
const TYPE_ZSET_2: u8 = 5;
const TYPE_LIST_ZIPLIST: u8 = 10;
const TYPE_SET_INTSET: u8 = 11;
const TYPE_ZSET_ZIPLIST: u8 = 12;
const TYPE_HASH_ZIPMAP: u8 = 9;
const TYPE_HASH_ZIPLIST: u8 = 13;
const TYPE_LIST_QUICKLIST: u8 = 14;
const TYPE_HASH_LISTPACK: u8 = 16;
const TYPE_ZSET_LISTPACK: u8 = 17;
const TYPE_LIST_QUICKLIST_2: u8 = 18;

// Opcodes.
const OP_FUNCTION2: u8 = 245;
const OP_MODULE_AUX: u8 = 247;
const OP_IDLE: u8 = 248;
const OP_FREQ: u8 = 249;
const OP_AUX: u8 = 250;
const OP_RESIZEDB: u8 = 251;
const OP_EXPIRETIME_MS: u8 = 252;
const OP_EXPIRETIME: u8 = 253;
const OP_SELECTDB: u8 = 254;
const OP_EOF: u8 = 255;

/// How to write a file.
#[derive(Clone, Copy, Debug)]
pub struct WriteOptions {
    pub compression: bool,
    pub checksum: bool,
    /// Written as the base of a multi-part AOF (`aof-base` aux field 1).
    pub aof_base: bool,
    /// Microseconds to sleep per key (`rdb-key-save-delay`, for tests).
    pub key_delay_us: u64,
}

/// A writer that keeps the running CRC of everything written.
struct Out<W: Write> {
    w: W,
    crc: u64,
    checksum: bool,
    compression: bool,
}

impl<W: Write> Out<W> {
    fn raw(&mut self, b: &[u8]) -> io::Result<()> {
        if self.checksum {
            self.crc = crc64(self.crc, b);
        }
        self.w.write_all(b)
    }

    fn byte(&mut self, b: u8) -> io::Result<()> {
        self.raw(&[b])
    }

    fn len(&mut self, n: u64) -> io::Result<()> {
        if n < 1 << 6 {
            self.byte(n as u8)
        } else if n < 1 << 14 {
            self.raw(&[((n >> 8) as u8) | 0x40, n as u8])
        } else if n <= u32::MAX as u64 {
            self.byte(0x80)?;
            self.raw(&(n as u32).to_be_bytes())
        } else {
            self.byte(0x81)?;
            self.raw(&n.to_be_bytes())
        }
    }

    /// An integer in Redis's special string encodings, if it fits in 32 bits.
    fn try_int(&mut self, v: i64) -> io::Result<bool> {
        if (i8::MIN as i64..=i8::MAX as i64).contains(&v) {
            self.raw(&[0xc0, v as i8 as u8])?;
        } else if (i16::MIN as i64..=i16::MAX as i64).contains(&v) {
            self.byte(0xc1)?;
            self.raw(&(v as i16).to_le_bytes())?;
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            self.byte(0xc2)?;
            self.raw(&(v as i32).to_le_bytes())?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// Redis's `rdbSaveRawString`: int encoding for short canonical integers, LZF for
    /// strings over 20 bytes that compress by more than 4 bytes, else length + bytes.
    fn string(&mut self, s: &[u8]) -> io::Result<()> {
        if s.len() <= 11
            && let Some(v) = crate::util::parse_i64(s)
            && self.try_int(v)?
        {
            return Ok(());
        }
        if self.compression
            && s.len() > 20
            && let Some(c) = lzf::compress(s, s.len() - 4)
        {
            self.byte(0xc3)?;
            self.len(c.len() as u64)?;
            self.len(s.len() as u64)?;
            return self.raw(&c);
        }
        self.len(s.len() as u64)?;
        self.raw(s)
    }

    fn str_value(&mut self, v: &StrValue) -> io::Result<()> {
        match v {
            StrValue::Int(i) => {
                if self.try_int(*i)? {
                    return Ok(());
                }
                let mut tmp = [0u8; 20];
                let b = crate::resp::reply::fmt_int(*i, &mut tmp);
                self.len(b.len() as u64)?;
                self.raw(b)
            }
            other => self.string(other.as_bytes(&mut [0; 20])),
        }
    }

    fn aux(&mut self, key: &str, val: &[u8]) -> io::Result<()> {
        self.byte(OP_AUX)?;
        self.string(key.as_bytes())?;
        self.string(val)
    }
}

/// Writes every database as an RDB file to `w`. Returns the writer (for fsync by the caller).
pub fn write<W: Write>(w: W, dbs: &[Db], opts: WriteOptions, now_ms: i64) -> io::Result<W> {
    let mut o = Out {
        w,
        crc: 0,
        checksum: opts.checksum,
        compression: opts.compression,
    };
    o.raw(format!("REDIS{RDB_VERSION:04}").as_bytes())?;
    o.aux("redis-ver", crate::REDIS_VERSION.as_bytes())?;
    o.aux("redis-bits", b"64")?;
    o.aux("ctime", (now_ms / 1000).to_string().as_bytes())?;
    o.aux("used-mem", crate::alloc::used().to_string().as_bytes())?;
    o.aux("aof-base", if opts.aof_base { b"1" } else { b"0" })?;
    for (id, db) in dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        o.byte(OP_SELECTDB)?;
        o.len(id as u64)?;
        o.byte(OP_RESIZEDB)?;
        o.len(db.len() as u64)?;
        o.len(db.expires_len() as u64)?;
        for (key, e) in db.iter() {
            if e.expire_ms != NO_EXPIRE {
                o.byte(OP_EXPIRETIME_MS)?;
                o.raw(&e.expire_ms.to_le_bytes())?;
            }
            write_value(&mut o, key, &e.value)?;
            if opts.key_delay_us > 0 {
                std::thread::sleep(std::time::Duration::from_micros(opts.key_delay_us));
            }
        }
    }
    o.byte(OP_EOF)?;
    let crc = if opts.checksum { o.crc } else { 0 };
    o.w.write_all(&crc.to_le_bytes())?;
    o.w.flush()?;
    Ok(o.w)
}

fn write_value<W: Write>(o: &mut Out<W>, key: &[u8], v: &Value) -> io::Result<()> {
    o.byte(value_type(v))?;
    o.string(key)?;
    write_body(o, v)
}

/// The RDB object type Redis 7.0 writes for a value in its current encoding.
fn value_type(v: &Value) -> u8 {
    match v {
        Value::Str(_) => TYPE_STRING,
        Value::List(_) => TYPE_LIST_QUICKLIST_2,
        Value::Set(s) if matches!(**s, Set::Ints(_)) => TYPE_SET_INTSET,
        Value::Set(_) => TYPE_SET,
        Value::ZSet(z) if z.is_skiplist() => TYPE_ZSET_2,
        Value::ZSet(_) => TYPE_ZSET_LISTPACK,
        Value::Hash(h) if h.encoding() == "listpack" => TYPE_HASH_LISTPACK,
        Value::Hash(_) => TYPE_HASH,
    }
}

/// A value's serialization after its type byte (Redis's `rdbSaveObject`).
fn write_body<W: Write>(o: &mut Out<W>, v: &Value) -> io::Result<()> {
    match v {
        Value::Str(s) => o.str_value(s),
        Value::List(l) => {
            let nodes = quicklist_nodes(l);
            o.len(nodes.len() as u64)?;
            for n in &nodes {
                o.len(QUICKLIST_PACKED)?;
                o.string(n)?;
            }
            Ok(())
        }
        Value::Set(s) => match &**s {
            Set::Ints(is) => o.string(&blobs::intset_encode(is.width(), is.iter())),
            Set::Table(_) => {
                o.len(s.len() as u64)?;
                let mut res = Ok(());
                s.for_each(|it| {
                    if res.is_ok() {
                        res = o.string(it);
                    }
                });
                res
            }
        },
        Value::ZSet(z) if z.is_skiplist() => {
            // Highest score first, as Redis walks its skiplist from the tail.
            o.len(z.len() as u64)?;
            for (m, score) in z.iter(z.len().saturating_sub(1), true) {
                o.string(m)?;
                o.raw(&score.to_le_bytes())?;
            }
            Ok(())
        }
        Value::ZSet(z) => {
            let mut lp = blobs::Listpack::new();
            let mut tmp = [0u8; 32];
            for (m, score) in z.iter(0, false) {
                lp.push(m);
                lp.push(d2string(score, &mut tmp));
            }
            o.string(&lp.finish())
        }
        Value::Hash(h) if h.encoding() == "listpack" => {
            o.string(&blobs::listpack_encode(h.iter().flat_map(|(f, v)| [f, v])))
        }
        Value::Hash(h) => {
            o.len(h.len() as u64)?;
            for (f, v) in h.iter() {
                o.string(f)?;
                o.string(v)?;
            }
            Ok(())
        }
    }
}

/// A quicklist node holding a listpack (`QUICKLIST_NODE_CONTAINER_PACKED`).
const QUICKLIST_PACKED: u64 = 2;

/// A score as a listpack sorted set stores it (Redis's `d2string`): integral values within
/// ±2^62 in integer form, others as `%.17g`.
fn d2string(v: f64, tmp: &mut [u8; 32]) -> &[u8] {
    let s = if v == 0.0 {
        if v.is_sign_negative() { "-0" } else { "0" }.to_string()
    } else if v.is_finite()
        && v >= -(i64::MAX / 2) as f64
        && v <= (i64::MAX / 2) as f64
        && v == (v as i64) as f64
    {
        (v as i64).to_string()
    } else {
        crate::util::fmt_double(v)
    };
    let n = s.len().min(tmp.len());
    tmp[..n].copy_from_slice(&s.as_bytes()[..n]);
    &tmp[..n]
}

/// A list's quicklist nodes as listpacks, laid out as Redis 7.0 fills them under the list's
/// `list-max-listpack-size` (`_quicklistNodeAllowInsert`): by RPUSH, or by LPUSH when the
/// list's own head node is the lighter end.
pub(crate) fn quicklist_nodes(l: &List) -> Vec<Vec<u8>> {
    const LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
    const SAFETY: usize = 8192;
    const ESTIMATE_OVERHEAD: usize = 8;
    let fill = l.fill();
    let allow = |node_sz: usize, count: usize, sz: usize| {
        let new_sz = node_sz + sz + ESTIMATE_OVERHEAD;
        if fill < 0 {
            new_sz <= LEVELS[((-fill - 1) as usize).min(4)]
        } else {
            new_sz <= SAFETY && (count as i64) < fill
        }
    };
    // Node boundaries: element counts, in push order. A listpack's size does not depend on
    // its entries' order, so a sizing pass over either direction is enough.
    let mut tmp = [0u8; 20];
    let from_head = l.head_lighter();
    let mut counts = Vec::new();
    let (mut sz, mut n) = (0usize, 0usize);
    let mut step = |b: &[u8]| {
        if n > 0 && !allow(sz, n, b.len()) {
            counts.push(n);
            n = 0;
        }
        if n == 0 {
            sz = 7;
        }
        sz += blobs::listpack_entry_len(b);
        n += 1;
    };
    if from_head {
        l.iter_rev().for_each(|e| step(e.as_bytes(&mut tmp)));
    } else {
        l.iter().for_each(|e| step(e.as_bytes(&mut tmp)));
    }
    if n > 0 {
        counts.push(n);
    }
    if from_head {
        counts.reverse();
    }
    let mut nodes = Vec::with_capacity(counts.len());
    let mut it = l.iter();
    for c in counts {
        let mut lp = blobs::Listpack::new();
        for e in it.by_ref().take(c) {
            lp.push(e.as_bytes(&mut tmp));
        }
        nodes.push(lp.finish());
    }
    nodes
}

/// DUMP's payload for a value: its RDB object type and serialization, the RDB version (2
/// bytes) and a CRC-64 of all that (8 bytes), little-endian (Redis's `createDumpPayload`).
pub(crate) fn dump_payload(v: &Value, compression: bool) -> Vec<u8> {
    let mut o = Out {
        w: Vec::new(),
        crc: 0,
        checksum: false,
        compression,
    };
    // Writing to a Vec cannot fail.
    let _ = o.byte(value_type(v)).and_then(|_| write_body(&mut o, v));
    let mut buf = o.w;
    buf.extend_from_slice(&(RDB_VERSION as u16).to_le_bytes());
    let crc = crc64(0, &buf);
    buf.extend_from_slice(&crc.to_le_bytes());
    buf
}

/// Bytes of a value's serialization without its type byte (`rdbSavedObjectLen`, DEBUG
/// OBJECT's `serializedlength`).
pub(crate) fn serialized_len(v: &Value, compression: bool) -> usize {
    dump_payload(v, compression).len() - 11
}

/// Why a DUMP payload is refused (RESTORE's two errors).
#[derive(Debug, PartialEq)]
pub(crate) enum PayloadError {
    /// `DUMP payload version or checksum are wrong`.
    VersionOrChecksum,
    /// `Bad data format`.
    BadData,
}

/// Reads a DUMP payload back into a value built with the encodings `lim` allows (Redis's
/// `verifyDumpPayload` then `rdbLoadObject`, with deep sanitization). The checksum is not
/// checked when `skip_checksum`.
pub(crate) fn restore_payload(
    p: &[u8],
    lim: ValueLimits,
    skip_checksum: bool,
) -> Result<Value, PayloadError> {
    let Some(body_len) = p.len().checked_sub(10) else {
        return Err(PayloadError::VersionOrChecksum);
    };
    let ver = u16::from_le_bytes([p[body_len], p[body_len + 1]]);
    if ver as u32 > RDB_VERSION {
        return Err(PayloadError::VersionOrChecksum);
    }
    if !skip_checksum {
        let mut a = [0u8; 8];
        a.copy_from_slice(&p[body_len + 2..]);
        if crc64(0, &p[..body_len + 2]) != u64::from_le_bytes(a) {
            return Err(PayloadError::VersionOrChecksum);
        }
    }
    // As in Redis, the reader sees the whole payload: a short value runs into the footer.
    let mut r = Reader { buf: p, pos: 0 };
    let t = r.byte().map_err(|_| PayloadError::BadData)?;
    if !is_object_type(t) {
        return Err(PayloadError::BadData);
    }
    match load_value(&mut r, t, lim) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(PayloadError::BadData),
        Err(e) => {
            // Redis logs the reason at verbose level and only replies the error.
            if let Some(line) = e
                .log_lines()
                .into_iter()
                .find(|l| l.starts_with("Internal"))
            {
                log::debug!("{line}");
            }
            Err(PayloadError::BadData)
        }
    }
}

/// Value types (not opcodes), as Redis's `rdbIsObjectType`.
fn is_object_type(t: u8) -> bool {
    t <= 7 || (9..=19).contains(&t)
}

/// The encoding thresholds a loaded value is built with: the server's configuration.
#[derive(Clone, Copy, Debug)]
pub struct ValueLimits {
    pub hash: Limits,
    pub zset: crate::db::zset::Limits,
    pub set_max_intset: usize,
    pub list_fill: i64,
    pub list_compress_depth: i64,
}

impl ValueLimits {
    /// Redis 7.0's defaults.
    pub const DEFAULT: ValueLimits = ValueLimits {
        hash: Limits::DEFAULT,
        zset: crate::db::zset::DEFAULT_LIMITS,
        set_max_intset: 512,
        list_fill: crate::db::list::DEFAULT_FILL,
        list_compress_depth: crate::db::list::DEFAULT_COMPRESS_DEPTH,
    };

    pub fn from_config(c: &crate::config::Config) -> ValueLimits {
        ValueLimits {
            hash: Limits {
                max_entries: c.hash_max_listpack_entries,
                max_value: c.hash_max_listpack_value,
            },
            zset: crate::db::zset::Limits {
                max_entries: c.zset_max_listpack_entries,
                max_value: c.zset_max_listpack_value,
            },
            set_max_intset: c.set_max_intset_entries,
            list_fill: c.list_max_listpack_size,
            list_compress_depth: c.list_compress_depth,
        }
    }
}

/// Why a file could not be loaded. Each maps to the log lines Redis prints before exiting.
#[derive(Debug, PartialEq)]
pub enum LoadError {
    /// Not an RDB file (`Wrong signature trying to load DB from file`).
    Signature,
    /// A version newer than ferrokv reads.
    Version(u32),
    /// The file ends early.
    ShortRead,
    /// Bytes that make no sense at `offset`.
    Corrupt { offset: usize, msg: String },
    /// The checksum at the end (`expected`) does not match the computed one (`got`).
    Checksum { expected: u64, got: u64 },
    /// A value type this build cannot hold (modules, streams, functions, ...).
    Unsupported { offset: usize, msg: String },
    /// SELECTDB past the configured number of databases.
    TooManyDbs(usize),
    /// The same key twice in one database.
    DuplicateKey { key: Vec<u8>, db: usize },
}

impl LoadError {
    /// The lines Redis logs for this failure.
    pub fn log_lines(&self) -> Vec<String> {
        let internal = |offset: usize, msg: &str| {
            vec![
                format!(
                    "Internal error in RDB reading offset {offset}, function at rdb.c:0 -> {msg}"
                ),
                "Terminating server after rdb file reading failure.".to_string(),
            ]
        };
        match self {
            LoadError::Signature => vec![
                "Wrong signature trying to load DB from file".into(),
                "Fatal error loading the DB: Invalid argument. Exiting.".into(),
            ],
            LoadError::Version(v) => vec![
                format!("Can't handle RDB format version {v}"),
                "Fatal error loading the DB: Invalid argument. Exiting.".into(),
            ],
            LoadError::ShortRead => {
                let mut v =
                    vec!["Short read or OOM loading DB. Unrecoverable error, aborting now.".into()];
                v.extend(internal(0, "Unexpected EOF reading RDB file"));
                v
            }
            LoadError::Corrupt { offset, msg } | LoadError::Unsupported { offset, msg } => {
                internal(*offset, msg)
            }
            LoadError::Checksum { expected, got } => {
                let mut v = vec![format!(
                    "Wrong RDB checksum expected: ({got:x}) but got ({expected:x}). Aborting now."
                )];
                v.extend(internal(0, "RDB CRC error"));
                v
            }
            LoadError::TooManyDbs(n) => vec![format!(
                "FATAL: Data file was created with a Redis server configured to handle more than {n} databases. Exiting\n"
            )],
            LoadError::DuplicateKey { key, db } => vec![format!(
                "RDB has duplicated key '{}' in DB {db}",
                String::from_utf8_lossy(key)
            )],
        }
    }
}

/// What a successful load found.
#[derive(Debug, Default)]
pub struct LoadInfo {
    pub keys_loaded: u64,
    pub keys_expired: u64,
    pub empty_keys_skipped: u64,
    /// `redis-ver` aux field.
    pub version: Option<String>,
    pub ctime: Option<i64>,
    pub used_mem: Option<i64>,
    pub aof_base: bool,
    /// Bytes consumed (the RDB part of an AOF with an RDB preamble ends here).
    pub consumed: usize,
}

/// How to load.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    pub limits: ValueLimits,
    pub now_ms: i64,
    /// Drop keys already expired (a master loading its RDB); an AOF base keeps them.
    pub skip_expired: bool,
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// A string as stored: int encodings keep their integer.
enum RStr {
    Int(i64),
    Bytes(Vec<u8>),
}

impl RStr {
    fn into_bytes(self) -> Vec<u8> {
        match self {
            RStr::Int(v) => v.to_string().into_bytes(),
            RStr::Bytes(b) => b,
        }
    }
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        let end = self.pos.checked_add(n).ok_or(LoadError::ShortRead)?;
        let s = self.buf.get(self.pos..end).ok_or(LoadError::ShortRead)?;
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }

    fn corrupt(&self, msg: impl Into<String>) -> LoadError {
        LoadError::Corrupt {
            offset: self.pos,
            msg: msg.into(),
        }
    }

    /// A length, or an encoding marker: `(value, is_encoded)`.
    fn len_enc(&mut self) -> Result<(u64, bool), LoadError> {
        let b = self.byte()?;
        Ok(match b >> 6 {
            0 => ((b & 0x3f) as u64, false),
            1 => ((((b & 0x3f) as u64) << 8) | self.byte()? as u64, false),
            2 => match b {
                0x80 => {
                    let s = self.take(4)?;
                    (u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64, false)
                }
                0x81 => {
                    let s = self.take(8)?;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(s);
                    (u64::from_be_bytes(a), false)
                }
                _ => {
                    return Err(
                        self.corrupt(format!("Unknown length encoding {b} in rdbLoadLen()"))
                    );
                }
            },
            _ => ((b & 0x3f) as u64, true),
        })
    }

    /// A length. An encoding marker read here counts as its low 6 bits, as Redis's
    /// `rdbLoadLen` reads it.
    fn len(&mut self) -> Result<u64, LoadError> {
        Ok(self.len_enc()?.0)
    }

    /// A count of items that must each take at least one byte (guards huge allocations).
    fn count(&mut self, per_item: usize) -> Result<usize, LoadError> {
        let n = self.len()?;
        let left = (self.buf.len() - self.pos) as u64;
        if n.saturating_mul(per_item as u64) > left {
            return Err(LoadError::ShortRead);
        }
        Ok(n as usize)
    }

    fn rstring(&mut self) -> Result<RStr, LoadError> {
        let (n, enc) = self.len_enc()?;
        if !enc {
            let n = usize::try_from(n).map_err(|_| LoadError::ShortRead)?;
            return Ok(RStr::Bytes(self.take(n)?.to_vec()));
        }
        Ok(match n {
            0 => RStr::Int(self.byte()? as i8 as i64),
            1 => {
                let s = self.take(2)?;
                RStr::Int(i16::from_le_bytes([s[0], s[1]]) as i64)
            }
            2 => {
                let s = self.take(4)?;
                RStr::Int(i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64)
            }
            3 => {
                let clen = self.len()? as usize;
                let len = self.len()? as usize;
                let c = self.take(clen)?;
                // A back-reference of 2-3 bytes expands to at most 264: anything beyond is
                // corrupt (and must not become a huge allocation).
                // Redis's lzf_decompress "succeeds" with 0 bytes into a 0-byte target.
                if len == 0 {
                    return Ok(RStr::Bytes(Vec::new()));
                }
                if len / 132 > clen {
                    return Err(self.corrupt("Invalid LZF compressed string"));
                }
                let out = lzf::decompress(c, len)
                    .ok_or_else(|| self.corrupt("Invalid LZF compressed string"))?;
                RStr::Bytes(out)
            }
            _ => return Err(self.corrupt(format!("Unknown RDB string encoding type {n}"))),
        })
    }

    fn string(&mut self) -> Result<Vec<u8>, LoadError> {
        Ok(self.rstring()?.into_bytes())
    }

    fn old_double(&mut self) -> Result<f64, LoadError> {
        let n = self.byte()?;
        Ok(match n {
            253 => f64::NAN,
            254 => f64::INFINITY,
            255 => f64::NEG_INFINITY,
            _ => {
                let s = self.take(n as usize)?;
                crate::util::parse_f64(s).ok_or_else(|| self.corrupt("Invalid double value"))?
            }
        })
    }

    fn binary_double(&mut self) -> Result<f64, LoadError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(f64::from_le_bytes(a))
    }
}

/// Loads an RDB image into `dbs` (which the caller has emptied).
pub fn load(buf: &[u8], dbs: &mut [Db], opts: LoadOptions) -> Result<LoadInfo, LoadError> {
    let mut r = Reader { buf, pos: 0 };
    let mut info = LoadInfo::default();
    let magic = r.take(9)?;
    if &magic[..5] != b"REDIS" {
        return Err(LoadError::Signature);
    }
    let ver = std::str::from_utf8(&magic[5..])
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or(LoadError::Signature)?;
    if !(1..=RDB_VERSION).contains(&ver) {
        return Err(LoadError::Version(ver));
    }
    let mut db_idx = 0usize;
    let mut expire = NO_EXPIRE;
    loop {
        let t = r.byte()?;
        match t {
            OP_EXPIRETIME => {
                let s = r.take(4)?;
                // A signed 32-bit count of seconds, as Redis's rdbLoadTime reads it.
                expire = i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as i64 * 1000;
                continue;
            }
            OP_EXPIRETIME_MS => {
                let s = r.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(s);
                expire = i64::from_le_bytes(a);
                continue;
            }
            OP_FREQ => {
                r.byte()?;
                continue;
            }
            OP_IDLE => {
                r.len()?;
                continue;
            }
            OP_EOF => break,
            OP_SELECTDB => {
                let id = r.len()? as usize;
                if id >= dbs.len() {
                    return Err(LoadError::TooManyDbs(dbs.len()));
                }
                db_idx = id;
                continue;
            }
            OP_RESIZEDB => {
                r.len()?;
                r.len()?;
                continue;
            }
            OP_AUX => {
                let k = r.string()?;
                let v = r.string()?;
                let num = || {
                    std::str::from_utf8(&v)
                        .ok()
                        .and_then(|s| s.parse::<i64>().ok())
                };
                match &k[..] {
                    b"redis-ver" => info.version = Some(String::from_utf8_lossy(&v).into()),
                    b"ctime" => info.ctime = num(),
                    b"used-mem" => info.used_mem = num(),
                    b"aof-base" => info.aof_base = num() == Some(1),
                    _ => {}
                }
                continue;
            }
            OP_MODULE_AUX => {
                return Err(LoadError::Unsupported {
                    offset: r.pos,
                    msg: "The RDB file contains AUX module data I can't load: no matching module"
                        .into(),
                });
            }
            OP_FUNCTION2 | 246 => {
                return Err(LoadError::Unsupported {
                    offset: r.pos,
                    msg: "Failed loading library: functions are not supported".into(),
                });
            }
            _ => {}
        }
        let key = r.string()?;
        let value = load_value(&mut r, t, opts.limits)?;
        let exp = std::mem::replace(&mut expire, NO_EXPIRE);
        let Some(value) = value else {
            if info.empty_keys_skipped < 10 {
                log::warn!(
                    "rdbLoadObject skipping empty key: {}",
                    String::from_utf8_lossy(&key)
                );
            }
            info.empty_keys_skipped += 1;
            continue;
        };
        if opts.skip_expired && exp != NO_EXPIRE && exp < opts.now_ms {
            info.keys_expired += 1;
            continue;
        }
        let db = &mut dbs[db_idx];
        if db.exists(&key, i64::MIN) {
            return Err(LoadError::DuplicateKey { key, db: db_idx });
        }
        db.set(&key, value);
        if exp != NO_EXPIRE {
            db.set_expire(&key, exp);
        }
        info.keys_loaded += 1;
    }
    if ver >= 5 {
        let end = r.pos;
        let s = r.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        let expected = u64::from_le_bytes(a);
        if expected != 0 && !SKIP_CHECKSUM.load(std::sync::atomic::Ordering::Relaxed) {
            let got = crc64(0, &buf[..end]);
            if got != expected {
                return Err(LoadError::Checksum { expected, got });
            }
        }
    }
    info.consumed = r.pos;
    Ok(info)
}

/// Reads one value of type `t`. `None` for an empty collection (skipped, as Redis does).
fn load_value(r: &mut Reader<'_>, t: u8, lim: ValueLimits) -> Result<Option<Value>, LoadError> {
    let items: Vec<Vec<u8>>;
    let kind: Kind;
    match t {
        TYPE_STRING => {
            return Ok(Some(Value::Str(match r.rstring()? {
                RStr::Int(v) => StrValue::Int(v),
                RStr::Bytes(b) => StrValue::from_bytes(&b),
            })));
        }
        TYPE_LIST | TYPE_SET => {
            let n = r.count(1)?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(r.string()?);
            }
            items = v;
            kind = if t == TYPE_LIST {
                Kind::List
            } else {
                Kind::Set
            };
        }
        TYPE_ZSET | TYPE_ZSET_2 => {
            let n = r.count(2)?;
            let mut v = Vec::with_capacity(n * 2);
            for _ in 0..n {
                v.push(r.string()?);
                let score = if t == TYPE_ZSET {
                    r.old_double()?
                } else {
                    r.binary_double()?
                };
                if score.is_nan() {
                    return Err(r.corrupt("Zset with NAN score detected"));
                }
                v.push(crate::util::fmt_double(score).into_bytes());
            }
            items = v;
            kind = Kind::ZSet;
        }
        TYPE_HASH => {
            let n = r.count(2)?;
            let mut v = Vec::with_capacity(n * 2);
            for _ in 0..n * 2 {
                v.push(r.string()?);
            }
            items = v;
            kind = Kind::Hash;
        }
        TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => {
            let n = r.count(1)?;
            let mut v = Vec::new();
            for _ in 0..n {
                let container = if t == TYPE_LIST_QUICKLIST_2 {
                    r.len()?
                } else {
                    2
                };
                if container != 1 && container != 2 {
                    return Err(r.corrupt("Quicklist integrity check failed."));
                }
                let blob = r.string()?;
                if blob.is_empty() {
                    return Err(r.corrupt("Empty quicklist node"));
                }
                if container == 1 {
                    v.push(blob);
                    continue;
                }
                let dec = if t == TYPE_LIST_QUICKLIST_2 {
                    blobs::listpack_decode(&blob)
                        .ok_or_else(|| r.corrupt("Listpack integrity check failed."))?
                } else {
                    blobs::ziplist_decode(&blob)
                        .ok_or_else(|| r.corrupt("Ziplist integrity check failed."))?
                };
                v.extend(dec);
            }
            items = v;
            kind = Kind::List;
        }
        TYPE_HASH_ZIPMAP => {
            let blob = r.string()?;
            items = blobs::zipmap_decode(&blob)
                .ok_or_else(|| r.corrupt("Zipmap integrity check failed."))?;
            kind = Kind::Hash;
        }
        TYPE_LIST_ZIPLIST | TYPE_SET_INTSET | TYPE_ZSET_ZIPLIST | TYPE_HASH_ZIPLIST
        | TYPE_HASH_LISTPACK | TYPE_ZSET_LISTPACK => {
            let blob = r.string()?;
            let dec = match t {
                TYPE_SET_INTSET => blobs::intset_decode(&blob),
                TYPE_HASH_LISTPACK | TYPE_ZSET_LISTPACK => blobs::listpack_decode(&blob),
                _ => blobs::ziplist_decode(&blob),
            };
            items = dec.ok_or_else(|| r.corrupt(integrity_msg(t)))?;
            kind = match t {
                TYPE_LIST_ZIPLIST => Kind::List,
                TYPE_SET_INTSET => Kind::IntSet(blob.first().copied().unwrap_or(8)),
                TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => Kind::PackedZSet,
                _ => Kind::PackedHash,
            };
            if matches!(kind, Kind::PackedZSet | Kind::PackedHash) && !items.len().is_multiple_of(2)
            {
                return Err(r.corrupt(integrity_msg(t)));
            }
        }
        _ => {
            return Err(LoadError::Unsupported {
                offset: r.pos,
                msg: format!("Unknown RDB encoding type {t}"),
            });
        }
    }
    if items.is_empty() {
        return Ok(None);
    }
    // Duplicates inside a packed blob fail its integrity check, as Redis's deep validation.
    let packed = matches!(kind, Kind::PackedHash | Kind::PackedZSet);
    build(kind, items, lim).map(Some).map_err(|msg| {
        let msg = if packed { integrity_msg(t) } else { msg };
        LoadError::Unsupported { offset: r.pos, msg }
    })
}

/// Redis's message when a packed value's blob fails validation.
fn integrity_msg(t: u8) -> String {
    match t {
        TYPE_SET_INTSET => "Intset integrity check failed.",
        TYPE_LIST_ZIPLIST => "List ziplist integrity check failed.",
        TYPE_ZSET_ZIPLIST => "Zset ziplist integrity check failed.",
        TYPE_ZSET_LISTPACK => "Zset listpack integrity check failed.",
        TYPE_HASH_ZIPLIST => "Hash ziplist integrity check failed.",
        TYPE_HASH_LISTPACK => "Hash listpack integrity check failed.",
        _ => "Ziplist integrity check failed.",
    }
    .into()
}

enum Kind {
    List,
    Set,
    /// An intset blob of this width: kept as it is while it fits `set-max-intset-entries`.
    IntSet(u8),
    /// RDB_TYPE_ZSET(_2): a skiplist, converted by entry count and by member length.
    ZSet,
    /// A ziplist/listpack sorted set: kept packed unless it has too many entries.
    PackedZSet,
    /// RDB_TYPE_HASH: converted by entry count and by value length.
    Hash,
    /// A ziplist/listpack hash: Redis 7.0 keeps it packed unless it has too many entries,
    /// whatever the length of its values.
    PackedHash,
}

/// Builds a value from decoded items (hash and zset items alternate field/value,
/// member/score) with the encodings Redis 7.0's loader picks under `lim`. The one place that
/// knows how each type is constructed.
fn build(kind: Kind, items: Vec<Vec<u8>>, lim: ValueLimits) -> Result<Value, String> {
    match kind {
        Kind::Hash | Kind::PackedHash => {
            let mut h = Hash::new();
            let lim = match kind {
                Kind::PackedHash if items.len() / 2 <= lim.hash.max_entries => Limits {
                    max_entries: lim.hash.max_entries,
                    max_value: usize::MAX,
                },
                _ => lim.hash,
            };
            h.prepare_for(items.iter().map(|v| &v[..]), lim);
            for pair in items.chunks(2) {
                if !h.set(&pair[0], &pair[1], lim) {
                    return Err("Duplicate hash fields detected".into());
                }
            }
            Ok(Value::Hash(h))
        }
        Kind::List => {
            let mut l = List::with_options(lim.list_fill, lim.list_compress_depth);
            for it in &items {
                l.push_back(it);
            }
            Ok(Value::List(Box::new(l)))
        }
        Kind::IntSet(width) if items.len() <= lim.set_max_intset => {
            let mut ints = Vec::with_capacity(items.len());
            for it in &items {
                let v = crate::util::parse_i64(it).ok_or("Intset integrity check failed.")?;
                if ints.last().is_some_and(|&last| last >= v) {
                    return Err("Intset integrity check failed.".into());
                }
                ints.push(v);
            }
            let is = match width {
                2 => IntSet::W16(ints.iter().map(|&v| v as i16).collect()),
                4 => IntSet::W32(ints.iter().map(|&v| v as i32).collect()),
                _ => IntSet::W64(ints),
            };
            Ok(Value::Set(Box::new(Set::Ints(is))))
        }
        Kind::Set | Kind::IntSet(_) => {
            let mut set = Set::new();
            let max = if items.len() > lim.set_max_intset {
                0
            } else {
                lim.set_max_intset
            };
            for m in &items {
                if !set.add(m, max) {
                    return Err("Duplicate set members detected".into());
                }
            }
            Ok(Value::Set(Box::new(set)))
        }
        Kind::ZSet | Kind::PackedZSet => {
            let mut v = Vec::with_capacity(items.len() / 2);
            for pair in items.chunks(2) {
                let score = crate::util::parse_f64(&pair[1])
                    .ok_or_else(|| "Zset with an invalid score detected".to_string())?;
                v.push((pair[0].clone().into_boxed_slice(), score));
            }
            let n = v.len();
            let limits = match kind {
                Kind::PackedZSet => crate::db::zset::Limits {
                    max_entries: lim.zset.max_entries,
                    max_value: usize::MAX,
                },
                _ => lim.zset,
            };
            let z = crate::db::zset::ZSet::from_vec(v, limits);
            if z.len() != n {
                return Err("Duplicate zset fields detected".into());
            }
            Ok(Value::ZSet(Box::new(z)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut dbs: Vec<Db> = (0..4).map(|_| Db::default()).collect();
        dbs[0].set(b"s", Value::Str(StrValue::from_bytes(b"hello")));
        dbs[0].set(b"i", Value::Str(StrValue::Int(-70000)));
        dbs[0].set(b"l", Value::Str(StrValue::from_bytes(&[b'z'; 300])));
        dbs[0].set_expire(b"l", 4_000_000_000_000);
        let mut h = Hash::new();
        h.set(b"f", b"v", Limits::DEFAULT);
        h.set(b"n", b"123", Limits::DEFAULT);
        dbs[2].set(b"h", Value::Hash(h));
        let opts = WriteOptions {
            compression: true,
            checksum: true,
            aof_base: false,
            key_delay_us: 0,
        };
        write(Vec::new(), &dbs, opts, 0).unwrap()
    }

    fn load_into(buf: &[u8]) -> Result<LoadInfo, LoadError> {
        let mut dbs: Vec<Db> = (0..4).map(|_| Db::default()).collect();
        let opts = LoadOptions {
            limits: ValueLimits::DEFAULT,
            now_ms: 0,
            skip_expired: true,
        };
        load(buf, &mut dbs, opts)
    }

    #[test]
    fn round_trip() {
        let info = load_into(&sample()).unwrap();
        assert_eq!(info.keys_loaded, 4);
        assert_eq!(info.version.as_deref(), Some(crate::REDIS_VERSION));
    }

    #[test]
    fn damaged_files_never_panic() {
        let good = sample();
        for cut in 0..good.len() {
            assert!(load_into(&good[..cut]).is_err());
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut b = good.clone();
            let n = b.len() - 8;
            for k in 0..(1 + seed % 3) {
                let pos = 9 + ((seed >> (8 * k)) as usize % (n - 9));
                b[pos] = (seed >> (16 + k)) as u8;
            }
            // Zero checksum: skip the CRC so the mutated bytes reach the parsers.
            let len = b.len();
            b[len - 8..].fill(0);
            let _ = load_into(&b);
        }
    }
}
