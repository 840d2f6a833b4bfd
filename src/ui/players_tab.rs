//! The setup dialog's "Network Players" tab: the Player accounts of the `players` key
//! as a table a person edits (rights as boxes, extensions as text, Remove), and a row
//! to add an account with its password, instead of the raw `NAME|HASH|RIGHTS|EXT`
//! lines. Passwords are hashed (Argon2id) the moment the account is added; the
//! dialog never holds one longer than the add row does.

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
fn right_boxes(rights: &mut Rights) -> [(&'static str, &'static str, &mut bool); 6] {
    [
        ("copy", "may copy records out", &mut rights.copy),
        ("delete", "may delete records", &mut rights.delete),
        ("TAN", "may set TANs", &mut rights.tan),
        ("notes", "may write notes", &mut rights.notes),
        (
            "alarm",
            "may RESET and switch off the recorder's alarm",
            &mut rights.alarm,
        ),
        (
            "control",
            "may make other Players play (URL commands, docs/INTERFACES.md)",
            &mut rights.control,
        ),
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
        ui.label(
            "Players on other PCs log in with one of these accounts. The server checks every \
             request: extensions limit which calls an account lists and plays, rights what \
             it may change. An account's name is also its Player's name for remote control.",
        );
        let mut accounts = match parse_accounts(value) {
            Ok(a) => a,
            Err(e) => {
                ui.label(
                    RichText::new(format!("The accounts cannot be read: {e}"))
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
                ui.label(RichText::new("Account").strong());
                ui.label(RichText::new("Rights").strong());
                ui.label(RichText::new("Shows calls of").strong());
                ui.label("");
                ui.end_row();
                for (i, account) in accounts.iter_mut().enumerate() {
                    ui.label(&account.name);
                    ui.horizontal(|ui| {
                        for (word, help, on) in right_boxes(&mut account.rights) {
                            changed |= ui
                                .checkbox(on, word)
                                .on_hover_text(format!("{}: {help}", account.name))
                                .changed();
                        }
                    });
                    let mut text = account.extensions.join(",");
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut text)
                                .hint_text("every call")
                                .desired_width(140.0),
                        )
                        .on_hover_text(format!(
                            "{}: the internal numbers whose calls it sees (21, 3*); empty: all",
                            account.name
                        ));
                    if field.changed() {
                        account.extensions = extension_list(&text);
                        changed = true;
                    }
                    if ui
                        .button("Remove")
                        .on_hover_text(format!("remove the account {}", account.name))
                        .clicked()
                    {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
        if let Some(i) = remove {
            let gone = accounts.remove(i);
            self.message = Some((false, format!("Account {} removed.", gone.name)));
            changed = true;
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Add an account").strong());
        ui.horizontal(|ui| {
            let label = ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(120.0))
                .labelled_by(label.id);
            let label = ui.label("Password");
            ui.add(
                egui::TextEdit::singleline(&mut self.password)
                    .password(true)
                    .hint_text("8 characters or more")
                    .desired_width(140.0),
            )
            .labelled_by(label.id);
            let label = ui.label("Extensions");
            ui.add(
                egui::TextEdit::singleline(&mut self.extensions)
                    .hint_text("every call")
                    .desired_width(100.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            for (word, help, on) in right_boxes(&mut self.rights) {
                ui.checkbox(on, word).on_hover_text(help);
            }
            if ui
                .button("Add account")
                .on_hover_text("an account with the same name is replaced")
                .clicked()
            {
                match Account::new(
                    self.name.trim(),
                    &self.password,
                    self.rights,
                    extension_list(&self.extensions),
                ) {
                    Ok(account) => {
                        self.message = Some((
                            false,
                            format!("Account {} added; Save to keep it.", account.name),
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
