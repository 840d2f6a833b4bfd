//! The playlist, as in the seed: the chosen records, played one after the other with a
//! beep between two, round again when looping; Next and Prev move through it. A
//! playlist of one record leaves Next and Prev to the list as shown.
//!
//! Records are held by path, not by list position: new calls arriving shift positions.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Playlist {
    pub items: Vec<PathBuf>,
    /// The item playing (or last played).
    pub at: usize,
    /// After the last record, start again with the first.
    pub looping: bool,
}

impl Playlist {
    pub fn new(items: Vec<PathBuf>) -> Playlist {
        Playlist {
            items,
            at: 0,
            looping: false,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// More than one record: the playlist, not the list, decides what comes next.
    pub fn active(&self) -> bool {
        self.items.len() > 1
    }

    pub fn current(&self) -> Option<&Path> {
        self.items.get(self.at).map(PathBuf::as_path)
    }

    /// Where `delta` steps lead (wrapping only when looping), without moving.
    pub fn peek(&self, delta: isize) -> Option<usize> {
        let n = self.items.len() as isize;
        if n == 0 {
            return None;
        }
        let to = self.at as isize + delta;
        if (0..n).contains(&to) {
            Some(to as usize)
        } else if self.looping {
            Some(to.rem_euclid(n) as usize)
        } else {
            None
        }
    }

    /// Moves `delta` steps; the record now current, if there is one.
    pub fn step(&mut self, delta: isize) -> Option<&Path> {
        let to = self.peek(delta)?;
        self.at = to;
        self.current()
    }

    /// Points at `path` when it is in the list (a record clicked while the list plays).
    pub fn seek_to(&mut self, path: &Path) -> bool {
        match self.items.iter().position(|p| p == path) {
            Some(i) => {
                self.at = i;
                true
            }
            None => false,
        }
    }

    /// The seed's "mark record in playlist": keep this one, clear the others.
    pub fn keep_only_current(&mut self) {
        if let Some(current) = self.items.get(self.at).cloned() {
            self.items = vec![current];
            self.at = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(n: usize) -> Playlist {
        Playlist::new((0..n).map(|i| PathBuf::from(format!("r{i}.wav"))).collect())
    }

    #[test]
    fn steps_stop_at_the_ends_unless_looping() {
        let mut p = list(3);
        assert_eq!(p.step(1), Some(Path::new("r1.wav")));
        assert_eq!(p.step(1), Some(Path::new("r2.wav")));
        assert_eq!(p.step(1), None, "the end");
        assert_eq!(p.at, 2);
        p.looping = true;
        assert_eq!(p.step(1), Some(Path::new("r0.wav")));
        assert_eq!(p.step(-1), Some(Path::new("r2.wav")));
        assert!(p.seek_to(Path::new("r1.wav")));
        p.keep_only_current();
        assert_eq!(p.items, vec![PathBuf::from("r1.wav")]);
        assert!(!p.active(), "one record: Next and Prev go by the list");
    }
}
