//! What a Player takes away from a record: its waveform (drawn without downloading
//! the audio), and, with the `copy` right, the record in the clear — the audio
//! decrypted and the metadata as plain XML, as `callrec`'s local copy-out writes them —
//! each copy a `copied` line in the activity log under `player:NAME` — and the
//! record's evidence ZIP, made here where the logs and keys are. A Player that
//! moves a record copies it and then deletes it with `?moved=1`, which logs `moved`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::FileServer;
use super::control::query_value;
use super::records::{Plain, find, plain_body, refuse};
use crate::archive::accounts::Account;
use crate::archive::audit::Action;
use crate::archive::evidence::{EvidenceSource, Provenance, export_evidence};
use crate::archive::ops::{self, OpError};
use crate::archive::sidecar::check_sidecar;
use crate::archive::store::hash_file;
use crate::archive::verify::Found;
use crate::player::stream::{RecordStream, waveform};

/// Columns a waveform may have, at most (a wide screen's pixels).
const MAX_COLUMNS: usize = 4000;

/// `GET /api/v1/records/NAME/waveform?columns=N`: per column the peak of each channel
/// (0–1), and the record's length in frames and its rate.
pub async fn record_waveform(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let columns = query_value(query.as_deref(), "columns").map(|v| v.parse::<usize>());
    let columns = match columns {
        None => 1000,
        Some(Ok(n)) if (1..=MAX_COLUMNS).contains(&n) => n,
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                &format!("columns= is 1 to {MAX_COLUMNS}"),
            );
        }
    };
    let answer = tokio::task::spawn_blocking(move || {
        let audio = find(&server, &account, &name).ok_or(StatusCode::NOT_FOUND)?;
        let mut stream = RecordStream::open(&audio, &server.ring)
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
        let rate = crate::player::stream::FrameSource::rate(&stream);
        let (peaks, frames) = waveform(&mut stream, columns);
        Ok::<_, StatusCode>(serde_json::json!({
            "rate": rate,
            "frames": frames,
            "peaks": peaks,
        }))
    })
    .await;
    match answer {
        Ok(Ok(json)) => axum::Json(json).into_response(),
        Ok(Err(StatusCode::NOT_FOUND)) => refuse(StatusCode::NOT_FOUND, "no such record"),
        Ok(Err(_)) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the record's audio cannot be decoded",
        ),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the waveform failed"),
    }
}

/// The record `name` for a copy: refused without the `copy` right or when the account
/// may not see it.
fn for_copy(
    server: &FileServer,
    account: &Account,
    name: &str,
) -> Result<std::path::PathBuf, Refusal> {
    if !account.rights.copy {
        return Err((
            StatusCode::FORBIDDEN,
            "this account may not copy records".into(),
        ));
    }
    let audio =
        find(server, account, name).ok_or((StatusCode::NOT_FOUND, "no such record".into()))?;
    server.fetch(&audio).map_err(|e| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the record cannot be fetched from the archive's bucket: {e}"),
        )
    })?;
    Ok(audio)
}

/// A refusal's status and words.
type Refusal = (StatusCode, String);

fn answer(done: Result<Result<Response, Refusal>, tokio::task::JoinError>) -> Response {
    match done {
        Ok(Ok(r)) => r,
        Ok(Err((status, why))) => refuse(status, &why),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the copy failed"),
    }
}

fn attachment(file_name: &str, content_type: &'static str, body: Body) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `plain`, whole, as an attachment named `file_name` with its length, streamed.
fn whole_attachment(file_name: &str, content_type: &'static str, plain: Plain) -> Response {
    let length = plain.len();
    let mut response = attachment(file_name, content_type, plain_body(plain, 0, length));
    if let Ok(v) = HeaderValue::from_str(&length.to_string()) {
        response.headers_mut().insert(header::CONTENT_LENGTH, v);
    }
    response
}

/// The `copied` line for what `account` takes away, in the server's log and (where the
/// archive is a bucket) the bucket's logs; refused in words when it cannot be written.
fn log_copied(
    server: &FileServer,
    account: &Account,
    record: &str,
    detail: &str,
) -> Result<(), Refusal> {
    server
        .act_as(account, |actor| actor.log(Action::Copied, record, detail))
        .and_then(|()| server.share_log())
        .map_err(|e| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the activity log cannot be written: {e}"),
            )
        })
}

/// `GET /api/v1/records/NAME/copy`: the audio in the clear, whole, logged `copied`.
pub async fn copy_audio(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    let done = tokio::task::spawn_blocking(move || {
        let audio = for_copy(&server, &account, &name)?;
        // decrypted as the audio endpoint sends it
        let undecryptable = |why: String| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the record cannot be read in the clear: {why}"),
            )
        };
        let plain = Plain::open(&audio, &server).map_err(undecryptable)?;
        let record = server.relative(&audio).unwrap_or(name.clone());
        log_copied(&server, &account, &record, "to=the Player's PC")?;
        // streamed as it is decrypted, never held whole
        Ok(whole_attachment(&name, "audio/wav", plain))
    })
    .await;
    answer(done)
}

/// `GET /api/v1/records/NAME/evidence`: the record's evidence ZIP (`archive::evidence`),
/// made here, where the archive's logs and keys are (a Player on another PC has
/// neither), logged `copied` with `evidence=the Player's PC`; needs the copy right.
pub async fn evidence(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    let done = tokio::task::spawn_blocking(move || {
        let audio = for_copy(&server, &account, &name)?;
        let failed = |why: String| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the evidence ZIP cannot be made: {why}"),
            )
        };
        // this server's own lines about the call belong in the ZIP of a bucket's record
        let _ = server.share_log();
        let record = server.relative(&audio).unwrap_or(name.clone());
        // written in a folder of its own beside the store's log (on the archive's disk,
        // not a small temporary one: the ZIP of a four-hour call is hundreds of
        // megabytes), which is gone once the ZIP is open: the answer streams from the
        // open file
        let tmp = server
            .store
            .audit_log()
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(std::env::temp_dir);
        let work = std::fs::create_dir_all(&tmp)
            .and_then(|()| {
                tempfile::Builder::new()
                    .prefix("evidence-")
                    .tempdir_in(&tmp)
            })
            .map_err(|e| failed(e.to_string()))?;
        let sidecar = audio.with_extension("xml");
        let trusted = server.trusted();
        let source = EvidenceSource {
            found: &Found {
                label: record.clone(),
                audio: Some(audio.clone()),
                sidecar: sidecar.is_file().then_some(sidecar),
            },
            provenance: match &server.bucket {
                Some(bucket) => Provenance::Bucket(&bucket.bucket),
                None => Provenance::Store(&server.store),
            },
            ring: &server.ring,
            trusted: &trusted,
            exported_by: &format!("player:{}", account.name),
        };
        let zip = export_evidence(&source, work.path()).map_err(|e| failed(e.to_string()))?;
        let file = std::fs::File::open(&zip).map_err(|e| failed(e.to_string()))?;
        let length = file.metadata().map_err(|e| failed(e.to_string()))?.len();
        drop(work);
        log_copied(&server, &account, &record, "evidence=the Player's PC")?;
        let zip_name = zip
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(whole_attachment(
            &zip_name,
            "application/zip",
            Plain::File(file, length),
        ))
    })
    .await;
    answer(done)
}

/// `GET /api/v1/records/NAME/metadata`: the sidecar's metadata as plain XML (opened
/// here when it is sealed), for a copy; the signature is checked first and a sidecar
/// that does not verify is refused, never passed off as the record's.
pub async fn copy_metadata(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    let done = tokio::task::spawn_blocking(move || {
        let audio = for_copy(&server, &account, &name)?;
        let sidecar = audio.with_extension("xml");
        let bytes = std::fs::read(&sidecar).map_err(|_| {
            (
                StatusCode::NOT_FOUND,
                "the record has no sidecar".to_string(),
            )
        })?;
        let trusted = server.trusted();
        let check = check_sidecar(
            &bytes,
            || hash_file(&audio).map(Some),
            &server.ring,
            &trusted,
        );
        let Some(metadata) = check.metadata else {
            return Err((
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the sidecar cannot be read: {}", check.reason),
            ));
        };
        let file = sidecar
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(attachment(
            &file,
            "application/xml",
            Body::from(metadata.to_xml()),
        ))
    })
    .await;
    answer(done)
}

/// `DELETE /api/v1/records/NAME?moved=1` after a copy: the record leaves the archive,
/// logged `moved` (to the Player's PC) rather than `deleted`; needs both rights.
pub async fn moved(server: Arc<FileServer>, account: Account, name: String) -> Response {
    if !(account.rights.copy && account.rights.delete) {
        return refuse(
            StatusCode::FORBIDDEN,
            "this account may not move records (it needs the copy and delete rights)",
        );
    }
    let done = tokio::task::spawn_blocking(move || {
        let audio =
            find(&server, &account, &name).ok_or(OpError::Refused("no such record".into()))?;
        let sidecar = audio.with_extension("xml");
        let found = Found {
            label: name.clone(),
            audio: Some(audio.clone()),
            sidecar: sidecar.is_file().then_some(sidecar),
        };
        let result = server.act_as(&account, |actor| {
            ops::remove_record(actor, &found, Action::Moved, "to=the Player's PC")
        });
        server.reread(&audio);
        result
    })
    .await;
    match done {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(OpError::Refused(why))) => refuse(StatusCode::NOT_FOUND, &why),
        Ok(Err(e)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the move failed"),
    }
}
