//! What the Player lists: every record of the store (and backup folders), read from the
//! file names alone so that opening a large archive is quick; the sidecar (verdict,
//! names, CDRs) is opened only for the record a user looks at.

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
    /// The audio starts with callrec's encryption header.
    pub encrypted: bool,
    /// When the file was written: orders the calls of one minute (names carry minutes).
    pub modified: SystemTime,
}

impl Entry {
    /// Sort key: local start minute, then arrival, then the unique id.
    fn key(&self) -> (crate::archive::name::LocalMinute, SystemTime, &str) {
        (self.name.start, self.modified, &self.name.uid)
    }
}

/// The records of one store, oldest first.
#[derive(Debug, Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    known: HashSet<PathBuf>,
    store: Option<Store>,
    newest_month: Option<PathBuf>,
}

const AUDIO: [&str; 3] = ["wav", "mp3", "pcap"];

fn entry_for(path: &Path) -> Option<Entry> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    if !AUDIO.contains(&ext.as_str()) {
        return None;
    }
    let file = path.file_name()?.to_string_lossy().into_owned();
    if file.starts_with('.') {
        return None;
    }
    let name = RecordName::parse(&file).ok()?;
    let meta = std::fs::metadata(path).ok()?;
    let mut head = [0u8; 16];
    let encrypted = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .is_ok_and(|n| crate::archive::audio_crypt::is_encrypted(&head[..n]));
    Some(Entry {
        has_sidecar: path.with_extension("xml").is_file(),
        audio: path.to_path_buf(),
        name,
        size: meta.len(),
        encrypted,
        modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
    })
}

impl Catalog {
    /// Reads every month folder of the store.
    pub fn open(store: &Store) -> Catalog {
        let mut catalog = Catalog {
            store: Some(store.clone()),
            ..Catalog::default()
        };
        let months = month_folders(store).unwrap_or_default();
        for month in &months {
            catalog.scan(month);
        }
        catalog.newest_month = months.last().cloned();
        catalog.sort();
        catalog
    }

    fn scan(&mut self, folder: &Path) -> usize {
        let Ok(files) = std::fs::read_dir(folder) else {
            return 0;
        };
        let mut added = 0;
        for file in files.flatten() {
            let path = file.path();
            if self.known.contains(&path) {
                continue;
            }
            if let Some(entry) = entry_for(&path) {
                self.known.insert(path);
                self.entries.push(entry);
                added += 1;
            }
        }
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
        self.entries
            .retain(|e| e.audio.exists() || !self.known.contains(&e.audio));
        let removed = before - self.entries.len();
        if added > 0 || removed > 0 {
            self.known = self.entries.iter().map(|e| e.audio.clone()).collect();
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
