//! What a Player user does to a record, each step written to the audit chain:
//! move it (the files keep their mode: an encrypted record stays encrypted), delete it,
//! attach or change its TAN (which renames it), write its notes.
//!
//! The audit line is appended *before* a delete and *after* a move or rename has
//! succeeded, so that an interruption never leaves a record the chain calls missing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::audit::{self, Action, Entry};
use super::identity::Identity;
use super::name::{RecordName, sanitize_tan};
use super::store::{Store, sync_parent, write_atomic};
use super::verify::Found;

/// Longest note kept (the seed's notes are a few lines).
pub const MAX_NOTE: usize = 64 * 1024;

/// Why an operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Who acts, and where the chain is.
pub struct Actor<'a> {
    pub store: &'a Store,
    pub identity: &'a Identity,
    pub name: &'a str,
}

impl Actor<'_> {
    /// Writes one line to the activity log under this actor's name (its public key
    /// published first, so the line can be checked).
    pub fn log(&self, action: Action, record: &str, detail: &str) -> io::Result<()> {
        self.identity.public().publish(&self.store.keys_dir())?;
        audit::append(
            &self.store.audit_log(),
            &Entry {
                action,
                record,
                actor: self.name,
                detail,
            },
            self.identity,
        )
    }

    /// `YYYY_MM/name.ext` when `path` is a record file inside the store.
    pub fn relative(&self, path: &Path) -> Option<String> {
        self.store.relative_path(path)
    }
}

/// The files that make up a record: audio, sidecar, notes.
fn files_of(found: &Found) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = found.audio.iter().chain(&found.sidecar).cloned().collect();
    if let Some(any) = files.first() {
        let notes = any.with_extension("txt");
        if notes.is_file() {
            files.push(notes);
        }
    }
    files
}

fn label(found: &Found) -> Result<PathBuf, OpError> {
    found
        .audio
        .clone()
        .or_else(|| found.sidecar.clone())
        .ok_or_else(|| OpError::Refused("the record has no files".into()))
}

/// Renames, or copies and syncs then removes when the target is on another disk.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    if to.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        ));
    }
    match fs::rename(from, to) {
        Ok(()) => sync_parent(to),
        Err(_) => {
            write_atomic(to, &fs::read(from)?)?;
            fs::remove_file(from)?;
            sync_parent(from)
        }
    }
}

/// Moves every `(from, to)` pair; on a failure puts back what already moved, so a
/// record is never split between two places.
fn move_all(moves: Vec<(PathBuf, PathBuf)>) -> io::Result<()> {
    for (i, (from, to)) in moves.iter().enumerate() {
        if let Err(e) = move_file(from, to) {
            for (from, to) in moves[..i].iter().rev() {
                let _ = move_file(to, from);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Moves a record's files into `dest_dir`; returns the new audio (or sidecar) path.
pub fn move_record(actor: &Actor<'_>, found: &Found, dest_dir: &Path) -> Result<PathBuf, OpError> {
    let main = label(found)?;
    fs::create_dir_all(dest_dir)?;
    let moves = files_of(found)
        .into_iter()
        .map(|file| {
            let target = dest_dir.join(file.file_name().unwrap_or_default());
            (file, target)
        })
        .collect();
    move_all(moves)?;
    let new_main = dest_dir.join(main.file_name().unwrap_or_default());
    let to = actor
        .relative(&new_main)
        .unwrap_or_else(|| new_main.display().to_string());
    let from = actor
        .relative(&main)
        .unwrap_or_else(|| main.display().to_string());
    actor.log(Action::Moved, &from, &format!("to={to}"))?;
    Ok(new_main)
}

/// Deletes a record's files, after logging it.
pub fn delete_record(actor: &Actor<'_>, found: &Found) -> Result<(), OpError> {
    remove_record(actor, found, Action::Deleted, "")
}

/// Removes a record's files, after logging `action` (deleted, or moved where the
/// files went beyond this PC) with `detail`.
pub fn remove_record(
    actor: &Actor<'_>,
    found: &Found,
    action: Action,
    detail: &str,
) -> Result<(), OpError> {
    let main = label(found)?;
    let from = actor
        .relative(&main)
        .unwrap_or_else(|| main.display().to_string());
    actor.log(action, &from, detail)?;
    for file in files_of(found) {
        fs::remove_file(&file)?;
    }
    sync_parent(&main)?;
    Ok(())
}

/// Attaches or changes the record's TAN (up to 6 digits): the files are renamed to
/// carry `_T<tan>`. A TAN can be changed but not removed (seed rule).
pub fn set_tan(actor: &Actor<'_>, found: &Found, tan: &str) -> Result<PathBuf, OpError> {
    let tan = sanitize_tan(tan)
        .filter(|t| t.len() == tan.len())
        .ok_or_else(|| OpError::Refused(format!("'{tan}' is not a TAN (1 to 6 digits)")))?;
    let main = label(found)?;
    let file_name = main
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut name = RecordName::parse(&file_name)
        .map_err(|e| OpError::Refused(format!("cannot set a TAN: {e}")))?;
    name.tan = Some(tan);
    let dir = main.parent().unwrap_or(Path::new("."));
    let renames = files_of(found)
        .into_iter()
        .map(|file| {
            let ext = file
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            let target = dir.join(name.with_extension(&ext).to_string());
            (file, target)
        })
        .filter(|(file, target)| file != target)
        .collect();
    move_all(renames)?;
    let new_main = dir.join(name.with_extension(&name_ext(&main)).to_string());
    let from = actor
        .relative(&main)
        .unwrap_or_else(|| main.display().to_string());
    let to = actor
        .relative(&new_main)
        .unwrap_or_else(|| new_main.display().to_string());
    actor.log(Action::Tan, &from, &format!("to={to}"))?;
    Ok(new_main)
}

fn name_ext(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the record's notes (`<name>.txt`, plain text as in the seed).
pub fn write_note(actor: &Actor<'_>, found: &Found, text: &str) -> Result<PathBuf, OpError> {
    if text.len() > MAX_NOTE {
        return Err(OpError::Refused(format!(
            "a note is limited to {MAX_NOTE} bytes"
        )));
    }
    let main = label(found)?;
    let notes = main.with_extension("txt");
    write_atomic(&notes, text.as_bytes())?;
    let record = actor
        .relative(&main)
        .unwrap_or_else(|| main.display().to_string());
    actor.log(Action::Note, &record, &format!("{} bytes", text.len()))?;
    Ok(notes)
}
