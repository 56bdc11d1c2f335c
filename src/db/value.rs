//! Values stored in the keyspace, and how OBJECT ENCODING names their encodings.

use super::hash::Hash;
use super::list::List;
use super::set::Set;
use super::zset::ZSet;

/// Strings up to this length are reported as `embstr` (Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`).
pub const EMBSTR_MAX: usize = 44;

/// A value of any type.
#[derive(Clone)]
pub enum Value {
    Str(StrValue),
    List(List),
    Set(Set),
    ZSet(ZSet),
    Hash(Hash),
}

/// A string value: integers that fit in an i64 are stored as such (Redis's `int` encoding).
#[derive(Clone, Debug, PartialEq)]
pub enum StrValue {
    Int(i64),
    /// Bytes; `raw` marks values Redis would hold as `raw` (modified in place, or long).
    Bytes {
        data: Vec<u8>,
        raw: bool,
    },
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
            Value::Str(StrValue::Bytes { data, raw }) => {
                if *raw || data.len() > EMBSTR_MAX {
                    "raw"
                } else {
                    "embstr"
                }
            }
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
        StrValue::Bytes {
            data: data.to_vec(),
            raw: false,
        }
    }

    /// A string Redis builds with `createStringObject`: `embstr` up to [`EMBSTR_MAX`] bytes,
    /// `raw` beyond, never `int` (INCRBYFLOAT results).
    pub fn plain(data: Vec<u8>) -> Self {
        StrValue::Bytes { data, raw: false }
    }

    /// A string Redis holds as `raw` whatever its length (created by SETRANGE).
    pub fn raw(data: Vec<u8>) -> Self {
        StrValue::Bytes { data, raw: true }
    }

    /// The integer value as Redis's `getLongLongFromObject` reads it (`string2ll` on bytes).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            StrValue::Int(v) => Some(*v),
            StrValue::Bytes { data, .. } => crate::util::parse_i64(data),
        }
    }

    /// Mutable bytes for in-place edits (APPEND, SETRANGE): like Redis's
    /// `dbUnshareStringValue`, the value becomes `raw` whatever its previous encoding.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if let StrValue::Int(v) = *self {
            let mut tmp = [0u8; 20];
            let data = crate::resp::reply::fmt_int(v, &mut tmp).to_vec();
            *self = StrValue::raw(data);
        }
        match self {
            StrValue::Bytes { data, raw } => {
                *raw = true;
                data
            }
            StrValue::Int(_) => unreachable!("converted to bytes above"),
        }
    }

    /// The value's bytes, formatting integers into `tmp`.
    pub fn as_bytes<'a>(&'a self, tmp: &'a mut [u8; 20]) -> &'a [u8] {
        match self {
            StrValue::Int(v) => crate::resp::reply::fmt_int(*v, tmp),
            StrValue::Bytes { data, .. } => data,
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
