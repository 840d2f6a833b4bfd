//! `callrec setup`: show or change the setup without a window.

use super::args::{Args, UsageError};
use super::context::{identity, load_setup, setup_key_names};

pub fn setup(args: &Args) -> Result<i32, UsageError> {
    let mut allowed = vec!["recpath", "password", "setpassword"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let mut setup = load_setup(args)?;
    let changes = setup_key_names().iter().any(|k| args.get(k).is_some())
        || args.get("setpassword").is_some();
    if changes {
        setup
            .save(args.get("password"), args.get("setpassword"))
            .map_err(|e| UsageError(e.to_string()))?;
        eprintln!("callrec: setup saved in {}", setup.dir.display());
    }
    let own = identity(&setup)?;
    if let Some(store) = setup.store() {
        store
            .create()
            .map_err(|e| UsageError(format!("store={}: {e}", store.root.display())))?;
        own.public()
            .publish(&store.keys_dir())
            .map_err(|e| UsageError(format!("cannot publish the public key: {e}")))?;
    }
    out!("setup folder: {}", setup.dir.display());
    out!("identity: {}", own.public().id());
    out!(
        "password: {}",
        if setup.has_password() { "set" } else { "none" }
    );
    for (key, value) in setup.listing() {
        out!("{key}={value}");
    }
    Ok(0)
}
