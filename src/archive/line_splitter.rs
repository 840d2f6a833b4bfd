//! Lines out of a stream that comes in pieces (an object read from a bucket): a line
//! may be split across pieces, and a "line" longer than any callrec writes is damage
//! that must not grow a buffer without bound.

/// Cuts pieces into lines (without their `\n` or `\r\n`), dropping any line longer
/// than its bound.
pub struct LineSplitter {
    pending: Vec<u8>,
    /// Within a line already found too long (its start was dropped).
    overlong: bool,
    max_line: usize,
}

impl LineSplitter {
    pub fn new(max_line: usize) -> LineSplitter {
        LineSplitter {
            pending: Vec::new(),
            overlong: false,
            max_line,
        }
    }

    /// Hands each line completed by `piece` to `each`.
    pub fn feed(&mut self, piece: &[u8], mut each: impl FnMut(&str)) {
        self.pending.extend_from_slice(piece);
        let mut start = 0;
        while let Some(end) = self.pending[start..].iter().position(|b| *b == b'\n') {
            if !self.overlong {
                each(&line_of(&self.pending[start..start + end]));
            }
            self.overlong = false;
            start += end + 1;
        }
        self.pending.drain(..start);
        if self.pending.len() > self.max_line {
            self.pending.clear();
            self.overlong = true;
        }
    }

    /// Hands the last line, when the stream did not end with `\n`, to `each`.
    pub fn finish(self, mut each: impl FnMut(&str)) {
        if !self.pending.is_empty() && !self.overlong {
            each(&line_of(&self.pending));
        }
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
        let mut lines = Vec::new();
        let mut splitter = LineSplitter::new(max_line);
        for piece in pieces {
            splitter.feed(piece, |l| lines.push(l.to_string()));
        }
        splitter.finish(|l| lines.push(l.to_string()));
        lines
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
    }
}
