//! G.711 A-law and µ-law (PT 8 and 0).
//!
//! Decoding is a 256-entry table per law. The tables are filled once from the
//! `audio-codec` crate's own decoders, so the samples are the crate's exactly; the
//! table only saves the per-call dispatch and per-byte arithmetic, which on a long
//! call is a measurable share of the conversion time.

use std::sync::OnceLock;

use audio_codec::Decoder;
use audio_codec::pcma::PcmaDecoder;
use audio_codec::pcmu::PcmuDecoder;

use super::AudioDecoder;

pub struct G711Decoder {
    table: &'static [i16; 256],
}

fn table_from(mut decoder: impl Decoder) -> [i16; 256] {
    let bytes: Vec<u8> = (0..=255).collect();
    let mut table = [0i16; 256];
    let n = decoder.decode_into(&bytes, &mut table).unwrap_or(0);
    assert_eq!(n, 256, "a G.711 decoder yields one sample per byte");
    table
}

impl G711Decoder {
    pub fn alaw() -> Self {
        static TABLE: OnceLock<[i16; 256]> = OnceLock::new();
        G711Decoder {
            table: TABLE.get_or_init(|| table_from(PcmaDecoder::new())),
        }
    }
    pub fn ulaw() -> Self {
        static TABLE: OnceLock<[i16; 256]> = OnceLock::new();
        G711Decoder {
            table: TABLE.get_or_init(|| table_from(PcmuDecoder::new())),
        }
    }
}

impl AudioDecoder for G711Decoder {
    fn sample_rate(&self) -> u32 {
        8000
    }
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        out.extend(payload.iter().map(|&b| self.table[usize::from(b)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_crate_decoders_byte_for_byte() {
        let bytes: Vec<u8> = (0..=255).rev().chain(0..=255).collect();
        for (mut ours, mut theirs) in [
            (
                G711Decoder::alaw(),
                Box::new(PcmaDecoder::new()) as Box<dyn Decoder>,
            ),
            (G711Decoder::ulaw(), Box::new(PcmuDecoder::new())),
        ] {
            let mut a = Vec::new();
            ours.decode(&bytes, &mut a);
            let mut b = vec![0i16; bytes.len()];
            theirs.decode_into(&bytes, &mut b).expect("decodes");
            assert_eq!(a, b);
        }
    }
}
