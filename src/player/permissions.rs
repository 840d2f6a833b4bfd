//! What a Player may do, from its setup (the seed's Permissions tab): copy, delete, edit
//! TANs and notes, and which extensions' calls it shows at all. A supervisor's Player
//! may do everything; an agent's Player may show only that agent's calls and change
//! nothing. The recorder and the command line are not limited by these: they are the
//! administrator's tools.

use super::catalog::Entry;
use super::filter::wildcard;
use crate::archive::setup::Setup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permissions {
    pub copy: bool,
    pub delete: bool,
    pub tan: bool,
    pub notes: bool,
    /// Internal numbers whose calls are shown (`21`, `3*`, `4??`); empty: every call.
    pub extensions: Vec<String>,
}

impl Default for Permissions {
    /// Everything allowed (a Player without a setup, tests).
    fn default() -> Permissions {
        Permissions {
            copy: true,
            delete: true,
            tan: true,
            notes: true,
            extensions: Vec::new(),
        }
    }
}

impl Permissions {
    pub fn from_setup(setup: &Setup) -> Permissions {
        Permissions {
            copy: setup.on("allowcopy"),
            delete: setup.on("allowdelete"),
            tan: setup.on("allowtan"),
            notes: setup.on("allownotes"),
            extensions: setup.list("extensions"),
        }
    }

    /// May this Player show the record? A plain number must match exactly (`21` is not
    /// `210`); `*` and `?` are wildcards.
    pub fn shows(&self, entry: &Entry) -> bool {
        let internal = entry.internal();
        self.extensions.is_empty()
            || self.extensions.iter().any(|e| {
                if e.contains(['*', '?']) {
                    wildcard(e, internal)
                } else {
                    e == internal
                }
            })
    }
}
