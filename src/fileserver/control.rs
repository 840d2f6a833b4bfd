//! Remote control of named Players through the recorder (the seed's third-party
//! control; `docs/INTERFACES.md`): a Player linked to the recorder waits for its
//! commands at `GET /api/v1/commands`, under its account's name; a system that can
//! only send HTTP (the seed's URL interfacing) gives a command at
//! `/api/v1/players/NAME/COMMAND`, with an account that has the `control` right; the
//! AppServer's commands come the same way from its link.

use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::FileServer;
use super::records::refuse;
use crate::archive::accounts::{Account, valid_name};
use crate::archive::control_command::{ControlCommand, MAX_LINE};

/// The longest a Player may wait for commands in one request.
const MAX_WAIT: Duration = Duration::from_secs(30);

/// The value of `key` in a request's query string, decoded.
pub(super) fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// `GET /api/v1/commands?wait=S`: the commands for this account's Player, as lines
/// (`!PLAY!TRACK`), waiting up to S seconds (at most 30) for one.
pub async fn next_commands(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    RawQuery(query): RawQuery,
) -> Response {
    let wait = match query_value(query.as_deref(), "wait") {
        None => Duration::ZERO,
        Some(w) => match w.parse::<u64>() {
            Ok(s) if Duration::from_secs(s) <= MAX_WAIT => Duration::from_secs(s),
            _ => return refuse(StatusCode::BAD_REQUEST, "wait= is 0 to 30 seconds"),
        },
    };
    let commands: Vec<String> = server
        .commands
        .next(&account.name, wait)
        .await
        .iter()
        .map(ControlCommand::to_line)
        .collect();
    axum::Json(serde_json::json!({ "commands": commands })).into_response()
}

/// `GET /api/v1/players`: the Players that asked for commands, for accounts with the
/// `control` right.
pub async fn players(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
) -> Response {
    if !account.rights.control {
        return refuse(
            StatusCode::FORBIDDEN,
            "this account may not control Players",
        );
    }
    axum::Json(server.commands.players()).into_response()
}

/// `GET` or `POST /api/v1/players/NAME/COMMAND[?track=RECORD]`: PLAY (with or without
/// a track), STOP, EJEC, PAUS for the Player NAME, for accounts with the `control`
/// right. Answers 202 with whether that Player is linked right now.
pub async fn command(
    State(server): State<Arc<FileServer>>,
    Extension(account): Extension<Account>,
    Path((player, code)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    if !account.rights.control {
        return refuse(
            StatusCode::FORBIDDEN,
            "this account may not control Players",
        );
    }
    if !valid_name(&player) {
        return refuse(StatusCode::BAD_REQUEST, "that is not a Player's name");
    }
    if query.as_ref().is_some_and(|q| q.len() > MAX_LINE) {
        return refuse(StatusCode::BAD_REQUEST, "the command is too long");
    }
    let track = query_value(query.as_deref(), "track");
    let command = match ControlCommand::from_parts(&code, track.as_deref()) {
        Ok(c) => c,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, &why),
    };
    let line = command.to_line();
    let linked = server.commands.send(&player, command);
    if let Some(status) = &server.status {
        status.event(
            "info",
            crate::lang::tr(
                "event-command-sent",
                &[
                    ("command", crate::lang::Arg::from(line.as_str())),
                    ("player", crate::lang::Arg::from(player.as_str())),
                    ("account", crate::lang::Arg::from(account.name.as_str())),
                ],
            ),
        );
    }
    let text = if linked {
        format!("sent to Player {player}\n")
    } else {
        format!(
            "Player {player} is not linked right now: it gets the command if it asks within \
             10 s\n"
        )
    };
    (StatusCode::ACCEPTED, text).into_response()
}
