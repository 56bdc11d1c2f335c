//! The command table: every command's static entry, collected from the per-group modules in
//! [`crate::commands`], plus case-insensitive lookup without allocation.

use super::Command;

/// Lookup structure over all commands: an open-addressing table of indices into `entries`,
/// hashed case-insensitively so a lookup neither copies nor lower-cases the name.
pub struct CommandTable {
    /// (lower-case name, command), in registration order.
    entries: Vec<(&'static [u8], &'static Command)>,
    /// Index + 1 into `entries`, 0 for an empty slot; the length is a power of two at least
    /// four times the number of commands, so probe chains stay short.
    slots: Vec<u16>,
    /// Longest name: longer ones are unknown without hashing them.
    max_len: usize,
}

/// FNV-1a over the bytes with bit 5 set, which folds ASCII letters to lower case (it also
/// merges a few non-letters with others; the exact comparison after sorts those out).
/// Command names are short and fixed, so a keyed hash would buy nothing here.
fn fold_hash(name: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name {
        h = (h ^ (b | 0x20) as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl CommandTable {
    pub fn build() -> Self {
        let mut entries = Vec::new();
        for group in crate::commands::GROUPS {
            for cmd in group.iter() {
                entries.push((cmd.name.as_bytes(), cmd));
            }
        }
        Self::from_entries(entries)
    }

    fn from_entries(entries: Vec<(&'static [u8], &'static Command)>) -> Self {
        let size = (entries.len() * 4).next_power_of_two().max(16);
        let mut table = CommandTable {
            entries: Vec::with_capacity(entries.len()),
            slots: vec![0; size],
            max_len: 0,
        };
        for (name, cmd) in entries {
            debug_assert!(table.lookup(name).is_none(), "command defined twice");
            table.entries.push((name, cmd));
            table.max_len = table.max_len.max(name.len());
            let mut i = fold_hash(name) as usize & (size - 1);
            while table.slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            table.slots[i] = table.entries.len() as u16;
        }
        table
    }

    /// Finds a command by name, ASCII case-insensitively.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<&'static Command> {
        if name.len() > self.max_len {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = fold_hash(name) as usize & mask;
        loop {
            let slot = *self.slots.get(i)? as usize;
            let (n, cmd) = *self.entries.get(slot.checked_sub(1)?)?;
            if n.len() == name.len() && n.eq_ignore_ascii_case(name) {
                return Some(cmd);
            }
            i = (i + 1) & mask;
        }
    }

    /// All top-level commands.
    pub fn iter(&self) -> impl Iterator<Item = &'static Command> + '_ {
        self.entries.iter().map(|&(_, c)| c)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
        let mut entries = std::mem::take(&mut self.entries);
        for (from, to) in renames {
            let Some(pos) = entries
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case(from.as_bytes()))
            else {
                continue;
            };
            let (_, cmd) = entries.remove(pos);
            if !to.is_empty() {
                let name: &'static [u8] =
                    Box::leak(to.to_ascii_lowercase().into_bytes().into_boxed_slice());
                entries.push((name, cmd));
            }
        }
        *self = Self::from_entries(entries);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_exact() {
        let t = CommandTable::build();
        for c in t.iter() {
            let name = c.name.as_bytes();
            assert!(std::ptr::eq(t.lookup(name).unwrap(), c));
            let upper = name.to_ascii_uppercase();
            assert!(std::ptr::eq(t.lookup(&upper).unwrap(), c));
        }
        assert_eq!(t.lookup(b"GeT").map(|c| c.name), Some("get"));
        for unknown in [
            &b""[..],
            b"ge",
            b"gett",
            b"g\x00t",
            b"get ",
            b"\xc7et",
            b"_et",
        ] {
            assert!(t.lookup(unknown).is_none(), "{unknown:?}");
        }
        assert!(t.lookup(&[b'a'; 10_000]).is_none());
    }

    #[test]
    fn renames_move_and_remove_commands() {
        let mut t = CommandTable::build();
        let n = t.len();
        t.apply_renames(&[
            ("get".into(), "fetch".into()),
            ("FLUSHALL".into(), "".into()),
            ("nosuch".into(), "x".into()),
        ]);
        assert!(t.lookup(b"get").is_none());
        assert_eq!(t.lookup(b"FETCH").map(|c| c.name), Some("get"));
        assert!(t.lookup(b"flushall").is_none());
        assert_eq!(t.len(), n - 1);
    }
}
