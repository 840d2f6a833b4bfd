//! Commands for named Players, on their way from the AppServer (or a URL command) to
//! the Player of that name (the seed's third-party control: "AppServer → Recorder →
//! PlayerX"). A Player linked to the recorder waits here for its commands (a long
//! poll of the Player API, or in the same process directly) and gets each at once.
//!
//! A command waits at most [`MAX_AGE`] for its Player: a play that arrives a minute
//! later, when the agent has moved on, would be a surprise, not a service. Each
//! Player's box holds at most [`MAX_QUEUED`] commands (newer ones supersede older ones
//! anyway) and at most [`MAX_PLAYERS`] boxes exist, so names sent at random cannot
//! fill the memory.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::archive::control_command::ControlCommand;

pub const MAX_AGE: Duration = Duration::from_secs(10);
pub const MAX_QUEUED: usize = 16;
pub const MAX_PLAYERS: usize = 1000;

#[derive(Default)]
struct Mailbox {
    commands: VecDeque<(Instant, ControlCommand)>,
    /// When the Player last asked for commands (or is asking now).
    seen: Option<Instant>,
    waiting: usize,
    wake: Arc<Notify>,
}

/// A Player the recorder knows, as `GET /api/v1/players` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LinkedPlayer {
    pub name: String,
    /// Waiting for commands right now.
    pub connected: bool,
    /// Seconds since it last asked; none: never.
    pub seen_s_ago: Option<u64>,
}

#[derive(Default)]
pub struct PlayerCommands {
    boxes: Mutex<HashMap<String, Mailbox>>,
}

impl PlayerCommands {
    fn boxes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Mailbox>> {
        self.boxes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `command` for the Player `name` (compared without case). Returns
    /// whether that Player is waiting for commands right now.
    pub fn send(&self, name: &str, command: ControlCommand) -> bool {
        let key = name.to_lowercase();
        let mut boxes = self.boxes();
        if !boxes.contains_key(&key) && boxes.len() >= MAX_PLAYERS {
            // the box least recently asked for goes
            let oldest = boxes
                .iter()
                .filter(|(_, b)| b.waiting == 0)
                .min_by_key(|(_, b)| b.seen)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    boxes.remove(&k);
                }
                None => return false,
            }
        }
        let mailbox = boxes.entry(key).or_default();
        mailbox.commands.push_back((Instant::now(), command));
        while mailbox.commands.len() > MAX_QUEUED {
            mailbox.commands.pop_front();
        }
        let connected = mailbox.waiting > 0;
        mailbox.wake.notify_waiters();
        connected
    }

    /// The commands for `name` that are not too old, taken out of its box.
    fn take(&self, key: &str) -> Vec<ControlCommand> {
        let mut boxes = self.boxes();
        let mailbox = boxes.entry(key.to_string()).or_default();
        mailbox.seen = Some(Instant::now());
        mailbox
            .commands
            .drain(..)
            .filter(|(at, _)| at.elapsed() <= MAX_AGE)
            .map(|(_, c)| c)
            .collect()
    }

    /// Counts a Player waiting (`1`) or done waiting (`-1`); gives its wake-up signal.
    fn waiting(&self, key: &str, delta: isize) -> Arc<Notify> {
        let mut boxes = self.boxes();
        let mailbox = boxes.entry(key.to_string()).or_default();
        mailbox.waiting = mailbox.waiting.saturating_add_signed(delta);
        mailbox.seen = Some(Instant::now());
        mailbox.wake.clone()
    }

    /// The next commands for the Player `name`, waiting up to `wait` for one; empty
    /// when none came.
    pub async fn next(&self, name: &str, wait: Duration) -> Vec<ControlCommand> {
        let key = name.to_lowercase();
        let deadline = tokio::time::Instant::now() + wait;
        let wake = self.waiting(&key, 1);
        let commands = loop {
            // registered before the look, so a command sent in between still wakes it
            let notified = wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let commands = self.take(&key);
            if !commands.is_empty() {
                break commands;
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(deadline) => break Vec::new(),
            }
        };
        self.waiting(&key, -1);
        commands
    }

    /// Every Player that asked for commands, by name.
    pub fn players(&self) -> Vec<LinkedPlayer> {
        let mut players: Vec<LinkedPlayer> = self
            .boxes()
            .iter()
            .filter(|(_, b)| b.seen.is_some())
            .map(|(name, b)| LinkedPlayer {
                name: name.clone(),
                connected: b.waiting > 0,
                seen_s_ago: b.seen.map(|t| t.elapsed().as_secs()),
            })
            .collect();
        players.sort_by(|a, b| a.name.cmp(&b.name));
        players
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_waiting_player_gets_its_command_at_once_and_others_do_not() {
        let hub = Arc::new(PlayerCommands::default());
        let waiter = {
            let hub = hub.clone();
            tokio::spawn(async move { hub.next("Rossi", Duration::from_secs(10)).await })
        };
        let other = {
            let hub = hub.clone();
            tokio::spawn(async move { hub.next("Bianchi", Duration::from_millis(300)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(hub.send("rossi", ControlCommand::Stop), "Rossi is waiting");
        let started = Instant::now();
        assert_eq!(waiter.await.unwrap(), [ControlCommand::Stop]);
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(other.await.unwrap().is_empty());
        let names: Vec<String> = hub.players().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["bianchi", "rossi"]);
    }

    #[tokio::test]
    async fn a_command_sent_before_the_player_asks_waits_for_it_in_order() {
        let hub = PlayerCommands::default();
        assert!(!hub.send("Rossi", ControlCommand::Pause));
        hub.send("Rossi", ControlCommand::Play(None));
        assert_eq!(
            hub.next("Rossi", Duration::from_millis(10)).await,
            [ControlCommand::Pause, ControlCommand::Play(None)]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hundred_and_fifty_waiting_players_each_get_their_own_command() {
        let hub = Arc::new(PlayerCommands::default());
        let waiters: Vec<_> = (0..150)
            .map(|i| {
                let hub = hub.clone();
                tokio::spawn(async move {
                    hub.next(&format!("desk {i}"), Duration::from_secs(10))
                        .await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(hub.players().iter().filter(|p| p.connected).count(), 150);
        for i in 0..150 {
            let track = format!("2026_12_02_1647_{i}_i_0301111_4_c03a.wav");
            assert!(hub.send(&format!("Desk {i}"), ControlCommand::Play(Some(track))));
        }
        for (i, waiter) in waiters.into_iter().enumerate() {
            let got = waiter.await.unwrap();
            assert_eq!(
                got,
                [ControlCommand::Play(Some(format!(
                    "2026_12_02_1647_{i}_i_0301111_4_c03a.wav"
                )))]
            );
        }
    }

    #[test]
    fn boxes_are_bounded() {
        let hub = PlayerCommands::default();
        for i in 0..MAX_PLAYERS + 50 {
            for _ in 0..MAX_QUEUED + 5 {
                hub.send(&format!("p{i}"), ControlCommand::Stop);
            }
        }
        let boxes = hub.boxes();
        assert!(boxes.len() <= MAX_PLAYERS);
        assert!(boxes.values().all(|b| b.commands.len() <= MAX_QUEUED));
    }
}
