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
