//! Which streams form the call, and which party goes on which channel.
//!
//! The rule is fixed: **left = external party, right = internal party**. How callrec
//! decides, in order (the first that applies wins, and the report names it):
//!
//! 1. innovaphone recordings (UDP port 16386 = the recording device's own side,
//!    16388 = the far side): `map=phone` (the default for these files) puts the
//!    device's side right; `map=gateway` puts it left (a trunk interface records the
//!    external party as its own side); `map=swap` mirrors `phone`.
//! 2. A SIP INVITE in the capture: the party that sent the INVITE is internal (right).
//! 3. One side sends from a private address (RFC 1918, ULA, loopback, link-local)
//!    and the other from a public one: the private one is internal (right).
//! 4. Otherwise the side whose first packet came first is internal (right).
//!
//! For rules 2–4, `map=swap` mirrors the result. When a capture holds several calls,
//! the one with the most RTP packets is converted and the others are reported.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};

use super::analysis::{Analysis, FlowAnalysis, FlowKey};

pub const INNOVAPHONE_LOCAL_PORT: u16 = 16386;
pub const INNOVAPHONE_REMOTE_PORT: u16 = 16388;

/// How the two sides are mapped to channels (`map=` on the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChannelMap {
    #[default]
    Auto,
    /// Recording made by a phone: the device's own side is the internal party.
    Phone,
    /// Recording made by a gateway interface: the device's own side is the external party.
    Gateway,
    /// The automatic choice, mirrored.
    Swap,
}

impl ChannelMap {
    pub fn parse(text: &str) -> Option<ChannelMap> {
        Some(match text {
            "auto" => ChannelMap::Auto,
            "phone" => ChannelMap::Phone,
            "gateway" => ChannelMap::Gateway,
            "swap" => ChannelMap::Swap,
            _ => return None,
        })
    }
}

/// The two channels of the output, as plain data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// Left channel.
    External,
    /// Right channel.
    Internal,
}

impl Party {
    /// `external` or `internal`, as reports and sidecars spell it.
    pub fn name(self) -> &'static str {
        match self {
            Party::External => "external",
            Party::Internal => "internal",
        }
    }

    pub fn channel(self) -> usize {
        match self {
            Party::External => 0,
            Party::Internal => 1,
        }
    }
}

/// The chosen call: its flows per party and why they were placed so.
#[derive(Debug, Clone, Default)]
pub struct CallSides {
    pub external: Vec<FlowKey>,
    pub internal: Vec<FlowKey>,
    pub rule: String,
    pub innovaphone: bool,
    /// The recording device's own flows (innovaphone: port 16386), whatever the map
    /// puts on which channel; empty where the capture does not say.
    pub device: Vec<FlowKey>,
    /// Media flows of other calls in the same capture.
    pub ignored: Vec<FlowKey>,
    pub warnings: Vec<String>,
}

impl CallSides {
    pub fn party_of(&self, key: &FlowKey) -> Option<Party> {
        if self.external.contains(key) {
            Some(Party::External)
        } else if self.internal.contains(key) {
            Some(Party::Internal)
        } else {
            None
        }
    }
}

/// Picks the call and assigns its sides. `None` when the capture holds no media stream.
pub fn choose(analysis: &Analysis, map: ChannelMap) -> Option<CallSides> {
    let mut media: Vec<&FlowAnalysis> = analysis.flows().iter().filter(|f| f.is_media()).collect();
    media.sort_by_key(|f| f.order);
    if media.is_empty() {
        return None;
    }
    if let Some(sides) = innovaphone_sides(&media, map) {
        return Some(sides);
    }

    let calls = group_calls(analysis, &media);
    let (best, _) = calls.iter().enumerate().max_by_key(|(i, call)| {
        (
            call.iter().map(|f| f.rtp_packets).sum::<u64>(),
            usize::MAX - i,
        )
    })?;
    let call = &calls[best];
    let ignored: Vec<FlowKey> = calls
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .flat_map(|(_, c)| c.iter().map(|f| f.key))
        .collect();

    // Split the call's flows into the two directions.
    let first = call[0].key;
    let (a, b): (Vec<&FlowAnalysis>, Vec<&FlowAnalysis>) = call
        .iter()
        .partition(|f| f.key.dst == first.dst || f.key.src == first.src);
    let a_keys: Vec<FlowKey> = a.iter().map(|f| f.key).collect();
    let b_keys: Vec<FlowKey> = b.iter().map(|f| f.key).collect();

    let (a_internal, rule) = decide_generic(analysis, &a, &b);
    let mirrored = map == ChannelMap::Swap;
    let mut warnings = Vec::new();
    if matches!(map, ChannelMap::Phone | ChannelMap::Gateway) {
        warnings.push(format!(
            "map={} applies to innovaphone recordings (ports {INNOVAPHONE_LOCAL_PORT}/{INNOVAPHONE_REMOTE_PORT}); this capture is mapped automatically",
            if map == ChannelMap::Phone { "phone" } else { "gateway" }
        ));
    }
    let a_internal = a_internal != mirrored;
    let (internal, external) = if a_internal {
        (a_keys, b_keys)
    } else {
        (b_keys, a_keys)
    };
    if !ignored.is_empty() {
        warnings.push(format!(
            "the capture holds {} more RTP stream(s) of another call; converted the call with the most packets",
            ignored.len()
        ));
    }
    Some(CallSides {
        external,
        internal,
        rule: if mirrored {
            format!("{rule}, mirrored by map=swap")
        } else {
            rule
        },
        innovaphone: false,
        device: Vec::new(),
        ignored,
        warnings,
    })
}

fn innovaphone_sides(media: &[&FlowAnalysis], map: ChannelMap) -> Option<CallSides> {
    let is_local = |k: &FlowKey| {
        k.src.port() == INNOVAPHONE_LOCAL_PORT
            || (k.src.port() != INNOVAPHONE_REMOTE_PORT && k.dst.port() == INNOVAPHONE_REMOTE_PORT)
    };
    let is_remote = |k: &FlowKey| {
        k.src.port() == INNOVAPHONE_REMOTE_PORT
            || (k.src.port() != INNOVAPHONE_LOCAL_PORT && k.dst.port() == INNOVAPHONE_LOCAL_PORT)
    };
    let local: Vec<FlowKey> = media
        .iter()
        .map(|f| f.key)
        .filter(|k| is_local(k))
        .collect();
    let remote: Vec<FlowKey> = media
        .iter()
        .map(|f| f.key)
        .filter(|k| is_remote(k) && !is_local(k))
        .collect();
    if local.is_empty() && remote.is_empty() {
        return None;
    }
    let ignored: Vec<FlowKey> = media
        .iter()
        .map(|f| f.key)
        .filter(|k| !local.contains(k) && !remote.contains(k))
        .collect();
    let device = local.clone();
    let (internal, external, rule) = match map {
        ChannelMap::Auto | ChannelMap::Phone => (
            local,
            remote,
            "innovaphone phone recording: device side (16386) right",
        ),
        ChannelMap::Swap => (
            remote,
            local,
            "innovaphone recording mirrored by map=swap: device side (16386) left",
        ),
        ChannelMap::Gateway => (
            remote,
            local,
            "innovaphone gateway recording: device side (16386) left",
        ),
    };
    let mut warnings = Vec::new();
    if !ignored.is_empty() {
        warnings.push(format!(
            "{} RTP stream(s) on other ports ignored",
            ignored.len()
        ));
    }
    Some(CallSides {
        external,
        internal,
        rule: rule.to_string(),
        innovaphone: true,
        device,
        ignored,
        warnings,
    })
}

/// Groups media flows into calls: the two directions of an address pair, and the
/// two media addresses of one SDP offer/answer (which covers asymmetric ports).
fn group_calls<'a>(analysis: &Analysis, media: &[&'a FlowAnalysis]) -> Vec<Vec<&'a FlowAnalysis>> {
    let index: HashMap<FlowKey, usize> =
        media.iter().enumerate().map(|(i, f)| (f.key, i)).collect();
    let mut parent: Vec<usize> = (0..media.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    for (i, f) in media.iter().enumerate() {
        if let Some(&j) = index.get(&f.key.reversed()) {
            union(&mut parent, i, j);
        }
    }
    let sdps = &analysis.payloads.descriptions;
    for pair in sdps.windows(2) {
        if pair[0].from_invite && !pair[1].from_invite {
            let to_offer: Vec<usize> = flows_to(media, pair[0].receive_at);
            let to_answer: Vec<usize> = flows_to(media, pair[1].receive_at);
            for &x in &to_offer {
                for &y in &to_answer {
                    union(&mut parent, x, y);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&FlowAnalysis>> = BTreeMap::new();
    for (i, flow) in media.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(*flow);
    }
    groups.into_values().collect()
}

fn flows_to(media: &[&FlowAnalysis], addr: SocketAddr) -> Vec<usize> {
    media
        .iter()
        .enumerate()
        .filter(|(_, f)| f.key.dst == addr)
        .map(|(i, _)| i)
        .collect()
}

/// Returns whether side `a` is internal, and the rule that decided it.
fn decide_generic(analysis: &Analysis, a: &[&FlowAnalysis], b: &[&FlowAnalysis]) -> (bool, String) {
    // Rule 2: the INVITE sender receives at its SDP address; the flows sent there are the
    // other party's, the flows sent from there are its own.
    for sdp in analysis
        .payloads
        .descriptions
        .iter()
        .filter(|s| s.from_invite)
    {
        let x = sdp.receive_at;
        let sends = |side: &[&FlowAnalysis]| side.iter().any(|f| f.key.src == x);
        let receives = |side: &[&FlowAnalysis]| side.iter().any(|f| f.key.dst == x);
        if sends(a) || receives(b) {
            return (true, "SIP: the INVITE's sender is internal (right)".into());
        }
        if sends(b) || receives(a) {
            return (false, "SIP: the INVITE's sender is internal (right)".into());
        }
    }
    // Rule 3: private versus public source address.
    let private = |side: &[&FlowAnalysis]| side.first().map(|f| is_private(f.key.src.ip()));
    if let (Some(pa), Some(pb)) = (private(a), private(b))
        && pa != pb
    {
        return (
            pa,
            "the side sending from a private address is internal (right)".into(),
        );
    }
    if b.is_empty()
        && let Some(pa) = private(a)
        && !pa
    {
        return (
            false,
            "one-way capture from a public address: external (left)".into(),
        );
    }
    // Rule 4: first packet.
    let first = |side: &[&FlowAnalysis]| side.iter().map(|f| f.order).min().unwrap_or(usize::MAX);
    (
        first(a) <= first(b),
        "the side that sent first is internal (right)".into(),
    )
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}
