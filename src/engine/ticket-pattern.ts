import { createRequire } from 'node:module';
import type * as Regexpp from '@eslint-community/regexpp';
import type { Node, Quantifier } from '@eslint-community/regexpp/ast';

/** The parser is loaded only for a configured pattern: the default needs no check. */
function regexpp(): typeof Regexpp {
  return createRequire(import.meta.url)('@eslint-community/regexpp') as typeof Regexpp;
}

/**
 * A ticket pattern runs over every commit message gig reads, some of them written by people who
 * would like gig to hang. JavaScript's backtracking engine takes exponential time on nested
 * repetition (`([A-Z]+)+`), repeated alternation (`(A|AB)*`) and back-references, so such patterns
 * are refused when the configuration is read. What remains backtracks at most polynomially, and
 * gig bounds the text each match attempt sees (tickets.ts).
 */
export function ticketPatternProblem(pattern: string): string | null {
  const { RegExpParser, visitRegExpAST } = regexpp();
  let ast;
  try {
    ast = new RegExpParser({ ecmaVersion: 2024 }).parsePattern(pattern, 0, pattern.length, { unicode: true });
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  let problem: string | null = null;
  visitRegExpAST(ast, {
    onBackreferenceEnter(node) {
      problem ??= `uses a back-reference (${node.raw}), which can take exponential time`;
    },
    onQuantifierEnter(node) {
      if (problem !== null || node.max <= 1) return;
      const inner = repeatedInside(node);
      if (inner) problem = `repeats ${inner} inside a repetition (${node.raw}), which can take exponential time on a crafted message; write it without the nesting, e.g. [A-Z][A-Z0-9]+-[0-9]+`;
    },
  });
  return problem;
}

/** What makes a repetition dangerous: a repetition or an alternation within it. */
function repeatedInside(quantifier: Quantifier): string | null {
  let found: string | null = null;
  const walk = (node: Node): void => {
    if (found !== null) return;
    if (node.type === 'Quantifier' && node.max > 1) found = `"${node.raw}"`;
    else if ((node.type === 'Group' || node.type === 'CapturingGroup') && node.alternatives.length > 1) found = `an alternation "${node.raw}"`;
    for (const child of children(node)) walk(child);
  };
  walk(quantifier.element);
  return found;
}

function children(node: Node): Node[] {
  switch (node.type) {
    case 'Group':
    case 'CapturingGroup':
    case 'Pattern':
    case 'Assertion':
      return 'alternatives' in node ? node.alternatives : [];
    case 'Alternative':
      return node.elements;
    case 'Quantifier':
      return [node.element];
    default:
      return [];
  }
}
