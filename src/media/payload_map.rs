//! Which codec a payload type means in a given flow.
//!
//! Dynamic payload types only have meaning through the SDP of the call; static ones
//! (RFC 3551) mean the same everywhere. The map grows as SIP messages are read, in
//! file order, so that both conversion passes see the same knowledge at the same packet.

use rustc_hash::FxHashMap as HashMap;
use std::net::SocketAddr;

use super::codec::{Codec, CodecName, telephone_event};
use super::sip::{SdpAudio, static_payload_name};

/// The most SDP receive addresses learned from one capture.
const MAX_RECEIVERS: usize = 1024;

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
    /// Counts what was learned, so that a flow's [`CodecMemo`] knows when it is stale.
    generation: u64,
}

/// One flow's last answer from the payload map, valid until the map learns another
/// SDP: consecutive packets of a flow nearly always carry the same payload type, so
/// most packets are answered by one comparison.
#[derive(Debug, Clone, Default)]
pub struct CodecMemo(Option<(u64, u8, Codec, u32)>);

impl PayloadMap {
    pub fn learn(&mut self, sdp: SdpAudio) {
        // a call's SDPs name a handful of receivers; thousands are noise, and memory
        // must not follow them
        if self.by_receiver.len() >= MAX_RECEIVERS
            && !self.by_receiver.contains_key(&sdp.receive_at)
        {
            return;
        }
        self.memo.clear();
        self.generation += 1;
        for (pt, name, _) in &sdp.rtpmap {
            self.anywhere.entry(*pt).or_insert_with(|| name.clone());
        }
        self.by_receiver.insert(sdp.receive_at, sdp.rtpmap.clone());
        if self.descriptions.len() < 256 {
            self.descriptions.push(sdp);
        }
    }

    /// [`Self::codec_and_clock`] for a packet of the flow whose memo is `memo`.
    pub fn codec_and_clock_for(
        &mut self,
        memo: &mut CodecMemo,
        dst: SocketAddr,
        payload_type: u8,
        payload: &[u8],
    ) -> (Codec, u32) {
        if let Some((generation, pt, codec, clock)) = &memo.0
            && *generation == self.generation
            && *pt == payload_type
        {
            return (*codec, *clock);
        }
        let (codec, clock, guessed) = self.look_up(dst, payload_type, payload);
        memo.0 = (!guessed).then_some((self.generation, payload_type, codec, clock));
        (codec, clock)
    }

    /// The codec and RTP clock rate of one packet of the flow to `dst` (what
    /// [`Self::resolve`] and [`Self::clock`] say, remembered per receiver and payload
    /// type, for a flow whose own memo does not hold the answer: DTX alternates comfort
    /// noise and audio), and whether it was guessed from the payload's shape (then it
    /// holds for this packet only).
    fn look_up(&mut self, dst: SocketAddr, payload_type: u8, payload: &[u8]) -> (Codec, u32, bool) {
        if let Some((_, (codec, clock))) = self.memo.iter().find(|(k, _)| *k == (dst, payload_type))
        {
            return (*codec, *clock, false);
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
            self.memo.push(((dst, payload_type), (codec, clock)));
        }
        (codec, clock, guessed)
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
            return Codec::Unsupported(CodecName::new(&format!("PT{payload_type}")));
        }
        match static_payload_name(payload_type) {
            Some((name, _)) => Codec::from_name(name),
            None => Codec::Unsupported(CodecName::new(&format!("PT{payload_type}"))),
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
