//! Hash values: a compact listpack-like encoding for small hashes, a hash table for large ones.
//!
//! Placeholder representation; see the hash issue work for the real encodings.

/// A hash value.
#[derive(Default)]
pub struct Hash {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Hash {
    pub fn new() -> Self {
        Hash::default()
    }

    pub fn encoding(&self) -> &'static str {
        "listpack"
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.pairs
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| &v[..])
    }

    /// Sets `field`; returns true if it was added (not updated).
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        if let Some(p) = self.pairs.iter_mut().find(|(f, _)| f == field) {
            p.1 = value.to_vec();
            return false;
        }
        self.pairs.push((field.to_vec(), value.to_vec()));
        true
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.pairs.iter().map(|(f, v)| (&f[..], &v[..]))
    }
}
