//! The PBX's SOAP API as the simulator offers it: `POST /PBX0/user.soap` with
//! Initialize, UserInitialize, Poll (held until a call event comes, as the PBX holds it
//! up to a minute), Echo and End, in the wire format of `recorder::soap_wire`. The
//! monitored users are the simulator's agents and users; each simulated call is
//! reported when it starts and when it ends (`del`).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::{Notify, watch};

use super::SimCall;
use crate::recorder::digest_auth::DigestServer;
use crate::recorder::soap_wire::{CallEvent, UserEvent, parse, response};

struct PbxState {
    users: Vec<UserEvent>,
    events: Mutex<VecDeque<CallEvent>>,
    notify: Notify,
    sessions: AtomicU32,
    /// Sessions that have had their user listing.
    listed: Mutex<Vec<String>>,
    hold: Duration,
    /// The login: Digest only, as a PBX without "allow HTTP basic authentication".
    digest: Option<DigestServer>,
    /// How far this PBX's clock is off, in seconds (its answers' `Date`).
    clock_offset_s: AtomicI64,
}

/// A running simulated PBX SOAP endpoint.
pub struct SoapPbx {
    addr: SocketAddr,
    state: Arc<PbxState>,
    stop: watch::Sender<bool>,
}

/// The user handle of the `index`-th user (0 means "refused" in the API).
fn handle(index: usize) -> String {
    (index + 100).to_string()
}

impl SoapPbx {
    /// Listens on `bind` (port 0: any free port). `users` are (long name, number);
    /// `hold` is how long an idle Poll is held (the PBX: about 60 s).
    pub async fn start(
        bind: SocketAddr,
        users: Vec<(String, String)>,
        credentials: Option<(String, String)>,
        hold: Duration,
    ) -> std::io::Result<SoapPbx> {
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(PbxState {
            users: users
                .into_iter()
                .map(|(cn, e164)| UserEvent {
                    cn,
                    e164,
                    active: true,
                })
                .collect(),
            events: Mutex::new(VecDeque::new()),
            notify: Notify::new(),
            sessions: AtomicU32::new(0),
            listed: Mutex::new(Vec::new()),
            hold,
            digest: credentials
                .as_ref()
                .and_then(|(u, p)| DigestServer::new(&format!("{u}:{p}"))),
            clock_offset_s: AtomicI64::new(0),
        });
        let (stop, mut stopped) = watch::channel(false);
        let app = axum::Router::new()
            .route("/PBX0/user.soap", post(soap))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await;
        });
        Ok(SoapPbx { addr, state, stop })
    }

    /// The simulator's agents (20–24) and users (30–31).
    pub fn site_users() -> Vec<(String, String)> {
        (20..=24)
            .chain(30..=31)
            .map(|n| (format!("User {n}"), n.to_string()))
            .collect()
    }

    pub fn url(&self) -> String {
        format!("http://{}/PBX0/user.soap", self.addr)
    }

    fn push(&self, event: CallEvent) {
        self.state
            .events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(event);
        self.state.notify.notify_waiters();
    }

    fn event(&self, call: &SimCall, active: bool) -> Option<CallEvent> {
        let index = self
            .state
            .users
            .iter()
            .position(|u| u.e164 == call.internal)?;
        Some(CallEvent {
            user: handle(index),
            call: format!("{}", call.conf as u32),
            active,
            state: if call.outgoing { 0x05 } else { 0x85 },
            msg: match (active, call.outgoing) {
                (false, _) => "del".into(),
                (true, true) => "r-conn".into(),
                (true, false) => "x-conn".into(),
            },
            peer: call.external.clone(),
            conf: Some(format!("{:032x}", call.conf)),
        })
    }

    /// Reports a call of a monitored user as connected.
    /// Sets this PBX's clock `offset_s` seconds off this PC's.
    pub fn set_clock_offset(&self, offset_s: i64) {
        self.state.clock_offset_s.store(offset_s, Ordering::Relaxed);
    }

    pub fn call_started(&self, call: &SimCall) {
        if let Some(e) = self.event(call, true) {
            self.push(e);
        }
    }

    /// Reports the end of the call (`del`).
    pub fn call_ended(&self, call: &SimCall) {
        if let Some(e) = self.event(call, false) {
            self.push(e);
        }
    }

    /// Stops answering: a PBX going away.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for SoapPbx {
    fn drop(&mut self) {
        self.stop();
    }
}

fn authorised(state: &PbxState, headers: &HeaderMap, target: &str) -> bool {
    let Some(digest) = &state.digest else {
        return true;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| digest.verify(v, "POST", target, false).is_ok())
}

fn xml(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], body).into_response()
}

fn fault(text: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\
<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>{text}</faultstring></soap:Fault></soap:Body></soap:Envelope>"
    );
    (StatusCode::INTERNAL_SERVER_ERROR, xml(body)).into_response()
}

/// Every answer carries the PBX's clock in `Date`, as its HTTP server stamps it.
async fn soap(
    State(state): State<Arc<PbxState>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut answer = operation(&state, uri, headers, body).await;
    let clock = super::pbx_clock(state.clock_offset_s.load(Ordering::Relaxed));
    let stamp = clock.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string();
    if let Ok(value) = stamp.parse() {
        answer.headers_mut().insert(header::DATE, value);
    }
    answer
}

async fn operation(
    state: &PbxState,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    if !authorised(state, &headers, target) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        for challenge in state.digest.iter().flat_map(|d| d.challenges(false)) {
            if let Ok(value) = challenge.parse() {
                response
                    .headers_mut()
                    .append(header::WWW_AUTHENTICATE, value);
            }
        }
        return response;
    }
    let Some(root) = std::str::from_utf8(&body).ok().and_then(parse) else {
        return fault("not XML");
    };
    let Some(call) = root.find("Body").and_then(|b| b.children.first()).cloned() else {
        return fault("no operation");
    };
    match call.name.as_str() {
        "Initialize" => {
            let n = state.sessions.fetch_add(1, Ordering::Relaxed) + 1;
            xml(response(
                "Initialize",
                &format!("<return>{n}</return><key>4711</key>"),
            ))
        }
        "UserInitialize" => {
            let cn = call.text_of("user");
            let h = state
                .users
                .iter()
                .position(|u| u.cn == cn)
                .map_or("0".to_string(), handle);
            xml(response("UserInitialize", &format!("<return>{h}</return>")))
        }
        "Poll" => poll(state, call.text_of("session").to_string()).await,
        "Echo" | "End" | "UserEnd" => xml(response(&call.name, "<return>1</return>")),
        other => fault(&format!("{other} is not simulated")),
    }
}

async fn poll(state: &PbxState, session: String) -> Response {
    let first = {
        let mut listed = state.listed.lock().unwrap_or_else(|e| e.into_inner());
        let first = !listed.contains(&session);
        if first {
            listed.push(session);
        }
        first
    };
    let users = if first {
        // every user in scope, then one with an empty cn: the end of the listing
        let mut all: String = state.users.iter().map(UserEvent::to_xml).collect();
        all.push_str(
            &UserEvent {
                cn: String::new(),
                e164: String::new(),
                active: true,
            }
            .to_xml(),
        );
        all
    } else {
        String::new()
    };
    let deadline = tokio::time::Instant::now() + state.hold;
    let calls = loop {
        let waiting = state.notify.notified();
        let ready: Vec<CallEvent> = state
            .events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
            .collect();
        if !ready.is_empty() || first {
            break ready;
        }
        if tokio::time::timeout_at(deadline, waiting).await.is_err() {
            break Vec::new();
        }
    };
    let calls: String = calls.iter().map(CallEvent::to_xml).collect();
    xml(response(
        "Poll",
        &format!(
            "<return><user>{users}</user><call>{calls}</call><reg></reg><info></info></return>"
        ),
    ))
}
