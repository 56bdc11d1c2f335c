//! `InlineBytes<N>`: an immutable byte string in `N` bytes (byte-aligned), stored inline up to
//! `N - 1` bytes and as one exact-size heap allocation beyond. Short keys and hash fields and
//! values thus cost no allocation (a short key's own malloc chunk would be 32 bytes).
//!
//! Byte 0 is the inline length (`0..N`) or [`HEAP_TAG`]. Inline: bytes `1..N` hold the data.
//! Heap: bytes 1..8 hold the length (little-endian, 56 bits) and bytes 8..16 the address of a
//! leaked `Box<[u8]>` (with exposed provenance). Alignment 1 lets a dict slot pack the string
//! next to 4-byte fields: `KeyBytes` (20) + a 40-byte entry + a 4-byte link is 64 bytes.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// Hash fields and values: inline up to 15 bytes.
pub type SmallBytes = InlineBytes<16>;
/// Keyspace keys: inline up to 19 bytes (`key:000000000042`, memtier's `memtier-1234567`...).
pub type KeyBytes = InlineBytes<20>;

const HEAP_TAG: u8 = 0xFF;

/// A byte string stored inline when shorter than `N`. See the module docs.
pub struct InlineBytes<const N: usize> {
    b: [u8; N],
}

impl<const N: usize> InlineBytes<N> {
    /// Longest string stored inline.
    pub const INLINE_MAX: usize = {
        assert!(
            N >= 16 && N < HEAP_TAG as usize,
            "InlineBytes: N out of range"
        );
        N - 1
    };

    /// The empty string.
    pub const EMPTY: Self = InlineBytes { b: [0; N] };

    #[inline]
    fn is_heap(&self) -> bool {
        self.b[0] == HEAP_TAG
    }

    /// Address and length of the heap buffer (heap variant only).
    #[inline]
    fn heap_parts(&self) -> (*mut u8, usize) {
        let mut len = [0u8; 8];
        len[..7].copy_from_slice(&self.b[1..8]);
        let mut addr = [0u8; 8];
        addr.copy_from_slice(&self.b[8..16]);
        let ptr = std::ptr::with_exposed_provenance_mut(u64::from_le_bytes(addr) as usize);
        (ptr, u64::from_le_bytes(len) as usize)
    }

    /// Takes ownership of `b`, inlining it when short.
    pub fn from_box(b: Box<[u8]>) -> Self {
        if b.len() <= Self::INLINE_MAX {
            return Self::from(&b[..]);
        }
        let len = (b.len() as u64).to_le_bytes();
        let addr = (Box::into_raw(b) as *mut u8).expose_provenance() as u64;
        let mut s = InlineBytes { b: [0; N] };
        s.b[0] = HEAP_TAG;
        s.b[1..8].copy_from_slice(&len[..7]);
        s.b[8..16].copy_from_slice(&addr.to_le_bytes());
        s
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        if self.is_heap() {
            let (ptr, len) = self.heap_parts();
            // SAFETY: the heap variant owns a live Box<[u8]> of exactly this address and length.
            unsafe { std::slice::from_raw_parts(ptr, len) }
        } else {
            // Inline lengths are below N (checked on construction).
            &self.b[1..1 + self.b[0] as usize]
        }
    }

    /// The bytes as an owned box.
    pub fn to_box(&self) -> Box<[u8]> {
        self.as_bytes().into()
    }
}

impl<const N: usize> From<&[u8]> for InlineBytes<N> {
    #[inline]
    fn from(s: &[u8]) -> Self {
        if s.len() <= Self::INLINE_MAX {
            let mut b = [0u8; N];
            b[0] = s.len() as u8;
            b[1..1 + s.len()].copy_from_slice(s);
            InlineBytes { b }
        } else {
            Self::from_box(s.into())
        }
    }
}

impl<const N: usize> From<Vec<u8>> for InlineBytes<N> {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= Self::INLINE_MAX {
            Self::from(&v[..])
        } else {
            Self::from_box(v.into_boxed_slice())
        }
    }
}

impl<const N: usize> From<Box<[u8]>> for InlineBytes<N> {
    fn from(b: Box<[u8]>) -> Self {
        Self::from_box(b)
    }
}

impl<const N: usize> Drop for InlineBytes<N> {
    fn drop(&mut self) {
        if self.is_heap() {
            let (ptr, len) = self.heap_parts();
            // SAFETY: the heap variant owns a Box<[u8]> of exactly this address and length.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
        }
    }
}

impl<const N: usize> Clone for InlineBytes<N> {
    fn clone(&self) -> Self {
        if self.is_heap() {
            Self::from_box(self.to_box())
        } else {
            InlineBytes { b: self.b }
        }
    }
}

impl<const N: usize> Default for InlineBytes<N> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<const N: usize> Deref for InlineBytes<N> {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<const N: usize> Borrow<[u8]> for InlineBytes<N> {
    #[inline]
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<const N: usize> AsRef<[u8]> for InlineBytes<N> {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl<const N: usize> PartialEq for InlineBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl<const N: usize> Eq for InlineBytes<N> {}

impl<const N: usize> fmt::Debug for InlineBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_bytes(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip<const N: usize>() {
        assert_eq!(size_of::<InlineBytes<N>>(), N);
        assert_eq!(align_of::<InlineBytes<N>>(), 1);
        for len in [0, 1, 14, 15, 16, 17, 19, 20, 21, 100, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let a = InlineBytes::<N>::from(&data[..]);
            assert_eq!(a.as_bytes(), &data[..]);
            assert_eq!(a.is_heap(), len >= N);
            let b = a.clone();
            drop(a);
            assert_eq!(&b[..], &data[..]);
            assert_eq!(InlineBytes::<N>::from(data.clone()), b);
            let c = InlineBytes::<N>::from(data.clone().into_boxed_slice());
            assert_eq!(&c[..], &data[..]);
            assert_eq!(&b.to_box()[..], &data[..]);
        }
        assert_eq!(&InlineBytes::<N>::EMPTY[..], b"");
        assert_eq!(
            format!("{:?}", InlineBytes::<N>::from(&b"ab"[..])),
            "[97, 98]"
        );
    }

    #[test]
    fn layout_and_roundtrip() {
        roundtrip::<16>();
        roundtrip::<20>();
        assert_eq!(SmallBytes::INLINE_MAX, 15);
        assert_eq!(KeyBytes::INLINE_MAX, 19);
    }
}
