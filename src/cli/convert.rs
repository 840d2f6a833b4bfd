//! `callrec convert` and `callrec inspect` (for captures).

use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use super::args::{Args, UsageError};
use crate::media::{self, ChannelMap, ConvertOptions, Mix, Outcome, OutputFormat};

fn options(args: &Args) -> Result<ConvertOptions, UsageError> {
    Ok(ConvertOptions {
        format: args.choice("format", OutputFormat::Alaw, OutputFormat::parse)?,
        mix: args.choice("mix", Mix::Stereo, Mix::parse)?,
        map: args.choice("map", ChannelMap::Auto, ChannelMap::parse)?,
    })
}

pub fn convert(args: &Args) -> Result<i32, UsageError> {
    args.only(&["in", "out", "format", "mix", "map"])?;
    let input = PathBuf::from(args.require("in")?);
    let output = PathBuf::from(args.require("out")?);
    let options = options(args)?;
    if input.is_dir() {
        return Ok(convert_tree(&input, &output, &options));
    }
    if !input.is_file() {
        return Err(UsageError(format!(
            "in={} does not exist or is not a file",
            input.display()
        )));
    }
    if output.is_dir() {
        return Err(UsageError(format!(
            "out={} is a folder; give a file name",
            output.display()
        )));
    }
    Ok(convert_one(&input, &output, &options, true))
}

fn convert_one(input: &Path, output: &Path, options: &ConvertOptions, verbose: bool) -> i32 {
    match media::convert_file(input, output, options) {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("callrec: {}: warning: {w}", input.display());
            }
            if verbose {
                eprintln!(
                    "callrec: wrote {} ({:.1} s, {} Hz, {})",
                    output.display(),
                    report.duration_ms as f64 / 1000.0,
                    report.sample_rate,
                    report.channel_rule
                );
            }
            match report.outcome {
                Outcome::Clean => 0,
                Outcome::Warnings => 1,
            }
        }
        Err(e) => {
            eprintln!("callrec: {}: nothing written: {e}", input.display());
            2
        }
    }
}

/// The seed's converter mode in batch form: every capture below `input` is converted
/// into the same relative place below `output`. The exit code is the worst of all files.
fn convert_tree(input: &Path, output: &Path, options: &ConvertOptions) -> i32 {
    let mut captures = Vec::new();
    collect_captures(input, &mut captures);
    captures.sort();
    if captures.is_empty() {
        eprintln!("callrec: no capture files below {}", input.display());
        return 2;
    }
    let bar = ProgressBar::new(captures.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut worst = 0;
    for capture in &captures {
        let relative = capture.strip_prefix(input).unwrap_or(capture);
        let target = output
            .join(relative)
            .with_extension(options.format.extension());
        bar.set_message(relative.display().to_string());
        if let Some(parent) = target.parent()
            && let Err(e) = fs::create_dir_all(parent)
        {
            bar.suspend(|| eprintln!("callrec: cannot create {}: {e}", parent.display()));
            worst = 2;
            bar.inc(1);
            continue;
        }
        let code = bar.suspend(|| convert_one(capture, &target, options, false));
        worst = worst.max(code);
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "callrec: converted {} capture(s) into {}",
        captures.len(),
        output.display()
    );
    worst
}

pub fn collect_captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            collect_captures(&path, out);
        } else if kind.is_file() && is_capture(&path) {
            out.push(path);
        }
    }
}

/// Captures are recognised by their magic number, not their extension.
pub fn is_capture(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    if f.read_exact(&mut magic).is_err() {
        return false;
    }
    matches!(
        u32::from_le_bytes(magic),
        0xa1b2_c3d4 | 0xd4c3_b2a1 | 0xa1b2_3c4d | 0x4d3c_b2a1 | 0x0a0d_0d0a
    )
}

pub fn inspect(args: &Args) -> Result<i32, UsageError> {
    let input = PathBuf::from(args.require("in")?);
    if input.is_file() && !is_capture(&input) {
        let mut allowed = vec!["in", "recpath"];
        allowed.extend(super::context::setup_key_names());
        args.only(&allowed)?;
        return super::record::inspect_record(args, &input);
    }
    args.only(&["in", "map"])?;
    let map = args.choice("map", ChannelMap::Auto, ChannelMap::parse)?;
    if !input.is_file() {
        return Err(UsageError(format!(
            "in={} does not exist or is not a file",
            input.display()
        )));
    }
    match media::inspect(|| File::open(&input).map(BufReader::new), map) {
        Ok(report) => {
            out!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            Ok(match report.outcome {
                Outcome::Clean => 0,
                Outcome::Warnings => 1,
            })
        }
        Err(e) => {
            eprintln!("callrec: {}: {e}", input.display());
            Ok(2)
        }
    }
}
