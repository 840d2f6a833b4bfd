//! What a Player does to a record — notes, TAN, copy, move, delete — the same from the
//! window whether the record is in a store folder (done here, logged with the Player's
//! own signature) or on a server (asked of the server, which checks the account's right
//! and logs it under the account). Each returns what the window says about it.

use std::path::{Path, PathBuf};

use super::catalog::Entry;
use super::remote::RemoteArchive;
use super::session::Session;
use crate::archive::audit::Action;
use crate::archive::evidence::{EvidenceSource, Provenance, export_evidence};
use crate::archive::identity::TrustedKeys;
use crate::archive::ops::{self, Actor};
use crate::archive::verify::Found;

/// Where the records are changed.
pub enum RecordOps<'a> {
    Local(&'a Session),
    Remote(&'a RemoteArchive),
}

/// The files of the record whose audio is `audio`.
fn found(audio: &Path) -> Found {
    let sidecar = audio.with_extension("xml");
    Found {
        label: audio.display().to_string(),
        audio: Some(audio.to_path_buf()),
        sidecar: sidecar.is_file().then_some(sidecar),
    }
}

/// What became of a record after a change.
pub enum After {
    /// Still where it was.
    Same,
    /// Renamed (a TAN): its new file name.
    Renamed(String),
    /// Out of the archive (moved or deleted).
    Gone,
}

impl RecordOps<'_> {
    fn with_actor<T>(session: &Session, f: impl FnOnce(&Actor<'_>) -> T) -> T {
        f(&Actor {
            store: &session.store,
            identity: &session.identity,
            name: &session.user,
        })
    }

    /// Brings a bucket's record into the session's cache (a store's is there), and the
    /// keys its check trusts: the session's, and on a bucket those its recorders
    /// published (without them a sealed sidecar would not open for a clear copy).
    fn fetched(session: &Session, entry: &Entry) -> Result<TrustedKeys, String> {
        match &session.bucket {
            Some(bucket) => {
                bucket.fetch(&entry.audio()).map_err(|e| {
                    format!("the record cannot be fetched from the archive's bucket: {e}")
                })?;
                Ok(bucket.trusted(&session.trusted))
            }
            None => Ok(session.trusted.clone()),
        }
    }

    pub fn write_notes(&self, entry: &Entry, text: &str) -> Result<After, String> {
        match self {
            RecordOps::Local(session) => Self::with_actor(session, |actor| {
                ops::write_note(actor, &found(&entry.audio()), text)
            })
            .map(|_| After::Same)
            .map_err(|e| e.to_string()),
            RecordOps::Remote(server) => server
                .write_notes(entry.file_name(), text)
                .map(|()| After::Same)
                .map_err(|e| e.to_string()),
        }
    }

    pub fn set_tan(&self, entry: &Entry, tan: &str) -> Result<After, String> {
        match self {
            RecordOps::Local(session) => Self::with_actor(session, |actor| {
                ops::set_tan(actor, &found(&entry.audio()), tan)
            })
            .map(|new| {
                After::Renamed(
                    new.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                )
            })
            .map_err(|e| e.to_string()),
            RecordOps::Remote(server) => server
                .set_tan(entry.file_name(), tan)
                .map(After::Renamed)
                .map_err(|e| e.to_string()),
        }
    }

    /// A clear copy (decrypted audio, metadata as plain XML) into `dir`. A bucket's
    /// record is fetched first, and the `copied` line then goes into the bucket with
    /// this Player's log. Returns the files written.
    pub fn copy(&self, entry: &Entry, dir: &Path) -> Result<Vec<PathBuf>, String> {
        match self {
            RecordOps::Local(session) => {
                let trusted = Self::fetched(session, entry)?;
                let written = crate::archive::export::copy_out(
                    &found(&entry.audio()),
                    dir,
                    &session.ring,
                    &trusted,
                )
                .map_err(|e| e.to_string())?;
                session
                    .log(
                        Action::Copied,
                        &entry.audio(),
                        &format!("to={}", dir.display()),
                    )
                    .map_err(|e| e.to_string())?;
                session
                    .share_log()
                    .map_err(|e| format!("copied, but not yet in the archive's logs: {e}"))?;
                Ok(written)
            }
            RecordOps::Remote(server) => server
                .copy_to(entry.file_name(), dir)
                .map_err(|e| e.to_string()),
        }
    }

    /// An evidence ZIP (`archive::evidence`) into `dir`, logged like a copy. It is made
    /// where the archive is read (a store folder or its bucket; a server makes it for
    /// its Players): the ZIP holds the record as signed and every line of the archive's
    /// logs about it. A bucket's record is fetched first, and the `copied` line goes
    /// into the bucket with this Player's log, as a copy's does.
    pub fn evidence(&self, entry: &Entry, dir: &Path) -> Result<PathBuf, String> {
        match self {
            RecordOps::Local(session) => {
                let trusted = Self::fetched(session, entry)?;
                if session.bucket.is_some() {
                    // this Player's own lines about the call (played) belong in the ZIP
                    // too; if the bucket does not take them now, it is told again
                    // below, where a failure is shown
                    let _ = session.share_log();
                }
                let source = EvidenceSource {
                    found: &found(&entry.audio()),
                    provenance: match &session.bucket {
                        Some(bucket) => Provenance::Bucket(&bucket.bucket),
                        None => Provenance::Store(&session.store),
                    },
                    ring: &session.ring,
                    trusted: &trusted,
                    exported_by: &session.user,
                };
                let zip = export_evidence(&source, dir).map_err(|e| e.to_string())?;
                session
                    .log(
                        Action::Copied,
                        &entry.audio(),
                        &format!("evidence={}", zip.display()),
                    )
                    .map_err(|e| e.to_string())?;
                session.share_log().map_err(|e| {
                    format!("evidence ZIP written, but not yet in the archive's logs: {e}")
                })?;
                Ok(zip)
            }
            RecordOps::Remote(server) => server
                .evidence_to(entry.file_name(), dir)
                .map_err(|e| e.to_string()),
        }
    }

    /// Moves the record out of the archive into `dir`: a store's record with its files
    /// as stored (signed, encrypted if they are); a server's as a clear copy.
    pub fn move_out(&self, entry: &Entry, dir: &Path) -> Result<PathBuf, String> {
        match self {
            RecordOps::Local(session) => Self::with_actor(session, |actor| {
                ops::move_record(actor, &found(&entry.audio()), dir)
            })
            .map_err(|e| e.to_string()),
            RecordOps::Remote(server) => server
                .move_to(entry.file_name(), dir)
                .map(|written| written.into_iter().next().unwrap_or_default())
                .map_err(|e| e.to_string()),
        }
    }

    pub fn delete(&self, entry: &Entry) -> Result<After, String> {
        match self {
            RecordOps::Local(session) => Self::with_actor(session, |actor| {
                ops::delete_record(actor, &found(&entry.audio()))
            })
            .map(|()| After::Gone)
            .map_err(|e| e.to_string()),
            RecordOps::Remote(server) => server
                .delete(entry.file_name())
                .map(|()| After::Gone)
                .map_err(|e| e.to_string()),
        }
    }
}
