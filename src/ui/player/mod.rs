//! The Player window: filters, the record list, the transport and the level meters, and
//! SOS (rescue) mode, where everything but the newest calls and one large Play button
//! goes away. Plain state plus `show(ui)`, so the window and the tests draw the same.
//!
//! One part of the window per file: `toolbar`, `filters`, `transport` (with the
//! waveform and meters of `widgets`), `details`, `table`, `sos`, and `remote` (obeying
//! external applications); `actions` holds what the parts do to the Player's state
//! (playing, the playlist, memories, marks, SOS, the list and its filter).

mod actions;
mod details;
mod filters;
mod remote;
mod sos;
mod table;
mod toolbar;
mod transport;
mod widgets;

pub use widgets::delta_db;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, RichText};

use crate::player::catalog::Catalog;
use crate::player::details::DetailsLoader;
use crate::player::engine::{Engine, OutputKind, Snapshot};
use crate::player::filter::Filter;
use crate::player::marks::SharedMarks;
use crate::player::playlist::Playlist;
use crate::player::preferences::Preferences;
use crate::player::remote::RemoteArchive;
use crate::player::remote_control::RemoteControl;
use crate::player::session::Session;
use crate::player::store_watch::StoreWatch;
use crate::ui::help;

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
    fn label(self) -> String {
        crate::lang::t(match self {
            ShowOnly::All => "filter-show-all",
            ShowOnly::Marked => "filter-show-marked",
            ShowOnly::LastPlayed => "filter-show-last",
        })
    }
}

/// The beep between two records of the playlist.
const BEEP_S: f64 = 0.25;
/// How long "Memories" plays from each memory position.
const MEMORY_SPAN: Duration = Duration::from_secs(4);

/// How often the list looks for new records.
const REFRESH: Duration = Duration::from_millis(500);
/// How often an idle window draws when nothing wakes it.
const IDLE_LOOK: Duration = Duration::from_secs(30);

pub struct PlayerView {
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
    details: DetailsLoader,
    /// Notes being edited, TAN being typed, folder to copy to.
    note_edit: Option<(std::path::PathBuf, String)>,
    pub tan_edit: String,
    /// The folder Copy and Move put records in.
    pub copy_to: String,
    confirm_delete: bool,
    /// Where the A–B selection starts (set with A; the loop plays once B is set).
    loop_a: Option<f64>,
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
    /// The window's wake-up is handed to what tells of new records (done at the
    /// first frame, when the window exists).
    wake_set: bool,
    /// The store's watch (a remote catalog's feed wakes the window instead).
    store_watch: Option<StoreWatch>,
    /// Set by that wake: the list looks at once, not at its next half second.
    store_changed: Arc<std::sync::atomic::AtomicBool>,
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
            loop_a: None,
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
            wake_set: false,
            store_watch: None,
            store_changed: Arc::default(),
        };
        view.prefs = Preferences::load(view.session.state_dir.as_deref());
        view.prefs.high_contrast |= view.session.high_contrast;
        view.apply_audio();
        view.prefs_dirty = None;
        view.apply_filter();
        if view.session.start_in_sos {
            view.set_sos(true);
        }
        view
    }

    /// The Player on a recorder's or fileserver's archive on another PC: its records
    /// as the server lists them for `session`'s account, played over the network.
    pub fn new_remote(
        session: Session,
        server: Arc<RemoteArchive>,
        output: OutputKind,
    ) -> PlayerView {
        let mut view = PlayerView::new(session, output);
        // the list is taken from the feed at the next frames (they come every 50 ms)
        view.catalog = Catalog::open_remote(server, Arc::new(|| {}));
        view.apply_filter();
        view
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.refresh();
        self.obey_remote(&ui.ctx().clone());
        self.shown = self.engine.snapshot();
        self.continue_playing();
        self.run_memory_tour();
        self.save_prefs_when_due();
        let snapshot = self.shown.clone();
        crate::ui::theme::apply(ui.ctx(), self.prefs.high_contrast);
        let sos_key = ui.input(|i| i.key_pressed(egui::Key::F12));
        if sos_key {
            self.set_sos(!self.sos);
        }
        let top = ui.max_rect();
        help::part(ui, top, if self.sos { "help-sos" } else { "help-player" });
        self.show_toolbar(ui);
        if self.sos {
            // rescue mode: the newest calls, one large Play, Stop, ±5 s and the meters
            self.show_sos(ui, &snapshot);
        } else {
            self.show_filters(ui);
            ui.separator();
            self.show_transport(ui, &snapshot);
            self.show_details(ui);
            if let Some(m) = &self.message {
                ui.label(RichText::new(m).color(Color32::LIGHT_BLUE));
            }
            ui.separator();
            self.show_table(ui);
        }
        self.schedule_repaint(ui.ctx(), &snapshot);
    }

    /// Draws again soon while something moves (playing, loading, a beep, details or a
    /// waveform on their way, a link connecting); otherwise only when woken — by the
    /// store's watch, a remote list's news, a remote command — or after [`IDLE_LOOK`].
    fn schedule_repaint(&mut self, ctx: &egui::Context, s: &Snapshot) {
        if !self.wake_set {
            self.wake_set = true;
            let (flag, waker) = (self.store_changed.clone(), ctx.clone());
            let wake: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
                flag.store(true, std::sync::atomic::Ordering::Relaxed);
                waker.request_repaint();
            });
            if self.catalog.remote().is_some() {
                self.catalog.set_remote_wake(wake);
            } else {
                self.store_watch = Some(StoreWatch::start(self.session.store.clone(), wake));
            }
        }
        let busy = s.playing
            || s.loading
            || self.beep_then.is_some()
            || self.memory_tour.is_some()
            || self.prefs_dirty.is_some()
            || (self.selected.is_some() && !self.details_loaded())
            || (s.loaded.is_some() && self.engine.waveform().is_empty())
            || self
                .catalog
                .remote_link()
                .is_some_and(|l| *l != crate::player::remote_control::LinkState::Up);
        ctx.request_repaint_after(if busy {
            Duration::from_millis(50)
        } else {
            IDLE_LOOK
        });
    }
}
