//! The Player obeying an external application (`docs/INTERFACES.md`): the commands
//! the remote control brought since the last frame are carried out here, a play
//! started so is shown by a green "RC" next to Play (the seed's label), and "RC on"
//! and the link's lamp tell the operator that this Player can be driven from outside.

use egui::{Color32, RichText};

use crate::archive::RecordName;
use crate::archive::control_command::ControlCommand;
use crate::lang::{Arg, t, tr};
use crate::player::remote_control::LinkState;
use crate::ui::help::Tip;

use super::PlayerView;

impl PlayerView {
    /// Carries out the commands that came since the last frame.
    pub fn obey_remote(&mut self, ctx: &egui::Context) {
        let Some(remote) = &mut self.remote else {
            return;
        };
        for command in remote.take() {
            self.obey(ctx, command);
        }
    }

    /// One command, as if the operator had pressed the key (a track only when this
    /// Player may play it).
    pub fn obey(&mut self, ctx: &egui::Context, command: ControlCommand) {
        match command {
            ControlCommand::Play(Some(track)) => match self.find_track(&track) {
                Some(index) => {
                    self.play_entry(index);
                    self.remote_play = true;
                    self.message = Some(tr(
                        "remote-playing",
                        &[("track", Arg::from(track.as_str()))],
                    ));
                    if self.popup {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    }
                }
                None => {
                    self.message = Some(tr(
                        "remote-not-permitted",
                        &[("track", Arg::from(track.as_str()))],
                    ));
                }
            },
            ControlCommand::Play(None) => {
                if self.engine.snapshot().loaded.is_some() {
                    self.engine.play();
                    self.remote_play = true;
                }
            }
            ControlCommand::Pause => self.engine.pause(),
            ControlCommand::Stop => self.engine.stop(),
            ControlCommand::Eject => {
                self.engine.eject();
                self.remote_play = false;
                if self.popup {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
                }
            }
        }
    }

    /// The catalog entry of a record name, if this Player may play it; the store is
    /// looked at again once when the record is not known yet (it may be seconds old).
    fn find_track(&mut self, track: &str) -> Option<usize> {
        let name = RecordName::parse(track).ok()?;
        let path = self.session.store.path_of(&name);
        let found = |view: &PlayerView| {
            view.catalog
                .position(&path)
                .filter(|&i| view.session.permissions.shows(&view.catalog.entries[i]))
        };
        if let Some(index) = found(self) {
            return Some(index);
        }
        if self.catalog.is_backup() {
            return None;
        }
        if self.catalog.refresh() {
            self.apply_filter();
        }
        found(self)
    }

    /// "RC" next to Play while a remote play is on.
    pub fn show_remote_play(&self, ui: &mut egui::Ui) {
        if self.remote_play {
            ui.label(
                RichText::new("RC")
                    .strong()
                    .color(Color32::from_rgb(40, 170, 60)),
            )
            .tip("remote-rc");
        }
    }

    /// "RC on" while the control port is open, and the recorder link's lamp.
    pub fn show_remote_status(&self, ui: &mut egui::Ui) {
        let Some(remote) = &self.remote else {
            return;
        };
        if let Some(port) = remote.port {
            ui.label(RichText::new(t("remote-rc-on")).color(Color32::from_rgb(40, 170, 60)))
                .on_hover_text(tr(
                    "remote-rc-port",
                    &[("port", Arg::from(port.to_string()))],
                ));
        }
        let (colour, text) = match &remote.link {
            LinkState::None => return,
            LinkState::Up => (Color32::from_rgb(40, 170, 60), t("remote-link-up")),
            LinkState::Down(why) => (
                Color32::from_rgb(220, 40, 40),
                tr("remote-link-down", &[("why", Arg::from(why.as_str()))]),
            ),
        };
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter().circle_filled(rect.center(), 6.0, colour);
        let spoken = text.clone();
        ui.label(t("remote-link"))
            .on_hover_text(text)
            .widget_info(move || egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
    }
}
