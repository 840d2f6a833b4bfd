//! The AppServer link against a real TCP AppServer in its own process
//! (`tests/common/appserver.py`): FRST while the call runs, LAST once the record
//! exists, commands to named Players, and nothing lost when either side is killed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use callrec::archive::accounts::{Account, Rights};
use callrec::fileserver::{FileServer, router};
use callrec::recorder::appserver_link::AppServerConfig;
use callrec::recorder::pbx_link::PbxConfig;
use callrec::simulator::soap_pbx::SoapPbx;
use callrec::simulator::{Fault, Simulator, scripted_calls};
use common::wait_until;

/// The test's AppServer process.
struct AppServer {
    child: std::process::Child,
    out: PathBuf,
}

impl AppServer {
    fn start(port: u16, out: &Path, store: &Path, ack: bool, send: Option<&Path>) -> AppServer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/appserver.py");
        let mut command = std::process::Command::new("python3");
        command.args([
            script.to_string(),
            port.to_string(),
            out.display().to_string(),
            store.display().to_string(),
            if ack { "ack" } else { "noack" }.to_string(),
        ]);
        if let Some(send) = send {
            command.arg(send);
        }
        let child = command.spawn().expect("python3 runs the test AppServer");
        // it listens once the port answers
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "the AppServer listens"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        AppServer {
            child,
            out: out.to_path_buf(),
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// (arrival, line, "exists"/"missing"/"") of every line received, keep-alives too.
    fn received(&self) -> Vec<(f64, String, String)> {
        received(&self.out)
    }
}

impl Drop for AppServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received(out: &Path) -> Vec<(f64, String, String)> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (time, rest) = l.split_once(' ')?;
            let (line, exists) = rest.rsplit_once(' ').unwrap_or((rest, ""));
            Some((time.parse().ok()?, line.to_string(), exists.to_string()))
        })
        .collect()
}

fn messages(out: &Path) -> Vec<String> {
    received(out)
        .into_iter()
        .map(|(_, l, _)| l)
        .filter(|l| !l.starts_with("!KEEP!"))
        .collect()
}

async fn pbx() -> Arc<SoapPbx> {
    Arc::new(
        SoapPbx::start(
            "127.0.0.1:0".parse().unwrap(),
            SoapPbx::site_users(),
            None,
            Duration::from_millis(300),
        )
        .await
        .unwrap(),
    )
}

fn python_or_skip() -> bool {
    if common::have("python3") {
        return true;
    }
    common::skip("python3 is needed for the test AppServer");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frst_comes_while_the_call_runs_last_once_the_record_exists_and_commands_reach_players() {
    if !python_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = dir.path().join("appserver.txt");
    let send = dir.path().join("send.txt");
    let port = common::free_port();
    let appserver = AppServer::start(port, &out, &store, false, Some(&send));
    let pbx = pbx().await;
    let mut config = common::recorder_config(&["20", "21", "22", "23", "24"]);
    config.pbx = Some(PbxConfig {
        standby_url: None,
        url: pbx.url(),
        user: "API".into(),
        credentials: None,
    });
    config.appserver = Some(AppServerConfig {
        address: format!("127.0.0.1:{port}"),
        keepalive: Duration::from_secs(1),
        acknowledged: false,
    });
    let archiver = common::test_archiver(&store);
    let ring = archiver.ring.clone();
    let service = callrec::recorder::service::Service::start(config, archiver)
        .await
        .unwrap();
    let url = format!("http://{}", service.local_addr());
    let pipeline = service.pipeline();
    let rossi = Account::new("Rossi", "rossi-password", Rights::default(), vec![]).unwrap();
    let dispatch = Account::new(
        "dispatch",
        "dispatch-password",
        Rights {
            control: true,
            ..Rights::default()
        },
        vec![],
    )
    .unwrap();
    let api = FileServer::new(
        callrec::archive::store::Store::new(&store),
        ring,
        callrec::archive::identity::Identity::generate(),
        "test".into(),
        vec![rossi, dispatch],
        Some(pipeline.status.clone()),
        None,
    )
    .with_commands(pipeline.commands.clone());
    let service = service.with_routes(router(Arc::new(api)));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(service.run(stopped));

    wait_until("the APP lamp green", Duration::from_secs(10), async || {
        pipeline.status.snapshot().lamps.appserver == callrec::recorder::status::Lamp::Green
    })
    .await;
    let mut sim = Simulator::new(&url, None).unwrap().with_pbx(pbx.clone());
    sim.live = Duration::from_secs(2);
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 4.0, now - 60, 3).remove(0);
    call.fault = Fault::None;
    call.internal = "21".into();
    let conf = format!("{:032x}", call.conf);
    let playing = tokio::spawn(async move { sim.play(&call).await });

    // FRST arrives while the call still runs
    wait_until("FRST", Duration::from_secs(2), async || {
        messages(&out).iter().any(|l| l.starts_with("!FRST!"))
    })
    .await;
    assert!(!playing.is_finished(), "FRST came only after the call");
    assert_eq!(messages(&out), [format!("!FRST!21!{conf}!User 21")]);
    playing.await.unwrap().unwrap();

    // LAST once the record is stored, naming it
    wait_until("LAST", Duration::from_secs(30), async || {
        messages(&out).iter().any(|l| l.starts_with("!LAST!"))
    })
    .await;
    let stored = common::stored_records(&store);
    assert_eq!(stored.len(), 1);
    let track = stored[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(track.contains(&conf), "{track}");
    let last = appserver
        .received()
        .into_iter()
        .find(|(_, l, _)| l.starts_with("!LAST!"))
        .unwrap();
    assert_eq!(last.1, format!("!LAST!21!{conf}!{track}!User 21"));
    assert_eq!(last.2, "exists", "the record existed when LAST arrived");

    // keep-alives while nothing else goes
    wait_until("a keep-alive", Duration::from_secs(5), async || {
        appserver.received().iter().any(|(_, l, _)| l == "!KEEP!")
    })
    .await;

    // commands from the AppServer reach the Player named in them, garbage does not
    // disturb the link
    let client = callrec::http_client::builder().build().unwrap();
    let poll = |account: &'static str, password: &'static str| {
        let client = client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            let answer: serde_json::Value = client
                .get(format!("{url}/api/v1/commands?wait=10"))
                .basic_auth(account, Some(password))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["commands"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect::<Vec<String>>()
        })
    };
    let waiting = poll("Rossi", "rossi-password");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let garbage = format!(
        "garbage\n{}\n!PLAY!Rossi!../../etc/passwd\n!PLAY!Rossi!{track}\n",
        "x".repeat(5000)
    );
    std::fs::write(&send, garbage).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(waiting.await.unwrap(), [format!("!PLAY!{track}")]);
    eprintln!("AppServer command → Player: {:?}", started.elapsed());
    assert_eq!(
        pipeline.status.snapshot().lamps.appserver,
        callrec::recorder::status::Lamp::Green
    );

    // a URL command, with the control right only
    let waiting = poll("Rossi", "rossi-password");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = client
        .get(format!("{url}/api/v1/players/Rossi/stop"))
        .basic_auth("Rossi", Some("rossi-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let sent = client
        .post(format!("{url}/api/v1/players/Rossi/STOP"))
        .basic_auth("dispatch", Some("dispatch-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    assert!(sent.text().await.unwrap().contains("sent to Player Rossi"));
    assert_eq!(waiting.await.unwrap(), ["!STOP!"]);
    let bad = client
        .get(format!("{url}/api/v1/players/Rossi/play?track=..%2Fx.wav"))
        .basic_auth("dispatch", Some("dispatch-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("path"));
    let players: serde_json::Value = client
        .get(format!("{url}/api/v1/players"))
        .basic_auth("dispatch", Some("dispatch-password"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(players[0]["name"], "rossi");

    // the Player's own link: an AppServer command reaches its queue
    let link_url = url.clone();
    let link_track = track.clone();
    let send_file = send.clone();
    tokio::task::spawn_blocking(move || {
        use callrec::archive::control_command::ControlCommand;
        use callrec::player::remote::RemoteArchive;
        use callrec::player::remote_control::{LinkState, RemoteControl};
        let mut control = RemoteControl::new(Arc::new(|| {}));
        control.link(RemoteArchive::new(&link_url, "Rossi", "rossi-password", None).unwrap());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut sent = None;
        let mut got = Vec::new();
        while got.is_empty() && std::time::Instant::now() < deadline {
            got.extend(control.take());
            if control.link == LinkState::Up && sent.is_none() {
                std::thread::sleep(Duration::from_millis(200)); // it waits at the recorder
                let mut lines = std::fs::read_to_string(&send_file).unwrap();
                lines.push_str(&format!("!PLAY!rossi!{link_track}\n"));
                std::fs::write(&send_file, lines).unwrap();
                sent = Some(std::time::Instant::now());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(got, [ControlCommand::Play(Some(link_track))]);
        eprintln!(
            "AppServer → recorder → Player link: {:?}",
            sent.unwrap().elapsed()
        );
    })
    .await
    .unwrap();
    // a wrong password is said in words on the link's lamp
    tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            use callrec::player::remote::RemoteArchive;
            use callrec::player::remote_control::{LinkState, RemoteControl};
            let mut control = RemoteControl::new(Arc::new(|| {}));
            control.link(RemoteArchive::new(&url, "Rossi", "wrong-password", None).unwrap());
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !matches!(&control.link, LinkState::Down(w) if w.contains("refused")) {
                assert!(std::time::Instant::now() < deadline, "{:?}", control.link);
                control.take();
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    })
    .await
    .unwrap();

    // the AppServer going away turns the lamp yellow; back, green again
    appserver.kill();
    wait_until("the APP lamp yellow", Duration::from_secs(10), async || {
        pipeline.status.snapshot().lamps.appserver == callrec::recorder::status::Lamp::Yellow
    })
    .await;
    let _appserver = AppServer::start(port, &out, &store, false, None);
    wait_until(
        "the APP lamp green again",
        Duration::from_secs(10),
        async || {
            pipeline.status.snapshot().lamps.appserver == callrec::recorder::status::Lamp::Green
        },
    )
    .await;
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();
    pbx.stop();
}

/// Plays a burst, kills the AppServer and the recorder in the middle of it and starts
/// both again; then every message the recorder kept arrives, in order.
async fn burst_with_kills(ack: bool) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let setup = dir.path().join("setup");
    let out = dir.path().join("appserver.txt");
    let app_port = common::free_port();
    let port = common::free_port();
    let url = format!("http://127.0.0.1:{port}");
    let pbx = pbx().await;
    let args = [
        "cdrwait=2".to_string(),
        "agents=20,21,22,23,24".to_string(),
        format!("pbx={}", pbx.url()),
        "pbxuser=API".to_string(),
        format!("appserver=127.0.0.1:{app_port}"),
        format!("appserverack={}", if ack { "on" } else { "off" }),
        "appserverkeepalive=0".to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let appserver = AppServer::start(app_port, &out, &store, ack, None);
    let recorder = common::RecorderProcess::start(&store, &setup, port, &args);
    let client = callrec::http_client::builder().build().unwrap();
    let up = async || client.get(format!("{url}/status")).send().await.is_ok();
    wait_until("the recorder", Duration::from_secs(30), up).await;
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(30, 3.0, now - 600, 17);
    for call in &mut calls {
        call.fault = Fault::None;
    }
    let mut sim = Simulator::new(&url, None).unwrap().with_pbx(pbx.clone());
    sim.live = Duration::from_millis(100);
    let sim = Arc::new(sim);
    let burst = {
        let (sim, calls) = (sim.clone(), calls.clone());
        tokio::spawn(async move {
            for call in &calls {
                let _ = sim.play(call).await;
            }
        })
    };
    // each kill comes once the burst is under way, not after a fixed time: on a fast
    // machine the burst can be over in three seconds
    let poll = async |what: &str, done: &dyn Fn() -> bool| {
        wait_until(what, Duration::from_secs(60), async || done()).await;
    };
    poll("the first messages", &|| messages(&out).len() >= 3).await;
    let before_appserver_kill = messages(&out).len();
    appserver.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let _appserver = AppServer::start(app_port, &out, &store, ack, None);
    let stored_then = common::stored_records(&store).len();
    poll("two more records", &|| {
        common::stored_records(&store).len() >= stored_then + 2
    })
    .await;
    let before_recorder_kill = common::stored_records(&store).len();
    recorder.kill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _recorder = common::RecorderProcess::start(&store, &setup, port, &args);
    wait_until("the recorder again", Duration::from_secs(30), up).await;
    burst.await.unwrap();
    // what the recorder missed while it was down, the devices and the PBX send again
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    let outbox = store.join("REC").join("appserver");
    let kept = || -> Vec<(u64, String)> {
        std::fs::read_to_string(outbox.join("outbox.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| {
                let m: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    m["seq"].as_u64().unwrap(),
                    m["line"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let taken = || -> u64 {
        std::fs::read_to_string(outbox.join("taken"))
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
    };
    let agents_calls = calls
        .iter()
        .filter(|c| ["20", "21", "22", "23", "24"].contains(&c.internal.as_str()))
        .count();
    wait_until(
        "every record stored and its LAST taken",
        Duration::from_secs(120),
        async || {
            let kept = kept();
            let lasts = kept.iter().filter(|(_, l)| l.starts_with("!LAST!")).count();
            lasts == common::stored_records(&store).len()
                && lasts >= agents_calls
                && kept.last().is_some_and(|(seq, _)| *seq == taken())
        },
    )
    .await;
    let expected: Vec<String> = kept().into_iter().map(|(_, l)| l).collect();
    assert!(
        before_appserver_kill > 0 && before_appserver_kill < expected.len(),
        "the AppServer was killed mid-burst ({before_appserver_kill} messages before)"
    );
    assert!(
        before_recorder_kill < agents_calls,
        "the recorder was killed mid-burst ({before_recorder_kill} records before)"
    );
    let got = messages(&out);
    let mut first_seen = Vec::new();
    let mut repeats = 0;
    for line in &got {
        if first_seen.contains(line) {
            repeats += 1;
        } else {
            first_seen.push(line.clone());
        }
    }
    assert_eq!(first_seen, expected, "every message, in order");
    // a repeat can only be a message the AppServer read just before it was killed
    // (taken: the connection stayed up after it), or the one whose ACKN the killed
    // recorder had read but not yet recorded
    let allowed = if ack { 1 } else { 40 };
    assert!(repeats <= allowed, "{repeats} repeats");
    for track in common::stored_records(&store) {
        let track = track.file_name().unwrap().to_string_lossy().into_owned();
        let last = got.iter().position(|l| l.contains(&track));
        assert!(last.is_some(), "no LAST for {track}");
    }
    // each agent's FRST before its LAST
    for line in expected.iter().filter(|l| l.starts_with("!LAST!")) {
        let uid = line.split('!').nth(3).unwrap();
        let first = expected
            .iter()
            .position(|l| l.starts_with("!FRST!") && l.contains(uid));
        let last = expected.iter().position(|l| l == line);
        if let Some(first) = first {
            assert!(first < last.unwrap(), "FRST after LAST for {uid}");
        }
    }
    let frsts = expected.iter().filter(|l| l.starts_with("!FRST!")).count();
    eprintln!(
        "{} messages ({frsts} FRST) in order, {repeats} repeats (ack {ack})",
        expected.len()
    );
    pbx.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_appserver_and_the_recorder_mid_burst_loses_no_message() {
    if python_or_skip() {
        burst_with_kills(false).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_acknowledgements_every_message_arrives_once_across_kills() {
    if python_or_skip() {
        burst_with_kills(true).await;
    }
}
