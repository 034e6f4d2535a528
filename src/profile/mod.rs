//! Reading a profile: bytes in, a validated [`Profile`] model out.
//!
//! Nothing here knows about terminals or reports. Decoding follows what
//! `go tool pprof` does when it loads a file, so that the reports built on the
//! model print the same numbers: validation as in pprof's `CheckValid`, the
//! effects of pprof's single-profile merge (duplicate comments and mappings,
//! all-zero samples) and of `drop_frames`/`keep_frames`.

mod builder;
mod decode;
mod error;
mod model;
mod prune;
mod strings;
mod wire;

/// The Rust types generated from `proto/profile.proto`.
pub mod pb {
    #![allow(missing_docs, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/perftools.profiles.rs"));
}

pub use decode::{DEFAULT_MAX_DECOMPRESSED, DecodeOptions, decode, load};
pub use error::{LoadError, ProfileError, SampleIndexError};
pub use model::{
    Function, FunctionIdx, Label, Line, Location, LocationIdx, Mapping, MappingIdx, Profile,
    Samples, ValueType,
};
pub use prune::simplify_function_name;
pub use strings::{StrId, StringTable};
