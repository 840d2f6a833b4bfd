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

/// Reads every frame of a capture and passes it to `on_frame`.
///
/// Errors only when nothing could be read at all (not a capture, unreadable);
/// damage later in the file is reported in the summary.
pub fn read_frames<R, F>(mut source: R, on_frame: F) -> Result<CaptureSummary, MediaError>
where
    R: Read + Send,
    F: FnMut(&Frame<'_>),
{
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

/// Reads the records of a classic pcap file whose header has been read.
fn read_classic<R, F>(mut source: R, header: ClassicHeader, mut on_frame: F) -> CaptureSummary
where
    R: Read,
    F: FnMut(&Frame<'_>),
{
    const RECORD_HEADER: usize = 16;
    let mut summary = CaptureSummary {
        format: CaptureFormat::Pcap,
        bytes: 24,
        ..CaptureSummary::default()
    };
    let units = if header.nanoseconds {
        1_000_000_000
    } else {
        1_000_000
    };
    let mut buffer = vec![0u8; READ_BUFFER];
    // buffer[at..end] holds bytes read and not yet consumed
    let (mut at, mut end) = (0, 0);
    let mut exhausted = false;
    loop {
        let held = end - at;
        let wanted = if held >= RECORD_HEADER {
            let caplen = header.u32_at(&buffer, at + 8) as usize;
            if caplen > MAX_RECORD {
                summary.truncated = true;
                summary.warnings.push(format!(
                    "record larger than {MAX_RECORD} bytes: treated as corruption, reading stopped"
                ));
                break;
            }
            RECORD_HEADER + caplen
        } else {
            RECORD_HEADER
        };
        if held >= wanted {
            let seconds = header.u32_at(&buffer, at);
            let fraction = header.u32_at(&buffer, at + 4);
            let time = CaptureTime::from_parts(i64::from(seconds), u64::from(fraction), units);
            summary.frames += 1;
            on_frame(&Frame {
                time,
                link: header.link,
                data: &buffer[at + RECORD_HEADER..at + wanted],
            });
            at += wanted;
            summary.bytes += wanted as u64;
            continue;
        }
        if exhausted {
            if held > 0 {
                summary.truncated = true;
                summary.warnings.push(format!(
                    "capture ends inside a record ({held} bytes left over): the file was cut short"
                ));
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
        other => MediaError::NotACapture(format!("unreadable capture header: {other:?}")),
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
                    "corrupt record after {} frames ({other:?}); reading stopped",
                    summary.frames
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

#[cfg(test)]
mod tests {
    use super::*;

    type Frames = Vec<(i64, i32, Vec<u8>)>;

    fn try_frames_of(bytes: &[u8], by_hand: bool) -> Result<(Frames, CaptureSummary), MediaError> {
        let mut frames = Vec::new();
        let on_frame = |f: &Frame<'_>| frames.push((f.time.0, f.link.0, f.data.to_vec()));
        let summary = if by_hand {
            read_frames(bytes, on_frame)
        } else {
            read_with_parser(bytes, on_frame)
        }?;
        Ok((frames, summary))
    }

    fn frames_of(bytes: &[u8], by_hand: bool) -> (Frames, CaptureSummary) {
        try_frames_of(bytes, by_hand).expect("readable")
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
            let whole = frames_of(&file, true);
            assert_eq!(whole, frames_of(&file, false));
            assert_eq!(whole.0.len(), 200);
            assert!(!whole.1.truncated);
            for cut in (0..file.len())
                .step_by(97)
                .chain([file.len() - 1, 25, 24, 23])
            {
                if cut < 24 {
                    // no whole file header: not a capture (or an empty one)
                    let result = try_frames_of(&file[..cut], true);
                    assert!(result.is_err() || result.is_ok_and(|(f, _)| f.is_empty()));
                    continue;
                }
                let (frames, summary) = frames_of(&file[..cut], true);
                let (expected, reference) = frames_of(&file[..cut], false);
                assert_eq!(frames, expected, "cut at {cut}");
                assert_eq!(summary.truncated, reference.truncated, "cut at {cut}");
                assert_eq!(summary.frames, reference.frames);
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
        let (frames, summary) = frames_of(&file, true);
        assert!(frames.is_empty());
        assert!(summary.truncated);
        assert!(
            summary.warnings[0].contains("corruption"),
            "{:?}",
            summary.warnings
        );
    }
}
