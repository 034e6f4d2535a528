//! One GET of a profile: bounded in time and size, with errors that say what
//! went wrong (refused, timed out, the server's own explanation).

use super::{FetchError, Remote};
use crate::safe_text;
use std::io::{ErrorKind, Read};

/// How much of an error body is read to find its first line.
const ERROR_BODY_LIMIT: u64 = 4096;
/// How much of that first line is shown.
const ERROR_LINE_CHARS: usize = 300;

/// Fetches the bytes at `remote`, exactly as the server sent them (no
/// `Accept-Encoding` is sent and nothing is decoded), refusing bodies larger
/// than `max_size` bytes.
pub fn get(remote: &Remote, max_size: u64) -> Result<Vec<u8>, FetchError> {
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(remote.insecure)
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(remote.deadline()))
        .http_status_as_error(false)
        .tls_config(tls)
        .user_agent(concat!("ppt/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let classify = |e| classify(e, remote);
    let mut response = agent.get(&remote.url).call().map_err(classify)?;
    let status = response.status();
    if status != ureq::http::StatusCode::OK {
        let status_text = match status.canonical_reason() {
            Some(reason) => format!("{} {reason}", status.as_u16()),
            None => status.as_u16().to_string(),
        };
        let html = response
            .headers()
            .get(ureq::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("html"));
        let message = if html {
            None
        } else {
            first_line(response.body_mut().as_reader())
        };
        return Err(FetchError::Status {
            status: status_text,
            message,
        });
    }
    let declared = response
        .headers()
        .get(ureq::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > max_size) {
        return Err(FetchError::TooLarge { limit: max_size });
    }
    response
        .body_mut()
        .with_config()
        .limit(max_size)
        .read_to_vec()
        .map_err(classify)
}

/// The first non-blank line of a short text body, escaped for a terminal.
fn first_line(reader: impl Read) -> Option<String> {
    let mut head = Vec::new();
    reader.take(ERROR_BODY_LIMIT).read_to_end(&mut head).ok();
    let line = head
        .split(|&b| b == b'\n')
        .map(|l| l.trim_ascii())
        .find(|l| !l.is_empty())?;
    let mut text = safe_text::escape(line);
    if text.chars().count() > ERROR_LINE_CHARS {
        text = text.chars().take(ERROR_LINE_CHARS).collect::<String>() + "...";
    }
    Some(text)
}

fn classify(error: ureq::Error, remote: &Remote) -> FetchError {
    match error {
        ureq::Error::Timeout(_) => FetchError::Timeout {
            timeout: remote.timeout,
        },
        ureq::Error::HostNotFound => FetchError::HostNotFound {
            host: remote.host().to_string(),
            detail: "no address".into(),
        },
        ureq::Error::BodyExceedsLimit(limit) => FetchError::TooLarge { limit },
        ureq::Error::Io(e) => match e.kind() {
            ErrorKind::ConnectionRefused => FetchError::ConnectionRefused {
                authority: remote.host_port().to_string(),
            },
            ErrorKind::TimedOut | ErrorKind::WouldBlock => FetchError::Timeout {
                timeout: remote.timeout,
            },
            // rustls reports handshake and certificate failures as
            // invalid data on the connection.
            ErrorKind::InvalidData if remote.url.starts_with("https:") => tls(e.to_string()),
            ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset => FetchError::Transport(
                format!("the connection closed before the whole response arrived ({e})"),
            ),
            // The resolver's failure, as std words it.
            _ if e.to_string().contains("failed to lookup address") => FetchError::HostNotFound {
                host: remote.host().to_string(),
                detail: e.to_string(),
            },
            _ => FetchError::Transport(e.to_string()),
        },
        ureq::Error::Tls(e) => tls(e.to_string()),
        ureq::Error::Rustls(e) => tls(e.to_string()),
        ureq::Error::Pem(e) => tls(format!("{e:?}")),
        ureq::Error::BadUri(e) => FetchError::BadUrl(format!("bad URL: {e}")),
        ureq::Error::Http(e) => FetchError::BadUrl(format!("bad URL: {e}")),
        e => FetchError::Transport(e.to_string()),
    }
}

/// A TLS failure; a certificate that does not check out gets a hint.
fn tls(message: String) -> FetchError {
    if message.contains("certificate") {
        FetchError::Tls(format!(
            "{message} (to skip the certificate check, as pprof, use https+insecure://)"
        ))
    } else {
        FetchError::Tls(message)
    }
}
