//! The desktop windows: the app (the Player, and above it the recorder's panel when the
//! recorder runs in the same process, `callrec recpath=DIR`), and the setup window
//! alone (`callrec setup recpath=DIR`).

use std::path::PathBuf;
use std::sync::Arc;

use crate::archive::setup::Setup;
use crate::player::engine::OutputKind;
use crate::player::remote::RemoteArchive;
use crate::player::remote_control::{RemoteControl, RemoteSetup};
use crate::player::session::Session;
use crate::recorder::status::{AlarmState, StatusBoard};

use super::close_guard::{CloseGuard, OnClose};
use super::player::PlayerView;
use super::recorder_panel::{RecorderPanel, repaint_on_changes};
use super::remote_recorder::RemoteRecorder;
use super::setup_dialog::{NativeFolderPicker, SetupDialog};

/// The recorder running in this process, as the window sees it.
pub struct RecorderLink {
    pub board: Arc<StatusBoard>,
    /// The setup folder: the setup dialog edits it, the logs are in it.
    pub setup_dir: PathBuf,
    /// Whether the recorder stops with the window (then closing asks first).
    pub on_close: OnClose,
}

struct App {
    view: PlayerView,
    recorder: Option<RecorderPanel>,
    setup: Option<SetupDialog>,
    close_after: Option<std::time::Instant>,
    title: String,
    /// Asks before a close stops the recorder; none without a recorder.
    close_guard: Option<CloseGuard>,
    /// A remote Player's recorder, until its first status has come (then its panel).
    remote_recorder: Option<RemoteRecorder>,
    /// Ends the threads that wake the window on the recorder's changes.
    watching: Arc<std::sync::atomic::AtomicBool>,
}

impl App {
    /// Opens the setup dialog over the Player and stops the recorder's timers.
    fn open_setup(&mut self) {
        let Some(panel) = &mut self.recorder else {
            return;
        };
        panel.wants_setup = false;
        let Some(dir) = panel.log_dir.clone() else {
            return;
        };
        match Setup::load(&dir) {
            Ok(setup) => {
                panel.board.set_paused(true);
                self.setup = Some(SetupDialog::new(setup, Box::new(NativeFolderPicker)));
            }
            Err(e) => panel.board.event(
                "error",
                crate::lang::tr(
                    "app-setup-unreadable",
                    &[("why", crate::lang::Arg::from(e.to_string()))],
                ),
            ),
        }
    }

    fn show_setup(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.setup else {
            return;
        };
        egui::Window::new(crate::lang::t("app-setup-window"))
            .collapsible(false)
            .default_size([760.0, 560.0])
            .show(ctx, |ui| dialog.show(ui));
        if dialog.closed {
            self.setup = None;
            if let Some(panel) = &self.recorder {
                panel.board.set_paused(false);
            }
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if self
            .close_after
            .is_some_and(|t| std::time::Instant::now() >= t)
        {
            // a timed close (screenshots, smoke tests) asks nobody
            self.close_guard = None;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else if let Some(t) = self.close_after {
            // an idle window draws seldom: wake up when it is time to close
            ui.ctx()
                .request_repaint_after(t.saturating_duration_since(std::time::Instant::now()));
        }
        if let Some(guard) = &mut self.close_guard {
            guard.show(ui.ctx());
        }
        super::help::show_window(ui.ctx());
        if self
            .remote_recorder
            .as_ref()
            .is_some_and(RemoteRecorder::seen)
            && let Some(remote) = self.remote_recorder.take()
        {
            self.recorder = Some(RecorderPanel::remote(remote));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(panel) = &mut self.recorder {
                panel.show(ui);
                ui.separator();
            }
            self.view.show(ui);
        });
        if self.recorder.as_ref().is_some_and(|p| p.wants_setup) {
            self.open_setup();
        }
        let ctx = ui.ctx().clone();
        self.show_setup(&ctx);
        // the seed shows the alarm in the window title (taskbar)
        let title = match self.recorder.as_ref().map(|p| &p.shown.alarm) {
            Some(AlarmState::Alarm(_)) => "ALARM — callrec".to_string(),
            _ => "callrec".to_string(),
        };
        if title != self.title {
            let alarm = title.starts_with("ALARM");
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            // the seed's warning triangle on the taskbar icon
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Icon(Some(Arc::new(icon(alarm)))));
            self.title = title;
        }
    }
}

/// The window icon, drawn here so no image file is needed: a green disc, or in alarm a
/// red warning triangle, as the seed changes its taskbar icon.
pub fn icon(alarm: bool) -> egui::IconData {
    const SIZE: usize = 32;
    let mut rgba = vec![0u8; SIZE * SIZE * 4];
    for y in 0..SIZE {
        for x in 0..SIZE {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let colour = if alarm {
                // a triangle with its apex at the top centre
                let half_width = (fy - 2.0) * 0.55;
                let inside = (2.0..=30.0).contains(&fy) && (fx - 16.0).abs() <= half_width;
                let mark = (fx - 16.0).abs() <= 1.5
                    && ((10.0..22.0).contains(&fy) || (24.0..27.0).contains(&fy));
                match (inside, mark) {
                    (true, true) => Some([255, 255, 255]),
                    (true, false) => Some([220, 40, 40]),
                    _ => None,
                }
            } else {
                let d = ((fx - 16.0).powi(2) + (fy - 16.0).powi(2)).sqrt();
                (d <= 13.0).then_some([40, 180, 60])
            };
            if let Some([r, g, b]) = colour {
                let i = (y * SIZE + x) * 4;
                rgba[i..i + 4].copy_from_slice(&[r, g, b, 255]);
            }
        }
    }
    egui::IconData {
        rgba,
        width: SIZE as u32,
        height: SIZE as u32,
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // a window closed with the setup open must not leave the recorder paused
        if let Some(panel) = &self.recorder {
            panel.board.set_paused(false);
        }
        self.watching
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

fn close_time(seconds: Option<f64>) -> Option<std::time::Instant> {
    seconds.map(|s| std::time::Instant::now() + std::time::Duration::from_secs_f64(s))
}

/// Opens the window and returns when it is closed. `recorder` is the recorder running
/// in this process; `close_after_s` closes the window by itself (screenshots, smoke tests).
pub fn run_window(
    session: Session,
    recorder: Option<RecorderLink>,
    remote: RemoteSetup,
    close_after_s: Option<f64>,
) -> Result<(), String> {
    let view = PlayerView::new(session, OutputKind::SoundCard);
    open_window(view, recorder, remote, close_after_s, None)
}

/// The Player window on `server`'s archive (a recorder or fileserver on another PC).
pub fn run_remote_window(
    session: Session,
    server: Arc<RemoteArchive>,
    remote: RemoteSetup,
    close_after_s: Option<f64>,
) -> Result<(), String> {
    let view = PlayerView::new_remote(session, server.clone(), OutputKind::SoundCard);
    open_window(
        view,
        None,
        remote,
        close_after_s,
        Some(RemoteRecorder::start(server)),
    )
}

fn open_window(
    mut view: PlayerView,
    recorder: Option<RecorderLink>,
    remote: RemoteSetup,
    close_after_s: Option<f64>,
    remote_recorder: Option<RemoteRecorder>,
) -> Result<(), String> {
    view.popup = remote.popup;
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("callrec")
            .with_icon(Arc::new(icon(false)))
            .with_inner_size([1100.0, 760.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let close_after = close_time(close_after_s);
    let close_guard = recorder.as_ref().map(|r| CloseGuard::new(r.on_close));
    eframe::run_native(
        "callrec",
        options,
        Box::new(move |cc| {
            let watching = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let boards = recorder
                .as_ref()
                .map(|r| r.board.clone())
                .into_iter()
                .chain(remote_recorder.as_ref().map(|r| r.board.clone()));
            for board in boards {
                repaint_on_changes(board, cc.egui_ctx.clone(), watching.clone());
            }
            if !remote.is_empty() {
                let ctx = cc.egui_ctx.clone();
                let (control, problem) =
                    RemoteControl::start(remote, Arc::new(move || ctx.request_repaint()));
                view.model.remote = Some(control);
                if problem.is_some() {
                    view.model.message = problem;
                }
            }
            Ok(Box::new(App {
                view,
                recorder: recorder.map(|r| RecorderPanel::with_log_dir(r.board, r.setup_dir)),
                setup: None,
                close_after,
                title: "callrec".into(),
                close_guard,
                remote_recorder,
                watching,
            }))
        }),
    )
    .map_err(|e| e.to_string())
}

struct SetupApp {
    dialog: SetupDialog,
    close_after: Option<std::time::Instant>,
}

impl eframe::App for SetupApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        super::theme::apply(ui.ctx(), self.dialog.setup.get("contrast") == "high");
        super::help::show_window(ui.ctx());
        egui::CentralPanel::default().show(ui, |ui| self.dialog.show(ui));
        let expired = self
            .close_after
            .is_some_and(|t| std::time::Instant::now() >= t);
        if self.dialog.closed || expired {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else if let Some(t) = self.close_after {
            // nothing else repaints an idle dialog: wake up when it is time to close
            ui.ctx()
                .request_repaint_after(t.saturating_duration_since(std::time::Instant::now()));
        }
    }
}

/// The setup dialog as the only window; leaving it ends the program.
pub fn run_setup_window(setup: Setup, close_after_s: Option<f64>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(format!("callrec setup {}", env!("CARGO_PKG_VERSION")))
            .with_inner_size([820.0, 620.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let dialog = SetupDialog::new(setup, Box::new(NativeFolderPicker));
    let close_after = close_time(close_after_s);
    eframe::run_native(
        "callrec-setup",
        options,
        Box::new(move |_cc| {
            Ok(Box::new(SetupApp {
                dialog,
                close_after,
            }))
        }),
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_icon_is_a_red_triangle_and_the_normal_one_green() {
        let red = |i: &egui::IconData| i.rgba.chunks(4).filter(|p| p[0] > 200 && p[1] < 60).count();
        let green =
            |i: &egui::IconData| i.rgba.chunks(4).filter(|p| p[1] > 150 && p[0] < 60).count();
        let (normal, alarm) = (icon(false), icon(true));
        assert!(green(&normal) > 300 && red(&normal) == 0);
        assert!(red(&alarm) > 200 && green(&alarm) == 0);
        // a triangle: narrow at the top, wide at the bottom
        let row = |y: usize| {
            (0..32)
                .filter(|x| alarm.rgba[(y * 32 + x) * 4 + 3] == 255)
                .count()
        };
        assert!(row(4) < row(28));
    }
}
