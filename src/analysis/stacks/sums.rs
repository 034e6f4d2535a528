//! Sums: flat and cum of every node over the samples a [`Selection`]
//! keeps, added up on both threads, or taken from the unfiltered [`Totals`].

use super::{AHEAD, Blocks, FIRST, NODE, SINKS, Selection, Stacks, weigh};
use crate::analysis::graph::{Graph, Measure};
use std::ops::Range;
use std::sync::{Mutex, PoisonError};

/// `$body` with `$w` a constant equal to `$width`, for the row widths
/// (measures, or measures and their divisors) that sums are specialised
/// for: rows of a width known at compile time are added without bounds
/// checks or loops, twice as fast as slices on the benchmark profile.
/// Other widths take `$other`.
macro_rules! with_row_width {
    ($width:expr, $w:ident => $body:expr, _ => $other:expr) => {
        match $width {
            1 => {
                const $w: usize = 1;
                $body
            }
            2 => {
                const $w: usize = 2;
                $body
            }
            3 => {
                const $w: usize = 3;
                $body
            }
            4 => {
                const $w: usize = 4;
                $body
            }
            5 => {
                const $w: usize = 5;
                $body
            }
            6 => {
                const $w: usize = 6;
                $body
            }
            8 => {
                const $w: usize = 8;
                $body
            }
            _ => $other,
        }
    };
}

/// How many spare tables [`Stacks`] keeps.
const SPARE_TABLES: usize = 4;

/// Unfiltered flat and cum rows of every node (see [`Stacks::totals`]).
#[derive(Debug, Clone)]
pub struct Totals {
    measures: Vec<Measure>,
    width: usize,
    flat: Vec<i64>,
    cum: Vec<i64>,
}

impl Totals {
    /// The measures summed.
    pub fn measures(&self) -> &[Measure] {
        &self.measures
    }

    /// The totals of the measure in `column` alone (its value, and its
    /// divisor for a mean): what [`Stacks::aggregate_from`] needs for that
    /// measure alone.
    pub fn column(&self, column: usize) -> Totals {
        let m = self.measures.len();
        let measure = self.measures[column];
        let width = row_width(&[measure]);
        let pick = |rows: &[i64]| -> Vec<i64> {
            let rows = rows.chunks_exact(self.width);
            match width {
                1 => rows.map(|row| row[column]).collect(),
                _ => rows
                    .flat_map(|row| [row[column], row[m + column]])
                    .collect(),
            }
        };
        Totals {
            measures: vec![measure],
            width,
            flat: pick(&self.flat),
            cum: pick(&self.cum),
        }
    }
}

impl Stacks {
    /// A table of `len` zeros, a spare one if there is one big enough.
    fn zeroed_table(&self, len: usize) -> Vec<i64> {
        let mut spares = self
            .spare_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match spares.iter().position(|t| t.capacity() >= len) {
            Some(i) => {
                let mut table = spares.swap_remove(i);
                drop(spares);
                table.clear();
                table.resize(len, 0);
                table
            }
            None => vec![0; len],
        }
    }

    /// Keeps `table` for [`Stacks::zeroed_table`].
    fn spare(&self, table: Vec<i64>) {
        let mut spares = self
            .spare_tables
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if spares.len() < SPARE_TABLES {
            spares.push(table);
        }
    }

    /// The row sample `s` adds for `measures`, `None` when all zero;
    /// `as_is` when the measures are the sample values as they are (see
    /// [`Stacks::values_are_rows`]): then the values are the row.
    #[inline]
    fn row<const W: usize>(&self, s: usize, measures: &[Measure], as_is: bool) -> Option<[i64; W]> {
        let values = self.values(s);
        let mut w = [0i64; W];
        match as_is {
            true => w.copy_from_slice(values),
            false => {
                if !weigh(values, measures, &mut w) {
                    return None;
                }
            }
        }
        Some(w)
    }

    /// Whether rows of `width` for `measures` are the sample values as
    /// they are: every sample index in order, none a mean (the explorer's
    /// totals).
    fn values_are_rows(&self, measures: &[Measure], width: usize) -> bool {
        width == self.value_count
            && measures
                .iter()
                .enumerate()
                .all(|(column, m)| m.index == column && !m.mean)
    }

    /// Flat and cum of every node for every measure over the samples that
    /// `sel` keeps: the same numbers as [`Graph::build_without_edges`] on
    /// the equivalent [`Frames`](crate::analysis::Frames). One pass over
    /// the kept stacks.
    pub fn aggregate(&self, sel: &Selection, measures: &[Measure]) -> Graph {
        let width = row_width(measures);
        let (flat, cum) = self.rows(sel, measures, width, true);
        Graph::from_sums(measures, self.frames.nodes.len(), flat, cum, width)
    }

    /// The unfiltered sums, for [`Stacks::aggregate_from`].
    pub fn totals(&self, measures: &[Measure]) -> Totals {
        let width = row_width(measures);
        let everything = Selection::everything(self.frames.nodes.len());
        let (flat, cum) = self.rows(&everything, measures, width, true);
        Totals {
            measures: measures.to_vec(),
            width,
            flat,
            cum,
        }
    }

    /// [`Stacks::aggregate`] computed from the unfiltered `totals`, by
    /// whichever is less work: filters usually change little, so taking
    /// the removed samples away from the totals reads far fewer frames
    /// than adding up the kept ones, and hiding a node leaves every other
    /// node's cum as it was (only flat moves, from a hidden leaf to the
    /// first visible frame). Exact, since sums wrap.
    pub fn aggregate_from(&self, sel: &Selection, totals: &Totals) -> Graph {
        let measures = &totals.measures;
        let n = self.frames.nodes.len();
        let width = totals.width;
        let kept_frames = match &sel.sample_kept {
            Some(kept) => (0..kept.len())
                .filter(|&s| kept[s])
                .map(|s| u64::from(self.starts[s + 1] - self.starts[s]))
                .sum(),
            None => self.entries.len() as u64,
        };
        if kept_frames * 2 <= self.entries.len() as u64 {
            return self.aggregate(sel, measures);
        }
        // With room for the sinks of an in-place subtraction.
        let copy = |sums: &[i64]| {
            let mut copy = Vec::with_capacity((n + SINKS) * width);
            copy.extend_from_slice(sums);
            copy
        };
        let (mut flat, mut cum) = (copy(&totals.flat), copy(&totals.cum));
        if sel.any_hidden {
            self.hide_in_totals(sel, measures, &mut flat, &mut cum);
        }
        if sel.sample_kept.is_some() {
            self.subtract_dropped(sel, measures, &mut flat, &mut cum);
        }
        Graph::from_sums(measures, n, flat, cum, width)
    }

    /// Takes `sel`'s hidden nodes out of unfiltered sums: their rows go to
    /// zero, and the flat value of a stack whose leaf is hidden moves to
    /// its first visible frame.
    fn hide_in_totals(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut [i64],
        cum: &mut [i64],
    ) {
        let width = row_width(measures);
        let n = self.frames.nodes.len();
        // The flat moved to each visible node, in a table of the visible
        // nodes alone: a filter that keeps few nodes moves the most, and
        // a small table stays in cache (the benchmark's source filter
        // keeps 8,000 of 60,000 nodes: 256 kB instead of 1.9 MB).
        let hidden = &sel.hidden;
        let moved = self.on_threads(|blocks| {
            let mut delta = self.zeroed_table(hidden.outside_count() * width);
            with_row_width!(
                width,
                W => {
                    let (rows, _) = delta.as_chunks_mut::<W>();
                    let as_is = self.values_are_rows(measures, W);
                    self.for_hidden_leaves(sel, blocks, |s, to| {
                        if let Some(w) = self.row::<W>(s, measures, as_is) {
                            let row = &mut rows[hidden.rank_outside(to)];
                            for column in 0..W {
                                row[column] = row[column].wrapping_add(w[column]);
                            }
                        }
                    });
                },
                _ => {
                    let mut w = vec![0i64; width];
                    self.for_hidden_leaves(sel, blocks, |s, to| {
                        if self.weigh(s, measures, &mut w) {
                            let at = hidden.rank_outside(to) * width;
                            add_into(&mut delta[at..at + width], &w);
                        }
                    });
                }
            );
            delta
        });
        for node in hidden.iter() {
            flat[node * width..(node + 1) * width].fill(0);
            cum[node * width..(node + 1) * width].fill(0);
        }
        for delta in moved {
            let visible = (0..n).filter(|&node| !hidden.contains(node));
            for (node, moved) in visible.zip(delta.chunks_exact(width)) {
                add_into(&mut flat[node * width..(node + 1) * width], moved);
            }
            self.spare(delta);
        }
    }

    /// Calls `to_first_visible(s, node)` for each sample `s` of `blocks`
    /// whose leaf `sel` hides, with the first node of its stack that `sel`
    /// does not hide (if any). The samples of a leaf are next to each
    /// other: those of a visible leaf are skipped without reading them.
    fn for_hidden_leaves(
        &self,
        sel: &Selection,
        blocks: Blocks,
        mut to_first_visible: impl FnMut(usize, usize),
    ) {
        for block in blocks {
            let mut s = block.start;
            while s < block.end {
                let leaf = self.leaf(s);
                let run_end = (self.leaf_starts[leaf + 1] as usize).min(block.end);
                if sel.hidden.contains(leaf) {
                    for s in s..run_end {
                        let callers = &self.stack(s)[1..];
                        let first = callers
                            .iter()
                            .find(|&&e| !sel.hidden.contains((e & NODE) as usize));
                        if let Some(&to) = first {
                            to_first_visible(s, (to & NODE) as usize);
                        }
                    }
                }
                s = run_end;
            }
        }
    }

    /// Flat and cum rows over the samples `sel` keeps (`kept`) or drops
    /// (not `kept`), flattened.
    fn rows(
        &self,
        sel: &Selection,
        measures: &[Measure],
        width: usize,
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        with_row_width!(
            width,
            W => self.sum_rows::<W>(sel, measures, kept),
            _ => self.sum_rows_any_width(sel, measures, width, kept)
        )
    }

    /// Flat and cum rows of width `W`, flattened.
    fn sum_rows<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        let n = self.frames.nodes.len();
        // Room for the sinks.
        let len = (n + SINKS) * W;
        let parts = self.on_threads(|blocks| {
            let (mut flat, mut cum) = (self.zeroed_table(len), self.zeroed_table(len));
            let (flat_rows, _) = flat.as_chunks_mut::<W>();
            let (cum_rows, _) = cum.as_chunks_mut::<W>();
            for block in blocks {
                self.add_samples(sel, measures, kept, false, block, flat_rows, cum_rows);
            }
            (flat, cum)
        });
        let (mut flat, mut cum) = self.merge(parts, len);
        flat.truncate(n * W);
        cum.truncate(n * W);
        (flat, cum)
    }

    /// Takes the samples `sel` drops out of the flat and cum rows `flat`
    /// and `cum` (flattened).
    fn subtract_dropped(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut Vec<i64>,
        cum: &mut Vec<i64>,
    ) {
        let width = row_width(measures);
        with_row_width!(
            width,
            W => self.subtract_rows::<W>(sel, measures, flat, cum),
            _ => {
                let (gone_flat, gone_cum) = self.rows(sel, measures, width, false);
                sub_from(flat, &gone_flat);
                sub_from(cum, &gone_cum);
            }
        )
    }

    /// [`Stacks::subtract_dropped`] for rows of width `W`, on every
    /// thread: one takes its samples straight out of `flat` and `cum`, the
    /// others add theirs into tables of their own, subtracted at the end
    /// (one thread alone took 40% longer on the benchmark's focus filter).
    fn subtract_rows<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        flat: &mut Vec<i64>,
        cum: &mut Vec<i64>,
    ) {
        let n = self.frames.nodes.len();
        // Room for the sinks (within the capacity the sums were made with).
        let len = (n + SINKS) * W;
        flat.resize(len, 0);
        cum.resize(len, 0);
        // The first thread to start takes the sums themselves.
        let sums = Mutex::new(Some((flat.as_mut_slice(), cum.as_mut_slice())));
        let parts = self.on_threads(|blocks| {
            let own = sums.lock().unwrap_or_else(PoisonError::into_inner).take();
            let (mut own_flat, mut own_cum, negate) = match own {
                Some(_) => (Vec::new(), Vec::new(), true),
                None => (self.zeroed_table(len), self.zeroed_table(len), false),
            };
            let (flat, cum) = match own {
                Some(sums) => sums,
                None => (own_flat.as_mut_slice(), own_cum.as_mut_slice()),
            };
            let (flat_rows, _) = flat.as_chunks_mut::<W>();
            let (cum_rows, _) = cum.as_chunks_mut::<W>();
            for block in blocks {
                self.add_samples(sel, measures, false, negate, block, flat_rows, cum_rows);
            }
            (own_flat, own_cum)
        });
        for (gone_flat, gone_cum) in parts {
            if !gone_flat.is_empty() {
                sub_from(flat, &gone_flat);
                sub_from(cum, &gone_cum);
                self.spare(gone_flat);
                self.spare(gone_cum);
            }
        }
        flat.truncate(n * W);
        cum.truncate(n * W);
    }

    /// Adds the samples of `samples` that `sel` keeps (`kept`) or drops
    /// (not `kept`) to the rows `flat` and `cum` (with room for the sinks),
    /// or takes them away (`negate`).
    #[allow(clippy::too_many_arguments)]
    fn add_samples<const W: usize>(
        &self,
        sel: &Selection,
        measures: &[Measure],
        kept: bool,
        negate: bool,
        samples: Range<usize>,
        flat: &mut [[i64; W]],
        cum: &mut [[i64; W]],
    ) {
        let n = self.frames.nodes.len();
        let mut w = [0i64; W];
        let end = samples.end;
        for s in samples {
            // Filters keep scattered samples: fetch the stacks a few
            // samples ahead, or each one waits for memory.
            if s + AHEAD < end && sel.keeps_sample(s + AHEAD) == kept {
                self.prefetch(s + AHEAD);
            }
            if sel.keeps_sample(s) != kept || !self.weigh(s, measures, &mut w) {
                continue;
            }
            if negate {
                for v in &mut w {
                    *v = v.wrapping_neg();
                }
            }
            let stack = self.stack(s);
            let add = |row: &mut [i64; W]| {
                for column in 0..W {
                    row[column] = row[column].wrapping_add(w[column]);
                }
            };
            if !sel.any_hidden {
                if let Some(&leaf) = stack.first() {
                    add(&mut flat[(leaf & NODE) as usize]);
                }
                for &e in stack {
                    if e & FIRST != 0 {
                        add(&mut cum[(e & NODE) as usize]);
                    }
                }
            } else {
                // Hidden nodes and repeated frames add to sink rows past
                // the last node instead of branching (half the nodes
                // hidden at random defeats branch prediction); several
                // sinks, so that the adds do not wait on each other.
                let leaf = stack
                    .iter()
                    .map(|&e| sel.row[(e & NODE) as usize])
                    .find(|&row| (row as usize) < n);
                if let Some(leaf) = leaf {
                    add(&mut flat[leaf as usize]);
                }
                for (i, &e) in stack.iter().enumerate() {
                    let row = sel.row[(e & NODE) as usize] as usize;
                    let sink = n + (i % SINKS);
                    add(&mut cum[if e & FIRST != 0 { row } else { sink }]);
                }
            }
        }
    }

    /// [`Stacks::sum_rows`] for any width (many sample types).
    fn sum_rows_any_width(
        &self,
        sel: &Selection,
        measures: &[Measure],
        width: usize,
        kept: bool,
    ) -> (Vec<i64>, Vec<i64>) {
        let n = self.frames.nodes.len();
        let len = n * width;
        let parts = self.on_threads(|blocks| {
            let (mut flat, mut cum) = (self.zeroed_table(len), self.zeroed_table(len));
            let mut w = vec![0i64; width];
            let row = |node: usize| node * width..node * width + width;
            for s in blocks.flatten() {
                if sel.keeps_sample(s) != kept || !self.weigh(s, measures, &mut w) {
                    continue;
                }
                let mut leaf = None;
                for &e in self.stack(s) {
                    let node = (e & NODE) as usize;
                    if sel.any_hidden && sel.hidden.contains(node) {
                        continue;
                    }
                    leaf.get_or_insert(node);
                    if e & FIRST != 0 {
                        add_into(&mut cum[row(node)], &w);
                    }
                }
                if let Some(leaf) = leaf {
                    add_into(&mut flat[row(leaf)], &w);
                }
            }
            (flat, cum)
        });
        self.merge(parts, len)
    }

    /// The threads' flat and cum tables (of `len` each) added into the
    /// first thread's; the others are kept as spares.
    fn merge(&self, parts: Vec<(Vec<i64>, Vec<i64>)>, len: usize) -> (Vec<i64>, Vec<i64>) {
        let mut parts = parts.into_iter();
        let (mut flat, mut cum) = parts.next().unwrap_or_else(|| (vec![0; len], vec![0; len]));
        for (f, c) in parts {
            add_into(&mut flat, &f);
            add_into(&mut cum, &c);
            self.spare(f);
            self.spare(c);
        }
        (flat, cum)
    }
}

/// One row per node: the measures, then (for means) their divisors.
fn row_width(measures: &[Measure]) -> usize {
    match measures.iter().any(|x| x.mean) {
        true => 2 * measures.len(),
        false => measures.len(),
    }
}

fn sub_from(into: &mut [i64], gone: &[i64]) {
    for (sum, v) in into.iter_mut().zip(gone) {
        *sum = sum.wrapping_sub(*v);
    }
}

#[inline]
fn add_into(row: &mut [i64], w: &[i64]) {
    for (sum, v) in row.iter_mut().zip(w) {
        *sum = sum.wrapping_add(*v);
    }
}
