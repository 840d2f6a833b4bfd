//! `callrec service`: the recorder, headless, until Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use super::args::{Args, UsageError, runtime_failure};
use super::context::{archiver, load_setup, setup_key_names};
use crate::archive::setup::Setup;
use crate::recorder::appserver_link::AppServerConfig;
use crate::recorder::log_files::LogSettings;
use crate::recorder::mailer::{MailConfig, Security};
use crate::recorder::modes::{Mode, Sampling};
use crate::recorder::pbx_link::PbxConfig;
use crate::recorder::pipeline::{OrphanPolicy, PipelineConfig};
use crate::recorder::pull::{PullConfig, Source};
use crate::recorder::rules::Agents;
use crate::recorder::service::{Service, ServiceConfig};
use crate::recorder::tls::Https;

/// The recorder's configuration, from the setup (with command-line overrides).
pub fn service_config(setup: &Setup) -> Result<ServiceConfig, UsageError> {
    let listen = setup.get("listen").parse().map_err(|_| {
        UsageError(format!(
            "listen={} is not ADDRESS:PORT",
            setup.get("listen")
        ))
    })?;
    let number = |key: &str| setup.number(key);
    let auth = setup.get("httpauth");
    let listen: std::net::SocketAddr = listen;
    if !listen.ip().is_loopback() && auth.is_empty() && !setup.on("allowopen") {
        return Err(UsageError(format!(
            "listen={listen} reaches beyond this PC, and no httpauth is set: anyone on the \
             network could upload captures and CDRs. Set httpauth=user:password (or, on a \
             closed network, allowopen=on)"
        )));
    }
    let group = setup.get("group");
    let smtp = setup.get("smtp");
    let smtp_cert = setup.get("smtpcert");
    let smtp_cert = if smtp_cert.is_empty() {
        None
    } else {
        Some(
            std::fs::read(&smtp_cert)
                .map_err(|e| UsageError(format!("smtpcert={smtp_cert}: {e}")))?,
        )
    };
    let mail = match smtp.rsplit_once(':') {
        Some((host, port)) if !setup.get("mailto").is_empty() => Some(MailConfig {
            host: host.to_string(),
            port: port.parse().unwrap_or(25),
            security: match setup.get("smtpsecurity").as_str() {
                "none" => Security::None,
                "tls" => Security::Tls,
                _ => Security::StartTls,
            },
            credentials: setup
                .get("smtpauth")
                .split_once(':')
                .map(|(u, p)| (u.to_string(), p.to_string())),
            from: setup.get("mailfrom"),
            to: setup
                .get("mailto")
                .split(',')
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect(),
            trusted_cert: smtp_cert,
        }),
        _ => None,
    };
    let max_capture = number("maxpcapmb").max(1) * 1_000_000;
    let cert_file = setup.get("sourcecert");
    let trusted_cert = if cert_file.is_empty() {
        None
    } else {
        Some(
            std::fs::read(&cert_file)
                .map_err(|e| UsageError(format!("sourcecert={cert_file}: {e}")))?,
        )
    };
    let pull = Source::parse(&setup.get("source")).map(|source| PullConfig {
        trusted_cert,
        source,
        credentials: setup
            .get("sourceauth")
            .split_once(':')
            .map(|(u, p)| (u.to_string(), p.to_string())),
        poll: Duration::from_secs(number("poll").clamp(1, 300)),
        max_capture,
        standby: Source::parse(&setup.get("source2")),
    });
    let pbx_url = setup.get("pbx");
    let standby = setup.get("pbx2");
    let pbx = (!pbx_url.trim().is_empty()).then(|| PbxConfig {
        standby_url: (!standby.trim().is_empty()).then(|| standby.trim().to_string()),
        url: pbx_url.trim().to_string(),
        user: setup.get("pbxuser"),
        credentials: setup
            .get("pbxauth")
            .split_once(':')
            .map(|(u, p)| (u.to_string(), p.to_string())),
    });
    let https = https_of(setup)?;
    let appserver = setup.get("appserver");
    let appserver = (!appserver.trim().is_empty()).then(|| AppServerConfig {
        address: appserver.trim().to_string(),
        keepalive: Duration::from_secs(number("appserverkeepalive")),
        acknowledged: setup.on("appserverack"),
    });
    Ok(ServiceConfig {
        appserver,
        https,
        limits: Default::default(),
        pbx,
        pull,
        mail,
        alarm_arming: Duration::from_secs(20),
        listen,
        max_capture,
        basic_auth: (!auth.is_empty()).then_some(auth),
        pipeline: PipelineConfig {
            agents: Agents {
                numbers: setup.list("agents"),
                group: (!group.is_empty()).then_some(group),
                licences: number("licences") as usize,
            },
            cdr_wait_steps: number("cdrwait") as u32,
            orphans: if setup.get("orphans") == "delete" {
                OrphanPolicy::Delete
            } else {
                OrphanPolicy::Keep
            },
            settle: Duration::from_secs(3),
            mode: if setup.get("mode") == "tcr" {
                Mode::Tcr(Duration::from_secs(number("tcrwindow") * 60))
            } else {
                Mode::Standard
            },
            sampling: Sampling {
                system: number("randomsystem") as u32,
                agent: number("randomagent") as u32,
            },
            keep_months: number("keepmonths") as u32,
            tan_prefix: setup.get("tanprefix"),
            orphan_alarm: setup.on("cdralarm"),
            cdr_silence: Duration::from_secs(number("cdrsilence") * 60),
            clock_skew_s: number("clockskew") as i64,
            ..PipelineConfig::default()
        },
    })
}

/// The setup's HTTPS certificate and key, when it has them (both, or neither).
pub fn https_of(setup: &Setup) -> Result<Option<Https>, UsageError> {
    let (cert, key) = (setup.get("tlscert"), setup.get("tlskey"));
    match (cert.is_empty(), key.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => Https::load(std::path::Path::new(&cert), std::path::Path::new(&key))
            .map(Some)
            .map_err(|e| UsageError(format!("tlscert/tlskey: {e}"))),
        _ => Err(UsageError(
            "tlscert and tlskey go together: give both, or neither".into(),
        )),
    }
}

pub fn service(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let setup = load_setup(args)?;
    let config = service_config(&setup)?;
    let archiver = archiver(&setup)?;
    init_logging(&setup);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return Ok(runtime_failure(format!("cannot start the runtime: {e}"))),
    };
    runtime.block_on(async move {
        let service = match Service::start(config, archiver).await {
            Ok(s) => s,
            Err(e) => return Ok(runtime_failure(format!("the recorder cannot start: {e}"))),
        };
        let service = match super::fileserver::player_api(&setup, Some(&service.pipeline()))? {
            Some(api) => service.with_routes(api),
            None => service,
        };
        let service = super::context::recorder_with_bucket(service, &setup)?;
        eprintln!(
            "callrec: recorder on {1}://{0}: captures to {1}://{0}/rec/, CDRs to {1}://{0}/cdr, status at {1}://{0}/status",
            service.local_addr(),
            service.scheme()
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stop_tx = Arc::new(stop_tx);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        match service.run(stop_rx).await {
            Ok(()) => Ok(0),
            Err(e) => Ok(runtime_failure(format!("the recorder failed: {e}"))),
        }
    })
}

/// Log lines on standard error (`RUST_LOG` can change the level), warnings and errors
/// in the error log of the setup folder, and the trace log when `trace=on`.
pub fn init_logging(setup: &Setup) {
    crate::recorder::log_files::init(&log_settings(setup));
}

/// The log files' place and size, from the setup.
pub fn log_settings(setup: &Setup) -> LogSettings {
    LogSettings {
        dir: Some(setup.dir.clone()),
        trace: setup.on("trace"),
        max_bytes: setup.number("logmb") * 1_000_000,
    }
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
