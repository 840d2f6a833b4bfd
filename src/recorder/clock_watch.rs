//! Compares the PBX's clock with this PC's: the seed's known problem "asynchronous
//! reporting/PBX date and time". The recorder joins captures and CDRs by conference
//! id, but names records by the CDR's time, keeps TCR marks by it and applies
//! retention to it, so a PBX whose clock is off files calls under the wrong time
//! without a word. This watch turns that into the CLOCK lamp and a message.
//!
//! Two kinds of reading come in:
//! - **exact**: the PBX's clock at the moment it sent something — the `time=` of a CDR
//!   post (CDR0/CDR1 HTTP), the `Date` of a SOAP answer. Its difference to our clock
//!   is the skew, give or take the network's milliseconds.
//! - **a CDR's end** (`utc` plus its last event's `time`): the PBX sends a CDR after
//!   the call ended, so the end lies before the PBX's clock at sending. An end in our
//!   future proves the PBX is ahead; an end in our past proves nothing alone (the PBX
//!   may have held the CDR back), so "behind" needs every one of the last few CDRs to
//!   say so. CDR ends count only while no exact reading came for an hour: they are
//!   the weaker evidence (a CDR posted from a backlog, a test's old call).

use std::collections::VecDeque;

use crate::lang::{Arg, tr};

/// How many recent CDR ends are weighed for "behind".
const ENDS_WEIGHED: usize = 5;
/// How long an exact reading outweighs CDR ends, in seconds.
const EXACT_HOLDS_S: i64 = 3600;

/// Where a reading came from, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingSource {
    /// The `time=` of a CDR post.
    CdrPost,
    /// The `Date` header of a SOAP answer.
    Soap,
    /// The end of a PBX CDR.
    CdrEnd,
}

impl ReadingSource {
    /// Its word in the skew's message (`event-clock-skew`).
    fn word(self) -> &'static str {
        match self {
            ReadingSource::CdrPost => "post",
            ReadingSource::Soap => "soap",
            ReadingSource::CdrEnd => "end",
        }
    }
}

/// What changed with a reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockChange {
    /// The first reading, within the limit.
    InSync,
    /// Beyond the limit; the message says by how much and how it was found.
    Skewed(String),
    /// Within the limit again after a skew.
    Repaired,
}

/// The PBX clock as seen so far.
#[derive(Debug)]
pub struct ClockWatch {
    /// The largest skew accepted, in seconds; 0 switches the check off.
    limit_s: i64,
    /// Recent CDR ends minus our clock at arrival.
    ends: VecDeque<i64>,
    /// `None` before the first conclusive reading, then whether the clocks agree.
    in_sync: Option<bool>,
    /// Our clock at the last exact reading.
    last_exact_s: Option<i64>,
}

impl ClockWatch {
    pub fn new(limit_s: i64) -> ClockWatch {
        ClockWatch {
            limit_s,
            ends: VecDeque::new(),
            in_sync: None,
            last_exact_s: None,
        }
    }

    /// Takes a reading: `pbx_s` is what the PBX's clock said, `ours_s` our clock then
    /// (both Unix seconds). `Some` when the verdict changed.
    pub fn reading(
        &mut self,
        source: ReadingSource,
        pbx_s: i64,
        ours_s: i64,
    ) -> Option<ClockChange> {
        if self.limit_s <= 0 {
            return None;
        }
        let skew = pbx_s.saturating_sub(ours_s);
        let verdict = match source {
            ReadingSource::CdrPost | ReadingSource::Soap => {
                self.last_exact_s = Some(ours_s);
                Some(skew)
            }
            ReadingSource::CdrEnd
                if self
                    .last_exact_s
                    .is_some_and(|at| ours_s.saturating_sub(at) < EXACT_HOLDS_S) =>
            {
                None
            }
            ReadingSource::CdrEnd => self.weigh_end(skew),
        };
        let skew = verdict?;
        let agrees = skew.abs() <= self.limit_s;
        let before = self.in_sync.replace(agrees);
        match (before, agrees) {
            (None, true) => Some(ClockChange::InSync),
            (Some(false), true) => Some(ClockChange::Repaired),
            (None | Some(true), false) => Some(ClockChange::Skewed(self.describe(source, skew))),
            _ => None,
        }
    }

    /// A CDR end's verdict: ahead at once, behind only when the last few all agree,
    /// in sync when the newest is close.
    fn weigh_end(&mut self, skew: i64) -> Option<i64> {
        self.ends.push_back(skew);
        if self.ends.len() > ENDS_WEIGHED {
            self.ends.pop_front();
        }
        if skew > self.limit_s || skew.abs() <= self.limit_s {
            return Some(skew);
        }
        let newest_of_all = self.ends.iter().copied().max().unwrap_or(skew);
        (self.ends.len() == ENDS_WEIGHED && newest_of_all < -self.limit_s).then_some(newest_of_all)
    }

    fn describe(&self, source: ReadingSource, skew: i64) -> String {
        let yes = |b: bool| if b { "yes" } else { "no" };
        tr(
            "event-clock-skew",
            &[
                ("span", Arg::from(span(skew.unsigned_abs()))),
                ("ahead", Arg::from(yes(skew > 0))),
                (
                    "late",
                    Arg::from(yes(source == ReadingSource::CdrEnd && skew < 0)),
                ),
                ("source", Arg::from(source.word())),
                ("limit", Arg::from(self.limit_s.to_string())),
            ],
        )
    }
}

/// `95 s`, `3 min 5 s`, `2 h 10 min`, `400 days`: a time span as people say it.
pub fn span(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min {} s", s / 60, s % 60),
        7200..=172_799 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => tr("span-days", &[("n", Arg::from(s / 86_400))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn exact_readings_judge_at_once_and_say_which_way_and_how_far() {
        let mut watch = ClockWatch::new(60);
        assert_eq!(
            watch.reading(ReadingSource::CdrPost, NOW + 2, NOW),
            Some(ClockChange::InSync)
        );
        assert_eq!(watch.reading(ReadingSource::CdrPost, NOW - 30, NOW), None);
        let Some(ClockChange::Skewed(why)) = watch.reading(ReadingSource::Soap, NOW + 600, NOW)
        else {
            panic!("ten minutes ahead is a skew");
        };
        assert!(
            why.starts_with("PBX clock is 10 min 0 s ahead of this PC's clock"),
            "{why}"
        );
        assert!(why.contains("SOAP"), "{why}");
        let mut german = ClockWatch::new(60);
        let german = crate::lang::with_language(crate::lang::Language::German, || {
            german.reading(ReadingSource::Soap, NOW + 600, NOW)
        });
        assert!(
            matches!(&german, Some(ClockChange::Skewed(why))
                if why.starts_with("Die Uhr der PBX geht 10 min 0 s vor gegenüber der Uhr dieses PCs, erkannt an der Zeit ihrer SOAP-Antworten")),
            "{german:?}"
        );
        assert_eq!(
            watch.reading(ReadingSource::Soap, NOW + 601, NOW),
            None,
            "said once"
        );
        assert_eq!(
            watch.reading(ReadingSource::CdrPost, NOW, NOW),
            Some(ClockChange::Repaired)
        );
        let Some(ClockChange::Skewed(why)) = watch.reading(ReadingSource::CdrPost, 876, NOW) else {
            panic!("a device whose clock was never set");
        };
        assert!(why.contains("days behind"), "{why}");
    }

    #[test]
    fn a_cdr_ending_in_the_future_proves_ahead_but_late_cdrs_need_company() {
        let mut watch = ClockWatch::new(60);
        assert!(matches!(
            watch.reading(ReadingSource::CdrEnd, NOW + 300, NOW),
            Some(ClockChange::Skewed(_))
        ));
        let mut watch = ClockWatch::new(60);
        for _ in 0..ENDS_WEIGHED - 1 {
            assert_eq!(
                watch.reading(ReadingSource::CdrEnd, NOW - 3600, NOW),
                None,
                "maybe held back"
            );
        }
        let Some(ClockChange::Skewed(why)) = watch.reading(ReadingSource::CdrEnd, NOW - 3600, NOW)
        else {
            panic!("every recent CDR an hour old");
        };
        assert!(why.contains("behind") && why.contains("that late"), "{why}");
        assert_eq!(
            watch.reading(ReadingSource::CdrEnd, NOW - 1, NOW),
            Some(ClockChange::Repaired)
        );
    }

    #[test]
    fn one_late_cdr_among_fresh_ones_is_no_skew_and_zero_switches_off() {
        let mut watch = ClockWatch::new(60);
        assert_eq!(
            watch.reading(ReadingSource::CdrEnd, NOW - 1, NOW),
            Some(ClockChange::InSync)
        );
        for _ in 0..10 {
            assert_eq!(watch.reading(ReadingSource::CdrEnd, NOW - 7200, NOW), None);
            assert_eq!(watch.reading(ReadingSource::CdrEnd, NOW - 2, NOW), None);
        }
        let mut exact = ClockWatch::new(60);
        assert_eq!(
            exact.reading(ReadingSource::CdrPost, NOW, NOW),
            Some(ClockChange::InSync)
        );
        assert_eq!(
            exact.reading(ReadingSource::CdrEnd, NOW + 900, NOW + 1),
            None,
            "outweighed"
        );
        assert!(matches!(
            exact.reading(ReadingSource::CdrEnd, NOW + 5000, NOW + EXACT_HOLDS_S),
            Some(ClockChange::Skewed(_))
        ));
        let mut off = ClockWatch::new(0);
        assert_eq!(off.reading(ReadingSource::Soap, NOW + 99_999, NOW), None);
    }
}
