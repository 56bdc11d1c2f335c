//! The parts of `COMMAND DOCS` the command table does not carry: doc flags, deprecation,
//! history and argument trees, recorded from Redis 7.0 by `scripts/gen-command-docs` into
//! `docs.data` (embedded, parsed once on first use).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::resp::Reply;

/// Documentation extras of one command.
#[derive(Default)]
pub struct Doc {
    flags: Vec<String>,
    deprecated_since: Option<String>,
    replaced_by: Option<String>,
    history: Vec<(String, String)>,
    args: Vec<Arg>,
}

/// One argument: its fields in Redis's reply order, and nested arguments (oneof/block).
struct Arg {
    fields: Vec<(String, String)>,
    children: Vec<Arg>,
}

const DATA: &str = include_str!("docs.data");

/// The recorded extras of the command named `name` (`parent|sub` for subcommands).
pub fn lookup(name: &str) -> Option<&'static Doc> {
    static DOCS: OnceLock<HashMap<String, Doc>> = OnceLock::new();
    DOCS.get_or_init(|| parse(DATA)).get(name)
}

fn decode(s: &str) -> String {
    s.replace("%20", " ")
        .replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%25", "%")
}

fn parse(data: &str) -> HashMap<String, Doc> {
    let mut docs: HashMap<String, Doc> = HashMap::new();
    let mut cur: Option<(String, Doc)> = None;
    for line in data.lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        if tag == "=" {
            if let Some((n, d)) = cur.take() {
                docs.insert(n, d);
            }
            cur = Some((rest.to_string(), Doc::default()));
            continue;
        }
        let Some((_, doc)) = cur.as_mut() else {
            continue;
        };
        match tag {
            "f" => doc.flags.push(decode(rest)),
            "d" => doc.deprecated_since = Some(decode(rest)),
            "r" => doc.replaced_by = Some(decode(rest)),
            "h" => {
                let (v, text) = rest.split_once(' ').unwrap_or((rest, ""));
                doc.history.push((decode(v), decode(text)));
            }
            "a" => {
                let mut words = rest.split(' ');
                let depth: usize = words.next().and_then(|d| d.parse().ok()).unwrap_or(0);
                let fields = words
                    .filter_map(|w| w.split_once('='))
                    .map(|(k, v)| (k.to_string(), decode(v)))
                    .collect();
                push_at(
                    &mut doc.args,
                    depth,
                    Arg {
                        fields,
                        children: Vec::new(),
                    },
                );
            }
            _ => {}
        }
    }
    if let Some((n, d)) = cur {
        docs.insert(n, d);
    }
    docs
}

/// Appends `arg` under the last argument `depth` levels down.
fn push_at(list: &mut Vec<Arg>, depth: usize, arg: Arg) {
    match list.last_mut() {
        Some(parent) if depth > 0 => push_at(&mut parent.children, depth - 1, arg),
        _ => list.push(arg),
    }
}

impl Doc {
    /// How many map entries [`Doc::reply_fields`] writes.
    pub fn field_count(&self) -> usize {
        !self.flags.is_empty() as usize
            + self.deprecated_since.is_some() as usize
            + self.replaced_by.is_some() as usize
            + !self.history.is_empty() as usize
            + !self.args.is_empty() as usize
    }

    /// Writes the entries in Redis's order (after summary, since, group and complexity).
    pub fn reply_fields(&self, out: &mut Reply) {
        if !self.flags.is_empty() {
            out.bulk(b"doc_flags");
            out.set(self.flags.len());
            for f in &self.flags {
                out.simple(f);
            }
        }
        if let Some(v) = &self.deprecated_since {
            out.bulk(b"deprecated_since");
            out.bulk(v.as_bytes());
        }
        if let Some(v) = &self.replaced_by {
            out.bulk(b"replaced_by");
            out.bulk(v.as_bytes());
        }
        if !self.history.is_empty() {
            out.bulk(b"history");
            out.set(self.history.len());
            for (v, text) in &self.history {
                out.array(2);
                out.bulk(v.as_bytes());
                out.bulk(text.as_bytes());
            }
        }
        if !self.args.is_empty() {
            out.bulk(b"arguments");
            reply_args(out, &self.args);
        }
    }
}

fn reply_args(out: &mut Reply, args: &[Arg]) {
    out.array(args.len());
    for a in args {
        let nested = a
            .fields
            .iter()
            .any(|(k, v)| k == "type" && (v == "oneof" || v == "block"));
        out.map(a.fields.len() + nested as usize);
        for (k, v) in &a.fields {
            out.bulk(k.as_bytes());
            match k.as_str() {
                "key_spec_index" => out.int(v.parse().unwrap_or(0)),
                "flags" => {
                    let flags: Vec<&str> = v.split(',').collect();
                    out.set(flags.len());
                    for f in flags {
                        out.simple(f);
                    }
                }
                _ => out.bulk(v.as_bytes()),
            }
        }
        if nested {
            out.bulk(b"arguments");
            reply_args(out, &a.children);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_has_nested_arguments() {
        let d = lookup("set").expect("set documented");
        assert_eq!(d.history.len(), 4);
        assert_eq!(d.args.len(), 5);
        assert_eq!(d.args[2].children.len(), 2);
        assert_eq!(d.args[4].children.len(), 5);
        assert!(lookup("config|get").is_some());
    }
}
