//! Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO.

use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::resp::Args;
use crate::util::parse_i64;

const CONN: u32 = acl::CONNECTION;

pub static COMMANDS: [Command; 6] = [
    Command {
        flags: flags::FAST,
        acl: acl::FAST | CONN,
        tips: &["request_policy:all_shards", "response_policy:all_succeeded"],
        group: "connection",
        since: "1.0.0",
        summary: "Ping the server",
        complexity: "O(1)",
        ..Command::new("ping", -1, ping)
    },
    Command {
        flags: flags::FAST,
        acl: acl::FAST | CONN,
        group: "connection",
        since: "1.0.0",
        summary: "Echo the given string",
        complexity: "O(1)",
        ..Command::new("echo", 2, echo)
    },
    Command {
        flags: flags::ALLOW_BUSY
            | flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH,
        acl: acl::FAST | CONN,
        group: "connection",
        since: "1.0.0",
        summary: "Close the connection",
        complexity: "O(1)",
        ..Command::new("quit", -1, quit)
    },
    Command {
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::FAST | CONN,
        group: "connection",
        since: "1.0.0",
        summary: "Change the selected database for the current connection",
        complexity: "O(1)",
        ..Command::new("select", 2, select)
    },
    Command {
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        acl: acl::FAST | CONN,
        group: "connection",
        since: "1.0.0",
        summary: "Authenticate to the server",
        complexity: "O(N) where N is the number of passwords defined for the user",
        ..Command::new("auth", -2, auth)
    },
    Command {
        flags: flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::FAST
            | flags::NO_AUTH
            | flags::ALLOW_BUSY,
        acl: acl::FAST | CONN,
        group: "connection",
        since: "6.0.0",
        summary: "Handshake with Redis",
        complexity: "O(1)",
        ..Command::new("hello", -1, hello)
    },
];

fn ping(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match args.len() {
        1 => ctx.out.simple("PONG"),
        2 => ctx.out.bulk(&args[1]),
        _ => {
            return Err(CmdError::msg(
                "ERR wrong number of arguments for 'ping' command",
            ));
        }
    }
    Ok(())
}

fn echo(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ctx.out.bulk(&args[1]);
    Ok(())
}

fn quit(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}

fn select(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let idx = parse_i64(&args[1]).ok_or(CmdError::NotInteger)?;
    if i32::try_from(idx).is_err() {
        return Err(CmdError::msg(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    if idx < 0 || idx as usize >= ctx.srv.dbs.len() {
        return Err(CmdError::msg("ERR DB index is out of range"));
    }
    ctx.client.db = idx as usize;
    ctx.out.ok();
    Ok(())
}

/// Checks a username/password pair against `requirepass` (only the `default` user exists).
fn check_password(ctx: &mut Ctx<'_>, user: &[u8], pass: &[u8]) -> CmdResult {
    let ok = user == b"default"
        && match &ctx.srv.config.requirepass {
            Some(p) => p[..] == *pass,
            None => true,
        };
    if ok {
        ctx.client.authenticated = true;
        Ok(())
    } else {
        Err(CmdError::msg(
            "WRONGPASS invalid username-password pair or user is disabled.",
        ))
    }
}

fn auth(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    if args.len() == 2 && ctx.srv.config.requirepass.is_none() {
        return Err(CmdError::msg(
            "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        ));
    }
    let (user, pass) = if args.len() == 3 {
        (args.get(1), args.get(2))
    } else {
        (&b"default"[..], args.get(1))
    };
    check_password(ctx, user, pass)?;
    ctx.out.ok();
    Ok(())
}

fn hello(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut ver = None;
    let mut i = 1;
    if args.len() >= 2 {
        let v = parse_i64(&args[1]).ok_or_else(|| {
            CmdError::msg("ERR Protocol version is not an integer or out of range")
        })?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::msg("NOPROTO unsupported protocol version"));
        }
        ver = Some(v as u8);
        i = 2;
    }
    let mut auth: Option<(&[u8], &[u8])> = None;
    let mut setname: Option<&[u8]> = None;
    while i < args.len() {
        let opt = &args[i];
        let left = args.len() - i - 1;
        if opt.eq_ignore_ascii_case(b"auth") && left >= 2 {
            auth = Some((args.get(i + 1), args.get(i + 2)));
            i += 3;
        } else if opt.eq_ignore_ascii_case(b"setname") && left >= 1 {
            setname = Some(args.get(i + 1));
            i += 2;
        } else {
            let mut e = b"ERR Syntax error in HELLO option '".to_vec();
            e.extend_from_slice(opt);
            e.push(b'\'');
            return Err(CmdError::Bytes(e));
        }
    }
    if let Some((u, p)) = auth {
        check_password(ctx, u, p)?;
    }
    if !ctx.client.authenticated && ctx.srv.config.requirepass.is_some() {
        return Err(CmdError::msg(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
        ));
    }
    if let Some(name) = setname {
        crate::commands::server::validate_client_name(name)?;
        ctx.client.name = (!name.is_empty()).then(|| name.to_vec());
    }
    if let Some(v) = ver {
        ctx.client.resp = v;
        ctx.out.resp3 = v == 3;
    }
    let out = &mut *ctx.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(ctx.client.resp as i64);
    out.bulk(b"id");
    out.int(ctx.client.id as i64);
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}
