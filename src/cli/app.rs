//! `callrec recpath=DIR`: the recorder on background tasks and the window with the
//! Player and the recorder's panel, in one process (the seed's usual way to run it).

use std::time::Duration;

use super::args::{Args, UsageError, runtime_failure};
use super::context::{archiver, load_setup, setup_key_names};
use super::service::{init_logging, service_config, shutdown_signal};
use crate::recorder::service::Service;
use crate::ui::close_guard::OnClose;

pub fn app(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath", "seconds"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let setup = load_setup(args)?;
    let config = service_config(&setup)?;
    let archiver = archiver(&setup)?;
    // the window's Player shows the archive: the store, or the bucket records move to
    let session = super::player::archive_session(&setup)?;
    let close_after = args.choice("seconds", None, |v| {
        v.parse::<f64>().ok().filter(|s| *s > 0.0).map(Some)
    })?;
    init_logging(&setup);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return Ok(runtime_failure(format!("cannot start the runtime: {e}"))),
    };
    let service = match runtime.block_on(Service::start(config, archiver)) {
        Ok(s) => s,
        Err(e) => return Ok(runtime_failure(format!("the recorder cannot start: {e}"))),
    };
    let service = match super::fileserver::player_api(&setup, Some(&service.pipeline()))? {
        Some(api) => service.with_routes(api),
        None => service,
    };
    let service = super::context::recorder_with_bucket(service, &setup)?;
    eprintln!(
        "callrec: recorder on {1}://{0}: captures to {1}://{0}/rec/, CDRs to {1}://{0}/cdr",
        service.local_addr(),
        service.scheme()
    );
    let pipeline = service.pipeline();
    let board = pipeline.status.clone();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let running = runtime.spawn(service.run(stop_rx));
    let keep_recording = setup.on("keeprecording");
    let link = crate::ui::app::RecorderLink {
        board: board.clone(),
        setup_dir: setup.dir.clone(),
        on_close: if keep_recording {
            OnClose::KeepRecording
        } else {
            OnClose::StopRecording
        },
    };
    let mut remote = super::player::remote_setup(&setup)?;
    if let (Some(name), None) = (remote.name.clone(), &remote.link) {
        // the recorder is here: this Player takes its commands from its box directly
        let commands = pipeline.commands.clone();
        let handle = runtime.handle().clone();
        remote.feed = Some(Box::new(move |sender| {
            handle.spawn(async move {
                loop {
                    for command in commands.next(&name, Duration::from_secs(25)).await {
                        sender.send(command);
                    }
                }
            });
        }));
    }
    let shown = crate::ui::app::run_window(session, Some(link), remote, close_after);
    if keep_recording && shown.is_ok() && close_after.is_none() {
        board.event("info", crate::lang::t("event-window-closed"));
        eprintln!("callrec: window closed; the recorder keeps recording until Ctrl-C or SIGTERM");
        runtime.block_on(shutdown_signal());
    }
    let _ = stop_tx.send(true);
    let recorder = runtime.block_on(running);
    if let Err(e) = shown {
        return Ok(runtime_failure(format!("the window cannot open: {e}")));
    }
    match recorder {
        Ok(Ok(())) => Ok(0),
        Ok(Err(e)) => Ok(runtime_failure(format!("the recorder failed: {e}"))),
        Err(e) => Ok(runtime_failure(format!(
            "the recorder stopped by a fault: {e}"
        ))),
    }
}
