//! The output window: both parties' samples meet here at their timeline positions and
//! leave in order once no later packet can still land on them.
//!
//! Memory is bounded by the window, not by the call: a 4-hour call uses the same
//! few hundred kilobytes as a 4-second one. The window is a ring per channel, both
//! with the same geometry, so that released samples go to the sink straight from the
//! ring: every sample is copied once into the window and once out of it.

use super::writer::AudioSink;

/// Largest block handed to the sink at once.
const BLOCK: usize = 1 << 15;

pub struct Mixer<'a> {
    sink: Box<dyn AudioSink + 'a>,
    /// The first write error; later output is skipped and the error reported at the end.
    error: Option<std::io::Error>,
    /// Output sample index of the first sample held.
    base: i64,
    /// Samples held: places from the base up to the furthest write of either channel.
    held: usize,
    /// Per channel, how many places from the base hold that channel's samples or
    /// silence; the places beyond, up to `held`, are silent but not yet set. They are
    /// set when a write skips over them or when they are released, so that a place
    /// both parties speak in is written once, not first silenced and then written.
    valid: [usize; 2],
    /// Ring index of the first sample held.
    head: usize,
    /// Ring storage per channel; the length is a power of two (or zero before the first write).
    rings: [Vec<i16>; 2],
    /// Samples held before the oldest are released.
    window: usize,
    /// Total frames the output must have.
    total: i64,
    /// A block of silence, for stretches beyond everything held.
    quiet: Vec<i16>,
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
            held: 0,
            valid: [0, 0],
            head: 0,
            rings: [Vec::new(), Vec::new()],
            window: rate as usize * 8,
            total: total_frames as i64,
            quiet: Vec::new(),
            late_samples: 0,
            silence,
        }
    }

    /// Writes samples of one channel starting at output index `position`.
    /// Later writes win over earlier ones (a retransmission replaces concealment).
    pub fn put(&mut self, channel: usize, position: i64, samples: &[i16]) {
        self.put_with(channel, position, samples, |to, from| {
            to.copy_from_slice(from)
        });
    }

    /// [`Self::put`] for bytes, each one sample: the A-law passthrough writes a
    /// payload into the window without widening it into a buffer first.
    pub fn put_bytes(&mut self, channel: usize, position: i64, bytes: &[u8]) {
        self.put_with(channel, position, bytes, |to, from| {
            for (t, f) in to.iter_mut().zip(from) {
                *t = i16::from(*f);
            }
        });
    }

    fn put_with<T>(
        &mut self,
        channel: usize,
        position: i64,
        samples: &[T],
        copy: impl Fn(&mut [i16], &[T]),
    ) {
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
        if needed > self.held {
            self.reserve(needed);
            self.held = needed;
        }
        if offset > self.valid[channel] {
            self.fill(channel, self.valid[channel], offset);
        }
        self.valid[channel] = self.valid[channel].max(needed);
        let mask = self.rings[channel].len() - 1;
        let at = (self.head + offset) & mask;
        let first = samples.len().min(mask + 1 - at);
        let ring = &mut self.rings[channel];
        copy(&mut ring[at..at + first], &samples[..first]);
        copy(&mut ring[..samples.len() - first], &samples[first..]);
    }

    /// Releases samples that are further than the window behind the newest write.
    pub fn release(&mut self) {
        if self.held > 2 * self.window {
            self.advance(self.held - self.window);
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

    /// Makes room for `needed` held samples, keeping what is held in order.
    fn reserve(&mut self, needed: usize) {
        let capacity = self.rings[0].len();
        if needed <= capacity {
            return;
        }
        let grown = needed.next_power_of_two().max(BLOCK);
        for ring in &mut self.rings {
            let mut new = vec![self.silence; grown];
            if capacity > 0 {
                let first = self.held.min(capacity - self.head);
                new[..first].copy_from_slice(&ring[self.head..self.head + first]);
                new[first..self.held].copy_from_slice(&ring[..self.held - first]);
            }
            *ring = new;
        }
        self.head = 0;
    }

    /// Sets the held places `from..to` (counted from the head) of one channel to silence.
    fn fill(&mut self, channel: usize, from: usize, to: usize) {
        let mask = self.rings[channel].len() - 1;
        let ring = &mut self.rings[channel];
        let mut i = from;
        while i < to {
            let at = (self.head + i) & mask;
            let n = (to - i).min(mask + 1 - at);
            ring[at..at + n].fill(self.silence);
            i += n;
        }
    }

    fn advance(&mut self, n: usize) {
        self.advance_by(n as u64);
    }

    /// Moves the window start forward by `n` samples, emitting held samples and
    /// silence for the part beyond them, in bounded blocks.
    fn advance_by(&mut self, mut n: u64) {
        while n > 0 {
            let block = if self.held > 0 {
                // held samples, up to the ring's end: one contiguous slice per channel
                let capacity = self.rings[0].len();
                let block = (n as usize)
                    .min(self.held)
                    .min(capacity - self.head)
                    .min(BLOCK);
                for channel in 0..2 {
                    if self.valid[channel] < block {
                        self.fill(channel, self.valid[channel], block);
                        self.valid[channel] = block;
                    }
                    self.valid[channel] -= block;
                }
                let range = self.head..self.head + block;
                self.emit_held(range);
                self.head = (self.head + block) & (capacity - 1);
                self.held -= block;
                block
            } else {
                let block = (n as usize).min(BLOCK);
                if self.quiet.len() < block {
                    self.quiet = vec![self.silence; BLOCK];
                }
                if self.error.is_none()
                    && let Err(e) = self.sink.write(&self.quiet[..block], &self.quiet[..block])
                {
                    self.error = Some(e);
                }
                block
            };
            self.base += block as i64;
            n -= block as u64;
        }
    }

    fn emit_held(&mut self, range: std::ops::Range<usize>) {
        if self.error.is_none()
            && let Err(e) = self
                .sink
                .write(&self.rings[0][range.clone()], &self.rings[1][range])
        {
            self.error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A sink that keeps what it is given.
    struct Collect(Rc<RefCell<[Vec<i16>; 2]>>);

    impl AudioSink for Collect {
        fn write(&mut self, left: &[i16], right: &[i16]) -> std::io::Result<()> {
            let mut out = self.0.borrow_mut();
            out[0].extend_from_slice(left);
            out[1].extend_from_slice(right);
            Ok(())
        }

        fn finish(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Random writes against a plain array of the whole output: the ring gives the
    /// same samples, also across its wrap, growth, window releases and jumps ahead.
    #[test]
    fn the_ring_gives_what_a_plain_timeline_gives() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: u64| rng.random_range(0..n);
        for round in 0..40 {
            let total = 20_000 + next(200_000) as i64;
            let collected = Rc::new(RefCell::new([Vec::new(), Vec::new()]));
            // a small rate makes a small window, so that releases and wraps happen often
            let rate = 100 + next(2000) as u32;
            let silence = if round % 2 == 0 { 0 } else { 0xd5 };
            let mut mixer = Mixer::new(
                rate,
                total as u64,
                Box::new(Collect(collected.clone())),
                silence,
            );
            let mut expected = [vec![silence; total as usize], vec![silence; total as usize]];
            let mut position = 0i64;
            let mut last_len = 0i64;
            let mut late = 0u64;
            for _ in 0..2_000 {
                let channel = next(2) as usize;
                let len = 1 + next(400) as usize;
                position = match next(10) {
                    0 => position - next(3 * rate as u64) as i64, // late or reordered
                    1 => position + next(30 * rate as u64) as i64, // a jump ahead
                    // right after the last write, or a place or two beyond it
                    2..=5 => position + last_len + next(3) as i64,
                    _ => position + next(200) as i64,
                }
                .max(0);
                last_len = len as i64;
                let value = 1 + next(30_000) as i16;
                if value < 256 || next(4) == 0 {
                    // bytes (the A-law passthrough) take the same way in
                    let value = value as u8;
                    mixer.put_bytes(channel, position, &vec![value; len]);
                    let base = mixer.base;
                    for at in position..(position + len as i64).min(total) {
                        if at >= base {
                            expected[channel][at as usize] = i16::from(value);
                        } else {
                            late += 1;
                        }
                    }
                    mixer.release();
                    continue;
                }
                mixer.put(channel, position, &vec![value; len]);
                // what is before the base after the write (which may have moved it
                // forward first) was late; the rest is kept, later writes winning
                let base = mixer.base;
                for at in position..(position + len as i64).min(total) {
                    if at >= base {
                        expected[channel][at as usize] = value;
                    } else {
                        late += 1;
                    }
                }
                mixer.release();
            }
            assert_eq!(mixer.late_samples, late);
            mixer.finish().expect("finish");
            let got = collected.borrow();
            assert_eq!(got[0].len(), total as usize);
            assert_eq!(got[1].len(), total as usize);
            assert!(got[0] == expected[0], "left differs in round {round}");
            assert!(got[1] == expected[1], "right differs in round {round}");
        }
    }
}
