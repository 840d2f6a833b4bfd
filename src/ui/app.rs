//! The desktop window: the Player, and above it the recorder's panel when the recorder
//! runs in the same process (`callrec recpath=DIR`).

use std::sync::Arc;

use crate::player::engine::OutputKind;
use crate::player::session::Session;
use crate::recorder::status::{AlarmState, StatusBoard};

use super::player_view::PlayerView;
use super::recorder_panel::RecorderPanel;

struct App {
    view: PlayerView,
    recorder: Option<RecorderPanel>,
    close_after: Option<std::time::Instant>,
    title: String,
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if self
            .close_after
            .is_some_and(|t| std::time::Instant::now() >= t)
        {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(panel) = &mut self.recorder {
                panel.show(ui);
                ui.separator();
            }
            self.view.show(ui);
        });
        // the seed shows the alarm in the window title (taskbar)
        let title = match self.recorder.as_ref().map(|p| &p.shown.alarm) {
            Some(AlarmState::Alarm(_)) => "ALARM — callrec".to_string(),
            _ => "callrec".to_string(),
        };
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

/// Opens the window and returns when it is closed. `recorder` is the status board of a
/// recorder running in this process; `close_after_s` closes the window by itself
/// (screenshots, smoke tests).
pub fn run_window(
    session: Session,
    recorder: Option<Arc<StatusBoard>>,
    close_after_s: Option<f64>,
) -> Result<(), String> {
    let view = PlayerView::new(session, OutputKind::SoundCard);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("callrec")
            .with_inner_size([1100.0, 760.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let close_after =
        close_after_s.map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s));
    eframe::run_native(
        "callrec",
        options,
        Box::new(move |_cc| {
            Ok(Box::new(App {
                view,
                recorder: recorder.map(RecorderPanel::new),
                close_after,
                title: "callrec".into(),
            }))
        }),
    )
    .map_err(|e| e.to_string())
}
