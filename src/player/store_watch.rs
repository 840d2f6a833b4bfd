//! Tells an idle Player window when the store changed, so that it draws only then
//! (and while it plays), instead of many times a second for nothing: a thread looks at
//! the modification times of the store's month folders and of its shared marks twice a
//! second — a few `stat` calls — and wakes the window when one moved.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use crate::archive::store::Store;
use crate::archive::verify::month_folders;

/// How often the store is looked at.
pub const LOOK_EVERY: Duration = Duration::from_millis(500);

/// Stops its thread when dropped.
pub struct StoreWatch {
    stop: Arc<AtomicBool>,
}

impl Drop for StoreWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What the look compares: each month folder with its time, and the marks file's.
fn signature(store: &Store) -> Vec<(std::path::PathBuf, Option<SystemTime>)> {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut seen: Vec<_> = month_folders(store)
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            let t = modified(&m);
            (m, t)
        })
        .collect();
    let marks = crate::player::marks::SharedMarks::path(store);
    let t = modified(&marks);
    seen.push((marks, t));
    seen
}

impl StoreWatch {
    /// Watches `store`; `wake` asks the window to draw.
    pub fn start(store: Store, wake: Arc<dyn Fn() + Send + Sync>) -> StoreWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let _ = std::thread::Builder::new()
            .name("callrec-store-watch".into())
            .spawn(move || {
                let mut last = signature(&store);
                while !stopping.load(Ordering::Relaxed) {
                    std::thread::sleep(LOOK_EVERY);
                    let now = signature(&store);
                    if now != last {
                        last = now;
                        wake();
                    }
                }
            });
        StoreWatch { stop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_new_record_wakes_the_window_and_quiet_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        store.create().unwrap();
        std::fs::create_dir_all(dir.path().join("2026_12")).unwrap();
        let woken = Arc::new(AtomicUsize::new(0));
        let counter = woken.clone();
        let _watch = StoreWatch::start(
            store,
            Arc::new(move || {
                counter.fetch_add(1, Ordering::Relaxed);
            }),
        );
        std::thread::sleep(LOOK_EVERY * 3);
        assert_eq!(woken.load(Ordering::Relaxed), 0, "nothing changed");
        std::fs::write(dir.path().join("2026_12").join("x.wav"), b"a").unwrap();
        std::thread::sleep(LOOK_EVERY * 3);
        assert_eq!(woken.load(Ordering::Relaxed), 1);
    }
}
