//! Byte scanning: searches over ASCII bytes eight at a time (SWAR) that every scanner of
//! ad text uses to find digits, word ends and white space.

/// Eight bytes at a time (SWAR): `ONES * b` repeats byte `b`, `HIGH` is bit 7 of each.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// For eight bytes `x` (little-endian), bit 7 set in each byte that is ASCII in `lo..=hi`.
/// Per byte, for its low seven bits `v` (no carry crosses a byte): bit 7 of
/// `v + 0x80 - lo` is `v >= lo`, bit 7 of `v + 0x7f - hi` is `v > hi`.
#[inline]
pub(crate) fn swar_between(x: u64, lo: u8, hi: u8) -> u64 {
    let v = x & !HIGH;
    (v + ONES * u64::from(0x80 - lo)) & !(v + ONES * u64::from(0x7f - hi)) & !x & HIGH
}

/// The first byte of `b[i..]` for which `hit` (a SWAR test as [`swar_between`]) sets bit
/// 7, or `b.len()`; `byte` is the same test for one byte, used on the last few bytes.
#[inline]
pub(crate) fn swar_find(
    b: &[u8],
    mut i: usize,
    hit: impl Fn(u64) -> u64,
    byte: impl Fn(u8) -> bool,
) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let m = hit(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !byte(b[i]) {
        i += 1;
    }
    i
}

/// The first ASCII digit in `b[i..]`, or `b.len()`.
#[inline]
pub(crate) fn next_ascii_digit(b: &[u8], i: usize) -> usize {
    swar_find(
        b,
        i,
        |x| swar_between(x, b'0', b'9'),
        |c| c.is_ascii_digit(),
    )
}

/// The end of the run of ASCII other than white space at `b[i..]`: the first `k >= i`
/// where `b[k]` is white space (as `char::is_whitespace` sees ASCII) or not ASCII.
#[inline]
pub(super) fn visible_ascii_end(b: &[u8], i: usize) -> usize {
    let stop = |x: u64| swar_between(x, b'\t', b'\r') | swar_between(x, b' ', b' ') | (x & HIGH);
    swar_find(b, i, stop, |c| !c.is_ascii() || ascii_space(c))
}

/// ASCII white space as `char::is_whitespace` sees it (`u8::is_ascii_whitespace` leaves
/// out the vertical tab).
pub(crate) fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The end of the run of ASCII letters and digits at `b[i..]`: the first `k >= i` where
/// `b[k]` is no ASCII letter or digit. Every scanner of ad text looks for word ends; eight
/// bytes at a time instead of a byte loop that mispredicts once per word, as the standard
/// library has no such search (`memchr` finds given bytes, not a class).
#[inline]
pub(crate) fn ascii_alnum_end(b: &[u8], i: usize) -> usize {
    let alnum = |x: u64| swar_between(x, b'0', b'9') | swar_between(x | (ONES * 0x20), b'a', b'z');
    swar_find(b, i, |x| !alnum(x) & HIGH, |c| !c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    #[test]
    fn visible_ascii_end_agrees_with_a_byte_loop() {
        let slow = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii() && !char::from(b[i]).is_whitespace() {
                i += 1;
            }
            i
        };
        for stop in 0..=255u8 {
            for at in 0..19 {
                let mut b = vec![b'x'; 20];
                b[at] = stop;
                for from in [0, at, at + 1] {
                    assert_eq!(
                        super::visible_ascii_end(&b, from),
                        slow(&b, from),
                        "{b:?} {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn alnum_end_agrees_with_a_byte_loop() {
        // Every byte value in every position of an eight-byte chunk, after runs of every
        // length up to 17, so the chunked search and the tail loop both meet each one.
        let slow = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            i
        };
        let letters = b"aZ09mQ";
        for stop in 0..=255u8 {
            for run in 0..=17 {
                for tail in 0..3 {
                    let mut b: Vec<u8> = (0..run).map(|k| letters[k % letters.len()]).collect();
                    b.push(stop);
                    b.extend(std::iter::repeat_n(b'x', tail));
                    for from in 0..b.len() {
                        assert_eq!(
                            super::ascii_alnum_end(&b, from),
                            slow(&b, from),
                            "{b:?} from {from}"
                        );
                    }
                }
            }
        }
    }
}
