//! Shared helpers for the end-to-end tests: run conversions, read audio back with
//! symphonia (an independent decoder), find the shared test captures.
#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use callrec::media::{self, ChannelMap, ConvertOptions, Mix, OutputFormat, Report};

pub mod garage;

/// Decoded audio: one Vec per channel.
pub struct Audio {
    pub rate: u32,
    pub channels: Vec<Vec<i16>>,
}

/// Reads an audio file with symphonia (the Player's decoder).
pub fn read_audio(path: &Path) -> Audio {
    let bytes = std::fs::read(path).expect("read audio");
    let (rate, channels) = callrec::player::decode::decode_channels(bytes).expect("decode audio");
    Audio { rate, channels }
}

/// Converts capture bytes to a WAV in `dir` and reads it back.
pub fn convert_bytes(
    bytes: &[u8],
    format: OutputFormat,
    mix: Mix,
    map: ChannelMap,
    dir: &Path,
) -> (Report, Audio, PathBuf) {
    let path = dir.join(format!("out.{}", format.extension()));
    let file = std::fs::File::create(&path).expect("create");
    let options = ConvertOptions { format, mix, map };
    let report =
        media::convert(|| Ok(Cursor::new(bytes)), &options, Box::new(file)).expect("convert");
    let audio = read_audio(&path);
    (report, audio, path)
}

/// Stereo 16-bit PCM conversion with the default map.
pub fn convert_pcm(bytes: &[u8], map: ChannelMap) -> (Report, Audio) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, audio, _) = convert_bytes(bytes, OutputFormat::Pcm, Mix::Stereo, map, dir.path());
    (report, audio)
}

/// Says a test cannot run here because `what` is missing. Outside CI that is a
/// "skipped: …" line; in CI (`CI=true`) and under `scripts/test.sh`
/// (`CALLREC_REQUIRE_ALL=1`) it fails the test with the name of what is missing, so
/// that a green run means every test ran.
pub fn skip(what: &str) {
    let required = std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var("CALLREC_REQUIRE_ALL").is_ok_and(|v| v == "1");
    if required {
        panic!("required for this test and missing: {what}");
    }
    eprintln!("skipped: {what}");
}

/// The shared test captures, or `None` (with a "skipped" message) when absent.
pub fn testdata() -> Option<PathBuf> {
    let dir = std::env::var_os("CALLREC_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata"));
    if dir.join("pcap").is_dir() {
        Some(dir)
    } else {
        skip(&format!(
            "shared test captures not found at {}",
            dir.display()
        ));
        None
    }
}

/// Is an external tool on PATH?
pub fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Energy of a frequency in a block (Goertzel), normalised by length.
pub fn tone_power(samples: &[i16], rate: u32, hz: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * hz / f64::from(rate);
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / samples.len().max(1) as f64
}

/// Index of the first sample in `from..to` whose magnitude exceeds half the window's
/// peak, provided the peak exceeds `floor`: the onset of a click whatever the codec
/// did to its level.
pub fn onset(samples: &[i16], from: usize, to: usize, floor: i16) -> Option<usize> {
    let window = samples.get(from..to.min(samples.len()))?;
    let peak = window.iter().map(|s| s.unsigned_abs()).max()?;
    if peak <= floor as u16 {
        return None;
    }
    (from..to.min(samples.len())).find(|&i| samples[i].unsigned_abs() > peak / 2)
}

/// Runs the `callrec` binary; returns exit code, standard output and standard error.
pub fn callrec(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args(args)
        .output()
        .expect("run callrec");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An archiver on `store` with a fresh identity and the built-in key, as the recorder
/// tests use it.
pub fn test_archiver(store: &Path) -> callrec::archive::record::Archiver {
    callrec::archive::record::Archiver {
        store: callrec::archive::store::Store::new(store),
        backup: None,
        ring: callrec::archive::keyring::KeyRing::default(),
        identity: callrec::archive::identity::Identity::generate(),
        recorder_name: "test recorder".into(),
        seal_metadata: true,
        encrypt_audio: false,
        options: ConvertOptions::default(),
    }
}

/// The audio files of the records in a store's month folders, sorted.
pub fn stored_records(store: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(months) = std::fs::read_dir(store) else {
        return out;
    };
    for month in months.flatten() {
        let name = month.file_name().to_string_lossy().into_owned();
        if name == "TMP" || name == "REC" || !month.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(month.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "wav") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A fresh self-signed certificate for 127.0.0.1 in `dir` (`cert.pem`, `key.pem`), made
/// with openssl; `None` (with a "skipped" message) where openssl cannot.
pub fn test_certificate(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    if made.is_ok_and(|o| o.status.success()) {
        Some((cert, key))
    } else {
        skip("openssl cannot make a test certificate");
        None
    }
}

/// A company CA (`ca.pem`) and a server certificate for 127.0.0.1 that it signed
/// (`server.pem`, `server-key.pem`) in `dir`, made with openssl: the chain a mail
/// server inside a company has. Returns (CA, certificate, key).
pub fn test_ca_and_certificate(dir: &Path) -> Option<(PathBuf, PathBuf, PathBuf)> {
    let ca = dir.join("ca.pem");
    let ca_key = dir.join("ca-key.pem");
    let cert = dir.join("server.pem");
    let key = dir.join("server-key.pem");
    let request = dir.join("server.csr");
    let extensions = dir.join("server.ext");
    std::fs::write(
        &extensions,
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1\n",
    )
    .ok()?;
    let openssl = |args: &[&str]| {
        std::process::Command::new("openssl")
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let path = |p: &PathBuf| p.display().to_string();
    let made = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=callrec test CA",
        "-keyout",
        &path(&ca_key),
        "-out",
        &path(&ca),
    ]) && openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        &path(&key),
        "-out",
        &path(&request),
    ]) && openssl(&[
        "x509",
        "-req",
        "-in",
        &path(&request),
        "-CA",
        &path(&ca),
        "-CAkey",
        &path(&ca_key),
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        &path(&extensions),
        "-out",
        &path(&cert),
    ]);
    if made {
        Some((ca, cert, key))
    } else {
        skip("openssl cannot make a test CA and certificate");
        None
    }
}

/// A recorder running on loopback for one test: its address and pipeline; `stop` ends
/// it cleanly and fails the test if it did not run cleanly.
pub struct TestRecorder {
    pub url: String,
    pub pipeline: std::sync::Arc<callrec::recorder::pipeline::Pipeline>,
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Adds the Player account `who` (name, password) with the setup keys `extra`
/// (`extensions=21`, `rights=…`) to the setup in `setup`, as an administrator does.
pub fn add_account(setup: &Path, who: (&str, &str), extra: &[&str]) {
    let mut args = vec![
        "setup".to_string(),
        format!("recpath={}", setup.display()),
        format!("account={}", who.0),
        format!("password={}", who.1),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = callrec(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(&format!("account {}", who.0)), "{out}");
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A recorder on a free loopback port that records `agents`, waits one 5-second step
/// for a CDR and keeps orphans: what most recorder tests start from.
pub fn recorder_config(agents: &[&str]) -> callrec::recorder::service::ServiceConfig {
    use callrec::recorder::pipeline::{OrphanPolicy, PipelineConfig};
    callrec::recorder::service::ServiceConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_capture: 20_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: std::time::Duration::from_secs(20),
        pull: None,
        pbx: None,
        https: None,
        limits: Default::default(),
        appserver: None,
        pipeline: PipelineConfig {
            agents: callrec::recorder::rules::Agents {
                numbers: agents.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
            cdr_wait_steps: 1,
            orphans: OrphanPolicy::Keep,
            settle: std::time::Duration::from_millis(300),
            ..PipelineConfig::default()
        },
    }
}

/// Starts a recorder with `config` and `archiver` and serves until [`TestRecorder::stop`].
pub async fn start_recorder(
    config: callrec::recorder::service::ServiceConfig,
    archiver: callrec::archive::record::Archiver,
) -> TestRecorder {
    let service = callrec::recorder::service::Service::start(config, archiver)
        .await
        .expect("the recorder starts");
    serve(service)
}

/// Serves an already started recorder until [`TestRecorder::stop`].
pub fn serve(service: callrec::recorder::service::Service) -> TestRecorder {
    let url = format!("{}://{}", service.scheme(), service.local_addr());
    let pipeline = service.pipeline();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(service.run(stopped));
    TestRecorder {
        url,
        pipeline,
        stop,
        task,
    }
}

impl TestRecorder {
    pub async fn stop(self) {
        self.stop.send(true).expect("the recorder listens");
        self.task
            .await
            .expect("the recorder task")
            .expect("the recorder ran cleanly");
    }
}

/// Polls `done` every 100 ms until it holds; fails the test after `limit`.
pub async fn wait_until(
    what: &str,
    limit: std::time::Duration,
    mut done: impl AsyncFnMut() -> bool,
) {
    let start = std::time::Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// `callrec service` as its own process on `port`, so that a test can kill it with
/// SIGKILL; `extra` are further setup keys (`cdrwait=2`, `agents=…`).
pub struct RecorderProcess(std::process::Child);

impl RecorderProcess {
    pub fn start(store: &Path, setup: &Path, port: u16, extra: &[&str]) -> RecorderProcess {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
            .args([
                "service".to_string(),
                format!("store={}", store.display()),
                format!("recpath={}", setup.display()),
                format!("listen=127.0.0.1:{port}"),
            ])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start callrec service");
        RecorderProcess(child)
    }

    /// `callrec fileserver` on the setup in `setup` (its `listen` address): the Player
    /// API alone, killed like a recorder.
    pub fn fileserver(setup: &Path) -> RecorderProcess {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
            .args([
                "fileserver".to_string(),
                format!("recpath={}", setup.display()),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start callrec fileserver");
        RecorderProcess(child)
    }

    /// SIGKILL, and wait for it to be gone.
    pub fn kill(mut self) {
        self.0.kill().expect("kill the recorder");
        self.0.wait().expect("reap the recorder");
    }
}

impl From<std::process::Child> for RecorderProcess {
    /// Another callrec process (a converter), killed like a recorder.
    fn from(child: std::process::Child) -> RecorderProcess {
        RecorderProcess(child)
    }
}

impl Drop for RecorderProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `script` (which must write `shot`) under Xvfb and counts the screenshot's
/// colours; `None` (with a "skipped" message) where the tools are missing.
pub fn colours_under_xvfb(script: &str, shot: &std::path::Path) -> Option<u32> {
    for tool in ["xvfb-run", "import", "convert"] {
        let found = std::process::Command::new("which")
            .arg(tool)
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            skip(&format!(
                "{tool} is not installed (apt install xvfb xauth imagemagick)"
            ));
            return None;
        }
    }
    let run = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1100x800x24", "bash", "-c", script])
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let colours = std::process::Command::new("convert")
        .arg(shot)
        .args(["-format", "%k", "info:"])
        .output()
        .unwrap();
    Some(
        String::from_utf8_lossy(&colours.stdout)
            .trim()
            .parse()
            .unwrap_or(0),
    )
}

/// Steps the window until `done` holds for its state; fails the test after `limit`.
pub fn step_until<S>(
    h: &mut egui_kittest::Harness<'static, S>,
    what: &str,
    limit: std::time::Duration,
    mut done: impl FnMut(&S) -> bool,
) {
    let start = std::time::Instant::now();
    loop {
        h.step();
        if done(h.state()) {
            return;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// A kittest harness builder whose texts are English (the tests find controls by
/// their English names, whatever the machine's locale).
#[allow(dead_code)]
pub fn kittest<S>() -> egui_kittest::HarnessBuilder<S> {
    callrec::lang::set_language(callrec::lang::Language::English);
    egui_kittest::Harness::builder()
}

/// Unpacks the evidence ZIP at `zip` and checks it as a court would, without callrec:
/// the offline check passes, the log holds each of `lines`, and `keys` keys came along.
pub fn check_evidence(zip: &Path, lines: &[&str], keys: usize) {
    if !have("unzip") || !have("openssl") {
        skip("unzip or openssl is missing");
        return;
    }
    let unpacked = zip.with_extension("unpacked");
    let status = std::process::Command::new("unzip")
        .arg("-q")
        .arg(zip)
        .arg("-d")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(status.success());
    let folder = std::fs::read_dir(&unpacked)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let original = std::fs::read_dir(folder.join("original"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !n.ends_with(".xml"))
        .expect("the original audio");
    let check = std::process::Command::new("bash")
        .arg("verify-record.sh")
        .arg(format!("original/{original}"))
        .arg("keys")
        .current_dir(&folder)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let log = std::fs::read_to_string(folder.join("activity-log.txt")).unwrap();
    for line in lines {
        assert!(log.contains(line), "the ZIP's log lacks {line:?}:\n{log}");
    }
    assert_eq!(
        std::fs::read_dir(folder.join("keys")).unwrap().count(),
        keys,
        "{log}"
    );
}
