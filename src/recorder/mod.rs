//! The recorder: receives captures and CDRs, applies the recording rules, and archives
//! every call through the archive layer. Async on tokio; the archiving itself (CPU and
//! disk bound) runs on blocking threads.

pub mod address_budget;
pub mod appserver_link;
pub mod appserver_outbox;
pub mod auth_guard;
pub mod bucket_link;
pub mod cdr_intake;
pub mod cdr_journal;
pub mod cdr_watch;
pub mod clock_watch;
pub mod connection_limits;
pub mod digest_auth;
pub mod fresh_captures;
pub mod health;
pub mod licences;
pub mod log_files;
pub mod mailer;
pub mod modes;
pub mod pbx_link;
pub mod pipeline;
pub mod player_commands;
pub mod pull;
pub mod receiver;
pub mod retention;
pub mod rules;
pub mod service;
pub mod soap_wire;
pub mod spool;
pub mod status;
pub mod tans;
pub mod tls;
pub mod upload_file;
