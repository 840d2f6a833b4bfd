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
    /// Answers already worked out for (receiver, payload type), so that the per-packet
    /// lookup is one hash probe instead of a search by name. Emptied by [`Self::learn`].
    /// A short list searched in order: a call has a handful of flows and types, and
    /// comparing a few addresses is cheaper than hashing one.
    memo: Vec<((SocketAddr, u8), (Codec, u32))>,
}

impl PayloadMap {
    pub fn learn(&mut self, sdp: SdpAudio) {
        self.memo.clear();
        for (pt, name, _) in &sdp.rtpmap {
            self.anywhere.entry(*pt).or_insert_with(|| name.clone());
        }
        self.by_receiver.insert(sdp.receive_at, sdp.rtpmap.clone());
        if self.descriptions.len() < 256 {
            self.descriptions.push(sdp);
        }
    }

    /// The codec and RTP clock rate of one packet of the flow to `dst`: what
    /// [`Self::resolve`] and [`Self::clock`] say, remembered per flow and payload type.
    pub fn codec_and_clock(
        &mut self,
        dst: SocketAddr,
        payload_type: u8,
        payload: &[u8],
    ) -> (Codec, u32) {
        if let Some((_, known)) = self.memo.iter().find(|(k, _)| *k == (dst, payload_type)) {
            return known.clone();
        }
        let codec = self.resolve(dst, payload_type, payload);
        let clock = self.clock(dst, payload_type);
        // A dynamic type known from no SDP is guessed from each payload's shape: not memoised.
        let guessed = payload_type >= 96
            && !self.anywhere.contains_key(&payload_type)
            && !self
                .by_receiver
                .get(&dst)
                .is_some_and(|map| map.iter().any(|(pt, _, _)| *pt == payload_type));
        if !guessed && self.memo.len() < 32 {
            self.memo
                .push(((dst, payload_type), (codec.clone(), clock)));
        }
        (codec, clock)
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
