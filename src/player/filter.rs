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
        let n = &e.name;
        (self.month.is_empty() || n.start.month_folder() == self.month)
            && self.day.is_none_or(|d| n.start.day == d)
            && wildcard(&self.internal, &n.internal)
            && wildcard(&self.external, &n.external)
            && self.direction.is_none_or(|d| n.direction == d)
            && (self.tan.is_empty() || n.tan.as_deref() == Some(self.tan.as_str()))
    }

    /// Indexes into `entries` that pass, in display order.
    pub fn apply(&self, entries: &[Entry]) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..entries.len())
            .filter(|&i| self.matches(&entries[i]))
            .collect();
        if self.newest_first {
            rows.reverse();
        }
        rows
    }
}

/// `*` any run, `?` any one character; a pattern without wildcards matches as a prefix
/// (typing `0123` finds `012345`, as users expect from the seed's search).
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return true;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    if !p.iter().any(|c| *c == '*' || *c == '?') {
        return text.starts_with(pattern);
    }
    // classic two-pointer glob match with backtracking on the last '*'
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
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
    p[pi..].iter().all(|c| *c == '*')
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
