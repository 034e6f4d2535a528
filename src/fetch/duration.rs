//! Humane durations: `30s`, `2m`, `1h30m`, `500ms`, `1.5s`, or a bare number
//! of seconds (pprof's `-timeout 30`), within [`MAX_DURATION`].

use std::time::Duration;

/// The longest `--seconds`, `--timeout` or `--refresh` accepted: a week.
/// Longer makes no sense for a profile, and a bound keeps every deadline
/// computed from it (`now + timeout + grace`, `1.5 × seconds`) far from
/// overflowing.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);
/// A duration ppt cannot read; the message shows how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing but spaces.
    #[error("empty duration; write e.g. 30s, 2m or 1h30m")]
    Empty,
    /// Not a number with units, nor a number of seconds.
    #[error("bad duration {0:?}; write e.g. 30s, 2m, 1h30m or 500ms")]
    Bad(String),
    /// A refresh period of zero.
    #[error("the refresh period must be longer than zero")]
    ZeroRefresh,
    /// `--seconds` that is not a whole number.
    #[error("bad number of seconds {0:?}; write e.g. 30")]
    BadSeconds(String),
    /// `--seconds` longer than [`MAX_DURATION`].
    #[error("{} seconds is too long; the longest accepted is {} ({} seconds, a week)", .0, format_duration(MAX_DURATION), MAX_DURATION.as_secs())]
    TooManySeconds(u64),
    /// Longer than [`MAX_DURATION`].
    #[error("{} is too long; the longest accepted is {} (a week)", format_duration(*.0), format_duration(MAX_DURATION))]
    TooLong(Duration),
}

/// Parses a duration: one or more `NUMBER UNIT` parts (units `ms`, `s`, `m`,
/// `h`; the number may have a fraction), or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DurationError::Empty);
    }
    let bad = || DurationError::Bad(text.to_string());
    if let Ok(secs) = s.parse::<f64>() {
        return within_range(seconds(secs).ok_or_else(bad)?);
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if number_len == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match rest[..unit_len].to_ascii_lowercase().as_str() {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hrs" => 3600.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = total
            .checked_add(seconds(number * scale).ok_or_else(bad)?)
            .ok_or_else(bad)?;
    }
    within_range(total)
}

fn within_range(d: Duration) -> Result<Duration, DurationError> {
    if d > MAX_DURATION {
        return Err(DurationError::TooLong(d));
    }
    Ok(d)
}

/// Parses `--seconds`: a whole number of seconds, 0 (unset) to a week.
pub fn parse_seconds(text: &str) -> Result<u64, DurationError> {
    let secs: u64 = text
        .trim()
        .parse()
        .map_err(|_| DurationError::BadSeconds(text.to_string()))?;
    if secs > MAX_DURATION.as_secs() {
        return Err(DurationError::TooManySeconds(secs));
    }
    Ok(secs)
}

fn seconds(secs: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(secs).ok()
}

/// [`parse_duration`] for `--refresh`: a period of zero makes no sense.
pub fn parse_refresh(text: &str) -> Result<Duration, DurationError> {
    let d = parse_duration(text)?;
    if d.is_zero() {
        return Err(DurationError::ZeroRefresh);
    }
    Ok(d)
}

/// Formats a duration the humane way: `90s` is `1m30s`, `1.5s` stays `1.5s`.
pub fn format_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if !millis.is_multiple_of(1000) || millis == 0 {
        if millis < 1000 {
            return format!("{millis}ms");
        }
        return format!("{}s", d.as_secs_f64());
    }
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Duration {
        parse_duration(s).unwrap()
    }

    #[test]
    fn units_and_combinations() {
        assert_eq!(d("30s"), Duration::from_secs(30));
        assert_eq!(d("2m"), Duration::from_secs(120));
        assert_eq!(d("1h30m"), Duration::from_secs(5400));
        assert_eq!(d("1m30s"), Duration::from_secs(90));
        assert_eq!(d("500ms"), Duration::from_millis(500));
        assert_eq!(d("1.5s"), Duration::from_millis(1500));
        assert_eq!(d(" 10 "), Duration::from_secs(10));
        assert_eq!(d("2min"), Duration::from_secs(120));
        assert_eq!(d("0"), Duration::ZERO);
    }

    #[test]
    fn bare_numbers_are_seconds_as_in_pprof() {
        assert_eq!(d("30"), Duration::from_secs(30));
        assert_eq!(d("0.25"), Duration::from_millis(250));
    }

    #[test]
    fn nonsense_is_refused_with_an_example() {
        for bad in ["", "s", "abc", "10x", "-5s", "1.2.3s", "m5", "-1", "5 s"] {
            let err = parse_duration(bad).unwrap_err().to_string();
            assert!(err.contains("30s"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn longer_than_a_week_is_refused() {
        assert_eq!(d("168h"), MAX_DURATION);
        for long in [
            "168h1s",
            "9000000000000000s",
            "1e300",
            "99999999999999999999h",
        ] {
            let err = parse_duration(long).unwrap_err().to_string();
            assert!(
                err.contains("a week") || err.contains("30s"),
                "{long}: {err}"
            );
        }
        assert_eq!(parse_seconds("604800"), Ok(604_800));
        assert_eq!(parse_seconds("0"), Ok(0));
        for bad in [
            "604801",
            "9223372036854775807",
            "18446744073709551615",
            "-1",
            "x",
        ] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refresh_must_be_positive() {
        assert!(parse_refresh("0s").is_err());
        assert_eq!(parse_refresh("2m").unwrap(), Duration::from_secs(120));
    }

    #[test]
    fn formatting_round_trips() {
        for s in ["30s", "1m30s", "2h", "1h0m5s", "500ms", "1.5s"] {
            let again = format_duration(d(s));
            assert_eq!(d(&again), d(s), "{s} -> {again}");
        }
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_secs(65)), "1m5s");
        assert_eq!(format_duration(Duration::ZERO), "0ms");
    }
}
