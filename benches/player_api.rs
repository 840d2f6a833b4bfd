//! Player API benchmark: what a Player on another PC waits for, over loopback.
//!
//! `cargo bench --bench player_api` creates N records (100 000 by default,
//! `CALLREC_BENCH_RECORDS=N`) over 24 month folders plus one real 60 s call, starts
//! the Player API in this process and measures with the client a remote Player uses:
//! the server coming up (warm, from its indexes), the whole list reaching the Player,
//! a filter change, the first sound after Play (list entry → first decoded frames),
//! how long a new call takes to reach a waiting Player (p50/p99 of 20), and the CPU
//! that 100 Players waiting for new calls cost while nothing happens. The peer is
//! `curl` fetching the same audio from Python's plain `http.server` on the same folder.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callrec::archive::accounts::{Account, Rights};
use callrec::archive::identity::Identity;
use callrec::archive::keyring::KeyRing;
use callrec::archive::name::{Direction, LocalMinute, RecordName};
use callrec::archive::store::Store;
use callrec::fileserver::{FileServer, router};
use callrec::media::synth::CallScript;
use callrec::media::{self, ConvertOptions};
use callrec::player::filter::Filter;
use callrec::player::remote::RemoteArchive;
use callrec::player::stream::{FrameSource, RecordStream};
use callrec::recorder::connection_limits::ConnectionLimits;

fn cpu_s() -> f64 {
    // SAFETY: getrusage fills the struct it is given; zeroed is a valid start.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to our own struct.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

fn record_name(i: usize, when: LocalMinute) -> RecordName {
    RecordName::new(
        when,
        &format!("{}", 20 + i % 50),
        if i.is_multiple_of(3) {
            Direction::Outgoing
        } else {
            Direction::Incoming
        },
        &format!("0{}", 301_000_000 + (i * 7919) % 899_999_999),
        (i % 20) as u32,
        &format!("{i:032x}"),
        "wav",
    )
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench player_api");
        return;
    }
    let n: usize = std::env::var("CALLREC_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir =
        tempfile::tempdir_in(std::env::var("CALLREC_BENCH_DIR").unwrap_or_else(|_| ".".into()))
            .expect("tempdir");
    let store = Store::new(dir.path().join("store"));
    for i in 0..n {
        let month = (i % 24) as u8;
        let when = LocalMinute {
            year: 2025 + u16::from(month / 12),
            month: month % 12 + 1,
            day: ((i / 24) % 28) as u8 + 1,
            hour: (i % 24) as u8,
            minute: (i % 60) as u8,
        };
        let path = store.path_of(&record_name(i, when));
        if i < 24 {
            std::fs::create_dir_all(path.parent().expect("month")).expect("mkdir");
        }
        std::fs::write(&path, b"a").expect("audio");
    }
    // one real call to play: 60 s, stereo A-law WAV
    let call = record_name(
        n,
        LocalMinute {
            year: 2026,
            month: 12,
            day: 1,
            hour: 12,
            minute: 0,
        },
    );
    let call_path = store.path_of(&call);
    std::fs::create_dir_all(call_path.parent().expect("month")).expect("mkdir");
    let capture = CallScript {
        duration: 60.0,
        ..CallScript::default()
    }
    .generate();
    let mut wav = Vec::new();
    media::convert(
        || Ok(std::io::Cursor::new(&capture[..])),
        &ConvertOptions::default(),
        Box::new(&mut wav),
    )
    .expect("convert");
    std::fs::write(&call_path, &wav).expect("write the call");
    println!(
        "{} records, one of them a real 60 s call ({} kB)",
        n + 1,
        wav.len() / 1000
    );

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let index = dir.path().join("index");
    let account =
        Account::new("bench", "bench-password", Rights::default(), vec![]).expect("account");
    let serve = |accounts: Vec<Account>| {
        FileServer::new(
            store.clone(),
            KeyRing::default(),
            Identity::generate(),
            "bench".into(),
            accounts,
            None,
            Some(&index),
        )
    };
    // a first server writes the indexes (after the folders settled), as a server that
    // ran before has them
    drop(serve(vec![account.clone()]));
    std::thread::sleep(callrec::player::catalog_index::SETTLE);
    drop(serve(vec![account.clone()]));
    let t = Instant::now();
    let server = Arc::new(serve(vec![account]));
    let up = t.elapsed();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let base = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        callrec::recorder::service::spawn_server(
            listener,
            None,
            ConnectionLimits::default(),
            router(server.clone()),
            stop_rx,
        )
        .expect("serve");
        format!("http://{addr}")
    });
    println!(
        "server up (warm, from its indexes): {:.0} ms",
        up.as_secs_f64() * 1e3
    );

    let remote = RemoteArchive::new(&base, "bench", "bench-password", None).expect("client");
    let t = Instant::now();
    let all = remote.list(&Filter::default()).expect("list");
    let ready = t.elapsed();
    assert_eq!(all.records.len(), n + 1);
    println!(
        "whole list as JSON (pages of 5000): {} records in {:.2} s",
        all.records.len(),
        ready.as_secs_f64()
    );
    // what the Player window does: the compact list, then its catalog from the names
    let t = Instant::now();
    let (names, _) = remote.list_names(&Filter::default()).expect("names");
    println!(
        "compact list alone (format=lines, pages of 100 000): {} names in {:.2} s",
        names.len(),
        t.elapsed().as_secs_f64()
    );
    drop(names);
    let t = Instant::now();
    let catalog = callrec::player::catalog::Catalog::open_remote(remote.clone(), Arc::new(|| {}));
    let mut catalog = catalog;
    while catalog.len() < n + 1 {
        catalog.refresh();
        std::thread::sleep(Duration::from_millis(5));
        assert!(t.elapsed() < Duration::from_secs(120), "the remote catalog");
    }
    println!(
        "remote Player ready (the catalog's own entries, format=entries, pages of 100 000): {} records in {:.2} s",
        catalog.len(),
        t.elapsed().as_secs_f64()
    );
    // a filter change in the remote Player's window runs on its own catalog
    for (what, filter) in [
        (
            "month 2025_03 + internal 21",
            Filter {
                month: "2025_03".into(),
                internal: "21".into(),
                ..Filter::default()
            },
        ),
        (
            "external 0301*",
            Filter {
                external: "0301*".into(),
                ..Filter::default()
            },
        ),
        (
            "newest first, no filter (SOS)",
            Filter {
                newest_first: true,
                ..Filter::default()
            },
        ),
    ] {
        let t = Instant::now();
        let rows = filter.apply(&catalog.entries);
        println!(
            "filter change in the remote Player ({what}): {} rows in {:.1} ms",
            rows.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    drop(catalog);
    let mut changes = Vec::new();
    for internal in ["21", "3*", "2?", ""] {
        let filter = Filter {
            internal: internal.into(),
            month: "2025_03".into(),
            ..Filter::default()
        };
        let t = Instant::now();
        let page = remote.list(&filter).expect("filter");
        changes.push((internal, page.records.len(), t.elapsed()));
    }
    for (internal, rows, took) in changes {
        println!(
            "filter change (month 2025_03, internal '{internal}'): {rows} rows in {:.1} ms",
            took.as_secs_f64() * 1e3
        );
    }

    let name = call_path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let mut firsts = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let mut stream = RecordStream::open_remote(&remote, &name).expect("open");
        let mut frames = Vec::new();
        while frames.is_empty() {
            assert!(stream.read(&mut frames).expect("read"));
        }
        firsts.push(t.elapsed().as_secs_f64() * 1e3);
    }
    firsts.sort_by(f64::total_cmp);
    println!(
        "first sound after Play (open by range + first decoded frames): p50 {:.1} ms, max {:.1} ms",
        percentile(&firsts, 0.5),
        firsts[firsts.len() - 1]
    );

    // a new call reaching a Player that waits for it
    let mut latencies = Vec::new();
    let mut cursor = all.cursor.clone();
    for i in 0..20 {
        let remote = remote.clone();
        let since = cursor.clone();
        let waiting = std::thread::spawn(move || {
            let page = remote
                .wait_for_new(&Filter::default(), &since, Duration::from_secs(25))
                .expect("wait");
            (Instant::now(), page)
        });
        std::thread::sleep(Duration::from_millis(300));
        let fresh = record_name(
            n + 1 + i,
            LocalMinute {
                year: 2026,
                month: 12,
                day: 2,
                hour: 9,
                minute: i as u8,
            },
        );
        let written = Instant::now();
        std::fs::write(store.path_of(&fresh), b"a").expect("new record");
        let (seen, page) = waiting.join().expect("waiter");
        assert_eq!(page.records.len(), 1, "{page:?}");
        cursor = page.cursor;
        latencies.push(seen.duration_since(written).as_secs_f64() * 1e3);
    }
    latencies.sort_by(f64::total_cmp);
    println!(
        "new call at a waiting Player: p50 {:.0} ms, p99 {:.0} ms (20 calls)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );

    // 100 Players waiting while nothing happens
    let waiting: Vec<_> = (0..100)
        .map(|_| {
            let client =
                RemoteArchive::new(&base, "bench", "bench-password", None).expect("client");
            let since = cursor.clone();
            std::thread::spawn(move || {
                let _ = client.wait_for_new(&Filter::default(), &since, Duration::from_secs(12));
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let (cpu, wall) = (cpu_s(), Instant::now());
    std::thread::sleep(Duration::from_secs(8));
    let busy = (cpu_s() - cpu) / wall.elapsed().as_secs_f64();
    println!(
        "100 Players waiting for new calls, nothing happening: {:.1} % of one core (server and its clients in this process)",
        busy * 100.0
    );
    for w in waiting {
        let _ = w.join();
    }

    // the peer: curl of the same audio from a plain static web server
    let url = format!("{base}/api/v1/records/{name}/audio");
    let ours = curl(&url, Some("bench:bench-password"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let peer = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(call_path.parent().expect("month"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match (ours, peer) {
        (Some(ours), Ok(mut peer)) => {
            std::thread::sleep(Duration::from_millis(800));
            let theirs = curl(&format!("http://127.0.0.1:{port}/{name}"), None);
            let _ = peer.kill();
            let _ = peer.wait();
            if let Some(theirs) = theirs {
                println!(
                    "curl of the 60 s call: Player API {:.1} ms to first byte, {:.1} ms in all; \
                     peer (python3 http.server on the folder) {:.1} ms, {:.1} ms",
                    ours.0, ours.1, theirs.0, theirs.1
                );
            }
        }
        _ => println!("peer: curl or python3 missing, no comparison"),
    }
    let _ = stop_tx.send(true);
    drop(remote);
    runtime.shutdown_timeout(Duration::from_secs(1));
}

/// Time to first byte and total time of `curl` fetching `url`, in ms.
fn curl(url: &str, login: Option<&str>) -> Option<(f64, f64)> {
    let mut command = Command::new("curl");
    command.args([
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{time_starttransfer} %{time_total}",
    ]);
    if let Some(login) = login {
        command.args(["-u", login]);
    }
    let mut out = String::new();
    command
        .arg(url)
        .stdout(Stdio::piped())
        .spawn()
        .ok()?
        .stdout?
        .read_to_string(&mut out)
        .ok()?;
    let mut parts = out.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some((parts.next()?? * 1e3, parts.next()?? * 1e3))
}
