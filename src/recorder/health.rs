//! The recorder's own checks. At start, in the seed's order: the setup, the reporting
//! (CDR) intake, the PCAP directory, the store path, the backup path; each turns its lamp
//! green (the CDR lamp: only red, its green comes with the first CDR) or red with the
//! seed's message, and "Normal Operation" follows when all pass.
//! Then every half minute: the store path (DISK lamp) and the backup path (BACKUP lamp).
//! A failing path raises an error (and with it the master alarm) when its lamp turns
//! red, and again while it stays red and no alarm has latched; turning green is logged.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::pipeline::Pipeline;
use super::pull::PullConfig;
use super::status::{AlarmState, Lamp, StatusBoard};
use crate::archive::record::Archiver;
use crate::lang::{Arg, t, tr};

/// A red lamp whose failure no latched alarm tells of yet (an error during the arming
/// time, or after RESET while the cause persists): it is reported again.
fn unreported(status: &StatusBoard) -> bool {
    status.snapshot().alarm == AlarmState::Ok
}

/// The seed's start-up check. `listen` is the recorder's own HTTP address, which the
/// PBX posts CDRs to and the devices upload captures to.
/// `own_cert`: the recorder serves HTTPS with this certificate (PEM).
pub async fn startup(
    pipeline: Arc<Pipeline>,
    listen: SocketAddr,
    pull: Option<PullConfig>,
    own_cert: Option<Vec<u8>>,
    login: Option<String>,
) {
    let archiver = pipeline.archiver.clone();
    let status = pipeline.status.clone();
    status.event("info", t("event-start-setup"));

    let mut own = listen;
    if own.ip().is_unspecified() {
        own.set_ip(if own.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let scheme = if own_cert.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{own}/status");
    let answer = async {
        let builder = match &own_cert {
            Some(pem) => crate::http_client::pinned_builder(pem)?,
            None => crate::http_client::builder(),
        };
        let ask = async {
            let request = builder.timeout(Duration::from_secs(3)).build()?.get(&url);
            // the recorder asks itself as the PBX would: with the setup's login
            let request = match login.as_deref().and_then(|l| l.split_once(':')) {
                Some((user, password)) => request.basic_auth(user, Some(password)),
                None => request,
            };
            request.send().await?.error_for_status()
        };
        ask.await.map_err(|e: reqwest::Error| e.to_string())
    }
    .await;
    let mut all_ok = answer.is_ok();
    // The PBX pushes its CDRs, so whether the feed works shows only when they come:
    // the lamp stays grey until the first, and the CDR watch turns it red when
    // captures go without. Here: that the intake answers at all, with the login.
    match answer {
        Ok(_) => status.event(
            "info",
            tr(
                "event-start-cdr",
                &[("url", Arg::from(format!("{scheme}://{own}/cdr")))],
            ),
        ),
        Err(e) => {
            status.update(|s| s.lamps.cdr = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-cdr-intake-failed",
                    &[("why", Arg::from(e.to_string()))],
                ),
            );
        }
    }

    let paths = {
        let archiver = archiver.clone();
        tokio::task::spawn_blocking(move || {
            let store = &archiver.store;
            (
                probe(&store.rec()),
                probe(&store.root),
                archiver.backup.as_ref().map(|b| (b.clone(), probe(b))),
            )
        })
        .await
    };
    let Ok((pcap, disk, backup)) = paths else {
        status.update(|s| s.lamps.software = Lamp::Red);
        status.event("error", t("event-start-failed"));
        return;
    };
    // with a pull source, the PCAP directory is that source; the journal must work too
    let rec = archiver.store.rec();
    let mut pcap_place = rec.display().to_string();
    let pcap = match (pcap, pull) {
        (Err(e), _) => Err(e),
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(pull)) => {
            pcap_place = pull.source.describe();
            match super::pull::check_source(pipeline.clone(), pull).await {
                Ok(n) => {
                    status.event(
                        "info",
                        tr(
                            "event-pull-waiting",
                            &[
                                ("source", Arg::from(pcap_place.as_str())),
                                ("n", Arg::from(n)),
                            ],
                        ),
                    );
                    Ok(())
                }
                Err(e) => Err(std::io::Error::other(e)),
            }
        }
    };
    let store_path = archiver.store.root.display().to_string();
    // (the check, its message when it passed and when it failed (with `why`), the
    // place named in both, its lamp)
    let steps = [
        (
            pcap,
            "event-start-pcap",
            "event-pull-failed",
            pcap_place,
            (|s: &mut super::status::Status, l| s.lamps.pcap = l) as fn(&mut _, Lamp),
        ),
        (
            disk,
            "event-start-store",
            "event-store-failed",
            store_path,
            |s, l| s.lamps.disk = l,
        ),
    ];
    for (result, success, failure, place, set) in steps {
        match result {
            Ok(()) => {
                status.update(|s| set(s, Lamp::Green));
                status.event("info", tr(success, &[("path", Arg::from(place))]));
            }
            Err(e) => {
                all_ok = false;
                status.update(|s| set(s, Lamp::Red));
                status.event(
                    "error",
                    tr(
                        failure,
                        &[
                            ("path", Arg::from(place)),
                            ("why", Arg::from(e.to_string())),
                        ],
                    ),
                );
            }
        }
    }
    match backup {
        None if pipeline
            .backup_in_bucket
            .load(std::sync::atomic::Ordering::Relaxed) =>
        {
            status.event("info", t("event-start-backup-bucket"));
        }
        None => {
            status.update(|s| s.lamps.backup = Lamp::Grey);
            status.event("info", t("event-start-no-backup"));
        }
        Some((path, Ok(()))) => {
            status.update(|s| s.lamps.backup = Lamp::Green);
            status.event(
                "info",
                tr(
                    "event-start-backup",
                    &[("path", Arg::from(path.display().to_string()))],
                ),
            );
        }
        Some((path, Err(e))) => {
            all_ok = false;
            status.update(|s| s.lamps.backup = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-backup-failed",
                    &[
                        ("path", Arg::from(path.display().to_string())),
                        ("why", Arg::from(e.to_string())),
                    ],
                ),
            );
        }
    }
    if all_ok {
        status.event("info", t("event-normal"));
    }
}

/// Writes, syncs and removes a probe file in `dir`.
fn probe(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(".callrec-probe-{}", std::process::id()));
    std::fs::write(&path, b"probe")?;
    std::fs::File::open(&path)?.sync_all()?;
    std::fs::remove_file(&path)
}

/// Runs the checks and sets the lamps; messages only when a lamp changes.
pub fn check(archiver: &Archiver, status: &StatusBoard, backup_in_bucket: bool) {
    let before = status.snapshot().lamps;
    // the journal and the store itself (they differ when `journal` is set)
    let disk = probe(&archiver.store.rec()).and_then(|()| probe(&archiver.store.root));
    match (&disk, before.disk) {
        (Err(e), lamp) if lamp != Lamp::Red || unreported(status) => {
            status.update(|s| s.lamps.disk = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-store-failed",
                    &[
                        ("path", Arg::from(archiver.store.root.display().to_string())),
                        ("why", Arg::from(e.to_string())),
                    ],
                ),
            );
        }
        (Ok(()), Lamp::Red) => {
            status.update(|s| s.lamps.disk = Lamp::Green);
            status.event("info", t("event-store-again"));
        }
        _ => {}
    }
    let Some(backup) = &archiver.backup else {
        // a backup in a bucket has its lamp from the bucket's outbox
        if !backup_in_bucket {
            status.update(|s| s.lamps.backup = Lamp::Grey);
        }
        return;
    };
    match (probe(backup), before.backup) {
        (Err(e), lamp) if lamp != Lamp::Red || unreported(status) => {
            status.update(|s| s.lamps.backup = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-backup-failed",
                    &[
                        ("path", Arg::from(backup.display().to_string())),
                        ("why", Arg::from(e.to_string())),
                    ],
                ),
            );
        }
        (Ok(()), Lamp::Red) => {
            status.update(|s| s.lamps.backup = Lamp::Green);
            status.event("info", t("event-backup-again"));
        }
        (Ok(()), _) => status.update(|s| s.lamps.backup = Lamp::Green),
        _ => {}
    }
}
