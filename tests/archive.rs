//! The archive as a user meets it through the `callrec` binary: import, verify,
//! inspect, copy and setup, on real files in temporary folders.

mod common;

use common::callrec;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use callrec::archive::name::RecordName;
use callrec::media::synth::CallScript;
use proptest::prelude::*;

fn arg(key: &str, path: &Path) -> String {
    format!("{key}={}", path.display())
}

/// A short innovaphone-style capture named `<conf>-<mac>-1.pcap` in `dir`.
fn capture(dir: &Path, conf: u128, seconds: f64) -> PathBuf {
    let script = CallScript {
        duration: seconds,
        seed: conf as u64,
        ..CallScript::default()
    };
    let path = dir.join(CallScript::innovaphone_name(conf, 0x0090_3301_0203, 1));
    fs::write(&path, script.generate()).unwrap();
    path
}

/// A PBX CDR of an incoming external call to user 24 with this conference id.
fn cdr_line(conf: u128, external: &str, utc: i64) -> String {
    format!(
        "<cdr guid=\"9362bef8e909d31188ce0090330602e8\" sys=\"PBX\" pbx=\".\" node=\"root\" device=\"p24\" \
         cn=\"Agent 24\" e164=\"24\" h323=\"agent24\" dir=\"to\" utc=\"{utc}\" local=\"{}\"><user/>\
         <event msg=\"setup-to\" time=\"0\" type=\"ext\" e164=\"{external}\" dn=\"Caller &amp; Co\" conf=\"{conf:032x}\"/>\
         <event msg=\"alert-from\" time=\"0\" type=\"ext\" e164=\"{external}\"/>\
         <event msg=\"conn-from\" time=\"3\" type=\"ext\" e164=\"{external}\"/>\
         <event msg=\"rel-from\" time=\"12\" cause=\"16\"/></cdr>\n",
        utc + 3600
    )
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    store: PathBuf,
    setup: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        Site {
            store: root.join("store"),
            setup: root.join("setup"),
            root,
            _dir: dir,
        }
    }

    fn import(&self, capture: &Path, cdr: Option<&str>, extra: &[&str]) -> (i32, String, String) {
        let mut args = vec![
            "import".to_string(),
            arg("in", capture),
            arg("store", &self.store),
            arg("recpath", &self.setup),
        ];
        if let Some(text) = cdr {
            let path = self
                .root
                .join(format!("cdr-{}.xml", args.len() + text.len()));
            fs::write(&path, text).unwrap();
            args.push(arg("cdr", &path));
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        callrec(&refs)
    }

    fn verify(&self) -> (i32, String, String) {
        callrec(&[
            "verify",
            &arg("store", &self.store),
            &arg("recpath", &self.setup),
        ])
    }

    /// The audio files in the month folders.
    fn records(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let Ok(months) = fs::read_dir(&self.store) else {
            return out;
        };
        for month in months.flatten() {
            let name = month.file_name().to_string_lossy().into_owned();
            if name == "TMP" || name == "REC" {
                continue;
            }
            for f in fs::read_dir(month.path()).unwrap().flatten() {
                let p = f.path();
                if p.extension().is_some_and(|e| e != "xml" && e != "txt") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }
}

fn flip(path: &Path, at: usize) -> Vec<u8> {
    let original = fs::read(path).unwrap();
    let mut bytes = original.clone();
    let at = at % bytes.len();
    bytes[at] ^= 0x01;
    fs::write(path, &bytes).unwrap();
    original
}

#[test]
fn import_then_verify_is_original_and_every_kind_of_damage_is_named() {
    let site = Site::new();
    let conf = 0xe892_77f0_e909_d311_92e8_0090_3310_32dd_u128;
    let pcap = capture(&site.root, conf, 4.0);
    let (code, out, err) = site.import(
        &pcap,
        Some(&cdr_line(conf, "0301234567", 1_790_000_000)),
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let record = &site.records()[0];
    let name = RecordName::parse(&record.file_name().unwrap().to_string_lossy()).unwrap();
    assert_eq!(name.internal, "24");
    assert_eq!(name.external, "0301234567");
    assert_eq!(name.time_to_answer_s, 3);
    assert_eq!(name.uid, format!("{conf:032x}"));
    // 1_790_000_000 is 2026-09-21 14:13:20 UTC; the CDR says local time is one hour ahead
    assert_eq!(name.to_string().get(..15), Some("2026_09_21_1513"));
    let (code, out, _) = site.verify();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 original"), "{out}");

    // importing the same capture again changes nothing
    let (code, out, _) = site.import(
        &pcap,
        Some(&cdr_line(conf, "0301234567", 1_790_000_000)),
        &[],
    );
    assert_eq!(code, 0);
    assert!(out.contains("already archived"), "{out}");
    assert_eq!(site.records().len(), 1);

    let label = record.file_name().unwrap().to_string_lossy().into_owned();
    let sidecar = record.with_extension("xml");
    let log = site.store.join("TMP").join("iREC_Player_log.txt");
    for (what, path, at) in [
        ("audio", record.clone(), 1000),
        ("sidecar", sidecar.clone(), 300),
        ("audit log", log.clone(), 120),
    ] {
        let original = flip(path.as_path(), at);
        let (code, out, _) = site.verify();
        assert_eq!(
            code, 1,
            "a flipped byte in the {what} went unnoticed: {out}"
        );
        let named = if what == "audit log" {
            "audit log line 1"
        } else {
            label.as_str()
        };
        assert!(out.contains(named), "{what}: {out}");
        fs::write(&path, original).unwrap();
        assert_eq!(site.verify().0, 0);
    }

    // an edited audio whose sidecar was deleted to hide the edit
    let sidecar_text = fs::read(&sidecar).unwrap();
    let original = flip(record.as_path(), 1000);
    fs::remove_file(&sidecar).unwrap();
    let (code, out, _) = site.verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Manipulated:")
            && out.contains("sidecar missing")
            && out.contains("0 unsigned"),
        "a logged record without its sidecar is manipulated, not unsigned: {out}"
    );
    fs::write(record.as_path(), original).unwrap();
    fs::write(&sidecar, sidecar_text).unwrap();
    assert_eq!(site.verify().0, 0);

    fs::remove_file(record).unwrap();
    fs::remove_file(&sidecar).unwrap();
    let (code, out, _) = site.verify();
    assert_eq!(code, 1);
    assert!(out.contains("Missing:") && out.contains(&label), "{out}");
}

#[test]
fn a_capture_without_cdr_is_archived_from_what_it_carries() {
    let site = Site::new();
    let pcap = capture(&site.root, 0xabc, 2.0);
    let (code, out, err) = site.import(&pcap, None, &["format=mp3"]);
    assert_eq!(code, 0, "{out}{err}");
    let record = &site.records()[0];
    assert_eq!(record.extension().unwrap(), "mp3");
    let (code, json, _) = callrec(&["inspect", &arg("in", record), &arg("recpath", &site.setup)]);
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["verdict"], "original");
    assert_eq!(v["metadata"]["call"]["basis"], "capture");
    assert_eq!(v["metadata"]["source"]["device-mac"], "009033010203");
    assert_eq!(v["name"]["internal"], "-");
    assert!(
        v["metadata"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("no CDR"))
    );
}

#[test]
fn hostile_numbers_from_a_cdr_stay_inside_the_month_folder() {
    let site = Site::new();
    let conf = 0x1234_u128;
    let pcap = capture(&site.root, conf, 1.0);
    let hostile = cdr_line(conf, "../../../etc/passwd%2e%2e\\x", 1_790_000_000)
        .replace("e164=\"24\"", &format!("e164=\"/abs/{}\"", "9".repeat(300)));
    let (code, out, err) = site.import(&pcap, Some(&hostile), &[]);
    assert_eq!(code, 0, "{out}{err}");
    let record = &site.records()[0];
    assert_eq!(record.parent().unwrap().parent().unwrap(), site.store);
    let file = record.file_name().unwrap().to_string_lossy().into_owned();
    assert!(!file.contains(".."), "{file}");
    assert!(file.len() < 160, "{file}");
    // the sidecar keeps the numbers exactly as the PBX sent them
    let (_, json, _) = callrec(&["inspect", &arg("in", record), &arg("recpath", &site.setup)]);
    assert!(json.contains("../../../etc/passwd%2e%2e\\\\x"), "{json}");
}

#[test]
fn the_seed_key_scenario_leaves_held_periods_readable_and_the_other_unknown() {
    let site = Site::new();
    // months 0–3: default key; 3–5: key A; 5–7: default again; then key B
    let periods = ["", "MySuperSecret007Key", "", "MyBrandNewKey"];
    let mut records = Vec::new();
    for (i, key) in periods.iter().enumerate() {
        let (code, _, err) = callrec(&[
            "setup",
            &arg("recpath", &site.setup),
            &arg("store", &site.store),
            &format!("customerkey={key}"),
        ]);
        assert_eq!(code, 0, "{err}");
        let conf = 0x100 + i as u128;
        let pcap = capture(&site.root, conf, 1.0);
        assert_eq!(
            site.import(
                &pcap,
                Some(&cdr_line(
                    conf,
                    "0123",
                    1_790_000_000 + i as i64 * 5_000_000
                )),
                &[]
            )
            .0,
            0
        );
        records.push(
            site.records()
                .into_iter()
                .find(|r| r.to_string_lossy().contains(&format!("{conf:032x}")))
                .unwrap(),
        );
    }
    // the recorder kept key A for reading when it moved on
    assert_eq!(site.verify().0, 0);
    // a Player that only has key B
    let player = site.root.join("player");
    assert_eq!(
        callrec(&[
            "setup",
            &arg("recpath", &player),
            "customerkey=MyBrandNewKey"
        ])
        .0,
        0
    );
    let verdicts: Vec<String> = records
        .iter()
        .map(|r| {
            let (_, json, _) = callrec(&["inspect", &arg("in", r), &arg("recpath", &player)]);
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["metadata"].is_null(), v["verdict"] != "original");
            v["verdict"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(verdicts, ["original", "unknown", "original", "original"]);
    // given key A as well, it reads every period
    assert_eq!(
        callrec(&[
            "setup",
            &arg("recpath", &player),
            "readkey=MySuperSecret007Key"
        ])
        .0,
        0
    );
    let (code, json, _) = callrec(&["inspect", &arg("in", &records[1]), &arg("recpath", &player)]);
    assert_eq!(code, 0, "{json}");
}

#[test]
fn encrypted_audio_verifies_and_copies_out_in_the_clear() {
    let site = Site::new();
    let conf = 0x77_u128;
    let pcap = capture(&site.root, conf, 3.0);
    let plain_site = Site::new();
    assert_eq!(
        plain_site
            .import(&pcap, Some(&cdr_line(conf, "0123", 1_790_000_000)), &[])
            .0,
        0
    );
    assert_eq!(
        site.import(
            &pcap,
            Some(&cdr_line(conf, "0123", 1_790_000_000)),
            &["encryptaudio=on"]
        )
        .0,
        0
    );
    let record = &site.records()[0];
    let plain_record = &plain_site.records()[0];
    let stored = fs::read(record).unwrap();
    let plain = fs::read(plain_record).unwrap();
    assert!(stored.starts_with(b"CALLREC-AUDIO-1\n"));
    let overhead = (stored.len() - plain.len()) as f64 / plain.len() as f64;
    assert!(overhead < 0.01, "encryption overhead {overhead}");
    assert_eq!(site.verify().0, 0);

    let out = site.root.join("handed-out");
    let (code, text, err) = callrec(&[
        "copy",
        &arg("in", record),
        &arg("out", &out),
        &arg("recpath", &site.setup),
    ]);
    assert_eq!(code, 0, "{text}{err}");
    let copied = out.join(record.file_name().unwrap());
    assert_eq!(
        fs::read(&copied).unwrap(),
        plain,
        "the clear copy is the plain audio"
    );
    let audio = common::read_audio(&copied);
    assert_eq!(audio.channels.len(), 2);
    assert!(audio.channels[0].len() > 8000 * 2);
    let sidecar = fs::read_to_string(copied.with_extension("xml")).unwrap();
    assert!(
        sidecar.contains("<record version=\"1\">") && sidecar.contains("Agent 24"),
        "{sidecar}"
    );
    let log = fs::read_to_string(site.store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(log.lines().nth(1).unwrap().contains("\tcopied\t"), "{log}");
    assert_eq!(site.verify().0, 0, "the copy line keeps the chain intact");
}

#[test]
fn several_processes_importing_at_once_keep_the_chain_valid() {
    let site = Site::new();
    let mut children = Vec::new();
    for p in 0..4u128 {
        let dir = site.root.join(format!("in{p}"));
        fs::create_dir_all(&dir).unwrap();
        for c in 0..5u128 {
            capture(&dir, 0x1000 + p * 16 + c, 1.0);
        }
        children.push(
            Command::new(env!("CARGO_BIN_EXE_callrec"))
                .args([
                    "import",
                    &arg("in", &dir),
                    &arg("store", &site.store),
                    &arg("recpath", &site.root.join(format!("setup{p}"))),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for mut child in children {
        child.wait().unwrap();
    }
    assert_eq!(site.records().len(), 20);
    let (code, out, _) = site.verify();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("20 original") && out.contains("20 line(s), intact"),
        "{out}"
    );
    assert_eq!(out.matches("signed by ed-").count(), 4, "{out}");
}

#[test]
fn an_import_killed_at_any_moment_leaves_no_partial_record_and_can_be_rerun() {
    let site = Site::new();
    let pcap = capture(&site.root, 0x5151, 300.0);
    for delay_ms in [5u64, 40, 150] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_callrec"))
            .args([
                "import",
                &arg("in", &pcap),
                &arg("store", &site.store),
                &arg("recpath", &site.setup),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        // whatever the moment: a record in a month folder is complete, or absent
        for record in site.records() {
            assert!(
                record.with_extension("xml").exists(),
                "audio without sidecar: {}",
                record.display()
            );
        }
    }
    let (code, out, err) = site.import(&pcap, None, &[]);
    assert!(code <= 1, "{out}{err}");
    let (code, out, _) = site.verify();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 original"), "{out}");
}

#[test]
fn a_fresh_setup_pointing_at_a_protected_store_needs_its_password() {
    let site = Site::new();
    let (code, _, err) = callrec(&[
        "setup",
        &arg("recpath", &site.setup),
        &arg("store", &site.store),
        "setpassword=s3cret",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = callrec(&["setup", &arg("recpath", &site.setup), "format=mp3"]);
    assert_eq!(code, 2);
    assert!(err.contains("password"), "{err}");
    assert_eq!(
        callrec(&[
            "setup",
            &arg("recpath", &site.setup),
            "format=mp3",
            "password=s3cret"
        ])
        .0,
        0
    );
    let other = site.root.join("other-pc");
    let (code, _, err) = callrec(&["setup", &arg("recpath", &other), &arg("store", &site.store)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("central password"), "{err}");
    assert_eq!(
        callrec(&[
            "setup",
            &arg("recpath", &other),
            &arg("store", &site.store),
            "password=s3cret"
        ])
        .0,
        0
    );
    let text = fs::read_to_string(site.setup.join("callrec-setup.xml")).unwrap();
    assert!(
        !text.contains("s3cret") && text.contains("$argon2id$"),
        "{text}"
    );
    // a bad value is named and nothing is saved
    let (code, _, err) = callrec(&[
        "setup",
        &arg("recpath", &site.setup),
        "encryptaudio=maybe",
        "password=s3cret",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("encryptaudio"), "{err}");
}

#[test]
fn standard_tools_verify_a_record_as_the_archive_docs_describe() {
    if !common::have("openssl") || !common::have("sha256sum") {
        common::skip("openssl or sha256sum is not installed");
        return;
    }
    let site = Site::new();
    let conf = 0x99_u128;
    let pcap = capture(&site.root, conf, 1.0);
    assert_eq!(
        site.import(&pcap, Some(&cdr_line(conf, "0123", 1_790_000_000)), &[])
            .0,
        0
    );
    let record = &site.records()[0];
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/verify-record.sh");
    let run = || {
        Command::new("bash")
            .arg(script)
            .arg(record)
            .output()
            .unwrap()
    };
    let good = run();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).starts_with("original"));
    // a sidecar value changed (and kept well-formed) fails the signature
    let sidecar = record.with_extension("xml");
    let original = fs::read_to_string(&sidecar).unwrap();
    fs::write(
        &sidecar,
        original.replace("encryption=\"none\"", "encryption=\"aes-256-gcm-stream\""),
    )
    .unwrap();
    assert!(!run().status.success());
    fs::write(&sidecar, &original).unwrap();
    flip(record, 500);
    assert!(!run().status.success());
}

#[test]
fn every_cdr_sample_of_the_pbx_documentation_parses() {
    let Some(testdata) = common::testdata() else {
        return;
    };
    let dir = testdata.join("cdr");
    let mut files = 0;
    for entry in fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "xml") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let cdrs = callrec::archive::cdr::parse_cdrs(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            cdrs.len(),
            text.lines().filter(|l| l.contains("<cdr")).count()
        );
        for cdr in &cdrs {
            let facts = cdr.facts();
            assert!(!facts.internal_number.is_empty(), "{}", cdr.raw);
            assert!(!facts.conferences.is_empty(), "{}", cdr.raw);
        }
        files += 1;
    }
    assert_eq!(files, 6);
    // the forwarded call: the caller's CDR books the party that finally answered
    let cfu = callrec::archive::cdr::parse_cdrs(&fs::read_to_string(dir.join("cfu.xml")).unwrap())
        .unwrap();
    let caller = cfu[0].facts();
    assert_eq!(
        (
            caller.internal_number.as_str(),
            caller.external_number.as_str()
        ),
        ("100", "102")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn names_round_trip_for_any_parties(
        internal in "\\PC{0,40}",
        external in "[0-9+*#]{0,40}",
        tta in 0u32..100_000,
        uid in "[0-9a-f]{1,64}",
        outgoing in any::<bool>(),
        tan in proptest::option::of("[0-9]{6}"),
    ) {
        let start = callrec::archive::name::LocalMinute { year: 2026, month: 11, day: 27, hour: 9, minute: 5 };
        let direction = if outgoing { callrec::archive::Direction::Outgoing } else { callrec::archive::Direction::Incoming };
        let mut name = RecordName::new(start, &internal, direction, &external, tta, &uid, "wav");
        name.tan = tan;
        let text = name.to_string();
        prop_assert!(!text.contains('/') && !text.contains('\\') && !text.contains(".."));
        prop_assert_eq!(RecordName::parse(&text).unwrap(), name);
    }
}

#[test]
fn every_setup_key_is_documented_and_in_help() {
    let config =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CONFIG.md")).unwrap();
    let (_, help, _) = callrec(&["help"]);
    for key in callrec::archive::setup::SETUP_KEYS {
        assert!(
            config.contains(&format!("| `{}` |", key.name)),
            "CONFIG.md lacks {}",
            key.name
        );
        assert!(
            help.contains(&format!("{}=<", key.name)),
            "help lacks {}",
            key.name
        );
    }
    for mode in [
        "import", "verify", "setup", "copy", "inspect", "move", "delete", "tan", "note",
    ] {
        assert!(help.contains(mode), "help lacks {mode}");
    }
}

#[test]
fn record_operations_are_logged_and_keep_the_archive_verifiable() {
    let site = Site::new();
    let backup = site.root.join("backup");
    for conf in [0x501_u128, 0x502, 0x503] {
        let pcap = capture(&site.root, conf, 1.0);
        let (code, out, err) = site.import(
            &pcap,
            Some(&cdr_line(conf, "0123", 1_790_000_000)),
            &[&arg("backup", &backup)],
        );
        assert_eq!(code, 0, "{out}{err}");
    }
    assert_eq!(
        fs::read_dir(&backup).unwrap().count(),
        6,
        "audio and sidecar of each record, flat"
    );
    let recpath = arg("recpath", &site.setup);
    let records = site.records();

    let (code, out, err) = callrec(&["tan", &arg("in", &records[0]), "tan=004711", &recpath]);
    assert_eq!(code, 0, "{out}{err}");
    let renamed = site
        .records()
        .into_iter()
        .find(|r| r.to_string_lossy().contains("_T004711"))
        .unwrap();
    assert!(renamed.with_extension("xml").exists());
    assert_eq!(
        callrec(&["tan", &arg("in", &renamed), "tan=12x", &recpath]).0,
        2,
        "not a TAN"
    );

    let (code, _, err) = callrec(&[
        "note",
        &arg("in", &renamed),
        "text=customer wants a callback",
        &recpath,
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fs::read_to_string(renamed.with_extension("txt")).unwrap(),
        "customer wants a callback"
    );

    let elsewhere = site.root.join("evidence");
    assert_eq!(
        callrec(&[
            "move",
            &arg("in", &records[1]),
            &arg("out", &elsewhere),
            &recpath
        ])
        .0,
        0
    );
    assert!(elsewhere.join(records[1].file_name().unwrap()).exists());
    assert!(!records[1].exists());

    assert_eq!(callrec(&["delete", &arg("in", &records[2]), &recpath]).0, 0);
    assert!(!records[2].exists() && !records[2].with_extension("xml").exists());

    let (code, out, _) = callrec(&[
        "verify",
        &arg("store", &site.store),
        &recpath,
        &arg("backup", &backup),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("4 record(s): 4 original") && out.contains("0 missing"),
        "{out}"
    );
    let log = fs::read_to_string(site.store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    let actions: Vec<&str> = log.lines().map(|l| l.split('\t').nth(1).unwrap()).collect();
    assert_eq!(
        actions,
        [
            "stored", "stored", "stored", "tan", "note", "moved", "deleted"
        ]
    );
}

#[test]
fn any_single_flipped_byte_of_a_record_is_detected() {
    use callrec::archive::identity::TrustedKeys;
    use callrec::archive::verify::{Found, check_found};
    let site = Site::new();
    let conf = 0x600_u128;
    let pcap = capture(&site.root, conf, 1.0);
    assert_eq!(
        site.import(
            &pcap,
            Some(&cdr_line(conf, "0123", 1_790_000_000)),
            &["encryptaudio=on"]
        )
        .0,
        0
    );
    let record = site.records().remove(0);
    let sidecar = record.with_extension("xml");
    let audio = fs::read(&record).unwrap();
    let text = fs::read(&sidecar).unwrap();
    let trusted = TrustedKeys::load_dir(&site.store.join("TMP").join("keys"));
    let ring = callrec::archive::keyring::KeyRing::default();
    let found = Found {
        label: String::new(),
        audio: Some(record.clone()),
        sidecar: Some(sidecar.clone()),
    };
    assert_eq!(
        check_found(&found, &ring, &trusted).0.verdict,
        callrec::archive::Verdict::Original
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(200));
    runner
        .run(
            &(any::<bool>(), any::<usize>(), 0u8..8),
            |(in_audio, at, bit)| {
                let (path, original) = if in_audio {
                    (&record, &audio)
                } else {
                    (&sidecar, &text)
                };
                let mut bytes = original.clone();
                let at = at % bytes.len();
                bytes[at] ^= 1 << bit;
                fs::write(path, &bytes).unwrap();
                let verdict = check_found(&found, &ring, &trusted).0.verdict;
                fs::write(path, original).unwrap();
                prop_assert_ne!(
                    verdict,
                    callrec::archive::Verdict::Original,
                    "flip at {} in {}",
                    at,
                    path.display()
                );
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn the_command_lines_help_speaks_german_when_asked_and_refuses_an_unknown_language() {
    let (code, help, _) = callrec(&["help", "language=de"]);
    assert_eq!(code, 0);
    for german in [
        "Modi:",
        "Einrichtungsschlüssel",
        "Wurzel des Archivs",
        "Das Player-Fenster auf dem Archiv öffnen",
    ] {
        assert!(help.contains(german), "German help lacks {german}");
    }
    let dir = tempfile::tempdir().unwrap();
    let recpath = format!("recpath={}", dir.path().display());
    // the setup's language is used when the command line names none
    let (code, _, err) = callrec(&["setup", &recpath, "language=de"]);
    assert_eq!(code, 0, "{err}");
    let (_, help, _) = callrec(&["help", &recpath]);
    assert!(help.contains("Modi:"), "the setup's language");
    let (_, help, _) = callrec(&["help", &recpath, "language=en"]);
    assert!(help.contains("Modes:"), "the command line wins");
    let (code, _, err) = callrec(&["help", "language=fr"]);
    assert_eq!(code, 2);
    assert!(err.contains("language 'fr' is not available"), "{err}");
}

#[test]
fn an_evidence_zip_is_checkable_offline_and_its_call_sheet_names_the_call() {
    if !common::have("pdftotext") || !common::have("unzip") || !common::have("openssl") {
        common::skip("pdftotext, unzip or openssl is missing");
        return;
    }
    let site = Site::new();
    let conf = 0x78_u128;
    let pcap = capture(&site.root, conf, 3.0);
    let (code, _, err) = site.import(
        &pcap,
        Some(&cdr_line(conf, "0123", 1_790_000_000)),
        &["encryptaudio=on", "encryptmetadata=on"],
    );
    assert_eq!(code, 0, "{err}");
    let record = &site.records()[0];
    let out = site.root.join("for the court");
    let (code, text, err) = callrec(&[
        "evidence",
        &arg("in", record),
        &arg("out", &out),
        &arg("recpath", &site.setup),
    ]);
    assert_eq!(code, 0, "{text}{err}");
    let name = record.file_name().unwrap().to_string_lossy().into_owned();
    let base = name.trim_end_matches(".wav").to_string();
    let zip = out.join(format!("{base}-evidence.zip"));
    assert!(text.contains(&zip.display().to_string()), "{text}");
    let unpacked = site.root.join("unpacked");
    let status = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(status.success());
    let folder = unpacked.join(&base);
    // the clear audio plays without callrec; the original is the encrypted file as stored
    let audio = common::read_audio(&folder.join(&name));
    assert_eq!(audio.channels.len(), 2);
    assert_eq!(
        fs::read(folder.join("original").join(&name)).unwrap(),
        fs::read(record).unwrap()
    );
    // the offline check passes on the export, and fails once the original is touched
    let check = || {
        Command::new("bash")
            .arg("verify-record.sh")
            .arg(format!("original/{name}"))
            .arg("keys")
            .current_dir(&folder)
            .output()
            .unwrap()
    };
    let good = check();
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(String::from_utf8_lossy(&good.stdout).starts_with("original: signed by ed-"));
    let log = fs::read_to_string(folder.join("activity-log.txt")).unwrap();
    assert!(log.contains("\tstored\t"), "{log}");
    let readme = fs::read_to_string(folder.join("README.txt")).unwrap();
    assert!(
        readme.contains(&format!("bash verify-record.sh original/{name} keys")),
        "{readme}"
    );
    // the call sheet: parties (names from the sealed metadata), verdict, hashes, CDRs
    let sheet = Command::new("pdftotext")
        .arg("-layout")
        .arg(folder.join("call-sheet.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let sheet = String::from_utf8_lossy(&sheet.stdout);
    for expected in [
        "Agent 24",
        "0123",
        "Original",
        "SHA-256 as stored",
        "ed-",
        "rel-from",
    ] {
        assert!(
            sheet.contains(expected),
            "the call sheet lacks {expected}:\n{sheet}"
        );
    }
    // the export is in the activity log, and the archive stays verifiable
    let store_log = fs::read_to_string(site.store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(store_log.contains("evidence="), "{store_log}");
    assert_eq!(site.verify().0, 0);
    flip(&folder.join("original").join(&name), 600);
    assert!(
        !check().status.success(),
        "a changed original fails the offline check"
    );
}

#[test]
fn a_site_that_may_record_only_its_own_side_archives_the_internal_party_alone() {
    use callrec::media::synth::{PartyScript, SynthCodec};
    let site = Site::new();
    let conf = 0x79_u128;
    // internal party 440 Hz, external 660 Hz
    let script = CallScript {
        duration: 3.0,
        seed: 7,
        local: PartyScript::tone(SynthCodec::Pcma, 440.0),
        remote: PartyScript::tone(SynthCodec::Pcma, 660.0),
        ..CallScript::default()
    };
    let pcap = site
        .root
        .join(CallScript::innovaphone_name(conf, 0x0090_3301_0203, 1));
    fs::write(&pcap, script.generate()).unwrap();
    let (code, _, err) = site.import(
        &pcap,
        Some(&cdr_line(conf, "0123", 1_790_000_000)),
        &["mix=right"],
    );
    assert_eq!(code, 0, "{err}");
    let record = &site.records()[0];
    let audio = common::read_audio(record);
    assert_eq!(audio.channels.len(), 1, "one channel archived");
    let own = &audio.channels[0];
    let rate = audio.rate;
    assert!(
        common::tone_power(own, rate, 440.0) > 100.0 * common::tone_power(own, rate, 660.0),
        "only the internal party's tone is in the record"
    );
    assert_eq!(site.verify().0, 0, "the one-channel record verifies");
}

#[test]
fn a_converter_killed_mid_run_and_restarted_converts_every_pcap_record_once() {
    let site = Site::new();
    let captures = site.root.join("captures");
    fs::create_dir_all(&captures).unwrap();
    let mut cdrs = String::new();
    for i in 0..24u128 {
        let conf = 0x900 + i;
        capture(&captures, conf, 40.0);
        cdrs.push_str(&cdr_line(
            conf,
            &format!("0123{i:03}"),
            1_790_000_000 + i as i64 * 60,
        ));
    }
    // the recorder stores PCAP records (encrypted), as beside a converter
    let (code, _, err) = site.import(&captures, Some(&cdrs), &["format=pcap", "encryptaudio=on"]);
    assert!(code <= 1, "{err}");
    let pcaps = |site: &Site| {
        site.records()
            .into_iter()
            .filter(|r| r.extension().is_some_and(|e| e == "pcap"))
            .count()
    };
    assert_eq!(pcaps(&site), 24);
    let converter = |once: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_callrec"));
        command.args([
            "converter",
            &arg("recpath", &site.setup),
            &arg("store", &site.store),
        ]);
        if once {
            command.arg("once=on");
        }
        command
    };
    // killed at three moments while it works
    for delay_ms in [500u64, 700, 900] {
        let mut child = converter(false)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        eprintln!("after {delay_ms} ms: {} PCAP records left", pcaps(&site));
    }
    // a cut just after the new audio was placed (its sidecar not yet switched): the
    // stray file is not the record and is made again
    if let Some(pcap) = site
        .records()
        .into_iter()
        .find(|r| r.extension().is_some_and(|e| e == "pcap"))
    {
        fs::write(pcap.with_extension("wav"), b"half of an audio file").unwrap();
    }
    let done = converter(true).output().unwrap();
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_eq!(pcaps(&site), 0, "no PCAP record left");
    let wavs: Vec<PathBuf> = site.records();
    assert_eq!(wavs.len(), 24, "one WAV per call: {wavs:?}");
    for wav in &wavs {
        assert_eq!(wav.extension().unwrap(), "wav");
        let stored = fs::read(wav).unwrap();
        assert!(
            stored.starts_with(b"CALLREC-AUDIO-1\n"),
            "the encryption is kept"
        );
    }
    let log = fs::read_to_string(site.store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    for wav in &wavs {
        let pcap_name = wav.with_extension("pcap");
        let pcap_name = pcap_name.file_name().unwrap().to_string_lossy();
        let moved = log
            .lines()
            .filter(|l| l.contains("\tmoved\t") && l.contains(&*pcap_name))
            .count();
        assert_eq!(moved, 1, "converted once: {pcap_name}");
    }
    let (code, out, _) = site.verify();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("24 original"), "{out}");
    // the converted audio plays: stereo, the call's length
    let copy = site.root.join("clear");
    let (code, _, err) = callrec(&[
        "copy",
        &arg("in", &wavs[0]),
        &arg("out", &copy),
        &arg("recpath", &site.setup),
    ]);
    assert_eq!(code, 0, "{err}");
    let audio = common::read_audio(&copy.join(wavs[0].file_name().unwrap()));
    assert_eq!(audio.channels.len(), 2);
    assert!(audio.channels[0].len() > 8000 * 39, "the whole call");
}
