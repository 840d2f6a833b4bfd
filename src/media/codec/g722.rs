//! G.722 at 64 kbit/s (PT 9) via `audio-codec`, bit-identical to ffmpeg's decoder.
//!
//! One payload byte holds two 16 kHz samples while the RTP clock advances by one tick.

use audio_codec::Decoder;
use audio_codec::g722::G722Decoder;

use super::{AudioDecoder, Gap};

pub struct G722 {
    inner: G722Decoder,
}

impl G722 {
    pub fn new() -> Self {
        G722 {
            inner: G722Decoder::new(),
        }
    }
}

impl AudioDecoder for G722 {
    fn sample_rate(&self) -> u32 {
        16_000
    }
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let start = out.len();
        out.resize(start + payload.len() * 2, 0);
        let n = self
            .inner
            .decode_into(payload, &mut out[start..])
            .unwrap_or(0);
        out.truncate(start + n);
    }
    fn fill(&mut self, _gap: Gap, samples: usize, out: &mut Vec<i16>) {
        // G.722 has no standard concealment; after a loss the ADPCM predictor restarts
        // from silence so that the next packet does not decode against stale state.
        self.inner = G722Decoder::new();
        out.resize(out.len() + samples, 0);
    }
}
