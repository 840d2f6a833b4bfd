//! The licence count, as in the seed: at most N agents are recorded. Agents get a
//! licence in the order they are first recorded, and keep it; the list survives
//! restarts (`STORE/REC/licences.txt`, one extension a line), so the same agents stay
//! licensed. A call of an agent beyond the count is not recorded: it is logged as
//! deleted with the reason, and the SOFTWARE lamp and the master alarm say so (the
//! seed's "license overflow").

use std::io;
use std::path::PathBuf;

use crate::archive::store::{Store, write_atomic};

pub struct LicenceBook {
    limit: usize,
    granted: Vec<String>,
    path: PathBuf,
}

impl LicenceBook {
    /// `limit` 0: no limit (nothing is written).
    pub fn open(store: &Store, limit: usize) -> io::Result<LicenceBook> {
        let path = store.rec().join("licences.txt");
        let granted = match std::fs::read_to_string(&path) {
            Ok(text) => text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(LicenceBook {
            limit,
            granted,
            path,
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// May this agent's call be recorded? Grants a free licence on first use.
    pub fn admit(&mut self, agent: &str) -> io::Result<bool> {
        if self.limit == 0 || self.granted().iter().any(|a| a == agent) {
            return Ok(true);
        }
        // a list made under a larger limit keeps its first `limit` agents
        if self.granted.len() >= self.limit {
            return Ok(false);
        }
        self.granted.push(agent.to_string());
        let mut text = self.granted.join("\n");
        text.push('\n');
        if let Err(e) = write_atomic(&self.path, text.as_bytes()) {
            self.granted.pop();
            return Err(e);
        }
        Ok(true)
    }

    /// The licensed agents, in the order they got their licence.
    pub fn granted(&self) -> &[String] {
        let n = self.granted.len().min(if self.limit == 0 {
            usize::MAX
        } else {
            self.limit
        });
        &self.granted[..n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_agents_keep_their_licences_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.create().unwrap();
        let mut book = LicenceBook::open(&store, 2).unwrap();
        assert!(book.admit("21").unwrap());
        assert!(book.admit("22").unwrap());
        assert!(book.admit("21").unwrap());
        assert!(
            !book.admit("23").unwrap(),
            "the third agent is beyond 2 licences"
        );
        let mut again = LicenceBook::open(&store, 2).unwrap();
        assert!(!again.admit("23").unwrap());
        assert!(again.admit("22").unwrap());
        assert_eq!(again.granted(), ["21", "22"]);
        // fewer licences later: the first ones keep theirs
        let mut fewer = LicenceBook::open(&store, 1).unwrap();
        assert!(fewer.admit("21").unwrap());
        assert!(!fewer.admit("22").unwrap(), "only the first licences count");
        let mut unlimited = LicenceBook::open(&store, 0).unwrap();
        assert!(unlimited.admit("99").unwrap());
    }
}
