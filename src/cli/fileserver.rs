//! `callrec fileserver`: the archive served to Players on other PCs, and nothing else
//! (no recording, no PBX); and the same Player API beside a running recorder.

use std::sync::Arc;

use super::args::{Args, UsageError, runtime_failure};
use crate::player::bucket_source::BucketSource;

use super::context::{identity, key_ring, load_setup, require_store, setup_key_names};
use super::service::{https_of, init_logging, shutdown_signal};
use crate::archive::accounts::parse_accounts;
use crate::archive::setup::Setup;
use crate::fileserver::{FileServer, router};
use crate::recorder::connection_limits::{ConnectionLimits, raise_file_limit};
use crate::recorder::pipeline::Pipeline;

/// The Player API for this setup's store, when the setup has Player accounts; `None`
/// without accounts (nobody could log in).
pub fn player_api(
    setup: &Setup,
    recorder: Option<&Pipeline>,
) -> Result<Option<axum::Router>, UsageError> {
    let accounts = parse_accounts(&setup.get("players")).map_err(UsageError)?;
    if accounts.is_empty() {
        return Ok(None);
    }
    let server = FileServer::new(
        require_store(setup)?,
        key_ring(setup)?,
        identity(setup)?,
        setup.get("recorder"),
        accounts,
        recorder.map(|r| r.status.clone()),
        Some(&setup.dir),
    );
    let server = match recorder {
        Some(r) => server.with_commands(r.commands.clone()),
        None => server,
    };
    // an archive in a bucket is served from the bucket (records fetched when asked for)
    let server = match super::context::bucket(setup)? {
        Some(bucket) => {
            let cache = super::player::bucket_cache(setup, &bucket);
            server.with_bucket(BucketSource::new(bucket, cache), Some(&setup.dir))
        }
        None => server,
    };
    Ok(Some(router(Arc::new(server))))
}

pub fn fileserver(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let setup = load_setup(args)?;
    let Some(api) = player_api(&setup, None)? else {
        return Err(UsageError(
            "no Player accounts: add one with 'callrec setup account=NAME password=PW'".into(),
        ));
    };
    let listen: std::net::SocketAddr = setup.get("listen").parse().map_err(|_| {
        UsageError(format!(
            "listen={} is not ADDRESS:PORT",
            setup.get("listen")
        ))
    })?;
    let https = https_of(&setup)?;
    if https.is_none() && !listen.ip().is_loopback() && !setup.on("allowopen") {
        return Err(UsageError(format!(
            "listen={listen} reaches beyond this PC without TLS: Players' passwords and \
             recordings would cross the network in clear. Set tlscert and tlskey (or, on a \
             closed network, allowopen=on)"
        )));
    }
    init_logging(&setup);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return Ok(runtime_failure(format!("cannot start the runtime: {e}"))),
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(l) => l,
            Err(e) => return Ok(runtime_failure(format!("cannot listen on {listen}: {e}"))),
        };
        let scheme = if https.is_some() { "https" } else { "http" };
        let local = listener.local_addr().unwrap_or(listen);
        eprintln!(
            "callrec: fileserver on {scheme}://{local}/api/v1/ (Players log in with their accounts)"
        );
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = stop_tx.send(true);
        });
        let limits = ConnectionLimits::default().fitted(raise_file_limit(), 256);
        let served = crate::recorder::service::spawn_server(listener, https, limits, api, stop_rx)
            .map_err(|e| UsageError(format!("cannot serve: {e}")))?;
        match served.await {
            Ok(Ok(())) => Ok(0),
            Ok(Err(e)) => Ok(runtime_failure(format!("the fileserver failed: {e}"))),
            Err(e) => Ok(runtime_failure(format!(
                "the fileserver stopped by a fault: {e}"
            ))),
        }
    })
}
