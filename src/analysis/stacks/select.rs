//! Selection by filters: which samples and nodes of [`Stacks`] a set of
//! filters keeps, or that this fast path cannot apply them.

use super::build::Index;
use super::{SINKS, Stacks};
use crate::analysis::filter::Filters;
use crate::analysis::frames::{Frames, tags_keep};
use crate::analysis::location_filter::{FocusMark, LocationFilter, StringMatches};
use crate::analysis::node::NodeId;
use crate::analysis::node_set::NodeSet;
use crate::analysis::parallel::{THREADS, even_split, in_parallel};
use crate::profile::{LocationIdx, Profile};

/// Which samples and nodes survive a set of filters, for a [`Stacks`].
#[derive(Debug, Clone)]
pub struct Selection {
    /// The nodes removed from every stack (hide, show, source filter).
    pub(super) hidden: NodeSet,
    pub(super) any_hidden: bool,
    /// Per node: its own row, or a sink row past the last node when hidden.
    pub(super) row: Vec<u32>,
    /// Samples (in the stacks' order) kept by focus, ignore and the tag
    /// filters; `None`: all.
    pub(super) sample_kept: Option<Vec<bool>>,
}

impl Selection {
    /// Keeps every sample and node of `node_count` nodes.
    pub(super) fn everything(node_count: usize) -> Selection {
        Selection {
            hidden: NodeSet::empty(node_count),
            any_hidden: false,
            row: Vec::new(),
            sample_kept: None,
        }
    }

    /// Whether sample `s` survives focus, ignore and the tag filters.
    #[inline]
    pub fn keeps_sample(&self, s: usize) -> bool {
        self.sample_kept.as_ref().is_none_or(|kept| kept[s])
    }

    /// Whether the filters changed nothing: every sample and node stays.
    pub fn keeps_everything(&self) -> bool {
        !self.any_hidden && self.sample_kept.is_none()
    }

    /// Whether `node` was removed from every stack.
    pub fn hides(&self, node: NodeId) -> bool {
        let node = node as usize;
        node >= self.hidden.node_count() || self.hidden.contains(node)
    }
}

impl Stacks {
    /// What `filters` keep, or `None` when this fast path cannot apply them
    /// exactly: `show_from`, `prune_from` and `-noinlines` change stacks
    /// in ways that are not per node, and so does a hide, show or source
    /// filter that removes some frames of a node but not others (a node of
    /// the `files` granularity spans many functions, say).
    pub fn select(&self, profile: &Profile, filters: &Filters) -> Option<Selection> {
        if filters.show_from.is_some() || filters.prune_from.is_some() {
            return None;
        }
        let n = self.frames.nodes.len();
        let hides = filters.hide.is_some()
            || filters.show.is_some()
            || filters.source_include.is_some()
            || filters.source_exclude.is_some();
        let matches = StringMatches::all(profile, filters);
        // Whether a node stays is judged from the functions of its lines
        // when nothing else matters (no pattern matches a binary): a few
        // table lookups per function, where going through the locations
        // takes most of a source filter's selection.
        let by_function = hides && !matches.binaries_matter(profile, filters);
        let by_location = hides && !by_function;
        // Whether each node stays, when binaries matter: per location,
        // each half of the locations on its own thread.
        let halves = match by_location {
            true => in_parallel(even_split(profile.locations.len(), THREADS), |range| {
                let mut filter = LocationFilter::with_matches(profile, filters, true, &matches);
                let mut state = vec![NodeState::Unseen; n];
                let mut kept = Vec::new();
                for l in range {
                    let (loc, lines) = (
                        &profile.locations[l],
                        profile.location_lines(l as LocationIdx),
                    );
                    let outcome = filter.keep_lines(loc, lines, &mut kept);
                    // A location without lines is one node, kept unless hidden.
                    let keeps = |i: usize| match lines.is_empty() {
                        true => !outcome.hidden,
                        false => kept[i],
                    };
                    for (i, &node) in self.frames.location(l as LocationIdx).iter().enumerate() {
                        state[node as usize] = state[node as usize].and(NodeState::of(keeps(i)))?;
                    }
                }
                Some(state)
            }),
            false => Vec::new(),
        };
        let mut state = vec![NodeState::Unseen; if hides { n } else { 0 }];
        for half in halves {
            for (all, this) in state.iter_mut().zip(half?) {
                *all = all.and(this)?;
            }
        }
        if by_function {
            let of_node = self.node_functions(profile);
            let function_kept = matches.kept_functions(filters, profile.functions.len());
            for &(node, f) in &of_node.pairs {
                let now = NodeState::of(function_kept[f as usize]);
                state[node as usize] = state[node as usize].and(now)?;
            }
            let now = NodeState::of(StringMatches::keeps_lineless(filters));
            for &node in &of_node.lineless {
                state[node as usize] = state[node as usize].and(now)?;
            }
        }
        state.resize(n, NodeState::Unseen);
        let hidden = NodeSet::from_fn(n, |node| state[node] == NodeState::Gone);
        let any_hidden = !hidden.is_empty();
        let row = match any_hidden {
            true => (0..n)
                .map(|node| match hidden.contains(node) {
                    true => (n + node % SINKS) as u32,
                    false => node as u32,
                })
                .collect(),
            false => Vec::new(),
        };
        let sample_kept = filters.selects_samples().then(|| {
            let marks = match filters.focus.is_some() || filters.ignore.is_some() {
                true => matches.focus_marks(profile, filters),
                false => Vec::new(),
            };
            self.select_samples(profile, filters, &marks)
        });
        Some(Selection {
            hidden,
            any_hidden,
            row,
            sample_kept,
        })
    }

    /// Which samples survive focus, ignore and the label filters, from how
    /// focus and ignore see each location (`marks`). Instead of reading
    /// every stack for a focused or ignored location, only the samples
    /// through the locations that matched are visited, from the index of
    /// samples by location.
    fn select_samples(
        &self,
        profile: &Profile,
        filters: &Filters,
        marks: &[FocusMark],
    ) -> Vec<bool> {
        let count = self.order.len();
        let mut kept = match filters.focus.is_some() {
            // Some focused location is needed.
            true => vec![false; count],
            // Any location that is not ignored will do.
            false => (0..count)
                .map(|s| self.starts[s] != self.starts[s + 1])
                .collect(),
        };
        if filters.focus.is_some() || filters.ignore.is_some() {
            let by_location = self
                .samples_by_location
                .get_or_init(|| Index::by_location(profile, &self.order));
            // The samples through locations marked `mark`, each half of
            // the locations on its own thread.
            let through = |mark: FocusMark| -> Vec<bool> {
                let halves = in_parallel(even_split(marks.len(), THREADS), |range| {
                    let mut hit = vec![false; count];
                    for l in range.filter(|&l| marks[l] == mark) {
                        for &s in by_location.samples(l) {
                            hit[s as usize] = true;
                        }
                    }
                    hit
                });
                let mut halves = halves.into_iter();
                let mut all = halves.next().unwrap_or_else(|| vec![false; count]);
                for half in halves {
                    for (a, h) in all.iter_mut().zip(half) {
                        *a |= h;
                    }
                }
                all
            };
            if filters.focus.is_some() {
                kept = through(FocusMark::Focused);
            }
            if filters.ignore.is_some() {
                for (keep, ignored) in kept.iter_mut().zip(through(FocusMark::Ignored)) {
                    *keep = *keep && !ignored;
                }
            }
        }
        if filters.tag_focus.is_some() || filters.tag_ignore.is_some() {
            for (s, keep) in kept.iter_mut().enumerate() {
                *keep = *keep && tags_keep(profile, filters, self.order[s] as usize);
            }
        }
        kept
    }

    /// Builds what the first filter would otherwise wait for: the index
    /// of samples by location (for focus and ignore) and the functions of
    /// each node (for hide, show and the source filter).
    pub fn prepare_filters(&self, profile: &Profile) {
        self.samples_by_location
            .get_or_init(|| Index::by_location(profile, &self.order));
        self.node_functions(profile);
    }

    /// The functions of each node's lines (built on first use).
    fn node_functions(&self, profile: &Profile) -> &NodeFunctions {
        self.node_functions
            .get_or_init(|| NodeFunctions::new(profile, &self.frames))
    }
}

/// The functions whose lines each node stands for, and the nodes of the
/// locations without lines: what hide, show and the source filter judge a
/// node by when no binary matters, without going through every location
/// (the benchmark profile has 120,000 locations and 60,000 nodes).
pub(super) struct NodeFunctions {
    /// (node, function) for every line of every location, without repeats.
    pairs: Vec<(u32, u32)>,
    /// The nodes of locations without lines, without repeats.
    lineless: Vec<u32>,
}

impl NodeFunctions {
    fn new(profile: &Profile, frames: &Frames) -> NodeFunctions {
        let mut pairs = Vec::new();
        let mut lineless = Vec::new();
        for l in 0..profile.locations.len() as LocationIdx {
            let (lines, nodes) = (profile.location_lines(l), frames.location(l));
            match lines.is_empty() {
                true => lineless.extend_from_slice(nodes),
                false => pairs.extend(
                    nodes
                        .iter()
                        .zip(lines)
                        .map(|(&node, line)| (node, line.function)),
                ),
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        lineless.sort_unstable();
        lineless.dedup();
        NodeFunctions { pairs, lineless }
    }
}

/// Whether a node stays in the stacks, as seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeState {
    Unseen,
    Kept,
    Gone,
}

impl NodeState {
    /// A node's state as seen in one frame.
    fn of(kept: bool) -> NodeState {
        match kept {
            true => NodeState::Kept,
            false => NodeState::Gone,
        }
    }

    /// The state after also seeing `other`; `None` when some frames of
    /// the node stay and others go.
    fn and(self, other: NodeState) -> Option<NodeState> {
        match (self, other) {
            (NodeState::Unseen, x) | (x, NodeState::Unseen) => Some(x),
            (a, b) if a == b => Some(a),
            _ => None,
        }
    }
}
