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

use crate::player::model::PlayerModel;

use super::PlayerView;

impl PlayerView {
    /// Carries out the commands that came since the last frame.
    pub fn obey_remote(&mut self, ctx: &egui::Context) {
        let Some(remote) = &mut self.model.remote else {
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
            ControlCommand::Play(Some(track)) => match find_track(&mut self.model, &track) {
                Some(index) => {
                    self.model.play_entry(index);
                    self.model.remote_play = true;
                    self.model.message = Some(tr(
                        "remote-playing",
                        &[("track", Arg::from(track.as_str()))],
                    ));
                    if self.popup {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
                        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                    }
                }
                None => {
                    self.model.message = Some(tr(
                        "remote-not-permitted",
                        &[("track", Arg::from(track.as_str()))],
                    ));
                }
            },
            ControlCommand::Play(None) => {
                if self.model.engine.snapshot().loaded.is_some() {
                    self.model.engine.play();
                    self.model.remote_play = true;
                }
            }
            ControlCommand::Pause => self.model.engine.pause(),
            ControlCommand::Stop => self.model.engine.stop(),
            ControlCommand::Eject => {
                self.model.engine.eject();
                self.model.remote_play = false;
                if self.popup {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(true));
                }
            }
        }
    }
}

/// The catalog entry of a record name, if this Player may play it; the store is
/// looked at again once when the record is not known yet (it may be seconds old).
fn find_track(model: &mut PlayerModel, track: &str) -> Option<usize> {
    let name = RecordName::parse(track).ok()?;
    let path = model.session.store.path_of(&name);
    if let Some(index) = model.permitted_position(&path) {
        return Some(index);
    }
    if model.catalog.is_backup() {
        return None;
    }
    if model.catalog.refresh() {
        model.apply_filter();
    }
    model.permitted_position(&path)
}

/// "RC" next to Play while a remote play is on.
pub(super) fn show_remote_play(ui: &mut egui::Ui, model: &PlayerModel) {
    if model.remote_play {
        ui.label(
            RichText::new("RC")
                .strong()
                .color(Color32::from_rgb(40, 170, 60)),
        )
        .tip("remote-rc");
    }
}

/// "RC on" while the control port is open, and the recorder link's lamp.
pub(super) fn show_remote_status(ui: &mut egui::Ui, model: &PlayerModel) {
    let Some(remote) = &model.remote else {
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
