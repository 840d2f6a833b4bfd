//! The catalog's index files: one per month folder, so that a warm start reads a few
//! dozen files instead of a million directory entries.
//!
//! An index is a cache, never the truth: it holds the folder's modification time as it
//! was when the folder was read, and is used only while the folder still has that time
//! (adding, removing or renaming a file changes it). It is written only for a folder
//! that has been quiet for [`SETTLE`], so that a file added in the same clock tick as the
//! reading cannot be missed. A damaged, cut or foreign index is ignored and the folder is
//! read again. The format is private to this module: a fixed header, the entries as
//! [`Entry::encode`] writes them, and a hash of everything before it.
//!
//! Written by hand rather than with a serialisation crate: it is a handful of integers
//! and one string per record, and reading it is the hot path of a warm start.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::catalog_entry::Entry;

/// How long a folder must have been unchanged before its listing is trusted to be
/// complete for its modification time.
pub const SETTLE: Duration = Duration::from_secs(2);

const MAGIC: &[u8; 8] = b"CRCAT\x01\r\n";

/// The folder of the index files of the store at `store_root`, under `dir` (the
/// Player's state folder): one subfolder per store, named by a hash of its path.
pub fn folder_for(dir: &Path, store_root: &Path) -> PathBuf {
    let mut h = rustc_hash::FxHasher::default();
    std::hash::Hash::hash(store_root, &mut h);
    dir.join("catalog").join(format!("{:016x}", h.finish()))
}

fn index_file(index_dir: &Path, month_folder: &Path) -> Option<PathBuf> {
    let month = month_folder.file_name()?.to_str()?;
    Some(index_dir.join(format!("{month}.idx")))
}

fn nanos(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// Has the folder been quiet long enough, at `now`, for its listing to be complete?
pub fn settled(modified: SystemTime, now: SystemTime) -> bool {
    now.duration_since(modified)
        .is_ok_and(|quiet| quiet >= SETTLE)
}

/// The entries of `month_folder` from its index, if the index exists, is intact and
/// was made when the folder had the modification time `modified`.
pub fn load(
    index_dir: &Path,
    month_folder: &Arc<Path>,
    modified: SystemTime,
) -> Option<Vec<Entry>> {
    load_made(index_dir, month_folder, Some(modified))
}

/// The entries of `month_folder` from its index, whenever it was made: for a bucket's
/// month, which has no modification time to check it by. The caller lists the month
/// again and corrects what changed since.
pub fn load_last(index_dir: &Path, month_folder: &Arc<Path>) -> Option<Vec<Entry>> {
    load_made(index_dir, month_folder, None)
}

/// The months that have an index in `index_dir` (`YYYY_MM`).
pub fn indexed_months(index_dir: &Path) -> Vec<String> {
    let mut months: Vec<String> = std::fs::read_dir(index_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".idx").map(str::to_string)
        })
        .filter(|m| crate::archive::name::is_month_folder(m))
        .collect();
    months.sort();
    months
}

fn load_made(
    index_dir: &Path,
    month_folder: &Arc<Path>,
    modified: Option<SystemTime>,
) -> Option<Vec<Entry>> {
    let bytes = std::fs::read(index_file(index_dir, month_folder)?).ok()?;
    let (body, sum) = bytes.split_last_chunk::<8>()?;
    if checksum(body) != u64::from_le_bytes(*sum) {
        return None;
    }
    let rest = body.strip_prefix(MAGIC)?;
    let (stamp, rest) = rest.split_first_chunk::<8>()?;
    let (count, mut rest) = rest.split_first_chunk::<4>()?;
    if modified.is_some_and(|m| u64::from_le_bytes(*stamp) != nanos(m)) {
        return None;
    }
    let count = u32::from_le_bytes(*count) as usize;
    let mut entries = Vec::with_capacity(count.min(rest.len() / 40));
    for _ in 0..count {
        entries.push(Entry::decode(&mut rest, month_folder)?);
    }
    rest.is_empty().then_some(entries)
}

/// Writes the index of `month_folder` (whose modification time was `modified` when
/// `entries` were read) under a temporary name, then renames it into place.
pub fn save<'e>(
    index_dir: &Path,
    month_folder: &Path,
    modified: SystemTime,
    entries: impl Iterator<Item = &'e Entry>,
) -> std::io::Result<()> {
    let Some(path) = index_file(index_dir, month_folder) else {
        return Ok(());
    };
    let mut body = Vec::with_capacity(1 << 16);
    body.extend_from_slice(MAGIC);
    body.extend_from_slice(&nanos(modified).to_le_bytes());
    body.extend_from_slice(&[0; 4]);
    let mut count: u32 = 0;
    for entry in entries {
        entry.encode(&mut body);
        count += 1;
    }
    body[16..20].copy_from_slice(&count.to_le_bytes());
    let sum = checksum(&body);
    body.extend_from_slice(&sum.to_le_bytes());
    std::fs::create_dir_all(index_dir)?;
    // a private temporary name: two Players on one PC may write the same index
    let temp = path.with_extension(format!("idx.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(&body))
        .and_then(|()| std::fs::rename(&temp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(folder: &Arc<Path>) -> Vec<Entry> {
        (0..50)
            .map(|i| {
                let file = format!(
                    "2026_11_{:02}_0930_2{i}_i_0301{i}_3_{i:x}ab.wav",
                    i % 28 + 1
                );
                Entry::new(folder.clone(), &file, i, SystemTime::now(), i % 2 == 0).unwrap()
            })
            .collect()
    }

    #[test]
    fn an_index_is_used_only_while_the_folder_is_unchanged_and_intact() {
        let dir = tempfile::tempdir().unwrap();
        let folder: Arc<Path> = Arc::from(dir.path().join("2026_11"));
        let index = dir.path().join("index");
        let written = entries(&folder);
        let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        save(&index, &folder, modified, written.iter()).unwrap();

        let read = load(&index, &folder, modified).expect("index used");
        assert_eq!(read.len(), written.len());
        assert!(read.iter().zip(&written).all(|(r, w)| r.name() == w.name()));

        let later = modified + Duration::from_nanos(1);
        assert!(load(&index, &folder, later).is_none(), "folder changed");

        let file = index.join("2026_11.idx");
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[100] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert!(load(&index, &folder, modified).is_none(), "damaged");
        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        assert!(load(&index, &folder, modified).is_none(), "cut");
    }

    #[test]
    fn a_folder_settles_after_a_quiet_time() {
        let now = SystemTime::now();
        assert!(!settled(now, now));
        assert!(
            !settled(now + SETTLE, now),
            "a time in the future is not settled"
        );
        assert!(settled(now - SETTLE, now));
    }
}
