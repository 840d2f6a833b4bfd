//! A recorder or fileserver on another PC, as the Player reads it: the records an
//! account may see (`/api/v1/records`, with the Player's filter) and a record's audio
//! as a seekable byte source fetched by HTTP Range as it is played, so the first sound
//! comes after one small request, never after a whole download.
//!
//! The Player's threads are plain threads; this client carries a small tokio runtime
//! of its own and blocks on it. The server's certificate is pinned (sites run
//! self-signed certificates) or checked against the system's authorities.

use std::io::{Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use symphonia::core::io::MediaSource;

use super::filter::Filter;
use crate::archive::name::Direction;

/// The largest answer taken from a server (a page of 100 000 records is about 13 MB;
/// a copy of a 4-hour call about 230 MB).
const MAX_ANSWER: usize = 512 << 20;

/// How much audio one request fetches ahead: about 4 s of stereo A-law.
const READ_AHEAD: u64 = 64 * 1024;

/// Why the server could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the server refused the account name or password")]
    Refused,
    #[error("too many failed logins from this PC: try again in {0} s")]
    Wait(u64),
    #[error("the server answered {0}: {1}")]
    Answer(u16, String),
}

/// One record as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RemoteRecord {
    pub name: String,
    pub month: String,
    pub start: String,
    pub internal: String,
    pub external: String,
    pub direction: String,
    pub ring_s: u32,
    pub tan: Option<String>,
    pub size: u64,
}

/// One page of the list.
#[derive(Debug, Clone, Deserialize)]
pub struct RemotePage {
    pub total: usize,
    pub records: Vec<RemoteRecord>,
    /// For [`RemoteArchive::wait_for_new`].
    pub cursor: String,
}

/// Where the server is and who logs in.
pub struct RemoteArchive {
    base: String,
    account: (String, String),
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// A server's answer, read up to a bound, never as much as it sends.
async fn bounded_body(mut answer: reqwest::Response) -> Result<Vec<u8>, RemoteError> {
    let status = answer.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = answer
        .chunk()
        .await
        .map_err(|e| RemoteError::Unreachable(e.to_string()))?
    {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err(RemoteError::Answer(
                status,
                format!("the answer is larger than {} MB", MAX_ANSWER >> 20),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What a server's refusal (`status` not 2xx) means, in words.
fn refusal(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> RemoteError {
    match status {
        401 => RemoteError::Refused,
        429 => RemoteError::Wait(
            headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
        ),
        _ => RemoteError::Answer(status, String::from_utf8_lossy(body).trim().to_string()),
    }
}

/// `name` when it can become a file in a folder of this PC: a plain file name, never a
/// path (the server names records; it is not trusted to name files here).
fn plain_record_name(name: &str) -> Result<&str, RemoteError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') || name.contains("..")
    {
        return Err(RemoteError::Answer(
            0,
            format!("'{name}' is not a record name"),
        ));
    }
    Ok(name)
}

impl RemoteArchive {
    /// A client for `base` (`https://HOST:PORT`); `pinned_cert` (PEM): accept exactly
    /// this server certificate. Nothing is sent yet.
    pub fn new(
        base: &str,
        account: &str,
        password: &str,
        pinned_cert: Option<&[u8]>,
    ) -> Result<Arc<RemoteArchive>, RemoteError> {
        let builder = match pinned_cert {
            Some(pem) => {
                crate::http_client::pinned_builder(pem).map_err(RemoteError::Unreachable)?
            }
            None => crate::http_client::builder(),
        };
        let client = builder
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("callrec-remote")
            .enable_all()
            .build()
            .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
        Ok(Arc::new(RemoteArchive {
            base: base.trim_end_matches('/').to_string(),
            account: (account.to_string(), password.to_string()),
            client,
            runtime,
        }))
    }

    /// What this account may do and see, as the server says.
    pub fn permissions(&self) -> Result<super::permissions::Permissions, RemoteError> {
        #[derive(Deserialize)]
        struct Rights {
            copy: bool,
            delete: bool,
            tan: bool,
            notes: bool,
        }
        #[derive(Deserialize)]
        struct Me {
            rights: Rights,
            extensions: Vec<String>,
        }
        let (_, _, body) = self.send(self.get("/api/v1/me"), Duration::from_secs(30))?;
        let me: Me = serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not an account: {e}")))?;
        Ok(super::permissions::Permissions {
            copy: me.rights.copy,
            delete: me.rights.delete,
            tan: me.rights.tan,
            notes: me.rights.notes,
            extensions: me.extensions,
        })
    }

    fn change(
        &self,
        method: reqwest::Method,
        path: &str,
        body: String,
    ) -> Result<Vec<u8>, RemoteError> {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.account.0, Some(&self.account.1))
            .body(body);
        self.send(request, Duration::from_secs(30))
            .map(|(_, _, b)| b)
    }

    /// The recorder's status document (lamps, alarm, counters, events) as JSON; none
    /// from a fileserver, where no recorder runs.
    pub fn recorder_status(&self) -> Result<Option<Vec<u8>>, RemoteError> {
        match self.send(self.get("/api/v1/recorder"), Duration::from_secs(10)) {
            Ok((_, _, body)) => Ok(Some(body)),
            Err(RemoteError::Answer(404, _)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// RESET of the recorder's master alarm (the account needs the `alarm` right).
    pub fn reset_alarm(&self) -> Result<(), RemoteError> {
        self.change(
            reqwest::Method::POST,
            "/api/v1/recorder/reset",
            String::new(),
        )
        .map(|_| ())
    }

    /// The recorder's master alarm switched off (the seed's OFF) or on again.
    pub fn switch_alarm(&self, off: bool) -> Result<(), RemoteError> {
        let body = if off { "off" } else { "on" };
        self.change(reqwest::Method::POST, "/api/v1/recorder/alarm", body.into())
            .map(|_| ())
    }

    /// Writes the record's notes on the server (logged there under this account).
    pub fn write_notes(&self, name: &str, text: &str) -> Result<(), RemoteError> {
        let path = format!("/api/v1/records/{}/notes", encode(name));
        self.change(reqwest::Method::PUT, &path, text.to_string())
            .map(|_| ())
    }

    /// Sets the record's TAN; the answer is the record's new name.
    pub fn set_tan(&self, name: &str, tan: &str) -> Result<String, RemoteError> {
        #[derive(Deserialize)]
        struct Renamed {
            name: String,
        }
        let path = format!("/api/v1/records/{}/tan", encode(name));
        let body = self.change(reqwest::Method::PUT, &path, tan.to_string())?;
        serde_json::from_slice::<Renamed>(&body)
            .map(|r| r.name)
            .map_err(|e| RemoteError::Answer(200, format!("not a record name: {e}")))
    }

    /// The records marked for everyone that this account may see (`YYYY_MM/NAME`).
    pub fn marks(&self) -> Result<Vec<String>, RemoteError> {
        #[derive(Deserialize)]
        struct Marks {
            marks: Vec<String>,
        }
        self.get_json::<Marks>("/api/v1/marks", "a list of marks")
            .map(|m| m.marks)
    }

    /// The names of the recorders whose records the server holds.
    pub fn recorders(&self) -> Result<Vec<String>, RemoteError> {
        #[derive(Deserialize)]
        struct Recorders {
            recorders: Vec<String>,
        }
        self.get_json::<Recorders>("/api/v1/recorders", "a list of recorders")
            .map(|r| r.recorders)
    }

    /// A short JSON answer of the server at `path`; one that is not `what` is said so.
    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, RemoteError> {
        let (_, _, body) = self.send(self.get(path), Duration::from_secs(30))?;
        serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not {what}: {e}")))
    }

    /// Marks (or unmarks) the record for every Player on the server's store.
    pub fn set_mark(&self, name: &str, marked: bool) -> Result<(), RemoteError> {
        let method = if marked {
            reqwest::Method::PUT
        } else {
            reqwest::Method::DELETE
        };
        let path = format!("/api/v1/records/{}/mark", encode(name));
        self.change(method, &path, String::new()).map(|_| ())
    }

    /// Deletes the record on the server (logged there under this account).
    pub fn delete(&self, name: &str) -> Result<(), RemoteError> {
        let path = format!("/api/v1/records/{}", encode(name));
        self.change(reqwest::Method::DELETE, &path, String::new())
            .map(|_| ())
    }

    /// The account this client logs in with.
    pub fn account(&self) -> &str {
        &self.account.0
    }

    /// The server's address as given (`https://HOST:PORT`).
    pub fn base(&self) -> &str {
        &self.base
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}{path}", self.base))
            .basic_auth(&self.account.0, Some(&self.account.1))
    }

    /// Sends a request and reads the whole answer, turning refusals into words.
    fn send(
        &self,
        request: reqwest::RequestBuilder,
        limit: Duration,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), RemoteError> {
        self.runtime.block_on(async {
            let answer = request
                .timeout(limit)
                .send()
                .await
                .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
            let status = answer.status().as_u16();
            let headers = answer.headers().clone();
            let body = bounded_body(answer).await?;
            match status {
                200..=299 => Ok((status, headers, body)),
                _ => Err(refusal(status, &headers, &body)),
            }
        })
    }

    /// Sends a request and writes a successful answer to `target` as it comes (under
    /// a temporary name, synced, then renamed), never holding it whole: a clear copy or
    /// an evidence ZIP of a four-hour call is hundreds of megabytes.
    fn download(
        &self,
        request: reqwest::RequestBuilder,
        limit: Duration,
        target: &std::path::Path,
    ) -> Result<(), RemoteError> {
        use std::io::Write;
        let failed = |e: std::io::Error| {
            RemoteError::Answer(0, format!("cannot write {}: {e}", target.display()))
        };
        self.runtime.block_on(async {
            let mut answer = request
                .timeout(limit)
                .send()
                .await
                .map_err(|e| RemoteError::Unreachable(e.to_string()))?;
            let status = answer.status().as_u16();
            if !(200..=299).contains(&status) {
                let headers = answer.headers().clone();
                let body = bounded_body(answer).await?;
                return Err(refusal(status, &headers, &body));
            }
            let partial = crate::archive::store::partial_path(target);
            let mut file = std::fs::File::create(&partial).map_err(failed)?;
            let written = async {
                while let Some(chunk) = answer
                    .chunk()
                    .await
                    .map_err(|e| RemoteError::Unreachable(e.to_string()))?
                {
                    file.write_all(&chunk).map_err(failed)?;
                }
                file.sync_all().map_err(failed)?;
                std::fs::rename(&partial, target).map_err(failed)
            }
            .await;
            if written.is_err() {
                let _ = std::fs::remove_file(&partial);
            }
            written
        })
    }

    fn page(&self, query: &str, limit: Duration) -> Result<RemotePage, RemoteError> {
        let (_, _, body) = self.send(self.get(&format!("/api/v1/records?{query}")), limit)?;
        serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not a record list: {e}")))
    }

    /// Every record the account may see that passes `filter`, in the filter's order.
    pub fn list(&self, filter: &Filter) -> Result<RemotePage, RemoteError> {
        let query = query_of(filter);
        let mut all = self.page(&format!("{query}&limit=5000"), Duration::from_secs(30))?;
        while all.records.len() < all.total {
            let next = format!("{query}&offset={}&limit=5000", all.records.len());
            let page = self.page(&next, Duration::from_secs(30))?;
            if page.records.is_empty() {
                break;
            }
            all.records.extend(page.records);
        }
        Ok(all)
    }

    /// Every record the account may see that passes `filter`, as (`MONTH/NAME`, size)
    /// in the filter's order, and the cursor for [`RemoteArchive::wait_for_new`]: the
    /// compact list (`format=lines`, 100 000 a page) a Player's catalog is built from.
    pub fn list_names(&self, filter: &Filter) -> Result<(Vec<(String, u64)>, String), RemoteError> {
        let mut names = Vec::new();
        let cursor = self.list_names_by_page(filter, |page| names.extend(page))?;
        Ok((names, cursor))
    }

    /// [`RemoteArchive::list_names`] a page at a time: `on_page` gets each page as it
    /// comes (while the next is fetched, a caller can work on it); the cursor is the
    /// answer.
    pub fn list_names_by_page(
        &self,
        filter: &Filter,
        mut on_page: impl FnMut(Vec<(String, u64)>),
    ) -> Result<String, RemoteError> {
        let query = query_of(filter);
        let mut listed = 0;
        let mut cursor = None;
        loop {
            let path = format!("/api/v1/records?{query}&format=lines&limit=100000&offset={listed}");
            let (_, _, body) = self.send(self.get(&path), Duration::from_secs(60))?;
            let text = String::from_utf8(body)
                .map_err(|_| RemoteError::Answer(200, "the list is not text".into()))?;
            let mut lines = text.lines();
            let head = lines.next().unwrap_or_default();
            let (total, first_cursor) = head
                .split_once('\t')
                .and_then(|(t, c)| Some((t.parse::<usize>().ok()?, c.to_string())))
                .ok_or_else(|| RemoteError::Answer(200, "not a record list".into()))?;
            cursor.get_or_insert(first_cursor);
            let page: Vec<(String, u64)> = lines
                .filter_map(|line| {
                    let (name, size) = line.split_once('\t')?;
                    Some((name.to_string(), size.parse().unwrap_or(0)))
                })
                .collect();
            if page.is_empty() {
                break;
            }
            listed += page.len();
            on_page(page);
            if listed >= total {
                break;
            }
        }
        Ok(cursor.unwrap_or_default())
    }

    /// One page of the list in the catalog's own encoding (`format=entries`) for the
    /// records that pass `filter`, from `offset`; the bytes as the server sent them.
    pub fn entries_page(&self, filter: &Filter, offset: usize) -> Result<Vec<u8>, RemoteError> {
        let path = format!(
            "/api/v1/records?{}&format=entries&limit=100000&offset={offset}",
            query_of(filter)
        );
        self.send(self.get(&path), Duration::from_secs(60))
            .map(|(_, _, body)| body)
    }

    /// Waits up to `wait` (at most 30 s) for records written after `cursor` that pass
    /// `filter`; an empty page when none came.
    pub fn wait_for_new(
        &self,
        filter: &Filter,
        cursor: &str,
        wait: Duration,
    ) -> Result<RemotePage, RemoteError> {
        let wait = wait.min(Duration::from_secs(30));
        let query = format!(
            "{}&since={cursor}&wait={}",
            query_of(filter),
            wait.as_secs()
        );
        self.page(&query, wait + Duration::from_secs(15))
    }

    /// A record's details as the server checked them: the verdict with its reason, the
    /// signer, the metadata (parties, CDRs); and the notes.
    pub fn details(
        &self,
        name: &str,
    ) -> Result<(crate::archive::sidecar::Check, String), RemoteError> {
        use crate::archive::sidecar::{Check, Verdict};
        #[derive(Deserialize)]
        struct Answer {
            verdict: String,
            reason: String,
            notes: String,
            signer: Option<String>,
            metadata: Option<String>,
        }
        let (_, _, body) = self.send(
            self.get(&format!("/api/v1/records/{}", encode(name))),
            Duration::from_secs(60),
        )?;
        let answer: Answer = serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not a record's details: {e}")))?;
        let verdict = match answer.verdict.as_str() {
            "original" => Verdict::Original,
            "manipulated" => Verdict::Manipulated,
            "unsigned" => Verdict::Unsigned,
            _ => Verdict::Unknown,
        };
        let check = Check {
            verdict,
            reason: answer.reason,
            signer: answer.signer,
            audio_encryption: None,
            metadata: answer
                .metadata
                .and_then(|m| crate::archive::metadata::RecordMetadata::from_xml(&m).ok()),
        };
        Ok((check, answer.notes))
    }

    /// Waits up to `wait` (at most 30 s) for commands the recorder holds for this
    /// account's Player (`!PLAY!TRACK`, `!STOP!`, …); empty when none came.
    pub fn next_commands(&self, wait: Duration) -> Result<Vec<String>, RemoteError> {
        #[derive(Deserialize)]
        struct Commands {
            commands: Vec<String>,
        }
        let wait = wait.min(Duration::from_secs(30));
        let (_, _, body) = self.send(
            self.get(&format!("/api/v1/commands?wait={}", wait.as_secs())),
            wait + Duration::from_secs(15),
        )?;
        let answer: Commands = serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not a command list: {e}")))?;
        Ok(answer.commands)
    }

    /// The record's waveform as the server computes it: per column the peak of each
    /// channel, and the record's length in frames (no audio is downloaded for it).
    pub fn waveform(
        &self,
        name: &str,
        columns: usize,
    ) -> Result<(Vec<[f32; 2]>, u64), RemoteError> {
        #[derive(Deserialize)]
        struct Waveform {
            frames: u64,
            peaks: Vec<[f32; 2]>,
        }
        let (_, _, body) = self.send(
            self.get(&format!(
                "/api/v1/records/{}/waveform?columns={columns}",
                encode(name)
            )),
            Duration::from_secs(60),
        )?;
        let answer: Waveform = serde_json::from_slice(&body)
            .map_err(|e| RemoteError::Answer(200, format!("not a waveform: {e}")))?;
        Ok((answer.peaks, answer.frames))
    }

    /// Copies the record in the clear into `dir` (its audio, and its metadata as plain
    /// XML), as the local copy-out does; the server logs it as copied. Returns the
    /// files written.
    pub fn copy_to(
        &self,
        name: &str,
        dir: &std::path::Path,
    ) -> Result<Vec<std::path::PathBuf>, RemoteError> {
        let failed =
            |e: std::io::Error| RemoteError::Answer(0, format!("cannot write the copy: {e}"));
        plain_record_name(name)?;
        std::fs::create_dir_all(dir).map_err(failed)?;
        let mut written = Vec::new();
        for (what, file) in [
            ("copy", name.to_string()),
            (
                "metadata",
                std::path::Path::new(name)
                    .with_extension("xml")
                    .display()
                    .to_string(),
            ),
        ] {
            let target = dir.join(&file);
            self.download(
                self.get(&format!("/api/v1/records/{}/{what}", encode(name))),
                Duration::from_secs(600),
                &target,
            )?;
            written.push(target);
        }
        Ok(written)
    }

    /// The record's evidence ZIP, made by the server (where the archive's logs and keys
    /// are) and logged there as copied, written to `dir/NAME-evidence.zip`.
    pub fn evidence_to(
        &self,
        name: &str,
        dir: &std::path::Path,
    ) -> Result<std::path::PathBuf, RemoteError> {
        let failed =
            |e: std::io::Error| RemoteError::Answer(0, format!("cannot write the ZIP: {e}"));
        let base = plain_record_name(name)?
            .rsplit_once('.')
            .map_or(name, |(base, _)| base);
        std::fs::create_dir_all(dir).map_err(failed)?;
        let target = dir.join(format!("{base}-evidence.zip"));
        self.download(
            self.get(&format!("/api/v1/records/{}/evidence", encode(name))),
            Duration::from_secs(600),
            &target,
        )?;
        Ok(target)
    }

    /// Moves the record out of the archive into `dir`: a copy, then the record is
    /// removed on the server (logged as moved); needs the copy and delete rights.
    pub fn move_to(
        &self,
        name: &str,
        dir: &std::path::Path,
    ) -> Result<Vec<std::path::PathBuf>, RemoteError> {
        let written = self.copy_to(name, dir)?;
        let path = format!("/api/v1/records/{}?moved=1", encode(name));
        self.change(reqwest::Method::DELETE, &path, String::new())?;
        Ok(written)
    }

    /// A record's audio, to be read as it is played.
    pub fn audio(self: &Arc<Self>, name: &str) -> Result<RemoteAudio, RemoteError> {
        let mut audio = RemoteAudio {
            archive: self.clone(),
            path: format!("/api/v1/records/{}/audio", encode(name)),
            len: 0,
            position: 0,
            buffer: Vec::new(),
            buffer_at: 0,
        };
        // the first piece tells the length (and is the start of playing anyway)
        audio.fetch(0)?;
        Ok(audio)
    }
}

/// A path segment, percent-encoded.
fn encode(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The filter as the API's query parameters.
fn query_of(filter: &Filter) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("month", filter.month.as_str()),
        ("internal", filter.internal.as_str()),
        ("external", filter.external.as_str()),
        ("tan", filter.tan.as_str()),
        ("recorder", filter.recorder.as_str()),
    ] {
        if !value.is_empty() {
            q.append_pair(key, value);
        }
    }
    if let Some(day) = filter.day {
        q.append_pair("day", &day.to_string());
    }
    match filter.direction {
        Some(Direction::Incoming) => {
            q.append_pair("direction", "in");
        }
        Some(Direction::Outgoing) => {
            q.append_pair("direction", "out");
        }
        None => {}
    }
    if filter.newest_first {
        q.append_pair("newest", "1");
    }
    q.finish()
}

/// A record's audio on the server: read and seek as a file, fetched by range.
pub struct RemoteAudio {
    archive: Arc<RemoteArchive>,
    path: String,
    len: u64,
    position: u64,
    /// The last piece fetched, and where it starts.
    buffer: Vec<u8>,
    buffer_at: u64,
}

impl RemoteAudio {
    /// Fetches the piece that starts at `at`.
    fn fetch(&mut self, at: u64) -> Result<(), RemoteError> {
        let last = at + READ_AHEAD - 1;
        let request = self
            .archive
            .get(&self.path)
            .header("Range", format!("bytes={at}-{last}"));
        let (status, headers, body) = self.archive.send(request, Duration::from_secs(20))?;
        self.len = match status {
            206 => headers
                .get("content-range")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit_once('/'))
                .and_then(|(_, total)| total.parse().ok())
                .ok_or_else(|| RemoteError::Answer(206, "no length in Content-Range".into()))?,
            _ => body.len() as u64,
        };
        self.buffer = body;
        self.buffer_at = if status == 206 { at } else { 0 };
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Read for RemoteAudio {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.position >= self.len || out.is_empty() {
            return Ok(0);
        }
        let end = self.buffer_at + self.buffer.len() as u64;
        if self.position < self.buffer_at || self.position >= end {
            self.fetch(self.position).map_err(std::io::Error::other)?;
        }
        let from = (self.position - self.buffer_at) as usize;
        let n = out.len().min(self.buffer.len().saturating_sub(from));
        out[..n].copy_from_slice(&self.buffer[from..from + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl Seek for RemoteAudio {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.position)
    }
}

impl MediaSource for RemoteAudio {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}
