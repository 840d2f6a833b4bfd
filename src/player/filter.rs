//! The Player's search: month and day, internal and external number with wildcards
//! (`0123*`, `?`), direction, TAN, and which end of the list is on top. SOS mode is
//! the same list with every filter off and the newest call on top.

use super::catalog::Entry;
use crate::archive::name::Direction;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// `YYYY_MM`; empty: every month.
    pub month: String,
    /// Day of the month; `None`: every day.
    pub day: Option<u8>,
    /// Number pattern of the internal party; empty: any.
    pub internal: String,
    pub external: String,
    pub direction: Option<Direction>,
    /// TAN digits; empty: any.
    pub tan: String,
    pub newest_first: bool,
    /// The recorder (site) that archived the record, by its name; empty: any. Applied
    /// by the Player with the activity logs' word (see `recorder_names`).
    pub recorder: String,
}

impl Filter {
    /// The filter of SOS / rescue mode: nothing hidden, newest on top.
    pub fn sos() -> Filter {
        Filter {
            newest_first: true,
            ..Filter::default()
        }
    }

    pub fn matches(&self, e: &Entry) -> bool {
        Compiled::new(self).matches(e)
    }

    /// Indexes into `entries` that pass, in display order. The patterns are prepared
    /// once, so a filter change over a million records allocates nothing per record;
    /// the records are shared out over the cores.
    pub fn apply(&self, entries: &[Entry]) -> Vec<usize> {
        use rayon::prelude::*;
        let compiled = Compiled::new(self);
        let mut rows: Vec<usize> = (0..entries.len())
            .into_par_iter()
            .filter(|&i| compiled.matches(&entries[i]))
            .collect();
        if self.newest_first {
            rows.reverse();
        }
        rows
    }
}

/// A filter ready to run: month as numbers, patterns as bytes.
struct Compiled<'f> {
    filter: &'f Filter,
    month: Option<(u16, u8)>,
    internal: Pattern,
    external: Pattern,
}

impl<'f> Compiled<'f> {
    fn new(filter: &'f Filter) -> Compiled<'f> {
        let month = filter.month.trim();
        Compiled {
            filter,
            month: (!month.is_empty()).then(|| {
                let (y, m) = month.split_once(['_', '-']).unwrap_or((month, "0"));
                (y.parse().unwrap_or(0), m.parse().unwrap_or(0))
            }),
            internal: Pattern::new(&filter.internal),
            external: Pattern::new(&filter.external),
        }
    }

    fn matches(&self, e: &Entry) -> bool {
        let f = self.filter;
        let start = e.start();
        self.month
            .is_none_or(|(y, m)| start.year == y && start.month == m)
            && f.day.is_none_or(|d| start.day == d)
            && f.direction.is_none_or(|d| e.direction() == d)
            && self.internal.matches(e.internal().as_bytes())
            && self.external.matches(e.external().as_bytes())
            && (f.tan.is_empty() || e.tan() == Some(f.tan.as_str()))
    }
}

/// A number pattern: empty (anything), a plain prefix, or a glob with `*` and `?`.
enum Pattern {
    Any,
    Prefix(Vec<u8>),
    Glob(Vec<u8>),
}

impl Pattern {
    fn new(text: &str) -> Pattern {
        let text = text.trim();
        if text.is_empty() {
            Pattern::Any
        } else if text.contains(['*', '?']) {
            Pattern::Glob(text.as_bytes().to_vec())
        } else {
            Pattern::Prefix(text.as_bytes().to_vec())
        }
    }

    fn matches(&self, text: &[u8]) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Prefix(p) => text.starts_with(p),
            Pattern::Glob(p) => glob(p, text),
        }
    }
}

/// `*` any run, `?` any one character; a pattern without wildcards matches as a prefix
/// (typing `0123` finds `012345`, as users expect from the seed's search).
pub fn wildcard(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern).matches(text.as_bytes())
}

/// Glob match over bytes with backtracking on the last `*`.
fn glob(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_prefixes() {
        assert!(wildcard("0123*", "0123456"));
        assert!(wildcard("0123", "0123456"));
        assert!(!wildcard("0124", "0123456"));
        assert!(wildcard("0?23*6", "0123456"));
        assert!(wildcard("*456", "0123456"));
        assert!(!wildcard("*457", "0123456"));
        assert!(wildcard("", "x"));
        assert!(wildcard("*", ""));
    }
}
