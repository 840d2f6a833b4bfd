//! The commands an external application sends to make a Player play a record (the
//! seed's "External Applications"): `!PLAY!…`, `!STOP!`, `!EJEC!`, `!PAUS!`, in the
//! seed's `!`-separated form, to the recorder for a named Player (third party) or to a
//! Player's own port (first party). Both the recorder and the Player read them, so they
//! live here, below both. `docs/INTERFACES.md` is the specification.
//!
//! Everything from outside is bounded and checked: a line is at most [`MAX_LINE`]
//! bytes, a Player's name is an account name, a track is a record's file name (no
//! folder, no path) — a command that fails any of it is refused whole.

use super::accounts::valid_name;
use super::name::RecordName;

/// The longest command line taken (a record name is at most about 120 characters).
pub const MAX_LINE: usize = 512;

/// What a Player is told to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlCommand {
    /// Play this record (ejecting whatever was loaded), or with none, play the loaded
    /// record again after a pause.
    Play(Option<String>),
    /// Stop playing; the record stays loaded.
    Stop,
    /// Stop and unload the record.
    Eject,
    /// Pause; PLAY goes on from here.
    Pause,
}

/// A command and, when it came through the recorder, the Player it is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    pub player: Option<String>,
    pub command: ControlCommand,
}

impl ControlCommand {
    /// The seed's four-letter code.
    pub fn code(&self) -> &'static str {
        match self {
            ControlCommand::Play(_) => "PLAY",
            ControlCommand::Stop => "STOP",
            ControlCommand::Eject => "EJEC",
            ControlCommand::Pause => "PAUS",
        }
    }

    /// The command as a Player's port takes it: `!PLAY!TRACK`, `!STOP!`.
    pub fn to_line(&self) -> String {
        match self {
            ControlCommand::Play(Some(track)) => format!("!PLAY!{track}"),
            other => format!("!{}!", other.code()),
        }
    }

    /// The command from its code and track, as the recorder's URL commands give them
    /// (`play` and `track=NAME`, any case).
    pub fn from_parts(code: &str, track: Option<&str>) -> Result<ControlCommand, String> {
        let track = track.map(str::trim).filter(|t| !t.is_empty());
        let command = match code.to_ascii_uppercase().as_str() {
            "PLAY" => ControlCommand::Play(match track {
                Some(t) => Some(checked_track(t)?),
                None => None,
            }),
            "STOP" => ControlCommand::Stop,
            "EJEC" | "EJECT" => ControlCommand::Eject,
            "PAUS" | "PAUSE" => ControlCommand::Pause,
            other => {
                return Err(format!(
                    "unknown command '{}' (PLAY, STOP, EJEC, PAUS)",
                    clip(other)
                ));
            }
        };
        if track.is_some() && !matches!(command, ControlCommand::Play(_)) {
            return Err(format!("{} takes no track", command.code()));
        }
        Ok(command)
    }
}

/// Reads one line sent to the recorder: the Player's name is required
/// (`!PLAY!Rossi!TRACK`, `!STOP!Rossi`).
pub fn parse_for_recorder(line: &str) -> Result<Addressed, String> {
    let (code, fields) = split(line)?;
    let Some((player, rest)) = fields.split_first() else {
        return Err(format!("!{code}! names no Player"));
    };
    let player = checked_player(player)?;
    if rest.len() > 1 {
        return Err(format!("!{code}! has too many fields"));
    }
    Ok(Addressed {
        player: Some(player),
        command: ControlCommand::from_parts(code, rest.first().copied())?,
    })
}

/// Reads one line sent to a Player's own port: `!PLAY!TRACK`, `!PLAY!`, `!STOP!`; the
/// recorder's form with a Player's name (`!PLAY!Rossi!TRACK`, `!STOP!Rossi`) is taken
/// too, with the name given back for the Player to compare with its own.
pub fn parse_for_player(line: &str) -> Result<Addressed, String> {
    let (code, fields) = split(line)?;
    match fields.as_slice() {
        [] => Ok(Addressed {
            player: None,
            command: ControlCommand::from_parts(code, None)?,
        }),
        [one] if code.eq_ignore_ascii_case("PLAY") && RecordName::parse(one).is_ok() => {
            Ok(Addressed {
                player: None,
                command: ControlCommand::from_parts(code, Some(one))?,
            })
        }
        [_] | [_, _] => parse_for_recorder(line),
        _ => Err(format!("!{code}! has too many fields")),
    }
}

/// The addresses a Player's control port accepts (`controlallow`): single addresses
/// and networks (`10.0.0.0/8`, `fd00::/8`). An IPv4 peer seen as `::ffff:a.b.c.d` is
/// compared as `a.b.c.d`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowList(Vec<(std::net::IpAddr, u8)>);

impl AllowList {
    pub fn parse(text: &str) -> Result<AllowList, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (address, bits) = match item.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (item, None),
            };
            let address: std::net::IpAddr = address
                .parse()
                .map_err(|_| format!("'{}' is not an address or network", clip(item)))?;
            let most = if address.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                None => most,
                Some(b) => b
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= most)
                    .ok_or_else(|| format!("'{}' has a bad network size", clip(item)))?,
            };
            nets.push((address, bits));
        }
        Ok(AllowList(nets))
    }

    /// Whether only this PC's own addresses are let in (then the port listens on
    /// loopback only).
    pub fn only_loopback(&self) -> bool {
        self.0.iter().all(|(net, bits)| match net {
            std::net::IpAddr::V4(v4) => v4.is_loopback() && *bits >= 8,
            std::net::IpAddr::V6(v6) => v6.is_loopback() && *bits == 128,
        })
    }

    pub fn allows(&self, peer: std::net::IpAddr) -> bool {
        let peer = match peer {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, std::net::IpAddr::V4),
            v4 => v4,
        };
        self.0.iter().any(|(net, bits)| match (net, peer) {
            (std::net::IpAddr::V4(n), std::net::IpAddr::V4(p)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                u32::from(*n) & mask == u32::from(p) & mask
            }
            (std::net::IpAddr::V6(n), std::net::IpAddr::V6(p)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                u128::from(*n) & mask == u128::from(p) & mask
            }
            _ => false,
        })
    }
}

/// `!CODE!a!b` → (`CODE`, [`a`, `b`]), empty fields dropped at the end.
fn split(line: &str) -> Result<(&str, Vec<&str>), String> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.len() > MAX_LINE {
        return Err(format!("a command is at most {MAX_LINE} bytes"));
    }
    let Some(body) = line.strip_prefix('!') else {
        return Err(format!(
            "'{}' is not a command (they begin with !)",
            clip(line)
        ));
    };
    let mut fields: Vec<&str> = body.split('!').collect();
    while fields.last().is_some_and(|f| f.is_empty()) {
        fields.pop();
    }
    if fields.is_empty() {
        return Err("an empty command".into());
    }
    let code = fields.remove(0);
    Ok((code, fields))
}

fn checked_player(name: &str) -> Result<String, String> {
    if valid_name(name) {
        Ok(name.to_string())
    } else {
        Err(format!("'{}' is not a Player's name", clip(name)))
    }
}

/// A track is a record's file name, never a path.
fn checked_track(track: &str) -> Result<String, String> {
    if track.contains(['/', '\\']) || track.contains("..") {
        return Err(format!("'{}' is a path, not a record name", clip(track)));
    }
    let name = RecordName::parse(track).map_err(|e| e.to_string())?;
    if matches!(name.extension.as_str(), "xml" | "txt" | "pcap") {
        return Err(format!("'{}' is not a recording", clip(track)));
    }
    Ok(track.to_string())
}

/// At most 60 characters of outside text, for a message.
fn clip(text: &str) -> String {
    let clipped: String = text.chars().take(60).filter(|c| !c.is_control()).collect();
    if text.chars().count() > 60 {
        format!("{clipped}…")
    } else {
        clipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACK: &str = "2013_09_24_1107_39.o.024_1_93adee5ee909d311b6450090331b3e3b.wav";

    #[test]
    fn the_recorder_reads_commands_for_named_players() {
        let play = parse_for_recorder(&format!("!PLAY!Rossi!{TRACK}\r\n")).unwrap();
        assert_eq!(play.player.as_deref(), Some("Rossi"));
        assert_eq!(play.command, ControlCommand::Play(Some(TRACK.into())));
        let stop = parse_for_recorder("!STOP!Rossi").unwrap();
        assert_eq!(stop.command, ControlCommand::Stop);
        assert_eq!(
            parse_for_recorder("!EJEC!Rossi!").unwrap().command,
            ControlCommand::Eject
        );
        assert_eq!(
            parse_for_recorder("!PAUS!Rossi").unwrap().command,
            ControlCommand::Pause
        );
        assert_eq!(
            parse_for_recorder("!PLAY!Rossi").unwrap().command,
            ControlCommand::Play(None)
        );
    }

    #[test]
    fn a_player_reads_its_own_short_form_and_the_recorders() {
        let own = parse_for_player(&format!("!PLAY!{TRACK}")).unwrap();
        assert_eq!(own.player, None);
        assert_eq!(own.command, ControlCommand::Play(Some(TRACK.into())));
        let named = parse_for_player(&format!("!PLAY!Rossi!{TRACK}")).unwrap();
        assert_eq!(named.player.as_deref(), Some("Rossi"));
        assert_eq!(
            parse_for_player("!STOP!").unwrap().command,
            ControlCommand::Stop
        );
        assert_eq!(
            parse_for_player("!STOP!Rossi").unwrap().player.as_deref(),
            Some("Rossi")
        );
        assert_eq!(
            ControlCommand::Play(Some(TRACK.into())).to_line(),
            format!("!PLAY!{TRACK}")
        );
        assert_eq!(ControlCommand::Eject.to_line(), "!EJEC!");
    }

    #[test]
    fn the_allow_list_takes_addresses_and_networks() {
        let list = AllowList::parse("127.0.0.1, ::1,10.1.0.0/16").unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(list.allows(ip("127.0.0.1")));
        assert!(list.allows(ip("::ffff:127.0.0.1")));
        assert!(list.allows(ip("::1")));
        assert!(list.allows(ip("10.1.200.3")));
        assert!(!list.allows(ip("10.2.0.1")));
        assert!(!list.allows(ip("192.168.1.1")));
        assert!(AllowList::parse("0.0.0.0/0").unwrap().allows(ip("8.8.8.8")));
        assert!(AllowList::parse("10.0.0.0/33").is_err());
        assert!(AllowList::parse("example.com").is_err());
        assert!(!AllowList::parse("").unwrap().allows(ip("127.0.0.1")));
        assert!(AllowList::parse("127.0.0.1,::1").unwrap().only_loopback());
        assert!(!list.only_loopback());
    }

    #[test]
    fn paths_garbage_and_long_lines_are_refused_in_words() {
        for bad in [
            "!PLAY!Rossi!../../etc/passwd",
            "!PLAY!Rossi!2013_09/x.wav",
            "!PLAY!Rossi!C:\\x.wav",
            "!PLAY!Rossi!not-a-record",
            "!PLAY!Rossi!2013_09_24_1107_39.o.024_1_93ad.xml",
            "!STOP!Rossi!extra",
            "!JUMP!Rossi",
            "PLAY Rossi",
            "!",
            "",
            "!STOP!a/b",
            "!PLAY!Rossi!x!y",
        ] {
            let e = parse_for_recorder(bad).unwrap_err();
            assert!(!e.is_empty() && !e.contains("Err("), "{bad}: {e}");
        }
        assert!(parse_for_recorder("!STOP!").is_err(), "no Player named");
        let long = format!("!PLAY!Rossi!{}", "1".repeat(MAX_LINE));
        assert!(parse_for_recorder(&long).unwrap_err().contains("at most"));
        assert!(parse_for_player("!PLAY!a!b!c").is_err());
    }
}
