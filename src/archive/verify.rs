//! Checking a whole archive: every record's verdict, the audit chain, and the records
//! the chain says exist but the disk does not have (*missing*) or the other way round
//! (*unlogged*). Records are checked in parallel; the work per record is one sidecar
//! parse, one signature check and one SHA-256 pass over the audio.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::audit::{ChainReport, verify_chain};
use super::identity::TrustedKeys;
use super::keyring::KeyRing;
use super::name::{RecordName, is_month_folder};
use super::sidecar::{Check, MAX_SIDECAR, Verdict, check_sidecar};
use super::store::{Store, hash_file};
use crate::lang::{Arg, t, tr};

/// One record's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct RecordResult {
    /// Store-relative path (`YYYY_MM/name.wav`), or the file name in the backup folder.
    pub record: String,
    pub verdict: Verdict,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// Everything `callrec verify` reports.
#[derive(Debug, Default, Serialize)]
pub struct VerifyReport {
    pub records: Vec<RecordResult>,
    pub backup: Vec<RecordResult>,
    pub chain_lines: usize,
    pub chain_legacy_lines: usize,
    /// `(line, reason)` of every break in the audit chain.
    pub chain_breaks: Vec<(usize, String)>,
    /// In the chain as stored, gone from disk without a deleted/moved line.
    pub missing: Vec<String>,
    /// Signed records on disk that the chain never logged.
    pub unlogged: Vec<String>,
    /// Signer id → number of records it signed.
    pub signers: BTreeMap<String, usize>,
    pub audio_bytes: u64,
}

impl VerifyReport {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.records
            .iter()
            .chain(&self.backup)
            .filter(|r| r.verdict == verdict)
            .count()
    }

    /// Everything original and complete: the only state `verify` exits 0 on.
    pub fn is_clean(&self) -> bool {
        self.records
            .iter()
            .chain(&self.backup)
            .all(|r| r.verdict == Verdict::Original)
            && self.chain_breaks.is_empty()
            && self.missing.is_empty()
            && self.unlogged.is_empty()
    }
}

/// A record found on disk: its audio (if present) and sidecar (if present).
#[derive(Debug, Clone)]
pub struct Found {
    pub label: String,
    pub audio: Option<PathBuf>,
    pub sidecar: Option<PathBuf>,
}

/// Lists the records of a folder: audio files with or without a sidecar, and sidecars
/// whose audio is gone. Hidden (temporary) files and notes are skipped.
pub fn records_in(folder: &Path, prefix: &str) -> std::io::Result<Vec<Found>> {
    let mut by_base: BTreeMap<String, Found> = BTreeMap::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let Some((base, ext)) = file_name.rsplit_once('.') else {
            continue;
        };
        let ext = ext.to_ascii_lowercase();
        if ext == "txt" {
            continue;
        }
        let found = by_base.entry(base.to_string()).or_insert_with(|| Found {
            label: String::new(),
            audio: None,
            sidecar: None,
        });
        if ext == "xml" {
            found.sidecar = Some(entry.path());
            if found.label.is_empty() {
                found.label = format!("{prefix}{base}.xml");
            }
        } else {
            found.audio = Some(entry.path());
            found.label = format!("{prefix}{file_name}");
        }
    }
    Ok(by_base.into_values().collect())
}

/// The month folders of a store (`YYYY_MM`), sorted.
pub fn month_folders(store: &Store) -> std::io::Result<Vec<PathBuf>> {
    let mut months = Vec::new();
    for entry in fs::read_dir(&store.root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() && is_month_folder(&entry.file_name().to_string_lossy()) {
            months.push(entry.path());
        }
    }
    months.sort();
    Ok(months)
}

/// The verdict on one record found on disk.
pub fn check_found(found: &Found, ring: &KeyRing, trusted: &TrustedKeys) -> (Check, u64) {
    let sidecar = found.sidecar.as_ref().map(|path| Parts {
        size: fs::metadata(path).map(|m| m.len()),
        read: Box::new(move || fs::read(path).map(Some)),
    });
    check_parts(
        sidecar,
        || match &found.audio {
            Some(path) => hash_file(path).map(Some),
            None => Ok(None),
        },
        ring,
        trusted,
    )
}

/// A record's sidecar as a verifier reaches it, on disk or in a bucket: its size (or
/// why it is unknown) and how to read it (`None`: it vanished meanwhile).
pub struct Parts<'a> {
    pub size: std::io::Result<u64>,
    pub read: Box<dyn FnOnce() -> std::io::Result<Option<Vec<u8>>> + 'a>,
}

/// The verdict on a record from its sidecar (`None`: it has none) and its audio's
/// digest (`hash_audio`, asked only once the sidecar is sound), wherever they are; and
/// the audio bytes read. What a folder and a bucket share.
pub fn check_parts(
    sidecar: Option<Parts<'_>>,
    hash_audio: impl FnOnce() -> std::io::Result<Option<([u8; 32], u64)>>,
    ring: &KeyRing,
    trusted: &TrustedKeys,
) -> (Check, u64) {
    let Some(sidecar) = sidecar else {
        return (unsigned(&t("reason-no-sidecar")), 0);
    };
    let cannot_read = |e: std::io::Error| {
        let mut c = unsigned("");
        c.verdict = Verdict::Unknown;
        c.reason = tr(
            "reason-sidecar-unreadable",
            &[("why", Arg::from(e.to_string()))],
        );
        (c, 0)
    };
    match sidecar.size {
        Ok(size) if size > MAX_SIDECAR => {
            return (unsigned(&t("reason-too-large")), 0);
        }
        Ok(_) => {}
        Err(e) => return cannot_read(e),
    }
    let bytes = match (sidecar.read)() {
        Ok(Some(b)) => b,
        Ok(None) => {
            let mut c = unsigned("");
            c.verdict = Verdict::Manipulated;
            c.reason = t("reason-vanished");
            return (c, 0);
        }
        Err(e) => return cannot_read(e),
    };
    let mut audio_bytes = 0;
    let check = check_sidecar(
        &bytes,
        || {
            let digest = hash_audio()?;
            audio_bytes = digest.map_or(0, |(_, len)| len);
            Ok(digest)
        },
        ring,
        trusted,
    );
    (check, audio_bytes)
}

fn unsigned(reason: &str) -> Check {
    Check {
        verdict: Verdict::Unsigned,
        reason: reason.to_string(),
        signer: None,
        audio_encryption: None,
        metadata: None,
    }
}

/// Checks the store (and the backup folder when given). `tick` is called once per
/// record checked, from several threads.
pub fn verify_store(
    store: &Store,
    backup: Option<&Path>,
    ring: &KeyRing,
    trusted: &TrustedKeys,
    total: impl Fn(u64),
    tick: impl Fn() + Sync,
) -> std::io::Result<VerifyReport> {
    let mut found = Vec::new();
    for month in month_folders(store)? {
        let prefix = format!(
            "{}/",
            month.file_name().unwrap_or_default().to_string_lossy()
        );
        found.extend(records_in(&month, &prefix)?);
    }
    let backup_found = match backup {
        Some(dir) if dir.is_dir() => records_in(dir, "backup:")?,
        _ => Vec::new(),
    };
    total((found.len() + backup_found.len()) as u64);
    let check_all = |list: &[Found]| -> Vec<(RecordResult, u64)> {
        list.par_iter()
            .map(|f| {
                let (check, bytes) = check_found(f, ring, trusted);
                tick();
                (
                    RecordResult {
                        record: f.label.clone(),
                        verdict: check.verdict,
                        reason: check.reason,
                        signer: check.signer,
                    },
                    bytes,
                )
            })
            .collect()
    };
    let ((checked, checked_backup), chain) = rayon::join(
        || (check_all(&found), check_all(&backup_found)),
        || verify_chain(&store.audit_log(), trusted),
    );
    Ok(assemble(
        (&found, checked),
        (&backup_found, checked_backup),
        &chain?,
    ))
}

/// The report from every record's outcome (`found` with `checked`, in the same order)
/// and the activity log's chain: what verifying a folder store and a bucket share.
pub fn assemble(
    (found, checked): (&[Found], Vec<(RecordResult, u64)>),
    (backup_found, checked_backup): (&[Found], Vec<(RecordResult, u64)>),
    chain: &ChainReport,
) -> VerifyReport {
    // A record the chain logged as stored was written with a signed sidecar: without
    // one it was tampered with, not a bare seed-era file. (Backup copies are matched
    // by file name, as the backup folder is flat.)
    let logged_files: std::collections::HashSet<&str> = chain
        .present
        .keys()
        .map(|r| r.rsplit('/').next().unwrap_or(r))
        .collect();
    let sidecar_lost = |list: &[Found], checked: &mut [(RecordResult, u64)]| {
        for (f, (result, _)) in list.iter().zip(checked.iter_mut()) {
            let file = f.label.rsplit(['/', ':']).next().unwrap_or(&f.label);
            if f.sidecar.is_none() && f.audio.is_some() && logged_files.contains(file) {
                result.verdict = Verdict::Manipulated;
                result.reason = t("reason-sidecar-lost");
            }
        }
    };
    let (mut checked, mut checked_backup) = (checked, checked_backup);
    sidecar_lost(found, &mut checked);
    sidecar_lost(backup_found, &mut checked_backup);
    let mut report = VerifyReport {
        chain_lines: chain.lines,
        chain_legacy_lines: chain.legacy_lines,
        chain_breaks: chain.breaks.clone(),
        ..Default::default()
    };
    for (result, bytes) in checked.into_iter().chain(checked_backup.iter().cloned()) {
        report.audio_bytes += bytes;
        if let Some(s) = &result.signer {
            *report.signers.entry(s.clone()).or_default() += 1;
        }
        if result.record.starts_with("backup:") {
            report.backup.push(result);
        } else {
            report.records.push(result);
        }
    }
    let on_disk: std::collections::HashSet<&str> = found
        .iter()
        .filter(|f| f.audio.is_some())
        .map(|f| f.label.as_str())
        .collect();
    report.missing = chain
        .present
        .keys()
        .filter(|r| !on_disk.contains(r.as_str()))
        .cloned()
        .collect();
    report.unlogged = report
        .records
        .iter()
        .filter(|r| r.signer.is_some() && !chain.present.contains_key(&r.record))
        .filter(|r| !r.record.ends_with(".xml"))
        .map(|r| r.record.clone())
        .collect();
    report
}

/// Parses a record's name for display, accepting the backup folder's labels.
pub fn name_of(label: &str) -> Option<RecordName> {
    let file = label.rsplit(['/', ':']).next()?;
    RecordName::parse(file).ok()
}
