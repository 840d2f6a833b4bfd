//! Decoding a whole WAV or MP3 file in memory (tests and tools compare audio with
//! it); playback streams instead (see `stream`).

use std::io::Cursor;

use symphonia::core::audio::sample::Sample;

/// Why a record cannot be played.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Decodes a WAV or MP3 file in memory: its sample rate and one Vec per channel.
pub fn decode_channels(bytes: Vec<u8>) -> Result<(u32, Vec<Vec<i16>>), String> {
    let super::stream::Probed {
        mut format,
        mut decoder,
        track_id,
        rate,
        channels: count,
        ..
    } = super::stream::probe(Box::new(Cursor::new(bytes)))?;
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
