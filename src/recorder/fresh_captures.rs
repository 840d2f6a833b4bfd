//! Captures just received, held in memory until they are archived.
//!
//! The receiver writes each upload to the journal past the page cache and keeps its
//! bytes; the archiver, usually a moment later when the CDR is in, takes them from
//! here instead of reading the file back. The file stays the truth: bytes are handed
//! over only while the journal's file is still the one they were written to (same
//! inode and length: a re-upload of the same name replaces the file by a rename, so a
//! new inode), and whatever is not here (evicted, or after a restart) is read from the
//! file as before. Memory is bounded: the oldest captures are let go first.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use bytes::Bytes;

use super::spool::FileId;

/// Bytes held at most: at 100 calls/s of 4 MB captures, some 30 calls whose CDR is
/// a moment late; captures beyond wait on disk as before.
pub const HELD_LIMIT: usize = 128 << 20;

/// Which file a capture's bytes were written to: the journal's file identity (see
/// `spool.rs`) and its length.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct FileIdentity {
    file: FileId,
    len: u64,
}

impl FileIdentity {
    fn of(path: &Path) -> Option<FileIdentity> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileIdentity {
            file: FileId::of(&meta),
            len: meta.len(),
        })
    }
}

#[derive(Default)]
pub struct FreshCaptures {
    inner: Mutex<Held>,
}

#[derive(Default)]
struct Held {
    by_name: HashMap<String, Entry>,
    /// Names by the order they came in, oldest first.
    by_age: BTreeMap<u64, String>,
    next: u64,
    bytes: usize,
}

struct Entry {
    bytes: Bytes,
    identity: FileIdentity,
    /// Key in `by_age`.
    age: u64,
}

impl FreshCaptures {
    /// Holds `bytes`, just written to the journal's file `path` under `name`.
    pub fn put(&self, name: &str, path: &Path, bytes: Bytes) {
        let Some(identity) = FileIdentity::of(path) else {
            return;
        };
        if identity.len != bytes.len() as u64 || bytes.len() > HELD_LIMIT {
            return;
        }
        let mut held = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        held.remove(name);
        let age = held.next;
        held.next += 1;
        held.bytes += bytes.len();
        held.by_age.insert(age, name.to_string());
        let entry = Entry {
            bytes,
            identity,
            age,
        };
        held.by_name.insert(name.to_string(), entry);
        while held.bytes > HELD_LIMIT {
            let Some((_, oldest)) = held.by_age.pop_first() else {
                break;
            };
            held.remove(&oldest);
        }
    }

    /// The bytes of `name`, if held and still those of the file at `path`; they are let
    /// go either way.
    pub fn take(&self, name: &str, path: &Path) -> Option<Bytes> {
        let entry = self
            .inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name)?;
        (FileIdentity::of(path) == Some(entry.identity)).then_some(entry.bytes)
    }

    /// Lets go of `name`'s bytes (the capture was dropped or set aside).
    pub fn forget(&self, name: &str) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(name);
    }

    /// Bytes held now.
    pub fn held_bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).bytes
    }
}

impl Held {
    fn remove(&mut self, name: &str) -> Option<Entry> {
        let entry = self.by_name.remove(name)?;
        self.by_age.remove(&entry.age);
        self.bytes -= entry.bytes.len();
        Some(entry)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn written(dir: &Path, name: &str, content: &[u8]) -> (std::path::PathBuf, Bytes) {
        let path = dir.join(name);
        std::fs::write(&path, content).expect("write");
        (path, Bytes::copy_from_slice(content))
    }

    #[test]
    fn bytes_are_handed_over_once_and_only_for_the_same_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = FreshCaptures::default();
        let (path, bytes) = written(dir.path(), "a.pcap", b"first upload");
        fresh.put("a.pcap", &path, bytes.clone());
        assert_eq!(fresh.take("a.pcap", &path), Some(bytes));
        assert_eq!(fresh.take("a.pcap", &path), None, "taken once");
        assert_eq!(fresh.held_bytes(), 0);

        // a re-upload replaced the file (by rename, as the journal does): not handed over
        let (path, bytes) = written(dir.path(), "b.pcap", b"first upload");
        fresh.put("b.pcap", &path, bytes);
        let replacement = dir.path().join("b.part");
        std::fs::write(&replacement, b"second upload").expect("write");
        std::fs::rename(&replacement, &path).expect("rename");
        assert_eq!(fresh.take("b.pcap", &path), None);

        // bytes that are not the file's are not held at all
        let (path, _) = written(dir.path(), "c.pcap", b"on disk");
        fresh.put("c.pcap", &path, Bytes::from_static(b"other"));
        assert_eq!(fresh.take("c.pcap", &path), None);
    }

    #[test]
    fn the_oldest_are_let_go_beyond_the_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = FreshCaptures::default();
        let size = HELD_LIMIT / 3 + 1;
        let content = vec![7u8; size];
        let mut paths = Vec::new();
        for i in 0..4 {
            let (path, bytes) = written(dir.path(), &format!("{i}.pcap"), &content);
            fresh.put(&format!("{i}.pcap"), &path, bytes);
            paths.push(path);
            assert!(fresh.held_bytes() <= HELD_LIMIT);
        }
        assert_eq!(
            fresh.take("0.pcap", &paths[0]),
            None,
            "the oldest went first"
        );
        assert_eq!(fresh.take("1.pcap", &paths[1]), None);
        assert!(fresh.take("2.pcap", &paths[2]).is_some());
        assert!(fresh.take("3.pcap", &paths[3]).is_some());
        fresh.forget("3.pcap");
        assert_eq!(fresh.held_bytes(), 0);
    }

    #[test]
    fn a_capture_put_again_counts_as_new() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fresh = FreshCaptures::default();
        let content = vec![7u8; HELD_LIMIT / 3 + 1];
        let put = |name: &str| {
            let (path, bytes) = written(dir.path(), name, &content);
            fresh.put(name, &path, bytes);
            path
        };
        put("a.pcap");
        let b = put("b.pcap");
        let a = put("a.pcap"); // a re-upload: now the youngest
        put("c.pcap"); // over the limit: the oldest, b, goes
        assert_eq!(fresh.take("b.pcap", &b), None);
        assert!(fresh.take("a.pcap", &a).is_some());
    }
}
