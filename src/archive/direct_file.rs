//! A new file written past the page cache (Linux `O_DIRECT`): the archive's audio and
//! the recorder's received captures.
//!
//! Both are written once and synced; the audio is not read again while the recorder
//! runs, and a received capture is handed to the archiver from memory (see
//! [`DirectFile::keeping`]). Through the page cache every byte is copied into freshly
//! allocated pages that are then written back, which on virtual machines that hand
//! free memory back to the host (free page reporting) costs far more than the disk: on
//! the project machine a new 2.9 MB file written and synced took 5.8–6.0 ms of CPU
//! through the cache and 0.3–0.5 ms with `O_DIRECT` (docs/PERFORMANCE.md).
//!
//! Direct writes must start at aligned offsets, come from aligned memory and have
//! aligned lengths, so the bytes are gathered in an aligned buffer and written in
//! whole blocks; the last, partial block goes through the page cache (a second handle
//! without `O_DIRECT`; the kernel writes it back before a later direct write covers
//! it), so the file never holds padding, not even after a crash. No crate
//! offers this, so it is written here (the buffers: `aligned_buffer.rs`). Where the
//! file system refuses direct writes (tmpfs on older kernels, some network file
//! systems, other systems than Linux) the same steps go through the page cache: same
//! bytes, same durability.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use super::aligned_buffer::{ALIGN, AlignedBuffer};

/// Bytes gathered before they are written.
pub const BLOCK: usize = 1 << 20;

pub struct DirectFile {
    file: File,
    path: PathBuf,
    buffer: AlignedBuffer,
    /// File offset of the buffer's first byte (a multiple of `ALIGN`).
    base: u64,
    /// Bytes at the buffer's start already written as whole blocks (a multiple of
    /// `ALIGN`).
    written: usize,
    /// Keep every byte in the buffer, for [`DirectFile::finish`] to hand back.
    keep: bool,
    direct: bool,
    /// The same file without `O_DIRECT`, for partial blocks; opened when first needed.
    cached: Option<File>,
}

impl DirectFile {
    /// Creates (or truncates) `path` for writing, directly where the file system allows;
    /// written bytes leave memory.
    pub fn create(path: &Path) -> io::Result<DirectFile> {
        DirectFile::create_with(path, open_direct, BLOCK + ALIGN, false)
    }

    /// Like [`DirectFile::create`], but every byte also stays in memory, and
    /// [`DirectFile::finish`] returns them (unless [`DirectFile::stop_keeping`] was
    /// called). `expected` sizes the buffer; it grows past it when needed.
    pub fn keeping(path: &Path, expected: usize) -> io::Result<DirectFile> {
        DirectFile::create_with(path, open_direct, expected.max(1) + ALIGN, true)
    }

    /// `create` with the way to open directly given, so tests can refuse it.
    fn create_with(
        path: &Path,
        open_direct: fn(&Path) -> io::Result<File>,
        capacity: usize,
        keep: bool,
    ) -> io::Result<DirectFile> {
        let (file, direct) = match open_direct(path) {
            Ok(file) => (file, true),
            Err(e) if e.raw_os_error() == Some(EINVAL) => (File::create(path)?, false),
            Err(e) => return Err(e),
        };
        Ok(DirectFile {
            file,
            path: path.to_path_buf(),
            buffer: AlignedBuffer::with_capacity(capacity),
            base: 0,
            written: 0,
            keep,
            direct,
            cached: None,
        })
    }

    /// Bytes taken so far.
    pub fn taken(&self) -> u64 {
        self.base + self.buffer.len as u64
    }

    /// Bytes gathered and not yet written.
    pub fn unwritten(&self) -> usize {
        self.buffer.len - self.written
    }

    /// Takes bytes into memory, without writing (so it may run where I/O must not).
    pub fn gather(&mut self, bytes: &[u8]) {
        self.buffer.extend(bytes);
    }

    /// The bytes from now on leave memory once written (a capture too large to hand over).
    pub fn stop_keeping(&mut self) {
        self.keep = false;
    }

    /// Writes the gathered whole blocks.
    pub fn write_blocks(&mut self) -> io::Result<()> {
        let end = self.buffer.len / ALIGN * ALIGN;
        if end > self.written {
            self.write_range(self.written, end)?;
            self.written = end;
        }
        if !self.keep && self.written > 0 {
            self.buffer.drop_front(self.written);
            self.base += self.written as u64;
            self.written = 0;
        }
        Ok(())
    }

    /// Writes every byte taken so far, without syncing: what a crash of this process
    /// must not lose. The last, partial block goes through the page cache; it stays
    /// in the buffer and is written again, directly, once it is whole.
    pub fn write_through(&mut self) -> io::Result<()> {
        self.write_blocks()?;
        let len = self.buffer.len;
        if len > self.written {
            let offset = self.base + self.written as u64;
            let tail = &self.buffer.full()[self.written..len];
            let file = match (self.direct, &mut self.cached) {
                (false, _) => &mut self.file,
                (true, Some(cached)) => cached,
                (true, cached) => cached.insert(OpenOptions::new().write(true).open(&self.path)?),
            };
            file.seek(SeekFrom::Start(offset))?;
            file.write_all(tail)?;
        }
        Ok(())
    }

    /// Writes everything, makes the file durable (`fsync`, which covers what went
    /// through the page cache too), and returns the bytes kept
    /// ([`DirectFile::keeping`], unless stopped).
    pub fn finish(mut self) -> io::Result<Option<Bytes>> {
        self.write_through()?;
        self.file.sync_all()?;
        Ok(self.keep.then(|| self.buffer.into_bytes()))
    }

    /// Writes the buffer's `from..to` (aligned) at its place in the file.
    fn write_range(&mut self, from: usize, to: usize) -> io::Result<()> {
        let offset = self.base + from as u64;
        let block = &self.buffer.full()[from..to];
        let mut written = self
            .file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.write_all(block));
        if self.direct
            && written
                .as_ref()
                .is_err_and(|e| e.raw_os_error() == Some(EINVAL))
        {
            // the file system took the open but not the write (a device with larger
            // blocks): go on through the page cache
            self.direct = false;
            self.file = OpenOptions::new().write(true).open(&self.path)?;
            written = self
                .file
                .seek(SeekFrom::Start(offset))
                .and_then(|_| self.file.write_all(block));
        }
        written
    }
}

impl Write for DirectFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.gather(bytes);
        if self.unwritten() >= BLOCK {
            self.write_blocks()?;
        }
        Ok(bytes.len())
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

    const LENGTHS: [usize; 9] = [
        0,
        1,
        ALIGN - 1,
        ALIGN,
        ALIGN + 1,
        BLOCK - 1,
        BLOCK,
        BLOCK + 1,
        2_883_629,
    ];

    /// Writes `data` in pieces of `piece` bytes, `through` every so many pieces, and
    /// reads the file back; also returns what `finish` handed back.
    fn round_trip(
        dir: &Path,
        data: &[u8],
        piece: usize,
        open: fn(&Path) -> io::Result<File>,
        keep: bool,
        through: usize,
    ) -> (Vec<u8>, Option<Bytes>, bool) {
        let path = dir.join("audio");
        let capacity = if keep { 10_000 } else { BLOCK + ALIGN };
        let mut file = DirectFile::create_with(&path, open, capacity, keep).expect("create");
        for (i, part) in data.chunks(piece).enumerate() {
            file.write_all(part).expect("write");
            if through > 0 && i % through == 0 {
                file.write_through().expect("write through");
                let on_disk = std::fs::read(&path).expect("read while written");
                assert!(on_disk == data[..file.taken() as usize], "after piece {i}");
            }
        }
        let direct = file.direct;
        let kept = file.finish().expect("finish");
        (std::fs::read(&path).expect("read"), kept, direct)
    }

    #[test]
    fn every_length_reads_back_exactly_as_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in LENGTHS {
            let data = bytes(len);
            for piece in [1000, 65536, BLOCK + 5] {
                if len > 100_000 && piece == 1000 {
                    continue; // slow and no different
                }
                let (back, kept, _) = round_trip(dir.path(), &data, piece, open_direct, false, 0);
                assert_eq!(back.len(), len, "length {len} in pieces of {piece}");
                assert!(back == data, "content of length {len} in pieces of {piece}");
                assert!(kept.is_none());
            }
        }
    }

    #[test]
    fn kept_bytes_are_the_file_and_a_flushed_file_holds_all_taken() {
        let dir = tempfile::tempdir().expect("tempdir");
        for len in LENGTHS {
            let data = bytes(len);
            // written through after every third piece: the last, partial block goes
            // through the cache and is written again directly once whole
            let (back, kept, _) = round_trip(dir.path(), &data, 70_001, open_direct, true, 3);
            assert!(back == data, "length {len}");
            assert!(kept.expect("kept") == data, "kept bytes of length {len}");
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
            for keep in [false, true] {
                let (back, kept, direct) = round_trip(dir.path(), &data, 5000, refuse, keep, 7);
                assert!(!direct);
                assert!(back == data, "length {len}");
                assert_eq!(kept.is_some(), keep);
            }
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
        let (back, _, direct) = round_trip(dir.path(), &data, 4000, open_direct, false, 0);
        eprintln!("tmpfs direct: {direct}");
        assert!(back == data);
    }
}
