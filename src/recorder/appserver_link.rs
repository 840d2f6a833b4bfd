//! The link to an external application's server (the seed's "AppServer"): the recorder
//! connects to it over TCP and sends `!FRST!EXT!UID!NAME` when an agent's call starts
//! and `!LAST!EXT!UID!TRACK!NAME` when its record is stored; the AppServer sends back
//! commands for named Players (`!PLAY!Rossi!TRACK`, `!STOP!Rossi`, …), which go to
//! [`PlayerCommands`]. `docs/INTERFACES.md` is the specification.
//!
//! Messages come from the [`Outbox`] on disk and leave it only once taken: written on
//! the socket and the connection still up [`CONFIRM`] later (a killed AppServer's
//! socket is reset at once, so what it never read is sent again on the next
//! connection); with `appserverack=on`, only when the AppServer answered `!ACKN!` for
//! it. A keep-alive `!KEEP!` goes out every `appserverkeepalive` seconds in which
//! nothing else went or came. Unknown input is thrown away.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;

use super::appserver_outbox::{MAX_PENDING, Outbox, Put};
use super::player_commands::PlayerCommands;
use super::status::{Lamp, StatusBoard};
use crate::archive::control_command::{MAX_LINE, parse_for_recorder};
use crate::archive::line_splitter::LineSplitter;
use crate::lang::{Arg, tr};

#[derive(Debug, Clone)]
pub struct AppServerConfig {
    /// `HOST:PORT` of the AppServer.
    pub address: String,
    /// Seconds between keep-alives; zero: none.
    pub keepalive: Duration,
    /// The AppServer acknowledges each message with `!ACKN!`.
    pub acknowledged: bool,
}

/// How long the connection must stay up after a message for it to count as taken
/// (without acknowledgements).
pub const CONFIRM: Duration = Duration::from_millis(250);
/// A write that takes longer means the AppServer does not read: the link is
/// restarted (the recorder never waits on it elsewhere).
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// Down this long, the lamp turns red and the alarm is raised; before, it is yellow
/// (an AppServer restart is no failure: its messages wait).
const DOWN_ALARM: Duration = Duration::from_secs(300);
/// Messages written before the first is taken, at most.
const IN_FLIGHT: usize = 256;

/// The seed's fields are separated by `!`: no field may hold one, nor a line break.
fn field(text: &str) -> String {
    text.chars()
        .map(|c| if c == '!' || c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `!FRST!<extension>!<UID>!<agent name>` and its key.
pub fn first_message(extension: &str, uid: &str, agent: &str) -> (String, String) {
    let (extension, uid) = (field(extension), field(uid));
    (
        format!("FRST {extension} {uid}"),
        format!("!FRST!{extension}!{uid}!{}", field(agent)),
    )
}

/// `!LAST!<extension>!<UID>!<track>!<agent name>` and its key.
pub fn last_message(extension: &str, uid: &str, track: &str, agent: &str) -> (String, String) {
    let track = field(track);
    (
        format!("LAST {track}"),
        format!(
            "!LAST!{}!{}!{track}!{}",
            field(extension),
            field(uid),
            field(agent)
        ),
    )
}

/// Puts a message into the outbox, telling the operator when it cannot. False only
/// when the outbox could not be written (worth trying again); a full outbox refuses the
/// message with the alarm and names it, since holding up the archive would be worse.
pub fn tell(outbox: &Outbox, status: &StatusBoard, (key, line): (String, String)) -> bool {
    match outbox.put(key, line.clone()) {
        Ok(Put::Queued(_)) | Ok(Put::Known) => true,
        Ok(Put::Full) => {
            status.update(|s| s.lamps.appserver = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-app-full",
                    &[("n", Arg::from(MAX_PENDING)), ("line", Arg::from(line))],
                ),
            );
            true
        }
        Err(e) => {
            status.update(|s| s.lamps.appserver = Lamp::Red);
            status.event(
                "error",
                tr(
                    "event-app-not-written",
                    &[("why", Arg::from(e.to_string())), ("line", Arg::from(line))],
                ),
            );
            false
        }
    }
}

struct Link {
    outbox: Arc<Outbox>,
    commands: Arc<PlayerCommands>,
    status: Arc<StatusBoard>,
    config: AppServerConfig,
    /// Since when the link is down (none while up or never tried).
    down_since: Option<Instant>,
    alarmed: bool,
}

/// Keeps the link up until `stop`.
pub async fn run(
    outbox: Arc<Outbox>,
    commands: Arc<PlayerCommands>,
    status: Arc<StatusBoard>,
    config: AppServerConfig,
    mut stop: watch::Receiver<bool>,
) {
    let mut link = Link {
        outbox,
        commands,
        status,
        config,
        down_since: None,
        alarmed: false,
    };
    let mut pause = Duration::from_millis(200);
    loop {
        let outcome = tokio::select! {
            r = link.session(&mut pause) => r,
            _ = stop.changed() => Ok(()),
        };
        if *stop.borrow() {
            link.status.update(|s| s.lamps.appserver = Lamp::Grey);
            return;
        }
        if let Err(why) = outcome {
            link.down(&why);
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => {}
        }
        pause = (pause * 2).min(MAX_PAUSE);
        if *stop.borrow() {
            link.status.update(|s| s.lamps.appserver = Lamp::Grey);
            return;
        }
    }
}

impl Link {
    fn down(&mut self, why: &str) {
        let waiting = self.outbox.pending_count();
        let first = self.down_since.is_none();
        let since = *self.down_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= DOWN_ALARM {
            if !self.alarmed {
                self.alarmed = true;
                self.status.update(|s| s.lamps.appserver = Lamp::Red);
                self.status.event(
                    "error",
                    tr(
                        "event-app-down",
                        &[
                            ("address", Arg::from(self.config.address.to_string())),
                            ("minutes", Arg::from(DOWN_ALARM.as_secs() / 60)),
                            ("why", Arg::from(why)),
                            ("n", Arg::from(waiting)),
                        ],
                    ),
                );
            }
        } else if first {
            self.status.update(|s| s.lamps.appserver = Lamp::Yellow);
            self.status.event(
                "warning",
                tr(
                    "event-app-away",
                    &[
                        ("address", Arg::from(self.config.address.to_string())),
                        ("why", Arg::from(why)),
                        ("n", Arg::from(waiting)),
                    ],
                ),
            );
        }
    }

    fn up(&mut self) {
        self.status.update(|s| s.lamps.appserver = Lamp::Green);
        self.status.event(
            "info",
            tr(
                if self.down_since.is_some() {
                    "event-app-connected-again"
                } else {
                    "event-app-connected"
                },
                &[
                    ("address", Arg::from(self.config.address.to_string())),
                    ("n", Arg::from(self.outbox.pending_count())),
                ],
            ),
        );
        self.down_since = None;
        self.alarmed = false;
    }

    /// One connection, until it fails.
    async fn session(&mut self, pause: &mut Duration) -> Result<(), String> {
        let stream = tokio::time::timeout(
            Duration::from_secs(5),
            TcpStream::connect(&self.config.address),
        )
        .await
        .map_err(|_| "no answer to the connection within 5 s".to_string())?
        .map_err(|e| format!("cannot connect: {e}"))?;
        let _ = stream.set_nodelay(true);
        let (mut reader, mut writer) = stream.into_split();
        self.up();
        *pause = Duration::from_millis(200);
        let mut splitter = LineSplitter::new(MAX_LINE);
        let mut buffer = vec![0u8; 4096];
        // (sequence number, when written) of messages written but not yet taken
        let mut in_flight: VecDeque<(u64, Instant)> = VecDeque::new();
        let mut sent_up_to = self.outbox.taken();
        let mut last_traffic = Instant::now();
        loop {
            // write what waits, in order
            if in_flight.len() < IN_FLIGHT {
                let batch = self
                    .outbox
                    .pending_after(sent_up_to, IN_FLIGHT - in_flight.len());
                if !batch.is_empty() {
                    let mut bytes = Vec::new();
                    for m in &batch {
                        bytes.extend_from_slice(m.line.as_bytes());
                        bytes.extend_from_slice(b"\r\n");
                    }
                    self.write(&mut writer, &bytes).await?;
                    let now = Instant::now();
                    for m in &batch {
                        in_flight.push_back((m.seq, now));
                        sent_up_to = m.seq;
                    }
                    last_traffic = now;
                }
            }
            if !self.config.acknowledged {
                let confirmed = in_flight
                    .iter()
                    .take_while(|(_, at)| at.elapsed() >= CONFIRM)
                    .count();
                if confirmed > 0 {
                    let seq = in_flight[confirmed - 1].0;
                    in_flight.drain(..confirmed);
                    self.taken(seq)?;
                }
            }
            let keepalive =
                (!self.config.keepalive.is_zero()).then(|| last_traffic + self.config.keepalive);
            let confirm = (!self.config.acknowledged)
                .then(|| in_flight.front().map(|(_, at)| *at + CONFIRM))
                .flatten();
            let wake_at = [keepalive, confirm]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                _ = self.outbox.queued.notified() => {}
                read = reader.read(&mut buffer) => {
                    let n = read.map_err(|e| format!("connection lost: {e}"))?;
                    if n == 0 {
                        return Err("the AppServer closed the connection".into());
                    }
                    for line in splitter.feed(&buffer[..n]) {
                        if self.heard(&line, &mut in_flight)? {
                            last_traffic = Instant::now();
                        }
                    }
                }
                _ = tokio::time::sleep_until(wake_at) => {
                    if keepalive.is_some_and(|k| Instant::now() >= k) {
                        self.write(&mut writer, b"!KEEP!\r\n").await?;
                        last_traffic = Instant::now();
                    }
                }
            }
        }
    }

    async fn write(
        &self,
        writer: &mut tokio::net::tcp::OwnedWriteHalf,
        bytes: &[u8],
    ) -> Result<(), String> {
        match tokio::time::timeout(WRITE_TIMEOUT, writer.write_all(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("connection lost: {e}")),
            Err(_) => Err(format!(
                "the AppServer took nothing for {} s",
                WRITE_TIMEOUT.as_secs()
            )),
        }
    }

    fn taken(&self, seq: u64) -> Result<(), String> {
        self.outbox.take_up_to(seq).map_err(|e| {
            let text = format!("the outbox cannot record what was sent: {e}");
            self.status.event(
                "error",
                tr("event-app-outbox", &[("why", Arg::from(text.as_str()))]),
            );
            text
        })
    }

    /// One line from the AppServer; true when it was a command (the keep-alive waits).
    fn heard(&self, line: &str, in_flight: &mut VecDeque<(u64, Instant)>) -> Result<bool, String> {
        let line = line.trim();
        if line.is_empty() {
            return Ok(false);
        }
        if line.eq_ignore_ascii_case("!ACKN!") || line.eq_ignore_ascii_case("!ACKN") {
            if self.config.acknowledged
                && let Some((seq, _)) = in_flight.pop_front()
            {
                self.taken(seq)?;
            }
            return Ok(false);
        }
        match parse_for_recorder(line) {
            Ok(addressed) => {
                let player = addressed.player.unwrap_or_default();
                let code = addressed.command.code();
                let connected = self.commands.send(&player, addressed.command);
                tracing::info!(
                    "AppServer: {code} for Player {player}{}",
                    if connected {
                        ""
                    } else {
                        " (not linked right now: it gets it if it asks within 10 s)"
                    }
                );
                Ok(true)
            }
            Err(why) => {
                // the seed throws unknown input away; the trace log tells why
                tracing::debug!("AppServer: ignored: {why}");
                Ok(false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_seeds_fields_and_cannot_be_split_by_their_contents() {
        let (key, line) = first_message("24", "c03a55c2e909d311b6450090331b3e3b", "Rossi");
        assert_eq!(line, "!FRST!24!c03a55c2e909d311b6450090331b3e3b!Rossi");
        assert_eq!(key, "FRST 24 c03a55c2e909d311b6450090331b3e3b");
        let (_, line) = last_message("24", "u1", "2014_05_12_1400_00.i.24.wav", "Ro!ssi\r\nX");
        assert_eq!(line, "!LAST!24!u1!2014_05_12_1400_00.i.24.wav!Ro ssi  X");
    }
}
