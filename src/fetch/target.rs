//! What a profile argument means when it is not an existing file: pprof's
//! `adjustURL` (Go 1.19, `cmd/pprof/pprof.go`), rule for rule.
//!
//! - `http://`, `https://` and `https+insecure://` (certificate not checked)
//!   URLs are fetched;
//! - anything else that looks like `host:port[/path]` (`localhost:6060`,
//!   `127.0.0.1:6060/debug/pprof/heap`, `[::1]:6060`) gets `http://` in front;
//! - an empty path or `/` becomes [`DEFAULT_PATH`], the CPU profile;
//! - `--seconds N` sets `seconds=N` in the query; without it a `seconds=` already
//!   in the URL still counts for the timeout;
//! - the timeout is `--timeout`, else 1.5 × seconds, else 60s; the request
//!   then gets [`GRACE`] more, as pprof gives it.
//!
//! Plain names (`heap.pprof`, `dir/heap`, `-`) are not URLs.

use super::FetchError;
use std::time::Duration;

/// The path a bare `host:port` gets: Go's CPU profile handler.
pub const DEFAULT_PATH: &str = "/debug/pprof/profile";

/// Added to the timeout for the whole request, as pprof does (`timeout +
/// 5*time.Second`): the server needs a moment beyond the profile's duration.
pub const GRACE: Duration = Duration::from_secs(5);

/// The timeout without `--timeout` or `seconds`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A profile to fetch over HTTP(S).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The URL to request (`https+insecure` already turned into `https`).
    pub url: String,
    /// The same URL as messages show it: a password replaced by `xxxxx`
    /// ([`redact`]).
    pub shown: String,
    /// `host:port` as written in the URL.
    pub authority: String,
    /// The profile's duration in seconds (`seconds=` in the query), if any.
    pub seconds: Option<u64>,
    /// pprof's timeout; the request may take this plus [`GRACE`].
    pub timeout: Duration,
    /// Skip the certificate check (`https+insecure://`).
    pub insecure: bool,
}

impl Remote {
    /// How long the whole request (connect, headers, body) may take.
    pub fn deadline(&self) -> Duration {
        self.timeout.saturating_add(GRACE)
    }

    /// `host:port` without the user information (`user:password@`).
    pub fn host_port(&self) -> &str {
        self.authority.rsplit('@').next().unwrap_or_default()
    }

    /// The host, without port or brackets.
    pub fn host(&self) -> &str {
        let hostport = self.host_port();
        if let Some(rest) = hostport.strip_prefix('[') {
            return rest.split(']').next().unwrap_or_default();
        }
        hostport.split(':').next().unwrap_or_default()
    }
}

/// Turns `source` into a URL to fetch as pprof would, or `None` when it is
/// not one (then it is a file name). `seconds` and `timeout` are `--seconds`
/// and `--timeout`; zero means unset, as in pprof.
pub fn adjust_url(
    source: &str,
    seconds: Option<u64>,
    timeout: Option<Duration>,
) -> Result<Option<Remote>, FetchError> {
    let Some((scheme, rest)) = split_url(source)? else {
        return Ok(None);
    };
    let (authority, rest) = split_authority(rest);
    if let Some(port) = port_of(authority).filter(|p| p.parse::<u16>().is_err() && !p.is_empty()) {
        return Err(FetchError::BadUrl(format!(
            "bad URL: port {port} is out of range (0 to 65535)"
        )));
    }
    let (rest, _fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = if path.is_empty() || path == "/" {
        DEFAULT_PATH
    } else {
        path
    };

    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let is_seconds = |p: &&str| p.split('=').next() == Some("seconds");
    let seconds_param;
    let seconds = match seconds.filter(|&s| s > 0) {
        Some(s) => {
            params.retain(|p| !is_seconds(p));
            seconds_param = format!("seconds={s}");
            params.push(&seconds_param);
            Some(s)
        }
        // pprof reads it as a 32-bit integer; a value it cannot read does
        // not count.
        None => params
            .iter()
            .find(|p| is_seconds(p))
            .and_then(|p| p.split_once('=')?.1.parse::<i32>().ok())
            .filter(|&s| s > 0)
            .map(|s| s as u64),
    };
    let timeout = match timeout.filter(|t| !t.is_zero()) {
        Some(t) => t,
        None => match seconds {
            Some(s) => Duration::from_secs(s) + Duration::from_secs(s) / 2,
            None => DEFAULT_TIMEOUT,
        },
    };

    let insecure = scheme == "https+insecure";
    let scheme = if insecure { "https" } else { scheme.as_str() };
    let mut url = format!("{scheme}://{authority}{path}");
    if !params.is_empty() {
        url.push('?');
        url.push_str(&params.join("&"));
    }
    Ok(Some(Remote {
        shown: redact(&url).into_owned(),
        url,
        authority: authority.to_string(),
        seconds,
        timeout,
        insecure,
    }))
}

/// `url` as messages show it: a password in it replaced by `xxxxx`, as Go's
/// `url.Redacted` does (`http://user:xxxxx@host/`), so that it is never
/// printed, in the `Fetching` line or an error. Anything else is unchanged.
pub fn redact(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let (authority, _) = split_authority(&url[start..]);
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return url.into();
    };
    let Some((user, _password)) = userinfo.split_once(':') else {
        return url.into();
    };
    let rest = &url[start + userinfo.len()..];
    format!("{}{user}:xxxxx{rest}", &url[..start]).into()
}

/// The port of an authority (`host:port`, `[::1]:port`), if one is
/// written.
fn port_of(authority: &str) -> Option<&str> {
    let hostport = authority.rsplit('@').next().unwrap_or_default();
    let after_host = match hostport.strip_prefix('[') {
        Some(rest) => rest.split_once(']')?.1,
        None => hostport.find(':').map_or("", |i| &hostport[i..]),
    };
    after_host.strip_prefix(':')
}

/// The scheme (lowercase) and what follows `scheme://`, or `None` for a
/// file name.
fn split_url(source: &str) -> Result<Option<(String, &str)>, FetchError> {
    if let Some((scheme, rest)) = split_scheme(source) {
        if let Some(rest) = rest.strip_prefix("//") {
            let scheme = scheme.to_ascii_lowercase();
            let (authority, _) = split_authority(rest);
            let web = matches!(scheme.as_str(), "http" | "https" | "https+insecure");
            if authority.is_empty() {
                // file:///x, or something else that names no host.
                return if web {
                    Err(FetchError::BadUrl(format!("no host in URL {source}")))
                } else {
                    Ok(None)
                };
            }
            if !web {
                return Err(FetchError::BadUrl(format!(
                    "cannot fetch {scheme}:// URLs; ppt fetches http://, https:// and https+insecure:// (no certificate check)"
                )));
            }
            return Ok(Some((scheme, rest)));
        }
        // Go parses `localhost:6060/x` as scheme `localhost`: pprof then
        // tries again with http:// in front.
        if scheme.eq_ignore_ascii_case("file") {
            return Ok(None);
        }
    } else {
        // No scheme: Go refuses a first path segment with a colon in it
        // (`127.0.0.1:6060`, `[::1]:6060`), and pprof tries again with
        // http://. Anything else is a path.
        let first_segment = source.split('/').next().unwrap_or_default();
        if !first_segment.contains(':') {
            return Ok(None);
        }
    }
    let (authority, _) = split_authority(source);
    Ok(valid_authority(authority).then(|| ("http".to_string(), source)))
}

/// `scheme` and the rest after `scheme:`, by RFC 3986 (a letter, then letters,
/// digits, `+`, `-`, `.`).
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some((scheme, rest))
}

/// Splits `host:port/path?query` after the authority.
fn split_authority(s: &str) -> (&str, &str) {
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    s.split_at(end)
}

/// Whether Go's URL parser would accept this authority: a non-empty host
/// and, after the last colon, an optional numeric port.
fn valid_authority(authority: &str) -> bool {
    let hostport = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        match rest.split_once(']') {
            Some((host, "")) => (host, ""),
            Some((host, after)) => match after.strip_prefix(':') {
                Some(port) => (host, port),
                None => return false,
            },
            None => return false,
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, port),
            None => (hostport, ""),
        }
    };
    !host.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(source: &str) -> Option<String> {
        adjust_url(source, None, None).unwrap().map(|r| r.url)
    }

    #[test]
    fn host_port_defaults_to_http_and_the_cpu_profile() {
        let cases = [
            (
                "localhost:6060",
                "http://localhost:6060/debug/pprof/profile",
            ),
            (
                "localhost:6060/",
                "http://localhost:6060/debug/pprof/profile",
            ),
            (
                "127.0.0.1:6060",
                "http://127.0.0.1:6060/debug/pprof/profile",
            ),
            ("[::1]:6060", "http://[::1]:6060/debug/pprof/profile"),
            (
                "localhost:6060/debug/pprof/heap",
                "http://localhost:6060/debug/pprof/heap",
            ),
            (
                "http://example.com",
                "http://example.com/debug/pprof/profile",
            ),
            (
                "http://example.com:8080/debug/pprof/heap?gc=1",
                "http://example.com:8080/debug/pprof/heap?gc=1",
            ),
            ("HTTPS://h/x", "https://h/x"),
            ("https+insecure://h:443/x", "https://h:443/x"),
            ("localhost:6060/x#frag", "http://localhost:6060/x"),
            ("host:/x", "http://host:/x"),
        ];
        for (source, want) in cases {
            assert_eq!(url(source).as_deref(), Some(want), "{source}");
        }
        assert!(
            adjust_url("https+insecure://h/x", None, None)
                .unwrap()
                .unwrap()
                .insecure
        );
    }

    #[test]
    fn file_names_are_not_urls() {
        for source in [
            "heap.pprof",
            "dir/heap.pprof",
            "/tmp/heap.pprof",
            "./localhost:6060",
            "-",
            "localhost",
            "localhost/debug/pprof/heap",
            "file:///tmp/heap.pprof",
            "file:heap.pprof",
            "heap:abc",
            "my file:1.pprof",
            "a:b:c",
            "[::1",
            "",
        ] {
            assert_eq!(url(source), None, "{source}");
        }
    }

    #[test]
    fn unfetchable_urls_are_errors() {
        let err = adjust_url("ftp://host/x", None, None).unwrap_err();
        assert!(err.to_string().contains("ftp://"), "{err}");
        let err = adjust_url("http:///x", None, None).unwrap_err();
        assert!(err.to_string().contains("no host"), "{err}");
    }

    #[test]
    fn seconds_go_into_the_query() {
        let r = adjust_url("localhost:6060", Some(30), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            r.url,
            "http://localhost:6060/debug/pprof/profile?seconds=30"
        );
        assert_eq!(r.seconds, Some(30));
        // Replaces a seconds= already there, keeps the rest.
        let r = adjust_url("h:1/debug/pprof/heap?seconds=5&gc=1", Some(10), None)
            .unwrap()
            .unwrap();
        assert_eq!(r.url, "http://h:1/debug/pprof/heap?gc=1&seconds=10");
        // Zero is unset, as in pprof.
        let r = adjust_url("h:1/x", Some(0), None).unwrap().unwrap();
        assert_eq!(r.url, "http://h:1/x");
        assert_eq!(r.seconds, None);
    }

    #[test]
    fn timeouts_follow_pprof() {
        let timeout = |source, seconds, timeout| {
            adjust_url(source, seconds, timeout)
                .unwrap()
                .unwrap()
                .timeout
        };
        let s = Duration::from_secs;
        assert_eq!(timeout("h:1", None, None), s(60));
        assert_eq!(timeout("h:1", Some(30), None), s(45));
        assert_eq!(timeout("h:1/x?seconds=10", None, None), s(15));
        assert_eq!(timeout("h:1/x?seconds=junk", None, None), s(60));
        assert_eq!(timeout("h:1", Some(30), Some(s(7))), s(7));
        assert_eq!(timeout("h:1", None, Some(s(0))), s(60));
        let r = adjust_url("h:1", None, Some(s(1))).unwrap().unwrap();
        assert_eq!(r.deadline(), s(6));
    }

    #[test]
    fn passwords_are_redacted_as_go_does() {
        let r = adjust_url("http://user:secret@h:1/x?seconds=1", None, None)
            .unwrap()
            .unwrap();
        assert_eq!(r.url, "http://user:secret@h:1/x?seconds=1");
        assert_eq!(r.shown, "http://user:xxxxx@h:1/x?seconds=1");
        assert_eq!(r.host_port(), "h:1");
        assert_eq!(redact("user:p:w@h:1/a@b"), "user:xxxxx@h:1/a@b");
        assert_eq!(redact("http://user@h:1/"), "http://user@h:1/");
        assert_eq!(redact("http://h:1/?a=b:c@d"), "http://h:1/?a=b:c@d");
        assert_eq!(redact("heap.pprof"), "heap.pprof");
    }

    #[test]
    fn ports_past_65535_are_bad_urls() {
        for source in [
            "localhost:70000",
            "http://h:65536/x",
            "[::1]:99999",
            "u:p@h:123456",
        ] {
            let err = adjust_url(source, None, None).unwrap_err();
            assert!(err.to_string().contains("out of range"), "{source}: {err}");
        }
        assert!(adjust_url("h:65535", None, None).unwrap().is_some());
        assert!(adjust_url("http://h/x", None, None).unwrap().is_some());
    }

    #[test]
    fn hosts() {
        let host = |source| adjust_url(source, None, None).unwrap().unwrap();
        assert_eq!(host("[::1]:6060").host(), "::1");
        assert_eq!(host("localhost:6060").host(), "localhost");
        assert_eq!(host("http://u:p@example.com:80/").host(), "example.com");
        assert_eq!(host("localhost:6060").authority, "localhost:6060");
    }
}
