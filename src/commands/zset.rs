//! Sorted-set commands (the command half of Redis's `t_zset.c`): ZADD and its options, reads,
//! every ZRANGE form, removal by rank/score/lex, pops, ZRANDMEMBER, the set operations
//! (ZUNION/ZINTER/ZDIFF, their STORE forms, ZINTERCARD) and ZSCAN. The encodings live in
//! [`crate::db::zset`].
//!
//! Scores parse as Redis's `strtod` does (hex floats, `inf`, overflow refused for scores but
//! not for range bounds) and print as `%.17g`.

use crate::command::{BeginSearch, Command, Ctx, FindKeys, KeySpec, acl, flags, ks};
use crate::db::zset::{Limits, ZSet};
use crate::db::{Db, Value};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};
use crate::util::{Rng, parse_i64};

pub static COMMANDS: [Command; 32] = [
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        acl: acl::WRITE | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::UPDATE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Add one or more members to a sorted set, or update its score if it already exists",
        complexity: "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
        ..Command::new("zadd", -4, zadd)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::FAST,
        acl: acl::WRITE | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::ACCESS | ks::UPDATE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Increment the score of a member in a sorted set",
        complexity: "O(log(N)) where N is the number of elements in the sorted set.",
        ..Command::new("zincrby", 4, zincrby)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: acl::WRITE | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Remove one or more members from a sorted set",
        complexity: "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
        ..Command::new("zrem", -3, zrem)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Get the number of members in a sorted set",
        complexity: "O(1)",
        ..Command::new("zcard", 2, zcard)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Get the score associated with the given member in a sorted set",
        complexity: "O(1)",
        ..Command::new("zscore", 3, zscore)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Get the score associated with the given members in a sorted set",
        complexity: "O(N) where N is the number of members being requested.",
        ..Command::new("zmscore", -3, zmscore)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Determine the index of a member in a sorted set",
        complexity: "O(log(N))",
        ..Command::new("zrank", 3, zrank)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Determine the index of a member in a sorted set, with scores ordered from high to low",
        complexity: "O(log(N))",
        ..Command::new("zrevrank", 3, zrevrank)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Count the members in a sorted set with scores within the given values",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        ..Command::new("zcount", 4, zcount)
    },
    Command {
        flags: flags::READONLY | flags::FAST,
        acl: acl::READ | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Count the number of members in a sorted set between a given lexicographical range",
        complexity: "O(log(N)) with N being the number of elements in the sorted set.",
        ..Command::new("zlexcount", 4, zlexcount)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Return a range of members in a sorted set",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ..Command::new("zrange", -4, zrange)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 2,
        step: 1,
        key_specs: &[
            KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1),
            KeySpec::range(ks::RO | ks::ACCESS, 2, 0, 1),
        ],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Store a range of members from sorted set into another key",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
        ..Command::new("zrangestore", -5, zrangestore)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.0.5",
        summary: "Return a range of members in a sorted set, by score",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ..Command::new("zrangebyscore", -4, zrangebyscore)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.2.0",
        summary: "Return a range of members in a sorted set, by score, with scores ordered from high to low",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ..Command::new("zrevrangebyscore", -4, zrevrangebyscore)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Return a range of members in a sorted set, by lexicographical range",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ..Command::new("zrangebylex", -4, zrangebylex)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
        ..Command::new("zrevrangebylex", -4, zrevrangebylex)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Return a range of members in a sorted set, by index, with scores ordered from high to low",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
        ..Command::new("zrevrange", -4, zrevrange)
    },
    Command {
        flags: flags::WRITE,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Remove all members in a sorted set within the given indexes",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ..Command::new("zremrangebyrank", 4, zremrangebyrank)
    },
    Command {
        flags: flags::WRITE,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "1.2.0",
        summary: "Remove all members in a sorted set within the given scores",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ..Command::new("zremrangebyscore", 4, zremrangebyscore)
    },
    Command {
        flags: flags::WRITE,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "2.8.9",
        summary: "Remove all members in a sorted set between the given lexicographical range",
        complexity: "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
        ..Command::new("zremrangebylex", 4, zremrangebylex)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: acl::WRITE | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Remove and return members with the lowest scores in a sorted set",
        complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        ..Command::new("zpopmin", -2, zpopmin)
    },
    Command {
        flags: flags::WRITE | flags::FAST,
        acl: acl::WRITE | acl::SORTEDSET | acl::FAST,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RW | ks::ACCESS | ks::DELETE, 1, 0, 1)],
        tips: &[],
        group: "sorted-set",
        since: "5.0.0",
        summary: "Remove and return members with the highest scores in a sorted set",
        complexity: "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
        ..Command::new("zpopmax", -2, zpopmax)
    },
    Command {
        flags: flags::WRITE | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[KeySpec {
            notes: "",
            flags: ks::RW | ks::ACCESS | ks::DELETE,
            begin: BeginSearch::Index(1),
            find: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        tips: &[],
        group: "sorted-set",
        since: "7.0.0",
        summary: "Remove and return members with scores in a sorted set",
        complexity: "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
        ..Command::new("zmpop", -4, zmpop)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &["nondeterministic_output"],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Get one or multiple random elements from a sorted set",
        complexity: "O(N) where N is the number of elements returned",
        ..Command::new("zrandmember", -2, zrandmember)
    },
    Command {
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[KeySpec {
            notes: "",
            flags: ks::RO | ks::ACCESS,
            begin: BeginSearch::Index(1),
            find: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Add multiple sorted sets",
        complexity: "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        ..Command::new("zunion", -3, zunion)
    },
    Command {
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[KeySpec {
            notes: "",
            flags: ks::RO | ks::ACCESS,
            begin: BeginSearch::Index(1),
            find: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Intersect multiple sorted sets",
        complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        ..Command::new("zinter", -3, zinter)
    },
    Command {
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[KeySpec {
            notes: "",
            flags: ks::RO | ks::ACCESS,
            begin: BeginSearch::Index(1),
            find: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Subtract multiple sorted sets",
        complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        ..Command::new("zdiff", -3, zdiff)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[
            KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1),
            KeySpec {
                notes: "",
                flags: ks::RO | ks::ACCESS,
                begin: BeginSearch::Index(2),
                find: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Add multiple sorted sets and store the resulting sorted set in a new key",
        complexity: "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
        ..Command::new("zunionstore", -4, zunionstore)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[
            KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1),
            KeySpec {
                notes: "",
                flags: ks::RO | ks::ACCESS,
                begin: BeginSearch::Index(2),
                find: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        tips: &[],
        group: "sorted-set",
        since: "2.0.0",
        summary: "Intersect multiple sorted sets and store the resulting sorted set in a new key",
        complexity: "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
        ..Command::new("zinterstore", -4, zinterstore)
    },
    Command {
        flags: flags::WRITE | flags::DENYOOM | flags::MOVABLE_KEYS,
        acl: acl::WRITE | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[
            KeySpec::range(ks::OW | ks::UPDATE, 1, 0, 1),
            KeySpec {
                notes: "",
                flags: ks::RO | ks::ACCESS,
                begin: BeginSearch::Index(2),
                find: FindKeys::Keynum {
                    keynumidx: 0,
                    firstkey: 1,
                    keystep: 1,
                },
            },
        ],
        tips: &[],
        group: "sorted-set",
        since: "6.2.0",
        summary: "Subtract multiple sorted sets and store the resulting sorted set in a new key",
        complexity: "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
        ..Command::new("zdiffstore", -4, zdiffstore)
    },
    Command {
        flags: flags::READONLY | flags::MOVABLE_KEYS,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 0,
        last_key: 0,
        step: 0,
        key_specs: &[KeySpec {
            notes: "",
            flags: ks::RO | ks::ACCESS,
            begin: BeginSearch::Index(1),
            find: FindKeys::Keynum {
                keynumidx: 0,
                firstkey: 1,
                keystep: 1,
            },
        }],
        tips: &[],
        group: "sorted-set",
        since: "7.0.0",
        summary: "Intersect multiple sorted sets and return the cardinality of the result",
        complexity: "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
        ..Command::new("zintercard", -3, zintercard)
    },
    Command {
        flags: flags::READONLY,
        acl: acl::READ | acl::SORTEDSET | acl::SLOW,
        first_key: 1,
        last_key: 1,
        step: 1,
        key_specs: &[KeySpec::range(ks::RO | ks::ACCESS, 1, 0, 1)],
        tips: &["nondeterministic_output"],
        group: "sorted-set",
        since: "2.8.0",
        summary: "Incrementally iterate sorted sets elements and associated scores",
        complexity: "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
        ..Command::new("zscan", -3, zscan)
    },
];

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// The configured listpack thresholds (the one place to switch to `Config` fields).
fn limits(ctx: &Ctx<'_>) -> Limits {
    let c = &ctx.srv.config;
    Limits {
        max_entries: c.zset_max_listpack_entries,
        max_value: c.zset_max_listpack_value,
    }
}

fn read_zset<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a ZSet>, CmdError> {
    match db.lookup_read(key, now) {
        Some(e) => e.as_zset().map(Some),
        None => Ok(None),
    }
}

fn write_zset<'a>(db: &'a mut Db, key: &[u8], now: i64) -> Result<Option<&'a mut ZSet>, CmdError> {
    match db.lookup_write(key, now) {
        Some(e) => e.as_zset_mut().map(Some),
        None => Ok(None),
    }
}

/// C's `strtod` over `s`: the value, how many bytes it consumed (0: no number), and whether it
/// overflowed to infinity or underflowed to zero (`ERANGE` with `HUGE_VAL` or 0).
fn strtod(s: &[u8]) -> (f64, usize, bool) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = if neg { -1.0 } else { 1.0 };
    let rest = &s[i..];
    let ci = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if ci(b"infinity") {
        return (sign * f64::INFINITY, i + 8, false);
    }
    if ci(b"inf") {
        return (sign * f64::INFINITY, i + 3, false);
    }
    if ci(b"nan") {
        let mut n = 3;
        if rest.get(3) == Some(&b'(')
            && let Some(p) = rest[4..]
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
            && rest[4 + p] == b')'
        {
            n = 4 + p + 1;
        }
        return (f64::NAN, i + n, false);
    }
    if rest.len() >= 2 && rest[0] == b'0' && rest[1] | 0x20 == b'x' {
        return match strtod_hex(&rest[2..]) {
            Some((v, n)) => (sign * v, i + 2 + n, v.is_infinite()),
            None => (sign * 0.0, i + 1, false),
        };
    }
    let mut j = 0;
    let mut digits = 0;
    let mut nonzero = false;
    while j < rest.len() && rest[j].is_ascii_digit() {
        nonzero |= rest[j] != b'0';
        j += 1;
        digits += 1;
    }
    if rest.get(j) == Some(&b'.') {
        j += 1;
        while j < rest.len() && rest[j].is_ascii_digit() {
            nonzero |= rest[j] != b'0';
            j += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return (0.0, 0, false);
    }
    if matches!(rest.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(rest.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if rest.get(k).is_some_and(u8::is_ascii_digit) {
            while k < rest.len() && rest[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    // Only ASCII digits, '.', 'e' and signs were taken: valid UTF-8 and a valid Rust float
    // (a bare "5." or ".5" included).
    let v: f64 = std::str::from_utf8(&rest[..j])
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0.0);
    let erange = v.is_infinite() || (v == 0.0 && nonzero);
    (sign * v, i + j, erange)
}

/// The part of a hex float after `0x`: value and bytes consumed, None without a hex digit.
fn strtod_hex(s: &[u8]) -> Option<(f64, usize)> {
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut j = 0;
    let mut any = false;
    let mut frac = false;
    while j < s.len() {
        let c = s[j];
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'.' if !frac => {
                frac = true;
                j += 1;
                continue;
            }
            _ => break,
        };
        any = true;
        if mant >> 60 == 0 {
            mant = mant * 16 + d as u64;
            if frac {
                exp -= 4;
            }
        } else if !frac {
            exp += 4;
        }
        j += 1;
    }
    if !any {
        return None;
    }
    if matches!(s.get(j), Some(b'p' | b'P')) {
        let mut k = j + 1;
        let eneg = match s.get(k) {
            Some(b'-') => {
                k += 1;
                true
            }
            Some(b'+') => {
                k += 1;
                false
            }
            _ => false,
        };
        if s.get(k).is_some_and(u8::is_ascii_digit) {
            let mut e: i64 = 0;
            while k < s.len() && s[k].is_ascii_digit() {
                e = (e * 10 + (s[k] - b'0') as i64).min(1 << 20);
                k += 1;
            }
            exp += if eneg { -e } else { e };
            j = k;
        }
    }
    let exp = exp.clamp(-2000, 2000) as i32;
    // Split the scaling so intermediate powers stay finite.
    let v = mant as f64 * 2f64.powi(exp / 2) * 2f64.powi(exp - exp / 2);
    Some((v, j))
}

/// A score argument as Redis's `getDoubleFromObject` reads it (whole string, no leading
/// space, no overflow, not NaN).
fn parse_score(s: &[u8]) -> Option<f64> {
    if s.is_empty() || s[0].is_ascii_whitespace() || s[0] == 0x0b {
        return None;
    }
    let (v, n, erange) = strtod(s);
    (n == s.len() && !erange && !v.is_nan()).then_some(v)
}

/// One end of a score range (`zslParseRange`): strtod up to the first NUL, NaN refused.
fn parse_score_bound(s: &[u8]) -> Option<(f64, bool)> {
    let (ex, body) = match s {
        [b'(', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    let (v, n, _) = strtod(body);
    (body.get(n).is_none_or(|&c| c == 0) && !v.is_nan()).then_some((v, ex))
}

/// One end of a lex range.
enum LexBound<'a> {
    NegInf,
    PosInf,
    Incl(&'a [u8]),
    Excl(&'a [u8]),
}

fn parse_lex_bound(s: &[u8]) -> Option<LexBound<'_>> {
    match s {
        [b'+'] => Some(LexBound::PosInf),
        [b'-'] => Some(LexBound::NegInf),
        [b'(', rest @ ..] => Some(LexBound::Excl(rest)),
        [b'[', rest @ ..] => Some(LexBound::Incl(rest)),
        _ => None,
    }
}

const ERR_NOT_FLOAT_RANGE: &str = "ERR min or max is not a float";
const ERR_LEX_RANGE: &str = "ERR min or max not valid string range item";
const ERR_NAN: &str = "ERR resulting score is not a number (NaN)";

/// A parsed score or lex range, resolved to ranks.
enum Bounds<'a> {
    Score(f64, bool, f64, bool),
    Lex(LexBound<'a>, LexBound<'a>),
}

impl Bounds<'_> {
    fn score(min: &[u8], max: &[u8]) -> Result<Bounds<'static>, CmdError> {
        match (parse_score_bound(min), parse_score_bound(max)) {
            (Some((a, ax)), Some((b, bx))) => Ok(Bounds::Score(a, ax, b, bx)),
            _ => Err(CmdError::msg(ERR_NOT_FLOAT_RANGE)),
        }
    }

    fn lex<'a>(min: &'a [u8], max: &'a [u8]) -> Result<Bounds<'a>, CmdError> {
        match (parse_lex_bound(min), parse_lex_bound(max)) {
            (Some(a), Some(b)) => Ok(Bounds::Lex(a, b)),
            _ => Err(CmdError::msg(ERR_LEX_RANGE)),
        }
    }

    /// The ranks `lo..hi` of the elements inside the range (empty when `hi <= lo`), for a walk
    /// in ascending order or, with `rev`, descending.
    fn ranks(&self, z: &ZSet, rev: bool) -> (usize, usize) {
        match *self {
            Bounds::Lex(ref min, ref max) if !z.is_skiplist() => {
                lex_ranks_listpack(z, min, max, rev)
            }
            Bounds::Score(min, minex, max, maxex) => {
                let lo = z.count_while(|s, _| s < min || (minex && s == min));
                let hi = z.count_while(|s, _| s < max || (!maxex && s == max));
                (lo, hi.max(lo))
            }
            Bounds::Lex(ref min, ref max) => {
                let lo = match *min {
                    LexBound::NegInf => 0,
                    LexBound::PosInf => z.len(),
                    LexBound::Incl(x) => z.count_while(|_, m| m < x),
                    LexBound::Excl(x) => z.count_while(|_, m| m <= x),
                };
                let hi = match *max {
                    LexBound::NegInf => 0,
                    LexBound::PosInf => z.len(),
                    LexBound::Incl(x) => z.count_while(|_, m| m <= x),
                    LexBound::Excl(x) => z.count_while(|_, m| m < x),
                };
                (lo, hi.max(lo))
            }
        }
    }
}

/// A lex range over a listpack zset walked as Redis walks it: nothing unless the last element
/// is >= min and the first <= max; then from the first element >= min (from the last <= max
/// when `rev`) for as long as elements stay inside. With equal scores (the documented use)
/// that is the plain range; with differing scores it is what Redis answers.
fn lex_ranks_listpack(
    z: &ZSet,
    min: &LexBound<'_>,
    max: &LexBound<'_>,
    rev: bool,
) -> (usize, usize) {
    use std::cmp::Ordering;
    let gte_min = |m: &[u8]| match *min {
        LexBound::NegInf => true,
        LexBound::PosInf => false,
        LexBound::Incl(x) => m >= x,
        LexBound::Excl(x) => m > x,
    };
    let lte_max = |m: &[u8]| match *max {
        LexBound::NegInf => false,
        LexBound::PosInf => true,
        LexBound::Incl(x) => m <= x,
        LexBound::Excl(x) => m < x,
    };
    // Redis's sdscmplex with `-`/`+` as the smallest/largest strings, both exclusive.
    let cmp = match (min, max) {
        (LexBound::NegInf, LexBound::NegInf) | (LexBound::PosInf, LexBound::PosInf) => {
            Ordering::Equal
        }
        (LexBound::NegInf, _) | (_, LexBound::PosInf) => Ordering::Less,
        (LexBound::PosInf, _) | (_, LexBound::NegInf) => Ordering::Greater,
        (LexBound::Incl(a) | LexBound::Excl(a), LexBound::Incl(b) | LexBound::Excl(b)) => a.cmp(b),
    };
    let inclusive = |b: &LexBound<'_>| matches!(b, LexBound::Incl(_));
    let n = z.len();
    let member = |i: usize| z.get(i).map(|(m, _)| m).unwrap_or_default();
    if cmp == Ordering::Greater
        || (cmp == Ordering::Equal && !(inclusive(min) && inclusive(max)))
        || n == 0
        || !gte_min(member(n - 1))
        || !lte_max(member(0))
    {
        return (0, 0);
    }
    if !rev {
        let lo = (0..n).find(|&i| gte_min(member(i))).unwrap_or(n);
        let hi = (lo..n).find(|&i| !lte_max(member(i))).unwrap_or(n);
        (lo, hi)
    } else {
        let Some(last) = (0..n).rev().find(|&i| lte_max(member(i))) else {
            return (0, 0);
        };
        let lo = (0..=last)
            .rev()
            .find(|&i| !gte_min(member(i)))
            .map_or(0, |i| i + 1);
        (lo, last + 1)
    }
}

/// Resolves a `start`/`end` rank pair as Redis does; None when the range is empty.
fn rank_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, end as usize))
}

/// Writes one member, with its score when asked: flat in RESP2, a pair in RESP3.
#[inline]
fn emit(out: &mut Reply, m: &[u8], s: f64, withscores: bool) {
    if withscores && out.resp3 {
        out.array(2);
    }
    out.bulk(m);
    if withscores {
        out.double(s);
    }
}

/// The array header for `n` members.
fn emit_header(out: &mut Reply, n: usize, withscores: bool) {
    out.array(if withscores && !out.resp3 { n * 2 } else { n });
}

fn eq(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

fn zadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zadd_generic(ctx, args, false)
}

fn zincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zadd_generic(ctx, args, true)
}

fn zadd_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, zincrby: bool) -> CmdResult {
    let (mut nx, mut xx, mut ch, mut incr, mut gt, mut lt) =
        (false, false, false, zincrby, false, false);
    let mut idx = 2;
    // ZINCRBY shares ZADD's parser in Redis, flags included (`ZINCRBY k XX 1` is a syntax
    // error: XX is taken as a flag, leaving one argument).
    while idx < args.len() {
        let a = &args[idx];
        if eq(a, b"nx") {
            nx = true;
        } else if eq(a, b"xx") {
            xx = true;
        } else if eq(a, b"ch") {
            ch = true;
        } else if eq(a, b"incr") {
            incr = true;
        } else if eq(a, b"gt") {
            gt = true;
        } else if eq(a, b"lt") {
            lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let elems = args.len() - idx;
    if !elems.is_multiple_of(2) || elems == 0 {
        return Err(CmdError::Syntax);
    }
    if nx && xx {
        return Err(CmdError::msg(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return Err(CmdError::msg(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if incr && elems > 2 {
        return Err(CmdError::msg(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    for i in (idx..args.len()).step_by(2) {
        parse_score(&args[i]).ok_or(CmdError::NotFloat)?;
    }
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let key = &args[1];
    let (db, out) = ctx.db_out();
    let z = match write_zset(db, key, now)? {
        Some(_) => None,
        None if xx => {
            if incr {
                out.null();
            } else {
                out.int(0);
            }
            return Ok(());
        }
        None => Some(ZSet::new()),
    };
    if let Some(z) = z {
        db.set(key, Value::ZSet(Box::new(z)));
    }
    // Already looked up (and touched) above.
    let Some(Ok(z)) = db.peek(key, now).map(|e| e.as_zset_mut()) else {
        return Err(CmdError::WrongType);
    };
    let (mut added, mut updated, mut processed) = (0i64, 0i64, 0i64);
    let mut last = 0.0;
    let mut nan = false;
    for i in (idx..args.len()).step_by(2) {
        let mut score = parse_score(&args[i]).unwrap_or(0.0);
        let member = &args[i + 1];
        match z.score(member) {
            Some(cur) => {
                if nx {
                    continue;
                }
                if incr {
                    score += cur;
                    if score.is_nan() {
                        nan = true;
                        break;
                    }
                }
                if (lt && score >= cur) || (gt && score <= cur) {
                    continue;
                }
                if score != cur {
                    z.set(member, score, lim);
                    updated += 1;
                }
                last = score;
                processed += 1;
            }
            None if xx => {}
            None => {
                z.set(member, score, lim);
                added += 1;
                last = score;
                processed += 1;
            }
        }
    }
    db.remove_if_empty(key);
    if nan {
        return Err(CmdError::msg(ERR_NAN));
    }
    if incr {
        if processed > 0 {
            out.double(last);
        } else {
            out.null();
        }
    } else {
        out.int(if ch { added + updated } else { added });
    }
    // Like Redis, a ZADD that added and updated nothing is neither signalled nor propagated.
    match added + updated {
        0 => ctx.unchanged(),
        n => ctx.changes(n as u64),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Simple reads and removal

fn zrem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let key = &args[1];
    let (db, out) = ctx.db_out();
    let Some(z) = write_zset(db, key, now)? else {
        out.int(0);
        return Ok(());
    };
    let mut n = 0;
    for m in args.iter_from(2) {
        if z.remove(m) {
            n += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    db.remove_if_empty(key);
    out.int(n);
    ctx.changes(n as u64);
    Ok(())
}

fn zcard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = read_zset(db, &args[1], now)?.map_or(0, |z| z.len());
    out.int(n as i64);
    Ok(())
}

fn zscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    match read_zset(db, &args[1], now)?.and_then(|z| z.score(&args[2])) {
        Some(s) => out.double(s),
        None => out.null(),
    }
    Ok(())
}

fn zmscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let z = read_zset(db, &args[1], now)?;
    out.array(args.len() - 2);
    for m in args.iter_from(2) {
        match z.and_then(|z| z.score(m)) {
            Some(s) => out.double(s),
            None => out.null(),
        }
    }
    Ok(())
}

fn zrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrank_generic(ctx, args, false)
}

fn zrevrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrank_generic(ctx, args, true)
}

fn zrank_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, rev: bool) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(z) = read_zset(db, &args[1], now)? else {
        out.null();
        return Ok(());
    };
    match z.rank(&args[2]) {
        Some(r) if rev => out.int((z.len() - 1 - r) as i64),
        Some(r) => out.int(r as i64),
        None => out.null(),
    }
    Ok(())
}

fn zcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let b = Bounds::score(&args[2], &args[3])?;
    count_generic(ctx, args, b)
}

fn zlexcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let b = Bounds::lex(&args[2], &args[3])?;
    count_generic(ctx, args, b)
}

fn count_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, b: Bounds<'_>) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let n = match read_zset(db, &args[1], now)? {
        Some(z) => {
            let (lo, hi) = b.ranks(z, false);
            hi - lo
        }
        None => 0,
    };
    out.int(n as i64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and friends

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Rank,
    Score,
    Lex,
}

fn zrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, None, None)
}

fn zrangestore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, true, None, None)
}

fn zrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, Some(RangeType::Score), Some(false))
}

fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, Some(RangeType::Score), Some(true))
}

fn zrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, Some(RangeType::Lex), Some(false))
}

fn zrevrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, Some(RangeType::Lex), Some(true))
}

fn zrevrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, false, Some(RangeType::Rank), Some(true))
}

/// Redis's `zrangeGenericCommand`: every ZRANGE form, replying or storing.
fn zrange_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    store: bool,
    mut rtype: Option<RangeType>,
    mut rev: Option<bool>,
) -> CmdResult {
    let first = if store { 2 } else { 1 };
    let key = &args[first];
    let (mut minidx, mut maxidx) = (first + 1, first + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = first + 3;
    while j < args.len() {
        let a = &args[j];
        let left = args.len() - j - 1;
        if !store && eq(a, b"withscores") {
            withscores = true;
        } else if eq(a, b"limit") && left >= 2 {
            offset = parse_i64(&args[j + 1]).ok_or(CmdError::NotInteger)?;
            limit = parse_i64(&args[j + 2]).ok_or(CmdError::NotInteger)?;
            j += 2;
        } else if rev.is_none() && eq(a, b"rev") {
            rev = Some(true);
        } else if rtype.is_none() && eq(a, b"bylex") {
            rtype = Some(RangeType::Lex);
        } else if rtype.is_none() && eq(a, b"byscore") {
            rtype = Some(RangeType::Score);
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let rev = rev.unwrap_or(false);
    let rtype = rtype.unwrap_or(RangeType::Rank);
    if limit != -1 && rtype == RangeType::Rank {
        return Err(CmdError::msg(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && rtype == RangeType::Lex {
        return Err(CmdError::msg(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    if rev && rtype != RangeType::Rank {
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    let bounds = match rtype {
        RangeType::Rank => {
            let s = parse_i64(&args[minidx]).ok_or(CmdError::NotInteger)?;
            let e = parse_i64(&args[maxidx]).ok_or(CmdError::NotInteger)?;
            Err((s, e))
        }
        RangeType::Score => Ok(Bounds::score(&args[minidx], &args[maxidx])?),
        RangeType::Lex => Ok(Bounds::lex(&args[minidx], &args[maxidx])?),
    };
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let z = read_zset(db, key, now)?;
    // The selected ranks: `n` elements starting at `from`, walking backwards when `rev`.
    let (from, n) = match z {
        None => (0, 0),
        Some(z) => {
            let len = z.len();
            match &bounds {
                Err((s, e)) => match rank_range(*s, *e, len) {
                    None => (0, 0),
                    Some((s, e)) if rev => (len - 1 - s, e - s + 1),
                    Some((s, e)) => (s, e - s + 1),
                },
                Ok(b) => {
                    let (lo, hi) = b.ranks(z, rev);
                    let avail = (hi - lo) as u64;
                    if offset < 0 || (offset > 0 && offset as u64 >= len as u64) {
                        (0, 0)
                    } else {
                        let skip = (offset as u64).min(avail);
                        let mut n = avail - skip;
                        if limit >= 0 {
                            n = n.min(limit as u64);
                        }
                        let n = n as usize;
                        let skip = skip as usize;
                        if n == 0 {
                            (0, 0)
                        } else if rev {
                            (hi - 1 - skip, n)
                        } else {
                            (lo + skip, n)
                        }
                    }
                }
            }
        }
    };
    if store {
        let dst = &args[1];
        let mut picked: Vec<(Box<[u8]>, f64)> = match z {
            Some(z) if n > 0 => z
                .iter(from, rev)
                .take(n)
                .map(|(m, s)| (m.into(), s))
                .collect(),
            _ => Vec::new(),
        };
        if picked.is_empty() {
            out.int(0);
            if db.remove(dst).is_none() {
                ctx.unchanged();
            }
        } else {
            let count = picked.len();
            // Redis adds the results one by one to a listpack (except a rank range longer than
            // the listpack limit, which starts as a skiplist): the scores added before it
            // converts lose the sign of -0, the later ones keep it.
            let in_listpack = if rtype == RangeType::Rank && count > lim.max_entries {
                0
            } else {
                picked
                    .iter()
                    .enumerate()
                    .position(|(i, (m, _))| i >= lim.max_entries || m.len() > lim.max_value)
                    .unwrap_or(count)
            };
            for e in &mut picked[..in_listpack] {
                if e.1 == 0.0 {
                    e.1 = 0.0;
                }
            }
            db.set(dst, Value::ZSet(Box::new(ZSet::from_vec(picked, lim))));
            out.int(count as i64);
        }
        return Ok(());
    }
    emit_header(out, n, withscores);
    if let Some(z) = z
        && n > 0
    {
        for (m, s) in z.iter(from, rev).take(n) {
            emit(out, m, s, withscores);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBY*

fn zremrangebyrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let s = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    let e = parse_i64(&args[3]).ok_or(CmdError::NotInteger)?;
    zremrange_generic(ctx, args, Err((s, e)))
}

fn zremrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let b = Bounds::score(&args[2], &args[3])?;
    zremrange_generic(ctx, args, Ok(b))
}

fn zremrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let b = Bounds::lex(&args[2], &args[3])?;
    zremrange_generic(ctx, args, Ok(b))
}

fn zremrange_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    range: Result<Bounds<'_>, (i64, i64)>,
) -> CmdResult {
    let now = ctx.now_ms;
    let key = &args[1];
    let (db, out) = ctx.db_out();
    let Some(z) = write_zset(db, key, now)? else {
        out.int(0);
        return Ok(());
    };
    let (lo, hi) = match range {
        Err((s, e)) => match rank_range(s, e, z.len()) {
            Some((s, e)) => (s, e + 1),
            None => (0, 0),
        },
        Ok(b) => b.ranks(z, false),
    };
    let n = if hi > lo {
        z.remove_ranks(lo, hi - 1)
    } else {
        0
    };
    db.remove_if_empty(key);
    out.int(n as i64);
    ctx.changes(n as u64);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pops

fn zpopmin(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zpop_cmd(ctx, args, false)
}

fn zpopmax(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zpop_cmd(ctx, args, true)
}

fn zpop_cmd(ctx: &mut Ctx<'_>, args: &Args<'_>, max: bool) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let count = if args.len() == 3 {
        match parse_i64(&args[2]) {
            Some(c) if c >= 0 => Some(c),
            Some(_) => {
                return Err(CmdError::msg("ERR value is out of range, must be positive"));
            }
            None => {
                return Err(CmdError::msg("ERR value is out of range, must be positive"));
            }
        }
    } else {
        None
    };
    let nested = ctx.out.resp3 && count.is_some();
    zpop_generic(ctx, &[&args[1]], max, false, count, nested, false)
}

/// Redis's `genericZpopCommand` over the first non-empty key of `keys`.
fn zpop_generic(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    max: bool,
    emit_key: bool,
    count: Option<i64>,
    nested: bool,
    nil_when_empty: bool,
) -> CmdResult {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let mut found = None;
    for k in keys {
        if write_zset(db, k, now)?.is_some() {
            found = Some(*k);
            break;
        }
    }
    let Some(key) = found else {
        if nil_when_empty {
            out.null_array();
        } else {
            out.array(0);
        }
        return Ok(());
    };
    if count == Some(0) {
        out.array(0);
        return Ok(());
    }
    // Already looked up (and touched) above.
    let Some(Ok(z)) = db.peek(key, now).map(|e| e.as_zset_mut()) else {
        return Err(CmdError::WrongType);
    };
    let want = count.unwrap_or(1).max(0) as u64;
    let n = want.min(z.len() as u64) as usize;
    if n == 0 {
        // Unreachable while empty sets are deleted; kept so no count can underflow below.
        out.array(0);
        db.remove_if_empty(key);
        return Ok(());
    }
    if emit_key {
        out.array(2);
        out.bulk(key);
    }
    if nested {
        out.array(n);
    } else {
        out.array(n * 2);
    }
    let len = z.len();
    let from = if max { len - 1 } else { 0 };
    for (m, s) in z.iter(from, max).take(n) {
        if nested {
            out.array(2);
        }
        out.bulk(m);
        out.double(s);
    }
    if max {
        z.remove_ranks(len - n, len - 1);
    } else {
        z.remove_ranks(0, n - 1);
    }
    db.remove_if_empty(key);
    ctx.changes(n as u64);
    Ok(())
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count].
fn zmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    const NUMKEYS: &str = "ERR numkeys should be greater than 0";
    let numkeys = match parse_i64(&args[1]) {
        Some(n) if n >= 1 => n as u64,
        _ => return Err(CmdError::msg(NUMKEYS)),
    };
    let where_idx = 1 + numkeys + 1;
    if where_idx >= args.len() as u64 {
        return Err(CmdError::Syntax);
    }
    let where_idx = where_idx as usize;
    let max = if eq(&args[where_idx], b"min") {
        false
    } else if eq(&args[where_idx], b"max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count: Option<i64> = None;
    let mut j = where_idx + 1;
    while j < args.len() {
        if count.is_none() && eq(&args[j], b"count") && j + 1 < args.len() {
            j += 1;
            match parse_i64(&args[j]) {
                Some(c) if c >= 1 => count = Some(c),
                _ => return Err(CmdError::msg("ERR count should be greater than 0")),
            }
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let keys: Vec<&[u8]> = args.iter_from(2).take(numkeys as usize).collect();
    zpop_generic(ctx, &keys, max, true, Some(count.unwrap_or(1)), true, true)
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

/// The selected db, the server's RNG and the reply buffer, borrowed together.
fn db_rng_out<'c>(ctx: &'c mut Ctx<'_>) -> (&'c mut Db, &'c mut Rng, &'c mut Reply) {
    let idx = ctx.client.db;
    let srv = &mut *ctx.srv;
    let last = srv.dbs.len().saturating_sub(1);
    (&mut srv.dbs[idx.min(last)], &mut srv.rng, &mut *ctx.out)
}

fn zrandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let now = ctx.now_ms;
    if args.len() < 3 {
        let (db, rng, out) = db_rng_out(ctx);
        match read_zset(db, &args[1], now)? {
            Some(z) if !z.is_empty() => match z.get(rng.below(z.len())) {
                Some((m, _)) => out.bulk(m),
                None => out.null(),
            },
            _ => out.null(),
        }
        return Ok(());
    }
    let l = parse_i64(&args[2]).ok_or(CmdError::NotInteger)?;
    if l == i64::MIN {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withscores = match args.len() {
        3 => false,
        4 if eq(&args[3], b"withscores") => true,
        _ => return Err(CmdError::Syntax),
    };
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&l) {
        return Err(CmdError::msg("ERR value is out of range"));
    }
    let (db, rng, out) = db_rng_out(ctx);
    let Some(z) = read_zset(db, &args[1], now)? else {
        out.array(0);
        return Ok(());
    };
    let count = l.unsigned_abs();
    if count == 0 || z.is_empty() {
        out.array(0);
        return Ok(());
    }
    let size = z.len();
    if l < 0 || count == 1 {
        // Independent picks, repetitions allowed.
        emit_header(out, count as usize, withscores);
        for _ in 0..count {
            if let Some((m, s)) = z.get(rng.below(size)) {
                emit(out, m, s, withscores);
            }
        }
        return Ok(());
    }
    if count >= size as u64 {
        // The whole set, highest rank first (as Redis 7.0 replies it).
        emit_header(out, size, withscores);
        for (m, s) in z.iter(size - 1, true) {
            emit(out, m, s, withscores);
        }
        return Ok(());
    }
    // Distinct ranks: a partial shuffle when many are wanted, rejection sampling otherwise.
    let count = count as usize;
    let ranks: Vec<usize> = if count * 3 > size {
        let mut all: Vec<usize> = (0..size).collect();
        for i in 0..count {
            let j = i + rng.below(size - i);
            all.swap(i, j);
        }
        all.truncate(count);
        all
    } else {
        let mut seen = std::collections::HashSet::with_capacity(count);
        let mut v = Vec::with_capacity(count);
        while v.len() < count {
            let r = rng.below(size);
            if seen.insert(r) {
                v.push(r);
            }
        }
        v
    };
    emit_header(out, count, withscores);
    for r in ranks {
        if let Some((m, s)) = z.get(r) {
            emit(out, m, s, withscores);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE) and ZINTERCARD

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

fn aggregate(target: &mut f64, v: f64, agg: Aggregate) {
    match agg {
        Aggregate::Sum => {
            *target += v;
            // +inf plus -inf is NaN; Redis keeps 0 instead.
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if v < *target {
                *target = v;
            }
        }
        Aggregate::Max => {
            if v > *target {
                *target = v;
            }
        }
    }
}

/// One input: a sorted set, a plain set (every member scores 1), or a missing key.
enum Src<'a> {
    Missing,
    Z(&'a ZSet),
    /// A set's members, sorted for lookups.
    S(Vec<Box<[u8]>>),
}

impl Src<'_> {
    fn len(&self) -> usize {
        match self {
            Src::Missing => 0,
            Src::Z(z) => z.len(),
            Src::S(v) => v.len(),
        }
    }

    fn for_each(&self, mut f: impl FnMut(&[u8], f64)) {
        match self {
            Src::Missing => {}
            Src::Z(z) => z.for_each(f),
            Src::S(v) => v.iter().for_each(|m| f(m, 1.0)),
        }
    }

    fn find(&self, m: &[u8]) -> Option<f64> {
        match self {
            Src::Missing => None,
            Src::Z(z) => z.score(m),
            Src::S(v) => v.binary_search_by(|x| (**x).cmp(m)).ok().map(|_| 1.0),
        }
    }
}

fn zunion(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, SetOp::Union, false, "zunion")
}

fn zinter(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, SetOp::Inter, false, "zinter")
}

fn zdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, SetOp::Diff, false, "zdiff")
}

fn zunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(1), SetOp::Union, false, "zunionstore")
}

fn zinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(1), SetOp::Inter, false, "zinterstore")
}

fn zdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(1), SetOp::Diff, false, "zdiffstore")
}

fn zintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, SetOp::Inter, true, "zintercard")
}

/// Redis's `zunionInterDiffGenericCommand`. `dst`: index of the destination key, if storing.
fn setop_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    dst: Option<usize>,
    op: SetOp,
    card_only: bool,
    name: &str,
) -> CmdResult {
    let numkeys_idx = if dst.is_some() { 2 } else { 1 };
    let setnum = parse_i64(&args[numkeys_idx]).ok_or(CmdError::NotInteger)?;
    if setnum < 1 {
        return Err(CmdError::msg(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    if setnum as u64 > (args.len() - numkeys_idx - 1) as u64 {
        return Err(CmdError::Syntax);
    }
    let setnum = setnum as usize;
    let first_key = numkeys_idx + 1;
    let lim = limits(ctx);
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    // Look every input up once (expiring it, type-checking it) before parsing options.
    for k in args.iter_from(first_key).take(setnum) {
        let e = if dst.is_some() {
            db.lookup_write(k, now)
        } else {
            db.lookup_read(k, now)
        };
        if let Some(e) = e
            && !matches!(e.value, Value::ZSet(_) | Value::Set(_))
        {
            return Err(CmdError::WrongType);
        }
    }
    let mut weights: Vec<f64> = vec![1.0; setnum];
    let mut agg = Aggregate::Sum;
    let mut withscores = false;
    let mut limit: u64 = 0;
    let mut j = first_key + setnum;
    while j < args.len() {
        let remaining = args.len() - j;
        let a = &args[j];
        if op != SetOp::Diff && !card_only && remaining > setnum && eq(a, b"weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_score(&args[j])
                    .ok_or(CmdError::msg("ERR weight value is not a float"))?;
                j += 1;
            }
        } else if op != SetOp::Diff && !card_only && remaining >= 2 && eq(a, b"aggregate") {
            let v = &args[j + 1];
            agg = if eq(v, b"sum") {
                Aggregate::Sum
            } else if eq(v, b"min") {
                Aggregate::Min
            } else if eq(v, b"max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !card_only && eq(a, b"withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && eq(a, b"limit") {
            match parse_i64(&args[j + 1]) {
                Some(l) if l >= 0 => limit = l as u64,
                Some(_) => return Err(CmdError::msg("ERR LIMIT can't be negative")),
                None => return Err(CmdError::msg("ERR LIMIT can't be negative")),
            }
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let db: &Db = db;
    let mut srcs: Vec<(Src<'_>, f64)> = args
        .iter_from(first_key)
        .take(setnum)
        .zip(weights.iter())
        .map(|(k, &w)| {
            let src = match db.entry_ref(k).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Src::Z(z),
                Some(Value::Set(s)) => {
                    let mut v: Vec<Box<[u8]>> = Vec::with_capacity(s.len());
                    s.for_each(|m| v.push(m.into()));
                    v.sort_unstable();
                    Src::S(v)
                }
                _ => Src::Missing,
            };
            (src, w)
        })
        .collect();
    if op != SetOp::Diff {
        // Smallest first, as Redis orders them (this fixes the order scores are combined in).
        srcs.sort_by_key(|(s, _)| s.len());
    }
    let mut result: Vec<(Box<[u8]>, f64)> = Vec::new();
    let mut cardinality: u64 = 0;
    match op {
        SetOp::Inter => {
            let (first, w0) = &srcs[0];
            if first.len() > 0 {
                let mut done = false;
                first.for_each(|m, s| {
                    if done {
                        return;
                    }
                    let mut score = w0 * s;
                    if score.is_nan() {
                        score = 0.0;
                    }
                    for (src, w) in &srcs[1..] {
                        match src.find(m) {
                            Some(v) => aggregate(&mut score, v * w, agg),
                            None => return,
                        }
                    }
                    if card_only {
                        cardinality += 1;
                        if limit != 0 && cardinality >= limit {
                            done = true;
                        }
                    } else {
                        result.push((m.into(), score));
                    }
                });
            }
        }
        SetOp::Union => {
            let mut acc: std::collections::HashMap<&[u8], f64> = std::collections::HashMap::new();
            let mut order: Vec<&[u8]> = Vec::new();
            for (src, w) in &srcs {
                match src {
                    Src::Missing => {}
                    Src::Z(z) => {
                        for (m, s) in z.iter(0, false) {
                            union_add(&mut acc, &mut order, m, s * w, agg);
                        }
                    }
                    Src::S(v) => {
                        for m in v {
                            union_add(&mut acc, &mut order, m, *w, agg);
                        }
                    }
                }
            }
            result = order
                .into_iter()
                .map(|m| (m.into(), acc.get(m).copied().unwrap_or(0.0)))
                .collect();
        }
        SetOp::Diff => {
            let (first, _) = &srcs[0];
            first.for_each(|m, s| {
                if srcs[1..].iter().all(|(o, _)| o.find(m).is_none()) {
                    result.push((m.into(), s));
                }
            });
        }
    }
    drop(srcs);
    if card_only {
        out.int(cardinality as i64);
        return Ok(());
    }
    if let Some(d) = dst {
        let key = &args[d];
        let (db, out) = ctx.db_out();
        if result.is_empty() {
            out.int(0);
            if db.remove(key).is_none() {
                ctx.unchanged();
            }
        } else {
            let n = result.len();
            db.set(key, Value::ZSet(Box::new(ZSet::from_vec(result, lim))));
            out.int(n as i64);
        }
        return Ok(());
    }
    result.sort_unstable_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    emit_header(out, result.len(), withscores);
    for (m, s) in &result {
        emit(out, m, *s, withscores);
    }
    Ok(())
}

fn union_add<'a>(
    acc: &mut std::collections::HashMap<&'a [u8], f64>,
    order: &mut Vec<&'a [u8]>,
    m: &'a [u8],
    score: f64,
    agg: Aggregate,
) {
    let score = if score.is_nan() { 0.0 } else { score };
    match acc.get_mut(m) {
        Some(t) => aggregate(t, score, agg),
        None => {
            acc.insert(m, score);
            order.push(m);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ZSCAN

/// ZSCAN key cursor [MATCH pattern] [COUNT count].
fn zscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cursor = crate::commands::keys::parse_cursor(&args[2])?;
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(z) = read_zset(db, &args[1], now)? else {
        crate::commands::keys::reply_scan(out, 0, &[]);
        return Ok(());
    };
    let opts = crate::commands::keys::parse_scan_opts(args, 3, false)?;
    let (count, pattern) = (opts.count as i64, opts.pattern);
    let mut found: Vec<(Vec<u8>, f64)> = Vec::new();
    let mut cur = cursor;
    if z.is_skiplist() {
        let mut iterations = count.saturating_mul(10);
        loop {
            cur = z.scan(cur, |m, s| found.push((m.to_vec(), s)));
            iterations -= 1;
            if cur == 0 || iterations <= 0 || found.len() as i64 >= count {
                break;
            }
        }
    } else {
        cur = z.scan(0, |m, s| found.push((m.to_vec(), s)));
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| crate::util::glob_match(p, m, false));
    }
    out.array(2);
    out.bulk(cur.to_string().as_bytes());
    out.array(found.len() * 2);
    let listpack = !z.is_skiplist();
    for (m, s) in &found {
        out.bulk(m);
        // A listpack holds a score as Redis's d2string wrote it: an integral value within
        // +-2^62 as an integer, anything else as %.17g; ZSCAN hands that text back.
        let limit = (1u64 << 62) as f64;
        if listpack && s.fract() == 0.0 && (-limit..=limit).contains(s) {
            out.bulk((*s as i64).to_string().as_bytes());
        } else {
            out.bulk(crate::util::fmt_double(*s).as_bytes());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Shared with SORT (added by the sort work).

/// C's `strtod` as [`strtod`] reads it, for other commands that parse numbers as Redis does.
pub(crate) fn c_strtod(s: &[u8]) -> (f64, usize, bool) {
    strtod(s)
}

// ---------------------------------------------------------------------------------------------
// Blocking pops (added by the txn work): the serving steps of BZPOPMIN/BZPOPMAX/BZMPOP, called
// by [`crate::blocking`] for one key at a time.

/// Pops the lowest (or highest) member of the sorted set at `key`, replying
/// `[key, member, score]`. False (nothing replied) when `key` is absent; WRONGTYPE when it is
/// not a sorted set.
pub fn bzpop_key(ctx: &mut Ctx<'_>, key: &[u8], max: bool) -> Result<bool, CmdError> {
    let now = ctx.now_ms;
    let (db, out) = ctx.db_out();
    let Some(z) = write_zset(db, key, now)? else {
        return Ok(false);
    };
    let len = z.len();
    if len == 0 {
        return Ok(false);
    }
    let from = if max { len - 1 } else { 0 };
    let Some((m, s)) = z.iter(from, max).next() else {
        return Ok(false);
    };
    out.array(3);
    out.bulk(key);
    out.bulk(m);
    out.double(s);
    z.remove_ranks(from, from);
    db.remove_if_empty(key);
    Ok(true)
}

/// ZMPOP's work on one key: pops up to `count` members, replying `[key, [[member, score]...]]`.
/// False (nothing replied) when `key` is absent; WRONGTYPE when it is not a sorted set.
pub fn bzmpop_key(ctx: &mut Ctx<'_>, key: &[u8], max: bool, count: i64) -> Result<bool, CmdError> {
    let now = ctx.now_ms;
    let (db, _) = ctx.db_out();
    if write_zset(db, key, now)?.is_none() {
        return Ok(false);
    }
    zpop_generic(ctx, &[key], max, true, Some(count), true, true)?;
    Ok(true)
}
