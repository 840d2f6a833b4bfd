//! A bound on the bytes held in memory by work that runs side by side: the outbox
//! uploads many records at once and reads each whole before its put, so a catch-up of
//! four-hour calls (230 MB each) must not hold them all at the same time.

use std::sync::{Condvar, Mutex};

/// Bytes that may be held at once; a share larger than the whole waits until nothing
/// else is held, and then takes it all.
pub struct ByteBudget {
    limit: u64,
    held: Mutex<u64>,
    freed: Condvar,
}

/// A share of a [`ByteBudget`], given back when dropped.
pub struct Share<'a> {
    budget: &'a ByteBudget,
    bytes: u64,
}

impl ByteBudget {
    pub const fn new(limit: u64) -> ByteBudget {
        ByteBudget {
            limit,
            held: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` (at most the whole budget) are free, and holds them.
    pub fn take(&self, bytes: u64) -> Share<'_> {
        let bytes = bytes.min(self.limit);
        let held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let mut held = self
            .freed
            .wait_while(held, |held| *held + bytes > self.limit)
            .unwrap_or_else(|e| e.into_inner());
        *held += bytes;
        Share {
            budget: self,
            bytes,
        }
    }

    /// The bytes held now.
    pub fn held(&self) -> u64 {
        *self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Share<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.held.lock().unwrap_or_else(|e| e.into_inner());
        *held -= self.bytes;
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn shares_never_hold_more_than_the_budget_and_a_huge_one_waits_for_the_rest() {
        let budget = Arc::new(ByteBudget::new(100));
        let most = Arc::new(AtomicU64::new(0));
        std::thread::scope(|scope| {
            for size in [30, 40, 50, 60, 1000, 10, 70] {
                let (budget, most) = (budget.clone(), most.clone());
                scope.spawn(move || {
                    let _share = budget.take(size);
                    most.fetch_max(budget.held(), Ordering::Relaxed);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                });
            }
        });
        assert!(most.load(Ordering::Relaxed) <= 100);
        assert_eq!(budget.held(), 0, "every share given back");
    }
}
