//! `drop_frames` / `keep_frames`: the profile's own request to hide
//! uninteresting frames (allocator internals, say) and everything they call.
//!
//! pprof applies this on load; a frame matches when its simplified function
//! name (see [`simplify_function_name`]) fully matches `drop_frames` and does
//! not fully match `keep_frames`.

use super::model::Profile;
use super::strings::StrId;
use regex::bytes::Regex;

pub(super) fn drop_uninteresting_frames(p: &mut Profile, drop: StrId, keep: StrId) {
    if drop.is_empty() {
        return;
    }
    let anchored = |id: StrId| Regex::new(&format!("^({})$", p.strings.text(id))).ok();
    // pprof skips pruning altogether when either regex does not compile.
    let Some(drop_rx) = anchored(drop) else {
        return;
    };
    let keep_rx = match keep.is_empty() {
        true => None,
        false => match anchored(keep) {
            Some(rx) => Some(rx),
            None => return,
        },
    };
    let matches = |name: &[u8]| {
        let name = simplify_function_name(name);
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

/// pprof's `simplifyFunc`: a leading `.` (PPC64 ELFv1) removed, and the name
/// cut at the first `(` that does not belong to `(anonymous namespace)` or
/// `operator()`, so C++ argument lists do not defeat name patterns.
pub fn simplify_function_name(name: &[u8]) -> &[u8] {
    const RESERVED: [&[u8]; 2] = [b"(anonymous namespace)", b"operator()"];
    let name = name.strip_prefix(b".").unwrap_or(name);
    let mut i = 0;
    while i < name.len() {
        // Leftmost-first alternation, as Go's regexp does for the same list.
        if let Some(reserved) = RESERVED.iter().find(|r| name[i..].starts_with(r)) {
            i += reserved.len();
        } else if name[i] == b'(' {
            return &name[..i];
        } else {
            i += 1;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::simplify_function_name as simplify;

    #[test]
    fn simplify_like_pprof() {
        assert_eq!(simplify(b"foo(int)"), b"foo");
        assert_eq!(simplify(b".foo"), b"foo");
        assert_eq!(
            simplify(b"(anonymous namespace)::f(int)"),
            b"(anonymous namespace)::f"
        );
        assert_eq!(simplify(b"S::operator()(int)"), b"S::operator()");
        assert_eq!(simplify(b"main.(*T).M"), b"main.");
        assert_eq!(simplify(b"(x)"), b"");
    }
}
