//! `callrec player`: the Player window on the archive.

use super::args::{Args, UsageError, runtime_failure};
use super::context::{identity, key_ring, load_setup, require_store, setup_key_names};
use std::sync::Arc;

use crate::archive::bucket::Bucket;
use crate::archive::control_command::AllowList;
use crate::archive::keyring::KeyRing;
use crate::archive::setup::Setup;
use crate::archive::store::Store;
use crate::http_client;
use crate::player::bucket_source::BucketSource;
use crate::player::permissions::Permissions;
use crate::player::remote::RemoteArchive;
use crate::player::remote_catalog::root_for;
use crate::player::remote_control::RemoteSetup;
use crate::player::session::Session;

pub fn player(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec![
        "recpath", "seconds", "server", "account", "password", "cert", "trust",
    ];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let setup = load_setup(args)?;
    if let Some(server) = remote_archive(args, &setup)? {
        return remote_player(args, &setup, server);
    }
    let close_after = args.choice("seconds", None, |v| {
        v.parse::<f64>().ok().filter(|s| *s > 0.0).map(Some)
    })?;
    let session = archive_session(&setup)?;
    let remote = remote_setup(&setup)?;
    match crate::ui::app::run_window(session, None, remote, close_after) {
        Ok(()) => Ok(0),
        Err(e) => Ok(runtime_failure(format!(
            "the Player window cannot open: {e}"
        ))),
    }
}

/// The Player's session on the setup's archive: its store, or its bucket (listed from
/// the bucket, records fetched when played), with the desk's permissions and settings.
pub(super) fn archive_session(setup: &Setup) -> Result<Session, UsageError> {
    let ring = key_ring(setup)?;
    let session = match super::context::bucket(setup)? {
        Some(bucket) => {
            let cache = bucket_cache(setup, &bucket);
            Session::on_bucket(
                BucketSource::new(bucket, cache),
                ring,
                identity(setup)?,
                setup.get("recorder"),
            )
        }
        None => Session::new(
            require_store(setup)?,
            ring,
            identity(setup)?,
            setup.get("recorder"),
        ),
    };
    Ok(session
        .with_permissions(Permissions::from_setup(setup))
        .with_desk_setup(setup, true))
}

/// Where a Player keeps the records of `bucket` it fetched: in its setup folder, one
/// cache per bucket and folder.
pub(super) fn bucket_cache(setup: &Setup, bucket: &Bucket) -> std::path::PathBuf {
    use sha2::Digest;
    let config = bucket.config();
    let id = sha2::Sha256::digest(
        format!("{}\n{}\n{}", config.endpoint, config.bucket, config.prefix).as_bytes(),
    );
    setup.dir.join("bucket-cache").join(hex::encode(&id[..8]))
}

/// The server a remote Player shows: `server=` `account=` `password=` [`cert=`] on the
/// command line, or, in a setup without a store of its own, `playerserver`,
/// `playername`, `playerpassword`, `playercert`.
fn remote_archive(args: &Args, setup: &Setup) -> Result<Option<Arc<RemoteArchive>>, UsageError> {
    let (server, account, password, cert) = match args.get("server") {
        Some(server) => (
            server.to_string(),
            args.get("account")
                .ok_or_else(|| UsageError("server= needs account=NAME".into()))?
                .to_string(),
            args.get("password")
                .ok_or_else(|| UsageError("server= needs password=PW".into()))?
                .to_string(),
            args.get("cert").unwrap_or_default().to_string(),
        ),
        None if setup.get("store").is_empty() && !setup.get("playerserver").is_empty() => (
            setup.get("playerserver"),
            setup.get("playername"),
            setup.get("playerpassword"),
            setup.get("playercert"),
        ),
        None => return Ok(None),
    };
    if !server.starts_with("https://") && !server.starts_with("http://") {
        return Err(UsageError(format!(
            "server={server} is not an https:// (or http://) address"
        )));
    }
    let server = server.trim();
    let cert = if cert.is_empty() {
        pinned_certificate(args, setup, server)?
    } else {
        Some(std::fs::read(&cert).map_err(|e| UsageError(format!("cert={cert}: {e}")))?)
    };
    RemoteArchive::new(server, &account, &password, cert.as_deref())
        .map(Some)
        .map_err(|e| UsageError(format!("server={server}: {e}")))
}

/// `HOST` and `PORT` of an `https://HOST:PORT/…` address.
fn host_port(server: &str) -> Option<(String, u16)> {
    let rest = server.strip_prefix("https://")?;
    let authority = rest.split('/').next()?;
    match authority.rsplit_once(':') {
        Some((host, port)) => Some((
            host.trim_matches(['[', ']']).to_string(),
            port.parse().ok()?,
        )),
        None => Some((authority.to_string(), 443)),
    }
}

/// Where a server's certificate, once trusted here, is kept: in the Player's setup
/// folder, one file a server.
fn pin_file(setup: &Setup, host: &str, port: u16) -> std::path::PathBuf {
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    setup.dir.join(format!("server-{safe}-{port}.pem"))
}

fn small_runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(e.to_string()))
}

/// The certificate to pin for an HTTPS server without `cert=`: the one trusted here
/// before; or, with `trust=FINGERPRINT`, the server's own when its fingerprint is that
/// one (then kept for next time); or none when the system's authorities vouch for
/// it. A self-signed server with neither is refused with its fingerprint, for the
/// operator to compare with the recorder's (trust on first use, with a person's check).
fn pinned_certificate(
    args: &Args,
    setup: &Setup,
    server: &str,
) -> Result<Option<Vec<u8>>, UsageError> {
    let Some((host, port)) = host_port(server) else {
        return Ok(None); // plain http: nothing to pin
    };
    let file = pin_file(setup, &host, port);
    if let Ok(pem) = std::fs::read(&file) {
        return Ok(Some(pem));
    }
    let presented = || -> Result<Vec<u8>, UsageError> {
        small_runtime()?
            .block_on(http_client::server_certificate(&host, port))
            .map_err(UsageError)
    };
    if let Some(wanted) = args.get("trust") {
        let der = presented()?;
        let seen = http_client::fingerprint(&der);
        let normal = |f: &str| f.replace(':', "").to_ascii_uppercase();
        if normal(wanted) != normal(&seen) {
            return Err(UsageError(format!(
                "the server at {host}:{port} presents a certificate with the fingerprint {seen}, \
                 not the one given: it is not pinned (is it the right server?)"
            )));
        }
        let pem = http_client::to_pem(&der);
        std::fs::create_dir_all(&setup.dir)
            .and_then(|()| crate::archive::store::write_atomic(&file, pem.as_bytes()))
            .map_err(|e| {
                UsageError(format!(
                    "cannot keep the certificate in {}: {e}",
                    file.display()
                ))
            })?;
        eprintln!(
            "callrec: the certificate of {host}:{port} is pinned ({}); it is used from now on",
            file.display()
        );
        return Ok(Some(pem.into_bytes()));
    }
    // do the system's authorities vouch for it? A HEAD request tells
    let probe = http_client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| UsageError(e.to_string()))?;
    let checked = small_runtime()?.block_on(probe.head(server).send());
    match checked {
        Ok(_) => Ok(None),
        Err(e)
            if format!("{e:?}")
                .to_ascii_lowercase()
                .contains("certificate") =>
        {
            let seen = http_client::fingerprint(&presented()?);
            Err(UsageError(format!(
                "the server at {host}:{port} has its own certificate, which no authority on \
                 this PC vouches for. Its SHA-256 fingerprint is\n  {seen}\nCompare it with the \
                 recorder's (it shows it when it starts, and in its events). If they are the \
                 same, start again with trust={seen} to pin it (or give cert=FILE)."
            )))
        }
        // not reachable now: the window opens and its LINK lamp tells
        Err(_) => Ok(None),
    }
}

/// The Player window on a server's archive: what the account may see, played over the
/// network; the server's commands for this account's Player come over the same link.
fn remote_player(
    args: &Args,
    setup: &Setup,
    server: Arc<RemoteArchive>,
) -> Result<i32, UsageError> {
    let close_after = args.choice("seconds", None, |v| {
        v.parse::<f64>().ok().filter(|s| *s > 0.0).map(Some)
    })?;
    let account = server.account().to_string();
    let store = Store::new(root_for(server.base()));
    let session = Session::new(store, KeyRing::default(), identity(setup)?, account)
        .with_desk_setup(setup, false);
    let mut remote = remote_setup(setup)?;
    // the server's commands for this Player come over the same link and account
    remote.link = Some(server.clone());
    match crate::ui::app::run_remote_window(session, server, remote, close_after) {
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
    let port = setup.number("controlport") as u16;
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
        popup: setup.on("popup"),
    })
}
