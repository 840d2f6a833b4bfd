//! Which codec a payload type means in a given flow.
//!
//! Dynamic payload types only have meaning through the SDP of the call; static ones
//! (RFC 3551) mean the same everywhere. The map grows as SIP messages are read, in
//! file order, so that both conversion passes see the same knowledge at the same packet.

use rustc_hash::FxHashMap as HashMap;
use std::net::SocketAddr;

use super::codec::{Codec, telephone_event};
use super::sip::{SdpAudio, static_payload_name};

#[derive(Debug, Default, Clone)]
pub struct PayloadMap {
    /// rtpmap by the address the SDP's author receives on.
    by_receiver: HashMap<SocketAddr, Vec<(u8, String, u32)>>,
    /// Every dynamic mapping seen anywhere, for flows whose address is not in any SDP.
    anywhere: HashMap<u8, String>,
    /// The SDP descriptions in the order they appeared.
    pub descriptions: Vec<SdpAudio>,
}

impl PayloadMap {
    pub fn learn(&mut self, sdp: SdpAudio) {
        for (pt, name, _) in &sdp.rtpmap {
            self.anywhere.entry(*pt).or_insert_with(|| name.clone());
        }
        self.by_receiver.insert(sdp.receive_at, sdp.rtpmap.clone());
        if self.descriptions.len() < 256 {
            self.descriptions.push(sdp);
        }
    }

    /// The codec of one packet of the flow to `dst`.
    pub fn resolve(&self, dst: SocketAddr, payload_type: u8, payload: &[u8]) -> Codec {
        if let Some(map) = self.by_receiver.get(&dst)
            && let Some((_, name, _)) = map.iter().find(|(pt, _, _)| *pt == payload_type)
        {
            return Codec::from_name(name);
        }
        if payload_type >= 96 {
            if let Some(name) = self.anywhere.get(&payload_type) {
                return Codec::from_name(name);
            }
            if telephone_event::looks_like_event(payload) {
                return Codec::TelephoneEvent;
            }
            return Codec::Unsupported(format!("PT{payload_type}"));
        }
        match static_payload_name(payload_type) {
            Some((name, _)) => Codec::from_name(name),
            None => Codec::Unsupported(format!("PT{payload_type}")),
        }
    }

    /// The RTP clock rate of a payload type: the SDP's, else 8000 Hz (every static
    /// audio type callrec decodes, G.722 included, runs an 8 kHz RTP clock).
    pub fn clock(&self, dst: SocketAddr, payload_type: u8) -> u32 {
        self.by_receiver
            .get(&dst)
            .and_then(|map| map.iter().find(|(pt, _, _)| *pt == payload_type))
            .map(|(_, _, rate)| *rate)
            .filter(|rate| (1000..=192_000).contains(rate))
            .unwrap_or(8000)
    }
}
