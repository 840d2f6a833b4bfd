//! The Player's top bar: the SOS switch, store or backup, how many records are listed,
//! Reload, and whether an audio device and remote control are there.

use egui::{Color32, RichText};

use crate::lang::{Arg, t, tr};
use crate::player::engine::OutputKind;
use crate::player::remote_control::LinkState;
use crate::ui::help::{self, Tip};

use crate::player::model::PlayerModel;

/// The top bar: SOS, the archive shown, counts, Reload, the remote-control state.
pub(super) fn ui(ui: &mut egui::Ui, model: &mut PlayerModel) {
    ui.horizontal(|ui| {
        let sos_label = if model.sos { t("sos-off") } else { t("sos-on") };
        let sos = egui::Button::new(RichText::new(sos_label).strong().color(Color32::WHITE)).fill(
            if model.sos {
                Color32::DARK_GRAY
            } else {
                Color32::from_rgb(190, 30, 30)
            },
        );
        if ui.add(sos).tip("sos-on").clicked() {
            model.set_sos(!model.sos);
        }
        if model.session.backup.is_some() && !model.sos {
            let mut backup = model.catalog.is_backup();
            let label = ui.label(t("player-archive"));
            let choice = egui::ComboBox::from_id_salt("archive")
                .selected_text(if backup {
                    t("player-backup")
                } else {
                    t("player-store")
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut backup, false, t("player-store"))
                        .tip("player-store");
                    ui.selectable_value(&mut backup, true, t("player-backup"))
                        .tip("player-backup");
                });
            choice.response.labelled_by(label.id);
            if backup != model.catalog.is_backup() {
                model.set_backup(backup);
            }
        }
        if !model.sos {
            show_counts_and_reload(ui, model);
        }
        if model.engine.output == OutputKind::Null {
            ui.label(RichText::new(t("player-no-audio")).color(Color32::GRAY))
                .tip("player-no-audio");
        }
        super::remote::show_remote_status(ui, model);
        show_server_link(ui, model);
        show_view_switches(ui, model);
    });
}

/// A remote Player's link to its server: a lamp, green while the server answers,
/// red with the reason in words while it does not (the list stays meanwhile).
fn show_server_link(ui: &mut egui::Ui, model: &PlayerModel) {
    let (Some(link), Some(server)) = (model.catalog.remote_link(), model.catalog.remote()) else {
        return;
    };
    let (colour, text) = match link {
        LinkState::Up => (
            Color32::from_rgb(40, 170, 60),
            tr("player-link-up", &[("server", Arg::from(server.base()))]),
        ),
        LinkState::Down(why) => (
            Color32::from_rgb(220, 40, 40),
            tr(
                "player-link-down",
                &[
                    ("server", Arg::from(server.base())),
                    ("why", Arg::from(why.as_str())),
                ],
            ),
        ),
        LinkState::None => return,
    };
    let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 6.0, colour);
    let spoken = text.clone();
    ui.label("LINK")
        .on_hover_text(&text)
        .widget_info(move || egui::WidgetInfo::labeled(egui::Role::Label, true, &spoken));
    if let LinkState::Down(why) = link {
        ui.label(
            RichText::new(tr(
                "player-unreachable",
                &[("why", Arg::from(why.as_str()))],
            ))
            .color(colour),
        );
    }
}

/// High contrast and help, at the right end of the bar.
fn show_view_switches(ui: &mut egui::Ui, model: &mut PlayerModel) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if ui.button(t("help-button")).tip("help-button").clicked() {
            help::open(ui.ctx(), if model.sos { "help-sos" } else { "help-player" });
        }
        if ui
            .selectable_label(model.prefs.high_contrast, t("player-contrast"))
            .tip("player-contrast")
            .clicked()
        {
            model.prefs.high_contrast = !model.prefs.high_contrast;
            model.prefs_changed();
        }
    });
}

/// How many records there are and are shown, and Reload (not in SOS mode).
fn show_counts_and_reload(ui: &mut egui::Ui, model: &mut PlayerModel) {
    ui.label(tr(
        "player-count",
        &[
            ("total", Arg::from(model.catalog.len())),
            ("shown", Arg::from(model.rows.len())),
        ],
    ));
    if ui
        .small_button(t("player-reload"))
        .tip("player-reload")
        .clicked()
    {
        model.reload();
    }
}
