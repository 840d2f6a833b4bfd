//! Fuzzes the PBX CDR parser and what the recorder derives from a CDR: call facts,
//! conference ids, the recording rules and whose TCR mark counts.
#![no_main]

use callrec::archive::cdr::parse_cdrs;
use callrec::recorder::rules::{Agents, Decision, decide, tcr_marker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cdrs) = parse_cdrs(text) else {
        return;
    };
    let agents = Agents {
        numbers: vec!["21".into(), "22".into()],
        ..Agents::default()
    };
    for cdr in &cdrs {
        let _ = cdr.facts();
        for conf in cdr.conferences() {
            if let Decision::Keep(owner) = decide(&conf, &cdrs, &agents) {
                let call: Vec<_> = cdrs.iter().collect();
                let _ = tcr_marker(owner, &call, &agents);
            }
        }
    }
});
