#!/usr/bin/env python3
"""Command fuzzer for ferrokv: no client input may panic (or abort) the server.

Usage: scripts/fuzz-commands.py PATH/TO/ferrokv [--seed N] [--batches N] [--per-cmd N]
                                [--port P] [--only CMD,...]

Starts the given binary on a free port (or --port), reads COMMAND LIST and COMMAND DOCS,
and for every command and subcommand sends random calls with 0..8 arguments drawn from a
nasty set (edge integers and floats, empty/huge/binary strings, the command's own option
tokens, shared keys of every type so WRONGTYPE paths run, glob patterns). Other
connections send random protocol garbage. After every batch the server must still be
alive and answer PING; on a crash it prints the last commands sent and the server's stderr
and exits 1. Commands that stop or block the server are skipped or get bounded arguments.
Seeded and reproducible: the same seed and binary send the same bytes.
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

INTS = [b"9223372036854775807", b"-9223372036854775807", b"9223372036854775808",
        b"-9223372036854775808", b"18446744073709551615", b"-1", b"0", b"1", b"2", b"3",
        b"-2", b"-100", b"100", b"2147483648", b"4294967296", b"9007199254740992",
        b"-2147483649", b"4294967295", b"1e308", b"-1e308", b"-inf", b"inf", b"+inf",
        b"nan", b"1e-320", b"0x10", b" 1", b"1 ", b"1.5", b"-0", b"(1", b"(", b"[a",
        b"-", b"+", b"[", b"5e-324", b"1e400", b"17976931348623157e292", b"00001",
        b"99999999999999999999999999"]
PATTERNS = [b"*", b"[", b"[a-", b"\\", b"a\\", b"[^]", b"*[*]*", b"?*?*?*?*?*?*?*?*?*?*",
            b"[\\", b"[a-\\", b"k*", b"h?", b"*->field", b"big*->f2", b"#", b"nosort",
            b"*->", b"s*\x00*", b"\\*", b"[]]", b"[!a]*", b"*?**?*"]
KEYS = [b"str", b"int", b"list", b"hash", b"set", b"intset", b"zset", b"bigzset",
        b"biglist", b"bighash", b"bigset", b"missing", b"float", b"k\x00", b"{t}x"]
# Commands never sent: they stop the server or turn the connection into something else.
SKIP = {b"shutdown", b"monitor", b"debug|segfault", b"debug|panic", b"debug|oom",
        b"debug|assert", b"sync", b"psync", b"replicaof", b"slaveof", b"subscribe",
        b"psubscribe", b"ssubscribe", b"failover", b"debug|restart", b"debug|crash-and-recover"}
# CONFIG SET parameters that would lock the fuzzer out or change the process itself.
CONFIG_DENY = {b"requirepass", b"port", b"bind", b"dir", b"maxclients", b"timeout",
               b"logfile", b"unixsocket", b"maxmemory", b"daemonize", b"pidfile",
               b"masterauth", b"replicaof", b"tcp-backlog", b"save", b"appendonly",
               b"rename-command", b"enable-debug-command", b"protected-mode",
               b"client-output-buffer-limit", b"proto-max-bulk-len", b"client-query-buffer-limit"}
BLOCKING = {b"blpop", b"brpop", b"brpoplpush", b"blmove", b"blmpop", b"bzpopmin",
            b"bzpopmax", b"bzmpop", b"xread", b"xreadgroup", b"wait", b"waitaof"}
# Count arguments of these commands size the reply: huge ones are pathological in Redis too.
REPLY_SIZED = {b"srandmember", b"zrandmember", b"hrandfield", b"debug|populate"}


def isnum(a):
    return 0 < len(a) < 30 and a.lstrip(b"-").isdigit()


def enc(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port, timeout=5.0):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass

    def _fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError
        self.buf += d

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def _bytes(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        d, self.buf = self.buf[:n], self.buf[n + 2:]
        return d

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b"-", b":", b",", b"(", b"#", b"_"):
            return line
        if t in (b"$", b"=", b"!"):
            n = int(rest)
            return None if n < 0 else self._bytes(n)
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(rest)
            if n < 0:
                return None
            if t in (b"%", b"|"):
                n *= 2
            items = [self.read() for _ in range(n)]
            if t == b"|":  # attribute: the real reply follows
                return self.read()
            return items
        raise ValueError("bad reply line %r" % line)

    def cmd(self, *args):
        self.s.sendall(enc([a if isinstance(a, bytes) else str(a).encode() for a in args]))
        return self.read()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def doc_tokens(args, acc):
    """Collects `token` values from a COMMAND DOCS argument list (nested)."""
    for a in args or []:
        if not isinstance(a, list):
            continue
        d = dict(zip(a[0::2], a[1::2]))
        tok = d.get(b"token")
        if isinstance(tok, bytes):
            acc.add(tok)
        if isinstance(d.get(b"arguments"), list):
            doc_tokens(d[b"arguments"], acc)


def doc_args(args):
    """COMMAND DOCS argument list -> [dict] with nested `arguments` parsed the same way."""
    out = []
    for a in args or []:
        if isinstance(a, list):
            d = dict(zip(a[0::2], a[1::2]))
            d[b"arguments"] = doc_args(d.get(b"arguments"))
            out.append(d)
    return out


def parse_docs(reply, grammar):
    """COMMAND DOCS reply -> {name: tokens}, subcommands as 'parent|sub'; fills `grammar`
    with {name: (group, argument tree)}."""
    out = {}
    for name, doc in zip(reply[0::2], reply[1::2]):
        d = dict(zip(doc[0::2], doc[1::2]))
        toks = set()
        doc_tokens(d.get(b"arguments"), toks)
        out[name.lower()] = toks
        grammar[name.lower()] = (d.get(b"group", b""), doc_args(d.get(b"arguments")))
        sub = d.get(b"subcommands")
        if isinstance(sub, list):
            out.update(parse_docs(sub, grammar))
    return out


GROUP_KEYS = {b"list": [b"list", b"biglist"], b"hash": [b"hash", b"bighash"],
              b"set": [b"set", b"intset", b"bigset"], b"sorted-set": [b"zset", b"bigzset"],
              b"string": [b"str", b"int", b"float"]}
MEMBERS = [b"a", b"b", b"c", b"member", b"field", b"f2", b"1", b"2", b"-5", b"3xxx",
           b"10xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]


class Fuzzer:
    def __init__(self, binary, port, seed, per_cmd, only):
        self.binary, self.port, self.seed = binary, port, seed
        self.per_cmd, self.only = per_cmd, only
        self.rng = random.Random(seed)
        self.ring = collections.deque(maxlen=40)
        self.errlog = tempfile.NamedTemporaryFile(prefix="ferrokv-fuzz-", suffix=".log",
                                                  delete=False)
        self.dir = tempfile.mkdtemp(prefix="ferrokv-fuzz-")
        self.proc = None
        self.conn = None
        self.sent = 0
        self.resp3 = False
        self.grammar = {}
        self.stats = collections.defaultdict(lambda: [0, 0, 0.0])  # name -> [non-error, error, secs]

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--enable-debug-command", "yes"],
            stdout=self.errlog, stderr=self.errlog)
        for _ in range(100):
            try:
                self.conn = Conn(self.port)
                if self.conn.cmd("PING") == b"+PONG":
                    return
            except OSError:
                time.sleep(0.05)
        self.crash("server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                Conn(self.port, 2).s.sendall(enc([b"SHUTDOWN", b"NOSAVE"]))
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def crash(self, why):
        print("\n*** %s (seed %d, %d commands sent)" % (why, self.seed, self.sent))
        if self.proc:
            print("exit status:", self.proc.poll())
        print("--- last commands (oldest first):")
        for c in self.ring:
            print("  ", c)
        self.errlog.flush()
        with open(self.errlog.name, "rb") as f:
            err = f.read()[-6000:]
        print("--- server stderr/stdout tail:")
        print(err.decode("utf-8", "replace"))
        self.stop()
        sys.exit(1)

    def reconnect(self):
        if self.conn:
            self.conn.close()
        try:
            self.conn = Conn(self.port)
            if self.resp3:
                self.conn.cmd("HELLO", "3")
        except (OSError, EOFError, ValueError):
            self.check_alive()
            self.conn = Conn(self.port)

    def check_alive(self):
        if self.proc.poll() is not None:
            self.crash("server exited")
        try:
            c = Conn(self.port, 10)
            r = c.cmd("PING")
            c.close()
        except (OSError, EOFError, ValueError) as e:
            self.crash("server does not answer PING: %r" % e)
        if r != b"+PONG":
            self.crash("PING answered %r" % r)

    # ---- argument generation -------------------------------------------------------
    def nasty(self, tokens):
        r = self.rng
        k = r.random()
        if k < 0.22:
            return r.choice(KEYS)
        if k < 0.45:
            return r.choice(INTS)
        if k < 0.60 and tokens:
            t = r.choice(tokens)
            return t.lower() if r.random() < 0.3 else t
        if k < 0.66:
            return r.choice(PATTERNS)
        if k < 0.72:
            return b""
        if k < 0.76:
            return r.choice([b"a", b"\xff", b"7"]) * r.choice([100, 1000, 70000])
        if k < 0.82:
            return bytes(r.choice([0, 13, 10, 255, 0x80, 32, 42, 91]) for _ in range(r.randint(1, 6)))
        if k < 0.88:
            return str(r.randint(-20, 20)).encode()
        if k < 0.92:
            return repr(r.uniform(-1e6, 1e6)).encode()
        return r.choice([b"a", b"b", b"c", b"field", b"member", b"x"])

    def gen_value(self, a, group):
        r = self.rng
        t = a.get(b"type")
        if a.get(b"name") == b"timeout":
            # Blocking commands: mostly short timeouts (0 blocks until the read times out).
            return r.choice([b"0.01", b"0.001", b"0.02", b"-1", b"x", b"nan", b"inf", b"1e308",
                             b"0.01", b"0.001", b"0", b"9223372036854775807", b"-0"])
        if r.random() < 0.05:
            return self.nasty([])
        if t == b"key":
            if r.random() < 0.8 and group in GROUP_KEYS:
                return r.choice(GROUP_KEYS[group])
            return r.choice(KEYS)
        if a.get(b"name") in (b"min", b"max", b"start", b"stop") and t != b"integer":
            # Score, lex or index ranges (ZRANGE and friends).
            return r.choice([b"-", b"+", b"[a", b"(b", b"[", b"(", b"a", b"0", b"-1", b"1",
                             b"(1", b"-inf", b"+inf", b"(-inf", b"2", b"(nan", b"[\xff"])
        if t in (b"integer", b"unix-time"):
            if r.random() < 0.6:
                return str(r.choice([r.randint(-3, 10), r.randint(-300, 300)])).encode()
            return r.choice(INTS)
        if t == b"double":
            return r.choice([b"0", b"1", b"2.5", b"-1", b"inf", b"-inf", b"nan", b"1e308",
                             b"(1", b"[a", b"+", b"-", b"(-inf", b"+inf", b"5e-324", b"3"])
        if t == b"pattern":
            return r.choice(PATTERNS)
        if r.random() < 0.5:
            return r.choice(MEMBERS)
        return self.nasty([])

    def gen_arg(self, a, group, out):
        """Appends one argument of the COMMAND DOCS tree (token, value, repetitions)."""
        r = self.rng
        flags = a.get(b"flags") or []
        if b"optional" in flags and r.random() < 0.5:
            return
        reps = r.randint(1, 3) if b"multiple" in flags else 1
        tok = a.get(b"token")
        for i in range(reps):
            if isinstance(tok, bytes) and (i == 0 or b"multiple_token" in flags):
                out.append(tok if r.random() < 0.8 else tok.lower())
            t = a.get(b"type")
            if t == b"oneof" and a[b"arguments"]:
                sub = dict(r.choice(a[b"arguments"]))
                sub[b"flags"] = [f for f in (sub.get(b"flags") or []) if f != b"optional"]
                self.gen_arg(sub, group, out)
            elif t == b"block":
                for sub in a[b"arguments"]:
                    self.gen_arg(sub, group, out)
            elif t != b"pure-token":
                out.append(self.gen_value(a, group))

    def gen_call(self, name, toks):
        """Arguments for one call: mostly shaped by COMMAND DOCS (then mutated), else random."""
        r = self.rng
        g = self.grammar.get(name)
        if g is None or r.random() < 0.15:
            return [self.nasty(toks) for _ in range(r.randint(0, 8))]
        group, tree = g
        args = []
        numkeys = None
        for a in tree:
            start = len(args)
            self.gen_arg(a, group, args)
            if numkeys is not None and r.random() < 0.85:
                # Make `numkeys` match the keys that follow it.
                args[numkeys] = str(len(args) - start).encode()
            numkeys = start if a.get(b"name") == b"numkeys" and len(args) > start else None
        for _ in range(r.choice([0, 0, 0, 0, 1, 2])):
            k = r.random()
            if k < 0.6 and args:
                args[r.randrange(len(args))] = self.nasty(toks)
            elif k < 0.8 and args:
                del args[r.randrange(len(args))]
            else:
                args.insert(r.randint(0, len(args)), self.nasty(toks))
        return args

    def bound(self, name, args):
        """Rewrites arguments that would stop, block or exhaust the server."""
        r = self.rng
        if name in (b"config|set", b"config|get") and r.random() < 0.8:
            # Real parameter names (from CONFIG GET *) with nasty values.
            args = [r.choice(self.params) if i % 2 == 0 else a for i, a in enumerate(args)]
        if name == b"config|set":
            args = [b"maxmemory-policy" if a.lower() in CONFIG_DENY else a for a in args]
        if name in (b"client|pause",) and args:
            # A valid huge timeout pauses Redis for ever too; out-of-range ones are errors.
            args[0] = r.choice([b"0", b"1", b"20", b"-1", b"x", b"9223372036854775808",
                                b"18446744073709551615", b"1.5", b""])
        if name == b"debug" and args:
            args[0] = r.choice([b"help", b"sleep", b"log", b"reload", b"set-active-expire",
                                b"object", b"digest", b"digest-value", b"protocol", b"jmap",
                                b"change-repl-id", b"stringmatch-len", b"quicklist-packed-threshold",
                                b"listpack", b"quicklist", b"replybuffer", b"dict-resizing", b"x"])
            if args[0] == b"sleep" and len(args) > 1:
                args[1] = r.choice([b"0", b"0.001", b"-1", b"x", b"nan", b"inf", b"-inf",
                                    b"1e308", b"-9223372036854775808", b""])
            if args[0] == b"protocol" and len(args) > 1 and r.random() < 0.7:
                args[1] = r.choice([b"string", b"integer", b"double", b"bignum", b"null",
                                    b"array", b"set", b"map", b"attrib", b"push", b"verbatim",
                                    b"true", b"false"])
            if args[0] == b"reload" and r.random() < 0.9:
                args[0] = b"digest"
        if name in REPLY_SIZED:
            # A huge negative count is served in full (hours of output), as by Redis.
            args = [b"-1000" if isnum(a) and 100000 < abs(int(a)) < 2**63
                    else a for a in args]
        if name in (b"command|getkeys", b"command|getkeysandflags", b"command|info",
                    b"command|docs") and r.random() < 0.8:
            # The named command's own key specs and tokens are what these walk.
            inner = r.choice(self.cmds).split(b"|")
            toks = sorted(self.docs.get(b"|".join(inner), set()))
            args = inner + [self.nasty(toks) for _ in range(r.randint(0, 7))]
        if name == b"setrange" or name == b"setbit" or name == b"getrange":
            args = [b"100000" if isnum(a) and 100000 < abs(int(a)) < 2**40
                    else a for a in args]
        return args

    def setup(self):
        self.reconnect()
        c = self.conn
        c.cmd("FLUSHALL")
        c.cmd("SET", "str", "hello")
        c.cmd("SET", "int", "12345")
        c.cmd("SET", "float", "3.5")
        c.cmd("RPUSH", "list", "a", "b", "c", "1", "2")
        c.cmd("HSET", "hash", "field", "1", "f2", "v2")
        c.cmd("SADD", "set", "a", "b", "member")
        c.cmd("SADD", "intset", "1", "2", "3", "-5")
        c.cmd("ZADD", "zset", "1", "a", "2", "b", "2", "c", "-inf", "member")
        big = [str(i).encode() + b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
               for i in range(200)]
        c.cmd("RPUSH", "biglist", *big)
        c.cmd("SADD", "bigset", *big)
        args = []
        for i, m in enumerate(big):
            args += [str(i).encode(), m]
        c.cmd("ZADD", "bigzset", *args)
        c.cmd("HSET", "bighash", *args)

    def call(self, name, args):
        parts = name.split(b"|")
        argv = parts + args
        self.ring.append(b" ".join(a if len(a) < 80 else a[:60] + b"...(%d)" % len(a)
                                   for a in argv))
        self.sent += 1
        blocking = parts[0] in BLOCKING
        t0 = time.monotonic()
        try:
            self.conn.s.settimeout(0.15 if blocking else 10)
            if self.rng.random() < 0.03:
                # Inside a transaction: queued, then run by EXEC (blocking ones do not block).
                self.conn.s.sendall(enc([b"MULTI"]) + enc(argv) + enc([b"EXEC"]))
                for _ in range(3):
                    self.conn.read()
            elif name == b"client|reply":
                # OFF and SKIP answer nothing: do not wait for a reply, start afresh.
                self.conn.s.sendall(enc(argv))
                self.reconnect()
                return
            else:
                data = enc(argv)
                if self.rng.random() < 0.03:
                    # In pieces: the parser must resume mid-header and mid-argument.
                    self.conn.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    i = 0
                    while i < len(data):
                        j = i + self.rng.randint(1, 7)
                        self.conn.s.sendall(data[i:j])
                        i = j
                else:
                    self.conn.s.sendall(data)
                rep = self.conn.read()
                ok = not (isinstance(rep, bytes) and rep.startswith(b"-"))
                st = self.stats[name]
                st[0 if ok else 1] += 1
                st[2] += time.monotonic() - t0
            if parts[0] in (b"quit", b"hello", b"reset") or name == b"client|reply":
                self.reconnect()
        except socket.timeout:
            if not blocking:
                self.check_alive()
            self.reconnect()
        except (OSError, EOFError, ValueError):
            self.check_alive()
            self.reconnect()

    def garbage(self):
        r = self.rng
        pieces = [b"*", b"$", b"\r\n", b"\n", b"-1", b"0", b"99999999999999999999",
                  b"2147483648", b"*3\r\n", b"$-5\r\n", b"*-1\r\n", b"PING", b"\x00", b"\xff",
                  b'"', b"'", b"\\x", b"\\", b"$1\r\nab\r\n", b"*1\r\n$4\r\nPING\r\n",
                  b"SET a b", b" ", b"*536870912\r\n", b"$536870912\r\n", b"*1048577\r\n",
                  b"+", b":", b"%", b"{", b"\"unterminated", b"a\\xzz"]
        data = b"".join(r.choice(pieces) for _ in range(r.randint(1, 30)))
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            s.sendall(data)
            s.settimeout(0.05)
            try:
                s.recv(65536)
            except OSError:
                pass
            s.close()
        except OSError:
            pass
        self.ring.append(b"<garbage> %r" % data[:200])

    def run(self, batches):
        self.start()
        names = [n.lower() for n in self.conn.cmd("COMMAND", "LIST")]
        docs = {}
        for n in names:
            if b"|" not in n:
                r = self.conn.cmd("COMMAND", "DOCS", n)
                if isinstance(r, list):
                    docs.update(parse_docs(r, self.grammar))
        cmds = sorted(set(names) | set(docs))
        # A container with subcommands is also sent bare and with random subcommand names.
        cmds = [c for c in cmds if c not in SKIP
                and (not self.only or c.split(b"|")[0] in self.only)]
        self.cmds, self.docs = cmds, docs
        cfg = self.conn.cmd("CONFIG", "GET", "*")
        self.params = sorted(p for p in (cfg[0::2] if isinstance(cfg, list) else [])
                             if p.lower() not in CONFIG_DENY) or [b"hz"]
        print("fuzzing %d commands, seed %d, port %d" % (len(cmds), self.seed, self.port))
        for b in range(batches):
            # Odd batches speak RESP3 (HELLO 3) on the fuzzing connection.
            self.resp3 = b % 2 == 1
            self.setup()
            order = cmds[:]
            self.rng.shuffle(order)
            for name in order:
                toks = sorted(docs.get(name, set()))
                for _ in range(self.per_cmd):
                    self.call(name, self.bound(name, self.gen_call(name, toks)))
                    if self.rng.random() < 0.01:
                        self.garbage()
                if self.rng.random() < 0.05:
                    self.setup()
            self.check_alive()
            print("batch %d ok (%d commands, %s)" % (b + 1, self.sent,
                                                    "RESP3" if self.resp3 else "RESP2"), flush=True)
        self.stop()
        if self.show_stats:
            print("non-error/error replies per command (low first):")
            for n, (ok, err, secs) in sorted(self.stats.items(),
                                             key=lambda x: x[1][0] / (x[1][0] + x[1][1])):
                print("  %-28s %6d %6d %7.2fs" % (n.decode(), ok, err, secs))
        os.unlink(self.errlog.name)
        print("clean: %d batches, %d commands, seed %d" % (batches, self.sent, self.seed))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batches", type=int, default=5)
    ap.add_argument("--per-cmd", type=int, default=200)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--only", default="")
    ap.add_argument("--stats", action="store_true", help="print reply kinds per command")
    a = ap.parse_args()
    only = {x.strip().lower().encode() for x in a.only.split(",") if x.strip()}
    f = Fuzzer(a.binary, a.port or free_port(), a.seed, a.per_cmd, only)
    f.show_stats = a.stats
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))  # `timeout` too stops the server
    try:
        f.run(a.batches)
    finally:
        f.stop()  # also on an exception or ^C: never leave the server running


if __name__ == "__main__":
    main()
