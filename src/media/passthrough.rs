//! A-law passthrough: when the output is stereo A-law at 8 kHz (the archive's
//! default), the converter's timeline carries A-law bytes (as values 0..=255) instead
//! of linear samples. A-law payloads are copied, not decoded and encoded again, which
//! saves about a fifth of a conversion and keeps the bytes the device sent: decoding
//! and encoding with the codec crate give every byte back but one, 0x55 (the smallest
//! negative level), which comes back as 0xD5 (the smallest positive one); a unit test
//! checks all 256. Audio that is not A-law (another codec, concealment, comfort noise)
//! is decoded as usual and encoded on its way onto the timeline.

use super::codec::{AudioDecoder, Gap};
use super::writer::g711_table::{alaw_code, to_alaw_codes};

/// An A-law payload as it is.
pub struct AlawBytes;

impl AudioDecoder for AlawBytes {
    fn sample_rate(&self) -> u32 {
        8000
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        out.extend(payload.iter().map(|&b| i16::from(b)));
    }

    /// G.711 has no concealment: a gap is silence.
    fn fill(&mut self, _gap: Gap, samples: usize, out: &mut Vec<i16>) {
        out.resize(out.len() + samples, i16::from(alaw_code(0)));
    }
}

/// Another 8 kHz codec, its samples encoded to A-law bytes.
pub struct EncodedToAlaw(pub Box<dyn AudioDecoder>);

impl AudioDecoder for EncodedToAlaw {
    fn sample_rate(&self) -> u32 {
        self.0.sample_rate()
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let from = out.len();
        self.0.decode(payload, out);
        to_alaw_codes(&mut out[from..]);
    }

    fn fill(&mut self, gap: Gap, samples: usize, out: &mut Vec<i16>) {
        let from = out.len();
        self.0.fill(gap, samples, out);
        to_alaw_codes(&mut out[from..]);
    }

    fn in_dtx(&self) -> bool {
        self.0.in_dtx()
    }
}

/// The decoder for `codec` on a passthrough timeline, if it can be on one (its own
/// rate must be 8 kHz: samples of another rate would need resampling first).
pub fn decoder_for(codec: &super::codec::Codec) -> Option<Box<dyn AudioDecoder>> {
    match codec {
        super::codec::Codec::Pcma => Some(Box::new(AlawBytes)),
        other => other
            .decoder()
            .filter(|d| d.sample_rate() == 8000)
            .map(|d| Box::new(EncodedToAlaw(d)) as Box<dyn AudioDecoder>),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::codec::Codec;

    #[test]
    fn alaw_bytes_pass_as_they_are_where_decoding_and_encoding_would_change_one() {
        let bytes: Vec<u8> = (0..=255).collect();
        let mut decoded = Vec::new();
        Codec::Pcma
            .decoder()
            .expect("A-law")
            .decode(&bytes, &mut decoded);
        let again: Vec<u8> = decoded.iter().map(|s| alaw_code(*s)).collect();
        let changed: Vec<(u8, u8)> = bytes
            .iter()
            .zip(&again)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        assert_eq!(
            changed,
            [(0x55, 0xd5)],
            "decoding and encoding keep every byte but the smallest negative level"
        );
        let mut passed = Vec::new();
        AlawBytes.decode(&bytes, &mut passed);
        assert!(passed.iter().zip(&bytes).all(|(p, b)| *p == i16::from(*b)));
    }
}
