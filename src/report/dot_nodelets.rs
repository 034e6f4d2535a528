//! `-dot`'s nodelets: the tags of a node drawn as small boxes hanging off
//! it (pprof's `addNodelets`): up to four string tags, and numeric tags
//! collapsed into at most four ranges (`1.14MB..4.41MB`).

use super::node_tags::{NodeTags, Tag, sort_tags};
use super::visual::{MAX_NODELETS, go_f64_to_i64};
use crate::analysis::NodeId;
use crate::measurement::{self as units, OutputUnit};

/// Writes the nodelets of node `n` (numbered `id`); `has_out_edges` decides
/// whether its flat tags (inner nodes) or cum tags (leaves) are drawn.
/// Returns whether any was written.
pub fn nodelets(
    out: &mut Vec<u8>,
    tags: Option<&NodeTags>,
    n: NodeId,
    id: usize,
    has_out_edges: bool,
    format: &dyn Fn(i64) -> String,
) -> bool {
    let Some(tags) = tags else {
        return false;
    };
    let start = out.len();
    let flat_tags = has_out_edges;
    let mut labels = tags.labels(n).to_vec();
    sort_tags(&mut labels, flat_tags);
    labels.truncate(MAX_NODELETS);
    for (i, t) in labels.iter().enumerate() {
        let w = if flat_tags {
            t.flat_value()
        } else {
            t.cum_value()
        };
        if w == 0 {
            continue;
        }
        let weight = format(w);
        out.extend_from_slice(format!("N{id}_{i} [label = \"").as_bytes());
        out.extend_from_slice(t.name.as_bytes());
        out.extend_from_slice(
            format!(
                "\" id=\"N{id}_{i}\" fontsize=8 shape=box3d tooltip=\"{weight}\"]\n\
                 N{id} -> N{id}_{i} [label=\" {weight}\" weight=100 tooltip=\"{weight}\" labeltooltip=\"{weight}\"]\n"
            )
            .as_bytes(),
        );
        if let Some(numeric) = tags.numeric(n, &t.name).filter(|t| !t.is_empty()) {
            numeric_nodelets(out, numeric, flat_tags, &format!("N{id}_{i}"), format);
        }
    }
    if let Some(numeric) = tags.numeric(n, "").filter(|t| !t.is_empty()) {
        numeric_nodelets(out, numeric, flat_tags, &format!("N{id}"), format);
    }
    out.len() != start
}

/// pprof's `numericNodelets`: numeric tags in at most four groups.
fn numeric_nodelets(
    out: &mut Vec<u8>,
    tags: &[Tag],
    flat_tags: bool,
    source: &str,
    format: &dyn Fn(i64) -> String,
) {
    for (j, t) in collapsed_tags(tags, MAX_NODELETS, flat_tags)
        .iter()
        .enumerate()
    {
        let (w, attr) = if flat_tags || t.flat_value() == t.cum_value() {
            (t.flat_value(), "")
        } else {
            (t.cum_value(), " style=\"dotted\"")
        };
        if w == 0 {
            continue;
        }
        let weight = format(w);
        out.extend_from_slice(format!("N{source}_{j} [label = \"").as_bytes());
        out.extend_from_slice(t.name.as_bytes());
        out.extend_from_slice(
            format!(
                "\" id=\"N{source}_{j}\" fontsize=8 shape=box3d tooltip=\"{weight}\"]\n\
                 {source} -> N{source}_{j} [label=\" {weight}\" weight=100 tooltip=\"{weight}\" labeltooltip=\"{weight}\"{attr}]\n"
            )
            .as_bytes(),
        );
    }
}

/// pprof's `collapsedTags`: the `count` heaviest tags seed groups, every
/// other tag joins the seed nearest in value; each group becomes one tag
/// named by its range.
fn collapsed_tags(tags: &[Tag], count: usize, flat_tags: bool) -> Vec<Tag> {
    let mut tags = tags.to_vec();
    sort_tags(&mut tags, flat_tags);
    if tags.len() <= count {
        return tags;
    }
    let mut groups: Vec<Vec<&Tag>> = tags[..count].iter().map(|t| vec![t]).collect();
    for t in &tags[count..] {
        let mut best = 0;
        let mut best_distance = tag_distance(t, groups[0][0]);
        for (i, group) in groups.iter().enumerate().skip(1) {
            let d = tag_distance(t, group[0]);
            if d < best_distance {
                (best, best_distance) = (i, d);
            }
        }
        groups[best].push(t);
    }
    let mut collapsed: Vec<Tag> = groups.iter().map(|g| group_tag(g)).collect();
    sort_tags(&mut collapsed, flat_tags);
    collapsed
}

/// How far `u`'s value is from `t`'s, in `t`'s unit.
fn tag_distance(t: &Tag, u: &Tag) -> f64 {
    let (v, _) = units::scale(u.value, &u.unit, &OutputUnit::Named(t.unit.clone()));
    (v - t.value as f64).abs()
}

/// pprof's `tagGroupLabel`: the group's range and summed values.
fn group_tag(group: &[&Tag]) -> Tag {
    let label = |t: &Tag| units::scaled_label(t.value, &t.unit, &OutputUnit::Auto);
    if let [t] = group {
        return Tag {
            name: label(t),
            flat: t.flat_value(),
            cum: t.cum_value(),
            flat_div: 0,
            cum_div: 0,
            ..(*t).clone()
        };
    }
    let (mut min, mut max) = (group[0], group[0]);
    let (mut flat, mut flat_div, mut cum, mut cum_div) =
        (min.flat, min.flat_div, min.cum, min.cum_div);
    let in_unit_of = |t: &Tag, of: &Tag| {
        let (v, _) = units::scale(t.value, &t.unit, &OutputUnit::Named(of.unit.clone()));
        go_f64_to_i64(v)
    };
    for &t in &group[1..] {
        if in_unit_of(t, min) < min.value {
            min = t;
        }
        if in_unit_of(t, max) > max.value {
            max = t;
        }
        flat = flat.wrapping_add(t.flat);
        flat_div = flat_div.wrapping_add(t.flat_div);
        cum = cum.wrapping_add(t.cum);
        cum_div = cum_div.wrapping_add(t.cum_div);
    }
    let name = [label(min), label(max)].join("..");
    Tag {
        name,
        unit: String::new(),
        value: 0,
        flat: super::node_tags::divided(flat, flat_div),
        flat_div: 0,
        cum: super::node_tags::divided(cum, cum_div),
        cum_div: 0,
    }
}
