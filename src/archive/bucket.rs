//! The archive in an S3-compatible object store (`store=s3://BUCKET/PREFIX`): the same
//! names as the folder store (`PREFIX/YYYY_MM/<record>.wav` and `.xml`, the activity
//! logs under `PREFIX/TMP/logs/`, the published keys under `PREFIX/TMP/keys/`), reached
//! through `object_store`'s S3 client (request signing, retries and listing pages are
//! solved problems; nothing of S3 is written by hand here).
//!
//! The archive's code is synchronous (records are converted and checked on plain
//! threads), so this client blocks on a small runtime of its own. Calling it from a
//! tokio task would stall that task's worker: the recorder calls it from its own thread.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3Builder, S3ConditionalPut};
use object_store::path::Path as ObjectPath;
use object_store::{
    ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig,
};

/// How an archive in a bucket is reached: the setup's `store=s3://BUCKET/PREFIX` with
/// `s3endpoint`, `s3key`, `s3secret` and `s3region`.
#[derive(Clone, PartialEq, Eq)]
pub struct BucketConfig {
    /// `http://host:port` of the S3 API (a Garage node, MinIO, AWS, …).
    pub endpoint: String,
    pub bucket: String,
    /// Folder inside the bucket, without leading or trailing `/`; may be empty.
    pub prefix: String,
    pub key_id: String,
    pub secret: String,
    pub region: String,
}

impl std::fmt::Debug for BucketConfig {
    // the secret never reaches a log line
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

/// The scheme that marks a store or backup in a bucket.
pub const S3_SCHEME: &str = "s3://";

/// Whether a `store` or `backup` value names a bucket rather than a folder.
pub fn is_bucket_url(value: &str) -> bool {
    value.trim_start().starts_with(S3_SCHEME)
}

/// `s3://BUCKET/PREFIX` → (bucket, prefix); an error in words for anything else.
pub fn parse_bucket_url(value: &str) -> Result<(String, String), String> {
    let rest = value
        .trim()
        .strip_prefix(S3_SCHEME)
        .ok_or_else(|| format!("'{value}' is not s3://BUCKET/FOLDER"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    // S3's rules for bucket names: 3–63 lower-case letters, digits, '-' and '.'
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.');
    if !bucket_ok {
        return Err(format!(
            "'{bucket}' is not a bucket name (3 to 63 lower-case letters, digits, '-' or '.')"
        ));
    }
    let prefix = prefix.trim_matches('/');
    let prefix_ok = prefix.split('/').all(|part| {
        prefix.is_empty()
            || (!part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(&c)))
    });
    if !prefix_ok {
        return Err(format!(
            "'{prefix}' is not a folder in a bucket (letters, digits, '-', '_', '.', parts \
             separated by '/')"
        ));
    }
    Ok((bucket.to_string(), prefix.to_string()))
}

impl BucketConfig {
    /// The bucket named by `url` with the given access.
    pub fn new(
        url: &str,
        endpoint: &str,
        key_id: &str,
        secret: &str,
        region: &str,
    ) -> Result<BucketConfig, String> {
        let (bucket, prefix) = parse_bucket_url(url)?;
        let endpoint = endpoint.trim().trim_end_matches('/');
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(format!(
                "{url} needs s3endpoint=http://HOST:PORT (or https://), not '{endpoint}'"
            ));
        }
        if key_id.trim().is_empty() || secret.is_empty() {
            return Err(format!("{url} needs s3key= and s3secret="));
        }
        Ok(BucketConfig {
            endpoint: endpoint.to_string(),
            bucket,
            prefix,
            key_id: key_id.trim().to_string(),
            secret: secret.to_string(),
            region: if region.trim().is_empty() {
                "us-east-1".into()
            } else {
                region.trim().to_string()
            },
        })
    }

    /// `s3://bucket/prefix at http://host:port`, for messages.
    pub fn describe(&self) -> String {
        format!(
            "{}{}/{} at {}",
            S3_SCHEME, self.bucket, self.prefix, self.endpoint
        )
    }
}

/// Why the bucket could not be used, in words an operator can act on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BucketError {
    #[error("the object store {0} cannot be reached or did not answer: {1}")]
    Unreachable(String, String),
    #[error(
        "the object store {0} refused access (check s3key, s3secret and the key's rights on the bucket): {1}"
    )]
    Refused(String, String),
    #[error("the object store {0} answered with an error: {1}")]
    Failed(String, String),
}

/// What a put that must not overwrite found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    /// Written; with the ETag the store gave the object, when it gave one.
    Written(Option<String>),
    /// The name was taken already (by a store that honours `If-None-Match`).
    Taken,
}

/// One object as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The name below the folder listed (`2026_11_27_0930_….wav`).
    pub name: String,
    pub size: u64,
    /// Seconds since 1970 of the last write.
    pub modified_s: i64,
    pub etag: Option<String>,
}

/// An open bucket.
#[derive(Clone)]
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    config: BucketConfig,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bucket({})", self.config.describe())
    }
}

/// The runtime every bucket blocks on; built once, never dropped (dropping a runtime
/// inside another one panics).
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("callrec-bucket")
            .enable_all()
            .build()
            .expect("a tokio runtime for the object store")
    })
}

impl Bucket {
    /// Connects nothing yet: the first request shows whether the bucket answers.
    pub fn open(config: &BucketConfig) -> Result<Bucket, BucketError> {
        crate::http_client::install_tls_provider();
        let store = AmazonS3Builder::new()
            .with_endpoint(&config.endpoint)
            .with_bucket_name(&config.bucket)
            .with_access_key_id(&config.key_id)
            .with_secret_access_key(&config.secret)
            .with_region(&config.region)
            .with_virtual_hosted_style_request(false)
            // the payload is not hashed into the signature: every record is read back
            // and its MD5 compared after the put, which finds any change on the way
            .with_unsigned_payload(true)
            // If-None-Match on every put that must not overwrite; see `put_new`
            .with_conditional_put(S3ConditionalPut::ETagMatch)
            .with_client_options(
                // the client options carry the http switch: set it here, not before
                ClientOptions::new()
                    .with_allow_http(config.endpoint.starts_with("http://"))
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_timeout(Duration::from_secs(120)),
            )
            // a failure must reach the lamp in seconds; the outbox retries anyway
            .with_retry(RetryConfig {
                max_retries: 2,
                retry_timeout: Duration::from_secs(15),
                ..RetryConfig::default()
            })
            .build()
            .map_err(|e| BucketError::Failed(config.describe(), e.to_string()))?;
        Ok(Bucket {
            store: Arc::new(store),
            config: config.clone(),
        })
    }

    pub fn config(&self) -> &BucketConfig {
        &self.config
    }

    /// The object's full path for a store-relative name (`2026_11/x.wav`, `TMP/…`).
    fn path(&self, relative: &str) -> ObjectPath {
        if self.config.prefix.is_empty() {
            ObjectPath::from(relative)
        } else {
            ObjectPath::from(format!("{}/{relative}", self.config.prefix))
        }
    }

    fn error(&self, e: object_store::Error) -> BucketError {
        use object_store::Error as E;
        let at = self.config.describe();
        match e {
            E::PermissionDenied { source, .. } | E::Unauthenticated { source, .. } => {
                BucketError::Refused(at, in_words(&source.to_string()))
            }
            E::Generic { source, .. } => {
                let text = source.to_string();
                if text.contains("403") || text.contains("AccessDenied") {
                    BucketError::Refused(at, in_words(&text))
                } else if text.contains("error sending request")
                    || text.contains("timed out")
                    || text.contains("onnect")
                {
                    BucketError::Unreachable(at, in_words(&text))
                } else {
                    BucketError::Failed(at, in_words(&text))
                }
            }
            other => BucketError::Failed(at, in_words(&other.to_string())),
        }
    }

    /// Writes `bytes` under `relative` unless the name is taken. Stores that honour
    /// `If-None-Match: *` (AWS S3, MinIO, Ceph, R2) refuse a second writer themselves;
    /// for those that ignore it (Garage 2.x) the caller checks the name beforehand and
    /// reads the object's hash back afterwards (see `bucket_upload`).
    pub fn put_new(&self, relative: &str, bytes: Bytes) -> Result<Put, BucketError> {
        let path = self.path(relative);
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        match runtime().block_on(self.store.put_opts(&path, PutPayload::from(bytes), options)) {
            Ok(done) => Ok(Put::Written(done.e_tag)),
            Err(object_store::Error::AlreadyExists { .. })
            | Err(object_store::Error::Precondition { .. }) => Ok(Put::Taken),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Writes `bytes` under `relative`, replacing what is there (a recorder's own
    /// activity log, which only grows).
    pub fn put(&self, relative: &str, bytes: Bytes) -> Result<(), BucketError> {
        let path = self.path(relative);
        runtime()
            .block_on(self.store.put(&path, PutPayload::from(bytes)))
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// The object's bytes, when it holds at most `at_most` of them (an object from the
    /// network is never taken whole without a bound); `None` when there is no such
    /// object.
    pub fn get(&self, relative: &str, at_most: u64) -> Result<Option<Bytes>, BucketError> {
        let mut bytes = Vec::new();
        let read = self.read_each(relative, |piece| {
            if bytes.len() as u64 + piece.len() as u64 > at_most {
                return Err(std::io::Error::other(format!(
                    "larger than {at_most} bytes: not what callrec stores there"
                )));
            }
            bytes.extend_from_slice(piece);
            Ok(())
        })?;
        Ok(read.map(|_| Bytes::from(bytes)))
    }

    /// Reads the object piece by piece into `each` (never whole into memory: a record
    /// may be as large as a capture allows); its length, or `None` when there is no
    /// such object.
    pub fn read_each(
        &self,
        relative: &str,
        each: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<Option<u64>, BucketError> {
        self.read_each_from(relative, 0, each)
    }

    /// [`Bucket::read_each`] from byte `offset` on (which must lie inside the object):
    /// a log that only grows is read from where the last reading ended.
    pub fn read_each_from(
        &self,
        relative: &str,
        offset: u64,
        mut each: impl FnMut(&[u8]) -> std::io::Result<()>,
    ) -> Result<Option<u64>, BucketError> {
        let path = self.path(relative);
        let options = object_store::GetOptions {
            range: (offset > 0).then_some(object_store::GetRange::Offset(offset)),
            ..Default::default()
        };
        runtime().block_on(async {
            let result = match self.store.get_opts(&path, options).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(self.error(e)),
            };
            let mut stream = result.into_stream();
            let mut total = 0u64;
            while let Some(piece) = stream.next().await {
                let piece = piece.map_err(|e| self.error(e))?;
                total += piece.len() as u64;
                each(&piece).map_err(|e| {
                    BucketError::Failed(self.config.describe(), format!("{relative}: {e}"))
                })?;
            }
            Ok(Some(total))
        })
    }

    /// Size and ETag of the object; `None` when there is no such object.
    pub fn head(&self, relative: &str) -> Result<Option<Listed>, BucketError> {
        let path = self.path(relative);
        match runtime().block_on(self.store.head(&path)) {
            Ok(meta) => Ok(Some(listed(meta))),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    pub fn delete(&self, relative: &str) -> Result<(), BucketError> {
        let path = self.path(relative);
        match runtime().block_on(self.store.delete(&path)) {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// The objects directly in `folder` (store-relative, e.g. `2026_11`), every page.
    pub fn list(&self, folder: &str) -> Result<Vec<Listed>, BucketError> {
        let path = self.path(folder);
        runtime().block_on(async {
            let mut out = Vec::new();
            let mut stream = self.store.list(Some(&path));
            while let Some(item) = stream.next().await {
                let meta = item.map_err(|e| self.error(e))?;
                // `list` is recursive: only the folder's own objects
                if meta
                    .location
                    .prefix_match(&path)
                    .is_some_and(|rest| rest.count() == 1)
                {
                    out.push(listed(meta));
                }
            }
            Ok(out)
        })
    }

    /// The sub-folders of `folder` (`""` for the archive's top), by name.
    pub fn folders(&self, folder: &str) -> Result<Vec<String>, BucketError> {
        let path = if folder.is_empty() && self.config.prefix.is_empty() {
            None
        } else if folder.is_empty() {
            Some(ObjectPath::from(self.config.prefix.as_str()))
        } else {
            Some(self.path(folder))
        };
        let listing = runtime()
            .block_on(self.store.list_with_delimiter(path.as_ref()))
            .map_err(|e| self.error(e))?;
        let mut names: Vec<String> = listing
            .common_prefixes
            .iter()
            .filter_map(|p| p.filename().map(str::to_string))
            .collect();
        names.sort();
        Ok(names)
    }
}

/// What an operator needs of a client error: the store's own code and message when it
/// sent them (`AccessDenied: Forbidden: …`), else the client's words without the
/// request's whole address, at most 200 characters.
fn in_words(text: &str) -> String {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = text.find(&open)? + open.len();
        let end = text[start..].find(&format!("</{name}>"))? + start;
        Some(text[start..end].to_string())
    };
    let words = match (tag("Code"), tag("Message")) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code,
        _ if text.contains("error sending request") || text.contains("onnect") => {
            "no answer (the address is wrong, or the store is down or out of reach)".into()
        }
        _ if text.contains("timed out") => "no answer in time".into(),
        _ => text.rsplit(" - ").next().unwrap_or(text).trim().to_string(),
    };
    words.chars().take(200).collect()
}

fn listed(meta: object_store::ObjectMeta) -> Listed {
    Listed {
        name: meta.location.filename().unwrap_or_default().to_string(),
        size: meta.size,
        modified_s: meta.last_modified.timestamp(),
        etag: meta.e_tag,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stores_error_is_told_by_its_code_and_message() {
        let forbidden = "Error performing PUT http://127.0.0.1:3900/callrec/x.xml in 2ms - \
            Server returned non-2xx status code: 403 Forbidden: <?xml version=\"1.0\"?>\
            <Error><Code>AccessDenied</Code><Message>Forbidden: Operation is not allowed \
            for this key.</Message><Resource>/callrec/x.xml</Resource></Error>";
        assert_eq!(
            in_words(forbidden),
            "AccessDenied: Forbidden: Operation is not allowed for this key."
        );
        assert!(
            in_words("Error performing GET http://x in 1ms - HTTP error: error sending request")
                .starts_with("no answer")
        );
        assert!(in_words(&"x".repeat(500)).len() <= 200);
    }

    #[test]
    fn bucket_urls_are_checked_before_anything_is_sent() {
        assert_eq!(
            parse_bucket_url("s3://callrec/site-a/rec").unwrap(),
            ("callrec".into(), "site-a/rec".into())
        );
        assert_eq!(
            parse_bucket_url("s3://callrec").unwrap(),
            ("callrec".into(), String::new())
        );
        assert_eq!(
            parse_bucket_url("s3://callrec/a/").unwrap().1,
            "a".to_string()
        );
        for bad in [
            "/srv/rec",
            "s3://",
            "s3://Upper",
            "s3://ab",
            "s3://callrec/../x",
            "s3://callrec/a//b",
            "s3://callrec/a b",
        ] {
            assert!(parse_bucket_url(bad).is_err(), "{bad} was taken");
        }
        assert!(BucketConfig::new("s3://callrec", "ftp://x", "k", "s", "").is_err());
        assert!(BucketConfig::new("s3://callrec", "http://127.0.0.1:3900", "", "s", "").is_err());
        let config = BucketConfig::new(
            "s3://callrec/a",
            "http://127.0.0.1:3900/",
            "GK1",
            "very-secret-words",
            "",
        )
        .unwrap();
        assert_eq!(config.endpoint, "http://127.0.0.1:3900");
        assert_eq!(config.region, "us-east-1");
        assert!(!format!("{config:?}").contains("very-secret"));
    }
}
