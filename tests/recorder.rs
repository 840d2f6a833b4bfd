//! The recorder service over real HTTP on loopback, driven by the PBX simulator:
//! rules, faults, bad input, and a kill -9 in the middle of a burst.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callrec::archive::name::RecordName;
use callrec::recorder::service::ServiceConfig;
use callrec::simulator::{Fault, Simulator, scripted_calls};
use common::wait_until;

fn config(agents: &[&str]) -> ServiceConfig {
    common::recorder_config(agents)
}

fn verify(store: &Path, setup: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args([
            "verify",
            &format!("store={}", store.display()),
            &format!("recpath={}", setup.display()),
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_calls_are_archived_by_the_rules_and_faults_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let service = common::start_recorder(
        config(&["20", "21", "22", "23", "24"]),
        common::test_archiver(&store),
    )
    .await;
    let url = service.url.clone();

    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(10, 3.0, now - 60, 7);
    // agents 20–24 own their calls; the user 31 does not
    calls[0].internal = "21".into();
    calls[1].internal = "31".into();
    calls[2].internal = "22".into();
    calls[2].fault = Fault::DuplicateCdr;
    calls[3].internal = "23".into();
    calls[3].fault = Fault::CdrFirst;
    calls[4].internal = "24".into();
    calls[4].fault = Fault::LateCdr(Duration::from_secs(2));
    calls[5].internal = "20".into();
    calls[5].fault = Fault::NoCdr;
    calls[6].internal = "21".into();
    calls[6].fault = Fault::RestartMidUpload;
    calls.truncate(7);
    let sim = Simulator::new(&url, None).unwrap();
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    // 5 kept by rule, 2 orphans (no CDR, cut upload), 1 dropped
    wait_until("every call handled", Duration::from_secs(60), async || {
        let s = sim.status().await.unwrap();
        s["counters"]["archived"] == 6
            && s["counters"]["dropped_by_rule"] == 1
            && s["waiting"].as_array().unwrap().is_empty()
            && s["archiving"].as_array().unwrap().is_empty()
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["counters"]["orphans"], 2, "{status}");
    assert_eq!(status["counters"]["partial_uploads"], 1, "{status}");
    assert_eq!(status["counters"]["cdrs_duplicate"], 2, "{status}");
    // each capture that went without its CDR said so, and turned the CDR lamp red
    let no_cdr = status["recent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["text"].as_str().unwrap_or("").starts_with("No CDR for "))
        .count();
    assert_eq!(no_cdr, 2, "{status}");
    assert_eq!(status["lamps"]["cdr"], "red", "{status}");

    let found = common::stored_records(&store);
    assert_eq!(found.len(), 6, "{found:?}");
    for call in &calls {
        let conf = format!("{:032x}", call.conf);
        let hits: Vec<&PathBuf> = found
            .iter()
            .filter(|p| p.to_string_lossy().contains(&conf))
            .collect();
        if call.internal == "31" {
            assert!(hits.is_empty(), "the user's call was kept");
            continue;
        }
        assert_eq!(hits.len(), 1, "call {conf} archived {} times", hits.len());
        let name = RecordName::parse(&hits[0].file_name().unwrap().to_string_lossy()).unwrap();
        if matches!(call.fault, Fault::NoCdr | Fault::RestartMidUpload) {
            assert_eq!(name.internal, "-", "an orphan has no parties");
        } else {
            assert_eq!(name.internal, call.internal);
            assert_eq!(name.external, call.external);
            assert_eq!(
                name.direction == callrec::archive::Direction::Outgoing,
                call.outgoing
            );
            assert_eq!(name.time_to_answer_s, call.ring_s);
            // the device (a phone) is internal: its 440 Hz tone is on the right
            let audio = common::read_audio(hits[0]);
            let rate = audio.rate;
            let left = common::tone_power(&audio.channels[0], rate, 660.0);
            let right = common::tone_power(&audio.channels[1], rate, 440.0);
            assert!(
                left > 0.1 && right > 0.1,
                "channels: left {left} right {right}"
            );
        }
    }
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("\tdeleted\tREC/incoming/") && l.contains("no agent")),
        "{log}"
    );
    assert!(
        fs::read_dir(store.join("REC").join("incoming"))
            .unwrap()
            .next()
            .is_none(),
        "journal not empty"
    );

    service.stop().await;
    let (code, out) = verify(&store, &dir.path().join("verifier"));
    assert_eq!(code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_without_touching_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&[]);
    cfg.max_capture = 1000;
    cfg.basic_auth = Some("pbx:secret".into());
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let client = callrec::http_client::builder().build().unwrap();
    let put = |path: &str, body: Vec<u8>| {
        client
            .put(format!("{url}{path}"))
            .basic_auth("pbx", Some("secret"))
            .body(body)
            .send()
    };
    assert_eq!(
        client
            .put(format!("{url}/rec/a.pcap"))
            .body("x")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    for bad in [
        "/rec/..%2f..%2fetc%2fpasswd",
        "/rec/.hidden",
        "/rec/a%00b.pcap",
        "/rec/x.pcap.partial",
    ] {
        assert_eq!(
            put(bad, b"data".to_vec()).await.unwrap().status(),
            400,
            "{bad}"
        );
    }
    assert_eq!(
        put("/rec/big.pcap", vec![0; 5000]).await.unwrap().status(),
        413
    );
    assert_eq!(
        put("/rec/empty.pcap", Vec::new()).await.unwrap().status(),
        400
    );
    let cdr = |body: &'static str| {
        client
            .post(format!("{url}/cdr"))
            .basic_auth("pbx", Some("secret"))
            .body(body)
            .send()
    };
    assert_eq!(cdr("log-msg<cdr").await.unwrap().status(), 400);
    assert_eq!(cdr("time=1").await.unwrap().status(), 400);
    let options = client
        .request(reqwest::Method::OPTIONS, format!("{url}/rec/"))
        .basic_auth("pbx", Some("secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(options.headers()["DAV"], "1");
    let incoming = store.join("REC").join("incoming");
    assert!(fs::read_dir(&incoming).unwrap().next().is_none());
    assert!(!dir.path().join("etc").exists());
    service.stop().await;
}

async fn wait_for_http(url: &str) {
    let client = callrec::http_client::builder().build().unwrap();
    wait_until(
        "the recorder to listen",
        Duration::from_secs(30),
        async || client.get(format!("{url}/status")).send().await.is_ok(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_burst_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let setup = dir.path().join("setup");
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let now = jiff::Timestamp::now().as_second();
    let calls = scripted_calls(40, 20.0, now - 600, 11);
    let sim = Simulator::new(&url, None).unwrap();

    let recorder = common::RecorderProcess::start(&store, &setup, port, &["cdrwait=2"]);
    wait_for_http(&url).await;
    // play the burst concurrently and kill the recorder in the middle of it
    let burst = {
        let calls = calls.clone();
        let url = url.clone();
        tokio::spawn(async move {
            let sim = Simulator::new(&url, None).unwrap();
            let mut acknowledged = Vec::new();
            for call in &calls {
                acknowledged.push(sim.play(call).await.is_ok());
            }
            acknowledged
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    recorder.kill();
    let acknowledged = burst.await.unwrap();
    let before = common::stored_records(&store).len();
    assert!(
        before < calls.len(),
        "the kill came too late to test anything ({before} records)"
    );

    // restart; devices and the PBX send again what was not acknowledged, and (to be
    // hard on it) also everything that was
    let _recorder = common::RecorderProcess::start(&store, &setup, port, &["cdrwait=2"]);
    wait_for_http(&url).await;
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    wait_until(
        "every call archived",
        Duration::from_secs(120),
        async || {
            let s = sim.status().await.unwrap();
            common::stored_records(&store).len() >= calls.len()
                && s["archiving"].as_array().unwrap().is_empty()
                && s["waiting"].as_array().unwrap().is_empty()
        },
    )
    .await;
    let found = common::stored_records(&store);
    for call in &calls {
        let conf = format!("{:032x}", call.conf);
        let n = found
            .iter()
            .filter(|p| p.to_string_lossy().contains(&conf))
            .count();
        assert_eq!(n, 1, "call {conf} is in the archive {n} times");
    }
    assert_eq!(found.len(), calls.len());
    let (code, out) = verify(&store, &setup);
    assert_eq!(code, 0, "{out}");
    eprintln!(
        "kill test: {before} records before the kill, {} calls acknowledged before it",
        acknowledged.iter().filter(|a| **a).count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcr_keeps_only_marked_calls_and_the_skip_marker_deletes_one() {
    use callrec::recorder::modes::Mode;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&[]);
    cfg.pipeline.mode = Mode::Tcr(Duration::from_secs(6));
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let client = callrec::http_client::builder().build().unwrap();

    let now = jiff::Timestamp::now().as_second();
    // the first call ends about now, inside its marking window
    let mut calls = scripted_calls(3, 2.0, now - 3, 5);
    for call in &mut calls {
        call.ring_s = 1;
    }
    calls[0].internal = "21".into();
    calls[1].internal = "22".into();
    calls[2].internal = "23".into();
    // agent 21 marks its call over HTTP; agent 23 set the skip marker; 22 does nothing
    assert_eq!(
        client
            .get(format!("{url}/mark?agent=21"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        client
            .get(format!("{url}/mark?agent=..%2F"))
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    std::fs::write(store.join("TMP").join("TCA-23_23.txt"), b"skip").unwrap();
    let sim = Simulator::new(&url, None).unwrap();
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    wait_until("every call decided", Duration::from_secs(30), async || {
        let s = sim.status().await.unwrap();
        s["counters"]["archived"].as_u64().unwrap()
            + s["counters"]["dropped_by_rule"].as_u64().unwrap()
            == 3
    })
    .await;
    let found = common::stored_records(&store);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].to_string_lossy().contains("_21_"), "{found:?}");
    assert!(
        !store.join("TMP").join("TCA-23_23.txt").exists(),
        "the skip marker is used up"
    );
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(
        log.contains("not marked") && log.contains("skip marker"),
        "{log}"
    );
    service.stop().await;
}

#[test]
fn retention_deletes_old_months_with_a_log_line_and_the_archive_stays_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let archiver = common::test_archiver(&store);
    let now = jiff::Timestamp::now().as_second();
    for (i, start) in [now - 400 * 86_400, now - 60].into_iter().enumerate() {
        let mut call = scripted_calls(1, 1.0, start, 20 + i as u64).remove(0);
        call.internal = "21".into();
        let (name, bytes) = call.capture();
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        let cdrs = callrec::archive::cdr::parse_cdrs(&call.cdrs().join("\n")).unwrap();
        let booking = callrec::archive::record::Booking {
            facts: Some(cdrs[0].facts()),
            ..Default::default()
        };
        let done = archiver.archive(&path, &booking).unwrap();
        if i == 0 {
            // archived back then (its audio written then)
            let then = std::time::SystemTime::now() - Duration::from_secs(400 * 86_400);
            let audio = fs::File::options().write(true).open(&done.audio).unwrap();
            audio.set_modified(then).unwrap();
        }
    }
    // a capture with a device clock at 1970, archived today
    let (_, stray) = scripted_calls(1, 1.0, 86_400, 77).remove(0).capture();
    let stray_path = dir.path().join("stray.pcap");
    fs::write(&stray_path, stray).unwrap();
    let done = archiver.archive(&stray_path, &Default::default()).unwrap();
    assert!(
        !archiver.store.relative(&done.name).starts_with("1970"),
        "dated by its arrival, not by the device's clock: {}",
        done.name
    );
    // and one of today that sits in an old month folder (its call date was wrong)
    let old_month = store.join("2001_01");
    fs::create_dir_all(&old_month).unwrap();
    let moved = old_month.join(done.audio.file_name().unwrap());
    fs::rename(&done.audio, &moved).unwrap();
    fs::rename(&done.sidecar, moved.with_extension("xml")).unwrap();
    assert_eq!(common::stored_records(&store).len(), 3);
    let deleted = callrec::recorder::retention::sweep(&archiver, 3).unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(common::stored_records(&store).len(), 2);
    assert!(moved.exists(), "a record archived today is never deleted");
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert_eq!(log.lines().filter(|l| l.contains("\tdeleted\t")).count(), 1);
}

/// How the test mail server protects its connections.
enum SmtpTls<'a> {
    Plain,
    /// STARTTLS required before login and mail, with this certificate and key.
    StartTls(&'a Path, &'a Path),
    /// TLS from the first byte.
    Implicit(&'a Path, &'a Path),
}

/// A real SMTP server on loopback (aiosmtpd, Debian's python3-aiosmtpd, run by the
/// system's Python) that writes every message it receives to `out`; `None` when it is
/// missing. With TLS it asks for a login (`alarm`/`s3cret`) and takes it only over TLS.
fn smtp_server(out: &Path, tls: SmtpTls) -> Option<(Child, u16)> {
    let port = common::free_port();
    let (kind, cert, key) = match tls {
        SmtpTls::Plain => ("plain", Path::new(""), Path::new("")),
        SmtpTls::StartTls(c, k) => ("starttls", c, k),
        SmtpTls::Implicit(c, k) => ("tls", c, k),
    };
    let script = format!(
        r#"
import asyncio, ssl
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
out, kind = {out:?}, {kind:?}
class Sink:
    async def handle_DATA(self, server, session, envelope):
        with open(out, "ab") as f:
            f.write(b"To: " + ", ".join(envelope.rcpt_tos).encode() + b"\n")
            f.write(b"Login: " + (session.auth_data.login if session.auth_data else b"-") + b"\n")
            f.write(b"Secure: " + str(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None).encode() + b"\n")
            f.write(envelope.original_content or envelope.content)
            f.write(b"\n--end--\n")
        return "250 OK"
def login(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"alarm" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, auth_data=auth_data)
options = dict(hostname="127.0.0.1", port={port})
if kind != "plain":
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain({cert:?}, {key:?})
    options.update(authenticator=login, auth_required=True)
    if kind == "starttls":
        options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    else:
        # TLS from the first byte (aiosmtpd's TLS check looks for STARTTLS only)
        options.update(ssl_context=context, auth_require_tls=False)
controller = Controller(Sink(), **options)
controller.start()
print("ready", flush=True)
import threading
threading.Event().wait()
"#,
        out = out.display().to_string(),
        cert = cert.display().to_string(),
        key = key.display().to_string(),
    );
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let mut child = Command::new(python)
        .args(["-W", "ignore", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    let stdout = child.stdout.take()?;
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).ok()?;
    if line.trim() != "ready" {
        let _ = child.kill();
        return None;
    }
    Some((child, port))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_raises_the_master_alarm_and_mails_the_administrator() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox.txt");
    let Some((mut smtp, smtp_port)) = smtp_server(&inbox, SmtpTls::Plain) else {
        common::skip("aiosmtpd for the loopback mail server (apt install python3-aiosmtpd)");
        return;
    };
    let store = dir.path().join("store");
    let mut cfg = config(&[]);
    cfg.alarm_arming = Duration::ZERO;
    cfg.mail = Some(callrec::recorder::mailer::MailConfig {
        host: "127.0.0.1".into(),
        port: smtp_port,
        security: callrec::recorder::mailer::Security::None,
        credentials: None,
        from: "recorder@example.org".into(),
        to: vec!["admin@example.org".into()],
        trusted_cert: None,
    });
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();

    // a device uploads garbage under a proper name, and the PBX sends its CDR
    let now = jiff::Timestamp::now().as_second();
    let call = scripted_calls(1, 2.0, now - 30, 9).remove(0);
    let sim = Simulator::new(&url, None).unwrap();
    let (name, _) = call.capture();
    sim.put_capture(&name, b"this is not a capture at all".repeat(10))
        .await
        .unwrap();
    for cdr in call.cdrs() {
        sim.send_cdr(&cdr).await.unwrap();
    }
    wait_until("the alarm e-mail", Duration::from_secs(30), async || {
        fs::read_to_string(&inbox).is_ok_and(|t| t.contains("--end--"))
    })
    .await;
    let mail = fs::read_to_string(&inbox).unwrap();
    assert!(mail.contains("Subject: callrec ALARM:"), "{mail}");
    assert!(
        mail.contains("admin@example.org") && mail.contains(&name),
        "{mail}"
    );
    let status = sim.status().await.unwrap();
    assert!(status["alarm"]["alarm"].is_string(), "{status}");
    assert_eq!(status["counters"]["failed"], 1);
    assert_eq!(
        status["lamps"]["software"], "red",
        "an undecodable capture: {status}"
    );
    assert!(
        store.join("REC").join("failed").join(&name).exists(),
        "the bad capture is kept aside"
    );
    service.stop().await;
    let _ = smtp.kill();
    let _ = smtp.wait();
}

/// An alarm mail to `port` with `security`, logging in as `login`.
fn alarm_mail(
    port: u16,
    security: callrec::recorder::mailer::Security,
    login: Option<(&str, &str)>,
    trusted_cert: Option<Vec<u8>>,
) -> callrec::recorder::mailer::MailConfig {
    callrec::recorder::mailer::MailConfig {
        host: "127.0.0.1".into(),
        port,
        security,
        credentials: login.map(|(u, p)| (u.to_string(), p.to_string())),
        from: "recorder@example.org".into(),
        to: vec!["admin@example.org".into()],
        trusted_cert,
    }
}

#[test]
fn alarm_mail_goes_over_starttls_and_tls_with_a_login_and_never_in_clear() {
    use callrec::recorder::mailer::Security;
    let dir = tempfile::tempdir().unwrap();
    let Some((ca, cert, key)) = common::test_ca_and_certificate(dir.path()) else {
        return;
    };
    let pem = fs::read(&ca).unwrap();
    let login = Some(("alarm", "s3cret"));
    for (security, tls) in [
        (Security::StartTls, SmtpTls::StartTls(&cert, &key)),
        (Security::Tls, SmtpTls::Implicit(&cert, &key)),
    ] {
        let inbox = dir.path().join(format!("{security:?}.txt"));
        let Some((mut smtp, port)) = smtp_server(&inbox, tls) else {
            common::skip("aiosmtpd for the loopback mail server (apt install python3-aiosmtpd)");
            return;
        };
        alarm_mail(port, security, login, Some(pem.clone()))
            .send("callrec ALARM: test", "the store path fails")
            .unwrap_or_else(|e| panic!("{security:?}: {e}"));
        let mail = fs::read_to_string(&inbox).unwrap();
        assert!(mail.contains("Login: alarm"), "{security:?}: {mail}");
        assert!(mail.contains("Secure: True"), "{security:?}: {mail}");
        assert!(mail.contains("Subject: callrec ALARM: test"), "{mail}");

        // a server whose certificate nobody vouches for gets nothing
        let refused = alarm_mail(port, security, login, None)
            .send("callrec ALARM: test", "x")
            .unwrap_err();
        assert!(
            refused.starts_with("the mail server 127.0.0.1:"),
            "{refused}"
        );
        let _ = smtp.kill();
        let _ = smtp.wait();
    }
    // a server without STARTTLS: the setup asks for it, so the login is not sent in clear
    let inbox = dir.path().join("plain.txt");
    let (mut smtp, port) = smtp_server(&inbox, SmtpTls::Plain).unwrap();
    let refused = alarm_mail(port, Security::StartTls, login, Some(pem))
        .send("callrec ALARM: test", "x")
        .unwrap_err();
    assert!(
        refused.contains("STARTTLS") || refused.contains("TLS"),
        "{refused}"
    );
    assert!(!inbox.exists(), "nothing was delivered in clear");
    let _ = smtp.kill();
    let _ = smtp.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_split_into_several_files_becomes_several_records_of_one_conference() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let service = common::start_recorder(config(&[]), common::test_archiver(&store)).await;
    let url = service.url.clone();
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 2.0, now - 60, 31).remove(0);
    call.internal = "21".into();
    let sim = Simulator::new(&url, None).unwrap();
    // the phone writes a new file for each part of the call (answer, hold + back)
    for serial in 1..=3u32 {
        let (name, _) = call.capture();
        let part = callrec::media::synth::CallScript {
            duration: 1.0 + f64::from(serial),
            seed: u64::from(serial),
            ..callrec::media::synth::CallScript::default()
        };
        let name = name.replace("-1.pcap", &format!("-{serial}.pcap"));
        sim.put_capture(&name, part.generate()).await.unwrap();
    }
    for cdr in call.cdrs() {
        sim.send_cdr(&cdr).await.unwrap();
    }
    wait_until("three records", Duration::from_secs(30), async || {
        common::stored_records(&store).len() == 3
    })
    .await;
    let conf = format!("{:032x}", call.conf);
    let names: Vec<String> = common::stored_records(&store)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.contains(&conf)), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.contains('~')).count(),
        2,
        "{names:?}"
    );
    service.stop().await;
    let (code, out) = verify(&store, &dir.path().join("verifier"));
    assert_eq!(code, 0, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_backup_path_turns_the_backup_lamp_red_and_raises_the_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let not_a_folder = dir.path().join("backup-is-a-file");
    fs::write(&not_a_folder, b"x").unwrap();
    let mut archiver = common::test_archiver(&store);
    archiver.backup = Some(not_a_folder.clone());
    let mut cfg = config(&[]);
    cfg.alarm_arming = Duration::ZERO;
    let service = common::start_recorder(cfg, archiver).await;
    let url = service.url.clone();
    let sim = Simulator::new(&url, None).unwrap();
    wait_until("the backup lamp", Duration::from_secs(10), async || {
        sim.status().await.unwrap()["lamps"]["backup"] == "red"
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["lamps"]["disk"], "green");
    let cause = status["alarm"]["alarm"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(cause.starts_with("Backup path fails"), "{status}");
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_that_fails_while_archiving_turns_the_backup_lamp_red_and_counts_right() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let backup = dir.path().join("backup");
    fs::create_dir_all(&backup).unwrap();
    let mut archiver = common::test_archiver(&store);
    archiver.backup = Some(backup.clone());
    let service = common::start_recorder(config(&["20", "21", "22", "23", "24"]), archiver).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    wait_until("the start-up check", Duration::from_secs(10), async || {
        sim.status().await.unwrap()["lamps"]["backup"] == "green"
    })
    .await;
    // the backup medium goes away (a full or unplugged disk): its folder is now a file;
    // renamed in one step, since the recorder's periodic probe may have a file in it right now
    fs::rename(&backup, dir.path().join("unplugged")).unwrap();
    fs::write(&backup, b"not a folder").unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(6, 2.0, now - 60, 41);
    for (i, call) in calls.iter_mut().enumerate() {
        call.internal = (20 + i % 5).to_string();
    }
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    wait_until("every record stored", Duration::from_secs(30), async || {
        common::stored_records(&store).len() == calls.len()
    })
    .await;
    wait_until("the backup lamp", Duration::from_secs(10), async || {
        sim.status().await.unwrap()["lamps"]["backup"] == "red"
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(
        status["lamps"]["disk"], "green",
        "the store is fine: {status}"
    );
    assert_eq!(status["counters"]["archived"], calls.len(), "{status}");
    // the medium comes back: every backup copy is made, nothing counted twice
    fs::remove_file(&backup).unwrap();
    fs::create_dir_all(&backup).unwrap();
    wait_until("the backup copies", Duration::from_secs(30), async || {
        let s = sim.status().await.unwrap();
        s["lamps"]["backup"] == "green"
            && s["waiting"].as_array().unwrap().is_empty()
            && s["archiving"].as_array().unwrap().is_empty()
            && fs::read_dir(&backup).unwrap().count() == 2 * calls.len()
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["counters"]["archived"], calls.len(), "{status}");
    assert!(status["counters"]["backup_failed"].as_u64().unwrap() >= calls.len() as u64);
    service.stop().await;
}

/// Polls a file until it contains `needle`.
fn wait_for_text(path: &Path, needle: &str, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        let text = fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) || start.elapsed() > limit {
            return text;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn start_up_checks_run_in_the_seed_order_and_errors_reach_the_error_log() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let store = dir.path().join("store");
    let not_a_folder = dir.path().join("backup-is-a-file");
    fs::write(&not_a_folder, b"x").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args([
            "service",
            &format!("recpath={}", setup.display()),
            &format!("store={}", store.display()),
            &format!("backup={}", not_a_folder.display()),
            "listen=127.0.0.1:0",
            "trace=on",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let errors = wait_for_text(
        &setup.join("iREC_err_log.txt"),
        "Backup path fails",
        Duration::from_secs(20),
    );
    let trace = wait_for_text(
        &setup.join("iREC_sys_log.txt"),
        "Backup path fails",
        Duration::from_secs(5),
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(errors.contains("Backup path fails"), "error log: {errors}");
    assert!(
        !errors.contains("Start-up check"),
        "only warnings and errors: {errors}"
    );
    let order = [
        "Start-up check 1/5",
        "Start-up check 2/5: CDR intake answers",
        "Start-up check 3/5: PCAP directory",
        "Start-up check 4/5: store path",
        "Backup path fails",
    ];
    let mut at = 0;
    for step in order {
        let found = trace[at..]
            .find(step)
            .unwrap_or_else(|| panic!("{step} missing or out of order in the trace log:\n{trace}"));
        at += found;
    }
    assert!(
        !trace.contains("Normal Operation"),
        "a failed check is not normal operation"
    );
    // the error pane's "from log" reads the same lines back
    let last = callrec::recorder::log_files::last_errors(&setup, 30).unwrap();
    assert!(
        last.iter().any(|l| l.contains("Backup path fails")),
        "{last:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_beyond_the_licence_count_are_not_recorded_and_raise_the_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&["20", "21", "22", "23", "24"]);
    cfg.pipeline.agents.licences = 2;
    cfg.alarm_arming = Duration::ZERO;
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(4, 2.0, now - 60, 13);
    for (call, agent) in calls.iter_mut().zip(["21", "22", "23", "21"]) {
        call.internal = agent.into();
        call.fault = Fault::None;
    }
    let sim = Simulator::new(&url, None).unwrap();
    for call in &calls {
        sim.play(call).await.unwrap();
        // one after the other, so that the licences go in this order
        let done = calls.iter().position(|c| c.conf == call.conf).unwrap() as u64 + 1;
        wait_until("the call handled", Duration::from_secs(30), async || {
            let s = sim.status().await.unwrap();
            s["counters"]["archived"].as_u64().unwrap_or(0)
                + s["counters"]["dropped_by_rule"].as_u64().unwrap_or(0)
                == done
        })
        .await;
    }
    let status = sim.status().await.unwrap();
    assert_eq!(
        status["counters"]["archived"], 3,
        "21, 22 and 21 again: {status}"
    );
    assert_eq!(status["counters"]["dropped_by_rule"], 1, "{status}");
    assert_eq!(status["lamps"]["software"], "red");
    assert!(
        status["alarm"]["alarm"]
            .as_str()
            .is_some_and(|c| c.starts_with("licence overflow: agent 23")),
        "{status}"
    );
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("deleted") && l.contains("licence overflow")),
        "{log}"
    );
    assert_eq!(
        fs::read_to_string(store.join("REC").join("licences.txt")).unwrap(),
        "21\n22\n"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_and_the_pbx_can_reach_the_recorder_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = common::test_certificate(dir.path()) else {
        return;
    };
    let store = dir.path().join("store");
    let mut cfg = config(&["20", "21", "22", "23", "24", "30", "31"]);
    cfg.https = Some(callrec::recorder::tls::Https::load(&cert, &key).unwrap());
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    assert!(service.url.starts_with("https://"));
    let url = service.url.clone();
    let sim = Simulator::new_trusting(&url, None, &fs::read(&cert).unwrap()).unwrap();
    let now = jiff::Timestamp::now().as_second();
    let call = scripted_calls(1, 2.0, now - 60, 17).remove(0);
    sim.play(&call).await.unwrap();
    wait_until("the record", Duration::from_secs(30), async || {
        sim.status().await.unwrap()["counters"]["archived"] == 1
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["lamps"]["cdr"], "green", "the CDRs came over HTTPS");
    // plain HTTP on the HTTPS port gets nowhere
    let plain = Simulator::new(&url.replace("https://", "http://"), None).unwrap();
    assert!(plain.status().await.is_err());
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tan_dialled_during_the_call_lands_in_the_record_name_and_sidecar() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&["20", "21", "22", "23", "24"]);
    cfg.pipeline.tan_prefix = "88".into();
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(2, 4.0, now - 60, 23);
    calls[0].internal = "21".into();
    calls[0].tan_dial = Some("88123456".into());
    calls[1].internal = "22".into();
    calls[1].fault = Fault::None;
    calls[0].fault = Fault::None;
    let sim = Simulator::new(&url, None).unwrap();
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    wait_until("both records", Duration::from_secs(30), async || {
        common::stored_records(&store).len() == 2
    })
    .await;
    let found = common::stored_records(&store);
    let with_tan: Vec<&PathBuf> = found
        .iter()
        .filter(|p| p.to_string_lossy().ends_with("_T123456.wav"))
        .collect();
    assert_eq!(with_tan.len(), 1, "{found:?}");
    assert!(with_tan[0].to_string_lossy().contains("_21_"));
    let (code, out, err) = common::callrec(&["inspect", &format!("in={}", with_tan[0].display())]);
    assert_eq!(code, 0, "{err}");
    let inspected: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        inspected["metadata"]["call"]["tan"], "123456",
        "the sidecar carries the TAN: {out}"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_with_many_workers_archives_every_call_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&["21"]);
    cfg.pipeline.workers = 8;
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(240, 10.0, now - 3600, 29);
    for call in &mut calls {
        call.internal = "21".into();
        call.codec = callrec::media::synth::SynthCodec::Pcma;
    }
    // few distinct captures under many names, as in the benchmark
    let captures: Vec<Vec<u8>> = calls.iter().take(8).map(|c| c.capture().1).collect();
    let sim = std::sync::Arc::new(Simulator::new(&url, None).unwrap());
    let calls = std::sync::Arc::new(calls);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..8 {
        let (sim, calls, captures, next) =
            (sim.clone(), calls.clone(), captures.clone(), next.clone());
        senders.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(call) = calls.get(i) else { break };
                let name =
                    callrec::media::synth::CallScript::innovaphone_name(call.conf, call.mac, 1);
                sim.put_capture(&name, captures[i % captures.len()].clone())
                    .await
                    .unwrap();
                for cdr in call.cdrs() {
                    sim.send_cdr(&cdr).await.unwrap();
                }
            }
        }));
    }
    for s in senders {
        s.await.unwrap();
    }
    wait_until(
        "every call archived",
        Duration::from_secs(120),
        async || {
            let s = sim.status().await.unwrap();
            s["counters"]["archived"] == 240 && s["archiving"].as_array().unwrap().is_empty()
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let found = common::stored_records(&store);
    let doubles: Vec<&PathBuf> = found
        .iter()
        .filter(|p| p.to_string_lossy().contains('~'))
        .collect();
    let recent = sim.status().await.unwrap()["recent"].clone();
    assert!(
        doubles.is_empty(),
        "archived twice: {doubles:?}\n{recent:#}"
    );
    assert_eq!(found.len(), 240);
    let status = sim.status().await.unwrap();
    assert_eq!(status["counters"]["errors"], 0, "{}", status["recent"]);
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_and_cdrs_may_log_in_with_digest_instead_of_basic() {
    use callrec::recorder::digest_auth::send_answering;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut cfg = config(&["21"]);
    cfg.basic_auth = Some("pbx:s3cret".into());
    let service = common::start_recorder(cfg, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let client = callrec::http_client::builder().build().unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 2.0, now - 60, 31).remove(0);
    call.internal = "21".into();
    let (name, bytes) = call.capture();
    let put = |password: &'static str| {
        let (client, url, name, bytes) = (client.clone(), url.clone(), name.clone(), bytes.clone());
        async move {
            send_answering(
                || client.put(format!("{url}/rec/{name}")).body(bytes.clone()),
                "pbx",
                password,
            )
            .await
            .ok()
            .map(|r| r.status().as_u16())
        }
    };
    // refused: a 401, or the connection closed under the body the server did not want
    let wrong = put("guess").await;
    assert!(
        matches!(wrong, None | Some(401)),
        "a wrong password is refused: {wrong:?}"
    );
    assert_eq!(put("s3cret").await, Some(201), "Digest is accepted");
    assert!(
        !store.join("REC").join("incoming").exists()
            || std::fs::read_dir(store.join("REC").join("incoming"))
                .unwrap()
                .flatten()
                .all(|f| !f.file_name().to_string_lossy().starts_with('.')),
        "nothing half-written from the refused upload"
    );
    for cdr in call.cdrs() {
        let answer = send_answering(
            || {
                client
                    .post(format!("{url}/cdr"))
                    .body(format!("log-msg{cdr}"))
            },
            "pbx",
            "s3cret",
        )
        .await
        .unwrap();
        assert_eq!(answer.status().as_u16(), 200);
    }
    wait_until("the record", Duration::from_secs(30), async || {
        common::stored_records(&store).len() == 1
    })
    .await;
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_recorders_archive_into_one_store_under_a_burst_with_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // two sites' recorders, each with its own identity and journal, one store
    let mut recorders = Vec::new();
    for site in ["north", "south"] {
        let mut archiver = common::test_archiver(&store);
        archiver.store = archiver
            .store
            .with_journal(dir.path().join(format!("journal-{site}")));
        archiver.recorder_name = format!("recorder {site}");
        recorders.push(common::start_recorder(config(&["21"]), archiver).await);
    }
    let now = jiff::Timestamp::now().as_second();
    let mut senders = Vec::new();
    for (n, recorder) in recorders.iter().enumerate() {
        // different PBXs: different conference ids, the same extension numbers
        let mut calls = scripted_calls(60, 4.0, now - 3600, 100 + n as u64);
        for call in &mut calls {
            call.internal = "21".into();
            call.conf ^= (n as u128 + 1) << 100;
        }
        let sim = Simulator::new(&recorder.url, None).unwrap();
        senders.push(tokio::spawn(async move {
            for call in &calls {
                let (name, bytes) = call.capture();
                sim.put_capture(&name, bytes).await.unwrap();
                for cdr in call.cdrs() {
                    sim.send_cdr(&cdr).await.unwrap();
                }
            }
            sim
        }));
    }
    let mut sims = Vec::new();
    for s in senders {
        sims.push(s.await.unwrap());
    }
    for sim in &sims {
        wait_until(
            "every call of this site archived",
            Duration::from_secs(120),
            async || {
                let s = sim.status().await.unwrap();
                s["counters"]["archived"] == 60 && s["archiving"].as_array().unwrap().is_empty()
            },
        )
        .await;
    }
    let found = common::stored_records(&store);
    assert_eq!(found.len(), 120, "every call of both sites, none twice");
    assert!(
        !found.iter().any(|p| p.to_string_lossy().contains('~')),
        "no record doubled"
    );
    // each journal is its own; the store's activity log is one chain both sign
    assert!(dir.path().join("journal-north").is_dir());
    assert!(
        !store.join("REC").exists() || std::fs::read_dir(store.join("REC")).unwrap().count() == 0
    );
    for r in recorders {
        r.stop().await;
    }
    let setup = dir.path().join("setup");
    let (code, out) = verify(&store, &setup);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("120 original"), "{out}");
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    for site in ["recorder north", "recorder south"] {
        assert_eq!(
            log.lines()
                .filter(|l| l.contains("\tstored\t") && l.contains(site))
                .count(),
            60,
            "{site}'s lines"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_recorder_records_on_while_the_central_store_is_away_and_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let central = dir.path().join("central");
    let mut archiver = common::test_archiver(&central);
    // the branch's journal is on its own disk: another file system where there is one
    // (records are still staged inside the store, so placing them stays one rename)
    let local = if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    archiver.store = archiver.store.with_journal(local.path().join("journal"));
    let mut cfg = config(&["21"]);
    cfg.alarm_arming = Duration::from_secs(2);
    let recorder = common::start_recorder(cfg, archiver).await;
    let sim = Simulator::new(&recorder.url, None).unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(12, 3.0, now - 600, 77);
    for call in &mut calls {
        call.internal = "21".into();
    }
    let (first, rest) = calls.split_at(2);
    for call in first {
        let (name, bytes) = call.capture();
        sim.put_capture(&name, bytes).await.unwrap();
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
    }
    wait_until(
        "the first calls archived",
        Duration::from_secs(30),
        async || sim.status().await.unwrap()["counters"]["archived"] == 2,
    )
    .await;
    assert!(
        local.path().join("journal").is_dir(),
        "the journal is on the branch's own disk"
    );
    // the link to the central store goes down (its share is gone, a file in its place)
    let away = dir.path().join("central-away");
    fs::rename(&central, &away).unwrap();
    fs::write(&central, b"not a folder").unwrap();
    for call in rest {
        let (name, bytes) = call.capture();
        sim.put_capture(&name, bytes).await.unwrap();
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
    }
    wait_until("the DISK lamp red", Duration::from_secs(30), async || {
        sim.status().await.unwrap()["lamps"]["disk"] == "red"
    })
    .await;
    wait_until("the alarm raised", Duration::from_secs(30), async || {
        let alarm = sim.status().await.unwrap()["alarm"].clone();
        alarm != "ok" && alarm != "arming"
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(
        status["counters"]["archived"], 2,
        "nothing archived while away"
    );
    // the store comes back: everything waiting is archived, nothing lost
    fs::remove_file(&central).unwrap();
    fs::rename(&away, &central).unwrap();
    wait_until("every call archived", Duration::from_secs(60), async || {
        let s = sim.status().await.unwrap();
        s["counters"]["archived"] == 12 && s["archiving"].as_array().unwrap().is_empty()
    })
    .await;
    recorder.stop().await;
    assert_eq!(common::stored_records(&central).len(), 12);
    let (code, out) = verify(&central, &dir.path().join("setup"));
    assert_eq!(code, 0, "{out}");
}
