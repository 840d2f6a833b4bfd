//! The setup dialog: every setting of the setup store, grouped in tabs, each with its
//! help as a tooltip and under the field, checked as it is typed, and saved only with
//! the password (the setup's own, and the store's central password where one exists).
//!
//! `callrec setup recpath=DIR` opens only this dialog; in the app window it opens over
//! the Player, and the recorder's timers stand still until it is closed (the seed).
//! Folder pickers go through [`FolderPicker`], so tests never open a native dialog.

use super::players_tab::PlayersEditor;
use crate::lang::{Arg, t, tr};
use crate::ui::help::{self, Tip};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use egui::{Color32, RichText};

use crate::archive::setup::{Kind, SETUP_KEYS, Setup, SetupError, setup_key};
use crate::archive::store::Store;

/// Chooses a folder; the app uses the desktop's dialog, tests a scripted answer.
pub trait FolderPicker {
    fn pick_folder(&self, start: &Path) -> Option<PathBuf>;
}

/// The desktop's own folder dialog (xdg portal on Linux). Without a portal it answers
/// `None` at once, and the path can still be typed.
pub struct NativeFolderPicker;

impl FolderPicker for NativeFolderPicker {
    fn pick_folder(&self, start: &Path) -> Option<PathBuf> {
        rfd::FileDialog::new().set_directory(start).pick_folder()
    }
}

/// The tabs are the setup table's (`archive::setup::SetupTab`): each key names its tab.
pub use crate::archive::setup::SetupTab as Tab;

pub struct SetupDialog {
    pub setup: Setup,
    /// The values as edited, by key.
    pub values: BTreeMap<&'static str, String>,
    pub tab: Tab,
    /// Fields are read-only until the password is given.
    pub locked: bool,
    pub password: String,
    pub new_password: String,
    pub repeat_password: String,
    /// The last outcome: (is an error, text).
    pub message: Option<(bool, String)>,
    picker: Box<dyn FolderPicker>,
    /// Close was pressed.
    pub closed: bool,
    /// Saved at least once.
    pub saved: bool,
    /// The Network Players tab's add row.
    pub players: PlayersEditor,
}

impl SetupDialog {
    pub fn new(setup: Setup, picker: Box<dyn FolderPicker>) -> SetupDialog {
        let values = SETUP_KEYS
            .iter()
            .map(|k| {
                let value = if k.name == "readkey" {
                    String::new()
                } else {
                    setup.get(k.name)
                };
                (k.name, value)
            })
            .collect();
        let locked = setup.needs_password();
        SetupDialog {
            setup,
            values,
            tab: Tab::General,
            locked,
            password: String::new(),
            new_password: String::new(),
            repeat_password: String::new(),
            message: None,
            picker,
            closed: false,
            saved: false,
            players: PlayersEditor::default(),
        }
    }

    /// What is wrong with the value of `key` as typed, if anything.
    pub fn problem(&self, key: &str) -> Option<String> {
        let spec = setup_key(key)?;
        let value = self.values.get(key)?;
        if key == "readkey" && value.is_empty() {
            return None;
        }
        spec.validate(value).err()
    }

    /// Every problem that keeps Save disabled.
    pub fn problems(&self) -> Vec<String> {
        let mut all: Vec<String> = SETUP_KEYS
            .iter()
            .filter_map(|k| self.problem(k.name).map(|p| format!("{}: {p}", k.name)))
            .collect();
        if self.new_password != self.repeat_password {
            all.push(t("setup-passwords-differ"));
        }
        all
    }

    /// Tries the typed password.
    pub fn unlock(&mut self) {
        match self.setup.check_password(Some(&self.password)) {
            Ok(()) => {
                self.locked = false;
                self.message = Some((false, t("setup-unlocked")));
            }
            Err(_) => self.message = Some((true, t("setup-wrong-password"))),
        }
    }

    /// Applies the edits and saves; the outcome goes to `message`.
    pub fn save(&mut self) {
        let problems = self.problems();
        if !problems.is_empty() {
            self.message = Some((true, problems.join("; ")));
            return;
        }
        let mut working = self.setup.clone();
        let applied: Result<(), SetupError> = (|| {
            for (key, value) in &self.values {
                if *key == "readkey" {
                    if !value.is_empty() {
                        working.set(key, value)?;
                    }
                } else if working.get(key) != *value {
                    working.set(key, value)?;
                }
            }
            let new = (!self.new_password.is_empty()).then_some(self.new_password.as_str());
            working.save(Some(&self.password), new)
        })();
        match applied {
            Ok(()) => {
                if !self.new_password.is_empty() {
                    self.password = std::mem::take(&mut self.new_password);
                    self.repeat_password.clear();
                }
                self.setup = working;
                self.values.insert("readkey", String::new());
                self.saved = true;
                self.message = Some((
                    false,
                    tr(
                        "setup-saved",
                        &[("folder", Arg::from(self.setup.dir.display().to_string()))],
                    ),
                ));
            }
            Err(e) => {
                self.message = Some((
                    true,
                    tr("setup-not-saved", &[("why", Arg::from(e.to_string()))]),
                ))
            }
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        help::part(ui, ui.max_rect(), self.tab.text_id());
        ui.horizontal(|ui| {
            ui.heading(tr(
                "setup-heading",
                &[("version", Arg::from(env!("CARGO_PKG_VERSION")))],
            ));
            ui.label(RichText::new(self.setup.dir.display().to_string()).weak());
        });
        if self.locked {
            self.show_lock(ui);
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                ui.selectable_value(&mut self.tab, tab, tab.title())
                    .tip(tab.text_id());
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(ui.available_height() - 70.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if self.tab == Tab::Permissions {
                    self.show_permissions(ui);
                }
                if self.tab == Tab::Players {
                    let value = self.values.entry("players").or_default();
                    self.players.show(ui, value);
                    return;
                }
                for key in self.tab.keys() {
                    self.show_field(ui, key.name);
                }
            });
        ui.separator();
        self.show_footer(ui);
    }

    fn show_lock(&mut self, ui: &mut egui::Ui) {
        ui.label(t("setup-protected"));
        ui.horizontal(|ui| {
            let label = ui.label(t("setup-password"));
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.password)
                        .password(true)
                        .desired_width(200.0),
                )
                .labelled_by(label.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button(t("setup-unlock")).clicked() || entered {
                self.unlock();
            }
            if ui.button(t("setup-close")).tip("setup-close").clicked() {
                self.closed = true;
            }
        });
        self.show_message(ui);
    }

    fn show_field(&mut self, ui: &mut egui::Ui, key: &'static str) {
        let Some(spec) = setup_key(key) else {
            return;
        };
        let problem = self.problem(key);
        ui.horizontal(|ui| {
            let label = ui
                .add_sized(
                    [170.0, 20.0],
                    egui::Label::new(RichText::new(spec.caption()).strong()),
                )
                .on_hover_text(format!("{key}={}\n{}", spec.values, spec.help()))
                .tip(&spec.text_id());
            let value = self.values.entry(key).or_default();
            // the widget follows the key's kind
            match spec.kind {
                Kind::Switch => {
                    let mut on = value == "on";
                    if ui
                        .checkbox(&mut on, "")
                        .labelled_by(label.id)
                        .tip(&spec.text_id())
                        .changed()
                    {
                        *value = if on { "on" } else { "off" }.to_string();
                    }
                }
                Kind::Choice(words) => {
                    egui::ComboBox::from_id_salt(key)
                        .selected_text(value.as_str())
                        .show_ui(ui, |ui| {
                            for word in words {
                                ui.selectable_value(value, word.to_string(), *word);
                            }
                        })
                        .response
                        .labelled_by(label.id)
                        .tip(&spec.text_id());
                }
                Kind::Number { unit, .. } => {
                    ui.add(
                        egui::TextEdit::singleline(value)
                            .hint_text(spec.hint())
                            .desired_width(90.0),
                    )
                    .labelled_by(label.id)
                    .tip(&spec.text_id());
                    ui.label(unit);
                }
                _ => {
                    ui.add(
                        egui::TextEdit::singleline(value)
                            .password(spec.secret)
                            .hint_text(spec.hint())
                            .desired_width(320.0),
                    )
                    .labelled_by(label.id)
                    .tip(&spec.text_id());
                }
            }
            if spec.kind == Kind::Folder
                && ui
                    .button(t("setup-browse"))
                    .labelled_by(label.id)
                    .tip(&spec.text_id())
                    .clicked()
            {
                let start = PathBuf::from(value.as_str());
                if let Some(chosen) = self.picker.pick_folder(&start) {
                    *value = chosen.display().to_string();
                }
            }
            if let Some(problem) = &problem {
                ui.label(RichText::new(problem).color(Color32::from_rgb(220, 60, 60)));
            }
        });
        ui.label(RichText::new(spec.help()).weak());
        ui.add_space(4.0);
    }

    fn show_permissions(&mut self, ui: &mut egui::Ui) {
        ui.label(t("setup-password-explained"));
        ui.horizontal(|ui| {
            let label = ui.add_sized([170.0, 20.0], egui::Label::new(t("setup-new-password")));
            ui.add(
                egui::TextEdit::singleline(&mut self.new_password)
                    .password(true)
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.add_sized([170.0, 20.0], egui::Label::new(t("setup-repeat")));
            ui.add(
                egui::TextEdit::singleline(&mut self.repeat_password)
                    .password(true)
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
            if self.new_password != self.repeat_password {
                ui.label(RichText::new(t("setup-no-match")).color(Color32::from_rgb(220, 60, 60)));
            }
        });
        ui.add_space(8.0);
    }

    fn show_footer(&mut self, ui: &mut egui::Ui) {
        let problems = self.problems();
        ui.horizontal(|ui| {
            let needs = self.setup.needs_password()
                || self
                    .values
                    .get("store")
                    .filter(|s| !s.is_empty())
                    .is_some_and(|s| Store::new(s).central_password().exists());
            if needs {
                let label = ui.label(t("setup-password"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.password)
                        .password(true)
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
            }
            let save = ui
                .add_enabled(problems.is_empty(), egui::Button::new(t("setup-save")))
                .tip("setup-save");
            if save.clicked() {
                self.save();
            }
            if ui.button(t("setup-close")).tip("setup-close").clicked() {
                self.closed = true;
            }
            if !problems.is_empty() {
                ui.label(
                    RichText::new(tr("setup-to-correct", &[("n", Arg::from(problems.len()))]))
                        .color(Color32::from_rgb(220, 60, 60)),
                )
                .on_hover_text(problems.join("\n"));
            }
        });
        self.show_message(ui);
    }

    fn show_message(&self, ui: &mut egui::Ui) {
        if let Some((error, text)) = &self.message {
            let colour = if *error {
                Color32::from_rgb(220, 60, 60)
            } else {
                Color32::from_rgb(40, 160, 60)
            };
            ui.label(RichText::new(text).color(colour));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setup_key_and_tab_has_a_caption_and_help_in_both_languages() {
        use crate::lang::{Language, has_help, with_language};
        for language in Language::ALL {
            with_language(language, || {
                for key in SETUP_KEYS {
                    assert!(has_help(&key.text_id()), "{} has no help", key.name);
                    assert_ne!(key.caption(), key.text_id(), "{} has no caption", key.name);
                }
                for tab in Tab::ALL {
                    assert!(has_help(tab.text_id()), "{tab:?} has no help");
                }
            });
        }
    }

    #[test]
    fn every_tab_has_keys_and_every_key_a_kind_its_default_fits() {
        for tab in Tab::ALL {
            assert!(tab.keys().next().is_some(), "{tab:?} has no keys");
        }
        for key in SETUP_KEYS {
            if !key.default.is_empty() {
                assert_eq!(key.validate(key.default), Ok(()), "{}'s default", key.name);
            }
        }
    }
}
