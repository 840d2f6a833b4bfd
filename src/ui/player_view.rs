//! The Player window: filters, the record list, the transport and the level meters, and
//! SOS (rescue) mode, where everything but the newest calls and one large Play button
//! goes away. Plain state plus `show(ui)`, so the window and the tests draw the same.

use std::time::{Duration, Instant};

use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};

use crate::archive::audit::Action;
use crate::archive::name::Direction;
use crate::archive::ops::{self, Actor};
use crate::archive::sidecar::Verdict;
use crate::archive::verify::Found;
use crate::player::catalog::Catalog;
use crate::player::details::DetailsLoader;
use crate::player::engine::{Engine, OutputKind, Snapshot};
use crate::player::filter::Filter;
use crate::player::marks::SharedMarks;
use crate::player::playlist::Playlist;
use crate::player::preferences::{MEMORIES, Preferences};
use crate::player::remote_control::RemoteControl;
use crate::player::session::Session;

/// Which records the list shows, besides the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowOnly {
    All,
    /// Marked here or for everyone.
    Marked,
    /// The last records played on this Player, newest first.
    LastPlayed,
}

impl ShowOnly {
    fn label(self) -> &'static str {
        match self {
            ShowOnly::All => "all records",
            ShowOnly::Marked => "marked",
            ShowOnly::LastPlayed => "last played",
        }
    }
}

/// The beep between two records of the playlist.
const BEEP_S: f64 = 0.25;
/// How long "Memories" plays from each memory position.
const MEMORY_SPAN: Duration = Duration::from_secs(4);

/// How often the list looks for new records.
const REFRESH: Duration = Duration::from_millis(500);

pub struct PlayerView {
    pub catalog: Catalog,
    pub filter: Filter,
    /// The filter in use before SOS mode switched it off.
    saved_filter: Option<Filter>,
    pub sos: bool,
    /// Rows shown, as indexes into the catalog.
    pub rows: Vec<usize>,
    /// Catalog index of the selected record.
    pub selected: Option<usize>,
    pub engine: Engine,
    pub session: Session,
    details: DetailsLoader,
    /// Notes being edited, TAN being typed, folder to copy to.
    note_edit: Option<(std::path::PathBuf, String)>,
    pub tan_edit: String,
    /// The folder Copy and Move put records in.
    pub copy_to: String,
    confirm_delete: bool,
    /// The outcome of the last file operation, for the status line.
    pub message: Option<String>,
    last_refresh: Instant,
    /// Audio settings and memory positions, kept between runs.
    pub prefs: Preferences,
    /// The preferences changed and are not written yet.
    prefs_dirty: Option<Instant>,
    /// "Memories": playing each memory position of the record in turn, until then.
    memory_tour: Option<(usize, Instant)>,
    /// Peak hold per channel and when it was set.
    hold: [(f32, Instant); 2],
    /// The last snapshot drawn (tests read it).
    pub shown: Snapshot,
    /// Play on with the next record of the list when one ends.
    pub continuous: bool,
    /// The record that was playing in the last frame (to notice its end).
    was_playing: Option<usize>,
    /// Records chosen in the table (Ctrl-click, Shift-click, All): the next playlist.
    pub chosen: Vec<std::path::PathBuf>,
    /// Row of the last plain or Ctrl click, where a Shift-click range starts.
    anchor: Option<usize>,
    pub playlist: Playlist,
    /// A beep is sounding between two records; when it is over, the playlist's record
    /// at this position plays.
    beep_then: Option<(Instant, usize)>,
    /// Beeps played between records.
    pub beeps: u32,
    /// The delta meter's last reading (L louder: positive).
    pub delta_db: f32,
    /// Marks every Player on the store sees.
    pub shared_marks: SharedMarks,
    /// Which records the list shows besides the filter.
    pub show_only: ShowOnly,
    day_text: String,
    /// With online search off: the filter was changed and not searched yet.
    pub search_pending: bool,
    /// Commands from an external application (control port, recorder link).
    pub remote: Option<RemoteControl>,
    /// The record playing was started by remote control (the green "RC").
    pub remote_play: bool,
    /// Front on a remote play, minimised on a remote eject.
    pub popup: bool,
}

impl PlayerView {
    pub fn new(session: Session, output: OutputKind) -> PlayerView {
        let catalog = Catalog::open_indexed(&session.store, session.state_dir.as_deref());
        let shared_marks = SharedMarks::load(&session.store);
        let mut view = PlayerView {
            catalog,
            filter: Filter::default(),
            saved_filter: None,
            sos: false,
            rows: Vec::new(),
            selected: None,
            engine: Engine::new(output),
            details: DetailsLoader::default(),
            note_edit: None,
            tan_edit: String::new(),
            copy_to: std::env::temp_dir()
                .join("callrec-copies")
                .display()
                .to_string(),
            confirm_delete: false,
            message: None,
            session,
            last_refresh: Instant::now(),
            prefs: Preferences::default(),
            prefs_dirty: None,
            memory_tour: None,
            hold: [(0.0, Instant::now()), (0.0, Instant::now())],
            shown: Snapshot::default(),
            continuous: false,
            was_playing: None,
            chosen: Vec::new(),
            anchor: None,
            playlist: Playlist::default(),
            beep_then: None,
            beeps: 0,
            delta_db: 0.0,
            shared_marks,
            show_only: ShowOnly::All,
            day_text: String::new(),
            search_pending: false,
            remote: None,
            remote_play: false,
            popup: false,
        };
        view.prefs = Preferences::load(view.session.state_dir.as_deref());
        view.engine.set_volume(view.prefs.volume);
        view.engine.set_muted(view.prefs.muted);
        for (ch, gain) in view.prefs.gains.into_iter().enumerate() {
            view.engine.set_channel_gain(ch, gain);
        }
        view.apply_filter();
        if view.session.start_in_sos {
            view.set_sos(true);
        }
        view
    }

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
            if let Err(e) = self.shared_marks.set(&name, marked) {
                self.message = Some(format!("the mark could not be saved: {e}"));
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
            self.saved_filter = Some(std::mem::replace(&mut self.filter, Filter::sos()));
        } else if let Some(previous) = self.saved_filter.take() {
            self.filter = previous;
        }
        self.apply_filter();
    }

    /// What the user may do to the records listed: the session's permissions, except
    /// that the backup folder is only read (copies are allowed).
    fn may_change(&self) -> crate::player::permissions::Permissions {
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

    /// Selects a catalog entry and starts playing it.
    pub fn play_entry(&mut self, index: usize) {
        self.remote_play = false;
        if let Some(entry) = self.catalog.entries.get(index) {
            if !self.session.permissions.shows(entry) {
                self.message =
                    Some("this call belongs to an extension this Player may not play".into());
                return;
            }
            self.selected = Some(index);
            self.engine
                .load(entry.audio(), self.session.ring.clone(), true);
            self.details.request(
                entry.audio(),
                self.session.ring.clone(),
                self.session.trusted.clone(),
            );
            self.note_edit = None;
            self.confirm_delete = false;
            let name = self.session.relative(&entry.audio());
            self.prefs.played(&name);
            self.prefs_dirty.get_or_insert_with(Instant::now);
            if let Err(e) = self.session.log(Action::Played, &entry.audio(), "") {
                self.message = Some(format!("the activity log could not be written: {e}"));
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
    fn newest_permitted(&self) -> Option<usize> {
        let permissions = &self.session.permissions;
        self.catalog
            .entries
            .iter()
            .rposition(|e| permissions.shows(e))
    }

    /// Writes changed preferences, at most once a second (a slider drag changes them
    /// every frame).
    fn save_prefs_when_due(&mut self) {
        if self
            .prefs_dirty
            .is_some_and(|since| since.elapsed() >= Duration::from_secs(1))
        {
            self.prefs_dirty = None;
            if let Err(e) = self.prefs.save() {
                self.message = Some(format!("the Player settings could not be saved: {e}"));
            }
        }
    }

    /// The loaded record's name for per-record state.
    fn loaded_record(&self) -> Option<String> {
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
            self.message = Some(format!("the memory could not be saved: {e}"));
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

    fn run_memory_tour(&mut self) {
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
    fn shown_paths(&self, range: std::ops::RangeInclusive<usize>) -> Vec<std::path::PathBuf> {
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
    fn continue_playing(&mut self) {
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

    fn refresh(&mut self) {
        if self.last_refresh.elapsed() >= REFRESH {
            self.last_refresh = Instant::now();
            // marks set by other Players on the store
            let marks = SharedMarks::load(&self.session.store);
            if marks.names != self.shared_marks.names {
                self.shared_marks = marks;
                self.apply_filter();
            }
            let live = self.prefs.live || self.sos;
            if live && self.catalog.refresh() {
                // indexes shift when records arrive: keep the selection on its record
                let selected = self
                    .selected
                    .and_then(|i| self.catalog.entries.get(i).map(|e| e.audio()));
                self.apply_filter();
                self.selected = selected.and_then(|p| self.catalog.position(&p));
            }
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.refresh();
        self.obey_remote(&ui.ctx().clone());
        self.shown = self.engine.snapshot();
        self.continue_playing();
        self.run_memory_tour();
        self.save_prefs_when_due();
        let snapshot = self.shown.clone();
        ui.horizontal(|ui| {
            let sos_label = if self.sos { "SOS off" } else { "SOS" };
            let sos = egui::Button::new(RichText::new(sos_label).strong().color(Color32::WHITE))
                .fill(if self.sos {
                    Color32::DARK_GRAY
                } else {
                    Color32::from_rgb(190, 30, 30)
                });
            if ui
                .add(sos)
                .on_hover_text("Rescue mode: filters off, newest call on top, one large Play")
                .clicked()
            {
                self.set_sos(!self.sos);
            }
            if self.session.backup.is_some() && !self.sos {
                let mut backup = self.catalog.is_backup();
                let label = ui.label("archive");
                let choice = egui::ComboBox::from_id_salt("archive")
                    .selected_text(if backup { "backup" } else { "store" })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut backup, false, "store")
                            .on_hover_text("the records in the store");
                        ui.selectable_value(&mut backup, true, "backup")
                            .on_hover_text(
                                "the backup folder: also the records retention removed from \
                                 the store; read only",
                            );
                    });
                choice.response.labelled_by(label.id);
                if backup != self.catalog.is_backup() {
                    self.set_backup(backup);
                }
            }
            ui.label(format!(
                "{} records, {} shown",
                self.catalog.len(),
                self.rows.len()
            ));
            if !self.sos
                && ui
                    .small_button("Reload")
                    .on_hover_text(
                        "read every folder again, not trusting the index files (after \
                         files were changed behind the Player's back)",
                    )
                    .clicked()
            {
                self.catalog.reload();
                self.selected = None;
                self.apply_filter();
            }
            if self.engine.output == OutputKind::Null {
                ui.label(RichText::new("no audio device").color(Color32::GRAY));
            }
            self.show_remote_status(ui);
        });
        if self.sos {
            self.show_sos(ui, &snapshot);
        } else {
            self.show_filters(ui);
        }
        ui.separator();
        self.show_transport(ui, &snapshot);
        if !self.sos {
            self.show_details(ui);
        }
        if let Some(m) = &self.message {
            ui.label(RichText::new(m).color(Color32::LIGHT_BLUE));
        }
        ui.separator();
        self.show_table(ui);
        ui.ctx().request_repaint_after(Duration::from_millis(50));
    }

    fn show_sos(&mut self, ui: &mut egui::Ui, snapshot: &Snapshot) {
        let newest = self.newest_permitted().map(|i| {
            let e = &self.catalog.entries[i];
            let n = e.name();
            format!(
                "{:02}.{:02}. {:02}:{:02}  {} {} {}",
                n.start.day,
                n.start.month,
                n.start.hour,
                n.start.minute,
                n.internal,
                if n.direction == Direction::Incoming {
                    "from"
                } else {
                    "to"
                },
                n.external
            )
        });
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(newest.unwrap_or_else(|| "no calls yet".into())).size(22.0));
            let label = if snapshot.playing {
                "Pause"
            } else {
                "Play last call"
            };
            let button = egui::Button::new(RichText::new(label).size(28.0))
                .min_size(egui::vec2(260.0, 60.0));
            if ui.add(button).on_hover_text("space").clicked() {
                if snapshot.playing {
                    self.engine.pause();
                } else {
                    self.play_newest();
                }
            }
        });
    }

    fn show_filters(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Month");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.month)
                        .hint_text("YYYY_MM")
                        .desired_width(70.0),
                )
                .labelled_by(label.id)
                .changed();
            let label = ui.label("Day");
            if ui
                .add(
                    egui::TextEdit::singleline(&mut self.day_text)
                        .hint_text("1–31")
                        .desired_width(30.0),
                )
                .labelled_by(label.id)
                .changed()
            {
                self.filter.day = self.day_text.trim().parse().ok();
                changed = true;
            }
            let label = ui.label("Internal");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.internal)
                        .hint_text("24, 2*")
                        .desired_width(70.0),
                )
                .labelled_by(label.id)
                .on_hover_text("* any digits, ? one digit; a plain number matches as a prefix")
                .changed();
            let label = ui.label("External");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.external)
                        .hint_text("0123*")
                        .desired_width(100.0),
                )
                .labelled_by(label.id)
                .on_hover_text("* any digits, ? one digit; a plain number matches as a prefix")
                .changed();
            let label = ui.label("TAN");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.tan)
                        .hint_text("digits")
                        .desired_width(60.0),
                )
                .labelled_by(label.id)
                .changed();
            egui::ComboBox::from_label("direction")
                .selected_text(match self.filter.direction {
                    None => "in + out",
                    Some(Direction::Incoming) => "incoming",
                    Some(Direction::Outgoing) => "outgoing",
                })
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.filter.direction, None, "in + out")
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Incoming),
                            "incoming",
                        )
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Outgoing),
                            "outgoing",
                        )
                        .changed();
                });
            changed |= ui
                .checkbox(&mut self.filter.newest_first, "newest on top")
                .changed();
            egui::ComboBox::from_label("show")
                .selected_text(self.show_only.label())
                .show_ui(ui, |ui| {
                    for choice in [ShowOnly::All, ShowOnly::Marked, ShowOnly::LastPlayed] {
                        changed |= ui
                            .selectable_value(&mut self.show_only, choice, choice.label())
                            .changed();
                    }
                });
            let live = ui.checkbox(&mut self.prefs.live, "live").on_hover_text(
                "online search: the list follows each key typed and shows new calls as \
                     they arrive; off: the list stays until you search (Enter)",
            );
            if live.changed() {
                self.prefs_dirty.get_or_insert_with(Instant::now);
                changed |= self.prefs.live;
            }
            if !self.prefs.live {
                let enter = self.search_pending && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let search = ui
                    .button("Search")
                    .on_hover_text("show the records that match now, new calls included (Enter)");
                if search.clicked() || enter {
                    self.catalog.refresh();
                    self.search_pending = false;
                    self.apply_filter();
                }
            }
        });
        if changed {
            if self.prefs.live {
                self.catalog.refresh();
                self.apply_filter();
            } else {
                self.search_pending = true;
            }
        }
    }

    fn show_transport(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal(|ui| {
            // keys work unless a text field is being typed in
            let keys = !ui.ctx().egui_wants_keyboard_input();
            let ctx = ui.ctx().clone();
            let key = |k: egui::Key| keys && ctx.input(|i| i.key_pressed(k));
            if ui.button("Stop").on_hover_text("Esc").clicked() || key(egui::Key::Escape) {
                self.engine.stop();
            }
            let play_label = if s.playing { "Pause" } else { "Play" };
            let space = keys && ui.input(|i| i.key_pressed(egui::Key::Space));
            let played = ui.button(play_label).on_hover_text("space").clicked() || space;
            self.show_remote_play(ui);
            if played {
                self.remote_play = false;
                if s.playing {
                    self.engine.pause();
                } else if s.loaded.is_some() {
                    self.engine.play();
                } else if let Some(i) = self.selected.or_else(|| self.rows.first().copied()) {
                    self.play_entry(i);
                }
            }
            if ui.button("-5 s").on_hover_text("back 5 s (←)").clicked()
                || (keys && ui.input(|i| i.key_pressed(egui::Key::ArrowLeft)))
            {
                self.engine.skip_s(-5.0);
            }
            if ui.button("+5 s").on_hover_text("forward 5 s (→)").clicked()
                || (keys && ui.input(|i| i.key_pressed(egui::Key::ArrowRight)))
            {
                self.engine.skip_s(5.0);
            }
            if ui
                .button("Prev")
                .on_hover_text("the record before: in the playlist, or above in the list (↑)")
                .clicked()
                || key(egui::Key::ArrowUp)
            {
                self.step(-1);
            }
            if ui
                .button("Next")
                .on_hover_text("the record after: in the playlist, or below in the list (↓)")
                .clicked()
                || key(egui::Key::ArrowDown)
            {
                self.step(1);
            }
            if ui.button("Eject").on_hover_text("E").clicked() || key(egui::Key::E) {
                self.engine.eject();
            }
            ui.checkbox(&mut self.continuous, "continue")
                .on_hover_text("when a record ends, play the next one in the list");
            ui.separator();
            if ui
                .button("All")
                .on_hover_text(
                    "choose every record shown (Ctrl-click: one more, Shift-click: a range)",
                )
                .clicked()
            {
                self.chosen = self.shown_paths(0..=usize::MAX);
            }
            let list_label = format!("Play list ({})", self.chosen.len());
            if ui
                .add_enabled(self.chosen.len() >= 2, egui::Button::new(list_label))
                .on_hover_text("play the chosen records one after the other, with a beep between")
                .clicked()
            {
                self.play_chosen();
            }
            ui.checkbox(&mut self.playlist.looping, "loop list")
                .on_hover_text("after the last record of the list, start again");
            if self.playlist.active() {
                ui.label(format!("{}/{}", self.playlist.at + 1, self.playlist.len()));
                if ui
                    .button("Keep only this")
                    .on_hover_text("mark this record: the playlist keeps it and drops the others")
                    .clicked()
                {
                    self.playlist.keep_only_current();
                    self.chosen = self.playlist.items.clone();
                }
            }
            let mut loop_record = s.loop_record;
            if ui
                .checkbox(&mut loop_record, "loop")
                .on_hover_text("play this record again and again (L)")
                .changed()
            {
                self.engine.set_loop_record(loop_record);
            } else if key(egui::Key::L) {
                self.engine.set_loop_record(!s.loop_record);
            }
            let ab_label = match s.ab {
                Some(_) => "A–B off",
                None => "A–B",
            };
            if ui
                .button(ab_label)
                .on_hover_text("loop the next 5 seconds from here; again to stop")
                .clicked()
            {
                match s.ab {
                    Some(_) => self.engine.set_ab(None),
                    None => self
                        .engine
                        .set_ab(Some((s.position_s, (s.position_s + 5.0).min(s.duration_s)))),
                }
            }
            ui.label(format!("{} / {}", clock(s.position_s), clock(s.duration_s)));
            if s.loading {
                ui.spinner();
            }
        });
        ui.horizontal(|ui| {
            let record = self.loaded_record();
            let memories = record
                .as_deref()
                .map(|r| self.prefs.memories_of(r))
                .unwrap_or_default();
            for (slot, memory) in memories.iter().enumerate().take(MEMORIES) {
                let label = match memory {
                    Some(at) => format!("M{} {}", slot + 1, clock(*at)),
                    None => format!("M{}", slot + 1),
                };
                let button = ui
                    .add_enabled(record.is_some(), egui::Button::new(label))
                    .on_hover_text("empty: remember this position; set: play from there; right-click: forget it");
                if button.clicked() {
                    self.use_memory(slot, false);
                }
                if button.secondary_clicked() {
                    self.use_memory(slot, true);
                }
            }
            if ui
                .add_enabled(
                    memories.iter().any(Option::is_some),
                    egui::Button::new("Memories"),
                )
                .on_hover_text("play a few seconds from each memory position in turn (round again with loop)")
                .clicked()
            {
                self.start_memory_tour();
            }
        });
        // the waveform of both channels (left above, right below); a click seeks there
        // the waveform's place is kept while its second read is still going, so that
        // nothing below it jumps when it arrives
        let envelope = self.engine.waveform();
        if (s.loaded.is_some() || !envelope.is_empty())
            && let Some(fraction) = waveform(ui, &envelope, s.position_s / s.duration_s.max(0.01))
        {
            self.engine.seek_s(fraction * s.duration_s);
        }
        let mut position = s.position_s as f32;
        let duration = s.duration_s.max(0.01) as f32;
        let mut seek = None;
        ui.scope(|ui| {
            ui.spacing_mut().slider_width = (ui.available_width() - 80.0).max(100.0);
            let slider = egui::Slider::new(&mut position, 0.0..=duration)
                .show_value(false)
                .trailing_fill(true)
                .text("position");
            if ui.add(slider).changed() {
                seek = Some(position);
            }
        });
        if let Some(p) = seek {
            self.engine.seek_s(f64::from(p));
        }
        ui.horizontal(|ui| {
            if ui
                .add(
                    egui::Slider::new(&mut self.prefs.volume, 0.0..=1.0)
                        .text("volume")
                        .show_value(false),
                )
                .changed()
            {
                self.engine.set_volume(self.prefs.volume);
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            if ui.checkbox(&mut self.prefs.muted, "mute").changed() {
                self.engine.set_muted(self.prefs.muted);
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            for (ch, name) in ["L", "R"].iter().enumerate() {
                if ui
                    .add(
                        egui::Slider::new(&mut self.prefs.gains[ch], 0.0..=1.0)
                            .text(*name)
                            .show_value(false),
                    )
                    .on_hover_text("attenuate this channel")
                    .changed()
                {
                    self.engine.set_channel_gain(ch, self.prefs.gains[ch]);
                    self.prefs_dirty.get_or_insert_with(Instant::now);
                }
            }
        });
        // "sensitive": the meters read 20 dB higher, for quiet lines
        let boost = if self.prefs.sensitive { 10.0 } else { 1.0 };
        for ch in 0..2 {
            let level = s.peaks[ch];
            if level >= self.hold[ch].0 || self.hold[ch].1.elapsed() > Duration::from_millis(1500) {
                self.hold[ch] = (level, Instant::now());
            }
            let name = if ch == 0 { "L external" } else { "R internal" };
            meter(
                ui,
                name,
                level * boost,
                self.hold[ch].0 * boost,
                s.overflow[ch],
            );
        }
        ui.horizontal(|ui| {
            self.delta_db = delta_db(s.peaks[0], s.peaks[1]);
            delta_meter(ui, self.delta_db);
            if ui
                .checkbox(&mut self.prefs.sensitive, "sensitive")
                .on_hover_text("meters 20 dB more sensitive, for quiet lines")
                .changed()
            {
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
        });
        if let Some(e) = &s.error {
            ui.colored_label(Color32::RED, e);
        }
    }

    /// Verdict, parties and notes of the selected record, and what may be done with it.
    fn show_details(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected else {
            return;
        };
        let Some(entry) = self.catalog.entries.get(index).cloned() else {
            return;
        };
        let details = self.details.current();
        ui.horizontal_wrapped(|ui| match &details {
            None => {
                ui.spinner();
                ui.label("checking…");
            }
            Some(d) => {
                let (text, colour) = match d.check.verdict {
                    Verdict::Original => ("original", Color32::from_rgb(40, 170, 60)),
                    Verdict::Manipulated => ("MANIPULATED", Color32::from_rgb(210, 40, 40)),
                    Verdict::Unsigned => ("unsigned", Color32::GRAY),
                    Verdict::Unknown => ("unknown", Color32::from_rgb(220, 160, 0)),
                };
                ui.label(RichText::new(text).strong().color(colour))
                    .on_hover_text(&d.check.reason);
                if let Some(m) = &d.check.metadata {
                    let name = |p: &crate::archive::metadata::Party| match &p.name {
                        Some(n) => format!("{} ({n})", p.number),
                        None => p.number.clone(),
                    };
                    ui.label(format!(
                        "{} {} {}  ·  started {} ({})  ·  ring {} s  ·  {} s",
                        name(&m.internal),
                        if m.call.direction == Direction::Incoming {
                            "from"
                        } else {
                            "to"
                        },
                        name(&m.external),
                        m.call.start_local.replace('T', " "),
                        m.call.time_zone,
                        m.call.time_to_answer_s,
                        m.call.duration_ms / 1000
                    ));
                    let codecs: Vec<String> = m
                        .streams
                        .items
                        .iter()
                        .map(|s| format!("{}: {}", s.side, s.codec))
                        .collect();
                    ui.label(codecs.join(", "));
                }
            }
        });
        if let Some(d) = &details
            && let Some(m) = &d.check.metadata
            && !m.cdrs.items.is_empty()
        {
            egui::CollapsingHeader::new(format!("CDRs ({})", m.cdrs.items.len()))
                .id_salt("cdrs")
                .show(ui, |ui| {
                    for cdr in &m.cdrs.items {
                        ui.monospace(&cdr.text);
                    }
                });
        }
        ui.horizontal(|ui| {
            let name = self.session.relative(&entry.audio());
            let mut mine = self.prefs.marked.contains(&name);
            let mut everyone = self.shared_marks.names.contains(&name);
            if ui
                .checkbox(&mut mine, "marked here")
                .on_hover_text("a mark on this Player only")
                .changed()
            {
                self.set_mark(false, mine);
            }
            if ui
                .checkbox(&mut everyone, "marked for all")
                .on_hover_text("a mark every Player on this store sees (STORE/TMP)")
                .changed()
            {
                self.set_mark(true, everyone);
            }
        });
        // notes: edited in place, saved with a line in the activity log
        if self
            .note_edit
            .as_ref()
            .is_none_or(|(p, _)| *p != entry.audio())
        {
            let loaded = details
                .as_ref()
                .filter(|d| d.audio == entry.audio())
                .map(|d| d.notes.clone());
            if let Some(text) = loaded {
                self.note_edit = Some((entry.audio(), text));
            }
        }
        let actor_name = self.session.user.clone();
        ui.horizontal(|ui| {
            if let Some((_, text)) = &mut self.note_edit {
                ui.label("Notes");
                ui.add(
                    egui::TextEdit::singleline(text)
                        .hint_text("notes")
                        .desired_width(300.0),
                );
            }
            let may_note = self.may_change().notes;
            if may_note
                && ui.button("Save notes").clicked()
                && let Some((_, text)) = &self.note_edit
            {
                let actor = Actor {
                    store: &self.session.store,
                    identity: &self.session.identity,
                    name: &actor_name,
                };
                self.message = Some(
                    match ops::write_note(&actor, &found(&entry.audio()), text) {
                        Ok(_) => "notes saved".into(),
                        Err(e) => format!("notes not saved: {e}"),
                    },
                );
            }
            if !self.may_change().tan {
                return;
            }
            ui.label("TAN");
            ui.add(
                egui::TextEdit::singleline(&mut self.tan_edit)
                    .hint_text("6 digits")
                    .desired_width(70.0),
            );
            if ui
                .button("Set TAN")
                .on_hover_text("a TAN can be changed, not removed")
                .clicked()
            {
                let actor = Actor {
                    store: &self.session.store,
                    identity: &self.session.identity,
                    name: &actor_name,
                };
                match ops::set_tan(&actor, &found(&entry.audio()), self.tan_edit.trim()) {
                    Ok(new) => {
                        self.message = Some(format!(
                            "TAN set: {}",
                            new.file_name().unwrap_or_default().to_string_lossy()
                        ));
                        self.catalog.reread_folder_of(&new);
                        self.apply_filter();
                        self.selected = self.catalog.position(&new);
                    }
                    Err(e) => self.message = Some(format!("TAN not set: {e}")),
                }
            }
        });
        let permissions = self.may_change();
        if !permissions.copy && !permissions.delete {
            return;
        }
        ui.horizontal(|ui| {
            if !permissions.copy {
                return self.show_delete(ui, &entry, &actor_name);
            }
            ui.label("Copy to");
            ui.add(
                egui::TextEdit::singleline(&mut self.copy_to)
                    .hint_text("folder")
                    .desired_width(260.0),
            );
            if ui
                .button("Copy")
                .on_hover_text("a clear copy: decrypted audio, sidecar as plain XML")
                .clicked()
            {
                let target = std::path::PathBuf::from(self.copy_to.trim());
                let result = crate::archive::export::copy_out(
                    &found(&entry.audio()),
                    &target,
                    &self.session.ring,
                    &self.session.trusted,
                )
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    self.session
                        .log(
                            Action::Copied,
                            &entry.audio(),
                            &format!("to={}", target.display()),
                        )
                        .map_err(|e| e.to_string())
                });
                self.message = Some(match result {
                    Ok(()) => format!("copied to {}", target.display()),
                    Err(e) => format!("not copied: {e}"),
                });
            }
            if permissions.delete {
                if ui
                    .button("Move")
                    .on_hover_text(
                        "move the record's files (as stored: signed, encrypted if they are) \
                         out of the archive into this folder; logged in the activity log",
                    )
                    .clicked()
                {
                    self.move_record(&entry, &actor_name);
                }
                self.show_delete(ui, &entry, &actor_name);
            }
        });
    }

    /// Moves the record into the "Copy to" folder, out of the archive.
    fn move_record(&mut self, entry: &crate::player::catalog::Entry, actor_name: &str) {
        let target = std::path::PathBuf::from(self.copy_to.trim());
        if self.shown.loaded.as_deref() == Some(entry.audio().as_path()) {
            self.engine.eject();
        }
        let actor = Actor {
            store: &self.session.store,
            identity: &self.session.identity,
            name: actor_name,
        };
        self.message = Some(
            match ops::move_record(&actor, &found(&entry.audio()), &target) {
                Ok(moved) => format!("moved to {}", moved.display()),
                Err(e) => format!("not moved: {e}"),
            },
        );
        self.catalog.reread_folder_of(&entry.audio());
        self.apply_filter();
        self.selected = None;
    }

    fn show_delete(
        &mut self,
        ui: &mut egui::Ui,
        entry: &crate::player::catalog::Entry,
        actor_name: &str,
    ) {
        let delete_label = if self.confirm_delete {
            "Really delete?"
        } else {
            "Delete"
        };
        if ui.button(delete_label).clicked() {
            if self.confirm_delete {
                self.engine.eject();
                let actor = Actor {
                    store: &self.session.store,
                    identity: &self.session.identity,
                    name: actor_name,
                };
                self.message = Some(match ops::delete_record(&actor, &found(&entry.audio())) {
                    Ok(()) => "deleted".into(),
                    Err(e) => format!("not deleted: {e}"),
                });
                self.catalog.reread_folder_of(&entry.audio());
                self.apply_filter();
                self.selected = None;
                self.confirm_delete = false;
            } else {
                self.confirm_delete = true;
            }
        }
    }

    fn show_table(&mut self, ui: &mut egui::Ui) {
        let rows = self.rows.clone();
        let mut clicked = None;
        // selectable text would take the click that should select the row
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::auto().at_least(120.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(20.0))
            .column(Column::auto().at_least(110.0))
            .column(Column::auto().at_least(40.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(50.0))
            .column(Column::remainder())
            .header(20.0, |mut h| {
                for title in [
                    "Date", "Internal", "", "External", "Ring", "Size", "TAN", "Mark",
                ] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let index = rows[row.index()];
                    let e = &self.catalog.entries[index];
                    row.set_selected(
                        self.selected == Some(index)
                            || self.chosen.contains(&self.catalog.entries[index].audio()),
                    );
                    let n = e.name();
                    row.col(|ui| {
                        ui.label(format!(
                            "{:04}-{:02}-{:02} {:02}:{:02}",
                            n.start.year, n.start.month, n.start.day, n.start.hour, n.start.minute
                        ));
                    });
                    row.col(|ui| {
                        ui.label(&n.internal);
                    });
                    row.col(|ui| {
                        let lock = if e.encrypted() { " (enc)" } else { "" };
                        ui.label(format!(
                            "{}{lock}",
                            if n.direction == Direction::Incoming {
                                "in"
                            } else {
                                "out"
                            }
                        ));
                    });
                    row.col(|ui| {
                        ui.label(&n.external);
                    });
                    row.col(|ui| {
                        ui.label(format!("{} s", n.time_to_answer_s));
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.1} MB", e.size as f64 / 1e6));
                    });
                    row.col(|ui| {
                        ui.label(n.tan.as_deref().unwrap_or(""));
                    });
                    let name = self.session.relative(&e.audio());
                    let mark = match (
                        self.prefs.marked.contains(&name),
                        self.shared_marks.names.contains(&name),
                    ) {
                        (true, true) => "here, all",
                        (true, false) => "here",
                        (false, true) => "all",
                        (false, false) => "",
                    };
                    row.col(|ui| {
                        ui.label(mark);
                    });
                    if row.response().clicked() {
                        clicked = Some((row.index(), index));
                    }
                });
            });
        let modifiers = ui.input(|i| i.modifiers);
        if let Some((position, index)) = clicked {
            self.click_row(position, index, modifiers);
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

fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Draws the waveform: each column the peak of the left channel upwards and of the
/// right channel downwards from the middle, the played part brighter, a line at the
/// position. Returns where (0..=1) it was clicked.
fn waveform(ui: &mut egui::Ui, envelope: &[[f32; 2]], at: f64) -> Option<f64> {
    let width = (ui.available_width() - 80.0).max(100.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 44.0), egui::Sense::click());
    let response =
        response.on_hover_text("waveform: left channel above, right below; click to go there");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "waveform"));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(28));
    let middle = rect.center().y;
    let half = rect.height() / 2.0 - 1.0;
    let played_x = rect.left() + rect.width() * at.clamp(0.0, 1.0) as f32;
    let columns = rect.width().max(1.0) as usize;
    // scaled to the record's loudest moment, so a quiet line still shows its shape
    let loudest = envelope
        .iter()
        .flat_map(|p| p.iter().copied())
        .fold(0f32, f32::max)
        .max(1e-3);
    for x in 0..columns {
        let from = x * envelope.len() / columns;
        let to = ((x + 1) * envelope.len() / columns)
            .max(from + 1)
            .min(envelope.len());
        let [l, r] = envelope[from..to]
            .iter()
            .fold([0f32; 2], |m, p| [m[0].max(p[0]), m[1].max(p[1])]);
        let px = rect.left() + x as f32 + 0.5;
        let played = px <= played_x;
        let (cl, cr) = if played {
            (
                Color32::from_rgb(90, 200, 120),
                Color32::from_rgb(90, 160, 230),
            )
        } else {
            (
                Color32::from_rgb(50, 110, 70),
                Color32::from_rgb(50, 90, 130),
            )
        };
        painter.line_segment(
            [
                egui::pos2(px, middle),
                egui::pos2(px, middle - (l / loudest).sqrt() * half),
            ],
            (1.0, cl),
        );
        painter.line_segment(
            [
                egui::pos2(px, middle),
                egui::pos2(px, middle + (r / loudest).sqrt() * half),
            ],
            (1.0, cr),
        );
    }
    painter.line_segment(
        [
            egui::pos2(played_x, rect.top()),
            egui::pos2(played_x, rect.bottom()),
        ],
        (1.5, Color32::WHITE),
    );
    let clicked = response.clicked() || response.dragged();
    clicked
        .then(|| response.interact_pointer_pos())
        .flatten()
        .map(|p| f64::from(((p.x - rect.left()) / rect.width()).clamp(0.0, 1.0)))
}

/// How much louder the left (external) side is than the right, in dB (negative: the
/// right is louder); 0 when both are silent.
pub fn delta_db(left: f32, right: f32) -> f32 {
    const FLOOR: f32 = 1e-4; // -80 dB: below it a side counts as silent
    if left < FLOOR && right < FLOOR {
        return 0.0;
    }
    (20.0 * (left.max(FLOOR) / right.max(FLOOR)).log10()).clamp(-40.0, 40.0)
}

/// The delta meter (L−R / R−L): a bar from the middle towards the louder side.
fn delta_meter(ui: &mut egui::Ui, db: f32) {
    let text = format!("delta L-R {db:+.0} dB");
    ui.label(format!("{:>10}", "L-R"))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    let (rect, response) = ui.allocate_exact_size(egui::vec2(300.0, 12.0), egui::Sense::hover());
    response.on_hover_text(&text);
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, Color32::from_gray(40));
    let middle = rect.center().x;
    // ±20 dB fills half the bar
    let x = middle - (db / 20.0).clamp(-1.0, 1.0) * rect.width() / 2.0;
    let bar = egui::Rect::from_x_y_ranges(x.min(middle)..=x.max(middle), rect.y_range());
    painter.rect_filled(bar, 2.0, Color32::from_rgb(80, 140, 220));
    painter.line_segment(
        [
            egui::pos2(middle, rect.top()),
            egui::pos2(middle, rect.bottom()),
        ],
        (1.0, Color32::WHITE),
    );
}

/// A horizontal level meter with a peak-hold line and an overflow mark.
fn meter(ui: &mut egui::Ui, name: &str, level: f32, hold: f32, overflow: bool) {
    ui.horizontal(|ui| {
        ui.label(format!("{name:>10}"));
        let (rect, _) = ui.allocate_exact_size(egui::vec2(300.0, 12.0), egui::Sense::hover());
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, Color32::from_gray(40));
        // dB scale from -60 to 0
        let to_x = |v: f32| {
            let db = 20.0 * v.max(1e-6).log10();
            rect.left() + rect.width() * ((db + 60.0) / 60.0).clamp(0.0, 1.0)
        };
        let fill = egui::Rect::from_min_max(rect.min, egui::pos2(to_x(level), rect.max.y));
        painter.rect_filled(
            fill,
            2.0,
            if level > 0.7 {
                Color32::from_rgb(230, 160, 0)
            } else {
                Color32::from_rgb(40, 180, 60)
            },
        );
        let x = to_x(hold);
        painter.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            (2.0, Color32::WHITE),
        );
        if overflow {
            ui.colored_label(Color32::RED, "OVER");
        }
    });
}

/// The files of the record whose audio is `audio`.
fn found(audio: &std::path::Path) -> Found {
    let sidecar = audio.with_extension("xml");
    Found {
        label: audio.display().to_string(),
        audio: Some(audio.to_path_buf()),
        sidecar: sidecar.is_file().then_some(sidecar),
    }
}
