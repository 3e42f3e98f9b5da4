//! Numbers formatted for people: units, thousands separators, short scales.
//! Pure functions, tested natively.

/// `1,234` / `12.3k` / `4.56M` style counts.
pub fn count(n: f64) -> String {
    let a = n.abs();
    if a < 10_000.0 {
        group_thousands(n.round())
    } else if a < 1e6 {
        format!("{:.1}k", n / 1e3)
    } else if a < 1e9 {
        format!("{:.2}M", n / 1e6)
    } else {
        format!("{:.2}B", n / 1e9)
    }
}

/// Records per second.
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

/// A duration in milliseconds: `850 ms`, `1.2 s`, `3.5 min`, `2.0 h`.
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

/// US dollars with precision that suits the amount.
pub fn usd(v: f64) -> String {
    if v == 0.0 {
        "$0".into()
    } else if v.abs() < 1.0 {
        format!("${v:.4}")
    } else if v.abs() < 1_000.0 {
        format!("${v:.2}")
    } else {
        format!("${}", group_thousands(v.round()))
    }
}

/// A share as a percentage: `87%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn group_thousands(n: f64) -> String {
    sim_core::validate::format_number(n.round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_use_separators_then_short_scales() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(1234.4), "1,234");
        assert_eq!(count(-9999.0), "-9,999");
        assert_eq!(count(12_345.0), "12.3k");
        assert_eq!(count(4_560_000.0), "4.56M");
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
    }

    #[test]
    fn dollars_keep_small_amounts_visible() {
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.0191), "$0.0191");
        assert_eq!(usd(83.483), "$83.48");
        assert_eq!(usd(12_345.6), "$12,346");
    }
}
