import { compileRule, type RiskRule } from './risk-rules.js';

/** The database scripts among `files` (what the `db-script` rule matches), in execution order. */
export function databaseScripts(files: string[], rules: RiskRule[]): string[] {
  const matchers = rules.filter((rule) => rule.code === 'db-script').map(compileRule);
  return [...new Set(files)].filter((file) => matchers.some((matches) => matches(file))).sort(compareScripts);
}

/**
 * Database scripts run in version order: Flyway's V<version>__ and numbered prefixes compare as
 * numbers (V2 before V10), anything else by name.
 */
export function compareScripts(a: string, b: string): number {
  const version = (path: string): number[] | null => {
    const name = path.split('/').pop() ?? path;
    const match = /^[VvRr]?(\d+(?:[._]\d+)*)(?:__|_|-)/.exec(name);
    return match ? match[1]!.split(/[._]/).map(Number) : null;
  };
  const va = version(a);
  const vb = version(b);
  if (va && vb) {
    for (let index = 0; index < Math.max(va.length, vb.length); index += 1) {
      const diff = (va[index] ?? 0) - (vb[index] ?? 0);
      if (diff !== 0) return diff;
    }
  }
  if (va && !vb) return -1;
  if (!va && vb) return 1;
  return a.localeCompare(b);
}
