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
use crate::archive::bucket_outbox::{Drained, Outbox, Placed};
use crate::lang::{Arg, t, tr};

/// The pause between passes while all goes well (a placed record ends it at once).
const PASS_GAP: Duration = Duration::from_secs(1);
/// How often the whole local store is looked at for records left behind.
const FULL_PASS_GAP: Duration = Duration::from_secs(5);
/// The longest pause between attempts while the bucket fails.
const MAX_RETRY_GAP: Duration = Duration::from_secs(15);
/// A failure that goes on is told again this often (the first telling raises the alarm).
const RETELL: Duration = Duration::from_secs(300);

/// How often retention looks at the bucket (when the setup keeps months).
const RETENTION_GAP: Duration = Duration::from_secs(3600);

/// Runs until `stop` turns true; with `keep_months`, deletes this recorder's records
/// in the bucket that retention lets go, once an hour.
pub async fn run(
    outbox: Outbox,
    placed: Arc<Placed>,
    keep_months: u32,
    status: Arc<StatusBoard>,
    mut stop: watch::Receiver<bool>,
) {
    let stopping = Arc::new(AtomicBool::new(false));
    let flag = stopping.clone();
    let worker = std::thread::Builder::new()
        .name("callrec-bucket-outbox".into())
        .spawn(move || work(outbox, &placed, keep_months, &status, &flag));
    let _ = stop.wait_for(|s| *s).await;
    stopping.store(true, Ordering::Relaxed);
    if let Ok(worker) = worker {
        let _ = tokio::task::spawn_blocking(move || worker.join()).await;
    }
}

fn work(
    mut outbox: Outbox,
    placed: &Placed,
    keep_months: u32,
    status: &StatusBoard,
    stopping: &AtomicBool,
) {
    let target = outbox.bucket.config().describe();
    status.update(|s| s.lamps.bucket = Lamp::Yellow);
    let mut gap = PASS_GAP;
    let mut failing_since: Option<Instant> = None;
    let mut told_at: Option<Instant> = None;
    let mut last_local_error = String::new();
    let mut backup_told: Option<Instant> = None;
    let mut converter_told: Option<Instant> = None;
    let mut retention_at = Instant::now();
    let mut full_at = Instant::now();
    while !stopping.load(Ordering::Relaxed) {
        if keep_months > 0 && retention_at <= Instant::now() {
            retention_at = Instant::now() + RETENTION_GAP;
            match super::retention::sweep_bucket(
                outbox.archiver(),
                &outbox.bucket,
                keep_months,
                jiff::ZonedDateTime::now().date(),
            ) {
                Ok(0) => {}
                Ok(n) => status.event(
                    "info",
                    tr(
                        "event-bucket-retention",
                        &[("n", Arg::from(n)), ("months", Arg::from(keep_months))],
                    ),
                ),
                Err(e) => status.event(
                    "error",
                    tr(
                        "event-bucket-retention-failed",
                        &[("why", Arg::from(e.to_string()))],
                    ),
                ),
            }
        }
        // records just placed go at once; the whole store is looked at now and then
        // for what an earlier run or a failed attempt left
        let retrying = failing_since.is_some();
        // while it fails, a write shows whether it takes records again (a pass with
        // nothing old enough to move would send nothing and prove nothing)
        let probe = if retrying { outbox.probe().err() } else { None };
        let mut drained = match probe {
            Some(e) => Drained {
                failure: Some(e),
                ..Drained::default()
            },
            None => outbox.pass_placed(placed.take(Duration::ZERO)),
        };
        if drained.failure.is_none() && (retrying || full_at <= Instant::now()) {
            full_at = Instant::now() + gap.max(FULL_PASS_GAP);
            let more = outbox.pass();
            drained.uploaded.extend(more.uploaded);
            drained.local_errors.extend(more.local_errors);
            drained.waiting = more.waiting;
            drained.backup_failure = more.backup_failure.or(drained.backup_failure);
            drained.failure = more.failure;
            drained.held_for_converter = more.held_for_converter;
            drained.converter_gone = more.converter_gone.or(drained.converter_gone);
        }
        let failure = drained.failure.take();
        let moved = drained.uploaded.iter().filter(|u| !u.already).count() as u64;
        status.update(|s| {
            s.counters.uploaded += moved;
            s.counters.to_upload = drained.waiting as u64;
        });
        for done in &drained.uploaded {
            if let Some(local) = &done.renamed_from {
                status.event(
                    "warning",
                    tr(
                        "event-bucket-renamed",
                        &[
                            ("local", Arg::from(local.as_str())),
                            ("stored", Arg::from(done.relative.as_str())),
                        ],
                    ),
                );
            }
        }
        match &drained.backup_failure {
            Some(e) => {
                if backup_told.is_none_or(|t| t.elapsed() >= RETELL) {
                    status.event(
                        "error",
                        tr(
                            "event-bucket-backup-failed",
                            &[("why", Arg::from(e.to_string()))],
                        ),
                    );
                    backup_told = Some(Instant::now());
                }
                status.update(|s| {
                    s.lamps.backup = Lamp::Red;
                    s.counters.backup_failed += 1;
                });
            }
            // green again only once a copy was made (a pass that moved nothing says
            // nothing of the backup)
            None if outbox.backup.is_some() && !drained.uploaded.is_empty() => {
                if backup_told.take().is_some() {
                    status.event("info", t("event-bucket-backup-again"));
                }
                status.update(|s| s.lamps.backup = Lamp::Green);
            }
            None => {}
        }
        // said again at most every few minutes, however the records come
        if let Some(age) = drained.converter_gone
            && converter_told.is_none_or(|t| t.elapsed() >= RETELL)
        {
            status.event(
                "warning",
                tr(
                    "event-bucket-converter-gone",
                    &[
                        ("seconds", Arg::from(age.as_secs())),
                        ("n", Arg::from(drained.held_for_converter)),
                    ],
                ),
            );
            converter_told = Some(Instant::now());
        }
        if let Some(error) = drained.local_errors.first()
            && *error != last_local_error
        {
            status.event(
                "error",
                tr("event-bucket-local", &[("why", Arg::from(error.as_str()))]),
            );
            last_local_error = error.clone();
        }
        match failure {
            None => {
                if let Some(since) = failing_since.take() {
                    status.event(
                        "info",
                        tr(
                            "event-bucket-again",
                            &[
                                ("target", Arg::from(target.as_str())),
                                ("seconds", Arg::from(since.elapsed().as_secs())),
                            ],
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
                        tr(
                            "event-bucket-failed",
                            &[
                                ("why", Arg::from(e.to_string())),
                                ("n", Arg::from(drained.waiting)),
                            ],
                        ),
                    );
                    told_at = Some(Instant::now());
                }
                gap = (gap * 2).min(MAX_RETRY_GAP);
            }
        }
        // sleeps until a record is placed (while the bucket takes them) or the gap ends
        let until = Instant::now() + gap;
        while Instant::now() < until && !stopping.load(Ordering::Relaxed) {
            if failing_since.is_none() && placed.wait(Duration::from_millis(100)) {
                break;
            }
            if failing_since.is_some() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}
