//! What every archive command starts from: the setup in `recpath=` (or the user's
//! default setup folder), with any setup key given on the command line overriding
//! the saved value for this run only.

use std::path::{Path, PathBuf};

use super::args::{Args, UsageError};
use crate::archive::bucket::{Bucket, BucketConfig};
use crate::archive::identity::{Identity, TrustedKeys};
use crate::archive::keyring::KeyRing;
use crate::archive::record::Archiver;
use crate::archive::setup::{SETUP_KEYS, Setup, default_setup_dir};
use crate::archive::store::Store;
use crate::media::{ChannelMap, ConvertOptions, Mix, OutputFormat};

/// Setup keys that the command line may override on any archive command.
pub fn setup_key_names() -> Vec<&'static str> {
    SETUP_KEYS.iter().map(|k| k.name).collect()
}

/// The setup folder named by `recpath=`, else the default one.
pub fn setup_dir(args: &Args) -> PathBuf {
    args.get("recpath")
        .map(PathBuf::from)
        .unwrap_or_else(default_setup_dir)
}

/// Loads the setup and applies command-line overrides (not saved).
pub fn load_setup(args: &Args) -> Result<Setup, UsageError> {
    let dir = setup_dir(args);
    let mut setup = Setup::load(&dir).map_err(|e| UsageError(e.to_string()))?;
    for key in setup_key_names() {
        if let Some(value) = args.get(key) {
            setup
                .set(key, value)
                .map_err(|e| UsageError(e.to_string()))?;
        }
    }
    Ok(setup)
}

/// The store the setup points at; an error that says how to name one otherwise.
pub fn require_store(setup: &Setup) -> Result<Store, UsageError> {
    setup.store().ok_or_else(|| {
        UsageError("no archive: give store=DIR (or save one with 'callrec setup store=DIR')".into())
    })
}

/// The archive's bucket when the setup's `store` is `s3://…`.
pub fn bucket(setup: &Setup) -> Result<Option<Bucket>, UsageError> {
    open_bucket(setup.bucket())
}

/// The backup's bucket when the setup's `backup` is `s3://…`; it needs the archive in
/// a bucket too (the copy is made as the record moves).
pub fn backup_bucket(setup: &Setup) -> Result<Option<Bucket>, UsageError> {
    if setup.backup_bucket().is_some() && setup.bucket().is_none() {
        return Err(UsageError(
            "backup=s3://… needs store=s3://… (the backup copy is made when a record moves into the archive's bucket)".into(),
        ));
    }
    open_bucket(setup.backup_bucket())
}

fn open_bucket(config: Option<Result<BucketConfig, String>>) -> Result<Option<Bucket>, UsageError> {
    match config {
        None => Ok(None),
        Some(Err(why)) => Err(UsageError(why)),
        Some(Ok(config)) => Bucket::open(&config)
            .map(Some)
            .map_err(|e| UsageError(e.to_string())),
    }
}

/// The recorder `service` with its records moving into the setup's bucket, if the
/// archive is in one (said on stderr, as the other addresses are).
pub fn recorder_with_bucket(
    service: crate::recorder::service::Service,
    setup: &Setup,
) -> Result<crate::recorder::service::Service, UsageError> {
    Ok(match bucket(setup)? {
        Some(bucket) => {
            eprintln!(
                "callrec: records move into {} once made",
                bucket.config().describe()
            );
            service.with_bucket(bucket, backup_bucket(setup)?)
        }
        None => service,
    })
}

pub fn key_ring(setup: &Setup) -> Result<KeyRing, UsageError> {
    setup.key_ring().map_err(|e| UsageError(e.to_string()))
}

pub fn identity(setup: &Setup) -> Result<Identity, UsageError> {
    Identity::load_or_create(&setup.dir).map_err(|e| {
        UsageError(format!(
            "cannot read or create the identity key in {}: {e}",
            setup.dir.display()
        ))
    })
}

/// Keys a verifier trusts: those published in the store, plus this installation's own.
pub fn trusted_keys(store: Option<&Store>, own: &Identity) -> TrustedKeys {
    let mut trusted = store
        .map(|s| TrustedKeys::load_dir(&s.keys_dir()))
        .unwrap_or_default();
    trusted.add(own.public());
    trusted
}

/// The archiving installation described by the setup.
pub fn archiver(setup: &Setup) -> Result<Archiver, UsageError> {
    let mut store = require_store(setup)?;
    let journal = setup.get("journal");
    // with an archive in a bucket the journal folder is the local store itself
    if !journal.trim().is_empty() && setup.bucket().is_none() {
        store = store.with_journal(journal.trim());
    }
    let backup = setup.get("backup");
    let parse = |key: &str| setup.get(key);
    Ok(Archiver {
        store,
        // a backup in a bucket is made when the record moves (see `recorder_with_bucket`)
        backup: (!backup.is_empty() && !crate::archive::bucket::is_bucket_url(&backup))
            .then(|| PathBuf::from(backup)),
        ring: key_ring(setup)?,
        identity: identity(setup)?,
        recorder_name: parse("recorder"),
        seal_metadata: parse("encryptmetadata") == "on",
        encrypt_audio: parse("encryptaudio") == "on",
        options: ConvertOptions {
            format: OutputFormat::parse(&parse("format")).unwrap_or_default(),
            mix: Mix::parse(&parse("mix")).unwrap_or_default(),
            map: ChannelMap::parse(&parse("map")).unwrap_or_default(),
        },
    })
}

/// The store a record file lies in, when it lies in a month folder of one.
pub fn store_of_record(record: &Path) -> Option<Store> {
    let month = record.parent()?;
    crate::archive::name::is_month_folder(&month.file_name()?.to_string_lossy())
        .then(|| Store::new(month.parent().unwrap_or(Path::new("."))))
}
