//! Who uses the Player and with which keys: the archive it shows, the key ring that
//! opens sealed records, the keys it trusts for verdicts, and the identity that signs
//! its lines in the activity log ("played", "note", "tan", "copied", "deleted").

use super::permissions::Permissions;
use crate::archive::audit::{self, Action, Entry};
use crate::archive::identity::{Identity, TrustedKeys};
use crate::archive::keyring::KeyRing;
use crate::archive::store::Store;

/// Cloned into the threads that change records off the window's thread; the signing
/// identity is shared, not copied.
#[derive(Clone)]
pub struct Session {
    pub store: Store,
    pub ring: KeyRing,
    pub identity: std::sync::Arc<Identity>,
    pub trusted: TrustedKeys,
    /// Name in the activity log.
    pub user: String,
    /// What this Player may do and show.
    pub permissions: Permissions,
    /// Open in SOS (rescue) mode: an emergency desk's Player.
    pub start_in_sos: bool,
    /// Open with the high-contrast theme (setup `contrast=high`).
    pub high_contrast: bool,
    /// Where this Player keeps its own state (audio settings, memory positions): the
    /// setup folder; none: nothing is kept.
    pub state_dir: Option<std::path::PathBuf>,
    /// The flat backup folder, which the Player can list instead of the store.
    pub backup: Option<std::path::PathBuf>,
    /// The archive in a bucket, when the Player lists that (`store` is then its cache).
    pub bucket: Option<super::bucket_source::BucketSource>,
}

impl Session {
    /// A session on `store`: trusts the keys published there and its own.
    pub fn new(store: Store, ring: KeyRing, identity: Identity, user: String) -> Session {
        let mut trusted = TrustedKeys::load_dir(&store.keys_dir());
        trusted.add(identity.public());
        Session {
            store,
            ring,
            identity: std::sync::Arc::new(identity),
            trusted,
            user,
            permissions: Permissions::default(),
            start_in_sos: false,
            high_contrast: false,
            state_dir: None,
            backup: None,
            bucket: None,
        }
    }

    /// A session on the archive in `bucket`, with its records fetched into `cache` as
    /// they are played. It trusts its own key and those published in the bucket (read
    /// by the bucket's source, again once a minute). Records in a bucket are changed by
    /// their recorders and retention only: this Player plays, checks, marks and (with
    /// the right) copies them out, and changes none (its setup's rights to delete,
    /// move, set TANs and notes do not apply). Its own lines (played, copied) go to its
    /// own log in the cache, which a copy out sends into the bucket beside the
    /// recorders' logs (see [`Session::share_log`]).
    pub fn on_bucket(
        bucket: super::bucket_source::BucketSource,
        ring: KeyRing,
        identity: Identity,
        user: String,
    ) -> Session {
        let mut session = Session::new(Store::new(&bucket.cache), ring, identity, user);
        session.bucket = Some(bucket);
        session.permissions = read_only(session.permissions);
        session
    }

    /// The same session with this desk's settings from its setup: SOS at start, the
    /// look, where its own state is kept, and (for a store's Player) the backup folder.
    pub fn with_desk_setup(
        mut self,
        setup: &crate::archive::setup::Setup,
        backup: bool,
    ) -> Session {
        self.start_in_sos = setup.on("sosstart");
        self.high_contrast = setup.get("contrast") == "high";
        self.state_dir = Some(setup.dir.clone());
        let folder = setup.get("backup");
        if backup && !folder.is_empty() {
            self.backup = Some(std::path::PathBuf::from(folder));
        }
        self
    }

    /// The same session, limited to `permissions` (and on a bucket to reading).
    pub fn with_permissions(mut self, permissions: Permissions) -> Session {
        self.permissions = if self.bucket.is_some() {
            read_only(permissions)
        } else {
            permissions
        };
        self
    }

    /// A record's name relative to the store (`2026_11/….wav`), for per-record state.
    pub fn relative(&self, audio: &std::path::Path) -> String {
        audio
            .strip_prefix(&self.store.root)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|| audio.display().to_string())
    }

    /// Appends a line for a record given by its audio path; a record outside the store's
    /// month folders is named by its path.
    pub fn log(
        &self,
        action: Action,
        audio: &std::path::Path,
        detail: &str,
    ) -> std::io::Result<()> {
        let record = self.relative(audio);
        self.identity.public().publish(&self.store.keys_dir())?;
        audit::append(
            &self.store.audit_log(),
            &Entry {
                action,
                record: &record,
                actor: &self.user,
                detail,
            },
            &self.identity,
        )
    }

    /// Sends this Player's own activity log and public key into the archive's bucket,
    /// when the session is on one (nothing otherwise): a copy out of a bucket is then
    /// in the archive's logs, signed by this Player, and `verify` checks that chain too.
    pub fn share_log(&self) -> Result<(), String> {
        let Some(bucket) = &self.bucket else {
            return Ok(());
        };
        crate::archive::bucket_outbox::share_log(
            &bucket.bucket,
            &self.store.audit_log(),
            &self.identity.public(),
        )
        .map_err(|e| format!("the archive's bucket did not take this Player's activity log: {e}"))
    }
}

/// `permissions` without the rights to change records (a copy out changes none).
fn read_only(permissions: Permissions) -> Permissions {
    Permissions {
        delete: false,
        tan: false,
        notes: false,
        ..permissions
    }
}
