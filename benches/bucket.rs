//! The archive in a bucket, on a Garage node on loopback: how fast records move in, how
//! fast `verify` checks the bucket and how fast a Player lists it, each beside a peer in
//! the same run.
//!
//! `cargo bench --bench bucket` builds N signed records (20 000 by default,
//! `CALLREC_BENCH_RECORDS=N`) with 16 KiB audio each, as the verify benchmark does, in
//! a local store on a RAM disk where there is one, then measures:
//! - the Player's list of the local store (the folder catalog, no index), as a peer
//!   for the bucket's list;
//! - moving them into the bucket with the recorder's outbox (8 at a time, each read
//!   back) against `curl --aws-sigv4` putting the same number of objects, 8 at a time;
//! - `verify` of the bucket against `curl` getting every object once, 8 at a time
//!   (the least any check of a bucket must read);
//! - the Player's list of the bucket (`Catalog::open_bucket`): at a first start (the
//!   list fills as the bucket is read) and at the next (from the month indexes), and
//!   what those rates mean for 1 M records.
//!
//! `CALLREC_BENCH_STEPS` picks steps from `move,verify,list` (default: all). `seed`
//! instead of `move` puts the records' objects straight in, 32 at a time and without
//! the outbox's checks: how 1 M records (2 M objects) get into the bucket within the
//! time of a session, for the list —
//! `CALLREC_BENCH_RECORDS=1000000 CALLREC_BENCH_AUDIO_BYTES=1024
//! CALLREC_BENCH_STEPS=seed,list cargo bench --bench bucket`.
//!
//! Garage comes from `scripts/setup.sh`.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use callrec::archive::bucket::Bucket;
use callrec::archive::bucket_outbox::Outbox;
use callrec::archive::bucket_verify::verify_bucket;
use callrec::player::bucket_source::BucketSource;
use callrec::player::catalog::Catalog;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench bucket");
        return;
    }
    let n = support::records_wanted();
    let garage = garage::Garage::start(1).expect("garage (scripts/setup.sh builds it)");
    let base = support::ram_dir();
    let (archiver, trusted, ring) = support::signed_records(base.path(), n);
    let store = archiver.store.clone();

    let t = Instant::now();
    let local = Catalog::open(&store);
    let local_list = t.elapsed();
    assert_eq!(local.len(), n);
    println!(
        "peer: the Player's list of the same {n} records in a local folder: {:.2} s",
        local_list.as_secs_f64()
    );

    let config = garage.config("bench");
    let bucket = Bucket::open(&config).expect("bucket");
    let steps = std::env::var("CALLREC_BENCH_STEPS").unwrap_or_else(|_| "move,verify,list".into());
    let step = |name: &str| steps.split(',').any(|s| s.trim() == name);
    // the peers' rate is measured on at most 20 000 records: a process per object
    // would take most of an hour over 100 000
    let peer_n = n.min(20_000);
    if step("seed") {
        let t = Instant::now();
        seed(&bucket, &store, n);
        let seeded = t.elapsed();
        println!(
            "seeded {n} records ({} objects) straight into the bucket, 32 at a time: {:.1} s = {:.0} records/s",
            2 * n,
            seeded.as_secs_f64(),
            n as f64 / seeded.as_secs_f64()
        );
    }
    if step("move") {
        let t = Instant::now();
        let mut outbox = Outbox::new(bucket.clone(), Arc::new(archiver)).without_delay();
        let drained = outbox.pass();
        assert!(drained.failure.is_none(), "moved: {:?}", drained.failure);
        let moved = t.elapsed();
        assert_eq!(drained.uploaded.len(), n);
        println!(
            "moved {n} records into the bucket (sidecar and audio, each read back): {:.1} s = {:.0} records/s",
            moved.as_secs_f64(),
            n as f64 / moved.as_secs_f64()
        );
        let peer_put = curl(&garage, base.path(), peer_n, Mode::Put);
        println!(
            "peer: curl PUT of {} objects of the same sizes, 8 at a time: {:.1} s = {:.0} records/s",
            2 * peer_n,
            peer_put,
            peer_n as f64 / peer_put
        );
    }

    if step("verify") {
        let t = Instant::now();
        let report = verify_bucket(&bucket, &ring, &trusted, |_| {}, || {}).expect("verify");
        let verify = t.elapsed();
        assert!(report.is_clean(), "the bucket must verify clean");
        let per_s = n as f64 / verify.as_secs_f64();
        println!(
            "verify of the bucket: {n} records in {:.1} s = {per_s:.0} records/s (1 M records: {:.0} min)",
            verify.as_secs_f64(),
            1e6 / per_s / 60.0
        );
        let peer_get = curl(&garage, base.path(), peer_n, Mode::Get);
        println!(
            "peer: curl GET of the objects of {peer_n} records once, 8 at a time: {:.1} s = {:.0} records/s",
            peer_get,
            peer_n as f64 / peer_get
        );
    }
    if !step("list") {
        return;
    }

    // cold: no index yet, the list fills as the lister reads the bucket
    let state = base.path().join("player-state");
    let source = BucketSource::new(bucket, base.path().join("cache"));
    let t = Instant::now();
    let mut cold = Catalog::open_bucket(source.clone(), Some(&state));
    while cold.len() < n {
        std::thread::sleep(std::time::Duration::from_millis(5));
        cold.refresh();
        assert!(t.elapsed().as_secs() < 600, "the bucket was not listed");
    }
    let cold_list = t.elapsed();
    println!(
        "the Player's list of the bucket, first start: {n} records in {:.2} s = {:.0} records/s (1 M records: {:.0} s)",
        cold_list.as_secs_f64(),
        n as f64 / cold_list.as_secs_f64(),
        1e6 / (n as f64 / cold_list.as_secs_f64()),
    );
    drop(cold);
    // warm: from the month indexes the first start wrote; the lister checks behind it
    let t = Instant::now();
    let warm = Catalog::open_bucket(source, Some(&state));
    let warm_list = t.elapsed();
    assert_eq!(warm.len(), n);
    println!(
        "the Player's list of the bucket, next start (index): {n} records in {:.3} s \
         (1 M records: {:.1} s; the local folder without index {:.2} s)",
        warm_list.as_secs_f64(),
        warm_list.as_secs_f64() * 1e6 / n as f64,
        local_list.as_secs_f64()
    );
}

/// Puts the records of `store` (sidecar and audio) into `bucket` under the same names,
/// 32 at a time, nothing checked: the bucket of a large archive, made quickly.
fn seed(bucket: &Bucket, store: &callrec::archive::store::Store, n: usize) {
    let month = std::fs::read_dir(&store.root)
        .expect("store")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.ends_with("TMP"))
        .expect("a month folder");
    let month_name = month.file_name().unwrap().to_string_lossy().into_owned();
    let files: Vec<_> = std::fs::read_dir(&month)
        .expect("month")
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 2 * n, "sidecar and audio of each record");
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..32 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else {
                        return;
                    };
                    let name = file.file_name().unwrap().to_string_lossy();
                    let bytes = std::fs::read(file).expect("record file");
                    bucket
                        .put(&format!("{month_name}/{name}"), bytes.into())
                        .expect("put");
                }
            });
        }
    });
}

enum Mode {
    Put,
    Get,
}

/// curl over the 2·N objects of N of the bucket's `bench` records (`Get`) or as many
/// new ones of the same sizes (`Put`), 8 at a time; the seconds it took.
fn curl(garage: &garage::Garage, dir: &Path, n: usize, mode: Mode) -> f64 {
    let audio = dir.join("peer.wav");
    let sidecar = dir.join("peer.xml");
    std::fs::write(&audio, vec![0u8; support::audio_bytes()]).expect("peer audio");
    std::fs::write(&sidecar, vec![b'x'; 2400]).expect("peer sidecar");
    let bucket = Bucket::open(&garage.config("bench")).expect("bucket");
    let names: Vec<String> = match mode {
        Mode::Get => bucket
            .list("2026_11")
            .expect("list")
            .into_iter()
            .map(|o| format!("bench/2026_11/{}", o.name))
            .take(2 * n)
            .collect(),
        Mode::Put => (0..n)
            .flat_map(|i| [format!("peer/{i}.wav"), format!("peer/{i}.xml")])
            .collect(),
    };
    let list = dir.join("peer-urls");
    let lines: String = names
        .iter()
        .map(|name| {
            let file = if name.ends_with(".xml") {
                &sidecar
            } else {
                &audio
            };
            format!(
                "{}/{}/{name} {}\n",
                garage.endpoint(0),
                garage::BUCKET,
                file.display()
            )
        })
        .collect();
    std::fs::write(&list, lines).expect("urls");
    let action = match mode {
        Mode::Put => "-T \"$2\" \"$1\"",
        Mode::Get => "-o /dev/null \"$1\"",
    };
    let t = Instant::now();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xargs -P 8 -n 2 sh -c 'curl -sf -H x-amz-content-sha256:UNSIGNED-PAYLOAD \
             --aws-sigv4 aws:amz:{}:s3 --user {}:{} {action}' _ < {}",
            garage::REGION,
            garage::KEY_ID,
            garage::SECRET,
            list.display()
        ))
        .status()
        .expect("curl");
    assert!(status.success(), "curl failed");
    t.elapsed().as_secs_f64()
}

mod support;
use support::garage;
