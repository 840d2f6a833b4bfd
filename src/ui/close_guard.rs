//! Asks before the window takes the recorder with it. On a one-PC site the window is
//! the recorder: closing it stops the uploads and CDRs from being taken, so a close
//! while the recorder runs is held and a dialog says what stops. With the setup's
//! `keeprecording=on` the window closes at once and the recorder goes on without it.

use crate::lang::t;

/// What closing the window does to the recorder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClose {
    /// The recorder stops with the window: ask first.
    StopRecording,
    /// The recorder keeps running after the window is gone.
    KeepRecording,
}

/// Holds a close request until the operator confirms it.
#[derive(Debug)]
pub struct CloseGuard {
    on_close: OnClose,
    asking: bool,
    /// The operator confirmed: the next close request passes.
    confirmed: bool,
}

impl CloseGuard {
    pub fn new(on_close: OnClose) -> CloseGuard {
        CloseGuard {
            on_close,
            asking: false,
            confirmed: false,
        }
    }

    /// The operator has agreed to stop the recorder.
    pub fn confirmed(&self) -> bool {
        self.confirmed
    }

    /// Holds a close request and shows the question; call once a frame.
    pub fn show(&mut self, ctx: &egui::Context) {
        let requested = ctx.input(|i| i.viewport().close_requested());
        if requested && self.on_close == OnClose::StopRecording && !self.confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.asking = true;
        }
        if !self.asking {
            return;
        }
        let modal = egui::Modal::new(egui::Id::unique("close the recorder")).show(ctx, |ui| {
            ui.set_max_width(440.0);
            ui.heading(t("close-question"));
            ui.label(t("close-explained"));
            ui.label(t("close-how-to-keep"));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(t("close-keep")).clicked() {
                    self.asking = false;
                }
                if ui.button(t("close-stop")).clicked() {
                    self.asking = false;
                    self.confirmed = true;
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
        });
        if modal.should_close() {
            // Escape or a click beside the dialog: the safe answer
            self.asking = false;
        }
    }
}
