//! A running recorder: the HTTP receiver and the job loop, started together and
//! stopped together.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::watch;

use super::address_budget::AddressBudget;
use super::appserver_link::AppServerConfig;
use super::connection_limits::{ConnectionLimits, LimitedListener, PeerAddr, raise_file_limit};
use super::digest_auth::DigestServer;
use super::mailer::MailConfig;
use super::pbx_link::PbxConfig;
use super::pipeline::{Pipeline, PipelineConfig};
use super::pull::PullConfig;
use super::receiver::{Receiver, router};
use super::spool::Spool;
use super::status::{AlarmState, StatusBoard};
use super::tls::{Https, TlsListener};
use crate::archive::record::Archiver;
use crate::lang::{Arg, t, tr};

/// Everything the recorder is told by the setup.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub listen: SocketAddr,
    pub max_capture: u64,
    pub basic_auth: Option<String>,
    pub pipeline: PipelineConfig,
    /// Where alarm e-mails go; none: no e-mail.
    pub mail: Option<MailConfig>,
    /// How long after start errors show without latching the master alarm.
    pub alarm_arming: Duration,
    /// A gateway CF, WebDAV server or folder to fetch captures from, besides the push
    /// receiver (which always runs).
    pub pull: Option<PullConfig>,
    /// The PBX's SOAP API, for the PBX lamp and the calls in recording.
    pub pbx: Option<PbxConfig>,
    /// Serve HTTPS with this certificate instead of plain HTTP.
    pub https: Option<Https>,
    /// Idle timeout and connection cap of the HTTP server.
    pub limits: ConnectionLimits,
    /// The external application's server to tell of calls and records.
    pub appserver: Option<AppServerConfig>,
}

/// How long open requests may run on after a stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// The least time between two alarm e-mails; alarms in between are told in the next.
const MAIL_GAP: Duration = Duration::from_secs(600);

/// A recorder that has bound its port; [`Service::run`] serves until `stop`.
pub struct Service {
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    receiver: Arc<Receiver>,
    mail: Option<MailConfig>,
    pull: Option<PullConfig>,
    pbx: Option<PbxConfig>,
    https: Option<Https>,
    limits: ConnectionLimits,
    appserver: Option<AppServerConfig>,
    /// More routes served on the same port with their own logins (the Player API).
    extra: Option<axum::Router>,
    /// The archive's bucket, when records leave the local store for one.
    bucket: Option<crate::archive::bucket_outbox::Outbox>,
}

/// File descriptors kept free of connections, for the journal, archive and logs.
const FILE_RESERVE: u64 = 256;

impl Service {
    /// Opens the journal, loads pending CDRs and binds the port.
    pub async fn start(mut config: ServiceConfig, archiver: Archiver) -> std::io::Result<Service> {
        config.pipeline.appserver = config.appserver.is_some();
        archiver.store.create()?;
        archiver
            .identity
            .public()
            .publish(&archiver.store.keys_dir())?;
        let spool = Spool::open(&archiver.store)?;
        let listener = TcpListener::bind(config.listen).await?;
        let local = listener.local_addr()?;
        let status = Arc::new(StatusBoard::with_arming(
            local.to_string(),
            archiver.backup.is_some(),
            config.alarm_arming,
        ));
        let pipeline = Pipeline::new(archiver, spool, config.pipeline, status)?;
        let receiver = Arc::new(Receiver {
            pipeline: pipeline.clone(),
            max_capture: config.max_capture,
            digest: config.basic_auth.as_deref().and_then(DigestServer::new),
            basic_auth: config.basic_auth,
            guard: Default::default(),
            cdr_budget: AddressBudget::for_cdrs(),
            cdr_budget_warned: AddressBudget::new(1.0 / 60.0, 1.0),
        });
        Ok(Service {
            listener,
            pipeline,
            receiver,
            mail: config.mail,
            pull: config.pull,
            pbx: config.pbx,
            https: config.https,
            limits: config.limits,
            appserver: config.appserver,
            extra: None,
            bucket: None,
        })
    }

    /// Also serves `routes` (which bring their own logins: the device login does not
    /// guard them) on the recorder's port.
    pub fn with_routes(mut self, routes: axum::Router) -> Service {
        self.extra = Some(routes);
        self
    }

    /// Moves every record into `bucket` once it is made (the local store becomes the
    /// archive's outbox), and with `backup` a flat copy into that bucket first.
    pub fn with_bucket(
        mut self,
        bucket: crate::archive::bucket::Bucket,
        backup: Option<crate::archive::bucket::Bucket>,
    ) -> Service {
        if backup.is_some() {
            self.pipeline
                .backup_in_bucket
                .store(true, std::sync::atomic::Ordering::Relaxed);
            self.pipeline
                .status
                .update(|s| s.lamps.backup = super::status::Lamp::Green);
        }
        self.bucket = Some(
            crate::archive::bucket_outbox::Outbox::new(bucket, self.pipeline.archiver.clone())
                .with_backup(backup),
        );
        let _ = self.pipeline.placed.set(std::sync::Arc::default());
        self
    }

    /// The address actually bound (port 0 picks a free one).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// `https` or `http`, as devices and the PBX must address the recorder.
    pub fn scheme(&self) -> &'static str {
        if self.https.is_some() {
            "https"
        } else {
            "http"
        }
    }

    pub fn pipeline(&self) -> Arc<Pipeline> {
        self.pipeline.clone()
    }

    /// Serves until `stop` becomes true, then lets running jobs finish.
    pub async fn run(self, stop: watch::Receiver<bool>) -> std::io::Result<()> {
        let status = self.pipeline.status.clone();
        status.event(
            "info",
            tr(
                "event-listening",
                &[(
                    "url",
                    Arg::from(format!("{}://{}", self.scheme(), self.local_addr())),
                )],
            ),
        );
        let local = self.local_addr();
        if let Some(https) = &self.https
            && let Some(fingerprint) = crate::http_client::pem_fingerprint(&https.cert_pem)
        {
            // Players pin a self-signed certificate after comparing this with theirs
            status.event(
                "info",
                tr(
                    "event-fingerprint",
                    &[("fingerprint", Arg::from(fingerprint.as_str()))],
                ),
            );
            eprintln!("callrec: HTTPS certificate SHA-256 fingerprint {fingerprint}");
        }
        if !local.ip().is_loopback() && self.receiver.basic_auth.is_none() {
            status.update(|s| s.lamps.software = super::status::Lamp::Yellow);
            status.event(
                "warning",
                tr(
                    "event-open-listen",
                    &[("address", Arg::from(local.to_string()))],
                ),
            );
        }
        if let Some(mail) = self.mail.clone() {
            tokio::spawn(mail_alarms(status.clone(), mail, stop.clone()));
        }
        let own_cert = self.https.as_ref().map(|h| h.cert_pem.clone());
        let login = self.receiver.basic_auth.clone();
        let limits = self.limits.fitted(raise_file_limit(), FILE_RESERVE);
        let mut app = router(self.receiver);
        if let Some(extra) = self.extra {
            app = app.merge(extra);
        }
        let server = spawn_server(self.listener, self.https, limits, app, stop.clone())?;
        // the seed's start-up check runs against the server that now answers
        super::health::startup(
            self.pipeline.clone(),
            local,
            self.pull.clone(),
            own_cert,
            login,
        )
        .await;
        let jobs = tokio::spawn(self.pipeline.clone().run(stop.clone()));
        let link = self.pbx.clone().map(|pbx| {
            tokio::spawn(super::pbx_link::run(
                self.pipeline.clone(),
                pbx,
                stop.clone(),
            ))
        });
        let appserver = match (self.appserver.clone(), self.pipeline.outbox.clone()) {
            (Some(config), Some(outbox)) => {
                status.update(|s| s.lamps.appserver = super::status::Lamp::Yellow);
                Some(tokio::spawn(super::appserver_link::run(
                    outbox,
                    self.pipeline.commands.clone(),
                    status.clone(),
                    config,
                    stop.clone(),
                )))
            }
            _ => None,
        };
        let keep_months = self.pipeline.config.keep_months;
        let placed = self.pipeline.placed.get().cloned().unwrap_or_default();
        let bucket = self.bucket.map(|outbox| {
            tokio::spawn(super::bucket_link::run(
                outbox,
                placed,
                keep_months,
                status.clone(),
                stop.clone(),
            ))
        });
        let puller = self
            .pull
            .clone()
            .map(|pull| tokio::spawn(super::pull::run(self.pipeline.clone(), pull, stop.clone())));
        let served = server.await.map_err(std::io::Error::other)?;
        let _ = jobs.await;
        if let Some(puller) = puller {
            let _ = puller.await;
        }
        if let Some(link) = link {
            let _ = link.await;
        }
        if let Some(appserver) = appserver {
            let _ = appserver.await;
        }
        if let Some(bucket) = bucket {
            let _ = bucket.await;
        }
        served?;
        status.event("info", t("event-stopped"));
        Ok(())
    }
}

/// Serves `app` on `listener` (HTTPS with `https`), connections bounded by `limits`,
/// until `stop` turns true; the client's address reaches handlers as [`PeerAddr`].
/// Requests still open then (Players waiting for new calls or commands hold theirs for
/// up to 30 s) get [`SHUTDOWN_GRACE`] to finish before the task ends without them.
pub fn spawn_server(
    listener: TcpListener,
    https: Option<Https>,
    limits: ConnectionLimits,
    app: axum::Router,
    stop: watch::Receiver<bool>,
) -> std::io::Result<tokio::task::JoinHandle<std::io::Result<()>>> {
    let stopped = |mut stop: watch::Receiver<bool>| async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    let app = app.into_make_service_with_connect_info::<PeerAddr>();
    let serve: std::pin::Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>> = match https {
        Some(https) => Box::pin(
            axum::serve(
                LimitedListener::new(TlsListener::new(listener, https.config)?, limits),
                app,
            )
            .with_graceful_shutdown(stopped(stop.clone()))
            .into_future(),
        ),
        None => Box::pin(
            axum::serve(LimitedListener::new(listener, limits), app)
                .with_graceful_shutdown(stopped(stop.clone()))
                .into_future(),
        ),
    };
    Ok(tokio::spawn(async move {
        tokio::select! {
            served = serve => served,
            _ = async {
                stopped(stop).await;
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } => Ok(()),
        }
    }))
}

/// Sends an e-mail for every alarm that latches, at most one per [`MAIL_GAP`].
async fn mail_alarms(status: Arc<StatusBoard>, mail: MailConfig, mut stop: watch::Receiver<bool>) {
    let mut changes = status.subscribe();
    let mut mailed = 0u64;
    let mut last: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = changes.changed() => {}
            _ = tokio::time::sleep(Duration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
        let snapshot = status.snapshot();
        if snapshot.alarms <= mailed || last.is_some_and(|t| t.elapsed() < MAIL_GAP) {
            continue;
        }
        let cause = match &snapshot.alarm {
            AlarmState::Alarm(cause) => cause.clone(),
            _ => "an alarm (already reset)".to_string(),
        };
        let errors: Vec<String> = snapshot
            .recent
            .iter()
            .filter(|e| e.level == "error")
            .take(10)
            .map(|e| format!("{}  {}", e.utc, e.text))
            .collect();
        let body = format!(
            "The callrec recorder at {} raised the master alarm.\n\nCause: {cause}\nAlarms since start: {}\n\n\
             Latest errors:\n{}\n\nReset the alarm in the recorder window once the cause is fixed.\n",
            snapshot.listen,
            snapshot.alarms,
            errors.join("\n")
        );
        let subject = format!(
            "callrec ALARM: {}",
            cause.chars().take(80).collect::<String>()
        );
        let mail = mail.clone();
        let sent = tokio::task::spawn_blocking(move || mail.send(&subject, &body)).await;
        mailed = snapshot.alarms;
        last = Some(Instant::now());
        match sent {
            Ok(Ok(())) => status.event("info", t("event-mail-sent")),
            Ok(Err(e)) => status.event(
                "warning",
                tr("event-mail-failed", &[("why", Arg::from(e.to_string()))]),
            ),
            Err(e) => status.event(
                "warning",
                tr("event-mail-failed", &[("why", Arg::from(e.to_string()))]),
            ),
        }
    }
}
