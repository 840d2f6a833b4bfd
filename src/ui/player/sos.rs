//! SOS (rescue) mode: everything an emergency operator does not need is gone. Left
//! are the newest calls this Player may hear (newest on top, large), one large
//! "Play last call", Stop, ±5 s and the level meters; the keys are F12 (leave), space,
//! Esc and the arrows. The filters in use before are given back when SOS ends.

use egui::{Color32, RichText};

use crate::archive::name::Direction;
use crate::lang::{Arg, t, tr};
use crate::player::model::PlayerModel;
use crate::ui::help::Tip;

use super::widgets::{clock, meter};

/// How many of the newest calls SOS mode lists.
const SOS_ROWS: usize = 6;
/// The size of SOS mode's type.
const LARGE: f32 = 24.0;

/// SOS mode's whole window below the toolbar.
pub(super) fn ui(ui: &mut egui::Ui, model: &mut PlayerModel) {
    let s = model.shown.clone();
    sos_keys(ui, model);
    ui.add_space(8.0);
    ui.vertical_centered(|ui| {
        let newest = model.newest_permitted();
        let (label, tip) = if s.playing {
            (t("sos-pause"), "sos-pause")
        } else {
            (t("sos-play-last"), "sos-play-last")
        };
        let button = egui::Button::new(RichText::new(label).size(34.0).strong())
            .fill(Color32::from_rgb(30, 110, 40))
            .min_size(egui::vec2(360.0, 80.0));
        if ui.add_enabled(newest.is_some(), button).tip(tip).clicked() {
            model.sos_play_pause();
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let width = 3.0 * 150.0 + 2.0 * ui.spacing().item_spacing.x;
            ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
            let big = |text: String| {
                egui::Button::new(RichText::new(text).size(LARGE)).min_size(egui::vec2(150.0, 52.0))
            };
            if ui.add(big(t("player-back"))).tip("player-back").clicked() {
                model.engine.skip_s(-5.0);
            }
            if ui.add(big(t("player-stop"))).tip("player-stop").clicked() {
                model.engine.stop();
            }
            if ui
                .add(big(t("player-forward")))
                .tip("player-forward")
                .clicked()
            {
                model.engine.skip_s(5.0);
            }
        });
        ui.add_space(4.0);
        let time = format!("{} / {}", clock(s.position_s), clock(s.duration_s));
        ui.label(RichText::new(time).size(LARGE).monospace());
    });
    for ch in 0..2 {
        let name = if ch == 0 {
            t("player-meter-left")
        } else {
            t("player-meter-right")
        };
        meter(ui, &name, s.peaks[ch], s.peaks[ch], s.overflow[ch]);
    }
    ui.separator();
    show_sos_calls(ui, model);
    if let Some(m) = &model.message {
        ui.label(RichText::new(m).size(18.0).color(Color32::LIGHT_BLUE));
    }
}

/// Space plays the last call (or pauses), Esc stops, ←/→ skip 5 s.
fn sos_keys(ui: &egui::Ui, model: &mut PlayerModel) {
    if ui.ctx().egui_wants_keyboard_input() {
        return;
    }
    let (space, esc, left, right) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Space),
            i.key_pressed(egui::Key::Escape),
            i.key_pressed(egui::Key::ArrowLeft),
            i.key_pressed(egui::Key::ArrowRight),
        )
    });
    if space {
        model.sos_play_pause();
    }
    if esc {
        model.engine.stop();
    }
    if left {
        model.engine.skip_s(-5.0);
    }
    if right {
        model.engine.skip_s(5.0);
    }
}

/// The newest calls in large type; a click plays one (the one playing is marked).
fn show_sos_calls(ui: &mut egui::Ui, model: &mut PlayerModel) {
    let s = &model.shown.clone();
    ui.label(RichText::new(t("sos-newest")).size(18.0).strong());
    let rows: Vec<usize> = model.rows.iter().copied().take(SOS_ROWS).collect();
    if rows.is_empty() {
        ui.label(RichText::new(t("sos-no-calls")).size(LARGE));
        return;
    }
    let mut play = None;
    for index in rows {
        let Some(entry) = model.catalog.entries.get(index) else {
            continue;
        };
        let n = entry.name();
        let line = tr(
            if n.direction == Direction::Incoming {
                "sos-call-in"
            } else {
                "sos-call-out"
            },
            &[
                (
                    "time",
                    Arg::from(format!(
                        "{:02}.{:02}. {:02}:{:02}",
                        n.start.day, n.start.month, n.start.hour, n.start.minute
                    )),
                ),
                ("internal", Arg::from(n.internal.as_str())),
                ("external", Arg::from(n.external.as_str())),
            ],
        );
        let playing = s.loaded.as_deref() == Some(entry.audio().as_path());
        let text = RichText::new(line).size(LARGE);
        if ui.selectable_label(playing, text).tip("sos-call").clicked() {
            play = Some(index);
        }
    }
    if let Some(index) = play {
        model.play_entry(index);
    }
}
