//! `-proto`: the profile after the filters, as gzipped profile.proto, as
//! pprof's `printProto` writes it.
//!
//! What is written is the profile as pprof holds it after loading (merged,
//! see [`Profile::merged`]) with the filters applied: the samples they
//! keep, with what remains of their stacks and labels, and every location
//! with what remains of its lines. Every sample type is kept; the sample
//! index, `-mean`, `-unit`, the granularity and `-noinlines` change
//! nothing, as in pprof.

use super::{ReportError, ReportOptions};
use crate::analysis::Filtered;
use crate::profile::{LocationIdx, Profile, ProtoWriter, gzip};
use std::io::Write;

/// Writes the filtered profile to `out`, gzipped.
pub fn proto(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let merged = profile.merged();
    let profile: &Profile = &merged;
    let filtered = Filtered::new(profile, &options.filters, true);
    let mut writer = ProtoWriter::new(profile);
    for s in filtered.samples() {
        writer.sample(
            filtered.stack(s).map(|l| profile.locations[l as usize].id),
            profile.samples.values(s),
            filtered.labels(s),
        );
    }
    for (l, loc) in profile.locations.iter().enumerate() {
        writer.location(loc, filtered.lines(l as LocationIdx));
    }
    out.write_all(&gzip(&writer.finish())?)?;
    Ok(())
}
