//! `callrec verify` on an archive in a bucket: the same verdicts as on a folder, from
//! the bucket alone. The signers' keys come from `TMP/keys/`, each recorder's chain
//! from `TMP/logs/` (checked one by one: a break names its log), and every record is
//! read once, several at a time, and never written to disk.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use super::audit::{ChainReport, verify_chain_from};
use super::bucket::{Bucket, BucketError, Listed};
use super::bucket_outbox::{KEYS, LOGS, MAX_LOG};
use super::identity::{PublicKey, TrustedKeys};
use super::keyring::KeyRing;
use super::name::is_month_folder;
use super::sidecar::{Check, MAX_SIDECAR};
use super::verify::{Found, Parts, RecordResult, VerifyReport, assemble, check_parts};

/// The largest public key file taken from a bucket.
pub const MAX_KEY: u64 = 64 * 1024;

/// Records read at the same time.
const PARALLEL_READS: usize = 16;

/// The month folders of the archive in `bucket`, oldest first.
pub fn months(bucket: &Bucket) -> Result<Vec<String>, BucketError> {
    Ok(bucket
        .folders("")?
        .into_iter()
        .filter(|m| is_month_folder(m))
        .collect())
}

/// The keys published in the bucket, added to `trusted`.
pub fn published_keys(bucket: &Bucket, trusted: &mut TrustedKeys) -> Result<(), BucketError> {
    for key in bucket.list(KEYS)? {
        if key.name.ends_with(".pem")
            && key.size < MAX_KEY
            && let Some(bytes) = bucket.get(&format!("{KEYS}/{}", key.name), MAX_KEY)?
            && let Some(public) = PublicKey::from_pem(&String::from_utf8_lossy(&bytes))
        {
            trusted.add(public);
        }
    }
    Ok(())
}

/// Every recorder's chain, merged: lines added up, breaks named by their log, the
/// records each says are present together.
fn chains(bucket: &Bucket, trusted: &TrustedKeys) -> Result<ChainReport, BucketError> {
    let mut merged = ChainReport::default();
    for log in bucket.list(LOGS)? {
        let Some(bytes) = bucket.get(&format!("{LOGS}/{}", log.name), MAX_LOG)? else {
            continue;
        };
        let report = verify_chain_from(std::io::Cursor::new(bytes), trusted).map_err(|e| {
            BucketError::Failed(bucket.config().describe(), format!("{}: {e}", log.name))
        })?;
        merged.lines += report.lines;
        merged.legacy_lines += report.legacy_lines;
        merged.breaks.extend(
            report
                .breaks
                .into_iter()
                .map(|(line, why)| (line, format!("{}: {why}", log.name))),
        );
        merged.present.extend(report.present);
    }
    Ok(merged)
}

/// One record in the bucket: its audio and sidecar objects as listed.
struct Object {
    found: Found,
    audio: Option<Listed>,
    sidecar: Option<Listed>,
    month: String,
}

fn objects(bucket: &Bucket, month: &str) -> Result<Vec<Object>, BucketError> {
    let mut by_base: BTreeMap<String, Object> = BTreeMap::new();
    for o in bucket.list(month)? {
        let Some((base, ext)) = o.name.rsplit_once('.') else {
            continue;
        };
        let ext = ext.to_ascii_lowercase();
        if o.name.starts_with('.') || ext == "txt" {
            continue;
        }
        let entry = by_base.entry(base.to_string()).or_insert_with(|| Object {
            found: Found {
                label: String::new(),
                audio: None,
                sidecar: None,
            },
            audio: None,
            sidecar: None,
            month: month.to_string(),
        });
        let key = PathBuf::from(format!("{month}/{}", o.name));
        if ext == "xml" {
            entry.found.sidecar = Some(key);
            if entry.found.label.is_empty() {
                entry.found.label = format!("{month}/{base}.xml");
            }
            entry.sidecar = Some(o);
        } else {
            entry.found.audio = Some(key);
            entry.found.label = format!("{month}/{}", o.name);
            entry.audio = Some(o);
        }
    }
    Ok(by_base.into_values().collect())
}

/// The verdict on one record in the bucket, and the audio bytes read.
fn check_object(
    bucket: &Bucket,
    o: &Object,
    ring: &KeyRing,
    trusted: &TrustedKeys,
) -> (Check, u64) {
    let sidecar = o.sidecar.as_ref().map(|sidecar| Parts {
        size: Ok(sidecar.size),
        read: Box::new(move || {
            bucket
                .get(&format!("{}/{}", o.month, sidecar.name), MAX_SIDECAR)
                .map(|b| b.map(|b| b.to_vec()))
                .map_err(std::io::Error::other)
        }),
    });
    check_parts(
        sidecar,
        || match &o.audio {
            Some(audio) => {
                // hashed as it arrives, never held whole
                use sha2::{Digest, Sha256};
                let mut hasher = Sha256::new();
                let len = bucket
                    .read_each(&format!("{}/{}", o.month, audio.name), |piece| {
                        hasher.update(piece);
                        Ok(())
                    })
                    .map_err(std::io::Error::other)?
                    .ok_or_else(|| {
                        std::io::Error::other("the audio vanished while it was checked")
                    })?;
                Ok(Some((hasher.finalize().into(), len)))
            }
            None => Ok(None),
        },
        ring,
        trusted,
    )
}

/// Checks every record in the bucket, every recorder's chain, and which records the
/// chains say exist but the bucket lacks (and the other way round). `tick` is called
/// once per record checked, from several threads.
pub fn verify_bucket(
    bucket: &Bucket,
    ring: &KeyRing,
    trusted: &TrustedKeys,
    total: impl Fn(u64),
    tick: impl Fn() + Sync,
) -> Result<VerifyReport, BucketError> {
    let mut trusted = trusted.clone();
    published_keys(bucket, &mut trusted)?;
    let mut all = Vec::new();
    for month in months(bucket)? {
        all.extend(objects(bucket, &month)?);
    }
    total(all.len() as u64);
    let chain = chains(bucket, &trusted)?;
    // the work is waiting for the store, not the CPU: many requests at once
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(PARALLEL_READS)
        .build()
        .map_err(|e| BucketError::Failed(bucket.config().describe(), e.to_string()))?;
    let checked: Vec<(RecordResult, u64)> = pool.install(|| {
        all.par_iter()
            .map(|o| {
                let (check, bytes) = check_object(bucket, o, ring, &trusted);
                tick();
                (
                    RecordResult {
                        record: o.found.label.clone(),
                        verdict: check.verdict,
                        reason: check.reason,
                        signer: check.signer,
                    },
                    bytes,
                )
            })
            .collect()
    });
    let found: Vec<Found> = all.into_iter().map(|o| o.found).collect();
    Ok(assemble((&found, checked), (&[], Vec::new()), &chain))
}
