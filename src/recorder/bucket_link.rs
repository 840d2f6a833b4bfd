//! The recorder's side of an archive in a bucket: a thread that empties the local
//! store into the bucket once a second, and the S3 lamp. A bucket that refuses or
//! cannot be reached turns the lamp red and raises the alarm (an error event); the
//! records wait in the local store and go as soon as it takes them again.
//!
//! A plain thread, not a tokio task: the object-store client blocks (see
//! `archive::bucket`), and a pass may move hundreds of megabytes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::status::{Lamp, StatusBoard};
use crate::archive::bucket_outbox::Outbox;

/// The pause between passes while all goes well.
const PASS_GAP: Duration = Duration::from_secs(1);
/// The longest pause between attempts while the bucket fails.
const MAX_RETRY_GAP: Duration = Duration::from_secs(15);
/// A failure that goes on is told again this often (the first telling raises the alarm).
const RETELL: Duration = Duration::from_secs(300);

/// Runs until `stop` turns true.
pub async fn run(outbox: Outbox, status: Arc<StatusBoard>, mut stop: watch::Receiver<bool>) {
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = stopping.clone();
    let worker = std::thread::Builder::new()
        .name("callrec-bucket-outbox".into())
        .spawn(move || work(outbox, &status, &flag));
    let _ = stop.wait_for(|s| *s).await;
    stopping.store(true, Ordering::Relaxed);
    if let Ok(worker) = worker {
        let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    }
}

fn work(mut outbox: Outbox, status: &StatusBoard, stopping: &AtomicBool) {
    let target = outbox.bucket.config().describe();
    status.update(|s| s.lamps.bucket = Lamp::Yellow);
    let mut gap = PASS_GAP;
    let mut failing_since: Option<Instant> = None;
    let mut told_at: Option<Instant> = None;
    let mut last_local_error = String::new();
    while !stopping.load(Ordering::Relaxed) {
        let (drained, failure) = match outbox.pass() {
            Ok(d) => (d, None),
            Err((d, e)) => (d, Some(e)),
        };
        let moved = drained.uploaded.iter().filter(|u| !u.already).count() as u64;
        status.update(|s| {
            s.counters.uploaded += moved;
            s.counters.to_upload = drained.waiting as u64;
        });
        for done in &drained.uploaded {
            if let Some(local) = &done.renamed_from {
                status.event(
                    "warning",
                    format!(
                        "{local}: the bucket held another recorder's record of that name; \
                         stored as {}",
                        done.relative
                    ),
                );
            }
        }
        if let Some(error) = drained.local_errors.first()
            && *error != last_local_error
        {
            status.event("error", format!("archive bucket: {error}"));
            last_local_error = error.clone();
        }
        match failure {
            None => {
                if let Some(since) = failing_since.take() {
                    status.event(
                        "info",
                        format!(
                            "the archive bucket {target} takes records again after {} s",
                            since.elapsed().as_secs()
                        ),
                    );
                }
                told_at = None;
                gap = PASS_GAP;
                status.update(|s| s.lamps.bucket = Lamp::Green);
            }
            Some(e) => {
                failing_since.get_or_insert_with(Instant::now);
                status.update(|s| s.lamps.bucket = Lamp::Red);
                if told_at.is_none_or(|t| t.elapsed() >= RETELL) {
                    status.event(
                        "error",
                        format!(
                            "{e}; {} record(s) wait in the local journal and are moved \
                             when the bucket takes them",
                            drained.waiting
                        ),
                    );
                    told_at = Some(Instant::now());
                }
                gap = (gap * 2).min(MAX_RETRY_GAP);
            }
        }
        let until = Instant::now() + gap;
        while Instant::now() < until && !stopping.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
