//! Finding entities equal to one already merged, without copying keys out
//! of the merged profile: a hash table of chains for locations ([`Dedup`]),
//! and for samples, far more numerous, hashes sorted ([`sum_duplicates`]).

use super::NONE;
use crate::profile::model::Samples;
use rustc_hash::FxHashMap;

/// A hash table of indices into a vector held elsewhere: the hash of an
/// entry's key finds the chain of entries that may be equal, and the caller
/// compares them. Keys are never copied out of the merged profile.
#[derive(Default)]
pub(super) struct Dedup {
    heads: FxHashMap<u64, u32>,
    /// The entry inserted before this one with the same hash.
    next: Vec<u32>,
}

impl Dedup {
    pub(super) fn with_capacity(n: usize) -> Dedup {
        Dedup {
            heads: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            next: Vec::with_capacity(n),
        }
    }

    pub(super) fn find(&self, hash: u64, mut equal: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut at = *self.heads.get(&hash)?;
        while at != NONE {
            if equal(at) {
                return Some(at);
            }
            at = self.next[at as usize];
        }
        None
    }

    /// Adds entry number `self.next.len()`.
    pub(super) fn insert(&mut self, hash: u64) {
        let index = self.next.len() as u32;
        let previous = self.heads.insert(hash, index).unwrap_or(NONE);
        self.next.push(previous);
    }
}

/// Sums samples with the same stack and labels into the first of them, as
/// pprof's merge does, given each sample's hash of both. Samples come out in
/// the order of their first appearance.
///
/// A hash table the size of a large profile is mostly cache misses, one or
/// two a sample; sorting the hashes instead reads and writes memory in
/// order, and equal samples end up next to each other.
pub(super) fn sum_duplicates(samples: Samples, hashes: &[u64]) -> Samples {
    let n = samples.len();
    debug_assert_eq!(n, hashes.len());
    let order = sort_by_hash(hashes);
    // first[i]: the first sample equal to sample i, once one is found.
    let mut first: Vec<u32> = Vec::new();
    let mut earlier: Vec<u32> = Vec::new();
    for run in order.chunk_by(|a, b| a.0 == b.0) {
        if run.len() == 1 {
            continue;
        }
        // Distinct samples with this hash so far, by first appearance (the
        // run is in index order).
        earlier.clear();
        for &(_, i) in run {
            let same = earlier.iter().copied().find(|&e| {
                let (e, i) = (e as usize, i as usize);
                samples.stack(e) == samples.stack(i) && samples.labels(e) == samples.labels(i)
            });
            match same {
                Some(e) => {
                    if first.is_empty() {
                        first = (0..n as u32).collect();
                    }
                    first[i as usize] = e;
                }
                None => earlier.push(i),
            }
        }
    }
    if first.is_empty() {
        return samples;
    }
    let mut out = Samples::new(samples.value_count());
    let (frames, labels) = samples.sizes();
    out.reserve(n, frames, labels);
    let mut position = vec![NONE; n];
    for i in 0..n {
        let e = first[i] as usize;
        if e == i {
            position[i] = out.len() as u32;
            out.push(samples.stack(i), samples.values(i), samples.labels(i))
                .expect("no more samples than before");
        } else {
            let sums = out.values_mut(position[e] as usize);
            for (s, &v) in sums.iter_mut().zip(samples.values(i)) {
                *s = s.wrapping_add(v);
            }
        }
    }
    out
}

/// (hash, index) pairs sorted: one pass puts them in buckets by the top
/// bits of the hash (hashes spread evenly), then each bucket, small enough
/// for the first-level cache, is sorted on its own.
fn sort_by_hash(hashes: &[u64]) -> Vec<(u64, u32)> {
    let n = hashes.len();
    let bits = (n / 256).max(1).ilog2().clamp(1, 16);
    let shift = 64 - bits;
    let mut starts = vec![0usize; (1 << bits) + 1];
    for &h in hashes {
        starts[(h >> shift) as usize + 1] += 1;
    }
    for b in 1..starts.len() {
        starts[b] += starts[b - 1];
    }
    let mut order = vec![(0u64, 0u32); n];
    let mut fill = starts.clone();
    for (i, &h) in hashes.iter().enumerate() {
        let b = (h >> shift) as usize;
        order[fill[b]] = (h, i as u32);
        fill[b] += 1;
    }
    // The buckets in two halves, one per core.
    let half = starts[starts.len() / 2];
    let (low, high) = order.split_at_mut(half);
    let sort_buckets = |part: &mut [(u64, u32)], offset: usize, bounds: &[usize]| {
        for b in bounds.windows(2) {
            part[b[0] - offset..b[1] - offset].sort_unstable();
        }
    };
    let middle = starts.len() / 2;
    if n < 1 << 16 {
        sort_buckets(low, 0, &starts[..=middle]);
        sort_buckets(high, half, &starts[middle..]);
    } else {
        std::thread::scope(|scope| {
            scope.spawn(|| sort_buckets(high, half, &starts[middle..]));
            sort_buckets(low, 0, &starts[..=middle]);
        });
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_sort_like_a_plain_sort() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let hashes: Vec<u64> = (0..5000)
            .map(|i| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 7 == 0 { 42 } else { x }
            })
            .collect();
        let mut want: Vec<(u64, u32)> = hashes
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        want.sort_unstable();
        assert_eq!(sort_by_hash(&hashes), want);
        assert_eq!(sort_by_hash(&[]), vec![]);
        assert_eq!(sort_by_hash(&[3, 1]), vec![(1, 1), (3, 0)]);
    }
}
