//! What arrives at the CDR endpoint, in the three shapes an innovaphone CDR0/CDR1 HTTP
//! interface sends: a GET query string, a POST whose body is that query string, and a
//! POST body `log-msg<cdr …>…</cdr>`. A query string carries either a PBX CDR
//! (`event=syslog&msg=<cdr …>`) or a gateway CDR (`event=A:Call&ref=<conf>&…`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The largest CDR request accepted. One PBX CDR is about 1 kB (a transfer's 0.8 kB,
/// innovaphone's CDR0/1 documentation), and a request carries one; 64 kB leaves room
/// for a call with very many events while a flood of large posts stays small.
pub const MAX_CDR_REQUEST: usize = 64 * 1024;
/// The largest single PBX CDR kept.
pub const MAX_CDR: usize = 32 * 1024;
/// A gateway CDR's bounds: pairs, and the length of a key or a value.
const MAX_GATEWAY_PAIRS: usize = 64;
const MAX_GATEWAY_KEY: usize = 64;
const MAX_GATEWAY_VALUE: usize = 1024;

/// One CDR as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A PBX `<cdr>` element, as text.
    Pbx(String),
    /// A gateway CDR: its key/value pairs (`ref` is the conference id).
    Gateway(BTreeMap<String, String>),
}

impl Received {
    /// A stable key to store it under: CDR0 and CDR1 may both deliver the same CDR, and
    /// the PBX repeats a CDR it got no 200 for. For PBX CDRs, the `id` attribute when
    /// there is one, else the whole text; for gateway CDRs, all pairs but the send time.
    pub fn dedup_key(&self) -> String {
        let mut hasher = Sha256::new();
        match self {
            Received::Pbx(text) => match attribute(text, "id") {
                Some(id) => hasher.update(format!("id:{id}")),
                None => hasher.update(text.trim()),
            },
            Received::Gateway(pairs) => {
                for (k, v) in pairs {
                    if k != "time" {
                        hasher.update(format!("{k}={v}\n"));
                    }
                }
            }
        }
        hex::encode(&hasher.finalize()[..16])
    }

    /// The text kept on disk and in the sidecar.
    pub fn text(&self) -> String {
        match self {
            Received::Pbx(t) => t.clone(),
            Received::Gateway(pairs) => form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish(),
        }
    }

    /// Reads back what [`Received::text`] wrote.
    pub fn from_text(text: &str) -> Received {
        if text.trim_start().starts_with("<cdr") {
            Received::Pbx(text.to_string())
        } else {
            Received::Gateway(
                form_urlencoded::parse(text.as_bytes())
                    .into_owned()
                    .collect(),
            )
        }
    }
}

/// Why a request holds no CDR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IntakeError(pub String);

/// Reads a request: `query` is the URL's query string, `body` the POST body (empty for GET).
pub fn parse_request(query: Option<&str>, body: &[u8]) -> Result<Vec<Received>, IntakeError> {
    if body.len() > MAX_CDR_REQUEST || query.is_some_and(|q| q.len() > MAX_CDR_REQUEST) {
        return Err(IntakeError("the CDR request is too large".into()));
    }
    let body = std::str::from_utf8(body)
        .map_err(|_| IntakeError("the CDR body is not UTF-8 text".into()))?
        .trim();
    if let Some(xml) = body.strip_prefix("log-msg") {
        return pbx_cdrs(xml);
    }
    if body.starts_with("<cdr") {
        return pbx_cdrs(body);
    }
    let form = if body.is_empty() {
        query.unwrap_or("")
    } else {
        body
    };
    if form.is_empty() {
        return Err(IntakeError("the request carries no CDR".into()));
    }
    let pairs: BTreeMap<String, String> = form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect();
    match pairs.get("event").map(String::as_str) {
        Some("syslog") => {
            let msg = pairs
                .get("msg")
                .ok_or_else(|| IntakeError("a syslog event without msg=".into()))?;
            if msg.trim_start().starts_with("<cdr") {
                pbx_cdrs(msg)
            } else {
                // a log message that is not a CDR: accepted, nothing to keep
                Ok(Vec::new())
            }
        }
        Some(_) => gateway_cdr(pairs).map(|cdr| vec![cdr]),
        None => Err(IntakeError("the request has no event= and no <cdr>".into())),
    }
}

/// The sender's clock when it sent the request (`time=`, Unix seconds), for comparing
/// the PBX's clock with ours. Only form requests carry it, not `log-msg` bodies.
pub fn sent_time(query: Option<&str>, body: &[u8]) -> Option<i64> {
    let body = std::str::from_utf8(body).ok()?.trim();
    let form = if body.is_empty() { query? } else { body };
    if form.starts_with('<') || form.starts_with("log-msg") {
        return None;
    }
    form_urlencoded::parse(form.as_bytes())
        .find(|(k, _)| k == "time")
        .and_then(|(_, v)| v.parse().ok())
}

/// A gateway CDR is journaled only when it is one: a conference id (`ref`, hex) to tie
/// it to a capture, and a bounded number of short pairs.
fn gateway_cdr(pairs: BTreeMap<String, String>) -> Result<Received, IntakeError> {
    let conf = pairs
        .get("ref")
        .ok_or_else(|| IntakeError("a gateway CDR without ref= (its conference id)".into()))?;
    if conf.is_empty() || conf.len() > 64 || !conf.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(IntakeError(
            "a gateway CDR whose ref= is not a conference id".into(),
        ));
    }
    if pairs.len() > MAX_GATEWAY_PAIRS
        || pairs
            .iter()
            .any(|(k, v)| k.len() > MAX_GATEWAY_KEY || v.len() > MAX_GATEWAY_VALUE)
    {
        return Err(IntakeError(
            "a gateway CDR with more or longer fields than a gateway sends".into(),
        ));
    }
    Ok(Received::Gateway(pairs))
}

fn pbx_cdrs(text: &str) -> Result<Vec<Received>, IntakeError> {
    // validate now, so that a bad CDR is refused while the PBX can still see it
    let cdrs = crate::archive::cdr::parse_cdrs(text).map_err(|e| IntakeError(e.to_string()))?;
    if cdrs.iter().any(|c| c.raw.len() > MAX_CDR) {
        return Err(IntakeError(format!(
            "a CDR larger than {} kB, far beyond what a PBX sends",
            MAX_CDR / 1024
        )));
    }
    Ok(cdrs.into_iter().map(|c| Received::Pbx(c.raw)).collect())
}

/// The value of `name="…"` in the first tag of `text`.
fn attribute<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let tag_end = text.find('>')?;
    let tag = &text[..tag_end];
    let pattern = format!(" {name}=\"");
    let start = tag.find(&pattern)? + pattern.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDR: &str = r#"<cdr guid="e78c" cn="A" e164="100" dir="from" utc="1"><user/><event msg="setup-from" time="0" conf="e89277f0e909d31192e80090331032dd"/></cdr>"#;

    #[test]
    fn the_send_time_is_read_from_forms_only() {
        assert_eq!(
            sent_time(Some("event=A:Call&time=876&ref=ab"), b""),
            Some(876)
        );
        assert_eq!(
            sent_time(None, b"event=syslog&time=1800000000&msg=x"),
            Some(1_800_000_000)
        );
        assert_eq!(sent_time(None, b"log-msg<cdr time=\"5\"/>"), None);
        assert_eq!(sent_time(Some("event=A:Call&time=soon"), b""), None);
        assert_eq!(sent_time(None, b""), None);
    }

    #[test]
    fn reads_the_three_shapes_and_both_kinds() {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("event", "syslog")
            .append_pair("time", "1")
            .append_pair("msg", CDR)
            .finish();
        let get = parse_request(Some(&query), b"").unwrap();
        let post = parse_request(None, query.as_bytes()).unwrap();
        let log_msg = parse_request(None, format!("log-msg{CDR}").as_bytes()).unwrap();
        assert_eq!(get, vec![Received::Pbx(CDR.into())]);
        assert_eq!(get, post);
        assert_eq!(get, log_msg);
        let gw = parse_request(
            Some("event=A:Call&time=876&ref=453b6335e909d311b89e009033060014&dir=in"),
            b"",
        )
        .unwrap();
        match &gw[0] {
            Received::Gateway(p) => assert_eq!(p["ref"], "453b6335e909d311b89e009033060014"),
            other => panic!("{other:?}"),
        }
        assert_eq!(Received::from_text(&gw[0].text()), gw[0]);
        assert_eq!(Received::from_text(CDR), get[0]);
    }

    #[test]
    fn duplicates_share_a_key_and_bad_requests_are_refused() {
        let a = Received::Pbx(CDR.into());
        assert_eq!(
            a.dedup_key(),
            Received::Pbx(format!(" {CDR}\n")).dedup_key()
        );
        assert_ne!(
            a.dedup_key(),
            Received::Pbx(CDR.replace("utc=\"1\"", "utc=\"2\"")).dedup_key()
        );
        assert!(parse_request(None, b"").is_err());
        assert!(parse_request(None, b"log-msg<cdr").is_err());
        assert!(parse_request(None, &[0xff, 0xfe]).is_err());
        assert!(parse_request(None, &vec![b'a'; MAX_CDR_REQUEST + 1]).is_err());
        assert!(parse_request(Some("time=1"), b"").is_err());
        assert_eq!(
            parse_request(Some("event=syslog&msg=hello"), b"").unwrap(),
            vec![]
        );
    }

    #[test]
    fn only_what_is_a_cdr_of_a_plausible_size_is_taken() {
        // any event= used to be journaled as a gateway CDR
        for junk in [
            "event=x",
            "event=A:Call&ref=not-hex",
            "event=A:Call&ref=",
            &format!("event=A:Call&ref=ab&x={}", "y".repeat(2000)),
            &format!(
                "event=A:Call&ref=ab{}",
                (0..100).map(|i| format!("&k{i}=v")).collect::<String>()
            ),
        ] {
            assert!(parse_request(Some(junk), b"").is_err(), "{junk}");
        }
        // a CDR that parses, padded far beyond a PBX's
        let huge = CDR.replace(
            "<user/>",
            &format!("<user/>{}", "<event msg=\"x\"/>".repeat(3000)),
        );
        assert!(huge.len() > MAX_CDR && huge.len() < MAX_CDR_REQUEST);
        let refused = parse_request(None, format!("log-msg{huge}").as_bytes()).unwrap_err();
        assert!(refused.0.contains("larger than"), "{refused}");
        assert!(parse_request(None, format!("log-msg{CDR}").as_bytes()).is_ok());
    }
}
