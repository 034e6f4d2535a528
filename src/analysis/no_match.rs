//! pprof's warnings for filters that match nothing: `Focus expression
//! matched no samples`, and the same for Ignore, Hide, Show, ShowFrom,
//! TagFocus and TagIgnore, in that order (Go 1.19's `applyFocus`).
//!
//! As in pprof, focus, ignore, hide, show and show_from are judged on every
//! location of a sample with some value (pprof merges the profile on load,
//! which keeps no other; a location in no such sample does not count), even
//! one the other filters drop; ignore before
//! focus (a location both match counts for ignore only), show and show_from
//! after hide has removed its lines; the label filters on the samples the
//! others leave. prune_from has no warning.

use super::filter::Filters;
use super::location_filter::{FocusMark, LocationFilter, WarningMatches};
use super::tags::filter_samples_by_tag;
use crate::profile::{LocationIdx, Profile};

/// The option names whose filter is set and matched nothing, in pprof's
/// order (`Focus`, `Ignore`, `Hide`, `Show`, `ShowFrom`, `TagFocus`,
/// `TagIgnore`).
pub fn unmatched_filters(profile: &Profile, filters: &Filters) -> Vec<&'static str> {
    let by_name = filters.focus.is_some()
        || filters.ignore.is_some()
        || filters.hide.is_some()
        || filters.show.is_some()
        || filters.show_from.is_some();
    let tags = filters.tag_focus.is_some() || filters.tag_ignore.is_some();
    if !by_name && !tags {
        return Vec::new();
    }
    // pprof merges the profile on load: only locations of samples with a
    // value other than zero remain to be matched.
    let counted = |s: usize| profile.samples.values(s).iter().any(|&v| v != 0);
    let mut used = vec![false; profile.locations.len()];
    for s in (0..profile.samples.len()).filter(|&s| counted(s)) {
        for &l in profile.samples.stack(s) {
            used[l as usize] = true;
        }
    }
    let mut filter = LocationFilter::new(profile, filters, true);
    let at: Vec<WarningMatches> = (0..profile.locations.len())
        .map(|l| match used[l] {
            true => {
                let lines = profile.location_lines(l as LocationIdx);
                filter.warning_matches(&profile.locations[l], lines)
            }
            false => WarningMatches::default(),
        })
        .collect();
    let any = |test: fn(&WarningMatches) -> bool| at.iter().any(test);
    let mut unmatched = Vec::new();
    for (set, matched, name) in [
        (
            filters.focus.is_some(),
            any(|m| m.mark == FocusMark::Focused),
            "Focus",
        ),
        (
            filters.ignore.is_some(),
            any(|m| m.mark == FocusMark::Ignored),
            "Ignore",
        ),
        (filters.hide.is_some(), any(|m| m.hide), "Hide"),
        (filters.show.is_some(), any(|m| m.show), "Show"),
        (
            filters.show_from.is_some(),
            any(|m| m.show_from),
            "ShowFrom",
        ),
    ] {
        if set && !matched {
            unmatched.push(name);
        }
    }
    if tags {
        let alive = |s: usize| counted(s) && sample_survives_names(profile, filters, &at, s);
        let (_, focus_matched, ignore_matched) = filter_samples_by_tag(
            profile,
            filters.tag_focus.as_ref(),
            filters.tag_ignore.as_ref(),
            alive,
        );
        if filters.tag_focus.is_some() && !focus_matched {
            unmatched.push("TagFocus");
        }
        if filters.tag_ignore.is_some() && !ignore_matched {
            unmatched.push("TagIgnore");
        }
    }
    unmatched
}

/// pprof's messages for [`unmatched_filters`], one a line.
pub fn no_match_warnings(profile: &Profile, filters: &Filters) -> Vec<String> {
    unmatched_filters(profile, filters)
        .into_iter()
        .map(|name| format!("{name} expression matched no samples"))
        .collect()
}

/// Whether sample `s` is left by focus, ignore, hide, show and show_from
/// (what the label filters then look at).
fn sample_survives_names(
    profile: &Profile,
    filters: &Filters,
    at: &[WarningMatches],
    s: usize,
) -> bool {
    let stack = profile.samples.stack(s);
    let marks = stack.iter().map(|&l| at[l as usize].mark);
    if filters.ignore.is_some() && marks.clone().any(|m| m == FocusMark::Ignored) {
        return false;
    }
    if filters.focus.is_some() && !marks.clone().any(|m| m == FocusMark::Focused) {
        return false;
    }
    let mut visible = stack.iter().filter(|&&l| !at[l as usize].hidden).peekable();
    if visible.peek().is_none() && (filters.hide.is_some() || filters.show.is_some()) {
        return false;
    }
    filters.show_from.is_none() || visible.any(|&l| at[l as usize].show_from)
}
