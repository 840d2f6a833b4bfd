//! The parties' names beside their numbers in the list (the names the PBX's CDRs gave
//! the recorder, kept in each record's sidecar). A record's file name has only the
//! numbers, so the names of the rows on screen are read from their sidecars on a thread
//! of their own — a handful per scroll, never the whole archive — and kept.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::archive::keyring::KeyRing;
use crate::archive::sidecar::read_metadata;

/// Records whose names are kept at most; beyond it the cache starts afresh.
const KEPT: usize = 20_000;

/// The names of one record's parties (either may be unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyNames {
    pub internal: Option<String>,
    pub external: Option<String>,
}

/// Reads the sidecar of the record whose audio is at a path: from the folder, or from
/// the bucket the catalog lists.
pub type SidecarReader = Arc<dyn Fn(&std::path::Path) -> Option<Vec<u8>> + Send + Sync>;

/// The sidecar beside the audio file.
pub fn sidecar_beside() -> SidecarReader {
    Arc::new(|audio| std::fs::read(audio.with_extension("xml")).ok())
}

/// Names read so far, and the records being read.
#[derive(Default)]
pub struct NameCache {
    known: Arc<Mutex<HashMap<PathBuf, PartyNames>>>,
    reading: Arc<Mutex<HashSet<PathBuf>>>,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl NameCache {
    /// Called when names arrive, so that the window draws them.
    pub fn set_wake(&mut self, wake: Arc<dyn Fn() + Send + Sync>) {
        self.wake = Some(wake);
    }

    /// The names of the record at `audio`, once read.
    pub fn get(&self, audio: &Path) -> Option<PartyNames> {
        self.known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(audio)
            .cloned()
    }

    /// Reads the names of these records (those not known or being read) in the
    /// background.
    pub fn request(&self, audios: Vec<PathBuf>, ring: &KeyRing, read: SidecarReader) {
        let wanted: Vec<PathBuf> = {
            let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
            let mut reading = self.reading.lock().unwrap_or_else(|e| e.into_inner());
            audios
                .into_iter()
                .filter(|a| !known.contains_key(a) && reading.insert(a.clone()))
                .collect()
        };
        if wanted.is_empty() {
            return;
        }
        let (known, reading, wake, ring) = (
            self.known.clone(),
            self.reading.clone(),
            self.wake.clone(),
            ring.clone(),
        );
        let _ = std::thread::Builder::new()
            .name("callrec-party-names".into())
            .spawn(move || {
                for audio in wanted {
                    let names = read(&audio)
                        .and_then(|bytes| read_metadata(&bytes, &ring))
                        .map(|m| PartyNames {
                            internal: m.internal.name,
                            external: m.external.name,
                        })
                        .unwrap_or_default();
                    let mut known = known.lock().unwrap_or_else(|e| e.into_inner());
                    if known.len() >= KEPT {
                        known.clear();
                    }
                    known.insert(audio.clone(), names);
                    reading
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&audio);
                }
                if let Some(wake) = wake {
                    wake();
                }
            });
    }
}
