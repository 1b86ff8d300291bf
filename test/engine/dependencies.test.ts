import { describe, expect, it } from 'vitest';
import { resolveDependencies } from '../../src/engine/dependencies.js';
import type { DependencyEdge } from '../../src/engine/model.js';
import { commit, evaluate, graphOf, repository, ticket } from './facts.js';

/** Dependencies (docs/verdicts.md, "Dependencies") over a literal graph: transitive needs, cycles, companions. */

const needs = (key: string, kind: DependencyEdge['kind'] = 'declared'): DependencyEdge => ({ ticket: key, kind, direction: 'needs' });
const neededBy = (key: string, kind: DependencyEdge['kind'] = 'declared'): DependencyEdge => ({ ticket: key, kind, direction: 'needed-by' });

/** A ticket that reached `environments` in one repository. */
const reached = (key: string, environments: string[]) => ticket(key, [repository('api', [commit(`${key}-work`, environments, { subject: `${key} work` })])]);

describe('resolving dependencies towards a target', () => {
  it('follows declared needs transitively, naming the ticket each is needed through', () => {
    const graph = graphOf({
      'PAY-1': { edges: [needs('PAY-2')] },
      'PAY-2': { edges: [needs('PAY-3')], facts: reached('PAY-2', ['dev', 'qa', 'uat']) },
      'PAY-3': { edges: [], facts: reached('PAY-3', ['dev', 'qa']) },
    });
    expect(resolveDependencies('PAY-1', graph, 'uat', new Set())).toEqual({
      dependencies: [
        { ticket: 'PAY-2', kind: 'declared', direction: 'needs', status: 'satisfied', via: null },
        { ticket: 'PAY-3', kind: 'declared', direction: 'needs', status: 'missing', via: 'PAY-2' },
      ],
      cycles: [],
    });
  });

  it('reports each cycle once and still lists every ticket in it', () => {
    const graph = graphOf({
      'PAY-1': { edges: [needs('PAY-2')] },
      'PAY-2': { edges: [needs('PAY-3')], facts: reached('PAY-2', ['dev', 'qa', 'uat']) },
      'PAY-3': { edges: [needs('PAY-1'), needs('PAY-2')], facts: reached('PAY-3', ['dev', 'qa', 'uat']) },
    });
    const { dependencies, cycles } = resolveDependencies('PAY-1', graph, 'uat', new Set());
    expect(dependencies.map((dependency) => dependency.ticket)).toEqual(['PAY-2', 'PAY-3']);
    expect(cycles).toEqual([
      ['PAY-1', 'PAY-2', 'PAY-3', 'PAY-1'],
      ['PAY-2', 'PAY-3', 'PAY-2'],
    ]);
  });

  it('takes companions one step only, and never as a cycle', () => {
    const graph = graphOf({
      'PAY-1': { edges: [needs('PAY-2', 'companion')] },
      'PAY-2': { edges: [needs('PAY-1', 'companion'), needs('PAY-3', 'companion')], facts: reached('PAY-2', ['dev', 'qa']) },
      'PAY-3': { edges: [], facts: reached('PAY-3', ['dev']) },
    });
    expect(resolveDependencies('PAY-1', graph, 'uat', new Set())).toEqual({
      dependencies: [{ ticket: 'PAY-2', kind: 'companion', direction: 'needs', status: 'missing', via: null }],
      cycles: [],
    });
  });

  it('counts a need that travels in the same release as satisfied, one no commit names as unknown, and lists who needs the ticket', () => {
    const graph = graphOf({
      'PAY-1': { edges: [needs('PAY-2'), needs('PAY-404'), neededBy('PAY-9')] },
      'PAY-2': { facts: reached('PAY-2', ['dev', 'qa']) },
      'PAY-9': { facts: reached('PAY-9', ['dev']) },
    });
    expect(resolveDependencies('PAY-1', graph, 'uat', new Set(['PAY-2'])).dependencies).toEqual([
      { ticket: 'PAY-2', kind: 'declared', direction: 'needs', status: 'satisfied', via: null },
      { ticket: 'PAY-404', kind: 'declared', direction: 'needs', status: 'unknown', via: null },
      { ticket: 'PAY-9', kind: 'declared', direction: 'needed-by', status: 'missing', via: null },
    ]);
  });
});

describe('dependencies in the verdict', () => {
  const facts = reached('PAY-9', ['dev', 'qa']);

  it('blocks on a missing need, words each kind of link, and warns of a cycle', () => {
    const graph = graphOf({
      'PAY-9': { edges: [needs('PAY-7'), needs('PAY-8', 'companion'), needs('PAY-404')] },
      'PAY-7': { edges: [needs('PAY-6'), needs('PAY-9')], facts: reached('PAY-7', ['dev', 'qa']) },
      'PAY-6': { facts: reached('PAY-6', ['dev', 'qa']) },
      'PAY-8': { facts: reached('PAY-8', ['dev', 'qa']) },
    });
    const evaluation = evaluate(facts, { graph });
    expect(evaluation.verdict).toBe('blocked');
    expect(evaluation.findings.map((finding) => [finding.rule, finding.reason.kind])).toEqual([
      ['missingDependency', 'missing-dependency'],
      ['missingDependency', 'missing-dependency'],
      ['missingDependency', 'missing-dependency'],
      ['missingDependency', 'missing-dependency'],
      ['warning', 'dependency-cycle'],
    ]);
    expect(evaluation.reasons).toEqual([
      'PAY-7 is a declared dependency and is not in uat',
      'PAY-6 is needed through PAY-7 and is not in uat',
      'PAY-8 is named in the same commits and is not in uat',
      'PAY-404 is a declared dependency but no indexed commit names it',
      'dependency cycle PAY-9 → PAY-7 → PAY-9: these tickets must travel together',
    ]);
  });

  it('passes when what it needs travels with it', () => {
    const graph = graphOf({ 'PAY-9': { edges: [needs('PAY-7')] }, 'PAY-7': { facts: reached('PAY-7', ['dev', 'qa']) } });
    expect(evaluate(facts, { graph }).verdict).toBe('blocked');
    expect(evaluate(facts, { graph, travellingTogether: new Set(['PAY-9', 'PAY-7']) }).verdict).toBe('safe');
  });
});
