//! CRC-64/Jones (reflected polynomial 0xad93d23594c935a9, init 0, no final xor): the checksum
//! Redis appends to RDB files and DUMP payloads. Slicing-by-8, eight bytes per step.

const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

/// Slicing-by-8 tables: `T[0]` is the classic byte table, `T[k]` advances `k` more bytes.
const fn make_tables() -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut k = 0;
        while k < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY_REFLECTED
            } else {
                crc >> 1
            };
            k += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static T: [[u64; 256]; 8] = make_tables();

/// Continues the checksum `crc` over `data` (start with 0).
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        crc ^= u64::from_le_bytes(w);
        crc = T[7][(crc & 0xff) as usize]
            ^ T[6][((crc >> 8) & 0xff) as usize]
            ^ T[5][((crc >> 16) & 0xff) as usize]
            ^ T[4][((crc >> 24) & 0xff) as usize]
            ^ T[3][((crc >> 32) & 0xff) as usize]
            ^ T[2][((crc >> 40) & 0xff) as usize]
            ^ T[1][((crc >> 48) & 0xff) as usize]
            ^ T[0][(crc >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = T[0][((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_value() {
        // Redis's own test vector (crc64.c).
        assert_eq!(super::crc64(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        // Split anywhere, same result as byte at a time.
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 31 % 251) as u8).collect();
        let whole = super::crc64(0, &data);
        for cut in [0, 1, 7, 8, 9, 500, 999] {
            let (a, b) = data.split_at(cut);
            assert_eq!(super::crc64(super::crc64(0, a), b), whole);
        }
    }
}
