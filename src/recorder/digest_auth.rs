//! HTTP Digest authentication (RFC 7616, MD5 and SHA-256, `qop=auth`), both ways:
//! the recorder checks it on uploads and CDRs (devices and PBXs that will not send
//! Basic), and answers a PBX's Digest challenge on the SOAP link (the PBX's default).
//! Written here because no kept crate does the server side; the client side shares
//! the same hashing.
//!
//! Nonces are `<time>-<tag>` where the tag is a keyed hash of the time, so any nonce
//! this process issued in the last five minutes is recognised without a table. An
//! answer is bound to its request: its `uri` must be the request's target, and each
//! use of a nonce must count up (`nc`), so a sniffed header cannot be replayed. A nonce
//! that authorised an upload is used up (the next request gets `stale=true` and a fresh
//! nonce, which clients follow without asking for the password again). The table of
//! nonces in use only ever holds nonces that passed the password check, for five
//! minutes at most, and is bounded besides.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::Md5;
use sha2::{Digest, Sha256};

/// Bodies larger than this are not sent on a first, credential-less try.
const PROBE_LIMIT: usize = 64 * 1024;
/// How long a nonce is accepted.
const NONCE_LIFE: Duration = Duration::from_secs(300);
pub const REALM: &str = "callrec";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha256,
}

impl Algorithm {
    fn parse(text: &str) -> Option<Algorithm> {
        match text.to_ascii_uppercase().as_str() {
            "" | "MD5" => Some(Algorithm::Md5),
            "SHA-256" => Some(Algorithm::Sha256),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    fn hash(self, text: &str) -> String {
        match self {
            Algorithm::Md5 => hex::encode(Md5::digest(text.as_bytes())),
            Algorithm::Sha256 => hex::encode(Sha256::digest(text.as_bytes())),
        }
    }
}

/// The `key="value"` pairs of a Digest header (after the word `Digest`).
pub fn parameters(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq]
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"').unwrap_or(quoted.len());
            value = quoted[..end].to_string();
            rest = quoted.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        out.push((key, value));
    }
    out
}

fn get<'a>(params: &'a [(String, String)], key: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The most nonces in use remembered at once; beyond, the oldest are used up early
/// (their clients simply get a fresh nonce).
const MAX_NONCES_IN_USE: usize = 20_000;

/// Why an answer was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a Digest answer, or one with the wrong user, realm, password or target.
    Wrong,
    /// Right password, but the nonce is expired, used up, or its count went back: the
    /// client should answer a fresh challenge (`stale=true`).
    Stale,
}

/// The server side: issues challenges and checks answers for one `user:password`.
pub struct DigestServer {
    user: String,
    password: String,
    secret: [u8; 32],
    /// Nonces that authorised a request: the highest `nc` seen, `None` once used up.
    in_use: std::sync::Mutex<std::collections::HashMap<String, Option<u64>>>,
}

impl DigestServer {
    pub fn new(credentials: &str) -> Option<DigestServer> {
        let (user, password) = credentials.split_once(':')?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).ok()?;
        Some(DigestServer {
            user: user.to_string(),
            password: password.to_string(),
            secret,
            in_use: Default::default(),
        })
    }

    fn tag(&self, time: u64, salt: u64) -> String {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(time.to_be_bytes());
        h.update(salt.to_be_bytes());
        hex::encode(&h.finalize()[..12])
    }

    /// `<time>-<salt>-<tag>`: every nonce differs, even two in the same second, so that
    /// a used-up nonce is never handed out again.
    fn nonce(&self) -> String {
        let mut raw = [0u8; 8];
        let _ = getrandom::fill(&mut raw);
        let salt = u64::from_le_bytes(raw);
        let now = Self::now();
        format!("{now:x}-{salt:x}-{}", self.tag(now, salt))
    }

    /// The time a nonce of ours was issued; `None` for one we never issued.
    fn issued(&self, nonce: &str) -> Option<u64> {
        let mut parts = nonce.splitn(3, '-');
        let time = u64::from_str_radix(parts.next()?, 16).ok()?;
        let salt = u64::from_str_radix(parts.next()?, 16).ok()?;
        let tag = parts.next()?;
        constant_time_eq(tag.as_bytes(), self.tag(time, salt).as_bytes()).then_some(time)
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
    }

    /// `WWW-Authenticate` values to send with a 401, strongest first; `stale` tells a
    /// client whose password was right that only its nonce was refused.
    pub fn challenges(&self, stale: bool) -> Vec<String> {
        let nonce = self.nonce();
        let stale = if stale { ", stale=true" } else { "" };
        [Algorithm::Sha256, Algorithm::Md5]
            .iter()
            .map(|a| {
                format!(
                    "Digest realm=\"{REALM}\", qop=\"auth\", algorithm={}, nonce=\"{nonce}\"{stale}",
                    a.name()
                )
            })
            .collect()
    }

    /// Checks an `Authorization: Digest …` value (scheme in any case) for a request
    /// with `method` to `target` (path and query as sent). `single_use`: the nonce is
    /// used up by this request (uploads).
    pub fn verify(
        &self,
        header: &str,
        method: &str,
        target: &str,
        single_use: bool,
    ) -> Result<(), Refusal> {
        let rest = header.trim_start();
        let rest = match rest.get(..7) {
            Some(scheme) if scheme.eq_ignore_ascii_case("digest ") => &rest[7..],
            _ => return Err(Refusal::Wrong),
        };
        let p = parameters(rest);
        let algorithm = Algorithm::parse(get(&p, "algorithm")).ok_or(Refusal::Wrong)?;
        if !constant_time_eq(get(&p, "username").as_bytes(), self.user.as_bytes())
            || get(&p, "realm") != REALM
        {
            return Err(Refusal::Wrong);
        }
        // the answer is for this request's target, not one sniffed from another
        if get(&p, "uri") != target {
            return Err(Refusal::Wrong);
        }
        let nonce = get(&p, "nonce");
        let issued = self.issued(nonce).ok_or(Refusal::Wrong)?;
        let qop = get(&p, "qop");
        let count = if qop.is_empty() {
            None
        } else {
            Some(u64::from_str_radix(get(&p, "nc"), 16).map_err(|_| Refusal::Wrong)?)
        };
        let expected = response(
            algorithm,
            &self.user,
            &self.password,
            REALM,
            method,
            get(&p, "uri"),
            nonce,
            get(&p, "qop"),
            get(&p, "nc"),
            get(&p, "cnonce"),
        );
        if !constant_time_eq(get(&p, "response").as_bytes(), expected.as_bytes()) {
            return Err(Refusal::Wrong);
        }
        // the password was right; now the nonce must be fresh and its count go up
        let now = Self::now();
        if now.saturating_sub(issued) > NONCE_LIFE.as_secs() {
            return Err(Refusal::Stale);
        }
        let mut in_use = self.in_use.lock().unwrap_or_else(|e| e.into_inner());
        let previous = in_use.get(nonce).copied();
        let accepted = match (previous, count) {
            (None, _) => true,
            (Some(None), _) => false,       // used up by an upload
            (Some(Some(_)), None) => false, // without a count a nonce serves once
            (Some(Some(last)), Some(nc)) => nc > last,
        };
        if !accepted {
            return Err(Refusal::Stale);
        }
        if in_use.len() >= MAX_NONCES_IN_USE {
            in_use.retain(|n, _| {
                self.issued(n)
                    .is_some_and(|t| now.saturating_sub(t) <= NONCE_LIFE.as_secs())
            });
            if in_use.len() >= MAX_NONCES_IN_USE {
                in_use.clear();
            }
        }
        let state = match count {
            Some(nc) if !single_use => Some(nc),
            _ => None,
        };
        in_use.insert(nonce.to_string(), state);
        Ok(())
    }
}

/// Compares in full whatever the first difference, so the time taken gives no hint
/// how much of a secret was right.
pub fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = u8::from(given.len() != expected.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= given.get(i).copied().unwrap_or(0) ^ e;
    }
    diff == 0
}

#[allow(clippy::too_many_arguments)]
fn response(
    algorithm: Algorithm,
    user: &str,
    password: &str,
    realm: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    qop: &str,
    nc: &str,
    cnonce: &str,
) -> String {
    let ha1 = algorithm.hash(&format!("{user}:{realm}:{password}"));
    let ha2 = algorithm.hash(&format!("{method}:{uri}"));
    if qop.is_empty() {
        algorithm.hash(&format!("{ha1}:{nonce}:{ha2}"))
    } else {
        algorithm.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}"))
    }
}

/// The client side: the `Authorization` value answering a server's Digest challenge
/// (`WWW-Authenticate` after `Digest `), or `None` for one it cannot answer.
pub fn answer(
    challenge: &str,
    user: &str,
    password: &str,
    method: &str,
    uri: &str,
) -> Option<String> {
    let p = parameters(challenge.strip_prefix("Digest ")?);
    let algorithm = Algorithm::parse(get(&p, "algorithm"))?;
    let realm = get(&p, "realm");
    let nonce = get(&p, "nonce");
    let offered = get(&p, "qop");
    let qop = if offered.split(',').any(|q| q.trim() == "auth") {
        "auth"
    } else {
        ""
    };
    let mut raw = [0u8; 8];
    getrandom::fill(&mut raw).ok()?;
    let cnonce = hex::encode(raw);
    let nc = "00000001";
    let digest = response(
        algorithm, user, password, realm, method, uri, nonce, qop, nc, &cnonce,
    );
    let mut value = format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm={}, response=\"{digest}\"",
        algorithm.name()
    );
    if !qop.is_empty() {
        value.push_str(&format!(", qop={qop}, nc={nc}, cnonce=\"{cnonce}\""));
    }
    let opaque = get(&p, "opaque");
    if !opaque.is_empty() {
        value.push_str(&format!(", opaque=\"{opaque}\""));
    }
    Some(value)
}

/// Sends a request to a server that may want a login: first without credentials
/// (nothing is given away to a server that asks for none), then, on a 401, once more
/// answering its challenge — Digest when offered, else Basic. `build` makes the request
/// afresh each time (a body cannot be sent twice otherwise).
pub async fn send_answering(
    build: impl Fn() -> reqwest::RequestBuilder,
    user: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    // A large body is not sent just to learn that a login is wanted: a server that
    // answers 401 early drops the connection under it. The challenge is fetched with
    // OPTIONS on the same address instead (the nonce does not depend on the method).
    let (client, request) = build().build_split();
    let request = request?;
    let large = request
        .body()
        .is_none_or(|b| b.as_bytes().is_none_or(|bytes| bytes.len() > PROBE_LIMIT));
    let first = if large && request.body().is_some() {
        let probe = || client.request(reqwest::Method::OPTIONS, request.url().clone());
        send_again_once(probe).await?
    } else {
        send_again_once(&build).await?
    };
    if first.status() != reqwest::StatusCode::UNAUTHORIZED {
        return if large && request.body().is_some() {
            send_again_once(&build).await
        } else {
            Ok(first)
        };
    }
    let url = request.url();
    let uri = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let method = request.method().to_string();
    let challenges: Vec<String> = first
        .headers()
        .get_all(reqwest::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    let digest = challenges
        .iter()
        .find_map(|c| answer(c, user, password, &method, &uri));
    match digest {
        Some(value) => {
            send_again_once(|| build().header(reqwest::header::AUTHORIZATION, value.clone())).await
        }
        None if challenges.iter().any(|c| c.starts_with("Basic")) => {
            send_again_once(|| build().basic_auth(user, Some(password))).await
        }
        None => Ok(first),
    }
}

/// Sends, and once more when the connection failed under the request: a server that
/// refused the previous request early may close a kept-alive connection the pool still
/// offers. Only for requests that may be repeated (every caller's are).
async fn send_again_once(
    build: impl Fn() -> reqwest::RequestBuilder,
) -> reqwest::Result<reqwest::Response> {
    match build().send().await {
        Err(e) if e.is_request() || e.is_connect() => build().send().await,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7616_example_and_a_round_trip() {
        // RFC 7616 section 3.9.1, MD5
        let digest = response(
            Algorithm::Md5,
            "Mufasa",
            "Circle of Life",
            "http-auth@example.org",
            "GET",
            "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            "auth",
            "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        );
        assert_eq!(digest, "8ca523f5e9506fed4657c9700eebdbec");

        let server = DigestServer::new("pbx:s3cret").unwrap();
        for strength in 0..2 {
            // each challenge brings a nonce of its own
            let challenge = &server.challenges(false)[strength];
            let header = answer(challenge, "pbx", "s3cret", "GET", "/status").unwrap();
            assert_eq!(
                server.verify(&header, "PUT", "/status", false),
                Err(Refusal::Wrong)
            );
            assert_eq!(server.verify(&header, "GET", "/status", false), Ok(()));
            let wrong = answer(challenge, "pbx", "guess", "GET", "/status").unwrap();
            assert_eq!(
                server.verify(&wrong, "GET", "/status", false),
                Err(Refusal::Wrong)
            );
        }
        // a nonce this server did not make
        let forged = answer(
            "Digest realm=\"callrec\", qop=\"auth\", nonce=\"65000000-1-00\"",
            "pbx",
            "s3cret",
            "PUT",
            "/rec/a.pcap",
        )
        .unwrap();
        assert_eq!(
            server.verify(&forged, "PUT", "/rec/a.pcap", true),
            Err(Refusal::Wrong)
        );
        assert!(server.verify("Digest garbage", "PUT", "/", true).is_err());
        assert!(
            server
                .verify("Basic cGJ4OnMzY3JldA==", "PUT", "/", true)
                .is_err()
        );
    }

    /// The answer with `nc` set to `count`, for the same nonce and cnonce.
    fn with_count(header: &str, count: u32) -> String {
        header.replace("nc=00000001", &format!("nc={count:08x}"))
    }

    fn recomputed(header: &str, method: &str, uri: &str) -> String {
        let p = parameters(header.strip_prefix("Digest ").unwrap());
        let value = response(
            Algorithm::parse(get(&p, "algorithm")).unwrap(),
            "pbx",
            "s3cret",
            REALM,
            method,
            uri,
            get(&p, "nonce"),
            get(&p, "qop"),
            get(&p, "nc"),
            get(&p, "cnonce"),
        );
        let old = get(&p, "response").to_string();
        header.replace(&old, &value)
    }

    #[test]
    fn a_sniffed_answer_cannot_be_replayed_or_pointed_elsewhere() {
        let server = DigestServer::new("pbx:s3cret").unwrap();
        let challenge = &server.challenges(false)[0];
        let header = answer(challenge, "pbx", "s3cret", "PUT", "/rec/a.pcap").unwrap();
        assert!(header.contains("nc=00000001"), "{header}");
        // answered for one target, presented for another
        assert_eq!(
            server.verify(&header, "PUT", "/rec/evil.pcap", true),
            Err(Refusal::Wrong)
        );
        assert_eq!(server.verify(&header, "PUT", "/rec/a.pcap", true), Ok(()));
        // the same header again: the upload used the nonce up
        assert_eq!(
            server.verify(&header, "PUT", "/rec/a.pcap", true),
            Err(Refusal::Stale)
        );
        // for other requests a nonce serves on while its count goes up
        let header = answer(challenge, "pbx", "s3cret", "POST", "/cdr").unwrap();
        let header = header.replace(
            &get_nonce(&header),
            &get_nonce(&server.challenges(false)[0]),
        );
        let header = recomputed(&header, "POST", "/cdr");
        assert_eq!(server.verify(&header, "POST", "/cdr", false), Ok(()));
        assert_eq!(
            server.verify(&header, "POST", "/cdr", false),
            Err(Refusal::Stale)
        );
        let next = recomputed(&with_count(&header, 2), "POST", "/cdr");
        assert_eq!(server.verify(&next, "POST", "/cdr", false), Ok(()));
        let back = recomputed(&with_count(&header, 1), "POST", "/cdr");
        assert_eq!(
            server.verify(&back, "POST", "/cdr", false),
            Err(Refusal::Stale)
        );
        // the scheme's case does not matter
        let lower =
            recomputed(&with_count(&header, 3), "POST", "/cdr").replacen("Digest", "dIGEST", 1);
        assert_eq!(server.verify(&lower, "POST", "/cdr", false), Ok(()));
    }

    fn get_nonce(header: &str) -> String {
        let rest = header.split_once(' ').unwrap().1;
        get(&parameters(rest), "nonce").to_string()
    }
}
