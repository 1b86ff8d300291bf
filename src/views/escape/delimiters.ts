/**
 * Emphasis delimiters in user text, shared by the Slack and Teams escapers. Neither platform has a
 * dependable escape character, so a delimiter that could act is swapped for a lookalike:
 * ∗ for `*`, ˍ for `_`, ∼ for `~`, ˋ for a backtick.
 *
 * Whether a run of delimiters (`**`, `__`, a lone `~`) can open or close emphasis depends on its
 * neighbours, as in CommonMark: with whitespace on both sides it can do neither ("2 * 3", "~ Ben"),
 * and underscores between two letters or digits are part of a word (`snake_case`, `V7__totals`).
 * Those stay as written. Anything else is replaced, including a run at the edge of the text, whose
 * neighbour in the rendered message is unknown. Backticks start code anywhere: always replaced.
 */

export const LOOKALIKE: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };

const isWord = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/u.test(char);

/** `text` with every run of `*`, `_`, `~` or backticks that could act replaced by lookalikes. */
export function neutraliseDelimiters(text: string): string {
  return text.replace(/\*+|_+|~+|`+/g, (run: string, at: number) => {
    const before = text[at - 1];
    const after = text[at + run.length];
    const inert = run[0] !== '`' && ((isSpace(before) && isSpace(after)) || (run[0] === '_' && isWord(before) && isWord(after)));
    return inert ? run : run.replace(/./g, (char) => LOOKALIKE[char]!);
  });
}
