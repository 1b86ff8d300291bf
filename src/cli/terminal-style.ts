import { randomBytes } from 'node:crypto';
import picocolors from 'picocolors';
import type { Style } from '../views/style.js';
import { terminalText } from '../views/escape/terminal.js';

export interface TerminalStyle {
  style: Style;
  /** What to write for a view's text: its own marks as colours, everything else made harmless. */
  render(text: string): string;
}

/**
 * Colours that survive the terminal sanitiser and cannot be forged. Everything gig prints passes
 * through `terminalText`, which removes every escape sequence (a commit subject must not colour,
 * hide or move anything). So views do not write escape codes: the style writes a marker holding a
 * random token of this run, and `render` sanitises the text between markers and puts picocolors'
 * codes in place of the markers. Text from a commit or a chat message cannot hold this run's token.
 */
export function terminalStyle(): TerminalStyle {
  const token = randomBytes(8).toString('hex');
  const codes: string[] = [];
  const colours = picocolors.createColors(true);
  const marker = (code: string): string => `\u{F8FF}${token}:${codes.push(code) - 1}\u{F8FE}`;
  const wrap = (paint: (text: string) => string): ((text: string) => string) => {
    const [open = '', close = ''] = paint('\u0000').split('\u0000');
    const [start, end] = [marker(open), marker(close)];
    return (text) => `${start}${text}${end}`;
  };
  const pattern = new RegExp(`\u{F8FF}${token}:(\\d+)\u{F8FE}`, 'u');
  return {
    style: { good: wrap(colours.green), bad: wrap(colours.red), warn: wrap(colours.yellow), strong: wrap(colours.bold), faint: wrap(colours.dim) },
    render: (text) =>
      text
        .split(pattern)
        .map((piece, index) => (index % 2 === 0 ? terminalText(piece) : (codes[Number(piece)] ?? '')))
        .join(''),
  };
}
