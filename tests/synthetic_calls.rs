//! Generated innovaphone-style calls with known content: the tone of each party must
//! land in its channel, and clicks heard at the same instant by the recording device
//! must line up across channels to 1 ms, under every impairment the network makes.

mod common;

use callrec::media::synth::party_hold;
use callrec::media::synth::{CallScript, CaptureFile, Link, PartyScript, SynthCodec};
use callrec::media::{ChannelMap, Outcome};
use common::{convert_pcm, onset, tone_power};

const LOCAL_HZ: f64 = 700.0;
const REMOTE_HZ: f64 = 1300.0;

fn call(codec: SynthCodec) -> CallScript {
    CallScript {
        local: PartyScript::tone(codec, LOCAL_HZ),
        remote: PartyScript::tone(codec, REMOTE_HZ),
        ..CallScript::default()
    }
}

/// Asserts which tone is in which channel, over the middle of the call.
fn assert_tones(left: &[i16], right: &[i16], rate: u32, left_hz: f64, right_hz: f64) {
    let mid = |c: &[i16]| c[c.len() / 4..c.len() * 3 / 4].to_vec();
    let (l, r) = (mid(left), mid(right));
    assert!(
        tone_power(&l, rate, left_hz) > 20.0 * tone_power(&l, rate, right_hz),
        "left holds the wrong tone"
    );
    assert!(
        tone_power(&r, rate, right_hz) > 20.0 * tone_power(&r, rate, left_hz),
        "right holds the wrong tone"
    );
}

#[test]
fn phone_recording_puts_the_far_party_left_in_every_codec() {
    for codec in [
        SynthCodec::Pcma,
        SynthCodec::Pcmu,
        SynthCodec::G722,
        SynthCodec::G729 { vad: false },
    ] {
        let (report, audio) = convert_pcm(&call(codec).generate(), ChannelMap::Auto);
        assert_eq!(
            report.outcome,
            Outcome::Clean,
            "{codec:?}: {:?}",
            report.warnings
        );
        assert_eq!(
            audio.rate,
            if codec == SynthCodec::G722 {
                16_000
            } else {
                8_000
            }
        );
        assert_tones(
            &audio.channels[0],
            &audio.channels[1],
            audio.rate,
            REMOTE_HZ,
            LOCAL_HZ,
        );
        assert!(
            (report.duration_ms - 10_000).abs() <= 40,
            "{codec:?}: {}",
            report.duration_ms
        );
    }
}

#[test]
fn gateway_and_swap_maps_put_the_device_side_left() {
    let bytes = call(SynthCodec::Pcma).generate();
    for map in [ChannelMap::Gateway, ChannelMap::Swap, ChannelMap::Phone] {
        let (report, audio) = convert_pcm(&bytes, map);
        // the device's own stream (port 16386) is "local" whatever the map
        for stream in &report.streams {
            let expected = if stream.src.ends_with(":16386") {
                "local"
            } else {
                "remote"
            };
            assert_eq!(
                stream.device_side.as_deref(),
                Some(expected),
                "{map:?}: {stream:?}"
            );
        }
        if map == ChannelMap::Phone {
            continue;
        }
        assert_tones(
            &audio.channels[0],
            &audio.channels[1],
            audio.rate,
            LOCAL_HZ,
            REMOTE_HZ,
        );
    }
}

#[test]
fn mixed_rates_give_16_khz_with_both_parties() {
    let mut script = call(SynthCodec::Pcma);
    script.remote.codec = SynthCodec::G722;
    let (_, audio) = convert_pcm(&script.generate(), ChannelMap::Auto);
    assert_eq!(audio.rate, 16_000);
    assert_tones(
        &audio.channels[0],
        &audio.channels[1],
        16_000,
        REMOTE_HZ,
        LOCAL_HZ,
    );
}

const CLICKS: [f64; 8] = [1.5, 3.0, 4.5, 7.0, 9.5, 12.0, 15.5, 18.0];

/// Measures the click offsets between channels; returns how many clicks were found in both.
fn assert_clicks_aligned(script: &CallScript, tolerance_ms: f64) -> usize {
    let (report, audio) = convert_pcm(&script.generate(), ChannelMap::Auto);
    let rate = audio.rate as f64;
    let origin = report.start_ms as f64 / 1000.0 - script.start.0 as f64 / 1e9;
    let mut found = 0;
    for &c in &CLICKS {
        if c >= script.duration - 0.5 {
            continue;
        }
        let expected = ((c - origin) * rate) as isize;
        let from = (expected - (0.08 * rate) as isize).max(0) as usize;
        let to = (expected + (0.08 * rate) as isize) as usize;
        let left = onset(&audio.channels[0], from, to, 2_500);
        let right = onset(&audio.channels[1], from, to, 2_500);
        if let (Some(l), Some(r)) = (left, right) {
            let offset_ms = (l as f64 - r as f64) * 1000.0 / rate;
            assert!(
                offset_ms.abs() <= tolerance_ms,
                "{:?}: click at {c} s: channels {offset_ms:.3} ms apart (left {l}, right {r})",
                script.remote.codec
            );
            found += 1;
        }
    }
    found
}

/// The far party's network delay. For G.729 it is a whole number of 10 ms frames, so
/// that both parties' clicks fall on the same frame phase and the codec reconstructs
/// them alike; otherwise the test would measure G.729's waveform fidelity, not the
/// converter's placement.
fn network_delay(codec: SynthCodec) -> f64 {
    if matches!(codec, SynthCodec::G729 { .. }) {
        0.030
    } else {
        0.035
    }
}

/// A call whose parties click at [`CLICKS`], over a quiet tone so that the clicks stand
/// out even after G.729 has reshaped them.
fn clicking(codec: SynthCodec) -> CallScript {
    let mut script = call(codec);
    script.duration = 20.0;
    script.local.clicks = CLICKS.to_vec();
    script.remote.clicks = CLICKS.to_vec();
    script.local.tone_amplitude = 800.0;
    script.remote.tone_amplitude = 800.0;
    script.remote.base_delay = network_delay(codec);
    script
}

fn impaired(codec: SynthCodec) -> CallScript {
    let mut script = clicking(codec);
    script.duration = 20.0;
    script.local.clicks = CLICKS.to_vec();
    script.remote.clicks = CLICKS.to_vec();
    script.remote.base_delay = network_delay(codec);
    script.remote.jitter = 0.040;
    script.remote.loss = 0.20;
    script.remote.duplicate = 0.05;
    script.remote.reorder = 0.05;
    script.seed = 7;
    script
}

#[test]
fn clicks_align_within_a_millisecond_on_a_clean_call() {
    for codec in [
        SynthCodec::Pcma,
        SynthCodec::Pcmu,
        SynthCodec::G722,
        SynthCodec::G729 { vad: false },
    ] {
        let script = clicking(codec);
        assert_eq!(
            assert_clicks_aligned(&script, 1.0),
            CLICKS.len(),
            "{codec:?}"
        );
    }
}

#[test]
fn clicks_align_under_jitter_loss_duplicates_and_reordering() {
    for codec in [
        SynthCodec::Pcma,
        SynthCodec::Pcmu,
        SynthCodec::G722,
        SynthCodec::G729 { vad: false },
    ] {
        let found = assert_clicks_aligned(&impaired(codec), 1.0);
        assert!(
            found >= 4,
            "{codec:?}: only {found} clicks survived the loss"
        );
    }
}

#[test]
fn ssrc_change_continues_the_same_channel_in_sync() {
    let mut script = impaired(SynthCodec::Pcma);
    script.remote.loss = 0.0;
    script.remote.ssrc_change_at = Some(6.0);
    assert_eq!(assert_clicks_aligned(&script, 1.0), CLICKS.len());
}

#[test]
fn a_six_second_hold_with_a_stopped_clock_keeps_sync() {
    for clock_runs in [true, false] {
        let mut script = impaired(SynthCodec::Pcma);
        script.remote.loss = 0.0;
        script.local.hold = Some(party_hold(8.0, 6.0, clock_runs));
        script.remote.hold = Some(party_hold(8.0, 6.0, clock_runs));
        // Clicks inside the hold are not sent; the others must still line up.
        let found = assert_clicks_aligned(&script, 1.0);
        assert!(found >= 6, "clock_runs={clock_runs}: {found}");
    }
}

#[test]
fn silence_suppression_gives_comfort_noise_and_keeps_sync() {
    for codec in [SynthCodec::Pcma, SynthCodec::G729 { vad: true }] {
        let mut script = impaired(codec);
        script.remote.loss = 0.0;
        script.remote.dtx = true;
        // Silences end well before the next click: G.729B's VAD needs a few frames to
        // declare speech again, which would clip the click itself.
        script.remote.silences = vec![(5.0, 6.5), (10.0, 11.5)];
        script.local.dtx = true;
        script.local.silences = vec![(5.0, 6.5)];
        let found = assert_clicks_aligned(&script, 1.0);
        assert_eq!(found, CLICKS.len(), "{codec:?}");
    }
}

#[test]
fn one_way_audio_is_written_with_a_warning() {
    let mut script = call(SynthCodec::Pcma);
    script.remote.sends = false;
    let (report, audio) = convert_pcm(&script.generate(), ChannelMap::Auto);
    assert_eq!(report.outcome, Outcome::Warnings);
    assert!(
        report.warnings.iter().any(|w| w.contains("one-way")),
        "{:?}",
        report.warnings
    );
    assert!(
        audio.channels[0].iter().all(|&s| s == 0),
        "left must be silent"
    );
    assert!(tone_power(&audio.channels[1], 8000, LOCAL_HZ) > 1e5);
}

#[test]
fn a_truncated_recording_keeps_what_was_complete() {
    let full = call(SynthCodec::Pcma).generate();
    let mut script = call(SynthCodec::Pcma);
    script.truncate_at = Some(full.len() * 6 / 10 + 7);
    let (report, _) = convert_pcm(&script.generate(), ChannelMap::Auto);
    assert_eq!(report.outcome, Outcome::Warnings);
    assert!(
        report.warnings.iter().any(|w| w.contains("cut short")),
        "{:?}",
        report.warnings
    );
    assert!(
        (5_000..7_000).contains(&report.duration_ms),
        "{}",
        report.duration_ms
    );
}

#[test]
fn every_link_type_and_file_format_gives_the_same_audio() {
    let reference = convert_pcm(&call(SynthCodec::Pcmu).generate(), ChannelMap::Auto)
        .1
        .channels;
    let files = [
        CaptureFile {
            link: Link::Vlan { qinq: false },
            ..Default::default()
        },
        CaptureFile {
            link: Link::Vlan { qinq: true },
            ..Default::default()
        },
        CaptureFile {
            link: Link::Raw,
            ..Default::default()
        },
        CaptureFile {
            link: Link::LinuxSll,
            ..Default::default()
        },
        CaptureFile {
            link: Link::LinuxSll2,
            ..Default::default()
        },
        CaptureFile {
            link: Link::Null,
            ..Default::default()
        },
        CaptureFile {
            pcapng: true,
            ..Default::default()
        },
        CaptureFile {
            nanoseconds: true,
            ..Default::default()
        },
        CaptureFile {
            big_endian: true,
            ..Default::default()
        },
    ];
    for file in files {
        let script = CallScript {
            file,
            ..call(SynthCodec::Pcmu)
        };
        let channels = convert_pcm(&script.generate(), ChannelMap::Auto).1.channels;
        assert!(channels == reference, "{file:?} differs");
    }
}

#[test]
fn ipv6_calls_convert() {
    let mut script = call(SynthCodec::Pcma);
    script.local_addr = "[fd00::10]:16386".parse().unwrap();
    script.remote_addr = "[fd00::20]:16388".parse().unwrap();
    let (report, audio) = convert_pcm(&script.generate(), ChannelMap::Auto);
    assert_eq!(report.outcome, Outcome::Clean, "{:?}", report.warnings);
    assert_tones(
        &audio.channels[0],
        &audio.channels[1],
        8000,
        REMOTE_HZ,
        LOCAL_HZ,
    );
}

#[test]
fn dtmf_becomes_a_list_with_sides_and_times() {
    let mut script = call(SynthCodec::Pcma);
    script.remote.dtmf = vec![(2.0, '1', 0.2), (3.0, '#', 0.16)];
    script.local.dtmf = vec![(5.0, '9', 0.1)];
    let (report, _) = convert_pcm(&script.generate(), ChannelMap::Auto);
    let got: Vec<(char, String)> = report
        .dtmf
        .iter()
        .map(|d| (d.digit, format!("{:?}", d.side)))
        .collect();
    assert_eq!(
        got,
        vec![
            ('1', "External".into()),
            ('#', "External".into()),
            ('9', "Internal".into())
        ]
    );
    let origin = report.start_ms as f64 / 1000.0 - script.start.0 as f64 / 1e9;
    for (d, at) in report.dtmf.iter().zip([2.0, 3.0, 5.0]) {
        let expected = ((at - origin) * 1000.0) as i64;
        assert!(
            (d.start_ms - expected).abs() <= 25,
            "{d:?} expected {expected}"
        );
    }
    assert!(
        (report.dtmf[0].duration_ms - 200).abs() <= 25,
        "{:?}",
        report.dtmf[0]
    );
}

/// The data chunk of a WAV file.
fn wav_data(path: &std::path::Path) -> Vec<u8> {
    let file = std::fs::read(path).unwrap();
    let at = file
        .windows(4)
        .position(|w| w == b"data")
        .expect("data chunk");
    let len = u32::from_le_bytes(file[at + 4..at + 8].try_into().unwrap()) as usize;
    file[at + 8..at + 8 + len].to_vec()
}

/// The archive's default output, stereo A-law, carries A-law audio through byte for
/// byte and encodes everything else on the way (see `media::passthrough`). It must be
/// exactly the A-law encoding (by the codec crate's own encoder) of the 16-bit output of
/// the same call: in every codec, mixed codecs, and under loss, jitter, duplicates,
/// reordering, silence suppression with comfort noise, an SSRC change and a hold. (The
/// generated calls are encoded by that same crate, which never writes the one byte,
/// 0x55, that passthrough keeps and re-encoding would turn into 0xD5.)
#[test]
fn alaw_output_is_the_encoded_pcm_output_under_every_impairment() {
    use audio_codec::Encoder;
    use callrec::media::{Mix, OutputFormat};
    let dir = tempfile::tempdir().unwrap();
    let mut scripts = Vec::new();
    for codec in [
        SynthCodec::Pcma,
        SynthCodec::Pcmu,
        SynthCodec::G722,
        SynthCodec::G729 { vad: false },
    ] {
        scripts.push(call(codec));
        scripts.push(impaired(codec));
    }
    // G.729 Annex B: SID frames and comfort noise (quiet tone: the encoder's VAD
    // overflows on a loud one)
    let mut sid = clicking(SynthCodec::G729 { vad: true });
    sid.remote.dtx = true;
    sid.remote.silences = vec![(5.0, 6.5)];
    scripts.push(sid);
    let mut mixed = impaired(SynthCodec::Pcma);
    mixed.remote = PartyScript {
        codec: SynthCodec::Pcmu,
        ..mixed.remote
    };
    scripts.push(mixed);
    let mut quiet = impaired(SynthCodec::Pcma);
    quiet.remote.loss = 0.0;
    quiet.remote.dtx = true;
    quiet.remote.silences = vec![(5.0, 6.5), (10.0, 11.5)];
    quiet.remote.ssrc_change_at = Some(12.0);
    quiet.local.hold = Some(party_hold(8.0, 3.0, false));
    scripts.push(quiet);
    for (n, script) in scripts.iter().enumerate() {
        let bytes = script.generate();
        let (_, pcm, _) = common::convert_bytes(
            &bytes,
            OutputFormat::Pcm,
            Mix::Stereo,
            ChannelMap::Auto,
            dir.path(),
        );
        let (_, _, alaw) = common::convert_bytes(
            &bytes,
            OutputFormat::Alaw,
            Mix::Stereo,
            ChannelMap::Auto,
            dir.path(),
        );
        let interleaved: Vec<i16> = pcm.channels[0]
            .iter()
            .zip(&pcm.channels[1])
            .flat_map(|(l, r)| [*l, *r])
            .collect();
        let mut expected = vec![0u8; interleaved.len()];
        audio_codec::pcma::PcmaEncoder::new()
            .encode_into(&interleaved, &mut expected)
            .unwrap();
        let data = wav_data(&alaw);
        if pcm.rate == 8000 {
            assert_eq!(data.len(), expected.len(), "script {n}");
            let first_difference = data.iter().zip(&expected).position(|(a, b)| a != b);
            assert_eq!(first_difference, None, "script {n}: A-law differs");
        } else {
            // G.722 gives 16 kHz: the A-law file is the 16 kHz audio encoded, as before
            assert_eq!(data.len(), expected.len(), "script {n} at {} Hz", pcm.rate);
        }
    }
}
