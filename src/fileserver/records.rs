//! The records an account may see: the list with the Player's filters, one record's
//! details with its verdict, and its audio with HTTP Range; the recorder's status.
//! A record is found by its file name in the catalog, never by a path built from the
//! request, and then checked against the account's extensions: a name the account may
//! not see answers exactly as a name that does not exist.

use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::FileServer;
use crate::archive::accounts::Account;
use crate::archive::audio_crypt::{DecryptingReader, is_encrypted};
use crate::archive::audit::Action;
use crate::archive::name::{Direction, RecordName};
use crate::archive::sidecar::Verdict;
use crate::archive::verify::{Found, check_found};
use crate::player::catalog::{Catalog, Entry};
use crate::player::filter::Filter;
use crate::player::permissions::Permissions;
use crate::player::recorder_names::RecorderNames;

/// The most records one list answer carries; the client pages with `offset`.
const MAX_PAGE: usize = 5000;
/// Audio is sent in pieces of this size.
const PIECE: usize = 64 * 1024;

/// One record in a list answer.
#[derive(Debug, Serialize)]
pub struct RecordItem {
    pub name: String,
    pub month: String,
    /// `YYYY-MM-DD HH:MM`, the PBX's local time of the call.
    pub start: String,
    pub internal: String,
    pub external: String,
    /// `in` or `out`.
    pub direction: &'static str,
    pub ring_s: u32,
    pub tan: Option<String>,
    pub size: u64,
    /// The recorder (site) that stored it, as its activity log says; none while its
    /// line was not read yet.
    pub recorder: Option<String>,
}

impl RecordItem {
    fn of(e: &Entry, recorders: &RecorderNames) -> RecordItem {
        let s = e.start();
        RecordItem {
            name: e.file_name().to_string(),
            month: s.month_folder(),
            start: format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                s.year, s.month, s.day, s.hour, s.minute
            ),
            internal: e.internal().to_string(),
            external: e.external().to_string(),
            direction: match e.direction() {
                Direction::Incoming => "in",
                Direction::Outgoing => "out",
            },
            ring_s: e.time_to_answer_s(),
            tan: e.tan().map(str::to_string),
            size: e.size,
            recorder: recorders.of(e.file_name()).map(str::to_string),
        }
    }
}

#[derive(Debug, Serialize)]
struct ListAnswer {
    /// Records that pass the filter and the account's limit.
    total: usize,
    offset: usize,
    records: Vec<RecordItem>,
    /// Give it as `since=` to get only records written after these.
    cursor: String,
}

/// What a list request asks for besides the filter.
#[derive(Debug, Clone, Copy, Default)]
struct Page {
    offset: usize,
    limit: usize,
    /// Only records written after this (nanoseconds since 1970).
    since: Option<u64>,
    /// How long to wait for such records when there are none yet.
    wait: Duration,
    format: ListFormat,
}

/// How a list page is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum ListFormat {
    #[default]
    Json,
    /// `format=lines`: a line a record (`MONTH/NAME<TAB>SIZE`), for Players that list
    /// everything (the name carries what the list shows).
    Lines,
    /// `format=entries`: the catalog's own binary entries (the month index's encoding),
    /// which the Player window reads without parsing a name.
    Entries,
}

/// Records a `format=lines` page may hold.
const MAX_LINES_PAGE: usize = 100_000;

/// The longest a Player may wait for new records in one request.
const MAX_WAIT: Duration = Duration::from_secs(30);

fn written_ns(e: &Entry) -> u64 {
    e.modified()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn limits_of(account: &Account) -> Permissions {
    Permissions {
        copy: account.rights.copy,
        delete: account.rights.delete,
        tan: account.rights.tan,
        notes: account.rights.notes,
        extensions: account.extensions.clone(),
    }
}

pub(super) fn refuse(status: StatusCode, why: &str) -> Response {
    (status, format!("{why}\n")).into_response()
}

/// The filter and page a list request asks for; a bad value is named.
fn filter_of(query: &str) -> Result<(Filter, Page), String> {
    let mut filter = Filter::default();
    let mut page = Page {
        limit: 1000,
        ..Page::default()
    };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let bounded = |v: &str| -> Result<String, String> {
            if v.len() > 64 || v.chars().any(char::is_control) {
                Err(format!("{key}= is too long or not text"))
            } else {
                Ok(v.to_string())
            }
        };
        match &*key {
            "month" => filter.month = bounded(&value)?,
            "day" => {
                filter.day = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|d| (1..=31).contains(d))
                        .ok_or("day= is 1 to 31")?,
                )
            }
            "internal" => filter.internal = bounded(&value)?,
            "external" => filter.external = bounded(&value)?,
            "tan" => filter.tan = bounded(&value)?,
            "recorder" => filter.recorder = bounded(&value)?,
            "direction" => {
                filter.direction = match &*value {
                    "in" => Some(Direction::Incoming),
                    "out" => Some(Direction::Outgoing),
                    "" | "any" => None,
                    _ => return Err("direction= is in, out or any".into()),
                }
            }
            "newest" => filter.newest_first = matches!(&*value, "1" | "true" | "on"),
            "offset" => page.offset = value.parse().map_err(|_| "offset= is a number")?,
            "since" => page.since = Some(value.parse().map_err(|_| "since= is a cursor")?),
            "wait" => {
                page.wait = value
                    .parse()
                    .ok()
                    .map(Duration::from_secs)
                    .filter(|w| *w <= MAX_WAIT)
                    .ok_or("wait= is 0 to 30 seconds")?
            }
            "limit" => {
                page.limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LINES_PAGE).contains(n))
                    .ok_or(format!(
                        "limit= is 1 to {MAX_PAGE} (with format=lines, 1 to {MAX_LINES_PAGE})"
                    ))?
            }
            "format" => {
                page.format = match &*value {
                    "lines" => ListFormat::Lines,
                    "entries" => ListFormat::Entries,
                    "json" => ListFormat::Json,
                    _ => return Err("format= is json, lines or entries".into()),
                }
            }
            other => return Err(format!("unknown parameter {other}=")),
        }
    }
    if page.format == ListFormat::Json && page.limit > MAX_PAGE {
        return Err(format!("limit= is 1 to {MAX_PAGE}"));
    }
    Ok((filter, page))
}

/// The page of records that pass `filter` and the account's limit.
/// `key` names the account and the filter, for the server's memory of the last list.
fn answer(
    server: &FileServer,
    key: &str,
    filter: &Filter,
    limits: &Permissions,
    recorders: &RecorderNames,
    page: Page,
) -> Listed {
    let since = page.since;
    let recorder = |e: &Entry| recorders.passes(e.file_name(), &filter.recorder);
    let pick = |catalog: &Catalog| -> Vec<usize> {
        match since {
            // only what was written since: the time is compared first, which leaves a
            // handful of records to match (a waiting Player costs little)
            Some(since) => {
                let mut rows: Vec<usize> = (0..catalog.entries.len())
                    .filter(|&i| written_ns(&catalog.entries[i]) > since)
                    .filter(|&i| filter.matches(&catalog.entries[i]))
                    .filter(|&i| limits.shows(&catalog.entries[i]))
                    .filter(|&i| recorder(&catalog.entries[i]))
                    .collect();
                if filter.newest_first {
                    rows.reverse();
                }
                rows
            }
            None => filter
                .apply(&catalog.entries)
                .into_iter()
                .filter(|&i| limits.shows(&catalog.entries[i]))
                .filter(|&i| recorder(&catalog.entries[i]))
                .collect(),
        }
    };
    let key = since.is_none().then_some(key);
    server.with_rows(key, pick, |catalog, shown| {
        // the cursor is worked out for the first page only (a Player keeps the first
        // page's): not once more for each of a large list's pages
        let newest = if page.offset == 0 {
            shown
                .iter()
                .map(|&i| written_ns(&catalog.entries[i]))
                .max()
                .or(page.since)
                .unwrap_or(0)
        } else {
            page.since.unwrap_or(0)
        };
        if page.format == ListFormat::Entries {
            // ENTRIES1, total, cursor; then runs of one month: its name (length byte),
            // how many, and the entries as the month index encodes them
            let mut out = b"ENTRIES1".to_vec();
            out.extend_from_slice(&(shown.len() as u64).to_le_bytes());
            out.extend_from_slice(&newest.to_le_bytes());
            let rows: Vec<usize> = shown
                .iter()
                .skip(page.offset)
                .take(page.limit)
                .copied()
                .collect();
            for run in rows.chunk_by(|&a, &b| {
                catalog.entries[a].start().month_folder()
                    == catalog.entries[b].start().month_folder()
            }) {
                let month = catalog.entries[run[0]].start().month_folder();
                out.push(month.len() as u8);
                out.extend_from_slice(month.as_bytes());
                out.extend_from_slice(&(run.len() as u32).to_le_bytes());
                for &i in run {
                    catalog.entries[i].encode(&mut out);
                }
            }
            return Listed {
                total: shown.len(),
                body: ListBody::Entries(out),
            };
        }
        if page.format == ListFormat::Lines {
            let mut text = format!("{}\t{newest}\n", shown.len());
            for &i in shown.iter().skip(page.offset).take(page.limit) {
                let e = &catalog.entries[i];
                use std::fmt::Write as _;
                let _ = writeln!(
                    text,
                    "{}/{}\t{}",
                    e.start().month_folder(),
                    e.file_name(),
                    e.size
                );
            }
            return Listed {
                total: shown.len(),
                body: ListBody::Lines(text),
            };
        }
        Listed {
            total: shown.len(),
            body: ListBody::Json(ListAnswer {
                total: shown.len(),
                offset: page.offset,
                records: shown
                    .iter()
                    .skip(page.offset)
                    .take(page.limit)
                    .map(|&i| RecordItem::of(&catalog.entries[i], recorders))
                    .collect(),
                cursor: newest.to_string(),
            }),
        }
    })
}

/// A list page, in the format asked for, and how many records pass in all.
struct Listed {
    total: usize,
    body: ListBody,
}

enum ListBody {
    Json(ListAnswer),
    /// `format=lines`.
    Lines(String),
    /// `format=entries`.
    Entries(Vec<u8>),
}

impl Listed {
    fn into_response(self) -> Response {
        match self.body {
            ListBody::Json(a) => axum::Json(a).into_response(),
            ListBody::Lines(text) => {
                ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
            }
            ListBody::Entries(bytes) => {
                ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
            }
        }
    }
}

/// `GET /api/v1/records?month=&day=&internal=&external=&direction=&tan=&newest=&offset=&limit=`,
/// and with `since=CURSOR&wait=S` only what was written since, waiting up to S
/// seconds for it: how a Player sees a new call as soon as it is archived.
pub async fn list(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    RawQuery(query): RawQuery,
) -> Response {
    let (filter, page) = match filter_of(query.as_deref().unwrap_or("")) {
        Ok(f) => f,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, &why),
    };
    let limits = limits_of(&account);
    let deadline = tokio::time::Instant::now() + page.wait;
    let mut changes =
        (page.since.is_some() && !page.wait.is_zero()).then(|| server.watch_changes());
    loop {
        let found = {
            let (server, filter, limits) = (server.clone(), filter.clone(), limits.clone());
            let account = account.name.clone();
            tokio::task::spawn_blocking(move || {
                let recorders = server.recorders();
                // the account, the filter and the recorders as read, not the page:
                // paging reuses the rows
                let key = format!("{account}\0{filter:?}\0{:p}", Arc::as_ptr(&recorders));
                answer(&server, &key, &filter, &limits, &recorders, page)
            })
            .await
        };
        let Ok(found) = found else {
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the list failed");
        };
        let Some(waiting) = changes.as_mut() else {
            return found.into_response();
        };
        if found.total > 0 || tokio::time::Instant::now() >= deadline {
            return found.into_response();
        }
        if tokio::time::timeout_at(deadline, waiting.changed())
            .await
            .is_err()
        {
            return found.into_response();
        }
    }
}

/// The audio path of the record `name` when the account may see it.
pub(super) fn find(
    server: &FileServer,
    account: &Account,
    name: &str,
) -> Option<std::path::PathBuf> {
    let limits = limits_of(account);
    server.with_catalog(|catalog| {
        entry_named(catalog, name)
            .filter(|e| limits.shows(e))
            .map(Entry::audio)
    })
}

/// The record whose file is `name`. The catalog is sorted by start minute, which the
/// name carries: a binary search to that minute, then the few records of it.
fn entry_named<'a>(catalog: &'a Catalog, name: &str) -> Option<&'a Entry> {
    let minute = RecordName::parse(name).ok()?.start;
    let first = catalog.entries.partition_point(|e| e.start() < minute);
    catalog.entries[first..]
        .iter()
        .take_while(|e| e.start() == minute)
        .find(|e| e.file_name() == name)
}

#[derive(Debug, Serialize)]
struct DetailsAnswer {
    record: RecordItem,
    /// `original`, `manipulated`, `unsigned` or `unknown`.
    verdict: String,
    reason: String,
    encrypted: bool,
    notes: String,
    /// Marked for every Player on the store.
    marked: bool,
    /// Who signed the sidecar (the key's id), when it verified.
    signer: Option<String>,
    /// The sidecar's metadata as plain XML (parties, times, CDRs), when it could be read.
    metadata: Option<String>,
}

/// `GET /api/v1/records/NAME`: the record with its verdict (checked here, with the
/// keys and trusted signers of this store) and notes.
pub async fn details(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    let answer = tokio::task::spawn_blocking(move || {
        let audio = find(&server, &account, &name)?;
        let recorders = server.recorders();
        let item = server
            .with_catalog(|c| entry_named(c, &name).map(|e| RecordItem::of(e, &recorders)))?;
        let fetched = server.fetch(&audio);
        let sidecar = audio.with_extension("xml");
        let found = Found {
            label: name.clone(),
            audio: Some(audio.clone()),
            sidecar: sidecar.is_file().then_some(sidecar),
        };
        let (check, _) = match fetched {
            Ok(()) => check_found(&found, &server.ring, &server.trusted()),
            Err(e) => (
                crate::archive::sidecar::Check {
                    verdict: Verdict::Unknown,
                    reason: format!("the record cannot be fetched from the archive's bucket: {e}"),
                    signer: None,
                    audio_encryption: None,
                    metadata: None,
                },
                0,
            ),
        };
        let mut head = [0u8; 16];
        let encrypted = std::fs::File::open(&audio)
            .and_then(|mut f| f.read(&mut head).map(|n| is_encrypted(&head[..n])))
            .unwrap_or(false);
        Some(DetailsAnswer {
            record: item,
            verdict: match check.verdict {
                Verdict::Original => "original",
                Verdict::Manipulated => "manipulated",
                Verdict::Unsigned => "unsigned",
                Verdict::Unknown => "unknown",
            }
            .to_string(),
            reason: check.reason.clone(),
            encrypted,
            notes: std::fs::read_to_string(audio.with_extension("txt")).unwrap_or_default(),
            marked: super::changes::is_marked(&server, &audio),
            signer: check.signer.clone(),
            metadata: check.metadata.as_ref().map(|m| m.to_xml()),
        })
    })
    .await;
    match answer {
        Ok(Some(answer)) => axum::Json(answer).into_response(),
        Ok(None) => refuse(StatusCode::NOT_FOUND, "no such record"),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the check failed"),
    }
}

/// A record's audio as plain bytes: decrypted here when it is encrypted.
pub(super) enum Plain {
    File(std::fs::File, u64),
    Decrypted(Box<DecryptingReader<std::fs::File>>),
}

impl Plain {
    pub(super) fn open(path: &std::path::Path, server: &FileServer) -> Result<Plain, String> {
        let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut head = [0u8; 16];
        let n = file.read(&mut head).map_err(|e| e.to_string())?;
        file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        if is_encrypted(&head[..n]) {
            DecryptingReader::new(file, &server.ring)
                .map(|r| Plain::Decrypted(Box::new(r)))
                .map_err(|e| e.to_string())
        } else {
            let len = file.metadata().map_err(|e| e.to_string())?.len();
            Ok(Plain::File(file, len))
        }
    }

    pub(super) fn len(&self) -> u64 {
        match self {
            Plain::File(_, len) => *len,
            Plain::Decrypted(r) => r.len(),
        }
    }

    pub(super) fn reader(&mut self) -> &mut dyn ReadSeek {
        match self {
            Plain::File(f, _) => f,
            Plain::Decrypted(r) => r.as_mut(),
        }
    }
}

pub(super) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// `bytes=A-B`, `bytes=A-`, `bytes=-N` of a `len`-byte body: the first and last byte.
/// `Err` when it cannot be met (416); several ranges are answered whole (`None`).
fn range_of(headers: &HeaderMap, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (first, last) = match (a.trim(), b.trim()) {
        ("", n) => {
            let n: u64 = n.parse().map_err(|_| ())?;
            (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
        }
        (a, "") => (a.parse().map_err(|_| ())?, len.checked_sub(1).ok_or(())?),
        (a, b) => (
            a.parse().map_err(|_| ())?,
            b.parse::<u64>().map_err(|_| ())?.min(len.saturating_sub(1)),
        ),
    };
    if first > last || first >= len {
        return Err(());
    }
    Ok(Some((first, last)))
}

/// `GET /api/v1/records/NAME/audio` (with `Range`): the record's audio, decrypted
/// here, in pieces, so that a Player plays before it has everything. The first
/// request of a record (one that starts at byte 0) is logged as "played" under the
/// account's name.
pub async fn audio(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let opened = {
        let server = server.clone();
        let account = account.clone();
        let name = name.clone();
        tokio::task::spawn_blocking(move || {
            let path = find(&server, &account, &name).ok_or(StatusCode::NOT_FOUND)?;
            server
                .fetch(&path)
                .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
            Plain::open(&path, &server)
                .map(|plain| (plain, path))
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
        })
        .await
        .unwrap_or(Err(StatusCode::INTERNAL_SERVER_ERROR))
    };
    let (plain, path) = match opened {
        Ok(o) => o,
        Err(StatusCode::NOT_FOUND) => return refuse(StatusCode::NOT_FOUND, "no such record"),
        Err(status) => return refuse(status, "the record cannot be read"),
    };
    let len = plain.len();
    let range = match range_of(&headers, len) {
        Ok(r) => r,
        Err(()) => {
            let mut response = refuse(StatusCode::RANGE_NOT_SATISFIABLE, "no such range");
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return response;
        }
    };
    let (first, last) = range.unwrap_or((0, len.saturating_sub(1)));
    if first == 0 {
        let (server, name) = (server.clone(), name.clone());
        // the log line is written before a byte of audio leaves
        let logged = tokio::task::spawn_blocking(move || {
            let record = server.relative(&path).unwrap_or(name);
            let logged = server.act_as(&account, |actor| {
                actor.log(
                    Action::Played,
                    &record,
                    &format!("by {}", server.server_name),
                )
            });
            // into the bucket's logs too; a bucket away now gets it with the next line
            if logged.is_ok()
                && let Err(e) = server.share_log()
            {
                tracing::warn!("the played line of {record} is not yet in the bucket: {e}");
            }
            logged
        })
        .await;
        if !matches!(logged, Ok(Ok(()))) {
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the activity log cannot be written: nothing is played unlogged",
            );
        }
    }
    let count = if len == 0 { 0 } else { last - first + 1 };
    let mut response = Response::new(plain_body(plain, first, count));
    let h = response.headers_mut();
    let kind = match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if e == "mp3" => "audio/mpeg",
        Some(e) if e == "pcap" => "application/vnd.tcpdump.pcap",
        _ => "audio/wav",
    };
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&count.to_string()) {
        h.insert(header::CONTENT_LENGTH, v);
    }
    if range.is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        if let Ok(v) = HeaderValue::from_str(&format!("bytes {first}-{last}/{len}")) {
            response.headers_mut().insert(header::CONTENT_RANGE, v);
        }
    }
    response
}

/// `GET /api/v1/recorders`: the names of the recorders (sites) whose records are in
/// the archive, as their activity logs say, for a list by recorder (`recorder=NAME`).
pub async fn recorders(State(server): State<Arc<FileServer>>) -> Response {
    #[derive(Serialize)]
    struct Answer<'a> {
        recorders: &'a [String],
    }
    let Ok(recorders) = tokio::task::spawn_blocking(move || server.recorders()).await else {
        return refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the recorders could not be read",
        );
    };
    axum::Json(Answer {
        recorders: &recorders.names,
    })
    .into_response()
}

/// `GET /api/v1/recorder`: the recorder's lamps, alarm, calls in recording and
/// counters, when a recorder runs with this server.
pub async fn recorder_status(State(server): State<Arc<FileServer>>) -> Response {
    match &server.status {
        Some(status) => axum::Json(status.snapshot()).into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            "this is a fileserver: no recorder runs here",
        ),
    }
}

/// `POST /api/v1/recorder/reset`: RESET of the master alarm, for accounts with the
/// `alarm` right.
pub async fn reset_alarm(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
) -> Response {
    if !account.rights.alarm {
        return refuse(
            StatusCode::FORBIDDEN,
            "this account may not reset the alarm",
        );
    }
    match &server.status {
        Some(status) => {
            status.reset_alarm();
            status.event(
                "info",
                crate::lang::tr(
                    "event-alarm-reset",
                    &[("account", crate::lang::Arg::from(account.name.as_str()))],
                ),
            );
            StatusCode::NO_CONTENT.into_response()
        }
        None => refuse(
            StatusCode::NOT_FOUND,
            "this is a fileserver: no recorder runs here",
        ),
    }
}

/// `POST /api/v1/recorder/alarm` with `off` or `on`: the master alarm switched off
/// (the seed's OFF) or armed again, for accounts with the `alarm` right.
pub async fn switch_alarm(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    body: String,
) -> Response {
    if !account.rights.alarm {
        return refuse(
            StatusCode::FORBIDDEN,
            "this account may not switch the alarm",
        );
    }
    let off = match body.trim() {
        "off" => true,
        "on" => false,
        _ => return refuse(StatusCode::BAD_REQUEST, "say off or on"),
    };
    match &server.status {
        Some(status) => {
            status.set_alarm_off(off);
            status.event(
                "info",
                crate::lang::tr(
                    if off {
                        "event-alarm-off"
                    } else {
                        "event-alarm-on"
                    },
                    &[("account", crate::lang::Arg::from(account.name.as_str()))],
                ),
            );
            StatusCode::NO_CONTENT.into_response()
        }
        None => refuse(
            StatusCode::NOT_FOUND,
            "this is a fileserver: no recorder runs here",
        ),
    }
}

/// `GET /api/v1/me`: this account's name, rights and extension limit, so that a
/// Player offers only what the server will allow.
pub async fn me(Extension(account): Extension<Account>) -> Response {
    let r = account.rights;
    axum::Json(serde_json::json!({
        "name": account.name,
        "rights": {
            "copy": r.copy, "delete": r.delete, "tan": r.tan, "notes": r.notes,
            "alarm": r.alarm, "control": r.control,
        },
        "extensions": account.extensions,
    }))
    .into_response()
}

/// `count` bytes of a record's plain audio from `first`, read on a blocking thread and
/// sent piece by piece as they are read (never held whole; a Player that goes away
/// ends the reading).
pub(super) fn plain_body(mut plain: Plain, first: u64, count: u64) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let reader = plain.reader();
        if let Err(e) = reader.seek(SeekFrom::Start(first)) {
            let _ = sender.blocking_send(Err(e));
            return;
        }
        let mut left = count;
        while left > 0 {
            let mut piece = vec![0u8; PIECE.min(left as usize)];
            match reader.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => {
                    piece.truncate(n);
                    left -= n as u64;
                    // a Player that went away ends the sending
                    if sender.blocking_send(Ok(piece)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = sender.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    let stream = futures_util::stream::unfold(receiver, |mut r| async move {
        r.recv().await.map(|piece| (piece, r))
    });
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(spec: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(spec).unwrap());
        range_of(&headers, len)
    }

    #[test]
    fn ranges_are_read_as_http_says_and_impossible_ones_refused() {
        assert_eq!(range("bytes=0-99", 1000), Ok(Some((0, 99))));
        assert_eq!(range("bytes=900-", 1000), Ok(Some((900, 999))));
        assert_eq!(range("bytes=-100", 1000), Ok(Some((900, 999))));
        assert_eq!(range("bytes=990-5000", 1000), Ok(Some((990, 999))));
        assert_eq!(range("bytes=0-1,5-6", 1000), Ok(None));
        assert_eq!(range("bytes=1000-", 1000), Err(()));
        assert_eq!(range("bytes=5-2", 1000), Err(()));
        assert_eq!(range("bytes=x-", 1000), Err(()));
        assert_eq!(range("bytes=0-", 0), Err(()));
    }

    #[test]
    fn list_parameters_are_checked_and_named() {
        let (f, page) = filter_of("month=2026_12&internal=2*&direction=in&limit=10").unwrap();
        assert_eq!(
            (
                f.month.as_str(),
                f.internal.as_str(),
                page.offset,
                page.limit
            ),
            ("2026_12", "2*", 0, 10)
        );
        assert!(filter_of("since=12&wait=31").unwrap_err().contains("wait="));
        assert!(filter_of("limit=999999").unwrap_err().contains("limit="));
        assert!(filter_of("path=../../etc").unwrap_err().contains("path="));
        assert!(
            filter_of("direction=up")
                .unwrap_err()
                .contains("direction=")
        );
    }
}
