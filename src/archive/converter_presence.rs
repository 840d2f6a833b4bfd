//! Whether a converter is at work on a store, told by a file it keeps touching
//! (`STORE/TMP/converter.alive`). With the archive in a bucket the converter works in
//! the recorder's local store, and the outbox must hold PCAP records back until they
//! are converted: a bucket's records are written once, so a PCAP that left first would
//! stay a PCAP. A converter that stops touching the file (killed, crashed) is taken for
//! gone after [`ALIVE_FOR`], and the records move unconverted rather than wait forever;
//! one that ends cleanly removes the file.

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use super::store::Store;

/// How often a converter at work touches its file.
const TOUCH_EVERY: Duration = Duration::from_secs(2);

/// A file untouched for this long means the converter is gone.
pub const ALIVE_FOR: Duration = Duration::from_secs(15);

/// How long a converter waits after it announced itself before it changes a record: an
/// outbox that read a PCAP record's files just before has read them whole by then (the
/// outbox looks at the file before each record it reads).
const SETTLE: Duration = Duration::from_secs(2);

/// What the store says of its converter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// No converter works on this store (none was started, or it ended cleanly).
    None,
    /// A converter touched its file within [`ALIVE_FOR`].
    Working,
    /// A converter's file was last touched this long ago: it died without ending.
    Gone(Duration),
}

fn file(store: &Store) -> PathBuf {
    store.tmp().join("converter.alive")
}

/// What the converter's file says now.
pub fn presence(store: &Store) -> Presence {
    let Ok(modified) = fs::metadata(file(store)).and_then(|m| m.modified()) else {
        return Presence::None;
    };
    // a file from the future (a clock set back) counts as just touched
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or_default();
    if age < ALIVE_FOR {
        Presence::Working
    } else {
        Presence::Gone(age)
    }
}

/// Says (again) that a converter works on `store`.
fn announce(store: &Store) -> std::io::Result<()> {
    fs::create_dir_all(store.tmp())?;
    fs::write(file(store), format!("{}\n", std::process::id()))
}

/// Says that the converter ended cleanly: its records may move as they are.
fn withdraw(store: &Store) {
    let _ = fs::remove_file(file(store));
}

/// A converter's sign of life while it runs: a thread touches the file, and the file
/// goes when this is dropped (a clean end); a killed converter leaves it to grow old.
pub struct SignOfLife {
    done: Arc<AtomicBool>,
    toucher: Option<std::thread::JoinHandle<()>>,
    store: Store,
}

impl SignOfLife {
    /// Announces a converter on `store` and returns once an outbox that was reading a
    /// PCAP record just before has read it whole ([`SETTLE`]).
    pub fn start(store: Store) -> SignOfLife {
        let done = Arc::new(AtomicBool::new(false));
        let (ending, touched) = (done.clone(), store.clone());
        let _ = announce(&store);
        let toucher = std::thread::spawn(move || {
            while !ending.load(Ordering::Relaxed) {
                let _ = announce(&touched);
                let mut waited = Duration::ZERO;
                while waited < TOUCH_EVERY && !ending.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                }
            }
        });
        std::thread::sleep(SETTLE);
        SignOfLife {
            done,
            toucher: Some(toucher),
            store,
        }
    }
}

impl Drop for SignOfLife {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        // the file goes after the last touch, never before it
        if let Some(toucher) = self.toucher.take() {
            let _ = toucher.join();
        }
        withdraw(&self.store);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_converter_is_none_then_working_then_none_after_it_withdraws() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert_eq!(presence(&store), Presence::None);
        announce(&store).unwrap();
        assert_eq!(presence(&store), Presence::Working);
        withdraw(&store);
        assert_eq!(presence(&store), Presence::None);
    }

    #[test]
    fn a_sign_of_life_says_working_while_it_lives_and_none_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let alive = SignOfLife::start(store.clone());
        assert_eq!(presence(&store), Presence::Working);
        drop(alive);
        assert_eq!(presence(&store), Presence::None);
    }

    #[test]
    fn a_file_left_untouched_means_the_converter_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        announce(&store).unwrap();
        let old = SystemTime::now() - ALIVE_FOR - Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(file(&store))
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert!(matches!(presence(&store), Presence::Gone(age) if age >= ALIVE_FOR));
    }
}
