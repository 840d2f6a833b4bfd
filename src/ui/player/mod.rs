//! The Player window: a thin shell over the Player's model (`player::model`) and one
//! view per part of the window, each in its own file:
//!
//! - `toolbar`: SOS, store or backup, counts, Reload, lamps, high contrast, Help;
//! - `filters` (keeps the day being typed): month, day, numbers, TAN, direction, order;
//! - `transport` (keeps the meters' peak hold): buttons and keys, loops, memories, the
//!   times, the waveform and meters (drawn by `widgets`), the audio settings;
//! - `details` (keeps the notes and TAN being typed, the delete question): verdict,
//!   parties, CDRs, marks, notes, TAN, and copy, move, delete and the evidence export
//!   of the selected or the chosen records;
//! - `table`: the list;
//! - `sos`: SOS mode alone — the newest calls, one large Play, Stop, ±5 s, the meters;
//! - `remote`: obeying external applications, the RC label and lamps.
//!
//! Views draw the model and call it; they open no file and write no log (the model's
//! record jobs do that off this thread). Tests drive the same `show(ui)`.

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
use std::time::Duration;

use egui::{Color32, RichText};

use crate::player::engine::OutputKind;
use crate::player::model::PlayerModel;
use crate::player::remote::RemoteArchive;
use crate::player::session::Session;
use crate::ui::help;

/// How often an idle window draws when nothing wakes it.
const IDLE_LOOK: Duration = Duration::from_secs(30);

pub struct PlayerView {
    /// Everything the Player knows and does; the parts below only draw it.
    pub model: PlayerModel,
    filters: filters::Filters,
    transport: transport::Transport,
    details: details::Details,
    /// Front on a remote play, minimised on a remote eject.
    pub popup: bool,
    /// The delta meter's last reading (L louder: positive).
    pub delta_db: f32,
    /// The window's wake-up is handed to the model at the first frame, when the window
    /// exists.
    wake_set: bool,
}

impl PlayerView {
    pub fn new(session: Session, output: OutputKind) -> PlayerView {
        PlayerView::of(PlayerModel::new(session, output))
    }

    /// The Player on a recorder's or fileserver's archive on another PC.
    pub fn new_remote(
        session: Session,
        server: Arc<RemoteArchive>,
        output: OutputKind,
    ) -> PlayerView {
        PlayerView::of(PlayerModel::new_remote(session, server, output))
    }

    fn of(model: PlayerModel) -> PlayerView {
        PlayerView {
            model,
            filters: filters::Filters::default(),
            transport: transport::Transport::default(),
            details: details::Details::default(),
            popup: false,
            delta_db: 0.0,
            wake_set: false,
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.model.tick();
        self.obey_remote(&ui.ctx().clone());
        crate::ui::theme::apply(ui.ctx(), self.model.prefs.high_contrast);
        if ui.input(|i| i.key_pressed(egui::Key::F12)) {
            let sos = !self.model.sos;
            self.model.set_sos(sos);
        }
        let page = if self.model.sos {
            "help-sos"
        } else {
            "help-player"
        };
        help::part(ui, ui.max_rect(), page);
        toolbar::ui(ui, &mut self.model);
        if self.model.sos {
            // rescue mode: the newest calls, one large Play, Stop, ±5 s and the meters
            sos::ui(ui, &mut self.model);
        } else {
            self.filters.ui(ui, &mut self.model);
            ui.separator();
            self.delta_db = self.transport.ui(ui, &mut self.model);
            self.details.ui(ui, &mut self.model);
            if self.model.jobs.running() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(crate::lang::t("msg-working"));
                });
            }
            if let Some(m) = &self.model.message {
                ui.label(RichText::new(m).color(Color32::LIGHT_BLUE));
            }
            ui.separator();
            table::ui(ui, &mut self.model);
        }
        self.schedule_repaint(ui.ctx());
    }

    /// Draws again soon while something moves (the model is busy); otherwise only when
    /// woken — by the store's watch, a remote list's news, a finished job, a remote
    /// command — or after [`IDLE_LOOK`].
    fn schedule_repaint(&mut self, ctx: &egui::Context) {
        if !self.wake_set {
            self.wake_set = true;
            let waker = ctx.clone();
            self.model
                .wake_with(Arc::new(move || waker.request_repaint()));
        }
        ctx.request_repaint_after(if self.model.busy() {
            Duration::from_millis(50)
        } else {
            IDLE_LOOK
        });
    }
}
