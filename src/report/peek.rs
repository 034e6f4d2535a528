//! `ppt --peek REGEX`: pprof's `-peek` report, the callers and callees of
//! every node whose name matches (pprof's `printTree` on an untrimmed graph).

use super::prepare::prepare;
use super::tree::print_tree;
use super::{ReportError, ReportOptions};
use crate::analysis::Pattern;
use crate::profile::Profile;

/// Prints the peek report for nodes matching `pattern`, as pprof would.
/// pprof never trims a peek report, whatever the options say.
pub fn peek(
    profile: &Profile,
    options: &ReportOptions,
    pattern: &Pattern,
) -> Result<Vec<u8>, ReportError> {
    print_tree(
        prepare(profile, options, false)?,
        Some(pattern),
        options.escape_strings,
    )
}
