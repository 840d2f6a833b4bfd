//! TANs dialled during the call, as in the seed: the agent, while talking, dials the
//! TAN prefix (a voicemail object on the PBX) followed by the 6-digit TAN. That short
//! call is in the PBX's CDRs like any other, so the recorder finds it there — the
//! recorder need not be online while it happens. The TAN goes into the record's name
//! (`_T123456`) and sidecar.

use crate::archive::cdr::Cdr;

/// Seconds before the call's start and after its end in which a TAN call still counts
/// (clock steps between the CDRs of one PBX are whole seconds).
const SLACK_S: i64 = 2;

/// The TAN `agent` dialled between `start_utc` and `end_utc`, if any: the number
/// called is `prefix` followed by exactly six digits. With several, the last one wins
/// (the agent corrected a mistake).
pub fn dialled_tan<'a>(
    cdrs: impl IntoIterator<Item = &'a Cdr>,
    agent: &str,
    start_utc: i64,
    end_utc: i64,
    prefix: &str,
) -> Option<String> {
    if prefix.is_empty() {
        return None;
    }
    cdrs.into_iter()
        .filter(|c| c.e164 == agent)
        .filter(|c| {
            c.utc
                .is_some_and(|t| t >= start_utc - SLACK_S && t <= end_utc + SLACK_S)
        })
        .flat_map(|c| {
            c.events.iter().filter_map(move |e| {
                let number =
                    e.ep.as_ref()
                        .and_then(|ep| ep.e164.as_deref())
                        .or(e.e164.as_deref())?;
                let tan = number.strip_prefix(prefix)?;
                (tan.len() == 6 && tan.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| (c.utc.unwrap_or(0) + e.time.unwrap_or(0), tan.to_string()))
            })
        })
        .max_by_key(|(at, _)| *at)
        .map(|(_, tan)| tan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::cdr::parse_cdrs;

    fn tan_call(agent: &str, utc: i64, dialled: &str) -> String {
        format!(
            "<cdr guid=\"t{utc}\" cn=\"A\" e164=\"{agent}\" dir=\"from\" utc=\"{utc}\"><user/>\
             <event msg=\"setup-from\" time=\"0\" conf=\"ffff{utc:028}\"/>\
             <event msg=\"conn-to\" time=\"1\" e164=\"{dialled}\"/><event msg=\"rel-to\" time=\"3\"/></cdr>\n"
        )
    }

    #[test]
    fn the_tan_is_the_prefixed_six_digit_number_the_agent_dialled_during_the_call() {
        let text = [
            tan_call("21", 1000, "88123456"),   // during the call
            tan_call("21", 1010, "88654321"),   // later correction: wins
            tan_call("22", 1005, "88999999"),   // another agent
            tan_call("21", 5000, "88111111"),   // another call, much later
            tan_call("21", 1003, "8812345"),    // five digits: not a TAN
            tan_call("21", 1004, "0301234567"), // an ordinary call
        ]
        .concat();
        let cdrs = parse_cdrs(&text).unwrap();
        assert_eq!(
            dialled_tan(&cdrs, "21", 990, 1100, "88").as_deref(),
            Some("654321")
        );
        assert_eq!(dialled_tan(&cdrs, "21", 990, 1100, ""), None, "feature off");
        assert_eq!(dialled_tan(&cdrs, "23", 990, 1100, "88"), None);
    }
}
