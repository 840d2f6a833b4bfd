//! `callrec move|delete|tan|note`: the Player's record operations without a window,
//! each logged in the activity log.

use std::path::PathBuf;

use super::args::{Args, UsageError};
use super::context::{identity, load_setup, setup_key_names, store_of_record};
use super::record::found_for;
use crate::archive::ops::{self, Actor};

pub fn operate(args: &Args) -> Result<i32, UsageError> {
    let mode = args.mode.clone().unwrap_or_default();
    let mut allowed = vec!["in", "recpath"];
    allowed.push(match mode.as_str() {
        "move" => "out",
        "tan" => "tan",
        "note" => "text",
        _ => "in",
    });
    allowed.extend(setup_key_names());
    args.only(&allowed)?;
    let input = PathBuf::from(args.require("in")?);
    let setup = load_setup(args)?;
    let store = store_of_record(&input).ok_or_else(|| {
        UsageError(format!(
            "in={} is not a record in an archive month folder (STORE/YYYY_MM/)",
            input.display()
        ))
    })?;
    let own = identity(&setup)?;
    let name = setup.get("recorder");
    let actor = Actor {
        store: &store,
        identity: &own,
        name: &name,
    };
    let found = found_for(&input)?;
    let result = match mode.as_str() {
        "move" => ops::move_record(&actor, &found, &PathBuf::from(args.require("out")?))
            .map(|p| format!("moved to {}", p.display())),
        "delete" => ops::delete_record(&actor, &found).map(|()| "deleted".to_string()),
        "tan" => ops::set_tan(&actor, &found, args.require("tan")?)
            .map(|p| format!("renamed to {}", p.display())),
        "note" => ops::write_note(&actor, &found, args.require("text")?)
            .map(|p| format!("notes in {}", p.display())),
        other => return Err(UsageError(format!("'{other}' is not a record operation"))),
    };
    match result {
        Ok(done) => {
            out!("{done}");
            Ok(0)
        }
        Err(e) => {
            eprintln!("callrec: {}: {e}", input.display());
            Ok(2)
        }
    }
}
