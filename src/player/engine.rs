//! The playback engine: one record in memory, a position that an output advances in
//! real time, and the controls and meters the UI reads. Records are decoded on their
//! own thread; the output is the sound card (cpal) or, without one, a clock-paced null
//! sink, so that the position, the meters and the tests advance at the real pace.
//!
//! The output reads the audio under a read lock that the UI takes only to swap records;
//! positions, flags, volume and peaks are atomics.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::decode::{PcmAudio, load};
use crate::archive::keyring::KeyRing;

/// Where the sound goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    SoundCard,
    /// No device: time passes, nothing is heard.
    Null,
}

/// What the UI reads each frame.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub loaded: Option<PathBuf>,
    pub loading: bool,
    pub error: Option<String>,
    pub playing: bool,
    pub position_s: f64,
    pub duration_s: f64,
    /// Peak levels since the last snapshot, 0..=1, left and right.
    pub peaks: [f32; 2],
    /// A sample hit full scale since the last snapshot.
    pub overflow: [bool; 2],
    pub ab: Option<(f64, f64)>,
    pub loop_record: bool,
}

struct Shared {
    audio: RwLock<Arc<PcmAudio>>,
    /// The loaded record's waveform (see [`PcmAudio::envelope`]).
    waveform: RwLock<Arc<Vec<[f32; 2]>>>,
    path: Mutex<Option<PathBuf>>,
    loading: AtomicBool,
    error: Mutex<Option<String>>,
    position: AtomicU64,
    playing: AtomicBool,
    /// f32 bits: master volume 0..=1.
    volume: AtomicU32,
    muted: AtomicBool,
    /// f32 bits: attenuation of each channel, 0..=1 (1 = full level).
    channel_gain: [AtomicU32; 2],
    peaks: [AtomicU32; 2],
    overflow: [AtomicBool; 2],
    loop_record: AtomicBool,
    /// A–B loop in frames; `u64::MAX` when off.
    loop_a: AtomicU64,
    loop_b: AtomicU64,
    generation: AtomicU64,
}

impl Shared {
    fn gain(&self, ch: usize) -> f32 {
        if self.muted.load(Ordering::Relaxed) {
            return 0.0;
        }
        f32::from_bits(self.volume.load(Ordering::Relaxed))
            * f32::from_bits(self.channel_gain[ch].load(Ordering::Relaxed))
    }

    /// Advances by `frames` source frames, calling `sink(left, right)` with each gained
    /// sample pair, honouring the A–B loop, the record loop and the end.
    fn advance(&self, frames: usize, mut sink: impl FnMut(f32, f32)) {
        if !self.playing.load(Ordering::Relaxed) {
            return;
        }
        let audio = self.audio.read().unwrap_or_else(|e| e.into_inner()).clone();
        let total = audio.frames() as u64;
        if total == 0 {
            return;
        }
        let (gl, gr) = (self.gain(0), self.gain(1));
        let (a, b) = (
            self.loop_a.load(Ordering::Relaxed),
            self.loop_b.load(Ordering::Relaxed),
        );
        let mut pos = self.position.load(Ordering::Relaxed);
        let mut peak = [0f32; 2];
        for _ in 0..frames {
            if a != u64::MAX && pos >= b {
                pos = a;
            }
            if pos >= total {
                if self.loop_record.load(Ordering::Relaxed) {
                    pos = 0;
                } else {
                    self.playing.store(false, Ordering::Relaxed);
                    pos = total;
                    break;
                }
            }
            let l = f32::from(audio.left[pos as usize]) / 32768.0;
            let r = f32::from(audio.right[pos as usize]) / 32768.0;
            for (ch, s) in [l, r].into_iter().enumerate() {
                peak[ch] = peak[ch].max(s.abs());
                if s.abs() >= 0.999 {
                    self.overflow[ch].store(true, Ordering::Relaxed);
                }
            }
            sink(l * gl, r * gr);
            pos += 1;
        }
        self.position.store(pos, Ordering::Relaxed);
        for (held, new) in self.peaks.iter().zip(peak) {
            let old = f32::from_bits(held.load(Ordering::Relaxed));
            held.store(old.max(new).to_bits(), Ordering::Relaxed);
        }
    }
}

/// Columns of the waveform: more than a window is wide, few enough to draw every frame.
const WAVEFORM_COLUMNS: usize = 1200;

/// The engine; owned by the UI thread.
pub struct Engine {
    shared: Arc<Shared>,
    pub output: OutputKind,
    /// Kept alive while the engine lives (cpal streams stop when dropped).
    _stream: Option<cpal::Stream>,
}

impl Engine {
    /// An engine on the sound card when one works, else on the null sink.
    pub fn new(prefer: OutputKind) -> Engine {
        let shared = Arc::new(Shared {
            audio: RwLock::new(Arc::new(PcmAudio::default())),
            waveform: RwLock::new(Arc::new(Vec::new())),
            path: Mutex::new(None),
            loading: AtomicBool::new(false),
            error: Mutex::new(None),
            position: AtomicU64::new(0),
            playing: AtomicBool::new(false),
            volume: AtomicU32::new(1f32.to_bits()),
            muted: AtomicBool::new(false),
            channel_gain: [
                AtomicU32::new(1f32.to_bits()),
                AtomicU32::new(1f32.to_bits()),
            ],
            peaks: [AtomicU32::new(0), AtomicU32::new(0)],
            overflow: [AtomicBool::new(false), AtomicBool::new(false)],
            loop_record: AtomicBool::new(false),
            loop_a: AtomicU64::new(u64::MAX),
            loop_b: AtomicU64::new(u64::MAX),
            generation: AtomicU64::new(0),
        });
        let stream = if prefer == OutputKind::SoundCard {
            sound_card(&shared)
        } else {
            None
        };
        let output = if stream.is_some() {
            OutputKind::SoundCard
        } else {
            null_sink(&shared);
            OutputKind::Null
        };
        Engine {
            shared,
            output,
            _stream: stream,
        }
    }

    /// Loads a record on a decoding thread; playback starts when it is ready if `play`.
    pub fn load(&self, path: PathBuf, ring: KeyRing, play: bool) {
        let shared = self.shared.clone();
        let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        shared.playing.store(false, Ordering::Relaxed);
        shared.loading.store(true, Ordering::Relaxed);
        *shared.error.lock().unwrap_or_else(|e| e.into_inner()) = None;
        std::thread::spawn(move || {
            let result = load(&path, &ring);
            if shared.generation.load(Ordering::SeqCst) != generation {
                return; // another record was chosen meanwhile
            }
            match result {
                Ok(audio) => {
                    *shared.waveform.write().unwrap_or_else(|e| e.into_inner()) =
                        Arc::new(audio.envelope(WAVEFORM_COLUMNS));
                    *shared.audio.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(audio);
                    *shared.path.lock().unwrap_or_else(|e| e.into_inner()) = Some(path);
                    shared.position.store(0, Ordering::Relaxed);
                    shared.loop_a.store(u64::MAX, Ordering::Relaxed);
                    shared.loop_b.store(u64::MAX, Ordering::Relaxed);
                    shared.playing.store(play, Ordering::Relaxed);
                }
                Err(e) => {
                    *shared.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
                }
            }
            shared.loading.store(false, Ordering::Relaxed);
        });
    }

    fn rate(&self) -> f64 {
        f64::from(
            self.shared
                .audio
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .rate
                .max(1),
        )
    }

    fn frames(&self) -> u64 {
        self.shared
            .audio
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .frames() as u64
    }

    pub fn play(&self) {
        if self.shared.position.load(Ordering::Relaxed) >= self.frames() {
            self.shared.position.store(0, Ordering::Relaxed);
        }
        self.shared
            .playing
            .store(self.frames() > 0, Ordering::Relaxed);
    }

    pub fn pause(&self) {
        self.shared.playing.store(false, Ordering::Relaxed);
    }

    pub fn stop(&self) {
        self.pause();
        self.shared.position.store(0, Ordering::Relaxed);
    }

    /// Plays a short tone at once (the playlist's beep between two records); the
    /// record that was loaded is gone, as after Eject.
    pub fn beep(&self, seconds: f64, hz: f64) {
        const RATE: u32 = 8000;
        let n = (seconds * f64::from(RATE)) as usize;
        let tone: Vec<i16> = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                // a soft start and end, so the beep does not click
                let envelope = (t / 0.01).min(1.0).min((seconds - t) / 0.01).max(0.0);
                ((t * hz * std::f64::consts::TAU).sin() * 6000.0 * envelope) as i16
            })
            .collect();
        let shared = &self.shared;
        shared.generation.fetch_add(1, Ordering::SeqCst);
        *shared.audio.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(PcmAudio {
            rate: RATE,
            left: tone.clone(),
            right: tone,
        });
        *shared.waveform.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
        *shared.path.lock().unwrap_or_else(|e| e.into_inner()) = None;
        shared.loading.store(false, Ordering::Relaxed);
        shared.position.store(0, Ordering::Relaxed);
        shared.loop_a.store(u64::MAX, Ordering::Relaxed);
        shared.loop_b.store(u64::MAX, Ordering::Relaxed);
        shared.playing.store(true, Ordering::Relaxed);
    }

    /// Unloads the record (the seed's Eject).
    pub fn eject(&self) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        self.stop();
        *self.shared.audio.write().unwrap_or_else(|e| e.into_inner()) =
            Arc::new(PcmAudio::default());
        *self
            .shared
            .waveform
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
        *self.shared.path.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub fn seek_s(&self, seconds: f64) {
        let frame = (seconds.max(0.0) * self.rate()) as u64;
        self.shared
            .position
            .store(frame.min(self.frames()), Ordering::Relaxed);
    }

    /// Moves by `delta` seconds (fast-forward / rewind).
    pub fn skip_s(&self, delta: f64) {
        let now = self.shared.position.load(Ordering::Relaxed) as f64 / self.rate();
        self.seek_s(now + delta);
    }

    pub fn set_volume(&self, volume: f32) {
        self.shared
            .volume
            .store(volume.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    pub fn set_muted(&self, muted: bool) {
        self.shared.muted.store(muted, Ordering::Relaxed);
    }

    /// Attenuation of the left (0) or right (1) channel, 0..=1.
    pub fn set_channel_gain(&self, channel: usize, gain: f32) {
        self.shared.channel_gain[channel.min(1)]
            .store(gain.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
    }

    pub fn set_loop_record(&self, on: bool) {
        self.shared.loop_record.store(on, Ordering::Relaxed);
    }

    /// Loops between `a` and `b` seconds; `None` ends the loop.
    pub fn set_ab(&self, ab: Option<(f64, f64)>) {
        match ab {
            Some((a, b)) if b > a => {
                let rate = self.rate();
                self.shared
                    .loop_a
                    .store((a * rate) as u64, Ordering::Relaxed);
                self.shared
                    .loop_b
                    .store((b * rate) as u64, Ordering::Relaxed);
            }
            _ => {
                self.shared.loop_a.store(u64::MAX, Ordering::Relaxed);
                self.shared.loop_b.store(u64::MAX, Ordering::Relaxed);
            }
        }
    }

    /// The state for drawing; peaks and overflow marks are taken (reset) by the read.
    /// The loaded record's waveform: per column, the peak of each channel.
    pub fn waveform(&self) -> Arc<Vec<[f32; 2]>> {
        self.shared
            .waveform
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn snapshot(&self) -> Snapshot {
        let s = &self.shared;
        let rate = self.rate();
        let a = s.loop_a.load(Ordering::Relaxed);
        Snapshot {
            loaded: s.path.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            loading: s.loading.load(Ordering::Relaxed),
            error: s.error.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            playing: s.playing.load(Ordering::Relaxed),
            position_s: s.position.load(Ordering::Relaxed) as f64 / rate,
            duration_s: self.frames() as f64 / rate,
            peaks: [0, 1].map(|ch| f32::from_bits(s.peaks[ch].swap(0, Ordering::Relaxed))),
            overflow: [0, 1].map(|ch| s.overflow[ch].swap(false, Ordering::Relaxed)),
            ab: (a != u64::MAX).then(|| {
                (
                    a as f64 / rate,
                    s.loop_b.load(Ordering::Relaxed) as f64 / rate,
                )
            }),
            loop_record: s.loop_record.load(Ordering::Relaxed),
        }
    }
}

/// A thread that consumes audio at the real pace and throws it away.
fn null_sink(shared: &Arc<Shared>) {
    let weak = Arc::downgrade(shared);
    std::thread::spawn(move || {
        let mut last = Instant::now();
        let mut carry = 0.0f64;
        while let Some(shared) = weak.upgrade() {
            std::thread::sleep(Duration::from_millis(10));
            let now = Instant::now();
            let rate = f64::from(shared.audio.read().unwrap_or_else(|e| e.into_inner()).rate);
            carry += now.duration_since(last).as_secs_f64() * rate;
            last = now;
            let frames = carry.floor();
            carry -= frames;
            shared.advance(frames as usize, |_, _| {});
        }
    });
}

/// An output stream on the default device, resampling by nearest sample; `None` when no
/// device works (then the null sink takes over).
fn sound_card(shared: &Arc<Shared>) -> Option<cpal::Stream> {
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    let device = cpal::default_host().default_output_device()?;
    let config = device.default_output_config().ok()?;
    if config.sample_format() != cpal::SampleFormat::F32 {
        return None;
    }
    let channels = usize::from(config.channels()).max(1);
    let device_rate = f64::from(config.sample_rate());
    let shared = shared.clone();
    let mut carry = 0.0f64;
    let stream = device
        .build_output_stream(
            config.into(),
            move |out: &mut [f32], _| {
                out.fill(0.0);
                let rate = f64::from(shared.audio.read().unwrap_or_else(|e| e.into_inner()).rate);
                let step = rate / device_rate;
                let mut frame = 0usize;
                let device_frames = out.len() / channels;
                while frame < device_frames {
                    carry += step;
                    let take = carry.floor() as usize;
                    carry -= take as f64;
                    let mut last = (0.0, 0.0);
                    shared.advance(take, |l, r| last = (l, r));
                    if take == 0 {
                        // hold the previous sample (upsampling)
                        let i = frame * channels;
                        if i >= channels {
                            let (pl, pr) = (
                                out[i - channels],
                                out[i - channels + (channels > 1) as usize],
                            );
                            last = (pl, pr);
                        }
                    }
                    let i = frame * channels;
                    out[i] = last.0;
                    if channels > 1 {
                        out[i + 1] = last.1;
                    }
                    frame += 1;
                }
            },
            |e| tracing::warn!("audio output: {e}"),
            None,
        )
        .ok()?;
    stream.play().ok()?;
    Some(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_with(seconds: f64) -> Engine {
        let engine = Engine::new(OutputKind::Null);
        let rate = 8000;
        let n = (seconds * f64::from(rate)) as usize;
        let tone: Vec<i16> = (0..n)
            .map(|i| ((i as f64 * 0.3).sin() * 16000.0) as i16)
            .collect();
        *engine.shared.audio.write().unwrap() = Arc::new(PcmAudio {
            rate,
            left: tone.clone(),
            right: vec![0; n],
        });
        engine
    }

    #[test]
    fn the_null_sink_plays_at_real_pace_and_meters_follow() {
        let engine = engine_with(5.0);
        engine.play();
        std::thread::sleep(Duration::from_millis(400));
        let s = engine.snapshot();
        assert!(
            (0.25..0.8).contains(&s.position_s),
            "position {}",
            s.position_s
        );
        assert!(s.peaks[0] > 0.4 && s.peaks[1] == 0.0, "{:?}", s.peaks);
        engine.pause();
        let at = engine.snapshot().position_s;
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(engine.snapshot().position_s, at);
    }

    #[test]
    fn ab_loop_and_end_of_record() {
        let engine = engine_with(1.0);
        engine.set_ab(Some((0.2, 0.3)));
        engine.seek_s(0.25);
        engine.play();
        std::thread::sleep(Duration::from_millis(300));
        let s = engine.snapshot();
        assert!(s.playing && (0.2..=0.3).contains(&s.position_s), "{s:?}");
        engine.set_ab(None);
        std::thread::sleep(Duration::from_millis(1000));
        let s = engine.snapshot();
        assert!(!s.playing, "stops at the end: {s:?}");
        assert!((s.position_s - 1.0).abs() < 1e-6);
    }
}
