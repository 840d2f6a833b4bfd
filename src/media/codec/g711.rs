//! G.711 A-law and µ-law (PT 8 and 0) via the `audio-codec` crate's tables.

use audio_codec::Decoder;
use audio_codec::pcma::PcmaDecoder;
use audio_codec::pcmu::PcmuDecoder;

use super::AudioDecoder;

pub struct G711Decoder {
    inner: Box<dyn Decoder>,
}

impl G711Decoder {
    pub fn alaw() -> Self {
        G711Decoder {
            inner: Box::new(PcmaDecoder::new()),
        }
    }
    pub fn ulaw() -> Self {
        G711Decoder {
            inner: Box::new(PcmuDecoder::new()),
        }
    }
}

impl AudioDecoder for G711Decoder {
    fn sample_rate(&self) -> u32 {
        8000
    }
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let start = out.len();
        out.resize(start + payload.len(), 0);
        let n = self
            .inner
            .decode_into(payload, &mut out[start..])
            .unwrap_or(0);
        out.truncate(start + n);
    }
}
