//! Bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO): exact
//! replies and errors recorded from real Redis 7.0.15, including odd and out-of-range offsets,
//! int-encoded, empty and binary values, the proto-max-bulk-len limit, the change counter and
//! the command-table entries.
//!
//! To re-check the expectations against a real server, start one and run
//! `BITOPS_ORACLE_PORT=<port> cargo test --test bitops -- --test-threads=1`.
mod common;
use common::*;

fn start() -> (Target, Conn) {
    start_target("BITOPS_ORACLE_PORT")
}

/// SETBIT/GETBIT at 0, 7, 8, 2^32-1 and beyond, bad offsets and bit values, the proto-max-bulk-len limit.
#[test]
fn setbit_getbit_offsets_and_size_limit() {
    let (_t, mut c) = start();
    check(&mut c, "SETBIT k 0 1", b":0\r\n");
    check(&mut c, "GETBIT k 0", b":1\r\n");
    check(&mut c, "GET k", b"$1\r\n\x80\r\n");
    check(&mut c, "OBJECT ENCODING k", b"$3\r\nraw\r\n");
    check(&mut c, "SETBIT k 7 1", b":0\r\n");
    check(&mut c, "GET k", b"$1\r\n\x81\r\n");
    check(&mut c, "SETBIT k 8 1", b":0\r\n");
    check(&mut c, "GET k", b"$2\r\n\x81\x80\r\n");
    check(&mut c, "STRLEN k", b":2\r\n");
    check(&mut c, "GETBIT k 7", b":1\r\n");
    check(&mut c, "GETBIT k 8", b":1\r\n");
    check(&mut c, "GETBIT k 6", b":0\r\n");
    check(&mut c, "GETBIT k 1000", b":0\r\n");
    check(&mut c, "SETBIT k 0 0", b":1\r\n");
    check(&mut c, "SETBIT k 0 0", b":0\r\n");
    check(&mut c, "GET k", b"$2\r\n\x01\x80\r\n");
    check(
        &mut c,
        "SETBIT k 0 01",
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 00 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k -1 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k abc 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k #1 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 1.5 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 99999999999999999999 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check_args(
        &mut c,
        &[b"SETBIT", b"k", b"", b"1"],
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 1 2",
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 1 -1",
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 1 x",
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check_args(
        &mut c,
        &[b"SETBIT", b"k", b"1", b""],
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT k 4294967296 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "GETBIT k 4294967295", b":0\r\n");
    check(
        &mut c,
        "GETBIT k 4294967296",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "GETBIT k -1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "GETBIT k abc",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "GETBIT k 9223372036854775807",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "GETBIT nokey 5", b":0\r\n");
    check(
        &mut c,
        "GETBIT nokey -1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "EXISTS nokey", b":0\r\n");
    check(&mut c, "SETBIT big 4294967295 1", b":0\r\n");
    check(&mut c, "STRLEN big", b":536870912\r\n");
    check(&mut c, "OBJECT ENCODING big", b"$3\r\nraw\r\n");
    check(&mut c, "GETBIT big 4294967295", b":1\r\n");
    check(&mut c, "GETBIT big 4294967294", b":0\r\n");
    check(&mut c, "BITCOUNT big -1 -1", b":1\r\n");
    check(&mut c, "BITPOS big 1 -2", b":4294967295\r\n");
    check(
        &mut c,
        "BITFIELD big GET u8 4294967288 GET i4 4294967292",
        b"*2\r\n:1\r\n:1\r\n",
    );
    check(&mut c, "DEL big", b":1\r\n");
    check(&mut c, "CONFIG SET proto-max-bulk-len 1048576", b"+OK\r\n");
    check(&mut c, "SETBIT small 8388607 1", b":0\r\n");
    check(
        &mut c,
        "SETBIT small 8388608 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "GETBIT small 8388608",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "BITFIELD small SET u8 #1048575 1", b"*1\r\n:1\r\n");
    check(
        &mut c,
        "BITFIELD small SET u8 #1048576 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD small SET i64 8388607 1",
        b"*1\r\n:-9223372036854775808\r\n",
    );
    check(&mut c, "STRLEN small", b":1048584\r\n");
    check(
        &mut c,
        "SETRANGE small 1048576 x",
        b"-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
    );
    check(
        &mut c,
        "CONFIG SET proto-max-bulk-len 536870912",
        b"+OK\r\n",
    );
    check(&mut c, "DEL small", b":1\r\n");
}

/// Integer-encoded values are read as digits and become raw when written; empty and binary strings.
#[test]
fn int_encoded_empty_and_binary_values() {
    let (_t, mut c) = start();
    check(&mut c, "SET i 12", b"+OK\r\n");
    check(&mut c, "OBJECT ENCODING i", b"$3\r\nint\r\n");
    check(&mut c, "GETBIT i 0", b":0\r\n");
    check(&mut c, "GETBIT i 2", b":1\r\n");
    check(&mut c, "GETBIT i 3", b":1\r\n");
    check(&mut c, "GETBIT i 7", b":1\r\n");
    check(&mut c, "GETBIT i 15", b":0\r\n");
    check(&mut c, "GETBIT i 16", b":0\r\n");
    check(&mut c, "BITCOUNT i", b":6\r\n");
    check(&mut c, "BITPOS i 1", b":2\r\n");
    check(&mut c, "BITFIELD_RO i GET u16 0", b"*1\r\n:12594\r\n");
    check(&mut c, "SETBIT i 7 1", b":1\r\n");
    check(&mut c, "OBJECT ENCODING i", b"$3\r\nraw\r\n");
    check(&mut c, "GET i", b"$2\r\n12\r\n");
    check(&mut c, "SET n -9223372036854775808", b"+OK\r\n");
    check(&mut c, "BITCOUNT n", b":72\r\n");
    check(&mut c, "BITFIELD n GET u8 0", b"*1\r\n:45\r\n");
    check(&mut c, "OBJECT ENCODING n", b"$3\r\nint\r\n");
    check(&mut c, "BITFIELD n SET u8 0 45", b"*1\r\n:45\r\n");
    check(&mut c, "OBJECT ENCODING n", b"$3\r\nraw\r\n");
    check(&mut c, "GET n", b"$20\r\n-9223372036854775808\r\n");
    check(&mut c, "SET e abc", b"+OK\r\n");
    check(&mut c, "OBJECT ENCODING e", b"$6\r\nembstr\r\n");
    check(&mut c, "SETBIT e 0 0", b":0\r\n");
    check(&mut c, "OBJECT ENCODING e", b"$3\r\nraw\r\n");
    check_args(&mut c, &[b"SET", b"z", b""], b"+OK\r\n");
    check(&mut c, "STRLEN z", b":0\r\n");
    check(&mut c, "GETBIT z 0", b":0\r\n");
    check(&mut c, "BITCOUNT z", b":0\r\n");
    check(&mut c, "BITCOUNT z 0 -1 BIT", b":0\r\n");
    check(&mut c, "BITPOS z 0", b":-1\r\n");
    check(&mut c, "BITPOS z 1", b":-1\r\n");
    check(&mut c, "BITPOS z 0 0", b":-1\r\n");
    check(&mut c, "SETBIT z 0 0", b":0\r\n");
    check(&mut c, "GET z", b"$1\r\n\x00\r\n");
    check(&mut c, "OBJECT ENCODING z", b"$3\r\nraw\r\n");
    check_args(&mut c, &[b"SET", b"bin", b"\x00\xff\x00\x80"], b"+OK\r\n");
    check(&mut c, "BITCOUNT bin", b":9\r\n");
    check(&mut c, "BITPOS bin 1", b":8\r\n");
    check(&mut c, "BITPOS bin 0 1", b":16\r\n");
    check(&mut c, "BITPOS bin 1 2", b":24\r\n");
    check(&mut c, "GETBIT bin 24", b":1\r\n");
    check(&mut c, "SETBIT bin 31 1", b":0\r\n");
    check(&mut c, "GET bin", b"$4\r\n\x00\xff\x00\x81\r\n");
    check(&mut c, "BITOP NOT dbin bin", b":4\r\n");
    check(&mut c, "GET dbin", b"$4\r\n\xff\x00\xff~\r\n");
}

/// WRONGTYPE from every command, after the argument checks that come first.
#[test]
fn wrong_type_errors() {
    let (_t, mut c) = start();
    check(&mut c, "LPUSH l a", b":1\r\n");
    check(
        &mut c,
        "SETBIT l 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "GETBIT l 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITCOUNT l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITPOS l 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITOP AND d l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITFIELD l GET u8 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO l GET u8 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "SETBIT l abc 1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "SETBIT l 0 5",
        b"-ERR bit is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD l SET u8 0 1",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO l SET u8 0 1",
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    check(
        &mut c,
        "BITFIELD l GET u8 x",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITCOUNT l 0",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(
        &mut c,
        "BITPOS l 2",
        b"-ERR The bit argument must be 1 or 0.\r\n",
    );
    check(&mut c, "SET s x", b"+OK\r\n");
    check(
        &mut c,
        "BITOP OR d s l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "EXISTS d", b":0\r\n");
    check(&mut c, "BITOP OR l s", b":1\r\n");
    check(&mut c, "TYPE l", b"+string\r\n");
}

/// BITCOUNT over byte and bit ranges, negative and huge indexes, syntax errors.
#[test]
fn bitcount_ranges() {
    let (_t, mut c) = start();
    check(&mut c, "SET s foobar", b"+OK\r\n");
    check(&mut c, "BITCOUNT s", b":26\r\n");
    check(&mut c, "BITCOUNT s 0 0", b":4\r\n");
    check(&mut c, "BITCOUNT s 1 1", b":6\r\n");
    check(&mut c, "BITCOUNT s 1 1 BYTE", b":6\r\n");
    check(&mut c, "BITCOUNT s 5 30 BIT", b":17\r\n");
    check(&mut c, "BITCOUNT s 0 -1 bit", b":26\r\n");
    check(&mut c, "BITCOUNT s -2 -1", b":7\r\n");
    check(&mut c, "BITCOUNT s -1 -2", b":0\r\n");
    check(&mut c, "BITCOUNT s 100 200", b":0\r\n");
    check(&mut c, "BITCOUNT s -100 -50", b":4\r\n");
    check(&mut c, "BITCOUNT s 0", b"-ERR syntax error\r\n");
    check(&mut c, "BITCOUNT s 0 1 2 3", b"-ERR syntax error\r\n");
    check(&mut c, "BITCOUNT s 0 1 nope", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "BITCOUNT s a 1",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITCOUNT s 0 b",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "BITCOUNT s -1 -2 nope", b":0\r\n");
    check(
        &mut c,
        "BITCOUNT s 9223372036854775807 9223372036854775807",
        b":0\r\n",
    );
    check(
        &mut c,
        "BITCOUNT s -9223372036854775808 9223372036854775807",
        b":26\r\n",
    );
    check(
        &mut c,
        "BITCOUNT s -9223372036854775808 9223372036854775807 bit",
        b":26\r\n",
    );
    check(&mut c, "BITCOUNT nokey 0", b":0\r\n");
    check(&mut c, "BITCOUNT nokey a b", b":0\r\n");
    check(&mut c, "BITCOUNT i", b":0\r\n");
    check(&mut c, "BITCOUNT i 0 0", b":0\r\n");
    check(&mut c, "BITCOUNT s 3 17 BIT", b":9\r\n");
    check(&mut c, "BITCOUNT s 7 8 bit", b":0\r\n");
    check(&mut c, "BITCOUNT s 47 47 bit", b":0\r\n");
    check(&mut c, "BITCOUNT s 9 9 bit", b":1\r\n");
    check_args(&mut c, &[b"SET", b"z", b""], b"+OK\r\n");
    check(&mut c, "BITCOUNT z", b":0\r\n");
    check(&mut c, "BITCOUNT z 0 -1", b":0\r\n");
    check(&mut c, "BITCOUNT z 0 -1 bit", b":0\r\n");
    check(&mut c, "SET i 12", b"+OK\r\n");
    check(&mut c, "BITCOUNT i", b":6\r\n");
    check(&mut c, "BITCOUNT i 0 0", b":3\r\n");
    check(&mut c, "BITCOUNT i 1 1 bit", b":0\r\n");
}

/// BITPOS for set and clear bits, with and without an end, in bytes and bits.
#[test]
fn bitpos_ranges() {
    let (_t, mut c) = start();
    check(&mut c, "SET s foobar", b"+OK\r\n");
    check_args(&mut c, &[b"SET", b"z", b""], b"+OK\r\n");
    check(&mut c, "SET i 12", b"+OK\r\n");
    check(&mut c, "BITPOS z 0", b":-1\r\n");
    check(&mut c, "BITPOS z 1", b":-1\r\n");
    check(&mut c, "BITPOS z 0 0", b":-1\r\n");
    check(&mut c, "BITPOS z 0 0 -1", b":-1\r\n");
    check_args(&mut c, &[b"SET", b"ff", b"\xff\xf0\x00"], b"+OK\r\n");
    check(&mut c, "BITPOS ff 0", b":12\r\n");
    check(&mut c, "BITPOS ff 1", b":0\r\n");
    check(&mut c, "BITPOS ff 1 2", b":-1\r\n");
    check(&mut c, "BITPOS ff 0 0 0", b":-1\r\n");
    check(&mut c, "BITPOS ff 0 0 1", b":12\r\n");
    check(&mut c, "BITPOS ff 0 0 -1", b":12\r\n");
    check(&mut c, "BITPOS ff 1 2 -1", b":-1\r\n");
    check(&mut c, "BITPOS ff 0 3 7 bit", b":-1\r\n");
    check(&mut c, "BITPOS ff 0 3 12 bit", b":12\r\n");
    check(&mut c, "BITPOS ff 0 3 11 bit", b":-1\r\n");
    check(&mut c, "BITPOS ff 1 12 23 bit", b":-1\r\n");
    check(&mut c, "BITPOS ff 1 11 23 bit", b":11\r\n");
    check(&mut c, "BITPOS ff 0 -100 -90 bit", b":-1\r\n");
    check(
        &mut c,
        "BITPOS ff 2",
        b"-ERR The bit argument must be 1 or 0.\r\n",
    );
    check(
        &mut c,
        "BITPOS ff -1",
        b"-ERR The bit argument must be 1 or 0.\r\n",
    );
    check(
        &mut c,
        "BITPOS ff x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITPOS ff 0 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITPOS ff 0 0 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "BITPOS ff 0 0 1 x", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "BITPOS ff 0 x 1 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "BITPOS ff 0 0 x x", b"-ERR syntax error\r\n");
    check(&mut c, "BITPOS ff 0 0 1 bit 5", b"-ERR syntax error\r\n");
    check(&mut c, "BITPOS nokey 0", b":0\r\n");
    check(&mut c, "BITPOS nokey 1", b":-1\r\n");
    check(
        &mut c,
        "BITPOS nokey 2",
        b"-ERR The bit argument must be 1 or 0.\r\n",
    );
    check(&mut c, "BITPOS nokey 0 x", b":0\r\n");
    check(&mut c, "BITPOS i 1", b":2\r\n");
    check(&mut c, "BITPOS i 0", b":0\r\n");
    check(&mut c, "BITPOS ff 1 9223372036854775807", b":-1\r\n");
    check(
        &mut c,
        "BITPOS ff 0 -9223372036854775808 9223372036854775807 bit",
        b":12\r\n",
    );
    check_args(&mut c, &[b"SET", b"allff", b"\xff\xff\xff"], b"+OK\r\n");
    check(&mut c, "BITPOS allff 0", b":24\r\n");
    check(&mut c, "BITPOS allff 0 0", b":24\r\n");
    check(&mut c, "BITPOS allff 0 0 -1", b":-1\r\n");
    check(&mut c, "BITPOS allff 0 0 -1 bit", b":-1\r\n");
    check(
        &mut c,
        "BITPOS allff 0 1 bit",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "BITPOS allff 1 100", b":-1\r\n");
}

/// BITOP AND/OR/XOR/NOT: longest input wins, missing keys are zeros, empty results delete.
#[test]
fn bitop_operations() {
    let (_t, mut c) = start();
    check(&mut c, "SET a foobar", b"+OK\r\n");
    check(&mut c, "SET b abcdef", b"+OK\r\n");
    check_args(&mut c, &[b"SET", b"c", b"\x00\xff"], b"+OK\r\n");
    check(&mut c, "BITOP AND d a b", b":6\r\n");
    check(&mut c, "GET d", b"$6\r\n`bc`ab\r\n");
    check(&mut c, "OBJECT ENCODING d", b"$3\r\nraw\r\n");
    check(&mut c, "BITOP OR d a b c", b":6\r\n");
    check(&mut c, "GET d", b"$6\r\ng\xffofev\r\n");
    check(&mut c, "BITOP XOR d a b c", b":6\r\n");
    check(&mut c, "GET d", b"$6\r\n\x07\xf2\x0c\x06\x04\x14\r\n");
    check(&mut c, "BITOP NOT d c", b":2\r\n");
    check(&mut c, "GET d", b"$2\r\n\xff\x00\r\n");
    check(
        &mut c,
        "BITOP NOT d a b",
        b"-ERR BITOP NOT must be called with a single source key.\r\n",
    );
    check(&mut c, "BITOP not d nokey", b":0\r\n");
    check(&mut c, "EXISTS d", b":0\r\n");
    check(&mut c, "BITOP NAND d a", b"-ERR syntax error\r\n");
    check(&mut c, "BITOP and d nokey nokey2", b":0\r\n");
    check(&mut c, "SET d x", b"+OK\r\n");
    check(&mut c, "EXPIRE d 100", b":1\r\n");
    check(&mut c, "BITOP or d a", b":6\r\n");
    check(&mut c, "TTL d", b":-1\r\n");
    check(&mut c, "BITOP and d nokey", b":0\r\n");
    check(&mut c, "EXISTS d", b":0\r\n");
    check(&mut c, "SET n 123", b"+OK\r\n");
    check(&mut c, "BITOP or d n", b":3\r\n");
    check(&mut c, "GET d", b"$3\r\n123\r\n");
    check(&mut c, "OBJECT ENCODING d", b"$3\r\nraw\r\n");
    check(&mut c, "BITOP AND d a nokey", b":6\r\n");
    check(&mut c, "GET d", b"$6\r\n\x00\x00\x00\x00\x00\x00\r\n");
    check(&mut c, "BITOP XOR a a a", b":6\r\n");
    check(&mut c, "GET a", b"$6\r\n\x00\x00\x00\x00\x00\x00\r\n");
    check_args(&mut c, &[b"SET", b"e", b""], b"+OK\r\n");
    check(&mut c, "BITOP or d e", b":0\r\n");
    check(&mut c, "EXISTS d", b":0\r\n");
    check(&mut c, "BITOP AND d b e", b":6\r\n");
    check(&mut c, "GET d", b"$6\r\n\x00\x00\x00\x00\x00\x00\r\n");
    check(&mut c, "LPUSH l x", b":1\r\n");
    check(
        &mut c,
        "BITOP or d a l",
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
    );
    check(&mut c, "BITOP or l a", b":6\r\n");
    check(&mut c, "TYPE l", b"+string\r\n");
    check_args(&mut c, &[b"BITOP", b"and\x00x", b"d", b"a"], b":6\r\n");
    check_args(&mut c, &[b"SET", b"big", b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"], b"+OK\r\n");
    check_args(&mut c, &[b"SET", b"big2", b"\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f"], b"+OK\r\n");
    check(&mut c, "BITOP and d big big2", b":41\r\n");
    check(&mut c, "GET d", b"$41\r\n\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x0f\x00\x00\x00\x00\x00\r\n");
    check(&mut c, "BITOP not d big", b":41\r\n");
    check(&mut c, "GET d", b"$41\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xfe\r\n");
    check(&mut c, "BITOP xor d big big2 a", b":41\r\n");
    check(&mut c, "GET d", b"$41\r\n\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xf0\xff\xff\xff\xff\x01\r\n");
}

/// BITFIELD GET/SET/INCRBY on signed and unsigned fields with every OVERFLOW mode.
#[test]
fn bitfield_get_set_incrby_overflow() {
    let (_t, mut c) = start();
    check(&mut c, "DEL bits", b":0\r\n");
    check(&mut c, "BITFIELD bits SET i8 0 -100", b"*1\r\n:0\r\n");
    check(&mut c, "BITFIELD bits SET i8 0 101", b"*1\r\n:-100\r\n");
    check(&mut c, "BITFIELD bits GET i8 0", b"*1\r\n:101\r\n");
    check(&mut c, "OBJECT ENCODING bits", b"$3\r\nraw\r\n");
    check(&mut c, "BITFIELD bits", b"*0\r\n");
    check(&mut c, "BITFIELD nokey", b"*0\r\n");
    check(&mut c, "EXISTS nokey", b":0\r\n");
    check(&mut c, "BITFIELD nokey GET u8 0", b"*1\r\n:0\r\n");
    check(
        &mut c,
        "BITFIELD_RO nokey GET u8 0 GET i64 3",
        b"*2\r\n:0\r\n:0\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits SET u8 #0 65 SET u8 #1 66 SET u8 #2 67 GET u16 #1 GET i16 #1",
        b"*5\r\n:101\r\n:0\r\n:0\r\n:17152\r\n:17152\r\n",
    );
    check(&mut c, "GET bits", b"$3\r\nABC\r\n");
    check(
        &mut c,
        "BITFIELD bits INCRBY u8 #0 100 INCRBY u8 #0 100",
        b"*2\r\n:165\r\n:9\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW WRAP INCRBY u8 #0 257 OVERFLOW SAT INCRBY u8 #0 300 INCRBY u8 #0 -500 OVERFLOW FAIL INCRBY u8 #0 -1 INCRBY u8 #0 255 INCRBY u8 #0 256",
        b"*6\r\n:10\r\n:255\r\n:0\r\n$-1\r\n:255\r\n$-1\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0",
        b"*2\r\n:-1\r\n:127\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW WRAP SET i8 0 -9223372036854775808 GET i8 0",
        b"*2\r\n:127\r\n:0\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW FAIL SET i8 0 -9223372036854775808 GET i8 0",
        b"*2\r\n$-1\r\n:0\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW SAT SET u8 0 -1 GET u8 0",
        b"*2\r\n:0\r\n:255\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW FAIL SET u8 0 -1 GET u8 0",
        b"*2\r\n$-1\r\n:255\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits SET u8 0 -1 GET u8 0",
        b"*2\r\n:255\r\n:255\r\n",
    );
    check(&mut c, "BITFIELD bits SET i64 0 -1 GET i64 0 GET u63 0 GET u63 1 GET i64 1", b"*5\r\n:-53406578295963648\r\n:-1\r\n:9223372036854775807\r\n:9223372036854775807\r\n:-2\r\n");
    check(
        &mut c,
        "BITFIELD bits INCRBY i64 0 9223372036854775807 INCRBY i64 0 -9223372036854775808",
        b"*2\r\n:9223372036854775806\r\n:-2\r\n",
    );
    check(&mut c, "BITFIELD bits OVERFLOW SAT INCRBY i64 0 9223372036854775807 INCRBY i64 0 9223372036854775807 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -1", b"*5\r\n:9223372036854775805\r\n:9223372036854775807\r\n:-1\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n");
    check(
        &mut c,
        "BITFIELD bits OVERFLOW FAIL INCRBY i64 0 -9223372036854775808 INCRBY i64 0 1 INCRBY i64 0 -1",
        b"*3\r\n$-1\r\n:-9223372036854775807\r\n:-9223372036854775808\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW SAT INCRBY u63 0 9223372036854775807 INCRBY u63 0 1 INCRBY u63 0 -9223372036854775808",
        b"*3\r\n:9223372036854775807\r\n:9223372036854775807\r\n:0\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW WRAP INCRBY u63 0 9223372036854775807 INCRBY u63 0 5 INCRBY u63 0 -9223372036854775808",
        b"*3\r\n:9223372036854775807\r\n:4\r\n:4\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW WRAP INCRBY i5 3 20 INCRBY i5 3 -40 INCRBY u1 7 3 INCRBY i1 9 1 INCRBY i1 9 -3",
        b"*5\r\n:-12\r\n:12\r\n:1\r\n:-1\r\n:0\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW SAT INCRBY i5 3 20 INCRBY i5 3 -40 INCRBY u1 7 3 INCRBY i1 9 1 INCRBY i1 9 -3",
        b"*5\r\n:15\r\n:-16\r\n:1\r\n:0\r\n:-1\r\n",
    );
    check(&mut c, "SET i 255", b"+OK\r\n");
    check(
        &mut c,
        "BITFIELD i GET u8 0 GET u16 8 GET u24 0",
        b"*3\r\n:50\r\n:13621\r\n:3290421\r\n",
    );
    check(&mut c, "OBJECT ENCODING i", b"$3\r\nint\r\n");
    check(
        &mut c,
        "BITFIELD_RO i GET u8 0 GET u16 8 GET u24 0",
        b"*3\r\n:50\r\n:13621\r\n:3290421\r\n",
    );
    check(&mut c, "OBJECT ENCODING i", b"$3\r\nint\r\n");
    check(&mut c, "BITFIELD i SET u8 0 50", b"*1\r\n:50\r\n");
    check(&mut c, "OBJECT ENCODING i", b"$3\r\nraw\r\n");
    check(&mut c, "GET i", b"$3\r\n255\r\n");
    check(&mut c, "DEL f", b":0\r\n");
    check(
        &mut c,
        "BITFIELD f OVERFLOW FAIL INCRBY u2 0 5",
        b"*1\r\n$-1\r\n",
    );
    check(&mut c, "EXISTS f", b":1\r\n");
    check(&mut c, "GET f", b"$1\r\n\x00\r\n");
    check(&mut c, "STRLEN f", b":1\r\n");
    check(&mut c, "BITFIELD f SET i64 100 1", b"*1\r\n:0\r\n");
    check(&mut c, "STRLEN f", b":21\r\n");
    check(
        &mut c,
        "BITFIELD f GET i64 100 GET u63 101 GET i64 200",
        b"*3\r\n:1\r\n:1\r\n:0\r\n",
    );
    check_args(
        &mut c,
        &[b"SET", b"str", b"\xaaU\xcc3\xf0\x0f\x81\x18~\xe7"],
        b"+OK\r\n",
    );
    check(&mut c, "BITFIELD str GET i3 1 GET u7 5 GET i13 9 GET u33 15 GET i64 3 GET u63 17 GET i1 0 GET u1 1", b"*8\r\n:2\r\n:37\r\n:-2701\r\n:7720923151\r\n:5957806694741051587\r\n:5490996320075808487\r\n:-1\r\n:0\r\n");
    check(&mut c, "SETBIT str 79 1", b":1\r\n");
    check(&mut c, "SETBIT str 80 1", b":0\r\n");
    check(&mut c, "GETBIT str 80", b":1\r\n");
    check(&mut c, "STRLEN str", b":11\r\n");
}

/// BITFIELD parse errors (types, offsets, values, OVERFLOW) and BITFIELD_RO's limits.
#[test]
fn bitfield_errors_and_bitfield_ro() {
    let (_t, mut c) = start();
    check(&mut c, "SET bits ABC", b"+OK\r\n");
    check(&mut c, "BITFIELD bits GET u64 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET i65 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET i0 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET u0 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET x8 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET i08 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET i+8 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(&mut c, "BITFIELD bits GET I8 0", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check_args(
        &mut c,
        &[b"BITFIELD", b"bits", b"GET", b"i8\x00junk", b"0"],
        b"*1\r\n:65\r\n",
    );
    check_args(&mut c, &[b"BITFIELD", b"bits", b"GET", b"", b"0"], b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(
        &mut c,
        "BITFIELD bits GET u8 -1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 #-1",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 #",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 x",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "BITFIELD bits GET u8 4294967295", b"*1\r\n:0\r\n");
    check(
        &mut c,
        "BITFIELD bits GET u8 4294967296",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "BITFIELD bits GET u8 #536870911", b"*1\r\n:0\r\n");
    check(
        &mut c,
        "BITFIELD bits GET u8 #536870912",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(&mut c, "BITFIELD bits GET i64 #67108863", b"*1\r\n:0\r\n");
    check(
        &mut c,
        "BITFIELD bits GET i64 #67108864",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 #1152921504606846976",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 #9223372036854775807",
        b"-ERR bit offset is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits SET u8 0 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits SET u8 0 1.5",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits INCRBY u8 0",
        b"-ERR syntax error\r\n",
    );
    check(&mut c, "BITFIELD bits GET u8", b"-ERR syntax error\r\n");
    check(&mut c, "BITFIELD bits OVERFLOW", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "BITFIELD bits OVERFLOW foo GET u8 0",
        b"-ERR Invalid OVERFLOW type specified\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits OVERFLOW foo",
        b"-ERR Invalid OVERFLOW type specified\r\n",
    );
    check(&mut c, "BITFIELD bits FOO u8 0", b"-ERR syntax error\r\n");
    check(
        &mut c,
        "BITFIELD bits GET u8 0 SET u8 0 1 bogus",
        b"-ERR syntax error\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits GET u8 0 OVERFLOW FAIL",
        b"*1\r\n:65\r\n",
    );
    check(
        &mut c,
        "BITFIELD bits get u8 0 overflow fail incrby u8 0 1000 overflow wrap set u8 0 3 get u8 0",
        b"*4\r\n:65\r\n$-1\r\n:65\r\n:3\r\n",
    );
    check(&mut c, "BITFIELD_RO bits", b"*0\r\n");
    check(
        &mut c,
        "BITFIELD_RO bits GET u8 0 GET i4 4",
        b"*2\r\n:3\r\n:3\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO bits SET u8 0 100 GET u8 0",
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO bits INCRBY u8 0 1",
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    check(&mut c, "BITFIELD_RO bits OVERFLOW SAT", b"*0\r\n");
    check(
        &mut c,
        "BITFIELD_RO bits OVERFLOW SAT GET u8 0",
        b"*1\r\n:3\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO bits SET u8 0 x",
        b"-ERR value is not an integer or out of range\r\n",
    );
    check(&mut c, "BITFIELD_RO bits SET u64 0 1", b"-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n");
    check(
        &mut c,
        "BITFIELD_RO l SET u8 0 1",
        b"-ERR BITFIELD_RO only supports the GET subcommand\r\n",
    );
    check(&mut c, "BITFIELD l SET u8 0 1", b"*1\r\n:0\r\n");
}

/// COMMAND INFO, COMMAND DOCS and key flags as Redis reports them; arity errors.
#[test]
fn command_table_entries() {
    let (_t, mut c) = start();
    check(&mut c, "COMMAND INFO setbit getbit bitcount bitpos bitop bitfield bitfield_ro", b"*7\r\n*10\r\n$6\r\nsetbit\r\n:4\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@bitmap\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$6\r\ngetbit\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@bitmap\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$8\r\nbitcount\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@bitmap\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$6\r\nbitpos\r\n:-3\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@bitmap\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$5\r\nbitop\r\n:-4\r\n*2\r\n+write\r\n+denyoom\r\n:2\r\n:-1\r\n:1\r\n*3\r\n+@write\r\n+@bitmap\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:3\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:-1\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$8\r\nbitfield\r\n:-2\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@bitmap\r\n+@slow\r\n*0\r\n*1\r\n*8\r\n$5\r\nnotes\r\n$59\r\nThis command allows both access and modification of the key\r\n$5\r\nflags\r\n*4\r\n+RW\r\n+access\r\n+update\r\n+variable_flags\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n*10\r\n$11\r\nbitfield_ro\r\n:-2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@bitmap\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n");
    check(&mut c, "COMMAND DOCS setbit getbit bitcount bitpos bitop bitfield bitfield_ro", b"*14\r\n$6\r\nsetbit\r\n*10\r\n$7\r\nsummary\r\n$66\r\nSets or clears the bit at offset in the string value stored at key\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$6\r\ngetbit\r\n*10\r\n$7\r\nsummary\r\n$65\r\nReturns the bit value at offset in the string value stored at key\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$8\r\nbitcount\r\n*12\r\n$7\r\nsummary\r\n$26\r\nCount set bits in a string\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$4\r\nO(N)\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$28\r\nAdded the `BYTE|BIT` option.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$5\r\nindex\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$3\r\nend\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$10\r\nindex_unit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$4\r\nbyte\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nBYTE\r\n*6\r\n$4\r\nname\r\n$3\r\nbit\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nBIT\r\n$6\r\nbitpos\r\n*12\r\n$7\r\nsummary\r\n$39\r\nFind first bit set or clear in a string\r\n$5\r\nsince\r\n$5\r\n2.8.7\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$4\r\nO(N)\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n7.0.0\r\n$28\r\nAdded the `BYTE|BIT` option.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nbit\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$5\r\nindex\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$9\r\nend_index\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$3\r\nend\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*10\r\n$4\r\nname\r\n$10\r\nindex_unit\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$4\r\nbyte\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nBYTE\r\n*6\r\n$4\r\nname\r\n$3\r\nbit\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nBIT\r\n$5\r\nbitop\r\n*10\r\n$7\r\nsummary\r\n$42\r\nPerform bitwise operations between strings\r\n$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$4\r\nO(N)\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$9\r\noperation\r\n$4\r\ntype\r\n$6\r\nstring\r\n*6\r\n$4\r\nname\r\n$7\r\ndestkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$8\r\nbitfield\r\n*10\r\n$7\r\nsummary\r\n$56\r\nPerform arbitrary bitfield integer operations on strings\r\n$5\r\nsince\r\n$5\r\n3.2.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$34\r\nO(1) for each subcommand specified\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$9\r\noperation\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$15\r\nencoding_offset\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$8\r\nencoding\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*6\r\n$4\r\nname\r\n$5\r\nwrite\r\n$4\r\ntype\r\n$5\r\nblock\r\n$9\r\narguments\r\n*2\r\n*10\r\n$4\r\nname\r\n$13\r\nwrap_sat_fail\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$8\r\nOVERFLOW\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$4\r\nwrap\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nWRAP\r\n*6\r\n$4\r\nname\r\n$3\r\nsat\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSAT\r\n*6\r\n$4\r\nname\r\n$4\r\nfail\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nFAIL\r\n*6\r\n$4\r\nname\r\n$15\r\nwrite_operation\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*8\r\n$4\r\nname\r\n$21\r\nencoding_offset_value\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$3\r\nSET\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$8\r\nencoding\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\nvalue\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$25\r\nencoding_offset_increment\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$6\r\nINCRBY\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$8\r\nencoding\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$11\r\nbitfield_ro\r\n*10\r\n$7\r\nsummary\r\n$87\r\nPerform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD\r\n$5\r\nsince\r\n$5\r\n6.0.0\r\n$5\r\ngroup\r\n$6\r\nbitmap\r\n$10\r\ncomplexity\r\n$34\r\nO(1) for each subcommand specified\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$15\r\nencoding_offset\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$3\r\nGET\r\n$5\r\nflags\r\n*3\r\n+optional\r\n+multiple\r\n+multiple_token\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$8\r\nencoding\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n");
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS bitfield k get u8 0",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS bitfield k get u8 0 set u8 0 1",
        b"*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS bitfield k overflow sat get u8 0",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS bitfield k bogus",
        b"*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
    );
    check(&mut c, "COMMAND GETKEYSANDFLAGS bitop and d a b c", b"*4\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nc\r\n*2\r\n+RO\r\n+access\r\n");
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS bitfield_ro k get u8 0",
        b"*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    check(
        &mut c,
        "COMMAND GETKEYSANDFLAGS setbit k 0 1",
        b"*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
    );
    check(
        &mut c,
        "SETBIT",
        b"-ERR wrong number of arguments for 'setbit' command\r\n",
    );
    check(
        &mut c,
        "GETBIT k",
        b"-ERR wrong number of arguments for 'getbit' command\r\n",
    );
    check(
        &mut c,
        "BITCOUNT",
        b"-ERR wrong number of arguments for 'bitcount' command\r\n",
    );
    check(
        &mut c,
        "BITPOS k",
        b"-ERR wrong number of arguments for 'bitpos' command\r\n",
    );
    check(
        &mut c,
        "BITOP and d",
        b"-ERR wrong number of arguments for 'bitop' command\r\n",
    );
    check(
        &mut c,
        "BITFIELD",
        b"-ERR wrong number of arguments for 'bitfield' command\r\n",
    );
    check(
        &mut c,
        "BITFIELD_RO",
        b"-ERR wrong number of arguments for 'bitfield_ro' command\r\n",
    );
}

/// RESP3: a refused OVERFLOW FAIL is a RESP3 null.
#[test]
fn resp3_null_for_failed_overflow() {
    let (_t, mut c) = start();
    c.cmd("HELLO 3");
    check(
        &mut c,
        "BITFIELD k OVERFLOW FAIL INCRBY u2 0 5 SET i8 8 -1 GET i8 8",
        b"*3\r\n_\r\n:0\r\n:-1\r\n",
    );
    check(&mut c, "BITFIELD_RO k GET u4 0", b"*1\r\n:0\r\n");
    check(&mut c, "BITFIELD_RO nokey GET u4 0", b"*1\r\n:0\r\n");
    check(&mut c, "BITPOS k 1", b":8\r\n");
    check(&mut c, "BITCOUNT k", b":8\r\n");
}

fn changes(c: &mut Conn) -> i64 {
    info_int(c, "persistence", "rdb_changes_since_last_save")
}

/// The change counter moves as Redis's: only for bits and fields that changed (or a key
/// created or grown), one per changed BITFIELD field, nothing for reads.
#[test]
fn change_counter_counts_real_changes() {
    let (_t, mut c) = start();
    let steps: &[(&str, i64)] = &[
        ("SETBIT a 0 0", 1),
        ("SETBIT a 0 0", 0),
        ("SETBIT a 0 1", 1),
        ("SETBIT a 0 1", 0),
        ("SETBIT a 90 0", 1),
        ("BITFIELD b SET i5 0 0", 1),
        ("BITFIELD b SET i5 0 0", 0),
        ("BITFIELD b SET i5 0 1 SET u3 8 7", 2),
        ("BITFIELD b GET u8 0", 0),
        ("BITFIELD b", 0),
        ("BITFIELD c OVERFLOW FAIL INCRBY u2 0 5", 0),
        ("EXISTS c", 0),
        ("BITFIELD b INCRBY u8 0 0", 0),
        ("BITFIELD b INCRBY u8 0 1 INCRBY u8 0 1 INCRBY u8 0 256", 2),
        ("BITFIELD b SET u8 800 0", 1),
        ("BITOP OR d nokey", 0),
        ("BITOP OR a nokey", 1),
        ("BITOP AND d b", 1),
        ("BITFIELD_RO b GET u8 0", 0),
    ];
    for &(cmd, want) in steps {
        let before = changes(&mut c);
        c.cmd(cmd);
        assert_eq!(
            changes(&mut c) - before,
            want,
            "changes counted for {cmd:?}"
        );
    }
}
