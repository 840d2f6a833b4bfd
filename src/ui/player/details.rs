//! The selected record's details: verdict, parties, CDRs, marks, notes, TAN, copy,
//! move and delete (each only with the Player's permission, each logged).

use egui::{Color32, RichText};

use crate::archive::name::Direction;
use crate::archive::sidecar::Verdict;
use crate::lang::{Arg, t, tr};
use crate::player::record_ops::After;
use crate::ui::help::Tip;

use super::PlayerView;

impl PlayerView {
    /// Verdict, parties and notes of the selected record, and what may be done with it.
    pub(super) fn show_details(&mut self, ui: &mut egui::Ui) {
        let Some(index) = self.selected else {
            return;
        };
        let Some(entry) = self.catalog.entries.get(index).cloned() else {
            return;
        };
        let details = self.details.current();
        ui.horizontal_wrapped(|ui| match &details {
            None => {
                ui.spinner();
                ui.label(t("details-checking"));
            }
            Some(d) => {
                let (text, colour) = match d.check.verdict {
                    Verdict::Original => ("verdict-original", Color32::from_rgb(40, 170, 60)),
                    Verdict::Manipulated => ("verdict-manipulated", Color32::from_rgb(210, 40, 40)),
                    Verdict::Unsigned => ("verdict-unsigned", Color32::GRAY),
                    Verdict::Unknown => ("verdict-unknown", Color32::from_rgb(220, 160, 0)),
                };
                let text = t(text);
                ui.label(RichText::new(text).strong().color(colour))
                    .on_hover_text(&d.check.reason);
                if let Some(m) = &d.check.metadata {
                    let name = |p: &crate::archive::metadata::Party| match &p.name {
                        Some(n) => format!("{} ({n})", p.number),
                        None => p.number.clone(),
                    };
                    ui.label(tr(
                        if m.call.direction == Direction::Incoming {
                            "details-line-in"
                        } else {
                            "details-line-out"
                        },
                        &[
                            ("internal", Arg::from(name(&m.internal))),
                            ("external", Arg::from(name(&m.external))),
                            ("start", Arg::from(m.call.start_local.replace('T', " "))),
                            ("zone", Arg::from(m.call.time_zone.as_str())),
                            ("ring", Arg::from(u64::from(m.call.time_to_answer_s))),
                            ("seconds", Arg::from(m.call.duration_ms / 1000)),
                        ],
                    ));
                    let codecs: Vec<String> = m
                        .streams
                        .items
                        .iter()
                        .map(|s| format!("{}: {}", s.side, s.codec))
                        .collect();
                    ui.label(codecs.join(", "));
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
        ui.horizontal(|ui| {
            let name = self.session.relative(&entry.audio());
            let mut mine = self.prefs.marked.contains(&name);
            let mut everyone = self.shared_marks.names.contains(&name);
            if ui
                .checkbox(&mut mine, t("details-marked-here"))
                .tip("details-marked-here")
                .changed()
            {
                self.set_mark(false, mine);
            }
            if ui
                .checkbox(&mut everyone, t("details-marked-all"))
                .tip("details-marked-all")
                .changed()
            {
                self.set_mark(true, everyone);
            }
        });
        // notes: edited in place, saved with a line in the activity log
        if self
            .note_edit
            .as_ref()
            .is_none_or(|(p, _)| *p != entry.audio())
        {
            let loaded = details
                .as_ref()
                .filter(|d| d.audio == entry.audio())
                .map(|d| d.notes.clone());
            if let Some(text) = loaded {
                self.note_edit = Some((entry.audio(), text));
            }
        }
        ui.horizontal(|ui| {
            if let Some((_, text)) = &mut self.note_edit {
                let label = ui.label(t("details-notes"));
                ui.add(egui::TextEdit::singleline(text).desired_width(300.0))
                    .labelled_by(label.id)
                    .tip("details-notes");
            }
            let may_note = self.may_change().notes;
            if may_note
                && ui
                    .button(t("details-save-notes"))
                    .tip("details-save-notes")
                    .clicked()
                && let Some((_, text)) = &self.note_edit
            {
                let saved = self.record_ops().write_notes(&entry, text);
                self.message = Some(match saved {
                    Ok(_) => t("msg-notes-saved"),
                    Err(e) => tr("msg-notes-not-saved", &[("why", Arg::from(e.to_string()))]),
                });
            }
            if !self.may_change().tan {
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
                let set = self.record_ops().set_tan(&entry, self.tan_edit.trim());
                match set {
                    Ok(after) => {
                        let new = self.catalog.after_change(&entry.audio(), &after);
                        let shown = new.as_ref().and_then(|p| p.file_name());
                        self.message = Some(tr(
                            "msg-tan-set",
                            &[(
                                "name",
                                Arg::from(shown.unwrap_or_default().to_string_lossy().to_string()),
                            )],
                        ));
                        self.apply_filter();
                        self.selected = new.and_then(|p| self.catalog.position(&p));
                    }
                    Err(e) => {
                        self.message =
                            Some(tr("msg-tan-not-set", &[("why", Arg::from(e.to_string()))]))
                    }
                }
            }
        });
        let permissions = self.may_change();
        if !permissions.copy && !permissions.delete {
            return;
        }
        ui.horizontal(|ui| {
            if !permissions.copy {
                return self.show_delete(ui, &entry);
            }
            let label = ui.label(t("details-copy-to"));
            ui.add(egui::TextEdit::singleline(&mut self.copy_to).desired_width(260.0))
                .labelled_by(label.id)
                .tip("details-copy-to");
            if ui.button(t("details-copy")).tip("details-copy").clicked() {
                let target = std::path::PathBuf::from(self.copy_to.trim());
                let result = self.record_ops().copy(&entry, &target);
                self.message = Some(match result {
                    Ok(_) => tr(
                        "msg-copied",
                        &[("folder", Arg::from(target.display().to_string()))],
                    ),
                    Err(e) => tr("msg-not-copied", &[("why", Arg::from(e.to_string()))]),
                });
            }
            if self.catalog.remote().is_none()
                && ui
                    .button(t("details-evidence"))
                    .tip("details-evidence")
                    .clicked()
            {
                let target = std::path::PathBuf::from(self.copy_to.trim());
                let result = self.record_ops().evidence(&entry, &target);
                self.message = Some(match result {
                    Ok(zip) => tr(
                        "msg-evidence",
                        &[("file", Arg::from(zip.display().to_string()))],
                    ),
                    Err(e) => tr("msg-not-evidence", &[("why", Arg::from(e))]),
                });
            }
            if permissions.delete {
                if ui.button(t("details-move")).tip("details-move").clicked() {
                    self.move_record(&entry);
                }
                self.show_delete(ui, &entry);
            }
        });
    }

    /// Moves the record into the "Copy to" folder, out of the archive.
    pub(super) fn move_record(&mut self, entry: &crate::player::catalog::Entry) {
        let target = std::path::PathBuf::from(self.copy_to.trim());
        if self.shown.loaded.as_deref() == Some(entry.audio().as_path()) {
            self.engine.eject();
        }
        let moved = self.record_ops().move_out(entry, &target);
        self.message = Some(match &moved {
            Ok(moved) => tr(
                "msg-moved",
                &[("folder", Arg::from(moved.display().to_string()))],
            ),
            Err(e) => tr("msg-not-moved", &[("why", Arg::from(e.to_string()))]),
        });
        let after = if moved.is_ok() {
            After::Gone
        } else {
            After::Same
        };
        self.catalog.after_change(&entry.audio(), &after);
        self.apply_filter();
        self.selected = None;
    }

    pub(super) fn show_delete(&mut self, ui: &mut egui::Ui, entry: &crate::player::catalog::Entry) {
        let delete_label = if self.confirm_delete {
            t("details-really-delete")
        } else {
            t("details-delete")
        };
        if ui.button(delete_label).tip("details-delete").clicked() {
            if self.confirm_delete {
                self.engine.eject();
                let deleted = self.record_ops().delete(entry);
                self.message = Some(match &deleted {
                    Ok(_) => t("msg-deleted"),
                    Err(e) => tr("msg-not-deleted", &[("why", Arg::from(e.to_string()))]),
                });
                let after = deleted.unwrap_or(After::Same);
                self.catalog.after_change(&entry.audio(), &after);
                self.apply_filter();
                self.selected = None;
                self.confirm_delete = false;
            } else {
                self.confirm_delete = true;
            }
        }
    }
}
