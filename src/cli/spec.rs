//! Every mode and key of the command line, documented once; `callrec help` prints this.

/// A mode word. Its help is a text (`cli-mode-NAME` in `locales/*.ftl`), so
/// `callrec help language=de` prints it in German.
pub struct Mode {
    pub name: &'static str,
    pub usage: &'static str,
}

impl Mode {
    pub fn help(&self) -> String {
        let name = if self.name == "(none)" {
            "app"
        } else {
            self.name
        };
        crate::lang::t(&format!("cli-mode-{name}"))
    }
}

/// A command-line key (besides the setup keys); its help is `cli-key-NAME`.
pub struct Key {
    pub name: &'static str,
    pub values: &'static str,
}

impl Key {
    pub fn help(&self) -> String {
        crate::lang::t(&format!("cli-key-{}", self.name))
    }
}

pub const MODES: &[Mode] = &[
    Mode {
        name: "(none)",
        usage: "recpath=DIR [store=DIR] [listen=…] [KEY=VALUE …]",
    },
    Mode {
        name: "convert",
        usage: "convert in=FILE|DIR out=FILE|DIR [format=…] [mix=…] [map=…]",
    },
    Mode {
        name: "converter",
        usage: "converter [recpath=DIR] [convertto=alaw|ulaw|pcm|mp3] [mix=…] [once=on]",
    },
    Mode {
        name: "inspect",
        usage: "inspect in=FILE [map=…] [recpath=DIR]",
    },
    Mode {
        name: "import",
        usage: "import in=FILE|DIR [store=DIR|s3://BUCKET/FOLDER] [recpath=DIR] [cdr=FILE.xml] [map=…] [format=…]",
    },
    Mode {
        name: "verify",
        usage: "verify [store=DIR|s3://BUCKET/FOLDER] [recpath=DIR] [backup=DIR] [json=on]",
    },
    Mode {
        name: "copy",
        usage: "copy in=RECORD|YYYY_MM/NAME out=DIR [recpath=DIR] [store=s3://…]",
    },
    Mode {
        name: "evidence",
        usage: "evidence in=RECORD|YYYY_MM/NAME out=DIR [recpath=DIR] [store=s3://…]",
    },
    Mode {
        name: "service",
        usage: "service [recpath=DIR] [store=DIR] [listen=ADDRESS:PORT] [agents=…] [group=…]",
    },
    Mode {
        name: "fileserver",
        usage: "fileserver [recpath=DIR] [listen=ADDRESS:PORT] [tlscert=… tlskey=…]",
    },
    Mode {
        name: "player",
        usage: "player [recpath=DIR] [store=DIR|s3://BUCKET/FOLDER] [seconds=N] | player server=https://HOST:PORT account=NAME password=PW [cert=PEM]",
    },
    Mode {
        name: "simulate",
        usage: "simulate [url=http://127.0.0.1:8090] [calls=N] [seconds=N] [gap=S] [fault=…] [soap=ADDRESS:PORT] [clock=SECONDS]",
    },
    Mode {
        name: "move",
        usage: "move in=RECORD out=DIR [recpath=DIR]",
    },
    Mode {
        name: "delete",
        usage: "delete in=RECORD [recpath=DIR]",
    },
    Mode {
        name: "tan",
        usage: "tan in=RECORD tan=NNNNNN [recpath=DIR]",
    },
    Mode {
        name: "note",
        usage: "note in=RECORD text=… [recpath=DIR]",
    },
    Mode {
        name: "setup",
        usage: "setup [recpath=DIR] [show=window|text] [password=…] [setpassword=…] [KEY=VALUE …]",
    },
    Mode {
        name: "synth",
        usage: "synth out=FILE [codec=…] [seconds=N]",
    },
    Mode {
        name: "help",
        usage: "help",
    },
];

pub const KEYS: &[Key] = &[
    Key {
        name: "in",
        values: "a file or folder",
    },
    Key {
        name: "out",
        values: "a file or folder",
    },
    Key {
        name: "format",
        values: "alaw|ulaw|pcm|mp3|pcap",
    },
    Key {
        name: "once",
        values: "on|off",
    },
    Key {
        name: "map",
        values: "auto|phone|gateway|swap",
    },
    Key {
        name: "codec",
        values: "pcma|pcmu|g722|g729",
    },
    Key {
        name: "recpath",
        values: "a folder",
    },
    Key {
        name: "cdr",
        values: "a file",
    },
    Key {
        name: "show",
        values: "window|text",
    },
    Key {
        name: "password",
        values: "text",
    },
    Key {
        name: "account",
        values: "a name",
    },
    Key {
        name: "server",
        values: "https://HOST:PORT",
    },
    Key {
        name: "cert",
        values: "a PEM file",
    },
    Key {
        name: "trust",
        values: "a SHA-256 fingerprint (AB:CD:…)",
    },
    Key {
        name: "rights",
        values: "copy,delete,tan,notes,alarm,control|none",
    },
    Key {
        name: "setuppassword",
        values: "text",
    },
    Key {
        name: "setpassword",
        values: "text",
    },
    Key {
        name: "tan",
        values: "1 to 6 digits",
    },
    Key {
        name: "text",
        values: "text",
    },
    Key {
        name: "gap",
        values: "0 to 3600 seconds",
    },
    Key {
        name: "clock",
        values: "-31622400 to 31622400 seconds",
    },
    Key {
        name: "soap",
        values: "ADDRESS:PORT",
    },
    Key {
        name: "url",
        values: "http://HOST:PORT",
    },
    Key {
        name: "calls",
        values: "1 to 100000",
    },
    Key {
        name: "fault",
        values: "none|late|nocdr|duplicate|cdrfirst|restart|mixed",
    },
    Key {
        name: "json",
        values: "on|off",
    },
    Key {
        name: "seconds",
        values: "1 to 14400",
    },
];

/// The text of `callrec help`.
pub fn help_text() -> String {
    use crate::lang::{Arg, t, tr};
    let mut out = format!("{}\n\n{}:\n", t("cli-intro"), t("cli-modes"));
    for m in MODES {
        out.push_str(&format!("  {}\n      {}\n", m.usage, m.help()));
    }
    out.push_str(&format!("\n{}:\n", t("cli-keys")));
    for k in KEYS {
        out.push_str(&format!(
            "  {}=<{}>\n      {}\n",
            k.name,
            k.values,
            k.help()
        ));
    }
    out.push_str(&format!("\n{}:\n", t("cli-setup-keys")));
    for k in crate::archive::setup::SETUP_KEYS {
        let default = if k.default.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                tr("cli-default", &[("value", Arg::from(k.default))])
            )
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
