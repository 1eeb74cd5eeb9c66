//! The accept loop: hyper's HTTP/1 connection with the axum router as its service, instead of
//! `axum::serve`, so that a flood of idle or half-open connections cannot take the server down.
//!
//! Each accepted socket takes a slot: at most [`ServerConfig::max_connections`] in all and
//! [`ServerConfig::max_connections_per_ip`] from one client address. Over the per-address cap
//! the socket gets a ready-made `503 too_many_connections` JSON answer and is closed at once,
//! without a task of its own or any parsing. At the cap in all, the oldest connection that waits
//! for a request head makes room (see [`Slots::admit`]); only when the oldest ones are all busy
//! with requests is the newcomer refused the same way. A connection must send a whole request head within
//! [`ServerConfig::header_read_timeout`] of its first byte (or of its accept); between requests a
//! keep-alive connection may stay idle [`ServerConfig::idle_timeout`]. hyper's own header timeout
//! is not used: it starts whenever a head is awaited, so it would also cut idle keep-alives.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::error::{ApiError, ServerError};
use crate::state::ServerConfig;

/// Raises the soft limit of open files to the hard limit, where the system allows it; returns the
/// soft limit now in force. Each connection is a file: the default soft limit (often 1,024) would
/// make `accept` fail long before [`ServerConfig::max_connections`].
pub fn raise_open_files_limit() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => Some(limit),
        Err(err) => {
            tracing::warn!(%err, "cannot raise the open-files limit");
            None
        }
    }
}

/// How many connections are open, in all and by client address, and, in accept order, what
/// each is doing (to find one to evict).
#[derive(Default)]
struct Registry {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
    next_id: u64,
    open: BTreeMap<u64, (Arc<Activity>, Arc<Notify>)>,
}

/// How many of the oldest connections are looked at for one that waits for a request head: past
/// them, the new connection is refused rather than the registry scanned.
const EVICTION_SCAN: usize = 64;

/// The connection slots, shared by the accept loop and the connections.
#[derive(Clone, Default)]
pub(crate) struct Slots {
    registry: Arc<Mutex<Registry>>,
}

/// One open connection's slot; freed when dropped. `evicted` is notified when a newer
/// connection takes its place.
pub(crate) struct Slot {
    registry: Arc<Mutex<Registry>>,
    ip: IpAddr,
    id: u64,
    evicted: Arc<Notify>,
}

impl Slots {
    /// Takes a slot for a connection from `ip`, or `None` when a cap is reached.
    ///
    /// At the cap in all, the oldest connection that is waiting for a request head (silent,
    /// half a head, or idle between requests) is told to close and the new one takes its place:
    /// a flood of half-open connections then pushes out its own oldest members, not the clients
    /// that come after it. Only when every connection looked at is serving a request is the new
    /// one refused. The per-address cap always refuses.
    fn admit(
        &self,
        ip: IpAddr,
        activity: &Arc<Activity>,
        max_total: usize,
        max_per_ip: usize,
    ) -> Option<Slot> {
        let mut reg = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        if reg.per_ip.get(&ip).is_some_and(|n| *n >= max_per_ip) {
            return None;
        }
        if reg.total >= max_total {
            let victim = reg
                .open
                .iter()
                .take(EVICTION_SCAN)
                .find(|(_, (a, _))| a.in_flight.load(Ordering::Acquire) == 0)
                .map(|(id, _)| *id)?;
            if let Some((_, evicted)) = reg.open.remove(&victim) {
                // notify_one keeps the wake-up even when the connection is not waiting yet.
                evicted.notify_one();
            }
        }
        *reg.per_ip.entry(ip).or_default() += 1;
        reg.total += 1;
        let id = reg.next_id;
        reg.next_id += 1;
        let evicted = Arc::new(Notify::new());
        reg.open.insert(id, (activity.clone(), evicted.clone()));
        Some(Slot {
            registry: self.registry.clone(),
            ip,
            id,
            evicted,
        })
    }

    /// How many connections are open.
    pub(crate) fn open(&self) -> usize {
        self.registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .total
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut reg = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        reg.total -= 1;
        reg.open.remove(&self.id);
        if let Some(n) = reg.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                reg.per_ip.remove(&self.ip);
            }
        }
    }
}

/// What a connection has been doing, for its watchdog. Times are milliseconds since `epoch`.
struct Activity {
    epoch: Instant,
    /// Since when the connection waits for a request head (its accept, or the end of its last
    /// answer).
    waiting_since: AtomicU64,
    /// When the first byte arrived after `waiting_since`, plus one; 0 while none has.
    first_byte_at: AtomicU64,
    /// Requests whose answer is not ready yet.
    in_flight: AtomicU32,
    /// Requests answered so far.
    served: AtomicU64,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            epoch: Instant::now(),
            waiting_since: AtomicU64::new(0),
            first_byte_at: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
            served: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// When the connection is to be closed if nothing changes, or `None` while a request runs
    /// (the request timeout governs it then).
    fn deadline(&self, header: Duration, idle: Duration) -> Option<u64> {
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return None;
        }
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let first = self.first_byte_at.load(Ordering::Acquire);
        if first > 0 {
            return Some((first - 1).saturating_add(ms(header)));
        }
        let since = self.waiting_since.load(Ordering::Acquire);
        // A new connection must start talking within the header timeout; a kept-alive one may
        // rest for the idle timeout.
        let allowed = if self.served.load(Ordering::Acquire) == 0 {
            header
        } else {
            idle
        };
        Some(since.saturating_add(ms(allowed)))
    }
}

/// Counts a request in flight; on drop, the connection waits for a head again.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn start(activity: Arc<Activity>) -> InFlight {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let a = &self.0;
        a.served.fetch_add(1, Ordering::AcqRel);
        a.first_byte_at.store(0, Ordering::Release);
        a.waiting_since.store(a.now_ms(), Ordering::Release);
        a.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that notes when bytes arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before && self.activity.first_byte_at.load(Ordering::Acquire) == 0 {
            let now = self.activity.now_ms();
            self.activity
                .first_byte_at
                .store(now.saturating_add(1), Ordering::Release);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Completes when the connection has been silent past its deadline.
async fn watchdog(activity: &Activity, header: Duration, idle: Duration) {
    loop {
        match activity.deadline(header, idle) {
            None => tokio::time::sleep(header).await,
            Some(deadline) => {
                let now = activity.now_ms();
                if now >= deadline {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(deadline - now)).await;
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish (for at most the request timeout).
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    // The backlog of queued, not yet accepted connections: calling listen again on a listening
    // socket only changes it (Linux, BSD).
    let backlog = i32::try_from(config.listen_backlog).unwrap_or(i32::MAX);
    if let Err(err) = socket2::SockRef::from(&listener).listen(backlog) {
        tracing::warn!(%err, backlog, "cannot set the listen backlog");
    }
    let slots = Slots::default();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(err) => {
                // Out of file descriptors or a connection reset before accept: wait a little
                // rather than spin.
                tracing::warn!(%err, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let activity = Arc::new(Activity::new());
        let Some(slot) = slots.admit(
            peer.ip(),
            &activity,
            config.max_connections,
            config.max_connections_per_ip,
        ) else {
            tokio::spawn(refuse(stream));
            continue;
        };
        tokio::spawn(connection(
            stream,
            peer,
            slot,
            activity,
            app.clone(),
            config.clone(),
            stop_rx.clone(),
        ));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let deadline = Instant::now() + config.request_timeout + Duration::from_secs(1);
    while slots.open() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Answers `503 too_many_connections` on a socket over the caps and closes it.
async fn refuse(mut stream: TcpStream) {
    let answer = ApiError::TooManyConnections.raw_http1();
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        stream.write_all(&answer).await?;
        stream.shutdown().await
    })
    .await;
}

/// Serves one connection until it closes, goes silent past its deadline, or the server stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    slot: Slot,
    activity: Arc<Activity>,
    app: Router,
    config: ServerConfig,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service_activity = activity.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let guard = InFlight::start(service_activity.clone());
        let app = app.clone();
        async move {
            let mut request = request.map(axum::body::Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let response = app.oneshot(request).await;
            drop(guard);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(config.max_header_bytes.max(8 * 1024))
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    let header = config.header_read_timeout;
    let idle = config.idle_timeout;
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(%err, %peer, "connection ended with an error");
            }
        }
        () = watchdog(&activity, header, idle) => {
            tracing::debug!(%peer, "connection closed: silent past its deadline");
        }
        () = slot.evicted.notified() => {
            tracing::debug!(%peer, "connection closed: evicted for a newer one at the cap");
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(config.request_timeout, conn).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cap_per_address_and_evict_the_oldest_waiting_connection_at_the_cap() {
        let slots = Slots::default();
        let a: IpAddr = "127.0.0.2".parse().unwrap();
        let b: IpAddr = "127.0.0.3".parse().unwrap();
        let c: IpAddr = "127.0.0.4".parse().unwrap();
        let acts: Vec<Arc<Activity>> = (0..6).map(|_| Arc::new(Activity::new())).collect();
        let first = slots.admit(a, &acts[0], 3, 2).expect("a first slot");
        let second = slots.admit(a, &acts[1], 3, 2).expect("a second slot");
        assert!(slots.admit(a, &acts[2], 3, 2).is_none(), "per-address cap");
        let third = slots.admit(b, &acts[2], 3, 2).expect("another address");
        assert_eq!(slots.open(), 3);

        // At the cap, the first connection is busy with a request: the second, the oldest one
        // waiting, is evicted for the newcomer.
        let busy = InFlight::start(acts[0].clone());
        let fourth = slots.admit(c, &acts[3], 3, 2).expect("a slot by eviction");
        {
            let notified = second.evicted.notified();
            let mut notified = std::pin::pin!(notified);
            assert!(
                notified.as_mut().enable(),
                "the oldest waiting connection is told to close"
            );
            let kept = first.evicted.notified();
            let mut kept = std::pin::pin!(kept);
            assert!(!kept.as_mut().enable(), "a busy connection is kept");
        }
        drop(second);
        assert_eq!(slots.open(), 3);

        // Every connection busy: the newcomer is refused.
        let _b1 = InFlight::start(acts[2].clone());
        let _b2 = InFlight::start(acts[3].clone());
        assert!(
            slots.admit(c, &acts[4], 3, 2).is_none(),
            "all busy: refused"
        );
        drop(busy);
        drop((first, third, fourth));
        assert_eq!(slots.open(), 0);
    }

    #[test]
    fn a_new_connection_gets_the_header_timeout_and_a_kept_one_the_idle_timeout() {
        let a = Activity::new();
        let (h, i) = (Duration::from_secs(10), Duration::from_secs(30));
        assert_eq!(a.deadline(h, i), Some(10_000));
        a.first_byte_at.store(5_001, Ordering::Release);
        assert_eq!(a.deadline(h, i), Some(15_000));
        let a = Arc::new(a);
        let guard = InFlight::start(a.clone());
        assert_eq!(a.deadline(h, i), None, "no deadline while a request runs");
        drop(guard);
        let since = a.waiting_since.load(Ordering::Acquire);
        assert_eq!(a.deadline(h, i), Some(since + 30_000));
    }
}
