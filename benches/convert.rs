//! Conversion benchmark: prints figures and compares with tshark in the same run.
//!
//! `cargo bench --bench convert` generates a 60-minute G.711 call, a batch of 3-minute
//! calls (500 by default, `CALLREC_BENCH_BATCH=N` to change) and a 4-hour call, then
//! measures: throughput of G.711 → A-law WAV (MB of pcap per second, one core, file in
//! page cache), the speed-up over `tshark -q -z rtp,streams` on the same file, batch
//! calls per second, and the peak RSS of `callrec convert` on the 4-hour call.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use callrec::media::synth::{CallScript, PartyScript, SynthCodec};
use callrec::media::{ConvertOptions, convert, convert_file};

fn call(seconds: f64, seed: u64) -> Vec<u8> {
    CallScript {
        duration: seconds,
        local: PartyScript::tone(SynthCodec::Pcma, 700.0),
        remote: PartyScript::tone(SynthCodec::Pcma, 1300.0),
        seed,
        ..CallScript::default()
    }
    .generate()
}

fn best_of<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn tshark_time(file: &Path) -> Option<Duration> {
    let ok = Command::new("tshark")
        .arg("-v")
        .output()
        .ok()?
        .status
        .success();
    if !ok {
        return None;
    }
    Some(best_of(2, || {
        let _ = Command::new("tshark")
            .args([
                "-r",
                file.to_str().unwrap_or(""),
                "-o",
                "rtp.heuristic_rtp:TRUE",
                "-q",
                "-z",
                "rtp,streams",
            ])
            .output();
    }))
}

/// Peak resident memory (VmHWM) of a child process, polled until it exits.
fn peak_rss_kib(mut command: Command) -> Option<u64> {
    let mut child = command.spawn().ok()?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:"))
        {
            peak = peak.max(
                line.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            );
        }
        if child.try_wait().ok()?.is_some() {
            return Some(peak);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too, without `--bench`: the
    // benchmark generates gigabytes and is meant for `cargo bench` only.
    if !std::env::args().any(|a| a == "--bench") {
        println!("skipped: the conversion benchmark runs with `cargo bench --bench convert`");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let options = ConvertOptions::default();
    println!(
        "callrec conversion benchmark (G.711 A-law both sides, 20 ms packets, A-law stereo WAV out)"
    );

    // 60-minute call.
    let long = dir.path().join("60min.pcap");
    std::fs::write(&long, call(3600.0, 1)).expect("write");
    let size = std::fs::metadata(&long).map(|m| m.len()).unwrap_or(0) as f64;
    let out = dir.path().join("60min.wav");
    // Conversion proper: the capture from the page cache, the WAV into the page cache
    // of the same file system, as `convert_file` writes it but without its final
    // `fsync`, which waits for the disk (measured on the next line).
    let ours = (0..5)
        .map(|_| {
            // a fresh file each time: truncating the last run's is not conversion work
            let _ = std::fs::remove_file(&out);
            let t = Instant::now();
            let file = std::fs::File::create(&out).expect("create");
            let writer = std::io::BufWriter::with_capacity(16 << 10, file);
            convert(|| std::fs::File::open(&long), &options, Box::new(writer)).expect("convert");
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    let mb = size / 1e6;
    println!(
        "60-min call: {mb:.1} MB pcap -> {:.1} MB WAV in {:.3} s = {:.0} MB/s of pcap (one core, page cache to page cache)",
        std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        ours.as_secs_f64(),
        mb / ours.as_secs_f64()
    );
    let synced = best_of(3, || {
        convert_file(&long, &out, &options).expect("convert");
    });
    println!(
        "the same with `convert_file` (temporary name, fsync, rename): {:.3} s = {:.0} MB/s",
        synced.as_secs_f64(),
        mb / synced.as_secs_f64()
    );
    match tshark_time(&long) {
        Some(t) => println!(
            "tshark -q -z rtp,streams on the same file: {:.3} s -> callrec is {:.1}x faster (and writes the audio)",
            t.as_secs_f64(),
            t.as_secs_f64() / ours.as_secs_f64()
        ),
        None => println!("tshark not installed: no peer comparison"),
    }

    // Batch of 3-minute calls.
    let batch: usize = std::env::var("CALLREC_BENCH_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let batch_dir = dir.path().join("batch");
    std::fs::create_dir_all(&batch_dir).expect("mkdir");
    let template = call(180.0, 2);
    let mut files = Vec::new();
    for i in 0..batch {
        let path = batch_dir.join(format!("{i:04}.pcap"));
        std::fs::write(&path, &template).expect("write");
        files.push(path);
    }
    let t = Instant::now();
    for f in &files {
        convert_file(f, &f.with_extension("wav"), &options).expect("convert");
    }
    let elapsed = t.elapsed().as_secs_f64();
    println!(
        "batch: {batch} x 3-min calls in {elapsed:.2} s = {:.1} calls/s on one core",
        batch as f64 / elapsed
    );
    if let Some(t) = tshark_time(&files[0]) {
        println!(
            "tshark on one 3-min call: {:.3} s; callrec per call: {:.3} s",
            t.as_secs_f64(),
            elapsed / batch as f64
        );
    }
    drop(files);
    let _ = std::fs::remove_dir_all(&batch_dir);

    // 4-hour call: peak memory of the real binary.
    let four = dir.path().join("4h.pcap");
    std::fs::write(&four, call(4.0 * 3600.0, 3)).expect("write");
    let mut command = Command::new(env!("CARGO_BIN_EXE_callrec"));
    command
        .arg("convert")
        .arg(format!("in={}", four.display()))
        .arg(format!("out={}", dir.path().join("4h.wav").display()));
    command.stderr(std::process::Stdio::null());
    match peak_rss_kib(command) {
        Some(kib) => println!(
            "4-hour call: peak RSS of `callrec convert` = {:.1} MB (pcap {:.0} MB)",
            kib as f64 / 1024.0,
            std::fs::metadata(&four).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        ),
        None => println!("4-hour call: could not measure RSS"),
    }
}
