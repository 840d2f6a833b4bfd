//! Which recorder archived each record, for the Player's recorder filter: several
//! recorders (sites, buildings, PBXs) archive into one store or bucket, and a record's
//! name does not say which. Their activity logs do: each `stored` line names the record
//! and the recorder (`recorder` in its setup), a `moved` line with `to=` carries that
//! over to the new name.
//!
//! The lines are read as they are, without checking their signatures: the filter only
//! chooses what is listed; `verify` is what checks the chain.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::archive::bucket::Bucket;
use crate::archive::bucket_outbox::{LOGS, MAX_LOG};
use crate::archive::store::Store;

/// Record file name → the recorder that stored it.
#[derive(Debug, Default, Clone)]
pub struct RecorderNames {
    /// The recorders' names, sorted.
    pub names: Vec<String>,
    by_file: HashMap<Box<str>, u16>,
}

impl RecorderNames {
    /// The names alone, as a server tells them to a network Player (which the server
    /// filters for: it knows no record's recorder itself).
    pub fn named(names: Vec<String>) -> RecorderNames {
        RecorderNames {
            names,
            by_file: HashMap::new(),
        }
    }

    /// Whether the record with this file name passes a recorder filter of `wanted`
    /// (empty: every record passes).
    pub fn passes(&self, file_name: &str, wanted: &str) -> bool {
        wanted.is_empty() || self.of(file_name) == Some(wanted)
    }

    /// The recorder that stored the record with this file name.
    pub fn of(&self, file_name: &str) -> Option<&str> {
        self.by_file
            .get(file_name)
            .and_then(|&i| self.names.get(usize::from(i)))
            .map(String::as_str)
    }
}

#[derive(Default)]
struct Builder {
    by_file: HashMap<Box<str>, String>,
}

impl Builder {
    /// Takes the `stored` and `moved` lines of one log.
    fn read(&mut self, text: &str) {
        for line in text.lines() {
            let mut fields = line.split('\t');
            let (Some(_time), Some(action), Some(record), Some(actor), Some(detail)) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                continue;
            };
            let file = record.rsplit('/').next().unwrap_or(record);
            match action {
                "stored" => {
                    self.by_file.insert(file.into(), actor.to_string());
                }
                "moved" => {
                    if let (Some(to), Some(by)) =
                        (detail.strip_prefix("to="), self.by_file.get(file).cloned())
                    {
                        let to = to.rsplit('/').next().unwrap_or(to);
                        self.by_file.insert(to.into(), by);
                    }
                }
                _ => {}
            }
        }
    }

    fn snapshot(&self) -> RecorderNames {
        let mut names: Vec<String> = self.by_file.values().cloned().collect();
        names.sort();
        names.dedup();
        names.truncate(usize::from(u16::MAX));
        let index: HashMap<&str, u16> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u16))
            .collect();
        let by_file = self
            .by_file
            .iter()
            .filter_map(|(file, name)| Some((file.clone(), *index.get(name.as_str())?)))
            .collect();
        RecorderNames { names, by_file }
    }
}

/// A shared, replaceable value: the Player reads the newest while a thread makes the
/// next.
pub type Shared = Arc<std::sync::Mutex<Arc<RecorderNames>>>;

/// Where the activity logs are.
pub enum Logs {
    Store(Store),
    Bucket(Bucket),
}

/// How often the logs are looked at for new lines.
const FOLLOW_EVERY: Duration = Duration::from_secs(5);

/// Keeps `shared` current on a thread of its own: reads the logs once, then only what
/// was added to them, every few seconds, until the last other holder of `shared` is
/// gone. `changed` is called after each new reading (a server wakes the Players that
/// wait for a recorder's new records with it).
pub fn follow(logs: Logs, shared: &Shared, changed: impl Fn() + Send + 'static) {
    spawn_follower(logs, shared, Follower::default(), changed);
}

/// [`follow`], with the first reading made here before it returns (a server answers
/// its first list by recorder with every name; it may wait for a bucket: never on a
/// window's thread).
pub fn read_then_follow(logs: Logs, shared: &Shared, changed: impl Fn() + Send + 'static) {
    let mut follower = Follower::default();
    if follower.read_new(&logs) {
        *shared.lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(follower.names.snapshot());
    }
    spawn_follower(logs, shared, follower, changed);
}

fn spawn_follower(
    logs: Logs,
    shared: &Shared,
    mut follower: Follower,
    changed: impl Fn() + Send + 'static,
) {
    let weak = Arc::downgrade(shared);
    let _ = std::thread::Builder::new()
        .name("callrec-recorder-names".into())
        .spawn(move || {
            loop {
                if follower.read_new(&logs) {
                    let Some(shared) = weak.upgrade() else {
                        return;
                    };
                    *shared.lock().unwrap_or_else(|e| e.into_inner()) =
                        Arc::new(follower.names.snapshot());
                    drop(shared);
                    changed();
                }
                std::thread::sleep(FOLLOW_EVERY);
                if weak.strong_count() == 0 {
                    return;
                }
            }
        });
}

/// What has been read so far: the names, and how far each log was read.
#[derive(Default)]
struct Follower {
    names: Builder,
    read_to: HashMap<String, u64>,
}

impl Follower {
    /// Reads what the logs gained since the last call; whether there was anything.
    fn read_new(&mut self, logs: &Logs) -> bool {
        let sizes: Vec<(String, u64)> = match logs {
            Logs::Store(store) => std::fs::metadata(store.audit_log())
                .map(|m| vec![(String::new(), m.len())])
                .unwrap_or_default(),
            Logs::Bucket(bucket) => bucket
                .list(LOGS)
                .unwrap_or_default()
                .into_iter()
                .map(|o| (o.name, o.size))
                .collect(),
        };
        let mut any = false;
        for (log, size) in sizes {
            let from = self.read_to.get(&log).copied().unwrap_or(0);
            if size < from {
                // a log never shrinks; one that did was replaced: read everything again
                *self = Follower::default();
                return self.read_new(logs);
            }
            if size == from || size - from > MAX_LOG {
                continue;
            }
            let mut added = Vec::new();
            let read = match logs {
                Logs::Store(store) => read_file_from(&store.audit_log(), from, &mut added),
                Logs::Bucket(bucket) => bucket
                    .read_each_from(&format!("{LOGS}/{log}"), from, |piece| {
                        added.extend_from_slice(piece);
                        Ok(())
                    })
                    .map(|_| ())
                    .map_err(std::io::Error::other),
            };
            if read.is_err() {
                continue;
            }
            // only whole lines: a line being written is read the next time
            let whole = added.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            if whole > 0 {
                self.names.read(&String::from_utf8_lossy(&added[..whole]));
                self.read_to.insert(log, from + whole as u64);
                any = true;
            }
        }
        any
    }
}

fn read_file_from(path: &std::path::Path, from: u64, into: &mut Vec<u8>) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    file.read_to_end(into).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_and_moved_lines_name_each_records_recorder() {
        let log = "\
2026-12-02T10:00:00Z\tstored\t2026_12/a.wav\tnorth\tsource=x\tsigner=ed-1\tprev=0\tsig=s
2026-12-02T10:00:01Z\tstored\t2026_12/b.wav\tsouth\tsource=y\tsigner=ed-2\tprev=1\tsig=s
2026-12-02T10:00:02Z\tmoved\t2026_12/b.wav\tsouth\tto=2026_12/b~2.wav\tsigner=ed-2\tprev=2\tsig=s
2026-12-02T10:00:03Z\tplayed\t2026_12/a.wav\tplayer:Desk\t\tsigner=ed-3\tprev=3\tsig=s
a line that is not one
";
        let mut builder = Builder::default();
        builder.read(log);
        let names = builder.snapshot();
        assert_eq!(names.names, ["north", "south"]);
        assert_eq!(names.of("a.wav"), Some("north"));
        assert_eq!(names.of("b~2.wav"), Some("south"));
        assert_eq!(names.of("c.wav"), None);
    }
}
