//! SIP/SDP sniffing: enough of the signalling in a capture to name codecs and sides.
//!
//! innovaphone recordings carry dummy SIP so that Wireshark can decode them; other
//! captures may carry the real call set-up. callrec reads the SDP bodies to map
//! dynamic payload types (telephone-event, …) and to learn which media address
//! belongs to the party that sent the INVITE. Nothing here is trusted for sizes:
//! the text is parsed line by line from a bounded UDP payload.

use std::net::{IpAddr, SocketAddr};

/// One SDP audio description seen in a SIP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpAudio {
    /// Where the author of this SDP wants to receive audio (`c=` address, `m=audio` port).
    pub receive_at: SocketAddr,
    /// `a=rtpmap` entries: payload type → encoding name (upper case) and clock rate.
    pub rtpmap: Vec<(u8, String, u32)>,
    /// The message was an INVITE request (an offer from the calling party).
    pub from_invite: bool,
}

/// Parses a UDP payload as SIP and returns the SDP audio description it carries, if any.
#[inline]
pub fn sniff_sdp(payload: &[u8]) -> Option<SdpAudio> {
    // A SIP message starts with a method or "SIP/2.0", in capitals; an RTP packet
    // starts with its version bits (0x80 and up): one byte tells most packets apart
    // without a call.
    if !payload.first().is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    sniff_sip(payload)
}

fn sniff_sip(payload: &[u8]) -> Option<SdpAudio> {
    let text = std::str::from_utf8(payload).ok()?;
    let first = text.lines().next()?;
    let from_invite = first.starts_with("INVITE ");
    let is_sip = first.starts_with("SIP/2.0 ") || first.ends_with(" SIP/2.0");
    if !is_sip {
        return None;
    }
    let body_start = text
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| text.find("\n\n").map(|i| i + 2))?;
    parse_sdp(&text[body_start..], from_invite)
}

fn parse_sdp(body: &str, from_invite: bool) -> Option<SdpAudio> {
    let mut session_addr: Option<IpAddr> = None;
    let mut media_addr: Option<IpAddr> = None;
    let mut port: Option<u16> = None;
    let mut in_audio = false;
    let mut rtpmap = Vec::new();
    for line in body.lines() {
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("m=") {
            in_audio = rest.starts_with("audio ") && port.is_none();
            if in_audio {
                port = rest
                    .split_whitespace()
                    .nth(1)
                    .and_then(|p| p.split('/').next()?.parse().ok());
                // Static payload types listed on the m-line need no rtpmap.
                for pt in rest
                    .split_whitespace()
                    .skip(3)
                    .filter_map(|p| p.parse::<u8>().ok())
                {
                    if let Some((name, rate)) = static_payload_name(pt) {
                        rtpmap.push((pt, name.to_string(), rate));
                    }
                }
            }
        } else if let Some(rest) = line.strip_prefix("c=") {
            let addr = rest
                .split_whitespace()
                .nth(2)
                .and_then(|a| a.split('/').next()?.parse().ok());
            if in_audio {
                media_addr = addr;
            } else if port.is_none() {
                session_addr = addr;
            }
        } else if let Some(rest) = line.strip_prefix("a=rtpmap:")
            && in_audio
        {
            let mut parts = rest.splitn(2, ' ');
            let pt = parts.next().and_then(|p| p.parse::<u8>().ok());
            let enc = parts.next().unwrap_or("");
            let mut enc_parts = enc.split('/');
            let name = enc_parts.next().unwrap_or("").to_ascii_uppercase();
            let rate = enc_parts
                .next()
                .and_then(|r| r.parse().ok())
                .unwrap_or(8000);
            if let Some(pt) = pt {
                rtpmap.retain(|(p, _, _)| *p != pt);
                rtpmap.push((pt, name, rate));
            }
        }
    }
    let addr = media_addr.or(session_addr)?;
    Some(SdpAudio {
        receive_at: SocketAddr::new(addr, port?),
        rtpmap,
        from_invite,
    })
}

/// RFC 3551 static payload types that callrec knows by number.
pub fn static_payload_name(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        4 => ("G723", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        13 => ("CN", 8000),
        18 => ("G729", 8000),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invite_with_sdp() {
        let msg = "INVITE sip:b@x SIP/2.0\r\nCall-ID: 1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 16386 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
        let sdp = sniff_sdp(msg.as_bytes()).unwrap();
        assert!(sdp.from_invite);
        assert_eq!(sdp.receive_at, "10.0.0.1:16386".parse().unwrap());
        assert!(sdp.rtpmap.contains(&(8, "PCMA".into(), 8000)));
        assert!(sdp.rtpmap.contains(&(101, "TELEPHONE-EVENT".into(), 8000)));
    }

    #[test]
    fn non_sip_is_ignored() {
        assert!(sniff_sdp(b"\x80\x08garbage").is_none());
        assert!(sniff_sdp(b"SIP/2.0 200 OK\r\n\r\nv=0\r\n").is_none());
    }
}
