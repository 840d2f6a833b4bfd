//! `callrec inspect` and `callrec copy` for archive records.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::args::{Args, UsageError};
use super::context::{identity, key_ring, load_setup, store_of_record, trusted_keys};
use crate::archive::audit::{self, Action, Entry};
use crate::archive::evidence::{EvidenceSource, Provenance, export_evidence};
use crate::archive::export::copy_out;
use crate::archive::identity::TrustedKeys;
use crate::archive::metadata::RecordMetadata;
use crate::archive::name::RecordName;
use crate::archive::sidecar::{AudioEncryption, Verdict};
use crate::archive::verify::{Found, check_found};

#[derive(Serialize)]
struct RecordView {
    record: String,
    verdict: Verdict,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audio_encryption: Option<AudioEncryption>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<NameView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<RecordMetadata>,
}

/// What the file name alone says (all a record without sidecar has).
#[derive(Serialize)]
struct NameView {
    start_local: String,
    internal: String,
    direction: char,
    external: String,
    time_to_answer_s: u32,
    uid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tan: Option<String>,
}

/// The files of the record `path` names (its audio or its sidecar).
pub fn found_for(path: &Path) -> Result<Found, UsageError> {
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let sidecar = if is_xml {
        path.to_path_buf()
    } else {
        path.with_extension("xml")
    };
    let audio = if is_xml {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::read_dir(path.parent().unwrap_or(Path::new(".")))
            .ok()
            .and_then(|entries| {
                entries.flatten().map(|e| e.path()).find(|p| {
                    p.file_stem().is_some_and(|s| s.to_string_lossy() == stem)
                        && !p.extension().is_some_and(|e| e == "xml" || e == "txt")
                })
            })
    } else {
        Some(path.to_path_buf())
    };
    if !path.is_file() {
        return Err(UsageError(format!("in={} does not exist", path.display())));
    }
    Ok(Found {
        label: path.display().to_string(),
        audio,
        sidecar: sidecar.is_file().then_some(sidecar),
    })
}

pub fn inspect_record(args: &Args, input: &Path) -> Result<i32, UsageError> {
    let setup = load_setup(args)?;
    let ring = key_ring(&setup)?;
    let own = identity(&setup)?;
    let mut trusted = trusted_keys(setup.store().as_ref(), &own);
    if let Some(store) = store_of_record(input) {
        trusted.extend(TrustedKeys::load_dir(&store.keys_dir()));
    }
    let found = found_for(input)?;
    let (check, _) = check_found(&found, &ring, &trusted);
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = RecordName::parse(&file_name).ok().map(|n| NameView {
        start_local: format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            n.start.year, n.start.month, n.start.day, n.start.hour, n.start.minute
        ),
        internal: n.internal,
        direction: n.direction.letter(),
        external: n.external,
        time_to_answer_s: n.time_to_answer_s,
        uid: n.uid,
        tan: n.tan,
    });
    let view = RecordView {
        record: input.display().to_string(),
        verdict: check.verdict,
        reason: check.reason,
        signer: check.signer,
        audio_encryption: check.audio_encryption,
        name,
        metadata: check.metadata,
    };
    let json = plain_json(serde_json::to_value(&view).unwrap_or_default());
    out!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_default()
    );
    Ok(if view.verdict == Verdict::Original {
        0
    } else {
        1
    })
}

/// What `copy` and `evidence` start from: the record, the folder to write into, and
/// the setup with its keys.
struct RecordOut {
    input: PathBuf,
    out: PathBuf,
    setup: crate::archive::setup::Setup,
    ring: crate::archive::keyring::KeyRing,
    own: crate::archive::identity::Identity,
}

fn record_out(args: &Args) -> Result<RecordOut, UsageError> {
    let mut allowed = vec!["in", "out", "recpath"];
    allowed.extend(super::context::setup_key_names());
    args.only(&allowed)?;
    let input = PathBuf::from(args.require("in")?);
    let out = PathBuf::from(args.require("out")?);
    let setup = load_setup(args)?;
    Ok(RecordOut {
        input,
        out,
        ring: key_ring(&setup)?,
        own: identity(&setup)?,
        setup,
    })
}

/// `callrec copy in=RECORD out=DIR`: a clear copy, logged as `copied`.
pub fn copy(args: &Args) -> Result<i32, UsageError> {
    let RecordOut {
        input,
        out,
        setup,
        ring,
        own,
    } = record_out(args)?;
    if !input.is_file() && setup.bucket().is_some() {
        return from_bucket(&setup, &input, |ops, entry| {
            ops.copy(entry, &out)
                .map(|written| {
                    written
                        .iter()
                        .map(|p| format!("copied: {}", p.display()))
                        .collect()
                })
                .map_err(|e| format!("not copied: {e}"))
        });
    }
    let store = store_of_record(&input).or_else(|| setup.store());
    let trusted = trusted_keys(store.as_ref(), &own);
    let found = found_for(&input)?;
    match copy_out(&found, &out, &ring, &trusted) {
        Ok(paths) => {
            for p in &paths {
                out!("copied: {}", p.display());
            }
            log_copied(
                &setup,
                &own,
                &input,
                &found,
                &format!("to={}", out.display()),
            )?;
            Ok(0)
        }
        Err(e) => {
            eprintln!("callrec: {}: not copied: {e}", input.display());
            Ok(2)
        }
    }
}

/// `callrec evidence`: an evidence ZIP of a record (`archive::evidence`), logged like
/// a copy.
pub fn evidence(args: &Args) -> Result<i32, UsageError> {
    let RecordOut {
        input,
        out,
        setup,
        ring,
        own,
    } = record_out(args)?;
    if !input.is_file() && setup.bucket().is_some() {
        return from_bucket(&setup, &input, |ops, entry| {
            ops.evidence(entry, &out)
                .map(|zip| vec![format!("evidence: {}", zip.display())])
                .map_err(|e| format!("no evidence ZIP: {e}"))
        });
    }
    let Some(store) = store_of_record(&input).or_else(|| setup.store()) else {
        return Err(UsageError(format!(
            "{} is not in a store (STORE/YYYY_MM/NAME): an evidence export needs the store's activity log and keys",
            input.display()
        )));
    };
    let trusted = trusted_keys(Some(&store), &own);
    let found = found_for(&input)?;
    let source = EvidenceSource {
        found: &found,
        provenance: Provenance::Store(&store),
        ring: &ring,
        trusted: &trusted,
        exported_by: &setup.get("recorder"),
    };
    match export_evidence(&source, &out) {
        Ok(zip) => {
            out!("evidence: {}", zip.display());
            log_copied(
                &setup,
                &own,
                &input,
                &found,
                &format!("evidence={}", zip.display()),
            )?;
            Ok(0)
        }
        Err(e) => {
            eprintln!("callrec: {}: no evidence ZIP: {e}", input.display());
            Ok(2)
        }
    }
}

/// A record of the archive's bucket named as there (`YYYY_MM/NAME` or `NAME`) for a
/// copy or an evidence export from the command line: done as the Player on the bucket
/// does it — the record fetched into this PC's cache, the line logged in this PC's own
/// chain, which then goes into the bucket beside the recorders' logs. `act` does it
/// and returns what is printed.
fn from_bucket(
    setup: &crate::archive::setup::Setup,
    input: &Path,
    act: impl FnOnce(
        &crate::player::record_ops::RecordOps<'_>,
        &crate::player::catalog_entry::Entry,
    ) -> Result<Vec<String>, String>,
) -> Result<i32, UsageError> {
    use crate::player::catalog_entry::Entry;
    use crate::player::record_ops::RecordOps;
    let file = input
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let not_a_record = || {
        UsageError(format!(
            "{} is neither a file nor a record name of the archive's bucket (YYYY_MM/NAME)",
            input.display()
        ))
    };
    let name = RecordName::parse(file).map_err(|_| not_a_record())?;
    let session = super::player::archive_session(setup)?;
    let folder: std::sync::Arc<Path> = session.store.root.join(name.start.month_folder()).into();
    let entry =
        Entry::new(folder, file, 0, std::time::SystemTime::now(), true).ok_or_else(not_a_record)?;
    match act(&RecordOps::Local(&session), &entry) {
        Ok(said) => {
            for line in said {
                out!("{line}");
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!("callrec: {}: {e}", input.display());
            Ok(2)
        }
    }
}

/// Writes the `copied` line of a copy or export of a record that is in a store.
fn log_copied(
    setup: &crate::archive::setup::Setup,
    own: &crate::archive::identity::Identity,
    input: &Path,
    found: &Found,
    detail: &str,
) -> Result<(), UsageError> {
    let Some(store) = store_of_record(input) else {
        return Ok(());
    };
    let month = input
        .parent()
        .and_then(|p| p.file_name())
        .map(|m| m.to_string_lossy().into_owned())
        .unwrap_or_default();
    let audio = found
        .audio
        .as_ref()
        .and_then(|a| a.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    audit::append(
        &store.audit_log(),
        &Entry {
            action: Action::Copied,
            record: &format!("{month}/{audio}"),
            actor: &setup.get("recorder"),
            detail,
        },
        own,
    )
    .map_err(|e| {
        UsageError(format!(
            "copied, but the activity log could not be written: {e}"
        ))
    })?;
    own.public()
        .publish(&store.keys_dir())
        .map(|_| ())
        .map_err(|e| UsageError(e.to_string()))
}

/// The metadata types are shaped for XML (`@attribute`, `$text`, `<list><item/></list>`);
/// this reshapes their JSON into what a person or script expects: plain keys and arrays.
fn plain_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(items) = map.get("item")
            {
                return plain_json(items.clone());
            }
            if map.len() == 1
                && let Some(text) = map.get("$text")
            {
                return text.clone();
            }
            Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k.trim_start_matches('@').to_string(), plain_json(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(plain_json).collect()),
        other => other,
    }
}
