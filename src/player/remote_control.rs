//! Remote control of this Player by an external application (`docs/INTERFACES.md`):
//! commands come from the Player's own port (first party: lines over TCP, or a
//! browser's GET), from the recorder it links to (third party: the AppServer's
//! commands for this Player's name), or, when the recorder runs in the same process,
//! straight from its command box. All of them end up in one queue that the window
//! reads each frame; the state of the port and of the link goes with them, so the
//! window can show "RC on" and the link's lamp.
//!
//! The port and the link run on threads of their own: a flood, a slow sender or a
//! dead recorder never touches the window's thread. The port accepts only the
//! addresses the setup allows, at most [`MAX_CONNECTIONS`] at once, each closed after
//! [`IDLE`] without a byte.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::back_off::BackOff;
use super::remote::{RemoteArchive, RemoteError};
use crate::archive::control_command::{AllowList, ControlCommand, MAX_LINE, parse_for_player};
use crate::archive::line_splitter::LineSplitter;

pub const MAX_CONNECTIONS: usize = 16;
pub const IDLE: Duration = Duration::from_secs(30);
/// The longest HTTP request head read from a browser.
const MAX_HEAD: usize = 8 * 1024;

/// The link to the recorder, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LinkState {
    /// No link set up.
    #[default]
    None,
    Up,
    /// Down, with the reason in words.
    Down(String),
}

/// What reaches the window.
#[derive(Debug)]
enum Event {
    Command(ControlCommand),
    Link(LinkState),
}

/// Hands commands to the window and wakes it to read them.
#[derive(Clone)]
pub struct CommandSender {
    sender: Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl CommandSender {
    pub fn send(&self, command: ControlCommand) {
        let _ = self.sender.send(Event::Command(command));
        (self.wake)();
    }

    fn link(&self, state: LinkState) {
        let _ = self.sender.send(Event::Link(state));
        (self.wake)();
    }
}

/// Where a Player takes commands from, as its setup says.
#[derive(Default)]
pub struct RemoteSetup {
    /// The control port's address and who may use it (`controlport`, `controlallow`).
    pub listen: Option<(SocketAddr, AllowList)>,
    /// This Player's name (`playername`).
    pub name: Option<String>,
    /// The recorder to wait at for this Player's commands (`playerserver`).
    pub link: Option<Arc<RemoteArchive>>,
    /// Starts feeding commands from the recorder in this process (its command box).
    pub feed: Option<Box<dyn FnOnce(CommandSender) + Send>>,
    /// Front on a remote play, minimised on a remote eject (`popup`).
    pub popup: bool,
}

impl RemoteSetup {
    pub fn is_empty(&self) -> bool {
        self.listen.is_none() && self.link.is_none() && self.feed.is_none()
    }
}

pub struct RemoteControl {
    receiver: Receiver<Event>,
    sender: CommandSender,
    /// The control port's address while it is open ("RC on").
    pub port: Option<SocketAddr>,
    pub link: LinkState,
    /// Ends the port's and the link's threads.
    stop: Arc<AtomicBool>,
}

impl Drop for RemoteControl {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl RemoteControl {
    /// `wake` asks the window to draw again (it then reads the commands).
    pub fn new(wake: Arc<dyn Fn() + Send + Sync>) -> RemoteControl {
        let (sender, receiver) = channel();
        RemoteControl {
            receiver,
            sender: CommandSender { sender, wake },
            port: None,
            link: LinkState::None,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Where other parts of the program put commands (the recorder's command box).
    pub fn sender(&self) -> CommandSender {
        self.sender.clone()
    }

    /// Opens the port, the link and the feed `setup` names; what could not be opened
    /// is said in words.
    pub fn start(
        setup: RemoteSetup,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> (RemoteControl, Option<String>) {
        let mut control = RemoteControl::new(wake);
        let mut problem = None;
        if let Some((address, allow)) = setup.listen
            && let Err(e) = control.listen(address, allow, setup.name.clone())
        {
            problem = Some(e);
        }
        if let Some(archive) = setup.link {
            control.link(archive);
        }
        if let Some(feed) = setup.feed {
            feed(control.sender());
        }
        (control, problem)
    }

    /// The commands that came since the last call, oldest first.
    pub fn take(&mut self) -> Vec<ControlCommand> {
        let mut commands = Vec::new();
        while let Ok(event) = self.receiver.try_recv() {
            match event {
                Event::Command(c) => commands.push(c),
                Event::Link(state) => self.link = state,
            }
        }
        commands
    }

    /// Opens the control port on `listen` for the addresses `allow` lets in. `name`:
    /// this Player's name, for commands in the recorder's form (`!STOP!Rossi`).
    pub fn listen(
        &mut self,
        listen: SocketAddr,
        allow: AllowList,
        name: Option<String>,
    ) -> Result<SocketAddr, String> {
        let listener = std::net::TcpListener::bind(listen)
            .map_err(|e| format!("the remote control port {listen} cannot be opened: {e}"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("the remote control port: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("the remote control port: {e}"))?;
        let port = Port {
            allow,
            name,
            sender: self.sender.clone(),
            stop: self.stop.clone(),
        };
        std::thread::Builder::new()
            .name("callrec-rc-port".into())
            .spawn(move || port.run(listener))
            .map_err(|e| format!("the remote control port: {e}"))?;
        self.port = Some(address);
        Ok(address)
    }

    /// Waits at `archive` (the recorder) for the commands for this Player's account,
    /// reconnecting with a growing pause while it cannot be reached.
    pub fn link(&mut self, archive: Arc<RemoteArchive>) {
        let sender = self.sender.clone();
        let stop = self.stop.clone();
        self.link = LinkState::Down("connecting…".into());
        let _ = std::thread::Builder::new()
            .name("callrec-rc-link".into())
            .spawn(move || link(archive, sender, stop));
    }
}

fn link(archive: Arc<RemoteArchive>, sender: CommandSender, stop: Arc<AtomicBool>) {
    let mut back_off = BackOff::default();
    let mut state = LinkState::None;
    while !stop.load(Ordering::Relaxed) {
        // a quick first look tells at once whether the link works; then it waits
        let wait = if state == LinkState::Up {
            Duration::from_secs(25)
        } else {
            Duration::ZERO
        };
        let now = match archive.next_commands(wait) {
            Ok(lines) => {
                back_off.reset();
                for line in lines {
                    if let Ok(addressed) = parse_for_player(&line) {
                        sender.send(addressed.command);
                    }
                }
                LinkState::Up
            }
            Err(e) => LinkState::Down(match e {
                RemoteError::Refused => {
                    "the recorder refused this Player's name or password".to_string()
                }
                other => other.to_string(),
            }),
        };
        if now != state {
            state = now.clone();
            sender.link(now);
        }
        if matches!(state, LinkState::Down(_)) {
            back_off.wait(&stop);
        }
    }
}

struct Port {
    allow: AllowList,
    name: Option<String>,
    sender: CommandSender,
    stop: Arc<AtomicBool>,
}

impl Port {
    fn run(self, listener: std::net::TcpListener) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let this = Arc::new(self);
        runtime.block_on(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                return;
            };
            let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
            while !this.stop.load(Ordering::Relaxed) {
                let accepted =
                    tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
                let Ok(Ok((socket, peer))) = accepted else {
                    continue;
                };
                if !this.allow.allows(peer.ip()) {
                    tracing::info!("remote control: refused {peer} (not in controlallow)");
                    continue; // dropped: closed at once
                }
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    continue; // full: closed at once
                };
                let this = this.clone();
                tokio::spawn(async move {
                    let _ = this.serve(socket).await;
                    drop(slot);
                });
            }
        });
    }

    async fn serve(&self, mut socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let mut buffer = vec![0u8; 4096];
        let mut splitter = LineSplitter::new(MAX_LINE);
        let mut head = Vec::new();
        let mut http = None;
        loop {
            let n = match tokio::time::timeout(IDLE, socket.read(&mut buffer)).await {
                Ok(Ok(0)) | Err(_) => return Ok(()),
                Ok(Ok(n)) => n,
                Ok(Err(e)) => return Err(e),
            };
            let bytes = &buffer[..n];
            if http.is_none() {
                http = Some(head.is_empty() && bytes.starts_with(b"GET "));
            }
            if http == Some(true) {
                head.extend_from_slice(bytes);
                if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                    let answer = self.browser(&head[..end]);
                    socket.write_all(answer.as_bytes()).await?;
                    return socket.shutdown().await;
                }
                if head.len() > MAX_HEAD {
                    return Ok(());
                }
                continue;
            }
            for line in splitter.feed(bytes) {
                // the seed answers nothing on the line protocol; bad lines are dropped
                if let Ok(command) = self.command(&line) {
                    self.sender.send(command);
                }
            }
        }
    }

    /// A line for this Player, in its own form or in the recorder's with its name.
    fn command(&self, line: &str) -> Result<ControlCommand, String> {
        let addressed = parse_for_player(line)?;
        match (&addressed.player, &self.name) {
            (None, _) => Ok(addressed.command),
            (Some(to), Some(me)) if to.eq_ignore_ascii_case(me) => Ok(addressed.command),
            (Some(to), _) => Err(format!("the command is for Player {to}")),
        }
    }

    /// A browser's `GET /!PLAY!RECORD` (or `GET /play?track=RECORD`): the command is
    /// carried out and a short status answered.
    fn browser(&self, head: &[u8]) -> String {
        let head = String::from_utf8_lossy(head);
        let target = head
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let path = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        let parsed = if path.starts_with('!') {
            self.command(&path)
        } else {
            let track = form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "track")
                .map(|(_, v)| v.into_owned());
            if path.len() + track.as_ref().map_or(0, String::len) > MAX_LINE {
                Err("the command is too long".into())
            } else {
                ControlCommand::from_parts(&path, track.as_deref())
            }
        };
        let (status, text) = match parsed {
            Ok(command) => {
                let line = command.to_line();
                self.sender.send(command);
                ("200 OK", format!("callrec Player: {line} accepted\n"))
            }
            Err(why) => ("400 Bad Request", format!("callrec Player: {why}\n")),
        };
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{text}",
            text.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    const TRACK: &str = "2013_09_24_1107_39.o.024_1_93adee5ee909d311b6450090331b3e3b.wav";

    fn control() -> RemoteControl {
        RemoteControl::new(Arc::new(|| {}))
    }

    fn wait_for(rc: &mut RemoteControl, count: usize) -> Vec<ControlCommand> {
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while got.len() < count && std::time::Instant::now() < deadline {
            got.extend(rc.take());
            std::thread::sleep(Duration::from_millis(10));
        }
        got
    }

    #[test]
    fn lines_and_a_browsers_get_reach_the_player_and_garbage_does_not() {
        let mut rc = control();
        let address = rc
            .listen(
                "127.0.0.1:0".parse().unwrap(),
                AllowList::parse("127.0.0.1").unwrap(),
                Some("Rossi".into()),
            )
            .unwrap();
        let mut tcp = std::net::TcpStream::connect(address).unwrap();
        let flood = "x".repeat(10 * MAX_LINE);
        write!(
            tcp,
            "!PLAY!{TRACK}\r\n{flood}\n!STOP!Bianchi\n!PAUS!Rossi\r\n!PLAY!../x.wav\n!PL"
        )
        .unwrap();
        tcp.write_all(b"AY!\n").unwrap();
        assert_eq!(
            wait_for(&mut rc, 3),
            [
                ControlCommand::Play(Some(TRACK.into())),
                ControlCommand::Pause,
                ControlCommand::Play(None)
            ]
        );

        let mut browser = std::net::TcpStream::connect(address).unwrap();
        write!(
            browser,
            "GET /%21EJEC%21 HTTP/1.1\r\nHost: x\r\nUser-Agent: test\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        browser.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.contains("!EJEC! accepted"), "{answer}");
        assert_eq!(wait_for(&mut rc, 1), [ControlCommand::Eject]);

        let mut browser = std::net::TcpStream::connect(address).unwrap();
        write!(browser, "GET /play?track=..%2F..%2Fetc HTTP/1.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        browser.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        std::thread::sleep(Duration::from_millis(300));
        assert!(rc.take().is_empty());
    }

    #[test]
    fn an_address_not_allowed_is_closed_at_once() {
        let mut rc = control();
        let address = rc
            .listen(
                "127.0.0.1:0".parse().unwrap(),
                AllowList::parse("10.0.0.0/8").unwrap(),
                None,
            )
            .unwrap();
        let mut tcp = std::net::TcpStream::connect(address).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = tcp.write_all(b"!STOP!\n");
        let mut byte = [0u8; 1];
        assert!(matches!(tcp.read(&mut byte), Ok(0) | Err(_)));
        std::thread::sleep(Duration::from_millis(300));
        assert!(rc.take().is_empty());
    }
}
