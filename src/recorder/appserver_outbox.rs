//! The messages for the AppServer (`!FRST!…`, `!LAST!…`), kept on disk until the
//! AppServer has taken them. The seed buffers about 25 in memory and loses newer ones
//! when full; here every message is appended (and synced) to `REC/appserver/outbox.jsonl`
//! before anything else happens to its call, and the number of the last message taken
//! is kept in `REC/appserver/taken`. So messages survive restarts of the recorder and
//! of the AppServer, go out in order, and are lost only past a bound that raises the
//! alarm.
//!
//! A message has a key (`FRST 24 UID`, `LAST TRACK`): the same message put again (the
//! PBX reporting a running call again after a restart, a record archived again after a
//! crash) is not sent twice while its key is remembered (the last
//! [`HISTORY`] messages taken, and all not yet taken).

use std::collections::{HashSet, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

/// Messages not yet taken, at most: about 20 MB on disk; a day of a busy site's calls
/// is a few thousand.
pub const MAX_PENDING: usize = 100_000;
/// Messages taken whose keys are still remembered (and kept in the file).
pub const HISTORY: usize = 10_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Message {
    pub seq: u64,
    pub key: String,
    pub line: String,
}

/// What became of a message put into the outbox.
#[derive(Debug, PartialEq, Eq)]
pub enum Put {
    Queued(u64),
    /// The same message is queued or was taken already.
    Known,
    /// The outbox holds [`MAX_PENDING`] messages the AppServer has not taken.
    Full,
}

struct Book {
    file: File,
    /// Lines in the file (taken ones included), to know when to compact.
    lines: usize,
    /// Messages not yet taken, oldest first.
    pending: VecDeque<Message>,
    /// Keys of pending messages and of the last taken ones.
    keys: HashSet<String>,
    /// Keys of taken messages, oldest first, at most [`HISTORY`].
    taken_keys: VecDeque<String>,
    next_seq: u64,
    taken: u64,
}

pub struct Outbox {
    dir: PathBuf,
    book: Mutex<Book>,
    /// Wakes the link when a message was queued.
    pub queued: Notify,
}

impl Outbox {
    /// Opens (or creates) the outbox in `dir`. A line a kill cut short is cut off.
    pub fn open(dir: &Path) -> io::Result<Outbox> {
        fs::create_dir_all(dir)?;
        let path = dir.join("outbox.jsonl");
        let taken: u64 = fs::read_to_string(dir.join("taken"))
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        let mut messages = Vec::new();
        let mut good_end = 0u64;
        if let Ok(file) = File::open(&path) {
            let mut reader = BufReader::new(file);
            let mut line = String::new();
            let mut at = 0u64;
            loop {
                line.clear();
                let n = reader.read_line(&mut line)?;
                if n == 0 {
                    break;
                }
                at += n as u64;
                match serde_json::from_str::<Message>(line.trim_end()) {
                    Ok(m) if line.ends_with('\n') => {
                        messages.push(m);
                        good_end = at;
                    }
                    _ => break,
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)?;
        if file.metadata()?.len() > good_end {
            file.set_len(good_end)?;
            file.sync_data()?;
        }
        let mut book = Book {
            file,
            lines: messages.len(),
            pending: VecDeque::new(),
            keys: HashSet::new(),
            taken_keys: VecDeque::new(),
            next_seq: messages.last().map_or(taken, |m| m.seq.max(taken)) + 1,
            taken,
        };
        for m in messages {
            book.keys.insert(m.key.clone());
            if m.seq <= taken {
                book.remember_taken(m.key);
            } else {
                book.pending.push_back(m);
            }
        }
        Ok(Outbox {
            dir: dir.to_path_buf(),
            book: Mutex::new(book),
            queued: Notify::new(),
        })
    }

    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends a message and syncs it before returning.
    pub fn put(&self, key: String, line: String) -> io::Result<Put> {
        let mut book = self.book();
        if book.keys.contains(&key) {
            return Ok(Put::Known);
        }
        if book.pending.len() >= MAX_PENDING {
            return Ok(Put::Full);
        }
        let message = Message {
            seq: book.next_seq,
            key,
            line,
        };
        let mut text = serde_json::to_string(&message).map_err(io::Error::other)?;
        text.push('\n');
        book.file.write_all(text.as_bytes())?;
        book.file.sync_data()?;
        book.next_seq += 1;
        book.lines += 1;
        book.keys.insert(message.key.clone());
        let seq = message.seq;
        book.pending.push_back(message);
        drop(book);
        self.queued.notify_one();
        Ok(Put::Queued(seq))
    }

    /// The messages not yet taken, oldest first, starting after `after`.
    pub fn pending_after(&self, after: u64, at_most: usize) -> Vec<Message> {
        self.book()
            .pending
            .iter()
            .filter(|m| m.seq > after)
            .take(at_most)
            .cloned()
            .collect()
    }

    pub fn pending_count(&self) -> usize {
        self.book().pending.len()
    }

    /// The number of the last message taken.
    pub fn taken(&self) -> u64 {
        self.book().taken
    }

    /// Records that the AppServer has taken every message up to `seq` (synced before
    /// it returns, so a restart does not send them again).
    pub fn take_up_to(&self, seq: u64) -> io::Result<()> {
        let mut book = self.book();
        if seq <= book.taken {
            return Ok(());
        }
        let path = self.dir.join("taken");
        crate::archive::store::write_atomic(&path, format!("{seq}\n").as_bytes())?;
        book.taken = seq;
        while book.pending.front().is_some_and(|m| m.seq <= seq) {
            if let Some(m) = book.pending.pop_front() {
                book.remember_taken(m.key);
            }
        }
        if book.lines > 2 * HISTORY + book.pending.len() {
            self.compact(&mut book)?;
        }
        Ok(())
    }

    /// Rewrites the file with the pending messages and the remembered taken ones.
    fn compact(&self, book: &mut Book) -> io::Result<()> {
        let path = self.dir.join("outbox.jsonl");
        let file = File::open(&path)?;
        let mut kept = Vec::new();
        for line in BufReader::new(file).lines() {
            let line = line?;
            if let Ok(m) = serde_json::from_str::<Message>(&line) {
                kept.push(m);
            }
        }
        let skip = kept
            .iter()
            .filter(|m| m.seq <= book.taken)
            .count()
            .saturating_sub(HISTORY);
        let mut text = String::new();
        for m in kept.iter().skip(skip) {
            text.push_str(&serde_json::to_string(m).map_err(io::Error::other)?);
            text.push('\n');
        }
        crate::archive::store::write_atomic(&path, text.as_bytes())?;
        book.file = OpenOptions::new().read(true).append(true).open(&path)?;
        book.lines = kept.len() - skip;
        Ok(())
    }
}

impl Book {
    fn remember_taken(&mut self, key: String) {
        self.taken_keys.push_back(key);
        while self.taken_keys.len() > HISTORY {
            if let Some(old) = self.taken_keys.pop_front() {
                self.keys.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_a_restart_and_taken_ones_are_not_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        for i in 0..5 {
            assert_eq!(
                outbox.put(format!("k{i}"), format!("!FRST!{i}")).unwrap(),
                Put::Queued(i + 1)
            );
        }
        assert_eq!(outbox.put("k2".into(), "again".into()).unwrap(), Put::Known);
        outbox.take_up_to(3).unwrap();
        drop(outbox);
        let outbox = Outbox::open(dir.path()).unwrap();
        let left: Vec<String> = outbox
            .pending_after(0, 10)
            .into_iter()
            .map(|m| m.line)
            .collect();
        assert_eq!(left, ["!FRST!3", "!FRST!4"]);
        // a taken message put again (a record archived twice after a crash) stays known
        assert_eq!(
            outbox.put("k1".into(), "!FRST!1".into()).unwrap(),
            Put::Known
        );
        assert_eq!(
            outbox.put("k5".into(), "!FRST!5".into()).unwrap(),
            Put::Queued(6)
        );
    }

    #[test]
    fn a_line_cut_short_by_a_kill_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        outbox.put("a".into(), "!FRST!a".into()).unwrap();
        drop(outbox);
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.path().join("outbox.jsonl"))
            .unwrap();
        file.write_all(br#"{"seq":2,"key":"b","li"#).unwrap();
        drop(file);
        let outbox = Outbox::open(dir.path()).unwrap();
        assert_eq!(outbox.pending_count(), 1);
        assert_eq!(
            outbox.put("b".into(), "!FRST!b".into()).unwrap(),
            Put::Queued(2)
        );
        drop(outbox);
        let outbox = Outbox::open(dir.path()).unwrap();
        assert_eq!(outbox.pending_count(), 2);
    }

    #[test]
    fn the_file_is_compacted_and_keeps_recent_keys() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        let total = 2 * HISTORY as u64 + 10;
        for i in 0..total {
            outbox.put(format!("k{i}"), format!("m{i}")).unwrap();
            if (i + 1) % 500 == 0 || i + 1 == total {
                outbox.take_up_to(i + 1).unwrap();
            }
        }
        let lines = fs::read_to_string(dir.path().join("outbox.jsonl"))
            .unwrap()
            .lines()
            .count();
        assert!(lines <= 2 * HISTORY + 1, "{lines} lines");
        drop(outbox);
        let outbox = Outbox::open(dir.path()).unwrap();
        assert_eq!(outbox.pending_count(), 0);
        let last = format!("k{}", total - 1);
        assert_eq!(outbox.put(last, "again".into()).unwrap(), Put::Known);
        assert_eq!(
            outbox.put("new".into(), "new".into()).unwrap(),
            Put::Queued(total + 1)
        );
    }

    #[test]
    fn a_full_outbox_refuses_rather_than_losing_silently() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path()).unwrap();
        {
            let mut book = outbox.book();
            for i in 0..MAX_PENDING as u64 {
                book.pending.push_back(Message {
                    seq: i,
                    key: String::new(),
                    line: String::new(),
                });
            }
        }
        assert_eq!(outbox.put("x".into(), "x".into()).unwrap(), Put::Full);
    }
}
