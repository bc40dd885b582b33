//! Seconds as the lines spell them, by integer arithmetic where that gives
//! the same bytes: JSON's shortest form (what zmij, serde_json's float
//! printer, prints) and CSV's 9 decimals (what `{:.9}` prints).
//!
//! Capture times are whole microseconds or nanoseconds, and the float of
//! one (`ns as f64 / 1e9`) is the float nearest to that decimal. When the
//! float's spacing is finer than the decimal's last place, no other
//! decimal as short reads back as the same float, so the shortest form is
//! that decimal without its trailing zeros. The decimal is found, and then
//! checked by reading it back; any other float goes through zmij or `fmt`.

use super::block::Cursor;

/// 2^22: below it a float's spacing is at most 2^-31, finer than 1e-9.
const NANOS_BELOW: f64 = 4_194_304.0;
/// 2^32: below it a float's spacing is at most 2^-21, finer than 1e-6.
const MICROS_BELOW: f64 = 4_294_967_296.0;
/// zmij writes plain decimals (not `e` notation) from here on.
const PLAIN_FROM: f64 = 1e-5;
/// 2^53: below it every whole number is a float.
const WHOLE_BELOW: f64 = 9_007_199_254_740_992.0;

/// Appends `s` as JSON (a finite float; the caller writes `null` for the
/// others) exactly as `zmij::Buffer::format_finite` spells it.
#[inline(always)]
pub(crate) fn json_seconds(c: &mut Cursor, s: f64) {
    match short_decimal(s) {
        Some((n, places, scale)) => {
            c.u64(n / scale);
            c.put(b'.');
            let mut fraction = n % scale;
            if fraction == 0 {
                c.put(b'0');
            } else {
                let mut places = places;
                while fraction % 10 == 0 {
                    fraction /= 10;
                    places -= 1;
                }
                c.padded(fraction, places);
            }
        }
        None => c.put_slice(zmij::Buffer::new().format_finite(s).as_bytes()),
    }
}

/// `s` as `n / scale` (`scale` = 10^`places`, 9 or 6 places), when that
/// decimal is the shortest that reads back as `s` and zmij writes it
/// plainly.
#[inline(always)]
fn short_decimal(s: f64) -> Option<(u64, usize, u64)> {
    let (float_scale, places, scale) = if (PLAIN_FROM..NANOS_BELOW).contains(&s) {
        (1e9, 9, 1_000_000_000)
    } else if (NANOS_BELOW..MICROS_BELOW).contains(&s) {
        (1e6, 6, 1_000_000)
    } else {
        return None;
    };
    // The nearest whole number of units (a product off by one fails the
    // check below, and the float then goes the long way).
    let n = (s * float_scale + 0.5) as u64;
    // `n` is below 2^53, so `n as f64` is exact and the division rounds
    // once: this is the float nearest to n / scale.
    (n as f64 / float_scale == s).then_some((n, places, scale))
}

/// Appends `s` with 9 decimals exactly as `format!("{s:.9}")` does.
#[inline(always)]
pub(crate) fn csv_seconds(c: &mut Cursor, s: f64) {
    match nine_decimals(s) {
        Some((whole, billionths)) => {
            c.u64(whole);
            c.put(b'.');
            c.padded(billionths, 9);
        }
        None => c.detour(|c| {
            // Writing into the line cannot fail.
            let _ = std::fmt::Write::write_fmt(c, format_args!("{s:.9}"));
        }),
    }
}

/// A float from 0 up to 2^53 rounded to 9 decimals, half to even as `fmt`
/// rounds: its whole part and its billionths. The float is m * 2^e; its
/// fraction's bits times 10^9, shifted down, are the billionths, and the
/// bits shifted out decide the rounding.
#[inline]
fn nine_decimals(s: f64) -> Option<(u64, u64)> {
    if !(0.0..WHOLE_BELOW).contains(&s) || s.is_sign_negative() {
        return None;
    }
    let bits = s.to_bits();
    let biased = (bits >> 52) as i32;
    let stored = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (stored, -1074)
    } else {
        (stored | 1 << 52, biased - 1075)
    };
    if e >= 0 {
        return Some((m << e, 0));
    }
    let k = e.unsigned_abs();
    if k >= 128 {
        // Below 2^-75: rounds to zero.
        return Some((0, 0));
    }
    let m = u128::from(m);
    let whole = (m >> k) as u64;
    // Below 2^53 * 10^9 < 2^83: no overflow.
    let scaled = (m & ((1 << k) - 1)) * 1_000_000_000;
    let mut billionths = (scaled >> k) as u64;
    let rest = scaled & ((1 << k) - 1);
    let half = 1u128 << (k - 1);
    if rest > half || (rest == half && billionths & 1 == 1) {
        billionths += 1;
    }
    if billionths == 1_000_000_000 {
        return Some((whole + 1, 0));
    }
    Some((whole, billionths))
}

#[cfg(test)]
mod tests {
    use super::super::block::{Block, VALUE_ROOM};
    use super::*;
    use proptest::prelude::*;

    fn spelt(write: fn(&mut Cursor, f64), s: f64) -> String {
        let mut block = Block::new(0);
        let mut cursor = block.cursor(VALUE_ROOM);
        write(&mut cursor, s);
        block.keep(cursor);
        String::from_utf8(block.lines().to_vec()).unwrap()
    }

    fn agrees(s: f64) {
        if s.is_finite() {
            assert_eq!(
                spelt(json_seconds, s),
                zmij::Buffer::new().format_finite(s),
                "JSON of {s:e}"
            );
        }
        assert_eq!(spelt(csv_seconds, s), format!("{s:.9}"), "CSV of {s:e}");
    }

    /// The seconds of capture times as the records compute them.
    fn of_ns(ns: u64) -> f64 {
        ns as f64 / 1e9
    }

    #[test]
    fn edges_agree_with_zmij_and_fmt() {
        let mut values = vec![
            0.0,
            -0.0,
            1e-5,
            0.99e-5,
            1e-5 * (1.0 + f64::EPSILON),
            0.000_976_562_5,
            0.002_929_687_5,
            1_700_000_000.0 + 1.0 / 1024.0,
            0.5,
            1.0,
            NANOS_BELOW,
            NANOS_BELOW - 1e-9,
            MICROS_BELOW,
            MICROS_BELOW - 1e-6,
            WHOLE_BELOW,
            WHOLE_BELOW - 1.0,
            1e16,
            1e22,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.25,
            -1_700_000_000.5,
            0.999_999_999_5,
            0.999_999_999_4,
            9.999_999_999_5,
        ];
        for p in -12..=17 {
            let ten = 10f64.powi(p);
            values.extend([ten, ten * (1.0 - f64::EPSILON), ten * (1.0 + f64::EPSILON)]);
        }
        for ns in [
            1,
            999,
            1_000,
            10_000,
            100_000,
            1_700_000_000_000_100_000,
            1_700_000_000_123_456_789,
            1_700_000_000_999_999_000,
            u64::MAX,
        ] {
            values.push(of_ns(ns));
        }
        for s in values {
            agrees(s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// Microsecond capture times (pcap's usual resolution).
        #[test]
        fn microsecond_times_agree(us in 0u64..5_000_000_000_000_000) {
            let s = of_ns(us * 1000);
            agrees(s);
            // The long way is taken only where the float is not the one
            // nearest to the microseconds (`ns as f64` rounded first).
            if (PLAIN_FROM..MICROS_BELOW).contains(&s) && s == us as f64 / 1e6 {
                prop_assert!(short_decimal(s).is_some(), "{us} us");
            }
        }

        /// Nanosecond capture times, and short durations (round trips).
        #[test]
        fn nanosecond_times_agree(ns in any::<u64>(), short in 0u64..10_000_000_000) {
            agrees(of_ns(ns));
            agrees(of_ns(short));
        }

        /// Any float at all.
        #[test]
        fn any_float_agrees(bits in any::<u64>()) {
            agrees(f64::from_bits(bits));
        }
    }
}
