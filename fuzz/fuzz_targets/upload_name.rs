//! Fuzzes the names that come from outside: an upload's file name (checked before it
//! touches the journal), the capture name's call ids, and record names (which the
//! Player parses from the store). A record name that parses must print back to a
//! name that parses to the same.
#![no_main]

use callrec::archive::name::RecordName;
use callrec::archive::source_name::SourceName;
use callrec::recorder::spool::valid_capture_name;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    if valid_capture_name(name) {
        assert!(!name.contains('/') && !name.contains('\\') && name != ".." && name != ".");
    }
    let _ = SourceName::parse(name);
    if let Ok(record) = RecordName::parse(name) {
        let text = record.to_string();
        assert_eq!(RecordName::parse(&text).ok(), Some(record), "{name:?} -> {text:?}");
    }
});
