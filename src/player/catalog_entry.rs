//! One record in the Player's list, kept small: a million of them must fit in a few
//! hundred megabytes and filter in milliseconds. The record's canonical name is one
//! string; the numbers, the unique id and the TAN are spans into it, and the date,
//! direction and sizes are plain numbers, so a filter touches one allocation per record.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, SystemTime};

use crate::archive::name::{Direction, LocalMinute, RecordName};

/// Where a part of the name lies in [`Entry::text`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Span {
    start: u16,
    len: u16,
}

impl Span {
    fn of<'t>(&self, text: &'t str) -> &'t str {
        &text[usize::from(self.start)..usize::from(self.start) + usize::from(self.len)]
    }
}

/// A record of the store, as the list shows it.
#[derive(Debug)]
pub struct Entry {
    /// The month folder; shared by every record of that folder.
    folder: Arc<Path>,
    /// The canonical name (`2026_11_27_0930_21_i_0301…_3_<uid>.wav`); for a file spelled
    /// otherwise (the seed's older forms), then `/` and the file's own name.
    text: Box<str>,
    internal: Span,
    external: Span,
    uid: Span,
    /// Empty: no TAN.
    tan: Span,
    start: LocalMinute,
    direction: Direction,
    pub has_sidecar: bool,
    /// Whether the audio starts with callrec's encryption header: read on first use
    /// (for the rows on screen), not for every record at start. 0: not read yet,
    /// 1: plain, 2: encrypted; atomic so that filters can run on several threads.
    encrypted: AtomicU8,
    time_to_answer_s: u32,
    collision: Option<u32>,
    pub size: u64,
    /// When the file was written, in nanoseconds since 1970: orders the calls of one
    /// minute (names carry minutes).
    modified_ns: u64,
}

/// The canonical name of `name` with the spans of its parts; the same text as
/// `RecordName`'s `Display` (a unit test holds them together).
fn canonical(name: &RecordName) -> Option<(String, [Span; 4])> {
    use std::fmt::Write;
    let mut text = String::with_capacity(80);
    let push = |text: &mut String, part: &str| -> Option<Span> {
        let start = u16::try_from(text.len()).ok()?;
        text.push_str(part);
        Some(Span {
            start,
            len: u16::try_from(part.len()).ok()?,
        })
    };
    let s = &name.start;
    let _ = write!(
        text,
        "{:04}_{:02}_{:02}_{:02}{:02}_",
        s.year, s.month, s.day, s.hour, s.minute
    );
    let internal = push(&mut text, &name.internal)?;
    let _ = write!(text, "_{}_", name.direction.letter());
    let external = push(&mut text, &name.external)?;
    let _ = write!(text, "_{}_", name.time_to_answer_s);
    let uid = push(&mut text, &name.uid)?;
    let tan = match &name.tan {
        Some(tan) => {
            text.push_str("_T");
            push(&mut text, tan)?
        }
        None => push(&mut text, "")?,
    };
    if let Some(n) = name.collision {
        let _ = write!(text, "~{n}");
    }
    if !name.extension.is_empty() {
        text.push('.');
        text.push_str(&name.extension);
    }
    Some((text, [internal, external, uid, tan]))
}

fn nanos_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Entry {
    /// The entry for the file `file` in `folder`; `None` when the name is not a record
    /// name.
    pub fn new(
        folder: Arc<Path>,
        file: &str,
        size: u64,
        modified: SystemTime,
        has_sidecar: bool,
    ) -> Option<Entry> {
        let name = RecordName::parse(file).ok()?;
        let (mut text, [internal, external, uid, tan]) = canonical(&name)?;
        if text != file {
            text.push('/');
            text.push_str(file);
        }
        Some(Entry {
            folder,
            text: text.into_boxed_str(),
            internal,
            external,
            uid,
            tan,
            start: name.start,
            direction: name.direction,
            has_sidecar,
            encrypted: AtomicU8::new(0),
            time_to_answer_s: name.time_to_answer_s,
            collision: name.collision,
            size,
            modified_ns: nanos_since_epoch(modified),
        })
    }

    /// The file's name in its folder.
    pub fn file_name(&self) -> &str {
        self.text
            .split_once('/')
            .map_or(&*self.text, |(_, file)| file)
    }

    /// The audio file.
    pub fn audio(&self) -> PathBuf {
        self.folder.join(self.file_name())
    }

    /// The month folder.
    pub fn folder(&self) -> &Arc<Path> {
        &self.folder
    }

    /// Is this the record whose audio is `path`? Compares without building a path.
    pub fn is(&self, path: &Path) -> bool {
        path.file_name()
            .is_some_and(|f| f.to_str() == Some(self.file_name()))
            && path.parent() == Some(&*self.folder)
    }

    pub fn internal(&self) -> &str {
        self.internal.of(&self.text)
    }

    pub fn external(&self) -> &str {
        self.external.of(&self.text)
    }

    pub fn uid(&self) -> &str {
        self.uid.of(&self.text)
    }

    pub fn tan(&self) -> Option<&str> {
        (self.tan.len > 0).then(|| self.tan.of(&self.text))
    }

    pub fn start(&self) -> LocalMinute {
        self.start
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    pub fn time_to_answer_s(&self) -> u32 {
        self.time_to_answer_s
    }

    pub fn modified(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_nanos(self.modified_ns)
    }

    /// Everything the name says, as the archive layer reads it.
    pub fn name(&self) -> RecordName {
        let canonical = self.text.split_once('/').map_or(&*self.text, |(c, _)| c);
        RecordName {
            start: self.start,
            internal: self.internal().to_string(),
            direction: self.direction,
            external: self.external().to_string(),
            time_to_answer_s: self.time_to_answer_s,
            uid: self.uid().to_string(),
            tan: self.tan().map(str::to_string),
            collision: self.collision,
            extension: canonical
                .rsplit_once('.')
                .map(|(_, e)| e.to_string())
                .unwrap_or_default(),
        }
    }

    pub fn encrypted(&self) -> bool {
        match self.encrypted.load(Ordering::Relaxed) {
            0 => {
                let mut head = [0u8; 16];
                let encrypted = std::fs::File::open(self.audio())
                    .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                    .is_ok_and(|n| crate::archive::audio_crypt::is_encrypted(&head[..n]));
                self.encrypted
                    .store(1 + u8::from(encrypted), Ordering::Relaxed);
                encrypted
            }
            known => known == 2,
        }
    }

    /// Sort key: local start minute, then arrival, then the unique id.
    pub fn key(&self) -> (LocalMinute, u64, &str) {
        (self.start, self.modified_ns, self.uid())
    }

    /// Appends this entry to an index file's body (see `catalog_index`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let text = self.text.as_bytes();
        out.extend_from_slice(&(text.len() as u16).to_le_bytes());
        out.extend_from_slice(text);
        for span in [self.internal, self.external, self.uid, self.tan] {
            out.extend_from_slice(&span.start.to_le_bytes());
            out.extend_from_slice(&span.len.to_le_bytes());
        }
        let s = &self.start;
        out.extend_from_slice(&s.year.to_le_bytes());
        out.extend_from_slice(&[s.month, s.day, s.hour, s.minute]);
        out.push(match self.direction {
            Direction::Incoming => b'i',
            Direction::Outgoing => b'o',
        });
        out.push(u8::from(self.has_sidecar));
        out.extend_from_slice(&self.time_to_answer_s.to_le_bytes());
        out.extend_from_slice(&self.collision.unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.modified_ns.to_le_bytes());
    }

    /// Reads one entry written by [`Entry::encode`]; `None` on anything malformed (the
    /// index is then not used).
    pub fn decode(bytes: &mut &[u8], folder: &Arc<Path>) -> Option<Entry> {
        let text_len = usize::from(u16::from_le_bytes(take(bytes)?));
        let text = std::str::from_utf8(bytes.get(..text_len)?).ok()?;
        *bytes = &bytes[text_len..];
        let mut spans = [Span::default(); 4];
        for span in &mut spans {
            *span = Span {
                start: u16::from_le_bytes(take(bytes)?),
                len: u16::from_le_bytes(take(bytes)?),
            };
            let end = usize::from(span.start) + usize::from(span.len);
            text.get(usize::from(span.start)..end)?;
        }
        let year = u16::from_le_bytes(take(bytes)?);
        let [month, day, hour, minute] = take(bytes)?;
        let start = LocalMinute {
            year,
            month,
            day,
            hour,
            minute,
        };
        if !start.valid() {
            return None;
        }
        let [direction, has_sidecar] = take(bytes)?;
        let direction = match direction {
            b'i' => Direction::Incoming,
            b'o' => Direction::Outgoing,
            _ => return None,
        };
        let time_to_answer_s = u32::from_le_bytes(take(bytes)?);
        let collision = u32::from_le_bytes(take(bytes)?);
        Some(Entry {
            folder: folder.clone(),
            text: text.into(),
            internal: spans[0],
            external: spans[1],
            uid: spans[2],
            tan: spans[3],
            start,
            direction,
            has_sidecar: has_sidecar != 0,
            encrypted: AtomicU8::new(0),
            time_to_answer_s,
            collision: (collision != u32::MAX).then_some(collision),
            size: u64::from_le_bytes(take(bytes)?),
            modified_ns: u64::from_le_bytes(take(bytes)?),
        })
    }
}

impl Clone for Entry {
    fn clone(&self) -> Entry {
        Entry {
            folder: self.folder.clone(),
            text: self.text.clone(),
            encrypted: AtomicU8::new(self.encrypted.load(Ordering::Relaxed)),
            ..*self
        }
    }
}

/// The next `N` bytes, or `None` at the end.
fn take<const N: usize>(bytes: &mut &[u8]) -> Option<[u8; N]> {
    let (head, rest) = bytes.split_first_chunk::<N>()?;
    *bytes = rest;
    Some(*head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> Arc<Path> {
        Arc::from(Path::new("/store/2026_11"))
    }

    #[test]
    fn canonical_text_is_the_record_names_display() {
        for file in [
            "2026_11_27_0930_21_i_0301234567_3_abc123.wav",
            "2026_11_27_0930_-_o_+49301234_0_ff00_T123456.wav",
            "2026_11_27_0930_21_i_030_3_abc~2.mp3",
        ] {
            let name = RecordName::parse(file).expect("name");
            assert_eq!(canonical(&name).expect("fits").0, name.to_string());
            let entry = Entry::new(folder(), file, 1, SystemTime::UNIX_EPOCH, true).unwrap();
            assert_eq!(entry.file_name(), file);
            assert_eq!(entry.name(), name);
            assert_eq!(entry.internal(), name.internal);
            assert_eq!(entry.external(), name.external);
            assert_eq!(entry.tan(), name.tan.as_deref());
        }
    }

    #[test]
    fn older_spellings_keep_their_file_name() {
        let file = "2013_09_24_1107_39.o.024_1_ABC.wav";
        let entry = Entry::new(folder(), file, 1, SystemTime::UNIX_EPOCH, false).unwrap();
        assert_eq!(entry.file_name(), file);
        assert_eq!(entry.internal(), "39");
        assert_eq!(entry.uid(), "abc");
        assert_eq!(entry.audio(), Path::new("/store/2026_11").join(file));
        assert!(entry.is(&Path::new("/store/2026_11").join(file)));
        assert!(!entry.is(&Path::new("/store/2026_10").join(file)));
    }

    #[test]
    fn encoding_round_trips_and_refuses_cut_bytes() {
        let modified = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
        let entry = Entry::new(
            folder(),
            "2026_11_27_0930_21_i_0301234567_3_abc123_T42.wav",
            4711,
            modified,
            true,
        )
        .unwrap();
        let mut bytes = Vec::new();
        entry.encode(&mut bytes);
        let back = Entry::decode(&mut bytes.as_slice(), &folder()).expect("decodes");
        assert_eq!(back.name(), entry.name());
        assert_eq!(
            (back.size, back.modified(), back.has_sidecar),
            (4711, modified, true)
        );
        for cut in 0..bytes.len() {
            assert!(Entry::decode(&mut &bytes[..cut], &folder()).is_none());
        }
    }
}
