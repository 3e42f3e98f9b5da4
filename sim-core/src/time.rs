//! Simulated time: integer milliseconds since the start of the run.
//!
//! Integer time keeps event order exact and identical on every platform;
//! one millisecond is finer than any AWS latency the model uses.

/// A point in simulated time, in milliseconds since the run started.
pub type SimTime = u64;

/// Milliseconds per second.
pub const SECOND: SimTime = 1_000;
/// Milliseconds per minute.
pub const MINUTE: SimTime = 60 * SECOND;
/// Milliseconds per hour.
pub const HOUR: SimTime = 60 * MINUTE;
/// Milliseconds per day.
pub const DAY: SimTime = 24 * HOUR;

/// Formats a simulated time as `d hh:mm:ss` (days only when non-zero).
pub fn format_clock(t: SimTime) -> String {
    let s = t / SECOND;
    let (d, h, m, s) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    if d > 0 { format!("{d}d {h:02}:{m:02}:{s:02}") } else { format!("{h:02}:{m:02}:{s:02}") }
}

/// Parses a duration into seconds: `600`, `30s`, `10m`, `2h`, `7d` (a space
/// and the words `sec`, `min`, `hour`, `day` and their plurals allowed),
/// or a clock as [`format_clock`] writes one: `01:30`, `00:02:00`,
/// `1d 02:00:00`.
pub fn parse_duration_s(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let too_long = || format!("{text:?} is too long");
    if text.contains(':') {
        return parse_clock_s(text)?.ok_or_else(too_long);
    }
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number.parse().map_err(|_| {
        format!("{text:?} is not a duration; use e.g. 600, 30s, 10m, 2h, 7d or 01:30:00")
    })?;
    let scale = match unit.trim_start() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        _ => return Err(format!("unknown unit {unit:?} in {text:?}; use s, m, h or d")),
    };
    n.checked_mul(scale).ok_or_else(too_long)
}

/// A clock, `mm:ss` or `hh:mm:ss` after an optional `Nd `, in seconds
/// (`None` if it overflows).
fn parse_clock_s(text: &str) -> Result<Option<u64>, String> {
    let bad = || {
        format!("{text:?} is not a time; write it as the clock does, e.g. 00:02:00 or 1d 02:00:00")
    };
    let (days, clock) = match text.split_once('d') {
        Some((d, rest)) => (d.trim().parse::<u64>().map_err(|_| bad())?, rest.trim()),
        None => (0, text),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |p: &str| {
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u64>().ok())
            .flatten()
            .ok_or_else(bad)
    };
    let (h, m, s) = match parts.as_slice() {
        [m, s] => (0, number(m)?, number(s)?),
        [h, m, s] => (number(h)?, number(m)?, number(s)?),
        _ => return Err(bad()),
    };
    // Minutes and seconds are a clock's; hours too once days are given.
    if s >= 60 || (parts.len() == 3 && m >= 60) || (days > 0 && h >= 24) {
        return Err(bad());
    }
    Ok(days
        .checked_mul(86_400)
        .and_then(|d| d.checked_add(h.checked_mul(3_600)?))
        .and_then(|t| t.checked_add(m.checked_mul(60)? + s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_units_words_and_the_clock_s_own_format() {
        for (text, seconds) in [
            ("600", 600),
            ("30s", 30),
            ("10m", 600),
            ("2 hours", 7_200),
            ("5 min", 300),
            ("7d", 604_800),
            ("01:30", 90),
            ("00:02:00", 120),
            ("26:00:00", 93_600),
            ("1d 02:00:00", 93_600),
        ] {
            assert_eq!(parse_duration_s(text), Ok(seconds), "{text}");
        }
        // Every clock the app shows reads back as its time.
        for t in [0, 59_000, 3_599_000, 86_400_000, 90_061_000] {
            assert_eq!(parse_duration_s(&format_clock(t)), Ok(t / SECOND), "{t}");
        }
        assert!(parse_duration_s("10 weeks").unwrap_err().contains("unknown unit"));
        for bad in ["1:60", "00:61:00", "1d 25:00:00", "1::2", "a:b", ":30"] {
            assert!(parse_duration_s(bad).unwrap_err().contains("not a time"), "{bad}");
        }
    }
}
