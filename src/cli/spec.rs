//! Every mode and key of the command line, documented once; `callrec help` prints this.

pub struct Mode {
    pub name: &'static str,
    pub usage: &'static str,
    pub help: &'static str,
}

pub struct Key {
    pub name: &'static str,
    pub values: &'static str,
    pub help: &'static str,
}

pub const MODES: &[Mode] = &[
    Mode {
        name: "(none)",
        usage: "recpath=DIR [store=DIR] [listen=…] [KEY=VALUE …]",
        help: "The application: the recorder on background tasks and one window with the Player and the \
               recorder's panel (lamps, master alarm with RESET/OFF, counters, calls waiting, status and error panes).",
    },
    Mode {
        name: "convert",
        usage: "convert in=FILE|DIR out=FILE|DIR [format=…] [mix=…] [map=…]",
        help: "Convert a call capture (pcap/pcapng) to stereo audio, external party left. \
               With in=DIR every capture in the tree is converted into the same tree under out=DIR. \
               Exit 0: clean; 1: written with warnings; 2: nothing usable.",
    },
    Mode {
        name: "inspect",
        usage: "inspect in=FILE [map=…] [recpath=DIR]",
        help: "Print JSON about a capture (streams, codec, loss, jitter, DTMF digits, duration, warnings), \
               or about an archive record (what its name says, its metadata, and its verdict: \
               original, manipulated, unsigned or unknown). Exit 0: clean/original; 1: warnings/not original.",
    },
    Mode {
        name: "import",
        usage: "import in=FILE|DIR [store=DIR] [recpath=DIR] [cdr=FILE.xml] [map=…] [format=…]",
        help: "Archive captures exactly as the recorder does: stereo audio, signed (and sealed) sidecar, \
               audit line, backup copy. Parties and times come from the CDR file when given (matched by the \
               conference id in the capture's name), otherwise from the capture. Importing the same capture \
               again changes nothing.",
    },
    Mode {
        name: "verify",
        usage: "verify [store=DIR] [recpath=DIR] [backup=DIR] [json=on]",
        help: "Check every record of the archive (and the backup folder): verdict per record, the audit \
               chain, missing and unlogged records. Exit 0 only if everything is original and complete.",
    },
    Mode {
        name: "copy",
        usage: "copy in=RECORD out=DIR [recpath=DIR]",
        help: "Copy a record out of the archive in the clear (audio decrypted, sidecar as plain XML), \
               logged as 'copied' in the activity log.",
    },
    Mode {
        name: "service",
        usage: "service [recpath=DIR] [store=DIR] [listen=ADDRESS:PORT] [agents=…] [group=…]",
        help: "Run the recorder headless until Ctrl-C or SIGTERM: devices PUT captures to /rec/, the PBX \
               sends CDRs to /cdr, every kept call is archived (see import), status as JSON at /status.",
    },
    Mode {
        name: "fileserver",
        usage: "fileserver [recpath=DIR] [listen=ADDRESS:PORT] [tlscert=… tlskey=…]",
        help: "Serve the store to Players on other PCs (the Player API under /api/v1/, docs/API.md) \
               and record nothing. Players log in with the accounts of the setup (setup account=NAME \
               password=PW); beyond loopback only over HTTPS (tlscert, tlskey) unless allowopen=on. \
               The recorder (service, or the app) serves the same API on its port when accounts exist.",
    },
    Mode {
        name: "player",
        usage: "player [recpath=DIR] [store=DIR] [seconds=N] | player server=https://HOST:PORT account=NAME password=PW [cert=PEM]",
        help: "Open the Player window on the archive: filters, the list of calls, Play with level meters, \
               loops, and SOS mode (newest call on top, one large Play). seconds=N closes it after N seconds. \
               With server=, the archive of a recorder or fileserver on another PC (docs/API.md): what the \
               account may see, played over the network; cert= pins the server's certificate.",
    },
    Mode {
        name: "simulate",
        usage: "simulate [url=http://127.0.0.1:8090] [calls=N] [seconds=N] [gap=S] [fault=…] [soap=ADDRESS:PORT] [clock=SECONDS]",
        help: "Play scripted calls against a running recorder as an innovaphone PBX and its devices would: \
               captures by PUT, CDRs in the three CDR0/CDR1 shapes. With soap=, the PBX's SOAP API \
               is also served there (http://ADDRESS:PORT/PBX0/user.soap: each call's start and end), and \
               stays up after the calls until Ctrl-C. clock=SECONDS sets the simulated PBX's clock that \
               far off this PC's (its CDRs, CDR posts and SOAP answers), to see the CLOCK lamp react.",
    },
    Mode {
        name: "move",
        usage: "move in=RECORD out=DIR [recpath=DIR]",
        help: "Move a record (audio, sidecar, notes) as it is, encrypted or not; logged as 'moved'.",
    },
    Mode {
        name: "delete",
        usage: "delete in=RECORD [recpath=DIR]",
        help: "Delete a record; logged as 'deleted' first, so verify never calls it missing.",
    },
    Mode {
        name: "tan",
        usage: "tan in=RECORD tan=NNNNNN [recpath=DIR]",
        help: "Attach or change a record's TAN (1–6 digits; the name gets _T<tan>); logged as 'tan'. \
               A TAN can be changed, not removed.",
    },
    Mode {
        name: "note",
        usage: "note in=RECORD text=… [recpath=DIR]",
        help: "Write a record's notes (<name>.txt); logged as 'note'.",
    },
    Mode {
        name: "setup",
        usage: "setup [recpath=DIR] [show=window|text] [password=…] [setpassword=…] [KEY=VALUE …]",
        help: "Open the setup window (tabs, help, checks, password; leaving it ends the program), or \
               with show=text or without a display print the setup. KEY=VALUE changes the setup \
               without a window. Setup keys are listed below; any of them also overrides the saved \
               value for one run of any command. With account=NAME it adds or changes a network \
               Player account instead: password=PW (at least 8 characters), rights=copy,delete,tan,notes,alarm,control \
               or none (default copy,tan,notes), extensions=21,3* (default: every call); a protected \
               setup is unlocked with setuppassword=.",
    },
    Mode {
        name: "synth",
        usage: "synth out=FILE [codec=…] [seconds=N]",
        help: "Write a generated innovaphone-style call recording (ports 16386/16388, dummy SIP): \
               two tones, clicks every 5 s, a DTMF digit. For trying callrec without a PBX.",
    },
    Mode {
        name: "help",
        usage: "help",
        help: "Show this list.",
    },
];

pub const KEYS: &[Key] = &[
    Key {
        name: "in",
        values: "a file or folder",
        help: "The capture to read, or a folder of captures.",
    },
    Key {
        name: "out",
        values: "a file or folder",
        help: "Where to write; a folder when in= is a folder.",
    },
    Key {
        name: "format",
        values: "alaw|ulaw|pcm|mp3|pcap",
        help: "Output encoding. alaw (default): WAV with G.711 A-law, about 1 MB per stereo minute; \
               ulaw: WAV µ-law; pcm: WAV 16-bit; mp3: LAME MP3; pcap: the capture unchanged.",
    },
    Key {
        name: "mix",
        values: "stereo|mono|left|right",
        help: "stereo (default): external left, internal right; mono: both mixed; left/right: one party only.",
    },
    Key {
        name: "map",
        values: "auto|phone|gateway|swap",
        help: "Which party is external. phone: an innovaphone phone recorded (its side, port 16386, is internal); \
               gateway: a gateway interface recorded (its side is external); swap: mirror the automatic choice; \
               auto (default): phone for innovaphone files, the documented rule for other captures.",
    },
    Key {
        name: "codec",
        values: "pcma|pcmu|g722|g729",
        help: "Codec of a generated call (synth); g729 uses Annex B silence suppression.",
    },
    Key {
        name: "recpath",
        values: "a folder",
        help: "Setup folder (setup file, identity key). Default: the user's configuration folder.",
    },
    Key {
        name: "cdr",
        values: "a file",
        help: "innovaphone PBX CDR XML (one <cdr> per line, as the PBX sends them) for import.",
    },
    Key {
        name: "show",
        values: "window|text",
        help: "setup: open the setup window (default where a display is) or print the setup as text.",
    },
    Key {
        name: "password",
        values: "text",
        help: "The setup password (or the store's central password), needed to save a protected setup.",
    },
    Key {
        name: "account",
        values: "a name",
        help: "setup: the network Player account to add or change (see setup).",
    },
    Key {
        name: "server",
        values: "https://HOST:PORT",
        help: "player: the recorder or fileserver whose archive the Player shows (with account= and password=).",
    },
    Key {
        name: "cert",
        values: "a PEM file",
        help: "player server=: accept exactly this server certificate (a recorder's own, self-signed one).",
    },
    Key {
        name: "trust",
        values: "a SHA-256 fingerprint (AB:CD:…)",
        help: "player server=: pin the server's own certificate when its fingerprint is this one (it is kept for next time).",
    },
    Key {
        name: "rights",
        values: "copy,delete,tan,notes,alarm,control|none",
        help: "setup account=: what the account may do besides listening.",
    },
    Key {
        name: "setuppassword",
        values: "text",
        help: "setup account=: the setup password of a protected setup.",
    },
    Key {
        name: "setpassword",
        values: "text",
        help: "Set a new setup password; it also becomes the store's central password.",
    },
    Key {
        name: "tan",
        values: "1 to 6 digits",
        help: "The transaction number for 'tan'.",
    },
    Key {
        name: "text",
        values: "text",
        help: "The notes for 'note'.",
    },
    Key {
        name: "gap",
        values: "0 to 3600 seconds",
        help: "simulate: pause between two calls.",
    },
    Key {
        name: "clock",
        values: "-31622400 to 31622400 seconds",
        help: "simulate: how far the simulated PBX's clock is off this PC's (CDR times, CDR posts, SOAP answers).",
    },
    Key {
        name: "soap",
        values: "ADDRESS:PORT",
        help: "simulate: serve the PBX's SOAP API there for the recorder's PBX link (setup key pbx=).",
    },
    Key {
        name: "url",
        values: "http://HOST:PORT",
        help: "The recorder that simulate plays calls against.",
    },
    Key {
        name: "calls",
        values: "1 to 100000",
        help: "How many calls simulate plays (default 10).",
    },
    Key {
        name: "fault",
        values: "none|late|nocdr|duplicate|cdrfirst|restart|mixed",
        help: "What goes wrong in simulated calls (default mixed: duplicate, early and late CDRs).",
    },
    Key {
        name: "json",
        values: "on|off",
        help: "verify: print the full report as JSON.",
    },
    Key {
        name: "seconds",
        values: "1 to 14400",
        help: "Length of a generated call in seconds (synth, simulate).",
    },
];

/// The text of `callrec help`.
pub fn help_text() -> String {
    let mut out = String::from(
        "callrec — call recorder and player for innovaphone PBX sites\n\n\
         Words and key=value pairs may come in any order; /word, -word and word are the same.\n\
         Keys are case-insensitive, values are not.\n\nModes:\n",
    );
    for m in MODES {
        out.push_str(&format!("  {}\n      {}\n", m.usage, m.help));
    }
    out.push_str("\nKeys:\n");
    for k in KEYS {
        out.push_str(&format!("  {}=<{}>\n      {}\n", k.name, k.values, k.help));
    }
    out.push_str("\nSetup keys (saved by 'setup'; on any other command they override the setup for that run):\n");
    for k in crate::archive::setup::SETUP_KEYS {
        let default = if k.default.is_empty() {
            String::new()
        } else {
            format!(" (default {})", k.default)
        };
        out.push_str(&format!(
            "  {}=<{}>{default}\n      {}\n",
            k.name,
            k.values,
            k.help()
        ));
    }
    out
}
