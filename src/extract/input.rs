//! Whether a document is text at all: `extract` refuses binary input instead of reading
//! place names into noise (random bytes gave "Reth" and "Ee").
//!
//! A document is not text when it holds a NUL byte, or when more than
//! [`MAX_NOISE_PERCENT`] % of its bytes (and at least [`MIN_NOISE_BYTES`]) are invalid
//! UTF-8 or control characters other than tab, line feed, form feed and carriage return.
//! An ad saved in Latin-1 or Windows-1252 has an invalid byte per accented letter, well
//! under 1 % of Dutch text, so it is still read (with U+FFFD for those letters).

/// Share of noise bytes, in percent, above which a document is not text.
pub const MAX_NOISE_PERCENT: usize = 10;
/// Fewer noise bytes than this never make a document binary (`café` in Latin-1).
pub const MIN_NOISE_BYTES: usize = 4;

/// Why a document is not text; the `Display` text is Dutch, for the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotText {
    #[error("bevat een NUL-byte (op positie {at})")]
    Nul { at: usize },
    #[error(
        "{noise} van de {len} bytes zijn geen tekst (ongeldige UTF-8 of stuurtekens, meer dan {MAX_NOISE_PERCENT} %)"
    )]
    Noise { noise: usize, len: usize },
}

/// `Some(why)` when `bytes` is not a text document (see the module header).
pub fn not_text(bytes: &[u8]) -> Option<NotText> {
    if let Some(at) = memchr::memchr(0, bytes) {
        return Some(NotText::Nul { at });
    }
    let control =
        |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r')) || *b == 0x7f;
    let mut noise = 0;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                noise += valid.as_bytes().iter().filter(|b| control(b)).count();
                break;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                noise += valid.iter().filter(|b| control(b)).count();
                let bad = e.error_len().unwrap_or(after.len());
                noise += bad;
                rest = &after[bad..];
            }
        }
    }
    let len = bytes.len();
    (noise >= MIN_NOISE_BYTES && noise * 100 > len * MAX_NOISE_PERCENT)
        .then_some(NotText::Noise { noise, len })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes from a fixed linear congruential generator: "random" binary, reproducible.
    fn noise(n: usize, mut seed: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 56) as u8
            })
            .collect()
    }

    #[test]
    fn text_in_any_script_and_latin1_ads_are_text() {
        let ad = "Nieuw in Rotterdam! Bel 06-12345678.\r\n\tCafé, Zalné, 📍 Düsseldorf\x0c";
        assert_eq!(not_text(ad.as_bytes()), None);
        // Windows-1252: one invalid byte per accented letter.
        let latin1 = b"Nieuw in Zaln\xe9! Caf\xe9 \x93gezellig\x94, lieve dame uit Crevecoeur. \
            Bel voor een afspraak, ook in het weekend. Tot snel!";
        assert_eq!(not_text(latin1), None);
        assert_eq!(not_text(b""), None);
    }

    #[test]
    fn binary_input_is_not_text() {
        for seed in 1..20 {
            let b = noise(4096, seed);
            assert!(not_text(&b).is_some(), "seed {seed}");
        }
        // No NUL, but invalid UTF-8 throughout.
        let high: Vec<u8> = noise(4096, 7).into_iter().map(|b| b | 0x80).collect();
        assert!(matches!(not_text(&high), Some(NotText::Noise { .. })));
        assert_eq!(
            not_text(b"Rotterdam\0Reth"),
            Some(NotText::Nul { at: 9 }),
            "one NUL byte is enough"
        );
        // Control characters count as noise too.
        let ctl = "Ee\x01Reth\x02 ".repeat(50);
        assert!(matches!(
            not_text(ctl.as_bytes()),
            Some(NotText::Noise { .. })
        ));
    }
}
