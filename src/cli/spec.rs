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
        name: "convert",
        usage: "convert in=FILE|DIR out=FILE|DIR [format=…] [mix=…] [map=…]",
        help: "Convert a call capture (pcap/pcapng) to stereo audio, external party left. \
               With in=DIR every capture in the tree is converted into the same tree under out=DIR. \
               Exit 0: clean; 1: written with warnings; 2: nothing usable.",
    },
    Mode {
        name: "inspect",
        usage: "inspect in=FILE [map=…]",
        help: "Print JSON about a capture: streams (side, codec, loss, jitter, …), DTMF digits, duration, warnings.",
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
        name: "seconds",
        values: "1 to 14400",
        help: "Length of a generated call in seconds (synth).",
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
    out
}
