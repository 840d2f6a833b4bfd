//! Capture file reader: classic pcap (both byte orders, µs and ns) and pcapng.
//!
//! The reader streams: it hands each frame to a callback and keeps only a bounded
//! read buffer, so memory does not grow with the length of the call. A file that
//! ends in the middle of a record yields every complete frame plus a warning,
//! because a recording whose writer was interrupted (PBX restart, full disk) is
//! still evidence and must not be thrown away.

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
pub fn read_frames<R, F>(source: R, mut on_frame: F) -> Result<CaptureSummary, MediaError>
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
