//! Limits on the recorder's connections, so that idle or hostile clients cannot use up
//! its file descriptors: at most [`ConnectionLimits::max_connections`] at once (further
//! clients wait in the kernel's backlog), and a connection on which nothing moves for
//! [`ConnectionLimits::idle`] is closed. One timer covers the three ways a client can
//! hold a connection: headers that never come, an idle keep-alive, and a body that
//! stops flowing. It restarts whenever bytes move either way, so a call recorded as it
//! happens (its upload flowing for an hour) is never cut.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// How the recorder's server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A connection on which no byte moved this long is closed.
    pub idle: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            idle: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

impl ConnectionLimits {
    /// The connection cap, lowered so that it leaves room under the process's file
    /// limit for the journal, the archive and the logs (`reserve` descriptors).
    pub fn fitted(self, file_limit: u64, reserve: u64) -> ConnectionLimits {
        let room = file_limit.saturating_sub(reserve).max(8);
        ConnectionLimits {
            max_connections: self.max_connections.min(room as usize),
            ..self
        }
    }
}

/// Raises the soft limit on open files to the hard limit (many systems start services
/// with 1024) and returns the limit in force.
pub fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct passed in.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return 1024;
            }
            let wanted = limit.rlim_max.min(65_536);
            if limit.rlim_cur < wanted {
                let raised = libc::rlimit {
                    rlim_cur: wanted,
                    rlim_max: limit.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    return wanted;
                }
            }
            limit.rlim_cur
        }
    }
    #[cfg(not(unix))]
    {
        8192
    }
}

/// A listener that holds a permit per connection and wraps each in an idle timer.
pub struct LimitedListener<L> {
    inner: L,
    permits: Arc<Semaphore>,
    idle: Duration,
}

impl<L> LimitedListener<L> {
    pub fn new(inner: L, limits: ConnectionLimits) -> Self {
        LimitedListener {
            inner,
            permits: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            idle: limits.idle,
        }
    }
}

impl<L> axum::serve::Listener for LimitedListener<L>
where
    L: axum::serve::Listener,
    L::Io: Unpin,
{
    type Io = Limited<L::Io>;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let permit = match self.permits.clone().acquire_owned().await {
            Ok(p) => p,
            // the semaphore is never closed
            Err(_) => std::future::pending().await,
        };
        let (io, addr) = self.inner.accept().await;
        (Limited::new(io, permit, self.idle), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The client's address, as handlers see it (`ConnectInfo<PeerAddr>`).
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub std::net::SocketAddr);

impl<L> axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, LimitedListener<L>>>
    for PeerAddr
where
    L: axum::serve::Listener<Addr = std::net::SocketAddr>,
    L::Io: Unpin,
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, LimitedListener<L>>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// A connection with its permit and idle timer.
pub struct Limited<T> {
    io: T,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    _permit: OwnedSemaphorePermit,
}

impl<T> Limited<T> {
    fn new(io: T, permit: OwnedSemaphorePermit, idle: Duration) -> Self {
        Limited {
            io,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            _permit: permit,
        }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.idle);
    }

    /// `Ready(Err)` once the connection has been idle too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                "nothing moved on the connection for too long",
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Limited<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Limited<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_write(cx, buf) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.expired(cx).map(Err),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
