//! RESP, the Redis wire protocol: the request parser and the reply writer.

pub mod parser;
pub mod reply;

pub use parser::{Args, Parsed, Parser};
pub use reply::Reply;
