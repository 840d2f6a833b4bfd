//! `callrec converter`: converter mode beside a PCAP-only recorder — every PCAP record
//! of the store becomes WAV or MP3 (`archive::pcap_converter`), now and, until Ctrl-C
//! or SIGTERM, each new one within `poll` seconds; `once=on` converts what is there and
//! ends (exit 1 when a record could not be converted).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::args::{Args, UsageError};
use super::context::{archiver, load_setup};
use crate::archive::converter_presence::SignOfLife;
use crate::archive::pcap_converter::convert_pcap_records;
use crate::media::writer::OutputFormat;

pub fn converter(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath", "once"];
    allowed.extend(super::context::setup_key_names());
    args.only(&allowed)?;
    let once = args.choice("once", false, |v| match v {
        "on" => Some(true),
        "off" => Some(false),
        _ => None,
    })?;
    let setup = load_setup(args)?;
    let mut archiver = archiver(&setup)?;
    archiver.options.format = OutputFormat::parse(&setup.get("convertto")).unwrap_or_default();
    if setup.bucket().is_some() {
        // a bucket's records are written once: they are converted in the recorder's
        // local store, which holds its PCAP records back while this runs
        out!(
            "converting in {} before the records move into {}",
            archiver.store.root.display(),
            setup.get("store")
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let _sign_of_life = SignOfLife::start(archiver.store.clone());
    if !once {
        let stopping = stop.clone();
        std::thread::spawn(move || {
            if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                rt.block_on(super::service::shutdown_signal());
            }
            stopping.store(true, Ordering::Relaxed);
        });
    }
    let poll = Duration::from_secs(setup.number("poll"));
    let mut failed_any = false;
    loop {
        let run = convert_pcap_records(&archiver, &stop);
        for record in &run.converted {
            out!("converted: {record}");
        }
        for record in &run.finished {
            out!("finished: {record}");
        }
        for (record, why) in &run.failed {
            eprintln!("callrec: {record}: not converted: {why}");
        }
        failed_any |= !run.failed.is_empty();
        if once || stop.load(Ordering::Relaxed) {
            break;
        }
        let mut waited = Duration::ZERO;
        while waited < poll && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(200));
            waited += Duration::from_millis(200);
        }
        if stop.load(Ordering::Relaxed) {
            break;
        }
    }
    Ok(if failed_any { 1 } else { 0 })
}
