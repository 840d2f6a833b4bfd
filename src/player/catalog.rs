//! What the Player lists: every record of the store, read from the file names alone so
//! that opening a large archive is quick; the sidecar (verdict, names, CDRs) is opened
//! only for the record a user looks at.
//!
//! A warm start reads each month folder's index file (see `catalog_index`) instead of
//! listing the folder, when the folder has not changed since. Afterwards the catalog
//! looks at every month folder's modification time once a second and reads again only
//! the folders that changed, so new, deleted and renamed records show within a second
//! without listing a million files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustc_hash::FxHashSet;

use super::bucket_source::BucketSource;
pub use super::catalog_entry::Entry;
use super::catalog_index;
use super::permissions::Permissions;
use super::record_ops::After;
use super::remote::RemoteArchive;
use super::remote_catalog::{RemoteFeed, root_for};
use super::remote_control::LinkState;
use crate::archive::bucket::Listed;
use crate::archive::store::Store;
use crate::archive::verify::month_folders;

/// What the catalog knows of one month folder.
#[derive(Debug)]
struct Folder {
    path: Arc<Path>,
    /// Its modification time when it was last read.
    modified: Option<SystemTime>,
    /// Whether it had been quiet for the settle time when it was last read: only then
    /// is an unchanged modification time proof that nothing was added since.
    settled: bool,
    /// For a bucket's month: the number of the listing it was last read from.
    listing: u64,
}

/// Where the records are: a store's month folders, one flat folder (the backup), or
/// the month folders of an archive in a bucket.
#[derive(Debug, Clone)]
enum Source {
    Store(Store),
    Flat(PathBuf),
    Bucket(BucketSource),
}

impl Source {
    /// The month folders; `None` when they cannot be read now (a bucket out of reach:
    /// the list keeps what it showed).
    fn folders(&self) -> Option<Vec<PathBuf>> {
        match self {
            Source::Store(store) => Some(month_folders(store).unwrap_or_default()),
            Source::Flat(folder) if folder.is_dir() => Some(vec![folder.clone()]),
            Source::Flat(_) => Some(Vec::new()),
            Source::Bucket(bucket) => bucket.folders(),
        }
    }

    fn root(&self) -> &Path {
        match self {
            Source::Store(store) => &store.root,
            Source::Flat(folder) => folder,
            Source::Bucket(bucket) => &bucket.cache,
        }
    }

    /// For a bucket's month: whether its lister has a listing newer than the one the
    /// folder was last read from (a bucket's month has no modification time).
    fn bucket_newer(&self, folder: &Folder) -> Option<bool> {
        match self {
            Source::Bucket(bucket) => Some(bucket.listing_number(&folder.path) > folder.listing),
            _ => None,
        }
    }
}

/// The records of one store (or of the backup folder, or of a server), oldest first.
#[derive(Default)]
pub struct Catalog {
    pub entries: Vec<Entry>,
    source: Option<Source>,
    folders: Vec<Folder>,
    /// Where the month indexes live; none: no index is read or written.
    index_dir: Option<PathBuf>,
    /// A server's records instead of a folder's (a remote Player).
    remote: Option<RemoteFeed>,
    /// The link to that server, as last reported.
    remote_link: LinkState,
    /// What the server said the account may do, not yet taken by the window.
    remote_permissions: Option<Permissions>,
    /// The server's marks for everyone, not yet taken by the window.
    remote_marks: Option<Vec<String>>,
    /// The server's recorder names, not yet taken by the window.
    remote_recorders: Option<Vec<String>>,
}

const AUDIO: [&str; 3] = ["wav", "mp3", "pcap"];

fn is_audio(file: &str) -> bool {
    !file.starts_with('.')
        && file
            .rsplit_once('.')
            .is_some_and(|(_, ext)| AUDIO.iter().any(|a| ext.eq_ignore_ascii_case(a)))
}

fn modified_of(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn name_key(file: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    file.hash(&mut h);
    h.finish()
}

/// One audio file of a listing: from a folder (its size and time read only when it is
/// new to the catalog), or from a bucket's listing (which carries them).
enum ListedFile {
    Local(std::fs::DirEntry),
    Object(Listed),
}

impl ListedFile {
    fn name(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ListedFile::Local(file) => file.file_name().into_string().ok().map(Into::into),
            ListedFile::Object(object) => Some(object.name.as_str().into()),
        }
    }
}

/// A month folder's listing: its audio files and the stems of its sidecars.
struct Listing {
    audio: Vec<ListedFile>,
    sidecars: FxHashSet<String>,
    /// A bucket's listing: its number (see `BucketSource::list`).
    number: u64,
}

impl Listing {
    fn read(source: &Source, folder: &Path) -> Option<Listing> {
        let mut listing = Listing {
            audio: Vec::new(),
            sidecars: FxHashSet::default(),
            number: 0,
        };
        if let Source::Bucket(bucket) = source {
            let (number, objects) = bucket.list(folder)?;
            listing.number = number;
            for object in objects.iter().cloned() {
                if let Some(stem) = object.name.strip_suffix(".xml") {
                    listing.sidecars.insert(stem.to_string());
                } else if is_audio(&object.name) {
                    listing.audio.push(ListedFile::Object(object));
                }
            }
            return Some(listing);
        }
        for file in std::fs::read_dir(folder).ok()?.flatten() {
            let name = file.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some(stem) = name.strip_suffix(".xml") {
                listing.sidecars.insert(stem.to_string());
            } else if is_audio(name) {
                listing.audio.push(ListedFile::Local(file));
            }
        }
        Some(listing)
    }

    fn has_sidecar(&self, file: &str) -> bool {
        file.rsplit_once('.')
            .is_some_and(|(stem, _)| self.sidecars.contains(stem))
    }

    /// The entry for one listed file.
    fn entry(&self, folder: &Arc<Path>, file: &ListedFile) -> Option<Entry> {
        let name = file.name()?;
        let (size, modified) = match file {
            ListedFile::Local(file) => {
                let meta = file.metadata().ok()?;
                (
                    meta.len(),
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                )
            }
            ListedFile::Object(object) => (
                object.size,
                SystemTime::UNIX_EPOCH
                    + Duration::from_secs(u64::try_from(object.modified_s).unwrap_or(0)),
            ),
        };
        Entry::new(
            folder.clone(),
            &name,
            size,
            modified,
            self.has_sidecar(&name),
        )
    }
}

/// One month folder read at open: from its index when that is current, else listed
/// (and its index written when the folder has settled).
fn open_folder(
    source: &Source,
    path: PathBuf,
    index_dir: Option<&Path>,
    now: SystemTime,
) -> (Folder, Vec<Entry>) {
    let path: Arc<Path> = Arc::from(path);
    // a bucket's month has no modification time (its place in the cache has one that
    // says nothing of the bucket)
    let modified = match source {
        Source::Bucket(_) => None,
        _ => modified_of(&path),
    };
    if let (Some(dir), Some(modified)) = (index_dir, modified)
        && let Some(entries) = catalog_index::load(dir, &path, modified)
    {
        let folder = Folder {
            path,
            modified: Some(modified),
            settled: true,
            listing: 0,
        };
        return (folder, entries);
    }
    let entries: Vec<Entry> = Listing::read(source, &path)
        .map(|l| l.audio.iter().filter_map(|f| l.entry(&path, f)).collect())
        .unwrap_or_default();
    let settled = modified.is_some_and(|m| catalog_index::settled(m, now));
    if let (Some(dir), Some(modified), true) = (index_dir, modified, settled)
        && let Err(e) = catalog_index::save(dir, &path, modified, entries.iter())
    {
        tracing::warn!("catalog index for {} not written: {e}", path.display());
    }
    let folder = Folder {
        path,
        modified,
        settled,
        listing: 0,
    };
    (folder, entries)
}

impl Catalog {
    /// Is this the backup folder's catalog?
    pub fn is_backup(&self) -> bool {
        matches!(self.source, Some(Source::Flat(_)))
    }

    /// The records of a recorder or fileserver on another PC: empty at first, filled
    /// by a thread that lists them and then waits for new ones (`wake` asks the window
    /// to look); [`Catalog::refresh`] takes what came.
    pub fn open_remote(archive: Arc<RemoteArchive>, wake: Arc<dyn Fn() + Send + Sync>) -> Catalog {
        let root = root_for(archive.base());
        Catalog {
            remote: Some(RemoteFeed::start(archive, root, wake)),
            remote_link: LinkState::Down("connecting…".into()),
            ..Catalog::default()
        }
    }

    /// Asks `wake` to be called when a remote catalog's feed has something (the window
    /// then draws and takes it); nothing for a folder's catalog.
    pub fn set_remote_wake(&self, wake: Arc<dyn Fn() + Send + Sync>) {
        if let Some(feed) = &self.remote {
            feed.set_wake(wake);
        }
    }

    /// The server of a remote Player's catalog.
    pub fn remote(&self) -> Option<&Arc<RemoteArchive>> {
        self.remote.as_ref().map(|r| &r.archive)
    }

    /// What the server last said this account may do (once; then none until it says
    /// it again).
    pub fn take_remote_permissions(&mut self) -> Option<Permissions> {
        self.remote_permissions.take()
    }

    /// The server's marks for everyone, when they came since the last call.
    pub fn take_remote_marks(&mut self) -> Option<Vec<String>> {
        self.remote_marks.take()
    }

    /// The names of the recorders whose records the server holds, when they came
    /// since the last call.
    pub fn take_remote_recorders(&mut self) -> Option<Vec<String>> {
        self.remote_recorders.take()
    }

    /// Lists only the records of the recorder `name` (empty: all) from now on: the
    /// server picks them, so a new choice empties the list until the server's new
    /// one comes (never another recorder's records under this one's name). Nothing
    /// for a folder's catalog, and nothing when the choice is the same.
    pub fn set_remote_recorder(&mut self, name: &str) {
        if let Some(feed) = &self.remote
            && feed.set_recorder(name)
        {
            self.entries.clear();
        }
    }

    /// The link to the server of a remote catalog; none for a folder's.
    pub fn remote_link(&self) -> Option<&LinkState> {
        self.remote.as_ref().map(|_| &self.remote_link)
    }

    /// Takes what the remote feed found: a whole new list, new records, the link.
    fn refresh_remote(&mut self) -> bool {
        let Some(feed) = &self.remote else {
            return false;
        };
        let taken = feed.take();
        if taken.permissions.is_some() {
            self.remote_permissions = taken.permissions;
        }
        if taken.marks.is_some() {
            self.remote_marks = taken.marks;
        }
        if taken.recorders.is_some() {
            self.remote_recorders = taken.recorders;
        }
        if let Some(link) = taken.link {
            self.remote_link = link;
        }
        let mut changed = false;
        if let Some(all) = taken.all {
            self.entries = all;
            changed = true;
        }
        if !taken.new.is_empty() {
            let known: FxHashSet<u64> = self
                .entries
                .iter()
                .map(|e| name_key(e.file_name()))
                .collect();
            self.entries.extend(
                taken
                    .new
                    .into_iter()
                    .filter(|e| !known.contains(&name_key(e.file_name()))),
            );
            changed = true;
        }
        if changed {
            self.sort();
        }
        changed
    }

    /// Brings the catalog up to date after this Player changed the record at `audio`;
    /// returns the record's path now (none when it left the archive).
    pub fn after_change(&mut self, audio: &Path, after: &After) -> Option<PathBuf> {
        let now = match after {
            After::Same => Some(audio.to_path_buf()),
            After::Renamed(name) => Some(audio.with_file_name(name)),
            After::Gone => None,
        };
        if self.remote.is_none() {
            self.reread_folder_of(audio);
            return now;
        }
        let Some(at) = self.position(audio) else {
            return now;
        };
        match after {
            After::Same => {}
            After::Gone => {
                self.entries.remove(at);
            }
            After::Renamed(name) => {
                let old = &self.entries[at];
                if let Some(new) =
                    Entry::new(old.folder().clone(), name, old.size, old.modified(), true)
                {
                    self.entries[at] = new;
                    self.sort();
                }
            }
        }
        now
    }

    /// Reads every month folder of the store, several folders at a time, without index.
    pub fn open(store: &Store) -> Catalog {
        Catalog::open_indexed(store, None)
    }

    /// Reads every month folder of the store, from the month indexes in `index_dir`
    /// (the Player's state folder) where they are current, and writes those that were
    /// missing or old.
    pub fn open_indexed(store: &Store, index_dir: Option<&Path>) -> Catalog {
        Catalog::open_source(Source::Store(store.clone()), index_dir)
    }

    /// Reads the flat backup folder (the seed's "search and play on backup
    /// directories"): the records that retention removed from the store are still there.
    pub fn open_backup(folder: &Path, index_dir: Option<&Path>) -> Catalog {
        Catalog::open_source(Source::Flat(folder.to_path_buf()), index_dir)
    }

    /// Lists the archive in a bucket: at once what the month indexes in `index_dir`
    /// (the Player's state folder) held at the last run, then, as the source's lister
    /// reads the bucket, every month as the bucket has it (at each refresh).
    pub fn open_bucket(source: BucketSource, index_dir: Option<&Path>) -> Catalog {
        source.start_listing();
        let index_dir = index_dir.map(|d| catalog_index::folder_for(d, &source.cache));
        let mut catalog = Catalog {
            index_dir: index_dir.clone(),
            ..Catalog::default()
        };
        for month in index_dir
            .as_deref()
            .map(catalog_index::indexed_months)
            .unwrap_or_default()
        {
            let path: Arc<Path> = Arc::from(source.cache.join(&month));
            let found = index_dir
                .as_deref()
                .and_then(|dir| catalog_index::load_last(dir, &path))
                .unwrap_or_default();
            catalog.entries.extend(found);
            catalog.folders.push(Folder {
                path,
                modified: None,
                settled: false,
                listing: 0,
            });
        }
        catalog.source = Some(Source::Bucket(source));
        catalog.sort();
        catalog
    }

    /// Wakes the window when the bucket's lister found something new.
    pub fn set_bucket_wake(&self, wake: Arc<dyn Fn() + Send + Sync>) {
        if let Some(bucket) = self.bucket() {
            bucket.set_wake(wake);
        }
    }

    /// The bucket this catalog lists, if it lists one.
    pub fn bucket(&self) -> Option<&BucketSource> {
        match &self.source {
            Some(Source::Bucket(b)) => Some(b),
            _ => None,
        }
    }

    fn open_source(source: Source, index_dir: Option<&Path>) -> Catalog {
        use rayon::prelude::*;
        let index_dir = index_dir.map(|d| catalog_index::folder_for(d, source.root()));
        let now = SystemTime::now();
        let months = source.folders().unwrap_or_default();
        let read: Vec<(Folder, Vec<Entry>)> = months
            .into_par_iter()
            .map(|m| open_folder(&source, m, index_dir.as_deref(), now))
            .collect();
        let mut entries = Vec::with_capacity(read.iter().map(|(_, e)| e.len()).sum());
        let mut folders = Vec::with_capacity(read.len());
        for (folder, found) in read {
            folders.push(folder);
            entries.extend(found);
        }
        let mut catalog = Catalog {
            entries,
            source: Some(source),
            folders,
            index_dir,
            ..Catalog::default()
        };
        catalog.sort();
        catalog
    }

    fn sort(&mut self) {
        // stable and run-adaptive: the months arrive in order and nearly sorted
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
    }

    /// Reads one month folder again and brings its entries up to date: new files are
    /// added, vanished ones dropped, sidecars noted. Returns how many were added and
    /// how many removed.
    fn reread(&mut self, at: usize, now: SystemTime) -> (usize, usize) {
        let folder = &self.folders[at];
        let path = folder.path.clone();
        let Some(source) = &self.source else {
            return (0, 0);
        };
        let modified = match source {
            Source::Bucket(_) => None,
            _ => modified_of(&path),
        };
        let Some(listing) = Listing::read(source, &path) else {
            return (0, 0);
        };
        let listing_number = listing.number;
        let bucket = matches!(source, Source::Bucket(_));
        let present: FxHashSet<u64> = listing
            .audio
            .iter()
            .filter_map(|f| f.name().map(|n| name_key(&n)))
            .collect();
        let before = self.entries.len();
        let mut known = FxHashSet::default();
        self.entries.retain_mut(|e| {
            if !Arc::ptr_eq(e.folder(), &path) {
                return true;
            }
            let key = name_key(e.file_name());
            let keep = present.contains(&key);
            if keep {
                known.insert(key);
                e.has_sidecar = listing.has_sidecar(e.file_name());
            }
            keep
        });
        let removed = before - self.entries.len();
        let new: Vec<Entry> = listing
            .audio
            .iter()
            .filter(|f| f.name().is_some_and(|n| !known.contains(&name_key(&n))))
            .filter_map(|f| listing.entry(&path, f))
            .collect();
        let added = new.len();
        self.entries.extend(new);
        if added > 0 {
            self.sort();
        }
        // a bucket's month is indexed after every listing (the index is only where
        // the next start begins; the lister corrects it)
        let settled = bucket || modified.is_some_and(|m| catalog_index::settled(m, now));
        let stamp = if bucket {
            Some(SystemTime::UNIX_EPOCH)
        } else {
            modified
        };
        if let (Some(dir), Some(m), true) = (&self.index_dir, stamp, settled) {
            let of_folder = self
                .entries
                .iter()
                .filter(|e| Arc::ptr_eq(e.folder(), &path));
            if let Err(e) = catalog_index::save(dir, &path, m, of_folder) {
                tracing::warn!("catalog index for {} not written: {e}", path.display());
            }
        }
        let folder = &mut self.folders[at];
        folder.modified = modified;
        folder.settled = settled;
        folder.listing = listing_number;
        (added, removed)
    }

    /// Picks up what changed since the last look: new month folders, and new, deleted or
    /// renamed records in any folder whose modification time moved (or that had not
    /// settled when last read). One `stat` per month folder when nothing changed, so it
    /// is cheap enough to run every second. Returns whether any record came or went.
    pub fn refresh(&mut self) -> bool {
        if self.remote.is_some() {
            return self.refresh_remote();
        }
        let Some(source) = &self.source else {
            return false;
        };
        let now = SystemTime::now();
        let Some(months) = source.folders() else {
            return false;
        };
        // folders that are gone take their records with them
        let before = self.entries.len();
        let gone: Vec<Arc<Path>> = self
            .folders
            .iter()
            .filter(|f| !months.iter().any(|m| **m == *f.path))
            .map(|f| f.path.clone())
            .collect();
        if !gone.is_empty() {
            self.entries
                .retain(|e| !gone.iter().any(|g| Arc::ptr_eq(g, e.folder())));
            self.folders.retain(|f| !gone.contains(&f.path));
        }
        let mut changed = self.entries.len() != before;
        for month in &months {
            if !self.folders.iter().any(|f| *f.path == **month) {
                self.folders.push(Folder {
                    path: Arc::from(month.as_path()),
                    modified: None,
                    settled: false,
                    listing: 0,
                });
            }
        }
        for at in 0..self.folders.len() {
            let folder = &self.folders[at];
            if let Some(source) = &self.source
                && let Some(newer) = source.bucket_newer(folder)
            {
                if newer {
                    let (added, removed) = self.reread(at, now);
                    changed |= added > 0 || removed > 0;
                }
                continue;
            }
            let modified = modified_of(&folder.path);
            if folder.settled && modified.is_some() && modified == folder.modified {
                continue;
            }
            let (added, removed) = self.reread(at, now);
            changed |= added > 0 || removed > 0;
        }
        changed
    }

    /// Reads again the month folder that holds (or held) `audio`, after the Player
    /// itself renamed or deleted a record there. Returns whether any record came or went.
    pub fn reread_folder_of(&mut self, audio: &Path) -> bool {
        let folder = audio.parent();
        match self.folders.iter().position(|f| Some(&*f.path) == folder) {
            Some(at) => {
                let (added, removed) = self.reread(at, SystemTime::now());
                added > 0 || removed > 0
            }
            None => self.refresh(),
        }
    }

    /// Reads every folder again, ignoring the indexes (the Player's "reload").
    pub fn reload(&mut self) {
        if let Some(feed) = &self.remote {
            feed.reload();
            return;
        }
        let now = SystemTime::now();
        for at in 0..self.folders.len() {
            self.reread(at, now);
        }
        self.refresh();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The index of the record whose audio is `path`.
    pub fn position(&self, path: &Path) -> Option<usize> {
        self.entries.iter().position(|e| e.is(path))
    }

    /// When the newest record was written (for "new call" highlighting).
    pub fn newest_modified(&self) -> Option<SystemTime> {
        if self.remote.is_some() {
            return self.entries.last().map(Entry::modified);
        }
        self.entries
            .last()
            .and_then(|e| std::fs::metadata(e.audio()).and_then(|m| m.modified()).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const A: &str = "2026_10_05_0930_21_i_0301111_3_aa01.wav";
    const B: &str = "2026_10_06_1000_22_o_0302222_0_bb02.wav";
    const C: &str = "2026_11_01_0800_23_i_0303333_1_cc03.wav";

    fn write(store: &Store, month: &str, file: &str) -> PathBuf {
        let folder = store.root.join(month);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(file), b"RIFF").unwrap();
        folder.join(file)
    }

    /// Sets a folder's modification time, as if it had last changed at `time`.
    fn age(folder: &Path, time: SystemTime) {
        std::fs::File::open(folder)
            .unwrap()
            .set_modified(time)
            .unwrap();
    }

    fn externals(catalog: &Catalog) -> Vec<&str> {
        catalog.entries.iter().map(Entry::external).collect()
    }

    #[test]
    fn a_warm_start_reads_the_index_and_changes_show_at_the_next_refresh() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let state = dir.path().join("state");
        write(&store, "2026_10", A);
        write(&store, "2026_10", B);
        write(&store, "2026_11", C);
        let long_ago = SystemTime::now() - Duration::from_secs(60);
        for month in ["2026_10", "2026_11"] {
            age(&store.root.join(month), long_ago);
        }
        let first = Catalog::open_indexed(&store, Some(&state));
        assert_eq!(externals(&first), ["0301111", "0302222", "0303333"]);
        let index = catalog_index::folder_for(&state, &store.root);
        assert!(
            index.join("2026_10.idx").is_file(),
            "settled folders get an index"
        );

        // a file slipped in without changing the folder's time: only the index can
        // hide it, which proves the warm start read the index
        let hidden = write(&store, "2026_10", "2026_10_07_1100_24_i_0304444_2_dd04.wav");
        age(&store.root.join("2026_10"), long_ago);
        let mut warm = Catalog::open_indexed(&store, Some(&state));
        assert_eq!(warm.len(), 3, "read from the index");
        assert_eq!(Catalog::open(&store).len(), 4, "listing without index");
        warm.reload();
        assert_eq!(warm.len(), 4, "reload ignores the index");

        // an ordinary change moves the folder's time: refresh sees it
        std::fs::remove_file(&hidden).unwrap();
        assert!(warm.refresh());
        assert_eq!(externals(&warm), ["0301111", "0302222", "0303333"]);
        write(&store, "2026_12", "2026_12_24_1800_25_o_0305555_0_ee05.wav");
        assert!(warm.refresh(), "a new month folder");
        assert_eq!(warm.len(), 4);
        assert!(
            warm.entries.last().unwrap().is(&store
                .root
                .join("2026_12")
                .join("2026_12_24_1800_25_o_0305555_0_ee05.wav"))
        );
        std::fs::remove_dir_all(store.root.join("2026_11")).unwrap();
        assert!(warm.refresh(), "a month folder removed");
        assert_eq!(externals(&warm), ["0301111", "0302222", "0305555"]);
        assert!(!warm.refresh(), "nothing new");
    }

    #[test]
    fn the_flat_backup_folder_is_listed_and_followed() {
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("backup");
        std::fs::create_dir_all(&backup).unwrap();
        std::fs::write(backup.join(A), b"RIFF").unwrap();
        std::fs::write(backup.join(C), b"RIFF").unwrap();
        std::fs::write(backup.join("notes.txt"), b"not a record").unwrap();
        let mut catalog = Catalog::open_backup(&backup, Some(&dir.path().join("state")));
        assert!(catalog.is_backup());
        assert_eq!(externals(&catalog), ["0301111", "0303333"]);
        std::fs::write(backup.join(B), b"RIFF").unwrap();
        assert!(catalog.refresh());
        assert_eq!(externals(&catalog), ["0301111", "0302222", "0303333"]);
    }

    #[test]
    fn a_damaged_index_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let state = dir.path().join("state");
        write(&store, "2026_10", A);
        write(&store, "2026_10", B);
        age(
            &store.root.join("2026_10"),
            SystemTime::now() - Duration::from_secs(60),
        );
        Catalog::open_indexed(&store, Some(&state));
        let file = catalog_index::folder_for(&state, &store.root).join("2026_10.idx");
        std::fs::write(&file, b"CRCAT\x01\r\ngarbage").unwrap();
        assert_eq!(Catalog::open_indexed(&store, Some(&state)).len(), 2);
    }

    #[test]
    fn a_folder_that_changed_a_moment_ago_gets_no_index_yet() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let state = dir.path().join("state");
        write(&store, "2026_10", A);
        let mut catalog = Catalog::open_indexed(&store, Some(&state));
        let index = catalog_index::folder_for(&state, &store.root).join("2026_10.idx");
        assert!(!index.exists(), "the folder has not settled");
        // once quiet, the next refresh reads it again and writes the index
        age(
            &store.root.join("2026_10"),
            SystemTime::now() - Duration::from_secs(60),
        );
        catalog.refresh();
        assert!(index.is_file());
    }
}
