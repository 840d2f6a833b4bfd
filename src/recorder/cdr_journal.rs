//! The CDR journal: every CDR the recorder has acknowledged, appended as one JSON line
//! to one file a day (`REC/cdr/YYYY-MM-DD.jsonl`, UTC), synced before the PBX gets its
//! 200.
//!
//! Why a log and not a file per CDR: a file per CDR cost a file creation, two `fsync`s
//! and a rename, twice a call, and the creations are what a busy recorder's file system
//! pays most for. Appends from concurrent requests share one `fdatasync` (group commit):
//! whoever syncs first makes every line written before it durable, and the others find
//! their line already synced.
//!
//! A kill can leave the last line cut short. That line was never acknowledged (the
//! answer waits for the sync), so opening the journal cuts it off; a line that still
//! does not parse is skipped and counted, never fatal. Files of earlier versions
//! (`<key>.cdr`, one CDR each) are read and pruned as before.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::cdr_intake::Received;
use crate::archive::store::sync_parent;

/// One line of the journal.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// [`Received::dedup_key`].
    key: String,
    /// When it was received, seconds since 1970 (for a person reading the file).
    received: i64,
    /// [`Received::text`].
    text: String,
}

/// A place in the journal: which file (opened `generation`-th) and how far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Position {
    generation: u64,
    end: u64,
}

/// Today's file, open for appending.
#[derive(Debug)]
struct DayFile {
    day: Date,
    file: Arc<File>,
    position: Position,
}

#[derive(Debug, Default)]
struct State {
    /// Every CDR in the journal by its dedup key, with the day it is filed under.
    keys: HashMap<String, Date>,
    open: Option<DayFile>,
    generations: u64,
}

/// The journal of one store; shared by every request that brings CDRs.
#[derive(Debug)]
pub struct CdrJournal {
    dir: PathBuf,
    state: Mutex<State>,
    /// How far the journal is known to be on disk.
    synced: Mutex<Position>,
    /// Lines that did not parse when the journal was opened.
    skipped: usize,
}

impl CdrJournal {
    /// Opens (creates) the journal in `dir`, repairing a line a kill cut short.
    pub fn open(dir: &Path) -> io::Result<CdrJournal> {
        fs::create_dir_all(dir)?;
        for (path, _) in day_files(dir)? {
            repair_tail(&path)?;
        }
        let (stored, skipped) = read_all(dir)?;
        let keys = stored.into_iter().map(|s| (s.key, s.day)).collect();
        Ok(CdrJournal {
            dir: dir.to_path_buf(),
            state: Mutex::new(State {
                keys,
                ..State::default()
            }),
            synced: Mutex::new(Position::default()),
            skipped,
        })
    }

    /// Lines found unreadable when the journal was opened.
    pub fn skipped(&self) -> usize {
        self.skipped
    }

    /// Stores a CDR durably; `false` when the same CDR was already there (it is on disk
    /// when this returns either way).
    pub fn save(&self, cdr: &Received) -> io::Result<bool> {
        self.save_at(cdr, Timestamp::now())
    }

    fn save_at(&self, cdr: &Received, now: Timestamp) -> io::Result<bool> {
        let key = cdr.dedup_key();
        let (position, new) = {
            let mut state = lock(&self.state);
            if state.keys.contains_key(&key) {
                let position = state.open.as_ref().map(|o| o.position).unwrap_or_default();
                (position, false)
            } else {
                let mut line = serde_json::to_string(&Entry {
                    key: key.clone(),
                    received: now.as_second(),
                    text: cdr.text(),
                })
                .map_err(io::Error::other)?;
                line.push('\n');
                let day = utc_day(now);
                let open = self.day_file(&mut state, day)?;
                if let Err(e) = (&*open.file).write_all(line.as_bytes()) {
                    // cut a partial line off, or have the next open repair it
                    let _ = open.file.set_len(open.position.end);
                    state.open = None;
                    return Err(e);
                }
                open.position.end += line.len() as u64;
                let position = open.position;
                state.keys.insert(key, day);
                (position, true)
            }
        };
        self.sync_through(position)?;
        Ok(new)
    }

    /// The file for `day`, opened (and a day's earlier file synced and closed) as needed.
    fn day_file<'a>(&self, state: &'a mut State, day: Date) -> io::Result<&'a mut DayFile> {
        if state.open.as_ref().is_none_or(|o| o.day != day) {
            if let Some(old) = state.open.take() {
                old.file.sync_data()?;
            }
            let path = self.dir.join(file_name(day));
            let existed = path.exists();
            repair_tail(&path)?;
            let file = OpenOptions::new().create(true).append(true).open(&path)?;
            if !existed {
                sync_parent(&path)?;
            }
            state.generations += 1;
            state.open = Some(DayFile {
                day,
                position: Position {
                    generation: state.generations,
                    end: file.metadata()?.len(),
                },
                file: Arc::new(file),
            });
        }
        Ok(state.open.as_mut().expect("opened above"))
    }

    /// Returns once everything up to `position` is on disk: one `fdatasync` covers every
    /// line written before it, so concurrent savers mostly find their work done.
    fn sync_through(&self, position: Position) -> io::Result<()> {
        let mut synced = lock(&self.synced);
        if *synced >= position {
            return Ok(());
        }
        let (file, target) = {
            let state = lock(&self.state);
            match &state.open {
                Some(open) => (open.file.clone(), open.position),
                None => return Ok(()),
            }
        };
        file.sync_data()?;
        *synced = target;
        Ok(())
    }

    /// Every CDR in the journal, in the order received.
    pub fn entries(&self) -> io::Result<Vec<Received>> {
        let (stored, _) = read_all(&self.dir)?;
        Ok(stored.into_iter().map(|s| s.cdr).collect())
    }

    /// Deletes the CDRs received more than `age` ago (whole days); returns how many.
    pub fn prune(&self, age: Duration) -> io::Result<usize> {
        self.prune_at(age, Timestamp::now())
    }

    fn prune_at(&self, age: Duration, now: Timestamp) -> io::Result<usize> {
        let Ok(cutoff) = now.checked_sub(jiff::SignedDuration::try_from(age).unwrap_or_default())
        else {
            return Ok(0);
        };
        let first_kept = utc_day(cutoff);
        let mut state = lock(&self.state);
        let mut removed = 0;
        for (path, day) in day_files(&self.dir)? {
            if day < first_kept {
                fs::remove_file(&path)?;
            }
        }
        let cutoff = SystemTime::try_from(cutoff).unwrap_or(SystemTime::UNIX_EPOCH);
        for (modified, path) in single_files(&self.dir)? {
            if modified < cutoff {
                match fs::remove_file(&path) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                if let Some(key) = path.file_stem() {
                    state.keys.remove(&*key.to_string_lossy());
                }
            }
        }
        let before = state.keys.len();
        state
            .keys
            .retain(|_, day| *day >= first_kept || *day == Date::MIN);
        removed += before - state.keys.len();
        Ok(removed)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn utc_day(t: Timestamp) -> Date {
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

fn file_name(day: Date) -> String {
    format!("{day}.jsonl")
}

/// A CDR as the journal holds it.
struct Stored {
    key: String,
    /// The day file it is in; `Date::MIN` for a file of the earlier one-CDR-a-file
    /// journal, which is pruned by its modification time instead.
    day: Date,
    cdr: Received,
}

/// Every CDR in `dir` in the order received (earlier one-CDR files first), and how many
/// lines could not be read.
fn read_all(dir: &Path) -> io::Result<(Vec<Stored>, usize)> {
    let mut stored = Vec::new();
    let mut skipped = 0;
    for (_, path) in single_files(dir)? {
        let key = path
            .file_stem()
            .map(|k| k.to_string_lossy().into_owned())
            .unwrap_or_default();
        let cdr = Received::from_text(&fs::read_to_string(&path)?);
        stored.push(Stored {
            key,
            day: Date::MIN,
            cdr,
        });
    }
    for (path, day) in day_files(dir)? {
        for line in fs::read_to_string(&path)?.lines() {
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => stored.push(Stored {
                    key: entry.key,
                    day,
                    cdr: Received::from_text(&entry.text),
                }),
                Err(_) => skipped += 1,
            }
        }
    }
    Ok((stored, skipped))
}

/// The day files in `dir`, oldest first.
fn day_files(dir: &Path) -> io::Result<Vec<(PathBuf, Date)>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(day) = name
            .strip_suffix(".jsonl")
            .and_then(|d| d.parse::<Date>().ok())
        {
            out.push((entry.path(), day));
        }
    }
    out.sort_by_key(|(_, day)| *day);
    Ok(out)
}

/// Files of the earlier one-CDR-a-file journal, oldest first.
fn single_files(dir: &Path) -> io::Result<Vec<(SystemTime, PathBuf)>> {
    let mut out: Vec<(SystemTime, PathBuf)> = fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".cdr"))
        .map(|e| {
            let t = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            (t, e.path())
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Cuts off a last line without its newline: a write a kill interrupted, never
/// acknowledged.
fn repair_tail(path: &Path) -> io::Result<()> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if bytes.last().is_none_or(|b| *b == b'\n') {
        return Ok(());
    }
    let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_len(keep as u64)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pbx(id: &str) -> Received {
        Received::Pbx(format!(
            "<cdr id=\"{id}\" conf=\"c{id}\">\n<event/>\n</cdr>"
        ))
    }

    #[test]
    fn a_cdr_is_stored_once_and_read_back_in_order_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert!(journal.save(&pbx("1")).unwrap());
        assert!(journal.save(&pbx("2")).unwrap());
        assert!(!journal.save(&pbx("1")).unwrap());
        let gateway = Received::Gateway([("ref".to_string(), "abc".to_string())].into());
        assert!(journal.save(&gateway).unwrap());
        drop(journal);
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert!(
            !journal.save(&pbx("2")).unwrap(),
            "duplicates known after a restart"
        );
        assert_eq!(
            journal.entries().unwrap(),
            vec![pbx("1"), pbx("2"), gateway]
        );
        assert_eq!(journal.skipped(), 0);
    }

    /// A journal holding CDR "1", with `tail` appended to its file afterwards.
    fn journal_then(tail: &[u8]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        CdrJournal::open(dir.path())
            .unwrap()
            .save(&pbx("1"))
            .unwrap();
        let (path, _) = day_files(dir.path()).unwrap().pop().unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(tail).unwrap();
        dir
    }

    #[test]
    fn a_line_cut_by_a_kill_is_removed_and_the_next_cdr_is_whole() {
        let dir = journal_then(b"{\"key\":\"abc\",\"recei");
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert!(journal.save(&pbx("2")).unwrap());
        drop(journal);
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert_eq!(journal.entries().unwrap(), vec![pbx("1"), pbx("2")]);
        assert_eq!(journal.skipped(), 0);
    }

    #[test]
    fn a_garbled_line_is_skipped_and_counted() {
        let dir = journal_then(b"not json\n");
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert_eq!(journal.skipped(), 1);
        assert!(journal.save(&pbx("2")).unwrap());
        assert_eq!(journal.entries().unwrap(), vec![pbx("1"), pbx("2")]);
    }

    #[test]
    fn days_older_than_the_keep_time_are_pruned_and_newer_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let journal = CdrJournal::open(dir.path()).unwrap();
        let now = Timestamp::now();
        let day = jiff::SignedDuration::from_hours(24);
        journal.save_at(&pbx("old"), now - day * 40).unwrap();
        journal.save_at(&pbx("edge"), now - day * 30).unwrap();
        journal.save_at(&pbx("new"), now).unwrap();
        // a file of the earlier one-CDR-a-file journal, as old as the first
        let legacy = pbx("legacy");
        let path = dir.path().join(format!("{}.cdr", legacy.dedup_key()));
        fs::write(&path, legacy.text()).unwrap();
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(40 * 86_400))
            .unwrap();
        let journal = CdrJournal::open(dir.path()).unwrap();
        assert_eq!(journal.entries().unwrap().len(), 4);
        assert_eq!(journal.prune(Duration::from_secs(31 * 86_400)).unwrap(), 2);
        assert!(!path.exists());
        assert_eq!(day_files(dir.path()).unwrap().len(), 2);
        assert_eq!(journal.entries().unwrap(), vec![pbx("edge"), pbx("new")]);
        // a pruned CDR sent again is taken as new; a kept one is still a duplicate
        assert!(journal.save(&pbx("old")).unwrap());
        assert!(!journal.save(&pbx("edge")).unwrap());
    }

    #[test]
    fn concurrent_savers_all_find_their_cdr_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Arc::new(CdrJournal::open(dir.path()).unwrap());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let journal = journal.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        assert!(journal.save(&pbx(&format!("{t}-{i}"))).unwrap());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            *lock(&journal.synced),
            lock(&journal.state).open.as_ref().unwrap().position
        );
        let reopened = CdrJournal::open(dir.path()).unwrap();
        assert_eq!(reopened.entries().unwrap().len(), 400);
        assert_eq!(reopened.skipped(), 0);
    }
}
