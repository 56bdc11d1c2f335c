//! Bitmap commands (Redis's `bitops.c`): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
//! BITFIELD_RO, over string values.
//!
//! Bits are numbered from the most significant bit of the first byte. Writes turn the value
//! into a `raw` string, grown with zero bytes as far as the highest bit written (Redis's
//! `lookupStringForBitCommand`); reads see a missing key, and the bytes past a string's end, as
//! zeros. Integer-encoded values are read as their decimal digits.

use crate::command::{BeginSearch, Command, Ctx, FindKeys, KeySpec, acl, flags, ks};
use crate::db::{Db, NO_EXPIRE, StrValue, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::server::ServerState;
use crate::util::parse_i64;

const RO_ACCESS: &[KeySpec] = &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)];
const RW_ACCESS_UPDATE: &[KeySpec] = &[KeySpec::range(ks::RW | ks::ACCESS | ks::UPDATE, 1, 0, 1)];
const BITOP_KS: &[KeySpec] = &[
    KeySpec::range(ks::OW | ks::UPDATE, 2, 0, 1),
    KeySpec::range(ks::RO | ks::ACCESS, 3, -1, 1),
];
const BITFIELD_KS: &[KeySpec] = &[KeySpec {
    notes: "This command allows both access and modification of the key",
    flags: ks::RW | ks::ACCESS | ks::UPDATE | ks::VARIABLE_FLAGS,
    begin: BeginSearch::Index(1),
    find: FindKeys::Range {
        lastkey: 0,
        keystep: 1,
        limit: 0,
    },
}];

const W: u32 = flags::WRITE | flags::DENYOOM;
const AW: u32 = acl::WRITE | acl::BITMAP | acl::SLOW;
const AR_SLOW: u32 = acl::READ | acl::BITMAP | acl::SLOW;
const AR_FAST: u32 = acl::READ | acl::BITMAP | acl::FAST;

/// A one-key bitmap command (first/last/step 1/1/1, group `bitmap`). (A table row: one
/// argument per column.)
#[allow(clippy::too_many_arguments)]
const fn cmd(
    name: &'static str,
    arity: i32,
    handler: crate::command::Handler,
    flags: u32,
    acl: u32,
    key_specs: &'static [KeySpec],
    since: &'static str,
    summary: &'static str,
    complexity: &'static str,
) -> Command {
    Command::one_key(
        name,
        arity,
        handler,
        "bitmap",
        (flags, acl),
        key_specs,
        since,
        summary,
        complexity,
    )
}

pub static COMMANDS: [Command; 7] = [
    cmd(
        "setbit",
        4,
        setbit,
        W,
        AW,
        RW_ACCESS_UPDATE,
        "2.2.0",
        "Sets or clears the bit at offset in the string value stored at key",
        "O(1)",
    ),
    cmd(
        "getbit",
        3,
        getbit,
        flags::READONLY | flags::FAST,
        AR_FAST,
        RO_ACCESS,
        "2.2.0",
        "Returns the bit value at offset in the string value stored at key",
        "O(1)",
    ),
    cmd(
        "bitcount",
        -2,
        bitcount,
        flags::READONLY,
        AR_SLOW,
        RO_ACCESS,
        "2.6.0",
        "Count set bits in a string",
        "O(N)",
    ),
    cmd(
        "bitpos",
        -3,
        bitpos,
        flags::READONLY,
        AR_SLOW,
        RO_ACCESS,
        "2.8.7",
        "Find first bit set or clear in a string",
        "O(N)",
    ),
    Command {
        first_key: 2,
        last_key: -1,
        ..cmd(
            "bitop",
            -4,
            bitop,
            W,
            AW,
            BITOP_KS,
            "2.6.0",
            "Perform bitwise operations between strings",
            "O(N)",
        )
    },
    Command {
        key_flags: Some(bitfield_key_flags),
        ..cmd(
            "bitfield",
            -2,
            bitfield,
            W,
            AW,
            BITFIELD_KS,
            "3.2.0",
            "Perform arbitrary bitfield integer operations on strings",
            "O(1) for each subcommand specified",
        )
    },
    cmd(
        "bitfield_ro",
        -2,
        bitfield_ro,
        flags::READONLY | flags::FAST,
        AR_FAST,
        RO_ACCESS,
        "6.0.0",
        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        "O(1) for each subcommand specified",
    ),
];

// ---------------------------------------------------------------------------------------------
// Shared pieces

const OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";
const BIT_ERR: &str = "ERR bit is not an integer or out of range";
const TYPE_ERR: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/// The bytes of an argument up to its first NUL, as Redis's C-string comparisons see them.
fn cstr(a: &[u8]) -> &[u8] {
    memchr::memchr(0, a).map_or(a, |i| &a[..i])
}

fn is(a: &[u8], word: &str) -> bool {
    cstr(a).eq_ignore_ascii_case(word.as_bytes())
}

fn int_arg(a: &[u8]) -> Result<i64, CmdError> {
    parse_i64(a).ok_or(CmdError::NotInteger)
}

/// Whether limits on offsets are skipped: commands replayed from the AOF are obeyed as
/// written (Redis's `mustObeyClient`).
fn obeying(srv: &ServerState) -> bool {
    srv.persist.aof.loading
}

/// Redis's `getBitOffsetFromArgument`: a bit offset, `#n` meaning `n * bits` when `bits` is
/// given (BITFIELD), below `proto-max-bulk-len` bytes unless `obey`.
fn bit_offset(a: &[u8], bits: u32, obey: bool, max_bulk: i64) -> Result<u64, CmdError> {
    let hash = bits > 0 && a.first() == Some(&b'#');
    let digits = if hash { &a[1..] } else { a };
    let mut off = parse_i64(digits).ok_or(CmdError::msg(OFFSET_ERR))?;
    if hash {
        off = off.wrapping_mul(bits as i64);
    }
    if off < 0 || (!obey && (off >> 3) >= max_bulk) {
        return Err(CmdError::msg(OFFSET_ERR));
    }
    Ok(off as u64)
}

/// Settles the change counter: the dispatcher counts one change for every successful write,
/// while Redis counts what the command changed (one per changed field for BITFIELD). A write
/// that changed nothing (a SETBIT that leaves its bit as it was) is marked so: it is neither
/// counted nor propagated, and WATCH does not see it. Replayed commands are not counted.
fn count_changes(srv: &mut ServerState, changes: u64) {
    if changes == 0 {
        srv.write_effect = crate::server::WriteEffect::Nothing;
    } else if !obeying(srv) {
        srv.dirty_n = Some(changes);
    }
}

/// Grows `data` with zero bytes to `len`, reserving as Redis's `sdsMakeRoomFor` does (double
/// below 1 MB, then 1 MB more) so growing bit by bit stays amortized O(1).
fn grow_zero(data: &mut Vec<u8>, len: usize) {
    if data.len() >= len {
        return;
    }
    if data.capacity() < len {
        const MB: usize = 1024 * 1024;
        let target = if len < MB {
            len.saturating_mul(2)
        } else {
            len.saturating_add(MB)
        };
        data.reserve_exact(target - data.len());
    }
    data.resize(len, 0);
}

/// The string at `key` as mutable raw bytes at least long enough to hold bit `maxbit`,
/// created if missing (Redis's `lookupStringForBitCommand`). The flag tells whether the key
/// was created or grown.
fn string_for_bits<'d>(
    db: &'d mut Db,
    key: &[u8],
    now: i64,
    maxbit: u64,
) -> Result<(&'d mut Vec<u8>, bool), CmdError> {
    let need = usize::try_from(maxbit >> 3)
        .ok()
        .and_then(|b| b.checked_add(1))
        .ok_or(CmdError::msg(OFFSET_ERR))?;
    let mut created = false;
    let e = db.entry_or_insert(key, now, || {
        created = true;
        Value::Str(StrValue::raw(vec![0; need]))
    });
    let data = e.as_str_mut()?.make_raw();
    let old = data.len();
    grow_zero(data, need);
    let grown = created || old != data.len();
    Ok((data, grown))
}

/// Set bits in `p` (popcount a word at a time).
fn popcount(p: &[u8]) -> u64 {
    let mut chunks = p.chunks_exact(32);
    let mut n = 0u64;
    for c in &mut chunks {
        let w = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&c[i..i + 8]);
            u64::from_ne_bytes(b).count_ones() as u64
        };
        n += w(0) + w(8) + w(16) + w(24);
    }
    let mut words = chunks.remainder().chunks_exact(8);
    for c in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        n += u64::from_ne_bytes(b).count_ones() as u64;
    }
    n + words
        .remainder()
        .iter()
        .map(|b| b.count_ones() as u64)
        .sum::<u64>()
}

/// Index of the first byte of `p` that is not `skip`, skipping whole words first.
fn first_byte_not(p: &[u8], skip: u8) -> Option<usize> {
    let word = u64::from_ne_bytes([skip; 8]);
    let mut i = 0;
    for c in p.chunks_exact(8) {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        if u64::from_ne_bytes(b) != word {
            break;
        }
        i += 8;
    }
    p.get(i..)?.iter().position(|&b| b != skip).map(|j| i + j)
}

/// Position of the first bit equal to `bit` among bits `sb..=eb` of `p` (all within `p`).
fn find_bit(p: &[u8], sb: u64, eb: u64, bit: bool) -> Option<u64> {
    let (first, last) = ((sb >> 3) as usize, (eb >> 3) as usize);
    // Bits of the byte at `i` inside the range, flipped so that a match is a 1.
    let masked = |i: usize| -> u8 {
        let mut b = p.get(i).copied().unwrap_or(0);
        if !bit {
            b = !b;
        }
        if i == first {
            b &= 0xFF >> (sb & 7);
        }
        if i == last {
            b &= 0xFF << (7 - (eb & 7));
        }
        b
    };
    let hit = |i: usize, b: u8| Some(((i as u64) << 3) + b.leading_zeros() as u64);
    let b = masked(first);
    if b != 0 {
        return hit(first, b);
    }
    if last == first {
        return None;
    }
    let skip = if bit { 0 } else { 0xFF };
    let middle = p.get(first + 1..last).unwrap_or(&[]);
    if let Some(j) = first_byte_not(middle, skip) {
        let i = first + 1 + j;
        return hit(i, masked(i));
    }
    let b = masked(last);
    if b != 0 { hit(last, b) } else { None }
}

/// Turns a BITCOUNT/BITPOS `start end` pair (negative from the end) over a string of `len`
/// bytes, in bytes or in bits, into an inclusive range of bits; `None` when empty.
fn bit_range(mut start: i64, mut end: i64, len: i64, isbit: bool) -> Option<(u64, u64)> {
    let total = if isbit { len * 8 } else { len };
    if start < 0 {
        start += total;
    }
    if end < 0 {
        end += total;
    }
    let (start, end) = (start.max(0), end.max(0).min(total - 1));
    match (start > end, isbit) {
        (true, _) => None,
        (false, true) => Some((start as u64, end as u64)),
        (false, false) => Some((start as u64 * 8, end as u64 * 8 + 7)),
    }
}

/// The optional `BYTE|BIT` unit: true for bits.
fn unit_arg(a: &[u8]) -> Result<bool, CmdError> {
    if is(a, "bit") {
        Ok(true)
    } else if is(a, "byte") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

// ---------------------------------------------------------------------------------------------
// SETBIT / GETBIT

fn setbit(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let obey = obeying(ctx.srv);
    let offset = bit_offset(&args[2], 0, obey, ctx.srv.config.proto_max_bulk_len)?;
    let on = parse_i64(&args[3]).ok_or(CmdError::msg(BIT_ERR))?;
    if on & !1 != 0 {
        return Err(CmdError::msg(BIT_ERR));
    }
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let (data, grown) = string_for_bits(db, &args[1], now, offset)?;
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u8;
    let Some(b) = data.get_mut(byte) else {
        return Err(CmdError::msg(OFFSET_ERR));
    };
    let old = (*b >> shift) & 1;
    let changed = grown || old as i64 != on;
    if changed {
        *b = (*b & !(1 << shift)) | ((on as u8) << shift);
    }
    out.int(old as i64);
    count_changes(ctx.srv, changed as u64);
    Ok(())
}

fn getbit(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let offset = bit_offset(&args[2], 0, false, ctx.srv.config.proto_max_bulk_len)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let bit = match db.lookup_read(&args[1], now) {
        None => 0,
        Some(e) => {
            let mut tmp = [0u8; 20];
            let p = e.as_str()?.as_bytes(&mut tmp);
            usize::try_from(offset >> 3)
                .ok()
                .and_then(|i| p.get(i))
                .map_or(0, |b| (b >> (7 - (offset & 7))) & 1)
        }
    };
    out.int(bit as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// BITCOUNT / BITPOS

fn bitcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_read(&args[1], now) else {
        out.int(0);
        return Ok(());
    };
    let mut tmp = [0u8; 20];
    let p = e.as_str()?.as_bytes(&mut tmp);
    let len = p.len() as i64;
    let range = match args.len() {
        2 => bit_range(0, -1, len, false),
        4 | 5 => {
            let start = int_arg(&args[2])?;
            let end = int_arg(&args[3])?;
            if start < 0 && end < 0 && start > end {
                out.int(0);
                return Ok(());
            }
            let isbit = args.len() == 5 && unit_arg(&args[4])?;
            bit_range(start, end, len, isbit)
        }
        _ => return Err(CmdError::Syntax),
    };
    let Some((sb, eb)) = range else {
        out.int(0);
        return Ok(());
    };
    let (first, last) = ((sb >> 3) as usize, (eb >> 3) as usize);
    let bytes = p.get(first..=last).unwrap_or(&[]);
    let mut n = popcount(bytes);
    // Leave out the bits of the edge bytes outside the range.
    let fb = bytes.first().copied().unwrap_or(0);
    let lb = bytes.last().copied().unwrap_or(0);
    n -= (fb & !(0xFFu8 >> (sb & 7))).count_ones() as u64;
    n -= (lb & !(0xFFu8 << (7 - (eb & 7)))).count_ones() as u64;
    out.int(n as i64);
    Ok(())
}

fn bitpos(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let bit = int_arg(&args[2])?;
    if bit != 0 && bit != 1 {
        return Err(CmdError::msg("ERR The bit argument must be 1 or 0."));
    }
    let bit = bit == 1;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(e) = db.lookup_read(&args[1], now) else {
        // A missing key is an endless run of zeros.
        out.int(if bit { -1 } else { 0 });
        return Ok(());
    };
    let mut tmp = [0u8; 20];
    let p = e.as_str()?.as_bytes(&mut tmp);
    let len = p.len() as i64;
    let mut end_given = false;
    let range = match args.len() {
        3 => bit_range(0, -1, len, false),
        4..=6 => {
            let start = int_arg(&args[3])?;
            let isbit = args.len() == 6 && unit_arg(&args[5])?;
            let end = if args.len() >= 5 {
                end_given = true;
                int_arg(&args[4])?
            } else {
                -1
            };
            bit_range(start, end, len, isbit)
        }
        _ => return Err(CmdError::Syntax),
    };
    let pos = match range {
        None => -1,
        Some((sb, eb)) => match find_bit(p, sb, eb, bit) {
            Some(pos) => pos as i64,
            // Looking for a clear bit with no end given, the string is taken as padded
            // with zeros on the right.
            None if !bit && !end_given => eb as i64 + 1,
            None => -1,
        },
    };
    out.int(pos);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// BITOP

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

fn bitop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let name = &args[1];
    let op = if is(name, "and") {
        BitOp::And
    } else if is(name, "or") {
        BitOp::Or
    } else if is(name, "xor") {
        BitOp::Xor
    } else if is(name, "not") {
        BitOp::Not
    } else {
        return Err(CmdError::Syntax);
    };
    if op == BitOp::Not && args.len() != 4 {
        return Err(CmdError::msg(
            "ERR BITOP NOT must be called with a single source key.",
        ));
    }
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    // Look every source up once (stats, expiry, type), then combine them.
    let mut maxlen = 0;
    for key in args.iter_from(3) {
        if let Some(e) = db.lookup_read(key, now) {
            maxlen = maxlen.max(e.as_str()?.len());
        }
    }
    let dest = &args[2];
    if maxlen == 0 {
        let deleted = db.remove(dest).is_some();
        out.int(0);
        count_changes(ctx.srv, deleted as u64);
        return Ok(());
    }
    let mut res = vec![0u8; maxlen];
    let mut tmp = [0u8; 20];
    for (i, key) in args.iter_from(3).enumerate() {
        let src = match db.entry_ref(key) {
            Some(e) => e.as_str()?.as_bytes(&mut tmp),
            None => &[],
        };
        let n = src.len();
        match (op, i) {
            (BitOp::Not, _) => {
                res[..n].copy_from_slice(src);
                res.iter_mut().for_each(|b| *b = !*b);
            }
            (_, 0) => res[..n].copy_from_slice(src),
            (BitOp::And, _) => {
                res.iter_mut().zip(src).for_each(|(r, s)| *r &= s);
                res[n..].fill(0);
            }
            (BitOp::Or, _) => res.iter_mut().zip(src).for_each(|(r, s)| *r |= s),
            (BitOp::Xor, _) => res.iter_mut().zip(src).for_each(|(r, s)| *r ^= s),
        }
    }
    db.set_str(dest, Value::Str(StrValue::raw(res)), now, Some(NO_EXPIRE));
    out.int(maxlen as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// BITFIELD / BITFIELD_RO

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Get,
    Set,
    Incrby,
}

/// One parsed BITFIELD operation.
#[derive(Clone, Copy)]
struct FieldOp {
    kind: OpKind,
    signed: bool,
    bits: u32,
    offset: u64,
    /// SET value or INCRBY increment.
    value: i64,
    overflow: Overflow,
}

/// Reads operations from `args` starting at `*j` (Redis's parsing loop in `bitfieldGeneric`):
/// the next one, or `None` at the end; OVERFLOW changes `*ow` for the operations after it.
fn next_op(
    args: &Args<'_>,
    j: &mut usize,
    ow: &mut Overflow,
    obey: bool,
    max_bulk: i64,
) -> Result<Option<FieldOp>, CmdError> {
    loop {
        if *j >= args.len() {
            return Ok(None);
        }
        let sub = &args[*j];
        let rem = args.len() - *j - 1;
        let kind = if is(sub, "get") && rem >= 2 {
            OpKind::Get
        } else if is(sub, "set") && rem >= 3 {
            OpKind::Set
        } else if is(sub, "incrby") && rem >= 3 {
            OpKind::Incrby
        } else if is(sub, "overflow") && rem >= 1 {
            let t = &args[*j + 1];
            *ow = if is(t, "wrap") {
                Overflow::Wrap
            } else if is(t, "sat") {
                Overflow::Sat
            } else if is(t, "fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::msg("ERR Invalid OVERFLOW type specified"));
            };
            *j += 2;
            continue;
        } else {
            return Err(CmdError::Syntax);
        };
        let (signed, bits) = field_type(&args[*j + 1])?;
        let offset = bit_offset(&args[*j + 2], bits, obey, max_bulk)?;
        let value = match kind {
            OpKind::Get => 0,
            _ => int_arg(&args[*j + 3])?,
        };
        *j += if kind == OpKind::Get { 3 } else { 4 };
        return Ok(Some(FieldOp {
            kind,
            signed,
            bits,
            offset,
            value,
            overflow: *ow,
        }));
    }
}

/// `i1`..`i64` or `u1`..`u63` (Redis's `getBitfieldTypeFromArgument`).
fn field_type(a: &[u8]) -> Result<(bool, u32), CmdError> {
    let a = cstr(a);
    let signed = match a.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(CmdError::msg(TYPE_ERR)),
    };
    match parse_i64(&a[1..]) {
        Some(n) if n >= 1 && n <= if signed { 64 } else { 63 } => Ok((signed, n as u32)),
        _ => Err(CmdError::msg(TYPE_ERR)),
    }
}

/// The 9 bytes from bit `offset`'s byte on (zeros past the end) as a 72-bit number, and the
/// shift that brings a `bits`-wide field at `offset` down to bit 0.
fn window(p: &[u8], offset: u64, bits: u32) -> (u128, u32) {
    let byte = (offset >> 3) as usize;
    let mut acc = 0u128;
    for i in 0..9 {
        let b = byte.checked_add(i).and_then(|k| p.get(k)).copied();
        acc = (acc << 8) | b.unwrap_or(0) as u128;
    }
    (acc, 72 - (offset & 7) as u32 - bits)
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    }
}

fn get_unsigned(p: &[u8], offset: u64, bits: u32) -> u64 {
    let (acc, shift) = window(p, offset, bits);
    (acc >> shift) as u64 & mask(bits)
}

fn get_signed(p: &[u8], offset: u64, bits: u32) -> i64 {
    let v = get_unsigned(p, offset, bits);
    // Sign-extend from the field's top bit.
    ((v << (64 - bits)) as i64) >> (64 - bits)
}

/// Writes the low `bits` of `value` at bit `offset` (the bytes must exist).
fn set_field(p: &mut [u8], offset: u64, bits: u32, value: u64) {
    let (mut acc, shift) = window(p, offset, bits);
    let m = (mask(bits) as u128) << shift;
    acc = (acc & !m) | (((value & mask(bits)) as u128) << shift);
    let byte = (offset >> 3) as usize;
    let n = ((offset & 7) as usize + bits as usize).div_ceil(8);
    for i in 0..n {
        if let Some(b) = p.get_mut(byte + i) {
            *b = (acc >> (8 * (8 - i))) as u8;
        }
    }
}

/// Redis's `checkUnsignedBitfieldOverflow`: whether `value + incr` leaves the `bits`-wide
/// range, and the value to store then (wrapped or saturated).
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<u64> {
    let max = mask(bits);
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = value.wrapping_neg() as i64;
    let wrap = || value.wrapping_add(incr as u64) & max;
    if value > max || (incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if incr < 0 && incr < minincr {
        Some(if ow == Overflow::Sat { 0 } else { wrap() })
    } else {
        None
    }
}

/// Redis's `checkSignedBitfieldOverflow`, with its wrapping arithmetic.
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let high = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                c |= high;
            } else {
                c &= !high;
            }
        }
        c as i64
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(if ow == Overflow::Sat { max } else { wrap() })
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        Some(if ow == Overflow::Sat { min } else { wrap() })
    } else {
        None
    }
}

/// Runs one SET or INCRBY on `p`: the reply value (`None` for a refused overflow under
/// OVERFLOW FAIL) and whether the stored field changed.
fn write_op(p: &mut [u8], op: &FieldOp) -> (Option<i64>, bool) {
    let (old, new, reply) = if op.signed {
        let old = get_signed(p, op.offset, op.bits);
        let (sum, incr) = match op.kind {
            OpKind::Incrby => (old.wrapping_add(op.value), op.value),
            _ => (op.value, 0),
        };
        let base = if op.kind == OpKind::Incrby { old } else { sum };
        let over = signed_overflow(base, incr, op.bits, op.overflow);
        if over.is_some() && op.overflow == Overflow::Fail {
            return (None, false);
        }
        let new = over.unwrap_or(sum);
        let reply = if op.kind == OpKind::Incrby { new } else { old };
        (old as u64, new as u64, reply)
    } else {
        let old = get_unsigned(p, op.offset, op.bits);
        let (sum, base, incr) = match op.kind {
            OpKind::Incrby => (old.wrapping_add(op.value as u64), old, op.value),
            _ => (op.value as u64, op.value as u64, 0),
        };
        let over = unsigned_overflow(base, incr, op.bits, op.overflow);
        if over.is_some() && op.overflow == Overflow::Fail {
            return (None, false);
        }
        let new = over.unwrap_or(sum);
        let reply = if op.kind == OpKind::Incrby { new } else { old };
        (old, new, reply as i64)
    };
    set_field(p, op.offset, op.bits, new);
    (Some(reply), old != new)
}

/// BITFIELD reads its key only when every operation is a GET (Redis's `bitfieldGetKeys`).
fn bitfield_key_flags(args: &Args<'_>, _flags: u32) -> u32 {
    let mut i = 2;
    let mut readonly = true;
    while i < args.len() {
        let rem = args.len() - i - 1;
        let a = &args[i];
        if is(a, "get") && rem >= 2 {
            i += 3;
        } else if (is(a, "set") || is(a, "incrby")) && rem >= 3 {
            readonly = false;
            break;
        } else if is(a, "overflow") && rem >= 1 {
            i += 2;
        } else {
            readonly = false;
            break;
        }
    }
    if readonly {
        ks::RO | ks::ACCESS
    } else {
        ks::RW | ks::ACCESS | ks::UPDATE
    }
}

fn bitfield(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bitfield_generic(ctx, args, false)
}

fn bitfield_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bitfield_generic(ctx, args, true)
}

/// Parses every operation first (any error replies before anything runs), then runs them in
/// order on the string, created and grown as far as the writes reach.
fn bitfield_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, ro_cmd: bool) -> CmdResult {
    let obey = obeying(ctx.srv);
    let max_bulk = ctx.srv.config.proto_max_bulk_len;
    let (mut j, mut ow) = (2, Overflow::Wrap);
    let (mut numops, mut readonly, mut highest) = (0usize, true, 0u64);
    while let Some(op) = next_op(args, &mut j, &mut ow, obey, max_bulk)? {
        numops += 1;
        if op.kind != OpKind::Get {
            readonly = false;
            highest = highest.max(op.offset + op.bits as u64 - 1);
        }
    }
    let now = ctx.now_ms;
    let ops = |j: &mut usize, ow: &mut Overflow| next_op(args, j, ow, obey, max_bulk);
    let (db, out) = ctx.db_out();
    if readonly {
        let mut tmp = [0u8; 20];
        let p = match db.lookup_read(&args[1], now) {
            Some(e) => e.as_str()?.as_bytes(&mut tmp),
            None => &[],
        };
        out.array(numops);
        let (mut j, mut ow) = (2, Overflow::Wrap);
        while let Ok(Some(op)) = ops(&mut j, &mut ow) {
            reply_get(out, p, &op);
        }
        if !ro_cmd {
            count_changes(ctx.srv, 0);
        }
        return Ok(());
    }
    if ro_cmd {
        return Err(CmdError::msg(
            "ERR BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let (data, grown) = string_for_bits(db, &args[1], now, highest)?;
    out.array(numops);
    let mut changes = 0u64;
    let (mut j, mut ow) = (2, Overflow::Wrap);
    while let Ok(Some(op)) = ops(&mut j, &mut ow) {
        if op.kind == OpKind::Get {
            reply_get(out, data, &op);
            continue;
        }
        match write_op(data, &op) {
            (Some(v), changed) => {
                out.int(v);
                changes += (grown || changed) as u64;
            }
            (None, _) => out.null(),
        }
    }
    count_changes(ctx.srv, changes);
    Ok(())
}

fn reply_get(out: &mut crate::resp::Reply, p: &[u8], op: &FieldOp) {
    if op.signed {
        out.int(get_signed(p, op.offset, op.bits));
    } else {
        out.int(get_unsigned(p, op.offset, op.bits) as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_at_odd_offsets() {
        let mut p = vec![0u8; 16];
        for (off, bits, v) in [
            (0, 8, 0xAB),
            (3, 13, 0x1ABC),
            (7, 64, u64::MAX - 5),
            (61, 1, 1),
        ] {
            set_field(&mut p, off, bits, v);
            assert_eq!(get_unsigned(&p, off, bits), v & mask(bits));
        }
        set_field(&mut p, 9, 5, 0b10110);
        assert_eq!(get_signed(&p, 9, 5), -10);
        assert_eq!(get_unsigned(&[0x80], 0, 1), 1);
        assert_eq!(get_unsigned(&[], 1000, 64), 0);
    }

    #[test]
    fn bit_search_and_count() {
        let p = [0xFFu8, 0xFF, 0x00, 0x10, 0xFF];
        assert_eq!(find_bit(&p, 0, 39, false), Some(16));
        assert_eq!(find_bit(&p, 0, 39, true), Some(0));
        assert_eq!(find_bit(&p, 17, 39, true), Some(27));
        assert_eq!(find_bit(&p, 17, 26, true), None);
        assert_eq!(find_bit(&p, 3, 3, false), None);
        let big: Vec<u8> = (0..1000u32).map(|i| (i * 37) as u8).collect();
        let slow: u64 = big.iter().map(|b| b.count_ones() as u64).sum();
        assert_eq!(popcount(&big), slow);
        assert_eq!(popcount(&big[3..]), slow - popcount(&big[..3]));
    }
}
