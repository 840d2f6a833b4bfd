//! SOS (rescue) mode's part of the window: the newest call on top and one large Play.

use egui::RichText;

use crate::archive::name::Direction;
use crate::player::engine::Snapshot;

use super::PlayerView;

impl PlayerView {
    pub(super) fn show_sos(&mut self, ui: &mut egui::Ui, snapshot: &Snapshot) {
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
}
