//! The numbers behind the tables, and when they are recomputed.
//!
//! [`Aggregate`] is the expensive part (one pass over every sample): flat
//! and cum of every node for every sample type at once, rebuilt only when
//! the granularity or the filters change; callers and callees are computed
//! per function when shown. The tables ([`View`](super::view::View)) are
//! built from it for one sample type and sort order.

use crate::analysis::{
    Filters, Frames, Granularity, Graph, Measure, Neighbors, NodeId, Selection, Stacks, Totals,
};
use crate::profile::Profile;
use crate::safe_text;
use rustc_hash::FxHashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The stacks of the profile resolved to the nodes of one granularity,
/// with the nodes' names: built once per granularity, shared by the
/// aggregates of every set of filters (node ids stay the same).
#[derive(Clone)]
pub struct Base {
    pub stacks: Arc<Stacks>,
    names: Arc<NodeNames>,
    /// The unfiltered sums that filtered aggregates are computed from.
    totals: Arc<OnceLock<Totals>>,
    /// The sums of filters being typed, computed ahead by the worker
    /// ([`Base::compute_ahead`]) for when they are applied.
    ahead: Arc<Mutex<Option<Ahead>>>,
}

/// Sums computed ahead, and what for.
struct Ahead {
    measures: Vec<Measure>,
    filters: Filters,
    column: Option<usize>,
    sums: Option<Sums>,
}

/// What [`Base::aggregate`] returns.
struct Sums {
    graph: Graph,
    /// What the graph sums.
    selection: Selection,
    /// The one sample index the graph has, when it has one alone.
    only_column: Option<usize>,
    /// Whether it was computed ahead, while the filters were typed.
    ahead: bool,
}

impl Base {
    /// Resolves the stacks of `profile` at `granularity`; `None` when the
    /// profile is too big for [`Stacks`].
    pub fn new(profile: &Profile, granularity: Granularity) -> Option<Base> {
        let stacks = Stacks::new(profile, granularity)?;
        let names = NodeNames::new(&stacks.frames);
        Some(Base {
            stacks: Arc::new(stacks),
            names: Arc::new(names),
            totals: Arc::default(),
            ahead: Arc::default(),
        })
    }

    /// Flat and cum of every node for `measures` and `filters`: from the
    /// unfiltered totals (computed on first use), `None` when the stacks
    /// cannot apply the filters. For measure `column` alone when given and
    /// the filters change anything (see [`Aggregate::only_column`]): then
    /// the column summed comes back too.
    fn aggregate(
        &self,
        profile: &Profile,
        measures: &[Measure],
        filters: &Filters,
        column: Option<usize>,
    ) -> Option<Sums> {
        match self.take_ahead(measures, filters, column) {
            Some(sums) => sums.map(|sums| Sums {
                ahead: true,
                ..sums
            }),
            None => self.compute(profile, measures, filters, column),
        }
    }

    /// Computes what [`Base::aggregate`] will be asked for when `filters`
    /// are applied, and keeps it for then (in place of what was kept).
    pub(super) fn compute_ahead(
        &self,
        profile: &Profile,
        measures: &[Measure],
        filters: &Filters,
        column: Option<usize>,
    ) {
        let sums = self.compute(profile, measures, filters, column);
        let ahead = Ahead {
            measures: measures.to_vec(),
            filters: filters.clone(),
            column,
            sums,
        };
        *self.ahead.lock().unwrap_or_else(PoisonError::into_inner) = Some(ahead);
    }

    /// The sums computed ahead, if they are for these measures, filters
    /// and column; any others are dropped (what is applied now makes them
    /// stale).
    fn take_ahead(
        &self,
        measures: &[Measure],
        filters: &Filters,
        column: Option<usize>,
    ) -> Option<Option<Sums>> {
        let ahead = self
            .ahead
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        let same =
            ahead.measures == measures && ahead.filters == *filters && ahead.column == column;
        same.then_some(ahead.sums)
    }

    /// [`Base::aggregate`], computed now.
    fn compute(
        &self,
        profile: &Profile,
        measures: &[Measure],
        filters: &Filters,
        column: Option<usize>,
    ) -> Option<Sums> {
        let selection = self.stacks.select(profile, filters)?;
        let totals = self.totals(measures);
        // Unfiltered sums are a copy of the totals, all at once.
        let one = column.filter(|_| {
            measures.len() > 1 && totals.measures() == measures && !selection.keeps_everything()
        });
        let graph = match one {
            Some(k) => self
                .stacks
                .aggregate_from(&selection, &totals.column(k))
                .as_column_of(measures, k),
            None => self.sums(&selection, measures),
        };
        Some(Sums {
            graph,
            selection,
            only_column: one,
            ahead: false,
        })
    }

    /// Flat and cum of every node for every measure over what `selection`
    /// keeps.
    pub(super) fn sums(&self, selection: &Selection, measures: &[Measure]) -> Graph {
        let totals = self.totals(measures);
        match totals.measures() == measures {
            true => self.stacks.aggregate_from(selection, totals),
            false => self.stacks.aggregate(selection, measures),
        }
    }

    /// The unfiltered totals (of the measures first asked for).
    fn totals(&self, measures: &[Measure]) -> &Totals {
        self.totals.get_or_init(|| self.stacks.totals(measures))
    }
}

/// Every node's name escaped for the terminal (once, not per frame), and
/// the node of each raw name.
struct NodeNames {
    display: Vec<String>,
    index: FxHashMap<Box<[u8]>, NodeId>,
}

impl NodeNames {
    fn new(frames: &Frames) -> NodeNames {
        let n = frames.nodes.len() as NodeId;
        let display = (0..n)
            .map(|id| safe_text::escape(frames.nodes.name(id)))
            .collect();
        let mut index = FxHashMap::default();
        index.reserve(n as usize);
        for id in 0..n {
            index.entry(frames.nodes.name(id).into()).or_insert(id);
        }
        NodeNames { display, index }
    }
}

/// Where callers and callees come from.
enum Edges {
    /// Scanned from the stacks for one node at a time, when asked for.
    OnDemand {
        base: Base,
        selection: Arc<Selection>,
    },
    /// The graph's own edges, once [`Aggregate::complete`].
    InGraph,
}

/// Nodes and numbers for one granularity and set of filters.
///
/// Usually built from a [`Base`] in one pass over the stacks; callers and
/// callees are then computed per node when shown. Where the filters need
/// the general path ([`Stacks::select`] declines, `-noinlines`), it is built
/// in two stages: [`Aggregate::quick`] has flat and cum (all the table
/// needs); [`Aggregate::edges`] adds the edge table from the same frames,
/// which takes several times longer.
pub struct Aggregate {
    /// The nodes and which samples survive the filters.
    pub frames: Arc<Frames>,
    /// Flat, cum and (when [`Aggregate::complete`] on the general path)
    /// edges for every sample type (column k = sample index); shared with
    /// the worker, which builds tables from it.
    pub graph: Arc<Graph>,
    names: Arc<NodeNames>,
    edges: Edges,
    /// The base the aggregate was built from, to build the next one.
    pub base: Option<Base>,
    /// Whether callers and callees are available.
    pub complete: bool,
    /// `Some(k)`: the graph has sample index `k` alone so far, the one the
    /// table shows; the others follow ([`Aggregate::all_columns`]). Summing
    /// one sample index after a filter takes 40% less time than all four
    /// on the benchmark profile, and the table needs no more.
    pub only_column: Option<usize>,
    /// Whether the sums were computed ahead, while the filters were typed
    /// (see `Base::compute_ahead`).
    pub summed_ahead: bool,
    /// Whether this is a [`Aggregate::first_look`]: the aggregate from the
    /// resolved stacks is still to be built.
    pub first_look: bool,
}

impl Aggregate {
    /// Aggregates `profile` for every measure in `measures`, callers and
    /// callees included.
    pub fn build(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Aggregate {
        let quick = Aggregate::quick(profile, measures, granularity, filters, inline_frames);
        if quick.complete {
            return quick;
        }
        let graph = quick.edges(profile);
        quick.with_edges(graph)
    }

    /// The table's numbers, from a new [`Base`].
    pub fn quick(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Aggregate {
        Aggregate::from_base(
            profile,
            measures,
            granularity,
            filters,
            inline_frames,
            None,
            None,
        )
    }

    /// The table's numbers, from `base` when it is of `granularity` (else
    /// from a new one), through the stacks when they can apply `filters`;
    /// there, for sample index `column` alone when given (see
    /// [`Aggregate::only_column`]).
    pub fn from_base(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
        base: Option<Base>,
        column: Option<usize>,
    ) -> Aggregate {
        // -noinlines keeps one line of a location, which the stacks (one
        // node per line) cannot express.
        let base = match base {
            Some(b) if b.stacks.frames.granularity == granularity => Some(b),
            _ if inline_frames => Base::new(profile, granularity),
            _ => None,
        };
        // A base kept from before (-noinlines toggled in the explorer)
        // serves again once inlined frames are shown, not meanwhile.
        if inline_frames
            && let Some(base) = &base
            && let Some(sums) = base.aggregate(profile, measures, filters, column)
        {
            return Aggregate {
                frames: Arc::clone(&base.stacks.frames),
                graph: Arc::new(sums.graph),
                names: Arc::clone(&base.names),
                edges: Edges::OnDemand {
                    base: base.clone(),
                    selection: Arc::new(sums.selection),
                },
                base: Some(base.clone()),
                complete: true,
                only_column: sums.only_column,
                summed_ahead: sums.ahead,
                first_look: false,
            };
        }
        Aggregate::general(profile, measures, granularity, filters, inline_frames, base)
    }

    /// The general path: frames for these filters, flat and cum; edges
    /// later ([`Aggregate::edges`]).
    fn general(
        profile: &Profile,
        measures: &[Measure],
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
        base: Option<Base>,
    ) -> Aggregate {
        let frames = Frames::with_inlining(profile, granularity, filters, inline_frames);
        let graph = Graph::build_without_edges(profile, &frames, measures, None);
        Aggregate::without_edges(frames, graph, base, None, false)
    }

    /// An aggregate of the general path: flat and cum, edges to follow.
    fn without_edges(
        frames: Frames,
        graph: Graph,
        base: Option<Base>,
        only_column: Option<usize>,
        first_look: bool,
    ) -> Aggregate {
        let names = NodeNames::new(&frames);
        Aggregate {
            frames: Arc::new(frames),
            graph: Arc::new(graph),
            names: Arc::new(names),
            edges: Edges::InGraph,
            base,
            complete: false,
            only_column,
            summed_ahead: false,
            first_look,
        }
    }

    /// The first table of a very large profile, before its stacks are
    /// resolved: frames and flat and cum of sample index `k` alone, as
    /// `--top` sums them (one pass laid out for the caches). Resolving the
    /// stacks ([`Base::new`]) takes several times longer and twice the
    /// memory of the profile; the session has its worker build them, and
    /// the aggregate with them, behind the table shown (the aggregate's
    /// `first_look` says it is one).
    pub fn first_look(
        profile: &Profile,
        measures: &[Measure],
        k: usize,
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Aggregate {
        let frames = Frames::with_inlining(profile, granularity, filters, inline_frames);
        let (graph, only_column) = match measures.get(k) {
            Some(&measure) if measures.len() > 1 => (
                Graph::build_without_edges(profile, &frames, &[measure], None)
                    .as_column_of(measures, k),
                Some(k),
            ),
            _ => (
                Graph::build_without_edges(profile, &frames, measures, None),
                None,
            ),
        };
        Aggregate::without_edges(frames, graph, None, only_column, true)
    }

    /// The full graph (with edges) of this aggregate's frames: the slow
    /// part of the general path, done off the driver's thread by the session.
    pub fn edges(&self, profile: &Profile) -> Graph {
        Graph::build(profile, &self.frames, self.graph.measures(), None)
    }

    /// The graph of every sample index, for an aggregate built for one
    /// ([`Aggregate::only_column`]); `None` when it has them all.
    pub fn all_columns(&self) -> Option<Graph> {
        self.only_column?;
        match &self.edges {
            Edges::OnDemand { base, selection } => {
                Some(base.sums(selection, self.graph.measures()))
            }
            Edges::InGraph => None,
        }
    }

    /// This aggregate with `graph` (from [`Aggregate::edges`]) in place.
    pub fn with_edges(mut self, graph: Graph) -> Aggregate {
        self.graph = Arc::new(graph);
        self.complete = true;
        self
    }

    /// Every node's name, escaped for the terminal (once, not per frame).
    pub fn display(&self) -> &[String] {
        &self.names.display
    }

    /// The node printed as `name`, if any.
    pub fn find(&self, name: &[u8]) -> Option<NodeId> {
        self.names.index.get(name).copied()
    }

    /// Callers and callees of `node` (`None` until the general path's
    /// edges are there).
    pub fn neighbors(&self, node: NodeId) -> Option<Neighbors> {
        match &self.edges {
            Edges::OnDemand { base, selection } => Some(base.stacks.neighbors(
                selection,
                self.graph.measures(),
                node,
            )),
            Edges::InGraph => self
                .complete
                .then(|| Neighbors::from_graph(&self.graph, node)),
        }
    }

    /// About how many stack entries computing the callers and callees of
    /// `node` reads (0 when they come from the graph).
    pub fn calls_cost(&self, node: NodeId) -> usize {
        match &self.edges {
            Edges::OnDemand { base, selection } => base.stacks.neighbors_cost(selection, node),
            Edges::InGraph => 0,
        }
    }

    /// Whether the table's inline marks take a scan of the stacks (which
    /// the explorer hands to its worker).
    pub fn marks_scan_stacks(&self) -> bool {
        matches!(self.edges, Edges::OnDemand { .. })
    }

    /// What a scan of the stacks for callers needs, for the worker.
    pub(super) fn scan_source(&self) -> Option<(Base, Arc<Selection>)> {
        match &self.edges {
            Edges::OnDemand { base, selection } => Some((base.clone(), Arc::clone(selection))),
            Edges::InGraph => None,
        }
    }

    /// The callers of each of `nodes`, in one pass (the table's inline
    /// marks); a node that is never an inlined line has no inlined call
    /// and is not looked at.
    pub fn callers_of(&self, nodes: &[NodeId]) -> Vec<Neighbors> {
        match &self.edges {
            Edges::OnDemand { base, selection } => {
                base.stacks
                    .callers(selection, self.graph.measures(), nodes, &|| false)
            }
            Edges::InGraph => nodes
                .iter()
                .map(|&n| match self.complete {
                    true => Neighbors::from_graph(&self.graph, n),
                    false => Neighbors::empty(n),
                })
                .collect(),
        }
    }

    /// Whether calls into `node` can be inlined at all.
    pub(super) fn may_be_inlined(&self, node: NodeId) -> bool {
        match &self.edges {
            Edges::OnDemand { base, .. } => base.stacks.ever_inlined(node),
            Edges::InGraph => true,
        }
    }
}
