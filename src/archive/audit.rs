//! The central activity log `STORE/TMP/iREC_Player_log.txt`, made into a hash chain.
//!
//! It stays a text file a person can read (the seed's promise: every operation of every
//! Player at a glance), but every line carries the SHA-256 of the line before it and an
//! Ed25519 signature of its writer. A line removed, changed or inserted breaks the chain
//! at that point; a record that the chain says is stored but is gone from disk without
//! a `deleted` or `moved` line is *missing*.
//!
//! One line, tab-separated:
//! `time  action  record  actor  detail  signer=ed-…  prev=<64 hex>  sig=<base64>`
//! The signature covers the line up to and including the `prev=` field. Writers on
//! several PCs share the file; an exclusive file lock serialises their appends.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

use super::identity::{Identity, TrustedKeys};

/// `prev=` of the first chained line when the log was empty.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Longest free-text detail kept in a line.
const MAX_DETAIL: usize = 1000;
/// Longest line the verifier accepts (a longer one is damage, not ours).
const MAX_LINE: usize = 8192;

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// The recorder archived it.
    Stored,
    Played,
    /// Copied out of the archive (decrypted); the record stays.
    Copied,
    /// Moved elsewhere; `detail` is `to=<store-relative path>` when it stays in the store.
    Moved,
    Deleted,
    /// Notes were written.
    Note,
    /// A TAN was set; `detail` is `to=<new store-relative path>` (the name changes).
    Tan,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Stored => "stored",
            Action::Played => "played",
            Action::Copied => "copied",
            Action::Moved => "moved",
            Action::Deleted => "deleted",
            Action::Note => "note",
            Action::Tan => "tan",
        }
    }

    pub fn parse(text: &str) -> Option<Action> {
        [
            Action::Stored,
            Action::Played,
            Action::Copied,
            Action::Moved,
            Action::Deleted,
            Action::Note,
            Action::Tan,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One event to log.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub action: Action,
    /// Store-relative path of the record's audio file, `/`-separated.
    pub record: &'a str,
    /// Who did it (recorder name, or Player user).
    pub actor: &'a str,
    pub detail: &'a str,
}

/// Appends one signed, chained line. Safe against concurrent writers in other
/// processes (exclusive lock); a line left half-written by a crashed writer is cut off
/// first, since it never became part of the chain.
pub fn append(log: &Path, entry: &Entry<'_>, identity: &Identity) -> io::Result<()> {
    if let Some(parent) = log.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(log)?;
    file.lock()?;
    let result = (|| {
        let (last, complete_len) = last_line(&mut file)?;
        if complete_len != file.metadata()?.len() {
            file.set_len(complete_len)?;
        }
        let prev = match last {
            Some(line) => hex::encode(Sha256::digest(line.as_bytes())),
            None => GENESIS.to_string(),
        };
        let time = jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .unwrap_or(jiff::Timestamp::now());
        let body = format!(
            "{time}\t{}\t{}\t{}\t{}\tsigner={}\tprev={prev}",
            entry.action.as_str(),
            clean(entry.record),
            clean(entry.actor),
            clean(entry.detail),
            identity.public().id(),
        );
        let signature = BASE64.encode(identity.sign(body.as_bytes()));
        file.write_all(format!("{body}\tsig={signature}\n").as_bytes())?;
        file.sync_data()
    })();
    let unlocked = file.unlock();
    result.and(unlocked)
}

/// Whether the log has a `stored` line for `record` (a linear scan: used only when
/// recovering from an interrupted run).
pub fn has_stored(log: &Path, record: &str) -> io::Result<bool> {
    has_action(log, Action::Stored, record)
}

/// Whether the log has a line of `action` for `record` (a step an earlier, cut run
/// already wrote).
pub fn has_action(log: &Path, action: Action, record: &str) -> io::Result<bool> {
    let file = match File::open(log) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let needle = format!("\t{}\t{}\t", action.as_str(), clean(record));
    for line in BufReader::new(file).split(b'\n') {
        if String::from_utf8_lossy(&line?).contains(&needle) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Tabs and line breaks would break the format; overlong text is cut.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_DETAIL)
        .collect()
}

/// The last complete line (without its newline) and the length of the file up to the
/// end of it. Reads backwards from the end, so appends stay fast on a large log.
fn last_line(file: &mut File) -> io::Result<(Option<String>, u64)> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((None, 0));
    }
    let mut tail = Vec::new();
    let mut from = len;
    loop {
        let step = from.min(4096);
        from -= step;
        let mut block = vec![0u8; step as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut block)?;
        block.extend_from_slice(&tail);
        tail = block;
        // the last newline ends the last complete line; the one before starts it
        let newlines: Vec<usize> = tail
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        if let Some(&end) = newlines.last() {
            let start = if newlines.len() >= 2 {
                Some(newlines[newlines.len() - 2] + 1)
            } else if from == 0 {
                Some(0)
            } else {
                None
            };
            if let Some(start) = start {
                let line = String::from_utf8_lossy(&tail[start..end]).into_owned();
                return Ok((Some(line), from + end as u64 + 1));
            }
        } else if from == 0 {
            // a single line without newline: left by a crashed writer
            return Ok((None, 0));
        }
        if tail.len() > 1 << 20 {
            return Err(io::Error::other("the audit log's last line is over 1 MiB"));
        }
    }
}

/// One parsed, chained line.
#[derive(Debug, Clone)]
pub struct Line {
    pub number: usize,
    pub time: String,
    pub action: Action,
    pub record: String,
    pub actor: String,
    pub detail: String,
    pub signer: String,
}

/// What the chain says, and where it is broken.
#[derive(Debug, Default)]
pub struct ChainReport {
    pub lines: usize,
    /// Lines before the first chained line (a seed-era log); shown, not trusted.
    pub legacy_lines: usize,
    /// `(line number, reason)` for every break.
    pub breaks: Vec<(usize, String)>,
    /// Store-relative record path → the line that put it there, for records the chain
    /// says should be in the store now.
    pub present: BTreeMap<String, usize>,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }
}

/// Lines whose signatures are checked together, in parallel.
const BATCH: usize = 4096;

/// A line whose chain link is sound and whose signature is still to be checked.
struct Pending {
    body: String,
    signature: Vec<u8>,
    line: Line,
}

/// Reads and checks the whole chain. A missing log is an empty, intact chain.
/// The hash links are followed in order; signatures, the costly part, are checked in
/// parallel batches.
pub fn verify_chain(log: &Path, trusted: &TrustedKeys) -> io::Result<ChainReport> {
    let file = match File::open(log) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ChainReport::default()),
        Err(e) => return Err(e),
    };
    verify_chain_from(BufReader::with_capacity(1 << 20, file), trusted)
}

/// [`verify_chain`] on a log's text from any reader (the fuzzer's way in).
pub fn verify_chain_from(
    mut reader: impl BufRead,
    trusted: &TrustedKeys,
) -> io::Result<ChainReport> {
    let mut report = ChainReport::default();
    let mut prev_hash = GENESIS.to_string();
    let mut chained = false;
    let mut raw = Vec::new();
    let mut number = 0;
    let mut batch: Vec<Pending> = Vec::with_capacity(BATCH);
    loop {
        raw.clear();
        let n = reader.read_until(b'\n', &mut raw)?;
        if n == 0 {
            break;
        }
        number += 1;
        report.lines += 1;
        let complete = raw.last() == Some(&b'\n');
        if complete {
            raw.pop();
        }
        let text = String::from_utf8_lossy(&raw);
        let hash = hex::encode(Sha256::digest(&raw));
        if !complete {
            report
                .breaks
                .push((number, "the last line is incomplete".into()));
        } else if raw.len() > MAX_LINE {
            report.breaks.push((number, "the line is too long".into()));
        } else if !chained && !text.contains("\tprev=") {
            report.legacy_lines += 1;
        } else {
            chained = true;
            match parse_line(&text, &prev_hash, number) {
                Ok(pending) => batch.push(pending),
                Err(why) => report.breaks.push((number, why)),
            }
            if batch.len() == BATCH {
                check_batch(&mut batch, trusted, &mut report);
            }
        }
        prev_hash = hash;
    }
    check_batch(&mut batch, trusted, &mut report);
    report.breaks.sort_by_key(|(n, _)| *n);
    Ok(report)
}

fn check_batch(batch: &mut Vec<Pending>, trusted: &TrustedKeys, report: &mut ChainReport) {
    use rayon::prelude::*;
    let verdicts: Vec<Result<(), String>> = batch
        .par_iter()
        .map(|p| {
            let key = trusted
                .get(&p.line.signer)
                .ok_or_else(|| format!("signer {} is not a trusted key", p.line.signer))?;
            if key.verify(p.body.as_bytes(), &p.signature) {
                Ok(())
            } else {
                Err("the line was changed: its signature does not match".into())
            }
        })
        .collect();
    for (pending, verdict) in batch.drain(..).zip(verdicts) {
        match verdict {
            Ok(()) => apply(&mut report.present, pending.line),
            Err(why) => report.breaks.push((pending.line.number, why)),
        }
    }
}

fn parse_line(text: &str, prev_hash: &str, number: usize) -> Result<Pending, String> {
    let (body, sig) = text
        .rsplit_once("\tsig=")
        .ok_or("the line has no signature")?;
    let fields: Vec<&str> = body.split('\t').collect();
    if fields.len() != 7 {
        return Err(format!("the line has {} fields, not 7", fields.len()));
    }
    let prev = fields[6].strip_prefix("prev=").ok_or("no prev= field")?;
    if prev != prev_hash {
        return Err(
            "the chain is broken: the line before it was changed, removed or inserted".into(),
        );
    }
    let signer = fields[5]
        .strip_prefix("signer=")
        .ok_or("no signer= field")?;
    let signature = BASE64
        .decode(sig)
        .map_err(|_| "the signature is not base64")?;
    let action =
        Action::parse(fields[1]).ok_or_else(|| format!("unknown action '{}'", fields[1]))?;
    Ok(Pending {
        body: body.to_string(),
        signature,
        line: Line {
            number,
            time: fields[0].to_string(),
            action,
            record: fields[2].to_string(),
            actor: fields[3].to_string(),
            detail: fields[4].to_string(),
            signer: signer.to_string(),
        },
    })
}

/// Updates the set of records that should be present.
fn apply(present: &mut BTreeMap<String, usize>, line: Line) {
    // only a destination inside the store (`YYYY_MM/name`) stays expected on disk
    let moved_to = line
        .detail
        .strip_prefix("to=")
        .filter(|to| is_store_relative(to))
        .map(str::to_string);
    match line.action {
        Action::Stored => {
            present.insert(line.record, line.number);
        }
        Action::Deleted => {
            present.remove(&line.record);
        }
        Action::Moved | Action::Tan => {
            if present.remove(&line.record).is_some()
                && let Some(to) = moved_to
            {
                present.insert(to, line.number);
            }
        }
        Action::Played | Action::Copied | Action::Note => {}
    }
}

/// `YYYY_MM/<file>`: how the log names a record inside the store.
fn is_store_relative(path: &str) -> bool {
    match path.split_once('/') {
        Some((month, file)) => {
            month.len() == 7
                && month.as_bytes()[4] == b'_'
                && month
                    .bytes()
                    .enumerate()
                    .all(|(i, c)| i == 4 || c.is_ascii_digit())
                && !file.is_empty()
                && !file.contains(['/', '\\'])
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(id: &Identity) -> TrustedKeys {
        let mut t = TrustedKeys::default();
        t.add(id.public());
        t
    }

    fn entry(action: Action, record: &str) -> Entry<'_> {
        Entry {
            action,
            record,
            actor: "front desk",
            detail: "",
        }
    }

    #[test]
    fn a_chain_verifies_and_tracks_what_should_be_present() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.txt");
        let id = Identity::generate();
        append(&log, &entry(Action::Stored, "2026_01/a.wav"), &id).unwrap();
        append(&log, &entry(Action::Stored, "2026_01/b.wav"), &id).unwrap();
        append(&log, &entry(Action::Played, "2026_01/a.wav"), &id).unwrap();
        append(&log, &entry(Action::Deleted, "2026_01/b.wav"), &id).unwrap();
        let tan = Entry {
            detail: "to=2026_01/a_T000123.wav",
            ..entry(Action::Tan, "2026_01/a.wav")
        };
        append(&log, &tan, &id).unwrap();
        let report = verify_chain(&log, &trusted(&id)).unwrap();
        assert!(report.is_intact(), "{:?}", report.breaks);
        assert_eq!(report.lines, 5);
        assert_eq!(
            report.present.keys().collect::<Vec<_>>(),
            vec!["2026_01/a_T000123.wav"]
        );
    }

    #[test]
    fn every_flipped_byte_breaks_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.txt");
        let id = Identity::generate();
        for r in ["x/1.wav", "x/2.wav", "x/3.wav"] {
            append(&log, &entry(Action::Stored, r), &id).unwrap();
        }
        let original = std::fs::read(&log).unwrap();
        for at in 0..original.len() {
            let mut bytes = original.clone();
            bytes[at] ^= 0x01;
            std::fs::write(&log, &bytes).unwrap();
            let report = verify_chain(&log, &trusted(&id)).unwrap();
            assert!(!report.is_intact(), "flip at {at} went unnoticed");
        }
    }

    #[test]
    fn a_half_written_line_is_cut_before_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.txt");
        let id = Identity::generate();
        append(&log, &entry(Action::Stored, "x/1.wav"), &id).unwrap();
        let mut f = OpenOptions::new().append(true).open(&log).unwrap();
        f.write_all(b"2026-01-01T00:00:00Z\tstored\tx/2.w").unwrap();
        drop(f);
        assert!(!verify_chain(&log, &trusted(&id)).unwrap().is_intact());
        append(&log, &entry(Action::Stored, "x/3.wav"), &id).unwrap();
        let report = verify_chain(&log, &trusted(&id)).unwrap();
        assert!(report.is_intact(), "{:?}", report.breaks);
        assert_eq!(report.lines, 2);
    }
}
