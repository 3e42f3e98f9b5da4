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

/// Parses a duration such as `600`, `30s`, `10m`, `2h` or `7d` into seconds.
pub fn parse_duration_s(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration; use e.g. 600, 30s, 10m, 2h or 7d"))?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit {unit:?} in {text:?}; use s, m, h or d")),
    };
    n.checked_mul(scale).ok_or_else(|| format!("{text:?} is too long"))
}
