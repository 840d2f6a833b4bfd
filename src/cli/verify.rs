//! `callrec verify`: the nightly check of a whole archive.

use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::{Args, UsageError};
use super::context::{
    bucket, identity, key_ring, load_setup, require_store, setup_key_names, trusted_keys,
};
use crate::archive::Verdict;
use crate::archive::bucket_verify::verify_bucket;
use crate::archive::verify::{VerifyReport, verify_store};

pub fn verify(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath", "json"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let json = args.choice("json", false, |v| match v {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    })?;
    let setup = load_setup(args)?;
    if let Some(bucket) = bucket(&setup)? {
        // the archive is the bucket; the local store is only the recorder's outbox
        let ring = key_ring(&setup)?;
        let own = identity(&setup)?;
        let trusted = trusted_keys(None, &own);
        let bar = progress_bar();
        let report = verify_bucket(
            &bucket,
            &ring,
            &trusted,
            |n| bar.set_length(n),
            || bar.inc(1),
        );
        bar.finish_and_clear();
        return match report {
            Ok(report) => Ok(tell(&report, json)),
            Err(e) => {
                eprintln!("callrec: cannot read the archive: {e}");
                Ok(2)
            }
        };
    }
    let store = require_store(&setup)?;
    if !store.root.is_dir() {
        return Err(UsageError(format!(
            "store={} is not a folder",
            store.root.display()
        )));
    }
    let ring = key_ring(&setup)?;
    let own = identity(&setup)?;
    let trusted = trusted_keys(Some(&store), &own);
    let backup = setup.get("backup");
    let backup = (!backup.is_empty()).then(|| PathBuf::from(backup));
    let bar = progress_bar();
    let report = verify_store(
        &store,
        backup.as_deref(),
        &ring,
        &trusted,
        |n| bar.set_length(n),
        || bar.inc(1),
    );
    bar.finish_and_clear();
    match report {
        Ok(r) => Ok(tell(&r, json)),
        Err(e) => {
            eprintln!(
                "callrec: cannot read the archive {}: {e}",
                store.root.display()
            );
            Ok(2)
        }
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records {per_sec} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Prints the report (as JSON with `json`) and gives the exit code.
fn tell(report: &VerifyReport, json: bool) -> i32 {
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        for r in report.records.iter().chain(&report.backup) {
            if r.verdict != Verdict::Original {
                out!("{}: {}: {}", r.verdict, r.record, r.reason);
            }
        }
        for (line, why) in &report.chain_breaks {
            out!("audit log line {line}: {why}");
        }
        for m in &report.missing {
            out!("Missing: {m}: logged as stored, gone without a deleted or moved line");
        }
        for u in &report.unlogged {
            out!("Unlogged: {u}: signed record that the audit log never recorded");
        }
        out!(
            "{} record(s): {} original, {} manipulated, {} unsigned, {} unknown; {} missing, {} unlogged; \
             audit log {} line(s){}{}",
            report.records.len() + report.backup.len(),
            report.count(Verdict::Original),
            report.count(Verdict::Manipulated),
            report.count(Verdict::Unsigned),
            report.count(Verdict::Unknown),
            report.missing.len(),
            report.unlogged.len(),
            report.chain_lines,
            if report.chain_legacy_lines > 0 {
                format!(" ({} seed-era, unchained)", report.chain_legacy_lines)
            } else {
                String::new()
            },
            if report.chain_breaks.is_empty() {
                ", intact"
            } else {
                ", BROKEN"
            },
        );
        for (signer, n) in &report.signers {
            out!("signed by {signer}: {n} record(s)");
        }
    }
    if report.is_clean() { 0 } else { 1 }
}
