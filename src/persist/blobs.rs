//! The compact blobs Redis stores inside RDB values: listpacks and intsets (written and read
//! back), and, for loading files from older versions, ziplists.
//! Decoders are bounds-checked and return `None` on malformed input.

/// Encodes `items` as a Redis listpack (integers in canonical form become integer entries).
pub fn listpack_encode<'a>(items: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut lp = Listpack::new();
    for it in items {
        lp.push(it);
    }
    lp.finish()
}

/// A listpack being built entry by entry (Redis's `lpAppend`), which knows its size.
pub struct Listpack {
    buf: Vec<u8>,
    count: usize,
}

impl Default for Listpack {
    fn default() -> Self {
        Self::new()
    }
}

impl Listpack {
    pub fn new() -> Self {
        Listpack {
            buf: vec![0u8; 6],
            count: 0,
        }
    }

    /// Appends one element: an integer entry when `it` is a canonical integer of at most 20
    /// characters (`lpStringToInt64`), else a string entry.
    pub fn push(&mut self, it: &[u8]) {
        self.count += 1;
        let start = self.buf.len();
        match (it.len() <= 20)
            .then(|| crate::util::parse_i64(it))
            .flatten()
        {
            Some(v) => encode_int(&mut self.buf, v),
            None => encode_str(&mut self.buf, it),
        }
        let l = self.buf.len() - start;
        encode_backlen(&mut self.buf, l);
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Total bytes of the finished listpack (`lpBytes`).
    pub fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// The listpack: header (total bytes, element count) and end marker added.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(0xff);
        let total = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&total.to_le_bytes());
        let n = if self.count < 65535 {
            self.count as u16
        } else {
            65535
        };
        self.buf[4..6].copy_from_slice(&n.to_le_bytes());
        self.buf
    }
}

/// Bytes of one listpack entry holding `it` (header, payload and back-length).
pub fn listpack_entry_len(it: &[u8]) -> usize {
    let enc = match (it.len() <= 20)
        .then(|| crate::util::parse_i64(it))
        .flatten()
    {
        Some(0..=127) => 1,
        Some(-4096..=4095) => 2,
        Some(-32768..=32767) => 3,
        Some(-8_388_608..=8_388_607) => 4,
        Some(-2_147_483_648..=2_147_483_647) => 5,
        Some(_) => 9,
        None if it.len() < 64 => 1 + it.len(),
        None if it.len() < 4096 => 2 + it.len(),
        None => 5 + it.len(),
    };
    enc + backlen_size(enc)
}

/// An intset blob: encoding (bytes per member), length, then the members little-endian at
/// that width, in the order given (ascending in a valid intset).
pub fn intset_encode(width: u8, members: impl Iterator<Item = i64>) -> Vec<u8> {
    let w = (width as usize).min(8);
    let mut b = Vec::with_capacity(8 + w * members.size_hint().0);
    b.extend_from_slice(&(width as u32).to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    let mut n = 0u32;
    for v in members {
        b.extend_from_slice(&v.to_le_bytes()[..w]);
        n += 1;
    }
    b[4..8].copy_from_slice(&n.to_le_bytes());
    b
}

fn encode_int(buf: &mut Vec<u8>, v: i64) {
    if (0..=127).contains(&v) {
        buf.push(v as u8);
    } else if (-4096..=4095).contains(&v) {
        let u = (v as u64) & 0x1fff;
        buf.push(0xc0 | (u >> 8) as u8);
        buf.push(u as u8);
    } else if (-32768..=32767).contains(&v) {
        buf.push(0xf1);
        buf.extend_from_slice(&(v as i16).to_le_bytes());
    } else if (-8_388_608..=8_388_607).contains(&v) {
        buf.push(0xf2);
        buf.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
        buf.push(0xf3);
        buf.extend_from_slice(&(v as i32).to_le_bytes());
    } else {
        buf.push(0xf4);
        buf.extend_from_slice(&v.to_le_bytes());
    }
}

fn encode_str(buf: &mut Vec<u8>, s: &[u8]) {
    let l = s.len();
    if l < 64 {
        buf.push(0x80 | l as u8);
    } else if l < 4096 {
        buf.push(0xe0 | (l >> 8) as u8);
        buf.push(l as u8);
    } else {
        buf.push(0xf0);
        buf.extend_from_slice(&(l as u32).to_le_bytes());
    }
    buf.extend_from_slice(s);
}

fn encode_backlen(buf: &mut Vec<u8>, l: usize) {
    if l <= 127 {
        buf.push(l as u8);
    } else if l < 16383 {
        buf.push((l >> 7) as u8);
        buf.push((l & 127) as u8 | 128);
    } else if l < 2_097_151 {
        buf.push((l >> 14) as u8);
        buf.push(((l >> 7) & 127) as u8 | 128);
        buf.push((l & 127) as u8 | 128);
    } else if l < 268_435_455 {
        buf.push((l >> 21) as u8);
        buf.push(((l >> 14) & 127) as u8 | 128);
        buf.push(((l >> 7) & 127) as u8 | 128);
        buf.push((l & 127) as u8 | 128);
    } else {
        buf.push((l >> 28) as u8);
        buf.push(((l >> 21) & 127) as u8 | 128);
        buf.push(((l >> 14) & 127) as u8 | 128);
        buf.push(((l >> 7) & 127) as u8 | 128);
        buf.push((l & 127) as u8 | 128);
    }
}

fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..16383 => 2,
        16383..2_097_151 => 3,
        2_097_151..268_435_455 => 4,
        _ => 5,
    }
}

fn int_bytes(v: i64) -> Vec<u8> {
    let mut tmp = [0u8; 20];
    crate::resp::reply::fmt_int(v, &mut tmp).to_vec()
}

fn le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64)
}

/// Sign-extends the low `bits` bits of `v`.
fn sext(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// Decodes a listpack into its elements (integers formatted as decimal strings).
pub fn listpack_decode(lp: &[u8]) -> Option<Vec<Vec<u8>>> {
    if lp.len() < 7 || le(lp.get(0..4)?) as usize != lp.len() || *lp.last()? != 0xff {
        return None;
    }
    let declared = le(&lp[4..6]) as usize;
    let mut out = Vec::new();
    let mut p = 6usize;
    loop {
        let b = *lp.get(p)?;
        if b == 0xff {
            break;
        }
        let (hdr, item): (usize, Vec<u8>) = if b & 0x80 == 0 {
            (1, int_bytes(b as i64))
        } else if b & 0xc0 == 0x80 {
            let l = (b & 0x3f) as usize;
            (1 + l, lp.get(p + 1..p + 1 + l)?.to_vec())
        } else if b & 0xe0 == 0xc0 {
            let v = (((b & 0x1f) as u64) << 8) | *lp.get(p + 1)? as u64;
            (2, int_bytes(sext(v, 13)))
        } else if b & 0xf0 == 0xe0 {
            let l = (((b & 0x0f) as usize) << 8) | *lp.get(p + 1)? as usize;
            (2 + l, lp.get(p + 2..p + 2 + l)?.to_vec())
        } else {
            match b {
                0xf0 => {
                    let l = le(lp.get(p + 1..p + 5)?) as usize;
                    (5 + l, lp.get(p + 5..p.checked_add(5 + l)?)?.to_vec())
                }
                0xf1 => (3, int_bytes(sext(le(lp.get(p + 1..p + 3)?), 16))),
                0xf2 => (4, int_bytes(sext(le(lp.get(p + 1..p + 4)?), 24))),
                0xf3 => (5, int_bytes(sext(le(lp.get(p + 1..p + 5)?), 32))),
                0xf4 => (9, int_bytes(le(lp.get(p + 1..p + 9)?) as i64)),
                _ => return None,
            }
        };
        // The back-length must say how long the entry is (Redis's deep validation).
        let mut back = Vec::with_capacity(5);
        encode_backlen(&mut back, hdr);
        let bstart = p.checked_add(hdr)?;
        if lp.get(bstart..bstart.checked_add(back.len())?)? != &back[..] {
            return None;
        }
        p = bstart + back.len();
        if p > lp.len() {
            return None;
        }
        out.push(item);
    }
    if p != lp.len() - 1 || (declared != 65535 && declared != out.len()) {
        return None;
    }
    Some(out)
}

/// Decodes a ziplist (RDB files from Redis before 7.0) into its elements.
pub fn ziplist_decode(zl: &[u8]) -> Option<Vec<Vec<u8>>> {
    if zl.len() < 11 || le(zl.get(0..4)?) as usize != zl.len() || *zl.last()? != 0xff {
        return None;
    }
    let tail = le(&zl[4..8]) as usize;
    let declared = le(&zl[8..10]) as usize;
    let mut last_start = 10usize;
    let mut out = Vec::new();
    let mut p = 10usize;
    let mut prev_len = 0usize;
    loop {
        let b = *zl.get(p)?;
        if b == 0xff {
            break;
        }
        let start = p;
        last_start = start;
        // prevlen: the previous entry's length (checked, as Redis's deep validation does).
        let prev = if b < 254 {
            p += 1;
            b as usize
        } else {
            let v = le(zl.get(p + 1..p + 5)?) as usize;
            p += 5;
            v
        };
        if prev != prev_len {
            return None;
        }
        let enc = *zl.get(p)?;
        let (hdr, item): (usize, Vec<u8>) = match enc >> 6 {
            0 => {
                let l = (enc & 0x3f) as usize;
                (1 + l, zl.get(p + 1..p + 1 + l)?.to_vec())
            }
            1 => {
                let l = (((enc & 0x3f) as usize) << 8) | *zl.get(p + 1)? as usize;
                (2 + l, zl.get(p + 2..p + 2 + l)?.to_vec())
            }
            2 => {
                let b4 = zl.get(p + 1..p + 5)?;
                let l = u32::from_be_bytes([b4[0], b4[1], b4[2], b4[3]]) as usize;
                (5 + l, zl.get(p + 5..p.checked_add(5 + l)?)?.to_vec())
            }
            _ => match enc {
                0xc0 => (3, int_bytes(sext(le(zl.get(p + 1..p + 3)?), 16))),
                0xd0 => (5, int_bytes(sext(le(zl.get(p + 1..p + 5)?), 32))),
                0xe0 => (9, int_bytes(le(zl.get(p + 1..p + 9)?) as i64)),
                0xf0 => (4, int_bytes(sext(le(zl.get(p + 1..p + 4)?), 24))),
                0xfe => (2, int_bytes(*zl.get(p + 1)? as i8 as i64)),
                0xf1..=0xfd => (1, int_bytes((enc & 0x0f) as i64 - 1)),
                _ => return None,
            },
        };
        p = p.checked_add(hdr)?;
        if p >= zl.len() {
            return None;
        }
        prev_len = p - start;
        out.push(item);
    }
    // The header's tail offset and count (when not saturated) must agree with the entries.
    let ok =
        p == zl.len() - 1 && tail == last_start && (declared == 0xffff || declared == out.len());
    ok.then_some(out)
}

/// Decodes a zipmap (hashes in RDB files before Redis 2.6) into alternating fields and
/// values; `None` when malformed or empty (Redis's deep `zipmapValidateIntegrity`).
pub fn zipmap_decode(zm: &[u8]) -> Option<Vec<Vec<u8>>> {
    if zm.len() < 2 || *zm.last()? != 0xff {
        return None;
    }
    let end = zm.len() - 1;
    let len_at = |p: usize| -> Option<(usize, usize)> {
        let b = *zm.get(p)?;
        if b < 254 {
            Some((b as usize, 1))
        } else {
            Some((le(zm.get(p + 1..p + 5)?) as usize, 5))
        }
    };
    let mut out = Vec::new();
    let mut p = 1usize;
    while *zm.get(p)? != 0xff {
        let (l, s) = len_at(p)?;
        if p + s > end {
            return None;
        }
        let field = zm.get(p + s..(p + s).checked_add(l)?)?;
        p = p + s + l;
        if p > end {
            return None;
        }
        let (l, s) = len_at(p)?;
        if p + s > end {
            return None;
        }
        let free = *zm.get(p + s)? as usize;
        let v = p + s + 1;
        let value = zm.get(v..v.checked_add(l)?)?;
        p = v + l + free;
        if p > end {
            return None;
        }
        out.push(field.to_vec());
        out.push(value.to_vec());
    }
    let count = out.len() / 2;
    if count == 0 || (zm[0] != 254 && zm[0] as usize != count) {
        return None;
    }
    Some(out)
}

/// Decodes an intset (sets of integers) into its members.
pub fn intset_decode(is: &[u8]) -> Option<Vec<Vec<u8>>> {
    let enc = le(is.get(0..4)?) as usize;
    let n = le(is.get(4..8)?) as usize;
    if !matches!(enc, 2 | 4 | 8) || is.len() != 8 + n.checked_mul(enc)? {
        return None;
    }
    let vals: Vec<i64> = is[8..]
        .chunks(enc)
        .map(|c| sext(le(c), enc as u32 * 8))
        .collect();
    // Strictly ascending: sorted, no duplicates.
    if vals.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    Some(vals.into_iter().map(int_bytes).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listpack_as_redis_writes_it() {
        // HSET h f v f2 12 in Redis 7.0 (from a real dump).
        let lp = listpack_encode([&b"f"[..], b"v", b"f2", b"12"].into_iter());
        assert_eq!(
            lp,
            [
                0x13, 0, 0, 0, 4, 0, 0x81, b'f', 2, 0x81, b'v', 2, 0x82, b'f', b'2', 3, 12, 1, 0xff
            ]
        );
        let items: Vec<Vec<u8>> = [
            &b"-5000"[..],
            b"300000",
            b"-9000000000",
            &[b'z'; 200],
            &[b'y'; 5000],
        ]
        .iter()
        .map(|s| s.to_vec())
        .collect();
        let lp = listpack_encode(items.iter().map(|v| &v[..]));
        assert_eq!(listpack_decode(&lp).unwrap(), items);
    }
}
