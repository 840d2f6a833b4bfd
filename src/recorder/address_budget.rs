//! A token bucket per client address: how much one address may ask of the recorder.
//! Three budgets use it: CDR bytes journaled (a PBX sends about 1 kB per call leg, so
//! even 100 calls/s with several legs stay far inside [`CDR_RATE`]; a flood from one
//! address is answered 429 — the PBX's CDR interface buffers and sends again — instead
//! of growing the journal, the memory and the next start-up without bound), warnings
//! about such a flood (one a minute), and Player API requests (a Player that loops
//! cannot take the recorder's time).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// CDR bytes per second an address may journal, on average.
pub const CDR_RATE: f64 = 1_000_000.0;
/// CDR bytes an address may journal at once (a PBX catching up after an outage).
pub const CDR_BURST: f64 = 8_000_000.0;
/// Addresses remembered at most; beyond, the fullest buckets are forgotten first.
const MAX_ADDRESSES: usize = 10_000;

pub struct AddressBudget {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl AddressBudget {
    /// The CDR journal's budget.
    pub fn for_cdrs() -> AddressBudget {
        AddressBudget::new(CDR_RATE, CDR_BURST)
    }
}

impl AddressBudget {
    pub fn new(rate: f64, burst: f64) -> AddressBudget {
        AddressBudget {
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
        let budget = AddressBudget::new(1000.0, 10_000.0);
        let flood: IpAddr = "10.0.0.66".parse().unwrap();
        let pbx: IpAddr = "10.0.0.1".parse().unwrap();
        let taken = (0..100).filter(|_| budget.take(flood, 1000)).count();
        assert!((10..=11).contains(&taken), "{taken}");
        assert!(budget.take(pbx, 1000));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(budget.take(flood, 1000), "the budget refills with time");
    }
}
