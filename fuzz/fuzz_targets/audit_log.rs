//! Fuzzes the activity log check: any bytes as `iREC_Player_log.txt`. The chain check
//! must report breaks, never panic.
#![no_main]

use std::io::Cursor;

use callrec::archive::audit::verify_chain_from;
use callrec::archive::identity::TrustedKeys;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = verify_chain_from(Cursor::new(data), &TrustedKeys::default());
});
