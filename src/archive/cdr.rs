//! innovaphone PBX call detail records (the XML `<cdr>` the PBX sends per object and
//! call at the end of the call), and the call facts a record takes from them.
//!
//! A CDR describes the call from one object's point of view: the object (`e164`, `cn`)
//! is the internal party; the other party comes from the events (`e164`, `dn`), marked
//! `type="ext"` when it is external. `dir` and the first `setup-*` event give the
//! direction; event `time`s (seconds from the call start) give ring time and durations.

use serde::Deserialize;

/// A CDR file larger than this is not a CDR upload (the PBX buffers 300 kB at most).
pub const MAX_CDR_FILE: usize = 4 << 20;

/// One parsed `<cdr>` and its exact text.
#[derive(Debug, Clone, Deserialize)]
pub struct Cdr {
    #[serde(rename = "@guid", default)]
    pub guid: String,
    #[serde(rename = "@cn", default)]
    pub cn: String,
    #[serde(rename = "@e164", default)]
    pub e164: String,
    #[serde(rename = "@h323", default)]
    pub h323: String,
    #[serde(rename = "@dir", default)]
    pub dir: String,
    #[serde(rename = "@device", default)]
    pub device: Option<String>,
    #[serde(rename = "@utc", default)]
    pub utc: Option<i64>,
    #[serde(rename = "@local", default)]
    pub local: Option<i64>,
    #[serde(default)]
    pub user: Option<User>,
    #[serde(rename = "event", default)]
    pub events: Vec<Event>,
    #[serde(skip)]
    pub raw: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct User {
    #[serde(rename = "@pseudo", default)]
    pub pseudo: Option<String>,
    /// The groups the object is a member of (`<grp name="…"/>`).
    #[serde(rename = "grp", default)]
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Group {
    #[serde(rename = "@name", default)]
    pub name: Option<String>,
    #[serde(rename = "$text", default)]
    pub text: Option<String>,
}

impl Group {
    pub fn name(&self) -> &str {
        self.name.as_deref().or(self.text.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    #[serde(rename = "@msg", default)]
    pub msg: String,
    #[serde(rename = "@time", default)]
    pub time: Option<i64>,
    #[serde(rename = "@type", default)]
    pub kind: Option<String>,
    #[serde(rename = "@e164", default)]
    pub e164: Option<String>,
    #[serde(rename = "@h323", default)]
    pub h323: Option<String>,
    #[serde(rename = "@dn", default)]
    pub dn: Option<String>,
    #[serde(rename = "@conf", default)]
    pub conf: Option<String>,
    #[serde(rename = "@cause", default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub ep: Option<Endpoint>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Endpoint {
    #[serde(rename = "@e164", default)]
    pub e164: Option<String>,
    #[serde(rename = "@h323", default)]
    pub h323: Option<String>,
}

/// Why a CDR text was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CdrError(pub String);

/// Parses every `<cdr>…</cdr>` (or `<cdr …/>`) in `text`: one per line as the PBX
/// sends them, or concatenated. Text between them is ignored.
pub fn parse_cdrs(text: &str) -> Result<Vec<Cdr>, CdrError> {
    if text.len() > MAX_CDR_FILE {
        return Err(CdrError(format!(
            "CDR text of {} bytes is larger than {} bytes",
            text.len(),
            MAX_CDR_FILE
        )));
    }
    let mut cdrs = Vec::new();
    let mut rest = text;
    while let Some(start) = find_open_tag(rest) {
        let from = &rest[start..];
        let open_end = from
            .find('>')
            .ok_or_else(|| CdrError("a <cdr> tag is not closed".into()))?;
        let end = if from[..open_end].ends_with('/') {
            open_end + 1
        } else {
            from.find("</cdr>")
                .map(|e| e + "</cdr>".len())
                .ok_or_else(|| CdrError("a <cdr> element has no </cdr>".into()))?
        };
        let raw = &from[..end];
        let mut cdr: Cdr = quick_xml::de::from_str(raw)
            .map_err(|e| CdrError(format!("CDR {} is not valid: {e}", cdrs.len() + 1)))?;
        cdr.raw = raw.to_string();
        cdrs.push(cdr);
        rest = &from[end..];
    }
    if cdrs.is_empty() {
        return Err(CdrError("no <cdr> element found".into()));
    }
    Ok(cdrs)
}

fn find_open_tag(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("<cdr") {
        let at = from + i;
        match text.as_bytes().get(at + 4) {
            Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r') => return Some(at),
            _ => from = at + 4,
        }
    }
    None
}

/// The parties and times of one call as the CDR of one object tells them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFacts {
    pub internal_number: String,
    pub internal_name: Option<String>,
    pub external_number: String,
    pub external_name: Option<String>,
    /// The other party is outside the PBX (`type="ext"` seen).
    pub external_is_trunk: bool,
    pub outgoing: bool,
    /// Unix seconds of the call start.
    pub start_utc: i64,
    /// Seconds the PBX's local time is ahead of UTC (from the `local` attribute).
    pub local_offset_s: Option<i32>,
    pub time_to_answer_s: u32,
    pub duration_s: u32,
    pub connected_s: Option<u32>,
    /// Every conference id in the CDR, first one first.
    pub conferences: Vec<String>,
}

impl Cdr {
    /// Every conference id the events carry, in order, without repeats.
    pub fn conferences(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.events.iter().filter_map(|e| e.conf.as_deref()) {
            let c = c.to_ascii_lowercase();
            if !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Whether the object is a member of the group (case-insensitive).
    pub fn in_group(&self, group: &str) -> bool {
        self.user.as_ref().is_some_and(|u| {
            u.groups
                .iter()
                .any(|g| g.name().eq_ignore_ascii_case(group))
        })
    }

    /// The object rang or talked in this CDR (an `alert-*` or `conn-*` event), or started
    /// the call; an object that only diverted the call (`cf`) did neither.
    pub fn took_part(&self) -> bool {
        self.dir == "from"
            || (self.dir == "to"
                && self
                    .events
                    .iter()
                    .any(|e| e.msg.starts_with("alert-") || e.msg.starts_with("conn-")))
    }

    /// When the call ended by the PBX's clock: `utc` plus the last event's time.
    pub fn end_utc(&self) -> Option<i64> {
        let last = self.events.iter().filter_map(|e| e.time).max().unwrap_or(0);
        self.utc.map(|utc| utc.saturating_add(last))
    }

    /// A trunk or other pseudo object, not a user.
    pub fn is_pseudo(&self) -> bool {
        self.user
            .as_ref()
            .and_then(|u| u.pseudo.as_deref())
            .is_some()
    }

    /// What a record needs from this CDR.
    pub fn facts(&self) -> CallFacts {
        let first_time = |prefix: &str| {
            self.events
                .iter()
                .find(|e| e.msg.starts_with(prefix))
                .and_then(|e| e.time)
        };
        let outgoing = match self.dir.as_str() {
            "from" => true,
            "to" => false,
            _ => self
                .events
                .iter()
                .find(|e| e.msg.starts_with("setup-"))
                .is_some_and(|e| e.msg == "setup-from"),
        };
        let number_of = |e: &Event| {
            e.ep.as_ref()
                .and_then(|ep| ep.e164.clone().or(ep.h323.clone()))
                .or(e.e164.clone())
                .or(e.h323.clone())
                .unwrap_or_default()
        };
        // The external party, as the seed finds it: the longest number involved (a
        // transfer or consultation brings internal numbers into the CDR, and they are
        // shorter; names are no numbers). Of equally long ones: whoever this object was connected to first,
        // else whoever rang.
        let own = |e: &&Event| number_of(e) == self.e164;
        let first = self
            .events
            .iter()
            .filter(|e| has_number(e))
            .filter(|e| !own(e))
            .find(|e| e.msg.starts_with("conn-"))
            .or_else(|| {
                self.events
                    .iter()
                    .filter(|e| has_number(e))
                    .find(|e| !own(e))
            });
        let dialable = |e: &&Event| {
            let n = number_of(e);
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
        };
        let longest = self
            .events
            .iter()
            .filter(|e| has_number(e))
            .filter(|e| !own(e))
            .filter(dialable)
            .fold(None::<&Event>, |best, e| match best {
                Some(b) if number_of(b).len() >= number_of(e).len() => Some(b),
                _ => Some(e),
            });
        let other = match (first, longest) {
            (Some(f), Some(l)) if number_of(f).len() >= number_of(l).len() => Some(f),
            (_, Some(l)) => Some(l),
            (f, None) => f,
        };
        let setup = first_time("setup-").unwrap_or(0);
        let conn = first_time("conn-");
        let end = self
            .events
            .iter()
            .filter(|e| e.msg.starts_with("rel-") || e.msg.starts_with("disc-"))
            .filter_map(|e| e.time)
            .next()
            .or_else(|| self.events.iter().filter_map(|e| e.time).max())
            .unwrap_or(setup);
        let seconds = |from: i64, to: i64| u32::try_from((to - from).max(0)).unwrap_or(u32::MAX);
        CallFacts {
            internal_number: if self.e164.is_empty() {
                self.h323.clone()
            } else {
                self.e164.clone()
            },
            internal_name: (!self.cn.is_empty()).then(|| self.cn.clone()),
            external_number: other.map(number_of).unwrap_or_default(),
            external_name: other.and_then(|e| e.dn.clone()),
            external_is_trunk: self.events.iter().any(|e| e.kind.as_deref() == Some("ext")),
            outgoing,
            start_utc: self.utc.unwrap_or(0),
            local_offset_s: match (self.utc, self.local) {
                (Some(u), Some(l)) if (l - u).abs() <= 18 * 3600 => Some((l - u) as i32),
                _ => None,
            },
            time_to_answer_s: seconds(setup, conn.unwrap_or(end)),
            duration_s: seconds(setup, end),
            connected_s: conn.map(|c| seconds(c, end)),
            conferences: self.conferences(),
        }
    }
}

fn has_number(e: &Event) -> bool {
    e.e164.is_some() || e.h323.is_some() || e.ep.as_ref().is_some_and(|ep| ep.e164.is_some())
}

/// Picks the CDR that books a recording: one of a user (not a trunk or other pseudo
/// object) with the conference id, preferring the object that had a device in the
/// call and started or received it (`from`/`to` before `cf`/`ct`).
pub fn cdr_for_conference<'a>(cdrs: &'a [Cdr], conf: Option<&str>) -> Option<&'a Cdr> {
    let matches = |c: &&Cdr| match conf {
        Some(conf) => c.conferences().iter().any(|x| x.eq_ignore_ascii_case(conf)),
        None => true,
    };
    let rank = |c: &Cdr| {
        (
            c.is_pseudo(),
            c.device.is_none(),
            !matches!(c.dir.as_str(), "from" | "to"),
        )
    };
    cdrs.iter().filter(matches).min_by_key(|c| rank(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASIC: &str = r#"<cdr guid="e78c" sys="PBX" pbx="." node="root" device="a" cn="A" e164="100" h323="a" dir="from" utc="1272551262" local="1272558462"><user/><event msg="setup-from" time="0" conf="e89277f0e909d31192e80090331032dd"/><event msg="alert-to" time="1" e164="101" h323="b"/><event msg="conn-to" time="2" e164="101" h323="b"/><event msg="rel-to" time="4" cause="0"/></cdr>
<cdr guid="9362" sys="PBX" pbx="." node="root" device="b" cn="B" e164="101" h323="b" dir="to" utc="1272551263" local="1272558463"><user/><event msg="setup-to" time="0" e164="100" h323="a" conf="e89277f0e909d31192e80090331032dd"/><event msg="alert-from" time="0" e164="100" h323="a"/><event msg="conn-from" time="1" e164="100" h323="a"/><event msg="rel-from" time="3" cause="0"/></cdr>"#;

    #[test]
    fn reads_both_sides_of_a_basic_call() {
        let cdrs = parse_cdrs(BASIC).unwrap();
        assert_eq!(cdrs.len(), 2);
        let a = cdrs[0].facts();
        assert_eq!(a.internal_number, "100");
        assert_eq!(a.internal_name.as_deref(), Some("A"));
        assert_eq!(a.external_number, "101");
        assert!(a.outgoing);
        assert_eq!(a.time_to_answer_s, 2);
        assert_eq!(a.duration_s, 4);
        assert_eq!(a.connected_s, Some(2));
        assert_eq!(a.local_offset_s, Some(7200));
        let b = cdrs[1].facts();
        assert!(!b.outgoing);
        assert_eq!(b.external_number, "100");
        assert!(cdrs[1].raw.starts_with("<cdr guid=\"9362\""));
        assert!(cdrs[1].raw.ends_with("</cdr>"));
    }

    #[test]
    fn bad_cdr_text_is_an_error() {
        assert!(parse_cdrs("").is_err());
        assert!(parse_cdrs("<cdr dir=\"from\"").is_err());
        assert!(parse_cdrs("<cdr utc=\"x\"></cdr>").is_err());
        assert!(parse_cdrs("<cdrs/>").is_err());
    }
}
