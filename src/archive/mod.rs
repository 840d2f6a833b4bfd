//! The archive: how records are named, described, signed, sealed, logged and checked.
//! Seed-compatible on disk (`STORE/YYYY_MM/`, `.xml` sidecar, `TMP/iREC_Player_log.txt`),
//! and verifiable by anyone who holds a recorder's public key. `docs/ARCHIVE.md` is the
//! format specification; this module is its implementation.
//!
//! Depends on `media` (to convert captures); knows nothing of the recorder service or UI.

pub mod accounts;
pub mod aligned_buffer;
pub mod audio_crypt;
pub mod audit;
pub mod bucket;
pub mod bucket_outbox;
pub mod bucket_upload;
pub mod bucket_verify;
pub mod byte_budget;
pub mod call_sheet;
pub mod cdr;
pub mod control_command;
pub mod converter_presence;
pub mod direct_file;
pub mod evidence;
pub mod export;
pub mod identity;
pub mod keyring;
pub mod line_splitter;
pub mod metadata;
pub mod name;
pub mod ops;
pub mod pcap_converter;
pub mod record;
pub mod setup;
pub mod sidecar;
pub mod source_name;
pub mod store;
pub mod verify;

pub use name::{Direction, RecordName};
pub use sidecar::Verdict;
pub use store::Store;
