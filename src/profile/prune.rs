//! `drop_frames` / `keep_frames`: the profile's own request to hide
//! uninteresting frames (allocator internals, say) and everything they call.
//!
//! pprof applies this on load; a frame matches when its function name, with
//! a leading `.` removed and cut at the first `(`, fully matches
//! `drop_frames` and does not fully match `keep_frames`.

use super::model::Profile;
use super::strings::StrId;
use regex::bytes::Regex;

pub(super) fn drop_uninteresting_frames(p: &mut Profile, drop: StrId, keep: StrId) {
    if drop.is_empty() {
        return;
    }
    let anchored = |id: StrId| Regex::new(&format!("^({})$", p.strings.text(id))).ok();
    // pprof ignores a drop_frames it cannot compile; so does ppt.
    let Some(drop_rx) = anchored(drop) else {
        return;
    };
    let keep_rx = if keep.is_empty() {
        None
    } else {
        anchored(keep)
    };
    let matches = |name: &[u8]| {
        let name = name.strip_prefix(b".").unwrap_or(name);
        let name = match name.iter().position(|&b| b == b'(') {
            Some(i) if i > 0 => &name[..i],
            _ => name,
        };
        drop_rx.is_match(name) && !keep_rx.as_ref().is_some_and(|k| k.is_match(name))
    };
    let dropped_function: Vec<bool> = p
        .functions
        .iter()
        .map(|f| !f.name.is_empty() && matches(p.strings.get(f.name)))
        .collect();

    // Per location: Prune (the whole location goes) or PruneBeneath (the
    // location stays, its lines above the match are cut off, and the sample
    // loses everything below it).
    #[derive(Clone, Copy, PartialEq)]
    enum Cut {
        Keep,
        Prune,
        PruneBeneath,
    }
    let mut cuts = vec![Cut::Keep; p.locations.len()];
    for (i, loc) in p.locations.iter_mut().enumerate() {
        let lines = &p.lines[loc.lines.start as usize..loc.lines.end as usize];
        // Outermost line first, as pprof scans.
        let Some(hit) = (0..lines.len())
            .rev()
            .find(|&j| dropped_function[lines[j].function as usize])
        else {
            continue;
        };
        if hit == lines.len() - 1 {
            cuts[i] = Cut::Prune;
        } else {
            cuts[i] = Cut::PruneBeneath;
            loc.lines.start += hit as u32 + 1;
        }
    }
    if cuts.iter().all(|&c| c == Cut::Keep) {
        return;
    }

    let mut leaf_cut = vec![0u32; p.samples.len()];
    for (s, cut) in leaf_cut.iter_mut().enumerate() {
        let stack = p.samples.stack(s);
        // Scan from the root; frames before the first kept one are never
        // pruned, so a profile cannot lose whole stacks.
        let mut found_user = false;
        for i in (0..stack.len()).rev() {
            match cuts[stack[i] as usize] {
                Cut::Keep => found_user = true,
                _ if !found_user => {}
                Cut::Prune => {
                    *cut = i as u32 + 1;
                    break;
                }
                Cut::PruneBeneath => {
                    *cut = i as u32;
                    break;
                }
            }
        }
    }
    p.samples.cut_leaf_frames(&leaf_cut);
}
