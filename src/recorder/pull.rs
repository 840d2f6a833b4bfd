//! Pull sources, as in the seed: the recorder fetches captures from where the devices
//! wrote them — a gateway's CF or a WebDAV server over HTTP (listed by PROPFIND, or from
//! the HTML index a plain web server shows), or a local folder.
//!
//! A file is fetched once its size has stayed the same for one poll interval (until
//! then its call is "in recording"). The fetch goes to the journal exactly like a pushed
//! upload (synced, then named). The source copy is deleted only once the journal is
//! done with the capture — the record is in the store (verified read-back of the backup
//! included), or a rule dropped it and that is logged — never before. An unreachable
//! source turns the PCAP lamp red and is retried with a growing pause (up to a minute);
//! nothing is lost meanwhile, the files wait at the source.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use quick_xml::events::Event as XmlEvent;
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;

use super::pipeline::Pipeline;
use super::spool::valid_capture_name;
use super::status::{AlarmState, Lamp};
use crate::lang::{Arg, tr};

/// Where captures are fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A folder URL (`http://gw/rec/`); always ends with `/`.
    Http(String),
    Folder(PathBuf),
}

impl Source {
    /// Reads the `source=` setting: an `http://` or `https://` URL, or a folder.
    pub fn parse(value: &str) -> Option<Source> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        if value.starts_with("http://") || value.starts_with("https://") {
            let mut url = value.to_string();
            if !url.ends_with('/') {
                url.push('/');
            }
            return Some(Source::Http(url));
        }
        Some(Source::Folder(PathBuf::from(value)))
    }

    /// Whether a file at `location` (as the listing named it) is one of this source's.
    pub fn holds(&self, location: &str) -> bool {
        match self {
            Source::Http(url) => location.starts_with(url.as_str()),
            Source::Folder(dir) => std::path::Path::new(location).starts_with(dir),
        }
    }

    /// Where it is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Http(url) => url.clone(),
            Source::Folder(dir) => dir.display().to_string(),
        }
    }
}

/// A pull source and how to reach it.
#[derive(Debug, Clone)]
pub struct PullConfig {
    pub source: Source,
    /// `user:password` for the source (Basic).
    pub credentials: Option<(String, String)>,
    /// Time between two looks; also how long a size must stay the same.
    pub poll: Duration,
    /// Largest capture fetched; a bigger one is left at the source with an error.
    pub max_capture: u64,
    /// The PEM certificate an `https://` source must present (pinned), instead of one
    /// from the system's authorities (gateways usually have their own, self-signed one).
    pub trusted_cert: Option<Vec<u8>>,
    /// The standby PBX's side of a redundant pair (`source2`): read as the active source
    /// while the PBX link runs on the standby PBX, quietly otherwise.
    pub standby: Option<Source>,
}

/// Which PBX's side a source belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Main,
    Standby,
}

/// One capture file at the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub size: u64,
    /// Where it is: the URL or the file path.
    pub location: String,
}

/// An error with its causes ("error sending request" alone does not say it was the
/// certificate).
fn explain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A listing larger than this is not a capture folder.
const MAX_LISTING: usize = 16 * 1024 * 1024;

struct Puller {
    pipeline: Arc<Pipeline>,
    config: PullConfig,
    side: Side,
    client: reqwest::Client,
    /// Size and since when it has been that size, per name.
    seen: HashMap<String, (u64, Instant)>,
    failing: bool,
}

fn client(config: &PullConfig) -> Result<reqwest::Client, String> {
    let builder = match &config.trusted_cert {
        Some(pem) => {
            crate::http_client::pinned_builder(pem).map_err(|e| format!("sourcecert: {e}"))?
        }
        None => crate::http_client::builder(),
    };
    builder
        .timeout(Duration::from_secs(600))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())
}

/// Lists the source once (the start-up check): how many captures wait there.
pub async fn check_source(pipeline: Arc<Pipeline>, config: PullConfig) -> Result<usize, String> {
    let puller = Puller {
        pipeline,
        client: client(&config)?,
        config,
        side: Side::Main,
        seen: HashMap::new(),
        failing: false,
    };
    puller.list().await.map(|l| l.len())
}

/// Polls the source until `stop`.
pub async fn run(pipeline: Arc<Pipeline>, config: PullConfig, stop: watch::Receiver<bool>) {
    match config.standby.clone() {
        // a redundant pair: each PBX's side is read, the active one with its lamp
        Some(standby) => {
            let other = PullConfig {
                source: standby,
                ..config.clone()
            };
            tokio::join!(
                follow(pipeline.clone(), config, Side::Main, stop.clone()),
                follow(pipeline, other, Side::Standby, stop),
            );
        }
        None => follow(pipeline, config, Side::Main, stop).await,
    }
}

/// Reads one source until `stop`.
async fn follow(
    pipeline: Arc<Pipeline>,
    config: PullConfig,
    side: Side,
    mut stop: watch::Receiver<bool>,
) {
    let client = match client(&config) {
        Ok(c) => c,
        Err(e) => {
            pipeline.status.event(
                "error",
                tr("event-pull-no-client", &[("why", Arg::from(e.to_string()))]),
            );
            return;
        }
    };
    let mut puller = Puller {
        pipeline,
        config,
        side,
        client,
        seen: HashMap::new(),
        failing: false,
    };
    let mut pause = puller.config.poll;
    loop {
        if !puller.pipeline.status.is_paused() {
            pause = match puller.poll().await {
                Ok(()) => puller.config.poll,
                Err(()) => (pause * 2).min(MAX_BACKOFF),
            };
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

impl Puller {
    /// Whether this source is the active PBX's side (a source without a pair always
    /// is): only the active side's failures turn the PCAP lamp red; the other side is
    /// read quietly, so that nothing left there is forgotten.
    fn active(&self) -> bool {
        if self.config.standby.is_none() {
            return true;
        }
        let on_standby = self.pipeline.status.snapshot().lamps.standby == Lamp::Yellow;
        (self.side == Side::Standby) == on_standby
    }

    /// One look: delete what the journal is done with, list, fetch what is complete.
    async fn poll(&mut self) -> Result<(), ()> {
        self.delete_done().await;
        let listed = match self.list().await {
            Ok(l) => l,
            Err(e) => {
                self.source_failed(&e);
                return Err(());
            }
        };
        if self.failing {
            self.failing = false;
            self.pipeline.status.event(
                "info",
                tr(
                    "event-pull-again",
                    &[("source", Arg::from(self.config.source.describe()))],
                ),
            );
        }
        if self.active() {
            self.pipeline.status.update(|s| s.lamps.pcap = Lamp::Green);
        }
        let pending: Vec<String> = self
            .pipeline
            .spool
            .pulled()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, location)| self.config.source.holds(location))
            .map(|(name, _)| name)
            .collect();
        let now = Instant::now();
        let present: Vec<String> = listed.iter().map(|l| l.name.clone()).collect();
        for gone in self
            .seen
            .keys()
            .filter(|n| !present.contains(n))
            .cloned()
            .collect::<Vec<_>>()
        {
            self.seen.remove(&gone);
            self.pipeline.status.recording_ended(&gone);
        }
        for file in listed {
            if pending.contains(&file.name) {
                continue; // fetched; deleted at the source once archived
            }
            let stable = match self.seen.get(&file.name) {
                Some((size, since)) if *size == file.size => {
                    now.duration_since(*since) >= self.config.poll
                }
                _ => {
                    self.seen.insert(file.name.clone(), (file.size, now));
                    false
                }
            };
            if !stable || file.size == 0 {
                self.pipeline.status.recording_started(&file.name);
                continue;
            }
            if file.size > self.config.max_capture {
                self.pipeline.status.event(
                    "error",
                    tr(
                        "event-pull-too-large",
                        &[
                            ("name", Arg::from(file.name.as_str())),
                            ("bytes", Arg::from(file.size)),
                        ],
                    ),
                );
                self.seen.remove(&file.name);
                continue;
            }
            match self.fetch(&file).await {
                Ok(()) => {
                    self.seen.remove(&file.name);
                    self.pipeline.status.recording_ended(&file.name);
                    self.pipeline
                        .status
                        .update(|s| s.counters.captures_received += 1);
                    self.pipeline.wake.notify_one();
                }
                Err(e) => {
                    self.source_failed(&format!("{}: {e}", file.name));
                    return Err(());
                }
            }
        }
        Ok(())
    }

    /// Lamp red; the error is told when the lamp turns, and again while no alarm tells of it.
    fn source_failed(&mut self, why: &str) {
        if !self.active() {
            // the other PBX's side: out of reach is expected while its PBX is down
            return;
        }
        let status = &self.pipeline.status;
        status.update(|s| s.lamps.pcap = Lamp::Red);
        if !self.failing || status.snapshot().alarm == AlarmState::Ok {
            status.event("error", tr("event-pull-failed", &[("why", Arg::from(why))]));
        }
        self.failing = true;
    }

    /// Sends one request; with a login, answers the source's challenge (Digest, as
    /// innovaphone gateways ask by default, or Basic), never sending the password
    /// unasked.
    async fn send(
        &self,
        method: &str,
        url: &str,
        decorate: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> reqwest::Result<reqwest::Response> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let build = || decorate(self.client.request(method.clone(), url));
        match &self.config.credentials {
            Some((user, password)) => {
                super::digest_auth::send_answering(build, user, password).await
            }
            None => build().send().await,
        }
    }

    async fn list(&self) -> Result<Vec<Listed>, String> {
        match &self.config.source {
            Source::Folder(dir) => list_folder(dir),
            Source::Http(url) => {
                let answer = self
                    .send("PROPFIND", url, |r| {
                        r.header("Depth", "1")
                            .header("Content-Type", "application/xml")
                            .body(PROPFIND_BODY)
                    })
                    .await
                    .map_err(|e| format!("{url}: {}", explain(&e)))?;
                if answer.status().as_u16() == 207 {
                    let body = bounded_body(answer).await?;
                    return Ok(parse_multistatus(url, &body));
                }
                // no WebDAV listing: a plain web server's index page, sizes by HEAD
                let answer = self
                    .send("GET", url, |r| r)
                    .await
                    .map_err(|e| format!("{url}: {}", explain(&e)))?;
                if !answer.status().is_success() {
                    return Err(format!("{url}: {}", answer.status()));
                }
                let body = bounded_body(answer).await?;
                let mut listed = Vec::new();
                for name in index_links(&String::from_utf8_lossy(&body)) {
                    let location = format!("{url}{name}");
                    let head = self
                        .send("HEAD", &location, |r| r)
                        .await
                        .map_err(|e| format!("{location}: {}", explain(&e)))?;
                    if let Some(size) = head.content_length() {
                        listed.push(Listed {
                            name,
                            size,
                            location,
                        });
                    }
                }
                Ok(listed)
            }
        }
    }

    /// Copies one capture into the journal and remembers where it came from.
    async fn fetch(&self, file: &Listed) -> Result<(), String> {
        let spool = self.pipeline.spool.clone();
        let part = spool.part_path(&file.name);
        let result = self.copy_to(&part, file).await;
        if let Err(e) = result {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(e);
        }
        let (name, location) = (file.name.clone(), file.location.clone());
        tokio::task::spawn_blocking(move || {
            spool.commit_upload(&part, &name, true)?;
            spool.mark_pulled(&name, &location)
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| {
            self.pipeline.status.update(|s| s.lamps.disk = Lamp::Red);
            format!("cannot store it in the journal: {e}")
        })
    }

    async fn copy_to(&self, part: &std::path::Path, file: &Listed) -> Result<(), String> {
        let mut out = tokio::fs::File::create(part)
            .await
            .map_err(|e| format!("journal: {e}"))?;
        let mut total = 0u64;
        match &self.config.source {
            Source::Folder(_) => {
                let mut input = tokio::fs::File::open(&file.location)
                    .await
                    .map_err(|e| e.to_string())?;
                total = tokio::io::copy(&mut input, &mut out)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Source::Http(_) => {
                let answer = self
                    .send("GET", &file.location, |r| r)
                    .await
                    .map_err(|e| explain(&e))?;
                if !answer.status().is_success() {
                    return Err(format!("GET: {}", answer.status()));
                }
                let mut stream = answer.bytes_stream();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|e| e.to_string())?;
                    total += chunk.len() as u64;
                    if total > self.config.max_capture {
                        return Err("grew beyond maxpcapmb while fetched".into());
                    }
                    out.write_all(&chunk).await.map_err(|e| e.to_string())?;
                }
            }
        }
        if total != file.size {
            // it changed while fetched: still being written; try again next time
            return Err(format!(
                "size changed from {} to {total} while fetched",
                file.size
            ));
        }
        out.sync_all().await.map_err(|e| e.to_string())
    }

    /// Deletes at the source what the journal no longer holds (archived or dropped).
    async fn delete_done(&self) {
        let Ok(pulled) = self.pipeline.spool.pulled() else {
            return;
        };
        for (name, location) in pulled {
            if self.pipeline.spool.holds(&name) || !self.config.source.holds(&location) {
                continue;
            }
            let deleted = match &self.config.source {
                Source::Folder(_) => match std::fs::remove_file(&location) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.to_string()),
                    _ => Ok(()),
                },
                Source::Http(_) => match self.send("DELETE", &location, |r| r).await {
                    Ok(a) if a.status().is_success() || a.status().as_u16() == 404 => Ok(()),
                    Ok(a) => Err(format!("DELETE: {}", a.status())),
                    Err(e) => Err(explain(&e)),
                },
            };
            match deleted {
                Ok(()) => {
                    let _ = self.pipeline.spool.forget_pulled(&name);
                }
                Err(e) => self.pipeline.status.event(
                    "warning",
                    tr(
                        "event-pull-not-deleted",
                        &[
                            ("name", Arg::from(name.as_str())),
                            ("why", Arg::from(e.to_string())),
                        ],
                    ),
                ),
            }
        }
    }
}

const PROPFIND_BODY: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getcontentlength/><D:resourcetype/></D:prop></D:propfind>";

async fn bounded_body(answer: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut stream = answer.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if body.len() + chunk.len() > MAX_LISTING {
            return Err("the folder listing is too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn list_folder(dir: &std::path::Path) -> Result<Vec<Listed>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_file() && is_capture_name(&name) {
            out.push(Listed {
                location: entry.path().display().to_string(),
                name,
                size: meta.len(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn is_capture_name(name: &str) -> bool {
    valid_capture_name(name) && (name.ends_with(".pcap") || name.ends_with(".pcapng"))
}

/// The last path segment of an href, percent-decoded.
fn file_name_of(href: &str) -> Option<String> {
    let path = href.split(['?', '#']).next()?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    percent_encoding::percent_decode_str(last)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The capture files of a WebDAV `207 Multi-Status` answer (namespace prefixes vary
/// by server, so elements are matched by local name).
pub fn parse_multistatus(base: &str, xml: &[u8]) -> Vec<Listed> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let (mut href, mut size, mut collection) = (String::new(), None::<u64>, false);
    let mut field: Option<&'static str> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(XmlEvent::Start(e)) => match e.local_name().into_inner() {
                "response" => {
                    href.clear();
                    size = None;
                    collection = false;
                }
                "href" => field = Some("href"),
                "getcontentlength" => field = Some("length"),
                "collection" => collection = true,
                _ => {}
            },
            Ok(XmlEvent::Empty(e)) if e.local_name().into_inner() == "collection" => {
                collection = true;
            }
            Ok(XmlEvent::Text(t)) => {
                let text = t.xml10_content().into_owned();
                match field {
                    Some("href") => href.push_str(text.trim()),
                    Some("length") => size = text.trim().parse().ok(),
                    _ => {}
                }
            }
            Ok(XmlEvent::End(e)) => match e.local_name().into_inner() {
                "href" | "getcontentlength" => field = None,
                "response" => {
                    if !collection
                        && let (Some(name), Some(size)) = (file_name_of(&href), size)
                        && is_capture_name(&name)
                    {
                        out.push(Listed {
                            location: format!("{base}{name}"),
                            name,
                            size,
                        });
                    }
                }
                _ => {}
            },
            Ok(XmlEvent::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// Capture file names linked from an HTML index page.
pub fn index_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("href=").skip(1) {
        let quote = part.chars().next();
        let Some(q) = quote.filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let Some(end) = part[1..].find(q) else {
            continue;
        };
        let href = &part[1..1 + end];
        if href.contains("://") {
            continue; // another site; the fetch URL is always this folder + name
        }
        if let Some(name) = file_name_of(href)
            && is_capture_name(&name)
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multistatus_from_differently_prefixed_servers() {
        let xml = br#"<?xml version="1.0"?>
<D:multistatus xmlns:D="DAV:">
 <D:response><D:href>/rec/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop></D:propstat></D:response>
 <D:response><D:href>/rec/0123-00903301-1.pcap</D:href><D:propstat><D:prop><D:getcontentlength>4096</D:getcontentlength><D:resourcetype/></D:prop></D:propstat></D:response>
 <D:response><D:href>/rec/notes.txt</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop></D:propstat></D:response>
 <D:response><D:href>/rec/sub/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop></D:propstat></D:response>
</D:multistatus>"#;
        let listed = parse_multistatus("http://gw/rec/", xml);
        assert_eq!(
            listed,
            vec![Listed {
                name: "0123-00903301-1.pcap".into(),
                size: 4096,
                location: "http://gw/rec/0123-00903301-1.pcap".into(),
            }]
        );
        let other = br#"<multistatus xmlns="DAV:" xmlns:lp1="DAV:"><response><href>http://gw/rec/a%2Db.pcap</href>
<propstat><prop><lp1:getcontentlength>7</lp1:getcontentlength></prop></propstat></response></multistatus>"#;
        assert_eq!(
            parse_multistatus("http://gw/rec/", other)[0].name,
            "a-b.pcap"
        );
        assert!(parse_multistatus("x", b"<not xml").is_empty());
    }

    #[test]
    fn index_pages_yield_capture_links_only() {
        let html = r#"<html><body><a href="../">../</a><a href="0a-1.pcap">0a-1.pcap</a>
<a href='0b-2.pcapng'>x</a><a href="x.txt">x</a><a href="../../etc/passwd">p</a><a href="0a-1.pcap">again</a></body></html>"#;
        assert_eq!(index_links(html), vec!["0a-1.pcap", "0b-2.pcapng"]);
    }

    #[test]
    fn source_settings() {
        assert_eq!(Source::parse(""), None);
        assert_eq!(
            Source::parse("http://gw/rec"),
            Some(Source::Http("http://gw/rec/".into()))
        );
        assert_eq!(
            Source::parse("/srv/cf"),
            Some(Source::Folder("/srv/cf".into()))
        );
    }
}
