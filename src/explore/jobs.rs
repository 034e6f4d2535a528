//! The session's side of the background work: starting the
//! [worker](super::worker), what was asked of it and is awaited, asking
//! for what the session lacks (edges, sample indices, tables in advance,
//! calls, marks, sums of filters being typed), and taking the results in
//! ([`Session::tick`]).
//!
//! Without a worker every command computes what it needs before it
//! returns; with one, commands return at once and the results follow.

use super::recompute::SORTS;
use super::session::Session;
use super::view::View;
use super::worker::{self, Done, Job, Worker};
use crate::analysis::order::SortKey;
use crate::analysis::{Filters, NodeId};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a driver's thread works at most between two looks at its
/// input ([`Session::tick`]: search scans, results taken in).
pub const SLICE: Duration = Duration::from_millis(8);

/// How long the typing of filters pauses before the filters typed are
/// summed ahead (plus what the last aggregate took): a person types a
/// character every tenth of a second or two and takes as long to press
/// Enter, so the sums of what is typed are usually ready by then; keys
/// pressed faster, or held down, start no sums.
pub(super) const AHEAD_PAUSE: Duration = Duration::from_millis(40);

/// What was asked of the worker and not answered yet, and what is to be
/// asked next.
#[derive(Default)]
pub(super) struct Jobs {
    /// The worker thread computing aggregates, when there is one.
    pub(super) worker: Option<Worker>,
    /// Counts aggregate requests: results of older ones are dropped.
    pub(super) generation: u64,
    /// Rows shown whose inline marks are still to be asked of the
    /// worker, and whether a request is out.
    pub(super) marks_wanted: Vec<NodeId>,
    pub(super) marks_asked: bool,
    /// The slot of `views` whose table the worker is building.
    pub(super) table_asked: Option<usize>,
    /// A switch of table waiting for the worker to build it.
    pub(super) pending: Option<Pending>,
    /// Whether the worker is computing the selected function's calls.
    pub(super) calls_asked: bool,
    /// Whether the worker was asked to prepare for a focus filter on the
    /// aggregate shown.
    pub(super) prepare_asked: bool,
    /// A new aggregate is being computed (the worker has it).
    pub(super) waiting: Option<Waiting>,
    /// The filters being typed, and when they are to be summed ahead (the
    /// typing has paused by then).
    pub(super) typed: Option<Filters>,
    pub(super) ahead_due: Option<Instant>,
    /// When the aggregate being computed was asked for, and how long the
    /// last one took the worker (see [`Session::filters_typed`]).
    pub(super) aggregate_asked: Option<Instant>,
    pub(super) aggregate_took: Duration,
}

/// A switch to the table of another sample index or sort, waiting for the
/// worker to build it (the table shown stays until then).
pub(super) struct Pending {
    pub(super) sample_index: usize,
    pub(super) sort: SortKey,
    /// The notice said meanwhile, and what to say once switched.
    pub(super) text: String,
    pub(super) done: Option<String>,
    /// Select the first row once switched (an order of change).
    pub(super) to_top: bool,
}

/// What a new aggregate being computed was asked for: said when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Waiting {
    /// Filters applied.
    Filters,
    /// Filters cleared.
    Cleared,
    /// Another granularity.
    Granularity,
    /// Filters undone.
    Undone,
    /// Inlined frames shown or merged.
    Inlines,
    /// The stacks resolved behind a first look at a very large profile
    /// ([`Aggregate::first_look`](super::Aggregate::first_look)).
    Stacks,
}

impl Session {
    /// Starts a worker thread that shares the profile and computes
    /// aggregates (filters, granularity, the call graph's edges) while the
    /// driver goes on: commands return at once and [`Session::tick`] takes
    /// the results in. Search scans are done in slices by `tick` too.
    /// Nothing waits for the worker: once the session drops it
    /// ([`Session::stop_worker`], or the session dropped) it ends after
    /// the step it is in; join the handle to wait for that.
    pub fn start_worker(&mut self) -> JoinHandle<()> {
        let (jobs, job_queue) = std::sync::mpsc::channel();
        let (results, done) = std::sync::mpsc::channel();
        let latest = Arc::new(AtomicU64::new(self.jobs.generation));
        let working = Arc::new(AtomicBool::new(false));
        let (l, w) = (Arc::clone(&latest), Arc::clone(&working));
        self.jobs.worker = Some(Worker {
            jobs,
            done,
            latest,
            working,
        });
        if self.agg.first_look {
            // The stacks are resolved behind the first table; the
            // aggregate built from them brings callers and callees.
            self.rebuild_aggregate(Waiting::Stacks);
        } else {
            self.request_edges();
            self.request_columns();
        }
        let profile = Arc::clone(&self.profile);
        std::thread::spawn(move || worker::serve(&profile, job_queue, results, l, w))
    }

    /// Lets the worker go: it ends after the step it is in, and commands
    /// compute everything before they return again.
    pub fn stop_worker(&mut self) {
        self.jobs.worker = None;
    }

    /// Runs `f` with a worker ([`Session::start_worker`]), and waits for
    /// the worker to end once `f` returns (after the step it is in).
    pub fn with_worker<R>(&mut self, f: impl FnOnce(&mut Session) -> R) -> R {
        let handle = self.start_worker();
        // The worker stops when its job sender is dropped: drop it on a
        // panic too.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.stop_worker();
        let joined = handle.join();
        let out = out.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if let Err(panic) = joined {
            std::panic::resume_unwind(panic);
        }
        out
    }

    /// Takes in what is ready and works for the driver until `deadline`:
    /// the worker's results, a slice of a search scan; asks the worker for
    /// what is missing (calls, marks, a table built in advance, the sums
    /// of filters typed). Returns whether anything shown may have changed
    /// ([`Session::busy`] says whether work remains).
    pub fn tick(&mut self, deadline: Instant) -> bool {
        self.request_ahead(Instant::now());
        let arrived = self.receive() | self.receive_source();
        self.request_calls();
        self.request_marks();
        self.request_table();
        self.sync_tree();
        if arrived {
            // What arrived is shown first: a slice of search comes after.
            return true;
        }
        if let Some(finder) = &mut self.finding
            && finder.searching()
        {
            finder.advance(self.agg.display(), Some(deadline));
            return true;
        }
        if let Some(search) = &mut self.search
            && let Some(finder) = &mut search.rescan
        {
            if finder.advance(self.agg.display(), Some(deadline)) {
                search.matches = std::mem::take(&mut finder.matches);
                search.rescan = None;
            }
            return true;
        }
        false
    }

    /// Whether anything is still being computed or scanned.
    pub fn busy(&self) -> bool {
        let rescanning = self.search.as_ref().is_some_and(|s| s.rescan.is_some());
        let in_advance = self.jobs.worker.is_some() && self.views_missing();
        self.awaits_worker()
            || !self.jobs.marks_wanted.is_empty()
            || self.searching()
            || rescanning
            || in_advance
    }

    /// Whether the search being typed is still scanning (its matches are
    /// those of the query before).
    pub fn searching(&self) -> bool {
        self.finding.as_ref().is_some_and(|f| f.searching())
    }

    /// When the filters being typed are to be summed ahead: a driver that
    /// waits for input wakes up then for [`Session::tick`].
    pub fn ahead_due(&self) -> Option<Instant> {
        self.jobs.ahead_due
    }

    /// Whether a result of the worker is due: a driver then looks for it
    /// often, so that it shows as soon as it is there.
    pub fn awaits_worker(&self) -> bool {
        let j = &self.jobs;
        j.waiting.is_some()
            || (j.worker.is_some() && (!self.agg.complete || self.agg.only_column.is_some()))
            || j.marks_asked
            || j.table_asked.is_some()
            || j.pending.is_some()
            || j.calls_asked
            || self.calls_wanted()
            || self.trees.asked.is_some()
            || self.tree_building()
            || self.source_pending()
            || self.comparing()
    }

    /// Whether the worker is in the middle of a job (which cannot be
    /// interrupted: [`Session::with_worker`] waits for its end).
    pub fn worker_working(&self) -> bool {
        self.jobs.worker.as_ref().is_some_and(Worker::working)
    }

    /// Whether a table for new filters or granularity is being computed
    /// (the one shown is the previous).
    pub fn waiting_for_table(&self) -> bool {
        self.jobs.waiting.is_some_and(|why| why != Waiting::Stacks)
    }

    /// Whether the stacks are being resolved behind a first look at a very
    /// large profile (the table is shown; callers, callees and the other
    /// sample indices follow).
    pub fn resolving_stacks(&self) -> bool {
        self.jobs.waiting == Some(Waiting::Stacks)
    }

    /// Whether callers and callees of the table shown are still being
    /// computed.
    pub fn waiting_for_edges(&self) -> bool {
        !self.view.has_edges(&self.agg)
    }

    /// Waits until everything asked for is computed: with a worker, for its
    /// results; without, computing what is missing here.
    pub fn wait_idle(&mut self) {
        if self.jobs.worker.is_none() && !self.agg.complete {
            let graph = self.agg.edges(&self.profile);
            self.edges_arrived(graph);
        }
        if self.jobs.worker.is_none()
            && let Some(graph) = self.agg.all_columns()
        {
            self.columns_arrived(graph);
        }
        while self.busy() {
            // The tick asks for what is missing, then what was asked for
            // is waited for.
            self.tick(Instant::now() + Duration::from_secs(3600));
            let j = &self.jobs;
            let asked = j.waiting.is_some()
                || !self.agg.complete
                || self.agg.only_column.is_some()
                || j.marks_asked
                || j.calls_asked
                || self.trees.asked.is_some()
                || self.comparing()
                || j.table_asked.is_some();
            if let Some(worker) = &self.jobs.worker
                && asked
            {
                match worker.done.recv() {
                    Ok(done) => self.take(done),
                    Err(_) => break,
                }
            }
        }
    }

    /// Filters are being typed (`None`: none any more, or they do not
    /// compile): once the typing pauses, the worker sums them, so that
    /// applying them takes only what is left (the table and the calls).
    /// The pause is [`AHEAD_PAUSE`] and as long again as the last
    /// aggregate took: where summing takes a tenth of a second (the
    /// biggest profiles), a word typed slowly is not summed at every
    /// letter, each sum keeping the worker from the next.
    pub(super) fn filters_typed(&mut self, filters: Option<Filters>) {
        let j = &mut self.jobs;
        match filters {
            Some(filters) if j.worker.is_some() => {
                j.typed = Some(filters);
                j.ahead_due = Some(Instant::now() + AHEAD_PAUSE + j.aggregate_took);
            }
            _ => (j.typed, j.ahead_due) = (None, None),
        }
    }

    /// Asks the worker to sum the filters typed, once the typing has
    /// paused (see [`Session::filters_typed`]).
    fn request_ahead(&mut self, now: Instant) {
        if self.jobs.ahead_due.is_none_or(|due| now < due) {
            return;
        }
        self.jobs.ahead_due = None;
        let typed = self.jobs.typed.take();
        let (Some(worker), Some(base), Some(filters)) = (&self.jobs.worker, &self.agg.base, typed)
        else {
            return;
        };
        // While an aggregate is computed, the filters typed would be
        // summed against what it replaces.
        if self.jobs.waiting.is_some() || filters == self.filters {
            return;
        }
        worker.send(Job::Ahead {
            generation: self.jobs.generation,
            base: base.clone(),
            measures: self.measures.clone(),
            filters: Box::new(filters),
            column: self.sample_index,
        });
    }

    /// Asks the worker, once per aggregate, to prepare what a first
    /// filter needs: after the tables (it takes the worker for a tenth of
    /// a second, a second on the biggest profiles).
    fn request_preparation(&mut self) {
        if self.jobs.prepare_asked || self.jobs.waiting.is_some() {
            return;
        }
        if let Some(worker) = &self.jobs.worker
            && let Some(base) = &self.agg.base
        {
            worker.send(Job::Prepare {
                generation: self.jobs.generation,
                base: base.clone(),
            });
            self.jobs.prepare_asked = true;
        }
    }

    /// Asks the worker for the callers and callees of the selected
    /// function when [`Session::refresh_calls`] left them to it.
    fn request_calls(&mut self) {
        if self.jobs.calls_asked || !self.calls_wanted() {
            return;
        }
        if let (Some(worker), Some(node)) = (&self.jobs.worker, self.calls.node)
            && let Some((base, selection)) = self.agg.scan_source()
        {
            worker.send(Job::Calls {
                generation: self.jobs.generation,
                base,
                selection,
                measures: self.measures.clone(),
                node,
            });
            self.jobs.calls_asked = true;
        }
    }

    /// Whether the selected function's calls are left to the worker and
    /// not in yet.
    fn calls_wanted(&self) -> bool {
        self.jobs.worker.is_some()
            && self.jobs.waiting.is_none()
            && self.calls.node.is_some()
            && !self.calls.known
            && self.agg.marks_scan_stacks()
    }

    /// Asks the worker for the callers that the marks shown need.
    fn request_marks(&mut self) {
        // While a new table is computed, the rows shown are going.
        let j = &mut self.jobs;
        if j.marks_asked || j.marks_wanted.is_empty() || j.waiting.is_some() {
            return;
        }
        if let Some(worker) = &j.worker
            && let Some((base, selection)) = self.agg.scan_source()
        {
            worker.send(Job::Marks {
                generation: j.generation,
                base,
                selection,
                measures: self.measures.clone(),
                nodes: std::mem::take(&mut j.marks_wanted),
            });
            j.marks_asked = true;
        }
    }

    /// Asks the worker for the edges of the aggregate shown, if missing.
    pub(super) fn request_edges(&mut self) {
        let Some(worker) = &self.jobs.worker else {
            return;
        };
        if self.jobs.waiting.is_some() {
            return;
        }
        if !self.agg.complete {
            worker.send(Job::Edges {
                generation: self.jobs.generation,
                frames: Arc::clone(&self.agg.frames),
                measures: self.measures.clone(),
            });
        }
    }

    /// Asks the worker for the sample indices the aggregate shown lacks
    /// ([`Aggregate::only_column`](super::Aggregate::only_column)).
    pub(super) fn request_columns(&mut self) {
        let Some(worker) = &self.jobs.worker else {
            return;
        };
        if self.jobs.waiting.is_some() || self.agg.only_column.is_none() {
            return;
        }
        if let Some((base, selection)) = self.agg.scan_source() {
            worker.send(Job::Columns {
                generation: self.jobs.generation,
                base,
                selection,
                measures: self.measures.clone(),
            });
        }
    }

    /// Asks the worker for one table: the one a switch waits for, else one
    /// the user may switch to next (the other sample types in this sort
    /// first), so that the switch is instant; the next is asked for when
    /// it arrives. Once all are built, the worker prepares for a focus.
    /// Nothing while a new aggregate is computed: it would be thrown away.
    pub(super) fn request_table(&mut self) {
        if self.jobs.table_asked.is_some() || self.jobs.waiting.is_some() {
            return;
        }
        let Some(worker) = &self.jobs.worker else {
            return;
        };
        let n = self.measures.len();
        let current = self.slot(self.sample_index, self.sort);
        let (target, sort) = self.target();
        let order = std::iter::once(self.slot(target, sort))
            .chain((0..n).map(|index| self.slot(index, self.sort)))
            .chain((0..SORTS * n).filter(|&s| {
                s % SORTS != super::recompute::sort_slot(self.sort) && self.built_ahead(s)
            }));
        // Until the other sample indices are summed, only tables of the
        // one shown can be built.
        let summed = |slot: usize| self.agg.only_column.is_none_or(|only| slot / SORTS == only);
        for slot in order {
            if slot != current && self.views[slot].is_none() && summed(slot) {
                let sort = SortKey::ALL[slot % SORTS];
                worker.send(Job::Table {
                    generation: self.jobs.generation,
                    frames: Arc::clone(&self.agg.frames),
                    graph: Arc::clone(&self.agg.graph),
                    spec: self.table_spec(slot / SORTS, sort),
                });
                self.jobs.table_asked = Some(slot);
                return;
            }
        }
        if self.agg.only_column.is_none() {
            self.request_preparation();
        }
    }

    /// Takes in every result the worker has ready; returns whether there
    /// was any.
    fn receive(&mut self) -> bool {
        let mut any = false;
        while let Some(done) = self
            .jobs
            .worker
            .as_ref()
            .and_then(|w| w.done.try_recv().ok())
        {
            self.take(done);
            any = true;
        }
        any
    }

    fn take(&mut self, done: Done) {
        let generation_now = self.jobs.generation;
        match done {
            Done::Quick {
                generation,
                agg,
                table,
                calls,
            } if generation == generation_now => {
                if let Some(asked) = self.jobs.aggregate_asked.take() {
                    self.jobs.aggregate_took = asked.elapsed();
                }
                self.install(*agg, Some(table), calls);
                if let Some(why) = self.jobs.waiting.take() {
                    self.say_arrival(why);
                }
                if self.agg.first_look {
                    // The aggregate from the stacks follows.
                    self.jobs.waiting = Some(Waiting::Stacks);
                }
                self.request_columns();
            }
            Done::Edges { generation, graph } if generation == generation_now => {
                self.edges_arrived(graph);
            }
            Done::Columns { generation, graph } if generation == generation_now => {
                self.columns_arrived(graph);
            }
            Done::Marks { generation, found } => {
                self.jobs.marks_asked = false;
                if generation == generation_now {
                    self.view.learn_marks(&found);
                    for view in self.views.iter_mut().flatten() {
                        view.learn_marks(&found);
                    }
                }
            }
            Done::Calls {
                generation,
                node,
                neighbors,
            } => {
                self.jobs.calls_asked = false;
                if generation == generation_now
                    && self.calls.node == Some(node)
                    && !self.calls.known
                    && let Some(neighbors) = neighbors
                {
                    self.calls_arrived(neighbors);
                }
            }
            Done::Compared { plan, numbers } => {
                self.compared_arrived(*plan, numbers.map(|n| *n));
            }
            Done::Tree { slot, key, tree } => {
                self.trees.asked = None;
                // An obsolete job comes back without a tree.
                if key.0 == generation_now {
                    self.tree_arrived(slot, key, tree);
                }
            }
            Done::Table { generation, table } => {
                let slot = self.jobs.table_asked.take();
                if generation == generation_now
                    && let (Some(slot), Some(table)) = (slot, table)
                    && slot != self.slot(self.sample_index, self.sort)
                    && self.views[slot].is_none()
                {
                    let view = View::from_table(
                        &self.profile,
                        table,
                        &self.scales[slot / SORTS],
                        &self.table_options,
                    );
                    self.views[slot] = Some(view);
                    let (target, sort) = self.target();
                    if self.slot(target, sort) == slot {
                        self.finish_pending();
                    }
                }
            }
            // Made obsolete by a newer request.
            Done::Quick { .. } | Done::Edges { .. } | Done::Columns { .. } => {}
        }
    }
}
