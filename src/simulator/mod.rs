//! A stand-in for an innovaphone PBX and its recording devices: it plays scripted calls
//! against a running recorder over real HTTP, as the devices and the PBX do — the
//! device PUTs `<conf>-<mac>-<serial>.pcap` to the Record-to URL, the PBX sends the
//! CDRs of every object in the call to the CDR endpoint, rotating through the three
//! CDR0/CDR1 shapes. Faults (late, missing, duplicate CDR, CDR before the capture, a
//! device restart mid-upload) reproduce what goes wrong at real sites.
//!
//! With a [`soap_pbx::SoapPbx`] attached it also reports each call's start and end
//! over the PBX SOAP API, as the PBX does to a recorder that keeps a link to it.
//!
//! Used by the tests, the benchmark and the demo (`callrec simulate`).

pub mod soap_pbx;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::media::synth::{CallScript, PartyScript, SynthCodec};
use crate::media::time::CaptureTime;

/// Something that goes wrong with one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The CDR comes this long after the capture.
    LateCdr(Duration),
    /// The PBX never sends a CDR.
    NoCdr,
    /// The CDR is sent twice (CDR0 and CDR1 both point at the recorder).
    DuplicateCdr,
    /// The CDR arrives before the capture.
    CdrFirst,
    /// The device restarts halfway through the upload; no CDR follows.
    RestartMidUpload,
}

impl Fault {
    /// In words, for the simulator's output.
    pub fn describe(&self) -> String {
        match self {
            Fault::None => "no fault".into(),
            Fault::LateCdr(d) => format!("CDR {} s late", d.as_secs()),
            Fault::NoCdr => "no CDR".into(),
            Fault::DuplicateCdr => "CDR sent twice".into(),
            Fault::CdrFirst => "CDR before the capture".into(),
            Fault::RestartMidUpload => "device restarts mid-upload".into(),
        }
    }
}

/// One call to play.
#[derive(Debug, Clone)]
pub struct SimCall {
    pub conf: u128,
    /// MAC of the recording device (a gateway interface, or the phone).
    pub mac: u64,
    /// The internal user's extension.
    pub internal: String,
    pub external: String,
    pub outgoing: bool,
    pub seconds: f64,
    pub codec: SynthCodec,
    /// Wall-clock start, Unix seconds.
    pub start_utc: i64,
    pub ring_s: u32,
    pub fault: Fault,
    /// A number the agent dials during the call (TAN prefix and TAN), in its own CDR.
    pub tan_dial: Option<String>,
}

impl SimCall {
    /// The capture the device writes.
    pub fn capture(&self) -> (String, Vec<u8>) {
        let script = CallScript {
            duration: self.seconds,
            start: CaptureTime(
                self.start_utc.saturating_mul(1_000_000_000)
                    + i64::from(self.ring_s) * 1_000_000_000,
            ),
            local: PartyScript::tone(self.codec, 440.0),
            remote: PartyScript::tone(self.codec, 660.0),
            seed: self.conf as u64,
            ..CallScript::default()
        };
        (
            CallScript::innovaphone_name(self.conf, self.mac, 1),
            script.generate(),
        )
    }

    /// The PBX CDRs of the call: the user object's, and the trunk's.
    pub fn cdrs(&self) -> Vec<String> {
        let conf = format!("{:032x}", self.conf);
        let end = i64::from(self.ring_s) + self.seconds.round() as i64;
        let (dir, setup, alert, conn, rel) = if self.outgoing {
            ("from", "setup-from", "alert-to", "conn-to", "rel-to")
        } else {
            ("to", "setup-to", "alert-from", "conn-from", "rel-from")
        };
        let ext = &self.external;
        let user_guid = format!("{:032x}", self.conf ^ 0x5555);
        let trunk_guid = format!("{:032x}", self.conf ^ 0xaaaa);
        let user = format!(
            "<cdr guid=\"{guid}\" sys=\"PBX\" pbx=\".\" node=\"root\" device=\"{mac:012x}\" cn=\"User {n}\" \
             e164=\"{n}\" h323=\"user{n}\" dir=\"{dir}\" utc=\"{utc}\" local=\"{utc}\"><user/>\
             <event msg=\"{setup}\" time=\"0\" type=\"ext\" e164=\"{ext}\" conf=\"{conf}\"/>\
             <event msg=\"{alert}\" time=\"0\" type=\"ext\" e164=\"{ext}\"/>\
             <event msg=\"{conn}\" time=\"{ring}\" type=\"ext\" e164=\"{ext}\"/>\
             <event msg=\"{rel}\" time=\"{end}\" cause=\"16\"/></cdr>",
            guid = user_guid,
            mac = self.mac & 0xffff_ffff_ffff,
            n = self.internal,
            utc = self.start_utc,
            ring = self.ring_s,
        );
        let trunk = format!(
            "<cdr guid=\"{guid}\" sys=\"PBX\" pbx=\".\" node=\"root\" cn=\"Trunk\" e164=\"\" h323=\"trunk\" \
             dir=\"{tdir}\" utc=\"{utc}\"><user pseudo=\"trunk\"/>\
             <event msg=\"setup-from\" time=\"0\" type=\"ext\" e164=\"{ext}\" conf=\"{conf}\"><ep e164=\"{ext}\"/></event>\
             <event msg=\"rel-from\" time=\"{end}\" cause=\"16\"/></cdr>",
            guid = trunk_guid,
            tdir = if self.outgoing { "to" } else { "from" },
            utc = self.start_utc,
        );
        let mut cdrs = vec![user, trunk];
        if let Some(dial) = &self.tan_dial {
            // the agent's short call to the TAN object, in the middle of the conversation:
            // it ends first, so the PBX sends its CDR first
            cdrs.insert(
                0,
                format!(
                "<cdr guid=\"{guid:032x}\" sys=\"PBX\" pbx=\".\" node=\"root\" cn=\"User {n}\" e164=\"{n}\" \
                 h323=\"user{n}\" dir=\"from\" utc=\"{utc}\"><user/>\
                 <event msg=\"setup-from\" time=\"0\" conf=\"{conf:032x}\"/>\
                 <event msg=\"conn-to\" time=\"1\" e164=\"{dial}\"/><event msg=\"rel-to\" time=\"2\"/></cdr>",
                guid = self.conf ^ 0x7777,
                conf = self.conf ^ 0x9999_0000,
                n = self.internal,
                utc = self.start_utc + i64::from(self.ring_s) + 1,
                ),
            );
        }
        cdrs
    }
}

/// A varied day at a small site: agents 20–24 and users 30–31 calling out and being
/// called, in every codec. `start_utc` is when the first call starts.
pub fn scripted_calls(count: usize, seconds: f64, start_utc: i64, seed: u64) -> Vec<SimCall> {
    let mut rng = crate::media::synth::Rng::new(seed.max(1));
    (0..count)
        .map(|i| {
            let internal = if rng.chance(0.8) {
                20 + rng.next_u32() % 5
            } else {
                30 + rng.next_u32() % 2
            };
            let codec = match rng.next_u32() % 4 {
                0 => SynthCodec::Pcmu,
                1 => SynthCodec::G722,
                2 => SynthCodec::G729 { vad: true },
                _ => SynthCodec::Pcma,
            };
            SimCall {
                conf: (u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64()))
                    & !0xffff_ffff_ffff
                    | 0x0090_3300_0000
                    | i as u128,
                mac: 0x0090_3301_0000 + u64::from(internal),
                internal: internal.to_string(),
                external: format!("0{}", 301_000_000 + rng.next_u32() % 899_999_999),
                outgoing: rng.chance(0.4),
                seconds,
                codec,
                start_utc: start_utc + (i as i64) * 7,
                ring_s: 1 + rng.next_u32() % 9,
                fault: Fault::None,
                tan_dial: None,
            }
        })
        .collect()
}

/// Why a call could not be played.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    Http(#[from] reqwest::Error),
    #[error("{what} answered {status}")]
    Refused { what: String, status: u16 },
}

/// The simulated PBX's clock: this PC's, `offset_s` off.
pub fn pbx_clock(offset_s: i64) -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    now.checked_add(jiff::SignedDuration::from_secs(offset_s))
        .unwrap_or(now)
}

/// Plays calls against the recorder at `base` (e.g. `http://127.0.0.1:8090`).
pub struct Simulator {
    base: String,
    client: reqwest::Client,
    shape: AtomicUsize,
    auth: Option<(String, String)>,
    /// The PBX's SOAP side, when the recorder links to it.
    pbx: Option<std::sync::Arc<soap_pbx::SoapPbx>>,
    /// How long a call runs between its start (reported over SOAP) and the upload of
    /// its capture; zero plays calls back to back.
    pub live: Duration,
    /// How far the simulated PBX's clock is off, in seconds: it stamps its CDR posts
    /// (`time=`, `date=`) with its own clock, as a PBX does.
    pub clock_offset_s: i64,
}

impl Simulator {
    pub fn new(base: &str, auth: Option<(String, String)>) -> Result<Simulator, SimError> {
        Ok(Simulator {
            base: base.trim_end_matches('/').to_string(),
            client: crate::http_client::builder()
                .timeout(Duration::from_secs(120))
                .build()?,
            shape: AtomicUsize::new(0),
            auth,
            pbx: None,
            live: Duration::ZERO,
            clock_offset_s: 0,
        })
    }

    /// A simulator for a recorder serving HTTPS with its own certificate (PEM), which
    /// it accepts exactly, as a device configured with that certificate does.
    pub fn new_trusting(
        base: &str,
        auth: Option<(String, String)>,
        cert_pem: &[u8],
    ) -> Result<Simulator, SimError> {
        let client = crate::http_client::pinned_builder(cert_pem)
            .map_err(|what| SimError::Refused { what, status: 0 })?
            .timeout(Duration::from_secs(120))
            .build()?;
        let mut sim = Simulator::new(base, auth)?;
        sim.client = client;
        Ok(sim)
    }

    /// Also reports every call over this PBX SOAP endpoint.
    pub fn with_pbx(mut self, pbx: std::sync::Arc<soap_pbx::SoapPbx>) -> Simulator {
        self.pbx = Some(pbx);
        self
    }

    fn request(&self, method: reqwest::Method, url: String) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        match &self.auth {
            Some((user, password)) => request.basic_auth(user, Some(password)),
            None => request,
        }
    }

    /// Uploads a capture as a device does. The body may be shared bytes (`Bytes`), so
    /// a caller that uploads the same capture many times does not copy it each time.
    pub async fn put_capture(
        &self,
        name: &str,
        bytes: impl Into<reqwest::Body>,
    ) -> Result<(), SimError> {
        let response = self
            .request(reqwest::Method::PUT, format!("{}/rec/{name}", self.base))
            .body(bytes)
            .send()
            .await?;
        check(&format!("PUT {name}"), response.status())
    }

    /// Uploads the first half of a capture, then drops the connection, as a device that
    /// restarts mid-call does. Plain TCP, because an HTTP client will not send a body
    /// shorter than it announced.
    pub async fn put_capture_cut(&self, name: &str, bytes: Vec<u8>) -> Result<(), SimError> {
        use tokio::io::AsyncWriteExt;
        let authority = self
            .base
            .strip_prefix("http://")
            .ok_or_else(|| SimError::Refused {
                what: "a cut upload needs an http:// address".into(),
                status: 0,
            })?
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut head = format!(
            "PUT /rec/{name} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\n",
            bytes.len()
        );
        if let Some((user, password)) = &self.auth {
            use base64::Engine;
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            head.push_str(&format!("Authorization: Basic {token}\r\n"));
        }
        head.push_str("\r\n");
        let io = |e: std::io::Error| SimError::Refused {
            what: format!("cut upload: {e}"),
            status: 0,
        };
        let mut stream = tokio::net::TcpStream::connect(&authority)
            .await
            .map_err(io)?;
        stream.write_all(head.as_bytes()).await.map_err(io)?;
        stream
            .write_all(&bytes[..bytes.len() / 2])
            .await
            .map_err(io)?;
        stream.flush().await.map_err(io)?;
        drop(stream);
        Ok(())
    }

    /// Sends one CDR, in the next of the three CDR0/CDR1 shapes.
    pub async fn send_cdr(&self, cdr: &str) -> Result<(), SimError> {
        let shape = self.shape.fetch_add(1, Ordering::Relaxed) % 3;
        let clock = pbx_clock(self.clock_offset_s);
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("event", "syslog")
            .append_pair("time", &clock.as_second().to_string())
            .append_pair("date", &clock.strftime("%Y%m%d-%H%M%S").to_string())
            .append_pair("from", "pbx")
            .append_pair("msg", cdr)
            .finish();
        let response = match shape {
            0 => self.request(
                reqwest::Method::GET,
                format!("{}/cdr/cdrwrite.asp?{form}", self.base),
            ),
            1 => self
                .request(reqwest::Method::POST, format!("{}/cdr", self.base))
                .body(form),
            _ => self
                .request(reqwest::Method::POST, format!("{}/cdr", self.base))
                .body(format!("log-msg{cdr}")),
        }
        .send()
        .await?;
        check("CDR", response.status())
    }

    /// Plays one call with its fault.
    pub async fn play(&self, call: &SimCall) -> Result<(), SimError> {
        if let Some(pbx) = &self.pbx {
            pbx.call_started(call);
        }
        if !self.live.is_zero() {
            tokio::time::sleep(self.live).await;
        }
        let played = self.play_media(call).await;
        if let Some(pbx) = &self.pbx {
            pbx.call_ended(call);
        }
        played
    }

    async fn play_media(&self, call: &SimCall) -> Result<(), SimError> {
        let (name, bytes) = call.capture();
        let cdrs = call.cdrs();
        match call.fault {
            Fault::RestartMidUpload => return self.put_capture_cut(&name, bytes).await,
            Fault::CdrFirst => {
                for c in &cdrs {
                    self.send_cdr(c).await?;
                }
                return self.put_capture(&name, bytes).await;
            }
            _ => self.put_capture(&name, bytes).await?,
        }
        match call.fault {
            Fault::NoCdr => return Ok(()),
            Fault::LateCdr(delay) => tokio::time::sleep(delay).await,
            _ => {}
        }
        for c in &cdrs {
            self.send_cdr(c).await?;
        }
        if call.fault == Fault::DuplicateCdr {
            for c in &cdrs {
                self.send_cdr(c).await?;
            }
        }
        Ok(())
    }

    /// The recorder's status document.
    pub async fn status(&self) -> Result<serde_json::Value, SimError> {
        let response = self
            .request(reqwest::Method::GET, format!("{}/status", self.base))
            .send()
            .await?;
        check("status", response.status())?;
        Ok(response.json().await?)
    }
}

fn check(what: &str, status: reqwest::StatusCode) -> Result<(), SimError> {
    if status.is_success() {
        Ok(())
    } else {
        Err(SimError::Refused {
            what: what.to_string(),
            status: status.as_u16(),
        })
    }
}
