//! Fuzzes what arrives at `/cdr`: the query string and the body (split at the first
//! NUL byte), in the three CDR0/CDR1 shapes, PBX XML and gateway key/value CDRs.
//! A CDR the recorder accepted must read back from its journal text unchanged.
#![no_main]

use callrec::recorder::cdr_intake::{Received, parse_request, sent_time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (query, body) = match data.iter().position(|&b| b == 0) {
        Some(at) => (std::str::from_utf8(&data[..at]).ok(), &data[at + 1..]),
        None => (None, data),
    };
    let _ = sent_time(query, body);
    let Ok(received) = parse_request(query, body) else {
        return;
    };
    for cdr in received {
        let _ = cdr.dedup_key();
        let back = Received::from_text(&cdr.text());
        assert_eq!(back, cdr, "the journal text does not read back");
    }
});
