//! Conversion and inspection of one capture: the two passes tied together.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::MediaError;
use super::analysis::{Analysis, FlowKey, Segment};
use super::capture::{CaptureInput, CaptureSummary, read_frames};
use super::capture_source::CaptureSource;
use super::codec::Codec;
use super::flow_routes::FlowRoutes;
use super::link::udp_datagram;
use super::mixer::Mixer;
use super::payload_map::PayloadMap;
use super::render::{DtmfEvent, PartyRenderer, Timeline, absolute};
use super::rtp::{RtpKind, classify};
use super::sides::{CallSides, ChannelMap, Party, choose};
use super::sip::sniff_sdp;
use super::time::CaptureTime;
use super::writer::{AudioSink, Mix, OutputFormat, WavWriter, g711_table, sink_for};

/// What to produce.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConvertOptions {
    pub format: OutputFormat,
    pub mix: Mix,
    pub map: ChannelMap,
}

/// How a conversion went, as the exit code reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Written, nothing to report.
    Clean,
    /// Written, but with loss, a missing side, an unsupported codec or a damaged file.
    Warnings,
}

/// One RTP stream (one sender, one SSRC) as measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StreamReport {
    /// `external` (left), `internal` (right), or `none` when not part of the converted call.
    pub side: String,
    /// innovaphone device side (`local` = 16386, `remote` = 16388) when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_side: Option<String>,
    pub codec: String,
    pub payload_types: Vec<u8>,
    pub ssrc: String,
    pub src: String,
    pub dst: String,
    pub packets: u64,
    pub lost: u64,
    pub duplicates: u64,
    pub reordered: u64,
    pub jitter_ms: f64,
    /// Capture times in milliseconds since the Unix epoch.
    pub first_ms: i64,
    pub last_ms: i64,
}

/// Everything `inspect` prints and `convert` learns.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub format: super::capture::CaptureFormat,
    pub frames: u64,
    /// Capture time of output sample 0, milliseconds since the Unix epoch.
    pub start_ms: i64,
    pub duration_ms: i64,
    pub sample_rate: u32,
    pub channel_rule: String,
    pub innovaphone: bool,
    pub streams: Vec<StreamReport>,
    pub dtmf: Vec<DtmfEvent>,
    pub warnings: Vec<String>,
    pub outcome: Outcome,
}

/// Segments shorter than this do not decide the call's length.
const MIN_SEGMENT_PACKETS: u64 = 3;

/// The plan between the passes.
struct Plan {
    sides: CallSides,
    rate: u32,
    origin: f64,
    frames: u64,
    epoch: CaptureTime,
    /// Said while planning (media left out).
    warnings: Vec<String>,
}

fn analyze<R: CaptureInput>(source: R) -> Result<(Analysis, CaptureSummary), MediaError> {
    let mut analysis = Analysis::default();
    let mut unsupported_links: Vec<i32> = Vec::new();
    let summary = read_frames(source, |frame| match udp_datagram(frame) {
        Ok(d) => {
            if let Some(sdp) = sniff_sdp(d.payload) {
                analysis.payloads.learn(sdp);
                return;
            }
            match classify(d.payload) {
                RtpKind::Rtp(p) => analysis.add_rtp(&d, &p),
                RtpKind::Rtcp => {
                    if let Some(flow) = analysis.flow(&d) {
                        flow.rtcp_packets += 1;
                    }
                }
                RtpKind::NotRtp => {
                    analysis.flow(&d);
                }
            }
        }
        Err(super::link::Skip::UnsupportedLink(l)) => {
            if !unsupported_links.contains(&l) {
                unsupported_links.push(l);
            }
        }
        Err(_) => {}
    })?;
    if let Some(what) = analysis.refused.take() {
        return Err(MediaError::TooComplex(what));
    }
    analysis.finish();
    let mut summary = summary;
    for l in unsupported_links {
        summary.warnings.push(format!(
            "link type {l} is not supported; its frames were skipped"
        ));
    }
    Ok((analysis, summary))
}

fn plan(analysis: &Analysis, map: ChannelMap) -> Result<Plan, MediaError> {
    let sides = choose(analysis, map).ok_or(MediaError::NoMedia)?;
    let chosen: Vec<&FlowKey> = sides.external.iter().chain(&sides.internal).collect();
    let wideband = chosen
        .iter()
        .filter_map(|k| analysis.flow_of(k))
        .any(|f| f.audio_codecs().contains(&Codec::G722));
    let rate = if wideband { 16_000 } else { 8_000 };
    let epoch = analysis.epoch.unwrap_or_default();
    // Stray one- or two-packet segments (a corrupt timestamp, a packet from a previous
    // call) may not stretch the call; their audio is still placed if it falls inside.
    let substantial = chosen
        .iter()
        .filter_map(|k| analysis.flow_of(k))
        .any(|f| f.segments.iter().any(|s| s.packets >= MIN_SEGMENT_PACKETS));
    // (start, end, packets) of every stretch of media
    let mut spans: Vec<(f64, f64, u64)> = Vec::new();
    for flow in chosen.iter().filter_map(|k| analysis.flow_of(k)) {
        if flow.segments.is_empty() {
            // Events only: the flow's capture times bound it.
            spans.push((
                flow.first_time.seconds_since(epoch),
                flow.last_time.seconds_since(epoch),
                flow.rtp_packets,
            ));
        }
        for seg in flow
            .segments
            .iter()
            .filter(|s| !substantial || s.packets >= MIN_SEGMENT_PACKETS)
        {
            spans.push((seg.start_time(), seg.end_time(), seg.packets));
        }
    }
    let (start, end, warnings) = media_span(spans).ok_or(MediaError::NoMedia)?;
    let frames = ((end - start) * f64::from(rate)).ceil() as u64;
    Ok(Plan {
        sides,
        rate,
        origin: start,
        frames,
        epoch,
        warnings,
    })
}

/// A silence longer than this between two stretches of media is a jump of the capture
/// clock (or a different call in the same file), not a pause in one call: a call on
/// hold still carries music or comfort noise, and a pause of an hour with no packet
/// from either side is no conversation.
const MAX_SILENT_GAP_S: f64 = 3600.0;

/// The stretch of time to render: the media present, never hours of silence between.
/// Stretches of media separated by more than [`MAX_SILENT_GAP_S`] are grouped; the
/// group with the most packets is rendered and the rest left out with a warning, so
/// the output's length follows the media actually in the capture.
fn media_span(mut spans: Vec<(f64, f64, u64)>) -> Option<(f64, f64, Vec<String>)> {
    spans.retain(|(s, e, _)| s.is_finite() && e.is_finite() && e >= s);
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // groups of (start, end, packets)
    let mut groups: Vec<(f64, f64, u64)> = Vec::new();
    for (s, e, packets) in spans {
        match groups.last_mut() {
            Some(group) if s - group.1 <= MAX_SILENT_GAP_S => {
                group.1 = group.1.max(e);
                group.2 += packets;
            }
            _ => groups.push((s, e, packets)),
        }
    }
    let best = groups
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|(_, g)| g.2)
        .map(|(i, _)| i)?;
    let (start, mut end, _) = groups[best];
    let mut warnings = Vec::new();
    let left_out: u64 = groups
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, g)| g.2)
        .sum();
    if groups.len() > 1 {
        let jump = groups
            .windows(2)
            .map(|w| w[1].0 - w[0].1)
            .fold(0.0f64, f64::max);
        warnings.push(format!(
            "the capture clock jumps by {jump:.0} s: {left_out} packet(s) beyond the jump were \
             left out instead of filling the gap with silence"
        ));
    }
    // A single stretch longer than a day is a broken timestamp, not a call.
    if end - start > 86_400.0 {
        end = start + 86_400.0;
        warnings.push("media longer than a day: cut after 24 hours".into());
    }
    Some((start, end, warnings))
}

fn render<R: CaptureInput>(
    source: R,
    analysis: &Analysis,
    plan: &Plan,
    options: &ConvertOptions,
    out: Box<dyn Write + '_>,
) -> Result<(Vec<DtmfEvent>, Vec<String>), MediaError> {
    let segments_of = |keys: &[FlowKey]| {
        keys.iter()
            .filter_map(|k| analysis.flow_of(k).map(|f| (*k, f.segments.clone())))
            .collect::<Vec<(FlowKey, Vec<Segment>)>>()
    };
    // Stereo A-law at 8 kHz, the archive's default: A-law audio goes from the capture to
    // the file byte for byte instead of being decoded and encoded again (see
    // `passthrough`); anything else on the timeline (other codecs, concealment, comfort
    // noise, silence) is encoded on the way in.
    let codes =
        options.format == OutputFormat::Alaw && options.mix == Mix::Stereo && plan.rate == 8000;
    let timeline = Timeline {
        origin: plan.origin,
        rate: plan.rate,
    };
    let mut parties = [
        PartyRenderer::new(
            Party::External,
            segments_of(&plan.sides.external),
            &timeline,
            codes,
        ),
        PartyRenderer::new(
            Party::Internal,
            segments_of(&plan.sides.internal),
            &timeline,
            codes,
        ),
    ];
    let (sink, silence): (Box<dyn AudioSink + '_>, i16) = if codes {
        let writer = WavWriter::new(out, options.format, options.mix, plan.rate, plan.frames)?;
        let silence = i16::from(g711_table::alaw_code(0));
        (Box::new(writer.taking_alaw_codes()), silence)
    } else {
        let sink = sink_for(options.format, options.mix, plan.rate, plan.frames, out)?;
        (sink, 0)
    };
    let mut mixer = Mixer::new(plan.rate, plan.frames, sink, silence);
    let mut payloads = PayloadMap::default();
    let mut routes = FlowRoutes::new(&plan.sides);
    let epoch = plan.epoch;

    read_frames(source, |frame| {
        let Ok(d) = udp_datagram(frame) else { return };
        if let Some(sdp) = sniff_sdp(d.payload) {
            payloads.learn(sdp);
            return;
        }
        let key = FlowKey {
            src: d.src,
            dst: d.dst,
        };
        let Some((party, memo)) = routes.route(&key) else {
            return;
        };
        let RtpKind::Rtp(p) = classify(d.payload) else {
            return;
        };
        let (codec, clock) = payloads.codec_and_clock_for(memo, d.dst, p.payload_type, p.payload);
        let arrival = d.time.seconds_since(epoch);
        parties[party.channel()].push(
            key,
            p.ssrc,
            p.sequence,
            p.timestamp,
            codec,
            clock,
            p.payload,
            arrival,
            &timeline,
            &mut mixer,
        );
        mixer.release();
    })?;
    for party in &mut parties {
        party.drain(&timeline, &mut mixer);
    }
    let late_samples = mixer.late_samples;
    mixer.finish()?;

    let mut warnings = Vec::new();
    let mut dtmf = Vec::new();
    for party in &mut parties {
        for name in &party.unsupported {
            warnings.push(format!(
                "codec {name} is not supported: the {} party is silent",
                party_name(party_of(party))
            ));
        }
        if party.concealed_ms >= 1.0 {
            warnings.push(format!(
                "{:.0} ms of lost audio concealed on the {} side",
                party.concealed_ms,
                party_name(party_of(party))
            ));
        }
        dtmf.append(&mut party.dtmf);
    }
    if late_samples > 0 {
        warnings.push(format!(
            "{late_samples} samples arrived too late to be placed and were dropped"
        ));
    }
    dtmf.sort_by_key(|d| d.start_ms);
    Ok((dtmf, warnings))
}

fn party_of(renderer: &PartyRenderer) -> Party {
    renderer.party()
}

fn party_name(party: Party) -> &'static str {
    match party {
        Party::External => "external (left)",
        Party::Internal => "internal (right)",
    }
}

fn report(
    analysis: &Analysis,
    summary: &CaptureSummary,
    plan: &Plan,
    dtmf: Vec<DtmfEvent>,
    mut warnings: Vec<String>,
) -> Report {
    let mut streams = Vec::new();
    let mut flows: Vec<_> = analysis.flows().iter().filter(|f| f.is_media()).collect();
    flows.sort_by_key(|f| f.order);
    for flow in flows {
        let party = plan.sides.party_of(&flow.key);
        let device_side = plan.sides.innovaphone.then(|| {
            if plan.sides.device.contains(&flow.key) {
                "local".to_string()
            } else {
                "remote".to_string()
            }
        });
        for s in &flow.ssrcs {
            let codecs: Vec<String> = s.codecs.iter().map(|c| c.name()).collect();
            streams.push(StreamReport {
                side: party.map_or("none", Party::name).into(),
                device_side: device_side.clone(),
                codec: codecs.join(","),
                payload_types: s.payload_types.iter().map(|(pt, _)| *pt).collect(),
                ssrc: format!("0x{:08X}", s.ssrc),
                src: flow.key.src.to_string(),
                dst: flow.key.dst.to_string(),
                packets: s.packets,
                lost: s.lost(),
                duplicates: s.duplicates,
                reordered: s.reordered,
                jitter_ms: (s.jitter * 1000.0 * 1000.0).round() / 1000.0,
                first_ms: s.first_time.as_millis(),
                last_ms: s.last_time.as_millis(),
            });
        }
    }
    let mut all = summary.warnings.clone();
    all.extend(plan.sides.warnings.iter().cloned());
    all.extend(plan.warnings.iter().cloned());
    if plan.sides.external.is_empty() {
        all.push(
            "no audio from the external party (left channel silent): one-way recording".into(),
        );
    }
    if plan.sides.internal.is_empty() {
        all.push(
            "no audio from the internal party (right channel silent): one-way recording".into(),
        );
    }
    let lost: u64 = streams
        .iter()
        .filter(|s| s.side != "none")
        .map(|s| s.lost)
        .sum();
    if lost > 0 {
        all.push(format!(
            "{lost} RTP packets were lost in the converted call"
        ));
    }
    all.append(&mut warnings);
    let outcome = if all.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Warnings
    };
    Report {
        format: summary.format,
        frames: summary.frames,
        start_ms: absolute(plan.epoch, plan.origin).as_millis(),
        duration_ms: (plan.frames as f64 * 1000.0 / f64::from(plan.rate)).round() as i64,
        sample_rate: plan.rate,
        channel_rule: plan.sides.rule.clone(),
        innovaphone: plan.sides.innovaphone,
        streams,
        dtmf,
        warnings: all,
        outcome,
    }
}

/// Converts a capture. `open` is called twice (measure, then render), so it must
/// return the same bytes each time: a file path opener, or a cursor over a buffer.
pub fn convert<F, R>(
    open: F,
    options: &ConvertOptions,
    out: Box<dyn Write + '_>,
) -> Result<Report, MediaError>
where
    F: Fn() -> std::io::Result<R>,
    R: CaptureInput,
{
    let (analysis, summary) = analyze(open()?)?;
    let plan = plan(&analysis, options.map)?;
    if options.format == OutputFormat::Pcap {
        let mut out = out;
        std::io::copy(&mut open()?, &mut out)?;
        out.flush()?;
        return Ok(report(&analysis, &summary, &plan, Vec::new(), Vec::new()));
    }
    let (dtmf, warnings) = render(open()?, &analysis, &plan, options, out)?;
    Ok(report(&analysis, &summary, &plan, dtmf, warnings))
}

/// Measures a capture without writing audio: streams, DTMF, duration, warnings.
pub fn inspect<F, R>(open: F, map: ChannelMap) -> Result<Report, MediaError>
where
    F: Fn() -> std::io::Result<R>,
    R: CaptureInput,
{
    // DTMF timing needs the render pass; rendering into a sink that discards is cheap.
    let options = ConvertOptions {
        format: OutputFormat::Pcm,
        mix: Mix::Stereo,
        map,
    };
    convert(open, &options, Box::new(std::io::sink()))
}

/// Converts the capture at `input` into `output`, atomically: the audio is written to a
/// temporary file beside the target, synced, then renamed, so a crash never leaves a
/// half-written file under the final name.
pub fn convert_file(
    input: &Path,
    output: &Path,
    options: &ConvertOptions,
) -> Result<Report, MediaError> {
    let partial = partial_name(output);
    let result = (|| {
        let file = File::create(&partial)?;
        // The writers hand over blocks of up to 32768 frames; a buffer smaller than
        // those passes them to the file without copying them once more, and still
        // gathers the header and other small writes.
        let mut writer = BufWriter::with_capacity(16 << 10, file);
        let report = {
            let out: Box<dyn Write + '_> = Box::new(&mut writer);
            let source = CaptureSource::open(input)?;
            convert(|| source.reader(), options, out)?
        };
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&partial, output)?;
        Ok(report)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&partial);
    }
    result
}

fn partial_name(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    output.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}
