//! The archive on disk: `STORE/YYYY_MM/` for records, `STORE/TMP/` for the audit log,
//! the central password and the published keys, `STORE/REC/` for work in progress;
//! plus the flat backup folder. Every file is written under a temporary name, synced
//! and renamed, so a crash never leaves a half-written file under a final name.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::name::RecordName;

/// The central activity log (the seed's name and place).
pub const AUDIT_LOG: &str = "iREC_Player_log.txt";
/// The central setup password (the seed's name and place).
pub const CENTRAL_PASSWORD: &str = "SPlayer.xml";

/// An archive root.
#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
    /// The recorder's working folder (journal, outbox, counters) when it is not the
    /// store's `REC/`: each of several recorders archiving into one store has its own,
    /// and a branch recorder keeps it on its local disk.
    journal: Option<PathBuf>,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            journal: None,
        }
    }

    /// The same store, with the recorder's working folder at `journal`.
    pub fn with_journal(mut self, journal: impl Into<PathBuf>) -> Store {
        self.journal = Some(journal.into());
        self
    }

    /// Creates `TMP/`, `REC/` (and the journal folder), and `TMP/keys/` when missing.
    pub fn create(&self) -> io::Result<()> {
        fs::create_dir_all(self.tmp())?;
        fs::create_dir_all(self.rec())?;
        fs::create_dir_all(self.staging())?;
        fs::create_dir_all(self.keys_dir())
    }

    pub fn tmp(&self) -> PathBuf {
        self.root.join("TMP")
    }

    /// Where a record's files are written before they are renamed into their month
    /// folder: always inside the store (`REC/`), so that the rename stays on one file
    /// system even when the journal is on another disk.
    pub fn staging(&self) -> PathBuf {
        self.root.join("REC")
    }

    /// The recorder's working folder: `REC/` in the store unless the setup's
    /// `journal` names another.
    pub fn rec(&self) -> PathBuf {
        self.journal
            .clone()
            .unwrap_or_else(|| self.root.join("REC"))
    }

    /// Published public keys of every recorder and Player that writes here.
    pub fn keys_dir(&self) -> PathBuf {
        self.tmp().join("keys")
    }

    pub fn audit_log(&self) -> PathBuf {
        self.tmp().join(AUDIT_LOG)
    }

    pub fn central_password(&self) -> PathBuf {
        self.tmp().join(CENTRAL_PASSWORD)
    }

    /// Where a record file lives: `STORE/YYYY_MM/<name>`. The name is built from
    /// sanitised parts, so it cannot leave its month folder.
    pub fn path_of(&self, name: &RecordName) -> PathBuf {
        self.root
            .join(name.start.month_folder())
            .join(name.to_string())
    }

    /// The path relative to the store root with `/` separators, as the audit log names records.
    pub fn relative(&self, name: &RecordName) -> String {
        format!("{}/{}", name.start.month_folder(), name)
    }

    /// `YYYY_MM/name.ext` when `path` is a record file inside the store: how the
    /// activity log and the marks name a record.
    pub fn relative_path(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (parts.len() == 2).then(|| parts.join("/"))
    }
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename, fsync of the folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, false)
}

/// [`write_atomic`] for a file only its owner may read (mode 0600 from its first
/// byte: the setup with its sealed secrets).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, true)
}

fn write_atomic_with(path: &Path, bytes: &[u8], private: bool) -> io::Result<()> {
    let partial = partial_path(path);
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        }
        let mut file = options.open(&partial)?;
        #[cfg(unix)]
        if private {
            // an earlier partial file may have been created with wider rights
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        #[cfg(not(unix))]
        let _ = private;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&partial, path)?;
        sync_parent(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

/// The hidden temporary name a file is written under before it gets its final name.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Makes a rename durable: on Linux the directory entry needs its own fsync.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        File::open(parent)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// SHA-256 and length of a file, read in 1 MiB blocks.
pub fn hash_file(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hasher.finalize().into(), total))
}

/// Copies a record's files into the flat backup folder. The seed's backup has no
/// month folders; when another record already holds a name with different content,
/// the copy gets `~2`, `~3`, … before the extension. A copy with identical content is
/// left as it is. `files` lists the record's files by extension (audio first).
/// Returns the paths written or found identical.
pub fn backup_record(
    backup_dir: &Path,
    name: &RecordName,
    files: &[(&str, &Path)],
) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(backup_dir)?;
    for n in 1..=999u32 {
        let candidate = RecordName {
            collision: (n > 1).then_some(n),
            ..name.clone()
        };
        let targets: Vec<PathBuf> = files
            .iter()
            .map(|(ext, _)| backup_dir.join(candidate.with_extension(ext).to_string()))
            .collect();
        let mut free = true;
        let mut identical = true;
        for ((_, source), target) in files.iter().zip(&targets) {
            if target.exists() {
                free = false;
                identical &= hash_file(source)?.0 == hash_file(target)?.0;
            } else {
                identical = false;
            }
        }
        if !free && !identical {
            continue;
        }
        for ((_, source), target) in files.iter().zip(&targets) {
            if !target.exists() {
                let bytes = fs::read(source)?;
                write_atomic(target, &bytes)?;
                // read back: a backup that was never checked is not a backup
                if hash_file(target)?.0 != <[u8; 32]>::from(Sha256::digest(&bytes)) {
                    let _ = fs::remove_file(target);
                    return Err(io::Error::other(format!(
                        "the backup copy {} does not read back as written",
                        target.display()
                    )));
                }
            }
        }
        return Ok(targets);
    }
    Err(io::Error::other(format!(
        "backup folder {} holds 999 records named {}",
        backup_dir.display(),
        name.base()
    )))
}

#[cfg(test)]
mod tests {
    use super::super::name::{Direction, LocalMinute};
    use super::*;

    #[test]
    fn backup_is_flat_and_keeps_both_records_on_a_collision() {
        let dir = tempfile::tempdir().unwrap();
        let start = LocalMinute {
            year: 2026,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
        };
        let name = RecordName::new(start, "24", Direction::Incoming, "0123", 3, "ab", "wav");
        let a = dir.path().join("a.wav");
        let b = dir.path().join("b.wav");
        fs::write(&a, b"first").unwrap();
        fs::write(&b, b"second").unwrap();
        let backup = dir.path().join("backup");
        let first = backup_record(&backup, &name, &[("wav", &a)]).unwrap();
        let again = backup_record(&backup, &name, &[("wav", &a)]).unwrap();
        let other = backup_record(&backup, &name, &[("wav", &b)]).unwrap();
        assert_eq!(first, again);
        assert_ne!(first, other);
        assert!(other[0].to_string_lossy().ends_with("_ab~2.wav"));
        assert_eq!(fs::read(&other[0]).unwrap(), b"second");
        assert_eq!(
            RecordName::parse(&other[0].file_name().unwrap().to_string_lossy())
                .unwrap()
                .collision,
            Some(2)
        );
    }
}
