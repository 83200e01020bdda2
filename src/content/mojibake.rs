//! Detection and exact repair of mojibake in Markdown notes.
//!
//! Some notes reach us after a lossy round trip: UTF-8 bytes were decoded
//! with the wrong code page (Windows-1252, or plain Latin-1) and the result
//! was saved again as UTF-8. Every non-ASCII character then turns into two
//! to four "upper half" characters, e.g. `┌──` becomes `â”Œâ”€â”€`, `’`
//! becomes `â€™`, `é` becomes `Ã©` and `🛡️` becomes `ðŸ›¡ï¸` (the last
//! one followed by an invisible U+008F).
//!
//! [`repair`] undoes that damage only when the repair is provably exact.
//! It maps each maximal run of code-page characters back to the bytes
//! they came from and checks whether those bytes are UTF-8. The whole
//! repaired text must then damage back into the input byte for byte.
//! Text that is already genuine UTF-8 is never changed. When a text looks
//! damaged but cannot be repaired exactly (for example because a
//! character was lost, or genuine and damaged text are mixed), the caller
//! gets [`Repair::Suspicious`] and should keep the original and warn.
//!
//! Both passes over the text run in linear time. Text with no upper-half
//! character at all takes a fast path that does not allocate.

/// Outcome of examining one text for mojibake.
///
/// The caller keeps the input unless it gets [`Repair::Repaired`], so a
/// wrong guess can never corrupt a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Repair {
    /// No sign of mis-decoding: keep the text as is.
    Clean,
    /// The text was UTF-8 decoded as Windows-1252/Latin-1; `text` is the exact repair.
    Repaired {
        /// The repaired text. Damaging it again reproduces the input exactly.
        text: String,
        /// How many runs of mis-decoded characters were replaced, for reporting.
        replaced: usize,
    },
    /// Looks mis-decoded but the repair is not provably exact; keep the original and warn.
    /// `offset` is the byte offset in the input of the first suspicious sequence.
    Suspicious {
        /// Byte offset in the input of the first character of the first
        /// sequence that looks like mis-decoded UTF-8, so that the warning
        /// can point at it.
        offset: usize,
    },
}

/// Windows-1252 decoding of bytes 0x80..=0x9F. The five bytes that
/// Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) fall back
/// to Latin-1 and become C1 controls, as most decoders produce them.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Decodes one byte the way Windows-1252 (with Latin-1 fallback) does.
fn cp1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// Decodes one byte the way Latin-1 (ISO-8859-1) does.
fn latin1_char(byte: u8) -> char {
    char::from(byte)
}

/// The byte that Windows-1252 or Latin-1 decoded into `c`, if any.
///
/// This is the membership test for a run as well as the reverse mapping.
/// U+0080..=U+00FF map to themselves, which covers Latin-1 and the upper
/// half of Windows-1252 (including C1 controls from undefined bytes); the
/// Windows-1252 specific characters map to their code-page byte. ASCII is
/// deliberately excluded: it is identical in every encoding involved.
fn damaged_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x80..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    let byte = match c {
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        _ => return None,
    };
    Some(byte)
}

/// Length of the UTF-8 sequence that `lead` starts, or 0 if `lead` is not
/// a multi-byte lead byte (0xC2..=0xF4).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// Whether `second` may follow `lead` in well-formed UTF-8. This includes
/// the narrower ranges that rule out overlong forms, surrogates and code
/// points above U+10FFFF, so that our scan agrees with `str::from_utf8`.
fn second_byte_ok(lead: u8, second: u8) -> bool {
    match lead {
        0xE0 => (0xA0..=0xBF).contains(&second),
        0xED => (0x80..=0x9F).contains(&second),
        0xF0 => (0x90..=0xBF).contains(&second),
        0xF4 => (0x80..=0x8F).contains(&second),
        _ => (0x80..=0xBF).contains(&second),
    }
}

/// What the scan of one run found.
#[derive(Debug, Default)]
struct RunScan {
    /// Index in the run of the first sequence that looks like mojibake.
    first_flagged: Option<usize>,
    /// A sequence started like mojibake but is incomplete.
    truncated: bool,
    /// Some byte is not part of any multi-byte sequence.
    stray: bool,
    /// Number of complete multi-byte sequences.
    sequences: usize,
}

impl RunScan {
    /// The run is nothing but complete multi-byte sequences, so it decodes
    /// as UTF-8 without loss.
    fn decodes_cleanly(&self) -> bool {
        self.sequences > 0 && !self.truncated && !self.stray
    }
}

/// Classifies the bytes behind one run.
///
/// A sequence "looks like mojibake" once a lead byte is followed by a byte
/// that is a valid second byte for it: `Ã©`, `â€`, `ðŸ`. A lead byte with
/// anything else after it (a lone `é` before ASCII, `Â` alone, `ß` in
/// `Größe`) is ordinary text.
fn scan_run(bytes: &[u8]) -> RunScan {
    let mut scan = RunScan::default();
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        let len = sequence_len(lead);
        let starts_sequence = len > 0 && bytes.get(i + 1).is_some_and(|&b| second_byte_ok(lead, b));
        if !starts_sequence {
            scan.stray = true;
            i += 1;
            continue;
        }
        scan.first_flagged.get_or_insert(i);
        let mut have = 2;
        while have < len && bytes.get(i + have).is_some_and(|&b| b & 0xC0 == 0x80) {
            have += 1;
        }
        if have == len {
            scan.sequences += 1;
        } else {
            scan.truncated = true;
        }
        i += have;
    }
    scan
}

/// Whether two adjacent characters of `input` map back to a UTF-8 lead byte and a valid
/// second byte for it: without such a pair no run holds a sequence, so the text is clean.
/// ASCII (most of any text) is skipped sixteen bytes at a time.
fn may_hold_sequence(input: &str) -> bool {
    let bytes = input.as_bytes();
    let (mut i, mut lead) = (0, None);
    while i < bytes.len() {
        if bytes.get(i..i + 16).is_some_and(<[u8]>::is_ascii) {
            (i, lead) = (i + 16, None);
            continue;
        }
        if bytes[i].is_ascii() {
            (i, lead) = (i + 1, None);
            continue;
        }
        let c = input[i..].chars().next().expect("a character starts here");
        let byte = damaged_byte(c);
        if let (Some(l), Some(b)) = (lead, byte) {
            if second_byte_ok(l, b) {
                return true;
            }
        }
        lead = byte.filter(|&b| sequence_len(b) > 0);
        i += c.len_utf8();
    }
    false
}

/// Whether damaging `repaired` (UTF-8 bytes decoded one by one with
/// `decode`) gives back exactly `input`. Streams; does not allocate.
fn redamages_to(repaired: &str, input: &str, decode: fn(u8) -> char) -> bool {
    let mut expected = input.chars();
    repaired
        .bytes()
        .all(|byte| expected.next() == Some(decode(byte)))
        && expected.next().is_none()
}

/// Examines `input` for UTF-8 that was mis-decoded as Windows-1252 or
/// Latin-1, and repairs it when the repair is provably exact.
///
/// The text is split into maximal runs of characters that either code
/// page can produce from a byte 0x80..=0xFF. Each run is mapped back to
/// those bytes and scanned as UTF-8:
///
/// * No run contains a multi-byte sequence: [`Repair::Clean`]. This
///   covers ordinary accented text such as `café`, `Größe` or a lone `Â`,
///   and any text without such characters (CJK, emoji, box drawing).
/// * A run starts a sequence that is cut short, for example `â€` where
///   the U+009D of `”` was dropped: [`Repair::Suspicious`]. A genuine
///   letter before a smart quote (`José’s`) looks the same and is also
///   reported, which is safe because the text is kept.
/// * Every run decodes cleanly and damaging the repaired text again gives
///   the input byte for byte (with Windows-1252, or with Latin-1 if the
///   input kept C1 controls): [`Repair::Repaired`].
/// * Otherwise, e.g. genuine non-ASCII text mixed with damaged text:
///   [`Repair::Suspicious`]. A repair is never partial.
///
/// The reported offset is that of the first sequence that looks like
/// mojibake. Runs in linear time.
pub(crate) fn repair(input: &str) -> Repair {
    if !may_hold_sequence(input) {
        return Repair::Clean;
    }

    let mut text = String::with_capacity(input.len());
    let mut replaced = 0;
    let mut first_flagged: Option<usize> = None;
    // The run being collected: its bytes, the input offset of each
    // character and the input offset where the run starts.
    let mut run_bytes: Vec<u8> = Vec::new();
    let mut run_offsets: Vec<usize> = Vec::new();
    let mut run_start = 0;
    let mut copied_to = 0;

    let mut chars = input.char_indices();
    loop {
        let next = chars.next();
        if let Some((offset, c)) = next {
            if let Some(byte) = damaged_byte(c) {
                if run_bytes.is_empty() {
                    text.push_str(&input[copied_to..offset]);
                    run_start = offset;
                }
                run_bytes.push(byte);
                run_offsets.push(offset);
                continue;
            }
        }
        // A run (if any) ends here: at a non-run character or the end.
        if !run_bytes.is_empty() {
            let run_end = next.map_or(input.len(), |(offset, _)| offset);
            let scan = scan_run(&run_bytes);
            if let Some(index) = scan.first_flagged {
                // Runs come in order, so the first one seen is the earliest.
                first_flagged.get_or_insert(run_offsets[index]);
            }
            if scan.truncated {
                // `first_flagged` is set: a truncated sequence is flagged,
                // and any earlier flag lies before it.
                return Repair::Suspicious {
                    offset: first_flagged.unwrap_or(run_start),
                };
            }
            match std::str::from_utf8(&run_bytes) {
                Ok(decoded) if scan.decodes_cleanly() => {
                    text.push_str(decoded);
                    replaced += 1;
                }
                // Left as is; the round-trip check below rejects the text
                // if it also contains mojibake.
                _ => text.push_str(&input[run_start..run_end]),
            }
            copied_to = run_end;
            run_bytes.clear();
            run_offsets.clear();
        }
        if next.is_none() {
            break;
        }
    }
    text.push_str(&input[copied_to..]);

    let Some(offset) = first_flagged else {
        return Repair::Clean;
    };
    if redamages_to(&text, input, cp1252_char) || redamages_to(&text, input, latin1_char) {
        Repair::Repaired { text, replaced }
    } else {
        Repair::Suspicious { offset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Simulates the damage: UTF-8 bytes decoded one by one.
    fn damage(text: &str, decode: fn(u8) -> char) -> String {
        text.bytes().map(decode).collect()
    }

    fn repaired(text: &str, replaced: usize) -> Repair {
        Repair::Repaired {
            text: text.to_owned(),
            replaced,
        }
    }

    #[test]
    fn reverse_table_matches_both_code_pages() {
        for byte in 0x80..=0xFFu8 {
            assert_eq!(damaged_byte(cp1252_char(byte)), Some(byte), "{byte:#x}");
            assert_eq!(damaged_byte(latin1_char(byte)), Some(byte), "{byte:#x}");
        }
        for byte in 0x00..0x80u8 {
            assert_eq!(damaged_byte(char::from(byte)), None);
        }
        let specials = CP1252_HIGH.iter().filter(|c| u32::from(**c) > 0xFF).count();
        assert_eq!(specials, 27);
    }

    #[test]
    fn only_a_lead_byte_followed_by_a_second_byte_needs_the_full_scan() {
        for clean in ["Ship it — done", "“a” b", "café", "× ©"] {
            assert!(!may_hold_sequence(clean), "{clean:?}");
        }
        for pair in ["Ã©", "â€™", "x Â£5", "0123456789abcdefÃ©"] {
            assert!(may_hold_sequence(pair), "{pair:?}");
        }
    }

    #[test]
    fn empty_is_clean() {
        assert_eq!(repair(""), Repair::Clean);
    }

    #[test]
    fn ascii_is_clean() {
        assert_eq!(
            repair("# Title\n\nPlain *ASCII* text, `code`.\n"),
            Repair::Clean
        );
    }

    #[test]
    fn genuine_utf8_is_clean() {
        let samples = [
            "café",
            "naïve",
            "Größe",
            "résumé",
            "£5",
            "×",
            "©",
            "Â",
            "é",
            "a é b",
            "SÃO PAULO",
            "中文文档",
            "😀 🛡️ ✅",
            "┌──┐\n│ x│\n└──┘",
            "Ship it — “done” … ’",
            "100 € per month",
        ];
        for sample in samples {
            assert_eq!(repair(sample), Repair::Clean, "{sample:?}");
        }
    }

    #[test]
    fn repairs_box_drawing() {
        assert_eq!(repair("â”Œâ”€â”€"), repaired("┌──", 1));
        let tree = "┌──┐\n│ab│\n└──┘\n├── src\n";
        let damaged = damage(tree, cp1252_char);
        assert!(damaged.contains("â”Œâ”€â”€â”\u{90}"));
        assert_eq!(repair(&damaged), repaired(tree, 5));
    }

    #[test]
    fn repairs_emoji_with_variation_selector() {
        assert_eq!(repair("ðŸ›¡ï¸\u{8F}"), repaired("🛡\u{FE0F}", 1));
        assert_eq!(
            repair("## ðŸ›¡ï¸\u{8F} Security"),
            repaired("## 🛡️ Security", 1)
        );
        assert_eq!(repair("ðŸ˜€"), repaired("😀", 1));
    }

    #[test]
    fn repairs_smart_quote() {
        assert_eq!(repair("â€™"), repaired("’", 1));
        assert_eq!(repair("Itâ€™s fine"), repaired("It’s fine", 1));
    }

    #[test]
    fn repairs_latin_letter() {
        assert_eq!(repair("Ã©"), repaired("é", 1));
        assert_eq!(repair("cafÃ©"), repaired("café", 1));
        // Ambiguous by nature; the rule says valid multi-byte UTF-8 counts.
        assert_eq!(repair("Ãœber"), repaired("Über", 1));
    }

    #[test]
    fn counts_replaced_runs() {
        assert_eq!(
            repair("Itâ€™s a cafÃ© â€” ok"),
            repaired("It’s a café — ok", 3)
        );
    }

    #[test]
    fn repairs_byte_order_mark() {
        assert_eq!(repair("ï»¿# Title"), repaired("\u{FEFF}# Title", 1));
    }

    #[test]
    fn repairs_latin1_damage() {
        assert_eq!(repair("â\u{80}\u{99}"), repaired("’", 1));
        let text = "┌─ “quoted” — 🛡️ café";
        assert_eq!(repair(&damage(text, latin1_char)), repaired(text, 6));
    }

    #[test]
    fn round_trips_damaged_samples() {
        let samples = [
            "é",
            "“Quotes” and ‘single’ – dashes — ellipsis…",
            "┌──┐\n│ab│\n└──┘",
            "🛡️ 🔒 ✅ ❌ 👍🏽",
            "中文文档 日本語 한국어",
            "Größe, naïve, résumé, £5, ×, ©, Â",
            "\u{A0}nbsp and soft\u{AD}hyphen",
            "\u{10FFFF} \u{FFFD} \u{800} \u{80}",
        ];
        for sample in samples {
            for decode in [cp1252_char as fn(u8) -> char, latin1_char] {
                let damaged = damage(sample, decode);
                match repair(&damaged) {
                    Repair::Repaired { text, .. } => assert_eq!(text, sample),
                    other => panic!("{sample:?} via {damaged:?}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn mixed_genuine_and_mojibake_is_suspicious() {
        assert_eq!(repair("café â€” ok"), Repair::Suspicious { offset: 6 });
        assert_eq!(repair("â€” ok café"), Repair::Suspicious { offset: 0 });
        assert_eq!(repair("中 Ã©"), Repair::Suspicious { offset: 4 });
        assert_eq!(repair("┌ â”€"), Repair::Suspicious { offset: 4 });
        // A genuine character glued to a damaged one in the same run.
        assert_eq!(repair("«Ã©»"), Repair::Suspicious { offset: 2 });
        assert_eq!(repair("Â«Ã©Â»"), repaired("«é»", 1));
    }

    #[test]
    fn mixed_code_pages_are_suspicious() {
        // `€` is Windows-1252 but U+0099 is Latin-1 for the same kind of byte.
        assert_eq!(repair("â€\u{99}"), Repair::Suspicious { offset: 0 });
    }

    #[test]
    fn truncated_sequence_is_suspicious() {
        assert_eq!(repair("endâ€"), Repair::Suspicious { offset: 3 });
        assert_eq!(repair("ðŸ"), Repair::Suspicious { offset: 0 });
        // `”` is E2 80 9D; the undefined 0x9D was dropped.
        assert_eq!(
            repair("â€œquoteâ€ and more"),
            Repair::Suspicious { offset: 0 }
        );
        // Truncation is reported even after a run that decoded.
        assert_eq!(repair("Ã© then â€"), Repair::Suspicious { offset: 0 });
    }

    #[test]
    fn lost_c1_control_is_suspicious() {
        // The U+008F after `ï¸` (the variation selector) went missing.
        assert_eq!(repair("ðŸ›¡ï¸"), Repair::Suspicious { offset: 0 });
        assert_eq!(repair("x ðŸ›¡ï¸ y"), Repair::Suspicious { offset: 2 });
    }

    #[test]
    fn genuine_letter_before_smart_quote_is_only_flagged() {
        // Indistinguishable from a truncated sequence: warn, never change.
        assert_eq!(repair("José’s"), Repair::Suspicious { offset: 3 });
    }

    #[test]
    fn rejects_invalid_utf8_forms() {
        // Overlong (C0/C1, E0 80), surrogate (ED A0) and out of range (F4 90)
        // byte patterns are not mojibake of any real text.
        assert_eq!(repair("Ã€"), repaired("À", 1));
        assert_eq!(repair("À€"), Repair::Clean);
        assert_eq!(repair("à€€"), Repair::Clean);
        assert_eq!(repair("í\u{A0}€"), Repair::Clean);
        assert_eq!(repair("ô\u{90}€€"), Repair::Clean);
    }

    #[test]
    fn large_input_is_handled_linearly() {
        let text = "┌── café 🛡️ ’\n".repeat(20_000);
        let damaged = damage(&text, cp1252_char);
        match repair(&damaged) {
            Repair::Repaired {
                text: fixed,
                replaced,
            } => {
                assert_eq!(fixed, text);
                assert_eq!(replaced, 4 * 20_000);
            }
            other => panic!("{other:?}"),
        }
    }
}
