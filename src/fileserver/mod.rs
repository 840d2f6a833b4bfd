//! The Player API: the archive served to Players on other PCs (`/api/v1/`, see
//! `docs/API.md`). It runs inside the recorder service (next to the device and PBX
//! routes, with its own logins) and alone as `callrec fileserver`, which records
//! nothing.
//!
//! Every request is checked here, where the data is: an account limited to some
//! extensions can neither list nor fetch another extension's record, whatever URL it
//! types, because a record is found only through the catalog and then checked
//! against the account. Encrypted records are decrypted here; keys never leave.

pub mod changes;
pub mod control;
pub mod copies;
pub mod login;
pub mod records;

use std::sync::{Arc, Mutex, Once, Weak};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::archive::accounts::Account;
use crate::archive::identity::{Identity, TrustedKeys};
use crate::archive::keyring::KeyRing;
use crate::archive::ops::Actor;
use crate::archive::store::Store;
use crate::player::bucket_source::BucketSource;
use crate::player::catalog::Catalog;
use crate::player::recorder_names::{self, Logs, RecorderNames};
use crate::recorder::address_budget::AddressBudget;
use crate::recorder::connection_limits::PeerAddr;
use crate::recorder::player_commands::PlayerCommands;
use crate::recorder::status::StatusBoard;
use login::{Logins, Refused};

/// What the Player API serves from.
pub struct FileServer {
    pub store: Store,
    pub ring: KeyRing,
    /// Signs the activity log lines written for Players.
    pub identity: Identity,
    /// This installation's name in the activity log.
    pub server_name: String,
    pub logins: Logins,
    catalog: Mutex<Shelf>,
    /// The rows of the last list asked for (by account and filter), while the catalog
    /// is unchanged: a Player paging through a million records filters once.
    last_list: Mutex<Option<Listed>>,
    /// The recorder's status, when the recorder runs in this process.
    pub status: Option<Arc<StatusBoard>>,
    /// Counts catalog changes, whoever found them (a list, the look for waiting
    /// Players, a change a Player made); Players waiting for new calls wait on it.
    changes: tokio::sync::watch::Sender<u64>,
    refresher: Once,
    /// Marks for everyone are read, changed and written under this lock.
    pub marks: Mutex<()>,
    /// Requests per client address, so that a looping Player cannot take the
    /// recorder's time.
    requests: AddressBudget,
    /// Commands for named Players (the recorder's, when it runs in this process).
    pub commands: Arc<PlayerCommands>,
    /// The archive in a bucket, when the records are there (fetched to serve them).
    pub bucket: Option<BucketSource>,
    /// Which recorder stored each record, from the activity logs (for lists by
    /// recorder), kept current once a Player asked for it.
    recorders: recorder_names::Shared,
    recorders_following: Once,
}

/// Requests a Player's address may make per second, and at once (a Player opening a
/// store of a million records pages through 200 lists).
const REQUESTS_PER_S: f64 = 50.0;
const REQUESTS_AT_ONCE: f64 = 1000.0;

/// The largest request body (notes are the largest thing a Player sends).
const MAX_BODY: usize = crate::archive::ops::MAX_NOTE + 1024;

/// Rows of the catalog remembered for a list: whose and which filter, at which
/// catalog change, and the rows.
struct Listed {
    key: String,
    generation: u64,
    rows: Arc<Vec<usize>>,
}

/// The catalog and when it was last looked at.
struct Shelf {
    catalog: Catalog,
    refreshed: Option<Instant>,
}

/// How often the catalog is looked at for Players waiting for new calls: one look for
/// all of them, however many wait.
const LOOK_EVERY: Duration = Duration::from_millis(250);

impl FileServer {
    /// `index_dir`: where the catalog keeps its month indexes (the setup folder), so
    /// that a server on a large store is up in a fraction of a second.
    pub fn new(
        store: Store,
        ring: KeyRing,
        identity: Identity,
        server_name: String,
        accounts: Vec<Account>,
        status: Option<Arc<StatusBoard>>,
        index_dir: Option<&std::path::Path>,
    ) -> FileServer {
        let catalog = Catalog::open_indexed(&store, index_dir);
        FileServer {
            store,
            ring,
            identity,
            server_name,
            logins: Logins::new(accounts),
            catalog: Mutex::new(Shelf {
                catalog,
                refreshed: None,
            }),
            last_list: Mutex::new(None),
            status,
            changes: tokio::sync::watch::channel(0).0,
            refresher: Once::new(),
            marks: Mutex::new(()),
            requests: AddressBudget::new(REQUESTS_PER_S, REQUESTS_AT_ONCE),
            commands: Arc::default(),
            bucket: None,
            recorders: recorder_names::Shared::default(),
            recorders_following: Once::new(),
        }
    }

    /// Serves the archive in `bucket` instead of the store's folders: listed by the
    /// source's lister, each record fetched into the source's cache when it is asked
    /// for. The records are changed by their recorders and retention only: no account
    /// may delete, move, copy, set TANs or notes here.
    pub fn with_bucket(
        mut self,
        bucket: BucketSource,
        index_dir: Option<&std::path::Path>,
    ) -> FileServer {
        self.catalog = Mutex::new(Shelf {
            catalog: Catalog::open_bucket(bucket.clone(), index_dir),
            refreshed: None,
        });
        self.logins = self.logins.read_only();
        self.bucket = Some(bucket);
        self
    }

    /// Brings the record at `audio` to where it is read: a bucket's record into the
    /// cache; a folder store's is there.
    pub fn fetch(&self, audio: &std::path::Path) -> std::io::Result<()> {
        match &self.bucket {
            Some(bucket) => bucket.fetch(audio),
            None => Ok(()),
        }
    }

    /// The keys this server trusts: those published in the store, and in the bucket
    /// (read again once a minute).
    pub fn trusted(&self) -> TrustedKeys {
        let trusted = TrustedKeys::load_dir(&self.store.keys_dir());
        match &self.bucket {
            Some(bucket) => bucket.trusted(&trusted),
            None => trusted,
        }
    }

    /// Which recorder stored each record, as last read. The first caller reads the
    /// activity logs (it may wait for the bucket: call it off the async tasks) and
    /// starts the thread that follows them (it ends when the server is gone); each
    /// new reading wakes the Players waiting for new records, since one that waits
    /// for a recorder's records may wait for a record whose recorder was not yet read.
    pub fn recorders(self: &Arc<Self>) -> Arc<RecorderNames> {
        self.recorders_following.call_once(|| {
            let logs = match &self.bucket {
                Some(bucket) => Logs::Bucket(bucket.bucket.clone()),
                None => Logs::Store(self.store.clone()),
            };
            let server = Arc::downgrade(self);
            recorder_names::read_then_follow(logs, &self.recorders, move || {
                if let Some(server) = server.upgrade() {
                    server.changed(true);
                }
            });
        });
        self.recorders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Hands commands to Players through `commands` (the running recorder's, which its
    /// AppServer link fills too).
    pub fn with_commands(mut self, commands: Arc<PlayerCommands>) -> FileServer {
        self.commands = commands;
        self
    }

    /// A record's name in the activity log (`YYYY_MM/NAME`) from where it is read:
    /// the store's folders, or the bucket's cache.
    pub fn relative(&self, audio: &std::path::Path) -> Option<String> {
        match &self.bucket {
            Some(bucket) => audio
                .strip_prefix(&bucket.cache)
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/")),
            None => self.store.relative_path(audio),
        }
    }

    /// Sends this server's activity log and key into the archive's bucket, when the
    /// records are there and no recorder runs here (a line it wrote for a Player, a
    /// copy or a play, is then in the archive's logs). Beside a recorder the log is the
    /// recorder's, which its outbox sends within a second: not sent twice, since it
    /// may be large.
    pub fn share_log(&self) -> std::io::Result<()> {
        match &self.bucket {
            Some(_) if self.status.is_some() => Ok(()),
            Some(bucket) => crate::archive::bucket_outbox::share_log(
                &bucket.bucket,
                &self.store.audit_log(),
                &self.identity.public(),
            ),
            None => Ok(()),
        }
    }

    /// Acts for `account`: what it does goes to the activity log as `player:NAME`.
    pub fn act_as<T>(&self, account: &Account, f: impl FnOnce(&Actor<'_>) -> T) -> T {
        let name = format!("player:{}", account.name);
        f(&Actor {
            store: &self.store,
            identity: &self.identity,
            name: &name,
        })
    }

    /// Counts a change of the catalog, waking the Players that wait for one.
    fn changed(&self, changed: bool) {
        if changed {
            self.changes.send_modify(|n| *n += 1);
        }
    }

    /// Looks at the store again (under the catalog's lock).
    fn refresh(&self, shelf: &mut Shelf) {
        let changed = shelf.catalog.refresh();
        shelf.refreshed = Some(Instant::now());
        self.changed(changed);
    }

    /// Reads the folder of `audio` again at once (a record was renamed, deleted).
    pub fn reread(&self, audio: &std::path::Path) {
        let mut shelf = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        let changed = shelf.catalog.reread_folder_of(audio);
        self.changed(changed);
    }

    /// A receiver that wakes when records came or went. The first caller starts the
    /// one task that looks (it ends when the server is gone).
    pub fn watch_changes(self: &Arc<Self>) -> tokio::sync::watch::Receiver<u64> {
        self.refresher.call_once(|| {
            let server: Weak<FileServer> = Arc::downgrade(self);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(LOOK_EVERY).await;
                    let Some(this) = server.upgrade() else {
                        return;
                    };
                    let _ = tokio::task::spawn_blocking(move || {
                        let mut shelf = this.catalog.lock().unwrap_or_else(|e| e.into_inner());
                        this.refresh(&mut shelf);
                    })
                    .await;
                }
            });
        });
        self.changes.subscribe()
    }

    /// Works on the catalog, looked at again for new records at most once a second.
    pub fn with_catalog<T>(&self, f: impl FnOnce(&Catalog) -> T) -> T {
        self.with_shelf(|catalog, _| f(catalog))
    }

    /// [`Self::with_catalog`], with the count of the catalog's changes.
    fn with_shelf<T>(&self, f: impl FnOnce(&Catalog, u64) -> T) -> T {
        let mut shelf = self.catalog.lock().unwrap_or_else(|e| e.into_inner());
        if shelf
            .refreshed
            .is_none_or(|t| t.elapsed().as_millis() >= 1000)
        {
            self.refresh(&mut shelf);
        }
        let generation = *self.changes.borrow();
        f(&shelf.catalog, generation)
    }

    /// Works on the rows `filter` picks from the catalog. With a `key` (an account and
    /// a filter) the rows are remembered and picked again only when the catalog changed
    /// or another list was asked for since.
    pub fn with_rows<T>(
        &self,
        key: Option<&str>,
        filter: impl FnOnce(&Catalog) -> Vec<usize>,
        then: impl FnOnce(&Catalog, &[usize]) -> T,
    ) -> T {
        self.with_shelf(|catalog, generation| {
            let Some(key) = key else {
                return then(catalog, &filter(catalog));
            };
            let mut last = self.last_list.lock().unwrap_or_else(|e| e.into_inner());
            let rows = match last.as_ref() {
                Some(l) if l.key == key && l.generation == generation => l.rows.clone(),
                _ => {
                    let rows = Arc::new(filter(catalog));
                    *last = Some(Listed {
                        key: key.to_string(),
                        generation,
                        rows: rows.clone(),
                    });
                    rows
                }
            };
            drop(last);
            then(catalog, &rows)
        })
    }
}

/// The routes under `/api/v1/`, each behind the account check.
pub fn router(server: Arc<FileServer>) -> Router {
    Router::new()
        .route("/api/v1/records", get(records::list))
        .route("/api/v1/me", get(records::me))
        .route("/api/v1/marks", get(changes::marks))
        .route("/api/v1/recorders", get(records::recorders))
        .route(
            "/api/v1/records/{name}",
            get(records::details).delete(changes::delete),
        )
        .route("/api/v1/records/{name}/audio", get(records::audio))
        .route(
            "/api/v1/records/{name}/waveform",
            get(copies::record_waveform),
        )
        .route("/api/v1/records/{name}/copy", get(copies::copy_audio))
        .route("/api/v1/records/{name}/evidence", get(copies::evidence))
        .route(
            "/api/v1/records/{name}/metadata",
            get(copies::copy_metadata),
        )
        .route("/api/v1/records/{name}/notes", put(changes::notes))
        .route("/api/v1/records/{name}/tan", put(changes::tan))
        .route(
            "/api/v1/records/{name}/mark",
            put(changes::mark).delete(changes::unmark),
        )
        .route("/api/v1/recorder/alarm", post(records::switch_alarm))
        .route("/api/v1/recorder", get(records::recorder_status))
        .route("/api/v1/recorder/reset", post(records::reset_alarm))
        .route("/api/v1/commands", get(control::next_commands))
        .route("/api/v1/players", get(control::players))
        .route(
            "/api/v1/players/{player}/{command}",
            get(control::command).post(control::command),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(server.clone(), logged_in))
        .with_state(server)
}

/// Lets a request in only with an account's right password; the account goes with it.
async fn logged_in(
    State(server): State<Arc<FileServer>>,
    ConnectInfo(PeerAddr(peer)): ConnectInfo<PeerAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let from = peer.ip();
    if !server.requests.take(from, 1) {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests from this address: slow down\n",
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    let server2 = server.clone();
    // Argon2 takes tens of milliseconds: not on the async threads
    let checked = tokio::task::spawn_blocking(move || server2.logins.check(&authorization, from))
        .await
        .unwrap_or(Err(Refused::Unknown));
    match checked {
        Ok(account) => {
            request.extensions_mut().insert(account);
            next.run(request).await
        }
        Err(Refused::Wait(waiting)) => waiting.response(),
        Err(Refused::Unknown) => {
            let mut response = (
                StatusCode::UNAUTHORIZED,
                "an account name and password are needed\n",
            )
                .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"callrec players\""),
            );
            response
        }
    }
}
