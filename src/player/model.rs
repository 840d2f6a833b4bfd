//! The Player as a model, without a window: the records listed and the filter, SOS
//! mode, the selection and the chosen records, the backup folder, marks, looking for
//! new records, and (in `model_playback`) playing, the playlist, memories, loops and
//! the audio settings, and (in `record_jobs`) the changes to records, which run off
//! the window's thread. The window's views (`ui::player`) draw it and call it; tests
//! can drive it without one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::catalog::Catalog;
use super::details::DetailsLoader;
use super::engine::{Engine, OutputKind, Snapshot};
use super::filter::Filter;
use super::marks::SharedMarks;
use super::party_names::{NameCache, SidecarReader, sidecar_beside};
use super::permissions::Permissions;
use super::playlist::Playlist;
use super::preferences::Preferences;
use super::record_jobs::RecordJobs;
use super::record_ops::RecordOps;
use super::recorder_names::{self, Logs, RecorderNames};
use super::remote::RemoteArchive;
use super::remote_control::{LinkState, RemoteControl};
use super::session::Session;
use super::store_watch::StoreWatch;
use crate::lang::{Arg, t, tr};

/// Which records the list shows, besides the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowOnly {
    All,
    /// Marked here or for everyone.
    Marked,
    /// The last records played on this Player, newest first.
    LastPlayed,
}

/// How a row was clicked: alone, one more (Ctrl), or a range (Shift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Plain,
    Toggle,
    Range,
}

/// How often the list looks for new records.
const REFRESH: Duration = Duration::from_millis(500);

pub struct PlayerModel {
    pub catalog: Catalog,
    pub filter: Filter,
    /// The filter and list choice in use before SOS mode switched them off.
    saved_filter: Option<(Filter, ShowOnly)>,
    pub sos: bool,
    /// Rows shown, as indexes into the catalog.
    pub rows: Vec<usize>,
    /// Catalog index of the selected record.
    pub selected: Option<usize>,
    pub engine: Engine,
    pub session: Session,
    pub details: DetailsLoader,
    /// The folder Copy, Move and the evidence export put records in.
    pub copy_to: String,
    /// The outcome of the last action, for the status line.
    pub message: Option<String>,
    last_refresh: Instant,
    /// Audio settings and memory positions, kept between runs.
    pub prefs: Preferences,
    /// The preferences changed and are not written yet.
    pub(super) prefs_dirty: Option<Instant>,
    /// "Memories": playing each memory position of the record in turn, until then.
    pub(super) memory_tour: Option<(usize, Instant)>,
    /// The last snapshot of the engine (taken once a frame by [`PlayerModel::tick`]).
    pub shown: Snapshot,
    /// Play on with the next record of the list when one ends.
    pub continuous: bool,
    /// The record that was playing at the last tick (to notice its end).
    pub(super) was_playing: Option<usize>,
    /// Records chosen in the list (Ctrl-click, Shift-click, All): the next playlist and
    /// what Copy, Move and Delete act on when there are several.
    pub chosen: Vec<PathBuf>,
    /// Row of the last plain or Ctrl click, where a Shift-click range starts.
    anchor: Option<usize>,
    pub playlist: Playlist,
    /// A beep is sounding between two records; when it is over, the playlist's record
    /// at this position plays.
    pub(super) beep_then: Option<(Instant, usize)>,
    /// Beeps played between records.
    pub beeps: u32,
    /// Marks every Player on the store sees.
    pub shared_marks: SharedMarks,
    /// Which records the list shows besides the filter.
    pub show_only: ShowOnly,
    /// With online search off: the filter was changed and not searched yet.
    pub search_pending: bool,
    /// Commands from an external application (control port, recorder link).
    pub remote: Option<RemoteControl>,
    /// The record playing was started by remote control (the green "RC").
    pub remote_play: bool,
    /// Where the A–B selection starts (set with A; the loop plays once B is set).
    pub loop_a: Option<f64>,
    /// Changes to records under way off the window's thread.
    pub jobs: RecordJobs,
    /// The parties' names of the rows shown, read from their sidecars.
    pub names: NameCache,
    /// The store's watch (a remote catalog's feed wakes the window instead).
    store_watch: Option<StoreWatch>,
    /// Set by the store's watch or a remote list's news: look at once.
    store_changed: Arc<AtomicBool>,
    /// The archive bucket's failure last told, if it fails.
    bucket_problem: Option<String>,
    /// Which recorder stored each record (for the recorder filter), as last read.
    pub recorders: Arc<RecorderNames>,
    /// The newest reading, kept current by a thread of its own.
    recorders_next: recorder_names::Shared,
    recorders_following: bool,
}

/// The store's catalog, or the bucket's when the session is on one.
fn open_archive(session: &Session) -> Catalog {
    match &session.bucket {
        Some(bucket) => Catalog::open_bucket(bucket.clone(), session.state_dir.as_deref()),
        None => Catalog::open_indexed(&session.store, session.state_dir.as_deref()),
    }
}

impl PlayerModel {
    pub fn new(session: Session, output: OutputKind) -> PlayerModel {
        let catalog = open_archive(&session);
        let shared_marks = SharedMarks::load(&session.store);
        let prefs = Preferences::load(session.state_dir.as_deref());
        let mut model = PlayerModel {
            catalog,
            filter: Filter::default(),
            saved_filter: None,
            sos: false,
            rows: Vec::new(),
            selected: None,
            engine: Engine::new(output),
            details: DetailsLoader::default(),
            copy_to: std::env::temp_dir()
                .join("callrec-copies")
                .display()
                .to_string(),
            message: None,
            last_refresh: Instant::now(),
            prefs,
            prefs_dirty: None,
            memory_tour: None,
            shown: Snapshot::default(),
            continuous: false,
            was_playing: None,
            chosen: Vec::new(),
            anchor: None,
            playlist: Playlist::default(),
            beep_then: None,
            beeps: 0,
            shared_marks,
            show_only: ShowOnly::All,
            search_pending: false,
            remote: None,
            remote_play: false,
            loop_a: None,
            jobs: RecordJobs::default(),
            names: NameCache::default(),
            store_watch: None,
            bucket_problem: None,
            recorders: Arc::default(),
            recorders_next: Arc::default(),
            recorders_following: false,
            store_changed: Arc::default(),
            session,
        };
        model.prefs.high_contrast |= model.session.high_contrast;
        model.apply_audio();
        model.prefs_dirty = None;
        model.apply_filter();
        if model.session.start_in_sos {
            model.set_sos(true);
        }
        model
    }

    /// The Player on a recorder's or fileserver's archive on another PC: its records
    /// as the server lists them for `session`'s account, played over the network.
    pub fn new_remote(
        session: Session,
        server: Arc<RemoteArchive>,
        output: OutputKind,
    ) -> PlayerModel {
        let mut model = PlayerModel::new(session, output);
        model.catalog = Catalog::open_remote(server, Arc::new(|| {}));
        model.apply_filter();
        model
    }

    /// Once a frame: new records, finished jobs, the engine's state, what follows a
    /// record's end, the memory tour, preferences due to be saved.
    pub fn tick(&mut self) {
        self.refresh();
        self.take_finished_jobs();
        self.shown = self.engine.snapshot();
        self.continue_playing();
        self.run_memory_tour();
        self.save_prefs_when_due();
    }

    /// Hands `wake` to what tells of new records: the store's watch, or a remote
    /// list's feed; it is called (from another thread) when the list should look again.
    pub fn wake_with(&mut self, wake: Arc<dyn Fn() + Send + Sync>) {
        let flag = self.store_changed.clone();
        let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            flag.store(true, Ordering::Relaxed);
            wake();
        });
        if self.catalog.remote().is_some() {
            self.catalog.set_remote_wake(wake.clone());
        } else if self.catalog.bucket().is_some() {
            self.catalog.set_bucket_wake(wake.clone());
        } else {
            self.store_watch = Some(StoreWatch::start(self.session.store.clone(), wake.clone()));
        }
        self.names.set_wake(wake.clone());
        self.jobs.set_wake(wake);
    }

    /// Something moves and the window should draw again soon: playing, loading, a beep,
    /// details or a waveform on their way, a job running, a link connecting.
    pub fn busy(&self) -> bool {
        let s = &self.shown;
        s.playing
            || s.loading
            || self.beep_then.is_some()
            || self.memory_tour.is_some()
            || self.prefs_dirty.is_some()
            || self.jobs.running()
            || (self.selected.is_some() && self.details.current().is_none())
            || (s.loaded.is_some() && self.engine.waveform().is_empty())
            || self
                .catalog
                .remote_link()
                .is_some_and(|l| *l != LinkState::Up)
    }

    pub fn apply_filter(&mut self) {
        // a server lists one recorder's records itself (this Player cannot tell whose
        // a record is): a new choice lists again
        self.catalog.set_remote_recorder(&self.filter.recorder);
        let entries = &self.catalog.entries;
        let permissions = &self.session.permissions;
        self.rows = self.filter.apply(entries);
        if self.catalog.remote().is_none() {
            let (recorders, wanted) = (&self.recorders, self.filter.recorder.as_str());
            if !wanted.is_empty() {
                self.rows
                    .retain(|&i| recorders.passes(entries[i].file_name(), wanted));
            }
        }
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

    /// After the filter changed: the list follows at once with online search on, else
    /// it waits for Search.
    pub fn filter_changed(&mut self) {
        if self.prefs.live {
            self.catalog.refresh();
            self.apply_filter();
        } else {
            self.search_pending = true;
        }
    }

    /// Search (online search off): the records that match now, new calls included.
    pub fn search(&mut self) {
        self.catalog.refresh();
        self.search_pending = false;
        self.apply_filter();
    }

    /// Reads every folder again, not trusting the index files.
    pub fn reload(&mut self) {
        self.catalog.reload();
        self.selected = None;
        self.apply_filter();
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
                Err(e) => self.message = Some(tr("msg-mark-not-saved", &[("why", Arg::from(e))])),
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

    /// Copies this Player's marks to the marks every Player sees (the seed: "copy records
    /// marked in a player to the system wide available directory"); the Player's own
    /// marks stay. Returns how many were shared.
    pub fn share_marks(&mut self) -> usize {
        let mine: Vec<String> = self
            .prefs
            .marked
            .iter()
            .filter(|name| !self.shared_marks.names.contains(*name))
            .cloned()
            .collect();
        let mut shared = 0;
        let mut failed = None;
        for name in &mine {
            let saved = match self.catalog.remote() {
                Some(server) => {
                    let file = name.rsplit('/').next().unwrap_or(name);
                    server.set_mark(file, true).map_err(|e| e.to_string())
                }
                None => self.shared_marks.set(name, true).map_err(|e| e.to_string()),
            };
            match saved {
                Ok(()) => {
                    self.shared_marks.names.insert(name.clone());
                    shared += 1;
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        self.message = Some(match failed {
            Some(e) => tr("msg-mark-not-saved", &[("why", Arg::from(e))]),
            None => tr("msg-marks-shared", &[("n", Arg::from(shared))]),
        });
        self.apply_filter();
        shared
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
    pub fn may_change(&self) -> Permissions {
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
            open_archive(&self.session)
        };
        self.selected = None;
        self.chosen.clear();
        self.anchor = None;
        self.apply_filter();
    }

    /// Where this Player's changes to records are made: the store, or the server.
    pub fn record_ops(&self) -> RecordOps<'_> {
        match self.catalog.remote() {
            Some(server) => RecordOps::Remote(server),
            None => RecordOps::Local(&self.session),
        }
    }

    /// Whether the selected record's details (verdict, parties, notes) are there.
    pub fn details_loaded(&self) -> bool {
        self.details.current().is_some()
    }

    /// Index of the newest catalog entry the session's permissions show.
    pub fn newest_permitted(&self) -> Option<usize> {
        let permissions = &self.session.permissions;
        self.catalog
            .entries
            .iter()
            .rposition(|e| permissions.shows(e))
    }

    /// The records of the rows `range` of the list as shown.
    pub fn shown_paths(&self, range: std::ops::RangeInclusive<usize>) -> Vec<PathBuf> {
        let last = self.rows.len().saturating_sub(1);
        let range = *range.start()..=(*range.end()).min(last);
        self.rows
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(|&i| self.catalog.entries[i].audio())
            .collect()
    }

    /// Chooses every record shown.
    pub fn choose_all(&mut self) {
        self.chosen = self.shown_paths(0..=usize::MAX);
    }

    /// Looks for new records (at once when woken, else every [`REFRESH`]), marks set by
    /// other Players, and what a server says this account may do.
    fn refresh(&mut self) {
        let woken = self.store_changed.swap(false, Ordering::Relaxed);
        if !woken && self.last_refresh.elapsed() < REFRESH {
            return;
        }
        self.last_refresh = Instant::now();
        self.read_recorders();
        // marks set by other Players on the store (a server's come with its answers)
        if self.catalog.remote().is_none() {
            let marks = SharedMarks::load(&self.session.store);
            if marks.names != self.shared_marks.names {
                self.shared_marks = marks;
                self.apply_filter();
            }
        }
        // a remote Player's list is kept current by the server's answers
        // a bucket's list comes from its lister after the window opened, like a server's
        let live = self.prefs.live
            || self.sos
            || self.catalog.remote().is_some()
            || self.catalog.bucket().is_some();
        let changed = live && self.catalog.refresh();
        if let Some(bucket) = self.catalog.bucket() {
            let problem = bucket.problem();
            if problem != self.bucket_problem {
                // told once when it starts and once when it ends, not every second
                self.message = Some(match &problem {
                    Some(why) => tr("msg-bucket-unreachable", &[("why", Arg::from(why.clone()))]),
                    None => t("msg-bucket-back"),
                });
                self.bucket_problem = problem;
            }
        }
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
            self.keep_selection(|model| model.apply_filter());
        }
    }

    /// Takes the newest reading of which recorder stored each record; the first call
    /// starts the thread that follows the activity logs. A server's records come with
    /// the server's recorder names instead (it filters by recorder itself).
    fn read_recorders(&mut self) {
        if self.catalog.remote().is_some() {
            if let Some(names) = self.catalog.take_remote_recorders()
                && names != self.recorders.names
            {
                self.recorders = Arc::new(RecorderNames::named(names));
            }
            return;
        }
        let newest = self
            .recorders_next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if !Arc::ptr_eq(&newest, &self.recorders) {
            self.recorders = newest;
            if !self.filter.recorder.is_empty() {
                self.keep_selection(|model| model.apply_filter());
            }
        }
        if self.recorders_following {
            return;
        }
        self.recorders_following = true;
        let logs = match self.catalog.bucket() {
            Some(bucket) => Logs::Bucket(bucket.bucket.clone()),
            None => Logs::Store(self.session.store.clone()),
        };
        recorder_names::follow(logs, &self.recorders_next, || {});
    }

    /// Runs `change` (which may move catalog indexes) keeping the selection on its
    /// record.
    pub(super) fn keep_selection(&mut self, change: impl FnOnce(&mut PlayerModel)) {
        let selected = self
            .selected
            .and_then(|i| self.catalog.entries.get(i).map(|e| e.audio()));
        change(self);
        self.selected = selected.and_then(|p| self.catalog.position(&p));
    }

    /// A click on a row: plain plays it alone; Toggle adds or removes it from the
    /// chosen records; Range chooses the rows from the last click.
    pub fn click_row(&mut self, position: usize, index: usize, pick: Pick) {
        let Some(path) = self.catalog.entries.get(index).map(|e| e.audio()) else {
            return;
        };
        match pick {
            Pick::Toggle => {
                match self.chosen.iter().position(|p| *p == path) {
                    Some(i) => {
                        self.chosen.remove(i);
                    }
                    None => self.chosen.push(path),
                }
                self.anchor = Some(position);
                return;
            }
            Pick::Range if self.anchor.is_some() => {
                let anchor = self.anchor.unwrap_or(position);
                self.chosen = self.shown_paths(anchor.min(position)..=anchor.max(position));
                return;
            }
            Pick::Range | Pick::Plain => {}
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

    /// Reads the names of these records' parties, when the list is of a store (a
    /// server's list carries numbers only).
    pub fn want_names(&self, audios: Vec<PathBuf>) {
        if self.catalog.remote().is_none() && !audios.is_empty() {
            let read = match self.catalog.bucket() {
                Some(bucket) => {
                    let bucket = bucket.clone();
                    Arc::new(move |audio: &Path| bucket.sidecar(audio)) as SidecarReader
                }
                None => sidecar_beside(),
            };
            self.names.request(audios, &self.session.ring, read);
        }
    }

    /// The catalog entry of a record path, if this Player may play it.
    pub fn permitted_position(&self, path: &Path) -> Option<usize> {
        self.catalog
            .position(path)
            .filter(|&i| self.session.permissions.shows(&self.catalog.entries[i]))
    }
}
