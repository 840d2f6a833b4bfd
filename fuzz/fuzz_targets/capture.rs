//! Fuzzes the capture reader, link layers, RTP, timeline and decoders end to end:
//! any byte string is a "capture"; the converter must return, never panic or hang.
#![no_main]

use std::io::Cursor;

use callrec::media::{self, ConvertOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ConvertOptions::default();
    let _ = media::convert(|| Ok(Cursor::new(data)), &options, Box::new(std::io::sink()));
});
