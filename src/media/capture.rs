//! Capture file reader: classic pcap (both byte orders, µs and ns) and pcapng.
//!
//! The reader streams: it hands each frame to a callback and keeps only a bounded
//! read buffer, so memory does not grow with the length of the call. A file that
//! ends in the middle of a record yields every complete frame plus a warning,
//! because a recording whose writer was interrupted (PBX restart, full disk) is
//! still evidence and must not be thrown away.
//!
//! Classic pcap, the format every innovaphone device writes, is read here by hand:
//! a 24-byte file header and a 16-byte header per record are all there is to it, and
//! the general reader of `pcap_parser` (kept for pcapng) cost an eighth of a whole
//! conversion in its per-record bookkeeping. A test reads random and cut files both
//! ways and requires the same frames and the same verdict.

use std::io::Read;

use pcap_parser::pcapng::Block;
use pcap_parser::{PcapBlockOwned, PcapError, create_reader};

use super::MediaError;
use super::time::CaptureTime;

/// Initial read buffer. Grown on demand up to [`MAX_RECORD`] for jumbo frames.
const READ_BUFFER: usize = 256 * 1024;
/// Largest single record accepted; bigger length fields are treated as corruption
/// instead of an instruction to allocate gigabytes.
const MAX_RECORD: usize = 4 * 1024 * 1024;

/// The link-layer framing of a frame, as named in the capture header
/// (pcap `network` field or pcapng interface description).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkType(pub i32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW_OLD: LinkType = LinkType(12);
    pub const RAW_OLD2: LinkType = LinkType(14);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);
}

/// One captured frame as the capture file stores it.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// When the capturing device saw the frame.
    pub time: CaptureTime,
    pub link: LinkType,
    /// The bytes that were captured (may be shorter than the frame on the wire).
    pub data: &'a [u8],
}

/// What the reader learned about the file besides its frames.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaptureSummary {
    pub format: CaptureFormat,
    pub frames: u64,
    /// Bytes of the capture file consumed.
    pub bytes: u64,
    /// The file ended inside a record or had a corrupt record; frames before it were delivered.
    pub truncated: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptureFormat {
    #[default]
    Pcap,
    Pcapng,
}

/// Per-interface facts from a pcapng Interface Description Block.
#[derive(Debug, Clone, Copy)]
struct Interface {
    link: LinkType,
    /// Timestamp units per second (10^6 unless `if_tsresol` says otherwise).
    resolution: u64,
    offset: i64,
}

/// Where a capture is read from. A source that holds the whole capture in memory says
/// so, and its frames are then parsed where they lie instead of being copied into a
/// read buffer first (two copies of every capture the recorder archives).
pub trait CaptureInput: Read + Send {
    /// The whole capture, when it is in memory.
    fn whole(&self) -> Option<&[u8]> {
        None
    }
}

impl CaptureInput for std::fs::File {}

impl<R: Read + Send> CaptureInput for std::io::BufReader<R> {}

impl CaptureInput for &[u8] {
    fn whole(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl<T: AsRef<[u8]> + Send> CaptureInput for std::io::Cursor<T> {
    fn whole(&self) -> Option<&[u8]> {
        let bytes = self.get_ref().as_ref();
        bytes.get(usize::try_from(self.position()).ok()?..)
    }
}

/// Reads every frame of a capture and passes it to `on_frame`.
///
/// Errors only when nothing could be read at all (not a capture, unreadable);
/// damage later in the file is reported in the summary.
pub fn read_frames<R, F>(mut source: R, on_frame: F) -> Result<CaptureSummary, MediaError>
where
    R: CaptureInput,
    F: FnMut(&Frame<'_>),
{
    if let Some(bytes) = source.whole()
        && let Some(header) = ClassicHeader::parse(bytes)
    {
        return Ok(read_classic_in_place(&bytes[24..], header, on_frame));
    }
    let mut start = [0u8; 24];
    let got = read_up_to(&mut source, &mut start)?;
    if let Some(header) = ClassicHeader::parse(&start[..got]) {
        return Ok(read_classic(source, header, on_frame));
    }
    let start = Prefixed {
        prefix: start,
        at: 0,
        end: got,
        source,
    };
    read_with_parser(start, on_frame)
}

/// The bytes read to recognise the format, then the rest of the source, in reads as
/// large as the caller asks for: `pcap_parser` expects its first read to return a
/// whole file header.
struct Prefixed<R> {
    prefix: [u8; 24],
    at: usize,
    end: usize,
    source: R,
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (self.end - self.at).min(buf.len());
        buf[..n].copy_from_slice(&self.prefix[self.at..self.at + n]);
        self.at += n;
        if n == buf.len() {
            return Ok(n);
        }
        match self.source.read(&mut buf[n..]) {
            Ok(more) => Ok(n + more),
            Err(_) if n > 0 => Ok(n),
            Err(e) => Err(e),
        }
    }
}

/// Reads until `buffer` is full or the source ends; returns how much was read.
fn read_up_to<R: Read>(source: &mut R, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buffer.len() {
        match source.read(&mut buffer[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// The file header of a classic pcap file.
#[derive(Debug, Clone, Copy)]
struct ClassicHeader {
    big_endian: bool,
    nanoseconds: bool,
    link: LinkType,
}

impl ClassicHeader {
    fn parse(bytes: &[u8]) -> Option<ClassicHeader> {
        if bytes.len() < 24 {
            return None;
        }
        let magic = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let (big_endian, nanoseconds) = match magic {
            0xa1b2_c3d4 => (false, false),
            0xa1b2_3c4d => (false, true),
            0xd4c3_b2a1 => (true, false),
            0x4d3c_b2a1 => (true, true),
            _ => return None,
        };
        let header = ClassicHeader {
            big_endian,
            nanoseconds,
            link: LinkType(0),
        };
        Some(ClassicHeader {
            link: LinkType(header.u32_at(bytes, 20) as i32),
            ..header
        })
    }

    fn u32_at(&self, bytes: &[u8], at: usize) -> u32 {
        let b = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }
}

const RECORD_HEADER: usize = 16;

/// Why [`take_records`] stopped.
enum Stop {
    /// The next record needs this many bytes from where it stopped.
    NeedMore(usize),
    /// A record length no capture has: reading ends here.
    Corrupt,
}

/// Hands every whole record at the start of `bytes` to `on_frame`, where it lies;
/// returns how many bytes those records took and why it stopped.
fn take_records<F>(
    bytes: &[u8],
    header: ClassicHeader,
    summary: &mut CaptureSummary,
    on_frame: &mut F,
) -> (usize, Stop)
where
    F: FnMut(&Frame<'_>),
{
    let units = if header.nanoseconds {
        1_000_000_000
    } else {
        1_000_000
    };
    let mut at = 0;
    loop {
        let held = bytes.len() - at;
        if held < RECORD_HEADER {
            return (at, Stop::NeedMore(RECORD_HEADER));
        }
        let caplen = header.u32_at(bytes, at + 8) as usize;
        if caplen > MAX_RECORD {
            summary.truncated = true;
            summary.warnings.push(format!(
                "record larger than {MAX_RECORD} bytes: treated as corruption, reading stopped"
            ));
            return (at, Stop::Corrupt);
        }
        let wanted = RECORD_HEADER + caplen;
        if held < wanted {
            return (at, Stop::NeedMore(wanted));
        }
        let seconds = header.u32_at(bytes, at);
        let fraction = header.u32_at(bytes, at + 4);
        let time = CaptureTime::from_parts(i64::from(seconds), u64::from(fraction), units);
        summary.frames += 1;
        on_frame(&Frame {
            time,
            link: header.link,
            data: &bytes[at + RECORD_HEADER..at + wanted],
        });
        at += wanted;
        summary.bytes += wanted as u64;
    }
}

fn classic_summary() -> CaptureSummary {
    CaptureSummary {
        format: CaptureFormat::Pcap,
        bytes: 24,
        ..CaptureSummary::default()
    }
}

fn cut_short(summary: &mut CaptureSummary, left: usize) {
    summary.truncated = true;
    summary.warnings.push(format!(
        "capture ends inside a record ({left} bytes left over): the file was cut short"
    ));
}

/// Reads the records of a classic pcap file held in memory, without copying them.
fn read_classic_in_place<F>(
    records: &[u8],
    header: ClassicHeader,
    mut on_frame: F,
) -> CaptureSummary
where
    F: FnMut(&Frame<'_>),
{
    let mut summary = classic_summary();
    let (used, stop) = take_records(records, header, &mut summary, &mut on_frame);
    if matches!(stop, Stop::NeedMore(_)) && used < records.len() {
        cut_short(&mut summary, records.len() - used);
    }
    summary
}

/// Reads the records of a classic pcap file whose header has been read.
fn read_classic<R, F>(mut source: R, header: ClassicHeader, mut on_frame: F) -> CaptureSummary
where
    R: Read,
    F: FnMut(&Frame<'_>),
{
    let mut summary = classic_summary();
    let mut buffer = vec![0u8; READ_BUFFER];
    // buffer[at..end] holds bytes read and not yet consumed
    let (mut at, mut end) = (0, 0);
    let mut exhausted = false;
    loop {
        let (used, stop) = take_records(&buffer[at..end], header, &mut summary, &mut on_frame);
        at += used;
        let Stop::NeedMore(wanted) = stop else {
            break;
        };
        let held = end - at;
        if exhausted {
            if held > 0 {
                cut_short(&mut summary, held);
            }
            break;
        }
        // Move what is left of the buffer to its front and fill the rest.
        buffer.copy_within(at..end, 0);
        (at, end) = (0, held);
        if buffer.len() < wanted {
            buffer.resize(wanted.next_power_of_two(), 0);
        }
        while end < wanted && !exhausted {
            match source.read(&mut buffer[end..]) {
                Ok(0) => exhausted = true,
                Ok(n) => end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    summary.truncated = true;
                    summary
                        .warnings
                        .push("read error in the middle of the capture".into());
                    return summary;
                }
            }
        }
    }
    summary
}

/// Reads a capture of any format with `pcap_parser` (pcapng, and anything not classic pcap).
fn read_with_parser<R, F>(source: R, mut on_frame: F) -> Result<CaptureSummary, MediaError>
where
    R: Read + Send,
    F: FnMut(&Frame<'_>),
{
    let mut reader = create_reader(READ_BUFFER, source).map_err(|e| match e {
        PcapError::Eof => MediaError::NotACapture("the file is empty".into()),
        PcapError::HeaderNotRecognized => {
            MediaError::NotACapture("no pcap or pcapng magic number at the start".into())
        }
        PcapError::ReadError => MediaError::Io(std::io::Error::other("read failed")),
        other => {
            MediaError::NotACapture(format!("unreadable capture header: {}", in_words(&other)))
        }
    })?;

    let mut summary = CaptureSummary::default();
    let mut legacy_link = LinkType::ETHERNET;
    let mut legacy_nanos = false;
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut capacity = READ_BUFFER;

    loop {
        match reader.next() {
            Ok((offset, block)) => {
                summary.bytes += offset as u64;
                match block {
                    PcapBlockOwned::LegacyHeader(header) => {
                        summary.format = CaptureFormat::Pcap;
                        legacy_link = LinkType(header.network.0);
                        legacy_nanos = header.is_nanosecond_precision();
                    }
                    PcapBlockOwned::Legacy(record) => {
                        let sub = if legacy_nanos {
                            1_000_000_000
                        } else {
                            1_000_000
                        };
                        let time = CaptureTime::from_parts(
                            i64::from(record.ts_sec),
                            u64::from(record.ts_usec),
                            sub,
                        );
                        let len = (record.caplen as usize).min(record.data.len());
                        summary.frames += 1;
                        on_frame(&Frame {
                            time,
                            link: legacy_link,
                            data: &record.data[..len],
                        });
                    }
                    PcapBlockOwned::NG(block) => {
                        summary.format = CaptureFormat::Pcapng;
                        match block {
                            Block::SectionHeader(_) => interfaces.clear(),
                            Block::InterfaceDescription(idb) => interfaces.push(Interface {
                                link: LinkType(idb.linktype.0),
                                resolution: idb.ts_resolution().unwrap_or(1_000_000).max(1),
                                offset: idb.ts_offset(),
                            }),
                            Block::EnhancedPacket(epb) => {
                                match interfaces.get(epb.if_id as usize) {
                                    Some(iface) => {
                                        let raw =
                                            (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                                        let time = CaptureTime::from_units(
                                            raw,
                                            iface.resolution,
                                            iface.offset,
                                        );
                                        let len = (epb.caplen as usize).min(epb.data.len());
                                        summary.frames += 1;
                                        on_frame(&Frame {
                                            time,
                                            link: iface.link,
                                            data: &epb.data[..len],
                                        });
                                    }
                                    None => push_once(
                                        &mut summary.warnings,
                                        "pcapng packet names an interface that was never described; skipped",
                                    ),
                                }
                            }
                            Block::SimplePacket(spb) => {
                                // Simple packets carry no timestamp: they cannot be placed on a
                                // timeline, so they are counted and skipped.
                                let _ = spb;
                                push_once(
                                    &mut summary.warnings,
                                    "pcapng simple packet blocks carry no time and were skipped",
                                );
                            }
                            _ => {}
                        }
                    }
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::UnexpectedEof) => {
                summary.truncated = true;
                summary.warnings.push(format!(
                    "capture ends inside a record after {} frames: the file was cut short",
                    summary.frames
                ));
                break;
            }
            Err(PcapError::Incomplete(_)) => {
                if reader.reader_exhausted() {
                    if !reader.data().is_empty() {
                        summary.truncated = true;
                        summary.warnings.push(format!(
                            "capture ends inside a record ({} bytes left over): the file was cut short",
                            reader.data().len()
                        ));
                    }
                    break;
                }
                let before = reader.data().len();
                if reader.refill().is_err() {
                    summary.truncated = true;
                    summary
                        .warnings
                        .push("read error in the middle of the capture".into());
                    break;
                }
                if reader.data().len() == before && !reader.reader_exhausted() {
                    // The buffer is full yet holds no complete record: grow it, within reason.
                    if capacity >= MAX_RECORD {
                        summary.truncated = true;
                        summary.warnings.push(format!(
                            "record larger than {MAX_RECORD} bytes: treated as corruption, reading stopped"
                        ));
                        break;
                    }
                    capacity *= 2;
                    reader.grow(capacity);
                }
            }
            Err(other) => {
                summary.truncated = true;
                summary.warnings.push(format!(
                    "corrupt record after {} frames ({}); reading stopped",
                    summary.frames,
                    in_words(&other)
                ));
                break;
            }
        }
    }
    Ok(summary)
}

fn push_once(warnings: &mut Vec<String>, text: &str) {
    if !warnings.iter().any(|w| w == text) {
        warnings.push(text.to_string());
    }
}

/// A reader's error in words: the parser's own text for a malformed record quotes the
/// raw input bytes, which tells an operator nothing.
fn in_words<I>(e: &PcapError<I>) -> String
where
    I: std::fmt::Debug,
{
    match e {
        PcapError::NomError(..) | PcapError::OwnedNomError(..) => {
            "the data does not follow the pcap format".into()
        }
        PcapError::Incomplete(_) | PcapError::UnexpectedEof => {
            "the file ends inside a record".into()
        }
        PcapError::BufferTooSmall => "a record larger than the reader allows".into(),
        other => other.to_string().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Frames = Vec<(i64, i32, Vec<u8>)>;

    /// The three ways a capture is read.
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Way {
        /// by hand, parsed where it lies in memory
        InPlace,
        /// by hand, through the read buffer
        Streamed,
        /// by `pcap_parser`, the reference
        Parser,
    }

    /// A source that does not say it is in memory.
    struct Streamed<'a>(&'a [u8]);
    impl Read for Streamed<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }
    impl CaptureInput for Streamed<'_> {}

    fn try_frames_of(bytes: &[u8], way: Way) -> Result<(Frames, CaptureSummary), MediaError> {
        let mut frames = Vec::new();
        let on_frame = |f: &Frame<'_>| frames.push((f.time.0, f.link.0, f.data.to_vec()));
        let summary = match way {
            Way::InPlace => read_frames(bytes, on_frame),
            Way::Streamed => read_frames(Streamed(bytes), on_frame),
            Way::Parser => read_with_parser(bytes, on_frame),
        }?;
        Ok((frames, summary))
    }

    fn frames_of(bytes: &[u8], way: Way) -> (Frames, CaptureSummary) {
        try_frames_of(bytes, way).expect("readable")
    }

    /// The hand-written reader and `pcap_parser` give the same frames, times and
    /// verdict for random classic captures in both byte orders and resolutions, cut
    /// at every place, read through a source that hands out few bytes at a time.
    #[test]
    fn classic_pcap_reads_as_pcap_parser_reads_it() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: u64| rng.random_range(0..n);
        for round in 0..8 {
            let big_endian = round % 2 == 1;
            let nanoseconds = round / 2 % 2 == 1;
            let put = |out: &mut Vec<u8>, v: u32| {
                out.extend_from_slice(&if big_endian {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                })
            };
            let mut file = Vec::new();
            put(
                &mut file,
                if nanoseconds {
                    0xa1b2_3c4d
                } else {
                    0xa1b2_c3d4
                },
            );
            file.extend_from_slice(&if big_endian {
                [0, 2, 0, 4]
            } else {
                [2, 0, 4, 0]
            });
            put(&mut file, 0);
            put(&mut file, 0);
            put(&mut file, 65535);
            put(&mut file, [1, 101, 113][round % 3]);
            for _ in 0..200 {
                let len = next(1600) as u32;
                put(&mut file, 1_700_000_000 + next(100) as u32);
                put(
                    &mut file,
                    next(if nanoseconds {
                        1_000_000_000
                    } else {
                        1_000_000
                    }) as u32,
                );
                put(&mut file, len);
                put(&mut file, len + next(3) as u32);
                file.extend((0..len).map(|_| next(256) as u8));
            }
            let whole = frames_of(&file, Way::Parser);
            assert_eq!(whole.0.len(), 200);
            assert!(!whole.1.truncated);
            for way in [Way::InPlace, Way::Streamed] {
                assert_eq!(whole, frames_of(&file, way), "{way:?}");
            }
            for cut in (0..file.len())
                .step_by(97)
                .chain([file.len() - 1, 25, 24, 23])
            {
                for way in [Way::InPlace, Way::Streamed] {
                    if cut < 24 {
                        // no whole file header: not a capture (or an empty one)
                        let result = try_frames_of(&file[..cut], way);
                        assert!(result.is_err() || result.is_ok_and(|(f, _)| f.is_empty()));
                        continue;
                    }
                    let (frames, summary) = frames_of(&file[..cut], way);
                    let (expected, reference) = frames_of(&file[..cut], Way::Parser);
                    assert_eq!(frames, expected, "{way:?} cut at {cut}");
                    assert_eq!(
                        summary.truncated, reference.truncated,
                        "{way:?} cut at {cut}"
                    );
                    assert_eq!(summary.frames, reference.frames);
                    assert_eq!(summary.bytes, reference.bytes, "{way:?} cut at {cut}");
                }
            }
            // a source that returns a few bytes per read
            struct Trickle<'a>(&'a [u8]);
            impl Read for Trickle<'_> {
                fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                    let n = buf.len().min(self.0.len()).min(7);
                    buf[..n].copy_from_slice(&self.0[..n]);
                    self.0 = &self.0[n..];
                    Ok(n)
                }
            }
            impl CaptureInput for Trickle<'_> {}
            let mut trickled = Vec::new();
            read_frames(Trickle(&file), |f| trickled.push(f.data.to_vec())).expect("read");
            assert_eq!(trickled.len(), 200);
        }
    }

    #[test]
    fn an_absurd_record_length_is_corruption_not_an_allocation() {
        let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.to_le_bytes());
        file.extend_from_slice(&1u32.to_le_bytes());
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&u32::MAX.to_le_bytes());
        file.extend_from_slice(&u32::MAX.to_le_bytes());
        for way in [Way::InPlace, Way::Streamed] {
            let (frames, summary) = frames_of(&file, way);
            assert!(frames.is_empty());
            assert!(summary.truncated);
            assert!(
                summary.warnings[0].contains("corruption"),
                "{:?}",
                summary.warnings
            );
        }
    }
}
