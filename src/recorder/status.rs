//! The recorder's state as the recorder window and `GET /status` show it: lamps,
//! captures waiting for their CDR (with the seed's `P1443` countdown), counters and
//! the latest events. Writers update it under a lock; readers take snapshots.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// How many recent events are kept.
const RECENT: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lamp {
    /// Not configured or nothing seen yet.
    #[default]
    Grey,
    Green,
    Yellow,
    Red,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Lamps {
    /// Live link to the PBX (SOAP); grey until that link exists.
    pub pbx: Lamp,
    /// CDRs arriving: grey until the first, red when captures go without one.
    pub cdr: Lamp,
    /// The capture source (receiver listening, uploads succeeding).
    pub pcap: Lamp,
    /// Writing to the store.
    pub disk: Lamp,
    /// Writing the backup copy; grey without a backup folder.
    pub backup: Lamp,
    pub software: Lamp,
    /// The PBX's clock against this PC's; grey until the first reading.
    pub clock: Lamp,
    /// The link to the external application's server; grey without one.
    pub appserver: Lamp,
    /// ACT: green while the PBX link runs on the main PBX of a redundant pair (the
    /// seed's "the active PBX is used"); grey on the standby, without a link, or
    /// without a standby PBX set up.
    #[serde(default)]
    pub active: Lamp,
    /// STB: yellow while the PBX link runs on the standby PBX (the main one is down);
    /// grey on the main PBX or without a standby.
    #[serde(default)]
    pub standby: Lamp,
    /// S3: moving records into the archive's bucket; grey without one, red while the
    /// bucket refuses them (they wait in the local journal meanwhile).
    #[serde(default)]
    pub bucket: Lamp,
}

/// A capture that waits for its CDR.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Waiting {
    pub capture: String,
    /// Seconds it has waited.
    pub waited_s: u64,
    /// The seed's countdown: `P` and the 5-second steps left before it becomes an orphan.
    pub countdown: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Counters {
    pub captures_received: u64,
    pub partial_uploads: u64,
    pub cdrs_received: u64,
    pub cdrs_duplicate: u64,
    pub archived: u64,
    pub dropped_by_rule: u64,
    pub orphans: u64,
    pub failed: u64,
    /// Backup copies that failed (each retried until made).
    pub backup_failed: u64,
    pub errors: u64,
    /// The seed's check counter: one per look at the journal, back to 0 after 9999.
    pub checks: u64,
    /// Records moved into the archive's bucket since start.
    #[serde(default)]
    pub uploaded: u64,
    /// Records made here and not yet safe in the bucket.
    #[serde(default)]
    pub to_upload: u64,
}

/// A call being recorded: an upload in progress, or a file still growing at a pull source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recording {
    pub capture: String,
    pub since_utc: String,
    /// Seconds since it was first seen.
    pub running_s: u64,
    /// When it was first seen, for `running_s`.
    #[serde(skip)]
    since: Option<Instant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub utc: String,
    pub level: &'static str,
    pub text: String,
}

/// An event as another recorder reported it (a remote Player's mirror); its level
/// becomes one of the three this board writes.
#[derive(Deserialize)]
struct EventWire {
    utc: String,
    level: String,
    text: String,
}

impl<'de> Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Event, D::Error> {
        EventWire::deserialize(d).map(Event::from)
    }
}

impl From<EventWire> for Event {
    fn from(wire: EventWire) -> Event {
        Event {
            utc: wire.utc,
            level: match wire.level.as_str() {
                "error" => "error",
                "warning" => "warning",
                _ => "info",
            },
            text: wire.text,
        }
    }
}

/// The master alarm: latches on the first error once armed, stays until RESET.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AlarmState {
    /// The first seconds after start: errors show, but do not latch yet.
    #[default]
    Arming,
    Ok,
    /// Latched, with the cause.
    Alarm(String),
    /// Switched off by the operator (the seed's OFF: the lamp blinks).
    Off,
}

/// The whole picture at one moment.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Status {
    pub started_utc: String,
    pub listen: String,
    pub lamps: Lamps,
    pub waiting: Vec<Waiting>,
    /// The seed's "channels in recording".
    pub recording: Vec<Recording>,
    /// Captures being archived right now.
    pub archiving: Vec<String>,
    pub counters: Counters,
    /// Store-relative path of the newest record.
    pub last_record: Option<String>,
    pub recent: VecDeque<Event>,
    pub alarm: AlarmState,
    /// Counts the alarms latched since start (each one is e-mailed).
    pub alarms: u64,
    /// The setup dialog is open: the seed stops the recording timers meanwhile.
    pub paused: bool,
}

/// The shared status and a signal for those who watch it (the UI repaints on it).
pub struct StatusBoard {
    status: Mutex<Status>,
    changed: watch::Sender<u64>,
    /// When the alarm is armed (the seed arms it about 20 s after start); `None` for a
    /// mirror of another recorder's board, whose arming is that recorder's.
    armed_at: Option<Instant>,
}

impl StatusBoard {
    pub fn new(listen: String, backup_configured: bool) -> StatusBoard {
        StatusBoard::with_arming(listen, backup_configured, Duration::from_secs(20))
    }

    /// A board whose alarm arms after `arming`.
    pub fn with_arming(listen: String, backup_configured: bool, arming: Duration) -> StatusBoard {
        let status = Status {
            started_utc: now(),
            listen,
            lamps: Lamps {
                backup: if backup_configured {
                    Lamp::Green
                } else {
                    Lamp::Grey
                },
                software: Lamp::Green,
                disk: Lamp::Green,
                ..Lamps::default()
            },
            ..Status::default()
        };
        StatusBoard {
            status: Mutex::new(status),
            changed: watch::channel(0).0,
            armed_at: Some(Instant::now() + arming),
        }
    }

    /// A board that shows another recorder's status as it reports it ([`mirror`]):
    /// it never arms itself, so a recorder that restarted shows "starting up" for as
    /// long as it says so.
    ///
    /// [`mirror`]: StatusBoard::mirror
    pub fn mirror_of(listen: String) -> StatusBoard {
        StatusBoard {
            armed_at: None,
            ..StatusBoard::new(listen, false)
        }
    }

    /// Whether this board's own alarm is armed by now.
    fn armed(&self) -> bool {
        self.armed_at.is_some_and(|at| Instant::now() >= at)
    }

    /// Shows another recorder's status as it reported it (a remote Player's panel).
    pub fn mirror(&self, status: Status) {
        self.update(|s| *s = status);
    }

    /// Changes the status and tells watchers.
    pub fn update(&self, f: impl FnOnce(&mut Status)) {
        {
            let mut status = self.status.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut status);
        }
        self.changed.send_modify(|n| *n += 1);
    }

    /// Records an event (and counts errors).
    pub fn event(&self, level: &'static str, text: impl Into<String>) {
        let text = text.into();
        match level {
            "error" => tracing::error!("{text}"),
            "warning" => tracing::warn!("{text}"),
            _ => tracing::info!("{text}"),
        }
        let armed = self.armed();
        self.update(|s| {
            if armed {
                arm(s);
            }
            if level == "error" {
                s.counters.errors += 1;
                if s.alarm == AlarmState::Ok {
                    s.alarm = AlarmState::Alarm(text.clone());
                    s.alarms += 1;
                }
            }
            s.recent.push_front(Event {
                utc: now(),
                level,
                text,
            });
            s.recent.truncate(RECENT);
        });
    }

    /// Pauses (the setup dialog opened) or resumes the job loop. Uploads and CDRs are
    /// still taken and journalled while paused, so nothing is lost; they are archived
    /// once the dialog closes.
    pub fn set_paused(&self, paused: bool) {
        if self.snapshot().paused == paused {
            return;
        }
        self.update(|s| s.paused = paused);
        self.event(
            "info",
            crate::lang::t(if paused {
                "event-setup-open"
            } else {
                "event-setup-closed"
            }),
        );
    }

    /// A call started recording (upload began, or a growing file appeared at a source).
    pub fn recording_started(&self, capture: &str) {
        let entry = Recording {
            capture: capture.to_string(),
            since_utc: now(),
            running_s: 0,
            since: Some(Instant::now()),
        };
        self.update(|s| {
            if !s.recording.iter().any(|r| r.capture == capture) {
                s.recording.push(entry);
            }
        });
    }

    /// The call's capture is complete (or gone).
    pub fn recording_ended(&self, capture: &str) {
        self.update(|s| s.recording.retain(|r| r.capture != capture));
    }

    /// Reads a part of the status without copying the whole.
    pub fn read<T>(&self, f: impl FnOnce(&Status) -> T) -> T {
        f(&self.status.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn is_paused(&self) -> bool {
        self.status.lock().unwrap_or_else(|e| e.into_inner()).paused
    }

    /// RESET: clears a latched alarm (an alarm that is off stays off).
    pub fn reset_alarm(&self) {
        let armed = self.armed();
        self.update(|s| {
            if matches!(s.alarm, AlarmState::Alarm(_)) {
                s.alarm = if armed {
                    AlarmState::Ok
                } else {
                    AlarmState::Arming
                };
            }
        });
    }

    /// OFF (true) disables the alarm; ON (false) arms it again.
    pub fn set_alarm_off(&self, off: bool) {
        let armed = self.armed();
        self.update(|s| {
            s.alarm = match (off, armed) {
                (true, _) => AlarmState::Off,
                (false, true) => AlarmState::Ok,
                (false, false) => AlarmState::Arming,
            }
        });
    }

    pub fn snapshot(&self) -> Status {
        let mut s = self.status.lock().unwrap_or_else(|e| e.into_inner());
        if self.armed() {
            arm(&mut s);
        }
        for r in &mut s.recording {
            r.running_s = r.since.map_or(0, |at| at.elapsed().as_secs());
        }
        s.clone()
    }

    /// Counts the changes so far (a watcher compares it with the count it saw).
    pub fn version(&self) -> u64 {
        *self.changed.borrow()
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }
}

/// Ends the arming time. A failure reported while arming whose lamp is still red
/// latches the alarm now, with the latest error as its cause: a fault present from
/// the start (a skewed PBX clock, a dead CDR feed) must not stay silent because it
/// was found early.
fn arm(s: &mut Status) {
    if s.alarm != AlarmState::Arming {
        return;
    }
    s.alarm = AlarmState::Ok;
    let l = &s.lamps;
    let red = [
        l.pbx, l.cdr, l.pcap, l.disk, l.backup, l.software, l.clock, l.bucket,
    ]
    .contains(&Lamp::Red);
    if red && let Some(error) = s.recent.iter().find(|e| e.level == "error") {
        s.alarm = AlarmState::Alarm(error.text.clone());
        s.alarms += 1;
    }
}

fn now() -> String {
    let t = jiff::Timestamp::now();
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mirror_shows_the_other_recorders_arming_for_as_long_as_it_reports_it() {
        let board = StatusBoard::mirror_of("remote".into());
        assert!(board.armed_at.is_none(), "a mirror never arms itself");
        board.mirror(Status::default());
        assert_eq!(board.snapshot().alarm, AlarmState::Arming);
        board.mirror(Status {
            alarm: AlarmState::Ok,
            ..Status::default()
        });
        assert_eq!(board.snapshot().alarm, AlarmState::Ok);
    }

    #[test]
    fn the_alarm_latches_after_arming_until_reset_and_off_silences_it() {
        let board = StatusBoard::with_arming("x".into(), false, Duration::from_millis(50));
        board.event("error", "early trouble");
        assert_eq!(board.snapshot().alarm, AlarmState::Arming, "not armed yet");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(board.snapshot().alarm, AlarmState::Ok);
        board.event("info", "fine");
        board.event("error", "disk full");
        board.event("error", "second");
        assert_eq!(
            board.snapshot().alarm,
            AlarmState::Alarm("disk full".into()),
            "the first cause stays"
        );
        assert_eq!(board.snapshot().alarms, 1);
        board.reset_alarm();
        assert_eq!(board.snapshot().alarm, AlarmState::Ok);
        board.set_alarm_off(true);
        board.event("error", "ignored");
        assert_eq!(board.snapshot().alarm, AlarmState::Off);
        board.set_alarm_off(false);
        board.event("error", "again");
        assert_eq!(board.snapshot().alarm, AlarmState::Alarm("again".into()));
        assert_eq!(board.snapshot().alarms, 2);
    }

    #[test]
    fn a_failure_found_while_arming_latches_once_armed_while_its_lamp_is_still_red() {
        let board = StatusBoard::with_arming("x".into(), false, Duration::from_millis(50));
        board.update(|s| s.lamps.clock = Lamp::Red);
        board.event("error", "PBX clock is 10 min ahead");
        board.event("info", "stored a record");
        assert_eq!(board.snapshot().alarm, AlarmState::Arming);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(
            board.snapshot().alarm,
            AlarmState::Alarm("PBX clock is 10 min ahead".into())
        );
        assert_eq!(board.snapshot().alarms, 1, "counted (and mailed) once");
    }
}
