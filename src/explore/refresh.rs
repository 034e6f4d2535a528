//! A profile that changes: the source is loaded again in the background
//! ([`Fetcher`], for `--refresh` and `r`), and the session reopens on the
//! new profile with everything the user chose carried over ([`Carry`]):
//! sample type, filters, sort, granularity, the selected function (by
//! name), history, last search. A failed load keeps the profile shown and
//! says why.

use super::aggregate::Aggregate;
use super::compare::{CompareError, Comparison};
use super::history::History;
use super::search::LastSearch;
use super::session::{Notice, Session, Settings};
use super::view::Identity;
use crate::analysis::{Filters, Granularity, Measure};
use crate::fetch::{Loaded, Source, SourceError};
use crate::profile::Profile;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant, SystemTime};

/// Where the profile shown came from and when.
#[derive(Debug, Clone, Default)]
pub struct FetchState {
    /// When its bytes arrived (`None`: not said, as in tests).
    pub fetched_at: Option<SystemTime>,
    /// Why the last refresh failed (one line, escaped), until one succeeds.
    pub error: Option<String>,
    /// The bytes exactly as received, for saving.
    pub bytes: Option<Arc<[u8]>>,
    /// Whether the source can be loaded again (not standard input).
    pub can_refresh: bool,
    /// Whether the source is a URL: its profile is "fetched", a file's or
    /// standard input's is "read".
    pub over_network: bool,
    /// A load is under way.
    pub refreshing: bool,
    /// The user asked for a load (the driver starts it).
    pub(super) asked: bool,
    /// The default file name's stem for saving.
    pub save_stem: String,
}

/// What the session keeps when it reopens on a new profile.
#[derive(Debug, Clone)]
pub struct Carry {
    pub(super) settings: Settings,
    sample_name: Option<Vec<u8>>,
    selected: Option<Identity>,
    history: History,
    search: Option<String>,
    notice: Option<Notice>,
    fetch: FetchState,
    /// The base compared with, if any.
    pub(super) comparison: Option<Comparison>,
    /// The flame graph or call tree shown, with its place.
    tree: Option<super::trees::TreeCarry>,
}

impl Carry {
    /// The first opening: `settings` from the command line.
    pub fn first(settings: Settings, can_refresh: bool, over_network: bool) -> Carry {
        let save_stem = save_stem(&settings.file_name);
        Carry {
            settings,
            sample_name: None,
            selected: None,
            history: History::default(),
            search: None,
            notice: None,
            comparison: None,
            tree: None,
            fetch: FetchState {
                can_refresh,
                over_network,
                save_stem,
                ..FetchState::default()
            },
        }
    }
}

/// A file name stem from the profile's name: `heap.pb.gz` and `heap` give
/// `heap`; only plain characters are kept.
pub(super) fn save_stem(file_name: &str) -> String {
    let mut stem = file_name;
    for suffix in [".gz", ".pb", ".pprof", ".prof"] {
        stem = stem.strip_suffix(suffix).unwrap_or(stem);
    }
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_matches(|c| c == '.' || c == '_');
    if stem.is_empty() {
        "profile".to_string()
    } else {
        stem.to_string()
    }
}

impl Session {
    /// What to keep when reopening on another profile.
    pub fn carry(&self) -> Carry {
        let p = &self.profile;
        Carry {
            settings: Settings {
                sample_index: self.sample_index,
                mean: self.measures.first().is_some_and(|m| m.mean),
                granularity: self.granularity,
                filters: self.filters.clone(),
                sort: self.sort,
                inline_frames: self.inline_frames,
                table: self.table_options.clone(),
                file_name: self.file_name.clone(),
                source_paths: self.source_paths.clone(),
            },
            sample_name: p
                .sample_types
                .get(self.sample_index)
                .map(|t| p.strings.get(t.kind).to_vec()),
            selected: self.selected_identity().map(|id| id.portable()),
            history: self.history.portable(),
            search: self.search.as_ref().map(|s| s.query.clone()),
            notice: self.notice.clone(),
            comparison: self.comparison.clone(),
            tree: self.tree_carry(),
            fetch: FetchState {
                fetched_at: None,
                // Kept (not reset) so that `set_fetched` on the new profile
                // sees that a failure was said and clears its message; a
                // failure carried as a plain message outlived the success.
                bytes: None,
                refreshing: false,
                asked: false,
                ..self.fetch.clone()
            },
        }
    }

    /// Opens `profile` as `carry` says (the table's numbers only, as
    /// [`Session::new_interactive`]).
    pub fn resume(profile: Arc<Profile>, carry: Carry) -> Session {
        Session::resume_with(profile, carry, None)
    }

    /// [`Session::resume`] with the table's numbers computed in advance
    /// (by the [`Fetcher`]'s thread), used if they were computed as the
    /// carried settings say.
    pub fn resume_with(
        profile: Arc<Profile>,
        carry: Carry,
        ready: Option<(Plan, Aggregate)>,
    ) -> Session {
        let mut settings = carry.settings;
        if let Some(name) = &carry.sample_name
            && let Some(i) = profile
                .sample_types
                .iter()
                .position(|t| profile.strings.get(t.kind) == name.as_slice())
        {
            settings.sample_index = i;
        }
        let ready = ready
            .filter(|(plan, _)| *plan == Plan::of(&settings))
            .map(|(_, agg)| agg);
        let mut session = match ready {
            Some(agg) => Session::with_aggregate(profile, settings, |_, _, _, _, _| agg),
            None if Session::wants_first_look(&profile, settings.inline_frames) => {
                Session::new_first_look(profile, settings)
            }
            None => Session::new_interactive(profile, settings),
        };
        session.fetch = carry.fetch;
        session.comparison = carry.comparison;
        session.history = carry.history;
        session.reselect(carry.selected);
        if let Some(query) = carry.search {
            // Matched again in slices ([`Session::tick`]).
            let mut finder = session.new_finder();
            finder.set_query(query.clone());
            let mut search = LastSearch::new(query, Vec::new(), 0);
            search.rescan = Some(Box::new(finder));
            session.search = Some(search);
        }
        session.notice = carry.notice;
        if let Some(tree) = carry.tree {
            session.resume_tree(tree);
        }
        session
    }

    /// The session on `profile` with this one's choices, call graph
    /// complete: what a successful refresh shows.
    pub fn reopen(&self, profile: Arc<Profile>) -> Session {
        let mut session = Session::resume(profile, self.carry());
        session.wait_idle();
        session
    }

    /// What the table's numbers of a new profile should be computed for.
    pub fn plan(&self) -> Plan {
        Plan {
            mean: self.measures.first().is_some_and(|m| m.mean),
            granularity: self.granularity,
            inline_frames: self.inline_frames,
            filters: self.filters.clone(),
            base: self
                .comparison
                .as_ref()
                .filter(|c| c.live())
                .map(|c| Arc::clone(c.base())),
        }
    }

    /// Records where the profile shown came from.
    pub fn set_fetched(&mut self, bytes: Arc<[u8]>, at: SystemTime) {
        self.fetch.bytes = Some(bytes);
        self.fetch.fetched_at = Some(at);
        if self.fetch.error.take().is_some() && self.notice.as_ref().is_some_and(|m| m.error) {
            // The failure said before is over.
            self.notice = None;
        }
        self.fetch.refreshing = false;
    }

    /// A refresh failed: the profile shown stays, and the error (its first
    /// line) is said until a refresh succeeds.
    pub fn refresh_failed(&mut self, error: &str) {
        let line = error.lines().next().unwrap_or("");
        let line = crate::safe_text::escape(line.as_bytes());
        self.fetch.refreshing = false;
        self.fetch.error = Some(line.clone());
        self.say_error(format!(
            "refresh failed, showing the previous profile: {line}"
        ));
    }

    /// Records whether a load is under way; returns whether that changed.
    pub fn set_refreshing(&mut self, refreshing: bool) -> bool {
        let changed = self.fetch.refreshing != refreshing;
        self.fetch.refreshing = refreshing;
        changed
    }

    /// Takes the request of a refresh made by [`Command::Refresh`](super::Command::Refresh)
    /// (for the driver, which starts the load).
    pub fn take_refresh_request(&mut self) -> bool {
        std::mem::take(&mut self.fetch.asked)
    }

    pub(super) fn ask_refresh(&mut self) {
        if !self.fetch.can_refresh {
            self.say_error(
                "this profile cannot be loaded again (standard input, or no source)".into(),
            );
        } else if self.fetch.refreshing {
            self.say("already fetching…".into());
        } else {
            self.fetch.asked = true;
            self.fetch.refreshing = true;
            self.say("fetching the profile again…".into());
        }
    }
}

/// What the table's numbers of a new profile are computed for, in
/// advance: the settings that decide the aggregate.
#[derive(Debug, Clone)]
pub struct Plan {
    mean: bool,
    granularity: Granularity,
    inline_frames: bool,
    filters: Filters,
    /// The base taken in the explorer, that a new profile is compared with
    /// (not part of what the aggregate is computed for: that is the
    /// combination when there is a base).
    base: Option<Arc<Profile>>,
}

impl Plan {
    /// The plan of `settings`.
    pub fn of(settings: &Settings) -> Plan {
        Plan {
            mean: settings.mean,
            granularity: settings.granularity,
            inline_frames: settings.inline_frames,
            filters: settings.filters.clone(),
            base: None,
        }
    }

    /// The aggregate of `profile` as planned (the quick stage).
    fn aggregate(&self, profile: &Profile) -> Aggregate {
        let measures: Vec<Measure> = (0..profile.sample_types.len())
            .map(|index| Measure {
                index,
                mean: self.mean,
            })
            .collect();
        Aggregate::quick(
            profile,
            &measures,
            self.granularity,
            &self.filters,
            self.inline_frames,
        )
    }
}

/// Plans are equal when the filters are the same (compared by their
/// description: compiled regexes have no equality of their own).
impl PartialEq for Plan {
    fn eq(&self, other: &Plan) -> bool {
        self.mean == other.mean
            && self.granularity == other.granularity
            && self.inline_frames == other.inline_frames
            && format!("{:?}", self.filters) == format!("{:?}", other.filters)
    }
}

/// A load done by the [`Fetcher`], with the table's numbers computed for
/// the plan the session had when it asked.
pub struct Fetched {
    /// The load (with a base taken, its profile is the comparison).
    pub loaded: Loaded,
    /// With a base taken: the profile loaded, alone.
    pub plain: Option<Profile>,
    /// The quick aggregate, and what it was computed for.
    pub ready: (Plan, Aggregate),
}

/// Why a refresh brought no new profile.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The source could not be loaded.
    #[error(transparent)]
    Load(SourceError),
    /// The new profile cannot be compared with the base taken.
    #[error(transparent)]
    Compare(#[from] CompareError),
}

/// Loads the source again on a thread of its own, when asked or every
/// `--refresh` period.
pub struct Fetcher {
    requests: Sender<Plan>,
    results: Receiver<Result<Box<Fetched>, RefreshError>>,
    every: Option<Duration>,
    due: Option<Instant>,
    in_flight: bool,
    /// The load under way was asked for with `r`.
    asked: bool,
}

impl Fetcher {
    /// Starts the thread (progress on stderr off); the first periodic load
    /// is due one period after `now`.
    pub fn start(mut source: Source, every: Option<Duration>, now: Instant) -> Fetcher {
        source.set_progress(false);
        let (requests, asked) = std::sync::mpsc::channel::<Plan>();
        let (done, results) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Ok(plan) = asked.recv() {
                let result = source
                    .load()
                    .map_err(RefreshError::Load)
                    .and_then(|mut loaded| {
                        // Compared with the base here, off the driver's thread.
                        let plain = match &plan.base {
                            Some(base) => {
                                let compared =
                                    super::compare::compare(base, loaded.profile.clone())?;
                                Some(std::mem::replace(&mut loaded.profile, compared))
                            }
                            None => None,
                        };
                        // The table's numbers here too.
                        let agg = plan.aggregate(&loaded.profile);
                        Ok(Box::new(Fetched {
                            loaded,
                            plain,
                            ready: (plan, agg),
                        }))
                    });
                if done.send(result).is_err() {
                    return;
                }
            }
        });
        Fetcher {
            requests,
            results,
            every,
            due: every.map(|e| now + e),
            in_flight: false,
            asked: false,
        }
    }

    /// Starts a load the user asked for (`r`), unless one is under way.
    pub fn fetch_asked(&mut self, plan: Plan) {
        self.asked = true;
        self.fetch_now(plan);
    }

    /// Whether the load that just finished was asked for with `r` (else it
    /// was a periodic one): then its arrival is said.
    pub fn was_asked(&self) -> bool {
        self.asked
    }

    /// Starts a load unless one is under way.
    pub fn fetch_now(&mut self, plan: Plan) {
        if !self.in_flight {
            self.in_flight = self.requests.send(plan).is_ok();
        }
    }

    /// Starts the periodic load when due (for the plan `plan` gives);
    /// returns a finished load.
    pub fn poll(
        &mut self,
        now: Instant,
        plan: impl FnOnce() -> Plan,
    ) -> Option<Result<Box<Fetched>, RefreshError>> {
        if !self.in_flight && self.due.is_some_and(|due| now >= due) {
            self.asked = false;
            self.fetch_now(plan());
        }
        let result = self.results.try_recv().ok()?;
        self.in_flight = false;
        self.due = self.every.map(|e| now + e);
        Some(result)
    }

    /// Whether a load is under way.
    pub fn in_flight(&self) -> bool {
        self.in_flight
    }

    /// How long the driver may wait for input before looking again (at
    /// most a second, so that "fetched 3s ago" keeps counting).
    pub fn wait(&self, now: Instant) -> Duration {
        if self.in_flight {
            return Duration::from_millis(50);
        }
        let tick = Duration::from_secs(1);
        self.due
            .map_or(tick, |due| due.saturating_duration_since(now).min(tick))
    }
}

impl FetchState {
    /// How the profile arrived, in words: "fetched" or "read".
    pub fn arrived(&self) -> &'static str {
        match self.over_network {
            true => "fetched",
            false => "read",
        }
    }

    /// How a load under way is said.
    pub fn arriving(&self) -> &'static str {
        match self.over_network {
            true => "fetching…",
            false => "reading…",
        }
    }
}

/// `fetched 3s ago, 09:12:01 UTC` (how long ago first: it is what stays
/// visible when the text is cut), with `arrived` saying how it came.
pub fn fetched_text(arrived: &str, at: SystemTime, now: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    let ago = now.duration_since(at).map_or(0, |d| d.as_secs());
    let ago = if ago < 60 {
        format!("{ago}s")
    } else if ago < 3600 {
        format!("{}m{:02}s", ago / 60, ago % 60)
    } else {
        format!("{}h{:02}m", ago / 3600, (ago / 60) % 60)
    };
    format!("{arrived} {ago} ago, {h:02}:{m:02}:{s:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_and_times() {
        assert_eq!(save_stem("heap.pb.gz"), "heap");
        assert_eq!(save_stem("heap.pprof"), "heap");
        assert_eq!(save_stem("profile?seconds=5"), "profile_seconds_5");
        assert_eq!(save_stem("stdin"), "stdin");
        assert_eq!(save_stem("../"), "profile");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(12 * 3600 + 4 * 60 + 31);
        assert_eq!(
            fetched_text("fetched", at, at + Duration::from_secs(3)),
            "fetched 3s ago, 12:04:31 UTC"
        );
        assert_eq!(
            fetched_text("read", at, at + Duration::from_secs(125)),
            "read 2m05s ago, 12:04:31 UTC"
        );
    }
}
