//! The seed's recording modes, applied to a call the rules would keep:
//!
//! - **STD**: every such call is kept.
//! - **TCR** (threat call recording): kept only if the agent marked it during the call
//!   or within a window after it (default 5 minutes); otherwise deleted when the window
//!   has passed. A mark is an HTTP request (`POST /mark?agent=21`) or, as in the seed, a
//!   file `STORE/TMP/TCR-<agent>.txt` that a phone's XML script writes.
//! - **Skip marker**: a file `STORE/TMP/TCA-<agent>_<agent>.txt` present when the call
//!   is decided deletes that agent's call (and is used up).
//! - **Random**: keep every x-th call system-wide and/or every y-th per agent (quality
//!   sampling); the counters survive restarts (`STORE/REC/random.txt`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::archive::store::{Store, write_atomic};

/// Which calls of the kept ones are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Standard,
    /// Threat call recording with this marking window after the call.
    Tcr(Duration),
}

/// Random sampling: keep the 1st of every `system` calls, and of every `agent` calls
/// per agent (0 or 1: no sampling at that level).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sampling {
    pub system: u32,
    pub agent: u32,
}

impl Sampling {
    pub fn active(&self) -> bool {
        self.system > 1 || self.agent > 1
    }
}

/// What the mode says about one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Keep,
    Drop(String),
    /// TCR: the marking window is still open.
    Wait,
}

/// Marks, skip markers and sampling counters, kept on disk.
#[derive(Debug)]
pub struct ModeState {
    tmp: PathBuf,
    marks: PathBuf,
    counters_file: PathBuf,
    counters: BTreeMap<String, u64>,
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Agent numbers are used in file names: keep only what a number may contain.
fn safe(agent: &str) -> Option<String> {
    let kept: String = agent
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-'))
        .take(32)
        .collect();
    (!kept.is_empty() && kept == agent).then_some(kept)
}

impl ModeState {
    pub fn open(store: &Store) -> std::io::Result<ModeState> {
        let marks = store.rec().join("marks");
        std::fs::create_dir_all(&marks)?;
        let counters_file = store.rec().join("random.txt");
        let counters = std::fs::read_to_string(&counters_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                l.split_once('=')
                    .and_then(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
            })
            .collect();
        Ok(ModeState {
            tmp: store.tmp(),
            marks,
            counters_file,
            counters,
        })
    }

    /// Records a TCR mark for `agent` at `when`; `false` for a number that is not one.
    pub fn mark(&self, agent: &str, when: SystemTime) -> std::io::Result<bool> {
        let Some(agent) = safe(agent) else {
            return Ok(false);
        };
        let path = self.marks.join(format!("{agent}-{}.mark", unix(when)));
        write_atomic(&path, b"")?;
        Ok(true)
    }

    /// Turns seed-style marker files `TMP/TCR-<agent>.txt` into marks (time = file time).
    fn collect_marker_files(&self) {
        let Ok(entries) = std::fs::read_dir(&self.tmp) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(agent) = name
                .strip_prefix("TCR-")
                .and_then(|n| n.strip_suffix(".txt"))
            {
                let when = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or_else(|_| SystemTime::now());
                if self.mark(agent, when).unwrap_or(false) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    /// Whether `agent` marked a call between `from` and `to` (Unix seconds).
    fn marked(&self, agent: &str, from: i64, to: i64) -> bool {
        let Ok(entries) = std::fs::read_dir(&self.marks) else {
            return false;
        };
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".mark")
                .and_then(|n| n.rsplit_once('-'))
                .is_some_and(|(a, t)| {
                    a == agent && t.parse::<i64>().is_ok_and(|t| (from..=to).contains(&t))
                })
        })
    }

    /// The skip marker of `agent`, if present.
    pub fn skip_marker(&self, agent: &str) -> Option<PathBuf> {
        let agent = safe(agent)?;
        let path = self.tmp.join(format!("TCA-{agent}_{agent}.txt"));
        path.is_file().then_some(path)
    }

    /// Decides a call of `agent` that started at `start` (Unix s) and lasted `duration` s.
    /// (The skip marker is checked first, by the caller, so that it can be used up.)
    pub fn decide(
        &self,
        mode: Mode,
        agent: &str,
        start: i64,
        duration: i64,
        now: SystemTime,
    ) -> Verdict {
        match mode {
            Mode::Standard => Verdict::Keep,
            Mode::Tcr(window) => {
                self.collect_marker_files();
                let end = start + duration.max(0);
                let until = end + window.as_secs() as i64;
                if self.marked(agent, start, until) {
                    Verdict::Keep
                } else if unix(now) > until {
                    Verdict::Drop("TCR: the call was not marked".into())
                } else {
                    Verdict::Wait
                }
            }
        }
    }

    /// Uses up the skip marker after the call it deleted.
    pub fn consume_skip_marker(&self, agent: &str) {
        if let Some(path) = self.skip_marker(agent) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Counts one call that is to be recorded and says whether sampling keeps it.
    pub fn sample(&mut self, sampling: Sampling, agent: &str) -> std::io::Result<bool> {
        if !sampling.active() {
            return Ok(true);
        }
        let system = self.counters.entry("*".into()).or_insert(0);
        let system_keep =
            sampling.system <= 1 || (*system).is_multiple_of(u64::from(sampling.system));
        *system += 1;
        let mut keep = system_keep;
        if system_keep && sampling.agent > 1 {
            let n = self.counters.entry(agent.to_string()).or_insert(0);
            keep = (*n).is_multiple_of(u64::from(sampling.agent));
            *n += 1;
        }
        let text: String = self
            .counters
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        write_atomic(&self.counters_file, text.as_bytes())?;
        Ok(keep)
    }
}

/// Where marks go when they arrive over HTTP.
pub fn marks_dir(store: &Store) -> PathBuf {
    store.rec().join("marks")
}

/// Removes marks older than `age` (they can no longer mark a call).
pub fn prune_marks(dir: &Path, age: Duration) {
    let limit = unix(SystemTime::now()) - age.as_secs() as i64;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let old = name
                .strip_suffix(".mark")
                .and_then(|n| n.rsplit_once('-'))
                .and_then(|(_, t)| t.parse::<i64>().ok())
                .is_some_and(|t| t < limit);
            if old {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcr_keeps_marked_calls_waits_then_drops_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.create().unwrap();
        let state = ModeState::open(&store).unwrap();
        let tcr = Mode::Tcr(Duration::from_secs(300));
        let start = 1_790_000_000;
        let during = UNIX_EPOCH + Duration::from_secs(start as u64 + 30);
        let soon_after = UNIX_EPOCH + Duration::from_secs(start as u64 + 100);
        let much_later = UNIX_EPOCH + Duration::from_secs(start as u64 + 1000);
        assert_eq!(
            state.decide(tcr, "21", start, 60, soon_after),
            Verdict::Wait
        );
        assert!(matches!(
            state.decide(tcr, "21", start, 60, much_later),
            Verdict::Drop(_)
        ));
        assert!(state.mark("21", during).unwrap());
        assert_eq!(
            state.decide(tcr, "21", start, 60, much_later),
            Verdict::Keep
        );
        assert!(matches!(
            state.decide(tcr, "22", start, 60, much_later),
            Verdict::Drop(_)
        ));
        // the seed's marker file works too, and hostile agent numbers are refused
        std::fs::write(store.tmp().join("TCR-22.txt"), b"x").unwrap();
        assert_eq!(
            state.decide(
                tcr,
                "22",
                start,
                60,
                UNIX_EPOCH + Duration::from_secs(start as u64 + 10)
            ),
            Verdict::Wait
        );
        assert!(!state.mark("../x", during).unwrap());
    }

    #[test]
    fn the_skip_marker_deletes_one_call_and_sampling_counts_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.create().unwrap();
        let mut state = ModeState::open(&store).unwrap();
        std::fs::write(store.tmp().join("TCA-21_21.txt"), b"x").unwrap();
        assert!(state.skip_marker("21").is_some());
        assert!(state.skip_marker("22").is_none());
        state.consume_skip_marker("21");
        assert!(state.skip_marker("21").is_none());
        assert_eq!(
            state.decide(Mode::Standard, "21", 0, 10, SystemTime::now()),
            Verdict::Keep
        );
        let every_third = Sampling {
            system: 3,
            agent: 0,
        };
        let kept: Vec<bool> = (0..4)
            .map(|_| state.sample(every_third, "21").unwrap())
            .collect();
        assert_eq!(kept, [true, false, false, true]);
        let mut again = ModeState::open(&store).unwrap();
        assert_eq!(
            (0..3)
                .map(|_| again.sample(every_third, "21").unwrap())
                .collect::<Vec<_>>(),
            [false, false, true]
        );
        let per_agent = Sampling {
            system: 0,
            agent: 2,
        };
        assert!(again.sample(per_agent, "30").unwrap());
        assert!(!again.sample(per_agent, "30").unwrap());
        assert!(again.sample(per_agent, "31").unwrap());
    }
}
