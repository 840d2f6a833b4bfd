//! The output window: both parties' samples meet here at their timeline positions and
//! leave in order once no later packet can still land on them.
//!
//! Memory is bounded by the window, not by the call: a 4-hour call uses the same
//! few hundred kilobytes as a 4-second one.

use std::collections::VecDeque;

use super::writer::AudioSink;

pub struct Mixer<'a> {
    sink: Box<dyn AudioSink + 'a>,
    /// The first write error; later output is skipped and the error reported at the end.
    error: Option<std::io::Error>,
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
    /// What fills a place no packet covered: 0, or the A-law byte of 0 when the
    /// samples are A-law bytes (the converter's passthrough).
    silence: i16,
}

impl<'a> Mixer<'a> {
    pub fn new(rate: u32, total_frames: u64, sink: Box<dyn AudioSink + 'a>, silence: i16) -> Self {
        Mixer {
            sink,
            error: None,
            base: 0,
            channels: [VecDeque::new(), VecDeque::new()],
            window: rate as usize * 8,
            total: total_frames as i64,
            scratch: [Vec::new(), Vec::new()],
            late_samples: 0,
            silence,
        }
    }

    /// Writes samples of one channel starting at output index `position`.
    /// Later writes win over earlier ones (a retransmission replaces concealment).
    pub fn put(&mut self, channel: usize, position: i64, samples: &[i16]) {
        let end = (position + samples.len() as i64).min(self.total);
        // A write far ahead of what is held means everything older is final: release it
        // first, so that a timestamp jump can never make the window grow without bound.
        if end - self.base > 2 * self.window as i64 {
            self.advance((end - self.base) as usize - self.window);
        }
        let mut start = position;
        let mut samples = samples;
        if start < self.base {
            let skip = ((self.base - start) as usize).min(samples.len());
            self.late_samples += skip as u64;
            samples = &samples[skip..];
            start = self.base;
        }
        if end <= start {
            return;
        }
        let samples = &samples[..(end - start) as usize];
        let offset = (start - self.base) as usize;
        let needed = offset + samples.len();
        for ch in &mut self.channels {
            if ch.len() < needed {
                ch.resize(needed, self.silence);
            }
        }
        // copy into the ring buffer's two halves with slice copies, not sample by sample
        let (front, back) = self.channels[channel].as_mut_slices();
        let in_front = front.len().saturating_sub(offset).min(samples.len());
        if in_front > 0 {
            front[offset..offset + in_front].copy_from_slice(&samples[..in_front]);
        }
        let rest = &samples[in_front..];
        if !rest.is_empty() {
            let at = offset + in_front - front.len();
            back[at..at + rest.len()].copy_from_slice(rest);
        }
    }

    /// Releases samples that are further than the window behind the newest write.
    pub fn release(&mut self) {
        let held = self.channels[0].len();
        if held > 2 * self.window {
            self.advance(held - self.window);
        }
    }

    /// Emits everything, padding with silence up to the total length, and finishes the sink.
    pub fn finish(mut self) -> std::io::Result<()> {
        let remaining = (self.total - self.base).max(0) as u64;
        self.advance_by(remaining);
        match self.error.take() {
            Some(e) => Err(e),
            None => self.sink.finish(),
        }
    }

    fn advance(&mut self, n: usize) {
        self.advance_by(n as u64);
    }

    /// Moves the window start forward by `n` samples, emitting held samples and
    /// silence for the part beyond them, in bounded blocks.
    fn advance_by(&mut self, mut n: u64) {
        while n > 0 {
            let block = n.min(1 << 15) as usize;
            for (ch, scratch) in self.channels.iter_mut().zip(self.scratch.iter_mut()) {
                scratch.clear();
                let held = block.min(ch.len());
                let (front, back) = ch.as_slices();
                let from_front = held.min(front.len());
                scratch.extend_from_slice(&front[..from_front]);
                scratch.extend_from_slice(&back[..held - from_front]);
                ch.drain(..held);
                scratch.resize(block, self.silence);
            }
            self.base += block as i64;
            n -= block as u64;
            if self.error.is_none()
                && let Err(e) = self.sink.write(&self.scratch[0], &self.scratch[1])
            {
                self.error = Some(e);
            }
        }
    }
}
