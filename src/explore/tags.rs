//! The tags view's query: the label breakdown of the samples the filters
//! leave, with the numbers `--tags` prints (the report's own
//! [`tag_breakdown`]), laid out as rows; and choosing a value, which
//! becomes pprof's tag focus.
//!
//! A string value becomes `KEY=^VALUE$` (the value's regex escaped), a
//! number `KEY=LOW:HIGH` in the key's unit, the range of the raw values
//! that print as the value chosen: the focus keeps exactly the samples
//! counted under it.

use super::jobs::Waiting;
use super::session::Session;
use crate::analysis::TagFilter;
use crate::report::{ReportError, TagBreakdown, tag_breakdown};

/// Why a label value cannot become a tag focus.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagFocusError {
    /// No value at these positions of the breakdown.
    #[error("no such label value")]
    NoSuchValue,
    /// The key is empty, not UTF-8 or has a `=` (escaped here).
    #[error("label key {0} cannot be written in a tag focus")]
    Key(String),
    /// The key's unit is not letters alone, as a range's unit must be.
    #[error("the unit of label {0} cannot be written in a tag focus range")]
    Unit(String),
    /// The breakdown is not open.
    #[error("no tags to focus on")]
    NoTags,
}

/// The label breakdown, as the tags view shows it.
#[derive(Debug, Clone)]
pub struct TagsView {
    /// The numbers, as `--tags` has them.
    pub breakdown: TagBreakdown,
    /// What is shown, in order: each key, then its values.
    pub rows: Vec<TagRow>,
}

/// One row of the tags view.
#[derive(Debug, Clone, PartialEq)]
pub enum TagRow {
    /// A label key with the total of its values.
    Key {
        /// The key (escaped).
        name: String,
        /// Its total, as `--tags` prints it.
        total: String,
    },
    /// A value of the key above.
    Value {
        /// The key's position in the breakdown.
        key: usize,
        /// The value's position under it.
        value: usize,
        /// The value (escaped): a string, or a number with its unit.
        text: String,
        /// Its sum, as `--tags` prints it.
        sum: String,
        /// Its share of the key's total (`36.80%`), when the total is
        /// positive.
        share: Option<String>,
        /// The same share as a fraction, for a bar (0 when none).
        fraction: f64,
    },
}

impl TagsView {
    fn new(breakdown: TagBreakdown) -> TagsView {
        let mut rows = Vec::new();
        for (k, key) in breakdown.keys.iter().enumerate() {
            rows.push(TagRow::Key {
                name: crate::safe_text::escape(&key.key),
                total: breakdown.format_value(key.total),
            });
            for (v, value) in key.values.iter().enumerate() {
                let fraction = match key.total > 0 {
                    true => value.value as f64 / key.total as f64,
                    false => 0.0,
                };
                rows.push(TagRow::Value {
                    key: k,
                    value: v,
                    text: crate::safe_text::escape(&value.text),
                    sum: breakdown.format_value(value.value),
                    share: TagBreakdown::share(value.value, key.total),
                    fraction,
                });
            }
        }
        TagsView { breakdown, rows }
    }

    /// The tag focus that keeps the samples of value `value` of key `key`
    /// (see the module docs), or why there is none.
    pub fn focus_expression(&self, key: usize, value: usize) -> Result<String, TagFocusError> {
        let k = self
            .breakdown
            .keys
            .get(key)
            .ok_or(TagFocusError::NoSuchValue)?;
        let v = k.values.get(value).ok_or(TagFocusError::NoSuchValue)?;
        let name = std::str::from_utf8(&k.key)
            .ok()
            .filter(|n| !n.is_empty() && !n.contains('='))
            .ok_or_else(|| TagFocusError::Key(crate::safe_text::escape(&k.key)))?;
        match v.numbers {
            None => {
                let text = String::from_utf8_lossy(&v.text);
                // A comma separates regexes in a tag focus: written as an
                // escape, it is one character of the value.
                let pattern = regex::escape(&text).replace(',', r"\x2C");
                Ok(format!("{name}=^{pattern}$"))
            }
            Some((low, high)) => {
                let unit = k.unit.as_deref().unwrap_or_default();
                if !unit.bytes().all(|b| b.is_ascii_alphabetic()) || unit.is_empty() {
                    return Err(TagFocusError::Unit(name.to_string()));
                }
                Ok(match low == high {
                    true => format!("{name}={low}{unit}"),
                    false => format!("{name}={low}{unit}:{high}{unit}"),
                })
            }
        }
    }
}

impl Session {
    /// The tags view's breakdown, once [`Command::OpenTags`] computed it
    /// (`Err`: why there is none).
    ///
    /// [`Command::OpenTags`]: super::Command::OpenTags
    pub fn tags(&self) -> Option<&Result<TagsView, ReportError>> {
        self.tags.as_ref()
    }

    /// Computes the breakdown for the sample index, filters and unit.
    pub(super) fn open_tags(&mut self) {
        let options = self.report_options();
        self.tags = Some(tag_breakdown(&self.profile, &options).map(TagsView::new));
    }

    /// Sets the tag focus of value `value` of key `key` of the breakdown
    /// shown, and closes the view (its numbers are of the old filters).
    pub(super) fn focus_tag(&mut self, key: usize, value: usize) {
        let Some(Ok(view)) = &self.tags else {
            self.say_error(TagFocusError::NoTags.to_string());
            return;
        };
        let expression = match view.focus_expression(key, value) {
            Ok(e) => e,
            Err(why) => return self.say_error(why.to_string()),
        };
        match TagFilter::new("tagfocus", &expression, &self.profile) {
            Ok(filter) => {
                let mut filters = self.filters.clone();
                filters.tag_focus = Some(filter);
                self.tags = None;
                self.set_filters(filters, Waiting::Filters);
                if self.notice.is_none() {
                    self.say(format!("tag focus {expression}"));
                }
            }
            Err(e) => self.say_error(e.to_string()),
        }
    }
}
