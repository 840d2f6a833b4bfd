//! The filter row: month, day, numbers with wildcards, TAN, direction, order, what is
//! shown, online search.

use std::time::Instant;

use crate::archive::name::Direction;

use super::{PlayerView, ShowOnly};

impl PlayerView {
    pub(super) fn show_filters(&mut self, ui: &mut egui::Ui) {
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
}
