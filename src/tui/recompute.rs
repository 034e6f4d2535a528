//! Recomputing on change: a new sample type or sort switches to another
//! table view (kept once built, per sample type and sort, until the nodes
//! change); new filters or granularity rebuild the aggregate first. Either way
//! the selected function is found again by identity.
//!
//! With a worker ([`App::with_worker`]) the aggregate is rebuilt off the UI
//! thread: the request returns at once, the current table stays until the
//! new one arrives, and callers and callees follow when the edges do.

use super::app::{App, LastSearch, Mode, Pending, Waiting};
use crate::analysis::Filters;
use crate::analysis::order::SortKey;
use crate::analysis::{Graph, NodeId};
use crate::explore::Calls;
use crate::explore::Table;
use crate::explore::finder::Finder;
use crate::explore::worker::{Done, Job, Shown, TableSpec};
use crate::explore::{Aggregate, Identity, View};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the typing in the filter pane pauses before the filters typed
/// are summed ahead (plus what the last aggregate took): a person types a
/// character every tenth of a second or two and takes as long to press
/// Enter, so the sums of what is typed are usually ready by then; keys
/// pressed faster, or held down, start no sums.
pub(super) const AHEAD_PAUSE: Duration = Duration::from_millis(40);

/// The cache slot of a sort (three per sample type).
fn sort_slot(sort: SortKey) -> usize {
    match sort {
        SortKey::Flat => 0,
        SortKey::Cum => 1,
        SortKey::Name => 2,
    }
}

impl<'p> App<'p> {
    /// The sample index and sort of the table shown, or of the one about
    /// to be (see [`App::show_table`]).
    pub(super) fn target(&self) -> (usize, SortKey) {
        self.pending
            .as_ref()
            .map_or((self.k, self.sort), |p| (p.k, p.sort))
    }

    pub(super) fn set_sample(&mut self, k: usize) {
        let (_, sort) = self.target();
        self.show_table(k, sort, None);
    }

    pub(super) fn cycle_sort(&mut self) {
        let (k, sort) = self.target();
        let sort = sort.next();
        self.show_table(k, sort, Some(format!("sorted by {}", sort.name())));
    }

    /// Shows the table of sample index `k` in `sort` order, saying `done`
    /// then. With a worker, a table not built yet is asked of it, and the
    /// one shown stays (the keys still work) until it arrives: on the
    /// biggest profiles sorting a table takes a tenth of a second or more.
    fn show_table(&mut self, k: usize, sort: SortKey, done: Option<String>) {
        let wanted = self.slot(k, sort);
        let ready = wanted == self.slot(self.k, self.sort) || self.views[wanted].is_some();
        if ready || self.worker.is_none() {
            if let Some(pending) = self.pending.take() {
                self.unsay(&pending.text);
            }
            (self.k, self.sort) = (k, sort);
            self.switch_view();
            if let Some(text) = done {
                self.say(text);
            }
            return;
        }
        let name = self.reports[k].sample_type.clone();
        let text = format!("sorting {name} by {}…", sort.name());
        self.say(text.clone());
        self.pending = Some(Pending {
            k,
            sort,
            text,
            done,
        });
        self.request_table();
    }

    /// The table a pending switch waits for is there: shows it.
    fn finish_pending(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        (self.k, self.sort) = (pending.k, pending.sort);
        self.switch_view();
        // Unless another action said something since.
        if self.unsay(&pending.text)
            && let Some(text) = pending.done
        {
            self.say(text);
        }
    }

    /// Clears the status line if it still says `text`; returns whether it
    /// did.
    fn unsay(&mut self, text: &str) -> bool {
        let still = self.message.as_ref().is_some_and(|m| m.text == text);
        if still {
            self.message = None;
        }
        still
    }

    pub(super) fn set_filters(&mut self, filters: Filters, why: Waiting) {
        self.filters = filters;
        self.rebuild_aggregate(why);
    }

    /// Aggregates again for the current granularity and filters, with the
    /// table shown and the selected function's calls: at once without a
    /// worker, else by the worker (the result is taken in by
    /// [`App::tick`]).
    pub(super) fn rebuild_aggregate(&mut self, why: Waiting) {
        self.generation += 1;
        let shown = Shown {
            table: self.table_spec(self.k, self.sort),
            selected: self
                .selected()
                .map(|n| self.agg.frames.nodes.name(n).into()),
        };
        match &self.worker {
            Some(worker) => {
                worker.send(Job::Aggregate {
                    generation: self.generation,
                    measures: self.measures.clone(),
                    granularity: self.granularity,
                    filters: Box::new(self.filters.clone()),
                    inline_frames: self.inline_frames,
                    base: self.agg.base.clone(),
                    shown,
                });
                self.waiting = Some(why);
                self.aggregate_asked = Some(Instant::now());
            }
            None => {
                let mut agg = Aggregate::from_base(
                    self.profile,
                    &self.measures,
                    self.granularity,
                    &self.filters,
                    self.inline_frames,
                    self.agg.base.clone(),
                    Some(self.k),
                );
                if !agg.complete {
                    let graph = agg.edges(self.profile);
                    agg = agg.with_edges(graph);
                }
                let (table, calls) = shown.build(self.profile, &agg);
                self.install(agg, Some(table), calls);
                self.say_arrival(why);
            }
        }
    }

    /// What building the table of sample index `k` in `sort` order takes.
    fn table_spec(&self, k: usize, sort: SortKey) -> TableSpec {
        TableSpec {
            measure: self.reports[k].measure,
            k,
            sort,
            options: self.table.clone(),
        }
    }

    /// Asks the worker for the edges of the aggregate shown, if missing.
    pub(super) fn request_edges(&mut self) {
        let Some(worker) = &self.worker else {
            return;
        };
        if self.waiting.is_some() {
            return;
        }
        if !self.agg.complete {
            worker.send(Job::Edges {
                generation: self.generation,
                frames: Arc::clone(&self.agg.frames),
                measures: self.measures.clone(),
            });
        }
    }

    /// Asks the worker for the sample indices the aggregate shown lacks
    /// ([`Aggregate::only_column`]).
    pub(super) fn request_columns(&mut self) {
        let Some(worker) = &self.worker else {
            return;
        };
        if self.waiting.is_some() || self.agg.only_column.is_none() {
            return;
        }
        if let Some((base, selection)) = self.agg.scan_source() {
            worker.send(Job::Columns {
                generation: self.generation,
                base,
                selection,
                measures: self.measures.clone(),
            });
        }
    }

    /// Makes sure the aggregate has sample index `k`, summing every sample
    /// index here if it has another alone (without a worker, or when the
    /// sample index changed while the worker summed).
    fn fill_column(&mut self, k: usize) {
        if self.agg.only_column.is_some_and(|only| only != k)
            && let Some(graph) = self.agg.all_columns()
        {
            self.columns_arrived(graph);
        }
    }

    /// Every sample index of the aggregate shown: the tables of the
    /// others can be built.
    pub(super) fn columns_arrived(&mut self, graph: Graph) {
        self.agg.graph = Arc::new(graph);
        self.agg.only_column = None;
    }

    /// After an edit in the filter pane: once the typing pauses, the worker
    /// sums the filters typed, so that applying them takes only what is
    /// left (the table and the calls). The pause is [`AHEAD_PAUSE`] and as
    /// long again as the last aggregate took: where summing takes a tenth
    /// of a second (the biggest profiles), a word typed slowly is not
    /// summed at every letter, each sum keeping the worker from the next.
    pub(super) fn schedule_ahead(&mut self) {
        if self.worker.is_some() {
            self.ahead_due = Some(Instant::now() + AHEAD_PAUSE + self.aggregate_took);
        }
    }

    /// Asks the worker to sum the filters typed, once the typing has
    /// paused (see [`App::schedule_ahead`]).
    pub(super) fn request_ahead(&mut self, now: Instant) {
        if self.ahead_due.is_none_or(|due| now < due) {
            return;
        }
        self.ahead_due = None;
        let (Some(worker), Some(base), Mode::Filter(form)) =
            (&self.worker, &self.agg.base, &self.mode)
        else {
            return;
        };
        // While an aggregate is computed, the filters typed would be
        // summed against what it replaces.
        if self.waiting.is_some() {
            return;
        }
        match form.compile(&self.filters) {
            Ok(filters) if filters != self.filters => worker.send(Job::Ahead {
                generation: self.generation,
                base: base.clone(),
                measures: self.measures.clone(),
                filters: Box::new(filters),
                column: self.k,
            }),
            _ => {}
        }
    }

    /// Asks the worker, once per aggregate, to prepare what a first
    /// filter needs: after the tables (it takes the worker for a tenth of
    /// a second, a second on the biggest profiles).
    fn request_preparation(&mut self) {
        if self.prepare_asked || self.waiting.is_some() {
            return;
        }
        if let Some(worker) = &self.worker
            && let Some(base) = &self.agg.base
        {
            worker.send(Job::Prepare {
                generation: self.generation,
                base: base.clone(),
            });
            self.prepare_asked = true;
        }
    }

    /// The inline marks of `rows` (the table's rows on screen): at once
    /// without a worker; with one, rows whose marks need a scan of the
    /// stacks are asked of the worker (by [`App::tick`]) and drawn without
    /// a mark until they arrive, so that drawing never waits for a scan.
    pub(super) fn prepare_marks(&mut self, rows: &[NodeId]) {
        if self.worker.is_some() && self.agg.marks_scan_stacks() {
            self.marks_wanted = self.view.unknown_marks(&self.agg, rows);
        } else {
            self.view.prepare_marks(&self.agg, rows);
        }
    }

    /// Asks the worker for the callers and callees of the selected
    /// function when [`App::refresh_calls`] left them to it.
    pub(super) fn request_calls(&mut self) {
        if self.calls_asked || !self.calls_wanted() {
            return;
        }
        if let (Some(worker), Some(node)) = (&self.worker, self.calls.node)
            && let Some((base, selection)) = self.agg.scan_source()
        {
            worker.send(Job::Calls {
                generation: self.generation,
                base,
                selection,
                measures: self.measures.clone(),
                node,
            });
            self.calls_asked = true;
        }
    }

    /// Whether the selected function's calls are left to the worker and
    /// not in yet.
    pub(super) fn calls_wanted(&self) -> bool {
        self.worker.is_some()
            && self.waiting.is_none()
            && self.calls.node.is_some()
            && !self.calls.known
            && self.agg.marks_scan_stacks()
    }

    /// Asks the worker for the callers that the marks on screen need.
    pub(super) fn request_marks(&mut self) {
        // While a new table is computed, the rows on screen are going.
        if self.marks_asked || self.marks_wanted.is_empty() || self.waiting.is_some() {
            return;
        }
        if let Some(worker) = &self.worker
            && let Some((base, selection)) = self.agg.scan_source()
        {
            worker.send(Job::Marks {
                generation: self.generation,
                base,
                selection,
                measures: self.measures.clone(),
                nodes: std::mem::take(&mut self.marks_wanted),
            });
            self.marks_asked = true;
        }
    }

    /// Takes in every result the worker has ready; returns whether there
    /// was any.
    pub(super) fn receive(&mut self) -> bool {
        let mut any = false;
        while let Some(done) = self.worker.as_ref().and_then(|w| w.done.try_recv().ok()) {
            self.take(done);
            any = true;
        }
        any
    }

    pub(super) fn take(&mut self, done: Done) {
        match done {
            Done::Quick {
                generation,
                agg,
                table,
                calls,
            } if generation == self.generation => {
                if let Some(asked) = self.aggregate_asked.take() {
                    self.aggregate_took = asked.elapsed();
                }
                self.install(*agg, Some(table), calls);
                if let Some(why) = self.waiting.take() {
                    self.say_arrival(why);
                }
                self.request_columns();
            }
            Done::Edges { generation, graph } if generation == self.generation => {
                self.edges_arrived(graph);
            }
            Done::Columns { generation, graph } if generation == self.generation => {
                self.columns_arrived(graph);
            }
            Done::Marks { generation, found } => {
                self.marks_asked = false;
                if generation == self.generation {
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
                self.calls_asked = false;
                if generation == self.generation
                    && self.calls.node == Some(node)
                    && !self.calls.known
                    && let Some(neighbors) = neighbors
                {
                    self.calls_arrived(neighbors);
                }
            }
            Done::Table { generation, table } => {
                let slot = self.table_asked.take();
                if generation == self.generation
                    && let (Some(slot), Some(table)) = (slot, table)
                    && slot != self.slot(self.k, self.sort)
                    && self.views[slot].is_none()
                {
                    let view = View::from_table(table, &self.reports[slot / 3], &self.table);
                    self.views[slot] = Some(view);
                    let (k, sort) = self.target();
                    if self.slot(k, sort) == slot {
                        self.finish_pending();
                    }
                }
            }
            // Made obsolete by a newer request.
            Done::Quick { .. } | Done::Edges { .. } | Done::Columns { .. } => {}
        }
    }

    /// The call graph's edges for the aggregate shown: flat and cum are the
    /// same, so the tables stay; callers and callees appear.
    pub(super) fn edges_arrived(&mut self, graph: Graph) {
        self.agg.graph = Arc::new(graph);
        self.agg.complete = true;
        let cursor = self.calls.cursor;
        let on_self = cursor == self.calls.self_index();
        self.calls.node = None;
        self.refresh_calls();
        if !on_self {
            self.calls.cursor = cursor.min(self.calls.len().saturating_sub(1));
        }
    }

    fn say_arrival(&mut self, why: Waiting) {
        let text = match why {
            Waiting::Filters => format!("filters applied: {} rows", self.view.table.rows.len()),
            Waiting::Cleared => "filters cleared".to_string(),
            Waiting::Granularity => format!("granularity: {}", self.granularity.name()),
        };
        self.say(text);
    }

    /// One empty cache slot per sample type and sort.
    pub(super) fn empty_views(&self) -> Vec<Option<View<'p>>> {
        (0..self.measures.len() * 3).map(|_| None).collect()
    }

    fn slot(&self, k: usize, sort: SortKey) -> usize {
        k * 3 + sort_slot(sort)
    }

    fn build_view(&self, k: usize, sort: SortKey) -> View<'p> {
        View::build(
            self.profile,
            &self.agg,
            &self.reports[k],
            k,
            sort,
            &self.table,
        )
    }

    /// Shows the table of the current sample type and sort: the one built
    /// before if there is one, else built here.
    pub(super) fn switch_view(&mut self) {
        let wanted = self.slot(self.k, self.sort);
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        let slot = self.slot(self.view.table.sample, self.view.table.sort);
        if slot != wanted {
            let view = match self.views[wanted].take() {
                Some(view) => view,
                None => {
                    self.fill_column(self.k);
                    self.build_view(self.k, self.sort)
                }
            };
            let old = std::mem::replace(&mut self.view, view);
            self.views[slot] = Some(old);
        }
        self.reselect(keep);
    }

    /// Whether a table other than the one shown is still to be built.
    pub(super) fn views_missing(&self) -> bool {
        let current = self.slot(self.k, self.sort);
        self.views
            .iter()
            .enumerate()
            .any(|(slot, v)| slot != current && v.is_none())
    }

    /// Asks the worker for one table: the one a switch waits for, else one
    /// the user may switch to next (the other sample types in this sort
    /// first), so that the switch is instant; the next is asked for when
    /// it arrives. Once all are built, the worker prepares for a focus.
    /// Nothing while a new aggregate is computed: it would be thrown away.
    pub(super) fn request_table(&mut self) {
        if self.table_asked.is_some() || self.waiting.is_some() {
            return;
        }
        let Some(worker) = &self.worker else {
            return;
        };
        let n = self.measures.len();
        let current = self.slot(self.k, self.sort);
        let (k, sort) = self.target();
        let order = std::iter::once(self.slot(k, sort))
            .chain((0..n).map(|k| self.slot(k, self.sort)))
            .chain((0..3 * n).filter(|s| s % 3 != sort_slot(self.sort)));
        // Until the other sample indices are summed, only tables of the
        // one shown can be built.
        let summed = |slot: usize| self.agg.only_column.is_none_or(|only| slot / 3 == only);
        for slot in order {
            if slot != current && self.views[slot].is_none() && summed(slot) {
                let sort = [SortKey::Flat, SortKey::Cum, SortKey::Name][slot % 3];
                worker.send(Job::Table {
                    generation: self.generation,
                    frames: Arc::clone(&self.agg.frames),
                    graph: Arc::clone(&self.agg.graph),
                    spec: self.table_spec(slot / 3, sort),
                });
                self.table_asked = Some(slot);
                return;
            }
        }
        if self.agg.only_column.is_none() {
            self.request_preparation();
        }
    }

    /// A new aggregate: new nodes, so every table is built again; `table`
    /// and `calls`, when built with it, are used if they are still what is
    /// shown.
    pub(super) fn install(&mut self, agg: Aggregate, table: Option<Table>, calls: Option<Calls>) {
        let keep = self.selected().map(|n| Identity::of(&self.agg, n));
        self.marks_wanted.clear();
        self.prepare_asked = false;
        self.agg = agg;
        self.views = self.empty_views();
        self.view = match table {
            Some(table) if (table.sample, table.sort) == (self.k, self.sort) => {
                View::from_table(table, &self.reports[self.k], &self.table)
            }
            _ => {
                self.fill_column(self.k);
                self.build_view(self.k, self.sort)
            }
        };
        // Node and edge ids are new: the calls are computed again, unless
        // they came with the table (kept by `reselect` if the function
        // selected is theirs).
        self.calls = match calls {
            Some(calls) if calls.k == self.view.column() && !self.view.trimmed() => {
                self.calls_offset = 0;
                calls
            }
            _ => Calls::default(),
        };
        self.reselect(keep);
        if let Some(search) = &mut self.search {
            // Node ids changed: run the last search again.
            let mut finder = Finder::new(&self.view.table.rows);
            finder.set_query(search.query.clone());
            if self.worker.is_none() {
                finder.finish(self.agg.display());
                search.matches = std::mem::take(&mut finder.matches);
                search.rescan = None;
            } else {
                search.matches = Vec::new();
                search.rescan = Some(Box::new(finder));
            }
            search.index = 0;
        }
        if let Mode::Search(finder) = &mut self.mode {
            // An open prompt searches the new rows (node ids may have
            // changed) for what is typed.
            let mut fresh = Finder::new(&self.view.table.rows);
            fresh.set_query(finder.query.clone());
            if self.worker.is_none() {
                fresh.finish(self.agg.display());
            }
            **finder = fresh;
        }
        self.request_edges();
    }

    /// Selects `keep` again in the table shown (or the first row), keeping
    /// the calls pane's cursor if the function is the same.
    pub(super) fn reselect(&mut self, keep: Option<Identity>) {
        let calls_cursor = self.calls.cursor;
        let old_node = self.calls.node;
        self.cursor = keep.as_ref().and_then(|id| self.locate(id)).unwrap_or(0);
        self.refresh_calls();
        if self.calls.node == old_node {
            self.calls.cursor = calls_cursor.min(self.calls.len().saturating_sub(1));
        }
    }
}

impl LastSearch {
    /// A search whose matches are known.
    pub(super) fn new(query: String, matches: Vec<crate::analysis::NodeId>, index: usize) -> Self {
        LastSearch {
            query,
            matches,
            index,
            rescan: None,
        }
    }
}
