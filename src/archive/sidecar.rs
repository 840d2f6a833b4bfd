//! The sidecar file (`<record>.xml`): the metadata, sealed with a ring key, plus an
//! Ed25519 signature over it and over the audio file's hash.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <callrec-sidecar version="1">
//!  <audio sha256="…" size="…" encryption="none|aes-256-gcm-stream"/>
//!  <metadata encoding="aes-256-gcm|plain" key="default|c-…|-">BASE64</metadata>
//!  <signature algorithm="ed25519" signer="ed-…">BASE64</signature>
//! </callrec-sidecar>
//! ```
//! The signature covers the text returned by [`SignedFields::message`], built from
//! the attributes and the SHA-256 of the decoded metadata bytes, so it can be
//! checked with OpenSSL without any secret (`docs/ARCHIVE.md` shows how). The file
//! must also be byte-for-byte what this module writes for its fields: any other edit,
//! even in whitespace, counts as a change.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::identity::{Identity, TrustedKeys};
use super::keyring::KeyRing;
use super::metadata::RecordMetadata;
use crate::lang::{Arg, t, tr};

pub const SIDECAR_VERSION: u32 = 1;
/// Authenticated data of the sealed metadata: binds the ciphertext to its purpose.
const METADATA_AAD: &[u8] = b"callrec-metadata-v1";
/// A sidecar larger than this is not ours (raw CDRs of a long transfer chain stay far below).
pub const MAX_SIDECAR: u64 = 4 << 20;

/// How the stored audio file is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudioEncryption {
    #[serde(rename = "none")]
    None,
    #[serde(rename = "aes-256-gcm-stream")]
    Stream,
}

impl AudioEncryption {
    fn as_str(self) -> &'static str {
        match self {
            AudioEncryption::None => "none",
            AudioEncryption::Stream => "aes-256-gcm-stream",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "callrec-sidecar")]
struct SidecarXml {
    #[serde(rename = "@version")]
    version: u32,
    audio: AudioXml,
    metadata: MetadataXml,
    signature: SignatureXml,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AudioXml {
    #[serde(rename = "@sha256")]
    sha256: String,
    #[serde(rename = "@size")]
    size: u64,
    #[serde(rename = "@encryption")]
    encryption: AudioEncryption,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct MetadataXml {
    #[serde(rename = "@encoding")]
    encoding: String,
    #[serde(rename = "@key")]
    key: String,
    #[serde(rename = "$text")]
    body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SignatureXml {
    #[serde(rename = "@algorithm")]
    algorithm: String,
    #[serde(rename = "@signer")]
    signer: String,
    #[serde(rename = "$text")]
    value: String,
}

/// The fields a signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFields {
    pub audio_sha256: String,
    pub audio_size: u64,
    pub audio_encryption: AudioEncryption,
    pub metadata_encoding: String,
    pub metadata_key: String,
    pub metadata_sha256: String,
    pub signer: String,
}

impl SignedFields {
    /// The exact bytes that are signed: one `key=value` line each, `\n` after every line.
    pub fn message(&self) -> String {
        format!(
            "callrec-sidecar-v1\naudio-sha256={}\naudio-size={}\naudio-encryption={}\n\
             metadata-encoding={}\nmetadata-key={}\nmetadata-sha256={}\nsigner={}\n",
            self.audio_sha256,
            self.audio_size,
            self.audio_encryption.as_str(),
            self.metadata_encoding,
            self.metadata_key,
            self.metadata_sha256,
            self.signer
        )
    }
}

/// What the audio file must hash to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioDigest {
    pub sha256: [u8; 32],
    pub size: u64,
    pub encryption: AudioEncryption,
}

/// Writes a sidecar: seals the metadata (unless `seal` is false) and signs.
pub fn write_sidecar(
    metadata: &RecordMetadata,
    audio: AudioDigest,
    ring: &KeyRing,
    seal: bool,
    identity: &Identity,
) -> String {
    let plain = metadata.to_xml();
    let (encoding, key, bytes) = if seal {
        let key = ring.current();
        (
            "aes-256-gcm",
            key.id.clone(),
            key.seal(plain.as_bytes(), METADATA_AAD),
        )
    } else {
        ("plain", "-".to_string(), plain.into_bytes())
    };
    let fields = SignedFields {
        audio_sha256: hex::encode(audio.sha256),
        audio_size: audio.size,
        audio_encryption: audio.encryption,
        metadata_encoding: encoding.to_string(),
        metadata_key: key.clone(),
        metadata_sha256: hex::encode(Sha256::digest(&bytes)),
        signer: identity.public().id(),
    };
    let signature = identity.sign(fields.message().as_bytes());
    render(&SidecarXml {
        version: SIDECAR_VERSION,
        audio: AudioXml {
            sha256: fields.audio_sha256,
            size: audio.size,
            encryption: audio.encryption,
        },
        metadata: MetadataXml {
            encoding: encoding.to_string(),
            key,
            body: BASE64.encode(&bytes),
        },
        signature: SignatureXml {
            algorithm: "ed25519".to_string(),
            signer: fields.signer,
            value: BASE64.encode(signature),
        },
    })
}

fn render(xml: &SidecarXml) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 1);
    xml.serialize(ser)
        .expect("sidecar serialises: every field is a plain value");
    out.push('\n');
    out
}

/// The trust verdict on one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Signed by a trusted key; sidecar and audio are as written.
    Original,
    /// The audio or the sidecar was changed (or damaged) after it was written.
    Manipulated,
    /// No callrec signature: a seed-era record, a bare audio file, a foreign sidecar.
    Unsigned,
    /// Cannot be decided or opened here: unknown signer, or a key this ring lacks.
    Unknown,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Verdict::Original => "Original",
            Verdict::Manipulated => "Manipulated",
            Verdict::Unsigned => "Unsigned",
            Verdict::Unknown => "Cannot be checked here",
        })
    }
}

/// A verdict, its reason in words, and the metadata when it could be opened.
#[derive(Debug, Clone)]
pub struct Check {
    pub verdict: Verdict,
    pub reason: String,
    pub signer: Option<String>,
    pub audio_encryption: Option<AudioEncryption>,
    pub metadata: Option<RecordMetadata>,
}

impl Check {
    fn new(verdict: Verdict, reason: impl Into<String>) -> Check {
        Check {
            verdict,
            reason: reason.into(),
            signer: None,
            audio_encryption: None,
            metadata: None,
        }
    }
}

/// Checks a sidecar against the audio digest. `audio` is `None` when the audio file is
/// absent; `hash_audio` is called only once the sidecar itself is sound, so a verifier
/// does not read gigabytes of audio for a record it already knows is broken.
pub fn check_sidecar(
    sidecar: &[u8],
    hash_audio: impl FnOnce() -> std::io::Result<Option<([u8; 32], u64)>>,
    ring: &KeyRing,
    trusted: &TrustedKeys,
) -> Check {
    let Ok(text) = std::str::from_utf8(sidecar) else {
        return Check::new(Verdict::Unsigned, t("reason-not-utf8"));
    };
    if !text.contains("<callrec-sidecar") {
        return Check::new(Verdict::Unsigned, t("reason-foreign"));
    }
    let xml: SidecarXml = match quick_xml::de::from_str(text) {
        Ok(x) => x,
        Err(e) => {
            return Check::new(
                Verdict::Manipulated,
                tr("reason-damaged", &[("why", Arg::from(e.to_string()))]),
            );
        }
    };
    if xml.version != SIDECAR_VERSION {
        return Check::new(
            Verdict::Unknown,
            tr(
                "reason-newer",
                &[("version", Arg::from(xml.version.to_string()))],
            ),
        );
    }
    if render(&xml) != text {
        return Check::new(Verdict::Manipulated, t("reason-edited"));
    }
    let Ok(bytes) = BASE64.decode(xml.metadata.body.trim()) else {
        return Check::new(Verdict::Manipulated, t("reason-not-base64"));
    };
    let fields = SignedFields {
        audio_sha256: xml.audio.sha256.clone(),
        audio_size: xml.audio.size,
        audio_encryption: xml.audio.encryption,
        metadata_encoding: xml.metadata.encoding.clone(),
        metadata_key: xml.metadata.key.clone(),
        metadata_sha256: hex::encode(Sha256::digest(&bytes)),
        signer: xml.signature.signer.clone(),
    };
    let mut check = Check::new(Verdict::Original, "");
    check.signer = Some(fields.signer.clone());
    check.audio_encryption = Some(xml.audio.encryption);
    let Some(key) = trusted.get(&fields.signer) else {
        check.verdict = Verdict::Unknown;
        check.reason = tr(
            "reason-untrusted",
            &[("signer", Arg::from(fields.signer.as_str()))],
        );
        return check;
    };
    let signature = BASE64
        .decode(xml.signature.value.trim())
        .unwrap_or_default();
    if xml.signature.algorithm != "ed25519" || !key.verify(fields.message().as_bytes(), &signature)
    {
        check.verdict = Verdict::Manipulated;
        check.reason = t("reason-signature");
        return check;
    }
    match hash_audio() {
        Ok(Some((sha, size))) => {
            if size != xml.audio.size || hex::encode(sha) != xml.audio.sha256 {
                check.verdict = Verdict::Manipulated;
                check.reason = t("reason-audio-changed");
                return check;
            }
        }
        Ok(None) => {
            check.verdict = Verdict::Manipulated;
            check.reason = t("reason-audio-missing");
            return check;
        }
        Err(e) => {
            check.verdict = Verdict::Unknown;
            check.reason = tr(
                "reason-audio-unreadable",
                &[("why", Arg::from(e.to_string()))],
            );
            return check;
        }
    }
    let plain = match xml.metadata.encoding.as_str() {
        "plain" => Some(bytes),
        "aes-256-gcm" => match ring.get(&xml.metadata.key) {
            Some(key) => key.open(&bytes, METADATA_AAD),
            None => {
                check.verdict = Verdict::Unknown;
                check.reason = tr(
                    "reason-key-missing",
                    &[("key", Arg::from(xml.metadata.key.as_str()))],
                );
                return check;
            }
        },
        other => {
            check.verdict = Verdict::Unknown;
            check.reason = tr("reason-encoding", &[("encoding", Arg::from(other))]);
            return check;
        }
    };
    match plain
        .and_then(|p| String::from_utf8(p).ok())
        .map(|t| RecordMetadata::from_xml(&t))
    {
        Some(Ok(meta)) => {
            check.metadata = Some(meta);
            check.reason = t("reason-original");
        }
        Some(Err(e)) => {
            check.verdict = Verdict::Unknown;
            check.reason = tr(
                "reason-metadata-unreadable",
                &[("why", Arg::from(e.to_string()))],
            );
        }
        None => {
            check.verdict = Verdict::Manipulated;
            check.reason = t("reason-sealed");
        }
    }
    check
}

/// The metadata of a sidecar, opened with `ring` when sealed, *without* checking the
/// signature or the audio: for showing names in a list, never for a verdict (that is
/// [`check_sidecar`]'s). `None` when it cannot be read or opened.
pub fn read_metadata(sidecar: &[u8], ring: &KeyRing) -> Option<RecordMetadata> {
    let text = std::str::from_utf8(sidecar).ok()?;
    if !text.contains("<callrec-sidecar") {
        return None;
    }
    let xml: SidecarXml = quick_xml::de::from_str(text).ok()?;
    let bytes = BASE64.decode(xml.metadata.body.trim()).ok()?;
    let plain = match xml.metadata.encoding.as_str() {
        "plain" => bytes,
        "aes-256-gcm" => ring.get(&xml.metadata.key)?.open(&bytes, METADATA_AAD)?,
        _ => return None,
    };
    RecordMetadata::from_xml(&String::from_utf8(plain).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::super::keyring::ArchiveKey;
    use super::super::metadata::sample;
    use super::*;

    fn digest() -> AudioDigest {
        AudioDigest {
            sha256: [7; 32],
            size: 42,
            encryption: AudioEncryption::None,
        }
    }

    fn hashed() -> std::io::Result<Option<([u8; 32], u64)>> {
        Ok(Some(([7; 32], 42)))
    }

    #[test]
    fn the_reason_is_said_in_the_installations_language() {
        use crate::lang::{Language, with_language};
        let id = Identity::generate();
        let mut trusted = TrustedKeys::default();
        trusted.add(id.public());
        let ring = KeyRing::default();
        let text = write_sidecar(&sample(), digest(), &ring, true, &id);
        let changed = || Ok(Some(([8; 32], 42)));
        let reasons = |language| {
            with_language(language, || {
                [
                    check_sidecar(text.as_bytes(), hashed, &ring, &trusted).reason,
                    check_sidecar(text.as_bytes(), changed, &ring, &trusted).reason,
                ]
            })
        };
        assert_eq!(
            reasons(Language::English),
            [
                "signed, sidecar and audio unchanged",
                "the audio file was changed: its SHA-256 does not match"
            ]
        );
        assert_eq!(
            reasons(Language::German),
            [
                "signiert, Begleitdatei und Audio unverändert",
                "die Audiodatei wurde verändert: ihr SHA-256 stimmt nicht"
            ]
        );
    }

    #[test]
    fn original_until_anything_changes() {
        let id = Identity::generate();
        let mut trusted = TrustedKeys::default();
        trusted.add(id.public());
        let ring = KeyRing::default();
        for seal in [true, false] {
            let text = write_sidecar(&sample(), digest(), &ring, seal, &id);
            let check = check_sidecar(text.as_bytes(), hashed, &ring, &trusted);
            assert_eq!(check.verdict, Verdict::Original, "{}", check.reason);
            assert_eq!(check.metadata.unwrap(), sample());
            let other_audio = || Ok(Some(([8; 32], 42)));
            let check = check_sidecar(text.as_bytes(), other_audio, &ring, &trusted);
            assert_eq!(check.verdict, Verdict::Manipulated);
            for at in 0..text.len() {
                let mut bytes = text.clone().into_bytes();
                bytes[at] ^= 0x01;
                let check = check_sidecar(&bytes, hashed, &ring, &trusted);
                assert_ne!(check.verdict, Verdict::Original, "flip at {at}");
            }
        }
        let stranger = check_sidecar(
            write_sidecar(&sample(), digest(), &ring, true, &Identity::generate()).as_bytes(),
            hashed,
            &ring,
            &trusted,
        );
        assert_eq!(stranger.verdict, Verdict::Unknown);
    }

    #[test]
    fn a_key_the_ring_lacks_is_unknown_not_manipulated() {
        let id = Identity::generate();
        let mut trusted = TrustedKeys::default();
        trusted.add(id.public());
        let writer = KeyRing::new(ArchiveKey::from_bytes([3; 32]), vec![]);
        let text = write_sidecar(&sample(), digest(), &writer, true, &id);
        let check = check_sidecar(text.as_bytes(), hashed, &KeyRing::default(), &trusted);
        assert_eq!(check.verdict, Verdict::Unknown);
        assert!(check.reason.contains("c-"), "{}", check.reason);
        assert!(check.metadata.is_none());
    }
}
