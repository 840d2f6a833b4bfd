//! The look of the windows: egui's dark theme, or a high-contrast one for control
//! rooms (black ground, white text, yellow focus and selection, thicker outlines), so
//! that text and the keyboard focus read from across a desk and on a dim screen.

use egui::{Color32, Stroke, Visuals};

/// Puts the normal or the high-contrast look in use (cheap when nothing changes).
pub fn apply(ctx: &egui::Context, high_contrast: bool) {
    let wanted = if high_contrast {
        high_contrast_visuals()
    } else {
        Visuals::dark()
    };
    if ctx.global_style().visuals != wanted {
        ctx.set_visuals(wanted);
    }
}

fn high_contrast_visuals() -> Visuals {
    let mut v = Visuals::dark();
    let focus = Color32::from_rgb(255, 230, 0);
    v.override_text_color = Some(Color32::WHITE);
    v.panel_fill = Color32::BLACK;
    v.window_fill = Color32::BLACK;
    v.extreme_bg_color = Color32::BLACK;
    v.faint_bg_color = Color32::from_gray(30);
    v.window_stroke = Stroke::new(2.0, Color32::WHITE);
    v.selection.bg_fill = Color32::from_rgb(0, 70, 160);
    v.selection.stroke = Stroke::new(2.0, focus);
    v.hyperlink_color = focus;
    for (widget, fill) in [
        (&mut v.widgets.noninteractive, Color32::BLACK),
        (&mut v.widgets.inactive, Color32::from_gray(25)),
        (&mut v.widgets.hovered, Color32::from_gray(55)),
        (&mut v.widgets.active, Color32::from_gray(80)),
        (&mut v.widgets.open, Color32::from_gray(40)),
    ] {
        widget.bg_fill = fill;
        widget.weak_bg_fill = fill;
        widget.bg_stroke = Stroke::new(1.5, Color32::WHITE);
        widget.fg_stroke = Stroke::new(2.0, Color32::WHITE);
    }
    v.widgets.hovered.bg_stroke = Stroke::new(2.5, focus);
    v.widgets.active.bg_stroke = Stroke::new(2.5, focus);
    v
}
