//! RFC 4733 telephone events: DTMF digits with their timing, never audio.

/// One event payload (4 bytes on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventPayload {
    pub event: u8,
    pub end: bool,
    pub volume: u8,
    /// Duration so far in RTP clock ticks.
    pub duration: u16,
}

/// Parses an event payload; redundant trailing events are ignored.
pub fn parse(payload: &[u8]) -> Option<EventPayload> {
    if payload.len() < 4 {
        return None;
    }
    Some(EventPayload {
        event: payload[0],
        end: payload[1] & 0x80 != 0,
        volume: payload[1] & 0x3f,
        duration: u16::from_be_bytes([payload[2], payload[3]]),
    })
}

/// Does this payload look like a telephone event when no SDP says so?
/// Events 0–16 (DTMF and flash) in 4-byte payloads are the only shape accepted.
pub fn looks_like_event(payload: &[u8]) -> bool {
    payload.len() == 4 && payload[0] <= 16 && payload[1] & 0x40 == 0
}

/// The character for a DTMF event number.
pub fn digit(event: u8) -> char {
    match event {
        0..=9 => char::from(b'0' + event),
        10 => '*',
        11 => '#',
        12..=15 => char::from(b'A' + event - 12),
        16 => '!',
        _ => '?',
    }
}

/// Builds an event payload (for the capture generator).
pub fn build(event: u8, end: bool, volume: u8, duration: u16) -> [u8; 4] {
    let d = duration.to_be_bytes();
    [
        event,
        (volume & 0x3f) | if end { 0x80 } else { 0 },
        d[0],
        d[1],
    ]
}

/// The event number for a DTMF character (unknown characters map to 0).
pub fn digit_to_event(c: char) -> u8 {
    match c {
        '0'..='9' => c as u8 - b'0',
        '*' => 10,
        '#' => 11,
        'A'..='D' => 12 + (c as u8 - b'A'),
        '!' => 16,
        _ => 0,
    }
}
