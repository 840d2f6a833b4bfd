//! The recorder's HTTP side: the Record-to URL that phones and gateways PUT their
//! captures to (with the WebDAV verbs they may send around it), the CDR endpoint of
//! the PBX's CDR0/CDR1 interface, and `GET /status`.
//!
//! ```text
//! PUT      /rec/<…>/<conf>-<mac>-<serial>[-<reg>][.pcap]   a capture (body streamed to the journal)
//! OPTIONS, PROPFIND, MKCOL, DELETE  /rec/…                 WebDAV courtesy answers
//! GET|POST /cdr[/…]                                        CDRs, in the three shapes
//! GET      /status                                         the status snapshot as JSON
//! GET|POST /mark?agent=<extension>                          a TCR mark
//! ```
//! A capture body goes to a temporary file, is synced, and only then gets its name;
//! a body that stops early is kept as a partial capture. Names are checked before they
//! touch the disk; sizes are bounded.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use base64::Engine;
use futures_util::{FutureExt, StreamExt};

use super::address_budget::AddressBudget;
use super::auth_guard::{self, AuthGuard};
use super::cdr_intake::{MAX_CDR_REQUEST, parse_request, sent_time};
use super::clock_watch::ReadingSource;
use super::connection_limits::PeerAddr;
use super::digest_auth::{self, DigestServer, Refusal};
use super::pipeline::Pipeline;
use super::spool::valid_capture_name;
use super::status::Lamp;
use super::upload_file::UploadFile;
use crate::lang::{Arg, tr};

/// What the HTTP side needs.
pub struct Receiver {
    pub pipeline: Arc<Pipeline>,
    /// Largest capture accepted, in bytes.
    pub max_capture: u64,
    /// `user:password` that requests must present (Basic, or Digest through `digest`).
    pub basic_auth: Option<String>,
    /// Digest for the same login, for senders that will not use Basic.
    pub digest: Option<DigestServer>,
    /// Failed logins per address, and the back-off they earn.
    pub guard: AuthGuard,
    /// CDR bytes each address may journal.
    pub cdr_budget: AddressBudget,
    /// At most one warning a minute per flooding address.
    pub cdr_budget_warned: AddressBudget,
}

/// The router; serve it with `axum::serve`.
pub fn router(receiver: Arc<Receiver>) -> Router {
    Router::new()
        .route("/rec", any(dav_root))
        .route("/rec/", any(dav_root))
        .route("/rec/{*path}", any(capture))
        .route(
            "/cdr",
            any(cdr).layer(DefaultBodyLimit::max(MAX_CDR_REQUEST + 1)),
        )
        .route(
            "/cdr/{*rest}",
            any(cdr).layer(DefaultBodyLimit::max(MAX_CDR_REQUEST + 1)),
        )
        .route("/status", get(status))
        .route("/mark", any(mark))
        .layer(middleware::from_fn_with_state(
            receiver.clone(),
            authenticate,
        ))
        .with_state(receiver)
}

async fn authenticate(
    State(rx): State<Arc<Receiver>>,
    ConnectInfo(PeerAddr(peer)): ConnectInfo<PeerAddr>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = &rx.basic_auth else {
        return next.run(request).await;
    };
    let address = peer.ip();
    if let Err(waiting) = rx.guard.admit(address) {
        alarm_on_guessing(&rx, address, waiting.refused);
        return waiting.response();
    }
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    let (scheme, credentials) = authorization.split_once(' ').unwrap_or((authorization, ""));
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let verdict = if scheme.eq_ignore_ascii_case("basic") {
        let given = base64::engine::general_purpose::STANDARD
            .decode(credentials.trim())
            .unwrap_or_default();
        if digest_auth::constant_time_eq(&given, expected.as_bytes()) {
            Ok(())
        } else {
            Err(Refusal::Wrong)
        }
    } else if scheme.eq_ignore_ascii_case("digest") {
        match &rx.digest {
            // a nonce that authorised an upload is used up: it can never carry another
            Some(d) => d.verify(
                authorization,
                request.method().as_str(),
                &target,
                request.method() == Method::PUT,
            ),
            None => Err(Refusal::Wrong),
        }
    } else {
        Err(Refusal::Wrong)
    };
    match verdict {
        Ok(()) => {
            rx.guard.succeeded(address);
            return next.run(request).await;
        }
        // a client that answers with a used-up nonce knows the password
        Err(Refusal::Stale) => {}
        // the first request of a Digest client carries nothing: not a failure
        Err(Refusal::Wrong) if authorization.is_empty() => {}
        Err(Refusal::Wrong) => login_failed(&rx, address, &target),
    }
    let mut response = StatusCode::UNAUTHORIZED.into_response();
    let headers = response.headers_mut();
    let stale = verdict == Err(Refusal::Stale);
    for challenge in rx.digest.iter().flat_map(|d| d.challenges(stale)) {
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            headers.append(header::WWW_AUTHENTICATE, value);
        }
    }
    headers.append(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"callrec\""),
    );
    response
}

/// Counts a failed login: a log line when the address starts having to wait, the
/// alarm when the failures go on.
fn login_failed(rx: &Receiver, address: std::net::IpAddr, target: &str) {
    let failed = rx.guard.failed(address);
    if failed.count == auth_guard::FREE_TRIES {
        rx.pipeline.status.event(
            "warning",
            tr(
                "event-logins-slowed",
                &[
                    ("n", Arg::from(failed.count)),
                    ("address", Arg::from(address.to_string())),
                    ("target", Arg::from(target)),
                ],
            ),
        );
    }
    alarm_on_guessing(rx, address, failed.refused);
}

/// The alarm once an address's refused tries reach [`auth_guard::ALARM_AFTER`] (and
/// every thousand after).
fn alarm_on_guessing(rx: &Receiver, address: std::net::IpAddr, refused: u32) {
    if refused == auth_guard::ALARM_AFTER || refused.is_multiple_of(1000) {
        rx.pipeline.status.event(
            "error",
            tr(
                "event-logins-refused",
                &[
                    ("n", Arg::from(refused)),
                    ("address", Arg::from(address.to_string())),
                ],
            ),
        );
    }
}

fn dav_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert("DAV", HeaderValue::from_static("1"));
    h.insert(
        header::ALLOW,
        HeaderValue::from_static("OPTIONS, PROPFIND, MKCOL, PUT, DELETE"),
    );
    response
}

/// An empty collection: the journal is not for listing.
async fn dav_root(method: Method) -> Response {
    match method.as_str() {
        "OPTIONS" => dav_headers(StatusCode::OK.into_response()),
        "PROPFIND" => dav_headers(
            (
                StatusCode::MULTI_STATUS,
                [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\"><D:response>\
                 <D:href>/rec/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype>\
                 </D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>\n",
            )
                .into_response(),
        ),
        "MKCOL" => StatusCode::CREATED.into_response(),
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
}

async fn capture(
    State(rx): State<Arc<Receiver>>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let name = path.rsplit('/').next().unwrap_or("").to_string();
    match method.as_str() {
        "PUT" => {}
        "OPTIONS" => return dav_headers(StatusCode::OK.into_response()),
        "MKCOL" => return StatusCode::CREATED.into_response(),
        // The recorder decides when a capture goes; a device's DELETE is acknowledged only.
        "DELETE" => return StatusCode::NO_CONTENT.into_response(),
        "PROPFIND" => return StatusCode::NOT_FOUND.into_response(),
        _ => return StatusCode::METHOD_NOT_ALLOWED.into_response(),
    }
    if path.split('/').any(|segment| segment == "..") {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    }
    if path.ends_with('/') {
        return StatusCode::CREATED.into_response(); // a folder PUT: nothing to keep
    }
    if !valid_capture_name(&name) {
        return (StatusCode::BAD_REQUEST, "bad capture name\n").into_response();
    }
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > rx.max_capture) {
        return (StatusCode::PAYLOAD_TOO_LARGE, "capture too large\n").into_response();
    }
    // The upload runs in its own task: when a device drops the connection, hyper drops
    // this handler, but the task still sees the body end and keeps what arrived.
    match tokio::spawn(store_upload(rx, name, announced, body)).await {
        Ok(response) => response,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Stores one upload; while it runs, the call is listed as "in recording".
async fn store_upload(
    rx: Arc<Receiver>,
    name: String,
    announced: Option<u64>,
    body: Body,
) -> Response {
    let status = rx.pipeline.status.clone();
    status.recording_started(&name);
    let response = write_upload(rx, name.clone(), announced, body).await;
    status.recording_ended(&name);
    response
}

async fn write_upload(
    rx: Arc<Receiver>,
    name: String,
    announced: Option<u64>,
    body: Body,
) -> Response {
    let spool = rx.pipeline.spool.clone();
    let part = spool.part_path(&name);
    let mut file = match UploadFile::create(&part, announced).await {
        Ok(f) => f,
        Err(e) => return server_error(&rx, &name, e),
    };
    let mut stream = body.into_data_stream();
    let mut total: u64 = 0;
    let mut complete = true;
    loop {
        let next = match stream.next().now_or_never() {
            Some(next) => next,
            None => {
                // The sender is slower than the disk (a call recorded as it happens):
                // what came so far is written before waiting for more, so that a
                // crash of the recorder loses nothing that was received.
                if let Err(e) = file.flush().await {
                    let _ = tokio::fs::remove_file(&part).await;
                    return server_error(&rx, &name, e);
                }
                stream.next().await
            }
        };
        let Some(chunk) = next else { break };
        let bytes: Bytes = match chunk {
            Ok(b) => b,
            Err(_) => {
                complete = false; // the sender went away: keep what came
                break;
            }
        };
        total += bytes.len() as u64;
        if total > rx.max_capture {
            drop(file);
            let _ = tokio::fs::remove_file(&part).await;
            return (StatusCode::PAYLOAD_TOO_LARGE, "capture too large\n").into_response();
        }
        if let Err(e) = file.push(bytes).await {
            drop(file);
            let _ = tokio::fs::remove_file(&part).await;
            return server_error(&rx, &name, e);
        }
    }
    if announced.is_some_and(|n| n != total) {
        complete = false;
    }
    if total == 0 {
        drop(file);
        let _ = tokio::fs::remove_file(&part).await;
        return (StatusCode::BAD_REQUEST, "empty capture\n").into_response();
    }
    let synced = file.sync().await;
    let committed = match synced {
        Ok(kept) => {
            let pipeline = rx.pipeline.clone();
            let (part2, name2) = (part.clone(), name.clone());
            tokio::task::spawn_blocking(move || {
                let committed = pipeline.spool.commit_upload(&part2, &name2, complete)?;
                if let (Some(bytes), Some(path)) = (kept, committed.path()) {
                    // for the archiver, which then need not read the file back
                    pipeline.fresh.put(committed.key(), path, bytes);
                }
                Ok(committed)
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
        }
        Err(e) => Err(e),
    };
    let committed = match committed {
        Ok(c) => c,
        Err(e) => {
            let _ = tokio::fs::remove_file(&part).await;
            return server_error(&rx, &name, e);
        }
    };
    if let Some(line) = committed.describe(&name) {
        rx.pipeline.status.event("info", line);
    }
    rx.pipeline.status.update(|s| {
        s.counters.captures_received += 1;
        s.counters.partial_uploads += u64::from(!complete);
        s.lamps.pcap = Lamp::Green;
    });
    if !complete {
        rx.pipeline.status.event(
            "warning",
            tr(
                "event-partial-upload",
                &[("name", Arg::from(name.as_str()))],
            ),
        );
    }
    rx.pipeline.wake.notify_one();
    StatusCode::CREATED.into_response()
}

fn server_error(rx: &Receiver, name: &str, e: std::io::Error) -> Response {
    rx.pipeline.status.update(|s| s.lamps.disk = Lamp::Red);
    rx.pipeline.status.event(
        "error",
        tr(
            "event-upload-not-stored",
            &[("name", Arg::from(name)), ("why", Arg::from(e.to_string()))],
        ),
    );
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "cannot store the capture\n",
    )
        .into_response()
}

async fn cdr(
    State(rx): State<Arc<Receiver>>,
    ConnectInfo(PeerAddr(peer)): ConnectInfo<PeerAddr>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let received = match parse_request(query.as_deref(), &body) {
        Ok(r) => r,
        Err(e) => {
            rx.pipeline.status.event(
                "warning",
                tr("event-cdr-refused", &[("why", Arg::from(e.to_string()))]),
            );
            return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response();
        }
    };
    let bytes: usize = received.iter().map(|r| r.text().len()).sum();
    if !rx.cdr_budget.take(peer.ip(), bytes) {
        if rx.cdr_budget_warned.take(peer.ip(), 1) {
            rx.pipeline.status.event(
                "warning",
                tr(
                    "event-cdr-flood",
                    &[("address", Arg::from(peer.ip().to_string()))],
                ),
            );
        }
        let mut response =
            (StatusCode::TOO_MANY_REQUESTS, "too many CDRs: send later\n").into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    }
    let sent = sent_time(query.as_deref(), &body);
    let pipeline = rx.pipeline.clone();
    // journal first: the PBX gets its 200 only for what is on disk
    let saved = tokio::task::spawn_blocking(move || {
        received
            .iter()
            .try_for_each(|r| pipeline.take_cdr(r).map(|_| ()))
    })
    .await
    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
    match saved {
        Ok(()) => {
            if let Some(sent) = sent {
                rx.pipeline.pbx_clock(ReadingSource::CdrPost, sent);
            }
            StatusCode::OK.into_response()
        }
        Err(e) => {
            rx.pipeline.status.update(|s| s.lamps.disk = Lamp::Red);
            rx.pipeline.status.event(
                "error",
                tr("event-cdr-not-stored", &[("why", Arg::from(e.to_string()))]),
            );
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A TCR mark: `GET|POST /mark?agent=<extension>` keeps that agent's current or just
/// ended call (threat call recording).
async fn mark(State(rx): State<Arc<Receiver>>, RawQuery(query): RawQuery) -> Response {
    let agent = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "agent")
        .map(|(_, v)| v.into_owned());
    let Some(agent) = agent else {
        return (StatusCode::BAD_REQUEST, "mark needs agent=<extension>\n").into_response();
    };
    let result = rx
        .pipeline
        .modes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .mark(&agent, std::time::SystemTime::now());
    match result {
        Ok(true) => {
            rx.pipeline.status.event(
                "info",
                tr("event-tcr-mark", &[("agent", Arg::from(agent.to_string()))]),
            );
            rx.pipeline.wake.notify_one();
            StatusCode::OK.into_response()
        }
        Ok(false) => (StatusCode::BAD_REQUEST, "not an extension\n").into_response(),
        Err(e) => server_error(&rx, "mark", e),
    }
}

async fn status(State(rx): State<Arc<Receiver>>) -> Response {
    axum::Json(rx.pipeline.status.snapshot()).into_response()
}
