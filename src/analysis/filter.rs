//! Which samples and frames a report looks at: pprof's focus, ignore, hide
//! and show, and the explorer's source filter.
//!
//! All are unanchored regular expressions. focus/ignore/hide/show match a
//! frame's function name or file name, or the binary of its location; the
//! source filter matches source file paths only.

use super::tags::TagFilter;
use regex::bytes::Regex;

/// A regular expression together with the text the user typed.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
}

/// Patterns are the same when their texts are: the regex compiled from a
/// text is always the same.
impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

impl Pattern {
    /// Compiles `source`; `what` names the option in the error.
    pub fn new(what: &str, source: &str) -> Result<Pattern, FilterError> {
        Regex::new(source)
            .map(|regex| Pattern {
                source: source.to_string(),
                regex,
            })
            .map_err(|e| FilterError {
                what: what.to_string(),
                pattern: source.to_string(),
                reason: e.to_string(),
            })
    }

    /// The text of the pattern as given.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &[u8]) -> bool {
        self.regex.is_match(text)
    }
}

/// A pattern that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} regexp {pattern:?}: {reason}")]
pub struct FilterError {
    /// Which option (`focus`, `ignore`, ...).
    pub what: String,
    /// The pattern as given.
    pub pattern: String,
    /// The regex compiler's explanation.
    pub reason: String,
}

/// The active filters. The default filters nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Keep only samples with a frame matching this.
    pub focus: Option<Pattern>,
    /// Drop samples with a frame matching this (wins over focus).
    pub ignore: Option<Pattern>,
    /// Remove matching frames from every stack.
    pub hide: Option<Pattern>,
    /// Keep only matching frames in every stack.
    pub show: Option<Pattern>,
    /// Cut every stack above its outermost matching frame; drop stacks
    /// without one.
    pub show_from: Option<Pattern>,
    /// Cut every stack below its innermost matching frame (pprof's
    /// `-prune_from`; matched against function names without arguments).
    pub prune_from: Option<Pattern>,
    /// Keep only samples whose labels match (pprof's `-tagfocus`).
    pub tag_focus: Option<TagFilter>,
    /// Drop samples whose labels match (pprof's `-tagignore`).
    pub tag_ignore: Option<TagFilter>,
    /// Keep only the labels whose key matches (pprof's `-tagshow`).
    pub tag_show: Option<Pattern>,
    /// Remove the labels whose key matches (pprof's `-taghide`).
    pub tag_hide: Option<Pattern>,
    /// Explorer: keep only frames whose source file matches.
    pub source_include: Option<Pattern>,
    /// Explorer: remove frames whose source file matches.
    pub source_exclude: Option<Pattern>,
}

impl Filters {
    /// Whether no filter is set.
    pub fn is_empty(&self) -> bool {
        self.legend().is_empty() && self.prune_from.is_none()
    }

    /// Whether some filter decides per sample (rather than per frame).
    pub fn selects_samples(&self) -> bool {
        self.focus.is_some()
            || self.ignore.is_some()
            || self.tag_focus.is_some()
            || self.tag_ignore.is_some()
    }

    /// Every active filter as `(name, text)`, in the order of pprof's
    /// "Active filters:" legend (which leaves out `prune_from`), then the
    /// source filters.
    pub fn legend(&self) -> Vec<(&'static str, &str)> {
        let mut legend: Vec<(&'static str, &str)> = Vec::new();
        for (name, p) in [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
        ] {
            if let Some(p) = p {
                legend.push((name, p.as_str()));
            }
        }
        for (name, t) in [
            ("tagfocus", &self.tag_focus),
            ("tagignore", &self.tag_ignore),
        ] {
            if let Some(t) = t {
                legend.push((name, t.as_str()));
            }
        }
        for (name, p) in [("tagshow", &self.tag_show), ("taghide", &self.tag_hide)] {
            if let Some(p) = p {
                legend.push((name, p.as_str()));
            }
        }
        for (name, p) in [
            ("source", &self.source_include),
            ("exclude", &self.source_exclude),
        ] {
            if let Some(p) = p {
                legend.push((name, p.as_str()));
            }
        }
        legend
    }

    /// The filters as pprof lists them under "Active filters:" (`focus=...`),
    /// in pprof's order, then the source filters. pprof does not list
    /// `prune_from`.
    pub fn active(&self) -> impl Iterator<Item = (&'static str, &Pattern)> {
        [
            ("focus", &self.focus),
            ("ignore", &self.ignore),
            ("hide", &self.hide),
            ("show", &self.show),
            ("show_from", &self.show_from),
            ("source", &self.source_include),
            ("exclude", &self.source_exclude),
        ]
        .into_iter()
        .filter_map(|(name, p)| p.as_ref().map(|p| (name, p)))
    }
}
