import type { Verdict } from '../engine/verdict.js';

/**
 * How a text view marks what should stand out. Views say what a piece of text is (good news, bad
 * news, a warning, a heading, a legend); the CLI decides what that looks like on the terminal it
 * writes to (cli/terminal-style.ts: colours on a TTY, nothing under NO_COLOR or in a pipe).
 */
export interface Style {
  good(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  strong(text: string): string;
  faint(text: string): string;
}

const same = (text: string): string => text;

/** No marks at all: pipes, files, JSON, tests. */
export const PLAIN: Style = { good: same, bad: same, warn: same, strong: same, faint: same };

/** How a text view is laid out: its marks, and the terminal's width (null: the fixed layout of pipes and files). */
export interface TextLayout {
  style: Style;
  width: number | null;
}

export const PLAIN_LAYOUT: TextLayout = { style: PLAIN, width: null };

/** A verdict's label as it should stand out: blocked loudest, safe calm. */
export function styledVerdict(style: Style, verdict: Verdict, label: string): string {
  switch (verdict) {
    case 'blocked':
      return style.strong(style.bad(label));
    case 'manual-only':
      return style.strong(style.warn(label));
    case 'risky':
      return style.warn(label);
    case 'safe':
      return style.good(label);
  }
}
