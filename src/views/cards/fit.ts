import { lit } from '../escape/markup.js';
import type { Card } from './model.js';

/**
 * What every renderer says about a card it had to cut: one wording for all platforms. Markup like
 * all card text; each renderer writes it in its own syntax (a button title gets the words only).
 */
export const CUT_TEXT = {
  /** Ends a list cut short, or stands for a run of item rows left out. */
  more: (count: number): string => `_…and ${count} more_`,
  /** The title of a link to the full document. */
  openFull: (documentTitle: string): string => `Open the full ${lit(documentTitle.toLowerCase())}`,
  /** Where the full release packet is, when the card cannot link to it. */
  fullPacket: (release: string): string => `This card is shortened; the full packet: \`gig release ${lit(release)} --format md\``,
  /** Sent with the full document, attached beside the cut card. */
  attached: 'The full packet, as the card above had to be shortened.',
} as const;

/**
 * How much of a card a renderer shows: how many items of each list (by block index) and how many
 * item rows. Every platform renders all it can within this, ending cut lists in CUT_TEXT.more.
 */
export interface CardCut {
  shown: Map<number, number>;
  itemBudget: number;
}

export interface FitAttempt<T> {
  output: T;
  fits: boolean;
  /** Rendered elements beyond the platform's count limit (Slack's 50 blocks); 0 where none applies. */
  excess: number;
}

/**
 * The one shrinking strategy of every renderer: start with everything; while the result is too
 * big, drop item rows when there are too many elements, else halve the longest list, else halve
 * the item rows. Returns the last attempt, and whether nothing was left to shrink.
 */
export function fitCard<T>(card: Card, render: (cut: CardCut) => FitAttempt<T>): { output: T; exhausted: boolean } {
  const shown = new Map<number, number>();
  card.blocks.forEach((block, index) => {
    if (block.kind === 'list') shown.set(index, block.items.length);
  });
  let itemBudget = card.blocks.filter((block) => block.kind === 'item').length;
  for (;;) {
    const attempt = render({ shown, itemBudget });
    if (attempt.fits) return { output: attempt.output, exhausted: false };
    const longest = [...shown.entries()].filter(([, count]) => count > 1).sort((a, b) => b[1] - a[1])[0];
    if (attempt.excess > 0 && itemBudget > 0) {
      // Each item row is an element: drop the excess, and one more for the "…and N more" line.
      itemBudget = Math.max(0, itemBudget - attempt.excess - 1);
    } else if (longest) {
      shown.set(longest[0], Math.floor(longest[1] / 2));
    } else if (itemBudget > 0) {
      itemBudget = Math.floor(itemBudget / 2);
    } else {
      return { output: attempt.output, exhausted: true };
    }
  }
}
