//! Fuzzes the setup file reader (`callrec-setup.xml`, sealed secrets included) and
//! the recorder configuration built from what it read.
#![no_main]

use callrec::archive::setup::{SETUP_KEYS, Setup};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(setup) = Setup::from_text(std::path::Path::new("/nonexistent"), text) else {
        return;
    };
    for key in SETUP_KEYS {
        let _ = setup.get(key.name);
    }
    let _ = setup.listing();
    let _ = setup.key_ring();
});
