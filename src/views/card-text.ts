import type { Card } from './cards/model.js';

/** A card as plain text, for the terminal (`gig digest run --dry-run`). */
export function renderCardText(card: Card): string {
  const lines: string[] = [];
  const plain = (text: string): string => text.replace(/\*\*(.+?)\*\*/g, '$1');
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
        for (const fact of block.facts) lines.push(`${fact.label}: ${plain(fact.value)}`);
        break;
      case 'grid':
        lines.push(plain(block.title), `  ${block.columns.join('  ')}`, ...block.rows.map((row) => `  ${row.label}: ${row.cells.join('  ')}`));
        break;
      case 'list':
        lines.push('', plain(block.title), ...block.items.map((item) => `  - ${plain(item)}`));
        break;
      case 'item':
        lines.push(`  ${plain(block.text)}`);
        break;
      case 'actions':
        lines.push(`[${block.actions.map((action) => action.label).join('] [')}]`);
        break;
      case 'divider':
        lines.push('');
        break;
    }
  }
  return lines.join('\n');
}
