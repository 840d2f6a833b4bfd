//! Who gets in, and for how long: Digest answers bound to their request, back-off for
//! password guessing, idle connections closed, and a start-up check that logs in.

mod common;

use std::time::{Duration, Instant};

use callrec::recorder::connection_limits::ConnectionLimits;
use callrec::recorder::digest_auth::answer;
use callrec::recorder::pipeline::PipelineConfig;
use callrec::recorder::service::ServiceConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn config() -> ServiceConfig {
    ServiceConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_capture: 20_000_000,
        basic_auth: Some("pbx:s3cret".into()),
        mail: None,
        alarm_arming: Duration::from_secs(20),
        pull: None,
        pbx: None,
        https: None,
        limits: ConnectionLimits::default(),
        appserver: None,
        pipeline: PipelineConfig::default(),
    }
}

fn client() -> reqwest::Client {
    callrec::http_client::builder().build().unwrap()
}

/// A client whose requests come from `address` (another loopback address than the
/// tests' own, so that its back-off holds up nobody else).
fn client_from(address: &str) -> reqwest::Client {
    callrec::http_client::builder()
        .local_address(Some(address.parse().unwrap()))
        .build()
        .unwrap()
}

/// A fresh Digest challenge from the recorder.
async fn challenge(url: &str) -> String {
    let refused = client().get(format!("{url}/status")).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    refused
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("Digest"))
        .unwrap()
}

fn events(status: &serde_json::Value) -> Vec<String> {
    status["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect()
}

async fn status(url: &str) -> serde_json::Value {
    client()
        .get(format!("{url}/status"))
        .basic_auth("pbx", Some("s3cret"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sniffed_digest_header_authorises_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let service = common::start_recorder(config(), common::test_archiver(dir.path())).await;
    let url = service.url.clone();
    let challenge = challenge(&url).await;
    let header = answer(&challenge, "pbx", "s3cret", "PUT", "/rec/a.pcap").unwrap();
    let put = |path: &str| {
        client()
            .put(format!("{url}{path}"))
            .header("authorization", header.clone())
            .body("capture bytes")
            .send()
    };
    assert_eq!(
        put("/rec/other.pcap").await.unwrap().status(),
        401,
        "another target"
    );
    assert_eq!(put("/rec/a.pcap").await.unwrap().status(), 201);
    let replay = put("/rec/a.pcap").await.unwrap();
    assert_eq!(replay.status(), 401, "the nonce is used up");
    assert!(
        replay
            .headers()
            .get_all("www-authenticate")
            .iter()
            .any(|v| v.to_str().unwrap().contains("stale=true")),
        "a client with the right password is told to take a fresh nonce"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_guessing_is_slowed_and_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.alarm_arming = Duration::ZERO;
    let service = common::start_recorder(cfg, common::test_archiver(dir.path())).await;
    let url = service.url.clone();
    // the scheme is accepted in any case
    let lower = client()
        .get(format!("{url}/status"))
        .header("authorization", "basic cGJ4OnMzY3JldA==")
        .send()
        .await
        .unwrap();
    assert_eq!(lower.status(), 200);

    let guesser = client_from("127.0.0.2");
    let mut answers = Vec::new();
    let start = Instant::now();
    for n in 0..40 {
        let answer = guesser
            .get(format!("{url}/status"))
            .basic_auth("pbx", Some(format!("guess{n}")))
            .send()
            .await
            .unwrap();
        answers.push(answer.status().as_u16());
        if answer.status() == 429 {
            assert!(answer.headers().contains_key("retry-after"));
            // wait as told, to reach the alarm
            let wait: u64 = answer.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            if wait <= 2 {
                tokio::time::sleep(Duration::from_secs(wait)).await;
            }
        }
    }
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(&answers[..5], &[401; 5], "{answers:?}");
    assert_eq!(answers[5], 429, "the sixth try must wait: {answers:?}");
    // even the right password waits out the back-off of that address …
    let right = guesser
        .get(format!("{url}/status"))
        .basic_auth("pbx", Some("s3cret"))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 429);
    // … while other addresses are not held up
    let s = status(&url).await;
    let texts = events(&s);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("5 failed logins in a row from 127.0.0.2")),
        "{texts:?}"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_refused_logins_raises_the_master_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.alarm_arming = Duration::ZERO;
    let service = common::start_recorder(cfg, common::test_archiver(dir.path())).await;
    let url = service.url.clone();
    let guesser = client_from("127.0.0.3");
    for n in 0..callrec::recorder::auth_guard::ALARM_AFTER {
        let answer = guesser
            .get(format!("{url}/status"))
            .basic_auth("pbx", Some(format!("guess{n}")))
            .send()
            .await
            .unwrap();
        assert!(matches!(answer.status().as_u16(), 401 | 429));
    }
    let s = status(&url).await;
    let alarm = s["alarm"]["alarm"].as_str().unwrap_or_default();
    assert!(
        alarm.contains("20 refused logins in a row from 127.0.0.3"),
        "{s}"
    );
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_cannot_crowd_out_devices() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.limits = ConnectionLimits {
        idle: Duration::from_secs(1),
        max_connections: 8,
    };
    let service = common::start_recorder(cfg, common::test_archiver(dir.path())).await;
    let addr = service.url.strip_prefix("http://").unwrap().to_string();
    // more silent connections than the recorder serves at once
    let mut silent = Vec::new();
    for _ in 0..20 {
        silent.push(tokio::net::TcpStream::connect(&addr).await.unwrap());
    }
    // one that sends half a header and stops
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"PUT /rec/x.pcap HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // a device still gets through once the idle ones are closed
    let start = Instant::now();
    let answer = client()
        .get(format!("http://{addr}/status"))
        .basic_auth("pbx", Some("s3cret"))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(start.elapsed() < Duration::from_secs(15));
    // every silent connection was closed by the recorder
    for mut stream in silent.into_iter().chain([slow]) {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "an idle connection stayed open: {read:?}"
        );
    }
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_up_check_logs_in_and_reports_no_false_link_failure() {
    let dir = tempfile::tempdir().unwrap();
    let service = common::start_recorder(config(), common::test_archiver(dir.path())).await;
    let url = service.url.clone();
    let s = loop {
        let s = status(&url).await;
        if events(&s).iter().any(|t| t.contains("Start-up check 4/5")) {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let texts = events(&s);
    assert!(
        !texts.iter().any(|t| t.contains("Reporting link failure")),
        "{texts:?}"
    );
    assert_ne!(s["lamps"]["cdr"], "red", "{s}");
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_large_or_junk_cdr_posts_leaves_the_journal_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let service = common::start_recorder(config(), common::test_archiver(dir.path())).await;
    let url = service.url.clone();
    let post = |body: String| {
        client()
            .post(format!("{url}/cdr"))
            .basic_auth("pbx", Some("s3cret"))
            .body(body)
            .send()
    };
    let big = format!("event=A:Call&ref=ab&x={}", "y".repeat(256 * 1024));
    let junk = format!("event=x&y={}", "z".repeat(30_000));
    for _ in 0..100 {
        let status = post(big.clone()).await.unwrap().status();
        assert!(status == 413 || status == 400, "{status}");
        assert_eq!(post(junk.clone()).await.unwrap().status(), 400);
    }
    let journal = dir.path().join("REC").join("cdr");
    let size: u64 = std::fs::read_dir(&journal)
        .map(|d| d.flatten().map(|f| f.metadata().unwrap().len()).sum())
        .unwrap_or(0);
    assert_eq!(size, 0, "nothing of the flood was journaled");
    service.stop().await;
}
