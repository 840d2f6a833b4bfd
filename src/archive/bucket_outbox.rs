//! A recorder's local store as the outbox of an archive in a bucket: records are made
//! and signed locally as always, then moved into the bucket (see `bucket_upload`) and
//! deleted here only once they read back there as written. While the bucket cannot be
//! reached they simply stay, so a branch keeps recording and catches up later.
//!
//! Besides the records the bucket gets this recorder's activity log, as
//! `TMP/logs/<signer>.txt` (one chain per recorder: several recorders never write the
//! same log object), and its public key under `TMP/keys/`, so that `verify` on the
//! bucket needs nothing from any recorder's disk.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::audit::{self, Action, Entry};
use super::bucket::{Bucket, BucketError};
use super::bucket_upload::{Layout, UploadError, Uploaded, upload_record, upload_record_as};
use super::byte_budget::ByteBudget;
use super::converter_presence::{self, Presence};
use super::identity::PublicKey;
use super::record::Archiver;
use super::sidecar::MAX_SIDECAR;
use super::store::Store;
use super::verify::{month_folders, records_in};

/// The bucket folder of the recorders' activity logs.
pub const LOGS: &str = "TMP/logs";
/// The largest activity log taken from a bucket (a million records' lines are about
/// 300 MB).
pub const MAX_LOG: u64 = 2 << 30;
/// The bucket folder of the published public keys.
pub const KEYS: &str = "TMP/keys";
/// The bucket folder of the recorders' signs of life.
pub const ALIVE: &str = "TMP/alive";

/// How old a record must be before it leaves: a recorder that died right after placing
/// it finds it here when it archives the same capture again at its restart, instead
/// of making a second record of it.
pub const MIN_AGE: Duration = Duration::from_secs(5);

/// Records uploaded at the same time: each mostly waits for the bucket, so more of
/// them than cores (8 fell behind 50 calls/s into Garage on the same 2 cores, 16
/// kept pace; docs/PERFORMANCE.md).
const PARALLEL_UPLOADS: usize = 16;

/// The record bytes the uploads hold in memory at once (each is read whole for its
/// put): sixty-odd typical calls, or one four-hour call.
static UPLOAD_MEMORY: ByteBudget = ByteBudget::new(256 << 20);

/// The threads that upload, shared by every pass.
fn uploaders() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(PARALLEL_UPLOADS)
            .thread_name(|i| format!("callrec-upload-{i}"))
            .build()
            .expect("the upload threads")
    })
}

/// Records placed in the local store whose captures have left the journal, for the
/// outbox to take at once.
#[derive(Default)]
pub struct Placed {
    list: std::sync::Mutex<Vec<PathBuf>>,
    ready: std::sync::Condvar,
}

impl Placed {
    pub fn push(&self, audio: PathBuf) {
        self.list
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(audio);
        self.ready.notify_one();
    }

    /// What was placed since the last call.
    pub fn take(&self, timeout: Duration) -> Vec<PathBuf> {
        let _ = self.wait(timeout);
        std::mem::take(&mut *self.list.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Waits up to `timeout` for something placed; whether there is.
    pub fn wait(&self, timeout: Duration) -> bool {
        let list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let (list, _) = self
            .ready
            .wait_timeout_while(list, timeout, |l| l.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        !list.is_empty()
    }
}

/// Puts the activity log at `log` (whole: a log only grows) and its signer's public key
/// into the bucket under the signer's id, beside the recorders' logs: how a Player, or
/// a Player API server without a recorder's outbox, makes a line it wrote for a record
/// of the bucket (a copy out) part of the archive that `verify` checks.
pub fn share_log(bucket: &Bucket, log: &Path, signer: &PublicKey) -> std::io::Result<()> {
    // the key once per bucket and process (a key never changes), the log each time
    static KEYS_SHARED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let text = fs::read(log)?;
    let id = signer.id();
    let key = format!("{KEYS}/{id}.pem");
    let shared = format!("{} {key}", bucket.config().describe());
    let known = |shared: &str| {
        KEYS_SHARED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|k| k == shared)
    };
    if !known(&shared) {
        bucket
            .put(&key, signer.to_pem().into_bytes().into())
            .map_err(std::io::Error::other)?;
        KEYS_SHARED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(shared);
    }
    bucket
        .put(&format!("{LOGS}/{id}.txt"), text.into())
        .map_err(std::io::Error::other)
}

/// Whether the record with this audio file stays for the converter: a PCAP while a
/// converter works on the store, and any record whose name has two audio files (a
/// conversion under way, or cut: only the converter knows which file is the record).
fn held_for_converter(audio: &Path, converter: Presence) -> bool {
    let ext = audio.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext == "pcap" && converter == Presence::Working {
        return true;
    }
    ["wav", "mp3", "pcap"]
        .iter()
        .any(|other| *other != ext && audio.with_extension(other).is_file())
}

/// What one pass did.
#[derive(Debug, Default)]
pub struct Drained {
    pub uploaded: Vec<Uploaded>,
    /// Records still here afterwards (too young, or not taken by the bucket).
    pub waiting: usize,
    /// Records the bucket took but that could not be removed here (tried again).
    pub local_errors: Vec<String>,
    /// Why the backup's bucket did not take a copy, when it did not (the records stay
    /// here until it does).
    pub backup_failure: Option<BucketError>,
    /// Why the archive's bucket failed, when it did: the pass ended there.
    pub failure: Option<BucketError>,
    /// Records held back for the converter (counted in `waiting` too).
    pub held_for_converter: usize,
    /// The converter of this store died this long ago: its PCAP records move as they
    /// are, and a conversion it left half done waits for it.
    pub converter_gone: Option<Duration>,
}

/// Moves records from one local store into one bucket, pass after pass.
pub struct Outbox {
    pub bucket: Bucket,
    /// The bucket of the backup copy, flat; a record leaves only once it is in both.
    pub backup: Option<Bucket>,
    /// The archiver that makes the records: its store is the outbox, its identity
    /// signs the log lines written here.
    archiver: Arc<Archiver>,
    min_age: Duration,
    /// Length of the activity log the bucket last got.
    log_sent: Option<u64>,
    keys_sent: HashSet<String>,
}

impl Outbox {
    pub fn new(bucket: Bucket, archiver: Arc<Archiver>) -> Outbox {
        Outbox {
            bucket,
            backup: None,
            archiver,
            min_age: MIN_AGE,
            log_sent: None,
            keys_sent: HashSet::new(),
        }
    }

    /// The same outbox also copying every record into `backup` (flat) before it leaves.
    pub fn with_backup(mut self, backup: Option<Bucket>) -> Outbox {
        self.backup = backup;
        self
    }

    /// The archiver whose records this outbox moves.
    pub fn archiver(&self) -> &Archiver {
        &self.archiver
    }

    fn store(&self) -> &Store {
        &self.archiver.store
    }

    /// The same outbox taking records as soon as they are placed (the import command:
    /// nothing can archive them a second time).
    pub fn without_delay(mut self) -> Outbox {
        self.min_age = Duration::ZERO;
        self
    }

    /// Moves every record old enough, then the log and keys. A failure of the bucket
    /// ends the pass (it would fail for the next record too).
    pub fn pass(&mut self) -> Drained {
        let now = SystemTime::now();
        let mut records = Vec::new();
        for month in month_folders(self.store()).unwrap_or_default() {
            records.extend(records_in(&month, "").unwrap_or_default());
        }
        let mut due = Vec::new();
        let mut young = 0;
        for found in records {
            let (Some(audio), Some(_)) = (&found.audio, &found.sidecar) else {
                if let (None, Some(sidecar)) = (&found.audio, &found.sidecar) {
                    self.lone_sidecar(sidecar, now);
                }
                continue;
            };
            if self.old_enough(audio, now) {
                due.push(audio.clone());
            } else {
                young += 1;
            }
        }
        self.move_records(due, young)
    }

    /// Moves the records whose audio files are `placed` at once (the recorder names
    /// them once their captures have left the journal: nothing archives them again),
    /// then the log.
    pub fn pass_placed(&mut self, placed: Vec<PathBuf>) -> Drained {
        let present: Vec<PathBuf> = placed
            .into_iter()
            .filter(|audio| audio.is_file() && audio.with_extension("xml").is_file())
            .collect();
        self.move_records(present, 0)
    }

    /// Uploads `records` several at a time (each waits for the store, not the CPU),
    /// removes each one's local copy once it is safe, then sends the log and keys.
    fn move_records(&mut self, records: Vec<PathBuf>, waiting: usize) -> Drained {
        use rayon::prelude::*;
        let converter = converter_presence::presence(self.store());
        let (records, held): (Vec<PathBuf>, Vec<PathBuf>) = records
            .into_iter()
            .partition(|audio| !held_for_converter(audio, converter));
        let is_pcap = |audio: &PathBuf| audio.extension().is_some_and(|e| e == "pcap");
        let mut drained = Drained {
            waiting: waiting + held.len(),
            held_for_converter: held.len(),
            // said only while it matters: PCAP records move, or records wait for it
            converter_gone: match converter {
                Presence::Gone(age) if !held.is_empty() || records.iter().any(is_pcap) => Some(age),
                _ => None,
            },
            ..Drained::default()
        };
        let failed = std::sync::atomic::AtomicBool::new(false);
        type Outcome = (
            Result<Uploaded, UploadError>,
            Option<Result<(), UploadError>>,
        );
        let results: Vec<Outcome> = uploaders().install(|| {
            records
                .par_iter()
                .map(|audio| {
                    if failed.load(std::sync::atomic::Ordering::Relaxed) {
                        return (Err(UploadError::Skipped), None);
                    }
                    // a converter that started during a long pass: from then on it may
                    // switch a PCAP's sidecar, so a PCAP is read only while none works
                    // (it waits a moment after it announced itself for reads under way)
                    if is_pcap(audio)
                        && converter_presence::presence(self.store()) == Presence::Working
                    {
                        return (Err(UploadError::Skipped), None);
                    }
                    let size = fs::metadata(audio).map_or(0, |m| m.len());
                    let _memory = UPLOAD_MEMORY.take(size);
                    let result = upload_record(&self.bucket, audio);
                    if matches!(result, Err(UploadError::Bucket(_))) {
                        failed.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                    // the backup copy: the record leaves only when it is in both
                    let backed_up = match (&result, &self.backup) {
                        (Ok(_), Some(backup)) => {
                            Some(upload_record_as(backup, audio, Layout::Flat).map(|_| ()))
                        }
                        _ => None,
                    };
                    (result, backed_up)
                })
                .collect()
        });
        let mut failure = None;
        for (audio, (result, backed_up)) in records.iter().zip(results) {
            match (result, backed_up) {
                (Ok(_), Some(Err(e))) => {
                    drained.waiting += 1;
                    match e {
                        UploadError::Bucket(e) => {
                            drained.backup_failure.get_or_insert(e);
                        }
                        e => drained.local_errors.push(format!("backup copy: {e}")),
                    }
                }
                (Ok(done), _) => {
                    if let Err(e) = self.leave(audio, &audio.with_extension("xml"), &done) {
                        drained.local_errors.push(e);
                    }
                    drained.uploaded.push(done);
                }
                (Err(UploadError::Bucket(e)), _) => {
                    drained.waiting += 1;
                    failure.get_or_insert(e);
                }
                (Err(UploadError::Skipped), _) => drained.waiting += 1,
                (Err(e), _) => {
                    drained.waiting += 1;
                    drained.local_errors.push(e.to_string());
                }
            }
        }
        if failure.is_none()
            && let Err(e) = self.publish()
        {
            failure = Some(e);
        }
        drained.failure = failure;
        drained
    }

    /// Removes the local copy of a record now safe in the bucket: audio first, so that
    /// a crash in between leaves a lone sidecar (cleared by the next pass), never audio
    /// without its sidecar.
    fn leave(&self, audio: &Path, sidecar: &Path, done: &Uploaded) -> Result<(), String> {
        if let Some(local) = &done.renamed_from {
            // another recorder's record had the name: the log says where this one went
            audit::append(
                &self.store().audit_log(),
                &Entry {
                    action: Action::Moved,
                    record: local,
                    actor: &self.archiver.recorder_name,
                    detail: &format!("to={}", done.relative),
                },
                &self.archiver.identity,
            )
            .map_err(|e| format!("cannot log the new name of {local}: {e}"))?;
        }
        fs::remove_file(audio).map_err(|e| format!("cannot remove {}: {e}", audio.display()))?;
        fs::remove_file(sidecar)
            .map_err(|e| format!("cannot remove {}: {e}", sidecar.display()))?;
        Ok(())
    }

    /// Whether the file was written at least the outbox's minimum age before `now`.
    fn old_enough(&self, path: &Path, now: SystemTime) -> bool {
        fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age >= self.min_age)
    }

    /// A sidecar whose audio already left: removed once the bucket holds it.
    fn lone_sidecar(&self, sidecar: &Path, now: SystemTime) {
        let old = self.old_enough(sidecar, now);
        let (Some(month), Some(file)) = (
            sidecar.parent().and_then(|p| p.file_name()),
            sidecar.file_name(),
        ) else {
            return;
        };
        let key = format!("{}/{}", month.to_string_lossy(), file.to_string_lossy());
        if old
            && let (Ok(mine), Ok(Some(there))) =
                (fs::read(sidecar), self.bucket.get(&key, MAX_SIDECAR))
            && there == mine
        {
            let _ = fs::remove_file(sidecar);
        }
    }

    /// Writes this recorder's sign of life (`TMP/alive/<signer>.txt`, the time): shows
    /// whether the bucket takes writes now, and tells a person which recorders wrote
    /// when.
    pub fn probe(&self) -> Result<(), BucketError> {
        let now = jiff::Timestamp::now().to_string();
        self.bucket.put(
            &format!("{ALIVE}/{}.txt", self.archiver.identity.public().id()),
            Bytes::from(format!("{now} {}\n", self.archiver.recorder_name)),
        )
    }

    /// The activity log (when it grew) and the public keys (once each).
    fn publish(&mut self) -> Result<(), BucketError> {
        let log = self.store().audit_log();
        let length = fs::metadata(&log).map(|m| m.len()).ok();
        if length.is_some()
            && length != self.log_sent
            && let Ok(bytes) = fs::read(&log)
        {
            let sent = bytes.len() as u64;
            self.bucket.put(
                &format!("{LOGS}/{}.txt", self.archiver.identity.public().id()),
                Bytes::from(bytes),
            )?;
            self.log_sent = Some(sent);
        }
        for entry in fs::read_dir(self.store().keys_dir()).into_iter().flatten() {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.ends_with(".pem") || self.keys_sent.contains(&name) {
                continue;
            }
            if let Ok(bytes) = fs::read(entry.path()) {
                self.bucket
                    .put(&format!("{KEYS}/{name}"), Bytes::from(bytes))?;
                self.keys_sent.insert(name);
            }
        }
        Ok(())
    }
}
