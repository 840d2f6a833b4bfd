//! The live link to the PBX over its SOAP API, as the seed's recorder keeps one: it
//! turns the PBX lamp green (ACT) while a session is up, and lists each call of the
//! monitored users while it runs (the seed's "channels in recording") until the PBX
//! says it ended — which also tells the job loop to look again, since that call's
//! capture is now complete.
//!
//! Session: `Initialize` with the monitoring user (its groups set the scope), then
//! `Poll` in a loop. The first polls deliver every user in scope, ended by one with an
//! empty `cn`; each gets `UserInitialize` so that its calls are reported. A failing
//! link turns the lamp red ("PBX link failure") and is tried again with a growing
//! pause; recording goes on without it (captures and CDRs do not need the link).
//!
//! Active/standby PBX: with a standby URL, a failing main PBX hands the link to the
//! standby at once (STB lamp yellow: the link is up, on the standby); while there, the
//! main is asked every [`MAIN_PROBE`] and the link goes back as soon as it answers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::clock_watch::ReadingSource;
use super::pipeline::Pipeline;
use super::soap_wire::{CallEvent, Node, UserEvent, parse, request};
use super::status::{AlarmState, Lamp};
use crate::lang::{Arg, tr};

#[derive(Debug, Clone)]
pub struct PbxConfig {
    /// `http(s)://PBX/PBX0/user.soap`.
    pub url: String,
    /// The long name (cn) of the monitoring user; its groups are the scope.
    pub user: String,
    pub credentials: Option<(String, String)>,
    /// The standby PBX's SOAP URL, when the site has a redundant pair.
    pub standby_url: Option<String>,
}

/// While on the standby, how often the main PBX is asked whether it is back.
const MAIN_PROBE: Duration = Duration::from_secs(10);

/// Which PBX the link talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Main,
    Standby,
}

/// The PBX holds a Poll up to about 60 s when nothing happens.
const POLL_TIMEOUT: Duration = Duration::from_secs(75);
const MAX_PAUSE: Duration = Duration::from_secs(60);
/// A SOAP answer larger than this is not one.
const MAX_ANSWER: usize = 8 * 1024 * 1024;

struct Link {
    pipeline: Arc<Pipeline>,
    config: PbxConfig,
    soap: SoapClient,
    failing: bool,
    side: Side,
}

/// Keeps the link up until `stop`.
pub async fn run(pipeline: Arc<Pipeline>, config: PbxConfig, mut stop: watch::Receiver<bool>) {
    let client = match crate::http_client::builder()
        .timeout(POLL_TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            pipeline.status.event(
                "error",
                tr("event-pbx-no-client", &[("why", Arg::from(e.to_string()))]),
            );
            return;
        }
    };
    let soap = SoapClient {
        client,
        credentials: config.credentials.clone(),
        pipeline: pipeline.clone(),
    };
    let mut link = Link {
        pipeline,
        config,
        soap,
        failing: false,
        side: Side::Main,
    };
    let mut pause = Duration::from_secs(1);
    loop {
        let outcome = tokio::select! {
            r = link.session_or_main_back() => r,
            _ = stop.changed() => Ok(()),
        };
        if *stop.borrow() {
            link.pipeline.status.update(|s| {
                s.lamps.pbx = Lamp::Grey;
                s.lamps.active = Lamp::Grey;
                s.lamps.standby = Lamp::Grey;
            });
            return;
        }
        match outcome {
            Err(e) if link.side == Side::Main && link.config.standby_url.is_some() => {
                // the main PBX failed: the standby takes over at once (a warning and
                // the STB lamp, not the alarm: recording goes on; the alarm comes if
                // the standby fails too)
                link.pipeline.status.event(
                    "warning",
                    tr("event-pbx-main-failed", &[("why", Arg::from(e.as_str()))]),
                );
                link.side = Side::Standby;
            }
            Err(e) => {
                link.failed(&e);
                link.side = Side::Main;
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = stop.changed() => {}
                }
                pause = (pause * 2).min(MAX_PAUSE);
            }
            Ok(()) => pause = Duration::from_secs(1),
        }
        if *stop.borrow() {
            return;
        }
    }
}

impl Link {
    fn failed(&mut self, why: &str) {
        let status = &self.pipeline.status;
        status.update(|s| {
            s.lamps.pbx = Lamp::Red;
            s.lamps.active = Lamp::Grey;
        });
        if !self.failing || status.snapshot().alarm == AlarmState::Ok {
            status.event("error", tr("event-pbx-failed", &[("why", Arg::from(why))]));
        }
        self.failing = true;
    }

    /// The URL of the PBX the link talks to now.
    fn url(&self) -> &str {
        match (self.side, &self.config.standby_url) {
            (Side::Standby, Some(standby)) => standby,
            _ => &self.config.url,
        }
    }

    /// A session on the PBX of `self.side`; on the standby it also ends (`Ok`) as soon
    /// as the main PBX answers again, and the link goes back to it.
    async fn session_or_main_back(&mut self) -> Result<(), String> {
        if self.side == Side::Main {
            return self.session().await;
        }
        let (probe, main, user) = (
            self.soap.clone(),
            self.config.url.clone(),
            self.config.user.clone(),
        );
        let main_back = async move {
            loop {
                tokio::time::sleep(MAIN_PROBE).await;
                if probe.initialize_answers(&main, &user).await {
                    return;
                }
            }
        };
        tokio::select! {
            r = self.session() => r,
            () = main_back => {
                self.side = Side::Main;
                self.pipeline.status.update(|s| s.lamps.standby = Lamp::Grey);
                self.pipeline.status.event(
                    "info",
                    tr("event-pbx-main-back", &[("url", Arg::from(self.config.url.as_str()))]),
                );
                Ok(())
            }
        }
    }

    async fn call(&self, operation: &str, params: &[(&str, String)]) -> Result<Node, String> {
        self.soap.call(self.url(), operation, params).await
    }

    /// One session, from Initialize until the link fails.
    async fn session(&mut self) -> Result<(), String> {
        let t = || "true".to_string();
        let init = self
            .call(
                "Initialize",
                &[
                    ("user", self.config.user.clone()),
                    ("appl", "callrec".into()),
                    ("v", t()),
                    ("v501", t()),
                    ("v700", t()),
                    ("v800", t()),
                    ("vx1000", t()),
                ],
            )
            .await?;
        let session = init.text_of("return").to_string();
        if session.is_empty() || session == "0" {
            return Err(format!(
                "Initialize refused for user '{}' (check the user and its rights)",
                self.config.user
            ));
        }
        let on_standby = self.side == Side::Standby;
        let redundant = self.config.standby_url.is_some();
        self.pipeline.status.update(|s| {
            s.lamps.pbx = Lamp::Green;
            s.lamps.active = if redundant && !on_standby {
                Lamp::Green
            } else {
                Lamp::Grey
            };
            s.lamps.standby = if on_standby { Lamp::Yellow } else { Lamp::Grey };
        });
        let url = self.url().to_string();
        self.pipeline.status.event(
            if on_standby { "warning" } else { "info" },
            tr(
                if on_standby {
                    "event-pbx-on-standby"
                } else if self.failing {
                    "event-pbx-up-again"
                } else {
                    "event-pbx-up"
                },
                &[("url", Arg::from(url.as_str()))],
            ),
        );
        self.failing = false;
        // (user handle, call handle) → the label shown while it runs
        let mut calls: HashMap<(String, String), String> = HashMap::new();
        // user handle → (number, long name)
        let mut users: HashMap<String, (String, String)> = HashMap::new();
        let result = loop {
            let answer = match self.call("Poll", &[("session", session.clone())]).await {
                Ok(a) => a,
                Err(e) => break Err(e),
            };
            let Some(any) = answer.child("return") else {
                continue;
            };
            for node in any.items("user") {
                let user = UserEvent::from_node(node);
                if user.cn.is_empty() || !user.active {
                    continue; // the end of the first listing, or a user leaving the scope
                }
                let handle = self
                    .call(
                        "UserInitialize",
                        &[
                            ("session", session.clone()),
                            ("user", user.cn.clone()),
                            ("xfer", "true".into()),
                            ("disc", "false".into()),
                            ("hw", String::new()),
                        ],
                    )
                    .await?;
                let handle = handle.text_of("return").to_string();
                if handle != "0" && !handle.is_empty() {
                    let number = if user.e164.is_empty() {
                        user.cn.clone()
                    } else {
                        user.e164
                    };
                    users.insert(handle, (number, user.cn));
                }
            }
            for node in any.items("call") {
                self.on_call(CallEvent::from_node(node), &users, &mut calls)
                    .await;
            }
        };
        for label in calls.values() {
            self.pipeline.status.recording_ended(label);
        }
        result
    }

    async fn on_call(
        &self,
        event: CallEvent,
        users: &HashMap<String, (String, String)>,
        calls: &mut HashMap<(String, String), String>,
    ) {
        let key = (event.user.clone(), event.call.clone());
        let status = &self.pipeline.status;
        if event.ended() {
            if let Some(label) = calls.remove(&key) {
                status.recording_ended(&label);
                // the capture of this call is complete now: look at the journal
                self.pipeline.wake.notify_one();
            }
            return;
        }
        // the AppServer learns the call's UID while it runs (the seed's FRST); the
        // conference id may come with a later event of the call, and the outbox
        // keeps one FRST per call and user
        if let (Some(uid), Some((number, cn))) = (&event.conf, users.get(&event.user)) {
            // the outbox appends and syncs to disk: not on this task's thread, and
            // awaited, so the messages keep their order
            let (pipeline, number, uid, cn) = (
                self.pipeline.clone(),
                number.clone(),
                uid.clone(),
                cn.clone(),
            );
            let _ =
                tokio::task::spawn_blocking(move || pipeline.tell_first(&number, &uid, &cn)).await;
        }
        if calls.contains_key(&key) {
            return;
        }
        let (own, _) = users.get(&event.user).cloned().unwrap_or_default();
        let arrow = if event.incoming() { "<-" } else { "->" };
        let conf = event
            .conf
            .as_deref()
            .map(|c| format!(" conf {}", &c[..c.len().min(8)]))
            .unwrap_or_default();
        let label = format!("{own} {arrow} {}{conf}", event.peer);
        status.recording_started(&label);
        calls.insert(key, label);
    }
}

/// SOAP requests to a PBX: the HTTP client, the login, and where the PBX's clock
/// readings go. Cloned into the probe that asks the main PBX while on the standby.
#[derive(Clone)]
struct SoapClient {
    client: reqwest::Client,
    credentials: Option<(String, String)>,
    pipeline: Arc<Pipeline>,
}

impl SoapClient {
    async fn call(
        &self,
        url: &str,
        operation: &str,
        params: &[(&str, String)],
    ) -> Result<Node, String> {
        let body = request(operation, params);
        let build = || {
            self.client
                .post(url)
                .header("Content-Type", "text/xml; charset=utf-8")
                .header(
                    "SOAPAction",
                    format!("{}#{operation}", super::soap_wire::NAMESPACE),
                )
                .body(body.clone())
        };
        // the PBX asks for Digest unless Basic is allowed on it: answer either
        let sent = match &self.credentials {
            Some((user, password)) => {
                super::digest_auth::send_answering(build, user, password).await
            }
            None => build().send().await,
        };
        let answer = sent.map_err(|e| format!("{operation}: {e}"))?;
        // the PBX's clock, as its HTTP server stamps every answer
        let stamped = answer
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| jiff::fmt::rfc2822::parse(d).ok());
        if let Some(stamped) = stamped {
            self.pipeline
                .pbx_clock(ReadingSource::Soap, stamped.timestamp().as_second());
        }
        if !answer.status().is_success() {
            return Err(format!("{operation}: HTTP {}", answer.status()));
        }
        if answer
            .content_length()
            .is_some_and(|n| n as usize > MAX_ANSWER)
        {
            return Err(format!("{operation}: answer too large"));
        }
        let text = answer
            .text()
            .await
            .map_err(|e| format!("{operation}: {e}"))?;
        if text.len() > MAX_ANSWER {
            return Err(format!("{operation}: answer too large"));
        }
        let root = parse(&text).ok_or_else(|| format!("{operation}: not XML"))?;
        if let Some(fault) = root.find("Fault") {
            return Err(format!("{operation}: {}", fault.text_of("faultstring")));
        }
        root.find(&format!("{operation}Response"))
            .cloned()
            .ok_or_else(|| format!("{operation}: no {operation}Response"))
    }

    /// Whether the PBX at `url` accepts an `Initialize` for `user` within a few
    /// seconds (the main PBX is back).
    async fn initialize_answers(&self, url: &str, user: &str) -> bool {
        let params = [("user", user.to_string()), ("appl", "callrec".into())];
        let asked = self.call(url, "Initialize", &params);
        match tokio::time::timeout(Duration::from_secs(5), asked).await {
            Ok(Ok(answer)) => !matches!(answer.text_of("return"), "" | "0"),
            _ => false,
        }
    }
}
