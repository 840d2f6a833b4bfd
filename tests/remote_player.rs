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
use callrec::player::model::PlayerModel;
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
    mut done: impl FnMut(&PlayerModel) -> bool,
) {
    common::step_until(h, what, Duration::from_secs(30), |v: &PlayerView| {
        done(&v.model)
    });
}

fn link_says(h: &Harness<'static, PlayerView>, text: &str) -> bool {
    h.query_by_label_contains(text).is_some()
}

/// A recorder process over HTTPS with its own certificate and one Player account
/// (`account` are the `setup` arguments that make it), answering; the simulator plays
/// devices and the PBX into it.
struct Site {
    dir: tempfile::TempDir,
    store: std::path::PathBuf,
    setup: std::path::PathBuf,
    cert: std::path::PathBuf,
    port: u16,
    base: String,
    /// The recorder's arguments, to start it again after a kill.
    args: Vec<String>,
    recorder: Option<common::RecorderProcess>,
    sim: Simulator,
}

impl Site {
    fn start(rt: &tokio::runtime::Runtime, account: &[&str]) -> Option<Site> {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = common::test_certificate(dir.path())?;
        let (store, setup) = (dir.path().join("store"), dir.path().join("setup"));
        let recpath = format!("recpath={}", setup.display());
        let store_arg = format!("store={}", store.display());
        let mut with_account = vec!["setup", recpath.as_str()];
        with_account.extend(account);
        for args in [
            vec!["setup", &recpath, &store_arg, "show=text"],
            with_account,
        ] {
            let (code, _, err) = common::callrec(&args);
            assert_eq!(code, 0, "{err}");
        }
        let port = common::free_port();
        let args = vec![
            format!("tlscert={}", cert.display()),
            format!("tlskey={}", key.display()),
            "cdrwait=1".to_string(),
        ];
        let base = format!("https://127.0.0.1:{port}");
        let sim = Simulator::new_trusting(&base, None, &fs::read(&cert).unwrap()).unwrap();
        let mut site = Site {
            dir,
            store,
            setup,
            cert,
            port,
            base,
            args,
            recorder: None,
            sim,
        };
        site.restart(rt);
        Some(site)
    }

    /// Starts the recorder (again) and waits until it answers.
    fn restart(&mut self, rt: &tokio::runtime::Runtime) {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.recorder = Some(common::RecorderProcess::start(
            &self.store,
            &self.setup,
            self.port,
            &args,
        ));
        rt.block_on(wait_until(
            "the recorder",
            Duration::from_secs(20),
            async || self.sim.status().await.is_ok(),
        ));
    }

    fn kill(&mut self) {
        if let Some(recorder) = self.recorder.take() {
            recorder.kill();
        }
    }

    /// Plays calls of these agents and waits until the store holds `total` records.
    fn calls(&self, rt: &tokio::runtime::Runtime, agents: &[&str], seed: u64, total: usize) {
        let now = jiff::Timestamp::now().as_second();
        let mut calls = scripted_calls(agents.len(), 3.0, now - 300, seed);
        for (call, agent) in calls.iter_mut().zip(agents) {
            call.internal = (*agent).into();
            call.fault = Fault::None;
        }
        for call in &calls {
            rt.block_on(self.sim.play(call)).unwrap();
        }
        rt.block_on(wait_until(
            "the records",
            Duration::from_secs(30),
            async || common::stored_records(&self.store).len() == total,
        ));
    }
}

#[test]
fn the_remote_player_lists_plays_sees_new_calls_and_survives_the_recorder_going_away() {
    // the window is driven on this thread; the simulator's calls run on a runtime
    let rt = tokio::runtime::Runtime::new().unwrap();
    let account = [
        "account=desk22",
        "password=desk22-password",
        "extensions=22",
        "rights=notes",
    ];
    let Some(mut site) = Site::start(&rt, &account) else {
        return;
    };
    site.calls(&rt, &["21", "22"], 9, 2);
    let (base, store, cert) = (site.base.clone(), site.store.clone(), site.cert.clone());

    let pem = fs::read(&cert).unwrap();
    let server = RemoteArchive::new(&base, "desk22", "desk22-password", Some(&pem)).unwrap();
    let session = Session::new(
        Store::new(root_for(&base)),
        KeyRing::default(),
        Identity::generate(),
        "desk22".into(),
    );
    let view = PlayerView::new_remote(session, server, OutputKind::Null);
    let mut h = common::kittest()
        .with_size(egui::vec2(1000.0, 700.0))
        .build_ui_state(|ui, view: &mut PlayerView| view.show(ui), view);
    // only the desk's own call is listed: the server leaves out agent 21's
    wait(&mut h, "the list", |v| v.catalog.len() == 1);
    assert!(link_says(&h, "LINK"));
    assert_eq!(h.state().model.catalog.entries[0].internal(), "22");
    // it plays over the network, with the server's verdict
    h.state_mut().model.play_entry(0);
    wait(&mut h, "playing", |v| {
        v.shown.playing && v.shown.position_s > 0.3
    });
    wait(&mut h, "the verdict", PlayerModel::details_loaded);
    h.run_steps(2);
    assert!(
        h.query_by_label("original").is_some(),
        "the verdict is shown"
    );
    // the window offers what the server allows this account: notes, not delete
    let permissions = &h.state().model.session.permissions;
    assert!(permissions.notes && !permissions.delete && !permissions.copy);
    assert!(h.query_by_label("Delete").is_none());
    h.get_by_label("Save notes").click();
    wait(&mut h, "the notes", |v| v.message.is_some());
    assert_eq!(h.state().model.message.as_deref(), Some("notes saved"));
    let log = fs::read_to_string(Store::new(&store).audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("note") && l.contains("player:desk22")),
        "{log}"
    );
    // a mark for everyone goes to the server's store
    h.state_mut().model.set_mark(true, true);
    h.run_steps(2);
    let marks = callrec::player::marks::SharedMarks::load(&Store::new(&store));
    assert_eq!(marks.names.len(), 1, "{:?}", h.state().model.message);
    assert_eq!(h.state().model.shared_marks.names, marks.names);

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
        let mut panel = common::kittest()
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
    site.calls(&rt, &["22"], 10, 3);
    wait(&mut h, "the new call", |v| v.catalog.len() == 2);

    // the recorder goes away: the list stays, the link says so in words
    site.kill();
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
        assert_eq!(h.state().model.catalog.len(), 2, "the list stays");
    }
    // and is back with it
    site.restart(&rt);
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
    let rt = tokio::runtime::Runtime::new().unwrap();
    let account = [
        "account=supervisor",
        "password=supervisor-password",
        "rights=notes,tan,alarm",
    ];
    let Some(site) = Site::start(&rt, &account) else {
        return;
    };
    site.calls(&rt, &["21", "22", "23", "22"], 5, 4);
    let (dir, base, cert) = (site.dir.path(), &site.base, &site.cert);
    let shot = dir.join("remote.png");
    let desk = dir.join("desk");
    let script = format!(
        "'{bin}' player recpath='{desk}' server={base} account=supervisor \
         password=supervisor-password cert='{cert}' seconds=8 2>/dev/null & \
         sleep 6; import -window root '{shot}'; wait",
        bin = env!("CARGO_BIN_EXE_callrec"),
        desk = desk.display(),
        cert = cert.display(),
        shot = shot.display()
    );
    let Some(colours) = common::colours_under_xvfb(&script, &shot) else {
        return;
    };
    if let Ok(keep) = std::env::var("CALLREC_SCREENSHOTS") {
        let _ = fs::copy(&shot, std::path::Path::new(&keep).join("remote-player.png"));
    }
    assert!(colours > 20, "the window looks blank ({colours} colours)");
}

#[test]
fn a_self_signed_server_is_pinned_only_after_its_fingerprint_is_confirmed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(site) = Site::start(&rt, &["account=desk", "password=desk-password"]) else {
        return;
    };
    let (dir, base, cert) = (site.dir.path(), &site.base, &site.cert);
    let right = callrec::http_client::pem_fingerprint(&fs::read(cert).unwrap()).unwrap();
    let desk = format!("recpath={}", dir.join("desk").display());
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
