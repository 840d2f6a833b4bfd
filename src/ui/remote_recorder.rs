//! A remote Player's view of the recorder it is linked to: the recorder's status
//! (lamps, master alarm, counters, calls in recording, events) fetched once a second
//! into a local board that the recorder panel draws as for a local recorder; RESET and
//! OFF go to the server (which allows them to accounts with the `alarm` right) on a
//! thread of their own, so a slow or gone server never holds the window.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::player::remote::RemoteArchive;
use crate::recorder::status::{Status, StatusBoard};

pub struct RemoteRecorder {
    pub server: Arc<RemoteArchive>,
    pub board: Arc<StatusBoard>,
    /// A status has come at least once (a fileserver never sends one).
    seen: Arc<AtomicBool>,
    /// The outcome of the last RESET or OFF, in words, not yet shown.
    pub outcome: Arc<Mutex<Option<String>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for RemoteRecorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl RemoteRecorder {
    pub fn start(server: Arc<RemoteArchive>) -> RemoteRecorder {
        let this = RemoteRecorder {
            board: Arc::new(StatusBoard::mirror_of(server.base().to_string())),
            server,
            seen: Arc::default(),
            outcome: Arc::default(),
            stop: Arc::default(),
        };
        let (server, board, seen, stop) = (
            this.server.clone(),
            this.board.clone(),
            this.seen.clone(),
            this.stop.clone(),
        );
        let _ = std::thread::Builder::new()
            .name("callrec-remote-status".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match server.recorder_status() {
                        Ok(Some(json)) => {
                            if let Ok(status) = serde_json::from_slice::<Status>(&json) {
                                board.mirror(status);
                                seen.store(true, Ordering::Relaxed);
                            }
                        }
                        Ok(None) => return, // a fileserver: no recorder to show
                        Err(_) => {}        // the LINK lamp tells; the last status stays
                    }
                    std::thread::sleep(Duration::from_secs(1));
                }
            });
        this
    }

    pub fn seen(&self) -> bool {
        self.seen.load(Ordering::Relaxed)
    }

    /// RESET (`None`) or OFF/ON (`Some(off)`) at the server, off the window's thread.
    pub fn alarm(&self, switch: Option<bool>) {
        let (server, outcome) = (self.server.clone(), self.outcome.clone());
        std::thread::spawn(move || {
            let done = match switch {
                None => server.reset_alarm().map(|()| "remote-alarm-reset"),
                Some(true) => server.switch_alarm(true).map(|()| "remote-alarm-off"),
                Some(false) => server.switch_alarm(false).map(|()| "remote-alarm-on"),
            };
            *outcome.lock().unwrap_or_else(|e| e.into_inner()) = Some(match done {
                Ok(id) => crate::lang::t(id),
                Err(e) => crate::lang::tr(
                    "remote-alarm-refused",
                    &[("why", crate::lang::Arg::from(e.to_string()))],
                ),
            });
        });
    }
}
