//! The desktop window around the Player view.

use crate::player::engine::OutputKind;
use crate::player::session::Session;

use super::player_view::PlayerView;

struct PlayerApp {
    view: PlayerView,
    close_after: Option<std::time::Instant>,
}

impl eframe::App for PlayerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if self
            .close_after
            .is_some_and(|t| std::time::Instant::now() >= t)
        {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
        egui::CentralPanel::default().show(ui, |ui| self.view.show(ui));
    }
}

/// Opens the Player window on `store` and returns when it is closed.
/// `close_after_s` closes it by itself (screenshots, smoke tests).
pub fn run_player(session: Session, close_after_s: Option<f64>) -> Result<(), String> {
    let view = PlayerView::new(session, OutputKind::SoundCard);
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("callrec Player")
            .with_inner_size([1000.0, 700.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let close_after =
        close_after_s.map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s));
    eframe::run_native(
        "callrec Player",
        options,
        Box::new(move |_cc| Ok(Box::new(PlayerApp { view, close_after }))),
    )
    .map_err(|e| e.to_string())
}
