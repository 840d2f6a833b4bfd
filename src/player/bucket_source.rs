//! The Player on an archive in a bucket: the list comes from the bucket's listing
//! (names carry everything the list shows), and a record is fetched into a local cache
//! only when it is played or looked at, so a Player on an archive of a million calls
//! keeps a few of them on its disk, never the archive.
//!
//! The cache mirrors the bucket's layout (`CACHE/YYYY_MM/<record>`), so everything
//! that reads records from a folder (playing, checking, the details) reads them here.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::archive::bucket::{Bucket, Listed};
use crate::archive::bucket_verify::{months, published_keys};
use crate::archive::identity::TrustedKeys;
use crate::archive::sidecar::MAX_SIDECAR;
use crate::archive::store::write_atomic;

/// The most the cache holds before the records used longest ago leave it.
const CACHE_LIMIT: u64 = 1 << 30;

/// How often the month folders are listed, and the newest month again.
const NEWEST_GAP: Duration = Duration::from_secs(2);
/// How often an older month is listed again (only retention and branches that were
/// away change those).
const OLDER_GAP: Duration = Duration::from_secs(60);

/// A bucket and this Player's cache of it.
#[derive(Clone)]
pub struct BucketSource {
    pub bucket: Bucket,
    pub cache: PathBuf,
    /// The last failure to read the bucket, for the window to show; cleared by success.
    problem: Arc<Mutex<Option<String>>>,
    /// One fetch at a time: the player and the details ask for the same record at once.
    fetching: Arc<Mutex<()>>,
    /// The listings, kept current by a thread of their own: the window's thread never
    /// waits for the bucket.
    listed: Arc<Mutex<Listings>>,
    wake: Arc<Mutex<Option<Wake>>>,
    lister: Arc<std::sync::Once>,
    /// The keys published in the bucket, as last read (not once per record shown).
    published: Arc<Mutex<Option<(Instant, TrustedKeys)>>>,
}

/// How long the keys read from a bucket are used before they are read again: a new
/// recorder's records are "original" within this time of its first upload.
const PUBLISHED_KEYS_FOR: Duration = Duration::from_secs(60);

type Wake = Arc<dyn Fn() + Send + Sync>;

/// What the lister has found so far.
#[derive(Default)]
struct Listings {
    /// The month folders; `None` until they were first listed.
    months: Option<Vec<String>>,
    /// Each month's objects, with the number of its listing (counting up from 1).
    months_objects: HashMap<String, (u64, Arc<Vec<Listed>>)>,
    next: u64,
}

impl std::fmt::Debug for BucketSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BucketSource({:?}, {})",
            self.bucket,
            self.cache.display()
        )
    }
}

impl BucketSource {
    pub fn new(bucket: Bucket, cache: PathBuf) -> BucketSource {
        BucketSource {
            bucket,
            cache,
            problem: Arc::default(),
            fetching: Arc::default(),
            listed: Arc::default(),
            wake: Arc::default(),
            lister: Arc::new(std::sync::Once::new()),
            published: Arc::default(),
        }
    }

    /// `base` and the keys the recorders published in the bucket, read again once
    /// they are a minute old. It may wait for the bucket: call it off the window's
    /// thread. A bucket that cannot be read now leaves `base` and is asked again the
    /// next time.
    pub fn trusted(&self, base: &TrustedKeys) -> TrustedKeys {
        let mut trusted = base.clone();
        let mut published = self.published.lock().unwrap_or_else(|e| e.into_inner());
        match published.as_ref() {
            Some((at, keys)) if at.elapsed() < PUBLISHED_KEYS_FOR => {
                trusted.extend(keys.clone());
            }
            _ => {
                let mut keys = TrustedKeys::default();
                if published_keys(&self.bucket, &mut keys).is_ok() {
                    trusted.extend(keys.clone());
                    *published = Some((Instant::now(), keys));
                }
            }
        }
        trusted
    }

    fn noted<T, E: std::fmt::Display>(&self, result: Result<T, E>) -> Option<T> {
        let mut problem = self.problem.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(v) => {
                *problem = None;
                Some(v)
            }
            Err(e) => {
                *problem = Some(e.to_string());
                None
            }
        }
    }

    /// Why the bucket could not be read the last time, if it could not.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Calls `wake` whenever a listing changed (the window then looks at once), and at
    /// once when the lister found something before there was anyone to wake (the
    /// window draws only when told, and would never show it).
    pub fn set_wake(&self, wake: Wake) {
        *self.wake.lock().unwrap_or_else(|e| e.into_inner()) = Some(wake.clone());
        let found = self
            .listed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .months
            .is_some();
        if found {
            wake();
        }
    }

    /// Starts the lister (once): a thread that lists the months and each month's
    /// objects — at once, then the newest month every 2 s and the others every minute
    /// — until every handle of this source is gone.
    pub fn start_listing(&self) {
        let this = self.clone();
        self.lister.call_once(move || {
            let weak = Arc::downgrade(&this.listed);
            // the thread holds the listings only weakly (through `weak`), so that it
            // ends when the last handle of this source is dropped
            let source = BucketSource {
                listed: Arc::new(Mutex::new(Listings::default())),
                ..this
            };
            let _ = std::thread::Builder::new()
                .name("callrec-bucket-list".into())
                .spawn(move || source.list_until_gone(&weak));
        });
    }

    fn list_until_gone(&self, listed: &std::sync::Weak<Mutex<Listings>>) {
        // when each month was listed, and how long that took
        let mut listed_at: HashMap<String, (Instant, Duration)> = HashMap::new();
        let mut months_at: Option<Instant> = None;
        let mut known: Vec<String> = Vec::new();
        loop {
            let Some(shared) = listed.upgrade() else {
                return;
            };
            if months_at.is_none_or(|t| t.elapsed() >= NEWEST_GAP) {
                months_at = Some(Instant::now());
                if let Some(found) = self.noted(months(&self.bucket)) {
                    known = found;
                    let mut l = shared.lock().unwrap_or_else(|e| e.into_inner());
                    if l.months.as_ref() != Some(&known) {
                        l.months = Some(known.clone());
                        drop(l);
                        self.woken();
                    }
                }
            }
            let newest = known.last().cloned();
            for month in known.iter().rev() {
                let gap = if Some(month) == newest.as_ref() {
                    NEWEST_GAP
                } else {
                    OLDER_GAP
                };
                // a month that takes long to list is listed less often: the bucket is
                // never busy with this Player more than a fifth of the time
                if listed_at
                    .get(month)
                    .is_some_and(|(at, took)| at.elapsed() < gap.max(*took * 4))
                {
                    continue;
                }
                let started = Instant::now();
                let Some(objects) = self.noted(self.bucket.list(month)) else {
                    break;
                };
                listed_at.insert(month.clone(), (Instant::now(), started.elapsed()));
                let mut l = shared.lock().unwrap_or_else(|e| e.into_inner());
                let same = l
                    .months_objects
                    .get(month)
                    .is_some_and(|(_, old)| **old == objects);
                if !same {
                    l.next += 1;
                    let number = l.next;
                    l.months_objects
                        .insert(month.clone(), (number, Arc::new(objects)));
                    drop(l);
                    self.woken();
                }
            }
            drop(shared);
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn woken(&self) {
        if let Some(wake) = self.wake.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            wake();
        }
    }

    /// The month folders as last listed, as their places in the cache (which stand for
    /// them in the catalog); `None` until the first listing.
    pub fn folders(&self) -> Option<Vec<PathBuf>> {
        let l = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        l.months
            .as_ref()
            .map(|list| list.iter().map(|m| self.cache.join(m)).collect())
    }

    /// The month's objects as last listed, with the listing's number; `None` until it
    /// was first listed.
    pub fn list(&self, folder: &Path) -> Option<(u64, Arc<Vec<Listed>>)> {
        let month = folder.file_name()?.to_str()?;
        let l = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        l.months_objects.get(month).cloned()
    }

    /// The number of the month's newest listing (0: not listed yet).
    pub fn listing_number(&self, folder: &Path) -> u64 {
        self.list(folder).map_or(0, |(n, _)| n)
    }

    /// The sidecar of the record whose cached audio would be `audio`: from the cache
    /// when it was fetched, else from the bucket (the list's names of the rows shown).
    pub fn sidecar(&self, audio: &Path) -> Option<Vec<u8>> {
        let sidecar = audio.with_extension("xml");
        if let Ok(bytes) = fs::read(&sidecar) {
            return Some(bytes);
        }
        let month = sidecar.parent()?.file_name()?.to_str()?;
        let name = sidecar.file_name()?.to_str()?;
        let bytes = self.noted(self.bucket.get(&format!("{month}/{name}"), MAX_SIDECAR))??;
        Some(bytes.to_vec())
    }

    /// Brings the record whose cached audio would be `audio` (and its sidecar and notes,
    /// where the bucket has them) into the cache, unless it is there already.
    pub fn fetch(&self, audio: &Path) -> std::io::Result<()> {
        let (Some(month), Some(name)) = (
            audio
                .parent()
                .and_then(|p| p.file_name())
                .and_then(|m| m.to_str()),
            audio.file_name().and_then(|n| n.to_str()),
        ) else {
            return Err(std::io::Error::other("not a record of the bucket"));
        };
        let key = format!("{month}/{name}");
        let _one_at_a_time = self.fetching.lock().unwrap_or_else(|e| e.into_inner());
        let there = self
            .bucket
            .head(&key)
            .map_err(std::io::Error::other)?
            .ok_or_else(|| std::io::Error::other(format!("{key} is no longer in the bucket")))?;
        let cached = fs::metadata(audio).is_ok_and(|m| m.len() == there.size);
        if !cached {
            fs::create_dir_all(audio.parent().unwrap_or(&self.cache))?;
            for ext in ["xml", "txt"] {
                let side = audio.with_extension(ext);
                let side_name = side
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                match self
                    .bucket
                    .get(&format!("{month}/{side_name}"), MAX_SIDECAR)
                    .map_err(std::io::Error::other)?
                {
                    Some(bytes) => write_atomic(&side, &bytes)?,
                    None => {
                        let _ = fs::remove_file(&side);
                    }
                }
            }
            // streamed to a temporary file, synced and renamed: a record may be large
            let partial = crate::archive::store::partial_path(audio);
            let written = (|| {
                use std::io::Write;
                let mut file = fs::File::create(&partial)?;
                self.bucket
                    .read_each(&key, |piece| file.write_all(piece))
                    .map_err(std::io::Error::other)?
                    .ok_or_else(|| std::io::Error::other(format!("{key} left the bucket")))?;
                file.sync_all()?;
                fs::rename(&partial, audio)
            })();
            if written.is_err() {
                let _ = fs::remove_file(&partial);
            }
            written?;
            self.trim(audio);
        }
        Ok(())
    }

    /// Keeps the cache under [`CACHE_LIMIT`]: the records fetched longest ago go first,
    /// never the one just fetched.
    fn trim(&self, keep: &Path) {
        let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> =
            walkdir::WalkDir::new(&self.cache)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .filter_map(|e| {
                    let meta = e.metadata().ok()?;
                    Some((meta.modified().ok()?, meta.len(), e.into_path()))
                })
                .collect();
        let mut total: u64 = files.iter().map(|f| f.1).sum();
        files.sort();
        let keep_stem = keep.with_extension("");
        for (_, len, path) in files {
            if total <= CACHE_LIMIT {
                break;
            }
            if path.with_extension("") == keep_stem {
                continue;
            }
            if fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}
