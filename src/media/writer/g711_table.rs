//! G.711 encoding by table lookup. The WAV writer encodes every output sample, and the
//! codec crate's per-sample encoder was the largest single cost of a conversion; a
//! 64 KiB table per law, filled once by that same encoder, gives identical bytes at a
//! fraction of the cost.

use std::sync::LazyLock;

use audio_codec::Encoder;
use audio_codec::pcma::PcmaEncoder;
use audio_codec::pcmu::PcmuEncoder;

/// Every i16 value, in the order of its bit pattern as u16.
fn all_samples() -> Vec<i16> {
    (0..=u16::MAX).map(|u| u as i16).collect()
}

fn build(encoder: &mut dyn Encoder) -> Vec<u8> {
    let samples = all_samples();
    let mut table = vec![0u8; samples.len()];
    let written = encoder
        .encode_into(&samples, &mut table)
        .expect("G.711 encodes any sample");
    assert_eq!(written, table.len(), "G.711 gives one byte per sample");
    table
}

static ALAW: LazyLock<Vec<u8>> = LazyLock::new(|| build(&mut PcmaEncoder::new()));
static ULAW: LazyLock<Vec<u8>> = LazyLock::new(|| build(&mut PcmuEncoder::new()));

/// The A-law byte of one sample.
pub fn alaw_code(sample: i16) -> u8 {
    ALAW[usize::from(sample as u16)]
}

/// Replaces each sample by its A-law byte (as a value 0..=255): what the converter's
/// A-law passthrough puts on its timeline for audio that was not A-law to begin with.
pub fn to_alaw_codes(samples: &mut [i16]) {
    for s in samples {
        *s = i16::from(ALAW[usize::from(*s as u16)]);
    }
}

/// Appends the A-law (`alaw = true`) or µ-law bytes of `samples` to `out`.
pub fn encode(alaw: bool, samples: &[i16], out: &mut Vec<u8>) {
    let table: &[u8] = if alaw { &ALAW } else { &ULAW };
    out.extend(samples.iter().map(|s| table[usize::from(*s as u16)]));
}

/// Appends interleaved stereo bytes (left, right, left, …) of two equal-length channels.
pub fn encode_stereo(alaw: bool, left: &[i16], right: &[i16], out: &mut Vec<u8>) {
    let table: &[u8] = if alaw { &ALAW } else { &ULAW };
    let start = out.len();
    out.resize(start + 2 * left.len().min(right.len()), 0);
    for (pair, (l, r)) in out[start..].chunks_exact_mut(2).zip(left.iter().zip(right)) {
        pair[0] = table[usize::from(*l as u16)];
        pair[1] = table[usize::from(*r as u16)];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_match_the_codec_encoders() {
        let samples: Vec<i16> = (0..5000)
            .map(|i| ((i * 7919) % 65536) as u16 as i16)
            .collect();
        for alaw in [true, false] {
            let mut direct = vec![0u8; samples.len()];
            if alaw {
                PcmaEncoder::new()
                    .encode_into(&samples, &mut direct)
                    .unwrap();
            } else {
                PcmuEncoder::new()
                    .encode_into(&samples, &mut direct)
                    .unwrap();
            }
            let mut by_table = Vec::new();
            encode(alaw, &samples, &mut by_table);
            assert_eq!(by_table, direct);
            let mut stereo = Vec::new();
            encode_stereo(alaw, &samples, &samples, &mut stereo);
            assert!(
                stereo
                    .chunks(2)
                    .zip(&direct)
                    .all(|(p, d)| p[0] == *d && p[1] == *d)
            );
        }
    }
}
