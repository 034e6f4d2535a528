//! Graph nodes: what pprof calls `NodeInfo`, and their printable names.

use crate::gopath;
use crate::profile::{Profile, StrId, StringTable};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// Index of a node in a [`NodeTable`].
pub type NodeId = u32;

/// The identity of a node. Two frames are the same node exactly when these
/// fields are equal; which fields are filled depends on the granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeInfo {
    /// Function name (a profile string), empty at `files` granularity.
    pub name: StrId,
    /// Cleaned source path (a string of the node table's own path table).
    pub file: StrId,
    /// Instruction address, only at `addresses` granularity.
    pub address: u64,
    /// First line of the function; only kept for frames with no name.
    pub start_line: i64,
    /// Line number, at `lines` and `addresses` granularity.
    pub line: i64,
    /// Binary of the frame (a profile string); only kept for frames with no
    /// name, which is how unsymbolized frames of one binary become one node.
    pub objfile: StrId,
}

/// All nodes of a graph with their printable names.
#[derive(Debug, Clone, Default)]
pub struct NodeTable {
    infos: Vec<NodeInfo>,
    names: Vec<Box<[u8]>>,
    /// Names that are a string the profile borrows from its input (a name
    /// of megabytes, see `StringTable::lend`), borrowed here too rather
    /// than copied: their node's entry in `names` is empty (no printable
    /// name is), and the name is here, by increasing node id.
    lent_names: Vec<(NodeId, Arc<Vec<u8>>, Range<usize>)>,
    index: FxHashMap<NodeInfo, NodeId>,
    /// Cleaned source paths, referenced by [`NodeInfo::file`].
    pub paths: StringTable,
    /// Each node's position among all names in byte order (equal names,
    /// equal rank), and the nodes in that order; computed on first use, see
    /// [`NodeTable::name_ranks`].
    by_name: OnceLock<ByName>,
}

/// Nodes ordered by name (see [`NodeTable::name_ranks`]).
#[derive(Debug, Clone, Default)]
struct ByName {
    ranks: Vec<u32>,
    order: Vec<NodeId>,
}

impl NodeTable {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.infos.len()
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.infos.is_empty()
    }

    /// The identity of node `id`.
    pub fn info(&self, id: NodeId) -> &NodeInfo {
        &self.infos[id as usize]
    }

    /// The name pprof prints for node `id` (raw bytes from the profile).
    pub fn name(&self, id: NodeId) -> &[u8] {
        let name = &self.names[id as usize];
        if name.is_empty()
            && let Ok(k) = self.lent_names.binary_search_by_key(&id, |(n, _, _)| *n)
        {
            let (_, buffer, range) = &self.lent_names[k];
            return &buffer[range.clone()];
        }
        name
    }

    /// The node's source file (cleaned), empty when not kept.
    pub fn file(&self, id: NodeId) -> &[u8] {
        self.paths.get(self.infos[id as usize].file)
    }

    /// The node with identity `info`, added if new.
    pub(crate) fn intern(&mut self, info: NodeInfo, profile: &Profile) -> NodeId {
        if self.index.len() != self.infos.len() {
            // Dropped by `done_interning`: found again from the nodes.
            self.index = (0..)
                .zip(&self.infos)
                .map(|(id, &info)| (info, id))
                .collect();
        }
        if let Some(&id) = self.index.get(&info) {
            return id;
        }
        let id = self.infos.len() as NodeId;
        match lent_name(&info, profile, &self.paths) {
            Some((buffer, range)) => {
                self.names.push(Box::default());
                self.lent_names.push((id, Arc::clone(buffer), range));
            }
            None => self
                .names
                .push(printable_name(&info, profile, &self.paths).into()),
        }
        self.infos.push(info);
        self.index.insert(info, id);
        id
    }

    /// Frees what finding a node by its identity takes (a hash table as
    /// large as the nodes, tens of megabytes on a large profile), once
    /// every node is in; a later [`NodeTable::intern`] builds it again.
    pub(crate) fn done_interning(&mut self) {
        self.index = FxHashMap::default();
    }

    /// For every node, the rank of its name in byte order: comparing ranks
    /// orders nodes as comparing their names does, without touching the
    /// names. Sorting tens of thousands of rows, most tied on value, then
    /// costs a few milliseconds instead of many.
    pub fn name_ranks(&self) -> &[u32] {
        &self.by_name().ranks
    }

    /// Every node, by name in byte order (equal names by id).
    pub fn name_order(&self) -> &[NodeId] {
        &self.by_name().order
    }

    fn by_name(&self) -> &ByName {
        self.by_name.get_or_init(|| {
            let mut order: Vec<NodeId> = (0..self.infos.len() as NodeId).collect();
            // Stable: equal names stay in id order.
            order.sort_by(|&a, &b| self.name(a).cmp(self.name(b)));
            let mut ranks = vec![0u32; order.len()];
            let mut rank = 0u32;
            for (i, &n) in order.iter().enumerate() {
                if i > 0 && self.name(order[i - 1]) != self.name(n) {
                    rank += 1;
                }
                ranks[n as usize] = rank;
            }
            ByName { ranks, order }
        })
    }

    /// pprof's last-resort tie breaker: the Go `fmt.Sprint` of the NodeInfo
    /// struct, `{Name OrigName Address File StartLine Lineno Objfile}`.
    pub fn go_sprint(&self, id: NodeId, profile: &Profile) -> Vec<u8> {
        let i = &self.infos[id as usize];
        let mut out = b"{".to_vec();
        out.extend_from_slice(profile.strings.get(i.name));
        out.extend_from_slice(format!("  {} ", i.address).as_bytes());
        out.extend_from_slice(self.paths.get(i.file));
        out.extend_from_slice(format!(" {} {} ", i.start_line, i.line).as_bytes());
        out.extend_from_slice(profile.strings.get(i.objfile));
        out.push(b'}');
        out
    }
}

/// The buffer and range of the node's printable name when it is the
/// function's name alone and the profile borrows that name.
fn lent_name<'p>(
    info: &NodeInfo,
    profile: &'p Profile,
    paths: &StringTable,
) -> Option<(&'p Arc<Vec<u8>>, Range<usize>)> {
    let alone = info.address == 0 && info.line == 0 && paths.get(info.file).is_empty();
    if !alone || info.name.is_empty() {
        return None;
    }
    profile.strings.lent(info.name)
}

/// pprof's `NodeInfo.PrintableName`: `[address] [name] [file[:line]]`, with
/// `[binary]` or `<unknown>` standing in when nothing else is known.
fn printable_name(info: &NodeInfo, profile: &Profile, paths: &StringTable) -> Vec<u8> {
    use std::io::Write;
    let name = profile.strings.get(info.name);
    let file = paths.get(info.file);
    // One buffer, parts separated by a space (tens of thousands of nodes:
    // a vector per part would cost more than the names).
    let mut out = Vec::with_capacity(name.len() + file.len() + 24);
    let part = |out: &mut Vec<u8>| {
        if !out.is_empty() {
            out.push(b' ');
        }
    };
    if info.address != 0 {
        let _ = write!(out, "{:016x}", info.address);
    }
    if !name.is_empty() {
        part(&mut out);
        out.extend_from_slice(name);
    }
    if info.line != 0 {
        part(&mut out);
        out.extend_from_slice(file);
        let _ = write!(out, ":{}", info.line);
    } else if !file.is_empty() {
        part(&mut out);
        out.extend_from_slice(file);
    } else if !name.is_empty() {
        // The name alone.
    } else if !info.objfile.is_empty() {
        part(&mut out);
        out.push(b'[');
        out.extend_from_slice(gopath::base(profile.strings.get(info.objfile)));
        out.push(b']');
    } else {
        part(&mut out);
        out.extend_from_slice(b"<unknown>");
    }
    out
}
