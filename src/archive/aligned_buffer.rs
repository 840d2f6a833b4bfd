//! Block-aligned byte buffers for direct writes, reused from call to call.
//!
//! `O_DIRECT` needs memory aligned to the device's block; a buffer is aligned by
//! offsetting into a slightly larger `Vec` (no `unsafe`). Each call would otherwise
//! take a fresh buffer of several megabytes (the received capture, the audio's
//! blocks), and fresh memory is paid for in page faults and zeroing on every call
//! (4–5 % of the recorder's CPU in a burst, measured with `perf`); so buffers go back
//! to a small pool when done, also when they were handed on as [`Bytes`]. A reused
//! buffer is not zeroed: only bytes written into it are ever read.

use std::sync::Mutex;

use bytes::Bytes;

/// Alignment of offsets, lengths and memory: 4096 covers every usual device's logical
/// block size (512 or 4096 bytes).
pub const ALIGN: usize = 4096;

/// Bytes of idle buffers kept for reuse at most.
const POOL_LIMIT: usize = 64 << 20;

static POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// A growable byte buffer whose start is aligned to [`ALIGN`], its room a whole number
/// of blocks.
pub struct AlignedBuffer {
    /// Holds the aligned region from `start`; `None` only once handed on.
    vec: Option<Vec<u8>>,
    start: usize,
    /// Bytes in use from `start`.
    pub len: usize,
}

impl AlignedBuffer {
    /// An empty buffer with room for at least `capacity` bytes (rounded up to whole
    /// blocks).
    pub fn with_capacity(capacity: usize) -> AlignedBuffer {
        let capacity = capacity.max(1).next_multiple_of(ALIGN);
        let vec = take_pooled(capacity + ALIGN).unwrap_or_else(|| vec![0u8; capacity + ALIGN]);
        let start = vec.as_ptr().align_offset(ALIGN).min(ALIGN);
        AlignedBuffer {
            vec: Some(vec),
            start,
            len: 0,
        }
    }

    fn vec(&self) -> &Vec<u8> {
        self.vec.as_ref().expect("buffer present until handed on")
    }

    fn vec_mut(&mut self) -> &mut Vec<u8> {
        self.vec.as_mut().expect("buffer present until handed on")
    }

    /// Room from `start`, a multiple of `ALIGN`.
    pub fn capacity(&self) -> usize {
        (self.vec().len() - self.start) / ALIGN * ALIGN
    }

    /// The aligned region, unused room included.
    pub fn full(&self) -> &[u8] {
        &self.vec()[self.start..self.start + self.capacity()]
    }

    pub fn extend(&mut self, bytes: &[u8]) {
        let needed = self.len + bytes.len();
        if needed > self.capacity() {
            let mut grown = AlignedBuffer::with_capacity(needed.max(self.capacity() * 2));
            let (from, len) = (self.start, self.len);
            let to = grown.start;
            grown.vec_mut()[to..to + len].copy_from_slice(&self.vec()[from..from + len]);
            grown.len = len;
            *self = grown;
        }
        let at = self.start + self.len;
        self.vec_mut()[at..at + bytes.len()].copy_from_slice(bytes);
        self.len = needed;
    }

    /// Forgets the first `n` bytes (a multiple of `ALIGN`), keeping the rest aligned.
    pub fn drop_front(&mut self, n: usize) {
        let (start, len) = (self.start, self.len);
        self.vec_mut().copy_within(start + n..start + len, start);
        self.len -= n;
    }

    /// The bytes, shared; the buffer goes back to the pool when the last copy is dropped.
    pub fn into_bytes(mut self) -> Bytes {
        let vec = self.vec.take().expect("buffer present until handed on");
        let range = self.start..self.start + self.len;
        Bytes::from_owner(Pooled { vec: Some(vec) }).slice(range)
    }
}

impl Drop for AlignedBuffer {
    fn drop(&mut self) {
        if let Some(vec) = self.vec.take() {
            give_back(vec);
        }
    }
}

/// A buffer handed on as `Bytes`, back to the pool when they are dropped.
struct Pooled {
    vec: Option<Vec<u8>>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        self.vec.as_deref().unwrap_or_default()
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(vec) = self.vec.take() {
            give_back(vec);
        }
    }
}

/// The smallest idle buffer of at least `len` bytes.
fn take_pooled(len: usize) -> Option<Vec<u8>> {
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    let best = pool
        .iter()
        .enumerate()
        .filter(|(_, v)| v.len() >= len)
        .min_by_key(|(_, v)| v.len())
        .map(|(i, _)| i)?;
    Some(pool.swap_remove(best))
}

/// Keeps `vec` for reuse while the pool has room; the largest go first when it has not.
fn give_back(vec: Vec<u8>) {
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    pool.push(vec);
    let mut held: usize = pool.iter().map(Vec::len).sum();
    while held > POOL_LIMIT {
        pool.sort_by_key(Vec::len);
        let Some(largest) = pool.pop() else { break };
        held -= largest.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_is_aligned_and_keeps_its_bytes_when_it_grows_and_drops_its_front() {
        let mut buffer = AlignedBuffer::with_capacity(10);
        assert_eq!(buffer.full().as_ptr() as usize % ALIGN, 0);
        let data: Vec<u8> = (0..3 * ALIGN + 5).map(|i| (i % 251) as u8).collect();
        buffer.extend(&data);
        assert_eq!(
            buffer.full().as_ptr() as usize % ALIGN,
            0,
            "aligned after growing"
        );
        assert!(buffer.full()[..buffer.len] == data);
        buffer.drop_front(2 * ALIGN);
        assert!(buffer.full()[..buffer.len] == data[2 * ALIGN..]);
        let bytes = buffer.into_bytes();
        assert!(bytes == data[2 * ALIGN..]);
    }

    #[test]
    fn a_reused_buffer_shows_only_what_is_written_into_it() {
        // stale bytes of an earlier user must never show: fill one, give it back
        let mut first = AlignedBuffer::with_capacity(8 * ALIGN);
        first.extend(&vec![0xEEu8; 8 * ALIGN]);
        drop(first.into_bytes());
        for _ in 0..4 {
            let mut next = AlignedBuffer::with_capacity(8 * ALIGN);
            assert_eq!(next.len, 0);
            next.extend(b"abc");
            assert_eq!(&next.full()[..3], b"abc");
            assert_eq!(next.into_bytes(), Bytes::from_static(b"abc"));
        }
    }
}
