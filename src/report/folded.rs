//! Collapsed stacks (`--folded`): the input format of flamegraph.pl,
//! inferno and speedscope.
//!
//! One line per distinct stack: its frames from the root, joined by `;`, a
//! space, and the sum of the raw values of the sample index over the
//! samples with that stack (not scaled to a unit). Stacks summing to 0 are
//! left out, and so are samples without frames (there is nothing to
//! write for them). Lines are sorted by their stack text in byte order.
//! Frames are the top-down [`CallTree`]'s, so the granularity, inlined
//! frames (each a frame of its own, after its caller) and every filter
//! apply as in `--top`.
//!
//! The lines are written as the tree is walked, without holding them: on
//! a large profile the text runs to hundreds of megabytes. Siblings are
//! visited in an order that makes the walk's output sorted (see
//! [`walk_sorted`]); a tree with a `;` in some name (where that order does not
//! hold, and the format is ambiguous anyway) has its lines collected and
//! sorted instead.

use super::{ReportError, ReportOptions, resolve_measure};
use crate::analysis::{CallTree, Frames, PathId, TreeKind};
use crate::profile::Profile;
use std::io::{self, Write};
use std::sync::Arc;

/// Why collapsed stacks could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FoldedError {
    /// The options do not make a report (unknown sample index...).
    #[error(transparent)]
    Report(ReportError),
    /// `--mean` asks for a division that collapsed stacks cannot carry.
    #[error("--mean does not apply to collapsed stacks, which carry raw sums of the sample index")]
    Mean,
    /// The stacks hold more frames than the call tree can index.
    #[error("the profile's stacks hold more than 2^32 frames, too many for a call tree")]
    TooLarge,
    /// Writing failed.
    #[error("writing: {0}")]
    Io(io::Error),
}

impl From<io::Error> for FoldedError {
    fn from(e: io::Error) -> Self {
        FoldedError::Io(e)
    }
}

/// The top-down call tree of `profile` as `options` ask for it (sample
/// index, granularity, inlining, filters): what `--folded` and
/// `--flamegraph` are made from.
pub fn options_tree(profile: &Profile, options: &ReportOptions) -> Result<CallTree, FoldedError> {
    if options.mean {
        return Err(FoldedError::Mean);
    }
    let measure = resolve_measure(profile, options.sample_index.as_deref(), false)
        .map_err(FoldedError::Report)?;
    let frames = Frames::with_inlining(
        profile,
        options.granularity,
        &options.filters,
        options.inline_frames,
    );
    CallTree::build(profile, Arc::new(frames), measure.index, TreeKind::TopDown)
        .ok_or(FoldedError::TooLarge)
}

/// Writes the collapsed stacks of `profile` under `options` to `out`.
pub fn folded(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), FoldedError> {
    let tree = options_tree(profile, options)?;
    write_folded(&tree, out)?;
    Ok(())
}

/// Writes the stacks of `tree` (see the module docs), each line ending in
/// a newline.
pub fn write_folded(tree: &CallTree, out: &mut dyn Write) -> io::Result<()> {
    let nodes = &tree.frames().nodes;
    let ambiguous = tree
        .distinct_frames()
        .iter()
        .any(|&f| nodes.name(f).contains(&b';'));
    if ambiguous {
        return write_sorted(tree, out);
    }
    let own = self_values(tree);
    walk_sorted(tree, &own, out)
}

/// Every node's self value.
fn self_values(tree: &CallTree) -> Vec<i64> {
    let mut own = vec![0i64; tree.len()];
    for (id, value) in tree.stacks() {
        own[id as usize] = value;
    }
    own
}

/// One key of the walk: a name, whether it stands for the lines of the
/// subtrees (`true`) or the own line (`false`), and the node.
type Key<'t> = (&'t [u8], bool, PathId);

/// The keys of the children of `at`, sorted (see [`walk_sorted`]).
fn sorted_keys<'t>(tree: &'t CallTree, own: &[i64], at: &[PathId]) -> Vec<Key<'t>> {
    let mut keys: Vec<Key<'t>> = Vec::new();
    for c in at.iter().flat_map(|&n| tree.children(n)) {
        if own[c as usize] != 0 {
            keys.push((tree.name(c), false, c));
        }
        if tree.first_child(c).is_some() {
            keys.push((tree.name(c), true, c));
        }
    }
    keys.sort_unstable_by(|a, b| cmp_key(a.0, a.1, b.0, b.1).then_with(|| a.2.cmp(&b.2)));
    keys
}

/// Writes the lines in sorted order, walking the tree.
///
/// Under a stack `P`, a child named `a` adds the line `P;a` (its own
/// samples) and the lines `P;a;…` (its subtree's). When no name holds a
/// `;`, sorting these as the keys `a` and `a;` (byte order) sorts every
/// line under `P`: each subtree's lines share its key as a prefix, a key
/// is a prefix of another only when all the lines it stands for sort
/// first (`a` before `a…`), and two subtree keys never share a prefix
/// unless equal. Siblings with equal names (two frames that print alike)
/// are visited together, their lines merged. The walk keeps its own stack
/// of levels, so a deep profile cannot overflow the thread's.
fn walk_sorted(tree: &CallTree, own: &[i64], out: &mut dyn Write) -> io::Result<()> {
    struct Level<'t> {
        keys: Vec<Key<'t>>,
        next: usize,
        /// The length of the stack text above this level.
        text_len: usize,
    }
    let mut text: Vec<u8> = Vec::new();
    let mut levels = vec![Level {
        keys: sorted_keys(tree, own, &[CallTree::ROOT]),
        next: 0,
        text_len: 0,
    }];
    let mut group: Vec<PathId> = Vec::new();
    while let Some(level) = levels.last_mut() {
        let i = level.next;
        let Some(&(name, subtree, _)) = level.keys.get(i) else {
            let text_len = level.text_len;
            levels.pop();
            // Back to the text of the level above (without its name).
            text.truncate(text_len);
            continue;
        };
        group.clear();
        let mut j = i;
        while let Some(&(n, s, id)) = level.keys.get(j) {
            if n != name || s != subtree {
                break;
            }
            group.push(id);
            j += 1;
        }
        level.next = j;
        let before = text.len();
        if before > 0 {
            text.push(b';');
        }
        text.extend_from_slice(name);
        if subtree {
            levels.push(Level {
                keys: sorted_keys(tree, own, &group),
                next: 0,
                text_len: before,
            });
        } else {
            let sum = group
                .iter()
                .fold(0i64, |s, &c| s.wrapping_add(own[c as usize]));
            if sum != 0 {
                out.write_all(&text)?;
                writeln!(out, " {sum}")?;
            }
            text.truncate(before);
        }
    }
    Ok(())
}

/// Orders the key `a` (followed by `;` when `a_subtree`) against `b`'s.
fn cmp_key(a: &[u8], a_subtree: bool, b: &[u8], b_subtree: bool) -> std::cmp::Ordering {
    let semi: &[u8] = b";";
    let a = a.iter().chain(if a_subtree { semi } else { &[] });
    let b = b.iter().chain(if b_subtree { semi } else { &[] });
    a.cmp(b)
}

/// The lines collected and sorted: for names holding a `;`.
fn write_sorted(tree: &CallTree, out: &mut dyn Write) -> io::Result<()> {
    let mut lines: Vec<(Vec<u8>, i64)> = tree
        .stacks()
        .map(|(id, value)| {
            let names: Vec<&[u8]> = tree.ancestors(id).map(|n| tree.name(n)).collect();
            let text = names.into_iter().rev().collect::<Vec<_>>().join(&b';');
            (text, value)
        })
        .collect();
    lines.sort_unstable();
    let mut i = 0;
    while i < lines.len() {
        let mut sum = 0i64;
        let mut j = i;
        while j < lines.len() && lines[j].0 == lines[i].0 {
            sum = sum.wrapping_add(lines[j].1);
            j += 1;
        }
        if sum != 0 {
            out.write_all(&lines[i].0)?;
            writeln!(out, " {sum}")?;
        }
        i = j;
    }
    Ok(())
}
