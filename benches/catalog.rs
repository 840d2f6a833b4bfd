//! Player catalog benchmark: how fast the Player opens a large archive and filters it.
//!
//! `cargo bench --bench catalog` creates N records (100 000 by default,
//! `CALLREC_BENCH_RECORDS=N`) as small files with sidecars over 24 month folders (in
//! `CALLREC_BENCH_DIR`, default the current folder), then measures with the files in
//! the page cache, each phase in a fresh process of its own so that one phase's freed
//! memory does not hide the next one's: opening by listing every folder (no index),
//! the first start with an index folder (listing, then writing the indexes), the warm
//! start from the indexes, each filter change, and the memory the catalog holds; and
//! compares with `find` listing the same tree.

use std::process::Command;
use std::time::Instant;

use callrec::archive::name::{Direction, LocalMinute, RecordName};
use callrec::archive::store::Store;
use callrec::player::catalog::Catalog;
use callrec::player::filter::Filter;

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    if let Ok(phase) = std::env::var("CALLREC_BENCH_PHASE") {
        let n: usize = std::env::var("CALLREC_BENCH_RECORDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        measure(&phase, n);
        return;
    }
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("skipped: run with cargo bench --bench catalog");
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
    let t = Instant::now();
    for i in 0..n {
        let month = (i % 24) as u8;
        let start = LocalMinute {
            year: 2025 + u16::from(month / 12),
            month: month % 12 + 1,
            // independent of the month (i / 24), so that every month has every day and
            // each measured filter finds rows
            day: ((i / 24) % 28) as u8 + 1,
            hour: (i % 24) as u8,
            minute: (i % 60) as u8,
        };
        let name = RecordName::new(
            start,
            &format!("{}", 20 + i % 50),
            if i % 3 == 0 {
                Direction::Outgoing
            } else {
                Direction::Incoming
            },
            &format!("0{}", 301_000_000 + (i * 7919) % 899_999_999),
            (i % 20) as u32,
            &format!("{i:032x}"),
            "wav",
        );
        let path = store.path_of(&name);
        if i < 24 {
            std::fs::create_dir_all(path.parent().expect("month")).expect("mkdir");
        }
        std::fs::write(&path, b"a").expect("audio");
        std::fs::write(path.with_extension("xml"), b"x").expect("sidecar");
    }
    println!("created {n} records in {:.1} s", t.elapsed().as_secs_f64());
    // the folders must be quiet for the settle time before their indexes are written
    std::thread::sleep(callrec::player::catalog_index::SETTLE);
    let me = std::env::current_exe().expect("bench binary");
    for phase in ["list", "first", "warm"] {
        let status = Command::new(&me)
            .env("CALLREC_BENCH_PHASE", phase)
            .env("CALLREC_BENCH_RECORDS", n.to_string())
            .env("CALLREC_BENCH_STORE", &store.root)
            .env("CALLREC_BENCH_STATE", dir.path().join("state"))
            .status()
            .expect("phase runs");
        assert!(status.success(), "phase {phase} failed");
    }
    let t = Instant::now();
    let out = Command::new("find")
        .arg(&store.root)
        .args(["-name", "*.wav"])
        .output();
    if let Ok(out) = out {
        println!(
            "peer: find over the same tree: {} files in {:.2} s (names only, no parsing or sorting)",
            out.stdout
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count(),
            t.elapsed().as_secs_f64()
        );
    }
}

/// One phase in this fresh process: `list` opens without index, `first` with an empty
/// index folder, `warm` from the indexes `first` wrote (and then times the filters).
fn measure(phase: &str, n: usize) {
    let store = Store::new(std::env::var("CALLREC_BENCH_STORE").expect("store"));
    let state = std::path::PathBuf::from(std::env::var("CALLREC_BENCH_STATE").expect("state"));
    let before = rss_kb();
    let t = Instant::now();
    let catalog = match phase {
        "list" => Catalog::open(&store),
        _ => Catalog::open_indexed(&store, Some(&state)),
    };
    let open = t.elapsed();
    let held = rss_kb().saturating_sub(before);
    assert_eq!(catalog.len(), n);
    let what = match phase {
        "list" => "open by listing every folder (no index)",
        "first" => "first open with an index folder (listing + writing indexes)",
        _ => "warm open from the indexes",
    };
    println!(
        "{what}: {n} records in {:.2} s; catalog holds {:.0} MB; per 1 M records: {:.2} s, {:.0} MB",
        open.as_secs_f64(),
        held as f64 / 1024.0,
        open.as_secs_f64() * 1e6 / n as f64,
        held as f64 / 1024.0 * 1e6 / n as f64
    );
    if phase != "warm" {
        return;
    }
    let filters = [
        (
            "external 0301*",
            Filter {
                external: "0301*".into(),
                ..Filter::default()
            },
        ),
        (
            "internal 21, incoming",
            Filter {
                internal: "21".into(),
                direction: Some(Direction::Incoming),
                ..Filter::default()
            },
        ),
        (
            "month 2026_03, day 5",
            Filter {
                month: "2026_03".into(),
                day: Some(5),
                ..Filter::default()
            },
        ),
        ("SOS (no filter, newest first)", Filter::sos()),
    ];
    for (what, filter) in filters {
        // best of 5: the first run also wakes the thread pool
        let mut best = f64::MAX;
        let mut count = 0;
        for _ in 0..5 {
            let t = Instant::now();
            count = filter.apply(&catalog.entries).len();
            best = best.min(t.elapsed().as_secs_f64());
        }
        assert!(
            count > 0,
            "the filter {what} finds no rows: it measures nothing"
        );
        println!(
            "filter {what}: {count} rows in {:.1} ms; per 1 M records: {:.0} ms",
            best * 1e3,
            best * 1e3 * 1e6 / n as f64
        );
    }
}
