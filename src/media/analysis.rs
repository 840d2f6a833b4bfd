//! First pass over a capture: find the RTP streams, measure them, and learn how each
//! sender's media clock maps onto the capture clock.
//!
//! Memory is bounded by the number of streams, not by the call's length: per stream
//! the pass keeps counters, a 1024-packet window for duplicate detection and one
//! minimum per 10 s of media for the clock fit. And the number of streams is bounded
//! too, so that hostile input (random ports, SSRCs and timestamps in every packet)
//! cannot make the pass grow with the file: past [`Bounds`] the capture is refused as
//! not a call recording, in about 20 MB whatever its size.

use rustc_hash::FxHashMap as HashMap;
use std::net::SocketAddr;

use super::codec::Codec;
use super::link::Datagram;
use super::payload_map::{CodecMemo, PayloadMap};
use super::recent_pair::RecentPair;
use super::rtp::RtpPacket;
use super::time::{CaptureTime, extend_seq, extend_timestamp, round_i64};

/// A direction of UDP traffic: one sender's media towards one receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowKey {
    pub src: SocketAddr,
    pub dst: SocketAddr,
}

impl FlowKey {
    pub fn reversed(self) -> FlowKey {
        FlowKey {
            src: self.dst,
            dst: self.src,
        }
    }
}

/// A jump of more than this between consecutive packets' clock offsets starts a
/// new timing segment (hold with a stopped RTP clock, a sender restart).
const SEGMENT_BREAK_SECONDS: f64 = 1.0;
/// Width of the windows whose minimum transit feeds the drift fit.
pub const FIT_WINDOW_SECONDS: f64 = 10.0;
const DUPLICATE_WINDOW: i64 = 1024;

/// What one capture may hold. A call recording has a handful of flows, a few SSRCs
/// and timing segments (one more per hold with a stopped clock), and one fit window
/// per 10 s of each segment; these limits are far above any call (a day-long
/// conference of 100 parties) and keep the pass within about 20 MB.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// UDP flows (sender, receiver).
    pub flows: usize,
    /// SSRCs over all flows.
    pub ssrcs: usize,
    /// Timing segments over all flows.
    pub segments: usize,
    /// 10-second fit windows over all segments.
    pub windows: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            flows: 4096,
            ssrcs: 4096,
            segments: 20_000,
            windows: 2_000_000,
        }
    }
}

/// Counters for one SSRC within a flow, as `inspect` reports them.
#[derive(Debug, Clone)]
pub struct SsrcStats {
    pub ssrc: u32,
    pub packets: u64,
    pub first_seq: i64,
    pub max_seq: i64,
    pub duplicates: u64,
    pub reordered: u64,
    /// RFC 3550 interarrival jitter in seconds.
    pub jitter: f64,
    pub first_time: CaptureTime,
    pub last_time: CaptureTime,
    /// Packets per payload type.
    pub payload_types: Vec<(u8, u64)>,
    /// Codec names seen (from the payload map at the time of each packet).
    pub codecs: Vec<Codec>,
    seen: Vec<u64>,
    last_transit: Option<f64>,
}

impl SsrcStats {
    fn new(ssrc: u32, seq: i64, time: CaptureTime) -> Self {
        SsrcStats {
            ssrc,
            packets: 0,
            first_seq: seq,
            max_seq: seq,
            duplicates: 0,
            reordered: 0,
            jitter: 0.0,
            first_time: time,
            last_time: time,
            payload_types: Vec::new(),
            codecs: Vec::new(),
            seen: vec![0; (DUPLICATE_WINDOW / 64) as usize],
            last_transit: None,
        }
    }

    /// Packets missing from the sequence range (never negative).
    pub fn lost(&self) -> u64 {
        let expected = (self.max_seq - self.first_seq + 1).max(0) as u64;
        expected.saturating_sub(self.packets - self.duplicates)
    }

    fn is_seen(&self, seq: i64) -> bool {
        let bit = seq.rem_euclid(DUPLICATE_WINDOW) as usize;
        self.seen[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn set_seen(&mut self, seq: i64, value: bool) {
        let bit = seq.rem_euclid(DUPLICATE_WINDOW) as usize;
        if value {
            self.seen[bit / 64] |= 1 << (bit % 64);
        } else {
            self.seen[bit / 64] &= !(1 << (bit % 64));
        }
    }
}

/// A stretch of one sender's packets over which its RTP clock runs in step with the
/// capture clock. Packet `ts` is heard at `ts / clock + offset(ts)` seconds.
#[derive(Debug, Clone)]
pub struct Segment {
    pub ssrc: u32,
    pub clock: u32,
    /// Earliest and latest extended timestamps seen.
    pub first_ts: i64,
    pub last_ts: i64,
    /// Timestamp where the fit windows start (the first packet's, in arrival order).
    pub window_base: i64,
    /// Ticks of the last packet's content (its duration), estimated from timestamp steps.
    pub last_step: i64,
    pub packets: u64,
    /// Smallest (arrival − media time) seen, in seconds relative to the analysis epoch.
    pub min_offset: f64,
    /// Minimum offset per [`FIT_WINDOW_SECONDS`] window of media time, from `first_ts`.
    pub window_min: Vec<f64>,
    /// Fitted offset (seconds) at `window_base` and drift (seconds of offset per second of media).
    pub fit: (f64, f64),
}

impl Segment {
    fn media_seconds(&self, ts: i64) -> f64 {
        (ts - self.window_base) as f64 / f64::from(self.clock)
    }

    /// Seconds (relative to the analysis epoch) at which the sample at `ts` was heard.
    pub fn time_of(&self, ts: i64) -> f64 {
        let (a, b) = self.fit;
        ts as f64 / f64::from(self.clock) + a + b * self.media_seconds(ts)
    }

    /// What placing this segment's packets on a timeline needs, worked out once.
    pub fn placement(&self, origin: f64, rate: u32) -> Placement {
        Placement {
            clock: self.clock,
            rate,
            window_base: self.window_base,
            anchor: round_i64((self.time_of(self.window_base) - origin) * f64::from(rate)),
            drift_per_tick: self.fit.1 * f64::from(rate) / f64::from(self.clock),
        }
    }

    pub fn start_time(&self) -> f64 {
        self.time_of(self.first_ts)
    }

    pub fn end_time(&self) -> f64 {
        self.time_of(self.last_ts + self.last_step)
    }

    /// Fits offset = a + b·m through the per-window minima: the lower envelope of the
    /// transit times, which network jitter can only push up. A constant is used for
    /// short segments or when the slope is implausible for a crystal (>300 ppm).
    fn finish(&mut self) {
        let points: Vec<(f64, f64)> = self
            .window_min
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| ((i as f64 + 0.5) * FIT_WINDOW_SECONDS, *v))
            .collect();
        let constant = (self.min_offset, 0.0);
        if points.len() < 6 {
            self.fit = constant;
            return;
        }
        let n = points.len() as f64;
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
        if slope.abs() > 300e-6 {
            self.fit = constant;
            return;
        }
        // Shift the line down onto the lowest point so it stays a lower envelope.
        let shift = points
            .iter()
            .map(|p| p.1 - (my + slope * (p.0 - mx)))
            .fold(f64::INFINITY, f64::min);
        let intercept = my - slope * mx + shift;
        self.fit = (intercept, slope);
    }
}

/// A segment's mapping from RTP timestamps to output sample indices for one timeline.
///
/// Anchored at `window_base` and stepped in exact integer ticks, so two packets whose
/// timestamps differ by N ticks land exactly N·rate/clock samples apart (plus the
/// fitted drift), whatever the rounding of the anchor.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    pub clock: u32,
    rate: u32,
    window_base: i64,
    /// Output index of the sample at `window_base`.
    anchor: i64,
    /// Fitted drift in output samples per tick.
    drift_per_tick: f64,
}

impl Placement {
    /// Output sample index of the sample at `ts`.
    pub fn position(&self, ts: i64) -> i64 {
        let ticks = ts - self.window_base;
        let steps = if self.clock == self.rate {
            ticks
        } else if ticks.unsigned_abs() < 1 << 40 {
            (ticks * i64::from(self.rate)).div_euclid(i64::from(self.clock))
        } else {
            (i128::from(ticks) * i128::from(self.rate)).div_euclid(i128::from(self.clock)) as i64
        };
        let drift = if self.drift_per_tick == 0.0 {
            0
        } else {
            round_i64(self.drift_per_tick * ticks as f64)
        };
        self.anchor + steps + drift
    }
}

/// Tracks the sequence/timestamp state of one flow so that both passes assign the
/// same segment to the same packet.
#[derive(Debug, Clone, Default)]
pub struct SegmentTracker {
    current: Option<usize>,
    last_offset: f64,
    last_ts: i64,
    last_ssrc: u32,
    pub segment_count: usize,
}

impl SegmentTracker {
    /// The segment the last timed packet went to.
    pub fn current(&self) -> Option<usize> {
        self.current
    }

    /// Extended timestamp of the last timed packet (reference for extending others).
    pub fn last_ts_value(&self) -> i64 {
        self.last_ts
    }

    /// Returns the segment index and the extended timestamp of a timed packet.
    pub fn place(&mut self, ssrc: u32, ts: u32, clock: u32, arrival: f64) -> (usize, i64, bool) {
        // one division, not one per use: this runs for every packet of both passes
        let seconds_per_tick = 1.0 / f64::from(clock);
        let (ext_ts, continues) = match self.current {
            Some(_) if ssrc == self.last_ssrc => (extend_timestamp(self.last_ts, ts), true),
            _ => (i64::from(ts), false),
        };
        let offset = arrival - ext_ts as f64 * seconds_per_tick;
        let continues = continues && (offset - self.last_offset).abs() <= SEGMENT_BREAK_SECONDS;
        let started = !continues;
        if started {
            self.current = Some(self.segment_count);
            self.segment_count += 1;
        }
        self.last_offset = offset;
        self.last_ts = ext_ts;
        self.last_ssrc = ssrc;
        (self.current.unwrap_or(0), ext_ts, started)
    }
}

/// Everything the first pass learns about one flow.
#[derive(Debug, Clone)]
pub struct FlowAnalysis {
    pub key: FlowKey,
    pub udp_packets: u64,
    pub rtp_packets: u64,
    pub rtcp_packets: u64,
    pub first_time: CaptureTime,
    pub last_time: CaptureTime,
    pub ssrcs: Vec<SsrcStats>,
    pub segments: Vec<Segment>,
    pub tracker: SegmentTracker,
    /// Order of first appearance among all flows (used by the side rule).
    pub order: usize,
    codec_memo: CodecMemo,
}

impl FlowAnalysis {
    fn new(key: FlowKey, time: CaptureTime, order: usize) -> Self {
        FlowAnalysis {
            key,
            udp_packets: 0,
            rtp_packets: 0,
            rtcp_packets: 0,
            first_time: time,
            last_time: time,
            ssrcs: Vec::new(),
            segments: Vec::new(),
            tracker: SegmentTracker::default(),
            order,
            codec_memo: CodecMemo::default(),
        }
    }

    /// Looks like a real RTP stream: mostly RTP, and enough of it to be media.
    pub fn is_media(&self) -> bool {
        self.rtp_packets >= 2
            && self.rtp_packets * 10 >= self.udp_packets * 6
            && self
                .ssrcs
                .iter()
                .any(|s| s.packets >= 2 && s.max_seq - s.first_seq >= 1)
    }

    /// Which codecs carried audio in this flow.
    pub fn audio_codecs(&self) -> Vec<Codec> {
        let mut out: Vec<Codec> = Vec::new();
        for s in &self.ssrcs {
            for c in &s.codecs {
                if !matches!(c, Codec::ComfortNoise | Codec::TelephoneEvent) && !out.contains(c) {
                    out.push(*c);
                }
            }
        }
        out
    }
}

/// The first pass's state over all flows.
#[derive(Debug, Default)]
pub struct Analysis {
    /// In order of first appearance (a flow's `order` is its index).
    flows: Vec<FlowAnalysis>,
    index: HashMap<FlowKey, usize>,
    /// The two flows used last, tried before the hash.
    recent: RecentPair,
    pub payloads: PayloadMap,
    /// Capture time that all relative seconds count from.
    pub epoch: Option<CaptureTime>,
    pub bounds: Bounds,
    /// Counts against the bounds.
    ssrcs: usize,
    segments: usize,
    windows: usize,
    /// Set when a bound was reached: what the capture holds too much of. From then
    /// on nothing more is kept.
    pub refused: Option<String>,
}

impl Analysis {
    pub fn seconds(&mut self, time: CaptureTime) -> f64 {
        let epoch = *self.epoch.get_or_insert(time);
        time.seconds_since(epoch)
    }

    /// Every flow seen, in order of first appearance.
    pub fn flows(&self) -> &[FlowAnalysis] {
        &self.flows
    }

    pub fn flow_of(&self, key: &FlowKey) -> Option<&FlowAnalysis> {
        self.index.get(key).map(|&i| &self.flows[i])
    }

    /// The flow of a datagram; `None` once the capture was refused.
    pub fn flow(&mut self, d: &Datagram<'_>) -> Option<&mut FlowAnalysis> {
        let i = self.flow_index(d)?;
        Some(&mut self.flows[i])
    }

    /// Notes that a bound was reached (the first one names the cause).
    fn refuse(&mut self, what: String) {
        self.refused.get_or_insert(what);
    }

    /// Finds or adds the flow of a datagram and counts the datagram.
    fn flow_index(&mut self, d: &Datagram<'_>) -> Option<usize> {
        if self.refused.is_some() {
            return None;
        }
        let key = FlowKey {
            src: d.src,
            dst: d.dst,
        };
        let flows = &self.flows;
        let i = match self
            .recent
            .find(|i| flows.get(i).is_some_and(|f| f.key == key))
        {
            Some(i) => i,
            None => {
                let order = self.flows.len();
                if order >= self.bounds.flows && !self.index.contains_key(&key) {
                    self.refuse(format!("more than {} UDP flows", self.bounds.flows));
                    return None;
                }
                let i = *self.index.entry(key).or_insert(order);
                if i == order {
                    self.flows.push(FlowAnalysis::new(key, d.time, order));
                }
                self.recent.used(i);
                i
            }
        };
        let flow = &mut self.flows[i];
        flow.udp_packets += 1;
        flow.last_time = d.time;
        Some(i)
    }

    /// Accounts one RTP packet of a flow.
    pub fn add_rtp(&mut self, d: &Datagram<'_>, p: &RtpPacket<'_>) {
        let arrival = self.seconds(d.time);
        let Some(i) = self.flow_index(d) else {
            return;
        };
        let flow = &mut self.flows[i];
        let (codec, clock) = self.payloads.codec_and_clock_for(
            &mut flow.codec_memo,
            d.dst,
            p.payload_type,
            p.payload,
        );
        flow.rtp_packets += 1;

        let stats = match flow.ssrcs.iter().position(|s| s.ssrc == p.ssrc) {
            Some(i) => &mut flow.ssrcs[i],
            None => {
                if flow.ssrcs.len() >= 64 {
                    return; // A flow with endless SSRCs is noise, not a call.
                }
                if self.ssrcs >= self.bounds.ssrcs {
                    let bound = self.bounds.ssrcs;
                    self.refuse(format!("more than {bound} RTP streams (SSRCs)"));
                    return;
                }
                self.ssrcs += 1;
                flow.ssrcs
                    .push(SsrcStats::new(p.ssrc, i64::from(p.sequence), d.time));
                flow.ssrcs.last_mut().expect("just pushed")
            }
        };
        let seq = extend_seq(stats.max_seq, p.sequence);
        let first_packet = stats.packets == 0;
        stats.packets += 1;
        stats.last_time = d.time;
        match stats
            .payload_types
            .iter_mut()
            .find(|(pt, _)| *pt == p.payload_type)
        {
            Some(entry) => entry.1 += 1,
            None => stats.payload_types.push((p.payload_type, 1)),
        }
        if !stats.codecs.contains(&codec) {
            stats.codecs.push(codec);
        }
        if first_packet {
            stats.set_seen(seq, true);
        } else if seq > stats.max_seq {
            for s in stats.max_seq + 1..seq.min(stats.max_seq + DUPLICATE_WINDOW) {
                stats.set_seen(s, false);
            }
            stats.max_seq = seq;
            stats.set_seen(seq, true);
        } else if stats.max_seq - seq >= DUPLICATE_WINDOW {
            stats.reordered += 1;
        } else if stats.is_seen(seq) && seq >= stats.first_seq {
            stats.duplicates += 1;
            return;
        } else {
            stats.reordered += 1;
            stats.set_seen(seq, true);
            stats.first_seq = stats.first_seq.min(seq);
        }

        if !is_timed(&codec) {
            // Events repeat one timestamp for their whole length, and an unsupported
            // codec's clock rate is unknown: neither can place audio on the timeline.
            return;
        }
        let seconds_per_tick = 1.0 / f64::from(clock);
        let transit = arrival - f64::from(p.timestamp) * seconds_per_tick;
        if let Some(last) = stats.last_transit {
            let d = (transit - last).abs();
            if d < 1.0 {
                stats.jitter += (d - stats.jitter) / 16.0;
            }
        }
        stats.last_transit = Some(transit);

        let (index, ext_ts, started) = flow.tracker.place(p.ssrc, p.timestamp, clock, arrival);
        if started {
            if self.segments >= self.bounds.segments {
                let bound = self.bounds.segments;
                self.refused.get_or_insert(format!(
                    "more than {bound} jumps of the RTP clocks (timing segments)"
                ));
                return;
            }
            self.segments += 1;
            flow.segments.push(Segment {
                ssrc: p.ssrc,
                clock,
                first_ts: ext_ts,
                last_ts: ext_ts,
                window_base: ext_ts,
                last_step: 160,
                packets: 0,
                min_offset: f64::INFINITY,
                window_min: Vec::new(),
                fit: (0.0, 0.0),
            });
        }
        let Some(seg) = flow.segments.get_mut(index) else {
            return;
        };
        seg.packets += 1;
        if ext_ts > seg.last_ts {
            let step = ext_ts - seg.last_ts;
            if step <= i64::from(clock) {
                seg.last_step = step;
            }
            seg.last_ts = ext_ts;
        }
        seg.first_ts = seg.first_ts.min(ext_ts);
        let offset = arrival - ext_ts as f64 * seconds_per_tick;
        seg.min_offset = seg.min_offset.min(offset);
        let media = (ext_ts - seg.window_base) as f64 * seconds_per_tick;
        let window = (media * (1.0 / FIT_WINDOW_SECONDS)) as usize;
        if media >= 0.0 && window < 1_000_000 {
            if seg.window_min.len() <= window {
                let grow = window + 1 - seg.window_min.len();
                if self.windows + grow > self.bounds.windows {
                    let hours = self.bounds.windows as f64 * FIT_WINDOW_SECONDS / 3600.0;
                    self.refused.get_or_insert(format!(
                        "RTP timestamps spanning more than {hours:.0} hours of media"
                    ));
                    return;
                }
                self.windows += grow;
                seg.window_min.resize(window + 1, f64::INFINITY);
            }
            seg.window_min[window] = seg.window_min[window].min(offset);
        }
    }

    /// Closes the pass: fits each segment's clock mapping.
    pub fn finish(&mut self) {
        for flow in &mut self.flows {
            for seg in &mut flow.segments {
                seg.finish();
            }
        }
    }
}

/// Does a packet of this codec take part in clock fitting and placement?
/// The same rule runs in both passes so that they assign the same segments.
pub fn is_timed(codec: &Codec) -> bool {
    !matches!(codec, Codec::TelephoneEvent | Codec::Unsupported(_))
}
