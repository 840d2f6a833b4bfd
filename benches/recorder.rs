//! Recorder benchmark: a burst of simulated calls against a running recorder on loopback.
//!
//! `cargo bench --bench recorder` starts the recorder in this process (store on disk,
//! in a temporary folder), then the PBX simulator sends N three-minute G.711 calls
//! (1000 by default, `CALLREC_BENCH_CALLS=N`): PUT of the capture and the CDRs in the
//! real shapes, 8 calls in flight (`CALLREC_BENCH_IN_FLIGHT=N`). It prints the
//! sustained rate (calls archived per second from the first PUT to the last record),
//! the latency from "capture complete and CDR acknowledged" to "record final in STORE"
//! (p50, p99, max) and the CPU time per call, the recorder's apart from the
//! simulator's, and compares with
//! the least any recorder must do: `cp` of as many captures to the same disk (run last,
//! so that its writes do not slow the others). A second run sends N calls paced at the
//! goal's 100 calls/s, so that rate and latency are measured together (a burst faster
//! than the recorder only measures the queue); a third (N/4 calls at 20 calls/s) gives
//! the latency when calls do not queue.
//! `CALLREC_BENCH_DIR` chooses the disk (default: the current folder);
//! `CALLREC_BENCH_RUNS` picks runs from `burst,peer,sustained,paced` (default: those)
//! and `bucket,bucketpaced,bucketpeer`: the same burst with the archive in a Garage
//! bucket on loopback (latency up to the record listed in the bucket), the same paced at
//! the goal's 50 calls/s, and the peer for them,
//! `curl --aws-sigv4` putting as many captures into the same bucket, 8 at a time.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use callrec::archive::bucket::{Bucket, BucketConfig};
use callrec::archive::identity::Identity;
use callrec::archive::keyring::KeyRing;
use callrec::archive::record::Archiver;
use callrec::archive::store::Store;
use callrec::media::ConvertOptions;
use callrec::media::synth::SynthCodec;
use callrec::recorder::pipeline::PipelineConfig;
use callrec::recorder::service::{Service, ServiceConfig};
use callrec::simulator::{Simulator, scripted_calls};

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench recorder");
        return;
    }
    let n: usize = std::env::var("CALLREC_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runs =
        std::env::var("CALLREC_BENCH_RUNS").unwrap_or_else(|_| "burst,peer,sustained,paced".into());
    let runs: Vec<&str> = runs.split(',').map(str::trim).collect();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // The simulator (the PBX and its phones) gets a runtime of its own, so that its
    // share of the CPU can be told apart from the recorder's by thread name.
    let simulator = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name(SIMULATOR_THREADS)
        .enable_all()
        .build()
        .expect("simulator runtime");
    let sim = simulator.handle();
    // Each run's folder is deleted only at the end: on ext4 without a journal, a file
    // created within minutes of many deletions pays for skipping every freed inode,
    // so deleting one run's 5000 files would slow the next run's every file creation.
    let mut folders = Vec::new();
    if runs.contains(&"burst") {
        println!("burst: {n} calls as fast as the simulator sends them");
        folders.push(runtime.block_on(run(sim, n, None, None)));
    }
    let garage =
        (runs.contains(&"bucket") || runs.contains(&"bucketpaced") || runs.contains(&"bucketpeer"))
            .then(|| garage::Garage::start(1).expect("garage (scripts/setup.sh builds it)"));
    if let Some(garage) = &garage {
        if runs.contains(&"bucket") {
            println!("bucket: {n} calls as fast as the simulator sends them, archive in Garage");
            let config = garage.config("bench");
            folders.push(runtime.block_on(run(sim, n, None, Some(&config))));
        }
        if runs.contains(&"bucketpaced") {
            println!("bucketpaced: {n} calls paced at the goal's 50 calls/s, archive in Garage");
            let config = garage.config("bench-paced");
            folders.push(runtime.block_on(run(sim, n, Some(50.0), Some(&config))));
        }
        if runs.contains(&"bucketpeer") {
            folders.push(bucket_peer(n, garage));
        }
    }
    if runs.contains(&"sustained") {
        println!("sustained: {n} calls paced at the goal's 100 calls/s");
        folders.push(runtime.block_on(run(sim, n, Some(100.0), None)));
    }
    if runs.contains(&"paced") {
        let rate = 20.0;
        println!(
            "paced: {} calls at {rate} calls/s (below capacity: latency without queueing)",
            n / 4
        );
        folders.push(runtime.block_on(run(sim, n / 4, Some(rate), None)));
    }
    // last, so that its writes (flushed by `sync`) do not slow the recorder's runs
    if runs.contains(&"peer") {
        folders.push(peer(n));
    }
}

fn bench_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(std::env::var("CALLREC_BENCH_DIR").unwrap_or_else(|_| ".".into()))
        .expect("tempdir")
}

/// One run, into the store or (with `bucket`) through it into the bucket; returns its
/// folder, which is deleted when dropped.
async fn run(
    simulator: &tokio::runtime::Handle,
    n: usize,
    rate: Option<f64>,
    bucket: Option<&BucketConfig>,
) -> tempfile::TempDir {
    let dir = bench_dir();
    let store = Store::new(dir.path().join("store"));
    let archiver = Archiver {
        store: store.clone(),
        backup: None,
        ring: KeyRing::default(),
        identity: Identity::generate(),
        recorder_name: "bench".into(),
        seal_metadata: true,
        encrypt_audio: false,
        options: ConvertOptions::default(),
    };
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        max_capture: 100_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: std::time::Duration::from_secs(20),
        pull: None,
        pbx: None,
        https: None,
        limits: Default::default(),
        appserver: None,
        pipeline: PipelineConfig::default(),
    };
    let mut service = Service::start(config, archiver).await.expect("start");
    if let Some(bucket) = bucket {
        service = service.with_bucket(Bucket::open(bucket).expect("bucket"), None);
    }
    let url = format!("http://{}", service.local_addr());
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(service.run(stop_rx));

    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(n, 180.0, now - 3600, 3);
    for call in &mut calls {
        call.codec = SynthCodec::Pcma;
        call.internal = "21".into();
    }
    // 16 distinct captures, reused under each call's own name
    let t = Instant::now();
    // shared bytes: a real PBX does not copy 4 MB on the recorder's machine per call
    let captures: Vec<axum::body::Bytes> = calls
        .iter()
        .take(16)
        .map(|c| c.capture().1.into())
        .collect();
    let capture_bytes: usize = captures[0].len();
    println!(
        "generated 16 distinct 3-minute G.711 captures ({:.1} MB each) in {:.1} s",
        capture_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let ready: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let seen: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    // The watcher is the benchmark's own work: a thread of its own, so that its CPU
    // time is counted neither as the recorder's nor as the simulator's.
    let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (seen, watching) = (seen.clone(), watching.clone());
        let root = store.root.clone();
        let bucket = bucket.map(|b| Bucket::open(b).expect("bucket"));
        std::thread::Builder::new()
            .name(WATCHER_THREAD.into())
            .spawn(move || {
                while watching.load(std::sync::atomic::Ordering::Relaxed) {
                    let listed = match &bucket {
                        Some(bucket) => list_bucket(bucket),
                        None => list_records(&root),
                    };
                    for conf in listed {
                        seen.lock()
                            .expect("lock")
                            .entry(conf)
                            .or_insert_with(Instant::now);
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            })
            .expect("watcher thread")
    };

    let start = Instant::now();
    let cpu_start = process_cpu_seconds();
    let sim_cpu_start = threads_cpu_seconds(SIMULATOR_THREADS);
    let watcher_cpu_start = threads_cpu_seconds(WATCHER_THREAD);
    let sim = Arc::new(Simulator::new(&url, None).expect("client"));
    let calls = Arc::new(calls);
    let captures = Arc::new(captures);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = Vec::new();
    for _ in 0..in_flight() {
        let (sim, calls, captures, next, ready) = (
            sim.clone(),
            calls.clone(),
            captures.clone(),
            next.clone(),
            ready.clone(),
        );
        senders.push(simulator.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(call) = calls.get(i) else { break };
                if let Some(rate) = rate {
                    let due = start + Duration::from_secs_f64(i as f64 / rate);
                    tokio::time::sleep_until(due.into()).await;
                }
                let (name, _) = (
                    callrec::media::synth::CallScript::innovaphone_name(call.conf, call.mac, 1),
                    (),
                );
                sim.put_capture(&name, captures[i % captures.len()].clone())
                    .await
                    .expect("put");
                for cdr in call.cdrs() {
                    sim.send_cdr(&cdr).await.expect("cdr");
                }
                ready
                    .lock()
                    .expect("lock")
                    .insert(format!("{:032x}", call.conf), Instant::now());
            }
        }));
    }
    for s in senders {
        s.await.expect("sender");
    }
    let sent = start.elapsed();
    while seen.lock().expect("lock").len() < n {
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(
            start.elapsed() < Duration::from_secs(3600),
            "the burst did not finish"
        );
    }
    let total = start.elapsed();
    let cpu = process_cpu_seconds() - cpu_start;
    let sim_cpu = threads_cpu_seconds(SIMULATOR_THREADS) - sim_cpu_start;
    let watcher_cpu = threads_cpu_seconds(WATCHER_THREAD) - watcher_cpu_start;
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    watcher.join().expect("watcher");
    let mut latencies: Vec<f64> = {
        let ready = ready.lock().expect("lock");
        let seen = seen.lock().expect("lock");
        ready
            .iter()
            .map(|(conf, r)| match seen.get(conf) {
                Some(s) => s.saturating_duration_since(*r).as_secs_f64(),
                None => panic!(
                    "{conf} not seen; seen but not sent: {:?}",
                    seen.keys()
                        .filter(|k| !ready.contains_key(*k))
                        .collect::<Vec<_>>()
                ),
            })
            .collect()
    };
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    println!(
        "{n} calls: sent in {:.1} s, all archived after {:.1} s = {:.1} calls/s ({:.0} MB/s of captures)",
        sent.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        (n * capture_bytes) as f64 / 1e6 / total.as_secs_f64()
    );
    println!(
        "latency capture+CDR in → record final: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        pct(0.5) * 1e3,
        pct(0.99) * 1e3,
        latencies.last().copied().unwrap_or(0.0) * 1e3
    );
    if let Some(rate) = rate {
        // Paced, the rate above cannot pass the offered rate; whether the recorder kept
        // pace shows in how far the last record trails the schedule. The simulator shares
        // the cores, so when the machine is saturated the calls also leave late.
        let due = (n - 1) as f64 / rate;
        let trail = total.as_secs_f64() - due;
        println!(
            "offered {rate} calls/s: the last call was due after {due:.2} s and sent after {:.2} s; \
             the last record came {trail:.2} s after it was due ({})",
            sent.as_secs_f64(),
            if trail <= 1.0 {
                "kept pace"
            } else {
                "fell behind"
            }
        );
    }
    // steadier than the rate on a disk whose speed drifts: the work a call costs
    println!(
        "CPU: {cpu:.1} s user+system in this process = {:.1} ms per call (simulator included; {:.0} % of {} cores)",
        cpu * 1e3 / n as f64,
        cpu * 100.0 / total.as_secs_f64() / cores() as f64,
        cores()
    );
    // what a site's recorder PC spends: the PBX and its phones are elsewhere there
    let recorder_ms = (cpu - sim_cpu - watcher_cpu).max(0.0) * 1e3 / n as f64;
    println!(
        "CPU of the recorder alone: {recorder_ms:.1} ms per call (simulator {:.1} ms, \
         the benchmark's watcher {:.1} ms), enough for {:.0} calls/s on {} cores were the \
         simulator elsewhere",
        sim_cpu * 1e3 / n as f64,
        watcher_cpu * 1e3 / n as f64,
        cores() as f64 * 1e3 / recorder_ms.max(1e-3),
        cores()
    );
    stop_tx.send(true).expect("stop");
    running.await.expect("join").expect("service");
    dir
}

/// The peer: copying a capture of the same size to the same disk, one file per call,
/// synced; the least any recorder must do.
fn peer(n: usize) -> tempfile::TempDir {
    let dir = bench_dir();
    let peer_dir = dir.path().join("cp");
    std::fs::create_dir_all(&peer_dir).expect("dir");
    let source = dir.path().join("capture.pcap");
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 180.0, now - 3600, 3).remove(0);
    call.codec = SynthCodec::Pcma;
    std::fs::write(&source, call.capture().1).expect("write");
    let t = Instant::now();
    let batch: Vec<String> = (0..n)
        .map(|i| peer_dir.join(format!("{i}.pcap")).display().to_string())
        .collect();
    for chunk in batch.chunks(200) {
        for target in chunk {
            let _ = std::process::Command::new("cp")
                .arg(&source)
                .arg(target)
                .status();
        }
        let _ = std::process::Command::new("sync")
            .arg("-f")
            .arg(&peer_dir)
            .status();
    }
    let cp = t.elapsed();
    println!(
        "peer: cp of {n} captures of the same size + sync: {:.1} s = {:.0} files/s (callrec also converts, signs, seals and logs)",
        cp.as_secs_f64(),
        n as f64 / cp.as_secs_f64()
    );
    dir
}

/// Conference ids of the records in the bucket's month folders.
fn list_bucket(bucket: &Bucket) -> Vec<String> {
    let mut out = Vec::new();
    for month in bucket.folders("").unwrap_or_default() {
        if !month.starts_with("20") {
            continue;
        }
        for o in bucket.list(&month).unwrap_or_default() {
            if let Some(stem) = o.name.strip_suffix(".wav")
                && let Some(uid) = stem.rsplit('_').next()
            {
                out.push(uid.to_string());
            }
        }
    }
    out
}

/// The peer for the bucket: `curl --aws-sigv4` putting a capture of the same size into
/// the same bucket once per call, 8 at a time (as many as the simulator has in flight):
/// the least a recorder archiving into the bucket must do.
fn bucket_peer(n: usize, garage: &garage::Garage) -> tempfile::TempDir {
    let dir = bench_dir();
    let source = dir.path().join("capture.pcap");
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 180.0, now - 3600, 3).remove(0);
    call.codec = SynthCodec::Pcma;
    std::fs::write(&source, call.capture().1).expect("write");
    let list = dir.path().join("urls");
    let urls: String = (0..n)
        .map(|i| format!("{}/{}/peer/{i}.pcap\n", garage.endpoint(0), garage::BUCKET))
        .collect();
    std::fs::write(&list, urls).expect("urls");
    let t = Instant::now();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "xargs -P {} -I URL curl -sf -o /dev/null -H x-amz-content-sha256:UNSIGNED-PAYLOAD --aws-sigv4 aws:amz:{}:s3 --user {}:{} -T {} URL < {}",
            in_flight(),
            garage::REGION,
            garage::KEY_ID,
            garage::SECRET,
            source.display(),
            list.display()
        ))
        .status()
        .expect("curl");
    assert!(status.success(), "curl could not put every capture");
    let put = t.elapsed();
    println!(
        "peer: curl --aws-sigv4 PUT of {n} captures of the same size into the bucket, {} at a time: \
         {:.1} s = {:.0} objects/s (callrec also converts, signs, seals, logs, reads back)",
        in_flight(),
        put.as_secs_f64(),
        n as f64 / put.as_secs_f64()
    );
    dir
}

/// Conference ids of the records in the month folders.
fn list_records(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(months) = std::fs::read_dir(root) else {
        return out;
    };
    for month in months.flatten() {
        if !month.file_name().to_string_lossy().starts_with("20") {
            continue;
        }
        if let Ok(files) = std::fs::read_dir(month.path()) {
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if let Some(stem) = name.strip_suffix(".wav")
                    && let Some(uid) = stem.rsplit('_').next()
                {
                    out.push(uid.to_string());
                }
            }
        }
    }
    out
}

/// Calls the simulator has in flight at once (`CALLREC_BENCH_IN_FLIGHT`, default 8):
/// each stands for a device uploading its capture and the PBX posting its CDRs.
fn in_flight() -> usize {
    std::env::var("CALLREC_BENCH_IN_FLIGHT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Name of the simulator's threads (the kernel keeps 15 bytes of a thread's name).
const SIMULATOR_THREADS: &str = "simulator";
/// Name of the thread that watches the store for records.
const WATCHER_THREAD: &str = "bench-watcher";

/// User plus system CPU time of this process so far (Linux).
fn process_cpu_seconds() -> f64 {
    cpu_seconds(Path::new("/proc/self/stat"))
}

/// CPU time so far of this process's live threads named `name` (Linux).
fn threads_cpu_seconds(name: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm")).is_ok_and(|comm| comm.trim() == name)
        })
        .map(|t| cpu_seconds(&t.path().join("stat")))
        .sum()
}

/// User plus system CPU time from a `stat` file of `/proc`.
fn cpu_seconds(stat: &Path) -> f64 {
    let Ok(stat) = std::fs::read_to_string(stat) else {
        return 0.0;
    };
    // the fields after the command name, which is in parentheses and may hold spaces
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name;
    // the kernel counts them in USER_HZ, which is 100 on Linux
    (ticks(11) + ticks(12)) / 100.0
}

mod support;
use support::garage;
