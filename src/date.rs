//! Calendar dates as written in front matter and the dataset, parsed once into a type
//! (with `jiff` checking that the day exists) so nothing later slices or guesses at text.
//!
//! A date may be known to the day (`2025-04-25`), the month (`2023-04`) or only the year
//! (`2025`): facts carry the precision their source gives, no more.

use std::fmt;

/// How precisely a [`Date`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Precision {
    /// Only the year.
    Year,
    /// The year and month.
    Month,
    /// The exact day.
    Day,
}

/// A calendar date known to a [`Precision`]; ordered by time (a year sorts before its months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
}

impl Date {
    /// Parses a date known to the day: `YYYY-MM-DD`, optionally followed by a time
    /// (`T10:00:00Z` or ` 10:00`), which is dropped.
    pub(crate) fn parse_day(text: &str) -> Result<Date, String> {
        let day_part = text.split(['T', ' ']).next().unwrap_or(text);
        let date = Self::parse_partial(day_part)?;
        if date.precision() != Precision::Day {
            return Err(format!("date `{text}` must be written YYYY-MM-DD"));
        }
        Ok(date)
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub(crate) fn parse_partial(text: &str) -> Result<Date, String> {
        let bad = || format!("date `{text}` must be written YYYY-MM-DD, YYYY-MM or YYYY");
        let parts: Vec<&str> = text.split('-').collect();
        let widths_ok = matches!(parts.as_slice(), [y] | [y, _] | [y, _, _] if y.len() == 4)
            && parts[1..].iter().all(|p| p.len() == 2)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if !widths_ok {
            return Err(bad());
        }
        let number = |i: usize| parts.get(i).map(|p| p.parse::<i16>().map_err(|_| bad()));
        let year = number(0).ok_or_else(bad)??;
        let month = number(1).transpose()?;
        let day = number(2).transpose()?;
        // jiff knows which days exist (no 2025-02-30, no month 13).
        jiff::civil::Date::new(year, month.unwrap_or(1) as i8, day.unwrap_or(1) as i8)
            .map_err(|_| format!("date `{text}` does not exist"))?;
        Ok(Date {
            year,
            month: month.map(|m| m as i8),
            day: day.map(|d| d as i8),
        })
    }

    /// How precisely this date is known.
    pub(crate) fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }
}

impl fmt::Display for Date {
    /// The canonical form: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_precision_parses_and_prints_back() {
        for text in ["2025", "2023-04", "2025-04-25"] {
            assert_eq!(Date::parse_partial(text).unwrap().to_string(), text);
        }
        assert_eq!(
            Date::parse_partial("2023-04").unwrap().precision(),
            Precision::Month
        );
        assert!(Date::parse_partial("2023").unwrap() < Date::parse_partial("2023-01").unwrap());
    }

    #[test]
    fn a_day_date_may_carry_a_time_which_is_dropped() {
        let d = Date::parse_day("2025-06-15T10:00:00Z").unwrap();
        assert_eq!(d.to_string(), "2025-06-15");
        assert_eq!(Date::parse_day("2025-06-15 10:00").unwrap(), d);
        assert!(Date::parse_day("2025-06")
            .unwrap_err()
            .contains("YYYY-MM-DD"));
    }

    #[test]
    fn malformed_or_impossible_dates_are_errors_not_panics() {
        for bad in [
            "2025é-01-01",
            "15-06-2025",
            "2025-13-01",
            "2025-02-30",
            "2025-1-01",
            "",
            "é",
            "2025-01-01-01",
            "+025-01-01",
            "２０２５-01-01",
        ] {
            assert!(Date::parse_partial(bad).is_err(), "{bad}");
            assert!(Date::parse_day(bad).is_err(), "{bad}");
        }
    }
}
