//! The setup dialog's "Network Players" tab: the Player accounts of the `players` key
//! as a table a person edits (rights as boxes, extensions as text, Remove), and a row
//! to add an account with its password, instead of the raw `NAME|HASH|RIGHTS|EXT`
//! lines. Passwords are hashed (Argon2id) the moment the account is added; the
//! dialog never holds one longer than the add row does.

use crate::lang::{Arg, help, t, tr};
use crate::ui::help::Tip;
use egui::{Color32, RichText};

use crate::archive::accounts::{Account, Rights, parse_accounts, render_accounts, upsert};

/// The add row and the last outcome.
#[derive(Default)]
pub struct PlayersEditor {
    pub name: String,
    pub password: String,
    pub rights: Rights,
    pub extensions: String,
    pub message: Option<(bool, String)>,
}

/// The rights as the boxes name them.
/// Each right's box: its word (the text id's value) and help (its `.help`).
fn right_boxes(rights: &mut Rights) -> [(&'static str, &mut bool); 6] {
    [
        ("players-right-copy", &mut rights.copy),
        ("players-right-delete", &mut rights.delete),
        ("players-right-tan", &mut rights.tan),
        ("players-right-notes", &mut rights.notes),
        ("players-right-alarm", &mut rights.alarm),
        ("players-right-control", &mut rights.control),
    ]
}

fn extension_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect()
}

impl PlayersEditor {
    /// Shows the accounts of `value` (the `players` setup value) and writes every
    /// change back into it.
    pub fn show(&mut self, ui: &mut egui::Ui, value: &mut String) {
        ui.label(t("players-explained"));
        let mut accounts = match parse_accounts(value) {
            Ok(a) => a,
            Err(e) => {
                ui.label(
                    RichText::new(tr(
                        "players-unreadable",
                        &[("why", Arg::from(e.to_string()))],
                    ))
                    .color(Color32::from_rgb(220, 60, 60)),
                );
                ui.add(egui::TextEdit::multiline(value).desired_width(f32::INFINITY));
                return;
            }
        };
        let mut changed = false;
        let mut remove = None;
        egui::Grid::new("players")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                ui.label(RichText::new(t("players-account")).strong());
                ui.label(RichText::new(t("players-rights")).strong());
                ui.label(RichText::new(t("setting-extensions")).strong());
                ui.label("");
                ui.end_row();
                for (i, account) in accounts.iter_mut().enumerate() {
                    ui.label(&account.name);
                    ui.horizontal(|ui| {
                        for (id, on) in right_boxes(&mut account.rights) {
                            changed |= ui
                                .checkbox(on, t(id))
                                .on_hover_text(format!("{}: {}", account.name, help(id)))
                                .changed();
                        }
                    });
                    let mut text = account.extensions.join(",");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut text)
                                .hint_text(t("players-every-call"))
                                .desired_width(140.0),
                        )
                        .on_hover_text(format!("{}: {}", account.name, help("players-extensions")));
                    if field.changed() {
                        account.extensions = extension_list(&text);
                        changed = true;
                    }
                    if ui
                        .button(t("players-remove"))
                        .on_hover_text(tr(
                            "players-remove-help",
                            &[("name", Arg::from(account.name.as_str()))],
                        ))
                        .clicked()
                    {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
        if let Some(i) = remove {
            let gone = accounts.remove(i);
            self.message = Some((
                false,
                tr(
                    "players-removed",
                    &[("name", Arg::from(gone.name.as_str()))],
                ),
            ));
            changed = true;
        }
        ui.add_space(6.0);
        ui.label(RichText::new(t("players-add-heading")).strong());
        ui.horizontal(|ui| {
            let label = ui.label(t("players-name"));
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(120.0))
                .labelled_by(label.id);
            let label = ui.label(t("setup-password"));
            ui.add(
                egui::TextEdit::singleline(&mut self.password)
                    .password(true)
                    .hint_text(t("players-password-hint"))
                    .desired_width(140.0),
            )
            .labelled_by(label.id);
            let label = ui.label(t("players-extensions"));
            ui.add(
                egui::TextEdit::singleline(&mut self.extensions)
                    .hint_text(t("players-every-call"))
                    .desired_width(100.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            for (id, on) in right_boxes(&mut self.rights) {
                ui.checkbox(on, t(id)).tip(id);
            }
            if ui.button(t("players-add")).tip("players-add").clicked() {
                match Account::new(
                    self.name.trim(),
                    &self.password,
                    self.rights,
                    extension_list(&self.extensions),
                ) {
                    Ok(account) => {
                        self.message = Some((
                            false,
                            tr(
                                "players-added",
                                &[("name", Arg::from(account.name.as_str()))],
                            ),
                        ));
                        upsert(&mut accounts, account);
                        *self = PlayersEditor {
                            message: self.message.take(),
                            ..PlayersEditor::default()
                        };
                        changed = true;
                    }
                    Err(e) => self.message = Some((true, e)),
                }
            }
        });
        if let Some((error, text)) = &self.message {
            let colour = if *error {
                Color32::from_rgb(220, 60, 60)
            } else {
                Color32::from_rgb(60, 160, 60)
            };
            ui.label(RichText::new(text).color(colour));
        }
        if changed {
            *value = render_accounts(&accounts);
        }
    }
}
