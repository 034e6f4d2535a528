//! pprof's node tags: the labels of the samples that pass through each
//! node, summed per node (`Node.LabelTags` and `Node.NumericTags` in
//! pprof's graph). `--dot` draws them as nodelets and counts them when it
//! chooses which nodes to show.
//!
//! As in pprof's `newGraph` for reports, the string labels of a sample
//! (all but `pprof::base`) make one tag, `key:value` pairs sorted and
//! joined by a literal `\n`; of the numeric labels only `bytes` is kept,
//! one tag per printed value (`1.14MB`), grouped under the sample's string
//! tag.

use crate::analysis::tags::{is_numeric_label, is_string_label, num_label_units};
use crate::analysis::{Frames, Measure, NodeId};
use crate::measurement::{OutputUnit, scaled_label};
use crate::profile::Profile;
use rustc_hash::FxHashMap;

/// One tag of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The joined string labels, or the printed numeric value.
    pub name: String,
    /// The numeric label's unit (empty for string tags).
    pub unit: String,
    /// The first raw numeric value seen with this name at this node.
    pub value: i64,
    /// Value of the samples ending at the node (raw sums).
    pub flat: i64,
    /// Divisor sums for means.
    pub flat_div: i64,
    /// Value of the samples through the node.
    pub cum: i64,
    /// Divisor sums for means.
    pub cum_div: i64,
}

impl Tag {
    fn new(name: String, unit: String, value: i64) -> Tag {
        Tag {
            name,
            unit,
            value,
            flat: 0,
            flat_div: 0,
            cum: 0,
            cum_div: 0,
        }
    }

    /// The flat value shown (divided for means).
    pub fn flat_value(&self) -> i64 {
        divided(self.flat, self.flat_div)
    }

    /// The cum value shown (divided for means).
    pub fn cum_value(&self) -> i64 {
        divided(self.cum, self.cum_div)
    }
}

pub(super) fn divided(value: i64, div: i64) -> i64 {
    if div == 0 {
        value
    } else {
        value.wrapping_div(div)
    }
}

/// pprof's `SortTags`: by |flat| (or |cum| first, for `flat == false`)
/// descending, then by name.
///
/// pprof compares values, then |values|: tags of opposite values (a
/// comparison) are then in no order, which Rust's sort does not put up
/// with; values of one size compare by what comes next here.
pub fn sort_tags(tags: &mut [Tag], flat: bool) {
    tags.sort_by(|a, b| {
        let by_cum = match flat {
            true => std::cmp::Ordering::Equal,
            false => b.cum.wrapping_abs().cmp(&a.cum.wrapping_abs()),
        };
        by_cum
            .then_with(|| b.flat.wrapping_abs().cmp(&a.flat.wrapping_abs()))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// Which tags every sample carries, worked out once per report.
pub struct TagSpec {
    /// Per sample: its string tag (index into `label_names`), if any.
    sample_label: Vec<Option<u32>>,
    /// `numeric_tags[numeric_starts[s]..numeric_starts[s + 1]]`: sample
    /// `s`'s numeric tags as (index into `numeric`, raw value).
    numeric_starts: Vec<u32>,
    numeric_tags: Vec<(u32, i64)>,
    label_names: Vec<String>,
    /// Numeric tag kinds: (string tag group, printed value, unit).
    numeric: Vec<(Option<u32>, String, String)>,
}

impl TagSpec {
    /// The tags of `profile`'s samples; `None` when no sample has any, so
    /// no node can. `unit` prints numeric values (the report's `--unit`
    /// before one is chosen: `Auto` for `minimum`).
    pub fn new(profile: &Profile, unit: &OutputUnit) -> Option<TagSpec> {
        let samples = &profile.samples;
        let base_key = profile.strings.find(b"pprof::base");
        let bytes_key = profile.strings.find(b"bytes");
        let bytes_unit = bytes_key.and_then(|k| num_label_units(profile).get(&k).cloned());
        let mut spec = TagSpec {
            sample_label: vec![None; samples.len()],
            numeric_starts: Vec::with_capacity(samples.len() + 1),
            numeric_tags: Vec::new(),
            label_names: Vec::new(),
            numeric: Vec::new(),
        };
        let mut label_index: FxHashMap<String, u32> = FxHashMap::default();
        let mut numeric_index: FxHashMap<(Option<u32>, String), u32> = FxHashMap::default();
        let mut by_value: FxHashMap<(Option<u32>, i64), u32> = FxHashMap::default();
        let mut any = false;
        let mut pairs: Vec<Vec<u8>> = Vec::new();
        spec.numeric_starts.push(0);
        for s in 0..samples.len() {
            let labels = samples.labels(s);
            pairs.clear();
            for l in labels.iter().filter(|l| is_string_label(l)) {
                if Some(l.key) != base_key {
                    let (k, v) = (profile.strings.get(l.key), profile.strings.get(l.str));
                    pairs.push([k, b":", v].concat());
                }
            }
            let group = (!pairs.is_empty()).then(|| {
                pairs.sort();
                let joined = String::from_utf8_lossy(&pairs.join(&b"\\n"[..])).into_owned();
                let next = label_index.len() as u32;
                *label_index.entry(joined.clone()).or_insert_with(|| {
                    spec.label_names.push(joined);
                    next
                })
            });
            any |= group.is_some();
            spec.sample_label[s] = group;
            if let (Some(key), Some(num_unit)) = (bytes_key, &bytes_unit) {
                for l in labels
                    .iter()
                    .filter(|l| l.key == key && is_numeric_label(l))
                {
                    // Sizes repeat: print each (group, value) once.
                    let id = match by_value.get(&(group, l.num)) {
                        Some(&id) => id,
                        None => {
                            let name = scaled_label(l.num, num_unit, unit);
                            let next = numeric_index.len() as u32;
                            let id =
                                *numeric_index
                                    .entry((group, name.clone()))
                                    .or_insert_with(|| {
                                        spec.numeric.push((group, name, num_unit.clone()));
                                        next
                                    });
                            by_value.insert((group, l.num), id);
                            id
                        }
                    };
                    spec.numeric_tags.push((id, l.num));
                    any = true;
                }
            }
            spec.numeric_starts.push(spec.numeric_tags.len() as u32);
        }
        any.then_some(spec)
    }

    fn numeric_of(&self, s: usize) -> &[(u32, i64)] {
        &self.numeric_tags[self.numeric_starts[s] as usize..self.numeric_starts[s + 1] as usize]
    }

    fn has_tags(&self, s: usize) -> bool {
        self.sample_label[s].is_some() || self.numeric_starts[s] != self.numeric_starts[s + 1]
    }
}

/// The tags of the nodes of one graph.
#[derive(Debug, Default)]
pub struct NodeTags {
    /// String tags per node.
    labels: FxHashMap<NodeId, Vec<Tag>>,
    /// Numeric tags per node, grouped by string tag name ("" for none).
    numeric: FxHashMap<NodeId, Vec<(String, Vec<Tag>)>>,
}

/// Sums of one tag at one node, while collecting.
#[derive(Clone, Copy)]
struct Sums {
    value: i64,
    flat: i64,
    flat_div: i64,
    cum: i64,
    cum_div: i64,
}

impl Sums {
    fn add(&mut self, w: i64, dw: i64, flat: bool) {
        if flat {
            self.flat = self.flat.wrapping_add(w);
            self.flat_div = self.flat_div.wrapping_add(dw);
        } else {
            self.cum = self.cum.wrapping_add(w);
            self.cum_div = self.cum_div.wrapping_add(dw);
        }
    }
}

impl NodeTags {
    /// The tags of `wanted` nodes in the graph of `measure` over `frames`,
    /// built as [`crate::analysis::Graph::build`] builds it with
    /// `kept_nodes`: each sample adds its value to the tags of every node
    /// on its stack once, and as flat to its leaf (unless the leaf was left
    /// out).
    pub fn collect(
        profile: &Profile,
        frames: &Frames,
        measure: Measure,
        kept_nodes: Option<&[bool]>,
        wanted: &[NodeId],
        spec: &TagSpec,
    ) -> NodeTags {
        let mut want = vec![false; frames.nodes.len()];
        for &n in wanted {
            want[n as usize] = true;
        }
        let mut stamp = vec![u32::MAX; frames.nodes.len()];
        let mut labels: FxHashMap<(NodeId, u32), Sums> = FxHashMap::default();
        let mut numeric: FxHashMap<(NodeId, u32), Sums> = FxHashMap::default();
        let mut add = |node: NodeId, s: usize, w: i64, dw: i64, flat: bool| {
            if let Some(group) = spec.sample_label[s] {
                let zero = Sums {
                    value: 0,
                    flat: 0,
                    flat_div: 0,
                    cum: 0,
                    cum_div: 0,
                };
                labels.entry((node, group)).or_insert(zero).add(w, dw, flat);
            }
            for &(tag, value) in spec.numeric_of(s) {
                let first = Sums {
                    value,
                    flat: 0,
                    flat_div: 0,
                    cum: 0,
                    cum_div: 0,
                };
                numeric.entry((node, tag)).or_insert(first).add(w, dw, flat);
            }
        };
        for s in 0..profile.samples.len() {
            if !spec.has_tags(s) || !frames.keeps_sample(s) {
                continue;
            }
            let values = profile.samples.values(s);
            let w = values[measure.index];
            let dw = if measure.mean { values[0] } else { 0 };
            if w == 0 && dw == 0 {
                continue;
            }
            let mut leaf: Option<NodeId> = None;
            let mut residual = false;
            for &loc in frames.stack(profile, s).iter().rev() {
                for &node in frames.location(loc).iter().rev() {
                    if kept_nodes.is_some_and(|kept| !kept[node as usize]) {
                        residual = true;
                        continue;
                    }
                    if want[node as usize] && stamp[node as usize] != s as u32 {
                        stamp[node as usize] = s as u32;
                        add(node, s, w, dw, false);
                    }
                    leaf = Some(node);
                    residual = false;
                }
            }
            if let Some(leaf) = leaf.filter(|&n| !residual && want[n as usize]) {
                add(leaf, s, w, dw, true);
            }
        }
        let mut tags = NodeTags::default();
        for ((node, group), sums) in labels {
            let name = spec.label_names[group as usize].clone();
            tags.labels
                .entry(node)
                .or_default()
                .push(sums.into_tag(name, String::new()));
        }
        for ((node, tag), sums) in numeric {
            let (group, name, unit) = &spec.numeric[tag as usize];
            let group_name = group.map_or(String::new(), |g| spec.label_names[g as usize].clone());
            let groups = tags.numeric.entry(node).or_default();
            let at = match groups.iter().position(|(g, _)| *g == group_name) {
                Some(at) => at,
                None => {
                    groups.push((group_name, Vec::new()));
                    groups.len() - 1
                }
            };
            groups[at].1.push(sums.into_tag(name.clone(), unit.clone()));
        }
        tags
    }

    /// pprof's `TrimLowFrequencyTags`: drops the tags whose |flat| and
    /// |cum| are both below `cutoff`.
    pub fn trim(&mut self, cutoff: i64) {
        let keep = |t: &Tag| t.flat.wrapping_abs() >= cutoff || t.cum.wrapping_abs() >= cutoff;
        for tags in self.labels.values_mut() {
            tags.retain(keep);
        }
        for groups in self.numeric.values_mut() {
            for (_, tags) in groups.iter_mut() {
                tags.retain(keep);
            }
        }
    }

    /// pprof's `countTags`: the tags of `node` with a flat value.
    pub fn count_flat(&self, node: NodeId) -> usize {
        let labels = self
            .labels
            .get(&node)
            .map_or(0, |tags| tags.iter().filter(|t| t.flat != 0).count());
        let numeric = self.numeric.get(&node).map_or(0, |groups| {
            groups
                .iter()
                .map(|(_, tags)| tags.iter().filter(|t| t.flat != 0).count())
                .sum()
        });
        labels + numeric
    }

    /// The string tags of `node`, in no order.
    pub fn labels(&self, node: NodeId) -> &[Tag] {
        self.labels.get(&node).map_or(&[], Vec::as_slice)
    }

    /// The numeric tags of `node` under string tag `group` ("" for the
    /// samples without string labels), in no order.
    pub fn numeric(&self, node: NodeId, group: &str) -> Option<&[Tag]> {
        self.numeric
            .get(&node)?
            .iter()
            .find(|(g, _)| g == group)
            .map(|(_, tags)| tags.as_slice())
    }
}

impl Sums {
    fn into_tag(self, name: String, unit: String) -> Tag {
        Tag {
            flat: self.flat,
            flat_div: self.flat_div,
            cum: self.cum,
            cum_div: self.cum_div,
            ..Tag::new(name, unit, self.value)
        }
    }
}
