//! Ingestions handed to the index's writer: a server holds its index's writer lock for as long as
//! it serves, so a `vankien ingest` of the same index from another process sends its work over a
//! local socket in the index directory instead, and the server ingests it as its own (durable
//! re-attachment, the sector mirror, and its readers following at once).
//!
//! The protocol is JSON lines on a Unix socket readable by its owner only: the client sends one
//! [`Request`]; the server answers with one [`Reply::Event`] per progress event and ends with
//! [`Reply::Done`] or [`Reply::Failed`].

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use vankien_index::{IngestEvent, IngestOptions, IngestReport};

use crate::{IngestOutcome, Library, LibraryError};

/// The socket's file name in the index directory.
pub const SOCKET_FILE: &str = "vankien.sock";

/// An ingestion asked of the writer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Files and folders, absolute (the server's working directory is not the client's).
    pub paths: Vec<PathBuf>,
    /// Drop documents whose source file no longer exists.
    pub remove_missing: bool,
    /// The client's data directory, absolute: it must be the server's.
    pub data_dir: PathBuf,
}

/// One line of the writer's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    /// Progress.
    Event(IngestEvent),
    /// The ingestion is committed and its tags re-attached.
    Done {
        /// The index's report.
        report: IngestReport,
        /// Tags moved to another clause.
        moved: usize,
        /// Tags orphaned.
        orphaned: usize,
    },
    /// The ingestion failed; nothing of it is visible.
    Failed(String),
}

/// Takes ingestions on `<index>/vankien.sock` for `library`, on a thread of its own, until the
/// process ends. A stale socket file (from a server that was killed) is replaced: the caller
/// holds the writer lock, so no live server owns it.
pub fn listen(library: Arc<Library>) -> Result<PathBuf, LibraryError> {
    let path = library.index_dir().join(SOCKET_FILE);
    let io = |e| LibraryError::Io {
        path: path.clone(),
        source: e,
    };
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    let listener = UnixListener::bind(&path).map_err(io)?;
    // Whoever may write the index may ingest into it; no one else.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    std::thread::Builder::new()
        .name("vankien-handoff".into())
        .spawn(move || {
            for stream in listener.incoming() {
                match stream {
                    Ok(stream) => {
                        if let Err(e) = serve_one(&library, stream) {
                            tracing::warn!("an ingestion handed over failed to answer: {e}");
                        }
                    }
                    Err(e) => tracing::warn!("the ingestion socket: {e}"),
                }
            }
        })
        .map_err(io)?;
    Ok(path)
}

fn serve_one(library: &Library, stream: UnixStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = std::io::BufWriter::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut send = |reply: &Reply| -> std::io::Result<()> {
        serde_json::to_writer(&mut writer, reply)?;
        writer.write_all(b"\n")?;
        writer.flush()
    };
    let request: Request = match serde_json::from_str(&line) {
        Ok(r) => r,
        Err(e) => return send(&Reply::Failed(format!("a malformed request: {e}"))),
    };
    let ours = crate::lock::resolved(library.data_dir()).ok();
    let theirs = crate::lock::resolved(&request.data_dir).ok();
    if ours != theirs {
        return send(&Reply::Failed(format!(
            "the server keeps the tags of this index in {}, not in {}: pass --data {}",
            library.data_dir().display(),
            request.data_dir.display(),
            library.data_dir().display()
        )));
    }
    let opts = IngestOptions {
        remove_missing: request.remove_missing,
    };
    // A client that went away does not stop the ingestion: its events are dropped.
    let mut gone = false;
    let result = library.ingest(&request.paths, &opts, &mut |event| {
        if !gone && send(&Reply::Event(event)).is_err() {
            gone = true;
        }
    });
    match result {
        Ok(outcome) => send(&Reply::Done {
            report: outcome.report,
            moved: outcome.moved,
            orphaned: outcome.orphaned,
        }),
        Err(e) => send(&Reply::Failed(e.to_string())),
    }
}

/// Hands an ingestion to the writer listening on `socket`, passing its events to `on_event`.
pub fn ingest_via(
    socket: &Path,
    request: &Request,
    on_event: &mut dyn FnMut(IngestEvent),
) -> Result<IngestOutcome, LibraryError> {
    let io = |e| LibraryError::Io {
        path: socket.to_path_buf(),
        source: e,
    };
    let stream = UnixStream::connect(socket).map_err(io)?;
    let mut writer = stream.try_clone().map_err(io)?;
    let mut line = serde_json::to_string(request).expect("a request serializes");
    line.push('\n');
    writer.write_all(line.as_bytes()).map_err(io)?;
    for line in BufReader::new(stream).lines() {
        let line = line.map_err(io)?;
        let reply: Reply = serde_json::from_str(&line)
            .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        match reply {
            Reply::Event(event) => on_event(event),
            Reply::Done {
                report,
                moved,
                orphaned,
            } => {
                return Ok(IngestOutcome {
                    report,
                    moved,
                    orphaned,
                });
            }
            Reply::Failed(message) => return Err(LibraryError::HandedOff(message)),
        }
    }
    Err(io(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the server closed the socket before the ingestion ended (did it stop?)",
    )))
}
