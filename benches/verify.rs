//! Archive verification benchmark: prints figures and compares with `sha256sum`
//! (what a plain checksum-manifest check costs) in the same run.
//!
//! `cargo bench --bench verify` builds an archive of N signed records (20 000 by
//! default, `CALLREC_BENCH_RECORDS=N` to change) with 16 KiB audio each and one
//! `stored` line per record in the audit log, on a RAM disk when `/dev/shm` exists so
//! that the figures are CPU cost, not disk speed. It measures:
//! - `verify` of the whole archive (all cores): records per second, and the time
//!   that rate means for 1 M records;
//! - SHA-256 throughput of one core on a 256 MiB file, against `sha256sum`;
//! - `sha256sum` over the same N audio files, against callrec's per-record cost.

use std::process::Command;
use std::time::{Duration, Instant};

use callrec::archive::store::hash_file;
use callrec::archive::verify::verify_store;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench verify");
        return;
    }
    let n = support::records_wanted();
    let base = support::ram_dir();
    let (archiver, trusted, ring) = support::signed_records(base.path(), n);
    let store = archiver.store.clone();
    let start = support::RECORDS_START;

    let t = Instant::now();
    let report = verify_store(&store, None, &ring, &trusted, |_| {}, || {}).expect("verify");
    let verify_time = t.elapsed();
    assert!(report.is_clean(), "the benchmark archive must verify clean");
    let per_s = n as f64 / verify_time.as_secs_f64();
    println!(
        "verify: {n} records in {:.2} s = {per_s:.0} records/s on {} threads; 1 M records of this size: {:.1} min",
        verify_time.as_secs_f64(),
        rayon::current_num_threads(),
        1e6 / per_s / 60.0
    );

    let audio_files: Vec<String> = std::fs::read_dir(store.root.join(start.month_folder()))
        .expect("list")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .map(|p| p.display().to_string())
        .collect();
    if let Some(peer) = sha256sum_files(&audio_files) {
        println!(
            "sha256sum over the same {n} audio files (one process): {:.2} s = {:.0} files/s (checks audio only: no signature, no chain, no sidecar)",
            peer.as_secs_f64(),
            n as f64 / peer.as_secs_f64()
        );
    }

    let big = base.path().join("big.bin");
    let block: Vec<u8> = (0..(1 << 20))
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&big).expect("big");
        for _ in 0..256 {
            f.write_all(&block).expect("write");
        }
    }
    let t = Instant::now();
    hash_file(&big).expect("hash");
    let ours = t.elapsed();
    println!(
        "SHA-256 one core, 256 MiB: {:.0} MB/s",
        268.435456 / ours.as_secs_f64()
    );
    if let Some(peer) = sha256sum_files(&[big.display().to_string()]) {
        println!(
            "sha256sum, 256 MiB: {:.0} MB/s",
            268.435456 / peer.as_secs_f64()
        );
    }
    let hash_rate = 268.435456 / ours.as_secs_f64();
    // A 3-minute stereo A-law call is 2.88 MB; the per-record cost measured above
    // already includes one 16 KiB hash.
    let per_record = verify_time.as_secs_f64() / n as f64 * rayon::current_num_threads() as f64;
    let three_min = 1e6 * (per_record + 2.88 / hash_rate) / rayon::current_num_threads() as f64;
    println!(
        "estimate, 1 M records of 3-minute calls (2.88 TB) from page cache on {} cores: {:.0} min",
        rayon::current_num_threads(),
        three_min / 60.0
    );
}

fn sha256sum_files(files: &[String]) -> Option<Duration> {
    Command::new("sha256sum").arg("--version").output().ok()?;
    let t = Instant::now();
    for chunk in files.chunks(2000) {
        let out = Command::new("sha256sum").args(chunk).output().ok()?;
        if !out.status.success() {
            return None;
        }
    }
    Some(t.elapsed())
}

mod support;
