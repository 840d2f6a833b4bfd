//! `callrec synth`: writes a generated innovaphone-style call recording, so that callrec
//! can be tried (and demonstrated) without a PBX.

use std::path::PathBuf;

use super::args::{Args, UsageError};
use crate::media::synth::{CallScript, PartyScript, SynthCodec};

pub fn synth(args: &Args) -> Result<i32, UsageError> {
    args.only(&["out", "codec", "seconds"])?;
    let out = PathBuf::from(args.require("out")?);
    let codec = args.choice("codec", SynthCodec::Pcma, |v| match v {
        "pcma" => Some(SynthCodec::Pcma),
        "pcmu" => Some(SynthCodec::Pcmu),
        "g722" => Some(SynthCodec::G722),
        "g729" => Some(SynthCodec::G729 { vad: true }),
        _ => None,
    })?;
    let seconds = args.choice("seconds", 10.0, |v| {
        v.parse::<f64>()
            .ok()
            .filter(|s| (1.0..=14_400.0).contains(s))
    })?;
    let mut script = CallScript {
        duration: seconds,
        local: PartyScript::tone(codec, 440.0),
        remote: PartyScript::tone(codec, 660.0),
        ..CallScript::default()
    };
    // The far party speaks in bursts with pauses, and dials a digit; both click every 5 s.
    let clicks: Vec<f64> = (1..)
        .map(|k| f64::from(k) * 5.0)
        .take_while(|&t| t < seconds)
        .collect();
    script.local.clicks = clicks.clone();
    script.remote.clicks = clicks;
    script.remote.base_delay = 0.03;
    script.remote.jitter = 0.01;
    script.remote.dtmf = if seconds > 3.0 {
        vec![(2.0, '5', 0.2)]
    } else {
        Vec::new()
    };
    script.start = crate::media::time::CaptureTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or_default(),
    );
    std::fs::write(&out, script.generate())
        .map_err(|e| UsageError(format!("cannot write {}: {e}", out.display())))?;
    eprintln!(
        "callrec: wrote {} ({seconds} s, {})",
        out.display(),
        codec.payload().1
    );
    Ok(0)
}
