//! Locations turned into graph nodes, under a granularity and filters.
//!
//! This is the part of pprof's pipeline that rewrites the profile before the
//! graph is built: `FilterSamplesByName` (focus/ignore/hide/show), then
//! `Aggregate` (granularity), then the node identities of `CreateNodes`.
//! Instead of rewriting, ppt computes for every location the list of nodes
//! it contributes, and which samples survive.

use super::filter::Filters;
use super::granularity::Granularity;
use super::location_filter::{FocusMark, LocationFilter, LocationOutcome};
use super::node::{NodeId, NodeInfo, NodeTable};
use crate::gopath;
use crate::profile::{Line, LocationIdx, Profile, StrId};
use crate::source_files;

/// How frames become nodes, beyond granularity and filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOptions {
    /// Keep inlined frames as nodes of their own (pprof's default; off is
    /// `-noinlines`).
    pub inline_frames: bool,
    /// Keep every frame's binary and function start line in its identity
    /// (pprof's `ObjNames`, for `-callgrind` and `-list`).
    pub obj_names: bool,
    /// pprof's `-trim_path` (`:`-separated prefixes), applied to file names.
    pub trim_path: String,
    /// pprof's `-source_path` as given: its directories' names also trim
    /// file names (see [`source_files::trim_path`]).
    pub source_path: String,
}

impl Default for FrameOptions {
    fn default() -> Self {
        FrameOptions {
            inline_frames: true,
            obj_names: false,
            trim_path: String::new(),
            source_path: String::new(),
        }
    }
}

/// In [`Frames::location_node`]: the location has no node or several.
const NOT_ONE: NodeId = NodeId::MAX;

/// Every location's nodes and the surviving samples.
#[derive(Debug, Clone)]
pub struct Frames {
    /// The nodes.
    pub nodes: NodeTable,
    /// `location_nodes[location_starts[l]..location_starts[l + 1]]` are the
    /// nodes of location `l`, innermost inlined frame first. A location with
    /// no nodes was hidden and is skipped in every stack.
    location_nodes: Vec<NodeId>,
    location_starts: Vec<u32>,
    /// The node of each location that has exactly one (most do), else
    /// [`NOT_ONE`]: a pass over millions of frames reads one array
    /// instead of two.
    location_node: Vec<NodeId>,
    /// Samples kept by focus/ignore/show_from; `None` keeps them all.
    sample_kept: Option<Vec<bool>>,
    /// The part of each stack that remains after show_from/prune_from, as
    /// a leaf-first index range; `None` keeps whole stacks.
    sample_windows: Option<Vec<(u32, u32)>>,
    /// The granularity the nodes were built for.
    pub granularity: Granularity,
}

impl Frames {
    /// Applies `filters` and `granularity` to every location of `profile`.
    pub fn new(profile: &Profile, granularity: Granularity, filters: &Filters) -> Frames {
        Frames::with_inlining(profile, granularity, filters, true)
    }

    /// Like [`Frames::new`]; without `inline_frames`, a location keeps only
    /// the function its lines were inlined into (pprof's `-noinlines`).
    pub fn with_inlining(
        profile: &Profile,
        granularity: Granularity,
        filters: &Filters,
        inline_frames: bool,
    ) -> Frames {
        let options = FrameOptions {
            inline_frames,
            ..FrameOptions::default()
        };
        Frames::with_options(profile, granularity, filters, &options)
    }

    /// Like [`Frames::new`], with every choice a report can make.
    pub fn with_options(
        profile: &Profile,
        granularity: Granularity,
        filters: &Filters,
        options: &FrameOptions,
    ) -> Frames {
        let inline_frames = options.inline_frames;
        let mut filter = LocationFilter::new(profile, filters, inline_frames);
        let mut nodes = NodeTable::default();
        let mut location_nodes = Vec::with_capacity(profile.lines.len() + 16);
        let mut location_starts = Vec::with_capacity(profile.locations.len() + 1);
        location_starts.push(0u32);
        let mut outcomes = Vec::with_capacity(profile.locations.len());
        let mut marks = Vec::new();
        // By file name: far fewer files than functions.
        let mut clean_paths: Vec<Option<StrId>> = vec![None; profile.strings.len()];
        let mut function_nodes: Vec<Option<NodeId>> = vec![None; profile.functions.len()];
        let mut kept: Vec<bool> = Vec::new();

        for (l, loc) in profile.locations.iter().enumerate() {
            let lines = profile.location_lines(l as LocationIdx);
            if filters.selects_samples() {
                marks.push(filter.focus_mark(loc, lines));
            }
            let outcome = filter.keep_lines(loc, lines, &mut kept);
            let binary = filter.binary(loc);
            if outcome.hidden {
                // No nodes: the location disappears from every stack.
            } else if lines.is_empty() {
                // An unsymbolized location is one node: its address (when
                // kept) and its binary.
                let info = NodeInfo {
                    name: StrId::EMPTY,
                    file: StrId::EMPTY,
                    address: if granularity.keeps_address() {
                        loc.address
                    } else {
                        0
                    },
                    start_line: 0,
                    line: 0,
                    objfile: binary,
                };
                location_nodes.push(nodes.intern(info, profile));
            } else {
                for line in lines
                    .iter()
                    .zip(&kept)
                    .filter_map(|(line, &keep)| keep.then_some(line))
                {
                    // A named function's node is the same at every line
                    // when neither addresses nor lines are kept: found
                    // once per function rather than once per line.
                    let by_function = !granularity.keeps_address()
                        && !granularity.keeps_line()
                        && !options.obj_names;
                    let f = line.function as usize;
                    if by_function && let Some(node) = function_nodes[f] {
                        location_nodes.push(node);
                        continue;
                    }
                    let info = line_info(
                        profile,
                        &mut nodes,
                        &mut clean_paths,
                        granularity,
                        options,
                        loc.address,
                        binary,
                        line,
                    );
                    let node = nodes.intern(info, profile);
                    // Only a name keeps the binary out of the identity.
                    if by_function && !info.name.is_empty() {
                        function_nodes[f] = Some(node);
                    }
                    location_nodes.push(node);
                }
            }
            location_starts.push(location_nodes.len() as u32);
            outcomes.push(outcome);
        }

        let sample_windows = (filters.show_from.is_some() || filters.prune_from.is_some())
            .then(|| sample_windows(profile, filters, &outcomes));
        let sample_kept = filters
            .selects_samples()
            .then(|| select_samples(profile, filters, &marks));
        nodes.done_interning();
        let location_node = location_starts
            .windows(2)
            .map(|w| match w[1] - w[0] {
                1 => location_nodes[w[0] as usize],
                _ => NOT_ONE,
            })
            .collect();
        Frames {
            nodes,
            location_nodes,
            location_starts,
            location_node,
            sample_kept,
            sample_windows,
            granularity,
        }
    }

    /// The nodes of location `loc`, innermost first; empty when hidden.
    #[inline]
    pub fn location(&self, loc: LocationIdx) -> &[NodeId] {
        let l = loc as usize;
        let one = &self.location_node[l];
        if *one != NOT_ONE {
            return std::slice::from_ref(one);
        }
        &self.location_nodes[self.location_starts[l] as usize..self.location_starts[l + 1] as usize]
    }

    /// Whether sample `s` survives focus and ignore.
    pub fn keeps_sample(&self, s: usize) -> bool {
        self.sample_kept.as_ref().is_none_or(|kept| kept[s])
    }

    /// The stack of sample `s` as the graph sees it, leaf first: cut by
    /// show_from and prune_from (hidden locations are still in it).
    pub fn stack<'p>(&self, profile: &'p Profile, s: usize) -> &'p [LocationIdx] {
        let stack = profile.samples.stack(s);
        match &self.sample_windows {
            Some(windows) => &stack[windows[s].0 as usize..windows[s].1 as usize],
            None => stack,
        }
    }
}

/// pprof's `ShowFrom` and `PruneFrom` on every stack, as leaf-first index
/// ranges: show_from keeps the leaf side up to the outermost matching
/// location (nothing when none matches: the sample goes), prune_from then
/// drops what lies below the innermost matching location.
pub(super) fn sample_windows(
    profile: &Profile,
    filters: &Filters,
    outcomes: &[LocationOutcome],
) -> Vec<(u32, u32)> {
    // Hidden locations were already removed from the stacks in pprof.
    let visible = |loc: LocationIdx| !outcomes[loc as usize].hidden;
    (0..profile.samples.len())
        .map(|s| {
            let stack = profile.samples.stack(s);
            let mut end = stack.len();
            if filters.show_from.is_some() {
                end = (0..stack.len())
                    .rev()
                    .find(|&i| visible(stack[i]) && outcomes[stack[i] as usize].show_from)
                    .map_or(0, |i| i + 1);
            }
            let mut start = 0;
            if filters.prune_from.is_some() {
                start = (0..end)
                    .find(|&i| visible(stack[i]) && outcomes[stack[i] as usize].prune_from)
                    .unwrap_or(0);
            }
            (start as u32, end as u32)
        })
        .collect()
}

/// Which samples survive focus/ignore and the label filters.
pub(super) fn select_samples(
    profile: &Profile,
    filters: &Filters,
    marks: &[FocusMark],
) -> Vec<bool> {
    (0..profile.samples.len())
        .map(|s| sample_survives(profile, filters, marks, s))
        .collect()
}

/// Whether sample `s` survives pprof's `focusedAndNotIgnored` (some focused
/// location and no ignored one) and the label filters.
pub(super) fn sample_survives(
    profile: &Profile,
    filters: &Filters,
    marks: &[FocusMark],
    s: usize,
) -> bool {
    if !tags_keep(profile, filters, s) {
        return false;
    }
    if filters.focus.is_none() && filters.ignore.is_none() {
        return true;
    }
    let mut focused = false;
    for &loc in profile.samples.stack(s) {
        match marks[loc as usize] {
            FocusMark::Ignored => return false,
            FocusMark::Focused => focused = true,
            FocusMark::None => {}
        }
    }
    focused
}

/// Whether sample `s` survives the label filters.
pub(super) fn tags_keep(profile: &Profile, filters: &Filters, s: usize) -> bool {
    filters
        .tag_focus
        .as_ref()
        .is_none_or(|t| t.matches(profile, s))
        && !filters
            .tag_ignore
            .as_ref()
            .is_some_and(|t| t.matches(profile, s))
}

/// The node identity of one line of a location, as pprof's `nodeInfo` after
/// `Aggregate` cleared what the granularity does not keep.
#[allow(clippy::too_many_arguments)]
fn line_info(
    profile: &Profile,
    nodes: &mut NodeTable,
    clean_paths: &mut [Option<StrId>],
    granularity: Granularity,
    options: &FrameOptions,
    address: u64,
    binary: StrId,
    line: &Line,
) -> NodeInfo {
    let f = &profile.functions[line.function as usize];
    let name = if granularity.keeps_function() {
        f.name
    } else {
        StrId::EMPTY
    };
    let file = if granularity.keeps_file() && !f.filename.is_empty() {
        *clean_paths[f.filename.0 as usize].get_or_insert_with(|| {
            let path = source_files::trim_path(
                profile.strings.get(f.filename),
                &options.trim_path,
                &options.source_path,
            );
            // A name trimmed to nothing is no file (pprof cleans only
            // non-empty names).
            match path.is_empty() {
                true => StrId::EMPTY,
                false => nodes.paths.intern(&gopath::clean(path)),
            }
        })
    } else {
        StrId::EMPTY
    };
    // pprof keeps the binary and start line of every frame for reports
    // about code in binaries (callgrind, list), else only where no name
    // tells frames apart.
    let nameless = name.is_empty() || options.obj_names;
    NodeInfo {
        name,
        file,
        address: if granularity.keeps_address() {
            address
        } else {
            0
        },
        start_line: if nameless { f.start_line } else { 0 },
        line: if granularity.keeps_line() {
            line.line
        } else {
            0
        },
        objfile: if nameless { binary } else { StrId::EMPTY },
    }
}
