//! One party of a generated call: its signal, codec and network behaviour.

use audio_codec::Encoder;
use audio_codec::g722::G722Encoder;
use audio_codec::pcma::PcmaEncoder;
use audio_codec::pcmu::PcmuEncoder;

use super::super::codec::telephone_event;
use super::super::rtp::{RtpPacket, build};
use super::super::time::CaptureTime;
use super::{CallScript, TimedDatagram};

/// Codecs the generator can encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynthCodec {
    Pcma,
    Pcmu,
    G722,
    /// G.729; with `vad` the encoder emits Annex B SID frames and pauses in silence.
    G729 {
        vad: bool,
    },
}

impl SynthCodec {
    /// Payload type and SDP name.
    pub fn payload(self) -> (u8, &'static str) {
        match self {
            SynthCodec::Pcma => (8, "PCMA"),
            SynthCodec::Pcmu => (0, "PCMU"),
            SynthCodec::G722 => (9, "G722"),
            SynthCodec::G729 { .. } => (18, "G729"),
        }
    }

    fn rate(self) -> u32 {
        if self == SynthCodec::G722 {
            16_000
        } else {
            8_000
        }
    }
}

/// What one party says and how the network treats it.
#[derive(Debug, Clone)]
pub struct PartyScript {
    pub codec: SynthCodec,
    pub tone_hz: f64,
    pub tone_amplitude: f64,
    /// Device-time seconds at which a click (8 ms loud 1 kHz burst) starts.
    pub clicks: Vec<f64>,
    /// Media intervals (seconds) in which the party is silent.
    pub silences: Vec<(f64, f64)>,
    /// DTX: send RFC 3389 comfort noise (G.711/G.722) or let G.729 VAD pause in silences.
    pub dtx: bool,
    /// `false` for a one-way recording: this party sends nothing.
    pub sends: bool,
    pub ptime_ms: u32,
    /// Network delay before the recording device (0 for the device's own side).
    pub base_delay: f64,
    /// Extra delay per packet, uniform in [0, jitter) seconds.
    pub jitter: f64,
    pub loss: f64,
    pub duplicate: f64,
    /// Probability that a packet is held back behind its successor.
    pub reorder: f64,
    /// Media second at which the sender switches to a new SSRC, sequence and timestamp base.
    pub ssrc_change_at: Option<f64>,
    /// Hold: no packets from `start` for `length` seconds. With `clock_runs` the RTP
    /// timestamp keeps advancing over the gap; without it, it resumes where it stopped.
    pub hold: Option<Hold>,
    /// DTMF: device-time second, digit, duration in seconds.
    pub dtmf: Vec<(f64, char, f64)>,
}

#[derive(Debug, Clone, Copy)]
pub struct Hold {
    pub start: f64,
    pub length: f64,
    pub clock_runs: bool,
}

impl PartyScript {
    pub fn tone(codec: SynthCodec, tone_hz: f64) -> Self {
        PartyScript {
            codec,
            tone_hz,
            tone_amplitude: 3000.0,
            clicks: Vec::new(),
            silences: Vec::new(),
            dtx: false,
            sends: true,
            ptime_ms: 20,
            base_delay: 0.0,
            jitter: 0.0,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
            ssrc_change_at: None,
            hold: None,
            dtmf: Vec::new(),
        }
    }

    /// The sample value at media second `t` (before encoding).
    fn sample(&self, t: f64) -> i16 {
        if self.silences.iter().any(|&(a, b)| t >= a && t < b) {
            return 0;
        }
        let click_at = |c: f64| c - self.base_delay;
        if self
            .clicks
            .iter()
            .any(|&c| t >= click_at(c) && t < click_at(c) + 0.004)
        {
            return 20_000;
        }
        (self.tone_amplitude * (2.0 * std::f64::consts::PI * self.tone_hz * t).sin()) as i16
    }

    fn silent(&self, t0: f64, t1: f64) -> bool {
        self.silences.iter().any(|&(a, b)| t0 >= a && t1 <= b)
    }

    /// RTP packets of this party with their capture times at the recording device.
    pub(super) fn packets(
        &self,
        call: &CallScript,
        local: bool,
        rng: &mut Rng,
    ) -> Vec<TimedDatagram> {
        if !self.sends {
            return Vec::new();
        }
        let (src, dst) = if local {
            (call.local_addr, call.remote_addr)
        } else {
            (call.remote_addr, call.local_addr)
        };
        let (pt, _) = self.codec.payload();
        let rate = self.codec.rate();
        let ptime = f64::from(self.ptime_ms) / 1000.0;
        let samples_per_packet = (rate as usize * self.ptime_ms as usize) / 1000;
        let ticks_per_packet = 8 * self.ptime_ms;
        let mut encoder = Encoders::new(self.codec);
        let mut ssrc = rng.next_u32();
        let mut seq = rng.next_u32() as u16;
        let mut ts_base = rng.next_u32();
        let mut ts_frozen = 0u32; // ticks the clock stood still (hold without running clock)
        let mut switched = false;
        let mut out = Vec::new();
        let mut cn_sent = false;
        let mut pcm = vec![0i16; samples_per_packet];
        let packets = (call.duration / ptime).round() as u64;
        let mut last_event: Option<(usize, u32)> = None;

        for k in 0..packets {
            let m = k as f64 * ptime;
            if let Some(at) = self.ssrc_change_at
                && !switched
                && m >= at
            {
                switched = true;
                ssrc = rng.next_u32();
                seq = rng.next_u32() as u16;
                ts_base = rng
                    .next_u32()
                    .wrapping_sub((k as u32).wrapping_mul(ticks_per_packet));
            }
            if let Some(h) = self.hold
                && m >= h.start
                && m < h.start + h.length
            {
                if !h.clock_runs {
                    ts_frozen = ts_frozen.wrapping_add(ticks_per_packet);
                }
                continue;
            }
            let ts = ts_base
                .wrapping_add((k as u32).wrapping_mul(ticks_per_packet))
                .wrapping_sub(ts_frozen);
            let capture_delay = ptime + self.base_delay;
            // DTMF: events replace audio while a key is down.
            let device_t = m + self.base_delay;
            if let Some((i, &(at, digit, length))) = self
                .dtmf
                .iter()
                .enumerate()
                .find(|(_, (at, _, length))| device_t >= *at && device_t < at + length)
            {
                let start_ts = match last_event {
                    Some((j, start)) if j == i => start,
                    _ => ts,
                };
                last_event = Some((i, start_ts));
                let elapsed = ((device_t - at + ptime) * 8000.0) as u16;
                let event = telephone_event::digit_to_event(digit);
                let end = device_t + ptime >= at + length - 1e-9;
                let payload = telephone_event::build(event, end, 10, elapsed);
                let repeats = if end { 3 } else { 1 };
                for _ in 0..repeats {
                    let bytes = build(&RtpPacket {
                        payload_type: 101,
                        marker: start_ts == ts,
                        sequence: seq,
                        timestamp: start_ts,
                        ssrc,
                        payload: &payload,
                    });
                    out.push(self.datagram(call, src, dst, m + capture_delay, bytes));
                }
                seq = seq.wrapping_add(1);
                continue;
            }

            for (i, s) in pcm.iter_mut().enumerate() {
                *s = self.sample(m + i as f64 / f64::from(rate));
            }
            let silent = self.dtx && self.silent(m, m + ptime);
            let (payload_type, payload) =
                if silent && self.codec != (SynthCodec::G729 { vad: true }) {
                    if cn_sent {
                        continue;
                    }
                    cn_sent = true;
                    (13u8, vec![80u8])
                } else {
                    cn_sent = false;
                    let payload = encoder.encode(&pcm);
                    if payload.is_empty() {
                        continue; // G.729 DTX: nothing transmitted
                    }
                    (pt, payload)
                };
            if rng.chance(self.loss) {
                seq = seq.wrapping_add(1);
                continue;
            }
            let bytes = build(&RtpPacket {
                payload_type,
                marker: k == 0,
                sequence: seq,
                timestamp: ts,
                ssrc,
                payload: &payload,
            });
            seq = seq.wrapping_add(1);
            let mut at = m + capture_delay + rng.uniform() * self.jitter;
            if rng.chance(self.reorder) {
                at += 1.5 * ptime;
            }
            if rng.chance(self.duplicate) {
                out.push(self.datagram(call, src, dst, at + 0.001, bytes.clone()));
            }
            out.push(self.datagram(call, src, dst, at, bytes));
        }
        out
    }

    fn datagram(
        &self,
        call: &CallScript,
        src: std::net::SocketAddr,
        dst: std::net::SocketAddr,
        seconds: f64,
        payload: Vec<u8>,
    ) -> TimedDatagram {
        TimedDatagram {
            time: CaptureTime(call.start.0 + (seconds * 1e9).round() as i64),
            src,
            dst,
            payload,
        }
    }
}

/// The encoders of one party, kept across packets (G.722 and G.729 are stateful).
enum Encoders {
    Pcma(PcmaEncoder),
    Pcmu(PcmuEncoder),
    G722(Box<G722Encoder>),
    G729(Box<g729_sys::Encoder>),
}

impl Encoders {
    fn new(codec: SynthCodec) -> Self {
        match codec {
            SynthCodec::Pcma => Encoders::Pcma(PcmaEncoder::new()),
            SynthCodec::Pcmu => Encoders::Pcmu(PcmuEncoder::new()),
            SynthCodec::G722 => Encoders::G722(Box::new(G722Encoder::new())),
            SynthCodec::G729 { vad } => Encoders::G729(Box::new(g729_sys::Encoder::new(vad))),
        }
    }

    fn encode(&mut self, pcm: &[i16]) -> Vec<u8> {
        match self {
            Encoders::Pcma(e) => e.encode(pcm),
            Encoders::Pcmu(e) => e.encode(pcm),
            Encoders::G722(e) => e.encode(pcm),
            Encoders::G729(e) => {
                let mut out = Vec::new();
                for frame in pcm.chunks_exact(80) {
                    let mut input = [0i16; 80];
                    input.copy_from_slice(frame);
                    let bytes = e.encode(&input);
                    if out.len() % 10 == 2 {
                        break; // a SID frame must end the payload
                    }
                    out.extend_from_slice(&bytes);
                }
                out
            }
        }
    }
}

/// Small deterministic generator (splitmix64), so a seed reproduces a capture exactly.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.uniform() < p
    }
}
