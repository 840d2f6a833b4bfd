//! RFC 3389 comfort noise (PT 13): a level in -dBov, played as white noise until the
//! next speech packet, so that silence-suppressed calls do not sound dead.

/// Noise generator for one side.
#[derive(Debug, Clone)]
pub struct ComfortNoise {
    amplitude: f32,
    state: u32,
}

impl ComfortNoise {
    /// From a CN payload; the first byte is the noise level as -dBov (0..=127).
    pub fn from_payload(payload: &[u8]) -> Self {
        let level = payload.first().copied().unwrap_or(127).min(127);
        // 0 dBov is a full-scale sine (RMS = 32767/√2); white noise with a uniform
        // distribution has RMS = amplitude/√3.
        let rms = 32767.0 / std::f32::consts::SQRT_2 * 10f32.powf(-f32::from(level) / 20.0);
        ComfortNoise {
            amplitude: rms * 3f32.sqrt(),
            state: 0x1234_5678,
        }
    }

    pub fn generate(&mut self, samples: usize, out: &mut Vec<i16>) {
        out.reserve(samples);
        for _ in 0..samples {
            // xorshift32: deterministic, so conversions are reproducible byte for byte.
            self.state ^= self.state << 13;
            self.state ^= self.state >> 17;
            self.state ^= self.state << 5;
            let unit = (self.state as f32 / u32::MAX as f32) * 2.0 - 1.0;
            out.push((unit * self.amplitude).clamp(-32768.0, 32767.0) as i16);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_sets_rms() {
        let mut cn = ComfortNoise::from_payload(&[40]);
        let mut out = Vec::new();
        cn.generate(8000, &mut out);
        let rms = (out.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / 8000.0).sqrt();
        let db = 20.0 * (rms / (32767.0 / 2f64.sqrt())).log10();
        assert!((db + 40.0).abs() < 1.0, "{db}");
    }
}
