//! Moving a finished record from a recorder's local store into the archive's bucket
//! without ever losing or overwriting one.
//!
//! The protocol, per record (audio `A`, sidecar `S`, both already signed locally):
//!
//! 1. Find a name: `S` absent and `A` absent → free. `S` present with exactly our
//!    bytes → ours already (an earlier attempt died after writing it): go on at 3.
//!    Anything else → another recorder's record: try `~2`, `~3`, … as the folder
//!    store does.
//! 2. Put `S`, then `A`, each with `If-None-Match: *`. A listing shows a record by its
//!    audio, and an object appears only whole, so a reader never sees half a record.
//! 3. Read back: both objects' ETags must be those our puts got (or, from a store
//!    that gave none, the MD5 of our bytes). Stores that ignore `If-None-Match`
//!    (Garage 2.x does) could let a second writer overwrite in the instant between 1
//!    and 2; the read-back finds that, and the record is tried again (it then finds
//!    the other's sidecar under the name and takes the next one, while the owner of
//!    the sidecar writes its audio again). The audio's own MD5 is worked out only
//!    where no put of ours gave its ETag (an earlier attempt's object): a 4 MB
//!    record's MD5 costs more of the recorder's CPU than the rest of its upload.
//!
//! Only after 3 may the caller delete the local files: every step can be repeated after
//! a crash and finds what the last attempt left.

use std::fs;
use std::path::Path;

use bytes::Bytes;
use md5::{Digest, Md5};

use super::bucket::{Bucket, BucketError, Put};
use super::name::RecordName;
use super::sidecar::MAX_SIDECAR;

/// Where a record went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    /// Its name in the bucket, store-relative (`2026_11/<name>.wav`).
    pub relative: String,
    /// Its local name, store-relative, when the bucket's differs (`~2`).
    pub renamed_from: Option<String>,
    /// Found complete in the bucket already (an earlier attempt).
    pub already: bool,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Bucket(#[from] BucketError),
    #[error("cannot read {0}: {1}")]
    Local(String, std::io::Error),
    #[error("{0} is not a record name")]
    NotARecord(String),
    #[error(
        "{0} did not read back as written (another writer at the same moment?); it is tried again"
    )]
    NotAsWritten(String),
    #[error("999 records in the bucket are already named {0}")]
    Full(String),
    /// Not tried: the bucket failed for another record of the same pass.
    #[error("not tried: the bucket failed")]
    Skipped,
}

/// What a name in the bucket holds, compared with the record to be put there.
enum Holder {
    Free,
    Ours,
    Other,
}

fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// Whether the object's ETag says it holds `md5`. An ETag that is not a plain MD5
/// (multipart, some encryption modes) cannot say; then size alone is compared.
fn etag_matches(etag: Option<&str>, md5: &str) -> Option<bool> {
    let tag = etag?.trim_matches('"');
    (tag.len() == 32 && tag.bytes().all(|c| c.is_ascii_hexdigit()))
        .then(|| tag.eq_ignore_ascii_case(md5))
}

/// How a bucket lays its records out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The archive: `YYYY_MM/<name>`.
    Months,
    /// The backup copy: `<name>`, flat, as the seed's backup folder.
    Flat,
}

/// Copies the record whose audio is `audio` (its sidecar beside it) into the archive's
/// `bucket`, in month folders.
pub fn upload_record(bucket: &Bucket, audio: &Path) -> Result<Uploaded, UploadError> {
    upload_record_as(bucket, audio, Layout::Months)
}

/// [`upload_record`] into a bucket laid out as `layout`.
pub fn upload_record_as(
    bucket: &Bucket,
    audio: &Path,
    layout: Layout,
) -> Result<Uploaded, UploadError> {
    let file = audio
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let local = RecordName::parse(&file).map_err(|_| UploadError::NotARecord(file.clone()))?;
    let sidecar_path = audio.with_extension("xml");
    let read = |p: &Path| {
        fs::read(p)
            .map(Bytes::from)
            .map_err(|e| UploadError::Local(p.display().to_string(), e))
    };
    let audio_bytes = read(audio)?;
    let sidecar_bytes = read(&sidecar_path)?;
    let audio_md5_once = std::cell::OnceCell::new();
    let audio_md5 = || {
        audio_md5_once
            .get_or_init(|| md5_hex(&audio_bytes))
            .as_str()
    };
    let sidecar_md5 = md5_hex(&sidecar_bytes);
    let folder = match layout {
        Layout::Months => format!("{}/", local.start.month_folder()),
        Layout::Flat => String::new(),
    };
    let local_relative = format!("{folder}{local}");
    let first = local.collision.unwrap_or(1);
    for k in 0..999u32 {
        // the local name first, then the next free `~n` after it
        let name = RecordName {
            collision: if k == 0 {
                local.collision
            } else {
                Some(first + k)
            },
            ..local.clone()
        };
        let audio_key = format!("{folder}{name}");
        let sidecar_key = format!("{folder}{}", name.with_extension("xml"));
        let holder = match bucket.get(&sidecar_key, MAX_SIDECAR)? {
            Some(there) if there == sidecar_bytes => Holder::Ours,
            Some(_) => Holder::Other,
            None if bucket.head(&audio_key)?.is_some() => Holder::Other,
            None => Holder::Free,
        };
        let already = match holder {
            Holder::Other => continue,
            Holder::Free => {
                if bucket.put_new(&sidecar_key, sidecar_bytes.clone())? == Put::Taken {
                    continue;
                }
                false
            }
            Holder::Ours => true,
        };
        // the ETag the audio must have: what our put got, else its MD5
        let mut audio_tag = None;
        // the sidecar under this name is ours: the audio beside it must be too (a name
        // found free a moment ago has none)
        let audio_there = if already {
            bucket.head(&audio_key)?
        } else {
            None
        };
        let audio_ok = audio_there.as_ref().is_some_and(|o| {
            o.size == audio_bytes.len() as u64
                && etag_matches(o.etag.as_deref(), audio_md5()) != Some(false)
        });
        let already = already && audio_ok;
        if !audio_ok {
            if audio_there.is_none() {
                match bucket.put_new(&audio_key, audio_bytes.clone())? {
                    Put::Taken => return Err(UploadError::NotAsWritten(audio_key)),
                    Put::Written(tag) => audio_tag = tag,
                }
            } else {
                // a second writer's audio beside our sidecar: the name is ours
                bucket.put(&audio_key, audio_bytes.clone())?;
            }
        }
        let sidecar_back = bucket.head(&sidecar_key)?;
        let audio_back = bucket.head(&audio_key)?;
        let sidecar_ok = sidecar_back.is_some_and(|o| {
            o.size == sidecar_bytes.len() as u64
                && etag_matches(o.etag.as_deref(), &sidecar_md5) != Some(false)
        });
        let audio_ok = audio_back.is_some_and(|o| {
            o.size == audio_bytes.len() as u64
                && match (&audio_tag, &o.etag) {
                    (Some(ours), Some(there)) => ours == there,
                    _ => etag_matches(o.etag.as_deref(), audio_md5()) != Some(false),
                }
        });
        if !sidecar_ok || !audio_ok {
            return Err(UploadError::NotAsWritten(audio_key));
        }
        return Ok(Uploaded {
            renamed_from: (audio_key != local_relative).then(|| local_relative.clone()),
            relative: audio_key,
            already,
            bytes: (audio_bytes.len() + sidecar_bytes.len()) as u64,
        });
    }
    Err(UploadError::Full(local.base()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_speaks_only_when_it_is_a_plain_md5() {
        let md5 = md5_hex(b"abc");
        assert_eq!(etag_matches(Some(&format!("\"{md5}\"")), &md5), Some(true));
        assert_eq!(
            etag_matches(Some("\"900150983cd24fb0d6963f7d28e17f73\""), &md5_hex(b"x")),
            Some(false)
        );
        assert_eq!(etag_matches(Some("\"abc-2\""), &md5), None);
        assert_eq!(etag_matches(None, &md5), None);
    }
}
