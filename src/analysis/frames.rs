//! Locations turned into graph nodes, under a granularity and filters.
//!
//! This is the part of pprof's pipeline that rewrites the profile before the
//! graph is built: `FilterSamplesByName` (focus/ignore/hide/show), then
//! `Aggregate` (granularity), then the node identities of `CreateNodes`.
//! Instead of rewriting, ppt computes for every location the list of nodes
//! it contributes, and which samples survive.

use super::filter::{Filters, Pattern};
use super::granularity::Granularity;
use super::node::{NodeId, NodeInfo, NodeTable};
use crate::gopath;
use crate::profile::{Line, LocationIdx, Profile, StrId, simplify_function_name};

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
    /// Samples kept by focus/ignore/show_from; `None` keeps them all.
    sample_kept: Option<Vec<bool>>,
    /// The part of each stack that remains after show_from/prune_from, as
    /// a leaf-first index range; `None` keeps whole stacks.
    sample_windows: Option<Vec<(u32, u32)>>,
    /// The granularity the nodes were built for.
    pub granularity: Granularity,
}

#[derive(Clone, Copy, PartialEq)]
enum FocusMark {
    None,
    Focused,
    Ignored,
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
        let mut nodes = NodeTable::default();
        let mut location_nodes = Vec::with_capacity(profile.lines.len() + 16);
        let mut location_starts = Vec::with_capacity(profile.locations.len() + 1);
        location_starts.push(0u32);
        let mut marks = Vec::with_capacity(profile.locations.len());
        // Per location: matched by show_from, and cut by prune_from.
        let mut show_from_hit = vec![
            false;
            if filters.show_from.is_some() {
                profile.locations.len()
            } else {
                0
            }
        ];
        let mut prune_from_hit = vec![
            false;
            if filters.prune_from.is_some() {
                profile.locations.len()
            } else {
                0
            }
        ];
        let filters_samples = filters.selects_samples();
        let mut clean_paths: Vec<Option<StrId>> = vec![None; profile.functions.len()];
        let mut kept: Vec<Line> = Vec::new();

        for (l, loc) in profile.locations.iter().enumerate() {
            let lines = profile.location_lines(l as LocationIdx);
            let binary = loc
                .mapping
                .map(|m| profile.mappings[m as usize].file)
                .unwrap_or(StrId::EMPTY);
            let matches = |p: &Pattern, line: &Line| {
                let f = &profile.functions[line.function as usize];
                p.is_match(profile.strings.get(f.name))
                    || p.is_match(profile.strings.get(f.filename))
            };
            let binary_matches =
                |p: &Pattern| loc.mapping.is_some() && p.is_match(profile.strings.get(binary));
            let location_matches =
                |p: &Pattern| lines.iter().any(|line| matches(p, line)) || binary_matches(p);

            if filters_samples {
                marks.push(match (&filters.ignore, &filters.focus) {
                    (Some(ignore), _) if location_matches(ignore) => FocusMark::Ignored,
                    (_, None) => FocusMark::Focused,
                    (_, Some(focus)) if location_matches(focus) => FocusMark::Focused,
                    _ => FocusMark::None,
                });
            }

            kept.clear();
            kept.extend_from_slice(lines);
            let mut hidden = false;
            if let Some(hide) = &filters.hide
                && location_matches(hide)
            {
                if binary_matches(hide) {
                    kept.clear();
                } else {
                    kept.retain(|line| !matches(hide, line));
                }
                hidden |= kept.is_empty();
            }
            if let Some(show) = &filters.show
                && !binary_matches(show)
            {
                kept.retain(|line| matches(show, line));
            }
            if filters.show.is_some() && kept.is_empty() {
                hidden = true;
            }
            if let Some(show_from) = &filters.show_from {
                if binary_matches(show_from) {
                    show_from_hit[l] = true;
                } else if let Some(i) = kept.iter().rposition(|line| matches(show_from, line)) {
                    kept.truncate(i + 1);
                    show_from_hit[l] = true;
                }
            }
            if let Some(prune_from) = &filters.prune_from {
                let hit = kept.iter().position(|line| {
                    let name = profile
                        .strings
                        .get(profile.functions[line.function as usize].name);
                    !name.is_empty() && prune_from.is_match(simplify_function_name(name))
                });
                if let Some(i) = hit {
                    kept.drain(..i);
                    prune_from_hit[l] = true;
                }
            }
            if !inline_frames && kept.len() > 1 {
                kept.drain(..kept.len() - 1);
            }
            let file_of = |line: &Line| {
                profile
                    .strings
                    .get(profile.functions[line.function as usize].filename)
            };
            if let Some(include) = &filters.source_include {
                kept.retain(|line| include.is_match(file_of(line)));
                hidden |= kept.is_empty();
            }
            if let Some(exclude) = &filters.source_exclude {
                kept.retain(|line| !exclude.is_match(file_of(line)));
                hidden |= kept.is_empty();
            }

            if !hidden {
                if lines.is_empty() {
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
                    for line in &kept {
                        let info = line_info(
                            profile,
                            &mut nodes,
                            &mut clean_paths,
                            granularity,
                            loc.address,
                            binary,
                            line,
                        );
                        location_nodes.push(nodes.intern(info, profile));
                    }
                }
            }
            location_starts.push(location_nodes.len() as u32);
        }

        let location_starts_ref = &location_starts;
        let hidden = |loc: LocationIdx| {
            location_starts_ref[loc as usize] == location_starts_ref[loc as usize + 1]
        };
        let sample_windows =
            (filters.show_from.is_some() || filters.prune_from.is_some()).then(|| {
                (0..profile.samples.len())
                    .map(|s| {
                        let stack = profile.samples.stack(s);
                        let mut end = stack.len();
                        if filters.show_from.is_some() {
                            // Keep the leaf side up to the outermost match;
                            // no match leaves nothing (the sample is dropped).
                            end = (0..stack.len())
                                .rev()
                                .find(|&i| !hidden(stack[i]) && show_from_hit[stack[i] as usize])
                                .map_or(0, |i| i + 1);
                        }
                        let mut start = 0;
                        if filters.prune_from.is_some() {
                            start = (0..end)
                                .find(|&i| !hidden(stack[i]) && prune_from_hit[stack[i] as usize])
                                .unwrap_or(0);
                        }
                        (start as u32, end as u32)
                    })
                    .collect::<Vec<_>>()
            });
        let sample_kept = filters_samples.then(|| {
            (0..profile.samples.len())
                .map(|s| {
                    // Label filters come after the name filters in pprof,
                    // but both only keep or drop whole samples.
                    let tags_keep = filters
                        .tag_focus
                        .as_ref()
                        .is_none_or(|t| t.matches(profile, s))
                        && !filters
                            .tag_ignore
                            .as_ref()
                            .is_some_and(|t| t.matches(profile, s));
                    if !tags_keep {
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
                })
                .collect()
        });

        Frames {
            nodes,
            location_nodes,
            location_starts,
            sample_kept,
            sample_windows,
            granularity,
        }
    }

    /// The nodes of location `loc`, innermost first; empty when hidden.
    pub fn location(&self, loc: LocationIdx) -> &[NodeId] {
        let l = loc as usize;
        &self.location_nodes[self.location_starts[l] as usize..self.location_starts[l + 1] as usize]
    }

    /// Whether sample `s` survives focus and ignore.
    pub fn keeps_sample(&self, s: usize) -> bool {
        self.sample_kept.as_ref().is_none_or(|k| k[s])
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

/// The node identity of one line of a location, as pprof's `nodeInfo` after
/// `Aggregate` cleared what the granularity does not keep.
fn line_info(
    profile: &Profile,
    nodes: &mut NodeTable,
    clean_paths: &mut [Option<StrId>],
    granularity: Granularity,
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
        *clean_paths[line.function as usize].get_or_insert_with(|| {
            let path = trim_path(profile.strings.get(f.filename));
            nodes.paths.intern(&gopath::clean(path))
        })
    } else {
        StrId::EMPTY
    };
    let nameless = name.is_empty();
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

/// pprof strips the prefixes that Bazel-style builds leave in paths.
fn trim_path(path: &[u8]) -> &[u8] {
    for prefix in [&b"/proc/self/cwd/./"[..], b"/proc/self/cwd/"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return rest;
        }
    }
    path
}
