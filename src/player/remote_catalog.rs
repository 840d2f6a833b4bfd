//! The records of a recorder or fileserver on another PC, as the catalog of a remote
//! Player holds them: a thread lists them once (the account's view: the server leaves
//! out what it may not see) and then waits at the server for new ones, so the window's
//! thread only takes what has come. While the server cannot be reached the list stays,
//! the link's state says why in words, and the thread tries again with a growing
//! pause; after a reconnect it lists everything again (records may have gone meanwhile).
//!
//! Entries live in virtual month folders under `remote:BASE` (`remote:BASE/2026_12`),
//! so that everything the Player keys by a record's path (memories, marks, the
//! selection) works unchanged; nothing is ever read at those paths.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::back_off::BackOff;
use super::catalog::Entry;
use super::filter::Filter;
use super::permissions::Permissions;
use super::remote::{RemoteArchive, RemoteError};
use super::remote_control::LinkState;

/// What the thread found since the window last looked.
#[derive(Default)]
struct Found {
    /// Every record, after a (re)listing: replaces the catalog's.
    all: Option<Vec<Entry>>,
    /// Records written since.
    new: Vec<Entry>,
    link: LinkState,
    /// The link state changed since the window last looked.
    link_changed: bool,
    /// What the account may do, as the server said at the last listing.
    permissions: Option<Permissions>,
    /// The records marked for everyone, as the server said last.
    marks: Option<Vec<String>>,
    /// The recorders whose records the server holds, as it said last.
    recorders: Option<Vec<String>>,
}

pub struct RemoteFeed {
    pub archive: Arc<RemoteArchive>,
    /// `remote:BASE`: the root of the virtual month folders.
    pub root: PathBuf,
    found: Arc<Mutex<Found>>,
    /// Ends the thread that lists and waits (a reload starts a new one).
    stop: Mutex<Arc<AtomicBool>>,
    /// Only this recorder's records are listed (empty: all): the server picks them.
    recorder: Mutex<String>,
    /// Asks the window to look (it then calls [`RemoteFeed::take`]); the window sets
    /// it once it exists.
    wake: Waker,
}

/// A wake-up the window can set after the feed started.
type Waker = Arc<std::sync::RwLock<Arc<dyn Fn() + Send + Sync>>>;

/// What [`RemoteFeed::take`] hands over.
pub struct Taken {
    pub permissions: Option<Permissions>,
    pub marks: Option<Vec<String>>,
    pub recorders: Option<Vec<String>>,
    pub all: Option<Vec<Entry>>,
    pub new: Vec<Entry>,
    pub link: Option<LinkState>,
}

impl Drop for RemoteFeed {
    fn drop(&mut self) {
        self.stop
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .store(true, Ordering::Relaxed);
    }
}

/// The virtual root for a server's records.
pub fn root_for(base: &str) -> PathBuf {
    PathBuf::from(format!("remote:{}", base.trim_end_matches('/')))
}

/// The virtual folder of `month` (kept in `folders`, so entries of one month share
/// it); a month from the server is used as a folder name only when it is one.
fn entry_folder(root: &Path, folders: &mut Vec<Arc<Path>>, month: &str) -> Option<Arc<Path>> {
    if month.len() != 7 || !month.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return None;
    }
    let path = root.join(month);
    Some(
        match folders.iter().find(|f| f.as_ref() == path.as_path()) {
            Some(f) => f.clone(),
            None => {
                let f: Arc<Path> = Arc::from(path);
                folders.push(f.clone());
                f
            }
        },
    )
}

impl RemoteFeed {
    /// Starts listing `archive` and waiting for new records.
    pub fn start(
        archive: Arc<RemoteArchive>,
        root: PathBuf,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> RemoteFeed {
        let feed = RemoteFeed {
            archive,
            root,
            found: Arc::new(Mutex::new(Found {
                link: LinkState::Down("connecting…".into()),
                link_changed: true,
                ..Found::default()
            })),
            stop: Mutex::new(Arc::new(AtomicBool::new(false))),
            recorder: Mutex::new(String::new()),
            wake: Arc::new(std::sync::RwLock::new(wake)),
        };
        feed.spawn();
        feed
    }

    /// Starts the thread that lists and then waits; one started before ends at its
    /// next answer and hands nothing more over.
    fn spawn(&self) {
        let stop = Arc::new(AtomicBool::new(false));
        let before = std::mem::replace(
            &mut *self.stop.lock().unwrap_or_else(|e| e.into_inner()),
            stop.clone(),
        );
        before.store(true, Ordering::Relaxed);
        let (archive, root, found, wake) = (
            self.archive.clone(),
            self.root.clone(),
            self.found.clone(),
            self.wake.clone(),
        );
        let filter = Filter {
            recorder: self
                .recorder
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone(),
            ..Filter::default()
        };
        let _ = std::thread::Builder::new()
            .name("callrec-remote-list".into())
            .spawn(move || {
                let wake = move || (wake.read().unwrap_or_else(|e| e.into_inner()))();
                watch(&archive, &root, &filter, &found, &stop, &wake)
            });
    }

    /// Lists only the records of the recorder `name` (empty: all), at once when that
    /// is a new choice; whether it was.
    pub fn set_recorder(&self, name: &str) -> bool {
        let mut recorder = self.recorder.lock().unwrap_or_else(|e| e.into_inner());
        if *recorder == name {
            return false;
        }
        *recorder = name.to_string();
        drop(recorder);
        self.spawn();
        true
    }

    /// Wakes `wake` whenever something comes (the window, once it exists).
    pub fn set_wake(&self, wake: Arc<dyn Fn() + Send + Sync>) {
        *self.wake.write().unwrap_or_else(|e| e.into_inner()) = wake;
    }

    /// Lists everything again (the Player's Reload).
    pub fn reload(&self) {
        self.spawn();
    }

    /// What came since the last call.
    pub fn take(&self) -> Taken {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let link = found.link_changed.then(|| found.link.clone());
        found.link_changed = false;
        Taken {
            permissions: found.permissions.take(),
            marks: found.marks.take(),
            recorders: found.recorders.take(),
            all: found.all.take(),
            new: std::mem::take(&mut found.new),
            link,
        }
    }
}

/// Catalog entries for `MONTH/NAME` and size pairs, parsed on every core; `folders`
/// keeps one path per month.
fn entries_of(root: &Path, folders: &mut Vec<Arc<Path>>, names: &[(String, u64)]) -> Vec<Entry> {
    use rayon::prelude::*;
    let now = SystemTime::now();
    // the months' folders first (few), then the names in parallel
    for (path, _) in names {
        if let Some((month, _)) = path.split_once('/') {
            let _ = entry_folder(root, folders, month);
        }
    }
    let folders: &[Arc<Path>] = folders;
    names
        .par_iter()
        .filter_map(|(path, size)| {
            let (month, name) = path.split_once('/')?;
            let folder = folders.iter().find(|f| f.ends_with(month))?.clone();
            Entry::new(folder, name, *size, now, true)
        })
        .collect()
}

/// Everything the account may see, as entries, in the catalog's own encoding
/// (`format=entries`: no name is parsed again). What the server sends is checked: an
/// entry whose name is not a plain file name (a separator, `..`) or that does not
/// decode ends the listing with an error, never a path of the server's choosing.
fn list_all(
    archive: &RemoteArchive,
    root: &Path,
    filter: &Filter,
) -> Result<(Vec<Entry>, String), RemoteError> {
    let bad = |what: &str| RemoteError::Answer(200, format!("not a record list: {what}"));
    let mut folders = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut cursor = None;
    loop {
        let body = archive.entries_page(filter, entries.len())?;
        let mut bytes: &[u8] = &body;
        let head = bytes.get(..24).ok_or_else(|| bad("too short"))?;
        if &head[..8] != b"ENTRIES1" {
            return Err(bad("unknown encoding"));
        }
        let total = u64::from_le_bytes(head[8..16].try_into().unwrap_or_default()) as usize;
        cursor.get_or_insert(u64::from_le_bytes(
            head[16..24].try_into().unwrap_or_default(),
        ));
        bytes = &bytes[24..];
        let before = entries.len();
        while !bytes.is_empty() {
            let len = usize::from(bytes[0]);
            let month = bytes
                .get(1..1 + len)
                .and_then(|m| std::str::from_utf8(m).ok())
                .ok_or_else(|| bad("a month"))?;
            let folder = entry_folder(root, &mut folders, month).ok_or_else(|| bad(month))?;
            let count = bytes
                .get(1 + len..5 + len)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
                .ok_or_else(|| bad("a count"))?;
            bytes = &bytes[5 + len..];
            for _ in 0..count {
                let entry = Entry::decode(&mut bytes, &folder).ok_or_else(|| bad("an entry"))?;
                let name = entry.file_name();
                if name.contains(['/', '\\']) || name.contains("..") || name.starts_with('.') {
                    return Err(bad("a name that is a path"));
                }
                entries.push(entry);
            }
        }
        if entries.len() >= total || entries.len() == before {
            break;
        }
    }
    Ok((entries, cursor.unwrap_or(0).to_string()))
}

/// Lists what passes `filter`, then waits for new records, until `stop`.
fn watch(
    archive: &RemoteArchive,
    root: &Path,
    filter: &Filter,
    found: &Mutex<Found>,
    stop: &AtomicBool,
    wake: &(dyn Fn() + Send + Sync),
) {
    let mut cursor: Option<String> = None;
    let mut back_off = BackOff::default();
    let set_link = |state: LinkState| {
        let mut f = found.lock().unwrap_or_else(|e| e.into_inner());
        if f.link != state {
            f.link = state;
            f.link_changed = true;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        // a listing (compact: names and sizes), then the new records as they come
        let answer = match &cursor {
            None => archive.permissions().and_then(|permissions| {
                found.lock().unwrap_or_else(|e| e.into_inner()).permissions = Some(permissions);
                list_all(archive, root, filter)
            }),
            Some(c) => archive
                .wait_for_new(filter, c, Duration::from_secs(25))
                .map(|page| {
                    let names: Vec<(String, u64)> = page
                        .records
                        .iter()
                        .map(|r| (format!("{}/{}", r.month, r.name), r.size))
                        .collect();
                    (entries_of(root, &mut Vec::new(), &names), page.cursor)
                }),
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        match answer {
            Ok((entries, next)) => {
                back_off.reset();
                {
                    let mut f = found.lock().unwrap_or_else(|e| e.into_inner());
                    if cursor.is_none() {
                        f.all = Some(entries);
                        f.new.clear();
                    } else {
                        f.new.extend(entries);
                    }
                }
                cursor = Some(next);
                // marks change without a new record: looked at with every answer
                if let Ok(marks) = archive.marks() {
                    found.lock().unwrap_or_else(|e| e.into_inner()).marks = Some(marks);
                }
                // so are the recorders (a new site's first record)
                if let Ok(recorders) = archive.recorders() {
                    found.lock().unwrap_or_else(|e| e.into_inner()).recorders = Some(recorders);
                }
                set_link(LinkState::Up);
                wake();
            }
            Err(e) => {
                set_link(LinkState::Down(match e {
                    RemoteError::Refused => {
                        "the server refused this Player's account name or password".into()
                    }
                    other => other.to_string(),
                }));
                wake();
                // everything is listed again once the server answers
                cursor = None;
                back_off.wait(stop);
            }
        }
    }
}
