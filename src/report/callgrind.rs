//! `ppt --callgrind`: pprof's `-callgrind` report, the graph in the format
//! of valgrind's callgrind tool (for KCachegrind): one cost line per
//! address, calls per edge, names compressed as callgrind allows.

use super::prepare::{GraphShape, Prepared, prepare_shaped};
use super::{OutputUnit, ReportError, ReportOptions};
use crate::analysis::order::sort_edges;
use crate::analysis::{NodeId, NodeInfo};
use crate::measurement as units;
use crate::profile::{Profile, StrId};
use rustc_hash::FxHashMap;

/// Prints the callgrind report of `profile` as `go tool pprof -callgrind`
/// would: addresses granularity with inlined frames, nothing trimmed.
pub fn callgrind(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let Prepared {
        report,
        frames,
        trimmed,
        ..
    } = prepare_shaped(profile, options, &GraphShape::CALLGRIND)?;
    let g = &trimmed.graph;
    let names = &frames.nodes;
    let call_names = disambiguated_names(&trimmed.nodes, &frames.nodes, profile);
    let unit_name = match &report.output_unit {
        OutputUnit::Named(u) => u.as_str(),
        // Not chosen (no nodes) or chosen per value: the option as given.
        OutputUnit::Auto => options.unit.as_deref().unwrap_or("minimum"),
    };
    let scaled = |v: i64| -> i64 {
        let (value, _) = units::scale(v, &report.sample_unit, &report.output_unit);
        super::visual::go_f64_to_i64(value)
    };

    let mut out = Vec::new();
    out.extend_from_slice(b"positions: instr line\n");
    out.extend_from_slice(format!("events: {}({unit_name})\n", report.sample_type).as_bytes());
    let (mut objfiles, mut files, mut functions) = (
        Compressor::default(),
        Compressor::default(),
        Compressor::default(),
    );
    let mut previous: Option<&NodeInfo> = None;
    for &n in &trimmed.nodes {
        let info = names.info(n);
        let file = names.file(n);
        let name = profile.strings.get(info.name);
        let changed = previous.is_none_or(|p| {
            p.objfile != info.objfile || names.paths.get(p.file) != file || p.name != info.name
        });
        if changed {
            out.extend_from_slice(b"\nob=");
            objfiles.write(&mut out, profile.strings.get(info.objfile));
            out.extend_from_slice(b"\nfl=");
            files.write(&mut out, file);
            out.extend_from_slice(b"\nfn=");
            functions.write(&mut out, name);
            out.push(b'\n');
        }
        let address = position(previous, info.address);
        out.extend_from_slice(
            format!("{address} {} {}\n", info.line, scaled(g.flat_value(n, 0))).as_bytes(),
        );
        for e in sort_edges(g, names, g.outgoing(n), 0) {
            let callee = g.edge(e).1;
            let callee_info = names.info(callee);
            out.extend_from_slice(b"cfl=");
            files.write(&mut out, names.file(callee));
            out.extend_from_slice(b"\ncfn=");
            // A callee left out of the graph (--drop-negative) has no
            // name in pprof's table: an empty one.
            functions.write(
                &mut out,
                call_names.get(&callee).map_or(&[][..], Vec::as_slice),
            );
            out.extend_from_slice(
                format!(
                    "\ncalls=0 {} {}\n* * {}\n",
                    // pprof gives the callee's address relative to the
                    // previous node, not this one.
                    position(previous, callee_info.address),
                    callee_info.line,
                    scaled(g.edge_weight(e, 0))
                )
                .as_bytes(),
            );
        }
        previous = Some(info);
    }
    Ok(out)
}

/// callgrind's name compression: `(N) name` the first time, `(N)` after.
#[derive(Default)]
struct Compressor {
    ids: FxHashMap<Vec<u8>, usize>,
}

impl Compressor {
    fn write(&mut self, out: &mut Vec<u8>, name: &[u8]) {
        if name.is_empty() {
            return;
        }
        if let Some(id) = self.ids.get(name) {
            out.extend_from_slice(format!("({id})").as_bytes());
            return;
        }
        let id = self.ids.len() + 1;
        self.ids.insert(name.to_vec(), id);
        out.extend_from_slice(format!("({id}) ").as_bytes());
        out.extend_from_slice(name);
    }
}

/// pprof's `callgrindAddress`: absolute for the first node, `*` for the
/// previous node's address, else a signed offset when shorter than hex.
fn position(previous: Option<&NodeInfo>, address: u64) -> String {
    let absolute = format!("{address:#x}");
    let Some(previous) = previous else {
        return absolute;
    };
    if previous.address == address {
        return "*".to_string();
    }
    let relative = format!("{:+}", address.wrapping_sub(previous.address) as i64);
    if relative.len() < absolute.len() {
        relative
    } else {
        absolute
    }
}

/// pprof's `getDisambiguatedNames`: a node's function name, with ` [i/n]`
/// when `n` distinct functions (by start line and binary) share its file
/// and name, numbered in node order.
fn disambiguated_names(
    nodes: &[NodeId],
    table: &crate::analysis::NodeTable,
    profile: &Profile,
) -> FxHashMap<NodeId, Vec<u8>> {
    type Function = (i64, StrId);
    let mut functions: FxHashMap<(&[u8], StrId), Vec<Function>> = FxHashMap::default();
    for &n in nodes {
        let info = table.info(n);
        let list = functions.entry((table.file(n), info.name)).or_default();
        let function = (info.start_line, info.objfile);
        if !list.contains(&function) {
            list.push(function);
        }
    }
    nodes
        .iter()
        .map(|&n| {
            let info = table.info(n);
            let mut name = profile.strings.get(info.name).to_vec();
            let list = &functions[&(table.file(n), info.name)];
            if list.len() > 1 {
                let i = list
                    .iter()
                    .position(|&f| f == (info.start_line, info.objfile))
                    .unwrap_or(0);
                name.extend_from_slice(format!(" [{}/{}]", i + 1, list.len()).as_bytes());
            }
            (n, name)
        })
        .collect()
}
