//! The [`Session`]: one profile being explored and everything that follows
//! from the user's choices, as data; and what it answers (the rows of the
//! table, the calls of the selected function, the state of background
//! work, the notice of the last command).
//!
//! The table cursor is a row, but every change that rebuilds rows (sample
//! type, sort, granularity, filters) first takes the selected function's
//! [`Identity`] and finds it again afterwards, so the selection follows the
//! function, not the row number.

use super::aggregate::Aggregate;
use super::calls::Calls;
use super::finder::Finder;
use super::history::History;
use super::jobs::Jobs;
use super::refresh::{FetchState, save_stem};
use super::search::LastSearch;
use super::table::TableOptions;
use super::view::{Identity, Scale, View};
use crate::analysis::order::SortKey;
use crate::analysis::{Filters, Granularity, Measure, NodeId};
use crate::profile::Profile;
use std::ops::Range;
use std::sync::Arc;

/// Where an exploration starts (from the command line, or a refresh).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sample index shown first.
    pub sample_index: usize,
    /// Divide every value by sample value 0 (`--mean`).
    pub mean: bool,
    /// What one row stands for.
    pub granularity: Granularity,
    /// Active filters.
    pub filters: Filters,
    /// Row order.
    pub sort: SortKey,
    /// Keep inlined frames as functions of their own (pprof's default).
    pub inline_frames: bool,
    /// Row trimming and unit (no trimming by default).
    pub table: TableOptions,
    /// The profile's file name, for the header.
    pub file_name: String,
    /// Where the source view looks for files.
    pub source_paths: super::source::SourcePaths,
}

impl Settings {
    /// pprof's defaults for `profile`.
    pub fn new(profile: &Profile, file_name: &str) -> Settings {
        Settings {
            sample_index: profile.default_sample_index(),
            mean: false,
            granularity: Granularity::Functions,
            filters: Filters::default(),
            sort: SortKey::Flat,
            inline_frames: true,
            table: TableOptions::default(),
            file_name: file_name.to_string(),
            source_paths: Default::default(),
        }
    }
}

/// What the session has to say after a command: a result ("filters
/// applied: 12 rows"), progress ("sorting alloc_space by flat…") or a
/// problem. It stays until the driver clears it (the explorer: at the next
/// key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The text, escaped for a terminal.
    pub text: String,
    /// Whether it reports a problem.
    pub error: bool,
    /// What the driver may add after it, in its own words.
    pub hint: Option<Hint>,
}

/// Something a notice invites the user to do next, which only the driver
/// can name (the keys are its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Start a search ([`Command::OpenSearch`](super::Command::OpenSearch)).
    Search,
    /// Step through the matches of the search
    /// ([`Command::NextMatch`](super::Command::NextMatch)).
    StepMatches,
}

/// One row of the table shown, with its numbers (see [`Session::rows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The node the row shows.
    pub node: NodeId,
    /// Its flat value.
    pub flat: i64,
    /// Its cum value.
    pub cum: i64,
    /// Flat sum of the rows up to and including this one (pprof's sum%).
    pub sum: i64,
    /// pprof's `(inline)` or `(partial-inline)`, once known (see
    /// [`Session::want_marks`]).
    pub mark: Option<&'static str>,
}

/// One profile explored: the settings, the tables and calls they give, the
/// selection, history and search, the worker computing in the background,
/// and where the profile came from. See the [module docs](super).
pub struct Session {
    /// The profile explored, shared with the worker (and with the thread
    /// computing a refreshed profile's table while this one is shown).
    /// Comparisons will put their base profile beside it: the aggregate
    /// is where the two meet, the rest of the session stays as it is.
    pub(super) profile: Arc<Profile>,
    /// The profile's file name.
    pub(super) file_name: String,
    /// The total and unit of each sample index, computed once.
    pub(super) scales: Vec<Scale>,
    pub(super) measures: Vec<Measure>,
    /// The sample index shown.
    pub(super) sample_index: usize,
    /// Row order.
    pub(super) sort: SortKey,
    /// What one row stands for.
    pub(super) granularity: Granularity,
    /// Active filters.
    pub(super) filters: Filters,
    pub(super) inline_frames: bool,
    pub(super) table_options: TableOptions,
    /// Nodes and graph for the granularity and filters.
    pub(super) agg: Aggregate,
    /// The table for the sample index and sort.
    pub(super) view: View,
    /// Tables built for the aggregate, by sample index and sort (the one
    /// shown is in `view`, its slot empty).
    pub(super) views: Vec<Option<View>>,
    /// The worker and what was asked of it.
    pub(super) jobs: Jobs,
    /// Selected row of the table.
    pub(super) cursor: usize,
    /// Callers and callees of the selected function.
    pub(super) calls: Calls,
    /// Back and forward.
    pub(super) history: History,
    /// The search being typed, while its prompt is open.
    pub(super) finding: Option<Box<Finder>>,
    /// The last search, for `n` and `N`.
    pub(super) search: Option<LastSearch>,
    /// What the last commands had to say.
    pub(super) notice: Option<Notice>,
    /// Where the profile came from, when, and the last refresh's error.
    pub(super) fetch: FetchState,
    /// Counts the jumps of the selection (see [`Session::jumps`]).
    pub(super) jumps: u64,
    /// Counts the calls shown anew (see [`Session::calls_renewed`]).
    pub(super) calls_renewed: u64,
    /// Stack entries above which resolving the stacks shows a first look
    /// meanwhile ([`FIRST_LOOK_FRAMES`] unless a test says otherwise).
    pub(super) first_look_above: usize,
    /// The base the profile is compared with (see `compare`).
    pub(super) comparison: Option<super::compare::Comparison>,
    /// The user asked to take or drop a base (the driver does it).
    pub(super) base_asked: bool,
    /// The filters before each change, last last (see
    /// [`Command::UndoFilters`](super::Command::UndoFilters)).
    pub(super) filter_undo: Vec<Filters>,
    /// The flame graph and call trees.
    pub(super) trees: super::trees::Trees,
    /// Where source files are looked for.
    pub(super) source_paths: super::source::SourcePaths,
    /// The source view's listing, while it is open, and the one being
    /// computed.
    pub(super) source: Option<Result<super::source::SourceListing, super::source::SourceViewError>>,
    pub(super) source_pending: Option<
        std::sync::mpsc::Receiver<
            Result<super::source::SourceListing, super::source::SourceViewError>,
        >,
    >,
    /// The tags view's breakdown, while it is open.
    pub(super) tags: Option<Result<super::tags::TagsView, crate::report::ReportError>>,
}

/// Stack entries above which the explorer opens a profile with a first
/// look ([`Session::wants_first_look`]): three times the default benchmark
/// profile's, whose stacks are resolved in half a second.
pub const FIRST_LOOK_FRAMES: usize = 32_000_000;

impl Session {
    /// Aggregates `profile` and opens the table as `settings` say; the
    /// call graph is complete (callers, callees) and every command that
    /// recomputes does it before it returns. What tests use.
    pub fn new(profile: Arc<Profile>, settings: Settings) -> Session {
        Session::with_aggregate(profile, settings, Aggregate::build)
    }

    /// Like [`Session::new`], but only the table's numbers are computed
    /// (several times sooner on big profiles): callers and callees follow
    /// from a worker, once [`Session::start_worker`] starts one, or from
    /// [`Session::wait_idle`]. What the explorer opens with.
    pub fn new_interactive(profile: Arc<Profile>, settings: Settings) -> Session {
        Session::with_aggregate(profile, settings, Aggregate::quick)
    }

    /// What the explorer opens a very large profile with (see
    /// [`Session::wants_first_look`]): the table of the sample index shown
    /// alone, from the profile as `--top` sums it; the stacks are resolved
    /// behind it by the worker once one starts, which then brings callers,
    /// callees and the other sample indices (or [`Session::wait_idle`]
    /// computes the graph here).
    pub fn new_first_look(profile: Arc<Profile>, settings: Settings) -> Session {
        let k = settings.sample_index;
        Session::with_aggregate(profile, settings, |p, m, g, f, i| {
            Aggregate::first_look(p, m, k.min(m.len().saturating_sub(1)), g, f, i)
        })
    }

    /// Whether the explorer opens `profile` with a first look: when its
    /// stacks hold more than [`FIRST_LOOK_FRAMES`] entries, resolving
    /// them takes seconds (the table on the 10x benchmark profile came
    /// after 8 s, 6 of them the stacks); with `-noinlines` there are no
    /// stacks to resolve.
    pub fn wants_first_look(profile: &Profile, inline_frames: bool) -> bool {
        inline_frames && profile.samples.frame_count() > FIRST_LOOK_FRAMES
    }

    /// Shows a first look before resolving the stacks (a new granularity)
    /// on profiles of more than `frames` stack entries, instead of
    /// [`FIRST_LOOK_FRAMES`]: for tests on small profiles.
    pub fn first_look_above(&mut self, frames: usize) {
        self.first_look_above = frames;
    }

    /// [`Session::new_interactive`] with pprof's defaults for `profile`:
    /// for benchmarks.
    pub fn new_for_bench(profile: Arc<Profile>) -> Session {
        let settings = Settings::new(&profile, "bench.pb.gz");
        Session::new_interactive(profile, settings)
    }

    pub(super) fn with_aggregate(
        profile: Arc<Profile>,
        settings: Settings,
        aggregate: impl FnOnce(&Profile, &[Measure], Granularity, &Filters, bool) -> Aggregate,
    ) -> Session {
        let measures: Vec<Measure> = (0..profile.sample_types.len())
            .map(|index| Measure {
                index,
                mean: settings.mean,
            })
            .collect();
        let scales: Vec<Scale> = measures.iter().map(|&m| Scale::new(&profile, m)).collect();
        let sample_index = settings.sample_index.min(measures.len().saturating_sub(1));
        let agg = aggregate(
            &profile,
            &measures,
            settings.granularity,
            &settings.filters,
            settings.inline_frames,
        );
        let view = View::build(
            &profile,
            &agg,
            &scales[sample_index],
            sample_index,
            settings.sort,
            &settings.table,
        );
        let fetch = FetchState {
            save_stem: save_stem(&settings.file_name),
            ..FetchState::default()
        };
        let mut session = Session {
            profile,
            file_name: settings.file_name,
            scales,
            measures,
            sample_index,
            sort: settings.sort,
            granularity: settings.granularity,
            filters: settings.filters,
            inline_frames: settings.inline_frames,
            table_options: settings.table,
            agg,
            view,
            views: Vec::new(),
            jobs: Jobs::default(),
            cursor: 0,
            calls: Calls::default(),
            history: History::default(),
            finding: None,
            search: None,
            notice: None,
            fetch,
            jumps: 0,
            calls_renewed: 0,
            first_look_above: FIRST_LOOK_FRAMES,
            comparison: None,
            base_asked: false,
            filter_undo: Vec::new(),
            trees: Default::default(),
            source_paths: settings.source_paths,
            source: None,
            source_pending: None,
            tags: None,
        };
        session.views = session.empty_views();
        session.refresh_calls();
        // Filters from the command line that match nothing are said as
        // pprof says them.
        if !session.filters.is_empty()
            && let Some(warnings) = session.no_match_warnings()
        {
            session.say_error(warnings);
        }
        session
    }

    /// The profile explored.
    pub fn profile(&self) -> &Arc<Profile> {
        &self.profile
    }

    /// The profile's file name (escaped for a terminal).
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Number of sample types.
    pub fn sample_types(&self) -> usize {
        self.measures.len()
    }

    /// The sample index shown.
    pub fn sample_index(&self) -> usize {
        self.sample_index
    }

    /// Whether values are divided by the first sample value (`--mean`).
    pub fn mean(&self) -> bool {
        self.view.scale.measure.mean
    }

    /// The table's row order.
    pub fn sort(&self) -> SortKey {
        self.sort
    }

    /// The granularity asked for (the table shows
    /// [`Session::shown_granularity`] until a new one is computed).
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The granularity of the nodes shown.
    pub fn shown_granularity(&self) -> Granularity {
        self.agg.frames.granularity
    }

    /// The active filters.
    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// Whether inlined frames are functions of their own.
    pub fn inline_frames(&self) -> bool {
        self.inline_frames
    }

    /// Nodes and numbers for the granularity and filters shown.
    pub fn aggregate(&self) -> &Aggregate {
        &self.agg
    }

    /// The table shown.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// How the table's values are printed, and their total.
    pub fn scale(&self) -> &Scale {
        &self.view.scale
    }

    /// Number of rows of the table.
    pub fn row_count(&self) -> usize {
        self.view.table.rows.len()
    }

    /// Rows `range` of the table (clamped to it) with their numbers.
    pub fn rows(&self, range: Range<usize>) -> impl Iterator<Item = Row> + '_ {
        let rows = &self.view.table.rows;
        let end = range.end.min(rows.len());
        let start = range.start.min(end);
        (start..end).map(move |row| {
            let node = rows[row];
            let (flat, cum) = self.view.values(&self.agg, node);
            Row {
                node,
                flat,
                cum,
                sum: self.view.sum_through(row),
                mark: self.view.inline_mark(node),
            }
        })
    }

    /// flat and cum of `node`, as the table shows them.
    pub fn values(&self, node: NodeId) -> (i64, i64) {
        self.view.values(&self.agg, node)
    }

    /// Flat sum of all rows ("Showing nodes accounting for").
    pub fn shown(&self) -> i64 {
        self.view.shown()
    }

    /// The row of the table's cursor.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The selected function.
    pub fn selected(&self) -> Option<NodeId> {
        self.view.table.rows.get(self.cursor).copied()
    }

    /// The printed name of `node`, escaped for a terminal.
    pub fn name(&self, node: NodeId) -> &str {
        &self.agg.display()[node as usize]
    }

    /// Callers and callees of the selected function.
    pub fn calls(&self) -> &Calls {
        &self.calls
    }

    /// Back and forward.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The search being typed ([`Command::OpenSearch`](super::Command::OpenSearch)).
    pub fn finder(&self) -> Option<&Finder> {
        self.finding.as_deref()
    }

    /// The last search, for [`Command::NextMatch`](super::Command::NextMatch).
    pub fn last_search(&self) -> Option<&LastSearch> {
        self.search.as_ref()
    }

    /// What the last commands had to say.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// Where the profile came from and when.
    pub fn source(&self) -> &FetchState {
        &self.fetch
    }

    /// Counts the jumps of the selection (a search result, a call entered,
    /// back and forward): a view that scrolls brings the selection to its
    /// middle when the count changed since it last looked, where moving
    /// the cursor only keeps it in sight.
    pub fn jumps(&self) -> u64 {
        self.jumps
    }

    /// Counts the times the calls were shown anew (another function's, or
    /// computed again): a view scrolled over them starts from the top when
    /// the count changed since it last looked.
    pub fn calls_renewed(&self) -> u64 {
        self.calls_renewed
    }

    /// Says `text`. Notices quote names and queries, so the text is
    /// escaped here, once for every notice (escaping is idempotent on text
    /// already escaped).
    pub fn say(&mut self, text: String) {
        self.notice = Some(Notice {
            text: crate::safe_text::escape(text.as_bytes()),
            error: false,
            hint: None,
        });
    }

    /// Says `text` as a problem.
    pub fn say_error(&mut self, text: String) {
        self.notice = Some(Notice {
            text: crate::safe_text::escape(text.as_bytes()),
            error: true,
            hint: None,
        });
    }

    /// Forgets what was said.
    pub fn clear_notice(&mut self) {
        self.notice = None;
    }

    /// The rows `range` of the table are shown: their inline marks are
    /// computed at once without a worker; with one, the marks that need a
    /// scan of the stacks are asked of it (by the next [`Session::tick`])
    /// and the rows have no mark until they arrive, so that a view never
    /// waits for a scan.
    pub fn want_marks(&mut self, range: Range<usize>) {
        let rows = self.row_slice(range);
        // A trimmed table's marks come from its own small graph, at once.
        if self.jobs.worker.is_some() && self.agg.marks_scan_stacks() && !self.view.trimmed() {
            self.jobs.marks_wanted = self.view.unknown_marks(&self.agg, &rows);
        } else {
            self.view.prepare_marks(&self.agg, &rows);
        }
    }

    /// The inline marks of the rows `range`, computed now on this thread
    /// (what a report of every row needs).
    pub fn settle_marks(&mut self, range: Range<usize>) {
        let rows = self.row_slice(range);
        self.view.prepare_marks(&self.agg, &rows);
    }

    /// The nodes of rows `range`, clamped to the table.
    fn row_slice(&self, range: Range<usize>) -> Vec<NodeId> {
        let rows = &self.view.table.rows;
        let end = range.end.min(rows.len());
        rows[range.start.min(end)..end].to_vec()
    }

    /// The selected function's identity, to find it again.
    pub(super) fn selected_identity(&self) -> Option<Identity> {
        self.selected().map(|n| Identity::of(&self.agg, n))
    }
}
