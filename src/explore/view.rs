//! The table for one sample index and sort order ([`View`]), how its
//! values are printed ([`Scale`]), and how a function is recognised again
//! once the nodes are rebuilt ([`Identity`]).

use super::aggregate::Aggregate;
use super::calls::Calls;
use super::table::{Table, TableOptions};
use crate::analysis::order::SortKey;
use crate::analysis::{Call, Frames, Graph, Measure, Neighbors, NodeId, sort_calls};
use crate::measurement::{OutputUnit, scaled_label};
use crate::profile::{Profile, StrId};
use crate::report::Report;
use rustc_hash::FxHashMap;

/// How the values of one sample index are printed: the total that
/// percentages are of (computed once per sample index) and the unit. What
/// a [`Report`] holds but the profile, so that the session, which owns its
/// profile, can keep one per sample index.
#[derive(Debug, Clone)]
pub struct Scale {
    /// What is measured.
    pub measure: Measure,
    /// The sample type's name (`mean_` prefixed for means).
    pub sample_type: String,
    /// The unit of sample values (e.g. `bytes`).
    pub sample_unit: String,
    /// Sum of |value| over all samples, before filters.
    pub total: i64,
    /// The unit values are printed in.
    pub output_unit: OutputUnit,
}

impl Scale {
    /// The scale of `measure` on `profile` (one pass over the samples for
    /// the total).
    pub fn new(profile: &Profile, measure: Measure) -> Scale {
        Scale::from(Report::new(profile, measure))
    }

    /// A value as pprof prints it at this scale.
    pub fn format_value(&self, value: i64) -> String {
        scaled_label(value, &self.sample_unit, &self.output_unit)
    }

    /// This scale with the unit `options` ask for, else the one pprof
    /// chooses for rows whose smallest value is `smallest` (see
    /// [`Report::select_unit`]).
    pub(super) fn for_rows(
        &self,
        profile: &Profile,
        options: &TableOptions,
        smallest: Option<i64>,
    ) -> Scale {
        let mut report = Report {
            profile,
            measure: self.measure,
            sample_type: self.sample_type.clone(),
            sample_unit: self.sample_unit.clone(),
            total: self.total,
            output_unit: self.output_unit.clone(),
        };
        if report.set_unit(options.unit.as_deref()) {
            report.select_unit_from(smallest);
        }
        Scale::from(report)
    }
}

impl From<Report<'_>> for Scale {
    fn from(report: Report<'_>) -> Scale {
        Scale {
            measure: report.measure,
            sample_type: report.sample_type,
            sample_unit: report.sample_unit,
            total: report.total,
            output_unit: report.output_unit,
        }
    }
}

/// How a function is recognised again after the nodes were rebuilt (node
/// ids change then): its printed name, else its function, else its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The printed name (raw bytes).
    pub name: Box<[u8]>,
    /// The function name's string in the profile (empty at `files`).
    pub function: StrId,
    /// The node's source file (cleaned), when the granularity keeps it.
    pub file: Box<[u8]>,
}

impl Identity {
    /// The identity of `node`.
    pub fn of(agg: &Aggregate, node: NodeId) -> Identity {
        let nodes = &agg.frames.nodes;
        Identity {
            name: nodes.name(node).into(),
            function: nodes.info(node).name,
            file: nodes.file(node).into(),
        }
    }

    /// The identity without the profile's string id, to find the function
    /// in another profile (a refreshed one) by name, else by file.
    pub fn portable(&self) -> Identity {
        Identity {
            function: StrId::EMPTY,
            ..self.clone()
        }
    }
}

/// The table for one sample type and sort order.
pub struct View {
    /// The total, and the unit chosen for these rows.
    pub scale: Scale,
    /// The rows and their order (built here or by the worker).
    pub table: Table,
    /// Inline marks of the rows shown so far (see [`View::prepare_marks`]).
    marks: FxHashMap<NodeId, Option<&'static str>>,
}

impl View {
    /// Builds the table of column `k` of `agg`; `base` is the sample
    /// index's scale (its total is computed once per sample index, not
    /// here).
    pub fn build(
        profile: &Profile,
        agg: &Aggregate,
        base: &Scale,
        k: usize,
        sort: SortKey,
        options: &TableOptions,
    ) -> View {
        let table = Table::build(
            profile,
            &agg.frames,
            &agg.graph,
            base.measure,
            k,
            sort,
            options,
        );
        View::from_table(profile, table, base, options)
    }

    /// The view of `table` (built here or by the worker), printed as
    /// `options` say.
    pub fn from_table(
        profile: &Profile,
        table: Table,
        base: &Scale,
        options: &TableOptions,
    ) -> View {
        View {
            scale: base.for_rows(profile, options, table.smallest),
            table,
            marks: FxHashMap::default(),
        }
    }

    /// The view printed in the unit `options` say (the rows stay).
    pub(super) fn rescale(&mut self, profile: &Profile, base: &Scale, options: &TableOptions) {
        self.scale = base.for_rows(profile, options, self.table.smallest);
    }

    /// The graph the rows come from and its column.
    fn graph<'a>(&'a self, agg: &'a Aggregate) -> (&'a Graph, usize) {
        (
            self.table.trimmed.as_ref().unwrap_or(&agg.graph),
            self.table.k,
        )
    }

    /// The row showing `node`.
    pub fn row_of(&self, node: NodeId) -> Option<usize> {
        match self.table.row_of.get(node as usize) {
            Some(&r) if r != u32::MAX => Some(r as usize),
            _ => None,
        }
    }

    /// Flat sum of rows up to and including `row` (pprof's sum%).
    pub fn sum_through(&self, row: usize) -> i64 {
        self.table.sums.get(row).copied().unwrap_or(0)
    }

    /// Flat sum of all rows ("Showing nodes accounting for").
    pub fn shown(&self) -> i64 {
        self.table.sums.last().copied().unwrap_or(0)
    }

    /// Whether callers and callees are known: the aggregate can give them
    /// (or trimming built a graph of its own).
    pub fn has_edges(&self, agg: &Aggregate) -> bool {
        self.table.trimmed.is_some() || agg.complete
    }

    /// flat and cum of `node`, as shown.
    pub fn values(&self, agg: &Aggregate, node: NodeId) -> (i64, i64) {
        let (g, k) = self.graph(agg);
        (g.flat_value(node, k), g.cum_value(node, k))
    }

    /// Computes the inline marks of `rows` not computed yet, all in one
    /// pass (on this thread).
    pub fn prepare_marks(&mut self, agg: &Aggregate, rows: &[NodeId]) {
        let missing = self.unknown_marks(agg, rows);
        if missing.is_empty() {
            return;
        }
        match &self.table.trimmed {
            Some(g) => {
                // The trimmed graph's own edges (what the worker learns
                // from the aggregate's is not for this table).
                for &node in &missing {
                    let neighbors = Neighbors::from_graph(g, node);
                    let mark = neighbors.inline_mark(self.table.k, self.table.edge_cutoff);
                    self.marks.insert(node, mark);
                }
            }
            None => self.learn_marks(&agg.callers_of(&missing)),
        }
    }

    /// The rows of `rows` whose inline marks need their callers (a scan of
    /// the stacks); the others' marks are settled here.
    pub fn unknown_marks(&mut self, agg: &Aggregate, rows: &[NodeId]) -> Vec<NodeId> {
        if !self.has_edges(agg) {
            return Vec::new();
        }
        let mut missing = Vec::new();
        for &node in rows {
            if self.marks.contains_key(&node) {
                continue;
            }
            if self.table.trimmed.is_none() && !agg.may_be_inlined(node) {
                self.marks.insert(node, None);
            } else {
                missing.push(node);
            }
        }
        missing
    }

    /// Settles the marks of the nodes whose callers are in `found`.
    pub fn learn_marks(&mut self, found: &[Neighbors]) {
        if self.table.trimmed.is_some() {
            // A trimmed table has edges of its own.
            return;
        }
        for neighbors in found {
            let mark = neighbors.inline_mark(self.table.k, self.table.edge_cutoff);
            self.marks.insert(neighbors.node, mark);
        }
    }

    /// pprof's `--top` suffix for `node`: `(inline)` when every kept edge
    /// into it is inlined, `(partial-inline)` when some are. Known for the
    /// rows passed to [`View::prepare_marks`].
    pub fn inline_mark(&self, node: NodeId) -> Option<&'static str> {
        self.marks.get(&node).copied().flatten()
    }

    /// Callers and callees of `node` for this table (`None` while the
    /// general path's edges are computed).
    pub fn neighbors(&self, agg: &Aggregate, node: NodeId) -> Option<Neighbors> {
        match &self.table.trimmed {
            Some(g) => Some(Neighbors::from_graph(g, node)),
            None => agg.neighbors(node),
        }
    }

    /// Whether the table has a graph of its own (trimming): its calls are
    /// not those of other tables.
    pub fn trimmed(&self) -> bool {
        self.table.trimmed.is_some()
    }

    /// The graph column of this table's numbers.
    pub fn column(&self) -> usize {
        self.table.k
    }

    /// Callers and callees in `neighbors` present in this table, heaviest
    /// first as in pprof's peek.
    pub fn sort_calls(&self, agg: &Aggregate, neighbors: &Neighbors) -> (Vec<Call>, Vec<Call>) {
        sort_both(&agg.frames, neighbors, self.table.k)
    }
}

/// Callers and callees in `neighbors` present in column `k`, heaviest
/// first as in pprof's peek.
fn sort_both(frames: &Frames, neighbors: &Neighbors, k: usize) -> (Vec<Call>, Vec<Call>) {
    let sorted = |calls: &[Call]| -> Vec<Call> {
        sort_calls(calls, &frames.nodes, k)
            .into_iter()
            .cloned()
            .collect()
    };
    (sorted(&neighbors.callers), sorted(&neighbors.callees))
}

/// The calls of the node printed as `name` in `agg`, sorted for the
/// untrimmed table of sample index `k`: what the worker computes with a
/// new aggregate for the function that stays selected. `None` when there
/// is no such node in the table or its calls are not known yet (general
/// path).
pub(super) fn calls_of(agg: &Aggregate, name: &[u8], k: usize) -> Option<Calls> {
    let node = agg.find(name).filter(|&n| agg.graph.has_node(n, k))?;
    let neighbors = agg.neighbors(node)?;
    let sorted = sort_both(&agg.frames, &neighbors, k);
    Some(Calls::known(neighbors, k, k, sorted))
}
