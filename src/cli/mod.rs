//! The command line: parse, then call one function per mode.

/// `println!` for results: a reader that went away (`callrec … | head`) is not an
/// error worth a panic, so a failed write to standard output is ignored.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod app;
pub mod args;
mod context;
mod convert;
mod converter;
mod fileserver;
mod import;
mod ops;
mod player;
mod record;
mod service;
mod setup;
mod simulate;
pub mod spec;
mod synth;
mod verify;

pub use args::{Args, UsageError};

/// Runs the program for the given arguments (without the program name) and returns
/// the process exit code. Errors are printed here, in words a user can act on.
pub fn run(words: &[String]) -> i32 {
    let args = match Args::parse(words) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("callrec: {e}");
            return 2;
        }
    };
    if let Err(e) = choose_language(&args) {
        eprintln!("callrec: {e}");
        return 2;
    }
    let result = match args.mode.as_deref() {
        None if !args.values.is_empty() => app::app(&args),
        None | Some("help") => {
            use std::io::Write as _;
            let _ = write!(std::io::stdout(), "{}", spec::help_text());
            Ok(0)
        }
        Some("convert") => convert::convert(&args),
        Some("converter") => converter::converter(&args),
        Some("inspect") => convert::inspect(&args),
        Some("synth") => synth::synth(&args),
        Some("import") => import::import(&args),
        Some("verify") => verify::verify(&args),
        Some("setup") => setup::setup(&args),
        Some("copy") => record::copy(&args),
        Some("evidence") => record::evidence(&args),
        Some("move" | "delete" | "tan" | "note") => ops::operate(&args),
        Some("service") => service::service(&args),
        Some("fileserver") => fileserver::fileserver(&args),
        Some("player") => player::player(&args),
        Some("simulate") => simulate::simulate(&args),
        Some(other) => Err(UsageError(format!("mode '{other}' is not available"))),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("callrec: {e}");
            2
        }
    }
}

/// The language of every text: `language=` on the command line, else the setup's
/// (when it can be read), else the system's locale.
fn choose_language(args: &Args) -> Result<(), UsageError> {
    use crate::lang::{Language, set_language};
    let given = args.get("language").map(str::to_string).or_else(|| {
        let dir = context::setup_dir(args);
        crate::archive::setup::Setup::load(&dir)
            .ok()
            .map(|setup| setup.get("language"))
    });
    let language = match given.as_deref() {
        None | Some("" | "auto") => Language::from_environment(),
        Some(code) => Language::parse(code).ok_or_else(|| {
            UsageError(format!(
                "language '{code}' is not available (auto, en or de)"
            ))
        })?,
    };
    set_language(language);
    Ok(())
}
