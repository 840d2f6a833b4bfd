//! Playback benchmark: what the Player needs to play a 4-hour call.
//!
//! `cargo bench --bench playback` writes a 4-hour stereo A-law WAV (230 MB, in
//! `CALLREC_BENCH_DIR`, default the current folder; `CALLREC_BENCH_HOURS=N` changes
//! the length), plays it through the engine on the null sink, and reports the time to
//! the first sound, the time until the waveform is drawn (one full read), seeks across
//! the record, and the peak memory of the process. Then, in the same run, the way the
//! Player used to do it (decode the whole file into memory) as the peer.

use std::io::Write;
use std::time::{Duration, Instant};

use callrec::archive::keyring::KeyRing;
use callrec::player::engine::{Engine, OutputKind};

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// A stereo A-law WAV of `seconds`: a slow tone on the left, another on the right.
fn write_alaw_wav(path: &std::path::Path, seconds: u32) {
    let frames = seconds * 8000;
    let data = frames * 2;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("wav"));
    let mut header = Vec::new();
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(38 + data).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&18u32.to_le_bytes());
    header.extend_from_slice(&6u16.to_le_bytes()); // A-law
    header.extend_from_slice(&2u16.to_le_bytes());
    header.extend_from_slice(&8000u32.to_le_bytes());
    header.extend_from_slice(&16000u32.to_le_bytes());
    header.extend_from_slice(&2u16.to_le_bytes());
    header.extend_from_slice(&8u16.to_le_bytes());
    header.extend_from_slice(&0u16.to_le_bytes()); // no extension
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data.to_le_bytes());
    out.write_all(&header).expect("header");
    // one second of a pattern, repeated: A-law codes around mid level
    let second: Vec<u8> = (0..8000u32)
        .flat_map(|i| [0x55 ^ (i % 64) as u8, 0xd5 ^ (i % 32) as u8])
        .collect();
    for _ in 0..seconds {
        out.write_all(&second).expect("audio");
    }
    out.flush().expect("flush");
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench playback");
        return;
    }
    let hours: u32 = std::env::var("CALLREC_BENCH_HOURS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let dir =
        tempfile::tempdir_in(std::env::var("CALLREC_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .expect("tempdir");
    let path = dir.path().join("long-call.wav");
    write_alaw_wav(&path, hours * 3600);
    let size = std::fs::metadata(&path).expect("size").len();
    println!("{hours}-hour stereo A-law WAV: {:.0} MB", size as f64 / 1e6);
    let before = status_kb("VmRSS:");

    let engine = Engine::new(OutputKind::Null);
    let t = Instant::now();
    engine.load(path.clone(), KeyRing::default(), true);
    loop {
        let s = engine.snapshot();
        assert!(s.error.is_none(), "cannot play: {s:?}");
        if s.position_s > 0.0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let first_sound = t.elapsed();
    while engine.waveform().is_empty() {
        std::thread::sleep(Duration::from_millis(5));
    }
    let waveform = t.elapsed();
    let duration = engine.snapshot().duration_s;
    let mut worst_seek = Duration::ZERO;
    for fraction in [0.9, 0.1, 0.5, 0.99, 0.3] {
        let target = duration * fraction;
        let t = Instant::now();
        engine.seek_s(target);
        while engine.snapshot().position_s <= target + 0.001 {
            std::thread::sleep(Duration::from_millis(1));
        }
        worst_seek = worst_seek.max(t.elapsed());
    }
    let peak = status_kb("VmHWM:");
    println!(
        "callrec engine (streaming): first sound after {:.1} ms, waveform after {:.2} s, \
         worst seek to sound {:.1} ms, length {:.0} s; process peak {:.0} MB (grew {:.0} MB)",
        first_sound.as_secs_f64() * 1e3,
        waveform.as_secs_f64(),
        worst_seek.as_secs_f64() * 1e3,
        duration,
        peak as f64 / 1024.0,
        status_kb("VmRSS:").saturating_sub(before) as f64 / 1024.0
    );
    drop(engine);

    let t = Instant::now();
    let bytes = std::fs::read(&path).expect("read");
    let (_, channels) = callrec::player::decode::decode_channels(bytes).expect("decode");
    println!(
        "peer, decoding the whole file into memory first (as the Player did before): \
         {:.2} s before the first sound, {} frames held; process peak {:.0} MB",
        t.elapsed().as_secs_f64(),
        channels[0].len(),
        status_kb("VmHWM:") as f64 / 1024.0
    );
}
