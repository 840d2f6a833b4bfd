//! The model's playing: a record, the newest one (SOS), the playlist with its beeps,
//! "continue", memory positions and their tour, the record loop and the free A–B
//! loop, the audio settings, and the call's original time at the play position.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::model::PlayerModel;
use super::playlist::Playlist;
use super::preferences::AudioSetting;
use super::wall_clock::{clock_text, wall_clock_at};
use crate::archive::audit::Action;
use crate::archive::identity::TrustedKeys;
use crate::lang::{Arg, t, tr};

/// The beep between two records of the playlist.
const BEEP_S: f64 = 0.25;
/// How long "Memories" plays from each memory position.
const MEMORY_SPAN: Duration = Duration::from_secs(4);

impl PlayerModel {
    /// Selects a catalog entry and starts playing it.
    pub fn play_entry(&mut self, index: usize) {
        self.remote_play = false;
        let Some(entry) = self.catalog.entries.get(index).cloned() else {
            return;
        };
        if !self.session.permissions.shows(&entry) {
            self.message = Some(t("msg-not-permitted"));
            return;
        }
        self.selected = Some(index);
        if let Some(server) = self.catalog.remote() {
            // the server decrypts, checks and logs "played" under this account
            self.engine
                .load_remote(server.clone(), entry.file_name(), true);
            self.details
                .request_remote(entry.audio(), server.clone(), entry.file_name().into());
        } else if let Some(bucket) = self.catalog.bucket() {
            // fetched into the cache on the loader's and the details' threads
            let (for_engine, for_details, audio) = (bucket.clone(), bucket.clone(), entry.audio());
            let (a, b) = (audio.clone(), audio.clone());
            let (for_keys, trusted) = (bucket.clone(), self.session.trusted.clone());
            self.engine.load_fetching(
                audio.clone(),
                self.session.ring.clone(),
                true,
                Box::new(move || for_engine.fetch(&a)),
            );
            self.details.request_fetching(
                audio,
                self.session.ring.clone(),
                // a recorder that joined since the Player started is trusted too
                move || for_keys.trusted(&trusted),
                Box::new(move || for_details.fetch(&b)),
            );
        } else {
            self.engine
                .load(entry.audio(), self.session.ring.clone(), true);
            // a recorder that joined the store since the Player started is trusted too
            let (trusted, keys) = (self.session.trusted.clone(), self.session.store.keys_dir());
            self.details
                .request(entry.audio(), self.session.ring.clone(), move || {
                    let mut trusted = trusted;
                    trusted.extend(TrustedKeys::load_dir(&keys));
                    trusted
                });
        }
        let name = self.session.relative(&entry.audio());
        self.prefs.played(&name);
        self.prefs_changed();
        if self.catalog.remote().is_none()
            && let Err(e) = self.session.log(Action::Played, &entry.audio(), "")
        {
            self.message = Some(tr(
                "msg-log-not-written",
                &[("why", Arg::from(e.to_string()))],
            ));
        }
    }

    /// The newest record this Player may see (SOS: "the last call on top in one
    /// click"); a desk limited to its extensions never gets another desk's call.
    pub fn play_newest(&mut self) {
        if let Some(index) = self.newest_permitted() {
            self.play_entry(index);
        }
    }

    /// Plays the record at `path`, if the catalog has it.
    pub fn play_path(&mut self, path: &Path) {
        if let Some(index) = self.catalog.position(path) {
            self.play_entry(index);
        }
    }

    /// Play/Pause: pauses, goes on, or starts the selected (else the first) record.
    pub fn toggle_play(&mut self) {
        self.remote_play = false;
        let s = &self.shown;
        if s.playing {
            self.engine.pause();
        } else if s.loaded.is_some() {
            self.engine.play();
        } else if let Some(i) = self.selected.or_else(|| self.rows.first().copied()) {
            self.play_entry(i);
        }
    }

    /// SOS mode's one button: pauses a playing call; otherwise plays the newest call
    /// this Player may hear (going on where it paused when that call is loaded).
    pub fn sos_play_pause(&mut self) {
        self.remote_play = false;
        let s = &self.shown;
        if s.playing {
            self.engine.pause();
            return;
        }
        let newest = self.newest_permitted();
        let loaded_is_newest = newest
            .and_then(|i| self.catalog.entries.get(i))
            .is_some_and(|e| s.loaded.as_deref() == Some(e.audio().as_path()));
        if loaded_is_newest && s.position_s > 0.0 && s.position_s < s.duration_s {
            self.engine.play();
        } else {
            self.play_newest();
        }
    }

    /// Makes the chosen records the playlist, in the order shown, and plays the first.
    pub fn play_chosen(&mut self) {
        let mut items = self.shown_paths(0..=usize::MAX);
        items.retain(|p| self.chosen.contains(p));
        let looping = self.playlist.looping;
        self.playlist = Playlist::new(items);
        self.playlist.looping = looping;
        self.beep_then = None;
        if let Some(first) = self.playlist.current().map(Path::to_path_buf) {
            self.play_path(&first);
        }
    }

    /// Keeps only the playlist's current record.
    pub fn keep_only_current(&mut self) {
        self.playlist.keep_only_current();
        self.chosen = self.playlist.items.clone();
    }

    /// Plays the record `delta` away: in the playlist when it holds several, else in
    /// the list as shown (the seed: "jump to next/previous title in the search result
    /// list if the playlist contains just one record").
    pub fn step(&mut self, delta: isize) {
        if self.playlist.active() {
            self.beep_then = None;
            if let Some(next) = self.playlist.step(delta).map(Path::to_path_buf) {
                self.play_path(&next);
            }
            return;
        }
        self.step_in_list(delta);
    }

    fn step_in_list(&mut self, delta: isize) {
        let here = self
            .selected
            .and_then(|sel| self.rows.iter().position(|&r| r == sel));
        let next = match here {
            Some(i) => i.checked_add_signed(delta),
            None => Some(0),
        };
        if let Some(&index) = next.and_then(|i| self.rows.get(i)) {
            self.play_entry(index);
        }
    }

    /// In continuous play, starts the next record when the current one has ended.
    pub(super) fn continue_playing(&mut self) {
        if let Some((until, next)) = self.beep_then {
            if Instant::now() >= until {
                self.beep_then = None;
                self.playlist.at = next;
                if let Some(path) = self.playlist.current().map(Path::to_path_buf) {
                    self.play_path(&path);
                }
            }
            return;
        }
        let s = &self.shown;
        let ended = !s.playing && !s.loading && s.duration_s > 0.0 && s.position_s >= s.duration_s;
        let finished = ended && self.was_playing.is_some() && self.was_playing == self.selected;
        if finished && self.playlist.active() {
            // one after the other, with a beep between (and round again when looping)
            self.was_playing = None;
            if let Some(next) = self.playlist.peek(1) {
                self.engine.beep(BEEP_S, 880.0);
                self.beeps += 1;
                self.beep_then = Some((
                    Instant::now() + Duration::from_secs_f64(BEEP_S + 0.05),
                    next,
                ));
            }
            return;
        }
        if self.continuous && finished {
            self.was_playing = None;
            self.step_in_list(1);
            return;
        }
        if s.playing {
            self.was_playing = self.selected;
        }
    }

    /// The loaded record's store-relative name, for per-record state.
    pub fn loaded_record(&self) -> Option<String> {
        let entry = self.catalog.entries.get(self.selected?)?;
        (self.shown.loaded.as_deref() == Some(entry.audio().as_path()))
            .then(|| self.session.relative(&entry.audio()))
    }

    /// A memory button: jumps to the stored position and plays, or stores the current
    /// position when the slot is empty; `clear` empties it.
    pub fn use_memory(&mut self, slot: usize, clear: bool) {
        let Some(record) = self.loaded_record() else {
            return;
        };
        let stored = self.prefs.memories_of(&record)[slot];
        match (clear, stored) {
            (true, _) => self.prefs.set_memory(&record, slot, None),
            (false, Some(at)) => {
                self.engine.seek_s(at);
                self.engine.play();
                return;
            }
            (false, None) => self
                .prefs
                .set_memory(&record, slot, Some(self.shown.position_s)),
        }
        // stored at once: a memory is a deliberate act, not a slider drag
        self.prefs_dirty = None;
        if let Err(e) = self.prefs.save() {
            self.message = Some(tr(
                "msg-memory-not-saved",
                &[("why", Arg::from(e.to_string()))],
            ));
        }
    }

    /// "Memories": each stored position of the record in turn, `MEMORY_SPAN` each.
    pub fn start_memory_tour(&mut self) {
        self.memory_tour = None;
        if let Some(first) = self.memory_positions().first() {
            self.engine.seek_s(*first);
            self.engine.play();
            self.memory_tour = Some((0, Instant::now() + MEMORY_SPAN));
        }
    }

    fn memory_positions(&self) -> Vec<f64> {
        let Some(record) = self.loaded_record() else {
            return Vec::new();
        };
        let mut at: Vec<f64> = self
            .prefs
            .memories_of(&record)
            .into_iter()
            .flatten()
            .collect();
        at.sort_by(f64::total_cmp);
        at
    }

    pub(super) fn run_memory_tour(&mut self) {
        let Some((i, until)) = self.memory_tour else {
            return;
        };
        if Instant::now() < until {
            return;
        }
        let positions = self.memory_positions();
        match positions.get(i + 1) {
            Some(next) => {
                self.engine.seek_s(*next);
                self.engine.play();
                self.memory_tour = Some((i + 1, Instant::now() + MEMORY_SPAN));
            }
            None => {
                // round again while the record loop is on, else the tour ends
                if self.shown.loop_record && !positions.is_empty() {
                    self.start_memory_tour();
                } else {
                    self.memory_tour = None;
                    self.engine.pause();
                }
            }
        }
    }

    /// A: the selection loop starts at the play position (it plays once B is set).
    pub fn set_loop_start(&mut self) {
        let s = &self.shown;
        if s.loaded.is_none() {
            return;
        }
        let at = s.position_s;
        self.loop_a = Some(at);
        match s.ab {
            Some((_, b)) if b > at => self.engine.set_ab(Some((at, b))),
            _ => self.engine.set_ab(None),
        }
    }

    /// B: the selection loop ends at the play position and plays from A (from the
    /// record's start when no A was set, or A was after B).
    pub fn set_loop_end(&mut self) {
        let s = &self.shown;
        if s.loaded.is_none() {
            return;
        }
        let at = s.position_s;
        let a = self
            .loop_a
            .or(s.ab.map(|(a, _)| a))
            .filter(|a| *a < at)
            .unwrap_or(0.0);
        self.select_loop(a, at);
    }

    /// Loops the part from `a` to `b` seconds (a drag on the waveform).
    pub fn select_loop(&mut self, a: f64, b: f64) {
        self.loop_a = Some(a);
        self.engine.set_ab(Some((a, b)));
        self.engine.seek_s(a);
    }

    /// Ends the selection loop.
    pub fn clear_loop(&mut self) {
        self.engine.set_ab(None);
        self.loop_a = None;
    }

    /// The call's wall-clock time at the play position, once the record's details
    /// (its start to the second) are read.
    pub fn original_time(&self) -> Option<String> {
        let details = self.details.current()?;
        if self.shown.loaded.as_deref() != Some(details.audio.as_path()) {
            return None;
        }
        let start = &details.check.metadata.as_ref()?.call.start_local;
        wall_clock_at(start, self.shown.position_s).map(clock_text)
    }

    /// Puts an audio setup (stored, or the maximum) in use.
    pub fn set_audio(&mut self, audio: AudioSetting) {
        self.prefs.set_audio(audio);
        self.apply_audio();
    }

    /// An audio-setup button: recalls the stored setup, or stores the one in use when
    /// the slot is empty; `clear` empties it.
    pub fn use_audio_slot(&mut self, slot: usize, clear: bool) {
        let Some(stored) = self.prefs.audio_slots.get(slot).copied() else {
            return;
        };
        match (clear, stored) {
            (true, _) => self.prefs.audio_slots[slot] = None,
            (false, Some(audio)) => self.set_audio(audio),
            (false, None) => self.prefs.audio_slots[slot] = Some(self.prefs.audio()),
        }
        self.prefs_changed();
    }

    /// Hands the audio preferences to the engine and saves them soon.
    pub fn apply_audio(&mut self) {
        self.engine.set_volume(self.prefs.volume);
        self.engine.set_muted(self.prefs.muted);
        for (ch, gain) in self.prefs.gains.into_iter().enumerate() {
            self.engine.set_channel_gain(ch, gain);
        }
        self.prefs_changed();
    }

    /// The preferences changed: they are written within a second (a slider drag
    /// changes them every frame).
    pub fn prefs_changed(&mut self) {
        self.prefs_dirty.get_or_insert_with(Instant::now);
    }

    pub(super) fn save_prefs_when_due(&mut self) {
        if self
            .prefs_dirty
            .is_some_and(|since| since.elapsed() >= Duration::from_secs(1))
        {
            self.prefs_dirty = None;
            if let Err(e) = self.prefs.save() {
                self.message = Some(tr(
                    "msg-settings-not-saved",
                    &[("why", Arg::from(e.to_string()))],
                ));
            }
        }
    }

    /// The chosen records, or the selected one when fewer than two are chosen: what
    /// Copy, Move, Delete and the evidence export act on.
    pub fn acted_on(&self) -> Vec<PathBuf> {
        if self.chosen.len() >= 2 {
            return self.chosen.clone();
        }
        self.selected
            .and_then(|i| self.catalog.entries.get(i))
            .map(|e| vec![e.audio()])
            .unwrap_or_default()
    }
}
