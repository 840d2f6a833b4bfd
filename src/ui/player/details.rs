//! The selected record's details: verdict, parties, CDRs, marks, notes, TAN; and
//! copy, move, delete and the evidence export of the selected record or of every
//! chosen one (each only with the Player's permission, each logged, each run off the
//! window's thread by the model). "Large" opens the details in large type in a window
//! of their own (the seed's "large additional display with call details").

use std::path::PathBuf;

use egui::{Color32, RichText};

use crate::archive::metadata::{Party, RecordMetadata};
use crate::archive::name::Direction;
use crate::archive::sidecar::Verdict;
use crate::lang::{Arg, t, tr};
use crate::player::details::Details as RecordDetails;
use crate::player::model::PlayerModel;
use crate::player::record_jobs::RecordChange;
use crate::ui::help::Tip;

/// The details part; it keeps what is being typed and the delete question.
#[derive(Default)]
pub(super) struct Details {
    /// The notes being edited, for the record at this path.
    note_edit: Option<(PathBuf, String)>,
    tan_edit: String,
    /// Delete was pressed once for these records: the next press deletes.
    confirm_delete: Option<Vec<PathBuf>>,
    /// The large details window is open.
    large: bool,
}

fn party(p: &Party) -> String {
    match &p.name {
        Some(n) => format!("{} ({n})", p.number),
        None => p.number.clone(),
    }
}

fn verdict_look(verdict: Verdict) -> (String, Color32) {
    let (id, colour) = match verdict {
        Verdict::Original => ("verdict-original", Color32::from_rgb(40, 170, 60)),
        Verdict::Manipulated => ("verdict-manipulated", Color32::from_rgb(210, 40, 40)),
        Verdict::Unsigned => ("verdict-unsigned", Color32::GRAY),
        Verdict::Unknown => ("verdict-unknown", Color32::from_rgb(220, 160, 0)),
    };
    (t(id), colour)
}

fn call_line(m: &RecordMetadata) -> String {
    tr(
        if m.call.direction == Direction::Incoming {
            "details-line-in"
        } else {
            "details-line-out"
        },
        &[
            ("internal", Arg::from(party(&m.internal))),
            ("external", Arg::from(party(&m.external))),
            ("start", Arg::from(m.call.start_local.replace('T', " "))),
            ("zone", Arg::from(m.call.time_zone.as_str())),
            ("ring", Arg::from(u64::from(m.call.time_to_answer_s))),
            ("seconds", Arg::from(m.call.duration_ms / 1000)),
        ],
    )
}

impl Details {
    /// Verdict, parties and notes of the selected record, and what may be done with it.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, model: &mut PlayerModel) {
        let selected = model
            .selected
            .and_then(|i| model.catalog.entries.get(i).cloned());
        let details = model.details.current();
        if let Some(entry) = &selected {
            ui.horizontal_wrapped(|ui| match &details {
                None => {
                    ui.spinner();
                    ui.label(t("details-checking"));
                }
                Some(d) => {
                    let (text, colour) = verdict_look(d.check.verdict);
                    ui.label(RichText::new(text).strong().color(colour))
                        .on_hover_text(&d.check.reason);
                    if let Some(m) = &d.check.metadata {
                        ui.label(call_line(m));
                        let codecs: Vec<String> = m
                            .streams
                            .items
                            .iter()
                            .map(|s| format!("{}: {}", s.side, s.codec))
                            .collect();
                        ui.label(codecs.join(", "));
                    }
                    if ui
                        .selectable_label(self.large, t("details-large"))
                        .tip("details-large")
                        .clicked()
                    {
                        self.large = !self.large;
                    }
                }
            });
            if let Some(d) = &details
                && let Some(m) = &d.check.metadata
                && !m.cdrs.items.is_empty()
            {
                egui::CollapsingHeader::new(tr(
                    "details-cdrs",
                    &[("n", Arg::from(m.cdrs.items.len()))],
                ))
                .id_salt("cdrs")
                .show(ui, |ui| {
                    for cdr in &m.cdrs.items {
                        ui.monospace(&cdr.text);
                    }
                });
            }
            self.show_marks_notes_tan(ui, model, entry, details.as_deref());
        }
        self.show_record_actions(ui, model);
        if self.large
            && let Some(d) = &details
        {
            self.show_large(ui.ctx(), model, d);
        }
    }

    fn show_marks_notes_tan(
        &mut self,
        ui: &mut egui::Ui,
        model: &mut PlayerModel,
        entry: &crate::player::catalog::Entry,
        details: Option<&RecordDetails>,
    ) {
        ui.horizontal(|ui| {
            let name = model.session.relative(&entry.audio());
            let mut mine = model.prefs.marked.contains(&name);
            let mut everyone = model.shared_marks.names.contains(&name);
            if ui
                .checkbox(&mut mine, t("details-marked-here"))
                .tip("details-marked-here")
                .changed()
            {
                model.set_mark(false, mine);
            }
            if ui
                .checkbox(&mut everyone, t("details-marked-all"))
                .tip("details-marked-all")
                .changed()
            {
                model.set_mark(true, everyone);
            }
        });
        // notes: edited in place, saved with a line in the activity log
        if self
            .note_edit
            .as_ref()
            .is_none_or(|(p, _)| *p != entry.audio())
        {
            let loaded = details
                .filter(|d| d.audio == entry.audio())
                .map(|d| d.notes.clone());
            self.note_edit = loaded.map(|text| (entry.audio(), text));
        }
        let permissions = model.may_change();
        ui.horizontal(|ui| {
            if let Some((_, text)) = &mut self.note_edit {
                let label = ui.label(t("details-notes"));
                ui.add(egui::TextEdit::singleline(text).desired_width(300.0))
                    .labelled_by(label.id)
                    .tip("details-notes");
            }
            if permissions.notes
                && ui
                    .button(t("details-save-notes"))
                    .tip("details-save-notes")
                    .clicked()
                && let Some((audio, text)) = &self.note_edit
            {
                model.change_records(
                    std::slice::from_ref(audio),
                    RecordChange::Notes(text.clone()),
                );
            }
            if !permissions.tan {
                return;
            }
            let label = ui.label(t("filter-tan"));
            ui.add(
                egui::TextEdit::singleline(&mut self.tan_edit)
                    .hint_text(t("details-tan-hint"))
                    .desired_width(70.0),
            )
            .labelled_by(label.id)
            .tip("details-set-tan");
            if ui
                .button(t("details-set-tan"))
                .tip("details-set-tan")
                .clicked()
            {
                let tan = self.tan_edit.trim().to_string();
                model.change_records(&[entry.audio()], RecordChange::Tan(tan));
            }
        });
    }

    /// Copy to a folder, the evidence export, Move and Delete: of the chosen records
    /// when there are several, else of the selected one.
    fn show_record_actions(&mut self, ui: &mut egui::Ui, model: &mut PlayerModel) {
        let permissions = model.may_change();
        let targets = model.acted_on();
        if targets.is_empty() || (!permissions.copy && !permissions.delete) {
            return;
        }
        if self
            .confirm_delete
            .as_ref()
            .is_some_and(|asked| *asked != targets)
        {
            self.confirm_delete = None;
        }
        ui.horizontal_wrapped(|ui| {
            if targets.len() >= 2 {
                ui.label(
                    RichText::new(tr("details-chosen", &[("n", Arg::from(targets.len()))]))
                        .strong(),
                )
                .tip("details-chosen");
            }
            if permissions.copy {
                let label = ui.label(t("details-copy-to"));
                ui.add(egui::TextEdit::singleline(&mut model.copy_to).desired_width(260.0))
                    .labelled_by(label.id)
                    .tip("details-copy-to");
                let folder = PathBuf::from(model.copy_to.trim());
                if ui.button(t("details-copy")).tip("details-copy").clicked() {
                    model.change_records(&targets, RecordChange::Copy(folder.clone()));
                }
                if ui
                    .button(t("details-evidence"))
                    .tip("details-evidence")
                    .clicked()
                {
                    model.change_records(&targets, RecordChange::Evidence(folder.clone()));
                }
                if permissions.delete && ui.button(t("details-move")).tip("details-move").clicked()
                {
                    model.change_records(&targets, RecordChange::Move(folder));
                }
            }
            if permissions.delete {
                let asking = self.confirm_delete.is_some();
                let label = if asking {
                    t("details-really-delete")
                } else {
                    t("details-delete")
                };
                if ui.button(label).tip("details-delete").clicked() {
                    if asking {
                        self.confirm_delete = None;
                        model.change_records(&targets, RecordChange::Delete);
                    } else {
                        self.confirm_delete = Some(targets.clone());
                    }
                }
            }
        });
    }

    /// The details in large type, in a window of their own.
    fn show_large(&mut self, ctx: &egui::Context, model: &PlayerModel, d: &RecordDetails) {
        let mut open = true;
        egui::Window::new(t("details-large-title"))
            .id(egui::Id::unique("callrec-large-details"))
            .open(&mut open)
            .default_width(640.0)
            .show(ctx, |ui| {
                let big = |text: String| RichText::new(text).size(22.0);
                let (verdict, colour) = verdict_look(d.check.verdict);
                ui.label(big(verdict).strong().color(colour));
                if let Some(m) = &d.check.metadata {
                    let direction = t(if m.call.direction == Direction::Incoming {
                        "filter-incoming"
                    } else {
                        "filter-outgoing"
                    });
                    egui::Grid::new("large-details")
                        .num_columns(2)
                        .show(ui, |ui| {
                            for (label, value) in [
                                (t("evidence-internal"), party(&m.internal)),
                                (t("evidence-external"), party(&m.external)),
                                (t("evidence-direction"), direction),
                                (
                                    t("evidence-start"),
                                    format!(
                                        "{} ({})",
                                        m.call.start_local.replace('T', " "),
                                        m.call.time_zone
                                    ),
                                ),
                                (t("evidence-ring"), format!("{} s", m.call.time_to_answer_s)),
                                (
                                    t("evidence-duration"),
                                    format!("{} s", m.call.duration_ms / 1000),
                                ),
                                (t("evidence-uid"), m.call.uid.clone()),
                            ] {
                                ui.label(big(label).strong());
                                ui.label(big(value));
                                ui.end_row();
                            }
                            if let Some(original) = model.original_time() {
                                ui.label(big(t("player-original-time")).strong());
                                ui.label(big(original).monospace());
                                ui.end_row();
                            }
                            if !d.notes.is_empty() {
                                ui.label(big(t("details-notes")).strong());
                                ui.label(big(d.notes.clone()));
                                ui.end_row();
                            }
                        });
                }
            });
        if !open {
            self.large = false;
        }
    }
}
