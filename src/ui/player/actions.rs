//! What the window's parts do to the Player's state: the list and its filter, marks,
//! SOS, the backup folder, playing a record, memories, the playlist and "continue",
//! looking for new records, and clicks on the list's rows.

use std::time::{Duration, Instant};

use crate::archive::audit::Action;
use crate::lang::{Arg, t, tr};
use crate::player::catalog::Catalog;
use crate::player::filter::Filter;
use crate::player::marks::SharedMarks;
use crate::player::playlist::Playlist;
use crate::player::record_ops::RecordOps;

use super::{BEEP_S, MEMORY_SPAN, PlayerView, REFRESH, ShowOnly};

impl PlayerView {
    pub fn apply_filter(&mut self) {
        let entries = &self.catalog.entries;
        let permissions = &self.session.permissions;
        self.rows = self.filter.apply(entries);
        if !permissions.extensions.is_empty() {
            self.rows.retain(|&i| permissions.shows(&entries[i]));
        }
        match self.show_only {
            ShowOnly::All => {}
            ShowOnly::Marked => {
                let (session, prefs, shared) = (&self.session, &self.prefs, &self.shared_marks);
                self.rows.retain(|&i| {
                    let name = session.relative(&entries[i].audio());
                    prefs.marked.contains(&name) || shared.names.contains(&name)
                });
            }
            ShowOnly::LastPlayed => {
                // newest played on top
                let order = |i: usize| {
                    let name = self.session.relative(&entries[i].audio());
                    self.prefs.last_played.iter().position(|r| *r == name)
                };
                self.rows.retain(|&i| order(i).is_some());
                self.rows.sort_by_key(|&i| order(i));
            }
        }
    }

    /// Marks or unmarks the selected record, on this Player or for everyone.
    pub fn set_mark(&mut self, everyone: bool, marked: bool) {
        let Some(entry) = self.selected.and_then(|i| self.catalog.entries.get(i)) else {
            return;
        };
        let name = self.session.relative(&entry.audio());
        if everyone {
            let saved = match self.catalog.remote() {
                Some(server) => server
                    .set_mark(entry.file_name(), marked)
                    .map_err(|e| e.to_string()),
                None => self
                    .shared_marks
                    .set(&name, marked)
                    .map_err(|e| e.to_string()),
            };
            match saved {
                Ok(()) if self.catalog.remote().is_some() => {
                    if marked {
                        self.shared_marks.names.insert(name);
                    } else {
                        self.shared_marks.names.remove(&name);
                    }
                }
                Ok(()) => {}
                Err(e) => {
                    self.message = Some(tr(
                        "msg-mark-not-saved",
                        &[("why", Arg::from(e.to_string()))],
                    ))
                }
            }
        } else {
            if marked {
                self.prefs.marked.insert(name);
            } else {
                self.prefs.marked.remove(&name);
            }
            self.prefs_dirty.get_or_insert_with(Instant::now);
        }
        self.apply_filter();
    }

    /// SOS on: filters off, newest on top; off: the previous filter returns.
    pub fn set_sos(&mut self, on: bool) {
        if on == self.sos {
            return;
        }
        self.sos = on;
        if on {
            // rescue mode is about the calls just made: those are in the store
            self.set_backup(false);
            let filter = std::mem::replace(&mut self.filter, Filter::sos());
            let show_only = std::mem::replace(&mut self.show_only, ShowOnly::All);
            self.saved_filter = Some((filter, show_only));
        } else if let Some((filter, show_only)) = self.saved_filter.take() {
            self.filter = filter;
            self.show_only = show_only;
        }
        self.apply_filter();
    }

    /// What the user may do to the records listed: the session's permissions, except
    /// that the backup folder is only read (copies are allowed).
    pub(super) fn may_change(&self) -> crate::player::permissions::Permissions {
        let mut permissions = self.session.permissions.clone();
        if self.catalog.is_backup() {
            permissions.delete = false;
            permissions.tan = false;
            permissions.notes = false;
        }
        permissions
    }

    /// Lists the backup folder's records (on) or the store's (off).
    pub fn set_backup(&mut self, on: bool) {
        let Some(backup) = self.session.backup.clone() else {
            return;
        };
        if on == self.catalog.is_backup() {
            return;
        }
        let state = self.session.state_dir.as_deref();
        self.catalog = if on {
            Catalog::open_backup(&backup, state)
        } else {
            Catalog::open_indexed(&self.session.store, state)
        };
        self.selected = None;
        self.chosen.clear();
        self.anchor = None;
        self.apply_filter();
    }

    /// Where this Player's changes to records are made: the store, or the server.
    pub(super) fn record_ops(&self) -> RecordOps<'_> {
        match self.catalog.remote() {
            Some(server) => RecordOps::Remote(server),
            None => RecordOps::Local(&self.session),
        }
    }

    /// Whether the selected record's details (verdict, parties, notes) are there.
    pub fn details_loaded(&self) -> bool {
        self.details.current().is_some()
    }

    /// Selects a catalog entry and starts playing it.
    pub fn play_entry(&mut self, index: usize) {
        self.remote_play = false;
        if let Some(entry) = self.catalog.entries.get(index) {
            if !self.session.permissions.shows(entry) {
                self.message = Some(t("msg-not-permitted"));
                return;
            }
            self.selected = Some(index);
            if let Some(server) = self.catalog.remote() {
                // the server decrypts, checks and logs "played" under this account
                self.engine
                    .load_remote(server.clone(), entry.file_name(), true);
                self.details.request_remote(
                    entry.audio(),
                    server.clone(),
                    entry.file_name().into(),
                );
            } else {
                self.engine
                    .load(entry.audio(), self.session.ring.clone(), true);
                self.details.request(
                    entry.audio(),
                    self.session.ring.clone(),
                    self.session.trusted.clone(),
                );
            }
            self.note_edit = None;
            self.confirm_delete = false;
            let name = self.session.relative(&entry.audio());
            self.prefs.played(&name);
            self.prefs_dirty.get_or_insert_with(Instant::now);
            if self.catalog.remote().is_none()
                && let Err(e) = self.session.log(Action::Played, &entry.audio(), "")
            {
                self.message = Some(tr(
                    "msg-log-not-written",
                    &[("why", Arg::from(e.to_string()))],
                ));
            }
        }
    }

    /// The newest record this Player may see (SOS: "the last call on top in one
    /// click"); a desk limited to its extensions never gets another desk's call.
    pub fn play_newest(&mut self) {
        if let Some(index) = self.newest_permitted() {
            self.play_entry(index);
        }
    }

    /// Index of the newest catalog entry the session's permissions show.
    pub(super) fn newest_permitted(&self) -> Option<usize> {
        let permissions = &self.session.permissions;
        self.catalog
            .entries
            .iter()
            .rposition(|e| permissions.shows(e))
    }

    /// Writes changed preferences, at most once a second (a slider drag changes them
    /// every frame).
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

    /// The loaded record's name for per-record state.
    pub(super) fn loaded_record(&self) -> Option<String> {
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

    pub(super) fn memory_positions(&self) -> Vec<f64> {
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

    /// Plays the record at `path`, if the catalog has it.
    pub fn play_path(&mut self, path: &std::path::Path) {
        if let Some(index) = self.catalog.position(path) {
            self.play_entry(index);
        }
    }

    /// The records of the rows `range` of the list as shown.
    pub(super) fn shown_paths(
        &self,
        range: std::ops::RangeInclusive<usize>,
    ) -> Vec<std::path::PathBuf> {
        let last = self.rows.len().saturating_sub(1);
        let range = *range.start()..=(*range.end()).min(last);
        self.rows
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|&i| self.catalog.entries[i].audio())
            .collect()
    }

    /// Makes the chosen records the playlist, in the order shown, and plays the first.
    pub fn play_chosen(&mut self) {
        let mut items = self.shown_paths(0..=usize::MAX);
        items.retain(|p| self.chosen.contains(p));
        let looping = self.playlist.looping;
        self.playlist = Playlist::new(items);
        self.playlist.looping = looping;
        self.beep_then = None;
        if let Some(first) = self.playlist.current().map(std::path::Path::to_path_buf) {
            self.play_path(&first);
        }
    }

    /// Plays the record `delta` away: in the playlist when it holds several, else in
    /// the list as shown (the seed: "jump to next/previous title in the search result
    /// list if the playlist contains just one record").
    pub fn step(&mut self, delta: isize) {
        if self.playlist.active() {
            self.beep_then = None;
            if let Some(next) = self.playlist.step(delta).map(std::path::Path::to_path_buf) {
                self.play_path(&next);
            }
            return;
        }
        self.step_in_list(delta);
    }

    pub(super) fn step_in_list(&mut self, delta: isize) {
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
                if let Some(path) = self.playlist.current().map(std::path::Path::to_path_buf) {
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

    pub(super) fn refresh(&mut self) {
        let woken = self
            .store_changed
            .swap(false, std::sync::atomic::Ordering::Relaxed);
        if woken || self.last_refresh.elapsed() >= REFRESH {
            self.last_refresh = Instant::now();
            // marks set by other Players on the store (a server's come with its answers)
            if self.catalog.remote().is_none() {
                let marks = SharedMarks::load(&self.session.store);
                if marks.names != self.shared_marks.names {
                    self.shared_marks = marks;
                    self.apply_filter();
                }
            }
            // a remote Player's list is kept current by the server's answers
            let live = self.prefs.live || self.sos || self.catalog.remote().is_some();
            let changed = live && self.catalog.refresh();
            if let Some(marks) = self.catalog.take_remote_marks() {
                let names = marks.into_iter().collect();
                if names != self.shared_marks.names {
                    self.shared_marks.names = names;
                    self.apply_filter();
                }
            }
            if let Some(permissions) = self.catalog.take_remote_permissions() {
                // a remote Player offers what the server will allow this account
                self.session.permissions = permissions;
                self.apply_filter();
            }
            if changed {
                // indexes shift when records arrive: keep the selection on its record
                let selected = self
                    .selected
                    .and_then(|i| self.catalog.entries.get(i).map(|e| e.audio()));
                self.apply_filter();
                self.selected = selected.and_then(|p| self.catalog.position(&p));
            }
        }
    }

    /// A click on a row: plain plays it alone; Ctrl adds or removes it from the chosen
    /// records; Shift chooses the range from the last click.
    pub fn click_row(&mut self, position: usize, index: usize, modifiers: egui::Modifiers) {
        let Some(path) = self.catalog.entries.get(index).map(|e| e.audio()) else {
            return;
        };
        if modifiers.command {
            match self.chosen.iter().position(|p| *p == path) {
                Some(i) => {
                    self.chosen.remove(i);
                }
                None => self.chosen.push(path),
            }
            self.anchor = Some(position);
            return;
        }
        if modifiers.shift
            && let Some(anchor) = self.anchor
        {
            self.chosen = self.shown_paths(anchor.min(position)..=anchor.max(position));
            return;
        }
        self.anchor = Some(position);
        self.chosen = vec![path.clone()];
        // a record of the playing list is played within it; any other starts afresh
        if !(self.playlist.active() && self.playlist.seek_to(&path)) {
            self.playlist = Playlist {
                looping: self.playlist.looping,
                ..Playlist::new(vec![path])
            };
        }
        self.beep_then = None;
        self.play_entry(index);
    }
}
