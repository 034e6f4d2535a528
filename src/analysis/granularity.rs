//! What one node of the graph stands for.

use std::fmt;

/// The granularity of a report: which parts of a frame make it distinct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Granularity {
    /// One node per function name (pprof's default).
    #[default]
    Functions,
    /// One node per function name and source file.
    FileFunctions,
    /// One node per source file.
    Files,
    /// One node per function, file and line.
    Lines,
    /// One node per instruction address (and inlined line).
    Addresses,
}

impl Granularity {
    /// Every granularity, in the order the explorer cycles through them.
    pub const ALL: [Granularity; 5] = [
        Granularity::Functions,
        Granularity::FileFunctions,
        Granularity::Files,
        Granularity::Lines,
        Granularity::Addresses,
    ];

    /// The name pprof uses for the flag.
    pub fn name(self) -> &'static str {
        match self {
            Granularity::Functions => "functions",
            Granularity::FileFunctions => "filefunctions",
            Granularity::Files => "files",
            Granularity::Lines => "lines",
            Granularity::Addresses => "addresses",
        }
    }

    /// Parses a pprof granularity name.
    pub fn from_name(name: &str) -> Option<Granularity> {
        Granularity::ALL.into_iter().find(|g| g.name() == name)
    }

    /// The next granularity in [`Granularity::ALL`], wrapping around.
    pub fn next(self) -> Granularity {
        let i = Granularity::ALL
            .iter()
            .position(|&g| g == self)
            .unwrap_or(0);
        Granularity::ALL[(i + 1) % Granularity::ALL.len()]
    }

    pub(crate) fn keeps_function(self) -> bool {
        !matches!(self, Granularity::Files)
    }

    pub(crate) fn keeps_file(self) -> bool {
        !matches!(self, Granularity::Functions)
    }

    pub(crate) fn keeps_line(self) -> bool {
        matches!(self, Granularity::Lines | Granularity::Addresses)
    }

    pub(crate) fn keeps_address(self) -> bool {
        matches!(self, Granularity::Addresses)
    }
}

/// A name that is not one of pprof's granularities.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of: {}", Granularity::ALL.map(Granularity::name).join(", "))]
pub struct UnknownGranularity;

impl std::str::FromStr for Granularity {
    type Err = UnknownGranularity;

    fn from_str(name: &str) -> Result<Granularity, UnknownGranularity> {
        Granularity::from_name(name).ok_or(UnknownGranularity)
    }
}

impl fmt::Display for Granularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
