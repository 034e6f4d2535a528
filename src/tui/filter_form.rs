//! The filter pane's fields and how they become [`Filters`].
//!
//! The form edits text; nothing is recomputed until it is applied, and a
//! pattern that does not compile leaves the active filters as they were and
//! says why in the pane.

use crate::analysis::{FilterError, Filters, Pattern};

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
}

impl Field {
    /// All fields, in the pane's order.
    pub const ALL: [Field; 6] = [
        Field::Source,
        Field::Exclude,
        Field::Focus,
        Field::Ignore,
        Field::Hide,
        Field::Show,
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
        }
    }

    fn slot(self, filters: &mut Filters) -> &mut Option<Pattern> {
        match self {
            Field::Source => &mut filters.source_include,
            Field::Exclude => &mut filters.source_exclude,
            Field::Focus => &mut filters.focus,
            Field::Ignore => &mut filters.ignore,
            Field::Hide => &mut filters.hide,
            Field::Show => &mut filters.show,
        }
    }
}

/// The open filter pane.
#[derive(Debug, Clone)]
pub struct FilterForm {
    /// The text of each field, in [`Field::ALL`] order.
    pub values: [String; 6],
    /// The field being edited.
    pub field: usize,
    /// Why the last apply failed.
    pub error: Option<String>,
}

impl FilterForm {
    /// A form showing `filters`.
    pub fn new(filters: &Filters) -> FilterForm {
        let mut copy = filters.clone();
        let values = Field::ALL.map(|f| {
            f.slot(&mut copy)
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default()
        });
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

    /// `base` with the form's six filters in place of its own (other
    /// filters, such as pprof's show_from, are kept).
    pub fn compile(&self, base: &Filters) -> Result<Filters, FilterError> {
        let mut filters = base.clone();
        for (field, text) in Field::ALL.iter().zip(&self.values) {
            *field.slot(&mut filters) = if text.is_empty() {
                None
            } else {
                Some(Pattern::new(field.name(), text).map_err(one_line)?)
            };
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
        let mut form = FilterForm::new(&Filters::default());
        form.move_field(2);
        for c in "json".chars() {
            form.insert(c);
        }
        let f = form.compile(&Filters::default()).unwrap();
        assert_eq!(f.focus.as_ref().unwrap().as_str(), "json");
        assert_eq!(FilterForm::new(&f).values[2], "json");
        form.insert('(');
        let err = form.compile(&Filters::default()).unwrap_err();
        assert_eq!(err.what, "focus");
        assert_eq!(
            err.to_string(),
            "invalid focus regexp \"json(\": unclosed group"
        );
        form.move_field(-3);
        assert_eq!(form.current(), Field::Show);
    }
}
