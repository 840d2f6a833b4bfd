//! The recorder's window as a user drives it (egui_kittest, no GPU): the setup dialog's
//! checks, password and folder picker; the lamps turning red on a real fault and green
//! again; the error pane reading the error log back; the recorder pausing while the
//! setup is open.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callrec::archive::setup::Setup;
use callrec::recorder::health;
use callrec::recorder::pipeline::PipelineConfig;
use callrec::recorder::service::ServiceConfig;
use callrec::recorder::status::{AlarmState, Lamp, StatusBoard};
use callrec::simulator::{Simulator, scripted_calls};
use callrec::ui::close_guard::{CloseGuard, OnClose};
use callrec::ui::recorder_panel::RecorderPanel;
use callrec::ui::setup_dialog::{FolderPicker, SetupDialog};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

/// Answers every folder dialog with one path, as a user picking it would.
struct ScriptedPicker(PathBuf);

impl FolderPicker for ScriptedPicker {
    fn pick_folder(&self, _start: &Path) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

fn dialog_harness(setup: Setup, picked: PathBuf) -> Harness<'static, SetupDialog> {
    common::kittest()
        .with_size(egui::vec2(900.0, 700.0))
        .build_ui_state(
            |ui, dialog: &mut SetupDialog| dialog.show(ui),
            SetupDialog::new(setup, Box::new(ScriptedPicker(picked))),
        )
}

/// Opens `tab` and picks `value` from the choice list captioned `field`, as a user does.
fn choose(h: &mut Harness<'static, SetupDialog>, tab: &str, field: &str, value: &str) {
    h.get_by_label(tab).click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, field).click();
    h.run();
    h.get_by_label(value).click();
    h.run();
}

#[test]
fn the_setup_dialog_checks_each_value_and_saves_every_tab() {
    let dir = tempfile::tempdir().unwrap();
    let setup_dir = dir.path().join("setup");
    let mut setup = Setup::load(&setup_dir).unwrap();
    setup
        .set("store", dir.path().join("store").to_str().unwrap())
        .unwrap();
    setup.save(None, None).unwrap();
    let backup = dir.path().join("nas");
    let mut h = dialog_harness(Setup::load(&setup_dir).unwrap(), backup.clone());
    h.run();
    assert!(h.query_by_label("General").is_some(), "opens unlocked");

    // a bad address is named at once and keeps Save disabled
    h.get_by_label("PCAP source").click();
    h.run();
    let listen = h.get_by_role_and_label(Role::TextInput, "Listen on");
    listen.focus();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Listen on")
        .type_text("x");
    h.run();
    assert_eq!(h.state().values["listen"], "127.0.0.1:8090x");
    assert!(
        h.query_by_label_contains("must be ADDRESS:PORT").is_some(),
        "the field says what is wrong"
    );
    assert!(h.get_by_label("Save").accesskit_node().is_disabled());
    h.key_press(egui::Key::Backspace);
    h.run();
    assert!(h.query_by_label_contains("must be ADDRESS:PORT").is_none());
    assert!(!h.get_by_label("Save").accesskit_node().is_disabled());

    // the folder picker fills the backup folder
    h.get_by_label("Storage & backup").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Backup folder")
        .click();
    h.run();
    assert_eq!(h.state().values["backup"], backup.display().to_string());

    // a choice list offers only the allowed values
    choose(&mut h, "E-mail", "SMTP security", "tls");
    assert_eq!(h.state().values["smtpsecurity"], "tls");

    h.get_by_label("Save").click();
    h.run();
    assert!(
        h.query_by_label_contains("Saved in").is_some(),
        "{:?}",
        h.state().message
    );
    let saved = Setup::load(&setup_dir).unwrap();
    assert_eq!(saved.get("backup"), backup.display().to_string());
    assert_eq!(saved.get("smtpsecurity"), "tls");
    assert_eq!(saved.get("listen"), "127.0.0.1:8090");
}

#[test]
fn player_accounts_are_added_changed_and_removed_in_the_network_players_tab() {
    use callrec::archive::accounts::parse_accounts;
    let dir = tempfile::tempdir().unwrap();
    let setup_dir = dir.path().join("setup");
    let mut setup = Setup::load(&setup_dir).unwrap();
    setup
        .set("store", dir.path().join("store").to_str().unwrap())
        .unwrap();
    setup.save(None, None).unwrap();
    let mut h = dialog_harness(Setup::load(&setup_dir).unwrap(), dir.path().into());
    h.run();
    h.get_by_label("Network Players").click();
    h.run();
    let type_into = |h: &mut Harness<'static, SetupDialog>, field: &str, text: &str| {
        let role = if field == "Password" {
            Role::PasswordInput
        } else {
            Role::TextInput
        };
        h.get_by_role_and_label(role, field).focus();
        h.run();
        h.get_by_role_and_label(role, field).type_text(text);
        h.run();
    };
    // too short a password is refused in words
    type_into(&mut h, "Name", "Rossi");
    type_into(&mut h, "Password", "short");
    h.get_by_label("Add account").click();
    h.run();
    assert!(h.query_by_label_contains("at least 8 characters").is_some());
    type_into(&mut h, "Password", "-and-long-enough");
    type_into(&mut h, "Extensions", "21,22");
    h.get_by_label("control").click();
    h.run();
    h.get_by_label("Add account").click();
    h.run();
    assert!(h.query_by_label_contains("Account Rossi added").is_some());
    let accounts = parse_accounts(&h.state().values["players"]).unwrap();
    assert_eq!(accounts.len(), 1);
    assert!(accounts[0].password_matches("short-and-long-enough"));
    assert!(accounts[0].rights.control && !accounts[0].rights.delete);
    assert_eq!(accounts[0].extensions, ["21", "22"]);

    // a right changed in the table, then saved
    // the table's row comes before the add row
    h.get_all_by_label("delete").next().unwrap().click();
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let saved = parse_accounts(&Setup::load(&setup_dir).unwrap().get("players")).unwrap();
    assert!(saved[0].rights.delete && saved[0].rights.control);

    h.get_by_label("Remove").click();
    h.run();
    assert!(h.state().values["players"].is_empty());
}

#[test]
fn a_protected_setup_opens_locked_and_only_its_password_unlocks_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut first = Setup::load(&dir.path().join("pc1")).unwrap();
    first.set("store", store.to_str().unwrap()).unwrap();
    first.save(None, Some("s3cret")).unwrap();

    // another installation pointing at the same store needs the central password
    let mut other = Setup::load(&dir.path().join("pc2")).unwrap();
    other.set("store", store.to_str().unwrap()).unwrap();
    for setup in [Setup::load(&dir.path().join("pc1")).unwrap(), other] {
        let mut h = dialog_harness(setup, dir.path().to_path_buf());
        h.run();
        assert!(h.query_by_label("General").is_none(), "locked: no tabs");
        assert!(h.query_by_label("Save").is_none());
        h.state_mut().password = "guess".into();
        h.get_by_label("Unlock").click();
        h.run();
        assert!(h.query_by_label("Wrong password.").is_some());
        assert!(h.state().locked);
        h.state_mut().password = "s3cret".into();
        h.get_by_label("Unlock").click();
        h.run();
        assert!(!h.state().locked);
        choose(&mut h, "Storage & backup", "Audio format", "mp3");
        h.get_by_label("Save").click();
        h.run();
        assert!(
            h.query_by_label_contains("Saved in").is_some(),
            "{:?}",
            h.state().message
        );
        let dir_of = h.state().setup.dir.clone();
        assert_eq!(Setup::load(&dir_of).unwrap().get("format"), "mp3");
    }
}

fn service_config() -> ServiceConfig {
    ServiceConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        max_capture: 20_000_000,
        basic_auth: None,
        mail: None,
        alarm_arming: Duration::ZERO,
        pull: None,
        pbx: None,
        https: None,
        limits: Default::default(),
        appserver: None,
        pipeline: PipelineConfig {
            settle: Duration::from_millis(300),
            ..PipelineConfig::default()
        },
    }
}

fn panel_harness(board: Arc<StatusBoard>, log_dir: PathBuf) -> Harness<'static, RecorderPanel> {
    common::kittest()
        .with_size(egui::vec2(1100.0, 400.0))
        .build_ui_state(
            |ui, panel: &mut RecorderPanel| panel.show(ui),
            RecorderPanel::with_log_dir(board, log_dir),
        )
}

fn wait_for_label(h: &mut Harness<'static, RecorderPanel>, label: &str) {
    let start = Instant::now();
    while h.query_by_label(label).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "'{label}' never shown; status: {:?}",
            h.state().shown.lamps
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_disk_lamp_turns_red_when_the_store_fails_and_green_when_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let service = common::start_recorder(service_config(), common::test_archiver(&store)).await;
    let pipeline = service.pipeline.clone();
    let board = pipeline.status.clone();
    let mut h = panel_harness(board.clone(), dir.path().to_path_buf());
    wait_for_label(&mut h, "DISK green");
    wait_for_label(&mut h, "CDR grey");
    wait_for_label(&mut h, "BACKUP grey");
    wait_for_label(&mut h, "Normal operation");

    // the fault: the journal folder is replaced by a file
    let rec = store.join("REC");
    fs::rename(&rec, store.join("REC.moved")).unwrap();
    fs::write(&rec, b"not a folder").unwrap();
    let check = pipeline.clone();
    tokio::task::spawn_blocking(move || health::check(&check.archiver, &check.status, false))
        .await
        .unwrap();
    wait_for_label(&mut h, "DISK red");
    assert!(
        matches!(board.snapshot().alarm, AlarmState::Alarm(ref c) if c.starts_with("Store path fails"))
    );
    assert!(h.query_by_label("ALARM").is_some());

    // repaired: the lamp turns green by itself, the alarm stays until RESET
    fs::remove_file(&rec).unwrap();
    fs::rename(store.join("REC.moved"), &rec).unwrap();
    let check = pipeline.clone();
    tokio::task::spawn_blocking(move || health::check(&check.archiver, &check.status, false))
        .await
        .unwrap();
    wait_for_label(&mut h, "DISK green");
    assert!(h.query_by_label("ALARM").is_some(), "latched");
    h.get_by_label("RESET").click();
    h.run_steps(2);
    assert_eq!(board.snapshot().alarm, AlarmState::Ok);
    assert_eq!(board.snapshot().lamps.disk, Lamp::Green);
    service.stop().await;
}

#[test]
fn the_error_pane_reads_the_last_errors_back_from_the_error_log() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (1..=40)
        .map(|i| format!("2026-11-27T10:00:{i:02}Z ERROR Store path fails: attempt {i}\n"))
        .collect();
    fs::write(dir.path().join("iREC_err_log.txt"), lines).unwrap();
    let board = Arc::new(StatusBoard::with_arming("x".into(), false, Duration::ZERO));
    let mut h = panel_harness(board.clone(), dir.path().to_path_buf());
    // a call in recording is listed with its start, until its capture is complete
    board.recording_started("0123-00903301-7.pcap");
    h.run_steps(2);
    assert!(h.query_by_label_contains("in recording 1").is_some());
    assert!(
        h.query_by_label_contains("0123-00903301-7.pcap")
            .is_some_and(|n| format!("{n:?}").contains("recording since"))
    );
    board.recording_ended("0123-00903301-7.pcap");
    h.run_steps(2);
    assert!(h.query_by_label_contains("in recording 0").is_some());
    h.get_by_label(">").click();
    h.run_steps(2);
    h.get_by_label("From log").click();
    h.run_steps(2);
    assert_eq!(h.state().from_log.as_ref().map(Vec::len), Some(30));
    assert!(h.query_by_label_contains("attempt 40").is_some());
    assert!(h.query_by_label_contains("attempt 11").is_some());
    assert!(
        h.query_by_label_contains("attempt 10").is_none(),
        "only the last 30"
    );
    h.get_by_label("This run").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("attempt 40").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_setup_is_open_calls_are_kept_but_not_archived() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let mut config = service_config();
    config.pipeline.agents.numbers = ["20", "21", "22", "23", "24", "30", "31"]
        .map(String::from)
        .to_vec();
    let service = common::start_recorder(config, common::test_archiver(&store)).await;
    let url = service.url.clone();
    let board = service.pipeline.status.clone();
    board.set_paused(true);
    let sim = Simulator::new(&url, None).unwrap();
    let now = jiff::Timestamp::now().as_second();
    let call = scripted_calls(1, 2.0, now - 60, 7).remove(0);
    sim.play(&call).await.unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let status = sim.status().await.unwrap();
    assert_eq!(status["counters"]["archived"], 0, "{status}");
    assert_eq!(status["paused"], true);
    board.set_paused(false);
    let start = Instant::now();
    while sim.status().await.unwrap()["counters"]["archived"] != 1 {
        assert!(start.elapsed() < Duration::from_secs(15), "never archived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    service.stop().await;
}

#[test]
fn the_setup_window_and_the_recorder_window_open_under_xvfb() {
    let dir = tempfile::tempdir().unwrap();
    let setup = dir.path().join("setup");
    let bin = env!("CARGO_BIN_EXE_callrec");
    let made = std::process::Command::new(bin)
        .args([
            "setup",
            &format!("recpath={}", setup.display()),
            &format!("store={}", dir.path().join("store").display()),
            "listen=127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert!(made.status.success());
    let shot = dir.path().join("setup.png");
    let script = format!(
        "'{bin}' setup recpath='{setup}' show=window seconds=5 2>/dev/null & sleep 3; import -window root '{shot}'; wait",
        setup = setup.display(),
        shot = shot.display()
    );
    let Some(colours) = common::colours_under_xvfb(&script, &shot) else {
        return;
    };
    assert!(
        colours > 20,
        "the setup window looks blank ({colours} colours)"
    );

    let shot = dir.path().join("app.png");
    let script = format!(
        "'{bin}' recpath='{setup}' seconds=6 2>/dev/null & sleep 4; import -window root '{shot}'; wait",
        setup = setup.display(),
        shot = shot.display()
    );
    let colours = common::colours_under_xvfb(&script, &shot).unwrap_or(0);
    assert!(
        colours > 20,
        "the app window looks blank ({colours} colours)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pbx_lamp_follows_the_soap_link_and_live_calls_are_listed() {
    use callrec::recorder::pbx_link::PbxConfig;
    use callrec::simulator::soap_pbx::SoapPbx;
    let dir = tempfile::tempdir().unwrap();
    let credentials = Some(("api".to_string(), "s3cret".to_string()));
    let pbx = SoapPbx::start(
        "127.0.0.1:0".parse().unwrap(),
        SoapPbx::site_users(),
        credentials.clone(),
        Duration::from_millis(300),
    )
    .await
    .unwrap();
    let mut config = service_config();
    config.pbx = Some(PbxConfig {
        standby_url: None,
        url: pbx.url(),
        user: "API".into(),
        credentials,
    });
    let service =
        common::start_recorder(config, common::test_archiver(&dir.path().join("store"))).await;
    let board = service.pipeline.status.clone();
    let mut h = panel_harness(board.clone(), dir.path().to_path_buf());
    wait_for_label(&mut h, "PBX green");

    // a call of a monitored user is listed while it runs, with its parties
    let now = jiff::Timestamp::now().as_second();
    let call = scripted_calls(1, 2.0, now, 3).remove(0);
    pbx.call_started(&call);
    let start = Instant::now();
    loop {
        h.step();
        if h.query_by_label_contains(&format!("{} ", call.internal))
            .is_some_and(|n| format!("{n:?}").contains(&call.external))
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the call is not listed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(h.query_by_label_contains("in recording 1").is_some());
    pbx.call_ended(&call);
    wait_for_label_contains(&mut h, "in recording 0");

    // the PBX goes away: red lamp, the seed's message
    pbx.stop();
    drop(pbx);
    wait_for_label(&mut h, "PBX red");
    assert!(
        board
            .snapshot()
            .recent
            .iter()
            .any(|e| e.text.starts_with("PBX link failure")),
        "{:?}",
        board.snapshot().recent
    );
    service.stop().await;
}

fn wait_for_label_contains(h: &mut Harness<'static, RecorderPanel>, text: &str) {
    let start = Instant::now();
    while h.query_by_label_contains(text).is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "'{text}' never shown"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Asks the harness's window to close, as the window manager does.
fn request_close<S>(h: &mut Harness<'static, S>) {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
}

fn commands<S>(h: &Harness<'static, S>) -> Vec<egui::ViewportCommand> {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.commands.clone())
        .unwrap_or_default()
}

#[test]
fn closing_the_window_while_it_records_asks_and_stops_only_when_confirmed() {
    let mut h = common::kittest()
        .with_size(egui::vec2(900.0, 500.0))
        .build_ui_state(
            |ui, guard: &mut CloseGuard| guard.show(ui.ctx()),
            CloseGuard::new(OnClose::StopRecording),
        );
    h.run();
    request_close(&mut h);
    assert!(
        commands(&h).contains(&egui::ViewportCommand::CancelClose),
        "the close is held"
    );
    h.run();
    assert!(h.query_by_label("Stop recording?").is_some());
    assert!(
        h.query_by_label_contains("Closing it stops the recording")
            .is_some(),
        "the dialog says what stops"
    );

    // "Keep recording": the dialog goes, the window stays, nothing is confirmed
    h.get_by_label("Keep recording").click();
    h.run();
    assert!(h.query_by_label("Stop recording?").is_none());
    assert!(!h.state().confirmed());

    // asked again, and this time confirmed: the window is told to close, and the next
    // close request passes
    request_close(&mut h);
    h.run();
    h.get_by_label("Stop recording and close").click();
    h.step();
    assert!(h.state().confirmed());
    assert!(commands(&h).contains(&egui::ViewportCommand::Close));
    request_close(&mut h);
    assert!(!commands(&h).contains(&egui::ViewportCommand::CancelClose));
}

#[test]
fn with_keep_recording_the_window_closes_without_asking() {
    let mut h = common::kittest()
        .with_size(egui::vec2(900.0, 500.0))
        .build_ui_state(
            |ui, guard: &mut CloseGuard| guard.show(ui.ctx()),
            CloseGuard::new(OnClose::KeepRecording),
        );
    h.run();
    request_close(&mut h);
    assert!(!commands(&h).contains(&egui::ViewportCommand::CancelClose));
    h.run();
    assert!(h.query_by_label("Stop recording?").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pbx_link_follows_the_active_pbx_of_a_redundant_pair_and_returns_to_the_main() {
    use callrec::recorder::pbx_link::PbxConfig;
    use callrec::simulator::soap_pbx::SoapPbx;
    let dir = tempfile::tempdir().unwrap();
    let credentials = Some(("api".to_string(), "s3cret".to_string()));
    let start_pbx = |addr: std::net::SocketAddr| {
        let credentials = credentials.clone();
        async move {
            SoapPbx::start(
                addr,
                SoapPbx::site_users(),
                credentials,
                Duration::from_millis(300),
            )
            .await
            .unwrap()
        }
    };
    let main = start_pbx("127.0.0.1:0".parse().unwrap()).await;
    let main_addr: std::net::SocketAddr = main
        .url()
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let standby = start_pbx("127.0.0.1:0".parse().unwrap()).await;
    let mut config = service_config();
    config.pbx = Some(PbxConfig {
        standby_url: Some(standby.url()),
        url: main.url(),
        user: "API".into(),
        credentials: credentials.clone(),
    });
    let service =
        common::start_recorder(config, common::test_archiver(&dir.path().join("store"))).await;
    let board = service.pipeline.status.clone();
    let mut h = panel_harness(board.clone(), dir.path().to_path_buf());
    wait_for_label(&mut h, "PBX green");
    wait_for_label(&mut h, "ACT green");
    wait_for_label(&mut h, "STB grey");

    // the main PBX fails: the standby takes the link at once, ACT grey and STB
    // yellow, no alarm
    main.stop();
    drop(main);
    wait_for_label(&mut h, "STB yellow");
    wait_for_label(&mut h, "ACT grey");
    assert!(
        h.query_by_label("PBX green").is_some(),
        "the link is up, on the standby"
    );
    wait_for_label_contains(&mut h, "standby PBX in use");
    // a monitored call on the standby is listed as on the main
    let now = jiff::Timestamp::now().as_second();
    let call = scripted_calls(1, 2.0, now, 5).remove(0);
    standby.call_started(&call);
    wait_for_label_contains(&mut h, "in recording 1");
    standby.call_ended(&call);
    wait_for_label_contains(&mut h, "in recording 0");

    // the main PBX is back: the link returns to it within its probe time
    let main = start_pbx(main_addr).await;
    let start = Instant::now();
    while h.query_by_label("STB grey").is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(25),
            "the link did not go back to the main PBX"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(h.query_by_label("PBX green").is_some());
    wait_for_label(&mut h, "ACT green");
    assert!(
        board
            .snapshot()
            .recent
            .iter()
            .any(|e| e.text.starts_with("the main PBX answers again")),
        "{:?}",
        board.snapshot().recent
    );
    main.stop();
    standby.stop();
    service.stop().await;
}
