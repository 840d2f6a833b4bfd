//! How much CDR text one address may have journaled: a token bucket of bytes per
//! client address. A PBX sends about 1 kB per call leg, so even 100 calls/s with
//! several legs stay far inside the rate; a flood from one address is answered 429
//! (the PBX's CDR interface buffers and sends again) instead of growing the journal,
//! the memory and the next start-up without bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Bytes per second an address may journal, on average.
pub const RATE: f64 = 1_000_000.0;
/// Bytes an address may journal at once (a PBX catching up after an outage).
pub const BURST: f64 = 8_000_000.0;
/// Addresses remembered at most; beyond, the fullest buckets are forgotten first.
const MAX_ADDRESSES: usize = 10_000;

pub struct CdrBudget {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Default for CdrBudget {
    fn default() -> Self {
        CdrBudget::new(RATE, BURST)
    }
}

impl CdrBudget {
    pub fn new(rate: f64, burst: f64) -> CdrBudget {
        CdrBudget {
            rate,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `bytes` from the address's budget; `false` (nothing taken) when it has not
    /// that much left.
    pub fn take(&self, address: IpAddr, bytes: usize) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&address) {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(address).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.rate)
            .min(self.burst);
        bucket.at = now;
        let wanted = bytes as f64;
        if bucket.tokens < wanted {
            return false;
        }
        bucket.tokens -= wanted;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_stopped_and_other_senders_go_on() {
        let budget = CdrBudget::new(1000.0, 10_000.0);
        let flood: IpAddr = "10.0.0.66".parse().unwrap();
        let pbx: IpAddr = "10.0.0.1".parse().unwrap();
        let taken = (0..100).filter(|_| budget.take(flood, 1000)).count();
        assert!((10..=11).contains(&taken), "{taken}");
        assert!(budget.take(pbx, 1000));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(budget.take(flood, 1000), "the budget refills with time");
    }
}
