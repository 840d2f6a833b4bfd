//! RIFF/WAVE writer for A-law, µ-law and 16-bit PCM.
//!
//! Written by hand because the common WAV crates (hound) write only linear PCM and
//! float, while the archive's default is G.711 A-law in a WAV container (format tag 6),
//! as in the seed product. The length is known before the first sample (the analysis
//! pass measured the call), so the header is final from the start and the file can be
//! streamed without seeking back.

use std::io::{self, Write};

use super::{AudioSink, Mix, OutputFormat, g711_table};

pub struct WavWriter<'w> {
    out: Box<dyn Write + 'w>,
    format: OutputFormat,
    mix: Mix,
    remaining: u64,
    /// RIFF chunks have even sizes: an odd data chunk is followed by one pad byte.
    pad: bool,
    mixed: Vec<i16>,
    bytes: Vec<u8>,
    /// The samples handed in are A-law bytes already (the converter's passthrough).
    codes: bool,
}

impl<'w> WavWriter<'w> {
    pub fn new(
        mut out: Box<dyn Write + 'w>,
        format: OutputFormat,
        mix: Mix,
        rate: u32,
        frames: u64,
    ) -> io::Result<Self> {
        let channels = mix.channels();
        let (tag, bits): (u16, u16) = match format {
            OutputFormat::Alaw => (6, 8),
            OutputFormat::Ulaw => (7, 8),
            _ => (1, 16),
        };
        let block_align = channels * bits / 8;
        let data_len = frames * u64::from(block_align);
        let pcm = tag == 1;
        let fmt_len: u32 = if pcm { 16 } else { 18 };
        let fact_len: u64 = if pcm { 0 } else { 12 };
        let riff_len = 4 + (8 + u64::from(fmt_len)) + fact_len + 8 + data_len + (data_len & 1);
        if riff_len > u64::from(u32::MAX) {
            return Err(io::Error::other(
                "recording too long for a WAV file (over 4 GiB)",
            ));
        }
        let mut h = Vec::with_capacity(60);
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&(riff_len as u32).to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&fmt_len.to_le_bytes());
        h.extend_from_slice(&tag.to_le_bytes());
        h.extend_from_slice(&channels.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * u32::from(block_align)).to_le_bytes());
        h.extend_from_slice(&block_align.to_le_bytes());
        h.extend_from_slice(&bits.to_le_bytes());
        if !pcm {
            h.extend_from_slice(&0u16.to_le_bytes()); // cbSize
            h.extend_from_slice(b"fact");
            h.extend_from_slice(&4u32.to_le_bytes());
            h.extend_from_slice(&(frames as u32).to_le_bytes());
        }
        h.extend_from_slice(b"data");
        h.extend_from_slice(&(data_len as u32).to_le_bytes());
        out.write_all(&h)?;
        Ok(WavWriter {
            out,
            format,
            mix,
            remaining: frames,
            pad: data_len % 2 == 1,
            mixed: Vec::new(),
            bytes: Vec::new(),
            codes: false,
        })
    }

    /// The same writer for samples that are A-law bytes already (values 0..=255), for
    /// stereo A-law output only.
    pub fn taking_alaw_codes(mut self) -> Self {
        self.codes = self.format == OutputFormat::Alaw && self.mix == Mix::Stereo;
        self
    }
}

impl AudioSink for WavWriter<'_> {
    fn write(&mut self, left: &[i16], right: &[i16]) -> io::Result<()> {
        let n = (left.len() as u64).min(self.remaining) as usize;
        self.remaining -= n as u64;
        if self.codes {
            // A-law passthrough: the samples are the A-law bytes already. Every byte is
            // set below, so the buffer is only resized, not cleared and zeroed again.
            self.bytes.resize(2 * n, 0);
            for (pair, (l, r)) in self.bytes.chunks_exact_mut(2).zip(left.iter().zip(right)) {
                pair[0] = *l as u8;
                pair[1] = *r as u8;
            }
            return self.out.write_all(&self.bytes);
        }
        self.bytes.clear();
        let g711 = matches!(self.format, OutputFormat::Alaw | OutputFormat::Ulaw);
        if g711 && self.mix == Mix::Stereo {
            // the archive's default: straight from both channels to interleaved bytes
            g711_table::encode_stereo(
                self.format == OutputFormat::Alaw,
                &left[..n],
                &right[..n],
                &mut self.bytes,
            );
            return self.out.write_all(&self.bytes);
        }
        self.mixed.clear();
        self.mix.apply(&left[..n], &right[..n], &mut self.mixed);
        match self.format {
            OutputFormat::Alaw | OutputFormat::Ulaw => {
                g711_table::encode(
                    self.format == OutputFormat::Alaw,
                    &self.mixed,
                    &mut self.bytes,
                );
            }
            _ => {
                self.bytes.reserve(self.mixed.len() * 2);
                for s in &self.mixed {
                    self.bytes.extend_from_slice(&s.to_le_bytes());
                }
            }
        }
        self.out.write_all(&self.bytes)
    }

    fn finish(&mut self) -> io::Result<()> {
        // Pad to the length promised in the header.
        let silence = if self.codes {
            i16::from(g711_table::alaw_code(0))
        } else {
            0
        };
        let zeros = vec![silence; 4096];
        while self.remaining > 0 {
            let n = (self.remaining as usize).min(zeros.len());
            self.write(&zeros[..n], &zeros[..n])?;
        }
        if self.pad {
            self.out.write_all(&[0])?;
        }
        let channels = u64::from(self.mix.channels());
        let bytes_per = if self.format == OutputFormat::Pcm {
            2
        } else {
            1
        };
        let _ = channels * bytes_per;
        self.out.flush()
    }
}
