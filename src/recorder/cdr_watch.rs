//! Watches the CDR feed after start-up: the seed's "alarm if no CDR ticket found".
//!
//! CDRs are pushed by the PBX, so a broken feed (a wrong URL in the PBX, a CDR
//! licence gone, a filter that drops the CDRs) shows only as their absence. Two signs
//! of it are watched: a capture that reaches its CDR deadline without one (an orphan),
//! and captures that keep arriving while no CDR has come for a set time. Either turns
//! the CDR lamp red (yellow when the setup says orphans are expected) and tells why;
//! the next CDR turns it green again.

use std::time::{Duration, Instant};

/// What the watch has seen.
#[derive(Debug)]
pub struct CdrWatch {
    /// The last CDR, or the start when none came since.
    last_cdr: Instant,
    /// `captures_received` when that CDR (or the start) was.
    captures_then: u64,
    /// The silence is reported once until the next CDR.
    silence_reported: bool,
}

impl CdrWatch {
    pub fn new(now: Instant) -> CdrWatch {
        CdrWatch {
            last_cdr: now,
            captures_then: 0,
            silence_reported: false,
        }
    }

    /// A new CDR arrived; `captures` is the count of captures received so far.
    pub fn cdr_arrived(&mut self, now: Instant, captures: u64) {
        self.last_cdr = now;
        self.captures_then = captures;
        self.silence_reported = false;
    }

    /// `Some((quiet, captures))` once, when no CDR has come for `limit` while
    /// `captures` captures did; a zero `limit` switches the check off.
    pub fn silence(
        &mut self,
        now: Instant,
        captures: u64,
        limit: Duration,
    ) -> Option<(Duration, u64)> {
        let quiet = now.saturating_duration_since(self.last_cdr);
        let arrived = captures.saturating_sub(self.captures_then);
        if limit.is_zero() || self.silence_reported || quiet < limit || arrived == 0 {
            return None;
        }
        self.silence_reported = true;
        Some((quiet, arrived))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Duration = Duration::from_secs(600);

    #[test]
    fn silence_counts_only_while_captures_arrive_and_is_reported_once_per_gap() {
        let start = Instant::now();
        let mut watch = CdrWatch::new(start);
        assert_eq!(
            watch.silence(start + LIMIT * 2, 0, LIMIT),
            None,
            "no calls, no CDRs: fine"
        );
        assert_eq!(
            watch.silence(start + LIMIT / 2, 3, LIMIT),
            None,
            "not long enough"
        );
        assert_eq!(
            watch.silence(start + LIMIT, 3, LIMIT),
            Some((LIMIT, 3)),
            "captures, and no CDR for the whole time"
        );
        assert_eq!(
            watch.silence(start + LIMIT * 2, 5, LIMIT),
            None,
            "said once"
        );
        watch.cdr_arrived(start + LIMIT * 2, 5);
        assert_eq!(
            watch.silence(start + LIMIT * 4, 5, LIMIT),
            None,
            "CDRs came for them"
        );
        assert_eq!(
            watch.silence(start + LIMIT * 4, 6, LIMIT),
            Some((LIMIT * 2, 1)),
            "a new gap is reported again"
        );
        assert_eq!(
            watch.silence(start + LIMIT * 9, 9, Duration::ZERO),
            None,
            "switched off"
        );
    }
}
