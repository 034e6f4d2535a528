//! The in-memory profile: dense indices instead of ids, interned strings,
//! samples stored flat.
//!
//! Built from the decoded protobuf by [`Profile::from_wire`] (in
//! `builder.rs`), which validates every reference and applies what
//! `go tool pprof` applies on load, so that everything downstream can index
//! without checks.

use super::error::{ProfileError, SampleIndexError};
use super::strings::{StrId, StringTable};
use std::ops::Range;

/// Index of a mapping in [`Profile::mappings`].
pub type MappingIdx = u32;
/// Index of a function in [`Profile::functions`].
pub type FunctionIdx = u32;
/// Index of a location in [`Profile::locations`].
pub type LocationIdx = u32;

/// The kind and unit of one sample value, e.g. `inuse_space`/`bytes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueType {
    /// e.g. `alloc_space`.
    pub kind: StrId,
    /// e.g. `bytes`.
    pub unit: StrId,
}

/// A binary or shared library loaded into the profiled process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The mapping's id in the file.
    pub id: u64,
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub limit: u64,
    /// File offset of `start`.
    pub offset: u64,
    /// Path of the binary.
    pub file: StrId,
    /// Build identifier.
    pub build_id: StrId,
    /// What symbolization the binary had: functions, file names, line
    /// numbers, inlined frames (the proto's `has_*` flags).
    pub has: MappingFlags,
}

/// The `has_functions`, `has_filenames`, `has_line_numbers` and
/// `has_inline_frames` flags of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct MappingFlags {
    /// Locations in this mapping have function names.
    pub functions: bool,
    /// ... source file names.
    pub filenames: bool,
    /// ... line numbers.
    pub line_numbers: bool,
    /// ... inlined frames.
    pub inline_frames: bool,
}

/// A function, as referenced by the lines of locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    /// The function's id in the file.
    pub id: u64,
    /// Name shown to people.
    pub name: StrId,
    /// Name as known to the system (e.g. mangled).
    pub system_name: StrId,
    /// Source file, as written in the profile.
    pub filename: StrId,
    /// First line of the function.
    pub start_line: i64,
}

/// One source line of a location: a frame, possibly inlined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// The function the line belongs to.
    pub function: FunctionIdx,
    /// Line number, 0 when unknown.
    pub line: i64,
}

/// A program counter and the source lines it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The location's id in the file.
    pub id: u64,
    /// The mapping the address belongs to, if known.
    pub mapping: Option<MappingIdx>,
    /// The instruction address; 0 when unknown.
    pub address: u64,
    /// This location's lines in [`Profile::lines`]: innermost inlined callee
    /// first, the function they were inlined into last.
    pub lines: Range<u32>,
    /// Several functions were folded into this address (the proto's
    /// `is_folded`).
    pub is_folded: bool,
}

/// A sample label: a string or a number (with an optional unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// Label name.
    pub key: StrId,
    /// String value; empty for numeric labels.
    pub str: StrId,
    /// Numeric value.
    pub num: i64,
    /// Unit of the numeric value.
    pub num_unit: StrId,
}

/// All samples, stored flat: one stack slice, one value row and one label
/// slice per sample.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    stacks: Vec<LocationIdx>,
    stack_starts: Vec<u32>,
    values: Vec<i64>,
    value_count: usize,
    labels: Vec<Label>,
    label_starts: Vec<u32>,
}

impl Samples {
    pub(super) fn new(value_count: usize) -> Self {
        Samples {
            stack_starts: vec![0],
            label_starts: vec![0],
            value_count,
            ..Default::default()
        }
    }

    /// Samples from their columns: `stacks[stack_starts[i]..stack_starts[i + 1]]`
    /// is sample `i`'s stack, and likewise for labels; `value_count` values
    /// each.
    pub(super) fn from_columns(
        stacks: Vec<LocationIdx>,
        stack_starts: Vec<u32>,
        values: Vec<i64>,
        value_count: usize,
        labels: Vec<Label>,
        label_starts: Vec<u32>,
    ) -> Self {
        debug_assert_eq!(stack_starts.len(), label_starts.len());
        debug_assert_eq!(values.len(), (stack_starts.len() - 1) * value_count);
        Samples {
            stacks,
            stack_starts,
            values,
            value_count,
            labels,
            label_starts,
        }
    }

    /// Room for `samples` more samples with `frames` stack entries and
    /// `labels` labels in all (building a merged profile).
    pub(super) fn reserve(&mut self, samples: usize, frames: usize, labels: usize) {
        self.stack_starts.reserve(samples);
        self.label_starts.reserve(samples);
        self.values.reserve(samples * self.value_count);
        self.stacks.reserve(frames);
        self.labels.reserve(labels);
    }

    /// Adds the samples of `other` after these.
    pub(super) fn append(&mut self, other: &Samples) -> Result<(), ProfileError> {
        debug_assert_eq!(self.value_count, other.value_count);
        let too_big = || ProfileError::Invalid("more than 4 billion stack frames".into());
        let (frames, labels) = (self.stacks.len(), self.labels.len());
        u32::try_from(frames + other.stacks.len()).map_err(|_| too_big())?;
        u32::try_from(labels + other.labels.len()).map_err(|_| too_big())?;
        self.stacks.extend_from_slice(&other.stacks);
        self.values.extend_from_slice(&other.values);
        self.labels.extend_from_slice(&other.labels);
        let (frames, labels) = (frames as u32, labels as u32);
        self.stack_starts
            .extend(other.stack_starts[1..].iter().map(|s| s + frames));
        self.label_starts
            .extend(other.label_starts[1..].iter().map(|s| s + labels));
        Ok(())
    }

    /// Adds the samples of `other` after these as a comparison's base:
    /// each stack's locations moved by `location_offset` (the base's
    /// locations follow the profile's), each value negated as Go's
    /// `int64(float64(v) * -1)` is (the smallest value stays as it is),
    /// each label mapped by `label` (`None` leaves it out) and `mark`
    /// added last. Whole columns at a time: a sample at a time took most
    /// of a large `--diff-base`'s combining.
    pub(super) fn append_negated(
        &mut self,
        other: &Samples,
        location_offset: u32,
        label: impl Fn(&Label) -> Option<Label>,
        mark: Label,
    ) -> Result<(), ProfileError> {
        debug_assert_eq!(self.value_count, other.value_count);
        let too_big = || ProfileError::Invalid("more than 4 billion stack frames".into());
        let (frames, labels) = (self.stacks.len(), self.labels.len());
        u32::try_from(frames + other.stacks.len()).map_err(|_| too_big())?;
        u32::try_from(labels + other.labels.len() + other.len()).map_err(|_| too_big())?;
        self.stacks.reserve(other.stacks.len());
        self.stacks.extend(
            other
                .stacks
                .iter()
                .map(|&l| l.wrapping_add(location_offset)),
        );
        self.values.reserve(other.values.len());
        self.values
            .extend(other.values.iter().map(|v| v.wrapping_neg()));
        let frames = frames as u32;
        self.stack_starts.reserve(other.len());
        self.stack_starts
            .extend(other.stack_starts[1..].iter().map(|s| s + frames));
        self.labels.reserve(other.labels.len() + other.len());
        self.label_starts.reserve(other.len());
        for s in 0..other.len() {
            self.labels
                .extend(other.labels(s).iter().filter_map(&label));
            self.labels.push(mark);
            self.label_starts.push(self.labels.len() as u32);
        }
        Ok(())
    }

    /// How many stack entries and labels all samples hold.
    pub(super) fn sizes(&self) -> (usize, usize) {
        (self.stacks.len(), self.labels.len())
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.stack_starts.len() - 1
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The stack of sample `i`, leaf first.
    pub fn stack(&self, i: usize) -> &[LocationIdx] {
        &self.stacks[self.stack_starts[i] as usize..self.stack_starts[i + 1] as usize]
    }

    /// How many values each sample has (one per sample type).
    pub fn value_count(&self) -> usize {
        self.value_count
    }

    /// The values of sample `i`, one per sample type.
    pub fn values(&self, i: usize) -> &[i64] {
        &self.values[i * self.value_count..(i + 1) * self.value_count]
    }

    /// The labels of sample `i`.
    pub fn labels(&self, i: usize) -> &[Label] {
        &self.labels[self.label_starts[i] as usize..self.label_starts[i + 1] as usize]
    }

    /// The values of sample `i`, to add to or scale (merging, `scale.rs`).
    pub(super) fn values_mut(&mut self, i: usize) -> &mut [i64] {
        &mut self.values[i * self.value_count..(i + 1) * self.value_count]
    }

    pub(super) fn push(
        &mut self,
        stack: &[LocationIdx],
        values: &[i64],
        labels: &[Label],
    ) -> Result<(), ProfileError> {
        self.stacks.extend_from_slice(stack);
        self.values.extend_from_slice(values);
        self.labels.extend_from_slice(labels);
        let too_big = || ProfileError::Invalid("more than 4 billion stack frames".into());
        self.stack_starts
            .push(u32::try_from(self.stacks.len()).map_err(|_| too_big())?);
        self.label_starts
            .push(u32::try_from(self.labels.len()).map_err(|_| too_big())?);
        Ok(())
    }

    /// Room for `samples` samples of `frames` frames in all.
    pub(super) fn with_capacity(value_count: usize, samples: usize, frames: usize) -> Self {
        let mut s = Samples::new(value_count);
        s.stacks.reserve(frames);
        s.stack_starts.reserve(samples);
        s.values.reserve(samples * value_count);
        s
    }

    /// Frames in all stacks together.
    pub fn frame_count(&self) -> usize {
        self.stacks.len()
    }

    /// Adds a sample whose stack is `stack` with every location `l`
    /// replaced by `map[l]`.
    pub(super) fn push_mapped(
        &mut self,
        stack: &[LocationIdx],
        map: &[LocationIdx],
        values: &[i64],
        labels: &[Label],
    ) -> Result<(), ProfileError> {
        self.stacks.extend(stack.iter().map(|&l| map[l as usize]));
        self.push(&[], values, labels)
    }

    /// Drops the first `cut[i]` frames (the leaf end) of every sample `i`.
    pub(super) fn cut_leaf_frames(&mut self, cut: &[u32]) {
        let mut write = 0usize;
        for (i, &skip) in cut.iter().enumerate() {
            let (start, end) = (
                self.stack_starts[i] as usize,
                self.stack_starts[i + 1] as usize,
            );
            let from = (start + skip as usize).min(end);
            self.stacks.copy_within(from..end, write);
            self.stack_starts[i] = write as u32;
            write += end - from;
        }
        self.stacks.truncate(write);
        *self
            .stack_starts
            .last_mut()
            .expect("starts end with a sentinel") = write as u32;
    }
}

/// One decoded, validated profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Every distinct string.
    pub strings: StringTable,
    /// The kinds of values in each sample.
    pub sample_types: Vec<ValueType>,
    /// The sample type to show by default (its kind), or empty.
    pub default_sample_type: StrId,
    /// Mappings, the main binary first.
    pub mappings: Vec<Mapping>,
    /// Functions in file order.
    pub functions: Vec<Function>,
    /// Locations in file order.
    pub locations: Vec<Location>,
    /// The lines of all locations; see [`Location::lines`].
    pub lines: Vec<Line>,
    /// Samples with at least one non-zero value.
    pub samples: Samples,
    /// Comments, each distinct one once.
    pub comments: Vec<StrId>,
    /// Collection time, ns since the Unix epoch; 0 when unknown.
    pub time_nanos: i64,
    /// Collection duration in ns; 0 when unknown.
    pub duration_nanos: i64,
    /// Kind of events between samples.
    pub period_type: Option<ValueType>,
    /// Events between samples.
    pub period: i64,
    /// Documentation link for the profile type.
    pub doc_url: StrId,
    /// The profile's `drop_frames` (already applied on load).
    pub drop_frames: StrId,
    /// The profile's `keep_frames` (already applied on load).
    pub keep_frames: StrId,
    /// Whether pprof's whole merge on load was applied (see
    /// [`Profile::merged`]); loading does it only when `drop_frames` prunes.
    pub merged_on_load: bool,
    /// Whether merging would change no sum of values or of |values|: no two
    /// samples pprof's merge would sum have values of opposite signs (a
    /// profile and its marked, negated diff base, appended without the
    /// merge). Reports that only sum values then skip the merge.
    pub signs_apart: bool,
}

impl Profile {
    /// The lines of location `loc`, innermost first.
    pub fn location_lines(&self, loc: LocationIdx) -> &[Line] {
        let r = &self.locations[loc as usize].lines;
        &self.lines[r.start as usize..r.end as usize]
    }

    /// Name of sample type `i` (e.g. `inuse_space`).
    pub fn sample_type_name(&self, i: usize) -> std::borrow::Cow<'_, str> {
        self.strings.text(self.sample_types[i].kind)
    }

    /// Unit of sample type `i` (e.g. `bytes`).
    pub fn sample_type_unit(&self, i: usize) -> std::borrow::Cow<'_, str> {
        self.strings.text(self.sample_types[i].unit)
    }

    /// The names of all sample types, in order.
    pub fn sample_type_names(&self) -> Vec<String> {
        (0..self.sample_types.len())
            .map(|i| self.sample_type_name(i).into_owned())
            .collect()
    }

    /// The sample index shown when none is asked for: the one named by
    /// `default_sample_type`, else the last one (as pprof).
    pub fn default_sample_index(&self) -> usize {
        if !self.default_sample_type.is_empty()
            && let Some(i) = self
                .sample_types
                .iter()
                .position(|t| t.kind == self.default_sample_type)
        {
            return i;
        }
        self.sample_types.len().saturating_sub(1)
    }

    /// Resolves a `-sample_index` value: a 0-based number or a type name.
    /// `inuse_space` also finds a type named `space` (old heap profiles).
    pub fn sample_index_by_name(&self, wanted: &str) -> Result<usize, SampleIndexError> {
        if self.sample_types.is_empty() {
            return Err(SampleIndexError::NoSampleTypes);
        }
        if let Ok(i) = wanted.parse::<i64>() {
            let last = self.sample_types.len() - 1;
            return usize::try_from(i)
                .ok()
                .filter(|&i| i <= last)
                .ok_or_else(|| SampleIndexError::OutOfRange {
                    given: wanted.to_string(),
                    last,
                });
        }
        let without_inuse = wanted.strip_prefix("inuse_").unwrap_or(wanted);
        (0..self.sample_types.len())
            .find(|&i| {
                let name = self.sample_type_name(i);
                name == wanted || name == without_inuse
            })
            .ok_or_else(|| SampleIndexError::UnknownName {
                given: wanted.to_string(),
                names: self.sample_type_names(),
            })
    }
}
