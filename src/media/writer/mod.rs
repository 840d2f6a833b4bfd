//! Audio writers: the aligned stereo signal becomes a file.
//!
//! Every writer receives the same planar stereo blocks and applies the channel mix
//! itself, so the renderer never knows the output format.

pub(crate) mod g711_table;
mod mp3;
mod wav;

use std::io::Write;

pub use mp3::Mp3Writer;
pub use wav::WavWriter;

/// Output encoding (`format=` on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// WAV with G.711 A-law samples (format tag 6): the archive default, ~1 MB per minute stereo.
    #[default]
    Alaw,
    /// WAV with G.711 µ-law samples (format tag 7).
    Ulaw,
    /// WAV with 16-bit linear PCM.
    Pcm,
    /// MP3 (LAME), 32 kbit/s per channel.
    Mp3,
    /// The capture itself, byte for byte.
    Pcap,
}

impl OutputFormat {
    pub fn parse(text: &str) -> Option<OutputFormat> {
        Some(match text {
            "alaw" => OutputFormat::Alaw,
            "ulaw" => OutputFormat::Ulaw,
            "pcm" => OutputFormat::Pcm,
            "mp3" => OutputFormat::Mp3,
            "pcap" => OutputFormat::Pcap,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Alaw | OutputFormat::Ulaw | OutputFormat::Pcm => "wav",
            OutputFormat::Mp3 => "mp3",
            OutputFormat::Pcap => "pcap",
        }
    }
}

/// Which channels are written (`mix=` on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mix {
    /// Left = external party, right = internal party.
    #[default]
    Stereo,
    /// Both parties in one channel (half the size).
    Mono,
    /// The external party only.
    Left,
    /// The internal party only.
    Right,
}

impl Mix {
    pub fn parse(text: &str) -> Option<Mix> {
        Some(match text {
            "stereo" => Mix::Stereo,
            "mono" => Mix::Mono,
            "left" => Mix::Left,
            "right" => Mix::Right,
            _ => return None,
        })
    }

    pub fn channels(self) -> u16 {
        if self == Mix::Stereo { 2 } else { 1 }
    }

    /// Appends the mixed samples of one block, interleaved when stereo.
    pub fn apply(self, left: &[i16], right: &[i16], out: &mut Vec<i16>) {
        match self {
            Mix::Stereo => {
                out.reserve(left.len() * 2);
                for (l, r) in left.iter().zip(right) {
                    out.push(*l);
                    out.push(*r);
                }
            }
            Mix::Mono => out.extend(
                left.iter()
                    .zip(right)
                    .map(|(l, r)| ((i32::from(*l) + i32::from(*r)) / 2) as i16),
            ),
            Mix::Left => out.extend_from_slice(left),
            Mix::Right => out.extend_from_slice(right),
        }
    }
}

/// Receives aligned audio block by block.
pub trait AudioSink {
    /// `left` and `right` have equal length: samples at the output rate.
    fn write(&mut self, left: &[i16], right: &[i16]) -> std::io::Result<()>;
    /// Writes any trailer and flushes. Called once, after the last block.
    fn finish(&mut self) -> std::io::Result<()>;
}

/// Builds the sink for an audio format; `frames` is the exact length that will be written.
pub fn sink_for<'w>(
    format: OutputFormat,
    mix: Mix,
    rate: u32,
    frames: u64,
    out: Box<dyn Write + 'w>,
) -> std::io::Result<Box<dyn AudioSink + 'w>> {
    Ok(match format {
        OutputFormat::Alaw | OutputFormat::Ulaw | OutputFormat::Pcm => {
            Box::new(WavWriter::new(out, format, mix, rate, frames)?)
        }
        OutputFormat::Mp3 => Box::new(Mp3Writer::new(out, mix, rate)?),
        OutputFormat::Pcap => {
            return Err(std::io::Error::other(
                "pcap output is a copy of the capture, not an audio sink",
            ));
        }
    })
}
