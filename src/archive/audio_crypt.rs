//! Optional audio encryption: a chunked, seekable AEAD stream.
//!
//! The seed doubled the audio size when it encrypted. Here the audio is cut into
//! 64 KiB chunks, each sealed with AES-256-GCM under a random per-file key; a chunk
//! adds a 16-byte tag (0.025 %) and the file a header of about 100 bytes. Any chunk
//! can be opened on its own, so the Player seeks without decrypting from the start.
//!
//! Layout (all integers big-endian):
//! ```text
//! magic        16  "CALLREC-AUDIO-1\n"
//! key id len    1  n (1..=64)
//! key id        n  id of the ring key that wraps the file key
//! chunk size    4  plaintext bytes per chunk (65536)
//! wrapped key  60  nonce(12) ‖ AES-256-GCM(ring key, file key, aad = magic) (48)
//! nonce prefix  7  random
//! chunks           AES-256-GCM(file key, nonce = prefix ‖ index(4) ‖ last(1),
//!                  aad = the header bytes above) — chunk size + 16 bytes each,
//!                  the last one shorter (possibly empty) and flagged last = 1
//! ```
//! The `last` flag makes a cut-off file fail instead of passing as a shorter one.

use std::io::{self, Read, Seek, SeekFrom, Write};

use super::keyring::{ArchiveKey, KeyRing, random_array};

pub const MAGIC: &[u8; 16] = b"CALLREC-AUDIO-1\n";
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// True when `head` (the first bytes of a file) starts an encrypted audio stream.
pub fn is_encrypted(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Encrypts everything written to it into `inner`; call [`EncryptingWriter::finish`].
pub struct EncryptingWriter<W: Write> {
    inner: W,
    file_key: ArchiveKey,
    header: Vec<u8>,
    prefix: [u8; 7],
    index: u32,
    buffer: Vec<u8>,
}

impl<W: Write> EncryptingWriter<W> {
    pub fn new(mut inner: W, ring_key: &ArchiveKey) -> io::Result<Self> {
        let raw_key = random_array::<32>();
        let file_key = ArchiveKey::from_bytes(raw_key);
        let prefix = random_array::<7>();
        let mut header = MAGIC.to_vec();
        header.push(ring_key.id.len() as u8);
        header.extend_from_slice(ring_key.id.as_bytes());
        header.extend_from_slice(&(CHUNK as u32).to_be_bytes());
        header.extend_from_slice(&ring_key.seal(&raw_key, MAGIC));
        header.extend_from_slice(&prefix);
        inner.write_all(&header)?;
        Ok(EncryptingWriter {
            inner,
            file_key,
            header,
            prefix,
            index: 0,
            buffer: Vec::with_capacity(CHUNK),
        })
    }

    fn emit(&mut self, last: bool) -> io::Result<()> {
        let nonce = chunk_nonce(&self.prefix, self.index, last);
        let sealed = self
            .file_key
            .seal_with_nonce(nonce, &self.buffer, &self.header);
        self.inner.write_all(&sealed)?;
        self.buffer.clear();
        self.index = self
            .index
            .checked_add(1)
            .ok_or_else(|| io::Error::other("audio longer than 256 TiB"))?;
        Ok(())
    }

    /// Writes the last chunk and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.emit(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let take = room.min(data.len());
        self.buffer.extend_from_slice(&data[..take]);
        if self.buffer.len() == CHUNK {
            self.emit(false)?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn chunk_nonce(prefix: &[u8; 7], index: u32, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[..7].copy_from_slice(prefix);
    nonce[7..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// Why an encrypted audio file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum AudioCryptError {
    #[error("not an encrypted callrec audio file")]
    NotEncrypted,
    #[error("sealed with key {0}, which this installation does not hold")]
    UnknownKey(String),
    #[error("the encrypted audio is damaged or was changed (chunk {0})")]
    Damaged(u64),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Reads the plaintext of an encrypted audio file, with seeking.
pub struct DecryptingReader<R: Read + Seek> {
    inner: R,
    file_key: ArchiveKey,
    header: Vec<u8>,
    prefix: [u8; 7],
    chunk_size: usize,
    chunks: u64,
    plain_len: u64,
    position: u64,
    current: Option<(u64, Vec<u8>)>,
}

impl<R: Read + Seek> DecryptingReader<R> {
    pub fn new(mut inner: R, ring: &KeyRing) -> Result<Self, AudioCryptError> {
        inner.seek(SeekFrom::Start(0))?;
        let mut magic = [0u8; 16];
        read_exact_or(&mut inner, &mut magic)?;
        if &magic != MAGIC {
            return Err(AudioCryptError::NotEncrypted);
        }
        let mut len = [0u8; 1];
        read_exact_or(&mut inner, &mut len)?;
        if len[0] == 0 || len[0] > 64 {
            return Err(AudioCryptError::Damaged(0));
        }
        let mut id = vec![0u8; usize::from(len[0])];
        read_exact_or(&mut inner, &mut id)?;
        let id = String::from_utf8(id).map_err(|_| AudioCryptError::Damaged(0))?;
        let mut rest = [0u8; 4 + 60 + 7];
        read_exact_or(&mut inner, &mut rest)?;
        let chunk_size = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        if !(1024..=16 << 20).contains(&chunk_size) {
            return Err(AudioCryptError::Damaged(0));
        }
        let ring_key = ring
            .get(&id)
            .ok_or_else(|| AudioCryptError::UnknownKey(id.clone()))?;
        let raw: [u8; 32] = ring_key
            .open(&rest[4..64], MAGIC)
            .and_then(|k| k.try_into().ok())
            .ok_or(AudioCryptError::Damaged(0))?;
        let prefix: [u8; 7] = rest[64..].try_into().expect("7 bytes");
        let mut header = magic.to_vec();
        header.push(len[0]);
        header.extend_from_slice(id.as_bytes());
        header.extend_from_slice(&rest);
        let total = inner.seek(SeekFrom::End(0))?;
        let body = total - header.len() as u64;
        let sealed_chunk = (chunk_size + TAG) as u64;
        // Every file ends with one (possibly empty) last chunk.
        let chunks = body / sealed_chunk + 1;
        let last_sealed = body - (chunks - 1) * sealed_chunk;
        if last_sealed < TAG as u64 {
            return Err(AudioCryptError::Damaged(chunks - 1));
        }
        let plain_len = (chunks - 1) * chunk_size as u64 + (last_sealed - TAG as u64);
        Ok(DecryptingReader {
            inner,
            file_key: ArchiveKey::from_bytes(raw),
            header,
            prefix,
            chunk_size,
            chunks,
            plain_len,
            position: 0,
            current: None,
        })
    }

    /// Plaintext length in bytes.
    pub fn len(&self) -> u64 {
        self.plain_len
    }

    pub fn is_empty(&self) -> bool {
        self.plain_len == 0
    }

    fn load(&mut self, index: u64) -> Result<(), AudioCryptError> {
        if self.current.as_ref().is_some_and(|(i, _)| *i == index) {
            return Ok(());
        }
        let sealed_chunk = (self.chunk_size + TAG) as u64;
        let offset = self.header.len() as u64 + index * sealed_chunk;
        let last = index + 1 == self.chunks;
        let len = if last {
            self.plain_len - index * self.chunk_size as u64 + TAG as u64
        } else {
            sealed_chunk
        };
        let mut sealed = vec![0u8; len as usize];
        self.inner.seek(SeekFrom::Start(offset))?;
        read_exact_or(&mut self.inner, &mut sealed)?;
        let nonce = chunk_nonce(&self.prefix, index as u32, last);
        let plain = self
            .file_key
            .open_with_nonce(nonce, &sealed, &self.header)
            .ok_or(AudioCryptError::Damaged(index))?;
        self.current = Some((index, plain));
        Ok(())
    }

    /// Decrypts the whole stream into `out`, checking every chunk.
    pub fn copy_to(&mut self, out: &mut impl Write) -> Result<u64, AudioCryptError> {
        for index in 0..self.chunks {
            self.load(index)?;
            out.write_all(&self.current.as_ref().expect("loaded").1)?;
        }
        Ok(self.plain_len)
    }
}

impl<R: Read + Seek> Read for DecryptingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.position >= self.plain_len || buf.is_empty() {
            return Ok(0);
        }
        let index = self.position / self.chunk_size as u64;
        self.load(index).map_err(|e| match e {
            AudioCryptError::Io(e) => e,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        })?;
        let chunk = &self.current.as_ref().expect("loaded").1;
        let within = (self.position - index * self.chunk_size as u64) as usize;
        let n = (chunk.len() - within).min(buf.len());
        buf[..n].copy_from_slice(&chunk[within..within + n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Seek for DecryptingReader<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.plain_len.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position =
            target.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before 0"))?;
        Ok(self.position)
    }
}

fn read_exact_or(r: &mut impl Read, buf: &mut [u8]) -> Result<(), AudioCryptError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => AudioCryptError::Damaged(0),
        _ => AudioCryptError::Io(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn encrypt(plain: &[u8], key: &ArchiveKey) -> Vec<u8> {
        let mut w = EncryptingWriter::new(Vec::new(), key).unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn round_trips_seeks_and_stays_small() {
        let key = ArchiveKey::default_key();
        let ring = KeyRing::default();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 77, 1_000_000] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let sealed = encrypt(&plain, &key);
            let mut r = DecryptingReader::new(Cursor::new(&sealed), &ring).unwrap();
            assert_eq!(r.len(), len as u64);
            let mut back = Vec::new();
            r.read_to_end(&mut back).unwrap();
            assert_eq!(back, plain, "len {len}");
            if len > 10 {
                r.seek(SeekFrom::Start(len as u64 / 2)).unwrap();
                let mut b = [0u8; 1];
                r.read_exact(&mut b).unwrap();
                assert_eq!(b[0], plain[len / 2]);
            }
            if len >= 1_000_000 {
                let overhead = (sealed.len() - len) as f64 / len as f64;
                assert!(overhead < 0.001, "{overhead}");
            }
        }
    }

    #[test]
    fn any_change_or_cut_is_detected_and_wrong_key_is_named() {
        let key = ArchiveKey::default_key();
        let plain = vec![5u8; 2 * CHUNK + 10];
        let sealed = encrypt(&plain, &key);
        for at in [20, 100, CHUNK, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 0x40;
            let result = DecryptingReader::new(Cursor::new(&bad), &KeyRing::default())
                .and_then(|mut r| r.copy_to(&mut io::sink()));
            assert!(result.is_err(), "flip at {at}");
        }
        let cut = &sealed[..sealed.len() - (CHUNK / 2)];
        let result = DecryptingReader::new(Cursor::new(cut), &KeyRing::default())
            .and_then(|mut r| r.copy_to(&mut io::sink()));
        assert!(result.is_err());
        let customer = ArchiveKey::from_bytes([9; 32]);
        let other = encrypt(&plain, &customer);
        match DecryptingReader::new(Cursor::new(&other), &KeyRing::default()) {
            Err(AudioCryptError::UnknownKey(id)) => assert_eq!(id, customer.id),
            _ => panic!("expected an unknown key"),
        }
    }
}
