//! Capture generator: innovaphone-style call recordings with known content.
//!
//! Tests, the PBX simulator and the demo need recordings whose truth is known: each
//! party speaks a distinct tone, with loud "clicks" at instants given in device time
//! (when the recording device heard them), so that a converter's channel placement
//! and alignment can be measured to the sample. Network impairments (delay, jitter,
//! loss, duplicates, reordering, SSRC change, hold, DTX, one-way audio, truncation)
//! are applied deterministically from a seed.

mod capture_writer;
mod party;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub use capture_writer::{CaptureFile, Link};
pub use party::{PartyScript, Rng, SynthCodec};

use super::sides::{INNOVAPHONE_LOCAL_PORT, INNOVAPHONE_REMOTE_PORT};
use super::time::CaptureTime;

/// A whole call to generate.
#[derive(Debug, Clone)]
pub struct CallScript {
    /// Seconds of media per party.
    pub duration: f64,
    /// Wall-clock time of media second 0.
    pub start: CaptureTime,
    /// The recording device's own side (UDP 16386 in innovaphone files).
    pub local: PartyScript,
    /// The far side (UDP 16388).
    pub remote: PartyScript,
    pub local_addr: SocketAddr,
    pub remote_addr: SocketAddr,
    /// Write dummy SIP (INVITE from the local side, 200 OK from the remote) with SDP.
    pub sip: bool,
    pub file: CaptureFile,
    /// Cut the file after this many bytes (a recording interrupted mid-write).
    pub truncate_at: Option<usize>,
    pub seed: u64,
}

impl Default for CallScript {
    fn default() -> Self {
        CallScript {
            duration: 10.0,
            start: CaptureTime(1_700_000_000_000_000_000),
            local: PartyScript::tone(SynthCodec::Pcma, 700.0),
            remote: PartyScript::tone(SynthCodec::Pcma, 1300.0),
            local_addr: SocketAddr::new(
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 10)),
                INNOVAPHONE_LOCAL_PORT,
            ),
            remote_addr: SocketAddr::new(
                IpAddr::V4(Ipv4Addr::new(10, 0, 0, 20)),
                INNOVAPHONE_REMOTE_PORT,
            ),
            sip: true,
            file: CaptureFile::default(),
            truncate_at: None,
            seed: 1,
        }
    }
}

/// One packet ready for the capture file.
#[derive(Debug, Clone)]
pub struct TimedDatagram {
    pub time: CaptureTime,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: Vec<u8>,
}

impl CallScript {
    /// Generates the capture file's bytes.
    pub fn generate(&self) -> Vec<u8> {
        let mut datagrams = Vec::new();
        if self.sip {
            datagrams.extend(self.sip_messages());
        }
        let mut rng = party::Rng::new(self.seed);
        datagrams.extend(self.local.packets(self, true, &mut rng));
        datagrams.extend(self.remote.packets(self, false, &mut rng));
        datagrams.sort_by_key(|d| d.time);
        let mut bytes = self.file.write(&datagrams);
        if let Some(cut) = self.truncate_at {
            bytes.truncate(cut);
        }
        bytes
    }

    fn sip_messages(&self) -> Vec<TimedDatagram> {
        let sdp = |addr: SocketAddr, party: &PartyScript, origin: &str| {
            let ip = match addr.ip() {
                IpAddr::V4(v4) => format!("IN IP4 {v4}"),
                IpAddr::V6(v6) => format!("IN IP6 {v6}"),
            };
            let (pt, name) = party.codec.payload();
            format!(
                "v=0\r\no={origin} 1 1 {ip}\r\ns=-\r\nc={ip}\r\nt=0 0\r\nm=audio {} RTP/AVP {pt} 13 101\r\na=rtpmap:{pt} {name}/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
                addr.port()
            )
        };
        let body_invite = sdp(self.local_addr, &self.local, "local");
        let body_ok = sdp(self.remote_addr, &self.remote, "remote");
        let sip_local = SocketAddr::new(self.local_addr.ip(), 5060);
        let sip_remote = SocketAddr::new(self.remote_addr.ip(), 5060);
        let invite = format!(
            "INVITE sip:remote@callrec.invalid SIP/2.0\r\nCall-ID: synth\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body_invite}",
            body_invite.len()
        );
        let ok = format!(
            "SIP/2.0 200 OK\r\nCall-ID: synth\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body_ok}",
            body_ok.len()
        );
        let t0 = CaptureTime(self.start.0 - 50_000_000);
        vec![
            TimedDatagram {
                time: t0,
                src: sip_local,
                dst: sip_remote,
                payload: invite.into_bytes(),
            },
            TimedDatagram {
                time: CaptureTime(t0.0 + 1_000_000),
                src: sip_remote,
                dst: sip_local,
                payload: ok.into_bytes(),
            },
        ]
    }

    /// An innovaphone-style file name: `<conf>-<mac>-<serial>.pcap`.
    pub fn innovaphone_name(conf: u128, mac: u64, serial: u32) -> String {
        format!("{conf:032x}-{:012x}-{serial}.pcap", mac & 0xffff_ffff_ffff)
    }
}

/// A hold of `length` seconds from `start`; `clock_runs` keeps the RTP clock advancing.
pub fn party_hold(start: f64, length: f64, clock_runs: bool) -> party::Hold {
    party::Hold {
        start,
        length,
        clock_runs,
    }
}
