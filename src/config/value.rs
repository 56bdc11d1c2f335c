//! Validation of one directive's arguments by its [`Kind`], giving the value in the form
//! CONFIG GET shows, with Redis 7.0's error texts; and the line CONFIG REWRITE writes.

use super::args::{memtoull, repr, string2ll, strtoll_all};
use super::table::{Chk, Kind, Num, Sp, Spec};

/// Client classes of `client-output-buffer-limit`, in CONFIG GET order.
pub const COB_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Checks `args` (at least one) for `spec`; `current` is the value now (for directives that
/// change part of it). Returns the new value as CONFIG GET shows it.
pub fn parse(spec: &Spec, args: &[String], current: &str) -> Result<String, String> {
    // Names (yes/no, enum values, flags) are compared as C strings, as Redis's strcasecmp:
    // up to a NUL.
    let raw = args.first().map(String::as_str).unwrap_or("");
    let one = cstr(raw);
    match spec.kind {
        Kind::Bool => {
            if one.eq_ignore_ascii_case("yes") {
                if spec.name == "activedefrag" {
                    // Redis built without its jemalloc (as here) refuses it; so does ferrokv.
                    return Err("Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution".into());
                }
                Ok("yes".into())
            } else if one.eq_ignore_ascii_case("no") {
                Ok("no".into())
            } else {
                Err("argument must be 'yes' or 'no'".into())
            }
        }
        // `relative` is `yes` under another name: CONFIG GET shows the first name, as Redis.
        Kind::Enum(names)
            if spec.name == "oom-score-adj" && one.eq_ignore_ascii_case("relative") =>
        {
            Ok(names[1].to_string())
        }
        Kind::Enum(names) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(one))
            .map(|n| n.to_string())
            .ok_or_else(|| {
                format!(
                    "argument(s) must be one of the following: {}",
                    names.join(", ")
                )
            }),
        Kind::Int { min, max, num } => parse_int(spec.name, raw, min, max, num),
        Kind::Str(chk) => check_str(spec.name, raw, chk).map(|_| raw.to_string()),
        Kind::Special(sp) => parse_special(sp, args, current),
    }
}

fn parse_int(name: &str, s: &str, min: i128, max: i128, num: Num) -> Result<String, String> {
    let mut pct = false;
    let v: i128 = if let Some(m) = (num != Num::Plain).then(|| memtoull(s)).flatten() {
        if max == u64::MAX as i128 {
            m as i128
        } else {
            m as i64 as i128
        }
    } else if let Some(p) = (num == Num::MemPct && s.len() > 1 && s.ends_with('%'))
        .then(|| string2ll(&s[..s.len() - 1]))
        .flatten()
        .filter(|&p| p >= 0)
    {
        pct = true;
        -(p as i128)
    } else if let Some(v) = (num == Num::Plain).then(|| string2ll(s)).flatten() {
        v as i128
    } else {
        return Err(match num {
            Num::MemPct => "argument must be a memory or percent value",
            Num::Mem => "argument must be a memory value",
            Num::Plain => "argument couldn't be parsed into an integer",
        }
        .into());
    };
    if pct {
        if v < min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                -min
            ));
        }
        return Ok(format!("{}%", -v));
    }
    // Unsigned C types see a negative value as huge (bounds here never exceed i64::MAX
    // except for u64-wide ones).
    let out_of_range = if min >= 0 && v < 0 {
        max != u64::MAX as i128
    } else {
        v < min || v > max
    };
    if out_of_range {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    let v = if name == "hz" { v.clamp(1, 500) } else { v };
    Ok(v.to_string())
}

fn check_str(name: &str, s: &str, chk: Chk) -> Result<(), String> {
    let err = |m: &str| Err(m.to_string());
    match chk {
        Chk::None => Ok(()),
        Chk::DirName | Chk::FileName => {
            let what = if chk == Chk::DirName {
                "dirname"
            } else {
                "filename"
            };
            if s.is_empty() {
                err(&format!("{name} can't be empty"))
            } else if s.contains('/') {
                err(&format!("{name} can't be a path, just a {what}"))
            } else {
                Ok(())
            }
        }
        Chk::DbFileName if s.contains('/') => err("dbfilename can't be a path, just a filename"),
        Chk::DbFileName => Ok(()),
        Chk::Hostname => {
            if s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            {
                Ok(())
            } else {
                err("Hostnames may only contain alphanumeric characters, hyphens or dots")
            }
        }
        Chk::ProcTitle => {
            if proc_title_ok(s) {
                Ok(())
            } else {
                err("template format is invalid or contains unknown variables")
            }
        }
    }
}

/// A `proc-title-template` must use only known `{variables}` and not expand to blank text
/// (`{title}` and `{server-mode}` are empty when checked).
fn proc_title_ok(s: &str) -> bool {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return false;
        }
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            return false;
        };
        match &rest[open + 1..open + close] {
            "title" | "server-mode" | "unixsocket" | "config-file" => {}
            "listen-addr" | "port" | "tls-port" => out.push('x'),
            _ => return false,
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    !out.trim().is_empty()
}

/// `s` up to its first NUL.
fn cstr(s: &str) -> &str {
    s.split('\0').next().unwrap_or("")
}

/// The flags of `shutdown-on-sig*` in Redis's order, with their bits.
const SHUTDOWN_FLAGS: [(&str, u8); 5] = [
    ("default", 0),
    ("save", 1),
    ("nosave", 2),
    ("now", 4),
    ("force", 8),
];

/// Any of `default save nosave now force`, combined; shown in that order (`default` alone
/// when none is set).
fn shutdown_flags(args: &[String]) -> Result<String, String> {
    const ERR: &str = "argument(s) must be one of the following: default, save, nosave, now, force";
    if args.is_empty() {
        return Err(ERR.into());
    }
    let mut bits = 0;
    for a in args {
        let (_, b) = SHUTDOWN_FLAGS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(a))
            .ok_or(ERR)?;
        bits |= b;
    }
    if bits & 3 == 3 {
        return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
    }
    if bits == 0 {
        return Ok("default".into());
    }
    let names: Vec<&str> = SHUTDOWN_FLAGS
        .iter()
        .filter(|(_, b)| bits & b != 0)
        .map(|(n, _)| *n)
        .collect();
    Ok(names.join(" "))
}

fn parse_special(sp: Sp, args: &[String], current: &str) -> Result<String, String> {
    let empty_list = args.len() == 1 && args[0].is_empty();
    match sp {
        Sp::Save => {
            let err = || "Invalid save parameters".to_string();
            if empty_list {
                return Ok(String::new());
            }
            if args.len() % 2 == 1 {
                return Err(err());
            }
            let mut vals = Vec::with_capacity(args.len());
            for (j, a) in args.iter().enumerate() {
                let v = strtoll_all(a).ok_or_else(err)?;
                if (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0) {
                    return Err(err());
                }
                vals.push(if j % 2 == 1 { v as i32 as i64 } else { v });
            }
            Ok(join(vals))
        }
        Sp::Bind => {
            if args.len() > 16 {
                return Err("Too many bind addresses specified.".into());
            }
            if empty_list {
                return Ok(String::new());
            }
            Ok(args.join(" "))
        }
        Sp::ClientOutputBufferLimit => {
            if !args.len().is_multiple_of(4) {
                return Err("Wrong number of arguments in buffer limit configuration.".into());
            }
            let mut cur: Vec<[u64; 3]> = cob_parse(current);
            for g in args.chunks(4) {
                let class = match g[0].to_ascii_lowercase().as_str() {
                    "normal" => 0,
                    "slave" | "replica" => 1,
                    "pubsub" => 2,
                    _ => {
                        return Err(
                            "Invalid client class specified in buffer limit configuration.".into(),
                        );
                    }
                };
                let bad = || {
                    "Error in hard, soft or soft_seconds setting in buffer limit configuration."
                        .to_string()
                };
                let hard = memtoull(&g[1]).ok_or_else(bad)?;
                let soft = memtoull(&g[2]).ok_or_else(bad)?;
                let secs = strtoll_all(&g[3]).filter(|&s| s >= 0).ok_or_else(bad)?;
                cur[class] = [hard, soft, secs as u64];
            }
            Ok(cob_format(&cur))
        }
        Sp::OomScoreAdjValues => {
            if args.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            let mut vals = Vec::new();
            for a in args {
                match strtoll_all(a) {
                    Some(v) if a.is_empty() || (-2000..=2000).contains(&v) => vals.push(v),
                    _ => {
                        return Err("Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into());
                    }
                }
            }
            Ok(join(vals))
        }
        Sp::Percentiles => {
            if empty_list {
                return Ok(String::new());
            }
            let mut out = Vec::new();
            for a in args {
                let v = crate::util::parse_f64(a.as_bytes())
                    .filter(|v| !v.is_nan())
                    .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
                if !(0.0..=100.0).contains(&v) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
                let s = format!("{v:.6}");
                out.push(s.trim_end_matches('0').trim_end_matches('.').to_string());
            }
            Ok(out.join(" "))
        }
        Sp::Replicaof => {
            if args.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            if args[0].eq_ignore_ascii_case("no") && args[1].eq_ignore_ascii_case("one") {
                return Ok(String::new());
            }
            match strtoll_all(&args[1]) {
                Some(p) if (0..=65535).contains(&p) => Ok(format!("{} {}", args[0], p)),
                _ => Err("Invalid master port".into()),
            }
        }
        Sp::NotifyKeyspaceEvents => notify_flags(&args[0]),
        Sp::ShutdownOnSig => {
            let names: Vec<String> = args.iter().map(|a| cstr(a).to_string()).collect();
            shutdown_flags(&names)
        }
        Sp::Dir => {
            std::env::set_current_dir(&args[0]).map_err(|e| super::args::strerror(&e))?;
            Ok(current_dir())
        }
        Sp::Octal => {
            let s = &args[0];
            let (neg, d) = match s.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, s.as_str()),
            };
            let v = i64::from_str_radix(d, 8)
                .ok()
                .filter(|_| !d.is_empty() && d.bytes().all(|c| (b'0'..=b'7').contains(&c)))
                .ok_or("argument couldn't be parsed as an octal number")?;
            if neg || v > 0o777 {
                return Err("argument must be between 0 and 777 inclusive".into());
            }
            Ok(format!("{v:o}"))
        }
    }
}

fn join(v: Vec<i64>) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The working directory, as CONFIG GET dir shows it.
pub fn current_dir() -> String {
    std::env::current_dir()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// `normal 0 0 0 slave ... pubsub ...` into the three (hard, soft, seconds) limits.
pub fn cob_parse(s: &str) -> Vec<[u64; 3]> {
    let w: Vec<u64> = s
        .split(' ')
        .filter(|t| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()))
        .map(|t| t.parse().unwrap_or(0))
        .collect();
    (0..3)
        .map(|i| {
            let g = |j: usize| w.get(i * 3 + j).copied().unwrap_or(0);
            [g(0), g(1), g(2)]
        })
        .collect()
}

fn cob_format(c: &[[u64; 3]]) -> String {
    COB_CLASSES
        .iter()
        .zip(c)
        .map(|(n, l)| format!("{n} {} {} {}", l[0], l[1], l[2]))
        .collect::<Vec<_>>()
        .join(" ")
}

const NOTIFY: &[(u8, u32)] = &[
    (b'g', 1 << 2),
    (b'$', 1 << 3),
    (b'l', 1 << 4),
    (b's', 1 << 5),
    (b'h', 1 << 6),
    (b'z', 1 << 7),
    (b'x', 1 << 8),
    (b'e', 1 << 9),
    (b't', 1 << 10),
    (b'd', 1 << 13),
    (b'n', 1 << 14),
];
const NOTIFY_ALL: u32 = (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 6)
    | (1 << 7)
    | (1 << 8)
    | (1 << 9)
    | (1 << 10)
    | (1 << 13);

/// The flag bits of a `notify-keyspace-events` value (already validated).
pub fn notify_bits(s: &str) -> u32 {
    let mut f = 0;
    for c in s.bytes() {
        f |= match c {
            b'A' => NOTIFY_ALL,
            b'K' => 1,
            b'E' => 2,
            b'm' => 1 << 12,
            _ => NOTIFY.iter().find(|(k, _)| *k == c).map_or(0, |(_, b)| *b),
        };
    }
    f
}

fn notify_flags(s: &str) -> Result<String, String> {
    for c in s.bytes() {
        if !b"AKEmg$lshzxetdn".contains(&c) {
            return Err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".into());
        }
    }
    let f = notify_bits(s);
    let mut o = String::new();
    if f & NOTIFY_ALL == NOTIFY_ALL {
        o.push('A');
    } else {
        for &(c, b) in NOTIFY {
            if f & b != 0 {
                o.push(c as char);
            }
        }
    }
    for (c, b) in [('K', 1), ('E', 2), ('m', 1 << 12)] {
        if f & b != 0 {
            o.push(c);
        }
    }
    Ok(o)
}

/// `1gb`/`2mb`/`3kb` when exact, like Redis's `rewriteConfigFormatMemory`.
fn fmt_memory(v: i128) -> String {
    const KB: i128 = 1024;
    if v != 0 && v % (KB * KB * KB) == 0 {
        format!("{}gb", v / (KB * KB * KB))
    } else if v != 0 && v % (KB * KB) == 0 {
        format!("{}mb", v / (KB * KB))
    } else if v != 0 && v % KB == 0 {
        format!("{}kb", v / KB)
    } else {
        v.to_string()
    }
}

/// The lines CONFIG REWRITE writes for a directive holding `value`, each with whether it must
/// be written even where the file does not have the directive (it differs from the default).
/// Empty: the directive's lines are removed.
pub fn rewrite_lines(spec: &Spec, value: &str, default: &str) -> Vec<(String, bool)> {
    let name = spec.name;
    let force = value != default || spec.flags & super::table::FORCE_REWRITE != 0;
    let line = match spec.kind {
        Kind::Bool | Kind::Enum(_) => format!("{name} {value}"),
        Kind::Int { num, .. } => match (num, value.parse::<i128>()) {
            (Num::Mem | Num::MemPct, Ok(v)) => format!("{name} {}", fmt_memory(v)),
            _ => format!("{name} {value}"),
        },
        Kind::Str(_) => {
            if value.is_empty() && spec.flags & super::table::NULLABLE != 0 {
                return Vec::new();
            }
            format!("{name} {}", repr(value.as_bytes()))
        }
        Kind::Special(sp) => match sp {
            Sp::Save if value.is_empty() => return vec![("save \"\"".into(), true)],
            Sp::Save => {
                let w: Vec<&str> = value.split(' ').collect();
                return w
                    .chunks(2)
                    .map(|p| (format!("save {} {}", p[0], p.get(1).unwrap_or(&"0")), true))
                    .collect();
            }
            Sp::ClientOutputBufferLimit => {
                let (c, d) = (cob_parse(value), cob_parse(default));
                return (0..3)
                    .map(|i| {
                        let l = format!(
                            "{name} {} {} {} {}",
                            COB_CLASSES[i],
                            fmt_memory(c[i][0] as i128),
                            fmt_memory(c[i][1] as i128),
                            c[i][2]
                        );
                        (l, c[i] != d[i])
                    })
                    .collect();
            }
            Sp::Dir => return vec![(format!("dir {}", repr(value.as_bytes())), true)],
            Sp::NotifyKeyspaceEvents => format!("{name} {}", repr(value.as_bytes())),
            Sp::Bind if !force => return Vec::new(),
            Sp::Bind | Sp::Percentiles if value.is_empty() => format!("{name} \"\""),
            Sp::Replicaof if value.is_empty() => return Vec::new(),
            _ => format!("{name} {value}"),
        },
    };
    vec![(line, force)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::table::{TABLE, lookup};

    fn set(name: &str, args: &[&str]) -> Result<String, String> {
        let (i, _) = lookup(name).unwrap();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&TABLE[i], &args, TABLE[i].default)
    }

    #[test]
    fn values_as_config_get_shows_them() {
        assert_eq!(set("maxmemory", &["1gb"]).unwrap(), "1073741824");
        assert_eq!(set("maxmemory-clients", &["10%"]).unwrap(), "10%");
        assert_eq!(set("hz", &["1000"]).unwrap(), "500");
        assert_eq!(set("appendonly", &["YES"]).unwrap(), "yes");
        assert_eq!(
            set("maxmemory-policy", &["ALLKEYS-LRU"]).unwrap(),
            "allkeys-lru"
        );
        assert_eq!(
            set("notify-keyspace-events", &["KExgmn"]).unwrap(),
            "gxnKEm"
        );
        assert_eq!(set("notify-keyspace-events", &["An"]).unwrap(), "A");
        assert_eq!(set("unixsocketperm", &["0755"]).unwrap(), "755");
        assert_eq!(
            set(
                "client-output-buffer-limit",
                &["replica", "1mb", "2kb", "3"]
            )
            .unwrap(),
            "normal 0 0 0 slave 1048576 2048 3 pubsub 33554432 8388608 60"
        );
        assert_eq!(set("save", &[""]).unwrap(), "");
        assert_eq!(
            set("latency-tracking-info-percentiles", &["50.0", "12.3456789"]).unwrap(),
            "50 12.345679"
        );
    }

    #[test]
    fn errors_as_redis_words_them() {
        assert_eq!(
            set("port", &["abc"]).unwrap_err(),
            "argument couldn't be parsed into an integer"
        );
        assert_eq!(
            set("maxclients", &["0"]).unwrap_err(),
            "argument must be between 1 and 4294967295 inclusive"
        );
        assert_eq!(
            set("maxmemory", &["-1"]).unwrap_err(),
            "argument must be a memory value"
        );
        assert_eq!(
            set("maxmemory-clients", &["101%"]).unwrap_err(),
            "percentage argument must be less or equal to 100"
        );
        assert_eq!(
            set("client-query-buffer-limit", &["18446744073709551615"]).unwrap_err(),
            "argument must be between 1048576 and 9223372036854775807 inclusive"
        );
        assert_eq!(
            set("save", &["1", "2", "3"]).unwrap_err(),
            "Invalid save parameters"
        );
        assert_eq!(
            set("proc-title-template", &["{title}"]).unwrap_err(),
            "template format is invalid or contains unknown variables"
        );
        assert!(set("proc-title-template", &["a{title}b"]).is_ok());
    }

    #[test]
    fn rewrite_forms() {
        let (i, _) = lookup("maxmemory").unwrap();
        assert_eq!(
            rewrite_lines(&TABLE[i], "3145728", "0"),
            vec![("maxmemory 3mb".to_string(), true)]
        );
        let (i, _) = lookup("masterauth").unwrap();
        assert_eq!(
            rewrite_lines(&TABLE[i], "a b\"c", ""),
            vec![("masterauth \"a b\\\"c\"".to_string(), true)]
        );
        assert!(rewrite_lines(&TABLE[i], "", "").is_empty());
        let (i, _) = lookup("save").unwrap();
        assert_eq!(
            rewrite_lines(&TABLE[i], "", "3600 1"),
            vec![("save \"\"".to_string(), true)]
        );
    }
}
