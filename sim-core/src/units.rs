//! Numbers for people: the one place the figures people read are formatted
//! (counts, dollars, bytes, rates and durations), shared by the app, the CLI
//! and the messages validation and lessons write.

/// A number quoted exactly, as messages quote values and ranges: whole
/// numbers with thousands separators (`10,000`), anything else in its
/// shortest exact form (`0.001`, `2.5`), so a message never rounds away the
/// value it is about.
pub fn format_number(value: f64) -> String {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() >= 1e15 {
        return value.to_string();
    }
    signed(value < 0.0, group_digits(&(value.abs() as u64).to_string()))
}

/// A quantity in a table: whole numbers with separators (rounded to whole
/// from 1,000 up), smaller fractions to at most four decimals (`0.3333`).
pub fn quantity(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value.abs() >= 1_000.0 || value.fract() == 0.0 {
        return format_number(value.round());
    }
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A count that fits a small read-out: `1,234`, then `12.3k`, `4.56M`, `7.89B`.
pub fn count(n: f64) -> String {
    let a = n.abs();
    if a < 10_000.0 {
        format_number(n.round())
    } else if a < 1e6 {
        format!("{:.1}k", n / 1e3)
    } else if a < 1e9 {
        format!("{:.2}M", n / 1e6)
    } else {
        format!("{:.2}B", n / 1e9)
    }
}

/// Records per second: `1,234 rec/s`.
pub fn rate(n: f64) -> String {
    format!("{} rec/s", count(n))
}

/// Bytes with binary prefixes (KiB, MiB, GiB), as AWS's limits use.
pub fn bytes(n: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n;
    let mut i = 0;
    while v.abs() >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 { format!("{v:.0} B") } else { format!("{v:.1} {}", UNITS[i]) }
}

/// A duration in milliseconds, in the unit that reads best: `850 ms`,
/// `1.2 s`, `3.5 min`, `2.0 h`.
pub fn millis(ms: f64) -> String {
    if ms < 1_000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.1} s", ms / 1e3)
    } else if ms < 3_600_000.0 {
        format!("{:.1} min", ms / 6e4)
    } else {
        format!("{:.1} h", ms / 3.6e6)
    }
}

/// A whole number of seconds in its largest exact unit: `600` is `10 min`,
/// `7200` is `2 h`, `90` stays `90 s`.
pub fn seconds(s: u64) -> String {
    match s {
        0 => "0 s".into(),
        s if s % 86_400 == 0 => format!("{} d", s / 86_400),
        s if s % 3_600 == 0 => format!("{} h", s / 3_600),
        s if s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

/// US dollars, always with cents and separators (`$12,345.60`); amounts
/// under a dollar keep four decimals (`$0.0191`), so the cost of a short run
/// does not round to nothing.
pub fn usd(v: f64) -> String {
    if !v.is_finite() {
        return format!("${v}");
    }
    let under_a_dollar = v != 0.0 && (v.abs() * 100.0).round() < 100.0;
    let text = format!("{:.*}", if under_a_dollar { 4 } else { 2 }, v.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    signed(v < 0.0, format!("${}.{cents}", group_digits(whole)))
}

/// A share as a percentage: `87%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// `1234567` -> `1,234,567` (a string of ASCII digits).
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn signed(negative: bool, text: String) -> String {
    if negative { format!("-{text}") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers_group_whole_values_and_keep_fractions_exact() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(10_000.0), "10,000");
        assert_eq!(format_number(-1_234_567.0), "-1,234,567");
        assert_eq!(format_number(0.001), "0.001");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(f64::INFINITY), "inf");
    }

    #[test]
    fn quantities_round_for_tables() {
        assert_eq!(quantity(1_004_669.0), "1,004,669");
        assert_eq!(quantity(1_234.56), "1,235");
        assert_eq!(quantity(0.333_333), "0.3333");
        assert_eq!(quantity(1.5), "1.5");
        assert_eq!(quantity(-500.0), "-500");
        assert_eq!(quantity(730.0), "730");
    }

    #[test]
    fn counts_use_separators_then_short_scales() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(1234.4), "1,234");
        assert_eq!(count(-9999.0), "-9,999");
        assert_eq!(count(12_345.0), "12.3k");
        assert_eq!(count(4_560_000.0), "4.56M");
        assert_eq!(rate(2_000.0), "2,000 rec/s");
    }

    #[test]
    fn bytes_use_binary_prefixes() {
        assert_eq!(bytes(512.0), "512 B");
        assert_eq!(bytes(1_048_576.0), "1.0 MiB");
        assert_eq!(bytes(1536.0), "1.5 KiB");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(millis(850.0), "850 ms");
        assert_eq!(millis(1_200.0), "1.2 s");
        assert_eq!(millis(210_000.0), "3.5 min");
        assert_eq!(millis(7_200_000.0), "2.0 h");
        assert_eq!(seconds(600), "10 min");
        assert_eq!(seconds(7_200), "2 h");
        assert_eq!(seconds(172_800), "2 d");
        assert_eq!(seconds(90), "90 s");
    }

    #[test]
    fn dollars_always_show_cents_and_keep_small_amounts_visible() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(0.0191), "$0.0191");
        assert_eq!(usd(0.999_96), "$1.00");
        assert_eq!(usd(83.483), "$83.48");
        assert_eq!(usd(12_345.6), "$12,345.60");
        assert_eq!(usd(-502.19), "-$502.19");
        assert_eq!(usd(1_000_000.0), "$1,000,000.00");
    }

    #[test]
    fn shares_are_whole_percentages() {
        assert_eq!(percent(0.873), "87%");
    }
}
