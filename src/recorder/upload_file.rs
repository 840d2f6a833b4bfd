//! An upload's file in the journal: written past the page cache in batches on the
//! blocking pool, its bytes kept for the archiver.
//!
//! Received chunks are gathered (copied once, into the aligned buffer of a
//! [`DirectFile`]) while they arrive back to back, and written about 1 MiB at a time in
//! one blocking call; the receiver writes through whenever it would wait for the
//! sender, so nothing received stays only in memory while the line is quiet. A capture
//! of up to [`IN_MEMORY_LIMIT`] is kept whole in memory and handed back by
//! [`UploadFile::sync`], so that the archiver need not read it again (see
//! `fresh_captures.rs`); a larger one leaves memory as it is written.

use std::io;
use std::path::Path;

use axum::body::Bytes;

use crate::archive::direct_file::{BLOCK, DirectFile};
use crate::media::capture_source::IN_MEMORY_LIMIT;

pub struct UploadFile {
    /// `None` only while a blocking write has it.
    file: Option<DirectFile>,
}

impl UploadFile {
    /// Creates the file; `announced` (the upload's Content-Length) sizes the buffer.
    pub async fn create(path: &Path, announced: Option<u64>) -> io::Result<UploadFile> {
        let path = path.to_path_buf();
        let expected = announced.unwrap_or(BLOCK as u64).min(IN_MEMORY_LIMIT) as usize;
        let file = blocking(move || DirectFile::keeping(&path, expected)).await?;
        Ok(UploadFile { file: Some(file) })
    }

    /// Takes a received chunk; writes the gathered ones once they reach a batch.
    pub async fn push(&mut self, chunk: Bytes) -> io::Result<()> {
        let file = self.file_mut()?;
        file.gather(&chunk);
        if file.taken() > IN_MEMORY_LIMIT {
            file.stop_keeping();
        }
        if file.unwritten() >= BLOCK {
            self.run(DirectFile::write_blocks).await?;
        }
        Ok(())
    }

    /// Writes everything received so far (not synced): called before waiting for a
    /// slow sender.
    pub async fn flush(&mut self) -> io::Result<()> {
        if self.file_mut()?.unwritten() == 0 {
            return Ok(());
        }
        self.run(DirectFile::write_through).await
    }

    /// Writes everything and makes the file durable; returns the capture's bytes when
    /// they were kept.
    pub async fn sync(mut self) -> io::Result<Option<Bytes>> {
        let file = self.take_file()?;
        blocking(move || file.finish()).await
    }

    /// Runs a writing step on the blocking pool.
    async fn run(&mut self, step: fn(&mut DirectFile) -> io::Result<()>) -> io::Result<()> {
        let mut file = self.take_file()?;
        let (file, done) = tokio::task::spawn_blocking(move || {
            let done = step(&mut file);
            (file, done)
        })
        .await
        .map_err(io::Error::other)?;
        self.file = Some(file);
        done
    }

    fn file_mut(&mut self) -> io::Result<&mut DirectFile> {
        self.file.as_mut().ok_or_else(lost)
    }

    fn take_file(&mut self) -> io::Result<DirectFile> {
        self.file.take().ok_or_else(lost)
    }
}

fn lost() -> io::Error {
    io::Error::other("upload file lost by an earlier failed write")
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(count: u32) -> (Vec<Bytes>, Vec<u8>) {
        let mut all = Vec::new();
        let chunks = (0..count)
            .map(|i| {
                // chunks of odd sizes crossing the batch size several times
                let chunk: Vec<u8> = (0..(7_000 + i * 13)).map(|j| (i + j) as u8).collect();
                all.extend_from_slice(&chunk);
                Bytes::from(chunk)
            })
            .collect();
        (chunks, all)
    }

    #[tokio::test]
    async fn chunks_arrive_in_the_file_in_order_and_whole_and_are_handed_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("upload.part");
        let (chunks, expected) = chunks(300);
        let mut file = UploadFile::create(&path, Some(expected.len() as u64))
            .await
            .expect("create");
        let mut pushed = 0;
        for (i, chunk) in chunks.into_iter().enumerate() {
            pushed += chunk.len();
            file.push(chunk).await.expect("push");
            if i % 50 == 0 {
                // the sender paused: all received so far is in the file
                file.flush().await.expect("flush");
                let on_disk = std::fs::read(&path).expect("read");
                assert!(on_disk == expected[..pushed], "after chunk {i}");
            }
        }
        let kept = file.sync().await.expect("sync");
        assert!(std::fs::read(&path).expect("read") == expected);
        assert!(kept.expect("kept") == expected);
    }

    #[tokio::test]
    async fn a_capture_beyond_the_memory_limit_is_written_but_not_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("upload.part");
        let mut file = UploadFile::create(&path, None).await.expect("create");
        let chunk = Bytes::from(vec![0x5Au8; 1 << 20]);
        let count = (IN_MEMORY_LIMIT >> 20) as usize + 2;
        for _ in 0..count {
            file.push(chunk.clone()).await.expect("push");
        }
        assert!(file.sync().await.expect("sync").is_none());
        assert_eq!(
            std::fs::metadata(&path).expect("meta").len(),
            (count << 20) as u64
        );
    }
}
