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
use crate::profile::{Line, LocationIdx, Profile, StrId};

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
    /// Samples kept by focus/ignore; `None` keeps them all.
    sample_kept: Option<Vec<bool>>,
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
        let mut nodes = NodeTable::default();
        let mut location_nodes = Vec::with_capacity(profile.lines.len() + 16);
        let mut location_starts = Vec::with_capacity(profile.locations.len() + 1);
        location_starts.push(0u32);
        let mut marks = Vec::with_capacity(profile.locations.len());
        let filters_samples = filters.focus.is_some() || filters.ignore.is_some();
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

        let sample_kept = filters_samples.then(|| {
            (0..profile.samples.len())
                .map(|s| {
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
