//! `-traces`: every sample that the filters leave, one block each, as
//! pprof's `printTraces` prints them: its labels, its value and its stack,
//! leaf first, one frame a line.
//!
//! pprof prints the profile as it holds it after loading (merged, see
//! [`Profile::merged`]): no graph, no trimming, no sorting. Frames are named
//! as graph nodes are at the report's granularity, with file names as the
//! profile has them (cleaned, not trimmed).

use super::chunks::render_in_order;
use super::header::profile_labels;
use super::{Report, ReportError, ReportOptions, resolve_measure};
use crate::analysis::tags::{is_numeric_label, is_string_label, num_label_units};
use crate::analysis::{Filtered, Granularity, NodeInfo, NodeTable};
use crate::gopath;
use crate::measurement::{OutputUnit, scaled_label};
use crate::profile::{LocationIdx, Profile, StrId};
use rustc_hash::FxHashMap;
use std::io::Write;
use std::ops::Range;

/// The line between samples: 11 dashes, `+`, 55 dashes.
const SEPARATOR: &[u8] = b"-----------+-------------------------------------------------------\n";

/// Width of the value column (`%10s`).
const VALUE_WIDTH: usize = 10;

/// Writes the `-traces` report of `profile` to `out`.
pub fn traces(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let merged = profile.merged();
    let profile: &Profile = &merged;
    let measure = resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
    let mut report = Report::new(profile, measure);
    // Traces print every value with the unit asked for, scaled on its own
    // by default: pprof selects no unit for this report.
    report.set_unit(options.unit.as_deref());
    let filtered = Filtered::new(profile, &options.filters, options.inline_frames);

    let mut header = Vec::new();
    for line in profile_labels(&report) {
        if !header.is_empty() {
            header.push(b'\n');
        }
        header.extend_from_slice(&line);
    }
    header.push(b'\n');
    out.write_all(&header)?;

    let frames = FrameLines::new(&filtered, options.granularity);
    let units = num_label_units(profile);
    let samples: Vec<usize> = filtered.samples().collect();
    let render = |state: &mut Scratch, items: Range<usize>, buf: &mut Vec<u8>| {
        for &s in &samples[items] {
            state.stack.clear();
            state.stack.extend(filtered.stack(s));
            // A sample whose frames were all removed prints nothing.
            let Some(first) = state
                .stack
                .iter()
                .position(|&l| !frames.block(l).is_empty())
            else {
                continue;
            };
            buf.extend_from_slice(SEPARATOR);
            write_labels(&filtered, s, &units, &mut state.numbers, buf);
            let values = profile.samples.values(s);
            let mut v = values[measure.index];
            if measure.mean && values[0] != 0 {
                v = v.wrapping_div(values[0]);
            }
            // Values repeat (sizes, periods): each is formatted once.
            let value = state
                .values
                .entry(v)
                .or_insert_with(|| format!("{:>VALUE_WIDTH$}", report.format_value(v)));
            buf.extend_from_slice(value.as_bytes());
            buf.extend_from_slice(&frames.block(state.stack[first])[VALUE_WIDTH..]);
            for &l in &state.stack[first + 1..] {
                buf.extend_from_slice(frames.block(l));
            }
        }
    };
    render_in_order(samples.len(), Scratch::default, render, out)?;
    out.write_all(SEPARATOR)?;
    Ok(())
}

/// What a thread printing samples keeps between them.
#[derive(Default)]
struct Scratch {
    stack: Vec<LocationIdx>,
    /// Sample values as printed (padded to the value column).
    values: FxHashMap<i64, String>,
    /// Numeric labels as printed, by key and value.
    numbers: FxHashMap<(StrId, i64), String>,
}

/// The stack lines of every location, ready to copy: each line is the
/// blank value column, three spaces, the frame's name, ` (inline)` for
/// every line but the last (the function the others were inlined into),
/// and a newline.
struct FrameLines {
    text: Vec<u8>,
    starts: Vec<u32>,
}

impl FrameLines {
    fn new(filtered: &Filtered<'_>, granularity: Granularity) -> FrameLines {
        let profile = filtered.profile;
        let mut nodes = NodeTable::default();
        let mut clean_paths: FxHashMap<StrId, StrId> = FxHashMap::default();
        let mut text = Vec::new();
        let mut starts = Vec::with_capacity(profile.locations.len() + 1);
        starts.push(0u32);
        let mut names = Vec::new();
        for (l, loc) in profile.locations.iter().enumerate() {
            let l = l as LocationIdx;
            names.clear();
            if !filtered.is_hidden(l) {
                let binary = loc
                    .mapping
                    .map_or(StrId::EMPTY, |m| profile.mappings[m as usize].file);
                let address = match granularity.keeps_address() {
                    true => loc.address,
                    false => 0,
                };
                if loc.lines.is_empty() {
                    // pprof gives a location without lines one frame: its
                    // address and binary.
                    names.push(nodes.intern(
                        NodeInfo {
                            name: StrId::EMPTY,
                            file: StrId::EMPTY,
                            address,
                            start_line: 0,
                            line: 0,
                            objfile: binary,
                        },
                        profile,
                    ));
                }
                for line in filtered.lines(l) {
                    let f = &profile.functions[line.function as usize];
                    let name = match granularity.keeps_function() {
                        true => f.name,
                        false => StrId::EMPTY,
                    };
                    let file = if granularity.keeps_file() && !f.filename.is_empty() {
                        *clean_paths.entry(f.filename).or_insert_with(|| {
                            nodes
                                .paths
                                .intern(&gopath::clean(profile.strings.get(f.filename)))
                        })
                    } else {
                        StrId::EMPTY
                    };
                    let nameless = name.is_empty();
                    let info = NodeInfo {
                        name,
                        file,
                        address,
                        start_line: if nameless { f.start_line } else { 0 },
                        line: if granularity.keeps_line() {
                            line.line
                        } else {
                            0
                        },
                        objfile: if nameless { binary } else { StrId::EMPTY },
                    };
                    names.push(nodes.intern(info, profile));
                }
            }
            for (i, &n) in names.iter().enumerate() {
                text.extend_from_slice(&[b' '; VALUE_WIDTH + 3]);
                text.extend_from_slice(nodes.name(n));
                if i + 1 != names.len() {
                    text.extend_from_slice(b" (inline)");
                }
                text.push(b'\n');
            }
            starts.push(text.len() as u32);
        }
        FrameLines { text, starts }
    }

    /// The lines of location `l` (empty when the filters removed it).
    fn block(&self, l: LocationIdx) -> &[u8] {
        &self.text[self.starts[l as usize] as usize..self.starts[l as usize + 1] as usize]
    }
}

/// Writes a sample's labels: `%10s:  %s` per key, the values of the key
/// joined by a space; string labels first, then numeric labels (each
/// auto-scaled in the unit pprof infers for its key, `units`), each group
/// sorted as text.
fn write_labels(
    filtered: &Filtered<'_>,
    s: usize,
    units: &FxHashMap<StrId, String>,
    numbers_shown: &mut FxHashMap<(StrId, i64), String>,
    out: &mut Vec<u8>,
) {
    let profile = filtered.profile;
    let mut labels = filtered.labels(s).peekable();
    if labels.peek().is_none() {
        return;
    }
    let mut strings: Vec<(StrId, Vec<u8>)> = Vec::new();
    let mut numbers: Vec<(StrId, Vec<u8>)> = Vec::new();
    for label in labels {
        let (group, value): (_, &[u8]) = if is_string_label(label) {
            (&mut strings, profile.strings.get(label.str))
        } else if is_numeric_label(label) {
            let text = numbers_shown
                .entry((label.key, label.num))
                .or_insert_with(|| {
                    let unit = units.get(&label.key).map_or("", String::as_str);
                    scaled_label(label.num, unit, &OutputUnit::Auto)
                });
            (&mut numbers, text.as_bytes())
        } else {
            continue;
        };
        match group.iter_mut().find(|(key, _)| *key == label.key) {
            Some((_, values)) => {
                values.push(b' ');
                values.extend_from_slice(value);
            }
            None => group.push((label.key, value.to_vec())),
        }
    }
    for group in [strings, numbers] {
        let mut lines: Vec<Vec<u8>> = group
            .into_iter()
            .map(|(key, values)| {
                let key = profile.strings.get(key);
                let mut line = vec![b' '; VALUE_WIDTH.saturating_sub(go_width(key))];
                line.extend_from_slice(key);
                line.extend_from_slice(b":  ");
                line.extend_from_slice(&values);
                line.push(b'\n');
                line
            })
            .collect();
        lines.sort();
        for line in lines {
            out.extend_from_slice(&line);
        }
    }
}

/// The width Go's `%10s` pads to: runes, an invalid byte counting as one.
pub(super) fn go_width(text: &[u8]) -> usize {
    text.utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum()
}
