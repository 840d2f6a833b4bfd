//! The archive in an S3 bucket, against Garage (a real distributed object store) on
//! loopback: one node and three; records moved, verified and played from the bucket;
//! a node killed during a burst, a bucket that refuses writes, two recorders at once,
//! a name taken by another recorder.

mod common;

use std::path::Path;
use std::time::Duration;

use callrec::archive::bucket::{Bucket, BucketConfig};
use callrec::archive::bucket_outbox::{LOGS, Outbox};
use callrec::archive::record::Archiver;
use callrec::recorder::service::Service;
use callrec::recorder::status::{AlarmState, Lamp};
use callrec::simulator::{SimCall, Simulator, scripted_calls};
use common::garage::Garage;
use common::{TestRecorder, wait_until};

/// A recorder whose records leave its local store for `bucket`.
async fn recorder_into(
    bucket: &BucketConfig,
    archiver: Archiver,
    arming: Duration,
) -> TestRecorder {
    let mut config = common::recorder_config(&["21"]);
    config.alarm_arming = arming;
    let service = Service::start(config, archiver).await.unwrap();
    common::serve(service.with_bucket(Bucket::open(bucket).unwrap()))
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
    let config = config.clone();
    tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&config).unwrap();
        let mut out = Vec::new();
        for month in bucket.folders("").unwrap() {
            if month == "TMP" {
                continue;
            }
            for o in bucket.list(&month).unwrap() {
                if !o.name.ends_with(".xml") {
                    out.push(format!("{month}/{}", o.name));
                }
            }
        }
        out.sort();
        out
    })
    .await
    .unwrap()
}

fn local_records(store: &Path) -> usize {
    common::stored_records(store).len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_move_into_a_one_node_bucket_with_their_log_and_key() {
    let Some(garage) = tokio::task::spawn_blocking(|| Garage::start(1)).await.unwrap() else {
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
    wait_until("every record in the bucket", Duration::from_secs(90), async || {
        let s = status.snapshot();
        if s.lamps.bucket == Lamp::Red {
            panic!("{:?}", s.recent);
        }
        s.counters.uploaded == 12
    })
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
    let verifier = dir.path().join("verifier");
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify".to_string(), format!("recpath={}", verifier.display())];
        args.extend(garage.setup_args("site-a"));
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::callrec(&args)
    };
    let (code, out, err) = verify(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("12 record(s): 12 original, 0 manipulated") && out.contains("intact"),
        "{out}"
    );
    // one flipped byte in one record's audio, another record's audio taken away
    let (b, first, second) = (bucket.clone(), in_bucket[0].clone(), in_bucket[1].clone());
    tokio::task::spawn_blocking(move || {
        let bucket = Bucket::open(&b).unwrap();
        let mut audio = bucket.get(&first).unwrap().unwrap().to_vec();
        let last = audio.len() - 1;
        audio[last] ^= 1;
        bucket.put(&first, audio.into()).unwrap();
        bucket.delete(&second).unwrap();
    })
    .await
    .unwrap();
    let (code, out, _) = verify(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("Manipulated: {}", in_bucket[0])),
        "{out}"
    );
    assert!(out.contains(&format!("Missing: {}", in_bucket[1])), "{out}");
}
