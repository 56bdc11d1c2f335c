//! Loading the configuration like Redis 7.0: the command line turned into config text
//! (`main`), files, includes and stdin read (`loadServerConfig`), and each line applied
//! (`loadServerConfigFromString`), with Redis's fatal error texts; plus the start-up checks.

use std::io::Read;
use std::path::PathBuf;

use super::table::{self, ACTED, Kind, MULTI_ARG, Sp, TABLE};
use super::{Config, REDIS_VERSION, args, commands, limits, value};

/// The fatal error Redis prints for a bad config line (without the final newline).
fn fatal_line(line_no: usize, line: &[u8], err: &str) -> String {
    format!(
        "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\nReading the configuration file, at line {line_no}\n>>> '{}'\n{err}",
        String::from_utf8_lossy(line)
    )
}

/// Prints a log line the way Redis does before logging is set up, then exits with status 1.
fn log_fatal(msg: &str) -> ! {
    log_early(msg);
    std::process::exit(1);
}

/// A warning log line to stdout (`pid:C date # msg`), before the logger exists.
fn log_early(msg: &str) {
    println!(
        "{}:C {} # {msg}",
        std::process::id(),
        crate::logging::timestamp(crate::util::now_ms())
    );
}

fn trim(mut s: &[u8]) -> &[u8] {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    while s.first().is_some_and(ws) {
        s = &s[1..];
    }
    while s.last().is_some_and(ws) {
        s = &s[..s.len() - 1];
    }
    s
}

/// Reads a config file (or, with `*?[` in the name, every file matching it), exiting like
/// Redis when one cannot be opened.
fn read_config_files(path: &str) -> Vec<u8> {
    let read = |p: &str| match std::fs::read(p) {
        Ok(b) => b,
        Err(e) => log_fatal(&format!(
            "Fatal error, can't open config file '{p}': {}",
            args::strerror(&e)
        )),
    };
    if !path.contains(['*', '?', '[']) {
        return read(path);
    }
    let (dir, pat) = match path.rfind('/') {
        Some(i) => (&path[..i + 1], &path[i + 1..]),
        None => ("", path),
    };
    let mut names: Vec<String> = std::fs::read_dir(if dir.is_empty() { "." } else { dir })
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    (!n.starts_with('.') || pat.starts_with('.'))
                        && crate::util::glob_match(pat.as_bytes(), n.as_bytes(), false)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        out.extend_from_slice(&read(&format!("{dir}{n}")));
    }
    out
}

/// Turns `--name value ...` command-line options into config text, as Redis's `main` does.
/// Returns the text and whether `-` asked for the config on stdin.
fn options_text(argv: &[String], start: usize) -> (String, bool) {
    let mut options = String::new();
    let mut stdin = false;
    let mut handled_last = true;
    let last = argv.len().saturating_sub(1);
    for (j, a) in argv.iter().enumerate().skip(start) {
        // `-` as the very first or last argument: read the config from stdin.
        if a == "-" && (j == 0 || j == last) {
            stdin = true;
        } else if handled_last && a.starts_with("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(&a[2..]);
            options.push(' ');
            let words = args::split_args(a.as_bytes()).map_or(0, |w| w.len());
            if words == 1 {
                handled_last = false;
                let next_is_opt = j != last && argv[j + 1].starts_with("--");
                let save = a.eq_ignore_ascii_case("--save");
                if save && (next_is_opt || j == last) {
                    options.push_str("\"\"");
                    handled_last = true;
                } else if a.eq_ignore_ascii_case("--sentinel") && next_is_opt {
                    handled_last = true;
                }
            } else {
                handled_last = true;
            }
        } else {
            options.push_str(&args::repr(a.as_bytes()));
            options.push(' ');
            handled_last = true;
        }
    }
    (options, stdin)
}

impl Config {
    /// Builds the configuration from `redis-server`-style arguments:
    /// `[config-file] [--directive value ...] [-]`. Errors are the fatal message to print on
    /// stderr (the process then exits with status 1).
    pub fn from_args(argv: &[String]) -> Result<Config, String> {
        let mut cfg = Config::default();
        let mut start = 0;
        let mut text = Vec::new();
        if let Some(first) = argv.first()
            && !first.starts_with('-')
        {
            let abs = std::path::absolute(first).unwrap_or_else(|_| PathBuf::from(first));
            cfg.config_file = Some(abs.clone());
            start = 1;
            text = read_config_files(&abs.display().to_string());
        }
        if argv.is_empty() {
            return Ok(cfg);
        }
        let (options, stdin) = options_text(argv, start);
        if stdin {
            log_early("Reading config from stdin");
            let _ = std::io::stdin().read_to_end(&mut text);
        }
        text.push(b'\n');
        text.extend_from_slice(options.as_bytes());
        cfg.load_string(&text)?;
        cfg.check_modules();
        if !cfg.logfile.is_empty()
            && let Err(e) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&cfg.logfile)
        {
            return Err(format!(
                "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_VERSION}) ***\nCan't open the log file: {}",
                args::strerror(&e)
            ));
        }
        Ok(cfg)
    }

    /// Applies config text line by line (`loadServerConfigFromString`).
    pub fn load_string(&mut self, text: &[u8]) -> Result<(), String> {
        self.reading_file = true;
        for (i, raw) in text.split(|&c| c == b'\n').enumerate() {
            let line = trim(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let Some(words) = args::split_args(line) else {
                return Err(fatal_line(
                    i + 1,
                    line,
                    "Unbalanced quotes in configuration line",
                ));
            };
            if words.is_empty() {
                continue;
            }
            let words: Vec<String> = words
                .iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            // An error inside an included file is already complete.
            self.directive(&words).map_err(|e| {
                if e.starts_with("\n*** FATAL") {
                    e
                } else {
                    fatal_line(i + 1, line, &e)
                }
            })?;
        }
        self.reading_file = false;
        self.sync();
        Ok(())
    }

    /// One config-file directive (`words[0]` is its name).
    fn directive(&mut self, words: &[String]) -> Result<(), String> {
        let name = words[0].to_ascii_lowercase();
        let rest = &words[1..];
        if let Some((idx, _)) = table::lookup(&name) {
            let spec = &TABLE[idx];
            if spec.flags & MULTI_ARG == 0 && rest.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            let split;
            let vals = if spec.flags & MULTI_ARG != 0 && rest.len() == 1 && !rest[0].is_empty() {
                split = args::split_args(rest[0].as_bytes())
                    .unwrap_or_default()
                    .iter()
                    .map(|w| String::from_utf8_lossy(w).into_owned())
                    .collect::<Vec<_>>();
                &split[..]
            } else {
                rest
            };
            let cur = &self.values[idx];
            let mut v = value::parse(spec, vals, cur)?;
            if spec.kind == Kind::Special(Sp::Save) {
                // Save lines from a file add up (the first one replaces the default);
                // `save ""` clears.
                let clear = vals.len() == 1 && vals[0].is_empty();
                if self.save_loaded && self.reading_file && !clear {
                    v = match (cur.is_empty(), v.is_empty()) {
                        (false, false) => format!("{cur} {v}"),
                        (false, true) => cur.clone(),
                        _ => v,
                    };
                }
                self.save_loaded = true;
            }
            self.values[idx] = v;
            if spec.flags & ACTED == 0 {
                self.note_ignored(spec.name);
            }
            return Ok(());
        }
        if table::DEPRECATED.contains(&name.as_str()) && rest.len() == 1 {
            return Ok(());
        }
        match name.as_str() {
            "include" if rest.len() == 1 => {
                let text = read_config_files(&rest[0]);
                self.load_string(&text)?;
            }
            "rename-command" if rest.len() == 2 => self.rename_command(&rest[0], &rest[1])?,
            "user" if !rest.is_empty() => {
                self.users.push(rest.to_vec());
                self.note_ignored("user");
            }
            "loadmodule" if !rest.is_empty() => {
                self.modules.push(rest[0].clone());
                self.note_ignored("loadmodule");
            }
            _ if name.contains('.') => {
                if rest.is_empty() {
                    return Err("Module config specified without value".into());
                }
                self.module_configs = true;
                self.note_ignored(&name);
            }
            "sentinel" => {
                if !rest.is_empty() {
                    return Err("sentinel directive while not in sentinel mode".into());
                }
                self.note_ignored("sentinel");
            }
            _ => return Err("Bad directive or wrong number of arguments".into()),
        }
        Ok(())
    }

    /// Redis aborts at start when a module cannot be loaded or module configs come without
    /// a module. ferrokv loads no modules: it aborts the same way for missing module files
    /// and stray module configs (an existing module file is only warned about).
    fn check_modules(&self) {
        for m in &self.modules {
            if let Err(e) = std::fs::File::open(m) {
                log_early(&format!(
                    "Module {m} failed to load: {m}: cannot open shared object file: {}",
                    args::strerror(&e)
                ));
                log_fatal(&format!("Can't load module from {m}: server aborting"));
            }
        }
        if self.module_configs && self.modules.is_empty() {
            log_fatal(
                "Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting",
            );
        }
    }

    /// `rename-command old new` (new empty: remove), checked against Redis 7.0's commands
    /// as renamed so far; the command table applies the list at start.
    fn rename_command(&mut self, from: &str, to: &str) -> Result<(), String> {
        let names = self.command_names.get_or_insert_with(|| {
            let mut v: Vec<String> = commands::REDIS_COMMANDS
                .iter()
                .map(|s| s.to_string())
                .collect();
            for c in crate::command::CommandTable::build().iter() {
                if !v.iter().any(|n| n == c.name) {
                    v.push(c.name.to_string());
                }
            }
            v
        });
        let from = from.to_ascii_lowercase();
        let Some(at) = names.iter().position(|n| *n == from) else {
            return Err("No such command in rename-command".into());
        };
        names.remove(at);
        if !to.is_empty() {
            let to = to.to_ascii_lowercase();
            if names.contains(&to) {
                return Err("Target command name already exists".into());
            }
            names.push(to);
        }
        self.rename_commands.push((from, to.to_string()));
        Ok(())
    }

    fn note_ignored(&mut self, name: &str) {
        if !self.ignored.iter().any(|n| n == name) {
            self.ignored.push(name.to_string());
        }
    }

    /// Start-up work once logging is set up: the one warning about directives not acted on,
    /// and the open-files limit `maxclients` needs (lowering `maxclients` as Redis does when
    /// the OS refuses).
    pub fn apply_at_start(&mut self) {
        self.warn_ignored();
        match limits::adjust(self.maxclients as u32) {
            limits::FdLimit::Unchanged => {}
            limits::FdLimit::Increased { from, to } => log::info!(
                "Increased maximum number of open files to {to} (it was originally set to {from})."
            ),
            limits::FdLimit::Reduced {
                maxfiles,
                limit,
                error,
            } => {
                if limit <= 32 {
                    log::warn!(
                        "Your current 'ulimit -n' of {limit} is not enough for the server to start. Please increase your open file limit to at least {maxfiles}. Exiting."
                    );
                    std::process::exit(1);
                }
                let new = limit - 32;
                log::warn!(
                    "You requested maxclients of {} requiring at least {maxfiles} max file descriptors.",
                    self.maxclients
                );
                log::warn!(
                    "Server can't set maximum open files to {maxfiles} because of OS error: {error}."
                );
                log::warn!(
                    "Current maximum open files is {limit}. maxclients has been reduced to {new} to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'."
                );
                self.values[table::index("maxclients")] = new.to_string();
                self.sync();
            }
        }
    }

    /// Logs, once, the directives given with a non-default value that ferrokv stores but does
    /// not act on.
    pub fn warn_ignored(&self) {
        let list: Vec<&str> = self
            .ignored
            .iter()
            .filter(|n| match table::lookup(n) {
                Some((i, _)) => self.values[i] != TABLE[i].default,
                None => true,
            })
            .map(String::as_str)
            .collect();
        if !list.is_empty() {
            log::warn!(
                "Config directives accepted but not acted on by ferrokv (shown by CONFIG GET only): {}",
                list.join(", ")
            );
        }
    }
}
