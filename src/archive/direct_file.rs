//! A new file written past the page cache (Linux `O_DIRECT`), for the archive's audio.
//!
//! A record's audio is written once, synced, and not read again while the recorder
//! runs. Through the page cache every byte is copied into freshly allocated pages that
//! are then written back, which on virtual machines that hand free memory back to the
//! host (free page reporting) costs far more than the disk: on the project machine a
//! new 2.9 MB file written and synced took 5.8–6.0 ms of CPU through the cache and
//! 0.3–0.5 ms with `O_DIRECT` (docs/PERFORMANCE.md). Direct writes must start at
//! aligned offsets, come from aligned memory and have aligned lengths, so the bytes
//! are gathered in an aligned block and written whole; the last, partial block is
//! written padded and the file then cut to its true length.
//!
//! No crate offers this (the aligned buffer and the padded tail are the whole of it),
//! so it is written here; the buffer is aligned by offsetting into a slightly larger
//! `Vec`, without `unsafe`. Where the file system refuses direct writes (tmpfs on older
//! kernels, some network file systems, other systems than Linux) the file is written
//! the usual way: same bytes, same durability.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Alignment of offsets, lengths and memory: 4096 covers every usual device's logical
/// block size (512 or 4096 bytes).
const ALIGN: usize = 4096;
/// Bytes gathered before a write.
const BLOCK: usize = 1 << 20;

pub struct DirectFile {
    file: File,
    path: PathBuf,
    /// `BLOCK + ALIGN` bytes, of which `BLOCK` from `start` are aligned.
    buffer: Vec<u8>,
    start: usize,
    filled: usize,
    /// Bytes handed to the file so far (a multiple of `ALIGN` while direct).
    written: u64,
    direct: bool,
}

impl DirectFile {
    /// Creates (or truncates) `path` for writing, directly where the file system allows.
    pub fn create(path: &Path) -> io::Result<DirectFile> {
        DirectFile::create_with(path, open_direct)
    }

    /// `create` with the way to open directly given, so tests can refuse it.
    fn create_with(
        path: &Path,
        open_direct: fn(&Path) -> io::Result<File>,
    ) -> io::Result<DirectFile> {
        let (file, direct) = match open_direct(path) {
            Ok(file) => (file, true),
            Err(e) if e.raw_os_error() == Some(EINVAL) => (File::create(path)?, false),
            Err(e) => return Err(e),
        };
        let buffer = vec![0u8; BLOCK + ALIGN];
        let start = buffer.as_ptr().align_offset(ALIGN).min(ALIGN);
        Ok(DirectFile {
            file,
            path: path.to_path_buf(),
            buffer,
            start,
            filled: 0,
            written: 0,
            direct,
        })
    }

    /// Were the bytes written past the page cache?
    pub fn is_direct(&self) -> bool {
        self.direct
    }

    /// Writes what is gathered, makes the file durable (`fsync`) and returns it.
    pub fn finish(mut self) -> io::Result<File> {
        let length = self.written + self.filled as u64;
        if self.filled > 0 {
            let padded = if self.direct {
                self.filled.next_multiple_of(ALIGN)
            } else {
                self.filled
            };
            self.buffer[self.start + self.filled..self.start + padded].fill(0);
            self.write_block(padded)?;
        }
        if self.written != length {
            self.file.set_len(length)?;
        }
        self.file.sync_all()?;
        Ok(self.file)
    }

    /// Writes the first `len` bytes of the aligned block at the file's end.
    fn write_block(&mut self, len: usize) -> io::Result<()> {
        let block = &self.buffer[self.start..self.start + len];
        match self.file.write_all(block) {
            Err(e) if self.direct && e.raw_os_error() == Some(EINVAL) => {
                // the file system took the open but not the write (a device with
                // larger blocks): go on through the page cache from the same place
                self.direct = false;
                self.file = OpenOptions::new().write(true).open(&self.path)?;
                self.file.seek(SeekFrom::Start(self.written))?;
                self.file.write_all(block)?;
            }
            other => other?,
        }
        self.written += len as u64;
        self.filled = 0;
        Ok(())
    }
}

impl Write for DirectFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let n = bytes.len().min(BLOCK - self.filled);
        let at = self.start + self.filled;
        self.buffer[at..at + n].copy_from_slice(&bytes[..n]);
        self.filled += n;
        if self.filled == BLOCK {
            self.write_block(BLOCK)?;
        }
        Ok(n)
    }

    /// Gathered bytes stay gathered: a direct write must be whole blocks, and the file
    /// is durable only after [`DirectFile::finish`] anyway.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(target_os = "linux")]
const EINVAL: i32 = libc::EINVAL;
#[cfg(not(target_os = "linux"))]
const EINVAL: i32 = 22;

#[cfg(target_os = "linux")]
fn open_direct(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_DIRECT)
        .open(path)
}

#[cfg(not(target_os = "linux"))]
fn open_direct(_: &Path) -> io::Result<File> {
    Err(io::Error::from_raw_os_error(EINVAL))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 4093) as u8).collect()
    }

    /// Writes `data` in pieces of `piece` bytes and reads the file back.
    fn round_trip(dir: &Path, data: &[u8], piece: usize) -> (Vec<u8>, bool) {
        round_trip_with(dir, data, piece, open_direct)
    }

    fn round_trip_with(
        dir: &Path,
        data: &[u8],
        piece: usize,
        open: fn(&Path) -> io::Result<File>,
    ) -> (Vec<u8>, bool) {
        let path = dir.join("audio");
        let mut file = DirectFile::create_with(&path, open).expect("create");
        for part in data.chunks(piece.max(1)) {
            file.write_all(part).expect("write");
        }
        let direct = file.is_direct();
        file.finish().expect("finish");
        (std::fs::read(&path).expect("read"), direct)
    }

    #[test]
    fn every_length_reads_back_exactly_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        // around the alignment and the block, and a record-sized file
        for len in [
            0,
            1,
            ALIGN - 1,
            ALIGN,
            ALIGN + 1,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            2_883_629,
        ] {
            let data = bytes(len);
            for piece in [1000, 65536, BLOCK + 5] {
                if len > 100_000 && piece == 1000 {
                    continue; // slow and no different
                }
                let (back, _) = round_trip(dir.path(), &data, piece);
                assert_eq!(back.len(), len, "length {len} in pieces of {piece}");
                assert!(back == data, "content of length {len} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn an_existing_file_is_replaced_not_overlaid() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audio");
        std::fs::write(&path, vec![0xAAu8; 3 * ALIGN + 17]).expect("old file");
        let mut file = DirectFile::create(&path).expect("create");
        file.write_all(b"short").expect("write");
        file.finish().expect("finish");
        assert_eq!(std::fs::read(&path).expect("read"), b"short");
    }

    #[test]
    fn where_direct_writes_are_refused_the_same_bytes_go_through_the_cache() {
        let dir = tempfile::tempdir().expect("tempdir");
        let refuse = |_: &Path| Err(io::Error::from_raw_os_error(EINVAL));
        for len in [0, 1, ALIGN + 1, BLOCK + 3] {
            let data = bytes(len);
            let (back, direct) = round_trip_with(dir.path(), &data, 5000, refuse);
            assert!(!direct);
            assert!(back == data, "length {len}");
        }
    }

    #[test]
    fn tmpfs_gets_the_same_bytes() {
        // /dev/shm is tmpfs: older kernels refuse O_DIRECT there, newer take it; the
        // bytes must be the same either way
        let Ok(dir) = tempfile::tempdir_in("/dev/shm") else {
            eprintln!("skipped: no /dev/shm");
            return;
        };
        let data = bytes(BLOCK + 12_345);
        let (back, direct) = round_trip(dir.path(), &data, 4000);
        eprintln!("tmpfs direct: {direct}");
        assert!(back == data);
    }
}
