//! Fuzzes what external applications send: bytes from an AppServer's or a browser's
//! connection cut into lines (never more than the bound held), each read as a command
//! for the recorder and for a Player; a command that parses names no path and prints
//! back to a line that parses to the same command.
#![no_main]

use callrec::archive::control_command::{
    AllowList, LineSplitter, MAX_LINE, parse_for_player, parse_for_recorder,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut splitter = LineSplitter::default();
    for chunk in data.chunks(97) {
        for line in splitter.feed(chunk) {
            assert!(line.len() <= MAX_LINE * 3, "{} bytes held", line.len());
            if let Ok(addressed) = parse_for_recorder(&line) {
                assert!(addressed.player.is_some());
                let again = parse_for_player(&addressed.command.to_line())
                    .expect("a printed command parses");
                assert_eq!(again.command, addressed.command);
            }
            if let Ok(addressed) = parse_for_player(&line)
                && let callrec::archive::control_command::ControlCommand::Play(Some(track)) =
                    &addressed.command
            {
                assert!(!track.contains('/') && !track.contains('\\') && !track.contains(".."));
            }
            let _ = AllowList::parse(&line);
        }
    }
});
