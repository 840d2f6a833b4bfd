//! Export for evidence: one ZIP a supervisor hands to the police or a court, checkable
//! offline without callrec. Inside, under a folder named after the record:
//!
//! - `NAME.wav` (or `.mp3`): the audio in the clear, to listen to;
//! - `original/`: the record exactly as stored — audio (encrypted if it is) and its
//!   signed sidecar — which `verify-record.sh` checks with sha256sum and OpenSSL;
//! - `keys/`: the public keys of the record's signer and of every writer of the
//!   activity-log lines included;
//! - `activity-log.txt`: every line of the archive's signed, chained activity logs
//!   that names this call (stored, played, copied, TAN, notes…), as written: the store
//!   folder's one log, or in a bucket every recorder's and Player's log, in the order
//!   of their times;
//! - `call-sheet.pdf`: parties, times, the PBX's CDRs, the verdict, the hashes, the
//!   signer, who exported it and when;
//! - `verify-record.sh` and `README.txt`: how to check it.
//!
//! The ZIP is written under a temporary name, synced and renamed, so a half-written
//! export is never mistaken for one. The caller logs the export like every copy.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use super::bucket::{Bucket, BucketError};
use super::bucket_outbox::{KEYS, LOGS};
use super::bucket_verify::MAX_KEY;
use super::call_sheet::{SheetLine, render};
use super::export::copy_audio_clear;
use super::identity::TrustedKeys;
use super::keyring::KeyRing;
use super::line_splitter::LineSplitter;
use super::name::{Direction, RecordName};
use super::store::{Store, hash_file, partial_path, sync_parent};
use super::verify::{Found, check_found};
use crate::lang::{Arg, t, tr};

/// What went wrong with an export, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("the record has no audio file")]
    NoAudio,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}: the ZIP could not be written: {why}")]
    Zip { path: PathBuf, why: String },
    #[error("{0}")]
    Archive(#[from] super::record::ArchiveError),
    #[error("{0}")]
    Bucket(#[from] BucketError),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> EvidenceError + '_ {
    move |source| EvidenceError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the activity-log lines about a record and their writers' public keys are.
#[derive(Clone, Copy)]
pub enum Provenance<'a> {
    /// A store folder: its one shared log (`TMP/iREC_Player_log.txt`) and its keys.
    Store(&'a Store),
    /// An archive in a bucket: one chain per recorder and Player under `TMP/logs`,
    /// their keys under `TMP/keys` (the record itself was fetched into a folder first).
    Bucket(&'a Bucket),
}

/// The longest log line taken from a bucket; a longer one is damage, not a line
/// callrec wrote (`verify` names it), and is left out.
const MAX_LINE: usize = 64 * 1024;

impl Provenance<'_> {
    /// Every line that names the call with `uid`, each as written, in time order.
    fn lines_naming(&self, uid: &str) -> Result<Vec<String>, EvidenceError> {
        let names = |line: &str| {
            let record = line.split('\t').nth(2).unwrap_or_default();
            !uid.is_empty() && record.contains(uid)
        };
        match self {
            Provenance::Store(store) => {
                let log = store.audit_log();
                let file = match File::open(&log) {
                    Ok(f) => f,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
                    Err(e) => return Err(io_at(&log)(e)),
                };
                let mut lines = Vec::new();
                for line in BufReader::new(file).lines() {
                    let line = line.map_err(io_at(&log))?;
                    if names(&line) {
                        lines.push(line);
                    }
                }
                Ok(lines)
            }
            Provenance::Bucket(bucket) => {
                let mut lines = Vec::new();
                for log in bucket.list(LOGS)? {
                    // streamed line by line: a recorder's log of a million calls is
                    // hundreds of megabytes
                    let mut splitter = LineSplitter::new(MAX_LINE);
                    bucket.read_each(&format!("{LOGS}/{}", log.name), |piece| {
                        lines.extend(splitter.feed(piece).into_iter().filter(|l| names(l)));
                        Ok(())
                    })?;
                    lines.extend(splitter.finish().filter(|l| names(l)));
                }
                // each line starts with its time (RFC 3339, UTC, whole seconds)
                lines.sort_by(|a, b| a.split('\t').next().cmp(&b.split('\t').next()));
                Ok(lines)
            }
        }
    }

    /// The public key (PEM) of `signer`, when the archive has it.
    fn key_of(&self, signer: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        match self {
            Provenance::Store(store) => {
                let pem = store.keys_dir().join(format!("{signer}.pem"));
                match std::fs::read(&pem) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io_at(&pem)(e)),
                }
            }
            Provenance::Bucket(bucket) => Ok(bucket
                .get(&format!("{KEYS}/{signer}.pem"), MAX_KEY)?
                .map(|b| b.to_vec())),
        }
    }
}

/// Whether `signer` looks like a key's id (`ed-` and base64url): a name taken from a
/// log line becomes a file name, in the archive and in the ZIP.
fn is_key_id(signer: &str) -> bool {
    !signer.is_empty()
        && signer.len() <= 100
        && signer
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Where the record comes from and who exports it.
pub struct EvidenceSource<'a> {
    pub found: &'a Found,
    pub provenance: Provenance<'a>,
    pub ring: &'a KeyRing,
    pub trusted: &'a TrustedKeys,
    /// The Player user or account named on the call sheet.
    pub exported_by: &'a str,
}

/// The offline check, shipped inside every export.
const VERIFY_SCRIPT: &str = include_str!("../../scripts/verify-record.sh");

/// Writes `DEST/NAME-evidence.zip` and returns its path.
pub fn export_evidence(
    source: &EvidenceSource<'_>,
    dest_dir: &Path,
) -> Result<PathBuf, EvidenceError> {
    let audio = source.found.audio.as_ref().ok_or(EvidenceError::NoAudio)?;
    let audio_name = file_name(audio);
    let base = audio_name
        .rsplit_once('.')
        .map_or(audio_name.clone(), |(b, _)| b.to_string());
    std::fs::create_dir_all(dest_dir).map_err(io_at(dest_dir))?;
    let target = dest_dir.join(format!("{base}-evidence.zip"));
    let partial = partial_path(&target);
    let result = write_zip(source, audio, &audio_name, &base, &partial);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &target).map_err(io_at(&target))?;
    sync_parent(&target).map_err(io_at(&target))?;
    Ok(target)
}

fn write_zip(
    source: &EvidenceSource<'_>,
    audio: &Path,
    audio_name: &str,
    base: &str,
    partial: &Path,
) -> Result<(), EvidenceError> {
    let (check, _) = check_found(source.found, source.ring, source.trusted);
    // the clear audio, through the archive's decrypting copy
    // (files are streamed into the ZIP, never held whole: a four-hour call is 230 MB)
    let clear_path = partial.with_extension("clear");
    copy_audio_clear(audio, &clear_path, source.ring)?;
    let result = write_zip_with(
        source,
        &check,
        audio,
        &clear_path,
        audio_name,
        base,
        partial,
    );
    let _ = std::fs::remove_file(&clear_path);
    result
}

fn write_zip_with(
    source: &EvidenceSource<'_>,
    check: &super::sidecar::Check,
    audio: &Path,
    clear_path: &Path,
    audio_name: &str,
    base: &str,
    partial: &Path,
) -> Result<(), EvidenceError> {
    let (clear_hash, _) = hash_file(clear_path).map_err(io_at(clear_path))?;
    let (stored_hash, stored_size) = hash_file(audio).map_err(io_at(audio))?;
    let uid = RecordName::parse(audio_name)
        .map(|n| n.uid)
        .unwrap_or_else(|_| audio_name.to_string());
    // the call's uid is in every name the record had: before and after a TAN, in the
    // store and in the backup
    let log_lines = source.provenance.lines_naming(&uid)?;
    let mut signers: Vec<String> = check.signer.iter().cloned().collect();
    for line in &log_lines {
        if let Some(signer) = line.split('\t').find_map(|f| f.strip_prefix("signer="))
            && !signers.iter().any(|s| s == signer)
        {
            signers.push(signer.to_string());
        }
    }
    let mut keys = Vec::new();
    for signer in signers.iter().filter(|s| is_key_id(s)) {
        if let Some(pem) = source.provenance.key_of(signer)? {
            keys.push((signer.clone(), pem));
        }
    }
    let sheet = call_sheet(&CallSheetFacts {
        source,
        check,
        audio_name,
        stored_hash: hex(&stored_hash),
        stored_size,
        clear_hash: hex(&clear_hash),
        log_lines: &log_lines,
    });

    let file = File::create(partial).map_err(io_at(partial))?;
    let mut zip = zip::ZipWriter::new(file);
    let zip_err = |e: zip::result::ZipError| EvidenceError::Zip {
        path: partial.to_path_buf(),
        why: e.to_string(),
    };
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // an entry from bytes, or streamed from a file
    let mut add = |name: String, from: Entry<'_>| -> Result<(), EvidenceError> {
        zip.start_file(format!("{base}/{name}"), options)
            .map_err(zip_err)?;
        match from {
            Entry::Bytes(bytes) => zip.write_all(bytes).map_err(io_at(partial)),
            Entry::File(path) => File::open(path)
                .and_then(|mut f| std::io::copy(&mut f, &mut zip))
                .map(|_| ())
                .map_err(io_at(path)),
        }
    };
    add(audio_name.to_string(), Entry::File(clear_path))?;
    add(format!("original/{audio_name}"), Entry::File(audio))?;
    if let Some(sidecar) = &source.found.sidecar {
        add(
            format!("original/{}", file_name(sidecar)),
            Entry::File(sidecar),
        )?;
    }
    for (signer, pem) in &keys {
        add(format!("keys/{signer}.pem"), Entry::Bytes(pem))?;
    }
    let mut log_text = log_lines.join("\n");
    log_text.push('\n');
    add("activity-log.txt".into(), Entry::Bytes(log_text.as_bytes()))?;
    add("call-sheet.pdf".into(), Entry::Bytes(&sheet))?;
    add(
        "verify-record.sh".into(),
        Entry::Bytes(VERIFY_SCRIPT.as_bytes()),
    )?;
    let readme = tr(
        "evidence-readme",
        &[("audio", Arg::from(audio_name)), ("base", Arg::from(base))],
    );
    add("README.txt".into(), Entry::Bytes(readme.as_bytes()))?;
    let file = zip.finish().map_err(zip_err)?;
    file.sync_all().map_err(io_at(partial))?;
    Ok(())
}

/// What a ZIP entry is made of.
enum Entry<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// What the call sheet shows.
struct CallSheetFacts<'a> {
    source: &'a EvidenceSource<'a>,
    check: &'a super::sidecar::Check,
    audio_name: &'a str,
    stored_hash: String,
    stored_size: u64,
    clear_hash: String,
    log_lines: &'a [String],
}

fn call_sheet(facts: &CallSheetFacts<'_>) -> Vec<u8> {
    use SheetLine::*;
    let mut lines = vec![
        Title(t("evidence-title")),
        Field(t("evidence-record"), facts.audio_name.into()),
    ];
    let field = |id: &str, value: String| Field(t(id), value);
    match &facts.check.metadata {
        Some(m) => {
            let party = |p: &super::metadata::Party| match &p.name {
                Some(name) => format!("{} ({name})", p.number),
                None => p.number.clone(),
            };
            lines.push(Heading(t("evidence-call")));
            lines.push(field("evidence-internal", party(&m.internal)));
            lines.push(field("evidence-external", party(&m.external)));
            lines.push(field(
                "evidence-direction",
                t(if m.call.direction == Direction::Incoming {
                    "filter-incoming"
                } else {
                    "filter-outgoing"
                }),
            ));
            lines.push(field(
                "evidence-start",
                format!(
                    "{} ({}), UTC {}",
                    m.call.start_local, m.call.time_zone, m.call.start_utc
                ),
            ));
            lines.push(field(
                "evidence-ring",
                format!("{} s", m.call.time_to_answer_s),
            ));
            lines.push(field(
                "evidence-duration",
                format!("{:.1} s", m.call.duration_ms as f64 / 1000.0),
            ));
            lines.push(field("evidence-uid", m.call.uid.clone()));
            if let Some(tan) = &m.call.tan {
                lines.push(field("filter-tan", tan.clone()));
            }
            lines.push(field(
                "evidence-recorder",
                format!(
                    "{} ({}, {})",
                    m.recorder.name, m.recorder.id, m.recorder.software
                ),
            ));
            lines.push(Heading(t("evidence-cdrs")));
            if m.cdrs.items.is_empty() {
                lines.push(Text(t("evidence-no-cdrs")));
            }
            for cdr in &m.cdrs.items {
                lines.push(Code(cdr.text.trim().to_string()));
            }
        }
        None => lines.push(Text(t("evidence-no-metadata"))),
    }
    lines.push(Heading(t("evidence-integrity")));
    lines.push(field("evidence-verdict", facts.check.verdict.to_string()));
    lines.push(field("evidence-reason", facts.check.reason.clone()));
    lines.push(field(
        "evidence-signer",
        facts.check.signer.clone().unwrap_or_else(|| "—".into()),
    ));
    lines.push(field(
        "evidence-stored-hash",
        format!("{} ({} bytes)", facts.stored_hash, facts.stored_size),
    ));
    lines.push(field("evidence-clear-hash", facts.clear_hash.clone()));
    lines.push(Text(t("evidence-how-to-check")));
    lines.push(Heading(t("evidence-log")));
    if facts.log_lines.is_empty() {
        lines.push(Text(t("evidence-no-log")));
    }
    for line in facts.log_lines {
        lines.push(Code(line.replace('\t', "  ")));
    }
    lines.push(Gap);
    lines.push(field(
        "evidence-exported",
        format!("{} — {}", facts.source.exported_by, jiff::Timestamp::now()),
    ));
    render(&lines)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
