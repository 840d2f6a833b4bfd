//! External applications benchmark: N calls (1000 by default, `CALLREC_BENCH_CALLS`)
//! through the PBX simulator (SOAP call events, captures, CDRs) into a recorder on
//! loopback with an AppServer attached. It prints how long after the PBX reported a
//! call's start its `!FRST!` reached the AppServer, how long after the record was
//! placed in the store (the audio file's rename, its ctime) its `!LAST!` did, and how
//! long a `!PLAY!` command from the AppServer takes to reach a Player linked over the
//! Player API and give its first decoded sound (p50/p99/max). The peer is the floor of
//! any such link: the same line written by a plain TCP client to the same AppServer.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use callrec::archive::accounts::{Account, Rights};
use callrec::archive::control_command::ControlCommand;
use callrec::archive::identity::Identity;
use callrec::archive::keyring::KeyRing;
use callrec::archive::record::Archiver;
use callrec::archive::store::Store;
use callrec::fileserver::{FileServer, router};
use callrec::media::ConvertOptions;
use callrec::media::synth::SynthCodec;
use callrec::player::remote::RemoteArchive;
use callrec::player::remote_control::{LinkState, RemoteControl};
use callrec::player::stream::{FrameSource, RecordStream};
use callrec::recorder::appserver_link::AppServerConfig;
use callrec::recorder::pbx_link::PbxConfig;
use callrec::recorder::pipeline::PipelineConfig;
use callrec::recorder::rules::Agents;
use callrec::recorder::service::{Service, ServiceConfig};
use callrec::simulator::soap_pbx::SoapPbx;
use callrec::simulator::{Fault, Simulator, scripted_calls};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn report(what: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    if ms.is_empty() {
        println!("{what}: no samples");
        return;
    }
    println!(
        "{what}: n {} · p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
        ms.len(),
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms[ms.len() - 1]
    );
}

fn since(earlier: SystemTime, later: SystemTime) -> f64 {
    later
        .duration_since(earlier)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// The AppServer: every line it receives, with the moment it arrived; a writer for
/// the commands it sends.
struct AppServer {
    lines: Arc<Mutex<Vec<(SystemTime, String)>>>,
    writer: Arc<Mutex<Option<TcpStream>>>,
    port: u16,
}

fn app_server() -> AppServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let lines: Arc<Mutex<Vec<(SystemTime, String)>>> = Arc::default();
    let writer: Arc<Mutex<Option<TcpStream>>> = Arc::default();
    let (l, w) = (lines.clone(), writer.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = stream.set_nodelay(true);
            *w.lock().expect("lock") = stream.try_clone().ok();
            let l = l.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    l.lock()
                        .expect("lock")
                        .push((SystemTime::now(), line.trim_end().to_string()));
                }
            });
        }
    });
    AppServer {
        lines,
        writer,
        port,
    }
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench appserver");
        return;
    }
    let n: usize = std::env::var("CALLREC_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir_in(".").expect("tempdir");
    let store = Store::new(dir.path().join("store"));
    let appserver = app_server();
    let pbx = Arc::new(
        runtime
            .block_on(SoapPbx::start(
                "127.0.0.1:0".parse().expect("address"),
                SoapPbx::site_users(),
                None,
                Duration::from_secs(30),
            ))
            .expect("pbx"),
    );
    let archiver = Archiver {
        store: store.clone(),
        backup: None,
        ring: KeyRing::default(),
        identity: Identity::generate(),
        recorder_name: "bench".into(),
        seal_metadata: true,
        encrypt_audio: false,
        options: ConvertOptions::default(),
    };
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("address"),
        max_capture: 100_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: Duration::from_secs(20),
        pull: None,
        pbx: Some(PbxConfig {
            standby_url: None,
            url: pbx.url(),
            user: "API".into(),
            credentials: None,
        }),
        https: None,
        limits: Default::default(),
        appserver: Some(AppServerConfig {
            address: format!("127.0.0.1:{}", appserver.port),
            keepalive: Duration::ZERO,
            acknowledged: false,
        }),
        pipeline: PipelineConfig {
            agents: Agents {
                numbers: (20..=24).map(|n| n.to_string()).collect(),
                ..Agents::default()
            },
            cdr_wait_steps: 2,
            settle: Duration::from_millis(300),
            ..PipelineConfig::default()
        },
    };
    let (url, stop, running, pipeline) = runtime.block_on(async {
        let service = Service::start(config, archiver).await.expect("start");
        let url = format!("http://{}", service.local_addr());
        let pipeline = service.pipeline();
        let account =
            Account::new("bench", "bench-password", Rights::default(), vec![]).expect("account");
        let api = FileServer::new(
            store.clone(),
            KeyRing::default(),
            Identity::generate(),
            "bench".into(),
            vec![account],
            Some(pipeline.status.clone()),
            None,
        )
        .with_commands(pipeline.commands.clone());
        let service = service.with_routes(router(Arc::new(api)));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(service.run(stopped));
        (url, stop, running, pipeline)
    });
    // the link to the PBX and to the AppServer are up before the first call
    let deadline = Instant::now() + Duration::from_secs(20);
    while appserver.writer.lock().expect("lock").is_none()
        || pipeline.status.snapshot().lamps.pbx != callrec::recorder::status::Lamp::Green
    {
        assert!(Instant::now() < deadline, "links up");
        std::thread::sleep(Duration::from_millis(20));
    }

    // N calls at 50 calls/s, 8 in flight, each reported to the PBX link first
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(n, 4.0, now - 3600, 5);
    for (i, call) in calls.iter_mut().enumerate() {
        call.fault = Fault::None;
        call.codec = SynthCodec::Pcma;
        call.internal = (20 + i % 5).to_string();
    }
    let started: Arc<Mutex<HashMap<String, SystemTime>>> = Arc::default();
    let t = Instant::now();
    runtime.block_on(async {
        let mut sim = Simulator::new(&url, None)
            .expect("client")
            .with_pbx(pbx.clone());
        sim.live = Duration::from_millis(200);
        let sim = Arc::new(sim);
        let calls = Arc::new(calls.clone());
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let start = tokio::time::Instant::now();
        let mut senders = Vec::new();
        for _ in 0..8 {
            let (sim, calls, next, started) =
                (sim.clone(), calls.clone(), next.clone(), started.clone());
            senders.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(call) = calls.get(i) else { break };
                    tokio::time::sleep_until(start + Duration::from_millis(20 * i as u64)).await;
                    started
                        .lock()
                        .expect("lock")
                        .insert(format!("{:032x}", call.conf), SystemTime::now());
                    sim.play(call).await.expect("play");
                }
            }));
        }
        for s in senders {
            s.await.expect("sender");
        }
    });
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let lasts = appserver
            .lines
            .lock()
            .expect("lock")
            .iter()
            .filter(|(_, l)| l.starts_with("!LAST!"))
            .count();
        if lasts >= n {
            break;
        }
        assert!(Instant::now() < deadline, "only {lasts} LAST of {n}");
        std::thread::sleep(Duration::from_millis(100));
    }
    println!(
        "{n} calls (4 s G.711, 50 calls/s, 200 ms live each) archived and told in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let lines = appserver.lines.lock().expect("lock").clone();
    let started = started.lock().expect("lock").clone();
    let mut frst = Vec::new();
    let mut last = Vec::new();
    let mut tracks = Vec::new();
    for (at, line) in &lines {
        let fields: Vec<&str> = line.split('!').collect();
        match fields.get(1) {
            Some(&"FRST") => {
                if let Some(s) = started.get(fields[3]) {
                    frst.push(since(*s, *at));
                }
            }
            Some(&"LAST") => {
                let track = fields[4];
                let name = callrec::archive::RecordName::parse(track).expect("a record name");
                let path = store.path_of(&name);
                let placed = std::fs::metadata(&path).expect("the record");
                let ctime = {
                    use std::os::unix::fs::MetadataExt;
                    SystemTime::UNIX_EPOCH
                        + Duration::new(placed.ctime() as u64, placed.ctime_nsec() as u32)
                };
                last.push(since(ctime, *at));
                tracks.push(track.to_string());
            }
            _ => {}
        }
    }
    report("FRST after the PBX reported the call's start", frst);
    report("LAST after the record was placed in the store", last);

    // the peer: a line from a plain TCP client to another instance of the same AppServer
    let peer = app_server();
    let mut floor = Vec::new();
    {
        let mut client = TcpStream::connect(("127.0.0.1", peer.port)).expect("peer");
        client.set_nodelay(true).expect("nodelay");
        for i in 0..200 {
            let sent = SystemTime::now();
            writeln!(client, "!PEER!{i}").expect("peer write");
            loop {
                if let Some((at, _)) = peer.lines.lock().expect("lock").get(i) {
                    floor.push(since(sent, *at));
                    break;
                }
                std::thread::yield_now();
            }
        }
    }
    report(
        "peer: a line over plain loopback TCP to the same AppServer",
        floor,
    );

    // commands: AppServer → recorder → linked Player → its first decoded sound
    let mut control = RemoteControl::new(Arc::new(|| {}));
    control.link(RemoteArchive::new(&url, "bench", "bench-password", None).expect("client"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while control.link != LinkState::Up {
        assert!(Instant::now() < deadline, "the Player's link");
        control.take();
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut writer = appserver
        .writer
        .lock()
        .expect("lock")
        .take()
        .expect("the recorder's connection");
    let mut firsts = Vec::new();
    for track in tracks.iter().take(100) {
        std::thread::sleep(Duration::from_millis(50));
        let sent = Instant::now();
        write!(writer, "!PLAY!bench!{track}\r\n").expect("command");
        let got = loop {
            if let Some(ControlCommand::Play(Some(t))) = control.take().pop() {
                break t;
            }
            assert!(sent.elapsed() < Duration::from_secs(10), "the command");
            std::thread::sleep(Duration::from_micros(200));
        };
        let name = callrec::archive::RecordName::parse(&got).expect("a record name");
        let mut stream =
            RecordStream::open(&store.path_of(&name), &KeyRing::default()).expect("open");
        let mut frames = Vec::new();
        while frames.is_empty() {
            assert!(stream.read(&mut frames).expect("read"));
        }
        firsts.push(sent.elapsed().as_secs_f64() * 1e3);
    }
    report("PLAY command → linked Player → first decoded sound", firsts);
    let _ = stop.send(true);
    drop(running);
}
