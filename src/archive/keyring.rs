//! The AES-256 key ring that seals sidecars and (optionally) audio.
//!
//! As in the seed, every installation can open what the built-in default key sealed;
//! a site that wants more privacy sets a customer key. Every sealed blob names the
//! key that sealed it, so a ring that holds the default key plus every customer key a
//! site ever used opens every period, and a ring that lacks one reports the key id it
//! would need instead of guessing.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use sha2::{Digest, Sha256};

/// Id of the built-in key.
pub const DEFAULT_KEY_ID: &str = "default";

/// The built-in key. It is not a secret (it is in this source file); it keeps casual
/// readers out, exactly like the seed's system key. Privacy needs a customer key.
const DEFAULT_KEY: [u8; 32] = *b"callrec built-in archive key v1!";

/// Salt of the passphrase derivation: fixed, so every installation derives the same
/// key from the same passphrase (the seed's model: type the key into each Player).
const PASSPHRASE_SALT: &[u8] = b"callrec customer key v1";

/// One AES-256 key and the id sealed blobs name it by.
#[derive(Clone)]
pub struct ArchiveKey {
    pub id: String,
    key: [u8; 32],
}

impl std::fmt::Debug for ArchiveKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ArchiveKey({})", self.id)
    }
}

impl ArchiveKey {
    /// The built-in key.
    pub fn default_key() -> ArchiveKey {
        ArchiveKey {
            id: DEFAULT_KEY_ID.to_string(),
            key: DEFAULT_KEY,
        }
    }

    /// A customer key from the passphrase a site types in (e.g. "MySuperSecret007Key").
    /// Argon2id (19 MiB, 2 passes) makes guessing a weak passphrase slow; the id is the
    /// first 8 bytes of SHA-256 of the key, so it names the key without revealing it.
    pub fn from_passphrase(passphrase: &str) -> Result<ArchiveKey, KeyError> {
        if passphrase.is_empty() {
            return Ok(ArchiveKey::default_key());
        }
        let mut key = [0u8; 32];
        argon2::Argon2::default()
            .hash_password_into(passphrase.as_bytes(), PASSPHRASE_SALT, &mut key)
            .map_err(|e| KeyError(format!("cannot derive the customer key: {e}")))?;
        Ok(ArchiveKey::from_bytes(key))
    }

    /// A key given as 32 raw bytes (e.g. from a hardware token or a key file).
    pub fn from_bytes(key: [u8; 32]) -> ArchiveKey {
        let digest = Sha256::digest(key);
        ArchiveKey {
            id: format!("c-{}", hex::encode(&digest[..8])),
            key,
        }
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.key))
    }

    /// Encrypts `plain` with a fresh random nonce; returns `nonce ‖ ciphertext ‖ tag`.
    /// `aad` is authenticated, not stored: the opener must pass the same bytes.
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce = random_array::<12>();
        let sealed = self
            .cipher()
            .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad })
            .expect("AES-GCM encrypts any message below 64 GiB");
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    /// Opens what [`ArchiveKey::seal`] produced; `None` when the key or the bytes are wrong.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        self.cipher()
            .decrypt(&Nonce::from(nonce), Payload { msg: body, aad })
            .ok()
    }

    /// Encrypts one chunk with a caller-built nonce (the audio stream derives it from
    /// the chunk index); returns `ciphertext ‖ tag`.
    pub fn seal_with_nonce(&self, nonce: [u8; 12], plain: &[u8], aad: &[u8]) -> Vec<u8> {
        self.cipher()
            .encrypt(&Nonce::from(nonce), Payload { msg: plain, aad })
            .expect("AES-GCM encrypts any message below 64 GiB")
    }

    /// Opens one chunk sealed by [`ArchiveKey::seal_with_nonce`].
    pub fn open_with_nonce(&self, nonce: [u8; 12], sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        self.cipher()
            .decrypt(&Nonce::from(nonce), Payload { msg: sealed, aad })
            .ok()
    }
}

/// The keys one installation holds: the default key, the key it writes with, and
/// any older customer keys it still needs to read.
#[derive(Debug, Clone)]
pub struct KeyRing {
    keys: Vec<ArchiveKey>,
    current: usize,
}

impl Default for KeyRing {
    fn default() -> Self {
        KeyRing {
            keys: vec![ArchiveKey::default_key()],
            current: 0,
        }
    }
}

impl KeyRing {
    /// A ring that writes with `current` and can also read every key in `others`.
    pub fn new(current: ArchiveKey, others: Vec<ArchiveKey>) -> KeyRing {
        let mut ring = KeyRing::default();
        for key in others {
            ring.add(key);
        }
        ring.current = ring.add(current);
        ring
    }

    /// Adds a key for reading (once); returns its position.
    pub fn add(&mut self, key: ArchiveKey) -> usize {
        match self.keys.iter().position(|k| k.id == key.id) {
            Some(i) => i,
            None => {
                self.keys.push(key);
                self.keys.len() - 1
            }
        }
    }

    /// The key new records are sealed with.
    pub fn current(&self) -> &ArchiveKey {
        &self.keys[self.current]
    }

    /// The key with this id, if the ring holds it.
    pub fn get(&self, id: &str) -> Option<&ArchiveKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Ids of every key held, for messages.
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }
}

/// A key could not be made.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// `N` bytes from the operating system's generator.
pub fn random_array<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_key_scenario_leaves_every_held_period_readable() {
        let a = ArchiveKey::from_passphrase("MySuperSecret007Key").unwrap();
        let b = ArchiveKey::from_passphrase("MyBrandNewKey").unwrap();
        // months 0–3 default, 3–5 key A, 5–7 default, then key B
        let periods = [
            ArchiveKey::default_key(),
            a.clone(),
            ArchiveKey::default_key(),
            b.clone(),
        ];
        let sealed: Vec<(String, Vec<u8>)> = periods
            .iter()
            .map(|k| (k.id.clone(), k.seal(b"cdr", b"aad")))
            .collect();
        let full = KeyRing::new(b.clone(), vec![a.clone()]);
        for (id, blob) in &sealed {
            assert_eq!(full.get(id).unwrap().open(blob, b"aad").unwrap(), b"cdr");
        }
        let lacking_a = KeyRing::new(b, vec![]);
        assert!(lacking_a.get(&sealed[1].0).is_none());
        assert!(lacking_a.get(&sealed[2].0).is_some());
        assert!(lacking_a.get(&sealed[3].0).is_some());
    }

    #[test]
    fn a_flipped_byte_or_wrong_aad_does_not_open() {
        let key = ArchiveKey::default_key();
        let mut blob = key.seal(b"hello", b"x");
        assert!(key.open(&blob, b"y").is_none());
        blob[20] ^= 1;
        assert!(key.open(&blob, b"x").is_none());
        assert!(key.open(&blob[..10], b"x").is_none());
    }
}
