//! What the Player lists: every record of the store (and backup folders), read from the
//! file names alone so that opening a large archive is quick; the sidecar (verdict,
//! names, CDRs) is opened only for the record a user looks at.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::archive::name::RecordName;
use crate::archive::store::Store;
use crate::archive::verify::month_folders;

/// One record in the list.
#[derive(Debug, Clone)]
pub struct Entry {
    pub audio: PathBuf,
    pub name: RecordName,
    pub size: u64,
    pub has_sidecar: bool,
    /// Whether the audio starts with callrec's encryption header: read on first use
    /// (for the rows on screen), not for every record at start.
    encrypted: OnceCell<bool>,
    /// When the file was written: orders the calls of one minute (names carry minutes).
    pub modified: SystemTime,
}

impl Entry {
    pub fn encrypted(&self) -> bool {
        *self.encrypted.get_or_init(|| {
            let mut head = [0u8; 16];
            std::fs::File::open(&self.audio)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .is_ok_and(|n| crate::archive::audio_crypt::is_encrypted(&head[..n]))
        })
    }

    /// Sort key: local start minute, then arrival, then the unique id.
    fn key(&self) -> (crate::archive::name::LocalMinute, SystemTime, &str) {
        (self.name.start, self.modified, &self.name.uid)
    }
}

/// The records of one store, oldest first.
#[derive(Debug, Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    /// Hashes of the paths listed, to spot new files cheaply.
    known: HashSet<u64>,
    store: Option<Store>,
    newest_month: Option<PathBuf>,
}

const AUDIO: [&str; 3] = ["wav", "mp3", "pcap"];

/// An entry for an audio file of a listing; `sidecars` holds the stems of the `.xml`
/// files beside it, so no file is opened or checked twice.
fn entry_for(dir_entry: &std::fs::DirEntry, sidecars: &HashSet<String>) -> Option<Entry> {
    let file = dir_entry.file_name().to_string_lossy().into_owned();
    let (stem, ext) = file.rsplit_once('.')?;
    if !AUDIO.contains(&ext.to_ascii_lowercase().as_str()) || file.starts_with('.') {
        return None;
    }
    let name = RecordName::parse(&file).ok()?;
    let meta = dir_entry.metadata().ok()?;
    Some(Entry {
        has_sidecar: sidecars.contains(stem),
        audio: dir_entry.path(),
        name,
        size: meta.len(),
        encrypted: OnceCell::new(),
        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
    })
}

fn path_key(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    path.hash(&mut h);
    h.finish()
}

/// The records of one folder that are not in `known`.
fn scan_folder(folder: &Path, known: &HashSet<u64>) -> Vec<Entry> {
    let Ok(files) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let files: Vec<std::fs::DirEntry> = files.flatten().collect();
    let sidecars: HashSet<String> = files
        .iter()
        .filter_map(|f| {
            let name = f.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".xml").map(str::to_string)
        })
        .collect();
    files
        .iter()
        .filter(|f| !known.contains(&path_key(&f.path())))
        .filter_map(|f| entry_for(f, &sidecars))
        .collect()
}

impl Catalog {
    /// Reads every month folder of the store, several folders at a time.
    pub fn open(store: &Store) -> Catalog {
        use rayon::prelude::*;
        let months = month_folders(store).unwrap_or_default();
        let none = HashSet::new();
        let found: Vec<Vec<Entry>> = months.par_iter().map(|m| scan_folder(m, &none)).collect();
        let mut catalog = Catalog {
            store: Some(store.clone()),
            newest_month: months.last().cloned(),
            ..Catalog::default()
        };
        for entries in found {
            catalog
                .known
                .extend(entries.iter().map(|e| path_key(&e.audio)));
            catalog.entries.extend(entries);
        }
        catalog.sort();
        catalog
    }

    fn scan(&mut self, folder: &Path) -> usize {
        let new = scan_folder(folder, &self.known);
        let added = new.len();
        self.known.extend(new.iter().map(|e| path_key(&e.audio)));
        self.entries.extend(new);
        added
    }

    fn sort(&mut self) {
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
    }

    /// Picks up records that arrived since the last look (the newest month folder, and a
    /// new month when one starts) and forgets records whose files are gone. Cheap enough
    /// to run every second.
    pub fn refresh(&mut self) -> usize {
        let Some(store) = self.store.clone() else {
            return 0;
        };
        let months = month_folders(&store).unwrap_or_default();
        let mut added = 0;
        for month in months.iter().rev().take(2) {
            added += self.scan(month);
        }
        if months.last() != self.newest_month.as_ref() {
            self.newest_month = months.last().cloned();
        }
        let before = self.entries.len();
        // only the newest months are re-checked for deletions (the Player's own deletes
        // refresh explicitly); a full re-read finds the rest
        let recent: Vec<PathBuf> = months.iter().rev().take(2).cloned().collect();
        self.entries.retain(|e| {
            !e.audio
                .parent()
                .is_some_and(|p| recent.iter().any(|r| r == p))
                || e.audio.exists()
        });
        let removed = before - self.entries.len();
        if added > 0 || removed > 0 {
            self.known = self.entries.iter().map(|e| path_key(&e.audio)).collect();
            self.sort();
        }
        added
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// When the newest record was written (for "new call" highlighting).
    pub fn newest_modified(&self) -> Option<SystemTime> {
        self.entries
            .last()
            .and_then(|e| std::fs::metadata(&e.audio).and_then(|m| m.modified()).ok())
    }
}
