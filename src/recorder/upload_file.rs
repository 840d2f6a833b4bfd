//! An upload's file in the journal, written in batches on the blocking pool.
//!
//! `tokio::fs::File` copies every chunk it is given and hands each one to a blocking
//! thread: for a capture arriving in 16 KiB chunks that is hundreds of thread
//! hand-overs and a copy of every byte. Here the received chunks (reference-counted
//! `Bytes`, not copied) are gathered while they arrive back to back, up to about
//! 1 MiB, and written in one blocking call; the receiver flushes whenever it would
//! wait for the sender, so nothing received stays in memory while the line is quiet.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use axum::body::Bytes;

/// Chunks gathered before they are written.
const BATCH: usize = 1 << 20;

pub struct UploadFile {
    /// `None` only while a blocking write has it.
    file: Option<File>,
    pending: Vec<Bytes>,
    pending_len: usize,
}

impl UploadFile {
    pub async fn create(path: &Path) -> io::Result<UploadFile> {
        let path = path.to_path_buf();
        let file = blocking(move || File::create(path)).await?;
        Ok(UploadFile {
            file: Some(file),
            pending: Vec::new(),
            pending_len: 0,
        })
    }

    /// Takes a received chunk; writes the gathered ones once they reach [`BATCH`].
    pub async fn push(&mut self, chunk: Bytes) -> io::Result<()> {
        self.pending_len += chunk.len();
        self.pending.push(chunk);
        if self.pending_len >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes what is gathered and makes the file durable.
    pub async fn sync(mut self) -> io::Result<()> {
        self.flush().await?;
        let file = self.take_file()?;
        blocking(move || file.sync_all()).await
    }

    /// Writes the gathered chunks.
    pub async fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let chunks = std::mem::take(&mut self.pending);
        self.pending_len = 0;
        let mut file = self.take_file()?;
        let (file, written) = tokio::task::spawn_blocking(move || {
            let written = chunks.iter().try_for_each(|c| file.write_all(c));
            (file, written)
        })
        .await
        .map_err(io::Error::other)?;
        self.file = Some(file);
        written
    }

    fn take_file(&mut self) -> io::Result<File> {
        self.file
            .take()
            .ok_or_else(|| io::Error::other("upload file lost by an earlier failed write"))
    }
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

    #[tokio::test]
    async fn chunks_arrive_in_the_file_in_order_and_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("upload.part");
        let mut file = UploadFile::create(&path).await.expect("create");
        let mut expected = Vec::new();
        for i in 0..300u32 {
            // chunks of odd sizes crossing the batch size several times
            let chunk: Vec<u8> = (0..(7_000 + i * 13)).map(|j| (i + j) as u8).collect();
            expected.extend_from_slice(&chunk);
            file.push(Bytes::from(chunk)).await.expect("push");
        }
        file.sync().await.expect("sync");
        assert_eq!(std::fs::read(&path).expect("read"), expected);
    }
}
