//! The Player's top bar: the SOS switch, store or backup, how many records are listed,
//! Reload, and whether an audio device and remote control are there.

use egui::{Color32, RichText};

use crate::player::engine::OutputKind;
use crate::player::remote_control::LinkState;

use super::PlayerView;

impl PlayerView {
    /// The top bar: SOS, the archive shown, counts, Reload, the remote-control state.
    pub(super) fn show_toolbar(&mut self, ui: &mut egui::Ui) {
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
            self.show_server_link(ui);
        });
    }

    /// A remote Player's link to its server: a lamp, green while the server answers,
    /// red with the reason in words while it does not (the list stays meanwhile).
    fn show_server_link(&self, ui: &mut egui::Ui) {
        let (Some(link), Some(server)) = (self.catalog.remote_link(), self.catalog.remote()) else {
            return;
        };
        let (colour, text) = match link {
            LinkState::Up => (
                Color32::from_rgb(40, 170, 60),
                format!("LINK: connected to {}", server.base()),
            ),
            LinkState::Down(why) => (
                Color32::from_rgb(220, 40, 40),
                format!(
                    "LINK down ({}): {why}; the list stays, trying again",
                    server.base()
                ),
            ),
            LinkState::None => return,
        };
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter().circle_filled(rect.center(), 6.0, colour);
        let spoken = text.clone();
        ui.label("LINK")
            .on_hover_text(&text)
            .widget_info(move || egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
        if let LinkState::Down(why) = link {
            ui.label(RichText::new(format!("server not reachable: {why}")).color(colour));
        }
    }
}
