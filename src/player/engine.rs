//! The playback engine: a record streamed from its file, a position that an output
//! advances in real time, and the controls and meters the UI reads.
//!
//! Three parts, so that the sound never waits for the disk and a 4-hour call never
//! sits in memory:
//! - a loader thread per record opens it (for a capture: converts it) and then reads it
//!   once more for the waveform;
//! - one feeder thread decodes the playing record a packet at a time into a lock-free
//!   ring buffer (rtrb) of about a second, and carries out seeks and loops there;
//! - the output (the sound card through cpal, or without one a clock-paced null sink)
//!   takes frames from the ring, applies volume and attenuation, and measures peaks.
//!
//! Every seek, load and eject bumps a generation number; frames of an older generation
//! still in the ring are dropped by the output, so a seek is heard at once. Everything
//! the UI changes or reads per frame is an atomic.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::decode::DecodeError;
use super::remote::RemoteArchive;
use super::stream::{Frame, FrameSource, MemorySource, RecordStream, waveform};
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

/// One slot of the ring: a frame and where it is in the record, or the end mark.
#[derive(Debug, Clone, Copy)]
struct Item {
    generation: u64,
    position: u64,
    frame: Frame,
    end: bool,
}

/// Frames the ring holds: one second at 8 kHz, a sixth at 48 kHz.
const RING_FRAMES: usize = 8192;

/// Length not known (yet).
const UNKNOWN: u64 = u64::MAX;

struct Shared {
    /// The loaded record's waveform (see [`waveform`]).
    waveform: RwLock<Arc<Vec<[f32; 2]>>>,
    path: Mutex<Option<PathBuf>>,
    loading: AtomicBool,
    error: Mutex<Option<String>>,
    rate: AtomicU32,
    /// The record's length in frames, or [`UNKNOWN`].
    frames: AtomicU64,
    /// The next frame to be heard.
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
    /// Bumped by every load, seek and eject (see the module documentation).
    generation: AtomicU64,
    /// Bumped by every load and eject only: which record the waveform belongs to.
    record: AtomicU64,
    /// Held while the generation is bumped and a record handed to the feeder, so that
    /// a loader thread that finishes late cannot start a record the user has left.
    switching: Mutex<()>,
}

/// What the feeder is told.
enum Command {
    Play {
        generation: u64,
        source: Box<dyn FrameSource>,
    },
    Seek {
        generation: u64,
        frame: u64,
    },
    Eject {
        generation: u64,
    },
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.switching.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Hands `source` to the feeder as the record to play from its start, under
    /// `generation` (the caller holds the switching lock).
    fn start(
        &self,
        commands: &Sender<Command>,
        generation: u64,
        source: Box<dyn FrameSource>,
        path: Option<PathBuf>,
        play: bool,
    ) {
        self.rate.store(source.rate().max(1), Ordering::Relaxed);
        self.frames
            .store(source.frames().unwrap_or(UNKNOWN), Ordering::Relaxed);
        self.position.store(0, Ordering::Relaxed);
        self.loop_a.store(u64::MAX, Ordering::Relaxed);
        self.loop_b.store(u64::MAX, Ordering::Relaxed);
        *self.path.lock().unwrap_or_else(|e| e.into_inner()) = path;
        let _ = commands.send(Command::Play { generation, source });
        self.playing.store(play, Ordering::Relaxed);
    }

    fn gain(&self, ch: usize) -> f32 {
        if self.muted.load(Ordering::Relaxed) {
            return 0.0;
        }
        f32::from_bits(self.volume.load(Ordering::Relaxed))
            * f32::from_bits(self.channel_gain[ch].load(Ordering::Relaxed))
    }

    /// Takes up to `frames` frames from the ring, calling `sink(left, right)` with each
    /// gained sample pair; returns how many it took (fewer when the feeder is behind,
    /// or at the end).
    fn advance(
        &self,
        ring: &mut rtrb::Consumer<Item>,
        frames: usize,
        mut sink: impl FnMut(f32, f32),
    ) -> usize {
        if !self.playing.load(Ordering::Relaxed) {
            return 0;
        }
        let generation = self.generation.load(Ordering::Acquire);
        let (gl, gr) = (self.gain(0), self.gain(1));
        let mut peak = [0f32; 2];
        let mut taken = 0;
        while taken < frames {
            let Ok(item) = ring.pop() else { break };
            if item.generation != generation {
                continue; // from before a seek, load or eject
            }
            if item.end {
                self.playing.store(false, Ordering::Relaxed);
                self.frames.store(item.position, Ordering::Relaxed);
                self.position.store(item.position, Ordering::Relaxed);
                break;
            }
            let l = f32::from(item.frame[0]) / 32768.0;
            let r = f32::from(item.frame[1]) / 32768.0;
            for (ch, s) in [l, r].into_iter().enumerate() {
                peak[ch] = peak[ch].max(s.abs());
                if s.abs() >= 0.999 {
                    self.overflow[ch].store(true, Ordering::Relaxed);
                }
            }
            sink(l * gl, r * gr);
            // a seek meanwhile has set the position already: leave it
            if self.generation.load(Ordering::Acquire) == generation {
                self.position.store(item.position + 1, Ordering::Relaxed);
            }
            taken += 1;
        }
        for (held, new) in self.peaks.iter().zip(peak) {
            let old = f32::from_bits(held.load(Ordering::Relaxed));
            held.store(old.max(new).to_bits(), Ordering::Relaxed);
        }
        taken
    }
}

/// The feeder: decodes the current record into the ring, ahead of the output.
struct Feeder {
    shared: Arc<Shared>,
    ring: rtrb::Producer<Item>,
    source: Option<Box<dyn FrameSource>>,
    generation: u64,
    /// Where the next decoded frame belongs.
    next: u64,
    /// Decoded frames not yet in the ring, from `pending_at` on.
    pending: Vec<Frame>,
    pending_at: usize,
    /// The end mark is in the ring: nothing more to do until told.
    done: bool,
}

impl Feeder {
    fn run(mut self, commands: Receiver<Command>) {
        loop {
            // nothing loaded, or all of it in the ring: nothing to do until told (an
            // idle Player costs no wake-ups); a full ring is looked at again soon
            let command = if self.source.is_none() || self.done {
                match commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return,
                }
            } else if self.ring.is_full() {
                match commands.recv_timeout(Duration::from_millis(5)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                commands.try_recv().ok()
            };
            if let Some(command) = command {
                self.obey(command);
                continue; // take every waiting command before decoding
            }
            if self.generation == self.shared.generation.load(Ordering::Acquire) {
                self.fill();
            }
        }
    }

    fn restart_at(&mut self, frame: u64) {
        self.pending.clear();
        self.pending_at = 0;
        self.done = false;
        self.next = frame;
        if let Some(source) = &mut self.source
            && let Err(e) = source.seek(frame)
        {
            tracing::warn!("playback: {e}");
        }
    }

    fn obey(&mut self, command: Command) {
        match command {
            Command::Play { generation, source } => {
                self.generation = generation;
                self.source = Some(source);
                self.restart_at(0);
            }
            Command::Seek { generation, frame } => {
                self.generation = generation;
                self.restart_at(frame);
            }
            Command::Eject { generation } => {
                self.generation = generation;
                self.source = None;
                self.pending.clear();
                self.pending_at = 0;
            }
        }
    }

    fn push(&mut self, item: Item) -> bool {
        self.ring.push(item).is_ok()
    }

    /// Tops the ring up: decodes packets, turns at the A–B loop's end and, with the
    /// record loop, at the record's end; puts the end mark after the last frame.
    fn fill(&mut self) {
        let shared = self.shared.clone();
        while !self.done && !self.ring.is_full() {
            let (a, b) = (
                shared.loop_a.load(Ordering::Relaxed),
                shared.loop_b.load(Ordering::Relaxed),
            );
            if a != u64::MAX && self.next >= b {
                self.restart_at(a);
            }
            if self.pending_at == self.pending.len() {
                self.pending.clear();
                self.pending_at = 0;
                let Some(source) = &mut self.source else {
                    return;
                };
                let more = match source.read(&mut self.pending) {
                    Ok(more) => more,
                    Err(e) => {
                        *shared.error.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                        false
                    }
                };
                if !more {
                    if shared.loop_record.load(Ordering::Relaxed) && self.next > 0 {
                        self.restart_at(0);
                        continue;
                    }
                    let end = Item {
                        generation: self.generation,
                        position: self.next,
                        frame: [0; 2],
                        end: true,
                    };
                    self.done = self.push(end);
                    return;
                }
            }
            while self.pending_at < self.pending.len() && !self.ring.is_full() {
                if a != u64::MAX && self.next >= b {
                    break;
                }
                let item = Item {
                    generation: self.generation,
                    position: self.next,
                    frame: self.pending[self.pending_at],
                    end: false,
                };
                self.push(item);
                self.pending_at += 1;
                self.next += 1;
            }
        }
    }
}

/// Columns of the waveform: more than a window is wide, few enough to draw every frame.
const WAVEFORM_COLUMNS: usize = 1200;

/// The engine; owned by the UI thread.
/// Opens a record's stream on the loader thread.
type Opener = Box<dyn FnOnce() -> Result<RecordStream, DecodeError> + Send>;
/// Brings a record's files to where they are read (a bucket's record into the cache).
pub type Fetch = Box<dyn FnOnce() -> std::io::Result<()> + Send>;
/// Gets a record's waveform (peaks per column, length in frames) without reading it
/// here: a remote record's from its server.
type Outliner = Box<dyn FnOnce() -> Option<(Vec<[f32; 2]>, u64)> + Send>;

pub struct Engine {
    shared: Arc<Shared>,
    commands: Sender<Command>,
    pub output: OutputKind,
    /// Kept alive while the engine lives (cpal streams stop when dropped).
    _stream: Option<cpal::Stream>,
}

impl Engine {
    /// An engine on the sound card when one works, else on the null sink.
    pub fn new(prefer: OutputKind) -> Engine {
        let shared = Arc::new(Shared {
            waveform: RwLock::new(Arc::new(Vec::new())),
            path: Mutex::new(None),
            loading: AtomicBool::new(false),
            error: Mutex::new(None),
            rate: AtomicU32::new(8000),
            frames: AtomicU64::new(0),
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
            record: AtomicU64::new(0),
            switching: Mutex::new(()),
        });
        let (producer, consumer) = rtrb::RingBuffer::new(RING_FRAMES);
        let (commands, received) = std::sync::mpsc::channel();
        let feeder = Feeder {
            shared: shared.clone(),
            ring: producer,
            source: None,
            generation: 0,
            next: 0,
            pending: Vec::new(),
            pending_at: 0,
            done: false,
        };
        std::thread::Builder::new()
            .name("playback feeder".into())
            .spawn(move || feeder.run(received))
            .expect("a thread for playback");
        let (stream, consumer) = if prefer == OutputKind::SoundCard {
            sound_card(&shared, consumer)
        } else {
            (None, Some(consumer))
        };
        let output = match consumer {
            Some(consumer) => {
                null_sink(&shared, consumer);
                OutputKind::Null
            }
            None => OutputKind::SoundCard,
        };
        Engine {
            shared,
            commands,
            output,
            _stream: stream,
        }
    }

    /// A new generation (the caller holds the switching lock).
    fn next_generation(&self) -> u64 {
        self.shared.generation.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// A new record: a new generation, the waveform of the old one gone.
    fn next_record(&self) -> (u64, u64) {
        let record = self.shared.record.fetch_add(1, Ordering::AcqRel) + 1;
        *self
            .shared
            .waveform
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::new(Vec::new());
        (self.next_generation(), record)
    }

    /// Loads a record on a loader thread; playback starts when it is open if `play`.
    /// The waveform follows when the loader has read the record once more.
    pub fn load(&self, path: PathBuf, ring: KeyRing, play: bool) {
        let opened = path.clone();
        self.load_with(
            path,
            Box::new(move || RecordStream::open(&opened, &ring)),
            None,
            play,
        );
    }

    /// [`Engine::load`] of a record that `fetch` first brings to `path` (a record of
    /// an archive in a bucket, fetched into the Player's cache on the loader thread).
    pub fn load_fetching(&self, path: PathBuf, ring: KeyRing, play: bool, fetch: Fetch) {
        let opened = path.clone();
        self.load_with(
            path,
            Box::new(move || {
                fetch().map_err(|e| {
                    DecodeError(format!(
                        "the record cannot be fetched from the archive's bucket: {e}"
                    ))
                })?;
                RecordStream::open(&opened, &ring)
            }),
            None,
            play,
        );
    }

    /// Loads the record `name` of a recorder or fileserver on another PC; it plays as
    /// soon as its first piece has come. `remote:NAME` stands for it where a path would.
    pub fn load_remote(&self, archive: Arc<RemoteArchive>, name: &str, play: bool) {
        let label = PathBuf::from(format!("remote:{name}"));
        let (name, outline_name, outline_archive) =
            (name.to_string(), name.to_string(), archive.clone());
        // the server draws the waveform: the record is not downloaded a second time
        let outline: Outliner = Box::new(move || {
            outline_archive
                .waveform(&outline_name, WAVEFORM_COLUMNS)
                .ok()
        });
        self.load_with(
            label,
            Box::new(move || RecordStream::open_remote(&archive, &name)),
            Some(outline),
            play,
        );
    }

    /// Loads what `open` opens, on a loader thread; `path` names it.
    fn load_with(&self, path: PathBuf, open: Opener, outline: Option<Outliner>, play: bool) {
        let (generation, record) = {
            let _switching = self.shared.lock();
            self.next_record()
        };
        let shared = self.shared.clone();
        shared.playing.store(false, Ordering::Relaxed);
        shared.loading.store(true, Ordering::Relaxed);
        *shared.error.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let commands = self.commands.clone();
        std::thread::spawn(move || {
            let scan_here = outline.is_none();
            let opened = open().and_then(|s| {
                let scan = if scan_here { Some(s.reopen()?) } else { None };
                Ok((s, scan))
            });
            let mut scan = {
                let _switching = shared.lock();
                // the user may have chosen another record meanwhile
                if shared.generation.load(Ordering::Acquire) != generation {
                    return;
                }
                shared.loading.store(false, Ordering::Relaxed);
                match opened {
                    Ok((stream, scan)) => {
                        shared.start(&commands, generation, Box::new(stream), Some(path), play);
                        scan
                    }
                    Err(e) => {
                        // nothing of the record before stays loaded
                        let _ = commands.send(Command::Eject { generation });
                        *shared.path.lock().unwrap_or_else(|e| e.into_inner()) = None;
                        shared.frames.store(0, Ordering::Relaxed);
                        shared.position.store(0, Ordering::Relaxed);
                        *shared.error.lock().unwrap_or_else(|e| e.into_inner()) =
                            Some(e.to_string());
                        return;
                    }
                }
            };
            let outlined = match (scan.as_mut(), outline) {
                (Some(scan), _) => Some(waveform(scan, WAVEFORM_COLUMNS)),
                (None, Some(outline)) => outline(),
                (None, None) => None,
            };
            let Some((envelope, frames)) = outlined else {
                return;
            };
            let _switching = shared.lock();
            if shared.record.load(Ordering::Acquire) == record {
                *shared.waveform.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(envelope);
                let _ = shared.frames.compare_exchange(
                    UNKNOWN,
                    frames,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
            }
        });
    }

    /// Plays audio held in memory (the playlist's beep, tests).
    pub fn play_memory(&self, source: MemorySource) {
        let _switching = self.shared.lock();
        let (generation, _) = self.next_record();
        self.shared.loading.store(false, Ordering::Relaxed);
        *self.shared.error.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.shared
            .start(&self.commands, generation, Box::new(source), None, true);
    }

    fn rate(&self) -> f64 {
        f64::from(self.shared.rate.load(Ordering::Relaxed).max(1))
    }

    /// The record's length in frames; while unknown, the position so far.
    fn frames(&self) -> u64 {
        match self.shared.frames.load(Ordering::Relaxed) {
            UNKNOWN => self.shared.position.load(Ordering::Relaxed),
            n => n,
        }
    }

    fn loaded(&self) -> bool {
        self.shared.frames.load(Ordering::Relaxed) != 0
    }

    /// Moves playback to `frame`: heard at once, older frames in the ring are dropped.
    fn seek_frame(&self, frame: u64) {
        let frame = match self.shared.frames.load(Ordering::Relaxed) {
            UNKNOWN => frame,
            n => frame.min(n),
        };
        let _switching = self.shared.lock();
        let generation = self.next_generation();
        self.shared.position.store(frame, Ordering::Relaxed);
        let _ = self.commands.send(Command::Seek { generation, frame });
    }

    pub fn play(&self) {
        if !self.loaded() {
            return;
        }
        let total = self.shared.frames.load(Ordering::Relaxed);
        if self.shared.position.load(Ordering::Relaxed) >= total {
            self.seek_frame(0);
        }
        self.shared.playing.store(true, Ordering::Relaxed);
    }

    pub fn pause(&self) {
        self.shared.playing.store(false, Ordering::Relaxed);
    }

    pub fn stop(&self) {
        self.pause();
        if self.loaded() {
            self.seek_frame(0);
        }
    }

    /// Plays a short tone at once (the playlist's beep between two records); the
    /// record that was loaded is gone, as after Eject.
    pub fn beep(&self, seconds: f64, hz: f64) {
        const RATE: u32 = 8000;
        let n = (seconds * f64::from(RATE)) as usize;
        let tone: Vec<Frame> = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                // a soft start and end, so the beep does not click
                let envelope = (t / 0.01).min(1.0).min((seconds - t) / 0.01).max(0.0);
                let s = ((t * hz * std::f64::consts::TAU).sin() * 6000.0 * envelope) as i16;
                [s, s]
            })
            .collect();
        self.play_memory(MemorySource::new(RATE, tone));
    }

    /// Unloads the record (the seed's Eject).
    pub fn eject(&self) {
        let _switching = self.shared.lock();
        let (generation, _) = self.next_record();
        let _ = self.commands.send(Command::Eject { generation });
        let s = &self.shared;
        s.loading.store(false, Ordering::Relaxed);
        s.playing.store(false, Ordering::Relaxed);
        s.position.store(0, Ordering::Relaxed);
        s.frames.store(0, Ordering::Relaxed);
        *s.path.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub fn seek_s(&self, seconds: f64) {
        if self.loaded() {
            self.seek_frame((seconds.max(0.0) * self.rate()) as u64);
        }
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

    /// The frames already in the ring were decoded under the old loop rules: decode
    /// again from where the listener is.
    fn rules_changed(&self) {
        if self.loaded() {
            self.seek_frame(self.shared.position.load(Ordering::Relaxed));
        }
    }

    pub fn set_loop_record(&self, on: bool) {
        self.shared.loop_record.store(on, Ordering::Relaxed);
        self.rules_changed();
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
        self.rules_changed();
    }

    /// The loaded record's waveform: per column, the peak of each channel.
    pub fn waveform(&self) -> Arc<Vec<[f32; 2]>> {
        self.shared
            .waveform
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The state for drawing; peaks and overflow marks are taken (reset) by the read.
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

/// A thread that takes frames at the real pace and throws them away.
fn null_sink(shared: &Arc<Shared>, mut ring: rtrb::Consumer<Item>) {
    let weak = Arc::downgrade(shared);
    std::thread::spawn(move || {
        let mut last = Instant::now();
        let mut carry = 0.0f64;
        while let Some(shared) = weak.upgrade() {
            // at the real pace while it plays; seldom while it does not
            let pause = if shared.playing.load(Ordering::Relaxed) {
                10
            } else {
                100
            };
            std::thread::sleep(Duration::from_millis(pause));
            let now = Instant::now();
            let rate = f64::from(shared.rate.load(Ordering::Relaxed));
            carry += now.duration_since(last).as_secs_f64() * rate;
            last = now;
            let frames = carry.floor();
            carry -= frames;
            shared.advance(&mut ring, frames as usize, |_, _| {});
        }
    });
}

/// An output stream on the default device, resampling by nearest sample. Gives the
/// ring back when no device works (then the null sink takes it).
fn sound_card(
    shared: &Arc<Shared>,
    ring: rtrb::Consumer<Item>,
) -> (Option<cpal::Stream>, Option<rtrb::Consumer<Item>>) {
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    let Some(device) = cpal::default_host().default_output_device() else {
        return (None, Some(ring));
    };
    let config = match device.default_output_config() {
        Ok(c) if c.sample_format() == cpal::SampleFormat::F32 => c,
        _ => return (None, Some(ring)),
    };
    let channels = usize::from(config.channels()).max(1);
    let device_rate = f64::from(config.sample_rate());
    // the ring moves into the callback; if the stream cannot start it comes back
    let ring = Arc::new(Mutex::new(Some(ring)));
    let in_callback = ring.clone();
    let shared_cb = shared.clone();
    let mut carry = 0.0f64;
    let mut held: Option<rtrb::Consumer<Item>> = None;
    let mut last = (0.0f32, 0.0f32);
    let stream = device.build_output_stream(
        config.into(),
        move |out: &mut [f32], _| {
            out.fill(0.0);
            if held.is_none() {
                // once, at the first callback: no lock after that
                held = in_callback.try_lock().ok().and_then(|mut r| r.take());
            }
            let Some(ring) = held.as_mut() else { return };
            let rate = f64::from(shared_cb.rate.load(Ordering::Relaxed));
            let step = rate / device_rate;
            for frame in out.chunks_exact_mut(channels) {
                carry += step;
                let take = carry.floor() as usize;
                carry -= take as f64;
                if take > 0 {
                    let taken = shared_cb.advance(ring, take, |l, r| last = (l, r));
                    if taken == 0 {
                        last = (0.0, 0.0);
                    }
                }
                // between source frames (upsampling) the last one is held
                frame[0] = last.0;
                if channels > 1 {
                    frame[1] = last.1;
                }
            }
        },
        |e| tracing::warn!("audio output: {e}"),
        None,
    );
    match stream.map(|s| (s.play().is_ok(), s)) {
        Ok((true, stream)) => (Some(stream), None),
        _ => {
            let back = ring.lock().ok().and_then(|mut r| r.take());
            (None, back)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine with a tone on the left and silence on the right, paused at 0.
    fn engine_with(seconds: f64) -> Engine {
        let engine = Engine::new(OutputKind::Null);
        let rate = 8000;
        let n = (seconds * f64::from(rate)) as usize;
        let tone: Vec<Frame> = (0..n)
            .map(|i| [((i as f64 * 0.3).sin() * 16000.0) as i16, 0])
            .collect();
        engine.play_memory(MemorySource::new(rate, tone));
        engine.pause();
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

    fn wait_for(engine: &Engine, what: &str, done: impl Fn(&Snapshot) -> bool) -> Snapshot {
        let start = Instant::now();
        loop {
            let s = engine.snapshot();
            if done(&s) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "{what}: {s:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_seek_is_heard_at_once_and_the_record_loop_goes_round() {
        let engine = engine_with(4.0);
        engine.play();
        std::thread::sleep(Duration::from_millis(150));
        // the ring holds about a second ahead: a seek must not play that out first
        engine.seek_s(3.0);
        std::thread::sleep(Duration::from_millis(200));
        let s = engine.snapshot();
        assert!((3.05..3.6).contains(&s.position_s), "{s:?}");
        engine.seek_s(0.0);
        engine.set_loop_record(true);
        engine.seek_s(3.8);
        let s = wait_for(&engine, "round again", |s| s.position_s < 1.0);
        assert!(s.playing, "the loop goes on: {s:?}");
    }

    #[test]
    fn a_capture_streams_with_its_length_and_waveform() {
        use crate::media::synth::{CallScript, PartyScript, SynthCodec};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CallScript::innovaphone_name(7, 1, 1));
        let script = CallScript {
            duration: 6.0,
            local: PartyScript::tone(SynthCodec::Pcma, 440.0),
            remote: PartyScript::tone(SynthCodec::G722, 660.0),
            ..CallScript::default()
        };
        std::fs::write(&path, script.generate()).unwrap();
        let engine = Engine::new(OutputKind::Null);
        engine.load(path.clone(), KeyRing::default(), true);
        let s = wait_for(&engine, "the capture plays", |s| {
            s.playing && s.position_s > 0.2
        });
        assert_eq!(s.loaded.as_deref(), Some(path.as_path()));
        assert!((s.duration_s - 6.0).abs() < 0.2, "{s:?}");
        assert!(
            s.peaks[0] > 0.05 && s.peaks[1] > 0.05,
            "both sides heard: {s:?}"
        );
        let start = Instant::now();
        while engine.waveform().is_empty() {
            assert!(start.elapsed() < Duration::from_secs(10), "no waveform");
            std::thread::sleep(Duration::from_millis(10));
        }
        // a record that cannot be played says why and plays nothing
        let bad = dir.path().join("bad.wav");
        std::fs::write(&bad, b"RIFF but nothing else").unwrap();
        engine.load(bad, KeyRing::default(), true);
        let s = wait_for(&engine, "the error", |s| s.error.is_some());
        assert!(!s.playing && s.loaded.is_none(), "{s:?}");
    }
}
