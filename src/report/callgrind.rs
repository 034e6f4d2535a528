//! `ppt --callgrind`: pprof's `-callgrind` report, the graph in the format
//! of valgrind's callgrind tool (for KCachegrind): one cost line per
//! address, calls per edge, names compressed as callgrind allows.

use super::prepare::{GraphShape, Prepared, prepare_shaped};
use super::{OutputUnit, ReportError, ReportOptions};
use crate::analysis::{Graph, NodeId, NodeInfo, NodeTable};
use crate::measurement as units;
use crate::profile::{Profile, StrId, StringTable};
use rustc_hash::FxHashMap;
use std::io::Write;

/// Prints the callgrind report of `profile` as `go tool pprof -callgrind`
/// would: addresses granularity with inlined frames, nothing trimmed.
pub fn callgrind(profile: &Profile, options: &ReportOptions) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_callgrind(profile, options, &mut out)?;
    Ok(out)
}

/// How many nodes are gathered and printed at once: enough that the
/// loads of one batch overlap, few enough that the batch stays in cache.
const BATCH: usize = 1024;

/// The report goes out in pieces of about this many bytes.
const FLUSH_AT: usize = 1 << 16;

/// [`callgrind`], written to `out` as it is made (tens of megabytes on a
/// large profile: never held whole).
pub fn write_callgrind(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
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
    let scaler = units::Scaler::new(&report.sample_unit, &report.output_unit);
    let scaled = |v: i64| -> i64 { super::visual::go_f64_to_i64(scaler.scale(v)) };

    let mut buf = Vec::with_capacity(FLUSH_AT + (FLUSH_AT >> 2));
    // Writing to a Vec cannot fail.
    let _ = writeln!(buf, "positions: instr line");
    let _ = writeln!(buf, "events: {}({unit_name})", report.sample_type);
    let strings = &profile.strings;
    let mut objfiles = Compressor::new(strings);
    let mut files = Compressor::new(&names.paths);
    let mut functions = Compressor::new(strings);
    let mut previous: Option<NodeInfo> = None;
    let mut batch = Batch::default();
    for nodes in trimmed.nodes.chunks(BATCH) {
        batch.gather(g, names, nodes);
        for (k, info) in batch.infos.iter().enumerate() {
            let changed = previous.is_none_or(|p| {
                // Equal ids are equal texts; different ids may still be.
                let same = |a: StrId, b: StrId, table: &StringTable| {
                    a == b || table.get(a) == table.get(b)
                };
                !same(p.objfile, info.objfile, strings)
                    || !same(p.file, info.file, &names.paths)
                    || !same(p.name, info.name, strings)
            });
            if changed {
                buf.extend_from_slice(b"\nob=");
                objfiles.write(&mut buf, info.objfile);
                buf.extend_from_slice(b"\nfl=");
                files.write(&mut buf, info.file);
                buf.extend_from_slice(b"\nfn=");
                functions.write(&mut buf, info.name);
                buf.push(b'\n');
            }
            write_position(&mut buf, previous.as_ref(), info.address);
            buf.push(b' ');
            push_int(&mut buf, info.line);
            buf.push(b' ');
            push_int(&mut buf, scaled(batch.flats[k]));
            buf.push(b'\n');
            let calls = batch.edge_starts[k]..batch.edge_starts[k + 1];
            for (call, callee_info) in batch.calls[calls.clone()]
                .iter()
                .zip(&batch.callee_infos[calls])
            {
                let callee = call.callee;
                buf.extend_from_slice(b"cfl=");
                files.write(&mut buf, callee_info.file);
                buf.extend_from_slice(b"\ncfn=");
                match suffixes.get(&callee) {
                    Some(suffix) => {
                        let name = [strings.get(callee_info.name), suffix.as_bytes()].concat();
                        functions.write_text(&mut buf, &name);
                    }
                    // A callee left out of the graph (--drop-negative) has
                    // no name in pprof's table: an empty one.
                    None if !trimmed.is_shown(callee) => {}
                    None => functions.write(&mut buf, callee_info.name),
                }
                buf.extend_from_slice(b"\ncalls=0 ");
                // pprof gives the callee's address relative to the
                // previous node, not this one.
                write_position(&mut buf, previous.as_ref(), callee_info.address);
                buf.push(b' ');
                push_int(&mut buf, callee_info.line);
                buf.extend_from_slice(b"\n* * ");
                push_int(&mut buf, scaled(call.weight));
                buf.push(b'\n');
            }
            previous = Some(*info);
            if buf.len() >= FLUSH_AT {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    out.write_all(&buf)?;
    Ok(())
}

/// One edge out of a node, as printed.
#[derive(Debug, Clone, Copy)]
struct Call {
    callee: NodeId,
    weight: i64,
}

/// What printing a batch of nodes reads, gathered first: on a large
/// profile the graph's edges and the nodes' identities are tens of
/// megabytes read in no order, and loads that do not wait for one another
/// (a loop that only copies) overlap where the printing loop would wait
/// for each in turn.
#[derive(Default)]
struct Batch {
    infos: Vec<NodeInfo>,
    flats: Vec<i64>,
    /// The calls of node `k` are `calls[edge_starts[k]..edge_starts[k + 1]]`.
    edge_starts: Vec<usize>,
    calls: Vec<Call>,
    callee_infos: Vec<NodeInfo>,
}

impl Batch {
    fn gather(&mut self, g: &Graph, names: &NodeTable, nodes: &[NodeId]) {
        self.infos.clear();
        self.infos.extend(nodes.iter().map(|&n| *names.info(n)));
        self.flats.clear();
        self.flats.extend(nodes.iter().map(|&n| g.flat_value(n, 0)));
        self.edge_starts.clear();
        self.calls.clear();
        self.edge_starts.push(0);
        for &n in nodes {
            let start = self.calls.len();
            for &edge in g.outgoing(n) {
                if g.has_edge(edge, 0) {
                    self.calls.push(Call {
                        callee: g.edge(edge).1,
                        weight: g.edge_weight(edge, 0),
                    });
                }
            }
            sort_calls(&mut self.calls[start..], names);
            self.edge_starts.push(self.calls.len());
        }
        self.callee_infos.clear();
        self.callee_infos
            .extend(self.calls.iter().map(|c| *names.info(c.callee)));
    }
}

/// pprof's edge order ([`crate::analysis::order::sort_edges`]) for the
/// edges out of one node: heavier first, then callee name (the caller is
/// the same), then as they were.
fn sort_calls(calls: &mut [Call], names: &NodeTable) {
    calls.sort_by(|a, b| {
        b.weight
            .wrapping_abs()
            .cmp(&a.weight.wrapping_abs())
            .then_with(|| names.name(a.callee).cmp(names.name(b.callee)))
    });
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
                push_hex(out, address);
            }
        }
        None => push_hex(out, address),
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
    let len = rest.checked_ilog10().unwrap_or(0) as usize + 1;
    let mut digits = [b'0'; 20];
    for slot in digits[..len].iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    // A copy of fixed length, cut to size: no call to copy a few bytes.
    let start = out.len();
    out.extend_from_slice(&digits);
    out.truncate(start + len);
}

/// `%#x` of `value` (Go's and Rust's alike: `0x` and lower-case digits).
fn push_hex(out: &mut Vec<u8>, value: u64) {
    let len = (64 - value.leading_zeros()).div_ceil(4).max(1) as usize;
    let mut digits = [b'0'; 18];
    digits[1] = b'x';
    let mut rest = value;
    for slot in digits[2..2 + len].iter_mut().rev() {
        *slot = b"0123456789abcdef"[(rest & 0xf) as usize];
        rest >>= 4;
    }
    let start = out.len();
    out.extend_from_slice(&digits);
    out.truncate(start + 2 + len);
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
        for v in [0, 1, 0xf, 0x10, 0x4655dd, u64::MAX, 1 << 63] {
            let mut out = Vec::new();
            push_hex(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:#x}"));
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
