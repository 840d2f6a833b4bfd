//! The recorder's log files, in the log folder (the setup folder, `recpath=`):
//! `iREC_err_log.txt` gets every warning and error, always; `iREC_sys_log.txt`, the
//! trace log, gets every operation when `trace=on`. Both go through `tracing`, like
//! the lines on standard error.
//!
//! The seed's trace log grew for ever. Here each file is capped (`logmb=`): when full
//! it is renamed to `.1` (the older ones to `.2`, `.3`) and a new one begins. The
//! rotation is written here because `tracing-appender` rotates by time only, and a
//! log that a busy day can fill is the problem being solved.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

/// Warnings and errors, always written.
pub const ERROR_LOG: &str = "iREC_err_log.txt";
/// Every operation, when tracing is on.
pub const TRACE_LOG: &str = "iREC_sys_log.txt";
/// Rotated generations kept besides the current file.
const KEEP: usize = 3;

/// A log file that starts afresh when it would grow beyond its cap.
pub struct RotatingFile {
    path: PathBuf,
    max_bytes: u64,
    open: Mutex<Option<(File, u64)>>,
}

impl RotatingFile {
    pub fn new(path: PathBuf, max_bytes: u64) -> RotatingFile {
        RotatingFile {
            path,
            max_bytes: max_bytes.max(1024),
            open: Mutex::new(None),
        }
    }

    fn rotated(&self, n: usize) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }

    fn rotate(&self) -> std::io::Result<()> {
        for n in (1..KEEP).rev() {
            let from = self.rotated(n);
            if from.exists() {
                std::fs::rename(&from, self.rotated(n + 1))?;
            }
        }
        std::fs::rename(&self.path, self.rotated(1))
    }

    fn append(
        slot: &mut Option<(File, u64)>,
        file: &RotatingFile,
        buf: &[u8],
    ) -> std::io::Result<()> {
        if slot.is_none() {
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file.path)?;
            let size = f.metadata()?.len();
            *slot = Some((f, size));
        }
        if let Some((_, size)) = slot.as_ref()
            && *size > 0
            && size + buf.len() as u64 > file.max_bytes
        {
            *slot = None;
            file.rotate()?;
            let f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&file.path)?;
            *slot = Some((f, 0));
        }
        let (f, size) = slot.as_mut().expect("opened above");
        f.write_all(buf)?;
        *size += buf.len() as u64;
        Ok(())
    }
}

/// One event's write, holding the file for the whole line.
pub struct LogWriter<'a> {
    file: &'a RotatingFile,
    slot: MutexGuard<'a, Option<(File, u64)>>,
}

impl Write for LogWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // A log that cannot be written must not stop the recorder: the line still
        // reaches standard error and the status panes.
        if RotatingFile::append(&mut self.slot, self.file, buf).is_err() {
            *self.slot = None;
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for RotatingFile {
    type Writer = LogWriter<'a>;
    fn make_writer(&'a self) -> LogWriter<'a> {
        LogWriter {
            file: self,
            slot: self.open.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

/// Where the logs go and how much they take.
#[derive(Debug, Clone, Default)]
pub struct LogSettings {
    /// The log folder; none: standard error only.
    pub dir: Option<PathBuf>,
    pub trace: bool,
    pub max_bytes: u64,
}

/// Installs the process's log output: standard error (level from `RUST_LOG`, default
/// info), the error log, and the trace log when asked. A second call does nothing.
pub fn init(settings: &LogSettings) {
    let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = vec![
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_filter(
                EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
            )
            .boxed(),
    ];
    if let Some(dir) = &settings.dir
        && std::fs::create_dir_all(dir).is_ok()
    {
        let mut files = vec![(ERROR_LOG, LevelFilter::WARN)];
        if settings.trace {
            files.push((TRACE_LOG, LevelFilter::INFO));
        }
        for (name, level) in files {
            layers.push(
                tracing_subscriber::fmt::layer()
                    .with_writer(RotatingFile::new(dir.join(name), settings.max_bytes))
                    .with_ansi(false)
                    .with_target(false)
                    .with_filter(level)
                    .boxed(),
            );
        }
    }
    let _ = tracing_subscriber::registry().with(layers).try_init();
}

/// The last `n` lines of the error log (oldest first), for the error pane's "from log".
pub fn last_errors(dir: &Path, n: usize) -> std::io::Result<Vec<String>> {
    let mut lines = Vec::new();
    for path in [dir.join(format!("{ERROR_LOG}.1")), dir.join(ERROR_LOG)] {
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        // the tail is enough: a line is far shorter than 2 KiB
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub((n as u64) * 2048)))?;
        let mut tail = Vec::new();
        file.read_to_end(&mut tail)?;
        let text = String::from_utf8_lossy(&tail);
        let mut found: Vec<String> = text.lines().map(str::to_string).collect();
        if len > (n as u64) * 2048 && !found.is_empty() {
            found.remove(0); // cut in the middle
        }
        lines.extend(found.into_iter().filter(|l| !l.trim().is_empty()));
    }
    let skip = lines.len().saturating_sub(n);
    Ok(lines.split_off(skip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_log_is_rotated_and_old_generations_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let file = RotatingFile::new(dir.path().join(ERROR_LOG), 1024);
        let line = format!("{}\n", "x".repeat(99)); // 100 bytes
        for i in 0..60 {
            let mut w = file.make_writer();
            w.write_all(format!("{i:02}").as_bytes()).unwrap();
            w.write_all(line.as_bytes()).unwrap();
        }
        let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        assert!(size(dir.path().join(ERROR_LOG)) <= 1024);
        for n in 1..=KEEP {
            let s = size(dir.path().join(format!("{ERROR_LOG}.{n}")));
            assert!(s > 0 && s <= 1024, "generation {n}: {s} bytes");
        }
        assert!(
            !dir.path()
                .join(format!("{ERROR_LOG}.{}", KEEP + 1))
                .exists()
        );
        // the newest lines are read back, oldest first
        let last = last_errors(dir.path(), 3).unwrap();
        assert_eq!(last.len(), 3);
        assert!(
            last[0].starts_with("57") && last[2].starts_with("59"),
            "{last:?}"
        );
    }
}
