//! `-comments`: the profile's comments, one a line, as pprof's
//! `printComments` prints them (those starting with `#`, which the headers
//! of the other reports leave out, included).

use super::ReportError;
use crate::profile::Profile;
use std::io::Write;

/// Writes every comment of `profile` on its own line.
pub fn comments(profile: &Profile, out: &mut dyn Write) -> Result<(), ReportError> {
    let mut o = Vec::new();
    for &c in &profile.comments {
        o.extend_from_slice(profile.strings.get(c));
        o.push(b'\n');
    }
    out.write_all(&o)?;
    Ok(())
}
