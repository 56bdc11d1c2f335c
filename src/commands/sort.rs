//! SORT and SORT_RO (Redis's `sort.c`): sort a list, set or sorted set numerically or by bytes,
//! optionally by the values of other keys (`BY pattern`), fetching other keys' values
//! (`GET pattern`), with LIMIT, and storing the result as a list (`STORE`, SORT only).
//!
//! As in Redis: the elements are copied out first, then sorted (a stable sort, as glibc's
//! `qsort`), so patterns may look up any key, the sorted one included. ALPHA compares bytes (the
//! server runs in the C locale: `strcoll` is `strcmp`, which stops at a NUL byte; with STORE the
//! whole strings are compared). A sorted set is converted to its skiplist encoding, as Redis's
//! SORT does.

use std::cmp::Ordering;

use crate::command::{BeginSearch, Command, Ctx, FindKeys, KeySpec, acl, flags, ks};
use crate::db::list::{self, List};
use crate::db::zset::{Limits, ZSet};
use crate::db::{Db, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::util::parse_i64;

/// The sorted key, then the keys BY and GET patterns name (not locatable from the arguments).
const RO_KEYS: KeySpec = KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1);
const PATTERN_KEYS: KeySpec = KeySpec {
    notes: "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
    flags: ks::RO | ks::ACCESS,
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
};
const STORE_KEY: KeySpec = KeySpec {
    notes: "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
    flags: ks::OW | ks::UPDATE,
    begin: BeginSearch::Unknown,
    find: FindKeys::Unknown,
};

const COMPLEXITY: &str = "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).";

pub static COMMANDS: [Command; 2] = [
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SET | acl::SORTEDSET | acl::LIST | acl::SLOW | acl::DANGEROUS,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[RO_KEYS, PATTERN_KEYS, STORE_KEY],
        group: "generic",
        since: "1.0.0",
        summary: "Sort the elements in a list, set or sorted set",
        complexity: COMPLEXITY,
        get_keys: Some(sort_keys),
        ..Command::new("sort", -2, sort)
    },
    Command {
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::READ | acl::SET | acl::SORTEDSET | acl::LIST | acl::SLOW | acl::DANGEROUS,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[RO_KEYS, PATTERN_KEYS],
        group: "generic",
        since: "7.0.0",
        summary: "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
        complexity: COMPLEXITY,
        ..Command::new("sort_ro", -2, sort_ro)
    },
];

/// SORT's keys (Redis's `sortGetKeys`): the sorted key, and the last STORE destination.
/// Options are skipped with their arguments; anything else is taken as a flag.
fn sort_keys(args: &Args<'_>) -> Vec<(usize, u32)> {
    let mut keys = vec![(1, ks::RO | ks::ACCESS)];
    let mut store = None;
    let mut i = 2;
    while i < args.len() {
        let a = &args[i];
        if a.eq_ignore_ascii_case(b"limit") {
            i += 2;
        } else if a.eq_ignore_ascii_case(b"get") || a.eq_ignore_ascii_case(b"by") {
            i += 1;
        } else if a.eq_ignore_ascii_case(b"store") && i + 1 < args.len() {
            store = Some(i + 1);
        }
        i += 1;
    }
    if let Some(i) = store {
        keys.push((i, ks::OW | ks::UPDATE));
    }
    keys
}

fn sort(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    sort_generic(ctx, args, false)
}

fn sort_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    sort_generic(ctx, args, true)
}

/// The parsed options of one call.
struct Opts<'a> {
    desc: bool,
    alpha: bool,
    limit_start: i64,
    limit_count: i64,
    store: Option<&'a [u8]>,
    by: Option<&'a [u8]>,
    /// BY without `*`: keep the value's own order.
    dontsort: bool,
    gets: Vec<&'a [u8]>,
}

fn parse<'a>(args: &Args<'a>, readonly: bool) -> Result<Opts<'a>, CmdError> {
    let mut o = Opts {
        desc: false,
        alpha: false,
        limit_start: 0,
        limit_count: -1,
        store: None,
        by: None,
        dontsort: false,
        gets: Vec::new(),
    };
    let mut j = 2;
    while j < args.len() {
        let a = args.get(j);
        let left = args.len() - j - 1;
        if a.eq_ignore_ascii_case(b"asc") {
            o.desc = false;
        } else if a.eq_ignore_ascii_case(b"desc") {
            o.desc = true;
        } else if a.eq_ignore_ascii_case(b"alpha") {
            o.alpha = true;
        } else if a.eq_ignore_ascii_case(b"limit") && left >= 2 {
            o.limit_start = parse_i64(args.get(j + 1)).ok_or(CmdError::NotInteger)?;
            o.limit_count = parse_i64(args.get(j + 2)).ok_or(CmdError::NotInteger)?;
            j += 2;
        } else if !readonly && a.eq_ignore_ascii_case(b"store") && left >= 1 {
            o.store = Some(args.get(j + 1));
            j += 1;
        } else if a.eq_ignore_ascii_case(b"by") && left >= 1 {
            let p = args.get(j + 1);
            o.by = Some(p);
            // Redis looks for the `*` with strchr: a NUL ends the pattern. Once a BY without
            // one turned sorting off, a later BY does not turn it back on.
            o.dontsort |= !cstr(p).contains(&b'*');
            j += 1;
        } else if a.eq_ignore_ascii_case(b"get") && left >= 1 {
            o.gets.push(args.get(j + 1));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// `s` up to its first NUL, as C string functions see it.
fn cstr(s: &[u8]) -> &[u8] {
    match memchr::memchr(0, s) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// One element to sort, with what it sorts by.
struct Item {
    obj: Vec<u8>,
    score: f64,
    /// The BY value for ALPHA with a pattern (None: the key or field is missing).
    cmp: Option<Vec<u8>>,
}

impl Item {
    fn new(obj: Vec<u8>) -> Self {
        Item {
            obj,
            score: 0.0,
            cmp: None,
        }
    }
}

fn sort_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, readonly: bool) -> CmdResult {
    let mut o = parse(args, readonly)?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();

    // Which kind of value, and its length; a missing key sorts as an empty list.
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        List,
        Set,
        ZSet,
    }
    let (kind, len) = match db.lookup_read(&args[1], now) {
        None => (Kind::List, 0),
        Some(e) => match &mut e.value {
            Value::List(l) => (Kind::List, l.len()),
            Value::Set(s) => (Kind::Set, s.len()),
            Value::ZSet(z) => {
                // Redis's SORT converts a listpack sorted set to a skiplist, for good.
                if !z.is_skiplist() {
                    let mut v: Vec<(Box<[u8]>, f64)> = Vec::with_capacity(z.len());
                    z.for_each(|m, s| v.push((m.into(), s)));
                    let sl = Limits {
                        max_entries: 0,
                        max_value: 0,
                    };
                    **z = ZSet::from_vec(v, sl);
                }
                (Kind::ZSet, z.len())
            }
            _ => return Err(CmdError::WrongType),
        },
    };

    // A set has no order of its own: with STORE its elements are sorted anyway (by bytes), so
    // the stored result is deterministic.
    if o.dontsort && kind == Kind::Set && o.store.is_some() {
        o.dontsort = false;
        o.alpha = true;
        o.by = None;
    }

    // LIMIT, in Redis's arithmetic (no overflow: i128).
    let vlen = len as i128;
    let mut start = (o.limit_start.max(0)) as i128;
    let mut end = if o.limit_count < 0 {
        vlen - 1
    } else {
        start + o.limit_count as i128 - 1
    };
    if start >= vlen {
        start = vlen - 1;
        end = vlen - 2;
    }
    if end >= vlen {
        end = vlen - 1;
    }

    // Load the elements. Lists and sorted sets in their own order with a constant BY load only
    // the LIMIT range (from the tail with DESC).
    let mut items: Vec<Item> = Vec::new();
    let ranged = o.dontsort && kind != Kind::Set;
    // (first index, count) of the range to load, in the order the output takes.
    let range = ranged.then(|| {
        if end >= start {
            (start as usize, (end - start + 1) as usize)
        } else {
            (0, 0)
        }
    });
    if let Some(e) = db.entry_ref(&args[1]) {
        match (&e.value, range) {
            (Value::List(l), Some((s, n))) => {
                if o.desc {
                    items.extend(l.iter_rev().skip(s).take(n).map(|x| Item::new(x.to_vec())));
                } else {
                    items.extend(l.iter_from(s).take(n).map(|x| Item::new(x.to_vec())));
                }
            }
            (Value::ZSet(z), Some((s, n))) if n > 0 => {
                let rank = if o.desc { len - s - 1 } else { s };
                items.extend(
                    z.iter(rank, o.desc)
                        .take(n)
                        .map(|(m, _)| Item::new(m.to_vec())),
                );
            }
            (_, Some(_)) => {}
            (Value::List(l), None) => {
                items.reserve(len);
                items.extend(l.iter().map(|x| Item::new(x.to_vec())));
            }
            (Value::Set(s), None) => {
                items.reserve(len);
                s.for_each(|m| items.push(Item::new(m.to_vec())));
            }
            (Value::ZSet(z), None) => {
                items.reserve(len);
                z.for_each(|m, _| items.push(Item::new(m.to_vec())));
            }
            _ => {}
        }
    }
    if ranged {
        // The loaded range is the whole output now.
        start = 0;
        end = items.len() as i128 - 1;
    }

    // What each element sorts by.
    if !o.dontsort {
        let mut bad = false;
        for it in items.iter_mut() {
            let byval = match o.by {
                Some(p) => match lookup_by_pattern(db, p, &it.obj, now) {
                    Some(v) => Some(v),
                    None => continue,
                },
                None => None,
            };
            if o.alpha {
                if o.by.is_some() {
                    it.cmp = byval;
                }
            } else {
                let v = byval.as_deref().unwrap_or(&it.obj);
                match to_score(v) {
                    Some(s) => it.score = s,
                    None => bad = true,
                }
            }
        }
        if bad {
            return Err(CmdError::msg(
                "ERR One or more scores can't be converted into double",
            ));
        }
        let store = o.store.is_some();
        let by = o.by.is_some();
        let alpha = o.alpha;
        let desc = o.desc;
        let cmp = |a: &Item, b: &Item| {
            let c = if !alpha {
                a.score
                    .partial_cmp(&b.score)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| a.obj.cmp(&b.obj))
            } else if by {
                match (&a.cmp, &b.cmp) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Less,
                    (Some(_), None) => Ordering::Greater,
                    (Some(x), Some(y)) => collate(x, y, store),
                }
            } else {
                collate(&a.obj, &b.obj, store)
            };
            if desc { c.reverse() } else { c }
        };
        // As Redis: with BY and a LIMIT that cuts the result, a partial quicksort (whose order of
        // ties shows with ALPHA); otherwise glibc's qsort, a stable merge sort.
        if o.by.is_some() && (start != 0 || end != vlen - 1) {
            pqsort(&mut items, start, end, &cmp);
        } else {
            items.sort_by(cmp);
        }
    }

    let count = if end >= start {
        (end - start + 1) as usize
    } else {
        0
    };
    let start = start.max(0) as usize;
    let range = items.get(start..start + count).unwrap_or(&[]);
    let outlen = if o.gets.is_empty() {
        count
    } else {
        o.gets.len() * count
    };

    match o.store {
        None => {
            out.array(outlen);
            for it in range {
                if o.gets.is_empty() {
                    out.bulk(&it.obj);
                }
                for p in &o.gets {
                    match lookup_by_pattern(db, p, &it.obj, now) {
                        Some(v) => out.bulk(&v),
                        None => out.null(),
                    }
                }
            }
        }
        Some(dst) => {
            let mut l = List::with_options(list::DEFAULT_FILL, list::DEFAULT_COMPRESS_DEPTH);
            for it in range {
                if o.gets.is_empty() {
                    l.push_back(&it.obj);
                }
                for p in &o.gets {
                    let v = lookup_by_pattern(db, p, &it.obj, now);
                    l.push_back(v.as_deref().unwrap_or(b""));
                }
            }
            out.int(outlen as i64);
            if outlen > 0 {
                db.set(dst, Value::List(Box::new(l)));
            } else if db.remove(dst).is_none() {
                ctx.unchanged();
            }
        }
    }
    Ok(())
}

/// Redis's `pqsort`: NetBSD's `qsort` (Bentley–McIlroy three-way partitioning, insertion sort
/// under 7 elements) that only recurses into partitions overlapping `lo..=hi`, so only that
/// range ends up sorted. Reproduced step for step because the final order of equal elements
/// depends on it.
fn pqsort<T>(v: &mut [T], lo: i128, hi: i128, cmp: &impl Fn(&T, &T) -> Ordering) {
    let (mut a, mut n) = (0usize, v.len());
    let overlaps = |first: usize, count: usize| hi >= first as i128 && lo < (first + count) as i128;
    let med3 = |v: &[T], x: usize, y: usize, z: usize| -> usize {
        if cmp(&v[x], &v[y]) == Ordering::Less {
            if cmp(&v[y], &v[z]) == Ordering::Less {
                y
            } else if cmp(&v[x], &v[z]) == Ordering::Less {
                z
            } else {
                x
            }
        } else if cmp(&v[y], &v[z]) == Ordering::Greater {
            y
        } else if cmp(&v[x], &v[z]) == Ordering::Less {
            x
        } else {
            z
        }
    };
    let vecswap = |v: &mut [T], x: usize, y: usize, k: usize| {
        for i in 0..k {
            v.swap(x + i, y + i);
        }
    };
    loop {
        if n < 7 {
            for m in a + 1..a + n {
                let mut l = m;
                while l > a && cmp(&v[l - 1], &v[l]) == Ordering::Greater {
                    v.swap(l, l - 1);
                    l -= 1;
                }
            }
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d);
                pm = med3(v, pm - d, pm, pm + d);
                pn = med3(v, pn - 2 * d, pn - d, pn);
            }
            pm = med3(v, pl, pm, pn);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                match cmp(&v[pb], &v[a]) {
                    Ordering::Greater => break,
                    Ordering::Equal => {
                        v.swap(pa, pb);
                        pa += 1;
                    }
                    Ordering::Less => {}
                }
                pb += 1;
            }
            while pb <= pc {
                match cmp(&v[pc], &v[a]) {
                    Ordering::Less => break,
                    Ordering::Equal => {
                        v.swap(pc, pd);
                        pd -= 1;
                    }
                    Ordering::Greater => {}
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        vecswap(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vecswap(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && overlaps(a, r) {
            pqsort_part(v, a, r, lo, hi, cmp);
        }
        let r = pd - pc;
        if r > 1 && overlaps(pn - r, r) {
            a = pn - r;
            n = r;
            continue;
        }
        return;
    }
}

/// [`pqsort`] on `v[a..a + n]` (its left partitions recurse through here).
fn pqsort_part<T>(
    v: &mut [T],
    a: usize,
    n: usize,
    lo: i128,
    hi: i128,
    cmp: &impl Fn(&T, &T) -> Ordering,
) {
    pqsort(&mut v[a..a + n], lo - a as i128, hi - a as i128, cmp);
}

/// ALPHA comparison: `strcoll` in the C locale (bytes up to a NUL) when replying, the whole
/// bytes with STORE (Redis compares binary then, so stored results do not depend on locale).
fn collate(a: &[u8], b: &[u8], store: bool) -> Ordering {
    if store {
        a.cmp(b)
    } else {
        cstr(a).cmp(cstr(b))
    }
}

/// A numeric sort weight as Redis reads it: `strtod` up to the end or a NUL, no overflow or
/// underflow, not NaN. An empty string is 0.
fn to_score(v: &[u8]) -> Option<f64> {
    let (x, n, erange) = super::zset::c_strtod(v);
    let subnormal = x != 0.0 && x.is_finite() && x.abs() < f64::MIN_POSITIVE;
    let rest_ok = v.get(n).is_none_or(|&c| c == 0);
    (rest_ok && !erange && !subnormal && !x.is_nan()).then_some(x)
}

/// Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` is replaced
/// by the element and the key read as a string, or, with `->field` after the `*`, the field of
/// the hash at that key. None when the pattern has no `*`, the key is missing or of another
/// type, or the field is missing.
fn lookup_by_pattern(db: &mut Db, pattern: &[u8], subst: &[u8], now: i64) -> Option<Vec<u8>> {
    let cpat = cstr(pattern);
    if cpat == b"#" {
        return Some(subst.to_vec());
    }
    let star = memchr::memchr(b'*', cpat)?;
    // "->" after the star, with at least one character after it (before any NUL).
    let field_at = memchr::memmem::find(&cpat[star + 1..], b"->")
        .map(|i| star + 1 + i)
        .filter(|&f| f + 2 < cpat.len());
    let (post_end, field) = match field_at {
        Some(f) => (f, Some(&pattern[f + 2..])),
        None => (pattern.len(), None),
    };
    let mut key = Vec::with_capacity(pattern.len() + subst.len());
    key.extend_from_slice(&pattern[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&pattern[star + 1..post_end]);
    let e = db.lookup_read(&key, now)?;
    match (&e.value, field) {
        (Value::Hash(h), Some(f)) => h.get(f).map(|v| v.to_vec()),
        (Value::Str(s), None) => Some(s.to_vec()),
        _ => None,
    }
}
