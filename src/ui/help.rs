//! Tooltips and F1 help from one text: a control's tooltip is its text's `.help`
//! (`locales/*.ftl`), and F1 opens that same text in a help window for the control
//! that has the keyboard focus, else the one under the pointer, else the page of the
//! part of the window the pointer is over (the Player, the recorder panel, a setup tab).
//!
//! The window's parts only name their texts; which one F1 shows is decided here, from
//! what the parts reported while the last frame was drawn.

use egui::{Id, Key, Response, RichText};

use crate::lang::{self, t};

/// What the last frame reported, and the page open.
#[derive(Clone, Default)]
struct HelpState {
    focused: Option<String>,
    hovered: Option<String>,
    /// The part under the pointer (or, without a pointer, the last part drawn).
    page: Option<String>,
    /// The help window shows this text.
    open: Option<String>,
}

fn state_id() -> Id {
    Id::unique("callrec-help")
}

fn update(ctx: &egui::Context, f: impl FnOnce(&mut HelpState)) {
    ctx.data_mut(|d| f(d.get_temp_mut_or_default::<HelpState>(state_id())));
}

/// A tooltip from a text's help that F1 also shows.
pub trait Tip {
    /// Shows `id`'s help on hover and offers it to F1 while hovered or focused.
    fn tip(self, id: &str) -> Self;
}

impl Tip for Response {
    fn tip(self, id: &str) -> Response {
        let (hovered, focused) = (self.hovered(), self.has_focus());
        if hovered || focused {
            update(&self.ctx, |s| {
                if hovered {
                    s.hovered = Some(id.to_string());
                }
                if focused {
                    s.focused = Some(id.to_string());
                }
            });
        }
        // the help is formatted only when the tooltip shows, not every frame
        let id = id.to_string();
        self.on_hover_ui(move |ui| {
            ui.label(lang::help(&id));
        })
    }
}

/// Names the part of the window drawn in `rect` (a page id with a `.help`): F1 over it,
/// with no control of its own under the pointer, opens this page.
pub fn part(ui: &egui::Ui, rect: egui::Rect, id: &str) {
    let over = ui
        .ctx()
        .pointer_hover_pos()
        .is_none_or(|p| rect.contains(p));
    if over {
        update(ui.ctx(), |s| s.page = Some(id.to_string()));
    }
}

/// Opens the help window on a text (a "?" button).
pub fn open(ctx: &egui::Context, id: &str) {
    update(ctx, |s| s.open = Some(id.to_string()));
}

/// The text the help window shows, if it is open (tests read it).
pub fn shown(ctx: &egui::Context) -> Option<String> {
    ctx.data(|d| d.get_temp::<HelpState>(state_id()))
        .and_then(|s| s.open)
}

/// Called once a frame by the window's shell, before its parts draw: F1 opens the help
/// for what the last frame reported, Esc or the close button closes it.
pub fn show_window(ctx: &egui::Context) {
    let f1 = ctx.input(|i| i.key_pressed(Key::F1));
    let mut state = HelpState::default();
    update(ctx, |s| {
        if f1 {
            s.open = s
                .focused
                .clone()
                .or_else(|| s.hovered.clone())
                .or_else(|| s.page.clone())
                .or_else(|| Some("help-keys".into()));
        }
        // the parts report again while this frame is drawn
        s.focused = None;
        s.hovered = None;
        s.page = None;
        state = s.clone();
    });
    let Some(id) = state.open else {
        return;
    };
    // Esc closes the help and does nothing else (the Player would stop on it)
    let escape = ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape));
    let mut open = true;
    egui::Window::new(t("help-window"))
        .id(Id::unique("callrec-help-window"))
        .open(&mut open)
        .default_width(460.0)
        .collapsible(false)
        .show(ctx, |ui| {
            ui.heading(t(&id));
            ui.label(lang::help(&id));
            ui.separator();
            ui.label(RichText::new(t("help-more")).weak());
            ui.horizontal_wrapped(|ui| {
                for page in [
                    "help-player",
                    "help-sos",
                    "help-keys",
                    "help-recorder",
                    "help-setup",
                ] {
                    if page != id && ui.link(t(page)).clicked() {
                        update(ctx, |s| s.open = Some(page.to_string()));
                    }
                }
            });
        });
    if !open || escape {
        update(ctx, |s| s.open = None);
    }
}
