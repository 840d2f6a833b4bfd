//! MP3 writer through LAME (`mp3lame-encoder`), 32 kbit/s per channel.
//!
//! The crate passes a zero output size to LAME when the Vec has no spare capacity,
//! which LAME reads as "unlimited" and then writes out of bounds; every call
//! therefore reserves the worst case first.

use std::io::{self, Write};

use mp3lame_encoder::{Bitrate, Builder, FlushNoGap, InterleavedPcm, MonoPcm, Quality};

use super::{AudioSink, Mix};

pub struct Mp3Writer<'w> {
    out: Box<dyn Write + 'w>,
    mix: Mix,
    encoder: mp3lame_encoder::Encoder,
    mixed: Vec<i16>,
    bytes: Vec<u8>,
}

impl<'w> Mp3Writer<'w> {
    pub fn new(out: Box<dyn Write + 'w>, mix: Mix, rate: u32) -> io::Result<Self> {
        let err = |e: mp3lame_encoder::BuildError| io::Error::other(format!("MP3 encoder: {e}"));
        let mut builder =
            Builder::new().ok_or_else(|| io::Error::other("MP3 encoder could not be created"))?;
        builder
            .set_num_channels(mix.channels() as u8)
            .map_err(err)?;
        builder.set_sample_rate(rate).map_err(err)?;
        let bitrate = if mix.channels() == 2 {
            Bitrate::Kbps64
        } else {
            Bitrate::Kbps32
        };
        builder.set_brate(bitrate).map_err(err)?;
        builder.set_quality(Quality::Good).map_err(err)?;
        let encoder = builder.build().map_err(err)?;
        Ok(Mp3Writer {
            out,
            mix,
            encoder,
            mixed: Vec::new(),
            bytes: Vec::new(),
        })
    }
}

impl AudioSink for Mp3Writer<'_> {
    fn write(&mut self, left: &[i16], right: &[i16]) -> io::Result<()> {
        self.mixed.clear();
        self.mix.apply(left, right, &mut self.mixed);
        self.bytes.clear();
        let frames = left.len();
        self.bytes
            .reserve(mp3lame_encoder::max_required_buffer_size(frames));
        let result = if self.mix == Mix::Stereo {
            self.encoder
                .encode_to_vec(InterleavedPcm(&self.mixed), &mut self.bytes)
        } else {
            self.encoder
                .encode_to_vec(MonoPcm(&self.mixed), &mut self.bytes)
        };
        result.map_err(|e| io::Error::other(format!("MP3 encoder: {e}")))?;
        self.out.write_all(&self.bytes)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.bytes.clear();
        self.bytes.reserve(7200);
        self.encoder
            .flush_to_vec::<FlushNoGap>(&mut self.bytes)
            .map_err(|e| io::Error::other(format!("MP3 encoder: {e}")))?;
        self.out.write_all(&self.bytes)?;
        self.out.flush()
    }
}
