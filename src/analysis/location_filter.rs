//! What the filters do to one location: pprof's per-location steps of
//! `FilterSamplesByName` (focus, ignore, hide, show), `ShowFrom`,
//! `PruneFrom` and `Aggregate`'s `-noinlines`, plus the explorer's source
//! filter. Whole-sample decisions are made from these per-location results
//! in [`super::Frames`].

use super::filter::{Filters, Pattern};
use super::parallel::{THREADS, even_split, in_parallel};
use crate::profile::{Line, Location, LocationIdx, Profile, StrId, simplify_function_name};
use std::cell::OnceCell;

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

/// What the filters match at one location, as pprof's warnings count it
/// (see [`LocationFilter::warning_matches`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct WarningMatches {
    /// How focus and ignore see it.
    pub mark: FocusMark,
    /// hide matches it.
    pub hide: bool,
    /// show leaves some of its lines.
    pub show: bool,
    /// show_from matches it (after hide and show).
    pub show_from: bool,
    /// hide and show leave none of its lines.
    pub hidden: bool,
}

impl Default for WarningMatches {
    fn default() -> Self {
        WarningMatches {
            mark: FocusMark::None,
            hide: false,
            show: false,
            show_from: false,
            hidden: false,
        }
    }
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
///
/// Every pattern is matched against a given string once: a profile has far
/// fewer distinct function names and file names than lines (files are shared
/// by many functions, functions by many locations), and a regex match costs
/// more than a table lookup.
pub(super) struct LocationFilter<'a> {
    profile: &'a Profile,
    filters: &'a Filters,
    /// Keep inlined lines (false: pprof's `-noinlines`).
    inline_frames: bool,
    /// Per pattern (see [`Which`]), per profile string: unknown, no, yes.
    memo: [Vec<Memo>; Which::COUNT],
    /// Per pattern, per function, when known ahead ([`StringMatches`]):
    /// whether its name or file matches, and whether its file does.
    functions: [Vec<Memo>; Which::COUNT],
    files: [Vec<Memo>; Which::COUNT],
}

/// Every pattern of a set of filters matched against every string of a
/// profile ahead of time, the strings shared out between threads; then
/// against every function (its name or file; its file alone for the source
/// filter), so that
/// a location's lines are judged from a table small enough to stay in
/// cache. What [`LocationFilter::with_matches`] starts from.
pub(super) struct StringMatches {
    strings: [Vec<Memo>; Which::COUNT],
    functions: [Vec<Memo>; Which::COUNT],
    files: [Vec<Memo>; Which::COUNT],
}

impl StringMatches {
    pub fn all(profile: &Profile, filters: &Filters) -> StringMatches {
        let strings = &profile.strings;
        let mut matches = StringMatches {
            strings: Default::default(),
            functions: Default::default(),
            files: Default::default(),
        };
        let memo = |hit: bool| if hit { Memo::Yes } else { Memo::No };
        // The source filter judges file names alone: a profile has far
        // fewer of those than strings (4,400 of 64,000 on the benchmark).
        let file_names = OnceCell::new();
        for which in Which::ALL {
            let Some(pattern) = pattern_of(filters, which) else {
                continue;
            };
            let judged: Option<&Vec<StrId>> = match which {
                Which::SourceInclude | Which::SourceExclude => {
                    Some(file_names.get_or_init(|| distinct_file_names(profile)))
                }
                _ => None,
            };
            let by_string = match judged {
                None => {
                    let all: Vec<StrId> = (0..strings.len() as u32).map(StrId).collect();
                    match_each(pattern, profile, &all)
                }
                Some(ids) => {
                    let mut by_string = vec![Memo::Unknown; strings.len()];
                    for (id, hit) in ids.iter().zip(match_each(pattern, profile, ids)) {
                        by_string[id.0 as usize] = hit;
                    }
                    by_string
                }
            };
            let matches_string = |id: StrId| by_string[id.0 as usize] == Memo::Yes;
            let functions = profile.functions.iter();
            // The source filter judges files; the others names or files.
            match which {
                Which::SourceInclude | Which::SourceExclude => {
                    matches.files[which as usize] = functions
                        .map(|f| memo(matches_string(f.filename)))
                        .collect();
                }
                _ => {
                    matches.functions[which as usize] = functions
                        .map(|f| memo(matches_string(f.filename) || matches_string(f.name)))
                        .collect();
                }
            }
            matches.strings[which as usize] = by_string;
        }
        matches
    }

    /// Whether hide or show matches the binary of some mapping: then
    /// whether a line stays depends on its location, not only on its
    /// function (see [`StringMatches::kept_functions`]).
    pub fn binaries_matter(&self, profile: &Profile, filters: &Filters) -> bool {
        [Which::Hide, Which::Show].into_iter().any(|which| {
            pattern_of(filters, which).is_some()
                && profile
                    .mappings
                    .iter()
                    .any(|m| self.strings[which as usize][m.file.0 as usize] == Memo::Yes)
        })
    }

    /// Whether hide, show and the source filter keep a line of each
    /// function: what [`LocationFilter::keep_lines`] decides for it, when
    /// no binary matters ([`StringMatches::binaries_matter`]).
    pub fn kept_functions(&self, filters: &Filters, count: usize) -> Vec<bool> {
        let mut kept = vec![true; count];
        // Each pattern set takes away the functions it does not keep.
        let mut take = |memos: &[Vec<Memo>; Which::COUNT], which: Which, keeps_hits: bool| {
            if pattern_of(filters, which).is_some() {
                for (keep, &memo) in kept.iter_mut().zip(&memos[which as usize]) {
                    *keep &= (memo == Memo::Yes) == keeps_hits;
                }
            }
        };
        take(&self.functions, Which::Hide, false);
        take(&self.functions, Which::Show, true);
        take(&self.files, Which::SourceInclude, true);
        take(&self.files, Which::SourceExclude, false);
        kept
    }

    /// How focus and ignore see every location: what
    /// [`LocationFilter::focus_mark`] says of each, from the tables alone,
    /// each half of the locations on its own thread.
    pub fn focus_marks(&self, profile: &Profile, filters: &Filters) -> Vec<FocusMark> {
        let hit = |which: Which| pattern_of(filters, which).map(|_| which as usize);
        let (focus, ignore) = (hit(Which::Focus), hit(Which::Ignore));
        let parts = in_parallel(even_split(profile.locations.len(), THREADS), |range| {
            // Any line's function, or the location's binary.
            let matches = |which: usize, loc: &Location, lines: &[Line]| {
                let functions = &self.functions[which];
                lines
                    .iter()
                    .any(|line| functions[line.function as usize] == Memo::Yes)
                    || loc.mapping.is_some_and(|m| {
                        let file = profile.mappings[m as usize].file;
                        self.strings[which][file.0 as usize] == Memo::Yes
                    })
            };
            range
                .map(|l| {
                    let loc = &profile.locations[l];
                    let lines = profile.location_lines(l as LocationIdx);
                    if ignore.is_some_and(|which| matches(which, loc, lines)) {
                        FocusMark::Ignored
                    } else if focus.is_none_or(|which| matches(which, loc, lines)) {
                        FocusMark::Focused
                    } else {
                        FocusMark::None
                    }
                })
                .collect::<Vec<FocusMark>>()
        });
        parts.concat()
    }

    /// Whether hide, show and the source filter keep a location without
    /// lines, when no binary matters: show and the source filter's include
    /// want a line (a name, a file) that it does not have.
    pub fn keeps_lineless(filters: &Filters) -> bool {
        filters.show.is_none() && filters.source_include.is_none()
    }
}

/// Whether `pattern` matches each of the strings `ids`, the strings
/// shared out between threads.
fn match_each(pattern: &Pattern, profile: &Profile, ids: &[StrId]) -> Vec<Memo> {
    let parts = in_parallel(even_split(ids.len(), THREADS), |range| {
        // A regex shared by threads hands its scratch space from one to
        // the other under a lock; a clone has its own.
        let pattern = pattern.clone();
        ids[range]
            .iter()
            .map(|&id| match pattern.is_match(profile.strings.get(id)) {
                true => Memo::Yes,
                false => Memo::No,
            })
            .collect::<Vec<Memo>>()
    });
    parts.concat()
}

/// The file name of every function, each once.
fn distinct_file_names(profile: &Profile) -> Vec<StrId> {
    let mut seen = vec![false; profile.strings.len()];
    let mut files = Vec::new();
    for f in &profile.functions {
        if !std::mem::replace(&mut seen[f.filename.0 as usize], true) {
            files.push(f.filename);
        }
    }
    files
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Memo {
    Unknown,
    No,
    Yes,
}

/// The patterns matched against profile strings.
#[derive(Debug, Clone, Copy)]
enum Which {
    Focus,
    Ignore,
    Hide,
    Show,
    ShowFrom,
    SourceInclude,
    SourceExclude,
}

impl Which {
    const COUNT: usize = 7;
    const ALL: [Which; Which::COUNT] = [
        Which::Focus,
        Which::Ignore,
        Which::Hide,
        Which::Show,
        Which::ShowFrom,
        Which::SourceInclude,
        Which::SourceExclude,
    ];
}

fn pattern_of(f: &Filters, which: Which) -> Option<&Pattern> {
    match which {
        Which::Focus => f.focus.as_ref(),
        Which::Ignore => f.ignore.as_ref(),
        Which::Hide => f.hide.as_ref(),
        Which::Show => f.show.as_ref(),
        Which::ShowFrom => f.show_from.as_ref(),
        Which::SourceInclude => f.source_include.as_ref(),
        Which::SourceExclude => f.source_exclude.as_ref(),
    }
}

impl<'a> LocationFilter<'a> {
    pub fn new(profile: &'a Profile, filters: &'a Filters, inline_frames: bool) -> Self {
        LocationFilter {
            profile,
            filters,
            inline_frames,
            memo: Default::default(),
            functions: Default::default(),
            files: Default::default(),
        }
    }

    /// Like [`LocationFilter::new`], with the patterns already matched.
    pub fn with_matches(
        profile: &'a Profile,
        filters: &'a Filters,
        inline_frames: bool,
        matches: &StringMatches,
    ) -> Self {
        LocationFilter {
            memo: matches.strings.clone(),
            functions: matches.functions.clone(),
            files: matches.files.clone(),
            ..LocationFilter::new(profile, filters, inline_frames)
        }
    }

    fn pattern(&self, which: Which) -> Option<&'a Pattern> {
        pattern_of(self.filters, which)
    }

    /// Whether pattern `which` (which must be set) matches string `id`.
    fn matches(&mut self, which: Which, id: StrId) -> bool {
        let pattern = self.pattern(which);
        let strings = &self.profile.strings;
        let memo = &mut self.memo[which as usize];
        if memo.is_empty() {
            memo.resize(strings.len(), Memo::Unknown);
        }
        let slot = &mut memo[id.0 as usize];
        if *slot == Memo::Unknown {
            let hit = pattern.is_some_and(|p| p.is_match(strings.get(id)));
            *slot = if hit { Memo::Yes } else { Memo::No };
        }
        *slot == Memo::Yes
    }

    fn line_matches(&mut self, which: Which, line: &Line) -> bool {
        if let Some(&known) = self.functions[which as usize].get(line.function as usize) {
            return known == Memo::Yes;
        }
        let f = &self.profile.functions[line.function as usize];
        let (name, file) = (f.name, f.filename);
        self.matches(which, name) || self.matches(which, file)
    }

    /// pprof matches a location's binary only when it has a mapping.
    fn binary_matches(&mut self, which: Which, loc: &Location) -> bool {
        match loc.mapping {
            Some(m) => {
                let file = self.profile.mappings[m as usize].file;
                self.matches(which, file)
            }
            None => false,
        }
    }

    fn location_matches(&mut self, which: Which, loc: &Location, lines: &[Line]) -> bool {
        lines.iter().any(|line| self.line_matches(which, line)) || self.binary_matches(which, loc)
    }

    fn file_matches(&mut self, which: Which, line: &Line) -> bool {
        if let Some(&known) = self.files[which as usize].get(line.function as usize) {
            return known == Memo::Yes;
        }
        let file = self.profile.functions[line.function as usize].filename;
        self.matches(which, file)
    }

    /// How focus and ignore see `loc` (judged on all its original lines).
    pub fn focus_mark(&mut self, loc: &Location, lines: &[Line]) -> FocusMark {
        let ignore = self.pattern(Which::Ignore).is_some();
        let focus = self.pattern(Which::Focus).is_some();
        if ignore && self.location_matches(Which::Ignore, loc, lines) {
            FocusMark::Ignored
        } else if !focus || self.location_matches(Which::Focus, loc, lines) {
            FocusMark::Focused
        } else {
            FocusMark::None
        }
    }

    /// Sets `kept[i]` to whether line `i` of `loc` remains (`kept` ends up
    /// as long as `lines`).
    pub fn keep_lines(
        &mut self,
        loc: &Location,
        lines: &[Line],
        kept: &mut Vec<bool>,
    ) -> LocationOutcome {
        let mut outcome = LocationOutcome::default();
        kept.clear();
        kept.resize(lines.len(), true);
        let none_kept = |kept: &[bool]| !kept.contains(&true);
        if self.pattern(Which::Hide).is_some() && self.location_matches(Which::Hide, loc, lines) {
            if self.binary_matches(Which::Hide, loc) {
                kept.fill(false);
            } else {
                for (keep, line) in kept.iter_mut().zip(lines) {
                    *keep = *keep && !self.line_matches(Which::Hide, line);
                }
            }
            outcome.hidden |= none_kept(kept);
        }
        if self.pattern(Which::Show).is_some() {
            if !self.binary_matches(Which::Show, loc) {
                for (keep, line) in kept.iter_mut().zip(lines) {
                    *keep = *keep && self.line_matches(Which::Show, line);
                }
            }
            // Unlike hide, show also hides a location that had no lines.
            outcome.hidden |= none_kept(kept);
        }
        if self.pattern(Which::ShowFrom).is_some() {
            if self.binary_matches(Which::ShowFrom, loc) {
                outcome.show_from = true;
            } else if let Some(i) = (0..lines.len())
                .rev()
                .find(|&i| kept[i] && self.line_matches(Which::ShowFrom, &lines[i]))
            {
                // Lines outside the one matched (towards the caller) go.
                kept[i + 1..].fill(false);
                outcome.show_from = true;
            }
        }
        if let Some(prune_from) = &self.filters.prune_from {
            let hit = (0..lines.len()).find(|&i| {
                if !kept[i] {
                    return false;
                }
                let name = self
                    .profile
                    .strings
                    .get(self.profile.functions[lines[i].function as usize].name);
                !name.is_empty() && prune_from.is_match(simplify_function_name(name))
            });
            if let Some(i) = hit {
                // Lines inlined into the one matched (towards the leaf) go.
                kept[..i].fill(false);
                outcome.prune_from = true;
            }
        }
        if !self.inline_frames
            && let Some(outermost) = kept.iter().rposition(|&keep| keep)
        {
            kept[..outermost].fill(false);
        }
        // The source filter judges source files; a location without lines
        // has none, so only an include pattern (which wants one) hides it.
        if self.pattern(Which::SourceInclude).is_some() {
            for (keep, line) in kept.iter_mut().zip(lines) {
                *keep = *keep && self.file_matches(Which::SourceInclude, line);
            }
            outcome.hidden |= none_kept(kept);
        }
        if self.pattern(Which::SourceExclude).is_some() {
            let before = !none_kept(kept);
            for (keep, line) in kept.iter_mut().zip(lines) {
                *keep = *keep && !self.file_matches(Which::SourceExclude, line);
            }
            outcome.hidden |= before && none_kept(kept);
        }
        outcome
    }

    /// What pprof counts as a match of focus, ignore, hide, show and
    /// show_from at `loc`, for its "expression matched no samples"
    /// warnings (`FilterSamplesByName` and `ShowFrom`, which look at every
    /// location of the profile, in a sample or not), and whether the
    /// location is left without lines (hidden) by hide and show.
    pub fn warning_matches(&mut self, loc: &Location, lines: &[Line]) -> WarningMatches {
        let mut m = WarningMatches {
            mark: self.focus_mark(loc, lines),
            ..WarningMatches::default()
        };
        let mut kept = vec![true; lines.len()];
        if self.pattern(Which::Hide).is_some() && self.location_matches(Which::Hide, loc, lines) {
            m.hide = true;
            if self.binary_matches(Which::Hide, loc) {
                kept.fill(false);
            } else {
                for (keep, line) in kept.iter_mut().zip(lines) {
                    *keep = !self.line_matches(Which::Hide, line);
                }
            }
            m.hidden |= !kept.contains(&true);
        }
        if self.pattern(Which::Show).is_some() {
            if !self.binary_matches(Which::Show, loc) {
                for (keep, line) in kept.iter_mut().zip(lines) {
                    *keep = *keep && self.line_matches(Which::Show, line);
                }
            }
            m.show = kept.contains(&true);
            m.hidden |= !m.show;
        }
        if self.pattern(Which::ShowFrom).is_some() {
            // pprof's show_from looks at function names only.
            m.show_from = self.binary_matches(Which::ShowFrom, loc)
                || lines.iter().zip(&kept).any(|(line, &keep)| {
                    let name = self.profile.functions[line.function as usize].name;
                    keep && self.matches(Which::ShowFrom, name)
                });
        }
        m
    }

    /// The binary of `loc` (empty when unknown).
    pub fn binary(&self, loc: &Location) -> StrId {
        loc.mapping
            .map_or(StrId::EMPTY, |m| self.profile.mappings[m as usize].file)
    }
}
