//! The command line in the seed's style: `key=value` pairs and bare words, in any
//! order, with `/x`, `-x`, `--x` and `x` meaning the same; keys are case-insensitive,
//! values keep their case (`recpath=C:\A` is not `recpath=c:\a`).
//!
//! Written by hand because clap and its peers require one fixed flag syntax; the
//! seed's installations use all of these spellings in their batch files. The known
//! words and keys live in [`super::spec`], from which `callrec help` is generated.

use std::collections::BTreeMap;

use super::spec::{KEYS, MODES};

/// A parsed command line: at most one mode word, and keys with their values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    pub mode: Option<String>,
    pub values: BTreeMap<String, String>,
}

/// A command-line mistake; the message names the word that is wrong. Exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl Args {
    pub fn parse<I, S>(words: I) -> Result<Args, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut args = Args::default();
        for word in words {
            let word = word.as_ref();
            let bare = word.trim_start_matches(['/', '-']);
            if bare.is_empty() {
                return Err(UsageError(format!("'{word}' is not an option")));
            }
            match bare.split_once('=') {
                Some((key, value)) => {
                    let key = key.to_ascii_lowercase();
                    if !KEYS.iter().any(|k| k.name == key)
                        && crate::archive::setup::setup_key(&key).is_none()
                    {
                        return Err(UsageError(format!(
                            "unknown key '{key}' (see 'callrec help' for the keys)"
                        )));
                    }
                    if args.values.insert(key.clone(), value.to_string()).is_some() {
                        return Err(UsageError(format!("key '{key}' is given twice")));
                    }
                }
                None => {
                    let mode = bare.to_ascii_lowercase();
                    if !MODES.iter().any(|m| m.name == mode) {
                        return Err(UsageError(format!(
                            "unknown word '{bare}' (see 'callrec help' for the modes)"
                        )));
                    }
                    if let Some(previous) = &args.mode
                        && *previous != mode
                    {
                        return Err(UsageError(format!(
                            "two modes given: '{previous}' and '{mode}'"
                        )));
                    }
                    args.mode = Some(mode);
                }
            }
        }
        Ok(args)
    }

    /// The value of a key, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// A required key.
    pub fn require(&self, key: &str) -> Result<&str, UsageError> {
        self.get(key).ok_or_else(|| {
            UsageError(format!(
                "'{}' needs {key}=…",
                self.mode.as_deref().unwrap_or("this command")
            ))
        })
    }

    /// A key whose value must be one of a fixed set, parsed by `parse`.
    pub fn choice<T>(
        &self,
        key: &str,
        default: T,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, UsageError> {
        match self.get(key) {
            None => Ok(default),
            Some(value) => parse(value).ok_or_else(|| {
                let allowed = KEYS.iter().find(|k| k.name == key).map_or("", |k| k.values);
                UsageError(format!(
                    "bad value '{value}' for {key}= (allowed: {allowed})"
                ))
            }),
        }
    }

    /// Rejects keys that the chosen mode does not use, so a typo cannot pass silently.
    pub fn only(&self, allowed: &[&str]) -> Result<(), UsageError> {
        for key in self.values.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(UsageError(format!(
                    "key '{key}' does not apply to '{}'",
                    self.mode.as_deref().unwrap_or("")
                )));
            }
        }
        Ok(())
    }
}

/// The exit code of a recorder, app or Player that failed while running (the port was
/// taken, the disk failed, no display): not a usage error (2), so that a service
/// manager or script can tell the two apart.
pub const RUNTIME_FAILURE: i32 = 3;

/// Says why it failed, in words, and gives [`RUNTIME_FAILURE`].
pub fn runtime_failure(what: impl std::fmt::Display) -> i32 {
    eprintln!("callrec: {what}");
    RUNTIME_FAILURE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_spellings_are_equal() {
        let a = Args::parse(["convert", "in=a.pcap", "out=b.wav"]).unwrap();
        let b = Args::parse(["/convert", "-IN=a.pcap", "--Out=b.wav"]).unwrap();
        let c = Args::parse(["OUT=b.wav", "/In=a.pcap", "-CONVERT"]).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn values_keep_their_case() {
        let a = Args::parse(["in=C:\\A"]).unwrap();
        let b = Args::parse(["IN=c:\\a"]).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.get("in"), Some("C:\\A"));
    }

    #[test]
    fn unknown_keys_and_words_are_named() {
        let e = Args::parse(["convert", "colour=red"]).unwrap_err();
        assert!(e.0.contains("colour"), "{e}");
        let e = Args::parse(["frobnicate"]).unwrap_err();
        assert!(e.0.contains("frobnicate"), "{e}");
    }

    #[test]
    fn values_may_contain_equals_and_slashes() {
        let a = Args::parse(["in=/data/x=y.pcap"]).unwrap();
        assert_eq!(a.get("in"), Some("/data/x=y.pcap"));
    }
}
