//! Drawing helpers of the transport: the time, the waveform, the level and delta meters.

use egui::Color32;

use crate::lang::{Arg, t, tr};
use crate::ui::help::Tip;

pub(super) fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// What the user did on the waveform, as fractions (0..=1) of the record.
pub(super) enum WaveformInput {
    None,
    /// A click: play from there.
    Seek(f64),
    /// A drag from one place to another: loop between them (A–B).
    Select(f64, f64),
}

/// Draws the waveform: each column the peak of the left channel upwards and of the
/// right channel downwards from the middle, the played part brighter, a line at the
/// position, the A–B selection shaded. A click seeks, a drag selects a loop.
pub(super) fn waveform(
    ui: &mut egui::Ui,
    envelope: &[[f32; 2]],
    at: f64,
    selection: Option<(f64, f64)>,
) -> WaveformInput {
    let width = (ui.available_width() - 80.0).max(100.0);
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, 44.0), egui::Sense::click_and_drag());
    let response = response.tip("player-waveform");
    let name = t("player-waveform");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &name));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(28));
    let fraction_at = |x: f32| f64::from(((x - rect.left()) / rect.width()).clamp(0.0, 1.0));
    let x_of = |f: f64| rect.left() + rect.width() * f.clamp(0.0, 1.0) as f32;
    // where a drag began (the pointer's press origin is gone by the frame it ends)
    let origin_id = response.id.with("drag-origin");
    if response.drag_started()
        && let Some(p) = ui.input(|i| i.pointer.press_origin())
    {
        ui.data_mut(|d| d.insert_temp(origin_id, fraction_at(p.x)));
    }
    let origin: Option<f64> = ui.data(|d| d.get_temp(origin_id));
    let pointer = ui
        .input(|i| i.pointer.latest_pos())
        .map(|p| fraction_at(p.x));
    let span = origin.zip(pointer).map(|(a, b)| (a.min(b), a.max(b)));
    // a drag under way shows the selection it will make
    let dragging = span.filter(|_| response.dragged());
    if let Some((a, b)) = dragging.or(selection) {
        let shade = egui::Rect::from_x_y_ranges(x_of(a)..=x_of(b), rect.y_range());
        painter.rect_filled(shade, 0.0, Color32::from_rgba_unmultiplied(255, 220, 0, 40));
    }
    let middle = rect.center().y;
    let half = rect.height() / 2.0 - 1.0;
    let played_x = rect.left() + rect.width() * at.clamp(0.0, 1.0) as f32;
    let columns = rect.width().max(1.0) as usize;
    // scaled to the record's loudest moment, so a quiet line still shows its shape
    let loudest = envelope
        .iter()
        .flat_map(|p| p.iter().copied())
        .fold(0f32, f32::max)
        .max(1e-3);
    for x in 0..columns {
        let from = x * envelope.len() / columns;
        let to = ((x + 1) * envelope.len() / columns)
            .max(from + 1)
            .min(envelope.len());
        let [l, r] = envelope[from..to]
            .iter()
            .fold([0f32; 2], |m, p| [m[0].max(p[0]), m[1].max(p[1])]);
        let px = rect.left() + x as f32 + 0.5;
        let played = px <= played_x;
        let (cl, cr) = if played {
            (
                Color32::from_rgb(90, 200, 120),
                Color32::from_rgb(90, 160, 230),
            )
        } else {
            (
                Color32::from_rgb(50, 110, 70),
                Color32::from_rgb(50, 90, 130),
            )
        };
        painter.line_segment(
            [
                egui::pos2(px, middle),
                egui::pos2(px, middle - (l / loudest).sqrt() * half),
            ],
            (1.0, cl),
        );
        painter.line_segment(
            [
                egui::pos2(px, middle),
                egui::pos2(px, middle + (r / loudest).sqrt() * half),
            ],
            (1.0, cr),
        );
    }
    painter.line_segment(
        [
            egui::pos2(played_x, rect.top()),
            egui::pos2(played_x, rect.bottom()),
        ],
        (1.5, Color32::WHITE),
    );
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<f64>(origin_id));
        if let Some((a, b)) = span {
            // a drag of a few pixels is a click that moved
            if (b - a) * f64::from(rect.width()) >= 4.0 {
                return WaveformInput::Select(a, b);
            }
            return pointer.map_or(WaveformInput::None, WaveformInput::Seek);
        }
    }
    match response
        .clicked()
        .then(|| response.interact_pointer_pos())
        .flatten()
    {
        Some(p) => WaveformInput::Seek(fraction_at(p.x)),
        None => WaveformInput::None,
    }
}

/// How much louder the left (external) side is than the right, in dB (negative: the
/// right is louder); 0 when both are silent.
pub fn delta_db(left: f32, right: f32) -> f32 {
    const FLOOR: f32 = 1e-4; // -80 dB: below it a side counts as silent
    if left < FLOOR && right < FLOOR {
        return 0.0;
    }
    (20.0 * (left.max(FLOOR) / right.max(FLOOR)).log10()).clamp(-40.0, 40.0)
}

/// The delta meter (L−R / R−L): a bar from the middle towards the louder side.
pub(super) fn delta_meter(ui: &mut egui::Ui, db: f32) {
    let text = tr("player-delta", &[("db", Arg::from(format!("{db:+.0}")))]);
    ui.label(format!("{:>10}", "L-R"))
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    let (rect, response) = ui.allocate_exact_size(egui::vec2(300.0, 12.0), egui::Sense::hover());
    response.on_hover_text(&text);
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, Color32::from_gray(40));
    let middle = rect.center().x;
    // ±20 dB fills half the bar
    let x = middle - (db / 20.0).clamp(-1.0, 1.0) * rect.width() / 2.0;
    let bar = egui::Rect::from_x_y_ranges(x.min(middle)..=x.max(middle), rect.y_range());
    painter.rect_filled(bar, 2.0, Color32::from_rgb(80, 140, 220));
    painter.line_segment(
        [
            egui::pos2(middle, rect.top()),
            egui::pos2(middle, rect.bottom()),
        ],
        (1.0, Color32::WHITE),
    );
}

/// A horizontal level meter with a peak-hold line and an overflow mark.
pub(super) fn meter(ui: &mut egui::Ui, name: &str, level: f32, hold: f32, overflow: bool) {
    ui.horizontal(|ui| {
        ui.label(format!("{name:>10}"));
        let (rect, response) =
            ui.allocate_exact_size(egui::vec2(300.0, 12.0), egui::Sense::hover());
        // a screen reader hears the level in dB
        let spoken = format!("{name} {:.0} dB", 20.0 * level.max(1e-6).log10());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Meter, true, &spoken));
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
            ui.colored_label(Color32::RED, t("player-over"));
        }
    });
}
