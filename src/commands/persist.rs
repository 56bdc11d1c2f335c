//! Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF, SHUTDOWN (the work itself is in
//! [`crate::persist`]).

use crate::command::{Command, Ctx, acl, flags};
use crate::error::{CmdError, CmdResult};
use crate::persist::{self, ShutdownFlags};
use crate::resp::Args;

pub static COMMANDS: [Command; 5] = [
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT | flags::NO_MULTI,
        acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
        group: "server",
        since: "1.0.0",
        summary: "Synchronously save the dataset to disk",
        complexity: "O(N) where N is the total number of keys in all databases",
        ..Command::new("save", 1, save)
    },
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT,
        acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
        group: "server",
        since: "1.0.0",
        summary: "Asynchronously save the dataset to disk",
        complexity: "O(1)",
        ..Command::new("bgsave", -1, bgsave)
    },
    Command {
        flags: flags::LOADING | flags::STALE | flags::FAST,
        acl: acl::ADMIN | acl::FAST | acl::DANGEROUS,
        tips: &["nondeterministic_output"],
        group: "server",
        since: "1.0.0",
        summary: "Get the UNIX time stamp of the last successful save to disk",
        complexity: "O(1)",
        ..Command::new("lastsave", 1, lastsave)
    },
    Command {
        flags: flags::ADMIN | flags::NOSCRIPT,
        acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
        group: "server",
        since: "1.0.0",
        summary: "Asynchronously rewrite the append-only file",
        complexity: "O(1)",
        ..Command::new("bgrewriteaof", 1, bgrewriteaof)
    },
    Command {
        flags: flags::ADMIN
            | flags::NOSCRIPT
            | flags::LOADING
            | flags::STALE
            | flags::NO_MULTI
            | flags::ALLOW_BUSY,
        acl: acl::ADMIN | acl::SLOW | acl::DANGEROUS,
        group: "server",
        since: "1.0.0",
        summary: "Synchronously save the dataset to disk and then shut down the server",
        complexity: "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        ..Command::new("shutdown", -1, shutdown)
    },
];

fn save(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if ctx.srv.persist.rdb_child() {
        return Err(CmdError::msg("ERR Background save already in progress"));
    }
    ctx.srv.persist.rdb_saves += 1;
    persist::save(ctx.srv).map_err(|_| CmdError::msg("ERR"))?;
    ctx.out.ok();
    Ok(())
}

fn bgsave(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let schedule = match args.len() {
        1 => false,
        2 if args[1].eq_ignore_ascii_case(b"schedule") => true,
        _ => return Err(CmdError::Syntax),
    };
    let p = &mut ctx.srv.persist;
    if p.rdb_child() {
        return Err(CmdError::msg("ERR Background save already in progress"));
    }
    if p.child.is_some() || ctx.srv.in_exec {
        if !schedule && !ctx.srv.in_exec {
            return Err(CmdError::msg(
                "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
            ));
        }
        p.bgsave_scheduled = true;
        ctx.out.simple("Background saving scheduled");
        return Ok(());
    }
    persist::bgsave(ctx.srv).map_err(|_| CmdError::msg("ERR"))?;
    ctx.out.simple("Background saving started");
    Ok(())
}

fn lastsave(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.persist.lastsave);
    Ok(())
}

fn bgrewriteaof(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let p = &mut ctx.srv.persist;
    if p.aof_child() {
        return Err(CmdError::msg(
            "ERR Background append only file rewriting already in progress",
        ));
    }
    if p.child.is_some() || ctx.srv.in_exec {
        p.aof_rewrite_scheduled = true;
        ctx.out
            .simple("Background append only file rewriting scheduled");
        return Ok(());
    }
    persist::aof::rewrite_background(ctx.srv).map_err(|_| {
        CmdError::msg("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
    })?;
    ctx.out
        .simple("Background append only file rewriting started");
    Ok(())
}

fn shutdown(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut f = ShutdownFlags::default();
    let (mut now, mut abort) = (false, false);
    for a in args.iter_from(1) {
        if a.eq_ignore_ascii_case(b"nosave") {
            f.nosave = true;
        } else if a.eq_ignore_ascii_case(b"save") {
            f.save = true;
        } else if a.eq_ignore_ascii_case(b"now") {
            now = true;
        } else if a.eq_ignore_ascii_case(b"force") {
            f.force = true;
        } else if a.eq_ignore_ascii_case(b"abort") {
            abort = true;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if (abort && (f.nosave || f.save || now || f.force)) || (f.nosave && f.save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        // Only a signal's shutdown can be pending (SHUTDOWN itself never waits here).
        if ctx.srv.shutdown_asap.take().is_none() {
            return Err(CmdError::msg("ERR No shutdown in progress."));
        }
        log::info!("Shutdown manually aborted.");
        ctx.out.ok();
        return Ok(());
    }
    persist::prepare_shutdown(ctx.srv, f)
        .map_err(|_| CmdError::msg("ERR Errors trying to SHUTDOWN. Check logs."))?;
    ctx.srv.shutdown = true;
    ctx.client.close_asap = true;
    Ok(())
}
