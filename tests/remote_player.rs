//! The Player window on another PC's archive (egui_kittest, null sink): a real
//! `callrec service` process over HTTPS with its own certificate (pinned by the Player),
//! the PBX simulator playing calls into it. The window lists what the account may see,
//! plays it with the verdict, shows a new call as it is archived, keeps its list and
//! says so while the recorder is killed, and is back when the recorder is.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use callrec::archive::identity::Identity;
use callrec::archive::keyring::KeyRing;
use callrec::archive::store::Store;
use callrec::player::engine::OutputKind;
use callrec::player::remote::RemoteArchive;
use callrec::player::remote_catalog::root_for;
use callrec::player::session::Session;
use callrec::simulator::{Fault, Simulator, scripted_calls};
use callrec::ui::player::PlayerView;
use common::wait_until;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn wait(
    h: &mut Harness<'static, PlayerView>,
    what: &str,
    mut done: impl FnMut(&PlayerView) -> bool,
) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h.state()) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn link_says(h: &Harness<'static, PlayerView>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

#[test]
fn the_remote_player_lists_plays_sees_new_calls_and_survives_the_recorder_going_away() {
    // the window is driven on this thread; the simulator's calls run on a runtime
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = common::test_certificate(dir.path()) else {
        return;
    };
    let (store, setup) = (dir.path().join("store"), dir.path().join("setup"));
    let recpath = format!("recpath={}", setup.display());
    let (code, _, err) = common::callrec(&[
        "setup",
        &recpath,
        &format!("store={}", store.display()),
        "show=text",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = common::callrec(&[
        "setup",
        &recpath,
        "account=desk22",
        "password=desk22-password",
        "extensions=22",
        "rights=notes",
    ]);
    assert_eq!(code, 0, "{err}");
    let port = common::free_port();
    let args = [
        format!("tlscert={}", cert.display()),
        format!("tlskey={}", key.display()),
        "httpauth=device:device-secret".to_string(),
        "cdrwait=1".to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let recorder = common::RecorderProcess::start(&store, &setup, port, &args);
    let base = format!("https://127.0.0.1:{port}");
    let sim = Simulator::new_trusting(
        &base,
        Some(("device".into(), "device-secret".into())),
        &fs::read(&cert).unwrap(),
    )
    .unwrap();
    rt.block_on(wait_until(
        "the recorder",
        Duration::from_secs(20),
        async || sim.status().await.is_ok(),
    ));
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(3, 4.0, now - 120, 9);
    for (call, agent) in calls.iter_mut().zip(["21", "22", "22"]) {
        call.internal = agent.into();
        call.fault = Fault::None;
    }
    for call in &calls[..2] {
        rt.block_on(sim.play(call)).unwrap();
    }
    rt.block_on(wait_until(
        "two records",
        Duration::from_secs(30),
        async || common::stored_records(&store).len() == 2,
    ));

    let pem = fs::read(&cert).unwrap();
    let server = RemoteArchive::new(&base, "desk22", "desk22-password", Some(&pem)).unwrap();
    let session = Session::new(
        Store::new(root_for(&base)),
        KeyRing::default(),
        Identity::generate(),
        "desk22".into(),
    );
    let view = PlayerView::new_remote(session, server, OutputKind::Null);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 700.0))
        .build_ui_state(|ui, view: &mut PlayerView| view.show(ui), view);
    // only the desk's own call is listed: the server leaves out agent 21's
    wait(&mut h, "the list", |v| v.catalog.len() == 1);
    assert!(link_says(&h, "LINK"));
    assert_eq!(h.state().catalog.entries[0].internal(), "22");
    // it plays over the network, with the server's verdict
    h.state_mut().play_entry(0);
    wait(&mut h, "playing", |v| {
        v.shown.playing && v.shown.position_s > 0.3
    });
    wait(&mut h, "the verdict", PlayerView::details_loaded);
    h.run_steps(2);
    assert!(
        h.query_by_label("original").is_some(),
        "the verdict is shown"
    );
    // the window offers what the server allows this account: notes, not delete
    let permissions = &h.state().session.permissions;
    assert!(permissions.notes && !permissions.delete && !permissions.copy);
    assert!(h.query_by_label("Delete").is_none());
    h.get_by_label("Save notes").click();
    wait(&mut h, "the notes", |v| v.message.is_some());
    assert_eq!(h.state().message.as_deref(), Some("notes saved"));
    let log = fs::read_to_string(Store::new(&store).audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("note") && l.contains("player:desk22")),
        "{log}"
    );
    // a mark for everyone goes to the server's store
    h.state_mut().set_mark(true, true);
    h.run_steps(2);
    let marks = callrec::player::marks::SharedMarks::load(&Store::new(&store));
    assert_eq!(marks.names.len(), 1, "{:?}", h.state().message);
    assert_eq!(h.state().shared_marks.names, marks.names);

    // the recorder's lamps and alarm as the server reports them; RESET is refused to
    // an account without the alarm right, in words
    {
        use callrec::ui::recorder_panel::RecorderPanel;
        use callrec::ui::remote_recorder::RemoteRecorder;
        let remote = RemoteRecorder::start(
            RemoteArchive::new(
                &base,
                "desk22",
                "desk22-password",
                Some(&fs::read(&cert).unwrap()),
            )
            .unwrap(),
        );
        let start = Instant::now();
        while !remote.seen() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no recorder status"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut panel = Harness::builder()
            .with_size(egui::vec2(1000.0, 300.0))
            .build_ui_state(
                |ui, panel: &mut RecorderPanel| panel.show(ui),
                RecorderPanel::remote(remote),
            );
        panel.run_steps(2);
        assert!(panel.query_by_label_contains("PCAP").is_some());
        assert!(
            panel.state().shown.counters.archived >= 2,
            "the recorder's counters"
        );
        panel.get_by_label("RESET").click();
        let start = Instant::now();
        while panel.state().remote_notice.is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no answer to RESET"
            );
            panel.step();
            std::thread::sleep(Duration::from_millis(20));
        }
        let notice = panel.state().remote_notice.clone().unwrap();
        assert!(notice.contains("may not reset"), "{notice}");
    }

    // a new call of the desk appears while the window is open
    rt.block_on(sim.play(&calls[2])).unwrap();
    wait(&mut h, "the new call", |v| v.catalog.len() == 2);

    // the recorder goes away: the list stays, the link says so in words
    recorder.kill();
    {
        let start = Instant::now();
        while !link_says(&h, "server not reachable") {
            assert!(
                start.elapsed() < Duration::from_secs(40),
                "no word of the lost link"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(h.state().catalog.len(), 2, "the list stays");
    }
    // and is back with it
    let _recorder = common::RecorderProcess::start(&store, &setup, port, &args);
    {
        let start = Instant::now();
        while link_says(&h, "server not reachable") {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the link did not come back"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(50));
        }
        wait(&mut h, "the list again", |v| v.catalog.len() == 2);
    }
}

#[test]
fn the_real_remote_window_opens_under_xvfb_with_its_link_lamp() {
    for tool in ["xvfb-run", "import", "convert"] {
        if !common::have(tool) {
            common::skip(&format!(
                "{tool} is not installed (apt install xvfb imagemagick)"
            ));
            return;
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = common::test_certificate(dir.path()) else {
        return;
    };
    let (store, setup) = (dir.path().join("store"), dir.path().join("setup"));
    let recpath = format!("recpath={}", setup.display());
    let store_arg = format!("store={}", store.display());
    for args in [
        vec!["setup", &recpath, &store_arg, "show=text"],
        vec![
            "setup",
            &recpath,
            "account=supervisor",
            "password=supervisor-password",
            "rights=notes,tan,alarm",
        ],
    ] {
        let (code, _, err) = common::callrec(&args);
        assert_eq!(code, 0, "{err}");
    }
    let port = common::free_port();
    let _recorder = common::RecorderProcess::start(
        &store,
        &setup,
        port,
        &[
            &format!("tlscert={}", cert.display()),
            &format!("tlskey={}", key.display()),
            "cdrwait=1",
        ],
    );
    let base = format!("https://127.0.0.1:{port}");
    let sim = Simulator::new_trusting(&base, None, &fs::read(&cert).unwrap()).unwrap();
    rt.block_on(wait_until(
        "the recorder",
        Duration::from_secs(20),
        async || sim.status().await.is_ok(),
    ));
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(4, 3.0, now - 300, 5);
    for (call, agent) in calls.iter_mut().zip(["21", "22", "23", "22"]) {
        call.internal = agent.into();
        call.fault = Fault::None;
    }
    for call in &calls {
        rt.block_on(sim.play(call)).unwrap();
    }
    rt.block_on(wait_until(
        "the records",
        Duration::from_secs(30),
        async || common::stored_records(&store).len() == 4,
    ));
    let shot = dir.path().join("remote.png");
    let desk = dir.path().join("desk");
    let script = format!(
        "'{bin}' player recpath='{desk}' server={base} account=supervisor \
         password=supervisor-password cert='{cert}' seconds=8 2>/dev/null & \
         sleep 6; import -window root '{shot}'; wait",
        bin = env!("CARGO_BIN_EXE_callrec"),
        desk = desk.display(),
        cert = cert.display(),
        shot = shot.display()
    );
    let run = std::process::Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1024x768x24", "bash", "-c", &script])
        .output()
        .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    if let Ok(keep) = std::env::var("CALLREC_SCREENSHOTS") {
        let _ = fs::copy(&shot, std::path::Path::new(&keep).join("remote-player.png"));
    }
    let colours = std::process::Command::new("convert")
        .arg(&shot)
        .args(["-format", "%k", "info:"])
        .output()
        .unwrap();
    let colours: u32 = String::from_utf8_lossy(&colours.stdout)
        .trim()
        .parse()
        .unwrap_or(0);
    assert!(colours > 20, "the window looks blank ({colours} colours)");
}

#[test]
fn a_self_signed_server_is_pinned_only_after_its_fingerprint_is_confirmed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = common::test_certificate(dir.path()) else {
        return;
    };
    let (store, setup) = (dir.path().join("store"), dir.path().join("setup"));
    let recpath = format!("recpath={}", setup.display());
    let store_arg = format!("store={}", store.display());
    for args in [
        vec!["setup", &recpath, &store_arg, "show=text"],
        vec!["setup", &recpath, "account=desk", "password=desk-password"],
    ] {
        let (code, _, err) = common::callrec(&args);
        assert_eq!(code, 0, "{err}");
    }
    let port = common::free_port();
    let _recorder = common::RecorderProcess::start(
        &store,
        &setup,
        port,
        &[
            &format!("tlscert={}", cert.display()),
            &format!("tlskey={}", key.display()),
        ],
    );
    let base = format!("https://127.0.0.1:{port}");
    let sim = Simulator::new_trusting(&base, None, &fs::read(&cert).unwrap()).unwrap();
    rt.block_on(wait_until(
        "the recorder",
        Duration::from_secs(20),
        async || sim.status().await.is_ok(),
    ));
    let right = callrec::recorder::http_client::pem_fingerprint(&fs::read(&cert).unwrap()).unwrap();
    let desk = format!("recpath={}", dir.path().join("desk").display());
    let player = |extra: &[&str]| {
        let mut args = vec![
            "player",
            &desk,
            "account=desk",
            "password=desk-password",
            "seconds=1",
        ];
        let server = format!("server={base}");
        args.push(&server);
        args.extend(extra);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_callrec"))
            .args(&args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // first contact: refused, with the fingerprint to compare
    let (code, err) = player(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no authority") && err.contains(&right),
        "{err}"
    );
    // a wrong fingerprint pins nothing
    let (code, err) = player(&["trust=00:11:22"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not pinned"), "{err}");
    // the right one is pinned and used from then on
    let trust = format!("trust={right}");
    let (_, err) = player(&[&trust]);
    assert!(err.contains("is pinned"), "{err}");
    let (_, err) = player(&[]);
    assert!(!err.contains("no authority"), "{err}");
}
