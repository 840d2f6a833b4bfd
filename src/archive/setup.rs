//! The setup store: one XML file in the setup folder (`recpath=`), shared by the
//! recorder, the Player and every command.
//!
//! Seed semantics, kept: secrets in the file (keys, credentials) are encrypted; the
//! setup password is stored only as an Argon2id hash; the central password lives in
//! `STORE/TMP/SPlayer.xml`, so a fresh setup that points at an existing store must
//! know that password before it may save. Every key is in [`SETUP_KEYS`], which
//! `callrec help` and `docs/CONFIG.md` list.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};

use super::bucket::{BucketConfig, is_bucket_url};
use super::keyring::{ArchiveKey, KeyError, KeyRing};
use super::store::{Store, write_atomic, write_atomic_private};

/// File name of the setup inside the setup folder.
pub const SETUP_FILE: &str = "callrec-setup.xml";
const SETUP_VERSION: u32 = 1;
/// Seals secrets inside setup files. Like the seed's fixed key it is not a secret
/// (it is in this source); it keeps values out of casual sight, the password gate
/// and file permissions do the rest.
const SETUP_KEY: [u8; 32] = *b"callrec setup secrets key v1...!";
const SECRET_AAD: &[u8] = b"callrec-setup-secret-v1";

/// One setting. Its caption and help are texts (`setting-NAME` in `locales/*.ftl`), so
/// the setup dialog, its tooltips and F1 pages, `callrec help` and docs/CONFIG.md say
/// the same in each language.
///
/// Each key is described once here — its kind (with a number's range and unit, a
/// choice's words), its default, its tab — and the dialog's widget, the check, the
/// help and the typed getters ([`Setup::on`], [`Setup::number`], [`Setup::list`]) all
/// come from that entry.
pub struct SetupKey {
    pub name: &'static str,
    /// How the value is written, for the command line's help and the dialog's hint.
    pub values: &'static str,
    pub default: &'static str,
    pub secret: bool,
    pub kind: Kind,
    pub tab: SetupTab,
    /// A check beyond what the kind says (a folder that can be made, a URL's scheme…).
    pub check: Option<ValueCheck>,
}

/// A key's own check of a value: the reason in words when it is wrong.
pub type ValueCheck = fn(&str) -> Result<(), String>;

/// What kind of value a key takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `on` or `off`.
    Switch,
    /// A whole number from `min` to `max`, in `unit` (empty: a count).
    Number {
        min: u64,
        max: u64,
        unit: &'static str,
    },
    /// One of these words.
    Choice(&'static [&'static str]),
    Folder,
    /// A file (a certificate, a key).
    File,
    /// `ADDRESS:PORT` or `HOST:PORT`.
    Address,
    Url,
    /// `user:password`.
    Credentials,
    /// Comma-separated items.
    List,
    /// The Network Players' accounts, one per line.
    Accounts,
    Text,
}

/// The setup dialog's tabs, in the order a first setup goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupTab {
    General,
    Pbx,
    Reporting,
    PcapSource,
    Storage,
    Retention,
    Modes,
    Encryption,
    Email,
    Permissions,
    Players,
    Player,
    Interfaces,
}

impl SetupTab {
    pub const ALL: [SetupTab; 13] = [
        SetupTab::General,
        SetupTab::Pbx,
        SetupTab::Reporting,
        SetupTab::PcapSource,
        SetupTab::Storage,
        SetupTab::Retention,
        SetupTab::Modes,
        SetupTab::Encryption,
        SetupTab::Email,
        SetupTab::Permissions,
        SetupTab::Players,
        SetupTab::Player,
        SetupTab::Interfaces,
    ];

    /// The id of the tab's title in the language files (its `.help` is the tab's F1
    /// page).
    pub fn text_id(self) -> &'static str {
        match self {
            SetupTab::General => "tab-general",
            SetupTab::Pbx => "tab-pbx",
            SetupTab::Reporting => "tab-reporting",
            SetupTab::PcapSource => "tab-pcap",
            SetupTab::Storage => "tab-storage",
            SetupTab::Retention => "tab-retention",
            SetupTab::Modes => "tab-modes",
            SetupTab::Encryption => "tab-encryption",
            SetupTab::Email => "tab-email",
            SetupTab::Permissions => "tab-permissions",
            SetupTab::Players => "tab-players",
            SetupTab::Player => "tab-player",
            SetupTab::Interfaces => "tab-interfaces",
        }
    }

    /// The tab's title in the chosen language.
    pub fn title(self) -> String {
        crate::lang::t(self.text_id())
    }

    /// The keys on this tab, in the table's order.
    pub fn keys(self) -> impl Iterator<Item = &'static SetupKey> {
        SETUP_KEYS.iter().filter(move |k| k.tab == self)
    }
}

fn folder(v: &str) -> Result<(), String> {
    if v.contains('\0') {
        Err("must be a path".into())
    } else {
        Ok(())
    }
}

fn folder_or_bucket(v: &str) -> Result<(), String> {
    if super::bucket::is_bucket_url(v) {
        super::bucket::parse_bucket_url(v).map(|_| ())
    } else {
        folder(v)
    }
}

fn endpoint(v: &str) -> Result<(), String> {
    if v.is_empty() || v.starts_with("http://") || v.starts_with("https://") {
        Ok(())
    } else {
        Err("must be http://HOST:PORT or https://HOST:PORT".into())
    }
}

fn socket(v: &str) -> Result<(), String> {
    v.parse::<std::net::SocketAddr>()
        .map(|_| ())
        .map_err(|_| "must be ADDRESS:PORT, e.g. 0.0.0.0:8090".into())
}

fn source(v: &str) -> Result<(), String> {
    if !v.contains("://") {
        return folder(v);
    }
    http_url(v).map_err(|_| "must be an http:// or https:// URL, or a folder".into())
}

fn player_name(v: &str) -> Result<(), String> {
    if v.is_empty() || super::accounts::valid_name(v) {
        Ok(())
    } else {
        Err("must be 1 to 32 letters, digits, spaces, '.', '_' or '-'".into())
    }
}

fn networks(v: &str) -> Result<(), String> {
    super::control_command::AllowList::parse(v).map(|_| ())
}

fn accounts(v: &str) -> Result<(), String> {
    super::accounts::parse_accounts(v).map(|_| ())
}

fn months(v: &str) -> Result<(), String> {
    match v.parse::<u32>() {
        Ok(0) | Ok(2..=99) => Ok(()),
        _ => Err("must be 0 (keep for ever) or 2 to 99".into()),
    }
}

fn host_port(v: &str) -> Result<(), String> {
    match v.rsplit_once(':') {
        _ if v.is_empty() => Ok(()),
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err("must be HOST:PORT (e.g. mail.example.com:587), or empty".into()),
    }
}

fn addresses(v: &str) -> Result<(), String> {
    if v.split(',')
        .map(str::trim)
        .all(|a| a.is_empty() || (a.contains('@') && !a.contains(char::is_whitespace)))
    {
        Ok(())
    } else {
        Err("must be e-mail addresses, comma-separated".into())
    }
}

fn extensions(v: &str) -> Result<(), String> {
    if v.split(',').map(str::trim).all(|n| {
        n.is_empty()
            || n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '*' | '#' | '-'))
    }) {
        Ok(())
    } else {
        Err("must be a comma-separated list of extensions".into())
    }
}

fn digits_or_empty(v: &str) -> Result<(), String> {
    if v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be digits (at most 20), or empty".into())
    }
}

fn http_url(v: &str) -> Result<(), String> {
    let v = v.trim();
    if v.is_empty() || v.starts_with("http://") || v.starts_with("https://") {
        Ok(())
    } else {
        Err("must be an http:// or https:// URL, or empty".into())
    }
}

fn credentials(v: &str) -> Result<(), String> {
    if v.is_empty() || v.contains(':') {
        Ok(())
    } else {
        Err("must be user:password, or empty".into())
    }
}

fn name(v: &str) -> Result<(), String> {
    if v.chars().count() > 64 || v.chars().any(char::is_control) {
        Err("must be at most 64 printable characters".into())
    } else {
        Ok(())
    }
}

/// Every setting the setup holds.
pub const SETUP_KEYS: &[SetupKey] = &[
    SetupKey {
        name: "recorder",
        values: "a name",
        default: "callrec",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::General,
        check: Some(name),
    },
    SetupKey {
        name: "language",
        values: "auto|en|de",
        default: "auto",
        secret: false,
        kind: Kind::Choice(&["auto", "en", "de"]),
        tab: SetupTab::General,
        check: None,
    },
    SetupKey {
        name: "keeprecording",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::General,
        check: None,
    },
    SetupKey {
        name: "trace",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::General,
        check: None,
    },
    SetupKey {
        name: "logmb",
        values: "1 to 1000",
        default: "10",
        secret: false,
        kind: Kind::Number {
            min: 1,
            max: 1000,
            unit: "MB",
        },
        tab: SetupTab::General,
        check: None,
    },
    SetupKey {
        name: "clockskew",
        values: "0 to 86400 (seconds)",
        default: "60",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 86_400,
            unit: "s",
        },
        tab: SetupTab::General,
        check: None,
    },
    SetupKey {
        name: "pbx",
        values: "http(s)://PBX/PBX0/user.soap, or empty",
        default: "",
        secret: false,
        kind: Kind::Url,
        tab: SetupTab::Pbx,
        check: Some(http_url),
    },
    SetupKey {
        name: "pbx2",
        values: "http(s)://STANDBY-PBX/PBX0/user.soap, or empty",
        default: "",
        secret: false,
        kind: Kind::Url,
        tab: SetupTab::Pbx,
        check: Some(http_url),
    },
    SetupKey {
        name: "pbxuser",
        values: "a PBX user's long name",
        default: "callrec",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Pbx,
        check: None,
    },
    SetupKey {
        name: "pbxauth",
        values: "user:password, or empty",
        default: "",
        secret: true,
        kind: Kind::Credentials,
        tab: SetupTab::Pbx,
        check: Some(credentials),
    },
    SetupKey {
        name: "agents",
        values: "extensions, comma-separated",
        default: "",
        secret: false,
        kind: Kind::List,
        tab: SetupTab::Pbx,
        check: Some(extensions),
    },
    SetupKey {
        name: "group",
        values: "a PBX group name, or empty",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Pbx,
        check: Some(name),
    },
    SetupKey {
        name: "licences",
        values: "0 to 100000",
        default: "0",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 100_000,
            unit: "",
        },
        tab: SetupTab::Pbx,
        check: None,
    },
    SetupKey {
        name: "tanprefix",
        values: "digits, or empty",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Pbx,
        check: Some(digits_or_empty),
    },
    SetupKey {
        name: "cdrwait",
        values: "1 to 9999",
        default: "60",
        secret: false,
        kind: Kind::Number {
            min: 1,
            max: 9999,
            unit: "× 5 s",
        },
        tab: SetupTab::Reporting,
        check: None,
    },
    SetupKey {
        name: "orphans",
        values: "keep|delete",
        default: "keep",
        secret: false,
        kind: Kind::Choice(&["keep", "delete"]),
        tab: SetupTab::Reporting,
        check: None,
    },
    SetupKey {
        name: "cdralarm",
        values: "on|off",
        default: "on",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Reporting,
        check: None,
    },
    SetupKey {
        name: "cdrsilence",
        values: "0 to 1440 (minutes)",
        default: "15",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 1440,
            unit: "min",
        },
        tab: SetupTab::Reporting,
        check: None,
    },
    SetupKey {
        name: "listen",
        values: "ADDRESS:PORT",
        default: "127.0.0.1:8090",
        secret: false,
        kind: Kind::Address,
        tab: SetupTab::PcapSource,
        check: Some(socket),
    },
    SetupKey {
        name: "tlscert",
        values: "a PEM file, or empty",
        default: "",
        secret: false,
        kind: Kind::File,
        tab: SetupTab::PcapSource,
        check: Some(folder),
    },
    SetupKey {
        name: "tlskey",
        values: "a PEM file, or empty",
        default: "",
        secret: false,
        kind: Kind::File,
        tab: SetupTab::PcapSource,
        check: Some(folder),
    },
    SetupKey {
        name: "httpauth",
        values: "user:password, or empty",
        default: "",
        secret: true,
        kind: Kind::Credentials,
        tab: SetupTab::PcapSource,
        check: Some(credentials),
    },
    SetupKey {
        name: "allowopen",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::PcapSource,
        check: None,
    },
    SetupKey {
        name: "source",
        values: "http(s)://HOST/PATH/, a folder, or empty",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::PcapSource,
        check: Some(source),
    },
    SetupKey {
        name: "source2",
        values: "http(s)://HOST/PATH/, a folder, or empty",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::PcapSource,
        check: Some(source),
    },
    SetupKey {
        name: "sourceauth",
        values: "user:password, or empty",
        default: "",
        secret: true,
        kind: Kind::Credentials,
        tab: SetupTab::PcapSource,
        check: Some(credentials),
    },
    SetupKey {
        name: "sourcecert",
        values: "a PEM file, or empty",
        default: "",
        secret: false,
        kind: Kind::File,
        tab: SetupTab::PcapSource,
        check: Some(folder),
    },
    SetupKey {
        name: "poll",
        values: "1 to 300 seconds",
        default: "5",
        secret: false,
        kind: Kind::Number {
            min: 1,
            max: 300,
            unit: "s",
        },
        tab: SetupTab::PcapSource,
        check: None,
    },
    SetupKey {
        name: "maxpcapmb",
        values: "1 to 4096",
        default: "1024",
        secret: false,
        kind: Kind::Number {
            min: 1,
            max: 4096,
            unit: "MB",
        },
        tab: SetupTab::PcapSource,
        check: None,
    },
    SetupKey {
        name: "map",
        values: "auto|phone|gateway|swap",
        default: "auto",
        secret: false,
        kind: Kind::Choice(&["auto", "phone", "gateway", "swap"]),
        tab: SetupTab::PcapSource,
        check: None,
    },
    SetupKey {
        name: "store",
        values: "a folder, or s3://BUCKET/FOLDER",
        default: "",
        secret: false,
        kind: Kind::Folder,
        tab: SetupTab::Storage,
        check: Some(folder_or_bucket),
    },
    SetupKey {
        name: "backup",
        values: "a folder, s3://BUCKET/FOLDER, or empty",
        default: "",
        secret: false,
        kind: Kind::Folder,
        tab: SetupTab::Storage,
        check: Some(folder_or_bucket),
    },
    SetupKey {
        name: "s3endpoint",
        values: "http://HOST:PORT of the S3 API, or empty",
        default: "",
        secret: false,
        kind: Kind::Url,
        tab: SetupTab::Storage,
        check: Some(endpoint),
    },
    SetupKey {
        name: "s3key",
        values: "an access key id, or empty",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "s3secret",
        values: "the access key's secret, or empty",
        default: "",
        secret: true,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "s3region",
        values: "a region name",
        default: "us-east-1",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "journal",
        values: "a folder, or empty",
        default: "",
        secret: false,
        kind: Kind::Folder,
        tab: SetupTab::Storage,
        check: Some(folder),
    },
    SetupKey {
        name: "format",
        values: "alaw|ulaw|pcm|mp3|pcap",
        default: "alaw",
        secret: false,
        kind: Kind::Choice(&["alaw", "ulaw", "pcm", "mp3", "pcap"]),
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "mix",
        values: "stereo|mono|left|right",
        default: "stereo",
        secret: false,
        kind: Kind::Choice(&["stereo", "mono", "left", "right"]),
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "convertto",
        values: "alaw|ulaw|pcm|mp3",
        default: "alaw",
        secret: false,
        kind: Kind::Choice(&["alaw", "ulaw", "pcm", "mp3"]),
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "backups3endpoint",
        values: "http://HOST:PORT of another object store's S3 API, or empty (the archive's)",
        default: "",
        secret: false,
        kind: Kind::Url,
        tab: SetupTab::Storage,
        check: Some(endpoint),
    },
    SetupKey {
        name: "backups3key",
        values: "an access key id there, or empty (the archive's)",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "backups3secret",
        values: "that key's secret, or empty",
        default: "",
        secret: true,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "backups3region",
        values: "a region name, or empty (the archive's)",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Storage,
        check: None,
    },
    SetupKey {
        name: "keepmonths",
        values: "0, or 2 to 99",
        default: "0",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 99,
            unit: "months",
        },
        tab: SetupTab::Retention,
        check: Some(months),
    },
    SetupKey {
        name: "mode",
        values: "std|tcr",
        default: "std",
        secret: false,
        kind: Kind::Choice(&["std", "tcr"]),
        tab: SetupTab::Modes,
        check: None,
    },
    SetupKey {
        name: "tcrwindow",
        values: "0 to 1440 minutes",
        default: "5",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 1440,
            unit: "min",
        },
        tab: SetupTab::Modes,
        check: None,
    },
    SetupKey {
        name: "randomsystem",
        values: "0 to 1000",
        default: "0",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 1000,
            unit: "",
        },
        tab: SetupTab::Modes,
        check: None,
    },
    SetupKey {
        name: "randomagent",
        values: "0 to 1000",
        default: "0",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 1000,
            unit: "",
        },
        tab: SetupTab::Modes,
        check: None,
    },
    SetupKey {
        name: "encryptmetadata",
        values: "on|off",
        default: "on",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Encryption,
        check: None,
    },
    SetupKey {
        name: "encryptaudio",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Encryption,
        check: None,
    },
    SetupKey {
        name: "customerkey",
        values: "a passphrase, or empty",
        default: "",
        secret: true,
        kind: Kind::Text,
        tab: SetupTab::Encryption,
        check: None,
    },
    SetupKey {
        name: "readkey",
        values: "a passphrase",
        default: "",
        secret: true,
        kind: Kind::Text,
        tab: SetupTab::Encryption,
        check: None,
    },
    SetupKey {
        name: "smtp",
        values: "HOST:PORT, or empty",
        default: "",
        secret: false,
        kind: Kind::Address,
        tab: SetupTab::Email,
        check: Some(host_port),
    },
    SetupKey {
        name: "smtpsecurity",
        values: "none|starttls|tls",
        default: "starttls",
        secret: false,
        kind: Kind::Choice(&["none", "starttls", "tls"]),
        tab: SetupTab::Email,
        check: None,
    },
    SetupKey {
        name: "smtpcert",
        values: "a PEM file, or empty",
        default: "",
        secret: false,
        kind: Kind::File,
        tab: SetupTab::Email,
        check: Some(folder),
    },
    SetupKey {
        name: "smtpauth",
        values: "user:password, or empty",
        default: "",
        secret: true,
        kind: Kind::Credentials,
        tab: SetupTab::Email,
        check: Some(credentials),
    },
    SetupKey {
        name: "mailfrom",
        values: "an e-mail address",
        default: "callrec@localhost",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Email,
        check: Some(addresses),
    },
    SetupKey {
        name: "mailto",
        values: "e-mail addresses, comma-separated",
        default: "",
        secret: false,
        kind: Kind::List,
        tab: SetupTab::Email,
        check: Some(addresses),
    },
    SetupKey {
        name: "allowcopy",
        values: "on|off",
        default: "on",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Permissions,
        check: None,
    },
    SetupKey {
        name: "allowdelete",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Permissions,
        check: None,
    },
    SetupKey {
        name: "allowtan",
        values: "on|off",
        default: "on",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Permissions,
        check: None,
    },
    SetupKey {
        name: "allownotes",
        values: "on|off",
        default: "on",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Permissions,
        check: None,
    },
    SetupKey {
        name: "extensions",
        values: "numbers with * and ?, comma-separated, or empty",
        default: "",
        secret: false,
        kind: Kind::List,
        tab: SetupTab::Permissions,
        check: Some(extensions),
    },
    SetupKey {
        name: "players",
        values: "account lines (set with account=NAME)",
        default: "",
        secret: false,
        kind: Kind::Accounts,
        tab: SetupTab::Players,
        check: Some(accounts),
    },
    SetupKey {
        name: "sosstart",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Player,
        check: None,
    },
    SetupKey {
        name: "contrast",
        values: "normal|high",
        default: "normal",
        secret: false,
        kind: Kind::Choice(&["normal", "high"]),
        tab: SetupTab::Player,
        check: None,
    },
    SetupKey {
        name: "playername",
        values: "a name (letters, digits, space . _ -)",
        default: "",
        secret: false,
        kind: Kind::Text,
        tab: SetupTab::Player,
        check: Some(player_name),
    },
    SetupKey {
        name: "playerserver",
        values: "https://HOST:PORT, or empty",
        default: "",
        secret: false,
        kind: Kind::Url,
        tab: SetupTab::Player,
        check: Some(http_url),
    },
    SetupKey {
        name: "playerpassword",
        values: "the account's password",
        default: "",
        secret: true,
        kind: Kind::Text,
        tab: SetupTab::Player,
        check: None,
    },
    SetupKey {
        name: "playercert",
        values: "a PEM file, or empty",
        default: "",
        secret: false,
        kind: Kind::File,
        tab: SetupTab::Player,
        check: Some(folder),
    },
    SetupKey {
        name: "popup",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Player,
        check: None,
    },
    SetupKey {
        name: "appserver",
        values: "HOST:PORT, or empty",
        default: "",
        secret: false,
        kind: Kind::Address,
        tab: SetupTab::Interfaces,
        check: Some(host_port),
    },
    SetupKey {
        name: "appserverkeepalive",
        values: "0 to 3600 (seconds)",
        default: "30",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 3600,
            unit: "s",
        },
        tab: SetupTab::Interfaces,
        check: None,
    },
    SetupKey {
        name: "appserverack",
        values: "on|off",
        default: "off",
        secret: false,
        kind: Kind::Switch,
        tab: SetupTab::Interfaces,
        check: None,
    },
    SetupKey {
        name: "controlport",
        values: "0 to 65535",
        default: "0",
        secret: false,
        kind: Kind::Number {
            min: 0,
            max: 65_535,
            unit: "",
        },
        tab: SetupTab::Interfaces,
        check: None,
    },
    SetupKey {
        name: "controlallow",
        values: "addresses or networks (10.0.0.0/8), comma-separated",
        default: "127.0.0.1,::1",
        secret: false,
        kind: Kind::List,
        tab: SetupTab::Interfaces,
        check: Some(networks),
    },
];

/// Reads the table entry of a key (lower case).
impl SetupKey {
    /// Whether `value` is right for this key: first what its kind says, then its own
    /// check.
    pub fn validate(&self, value: &str) -> Result<(), String> {
        match self.kind {
            Kind::Switch if !matches!(value, "on" | "off") => {
                return Err("must be on or off".into());
            }
            Kind::Number { min, max, .. } => match value.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => {}
                _ => return Err(format!("must be a number from {min} to {max}")),
            },
            Kind::Choice(words) if !words.contains(&value) => {
                return Err(format!("must be {}", words.join(", ")));
            }
            _ => {}
        }
        self.check.map_or(Ok(()), |check| check(value))
    }

    /// The id of this key's text: its caption, with the help as `.help`.
    pub fn text_id(&self) -> String {
        format!("setting-{}", self.name)
    }

    /// The words a person reads for this key in the dialog.
    pub fn caption(&self) -> String {
        crate::lang::t(&self.text_id())
    }

    /// How a value is written, for an empty field (in the chosen language when the
    /// language files have it, else the table's `values`).
    pub fn hint(&self) -> String {
        crate::lang::attribute(&self.text_id(), "hint").unwrap_or_else(|| self.values.to_string())
    }

    /// What the key does and which values it takes, in the chosen language.
    pub fn help(&self) -> String {
        crate::lang::help(&self.text_id())
    }
}

pub fn setup_key(name: &str) -> Option<&'static SetupKey> {
    SETUP_KEYS.iter().find(|k| k.name == name)
}

/// Where the setup of a user lives when `recpath=` is not given.
pub fn default_setup_dir() -> PathBuf {
    directories::ProjectDirs::from("org", "callrec", "callrec")
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".callrec"))
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename = "callrec-setup")]
struct SetupXml {
    #[serde(rename = "@version")]
    version: u32,
    #[serde(rename = "value", default)]
    values: Vec<ValueXml>,
    #[serde(
        rename = "password-hash",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    password_hash: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ValueXml {
    #[serde(rename = "@key")]
    key: String,
    #[serde(
        rename = "@sealed",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    sealed: bool,
    #[serde(rename = "$text", default)]
    text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename = "callrec-central-password")]
struct CentralXml {
    #[serde(rename = "@hash")]
    hash: String,
}

/// Why the setup could not be read or saved.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Password(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SetupError + '_ {
    move |source| SetupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A loaded setup with its values in the clear (secrets opened).
#[derive(Debug, Clone)]
pub struct Setup {
    pub dir: PathBuf,
    values: BTreeMap<String, String>,
    password_hash: Option<String>,
}

impl Setup {
    /// Loads `DIR/callrec-setup.xml`; a missing file is a fresh setup.
    pub fn load(dir: &Path) -> Result<Setup, SetupError> {
        let path = dir.join(SETUP_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Setup::from_text(dir, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Setup {
                dir: dir.to_path_buf(),
                values: BTreeMap::new(),
                password_hash: None,
            }),
            Err(e) => Err(io_err(&path)(e)),
        }
    }

    /// Reads a setup file's text (the fuzzer's way in); `dir` is where it lives.
    pub fn from_text(dir: &Path, text: &str) -> Result<Setup, SetupError> {
        let path = dir.join(SETUP_FILE);
        let mut setup = Setup {
            dir: dir.to_path_buf(),
            values: BTreeMap::new(),
            password_hash: None,
        };
        let xml: SetupXml = quick_xml::de::from_str(text)
            .map_err(|e| SetupError::Invalid(format!("{} is damaged: {e}", path.display())))?;
        if xml.version != SETUP_VERSION {
            return Err(SetupError::Invalid(format!(
                "{} has version {}, which this program does not know",
                path.display(),
                xml.version
            )));
        }
        for v in xml.values {
            let value = if v.sealed {
                open_secret(&v.text).ok_or_else(|| {
                    SetupError::Invalid(format!(
                        "{}: the value of {} is damaged",
                        path.display(),
                        v.key
                    ))
                })?
            } else {
                v.text
            };
            setup.values.insert(v.key, value);
        }
        setup.password_hash = xml.password_hash;
        Ok(setup)
    }

    /// The value of a key, or its default.
    pub fn get(&self, key: &str) -> String {
        self.values
            .get(key)
            .cloned()
            .or_else(|| setup_key(key).map(|k| k.default.to_string()))
            .unwrap_or_default()
    }

    /// An on/off key's value.
    pub fn on(&self, key: &str) -> bool {
        debug_assert!(
            setup_key(key).is_some_and(|k| k.kind == Kind::Switch),
            "{key} is not an on/off key"
        );
        self.get(key) == "on"
    }

    /// A number key's value, within its range (its default, then its minimum, when the
    /// file holds something else: a setup edited by hand is never a crash).
    pub fn number(&self, key: &str) -> u64 {
        let Some(Kind::Number { min, max, .. }) = setup_key(key).map(|k| k.kind) else {
            debug_assert!(false, "{key} is not a number key");
            return 0;
        };
        let parse = |v: &str| {
            v.trim()
                .parse::<u64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
        };
        parse(&self.get(key))
            .or_else(|| setup_key(key).and_then(|k| parse(k.default)))
            .unwrap_or(min)
    }

    /// A list key's items, trimmed, empty ones left out.
    pub fn list(&self, key: &str) -> Vec<String> {
        debug_assert!(
            setup_key(key).is_some_and(|k| k.kind == Kind::List),
            "{key} is not a list key"
        );
        self.get(key)
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Sets a known key after checking its value. `customerkey` keeps the key it
    /// replaces in `readkeys`; `readkey` adds to `readkeys`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SetupError> {
        let spec = setup_key(key)
            .ok_or_else(|| SetupError::Invalid(format!("unknown setup key '{key}'")))?;
        spec.validate(value)
            .map_err(|why| SetupError::Invalid(format!("{key}={value}: {why}")))?;
        match key {
            "customerkey" => {
                let old = self.get("customerkey");
                if !old.is_empty() && old != value {
                    self.add_read_key(&old);
                }
                self.values.insert(key.into(), value.into());
            }
            "readkey" => self.add_read_key(value),
            _ => {
                self.values.insert(key.into(), value.into());
            }
        }
        Ok(())
    }

    fn add_read_key(&mut self, passphrase: &str) {
        let mut keys = self.read_keys();
        if !passphrase.is_empty() && !keys.iter().any(|k| k == passphrase) {
            keys.push(passphrase.to_string());
        }
        self.values.insert("readkeys".into(), keys.join("\n"));
    }

    fn read_keys(&self) -> Vec<String> {
        self.values
            .get("readkeys")
            .map(|v| {
                v.lines()
                    .map(str::to_string)
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The key ring this setup writes and reads with.
    pub fn key_ring(&self) -> Result<KeyRing, KeyError> {
        let current = ArchiveKey::from_passphrase(&self.get("customerkey"))?;
        let others = self
            .read_keys()
            .iter()
            .map(|p| ArchiveKey::from_passphrase(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(KeyRing::new(current, others))
    }

    pub fn has_password(&self) -> bool {
        self.password_hash.is_some()
    }

    /// Does `password` open this setup: its own password and the central password of
    /// the store it points at, where those exist? (The seed's rule: a fresh setup that
    /// points at a protected store needs that store's password too.)
    pub fn check_password(&self, password: Option<&str>) -> Result<(), SetupError> {
        let given = password.unwrap_or("");
        if let Some(hash) = &self.password_hash
            && !password_matches(hash, given)
        {
            return Err(SetupError::Password(
                "the setup is protected: give its password with password=".into(),
            ));
        }
        if let Some(store) = &self.store() {
            let central_path = store.central_password();
            if let Some(central) = read_central(&central_path)?
                && !password_matches(&central, given)
            {
                return Err(SetupError::Password(format!(
                    "the store {} is protected by a central password: give it with password=",
                    store.root.display()
                )));
            }
        }
        Ok(())
    }

    /// Is a password needed to save: the setup's own or the store's central one?
    pub fn needs_password(&self) -> bool {
        self.has_password()
            || self
                .store()
                .is_some_and(|store| store.central_password().exists())
    }

    /// Saves the setup. `password` must match the setup's own password and the central
    /// password of the store it points at, where those exist. `new_password` (not
    /// empty) replaces both.
    pub fn save(
        &mut self,
        password: Option<&str>,
        new_password: Option<&str>,
    ) -> Result<(), SetupError> {
        self.check_password(password)?;
        let store = self.store();
        if let Some(new) = new_password.filter(|p| !p.is_empty()) {
            let hash = hash_password(new)?;
            if let Some(store) = &store {
                store.create().map_err(io_err(&store.root))?;
                let xml = CentralXml { hash: hash.clone() };
                let text = to_xml(&xml);
                write_atomic(&store.central_password(), text.as_bytes())
                    .map_err(io_err(&store.central_password()))?;
            }
            self.password_hash = Some(hash);
        }
        let xml = SetupXml {
            version: SETUP_VERSION,
            values: self
                .values
                .iter()
                .map(|(k, v)| {
                    let secret = k == "readkeys" || setup_key(k).is_some_and(|s| s.secret);
                    ValueXml {
                        key: k.clone(),
                        sealed: secret,
                        text: if secret { seal_secret(v) } else { v.clone() },
                    }
                })
                .collect(),
            password_hash: self.password_hash.clone(),
        };
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let path = self.dir.join(SETUP_FILE);
        write_atomic_private(&path, to_xml(&xml).as_bytes()).map_err(io_err(&path))
    }

    /// The archive folder this setup points at, if any. For an archive in a bucket it
    /// is the recorder's local store (the `journal` folder, else `outbox` in the setup
    /// folder): records are made there and moved to the bucket once they are safe in it.
    pub fn store(&self) -> Option<Store> {
        let root = self.get("store");
        if is_bucket_url(&root) {
            let journal = self.get("journal");
            let local = if journal.trim().is_empty() {
                self.dir.join("outbox")
            } else {
                PathBuf::from(journal.trim())
            };
            return Some(Store::new(local));
        }
        (!root.is_empty()).then(|| Store::new(root))
    }

    /// The bucket the archive lives in, when `store` is `s3://…`; an error in words when
    /// its access is incomplete.
    pub fn bucket(&self) -> Option<Result<BucketConfig, String>> {
        self.bucket_of("store", "s3")
    }

    /// The bucket of the backup copy, when `backup` is `s3://…`: in another object store
    /// when `backups3endpoint` names one (a second site's, so that one fire does not
    /// take both copies), with its own key; else in the archive's store. Each of the
    /// `backups3…` settings left empty is the archive's.
    pub fn backup_bucket(&self) -> Option<Result<BucketConfig, String>> {
        self.bucket_of("backup", "backups3")
    }

    /// The bucket `key` names, reached with the `PREFIXendpoint`, `PREFIXkey`,
    /// `PREFIXsecret` and `PREFIXregion` settings, each empty one being the archive's
    /// `s3…` setting.
    fn bucket_of(&self, key: &str, prefix: &str) -> Option<Result<BucketConfig, String>> {
        let url = self.get(key);
        let access = |name: &str| {
            let own = self.get(&format!("{prefix}{name}"));
            if own.is_empty() {
                self.get(&format!("s3{name}"))
            } else {
                own
            }
        };
        is_bucket_url(&url).then(|| {
            BucketConfig::new(
                &url,
                &access("endpoint"),
                &access("key"),
                &access("secret"),
                &access("region"),
            )
        })
    }

    /// Every value for display, secrets masked.
    pub fn listing(&self) -> Vec<(String, String)> {
        SETUP_KEYS
            .iter()
            .filter(|k| k.name != "readkey")
            .map(|k| {
                let v = self.get(k.name);
                let shown = if k.secret && !v.is_empty() {
                    "(set)".to_string()
                } else {
                    v
                };
                (k.name.to_string(), shown)
            })
            .chain(std::iter::once((
                "readkeys".to_string(),
                format!("{} key(s)", self.read_keys().len()),
            )))
            .collect()
    }
}

fn to_xml<T: Serialize>(value: &T) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut ser = quick_xml::se::Serializer::new(&mut out);
    ser.indent(' ', 1);
    value.serialize(ser).expect("plain values serialise");
    out.push('\n');
    out
}

fn seal_secret(value: &str) -> String {
    let key = setup_archive_key();
    BASE64.encode(key.seal(value.as_bytes(), SECRET_AAD))
}

fn open_secret(text: &str) -> Option<String> {
    let bytes = BASE64.decode(text.trim()).ok()?;
    String::from_utf8(setup_archive_key().open(&bytes, SECRET_AAD)?).ok()
}

fn setup_archive_key() -> ArchiveKey {
    ArchiveKey::from_bytes(SETUP_KEY)
}

fn hash_password(password: &str) -> Result<String, SetupError> {
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| SetupError::Invalid(format!("cannot hash the password: {e}")))
}

fn password_matches(hash: &str, given: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon2::Argon2::default()
            .verify_password(given.as_bytes(), &h)
            .is_ok()
    })
}

fn read_central(path: &Path) -> Result<Option<String>, SetupError> {
    match std::fs::read_to_string(path) {
        Ok(text) => quick_xml::de::from_str::<CentralXml>(&text)
            .map(|c| Some(c.hash))
            .map_err(|e| SetupError::Invalid(format!("{} is damaged: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_bucket_is_in_the_archives_object_store_unless_its_own_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut setup = Setup::load(dir.path()).unwrap();
        for (key, value) in [
            ("store", "s3://archive/site"),
            ("backup", "s3://copies/site"),
            ("s3endpoint", "http://10.0.0.1:3900"),
            ("s3key", "GKarchive"),
            ("s3secret", "archive-secret"),
            ("s3region", "garage"),
        ] {
            setup.set(key, value).unwrap();
        }
        let same = setup.backup_bucket().unwrap().unwrap();
        assert_eq!(
            (
                same.endpoint.as_str(),
                same.key_id.as_str(),
                same.bucket.as_str()
            ),
            ("http://10.0.0.1:3900", "GKarchive", "copies")
        );
        setup
            .set("backups3endpoint", "http://10.1.0.1:3900")
            .unwrap();
        setup.set("backups3key", "GKbackup").unwrap();
        setup.set("backups3secret", "backup-secret").unwrap();
        let other = setup.backup_bucket().unwrap().unwrap();
        assert_eq!(other.endpoint, "http://10.1.0.1:3900");
        assert_eq!(
            (other.key_id.as_str(), other.secret.as_str()),
            ("GKbackup", "backup-secret")
        );
        assert_eq!(
            other.region, "garage",
            "an empty backups3region is the archive's"
        );
        let archive = setup.bucket().unwrap().unwrap();
        assert_eq!(
            (archive.endpoint.as_str(), archive.key_id.as_str()),
            ("http://10.0.0.1:3900", "GKarchive"),
            "the archive keeps its own store"
        );
        assert!(setup.set("backups3endpoint", "10.1.0.1:3900").is_err());
    }

    #[test]
    fn secrets_are_sealed_and_values_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let mut setup = Setup::load(dir.path()).unwrap();
        setup.set("customerkey", "MySuperSecret007Key").unwrap();
        setup.set("format", "mp3").unwrap();
        assert!(setup.set("format", "ogg").is_err());
        assert!(setup.set("colour", "red").is_err());
        setup.save(None, None).unwrap();
        let text = std::fs::read_to_string(dir.path().join(SETUP_FILE)).unwrap();
        assert!(!text.contains("MySuperSecret007Key"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SETUP_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(
                mode & 0o777,
                0o600,
                "the setup is readable by its owner only"
            );
        }
        let again = Setup::load(dir.path()).unwrap();
        assert_eq!(again.get("customerkey"), "MySuperSecret007Key");
        assert_eq!(again.get("format"), "mp3");
        assert_eq!(again.get("encryptmetadata"), "on");
    }

    #[test]
    fn changing_the_customer_key_keeps_the_old_one_for_reading() {
        let dir = tempfile::tempdir().unwrap();
        let mut setup = Setup::load(dir.path()).unwrap();
        setup.set("customerkey", "A").unwrap();
        let a = setup.key_ring().unwrap().current().id.clone();
        setup.set("customerkey", "").unwrap();
        setup.set("customerkey", "B").unwrap();
        let ring = setup.key_ring().unwrap();
        assert!(ring.get(&a).is_some());
        assert!(ring.get("default").is_some());
        assert_ne!(ring.current().id, a);
    }

    #[test]
    fn the_central_password_guards_a_fresh_setup() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store");
        let mut first = Setup::load(&dir.path().join("pc1")).unwrap();
        first.set("store", store.to_str().unwrap()).unwrap();
        first.save(None, Some("secret")).unwrap();
        assert!(
            store
                .join("TMP")
                .join(super::super::store::CENTRAL_PASSWORD)
                .exists()
        );
        // the same setup now needs its password
        assert!(matches!(
            first.save(None, None),
            Err(SetupError::Password(_))
        ));
        first.save(Some("secret"), None).unwrap();
        // a fresh setup on another PC pointing at the same store
        let mut fresh = Setup::load(&dir.path().join("pc2")).unwrap();
        fresh.set("store", store.to_str().unwrap()).unwrap();
        assert!(matches!(
            fresh.save(Some("guess"), None),
            Err(SetupError::Password(_))
        ));
        fresh.save(Some("secret"), None).unwrap();
        assert!(
            !std::fs::read_to_string(dir.path().join("pc1").join(SETUP_FILE))
                .unwrap()
                .contains("secret<")
        );
    }

    #[test]
    fn every_typed_getter_in_the_sources_asks_a_key_of_its_kind() {
        fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    rust_files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        rust_files(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut files,
        );
        let mut wrong = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for (call, fits) in [
                (".on(\"", (|k: Kind| k == Kind::Switch) as fn(Kind) -> bool),
                (".number(\"", |k| matches!(k, Kind::Number { .. })),
                (".list(\"", |k| k == Kind::List),
            ] {
                for piece in text.split(call).skip(1) {
                    let Some(key) = piece.split('"').next() else {
                        continue;
                    };
                    match setup_key(key) {
                        Some(spec) if fits(spec.kind) => {}
                        _ => wrong.push(format!("{}: {call}{key}", file.display())),
                    }
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "typed getters on keys of another kind: {wrong:?}"
        );
    }
}
