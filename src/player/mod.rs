//! The Player's engine and catalog: finding records and playing them. No drawing here
//! (that is `ui`); everything is usable from tests without a window.

pub mod back_off;
pub mod bucket_source;
pub mod catalog;
pub mod catalog_entry;
pub mod catalog_index;
pub mod decode;
pub mod details;
pub mod engine;
pub mod filter;
pub mod marks;
pub mod model;
pub mod model_playback;
pub mod party_names;
pub mod permissions;
pub mod playlist;
pub mod preferences;
pub mod record_jobs;
pub mod record_ops;
pub mod recorder_names;
pub mod remote;
pub mod remote_catalog;
pub mod remote_control;
pub mod session;
pub mod store_watch;
pub mod stream;
pub mod wall_clock;
