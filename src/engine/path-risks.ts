import type { RepositoryStatus } from './model.js';
import type { Risk } from './risks.js';
import { compileRule, type RiskRule } from './risk-rules.js';
import { inScope } from './scope.js';

/** Path-rule risks: every matching rule applies, once per repository, with the files that matched. */
export function pathRisks(repositories: RepositoryStatus[], target: string | null, source: string | null, rules: RiskRule[]): Risk[] {
  const risks: Risk[] = [];
  for (const repository of repositories) {
    const files = [...new Set(inScope(repository, target, source).flatMap((commit) => commit.files))].sort();
    for (const rule of rules) {
      const matched = files.filter(compileRule(rule));
      if (matched.length > 0) risks.push({ kind: 'path', code: rule.code, level: rule.level, repository: repository.name, files: matched, label: rule.summary });
    }
  }
  return risks;
}
