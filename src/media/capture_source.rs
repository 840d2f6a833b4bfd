//! A capture to convert, held in memory when it is small.
//!
//! Conversion reads a capture twice (measure, then render) and the archive hashes it
//! once more. For a capture of usual call length, one read of the file into memory
//! serves all three, instead of three copies out of the page cache; a long capture is
//! opened again for each pass, so memory stays bounded (the 4-hour goal).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use bytes::Bytes;

use super::capture::CaptureInput;

/// Captures up to this size are read into memory: a 3-minute G.711 call is about
/// 4 MB, so this covers calls of about 12 minutes.
pub const IN_MEMORY_LIMIT: u64 = 16 << 20;

pub enum CaptureSource {
    /// Shared bytes: read from the file, or handed over by whoever received them.
    Memory(Bytes),
    File(PathBuf),
}

impl CaptureSource {
    /// Reads `path` into memory if it is at most [`IN_MEMORY_LIMIT`] bytes long.
    pub fn open(path: &Path) -> io::Result<CaptureSource> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        if len > IN_MEMORY_LIMIT {
            return Ok(CaptureSource::File(path.to_path_buf()));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        // a file that grew since its length was read is read as a file after all
        file.by_ref()
            .take(IN_MEMORY_LIMIT + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > IN_MEMORY_LIMIT {
            return Ok(CaptureSource::File(path.to_path_buf()));
        }
        Ok(CaptureSource::Memory(Bytes::from(bytes)))
    }

    /// The whole capture, when it is held in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            CaptureSource::Memory(bytes) => Some(bytes),
            CaptureSource::File(_) => None,
        }
    }

    /// A reader from the capture's start (one per conversion pass).
    pub fn reader(&self) -> io::Result<CaptureReader<'_>> {
        Ok(match self {
            CaptureSource::Memory(bytes) => CaptureReader::Memory(bytes),
            // unbuffered: the capture reader keeps its own buffer
            CaptureSource::File(path) => CaptureReader::File(File::open(path)?),
        })
    }
}

pub enum CaptureReader<'a> {
    Memory(&'a [u8]),
    File(File),
}

impl CaptureInput for CaptureReader<'_> {
    fn whole(&self) -> Option<&[u8]> {
        match self {
            CaptureReader::Memory(bytes) => Some(bytes),
            CaptureReader::File(_) => None,
        }
    }
}

impl Read for CaptureReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            CaptureReader::Memory(bytes) => bytes.read(buf),
            CaptureReader::File(file) => file.read(buf),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(source: &CaptureSource) -> Vec<u8> {
        let mut read = Vec::new();
        source
            .reader()
            .expect("reader")
            .read_to_end(&mut read)
            .expect("read");
        read
    }

    #[test]
    fn small_captures_are_held_and_large_ones_reopened() {
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("small.pcap");
        std::fs::write(&small, b"0123456789").expect("write");
        let source = CaptureSource::open(&small).expect("open");
        assert_eq!(source.bytes(), Some(&b"0123456789"[..]));
        assert_eq!(read_all(&source), b"0123456789");

        let large = dir.path().join("large.pcap");
        let file = File::create(&large).expect("create");
        file.set_len(IN_MEMORY_LIMIT + 1).expect("grow");
        let source = CaptureSource::open(&large).expect("open");
        assert!(source.bytes().is_none());
        assert_eq!(read_all(&source).len() as u64, IN_MEMORY_LIMIT + 1);
    }
}
