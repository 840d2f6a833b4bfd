//! What a record says about its call: the inner XML of the sidecar (version 1).
//! `docs/ARCHIVE.md` documents every element; this file is its source of truth.

use serde::{Deserialize, Serialize};

use super::name::Direction;

pub const METADATA_VERSION: u32 = 1;

/// The root element `<record version="1">`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename = "record")]
pub struct RecordMetadata {
    #[serde(rename = "@version")]
    pub version: u32,
    pub call: CallInfo,
    pub internal: Party,
    pub external: Party,
    #[serde(default)]
    pub conferences: List<Conference>,
    pub source: Source,
    pub audio: AudioInfo,
    #[serde(default)]
    pub streams: List<Stream>,
    #[serde(default)]
    pub dtmf: List<Digit>,
    /// Every CDR that described this call, exactly as the PBX sent it.
    #[serde(default)]
    pub cdrs: List<RawCdr>,
    #[serde(default)]
    pub warnings: List<Warning>,
    pub recorder: Recorder,
}

/// A wrapper for repeated child elements (`<streams><item …/>…</streams>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    #[serde(rename = "item", default = "Vec::new")]
    pub items: Vec<T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List { items: Vec::new() }
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        List { items }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallInfo {
    /// The call's unique id (innovaphone: the conference id of the recording).
    #[serde(rename = "@uid")]
    pub uid: String,
    #[serde(rename = "@direction")]
    pub direction: Direction,
    /// RFC 3339 UTC, e.g. `2026-11-27T12:00:05Z`.
    #[serde(rename = "@start-utc")]
    pub start_utc: String,
    /// Local wall-clock time of the start (`2026-11-27T13:00:05`), as the name uses it.
    #[serde(rename = "@start-local")]
    pub start_local: String,
    /// IANA zone (or fixed offset) the local time is in.
    #[serde(rename = "@time-zone")]
    pub time_zone: String,
    #[serde(rename = "@time-to-answer-s")]
    pub time_to_answer_s: u32,
    /// From the first setup to the release, when a CDR told it; else the audio length.
    #[serde(rename = "@duration-ms")]
    pub duration_ms: u64,
    /// From the answer to the release, when a CDR told it.
    #[serde(
        rename = "@connected-ms",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub connected_ms: Option<u64>,
    /// Where parties and times came from: `cdr` or `capture`.
    #[serde(rename = "@basis")]
    pub basis: String,
    /// Recording mode when known (`automatic`, `manual`, …).
    #[serde(rename = "@mode", skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<String>,
    #[serde(rename = "@tan", skip_serializing_if = "Option::is_none", default)]
    pub tan: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Party {
    #[serde(rename = "@number")]
    pub number: String,
    #[serde(rename = "@name", skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conference {
    #[serde(rename = "@id")]
    pub id: String,
}

/// The capture the record was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// File name as received (no folder).
    #[serde(rename = "@capture")]
    pub capture: String,
    #[serde(rename = "@sha256")]
    pub sha256: String,
    #[serde(rename = "@size")]
    pub size: u64,
    #[serde(
        rename = "@device-mac",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub device_mac: Option<String>,
    /// `phone`, `gateway` or `unknown`: which side the device's own stream is.
    #[serde(rename = "@device-kind")]
    pub device_kind: String,
    /// The channel rule the converter applied.
    #[serde(rename = "@channel-rule")]
    pub channel_rule: String,
}

/// The audio file, before any encryption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    #[serde(rename = "@format")]
    pub format: String,
    #[serde(rename = "@sample-rate")]
    pub sample_rate: u32,
    #[serde(rename = "@channels")]
    pub channels: u16,
    #[serde(rename = "@duration-ms")]
    pub duration_ms: u64,
    /// SHA-256 of the plain audio (equals the stored file's hash when not encrypted).
    #[serde(rename = "@plain-sha256")]
    pub plain_sha256: String,
    #[serde(rename = "@plain-size")]
    pub plain_size: u64,
}

/// One RTP stream of the call, as measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stream {
    #[serde(rename = "@side")]
    pub side: String,
    #[serde(rename = "@codec")]
    pub codec: String,
    #[serde(rename = "@ssrc")]
    pub ssrc: String,
    #[serde(rename = "@packets")]
    pub packets: u64,
    #[serde(rename = "@lost")]
    pub lost: u64,
    #[serde(rename = "@duplicates")]
    pub duplicates: u64,
    #[serde(rename = "@reordered")]
    pub reordered: u64,
    #[serde(rename = "@jitter-ms")]
    pub jitter_ms: f64,
}

/// One DTMF digit heard in the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Digit {
    #[serde(rename = "@digit")]
    pub digit: String,
    #[serde(rename = "@side")]
    pub side: String,
    #[serde(rename = "@at-ms")]
    pub at_ms: i64,
    #[serde(rename = "@duration-ms")]
    pub duration_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawCdr {
    #[serde(rename = "$text", default)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    #[serde(rename = "$text", default)]
    pub text: String,
}

/// Who wrote the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorder {
    /// Id of the signing key (`ed-…`).
    #[serde(rename = "@id")]
    pub id: String,
    /// The name the site gave this recorder.
    #[serde(rename = "@name")]
    pub name: String,
    #[serde(rename = "@software")]
    pub software: String,
}

impl RecordMetadata {
    pub fn to_xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let mut ser = quick_xml::se::Serializer::new(&mut out);
        ser.indent(' ', 1);
        self.serialize(ser)
            .expect("metadata serialises: every field is a plain value");
        out.push('\n');
        out
    }

    pub fn from_xml(text: &str) -> Result<RecordMetadata, String> {
        let meta: RecordMetadata = quick_xml::de::from_str(text).map_err(|e| e.to_string())?;
        if meta.version != METADATA_VERSION {
            return Err(format!("metadata version {} is not known", meta.version));
        }
        Ok(meta)
    }
}

#[cfg(test)]
pub(crate) fn sample() -> RecordMetadata {
    RecordMetadata {
        version: METADATA_VERSION,
        call: CallInfo {
            uid: "e89277f0e909d31192e80090331032dd".into(),
            direction: Direction::Incoming,
            start_utc: "2026-11-27T12:00:05Z".into(),
            start_local: "2026-11-27T13:00:05".into(),
            time_zone: "Europe/Berlin".into(),
            time_to_answer_s: 3,
            duration_ms: 64_000,
            connected_ms: Some(61_000),
            basis: "cdr".into(),
            mode: None,
            tan: None,
        },
        internal: Party {
            number: "24".into(),
            name: Some("Agent <24> & co".into()),
        },
        external: Party {
            number: "012345".into(),
            name: None,
        },
        conferences: vec![Conference {
            id: "e89277f0e909d31192e80090331032dd".into(),
        }]
        .into(),
        source: Source {
            capture: "e89277f0e909d31192e80090331032dd-009033010203-1.pcap".into(),
            sha256: "00".repeat(32),
            size: 1234,
            device_mac: Some("009033010203".into()),
            device_kind: "phone".into(),
            channel_rule: "innovaphone phone".into(),
        },
        audio: AudioInfo {
            format: "alaw".into(),
            sample_rate: 8000,
            channels: 2,
            duration_ms: 61_000,
            plain_sha256: "11".repeat(32),
            plain_size: 976_044,
        },
        streams: vec![Stream {
            side: "external".into(),
            codec: "PCMA".into(),
            ssrc: "0x1234".into(),
            packets: 3050,
            lost: 1,
            duplicates: 0,
            reordered: 2,
            jitter_ms: 1.25,
        }]
        .into(),
        dtmf: vec![Digit {
            digit: "5".into(),
            side: "external".into(),
            at_ms: 1000,
            duration_ms: 120,
        }]
        .into(),
        cdrs: vec![RawCdr {
            text: "<cdr e164=\"100\"><event msg=\"setup-to\"/></cdr>".into(),
        }]
        .into(),
        warnings: List::default(),
        recorder: Recorder {
            id: "ed-0011223344556677".into(),
            name: "front desk".into(),
            software: "callrec 0.1.0".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_xml() {
        let meta = sample();
        let xml = meta.to_xml();
        assert!(xml.contains("&lt;cdr e164="), "{xml}");
        assert_eq!(RecordMetadata::from_xml(&xml).unwrap(), meta);
        assert!(RecordMetadata::from_xml("<record version=\"9\"/>").is_err());
        assert!(RecordMetadata::from_xml("garbage").is_err());
    }
}
