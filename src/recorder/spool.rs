//! The recorder's journal on disk, in `STORE/REC/`: every capture and every CDR is
//! here, synced, before the sender gets its answer, and stays until the archive holds
//! the record. After a crash or kill the recorder starts again from this folder alone.
//!
//! ```text
//! REC/incoming/<name>                 a received capture
//! REC/incoming/<name>.partial         marker: the upload ended early (kept, flagged)
//! REC/incoming/.<name>.part-<pid>-<n> an upload in progress
//! REC/cdr/YYYY-MM-DD.jsonl           the CDRs received that day (UTC), kept 31 days
//!                                     (see [`CdrJournal`])
//! REC/failed/<name>                   a capture with nothing usable in it (kept for a human)
//! REC/pulled/<name>                   fetched from a pull source; holds its location there,
//!                                     deleted at the source once the journal is done with it
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::cdr_intake::Received;
use super::cdr_journal::CdrJournal;
use crate::archive::store::{Store, sync_parent, write_atomic};

/// The longest capture name accepted.
pub const MAX_NAME: usize = 200;

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

/// A capture waiting in the journal.
#[derive(Debug, Clone)]
pub struct Spooled {
    pub name: String,
    pub path: PathBuf,
    /// The upload ended before the sender said it was complete.
    pub partial: bool,
    /// When it was (last) received: the wait for its CDR counts from here.
    pub received: SystemTime,
}

/// The journal folders of one store.
#[derive(Debug)]
pub struct Spool {
    incoming: PathBuf,
    cdrs: CdrJournal,
    failed: PathBuf,
    pulled: PathBuf,
    counter: AtomicU64,
}

impl Spool {
    /// Opens (creates) the journal. Uploads a killed process left behind are kept as
    /// partial captures, unless a complete capture of that name is already there.
    pub fn open(store: &Store) -> io::Result<Spool> {
        let rec = store.rec();
        let spool = Spool {
            incoming: rec.join("incoming"),
            cdrs: CdrJournal::open(&rec.join("cdr"))?,
            failed: rec.join("failed"),
            pulled: rec.join("pulled"),
            counter: AtomicU64::new(0),
        };
        for dir in [&spool.incoming, &spool.failed, &spool.pulled] {
            fs::create_dir_all(dir)?;
        }
        for entry in fs::read_dir(&spool.incoming)?.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some((name, _)) = file.strip_prefix('.').and_then(|f| f.rsplit_once(".part-")) {
                let target = spool.incoming.join(name);
                if valid_capture_name(name) && !target.exists() && entry.metadata()?.len() > 0 {
                    fs::rename(entry.path(), &target)?;
                    fs::write(spool.marker(name), b"")?;
                } else {
                    fs::remove_file(entry.path())?;
                }
            }
        }
        Ok(spool)
    }

    fn marker(&self, name: &str) -> PathBuf {
        self.incoming.join(format!("{name}.partial"))
    }

    /// Where the capture `name` is kept in the journal.
    pub fn capture_path(&self, name: &str) -> PathBuf {
        self.incoming.join(name)
    }

    /// A fresh temporary path for an upload of `name`.
    pub fn part_path(&self, name: &str) -> PathBuf {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        self.incoming
            .join(format!(".{name}.part-{}-{n}", std::process::id()))
    }

    /// Gives a finished (synced) upload its name, replacing an earlier upload of the
    /// same name; `complete` is false when the sender stopped early.
    pub fn commit_upload(&self, part: &Path, name: &str, complete: bool) -> io::Result<()> {
        let target = self.capture_path(name);
        if complete {
            let _ = fs::remove_file(self.marker(name));
        } else {
            write_atomic(&self.marker(name), b"")?;
        }
        fs::rename(part, &target)?;
        sync_parent(&target)
    }

    /// The captures in the journal, oldest first.
    pub fn captures(&self) -> io::Result<Vec<Spooled>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.incoming)?.flatten() {
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
                partial: self.marker(&name).exists(),
                path: entry.path(),
                received: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                name,
            });
        }
        out.sort_by(|a, b| a.received.cmp(&b.received).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Removes a capture the archive now holds (or a rule dropped).
    pub fn remove_capture(&self, name: &str) -> io::Result<()> {
        let _ = fs::remove_file(self.marker(name));
        fs::remove_file(self.incoming.join(name))?;
        sync_parent(&self.incoming.join(name))
    }

    /// Is a capture of this name still in the journal (not yet archived or dropped)?
    pub fn holds(&self, name: &str) -> bool {
        self.incoming.join(name).exists()
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

    /// Moves a capture that holds nothing usable out of the way, for a person to look at.
    pub fn fail_capture(&self, name: &str) -> io::Result<PathBuf> {
        let target = self.failed.join(name);
        let _ = fs::remove_file(self.marker(name));
        fs::rename(self.incoming.join(name), &target)?;
        sync_parent(&target)?;
        Ok(target)
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
        // a complete re-upload replaces it and clears the flag
        let part = spool.part_path("a.pcap");
        fs::write(&part, b"all the bytes").unwrap();
        spool.commit_upload(&part, "a.pcap", true).unwrap();
        let captures = spool.captures().unwrap();
        assert!(!captures[0].partial);
        assert_eq!(fs::read(&captures[0].path).unwrap(), b"all the bytes");
        assert!(spool.save_cdr(&Received::Pbx("<cdr/>".into())).unwrap());
        assert!(!spool.save_cdr(&Received::Pbx("<cdr/>".into())).unwrap());
        assert_eq!(spool.cdrs().unwrap().len(), 1);
    }
}
