#!/usr/bin/env python3
"""Differential fuzzer: ferrokv against a real redis-server (7.0.x), reply bytes compared.

Usage: scripts/diff-fuzz.py PATH/TO/ferrokv [--group G] [--seed N] [--rounds N] [--ops N]
                            [--port-base P] [--resp 2|3|mix] [--no-minimize] [--show N]
                            [--skip CMD,...]

Starts the given ferrokv binary and `redis-server` with the same options (`--save ''
--appendonly no --enable-debug-command yes`, private --dir) on the first two free ports
from P (default 7400, at most P+49). Then for each of --rounds seeded rounds: HELLO 3
(--resp mix: one round in four) or 2, SELECT 0, FLUSHALL both, CONFIG SET small encoding
thresholds (one round in three: hash-max-listpack-entries 4 and friends, so conversions
happen) or the defaults, then --ops random commands sent to both over raw RESP sockets,
one at a time, comparing the raw reply bytes of each (now and then one is sent inside
MULTI/EXEC, compared as the three replies).

Generation: a small key space (a, b, c, an empty key, a binary key; db 0 and 1), commands
from --group (strings hashes keys expire lists sets zsets sort all), each group mixing in
a few writers of other types so WRONGTYPE paths run. Arguments come from each command's
own grammar (SET EX/PX/EXAT/PXAT/NX/XX/KEEPTTL/GET, ZADD NX/XX/GT/LT/CH/INCR, ...), with
option order shuffled, options repeated, dropped or replaced by junk now and then; values
are edge integers and floats (overflow, -0, 1e308, inf, nan, "1.5", " 1"), empty, binary
and long strings (past the embstr and listpack-value limits), glob patterns with the
special cases (`**`, `[a-]`, ranges over bytes >= 0x80).

Timing is kept out: expiry arguments are never short and positive (mutations put no
numbers into commands taking a time), SET's EXAT/PXAT are in the future (a past one
leaves the key to active expiry), and a command with GT/LT waits a millisecond first (the
same relative time twice in one millisecond compares equal). SCAN is sent only from cursor
0 (a later cursor expires keys depending on the bucket layout).

Not sent (nondeterministic): RANDOMKEY, TIME, INFO, OBJECT IDLETIME/FREQ/REFCOUNT, MEMORY
USAGE, DEBUG, blocking commands; SPOP, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER only with a
count that takes the whole (small) collection, 0 or an invalid one. Normalised replies:
TTL/EXPIRETIME within 1 s, PTTL/PEXPIRETIME within 250 ms; KEYS, SMEMBERS, SINTER, SUNION,
SDIFF, SPOP, SRANDMEMBER compared sorted; HKEYS/HVALS/HGETALL/HRANDFIELD/ZRANDMEMBER
exactly for a listpack (asked to redis with OBJECT ENCODING), else sorted; HSCAN/SSCAN/
ZSCAN of a listpack or intset exactly (one reply with everything, whatever the cursor);
otherwise a SCAN-family reply from cursor 0 ending at cursor 0 is compared sorted, any
other only by shape; SORT of a set with a BY without '*' (Redis: no sorting, and a later
BY does not undo it) sorted, or by length under LIMIT.
On a mismatch it prints the seed, round, the command sequence since FLUSHALL (redis-cli
quoting, pasteable into a transcript) and both replies, then (unless --no-minimize) a
greedily minimised sequence that still gives different replies for the last command; the
rest of that round is skipped (states have diverged). --show limits the full reports per
command name (default 2); a summary per command name is printed at the end. Exit status
1 if any mismatch. Seeded: the same seed sends the same commands (absolute expiry times
are relative to the start time). Not part of `cargo test`.
"""

import argparse
import collections
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BASE_OPTS = ["--save", "", "--appendonly", "no", "--enable-debug-command", "yes"]
SMALL_ENC = [("hash-max-listpack-entries", "4"), ("hash-max-listpack-value", "8"),
             ("set-max-intset-entries", "4"), ("zset-max-listpack-entries", "4"),
             ("zset-max-listpack-value", "8"), ("list-max-listpack-size", "4")]
DEFAULT_ENC = [("hash-max-listpack-entries", "128"), ("hash-max-listpack-value", "64"),
               ("set-max-intset-entries", "512"), ("zset-max-listpack-entries", "128"),
               ("zset-max-listpack-value", "64"), ("list-max-listpack-size", "-2")]


# ---- RESP ------------------------------------------------------------------------------

def enc(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    """A raw RESP connection. read() returns a tree: a leaf is the reply's raw bytes; an
    aggregate is (header line bytes, [children]). ser() turns a tree back into bytes."""

    def __init__(self, port, timeout=10.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.pos = 0

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def _fill(self):
        d = self.s.recv(1 << 16)
        if not d:
            raise EOFError("connection closed")
        self.buf = self.buf[self.pos:] + d
        self.pos = 0

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = self.buf[self.pos:i + 2]
                self.pos = i + 2
                return line
            self._fill()

    def _read(self):
        line = self._line()
        t = line[:1]
        if t in (b"$", b"=", b"!"):
            n = int(line[1:-2])
            if n < 0:
                return line
            while len(self.buf) - self.pos < n + 2:
                self._fill()
            d = self.buf[self.pos:self.pos + n + 2]
            self.pos += n + 2
            return line + d
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(line[1:-2])
            if n < 0:
                return line
            if t in (b"%", b"|"):
                n *= 2
            items = [self._read() for _ in range(n)]
            if t == b"|":
                return (line, items, self._read())
            return (line, items)
        return line

    def read(self):
        return self._read()

    def cmd(self, args):
        self.s.sendall(enc(args))
        return self.read()


def ser(t):
    if isinstance(t, bytes):
        return t
    if len(t) == 3:
        return t[0] + b"".join(ser(x) for x in t[1]) + ser(t[2])
    return t[0] + b"".join(ser(x) for x in t[1])


def is_err(t):
    return isinstance(t, bytes) and t.startswith(b"-")


def int_of(t):
    if isinstance(t, bytes) and t.startswith(b":"):
        try:
            return int(t[1:-2])
        except ValueError:
            return None
    return None


def bulk_of(t):
    """The payload of a bulk/simple leaf, else None."""
    if isinstance(t, bytes):
        if t[:1] == b"$" and not t.startswith(b"$-1"):
            return t[t.index(b"\r\n") + 2:-2]
        if t[:1] == b"+":
            return t[1:-2]
    return None


def quote(a):
    """redis-cli style quoting, readable by the transcript splitter."""
    if a and all(0x21 <= c < 0x7F and c not in b"\"'\\" for c in a):
        return a.decode()
    out = ['"']
    for c in a:
        if c == 0x22:
            out.append('\\"')
        elif c == 0x5C:
            out.append("\\\\")
        elif c == 0x0A:
            out.append("\\n")
        elif c == 0x0D:
            out.append("\\r")
        elif c == 0x09:
            out.append("\\t")
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    out.append('"')
    return "".join(out)


def show_cmd(args):
    return " ".join(quote(a) for a in args)


def show_reply(t):
    s = ser(t)
    if len(s) > 600:
        s = s[:600] + b"...(%d bytes)" % len(s)
    return repr(s)[2:-1]


# ---- argument generation ----------------------------------------------------------------

KEYS = [b"a", b"b", b"c", b"a", b"b", b"", b"k\x00\xff"]
FIELDS = [b"f1", b"f2", b"f3", b"f1", b"", b"\x00", b"1", b"-2", b"f\xff"]
MEMBERS = [b"a", b"b", b"c", b"d", b"1", b"2", b"-3", b"10", b"1.5", b"", b"\x00m",
           b"x" * 10]
EDGE_INTS = [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808",
             b"-9223372036854775809", b"18446744073709551615", b"4294967296", b"2147483648",
             b"-2147483649", b"99999999999999999999", b"00001", b"-0", b"+1", b" 1", b"1 ",
             b"1.5", b"1e3", b"0x10", b"", b"abc", b"-", b"9223372036854775806",
             b"-9223372036854775807"]
EDGE_FLOATS = [b"1e308", b"-1e308", b"1.7976931348623157e308", b"1e309", b"inf", b"-inf",
               b"+inf", b"Infinity", b"nan", b"NaN", b"-0", b"0.0", b"-0.0", b"1.5", b"0.1",
               b" 1", b"1 ", b"1.", b".5", b"5e-324", b"1e-320", b"3.0000000000000001",
               b"0.30000000000000004", b"123456789012345678", b"1e17", b"1e16", b"-1.25e-5",
               b"12345.6789e3", b"0x10", b"1e", b"", b"abc", b"1,5", b"10.5", b"-5",
               b"9007199254740993", b"1.23456789012345678901234567890", b"2.5e-7"]


TIMED = {b"SET", b"SETEX", b"PSETEX", b"GETEX", b"EXPIRE", b"PEXPIRE", b"EXPIREAT",
         b"PEXPIREAT"}

RANDOM_CMDS = {b"SPOP", b"SRANDMEMBER", b"HRANDFIELD", b"ZRANDMEMBER"}


class Gen:
    def __init__(self, rng, t0):
        self.r = rng
        self.t0 = t0  # unix seconds at fuzzer start: base for absolute expiry times

    def pick(self, xs):
        return self.r.choice(xs)

    def key(self):
        return self.pick(KEYS)

    def keys(self, lo=1, hi=4):
        return [self.key() for _ in range(self.r.randint(lo, hi))]

    def small_int(self):
        return str(self.r.randint(-10, 20)).encode()

    def int_(self):
        k = self.r.random()
        if k < 0.6:
            return self.small_int()
        if k < 0.75:
            return str(self.r.randint(-100000, 100000)).encode()
        return self.pick(EDGE_INTS)

    def float_(self):
        k = self.r.random()
        if k < 0.3:
            return self.small_int()
        if k < 0.5:
            return ("%.*f" % (self.r.randint(0, 4), self.r.uniform(-1000, 1000))).encode()
        if k < 0.6:
            return repr(self.r.uniform(-1e6, 1e6)).encode()
        if k < 0.7:
            return self.pick(EDGE_INTS)
        return self.pick(EDGE_FLOATS)

    def val(self):
        """A value for a string or hash field."""
        r, k = self.r, self.r.random()
        if k < 0.25:
            return self.pick([b"v", b"hello", b"abc", b"x", b"value1", b"ab"])
        if k < 0.45:
            return self.small_int()
        if k < 0.55:
            return self.pick(EDGE_INTS)
        if k < 0.65:
            return self.pick(EDGE_FLOATS)
        if k < 0.72:
            return b""
        if k < 0.82:
            return bytes(r.choice([0, 1, 10, 13, 32, 0x7f, 0x80, 0xff, 97])
                         for _ in range(r.randint(1, 5)))
        if k < 0.92:
            # Around the embstr (44), listpack value (64) and small (8) limits.
            return b"s" * r.choice([8, 9, 20, 44, 45, 64, 65, 100])
        return str(r.randint(-(2 ** 63), 2 ** 63 - 1)).encode()

    def secs(self):
        """A relative expire time in seconds: long or invalid, never short and positive."""
        return self.pick([b"100", b"1000", b"10000", b"86400", b"-1", b"0", b"-100",
                          b"9223372036854775807", b"9223372036854775", b"9223372036854776",
                          b"922337203685477", b"-9223372036854775808", b"1.5", b"abc",
                          b"", b" 100", b"+100", b"00100", b"500"])

    def msecs(self):
        return self.pick([b"100003", b"1000007", b"-1", b"0", b"-100", b"9223372036854775807",
                          b"9223372036854775806", b"-9223372036854775808", b"1.5", b"x",
                          b"500009", b"10000019"])

    def abs_secs(self, future=False):
        """An absolute expire time; SET keeps a key set in the past until active expiry
        (timing), so SET and friends get `future` ones (or invalid)."""
        t = self.t0
        if future:
            return self.pick([str(t + 1000).encode(), str(t + 100000).encode(), b"0", b"-1",
                              b"9223372036854775807", b"abc"])
        return self.pick([str(t + 1000).encode(), str(t + 100000).encode(),
                          str(t - 1000).encode(), b"1", b"0", b"-1",
                          b"9223372036854775807", b"9223372036854775", b"abc",
                          str(t + 5000).encode()])

    def abs_msecs(self, future=False):
        t = self.t0 * 1000
        if future:
            return self.pick([str(t + 1000003).encode(), str(t + 100000007).encode(), b"0",
                              b"9223372036854775807", b"-1", b"x"])
        return self.pick([str(t + 1000000).encode(), str(t + 100000000).encode(),
                          str(t - 1000000).encode(), b"1", b"0", b"-1",
                          b"9223372036854775807", b"abc", str(t + 5000000).encode()])

    def opts(self, choices, lo=0, hi=3):
        """A shuffled handful of options; each choice is a callable returning a list."""
        out = []
        for _ in range(self.r.randint(lo, hi)):
            out += self.pick(choices)()
        return out

    def mutate(self, args):
        """Now and then drop, replace or insert an argument (error and parser paths)."""
        r = self.r
        if args[0] in RANDOM_CMDS:
            return args  # without their count these pick at random
        # No numbers into commands taking a time: a short one would expire mid-round.
        timed = args[0] in TIMED
        if r.random() < 0.06 and len(args) > 1:
            del args[r.randrange(1, len(args))]
        if r.random() < 0.05 and len(args) > 1:
            args[r.randrange(1, len(args))] = self.pick(
                [b"abc", b"\x00"] if timed else [self.val(), self.int_()]
                + [b"NX", b"ex", b"GET", b"", b"XX"])
        if r.random() < 0.04:
            args.insert(r.randint(1, len(args)), self.pick(
                [b"abc", b"\x00"] if timed else [self.val(), self.int_()]
                + [b"NX", b"KEEPTTL", b"GET", b"WITHSCORES"]))
        return args


def cmds_table(g):
    """name -> (groups, weight, generator returning the args after the name)."""
    r, K, V, I, F = g.r, g.key, g.val, g.int_, g.float_

    def kv(lo=1, hi=3):
        out = []
        for _ in range(r.randint(lo, hi)):
            out += [K(), V()]
        return out

    def fv(lo=1, hi=3):
        out = []
        for _ in range(r.randint(lo, hi)):
            out += [g.pick(FIELDS), V()]
        return out

    def set_opts():
        return g.opts([lambda: [g.pick([b"EX", b"ex"]), g.secs()],
                       lambda: [b"PX", g.msecs()], lambda: [b"EXAT", g.abs_secs(True)],
                       lambda: [b"PXAT", g.abs_msecs(True)], lambda: [b"NX"], lambda: [b"XX"],
                       lambda: [b"KEEPTTL"], lambda: [b"GET"], lambda: [b"get"],
                       lambda: [b"nx"]], 0, 3)

    def getex_opts():
        return g.opts([lambda: [b"EX", g.secs()], lambda: [b"PX", g.msecs()],
                       lambda: [b"EXAT", g.abs_secs()], lambda: [b"PXAT", g.abs_msecs()],
                       lambda: [b"PERSIST"], lambda: [b"persist"]], 0, 2)

    def lcs_opts():
        return g.opts([lambda: [b"LEN"], lambda: [b"IDX"], lambda: [b"idx"],
                       lambda: [b"MINMATCHLEN", g.pick([b"0", b"1", b"2", b"3", b"-1", b"x",
                                                         b"9223372036854775808"])],
                       lambda: [b"WITHMATCHLEN"]], 0, 3)

    def exp_flag():
        return g.opts([lambda: [b"NX"], lambda: [b"XX"], lambda: [b"GT"], lambda: [b"LT"],
                       lambda: [b"gt"], lambda: [b"xx"]], 0, 2)

    def scan_opts(type_=False):
        ch = [lambda: [b"MATCH", g.pick([b"*", b"a*", b"f*", b"*1", b"[a-b]", b"?", b"",
                                        b"\\", b"k*", b"**", b"[0-\xff]*", b"f[\x80-a]"])],
              lambda: [b"COUNT", g.pick([b"1", b"2", b"10", b"100", b"0", b"-1", b"x"])]]
        if type_:
            ch.append(lambda: [b"TYPE", g.pick([b"string", b"hash", b"list", b"set",
                                               b"zset", b"none", b"x", b"STRING"])])
        return g.opts(ch, 0, 2)

    def cursor():
        return g.pick([b"0", b"0", b"0", b"1", b"-1", b"x", b"18446744073709551616", b""])

    def score():
        return g.pick([g.small_int(), g.float_(), b"1", b"2", b"-inf", b"+inf"])

    def rng_score():
        return g.pick([b"-inf", b"+inf", b"(1", b"1", b"0", b"2", b"(2", b"-1", b"(-inf",
                       b"3", b"x", b"(", b"nan", b"1.5"])

    def rng_lex():
        return g.pick([b"-", b"+", b"[a", b"(a", b"[c", b"(b", b"[", b"(", b"a", b"[\xff",
                       b"[1"])

    def member():
        return g.pick(MEMBERS)

    def members(lo=1, hi=4):
        return [member() for _ in range(r.randint(lo, hi))]

    def zadd():
        flags = g.opts([lambda: [b"NX"], lambda: [b"XX"], lambda: [b"GT"], lambda: [b"LT"],
                        lambda: [b"CH"], lambda: [b"INCR"], lambda: [b"ch"]], 0, 2)
        out = []
        for _ in range(r.randint(1, 3)):
            out += [score(), member()]
        return [K()] + flags + out

    def zrange_opts():
        return g.opts([lambda: [b"BYSCORE"], lambda: [b"BYLEX"], lambda: [b"REV"],
                       lambda: [b"LIMIT", g.small_int(), g.small_int()],
                       lambda: [b"WITHSCORES"]], 0, 3)

    def zrange():
        k = r.random()
        if k < 0.4:
            a, b = g.small_int(), g.small_int()
        elif k < 0.7:
            a, b = rng_score(), rng_score()
        else:
            a, b = rng_lex(), rng_lex()
        return [K(), a, b] + zrange_opts()

    def zagg_opts(n):
        return g.opts([lambda: [b"WEIGHTS"] + [g.pick([b"1", b"2", b"-1", b"0", b"inf",
                                                       b"nan", b"1.5"]) for _ in range(n)],
                       lambda: [b"AGGREGATE", g.pick([b"SUM", b"MIN", b"MAX", b"x"])],
                       lambda: [b"WITHSCORES"]], 0, 2)

    def zsetop(store, withopts=True):
        ks = g.keys(1, 3)
        n = len(ks) if r.random() < 0.9 else r.choice([0, 1, 5, -1])
        head = [K()] if store else []
        return head + [str(n).encode()] + ks + (zagg_opts(len(ks)) if withopts else [])

    def sort_args():
        o = g.opts([lambda: [b"BY", g.pick([b"nosort", b"w_*", b"h*->f1", b"nokey", b"*"])],
                    lambda: [b"LIMIT", g.small_int(), g.small_int()],
                    lambda: [b"GET", g.pick([b"#", b"w_*", b"h*->f1", b"*", b"nokey"])],
                    lambda: [b"ASC"], lambda: [b"DESC"], lambda: [b"ALPHA"],
                    lambda: [b"STORE", K()]], 0, 3)
        return [K()] + o

    def lpos():
        return [K(), member()] + g.opts([lambda: [b"RANK", g.pick([b"1", b"-1", b"2", b"0",
                                                                 b"-9223372036854775808"])],
                                        lambda: [b"COUNT", g.pick([b"0", b"1", b"2", b"-1"])],
                                        lambda: [b"MAXLEN", g.pick([b"0", b"1", b"3", b"-1"])]],
                                       0, 2)

    def lmpop():
        ks = g.keys(1, 3)
        return [str(len(ks)).encode()] + ks + [g.pick([b"LEFT", b"RIGHT", b"x"])] + \
            g.opts([lambda: [b"COUNT", g.pick([b"1", b"2", b"10", b"0", b"-1"])]], 0, 1)

    def zmpop():
        ks = g.keys(1, 3)
        return [str(len(ks)).encode()] + ks + [g.pick([b"MIN", b"MAX", b"x"])] + \
            g.opts([lambda: [b"COUNT", g.pick([b"1", b"2", b"10", b"0", b"-1"])]], 0, 1)

    def rcount():
        """A count for the random-member commands that makes them deterministic: all of a
        small collection, none, or an error."""
        return g.pick([b"100", b"1000", b"0", b"x", b"-9223372036854775808",
                       b"9223372036854775808", b"1.5", b""])

    def lr():
        return g.pick([b"LEFT", b"RIGHT", b"left", b"x"])

    S, H, KY, E = "strings", "hashes", "keys", "expire"
    L, ST, Z, SO = "lists", "sets", "zsets", "sort"
    T = {
        # strings
        b"GET": ({S, E, KY}, 4, lambda: [K()]),
        b"SET": ({S, E, KY, H, SO}, 8, lambda: [K(), V()] + set_opts()),
        b"SETNX": ({S}, 2, lambda: [K(), V()]),
        b"SETEX": ({S, E}, 2, lambda: [K(), g.secs(), V()]),
        b"PSETEX": ({S, E}, 2, lambda: [K(), g.msecs(), V()]),
        b"GETSET": ({S}, 2, lambda: [K(), V()]),
        b"GETDEL": ({S}, 2, lambda: [K()]),
        b"GETEX": ({S, E}, 3, lambda: [K()] + getex_opts()),
        b"MGET": ({S}, 2, lambda: g.keys(1, 4)),
        b"MSET": ({S}, 2, lambda: kv()),
        b"MSETNX": ({S}, 2, lambda: kv()),
        b"APPEND": ({S}, 4, lambda: [K(), V()]),
        b"STRLEN": ({S}, 2, lambda: [K()]),
        b"INCR": ({S}, 3, lambda: [K()]),
        b"DECR": ({S}, 2, lambda: [K()]),
        b"INCRBY": ({S}, 3, lambda: [K(), I()]),
        b"DECRBY": ({S}, 3, lambda: [K(), I()]),
        b"INCRBYFLOAT": ({S}, 6, lambda: [K(), F()]),
        b"GETRANGE": ({S}, 3, lambda: [K(), g.pick([g.small_int(), I()]),
                                       g.pick([g.small_int(), I()])]),
        b"SUBSTR": ({S}, 1, lambda: [K(), g.small_int(), g.small_int()]),
        b"SETRANGE": ({S}, 3, lambda: [K(), g.pick([b"0", b"1", b"3", b"10", b"-1", b"50",
                                                    b"536870912", b"x",
                                                    b"9223372036854775807"]), V()]),
        b"LCS": ({S}, 3, lambda: [K(), K()] + lcs_opts()),
        # hashes
        b"HSET": ({H, KY, E, S, SO}, 8, lambda: [K()] + fv()),
        b"HSETNX": ({H}, 2, lambda: [K(), g.pick(FIELDS), V()]),
        b"HMSET": ({H}, 2, lambda: [K()] + fv()),
        b"HGET": ({H}, 3, lambda: [K(), g.pick(FIELDS)]),
        b"HMGET": ({H}, 2, lambda: [K()] + [g.pick(FIELDS) for _ in range(r.randint(1, 3))]),
        b"HGETALL": ({H}, 3, lambda: [K()]),
        b"HDEL": ({H}, 3, lambda: [K()] + [g.pick(FIELDS) for _ in range(r.randint(1, 3))]),
        b"HLEN": ({H}, 2, lambda: [K()]),
        b"HSTRLEN": ({H}, 2, lambda: [K(), g.pick(FIELDS)]),
        b"HEXISTS": ({H}, 2, lambda: [K(), g.pick(FIELDS)]),
        b"HKEYS": ({H}, 2, lambda: [K()]),
        b"HVALS": ({H}, 2, lambda: [K()]),
        b"HINCRBY": ({H}, 4, lambda: [K(), g.pick(FIELDS), I()]),
        b"HINCRBYFLOAT": ({H}, 5, lambda: [K(), g.pick(FIELDS), F()]),
        b"HSCAN": ({H}, 2, lambda: [K(), cursor()] + scan_opts()),
        b"HRANDFIELD": ({H}, 1, lambda: [K(), rcount()] + g.opts([lambda: [b"WITHVALUES"]], 0, 1)),
        # keys
        b"DEL": ({KY, S, H}, 2, lambda: g.keys(1, 3)),
        b"UNLINK": ({KY}, 2, lambda: g.keys(1, 3)),
        b"EXISTS": ({KY, E}, 3, lambda: g.keys(1, 3)),
        b"TYPE": ({KY}, 2, lambda: [K()]),
        b"RENAME": ({KY}, 3, lambda: [K(), K()]),
        b"RENAMENX": ({KY}, 2, lambda: [K(), K()]),
        b"COPY": ({KY}, 3, lambda: [K(), K()] + g.opts(
            [lambda: [b"DB", g.pick([b"0", b"1", b"16", b"-1", b"x", b"2147483648"])], lambda: [b"REPLACE"]],
            0, 2)),
        b"MOVE": ({KY}, 2, lambda: [K(), g.pick([b"0", b"1", b"1", b"16", b"-1", b"x", b"-2147483649"])]),
        b"SWAPDB": ({KY}, 1, lambda: [g.pick([b"0", b"1", b"16", b"x"]),
                                      g.pick([b"0", b"1", b"-1"])]),
        b"SELECT": ({KY}, 1, lambda: [g.pick([b"0", b"1", b"0", b"16", b"-1", b"x"])]),
        b"KEYS": ({KY}, 2, lambda: [g.pick([b"*", b"a*", b"?", b"[ab]", b"k*", b"", b"\\a",
                                           b"[^a]", b"*\x00*", b"**", b"*?", b"[a-]",
                                           b"[*-\xff]", b"k[\x00-\x80]*", b"[", b"[^"])]),
        # SCAN only from 0: a later cursor expires keys depending on the bucket layout.
        b"SCAN": ({KY}, 2, lambda: [g.pick([b"0", b"0", b"0", b"x", b"-1", b""])]
                 + scan_opts(True)),
        b"TOUCH": ({KY}, 1, lambda: g.keys(1, 3)),
        b"DBSIZE": ({KY}, 1, lambda: []),
        # Not REFCOUNT: a COPY of a shared integer (0..9999) is a private object in Redis.
        b"OBJECT": ({S, H, KY, L, ST, Z}, 3, lambda: [g.pick([b"ENCODING", b"encoding"]),
                                                      K()]),
        b"RPUSH": ({KY, S, H, L, SO}, 3, lambda: [K()] + members()),
        b"SADD": ({KY, S, H, ST, SO}, 3, lambda: [K()] + members()),
        b"ZADD": ({KY, Z, SO}, 3, zadd),
        # expire
        b"EXPIRE": ({E, KY}, 5, lambda: [K(), g.secs()] + exp_flag()),
        b"PEXPIRE": ({E}, 4, lambda: [K(), g.msecs()] + exp_flag()),
        b"EXPIREAT": ({E}, 4, lambda: [K(), g.abs_secs()] + exp_flag()),
        b"PEXPIREAT": ({E}, 4, lambda: [K(), g.abs_msecs()] + exp_flag()),
        b"EXPIRETIME": ({E}, 2, lambda: [K()]),
        b"PEXPIRETIME": ({E}, 2, lambda: [K()]),
        b"TTL": ({E, KY}, 3, lambda: [K()]),
        b"PTTL": ({E}, 3, lambda: [K()]),
        b"PERSIST": ({E}, 3, lambda: [K()]),
        # lists
        b"LPUSH": ({L}, 4, lambda: [K()] + members()),
        b"LPUSHX": ({L}, 1, lambda: [K()] + members()),
        b"RPUSHX": ({L}, 1, lambda: [K()] + members()),
        b"LPOP": ({L}, 2, lambda: [K()] + g.opts([lambda: [g.pick([b"0", b"1", b"2", b"-1",
                                                                 b"100", b"x"])]], 0, 1)),
        b"RPOP": ({L}, 2, lambda: [K()] + g.opts([lambda: [g.pick([b"0", b"1", b"2", b"-1",
                                                                 b"100"])]], 0, 1)),
        b"LLEN": ({L}, 1, lambda: [K()]),
        b"LRANGE": ({L}, 3, lambda: [K(), g.small_int(), g.small_int()]),
        b"LINDEX": ({L}, 2, lambda: [K(), g.pick([g.small_int(), I()])]),
        b"LSET": ({L}, 2, lambda: [K(), g.small_int(), member()]),
        b"LINSERT": ({L}, 2, lambda: [K(), g.pick([b"BEFORE", b"AFTER", b"x"]), member(),
                                      member()]),
        b"LREM": ({L}, 2, lambda: [K(), g.small_int(), member()]),
        b"LTRIM": ({L}, 2, lambda: [K(), g.small_int(), g.small_int()]),
        b"LPOS": ({L}, 2, lpos),
        b"LMOVE": ({L}, 2, lambda: [K(), K(), lr(), lr()]),
        b"RPOPLPUSH": ({L}, 1, lambda: [K(), K()]),
        b"LMPOP": ({L}, 2, lmpop),
        # sets
        b"SREM": ({ST}, 2, lambda: [K()] + members()),
        b"SCARD": ({ST}, 1, lambda: [K()]),
        b"SISMEMBER": ({ST}, 2, lambda: [K(), member()]),
        b"SMISMEMBER": ({ST}, 1, lambda: [K()] + members()),
        b"SMEMBERS": ({ST}, 2, lambda: [K()]),
        b"SINTER": ({ST}, 2, lambda: g.keys(1, 3)),
        b"SUNION": ({ST}, 2, lambda: g.keys(1, 3)),
        b"SDIFF": ({ST}, 2, lambda: g.keys(1, 3)),
        b"SINTERSTORE": ({ST}, 1, lambda: [K()] + g.keys(1, 3)),
        b"SUNIONSTORE": ({ST}, 1, lambda: [K()] + g.keys(1, 3)),
        b"SDIFFSTORE": ({ST}, 1, lambda: [K()] + g.keys(1, 3)),
        b"SINTERCARD": ({ST}, 1, lambda: (lambda ks: [str(len(ks)).encode()] + ks + g.opts(
            [lambda: [b"LIMIT", g.pick([b"0", b"1", b"2", b"-1"])]], 0, 1))(g.keys(1, 3))),
        b"SMOVE": ({ST}, 2, lambda: [K(), K(), member()]),
        b"SSCAN": ({ST}, 1, lambda: [K(), cursor()] + scan_opts()),
        b"SRANDMEMBER": ({ST}, 1, lambda: [K(), rcount()]),
        b"SPOP": ({ST}, 1, lambda: [K(), rcount()]),
        # zsets
        b"ZINCRBY": ({Z}, 2, lambda: [K(), score(), member()]),
        b"ZREM": ({Z}, 2, lambda: [K()] + members()),
        b"ZCARD": ({Z}, 1, lambda: [K()]),
        b"ZSCORE": ({Z}, 2, lambda: [K(), member()]),
        b"ZMSCORE": ({Z}, 1, lambda: [K()] + members()),
        b"ZRANK": ({Z}, 2, lambda: [K(), member()]),
        b"ZREVRANK": ({Z}, 1, lambda: [K(), member()]),
        b"ZRANGE": ({Z}, 4, zrange),
        b"ZRANGESTORE": ({Z}, 1, lambda: [K()] + zrange()),
        b"ZRANGEBYSCORE": ({Z}, 2, lambda: [K(), rng_score(), rng_score()] + g.opts(
            [lambda: [b"WITHSCORES"], lambda: [b"LIMIT", g.small_int(), g.small_int()]], 0, 2)),
        b"ZREVRANGEBYSCORE": ({Z}, 1, lambda: [K(), rng_score(), rng_score()] + g.opts(
            [lambda: [b"WITHSCORES"], lambda: [b"LIMIT", g.small_int(), g.small_int()]], 0, 2)),
        b"ZRANGEBYLEX": ({Z}, 2, lambda: [K(), rng_lex(), rng_lex()] + g.opts(
            [lambda: [b"LIMIT", g.small_int(), g.small_int()]], 0, 1)),
        b"ZREVRANGEBYLEX": ({Z}, 1, lambda: [K(), rng_lex(), rng_lex()]),
        b"ZCOUNT": ({Z}, 2, lambda: [K(), rng_score(), rng_score()]),
        b"ZLEXCOUNT": ({Z}, 1, lambda: [K(), rng_lex(), rng_lex()]),
        b"ZREMRANGEBYRANK": ({Z}, 1, lambda: [K(), g.small_int(), g.small_int()]),
        b"ZREMRANGEBYSCORE": ({Z}, 1, lambda: [K(), rng_score(), rng_score()]),
        b"ZREMRANGEBYLEX": ({Z}, 1, lambda: [K(), rng_lex(), rng_lex()]),
        b"ZPOPMIN": ({Z}, 2, lambda: [K()] + g.opts([lambda: [g.pick([b"0", b"1", b"2", b"-1",
                                                                    b"100"])]], 0, 1)),
        b"ZPOPMAX": ({Z}, 2, lambda: [K()] + g.opts([lambda: [g.pick([b"0", b"1", b"2", b"-1",
                                                                    b"100"])]], 0, 1)),
        b"ZMPOP": ({Z}, 1, zmpop),
        b"ZUNIONSTORE": ({Z}, 2, lambda: zsetop(True)),
        b"ZINTERSTORE": ({Z}, 2, lambda: zsetop(True)),
        b"ZDIFFSTORE": ({Z}, 1, lambda: zsetop(True, False)),
        b"ZUNION": ({Z}, 2, lambda: zsetop(False)),
        b"ZINTER": ({Z}, 2, lambda: zsetop(False)),
        b"ZDIFF": ({Z}, 1, lambda: zsetop(False, False) + g.opts([lambda: [b"WITHSCORES"]],
                                                                  0, 1)),
        b"ZINTERCARD": ({Z}, 1, lambda: zsetop(False, False) + g.opts(
            [lambda: [b"LIMIT", g.pick([b"0", b"1", b"-1"])]], 0, 1)),
        b"ZSCAN": ({Z}, 1, lambda: [K(), cursor()] + scan_opts()),
        b"ZRANDMEMBER": ({Z}, 1, lambda: [K(), rcount()] + g.opts([lambda: [b"WITHSCORES"]],
                                                                  0, 1)),
        # sort
        b"SORT": ({SO}, 6, sort_args),
        b"SORT_RO": ({SO}, 2, lambda: [K()] + g.opts(
            [lambda: [b"BY", g.pick([b"nosort", b"w_*"])], lambda: [b"ALPHA"],
             lambda: [b"DESC"], lambda: [b"LIMIT", g.small_int(), g.small_int()]], 0, 3)),
        b"MSET ": ({SO}, 2, lambda: [g.pick([b"w_a", b"w_b", b"w_1", b"w_2", b"w_c"]),
                                      g.pick([b"1", b"2", b"3", b"x", b"1.5", b"-1"])]),
    }
    # Extra writers for the sort group (weights for BY/GET).
    T[b"HSET "] = ({SO}, 1, lambda: [g.pick([b"ha", b"hb", b"h1"]), b"f1",
                                      g.pick([b"1", b"2", b"x"])])
    T[b"LPUSH"][0].add(SO)
    return T


# Replies compared as unordered collections (top-level elements sorted).
UNORDERED = {b"KEYS", b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF", b"SPOP", b"SRANDMEMBER"}
# Commands whose replies are normalised (never wrapped in MULTI/EXEC).
NORMALISED = {b"KEYS", b"SMEMBERS", b"SINTER", b"SUNION", b"SDIFF", b"SPOP", b"SRANDMEMBER",
              b"TTL", b"PTTL", b"EXPIRETIME", b"PEXPIRETIME", b"HKEYS", b"HVALS", b"HGETALL",
              b"SCAN", b"HSCAN", b"SSCAN", b"ZSCAN", b"SORT", b"SORT_RO", b"HRANDFIELD",
              b"ZRANDMEMBER"}
TTL_TOL = {b"TTL": 1, b"EXPIRETIME": 1, b"PTTL": 250, b"PEXPIRETIME": 250}


def sorted_items(t, pairs=False):
    if isinstance(t, bytes) or len(t) != 2:
        return t
    items = t[1]
    if pairs or t[0][:1] == b"%":
        ps = sorted(zip(items[0::2], items[1::2]), key=lambda p: ser(p[0]) + ser(p[1]))
        items = [x for p in ps for x in p]
    else:
        items = sorted(items, key=ser)
    return (t[0], items)


class Server:
    def __init__(self, name, argv, port):
        self.name, self.port = name, port
        self.dir = tempfile.mkdtemp(prefix="diff-fuzz-")
        self.log = open(os.path.join(self.dir, "log"), "wb")
        self.proc = subprocess.Popen(argv + ["--port", str(port), "--dir", self.dir]
                                     + BASE_OPTS, stdout=self.log, stderr=self.log)
        self.conn = None
        for _ in range(200):
            try:
                self.conn = Conn(port)
                if self.conn.cmd([b"PING"]) == b"+PONG\r\n":
                    return
            except (OSError, EOFError):
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        sys.exit("%s did not start on port %d" % (name, port))

    def reconnect(self):
        if self.conn:
            self.conn.close()
        self.conn = Conn(self.port)

    def stop(self):
        if self.proc.poll() is None:
            try:
                c = Conn(self.port, 2)
                c.s.sendall(enc([b"SHUTDOWN", b"NOSAVE"]))
                self.proc.wait(5)
            except (OSError, EOFError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def port_free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()


class Fuzzer:
    def __init__(self, a):
        self.a = a
        self.t0 = int(time.time())
        ports = [p for p in range(a.port_base, a.port_base + 50) if port_free(p)]
        if len(ports) < 2:
            sys.exit("no free ports from %d" % a.port_base)
        self.redis = Server("redis", ["redis-server", "--bind", "127.0.0.1"], ports[0])
        try:
            self.ferro = Server("ferrokv", [a.binary], ports[1])
        except SystemExit:
            self.redis.stop()
            raise
        self.small_ok = True
        self.mismatches = collections.Counter()
        self.examples = {}
        self.sent = 0

    def stop(self):
        self.redis.stop()
        self.ferro.stop()

    # ---- one command on both servers ---------------------------------------------------
    def both(self, args):
        self.sent += 1
        if args[0] in TIMED and any(a.upper() in (b"GT", b"LT") for a in args[3:]):
            # GT/LT against a time set by the same relative amount in the same millisecond
            # compares equal on one server and not on the other: let a millisecond pass.
            time.sleep(0.002)
        ra = self.redis.conn.cmd(args)
        try:
            fa = self.ferro.conn.cmd(args)
        except (OSError, EOFError) as e:
            if self.ferro.proc.poll() is not None:
                raise RuntimeError("ferrokv exited (status %s) after %s"
                                   % (self.ferro.proc.poll(), show_cmd(args)))
            raise RuntimeError("ferrokv connection failed (%r) after %s" % (e, show_cmd(args)))
        return ra, fa

    def encoding(self, key):
        e = self.redis.conn.cmd([b"OBJECT", b"ENCODING", key])
        return bulk_of(e)

    def same(self, args, ra, fa):
        """Compares two reply trees for this command with its normalisation."""
        if ser(ra) == ser(fa):
            return True
        if is_err(ra) or is_err(fa):
            return False
        name = args[0].upper()
        if name in TTL_TOL:
            x, y = int_of(ra), int_of(fa)
            return x is not None and y is not None and x >= 0 and y >= 0 \
                and abs(x - y) <= TTL_TOL[name]
        if name in UNORDERED:
            return ser(sorted_items(ra)) == ser(sorted_items(fa))
        if name in (b"HRANDFIELD", b"ZRANDMEMBER"):
            # Count >= size: everything, in listpack order (hashtable order otherwise).
            if self.encoding(args[1]) == b"listpack":
                return False
            pairs = len(args) > 3 and not (isinstance(ra, tuple) and ra[1]
                                           and isinstance(ra[1][0], tuple))
            return ser(sorted_items(ra, pairs)) == ser(sorted_items(fa, pairs))
        if name in (b"HKEYS", b"HVALS", b"HGETALL"):
            if self.encoding(args[1]) == b"listpack":
                return False
            return ser(sorted_items(ra, name == b"HGETALL")) == \
                ser(sorted_items(fa, name == b"HGETALL"))
        if name in (b"SCAN", b"HSCAN", b"SSCAN", b"ZSCAN"):
            if isinstance(ra, bytes) or isinstance(fa, bytes) or len(ra[1]) != 2 \
                    or len(fa[1]) != 2:
                return False
            rc, fc = bulk_of(ra[1][0]), bulk_of(fa[1][0])
            if name != b"SCAN" and self.encoding(args[1]) in (b"listpack", b"intset"):
                return False  # one reply with everything, whatever the cursor
            if rc == b"0" and fc == b"0" and args[1 if name == b"SCAN" else 2] == b"0":
                pairs = name in (b"HSCAN", b"ZSCAN")
                return ser(sorted_items(ra[1][1], pairs)) == ser(sorted_items(fa[1][1], pairs))
            return True  # mid-iteration: cursors and batches are implementation details
        if name in (b"SORT", b"SORT_RO"):
            # BY nosort (or a constant BY) of a set: hashtable order.
            # Redis: a BY without '*' means "don't sort", and a later BY does not undo it.
            up = [x.upper() for x in args]
            bys = [args[i + 1] for i in range(len(args) - 1) if up[i] == b"BY"]
            if any(b"*" not in b for b in bys) and \
                    self.redis.conn.cmd([b"TYPE", args[1]]) == b"+set\r\n":
                if b"LIMIT" in up:  # which members: hashtable order
                    return len(ra[1]) == len(fa[1])
                return ser(sorted_items(ra)) == ser(sorted_items(fa))
        return False

    def start_round(self, rnd, resp3, small):
        for s in (self.redis, self.ferro):
            s.conn.cmd([b"HELLO", b"3" if resp3 else b"2"])
            s.conn.cmd([b"SELECT", b"0"])
            s.conn.cmd([b"FLUSHALL"])
            if self.small_ok:
                for p, v in (SMALL_ENC if small else DEFAULT_ENC):
                    rep = s.conn.cmd([b"CONFIG", b"SET", p.encode(), v.encode()])
                    if rep != b"+OK\r\n":
                        print("note: %s: CONFIG SET %s %s -> %s; small-encoding rounds off"
                              % (s.name, p, v, show_reply(rep)))
                        self.small_ok = False

    def replay(self, seq, resp3, small):
        """Replays seq on fresh state; True if the last command's replies differ."""
        self.start_round(0, resp3, small)
        for args in seq[:-1]:
            self.both(args)
        ra, fa = self.both(seq[-1])
        return not self.same(seq[-1], ra, fa)

    def minimize(self, seq, resp3, small):
        cur = list(seq)
        i = 0
        while i < len(cur) - 1:
            trial = cur[:i] + cur[i + 1:]
            if self.replay(trial, resp3, small):
                cur = trial
            else:
                i += 1
        self.start_round(0, resp3, small)
        for args in cur[:-1]:
            self.both(args)
        ra, fa = self.both(cur[-1])
        return cur, ra, fa

    def run(self):
        a = self.a
        table = cmds_table(Gen(random.Random(0), self.t0))
        skip = {x.strip().upper().encode() for x in a.skip.split(",") if x.strip()}
        names = [n for n, (gr, _, _) in table.items()
                 if (a.group == "all" or a.group in gr) and n.strip() not in skip]
        print("diff-fuzz: group %s, %d commands, seed %d, %d rounds x %d ops, redis :%d "
              "ferrokv :%d" % (a.group, len(names), a.seed, a.rounds, a.ops, self.redis.port,
                               self.ferro.port), flush=True)
        t_start = time.time()
        for rnd in range(a.rounds):
            seed = a.seed * 1000003 + rnd
            rng = random.Random(seed)
            gen = Gen(rng, self.t0)
            table = cmds_table(gen)
            weights = [table[n][1] for n in names]
            resp3 = a.resp == "3" or (a.resp == "mix" and rng.random() < 0.25)
            small = rng.random() < 0.33
            self.start_round(rnd, resp3, small)
            seq = []
            for _ in range(a.ops):
                name = rng.choices(names, weights)[0]
                args = gen.mutate([name.strip()] + table[name][2]())
                if rng.random() < 0.03 and args[0] not in NORMALISED:
                    # Inside a transaction: compared as MULTI + the command + EXEC.
                    seq += [[b"MULTI"], args, [b"EXEC"]]
                    rs = [self.both(a) for a in seq[-3:]]
                    ra = (b"", [x[0] for x in rs])
                    fa = (b"", [x[1] for x in rs])
                    if ser(ra) == ser(fa):
                        continue
                    self.report(rnd, seed, seq, ra, fa, resp3, small)
                    break
                seq.append(args)
                ra, fa = self.both(args)
                if self.same(args, ra, fa):
                    continue
                self.report(rnd, seed, seq, ra, fa, resp3, small)
                break
        self.stop()
        total = sum(self.mismatches.values())
        print("\n%d rounds, %d commands in %.1fs; %d mismatching rounds"
              % (a.rounds, self.sent, time.time() - t_start, total))
        for name, n in self.mismatches.most_common():
            print("  %-16s %4d   e.g. %s" % (name.decode(), n, self.examples[name]))
        return 1 if total else 0

    def report(self, rnd, seed, seq, ra, fa, resp3, small):
        name = seq[-1][0].upper()
        self.mismatches[name] += 1
        first = name not in self.examples
        if first:
            self.examples[name] = show_cmd(seq[-1])
        if self.mismatches[name] > self.a.show:
            return
        print("\n=== MISMATCH %s: seed %d round %d (round seed %d)%s%s"
              % (name.decode(), self.a.seed, rnd, seed, " RESP3" if resp3 else "",
                 " small-encodings" if small else ""))
        for args in seq:
            print("  " + show_cmd(args))
        print("  redis:   " + show_reply(ra))
        print("  ferrokv: " + show_reply(fa))
        ex = show_cmd(seq[-1])
        if not self.a.no_minimize and len(seq) > 1:
            cur, ra2, fa2 = self.minimize(seq, resp3, small)
            print("--- minimised:")
            for args in cur:
                print("  " + show_cmd(args))
            print("  redis:   " + show_reply(ra2))
            print("  ferrokv: " + show_reply(fa2))
            ex = " ; ".join(show_cmd(x) for x in cur)
        sys.stdout.flush()
        if first:
            self.examples[name] = ex


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--group", default="all",
                    choices=["strings", "hashes", "keys", "expire", "lists", "sets", "zsets",
                             "sort", "all"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--ops", type=int, default=40)
    ap.add_argument("--port-base", type=int, default=7400)
    ap.add_argument("--resp", default="mix", choices=["2", "3", "mix"])
    ap.add_argument("--show", type=int, default=2, help="full reports per command name")
    ap.add_argument("--no-minimize", action="store_true")
    ap.add_argument("--skip", default="", help="commands not to send, e.g. ZINCRBY,LCS "
                    "(to look past a known mismatch)")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        sys.exit("%s: no such binary" % a.binary)
    f = Fuzzer(a)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        rc = f.run()
    except RuntimeError as e:
        print("\n*** %s" % e)
        rc = 2
    finally:
        f.stop()
    sys.exit(rc)


if __name__ == "__main__":
    main()
