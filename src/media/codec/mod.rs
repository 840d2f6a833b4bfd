//! Audio codecs behind one small trait, and the registry that picks one per payload type.
//!
//! Adding a codec means one new file with an [`AudioDecoder`] and one line in
//! [`Codec::decoder`]. Decoders never fail a call: a payload they cannot read
//! becomes concealment, and an unsupported codec leaves its side silent.

mod comfort_noise;
mod g711;
mod g722;
mod g729;
pub mod telephone_event;

pub use comfort_noise::ComfortNoise;

/// A payload format as the converter understands it.
///
/// `Copy`, because the converter hands a packet's codec along for every packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Codec {
    Pcma,
    Pcmu,
    G722,
    G729,
    /// RFC 3389 comfort noise: a level, not audio frames.
    ComfortNoise,
    /// RFC 4733 telephone events: DTMF digits, not audio.
    TelephoneEvent,
    /// Anything else, by its SDP name or `PT<n>`; that side stays silent.
    Unsupported(CodecName),
}

/// The name of a codec callrec does not decode, for warnings and reports: kept
/// inline (up to 22 bytes, longer SDP names are cut on a character boundary) so
/// that [`Codec`] stays `Copy`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodecName {
    len: u8,
    bytes: [u8; 22],
}

impl CodecName {
    pub fn new(name: &str) -> Self {
        let mut end = name.len().min(22);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0; 22];
        bytes[..end].copy_from_slice(&name.as_bytes()[..end]);
        CodecName {
            len: end as u8,
            bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        // made from a `str` cut on a character boundary
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("?")
    }
}

impl Ord for CodecName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for CodecName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for CodecName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for CodecName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl Codec {
    /// Maps an SDP encoding name (case-insensitive) to a codec.
    pub fn from_name(name: &str) -> Codec {
        match name.to_ascii_uppercase().as_str() {
            "PCMA" => Codec::Pcma,
            "PCMU" => Codec::Pcmu,
            "G722" => Codec::G722,
            "G729" | "G729A" | "G729B" | "G729AB" => Codec::G729,
            "CN" => Codec::ComfortNoise,
            "TELEPHONE-EVENT" => Codec::TelephoneEvent,
            other => Codec::Unsupported(CodecName::new(other)),
        }
    }

    /// Short name used in reports and the sidecar.
    pub fn name(&self) -> String {
        match self {
            Codec::Pcma => "PCMA".into(),
            Codec::Pcmu => "PCMU".into(),
            Codec::G722 => "G722".into(),
            Codec::G729 => "G729".into(),
            Codec::ComfortNoise => "CN".into(),
            Codec::TelephoneEvent => "telephone-event".into(),
            Codec::Unsupported(name) => name.to_string(),
        }
    }

    /// Is this a codec that carries speech samples (as opposed to events or noise levels)?
    pub fn is_audio(&self) -> bool {
        matches!(self, Codec::Pcma | Codec::Pcmu | Codec::G722 | Codec::G729)
    }

    /// Samples the decoder produces per second. G.722 decodes to 16 kHz although its
    /// RTP clock runs at 8 kHz (RFC 3551).
    pub fn sample_rate(&self) -> u32 {
        match self {
            Codec::G722 => 16_000,
            _ => 8_000,
        }
    }

    /// A fresh decoder, or `None` for payloads that carry no audio or cannot be decoded.
    pub fn decoder(&self) -> Option<Box<dyn AudioDecoder>> {
        match self {
            Codec::Pcma => Some(Box::new(g711::G711Decoder::alaw())),
            Codec::Pcmu => Some(Box::new(g711::G711Decoder::ulaw())),
            Codec::G722 => Some(Box::new(g722::G722::new())),
            Codec::G729 => Some(Box::new(g729::G729::new())),
            _ => None,
        }
    }
}

/// Why samples are missing between two packets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Packets were lost (sequence numbers skipped): the codec may conceal.
    Lost,
    /// The sender paused on purpose (VAD/DTX after a SID frame).
    Discontinuous,
}

/// Turns payloads of one codec into 16-bit PCM at [`AudioDecoder::sample_rate`].
pub trait AudioDecoder: Send {
    fn sample_rate(&self) -> u32;
    /// Decodes one RTP payload, appending samples to `out`.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>);
    /// Produces `samples` samples to cover a gap. The default is silence; codecs with
    /// packet-loss concealment or comfort-noise generation do better.
    fn fill(&mut self, gap: Gap, samples: usize, out: &mut Vec<i16>) {
        let _ = gap;
        out.resize(out.len() + samples, 0);
    }
    /// True when the last payload put the codec into discontinuous transmission.
    fn in_dtx(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_names_are_kept_and_long_ones_cut_on_a_character_boundary() {
        assert_eq!(Codec::from_name("opus").name(), "OPUS");
        let long = "X-VERY-LONG-CODEC-NAME-ÄÖÜ-AND-MORE";
        let name = Codec::from_name(long).name();
        assert!(long.to_ascii_uppercase().starts_with(&name), "{name}");
        assert!(name.len() <= 22);
        let cut = CodecName::new("ABCDEFGHIJKLMNOPQRSTUÄ");
        assert_eq!(cut.as_str(), "ABCDEFGHIJKLMNOPQRSTU");
    }
}
