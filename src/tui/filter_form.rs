//! The filter pane's fields and how they become [`Filters`].
//!
//! The form edits text; nothing is recomputed until it is applied, and a
//! pattern that does not compile leaves the active filters as they were and
//! says why in the pane. Every filter the command line can set has a field
//! (the label filters and show_from/prune_from too), so that whatever
//! filters the table is shown, and can be changed or removed, here.

use crate::analysis::{FilterError, Filters, Pattern, TagFilter};
use crate::profile::Profile;

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Keep frames whose source file path matches.
    Source,
    /// Drop frames whose source file path matches.
    Exclude,
    /// pprof's focus.
    Focus,
    /// pprof's ignore.
    Ignore,
    /// pprof's hide.
    Hide,
    /// pprof's show.
    Show,
    /// pprof's show_from.
    ShowFrom,
    /// pprof's prune_from.
    PruneFrom,
    /// pprof's tagfocus.
    TagFocus,
    /// pprof's tagignore.
    TagIgnore,
}

impl Field {
    /// All fields, in the pane's order.
    pub const ALL: [Field; 10] = [
        Field::Source,
        Field::Exclude,
        Field::Focus,
        Field::Ignore,
        Field::Hide,
        Field::Show,
        Field::ShowFrom,
        Field::PruneFrom,
        Field::TagFocus,
        Field::TagIgnore,
    ];

    /// The field's name, as in the header's list of active filters.
    pub fn name(self) -> &'static str {
        match self {
            Field::Source => "source",
            Field::Exclude => "exclude",
            Field::Focus => "focus",
            Field::Ignore => "ignore",
            Field::Hide => "hide",
            Field::Show => "show",
            Field::ShowFrom => "show_from",
            Field::PruneFrom => "prune_from",
            Field::TagFocus => "tagfocus",
            Field::TagIgnore => "tagignore",
        }
    }

    /// What the field does, shown beside it.
    pub fn help(self) -> &'static str {
        match self {
            Field::Source => "keep frames whose source file or package path matches",
            Field::Exclude => "drop frames whose source file or package path matches",
            Field::Focus => "keep samples that pass through a matching function",
            Field::Ignore => "drop samples that pass through a matching function",
            Field::Hide => "remove matching functions from the stacks",
            Field::Show => "keep only matching functions in the stacks",
            Field::ShowFrom => "cut stacks above the outermost matching function",
            Field::PruneFrom => "cut stacks below the innermost matching function",
            Field::TagFocus => "keep samples with a matching label (key=value, ranges)",
            Field::TagIgnore => "drop samples with a matching label",
        }
    }

    /// The field's filter in `filters`: a pattern, or a label filter.
    fn slot(self, filters: &mut Filters) -> Slot<'_> {
        match self {
            Field::Source => Slot::Pattern(&mut filters.source_include),
            Field::Exclude => Slot::Pattern(&mut filters.source_exclude),
            Field::Focus => Slot::Pattern(&mut filters.focus),
            Field::Ignore => Slot::Pattern(&mut filters.ignore),
            Field::Hide => Slot::Pattern(&mut filters.hide),
            Field::Show => Slot::Pattern(&mut filters.show),
            Field::ShowFrom => Slot::Pattern(&mut filters.show_from),
            Field::PruneFrom => Slot::Pattern(&mut filters.prune_from),
            Field::TagFocus => Slot::Tag(&mut filters.tag_focus),
            Field::TagIgnore => Slot::Tag(&mut filters.tag_ignore),
        }
    }
}

/// Where a field's filter lives in [`Filters`].
enum Slot<'a> {
    Pattern(&'a mut Option<Pattern>),
    Tag(&'a mut Option<TagFilter>),
}

impl Slot<'_> {
    /// The filter's text as given (empty: none).
    fn text(&self) -> String {
        match self {
            Slot::Pattern(p) => p.as_ref().map(|p| p.as_str().to_string()),
            Slot::Tag(t) => t.as_ref().map(|t| t.as_str().to_string()),
        }
        .unwrap_or_default()
    }
}

/// The open filter pane.
#[derive(Debug, Clone)]
pub struct FilterForm {
    /// The text of each field, in [`Field::ALL`] order.
    pub values: [String; Field::ALL.len()],
    /// The field being edited.
    pub field: usize,
    /// Why the last apply failed.
    pub error: Option<String>,
}

impl FilterForm {
    /// A form showing `filters`.
    pub fn new(filters: &Filters) -> FilterForm {
        let mut copy = filters.clone();
        let values = Field::ALL.map(|f| f.slot(&mut copy).text());
        FilterForm {
            values,
            field: 0,
            error: None,
        }
    }

    /// The field being edited.
    pub fn current(&self) -> Field {
        Field::ALL[self.field]
    }

    /// Moves to the next (`delta` 1) or previous (-1) field, wrapping.
    pub fn move_field(&mut self, delta: isize) {
        let n = Field::ALL.len() as isize;
        self.field = (self.field as isize + delta).rem_euclid(n) as usize;
    }

    /// Types `c` into the current field.
    pub fn insert(&mut self, c: char) {
        self.values[self.field].push(c);
        self.error = None;
    }

    /// Erases the last character of the current field.
    pub fn erase(&mut self) {
        self.values[self.field].pop();
        self.error = None;
    }

    /// Empties the current field.
    pub fn clear_field(&mut self) {
        self.values[self.field].clear();
        self.error = None;
    }

    /// Empties every field.
    pub fn clear_all(&mut self) {
        for value in &mut self.values {
            value.clear();
        }
        self.error = None;
    }

    /// The form's filters, label filters compiled against `profile` (the
    /// profile explored). A field is its filter: an empty one sets none.
    pub fn compile(&self, profile: &Profile) -> Result<Filters, FilterError> {
        let mut filters = Filters::default();
        for (field, text) in Field::ALL.iter().zip(&self.values) {
            if text.is_empty() {
                continue;
            }
            match field.slot(&mut filters) {
                Slot::Pattern(slot) => {
                    *slot = Some(Pattern::new(field.name(), text).map_err(one_line)?);
                }
                Slot::Tag(slot) => {
                    *slot = Some(TagFilter::new(field.name(), text, profile).map_err(one_line)?);
                }
            }
        }
        Ok(filters)
    }
}

/// The regex crate explains errors over several lines, with the pattern
/// and a caret; the pane has one line: keep the explanation.
fn one_line(mut e: FilterError) -> FilterError {
    let last = e.reason.lines().rev().find(|l| !l.trim().is_empty());
    if let Some(last) = last {
        e.reason = last.trim().trim_start_matches("error: ").to_string();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let profile = Profile::default();
        let mut form = FilterForm::new(&Filters::default());
        form.move_field(2);
        for c in "json".chars() {
            form.insert(c);
        }
        let f = form.compile(&profile).unwrap();
        assert_eq!(f.focus.as_ref().unwrap().as_str(), "json");
        assert_eq!(FilterForm::new(&f).values[2], "json");
        form.insert('(');
        let err = form.compile(&profile).unwrap_err();
        assert_eq!(err.what, "focus");
        assert_eq!(
            err.to_string(),
            "invalid focus regexp \"json(\": unclosed group"
        );
        form.move_field(-3);
        assert_eq!(form.current(), Field::TagIgnore);
    }
}
