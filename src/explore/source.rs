//! The source view's query: the annotated source of the selected function,
//! as `--list` computes it (same numbers: the report's own
//! [`listing`]), with the session's sample index,
//! filters and inlining, laid out as rows for a screen.
//!
//! Source files are found as pprof finds them (`--source-path`,
//! `--trim-path`), then under the Go installation's roots ([`GoRoots`]);
//! a file not found says every path tried. What is read from a file is
//! escaped (tabs expanded first), as names are.
//!
//! The listing is computed when asked ([`Command::OpenSource`]), on this
//! thread: one pass over the samples at line granularity, like `--list`.
//!
//! [`Command::OpenSource`]: super::Command::OpenSource

use super::session::Session;
use super::view::Scale;
use crate::analysis::{FilterError, Granularity, NodeId, Pattern};
use crate::report::{Listing, Report, ReportError, ReportOptions, RoutineSource, listing};
use crate::source_files::{GoRoots, SourceFiles, SourceSearch};
use rustc_hash::FxHashMap;
use std::path::PathBuf;

/// Where the explorer looks for source files: pprof's `--source-path` and
/// `--trim-path` (the Go roots are always added).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcePaths {
    /// `:`-separated directories; the working directory when `None`.
    pub source_path: Option<String>,
    /// `:`-separated prefixes taken off recorded file names.
    pub trim_path: Option<String>,
    /// The Go roots looked under after pprof's places; `None`: this
    /// machine's ([`GoRoots::discover`], kept here when the view first
    /// opens).
    pub go_roots: Option<GoRoots>,
}

/// Tab stops of source text, in columns.
const TAB: usize = 4;

/// A line's share of its routine's largest cum from which it is "hot".
const HOT: [f64; 3] = [0.05, 0.2, 0.5];

/// Why the source view has no listing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceViewError {
    /// The table has no rows.
    #[error("no function selected")]
    NoSelection,
    /// The row selected is not a function (`files` granularity), named.
    #[error("{0} is not a function: the source view lists functions (v changes the granularity)")]
    NotAFunction(String),
    /// The listing could not be made (as `--list` would say).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The function's name did not make a pattern.
    #[error(transparent)]
    Pattern(#[from] FilterError),
    /// The working directory (pprof's search path by default) is unknown.
    #[error("could not stat current dir: {0}")]
    CurrentDir(String),
    /// The thread computing the listing could not start, or ended without
    /// one.
    #[error("the listing could not be computed: {0}")]
    Thread(String),
}

/// The annotated source of one function.
#[derive(Debug, Clone)]
pub struct SourceListing {
    /// The function's name (escaped).
    pub function: String,
    /// The sample index the numbers are of.
    pub sample_index: usize,
    /// How values print: each scaled on its own, or in `--unit`, as
    /// `--list` prints them.
    pub scale: Scale,
    /// What percentages are of (the report's total).
    pub total: i64,
    /// What is shown, in order.
    pub rows: Vec<SourceRow>,
    /// The row the view opens at: the hottest line (most flat, then most
    /// cum), or at `lines` granularity the selected line.
    pub start: usize,
}

/// One row of the source view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRow {
    /// A routine's header: the function in one file, with its sums.
    Routine {
        /// The file, as the report names it (escaped).
        file: String,
        /// Raw sums of the routine's lines.
        flat: i64,
        /// See `flat`.
        cum: i64,
    },
    /// One line of source.
    Line(LineRow),
    /// The file was not found: pprof's message.
    Missing(String),
    /// A path tried for a file not found (escaped).
    Tried(String),
    /// The profile has no file for the function.
    NoSource,
}

/// One line of source with its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    /// The line number.
    pub number: i64,
    /// Raw flat sum of the samples on this line.
    pub flat: i64,
    /// Raw cum sum.
    pub cum: i64,
    /// The text, tabs expanded, escaped.
    pub text: String,
    /// 0 (cold) to 3 (the hottest), from the line's share of the largest
    /// cum of its routine.
    pub heat: u8,
    /// Functions inlined at this line, by the profile's locations (escaped,
    /// sorted): the line is a call site the compiler inlined.
    pub inlined: Vec<String>,
    /// The file the line was read from, for an editor.
    pub path: PathBuf,
}

impl SourceListing {
    /// The line rows' positions, in order.
    pub fn line_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, SourceRow::Line(_)))
            .map(|(i, _)| i)
    }
}

impl Session {
    /// The source view's listing, once [`Command::OpenSource`] computed
    /// it (`Err`: why there is none).
    ///
    /// [`Command::OpenSource`]: super::Command::OpenSource
    pub fn source_listing(&self) -> Option<&Result<SourceListing, SourceViewError>> {
        self.source.as_ref()
    }

    /// Report options that give the session's numbers: the sample index
    /// asked for, the filters, inlining, unit and source paths.
    pub fn report_options(&self) -> ReportOptions {
        ReportOptions {
            sample_index: Some(self.target().0.to_string()),
            mean: self.mean(),
            granularity: self.granularity,
            filters: self.filters.clone(),
            inline_frames: self.inline_frames,
            unit: self.table_options.unit.clone(),
            drop_negative: self.table_options.drop_negative,
            source_path: self.source_paths.source_path.clone(),
            trim_path: self.source_paths.trim_path.clone(),
            ..ReportOptions::default()
        }
    }

    /// Computes the listing of the selected function: at once without a
    /// worker; with one, on a thread of its own (a pass over every sample,
    /// a tenth of a second on the biggest profiles), the result taken in
    /// by [`Session::tick`] and the view saying so meanwhile.
    pub(super) fn open_source(&mut self) {
        self.source = None;
        self.source_pending = None;
        let job = match self.selected() {
            None => Err(SourceViewError::NoSelection),
            Some(node) => self.listing_job(node),
        };
        let job = match job {
            Ok(job) => job,
            Err(why) => {
                self.source = Some(Err(why));
                return;
            }
        };
        if self.jobs.worker.is_none() {
            self.source = Some(job.run());
            return;
        }
        let (send, receive) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("ppt-listing".into())
            .spawn(move || {
                // A listing no longer wanted has no receiver: nothing to do.
                let _ = send.send(job.run());
            });
        match spawned {
            Ok(_) => self.source_pending = Some(receive),
            Err(e) => self.source = Some(Err(SourceViewError::Thread(e.to_string()))),
        }
    }

    /// Whether a listing is being computed.
    pub fn source_pending(&self) -> bool {
        self.source_pending.is_some()
    }

    /// Takes in the listing computed on its thread, if it is ready;
    /// returns whether it was.
    pub(super) fn receive_source(&mut self) -> bool {
        let Some(receive) = &self.source_pending else {
            return false;
        };
        let listing = match receive.try_recv() {
            Ok(listing) => listing,
            Err(std::sync::mpsc::TryRecvError::Empty) => return false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(SourceViewError::Thread(
                "its thread ended without it".into(),
            )),
        };
        self.source = Some(listing);
        self.source_pending = None;
        true
    }

    /// Forgets the listing.
    pub(super) fn close_source(&mut self) {
        self.source = None;
        self.source_pending = None;
    }

    /// What computing the listing of `node` needs, taken from the session.
    fn listing_job(&mut self, node: NodeId) -> Result<ListingJob, SourceViewError> {
        let nodes = &self.agg.frames.nodes;
        let info = *nodes.info(node);
        if self.agg.frames.granularity == Granularity::Files || info.name.is_empty() {
            return Err(SourceViewError::NotAFunction(self.name(node).to_string()));
        }
        let name = self.profile.strings.get(info.name).to_vec();
        let name_text = String::from_utf8_lossy(&name);
        let pattern = Pattern::new("list", &format!("^{}$", regex::escape(&name_text)))?;
        let granularity = self.agg.frames.granularity;
        let selected_line =
            matches!(granularity, Granularity::Lines | Granularity::Addresses).then_some(info.line);
        Ok(ListingJob {
            profile: Arc::clone(&self.profile),
            options: self.report_options(),
            pattern,
            name,
            selected_line,
            files: self.source_files()?,
        })
    }

    /// The source files, read afresh for each listing (a file may have
    /// been edited since: `e` opens an editor); the Go roots are
    /// discovered once.
    fn source_files(&mut self) -> Result<SourceFiles, SourceViewError> {
        let roots = self
            .source_paths
            .go_roots
            .get_or_insert_with(GoRoots::discover)
            .clone();
        let search = SourceSearch::pprof(
            self.source_paths.source_path.as_deref(),
            self.source_paths.trim_path.as_deref(),
        )
        .map_err(|e| SourceViewError::CurrentDir(e.to_string()))?
        .with_go_roots(roots);
        Ok(SourceFiles::new(search))
    }
}

/// A listing to compute, with all it needs (on any thread).
struct ListingJob {
    profile: Arc<crate::profile::Profile>,
    options: ReportOptions,
    pattern: Pattern,
    /// The function's name.
    name: Vec<u8>,
    /// At `lines` granularity, the line selected.
    selected_line: Option<i64>,
    files: SourceFiles,
}

impl ListingJob {
    fn run(mut self) -> Result<SourceListing, SourceViewError> {
        let profile = &*self.profile;
        let options = &self.options;
        let found = listing(profile, options, &self.pattern, &mut self.files)?;
        let measure =
            crate::report::resolve_measure(profile, options.sample_index.as_deref(), options.mean)?;
        let mut report = Report::new(profile, measure);
        report.set_unit(options.unit.as_deref());
        let scale = Scale::from(report);
        let inlined = inlined_at(profile, &self.name);
        Ok(lay_out(
            crate::safe_text::escape(&self.name),
            measure.index,
            scale,
            found,
            &mut self.files,
            &inlined,
            self.selected_line,
        ))
    }
}

use std::sync::Arc;

/// For each line of `function`, the functions inlined there: the
/// profile's locations whose inlined frames sit on a line of `function`.
/// By line alone: the report cleans file names, the locations keep them
/// as recorded, and a function is in one file.
fn inlined_at(profile: &crate::profile::Profile, function: &[u8]) -> FxHashMap<i64, Vec<String>> {
    let mut out: FxHashMap<i64, Vec<String>> = FxHashMap::default();
    for loc in 0..profile.locations.len() {
        let lines = profile.location_lines(loc as u32);
        // Innermost first: every frame after the first called the one
        // before it, inlined.
        for pair in lines.windows(2) {
            let (callee, caller) = (&pair[0], &pair[1]);
            let Some(caller_fn) = profile.functions.get(caller.function as usize) else {
                continue;
            };
            if profile.strings.get(caller_fn.name) != function {
                continue;
            }
            let Some(callee_fn) = profile.functions.get(callee.function as usize) else {
                continue;
            };
            let names = out.entry(caller.line).or_default();
            let callee_name = crate::safe_text::escape(profile.strings.get(callee_fn.name));
            if !names.contains(&callee_name) {
                names.push(callee_name);
            }
        }
    }
    for names in out.values_mut() {
        names.sort();
    }
    out
}

/// The rows of `listing`, lines marked hot and inlined, and where to open.
fn lay_out(
    function: String,
    sample_index: usize,
    scale: Scale,
    listing: Listing,
    files: &mut SourceFiles,
    inlined: &FxHashMap<i64, Vec<String>>,
    selected_line: Option<i64>,
) -> SourceListing {
    let mut rows = Vec::new();
    let mut hottest: Option<(usize, (i64, i64))> = None;
    let mut selected = None;
    for routine in listing.routines {
        let Some(file) = routine.file else {
            rows.push(SourceRow::NoSource);
            continue;
        };
        rows.push(SourceRow::Routine {
            file: crate::safe_text::escape(&file),
            flat: routine.flat,
            cum: routine.cum,
        });
        match routine.source {
            RoutineSource::Lines(lines) => {
                let path = match files.get(&file) {
                    Ok(found) => found.path.clone(),
                    Err(_) => PathBuf::new(),
                };
                let max_cum = lines
                    .iter()
                    .map(|l| l.cum.wrapping_abs())
                    .max()
                    .unwrap_or(0);
                for line in lines {
                    let heat = heat(line.cum, max_cum);
                    let key = (line.flat, line.cum);
                    if (line.flat, line.cum) != (0, 0) && hottest.is_none_or(|(_, best)| key > best)
                    {
                        hottest = Some((rows.len(), key));
                    }
                    if selected.is_none() && selected_line == Some(line.number) {
                        selected = Some(rows.len());
                    }
                    rows.push(SourceRow::Line(LineRow {
                        number: line.number,
                        flat: line.flat,
                        cum: line.cum,
                        text: source_text(&line.text),
                        heat,
                        inlined: inlined.get(&line.number).cloned().unwrap_or_default(),
                        path: path.clone(),
                    }));
                }
            }
            RoutineSource::Missing(missing) => {
                rows.push(SourceRow::Missing(crate::safe_text::escape(
                    missing.message.as_bytes(),
                )));
                for path in &missing.tried {
                    rows.push(SourceRow::Tried(crate::safe_text::escape(
                        path.as_os_str().as_encoded_bytes(),
                    )));
                }
            }
            RoutineSource::Empty => {}
        }
    }
    let start = selected.or(hottest.map(|(row, _)| row)).unwrap_or(0);
    SourceListing {
        function,
        sample_index,
        scale,
        total: listing.total,
        rows,
        start,
    }
}

/// 0 to 3: how much of the routine's largest |cum| `cum` is.
fn heat(cum: i64, max_cum: i64) -> u8 {
    if max_cum == 0 || cum == 0 {
        return 0;
    }
    let share = cum.wrapping_abs() as f64 / max_cum as f64;
    HOT.iter().filter(|&&t| share >= t).count() as u8
}

/// A line of a source file for a screen: tabs expanded to [`TAB`]
/// columns, then escaped like names.
fn source_text(bytes: &[u8]) -> String {
    let mut expanded = Vec::with_capacity(bytes.len());
    let mut column = 0;
    for &b in bytes {
        if b == b'\t' {
            let n = TAB - column % TAB;
            expanded.extend(std::iter::repeat_n(b' ', n));
            column += n;
        } else {
            expanded.push(b);
            // UTF-8 continuation bytes take no column of their own.
            if b & 0xC0 != 0x80 {
                column += 1;
            }
        }
    }
    crate::safe_text::escape(&expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_expand_to_stops_and_controls_are_escaped() {
        assert_eq!(source_text(b"\tx := 1"), "    x := 1");
        assert_eq!(source_text(b"ab\tc"), "ab  c");
        assert_eq!(source_text(b"\x1b[2J\t//"), "\\x1b[2J    //");
        assert_eq!(source_text("é\tx".as_bytes()), "é   x");
    }

    #[test]
    fn heat_levels() {
        assert_eq!(heat(0, 100), 0);
        assert_eq!(heat(4, 100), 0);
        assert_eq!(heat(5, 100), 1);
        assert_eq!(heat(20, 100), 2);
        assert_eq!(heat(100, 100), 3);
        assert_eq!(heat(-100, 100), 3);
        assert_eq!(heat(3, 0), 0);
    }
}
