//! The output window: both parties' samples meet here at their timeline positions and
//! leave in order once no later packet can still land on them.
//!
//! Memory is bounded by the window, not by the call: a 4-hour call uses the same
//! few hundred kilobytes as a 4-second one.

use std::collections::VecDeque;

use super::writer::AudioSink;

pub struct Mixer {
    /// Output sample index of the first sample held.
    base: i64,
    channels: [VecDeque<i16>; 2],
    /// Samples held before the oldest are released.
    window: usize,
    /// Total frames the output must have.
    total: i64,
    scratch: [Vec<i16>; 2],
    /// Samples that arrived after their place had already been written.
    pub late_samples: u64,
}

impl Mixer {
    pub fn new(rate: u32, total_frames: u64) -> Self {
        Mixer {
            base: 0,
            channels: [VecDeque::new(), VecDeque::new()],
            window: rate as usize * 8,
            total: total_frames as i64,
            scratch: [Vec::new(), Vec::new()],
            late_samples: 0,
        }
    }

    /// Writes samples of one channel starting at output index `position`.
    /// Later writes win over earlier ones (a retransmission replaces concealment).
    pub fn put(&mut self, channel: usize, position: i64, samples: &[i16]) {
        let mut start = position;
        let mut samples = samples;
        if start < self.base {
            let skip = ((self.base - start) as usize).min(samples.len());
            self.late_samples += skip as u64;
            samples = &samples[skip..];
            start = self.base;
        }
        let end = (start + samples.len() as i64).min(self.total);
        if end <= start {
            return;
        }
        let samples = &samples[..(end - start) as usize];
        let offset = (start - self.base) as usize;
        let needed = offset + samples.len();
        for ch in &mut self.channels {
            if ch.len() < needed {
                ch.resize(needed, 0);
            }
        }
        let buffer = &mut self.channels[channel];
        for (i, s) in samples.iter().enumerate() {
            buffer[offset + i] = *s;
        }
    }

    /// Releases samples that are further than the window behind the newest write.
    pub fn release(&mut self, sink: &mut dyn AudioSink) -> std::io::Result<()> {
        let held = self.channels[0].len();
        if held > 2 * self.window {
            self.emit(held - self.window, sink)?;
        }
        Ok(())
    }

    /// Emits everything, padding with silence up to the total length.
    pub fn finish(&mut self, sink: &mut dyn AudioSink) -> std::io::Result<()> {
        let remaining = (self.total - self.base).max(0) as usize;
        for ch in &mut self.channels {
            ch.resize(remaining, 0);
        }
        while !self.channels[0].is_empty() {
            let n = self.channels[0].len().min(1 << 16);
            self.emit(n, sink)?;
        }
        sink.finish()
    }

    fn emit(&mut self, n: usize, sink: &mut dyn AudioSink) -> std::io::Result<()> {
        for (ch, scratch) in self.channels.iter_mut().zip(self.scratch.iter_mut()) {
            scratch.clear();
            scratch.extend(ch.drain(..n));
        }
        self.base += n as i64;
        sink.write(&self.scratch[0], &self.scratch[1])
    }
}
