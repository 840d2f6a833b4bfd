//! The recorder's journal on disk, in `STORE/REC/`: every capture and every CDR is
//! here, synced, before the sender gets its answer, and stays until the archive holds
//! the record. After a crash or kill the recorder starts again from this folder alone.
//!
//! ```text
//! REC/incoming/<name>                 a received capture (slot 1)
//! REC/incoming/~<n>/<name>            another capture of the same name, kept beside it (slot n)
//! REC/incoming/<name>.partial         marker: the upload ended early (kept, flagged)
//! REC/incoming/.<name>.part-<pid>-<n> an upload in progress
//! REC/cdr/YYYY-MM-DD.jsonl           the CDRs received that day (UTC), kept 31 days
//!                                     (see [`CdrJournal`])
//! REC/failed/<name>[~<n>]             a capture with nothing usable in it (kept for a human)
//! REC/pulled/<name>                   fetched from a pull source; holds its location there,
//!                                     deleted at the source once the journal is done with it
//! ```
//!
//! **A job is tied to the exact file it read.** Every capture listed carries its file's
//! identity (device and inode). The journal lock is held while an upload is given its
//! name and while a job removes its capture, and a job removes the file only while it is
//! still that same file: an upload that replaced it meanwhile stays and is archived by
//! the next pass. An upload never silently replaces another capture of the same name:
//! an identical re-send is recognised and let go, a complete re-send supersedes its own
//! partial copy (logged), and any other capture of the same name is kept beside the
//! first in a slot of its own.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::cdr_intake::Received;
use super::cdr_journal::CdrJournal;
use crate::archive::store::{Store, sync_parent, write_atomic};
use crate::lang::{Arg, tr};

/// The longest capture name accepted.
pub const MAX_NAME: usize = 200;

/// The most captures of one name the journal keeps side by side.
const MAX_SLOTS: u32 = 99;

/// Whether `name` may be a capture's file name: letters, digits, `.`, `_`, `-`, not
/// hidden, not a marker. Anything else (slashes, `..`, control characters) is refused
/// before it can touch the file system.
pub fn valid_capture_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && !name.ends_with(".partial")
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Which file on disk a journal entry is: a rename over the same name makes another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    pub fn of(meta: &fs::Metadata) -> FileId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileId {
                device: meta.dev(),
                inode: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            // without inode numbers the modification time and length stand in
            let nanos = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as u64);
            FileId {
                device: meta.len(),
                inode: nanos,
            }
        }
    }

    fn at(path: &Path) -> io::Result<Option<FileId>> {
        match fs::metadata(path) {
            Ok(meta) => Ok(Some(FileId::of(&meta))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A capture waiting in the journal.
#[derive(Debug, Clone)]
pub struct Spooled {
    /// The device's file name.
    pub name: String,
    /// 1 for `incoming/<name>`, n for `incoming/~n/<name>`.
    pub slot: u32,
    pub path: PathBuf,
    /// The upload ended before the sender said it was complete.
    pub partial: bool,
    /// When it was (last) received: the wait for its CDR counts from here.
    pub received: SystemTime,
    /// The file this entry is: the job removes exactly this file, never a successor.
    pub file: FileId,
}

impl Spooled {
    /// Names this journal entry uniquely: the name, with its slot when beyond the first.
    pub fn key(&self) -> String {
        journal_key(&self.name, self.slot)
    }
}

fn journal_key(name: &str, slot: u32) -> String {
    if slot <= 1 {
        name.to_string()
    } else {
        format!("~{slot}/{name}")
    }
}

/// What became of an upload given to the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// Journaled under its name; nothing of that name was waiting.
    New { key: String, path: PathBuf },
    /// Replaced the journal's partial copy of the same capture (the earlier upload was
    /// cut short; this one holds all of it).
    Superseded { key: String, path: PathBuf },
    /// The same bytes are journaled already (a device re-sent): this copy was let go.
    Identical { key: String },
    /// Another capture of that name is waiting: this one is kept beside it.
    Beside { key: String, path: PathBuf },
}

impl Committed {
    /// The journal entry that now holds the upload's bytes.
    pub fn key(&self) -> &str {
        match self {
            Committed::New { key, .. }
            | Committed::Superseded { key, .. }
            | Committed::Identical { key }
            | Committed::Beside { key, .. } => key,
        }
    }

    /// The file written, when the upload's own file was kept.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Committed::New { path, .. }
            | Committed::Superseded { path, .. }
            | Committed::Beside { path, .. } => Some(path),
            Committed::Identical { .. } => None,
        }
    }

    /// A line for the log when the upload met another of its name; `None` otherwise.
    pub fn describe(&self, name: &str) -> Option<String> {
        match self {
            Committed::New { .. } => None,
            Committed::Superseded { .. } => {
                Some(tr("event-upload-superseded", &[("name", Arg::from(name))]))
            }
            Committed::Identical { .. } => {
                Some(tr("event-upload-identical", &[("name", Arg::from(name))]))
            }
            Committed::Beside { key, .. } => Some(tr(
                "event-upload-beside",
                &[
                    ("name", Arg::from(name)),
                    ("key", Arg::from(key.to_string())),
                ],
            )),
        }
    }
}

/// The journal folders of one store.
#[derive(Debug)]
pub struct Spool {
    incoming: PathBuf,
    cdrs: CdrJournal,
    failed: PathBuf,
    pulled: PathBuf,
    counter: AtomicU64,
    /// Held while an upload is named and while a job removes its capture, so that a
    /// removal never takes a file that replaced the one the job read.
    names: Mutex<()>,
}

impl Spool {
    /// Opens (creates) the journal. Uploads a killed process left behind are kept as
    /// partial captures; one whose name is taken goes beside the capture there.
    pub fn open(store: &Store) -> io::Result<Spool> {
        let rec = store.rec();
        let spool = Spool {
            incoming: rec.join("incoming"),
            cdrs: CdrJournal::open(&rec.join("cdr"))?,
            failed: rec.join("failed"),
            pulled: rec.join("pulled"),
            counter: AtomicU64::new(0),
            names: Mutex::new(()),
        };
        for dir in [&spool.incoming, &spool.failed, &spool.pulled] {
            fs::create_dir_all(dir)?;
        }
        for entry in fs::read_dir(&spool.incoming)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some((name, _)) = file.strip_prefix('.').and_then(|f| f.rsplit_once(".part-")) {
                if valid_capture_name(name) && entry.metadata()?.len() > 0 {
                    let committed = spool.commit_upload(&entry.path(), name, false)?;
                    if let Some(line) = committed.describe(name) {
                        tracing::info!("journal: {line}");
                    }
                } else {
                    fs::remove_file(entry.path())?;
                }
            }
        }
        Ok(spool)
    }

    fn slot_dir(&self, slot: u32) -> PathBuf {
        if slot <= 1 {
            self.incoming.clone()
        } else {
            self.incoming.join(format!("~{slot}"))
        }
    }

    fn slot_path(&self, name: &str, slot: u32) -> PathBuf {
        self.slot_dir(slot).join(name)
    }

    fn marker(&self, name: &str, slot: u32) -> PathBuf {
        self.slot_dir(slot).join(format!("{name}.partial"))
    }

    /// A fresh temporary path for an upload of `name`.
    pub fn part_path(&self, name: &str) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        self.incoming
            .join(format!(".{name}.part-{}-{n}", std::process::id()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.names.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Gives a finished (synced) upload its place in the journal; `complete` is false
    /// when the sender stopped early. Never replaces another capture: see [`Committed`].
    pub fn commit_upload(&self, part: &Path, name: &str, complete: bool) -> io::Result<Committed> {
        let _names = self.lock();
        let mut free = None;
        for slot in 1..=MAX_SLOTS {
            let target = self.slot_path(name, slot);
            if !target.exists() {
                free = free.or(Some(slot));
                continue;
            }
            let waiting_partial = self.marker(name, slot).exists();
            match compare(part, &target)? {
                Likeness::Same => {
                    if complete && waiting_partial {
                        // the cut-short copy held every byte after all
                        fs::remove_file(self.marker(name, slot))?;
                        sync_parent(&target)?;
                    }
                    fs::remove_file(part)?;
                    return Ok(Committed::Identical {
                        key: journal_key(name, slot),
                    });
                }
                Likeness::Continues if complete && waiting_partial => {
                    fs::rename(part, &target)?;
                    fs::remove_file(self.marker(name, slot))?;
                    sync_parent(&target)?;
                    return Ok(Committed::Superseded {
                        key: journal_key(name, slot),
                        path: target,
                    });
                }
                _ => {}
            }
        }
        let Some(slot) = free else {
            return Err(io::Error::other(format!(
                "{MAX_SLOTS} different captures named {name} are waiting already"
            )));
        };
        let target = self.slot_path(name, slot);
        fs::create_dir_all(self.slot_dir(slot))?;
        if !complete {
            write_atomic(&self.marker(name, slot), b"")?;
        }
        fs::rename(part, &target)?;
        sync_parent(&target)?;
        let key = journal_key(name, slot);
        Ok(if slot == 1 {
            Committed::New { key, path: target }
        } else {
            Committed::Beside { key, path: target }
        })
    }

    /// The captures in the journal, oldest first.
    pub fn captures(&self) -> io::Result<Vec<Spooled>> {
        let mut out = Vec::new();
        self.list_slot(1, &self.incoming, &mut out)?;
        for entry in fs::read_dir(&self.incoming)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            let Some(slot) = file.strip_prefix('~').and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            if slot > 1 && entry.path().is_dir() {
                self.list_slot(slot, &entry.path(), &mut out)?;
            }
        }
        out.sort_by(|a, b| {
            a.received
                .cmp(&b.received)
                .then(a.name.cmp(&b.name))
                .then(a.slot.cmp(&b.slot))
        });
        Ok(out)
    }

    fn list_slot(&self, slot: u32, dir: &Path, out: &mut Vec<Spooled>) -> io::Result<()> {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !valid_capture_name(&name) {
                continue;
            }
            // a capture archived while the folder is read is gone: not an error
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if !meta.is_file() {
                continue;
            }
            out.push(Spooled {
                partial: self.marker(&name, slot).exists(),
                path: entry.path(),
                received: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                file: FileId::of(&meta),
                slot,
                name,
            });
        }
        Ok(())
    }

    /// Removes a capture the archive now holds (or a rule dropped): exactly the file the
    /// job read. `false` when another upload of the name has taken its place meanwhile:
    /// that one stays, for the next pass.
    pub fn remove_capture(&self, capture: &Spooled) -> io::Result<bool> {
        let _names = self.lock();
        if FileId::at(&capture.path)? != Some(capture.file) {
            return Ok(false);
        }
        let _ = fs::remove_file(self.marker(&capture.name, capture.slot));
        fs::remove_file(&capture.path)?;
        sync_parent(&capture.path)?;
        if capture.slot > 1 {
            // an empty slot folder goes; one still holding a capture stays
            let _ = fs::remove_dir(self.slot_dir(capture.slot));
        }
        Ok(true)
    }

    /// Is a capture of this name still in the journal (not yet archived or dropped)?
    pub fn holds(&self, name: &str) -> bool {
        let _names = self.lock();
        (1..=MAX_SLOTS).any(|slot| self.slot_path(name, slot).exists())
    }

    /// Remembers that `name` came from `location` at a pull source, to be deleted there
    /// once the journal is done with it.
    pub fn mark_pulled(&self, name: &str, location: &str) -> io::Result<()> {
        write_atomic(&self.pulled.join(name), location.as_bytes())
    }

    /// Captures fetched from a pull source and not yet deleted there: (name, location).
    pub fn pulled(&self) -> io::Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.pulled)?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if valid_capture_name(&name) {
                out.push((name, fs::read_to_string(entry.path())?));
            }
        }
        out.sort();
        Ok(out)
    }

    /// The source copy of `name` is gone.
    pub fn forget_pulled(&self, name: &str) -> io::Result<()> {
        match fs::remove_file(self.pulled.join(name)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Moves a capture that holds nothing usable out of the way, for a person to look
    /// at; an earlier failed capture of the same name is never replaced.
    pub fn fail_capture(&self, capture: &Spooled) -> io::Result<PathBuf> {
        let _names = self.lock();
        let _ = fs::remove_file(self.marker(&capture.name, capture.slot));
        for n in 1..=999u32 {
            let target = match n {
                1 => self.failed.join(&capture.name),
                n => self.failed.join(format!("{}~{n}", capture.name)),
            };
            match fs::hard_link(&capture.path, &target) {
                Ok(()) => {
                    fs::remove_file(&capture.path)?;
                    sync_parent(&target)?;
                    sync_parent(&capture.path)?;
                    if capture.slot > 1 {
                        let _ = fs::remove_dir(self.slot_dir(capture.slot));
                    }
                    return Ok(target);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other(format!(
            "999 failed captures named {} are kept already",
            capture.name
        )))
    }

    /// Stores a CDR durably; `false` when the same CDR was already there.
    pub fn save_cdr(&self, cdr: &Received) -> io::Result<bool> {
        self.cdrs.save(cdr)
    }

    /// Deletes CDRs received more than `age` ago; returns how many. A call's CDRs are in
    /// its records' sidecars, and no capture waits that long for its CDR (the longest
    /// countdown is under 14 hours), so the journal need not keep them: without this it
    /// would grow for ever, and be read whole at every start.
    pub fn prune_cdrs(&self, age: std::time::Duration) -> io::Result<usize> {
        self.cdrs.prune(age)
    }

    /// Every CDR in the journal, in the order received.
    pub fn cdrs(&self) -> io::Result<Vec<Received>> {
        self.cdrs.entries()
    }

    /// Journal lines that could not be read when the spool was opened.
    pub fn unreadable_cdrs(&self) -> usize {
        self.cdrs.skipped()
    }
}

/// How an upload's bytes relate to a journaled capture of the same name.
enum Likeness {
    Same,
    /// The upload begins with every byte of the journaled file and goes on.
    Continues,
    Different,
}

fn compare(upload: &Path, journaled: &Path) -> io::Result<Likeness> {
    let (new_len, old_len) = (fs::metadata(upload)?.len(), fs::metadata(journaled)?.len());
    if new_len < old_len {
        return Ok(Likeness::Different);
    }
    let (mut new, mut old) = (fs::File::open(upload)?, fs::File::open(journaled)?);
    let (mut a, mut b) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    let mut left = old_len;
    while left > 0 {
        let n = (left.min(a.len() as u64)) as usize;
        new.read_exact(&mut a[..n])?;
        old.read_exact(&mut b[..n])?;
        if a[..n] != b[..n] {
            return Ok(Likeness::Different);
        }
        left -= n as u64;
    }
    Ok(if new_len == old_len {
        Likeness::Same
    } else {
        Likeness::Continues
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_are_refused() {
        for bad in [
            "",
            ".hidden",
            "../x.pcap",
            "a/b.pcap",
            "a\\b",
            "a b",
            "x.pcap.partial",
            "a\0b",
            &"a".repeat(201),
        ] {
            assert!(!valid_capture_name(bad), "{bad:?}");
        }
        for good in [
            "e89277f0e909d31192e80090331032dd-009033010203-1.pcap",
            "call_1.pcap",
            "abc-1-alice",
        ] {
            assert!(valid_capture_name(good), "{good}");
        }
    }

    #[test]
    fn a_killed_upload_is_kept_as_a_partial_capture() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let spool = Spool::open(&store).unwrap();
        let part = spool.part_path("a.pcap");
        fs::write(&part, b"some bytes").unwrap();
        let empty = spool.part_path("b.pcap");
        fs::write(&empty, b"").unwrap();
        drop(spool);
        let spool = Spool::open(&store).unwrap();
        let captures = spool.captures().unwrap();
        assert_eq!(captures.len(), 1);
        assert!(captures[0].partial && captures[0].name == "a.pcap");
        // a complete re-upload of the same capture supersedes it and clears the flag
        let part = spool.part_path("a.pcap");
        fs::write(&part, b"some bytes and the rest").unwrap();
        let committed = spool.commit_upload(&part, "a.pcap", true).unwrap();
        assert!(
            matches!(committed, Committed::Superseded { .. }),
            "{committed:?}"
        );
        let captures = spool.captures().unwrap();
        assert_eq!(captures.len(), 1);
        assert!(!captures[0].partial);
        assert_eq!(
            fs::read(&captures[0].path).unwrap(),
            b"some bytes and the rest"
        );
        assert!(spool.save_cdr(&Received::Pbx("<cdr/>".into())).unwrap());
        assert!(!spool.save_cdr(&Received::Pbx("<cdr/>".into())).unwrap());
        assert_eq!(spool.cdrs().unwrap().len(), 1);
    }

    fn upload(spool: &Spool, name: &str, bytes: &[u8], complete: bool) -> Committed {
        let part = spool.part_path(name);
        fs::write(&part, bytes).unwrap();
        spool.commit_upload(&part, name, complete).unwrap()
    }

    #[test]
    fn an_upload_never_replaces_another_capture_of_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&Store::new(dir.path())).unwrap();
        assert!(matches!(
            upload(&spool, "x.pcap", b"first", true),
            Committed::New { .. }
        ));
        // the same bytes again: one copy
        assert!(matches!(
            upload(&spool, "x.pcap", b"first", true),
            Committed::Identical { .. }
        ));
        // other bytes under the same name (another device's folder, or a later call)
        let beside = upload(&spool, "x.pcap", b"second", true);
        assert!(matches!(beside, Committed::Beside { .. }), "{beside:?}");
        assert_eq!(beside.key(), "~2/x.pcap");
        // a complete capture never supersedes a complete one, even when it goes on
        let third = upload(&spool, "x.pcap", b"first and more", true);
        assert_eq!(third.key(), "~3/x.pcap");
        let mut contents: Vec<Vec<u8>> = spool
            .captures()
            .unwrap()
            .iter()
            .map(|c| fs::read(&c.path).unwrap())
            .collect();
        contents.sort();
        assert_eq!(
            contents,
            [
                b"first".to_vec(),
                b"first and more".to_vec(),
                b"second".to_vec()
            ]
        );
        // and after a restart all three are still listed
        drop(spool);
        let spool = Spool::open(&Store::new(dir.path())).unwrap();
        assert_eq!(spool.captures().unwrap().len(), 3);
        assert!(spool.holds("x.pcap"));
    }

    #[test]
    fn a_job_removes_only_the_file_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&Store::new(dir.path())).unwrap();
        upload(&spool, "y.pcap", b"cut", false);
        let read_by_job = spool.captures().unwrap().remove(0);
        assert!(read_by_job.partial);
        // while the job works, the device sends the whole capture: it takes the place
        assert!(matches!(
            upload(&spool, "y.pcap", b"cut short no more", true),
            Committed::Superseded { .. }
        ));
        assert!(
            !spool.remove_capture(&read_by_job).unwrap(),
            "not the job's file"
        );
        let left = spool.captures().unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(fs::read(&left[0].path).unwrap(), b"cut short no more");
        assert!(spool.remove_capture(&left[0]).unwrap());
        assert!(spool.captures().unwrap().is_empty());
        assert!(!spool.holds("y.pcap"));
    }

    #[test]
    fn failed_captures_of_one_name_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::open(&Store::new(dir.path())).unwrap();
        upload(&spool, "z.pcap", b"junk one", true);
        let first = spool.captures().unwrap().remove(0);
        let a = spool.fail_capture(&first).unwrap();
        upload(&spool, "z.pcap", b"junk two", true);
        let second = spool.captures().unwrap().remove(0);
        let b = spool.fail_capture(&second).unwrap();
        assert_ne!(a, b);
        assert_eq!(fs::read(a).unwrap(), b"junk one");
        assert_eq!(fs::read(b).unwrap(), b"junk two");
    }
}
