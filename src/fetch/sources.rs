//! Several profiles made one, as `go tool pprof` loads its command line
//! (`internal/driver/fetch.go`): `ppt a.pprof b.pprof`, `--base` and
//! `--diff-base`.
//!
//! - Every source (a file, `-` or a URL) is read and decoded on a pool of
//!   threads (`grab.rs`): one per core for files, up to 64 fetches at once
//!   when some sources are URLs (pprof fetches a chunk of 64 at once);
//! - the decoded profiles are combined 64 at a time as pprof's
//!   `chunkedGrab` does (the units made one, then merged: see
//!   [`crate::profile::combine`]), each chunk on the thread that decoded its
//!   last profile, and the chunks folded in command-line order; at most two
//!   chunks are held at once;
//! - a source that cannot be read or decoded is left out, as pprof leaves it
//!   out (`Fetched 1 source profiles out of 2`); profiles that cannot be
//!   merged stop everything, with pprof's message and the two sources named;
//! - the bases are merged the same way, then subtracted (see
//!   [`crate::profile::subtract_base`]);
//! - last, what pprof does once to the merged profile (source URLs
//!   forgotten, `drop_frames` of the first profile).

use super::grab::{CHUNK, Grabbed, grab};
use super::{Source, SourceError};
use crate::profile::{
    BaseKind, MergeError, Profile, ProfileError, Unfinished, combine, subtract_base,
};
use std::ops::Range;
use std::time::{Duration, Instant, SystemTime};

/// The profiles of one command line: the sources to merge, and the bases to
/// subtract from them.
#[derive(Debug, Clone)]
pub struct Sources {
    sources: Vec<Source>,
    bases: Vec<Source>,
    kind: BaseKind,
    normalize: bool,
    /// Keep the bases merged, alone, in [`Combined::base`].
    keep_base: bool,
}

/// The merged profile, and what went into it.
#[derive(Debug)]
pub struct Combined {
    /// The merged (and compared) profile.
    pub profile: Profile,
    /// How many source profiles were merged (those that could be loaded).
    pub merged: usize,
    /// How many base profiles were merged into the base.
    pub bases_merged: usize,
    /// The sources left out, and why.
    pub skipped: Vec<SourceError>,
    /// The bases merged, alone, when [`Sources::keep_base`] asked for them
    /// (the explorer shows their numbers beside the changes).
    pub base: Option<Profile>,
    /// The sources merged, alone (not compared), kept with the base.
    pub alone: Option<Profile>,
    /// When the last profile had arrived.
    pub fetched_at: SystemTime,
    /// How long loading and merging took.
    pub took: Duration,
}

/// Which profiles two incompatible ones were.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Two of the sources.
    Sources,
    /// Two of the bases.
    Bases,
    /// The sources (merged) and the bases (merged).
    SourceAndBase,
}

/// Why the profiles of a command line cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CombineError {
    /// `--base` and `--diff-base` together.
    #[error("-base and -diff_base flags cannot both be specified")]
    BaseAndDiffBase,
    /// `--normalize` without a base.
    #[error("must have base profile to normalize by")]
    NormalizeWithoutBase,
    /// A source that cannot be named (a malformed URL).
    #[error(transparent)]
    Source(SourceError),
    /// No source could be loaded.
    #[error("failed to fetch any source profiles")]
    NoSource,
    /// Bases were given and none could be loaded.
    #[error("failed to fetch any base profiles")]
    NoBase,
    /// The merged profile is past the model's limits.
    #[error("merged profile: {0}")]
    Invalid(ProfileError),
    /// Two profiles cannot be merged or compared: pprof's message.
    #[error("{}", incompatible(first, second, *role, error))]
    Incompatible {
        /// The profile the other was checked against.
        first: String,
        /// The other.
        second: String,
        /// Whether they are sources, bases, or one of each.
        role: Role,
        /// What pprof says.
        error: MergeError,
    },
}

impl From<ProfileError> for CombineError {
    fn from(e: ProfileError) -> CombineError {
        CombineError::Invalid(e)
    }
}

/// pprof's words for two profiles that cannot go together.
fn incompatible(first: &str, second: &str, role: Role, error: &MergeError) -> String {
    match role {
        Role::Sources => format!(
            "{first} and {second} cannot be merged: problem fetching source profiles: {error}"
        ),
        Role::Bases => format!(
            "bases {first} and {second} cannot be merged: problem fetching base profiles: {error}"
        ),
        Role::SourceAndBase => format!("{first} and base {second} cannot be compared: {error}"),
    }
}

/// A failed load: the error, and the sources left out before it (pprof
/// prints those first).
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct LoadFailure {
    /// What stopped the load.
    pub error: CombineError,
    /// Sources that could not be loaded, before the failure.
    pub skipped: Vec<SourceError>,
}

impl From<CombineError> for LoadFailure {
    fn from(error: CombineError) -> LoadFailure {
        LoadFailure {
            error,
            skipped: Vec::new(),
        }
    }
}

impl Sources {
    /// The sources and bases of a command line, with pprof's checks of the
    /// options: `base` (`-base`) and `diff_base` (`-diff_base`) not both,
    /// `normalize` only with a base.
    pub fn new(
        sources: Vec<Source>,
        base: Vec<Source>,
        diff_base: Vec<Source>,
        normalize: bool,
    ) -> Result<Sources, CombineError> {
        if !base.is_empty() && !diff_base.is_empty() {
            return Err(CombineError::BaseAndDiffBase);
        }
        let (bases, kind) = match diff_base.is_empty() {
            true => (base, BaseKind::Subtract),
            false => (diff_base, BaseKind::Diff),
        };
        if normalize && bases.is_empty() {
            return Err(CombineError::NormalizeWithoutBase);
        }
        Ok(Sources {
            sources,
            bases,
            kind,
            normalize,
            keep_base: false,
        })
    }

    /// Keeps the bases merged, alone, beside the comparison
    /// ([`Combined::base`]).
    pub fn keep_base(&mut self) {
        self.keep_base = true;
    }

    /// How the bases are subtracted (`--base` or `--diff-base`), and
    /// whether the sources are normalized to them first.
    pub fn comparison_kind(&self) -> (BaseKind, bool) {
        (self.kind, self.normalize)
    }

    /// [`Sources::new`] from the arguments as written (see [`Source::new`]).
    pub fn from_args(
        sources: &[String],
        base: &[String],
        diff_base: &[String],
        normalize: bool,
        options: super::SourceOptions,
    ) -> Result<Sources, CombineError> {
        let make = |args: &[String]| {
            args.iter()
                .map(|a| Source::new(a, options).map_err(CombineError::Source))
                .collect::<Result<Vec<_>, _>>()
        };
        Sources::new(make(sources)?, make(base)?, make(diff_base)?, normalize)
    }

    /// Whether this is one profile alone: no merging, no base.
    pub fn is_single(&self) -> bool {
        self.sources.len() == 1 && self.bases.is_empty()
    }

    /// The sources merged.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// The bases subtracted (none when not comparing).
    pub fn bases(&self) -> &[Source] {
        &self.bases
    }

    /// How the bases are used.
    pub fn base_kind(&self) -> BaseKind {
        self.kind
    }

    /// Compares with these bases from now on (replacing any), as `-base`
    /// or `-diff_base` would.
    pub fn set_base(&mut self, bases: Vec<Source>, kind: BaseKind) {
        self.bases = bases;
        self.kind = kind;
    }

    /// Stops comparing: no base, no normalizing.
    pub fn clear_base(&mut self) {
        self.bases.clear();
        self.normalize = false;
    }

    /// Loads every source and base (again, for a refresh) and combines them
    /// as pprof does. Sources that fail are left out and listed in
    /// [`Combined::skipped`].
    pub fn load(&self) -> Result<Combined, LoadFailure> {
        let start = Instant::now();
        let items: Vec<&Source> = self.sources.iter().chain(&self.bases).collect();
        let groups = [0..self.sources.len(), self.sources.len()..items.len()];
        let mut merging = Merging {
            items: &items,
            groups: [Group::default(), Group::default()],
            skipped: Vec::new(),
        };
        let chunks: Vec<(usize, Range<usize>)> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, range)| {
                range
                    .clone()
                    .step_by(CHUNK)
                    .map(move |s| (g, s..(s + CHUNK).min(range.end)))
            })
            .collect();
        let grabbed = grab(
            &items,
            &chunks,
            |g, loaded| combine_chunk(&items, g, loaded),
            |chunk| merging.fold(chunk),
        );
        let Merging {
            groups: [source, base],
            skipped,
            ..
        } = merging;
        let (merged, bases_merged) = (source.count, base.count);
        match grabbed.and_then(|()| self.compare(&items, source, base)) {
            Ok((profile, kept)) => {
                let (base, alone) = kept.unzip();
                Ok(Combined {
                    profile,
                    base,
                    alone,
                    merged,
                    bases_merged,
                    skipped,
                    fetched_at: SystemTime::now(),
                    took: start.elapsed(),
                })
            }
            Err(error) => Err(LoadFailure { error, skipped }),
        }
    }

    /// The merged sources less the merged bases, finished; and the bases
    /// and the sources alone, finished, if kept.
    fn compare(
        &self,
        items: &[&Source],
        source: Group,
        base: Group,
    ) -> Result<(Profile, Option<(Profile, Profile)>), CombineError> {
        let merged = source.merged.ok_or(CombineError::NoSource)?;
        let mut profile = merged.profile;
        let mut kept = None;
        if !self.bases.is_empty() {
            let base = base.merged.ok_or(CombineError::NoBase)?;
            if self.keep_base {
                let alone = |profile: &Profile, drop: &[u8], keep: &[u8]| {
                    Unfinished {
                        profile: profile.clone(),
                        drop_frames: drop.to_vec(),
                        keep_frames: keep.to_vec(),
                    }
                    .finish()
                };
                kept = Some((
                    alone(&base.profile, &base.drop_frames, &base.keep_frames)?,
                    alone(&profile, &merged.drop_frames, &merged.keep_frames)?,
                ));
            }
            profile = subtract_base(profile, base.profile, self.kind, self.normalize).map_err(
                |error| CombineError::Incompatible {
                    first: items[merged.first].name().to_string(),
                    second: items[base.first].name().to_string(),
                    role: Role::SourceAndBase,
                    error,
                },
            )?;
        }
        let profile = Unfinished {
            profile,
            drop_frames: merged.drop_frames,
            keep_frames: merged.keep_frames,
        }
        .finish()?;
        Ok((profile, kept))
    }
}

impl Combined {
    /// What pprof prints on stderr about the load: each source left out,
    /// then `Fetched N source profiles out of M` (and the same for bases)
    /// when some were.
    pub fn notices(&self, sources: &Sources) -> Vec<String> {
        let mut lines: Vec<String> = self.skipped.iter().map(|e| e.to_string()).collect();
        for (what, got, want) in [
            ("source", self.merged, sources.sources.len()),
            ("base", self.bases_merged, sources.bases.len()),
        ] {
            if got != want {
                lines.push(format!("Fetched {got} {what} profiles out of {want}"));
            }
        }
        lines
    }
}

/// The profiles of one group (sources or bases) merged so far.
#[derive(Default)]
struct Group {
    merged: Option<Merged>,
    count: usize,
}

struct Merged {
    profile: Profile,
    /// The first source in it (the item index), whose frames rules apply.
    first: usize,
    drop_frames: Vec<u8>,
    keep_frames: Vec<u8>,
}

struct Merging<'a> {
    items: &'a [&'a Source],
    groups: [Group; 2],
    skipped: Vec<SourceError>,
}

/// A chunk's profiles combined (pprof's `concurrentGrab` after the
/// fetches), and the sources left out of it.
struct Chunk {
    group: usize,
    skipped: Vec<SourceError>,
    /// The chunk's profile, and how many went into it; `None` when none
    /// could be loaded.
    merged: Result<Option<(Merged, usize)>, CombineError>,
}

/// Combines the profiles of one chunk of `group` (see [`Chunk`]).
fn combine_chunk(items: &[&Source], group: usize, loaded: Vec<(usize, Grabbed)>) -> Chunk {
    let mut skipped = Vec::new();
    let mut firsts = Vec::new();
    let mut profiles = Vec::new();
    let mut frames = None;
    for (i, result) in loaded {
        match result {
            Ok(u) => {
                frames.get_or_insert((u.drop_frames, u.keep_frames));
                firsts.push(i);
                profiles.push(u.profile);
            }
            Err(e) => skipped.push(e),
        }
    }
    let merged = frames.map_or(Ok(None), |(drop_frames, keep_frames)| {
        let count = profiles.len();
        let profile = match profiles.len() {
            // Merging one profile alone only compacts it, which changes
            // nothing a merge with others would not do, unless summing
            // leaves a sample at zero: only possible with negative values.
            1 if !has_negative_values(&profiles[0]) => profiles.pop().expect("one"),
            _ => combine(profiles).map_err(|e| {
                let (a, b) = (firsts[e.first], firsts[e.second]);
                cannot_merge(items, group, e, a, b)
            })?,
        };
        let merged = Merged {
            profile,
            first: firsts[0],
            drop_frames,
            keep_frames,
        };
        Ok(Some((merged, count)))
    });
    Chunk {
        group,
        skipped,
        merged,
    }
}

/// pprof's error for two profiles of `group` that cannot be merged.
fn cannot_merge(
    items: &[&Source],
    group: usize,
    error: MergeError,
    a: usize,
    b: usize,
) -> CombineError {
    CombineError::Incompatible {
        first: items[a].name().to_string(),
        second: items[b].name().to_string(),
        role: [Role::Sources, Role::Bases][group],
        error,
    }
}

impl Merging<'_> {
    /// `chunkedGrab`'s fold of a chunk into what came before.
    fn fold(&mut self, chunk: Chunk) -> Result<(), CombineError> {
        self.skipped.extend(chunk.skipped);
        let Some((merged, count)) = chunk.merged? else {
            return Ok(());
        };
        let g = &mut self.groups[chunk.group];
        g.count += count;
        g.merged = Some(match g.merged.take() {
            None => merged,
            Some(before) => {
                let pair = [before.first, merged.first];
                Merged {
                    profile: combine(vec![before.profile, merged.profile]).map_err(|e| {
                        let (a, b) = (pair[e.first], pair[e.second]);
                        cannot_merge(self.items, chunk.group, e, a, b)
                    })?,
                    ..before
                }
            }
        });
        Ok(())
    }
}

fn has_negative_values(p: &Profile) -> bool {
    (0..p.samples.len()).any(|i| p.samples.values(i).iter().any(|&v| v < 0))
}
