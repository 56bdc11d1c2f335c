//! The command table: every command's static entry, collected from the per-group modules in
//! [`crate::commands`], plus case-insensitive lookup without allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::Command;

/// FNV-1a: command names are short and the key set is fixed, so a keyed hash (SipHash) buys
/// nothing here and costs a measurable part of dispatch.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Lookup structure over all commands.
pub struct CommandTable {
    map: HashMap<&'static [u8], &'static Command, BuildHasherDefault<Fnv>>,
}

/// Longest command name looked up (longer names are unknown).
const MAX_NAME: usize = 32;

impl CommandTable {
    pub fn build() -> Self {
        let mut map = HashMap::default();
        for group in crate::commands::GROUPS {
            for cmd in group.iter() {
                let prev = map.insert(cmd.name.as_bytes(), cmd);
                debug_assert!(prev.is_none(), "command {} defined twice", cmd.name);
            }
        }
        CommandTable { map }
    }

    /// Finds a command by name, ASCII case-insensitively.
    pub fn lookup(&self, name: &[u8]) -> Option<&'static Command> {
        let mut buf = [0u8; MAX_NAME];
        let lower = crate::util::lower_into(name, &mut buf)?;
        self.map.get(lower).copied()
    }

    /// All top-level commands (unordered).
    pub fn iter(&self) -> impl Iterator<Item = &'static Command> + '_ {
        self.map.values().copied()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Finds a subcommand of a container command (`config|get` matches `GET`).
pub fn lookup_in(subs: &'static [Command], name: &[u8]) -> Option<&'static Command> {
    subs.iter().find(|c| {
        let short = c.name.rsplit('|').next().unwrap_or(c.name);
        short.as_bytes().eq_ignore_ascii_case(name)
    })
}

// ---- `rename-command` (added with the config work; applied once at start) ----

impl CommandTable {
    /// Applies `rename-command` directives in order: an empty new name removes the command.
    /// Names ferrokv does not implement are skipped (the config parser checked them against
    /// Redis's command list).
    pub fn apply_renames(&mut self, renames: &[(String, String)]) {
        for (from, to) in renames {
            if let Some(cmd) = self.map.remove(from.to_ascii_lowercase().as_bytes())
                && !to.is_empty()
            {
                let name: &'static [u8] =
                    Box::leak(to.to_ascii_lowercase().into_bytes().into_boxed_slice());
                self.map.insert(name, cmd);
            }
        }
    }
}
