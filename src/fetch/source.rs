//! A profile's source, loadable again and again: what `--refresh` needs.

use super::{Remote, SourceError, SourceErrorKind, adjust_url, http, progress};
use crate::profile::{
    DecodeOptions, Profile, ProfileError, Unfinished, decode, decode_from, decode_unfinished, open,
};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How to fetch and decode.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceOptions {
    /// `--seconds`: the duration of CPU and delta profiles (URLs only).
    pub seconds: Option<u64>,
    /// `--timeout` (URLs only); the default is pprof's.
    pub timeout: Option<Duration>,
    /// Limits for decoding; `max_decompressed` also caps the download.
    pub decode: DecodeOptions,
    /// Print what is being fetched, and a counter on a terminal, on stderr.
    /// Off for a full-screen program refreshing in the background.
    pub progress: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    File(PathBuf),
    Stdin,
    Url(Remote),
}

/// Where a profile comes from: a file, standard input, or a URL with its
/// options.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    kind: Kind,
    options: SourceOptions,
}

/// One load of a [`Source`].
#[derive(Debug)]
pub struct Loaded {
    /// The bytes exactly as read or received (gzipped or not): what
    /// [`save`](super::save()) writes.
    pub bytes: Vec<u8>,
    /// The decoded, validated profile.
    pub profile: Profile,
    /// When the bytes had all arrived.
    pub fetched_at: SystemTime,
    /// How long reading or fetching took.
    pub took: Duration,
}

impl Source {
    /// What `arg` names: `-` is standard input; an existing file is that
    /// file, whatever its name looks like; then a URL or `host:port` as
    /// pprof reads them ([`adjust_url`]); anything else is a file name.
    pub fn new(arg: &str, options: SourceOptions) -> Result<Source, SourceError> {
        let error = |kind: SourceErrorKind| SourceError {
            source_name: super::target::redact(arg).into_owned(),
            kind,
        };
        let kind = if arg == "-" {
            Kind::Stdin
        } else if Path::new(arg).exists() {
            Kind::File(arg.into())
        } else {
            match adjust_url(arg, options.seconds, options.timeout) {
                Ok(Some(remote)) => Kind::Url(remote),
                Ok(None) => Kind::File(arg.into()),
                Err(e) => return Err(error(e.into())),
            }
        };
        let name = match &kind {
            Kind::Url(remote) => remote.shown.clone(),
            _ => arg.to_string(),
        };
        Ok(Source {
            name,
            kind,
            options,
        })
    }

    /// The path as given, `-`, or the URL that is requested (with the
    /// default path and `seconds=` applied, a password shown as `xxxxx`):
    /// what errors are prefixed with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL details, for a source fetched over HTTP.
    pub fn remote(&self) -> Option<&Remote> {
        match &self.kind {
            Kind::Url(remote) => Some(remote),
            _ => None,
        }
    }

    /// Whether the profile comes over the network.
    pub fn is_remote(&self) -> bool {
        self.remote().is_some()
    }

    /// Whether loading again can give something new: not for standard
    /// input, which is read once.
    pub fn can_reload(&self) -> bool {
        self.kind != Kind::Stdin
    }

    /// The options this source loads with.
    pub fn options(&self) -> &SourceOptions {
        &self.options
    }

    /// Turns the stderr progress messages on or off (off while a
    /// full-screen explorer owns the terminal).
    pub fn set_progress(&mut self, on: bool) {
        self.options.progress = on;
    }

    /// Reads or fetches the bytes and decodes them, exactly as for a file:
    /// the same validation and decompressed-size limit; a download is capped
    /// at that limit too. Call again to refresh.
    pub fn load(&self) -> Result<Loaded, SourceError> {
        let error = |kind: SourceErrorKind| SourceError {
            source_name: self.name.clone(),
            kind,
        };
        let start = Instant::now();
        let bytes = self.read().map_err(error)?;
        let fetched_at = SystemTime::now();
        let took = start.elapsed();
        let profile = decode(&bytes, &self.options.decode).map_err(|e| error(e.into()))?;
        Ok(Loaded {
            bytes,
            profile,
            fetched_at,
            took,
        })
    }

    /// [`Source::decode_unfinished`], finished: one profile as it is shown.
    pub fn decode(&self) -> Result<Profile, SourceError> {
        self.decode_unfinished()
            .and_then(|u| Ok(u.finish()?))
            .map_err(|kind| SourceError {
                source_name: self.name.clone(),
                kind,
            })
    }

    /// Reads or fetches and decodes, without keeping the bytes: a file or
    /// standard input is decoded as it is read (never held whole), a
    /// download once it has arrived. Not finished (see [`Unfinished`]).
    pub fn decode_unfinished(&self) -> Result<Unfinished, SourceErrorKind> {
        let options = &self.options.decode;
        let decoded = match &self.kind {
            Kind::Url(_) => {
                let bytes = self.read()?;
                decode_unfinished(&bytes, options)
            }
            Kind::Stdin => decode_from(std::io::stdin(), options),
            Kind::File(path) => open(path)
                .map_err(ProfileError::Io)
                .and_then(|file| decode_from(file, options)),
        };
        Ok(decoded?)
    }

    /// Only the bytes, undecoded.
    pub fn read(&self) -> Result<Vec<u8>, SourceErrorKind> {
        let limit = self.options.decode.max_decompressed;
        match &self.kind {
            Kind::Url(remote) => {
                let _progress = self
                    .options
                    .progress
                    .then(|| progress::Progress::start(remote));
                Ok(http::get(remote, limit)?)
            }
            Kind::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut bytes)
                    .map_err(ProfileError::Io)?;
                Ok(bytes)
            }
            Kind::File(path) => {
                let mut bytes = Vec::new();
                open(path)
                    .and_then(|mut file| file.read_to_end(&mut bytes))
                    .map_err(ProfileError::Io)?;
                Ok(bytes)
            }
        }
    }
}
