//! The transport: Stop/Play/Pause, skips, playlist, loops, memories, the waveform and
//! the level meters with the audio settings.

use std::time::{Duration, Instant};

use egui::Color32;

use crate::player::engine::Snapshot;
use crate::player::preferences::MEMORIES;

use super::PlayerView;
use super::widgets::{clock, delta_db, delta_meter, meter, waveform};

impl PlayerView {
    pub(super) fn show_transport(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal(|ui| {
            // keys work unless a text field is being typed in
            let keys = !ui.ctx().egui_wants_keyboard_input();
            let ctx = ui.ctx().clone();
            let key = |k: egui::Key| keys && ctx.input(|i| i.key_pressed(k));
            if ui.button("Stop").on_hover_text("Esc").clicked() || key(egui::Key::Escape) {
                self.engine.stop();
            }
            let play_label = if s.playing { "Pause" } else { "Play" };
            let space = keys && ui.input(|i| i.key_pressed(egui::Key::Space));
            let played = ui.button(play_label).on_hover_text("space").clicked() || space;
            self.show_remote_play(ui);
            if played {
                self.remote_play = false;
                if s.playing {
                    self.engine.pause();
                } else if s.loaded.is_some() {
                    self.engine.play();
                } else if let Some(i) = self.selected.or_else(|| self.rows.first().copied()) {
                    self.play_entry(i);
                }
            }
            if ui.button("-5 s").on_hover_text("back 5 s (←)").clicked()
                || (keys && ui.input(|i| i.key_pressed(egui::Key::ArrowLeft)))
            {
                self.engine.skip_s(-5.0);
            }
            if ui.button("+5 s").on_hover_text("forward 5 s (→)").clicked()
                || (keys && ui.input(|i| i.key_pressed(egui::Key::ArrowRight)))
            {
                self.engine.skip_s(5.0);
            }
            if ui
                .button("Prev")
                .on_hover_text("the record before: in the playlist, or above in the list (↑)")
                .clicked()
                || key(egui::Key::ArrowUp)
            {
                self.step(-1);
            }
            if ui
                .button("Next")
                .on_hover_text("the record after: in the playlist, or below in the list (↓)")
                .clicked()
                || key(egui::Key::ArrowDown)
            {
                self.step(1);
            }
            if ui.button("Eject").on_hover_text("E").clicked() || key(egui::Key::E) {
                self.engine.eject();
            }
            ui.checkbox(&mut self.continuous, "continue")
                .on_hover_text("when a record ends, play the next one in the list");
            ui.separator();
            if ui
                .button("All")
                .on_hover_text(
                    "choose every record shown (Ctrl-click: one more, Shift-click: a range)",
                )
                .clicked()
            {
                self.chosen = self.shown_paths(0..=usize::MAX);
            }
            let list_label = format!("Play list ({})", self.chosen.len());
            if ui
                .add_enabled(self.chosen.len() >= 2, egui::Button::new(list_label))
                .on_hover_text("play the chosen records one after the other, with a beep between")
                .clicked()
            {
                self.play_chosen();
            }
            ui.checkbox(&mut self.playlist.looping, "loop list")
                .on_hover_text("after the last record of the list, start again");
            if self.playlist.active() {
                ui.label(format!("{}/{}", self.playlist.at + 1, self.playlist.len()));
                if ui
                    .button("Keep only this")
                    .on_hover_text("mark this record: the playlist keeps it and drops the others")
                    .clicked()
                {
                    self.playlist.keep_only_current();
                    self.chosen = self.playlist.items.clone();
                }
            }
            let mut loop_record = s.loop_record;
            if ui
                .checkbox(&mut loop_record, "loop")
                .on_hover_text("play this record again and again (L)")
                .changed()
            {
                self.engine.set_loop_record(loop_record);
            } else if key(egui::Key::L) {
                self.engine.set_loop_record(!s.loop_record);
            }
            let ab_label = match s.ab {
                Some(_) => "A–B off",
                None => "A–B",
            };
            if ui
                .button(ab_label)
                .on_hover_text("loop the next 5 seconds from here; again to stop")
                .clicked()
            {
                match s.ab {
                    Some(_) => self.engine.set_ab(None),
                    None => self
                        .engine
                        .set_ab(Some((s.position_s, (s.position_s + 5.0).min(s.duration_s)))),
                }
            }
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
                "time left of the record; click for the time played"
            } else {
                "time played; click for the time left of the record (count-down)"
            };
            if ui
                .add(egui::Button::new(time).frame(false))
                .on_hover_text(switch)
                .clicked()
            {
                self.prefs.count_down = !self.prefs.count_down;
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            if s.loading {
                ui.spinner();
            }
        });
        ui.horizontal(|ui| {
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
                    .on_hover_text("empty: remember this position; set: play from there; right-click: forget it");
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
                    egui::Button::new("Memories"),
                )
                .on_hover_text("play a few seconds from each memory position in turn (round again with loop)")
                .clicked()
            {
                self.start_memory_tour();
            }
        });
        // the waveform of both channels (left above, right below); a click seeks there
        // the waveform's place is kept while its second read is still going, so that
        // nothing below it jumps when it arrives
        let envelope = self.engine.waveform();
        if (s.loaded.is_some() || !envelope.is_empty())
            && let Some(fraction) = waveform(ui, &envelope, s.position_s / s.duration_s.max(0.01))
        {
            self.engine.seek_s(fraction * s.duration_s);
        }
        let mut position = s.position_s as f32;
        let duration = s.duration_s.max(0.01) as f32;
        let mut seek = None;
        ui.scope(|ui| {
            ui.spacing_mut().slider_width = (ui.available_width() - 80.0).max(100.0);
            let slider = egui::Slider::new(&mut position, 0.0..=duration)
                .show_value(false)
                .trailing_fill(true)
                .text("position");
            if ui.add(slider).changed() {
                seek = Some(position);
            }
        });
        if let Some(p) = seek {
            self.engine.seek_s(f64::from(p));
        }
        ui.horizontal(|ui| {
            if ui
                .add(
                    egui::Slider::new(&mut self.prefs.volume, 0.0..=1.0)
                        .text("volume")
                        .show_value(false),
                )
                .changed()
            {
                self.engine.set_volume(self.prefs.volume);
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            if ui.checkbox(&mut self.prefs.muted, "mute").changed() {
                self.engine.set_muted(self.prefs.muted);
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
            for (ch, name) in ["L", "R"].iter().enumerate() {
                if ui
                    .add(
                        egui::Slider::new(&mut self.prefs.gains[ch], 0.0..=1.0)
                            .text(*name)
                            .show_value(false),
                    )
                    .on_hover_text("attenuate this channel")
                    .changed()
                {
                    self.engine.set_channel_gain(ch, self.prefs.gains[ch]);
                    self.prefs_dirty.get_or_insert_with(Instant::now);
                }
            }
        });
        // "sensitive": the meters read 20 dB higher, for quiet lines
        let boost = if self.prefs.sensitive { 10.0 } else { 1.0 };
        for ch in 0..2 {
            let level = s.peaks[ch];
            if level >= self.hold[ch].0 || self.hold[ch].1.elapsed() > Duration::from_millis(1500) {
                self.hold[ch] = (level, Instant::now());
            }
            let name = if ch == 0 { "L external" } else { "R internal" };
            meter(
                ui,
                name,
                level * boost,
                self.hold[ch].0 * boost,
                s.overflow[ch],
            );
        }
        ui.horizontal(|ui| {
            self.delta_db = delta_db(s.peaks[0], s.peaks[1]);
            delta_meter(ui, self.delta_db);
            if ui
                .checkbox(&mut self.prefs.sensitive, "sensitive")
                .on_hover_text("meters 20 dB more sensitive, for quiet lines")
                .changed()
            {
                self.prefs_dirty.get_or_insert_with(Instant::now);
            }
        });
        if let Some(e) = &s.error {
            ui.colored_label(Color32::RED, e);
        }
    }
}
