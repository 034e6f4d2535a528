//! `ppt --callgrind`: pprof's `-callgrind` report, the graph in the format
//! of valgrind's callgrind tool (for KCachegrind): one cost line per
//! address, calls per edge, names compressed as callgrind allows.

use super::prepare::{GraphShape, Prepared, prepare_shaped};
use super::{OutputUnit, ReportError, ReportOptions};
use crate::analysis::order::sort_edges;
use crate::analysis::{NodeId, NodeInfo, NodeTable};
use crate::measurement as units;
use crate::profile::{Profile, StrId, StringTable};
use rustc_hash::FxHashMap;
use std::io::Write;

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
    let suffixes = disambiguation(&trimmed.nodes, names);
    let unit_name = match &report.output_unit {
        OutputUnit::Named(u) => u.as_str(),
        // Not chosen (no nodes) or chosen per value: the option as given.
        OutputUnit::Auto => options.unit.as_deref().unwrap_or("minimum"),
    };
    let scaled = |v: i64| -> i64 {
        let (value, _) = units::scale(v, &report.sample_unit, &report.output_unit);
        super::visual::go_f64_to_i64(value)
    };

    // About 60 bytes a node and an edge: one allocation for the report.
    let edges: usize = trimmed.nodes.iter().map(|&n| g.outgoing(n).len()).sum();
    let mut out = Vec::with_capacity(64 * (trimmed.nodes.len() + edges));
    // Writing to a Vec cannot fail.
    let _ = writeln!(out, "positions: instr line");
    let _ = writeln!(out, "events: {}({unit_name})", report.sample_type);
    let strings = &profile.strings;
    let mut objfiles = Compressor::new(strings);
    let mut files = Compressor::new(&names.paths);
    let mut functions = Compressor::new(strings);
    let mut previous: Option<&NodeInfo> = None;
    for &n in &trimmed.nodes {
        let info = names.info(n);
        let changed = previous.is_none_or(|p| {
            // Equal ids are equal texts; different ids may still be.
            let same =
                |a: StrId, b: StrId, table: &StringTable| a == b || table.get(a) == table.get(b);
            !same(p.objfile, info.objfile, strings)
                || !same(p.file, info.file, &names.paths)
                || !same(p.name, info.name, strings)
        });
        if changed {
            out.extend_from_slice(b"\nob=");
            objfiles.write(&mut out, info.objfile);
            out.extend_from_slice(b"\nfl=");
            files.write(&mut out, info.file);
            out.extend_from_slice(b"\nfn=");
            functions.write(&mut out, info.name);
            out.push(b'\n');
        }
        write_position(&mut out, previous, info.address);
        out.push(b' ');
        push_int(&mut out, info.line);
        out.push(b' ');
        push_int(&mut out, scaled(g.flat_value(n, 0)));
        out.push(b'\n');
        for e in sort_edges(g, names, g.outgoing(n), 0) {
            let callee = g.edge(e).1;
            let callee_info = names.info(callee);
            out.extend_from_slice(b"cfl=");
            files.write(&mut out, callee_info.file);
            out.extend_from_slice(b"\ncfn=");
            match suffixes.get(&callee) {
                Some(suffix) => {
                    let name = [strings.get(callee_info.name), suffix.as_bytes()].concat();
                    functions.write_text(&mut out, &name);
                }
                // A callee left out of the graph (--drop-negative) has no
                // name in pprof's table: an empty one.
                None if !trimmed.is_shown(callee) => {}
                None => functions.write(&mut out, callee_info.name),
            }
            out.extend_from_slice(b"\ncalls=0 ");
            // pprof gives the callee's address relative to the previous
            // node, not this one.
            write_position(&mut out, previous, callee_info.address);
            out.push(b' ');
            push_int(&mut out, callee_info.line);
            out.extend_from_slice(b"\n* * ");
            push_int(&mut out, scaled(g.edge_weight(e, 0)));
            out.push(b'\n');
        }
        previous = Some(info);
    }
    Ok(out)
}

/// callgrind's name compression: `(N) name` the first time a text is
/// written, `(N)` after. Texts are remembered by their id in `table` too,
/// so most lookups skip hashing the text.
struct Compressor<'a> {
    table: &'a StringTable,
    by_id: Vec<u32>,
    by_text: FxHashMap<Vec<u8>, u32>,
}

impl<'a> Compressor<'a> {
    fn new(table: &'a StringTable) -> Self {
        Compressor {
            table,
            by_id: vec![0; table.len()],
            by_text: FxHashMap::default(),
        }
    }

    fn write(&mut self, out: &mut Vec<u8>, id: StrId) {
        match self.by_id.get(id.0 as usize).copied() {
            Some(0) | None => {
                let number = self.write_text(out, self.table.get(id));
                if let Some(slot) = self.by_id.get_mut(id.0 as usize) {
                    *slot = number;
                }
            }
            Some(number) => {
                push_number(out, number);
            }
        }
    }

    /// Writes `text` compressed; returns its number (0 for no text).
    fn write_text(&mut self, out: &mut Vec<u8>, text: &[u8]) -> u32 {
        if text.is_empty() {
            return 0;
        }
        if let Some(&number) = self.by_text.get(text) {
            push_number(out, number);
            return number;
        }
        let number = self.by_text.len() as u32 + 1;
        self.by_text.insert(text.to_vec(), number);
        let _ = write!(out, "({number}) ");
        out.extend_from_slice(text);
        number
    }
}

/// pprof's `callgrindAddress`: absolute for the first node, `*` for the
/// previous node's address, else a signed offset when shorter than hex.
fn write_position(out: &mut Vec<u8>, previous: Option<&NodeInfo>, address: u64) {
    let hex_digits = (64 - address.leading_zeros()).div_ceil(4).max(1);
    let absolute_len = 2 + hex_digits;
    match previous {
        Some(p) if p.address == address => out.push(b'*'),
        Some(p) => {
            let offset = address.wrapping_sub(p.address) as i64;
            let relative_len = 1 + offset.unsigned_abs().checked_ilog10().unwrap_or(0) + 1;
            if relative_len < absolute_len {
                out.push(if offset < 0 { b'-' } else { b'+' });
                push_int(out, offset.unsigned_abs() as i64);
            } else {
                let _ = write!(out, "{address:#x}");
            }
        }
        None => {
            let _ = write!(out, "{address:#x}");
        }
    }
}

/// pprof's `getDisambiguatedNames`: ` [i/n]` for the nodes whose file and
/// name `n` distinct functions (by start line and binary) share, numbered
/// in node order. Nodes without a suffix are left out.
fn disambiguation(nodes: &[NodeId], table: &NodeTable) -> FxHashMap<NodeId, String> {
    type Function = (i64, StrId);
    let mut functions: FxHashMap<(StrId, StrId), Vec<Function>> = FxHashMap::default();
    for &n in nodes {
        let info = table.info(n);
        let list = functions.entry((info.file, info.name)).or_default();
        let function = (info.start_line, info.objfile);
        if !list.contains(&function) {
            list.push(function);
        }
    }
    nodes
        .iter()
        .filter_map(|&n| {
            let info = table.info(n);
            let list = functions.get(&(info.file, info.name))?;
            let i = list
                .iter()
                .position(|&f| f == (info.start_line, info.objfile))?;
            (list.len() > 1).then(|| (n, format!(" [{}/{}]", i + 1, list.len())))
        })
        .collect()
}

/// `(N)`, a compressed name's number.
fn push_number(out: &mut Vec<u8>, number: u32) {
    out.push(b'(');
    push_int(out, i64::from(number));
    out.push(b')');
}

/// `%d` of `value`, without going through `fmt` (millions of numbers).
fn push_int(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    let mut rest = value.unsigned_abs();
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(previous: Option<u64>, address: u64) -> String {
        let info = previous.map(|address| NodeInfo {
            name: StrId::EMPTY,
            file: StrId::EMPTY,
            address,
            start_line: 0,
            line: 0,
            objfile: StrId::EMPTY,
        });
        let mut out = Vec::new();
        write_position(&mut out, info.as_ref(), address);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn integers_like_go() {
        for v in [0, 7, -7, 10, 1234567890, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn positions_like_pprof() {
        assert_eq!(position(None, 0), "0x0");
        assert_eq!(position(None, 0x4655dd), "0x4655dd");
        assert_eq!(position(Some(0x4655dd), 0x4655dd), "*");
        assert_eq!(position(Some(0x4655dd), 0x465be3), "+1542");
        assert_eq!(position(Some(0x465be3), 0x4655dd), "-1542");
        // An offset as long as the hex form is written in hex.
        assert_eq!(position(Some(0x100), 0x1), "0x1");
        assert_eq!(position(Some(0x10), 0x1), "0x1");
        assert_eq!(position(Some(0x1000), 0x1001), "+1");
        assert_eq!(position(Some(0), 0xffff_ffff_ffff_ffff), "-1");
        assert_eq!(position(Some(1), 0x9_0000), "0x90000");
        assert_eq!(position(Some(0x7f00_0000_1000), 0x7f00_0000_0000), "-4096");
    }
}
