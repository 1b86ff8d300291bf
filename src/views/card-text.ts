import type { Card } from './cards/model.js';
import { plainText } from './escape/markup.js';

/**
 * A card as plain text, for the terminal (`gig digest run --dry-run`): the markup's words, code in
 * backticks. Control characters are the CLI's to strip where it prints (escape/terminal.ts).
 */
export function renderCardText(card: Card): string {
  const lines: string[] = [];
  const plain = (text: string): string => plainText(text, { code: true });
  for (const block of card.blocks) {
    switch (block.kind) {
      case 'header':
        lines.push(plain(block.text), '');
        break;
      case 'text':
      case 'context':
        lines.push(plain(block.text));
        break;
      case 'facts':
        for (const fact of block.facts) lines.push(`${plain(fact.label)}: ${plain(fact.value)}`);
        break;
      case 'grid':
        lines.push(plain(block.title), `  ${block.columns.map(plain).join('  ')}`, ...block.rows.map((row) => `  ${plain(row.label)}: ${row.cells.map(plain).join('  ')}`));
        break;
      case 'list':
        lines.push('', plain(block.title), ...block.items.map((item) => `  - ${plain(item)}`));
        break;
      case 'item':
        lines.push(`  ${plain(block.text)}`);
        break;
      case 'actions':
        lines.push(`[${block.actions.map((action) => plain(action.label)).join('] [')}]`);
        break;
      case 'divider':
        lines.push('');
        break;
    }
  }
  return lines.join('\n');
}
