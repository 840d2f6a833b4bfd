//! What a Player keeps between runs, in its setup folder (`player-state.json`): the
//! audio settings (volume, mute, left/right attenuation) and up to four memory
//! positions per record (the seed: "stored automatically"). A missing or damaged file
//! is a fresh start, never an error that stops the Player.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::store::write_atomic;

/// Records in the "last played" list.
pub const LAST_PLAYED: usize = 20;
/// Memory positions per record.
pub const MEMORIES: usize = 4;
/// Stored audio settings ("Audio setup can be stored and recalled").
pub const AUDIO_SLOTS: usize = 3;

/// One stored audio setup: what the volume, mute, attenuation and meter controls show.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AudioSetting {
    pub volume: f32,
    pub muted: bool,
    pub gains: [f32; 2],
    pub sensitive: bool,
}
const FILE: &str = "player-state.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    pub volume: f32,
    pub muted: bool,
    pub gains: [f32; 2],
    /// Meters read 20 dB higher, for quiet lines.
    #[serde(default)]
    pub sensitive: bool,
    /// Records marked on this Player (store-relative names).
    #[serde(default)]
    pub marked: std::collections::BTreeSet<String>,
    /// The records last played here, newest first.
    #[serde(default)]
    pub last_played: Vec<String>,
    /// Online search: filters apply as typed and new calls show as they arrive; off,
    /// the list changes only when the user searches (the seed: "can be switched off").
    #[serde(default = "on")]
    pub live: bool,
    /// The time shows what is left of the record (a count-down) instead of what has
    /// played (the seed's elapsed ↔ count-down switch).
    #[serde(default)]
    pub count_down: bool,
    /// The high-contrast theme for control rooms (the setup's `contrast=high` starts
    /// with it; the toolbar switches it).
    #[serde(default)]
    pub high_contrast: bool,
    /// Audio setups stored with S1–S3, recalled with a click.
    #[serde(default)]
    pub audio_slots: [Option<AudioSetting>; AUDIO_SLOTS],
    /// Seconds into the record, by the record's store-relative path.
    pub memories: BTreeMap<String, [Option<f64>; MEMORIES]>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

fn on() -> bool {
    true
}

impl Default for Preferences {
    fn default() -> Preferences {
        Preferences {
            volume: 1.0,
            muted: false,
            gains: [1.0, 1.0],
            sensitive: false,
            marked: std::collections::BTreeSet::new(),
            last_played: Vec::new(),
            live: true,
            high_contrast: false,
            audio_slots: [None; AUDIO_SLOTS],
            count_down: false,
            memories: BTreeMap::new(),
            path: None,
        }
    }
}

impl Preferences {
    /// Loads from `dir` (or starts fresh); `None`: nothing is kept (tests, no setup).
    pub fn load(dir: Option<&Path>) -> Preferences {
        let Some(dir) = dir else {
            return Preferences::default();
        };
        let path = dir.join(FILE);
        let mut prefs: Preferences = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        prefs.volume = prefs.volume.clamp(0.0, 1.0);
        for g in &mut prefs.gains {
            *g = g.clamp(0.0, 1.0);
        }
        prefs.path = Some(path);
        prefs
    }

    /// Writes the file (when there is one); a failure is returned for the status line.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, &text)
    }

    /// Notes a record as just played (the list keeps the last [`LAST_PLAYED`]).
    pub fn played(&mut self, record: &str) {
        self.last_played.retain(|r| r != record);
        self.last_played.insert(0, record.to_string());
        self.last_played.truncate(LAST_PLAYED);
    }

    /// The audio settings in use.
    pub fn audio(&self) -> AudioSetting {
        AudioSetting {
            volume: self.volume,
            muted: self.muted,
            gains: self.gains,
            sensitive: self.sensitive,
        }
    }

    /// Puts stored (or the maximum) audio settings in use.
    pub fn set_audio(&mut self, audio: AudioSetting) {
        self.volume = audio.volume;
        self.muted = audio.muted;
        self.gains = audio.gains;
        self.sensitive = audio.sensitive;
    }

    /// "Audio level at maximum": full volume, no attenuation, not muted (the meter's
    /// sensitivity stays as it is).
    pub fn audio_at_maximum(&self) -> AudioSetting {
        AudioSetting {
            volume: 1.0,
            muted: false,
            gains: [1.0, 1.0],
            sensitive: self.sensitive,
        }
    }

    pub fn memories_of(&self, record: &str) -> [Option<f64>; MEMORIES] {
        self.memories.get(record).copied().unwrap_or_default()
    }

    /// Sets (or with `None` clears) memory `slot` of a record.
    pub fn set_memory(&mut self, record: &str, slot: usize, seconds: Option<f64>) {
        if slot >= MEMORIES {
            return;
        }
        let entry = self.memories.entry(record.to_string()).or_default();
        entry[slot] = seconds;
        if entry.iter().all(Option::is_none) {
            self.memories.remove(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_audio_setup_is_recalled_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Preferences::load(Some(dir.path()));
        p.volume = 0.4;
        p.gains = [0.5, 0.9];
        p.audio_slots[1] = Some(p.audio());
        p.set_audio(p.audio_at_maximum());
        assert_eq!((p.volume, p.gains), (1.0, [1.0, 1.0]));
        p.save().unwrap();
        let mut again = Preferences::load(Some(dir.path()));
        let stored = again.audio_slots[1].expect("slot 2 kept");
        again.set_audio(stored);
        assert_eq!((again.volume, again.gains), (0.4, [0.5, 0.9]));
    }

    #[test]
    fn settings_and_memories_survive_a_restart_and_damage_is_a_fresh_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = Preferences::load(Some(dir.path()));
        p.volume = 0.4;
        p.gains = [1.0, 0.5];
        p.set_memory("2026_11/a.wav", 1, Some(12.5));
        p.save().unwrap();
        let again = Preferences::load(Some(dir.path()));
        assert_eq!(again.volume, 0.4);
        assert_eq!(again.gains, [1.0, 0.5]);
        assert_eq!(
            again.memories_of("2026_11/a.wav"),
            [None, Some(12.5), None, None]
        );
        let mut cleared = again.clone();
        cleared.set_memory("2026_11/a.wav", 1, None);
        assert!(cleared.memories.is_empty());
        std::fs::write(dir.path().join(FILE), b"{ not json").unwrap();
        assert_eq!(Preferences::load(Some(dir.path())).volume, 1.0);
    }
}
