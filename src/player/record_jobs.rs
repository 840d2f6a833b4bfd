//! Changes to records — notes, TAN, copy, move, delete, evidence export — run on a
//! thread of their own, one job per click however many records it covers, so the
//! window never waits for a disk or a server. The model takes the results at its next
//! tick, updates the list and says in words what was done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::catalog::Entry;
use super::model::PlayerModel;
use super::record_ops::{After, RecordOps};
use super::remote::RemoteArchive;
use super::session::Session;
use crate::lang::{Arg, t, tr};

/// What a job does to each of its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordChange {
    Notes(String),
    Tan(String),
    Copy(PathBuf),
    Move(PathBuf),
    Delete,
    Evidence(PathBuf),
}

impl RecordChange {
    /// The word for it in a summary ("Copy: 3 of 3 records").
    fn word(&self) -> String {
        t(match self {
            RecordChange::Notes(_) => "details-save-notes",
            RecordChange::Tan(_) => "details-set-tan",
            RecordChange::Copy(_) => "details-copy",
            RecordChange::Move(_) => "details-move",
            RecordChange::Delete => "details-delete",
            RecordChange::Evidence(_) => "details-evidence",
        })
    }
}

/// What became of one record.
struct Done {
    audio: PathBuf,
    result: Result<After, String>,
    /// A file the change wrote (the moved record, the evidence ZIP).
    written: Option<PathBuf>,
}

/// A finished job.
pub struct JobDone {
    change: RecordChange,
    records: Vec<Done>,
}

/// The jobs under way and the channel their results come back on.
pub struct RecordJobs {
    sender: Sender<JobDone>,
    receiver: Receiver<JobDone>,
    running: usize,
    wake: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl Default for RecordJobs {
    fn default() -> RecordJobs {
        let (sender, receiver) = channel();
        RecordJobs {
            sender,
            receiver,
            running: 0,
            wake: None,
        }
    }
}

impl RecordJobs {
    /// Whether a job is still running (the window shows a spinner and draws again).
    pub fn running(&self) -> bool {
        self.running > 0
    }

    /// Called when a job ends, so that an idle window looks at once.
    pub fn set_wake(&mut self, wake: Arc<dyn Fn() + Send + Sync>) {
        self.wake = Some(wake);
    }

    fn start(
        &mut self,
        session: Session,
        server: Option<Arc<RemoteArchive>>,
        entries: Vec<Entry>,
        change: RecordChange,
    ) {
        self.running += 1;
        let (sender, asked) = (self.sender.clone(), change.clone());
        let wake = self.wake.clone();
        let entries_for_failure: Vec<PathBuf> = entries.iter().map(Entry::audio).collect();
        let spawned = std::thread::Builder::new()
            .name("callrec-record-job".into())
            .spawn(move || {
                let ops = match &server {
                    Some(server) => RecordOps::Remote(server),
                    None => RecordOps::Local(&session),
                };
                let records = entries
                    .iter()
                    .map(|entry| run_one(&ops, entry, &change))
                    .collect();
                let _ = sender.send(JobDone { change, records });
                if let Some(wake) = wake {
                    wake();
                }
            });
        if let Err(e) = spawned {
            // no thread for it: every record of the job is reported as not changed
            let why = e.to_string();
            let records = entries_for_failure
                .into_iter()
                .map(|audio| Done {
                    audio,
                    result: Err(why.clone()),
                    written: None,
                })
                .collect();
            let _ = self.sender.send(JobDone {
                change: asked,
                records,
            });
        }
    }

    fn take(&mut self) -> Vec<JobDone> {
        let done: Vec<JobDone> = self.receiver.try_iter().collect();
        self.running = self.running.saturating_sub(done.len());
        done
    }
}

fn run_one(ops: &RecordOps<'_>, entry: &Entry, change: &RecordChange) -> Done {
    let audio = entry.audio();
    let (result, written) = match change {
        RecordChange::Notes(text) => (ops.write_notes(entry, text), None),
        RecordChange::Tan(tan) => (ops.set_tan(entry, tan), None),
        RecordChange::Copy(dir) => (ops.copy(entry, dir).map(|_| After::Same), None),
        RecordChange::Delete => (ops.delete(entry), None),
        RecordChange::Move(dir) => match ops.move_out(entry, dir) {
            Ok(moved) => (Ok(After::Gone), Some(moved)),
            Err(e) => (Err(e), None),
        },
        RecordChange::Evidence(dir) => match ops.evidence(entry, dir) {
            Ok(zip) => (Ok(After::Same), Some(zip)),
            Err(e) => (Err(e), None),
        },
    };
    Done {
        audio,
        result,
        written,
    }
}

impl PlayerModel {
    /// Starts `change` on the records at `paths` (those the catalog still lists).
    pub fn change_records(&mut self, paths: &[PathBuf], change: RecordChange) {
        let entries: Vec<Entry> = paths
            .iter()
            .filter_map(|p| self.catalog.position(p))
            .map(|i| self.catalog.entries[i].clone())
            .collect();
        if entries.is_empty() {
            return;
        }
        if matches!(change, RecordChange::Move(_) | RecordChange::Delete)
            && entries
                .iter()
                .any(|e| self.shown.loaded.as_deref() == Some(e.audio().as_path()))
        {
            // a record leaving the archive is not held open
            self.engine.eject();
        }
        let server = self.catalog.remote().cloned();
        self.jobs
            .start(self.session.clone(), server, entries, change);
    }

    /// Applies the jobs that have finished: the list follows each change, the status
    /// line says what was done.
    pub(super) fn take_finished_jobs(&mut self) {
        for job in self.jobs.take() {
            for done in &job.records {
                if let Ok(after) = &done.result {
                    self.keep_selection(|model| {
                        model.catalog.after_change(&done.audio, after);
                    });
                    if let After::Renamed(name) = after {
                        // a TAN renames the record: keep it selected under its new name
                        let renamed = done.audio.with_file_name(name);
                        self.selected = self.catalog.position(&renamed).or(self.selected);
                    }
                    if matches!(after, After::Gone) {
                        self.chosen.retain(|p| *p != done.audio);
                    }
                }
            }
            self.apply_filter();
            self.message = Some(summary(&job));
        }
    }
}

/// What the status line says about a finished job.
fn summary(job: &JobDone) -> String {
    let failed = job.records.iter().find_map(|d| d.result.as_ref().err());
    if let [one] = job.records.as_slice() {
        let why = |e: &String| Arg::from(e.as_str());
        let written = || {
            Arg::from(
                one.written
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            )
        };
        return match (&job.change, &one.result) {
            (RecordChange::Notes(_), Ok(_)) => t("msg-notes-saved"),
            (RecordChange::Notes(_), Err(e)) => tr("msg-notes-not-saved", &[("why", why(e))]),
            (RecordChange::Tan(_), Ok(After::Renamed(name))) => {
                tr("msg-tan-set", &[("name", Arg::from(name.as_str()))])
            }
            (RecordChange::Tan(_), Ok(_)) => tr("msg-tan-set", &[("name", Arg::from(""))]),
            (RecordChange::Tan(_), Err(e)) => tr("msg-tan-not-set", &[("why", why(e))]),
            (RecordChange::Copy(dir), Ok(_)) => tr(
                "msg-copied",
                &[("folder", Arg::from(dir.display().to_string()))],
            ),
            (RecordChange::Copy(_), Err(e)) => tr("msg-not-copied", &[("why", why(e))]),
            (RecordChange::Move(_), Ok(_)) => tr("msg-moved", &[("folder", written())]),
            (RecordChange::Move(_), Err(e)) => tr("msg-not-moved", &[("why", why(e))]),
            (RecordChange::Delete, Ok(_)) => t("msg-deleted"),
            (RecordChange::Delete, Err(e)) => tr("msg-not-deleted", &[("why", why(e))]),
            (RecordChange::Evidence(_), Ok(_)) => tr("msg-evidence", &[("file", written())]),
            (RecordChange::Evidence(_), Err(e)) => tr("msg-not-evidence", &[("why", why(e))]),
        };
    }
    let done = job.records.iter().filter(|d| d.result.is_ok()).count();
    let args = [
        ("action", Arg::from(job.change.word())),
        ("done", Arg::from(done)),
        ("n", Arg::from(job.records.len())),
    ];
    match failed {
        None => tr("msg-batch-done", &args),
        Some(why) => {
            let mut args = args.to_vec();
            args.push(("why", Arg::from(why.as_str())));
            tr("msg-batch-failed", &args)
        }
    }
}
