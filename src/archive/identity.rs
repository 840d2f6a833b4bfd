//! The Ed25519 identity of one installation: it signs every sidecar the recorder
//! writes and every audit line a recorder or Player appends.
//!
//! The private key is created on first run in the setup folder and never leaves it.
//! The public key is published as a standard PEM file under `STORE/TMP/keys/`, so
//! anyone can check a record with OpenSSL and no secret at all.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::keyring::random_array;

/// File name of the private key inside the setup folder.
pub const PRIVATE_KEY_FILE: &str = "callrec-identity.key";

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The signing half, held by one installation.
pub struct Identity {
    signing: SigningKey,
}

impl Identity {
    /// Loads the identity from `setup_dir`, creating it on first run.
    pub fn load_or_create(setup_dir: &Path) -> std::io::Result<Identity> {
        let path = setup_dir.join(PRIVATE_KEY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => {
                let bytes: [u8; 32] = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| {
                        std::io::Error::other(format!(
                            "{} is damaged: it must hold 64 hex digits",
                            path.display()
                        ))
                    })?;
                Ok(Identity {
                    signing: SigningKey::from_bytes(&bytes),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(setup_dir)?;
                let identity = Identity::generate();
                // Written whole under a temporary name, then linked into place: a process
                // killed halfway leaves no empty key, and of two first runs one key wins.
                let temp = super::store::partial_path(&path);
                let _ = fs::remove_file(&temp);
                write_private(&temp, &hex::encode(identity.signing.to_bytes()))?;
                let linked = fs::hard_link(&temp, &path);
                let _ = fs::remove_file(&temp);
                match linked {
                    Ok(()) => Ok(identity),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Identity::load_or_create(setup_dir)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// A fresh identity (tests, and first run).
    pub fn generate() -> Identity {
        Identity {
            signing: SigningKey::from_bytes(&random_array::<32>()),
        }
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.signing.verifying_key())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

/// The verifying half, which anyone may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// `ed-` and the first 8 bytes of SHA-256 of the key, in hex: how records and
    /// audit lines name their signer.
    pub fn id(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        format!("ed-{}", hex::encode(&digest[..8]))
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        self.0
            .verify(message, &Signature::from_bytes(&bytes))
            .is_ok()
    }

    /// PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as `openssl pkey -pubin` reads it.
    pub fn to_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(self.0.as_bytes());
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            BASE64.encode(der)
        )
    }

    pub fn from_pem(text: &str) -> Option<PublicKey> {
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .concat();
        let der = BASE64.decode(body.trim()).ok()?;
        let key: [u8; 32] = der.strip_prefix(&SPKI_PREFIX[..])?.try_into().ok()?;
        VerifyingKey::from_bytes(&key).ok().map(PublicKey)
    }

    /// Writes `DIR/<id>.pem` unless it is already there with the same key.
    pub fn publish(&self, keys_dir: &Path) -> std::io::Result<PathBuf> {
        fs::create_dir_all(keys_dir)?;
        let path = keys_dir.join(format!("{}.pem", self.id()));
        if fs::read_to_string(&path)
            .ok()
            .and_then(|t| PublicKey::from_pem(&t))
            != Some(*self)
        {
            super::store::write_atomic(&path, self.to_pem().as_bytes())?;
        }
        Ok(path)
    }
}

/// The public keys a verifier trusts, found by id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<PublicKey>,
}

impl TrustedKeys {
    /// Every `*.pem` in `dir` (a missing folder is an empty set).
    pub fn load_dir(dir: &Path) -> TrustedKeys {
        let mut keys = TrustedKeys::default();
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "pem")
                    && let Some(key) = fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| PublicKey::from_pem(&t))
                {
                    keys.add(key);
                }
            }
        }
        keys
    }

    pub fn add(&mut self, key: PublicKey) {
        if !self.keys.contains(&key) {
            self.keys.push(key);
        }
    }

    pub fn extend(&mut self, other: TrustedKeys) {
        for key in other.keys {
            self.add(key);
        }
    }

    pub fn get(&self, id: &str) -> Option<&PublicKey> {
        self.keys.iter().find(|k| k.id() == id)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_round_trips_through_pem() {
        let dir = tempfile::tempdir().unwrap();
        let first = Identity::load_or_create(dir.path()).unwrap();
        let again = Identity::load_or_create(dir.path()).unwrap();
        assert_eq!(first.public(), again.public());
        let signature = first.sign(b"message");
        let public = PublicKey::from_pem(&first.public().to_pem()).unwrap();
        assert!(public.verify(b"message", &signature));
        assert!(!public.verify(b"messagE", &signature));
        assert!(!Identity::generate().public().verify(b"message", &signature));
    }
}
