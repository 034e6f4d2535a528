//! Reading a profile: bytes in, a validated [`Profile`] model out; and
//! writing one back ([`ProtoWriter`]).
//!
//! Nothing here knows about terminals or reports. Decoding follows what
//! `go tool pprof` does when it loads a file, so that the reports built on the
//! model print the same numbers: validation as in pprof's `CheckValid`, the
//! effects of pprof's single-profile merge (duplicate comments and mappings,
//! all-zero samples; the whole merge on demand, [`Profile::merged`]) and of
//! `drop_frames`/`keep_frames`.
//!
//! Several profiles become one as pprof merges them (`merge/`, after the
//! units are made one in `scale.rs`): `go tool pprof A B`, `-base` and
//! `-diff_base`.

mod builder;
mod decode;
mod encode;
mod error;
mod input;
mod load_merge;
mod merge;
mod model;
mod prune;
mod scale;
mod stream;
mod strings;
mod wire;

/// The Rust types generated from `proto/profile.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}

pub use builder::Unfinished;
pub use decode::{
    DEFAULT_MAX_DECOMPRESSED, DecodeOptions, decode, decode_from, decode_unfinished, load, open,
};
pub use encode::{ProtoWriter, gzip};
pub use error::{LoadError, ProfileError, SampleIndexError};
pub use merge::{BASE_LABEL, BaseKind, MergeError, combine, merge, subtract_base};
pub use model::{
    Function, FunctionIdx, Label, Line, Location, LocationIdx, Mapping, MappingFlags, MappingIdx,
    Profile, Samples, ValueType,
};
pub use prune::simplify_function_name;
pub use scale::scale_profiles;
pub use strings::{StrId, StringTable};
