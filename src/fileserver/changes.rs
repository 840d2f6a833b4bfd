//! What a Player may change on a record, each only with its account's right and each
//! written to the activity log under `player:NAME`: notes, the TAN, deleting.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::FileServer;
use super::records::{find, refuse};
use crate::archive::accounts::Account;
use crate::archive::ops::{self, Actor, OpError};
use crate::archive::verify::Found;

/// Which right an operation needs.
#[derive(Clone, Copy)]
enum Need {
    Notes,
    Tan,
    Delete,
}

impl Need {
    fn granted(self, account: &Account) -> bool {
        match self {
            Need::Notes => account.rights.notes,
            Need::Tan => account.rights.tan,
            Need::Delete => account.rights.delete,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Need::Notes => "write notes",
            Need::Tan => "set TANs",
            Need::Delete => "delete records",
        }
    }
}

/// Runs `op` on the record `name` for `account`, if it may see the record and has
/// the right; the answer is the record's (new) file name.
async fn change(
    server: Arc<FileServer>,
    account: Account,
    name: String,
    need: Need,
    op: impl FnOnce(&Actor<'_>, &Found) -> Result<Option<std::path::PathBuf>, OpError> + Send + 'static,
) -> Response {
    if !need.granted(&account) {
        return refuse(
            StatusCode::FORBIDDEN,
            &format!("this account may not {}", need.word()),
        );
    }
    let done = tokio::task::spawn_blocking(move || {
        let Some(audio) = find(&server, &account, &name) else {
            return Err((StatusCode::NOT_FOUND, "no such record".to_string()));
        };
        let sidecar = audio.with_extension("xml");
        let found = Found {
            label: name.clone(),
            audio: Some(audio.clone()),
            sidecar: sidecar.is_file().then_some(sidecar),
        };
        let result = server.act_as(&account, |actor| op(actor, &found));
        server.reread(&audio);
        match result {
            Ok(new) => Ok(new
                .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
                .unwrap_or(name)),
            Err(OpError::Refused(why)) => Err((StatusCode::BAD_REQUEST, why)),
            Err(e) => Err((StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
        }
    })
    .await;
    match done {
        Ok(Ok(name)) => axum::Json(serde_json::json!({ "name": name })).into_response(),
        Ok(Err((status, why))) => refuse(status, &why),
        Err(_) => refuse(StatusCode::INTERNAL_SERVER_ERROR, "the change failed"),
    }
}

/// `PUT /api/v1/records/NAME/notes` with the notes as UTF-8 text.
pub async fn notes(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
    text: String,
) -> Response {
    change(server, account, name, Need::Notes, move |actor, found| {
        ops::write_note(actor, found, &text).map(|_| None)
    })
    .await
}

/// `PUT /api/v1/records/NAME/tan` with 1 to 6 digits; the answer names the renamed
/// record.
pub async fn tan(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
    digits: String,
) -> Response {
    change(server, account, name, Need::Tan, move |actor, found| {
        ops::set_tan(actor, found, digits.trim()).map(Some)
    })
    .await
}

/// `DELETE /api/v1/records/NAME`; with `?moved=1` after a copy, logged as moved.
pub async fn delete(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    if query.as_deref() == Some("moved=1") {
        return super::copies::moved(server, account, name).await;
    }
    change(server, account, name, Need::Delete, |actor, found| {
        ops::delete_record(actor, found).map(|()| None)
    })
    .await
}

/// Marks or unmarks a record for every Player on the store (any account that may see
/// the record; marks are notes to colleagues, not changes to the record).
async fn set_mark(
    server: Arc<FileServer>,
    account: Account,
    name: String,
    marked: bool,
) -> Response {
    let done = tokio::task::spawn_blocking(move || {
        let audio = find(&server, &account, &name).ok_or(StatusCode::NOT_FOUND)?;
        let record = server
            .store
            .relative_path(&audio)
            .ok_or(StatusCode::NOT_FOUND)?;
        let _one_at_a_time = server.marks.lock().unwrap_or_else(|e| e.into_inner());
        crate::player::marks::SharedMarks::load(&server.store)
            .set(&record, marked)
            .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
    })
    .await
    .unwrap_or(Err(StatusCode::INTERNAL_SERVER_ERROR));
    match done {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(StatusCode::NOT_FOUND) => refuse(StatusCode::NOT_FOUND, "no such record"),
        Err(status) => refuse(status, "the marks cannot be written"),
    }
}

/// `PUT /api/v1/records/NAME/mark`: marked for everyone.
pub async fn mark(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    set_mark(server, account, name, true).await
}

/// `DELETE /api/v1/records/NAME/mark`.
pub async fn unmark(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path(name): Path<String>,
) -> Response {
    set_mark(server, account, name, false).await
}

/// `GET /api/v1/marks`: the records marked for everyone (`YYYY_MM/NAME`) that this
/// account may see.
pub async fn marks(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
) -> Response {
    let names = tokio::task::spawn_blocking(move || {
        crate::player::marks::SharedMarks::load(&server.store)
            .names
            .into_iter()
            .filter(|record| {
                record
                    .rsplit_once('/')
                    .is_some_and(|(_, name)| find(&server, &account, name).is_some())
            })
            .collect::<Vec<String>>()
    })
    .await
    .unwrap_or_default();
    axum::Json(serde_json::json!({ "marks": names })).into_response()
}

/// Whether the record at `audio` is marked for everyone.
pub fn is_marked(server: &FileServer, audio: &std::path::Path) -> bool {
    let Some(record) = server.store.relative_path(audio) else {
        return false;
    };
    crate::player::marks::SharedMarks::load(&server.store)
        .names
        .contains(&record)
}
