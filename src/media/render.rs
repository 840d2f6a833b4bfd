//! Second pass: each party's packets are put back in sequence, decoded, and written
//! at their place on the common timeline.
//!
//! Per party a small reorder buffer releases packets in sequence order; gaps are
//! filled by the codec's concealment (lost packets) or comfort noise (DTX), never
//! by inventing speech. Positions come from the first pass's clock fit, so network
//! jitter moves no sample.

use std::collections::BTreeMap;

use super::analysis::{FlowKey, Placement, Segment, SegmentTracker, is_timed};
use super::codec::{AudioDecoder, Codec, ComfortNoise, Gap, telephone_event};
use super::mixer::Mixer;
use super::sides::Party;
use super::time::{CaptureTime, extend_seq, extend_timestamp, round_i64};

/// Seconds a packet may wait in the reorder buffer for its predecessor.
const REORDER_HOLD: f64 = 0.5;
const REORDER_MAX_PACKETS: usize = 256;
/// Gaps longer than this are silence (hold, one-way pause), never concealment.
const MAX_FILL_SECONDS: f64 = 2.0;

/// A DTMF digit found in the call.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DtmfEvent {
    pub digit: char,
    pub side: Party,
    /// Milliseconds from the start of the output audio.
    pub start_ms: i64,
    pub duration_ms: i64,
}

struct Pending {
    ext_ts: i64,
    segment: Option<usize>,
    codec: Codec,
    payload: Vec<u8>,
    arrival: f64,
}

/// A packet ready to be played: held in the buffer or straight from the capture.
#[derive(Clone, Copy)]
struct PacketRef<'a> {
    ext_ts: i64,
    segment: Option<usize>,
    codec: &'a Codec,
    payload: &'a [u8],
    arrival: f64,
}

impl Pending {
    fn as_ref(&self) -> PacketRef<'_> {
        PacketRef {
            ext_ts: self.ext_ts,
            segment: self.segment,
            codec: &self.codec,
            payload: &self.payload,
            arrival: self.arrival,
        }
    }
}

/// Timeline facts shared by both parties.
pub struct Timeline {
    /// Seconds (from the analysis epoch) that output sample 0 stands for.
    pub origin: f64,
    pub rate: u32,
}

/// One flow of a party: its segments as the first pass measured them, where they go on
/// the timeline, and the segment state of the packets read so far.
struct PartyFlow {
    key: FlowKey,
    segments: Vec<Segment>,
    placements: Vec<Placement>,
    tracker: SegmentTracker,
}

/// Renders one party (one output channel) from the packets of its flows.
pub struct PartyRenderer {
    party: Party,
    /// A party has a flow or two, so they are searched in order, the last one used first.
    flows: Vec<PartyFlow>,
    last_flow: usize,
    /// Index into `flows` and SSRC of the sender being played.
    current: Option<(usize, u32)>,
    max_seq: i64,
    last_seq: Option<i64>,
    buffer: BTreeMap<i64, Pending>,
    /// One per codec the sender used, searched in order (a call has one or two).
    decoders: Vec<(Codec, Box<dyn AudioDecoder>)>,
    /// Extended timestamp where the last decoded audio ended, its segment and output position.
    last_end: Option<(Option<usize>, i64, i64)>,
    comfort: Option<ComfortNoise>,
    event: Option<(i64, u8, usize)>,
    pub dtmf: Vec<DtmfEvent>,
    pub unsupported: Vec<String>,
    pub concealed_ms: f64,
    decoded: Vec<i16>,
    resampled: Vec<i16>,
    resample_last: i16,
    /// The timeline carries A-law bytes (see `passthrough`).
    codes: bool,
}

impl PartyRenderer {
    /// A renderer for `party` from its flows' segments; `codes`: put A-law bytes on the
    /// timeline (see `passthrough`), for stereo A-law output at 8 kHz.
    pub fn new(
        party: Party,
        segments: Vec<(FlowKey, Vec<Segment>)>,
        timeline: &Timeline,
        codes: bool,
    ) -> Self {
        let flows = segments
            .into_iter()
            .map(|(key, segments)| PartyFlow {
                key,
                placements: segments
                    .iter()
                    .map(|s| s.placement(timeline.origin, timeline.rate))
                    .collect(),
                segments,
                tracker: SegmentTracker::default(),
            })
            .collect();
        PartyRenderer {
            party,
            flows,
            last_flow: 0,
            current: None,
            max_seq: 0,
            last_seq: None,
            buffer: BTreeMap::new(),
            decoders: Vec::new(),
            last_end: None,
            comfort: None,
            event: None,
            dtmf: Vec::new(),
            unsupported: Vec::new(),
            concealed_ms: 0.0,
            decoded: Vec::new(),
            resampled: Vec::new(),
            resample_last: 0,
            codes,
        }
    }

    pub fn party(&self) -> Party {
        self.party
    }

    /// Takes one packet in arrival order.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        flow: FlowKey,
        ssrc: u32,
        sequence: u16,
        timestamp: u32,
        codec: Codec,
        clock: u32,
        payload: &[u8],
        arrival: f64,
        timeline: &Timeline,
        mixer: &mut Mixer,
    ) {
        let Some(index) = self.flow_index(flow) else {
            return; // not one of this party's flows
        };
        let tracker = &mut self.flows[index].tracker;
        let (segment, ext_ts) = if !is_timed(&codec) {
            let ext = extend_timestamp(tracker.last_ts_value(), timestamp);
            (tracker.current(), ext)
        } else {
            let (index, ext, _) = tracker.place(ssrc, timestamp, clock, arrival);
            (Some(index), ext)
        };

        if self.current != Some((index, ssrc)) {
            // A new sender (SSRC change after hold or transfer) continues the same channel:
            // drain the old one in order and start fresh decoders.
            self.drain(timeline, mixer);
            self.current = Some((index, ssrc));
            self.max_seq = i64::from(sequence);
            self.last_seq = None;
            self.decoders.clear();
            self.last_end = None;
        }
        let seq = extend_seq(self.max_seq, sequence);
        self.max_seq = self.max_seq.max(seq);
        if self.last_seq.is_some_and(|last| seq <= last) || self.buffer.contains_key(&seq) {
            return; // duplicate, or too late to be placed in order
        }
        if self.buffer.is_empty() && self.last_seq.is_none_or(|last| seq == last + 1) {
            // The usual case: the next packet in order, nothing held. It is played at
            // once, straight from the capture's bytes, without a trip through the buffer.
            let packet = PacketRef {
                ext_ts,
                segment,
                codec: &codec,
                payload,
                arrival,
            };
            self.emit(seq, packet, timeline, mixer);
            return;
        }
        self.buffer.insert(
            seq,
            Pending {
                ext_ts,
                segment,
                codec,
                payload: payload.to_vec(),
                arrival,
            },
        );
        self.release(arrival, timeline, mixer);
    }

    fn release(&mut self, now: f64, timeline: &Timeline, mixer: &mut Mixer) {
        while let Some((&seq, first)) = self.buffer.iter().next() {
            let in_order = self.last_seq.is_none_or(|last| seq == last + 1);
            if in_order
                || now - first.arrival > REORDER_HOLD
                || self.buffer.len() > REORDER_MAX_PACKETS
            {
                let packet = self.buffer.remove(&seq).expect("present");
                self.emit(seq, packet.as_ref(), timeline, mixer);
            } else {
                break;
            }
        }
    }

    /// Releases every held packet (end of file, or sender change).
    pub fn drain(&mut self, timeline: &Timeline, mixer: &mut Mixer) {
        while let Some((seq, packet)) = self.buffer.pop_first() {
            self.emit(seq, packet.as_ref(), timeline, mixer);
        }
    }

    fn flow_index(&mut self, key: FlowKey) -> Option<usize> {
        if self.flows.get(self.last_flow).is_some_and(|f| f.key == key) {
            return Some(self.last_flow);
        }
        let index = self.flows.iter().position(|f| f.key == key)?;
        self.last_flow = index;
        Some(index)
    }

    fn segment(&self, index: Option<usize>) -> Option<&Segment> {
        let (flow, _) = self.current?;
        self.flows.get(flow)?.segments.get(index?)
    }

    fn placement(&self, index: Option<usize>) -> Option<&Placement> {
        let (flow, _) = self.current?;
        self.flows.get(flow)?.placements.get(index?)
    }

    fn emit(&mut self, seq: i64, packet: PacketRef<'_>, timeline: &Timeline, mixer: &mut Mixer) {
        let lost = self.last_seq.is_some_and(|last| seq > last + 1);
        self.last_seq = Some(seq);
        match packet.codec {
            Codec::TelephoneEvent => self.event(packet, timeline),
            Codec::ComfortNoise => {
                self.comfort = Some(ComfortNoise::from_payload(packet.payload));
            }
            Codec::Unsupported(name) => {
                if !self.unsupported.iter().any(|n| n == name.as_str()) {
                    self.unsupported.push(name.to_string());
                }
            }
            _ => self.audio(packet, lost, timeline, mixer),
        }
    }

    fn audio(&mut self, packet: PacketRef<'_>, lost: bool, timeline: &Timeline, mixer: &mut Mixer) {
        let Some((clock, mut position)) = self
            .placement(packet.segment)
            .map(|placement| (placement.clock, placement.position(packet.ext_ts)))
        else {
            return;
        };
        let known = self.decoders.iter().position(|(c, _)| c == packet.codec);
        let index = match known {
            Some(i) => i,
            None => {
                let decoder = if self.codes {
                    super::passthrough::decoder_for(packet.codec)
                } else {
                    packet.codec.decoder()
                };
                let Some(decoder) = decoder else { return };
                self.decoders.push((*packet.codec, decoder));
                self.decoders.len() - 1
            }
        };
        let decoder = &mut self.decoders[index].1;
        let native = decoder.sample_rate();
        let ticks_per_sample = f64::from(clock) / f64::from(native);
        let channel = self.party.channel();

        // Fill the gap since the previous packet of the same segment.
        self.decoded.clear();
        let mut fill_from = None;
        if let Some((seg, end_ts, end_pos)) = self.last_end
            && seg == packet.segment
            && packet.ext_ts > end_ts
        {
            let gap_seconds = (packet.ext_ts - end_ts) as f64 / f64::from(clock);
            if gap_seconds <= MAX_FILL_SECONDS {
                let samples =
                    ticks_to_samples(packet.ext_ts - end_ts, clock, native, ticks_per_sample)
                        as usize;
                if lost {
                    decoder.fill(Gap::Lost, samples, &mut self.decoded);
                    self.concealed_ms += gap_seconds * 1000.0;
                } else if let Some(noise) = self.comfort.as_mut() {
                    noise.generate(samples, &mut self.decoded);
                    if self.codes {
                        super::writer::g711_table::to_alaw_codes(&mut self.decoded);
                    }
                } else if decoder.in_dtx() {
                    decoder.fill(Gap::Discontinuous, samples, &mut self.decoded);
                }
                if !self.decoded.is_empty() {
                    fill_from = Some(end_pos);
                }
            }
        }
        let decoded_fill = self.decoded.len();
        // The archive's usual packet, an A-law payload on an A-law timeline with no gap
        // before it, goes into the window as it is (see `passthrough`).
        let direct = self.codes
            && *packet.codec == Codec::Pcma
            && fill_from.is_none()
            && native == timeline.rate;
        let payload_samples = if direct {
            packet.payload.len()
        } else {
            decoder.decode(packet.payload, &mut self.decoded);
            self.decoded.len() - decoded_fill
        };
        if !decoder.in_dtx() {
            self.comfort = None;
        }

        // Place: the packet's own position, snapped onto the previous packet's end when
        // within a sample (rounding), so that continuous audio stays continuous.
        if let Some((seg, end_ts, end_pos)) = self.last_end
            && seg == packet.segment
            && packet.ext_ts == end_ts
            && (position - end_pos).abs() <= 2
        {
            position = end_pos;
        }
        let (start, samples) = match fill_from {
            Some(from) => (from, &self.decoded[..]),
            None => (position, &self.decoded[decoded_fill..]),
        };
        let out_rate = timeline.rate;
        let written = if direct {
            mixer.put_bytes(channel, position, packet.payload);
            packet.payload.len()
        } else if native == out_rate {
            mixer.put(channel, start, samples);
            samples.len()
        } else {
            resample(
                samples,
                native,
                out_rate,
                &mut self.resample_last,
                &mut self.resampled,
            );
            mixer.put(channel, start, &self.resampled);
            self.resampled.len()
        };
        let end_ts = packet.ext_ts
            + if clock == native {
                payload_samples as i64
            } else {
                round_i64(payload_samples as f64 * ticks_per_sample)
            };
        let end_pos = match fill_from {
            Some(from) => from + written as i64,
            None => position + written as i64,
        };
        self.last_end = Some((packet.segment, end_ts, end_pos));
    }

    fn event(&mut self, packet: PacketRef<'_>, timeline: &Timeline) {
        let Some(event) = telephone_event::parse(packet.payload) else {
            return;
        };
        if event.event > 16 {
            return;
        }
        let clock = self.segment(packet.segment).map_or(8000, |s| s.clock);
        let duration_ms = i64::from(event.duration) * 1000 / i64::from(clock);
        let same = self
            .event
            .is_some_and(|(ts, e, _)| ts == packet.ext_ts && e == event.event);
        if same {
            if let Some((_, _, index)) = self.event {
                let entry = &mut self.dtmf[index];
                entry.duration_ms = entry.duration_ms.max(duration_ms);
            }
            return;
        }
        let seconds = match self.segment(packet.segment) {
            Some(segment) => segment.time_of(packet.ext_ts),
            None => packet.arrival - duration_ms as f64 / 1000.0,
        };
        let start_ms = ((seconds - timeline.origin) * 1000.0).round() as i64;
        self.dtmf.push(DtmfEvent {
            digit: telephone_event::digit(event.event),
            side: self.party,
            start_ms: start_ms.max(0),
            duration_ms,
        });
        self.event = Some((packet.ext_ts, event.event, self.dtmf.len() - 1));
    }
}

/// Samples of the decoder's rate in `ticks` of the RTP clock; exact integers when the
/// two rates are equal (G.711, G.729: every packet of most calls).
fn ticks_to_samples(ticks: i64, clock: u32, native: u32, ticks_per_sample: f64) -> i64 {
    if clock == native {
        ticks
    } else {
        round_i64(ticks as f64 / ticks_per_sample)
    }
}

/// Linear-interpolating rate change (used for 8 kHz parties in a 16 kHz G.722 call).
/// `last` carries the previous block's final sample so block edges stay smooth.
fn resample(input: &[i16], from: u32, to: u32, last: &mut i16, out: &mut Vec<i16>) {
    out.clear();
    if input.is_empty() {
        return;
    }
    let ratio = f64::from(from) / f64::from(to);
    let n = (input.len() as f64 / ratio).round() as usize;
    out.reserve(n);
    for i in 0..n {
        let x = i as f64 * ratio - (1.0 - ratio).max(0.0);
        let (a, b, t) = if x < 0.0 {
            (*last, input[0], 1.0 + x)
        } else {
            let k = x.floor() as usize;
            let a = input[k.min(input.len() - 1)];
            let b = input[(k + 1).min(input.len() - 1)];
            (a, b, x - k as f64)
        };
        out.push((f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as i16);
    }
    *last = input[input.len() - 1];
}

/// Used by convert to stamp absolute times.
pub fn absolute(epoch: CaptureTime, seconds: f64) -> CaptureTime {
    CaptureTime(epoch.0 + (seconds * 1e9).round() as i64)
}
