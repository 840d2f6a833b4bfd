//! The filter row: month, day, numbers with wildcards, TAN, direction, order, what is
//! shown, online search.

use std::time::Instant;

use crate::archive::name::Direction;
use crate::lang::t;
use crate::ui::help::Tip;

use super::{PlayerView, ShowOnly};

impl PlayerView {
    pub(super) fn show_filters(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(t("filter-month"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.month)
                        .hint_text(t("filter-month-hint"))
                        .desired_width(70.0),
                )
                .labelled_by(label.id)
                .tip("filter-month")
                .changed();
            let label = ui.label(t("filter-day"));
            if ui
                .add(
                    egui::TextEdit::singleline(&mut self.day_text)
                        .hint_text("1–31")
                        .desired_width(30.0),
                )
                .labelled_by(label.id)
                .tip("filter-day")
                .changed()
            {
                self.filter.day = self.day_text.trim().parse().ok();
                changed = true;
            }
            let label = ui.label(t("filter-internal"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.internal)
                        .hint_text("24, 2*")
                        .desired_width(70.0),
                )
                .labelled_by(label.id)
                .tip("filter-internal")
                .changed();
            let label = ui.label(t("filter-external"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.external)
                        .hint_text("0123*")
                        .desired_width(100.0),
                )
                .labelled_by(label.id)
                .tip("filter-external")
                .changed();
            let label = ui.label(t("filter-tan"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.tan)
                        .hint_text(t("filter-tan-hint"))
                        .desired_width(60.0),
                )
                .labelled_by(label.id)
                .tip("filter-tan")
                .changed();
            egui::ComboBox::from_label(t("filter-direction"))
                .selected_text(match self.filter.direction {
                    None => t("filter-both"),
                    Some(Direction::Incoming) => t("filter-incoming"),
                    Some(Direction::Outgoing) => t("filter-outgoing"),
                })
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.filter.direction, None, t("filter-both"))
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Incoming),
                            t("filter-incoming"),
                        )
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Outgoing),
                            t("filter-outgoing"),
                        )
                        .changed();
                });
            changed |= ui
                .checkbox(&mut self.filter.newest_first, t("filter-newest"))
                .tip("filter-newest")
                .changed();
            egui::ComboBox::from_label(t("filter-show"))
                .selected_text(self.show_only.label())
                .show_ui(ui, |ui| {
                    for choice in [ShowOnly::All, ShowOnly::Marked, ShowOnly::LastPlayed] {
                        changed |= ui
                            .selectable_value(&mut self.show_only, choice, choice.label())
                            .changed();
                    }
                });
            let live = ui
                .checkbox(&mut self.prefs.live, t("filter-live"))
                .tip("filter-live");
            if live.changed() {
                self.prefs_dirty.get_or_insert_with(Instant::now);
                changed |= self.prefs.live;
            }
            if !self.prefs.live {
                let enter = self.search_pending && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let search = ui.button(t("filter-search")).tip("filter-search");
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
