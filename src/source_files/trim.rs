//! pprof's `trimPath`: the file names a profile records, made relative to
//! where the sources are looked for.

/// pprof's `filepath.SplitList` on Unix: `:`-separated, nothing for an
/// empty string, empty entries kept.
pub fn split_list(list: &str) -> Vec<&str> {
    if list.is_empty() {
        Vec::new()
    } else {
        list.split(':').collect()
    }
}

/// pprof's `trimPath(path, trim_path, search_path)`.
///
/// Without a `trim_path`, a heuristic first: for each search directory
/// whose base name occurs in `path` as `/<base>/`, what follows its first
/// occurrence (`/usr/local/go/src/sort/x.go` under a directory named `go`
/// becomes `src/sort/x.go`). Then the first `trim_path` entry (with `/`
/// appended) that prefixes `path` is taken off, as are the prefixes Bazel
/// builds leave (`/proc/self/cwd/./`, `/proc/self/cwd/`).
pub fn trim_path<'a>(path: &'a [u8], trim_path: &str, search_path: &str) -> &'a [u8] {
    if trim_path.is_empty() {
        for dir in split_list(search_path) {
            let want = [b"/", crate::gopath::base(dir.as_bytes()), b"/"].concat();
            if let Some(found) = find(path, &want) {
                return &path[found + want.len()..];
            }
        }
    }
    let configured = split_list(trim_path);
    let prefixes = configured
        .iter()
        .map(|p| p.as_bytes())
        .chain([&b"/proc/self/cwd/./"[..], b"/proc/self/cwd/"]);
    for prefix in prefixes {
        let with_slash;
        let prefix = if prefix.ends_with(b"/") {
            prefix
        } else {
            with_slash = [prefix, b"/"].concat();
            &with_slash[..]
        };
        if let Some(rest) = path.strip_prefix(prefix) {
            return rest;
        }
    }
    path
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(path: &str, trim: &str, search: &str) -> String {
        String::from_utf8(trim_path(path.as_bytes(), trim, search).to_vec()).unwrap()
    }

    #[test]
    fn heuristic_keeps_what_follows_the_search_dirs_name() {
        assert_eq!(
            t("/usr/local/go/src/sort/x.go", "", "/home/me/go"),
            "src/sort/x.go"
        );
        // Only without a trim path.
        assert_eq!(
            t("/usr/local/go/src/sort/x.go", "/usr", "/home/me/go"),
            "local/go/src/sort/x.go"
        );
        // The first search dir that matches, at its first occurrence.
        assert_eq!(t("/a/b/a/c.go", "", "/x/zz:/y/a"), "b/a/c.go");
    }

    #[test]
    fn configured_and_bazel_prefixes() {
        assert_eq!(t("/srv/shop/main.go", "/srv/shop", ""), "main.go");
        assert_eq!(t("/srv/shop/main.go", "/srv/shop/", ""), "main.go");
        assert_eq!(
            t(
                "/usr/local/go/src/sort/x.go",
                "/srv/shop:/usr/local/go/src",
                ""
            ),
            "sort/x.go"
        );
        assert_eq!(t("/proc/self/cwd/./a.go", "", ""), "a.go");
        assert_eq!(t("/proc/self/cwd/a.go", "", ""), "a.go");
        // An empty entry is `/`: every absolute path loses its first slash.
        assert_eq!(t("/srv/x.go", "a::b", ""), "srv/x.go");
        assert_eq!(
            t("/srv/shop2/main.go", "/srv/shop", ""),
            "/srv/shop2/main.go"
        );
    }

    #[test]
    fn split_list_like_go() {
        assert!(split_list("").is_empty());
        assert_eq!(split_list("a::b"), ["a", "", "b"]);
    }
}
