//! The Player on an archive in a bucket: the list comes from the bucket's listing
//! (names carry everything the list shows), and a record is fetched into a local cache
//! only when it is played or looked at, so a Player on an archive of a million calls
//! keeps a few of them on its disk, never the archive.
//!
//! The cache mirrors the bucket's layout (`CACHE/YYYY_MM/<record>`), so everything
//! that reads records from a folder (playing, checking, the details) reads them here.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::archive::bucket::{Bucket, Listed};
use crate::archive::bucket_verify::months;
use crate::archive::store::write_atomic;

/// The most the cache holds before the records used longest ago leave it.
const CACHE_LIMIT: u64 = 1 << 30;

/// A bucket and this Player's cache of it.
#[derive(Clone)]
pub struct BucketSource {
    pub bucket: Bucket,
    pub cache: PathBuf,
    /// The last failure to read the bucket, for the window to show; cleared by success.
    problem: Arc<Mutex<Option<String>>>,
    /// One fetch at a time: the player and the details ask for the same record at once.
    fetching: Arc<Mutex<()>>,
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
        }
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

    /// The month folders, as their places in the cache (which stand for them in the
    /// catalog); `None` when the bucket cannot be read now.
    pub fn folders(&self) -> Option<Vec<PathBuf>> {
        self.noted(months(&self.bucket))
            .map(|list| list.into_iter().map(|m| self.cache.join(m)).collect())
    }

    /// What the bucket holds in the month that `folder` stands for.
    pub fn list(&self, folder: &Path) -> Option<Vec<Listed>> {
        let month = folder.file_name()?.to_str()?;
        self.noted(self.bucket.list(month))
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
                    .get(&format!("{month}/{side_name}"))
                    .map_err(std::io::Error::other)?
                {
                    Some(bytes) => write_atomic(&side, &bytes)?,
                    None => {
                        let _ = fs::remove_file(&side);
                    }
                }
            }
            let bytes = self
                .bucket
                .get(&key)
                .map_err(std::io::Error::other)?
                .ok_or_else(|| std::io::Error::other(format!("{key} left the bucket")))?;
            write_atomic(audio, &bytes)?;
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
