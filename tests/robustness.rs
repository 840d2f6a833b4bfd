//! Bad input never panics: random bytes, corrupted captures and random packet soups.

use std::io::Cursor;

use callrec::media::synth::{CallScript, CaptureFile, Link, TimedDatagram};
use callrec::media::time::CaptureTime;
use callrec::media::{self, ChannelMap, ConvertOptions};
use proptest::prelude::*;

fn convert(bytes: &[u8]) {
    let options = ConvertOptions {
        map: ChannelMap::Auto,
        ..Default::default()
    };
    let _ = media::convert(
        || Ok(Cursor::new(bytes)),
        &options,
        Box::new(std::io::sink()),
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        convert(&bytes);
    }

    #[test]
    fn corrupting_a_real_capture_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..40), cut in any::<usize>()) {
        let mut bytes = CallScript { duration: 2.0, ..CallScript::default() }.generate();
        for (at, value) in flips {
            let i = at % bytes.len();
            bytes[i] = value;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        convert(&bytes);
    }

    #[test]
    fn random_packet_soups_never_panic(
        packets in proptest::collection::vec(
            (0i64..5_000_000_000, 0u8..4, proptest::collection::vec(any::<u8>(), 0..200), any::<u16>(), any::<u32>(), 0u8..128),
            0..300),
        link in 0usize..6,
    ) {
        let ports = [16386u16, 16388, 5004, 5060];
        let links = [Link::Ethernet, Link::Raw, Link::LinuxSll, Link::LinuxSll2, Link::Null, Link::Vlan { qinq: true }];
        let datagrams: Vec<TimedDatagram> = packets.into_iter().map(|(t, p, mut payload, seq, ts, pt)| {
            if payload.len() >= 12 && p != 3 {
                // Mostly RTP-shaped, with random sequence, timestamp and payload type.
                payload[0] = 0x80;
                payload[1] = pt;
                payload[2..4].copy_from_slice(&seq.to_be_bytes());
                payload[4..8].copy_from_slice(&ts.to_be_bytes());
            }
            TimedDatagram {
                time: CaptureTime(1_700_000_000_000_000_000 + t),
                src: format!("10.0.0.{}:{}", p, ports[p as usize]).parse().unwrap(),
                dst: format!("10.0.0.9:{}", ports[(p as usize + 1) % 4]).parse().unwrap(),
                payload,
            }
        }).collect();
        let file = CaptureFile { link: links[link], ..Default::default() };
        convert(&file.write(&datagrams));
    }
}

/// Adds `seconds` to the capture time of the last `count` records of a classic
/// little-endian pcap.
fn shift_last_records(bytes: &mut [u8], count: usize, seconds: u32) {
    assert_eq!(
        &bytes[..4],
        &0xa1b2_c3d4u32.to_le_bytes(),
        "classic pcap, LE"
    );
    let mut offsets = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        offsets.push(at);
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + len;
    }
    for &at in offsets.iter().rev().take(count) {
        let ts = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        bytes[at..at + 4].copy_from_slice(&ts.wrapping_add(seconds).to_le_bytes());
    }
}

#[test]
fn a_capture_clock_jump_is_cut_with_a_warning_never_filled_with_silence() {
    let mut bytes = CallScript {
        duration: 2.0,
        ..CallScript::default()
    }
    .generate();
    shift_last_records(&mut bytes, 10, 1 << 31);
    let mut out = Vec::new();
    let report = media::convert(
        || Ok(Cursor::new(&bytes[..])),
        &ConvertOptions::default(),
        Box::new(&mut out),
    )
    .unwrap();
    assert!(
        out.len() < 100_000,
        "{} bytes of audio for 2 s of media",
        out.len()
    );
    assert!(report.duration_ms < 3_000, "{}", report.duration_ms);
    assert!(
        report.warnings.iter().any(|w| w.contains("jumps by")),
        "{:?}",
        report.warnings
    );
}

/// A small, seeded random generator: the hostile captures below are the same on
/// every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `count` RTP-shaped PCMA packets, 10 ms apart, from `first` on. `vary` picks what
/// is random in each: 0 the addresses (a new flow each), 1 the SSRC, 2 the timestamp.
fn hostile_packets(first: usize, count: usize, vary: u8, noise: &mut Noise) -> Vec<TimedDatagram> {
    (first..first + count)
        .map(|i| {
            let r = noise.next();
            let mut payload = vec![0xd5u8; 32];
            payload[0] = 0x80;
            payload[1] = 8;
            payload[2..4].copy_from_slice(&(i as u16).to_be_bytes());
            let ts = if vary == 2 { r as u32 } else { (i as u32) * 80 };
            payload[4..8].copy_from_slice(&ts.to_be_bytes());
            let ssrc = if vary == 1 { (r >> 32) as u32 } else { 0x1234 };
            payload[8..12].copy_from_slice(&ssrc.to_be_bytes());
            let (sport, dport) = if vary == 0 {
                (
                    1024 + (r % 60_000) as u16,
                    1024 + ((r >> 16) % 60_000) as u16,
                )
            } else {
                (16386, 16388)
            };
            let host = if vary == 0 { r >> 40 } else { 1 };
            TimedDatagram {
                time: CaptureTime(1_700_000_000_000_000_000 + i as i64 * 10_000_000),
                src: format!("10.0.{}.{}:{sport}", host as u8, (host >> 8) as u8)
                    .parse()
                    .unwrap(),
                dst: format!("10.1.0.9:{dport}").parse().unwrap(),
                payload,
            }
        })
        .collect()
}

fn hostile_capture(count: usize, vary: u8, seed: u64) -> Vec<u8> {
    CaptureFile::default().write(&hostile_packets(0, count, vary, &mut Noise(seed)))
}

#[test]
fn random_flows_ssrcs_or_timestamps_are_refused_as_no_call_within_bounds() {
    // random SSRCs in one flow: past 64 a flow's further SSRCs are noise and not
    // kept, and no stream is left with enough packets to be audio
    for (vary, what) in [
        (0, "the capture holds more than 4096 UDP flows"),
        (1, "no RTP audio stream found"),
        (
            2,
            "the capture holds more than 20000 jumps of the RTP clocks",
        ),
    ] {
        let bytes = hostile_capture(40_000, vary, 7 + u64::from(vary));
        let result = media::convert(
            || Ok(Cursor::new(&bytes[..])),
            &ConvertOptions::default(),
            Box::new(std::io::sink()),
        );
        match result {
            Err(e @ (media::MediaError::TooComplex(_) | media::MediaError::NoMedia)) => {
                assert!(e.to_string().starts_with(what), "{vary}: {e}");
            }
            other => panic!("random input {vary} gave {other:?}"),
        }
    }
}

/// The outside test's case: a million random RTP packets (about 80 MB). `convert`
/// refuses it with exit 2 and the reason, and its memory stays small (it peaked at
/// 1.8 GB before the bounds).
#[test]
fn a_million_random_rtp_packets_are_refused_with_exit_2_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.pcap");
    // written in slices, so that this test process stays small: a child's peak
    // memory as the kernel reports it includes its parent's at the moment of spawning
    let mut file = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
    let mut noise = Noise(99);
    for slice in 0..100 {
        let bytes =
            CaptureFile::default().write(&hostile_packets(slice * 10_000, 10_000, 0, &mut noise));
        // the classic pcap header (24 bytes) once
        let records = if slice == 0 { &bytes[..] } else { &bytes[24..] };
        std::io::Write::write_all(&mut file, records).unwrap();
    }
    drop(file);
    let size_mb = std::fs::metadata(&input).unwrap().len() / 1_000_000;
    let output = dir.path().join("out.wav");
    // waited for with wait4 below, which also reports the child's peak memory
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
        .arg("convert")
        .arg(format!("in={}", input.display()))
        .arg(format!("out={}", output.display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.unwrap(), &mut stderr).unwrap();
    let peak_mb = usage.ru_maxrss / 1024;
    eprintln!("{size_mb} MB capture: exit {code:?}, peak {peak_mb} MB: {stderr}");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("more than 4096 UDP flows"), "{stderr}");
    assert!(!output.exists(), "nothing written");
    assert!(peak_mb < 100, "{peak_mb} MB for a {size_mb} MB capture");
}
