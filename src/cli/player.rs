//! `callrec player`: the Player window on the archive.

use super::args::{Args, UsageError, runtime_failure};
use super::context::{identity, key_ring, load_setup, require_store, setup_key_names};
use crate::archive::control_command::AllowList;
use crate::archive::setup::Setup;
use crate::player::permissions::Permissions;
use crate::player::remote::RemoteArchive;
use crate::player::remote_control::RemoteSetup;
use crate::player::session::Session;

pub fn player(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath", "seconds"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let setup = load_setup(args)?;
    let store = require_store(&setup)?;
    let ring = key_ring(&setup)?;
    let close_after = args.choice("seconds", None, |v| {
        v.parse::<f64>().ok().filter(|s| *s > 0.0).map(Some)
    })?;
    let mut session = Session::new(store, ring, identity(&setup)?, setup.get("recorder"))
        .with_permissions(Permissions::from_setup(&setup));
    session.start_in_sos = setup.get("sosstart") == "on";
    session.state_dir = Some(setup.dir.clone());
    let backup = setup.get("backup");
    session.backup = (!backup.is_empty()).then(|| std::path::PathBuf::from(backup));
    let remote = remote_setup(&setup)?;
    match crate::ui::app::run_window(session, None, remote, close_after) {
        Ok(()) => Ok(0),
        Err(e) => Ok(runtime_failure(format!(
            "the Player window cannot open: {e}"
        ))),
    }
}

/// Where this Player takes remote commands from, as its setup says: its control port
/// (`controlport`, `controlallow`) and the recorder it links to (`playerserver`,
/// `playername`, `playerpassword`, `playercert`).
pub fn remote_setup(setup: &Setup) -> Result<RemoteSetup, UsageError> {
    let name = setup.get("playername");
    let name = (!name.is_empty()).then_some(name);
    let port: u16 = setup.get("controlport").parse().unwrap_or(0);
    let listen = if port == 0 {
        None
    } else {
        let allow = AllowList::parse(&setup.get("controlallow"))
            .map_err(|e| UsageError(format!("controlallow: {e}")))?;
        // only this PC allowed: listen on loopback only
        let ip: std::net::IpAddr = if allow.only_loopback() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv4Addr::UNSPECIFIED.into()
        };
        Some((std::net::SocketAddr::new(ip, port), allow))
    };
    let server = setup.get("playerserver");
    let link = if server.trim().is_empty() {
        None
    } else {
        let Some(account) = &name else {
            return Err(UsageError(
                "playerserver needs playername (the Player's account there)".into(),
            ));
        };
        let cert_file = setup.get("playercert");
        let cert = if cert_file.is_empty() {
            None
        } else {
            Some(
                std::fs::read(&cert_file)
                    .map_err(|e| UsageError(format!("playercert={cert_file}: {e}")))?,
            )
        };
        let archive = RemoteArchive::new(
            server.trim(),
            account,
            &setup.get("playerpassword"),
            cert.as_deref(),
        )
        .map_err(|e| UsageError(format!("playerserver: {e}")))?;
        Some(archive)
    };
    Ok(RemoteSetup {
        listen,
        name,
        link,
        feed: None,
        popup: setup.get("popup") == "on",
    })
}
