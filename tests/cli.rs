//! The `callrec` binary as a user runs it: help, errors, exit codes, batch conversion.

mod common;

use common::callrec;

use callrec::media::synth::{CallScript, PartyScript, SynthCodec};

#[test]
fn help_lists_every_mode_and_key() {
    let (code, out, _) = callrec(&["help"]);
    assert_eq!(code, 0);
    for word in [
        "convert", "inspect", "in=", "out=", "format=", "mix=", "map=",
    ] {
        assert!(out.contains(word), "help does not mention {word}");
    }
}

#[test]
fn unknown_keys_and_bad_values_exit_2_naming_them() {
    let (code, _, err) = callrec(&["convert", "in=a", "out=b", "colour=red"]);
    assert_eq!(code, 2);
    assert!(err.contains("colour"), "{err}");
    let (code, _, err) = callrec(&["convert", "in=a", "out=b", "format=ogg"]);
    assert_eq!(code, 2);
    assert!(err.contains("ogg") && err.contains("format"), "{err}");
    let (code, _, err) = callrec(&["/CONVERT", "-In=/nonexistent.pcap", "out=x.wav"]);
    assert_eq!(code, 2);
    assert!(err.contains("nonexistent"), "{err}");
}

#[test]
fn bucket_settings_that_cannot_work_are_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let recpath = format!("recpath={}", dir.path().display());
    // a bucket name S3 does not allow
    let (code, _, err) = callrec(&["verify", &recpath, "store=s3://No_Such"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a bucket name"), "{err}");
    // a bucket without its address
    let (code, _, err) = callrec(&["verify", &recpath, "store=s3://callrec/site"]);
    assert_eq!(code, 2);
    assert!(err.contains("s3endpoint"), "{err}");
}

#[test]
fn exit_codes_tell_clean_warnings_and_unusable_apart() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.pcap");
    std::fs::write(&clean, CallScript::default().generate()).unwrap();
    let one_way = dir.path().join("oneway.pcap");
    let mut script = CallScript::default();
    script.remote.sends = false;
    std::fs::write(&one_way, script.generate()).unwrap();
    let junk = dir.path().join("junk.pcap");
    std::fs::write(&junk, b"this is not a capture at all").unwrap();

    let out = dir.path().join("o.wav");
    let out_s = out.to_str().unwrap();
    assert_eq!(
        callrec(&[
            "convert",
            &format!("in={}", clean.display()),
            &format!("out={out_s}")
        ])
        .0,
        0
    );
    assert!(out.exists());
    assert_eq!(
        callrec(&[
            "convert",
            &format!("in={}", one_way.display()),
            &format!("out={out_s}")
        ])
        .0,
        1
    );
    let (code, _, err) = callrec(&[
        "convert",
        &format!("in={}", junk.display()),
        &format!("out={out_s}.2"),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a capture"), "{err}");
    assert!(
        !dir.path().join("o.wav.2").exists(),
        "nothing may be written for unusable input"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn inspect_prints_streams_dtmf_and_duration_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut script = CallScript {
        remote: PartyScript::tone(SynthCodec::Pcmu, 900.0),
        ..CallScript::default()
    };
    script.remote.dtmf = vec![(4.0, '5', 0.2)];
    let file = dir.path().join("c.pcap");
    std::fs::write(&file, script.generate()).unwrap();
    let (code, out, _) = callrec(&["inspect", &format!("in={}", file.display())]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["streams"].as_array().unwrap().len(), 2);
    assert!(json["streams"][0]["jitter_ms"].as_f64().is_some());
    assert_eq!(json["dtmf"][0]["digit"], "5");
    assert_eq!(json["dtmf"][0]["side"], "external");
    assert!((json["duration_ms"].as_i64().unwrap() - 10_000).abs() < 50);
}

#[test]
fn a_tree_of_captures_converts_into_a_mirrored_tree() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("2026_11")).unwrap();
    for (i, name) in ["a.pcap", "2026_11/b.pcap", "2026_11/c.capture"]
        .iter()
        .enumerate()
    {
        let script = CallScript {
            seed: i as u64,
            ..CallScript::default()
        };
        std::fs::write(input.join(name), script.generate()).unwrap();
    }
    std::fs::write(input.join("notes.txt"), "not a capture").unwrap();
    let output = dir.path().join("out");
    let (code, _, err) = callrec(&[
        "convert",
        &format!("in={}", input.display()),
        &format!("out={}", output.display()),
        "format=mp3",
    ]);
    assert_eq!(code, 0, "{err}");
    for name in ["a.mp3", "2026_11/b.mp3", "2026_11/c.mp3"] {
        assert!(output.join(name).is_file(), "{name} missing");
    }
    assert!(!output.join("notes.mp3").exists());
}

#[test]
fn a_recorder_that_fails_at_run_time_exits_3_not_the_usage_code() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args([
            "service",
            &format!("recpath={}", dir.path().join("setup").display()),
            &format!("store={}", dir.path().join("store").display()),
            &format!("listen=127.0.0.1:{port}"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("the recorder cannot start"), "{err}");
    // a wrong setting is still a usage error
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args([
            "service",
            &format!("recpath={}", dir.path().join("setup").display()),
            "listen=0.0.0.0:1",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("httpauth"),
        "open without a login is refused: {err}"
    );
}
