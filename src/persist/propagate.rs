//! How executed write commands are written to the AOF: the RESP encoding, and the rewrites
//! Redis 7.0 applies when it propagates them (relative expiries made absolute, `GETDEL` as
//! `DEL`, `INCRBYFLOAT` as `SET ... KEEPTTL`, random pops as the removal of what was popped)
//! plus which replies mean nothing changed (so nothing is written).

use crate::resp::Args;

/// Appends one RESP bulk string.
fn push_bulk(out: &mut Vec<u8>, a: &[u8]) {
    out.push(b'$');
    crate::resp::reply::push_int(out, a.len() as i64);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(a);
    out.extend_from_slice(b"\r\n");
}

/// Appends `args` as a RESP multibulk (one command as the AOF stores it).
pub(super) fn push_cmd(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.push(b'*');
    crate::resp::reply::push_int(out, args.len() as i64);
    out.extend_from_slice(b"\r\n");
    for a in args {
        push_bulk(out, a);
    }
}

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// The bulk string of a reply (`$3\r\nabc\r\n`), for commands propagated with their result.
fn reply_bulk(reply: &[u8]) -> Option<&[u8]> {
    let rest = reply.strip_prefix(b"$")?;
    let nl = memchr::memchr(b'\n', rest)?;
    let n: usize = std::str::from_utf8(rest.get(..nl.checked_sub(1)?)?)
        .ok()?
        .parse()
        .ok()?;
    rest.get(nl + 1..nl + 1 + n)
}

/// The bulk strings of an array or set reply (`*2\r\n$1\r\na\r\n...`), or of a single bulk.
fn reply_items(reply: &[u8]) -> Option<Vec<&[u8]>> {
    if reply.first() == Some(&b'$') {
        return Some(vec![reply_bulk(reply)?]);
    }
    if !matches!(reply.first(), Some(b'*' | b'~')) {
        return None;
    }
    let nl = memchr::memchr(b'\n', reply)?;
    let n = crate::util::parse_i64(reply.get(1..nl.checked_sub(1)?)?)?;
    let mut rest = reply.get(nl + 1..)?;
    let mut items = Vec::new();
    for _ in 0..n {
        let item = reply_bulk(rest)?;
        let start = item.as_ptr() as usize - rest.as_ptr() as usize;
        items.push(item);
        rest = rest.get(start + item.len() + 2..)?;
    }
    Some(items)
}

/// True when the reply says the command changed nothing, so Redis would not propagate it.
pub(super) fn no_change(name: &str, args: &Args<'_>, reply: &[u8]) -> bool {
    let nil = reply == b"$-1\r\n" || reply == b"_\r\n" || reply == b"*-1\r\n";
    match name {
        "del" | "unlink" | "expire" | "pexpire" | "expireat" | "pexpireat" | "persist"
        | "hsetnx" | "hdel" | "msetnx" | "setnx" | "renamenx" | "move" | "srem" | "zrem"
        | "sadd" | "lrem" => reply == b":0\r\n",
        "getdel" | "getex" | "lpop" | "rpop" | "spop" | "blpop" | "brpop" | "blmove"
        | "brpoplpush" | "bzpopmin" | "bzpopmax" | "lmove" | "rpoplpush" | "lmpop" | "blmpop"
        | "zmpop" | "bzmpop" => nil,
        "set" => nil && !args.iter_from(3).any(|a| eq(a, "get")),
        _ => false,
    }
}

/// Absolute ms from a relative or absolute expire argument, as the command means it.
fn abs_ms(unit: &[u8], v: &[u8], now_ms: i64) -> Option<i64> {
    let n = crate::util::parse_i64(v)?;
    Some(if eq(unit, "ex") {
        now_ms.checked_add(n.checked_mul(1000)?)?
    } else if eq(unit, "px") {
        now_ms.checked_add(n)?
    } else if eq(unit, "exat") {
        n.checked_mul(1000)?
    } else {
        n
    })
}

/// Builds the RESP form of `args` as Redis 7.0 propagates it into `out`. Returns false when
/// nothing is to be written.
pub(super) fn translate(
    out: &mut Vec<u8>,
    name: &str,
    args: &Args<'_>,
    reply: &[u8],
    now_ms: i64,
) -> bool {
    let a: Vec<&[u8]> = args.iter_from(0).collect();
    let mut tmp = [0u8; 20];
    let ms = |v: i64, tmp: &mut [u8; 20]| crate::resp::reply::fmt_int(v, tmp).to_vec();
    match name {
        "set" => {
            let mut expire = None;
            let mut relative = false;
            let mut has_get = false;
            let mut cond: Vec<&[u8]> = Vec::new();
            let mut i = 3;
            while i < a.len() {
                let o = a[i];
                if ["ex", "px", "exat", "pxat"].iter().any(|u| eq(o, u)) && i + 1 < a.len() {
                    expire = abs_ms(o, a[i + 1], now_ms);
                    relative = !eq(o, "pxat");
                    i += 2;
                    continue;
                }
                if eq(o, "get") {
                    has_get = true;
                } else if eq(o, "nx") || eq(o, "xx") {
                    cond.push(o);
                }
                i += 1;
            }
            match expire {
                // `SET k v EX 10` goes out as `SET k v PXAT <ms>` (NX/XX kept for safety).
                Some(t) if relative => {
                    let m = ms(t, &mut tmp);
                    let mut v: Vec<&[u8]> = vec![b"SET", a[1], a[2]];
                    v.extend(cond);
                    v.push(b"PXAT");
                    v.push(&m);
                    push_cmd(out, &v);
                }
                _ if has_get => {
                    let v: Vec<&[u8]> = a
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| *i < 3 || !eq(o, "get"))
                        .map(|(_, o)| *o)
                        .collect();
                    push_cmd(out, &v);
                }
                _ => push_cmd(out, &a),
            }
        }
        "setex" | "psetex" => {
            let unit: &[u8] = if name == "setex" { b"ex" } else { b"px" };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            let m = ms(t, &mut tmp);
            push_cmd(out, &[b"SET", a[1], a[3], b"PXAT", &m]);
        }
        "expire" | "pexpire" | "expireat" | "pexpireat" => {
            let unit: &[u8] = match name {
                "expire" => b"ex",
                "pexpire" => b"px",
                "expireat" => b"exat",
                _ => b"pxat",
            };
            let Some(t) = abs_ms(unit, a[2], now_ms) else {
                return false;
            };
            if t <= now_ms {
                push_cmd(out, &[b"DEL", a[1]]);
            } else {
                let m = ms(t, &mut tmp);
                push_cmd(out, &[b"PEXPIREAT", a[1], &m]);
            }
        }
        "getex" => {
            let Some(o) = a.get(2) else {
                return false;
            };
            if eq(o, "persist") {
                push_cmd(out, &[b"PERSIST", a[1]]);
            } else {
                let Some(t) = a.get(3).and_then(|v| abs_ms(o, v, now_ms)) else {
                    return false;
                };
                if t <= now_ms {
                    push_cmd(out, &[b"DEL", a[1]]);
                } else {
                    let m = ms(t, &mut tmp);
                    push_cmd(out, &[b"PEXPIREAT", a[1], &m]);
                }
            }
        }
        "getdel" => push_cmd(out, &[b"DEL", a[1]]),
        // Random pops go out as the removal of what was popped.
        "spop" => {
            let Some(members) = reply_items(reply) else {
                return false;
            };
            if members.is_empty() {
                return false;
            }
            let mut v: Vec<&[u8]> = vec![b"SREM", a[1]];
            v.extend(members);
            push_cmd(out, &v);
        }
        // Blocking pops served at once go out as their non-blocking forms.
        "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
            let Some(key) = reply_items(reply).and_then(|r| r.first().copied()) else {
                return false;
            };
            let cmd: &[u8] = match name {
                "blpop" => b"LPOP",
                "brpop" => b"RPOP",
                "bzpopmin" => b"ZPOPMIN",
                _ => b"ZPOPMAX",
            };
            push_cmd(out, &[cmd, key]);
        }
        "brpoplpush" if a.len() == 4 => push_cmd(out, &[b"RPOPLPUSH", a[1], a[2]]),
        "blmove" if a.len() == 6 => push_cmd(out, &[b"LMOVE", a[1], a[2], a[3], a[4]]),
        "incrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"SET", a[1], v, b"KEEPTTL"]);
        }
        "hincrbyfloat" => {
            let Some(v) = reply_bulk(reply) else {
                return false;
            };
            push_cmd(out, &[b"HSET", a[1], a[2], v]);
        }
        _ => push_cmd(out, &a),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(argv: &[&[u8]], reply: &[u8], now_ms: i64) -> Option<Vec<u8>> {
        let mut buf = Vec::new();
        let mut spans = Vec::new();
        for a in argv {
            let start = buf.len();
            buf.extend_from_slice(a);
            spans.push((start, buf.len()));
        }
        let args = Args::new(&buf, &spans);
        let name = String::from_utf8(argv[0].to_ascii_lowercase()).unwrap();
        let mut out = Vec::new();
        (!no_change(&name, &args, reply) && translate(&mut out, &name, &args, reply, now_ms))
            .then_some(out)
    }

    #[test]
    fn propagated_forms() {
        // As Redis 7.0.15 writes them to its AOF, except SPOP with a count: Redis writes
        // `DEL s` when the pop empties the set, ferrokv the equivalent SREM of every member.
        let t = 1_000_000;
        assert_eq!(
            tr(&[b"SET", b"k", b"v", b"EX", b"10"], b"+OK\r\n", t).unwrap(),
            b"*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$4\r\nPXAT\r\n$7\r\n1010000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"5"], b":1\r\n", t).unwrap(),
            b"*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$7\r\n1005000\r\n"
        );
        assert_eq!(
            tr(&[b"expire", b"k", b"-1"], b":1\r\n", t).unwrap(),
            b"*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"
        );
        assert_eq!(tr(&[b"del", b"nokey"], b":0\r\n", t), None);
        assert_eq!(
            tr(&[b"set", b"get", b"v", b"get"], b"$-1\r\n", t).unwrap(),
            b"*3\r\n$3\r\nset\r\n$3\r\nget\r\n$1\r\nv\r\n"
        );
        assert_eq!(tr(&[b"set", b"k", b"v", b"nx"], b"$-1\r\n", t), None);
        assert_eq!(
            tr(&[b"spop", b"s", b"2"], b"*2\r\n$1\r\na\r\n$2\r\nbc\r\n", t).unwrap(),
            b"*4\r\n$4\r\nSREM\r\n$1\r\ns\r\n$1\r\na\r\n$2\r\nbc\r\n"
        );
        assert_eq!(
            tr(
                &[b"blpop", b"a", b"b", b"0"],
                b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n",
                t
            )
            .unwrap(),
            b"*2\r\n$4\r\nLPOP\r\n$1\r\nb\r\n"
        );
        assert_eq!(tr(&[b"blpop", b"a", b"1"], b"*-1\r\n", t), None);
    }
}
