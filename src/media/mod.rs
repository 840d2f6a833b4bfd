//! The media core: a call capture becomes aligned stereo audio.
//!
//! Synchronous and file-agnostic: it reads from `Read` sources and writes to `Write`
//! sinks, and knows nothing of CDRs or the archive. The pipeline is
//! capture reader → link layers → RTP → per-party timeline → codec → mixer → writer,
//! in two passes over the capture (measure, then render) so that memory stays flat
//! however long the call.

pub mod analysis;
pub mod capture;
pub mod capture_source;
pub mod codec;
pub mod convert;
pub mod flow_routes;
pub mod link;
pub mod mixer;
pub mod passthrough;
pub mod payload_map;
pub mod recent_pair;
pub mod render;
pub mod rtp;
pub mod sides;
pub mod sip;
pub mod synth;
pub mod time;
pub mod writer;

pub use convert::{ConvertOptions, Outcome, Report, convert, convert_file, inspect};
pub use sides::{ChannelMap, Party};
pub use writer::{Mix, OutputFormat};

/// Errors of the media layer. Each names what could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("not a capture file: {0}")]
    NotACapture(String),
    #[error("no RTP audio stream found in the capture")]
    NoMedia,
    /// Past the bounds that keep memory small: hostile or random data, not a call.
    #[error("the capture holds {0}: not a call recording (refused to keep memory bounded)")]
    TooComplex(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}
