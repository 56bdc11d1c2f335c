//! LZF compression as liblzf 3.6 does it with Redis's settings (VERY_FAST, HLOG 16), so long
//! strings in RDB files compress to the same bytes Redis writes; and a bounds-checked
//! decompressor for loading.

const HLOG: u32 = 16;
const HSIZE: usize = 1 << HLOG;
const MAX_LIT: usize = 1 << 5;
const MAX_OFF: usize = 1 << 13;
const MAX_REF: usize = (1 << 8) + (1 << 3);

fn idx(h: u32) -> usize {
    ((h >> (24 - HLOG)).wrapping_sub(h.wrapping_mul(5)) as usize) & (HSIZE - 1)
}

thread_local! {
    /// The hash table, reused across calls. Entries carry the call's generation in their high
    /// half, so a new call needs no clearing: an entry from another generation reads as empty.
    static HTAB: std::cell::RefCell<(u32, Vec<u64>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// Compresses `input` into at most `out_len` bytes; `None` when it does not fit (the caller
/// stores the string uncompressed), as `lzf_compress` returning 0.
pub fn compress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    if input.is_empty() || out_len == 0 || input.len() >= u32::MAX as usize {
        return None;
    }
    HTAB.with(|t| {
        let mut t = t.borrow_mut();
        let (stamp, table) = &mut *t;
        if table.is_empty() {
            table.resize(HSIZE, 0);
        }
        *stamp = stamp.wrapping_add(1);
        if *stamp == 0 {
            table.fill(0);
            *stamp = 1;
        }
        compress_with(input, out_len, table, (*stamp as u64) << 32)
    })
}

fn compress_with(input: &[u8], out_len: usize, htab: &mut [u64], stamp: u64) -> Option<Vec<u8>> {
    let in_len = input.len();
    // Slots hold `stamp | (position + 1)`; anything else is an empty slot.
    let get = |e: u64| {
        if e >> 32 == stamp >> 32 {
            (e & 0xffff_ffff) as usize
        } else {
            0
        }
    };
    let mut out = vec![0u8; out_len + 4];
    let out_end = out_len;
    let mut ip = 0usize;
    let mut op = 1usize; // start run
    let mut lit = 0usize;
    let frst = |p: usize| ((input[p] as u32) << 8) | input[p + 1] as u32;
    let next = |v: u32, p: usize| (v << 8) | input[p + 2] as u32;
    let mut hval = if in_len >= 2 { frst(0) } else { 0 };
    while in_len >= 3 && ip < in_len - 2 {
        hval = next(hval, ip);
        let slot = idx(hval);
        let rf = get(htab[slot]); // position + 1, or 0
        htab[slot] = stamp | (ip as u64 + 1);
        let matched = rf > 1 && {
            let r = rf - 1;
            let off = ip - r - 1;
            off < MAX_OFF
                && input[r + 2] == input[ip + 2]
                && input[r] == input[ip]
                && input[r + 1] == input[ip + 1]
        };
        if matched {
            let r = rf - 1;
            let off = ip - r - 1;
            let mut len = 2usize;
            let maxlen = (in_len - ip - len).min(MAX_REF);
            if op + 3 + 1 >= out_end && op - usize::from(lit == 0) + 3 + 1 >= out_end {
                return None;
            }
            out[op - lit - 1] = (lit as u8).wrapping_sub(1); // stop run
            op -= usize::from(lit == 0); // undo run if length is zero
            // liblzf first compares 16 bytes unrolled without the `maxlen` bound (so a match
            // may run past it by a couple of bytes), then continues bounded.
            let mut done = false;
            if maxlen > 16 {
                for _ in 0..16 {
                    len += 1;
                    if input[r + len] != input[ip + len] {
                        done = true;
                        break;
                    }
                }
            }
            if !done {
                loop {
                    len += 1;
                    if len >= maxlen || input[r + len] != input[ip + len] {
                        break;
                    }
                }
            }
            len -= 2;
            ip += 1;
            if len < 7 {
                out[op] = ((off >> 8) + (len << 5)) as u8;
                op += 1;
            } else {
                out[op] = ((off >> 8) + (7 << 5)) as u8;
                out[op + 1] = (len - 7) as u8;
                op += 2;
            }
            out[op] = off as u8;
            op += 1;
            lit = 0;
            op += 1; // start run
            ip += len + 1;
            if ip >= in_len - 2 {
                break;
            }
            ip -= 2;
            hval = frst(ip);
            hval = next(hval, ip);
            htab[idx(hval)] = stamp | (ip as u64 + 1);
            ip += 1;
            hval = next(hval, ip);
            htab[idx(hval)] = stamp | (ip as u64 + 1);
            ip += 1;
        } else {
            if op >= out_end {
                return None;
            }
            lit += 1;
            out[op] = input[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit - 1) as u8;
                lit = 0;
                op += 1;
            }
        }
    }
    if op + 3 > out_end {
        return None;
    }
    while ip < in_len {
        lit += 1;
        out[op] = input[ip];
        op += 1;
        ip += 1;
        if lit == MAX_LIT {
            out[op - lit - 1] = (lit - 1) as u8;
            lit = 0;
            op += 1;
        }
    }
    out[op - lit - 1] = (lit as u8).wrapping_sub(1); // end run
    op -= usize::from(lit == 0);
    out.truncate(op);
    Some(out)
}

/// Decompresses `input` into exactly `out_len` bytes; `None` on malformed input.
pub fn decompress(input: &[u8], out_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(out_len);
    let mut ip = 0usize;
    while ip < input.len() {
        let ctrl = input[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let n = ctrl + 1;
            let lit = input.get(ip..ip + n)?;
            if out.len() + n > out_len {
                return None;
            }
            out.extend_from_slice(lit);
            ip += n;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += *input.get(ip)? as usize;
                ip += 1;
            }
            let off = ((ctrl & 0x1f) << 8) + *input.get(ip)? as usize + 1;
            ip += 1;
            len += 2;
            if off > out.len() || out.len() + len > out_len {
                return None;
            }
            let start = out.len() - off;
            for i in 0..len {
                let b = out[start + i];
                out.push(b);
            }
        }
    }
    (out.len() == out_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_as_redis() {
        // What Redis 7.0 writes for SET c <100 x>.
        let x = vec![b'x'; 100];
        let c = compress(&x, 96).unwrap();
        assert_eq!(c, [1, b'x', b'x', 0xe0, 0x57, 0, 1, b'x', b'x']);
        assert_eq!(decompress(&c, 100).unwrap(), x);
        // Short inputs: the unrolled comparison runs to the end.
        let x = vec![b'x'; 21];
        assert_eq!(compress(&x, 17).unwrap(), [1, b'x', b'x', 0xe0, 0x0a, 0]);
        let abc = b"abcabcabcabcabcabcabcabc";
        let want = [3, b'a', b'b', b'c', b'a', 0xe0, 0x0a, 2, 0, b'c'];
        assert_eq!(compress(abc, 20).unwrap(), want);
        assert_eq!(decompress(&want, 24).unwrap(), abc);
    }

    #[test]
    fn round_trip() {
        let mut rng = 12345u64;
        for n in [21usize, 50, 300, 5000, 70000] {
            let data: Vec<u8> = (0..n)
                .map(|i| {
                    rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1);
                    if i % 7 < 4 {
                        b'a' + (i % 5) as u8
                    } else {
                        (rng >> 60) as u8
                    }
                })
                .collect();
            if let Some(c) = compress(&data, n - 4) {
                assert_eq!(decompress(&c, n).unwrap(), data);
            }
        }
        assert!(compress(b"abcdefghijklmnopqrstuvwxyz", 22).is_none());
    }
}
