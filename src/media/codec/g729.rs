//! G.729, G.729A and G.729B (PT 18) with SID frames, DTX comfort noise and frame-erasure
//! concealment, via `g729-sys` (a Rust port of bcg729, bit-exact with it).
//!
//! A payload is any number of 10-byte voice frames, optionally followed by one
//! 2-byte Annex B SID frame. Annex A and the full codec share the bitstream, so one
//! decoder reads both.

use super::{AudioDecoder, Gap};

const FRAME_SAMPLES: usize = 80;
const VOICE_BYTES: usize = 10;
const SID_BYTES: usize = 2;

pub struct G729 {
    inner: g729_sys::Decoder,
    dtx: bool,
}

impl G729 {
    pub fn new() -> Self {
        G729 {
            inner: g729_sys::Decoder::new(),
            dtx: false,
        }
    }
}

impl AudioDecoder for G729 {
    fn sample_rate(&self) -> u32 {
        8000
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let mut rest = payload;
        while rest.len() >= VOICE_BYTES {
            out.extend_from_slice(&self.inner.decode(&rest[..VOICE_BYTES], false, false, false));
            rest = &rest[VOICE_BYTES..];
            self.dtx = false;
        }
        if rest.len() == SID_BYTES {
            out.extend_from_slice(&self.inner.decode(rest, false, true, false));
            self.dtx = true;
        } else if !rest.is_empty() {
            // A damaged tail: conceal one frame rather than guess at the bits.
            out.extend_from_slice(&self.inner.decode(&[], true, false, false));
        }
    }

    fn fill(&mut self, gap: Gap, samples: usize, out: &mut Vec<i16>) {
        let frames = samples / FRAME_SAMPLES;
        for _ in 0..frames {
            let frame = match gap {
                // Untransmitted frames during DTX continue the comfort noise.
                Gap::Discontinuous if self.dtx => self.inner.decode(&[], false, true, false),
                _ => self.inner.decode(&[], true, false, false),
            };
            out.extend_from_slice(&frame);
        }
        out.resize(out.len() + samples % FRAME_SAMPLES, 0);
    }

    fn in_dtx(&self) -> bool {
        self.dtx
    }
}
