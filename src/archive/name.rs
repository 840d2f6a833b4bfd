//! Record file names: what an operator reads in a folder listing, and what the Player
//! shows for a file that has no sidecar.
//!
//! Canonical form, in the local time of the call start:
//! `YYYY_MM_DD_HHMM_<internal>_<i|o>_<external>_<tta>_<uid>[_T<tan>].<ext>`.
//! The parser also reads the seed's other spellings
//! (`2013_09_24_1107_39.o.024_1_<uid>.wav`, `2014-05-12 14:00_24_i_012345_3_<uid>`)
//! and the `~N` suffix the flat backup folder adds on a collision.

use std::fmt;

/// The longest party number kept in a name; longer ones are cut (the sidecar keeps the whole).
pub const MAX_NUMBER: usize = 32;
/// The longest unique id kept in a name.
pub const MAX_UID: usize = 64;
/// Written for a party whose number is unknown or empty (anonymous caller).
pub const NO_NUMBER: &str = "-";

/// Who started the call, seen from the internal party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Direction {
    /// The external party called in (`i`).
    #[serde(rename = "i")]
    Incoming,
    /// The internal party called out (`o`).
    #[serde(rename = "o")]
    Outgoing,
}

impl Direction {
    pub fn letter(self) -> char {
        match self {
            Direction::Incoming => 'i',
            Direction::Outgoing => 'o',
        }
    }

    fn from_letter(text: &str) -> Option<Direction> {
        match text {
            "i" | "I" => Some(Direction::Incoming),
            "o" | "O" => Some(Direction::Outgoing),
            _ => None,
        }
    }
}

/// The local wall-clock minute a call started; names carry no seconds and no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalMinute {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// Whether a folder's name is a month folder's (`YYYY_MM`), in a store or a bucket.
pub fn is_month_folder(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7
        && b[4] == b'_'
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
}

impl LocalMinute {
    /// `YYYY_MM`: the month folder a record lives in.
    pub fn month_folder(&self) -> String {
        format!("{:04}_{:02}", self.year, self.month)
    }

    /// Are the fields in range (a date the name parser accepts)?
    pub fn valid(&self) -> bool {
        (1970..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
    }
}

impl From<jiff::civil::DateTime> for LocalMinute {
    fn from(t: jiff::civil::DateTime) -> Self {
        LocalMinute {
            year: t.year().clamp(0, 9999) as u16,
            month: t.month() as u8,
            day: t.day() as u8,
            hour: t.hour() as u8,
            minute: t.minute() as u8,
        }
    }
}

/// Everything a record's file name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordName {
    pub start: LocalMinute,
    /// Sanitised internal number, or [`NO_NUMBER`].
    pub internal: String,
    pub direction: Direction,
    /// Sanitised external number, or [`NO_NUMBER`].
    pub external: String,
    /// Seconds from the first ring to the answer.
    pub time_to_answer_s: u32,
    /// The call's unique id (the conference id for innovaphone calls).
    pub uid: String,
    /// The 6-digit transaction number an agent attached, if any.
    pub tan: Option<String>,
    /// Set only by the flat backup folder when another record already had this name.
    pub collision: Option<u32>,
    /// `wav`, `mp3`, `pcap`, `xml`, `txt`, …, lower case.
    pub extension: String,
}

/// Keeps what may appear in a party number inside a name: digits, letters, `+ * # -`.
/// Everything else is dropped, so no separator, dot, slash or NUL can reach the file
/// system; the result is at most [`MAX_NUMBER`] long and never empty.
pub fn sanitize_number(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '*' | '#' | '-'))
        .take(MAX_NUMBER)
        .collect();
    if kept.is_empty() {
        NO_NUMBER.to_string()
    } else {
        kept
    }
}

/// Keeps ASCII letters and digits of a unique id (conference ids are hex).
pub fn sanitize_uid(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(MAX_UID)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if kept.is_empty() {
        "0".to_string()
    } else {
        kept
    }
}

/// A TAN is up to 6 digits; anything else is not a TAN.
pub fn sanitize_tan(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty() && digits.len() <= 6).then_some(digits)
}

impl RecordName {
    /// Builds a name from raw values, sanitising every one of them.
    pub fn new(
        start: LocalMinute,
        internal: &str,
        direction: Direction,
        external: &str,
        time_to_answer_s: u32,
        uid: &str,
        extension: &str,
    ) -> RecordName {
        RecordName {
            start,
            internal: sanitize_number(internal),
            direction,
            external: sanitize_number(external),
            time_to_answer_s: time_to_answer_s.min(99_999),
            uid: sanitize_uid(uid),
            tan: None,
            collision: None,
            extension: sanitize_extension(extension),
        }
    }

    /// The name without extension; the audio, sidecar and notes share it.
    pub fn base(&self) -> String {
        let s = &self.start;
        let mut base = format!(
            "{:04}_{:02}_{:02}_{:02}{:02}_{}_{}_{}_{}_{}",
            s.year,
            s.month,
            s.day,
            s.hour,
            s.minute,
            self.internal,
            self.direction.letter(),
            self.external,
            self.time_to_answer_s,
            self.uid
        );
        if let Some(tan) = &self.tan {
            base.push_str("_T");
            base.push_str(tan);
        }
        if let Some(n) = self.collision {
            base.push_str(&format!("~{n}"));
        }
        base
    }

    /// The same record with another extension (audio → sidecar → notes).
    pub fn with_extension(&self, extension: &str) -> RecordName {
        RecordName {
            extension: sanitize_extension(extension),
            ..self.clone()
        }
    }

    /// Parses any of the spellings described in the module documentation.
    pub fn parse(file_name: &str) -> Result<RecordName, NameError> {
        let bad = |why: &str| NameError(format!("'{file_name}' is not a record name: {why}"));
        let (stem, extension) = match file_name.rsplit_once('.') {
            Some((stem, ext)) if is_extension(ext) => (stem, ext.to_ascii_lowercase()),
            _ => (file_name, String::new()),
        };
        let (start, rest) =
            parse_start(stem).ok_or_else(|| bad("no date and time at the start"))?;
        if !start.valid() {
            return Err(bad("the date or time is out of range"));
        }
        let (rest, collision) = match rest.rsplit_once('~') {
            Some((rest, n)) => (
                rest,
                Some(n.parse::<u32>().map_err(|_| bad("bad ~N suffix"))?),
            ),
            None => (rest, None),
        };
        let mut fields: Vec<&str> = rest.split('_').collect();
        // The dotted spelling joins internal, direction and external with dots.
        if let Some(first) = fields.first().copied() {
            let dotted: Vec<&str> = first.split('.').collect();
            if dotted.len() == 3 {
                fields.splice(0..1, dotted);
            }
        }
        if fields.len() < 5 {
            return Err(bad("too few fields after the time"));
        }
        let direction =
            Direction::from_letter(fields[1]).ok_or_else(|| bad("direction is not i or o"))?;
        let time_to_answer_s = fields[3]
            .parse::<u32>()
            .map_err(|_| bad("time to answer is not a number"))?;
        let uid = fields[4];
        let mut tan = None;
        for field in &fields[5..] {
            match field.strip_prefix('T').and_then(sanitize_tan) {
                Some(t) => tan = Some(t),
                None => return Err(bad("unexpected field after the unique id")),
            }
        }
        Ok(RecordName {
            start,
            internal: sanitize_number(fields[0]),
            direction,
            external: sanitize_number(fields[2]),
            time_to_answer_s,
            uid: sanitize_uid(uid),
            tan,
            collision,
            extension,
        })
    }
}

impl fmt::Display for RecordName {
    /// The name a file gets. A name read without an extension (the seed's examples
    /// have none) is written without one too, so that it reads back the same.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.extension.is_empty() {
            write!(f, "{}", self.base())
        } else {
            write!(f, "{}.{}", self.base(), self.extension)
        }
    }
}

/// Why a file name is not a record name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(pub String);

fn sanitize_extension(raw: &str) -> String {
    let kept: String = raw
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(5)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if kept.is_empty() {
        "bin".to_string()
    } else {
        kept
    }
}

fn is_extension(ext: &str) -> bool {
    (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Reads `YYYY_MM_DD_HHMM_` or `YYYY-MM-DD HH:MM_` and returns the rest.
fn parse_start(stem: &str) -> Option<(LocalMinute, &str)> {
    let b = stem.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u16> {
        let s = stem.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())
            .flatten()
    };
    let (hour_at, minute_at, rest_at) = match (b.get(4), b.get(7), b.get(10)) {
        (Some(b'_'), Some(b'_'), Some(b'_')) => (11, 13, 15),
        (Some(b'-'), Some(b'-'), Some(b' ')) if b.get(13) == Some(&b':') => (11, 14, 16),
        _ => return None,
    };
    if b.get(rest_at) != Some(&b'_') {
        return None;
    }
    let start = LocalMinute {
        year: num(0..4)?,
        month: num(5..7)? as u8,
        day: num(8..10)? as u8,
        hour: num(hour_at..hour_at + 2)? as u8,
        minute: num(minute_at..minute_at + 2)? as u8,
    };
    Some((start, &stem[rest_at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute() -> LocalMinute {
        LocalMinute {
            year: 2013,
            month: 6,
            day: 24,
            hour: 16,
            minute: 38,
        }
    }

    #[test]
    fn canonical_name_matches_the_seed_example() {
        let name = RecordName::new(
            minute(),
            "39",
            Direction::Outgoing,
            "0800102",
            7,
            "75c1f48e909d31188fc00903306225f",
            "wav",
        );
        assert_eq!(
            name.to_string(),
            "2013_06_24_1638_39_o_0800102_7_75c1f48e909d31188fc00903306225f.wav"
        );
        assert_eq!(RecordName::parse(&name.to_string()).unwrap(), name);
    }

    #[test]
    fn reads_the_seed_spellings() {
        let dotted = RecordName::parse("2013_09_24_1107_39.o.024_1_abc123.wav").unwrap();
        assert_eq!(dotted.internal, "39");
        assert_eq!(dotted.direction, Direction::Outgoing);
        assert_eq!(dotted.external, "024");
        assert_eq!(dotted.time_to_answer_s, 1);
        assert_eq!(dotted.uid, "abc123");
        let dashed = RecordName::parse("2014-05-12 14:00_24_i_012345_3_UID").unwrap();
        assert_eq!(dashed.start.hour, 14);
        assert_eq!(dashed.internal, "24");
        assert_eq!(dashed.external, "012345");
        assert_eq!(dashed.extension, "");
        // found by fuzzing: a name without an extension printed a trailing dot, and
        // that no longer read back
        assert_eq!(dashed.to_string(), "2014_05_12_1400_24_i_012345_3_uid");
        assert_eq!(RecordName::parse(&dashed.to_string()).unwrap(), dashed);
        let tan = RecordName::parse("2014_05_12_1400_24_i_012345_3_ab_T000123~2.mp3").unwrap();
        assert_eq!(tan.tan.as_deref(), Some("000123"));
        assert_eq!(tan.collision, Some(2));
        assert_eq!(tan.base(), "2014_05_12_1400_24_i_012345_3_ab_T000123~2");
    }

    #[test]
    fn rejects_what_is_not_a_record() {
        for name in [
            "notes.txt",
            "2013_13_24_1638_39_o_1_7_u.wav",
            "2013_06_24_1638_39_x_1_7_u.wav",
            "2013_06_24_1638_39_o_1_seven_u.wav",
            "2013_06_24_1638_39_o_1_7_u_extra.wav",
        ] {
            assert!(RecordName::parse(name).is_err(), "{name}");
        }
    }

    #[test]
    fn hostile_numbers_cannot_leave_the_folder() {
        for hostile in [
            "../../etc/passwd",
            "%2e%2e%2f",
            "/absolute",
            "C:\\Windows",
            "a\0b",
            "",
            &"9".repeat(500),
        ] {
            let name = RecordName::new(
                minute(),
                hostile,
                Direction::Incoming,
                hostile,
                1,
                hostile,
                hostile,
            );
            let text = name.to_string();
            assert!(!text.contains('/') && !text.contains('\\') && !text.contains('\0'));
            assert!(!text.contains(".."), "{text}");
            assert!(text.len() < 200, "{text}");
            assert_eq!(RecordName::parse(&text).unwrap(), name);
        }
    }
}
