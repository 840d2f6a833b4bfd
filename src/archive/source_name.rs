//! The name an innovaphone device gives a recording it PUTs:
//! `<conf>-<mac>-<serial>[-<registration>][.pcap]`, where `conf` is the call's
//! conference id (32 hex digits, the same as in the CDRs) and `mac` the device's.
//! Any other name is a "legacy" capture that is booked by time instead.

/// What a capture's file name tells about the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName {
    /// Conference id, lower case.
    pub conf: String,
    /// Device MAC, 12 lower-case hex digits.
    pub mac: String,
    pub serial: u32,
    pub registration: Option<String>,
}

impl SourceName {
    /// Parses a file name (no folder); `None` for a legacy name.
    pub fn parse(file_name: &str) -> Option<SourceName> {
        let stem = file_name
            .strip_suffix(".pcap")
            .or_else(|| file_name.strip_suffix(".PCAP"))
            .unwrap_or(file_name);
        let (conf, rest) = stem.split_at_checked(32)?;
        if !conf.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let rest = rest.strip_prefix('-')?;
        // MAC as 12 hex digits, or as six pairs joined by '-'
        // (split only where the text allows: a name may hold any characters)
        let dashed = rest
            .split_at_checked(17)
            .filter(|(mac, _)| is_dashed_mac(mac));
        let (mac, rest) = if let Some((mac, rest)) = dashed {
            (mac.replace('-', ""), rest)
        } else {
            let (mac, rest) = rest.split_at_checked(12)?;
            if !mac.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            (mac.to_string(), rest)
        };
        let rest = rest.strip_prefix('-')?;
        let (serial, registration) = match rest.split_once('-') {
            Some((s, r)) if !r.is_empty() => (s, Some(r.to_string())),
            Some(_) => return None,
            None => (rest, None),
        };
        Some(SourceName {
            conf: conf.to_ascii_lowercase(),
            mac: mac.to_ascii_lowercase(),
            serial: serial.parse().ok()?,
            registration,
        })
    }
}

fn is_dashed_mac(text: &str) -> bool {
    text.split('-').count() == 6
        && text
            .split('-')
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_device_name_forms() {
        let n = SourceName::parse("E89277F0E909D31192E80090331032DD-009033010203-7.pcap").unwrap();
        assert_eq!(n.conf, "e89277f0e909d31192e80090331032dd");
        assert_eq!(n.mac, "009033010203");
        assert_eq!(n.serial, 7);
        assert_eq!(n.registration, None);
        let n = SourceName::parse("e89277f0e909d31192e80090331032dd-00-90-33-01-02-03-1-alice")
            .unwrap();
        assert_eq!(n.mac, "009033010203");
        assert_eq!(n.registration.as_deref(), Some("alice"));
        for legacy in [
            // found by fuzzing: a character of several bytes where the MAC ends
            "e89277f0e909d31192e80090331032dd-00-90-33-01-0\u{d3e41}-1.pcap",
            "e89277f0e909d31192e80090331032dd-00-90-33-01-02㱁-1.pcap",
            "call.pcap",
            "e89277f0-009033010203-1.pcap",
            "e89277f0e909d31192e80090331032dd-0090330102-1",
        ] {
            assert_eq!(SourceName::parse(legacy), None, "{legacy}");
        }
    }
}
