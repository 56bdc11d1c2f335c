#!/usr/bin/env python3
"""Writes tests/fixtures/hash-ziplist-v9.rdb: an RDB version 9 file (as Redis 6.x writes) with a
ziplist-encoded hash (RDB type 13) using every ziplist entry encoding, a plain hash (type 4),
an int-encoded string and a key with an expire in seconds (opcode 0xFD).

Redis 7.0.15 loads it (tests/persistence.rs checks ferrokv gets the same DEBUG DIGEST)."""
import struct, sys, os

POLY = 0x95AC9329AC4BC9B5
TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ POLY if c & 1 else c >> 1
    TABLE.append(c)

def crc64(data):
    crc = 0
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc

def rlen(n):
    if n < 64: return bytes([n])
    if n < 16384: return bytes([0x40 | (n >> 8), n & 0xFF])
    return b'\x80' + struct.pack('>I', n)

def rstr(s):
    return rlen(len(s)) + s

def zl_entry(prevlen, v):
    pre = bytes([prevlen]) if prevlen < 254 else b'\xfe' + struct.pack('<I', prevlen)
    if isinstance(v, int):
        if 0 <= v <= 12: enc = bytes([0xF1 + v])
        elif -128 <= v <= 127: enc = b'\xfe' + struct.pack('<b', v)
        elif -32768 <= v <= 32767: enc = b'\xc0' + struct.pack('<h', v)
        elif -(1 << 23) <= v < (1 << 23): enc = b'\xf0' + struct.pack('<i', v)[:3]
        elif -(1 << 31) <= v < (1 << 31): enc = b'\xd0' + struct.pack('<i', v)
        else: enc = b'\xe0' + struct.pack('<q', v)
    else:
        n = len(v)
        if n < 64: enc = bytes([n]) + v
        elif n < 16384: enc = bytes([0x40 | (n >> 8), n & 0xFF]) + v
        else: enc = b'\x80' + struct.pack('>I', n) + v
    return pre + enc

def ziplist(items):
    body = b''
    prev = 0
    tail = 10
    for it in items:
        e = zl_entry(prev, it)
        tail = 10 + len(body)
        body += e
        prev = len(e)
    total = 10 + len(body) + 1
    return struct.pack('<IIH', total, tail, len(items)) + body + b'\xff'

items = [b'small', 7, b'int8', -100, b'int16', 30000, b'int24', -5000000,
         b'int32', 2000000000, b'int64', -9000000000000, b'long', b'z' * 300,
         b'empty', b'']
out = b'REDIS0009'
out += b'\xfa' + rstr(b'redis-ver') + rstr(b'6.2.14')
out += b'\xfe\x00' + b'\xfb' + rlen(4) + rlen(1)
out += b'\x0d' + rstr(b'zhash') + rstr(ziplist(items))
out += b'\x04' + rstr(b'plainhash') + rlen(2) + rstr(b'a') + rstr(b'1') + rstr(b'b') + rstr(b'two')
out += b'\x00' + rstr(b'num') + b'\xc1' + struct.pack('<h', -1234)
out += b'\xfd' + struct.pack('<i', 2000000000) + b'\x00' + rstr(b'secs') + rstr(b'v')
out += b'\xff'
out += struct.pack('<Q', crc64(out))
path = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'hash-ziplist-v9.rdb')
with open(path, 'wb') as f:
    f.write(out)
print(path, len(out))
