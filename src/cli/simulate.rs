//! `callrec simulate`: play scripted PBX calls against a running recorder.

use std::time::Duration;

use super::args::{Args, UsageError};
use crate::simulator::soap_pbx::SoapPbx;
use crate::simulator::{Fault, Simulator, scripted_calls};

pub fn simulate(args: &Args) -> Result<i32, UsageError> {
    args.only(&[
        "url", "calls", "seconds", "fault", "httpauth", "gap", "soap", "clock",
    ])?;
    let clock: i64 = args.choice("clock", 0, |v| {
        v.parse().ok().filter(|s: &i64| s.abs() <= 366 * 86_400)
    })?;
    let gap: f64 = args.choice("gap", 0.0, |v| {
        v.parse().ok().filter(|s| (0.0..=3600.0).contains(s))
    })?;
    let soap: Option<std::net::SocketAddr> =
        args.choice("soap", None, |v| v.parse().ok().map(Some))?;
    let url = args
        .get("url")
        .unwrap_or("http://127.0.0.1:8090")
        .to_string();
    let calls: usize = args.choice("calls", 10, |v| {
        v.parse().ok().filter(|n| (1..=100_000).contains(n))
    })?;
    let seconds: f64 = args.choice("seconds", 20.0, |v| {
        v.parse().ok().filter(|s| (1.0..=14_400.0).contains(s))
    })?;
    let fault = args.choice("fault", None, |v| match v {
        "none" => Some(Some(Fault::None)),
        "late" => Some(Some(Fault::LateCdr(Duration::from_secs(8)))),
        "nocdr" => Some(Some(Fault::NoCdr)),
        "duplicate" => Some(Some(Fault::DuplicateCdr)),
        "cdrfirst" => Some(Some(Fault::CdrFirst)),
        "restart" => Some(Some(Fault::RestartMidUpload)),
        "mixed" => Some(None),
        _ => None,
    })?;
    let auth = args
        .get("httpauth")
        .and_then(|a| a.split_once(':'))
        .map(|(u, p)| (u.to_string(), p.to_string()));
    let now = jiff::Timestamp::now().as_second();
    let mut script = scripted_calls(calls, seconds, now - seconds as i64 - 10, now as u64);
    let faults = [
        Fault::None,
        Fault::DuplicateCdr,
        Fault::CdrFirst,
        Fault::LateCdr(Duration::from_secs(3)),
        Fault::None,
    ];
    for (i, call) in script.iter_mut().enumerate() {
        call.fault = fault.unwrap_or(faults[i % faults.len()]);
        // the PBX stamps its CDRs with its own clock
        call.start_utc += clock;
    }
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let mut sim = Simulator::new(&url, auth).map_err(|e| UsageError(e.to_string()))?;
        sim.clock_offset_s = clock;
        let pbx = match soap {
            Some(addr) => {
                let pbx =
                    SoapPbx::start(addr, SoapPbx::site_users(), None, Duration::from_secs(60))
                        .await
                        .map_err(|e| UsageError(format!("soap={addr}: {e}")))?;
                eprintln!("callrec: PBX SOAP API at {}", pbx.url());
                pbx.set_clock_offset(clock);
                let pbx = std::sync::Arc::new(pbx);
                sim = sim.with_pbx(pbx.clone());
                // calls are seen running for most of the pause between them
                sim.live = Duration::from_secs_f64(gap * 0.75);
                Some(pbx)
            }
            None => None,
        };
        // the recorder may still be starting (the demo starts the PBX first)
        let waiting = std::time::Instant::now();
        while sim.status().await.is_err() && waiting.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let mut failed = 0;
        for (i, call) in script.iter().enumerate() {
            if i > 0 && gap > 0.0 {
                tokio::time::sleep(Duration::from_secs_f64(gap)).await;
            }
            let what = format!(
                "call {}: {} {} {} ({} s, {}, {})",
                i + 1,
                call.internal,
                if call.outgoing { "→" } else { "←" },
                call.external,
                call.seconds,
                call.codec.payload().1,
                call.fault.describe()
            );
            match sim.play(call).await {
                Ok(()) => out!("{what}: sent"),
                Err(e) => {
                    failed += 1;
                    eprintln!("callrec: {what}: {e}");
                }
            }
        }
        if pbx.is_some() {
            eprintln!("callrec: calls done; the PBX SOAP API stays up until Ctrl-C");
            let _ = tokio::signal::ctrl_c().await;
        }
        Ok(if failed == 0 { 0 } else { 1 })
    })
}
