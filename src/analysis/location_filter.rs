//! What the filters do to one location: pprof's per-location steps of
//! `FilterSamplesByName` (focus, ignore, hide, show), `ShowFrom`,
//! `PruneFrom` and `Aggregate`'s `-noinlines`, plus the explorer's source
//! filter. Whole-sample decisions are made from these per-location results
//! in [`super::Frames`].

use super::filter::{Filters, Pattern};
use crate::profile::{Line, Location, Profile, StrId, simplify_function_name};

/// How focus and ignore see a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FocusMark {
    /// Matches neither (a sample needs some focused location).
    None,
    /// Matches focus (or there is no focus).
    Focused,
    /// Matches ignore: samples through it are dropped.
    Ignored,
}

/// The outcome for one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct LocationOutcome {
    /// Removed from every stack (all its lines were hidden).
    pub hidden: bool,
    /// Matched by show_from: stacks are cut above it.
    pub show_from: bool,
    /// Matched by prune_from: stacks are cut below it.
    pub prune_from: bool,
}

/// The filters bound to a profile.
pub(super) struct LocationFilter<'a> {
    pub profile: &'a Profile,
    pub filters: &'a Filters,
    /// Keep inlined lines (false: pprof's `-noinlines`).
    pub inline_frames: bool,
}

impl LocationFilter<'_> {
    fn line_matches(&self, p: &Pattern, line: &Line) -> bool {
        let f = &self.profile.functions[line.function as usize];
        p.is_match(self.profile.strings.get(f.name))
            || p.is_match(self.profile.strings.get(f.filename))
    }

    /// pprof matches a location's binary only when it has a mapping.
    fn binary_matches(&self, p: &Pattern, loc: &Location) -> bool {
        loc.mapping.is_some_and(|m| {
            p.is_match(
                self.profile
                    .strings
                    .get(self.profile.mappings[m as usize].file),
            )
        })
    }

    fn location_matches(&self, p: &Pattern, loc: &Location, lines: &[Line]) -> bool {
        lines.iter().any(|line| self.line_matches(p, line)) || self.binary_matches(p, loc)
    }

    fn file_of(&self, line: &Line) -> &[u8] {
        self.profile
            .strings
            .get(self.profile.functions[line.function as usize].filename)
    }

    /// How focus and ignore see `loc` (judged on all its original lines).
    pub fn focus_mark(&self, loc: &Location, lines: &[Line]) -> FocusMark {
        let f = self.filters;
        match (&f.ignore, &f.focus) {
            (Some(ignore), _) if self.location_matches(ignore, loc, lines) => FocusMark::Ignored,
            (_, None) => FocusMark::Focused,
            (_, Some(focus)) if self.location_matches(focus, loc, lines) => FocusMark::Focused,
            _ => FocusMark::None,
        }
    }

    /// Leaves in `kept` the lines of `loc` that remain, in order.
    pub fn keep_lines(
        &self,
        loc: &Location,
        lines: &[Line],
        kept: &mut Vec<Line>,
    ) -> LocationOutcome {
        let f = self.filters;
        let mut outcome = LocationOutcome::default();
        kept.clear();
        kept.extend_from_slice(lines);
        if let Some(hide) = &f.hide
            && self.location_matches(hide, loc, lines)
        {
            if self.binary_matches(hide, loc) {
                kept.clear();
            } else {
                kept.retain(|line| !self.line_matches(hide, line));
            }
            outcome.hidden |= kept.is_empty();
        }
        if let Some(show) = &f.show {
            if !self.binary_matches(show, loc) {
                kept.retain(|line| self.line_matches(show, line));
            }
            // Unlike hide, show also hides a location that had no lines.
            outcome.hidden |= kept.is_empty();
        }
        if let Some(show_from) = &f.show_from {
            if self.binary_matches(show_from, loc) {
                outcome.show_from = true;
            } else if let Some(i) = kept
                .iter()
                .rposition(|line| self.line_matches(show_from, line))
            {
                kept.truncate(i + 1);
                outcome.show_from = true;
            }
        }
        if let Some(prune_from) = &f.prune_from {
            let hit = kept.iter().position(|line| {
                let name = self
                    .profile
                    .strings
                    .get(self.profile.functions[line.function as usize].name);
                !name.is_empty() && prune_from.is_match(simplify_function_name(name))
            });
            if let Some(i) = hit {
                kept.drain(..i);
                outcome.prune_from = true;
            }
        }
        if !self.inline_frames && kept.len() > 1 {
            kept.drain(..kept.len() - 1);
        }
        // The source filter judges source files; a location without lines
        // has none, so only an include pattern (which wants one) hides it.
        if let Some(include) = &f.source_include {
            kept.retain(|line| include.is_match(self.file_of(line)));
            outcome.hidden |= kept.is_empty();
        }
        if let Some(exclude) = &f.source_exclude {
            let before = kept.len();
            kept.retain(|line| !exclude.is_match(self.file_of(line)));
            outcome.hidden |= before > 0 && kept.is_empty();
        }
        outcome
    }

    /// The binary of `loc` (empty when unknown).
    pub fn binary(&self, loc: &Location) -> StrId {
        loc.mapping
            .map_or(StrId::EMPTY, |m| self.profile.mappings[m as usize].file)
    }
}
