//! Converter mode (the concept's "PCAP recording + converter"): a recorder stores calls
//! as PCAP records (`format=pcap`), quickly and with every packet, and this converter
//! turns each into WAV or MP3 with the setup's channels, beside it or on another PC.
//!
//! A record keeps its name; only its audio changes, and its sidecar is signed anew
//! (same call facts, the new audio's digest, encrypted and sealed as the PCAP was, or
//! as the setup asks). Each step can be cut by a crash and is finished by the next run,
//! so every PCAP record is converted exactly once:
//!
//! 1. the new audio and sidecar are written under temporary names in `STORE/REC`;
//! 2. the audio is placed as `NAME.wav` (never over an existing file);
//! 3. the new sidecar replaces `NAME.xml` by an atomic rename — from here the WAV is
//!    the record;
//! 4. a `moved` line `NAME.pcap → NAME.wav` goes to the activity log (so `verify`
//!    expects the WAV and does not miss the PCAP);
//! 5. `NAME.pcap` is deleted.
//!
//! A run finding `NAME.pcap` with a `NAME.wav` whose sidecar is not yet its own (cut
//! after 2) removes that WAV and converts again; one finding the sidecar already the
//! WAV's (cut after 3 or 4) only writes the missing log line and deletes the PCAP.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::audit::{self, Action};
use super::export::copy_audio_clear;
use super::identity::TrustedKeys;
use super::record::{ArchiveError, Archiver};
use super::sidecar::{AudioEncryption, Verdict, check_sidecar, write_sidecar};
use super::store::{hash_file, sync_parent};
use super::verify::month_folders;
use crate::media::capture_source::CaptureSource;

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConverterRun {
    /// Records converted, store-relative (`YYYY_MM/NAME.wav`).
    pub converted: Vec<String>,
    /// Records an earlier, cut run had converted and this one finished.
    pub finished: Vec<String>,
    /// Records that could not be converted, with the reason.
    pub failed: Vec<(String, String)>,
}

/// Converts every PCAP record of the store, oldest month first, until done or `stop`.
pub fn convert_pcap_records(archiver: &Archiver, stop: &AtomicBool) -> ConverterRun {
    let mut run = ConverterRun::default();
    let Ok(months) = month_folders(&archiver.store) else {
        return run;
    };
    // the keys a record may be signed with, read once a run
    let mut trusted = TrustedKeys::load_dir(&archiver.store.keys_dir());
    trusted.add(archiver.identity.public());
    for month in months {
        let Ok(entries) = fs::read_dir(&month) else {
            continue;
        };
        let mut records: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        records.sort();
        for pcap in records {
            if stop.load(Ordering::Relaxed) {
                return run;
            }
            let label = relative(archiver, &pcap);
            match convert_one(archiver, &trusted, &pcap) {
                Ok(Converted::Now(wav)) => run.converted.push(relative(archiver, &wav)),
                Ok(Converted::Finished(wav)) => run.finished.push(relative(archiver, &wav)),
                Err(e) => run.failed.push((label, e.to_string())),
            }
        }
    }
    run
}

enum Converted {
    Now(PathBuf),
    Finished(PathBuf),
}

fn relative(archiver: &Archiver, path: &Path) -> String {
    archiver
        .store
        .relative_path(path)
        .unwrap_or_else(|| path.display().to_string())
}

/// Converts the PCAP record at `pcap` (or finishes an earlier, cut conversion).
fn convert_one(
    archiver: &Archiver,
    trusted: &TrustedKeys,
    pcap: &Path,
) -> Result<Converted, ArchiveError> {
    let sidecar = pcap.with_extension("xml");
    let target = pcap.with_extension(archiver.options.format.extension());
    let sidecar_bytes = fs::read(&sidecar)?;
    if target.exists() {
        // an earlier run got this far: is the sidecar already the new audio's?
        let check = check_sidecar(
            &sidecar_bytes,
            || Ok(hash_file(&target).ok()),
            &archiver.ring,
            trusted,
        );
        if check.verdict == Verdict::Original {
            finish(archiver, pcap, &target)?;
            return Ok(Converted::Finished(target));
        }
        // placed but never made the record: not ours to keep
        fs::remove_file(&target)?;
    }
    let check = check_sidecar(
        &sidecar_bytes,
        || Ok(hash_file(pcap).ok()),
        &archiver.ring,
        trusted,
    );
    let Some(mut metadata) = check
        .metadata
        .filter(|_| check.verdict == Verdict::Original)
    else {
        return Err(ArchiveError::Other(format!(
            "{}: not converted, the record is not original ({})",
            pcap.display(),
            check.reason
        )));
    };
    // the capture in the clear (an encrypted PCAP record is decrypted first)
    archiver.store.create()?;
    let stem = pcap
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clear = archiver
        .store
        .staging()
        .join(format!(".convert-{stem}.pcap"));
    copy_audio_clear(pcap, &clear, &archiver.ring)?;
    let temp_audio = archiver
        .store
        .staging()
        .join(format!(".convert-{stem}.audio"));
    let encrypt = archiver.encrypt_audio || check.audio_encryption == Some(AudioEncryption::Stream);
    let written = CaptureSource::open(&clear)
        .map_err(ArchiveError::from)
        .and_then(|source| archiver.write_audio_as(&source, &temp_audio, encrypt));
    let _ = fs::remove_file(&clear);
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = fs::remove_file(&temp_audio);
            return Err(e);
        }
    };
    let report = &written.report;
    metadata.audio.format = format!("{:?}", archiver.options.format).to_ascii_lowercase();
    metadata.audio.sample_rate = report.sample_rate;
    metadata.audio.channels = archiver.options.mix.channels();
    metadata.audio.duration_ms = report.duration_ms.max(0) as u64;
    let (plain_sha, plain_size) = written.plain;
    metadata.audio.plain_sha256 = hex::encode(plain_sha);
    metadata.audio.plain_size = plain_size;
    let sealed = archiver.seal_metadata || sidecar_was_sealed(&sidecar_bytes);
    let sidecar_text = write_sidecar(
        &metadata,
        written.stored,
        &archiver.ring,
        sealed,
        &archiver.identity,
    );
    let temp_sidecar = temp_audio.with_extension("xml");
    fs::write(&temp_sidecar, sidecar_text.as_bytes())?;
    fs::File::open(&temp_sidecar)?.sync_all()?;
    // 2: the audio beside the PCAP, never over a file
    fs::hard_link(&temp_audio, &target)?;
    fs::remove_file(&temp_audio)?;
    sync_parent(&target)?;
    // 3: from here the new audio is the record
    fs::rename(&temp_sidecar, &sidecar)?;
    sync_parent(&sidecar)?;
    finish(archiver, pcap, &target)?;
    Ok(Converted::Now(target))
}

/// Steps 4 and 5: the `moved` line (once) and the PCAP gone.
fn finish(archiver: &Archiver, pcap: &Path, target: &Path) -> Result<(), ArchiveError> {
    let from = relative(archiver, pcap);
    let to = relative(archiver, target);
    let log = archiver.store.audit_log();
    if !audit::has_action(&log, Action::Moved, &from)? {
        archiver
            .identity
            .public()
            .publish(&archiver.store.keys_dir())?;
        audit::append(
            &log,
            &audit::Entry {
                action: Action::Moved,
                record: &from,
                actor: &archiver.recorder_name,
                detail: &format!("to={to}"),
            },
            &archiver.identity,
        )?;
    }
    match fs::remove_file(pcap) {
        Ok(()) => sync_parent(pcap)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

/// Whether the sidecar's metadata is sealed (then the converted one is too).
fn sidecar_was_sealed(sidecar: &[u8]) -> bool {
    String::from_utf8_lossy(sidecar).contains("encoding=\"aes-256-gcm\"")
}
