//! Values stored in the keyspace, and how OBJECT ENCODING names their encodings.

use super::hash::Hash;
use super::list::List;
use super::set::Set;
use super::zset::ZSet;

/// Strings up to this length are reported as `embstr` (Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_MAX: usize = 44;

/// A value of any type: 24 bytes (the string variant's tag leaves room for the others'
/// boxes), so a keyspace entry is 40 bytes.
#[derive(Clone)]
pub enum Value {
    Str(StrValue),
    List(Box<List>),
    Set(Box<Set>),
    ZSet(Box<ZSet>),
    Hash(Hash),
}

/// Longest string stored inside the value itself (no allocation).
pub const INLINE_MAX: usize = 22;

/// A string value: integers that fit in an i64 are stored as such (Redis's `int` encoding);
/// short strings inline; longer ones in one exact-size allocation.
#[derive(Clone, Debug, PartialEq)]
pub enum StrValue {
    Int(i64),
    /// Up to [`INLINE_MAX`] bytes in place (`embstr`).
    Inline {
        len: u8,
        data: [u8; INLINE_MAX],
    },
    /// Longer bytes: `embstr` up to [`EMBSTR_MAX`] bytes, `raw` beyond.
    Heap(Box<[u8]>),
    /// Bytes Redis holds as `raw` whatever their length (modified in place by APPEND or
    /// SETRANGE); growable, boxed so the enum stays small.
    #[allow(clippy::box_collection)]
    Raw(Box<Vec<u8>>),
}

impl Value {
    /// `TYPE` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Hash(_) => "hash",
        }
    }

    /// `OBJECT ENCODING` name.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(StrValue::Int(_)) => "int",
            Value::Str(StrValue::Inline { .. }) => "embstr",
            Value::Str(StrValue::Heap(b)) if b.len() <= EMBSTR_MAX => "embstr",
            Value::Str(StrValue::Heap(_) | StrValue::Raw(_)) => "raw",
            Value::List(l) => l.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Hash(h) => h.encoding(),
        }
    }

    pub fn is_empty_collection(&self) -> bool {
        match self {
            Value::Str(_) => false,
            Value::List(l) => l.is_empty(),
            Value::Set(s) => s.is_empty(),
            Value::ZSet(z) => z.is_empty(),
            Value::Hash(h) => h.is_empty(),
        }
    }
}

impl StrValue {
    /// Stores `data` as Redis's `tryObjectEncoding` would: an integer when it is the canonical
    /// form of an i64 of at most 20 characters, else bytes.
    pub fn from_bytes(data: &[u8]) -> Self {
        if data.len() <= 20
            && let Some(v) = crate::util::parse_i64(data)
        {
            return StrValue::Int(v);
        }
        Self::bytes(data)
    }

    /// Bytes, never `int`: inline when short.
    fn bytes(data: &[u8]) -> Self {
        if data.len() <= INLINE_MAX {
            let mut buf = [0u8; INLINE_MAX];
            buf[..data.len()].copy_from_slice(data);
            StrValue::Inline {
                len: data.len() as u8,
                data: buf,
            }
        } else {
            StrValue::Heap(data.into())
        }
    }

    /// A string Redis builds with `createStringObject`: `embstr` up to [`EMBSTR_MAX`] bytes,
    /// `raw` beyond, never `int` (INCRBYFLOAT results).
    pub fn plain(data: Vec<u8>) -> Self {
        if data.len() <= INLINE_MAX {
            Self::bytes(&data)
        } else {
            StrValue::Heap(data.into_boxed_slice())
        }
    }

    /// A string Redis holds as `raw` whatever its length (created by SETRANGE).
    pub fn raw(data: Vec<u8>) -> Self {
        StrValue::Raw(Box::new(data))
    }

    /// The integer value as Redis's `getLongLongFromObject` reads it (`string2ll` on bytes).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StrValue::Int(v) => Some(*v),
            other => crate::util::parse_i64(other.as_bytes(&mut [0; 20])),
        }
    }

    /// Mutable bytes for in-place edits (APPEND, SETRANGE): like Redis's
    /// `dbUnshareStringValue`, the value becomes `raw` whatever its previous encoding.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StrValue::Raw(_)) {
            *self = StrValue::raw(self.to_vec());
        }
        match self {
            StrValue::Raw(data) => data,
            _ => unreachable!("converted to raw above"),
        }
    }

    /// The value's bytes, formatting integers into `tmp`.
    pub fn as_bytes<'a>(&'a self, tmp: &'a mut [u8; 20]) -> &'a [u8] {
        match self {
            StrValue::Int(v) => crate::resp::reply::fmt_int(*v, tmp),
            StrValue::Inline { len, data } => &data[..(*len as usize).min(INLINE_MAX)],
            StrValue::Heap(data) => data,
            StrValue::Raw(data) => data,
        }
    }

    pub fn len(&self) -> usize {
        let mut tmp = [0u8; 20];
        self.as_bytes(&mut tmp).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Owned bytes (integers formatted).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut tmp = [0u8; 20];
        self.as_bytes(&mut tmp).to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: StrValue) -> &'static str {
        Value::Str(s).encoding()
    }

    #[test]
    fn compact_layout() {
        assert_eq!(size_of::<StrValue>(), 24);
        assert_eq!(size_of::<Value>(), 24);
        assert_eq!(size_of::<super::super::Entry>(), 40);
        // A keyspace dict slot (key inline up to 19 bytes, entry, link) and a hash-table slot.
        use super::super::{Entry, dict::slot_overhead, sbytes::*};
        let slot = size_of::<KeyBytes>() + size_of::<Entry>() + slot_overhead::<KeyBytes, Entry>();
        assert_eq!(slot, 64);
        let pair = 2 * size_of::<SmallBytes>() + slot_overhead::<SmallBytes, SmallBytes>();
        assert_eq!(pair, 36);
    }

    #[test]
    fn encodings_and_bytes() {
        for len in [0, 1, 21, 22, 23, 44, 45, 100] {
            let data = vec![b'x'; len];
            let s = StrValue::from_bytes(&data);
            assert_eq!(s.to_vec(), data);
            assert_eq!(s.len(), len);
            assert_eq!(
                enc(s.clone()),
                if len > EMBSTR_MAX { "raw" } else { "embstr" }
            );
            assert_eq!(enc(StrValue::plain(data.clone())), enc(s));
            assert_eq!(enc(StrValue::raw(data.clone())), "raw");
        }
        let mut s = StrValue::from_bytes(b"-12");
        assert_eq!((enc(s.clone()), s.as_i64()), ("int", Some(-12)));
        s.make_raw().extend_from_slice(b"34");
        assert_eq!((enc(s.clone()), s.as_i64()), ("raw", Some(-1234)));
        let mut s = StrValue::from_bytes(b"ab");
        s.make_raw().push(b'c');
        assert_eq!((s.to_vec(), enc(s)), (b"abc".to_vec(), "raw"));
        assert_eq!(StrValue::from_bytes(b"012").as_i64(), None);
        assert_eq!(StrValue::plain(b"7".to_vec()).as_i64(), Some(7));
    }
}
