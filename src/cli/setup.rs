//! `callrec setup`: the setup window, or show or change the setup without one.

use super::args::{Args, UsageError};
use super::context::{identity, load_setup, setup_key_names};
use crate::archive::accounts::{Account, Rights, parse_accounts, render_accounts, upsert};

pub fn setup(args: &Args) -> Result<i32, UsageError> {
    if let Some(name) = args.get("account") {
        return account(args, name);
    }
    let mut allowed = vec!["recpath", "password", "setpassword", "show", "seconds"];
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let changes = setup_key_names().iter().any(|k| args.get(k).is_some())
        || args.get("setpassword").is_some();
    let has_display = std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|d| !d.is_empty());
    let window = args.choice("show", !changes && has_display, |v| match v {
        "window" => Some(true),
        "text" => Some(false),
        _ => None,
    })?;
    if window {
        if changes {
            return Err(UsageError(
                "show=window edits in the window: give no KEY=VALUE with it".into(),
            ));
        }
        let setup = crate::archive::setup::Setup::load(&super::context::setup_dir(args))
            .map_err(|e| UsageError(e.to_string()))?;
        let close_after = args.choice("seconds", None, |v| {
            v.parse::<f64>().ok().filter(|s| *s > 0.0).map(Some)
        })?;
        crate::ui::app::run_setup_window(setup, close_after)
            .map_err(|e| UsageError(format!("the setup window cannot open: {e}")))?;
        return Ok(0);
    }
    let mut setup = load_setup(args)?;
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

/// `callrec setup account=NAME password=PW [rights=…] [extensions=…]`: adds or changes
/// a network Player account. Here `password` and `extensions` are the account's; a
/// protected setup is unlocked with `setuppassword=`.
fn account(args: &Args, name: &str) -> Result<i32, UsageError> {
    args.only(&[
        "recpath",
        "account",
        "password",
        "rights",
        "extensions",
        "setuppassword",
    ])?;
    let password = args.require("password")?;
    let rights = Rights::parse(args.get("rights").unwrap_or("copy,tan,notes"))
        .map_err(|e| UsageError(format!("rights: {e}")))?;
    let extensions: Vec<String> = args
        .get("extensions")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    let account = Account::new(name, password, rights, extensions).map_err(UsageError)?;
    let mut setup = crate::archive::setup::Setup::load(&super::context::setup_dir(args))
        .map_err(|e| UsageError(e.to_string()))?;
    let mut accounts = parse_accounts(&setup.get("players")).map_err(UsageError)?;
    let what = format!(
        "account {}: rights {}, calls of {}",
        account.name,
        account.rights,
        if account.extensions.is_empty() {
            "every extension".to_string()
        } else {
            account.extensions.join(", ")
        }
    );
    upsert(&mut accounts, account);
    setup
        .set("players", &render_accounts(&accounts))
        .map_err(|e| UsageError(e.to_string()))?;
    setup
        .save(args.get("setuppassword"), None)
        .map_err(|e| UsageError(e.to_string()))?;
    out!("{what} (saved in {})", setup.dir.display());
    Ok(0)
}
