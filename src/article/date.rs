//! The two date forms articles may carry: RFC 3339 date-times and plain
//! `YYYY-MM-DD` dates. Hand-rolled because validating and ordering them is
//! all sorot needs, which does not justify a date crate.

/// True for an RFC 3339 date-time (`T`, `t` or a space between date and
/// time; fractional seconds; `Z` or a `±HH:MM` offset) or a `YYYY-MM-DD`
/// date, with every field in range (including leap days).
pub fn is_valid(s: &str) -> bool {
    parse(s).is_some()
}

/// Seconds since the Unix epoch, UTC, of a date [`is_valid`] accepts; a
/// bare date is its midnight UTC.
pub fn timestamp(s: &str) -> Option<i64> {
    let p = parse(s)?;
    let days = days_from_civil(p.year, p.month, p.day);
    Some(days * 86_400 + p.secs_of_day - p.offset_secs)
}

struct Parsed {
    year: i64,
    month: u32,
    day: u32,
    secs_of_day: i64,
    offset_secs: i64,
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

fn parse(s: &str) -> Option<Parsed> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i64::from(digits(&b[0..4])?);
    let month = digits(&b[5..7])?;
    let day = digits(&b[8..10])?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let mut p = Parsed {
        year,
        month,
        day,
        secs_of_day: 0,
        offset_secs: 0,
    };
    if b.len() == 10 {
        return Some(p);
    }
    // Time part: [Tt ]HH:MM:SS[.frac](Z|z|±HH:MM)
    if !matches!(b[10], b'T' | b't' | b' ') || b.len() < 20 || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let hour = digits(&b[11..13])?;
    let min = digits(&b[14..16])?;
    let sec = digits(&b[17..19])?;
    if hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    p.secs_of_day = i64::from(hour * 3600 + min * 60 + sec);
    match rest {
        [b'Z' | b'z'] => {}
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2])?;
            let om = digits(&[*m1, *m2])?;
            if oh > 23 || om > 59 {
                return None;
            }
            let off = i64::from(oh * 3600 + om * 60);
            p.offset_secs = if *sign == b'+' { off } else { -off };
        }
        _ => return None,
    }
    Some(p)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_forms() {
        for ok in [
            "2024-03-01",
            "2024-02-29",
            "2024-03-01T10:20:30Z",
            "2024-03-01t10:20:30z",
            "2024-03-01 10:20:30+07:00",
            "2024-03-01T10:20:30.123456-05:30",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "yesterday",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-1",
            "01/03/2024",
            "2024-03-01T10:20Z",
            "2024-03-01T25:00:00Z",
            "2024-03-01T10:20:30",
            "2024-03-01T10:20:30+0700",
            "2024-03-01T10:20:30.Z",
            "２０２４-03-01",
            "2024-03-01garbage",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_respect_offsets() {
        assert_eq!(timestamp("1970-01-01"), Some(0));
        assert_eq!(timestamp("1970-01-02T00:00:00Z"), Some(86_400));
        assert_eq!(timestamp("2000-03-01"), Some(951_868_800));
        assert_eq!(
            timestamp("2024-03-01T07:00:00+07:00"),
            timestamp("2024-03-01T00:00:00Z")
        );
    }
}
