//! `callrec import`: captures into archive records, exactly as the recorder makes them.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::args::{Args, UsageError};
use super::context::{archiver, load_setup, setup_key_names};
use super::convert::collect_captures;
use crate::archive::cdr::{Cdr, cdr_for_conference, parse_cdrs};
use crate::archive::record::{Archiver, Booking};
use crate::archive::source_name::SourceName;
use crate::media::Outcome;

pub fn import(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["in", "recpath", "cdr"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let input = PathBuf::from(args.require("in")?);
    let setup = load_setup(args)?;
    let archiver = archiver(&setup)?;
    let bucket = super::context::bucket(&setup)?;
    let backup = super::context::backup_bucket(&setup)?;
    let cdrs = match args.get("cdr") {
        Some(path) => read_cdrs(Path::new(path))?,
        None => Vec::new(),
    };
    let captures = if input.is_dir() {
        let mut list = Vec::new();
        collect_captures(&input, &mut list);
        list.sort();
        list
    } else if input.is_file() {
        vec![input.clone()]
    } else {
        return Err(UsageError(format!("in={} does not exist", input.display())));
    };
    if captures.is_empty() {
        eprintln!("callrec: no capture files below {}", input.display());
        return Ok(2);
    }
    let bar = if captures.len() > 1 {
        let bar = ProgressBar::new(captures.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut worst = 0;
    for capture in &captures {
        bar.set_message(capture.display().to_string());
        let code = bar.suspend(|| import_one(&archiver, capture, &cdrs));
        worst = worst.max(code);
        bar.inc(1);
    }
    bar.finish_and_clear();
    match bucket {
        Some(bucket) => Ok(worst.max(move_into(bucket, backup, archiver))),
        None => Ok(worst),
    }
}

/// Moves the imported records (and any the local store still holds) into the archive's
/// bucket; what the bucket does not take stays in the local store for the next run.
fn move_into(
    bucket: crate::archive::bucket::Bucket,
    backup: Option<crate::archive::bucket::Bucket>,
    archiver: Archiver,
) -> i32 {
    let target = bucket.config().describe();
    let mut outbox =
        crate::archive::bucket_outbox::Outbox::new(bucket, std::sync::Arc::new(archiver))
            .without_delay()
            .with_backup(backup);
    let mut drained = outbox.pass();
    let failure = drained.failure.take();
    eprintln!(
        "callrec: {} record(s) moved into {target}",
        drained.uploaded.iter().filter(|u| !u.already).count()
    );
    for error in &drained.local_errors {
        eprintln!("callrec: {error}");
    }
    if let Some(e) = &drained.backup_failure {
        eprintln!(
            "callrec: backup copy: {e}; those records stay in the local store until the \
             backup's bucket takes them"
        );
    }
    match failure {
        None if drained.local_errors.is_empty() && drained.backup_failure.is_none() => 0,
        None => 1,
        Some(e) => {
            eprintln!(
                "callrec: {e}; {} record(s) stay in the local store and move at the next \
                 import or recorder start",
                drained.waiting
            );
            1
        }
    }
}

fn read_cdrs(path: &Path) -> Result<Vec<Cdr>, UsageError> {
    let meta =
        std::fs::metadata(path).map_err(|e| UsageError(format!("cdr={}: {e}", path.display())))?;
    if meta.len() > crate::archive::cdr::MAX_CDR_FILE as u64 {
        return Err(UsageError(format!(
            "cdr={} is too large to be a CDR file",
            path.display()
        )));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cdr={}: {e}", path.display())))?;
    parse_cdrs(&text).map_err(|e| UsageError(format!("cdr={}: {e}", path.display())))
}

/// The booking of one capture: the CDR of the recorded user with the capture's
/// conference id, and every raw CDR of that call.
fn booking_for(capture: &Path, cdrs: &[Cdr]) -> Booking {
    let file_name = capture
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let conf = SourceName::parse(&file_name).map(|s| s.conf);
    let Some(cdr) = cdr_for_conference(cdrs, conf.as_deref()) else {
        return Booking::default();
    };
    let call_confs = cdr.conferences();
    Booking {
        facts: Some(cdr.facts()),
        raw_cdrs: cdrs
            .iter()
            .filter(|c| c.conferences().iter().any(|x| call_confs.contains(x)))
            .map(|c| c.raw.clone())
            .collect(),
        tan: None,
        mode: None,
        warnings: Vec::new(),
    }
}

fn import_one(archiver: &Archiver, capture: &Path, cdrs: &[Cdr]) -> i32 {
    let booking = booking_for(capture, cdrs);
    if !cdrs.is_empty() && booking.facts.is_none() {
        eprintln!(
            "callrec: {}: warning: no CDR in the file has this capture's conference id",
            capture.display()
        );
    }
    match archiver.archive(capture, &booking) {
        Ok(done) => {
            let relative = archiver.store.relative(&done.name);
            if done.already {
                out!("already archived: {relative}");
                return 0;
            }
            out!("stored: {relative}");
            for w in &done.report.warnings {
                eprintln!("callrec: {}: warning: {w}", capture.display());
            }
            let missing_cdr = !cdrs.is_empty() && booking.facts.is_none();
            match done.report.outcome {
                Outcome::Clean if !missing_cdr => 0,
                _ => 1,
            }
        }
        Err(e) => {
            eprintln!("callrec: {}: not archived: {e}", capture.display());
            2
        }
    }
}
