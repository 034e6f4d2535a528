//! Finding and reading the source files a profile names, the way
//! `go tool pprof -list` does (pprof 1.19's `openSourceFile`), and
//! optionally in the places a Go installation keeps sources.
//!
//! - [`trim_path`]: pprof's clean-up of recorded file names (`-trim_path`,
//!   the search path heuristic, Bazel prefixes); graph reports print file
//!   names through it.
//! - [`SourceSearch`]: where a file is looked for: the trimmed name as it
//!   is when absolute, else under each `-source_path` directory (or the
//!   working directory) and each of their parents; then, only when asked
//!   ([`SourceSearch::with_go_roots`]), under `$GOROOT/src` and the module
//!   cache ([`GoRoots`]). A miss says which paths were tried.
//! - [`SourceFiles`]: files read once and kept, split into lines as pprof
//!   reads them.
//!
//! No terminal code: `--list` and the explorer's source view both use it.

mod go_roots;
mod trim;

pub use go_roots::GoRoots;
pub use trim::{split_list, trim_path};

use crate::gopath;
use rustc_hash::FxHashMap;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where source files are looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSearch {
    /// pprof's search path: `-source_path` as given, else the working
    /// directory (`:`-separated).
    search_path: String,
    /// pprof's `-trim_path` as given (`:`-separated prefixes).
    trim_path: String,
    /// Extra roots tried after pprof's places; `None` for pprof's behaviour.
    go_roots: Option<GoRoots>,
}

/// A source file that could not be found or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotFound {
    /// The name looked for, after trimming.
    pub file: Vec<u8>,
    /// Every path tried, in order.
    pub tried: Vec<PathBuf>,
    /// pprof's message: `open PATH: no such file or directory` for an
    /// absolute name, `could not find file NAME on path SEARCH_PATH` else.
    pub message: String,
}

impl SourceSearch {
    /// pprof's search: `source_path` (`:`-separated directories) or, when
    /// none is given, the working directory; `trim_path` prefixes taken off
    /// recorded names.
    pub fn pprof(source_path: Option<&str>, trim_path: Option<&str>) -> std::io::Result<Self> {
        let search_path = match source_path.filter(|s| !s.is_empty()) {
            Some(path) => path.to_string(),
            None => std::env::current_dir()?.to_string_lossy().into_owned(),
        };
        Ok(SourceSearch {
            search_path,
            trim_path: trim_path.unwrap_or_default().to_string(),
            go_roots: None,
        })
    }

    /// Also looks under a Go installation's roots when pprof's places have
    /// nothing (pprof 1.19 does not; the explorer does).
    pub fn with_go_roots(mut self, roots: GoRoots) -> Self {
        self.go_roots = Some(roots);
        self
    }

    /// The search path, as pprof names it in its messages.
    pub fn search_path(&self) -> &str {
        &self.search_path
    }

    /// The trimmed name pprof looks for, for a name as the report prints it.
    pub fn trimmed<'a>(&self, file: &'a [u8]) -> &'a [u8] {
        trim_path(file, &self.trim_path, &self.search_path)
    }

    /// Finds `file` (a name as a report prints it) and opens it.
    pub fn open(&self, file: &[u8]) -> Result<(PathBuf, std::fs::File), NotFound> {
        let name = self.trimmed(file);
        let mut tried = Vec::new();
        let mut first_error = None;
        for path in self.pprof_candidates(name) {
            match std::fs::File::open(&path) {
                Ok(f) => return Ok((path, f)),
                Err(e) => {
                    first_error.get_or_insert(e);
                    tried.push(path);
                }
            }
        }
        let message = match (name.starts_with(b"/"), first_error) {
            (true, Some(e)) => format!(
                "open {}: {}",
                String::from_utf8_lossy(name),
                go_error_text(&e)
            ),
            _ => format!(
                "could not find file {} on path {}",
                String::from_utf8_lossy(name),
                self.search_path
            ),
        };
        if let Some(roots) = &self.go_roots {
            for path in roots.candidates(name) {
                if let Ok(f) = std::fs::File::open(&path) {
                    return Ok((path, f));
                }
                tried.push(path);
            }
        }
        Err(NotFound {
            file: name.to_vec(),
            tried,
            message,
        })
    }

    /// pprof's places for a trimmed name: itself when absolute; else the
    /// name under every search directory and each of its parents.
    fn pprof_candidates(&self, name: &[u8]) -> Vec<PathBuf> {
        if name.starts_with(b"/") {
            return vec![path_of(name)];
        }
        let mut out = Vec::new();
        for dir in split_list(&self.search_path) {
            let mut dir = dir.as_bytes().to_vec();
            loop {
                out.push(path_of(&join(&dir, name)));
                let parent = dir_of(&dir);
                if parent == dir {
                    break;
                }
                dir = parent;
            }
        }
        out
    }
}

/// One source file's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Where it was found.
    pub path: PathBuf,
    /// The lines, without their line ends; `lines[0]` is line 1.
    pub lines: Vec<Vec<u8>>,
}

impl SourceFile {
    /// Line `number` (1-based), if the file has it.
    pub fn line(&self, number: i64) -> Option<&[u8]> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        self.lines.get(i).map(Vec::as_slice)
    }
}

/// Source files looked up and read once each, by the name a report prints.
#[derive(Debug)]
pub struct SourceFiles {
    search: SourceSearch,
    files: FxHashMap<Vec<u8>, Result<Arc<SourceFile>, NotFound>>,
}

impl SourceFiles {
    /// An empty cache over `search`.
    pub fn new(search: SourceSearch) -> SourceFiles {
        SourceFiles {
            search,
            files: FxHashMap::default(),
        }
    }

    /// Where files are looked for.
    pub fn search(&self) -> &SourceSearch {
        &self.search
    }

    /// What an earlier [`SourceFiles::get`] of `file` found, without
    /// looking for it now.
    pub fn cached(&self, file: &[u8]) -> Option<&Result<Arc<SourceFile>, NotFound>> {
        self.files.get(file)
    }

    /// The file a report names `file`, found and read on first use.
    pub fn get(&mut self, file: &[u8]) -> Result<Arc<SourceFile>, NotFound> {
        let search = &self.search;
        self.files
            .entry(file.to_vec())
            .or_insert_with(|| {
                let (path, f) = search.open(file)?;
                Ok(Arc::new(SourceFile {
                    lines: read_lines(f),
                    path,
                }))
            })
            .clone()
    }
}

/// The lines of `reader` as pprof reads them (Go's `bufio.Scanner`): split
/// at `\n`, a `\r` before it dropped, a last line without `\n` kept. Like
/// pprof, a read error (a directory, say) or a line of 64 KiB or more ends
/// the file there without an error.
pub fn read_lines(mut reader: impl Read) -> Vec<Vec<u8>> {
    const MAX_LINE: usize = 64 * 1024;
    let mut bytes = Vec::new();
    // Whatever was read before an error counts, as in pprof.
    let _ = reader.read_to_end(&mut bytes);
    let mut lines = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if line.len() >= MAX_LINE {
            break;
        }
        lines.push(line.strip_suffix(b"\r").unwrap_or(line).to_vec());
        rest = next;
    }
    lines
}

/// Go's text for an error from `os.Open` (the lower-cased C library text,
/// without Rust's `(os error N)`).
fn go_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn path_of(bytes: &[u8]) -> PathBuf {
    Path::new(OsStr::from_bytes(bytes)).to_path_buf()
}

/// Go's `filepath.Join(dir, name)`: cleaned, empty parts left out.
fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    match (dir.is_empty(), name.is_empty()) {
        (true, true) => Vec::new(),
        (true, false) => gopath::clean(name),
        (false, true) => gopath::clean(dir),
        (false, false) => gopath::clean(&[dir, b"/", name].concat()),
    }
}

/// Go's `filepath.Dir`: everything before the last slash, cleaned.
fn dir_of(path: &[u8]) -> Vec<u8> {
    let end = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    gopath::clean(&path[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(source_path: &str, trim: &str) -> SourceSearch {
        SourceSearch::pprof(Some(source_path), Some(trim)).unwrap()
    }

    #[test]
    fn go_path_helpers() {
        assert_eq!(dir_of(b"nosuchdir"), b".");
        assert_eq!(dir_of(b"."), b".");
        assert_eq!(dir_of(b"/a/b"), b"/a");
        assert_eq!(dir_of(b"/a"), b"/");
        assert_eq!(dir_of(b"/"), b"/");
        assert_eq!(join(b"", b"x/y"), b"x/y");
        assert_eq!(join(b"/a/", b"./b"), b"/a/b");
    }

    #[test]
    fn relative_names_are_searched_in_every_parent() {
        let s = search("/a/b:rel", "");
        let got: Vec<String> = s
            .pprof_candidates(b"x/y.go")
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            got,
            [
                "/a/b/x/y.go",
                "/a/x/y.go",
                "/x/y.go",
                "rel/x/y.go",
                "x/y.go"
            ]
        );
    }

    #[test]
    fn misses_say_what_was_tried_in_pprofs_words() {
        let dir = std::env::temp_dir().join(format!("ppt-src-{}", std::process::id()));
        let s = search(dir.to_str().unwrap(), "/srv/shop");
        let miss = s.open(b"/srv/shop/main-ppt-test.go").unwrap_err();
        assert_eq!(miss.file, b"main-ppt-test.go");
        assert_eq!(
            miss.message,
            format!(
                "could not find file main-ppt-test.go on path {}",
                dir.display()
            )
        );
        assert_eq!(miss.tried[0], dir.join("main-ppt-test.go"));
        assert!(miss.tried.len() >= 2, "parents too: {:?}", miss.tried);

        let abs = search("nosuchdir", "")
            .open(b"/nonexistent-ppt/x.go")
            .unwrap_err();
        assert_eq!(
            abs.message,
            "open /nonexistent-ppt/x.go: no such file or directory"
        );
        assert_eq!(abs.tried, [PathBuf::from("/nonexistent-ppt/x.go")]);
    }

    #[test]
    fn go_roots_are_tried_only_when_asked() {
        let dir = std::env::temp_dir().join(format!("ppt-goroot-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/sort")).unwrap();
        std::fs::write(dir.join("src/sort/sort.go"), "package sort\n").unwrap();
        let name = b"/usr/local/go-elsewhere/src/sort/sort.go";
        let plain = search("nosuchdir", "");
        assert!(plain.open(name).is_err());
        let roots = GoRoots {
            goroot: Some(dir.clone()),
            module_cache: None,
        };
        let mut files = SourceFiles::new(plain.with_go_roots(roots));
        let file = files.get(name).unwrap();
        assert_eq!(file.path, dir.join("src/sort/sort.go"));
        assert_eq!(file.line(1), Some(&b"package sort"[..]));
        assert_eq!(file.line(2), None);
        assert_eq!(file.line(0), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn lines_split_like_bufio_scanner() {
        let lines = read_lines(&b"a\r\nb\n\nlast"[..]);
        assert_eq!(lines, [&b"a"[..], b"b", b"", b"last"]);
        assert!(read_lines(&b""[..]).is_empty());
        let long = [vec![b'x'; 64 * 1024], b"\nnext\n".to_vec()].concat();
        assert!(read_lines(&long[..]).is_empty());
        let fits = [b"a\n".to_vec(), vec![b'x'; 64 * 1024 - 1], b"\n".to_vec()].concat();
        assert_eq!(read_lines(&fits[..]).len(), 2);
    }
}
