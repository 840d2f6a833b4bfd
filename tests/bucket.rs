//! The archive in an S3 bucket, against Garage (a real distributed object store) on
//! loopback: one node and three; records moved, verified and played from the bucket;
//! a node killed during a burst, a bucket that refuses writes, two recorders at once,
//! a name taken by another recorder.

mod common;

use std::path::Path;
use std::time::Duration;

use callrec::archive::bucket::{Bucket, BucketConfig};
use callrec::archive::bucket_outbox::LOGS;
use callrec::archive::record::Archiver;
use callrec::recorder::service::Service;
use callrec::recorder::status::{AlarmState, Lamp};
use callrec::simulator::{SimCall, Simulator, scripted_calls};
use common::garage::Garage;
use common::{TestRecorder, wait_until};

/// A Garage cluster of `nodes` nodes, started off the test's runtime threads; `None`
/// (after a "skipped" line, or a failure in CI) without garage.
async fn garage(nodes: usize) -> Option<Garage> {
    tokio::task::spawn_blocking(move || Garage::start(nodes))
        .await
        .unwrap()
}

/// `callrec verify` of the bucket's `prefix` from a fresh setup under `dir`: what
/// another PC with nothing but the bucket's key finds.
fn verify_from_elsewhere(garage: &Garage, dir: &Path, prefix: &str) -> (i32, String, String) {
    let verifier = dir.join("verifier");
    let mut args = vec![
        "verify".to_string(),
        format!("recpath={}", verifier.display()),
    ];
    args.extend(garage.setup_args(prefix));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::callrec(&args)
}

/// A recorder whose records leave its local store for `bucket`.
async fn recorder_into(
    bucket: &BucketConfig,
    archiver: Archiver,
    arming: Duration,
) -> TestRecorder {
    let mut config = common::recorder_config(&["21"]);
    config.alarm_arming = arming;
    let service = Service::start(config, archiver).await.unwrap();
    common::serve(service.with_bucket(Bucket::open(bucket).unwrap(), None))
}

/// Waits (up to `limit`) until `recorder` has moved `n` records into its bucket.
async fn moved(recorder: &TestRecorder, n: u64, limit: Duration) {
    let status = recorder.pipeline.status.clone();
    wait_until(
        &format!("{n} records moved into the bucket"),
        limit,
        async || status.snapshot().counters.uploaded == n,
    )
    .await;
}

fn calls(count: usize, seed: u64) -> Vec<SimCall> {
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(count, 3.0, now - 3600, seed);
    for call in &mut calls {
        call.internal = "21".into();
        // each recorder's PBX has its own conference ids
        call.conf ^= u128::from(seed) << 96;
    }
    calls
}

async fn send(sim: &Simulator, calls: &[SimCall]) {
    for call in calls {
        let (name, bytes) = call.capture();
        sim.put_capture(&name, bytes).await.unwrap();
        for cdr in call.cdrs() {
            sim.send_cdr(&cdr).await.unwrap();
        }
    }
}

/// Every record's audio in the bucket (store-relative names), from a blocking thread.
async fn audio_in(config: &BucketConfig) -> Vec<String> {
    try_audio_in(config).await.unwrap()
}

/// [`audio_in`], or why the bucket could not list it.
async fn try_audio_in(config: &BucketConfig) -> Result<Vec<String>, String> {
    let config = config.clone();
    tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&config).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for month in bucket.folders("").map_err(|e| e.to_string())? {
            if month == "TMP" {
                continue;
            }
            for o in bucket.list(&month).map_err(|e| e.to_string())? {
                if !o.name.ends_with(".xml") {
                    out.push(format!("{month}/{}", o.name));
                }
            }
        }
        out.sort();
        Ok(out)
    })
    .await
    .unwrap()
}

/// `callrec service` as its own process on the setup folder `setup`, its archive in
/// the bucket that `args` name (`Garage::setup_args` first, then further setup keys),
/// with a simulator for it once it answers, and its address.
async fn recorder_process(
    setup: &Path,
    args: &[String],
) -> (common::RecorderProcess, Simulator, String) {
    let store = args[0]
        .strip_prefix("store=")
        .expect("the setup keys start with the store");
    let extra: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    let port = common::free_port();
    let recorder = common::RecorderProcess::start(Path::new(store), setup, port, &extra);
    let base = format!("http://127.0.0.1:{port}");
    let sim = Simulator::new(&base, None).unwrap();
    wait_until("the recorder", Duration::from_secs(20), async || {
        sim.status().await.is_ok()
    })
    .await;
    (recorder, sim, base)
}

/// The text of every activity log in the bucket (recorders', Players', servers').
fn logs_of(bucket: &Bucket) -> Vec<String> {
    bucket
        .list(LOGS)
        .unwrap()
        .iter()
        .filter_map(|o| bucket.get(&format!("{LOGS}/{}", o.name), 1 << 24).unwrap())
        .map(|text| String::from_utf8_lossy(&text).into_owned())
        .collect()
}

/// [`logs_of`] the bucket `config` names, read off the async tasks.
async fn logs_in(config: &BucketConfig) -> Vec<String> {
    let config = config.clone();
    tokio::task::spawn_blocking(move || logs_of(&Bucket::open(&config).unwrap()))
        .await
        .unwrap()
}

fn local_records(store: &Path) -> usize {
    common::stored_records(store).len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_move_into_a_one_node_bucket_with_their_log_and_key() {
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("outbox");
    let bucket = garage.config("site-a");
    let recorder = recorder_into(
        &bucket,
        common::test_archiver(&local),
        Duration::from_secs(20),
    )
    .await;
    let sim = Simulator::new(&recorder.url, None).unwrap();
    let calls = calls(12, 1);
    send(&sim, &calls).await;
    let status = recorder.pipeline.status.clone();
    wait_until(
        "every record in the bucket",
        Duration::from_secs(90),
        async || {
            let s = status.snapshot();
            if s.lamps.bucket == Lamp::Red {
                panic!("{:?}", s.recent);
            }
            s.counters.uploaded == 12
        },
    )
    .await;
    let s = status.snapshot();
    assert_eq!(s.lamps.bucket, Lamp::Green);
    assert_eq!(s.counters.archived, 12);
    assert_eq!(local_records(&local), 0, "nothing stays in the outbox");
    let in_bucket = audio_in(&bucket).await;
    assert_eq!(in_bucket.len(), 12, "{in_bucket:?}");
    for call in &calls {
        let conf = format!("{:032x}", call.conf);
        assert_eq!(
            in_bucket.iter().filter(|n| n.contains(&conf)).count(),
            1,
            "one record of call {conf}"
        );
    }
    let b = bucket.clone();
    let (logs, keys) = tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&b).unwrap();
        (bucket.list(LOGS).unwrap(), bucket.list("TMP/keys").unwrap())
    })
    .await
    .unwrap();
    assert_eq!(logs.len(), 1, "one activity log for the one recorder");
    assert_eq!(keys.len(), 1, "its public key");
    recorder.stop().await;

    // `verify` on the bucket alone: another PC, its own setup, nothing of the recorder's
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "site-a");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("12 record(s): 12 original, 0 manipulated") && out.contains("intact"),
        "{out}"
    );
    // an evidence ZIP from the command line of that PC, the record named as in the
    // bucket: checkable offline, and the export in the bucket's logs
    let evidence_dir = dir.path().join("for the court");
    let mut args = vec![
        "evidence".to_string(),
        format!("recpath={}", dir.path().join("verifier").display()),
        format!("in={}", in_bucket[2]),
        format!("out={}", evidence_dir.display()),
    ];
    args.extend(garage.setup_args("site-a"));
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = common::callrec(&args);
    assert_eq!(code, 0, "{out}{err}");
    let zip = std::path::PathBuf::from(out.trim().trim_start_matches("evidence: "));
    common::check_evidence(&zip, &["\tstored\t"], 1);
    // and a clear copy the same way
    args[0] = "copy";
    let (code, out, err) = common::callrec(&args);
    assert_eq!(code, 0, "{out}{err}");
    let name = in_bucket[2].rsplit('/').next().unwrap();
    assert!(
        out.contains(&format!("copied: {}", evidence_dir.join(name).display())),
        "{out}"
    );
    common::read_audio(&evidence_dir.join(name));
    let metadata = std::fs::read_to_string(evidence_dir.join(name).with_extension("xml")).unwrap();
    assert!(
        metadata.contains("<internal"),
        "the metadata in the clear, opened with the bucket's keys: {metadata}"
    );
    let logs = logs_in(&bucket).await;
    assert_eq!(logs.len(), 2, "the recorder's log and the exporting PC's");
    assert!(logs.iter().any(|l| l.contains("evidence=")), "{logs:?}");
    assert!(
        logs.iter()
            .any(|l| l.contains("\tcopied\t") && l.contains("to=")),
        "{logs:?}"
    );
    // one flipped byte in one record's audio, another record's audio taken away
    let (b, first, second) = (bucket.clone(), in_bucket[0].clone(), in_bucket[1].clone());
    tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&b).unwrap();
        let mut audio = bucket.get(&first, 1 << 30).unwrap().unwrap().to_vec();
        let last = audio.len() - 1;
        audio[last] ^= 1;
        bucket.put(&first, audio.into()).unwrap();
        bucket.delete(&second).unwrap();
    })
    .await
    .unwrap();
    let (code, out, _) = verify_from_elsewhere(&garage, dir.path(), "site-a");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("Manipulated: {}", in_bucket[0])),
        "{out}"
    );
    assert!(out.contains(&format!("Missing: {}", in_bucket[1])), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_that_refuses_writes_keeps_records_locally_raises_the_alarm_and_catches_up() {
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("outbox");
    let bucket = garage.config("branch");
    garage.deny_write();
    let recorder = recorder_into(
        &bucket,
        common::test_archiver(&local),
        Duration::from_secs(2),
    )
    .await;
    let sim = Simulator::new(&recorder.url, None).unwrap();
    send(&sim, &calls(8, 2)).await;
    let status = recorder.pipeline.status.clone();
    wait_until(
        "the S3 lamp red and the alarm up",
        Duration::from_secs(60),
        async || {
            let s = status.snapshot();
            s.lamps.bucket == Lamp::Red
                && matches!(s.alarm, AlarmState::Alarm(_))
                && s.counters.archived == 8
        },
    )
    .await;
    let s = status.snapshot();
    assert!(
        s.recent
            .iter()
            .any(|e| e.level == "error" && e.text.contains("refused access")),
        "the operator reads why: {:?}",
        s.recent
    );
    assert_eq!(local_records(&local), 8, "every record kept locally");
    assert_eq!(s.counters.uploaded, 0);
    assert!(audio_in(&bucket).await.is_empty());

    garage.allow_write();
    moved(&recorder, 8, Duration::from_secs(60)).await;
    assert_eq!(status.snapshot().lamps.bucket, Lamp::Green);
    assert_eq!(local_records(&local), 0);
    assert_eq!(audio_in(&bucket).await.len(), 8);
    recorder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_node_of_three_killed_during_a_burst_loses_nothing() {
    let Some(mut garage) = garage(3).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("outbox");
    let bucket = garage.config_at(0, "hq");
    let recorder = recorder_into(
        &bucket,
        common::test_archiver(&local),
        Duration::from_secs(20),
    )
    .await;
    let sim = Simulator::new(&recorder.url, None).unwrap();
    let calls = calls(40, 3);
    let (first, rest) = calls.split_at(15);
    send(&sim, first).await;
    let status = recorder.pipeline.status.clone();
    wait_until(
        "the first records moved",
        Duration::from_secs(60),
        async || status.snapshot().counters.uploaded >= 5,
    )
    .await;
    // a node that is not the one the recorder talks to dies in the middle of the burst
    garage.kill(2);
    send(&sim, rest).await;
    moved(&recorder, 40, Duration::from_secs(120)).await;
    assert_eq!(local_records(&local), 0);
    // read back through another surviving node: every object has its quorum
    let in_bucket = audio_in(&garage.config_at(1, "hq")).await;
    assert_eq!(in_bucket.len(), 40);
    recorder.stop().await;
    // and the node that comes back serves them too
    garage.restart(2);
    let through_restarted = garage.config_at(2, "hq");
    wait_until(
        "the restarted node lists them",
        Duration::from_secs(60),
        async || {
            // it answers "no quorum" until it has found the others again
            try_audio_in(&through_restarted)
                .await
                .is_ok_and(|names| names.len() == 40)
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_recorders_into_one_bucket_under_a_burst_give_exact_counts_and_two_chains() {
    let Some(garage) = garage(1).await else {
        return;
    };
    use callrec::archive::identity::Identity;
    use callrec::archive::keyring::KeyRing;
    use callrec::archive::sidecar::Verdict;
    use callrec::player::bucket_source::BucketSource;
    use callrec::player::session::Session;
    let dir = tempfile::tempdir().unwrap();
    let bucket = garage.config("one-archive");
    // a supervisor's Player opened before either recorder published its key
    let (config, cache) = (bucket.clone(), dir.path().join("cache"));
    let early = tokio::task::spawn_blocking(move || {
        let source = BucketSource::new(Bucket::open(&config).unwrap(), cache);
        let me = Identity::generate();
        Session::on_bucket(source, KeyRing::default(), me, "supervisor".into())
    })
    .await
    .unwrap();
    let mut recorders = Vec::new();
    for site in ["north", "south"] {
        let mut archiver = common::test_archiver(&dir.path().join(site));
        archiver.recorder_name = format!("recorder {site}");
        recorders.push(recorder_into(&bucket, archiver, Duration::from_secs(20)).await);
    }
    let mut senders = Vec::new();
    for (n, recorder) in recorders.iter().enumerate() {
        let sim = Simulator::new(&recorder.url, None).unwrap();
        let calls = calls(30, 10 + n as u64);
        senders.push(tokio::spawn(async move { send(&sim, &calls).await }));
    }
    for s in senders {
        s.await.unwrap();
    }
    for recorder in &recorders {
        moved(recorder, 30, Duration::from_secs(120)).await;
    }
    let in_bucket = audio_in(&bucket).await;
    assert_eq!(in_bucket.len(), 60, "no record lost or doubled");
    for r in recorders {
        r.stop().await;
    }
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "one-archive");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("60 record(s): 60 original"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("signed by")).count(),
        2,
        "two recorders, two signers: {out}"
    );

    // the Player on the bucket lists both sites' calls and filters by recorder
    tokio::task::spawn_blocking(move || {
        use callrec::player::engine::OutputKind;
        use callrec::ui::player::PlayerView;
        use egui_kittest::kittest::Queryable;
        let view = PlayerView::new(early, OutputKind::Null);
        let mut h = common::kittest()
            .with_size(egui::vec2(1200.0, 700.0))
            .build_ui_state(|ui, view: &mut PlayerView| view.show(ui), view);
        common::step_until(
            &mut h,
            "both sites listed, with their recorders",
            Duration::from_secs(30),
            |v: &PlayerView| v.model.catalog.len() == 60 && v.model.recorders.names.len() == 2,
        );
        assert_eq!(
            h.state().model.recorders.names,
            ["recorder north", "recorder south"]
        );
        h.run_steps(2);
        assert!(
            h.query_all_by_label("recorder").next().is_some(),
            "the recorder choice is offered"
        );
        for site in ["recorder north", "recorder south"] {
            h.state_mut().model.filter.recorder = site.into();
            h.state_mut().model.filter_changed();
            h.run_steps(2);
            assert_eq!(h.state().model.rows.len(), 30, "{site}'s calls");
            // signed by a key published after the Player opened: still original
            let first = h.state().model.rows[0];
            h.state_mut().model.play_entry(first);
            common::step_until(
                &mut h,
                "the record's verdict",
                Duration::from_secs(20),
                |v: &PlayerView| {
                    v.model.details.current().is_some_and(|d| {
                        d.audio == v.model.catalog.entries[first].audio()
                            && d.check.verdict == Verdict::Original
                    })
                },
            );
        }
        h.state_mut().model.filter.recorder.clear();
        h.state_mut().model.filter_changed();
        h.run_steps(2);
        assert_eq!(h.state().model.rows.len(), 60);
    })
    .await
    .unwrap();

    // so does a Player on another PC, through a fileserver on the bucket: the server
    // names the recorders and picks one recorder's records
    let hub = dir.path().join("hub");
    let port = common::free_port();
    let mut setup = vec!["setup".to_string(), format!("recpath={}", hub.display())];
    setup.extend(garage.setup_args("one-archive"));
    setup.push(format!("listen=127.0.0.1:{port}"));
    let (code, _, err) = common::callrec(&setup.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{err}");
    let chief = ("Chief", "chief-secret-1");
    common::add_account(&hub, chief, &[]);
    let _server = common::RecorderProcess::fileserver(&hub);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let get = async |path: &str| -> serde_json::Value {
        let answer = client
            .get(format!("{base}{path}"))
            .basic_auth(chief.0, Some(chief.1))
            .send()
            .await;
        match answer {
            Ok(a) if a.status().is_success() => a.json().await.unwrap(),
            _ => serde_json::Value::Null,
        }
    };
    wait_until(
        "the server's recorder names",
        Duration::from_secs(30),
        async || {
            get("/api/v1/recorders").await["recorders"]
                .as_array()
                .map(Vec::len)
                == Some(2)
        },
    )
    .await;
    let north = get("/api/v1/records?recorder=recorder%20north&limit=100").await;
    assert_eq!(north["total"], 30, "{north}");
    // a play through the fileserver is in the bucket's logs (no recorder's outbox here
    // sends its log)
    let first = north["records"][0]["name"].as_str().unwrap().to_string();
    let played = client
        .get(format!("{base}/api/v1/records/{first}/audio"))
        .basic_auth(chief.0, Some(chief.1))
        .send()
        .await
        .unwrap();
    assert_eq!(played.status(), reqwest::StatusCode::OK);
    let logs = logs_in(&bucket).await;
    assert!(
        logs.iter().any(|log| log
            .lines()
            .any(|l| l.contains("\tplayed\t") && l.contains(&first) && l.contains("player:Chief"))),
        "the played line in the bucket: {logs:?}"
    );
    assert!(
        north["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["recorder"] == "recorder north"),
        "{north}"
    );
    tokio::task::spawn_blocking(move || {
        use callrec::archive::identity::Identity;
        use callrec::archive::keyring::KeyRing;
        use callrec::archive::store::Store;
        use callrec::player::engine::OutputKind;
        use callrec::player::remote::RemoteArchive;
        use callrec::player::remote_catalog::root_for;
        use callrec::player::session::Session;
        use callrec::ui::player::PlayerView;
        let server = RemoteArchive::new(&base, chief.0, chief.1, None).unwrap();
        let session = Session::new(
            Store::new(root_for(&base)),
            KeyRing::default(),
            Identity::generate(),
            chief.0.into(),
        );
        let view = PlayerView::new_remote(session, server, OutputKind::Null);
        let mut h = common::kittest()
            .with_size(egui::vec2(1200.0, 700.0))
            .build_ui_state(|ui, view: &mut PlayerView| view.show(ui), view);
        common::step_until(
            &mut h,
            "both sites listed over the network, with their recorders",
            Duration::from_secs(30),
            |v: &PlayerView| v.model.catalog.len() == 60 && v.model.recorders.names.len() == 2,
        );
        for site in ["recorder south", ""] {
            h.state_mut().model.filter.recorder = site.into();
            h.state_mut().model.filter_changed();
            let wanted = if site.is_empty() { 60 } else { 30 };
            common::step_until(
                &mut h,
                "the server's list by recorder",
                Duration::from_secs(30),
                |v: &PlayerView| v.model.catalog.len() == wanted && v.model.rows.len() == wanted,
            );
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_another_recorder_holds_in_the_bucket_is_never_overwritten() {
    let Some(garage) = garage(1).await else {
        return;
    };
    let config = garage.config("clash");
    tokio::task::spawn_blocking(move || {
        use callrec::archive::bucket_upload::upload_record;
        let dir = tempfile::tempdir().unwrap();
        let bucket = Bucket::open(&config).unwrap();
        // two recorders' records of one name (same minute, numbers and call id)
        let name = "2026_03_04_1005_21_i_0301234_3_abcdef.wav";
        let mut records = Vec::new();
        for (site, tone) in [("a", 1u8), ("b", 2u8)] {
            let month = dir.path().join(site).join("2026_03");
            std::fs::create_dir_all(&month).unwrap();
            let audio = month.join(name);
            std::fs::write(&audio, vec![tone; 4000]).unwrap();
            std::fs::write(audio.with_extension("xml"), format!("<sidecar of {site}/>")).unwrap();
            records.push(audio);
        }
        let first = upload_record(&bucket, &records[0]).unwrap();
        assert_eq!(first.relative, format!("2026_03/{name}"));
        assert!(!first.already);
        // the same record again (an attempt that died before its local copy went)
        let again = upload_record(&bucket, &records[0]).unwrap();
        assert_eq!(again.relative, first.relative);
        assert!(again.already);
        let second = upload_record(&bucket, &records[1]).unwrap();
        assert_eq!(
            second.relative,
            "2026_03/2026_03_04_1005_21_i_0301234_3_abcdef~2.wav"
        );
        assert_eq!(
            second.renamed_from.as_deref(),
            Some(first.relative.as_str())
        );
        assert_eq!(bucket.get(&first.relative, 1 << 20).unwrap().unwrap()[0], 1);
        assert_eq!(
            bucket.get(&second.relative, 1 << 20).unwrap().unwrap()[0],
            2
        );
        // an object larger than what callrec stores there is refused, not taken whole
        bucket
            .put("2026_03/huge.xml", vec![b'x'; 5 << 20].into())
            .unwrap();
        let refused = bucket.get("2026_03/huge.xml", 4 << 20).unwrap_err();
        assert!(refused.to_string().contains("larger than"), "{refused}");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_lists_plays_and_checks_the_records_of_a_bucket_and_says_when_it_is_away() {
    use callrec::archive::identity::Identity;
    use callrec::archive::keyring::KeyRing;
    use callrec::archive::sidecar::Verdict;
    use callrec::player::bucket_source::BucketSource;
    use callrec::player::engine::OutputKind;
    use callrec::player::session::Session;
    use callrec::ui::player::PlayerView;
    use egui_kittest::kittest::Queryable;

    let Some(mut garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bucket = garage.config("played");
    let recorder = recorder_into(
        &bucket,
        common::test_archiver(&dir.path().join("outbox")),
        Duration::from_secs(20),
    )
    .await;
    let sim = Simulator::new(&recorder.url, None).unwrap();
    send(&sim, &calls(5, 4)).await;
    moved(&recorder, 5, Duration::from_secs(60)).await;
    recorder.stop().await;

    let cache = dir.path().join("player-cache");
    let state = dir.path().join("player-state");
    let copies = dir.path().join("copies");
    let verifier_dir = dir.path().to_path_buf();
    let (config, cache_dir) = (bucket.clone(), cache.clone());
    tokio::task::spawn_blocking(move || {
        use callrec::player::record_jobs::RecordChange;
        let source = BucketSource::new(Bucket::open(&config).unwrap(), cache_dir);
        // a window that asks to be woken after the first listing came is woken at once
        // (it draws only when told, and would never show the list)
        source.start_listing();
        let start = std::time::Instant::now();
        while source.folders().is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the bucket listed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let woken = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = woken.clone();
        source.set_wake(std::sync::Arc::new(move || {
            flag.store(true, std::sync::atomic::Ordering::Relaxed)
        }));
        assert!(woken.load(std::sync::atomic::Ordering::Relaxed));
        let mut session = Session::on_bucket(
            source.clone(),
            KeyRing::default(),
            Identity::generate(),
            "supervisor".into(),
        );
        // where the Player keeps its month indexes
        session.state_dir = Some(state.clone());
        assert!(
            !session.permissions.delete && !session.permissions.tan,
            "a Player changes nothing in a bucket"
        );
        let view = PlayerView::new(session, OutputKind::Null);
        let mut h = common::kittest()
            .with_size(egui::vec2(1000.0, 700.0))
            .build_ui_state(|ui, view: &mut PlayerView| view.show(ui), view);
        common::step_until(
            &mut h,
            "the list from the bucket",
            Duration::from_secs(20),
            |v: &PlayerView| v.model.catalog.len() == 5,
        );
        assert!(
            common::stored_records(&cache).is_empty(),
            "nothing fetched before it is played"
        );
        // the list's names come from the bucket's sidecars of the rows shown
        common::step_until(
            &mut h,
            "the parties' names",
            Duration::from_secs(20),
            |v: &PlayerView| {
                let first = v.model.catalog.entries[0].audio();
                v.model
                    .names
                    .get(&first)
                    .is_some_and(|n| n.internal.is_some())
            },
        );
        h.state_mut().model.play_entry(0);
        common::step_until(
            &mut h,
            "the record playing",
            Duration::from_secs(20),
            |v: &PlayerView| {
                let s = &v.model.shown;
                s.playing && s.position_s > 0.2 && s.error.is_none()
            },
        );
        common::step_until(
            &mut h,
            "its details",
            Duration::from_secs(20),
            |v: &PlayerView| {
                v.model
                    .details
                    .current()
                    .is_some_and(|d| d.check.verdict == Verdict::Original)
            },
        );
        assert_eq!(
            common::stored_records(&cache).len(),
            1,
            "only the played record is fetched"
        );
        // a copy out of a record not yet fetched: the clear record in the folder, the
        // copy in the archive's logs under this Player's own signature
        let other = h.state().model.catalog.entries[1].audio();
        h.state_mut()
            .model
            .change_records(&[other], RecordChange::Copy(copies.clone()));
        common::step_until(
            &mut h,
            "the copy",
            Duration::from_secs(20),
            |v: &PlayerView| !v.model.jobs.running() && v.model.message.is_some(),
        );
        let copied = std::fs::read_dir(&copies)
            .map(|d| d.flatten().count())
            .unwrap_or(0);
        assert!(copied >= 1, "{:?}", h.state().model.message);
        let logs = logs_of(&source.bucket);
        assert_eq!(
            logs.len(),
            2,
            "the recorder's log and this Player's: {logs:?}"
        );
        let player_log = logs
            .into_iter()
            .find(|text| text.contains("\tcopied\t"))
            .expect("a copied line in the bucket");
        assert!(player_log.contains("supervisor"), "{player_log}");
        // the evidence ZIP of the record played, from the button: the record as signed
        // with the recorder's key, and the lines of both logs about it
        let evidence = dir.path().join("for the court");
        h.state_mut().model.copy_to = evidence.display().to_string();
        h.get_by_label("Evidence ZIP").click();
        common::step_until(
            &mut h,
            "the evidence ZIP",
            Duration::from_secs(20),
            |v: &PlayerView| {
                !v.model.jobs.running()
                    && v.model
                        .message
                        .as_deref()
                        .is_some_and(|m| m.contains("evidence"))
            },
        );
        let message = h.state().model.message.clone().unwrap_or_default();
        assert!(message.starts_with("evidence ZIP written: "), "{message}");
        let zip = std::path::PathBuf::from(message.trim_start_matches("evidence ZIP written: "));
        common::check_evidence(&zip, &["\tstored\t", "\tplayed\t"], 2);
        let logs = logs_of(&source.bucket).join("");
        assert!(
            logs.contains("evidence="),
            "the export is in the bucket's logs"
        );
        let (code, out, err) = verify_from_elsewhere(&garage, &verifier_dir, "played");
        assert_eq!(code, 0, "the Player's chain verifies too: {out}{err}");
        assert!(out.contains("5 record(s): 5 original"), "{out}");
        // the object store goes away: the list stays, and the window says why
        garage.kill(0);
        h.state_mut().model.prefs.live = true;
        common::step_until(
            &mut h,
            "the message",
            Duration::from_secs(40),
            |v: &PlayerView| {
                v.model
                    .message
                    .as_deref()
                    .is_some_and(|m| m.contains("cannot be read"))
            },
        );
        assert_eq!(
            h.state().model.catalog.len(),
            5,
            "the list keeps what it showed"
        );
        // a Player started while the bucket is away lists what its index held
        drop(h);
        let again = callrec::player::catalog::Catalog::open_bucket(source, Some(&state));
        assert_eq!(again.len(), 5, "from the month index of the last run");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_in_a_bucket_deletes_only_this_recorders_old_records_and_logs_each() {
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bucket = garage.config("kept");
    // two recorders' records in one bucket
    let mut archivers = Vec::new();
    for (n, site) in ["north", "south"].into_iter().enumerate() {
        let mut archiver = common::test_archiver(&dir.path().join(site));
        archiver.recorder_name = format!("recorder {site}");
        let recorder = recorder_into(&bucket, archiver, Duration::from_secs(20)).await;
        let sim = Simulator::new(&recorder.url, None).unwrap();
        send(&sim, &calls(3, 20 + n as u64)).await;
        moved(&recorder, 3, Duration::from_secs(60)).await;
        archivers.push(recorder.pipeline.archiver.clone());
        recorder.stop().await;
    }
    assert_eq!(audio_in(&bucket).await.len(), 6);
    let config = bucket.clone();
    let north = archivers[0].clone();
    tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&config).unwrap();
        // a year on, keeping 6 months: north's three records go, south's stay (south's
        // own retention deletes them, in south's chain)
        let later = jiff::ZonedDateTime::now()
            .date()
            .saturating_add(jiff::Span::new().years(1));
        let deleted =
            callrec::recorder::retention::sweep_bucket(&north, &bucket, 6, later).unwrap();
        assert_eq!(deleted, 3);
        assert_eq!(
            callrec::recorder::retention::sweep_bucket(&north, &bucket, 6, later).unwrap(),
            0,
            "nothing twice"
        );
        let log = std::fs::read_to_string(north.store.audit_log()).unwrap();
        assert_eq!(log.matches("\tdeleted\t").count(), 3, "{log}");
        // north's chain goes to the bucket as the recorder does it
        bucket
            .put(
                &format!("{LOGS}/{}.txt", north.identity.public().id()),
                log.into_bytes().into(),
            )
            .unwrap();
    })
    .await
    .unwrap();
    assert_eq!(audio_in(&bucket).await.len(), 3);
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "kept");
    assert_eq!(code, 0, "deleted and logged: nothing missing\n{out}{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_players_of_a_recorder_on_a_bucket_see_play_and_check_its_records_and_change_none()
{
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let desk = ("Desk 21", "desk-21-secret");
    let chief = ("Supervisor", "chief-secret-1");
    common::add_account(&setup, desk, &["extensions=21", "rights=notes"]);
    common::add_account(&setup, chief, &["rights=notes,delete,copy"]);
    let mut args = garage.setup_args("desks");
    args.extend(["cdrwait=1".into(), "agents=21,22".into()]);
    let (_recorder, sim, base) = recorder_process(&setup, &args).await;
    let mut calls = calls(3, 30);
    calls[1].internal = "22".into();
    send(&sim, &calls).await;
    let bucket = garage.config("desks");
    wait_until(
        "the records in the bucket",
        Duration::from_secs(60),
        async || audio_in(&bucket).await.len() == 3,
    )
    .await;
    assert_eq!(
        local_records(&setup.join("outbox")),
        0,
        "the recorder keeps none of them"
    );
    let client = reqwest::Client::new();
    let get = |who: (&'static str, &'static str), path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            client
                .get(url)
                .basic_auth(who.0, Some(who.1))
                .send()
                .await
                .unwrap()
        }
    };
    let names = |answer: serde_json::Value| -> Vec<String> {
        answer["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let mut all = Vec::new();
    wait_until(
        "the supervisor's list of the bucket",
        Duration::from_secs(30),
        async || {
            all = names(
                get(chief, "/api/v1/records".into())
                    .await
                    .json()
                    .await
                    .unwrap(),
            );
            all.len() == 3
        },
    )
    .await;
    let own = names(
        get(desk, "/api/v1/records".into())
            .await
            .json()
            .await
            .unwrap(),
    );
    assert_eq!(
        own.len(),
        2,
        "the desk sees its extension's calls only: {own:?}"
    );
    let record = &own[0];
    let month = &record[..7];
    let audio = get(desk, format!("/api/v1/records/{record}/audio")).await;
    assert_eq!(audio.status(), reqwest::StatusCode::OK);
    let heard = audio.bytes().await.unwrap();
    let (b, key) = (bucket.clone(), format!("{month}/{record}"));
    let stored =
        tokio::task::spawn_blocking(move || Bucket::open(&b).unwrap().get(&key, 1 << 30).unwrap())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(heard, stored, "the audio as the bucket holds it");
    let details: serde_json::Value = get(desk, format!("/api/v1/records/{record}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details["verdict"], "original", "{details}");
    let other = all.iter().find(|n| !own.contains(n)).unwrap();
    assert_eq!(
        get(desk, format!("/api/v1/records/{other}/audio"))
            .await
            .status(),
        reqwest::StatusCode::NOT_FOUND,
        "another extension's record is not there for the desk"
    );
    // the bucket's records are changed by recorders and retention only
    let notes = client
        .put(format!("{base}/api/v1/records/{record}/notes"))
        .basic_auth(chief.0, Some(chief.1))
        .body("called back")
        .send()
        .await
        .unwrap();
    assert_eq!(notes.status(), reqwest::StatusCode::FORBIDDEN);
    // a copy out changes none: the supervisor takes one in the clear, and the copy is
    // in the recorder's chain in the bucket, which verifies
    let copy = get(chief, format!("/api/v1/records/{record}/copy")).await;
    assert_eq!(copy.status(), reqwest::StatusCode::OK);
    assert_eq!(
        copy.bytes().await.unwrap(),
        heard,
        "the record in the clear"
    );
    assert_eq!(
        get(desk, format!("/api/v1/records/{record}/copy"))
            .await
            .status(),
        reqwest::StatusCode::FORBIDDEN,
        "without the right, no copy"
    );
    let copied_in_bucket = async || {
        logs_in(&bucket).await.iter().any(|log| {
            log.lines()
                .any(|l| l.contains("\tcopied\t") && l.contains("player:Supervisor"))
        })
    };
    wait_until(
        "the copy in the bucket's logs",
        Duration::from_secs(20),
        copied_in_bucket,
    )
    .await;
    // the evidence ZIP, made by the recorder from the bucket's record and logs
    assert_eq!(
        get(desk, format!("/api/v1/records/{record}/evidence"))
            .await
            .status(),
        reqwest::StatusCode::FORBIDDEN,
        "without the right, no evidence ZIP"
    );
    let evidence = get(chief, format!("/api/v1/records/{record}/evidence")).await;
    assert_eq!(evidence.status(), reqwest::StatusCode::OK);
    let zip = dir.path().join("evidence.zip");
    std::fs::write(&zip, evidence.bytes().await.unwrap()).unwrap();
    common::check_evidence(&zip, &["\tstored\t", "\tcopied\t"], 1);
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "desks");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("3 record(s): 3 original"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorder_killed_while_it_moves_records_into_the_bucket_moves_each_once_after_restart() {
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let port = common::free_port();
    let args = garage.setup_args("killed");
    let extra: Vec<&str> = args
        .iter()
        .skip(1) // store= is given as the store
        .map(String::as_str)
        .chain(["cdrwait=1", "agents=21"])
        .collect();
    let store = format!("s3://{}/killed", common::garage::BUCKET);
    let start = || common::RecorderProcess::start(Path::new(&store), &setup, port, &extra);
    let recorder = start();
    let base = format!("http://127.0.0.1:{port}");
    let sim = Simulator::new(&base, None).unwrap();
    wait_until("the recorder", Duration::from_secs(20), async || {
        sim.status().await.is_ok()
    })
    .await;
    let calls = calls(30, 40);
    send(&sim, &calls).await;
    let bucket = garage.config("killed");
    wait_until(
        "the first records in the bucket",
        Duration::from_secs(60),
        async || audio_in(&bucket).await.len() >= 3,
    )
    .await;
    // SIGKILL in the middle of moving: objects half put, local copies not yet deleted
    recorder.kill();
    let moved_before = audio_in(&bucket).await.len();
    let _recorder = start();
    wait_until(
        "every record in the bucket",
        Duration::from_secs(120),
        async || audio_in(&bucket).await.len() >= 30 && local_records(&setup.join("outbox")) == 0,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let in_bucket = audio_in(&bucket).await;
    assert_eq!(
        in_bucket.len(),
        30,
        "each call once ({moved_before} before the kill)"
    );
    for call in &calls {
        let conf = format!("{:032x}", call.conf);
        assert_eq!(in_bucket.iter().filter(|n| n.contains(&conf)).count(), 1);
    }
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "killed");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("30 record(s): 30 original"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_copy_goes_flat_into_its_own_bucket_and_a_record_leaves_only_once_it_is_in_both()
{
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let local = dir.path().join("outbox");
    let (bucket, backup) = (garage.config("site"), garage.backup_config("site"));
    // the backup refuses at first
    garage.deny_write_on(common::garage::BACKUP_BUCKET);
    let mut config = common::recorder_config(&["21"]);
    config.alarm_arming = Duration::from_secs(2);
    let service = Service::start(config, common::test_archiver(&local))
        .await
        .unwrap();
    let recorder = common::serve(service.with_bucket(
        Bucket::open(&bucket).unwrap(),
        Some(Bucket::open(&backup).unwrap()),
    ));
    let sim = Simulator::new(&recorder.url, None).unwrap();
    send(&sim, &calls(4, 50)).await;
    let status = recorder.pipeline.status.clone();
    wait_until("the BACKUP lamp red", Duration::from_secs(60), async || {
        let s = status.snapshot();
        s.lamps.backup == Lamp::Red && s.counters.archived == 4
    })
    .await;
    wait_until(
        "the archive has them",
        Duration::from_secs(30),
        async || audio_in(&bucket).await.len() == 4,
    )
    .await;
    assert_eq!(
        local_records(&local),
        4,
        "kept until the backup has them too"
    );
    wait_until("the alarm", Duration::from_secs(10), async || {
        matches!(status.snapshot().alarm, AlarmState::Alarm(_))
    })
    .await;
    garage.allow_write_on(common::garage::BACKUP_BUCKET);
    wait_until("the copies made", Duration::from_secs(60), async || {
        local_records(&local) == 0
    })
    .await;
    wait_until(
        "the BACKUP lamp green",
        Duration::from_secs(10),
        async || status.snapshot().lamps.backup == Lamp::Green,
    )
    .await;
    let b = backup.clone();
    let (objects, folders) = tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&b).unwrap();
        (bucket.list("").unwrap(), bucket.folders("").unwrap())
    })
    .await
    .unwrap();
    let count = |ext: &str| objects.iter().filter(|o| o.name.ends_with(ext)).count();
    assert_eq!(count(".wav"), 4, "flat, as the seed's backup folder");
    assert_eq!(count(".xml"), 4);
    assert!(folders.is_empty(), "no month folders: {folders:?}");
    assert_eq!(
        audio_in(&bucket).await.len(),
        4,
        "and nothing twice in the archive"
    );
    recorder.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pcap_records_are_converted_before_they_move_and_move_as_they_are_once_the_converter_died()
{
    let Some(garage) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let mut args = garage.setup_args("converted");
    // the recorder and its converter share the setup folder: its identity and outbox
    let mut converter_args = vec![
        "converter".to_string(),
        format!("recpath={}", setup.display()),
        "convertto=alaw".into(),
        "poll=1".into(),
    ];
    converter_args.extend(args.iter().cloned());
    let converter = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args(&converter_args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let converter = common::RecorderProcess::from(converter);
    args.extend(["cdrwait=1".into(), "format=pcap".into()]);
    let (_recorder, sim, _) = recorder_process(&setup, &args).await;
    let bucket = garage.config("converted");
    let ending = |objects: &[String], ext: &str| {
        objects
            .iter()
            .filter(|o| o.ends_with(&format!(".{ext}")))
            .count()
    };
    send(&sim, &calls(3, 40)).await;
    let mut objects = Vec::new();
    wait_until(
        "three converted records in the bucket",
        Duration::from_secs(60),
        async || {
            objects = audio_in(&bucket).await;
            objects.len() == 3
        },
    )
    .await;
    assert_eq!(ending(&objects, "wav"), 3, "converted first: {objects:?}");

    // a converter that dies holds nothing back for ever: once it is taken for gone the
    // PCAP records move as they are, and the recorder says why
    converter.kill();
    send(&sim, &calls(2, 41)).await;
    wait_until(
        "the new records in the bucket, unconverted",
        Duration::from_secs(90),
        async || {
            objects = audio_in(&bucket).await;
            objects.len() == 5
        },
    )
    .await;
    assert_eq!(ending(&objects, "pcap"), 2, "{objects:?}");
    // the event follows the pass that moved them (the bucket lists each object as soon
    // as it is put, before the pass ends)
    wait_until(
        "the recorder's word on the missing converter",
        Duration::from_secs(20),
        async || {
            let status = sim.status().await.unwrap();
            status["recent"].as_array().unwrap().iter().any(|e| {
                e["text"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("the converter has not been seen")
            })
        },
    )
    .await;
    let (code, out, err) = verify_from_elsewhere(&garage, dir.path(), "converted");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("5 record(s): 5 original"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_goes_into_another_object_store_and_waits_for_it_while_that_one_is_down() {
    // two independent Garage clusters: the archive's site and the backup's site
    let Some(archive_site) = garage(1).await else {
        return;
    };
    let Some(mut backup_site) = garage(1).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let mut args = archive_site.setup_args("site");
    args.push(format!(
        "backup=s3://{}/site",
        common::garage::BACKUP_BUCKET
    ));
    args.push(format!("backups3endpoint={}", backup_site.endpoint(0)));
    args.push(format!("backups3key={}", common::garage::KEY_ID));
    args.push(format!("backups3secret={}", common::garage::SECRET));
    args.push("cdrwait=1".into());
    let (_recorder, sim, _) = recorder_process(&setup, &args).await;
    let (archive, backup) = (
        archive_site.config("site"),
        backup_site.backup_config("site"),
    );
    let copies = async |config: &BucketConfig| -> usize {
        let config = config.clone();
        tokio::task::spawn_blocking(move || {
            Bucket::open(&config)
                .and_then(|b| b.list(""))
                .map(|objects| objects.iter().filter(|o| o.name.ends_with(".wav")).count())
                .unwrap_or(0)
        })
        .await
        .unwrap()
    };
    let outbox = setup.join("outbox");
    send(&sim, &calls(4, 60)).await;
    wait_until(
        "four records in the archive and four copies at the other site",
        Duration::from_secs(60),
        async || {
            audio_in(&archive).await.len() == 4
                && copies(&backup).await == 4
                && local_records(&outbox) == 0
        },
    )
    .await;
    assert_eq!(
        copies(&archive_site.backup_config("site")).await,
        0,
        "no copy in the archive's own store"
    );

    // the backup's site goes away: records reach the archive and wait here for it
    backup_site.kill(0);
    send(&sim, &calls(2, 61)).await;
    wait_until(
        "the BACKUP lamp red with two records kept",
        Duration::from_secs(60),
        async || {
            let status = sim.status().await.unwrap();
            status["lamps"]["backup"] == "red" && local_records(&outbox) == 2
        },
    )
    .await;
    assert_eq!(audio_in(&archive).await.len(), 6);
    backup_site.restart(0);
    wait_until(
        "the copies made once the other site is back",
        Duration::from_secs(90),
        async || copies(&backup).await == 6 && local_records(&outbox) == 0,
    )
    .await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["lamps"]["backup"], "green", "{status}");
}
