//! Where a Go installation keeps the sources a Go binary's profile names:
//! the standard library under `$GOROOT/src`, modules under the module cache.
//!
//! pprof 1.19 does not look there; the explorer's source view does, after
//! pprof's own places, so a profile of a Go program built elsewhere still
//! finds `sort/sort.go` or `github.com/x/y@v1.2.3/z.go` on this machine.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The Go source roots of this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoRoots {
    /// `$GOROOT`: the standard library is under its `src/`.
    pub goroot: Option<PathBuf>,
    /// The module cache: `$GOMODCACHE`, else the first `$GOPATH` entry's
    /// `pkg/mod`, else `~/go/pkg/mod`.
    pub module_cache: Option<PathBuf>,
}

impl GoRoots {
    /// The roots named by the environment (`GOROOT`, `GOMODCACHE`, `GOPATH`,
    /// `HOME`); `env` looks a variable up (empty counts as unset).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> GoRoots {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        let module_cache = var("GOMODCACHE").map(PathBuf::from).or_else(|| {
            let gopath = var("GOPATH")
                .and_then(|p| p.split(':').next().map(PathBuf::from))
                .filter(|p| !p.as_os_str().is_empty())
                .or_else(|| var("HOME").map(|h| Path::new(&h).join("go")))?;
            Some(gopath.join("pkg/mod"))
        });
        GoRoots {
            goroot: var("GOROOT").map(PathBuf::from),
            module_cache,
        }
    }

    /// [`GoRoots::from_env`] on the process environment; when `GOROOT` is
    /// not set, asks `go env GOROOT` (if Go is installed), as Go tools
    /// find their root from where `go` lives.
    pub fn discover() -> GoRoots {
        let mut roots = GoRoots::from_env(|name| std::env::var(name).ok());
        if roots.goroot.is_none() {
            roots.goroot = std::process::Command::new("go")
                .args(["env", "GOROOT"])
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| o.stdout.trim_ascii().to_vec())
                .filter(|p| !p.is_empty())
                .map(|p| PathBuf::from(OsStr::from_bytes(&p)));
        }
        roots
    }

    /// Where `file`, as a Go build recorded it, may be under these roots,
    /// most likely first: an absolute path's part after `/pkg/mod/` in the
    /// module cache and after each `/src/` in `$GOROOT/src`; a relative
    /// path (a `-trimpath` build) with a `module@version` in the module
    /// cache (case-escaped as the cache stores it), else in `$GOROOT/src`.
    pub fn candidates(&self, file: &[u8]) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let under = |root: &Option<PathBuf>, sub: &str, rest: &[u8], out: &mut Vec<PathBuf>| {
            if let Some(root) = root
                && !rest.is_empty()
            {
                out.push(root.join(sub).join(OsStr::from_bytes(rest)));
            }
        };
        if file.starts_with(b"/") {
            if let Some(i) = rfind(file, b"/pkg/mod/") {
                under(&self.module_cache, "", &file[i + 9..], &mut out);
            }
            let mut from = 0;
            while let Some(i) = find(&file[from..], b"/src/") {
                under(&self.goroot, "src", &file[from + i + 5..], &mut out);
                from += i + 1;
            }
        } else if file.contains(&b'@') {
            under(&self.module_cache, "", &escape_module_part(file), &mut out);
        } else {
            under(&self.goroot, "src", file, &mut out);
        }
        out
    }
}

/// The module cache's case encoding (`golang.org/x/mod/module.EscapePath`)
/// of the `module@version` part of `file`: an upper-case letter becomes `!`
/// and its lower case. The file's path inside the module stays as it is.
fn escape_module_part(file: &[u8]) -> Vec<u8> {
    let at = file.iter().position(|&b| b == b'@').unwrap_or(0);
    let end = file[at..]
        .iter()
        .position(|&b| b == b'/')
        .map_or(file.len(), |i| at + i);
    let mut out = Vec::with_capacity(file.len() + 4);
    for &b in &file[..end] {
        if b.is_ascii_uppercase() {
            out.push(b'!');
            out.push(b.to_ascii_lowercase());
        } else {
            out.push(b);
        }
    }
    out.extend_from_slice(&file[end..]);
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots() -> GoRoots {
        GoRoots {
            goroot: Some("/opt/go".into()),
            module_cache: Some("/home/u/go/pkg/mod".into()),
        }
    }

    #[test]
    fn environment_decides_the_roots() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let r = GoRoots::from_env(env(&[
            ("GOROOT", "/g"),
            ("GOMODCACHE", "/m"),
            ("HOME", "/h"),
        ]));
        assert_eq!(r.goroot, Some("/g".into()));
        assert_eq!(r.module_cache, Some("/m".into()));
        let r = GoRoots::from_env(env(&[("GOPATH", "/p1:/p2"), ("HOME", "/h")]));
        assert_eq!(r.goroot, None);
        assert_eq!(r.module_cache, Some("/p1/pkg/mod".into()));
        let r = GoRoots::from_env(env(&[("GOMODCACHE", ""), ("HOME", "/h")]));
        assert_eq!(r.module_cache, Some("/h/go/pkg/mod".into()));
        assert_eq!(GoRoots::from_env(env(&[])), GoRoots::default());
    }

    #[test]
    fn candidates_for_recorded_paths() {
        let r = roots();
        let c = |f: &str| -> Vec<String> {
            r.candidates(f.as_bytes())
                .into_iter()
                .map(|p| p.display().to_string())
                .collect()
        };
        assert_eq!(
            c("/usr/local/go/src/sort/sort.go"),
            ["/opt/go/src/sort/sort.go"]
        );
        assert_eq!(
            c("/build/src/go/src/sort/sort.go"),
            [
                "/opt/go/src/go/src/sort/sort.go",
                "/opt/go/src/sort/sort.go"
            ]
        );
        assert_eq!(
            c("/home/builder/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/decode.go"),
            ["/home/u/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/decode.go",]
        );
        assert_eq!(
            c("github.com/BurntSushi/toml@v1.2.0/Decode.go"),
            ["/home/u/go/pkg/mod/github.com/!burnt!sushi/toml@v1.2.0/Decode.go"]
        );
        assert_eq!(c("runtime/proc.go"), ["/opt/go/src/runtime/proc.go"]);
        assert!(GoRoots::default().candidates(b"sort/sort.go").is_empty());
    }
}
