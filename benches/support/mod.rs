//! What the benchmarks share: an archive of many signed records, the Garage cluster
//! of the tests, and the three helpers that module takes from its parent.
#![allow(dead_code)]

use std::path::Path;
use std::time::Instant;

use callrec::archive::audit::{self, Action, Entry};
use callrec::archive::identity::{Identity, TrustedKeys};
use callrec::archive::keyring::KeyRing;
use callrec::archive::name::{Direction, LocalMinute, RecordName};
use callrec::archive::record::{Archiver, Booking};
use callrec::archive::sidecar::{AudioDigest, AudioEncryption, check_sidecar, write_sidecar};
use callrec::archive::store::{Store, hash_file};
use callrec::media::ConvertOptions;
use callrec::media::synth::CallScript;
use sha2::{Digest, Sha256};

/// How many records to build: `CALLREC_BENCH_RECORDS`, else 20 000.
pub fn records_wanted() -> usize {
    std::env::var("CALLREC_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// A temporary folder on a RAM disk where there is one, so that figures are CPU
/// cost, not disk speed.
pub fn ram_dir() -> tempfile::TempDir {
    if Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm").expect("tempdir")
    } else {
        tempfile::tempdir().expect("tempdir")
    }
}

/// The minute of every record [`signed_records`] makes.
pub const RECORDS_START: LocalMinute = LocalMinute {
    year: 2026,
    month: 11,
    day: 1,
    hour: 8,
    minute: 0,
};

#[path = "../../tests/common/garage.rs"]
pub mod garage;

fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip(what: &str) {
    eprintln!("skipped: {what}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Audio bytes per record of [`signed_records`]: `CALLREC_BENCH_AUDIO_BYTES`, else
/// 16 KiB (1 M records of 16 KiB do not fit a RAM disk here; for a list the size of
/// the audio does not matter).
pub fn audio_bytes() -> usize {
    std::env::var("CALLREC_BENCH_AUDIO_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16 * 1024)
        .max(8)
}

/// N signed records of [`audio_bytes`] audio in a store under `base` (one real record's
/// metadata, re-signed with other call ids: quick to make), one `stored` line each;
/// the archiver that signed them, the keys that trust it, the key ring.
pub fn signed_records(base: &Path, n: usize) -> (Archiver, TrustedKeys, KeyRing) {
    let store = Store::new(base.join("store"));
    let ring = KeyRing::default();
    let capture = base.join("call.pcap");
    std::fs::write(
        &capture,
        CallScript {
            duration: 2.0,
            ..CallScript::default()
        }
        .generate(),
    )
    .expect("write capture");
    let archiver = Archiver {
        store: store.clone(),
        backup: None,
        ring: ring.clone(),
        identity: Identity::generate(),
        recorder_name: "bench".into(),
        seal_metadata: true,
        encrypt_audio: false,
        options: ConvertOptions::default(),
    };
    let first = archiver
        .archive(&capture, &Booking::default())
        .expect("archive");
    let mut trusted = TrustedKeys::default();
    trusted.add(archiver.identity.public());
    let sidecar = std::fs::read(&first.sidecar).expect("sidecar");
    let template = check_sidecar(
        &sidecar,
        || Ok(hash_file(&first.audio).ok()),
        &ring,
        &trusted,
    )
    .metadata
    .expect("metadata");
    std::fs::remove_dir_all(&store.root).expect("clean");
    store.create().expect("store");
    archiver
        .identity
        .public()
        .publish(&store.keys_dir())
        .expect("publish");
    let t = Instant::now();
    let start = RECORDS_START;
    std::fs::create_dir_all(store.root.join(start.month_folder())).expect("month");
    let mut audio = vec![0u8; audio_bytes()];
    for i in 0..n {
        audio[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let uid = format!("{i:032x}");
        let name = RecordName::new(
            start,
            "24",
            Direction::Incoming,
            "0301234567",
            3,
            &uid,
            "wav",
        );
        let mut meta = template.clone();
        meta.call.uid = uid;
        std::fs::write(store.path_of(&name), &audio).expect("audio");
        let digest = AudioDigest {
            sha256: Sha256::digest(&audio).into(),
            size: audio.len() as u64,
            encryption: AudioEncryption::None,
        };
        let text = write_sidecar(&meta, digest, &ring, true, &archiver.identity);
        std::fs::write(store.path_of(&name.with_extension("xml")), text).expect("sidecar");
        audit::append(
            &store.audit_log(),
            &Entry {
                action: Action::Stored,
                record: &store.relative(&name),
                actor: "bench",
                detail: "",
            },
            &archiver.identity,
        )
        .expect("log");
    }
    println!("built {n} records in {:.1} s", t.elapsed().as_secs_f64());
    (archiver, trusted, ring)
}
