/**
 * Escaping for the terminal. Commit subjects, reject reasons typed in Slack, Jira summaries and
 * the arguments a command was given reach `gig`'s output; a terminal obeys control characters in
 * any of them. The CLI passes everything it prints through `terminalText` once, where it writes
 * (cli/io.ts), rather than each view cleaning its own values.
 *
 * - ESC sequences are removed whole: CSI (`ESC [` … final byte: cursor moves, `ESC [2J` clearing
 *   the screen, colours faking gig's own output), OSC (`ESC ]` … BEL or `ESC \`: window titles,
 *   OSC 8 hyperlinks whose target the reader never sees, clipboard writes), DCS, SOS, PM and APC
 *   strings, and two-character escapes. The text between an OSC 8 link's two halves stays: it is
 *   the user's words. An unterminated string ends at the line break, so it cannot eat the output.
 * - The same sequences introduced by C1 code points (U+009B CSI, U+009D OSC, …) are removed too:
 *   some terminals honour them.
 * - Any other C0 or C1 control character, and DEL, becomes U+FFFD: NUL, BEL, backspace and a lone
 *   carriage return (which lets a line overwrite what came before it) are visible as tampering
 *   instead of acting. `\n` and `\t` stay for layout; `\r\n` becomes `\n`.
 * - Bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) become U+FFFD: they
 *   reorder how a line reads ("Trojan Source") without changing what it contains.
 */

/* eslint-disable no-control-regex -- matching control characters is this module's purpose */
const SEQUENCE = new RegExp(
  [
    '(?:\\x1b\\[|\\x9b)[0-?]*[ -/]*[@-~]', // CSI: parameters, intermediates, final byte
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c\\n]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC, DCS, SOS, PM, APC … BEL or ST
    '\\x1b[ -/]*[0-~]?', // other escapes (charset selection, ESC 7, ESC c), or a lone ESC
  ].join('|'),
  'g',
);
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const REPLACEMENT = '\ufffd';

/** The text with nothing a terminal would act on: sequences removed, other controls replaced. */
export function terminalText(text: string): string {
  return text.replace(SEQUENCE, '').replace(/\r\n/g, '\n').replace(CONTROL, REPLACEMENT);
}

/**
 * JSON for the terminal, still exactly the same JSON. JSON.stringify escapes U+0000–U+001F (ESC is
 * `\u001b`) but leaves DEL, C1 controls, bidi controls and U+2028/U+2029 raw; those are written
 * as `\uXXXX` escapes, which every JSON parser reads back as the same string.
 */
export function terminalJson(value: unknown, space = 2): string {
  return JSON.stringify(value, null, space).replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
