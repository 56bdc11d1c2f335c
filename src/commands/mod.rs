//! Command implementations, one module per group (as Redis's `t_string.c`, `t_hash.c`, ...).
//! Each module exports `COMMANDS`, its part of the command table.

pub mod bitops;
pub mod client;
pub mod command;
pub mod config;
pub mod connection;
pub mod debug;
pub mod dump;
pub mod hash;
pub mod info;
pub mod keys;
pub mod list;
pub mod memory;
pub mod multi;
pub mod object;
pub mod persist;
pub mod server;
pub mod set;
pub mod slowlog;
pub mod sort;
pub mod string;
pub mod zset;

use crate::command::Command;

/// Every group's table slice; [`crate::command::CommandTable`] indexes them.
pub static GROUPS: &[&[Command]] = &[
    &connection::COMMANDS,
    &config::COMMANDS,
    &client::COMMANDS,
    &command::COMMANDS,
    &info::COMMANDS,
    &object::COMMANDS,
    &debug::COMMANDS,
    &dump::COMMANDS,
    &server::COMMANDS,
    &keys::COMMANDS,
    &string::COMMANDS,
    &bitops::COMMANDS,
    &hash::COMMANDS,
    &set::COMMANDS,
    &slowlog::COMMANDS,
    &zset::COMMANDS,
    &persist::COMMANDS,
    &list::COMMANDS,
    &sort::COMMANDS,
    &memory::COMMANDS,
    &multi::COMMANDS,
    &crate::blocking::COMMANDS,
    &crate::monitor::COMMANDS,
    &crate::replication::COMMANDS,
];
