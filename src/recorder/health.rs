//! The recorder's own checks, at start and then every half minute, in the seed's order:
//! the store path must be writable (DISK lamp), then the backup path when one is set
//! (BACKUP lamp, "Backup path fails"). A lamp that turns red raises an error (and with
//! it the master alarm); turning green again is logged once.

use std::path::Path;

use super::status::{Lamp, StatusBoard};
use crate::archive::record::Archiver;

/// Writes, syncs and removes a probe file in `dir`.
fn probe(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(".callrec-probe-{}", std::process::id()));
    std::fs::write(&path, b"probe")?;
    std::fs::File::open(&path)?.sync_all()?;
    std::fs::remove_file(&path)
}

/// Runs the checks and sets the lamps; messages only when a lamp changes.
pub fn check(archiver: &Archiver, status: &StatusBoard) {
    let before = status.snapshot().lamps;
    let disk = probe(&archiver.store.rec());
    match (&disk, before.disk) {
        (Err(e), lamp) if lamp != Lamp::Red => {
            status.update(|s| s.lamps.disk = Lamp::Red);
            status.event(
                "error",
                format!("Store path fails: {}: {e}", archiver.store.root.display()),
            );
        }
        (Ok(()), Lamp::Red) => {
            status.update(|s| s.lamps.disk = Lamp::Green);
            status.event("info", "Store path is writable again");
        }
        _ => {}
    }
    let Some(backup) = &archiver.backup else {
        status.update(|s| s.lamps.backup = Lamp::Grey);
        return;
    };
    match (probe(backup), before.backup) {
        (Err(e), lamp) if lamp != Lamp::Red => {
            status.update(|s| s.lamps.backup = Lamp::Red);
            status.event(
                "error",
                format!("Backup path fails: {}: {e}", backup.display()),
            );
        }
        (Ok(()), Lamp::Red) => {
            status.update(|s| s.lamps.backup = Lamp::Green);
            status.event("info", "Backup path is writable again");
        }
        (Ok(()), _) => status.update(|s| s.lamps.backup = Lamp::Green),
        _ => {}
    }
}
