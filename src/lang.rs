//! Every text a person reads, in English and German: the window, tooltips, help pages,
//! setup captions and help, messages and the command line's help.
//!
//! The texts live in Fluent files (`locales/en.ftl`, `locales/de.ftl`, compiled in) and
//! are looked up by id, so a translator edits one file per language and a test fails
//! when an English text has no German. Fluent rather than a table of pairs: German
//! needs plurals and word order of its own ("1 Aufnahme", "3 Aufnahmen"), which its
//! selectors give without code.
//!
//! The language is chosen once (setup `language=`, the command line, or the system
//! locale) and may be overridden per thread, so tests in one process can draw the
//! same window in both languages side by side. This module is below every layer and
//! imports none of them.

use std::cell::Cell;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the texts exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    German,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::German];

    /// `en`, `de`, or a locale such as `de_AT.UTF-8`; anything else is refused.
    pub fn parse(text: &str) -> Option<Language> {
        let code = text.trim().to_ascii_lowercase();
        let code = code.split(['_', '-', '.', '@']).next().unwrap_or_default();
        match code {
            "en" => Some(Language::English),
            "de" => Some(Language::German),
            _ => None,
        }
    }

    /// The system's language from `LC_ALL`, `LC_MESSAGES` or `LANG` (the first set one,
    /// as POSIX reads them); English when none names German.
    pub fn from_environment() -> Language {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .and_then(|value| Language::parse(&value))
            .unwrap_or(Language::English)
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Language::English => include_str!("../locales/en.ftl"),
            Language::German => include_str!("../locales/de.ftl"),
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        match self {
            Language::English => &ENGLISH,
            Language::German => &GERMAN,
        }
    }

    /// The parsed texts of this language, for checks that compare the two files.
    pub fn resource(self) -> FluentResource {
        FluentResource::try_new(self.source().to_string()).unwrap_or_else(|(r, _)| r)
    }
}

static ENGLISH: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(Language::English));
static GERMAN: LazyLock<FluentBundle<FluentResource>> = LazyLock::new(|| bundle(Language::German));

fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let id = language
        .code()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // no Unicode isolation marks around arguments: egui draws them as boxes
    bundle.set_use_isolating(false);
    // a syntax error in a file is caught by the tests; what parsed is still used
    let _ = bundle.add_resource(language.resource());
    bundle
}

/// The process's language: 0 not chosen yet (the system locale then), 1 English, 2 German.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THIS_THREAD: Cell<Option<Language>> = const { Cell::new(None) };
}

/// Chooses the language for the whole process (the setup's or the command line's).
pub fn set_language(language: Language) {
    CHOSEN.store(
        match language {
            Language::English => 1,
            Language::German => 2,
        },
        Ordering::Relaxed,
    );
}

/// The language texts come in on this thread.
pub fn language() -> Language {
    if let Some(language) = THIS_THREAD.with(Cell::get) {
        return language;
    }
    match CHOSEN.load(Ordering::Relaxed) {
        1 => Language::English,
        2 => Language::German,
        _ => {
            let language = Language::from_environment();
            set_language(language);
            language
        }
    }
}

/// Runs `f` with texts in `language` on this thread (tests draw a view in both).
pub fn with_language<T>(language: Language, f: impl FnOnce() -> T) -> T {
    let before = THIS_THREAD.with(|l| l.replace(Some(language)));
    let result = f();
    THIS_THREAD.with(|l| l.set(before));
    result
}

/// The text with this id. A missing id shows itself (and the tests fail on it), so a
/// slip is visible rather than an empty button.
pub fn t(id: &str) -> String {
    text(id, None, None)
}

/// The text with this id and its `{ $name }` places filled.
pub fn tr(id: &str, args: &[(&str, Arg)]) -> String {
    text(id, None, Some(args))
}

/// A text's help (its `.help` attribute): the tooltip and the F1 page of a control.
pub fn help(id: &str) -> String {
    text(id, Some("help"), None)
}

/// A text's attribute `name`, when it has one.
pub fn attribute(id: &str, name: &str) -> Option<String> {
    let has = language()
        .bundle()
        .get_message(id)
        .is_some_and(|m| m.get_attribute(name).is_some());
    has.then(|| text(id, Some(name), None))
}

/// Whether a text has a help attribute (the F1 page falls back to its part's page).
pub fn has_help(id: &str) -> bool {
    language()
        .bundle()
        .get_message(id)
        .is_some_and(|m| m.get_attribute("help").is_some())
}

/// A value for a `{ $name }` place: numbers choose plurals, text is put in as it is.
#[derive(Debug, Clone)]
pub enum Arg {
    Number(f64),
    Text(String),
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as f64)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Number(n as f64)
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Number(f64::from(n))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

fn text(id: &str, attribute: Option<&str>, args: Option<&[(&str, Arg)]>) -> String {
    let bundle = language().bundle();
    let Some(message) = bundle.get_message(id) else {
        return id.to_string();
    };
    let pattern = match attribute {
        Some(name) => message.get_attribute(name).map(|a| a.value()),
        None => message.value(),
    };
    let Some(pattern) = pattern else {
        return id.to_string();
    };
    let fluent_args = args.map(|args| {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Number(n) => fa.set(*name, FluentValue::from(*n)),
                Arg::Text(s) => fa.set(*name, FluentValue::from(s.clone())),
            }
        }
        fa
    });
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
        .into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_plainly_in_both_languages() {
        for language in [Language::English, Language::German] {
            let text = with_language(language, || {
                tr(
                    "event-pull-too-large",
                    &[
                        ("name", Arg::from("a.pcap")),
                        ("bytes", Arg::from(70_000_000u64)),
                    ],
                )
            });
            assert!(text.starts_with("a.pcap: 70000000 "), "{text}");
        }
    }

    use super::*;
    use fluent_syntax::ast::{Entry, Message};

    /// Every message id with the names of its attributes.
    fn ids(language: Language) -> std::collections::BTreeMap<String, Vec<String>> {
        let resource = language.resource();
        resource
            .entries()
            .filter_map(|e| match e {
                Entry::Message(Message { id, attributes, .. }) => Some((
                    id.name.to_string(),
                    attributes.iter().map(|a| a.id.name.to_string()).collect(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn both_language_files_parse_without_errors() {
        for language in Language::ALL {
            if let Err((_, errors)) = FluentResource::try_new(language.source().to_string()) {
                panic!("{} has syntax errors: {errors:?}", language.code());
            }
        }
    }

    #[test]
    fn every_english_text_and_help_has_a_german_one_and_no_more() {
        let english = ids(Language::English);
        let german = ids(Language::German);
        let missing: Vec<String> = english
            .iter()
            .flat_map(|(id, attributes)| {
                let de = german.get(id);
                let mut out = Vec::new();
                if de.is_none() {
                    out.push(id.clone());
                }
                for a in attributes {
                    if !de.is_some_and(|d| d.contains(a)) {
                        out.push(format!("{id}.{a}"));
                    }
                }
                out
            })
            .collect();
        assert!(missing.is_empty(), "no German for: {missing:?}");
        let extra: Vec<&String> = german
            .keys()
            .filter(|id| !english.contains_key(*id))
            .collect();
        assert!(extra.is_empty(), "German texts with no English: {extra:?}");
    }

    /// The first word of every text id.
    const NAMESPACES: &[&str] = &[
        "column", "details", "filter", "help", "msg", "player", "remote", "sos", "verdict",
        "panel", "setting", "tab", "cli", "close", "evidence", "players", "app",
    ];

    #[test]
    fn every_text_the_code_asks_for_exists() {
        // the ids the sources pass to t(…), tr(…), help(…) and the help helpers
        let english = ids(Language::English);
        let mut unknown = Vec::new();
        let pattern = regex_lite_ids();
        for file in rust_files(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))) {
            let text = std::fs::read_to_string(&file).unwrap();
            for id in pattern(&text) {
                if !english.contains_key(&id) {
                    unknown.push(format!("{}: {id}", file.display()));
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "texts asked for but not in en.ftl: {unknown:?}"
        );
    }

    /// Finds every string literal that names a text: one of the texts' namespaces, a
    /// dash, lowercase words (ids chosen by an `if` are found this way too).
    fn regex_lite_ids() -> impl Fn(&str) -> Vec<String> {
        |text: &str| {
            let mut found = Vec::new();
            for literal in text.split('"').skip(1).step_by(2) {
                let Some((space, rest)) = literal.split_once('-') else {
                    continue;
                };
                let named = NAMESPACES.contains(&space)
                    && !rest.is_empty()
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if named {
                    found.push(literal.to_string());
                }
            }
            found
        }
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    #[test]
    fn plurals_and_arguments_follow_the_language() {
        let en = with_language(Language::English, || {
            tr(
                "player-count",
                &[("total", 1usize.into()), ("shown", 1usize.into())],
            )
        });
        let de = with_language(Language::German, || {
            tr(
                "player-count",
                &[("total", 3usize.into()), ("shown", 1usize.into())],
            )
        });
        assert_eq!(en, "1 record, 1 shown");
        assert_eq!(de, "3 Aufnahmen, 1 angezeigt");
    }

    #[test]
    fn a_locale_chooses_its_language() {
        assert_eq!(Language::parse("de_AT.UTF-8"), Some(Language::German));
        assert_eq!(Language::parse("en_US"), Some(Language::English));
        assert_eq!(Language::parse("C"), None);
        assert_eq!(Language::parse("DE"), Some(Language::German));
    }
}
