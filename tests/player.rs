//! The Player view driven as a user would (egui_kittest, no GPU), on a real archive
//! made by `callrec import`, with the engine on the clock-paced null sink.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use callrec::archive::identity::Identity;
use callrec::archive::keyring::KeyRing;
use callrec::archive::store::Store;
use callrec::media::synth::{CallScript, PartyScript, SynthCodec};
use callrec::player::engine::OutputKind;
use callrec::player::model::PlayerModel;
use callrec::player::session::Session;
use callrec::ui::player::PlayerView;
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};

/// An archive of three calls: agent 21 with 0301111, agent 22 with 0302222 (outgoing),
/// agent 21 with 0403333; each a 3 s tone (440 Hz internal, 660 Hz external).
fn archive(dir: &Path) -> Store {
    let store = dir.join("store");
    let calls = [
        (0x301_u128, "21", "0301111", "to", 1_790_000_000),
        (0x302, "22", "0302222", "from", 1_790_000_600),
        (0x303, "21", "0403333", "to", 1_790_001_200),
    ];
    let mut cdrs = String::new();
    for (conf, agent, external, dir_attr, utc) in calls {
        let script = CallScript {
            duration: 3.0,
            seed: conf as u64,
            local: PartyScript::tone(SynthCodec::Pcma, 440.0),
            remote: PartyScript::tone(SynthCodec::Pcma, 660.0),
            ..CallScript::default()
        };
        let capture = dir.join(CallScript::innovaphone_name(conf, 0x0090_3301_0203, 1));
        std::fs::write(&capture, script.generate()).unwrap();
        cdrs.push_str(&format!(
            "<cdr e164=\"{agent}\" cn=\"Agent {agent}\" dir=\"{dir_attr}\" utc=\"{utc}\" device=\"p\"><user/>\
             <event msg=\"setup-x\" time=\"0\" type=\"ext\" e164=\"{external}\" conf=\"{conf:032x}\"/>\
             <event msg=\"conn-x\" time=\"2\" type=\"ext\" e164=\"{external}\"/><event msg=\"rel-x\" time=\"5\"/></cdr>\n"
        ));
    }
    let cdr_file = dir.join("cdrs.xml");
    std::fs::write(&cdr_file, cdrs).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_callrec"))
        .args([
            "import",
            &format!("in={}", dir.display()),
            &format!("store={}", store.display()),
            &format!("recpath={}", dir.join("setup").display()),
            &format!("cdr={}", cdr_file.display()),
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    Store::new(store)
}

/// A supervisor's session on `store`: every permission.
fn supervisor(store: &Store) -> Session {
    Session::new(
        store.clone(),
        KeyRing::default(),
        Identity::generate(),
        "supervisor".into(),
    )
}

/// The Player of `session` on the null sink, in a window of 1000 × 700.
fn harness_for(session: Session) -> Harness<'static, PlayerView> {
    let view = PlayerView::new(session, OutputKind::Null);
    common::kittest()
        .with_size(egui::vec2(1000.0, 700.0))
        .build_ui_state(
            |ui, view: &mut PlayerView| {
                // as the window's shell does: F1 opens help for what the view reported
                callrec::ui::help::show_window(ui.ctx());
                view.show(ui)
            },
            view,
        )
}

fn harness(store: &Store) -> Harness<'static, PlayerView> {
    harness_for(supervisor(store))
}

/// A supervisor's Player on a fresh archive of the three calls, drawn once.
fn player_on_archive() -> (tempfile::TempDir, Store, Harness<'static, PlayerView>) {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let mut h = harness(&store);
    h.run_steps(2);
    (dir, store, h)
}

fn wait(
    h: &mut Harness<'static, PlayerView>,
    what: &str,
    mut done: impl FnMut(&PlayerModel) -> bool,
) {
    common::step_until(h, what, Duration::from_secs(10), |v: &PlayerView| {
        done(&v.model)
    });
}

/// Waits until the selected record's details (verdict line) are shown: they sit above
/// the list, so a click on a row must wait for them to know where the row is.
fn settle_details(h: &mut Harness<'static, PlayerView>) {
    wait(h, "the record's details", |v| {
        v.selected.is_some() && !v.shown.loading
    });
    wait_for_label(h, "original");
    h.run_steps(3);
}

/// Steps the UI until `shown` finds what it looks for in the window (10 s at most).
fn wait_to_see(
    h: &mut Harness<'static, PlayerView>,
    what: &str,
    mut shown: impl FnMut(&Harness<'static, PlayerView>) -> bool,
) {
    let start = Instant::now();
    while !shown(h) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{what} not shown"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Steps the UI until a widget labelled `label` is shown (10 s at most).
fn wait_for_label(h: &mut Harness<'static, PlayerView>, label: &str) {
    wait_to_see(h, label, |h| h.query_by_label(label).is_some());
}

#[test]
fn a_partial_number_finds_the_call_and_play_runs_with_both_meters() {
    let (_dir, store, mut h) = player_on_archive();
    assert_eq!(h.state().model.rows.len(), 3);
    assert!(h.query_by_label("3 records, 3 shown").is_some());

    // type a partial external number with a wildcard
    h.state_mut().model.filter.external = "030*".into();
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 2);
    h.state_mut().model.filter.external = "0302".into();
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 1);
    assert!(h.query_by_label("0302222").is_some());

    // Play starts the only row; the position advances in real time, both channels move
    h.get_by_label("Play").click();
    wait(&mut h, "playback", |v| {
        v.shown.playing && v.shown.position_s > 0.3
    });
    let mut peaks = [0f32; 2];
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(400) {
        h.step();
        for (held, now) in peaks.iter_mut().zip(h.state().model.shown.peaks) {
            *held = held.max(now);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(peaks[0] > 0.05 && peaks[1] > 0.05, "meters {peaks:?}");
    assert!(h.query_by_label("Pause").is_some());
    h.get_by_label("Pause").click();
    h.run_steps(2);
    assert!(!h.state().model.shown.playing);

    // the details say the record is original; playing it was logged
    wait_for_label(&mut h, "original");
    let log = std::fs::read_to_string(store.audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("\tplayed\t") && l.contains("supervisor")),
        "{log}"
    );
    // a TAN attached in the Player renames the record and is logged
    // typed into the details' TAN field (the filter row has one too, above it)
    let tan_field = h
        .query_all(
            By::new()
                .label("TAN")
                .role(egui::accesskit::Role::TextInput),
        )
        .last()
        .expect("the details' TAN field");
    tan_field.click();
    h.run_steps(1);
    h.get_all(
        By::new()
            .label("TAN")
            .role(egui::accesskit::Role::TextInput),
    )
    .last()
    .unwrap()
    .type_text("004711");
    h.run_steps(1);
    h.get_by_label("Set TAN").click();
    wait(&mut h, "the TAN", |v| {
        v.selected
            .is_some_and(|i| v.catalog.entries[i].tan() == Some("004711"))
    });
    assert!(
        std::fs::read_to_string(store.audit_log())
            .unwrap()
            .contains("\ttan\t")
    );

    // Next and Prev walk through the list as shown; "continue" plays on at the end
    h.state_mut().model.filter.external.clear();
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    let first = h.state().model.rows[0];
    h.state_mut().model.play_entry(first);
    h.get_by_label("Next").click();
    h.run_steps(2);
    assert_eq!(h.state().model.selected, Some(h.state().model.rows[1]));
    h.get_by_label("Prev").click();
    h.run_steps(2);
    assert_eq!(h.state().model.selected, Some(first));
    h.state_mut().model.continuous = true;
    wait(&mut h, "the next record after the 3-second one ends", |v| {
        v.selected == Some(v.rows[1]) && v.shown.playing
    });
    h.state_mut().model.continuous = false;

    // clicking another row of the list plays that record
    h.state_mut().model.filter.external.clear();
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    h.get_by_label("0403333").click();
    wait(&mut h, "the clicked record", |v| {
        v.selected
            .is_some_and(|i| v.catalog.entries[i].external() == "0403333")
            && v.shown.playing
    });
}

#[test]
fn sos_puts_the_newest_call_on_top_with_one_large_play_and_sees_new_calls() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let mut h = harness(&store);
    h.state_mut().model.filter.internal = "22".into();
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 1);

    h.get_by_label("SOS").click();
    h.run_steps(2);
    assert!(h.state().model.sos);
    assert_eq!(
        h.state().model.rows.len(),
        3,
        "SOS switches the filters off"
    );
    let top = h.state().model.rows[0];
    assert_eq!(
        h.state().model.catalog.entries[top].external(),
        "0403333",
        "newest on top"
    );
    for hidden in [
        "Month", "Eject", "Reload", "loop", "All", "Set A", "volume", "Date",
    ] {
        assert!(
            h.query_by_label(hidden).is_none(),
            "{hidden} is hidden in SOS mode"
        );
    }
    for kept in ["Stop", "-5 s", "+5 s", "SOS off"] {
        assert!(h.query_by_label(kept).is_some(), "{kept} stays in SOS mode");
    }
    h.get_by_label("Play last call").click();
    wait(&mut h, "the newest call to play", |v| v.shown.playing);
    assert_eq!(h.state().model.selected, Some(top));

    // a new call arrives while SOS is on: it is on top within a second
    let newest = dir.path().join("later");
    std::fs::create_dir_all(&newest).unwrap();
    let existing = &h.state().model.catalog.entries[top].audio();
    let month = existing.parent().unwrap();
    let name = "2026_12_31_2359_23_i_0509999_1_00000000000000000000000000000999.wav";
    std::fs::copy(existing, month.join(name)).unwrap();
    wait(&mut h, "the new call on top", |v| {
        v.rows
            .first()
            .is_some_and(|&i| v.catalog.entries[i].external() == "0509999")
    });

    // one key leaves SOS mode (and enters it again)
    h.key_press(egui::Key::F12);
    h.run_steps(2);
    assert!(!h.state().model.sos, "F12 leaves SOS mode");
    assert_eq!(
        h.state().model.filter.internal,
        "22",
        "the previous filter returns"
    );
    assert!(h.query_by_label("Month").is_some(), "the filters are back");
    h.key_press(egui::Key::F12);
    h.run_steps(2);
    assert!(h.state().model.sos, "F12 enters SOS mode");
    h.get_by_label("SOS off").click();
    h.run_steps(2);
    assert!(!h.state().model.sos);
}

#[test]
fn the_real_window_opens_under_xvfb_and_shows_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let shot = dir.path().join("player.png");
    let script = format!(
        "'{bin}' player store='{store}' recpath='{setup}' seconds=6 2>/dev/null & sleep 4; import -window root '{shot}'; wait",
        bin = env!("CARGO_BIN_EXE_callrec"),
        store = store.root.display(),
        setup = dir.path().join("setup").display(),
        shot = shot.display()
    );
    let Some(colours) = common::colours_under_xvfb(&script, &shot) else {
        return;
    };
    assert!(colours > 20, "the window looks blank ({colours} colours)");
}

#[test]
fn the_recorder_panel_shows_the_alarm_until_reset_and_off_silences_it() {
    use callrec::recorder::status::{AlarmState, StatusBoard};
    use callrec::ui::recorder_panel::RecorderPanel;
    let board = std::sync::Arc::new(StatusBoard::with_arming(
        "127.0.0.1:8090".into(),
        false,
        Duration::ZERO,
    ));
    let mut h = common::kittest()
        .with_size(egui::vec2(1000.0, 300.0))
        .build_ui_state(
            |ui, panel: &mut RecorderPanel| panel.show(ui),
            RecorderPanel::new(board.clone()),
        );
    h.run_steps(2);
    assert!(h.query_by_label("Normal operation").is_some());
    assert!(h.query_by_label("no alarm").is_some());
    board.update(|s| s.lamps.disk = callrec::recorder::status::Lamp::Red);
    board.event("error", "cannot write to the store");
    h.run_steps(2);
    assert!(h.query_by_label("ALARM").is_some());
    assert!(
        h.query_by_label("ALARM: cannot write to the store")
            .is_some()
    );
    // the extended view lists the error
    h.get_by_label(">").click();
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("cannot write to the store")
            .count()
            >= 3,
        "status line, status pane, error pane"
    );
    h.get_by_label("RESET").click();
    h.run_steps(2);
    assert_eq!(board.snapshot().alarm, AlarmState::Ok);
    assert!(
        h.query_by_label("DISK fails").is_some(),
        "a red lamp still shows in the status line"
    );
    h.get_by_label("OFF").click();
    h.run_steps(2);
    board.event("error", "another");
    h.run_steps(2);
    assert_eq!(board.snapshot().alarm, AlarmState::Off);
    assert!(h.query_by_label("ON").is_some());
    assert!(
        h.query_by_label("DISK fails (alarm switched OFF)")
            .is_some(),
        "with the alarm OFF the line still names the red lamp"
    );
}

#[test]
fn an_agents_player_shows_only_its_calls_and_changes_nothing() {
    use callrec::player::permissions::Permissions;
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let mut session = Session::new(
        store.clone(),
        KeyRing::default(),
        Identity::generate(),
        "agent 21".into(),
    )
    .with_permissions(Permissions {
        copy: false,
        delete: false,
        tan: false,
        notes: false,
        extensions: vec!["21".into()],
    });
    session.start_in_sos = true;
    let mut h = harness_for(session);
    h.run_steps(2);
    assert!(
        h.state().model.sos,
        "an emergency desk's Player starts in SOS mode"
    );
    assert_eq!(
        h.state().model.rows.len(),
        2,
        "agent 21's two calls, even in SOS"
    );
    assert!(
        h.query_by_label("0302222").is_none(),
        "agent 22's call is not shown"
    );
    h.get_by_label("SOS off").click();
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 2);
    h.get_by_label("0403333").click();
    wait(&mut h, "the details", |v| v.selected.is_some());
    h.run_steps(3);
    for hidden in ["Copy", "Delete", "Set TAN", "Save notes"] {
        assert!(
            h.query_by_label(hidden).is_none(),
            "{hidden} is not offered"
        );
    }
}

#[test]
fn sos_plays_the_newest_call_the_desk_may_see_not_another_desks() {
    use callrec::player::permissions::Permissions;
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    // agent 22's call is older than agent 21's newest
    let mut session = Session::new(
        store.clone(),
        KeyRing::default(),
        Identity::generate(),
        "agent 22".into(),
    )
    .with_permissions(Permissions {
        copy: false,
        delete: false,
        tan: false,
        notes: false,
        extensions: vec!["22".into()],
    });
    session.start_in_sos = true;
    let mut h = harness_for(session);
    h.run_steps(2);
    assert!(
        h.query_by_label_contains("0403333").is_none(),
        "not even named"
    );
    h.get_by_label("Play last call").click();
    wait(&mut h, "playing", |v| v.selected.is_some());
    let view = h.state();
    let playing = &view.model.catalog.entries[view.model.selected.unwrap()];
    assert_eq!(playing.external(), "0302222", "the desk's own newest call");
}

#[test]
fn chosen_records_play_as_a_playlist_with_a_beep_between() {
    let (_dir, store, mut h) = player_on_archive();
    let index_of = |h: &Harness<'static, PlayerView>, external: &str| {
        h.state()
            .model
            .catalog
            .entries
            .iter()
            .position(|e| e.external() == external)
            .unwrap()
    };
    // one plain click, then Ctrl-click a second record: two chosen. The details of the
    // first record appear above the list and move it down: the second click waits for
    // them, so that it lands where the row is now.
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    h.get_by_label("0403333")
        .click_modifiers(egui::Modifiers::COMMAND);
    h.run_steps(2);
    assert_eq!(h.state().model.chosen.len(), 2);
    h.get_by_label("Play list (2)").click();
    h.run_steps(2);
    let first = index_of(&h, "0301111");
    let second = index_of(&h, "0403333");
    assert_eq!(
        h.state().model.selected,
        Some(first),
        "the list plays in the order shown"
    );
    assert_eq!(h.state().model.playlist.len(), 2);
    // the first record (3 s) ends, a beep sounds, the second one plays
    wait(&mut h, "the second record of the playlist", |v| {
        v.selected == Some(second) && v.shown.playing
    });
    assert_eq!(h.state().model.beeps, 1);
    assert!(
        h.query_by_label("record 2 of 2").is_some(),
        "position in the playlist"
    );
    // Prev goes back within the playlist, not to the record above in the list
    h.get_by_label("Prev").click();
    h.run_steps(2);
    assert_eq!(h.state().model.selected, Some(first));
    // "Keep only this": the playlist keeps the current record alone
    h.get_by_label("Keep only this").click();
    h.run_steps(2);
    assert_eq!(h.state().model.playlist.len(), 1);
    // Shift-click chooses a range
    settle_details(&mut h);
    h.get_by_label("0302222")
        .click_modifiers(egui::Modifiers::SHIFT);
    h.run_steps(2);
    assert_eq!(
        h.state().model.chosen.len(),
        2,
        "from the last click to this one"
    );
    let played = std::fs::read_to_string(store.audit_log())
        .unwrap()
        .lines()
        .filter(|l| l.contains("\tplayed\t"))
        .count();
    assert!(played >= 3, "each start is in the activity log ({played})");
}

#[test]
fn memory_positions_and_audio_settings_are_kept_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let state = dir.path().join("player-setup");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(
        state.join("player-state.json"),
        r#"{"volume":0.3,"muted":false,"gains":[1.0,0.6],"memories":{}}"#,
    )
    .unwrap();
    let view_with_state = || {
        let mut session = supervisor(&store);
        session.state_dir = Some(state.clone());
        harness_for(session)
    };
    let mut h = view_with_state();
    h.run_steps(2);
    assert_eq!(
        h.state().model.prefs.volume,
        0.3,
        "the volume of the last run"
    );
    assert_eq!(h.state().model.prefs.gains, [1.0, 0.6]);

    h.get_by_label("0301111").click();
    wait(&mut h, "a second of playing", |v| v.shown.position_s >= 1.0);
    // the waveform of the record is drawn; a click in its middle goes to the middle
    assert!(!h.state().model.engine.waveform().is_empty());
    h.get_by_label("waveform").click();
    h.run_steps(2);
    let middle = h.state().model.shown.position_s;
    assert!(
        (1.3..1.8).contains(&middle),
        "a click in the middle of 3 s: {middle} s"
    );
    wait(&mut h, "a second of playing", |v| v.shown.position_s >= 1.0);
    // both parties speak equally loud in this record: the delta meter stays near 0
    assert!(
        h.state().delta_db.abs() < 3.0,
        "delta {}",
        h.state().delta_db
    );
    assert!(h.query_by_label_contains("delta L-R").is_some());
    h.get_by_label("M1").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("M1 0:01").is_some());
    wait(&mut h, "two seconds", |v| v.shown.position_s >= 2.0);
    h.get_by_label("M2").click();
    h.run_steps(2);
    // "Memories" jumps back to the first memory position
    h.get_by_label("Memories").click();
    h.run_steps(2);
    let at = h.state().model.shown.position_s;
    assert!((1.0..1.6).contains(&at), "playing from M1 ({at} s)");
    // right-click forgets one
    h.get_by_label_contains("M2 0:02").click_secondary();
    h.run_steps(2);
    assert!(h.query_by_label_contains("M2 0:02").is_none());
    h.get_by_label("M2").click();
    h.run_steps(2);
    drop(h);

    // the next run finds the memories of that record again
    let mut h = view_with_state();
    h.run_steps(2);
    h.get_by_label("0301111").click();
    wait(&mut h, "the record loaded", |v| v.shown.loaded.is_some());
    h.run_steps(2);
    assert!(h.query_by_label_contains("M1 0:01").is_some());
    assert!(h.query_by_label_contains("M2 0:0").is_some());
}

#[test]
fn the_delta_meter_points_at_the_louder_side() {
    use callrec::ui::player::delta_db;
    assert!((delta_db(0.5, 0.25) - 6.02).abs() < 0.05);
    assert!((delta_db(0.25, 0.5) + 6.02).abs() < 0.05);
    assert_eq!(delta_db(0.0, 0.0), 0.0, "silence on both sides");
    assert_eq!(
        delta_db(0.0, 0.5),
        -40.0,
        "one side silent: the end of the scale"
    );
}

#[test]
fn marked_and_last_played_records_can_be_listed_and_marks_for_all_are_shared() {
    use callrec::player::model::ShowOnly;
    let (_dir, store, mut h) = player_on_archive();
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    h.get_by_label("0403333").click();
    settle_details(&mut h);
    h.state_mut().model.show_only = ShowOnly::LastPlayed;
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    let externals = |h: &Harness<'static, PlayerView>| -> Vec<String> {
        let v = &h.state().model;
        v.rows
            .iter()
            .map(|&i| v.catalog.entries[i].external().to_string())
            .collect()
    };
    assert_eq!(
        externals(&h),
        ["0403333", "0301111"],
        "newest played on top"
    );
    // a mark for everyone, from the details of the playing record
    h.get_by_label("marked for all").click();
    h.run_steps(2);
    let file = std::fs::read_to_string(store.tmp().join("iREC_marks.txt")).unwrap();
    assert!(file.contains("0403333"), "{file}");
    h.state_mut().model.show_only = ShowOnly::Marked;
    h.state_mut().model.apply_filter();
    h.run_steps(2);
    assert_eq!(externals(&h), ["0403333"]);
    // another Player on the same store shows the mark
    let mut other = harness(&store);
    other.run_steps(2);
    assert!(
        other.query_by_label("all").is_some(),
        "the Mark column says 'all'"
    );
}

#[test]
fn online_search_off_holds_the_list_until_search_and_move_takes_a_record_out() {
    use egui::accesskit::Role;
    let (dir, store, mut h) = player_on_archive();
    assert_eq!(h.state().model.rows.len(), 3);
    let type_external = |h: &mut Harness<'static, PlayerView>, text: &str| {
        h.get_by_role_and_label(Role::TextInput, "External").focus();
        h.run_steps(2);
        h.get_by_role_and_label(Role::TextInput, "External")
            .type_text(text);
        h.run_steps(2);
    };

    // live (the default): typing filters at once
    type_external(&mut h, "030");
    assert_eq!(h.state().model.rows.len(), 2, "filtered as typed");

    // live off: typing changes nothing until Search (or Enter)
    h.get_by_label("live").click();
    h.run_steps(2);
    assert!(!h.state().model.prefs.live);
    type_external(&mut h, "2");
    assert_eq!(
        h.state().model.rows.len(),
        2,
        "the list waits for the search"
    );
    assert!(h.state().model.search_pending);
    // a new call arriving now is not shown either
    let existing = h.state().model.catalog.entries[0].audio();
    let month = existing.parent().unwrap().to_path_buf();
    std::fs::copy(
        &existing,
        month.join("2026_12_31_2359_23_i_0302999_1_00000000000000000000000000000998.wav"),
    )
    .unwrap();
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        h.state().model.catalog.len(),
        3,
        "not looked for while live is off"
    );
    h.get_by_label("Search").click();
    h.run_steps(2);
    assert_eq!(h.state().model.catalog.len(), 4);
    let shown: Vec<String> = h
        .state()
        .model
        .rows
        .iter()
        .map(|&i| h.state().model.catalog.entries[i].external().to_string())
        .collect();
    assert_eq!(shown, ["0302222", "0302999"], "searched, with the new call");
    h.get_by_label("live").click();
    h.run_steps(2);

    // keyboard: ↓ plays the next row of the list, Esc stops
    h.get_by_label("0302222").click();
    settle_details(&mut h);
    h.key_press(egui::Key::ArrowDown);
    h.run_steps(2);
    let selected = h.state().model.selected.unwrap();
    assert_eq!(
        h.state().model.catalog.entries[selected].external(),
        "0302999"
    );
    wait(&mut h, "playing", |v| v.shown.playing);
    h.key_press(egui::Key::Escape);
    wait(&mut h, "stopped", |v| !v.shown.playing);
    // the copied call has no sidecar: its details say "unsigned"; once they are shown
    // the rows stay where they are for the next click
    wait_for_label(&mut h, "unsigned");
    h.run_steps(3);

    // Move takes the record's files out of the archive, with a line in the activity log
    let target = dir.path().join("moved out");
    h.state_mut().model.copy_to = target.display().to_string();
    h.get_by_label("0302222").click();
    settle_details(&mut h);
    let moving = h.state().model.catalog.entries[h.state().model.selected.unwrap()].audio();
    h.get_by_label("Move").click();
    h.run_steps(1);
    wait(&mut h, "the move (off the window's thread)", |v| {
        !v.jobs.running()
    });
    let message = h.state().model.message.clone().unwrap_or_default();
    assert!(message.starts_with("moved to"), "{message}");
    let file = moving.file_name().unwrap();
    assert!(!moving.exists() && target.join(file).is_file());
    assert!(
        target.join(file).with_extension("xml").is_file(),
        "the sidecar goes along"
    );
    assert!(h.query_by_label("0302222").is_none(), "no longer listed");
    let log = std::fs::read_to_string(store.audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("moved") && l.contains(&*file.to_string_lossy())),
        "{log}"
    );
}

#[test]
fn the_backup_folder_can_be_searched_and_played_but_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    // a flat backup holding every record; the store has lost one to retention
    let backup = dir.path().join("backup");
    std::fs::create_dir_all(&backup).unwrap();
    for month in callrec::archive::verify::month_folders(&store).unwrap() {
        for file in std::fs::read_dir(month).unwrap().flatten() {
            std::fs::copy(file.path(), backup.join(file.file_name())).unwrap();
            if file.file_name().to_string_lossy().contains("0301111") {
                std::fs::remove_file(file.path()).unwrap();
            }
        }
    }
    let mut session = supervisor(&store);
    session.backup = Some(backup.clone());
    let mut h = harness_for(session);
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 2, "the store");
    assert!(h.query_by_label("0301111").is_none());

    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "archive")
        .click();
    h.run_steps(2);
    h.get_by_label("backup").click();
    h.run_steps(2);
    assert!(h.state().model.catalog.is_backup());
    assert_eq!(h.state().model.rows.len(), 3, "the backup has them all");
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    wait(&mut h, "playing from the backup", |v| v.shown.playing);
    assert!(
        h.state()
            .model
            .shown
            .loaded
            .as_deref()
            .is_some_and(|p| p.starts_with(&backup))
    );
    assert!(h.query_by_label("Copy").is_some(), "a copy may be taken");
    for hidden in ["Move", "Delete", "Set TAN", "Save notes"] {
        assert!(
            h.query_by_label(hidden).is_none(),
            "{hidden} is not offered on the backup"
        );
    }
    // SOS is about the newest calls: it goes back to the store
    h.get_by_label("SOS").click();
    h.run_steps(2);
    assert!(!h.state().model.catalog.is_backup());
    assert_eq!(h.state().model.rows.len(), 2);
}

#[test]
fn reload_finds_a_record_that_slipped_in_unnoticed() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let month = callrec::archive::verify::month_folders(&store).unwrap()[0].clone();
    let long_ago = std::time::SystemTime::now() - Duration::from_secs(60);
    let age = |folder: &Path| {
        std::fs::File::open(folder)
            .unwrap()
            .set_modified(long_ago)
            .unwrap()
    };
    age(&month);
    let mut h = harness(&store);
    h.run_steps(2);
    assert_eq!(h.state().model.rows.len(), 3);
    // a file copied in by hand, and the folder's time put back: nothing tells the
    // Player, so the list stays as it is
    let existing = h.state().model.catalog.entries[0].audio();
    std::fs::copy(
        &existing,
        month.join("2026_12_31_2359_23_i_0509999_1_00000000000000000000000000000997.wav"),
    )
    .unwrap();
    age(&month);
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(h.state().model.rows.len(), 3);
    h.get_by_label("Reload").click();
    h.run_steps(2);
    assert_eq!(
        h.state().model.rows.len(),
        4,
        "Reload reads every folder again"
    );
    assert!(h.query_by_label("0509999").is_some());
}

/// The file name of the stored record whose name holds `external`.
fn track_of(store: &Store, external: &str) -> String {
    common::stored_records(&store.root)
        .into_iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .find(|n| n.contains(external))
        .unwrap()
}

#[test]
fn remote_commands_play_pause_stop_and_eject_only_what_the_player_may_play() {
    use callrec::archive::control_command::AllowList;
    use callrec::player::permissions::Permissions;
    use callrec::player::remote_control::RemoteControl;
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let session = Session::new(
        store.clone(),
        KeyRing::default(),
        Identity::generate(),
        "agent 22".into(),
    )
    .with_permissions(Permissions {
        extensions: vec!["22".into()],
        ..Permissions::default()
    });
    let mut h = harness_for(session);
    let mut control = RemoteControl::new(std::sync::Arc::new(|| {}));
    let port = control
        .listen(
            "127.0.0.1:0".parse().unwrap(),
            AllowList::parse("127.0.0.1").unwrap(),
            Some("Rossi".into()),
        )
        .unwrap();
    h.state_mut().model.remote = Some(control);
    h.run_steps(2);
    h.get_by_label("RC on");
    let mut agent = std::net::TcpStream::connect(port).unwrap();
    let mut send = |line: &str| writeln!(agent, "{line}\r").unwrap();

    // another desk's record is refused in words, nothing plays
    send(&format!("!PLAY!{}", track_of(&store, "0403333")));
    wait(&mut h, "the refusal", |v| v.message.is_some());
    assert!(
        h.state()
            .model
            .message
            .as_deref()
            .unwrap()
            .contains("not among the records this Player may play")
    );
    assert!(h.state().model.selected.is_none());

    // its own record plays, with the green RC next to Play
    let own = track_of(&store, "0302222");
    send(&format!("!PLAY!Rossi!{own}"));
    wait(&mut h, "the remote play", |v| v.shown.playing);
    assert!(h.state().model.remote_play);
    h.get_by_label("RC");
    send("!PAUS!");
    wait(&mut h, "the pause", |v| !v.shown.playing);
    send("!PLAY!");
    wait(&mut h, "playing again", |v| v.shown.playing);
    send("!STOP!Bianchi"); // for another Player: ignored
    send("!STOP!");
    wait(&mut h, "the stop", |v| !v.shown.playing);
    send("!EJEC!");
    wait(&mut h, "the eject", |v| v.shown.loaded.is_none());
    h.run_steps(2);
    assert!(h.query_by_label("RC").is_none());

    // a browser's GET, answered with a short status
    let mut browser = std::net::TcpStream::connect(port).unwrap();
    write!(browser, "GET /!PLAY!{own} HTTP/1.1\r\nHost: pc\r\n\r\n").unwrap();
    let mut answer = String::new();
    browser.read_to_string(&mut answer).unwrap();
    assert!(
        answer.contains("200 OK") && answer.contains("accepted"),
        "{answer}"
    );
    wait(&mut h, "the browser's play", |v| v.shown.playing);
    // a play pressed by hand is no remote play
    h.get_by_label("Pause").click();
    h.run_steps(2);
    assert!(!h.state().model.remote_play);
}

#[test]
fn the_real_window_plays_a_record_sent_to_its_control_port() {
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    let track = track_of(&store, "0302222");
    let port = common::free_port();
    let shot = dir.path().join("remote.png");
    let script = format!(
        "'{bin}' player store='{store}' recpath='{setup}' controlport={port} seconds=8 2>/dev/null & \
         sleep 4; printf '!PLAY!{track}\\r\\n' > /dev/tcp/127.0.0.1/{port}; sleep 2; \
         import -window root '{shot}'; wait",
        bin = env!("CARGO_BIN_EXE_callrec"),
        store = store.root.display(),
        setup = dir.path().join("setup").display(),
        shot = shot.display()
    );
    if common::colours_under_xvfb(&script, &shot).is_none() {
        return;
    }
    if let Ok(keep) = std::env::var("CALLREC_SCREENSHOTS") {
        let _ = std::fs::copy(&shot, Path::new(&keep).join("player-remote-control.png"));
    }
    // the window played it: its "played" line is in the activity log
    let log = std::fs::read_to_string(store.audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("played") && l.contains(&track)),
        "no 'played' line for {track}:\n{log}"
    );
}

#[test]
fn an_idle_player_window_uses_less_than_one_percent_of_a_core() {
    if !common::have("xvfb-run") {
        common::skip("xvfb-run is not installed (apt install xvfb xauth)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    // the window's process time (user + system) between its 5th and 10th second
    let script = format!(
        "'{bin}' player store='{store}' recpath='{setup}' seconds=12 2>/dev/null & pid=$!; \
         sleep 5; a=$(awk '{{print $14+$15}}' /proc/$pid/stat); sleep 5; \
         b=$(awk '{{print $14+$15}}' /proc/$pid/stat); echo \"$((b-a)) $(getconf CLK_TCK)\"; wait",
        bin = env!("CARGO_BIN_EXE_callrec"),
        store = store.root.display(),
        setup = dir.path().join("setup").display(),
    );
    let run = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1100x800x24", "bash", "-c", &script])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let mut numbers = out.split_whitespace().filter_map(|n| n.parse::<f64>().ok());
    let (Some(ticks), Some(per_second)) = (numbers.next(), numbers.next()) else {
        panic!(
            "no measurement: {out} {}",
            String::from_utf8_lossy(&run.stderr)
        );
    };
    let share = ticks / per_second / 5.0 * 100.0;
    eprintln!("idle Player window: {share:.2} % of one core over 5 s");
    assert!(share < 1.0, "the idle window used {share:.2} % of a core");
}

#[test]
fn the_time_switches_between_elapsed_and_count_down_with_a_click() {
    let (_dir, _store, mut h) = player_on_archive();
    h.state_mut().model.play_entry(0);
    wait(&mut h, "playing", |v| {
        v.shown.playing && v.shown.position_s > 0.5
    });
    h.state_mut().model.engine.pause();
    wait(&mut h, "the pause", |v| !v.shown.playing);
    h.run_steps(2);
    assert!(h.query_by_label_contains(" / 0:0").is_some(), "the time");
    assert!(h.query_by_label_contains("-0:0").is_none(), "elapsed first");
    h.get_by_label_contains(" / 0:0").click();
    h.run_steps(2);
    assert!(h.state().model.prefs.count_down);
    assert!(h.query_by_label_contains("-0:0").is_some(), "a count-down");
    // back
    h.get_by_label_contains(" / 0:0").click();
    h.run_steps(2);
    assert!(!h.state().model.prefs.count_down);
}

#[test]
fn the_list_shows_each_calls_id() {
    let (_dir, _store, mut h) = player_on_archive();
    h.run_steps(2);
    assert!(h.query_by_label("Call ID").is_some(), "the column");
    // the archive's calls have the conference ids 0x301… as 32 hex digits
    let uid = format!("{:032x}", 0x303_u128);
    assert!(
        h.query_by_label(&uid[24..]).is_some(),
        "the id's last 8 digits are listed"
    );
}

/// Plays the first record of the list and waits until it is past `seconds`.
fn play_first_until(h: &mut Harness<'static, PlayerView>, seconds: f64) {
    h.get_by_label("Play").click();
    wait(h, "the record to play", |v| v.shown.playing);
    wait(h, "the play position", |v| v.shown.position_s >= seconds);
}

#[test]
fn a_free_selection_loop_is_set_with_the_a_and_b_keys_and_cleared_with_x() {
    let (_dir, _store, mut h) = player_on_archive();
    play_first_until(&mut h, 0.6);
    h.key_press(egui::Key::A);
    h.run_steps(1);
    wait(&mut h, "the play position past A", |v| {
        v.shown.position_s >= 1.6
    });
    h.key_press(egui::Key::B);
    wait(&mut h, "the loop to start", |v| v.shown.ab.is_some());
    let (a, b) = h.state().model.shown.ab.unwrap();
    assert!((0.5..1.3).contains(&a), "A where the key was pressed: {a}");
    assert!(b > a + 0.3 && b < 2.6, "B where the key was pressed: {b}");
    assert!(
        h.query_by_label_contains("loop 0:0").is_some(),
        "the loop is shown"
    );
    // the loop plays A..B again and again: the position never passes B by much
    let until = Instant::now() + Duration::from_millis(1800);
    while Instant::now() < until {
        h.step();
        assert!(
            h.state().model.shown.position_s <= b + 0.3,
            "stays in the loop"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        h.state().model.shown.playing,
        "still playing after the record's end time"
    );
    h.key_press(egui::Key::X);
    wait(&mut h, "the loop to end", |v| v.shown.ab.is_none());
}

#[test]
fn a_drag_on_the_waveform_selects_the_loop() {
    let (_dir, _store, mut h) = player_on_archive();
    play_first_until(&mut h, 0.2);
    wait(&mut h, "the waveform", |v| !v.engine.waveform().is_empty());
    h.run_steps(2);
    let rect = h.get_by_label("waveform").rect();
    let at = |fraction: f32| egui::pos2(rect.left() + rect.width() * fraction, rect.center().y);
    let press = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(at(0.25)));
    h.event(press(at(0.25), true));
    h.step();
    for f in [0.3, 0.4, 0.5, 0.6] {
        h.event(egui::Event::PointerMoved(at(f)));
        h.step();
    }
    h.event(press(at(0.6), false));
    h.run_steps(2);
    let (a, b) = h.state().model.shown.ab.expect("the drag selected a loop");
    let d = h.state().model.shown.duration_s;
    assert!(
        (a / d - 0.25).abs() < 0.05,
        "A at the drag's start: {a} of {d}"
    );
    assert!(
        (b / d - 0.6).abs() < 0.05,
        "B at the drag's end: {b} of {d}"
    );
}

#[test]
fn the_calls_original_time_runs_beside_the_play_position() {
    let (_dir, _store, mut h) = player_on_archive();
    let first = h.state().model.rows[0];
    let start = h.state().model.catalog.entries[first].name().start;
    h.get_by_label("Play").click();
    settle_details(&mut h);
    // the call's own clock, to the second: a label of its own, "HH:MM:SS", in the
    // minute the call began (the list and the details show minutes or dates with it)
    let minute = format!("{:02}:{:02}:", start.hour, start.minute);
    let is_clock = |text: &str| {
        text.len() == 8
            && text.starts_with(&minute)
            && text[6..].chars().all(|c| c.is_ascii_digit())
    };
    wait_to_see(&mut h, "the original time", |h| {
        h.query_all(By::new().predicate(|n| n.label().or(n.value()).is_some_and(|l| is_clock(&l))))
            .next()
            .is_some()
    });
}

#[test]
fn an_audio_setup_is_stored_recalled_and_the_level_set_to_maximum() {
    let (_dir, _store, mut h) = player_on_archive();
    h.state_mut().model.prefs.volume = 0.3;
    h.state_mut().model.prefs.gains = [0.5, 0.8];
    h.get_by_label("S1").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("S1 •").is_some(),
        "the slot shows it is stored"
    );
    h.get_by_label("Max").click();
    h.run_steps(2);
    assert_eq!(h.state().model.prefs.volume, 1.0);
    assert_eq!(h.state().model.prefs.gains, [1.0, 1.0]);
    h.get_by_label("S1 •").click();
    h.run_steps(2);
    assert_eq!(
        h.state().model.prefs.volume,
        0.3,
        "the stored setup comes back"
    );
    assert_eq!(h.state().model.prefs.gains, [0.5, 0.8]);
}

#[test]
fn f1_opens_the_help_of_the_control_under_the_pointer_in_the_players_language() {
    let (_dir, _store, mut h) = player_on_archive();
    h.get_by_label("Eject").hover();
    h.run_steps(2);
    h.key_press(egui::Key::F1);
    h.run_steps(2);
    assert_eq!(
        callrec::ui::help::shown(&h.ctx).as_deref(),
        Some("player-eject")
    );
    // the help window shows the same text as the tooltip
    assert!(h.query_all_by_label("Unload the record (E).").count() >= 1);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(
        callrec::ui::help::shown(&h.ctx),
        None,
        "Esc closes the help"
    );
    // the Player's own page from its button
    h.get_by_label("? Help").click();
    h.run_steps(2);
    assert_eq!(
        callrec::ui::help::shown(&h.ctx).as_deref(),
        Some("help-player")
    );
}

#[test]
fn a_german_speaking_supervisor_reads_the_player_and_its_help_in_german() {
    use callrec::lang::{Language, with_language};
    let dir = tempfile::tempdir().unwrap();
    let store = archive(dir.path());
    with_language(Language::German, || {
        let view = PlayerView::new(supervisor(&store), OutputKind::Null);
        let mut h = Harness::builder()
            .with_size(egui::vec2(1000.0, 700.0))
            .build_ui_state(
                |ui, view: &mut PlayerView| {
                    callrec::ui::help::show_window(ui.ctx());
                    view.show(ui)
                },
                view,
            );
        h.run_steps(2);
        for german in [
            "Monat",
            "Abspielen",
            "Stopp",
            "Auswerfen",
            "Datum",
            "Schleife",
        ] {
            assert!(h.query_by_label(german).is_some(), "{german} is shown");
        }
        assert!(h.query_by_label("3 Aufnahmen, 3 angezeigt").is_some());
        h.get_by_label("Auswerfen").hover();
        h.run_steps(2);
        h.key_press(egui::Key::F1);
        h.run_steps(2);
        assert!(h.query_all_by_label("Die Aufnahme entladen (E).").count() >= 1);
        h.key_press(egui::Key::F12);
        h.run_steps(2);
        assert!(h.query_by_label("Letztes Gespräch abspielen").is_some());
        assert!(h.query_by_label("SOS aus").is_some());
    });
}

#[test]
fn an_operator_without_a_mouse_uses_sos_play_skip_and_stop_by_keys() {
    let (_dir, _store, mut h) = player_on_archive();
    h.key_press(egui::Key::F12);
    h.run_steps(2);
    assert!(h.state().model.sos);
    h.key_press(egui::Key::Space);
    wait(&mut h, "the last call to play", |v| v.shown.playing);
    let newest = h.state().model.rows[0];
    assert_eq!(
        h.state().model.selected,
        Some(newest),
        "the newest call plays"
    );
    h.key_press(egui::Key::Space);
    wait(&mut h, "pause", |v| !v.shown.playing);
    let paused_at = h.state().model.shown.position_s;
    h.key_press(egui::Key::ArrowRight);
    wait(&mut h, "5 s on (or the end)", |v| {
        v.shown.position_s > paused_at
    });
    h.key_press(egui::Key::Escape);
    wait(&mut h, "stop", |v| {
        v.shown.position_s == 0.0 && !v.shown.playing
    });
    h.key_press(egui::Key::F12);
    h.run_steps(2);
    assert!(!h.state().model.sos);
    // Tab moves a visible focus through the controls
    h.key_press(egui::Key::Tab);
    h.run_steps(2);
    assert!(
        h.ctx.memory(|m| m.focused()).is_some(),
        "Tab gives a control the focus"
    );
}

#[test]
fn the_high_contrast_theme_is_switched_in_the_toolbar_and_kept() {
    let (_dir, _store, mut h) = player_on_archive();
    h.get_by_label("High contrast").click();
    h.run_steps(2);
    assert!(h.state().model.prefs.high_contrast);
    assert_eq!(
        h.ctx.global_style().visuals.panel_fill,
        egui::Color32::BLACK
    );
    h.get_by_label("High contrast").click();
    h.run_steps(2);
    assert_ne!(
        h.ctx.global_style().visuals.panel_fill,
        egui::Color32::BLACK
    );
}

#[test]
fn a_supervisor_exports_a_call_for_evidence_from_the_details() {
    let (dir, store, mut h) = player_on_archive();
    let target = dir.path().join("for the police");
    h.state_mut().model.copy_to = target.display().to_string();
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    h.get_by_label("Evidence ZIP").click();
    h.run_steps(1);
    wait(&mut h, "the export (off the window's thread)", |v| {
        !v.jobs.running()
    });
    let message = h.state().model.message.clone().unwrap_or_default();
    assert!(message.starts_with("evidence ZIP written: "), "{message}");
    let zip = std::path::PathBuf::from(message.trim_start_matches("evidence ZIP written: "));
    assert!(
        zip.is_file() && zip.starts_with(&target),
        "{}",
        zip.display()
    );
    let log = std::fs::read_to_string(store.audit_log()).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("\tcopied\t") && l.contains("evidence=")),
        "the export is logged like a copy"
    );
}

#[test]
fn chosen_records_are_copied_and_deleted_together_off_the_windows_thread() {
    let (dir, store, mut h) = player_on_archive();
    let target = dir.path().join("handed out");
    h.state_mut().model.copy_to = target.display().to_string();
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    h.get_by_label("0302222")
        .click_modifiers(egui::Modifiers::COMMAND);
    h.run_steps(2);
    assert_eq!(h.state().model.chosen.len(), 2);
    assert!(h.query_by_label("2 records chosen:").is_some());
    h.get_by_label("Copy").click();
    h.run_steps(1);
    wait(&mut h, "the copies", |v| !v.jobs.running());
    assert_eq!(
        h.state().model.message.as_deref(),
        Some("Copy: 2 of 2 records")
    );
    let copied = std::fs::read_dir(&target)
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "wav")
        })
        .count();
    assert_eq!(copied, 2);
    // Delete asks once more, then both go (and are logged)
    h.get_by_label("Delete").click();
    h.run_steps(2);
    h.get_by_label("Really delete?").click();
    h.run_steps(1);
    wait(&mut h, "the deletions", |v| !v.jobs.running());
    assert_eq!(
        h.state().model.message.as_deref(),
        Some("Delete: 2 of 2 records")
    );
    wait(&mut h, "the list without them", |v| v.rows.len() == 1);
    let log = std::fs::read_to_string(store.audit_log()).unwrap();
    assert_eq!(log.lines().filter(|l| l.contains("\tdeleted\t")).count(), 2);
    assert_eq!(log.lines().filter(|l| l.contains("\tcopied\t")).count(), 2);
}

#[test]
fn the_large_details_window_shows_the_call_in_large_type() {
    let (_dir, _store, mut h) = player_on_archive();
    h.get_by_label("0403333").click();
    settle_details(&mut h);
    h.get_by_label("Large").click();
    h.run_steps(2);
    assert!(h.query_by_label("Call details").is_some(), "its own window");
    assert!(h.query_all_by_label_contains("0403333").count() >= 2);
    assert!(h.query_by_label("External party").is_some());
}

#[test]
fn the_list_shows_the_parties_names_beside_their_numbers() {
    let (_dir, _store, mut h) = player_on_archive();
    // the names come from the records' sidecars (the CDRs' names), read in the background
    let began = Instant::now();
    while h.query_all_by_label("21 (Agent 21)").count() < 2 {
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "no names in the list"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(h.query_by_label("22 (Agent 22)").is_some());
}

#[test]
fn marks_made_on_this_player_are_shared_with_every_player_in_one_click() {
    let (_dir, store, mut h) = player_on_archive();
    for external in ["0301111", "0403333"] {
        h.get_by_label(external).click();
        settle_details(&mut h);
        h.get_by_label("marked here").click();
        h.run_steps(2);
    }
    assert_eq!(h.state().model.prefs.marked.len(), 2);
    h.get_by_label("Share my marks (2)").click();
    h.run_steps(2);
    assert_eq!(
        h.state().model.message.as_deref(),
        Some("2 marks shared with every Player")
    );
    let everyone = callrec::player::marks::SharedMarks::load(&store);
    assert_eq!(everyone.names, h.state().model.prefs.marked);
    assert!(
        h.query_by_label_contains("Share my marks").is_none(),
        "nothing left to share"
    );
}

#[test]
fn every_control_of_the_player_has_a_name_a_screen_reader_can_say() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::NodeT;
    let (_dir, _store, mut h) = player_on_archive();
    h.get_by_label("0301111").click();
    settle_details(&mut h);
    let mut unnamed = Vec::new();
    for role in [
        Role::Button,
        Role::CheckBox,
        Role::TextInput,
        Role::Slider,
        Role::ComboBox,
        Role::Meter,
    ] {
        for node in h.query_all(By::new().role(role)) {
            let node = node.accesskit_node();
            if node.label().is_none_or(|l| l.trim().is_empty()) {
                unnamed.push(format!("{role:?} {:?}", node.value()));
            }
        }
    }
    assert!(unnamed.is_empty(), "controls without a name: {unnamed:?}");
    assert_eq!(
        h.query_all(By::new().role(Role::Meter)).count(),
        2,
        "both level meters are in the accessibility tree"
    );
}
