//! The transport: Stop/Play/Pause, skips, playlist, loops (whole record and a free
//! A–B selection), memories, the times (elapsed or count-down, and the call's original
//! wall-clock time), the waveform and the level meters with the audio settings.

use std::time::{Duration, Instant};

use egui::Color32;

use crate::lang::{Arg, t, tr};
use crate::player::engine::Snapshot;
use crate::player::model::PlayerModel;
use crate::player::preferences::{AUDIO_SLOTS, MEMORIES};
use crate::ui::help::Tip;

use super::widgets::{WaveformInput, clock, delta_db, delta_meter, meter, waveform};

/// The transport; it keeps the meters' peak hold (a level and when it was set).
pub(super) struct Transport {
    hold: [(f32, Instant); 2],
}

impl Default for Transport {
    fn default() -> Transport {
        Transport {
            hold: [(0.0, Instant::now()), (0.0, Instant::now())],
        }
    }
}

impl Transport {
    /// Draws the transport; returns the delta meter's reading.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, model: &mut PlayerModel) -> f32 {
        let s = model.shown.clone();
        show_buttons(ui, model, &s);
        show_memories_and_loops(ui, model, &s);
        show_position(ui, model, &s);
        self.show_audio(ui, model, &s)
    }

    /// Volume, mute, attenuation, stored setups, level at maximum, the meters.
    fn show_audio(&mut self, ui: &mut egui::Ui, model: &mut PlayerModel, s: &Snapshot) -> f32 {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let prefs = &mut model.prefs;
            changed |= ui
                .add(
                    egui::Slider::new(&mut prefs.volume, 0.0..=1.0)
                        .text(t("player-volume"))
                        .show_value(false),
                )
                .tip("player-volume")
                .changed();
            changed |= ui
                .checkbox(&mut prefs.muted, t("player-mute"))
                .tip("player-mute")
                .changed();
            for (ch, name) in ["L", "R"].iter().enumerate() {
                changed |= ui
                    .add(
                        egui::Slider::new(&mut prefs.gains[ch], 0.0..=1.0)
                            .text(*name)
                            .show_value(false),
                    )
                    .tip("player-attenuate")
                    .changed();
            }
            if ui
                .button(t("player-maximum"))
                .tip("player-maximum")
                .clicked()
            {
                let maximum = model.prefs.audio_at_maximum();
                model.set_audio(maximum);
            }
            for slot in 0..AUDIO_SLOTS {
                let stored = model.prefs.audio_slots[slot].is_some();
                let label = format!("S{}{}", slot + 1, if stored { " •" } else { "" });
                let button = ui.button(label).tip("player-audio-slot");
                if button.clicked() {
                    model.use_audio_slot(slot, false);
                }
                if button.secondary_clicked() {
                    model.use_audio_slot(slot, true);
                }
            }
        });
        if changed {
            model.apply_audio();
        }
        // "sensitive": the meters read 20 dB higher, for quiet lines
        let boost = if model.prefs.sensitive { 10.0 } else { 1.0 };
        for ch in 0..2 {
            let level = s.peaks[ch];
            if level >= self.hold[ch].0 || self.hold[ch].1.elapsed() > Duration::from_millis(1500) {
                self.hold[ch] = (level, Instant::now());
            }
            let name = if ch == 0 {
                t("player-meter-left")
            } else {
                t("player-meter-right")
            };
            meter(
                ui,
                &name,
                level * boost,
                self.hold[ch].0 * boost,
                s.overflow[ch],
            );
        }
        let delta = delta_db(s.peaks[0], s.peaks[1]);
        ui.horizontal(|ui| {
            delta_meter(ui, delta);
            if ui
                .checkbox(&mut model.prefs.sensitive, t("player-sensitive"))
                .tip("player-sensitive")
                .changed()
            {
                model.prefs_changed();
            }
        });
        if let Some(e) = &s.error {
            ui.colored_label(Color32::RED, e);
        }
        delta
    }
}

/// Whether `k` was pressed (without Ctrl or Alt) and no text field takes the keyboard.
fn key(ctx: &egui::Context, k: egui::Key) -> bool {
    !ctx.egui_wants_keyboard_input()
        && ctx.input(|i| i.key_pressed(k) && !i.modifiers.ctrl && !i.modifiers.alt)
}

fn show_buttons(ui: &mut egui::Ui, model: &mut PlayerModel, s: &Snapshot) {
    ui.horizontal(|ui| {
        let ctx = ui.ctx().clone();
        let key = |k| key(&ctx, k);
        let (esc, space, left, right, up, down, eject) = (
            key(egui::Key::Escape),
            key(egui::Key::Space),
            key(egui::Key::ArrowLeft),
            key(egui::Key::ArrowRight),
            key(egui::Key::ArrowUp),
            key(egui::Key::ArrowDown),
            key(egui::Key::E),
        );
        if ui.button(t("player-stop")).tip("player-stop").clicked() || esc {
            model.engine.stop();
        }
        let play_label = if s.playing {
            t("player-pause")
        } else {
            t("player-play")
        };
        let played = ui.button(play_label).tip("player-play").clicked() || space;
        super::remote::show_remote_play(ui, model);
        if played {
            model.toggle_play();
        }
        if ui.button(t("player-back")).tip("player-back").clicked() || left {
            model.engine.skip_s(-5.0);
        }
        if ui
            .button(t("player-forward"))
            .tip("player-forward")
            .clicked()
            || right
        {
            model.engine.skip_s(5.0);
        }
        if ui.button(t("player-prev")).tip("player-prev").clicked() || up {
            model.step(-1);
        }
        if ui.button(t("player-next")).tip("player-next").clicked() || down {
            model.step(1);
        }
        if ui.button(t("player-eject")).tip("player-eject").clicked() || eject {
            model.engine.eject();
        }
        ui.checkbox(&mut model.continuous, t("player-continue"))
            .tip("player-continue");
        ui.separator();
        if ui.button(t("player-all")).tip("player-all").clicked() {
            model.choose_all();
        }
        let list_label = tr("player-playlist", &[("n", Arg::from(model.chosen.len()))]);
        if ui
            .add_enabled(model.chosen.len() >= 2, egui::Button::new(list_label))
            .tip("player-playlist")
            .clicked()
        {
            model.play_chosen();
        }
        ui.checkbox(&mut model.playlist.looping, t("player-loop-list"))
            .tip("player-loop-list");
        if model.playlist.active()
            && ui
                .button(t("player-keep-only"))
                .tip("player-keep-only")
                .clicked()
        {
            model.keep_only_current();
        }
        if s.loading {
            ui.spinner();
        }
    });
}

/// The record loop, the free A–B selection (A and B keys, or a drag on the waveform)
/// and the memory positions.
fn show_memories_and_loops(ui: &mut egui::Ui, model: &mut PlayerModel, s: &Snapshot) {
    ui.horizontal_wrapped(|ui| {
        let ctx = ui.ctx().clone();
        let key = |k| key(&ctx, k);
        let mut loop_record = s.loop_record;
        if ui
            .checkbox(&mut loop_record, t("player-loop"))
            .tip("player-loop")
            .changed()
        {
            model.engine.set_loop_record(loop_record);
        } else if key(egui::Key::L) {
            model.engine.set_loop_record(!s.loop_record);
        }
        if ui.button(t("player-set-a")).tip("player-set-a").clicked() || key(egui::Key::A) {
            model.set_loop_start();
        }
        if ui.button(t("player-set-b")).tip("player-set-b").clicked() || key(egui::Key::B) {
            model.set_loop_end();
        }
        let ab = match (s.ab, model.loop_a) {
            (Some((a, b)), _) => tr(
                "player-ab-on",
                &[("a", Arg::from(clock(a))), ("b", Arg::from(clock(b)))],
            ),
            (None, Some(a)) => tr("player-ab-from", &[("a", Arg::from(clock(a)))]),
            (None, None) => t("player-ab-none"),
        };
        ui.label(ab);
        let off = ui
            .add_enabled(
                s.ab.is_some() || model.loop_a.is_some(),
                egui::Button::new(t("player-ab-off")),
            )
            .tip("player-ab-off")
            .clicked();
        if off || key(egui::Key::X) {
            model.clear_loop();
        }
        ui.separator();
        let record = model.loaded_record();
        let memories = record
            .as_deref()
            .map(|r| model.prefs.memories_of(r))
            .unwrap_or_default();
        for (slot, memory) in memories.iter().enumerate().take(MEMORIES) {
            let label = match memory {
                Some(at) => format!("M{} {}", slot + 1, clock(*at)),
                None => format!("M{}", slot + 1),
            };
            let button = ui
                .add_enabled(record.is_some(), egui::Button::new(label))
                .tip("player-memory");
            if button.clicked() {
                model.use_memory(slot, false);
            }
            if button.secondary_clicked() {
                model.use_memory(slot, true);
            }
        }
        if ui
            .add_enabled(
                memories.iter().any(Option::is_some),
                egui::Button::new(t("player-memories")),
            )
            .tip("player-memories")
            .clicked()
        {
            model.start_memory_tour();
        }
    });
}

/// The times, the waveform (click: go there; drag: select a loop) and the position
/// slider.
fn show_position(ui: &mut egui::Ui, model: &mut PlayerModel, s: &Snapshot) {
    ui.horizontal(|ui| {
        // elapsed or count-down, switched with a click (kept between runs)
        let time = if model.prefs.count_down {
            format!(
                "-{} / {}",
                clock((s.duration_s - s.position_s).max(0.0)),
                clock(s.duration_s)
            )
        } else {
            format!("{} / {}", clock(s.position_s), clock(s.duration_s))
        };
        let switch = if model.prefs.count_down {
            "player-time-left"
        } else {
            "player-time-played"
        };
        if ui
            .add(egui::Button::new(egui::RichText::new(time).monospace().size(18.0)).frame(false))
            .tip(switch)
            .clicked()
        {
            model.prefs.count_down = !model.prefs.count_down;
            model.prefs_changed();
        }
        if let Some(original) = model.original_time() {
            ui.label(egui::RichText::new(original).monospace().size(18.0))
                .tip("player-original-time");
        }
        if model.playlist.active() {
            ui.label(tr(
                "player-playlist-at",
                &[
                    ("at", Arg::from(model.playlist.at + 1)),
                    ("n", Arg::from(model.playlist.len())),
                ],
            ))
            .tip("player-playlist-at");
        }
    });
    let envelope = model.engine.waveform();
    if s.loaded.is_some() || !envelope.is_empty() {
        let duration = s.duration_s.max(0.01);
        let selection = s.ab.map(|(a, b)| (a / duration, b / duration));
        match waveform(ui, &envelope, s.position_s / duration, selection) {
            WaveformInput::None => {}
            WaveformInput::Seek(fraction) => model.engine.seek_s(fraction * s.duration_s),
            WaveformInput::Select(a, b) => model.select_loop(a * s.duration_s, b * s.duration_s),
        }
    }
    let mut position = s.position_s as f32;
    let duration = s.duration_s.max(0.01) as f32;
    let mut seek = None;
    ui.scope(|ui| {
        ui.spacing_mut().slider_width = (ui.available_width() - 80.0).max(100.0);
        let slider = egui::Slider::new(&mut position, 0.0..=duration)
            .show_value(false)
            .trailing_fill(true)
            .text(t("player-position"));
        if ui.add(slider).tip("player-position").changed() {
            seek = Some(position);
        }
    });
    if let Some(p) = seek {
        model.engine.seek_s(f64::from(p));
    }
}
