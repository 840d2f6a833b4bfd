//! What the Player shows about the selected record: its verdict (green "original",
//! red "manipulated"), the metadata of its sidecar, and its notes. Checking means
//! hashing the audio, so it runs on its own thread.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::remote::RemoteArchive;
use crate::archive::identity::TrustedKeys;
use crate::archive::keyring::KeyRing;
use crate::archive::sidecar::{Check, Verdict};
use crate::archive::verify::{Found, check_found};

/// One record's details.
#[derive(Debug, Clone)]
pub struct Details {
    pub audio: PathBuf,
    pub check: Check,
    pub notes: String,
}

/// Loads details in the background; the UI polls [`DetailsLoader::current`].
#[derive(Default, Clone)]
pub struct DetailsLoader {
    /// Shared, so that a window reading it every frame copies a pointer, not the CDRs.
    slot: Arc<Mutex<Option<Arc<Details>>>>,
    wanted: Arc<Mutex<Option<PathBuf>>>,
}

impl DetailsLoader {
    /// Starts checking `audio` with the keys `trusted` gives (the newest request wins).
    pub fn request(
        &self,
        audio: PathBuf,
        ring: KeyRing,
        trusted: impl FnOnce() -> TrustedKeys + Send + 'static,
    ) {
        self.request_fetching(audio, ring, trusted, Box::new(|| Ok(())));
    }

    /// [`DetailsLoader::request`] of a record that `fetch` first brings to `audio`,
    /// checked with the keys `trusted` gives on the loader's thread (a bucket's keys
    /// may have to be read from the bucket).
    pub fn request_fetching(
        &self,
        audio: PathBuf,
        ring: KeyRing,
        trusted: impl FnOnce() -> TrustedKeys + Send + 'static,
        fetch: super::engine::Fetch,
    ) {
        *self.wanted.lock().unwrap_or_else(|e| e.into_inner()) = Some(audio.clone());
        let this = self.clone();
        std::thread::spawn(move || {
            if let Err(e) = fetch() {
                let check = Check {
                    verdict: Verdict::Unknown,
                    reason: format!("the record cannot be fetched from the archive's bucket: {e}"),
                    signer: None,
                    audio_encryption: None,
                    metadata: None,
                };
                this.deliver(Details {
                    audio,
                    check,
                    notes: String::new(),
                });
                return;
            }
            let sidecar = audio.with_extension("xml");
            let found = Found {
                label: audio.display().to_string(),
                audio: Some(audio.clone()),
                sidecar: sidecar.is_file().then_some(sidecar),
            };
            let (check, _) = check_found(&found, &ring, &trusted());
            let notes = std::fs::read_to_string(audio.with_extension("txt")).unwrap_or_default();
            this.deliver(Details {
                audio,
                check,
                notes,
            });
        });
    }

    /// Starts fetching the details of the server's record `name`, which the catalog
    /// knows as `audio` (the server checks it: keys never leave it).
    pub fn request_remote(&self, audio: PathBuf, archive: Arc<RemoteArchive>, name: String) {
        *self.wanted.lock().unwrap_or_else(|e| e.into_inner()) = Some(audio.clone());
        let this = self.clone();
        std::thread::spawn(move || {
            let (check, notes) = archive.details(&name).unwrap_or_else(|e| {
                (
                    Check {
                        verdict: Verdict::Unknown,
                        reason: format!("the details could not be fetched: {e}"),
                        signer: None,
                        audio_encryption: None,
                        metadata: None,
                    },
                    String::new(),
                )
            });
            this.deliver(Details {
                audio,
                check,
                notes,
            });
        });
    }

    /// Keeps `details` when they are still the ones wanted (the user may have moved on).
    fn deliver(&self, details: Details) {
        let wanted = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        if wanted.as_ref() == Some(&details.audio) {
            *self.slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(details));
        }
    }

    /// The details of the requested record, once loaded.
    pub fn current(&self) -> Option<Arc<Details>> {
        let wanted = self
            .wanted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        self.slot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .filter(|d| Some(&d.audio) == wanted.as_ref())
    }
}
