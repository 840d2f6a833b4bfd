//! Drawing helpers of the transport: the time, the waveform, the level and delta meters.

use egui::Color32;

pub(super) fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Draws the waveform: each column the peak of the left channel upwards and of the
/// right channel downwards from the middle, the played part brighter, a line at the
/// position. Returns where (0..=1) it was clicked.
pub(super) fn waveform(ui: &mut egui::Ui, envelope: &[[f32; 2]], at: f64) -> Option<f64> {
    let width = (ui.available_width() - 80.0).max(100.0);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 44.0), egui::Sense::click());
    let response =
        response.on_hover_text("waveform: left channel above, right below; click to go there");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "waveform"));
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, Color32::from_gray(28));
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
    let clicked = response.clicked() || response.dragged();
    clicked
        .then(|| response.interact_pointer_pos())
        .flatten()
        .map(|p| f64::from(((p.x - rect.left()) / rect.width()).clamp(0.0, 1.0)))
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
    let text = format!("delta L-R {db:+.0} dB");
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
