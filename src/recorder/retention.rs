//! Retention: records older than the configured number of months are deleted, each
//! with a `deleted` line in the activity log, so that an unattended disk never fills
//! (the seed's maximum storage time). The backup folder is not touched.
//!
//! A record goes only when both its month folder and the time it was archived (its
//! audio file's modification time, set once when it was written) lie before the
//! window: a record whose call date is wrong (a device clock at 1970, a backfilled
//! import) is kept for the full time after it reached the archive.

use crate::archive::ops::{self, Actor};
use crate::archive::record::Archiver;
use crate::archive::verify::{month_folders, records_in};

/// The first month kept, `YYYY_MM`, when `keep_months` months are kept counting the
/// current one (in the PC's local time).
pub fn first_kept_month(now: jiff::civil::Date, keep_months: u32) -> String {
    let months = i64::from(now.year()) * 12 + i64::from(now.month())
        - 1
        - i64::from(keep_months.saturating_sub(1));
    format!(
        "{:04}_{:02}",
        months.div_euclid(12),
        months.rem_euclid(12) + 1
    )
}

/// Deletes every record in month folders before the first kept month; returns how many.
pub fn sweep(archiver: &Archiver, keep_months: u32) -> std::io::Result<usize> {
    if keep_months == 0 {
        return Ok(0);
    }
    let today = jiff::ZonedDateTime::now().date();
    let first = first_kept_month(today, keep_months);
    let window_start = window_start(today, keep_months);
    let actor = Actor {
        store: &archiver.store,
        identity: &archiver.identity,
        name: &archiver.recorder_name,
    };
    let mut deleted = 0;
    for month in month_folders(&archiver.store)? {
        let name = month
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name >= first {
            continue;
        }
        for found in records_in(&month, &format!("{name}/"))? {
            if archived_at(&found).is_none_or(|t| t >= window_start) {
                // archived inside the window (or its time unreadable): kept
                continue;
            }
            ops::delete_record(&actor, &found).map_err(|e| std::io::Error::other(e.to_string()))?;
            deleted += 1;
        }
        // notes and stray files go with the folder only when it is empty of records
        let _ = std::fs::remove_dir(&month);
    }
    Ok(deleted)
}

/// Retention in the archive's bucket: the records this recorder archived there (its
/// own chain says so) that lie before the window are deleted, each with its `deleted`
/// line. Another recorder's records are that recorder's to delete: every chain then
/// stays whole. Objects are deleted first and logged after, audio before sidecar.
/// `today` is the PC's local date (a test moves it).
pub fn sweep_bucket(
    archiver: &Archiver,
    bucket: &crate::archive::bucket::Bucket,
    keep_months: u32,
    today: jiff::civil::Date,
) -> Result<usize, String> {
    use crate::archive::audit::{self, Action, Entry};
    if keep_months == 0 {
        return Ok(0);
    }
    let first = first_kept_month(today, keep_months);
    let window_start = window_start(today, keep_months);
    let mut own = crate::archive::identity::TrustedKeys::default();
    own.add(archiver.identity.public());
    let mine = audit::verify_chain(&archiver.store.audit_log(), &own)
        .map_err(|e| format!("the activity log cannot be read: {e}"))?
        .present;
    let mut deleted = 0;
    let months = crate::archive::bucket_verify::months(bucket).map_err(|e| e.to_string())?;
    for month in months.into_iter().filter(|m| *m < first) {
        for object in bucket.list(&month).map_err(|e| e.to_string())? {
            let record = format!("{month}/{}", object.name);
            let archived = std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(u64::try_from(object.modified_s).unwrap_or(0));
            if object.name.ends_with(".xml")
                || object.name.ends_with(".txt")
                || !mine.contains_key(&record)
                || archived >= window_start
            {
                continue;
            }
            let stem = record.rsplit_once('.').map_or(record.as_str(), |(s, _)| s);
            for key in [record.clone(), format!("{stem}.xml"), format!("{stem}.txt")] {
                bucket.delete(&key).map_err(|e| e.to_string())?;
            }
            audit::append(
                &archiver.store.audit_log(),
                &Entry {
                    action: Action::Deleted,
                    record: &record,
                    actor: &archiver.recorder_name,
                    detail: &format!("retention: kept {keep_months} month(s)"),
                },
                &archiver.identity,
            )
            .map_err(|e| format!("{record} deleted, but not logged: {e}"))?;
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// The first moment kept: midnight (PC's local time) of the first kept month.
fn window_start(today: jiff::civil::Date, keep_months: u32) -> std::time::SystemTime {
    let first = first_kept_month(today, keep_months);
    let (year, month) = first.split_once('_').unwrap_or(("1970", "01"));
    let date = jiff::civil::Date::new(year.parse().unwrap_or(1970), month.parse().unwrap_or(1), 1)
        .unwrap_or(today);
    jiff::tz::TimeZone::system()
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .ok()
        .and_then(|t| u64::try_from(t.as_second()).ok())
        .map_or(std::time::SystemTime::UNIX_EPOCH, |s| {
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s)
        })
}

/// When a record reached the archive: its audio's (or lone sidecar's) modification time.
fn archived_at(found: &crate::archive::verify::Found) -> Option<std::time::SystemTime> {
    let file = found.audio.as_ref().or(found.sidecar.as_ref())?;
    std::fs::metadata(file).and_then(|m| m.modified()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_kept_month_counts_the_current_one() {
        let d = jiff::civil::date(2026, 3, 15);
        assert_eq!(first_kept_month(d, 1), "2026_03");
        assert_eq!(first_kept_month(d, 3), "2026_01");
        assert_eq!(first_kept_month(d, 4), "2025_12");
        assert_eq!(first_kept_month(d, 27), "2024_01");
    }
}
