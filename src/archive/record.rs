//! Turning one capture into an archive record: audio, signed sidecar, audit line,
//! backup copy. The recorder and `callrec import` both come through here, so a record
//! looks the same however it was made.
//!
//! Crash safety: audio and sidecar are written under temporary names in `STORE/REC/`,
//! synced, then renamed into the month folder (sidecar first); only then is the
//! `stored` line appended. The source capture is never touched here: the caller
//! deletes it, if at all, after this returns.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::audio_crypt::EncryptingWriter;
use super::audit::{self, Action, Entry};
use super::cdr::CallFacts;
use super::direct_file::DirectFile;
use super::identity::Identity;
use super::keyring::KeyRing;
use super::metadata::{self as meta, RecordMetadata};
use super::name::{Direction, LocalMinute, RecordName};
use super::sidecar::{AudioDigest, AudioEncryption, check_sidecar, write_sidecar};
use super::source_name::SourceName;
use super::store::{Store, backup_record, hash_file, sync_parent};
use crate::media::capture_source::CaptureSource;
use crate::media::{self, ConvertOptions, Report};

/// Everything an archiving installation brings: where, how, and who signs.
pub struct Archiver {
    pub store: Store,
    pub backup: Option<PathBuf>,
    pub ring: KeyRing,
    pub identity: Identity,
    /// Name of this recorder in sidecars and the activity log.
    pub recorder_name: String,
    pub seal_metadata: bool,
    pub encrypt_audio: bool,
    pub options: ConvertOptions,
}

/// The call facts and raw CDRs for one capture, when a CDR described it.
#[derive(Debug, Clone, Default)]
pub struct Booking {
    pub facts: Option<CallFacts>,
    pub raw_cdrs: Vec<String>,
    pub tan: Option<String>,
    pub mode: Option<String>,
    /// Said about the call by whoever booked it (e.g. "orphan: no CDR arrived").
    pub warnings: Vec<String>,
}

/// What archiving produced.
#[derive(Debug, Clone)]
pub struct Archived {
    pub name: RecordName,
    pub audio: PathBuf,
    pub sidecar: PathBuf,
    /// The record was already in the archive (same source capture): nothing written.
    pub already: bool,
    pub report: Report,
}

/// Why a capture could not be archived.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0}")]
    Media(#[from] media::MediaError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Other(String),
    /// The record is in the store and logged, but its copy in the backup folder could
    /// not be made: the store holds it, the backup still lacks it.
    #[error("the record {record} is stored, but its backup copy failed: {error}")]
    Backup { record: String, error: io::Error },
}

/// Counts and hashes what passes through.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    len: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    fn finish(self) -> (W, [u8; 32], u64) {
        (self.inner, self.hasher.finalize().into(), self.len)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Audio as written: the plain digest, the stored digest, and the media report.
pub(super) struct WrittenAudio {
    pub(super) plain: ([u8; 32], u64),
    pub(super) stored: AudioDigest,
    pub(super) report: Report,
}

impl Archiver {
    /// Archives `capture`. Re-archiving the same capture finds the first record and
    /// writes nothing; a different capture of the same call gets `~2`, `~3`, ….
    pub fn archive(&self, capture: &Path, booking: &Booking) -> Result<Archived, ArchiveError> {
        self.archive_held(capture, None, booking)
    }

    /// [`Archiver::archive`] with the capture's bytes already in memory (`held`, as the
    /// recorder received them: the same bytes as the file at `capture`), so that they
    /// are not read back from the file.
    pub fn archive_held(
        &self,
        capture: &Path,
        held: Option<Bytes>,
        booking: &Booking,
    ) -> Result<Archived, ArchiveError> {
        self.store.create()?;
        self.identity.public().publish(&self.store.keys_dir())?;
        let source = match held {
            Some(bytes) => CaptureSource::Memory(bytes),
            None => CaptureSource::open(capture)?,
        };
        let (source_sha, source_size) = match source.bytes() {
            Some(bytes) => (Sha256::digest(bytes).into(), bytes.len() as u64),
            None => hash_file(capture)?,
        };
        let source_file = capture
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let device = SourceName::parse(&source_file);
        // Temporary files of this attempt share a prefix derived from the capture (its
        // name and content), so a later attempt on the same capture can clear what a
        // killed one left behind, while two captures with equal bytes under different
        // names (archived at the same moment) never touch each other's files.
        let mut naming = Sha256::new();
        naming.update(source_file.as_bytes());
        naming.update(source_sha);
        let attempt = format!(
            ".{}-{}",
            hex::encode(&naming.finalize()[..8]),
            std::process::id()
        );
        remove_earlier_attempts(&self.store.staging(), &attempt[..17]);
        let temp_audio = self.store.staging().join(format!("{attempt}.audio"));
        let written = match self.write_audio(&source, &temp_audio) {
            Ok(w) => w,
            Err(e) => {
                let _ = fs::remove_file(&temp_audio);
                return Err(e);
            }
        };
        let metadata = self.metadata(
            &written,
            booking,
            device.as_ref(),
            &source_file,
            &source_sha,
            source_size,
        )?;
        let base = record_name(&metadata, booking, self.options.format.extension())?;
        let sidecar_text = write_sidecar(
            &metadata,
            written.stored,
            &self.ring,
            self.seal_metadata,
            &self.identity,
        );
        let result = self.place(base, &temp_audio, &sidecar_text, &metadata, written.report);
        let _ = fs::remove_file(&temp_audio);
        result
    }

    fn write_audio(
        &self,
        source: &CaptureSource,
        temp: &Path,
    ) -> Result<WrittenAudio, ArchiveError> {
        self.write_audio_as(source, temp, self.encrypt_audio)
    }

    /// Converts `source` into `temp` with this archiver's options, encrypted or not
    /// (the converter keeps a record's encryption whatever the setup says now).
    pub(super) fn write_audio_as(
        &self,
        source: &CaptureSource,
        temp: &Path,
        encrypt: bool,
    ) -> Result<WrittenAudio, ArchiveError> {
        // written past the page cache: the audio is not read again here (its digest is
        // taken on the way), and the cache's fresh pages are the dearest part of writing
        let buffered = DirectFile::create(temp)?;
        let open = || source.reader();
        let (report, plain, stored, buffered) = if encrypt {
            let encrypting = EncryptingWriter::new(Hashing::new(buffered), self.ring.current())?;
            let mut plain = Hashing::new(encrypting);
            let report = media::convert(open, &self.options, Box::new(&mut plain))?;
            let (encrypting, sha, len) = plain.finish();
            let (buffered, stored_sha, stored_len) = encrypting.finish()?.finish();
            (report, (sha, len), (stored_sha, stored_len), buffered)
        } else {
            let mut plain = Hashing::new(buffered);
            let report = media::convert(open, &self.options, Box::new(&mut plain))?;
            let (buffered, sha, len) = plain.finish();
            (report, (sha, len), (sha, len), buffered)
        };
        buffered.finish()?;
        Ok(WrittenAudio {
            plain,
            stored: AudioDigest {
                sha256: stored.0,
                size: stored.1,
                encryption: if encrypt {
                    AudioEncryption::Stream
                } else {
                    AudioEncryption::None
                },
            },
            report,
        })
    }

    fn metadata(
        &self,
        written: &WrittenAudio,
        booking: &Booking,
        device: Option<&SourceName>,
        source_file: &str,
        source_sha: &[u8; 32],
        source_size: u64,
    ) -> Result<RecordMetadata, ArchiveError> {
        let report = &written.report;
        let facts = booking.facts.as_ref();
        let mut dating = Vec::new();
        let start_utc_s = match facts {
            Some(f) if f.start_utc > 0 => f.start_utc,
            _ => {
                let captured = report.start_ms.div_euclid(1000);
                if plausible_time(captured) {
                    captured
                } else {
                    // a device clock that was never set (1970) or jumped: the record is
                    // dated by its arrival, so that its month folder and retention go by
                    // a time that can be trusted
                    let arrived =
                        jiff::Timestamp::now().as_second() - (report.duration_ms.max(0) / 1000);
                    dating.push(format!(
                        "the capture's clock said {}; the record is dated by its arrival",
                        jiff::Timestamp::from_second(captured)
                            .map_or_else(|_| format!("{captured} s"), |t| t.to_string())
                    ));
                    arrived
                }
            }
        };
        let start = jiff::Timestamp::from_second(start_utc_s)
            .map_err(|e| ArchiveError::Other(format!("call start out of range: {e}")))?;
        let zone = match facts.and_then(|f| f.local_offset_s) {
            Some(offset) => jiff::tz::TimeZone::fixed(
                jiff::tz::Offset::from_seconds(offset)
                    .map_err(|e| ArchiveError::Other(format!("bad local offset: {e}")))?,
            ),
            None => jiff::tz::TimeZone::system(),
        };
        let local = start.to_zoned_datetime(zone.clone());
        let zone_name = zone
            .iana_name()
            .map(str::to_string)
            .unwrap_or_else(|| local.offset().to_string());
        let uid = device
            .map(|d| d.conf.clone())
            .or_else(|| facts.and_then(|f| f.conferences.first().cloned()))
            .unwrap_or_else(|| hex::encode(&source_sha[..16]));
        let mut conferences: Vec<String> = facts.map(|f| f.conferences.clone()).unwrap_or_default();
        if let Some(d) = device
            && !conferences.contains(&d.conf)
        {
            conferences.insert(0, d.conf.clone());
        }
        let audio_ms = report.duration_ms.max(0) as u64;
        let (internal, external) = match facts {
            Some(f) => (
                meta::Party {
                    number: f.internal_number.clone(),
                    name: f.internal_name.clone(),
                },
                meta::Party {
                    number: f.external_number.clone(),
                    name: f.external_name.clone(),
                },
            ),
            None => Default::default(),
        };
        let mut warnings = report.warnings.clone();
        warnings.extend(booking.warnings.iter().cloned());
        warnings.extend(dating);
        if facts.is_none() {
            warnings.push("no CDR: parties and direction unknown, times from the capture".into());
        }
        Ok(RecordMetadata {
            version: meta::METADATA_VERSION,
            call: meta::CallInfo {
                uid,
                direction: match facts {
                    Some(f) if f.outgoing => Direction::Outgoing,
                    _ => Direction::Incoming,
                },
                start_utc: start.to_string(),
                start_local: local
                    .datetime()
                    .round(jiff::Unit::Second)
                    .unwrap_or(local.datetime())
                    .to_string(),
                time_zone: zone_name,
                time_to_answer_s: facts.map_or(0, |f| f.time_to_answer_s),
                duration_ms: facts.map_or(audio_ms, |f| u64::from(f.duration_s) * 1000),
                connected_ms: facts
                    .and_then(|f| f.connected_s)
                    .map(|s| u64::from(s) * 1000),
                basis: if facts.is_some() { "cdr" } else { "capture" }.into(),
                mode: booking.mode.clone(),
                tan: booking.tan.clone(),
            },
            internal,
            external,
            conferences: conferences
                .into_iter()
                .map(|id| meta::Conference { id })
                .collect::<Vec<_>>()
                .into(),
            source: meta::Source {
                capture: source_file.to_string(),
                sha256: hex::encode(source_sha),
                size: source_size,
                device_mac: device.map(|d| d.mac.clone()),
                device_kind: device_kind(self.options.map, report),
                channel_rule: report.channel_rule.clone(),
            },
            audio: meta::AudioInfo {
                format: format!("{:?}", self.options.format).to_ascii_lowercase(),
                sample_rate: report.sample_rate,
                channels: self.options.mix.channels(),
                duration_ms: audio_ms,
                plain_sha256: hex::encode(written.plain.0),
                plain_size: written.plain.1,
            },
            streams: report
                .streams
                .iter()
                .filter(|s| s.side != "none")
                .map(|s| meta::Stream {
                    side: s.side.clone(),
                    codec: s.codec.clone(),
                    ssrc: s.ssrc.clone(),
                    packets: s.packets,
                    lost: s.lost,
                    duplicates: s.duplicates,
                    reordered: s.reordered,
                    jitter_ms: s.jitter_ms,
                })
                .collect::<Vec<_>>()
                .into(),
            dtmf: report
                .dtmf
                .iter()
                .map(|d| meta::Digit {
                    digit: d.digit.to_string(),
                    side: d.side.name().to_string(),
                    at_ms: d.start_ms,
                    duration_ms: d.duration_ms,
                })
                .collect::<Vec<_>>()
                .into(),
            cdrs: booking
                .raw_cdrs
                .iter()
                .map(|text| meta::RawCdr { text: text.clone() })
                .collect::<Vec<_>>()
                .into(),
            warnings: warnings
                .into_iter()
                .map(|text| meta::Warning { text })
                .collect::<Vec<_>>()
                .into(),
            recorder: meta::Recorder {
                id: self.identity.public().id(),
                name: self.recorder_name.clone(),
                software: concat!("callrec ", env!("CARGO_PKG_VERSION")).into(),
            },
        })
    }

    /// Moves the finished files to their final names and logs the record.
    ///
    /// Captures with the same bytes are placed one after the other (a lock per source
    /// hash): the second then finds the first record and writes nothing, where two at
    /// the same moment would each see a half-placed record and take `~2`, `~3`.
    fn place(
        &self,
        base: RecordName,
        temp_audio: &Path,
        sidecar_text: &str,
        metadata: &RecordMetadata,
        report: Report,
    ) -> Result<Archived, ArchiveError> {
        let _same_source = placing_lock(&metadata.source.sha256);
        let month = self.store.root.join(base.start.month_folder());
        fs::create_dir_all(&month)?;
        for n in 1..=999u32 {
            let name = RecordName {
                collision: (n > 1).then_some(n),
                ..base.clone()
            };
            let audio = self.store.path_of(&name);
            let sidecar = self.store.path_of(&name.with_extension("xml"));
            match self.existing(&audio, &sidecar, metadata) {
                Existing::Free => {}
                Existing::Same => {
                    // An earlier run may have died after placing the files: finish its
                    // log line and backup copy, which are otherwise missing.
                    let logged =
                        audit::has_stored(&self.store.audit_log(), &self.store.relative(&name))?;
                    self.log_and_back_up(&name, &audio, &sidecar, metadata, !logged)?;
                    return Ok(Archived {
                        name,
                        audio,
                        sidecar,
                        already: true,
                        report,
                    });
                }
                Existing::Other => continue,
            }
            let temp_sidecar = temp_audio.with_extension("xml");
            write_synced(&temp_sidecar, sidecar_text.as_bytes())?;
            // Two parts of one call may be archived at the same moment by two workers:
            // a name is claimed without overwriting, and the loser takes the next `~n`.
            if !place_new(&temp_sidecar, &sidecar)? {
                let _ = fs::remove_file(&temp_sidecar);
                continue;
            }
            if !place_new(temp_audio, &audio)? {
                let _ = fs::remove_file(&sidecar);
                continue;
            }
            sync_parent(&audio)?;
            self.log_and_back_up(&name, &audio, &sidecar, metadata, true)?;
            return Ok(Archived {
                name,
                audio,
                sidecar,
                already: false,
                report,
            });
        }
        Err(ArchiveError::Other(format!(
            "999 records are already named {}",
            base.base()
        )))
    }

    /// Appends the `stored` line (when `log`) and makes the backup copy.
    fn log_and_back_up(
        &self,
        name: &RecordName,
        audio: &Path,
        sidecar: &Path,
        metadata: &RecordMetadata,
        log: bool,
    ) -> Result<(), ArchiveError> {
        if log {
            audit::append(
                &self.store.audit_log(),
                &Entry {
                    action: Action::Stored,
                    record: &self.store.relative(name),
                    actor: &self.recorder_name,
                    detail: &format!("source={}", metadata.source.capture),
                },
                &self.identity,
            )?;
        }
        if let Some(backup) = &self.backup {
            backup_record(backup, name, &[(&name.extension, audio), ("xml", sidecar)]).map_err(
                |error| ArchiveError::Backup {
                    record: self.store.relative(name),
                    error,
                },
            )?;
        }
        Ok(())
    }

    /// Whether a name is free, holds this same record already, or another one.
    fn existing(&self, audio: &Path, sidecar: &Path, metadata: &RecordMetadata) -> Existing {
        let Ok(text) = fs::read(sidecar) else {
            return if audio.exists() {
                Existing::Other
            } else {
                Existing::Free
            };
        };
        let mut trusted = super::identity::TrustedKeys::default();
        trusted.add(self.identity.public());
        let check = check_sidecar(&text, || Ok(hash_file(audio).ok()), &self.ring, &trusted);
        match check.metadata {
            // the same record only with its audio: a sidecar alone is not a record
            Some(m) if m.source.sha256 == metadata.source.sha256 && audio.exists() => {
                Existing::Same
            }
            // our own sidecar from an attempt that died before the audio was renamed
            None if !audio.exists() && check.signer == Some(self.identity.public().id()) => {
                Existing::Free
            }
            _ => Existing::Other,
        }
    }
}

/// Whether a capture time (Unix seconds) can be a call's: after 2000 and not more than
/// a day ahead of this PC's clock.
fn plausible_time(seconds: i64) -> bool {
    seconds >= 946_684_800 && seconds <= jiff::Timestamp::now().as_second() + 86_400
}

/// One of a few locks, chosen by the source hash: identical captures always meet at the
/// same one, different ones rarely wait for each other.
fn placing_lock(source_sha_hex: &str) -> std::sync::MutexGuard<'static, ()> {
    use std::sync::Mutex;
    static LOCKS: [Mutex<()>; 64] = [const { Mutex::new(()) }; 64];
    let stripe = source_sha_hex.bytes().take(4).fold(0usize, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(usize::from(b))
    });
    LOCKS[stripe % LOCKS.len()]
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Deletes what an earlier, interrupted attempt on the same capture left in `REC/`.
/// Only derived files go: the capture itself is never in `REC/`.
fn remove_earlier_attempts(rec: &Path, prefix: &str) {
    if let Ok(entries) = fs::read_dir(rec) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

enum Existing {
    Free,
    Same,
    Other,
}

/// Moves `from` to `to` unless `to` exists; `false` when it does. A hard link claims the
/// name atomically; on file systems without hard links, check and rename.
fn place_new(from: &Path, to: &Path) -> io::Result<bool> {
    match fs::hard_link(from, to) {
        Ok(()) => {
            fs::remove_file(from)?;
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(_) if to.exists() => Ok(false),
        Err(_) => fs::rename(from, to).map(|()| true),
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// `phone`, `gateway` or `unknown`, from the channel map used.
fn device_kind(map: media::ChannelMap, report: &Report) -> String {
    if !report.innovaphone {
        return "unknown".into();
    }
    match map {
        media::ChannelMap::Gateway => "gateway",
        _ => "phone",
    }
    .into()
}

/// The record's name, from its metadata.
fn record_name(
    metadata: &RecordMetadata,
    booking: &Booking,
    extension: &str,
) -> Result<RecordName, ArchiveError> {
    let local: jiff::civil::DateTime = metadata
        .call
        .start_local
        .parse()
        .map_err(|e| ArchiveError::Other(format!("local start time: {e}")))?;
    let mut name = RecordName::new(
        LocalMinute::from(local),
        &metadata.internal.number,
        metadata.call.direction,
        &metadata.external.number,
        metadata.call.time_to_answer_s,
        &metadata.call.uid,
        extension,
    );
    name.tan = booking.tan.as_deref().and_then(super::name::sanitize_tan);
    Ok(name)
}
