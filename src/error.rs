//! Typed errors, turned into RESP error lines in one place ([`CmdError::text`]).
//!
//! Three layers, as in Redis: a command error is replied and the connection kept; a protocol
//! error is replied and the connection closed once the reply is flushed; an I/O error is never
//! shown to the client (logged at debug, the client freed).

use std::borrow::Cow;
use std::fmt;

/// An error a command handler returns; the dispatcher writes it as the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdError {
    WrongType,
    NotInteger,
    NotFloat,
    Syntax,
    Overflow,
    NoSuchKey,
    /// Full error text including its code, e.g. `ERR invalid expire time in 'set' command`.
    Msg(Cow<'static, str>),
    /// Full error text with arbitrary bytes (echoing client input).
    Bytes(Vec<u8>),
}

pub type CmdResult = Result<(), CmdError>;

impl CmdError {
    pub fn msg(s: impl Into<Cow<'static, str>>) -> Self {
        CmdError::Msg(s.into())
    }

    /// The error line without the leading `-`.
    pub fn text(&self) -> &[u8] {
        match self {
            CmdError::WrongType => {
                b"WRONGTYPE Operation against a key holding the wrong kind of value"
            }
            CmdError::NotInteger => b"ERR value is not an integer or out of range",
            CmdError::NotFloat => b"ERR value is not a valid float",
            CmdError::Syntax => b"ERR syntax error",
            CmdError::Overflow => b"ERR increment or decrement would overflow",
            CmdError::NoSuchKey => b"ERR no such key",
            CmdError::Msg(s) => s.as_bytes(),
            CmdError::Bytes(b) => b,
        }
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.text()))
    }
}

/// Malformed request bytes: Redis replies `-ERR Protocol error: ...` and closes the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolError {
    InvalidMultibulkLength,
    InvalidBulkLength,
    ExpectedDollar(u8),
    BigMultibulkCount,
    BigBulkCount,
    BigInline,
    UnbalancedQuotes,
    UnauthMultibulkLength,
    UnauthBulkLength,
}

impl ProtocolError {
    /// The error line without the leading `-`.
    pub fn text(&self) -> Vec<u8> {
        let s: &str = match self {
            ProtocolError::InvalidMultibulkLength => "invalid multibulk length",
            ProtocolError::InvalidBulkLength => "invalid bulk length",
            ProtocolError::ExpectedDollar(c) => {
                let mut v = b"ERR Protocol error: expected '$', got '".to_vec();
                v.push(*c);
                v.push(b'\'');
                return v;
            }
            ProtocolError::BigMultibulkCount => "too big mbulk count string",
            ProtocolError::BigBulkCount => "too big bulk count string",
            ProtocolError::BigInline => "too big inline request",
            ProtocolError::UnbalancedQuotes => "unbalanced quotes in request",
            ProtocolError::UnauthMultibulkLength => "unauthenticated multibulk length",
            ProtocolError::UnauthBulkLength => "unauthenticated bulk length",
        };
        format!("ERR Protocol error: {s}").into_bytes()
    }
}
