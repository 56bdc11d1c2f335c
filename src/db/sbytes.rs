//! `SmallBytes`: an immutable byte string in 16 bytes, for keyspace keys and hash fields and
//! values. Up to 15 bytes are stored inline (no heap allocation, which for a short key saves a
//! 32-byte malloc chunk); longer strings are one exact-size heap allocation.
//!
//! Layout (a `repr(C)` union, 16 bytes, 8-aligned): byte 0 is the inline length (0..=15) or
//! [`HEAP_TAG`]. Inline: bytes 1..16 hold the data. Heap: bytes 1..8 hold the length
//! (little-endian, 56 bits) and bytes 8..16 the pointer of a leaked `Box<[u8]>`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::ptr::NonNull;

/// Longest string stored inline.
pub const INLINE_MAX: usize = 15;
const HEAP_TAG: u8 = 0xFF;

#[repr(C)]
#[derive(Clone, Copy)]
struct Inline {
    len: u8,
    data: [u8; INLINE_MAX],
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Heap {
    tag: u8,
    len: [u8; 7],
    ptr: NonNull<u8>,
}

/// A byte string stored inline when short. See the module docs.
#[repr(C)]
pub union SmallBytes {
    inline: Inline,
    heap: Heap,
}

// SAFETY: a SmallBytes owns its heap buffer exclusively, like a `Box<[u8]>`.
unsafe impl Send for SmallBytes {}
// SAFETY: shared access only reads the bytes.
unsafe impl Sync for SmallBytes {}

impl SmallBytes {
    /// The empty string.
    pub const EMPTY: SmallBytes = SmallBytes {
        inline: Inline {
            len: 0,
            data: [0; INLINE_MAX],
        },
    };

    #[inline]
    fn is_heap(&self) -> bool {
        // SAFETY: byte 0 is an initialized u8 in both variants.
        unsafe { self.inline.len == HEAP_TAG }
    }

    /// Takes ownership of `b`, inlining it when short.
    pub fn from_box(b: Box<[u8]>) -> Self {
        if b.len() <= INLINE_MAX {
            return Self::from(&b[..]);
        }
        let len = (b.len() as u64).to_le_bytes();
        let ptr = Box::into_raw(b) as *mut u8;
        SmallBytes {
            heap: Heap {
                tag: HEAP_TAG,
                len: [len[0], len[1], len[2], len[3], len[4], len[5], len[6]],
                // SAFETY: Box::into_raw never returns null.
                ptr: unsafe { NonNull::new_unchecked(ptr) },
            },
        }
    }

    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        if self.is_heap() {
            // SAFETY: the heap variant is active; `ptr` and `len` come from a live Box<[u8]>.
            unsafe {
                let h = self.heap;
                let mut l = [0u8; 8];
                l[..7].copy_from_slice(&h.len);
                std::slice::from_raw_parts(h.ptr.as_ptr(), u64::from_le_bytes(l) as usize)
            }
        } else {
            // SAFETY: the inline variant is active and its length is at most INLINE_MAX.
            unsafe { &self.inline.data[..self.inline.len as usize] }
        }
    }

    /// The bytes as an owned box.
    pub fn to_box(&self) -> Box<[u8]> {
        self.as_bytes().into()
    }
}

impl From<&[u8]> for SmallBytes {
    #[inline]
    fn from(s: &[u8]) -> Self {
        if s.len() <= INLINE_MAX {
            let mut data = [0u8; INLINE_MAX];
            data[..s.len()].copy_from_slice(s);
            SmallBytes {
                inline: Inline {
                    len: s.len() as u8,
                    data,
                },
            }
        } else {
            Self::from_box(s.into())
        }
    }
}

impl From<Vec<u8>> for SmallBytes {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= INLINE_MAX {
            Self::from(&v[..])
        } else {
            Self::from_box(v.into_boxed_slice())
        }
    }
}

impl From<Box<[u8]>> for SmallBytes {
    fn from(b: Box<[u8]>) -> Self {
        Self::from_box(b)
    }
}

impl Drop for SmallBytes {
    fn drop(&mut self) {
        if self.is_heap() {
            let s: *mut [u8] = std::ptr::from_ref(self.as_bytes()).cast_mut();
            // SAFETY: the heap variant owns a Box<[u8]> of exactly this pointer and length.
            drop(unsafe { Box::from_raw(s) });
        }
    }
}

impl Clone for SmallBytes {
    fn clone(&self) -> Self {
        if self.is_heap() {
            Self::from_box(self.to_box())
        } else {
            // SAFETY: the inline variant is plain bytes.
            SmallBytes {
                inline: unsafe { self.inline },
            }
        }
    }
}

impl Default for SmallBytes {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Deref for SmallBytes {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Borrow<[u8]> for SmallBytes {
    #[inline]
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl AsRef<[u8]> for SmallBytes {
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallBytes {}

impl fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_bytes(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_roundtrip() {
        assert_eq!(size_of::<SmallBytes>(), 16);
        for len in [0, 1, 14, 15, 16, 17, 100, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let a = SmallBytes::from(&data[..]);
            assert_eq!(a.as_bytes(), &data[..]);
            assert_eq!(a.is_heap(), len > INLINE_MAX);
            let b = a.clone();
            drop(a);
            assert_eq!(&b[..], &data[..]);
            assert_eq!(SmallBytes::from(data.clone()), b);
            assert_eq!(
                &SmallBytes::from(data.clone().into_boxed_slice())[..],
                &data[..]
            );
            assert_eq!(&b.to_box()[..], &data[..]);
        }
        assert_eq!(&SmallBytes::EMPTY[..], b"");
        assert_eq!(format!("{:?}", SmallBytes::from(&b"ab"[..])), "[97, 98]");
    }
}
