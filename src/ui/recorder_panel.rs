//! The recorder's panel in the app window, as in the seed: lamps (PBX, CDR, PCAP, DISK,
//! BACKUP, SOFTWARE, CLOCK, APP), the status line, the master alarm with RESET and OFF, counters,
//! and in the extended view (`>`) the calls waiting for their CDR, the status pane and
//! the error pane. Clearing a pane clears only the view; "From log" shows the last 30
//! errors read back from the error log, and "Open log folder" opens the folder.

use crate::lang::{Arg, t, tr};
use crate::ui::help::{self, Tip};
use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText};

use super::remote_recorder::RemoteRecorder;
use crate::recorder::status::{AlarmState, Lamp, Status, StatusBoard};

pub struct RecorderPanel {
    pub board: Arc<StatusBoard>,
    pub extended: bool,
    /// Events at or before these times are hidden (the panes' Clear buttons).
    cleared_status: Option<String>,
    cleared_errors: Option<String>,
    /// The last snapshot drawn (the window title and tests read it).
    pub shown: Status,
    /// Where the error and trace logs are (the setup folder).
    pub log_dir: Option<PathBuf>,
    /// The error pane shows the error log's last lines instead of this run's errors.
    pub from_log: Option<Vec<String>>,
    /// "Setup…" was pressed; the window opens the dialog.
    pub wants_setup: bool,
    /// Why the log folder could not be opened.
    pub open_failure: Option<String>,
    /// The recorder is on another PC (a remote Player): RESET and OFF go to it.
    pub remote: Option<RemoteRecorder>,
    /// What the remote recorder said to the last RESET or OFF.
    pub remote_notice: Option<String>,
}

/// Errors read back from the log for the error pane (the seed's "last 30").
const FROM_LOG: usize = 30;

fn lamp_colour(lamp: Lamp) -> Color32 {
    match lamp {
        Lamp::Grey => Color32::from_gray(90),
        Lamp::Green => Color32::from_rgb(40, 180, 60),
        Lamp::Yellow => Color32::from_rgb(230, 180, 0),
        Lamp::Red => Color32::from_rgb(220, 40, 40),
    }
}

impl RecorderPanel {
    pub fn new(board: Arc<StatusBoard>) -> RecorderPanel {
        RecorderPanel {
            board,
            extended: false,
            cleared_status: None,
            cleared_errors: None,
            shown: Status::default(),
            log_dir: None,
            from_log: None,
            wants_setup: false,
            open_failure: None,
            remote: None,
            remote_notice: None,
        }
    }

    /// The panel of a recorder on another PC, as a remote Player shows it.
    pub fn remote(remote: RemoteRecorder) -> RecorderPanel {
        let board = remote.board.clone();
        RecorderPanel {
            remote: Some(remote),
            ..RecorderPanel::new(board)
        }
    }

    /// A panel that can read the error log and open the log folder in `dir`.
    pub fn with_log_dir(board: Arc<StatusBoard>, dir: PathBuf) -> RecorderPanel {
        RecorderPanel {
            log_dir: Some(dir),
            ..RecorderPanel::new(board)
        }
    }

    fn toggle_from_log(&mut self) {
        if self.from_log.take().is_some() {
            return;
        }
        let Some(dir) = &self.log_dir else { return };
        self.from_log = Some(
            match crate::recorder::log_files::last_errors(dir, FROM_LOG) {
                Ok(lines) if lines.is_empty() => vec![t("panel-error-log-empty")],
                Ok(lines) => lines.into_iter().rev().collect(),
                Err(e) => vec![tr(
                    "panel-error-log-unreadable",
                    &[("why", Arg::from(e.to_string()))],
                )],
            },
        );
    }

    fn open_log_folder(&mut self) {
        let Some(dir) = &self.log_dir else { return };
        let opener = if cfg!(target_os = "windows") {
            "explorer"
        } else if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        self.open_failure = std::process::Command::new(opener)
            .arg(dir)
            .spawn()
            .err()
            .map(|e| {
                tr(
                    "panel-folder-not-opened",
                    &[
                        ("folder", Arg::from(dir.display().to_string())),
                        ("why", Arg::from(format!("{opener}: {e}"))),
                    ],
                )
            });
    }

    /// The status line: the alarm's cause, every red lamp, every yellow one, or
    /// "Normal operation" only when no lamp is red or yellow (the alarm may be OFF, and
    /// the line must still tell).
    pub fn status_line(s: &Status) -> String {
        if let AlarmState::Alarm(cause) = &s.alarm {
            return tr("panel-alarm-cause", &[("cause", Arg::from(cause.as_str()))]);
        }
        if s.paused {
            return t("panel-setup-open");
        }
        let lamps = lamps(s);
        let named = |colour: Lamp| -> Vec<String> {
            lamps
                .iter()
                .filter(|(_, _, lamp)| *lamp == colour)
                .map(|(_, id, _)| t(id))
                .collect()
        };
        let (red, yellow) = (named(Lamp::Red), named(Lamp::Yellow));
        let off = if s.alarm == AlarmState::Off {
            t("panel-alarm-switched-off")
        } else {
            String::new()
        };
        if !red.is_empty() {
            let line = tr(
                "panel-failing",
                &[
                    ("parts", Arg::from(red.join(", "))),
                    ("n", Arg::from(red.len())),
                ],
            );
            return format!("{line}{off}");
        }
        if !yellow.is_empty() {
            let line = tr("panel-warning", &[("parts", Arg::from(yellow.join(", ")))]);
            return format!("{line}{off}");
        }
        match s.alarm {
            AlarmState::Arming => t("panel-starting"),
            AlarmState::Off => format!("{}{off}", t("panel-normal")),
            _ => t("panel-normal"),
        }
    }

    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.shown = self.board.snapshot();
        let s = self.shown.clone();
        help::part(ui, ui.max_rect(), "help-recorder");
        ui.horizontal(|ui| {
            let toggle = if self.extended { "<" } else { ">" };
            if ui.button(toggle).tip("panel-extended").clicked() {
                self.extended = !self.extended;
            }
            for (name, _, lamp) in lamps(&s) {
                let (rect, _) =
                    ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(rect.center(), 6.0, lamp_colour(lamp));
                // the lamp's state is spoken too (screen readers, and tests read it)
                let state = format!("{name} {}", t(lamp_name(lamp)));
                ui.label(name)
                    .on_hover_text(&state)
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &state));
            }
            ui.separator();
            let blink = (ui.input(|i| i.time) * 2.0) as i64 % 2 == 0;
            let (alarm_text, colour) = match &s.alarm {
                AlarmState::Alarm(_) => ("panel-alarm", Color32::from_rgb(220, 40, 40)),
                AlarmState::Off if blink => ("panel-alarm-off", Color32::from_rgb(230, 180, 0)),
                AlarmState::Off => ("panel-alarm-off", Color32::from_gray(90)),
                AlarmState::Arming => ("panel-arming", Color32::GRAY),
                AlarmState::Ok => ("panel-no-alarm", Color32::from_rgb(40, 180, 60)),
            };
            ui.label(RichText::new(t(alarm_text)).strong().color(colour));
            if ui.button("RESET").tip("panel-reset").clicked() {
                match &self.remote {
                    Some(remote) => remote.alarm(None),
                    None => self.board.reset_alarm(),
                }
            }
            let off = s.alarm == AlarmState::Off;
            if ui
                .button(if off { "ON" } else { "OFF" })
                .tip("panel-off")
                .clicked()
            {
                match &self.remote {
                    Some(remote) => remote.alarm(Some(!off)),
                    None => self.board.set_alarm_off(!off),
                }
            }
            if let Some(remote) = &self.remote
                && let Some(outcome) = remote
                    .outcome
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
            {
                self.remote_notice = Some(outcome);
            }
            if let Some(notice) = &self.remote_notice {
                ui.label(RichText::new(notice).color(Color32::LIGHT_BLUE));
            }
            if self.log_dir.is_some() {
                ui.separator();
                if ui.button(t("panel-setup")).tip("panel-setup").clicked() {
                    self.wants_setup = true;
                }
            }
        });
        ui.horizontal(|ui| {
            ui.label(RichText::new(Self::status_line(&s)).strong());
            ui.label(tr(
                "panel-counters",
                &[
                    ("check", Arg::from(format!("{:04}", s.counters.checks))),
                    ("recording", Arg::from(s.recording.len())),
                    ("archived", Arg::from(s.counters.archived)),
                    ("dropped", Arg::from(s.counters.dropped_by_rule)),
                    ("orphans", Arg::from(s.counters.orphans)),
                    ("waiting", Arg::from(s.waiting.len())),
                    ("errors", Arg::from(s.counters.errors)),
                    ("listen", Arg::from(s.listen.as_str())),
                ],
            ))
            .tip("panel-counters");
        });
        // the seed's "channels in recording": each call with its start and running time
        for r in s.recording.iter().take(6) {
            ui.add(
                egui::Label::new(tr(
                    "panel-recording",
                    &[
                        ("since", Arg::from(clock(&r.since_utc))),
                        (
                            "running",
                            Arg::from(format!("{}:{:02}", r.running_s / 60, r.running_s % 60)),
                        ),
                        ("capture", Arg::from(r.capture.as_str())),
                    ],
                ))
                .truncate(),
            );
        }
        if s.recording.len() > 6 {
            ui.label(tr("panel-more", &[("n", Arg::from(s.recording.len() - 6))]));
        }
        if !self.extended {
            return;
        }
        ui.columns(3, |cols| {
            cols[0].strong(t("panel-waiting")).tip("panel-waiting");
            for w in s.waiting.iter().take(20) {
                cols[0].add(
                    egui::Label::new(format!("{}  {} s  {}", w.countdown, w.waited_s, w.capture))
                        .truncate(),
                );
            }
            for name in &s.archiving {
                cols[0].add(
                    egui::Label::new(tr("panel-archiving", &[("name", Arg::from(name.as_str()))]))
                        .truncate(),
                );
            }
            cols[1].horizontal(|ui| {
                ui.strong(t("panel-status"));
                if ui
                    .small_button(t("panel-clear"))
                    .tip("panel-clear")
                    .clicked()
                {
                    self.cleared_status = s.recent.front().map(|e| e.utc.clone());
                }
            });
            for e in s.recent.iter().take(100) {
                if self.cleared_status.as_ref().is_some_and(|c| e.utc <= *c) {
                    break;
                }
                cols[1]
                    .add(egui::Label::new(format!("{} {}", clock(&e.utc), e.text)).truncate())
                    .on_hover_text(&e.text);
            }
            cols[2].horizontal(|ui| {
                ui.strong(t("panel-errors"));
                if ui
                    .small_button(t("panel-clear"))
                    .tip("panel-clear")
                    .clicked()
                {
                    self.cleared_errors = s
                        .recent
                        .iter()
                        .find(|e| e.level == "error")
                        .map(|e| e.utc.clone());
                    self.from_log = None;
                }
                if self.log_dir.is_some() {
                    let label = if self.from_log.is_some() {
                        t("panel-this-run")
                    } else {
                        t("panel-from-log")
                    };
                    if ui.small_button(label).tip("panel-from-log").clicked() {
                        self.toggle_from_log();
                    }
                    if ui
                        .small_button(t("panel-open-log-folder"))
                        .tip("panel-open-log-folder")
                        .clicked()
                    {
                        self.open_log_folder();
                    }
                }
            });
            if let Some(failure) = &self.open_failure {
                cols[2].colored_label(Color32::from_rgb(220, 80, 80), failure);
            }
            if let Some(lines) = &self.from_log {
                for line in lines {
                    cols[2]
                        .add(
                            egui::Label::new(
                                RichText::new(line).color(Color32::from_rgb(220, 80, 80)),
                            )
                            .truncate(),
                        )
                        .on_hover_text(line);
                }
                return;
            }
            for e in s.recent.iter().filter(|e| e.level == "error").take(100) {
                if self.cleared_errors.as_ref().is_some_and(|c| e.utc <= *c) {
                    break;
                }
                let line = RichText::new(format!("{} {}", clock(&e.utc), e.text))
                    .color(Color32::from_rgb(220, 80, 80));
                cols[2]
                    .add(egui::Label::new(line).truncate())
                    .on_hover_text(&e.text);
            }
        });
    }
}

/// Every lamp: its short name on the panel (the seed's), the id of its name in the
/// status line, and its state.
fn lamps(s: &Status) -> [(&'static str, &'static str, Lamp); 11] {
    [
        ("PBX", "panel-lamp-pbx", s.lamps.pbx),
        ("CDR", "panel-lamp-cdr", s.lamps.cdr),
        ("PCAP", "panel-lamp-pcap", s.lamps.pcap),
        ("DISK", "panel-lamp-disk", s.lamps.disk),
        ("BACKUP", "panel-lamp-backup", s.lamps.backup),
        ("SOFTWARE", "panel-lamp-software", s.lamps.software),
        ("CLOCK", "panel-lamp-clock", s.lamps.clock),
        ("APP", "panel-lamp-appserver", s.lamps.appserver),
        ("ACT", "panel-lamp-active", s.lamps.active),
        ("STB", "panel-lamp-standby", s.lamps.standby),
        ("S3", "panel-lamp-bucket", s.lamps.bucket),
    ]
}

fn lamp_name(lamp: Lamp) -> &'static str {
    match lamp {
        Lamp::Grey => "panel-grey",
        Lamp::Green => "panel-green",
        Lamp::Yellow => "panel-yellow",
        Lamp::Red => "panel-red",
    }
}

/// `HH:MM:SS` of an RFC 3339 time.
fn clock(utc: &str) -> &str {
    utc.get(11..19).unwrap_or(utc)
}

/// Draws the window again when the recorder's status changes, and once a second while
/// its panel shows something that runs (calls in recording, captures waiting, the
/// arming time, the blinking OFF): an idle window otherwise draws only when woken.
/// The thread ends when `stop` is set.
pub fn repaint_on_changes(
    board: Arc<StatusBoard>,
    ctx: egui::Context,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let _ = std::thread::Builder::new()
        .name("callrec-panel-watch".into())
        .spawn(move || {
            let mut seen = board.version();
            let mut last = std::time::Instant::now();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(250));
                let now = board.version();
                let running = board.read(|s| {
                    !s.recording.is_empty()
                        || !s.waiting.is_empty()
                        || matches!(s.alarm, AlarmState::Arming | AlarmState::Off)
                });
                if now != seen || (running && last.elapsed().as_secs() >= 1) {
                    seen = now;
                    last = std::time::Instant::now();
                    ctx.request_repaint();
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_names_every_red_and_yellow_lamp_even_with_the_alarm_off() {
        crate::lang::with_language(crate::lang::Language::English, status_line_names_lamps);
    }

    #[test]
    fn the_status_line_speaks_german() {
        let mut s = Status::default();
        s.lamps.disk = Lamp::Red;
        let line = crate::lang::with_language(crate::lang::Language::German, || {
            RecorderPanel::status_line(&s)
        });
        assert_eq!(line, "DISK gestört");
    }

    fn status_line_names_lamps() {
        let mut s = Status {
            alarm: AlarmState::Off,
            ..Status::default()
        };
        s.lamps.software = Lamp::Red;
        s.lamps.pbx = Lamp::Red;
        let line = RecorderPanel::status_line(&s);
        assert!(
            line.contains("PBX link") && line.contains("SOFTWARE"),
            "{line}"
        );
        assert!(!line.contains("Normal"), "{line}");
        s.lamps = Default::default();
        s.lamps.cdr = Lamp::Yellow;
        assert_eq!(
            RecorderPanel::status_line(&s),
            "Warning: CDR feed (alarm switched OFF)"
        );
        s.lamps = Default::default();
        s.alarm = AlarmState::Ok;
        assert_eq!(RecorderPanel::status_line(&s), "Normal operation");
    }
}
