//! Back-off for password guessing: per client address, failed logins are counted;
//! from the fifth in a row the address must wait before it may try again (1 s, doubling
//! up to 5 minutes), and is answered 429 without a password check until then. The
//! first back-off is logged; a long run of refused tries (wrong passwords, and tries
//! made while told to wait) raises the alarm, since it is an attack or a device with a
//! wrong password, and either needs a person.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures in a row before an address has to wait.
pub const FREE_TRIES: u32 = 5;
/// Refused tries in a row that raise the alarm.
pub const ALARM_AFTER: u32 = 20;
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Failures further apart than this start the count again.
const FORGET_AFTER: Duration = Duration::from_secs(900);
/// Addresses remembered at most.
const MAX_ADDRESSES: usize = 10_000;

#[derive(Default)]
pub struct AuthGuard {
    by_address: Mutex<HashMap<IpAddr, Failures>>,
}

struct Failures {
    count: u32,
    /// Every refused try: wrong passwords and tries while waiting.
    refused: u32,
    last: Instant,
    wait_until: Option<Instant>,
}

/// What a failed login means for the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    /// Failures in a row, this one included.
    pub count: u32,
    /// Refused tries in a row, this one included.
    pub refused: u32,
    /// How long the address must now wait (zero: not yet).
    pub wait: Duration,
}

/// A try refused unseen because the address must still wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub left: Duration,
    /// Refused tries in a row, this one included.
    pub refused: u32,
}

impl Waiting {
    /// The answer to a try while the address waits: 429 with `Retry-After`.
    pub fn response(&self) -> axum::response::Response {
        use axum::http::{HeaderValue, StatusCode, header};
        use axum::response::IntoResponse;
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed logins from this address: wait\n",
        )
            .into_response();
        if let Ok(value) = HeaderValue::from_str(&self.left.as_secs().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl AuthGuard {
    /// `Err` while `address` must still wait (the try is counted as refused).
    pub fn admit(&self, address: IpAddr) -> Result<(), Waiting> {
        let mut map = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let Some(entry) = map.get_mut(&address) else {
            return Ok(());
        };
        match entry.wait_until {
            Some(until) if until > now => {
                entry.refused = entry.refused.saturating_add(1);
                entry.last = now;
                Err(Waiting {
                    left: until - now,
                    refused: entry.refused,
                })
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed login.
    pub fn failed(&self, address: IpAddr) -> Failed {
        let mut map = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if map.len() >= MAX_ADDRESSES && !map.contains_key(&address) {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
            if map.len() >= MAX_ADDRESSES {
                // flooded from very many addresses: keep those that fail most
                let mut counts: Vec<u32> = map.values().map(|f| f.count).collect();
                counts.sort_unstable();
                let median = counts[counts.len() / 2];
                map.retain(|_, f| f.count > median);
            }
        }
        let entry = map.entry(address).or_insert(Failures {
            count: 0,
            refused: 0,
            last: now,
            wait_until: None,
        });
        if now.duration_since(entry.last) > FORGET_AFTER {
            entry.count = 0;
            entry.refused = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.refused = entry.refused.saturating_add(1);
        entry.last = now;
        let wait = if entry.count >= FREE_TRIES {
            let doublings = (entry.count - FREE_TRIES).min(16);
            Duration::from_secs(1u64 << doublings).min(MAX_WAIT)
        } else {
            Duration::ZERO
        };
        entry.wait_until = (!wait.is_zero()).then(|| now + wait);
        Failed {
            count: entry.count,
            refused: entry.refused,
            wait,
        }
    }

    /// A successful login clears the address's count.
    pub fn succeeded(&self, address: IpAddr) {
        let mut map = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        if !map.is_empty() {
            map.remove(&address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_waits_longer_with_each_failure_and_others_do_not() {
        let guard = AuthGuard::default();
        let guesser: IpAddr = "10.0.0.9".parse().unwrap();
        let device: IpAddr = "10.0.0.7".parse().unwrap();
        for n in 1..FREE_TRIES {
            assert_eq!(guard.failed(guesser).wait, Duration::ZERO, "try {n}");
            assert!(guard.admit(guesser).is_ok());
        }
        assert_eq!(guard.failed(guesser).wait, Duration::from_secs(1));
        assert_eq!(guard.admit(guesser).unwrap_err().refused, FREE_TRIES + 1);
        let failed = guard.failed(guesser);
        assert_eq!(
            (failed.wait, failed.refused),
            (Duration::from_secs(2), FREE_TRIES + 2)
        );
        assert!(
            guard.admit(device).is_ok(),
            "another address is not held up"
        );
        for _ in 0..30 {
            guard.failed(guesser);
        }
        assert_eq!(guard.failed(guesser).wait, MAX_WAIT);
        guard.succeeded(guesser);
        assert!(guard.admit(guesser).is_ok());
        assert_eq!(guard.failed(guesser).count, 1);
    }
}
