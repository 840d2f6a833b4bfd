//! Link, network and transport layers: a captured frame becomes a UDP datagram or nothing.
//!
//! Ethernet (with VLAN/QinQ), raw IPv4/IPv6, Linux SLL and SLL2 and BSD NULL/loopback
//! are unwrapped here; etherparse does the header parsing. ICMP errors that quote an
//! RTP packet stay ICMP and are never returned, so they cannot become media.

use std::net::{IpAddr, SocketAddr};

use etherparse::{EtherType, NetSlice, SlicedPacket, TransportSlice};

use super::capture::{Frame, LinkType};
use super::time::CaptureTime;

/// A UDP datagram with the addresses it travelled between.
#[derive(Debug, Clone, Copy)]
pub struct Datagram<'a> {
    pub time: CaptureTime,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: &'a [u8],
}

/// Why a frame yielded no datagram; counted, never fatal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not IP/UDP (ARP, TCP, ICMP, a fragment, …).
    NotUdp,
    /// The link type is not one callrec reads.
    UnsupportedLink(i32),
    /// Headers cut short by the capture's snap length or damaged.
    Malformed,
}

/// Unwraps one frame down to UDP.
pub fn udp_datagram<'a>(frame: &Frame<'a>) -> Result<Datagram<'a>, Skip> {
    let data = frame.data;
    let sliced = match frame.link {
        LinkType::ETHERNET => SlicedPacket::from_ethernet(data),
        LinkType::RAW
        | LinkType::RAW_OLD
        | LinkType::RAW_OLD2
        | LinkType::IPV4
        | LinkType::IPV6 => SlicedPacket::from_ip(data),
        LinkType::LINUX_SLL => {
            // SLL: packet type (2), ARPHRD (2), address length (2), address (8), protocol (2).
            // Parsed here rather than by etherparse, which rejects loopback ARPHRD values.
            if data.len() < 16 {
                return Err(Skip::Malformed);
            }
            let ether_type = EtherType(u16::from_be_bytes([data[14], data[15]]));
            SlicedPacket::from_ether_type(ether_type, &data[16..])
        }
        LinkType::LINUX_SLL2 => {
            // SLL2: protocol type (2), reserved (2), interface index (4), ARPHRD (2),
            // packet type (1), address length (1), address (8) = 20 bytes.
            if data.len() < 20 {
                return Err(Skip::Malformed);
            }
            let ether_type = EtherType(u16::from_be_bytes([data[0], data[1]]));
            SlicedPacket::from_ether_type(ether_type, &data[20..])
        }
        LinkType::NULL | LinkType::LOOP => {
            // 4-byte address family in the capturing host's byte order (NULL) or
            // network order (LOOP); IPv4 is 2, IPv6 is 24, 28 or 30 depending on the OS.
            if data.len() < 4 {
                return Err(Skip::Malformed);
            }
            SlicedPacket::from_ip(&data[4..])
        }
        other => return Err(Skip::UnsupportedLink(other.0)),
    }
    .map_err(|_| Skip::Malformed)?;

    let (src_ip, dst_ip) = match &sliced.net {
        Some(NetSlice::Ipv4(v4)) => {
            let h = v4.header();
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
            )
        }
        Some(NetSlice::Ipv6(v6)) => {
            let h = v6.header();
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
            )
        }
        _ => return Err(Skip::NotUdp),
    };
    match &sliced.transport {
        Some(TransportSlice::Udp(udp)) => Ok(Datagram {
            time: frame.time,
            src: SocketAddr::new(src_ip, udp.source_port()),
            dst: SocketAddr::new(dst_ip, udp.destination_port()),
            payload: udp.payload(),
        }),
        _ => Err(Skip::NotUdp),
    }
}
