//! How `-dot` writes names: pprof's `ShortenFunctionName`, its node labels
//! on several lines, and Graphviz escaping.

use crate::analysis::{NodeId, NodeTable};
use crate::gopath;
use crate::profile::Profile;
use regex::bytes::Regex;
use std::sync::OnceLock;

/// pprof's `escapeForDot`: backslashes and double quotes escaped, newlines
/// become Graphviz's left-justified line break `\l`.
pub fn escape_for_dot(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 8);
    for &b in text {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\l"),
            _ => out.push(b),
        }
    }
    out
}

struct Shorteners {
    cpp_anonymous_prefix: Regex,
    go_version: Regex,
    /// Go, Java and C++ names, tried in this order.
    shorten: [Regex; 3],
}

fn shorteners() -> &'static Shorteners {
    static SHORTENERS: OnceLock<Shorteners> = OnceLock::new();
    SHORTENERS.get_or_init(|| {
        // pprof's patterns, with Go's ASCII-only \w and byte-wise `.`.
        let re = |p: &str| Regex::new(&format!("(?-u){p}")).expect("pprof's name patterns compile");
        Shorteners {
            cpp_anonymous_prefix: re(r"^\(anonymous namespace\)::"),
            go_version: re(r"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$"),
            shorten: [
                re(r"^(?:[\w\-\.]+/)+(.+)"),
                re(r"^(?:[a-z]\w*\.)*([A-Z][\w$]*\.(?:<init>|[a-z][\w$]*(?:\$\d+)?))(?:\(|$)"),
                re(r"^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)"),
            ],
        }
    })
}

/// pprof's `ShortenFunctionName`: `encoding/json.Marshal` -> `json.Marshal`,
/// Java packages and C++ namespaces dropped, module versions removed.
pub fn shorten_function_name(name: &[u8]) -> Vec<u8> {
    let s = shorteners();
    let name = s.cpp_anonymous_prefix.replace_all(name, &b""[..]);
    let name = s
        .go_version
        .replace_all(&name, &b"${1}${2}"[..])
        .into_owned();
    for re in &s.shorten {
        if let Some(caps) = re.captures(&name)
            && let Some(group) = caps.get(1)
        {
            return group.as_bytes().to_vec();
        }
    }
    name
}

/// pprof's `multilinePrintableName`: the node's name components one per
/// line (`\n`), the function name shortened and split at `::` and `.`
/// (Go's `[...]` kept), the file as its base name; ends in `\n`.
pub fn multiline_name(table: &NodeTable, node: NodeId, profile: &Profile) -> Vec<u8> {
    let info = table.info(node);
    let mut name = escape_for_dot(&shorten_function_name(profile.strings.get(info.name)));
    name = replace(&name, b"::", b"\\n");
    name = replace(&name, b"[...]", "[…]".as_bytes());
    name = replace(&name, b".", b"\\n");
    let file = table.file(node);
    let file = if file.is_empty() {
        file
    } else {
        gopath::base(file)
    };
    let mut parts: Vec<Vec<u8>> = Vec::with_capacity(3);
    if info.address != 0 {
        parts.push(format!("{:016x}", info.address).into_bytes());
    }
    if !name.is_empty() {
        parts.push(name.clone());
    }
    if info.line != 0 {
        parts.push([file, format!(":{}", info.line).as_bytes()].concat());
    } else if !file.is_empty() {
        parts.push(file.to_vec());
    } else if !name.is_empty() {
        // The name alone.
    } else if !info.objfile.is_empty() {
        let binary = gopath::base(profile.strings.get(info.objfile));
        parts.push([b"[", binary, b"]"].concat());
    } else {
        parts.push(b"<unknown>".to_vec());
    }
    let mut out = parts.join(&b"\\n"[..]);
    out.extend_from_slice(b"\\n");
    out
}

fn replace(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(name: &str) -> String {
        String::from_utf8(shorten_function_name(name.as_bytes())).unwrap()
    }

    #[test]
    fn shortens_like_pprof() {
        // Cases from pprof's graph tests.
        for (input, want) in [
            ("util.(*MyType).Method", "util.(*MyType).Method"),
            (
                "github.com/blah/blah/vendor/util.(*MyType).Method",
                "util.(*MyType).Method",
            ),
            ("foo/bar/v4.(*MyType).Method", "bar.(*MyType).Method"),
            ("foo/bar/v2.Func", "bar.Func"),
            ("github.com/blah/v2/blah.Func", "blah.Func"),
            ("encoding/json.Marshal", "json.Marshal"),
            (
                "java.util.concurrent.ThreadPoolExecutor$Worker.run",
                "ThreadPoolExecutor$Worker.run",
            ),
            ("java.bar.foo.FooBar.run(java.lang.Runnable)", "FooBar.run"),
            ("(anonymous namespace)::Bar::Foo", "Bar::Foo"),
            (
                "cpp::namespace::Class::method()::$_100::operator()",
                "Class::method",
            ),
            ("foo::bar::Baz::~Baz", "Baz::~Baz"),
            ("main.main", "main.main"),
            ("", ""),
        ] {
            assert_eq!(short(input), want, "{input}");
        }
    }

    #[test]
    fn escapes_for_graphviz() {
        assert_eq!(escape_for_dot(b"a\\b\"c\nd"), b"a\\\\b\\\"c\\ld");
    }
}
