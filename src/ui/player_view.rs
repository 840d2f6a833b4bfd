//! The Player window: filters, the record list, the transport and the level meters, and
//! SOS (rescue) mode, where everything but the newest calls and one large Play button
//! goes away. Plain state plus `show(ui)`, so the window and the tests draw the same.

use std::time::{Duration, Instant};

use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};

use crate::archive::keyring::KeyRing;
use crate::archive::name::Direction;
use crate::archive::store::Store;
use crate::player::catalog::Catalog;
use crate::player::engine::{Engine, OutputKind, Snapshot};
use crate::player::filter::Filter;

/// How often the list looks for new records.
const REFRESH: Duration = Duration::from_millis(500);

pub struct PlayerView {
    pub catalog: Catalog,
    pub filter: Filter,
    /// The filter in use before SOS mode switched it off.
    saved_filter: Option<Filter>,
    pub sos: bool,
    /// Rows shown, as indexes into the catalog.
    pub rows: Vec<usize>,
    /// Catalog index of the selected record.
    pub selected: Option<usize>,
    pub engine: Engine,
    ring: KeyRing,
    last_refresh: Instant,
    volume: f32,
    muted: bool,
    gains: [f32; 2],
    /// Peak hold per channel and when it was set.
    hold: [(f32, Instant); 2],
    /// The last snapshot drawn (tests read it).
    pub shown: Snapshot,
    day_text: String,
}

impl PlayerView {
    pub fn new(store: &Store, ring: KeyRing, output: OutputKind) -> PlayerView {
        let catalog = Catalog::open(store);
        let mut view = PlayerView {
            catalog,
            filter: Filter::default(),
            saved_filter: None,
            sos: false,
            rows: Vec::new(),
            selected: None,
            engine: Engine::new(output),
            ring,
            last_refresh: Instant::now(),
            volume: 1.0,
            muted: false,
            gains: [1.0, 1.0],
            hold: [(0.0, Instant::now()), (0.0, Instant::now())],
            shown: Snapshot::default(),
            day_text: String::new(),
        };
        view.apply_filter();
        view
    }

    pub fn apply_filter(&mut self) {
        self.rows = self.filter.apply(&self.catalog.entries);
    }

    /// SOS on: filters off, newest on top; off: the previous filter returns.
    pub fn set_sos(&mut self, on: bool) {
        if on == self.sos {
            return;
        }
        self.sos = on;
        if on {
            self.saved_filter = Some(std::mem::replace(&mut self.filter, Filter::sos()));
        } else if let Some(previous) = self.saved_filter.take() {
            self.filter = previous;
        }
        self.apply_filter();
    }

    /// Selects a catalog entry and starts playing it.
    pub fn play_entry(&mut self, index: usize) {
        if let Some(entry) = self.catalog.entries.get(index) {
            self.selected = Some(index);
            self.engine
                .load(entry.audio.clone(), self.ring.clone(), true);
        }
    }

    /// The newest record (SOS: "the last call on top in one click").
    pub fn play_newest(&mut self) {
        if !self.catalog.is_empty() {
            self.play_entry(self.catalog.len() - 1);
        }
    }

    fn refresh(&mut self) {
        if self.last_refresh.elapsed() >= REFRESH {
            self.last_refresh = Instant::now();
            let before = self.catalog.len();
            self.catalog.refresh();
            if self.catalog.len() != before {
                // indexes shift when records arrive: keep the selection on its record
                let selected = self
                    .selected
                    .and_then(|i| self.catalog.entries.get(i).map(|e| e.audio.clone()));
                self.apply_filter();
                self.selected =
                    selected.and_then(|p| self.catalog.entries.iter().position(|e| e.audio == p));
            }
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.refresh();
        self.shown = self.engine.snapshot();
        let snapshot = self.shown.clone();
        ui.horizontal(|ui| {
            let sos_label = if self.sos { "SOS off" } else { "SOS" };
            let sos = egui::Button::new(RichText::new(sos_label).strong().color(Color32::WHITE))
                .fill(if self.sos {
                    Color32::DARK_GRAY
                } else {
                    Color32::from_rgb(190, 30, 30)
                });
            if ui
                .add(sos)
                .on_hover_text("Rescue mode: filters off, newest call on top, one large Play")
                .clicked()
            {
                self.set_sos(!self.sos);
            }
            ui.label(format!(
                "{} records, {} shown",
                self.catalog.len(),
                self.rows.len()
            ));
            if self.engine.output == OutputKind::Null {
                ui.label(RichText::new("no audio device").color(Color32::GRAY));
            }
        });
        if self.sos {
            self.show_sos(ui, &snapshot);
        } else {
            self.show_filters(ui);
        }
        ui.separator();
        self.show_transport(ui, &snapshot);
        ui.separator();
        self.show_table(ui);
        ui.ctx().request_repaint_after(Duration::from_millis(50));
    }

    fn show_sos(&mut self, ui: &mut egui::Ui, snapshot: &Snapshot) {
        let newest = self.catalog.entries.last().map(|e| {
            let n = &e.name;
            format!(
                "{:02}.{:02}. {:02}:{:02}  {} {} {}",
                n.start.day,
                n.start.month,
                n.start.hour,
                n.start.minute,
                n.internal,
                if n.direction == Direction::Incoming {
                    "from"
                } else {
                    "to"
                },
                n.external
            )
        });
        ui.vertical_centered(|ui| {
            ui.label(RichText::new(newest.unwrap_or_else(|| "no calls yet".into())).size(22.0));
            let label = if snapshot.playing {
                "Pause"
            } else {
                "Play last call"
            };
            let button = egui::Button::new(RichText::new(label).size(28.0))
                .min_size(egui::vec2(260.0, 60.0));
            if ui.add(button).on_hover_text("space").clicked() {
                if snapshot.playing {
                    self.engine.pause();
                } else {
                    self.play_newest();
                }
            }
        });
    }

    fn show_filters(&mut self, ui: &mut egui::Ui) {
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            ui.label("Month");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.month)
                        .hint_text("YYYY_MM")
                        .desired_width(70.0),
                )
                .changed();
            ui.label("Day");
            if ui
                .add(
                    egui::TextEdit::singleline(&mut self.day_text)
                        .hint_text("1–31")
                        .desired_width(30.0),
                )
                .changed()
            {
                self.filter.day = self.day_text.trim().parse().ok();
                changed = true;
            }
            ui.label("Internal");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.internal)
                        .hint_text("24, 2*")
                        .desired_width(70.0),
                )
                .on_hover_text("* any digits, ? one digit; a plain number matches as a prefix")
                .changed();
            ui.label("External");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.external)
                        .hint_text("0123*")
                        .desired_width(100.0),
                )
                .on_hover_text("* any digits, ? one digit; a plain number matches as a prefix")
                .changed();
            ui.label("TAN");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.tan)
                        .hint_text("digits")
                        .desired_width(60.0),
                )
                .changed();
            egui::ComboBox::from_label("direction")
                .selected_text(match self.filter.direction {
                    None => "in + out",
                    Some(Direction::Incoming) => "incoming",
                    Some(Direction::Outgoing) => "outgoing",
                })
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.filter.direction, None, "in + out")
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Incoming),
                            "incoming",
                        )
                        .changed();
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.direction,
                            Some(Direction::Outgoing),
                            "outgoing",
                        )
                        .changed();
                });
            changed |= ui
                .checkbox(&mut self.filter.newest_first, "newest on top")
                .changed();
        });
        if changed {
            self.apply_filter();
        }
    }

    fn show_transport(&mut self, ui: &mut egui::Ui, s: &Snapshot) {
        ui.horizontal(|ui| {
            if ui.button("Stop").clicked() {
                self.engine.stop();
            }
            let play_label = if s.playing { "Pause" } else { "Play" };
            // keys work unless a text field is being typed in
            let keys = !ui.ctx().egui_wants_keyboard_input();
            let space = keys && ui.input(|i| i.key_pressed(egui::Key::Space));
            if ui.button(play_label).on_hover_text("space").clicked() || space {
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
            if ui.button("Eject").clicked() {
                self.engine.eject();
            }
            let mut loop_record = s.loop_record;
            if ui.checkbox(&mut loop_record, "loop").changed() {
                self.engine.set_loop_record(loop_record);
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
            ui.label(format!("{} / {}", clock(s.position_s), clock(s.duration_s)));
            if s.loading {
                ui.spinner();
            }
        });
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
                    egui::Slider::new(&mut self.volume, 0.0..=1.0)
                        .text("volume")
                        .show_value(false),
                )
                .changed()
            {
                self.engine.set_volume(self.volume);
            }
            if ui.checkbox(&mut self.muted, "mute").changed() {
                self.engine.set_muted(self.muted);
            }
            for (ch, name) in ["L", "R"].iter().enumerate() {
                if ui
                    .add(
                        egui::Slider::new(&mut self.gains[ch], 0.0..=1.0)
                            .text(*name)
                            .show_value(false),
                    )
                    .on_hover_text("attenuate this channel")
                    .changed()
                {
                    self.engine.set_channel_gain(ch, self.gains[ch]);
                }
            }
        });
        for ch in 0..2 {
            let level = s.peaks[ch];
            if level >= self.hold[ch].0 || self.hold[ch].1.elapsed() > Duration::from_millis(1500) {
                self.hold[ch] = (level, Instant::now());
            }
            let name = if ch == 0 { "L external" } else { "R internal" };
            meter(ui, name, level, self.hold[ch].0, s.overflow[ch]);
        }
        if let Some(e) = &s.error {
            ui.colored_label(Color32::RED, e);
        }
    }

    fn show_table(&mut self, ui: &mut egui::Ui) {
        let rows = self.rows.clone();
        let mut clicked = None;
        // selectable text would take the click that should select the row
        ui.style_mut().interaction.selectable_labels = false;
        TableBuilder::new(ui)
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::auto().at_least(120.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(20.0))
            .column(Column::auto().at_least(110.0))
            .column(Column::auto().at_least(40.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::remainder())
            .header(20.0, |mut h| {
                for title in ["Date", "Internal", "", "External", "Ring", "Size", "TAN"] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(20.0, rows.len(), |mut row| {
                    let index = rows[row.index()];
                    let e = &self.catalog.entries[index];
                    row.set_selected(self.selected == Some(index));
                    let n = &e.name;
                    row.col(|ui| {
                        ui.label(format!(
                            "{:04}-{:02}-{:02} {:02}:{:02}",
                            n.start.year, n.start.month, n.start.day, n.start.hour, n.start.minute
                        ));
                    });
                    row.col(|ui| {
                        ui.label(&n.internal);
                    });
                    row.col(|ui| {
                        let lock = if e.encrypted { " (enc)" } else { "" };
                        ui.label(format!(
                            "{}{lock}",
                            if n.direction == Direction::Incoming {
                                "in"
                            } else {
                                "out"
                            }
                        ));
                    });
                    row.col(|ui| {
                        ui.label(&n.external);
                    });
                    row.col(|ui| {
                        ui.label(format!("{} s", n.time_to_answer_s));
                    });
                    row.col(|ui| {
                        ui.label(format!("{:.1} MB", e.size as f64 / 1e6));
                    });
                    row.col(|ui| {
                        ui.label(n.tan.as_deref().unwrap_or(""));
                    });
                    if row.response().clicked() {
                        clicked = Some(index);
                    }
                });
            });
        if let Some(index) = clicked {
            self.play_entry(index);
        }
    }
}

fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// A horizontal level meter with a peak-hold line and an overflow mark.
fn meter(ui: &mut egui::Ui, name: &str, level: f32, hold: f32, overflow: bool) {
    ui.horizontal(|ui| {
        ui.label(format!("{name:>10}"));
        let (rect, _) = ui.allocate_exact_size(egui::vec2(300.0, 12.0), egui::Sense::hover());
        let painter = ui.painter();
        painter.rect_filled(rect, 2.0, Color32::from_gray(40));
        // dB scale from -60 to 0
        let to_x = |v: f32| {
            let db = 20.0 * v.max(1e-6).log10();
            rect.left() + rect.width() * ((db + 60.0) / 60.0).clamp(0.0, 1.0)
        };
        let fill = egui::Rect::from_min_max(rect.min, egui::pos2(to_x(level), rect.max.y));
        painter.rect_filled(
            fill,
            2.0,
            if level > 0.7 {
                Color32::from_rgb(230, 160, 0)
            } else {
                Color32::from_rgb(40, 180, 60)
            },
        );
        let x = to_x(hold);
        painter.line_segment(
            [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
            (2.0, Color32::WHITE),
        );
        if overflow {
            ui.colored_label(Color32::RED, "OVER");
        }
    });
}
