//! Decoding a whole WAV or MP3 file in memory (tests and tools compare audio with
//! it); playback streams instead (see `stream`).

use std::io::Cursor;

use symphonia::core::audio::sample::Sample;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Why a record cannot be played.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

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
