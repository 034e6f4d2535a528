//! The slow part of the exploration off the driver's thread.
//!
//! On big profiles a new granularity (resolving every stack to its nodes)
//! takes a tenth of a second or more, filters tens of milliseconds, and on
//! the general path a second or more for the call graph's edges; sorting a
//! table takes milliseconds (a tenth of a second at 600,000 rows), and the
//! callers of a function in many samples, or behind the table's inline
//! marks, a scan of the stacks. So the explorer hands these to one worker
//! thread and keeps answering commands meanwhile:
//! - a new aggregate comes with its table and the selected function's
//!   calls, built on both cores at once; after a filter it has the sample
//!   index shown alone, and the others are summed next; on a very large
//!   profile whose stacks must be resolved first (a new granularity), a
//!   first look at the table comes before it;
//! - the tables of the other sample indices and sorts follow one at a time
//!   (a switch to one not built yet waits for it, the keys still working);
//! - calls, marks and, on the general path, edges arrive when scanned;
//! - while filters are typed in the filter pane and the typing pauses,
//!   their sums are computed ahead, and taken when they are applied;
//! - once every table is built, the worker prepares what a first filter
//!   needs.
//!
//! Every job has a generation; a job or result that a newer request made
//! obsolete is skipped or dropped, and every request the session waits on is
//! answered, if only with nothing.
//!
//! The worker shares the profile ([`Session::start_worker`](super::Session::start_worker)):
//! nothing waits for it, and a worker made obsolete by a refreshed profile
//! ends on its own once its session is gone.

use super::aggregate::{Aggregate, Base};
use super::calls::Calls;
use super::compare_sides::{SideNumbers, Sides};
use super::refresh::Plan;
use super::table::{Table, TableOptions};
use super::tree_build::{TreeKey, TreeSpec};
use super::view::calls_of;
use crate::analysis::CallTree;
use crate::analysis::order::SortKey;
use crate::analysis::{Filters, Frames, Granularity, Graph, Measure, Neighbors, NodeId, Selection};
use crate::profile::Profile;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};

/// What the worker is asked to compute.
pub(super) enum Job {
    /// The callers of `nodes` (for the table's inline marks).
    Marks {
        generation: u64,
        base: Base,
        selection: Arc<Selection>,
        measures: Vec<Measure>,
        nodes: Vec<NodeId>,
    },
    /// The callers and callees of `node` (one selected, whose scan
    /// is too long for a frame).
    Calls {
        generation: u64,
        base: Base,
        selection: Arc<Selection>,
        measures: Vec<Measure>,
        node: NodeId,
    },
    /// While the filter pane is open: the sums of the filters typed, for
    /// when they are applied ([`Base::compute_ahead`]).
    Ahead {
        generation: u64,
        base: Base,
        measures: Vec<Measure>,
        filters: Box<Filters>,
        column: usize,
    },
    /// While idle: what the first filter on `base` needs (an index of
    /// samples by location, the functions of each node), so that it does
    /// not wait for it.
    Prepare { generation: u64, base: Base },
    /// The sample indices other than the one shown, of an aggregate built
    /// for that one ([`Aggregate::only_column`]).
    Columns {
        generation: u64,
        base: Base,
        selection: Arc<Selection>,
        measures: Vec<Measure>,
    },
    /// The edges of frames already shown.
    Edges {
        generation: u64,
        frames: Arc<Frames>,
        measures: Vec<Measure>,
    },
    /// A new aggregate (filters or granularity changed), from `base` when
    /// it is of the granularity, with the table and calls `shown`; on the
    /// general path, then its edges.
    Aggregate {
        generation: u64,
        measures: Vec<Measure>,
        granularity: Granularity,
        filters: Box<Filters>,
        inline_frames: bool,
        base: Option<Base>,
        shown: Shown,
        /// Show a first look before resolving the stacks
        /// ([`Aggregate::first_look`]).
        first_look: bool,
    },
    /// The call-path tree of the aggregate shown, for the flame graph or
    /// a call tree.
    Tree {
        generation: u64,
        spec: Box<TreeSpec>,
    },
    /// The base's and new profile's own numbers of a comparison, for
    /// these settings (`plan`), from those `before` (see
    /// [`Sides::numbers`]).
    Compared {
        generation: u64,
        sides: Arc<Sides>,
        measures: Vec<Measure>,
        granularity: Granularity,
        filters: Box<Filters>,
        inline_frames: bool,
        before: Option<Arc<SideNumbers>>,
        plan: Box<Plan>,
    },
    /// A table of the aggregate shown that the session may switch to next.
    Table {
        generation: u64,
        frames: Arc<Frames>,
        graph: Arc<Graph>,
        spec: TableSpec,
    },
}

/// Which table to build.
pub(super) struct TableSpec {
    /// The measure of the sample index, and its graph column.
    pub measure: Measure,
    pub k: usize,
    pub sort: SortKey,
    pub options: TableOptions,
}

impl TableSpec {
    fn build(&self, profile: &Profile, frames: &Frames, graph: &Graph) -> Table {
        Table::build(
            profile,
            frames,
            graph,
            self.measure,
            self.k,
            self.sort,
            &self.options,
        )
    }
}

/// What the session will show of a new aggregate: its table, and the calls of
/// the function selected before (found again by its printed name). Built
/// with the aggregate, on both cores, so that everything arrives at once.
pub(super) struct Shown {
    pub table: TableSpec,
    pub selected: Option<Box<[u8]>>,
}

impl Shown {
    pub(super) fn build(&self, profile: &Profile, agg: &Aggregate) -> (Table, Option<Calls>) {
        let calls = || match &self.selected {
            // A trimmed table's calls come from its own graph.
            Some(name) if !self.table.options.trims() => calls_of(agg, name, self.table.k),
            _ => None,
        };
        std::thread::scope(|scope| {
            let calls = scope.spawn(calls);
            let table = self.table.build(profile, &agg.frames, &agg.graph);
            match calls.join() {
                Ok(calls) => (table, calls),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}

impl Job {
    fn generation(&self) -> u64 {
        match self {
            Job::Edges { generation, .. }
            | Job::Columns { generation, .. }
            | Job::Aggregate { generation, .. }
            | Job::Table { generation, .. }
            | Job::Tree { generation, .. }
            | Job::Compared { generation, .. }
            | Job::Calls { generation, .. }
            | Job::Prepare { generation, .. }
            | Job::Ahead { generation, .. }
            | Job::Marks { generation, .. } => *generation,
        }
    }
}

/// What the worker sends back.
pub(super) enum Done {
    /// A new aggregate's quick stage, with what is shown of it.
    Quick {
        generation: u64,
        agg: Box<Aggregate>,
        table: Table,
        calls: Option<Calls>,
    },
    /// The calls asked for by [`Job::Calls`] (`None` when made obsolete).
    Calls {
        generation: u64,
        node: NodeId,
        neighbors: Option<Neighbors>,
    },
    /// The table asked for by [`Job::Table`] (`None` when made obsolete).
    Table {
        generation: u64,
        table: Option<Table>,
    },
    /// The tree asked for by [`Job::Tree`] (`None` when made obsolete, or
    /// too large).
    Tree {
        slot: usize,
        key: TreeKey,
        tree: Option<CallTree>,
    },
    /// The numbers asked for by [`Job::Compared`] (`None` when made
    /// obsolete).
    Compared {
        plan: Box<Plan>,
        numbers: Option<Box<SideNumbers>>,
    },
    /// The edges of the aggregate of `generation`.
    Edges { generation: u64, graph: Graph },
    /// Every sample index of the aggregate of `generation`.
    Columns { generation: u64, graph: Graph },
    /// The callers asked for by [`Job::Marks`].
    Marks {
        generation: u64,
        found: Vec<Neighbors>,
    },
}

/// The session's side of the worker.
pub(super) struct Worker {
    pub(super) jobs: Sender<Job>,
    pub(super) done: Receiver<Done>,
    /// The newest generation asked for: the worker skips older jobs.
    pub(super) latest: Arc<AtomicU64>,
    /// Set while the worker is in a job.
    pub(super) working: Arc<AtomicBool>,
}

impl Worker {
    /// Asks for `job`, making every older one obsolete.
    pub(super) fn send(&self, job: Job) {
        self.latest.store(job.generation(), Ordering::SeqCst);
        // A worker that is gone has panicked: its panic ends the scope.
        let _ = self.jobs.send(job);
    }

    /// Whether the worker is in a job (a pass over the samples that cannot
    /// be interrupted).
    pub(super) fn working(&self) -> bool {
        self.working.load(Ordering::SeqCst)
    }
}

/// The worker's loop: until the session drops its sender.
pub(super) fn serve(
    profile: &Profile,
    jobs: Receiver<Job>,
    done: Sender<Done>,
    latest: Arc<AtomicU64>,
    working: Arc<AtomicBool>,
) {
    yield_to_the_screen();
    while let Ok(job) = jobs.recv() {
        working.store(true, Ordering::SeqCst);
        let mut waiting = vec![job];
        while let Ok(newer) = jobs.try_recv() {
            waiting.push(newer);
        }
        let mut session_there = true;
        for job in next_jobs(waiting) {
            session_there = session_there && run(profile, job, &done, &latest);
        }
        working.store(false, Ordering::SeqCst);
        if !session_there {
            return;
        }
    }
}

/// Makes this thread (and the threads it starts, which inherit it) a
/// batch thread for the scheduler: woken by a job, it does not preempt
/// the driver's thread. On a machine with two cores, the worker's two
/// threads otherwise take both the moment a key hands them work, and the
/// frame of that key waits for a time slice. Its share of the processor
/// is the same.
fn yield_to_the_screen() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid takes no pointer; sched_setscheduler reads the
    // param, which lives across the call; on Linux a thread id names one
    // thread, and a failure (not allowed) leaves the policy as it was.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::pid_t;
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(tid, libc::SCHED_BATCH, &param);
    }
}

/// Of the jobs waiting (oldest first), those still worth doing, in order:
/// only the newest aggregate or edges job (a newer one supersedes the
/// older), and every request for marks, calls or a table, since the session waits for
/// an answer (an empty one when made obsolete, see [`run`]). Then the
/// newest sums ahead, unless an aggregate was asked for meanwhile;
/// preparing comes last.
fn next_jobs(waiting: Vec<Job>) -> Vec<Job> {
    let mut main = None;
    let mut answer = Vec::new();
    let mut tables = Vec::new();
    let mut ahead = None;
    let mut prepare = None;
    for job in waiting {
        match job {
            Job::Aggregate { .. } | Job::Edges { .. } | Job::Columns { .. } => main = Some(job),
            Job::Marks { .. } | Job::Calls { .. } | Job::Tree { .. } | Job::Compared { .. } => {
                answer.push(job)
            }
            Job::Table { .. } => tables.push(job),
            Job::Ahead { .. } => ahead = Some(job),
            Job::Prepare { .. } => prepare = Some(job),
        }
    }
    let applying = matches!(main, Some(Job::Aggregate { .. }));
    answer
        .into_iter()
        .chain(main)
        .chain(tables)
        .chain(ahead.filter(|_| !applying))
        .chain(prepare)
        .collect()
}

/// Does `job`, or what of it is still wanted; returns whether the session is
/// still there to take results.
fn run(profile: &Profile, job: Job, done: &Sender<Done>, latest: &AtomicU64) -> bool {
    let current = |generation: u64| latest.load(Ordering::SeqCst) == generation;
    match job {
        Job::Marks {
            generation,
            base,
            selection,
            measures,
            nodes,
        } => {
            // Even when obsolete an answer goes back: the session waits for it
            // before it asks again.
            let found = match current(generation) {
                true => {
                    let obsolete = || !current(generation);
                    let found = base
                        .stacks
                        .callers(&selection, &measures, &nodes, &obsolete);
                    if obsolete() { Vec::new() } else { found }
                }
                false => Vec::new(),
            };
            done.send(Done::Marks { generation, found }).is_ok()
        }
        Job::Calls {
            generation,
            base,
            selection,
            measures,
            node,
        } => {
            let neighbors =
                current(generation).then(|| base.stacks.neighbors(&selection, &measures, node));
            done.send(Done::Calls {
                generation,
                node,
                neighbors,
            })
            .is_ok()
        }
        Job::Table {
            generation,
            frames,
            graph,
            spec,
        } => {
            let table = current(generation).then(|| spec.build(profile, &frames, &graph));
            done.send(Done::Table { generation, table }).is_ok()
        }
        Job::Tree { generation, spec } => {
            let tree = current(generation).then(|| spec.build(profile)).flatten();
            done.send(Done::Tree {
                slot: spec.slot,
                key: spec.key,
                tree,
            })
            .is_ok()
        }
        Job::Compared {
            generation,
            sides,
            measures,
            granularity,
            filters,
            inline_frames,
            before,
            plan,
        } => {
            let numbers = current(generation).then(|| {
                Box::new(sides.numbers(
                    profile,
                    &measures,
                    granularity,
                    &filters,
                    inline_frames,
                    before.as_deref(),
                ))
            });
            done.send(Done::Compared { plan, numbers }).is_ok()
        }
        Job::Ahead {
            generation,
            base,
            measures,
            filters,
            column,
        } => {
            if current(generation) {
                base.compute_ahead(profile, &measures, &filters, Some(column));
            }
            true
        }
        Job::Prepare { generation, base } => {
            if current(generation) {
                base.stacks.prepare_filters(profile);
            }
            true
        }
        Job::Columns {
            generation,
            base,
            selection,
            measures,
        } => {
            if !current(generation) {
                return true;
            }
            let graph = base.sums(&selection, &measures);
            done.send(Done::Columns { generation, graph }).is_ok()
        }
        Job::Edges {
            generation,
            frames,
            measures,
        } => {
            if !current(generation) {
                return true;
            }
            let graph = Graph::build(profile, &frames, &measures, None);
            done.send(Done::Edges { generation, graph }).is_ok()
        }
        Job::Aggregate {
            generation,
            measures,
            granularity,
            filters,
            inline_frames,
            base,
            shown,
            first_look,
        } => {
            if !current(generation) {
                return true;
            }
            // An aggregate with its table and calls; false once the session
            // is gone.
            let send_quick = |agg: Aggregate| {
                let (table, calls) = shown.build(profile, &agg);
                let quick = Done::Quick {
                    generation,
                    agg: Box::new(agg),
                    table,
                    calls,
                };
                done.send(quick).is_ok()
            };
            if first_look {
                let k = shown.table.k;
                let look = Aggregate::first_look(
                    profile,
                    &measures,
                    k,
                    granularity,
                    &filters,
                    inline_frames,
                );
                if !send_quick(look) {
                    return false;
                }
                if !current(generation) {
                    return true;
                }
            }
            let agg = Aggregate::from_base(
                profile,
                &measures,
                granularity,
                &filters,
                inline_frames,
                base,
                Some(shown.table.k),
            );
            let (complete, frames) = (agg.complete, Arc::clone(&agg.frames));
            if !send_quick(agg) {
                return false;
            }
            if complete {
                return true;
            }
            if !current(generation) {
                return true;
            }
            let graph = Graph::build(profile, &frames, &measures, None);
            done.send(Done::Edges { generation, graph }).is_ok()
        }
    }
}
