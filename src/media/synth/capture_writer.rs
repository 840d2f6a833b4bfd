//! Writes generated datagrams as pcap or pcapng with a choice of link layers, so the
//! reader can be tested on every framing it claims to read.

use std::net::{IpAddr, SocketAddr};

use etherparse::PacketBuilder;

use super::super::capture::LinkType;
use super::TimedDatagram;

/// Link-layer framing of generated frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Link {
    #[default]
    Ethernet,
    /// Ethernet with an 802.1Q tag (two with `qinq`).
    Vlan {
        qinq: bool,
    },
    Raw,
    LinuxSll,
    LinuxSll2,
    /// BSD loopback (address family in host byte order).
    Null,
}

impl Link {
    pub fn link_type(self) -> LinkType {
        match self {
            Link::Ethernet | Link::Vlan { .. } => LinkType::ETHERNET,
            Link::Raw => LinkType::RAW,
            Link::LinuxSll => LinkType::LINUX_SLL,
            Link::LinuxSll2 => LinkType::LINUX_SLL2,
            Link::Null => LinkType::NULL,
        }
    }
}

/// File format options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaptureFile {
    pub link: Link,
    pub pcapng: bool,
    /// Classic pcap with nanosecond timestamps (magic a1b23c4d).
    pub nanoseconds: bool,
    pub big_endian: bool,
}

impl CaptureFile {
    /// The capture file holding `datagrams` in the given order.
    pub fn write(&self, datagrams: &[TimedDatagram]) -> Vec<u8> {
        let mut out = Vec::with_capacity(datagrams.len() * 240 + 64);
        let link = self.link.link_type().0 as u32;
        if self.pcapng {
            write_pcapng_header(&mut out, link);
        } else {
            let magic: u32 = if self.nanoseconds {
                0xa1b2_3c4d
            } else {
                0xa1b2_c3d4
            };
            self.u32(&mut out, magic);
            self.u16(&mut out, 2);
            self.u16(&mut out, 4);
            self.u32(&mut out, 0);
            self.u32(&mut out, 0);
            self.u32(&mut out, 262_144);
            self.u32(&mut out, link);
        }
        for d in datagrams {
            let frame = self.frame(d);
            let nanos = d.time.0;
            if self.pcapng {
                write_epb(&mut out, nanos, &frame);
            } else {
                let secs = nanos.div_euclid(1_000_000_000) as u32;
                let sub = nanos.rem_euclid(1_000_000_000);
                let frac = if self.nanoseconds { sub } else { sub / 1000 } as u32;
                self.u32(&mut out, secs);
                self.u32(&mut out, frac);
                self.u32(&mut out, frame.len() as u32);
                self.u32(&mut out, frame.len() as u32);
                out.extend_from_slice(&frame);
            }
        }
        out
    }

    fn u32(&self, out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }

    fn u16(&self, out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        });
    }

    fn frame(&self, d: &TimedDatagram) -> Vec<u8> {
        let ip = ip_udp(d.src, d.dst, &d.payload);
        let v6 = d.src.is_ipv6();
        let ether_type: u16 = if v6 { 0x86dd } else { 0x0800 };
        let mut f = Vec::with_capacity(ip.len() + 24);
        match self.link {
            Link::Raw => {}
            Link::Ethernet | Link::Vlan { .. } => {
                f.extend_from_slice(&[0x00, 0x90, 0x33, 0, 0, 2, 0x00, 0x90, 0x33, 0, 0, 1]);
                if let Link::Vlan { qinq } = self.link {
                    if qinq {
                        f.extend_from_slice(&[0x88, 0xa8, 0x00, 0x64]);
                    }
                    f.extend_from_slice(&[0x81, 0x00, 0x00, 0x0a]);
                }
                f.extend_from_slice(&ether_type.to_be_bytes());
            }
            Link::LinuxSll => {
                f.extend_from_slice(&[0, 0, 0, 1, 0, 6, 0x00, 0x90, 0x33, 0, 0, 1, 0, 0]);
                f.extend_from_slice(&ether_type.to_be_bytes());
            }
            Link::LinuxSll2 => {
                f.extend_from_slice(&ether_type.to_be_bytes());
                f.extend_from_slice(&[
                    0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0x00, 0x90, 0x33, 0, 0, 1, 0, 0,
                ]);
            }
            Link::Null => {
                let family: u32 = if v6 { 24 } else { 2 };
                f.extend_from_slice(&family.to_le_bytes());
            }
        }
        f.extend_from_slice(&ip);
        f
    }
}

fn ip_udp(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let builder = match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => PacketBuilder::ipv4(s.octets(), d.octets(), 64),
        (IpAddr::V6(s), IpAddr::V6(d)) => PacketBuilder::ipv6(s.octets(), d.octets(), 64),
        // Mixed families cannot share a packet; map IPv4 into IPv6.
        (s, d) => PacketBuilder::ipv6(to_v6(s), to_v6(d), 64),
    };
    let builder = builder.udp(src.port(), dst.port());
    let mut out = Vec::with_capacity(builder.size(payload.len()));
    builder
        .write(&mut out, payload)
        .expect("writing to a Vec cannot fail");
    out
}

fn to_v6(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => v6.octets(),
    }
}

fn write_pcapng_header(out: &mut Vec<u8>, link: u32) {
    // Section header block.
    out.extend_from_slice(&0x0a0d_0d0au32.to_le_bytes());
    out.extend_from_slice(&28u32.to_le_bytes());
    out.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(-1i64).to_le_bytes());
    out.extend_from_slice(&28u32.to_le_bytes());
    // Interface description block with if_tsresol = 9 (nanoseconds).
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&32u32.to_le_bytes());
    out.extend_from_slice(&(link as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&262_144u32.to_le_bytes());
    out.extend_from_slice(&9u16.to_le_bytes()); // if_tsresol
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&[9, 0, 0, 0]);
    out.extend_from_slice(&0u32.to_le_bytes()); // opt_endofopt
    out.extend_from_slice(&32u32.to_le_bytes());
}

fn write_epb(out: &mut Vec<u8>, nanos: i64, frame: &[u8]) {
    let padded = frame.len().div_ceil(4) * 4;
    let total = (32 + padded) as u32;
    let ts = nanos.max(0) as u64;
    out.extend_from_slice(&6u32.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
    out.extend_from_slice(&(ts as u32).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(frame);
    out.resize(out.len() + padded - frame.len(), 0);
    out.extend_from_slice(&total.to_le_bytes());
}
