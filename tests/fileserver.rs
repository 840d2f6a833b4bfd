//! The Player API of a real recorder process over HTTPS on loopback: accounts made
//! with `callrec setup account=…`, calls played by the PBX simulator, then what each
//! account may list, read and play — checked by the server, whatever the URL.

mod common;

use std::fs;
use std::path::Path;
use std::time::Duration;

use callrec::simulator::{Fault, Simulator, scripted_calls};
use common::wait_until;
use reqwest::StatusCode;

/// A client that trusts exactly the recorder's certificate, as a Player does.
fn client(cert: &Path) -> reqwest::Client {
    callrec::http_client::pinned_builder(&fs::read(cert).unwrap())
        .unwrap()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

#[derive(Clone)]
struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    /// A request of `method` to `path` as the account `who`.
    fn request(
        &self,
        method: reqwest::Method,
        who: (&str, &str),
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(who.0, Some(who.1))
    }

    /// Sends `body` with `method` to `path` as `who`; the answer's status.
    async fn send(
        &self,
        method: reqwest::Method,
        who: (&str, &str),
        path: &str,
        body: &'static str,
    ) -> StatusCode {
        self.request(method, who, path)
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn json(&self, who: (&str, &str), path: &str) -> serde_json::Value {
        self.get(who, path).await.json().await.unwrap()
    }

    async fn get(&self, who: (&str, &str), path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, who, path)
            .send()
            .await
            .unwrap()
    }

    async fn names(&self, who: (&str, &str), query: &str) -> Vec<(String, String)> {
        let answer: serde_json::Value = self
            .get(who, &format!("/api/v1/records?{query}"))
            .await
            .json()
            .await
            .unwrap();
        answer["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["name"].as_str().unwrap().to_string(),
                    r["internal"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

const DESK: (&str, &str) = ("Desk 21", "desk-21-secret");
const CHIEF: (&str, &str) = ("Supervisor", "chief-secret-1");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn players_see_play_and_change_only_what_their_account_allows_checked_by_the_server() {
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
    common::add_account(&setup, DESK, &["extensions=21", "rights=none"]);
    common::add_account(&setup, CHIEF, &["rights=alarm,copy,notes,tan,delete"]);
    let port = common::free_port();
    let _recorder = common::RecorderProcess::start(
        &store,
        &setup,
        port,
        &[
            &format!("tlscert={}", cert.display()),
            &format!("tlskey={}", key.display()),
            "httpauth=device:device-secret",
            "cdrwait=1",
        ],
    );
    let base = format!("https://127.0.0.1:{port}");
    let sim = Simulator::new_trusting(
        &base,
        Some(("device".into(), "device-secret".into())),
        &fs::read(&cert).unwrap(),
    )
    .unwrap();
    wait_until("the recorder", Duration::from_secs(20), async || {
        sim.status().await.is_ok()
    })
    .await;
    let now = jiff::Timestamp::now().as_second();
    let mut calls = scripted_calls(4, 2.0, now - 60, 3);
    for (call, agent) in calls.iter_mut().zip(["21", "22", "21", "23"]) {
        call.internal = agent.into();
        call.fault = Fault::None;
    }
    for call in &calls {
        sim.play(call).await.unwrap();
    }
    let api = Api {
        base,
        client: client(&cert),
    };
    wait_until("four records", Duration::from_secs(30), async || {
        api.names(CHIEF, "").await.len() == 4
    })
    .await;

    // no account, a wrong password, the devices' login: nothing
    let anonymous = api
        .client
        .get(format!("{}/api/v1/records", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.get(("device", "device-secret"), "/api/v1/records")
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the devices' upload login is no Player account"
    );

    // the desk sees its extension's calls only, also when it asks for another
    let desk = api.names(DESK, "").await;
    assert_eq!(desk.len(), 2, "{desk:?}");
    assert!(
        desk.iter().all(|(_, internal)| internal == "21"),
        "{desk:?}"
    );
    assert!(api.names(DESK, "internal=22").await.is_empty());
    let everything = api.names(CHIEF, "newest=1").await;
    let (other, _) = everything.iter().find(|(_, i)| i == "22").unwrap().clone();
    for path in [
        format!("/api/v1/records/{other}"),
        format!("/api/v1/records/{other}/audio"),
        "/api/v1/records/..%2F..%2Fsetup%2Fcallrec-setup.xml/audio".to_string(),
        format!("/api/v1/records/{}/audio", other.replace("_22_", "_21_")),
    ] {
        assert_eq!(
            api.get(DESK, &path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        api.get(CHIEF, &format!("/api/v1/records/{other}"))
            .await
            .status(),
        StatusCode::OK
    );

    // its own call: details with the verdict, audio whole and by range
    let (own, _) = desk[0].clone();
    let details: serde_json::Value = api.json(DESK, &format!("/api/v1/records/{own}")).await;
    assert_eq!(details["verdict"], "original", "{details}");
    assert_eq!(details["record"]["internal"], "21");
    let on_disk = fs::read(
        store
            .join(details["record"]["month"].as_str().unwrap())
            .join(&own),
    )
    .unwrap();
    let whole = api.get(DESK, &format!("/api/v1/records/{own}/audio")).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(whole.bytes().await.unwrap(), on_disk);
    let audio = format!("/api/v1/records/{own}/audio");
    let part = api
        .request(reqwest::Method::GET, DESK, &audio)
        .header("Range", "bytes=100-1099")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-1099/{}", on_disk.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap(), on_disk[100..1100]);
    let beyond = api
        .request(reqwest::Method::GET, DESK, &audio)
        .header("Range", format!("bytes={}-", on_disk.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    assert!(
        log.lines()
            .any(|l| l.contains("\tplayed\t") && l.contains(&own) && l.contains("player:Desk 21")),
        "the server logs who played what:\n{log}"
    );

    // the recorder's lamps for every account; RESET only with the alarm right
    let status: serde_json::Value = api.json(DESK, "/api/v1/recorder").await;
    assert_eq!(status["lamps"]["disk"], "green", "{status}");
    use reqwest::Method;
    let reset = "/api/v1/recorder/reset";
    assert_eq!(
        api.send(Method::POST, DESK, reset, "").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.send(Method::POST, CHIEF, reset, "").await,
        StatusCode::NO_CONTENT
    );
    let switch = "/api/v1/recorder/alarm";
    assert_eq!(
        api.send(Method::POST, DESK, switch, "off").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.send(Method::POST, CHIEF, switch, "off").await,
        StatusCode::NO_CONTENT
    );
    let status: serde_json::Value = api.json(DESK, "/api/v1/recorder").await;
    assert_eq!(status["alarm"], "off", "{status}");
    assert_eq!(
        api.send(Method::POST, CHIEF, switch, "on").await,
        StatusCode::NO_CONTENT
    );

    // marks for everyone: on records the account may see
    let mark = |name: &str| format!("/api/v1/records/{name}/mark");
    assert_eq!(
        api.send(Method::PUT, DESK, &mark(&own), "").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.send(Method::PUT, DESK, &mark(&other), "").await,
        StatusCode::NOT_FOUND
    );
    let details: serde_json::Value = api.json(CHIEF, &format!("/api/v1/records/{own}")).await;
    assert_eq!(details["marked"], true, "{details}");
    let marks = fs::read_to_string(store.join("TMP").join("iREC_marks.txt")).unwrap();
    assert!(marks.contains(&own) && !marks.contains(&other), "{marks}");

    // changes: only with the right, each logged under the account's name
    let notes = format!("/api/v1/records/{own}/notes");
    assert_eq!(
        api.send(Method::PUT, DESK, &notes, "mine").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.send(Method::PUT, CHIEF, &notes, "called back at 15:00")
            .await,
        StatusCode::OK
    );
    let renamed: serde_json::Value = api
        .request(Method::PUT, CHIEF, &format!("/api/v1/records/{own}/tan"))
        .body("123456")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let own = renamed["name"].as_str().unwrap().to_string();
    assert!(own.contains("_T123456"), "{renamed}");
    let details: serde_json::Value = api.json(DESK, &format!("/api/v1/records/{own}")).await;
    assert_eq!(details["notes"], "called back at 15:00", "{details}");
    assert_eq!(details["record"]["tan"], "123456", "{details}");
    let (gone, _) = everything.iter().find(|(_, i)| i == "23").unwrap().clone();
    let record = |name: &str| format!("/api/v1/records/{name}");
    assert_eq!(
        api.send(Method::DELETE, DESK, &record(&own), "").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.send(Method::DELETE, CHIEF, &record(&gone), "").await,
        StatusCode::OK
    );
    assert!(api.names(CHIEF, "").await.iter().all(|(n, _)| *n != gone));
    let log = fs::read_to_string(store.join("TMP").join("iREC_Player_log.txt")).unwrap();
    for (action, record) in [("note", &own), ("tan", &own), ("deleted", &gone)] {
        let stem = record.split("_T").next().unwrap().trim_end_matches(".wav");
        assert!(
            log.lines().any(|l| l.contains(&format!("\t{action}\t"))
                && l.contains(stem)
                && l.contains("player:Supervisor")),
            "no {action} line for {record}:\n{log}"
        );
    }

    // a Player waiting for new calls gets the next one of its extension, and only that
    let listed: serde_json::Value = api.json(DESK, "/api/v1/records").await;
    let cursor = listed["cursor"].as_str().unwrap().to_string();
    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            let answer: serde_json::Value = api
                .json(DESK, &format!("/api/v1/records?since={cursor}&wait=25"))
                .await;
            answer
        })
    };
    let mut later = scripted_calls(2, 2.0, now - 30, 11);
    for (call, agent) in later.iter_mut().zip(["22", "21"]) {
        call.internal = agent.into();
        call.fault = Fault::None;
        sim.play(call).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    let news = tokio::time::timeout(Duration::from_secs(20), waiting)
        .await
        .expect("the waiting Player is answered")
        .unwrap();
    let records = news["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{news}");
    assert_eq!(records[0]["internal"], "21", "{news}");
    assert!(
        records[0]["name"]
            .as_str()
            .unwrap()
            .contains(&format!("{:032x}", later[1].conf)),
        "{news}"
    );

    // guessing the desk's password: refused, then slowed down for the right one too
    for _ in 0..5 {
        assert_eq!(
            api.get((DESK.0, "guess"), "/api/v1/records").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let slowed = api.get(DESK, "/api/v1/records").await;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(slowed.headers().contains_key("retry-after"));
}

/// Every frame a stream gives from where it is.
fn frames_of(
    stream: &mut dyn callrec::player::stream::FrameSource,
    at_most: usize,
) -> Vec<callrec::player::stream::Frame> {
    let mut all = Vec::new();
    while all.len() < at_most && stream.read(&mut all).unwrap() {}
    all.truncate(at_most);
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_player_plays_and_seeks_a_record_exactly_as_the_local_one() {
    use callrec::archive::accounts::{Account, Rights};
    use callrec::archive::keyring::KeyRing;
    use callrec::archive::store::Store;
    use callrec::fileserver::{FileServer, router};
    use callrec::player::engine::{Engine, OutputKind};
    use callrec::player::filter::Filter;
    use callrec::player::remote::RemoteArchive;
    use callrec::player::stream::{FrameSource, RecordStream};

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let archiver = common::test_archiver(&store);
    let ring = archiver.ring.clone();
    let identity = callrec::archive::identity::Identity::generate();
    let service =
        callrec::recorder::service::Service::start(common::recorder_config(&[]), archiver)
            .await
            .unwrap();
    let url = format!("http://{}", service.local_addr());
    let desk = Account::new("desk", "desk-password", Rights::default(), vec![]).unwrap();
    let clerk = Account::new(
        "clerk",
        "clerk-password",
        Rights {
            copy: true,
            delete: true,
            ..Rights::default()
        },
        vec![],
    )
    .unwrap();
    let api = FileServer::new(
        callrec::archive::store::Store::new(&store),
        ring.clone(),
        identity,
        "test".into(),
        vec![desk, clerk],
        Some(service.pipeline().status.clone()),
        None,
    );
    let service = service.with_routes(router(std::sync::Arc::new(api)));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(service.run(stopped));
    let sim = Simulator::new(&url, None).unwrap();
    let now = jiff::Timestamp::now().as_second();
    let mut call = scripted_calls(1, 6.0, now - 60, 21).remove(0);
    call.fault = Fault::None;
    sim.play(&call).await.unwrap();
    wait_until("the record", Duration::from_secs(30), async || {
        common::stored_records(&store).len() == 1
    })
    .await;
    let local = common::stored_records(&store).remove(0);
    let log_store = store.clone();

    tokio::task::spawn_blocking(move || {
        let remote = RemoteArchive::new(&url, "desk", "desk-password", None).unwrap();
        let page = remote.list(&Filter::default()).unwrap();
        assert_eq!(page.records.len(), 1);
        let name = page.records[0].name.clone();
        assert_eq!(name, local.file_name().unwrap().to_string_lossy());

        // the same frames from the start, and after a seek into the middle
        let mut there = RecordStream::open_remote(&remote, &name).unwrap();
        let mut here = RecordStream::open(&local, &ring).unwrap();
        assert_eq!(there.frames(), here.frames());
        let all = here.frames().unwrap() as usize;
        assert_eq!(frames_of(&mut there, all), frames_of(&mut here, all));
        there.seek(all as u64 / 2).unwrap();
        here.seek(all as u64 / 2).unwrap();
        assert_eq!(frames_of(&mut there, 4000), frames_of(&mut here, 4000));

        // the engine plays it at real pace, and a wrong password is said in words
        let engine = Engine::new(OutputKind::Null);
        engine.load_remote(remote.clone(), &name, true);
        let start = std::time::Instant::now();
        loop {
            let s = engine.snapshot();
            assert!(s.error.is_none(), "{s:?}");
            if s.playing && s.position_s > 0.5 {
                assert!((s.duration_s - 6.0).abs() < 1.0, "{s:?}");
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "not playing: {s:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // an A–B loop over the network: the position comes back to A after B
        engine.seek_s(1.0);
        engine.set_ab(Some((1.0, 1.8)));
        let start = std::time::Instant::now();
        let mut came_back = false;
        let mut last = 0.0;
        while start.elapsed() < Duration::from_secs(5) {
            let at = engine.snapshot().position_s;
            assert!(at < 2.3, "the loop let it run on to {at} s");
            if at < last - 0.3 {
                came_back = true;
            }
            last = at;
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(came_back, "the loop never went back to A");
        engine.set_ab(None);
        // the engine's waveform came from the server, and equals the local one
        let (local_peaks, local_frames) = callrec::player::stream::waveform(
            &mut RecordStream::open(&local, &ring).unwrap(),
            200,
        );
        let (peaks, frames) = remote.waveform(&name, 200).unwrap();
        assert_eq!((peaks.len(), frames), (200, local_frames));
        assert_eq!(peaks, local_peaks);
        assert!(!engine.waveform().is_empty());
        drop(engine);

        // copies need the copy right; the copy is the record in the clear, logged
        let out = tempfile::tempdir().unwrap();
        let refused = remote.copy_to(&name, out.path()).unwrap_err();
        assert!(refused.to_string().contains("may not copy"), "{refused}");
        let clerk = RemoteArchive::new(&url, "clerk", "clerk-password", None).unwrap();
        let copied = clerk.copy_to(&name, out.path()).unwrap();
        let mut copy = RecordStream::open(&copied[0], &KeyRing::default()).unwrap();
        let mut here = RecordStream::open(&local, &ring).unwrap();
        assert_eq!(copy.frames(), here.frames());
        let all = here.frames().unwrap() as usize;
        assert_eq!(frames_of(&mut copy, all), frames_of(&mut here, all));
        let metadata = std::fs::read_to_string(&copied[1]).unwrap();
        assert!(metadata.contains("<internal"), "plain metadata: {metadata}");
        let log = std::fs::read_to_string(Store::new(&log_store).audit_log()).unwrap();
        assert!(
            log.lines().any(|l| l.contains("copied") && l.contains("player:clerk")),
            "{log}"
        );
        // the evidence ZIP is made by the server, with the same right, and logged
        let refused = remote.evidence_to(&name, out.path()).unwrap_err();
        assert!(refused.to_string().contains("may not copy"), "{refused}");
        let zip = clerk.evidence_to(&name, out.path()).unwrap();
        common::check_evidence(&zip, &["\tstored\t", "\tcopied\t"], 2);
        let log = std::fs::read_to_string(Store::new(&log_store).audit_log()).unwrap();
        assert!(
            log.lines()
                .any(|l| l.contains("evidence=") && l.contains("player:clerk")),
            "{log}"
        );
        // a move is a copy and then the record leaves the archive, logged as moved
        let moved_to = tempfile::tempdir().unwrap();
        clerk.move_to(&name, moved_to.path()).unwrap();
        assert!(moved_to.path().join(&name).is_file());
        assert!(!local.exists());
        let log = std::fs::read_to_string(Store::new(&log_store).audit_log()).unwrap();
        assert!(
            log.lines().any(|l| l.contains("moved") && l.contains("player:clerk")),
            "{log}"
        );
        assert!(remote.list(&Filter::default()).unwrap().records.is_empty());

        // a Player that loops is slowed down, in words
        use base64::Engine as _;
        let login = base64::engine::general_purpose::STANDARD.encode("desk:desk-password");
        let host = url.trim_start_matches("http://").to_string();
        let slowed = (0..1100).find_map(|_| {
            use std::io::{Read, Write};
            let mut connection = std::net::TcpStream::connect(&host).unwrap();
            write!(
                connection,
                "GET /api/v1/recorder HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {login}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut answer = String::new();
            connection.read_to_string(&mut answer).unwrap();
            answer.starts_with("HTTP/1.1 429").then_some(answer)
        });
        let slowed = slowed.expect("a looping Player is slowed down");
        assert!(
            slowed.ends_with("too many requests from this address: slow down\n"),
            "{slowed}"
        );
        std::thread::sleep(Duration::from_secs(2));
        let wrong = RemoteArchive::new(&url, "desk", "not-the-password", None).unwrap();
        let refused = wrong.list(&Filter::default()).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "the server refused the account name or password"
        );
    })
    .await
    .unwrap();
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();
}
