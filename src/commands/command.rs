//! COMMAND: the command table described to clients (COUNT, LIST, INFO, DOCS, GETKEYS, ...),
//! generated from the table entries themselves.

use crate::command::{BeginSearch, Command, Ctx, FindKeys, acl, flags, key_positions, ks};
use crate::error::{CmdError, CmdResult};
use crate::resp::{Args, Reply};

const INTROSPECT: u32 = flags::LOADING | flags::STALE;
const INTROSPECT_ACL: u32 = acl::SLOW | acl::CONNECTION;

pub static SUBCOMMANDS: [Command; 7] = [
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        group: "server",
        since: "2.8.13",
        summary: "Get total number of Redis commands",
        complexity: "O(1)",
        ..Command::new("command|count", 2, count)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "7.0.0",
        summary: "Get an array of Redis command names",
        complexity: "O(N) where N is the total number of Redis commands",
        ..Command::new("command|list", -2, list)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "2.8.13",
        summary: "Get array of specific Redis command details, or all when no argument is given.",
        complexity: "O(N) where N is the number of commands to look up",
        ..Command::new("command|info", -2, info)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        tips: &["nondeterministic_output_order"],
        group: "server",
        since: "7.0.0",
        summary: "Get array of specific Redis command documentation",
        complexity: "O(N) where N is the number of commands to look up",
        ..Command::new("command|docs", -2, docs)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        group: "server",
        since: "2.8.13",
        summary: "Extract keys given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        ..Command::new("command|getkeys", -4, getkeys)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        group: "server",
        since: "7.0.0",
        summary: "Extract keys and access flags given a full Redis command",
        complexity: "O(N) where N is the number of arguments to the command",
        ..Command::new("command|getkeysandflags", -4, getkeysandflags)
    },
    Command {
        flags: INTROSPECT,
        acl: INTROSPECT_ACL,
        group: "server",
        since: "5.0.0",
        summary: "Show helpful text about the different subcommands",
        complexity: "O(1)",
        ..Command::new("command|help", 2, help)
    },
];

pub static COMMANDS: [Command; 1] = [Command {
    flags: INTROSPECT,
    acl: INTROSPECT_ACL,
    tips: &["nondeterministic_output_order"],
    group: "server",
    since: "2.8.13",
    summary: "Get array of Redis command details",
    complexity: "O(N) where N is the total number of Redis commands",
    subcommands: &SUBCOMMANDS,
    ..Command::new("command", -1, all)
}];

const HELP: &[&str] = &[
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
];

fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::commands::client::reply_help(ctx, HELP);
    Ok(())
}

/// Names of the bits set in `bits`, from a names table (optionally prefixed with '@').
fn reply_flag_set(out: &mut Reply, bits: u32, names: &[&str], at: bool) {
    let set: Vec<&str> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect();
    out.set(set.len());
    for n in set {
        if at {
            out.simple(&format!("@{n}"));
        } else {
            out.simple(n);
        }
    }
}

fn reply_key_spec(out: &mut Reply, spec: &crate::command::KeySpec) {
    let has_notes = !spec.notes.is_empty();
    out.map(3 + has_notes as usize);
    if has_notes {
        out.bulk(b"notes");
        out.bulk(spec.notes.as_bytes());
    }
    out.bulk(b"flags");
    reply_flag_set(out, spec.flags, &ks::NAMES, false);
    out.bulk(b"begin_search");
    out.map(2);
    out.bulk(b"type");
    match spec.begin {
        BeginSearch::Index(i) => {
            out.bulk(b"index");
            out.bulk(b"spec");
            out.map(1);
            out.bulk(b"index");
            out.int(i as i64);
        }
        BeginSearch::Keyword { keyword, startfrom } => {
            out.bulk(b"keyword");
            out.bulk(b"spec");
            out.map(2);
            out.bulk(b"keyword");
            out.bulk(keyword.as_bytes());
            out.bulk(b"startfrom");
            out.int(startfrom as i64);
        }
        BeginSearch::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
    out.bulk(b"find_keys");
    out.map(2);
    out.bulk(b"type");
    match spec.find {
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        } => {
            out.bulk(b"range");
            out.bulk(b"spec");
            out.map(3);
            out.bulk(b"lastkey");
            out.int(lastkey as i64);
            out.bulk(b"keystep");
            out.int(keystep as i64);
            out.bulk(b"limit");
            out.int(limit as i64);
        }
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            out.bulk(b"keynum");
            out.bulk(b"spec");
            out.map(3);
            out.bulk(b"keynumidx");
            out.int(keynumidx as i64);
            out.bulk(b"firstkey");
            out.int(firstkey as i64);
            out.bulk(b"keystep");
            out.int(keystep as i64);
        }
        FindKeys::Unknown => {
            out.bulk(b"unknown");
            out.bulk(b"spec");
            out.map(0);
        }
    }
}

/// One COMMAND INFO entry (a 10-element array, as Redis 7.0).
fn reply_info(out: &mut Reply, cmd: &Command) {
    out.array(10);
    out.bulk(cmd.name.as_bytes());
    out.int(cmd.arity as i64);
    reply_flag_set(out, cmd.flags, &flags::NAMES, false);
    out.int(cmd.first_key as i64);
    out.int(cmd.last_key as i64);
    out.int(cmd.step as i64);
    reply_flag_set(out, cmd.acl, &acl::NAMES, true);
    out.set(cmd.tips.len());
    for t in cmd.tips {
        out.bulk(t.as_bytes());
    }
    out.set(cmd.key_specs.len());
    for s in cmd.key_specs {
        reply_key_spec(out, s);
    }
    out.set(cmd.subcommands.len());
    for s in cmd.subcommands {
        reply_info(out, s);
    }
}

/// One COMMAND DOCS entry's value (a map).
fn reply_docs(out: &mut Reply, cmd: &Command) {
    let subs = !cmd.subcommands.is_empty();
    let extra = crate::command::docs::lookup(cmd.name);
    // Redis omits the complexity of commands that have none (MONITOR).
    let complexity = !cmd.complexity.is_empty();
    out.map(3 + complexity as usize + subs as usize + extra.map_or(0, |d| d.field_count()));
    out.bulk(b"summary");
    out.bulk(cmd.summary.as_bytes());
    out.bulk(b"since");
    out.bulk(cmd.since.as_bytes());
    out.bulk(b"group");
    out.bulk(cmd.group.as_bytes());
    if complexity {
        out.bulk(b"complexity");
        out.bulk(cmd.complexity.as_bytes());
    }
    if let Some(d) = extra {
        d.reply_fields(out);
    }
    if subs {
        out.bulk(b"subcommands");
        out.map(cmd.subcommands.len());
        for s in cmd.subcommands {
            out.bulk(s.name.as_bytes());
            reply_docs(out, s);
        }
    }
}

/// Finds a command by name, including `container|sub` names.
fn find(ctx: &Ctx<'_>, name: &[u8]) -> Option<&'static Command> {
    match name.iter().position(|&c| c == b'|') {
        None => ctx.srv.commands.lookup(name),
        Some(p) => {
            let parent = ctx.srv.commands.lookup(&name[..p])?;
            crate::command::lookup_in(parent.subcommands, &name[p + 1..])
        }
    }
}

fn all(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let cmds: Vec<&Command> = ctx.srv.commands.iter().collect();
    ctx.out.array(cmds.len());
    for c in cmds {
        reply_info(ctx.out, c);
    }
    Ok(())
}

fn count(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.commands.len() as i64);
    Ok(())
}

fn list(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    enum Filter<'a> {
        All,
        Module,
        Acl(u32),
        Pattern(&'a [u8]),
    }
    let filter = match args.len() {
        2 => Filter::All,
        5 if args[2].eq_ignore_ascii_case(b"filterby") => {
            let (kind, val) = (&args[3], args.get(4));
            if kind.eq_ignore_ascii_case(b"module") {
                Filter::Module
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                match acl::NAMES
                    .iter()
                    .position(|n| n.as_bytes().eq_ignore_ascii_case(val))
                {
                    Some(i) => Filter::Acl(1 << i),
                    None => Filter::Module, // unknown category: nothing matches
                }
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Filter::Pattern(val)
            } else {
                return Err(CmdError::Syntax);
            }
        }
        _ => return Err(CmdError::Syntax),
    };
    let mut names: Vec<&str> = Vec::new();
    for c in ctx.srv.commands.iter() {
        for cmd in std::iter::once(c).chain(c.subcommands.iter()) {
            let keep = match &filter {
                Filter::All => true,
                Filter::Module => false,
                Filter::Acl(bit) => cmd.acl & bit != 0,
                Filter::Pattern(p) => crate::util::glob_match(p, cmd.name.as_bytes(), true),
            };
            if keep {
                names.push(cmd.name);
            }
        }
    }
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 2 {
        return all(ctx, args);
    }
    ctx.out.array(args.len() - 2);
    for name in args.iter_from(2) {
        match find(ctx, name) {
            Some(c) => reply_info(ctx.out, c),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

fn docs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cmds: Vec<&Command> = if args.len() == 2 {
        ctx.srv.commands.iter().collect()
    } else {
        args.iter_from(2).filter_map(|n| find(ctx, n)).collect()
    };
    ctx.out.map(cmds.len());
    for c in cmds {
        ctx.out.bulk(c.name.as_bytes());
        reply_docs(ctx.out, c);
    }
    Ok(())
}

/// Resolves the command named in GETKEYS' arguments and finds its keys.
fn keys_of(ctx: &Ctx<'_>, args: &Args<'_>) -> Result<Vec<(usize, u32)>, CmdError> {
    let mut cmd = ctx
        .srv
        .commands
        .lookup(&args[2])
        .ok_or_else(|| CmdError::msg("ERR Invalid command specified"))?;
    if !cmd.subcommands.is_empty()
        && args.len() > 3
        && let Some(s) = crate::command::lookup_in(cmd.subcommands, &args[3])
    {
        cmd = s;
    }
    if cmd.key_specs.is_empty() && cmd.get_keys.is_none() {
        return Err(CmdError::msg("ERR The command has no key arguments"));
    }
    if !cmd.arity_ok(args.len() - 2) {
        return Err(CmdError::msg(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    let inner = args.shifted(2);
    let keys = key_positions(cmd, &inner);
    if keys.is_empty() && cmd.flags & flags::NO_MANDATORY_KEYS == 0 {
        return Err(CmdError::msg("ERR Invalid arguments specified for command"));
    }
    Ok(keys.into_iter().map(|(i, f)| (i + 2, f)).collect())
}

fn getkeys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let keys = keys_of(ctx, args)?;
    ctx.out.array(keys.len());
    for (i, _) in keys {
        ctx.out.bulk(&args[i]);
    }
    Ok(())
}

fn getkeysandflags(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let keys = keys_of(ctx, args)?;
    ctx.out.array(keys.len());
    for (i, f) in keys {
        ctx.out.array(2);
        ctx.out.bulk(&args[i]);
        reply_flag_set(ctx.out, f, &ks::NAMES, false);
    }
    Ok(())
}
