//! `callrec player`: the Player window on the archive.

use super::args::{Args, UsageError, runtime_failure};
use super::context::{identity, key_ring, load_setup, require_store, setup_key_names};
use crate::player::permissions::Permissions;
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
    match crate::ui::app::run_window(session, None, close_after) {
        Ok(()) => Ok(0),
        Err(e) => Ok(runtime_failure(format!(
            "the Player window cannot open: {e}"
        ))),
    }
}
