//! Marked records, as in the seed: marks of this Player (kept with its preferences)
//! and marks for everyone, in `STORE/TMP/iREC_marks.txt` (one store-relative record
//! name a line), which every Player on the store shows.

use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;

use crate::archive::store::{Store, write_atomic};

const FILE: &str = "iREC_marks.txt";

pub struct SharedMarks {
    path: PathBuf,
    pub names: BTreeSet<String>,
}

impl SharedMarks {
    /// Where a store keeps its marks for everyone.
    pub fn path(store: &Store) -> PathBuf {
        store.tmp().join(FILE)
    }

    /// Reads the store's marks (none yet: empty).
    pub fn load(store: &Store) -> SharedMarks {
        let path = SharedMarks::path(store);
        let names = std::fs::read_to_string(&path)
            .map(|t| {
                t.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        SharedMarks { path, names }
    }

    /// Marks or unmarks a record for everyone. The file is read again first, so marks
    /// other Players set meanwhile are kept.
    pub fn set(&mut self, record: &str, marked: bool) -> io::Result<()> {
        let store_marks = std::fs::read_to_string(&self.path).unwrap_or_default();
        let mut names: BTreeSet<String> = store_marks
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        if marked {
            names.insert(record.to_string());
        } else {
            names.remove(record);
        }
        let mut text: String = names.iter().map(|n| format!("{n}\n")).collect();
        if text.is_empty() {
            text.push('\n');
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        write_atomic(&self.path, text.as_bytes())?;
        self.names = names;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_of_two_players_on_one_store_add_up() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let mut a = SharedMarks::load(&store);
        let mut b = SharedMarks::load(&store);
        a.set("2026_11/x.wav", true).unwrap();
        b.set("2026_11/y.wav", true).unwrap();
        let both = SharedMarks::load(&store);
        assert_eq!(both.names.len(), 2);
        a.set("2026_11/y.wav", false).unwrap();
        assert_eq!(
            SharedMarks::load(&store)
                .names
                .into_iter()
                .collect::<Vec<_>>(),
            ["2026_11/x.wav"]
        );
    }
}
