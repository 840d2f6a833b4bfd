//! A running recorder: the HTTP receiver and the job loop, started together and
//! stopped together.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use super::pipeline::{Pipeline, PipelineConfig};
use super::receiver::{Receiver, router};
use super::spool::Spool;
use super::status::{Lamp, StatusBoard};
use crate::archive::record::Archiver;

/// Everything the recorder is told by the setup.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub listen: SocketAddr,
    pub max_capture: u64,
    pub basic_auth: Option<String>,
    pub pipeline: PipelineConfig,
}

/// A recorder that has bound its port; [`Service::run`] serves until `stop`.
pub struct Service {
    listener: TcpListener,
    pipeline: Arc<Pipeline>,
    receiver: Arc<Receiver>,
}

impl Service {
    /// Opens the journal, loads pending CDRs and binds the port.
    pub async fn start(config: ServiceConfig, archiver: Archiver) -> std::io::Result<Service> {
        archiver.store.create()?;
        archiver
            .identity
            .public()
            .publish(&archiver.store.keys_dir())?;
        let spool = Spool::open(&archiver.store)?;
        let listener = TcpListener::bind(config.listen).await?;
        let local = listener.local_addr()?;
        let status = Arc::new(StatusBoard::new(
            local.to_string(),
            archiver.backup.is_some(),
        ));
        status.update(|s| s.lamps.pcap = Lamp::Green);
        let pipeline = Pipeline::new(archiver, spool, config.pipeline, status)?;
        let receiver = Arc::new(Receiver {
            pipeline: pipeline.clone(),
            max_capture: config.max_capture,
            basic_auth: config.basic_auth,
        });
        Ok(Service {
            listener,
            pipeline,
            receiver,
        })
    }

    /// The address actually bound (port 0 picks a free one).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn pipeline(&self) -> Arc<Pipeline> {
        self.pipeline.clone()
    }

    /// Serves until `stop` becomes true, then lets running jobs finish.
    pub async fn run(self, stop: watch::Receiver<bool>) -> std::io::Result<()> {
        let status = self.pipeline.status.clone();
        status.event(
            "info",
            format!("recorder listening on http://{}", self.local_addr()),
        );
        let jobs = tokio::spawn(self.pipeline.clone().run(stop.clone()));
        let mut http_stop = stop.clone();
        axum::serve(self.listener, router(self.receiver))
            .with_graceful_shutdown(async move {
                let _ = http_stop.wait_for(|s| *s).await;
            })
            .await?;
        let _ = jobs.await;
        status.event("info", "recorder stopped");
        Ok(())
    }
}
