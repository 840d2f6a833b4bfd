//! The transport: Stop/Play/Pause, skips, playlist, loops (whole record and a free
//! A–B selection), memories, the times (elapsed or count-down, and the call's original
//! wall-clock time), the waveform and the level meters with the audio settings.

use std::time::{Duration, Instant};

use egui::Color32;

use crate::lang::{Arg, t, tr};
use crate::player::engine::Snapshot;
use crate::player::preferences::{AUDIO_SLOTS, MEMORIES};
use crate::player::wall_clock::{clock_text, wall_clock_at};
use crate::ui::help::Tip;

use super::PlayerView;
use super::widgets::{WaveformInput, clock, delta_db, delta_meter, meter, waveform};

impl PlayerView {
    pub(super) fn show_transport(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        self.show_buttons(ui, s);
        self.show_memories_and_loops(ui, s);
        self.show_position(ui, s);
        self.show_audio(ui, s);
    }

    /// Whether `k` was pressed and no text field takes the keyboard.
    fn key(ctx: &egui::Context, k: egui::Key) -> bool {
        !ctx.egui_wants_keyboard_input()
            && ctx.input(|i| i.key_pressed(k) && !i.modifiers.ctrl && !i.modifiers.alt)
    }

    fn show_buttons(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal(|ui| {
            let ctx = ui.ctx().clone();
            let key = |k| Self::key(&ctx, k);
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
                self.engine.stop();
            }
            let play_label = if s.playing {
                t("player-pause")
            } else {
                t("player-play")
            };
            let played = ui.button(play_label).tip("player-play").clicked() || space;
            self.show_remote_play(ui);
            if played {
                self.toggle_play(s);
            }
            if ui.button(t("player-back")).tip("player-back").clicked() || left {
                self.engine.skip_s(-5.0);
            }
            if ui
                .button(t("player-forward"))
                .tip("player-forward")
                .clicked()
                || right
            {
                self.engine.skip_s(5.0);
            }
            if ui.button(t("player-prev")).tip("player-prev").clicked() || up {
                self.step(-1);
            }
            if ui.button(t("player-next")).tip("player-next").clicked() || down {
                self.step(1);
            }
            if ui.button(t("player-eject")).tip("player-eject").clicked() || eject {
                self.engine.eject();
            }
            ui.checkbox(&mut self.continuous, t("player-continue"))
                .tip("player-continue");
            ui.separator();
            if ui.button(t("player-all")).tip("player-all").clicked() {
                self.chosen = self.shown_paths(0..=usize::MAX);
            }
            let list_label = tr("player-playlist", &[("n", Arg::from(self.chosen.len()))]);
            if ui
                .add_enabled(self.chosen.len() >= 2, egui::Button::new(list_label))
                .tip("player-playlist")
                .clicked()
            {
                self.play_chosen();
            }
            ui.checkbox(&mut self.playlist.looping, t("player-loop-list"))
                .tip("player-loop-list");
            if self.playlist.active()
                && ui
                    .button(t("player-keep-only"))
                    .tip("player-keep-only")
                    .clicked()
            {
                self.playlist.keep_only_current();
                self.chosen = self.playlist.items.clone();
            }
            if s.loading {
                ui.spinner();
            }
        });
    }

    /// Play/Pause: pauses, goes on, or starts the selected (else the first) record.
    pub(super) fn toggle_play(&mut self, s: &Snapshot) {
        self.remote_play = false;
        if s.playing {
            self.engine.pause();
        } else if s.loaded.is_some() {
            self.engine.play();
        } else if let Some(i) = self.selected.or_else(|| self.rows.first().copied()) {
            self.play_entry(i);
        }
    }

    /// The record loop, the free A–B selection (A and B keys, or a drag on the waveform)
    /// and the memory positions.
    fn show_memories_and_loops(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal_wrapped(|ui| {
            let ctx = ui.ctx().clone();
            let key = |k| Self::key(&ctx, k);
            let mut loop_record = s.loop_record;
            if ui
                .checkbox(&mut loop_record, t("player-loop"))
                .tip("player-loop")
                .changed()
            {
                self.engine.set_loop_record(loop_record);
            } else if key(egui::Key::L) {
                self.engine.set_loop_record(!s.loop_record);
            }
            let set_a =
                ui.button(t("player-set-a")).tip("player-set-a").clicked() || key(egui::Key::A);
            let set_b =
                ui.button(t("player-set-b")).tip("player-set-b").clicked() || key(egui::Key::B);
            if set_a {
                self.set_loop_start(s);
            }
            if set_b {
                self.set_loop_end(s);
            }
            let ab = match (s.ab, self.loop_a) {
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
                    s.ab.is_some() || self.loop_a.is_some(),
                    egui::Button::new(t("player-ab-off")),
                )
                .tip("player-ab-off")
                .clicked();
            if off || key(egui::Key::X) {
                self.engine.set_ab(None);
                self.loop_a = None;
            }
            ui.separator();
            let record = self.loaded_record();
            let memories = record
                .as_deref()
                .map(|r| self.prefs.memories_of(r))
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
                    self.use_memory(slot, false);
                }
                if button.secondary_clicked() {
                    self.use_memory(slot, true);
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
                self.start_memory_tour();
            }
        });
    }

    /// A: the selection loop starts here (it plays once B is set after it).
    fn set_loop_start(&mut self, s: &Snapshot) {
        if s.loaded.is_none() {
            return;
        }
        self.loop_a = Some(s.position_s);
        match s.ab {
            Some((_, b)) if b > s.position_s => self.engine.set_ab(Some((s.position_s, b))),
            _ => self.engine.set_ab(None),
        }
    }

    /// B: the selection loop ends here and plays from A (from the record's start when
    /// no A was set, or A was after B).
    fn set_loop_end(&mut self, s: &Snapshot) {
        if s.loaded.is_none() {
            return;
        }
        let a = self
            .loop_a
            .or(s.ab.map(|(a, _)| a))
            .filter(|a| *a < s.position_s)
            .unwrap_or(0.0);
        self.loop_a = Some(a);
        self.engine.set_ab(Some((a, s.position_s)));
        self.engine.seek_s(a);
    }

    /// The times, the waveform (click: go there; drag: select a loop) and the position
    /// slider.
    fn show_position(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal(|ui| {
            // elapsed or count-down, switched with a click (kept between runs)
            let time = if self.prefs.count_down {
                format!(
                    "-{} / {}",
                    clock((s.duration_s - s.position_s).max(0.0)),
                    clock(s.duration_s)
                )
            } else {
                format!("{} / {}", clock(s.position_s), clock(s.duration_s))
            };
            let switch = if self.prefs.count_down {
                "player-time-left"
            } else {
                "player-time-played"
            };
            if ui
                .add(
                    egui::Button::new(egui::RichText::new(time).monospace().size(18.0))
                        .frame(false),
                )
                .tip(switch)
                .clicked()
            {
                self.prefs.count_down = !self.prefs.count_down;
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            if let Some(original) = self.original_time(s) {
                ui.label(egui::RichText::new(original).monospace().size(18.0))
                    .tip("player-original-time");
            }
            if self.playlist.active() {
                ui.label(tr(
                    "player-playlist-at",
                    &[
                        ("at", Arg::from(self.playlist.at + 1)),
                        ("n", Arg::from(self.playlist.len())),
                    ],
                ))
                .tip("player-playlist-at");
            }
        });
        let envelope = self.engine.waveform();
        if s.loaded.is_some() || !envelope.is_empty() {
            let duration = s.duration_s.max(0.01);
            let selection = s.ab.map(|(a, b)| (a / duration, b / duration));
            match waveform(ui, &envelope, s.position_s / duration, selection) {
                WaveformInput::None => {}
                WaveformInput::Seek(fraction) => self.engine.seek_s(fraction * s.duration_s),
                WaveformInput::Select(a, b) => {
                    let (a, b) = (a * s.duration_s, b * s.duration_s);
                    self.loop_a = Some(a);
                    self.engine.set_ab(Some((a, b)));
                    self.engine.seek_s(a);
                }
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
            self.engine.seek_s(f64::from(p));
        }
    }

    /// The call's wall-clock time at the play position, once the record's details
    /// (its start to the second) are read.
    fn original_time(&self, s: &Snapshot) -> Option<String> {
        let details = self.details.current()?;
        if s.loaded.as_deref() != Some(details.audio.as_path()) {
            return None;
        }
        let start = &details.check.metadata.as_ref()?.call.start_local;
        wall_clock_at(start, s.position_s).map(clock_text)
    }

    /// Volume, mute, attenuation, stored setups, level at maximum, the meters.
    fn show_audio(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            changed |= ui
                .add(
                    egui::Slider::new(&mut self.prefs.volume, 0.0..=1.0)
                        .text(t("player-volume"))
                        .show_value(false),
                )
                .tip("player-volume")
                .changed();
            changed |= ui
                .checkbox(&mut self.prefs.muted, t("player-mute"))
                .tip("player-mute")
                .changed();
            for (ch, name) in ["L", "R"].iter().enumerate() {
                changed |= ui
                    .add(
                        egui::Slider::new(&mut self.prefs.gains[ch], 0.0..=1.0)
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
                self.prefs.set_audio(self.prefs.audio_at_maximum());
                changed = true;
            }
            for slot in 0..AUDIO_SLOTS {
                let stored = self.prefs.audio_slots[slot];
                let label = format!("S{}{}", slot + 1, if stored.is_some() { " •" } else { "" });
                let button = ui.button(label).tip("player-audio-slot");
                if button.clicked() {
                    match stored {
                        Some(audio) => self.prefs.set_audio(audio),
                        None => self.prefs.audio_slots[slot] = Some(self.prefs.audio()),
                    }
                    changed = true;
                }
                if button.secondary_clicked() {
                    self.prefs.audio_slots[slot] = None;
                    changed = true;
                }
            }
        });
        if changed {
            self.apply_audio();
        }
        // "sensitive": the meters read 20 dB higher, for quiet lines
        let boost = if self.prefs.sensitive { 10.0 } else { 1.0 };
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
        ui.horizontal(|ui| {
            self.delta_db = delta_db(s.peaks[0], s.peaks[1]);
            delta_meter(ui, self.delta_db);
            if ui
                .checkbox(&mut self.prefs.sensitive, t("player-sensitive"))
                .tip("player-sensitive")
                .changed()
            {
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
        });
        if let Some(e) = &s.error {
            ui.colored_label(Color32::RED, e);
        }
    }

    /// Hands the audio preferences to the engine and saves them soon.
    pub(super) fn apply_audio(&mut self) {
        self.engine.set_volume(self.prefs.volume);
        self.engine.set_muted(self.prefs.muted);
        for (ch, gain) in self.prefs.gains.into_iter().enumerate() {
            self.engine.set_channel_gain(ch, gain);
        }
        self.prefs_dirty.get_or_insert_with(Instant::now);
    }
}
