//! The table a graph walk sums edges in (`graph_walk.rs`): open
//! addressing keyed by (caller, callee), each slot holding the key, the
//! edge's number, the stamp of the last sample that added to it and its
//! sums, so that adding a frame's edge costs one cache line, which the walk
//! asks for ahead of time ([`prefetch`]). Slots live on 2 MB pages where
//! the system allows (a graph at address granularity has a million edges).

use super::graph_walk::EdgeSums;
use super::huge_pages::zeroed;
use super::node::NodeId;

/// Asks the CPU to start loading what `at` points to into cache.
#[inline]
pub(super) fn prefetch<T>(at: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86_64 CPU, and a prefetch only
        // hints at a load: it never faults or reads into Rust values (the
        // pointer is in bounds anyway).
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.as_ptr().cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// The values one sample adds.
pub(super) struct Adding<'a> {
    pub stamp: u32,
    pub w: &'a [i64],
    pub dw: &'a [i64],
    pub contributes: &'a [bool],
}

/// Edge sums by (caller, callee): open addressing, linear probing. A slot
/// is `stride` words: the key plus one (0: empty), the edge's number and
/// the stamp plus one of the last sample that added to it, the flags of
/// each measure (a byte each), the weights, the divisor sums.
pub(super) struct EdgeTable {
    m: usize,
    with_div: bool,
    flag_words: usize,
    stride: usize,
    slots: Vec<u64>,
    /// Slot count minus one (a power of two).
    mask: usize,
    len: usize,
    ends: Vec<(NodeId, NodeId)>,
    record_first_seen: bool,
    first_seen: Vec<u64>,
}

impl EdgeTable {
    pub(super) fn new(
        m: usize,
        with_div: bool,
        record_first_seen: bool,
        nodes: usize,
    ) -> EdgeTable {
        let flag_words = m.div_ceil(8);
        let stride = 2 + flag_words + m * (1 + usize::from(with_div));
        // Room for a few edges a node before growing (zeroed memory is
        // only touched where used).
        let count = (nodes * 4).next_power_of_two().max(64);
        EdgeTable {
            m,
            with_div,
            flag_words,
            stride,
            slots: zeroed(count * stride),
            mask: count - 1,
            len: 0,
            ends: Vec::new(),
            record_first_seen,
            first_seen: Vec::new(),
        }
    }

    /// The slot (its first word) of edge `caller` -> `callee`, added
    /// (first seen at `seen`) if new.
    #[inline]
    pub(super) fn slot(&mut self, caller: NodeId, callee: NodeId, seen: u64) -> usize {
        let key = ((u64::from(caller) << 32) | u64::from(callee)) + 1;
        let mut i = mix(key) as usize & self.mask;
        loop {
            let at = i * self.stride;
            match self.slots[at] {
                k if k == key => return at,
                0 => {
                    if (self.len + 1) * 4 > (self.mask + 1) * 3 {
                        self.grow();
                        return self.slot(caller, callee, seen);
                    }
                    self.slots[at] = key;
                    self.slots[at + 1] = self.len as u64;
                    self.len += 1;
                    self.ends.push((caller, callee));
                    if self.record_first_seen {
                        self.first_seen.push(seen);
                    }
                    return at;
                }
                _ => i = (i + 1) & self.mask,
            }
        }
    }

    /// Starts loading the slot where edge `caller` -> `callee` is looked
    /// for first.
    #[inline]
    pub(super) fn prefetch(&self, caller: NodeId, callee: NodeId) {
        let key = ((u64::from(caller) << 32) | u64::from(callee)) + 1;
        let i = mix(key) as usize & self.mask;
        prefetch(&self.slots[i * self.stride..]);
    }

    /// Adds a sample to the edge at `at`, unless it added already.
    #[inline]
    pub(super) fn add(&mut self, at: usize, flag: u8, sample: &Adding) {
        let stamp = u64::from(sample.stamp.wrapping_add(1)) << 32;
        let word = self.slots[at + 1];
        if word & !0xffff_ffff == stamp {
            return;
        }
        self.slots[at + 1] = (word & 0xffff_ffff) | stamp;
        let flags = at + 2;
        let weights = flags + self.flag_words;
        let divs = weights + self.m;
        for column in 0..self.m {
            if sample.contributes[column] {
                let sum = &mut self.slots[weights + column];
                *sum = (*sum as i64).wrapping_add(sample.w[column]) as u64;
                if self.with_div {
                    let sum = &mut self.slots[divs + column];
                    *sum = (*sum as i64).wrapping_add(sample.dw[column]) as u64;
                }
                self.slots[flags + column / 8] |= u64::from(flag) << (8 * (column % 8));
            }
        }
    }

    /// Twice the slots, every edge moved to its place in them.
    fn grow(&mut self) {
        let count = (self.mask + 1) * 2;
        let old = std::mem::replace(&mut self.slots, zeroed(count * self.stride));
        self.mask = count - 1;
        for slot in old.chunks_exact(self.stride) {
            if slot[0] == 0 {
                continue;
            }
            let mut i = mix(slot[0]) as usize & self.mask;
            while self.slots[i * self.stride] != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i * self.stride..(i + 1) * self.stride].copy_from_slice(slot);
        }
    }

    /// The sums, by edge number.
    pub(super) fn into_sums(self) -> EdgeSums {
        let (m, n) = (self.m, self.len);
        let mut sums = EdgeSums {
            weight: vec![0; n * m],
            div: if self.with_div {
                vec![0; n * m]
            } else {
                Vec::new()
            },
            flags: vec![0; n * m],
            ends: self.ends,
            first_seen: self.first_seen,
        };
        let flags = 2;
        let weights = flags + self.flag_words;
        let divs = weights + m;
        for slot in self.slots.chunks_exact(self.stride) {
            if slot[0] == 0 {
                continue;
            }
            let e = (slot[1] & 0xffff_ffff) as usize;
            for column in 0..m {
                sums.weight[e * m + column] = slot[weights + column] as i64;
                if self.with_div {
                    sums.div[e * m + column] = slot[divs + column] as i64;
                }
                sums.flags[e * m + column] = (slot[flags + column / 8] >> (8 * (column % 8))) as u8;
            }
        }
        sums
    }
}

/// The murmur3 finalizer: caller/callee pairs are small dense integers,
/// which a multiplicative hash maps to clustered slots.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    z = (z ^ (z >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::graph::EDGE_SEEN;

    /// The table grows from its smallest size and keeps every edge.
    #[test]
    fn edge_table_grows() {
        let mut table = EdgeTable::new(2, true, true, 0);
        let adding = Adding {
            stamp: 0,
            w: &[3, 4],
            dw: &[1, 1],
            contributes: &[true, false],
        };
        for i in 0..1000u32 {
            let at = table.slot(i % 37, i, u64::from(i));
            table.add(at, EDGE_SEEN, &adding);
            // The same sample adds once.
            table.add(at, EDGE_SEEN, &adding);
        }
        let sums = table.into_sums();
        assert_eq!(sums.ends.len(), 1000);
        assert_eq!(sums.ends[999], (999 % 37, 999));
        assert_eq!(&sums.weight[..4], &[3, 0, 3, 0]);
        assert_eq!(&sums.div[..2], &[1, 0]);
        assert_eq!(&sums.flags[..2], &[EDGE_SEEN, 0]);
        assert_eq!(sums.first_seen.len(), 1000);
    }
}
