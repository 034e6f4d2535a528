//! The profile as pprof's filters leave it, for the reports that print the
//! profile itself rather than a graph (`-traces`, `-tags`, `-raw`,
//! `-proto`): which samples remain and in what order, what remains of each
//! one's stack, of each location's lines and of each sample's labels.
//!
//! pprof rewrites its copy of the profile (`driver_focus.go applyFocus`):
//! focus/ignore/hide/show, then show_from, tagfocus/tagignore,
//! tagshow/taghide and prune_from, and for `-noinlines` keeps the last line
//! of each location. ppt computes the same outcome without rewriting, from
//! the per-location decisions that [`super::Frames`] uses too.

use super::filter::Filters;
use super::frames::{sample_windows, select_samples};
use super::location_filter::LocationFilter;
use super::tags::shows_label_key;
use crate::profile::{Label, Line, LocationIdx, Profile, StrId};

/// What pprof's filters leave of a profile.
#[derive(Debug, Clone)]
pub struct Filtered<'p> {
    /// The profile filtered.
    pub profile: &'p Profile,
    /// `kept_lines[kept_starts[l]..kept_starts[l + 1]]`: the lines of
    /// location `l` that remain (indices into [`Profile::lines`]).
    kept_lines: Vec<u32>,
    kept_starts: Vec<u32>,
    /// Locations that hide/show removed from every stack.
    hidden: Vec<bool>,
    /// The samples that remain, in profile order.
    samples: Vec<u32>,
    /// The part of each stack show_from/prune_from leave (leaf-first index
    /// range); `None` keeps whole stacks.
    windows: Option<Vec<(u32, u32)>>,
    /// Per string id: whether tagshow/taghide keep a label with that key;
    /// `None` keeps every label.
    label_keys: Option<Vec<bool>>,
}

impl<'p> Filtered<'p> {
    /// Applies `filters` to `profile`; without `inline_frames`, each
    /// location keeps only its last remaining line (pprof's `-noinlines`).
    pub fn new(profile: &'p Profile, filters: &Filters, inline_frames: bool) -> Filtered<'p> {
        let mut filter = LocationFilter::new(profile, filters, inline_frames);
        let mut kept_lines = Vec::with_capacity(profile.lines.len());
        let mut kept_starts = Vec::with_capacity(profile.locations.len() + 1);
        kept_starts.push(0u32);
        let mut hidden = Vec::with_capacity(profile.locations.len());
        let mut outcomes = Vec::with_capacity(profile.locations.len());
        let mut marks = Vec::new();
        let mut kept = Vec::new();
        for (l, loc) in profile.locations.iter().enumerate() {
            let lines = profile.location_lines(l as LocationIdx);
            if filters.selects_samples() {
                marks.push(filter.focus_mark(loc, lines));
            }
            let outcome = filter.keep_lines(loc, lines, &mut kept);
            if !outcome.hidden {
                kept_lines.extend(
                    (loc.lines.clone())
                        .zip(&kept)
                        .filter_map(|(line, &k)| k.then_some(line)),
                );
            }
            kept_starts.push(kept_lines.len() as u32);
            hidden.push(outcome.hidden);
            outcomes.push(outcome);
        }
        let windows = (filters.show_from.is_some() || filters.prune_from.is_some())
            .then(|| sample_windows(profile, filters, &outcomes));
        let selected = filters
            .selects_samples()
            .then(|| select_samples(profile, filters, &marks));
        // pprof drops a sample all of whose locations were hidden, and
        // show_from drops the samples it does not match.
        let samples = (0..profile.samples.len())
            .filter(|&s| {
                // pprof's focus test wants some focused location, and with
                // no focus every location is one: a sample without
                // locations never passes.
                if profile.samples.stack(s).is_empty() {
                    return false;
                }
                if selected.as_ref().is_some_and(|keep| !keep[s]) {
                    return false;
                }
                if filters.show_from.is_some() && windows.as_ref().is_some_and(|w| w[s].1 == 0) {
                    return false;
                }
                profile
                    .samples
                    .stack(s)
                    .iter()
                    .any(|&l| !hidden[l as usize])
            })
            .map(|s| s as u32)
            .collect();
        let label_keys = (filters.tag_show.is_some() || filters.tag_hide.is_some()).then(|| {
            (0..profile.strings.len() as u32)
                .map(|id| {
                    shows_label_key(
                        filters.tag_show.as_ref(),
                        filters.tag_hide.as_ref(),
                        profile.strings.get(StrId(id)),
                    )
                })
                .collect()
        });
        Filtered {
            profile,
            kept_lines,
            kept_starts,
            hidden,
            samples,
            windows,
            label_keys,
        }
    }

    /// The samples that remain, in profile order.
    pub fn samples(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.samples.iter().map(|&s| s as usize)
    }

    /// What remains of the stack of sample `s`, leaf first.
    pub fn stack(&self, s: usize) -> impl Iterator<Item = LocationIdx> + '_ {
        let stack = self.profile.samples.stack(s);
        let stack = match &self.windows {
            Some(windows) => &stack[windows[s].0 as usize..windows[s].1 as usize],
            None => stack,
        };
        stack.iter().copied().filter(|&l| !self.hidden[l as usize])
    }

    /// The lines of location `loc` that remain, innermost first, as indices
    /// into [`Profile::lines`]; empty for a location without lines (or
    /// one removed from every stack).
    pub fn line_indices(&self, loc: LocationIdx) -> &[u32] {
        let l = loc as usize;
        &self.kept_lines[self.kept_starts[l] as usize..self.kept_starts[l + 1] as usize]
    }

    /// The lines of location `loc` that remain, innermost first.
    pub fn lines(&self, loc: LocationIdx) -> impl ExactSizeIterator<Item = &'p Line> + '_ {
        let lines = &self.profile.lines;
        self.line_indices(loc)
            .iter()
            .map(move |&i| &lines[i as usize])
    }

    /// Whether hide/show removed location `loc` from every stack.
    pub fn is_hidden(&self, loc: LocationIdx) -> bool {
        self.hidden[loc as usize]
    }

    /// The labels of sample `s` that remain after tagshow/taghide.
    pub fn labels(&self, s: usize) -> impl Iterator<Item = &'p Label> + '_ {
        let labels: &'p [Label] = self.profile.samples.labels(s);
        labels.iter().filter(|l| {
            self.label_keys
                .as_ref()
                .is_none_or(|keys| keys[l.key.0 as usize])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Pattern;

    fn fixture(name: &str) -> Profile {
        let path = format!("{}/tests/fixtures/extra/{name}", env!("CARGO_MANIFEST_DIR"));
        crate::profile::load(&path, &Default::default()).expect("fixture loads")
    }

    fn pattern(rx: &str) -> Option<Pattern> {
        Some(Pattern::new("test", rx).unwrap())
    }

    /// noloc.pb: 0 and 3 have no locations; 1 work<main, 2 idle<main, 4 work.
    #[test]
    fn samples_pprof_keeps() {
        let p = fixture("noloc.pb");
        let kept = |filters: Filters| -> Vec<usize> {
            Filtered::new(&p, &filters, true).samples().collect()
        };
        // Even without filters, pprof's focus test drops samples without
        // locations.
        assert_eq!(kept(Filters::default()), [1, 2, 4]);
        // A sample whose every location is hidden goes.
        let hide_work = Filters {
            hide: pattern("work"),
            ..Filters::default()
        };
        assert_eq!(kept(hide_work.clone()), [1, 2]);
        let f = Filtered::new(&p, &hide_work, true);
        let names: Vec<String> = f
            .stack(1)
            .flat_map(|l| f.lines(l).collect::<Vec<_>>())
            .map(|line| {
                p.strings
                    .text(p.functions[line.function as usize].name)
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["main.main"]);
        // show_from drops the samples it does not match.
        let show_from = Filters {
            show_from: pattern("idle"),
            ..Filters::default()
        };
        assert_eq!(kept(show_from), [2]);
    }

    #[test]
    fn label_keys_shown_and_hidden() {
        let p = fixture("labels.pb");
        let keys = |filters: Filters| -> Vec<String> {
            let f = Filtered::new(&p, &filters, true);
            f.labels(0)
                .map(|l| p.strings.text(l.key).into_owned())
                .collect()
        };
        assert_eq!(keys(Filters::default()), ["region", "bytes", "request_id"]);
        let show = Filters {
            tag_show: pattern("e"),
            tag_hide: pattern("^req"),
            ..Filters::default()
        };
        assert_eq!(keys(show), ["region", "bytes"]);
    }
}
