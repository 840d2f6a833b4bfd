//! HTTP Digest authentication (RFC 7616, MD5 and SHA-256, `qop=auth`), both ways:
//! the recorder checks it on uploads and CDRs (devices and PBXs that will not send
//! Basic), and answers a PBX's Digest challenge on the SOAP link (the PBX's default).
//! Written here because no kept crate does the server side; the client side shares
//! the same hashing.
//!
//! Nonces are stateless: `<time>-<tag>` where the tag is a keyed hash of the time, so
//! any nonce this process issued in the last five minutes is accepted, and none other.

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

/// The server side: issues challenges and checks answers for one `user:password`.
pub struct DigestServer {
    user: String,
    password: String,
    secret: [u8; 32],
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
        })
    }

    fn tag(&self, time: u64) -> String {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(time.to_be_bytes());
        hex::encode(&h.finalize()[..12])
    }

    fn nonce(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        format!("{now:x}-{}", self.tag(now))
    }

    fn fresh(&self, nonce: &str) -> bool {
        let Some((time, tag)) = nonce.split_once('-') else {
            return false;
        };
        let Ok(time) = u64::from_str_radix(time, 16) else {
            return false;
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        tag == self.tag(time) && now.saturating_sub(time) <= NONCE_LIFE.as_secs()
    }

    /// `WWW-Authenticate` values to send with a 401, strongest first.
    pub fn challenges(&self) -> Vec<String> {
        let nonce = self.nonce();
        [Algorithm::Sha256, Algorithm::Md5]
            .iter()
            .map(|a| {
                format!(
                    "Digest realm=\"{REALM}\", qop=\"auth\", algorithm={}, nonce=\"{nonce}\"",
                    a.name()
                )
            })
            .collect()
    }

    /// Checks an `Authorization: Digest …` value for a request with `method`.
    pub fn verify(&self, header: &str, method: &str) -> bool {
        let Some(rest) = header.strip_prefix("Digest ") else {
            return false;
        };
        let p = parameters(rest);
        let Some(algorithm) = Algorithm::parse(get(&p, "algorithm")) else {
            return false;
        };
        if get(&p, "username") != self.user || get(&p, "realm") != REALM {
            return false;
        }
        let nonce = get(&p, "nonce");
        if !self.fresh(nonce) {
            return false;
        }
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
        // compared in full whatever the first difference: no timing hint
        let given = get(&p, "response").as_bytes();
        given.len() == expected.len()
            && given
                .iter()
                .zip(expected.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
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
        for challenge in server.challenges() {
            let header = answer(&challenge, "pbx", "s3cret", "PUT", "/rec/a.pcap").unwrap();
            assert!(server.verify(&header, "PUT"), "{header}");
            assert!(!server.verify(&header, "GET"), "the method is part of it");
            let wrong = answer(&challenge, "pbx", "guess", "PUT", "/rec/a.pcap").unwrap();
            assert!(!server.verify(&wrong, "PUT"));
        }
        // a nonce this server did not make
        let forged = answer(
            "Digest realm=\"callrec\", qop=\"auth\", nonce=\"65000000-00\"",
            "pbx",
            "s3cret",
            "PUT",
            "/rec/a.pcap",
        )
        .unwrap();
        assert!(!server.verify(&forged, "PUT"));
        assert!(!server.verify("Digest garbage", "PUT"));
        assert!(!server.verify("Basic cGJ4OnMzY3JldA==", "PUT"));
    }
}
