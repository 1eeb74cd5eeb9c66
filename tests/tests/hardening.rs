//! The real `vankien serve` under a flood of half-open connections: 20,000 TCP connections that
//! send nothing or half a request head, the first 1,000 from one loopback address and the rest
//! from 100 others, held open while a client from another address asks `/api/health`. The one
//! address meets the per-address cap (64); the 100 others, at up to 64 each, the cap of 4,096
//! in all. Checks that health answers 200 throughout, that the
//! server keeps at most 4,096 and at most 64 an address (those over the per-address cap are
//! answered 503 `too_many_connections` JSON; at the cap in all, the oldest are closed to make
//! room), that a silent connection is closed, and that a chunked body over the limit and a malformed escape get JSON
//! errors. Prints the flood size, the health latencies and the server's memory as figures.
//!
//! The binary is not built here: see `vankien_tests::vankien_bin` (build it first with
//! `cargo build -p vankien-cli`).

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};
use vankien_tests::{START_TIMEOUT, corpus_dir, free_port, vankien_bin};

/// Connections the flood opens (fewer when the machine cannot hold that many files).
const FLOOD: usize = 20_000;
/// Loopback source addresses of the flood: 127.0.1.1 … 127.0.1.100.
const SOURCES: usize = 100;
/// The server's per-address cap, its default.
const PER_IP: usize = 64;
/// The server's cap in all, its default.
const TOTAL: usize = 4_096;
/// The first connections of the flood come from one address, 127.0.0.2: over the per-address
/// cap they are answered 503.
const SINGLE: usize = 1_000;

/// The source of the flood's connection `i`: its index among the sources (0 for 127.0.0.2, then
/// 1 … SOURCES for 127.0.1.1 …) and its address.
fn source_of(i: usize) -> (usize, Ipv4Addr) {
    if i < SINGLE {
        (0, Ipv4Addr::new(127, 0, 0, 2))
    } else {
        let n = (i - SINGLE) % SOURCES + 1;
        (n, Ipv4Addr::new(127, 0, 1, u8::try_from(n).unwrap()))
    }
}
/// How many times health is asked during the flood.
const PROBES: usize = 20;

/// A running `vankien serve` on a two-document corpus; killed when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(options: &[&str]) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for name in [
        "thai-binh-09-NQ-DH-2020.txt",
        "69-KL-TW.txt",
        "sectors.json",
    ] {
        std::fs::copy(corpus_dir().join(name), corpus.join(name)).unwrap();
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let log = File::create(dir.path().join("serve.log")).unwrap();
    let child = Command::new(vankien_bin())
        .arg("serve")
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg("--corpus")
        .arg(&corpus)
        .arg("--addr")
        .arg(addr.to_string())
        .args(options)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("spawn vankien serve");
    let served = Served {
        child,
        addr,
        _dir: dir,
    };
    let started = Instant::now();
    loop {
        if let Ok(answer) = ask(served.addr, Ipv4Addr::LOCALHOST, &health_request())
            && answer.starts_with("HTTP/1.1 200")
        {
            return served;
        }
        assert!(
            started.elapsed() < START_TIMEOUT,
            "the server never got healthy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn health_request() -> Vec<u8> {
    b"GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".to_vec()
}

/// A socket bound to `source`, connected to `addr`.
fn connect_from(addr: SocketAddr, source: Ipv4Addr) -> std::io::Result<Socket> {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.bind(&SocketAddr::from((source, 0)).into())?;
    socket.connect_timeout(&addr.into(), Duration::from_secs(5))?;
    Ok(socket)
}

/// Sends `request` from `source` and reads the whole answer (the server closes after it).
fn ask(addr: SocketAddr, source: Ipv4Addr, request: &[u8]) -> std::io::Result<String> {
    let mut stream: TcpStream = connect_from(addr, source)?.into();
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(request)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

/// The body of an HTTP answer as JSON.
fn json_body(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {answer}"))
}

/// The server's resident memory, in KiB, from /proc.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("status"));
    status.ok()?.lines().find_map(|l| {
        l.strip_prefix("VmRSS:")
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    })
}

/// What the server has said on a flood socket so far: `None` while it says nothing.
fn said(socket: &Socket) -> Option<String> {
    let mut stream: &Socket = socket;
    let mut buf = [0u8; 1024];
    match stream.read(&mut buf) {
        Ok(n) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        Err(e) if e.kind() == ErrorKind::WouldBlock => None,
        Err(e) => Some(format!("error: {e}")),
    }
}

#[test]
fn a_flood_of_half_open_connections_leaves_the_server_answering() {
    let fd_limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1_024);
    let served = start(&[]);
    let pid = served.child.id();
    let rss_before = rss_kib(pid).unwrap_or(0);

    // The flood: half the sockets send nothing, half send half a request head.
    let budget = usize::try_from(fd_limit.saturating_sub(512)).unwrap_or(usize::MAX);
    let want = FLOOD.min(budget);
    let mut flood = Vec::with_capacity(want);
    let flood_started = Instant::now();
    for i in 0..want {
        let (_, source) = source_of(i);
        match connect_from(served.addr, source) {
            Ok(socket) => {
                if i % 2 == 1 {
                    let _ = (&socket).write_all(b"GET /api/health HTTP/1.1\r\nHost: t\r\n");
                }
                flood.push(socket);
            }
            Err(err) => {
                eprintln!("connect {i} failed: {err}; the flood stops there");
                break;
            }
        }
    }
    let opened = flood.len();
    eprintln!(
        "FIGURE flood: {opened} connections opened in {:.2} s (open-files limit {fd_limit})",
        flood_started.elapsed().as_secs_f64()
    );
    assert!(
        opened >= want.min(5_000),
        "only {opened} connections could be opened"
    );

    // Health from another address, while the flood is held.
    let mut latencies = Vec::with_capacity(PROBES);
    for _ in 0..PROBES {
        let t = Instant::now();
        let answer = ask(served.addr, Ipv4Addr::LOCALHOST, &health_request()).unwrap();
        latencies.push(t.elapsed());
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert_eq!(json_body(&answer)["status"], "ok");
    }
    latencies.sort();
    let rss_flood = rss_kib(pid).unwrap_or(0);
    eprintln!(
        "FIGURE health during the flood: {PROBES} answers 200, median {:.1} ms, max {:.1} ms",
        latencies[PROBES / 2].as_secs_f64() * 1e3,
        latencies[PROBES - 1].as_secs_f64() * 1e3
    );
    eprintln!(
        "FIGURE server RSS: {} MiB before the flood, {} MiB during it",
        rss_before / 1024,
        rss_flood / 1024
    );

    // One silent connection from its own address, opened last: no newer connection pushes it
    // out, so only the header timeout can close it.
    let silent: TcpStream = connect_from(served.addr, Ipv4Addr::new(127, 0, 0, 5))
        .unwrap()
        .into();
    let silent_since = Instant::now();

    // The caps: at most PER_IP kept from each source and TOTAL in all. Those over the
    // per-address cap were answered 503 too_many_connections and closed; at the cap in all, the
    // oldest waiting ones were closed without an answer to make room.
    for socket in &flood {
        socket.set_nonblocking(true).unwrap();
    }
    let over_address_cap = SINGLE.min(opened).saturating_sub(PER_IP);
    // What each socket was told, once it was told something: Some(true) a 503, Some(false)
    // closed without one.
    let mut told: Vec<Option<bool>> = vec![None; opened];
    let deadline = Instant::now() + Duration::from_secs(20);
    let (kept, answered_503, closed) = loop {
        let mut kept_by_source = vec![0usize; SOURCES + 1];
        for (i, socket) in flood.iter().enumerate() {
            if told[i].is_some() {
                continue;
            }
            match said(socket) {
                None => kept_by_source[source_of(i).0] += 1,
                Some(answer) if answer.starts_with("HTTP/1.1 503") => {
                    assert_eq!(json_body(&answer)["code"], "too_many_connections");
                    told[i] = Some(true);
                }
                Some(_) => told[i] = Some(false),
            }
        }
        let kept: usize = kept_by_source.iter().sum();
        let most = kept_by_source.iter().max().copied().unwrap_or(0);
        if (kept <= TOTAL && most <= PER_IP) || Instant::now() > deadline {
            assert!(kept <= TOTAL, "{kept} kept, more than {TOTAL}");
            assert!(most <= PER_IP, "{most} kept from one address");
            let answered_503 = told.iter().filter(|t| **t == Some(true)).count();
            break (kept, answered_503, opened - kept - answered_503);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    eprintln!(
        "FIGURE caps: {kept} connections kept, {answered_503} answered 503, {closed} closed \
         to make room (at most {PER_IP} an address, {TOTAL} in all)"
    );
    assert!(
        answered_503 >= over_address_cap,
        "{answered_503} answered 503, expected at least {over_address_cap}"
    );
    assert!(
        rss_flood < 1024 * 1024,
        "the server grew to {rss_flood} KiB under the flood"
    );

    // The silent connection is closed by the server (the header timeout, 10 s by default).
    let mut silent = silent;
    silent
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 64];
    let read = silent.read(&mut buf);
    let closed =
        matches!(&read, Ok(0)) || matches!(&read, Err(e) if e.kind() == ErrorKind::ConnectionReset);
    assert!(closed, "the silent connection was not closed: {read:?}");
    eprintln!(
        "FIGURE a silent connection closed after {:.1} s",
        silent_since.elapsed().as_secs_f64()
    );
    drop(flood);

    // Malformed requests get JSON errors.
    let source = Ipv4Addr::new(127, 0, 0, 6);
    let mut chunked = b"PUT /api/clauses/a/b/sectors/c HTTP/1.1\r\nHost: t\r\n\
        Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        .to_vec();
    for _ in 0..10 {
        chunked.extend_from_slice(b"fa0\r\n");
        chunked.extend(std::iter::repeat_n(b'x', 0xfa0));
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = ask(served.addr, source, &chunked).unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(json_body(&answer)["code"], "payload_too_large");
    let answer = ask(
        served.addr,
        source,
        b"GET /api/documents/%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(json_body(&answer)["code"], "bad_request");

    // And health still answers after it all.
    let answer = ask(served.addr, Ipv4Addr::LOCALHOST, &health_request()).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_kept_alive_connection_may_rest_longer_than_a_head_may_take() {
    // A head within 2 s, a rest of up to 6 s between requests.
    let served = start(&["--header-timeout", "2", "--idle-timeout", "6"]);
    let keep_alive = b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n";
    let mut stream: TcpStream = connect_from(served.addr, Ipv4Addr::new(127, 0, 0, 7))
        .unwrap()
        .into();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 4096];
    for round in 0..2 {
        stream.write_all(keep_alive).unwrap();
        let n = stream.read(&mut buf).unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "round {round}: {answer}"
        );
        // Past the header timeout, well within the idle one: the connection stays open.
        std::thread::sleep(Duration::from_secs(3));
    }
    // Resting on: the server closes it.
    let rest = Instant::now();
    let read = stream.read(&mut buf);
    assert!(
        matches!(&read, Ok(0)) || matches!(&read, Err(e) if e.kind() == ErrorKind::ConnectionReset),
        "the idle connection was not closed: {read:?}"
    );
    eprintln!(
        "FIGURE an idle kept-alive connection closed {:.1} s after its last rest began",
        rest.elapsed().as_secs_f64() + 3.0
    );

    // Half a head, then silence: closed by the header timeout, without an answer.
    let mut half: TcpStream = connect_from(served.addr, Ipv4Addr::new(127, 0, 0, 8))
        .unwrap()
        .into();
    half.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    half.write_all(b"GET /api/health HTTP/1.1\r\nHost:")
        .unwrap();
    let read = half.read(&mut buf);
    assert!(
        matches!(&read, Ok(0)) || matches!(&read, Err(e) if e.kind() == ErrorKind::ConnectionReset),
        "a half head was answered or kept: {read:?}"
    );
}
