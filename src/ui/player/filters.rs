//! The filter row: month, day, numbers with wildcards, TAN, direction, order, what is
//! shown, online search.

use crate::archive::name::Direction;
use crate::lang::t;
use crate::ui::help::Tip;

use crate::player::model::{PlayerModel, ShowOnly};

/// The filter row; it keeps the day as typed (the filter holds it as a number).
#[derive(Default)]
pub(super) struct Filters {
    day_text: String,
}

fn show_only_label(choice: ShowOnly) -> String {
    t(match choice {
        ShowOnly::All => "filter-show-all",
        ShowOnly::Marked => "filter-show-marked",
        ShowOnly::LastPlayed => "filter-show-last",
    })
}

impl Filters {
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, model: &mut PlayerModel) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(t("filter-month"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut model.filter.month)
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
                        .desired_width(44.0),
                )
                .labelled_by(label.id)
                .tip("filter-day")
                .changed()
            {
                model.filter.day = self.day_text.trim().parse().ok();
                changed = true;
            }
            let label = ui.label(t("filter-internal"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut model.filter.internal)
                        .hint_text("24, 2*")
                        .desired_width(70.0),
                )
                .labelled_by(label.id)
                .tip("filter-internal")
                .changed();
            let label = ui.label(t("filter-external"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut model.filter.external)
                        .hint_text("0123*")
                        .desired_width(100.0),
                )
                .labelled_by(label.id)
                .tip("filter-external")
                .changed();
            let label = ui.label(t("filter-tan"));
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut model.filter.tan)
                        .hint_text(t("filter-tan-hint"))
                        .desired_width(60.0),
                )
                .labelled_by(label.id)
                .tip("filter-tan")
                .changed();
            egui::ComboBox::from_label(t("filter-direction"))
                .selected_text(match model.filter.direction {
                    None => t("filter-both"),
                    Some(Direction::Incoming) => t("filter-incoming"),
                    Some(Direction::Outgoing) => t("filter-outgoing"),
                })
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut model.filter.direction, None, t("filter-both"))
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut model.filter.direction,
                            Some(Direction::Incoming),
                            t("filter-incoming"),
                        )
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut model.filter.direction,
                            Some(Direction::Outgoing),
                            t("filter-outgoing"),
                        )
                        .changed();
                });
            // several recorders archive here: which one's calls
            if model.recorders.names.len() > 1 || !model.filter.recorder.is_empty() {
                let shown = if model.filter.recorder.is_empty() {
                    t("filter-recorder-all")
                } else {
                    model.filter.recorder.clone()
                };
                let names = model.recorders.names.clone();
                egui::ComboBox::from_label(t("filter-recorder"))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        changed |= ui
                            .selectable_value(
                                &mut model.filter.recorder,
                                String::new(),
                                t("filter-recorder-all"),
                            )
                            .changed();
                        for name in names {
                            changed |= ui
                                .selectable_value(&mut model.filter.recorder, name.clone(), name)
                                .changed();
                        }
                    })
                    .response
                    .tip("filter-recorder");
            }
            changed |= ui
                .checkbox(&mut model.filter.newest_first, t("filter-newest"))
                .tip("filter-newest")
                .changed();
            egui::ComboBox::from_label(t("filter-show"))
                .selected_text(show_only_label(model.show_only))
                .show_ui(ui, |ui| {
                    for choice in [ShowOnly::All, ShowOnly::Marked, ShowOnly::LastPlayed] {
                        changed |= ui
                            .selectable_value(&mut model.show_only, choice, show_only_label(choice))
                            .changed();
                    }
                });
            let unshared = model
                .prefs
                .marked
                .iter()
                .filter(|m| !model.shared_marks.names.contains(*m))
                .count();
            if unshared > 0
                && ui
                    .button(crate::lang::tr(
                        "filter-share-marks",
                        &[("n", crate::lang::Arg::from(unshared))],
                    ))
                    .tip("filter-share-marks")
                    .clicked()
            {
                model.share_marks();
            }
            let live = ui
                .checkbox(&mut model.prefs.live, t("filter-live"))
                .tip("filter-live");
            if live.changed() {
                model.prefs_changed();
                changed |= model.prefs.live;
            }
            if !model.prefs.live {
                let enter = model.search_pending && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let search = ui.button(t("filter-search")).tip("filter-search");
                if search.clicked() || enter {
                    model.search();
                }
            }
        });
        if changed {
            model.filter_changed();
        }
    }
}
