//! `vankien serve`: the main job. Opens the library (index and store) as the index's one writer,
//! loads the sector taxonomy, builds the index from `corpus/` when it is empty, takes ingestions
//! from `vankien ingest` over a local socket, and serves the page and the API until Ctrl-C or
//! SIGTERM.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use vankien_index::IngestOptions;
use vankien_library::{Holder, Library, handoff};
use vankien_server::{AppState, ServerConfig};

/// The address served on when neither `--addr` nor `VANKIEN_ADDR` says otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// The default corpus folder, relative to the current directory.
const DEFAULT_CORPUS: &str = "corpus";

/// The taxonomy file inside the corpus folder.
const SECTORS_FILE: &str = "sectors.json";

/// Arguments of `vankien serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Index directory; built from the corpus when empty or missing. By default, `index`.
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Data directory of the annotation store (never inside the index directory). By default,
    /// `data`.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Corpus folder: ingested when the index is empty (given explicitly, it is also re-ingested
    /// incrementally on every start), and the home of `sectors.json`. By default, `corpus`.
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Address to listen on. By default, `$VANKIEN_ADDR` or 127.0.0.1:8080.
    #[arg(long, value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// The connection limits.
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The connection and token-check limits of `vankien serve`. Every default is the server's own
/// (`ServerConfig::default`).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Most connections open at once; at it, the oldest one waiting for a request head makes
    /// room, or the new one is answered 503 when the oldest are all busy.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_connections)]
    pub max_connections: usize,
    /// Most connections open at once from one client address.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().max_connections_per_ip)]
    pub max_connections_per_ip: usize,
    /// Seconds a connection may take to send a whole request head.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerConfig::default().header_read_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may rest between requests.
    #[arg(long, value_name = "SECONDS", default_value_t = ServerConfig::default().idle_timeout.as_secs())]
    pub idle_timeout: u64,
    /// Listen backlog: connections the kernel queues before they are accepted.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().listen_backlog)]
    pub listen_backlog: u32,
    /// Failed token checks allowed per minute from one address and for one token id.
    #[arg(long, value_name = "N", default_value_t = ServerConfig::default().auth_failures_per_minute)]
    pub auth_failures_per_minute: u32,
    /// How many matches a search's total counts exactly at least, unless the request asks for
    /// `exact_total`: past that many it may be a lower bound, which the page shows as
    /// "hơn N kết quả" until its second request brings the exact count.
    #[arg(long, value_name = "N", default_value_t = vankien_index::EXACT_TOTAL_UP_TO)]
    pub exact_up_to: usize,
}

impl Default for LimitArgs {
    fn default() -> LimitArgs {
        let d = ServerConfig::default();
        LimitArgs {
            max_connections: d.max_connections,
            max_connections_per_ip: d.max_connections_per_ip,
            header_timeout: d.header_read_timeout.as_secs(),
            idle_timeout: d.idle_timeout.as_secs(),
            listen_backlog: d.listen_backlog,
            auth_failures_per_minute: d.auth_failures_per_minute,
            exact_up_to: d.exact_up_to,
        }
    }
}

impl LimitArgs {
    /// The server's limits with these options applied.
    fn config(&self) -> anyhow::Result<ServerConfig> {
        if self.max_connections == 0 || self.max_connections_per_ip == 0 {
            bail!("--max-connections and --max-connections-per-ip must be at least 1");
        }
        if self.header_timeout == 0 || self.idle_timeout == 0 {
            bail!("--header-timeout and --idle-timeout must be at least 1 second");
        }
        Ok(ServerConfig {
            max_connections: self.max_connections,
            max_connections_per_ip: self.max_connections_per_ip,
            header_read_timeout: std::time::Duration::from_secs(self.header_timeout),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout),
            listen_backlog: self.listen_backlog.max(1),
            auth_failures_per_minute: self.auth_failures_per_minute.max(1),
            exact_up_to: self.exact_up_to.max(1),
            ..ServerConfig::default()
        })
    }
}

/// Runs `vankien serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging();
    // Bad limits fail before anything is bound or built.
    args.limits.config()?;
    let addr = resolve_addr(
        args.addr.as_deref(),
        std::env::var("VANKIEN_ADDR").ok().as_deref(),
    )?;
    // Bind before the (possibly long) first indexing, so that a busy port fails at once.
    let listener = std::net::TcpListener::bind(addr)
        .with_context(|| format!("cannot listen on {addr} (pass --addr HOST:PORT)"))?;
    listener
        .set_nonblocking(true)
        .context("cannot make the listening socket non-blocking")?;
    let library = prepare(&args)?;
    // `vankien ingest` of this index from another process hands its work over this socket.
    match handoff::listen(library.clone()) {
        Ok(socket) => tracing::info!("taking ingestions on {}", socket.display()),
        Err(e) => {
            eprintln!("vankien: warning: `vankien ingest` cannot hand work to this server: {e}")
        }
    }
    let state = AppState::new(library, args.limits.config()?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)
            .context("cannot listen with the async runtime")?;
        let local = listener.local_addr().unwrap_or(addr);
        println!("vankien: serving on http://{local}/");
        vankien_server::serve_on(listener, state, vankien_server::shutdown_signal())
            .await
            .context("the server stopped with an error")?;
        eprintln!("vankien: stopped");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Logs to stderr; `RUST_LOG` chooses what (by default warnings and errors only).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // A second call (tests) finds a subscriber already set: that is fine.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// The address to listen on: `--addr`, else `VANKIEN_ADDR`, else 127.0.0.1:8080.
fn resolve_addr(flag: Option<&str>, env: Option<&str>) -> anyhow::Result<SocketAddr> {
    let (text, from) = match (flag, env.filter(|e| !e.trim().is_empty())) {
        (Some(f), _) => (f, "--addr"),
        (None, Some(e)) => (e, "VANKIEN_ADDR"),
        (None, None) => (DEFAULT_ADDR, "the default"),
    };
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    // `localhost:8080` and other names.
    text.to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .with_context(|| {
            format!("bad address {text:?} from {from}: expected HOST:PORT, e.g. 127.0.0.1:8080")
        })
}

/// Everything before serving: the library opened as the index's writer (interrupted work
/// finished, damage repaired), the taxonomy, the corpus ingested when the index is empty or
/// `--corpus` is given.
fn prepare(args: &ServeArgs) -> anyhow::Result<Arc<Library>> {
    let corpus = args
        .corpus
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS));
    let holder = Holder {
        pid: std::process::id(),
        role: "serve".into(),
        socket: Some(
            std::path::absolute(args.index.join(handoff::SOCKET_FILE))
                .context("cannot resolve the index directory")?,
        ),
    };
    let (library, opened) = Library::open(&args.index, &args.data, &holder)
        .with_context(|| format!("cannot open the index in {}", args.index.display()))?;
    crate::ingest::report_open(&opened);
    let store = library.store();
    let sectors_file = corpus.join(SECTORS_FILE);
    if sectors_file.is_file() {
        let n = store
            .load_sectors(&sectors_file)
            .with_context(|| format!("cannot load the sectors of {}", sectors_file.display()))?;
        eprintln!("vankien: {n} sectors from {}", sectors_file.display());
    } else if store.sectors()?.is_empty() {
        eprintln!(
            "vankien: warning: no {} and no sectors in the store: nothing can be tagged",
            sectors_file.display()
        );
    }
    // The suggestions' keywords beside the taxonomy; without the file, the sector names alone.
    let keywords_file = corpus.join(vankien_library::suggest::KEYWORDS_FILE);
    if keywords_file.is_file() {
        let keywords = vankien_library::suggest::read_keywords(&keywords_file, &store.sectors()?)?;
        library.suggester().set_keywords(keywords);
    }
    if library.index().is_empty() || args.corpus.is_some() {
        if !corpus.is_dir() {
            bail!(
                "the index in {} is empty and there is no corpus folder at {}: run vankien from \
                 the repository root, pass --corpus DIR, or build the index with `{} ingest`",
                args.index.display(),
                corpus.display(),
                crate::invoke::command()
            );
        }
        eprintln!("vankien: indexing {} …", corpus.display());
        crate::ingest::with_progress(|on_event| {
            Ok(library.ingest(
                std::slice::from_ref(&corpus),
                &IngestOptions::default(),
                on_event,
            )?)
        })
        .with_context(|| format!("cannot index {}", corpus.display()))?;
    }

    let users = store.users()?;
    if users.is_empty() {
        eprintln!(
            "vankien: no annotators yet; create one with `{} user add NAME --role annotator --data {}`",
            crate::invoke::command(),
            args.data.display()
        );
    }
    let docs = library.index().documents()?;
    let clauses: usize = docs.iter().map(|d| d.clauses).sum();
    eprintln!(
        "vankien: {} documents, {clauses} clauses, {} tagged clauses, {} users",
        docs.len(),
        store.sector_map()?.len(),
        users.len()
    );
    Ok(Arc::new(library))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use vankien_annotate::Store;
    use vankien_index::Index;

    use super::*;

    fn corpus() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
    }

    #[test]
    fn addr_comes_from_the_flag_then_the_environment_then_the_default() {
        assert_eq!(
            resolve_addr(Some("0.0.0.0:9000"), Some("127.0.0.1:7000")).unwrap(),
            "0.0.0.0:9000".parse().unwrap()
        );
        assert_eq!(
            resolve_addr(None, Some("127.0.0.1:7000")).unwrap(),
            "127.0.0.1:7000".parse().unwrap()
        );
        assert_eq!(
            resolve_addr(None, Some("  ")).unwrap(),
            DEFAULT_ADDR.parse().unwrap()
        );
        assert_eq!(
            resolve_addr(None, None).unwrap(),
            DEFAULT_ADDR.parse().unwrap()
        );
        let err = resolve_addr(Some("not an address"), None).unwrap_err();
        assert!(err.to_string().contains("--addr"), "{err}");
    }

    #[test]
    fn prepare_builds_an_empty_index_from_the_corpus_once() {
        let dir = tempfile::tempdir().unwrap();
        // A small corpus: two documents and the taxonomy.
        let small = dir.path().join("corpus");
        std::fs::create_dir(&small).unwrap();
        for name in ["thai-binh-09-NQ-DH-2020.txt", "69-KL-TW.txt", SECTORS_FILE] {
            std::fs::copy(corpus().join(name), small.join(name)).unwrap();
        }
        let args = ServeArgs {
            index: dir.path().join("index"),
            data: dir.path().join("data"),
            corpus: Some(small.clone()),
            addr: None,
            limits: LimitArgs::default(),
        };
        prepare(&args).unwrap();
        let index = Index::open(&args.index).unwrap();
        assert_eq!(index.documents().unwrap().len(), 2);
        let store = Store::open(&args.data).unwrap();
        assert!(store.sectors().unwrap().len() > 20);
        drop((index, store));

        // A tag survives a restart and is mirrored into the index again.
        let (doc_id, clause) = {
            let index = Index::open(&args.index).unwrap();
            let doc = index.documents().unwrap().remove(0);
            let full = index.document(&doc.id).unwrap().unwrap();
            (doc, full.clauses[3].clone())
        };
        {
            let store = Store::open(&args.data).unwrap();
            let (user, _) = store
                .add_user("lan", vankien_annotate::Role::Annotator)
                .unwrap();
            let clause_ref = vankien_annotate::ClauseRef::from_clause(
                &doc_id.id,
                doc_id.number.as_deref(),
                &clause,
            );
            store.tag(&user, &clause_ref, "du-lich").unwrap();
        }
        let state_args = ServeArgs {
            corpus: None,
            ..args
        };
        // No corpus flag and a full index: nothing is re-ingested; the mirror is rebuilt.
        prepare(&state_args).unwrap();
        let index = Index::open(&state_args.index).unwrap();
        assert_eq!(index.documents().unwrap().len(), 2);
        let words: Vec<&str> = clause
            .text
            .split_whitespace()
            .filter(|w| w.chars().all(char::is_alphabetic))
            .take(3)
            .collect();
        let by_words = index
            .search(&vankien_index::SearchRequest {
                query: words.join(" "),
                sector: Some("du-lich".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(by_words.hits.len(), 1, "{words:?}");
        assert_eq!(by_words.hits[0].clause_id, clause.id);
    }

    #[test]
    fn prepare_refuses_a_data_dir_inside_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let args = ServeArgs {
            index: dir.path().join("index"),
            data: dir.path().join("index/data"),
            corpus: Some(corpus()),
            addr: None,
            limits: LimitArgs::default(),
        };
        let err = prepare(&args).unwrap_err();
        assert!(format!("{err:#}").contains("inside the index"), "{err:#}");
        assert!(!args.data.exists());
    }

    #[test]
    fn prepare_says_clearly_when_there_is_no_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let args = ServeArgs {
            index: dir.path().join("index"),
            data: dir.path().join("data"),
            corpus: Some(dir.path().join("no-corpus-here")),
            addr: None,
            limits: LimitArgs::default(),
        };
        let err = format!("{:#}", prepare(&args).unwrap_err());
        assert!(err.contains("no corpus folder"), "{err}");
        assert!(err.contains("--corpus"), "{err}");
    }
}
