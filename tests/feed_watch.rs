//! The signals a site relies on after start-up: a CDR feed that breaks, and a PBX
//! clock that drifts, each turn a lamp, raise the alarm with a message in words, and
//! clear by themselves once the cause is gone.

mod common;

use std::time::Duration;

use callrec::recorder::pbx_link::PbxConfig;
use callrec::recorder::service::ServiceConfig;
use callrec::recorder::status::AlarmState;
use callrec::simulator::soap_pbx::SoapPbx;
use callrec::simulator::{Fault, SimCall, Simulator, scripted_calls};
use common::wait_until;

/// Agent 20's calls, starting a minute ago.
fn agent_calls(count: usize, seed: u64) -> Vec<SimCall> {
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(count, 1.0, now - 60, seed);
    for call in &mut calls {
        call.internal = "20".into();
        call.fault = Fault::None;
    }
    calls
}

fn config() -> ServiceConfig {
    let mut config = common::recorder_config(&["20"]);
    config.alarm_arming = Duration::from_millis(200);
    config
}

/// The texts of the recent events.
fn events(status: &serde_json::Value) -> Vec<String> {
    status["recent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn alarm_cause(status: &serde_json::Value) -> String {
    status["alarm"]["alarm"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_cdr_feed_turns_the_cdr_lamp_red_and_raises_the_alarm_until_cdrs_flow_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut config = config();
    config.pipeline.cdr_silence = Duration::from_secs(2);
    let service = common::start_recorder(config, common::test_archiver(&store)).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    wait_until("the start-up check", Duration::from_secs(10), async || {
        events(&sim.status().await.unwrap())
            .iter()
            .any(|t| t.starts_with("Start-up check 2/5: CDR intake answers"))
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["lamps"]["cdr"], "grey", "no CDR seen yet: {status}");

    // the PBX's CDR interface is broken: captures come, CDRs do not
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut calls = agent_calls(3, 5);
    for call in &mut calls[..2] {
        call.fault = Fault::NoCdr;
        sim.play(call).await.unwrap();
    }
    wait_until("the CDR alarm", Duration::from_secs(10), async || {
        let s = sim.status().await.unwrap();
        s["lamps"]["cdr"] == "red" && alarm_cause(&s).starts_with("CDR feed failure")
    })
    .await;
    let cause = alarm_cause(&sim.status().await.unwrap());
    assert!(
        cause.contains("no CDR for") && cause.contains("capture(s) arrived"),
        "{cause}"
    );
    // each capture that reaches its deadline without a CDR says so
    wait_until("both orphans", Duration::from_secs(20), async || {
        let s = sim.status().await.unwrap();
        s["counters"]["orphans"] == 2
            && events(&s)
                .iter()
                .filter(|t| t.starts_with("No CDR for "))
                .count()
                == 2
    })
    .await;
    for call in &calls[..2] {
        let (name, _) = call.capture();
        assert!(
            events(&sim.status().await.unwrap())
                .iter()
                .any(|t| t.starts_with(&format!(
                    "No CDR for {name} within 5 s: archived as an orphan"
                ))),
            "{name}"
        );
    }

    // the feed is repaired: the next CDR turns the lamp green by itself
    service.pipeline.status.reset_alarm();
    sim.play(&calls[2]).await.unwrap();
    wait_until("the CDR lamp green", Duration::from_secs(10), async || {
        let s = sim.status().await.unwrap();
        s["lamps"]["cdr"] == "green" && s["counters"]["archived"] == 3
    })
    .await;
    let status = sim.status().await.unwrap();
    assert!(
        events(&status)
            .iter()
            .any(|t| t == "CDRs arrive again: the CDR lamp is green"),
        "{status}"
    );
    assert_eq!(status["alarm"], "ok", "{status}");
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_cdr_alarm_off_an_orphan_is_a_yellow_warning_and_no_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config();
    config.pipeline.orphan_alarm = false;
    config.pipeline.cdr_silence = Duration::ZERO;
    let service =
        common::start_recorder(config, common::test_archiver(&dir.path().join("store"))).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    let mut call = agent_calls(1, 6).remove(0);
    call.fault = Fault::NoCdr;
    sim.play(&call).await.unwrap();
    wait_until("the orphan", Duration::from_secs(20), async || {
        sim.status().await.unwrap()["counters"]["orphans"] == 1
    })
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["lamps"]["cdr"], "yellow", "{status}");
    assert_eq!(status["alarm"], "ok", "{status}");
    let warned = status["recent"].as_array().unwrap().iter().any(|e| {
        e["level"] == "warning" && e["text"].as_str().unwrap_or("").starts_with("No CDR for ")
    });
    assert!(warned, "{status}");
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pbx_clock_ahead_in_its_cdr_posts_turns_the_clock_lamp_red_until_it_is_set_right() {
    let dir = tempfile::tempdir().unwrap();
    let service =
        common::start_recorder(config(), common::test_archiver(&dir.path().join("store"))).await;
    let mut sim = Simulator::new(&service.url, None).unwrap();
    let calls = agent_calls(2, 8);
    sim.play(&calls[0]).await.unwrap();
    wait_until(
        "the clock lamp green",
        Duration::from_secs(10),
        async || sim.status().await.unwrap()["lamps"]["clock"] == "green",
    )
    .await;

    sim.clock_offset_s = 600;
    sim.play(&calls[1]).await.unwrap();
    wait_until("the clock alarm", Duration::from_secs(10), async || {
        let s = sim.status().await.unwrap();
        s["lamps"]["clock"] == "red" && alarm_cause(&s).starts_with("PBX clock is")
    })
    .await;
    let cause = alarm_cause(&sim.status().await.unwrap());
    assert!(
        cause.starts_with("PBX clock is 10 min 0 s ahead of this PC's clock")
            || cause.starts_with("PBX clock is 9 min 59 s ahead of this PC's clock"),
        "{cause}"
    );
    assert!(
        cause.contains("CDR posts") && cause.contains("same time server"),
        "{cause}"
    );

    sim.clock_offset_s = 0;
    sim.play(&agent_calls(1, 9)[0]).await.unwrap();
    wait_until(
        "the clock lamp green again",
        Duration::from_secs(10),
        async || {
            let s = sim.status().await.unwrap();
            s["lamps"]["clock"] == "green"
                && events(&s)
                    .iter()
                    .any(|t| t == "PBX clock agrees with this PC's clock again")
        },
    )
    .await;
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pbx_clock_behind_in_its_soap_answers_raises_the_alarm() {
    let dir = tempfile::tempdir().unwrap();
    let pbx = SoapPbx::start(
        "127.0.0.1:0".parse().unwrap(),
        SoapPbx::site_users(),
        None,
        Duration::from_millis(300),
    )
    .await
    .unwrap();
    pbx.set_clock_offset(-2 * 3600);
    let mut config = config();
    config.pbx = Some(PbxConfig {
        standby_url: None,
        url: pbx.url(),
        user: "API".into(),
        credentials: None,
    });
    let service =
        common::start_recorder(config, common::test_archiver(&dir.path().join("store"))).await;
    wait_until("the clock alarm", Duration::from_secs(10), async || {
        let s = service.pipeline.status.snapshot();
        s.lamps.clock == callrec::recorder::status::Lamp::Red
            && matches!(&s.alarm, AlarmState::Alarm(c) if c.starts_with("PBX clock is 2 h 0 min behind"))
    })
    .await;
    let AlarmState::Alarm(cause) = service.pipeline.status.snapshot().alarm else {
        unreachable!()
    };
    assert!(cause.contains("SOAP answers"), "{cause}");
    service.stop().await;
    pbx.stop();
}
