//! A record's audio as a stream of stereo frames that can be sought: what the playback
//! engine's feeder reads, a packet at a time, so that a 4-hour call never sits in
//! memory and a seek costs one packet, not a decode from the start.
//!
//! WAV (A-law, µ-law, PCM) and MP3 are read by symphonia straight from the file, or
//! through the archive's seekable decrypting reader when the audio is encrypted. A
//! capture (`.pcap`) is converted by the media core into a temporary PCM WAV file first
//! (the conversion needs the whole capture to align the two sides), which is removed
//! when the stream is dropped.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::Timestamp;

use super::decode::DecodeError;
use crate::archive::audio_crypt::{DecryptingReader, is_encrypted};
use crate::archive::keyring::KeyRing;
use crate::media::{self, ConvertOptions, Mix, OutputFormat};

/// Stereo frames, left = external party, right = internal party.
pub type Frame = [i16; 2];

/// Where the engine's feeder gets frames from.
pub trait FrameSource: Send {
    fn rate(&self) -> u32;
    /// The length in frames, when the container says so.
    fn frames(&self) -> Option<u64>;
    /// Moves to `frame`; the next `read` starts there (or at the end).
    fn seek(&mut self, frame: u64) -> Result<(), String>;
    /// Appends the next frames to `out` (a packet's worth); `false` at the end.
    fn read(&mut self, out: &mut Vec<Frame>) -> Result<bool, String>;
}

/// The encrypted file as symphonia's seekable source.
struct Decrypted(DecryptingReader<BufReader<std::fs::File>>);

impl Read for Decrypted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl Seek for Decrypted {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl MediaSource for Decrypted {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.0.len())
    }
}

/// A record file decoded as it is played.
pub struct RecordStream {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    rate: u32,
    channels: usize,
    frames: Option<u64>,
    /// Frames still to drop after a seek that landed before the wanted frame.
    skip: u64,
    buf: Vec<i16>,
    /// Where it was opened from, to open it once more (for the waveform).
    origin: Origin,
}

/// Where a stream reads from.
#[derive(Clone)]
enum Origin {
    /// The record file (plain or encrypted).
    File { path: PathBuf, ring: KeyRing },
    /// A record on a recorder or fileserver, fetched by range as it is read.
    Remote {
        archive: Arc<super::remote::RemoteArchive>,
        name: String,
    },
    /// A capture converted into this temporary WAV file, removed when the last stream
    /// on it is dropped.
    Converted(Arc<tempfile::NamedTempFile>),
}

/// Largest file a stream opens (a 4-hour stereo A-law call is 230 MB).
const MAX_FILE: u64 = 4 << 30;

fn open_plain_or_decrypted(path: &Path, ring: &KeyRing) -> Result<Box<dyn MediaSource>, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    if size > MAX_FILE {
        return Err(format!("too large to play ({size} bytes)"));
    }
    let mut head = [0u8; 16];
    let n = file.read(&mut head).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    if is_encrypted(&head[..n]) {
        let reader = DecryptingReader::new(BufReader::with_capacity(1 << 16, file), ring)
            .map_err(|e| format!("cannot decrypt: {e}"))?;
        Ok(Box::new(Decrypted(reader)))
    } else {
        Ok(Box::new(file))
    }
}

impl RecordStream {
    /// Opens a record's audio for playing.
    pub fn open(path: &Path, ring: &KeyRing) -> Result<RecordStream, DecodeError> {
        let err = |e: String| DecodeError(format!("{}: {e}", path.display()));
        let is_pcap = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pcap"));
        if !is_pcap {
            let origin = Origin::File {
                path: path.to_path_buf(),
                ring: ring.clone(),
            };
            return RecordStream::from_origin(origin).map_err(err);
        }
        let converted = tempfile::Builder::new()
            .prefix("callrec-play-")
            .suffix(".wav")
            .tempfile()
            .map_err(|e| err(format!("no temporary file for the capture: {e}")))?;
        let options = ConvertOptions {
            format: OutputFormat::Pcm,
            mix: Mix::Stereo,
            ..ConvertOptions::default()
        };
        {
            let mut out = std::io::BufWriter::new(converted.as_file());
            media::convert(
                || {
                    open_plain_or_decrypted(path, ring)
                        .map(|s| BufReader::with_capacity(1 << 20, s))
                        .map_err(std::io::Error::other)
                },
                &options,
                Box::new(&mut out),
            )
            .map_err(|e| err(format!("cannot convert the capture: {e}")))?;
            std::io::Write::flush(&mut out).map_err(|e| err(e.to_string()))?;
        }
        RecordStream::from_origin(Origin::Converted(Arc::new(converted))).map_err(err)
    }

    /// Opens a record on a recorder or fileserver; only the pieces played are fetched.
    pub fn open_remote(
        archive: &Arc<super::remote::RemoteArchive>,
        name: &str,
    ) -> Result<RecordStream, DecodeError> {
        let err = |e: String| DecodeError(format!("{name}: {e}"));
        if name.to_ascii_lowercase().ends_with(".pcap") {
            return Err(err(
                "a record kept as a capture is played on the server's PC only".into(),
            ));
        }
        let origin = Origin::Remote {
            archive: archive.clone(),
            name: name.to_string(),
        };
        RecordStream::from_origin(origin).map_err(err)
    }

    /// A second, independent stream on the same audio (a capture is not converted again).
    pub fn reopen(&self) -> Result<RecordStream, DecodeError> {
        RecordStream::from_origin(self.origin.clone()).map_err(DecodeError)
    }

    fn from_origin(origin: Origin) -> Result<RecordStream, String> {
        let source: Box<dyn MediaSource> = match &origin {
            Origin::File { path, ring } => open_plain_or_decrypted(path, ring)?,
            Origin::Converted(file) => Box::new(file.reopen().map_err(|e| e.to_string())?),
            Origin::Remote { archive, name } => {
                Box::new(archive.audio(name).map_err(|e| e.to_string())?)
            }
        };
        let probed = probe(source)?;
        Ok(RecordStream {
            track_id: probed.track_id,
            frames: probed.frames,
            format: probed.format,
            decoder: probed.decoder,
            rate: probed.rate,
            channels: probed.channels,
            skip: 0,
            buf: Vec::new(),
            origin,
        })
    }
}

/// An audio file opened by symphonia: its reader, the decoder of its first audio
/// track, and what they say of it.
pub(crate) struct Probed {
    pub format: Box<dyn FormatReader>,
    pub decoder: Box<dyn AudioDecoder>,
    pub track_id: u32,
    pub rate: u32,
    pub channels: usize,
    pub frames: Option<u64>,
}

/// Opens a WAV or MP3 source for decoding.
pub(crate) fn probe(source: Box<dyn MediaSource>) -> Result<Probed, String> {
    let mss = MediaSourceStream::new(source, Default::default());
    let format = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| format!("cannot decode: {e}"))?;
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
    let channels = params.channels.as_ref().map_or(1, |c| c.count()).max(1);
    let decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| format!("cannot decode: {e}"))?;
    Ok(Probed {
        track_id: track.id,
        frames: track.num_frames,
        format,
        decoder,
        rate,
        channels,
    })
}

impl FrameSource for RecordStream {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn frames(&self) -> Option<u64> {
        self.frames
    }

    fn seek(&mut self, frame: u64) -> Result<(), String> {
        let wanted = self.frames.map_or(frame, |n| frame.min(n));
        let ts = Timestamp::new(i64::try_from(wanted).unwrap_or(i64::MAX));
        let seeked = self.format.seek(
            SeekMode::Accurate,
            SeekTo::Timestamp {
                ts,
                track_id: self.track_id,
            },
        );
        self.decoder.reset();
        match seeked {
            Ok(to) => {
                self.skip = u64::try_from(to.required_ts.get() - to.actual_ts.get()).unwrap_or(0);
                Ok(())
            }
            // at or past the end: nothing more to read
            Err(symphonia::core::errors::Error::SeekError(_)) => {
                self.skip = u64::MAX;
                Ok(())
            }
            Err(e) => Err(format!("cannot seek: {e}")),
        }
    }

    fn read(&mut self, out: &mut Vec<Frame>) -> Result<bool, String> {
        loop {
            if self.skip == u64::MAX {
                return Ok(false);
            }
            let packet = match self.format.next_packet() {
                Ok(Some(packet)) => packet,
                Ok(None) => return Ok(false),
                // a cut-off file ends where it is cut
                Err(symphonia::core::errors::Error::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(false);
                }
                Err(e) => return Err(format!("cannot read: {e}")),
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let decoded = self
                .decoder
                .decode(&packet)
                .map_err(|e| format!("cannot decode: {e}"))?;
            self.buf.resize(
                decoded.samples_interleaved(),
                symphonia::core::audio::sample::Sample::MID,
            );
            decoded.copy_to_slice_interleaved(&mut self.buf);
            let before = out.len();
            for frame in self.buf.chunks_exact(self.channels) {
                if self.skip > 0 {
                    self.skip -= 1;
                    continue;
                }
                // mono is heard on both sides
                out.push([frame[0], frame[self.channels.min(2) - 1]]);
            }
            if out.len() > before {
                return Ok(true);
            }
        }
    }
}

/// Audio held in memory: the playlist's beep, and tests.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    pub rate: u32,
    pub frames: Vec<Frame>,
    position: usize,
}

impl MemorySource {
    pub fn new(rate: u32, frames: Vec<Frame>) -> MemorySource {
        MemorySource {
            rate,
            frames,
            position: 0,
        }
    }
}

impl FrameSource for MemorySource {
    fn rate(&self) -> u32 {
        self.rate
    }

    fn frames(&self) -> Option<u64> {
        Some(self.frames.len() as u64)
    }

    fn seek(&mut self, frame: u64) -> Result<(), String> {
        self.position = usize::try_from(frame)
            .unwrap_or(usize::MAX)
            .min(self.frames.len());
        Ok(())
    }

    fn read(&mut self, out: &mut Vec<Frame>) -> Result<bool, String> {
        let end = (self.position + 1024).min(self.frames.len());
        out.extend_from_slice(&self.frames[self.position..end]);
        let more = end > self.position;
        self.position = end;
        Ok(more)
    }
}

/// The waveform of a whole source in `columns` columns (the peak of each channel in
/// each, 0..=1) and its length in frames; read once, a packet at a time.
pub fn waveform(source: &mut dyn FrameSource, columns: usize) -> (Vec<[f32; 2]>, u64) {
    // peaks per block of 1/50 s, then merged into the columns once the length is known
    let block = (source.rate() / 50).max(1) as usize;
    let mut blocks: Vec<[u16; 2]> = Vec::new();
    let mut current = [0u16; 2];
    let mut in_block = 0;
    let mut total = 0u64;
    let mut frames = Vec::new();
    while let Ok(true) = source.read(&mut frames) {
        for f in frames.drain(..) {
            current[0] = current[0].max(f[0].unsigned_abs());
            current[1] = current[1].max(f[1].unsigned_abs());
            in_block += 1;
            if in_block == block {
                blocks.push(current);
                current = [0; 2];
                in_block = 0;
            }
        }
        total = blocks.len() as u64 * block as u64 + in_block as u64;
    }
    if in_block > 0 {
        blocks.push(current);
    }
    if blocks.is_empty() || columns == 0 {
        return (Vec::new(), total);
    }
    let envelope = (0..columns)
        .map(|c| {
            let from = c * blocks.len() / columns;
            let to = ((c + 1) * blocks.len() / columns)
                .max(from + 1)
                .min(blocks.len());
            let peak = blocks[from..to]
                .iter()
                .fold([0u16; 2], |m, b| [m[0].max(b[0]), m[1].max(b[1])]);
            peak.map(|p| f32::from(p) / 32768.0)
        })
        .collect();
    (envelope, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PCM WAV of `frames` stereo frames where the left sample is the frame index.
    fn counting_wav(frames: u32) -> Vec<u8> {
        let data = frames * 4;
        let mut wav = Vec::new();
        wav.extend_from_slice(b"RIFF");
        wav.extend_from_slice(&(36 + data).to_le_bytes());
        wav.extend_from_slice(b"WAVEfmt ");
        wav.extend_from_slice(&16u32.to_le_bytes());
        wav.extend_from_slice(&1u16.to_le_bytes());
        wav.extend_from_slice(&2u16.to_le_bytes());
        wav.extend_from_slice(&8000u32.to_le_bytes());
        wav.extend_from_slice(&32000u32.to_le_bytes());
        wav.extend_from_slice(&4u16.to_le_bytes());
        wav.extend_from_slice(&16u16.to_le_bytes());
        wav.extend_from_slice(b"data");
        wav.extend_from_slice(&data.to_le_bytes());
        for i in 0..frames {
            wav.extend_from_slice(&((i % 30000) as i16).to_le_bytes());
            wav.extend_from_slice(&(-((i % 30000) as i16)).to_le_bytes());
        }
        wav
    }

    #[test]
    fn a_file_streams_from_any_frame() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        std::fs::write(&path, counting_wav(20_000)).unwrap();
        let mut stream = RecordStream::open(&path, &KeyRing::default()).unwrap();
        assert_eq!((stream.rate(), stream.frames()), (8000, Some(20_000)));
        let mut frames = Vec::new();
        assert!(stream.read(&mut frames).unwrap());
        assert_eq!(frames[0], [0, 0]);
        assert_eq!(frames[5], [5, -5]);
        for at in [12_345u64, 7, 19_999] {
            stream.seek(at).unwrap();
            frames.clear();
            assert!(stream.read(&mut frames).unwrap());
            assert_eq!(frames[0][0], at as i16, "after a seek to {at}");
        }
        stream.seek(20_000).unwrap();
        frames.clear();
        assert!(!stream.read(&mut frames).unwrap(), "the end");
        stream.seek(0).unwrap();
        let (envelope, total) = waveform(&mut stream, 10);
        assert_eq!((envelope.len(), total), (10, 20_000));
        assert!(envelope[9][0] > envelope[0][0], "the ramp rises");
    }

    #[test]
    fn a_cut_file_plays_what_is_there_and_garbage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.wav");
        let wav = counting_wav(8000);
        std::fs::write(&path, &wav[..wav.len() / 2]).unwrap();
        let mut stream = RecordStream::open(&path, &KeyRing::default()).unwrap();
        let mut frames = Vec::new();
        while stream.read(&mut frames).unwrap_or(false) {}
        assert!((3_000..=4_000).contains(&frames.len()), "{}", frames.len());
        std::fs::write(&path, b"not audio at all").unwrap();
        assert!(RecordStream::open(&path, &KeyRing::default()).is_err());
    }
}
