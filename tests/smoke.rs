//! The server starts, answers, and reports protocol errors as Redis does.
mod common;
use common::*;

#[test]
fn ping_set_get() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    assert_eq!(c.cmd("PING"), b"+PONG\r\n");
    assert_eq!(c.cmd("SET k v"), b"+OK\r\n");
    assert_eq!(c.cmd("GET k"), b"$1\r\nv\r\n");
    assert_eq!(c.cmd("get missing"), b"$-1\r\n");
}

#[test]
fn protocol_error_closes() {
    let srv = Server::start(&[]);
    let mut c = srv.connect();
    c.send(b"*1\r\n$4\r\nPING\r\n*x\r\n");
    assert_eq!(
        c.read_to_close(),
        b"+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"
    );
}
