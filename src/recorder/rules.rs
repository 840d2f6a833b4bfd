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
//! This gives the seed's answers for direct calls, pick-ups, forwards (CFU, CFB, CFNR),
//! waiting queues and transfers between agents and users (the table-driven test below
//! has every row, each with the CDRs of its own scenario). Four rows differ on purpose,
//! all towards keeping, because a record deleted by mistake cannot come back: a call to
//! a broadcast group that rang agents but was answered by a user is kept (the seed
//! deletes it); so is "Agent calls User, User transfers to External", where the agent
//! ends up talking to the external party; and so are the two waiting-queue rows of
//! build 1185 that delete a call an agent talked in ("Agent transfers to User with
//! announcement", "User transfers to Agent").
//!
//! In TCR mode, a call between two agents is kept only by the called agent's mark (the
//! seed's note): see [`tcr_marker`].

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

/// Whose TCR mark keeps the call booked under `owner`: the owner's, except when the
/// owner, an agent, called another agent: then the seed counts only the called agent's
/// mark (the caller dialling the code keeps nothing).
pub fn tcr_marker<'a>(owner: &'a Cdr, call: &[&'a Cdr], agents: &Agents) -> &'a str {
    if owner.dir != "from" {
        return &owner.e164;
    }
    let called = owner.facts().external_number;
    call.iter()
        .find(|c| c.e164 == called && c.e164 != owner.e164 && c.dir == "to" && agents.is_agent(c))
        .map_or(&owner.e164, |c| &c.e164)
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

    /// `who` joined the recorded call later through a transfer by `by` (its
    /// consultation call had conference `OTHER`, the transfer brought `CONF` and the
    /// external party in).
    fn transferred_in(who: &str, by: &str, utc: i64) -> String {
        cdr(
            who,
            "to",
            utc,
            &[
                ("setup-to", 0, by, Some(OTHER)),
                ("alert-from", 0, by, None),
                ("conn-from", 1, by, None),
                ("transfer-from", 9, EXT, Some(CONF)),
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

    /// `who` calls `whom` inside the PBX: no trunk, so no recording of its own;
    /// conference `conf`.
    fn internal_call(who: &str, whom: &str, utc: i64, conf: &str) -> String {
        cdr(
            who,
            "from",
            utc,
            &[
                ("setup-from", 0, "", Some(conf)),
                ("alert-to", 0, whom, None),
                ("conn-to", 2, whom, None),
                ("rel-to", 20, "", None),
            ],
        ) + &cdr(
            whom,
            "to",
            utc,
            &[
                ("setup-to", 0, who, Some(conf)),
                ("alert-from", 0, who, None),
                ("conn-from", 2, who, None),
                ("rel-from", 20, "", None),
            ],
        )
    }

    /// `who`, in an internal call (conference `OTHER`), puts it on hold, calls the
    /// external party (the recorded conference) and transfers: the one it talked to
    /// first ends up with the external party.
    fn consult_external_and_transfer(
        who: &str,
        talked_to: &str,
        first_from: bool,
        utc: i64,
    ) -> String {
        let (caller, called) = if first_from {
            (who, talked_to)
        } else {
            (talked_to, who)
        };
        let first = internal_call(caller, called, utc, OTHER);
        // the transferred party's CDR goes on with the external party
        let joined = cdr(
            talked_to,
            "ct",
            utc + 9,
            &[
                ("transfer-from", 9, EXT, Some(CONF)),
                ("rel-from", 40, "", None),
            ],
        );
        let consultation = cdr(
            who,
            "from",
            utc + 5,
            &[
                ("setup-from", 0, "", Some(CONF)),
                ("alert-to", 1, EXT, None),
                ("conn-to", 3, EXT, None),
                ("transfer-to", 4, talked_to, None),
                ("rel-to", 4, "", None),
            ],
        );
        first + &consultation + &joined
    }

    /// `agent` called `user` (conference `OTHER`); the user consulted the external
    /// party (the recorded conference) and transferred the agent to it: the agent's
    /// CDR goes on with the external number.
    fn user_transfers_external_to(agent: &str, user: &str, utc: i64) -> String {
        let first = cdr(
            agent,
            "from",
            utc,
            &[
                ("setup-from", 0, "", Some(OTHER)),
                ("alert-to", 0, user, None),
                ("conn-to", 2, user, None),
                ("transfer-from", 9, EXT, Some(CONF)),
                ("rel-to", 40, "", None),
            ],
        );
        let callee = cdr(
            user,
            "to",
            utc,
            &[
                ("setup-to", 0, agent, Some(OTHER)),
                ("alert-from", 0, agent, None),
                ("conn-from", 2, agent, None),
                ("rel-from", 9, "", None),
            ],
        );
        let consultation = cdr(
            user,
            "from",
            utc + 5,
            &[
                ("setup-from", 0, "", Some(CONF)),
                ("alert-to", 1, EXT, None),
                ("conn-to", 3, EXT, None),
                ("transfer-to", 4, agent, None),
                ("rel-to", 4, "", None),
            ],
        );
        first + &callee + &consultation
    }

    /// A waiting queue or an XML (IVR) object: a pseudo object that answers the
    /// external caller.
    fn object(kind: &str, number: &str, utc: i64) -> String {
        format!(
            "<cdr guid=\"g{kind}{utc}\" cn=\"{kind}\" e164=\"{number}\" dir=\"to\" utc=\"{utc}\">\
             <user pseudo=\"{kind}\"/>\
             <event msg=\"setup-to\" time=\"0\" type=\"ext\" e164=\"{EXT}\" conf=\"{CONF}\"/>\
             <event msg=\"conn-from\" time=\"0\" type=\"ext\" e164=\"{EXT}\"/>\
             <event msg=\"rel-from\" time=\"5\"/></cdr>\n"
        )
    }

    /// `who` is called by the waiting queue (and talks), then hands the call on:
    /// blind (the next one's CDR carries the recorded conference from its start) or
    /// with announcement (a consultation call first, `transferred_in`).
    fn from_queue_and_transfer(who: &str, to: &str, announced: bool, utc: i64) -> String {
        let taken = transferred_out(who, &incoming_answered(who, utc), utc + 9);
        let next = if announced {
            transferred_in(to, who, utc + 5)
        } else {
            incoming_answered(to, utc + 9)
        };
        object("waiting", "800", utc - 30) + &taken + &next
    }

    /// Each row of the seed's table (recording on a gateway), with the CDRs of its
    /// own scenario, so that each can fail alone. `Some(agent)`: kept under that
    /// agent, whose record then names the external party.
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
                "External call to broadcast group, User answer = Agent (the seed deletes it; kept on purpose)",
                rang_only("21", t) + &incoming_answered("31", t),
                Some("21"),
            ),
            (
                "External call to User, User hold and transfer to Agent = Agent",
                transferred_out("31", &incoming_answered("31", t), t + 9)
                    + &transferred_in("21", "31", t + 5),
                Some("21"),
            ),
            (
                "External call to Agent A, Agent A hold and transfer to Agent B = Agent A",
                transferred_out("21", &incoming_answered("21", t), t + 9)
                    + &transferred_in("22", "21", t + 5),
                Some("21"),
            ),
            (
                "External call to Agent A, Agent B pick up the call = Agent A",
                rang_only("21", t) + &incoming_answered("22", t + 4),
                Some("21"),
            ),
            (
                "External call to WQ, WQ call XML with DTMF input, XML call WQ, WQ call Agent = Agent",
                object("waiting", "800", t)
                    + &object("xml", "8011234567890", t + 5)
                    + &object("waiting", "800", t + 20)
                    + &incoming_answered("21", t + 30),
                Some("21"),
            ),
            (
                "External call to WQ, Agent A transfer call to Agent with announcement = Agent A",
                from_queue_and_transfer("21", "22", true, t),
                Some("21"),
            ),
            (
                "External call to WQ, Agent A transfer call to Agent without announcement = Agent A",
                from_queue_and_transfer("21", "22", false, t),
                Some("21"),
            ),
            (
                "External call to WQ, Agent transfer call to User without announcement = Agent",
                from_queue_and_transfer("21", "31", false, t),
                Some("21"),
            ),
            (
                "External call to WQ, Agent transfer call to User with announcement = Agent (the seed deletes it; kept on purpose)",
                from_queue_and_transfer("21", "31", true, t),
                Some("21"),
            ),
            (
                "External call to WQ, User transfer call with announcement to Agent = Agent (the seed deletes it; kept on purpose)",
                from_queue_and_transfer("31", "21", true, t),
                Some("21"),
            ),
            (
                "External call to WQ, User transfer call without announcement to Agent = Agent (the seed deletes it; kept on purpose)",
                from_queue_and_transfer("31", "21", false, t),
                Some("21"),
            ),
            ("Agent call External = Agent", outgoing("21", t), Some("21")),
            (
                "Agent call External, Agent hold and call transfer to User = Agent",
                transferred_out("21", &outgoing("21", t), t + 9)
                    + &transferred_in("31", "21", t + 5),
                Some("21"),
            ),
            (
                "Agent call User, User hold and transfer to External = Agent (the seed deletes it; kept on purpose)",
                user_transfers_external_to("21", "31", t),
                Some("21"),
            ),
            (
                "Agent call External, Agent hold and talk with User but no call transfer = Agent",
                outgoing("21", t) + &internal_call("21", "31", t + 5, OTHER),
                Some("21"),
            ),
            (
                "Agent A call External, Agent A hold and transfer to Agent B = Agent A",
                transferred_out("21", &outgoing("21", t), t + 9)
                    + &transferred_in("22", "21", t + 5),
                Some("21"),
            ),
            (
                "Agent B call External, Agent B hold and transfer to Agent A = Agent B",
                transferred_out("22", &outgoing("22", t), t + 9)
                    + &transferred_in("21", "22", t + 5),
                Some("22"),
            ),
            (
                "User call to Agent, Agent hold and transfer to External = Agent",
                consult_external_and_transfer("21", "31", false, t),
                Some("21"),
            ),
            (
                "User call External, User hold and transfer to Agent = Agent",
                transferred_out("31", &outgoing("31", t), t + 9)
                    + &transferred_in("21", "31", t + 5),
                Some("21"),
            ),
            ("User call External = Deleted", outgoing("31", t), None),
            (
                "User call External, User hold and talking with Agent but no call transfer = Deleted",
                outgoing("31", t) + &internal_call("31", "21", t + 5, OTHER),
                None,
            ),
            (
                "User call Agent, Agent hold and Agent talk with External = Agent",
                internal_call("31", "21", t, OTHER) + &outgoing("21", t + 5),
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
        let mut failed = Vec::new();
        for (row, text, expected) in rows {
            let cdrs = parse_cdrs(&text).unwrap();
            let got = match decide(CONF, &cdrs, &agents()) {
                Decision::Keep(c) => Some(c),
                Decision::Drop(_) => None,
                Decision::NoCdr => panic!("{row}: no CDR"),
            };
            let owner = got.map(|c| c.e164.as_str());
            if owner != expected {
                failed.push(format!("{row}: booked under {owner:?}"));
            } else if let Some(c) = got
                && c.facts().external_number != EXT
            {
                failed.push(format!(
                    "{row}: names {} as the external party",
                    c.facts().external_number
                ));
            }
        }
        assert!(failed.is_empty(), "rows that fail:\n{}", failed.join("\n"));
    }

    #[test]
    fn the_external_party_is_the_longest_number_involved() {
        // an agent transferred by a user to the external party: connected to the user
        // first, then to the external number, which names the record
        let text = user_transfers_external_to("21", "31", 1);
        let cdrs = parse_cdrs(&text).unwrap();
        let Decision::Keep(owner) = decide(CONF, &cdrs, &agents()) else {
            panic!("kept");
        };
        assert_eq!(owner.facts().external_number, EXT);
        // of two numbers as long, the one connected first
        let text = cdr(
            "21",
            "from",
            1,
            &[
                ("setup-from", 0, "", Some(CONF)),
                ("alert-to", 0, "4711", None),
                ("conn-to", 2, "4712", None),
                ("rel-to", 9, "", None),
            ],
        );
        assert_eq!(
            parse_cdrs(&text).unwrap()[0].facts().external_number,
            "4712"
        );
    }

    #[test]
    fn tcr_agent_to_agent_the_called_agent_marks() {
        let text = internal_call("21", "22", 1, CONF);
        let cdrs = parse_cdrs(&text).unwrap();
        let Decision::Keep(owner) = decide(CONF, &cdrs, &agents()) else {
            panic!("kept");
        };
        assert_eq!(owner.e164, "21", "booked under the caller");
        let call: Vec<&Cdr> = cdrs.iter().collect();
        assert_eq!(
            tcr_marker(owner, &call, &agents()),
            "22",
            "but marked by the called agent"
        );
        // an agent calling a user, or called from outside: its own mark
        let text = internal_call("21", "31", 1, CONF);
        let cdrs = parse_cdrs(&text).unwrap();
        let call: Vec<&Cdr> = cdrs.iter().collect();
        assert_eq!(tcr_marker(call[0], &call, &agents()), "21");
        let text = incoming_answered("21", 1);
        let cdrs = parse_cdrs(&text).unwrap();
        let call: Vec<&Cdr> = cdrs.iter().collect();
        assert_eq!(tcr_marker(call[0], &call, &agents()), "21");
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
