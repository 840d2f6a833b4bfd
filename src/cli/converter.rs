//! `callrec converter`: converter mode beside a PCAP-only recorder — every PCAP record
//! of the store becomes WAV or MP3 (`archive::pcap_converter`), now and, until Ctrl-C
//! or SIGTERM, each new one within `poll` seconds; `once=on` converts what is there and
//! ends (exit 1 when a record could not be converted).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::args::{Args, UsageError};
use super::context::{archiver, load_setup};
use crate::archive::converter_presence::{self, TOUCH_EVERY};
use crate::archive::pcap_converter::convert_pcap_records;
use crate::archive::store::Store;
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
    let _presence = Presence::keep(archiver.store.clone());
    std::thread::sleep(converter_presence::SETTLE);
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

/// The converter's sign of life in its store while it runs (a thread touches it), gone
/// when it ends cleanly; a killed converter leaves it to grow old.
struct Presence {
    done: Arc<AtomicBool>,
    toucher: Option<std::thread::JoinHandle<()>>,
    store: Store,
}

impl Presence {
    fn keep(store: Store) -> Presence {
        let done = Arc::new(AtomicBool::new(false));
        let (ending, touched) = (done.clone(), store.clone());
        let _ = converter_presence::announce(&store);
        let toucher = std::thread::spawn(move || {
            while !ending.load(Ordering::Relaxed) {
                let _ = converter_presence::announce(&touched);
                let mut waited = Duration::ZERO;
                while waited < TOUCH_EVERY && !ending.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                }
            }
        });
        Presence {
            done,
            toucher: Some(toucher),
            store,
        }
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        // the file goes after the last touch, never before it
        if let Some(toucher) = self.toucher.take() {
            let _ = toucher.join();
        }
        converter_presence::withdraw(&self.store);
    }
}
