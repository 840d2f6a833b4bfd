//! RTP (RFC 3550) fixed header parsing, and telling RTP from RTCP.
//!
//! Only the fields the converter needs are decoded. CSRC lists, header extensions
//! and padding are skipped correctly, so the payload slice is exactly the media.

/// One RTP packet as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub payload_type: u8,
    pub marker: bool,
    pub sequence: u16,
    /// Media clock ticks of the first sample (8 kHz for G.711, G.722 and G.729).
    pub timestamp: u32,
    pub ssrc: u32,
    pub payload: &'a [u8],
}

/// What a UDP payload looks like at the RTP layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtpKind<'a> {
    Rtp(RtpPacket<'a>),
    /// RTCP shares the version bits; packet types 200–204 sit where RTP has marker+PT.
    Rtcp,
    NotRtp,
}

/// Classifies a UDP payload.
pub fn classify(data: &[u8]) -> RtpKind<'_> {
    if data.len() < 12 || data[0] >> 6 != 2 {
        return RtpKind::NotRtp;
    }
    if (200..=204).contains(&data[1]) {
        return RtpKind::Rtcp;
    }
    let padding = data[0] & 0x20 != 0;
    let extension = data[0] & 0x10 != 0;
    let csrc_count = usize::from(data[0] & 0x0f);
    let mut offset = 12 + 4 * csrc_count;
    if extension {
        if data.len() < offset + 4 {
            return RtpKind::NotRtp;
        }
        let words = usize::from(u16::from_be_bytes([data[offset + 2], data[offset + 3]]));
        offset += 4 + 4 * words;
    }
    let mut end = data.len();
    if padding {
        let pad = usize::from(*data.last().unwrap_or(&0));
        if pad == 0 || pad > end.saturating_sub(offset) {
            return RtpKind::NotRtp;
        }
        end -= pad;
    }
    if offset > end {
        return RtpKind::NotRtp;
    }
    RtpKind::Rtp(RtpPacket {
        payload_type: data[1] & 0x7f,
        marker: data[1] & 0x80 != 0,
        sequence: u16::from_be_bytes([data[2], data[3]]),
        timestamp: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
        ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
        payload: &data[offset..end],
    })
}

/// Builds an RTP packet (used by the capture generator and tests).
pub fn build(packet: &RtpPacket<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + packet.payload.len());
    out.push(0x80);
    out.push(packet.payload_type & 0x7f | if packet.marker { 0x80 } else { 0 });
    out.extend_from_slice(&packet.sequence.to_be_bytes());
    out.extend_from_slice(&packet.timestamp.to_be_bytes());
    out.extend_from_slice(&packet.ssrc.to_be_bytes());
    out.extend_from_slice(packet.payload);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rtcp() {
        let p = RtpPacket {
            payload_type: 8,
            marker: true,
            sequence: 7,
            timestamp: 160,
            ssrc: 0xdead_beef,
            payload: &[1, 2, 3],
        };
        assert_eq!(classify(&build(&p)), RtpKind::Rtp(p));
        let mut rtcp = build(&p);
        rtcp[1] = 200;
        assert_eq!(classify(&rtcp), RtpKind::Rtcp);
        assert_eq!(classify(&[0u8; 11]), RtpKind::NotRtp);
    }

    #[test]
    fn csrc_extension_and_padding_are_skipped() {
        let mut d = vec![0x80 | 0x20 | 0x10 | 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1];
        d.extend_from_slice(&[9, 9, 9, 9]); // one CSRC
        d.extend_from_slice(&[0xbe, 0xde, 0, 1, 7, 7, 7, 7]); // extension of one word
        d.extend_from_slice(&[42, 43]); // payload
        d.extend_from_slice(&[0, 2]); // two bytes of padding
        match classify(&d) {
            RtpKind::Rtp(p) => assert_eq!(p.payload, &[42, 43]),
            other => panic!("{other:?}"),
        }
    }
}
