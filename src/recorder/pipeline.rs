//! The job loop: looks at every capture in the journal, joins it with its CDRs by
//! conference id, applies the recording rules and archives, drops or keeps waiting.
//!
//! It is driven by events (a capture or CDR arrived) and by a one-second tick (waits
//! run out). Its whole state is on disk (the spool), so a restarted recorder simply
//! carries on; the archive layer makes re-archiving the same capture a no-op, so a kill
//! between "record placed" and "capture removed" duplicates nothing.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::{Notify, Semaphore, watch};

use super::appserver_link::{last_message, tell};
use super::appserver_outbox::Outbox;
use super::cdr_intake::Received;
use super::cdr_watch::CdrWatch;
use super::clock_watch::{ClockChange, ClockWatch, ReadingSource};
use super::fresh_captures::FreshCaptures;
use super::licences::LicenceBook;
use super::modes::{Mode, ModeState, Sampling, Verdict};
use super::player_commands::PlayerCommands;
use super::rules::{Agents, Decision, decide, tcr_marker};
use super::spool::{Spool, Spooled};
use super::status::{Lamp, StatusBoard, Waiting};
use crate::archive::RecordName;
use crate::archive::audit::{self, Action, Entry};
use crate::archive::cdr::{CallFacts, Cdr, parse_cdrs};
use crate::archive::record::{ArchiveError, Archiver, Booking};
use crate::archive::source_name::SourceName;
use crate::lang::{Arg, t, tr};

/// One step of the seed's CDR wait countdown.
pub const WAIT_STEP: Duration = Duration::from_secs(5);

/// How often the store and backup paths are probed.
const HEALTH_EVERY: Duration = Duration::from_secs(30);

/// How often retention looks for records past their time.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
/// How long the journal keeps a CDR: far longer than any capture waits for one (the
/// countdown ends within 14 hours), long enough for captures a pull source held back
/// for weeks while it was unreachable.
pub const CDR_KEEP: Duration = Duration::from_secs(31 * 86_400);

/// The least time between two passes over the journal.
const PASS_GAP: Duration = Duration::from_millis(50);

/// What to do with a capture whose CDR never came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanPolicy {
    /// Archive it from what the capture carries, flagged as an orphan (default).
    Keep,
    /// Delete it, with a line in the activity log.
    Delete,
}

/// How the loop decides.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    pub agents: Agents,
    /// Steps of [`WAIT_STEP`] to wait for a CDR.
    pub cdr_wait_steps: u32,
    pub orphans: OrphanPolicy,
    /// A capture no agent took part in is dropped only when its call's CDRs have been
    /// quiet this long (a later CDR could still name an agent).
    pub settle: Duration,
    /// Captures archived at the same time; see [`default_workers`].
    pub workers: usize,
    pub mode: Mode,
    pub sampling: Sampling,
    /// Records older than this many months are deleted (0: kept for ever).
    pub keep_months: u32,
    /// The number agents dial before a 6-digit TAN during a call; empty: no TANs.
    pub tan_prefix: String,
    /// The seed's "alarm if no CDR ticket found": an orphan is an error (else a warning).
    pub orphan_alarm: bool,
    /// No CDR this long while captures arrive is a broken feed; zero: not watched.
    pub cdr_silence: Duration,
    /// The largest PBX clock skew accepted, in seconds; 0: not checked.
    pub clock_skew_s: i64,
    /// Keep an outbox for the AppServer (`REC/appserver/`): FRST and LAST messages.
    pub appserver: bool,
}

/// Six archive jobs per core, at most 32. A job spends most of its time waiting for
/// the disk (it syncs the audio, the sidecar, the activity log and three folders), so
/// with one or two jobs per core the cores idle while captures queue. In a burst of
/// 1000 calls on two cores, 4 jobs let the latency reach p99 3.4 s; 8 and 12 kept it
/// at 0.2 s with the rate then bound by the CPU (docs/PERFORMANCE.md). Each job holds
/// at most one capture of up to 16 MB in memory, so the cap bounds memory too.
fn default_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 6).min(32)
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig {
            agents: Agents::default(),
            cdr_wait_steps: 60,
            orphans: OrphanPolicy::Keep,
            settle: Duration::from_secs(3),
            workers: default_workers(),
            mode: Mode::Standard,
            sampling: Sampling::default(),
            keep_months: 0,
            tan_prefix: String::new(),
            orphan_alarm: true,
            cdr_silence: Duration::from_secs(15 * 60),
            clock_skew_s: 60,
            appserver: false,
        }
    }
}

/// The CDRs known, indexed by conference id, with the time the newest one of each
/// conference arrived.
#[derive(Default)]
pub struct CdrBook {
    pub cdrs: Vec<Cdr>,
    by_conf: HashMap<String, Vec<usize>>,
    /// Gateway CDRs by conference id (`ref`), as text.
    gateway: HashMap<String, Vec<String>>,
    last_by_conf: HashMap<String, SystemTime>,
}

impl CdrBook {
    pub fn add(&mut self, received: &Received) {
        let now = SystemTime::now();
        match received {
            Received::Pbx(text) => {
                if let Ok(cdrs) = parse_cdrs(text) {
                    for cdr in cdrs {
                        for conf in cdr.conferences() {
                            self.last_by_conf.insert(conf.clone(), now);
                            self.by_conf.entry(conf).or_default().push(self.cdrs.len());
                        }
                        self.cdrs.push(cdr);
                    }
                }
            }
            Received::Gateway(pairs) => {
                if let Some(conf) = pairs.get("ref") {
                    let conf = conf.to_ascii_lowercase();
                    self.last_by_conf.insert(conf.clone(), now);
                    self.gateway.entry(conf).or_default().push(received.text());
                }
            }
        }
    }
}

impl CdrBook {
    /// Forgets the calls whose last CDR came before `cutoff`, as the journal prunes
    /// their files (see [`Spool::prune_cdrs`]), so that the book does not grow for ever
    /// in a recorder that runs for months.
    pub fn forget_before(&mut self, cutoff: SystemTime) {
        let stale = |conf: &String| self.last_by_conf.get(conf).is_none_or(|t| *t < cutoff);
        let keep: Vec<bool> = self
            .cdrs
            .iter()
            .map(|cdr| cdr.conferences().iter().any(|c| !stale(c)))
            .collect();
        self.gateway.retain(|conf, _| !stale(conf));
        let cdrs = std::mem::take(&mut self.cdrs);
        self.by_conf.clear();
        for (cdr, keep) in cdrs.into_iter().zip(keep) {
            if keep {
                for conf in cdr.conferences() {
                    self.by_conf.entry(conf).or_default().push(self.cdrs.len());
                }
                self.cdrs.push(cdr);
            }
        }
        self.last_by_conf.retain(|_, t| *t >= cutoff);
    }

    /// The CDRs that carry `conf`.
    pub fn with_conf(&self, conf: &str) -> Vec<&Cdr> {
        self.by_conf
            .get(conf)
            .map(|ix| ix.iter().map(|&i| &self.cdrs[i]).collect())
            .unwrap_or_default()
    }

    /// Every CDR of the call: those with `conf`, and those sharing another conference id
    /// with them (the other legs of a transfer), in arrival order, without repeats.
    pub fn call(&self, conf: &str) -> Vec<&Cdr> {
        let mut ix: Vec<usize> = Vec::new();
        for cdr in self.with_conf(conf) {
            for other in cdr.conferences() {
                ix.extend(self.by_conf.get(&other).into_iter().flatten());
            }
        }
        ix.sort_unstable();
        ix.dedup();
        ix.into_iter().map(|i| &self.cdrs[i]).collect()
    }
}

/// The shared parts of a running recorder.
pub struct Pipeline {
    pub archiver: Arc<Archiver>,
    /// Records the archive's bucket may take at once (set when there is a bucket).
    pub placed: std::sync::OnceLock<Arc<crate::archive::bucket_outbox::Placed>>,
    /// The backup copy is made into a bucket as records move (its lamp is the outbox's).
    pub backup_in_bucket: std::sync::atomic::AtomicBool,
    pub spool: Arc<Spool>,
    pub config: PipelineConfig,
    pub status: Arc<StatusBoard>,
    pub book: Mutex<CdrBook>,
    pub wake: Notify,
    pub modes: Mutex<ModeState>,
    /// Captures just received, in memory for the archiver.
    pub fresh: FreshCaptures,
    busy: Mutex<HashSet<String>>,
    /// Journal entries whose record is stored and counted, but not yet backed up.
    backup_pending: Mutex<HashSet<String>>,
    workers: Arc<Semaphore>,
    licences: Mutex<LicenceBook>,
    /// Agents already reported as beyond the licences.
    overflow: Mutex<HashSet<String>>,
    cdr_watch: Mutex<CdrWatch>,
    clock_watch: Mutex<ClockWatch>,
    /// The messages for the AppServer, when the setup names one.
    pub outbox: Option<Arc<Outbox>>,
    /// Commands for named Players, from the AppServer or URL commands.
    pub commands: Arc<PlayerCommands>,
}

impl Pipeline {
    /// Builds the pipeline and loads the CDRs the journal already holds.
    pub fn new(
        archiver: Archiver,
        spool: Spool,
        config: PipelineConfig,
        status: Arc<StatusBoard>,
    ) -> std::io::Result<Arc<Pipeline>> {
        let mut book = CdrBook::default();
        for cdr in spool.cdrs()? {
            book.add(&cdr);
        }
        if spool.unreadable_cdrs() > 0 {
            status.event(
                "warning",
                tr(
                    "event-journal-unreadable-cdrs",
                    &[("n", Arg::from(spool.unreadable_cdrs()))],
                ),
            );
        }
        let workers = Arc::new(Semaphore::new(config.workers.max(1)));
        let modes = Mutex::new(ModeState::open(&archiver.store)?);
        let licences = Mutex::new(LicenceBook::open(&archiver.store, config.agents.licences)?);
        let outbox = if config.appserver {
            Some(Arc::new(Outbox::open(
                &archiver.store.rec().join("appserver"),
            )?))
        } else {
            None
        };
        Ok(Arc::new(Pipeline {
            modes,
            archiver: Arc::new(archiver),
            placed: std::sync::OnceLock::new(),
            backup_in_bucket: std::sync::atomic::AtomicBool::new(false),
            spool: Arc::new(spool),
            status,
            book: Mutex::new(book),
            wake: Notify::new(),
            fresh: FreshCaptures::default(),
            busy: Mutex::new(HashSet::new()),
            backup_pending: Mutex::new(HashSet::new()),
            workers,
            licences,
            overflow: Mutex::new(HashSet::new()),
            cdr_watch: Mutex::new(CdrWatch::new(std::time::Instant::now())),
            clock_watch: Mutex::new(ClockWatch::new(config.clock_skew_s)),
            outbox,
            commands: Arc::default(),
            config,
        }))
    }

    /// Takes a CDR: journal first, then the book; `false` for a duplicate.
    pub fn take_cdr(&self, received: &Received) -> std::io::Result<bool> {
        let new = self.spool.save_cdr(received)?;
        if new {
            // the CDRs are parsed once, by the book; the newest end is a clock reading
            let end = {
                let mut book = self.book.lock().unwrap_or_else(|e| e.into_inner());
                let before = book.cdrs.len();
                book.add(received);
                book.cdrs[before..].iter().filter_map(Cdr::end_utc).max()
            };
            let (captures, lamp) = self
                .status
                .read(|s| (s.counters.captures_received, s.lamps.cdr));
            self.cdr_watch
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .cdr_arrived(std::time::Instant::now(), captures);
            self.status.update(|s| {
                s.counters.cdrs_received += 1;
                s.lamps.cdr = Lamp::Green;
            });
            if matches!(lamp, Lamp::Red | Lamp::Yellow) {
                self.status.event("info", t("event-cdrs-again"));
            }
            if let Some(end) = end {
                self.pbx_clock(ReadingSource::CdrEnd, end);
            }
            self.wake.notify_one();
        } else {
            self.status.update(|s| s.counters.cdrs_duplicate += 1);
        }
        Ok(new)
    }

    /// A reading of the PBX's clock (Unix seconds): turns the CLOCK lamp and tells
    /// when the verdict changes.
    pub fn pbx_clock(&self, source: ReadingSource, pbx_s: i64) {
        let ours = jiff::Timestamp::now().as_second();
        let change = self
            .clock_watch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .reading(source, pbx_s, ours);
        match change {
            None => {}
            Some(ClockChange::InSync) => self.status.update(|s| s.lamps.clock = Lamp::Green),
            Some(ClockChange::Repaired) => {
                self.status.update(|s| s.lamps.clock = Lamp::Green);
                self.status.event("info", t("event-clock-again"));
            }
            Some(ClockChange::Skewed(why)) => {
                self.status.update(|s| s.lamps.clock = Lamp::Red);
                self.status.event("error", why);
            }
        }
    }

    /// A capture reached its CDR deadline without one: the seed's "no CDR ticket
    /// found", an alarm unless the setup expects it.
    fn orphan_found(&self, capture: &str, what_now: &str) {
        let (level, lamp) = if self.config.orphan_alarm {
            ("error", Lamp::Red)
        } else {
            ("warning", Lamp::Yellow)
        };
        self.status.update(|s| {
            if s.lamps.cdr != Lamp::Red {
                s.lamps.cdr = lamp;
            }
        });
        self.status.event(
            level,
            tr(
                "event-orphan",
                &[
                    ("capture", Arg::from(capture)),
                    (
                        "seconds",
                        Arg::from((WAIT_STEP * self.config.cdr_wait_steps).as_secs()),
                    ),
                    ("what", Arg::from(what_now)),
                ],
            ),
        );
    }

    /// The seed's CDR alarm for a feed gone quiet while captures still arrive.
    fn watch_cdr_silence(&self) {
        let captures = self.status.read(|s| s.counters.captures_received);
        let silence = self
            .cdr_watch
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .silence(std::time::Instant::now(), captures, self.config.cdr_silence);
        if let Some((quiet, arrived)) = silence {
            self.status.update(|s| s.lamps.cdr = Lamp::Red);
            self.status.event(
                "error",
                tr(
                    "event-cdr-feed-failed",
                    &[
                        ("span", Arg::from(super::clock_watch::span(quiet.as_secs()))),
                        ("n", Arg::from(arrived)),
                    ],
                ),
            );
        }
    }

    /// Runs until `stop` turns true; then waits for archiving in progress to finish.
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        let mut last_sweep: Option<std::time::Instant> = None;
        // the start-up check (Service::run) has just looked at the paths
        let mut last_check: Option<std::time::Instant> = Some(std::time::Instant::now());
        loop {
            if self.status.is_paused() {
                // the setup dialog is open: no checks, no archiving, no retention
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                    _ = stop.changed() => break,
                }
                if *stop.borrow() {
                    break;
                }
                continue;
            }
            if last_check.is_none_or(|t| t.elapsed() >= HEALTH_EVERY) {
                last_check = Some(std::time::Instant::now());
                let this = Arc::clone(&self);
                let _ = tokio::task::spawn_blocking(move || {
                    super::health::check(
                        &this.archiver,
                        &this.status,
                        this.backup_in_bucket
                            .load(std::sync::atomic::Ordering::Relaxed),
                    )
                })
                .await;
            }
            if self.config.keep_months > 0
                && last_sweep.is_none_or(|t| t.elapsed() >= RETENTION_EVERY)
            {
                last_sweep = Some(std::time::Instant::now());
                let this = Arc::clone(&self);
                let _ = tokio::task::spawn_blocking(move || this.sweep()).await;
            }
            self.watch_cdr_silence();
            self.pass();
            // A burst wakes the loop once per upload and CDR; a short pause lets those
            // wake-ups collapse into one pass instead of one directory scan each.
            tokio::time::sleep(PASS_GAP).await;
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => break,
            }
            if *stop.borrow() {
                break;
            }
        }
        // let running jobs finish: a job is never cut off by a clean stop
        let _ = self
            .workers
            .acquire_many(self.config.workers.max(1) as u32)
            .await;
    }

    /// Deletes records past the retention time, and marks nobody can use any more.
    fn sweep(&self) {
        match super::retention::sweep(&self.archiver, self.config.keep_months) {
            Ok(0) => {}
            Ok(n) => self.status.event(
                "info",
                tr(
                    "event-retention",
                    &[
                        ("n", Arg::from(n)),
                        ("months", Arg::from(self.config.keep_months)),
                    ],
                ),
            ),
            Err(e) => self.status.event(
                "error",
                tr(
                    "event-retention-failed",
                    &[("why", Arg::from(e.to_string()))],
                ),
            ),
        }
        super::modes::prune_marks(
            &super::modes::marks_dir(&self.archiver.store),
            Duration::from_secs(7 * 86_400),
        );
        match self.spool.prune_cdrs(CDR_KEEP) {
            Ok(0) => {}
            Ok(n) => self.status.event(
                "info",
                tr(
                    "event-journal-cdrs-pruned",
                    &[
                        ("n", Arg::from(n)),
                        ("days", Arg::from(CDR_KEEP.as_secs() / 86_400)),
                    ],
                ),
            ),
            Err(e) => self.status.event(
                "error",
                tr(
                    "event-journal-prune-failed",
                    &[("why", Arg::from(e.to_string()))],
                ),
            ),
        }
        if let Some(cutoff) = SystemTime::now().checked_sub(CDR_KEEP) {
            self.book
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .forget_before(cutoff);
        }
    }

    /// One look at every capture.
    fn pass(self: &Arc<Self>) {
        let captures = match self.spool.captures() {
            Ok(c) => c,
            Err(e) => {
                self.status.event(
                    "error",
                    tr(
                        "event-journal-unreadable",
                        &[("why", Arg::from(e.to_string()))],
                    ),
                );
                self.status.update(|s| s.lamps.disk = Lamp::Red);
                return;
            }
        };
        let now = SystemTime::now();
        let mut waiting = Vec::new();
        for capture in captures {
            if self
                .busy
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(&capture.key())
            {
                continue;
            }
            // The listing may be older than a job that has just finished with this
            // capture: a job removes the journal file before it leaves `busy`, so a
            // file still there now (checked after `busy`) is really waiting.
            if !capture.path.exists() {
                continue;
            }
            let conf = SourceName::parse(&capture.name).map(|s| s.conf);
            let waited = now.duration_since(capture.received).unwrap_or_default();
            let plan = {
                let book = self.book.lock().unwrap_or_else(|e| e.into_inner());
                self.plan(&capture, conf.as_deref(), waited, &book, now)
            };
            match plan {
                Plan::Archive(booking) => self.start(capture, Job::Archive(booking)),
                Plan::Drop(reason) => self.start(capture, Job::Drop(reason)),
                Plan::Wait => {
                    let limit = WAIT_STEP * self.config.cdr_wait_steps;
                    let left = limit.saturating_sub(waited).as_secs().div_ceil(5);
                    waiting.push(Waiting {
                        capture: capture.name.clone(),
                        waited_s: waited.as_secs(),
                        countdown: format!("P{left}"),
                    });
                }
            }
        }
        self.status.update(|s| {
            s.waiting = waiting;
            s.counters.checks = (s.counters.checks + 1) % 10_000;
        });
    }

    /// The licence count: `Some(plan)` when this agent's call may not be recorded.
    fn beyond_licences(&self, agent: &str) -> Option<Plan> {
        let mut licences = self.licences.lock().unwrap_or_else(|e| e.into_inner());
        match licences.admit(agent) {
            Ok(true) => None,
            Ok(false) => {
                let limit = licences.limit();
                drop(licences);
                let first = self
                    .overflow
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(agent.to_string());
                self.status.update(|s| s.lamps.software = Lamp::Red);
                if first {
                    self.status.event(
                        "error",
                        tr(
                            "event-licence-overflow",
                            &[
                                ("agent", Arg::from(agent.to_string())),
                                ("n", Arg::from(limit)),
                            ],
                        ),
                    );
                }
                Some(Plan::Drop(format!(
                    "licence overflow: agent {agent} is beyond the {limit} licence(s)"
                )))
            }
            Err(e) => {
                self.status.event(
                    "error",
                    tr(
                        "event-licences-failed",
                        &[("why", Arg::from(e.to_string()))],
                    ),
                );
                Some(Plan::Wait)
            }
        }
    }

    fn plan(
        &self,
        capture: &Spooled,
        conf: Option<&str>,
        waited: Duration,
        book: &CdrBook,
        now: SystemTime,
    ) -> Plan {
        let mut warnings = Vec::new();
        let limit = WAIT_STEP * self.config.cdr_wait_steps;
        if capture.partial {
            // A device whose upload was cut (by the network, or a recorder killed
            // mid-call) sends the whole capture again; it supersedes this copy in the
            // journal. So a partial copy waits the countdown before it is archived.
            if waited < limit {
                return Plan::Wait;
            }
            warnings.push("the upload ended early: the capture is partial".to_string());
        }
        let decision = conf.map_or(Decision::NoCdr, |c| {
            decide(c, book.with_conf(c), &self.config.agents)
        });
        match decision {
            Decision::Keep(owner) => {
                let facts = owner.facts();
                let agent = facts.internal_number.clone();
                if let Some(plan) = self.beyond_licences(&agent) {
                    return plan;
                }
                let mut modes = self.modes.lock().unwrap_or_else(|e| e.into_inner());
                if modes.skip_marker(&agent).is_some() {
                    modes.consume_skip_marker(&agent);
                    return Plan::Drop(format!("the agent {agent} set the skip marker"));
                }
                // between two agents, only the called one's TCR mark counts
                let call = conf.map(|c| book.with_conf(c)).unwrap_or_default();
                let marker = tcr_marker(owner, &call, &self.config.agents);
                let verdict = modes.decide(
                    self.config.mode,
                    marker,
                    facts.start_utc,
                    i64::from(facts.duration_s),
                    now,
                );
                match verdict {
                    Verdict::Wait => return Plan::Wait,
                    Verdict::Drop(reason) => return Plan::Drop(reason),
                    Verdict::Keep => {}
                }
                match modes.sample(self.config.sampling, &agent) {
                    Ok(true) => {}
                    Ok(false) => return Plan::Drop("random recording: not in the sample".into()),
                    Err(e) => {
                        self.status.event(
                            "error",
                            tr("event-sample-failed", &[("why", Arg::from(e.to_string()))]),
                        );
                        return Plan::Wait;
                    }
                }
                let conf = conf.unwrap_or_default();
                let mut raw: Vec<String> = book.call(conf).iter().map(|c| c.raw.clone()).collect();
                raw.extend(book.gateway.get(conf).cloned().unwrap_or_default());
                let mode = match self.config.mode {
                    Mode::Standard => "std",
                    Mode::Tcr(_) => "tcr",
                };
                let end = facts.start_utc + i64::from(facts.duration_s);
                let tan = super::tans::dialled_tan(
                    &book.cdrs,
                    &agent,
                    facts.start_utc,
                    end,
                    &self.config.tan_prefix,
                );
                Plan::Archive(Box::new(Booking {
                    facts: Some(facts),
                    raw_cdrs: raw,
                    tan,
                    mode: Some(if self.config.sampling.active() {
                        format!("{mode}+random")
                    } else {
                        mode.into()
                    }),
                    warnings,
                }))
            }
            Decision::Drop(reason) => {
                let quiet = conf.and_then(|c| book.last_by_conf.get(c)).is_none_or(|t| {
                    now.duration_since(*t).unwrap_or_default() >= self.config.settle
                });
                if quiet {
                    Plan::Drop(reason)
                } else {
                    Plan::Wait
                }
            }
            Decision::NoCdr => {
                if waited < limit {
                    return Plan::Wait;
                }
                match self.config.orphans {
                    OrphanPolicy::Keep => {
                        self.orphan_found(&capture.name, &t("event-orphan-kept"));
                        warnings.push(format!(
                            "orphan: no CDR arrived within {} s",
                            (WAIT_STEP * self.config.cdr_wait_steps).as_secs()
                        ));
                        let raw = conf
                            .and_then(|c| book.gateway.get(c).cloned())
                            .unwrap_or_default();
                        Plan::Archive(Box::new(Booking {
                            facts: None,
                            raw_cdrs: raw,
                            tan: None,
                            mode: Some("orphan".into()),
                            warnings,
                        }))
                    }
                    OrphanPolicy::Delete => {
                        self.orphan_found(&capture.name, &t("event-orphan-deleted"));
                        Plan::Drop("orphan: no CDR arrived".into())
                    }
                }
            }
        }
    }

    /// Queues a job: it is marked busy at once (no later pass plans it again) and runs
    /// as soon as one of the workers is free, without waiting for the next pass.
    fn start(self: &Arc<Self>, capture: Spooled, job: Job) {
        self.busy
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(capture.key());
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let Ok(permit) = this.workers.clone().acquire_owned().await else {
                return;
            };
            let key = capture.key();
            this.status.update(|s| s.archiving.push(key));
            let worker = Arc::clone(&this);
            let capture = tokio::task::spawn_blocking(move || {
                worker.run_job(&capture, job);
                capture
            })
            .await;
            drop(permit);
            match capture {
                Ok(capture) => {
                    this.busy
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&capture.key());
                    this.status
                        .update(|s| s.archiving.retain(|n| *n != capture.key()));
                }
                Err(e) => {
                    // a bug, not a bad input: the seed's SOFTWARE alarm. The capture
                    // stays in the journal and marked busy, so it is not retried in a loop.
                    this.status.update(|s| s.lamps.software = Lamp::Red);
                    this.status.event(
                        "error",
                        tr("event-software-error", &[("why", Arg::from(e.to_string()))]),
                    );
                }
            }
            this.wake.notify_one();
        });
    }

    /// Queues the AppServer's `!LAST!` for a stored record (when there is an
    /// AppServer); false when it could not be kept.
    fn tell_last(&self, name: &RecordName, facts: Option<&CallFacts>) -> bool {
        let Some(outbox) = &self.outbox else {
            return true;
        };
        let (extension, agent) = match facts {
            Some(f) => (
                f.internal_number.clone(),
                f.internal_name.clone().unwrap_or_default(),
            ),
            None => (name.internal.clone(), String::new()),
        };
        let message = last_message(&extension, &name.uid, &name.to_string(), &agent);
        tell(outbox, &self.status, message)
    }

    /// Queues the AppServer's `!FRST!` for an agent's call that started (when there
    /// is an AppServer and the user is an agent by number, or any monitored user when
    /// the agents are a group or everyone).
    pub fn tell_first(&self, extension: &str, uid: &str, agent: &str) {
        let Some(outbox) = &self.outbox else {
            return;
        };
        let agents = &self.config.agents;
        if agents.group.is_none()
            && !agents.numbers.is_empty()
            && !agents.numbers.iter().any(|n| n == extension)
        {
            return;
        }
        tell(
            outbox,
            &self.status,
            super::appserver_link::first_message(extension, uid, agent),
        );
    }

    fn run_job(&self, capture: &Spooled, job: Job) {
        match job {
            Job::Archive(booking) => {
                let orphan = booking.facts.is_none();
                let held = self.fresh.take(&capture.key(), &capture.path);
                match self.archiver.archive_held(&capture.path, held, &booking) {
                    Ok(done) => {
                        let relative = self.archiver.store.relative(&done.name);
                        // the AppServer's LAST is kept before the capture leaves the
                        // journal: a crash in between archives it again and finds it
                        if !self.tell_last(&done.name, booking.facts.as_ref()) {
                            return;
                        }
                        let removed = self.spool.remove_capture(capture);
                        if removed.is_ok()
                            && let Some(placed) = self.placed.get()
                        {
                            // its capture is gone: nothing archives it again, it may leave
                            placed.push(done.audio.clone());
                        }
                        match removed {
                            Ok(true) => {}
                            Ok(false) => self.status.event(
                                "info",
                                tr(
                                    "event-upload-again",
                                    &[("name", Arg::from(capture.name.as_str()))],
                                ),
                            ),
                            Err(e) => self.status.event(
                                "error",
                                tr(
                                    "event-not-removed",
                                    &[
                                        ("name", Arg::from(capture.name.as_str())),
                                        ("why", Arg::from(e.to_string())),
                                    ],
                                ),
                            ),
                        }
                        // a record placed by an earlier attempt whose backup copy failed
                        // was counted then; now its backup is made
                        let counted_before = self
                            .backup_pending
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .remove(&capture.key());
                        let new = !done.already && !counted_before;
                        self.status.update(|s| {
                            s.counters.archived += u64::from(new);
                            s.counters.orphans += u64::from(orphan && new);
                            s.last_record = Some(relative.clone());
                            s.lamps.disk = Lamp::Green;
                            s.lamps.pcap = Lamp::Green;
                            if self.archiver.backup.is_some() {
                                s.lamps.backup = Lamp::Green;
                            }
                        });
                        if counted_before {
                            self.status.event(
                                "info",
                                tr(
                                    "event-backup-after-all",
                                    &[("record", Arg::from(relative.as_str()))],
                                ),
                            );
                        }
                        self.status.event(
                            "info",
                            tr("event-stored", &[("record", Arg::from(relative.as_str()))]),
                        );
                    }
                    Err(ArchiveError::Media(e)) => {
                        // nothing usable in it: kept aside for a person, never deleted;
                        // a capture that cannot be decoded is the seed's SOFTWARE alarm
                        let kept = self.spool.fail_capture(capture);
                        self.status.update(|s| {
                            s.counters.failed += 1;
                            s.lamps.software = Lamp::Red;
                        });
                        let kept = match kept {
                            Ok(path) => tr(
                                "event-capture-kept",
                                &[("path", Arg::from(path.display().to_string()))],
                            ),
                            Err(why) => tr(
                                "event-capture-stays",
                                &[("why", Arg::from(why.to_string()))],
                            ),
                        };
                        self.status.event(
                            "error",
                            tr(
                                "event-no-record",
                                &[
                                    ("name", Arg::from(capture.name.as_str())),
                                    ("why", Arg::from(e.to_string())),
                                    ("kept", Arg::from(kept)),
                                ],
                            ),
                        );
                    }
                    Err(e @ ArchiveError::Backup { .. }) => {
                        // the store holds the record (counted now, once); the capture
                        // stays in the journal until the backup copy is made too
                        let first = self
                            .backup_pending
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(capture.key());
                        self.status.update(|s| {
                            s.lamps.backup = Lamp::Red;
                            s.lamps.disk = Lamp::Green;
                            s.counters.archived += u64::from(first);
                            s.counters.orphans += u64::from(first && orphan);
                            s.counters.backup_failed += 1;
                        });
                        self.status.event("error", format!("{}: {e}", capture.name));
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    Err(e) => {
                        self.status.update(|s| s.lamps.disk = Lamp::Red);
                        self.status.event(
                            "error",
                            tr(
                                "event-not-archived-yet",
                                &[
                                    ("name", Arg::from(capture.name.as_str())),
                                    ("why", Arg::from(e.to_string())),
                                ],
                            ),
                        );
                        std::thread::sleep(Duration::from_secs(1));
                    }
                }
            }
            Job::Drop(reason) => {
                self.fresh.forget(&capture.key());
                let logged = audit::append(
                    &self.archiver.store.audit_log(),
                    &Entry {
                        action: Action::Deleted,
                        record: &format!("REC/incoming/{}", capture.name),
                        actor: &self.archiver.recorder_name,
                        detail: &format!("not kept: {reason}"),
                    },
                    &self.archiver.identity,
                );
                match logged.and_then(|()| self.spool.remove_capture(capture)) {
                    Ok(_) => {
                        self.status.update(|s| s.counters.dropped_by_rule += 1);
                        self.status.event(
                            "info",
                            tr(
                                "event-not-kept",
                                &[
                                    ("name", Arg::from(capture.name.as_str())),
                                    ("why", Arg::from(reason.as_str())),
                                ],
                            ),
                        );
                    }
                    Err(e) => self.status.event(
                        "error",
                        tr(
                            "event-cannot-drop",
                            &[
                                ("name", Arg::from(capture.name.as_str())),
                                ("why", Arg::from(e.to_string())),
                            ],
                        ),
                    ),
                }
            }
        }
    }
}

enum Plan {
    Archive(Box<Booking>),
    Drop(String),
    Wait,
}

enum Job {
    Archive(Box<Booking>),
    Drop(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pbx_cdr(conf: &str, guid: &str) -> Received {
        Received::Pbx(format!(
            r#"<cdr guid="{guid}" sys="PBX" e164="100" dir="from" utc="1272551262"><event msg="setup-from" time="0" conf="{conf}"/><event msg="rel-to" time="4" cause="0"/></cdr>"#
        ))
    }

    #[test]
    fn the_book_forgets_calls_older_than_the_cutoff_and_keeps_the_rest_findable() {
        let mut book = CdrBook::default();
        book.add(&pbx_cdr("aa01", "1"));
        book.add(&pbx_cdr("bb02", "2"));
        book.add(&pbx_cdr("aa01", "3"));
        let mut gateway = std::collections::BTreeMap::new();
        gateway.insert("ref".to_string(), "AA01".to_string());
        book.add(&Received::Gateway(gateway));
        assert_eq!(book.with_conf("aa01").len(), 2);
        let long_ago = SystemTime::now() - Duration::from_secs(40 * 86_400);
        book.last_by_conf.insert("aa01".into(), long_ago);

        book.forget_before(SystemTime::now() - CDR_KEEP);
        assert!(book.with_conf("aa01").is_empty());
        assert!(book.gateway.is_empty());
        let left = book.with_conf("bb02");
        assert_eq!(left.len(), 1);
        assert_eq!(book.cdrs.len(), 1);
        assert_eq!(book.call("bb02").len(), 1);
    }
}
