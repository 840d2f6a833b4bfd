//! The recording rules: given every CDR of a call, is the recording kept, and under
//! which agent?
//!
//! An *agent* is a user licensed for recording: a member of the recording group (the
//! CDR's `<grp>` list) or listed in the setup (`agents=`). With neither configured,
//! every user is an agent (record everything). The rule, from the seed's table:
//!
//! 1. The call's CDRs are those of users (not trunks or other pseudo objects) that
//!    carry the recording's conference id, also on a later event (a transfer brings the
//!    other leg's conference id into a CDR).
//! 2. An agent *took part* when it started the call, or rang or talked in it. An agent
//!    that only diverted the call (unconditional or busy forward: a `cf` CDR and no ring)
//!    did not.
//! 3. The call belongs to the agent who took part first; none took part: not kept.
//!
//! This gives the seed's answers for direct calls, pick-ups, forwards (CFU, CFB, CFNR)
//! and transfers between agents and users (the table-driven test below has every row).
//! Two rows differ on purpose, both towards keeping, because a record deleted by mistake
//! cannot come back: a call to a broadcast group that rang agents but was answered by a
//! user is kept (the seed deletes it), and so is "Agent calls User, User transfers to
//! External", where the agent ends up talking to the external party.

use crate::archive::cdr::Cdr;

/// Who is an agent.
#[derive(Debug, Clone, Default)]
pub struct Agents {
    /// Extensions listed in the setup.
    pub numbers: Vec<String>,
    /// The recording group's name.
    pub group: Option<String>,
    /// At most this many distinct agents are recorded (licences); 0: no limit.
    pub licences: usize,
}

impl Agents {
    /// Nothing configured: every user is recorded.
    pub fn everyone(&self) -> bool {
        self.numbers.is_empty() && self.group.is_none()
    }

    pub fn is_agent(&self, cdr: &Cdr) -> bool {
        if cdr.is_pseudo() {
            return false;
        }
        self.everyone()
            || self.numbers.contains(&cdr.e164)
            || self.group.as_deref().is_some_and(|g| cdr.in_group(g))
    }
}

/// The verdict on one recording.
#[derive(Debug, Clone)]
pub enum Decision<'a> {
    /// Keep it, booked under this agent's CDR.
    Keep(&'a Cdr),
    /// Not kept: no agent took part.
    Drop(String),
    /// No CDR carries this conference id (yet).
    NoCdr,
}

/// Applies the rules to the CDRs of the call with conference id `conf`.
pub fn decide<'a>(
    conf: &str,
    cdrs: impl IntoIterator<Item = &'a Cdr>,
    agents: &Agents,
) -> Decision<'a> {
    let call: Vec<&Cdr> = cdrs
        .into_iter()
        .filter(|c| c.conferences().iter().any(|x| x.eq_ignore_ascii_case(conf)))
        .collect();
    if call.is_empty() {
        return Decision::NoCdr;
    }
    let owner = call
        .iter()
        .filter(|c| agents.is_agent(c) && c.took_part())
        .min_by_key(|c| (c.utc.unwrap_or(i64::MAX), c.dir != "from"));
    match owner {
        Some(c) => Decision::Keep(c),
        None => Decision::Drop(
            if call.iter().all(|c| c.is_pseudo()) {
                "only trunk CDRs: no user took part"
            } else {
                "no agent took part in the call"
            }
            .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::cdr::parse_cdrs;

    const CONF: &str = "c0c0c0c0e909d31192e80090331032dd";
    const OTHER: &str = "d1d1d1d1e909d31192e80090331032dd";
    const EXT: &str = "00301234567";

    /// One object's CDR: `events` as (msg, time, other party number, conf?).
    fn cdr(e164: &str, dir: &str, utc: i64, events: &[(&str, i64, &str, Option<&str>)]) -> String {
        let mut s = format!(
            "<cdr guid=\"g{e164}\" cn=\"N{e164}\" e164=\"{e164}\" h323=\"h{e164}\" dir=\"{dir}\" utc=\"{utc}\"><user/>"
        );
        for (msg, time, other, conf) in events {
            s.push_str(&format!("<event msg=\"{msg}\" time=\"{time}\""));
            if !other.is_empty() {
                let ext = if *other == EXT { " type=\"ext\"" } else { "" };
                s.push_str(&format!(" e164=\"{other}\"{ext}"));
            }
            if let Some(c) = conf {
                s.push_str(&format!(" conf=\"{c}\""));
            }
            s.push_str("/>");
        }
        s.push_str("</cdr>\n");
        s
    }

    fn trunk(dir: &str, utc: i64) -> String {
        format!(
            "<cdr guid=\"gt\" cn=\"trunk\" e164=\"0\" dir=\"{dir}\" utc=\"{utc}\"><user pseudo=\"trunk\"/>\
             <event msg=\"setup-from\" time=\"0\" type=\"ext\" e164=\"{EXT}\" conf=\"{CONF}\"/></cdr>\n"
        )
    }

    /// Agents are 20–29, users 30–39.
    fn agents() -> Agents {
        Agents {
            numbers: (20..30).map(|n| n.to_string()).collect(),
            group: None,
            licences: 0,
        }
    }

    fn owner(text: &str) -> Option<String> {
        let cdrs = parse_cdrs(text).unwrap();
        match decide(CONF, &cdrs, &agents()) {
            Decision::Keep(c) => Some(c.e164.clone()),
            Decision::Drop(_) => None,
            Decision::NoCdr => panic!("no CDR"),
        }
    }

    fn incoming_answered(who: &str, utc: i64) -> String {
        cdr(
            who,
            "to",
            utc,
            &[
                ("setup-to", 0, EXT, Some(CONF)),
                ("alert-from", 0, EXT, None),
                ("conn-from", 2, EXT, None),
                ("rel-from", 30, "", None),
            ],
        )
    }

    fn rang_only(who: &str, utc: i64) -> String {
        cdr(
            who,
            "to",
            utc,
            &[
                ("setup-to", 0, EXT, Some(CONF)),
                ("alert-from", 0, EXT, None),
                ("rel-to", 4, "", None),
            ],
        )
    }

    fn outgoing(who: &str, utc: i64) -> String {
        cdr(
            who,
            "from",
            utc,
            &[
                ("setup-from", 0, "", Some(CONF)),
                ("alert-to", 1, EXT, None),
                ("conn-to", 3, EXT, None),
                ("rel-to", 40, "", None),
            ],
        )
    }

    /// `who` had the call diverted without ringing (CFU, or CFB while busy).
    fn diverted(who: &str, to: &str, utc: i64) -> String {
        cdr(
            who,
            "cf",
            utc,
            &[
                ("setup-to", 0, EXT, Some(CONF)),
                ("cf-from", 0, to, None),
                ("conn-to", 3, to, None),
                ("rel-to", 30, "", None),
            ],
        )
    }

    /// `who` joined the recorded call later through a transfer (its own consultation
    /// call had conference `OTHER`, the transfer brought `CONF` in).
    fn transferred_in(who: &str, utc: i64) -> String {
        cdr(
            who,
            "to",
            utc,
            &[
                ("setup-to", 0, "", Some(OTHER)),
                ("alert-from", 0, "", None),
                ("conn-from", 1, "", None),
                ("transfer-from", 9, "", Some(CONF)),
                ("rel-from", 40, "", None),
            ],
        )
    }

    /// `who` started a consultation (conference `OTHER`) and transferred the recorded call.
    fn transferred_out(who: &str, first: &str, utc: i64) -> String {
        format!(
            "{}{}",
            first,
            cdr(
                who,
                "ct",
                utc,
                &[("transfer-to", 9, "", Some(CONF)), ("rel-to", 9, "", None)]
            )
        )
    }

    #[test]
    fn the_seed_recording_rules_table() {
        let t = 1_790_000_000;
        let rows: Vec<(&str, String, Option<&str>)> = vec![
            (
                "External call to Agent = Agent",
                incoming_answered("21", t),
                Some("21"),
            ),
            (
                "External call to User = Deleted",
                incoming_answered("31", t),
                None,
            ),
            (
                "External call to Agent, User pick-up the call = Agent",
                rang_only("21", t) + &incoming_answered("31", t + 4),
                Some("21"),
            ),
            (
                "External call to User, Agent pick-up the call = Agent",
                rang_only("31", t) + &incoming_answered("21", t + 4),
                Some("21"),
            ),
            (
                "External call to broadcast group, Agent answer = Agent",
                rang_only("31", t) + &incoming_answered("21", t),
                Some("21"),
            ),
            (
                "External call to User, User hold and transfer to Agent = Agent",
                transferred_out("31", &incoming_answered("31", t), t + 9)
                    + &transferred_in("21", t + 5),
                Some("21"),
            ),
            (
                "External call to Agent A, Agent A hold and transfer to Agent B = Agent A",
                transferred_out("21", &incoming_answered("21", t), t + 9)
                    + &transferred_in("22", t + 5),
                Some("21"),
            ),
            (
                "External call to Agent A, Agent B pick up the call = Agent A",
                rang_only("21", t) + &incoming_answered("22", t + 4),
                Some("21"),
            ),
            ("Agent call External = Agent", outgoing("21", t), Some("21")),
            (
                "Agent call External, Agent hold and call transfer to User = Agent",
                transferred_out("21", &outgoing("21", t), t + 9) + &transferred_in("31", t + 5),
                Some("21"),
            ),
            (
                "Agent A call External, Agent A hold and transfer to Agent B = Agent A",
                transferred_out("21", &outgoing("21", t), t + 9) + &transferred_in("22", t + 5),
                Some("21"),
            ),
            (
                "User call External, User hold and transfer to Agent = Agent",
                transferred_out("31", &outgoing("31", t), t + 9) + &transferred_in("21", t + 5),
                Some("21"),
            ),
            ("User call External = Deleted", outgoing("31", t), None),
            (
                "User call to Agent, Agent hold and transfer to External = Agent",
                transferred_out("21", &outgoing("21", t), t + 9),
                Some("21"),
            ),
            (
                "User call External, User hold and talking with Agent but no call transfer = Deleted",
                outgoing("31", t),
                None,
            ),
            (
                "User call Agent, Agent hold and Agent talk with External = Agent",
                outgoing("21", t),
                Some("21"),
            ),
            (
                "Agent call External, Agent hold and talk with User but no call transfer = Agent",
                outgoing("21", t),
                Some("21"),
            ),
            (
                "External call to Agent, Agent has CFU to a User = Deleted",
                diverted("21", "31", t) + &incoming_answered("31", t),
                None,
            ),
            (
                "External Call to Agent, Agent has CFB to a User and is busy = Deleted",
                diverted("21", "31", t) + &incoming_answered("31", t),
                None,
            ),
            (
                "External Call to Agent, CFNR to a User, User answer after timeout = Agent",
                rang_only("21", t) + &diverted("21", "31", t + 5) + &incoming_answered("31", t + 5),
                Some("21"),
            ),
            (
                "External call to Agent A, CFU to Agent B = Agent B",
                diverted("21", "22", t) + &incoming_answered("22", t),
                Some("22"),
            ),
            (
                "External Call to Agent A, CFB to Agent B and is busy = Agent B",
                diverted("21", "22", t) + &incoming_answered("22", t),
                Some("22"),
            ),
            (
                "External Call to Agent A, CFNR to Agent B, Agent B answer after timeout = Agent A",
                rang_only("21", t) + &diverted("21", "22", t + 5) + &incoming_answered("22", t + 5),
                Some("21"),
            ),
            ("a trunk CDR alone books nobody", trunk("from", t), None),
        ];
        for (row, cdrs, expected) in rows {
            assert_eq!(owner(&cdrs).as_deref(), expected, "{row}");
        }
    }

    #[test]
    fn without_agents_configured_every_call_is_kept_and_unknown_confs_wait() {
        let cdrs = parse_cdrs(&incoming_answered("31", 1)).unwrap();
        assert!(
            matches!(decide(CONF, &cdrs, &Agents::default()), Decision::Keep(c) if c.e164 == "31")
        );
        assert!(matches!(
            decide(OTHER, &cdrs, &Agents::default()),
            Decision::NoCdr
        ));
        let group = Agents {
            group: Some("Recording".into()),
            ..Agents::default()
        };
        let member = "<cdr e164=\"40\" dir=\"from\" utc=\"1\"><user><grp name=\"recording\"/></user>\
                      <event msg=\"setup-from\" time=\"0\" conf=\"c0c0c0c0e909d31192e80090331032dd\"/></cdr>";
        let cdrs = parse_cdrs(member).unwrap();
        assert!(matches!(decide(CONF, &cdrs, &group), Decision::Keep(_)));
    }
}
