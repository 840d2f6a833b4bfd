//! The journal ties every job to the exact capture it read: re-sends, name clashes and a
//! kill in the middle of an upload, against the real recorder on loopback.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use callrec::recorder::pipeline::{OrphanPolicy, PipelineConfig};
use callrec::recorder::rules::Agents;
use callrec::recorder::service::ServiceConfig;
use callrec::simulator::{SimCall, Simulator, scripted_calls};
use common::wait_until;
use tokio::io::AsyncWriteExt;

fn config(cdr_wait_steps: u32) -> ServiceConfig {
    ServiceConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_capture: 20_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: Duration::from_secs(20),
        pull: None,
        pbx: None,
        https: None,
        limits: Default::default(),
        appserver: None,

        pipeline: PipelineConfig {
            agents: Agents {
                numbers: (20..=24).map(|n| n.to_string()).collect(),
                ..Agents::default()
            },
            cdr_wait_steps,
            orphans: OrphanPolicy::Keep,
            settle: Duration::from_millis(300),
            ..PipelineConfig::default()
        },
    }
}

/// Waits until nothing is waiting, archiving or in the journal.
async fn settled(sim: &Simulator, store: &Path) {
    wait_until(
        "the journal to empty",
        Duration::from_secs(60),
        async || {
            let s = sim.status().await.unwrap();
            s["waiting"].as_array().unwrap().is_empty()
                && s["archiving"].as_array().unwrap().is_empty()
                && journal_is_empty(store)
        },
    )
    .await;
}

fn journal_is_empty(store: &Path) -> bool {
    std::fs::read_dir(store.join("REC").join("incoming"))
        .map(|mut d| d.next().is_none())
        .unwrap_or(false)
}

fn records_of(store: &Path, call: &SimCall) -> Vec<PathBuf> {
    let conf = format!("{:032x}", call.conf);
    common::stored_records(store)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&conf))
        .collect()
}

/// Agents' calls, each with its CDRs already in, so that a capture is archived at once.
fn calls(count: usize, seed: u64) -> Vec<SimCall> {
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(count, 2.0, now - 120, seed);
    for (i, call) in calls.iter_mut().enumerate() {
        call.internal = (20 + i % 5).to_string();
    }
    calls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_upload_of_a_name_while_the_first_is_archived_is_archived_too() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let service = common::start_recorder(config(60), common::test_archiver(&store)).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    let calls = calls(10, 31);
    for (i, call) in calls.iter().enumerate() {
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
        let (name, first) = call.capture();
        // a second, different capture under the same name, 0–200 ms later
        let second = calls[(i + 1) % calls.len()].capture().1;
        sim.put_capture(&name, first).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20 * i as u64)).await;
        sim.put_capture(&name, second).await.unwrap();
    }
    settled(&sim, &store).await;
    for call in &calls {
        let found = records_of(&store, call);
        assert_eq!(
            found.len(),
            2,
            "both acknowledged captures are kept: {found:?}"
        );
    }
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_file_name_under_two_device_folders_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // no CDR arrives in time: both wait in the journal side by side, then are orphans
    let service = common::start_recorder(config(1), common::test_archiver(&store)).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    let calls = calls(2, 5);
    let (_, one) = calls[0].capture();
    let (_, two) = calls[1].capture();
    sim.put_capture("dev1/x.pcap", one).await.unwrap();
    sim.put_capture("dev2/x.pcap", two).await.unwrap();
    wait_until(
        "both to wait for a CDR",
        Duration::from_secs(10),
        async || {
            sim.status().await.unwrap()["waiting"]
                .as_array()
                .unwrap()
                .len()
                == 2
        },
    )
    .await;
    settled(&sim, &store).await;
    assert_eq!(common::stored_records(&store).len(), 2);
    service.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identical_captures_under_several_names_at_once_become_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let service = common::start_recorder(config(60), common::test_archiver(&store)).await;
    let sim = Simulator::new(&service.url, None).unwrap();
    let calls = calls(6, 17);
    for call in &calls {
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
    }
    // held while the uploads arrive, then let go: the copies are archived together
    service.pipeline.status.set_paused(true);
    for call in &calls {
        let (name, bytes) = call.capture();
        let bytes = bytes::Bytes::from(bytes);
        // the device sends the capture under three serials at the same moment
        let uploads = (1..=3).map(|serial| {
            let name = name.replace("-1.pcap", &format!("-{serial}.pcap"));
            let (sim, bytes) = (&sim, bytes.clone());
            async move { sim.put_capture(&name, bytes).await }
        });
        for done in futures_util::future::join_all(uploads).await {
            done.unwrap();
        }
    }
    service.pipeline.status.set_paused(false);
    settled(&sim, &store).await;
    for call in &calls {
        let found = records_of(&store, call);
        assert_eq!(found.len(), 1, "one record per capture: {found:?}");
    }
    service.stop().await;
}

/// Starts an upload over plain TCP and sends the first half; the connection stays open.
async fn half_upload(port: u16, name: &str, bytes: &[u8]) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "PUT /rec/{name} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&bytes[..bytes.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_uploads_then_complete_re_sends_give_one_complete_record_each() {
    let dir = tempfile::tempdir().unwrap();
    let (store, setup) = (dir.path().join("store"), dir.path().join("setup"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let sim = Simulator::new(&url, None).unwrap();
    let calls = calls(10, 77);

    let recorder = common::RecorderProcess::start(
        &store,
        &setup,
        port,
        &["agents=20,21,22,23,24", "cdrwait=6"],
    );
    wait_until(
        "the recorder to listen",
        Duration::from_secs(30),
        async || sim.status().await.is_ok(),
    )
    .await;
    let mut open = Vec::new();
    for call in &calls {
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
        let (name, bytes) = call.capture();
        open.push(half_upload(port, &name, &bytes).await);
    }
    // the recorder writes what came whenever the sender pauses
    tokio::time::sleep(Duration::from_millis(500)).await;
    recorder.kill();
    drop(open);

    // back up; every device sends its whole capture again
    let _recorder = common::RecorderProcess::start(
        &store,
        &setup,
        port,
        &["agents=20,21,22,23,24", "cdrwait=6"],
    );
    wait_until(
        "the recorder to listen again",
        Duration::from_secs(30),
        async || sim.status().await.is_ok(),
    )
    .await;
    for call in &calls {
        let (name, bytes) = call.capture();
        sim.put_capture(&name, bytes).await.unwrap();
    }
    settled(&sim, &store).await;
    let status = sim.status().await.unwrap();
    for call in &calls {
        let found = records_of(&store, call);
        assert_eq!(found.len(), 1, "one record per call: {found:?}");
        let audio = common::read_audio(&found[0]);
        let seconds = audio.channels[0].len() as f64 / f64::from(audio.rate);
        assert!(
            (seconds - call.seconds).abs() < 0.3,
            "the record is the complete capture: {seconds} s of {} s",
            call.seconds
        );
    }
    let superseded = status["recent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["text"]
                .as_str()
                .unwrap()
                .contains("superseded the partial")
        })
        .count();
    assert_eq!(superseded, calls.len(), "{status}");
}
