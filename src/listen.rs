//! The listening sockets (Redis's `listenToPort` and `changeBindAddr`/`changeListenPort`):
//! binding TCP per `bind`/`port` and the Unix socket at start, and rebinding TCP when
//! CONFIG SET changes `port` or `bind`. They live in `ServerState` so a command can rebind
//! them; the event loop polls them under tokens counting down from [`LISTENER_BASE`].

use std::io;
use std::net::SocketAddr;

use mio::net::{TcpListener, UnixListener};
use mio::{Interest, Registry, Token};

/// Listener tokens count down from here.
pub const LISTENER_BASE: usize = usize::MAX - 2;

pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

/// Every listening socket, and the poll registry they are registered with (none before the
/// event loop exists).
#[derive(Default)]
pub struct Listeners {
    pub list: Vec<Listener>,
    registry: Option<Registry>,
}

/// Turns a `bind` entry into an address (`*` is any IPv4, `::*` any IPv6; a leading `-`
/// marks an address whose failure is not fatal).
fn bind_addr(entry: &str, port: u16) -> (Option<SocketAddr>, bool) {
    let (optional, host) = match entry.strip_prefix('-') {
        Some(h) => (true, h),
        None => (false, entry),
    };
    let ip = match host {
        "*" => "0.0.0.0",
        "::*" => "::",
        h => h,
    };
    let addr = ip
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, port));
    (addr, optional)
}

/// Binds `port` on every `bind` address. Returns the listeners and the port bound (the
/// kernel's pick when `port` is 0 is not used: port 0 means no TCP at all).
pub fn bind_tcp(bind: &[String], port: u16) -> io::Result<Vec<TcpListener>> {
    let mut out = Vec::new();
    if port == 0 {
        return Ok(out);
    }
    for entry in bind {
        let (addr, optional) = bind_addr(entry, port);
        let Some(addr) = addr else {
            if optional {
                continue;
            }
            return Err(io::Error::other(format!("Invalid bind address '{entry}'")));
        };
        match TcpListener::bind(addr) {
            Ok(l) => out.push(l),
            Err(e) if optional => log::debug!("Could not bind optional address {addr}: {e}"),
            Err(e) => {
                log::warn!(
                    "Warning: Could not create server TCP listening socket {entry}:{port}: {e}"
                );
                return Err(e);
            }
        }
    }
    Ok(out)
}

/// Binds the Unix socket at `path` with permissions `perm` (0: the umask's).
pub fn bind_unix(path: &str, perm: u32) -> io::Result<UnixListener> {
    let _ = std::fs::remove_file(path);
    let l = UnixListener::bind(path)?;
    if perm != 0 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(perm))?;
    }
    Ok(l)
}

impl Listeners {
    /// Registers every listener with the event loop's poll.
    pub fn register(&mut self, registry: Registry) -> io::Result<()> {
        for (i, l) in self.list.iter_mut().enumerate() {
            let t = Token(LISTENER_BASE - i);
            match l {
                Listener::Tcp(l) => registry.register(l, t, Interest::READABLE)?,
                Listener::Unix(l) => registry.register(l, t, Interest::READABLE)?,
            }
        }
        self.registry = Some(registry);
        Ok(())
    }

    /// Which listener a token names, if any.
    pub fn index_of(&self, t: Token) -> Option<usize> {
        let i = LISTENER_BASE.checked_sub(t.0)?;
        (i < self.list.len()).then_some(i)
    }

    /// The TCP port of the first TCP listener (what a `port 0` start was given).
    pub fn tcp_port(&self) -> Option<u16> {
        self.list.iter().find_map(|l| match l {
            Listener::Tcp(l) => l.local_addr().ok().map(|a| a.port()),
            Listener::Unix(_) => None,
        })
    }

    /// CONFIG SET port/bind: closes the TCP listeners and binds `port` on `bind` instead, as
    /// Redis does (closing first, so the same address can be bound again). On failure no
    /// TCP listener is left: the caller puts the old settings back and calls this again.
    pub fn rebind_tcp(&mut self, bind: &[String], port: u16) -> io::Result<()> {
        let mut kept = Vec::new();
        for l in self.list.drain(..) {
            match l {
                Listener::Tcp(mut l) => {
                    if let Some(r) = &self.registry {
                        let _ = r.deregister(&mut l);
                    }
                }
                Listener::Unix(mut l) => {
                    if let Some(r) = &self.registry {
                        let _ = r.deregister(&mut l);
                    }
                    kept.push(Listener::Unix(l));
                }
            }
        }
        let (mut list, res): (Vec<Listener>, _) = match bind_tcp(bind, port) {
            Ok(v) => (v.into_iter().map(Listener::Tcp).collect(), Ok(())),
            Err(e) => (Vec::new(), Err(e)),
        };
        list.extend(kept);
        self.list = list;
        if let Some(r) = self.registry.take() {
            self.register(r)?;
        }
        res
    }
}
