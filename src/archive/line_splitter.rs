//! Lines out of a byte stream that comes in pieces — a socket (the AppServer link, a
//! Player's control port) or an object read from a bucket (an activity log) — holding
//! at most a bound of an unfinished line: a longer one is thrown away up to its end, so
//! a sender without newlines cannot make it grow. Bytes that are not UTF-8 become
//! U+FFFD. Hand-written because the stream codecs end the stream at the first overlong
//! or non-UTF-8 line, and one bad line must not cut a link or hide the rest of a log.

/// Cuts pieces into lines (LF or CR LF, without them).
pub struct LineSplitter {
    held: Vec<u8>,
    /// Inside a line that was too long: drop bytes until its newline.
    dropping: bool,
    max_line: usize,
    /// Overlong lines thrown away so far.
    pub overlong: u64,
}

impl LineSplitter {
    /// A splitter that keeps lines of at most `max_line` bytes.
    pub fn new(max_line: usize) -> LineSplitter {
        LineSplitter {
            held: Vec::new(),
            dropping: false,
            max_line,
            overlong: 0,
        }
    }

    /// Takes received bytes; returns the lines they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut lines = Vec::new();
        for chunk in bytes.split_inclusive(|b| *b == b'\n') {
            let ends = chunk.last() == Some(&b'\n');
            let body = if ends {
                &chunk[..chunk.len() - 1]
            } else {
                chunk
            };
            if !self.dropping {
                if self.held.len() + body.len() > self.max_line {
                    self.held.clear();
                    self.dropping = true;
                    self.overlong += 1;
                } else {
                    self.held.extend_from_slice(body);
                }
            }
            if ends {
                if !self.dropping {
                    lines.push(line_of(&self.held));
                }
                self.held.clear();
                self.dropping = false;
            }
        }
        lines
    }

    /// The last line, when the stream ended without a newline after it.
    pub fn finish(self) -> Option<String> {
        (!self.held.is_empty() && !self.dropping).then(|| line_of(&self.held))
    }
}

fn line_of(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.strip_suffix('\r').unwrap_or(&text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(pieces: &[&[u8]], max_line: usize) -> Vec<String> {
        let mut splitter = LineSplitter::new(max_line);
        let mut lines = Vec::new();
        for piece in pieces {
            lines.extend(splitter.feed(piece));
        }
        lines.extend(splitter.finish());
        lines
    }

    /// A Player's control port's bound.
    const MAX_LINE: usize = 512;

    #[test]
    fn lines_are_cut_at_newlines_and_overlong_ones_thrown_away() {
        let mut splitter = LineSplitter::new(MAX_LINE);
        assert!(splitter.feed(b"!STOP!Ro").is_empty());
        assert_eq!(
            splitter.feed(b"ssi\r\n!EJEC!a\n!PA"),
            ["!STOP!Rossi", "!EJEC!a"]
        );
        assert_eq!(splitter.feed(b"US!b\n"), ["!PAUS!b"]);
        let flood = vec![b'x'; 10 * MAX_LINE];
        assert!(splitter.feed(&flood).is_empty());
        assert!(splitter.feed(&flood).is_empty());
        assert!(splitter.held.len() <= MAX_LINE);
        assert_eq!(splitter.feed(b"tail\n!STOP!c\n"), ["!STOP!c"]);
        assert_eq!(splitter.overlong, 1);
        assert_eq!(splitter.feed(b"\xff\xfe\n"), ["\u{fffd}\u{fffd}"]);
    }

    #[test]
    fn lines_split_across_pieces_come_out_whole() {
        assert_eq!(
            split(&[b"one\ntw", b"o\r\n", b"", b"thr", b"ee"], 100),
            ["one", "two", "three"]
        );
        assert_eq!(split(&[b"a\n\nb\n"], 100), ["a", "", "b"]);
    }

    #[test]
    fn a_line_longer_than_the_bound_is_dropped_whole_and_the_next_kept() {
        let long = vec![b'x'; 50];
        assert_eq!(
            split(&[b"short\n", &long, &long, b"tail of long\nnext\n"], 20),
            ["short", "next"]
        );
        assert_eq!(split(&[b"ok\n", &long], 20), ["ok"]);
        let mut splitter = LineSplitter::new(20);
        splitter.feed(&long);
        splitter.feed(b"\n");
        assert_eq!(splitter.overlong, 1, "counted");
    }
}
