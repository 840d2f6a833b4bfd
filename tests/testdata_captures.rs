//! The shared third-party captures: each converts as its MANIFEST describes, and the
//! decoded audio matches independent decoders (sox for G.711, ffmpeg for G.722,
//! Debian's bcg729 for G.729) sample for sample. Skipped with a message where the
//! captures or the tools are absent.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use callrec::media::{ChannelMap, Mix, OutputFormat};
use common::{convert_bytes, have, testdata};

struct Expect {
    file: &'static str,
    /// Streams (sender + SSRC) as tshark lists them.
    streams: usize,
    /// A codec name that must appear in the report.
    codec: &'static str,
    /// Length of the converted call in seconds (RTP span of the converted streams).
    seconds: f64,
    dtmf: &'static str,
}

const EXPECTATIONS: &[Expect] = &[
    Expect {
        file: "sipp-g711a.pcap",
        streams: 1,
        codec: "PCMA",
        seconds: 7.08,
        dtmf: "",
    },
    Expect {
        file: "sipp-dtmf_2833_1.pcap",
        streams: 1,
        codec: "telephone-event",
        seconds: 0.14,
        dtmf: "1",
    },
    Expect {
        file: "sipp-dtmf_2833_pound.pcap",
        streams: 1,
        codec: "telephone-event",
        seconds: 0.14,
        dtmf: "#",
    },
    Expect {
        file: "sipp-dtmf_2833_star.pcap",
        streams: 1,
        codec: "telephone-event",
        seconds: 0.14,
        dtmf: "*",
    },
    Expect {
        file: "rtpproxy-c1.a.pcap",
        streams: 1,
        codec: "G729",
        seconds: 23.84,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-lost.a.pcap",
        streams: 1,
        codec: "G729",
        seconds: 5.8,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-lost.o.pcap",
        streams: 1,
        codec: "G729",
        seconds: 4.92,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-dups.a.pcap",
        streams: 1,
        codec: "G729",
        seconds: 7.7,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-sess6.a.pcap",
        streams: 1,
        codec: "G729",
        seconds: 50.9,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-dtmf.pcapng",
        streams: 2,
        codec: "telephone-event",
        seconds: 5.82,
        dtmf: "123456789*0#5",
    },
    Expect {
        file: "rtpproxy-DLT_NULL.a.pcap",
        streams: 3,
        codec: "GSM",
        seconds: 6.0,
        dtmf: "",
    },
    Expect {
        file: "rtpproxy-G723_1.a.pcap",
        streams: 1,
        codec: "G723",
        seconds: 11.7,
        dtmf: "",
    },
    Expect {
        file: "asterisk-ulaw-2013785496.pcap",
        streams: 1,
        codec: "PCMU",
        seconds: 19.48,
        dtmf: "2013785496",
    },
    Expect {
        file: "asterisk-opus-2013785496.pcap",
        streams: 1,
        codec: "PT96",
        seconds: 15.28,
        dtmf: "2013785496",
    },
    Expect {
        file: "asterisk-40msalaw.pcap",
        streams: 1,
        codec: "PCMA",
        seconds: 33.0,
        dtmf: "",
    },
    Expect {
        file: "asterisk-CARRIER_G711U.pcap",
        streams: 1,
        codec: "PCMU",
        seconds: 16.3,
        dtmf: "",
    },
    Expect {
        file: "asterisk-crash-27382.pcap",
        streams: 1,
        codec: "PCMU",
        seconds: 5.48,
        dtmf: "",
    },
    Expect {
        file: "wireshark-sip-rtp-g722.pcap",
        streams: 1,
        codec: "G722",
        seconds: 8.5,
        dtmf: "",
    },
    Expect {
        file: "wireshark-aaa.pcap",
        streams: 1,
        codec: "PCMA",
        seconds: 0.19,
        dtmf: "",
    },
    Expect {
        file: "ndpi-FAX-Call-t38-CA-TDM-SIP-FB-1.pcap",
        streams: 2,
        codec: "CN",
        seconds: 37.4,
        dtmf: "",
    },
    Expect {
        file: "projectrtp-dtmfcapture1.pcap",
        streams: 2,
        codec: "PCMU",
        seconds: 7.13,
        dtmf: "2",
    },
    Expect {
        file: "projectrtp-sinora.pcap",
        streams: 4,
        codec: "PCMU",
        seconds: 17.0,
        dtmf: "",
    },
    Expect {
        file: "freeswitch-milliwatt.long.pcmu.rtp.pcap",
        streams: 1,
        codec: "PCMU",
        seconds: 14.28,
        dtmf: "",
    },
    Expect {
        file: "mediastreamer2-pcmu_8k_no_jitter.pcap",
        streams: 1,
        codec: "PCMU",
        seconds: 50.48,
        dtmf: "",
    },
];

fn pcap_dir() -> Option<PathBuf> {
    testdata().map(|d| d.join("pcap"))
}

#[test]
fn every_capture_converts_as_its_manifest_says() {
    let Some(dir) = pcap_dir() else { return };
    let out = tempfile::tempdir().unwrap();
    let mut listed = 0;
    for e in EXPECTATIONS {
        let bytes = std::fs::read(dir.join(e.file)).unwrap();
        let (report, audio, _) = convert_bytes(
            &bytes,
            OutputFormat::Alaw,
            Mix::Stereo,
            ChannelMap::Auto,
            out.path(),
        );
        assert_eq!(
            report.streams.len(),
            e.streams,
            "{}: {:#?}",
            e.file,
            report.streams
        );
        assert!(
            report.streams.iter().any(|s| s.codec.contains(e.codec)),
            "{}: {:?}",
            e.file,
            report.streams
        );
        let seconds = report.duration_ms as f64 / 1000.0;
        assert!(
            (seconds - e.seconds).abs() <= 0.05 + e.seconds * 0.01,
            "{}: {seconds} s",
            e.file
        );
        let digits: String = report.dtmf.iter().map(|d| d.digit).collect();
        assert_eq!(digits, e.dtmf, "{}", e.file);
        let frames = audio.channels[0].len() as f64 / f64::from(audio.rate);
        assert!(
            (frames - seconds).abs() < 0.01,
            "{}: WAV holds {frames} s",
            e.file
        );
        listed += 1;
    }
    // Every capture in the folder is covered by the table.
    let present = std::fs::read_dir(&dir).unwrap().filter(|f| {
        let name = f
            .as_ref()
            .unwrap()
            .file_name()
            .to_string_lossy()
            .into_owned();
        name.ends_with(".pcap") || name.ends_with(".pcapng")
    });
    assert_eq!(
        present.count(),
        listed,
        "a capture in testdata has no expectation"
    );
}

/// RTP packets of one payload type as tshark extracts them (an independent parser):
/// timestamp and payload bytes.
/// Writes the packets' payloads back to back: the input of a reference decoder.
fn write_payloads(packets: &[(u32, Vec<u8>)], raw: &Path) {
    let bytes: Vec<u8> = packets.iter().flat_map(|p| p.1.iter().copied()).collect();
    std::fs::write(raw, bytes).unwrap();
}

/// callrec's stereo 16-bit conversion of a capture file.
fn callrec_pcm(
    path: &Path,
    tmp: &Path,
) -> (callrec::media::Report, common::Audio, std::path::PathBuf) {
    convert_bytes(
        &std::fs::read(path).unwrap(),
        OutputFormat::Pcm,
        Mix::Stereo,
        ChannelMap::Auto,
        tmp,
    )
}

fn tshark_packets(file: &Path, filter: &str) -> Vec<(u32, Vec<u8>)> {
    let out = Command::new("tshark")
        .args([
            "-r",
            file.to_str().unwrap(),
            "-o",
            "rtp.heuristic_rtp:TRUE",
            "-T",
            "fields",
        ])
        .args(["-e", "rtp.timestamp", "-e", "rtp.payload", "-Y", filter])
        .output()
        .expect("tshark");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut packets = Vec::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let ts: u32 = fields
            .next()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        let hex: String = fields
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .collect();
        let bytes = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        packets.push((ts, bytes));
    }
    packets
}

fn read_s16(path: &Path) -> Vec<i16> {
    std::fs::read(path)
        .unwrap()
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// Places the reference decoder's output where each packet's RTP timestamp says it
/// belongs (`samples_per_tick` is 2 for G.722), as a converter must; `None` where no
/// packet covers a sample.
fn place_by_timestamp(
    packets: &[(u32, Vec<u8>)],
    decoded: &[i16],
    samples_per_byte: usize,
    samples_per_tick: usize,
) -> Vec<Option<i16>> {
    let mut out: Vec<Option<i16>> = Vec::new();
    let mut k = 0;
    let ts0 = packets.first().map_or(0, |p| p.0);
    for (ts, payload) in packets {
        let at = ts.wrapping_sub(ts0) as usize * samples_per_tick;
        let n = payload.len() * samples_per_byte;
        if out.len() < at + n {
            out.resize(at + n, None);
        }
        for i in 0..n {
            out[at + i] = decoded.get(k + i).copied();
        }
        k += n;
    }
    out
}

/// Our decoded channel equals the placed reference, after finding where the stream starts.
fn assert_same(ours: &[i16], reference: &[Option<i16>], what: &str) {
    assert_same_after(ours, reference, 0, what);
}

/// As [`assert_same`], but within the first `settle` samples only a difference of a few
/// LSB is allowed (decoder start-up state, see the G.722 test).
fn assert_same_after(ours: &[i16], reference: &[Option<i16>], settle: usize, what: &str) {
    let covered = reference.iter().filter(|s| s.is_some()).count();
    assert!(
        covered > 8000,
        "{what}: too little audio to compare ({covered})"
    );
    let mismatches = |lag: usize| {
        reference
            .iter()
            .enumerate()
            .filter(|(i, r)| r.is_some_and(|r| ours.get(lag + i) != Some(&r)))
            .count()
    };
    let lag = (0..ours.len().min(4000)).min_by_key(|&lag| {
        reference
            .iter()
            .take(2000)
            .enumerate()
            .filter(|(i, r)| r.is_some_and(|r| ours.get(lag + i) != Some(&r)))
            .count()
    });
    let lag = lag.unwrap_or(0);
    let startup: Vec<i32> = (0..settle.min(reference.len()))
        .filter_map(|i| {
            reference[i].map(|r| (i32::from(r) - i32::from(*ours.get(lag + i).unwrap_or(&0))).abs())
        })
        .collect();
    assert!(
        startup.iter().all(|&d| d <= 16),
        "{what}: start-up differs by more than 16 LSB"
    );
    let differing = mismatches(lag)
        - (0..settle.min(reference.len()))
            .filter(|&i| reference[i].is_some_and(|r| ours.get(lag + i) != Some(&r)))
            .count();
    assert_eq!(
        differing, 0,
        "{what}: {differing} of {covered} samples differ from the reference decoder"
    );
}

#[test]
fn g711_matches_sox_sample_for_sample() {
    let Some(dir) = pcap_dir() else { return };
    if !have("tshark") || !have("sox") {
        common::skip("tshark and sox are needed for the G.711 reference");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for (file, pt, encoding, channel) in [
        ("sipp-g711a.pcap", 8, "a-law", 1),
        ("asterisk-40msalaw.pcap", 8, "a-law", 0),
        ("freeswitch-milliwatt.long.pcmu.rtp.pcap", 0, "u-law", 1),
        ("asterisk-ulaw-2013785496.pcap", 0, "u-law", 1),
    ] {
        let path = dir.join(file);
        let raw = tmp.path().join("payload.raw");
        let packets = tshark_packets(&path, &format!("rtp.p_type == {pt}"));
        write_payloads(&packets, &raw);
        let decoded = tmp.path().join("sox.raw");
        let status = Command::new("sox")
            .args([
                "-t", "raw", "-e", encoding, "-b", "8", "-r", "8000", "-c", "1",
            ])
            .arg(&raw)
            .args(["-t", "raw", "-e", "signed", "-b", "16", "-L"])
            .arg(&decoded)
            .status()
            .unwrap();
        assert!(status.success());
        let (_, audio, _) = callrec_pcm(&path, tmp.path());
        let reference = place_by_timestamp(&packets, &read_s16(&decoded), 1, 1);
        assert_same(&audio.channels[channel], &reference, file);
    }
}

#[test]
fn g722_matches_ffmpeg_sample_for_sample() {
    let Some(dir) = pcap_dir() else { return };
    if !have("tshark") || !have("ffmpeg") {
        common::skip("tshark and ffmpeg are needed for the G.722 reference");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = dir.join("wireshark-sip-rtp-g722.pcap");
    let raw = tmp.path().join("payload.g722");
    let packets = tshark_packets(&path, "rtp.p_type == 9");
    write_payloads(&packets, &raw);
    let decoded = tmp.path().join("ffmpeg.raw");
    let status = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "g722", "-i"])
        .arg(&raw)
        .args(["-f", "s16le", "-ac", "1", "-ar", "16000"])
        .arg(&decoded)
        .status()
        .unwrap();
    assert!(status.success());
    let (_, audio, _) = callrec_pcm(&path, tmp.path());
    assert_eq!(audio.rate, 16_000);
    // audio-codec's G.722 decoder (spandsp lineage) and ffmpeg's start from slightly
    // different predictor states: on this capture the first ~185 ms differ by at most
    // 5 LSB and then agree exactly. The same difference shows when the crate decodes the
    // payload alone, so it is the decoders', not the converter's.
    let reference = place_by_timestamp(&packets, &read_s16(&decoded), 2, 2);
    assert_same_after(&audio.channels[0], &reference, 16_000 / 4, "G.722");
}

#[test]
fn g729_matches_bcg729_sample_for_sample() {
    let Some(dir) = pcap_dir() else { return };
    if !have("tshark") || !have("cc") || !Path::new("/usr/include/bcg729/decoder.h").exists() {
        common::skip("tshark, a C compiler and libbcg729-dev are needed for the G.729 reference");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("bcg729dec.c");
    std::fs::write(
        &source,
        r#"#include <stdio.h>
#include <stdint.h>
#include <bcg729/decoder.h>
int main(void) {
    bcg729DecoderChannelContextStruct *ctx = initBcg729DecoderChannel();
    uint8_t frame[10]; int16_t pcm[80];
    while (fread(frame, 1, 10, stdin) == 10) {
        bcg729Decoder(ctx, frame, 10, 0, 0, 0, pcm);
        fwrite(pcm, 2, 80, stdout);
    }
    closeBcg729DecoderChannel(ctx);
    return 0;
}
"#,
    )
    .unwrap();
    let program = tmp.path().join("bcg729dec");
    let built = Command::new("cc")
        .arg(&source)
        .arg("-o")
        .arg(&program)
        .arg("-lbcg729")
        .status()
        .unwrap();
    assert!(
        built.success(),
        "building the bcg729 reference decoder failed"
    );
    let path = dir.join("rtpproxy-c1.a.pcap");
    let packets = tshark_packets(&path, "rtp.p_type == 18");
    let payload: Vec<u8> = packets.iter().flat_map(|p| p.1.clone()).collect();
    let decoded = tmp.path().join("bcg729.raw");
    std::fs::write(tmp.path().join("p.bit"), &payload).unwrap();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} < {} > {}",
            program.display(),
            tmp.path().join("p.bit").display(),
            decoded.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let (_, audio, _) = callrec_pcm(&path, tmp.path());
    assert_same(
        &audio.channels[0],
        &place_by_timestamp(&packets, &read_s16(&decoded), 8, 1),
        "G.729",
    );
}

#[test]
fn outputs_are_readable_by_ffmpeg_and_sox() {
    let Some(dir) = pcap_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(dir.join("projectrtp-dtmfcapture1.pcap")).unwrap();
    for format in [
        OutputFormat::Alaw,
        OutputFormat::Ulaw,
        OutputFormat::Pcm,
        OutputFormat::Mp3,
    ] {
        for mix in [Mix::Stereo, Mix::Mono, Mix::Left, Mix::Right] {
            let (_, audio, path) = convert_bytes(&bytes, format, mix, ChannelMap::Auto, tmp.path());
            assert_eq!(
                audio.channels.len(),
                mix.channels() as usize,
                "{format:?} {mix:?}"
            );
            let seconds = audio.channels[0].len() as f64 / f64::from(audio.rate);
            assert!(
                (seconds - 7.13).abs() < 0.1,
                "{format:?} {mix:?}: {seconds}"
            );
            if have("ffprobe") {
                let out = Command::new("ffprobe")
                    .args([
                        "-v",
                        "error",
                        "-show_entries",
                        "stream=channels",
                        "-of",
                        "csv=p=0",
                    ])
                    .arg(&path)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "ffprobe rejects {format:?} {mix:?}");
                assert_eq!(
                    String::from_utf8_lossy(&out.stdout).trim(),
                    mix.channels().to_string()
                );
            }
            if have("sox") && format != OutputFormat::Mp3 {
                let ok = Command::new("sox")
                    .arg("--i")
                    .arg(&path)
                    .output()
                    .unwrap()
                    .status
                    .success();
                assert!(ok, "sox rejects {format:?} {mix:?}");
            }
        }
    }
}
