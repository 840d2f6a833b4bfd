//! Loading a record for playback: the audio of any archive file as 16-bit stereo.
//! WAV (A-law, µ-law, PCM) and MP3 through symphonia; encrypted files through the
//! archive's decrypting reader; captures (`.pcap`) through the media core.

use std::io::Cursor;
use std::path::Path;

use symphonia::core::audio::sample::Sample;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use crate::archive::audio_crypt::{DecryptingReader, is_encrypted};
use crate::archive::keyring::KeyRing;
use crate::media::{self, ConvertOptions, Mix, OutputFormat};

/// Decoded audio, both channels at the same rate (mono is doubled).
#[derive(Debug, Clone, Default)]
pub struct PcmAudio {
    pub rate: u32,
    pub left: Vec<i16>,
    pub right: Vec<i16>,
}

impl PcmAudio {
    /// The waveform in `buckets` columns: the peak of each channel in each, 0..=1.
    /// Drawn over the progress bar; computed once per record.
    pub fn envelope(&self, buckets: usize) -> Vec<[f32; 2]> {
        let frames = self.frames();
        if frames == 0 || buckets == 0 {
            return Vec::new();
        }
        (0..buckets)
            .map(|b| {
                let from = b * frames / buckets;
                let to = ((b + 1) * frames / buckets).max(from + 1).min(frames);
                let peak = |ch: &[i16]| {
                    ch[from..to]
                        .iter()
                        .map(|s| s.unsigned_abs())
                        .max()
                        .map_or(0.0, |m| f32::from(m) / 32768.0)
                };
                [peak(&self.left), peak(&self.right)]
            })
            .collect()
    }

    pub fn frames(&self) -> usize {
        self.left.len()
    }

    pub fn seconds(&self) -> f64 {
        if self.rate == 0 {
            0.0
        } else {
            self.frames() as f64 / f64::from(self.rate)
        }
    }
}

/// Why a record cannot be played.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Largest file loaded for playback (a 4-hour stereo A-law call is 230 MB).
const MAX_FILE: u64 = 1 << 30;

/// Loads the audio of a record file.
pub fn load(path: &Path, ring: &KeyRing) -> Result<PcmAudio, DecodeError> {
    let err = |what: &str, e: &dyn std::fmt::Display| {
        DecodeError(format!("{}: {what}: {e}", path.display()))
    };
    let size = std::fs::metadata(path)
        .map_err(|e| err("cannot read", &e))?
        .len();
    if size > MAX_FILE {
        return Err(DecodeError(format!(
            "{}: too large to play ({size} bytes)",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| err("cannot read", &e))?;
    let bytes = if is_encrypted(&bytes) {
        let mut reader = DecryptingReader::new(Cursor::new(bytes), ring)
            .map_err(|e| err("cannot decrypt", &e))?;
        let mut plain = Vec::with_capacity(reader.len() as usize);
        reader
            .copy_to(&mut plain)
            .map_err(|e| err("cannot decrypt", &e))?;
        plain
    } else {
        bytes
    };
    let is_pcap = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pcap"));
    let bytes = if is_pcap {
        let mut wav = Vec::new();
        let options = ConvertOptions {
            format: OutputFormat::Pcm,
            mix: Mix::Stereo,
            ..ConvertOptions::default()
        };
        media::convert(
            || Ok(Cursor::new(bytes.as_slice())),
            &options,
            Box::new(&mut wav),
        )
        .map_err(|e| err("cannot convert the capture", &e))?;
        wav
    } else {
        bytes
    };
    decode_audio(bytes).map_err(|e| err("cannot decode", &e))
}

fn decode_audio(bytes: Vec<u8>) -> Result<PcmAudio, String> {
    let (rate, mut channels) = decode_channels(bytes)?;
    let left = channels.first().cloned().unwrap_or_default();
    let right = channels.pop().unwrap_or_default();
    Ok(PcmAudio { rate, left, right })
}

/// Decodes a WAV or MP3 file in memory: its sample rate and one Vec per channel.
pub fn decode_channels(bytes: Vec<u8>) -> Result<(u32, Vec<Vec<i16>>), String> {
    let mss = MediaSourceStream::new(Box::new(Cursor::new(bytes)), Default::default());
    let mut format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| e.to_string())?;
    let track = format
        .default_track(TrackType::Audio)
        .ok_or("no audio track")?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or("no audio parameters")?
        .clone();
    let rate = params.sample_rate.ok_or("no sample rate")?;
    let count = params.channels.as_ref().map_or(1, |c| c.count()).max(1);
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| e.to_string())?;
    let track_id = track.id;
    let mut channels = vec![Vec::new(); count];
    let mut buf: Vec<i16> = Vec::new();
    while let Some(packet) = format.next_packet().map_err(|e| e.to_string())? {
        if packet.track_id != track_id {
            continue;
        }
        let decoded = decoder.decode(&packet).map_err(|e| e.to_string())?;
        buf.resize(decoded.samples_interleaved(), i16::MID);
        decoded.copy_to_slice_interleaved(&mut buf);
        for frame in buf.chunks_exact(count) {
            for (channel, sample) in channels.iter_mut().zip(frame) {
                channel.push(*sample);
            }
        }
    }
    Ok((rate, channels))
}
