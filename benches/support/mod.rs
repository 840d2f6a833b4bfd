//! What the benchmarks share: the Garage cluster of the tests, and the three helpers
//! that module takes from its parent.
#![allow(dead_code)]

#[path = "../../tests/common/garage.rs"]
pub mod garage;

fn have(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn skip(what: &str) {
    eprintln!("skipped: {what}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
