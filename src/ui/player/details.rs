//! The selected record's details: verdict, parties, CDRs, marks, notes, TAN, copy,
//! move and delete (each only with the Player's permission, each logged).

use egui::{Color32, RichText};

use crate::archive::name::Direction;
use crate::archive::sidecar::Verdict;
use crate::player::record_ops::After;

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
                ui.label("checking…");
            }
            Some(d) => {
                let (text, colour) = match d.check.verdict {
                    Verdict::Original => ("original", Color32::from_rgb(40, 170, 60)),
                    Verdict::Manipulated => ("MANIPULATED", Color32::from_rgb(210, 40, 40)),
                    Verdict::Unsigned => ("unsigned", Color32::GRAY),
                    Verdict::Unknown => ("unknown", Color32::from_rgb(220, 160, 0)),
                };
                ui.label(RichText::new(text).strong().color(colour))
                    .on_hover_text(&d.check.reason);
                if let Some(m) = &d.check.metadata {
                    let name = |p: &crate::archive::metadata::Party| match &p.name {
                        Some(n) => format!("{} ({n})", p.number),
                        None => p.number.clone(),
                    };
                    ui.label(format!(
                        "{} {} {}  ·  started {} ({})  ·  ring {} s  ·  {} s",
                        name(&m.internal),
                        if m.call.direction == Direction::Incoming {
                            "from"
                        } else {
                            "to"
                        },
                        name(&m.external),
                        m.call.start_local.replace('T', " "),
                        m.call.time_zone,
                        m.call.time_to_answer_s,
                        m.call.duration_ms / 1000
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
            egui::CollapsingHeader::new(format!("CDRs ({})", m.cdrs.items.len()))
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
                .checkbox(&mut mine, "marked here")
                .on_hover_text("a mark on this Player only")
                .changed()
            {
                self.set_mark(false, mine);
            }
            if ui
                .checkbox(&mut everyone, "marked for all")
                .on_hover_text("a mark every Player on this store sees (STORE/TMP)")
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
                ui.label("Notes");
                ui.add(
                    egui::TextEdit::singleline(text)
                        .hint_text("notes")
                        .desired_width(300.0),
                );
            }
            let may_note = self.may_change().notes;
            if may_note
                && ui.button("Save notes").clicked()
                && let Some((_, text)) = &self.note_edit
            {
                let saved = self.record_ops().write_notes(&entry, text);
                self.message = Some(match saved {
                    Ok(_) => "notes saved".into(),
                    Err(e) => format!("notes not saved: {e}"),
                });
            }
            if !self.may_change().tan {
                return;
            }
            ui.label("TAN");
            ui.add(
                egui::TextEdit::singleline(&mut self.tan_edit)
                    .hint_text("6 digits")
                    .desired_width(70.0),
            );
            if ui
                .button("Set TAN")
                .on_hover_text("a TAN can be changed, not removed")
                .clicked()
            {
                let set = self.record_ops().set_tan(&entry, self.tan_edit.trim());
                match set {
                    Ok(after) => {
                        let new = self.catalog.after_change(&entry.audio(), &after);
                        let shown = new.as_ref().and_then(|p| p.file_name());
                        self.message = Some(format!(
                            "TAN set: {}",
                            shown.unwrap_or_default().to_string_lossy()
                        ));
                        self.apply_filter();
                        self.selected = new.and_then(|p| self.catalog.position(&p));
                    }
                    Err(e) => self.message = Some(format!("TAN not set: {e}")),
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
            ui.label("Copy to");
            ui.add(
                egui::TextEdit::singleline(&mut self.copy_to)
                    .hint_text("folder")
                    .desired_width(260.0),
            );
            if ui
                .button("Copy")
                .on_hover_text("a clear copy: decrypted audio, sidecar as plain XML")
                .clicked()
            {
                let target = std::path::PathBuf::from(self.copy_to.trim());
                let result = self.record_ops().copy(&entry, &target);
                self.message = Some(match result {
                    Ok(_) => format!("copied to {}", target.display()),
                    Err(e) => format!("not copied: {e}"),
                });
            }
            if permissions.delete {
                if ui
                    .button("Move")
                    .on_hover_text(
                        "move the record's files (as stored: signed, encrypted if they are) \
                         out of the archive into this folder; logged in the activity log",
                    )
                    .clicked()
                {
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
            Ok(moved) => format!("moved to {}", moved.display()),
            Err(e) => format!("not moved: {e}"),
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
            "Really delete?"
        } else {
            "Delete"
        };
        if ui.button(delete_label).clicked() {
            if self.confirm_delete {
                self.engine.eject();
                let deleted = self.record_ops().delete(entry);
                self.message = Some(match &deleted {
                    Ok(_) => "deleted".into(),
                    Err(e) => format!("not deleted: {e}"),
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
