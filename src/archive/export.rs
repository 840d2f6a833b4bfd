//! Copying a record out of the archive, as the seed's Player does it: the copy is in
//! the clear (audio decrypted, sidecar metadata as plain XML), so it can be handed to
//! someone without callrec. Moving inside the archive keeps a record as it is.

use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use super::audio_crypt::{DecryptingReader, is_encrypted};
use super::identity::TrustedKeys;
use super::keyring::KeyRing;
use super::record::ArchiveError;
use super::sidecar::check_sidecar;
use super::store::{hash_file, partial_path, sync_parent, write_atomic};
use super::verify::Found;

/// Copies a record's files into `dest_dir` in the clear; returns the paths written.
/// A sidecar this installation cannot open is copied unchanged.
pub fn copy_out(
    found: &Found,
    dest_dir: &Path,
    ring: &KeyRing,
    trusted: &TrustedKeys,
) -> Result<Vec<PathBuf>, ArchiveError> {
    fs::create_dir_all(dest_dir)?;
    let mut written = Vec::new();
    if let Some(audio) = &found.audio {
        let target = dest_dir.join(file_name(audio)?);
        copy_audio_clear(audio, &target, ring)?;
        written.push(target);
    }
    if let Some(sidecar) = &found.sidecar {
        let target = dest_dir.join(file_name(sidecar)?);
        let bytes = fs::read(sidecar)?;
        let check = check_sidecar(
            &bytes,
            || match &found.audio {
                Some(a) => hash_file(a).map(Some),
                None => Ok(None),
            },
            ring,
            trusted,
        );
        match check.metadata {
            Some(metadata) => write_atomic(&target, metadata.to_xml().as_bytes())?,
            None => write_atomic(&target, &bytes)?,
        }
        written.push(target);
        let notes = sidecar.with_extension("txt");
        if notes.is_file() {
            let target = dest_dir.join(file_name(&notes)?);
            write_atomic(&target, &fs::read(&notes)?)?;
            written.push(target);
        }
    }
    Ok(written)
}

fn file_name(path: &Path) -> io::Result<String> {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io::Error::other(format!("{} has no file name", path.display())))
}

/// Writes the plain audio of `source` (decrypting it when needed) to `target`.
pub fn copy_audio_clear(source: &Path, target: &Path, ring: &KeyRing) -> Result<(), ArchiveError> {
    let mut head = [0u8; 16];
    let n = io::Read::read(&mut File::open(source)?, &mut head)?;
    let partial = partial_path(target);
    let result = (|| -> Result<(), ArchiveError> {
        if is_encrypted(&head[..n]) {
            let mut reader = DecryptingReader::new(File::open(source)?, ring)
                .map_err(|e| ArchiveError::Other(format!("{}: {e}", source.display())))?;
            let mut out = BufWriter::new(File::create(&partial)?);
            reader
                .copy_to(&mut out)
                .map_err(|e| ArchiveError::Other(format!("{}: {e}", source.display())))?;
            let file = out.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        } else {
            fs::copy(source, &partial)?;
            File::open(&partial)?.sync_all()?;
        }
        fs::rename(&partial, target)?;
        sync_parent(target)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}
