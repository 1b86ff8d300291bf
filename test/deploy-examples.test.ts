import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig, loadEnvironment } from '../src/config.js';

/** The example deployments of docs/replicas.md stay true to what gig reads. */
const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

describe('the example deployments', () => {
  it('Compose runs three gig replicas, each with its own index volume, on the shared PostgreSQL ledger', () => {
    const compose = parse(read('deploy/compose.yaml')) as { services: Record<string, { deploy?: { replicas?: number }; environment?: Record<string, string>; volumes?: unknown[] }> };
    const gig = compose.services.gig!;
    expect(gig.deploy?.replicas).toBe(3);
    expect(gig.environment?.GIG_DATABASE_URL).toMatch(/^postgres:\/\/gig:\$\{POSTGRES_PASSWORD\}@postgres:5432\/gig$/);
    expect(gig.environment?.GIG_DB).toBe('/var/lib/gig/gig.db');
    expect(JSON.stringify(gig.volumes)).toContain('/var/lib/gig');
    // gig's own check of the variable accepts the URL the example builds.
    expect(loadEnvironment({ GIG_DATABASE_URL: gig.environment!.GIG_DATABASE_URL!.replace('${POSTGRES_PASSWORD}', 'secret') }).GIG_DATABASE_URL).toBeDefined();
  });

  it("Kubernetes's ConfigMap holds a configuration gig loads, and each pod has its own index and a readiness probe on /healthz", () => {
    const documents = parseAllDocuments(read('deploy/kubernetes/gig.yaml')).map((document) => document.toJS() as { kind: string; data?: Record<string, string>; spec?: unknown });
    const configMap = documents.find((document) => document.kind === 'ConfigMap')!;
    const folder = mkdtempSync(path.join(tmpdir(), 'gig-deploy-'));
    try {
      const file = path.join(folder, 'gig.config.yaml');
      writeFileSync(file, configMap.data!['gig.config.yaml']!);
      expect(loadConfig(file).repositories.length).toBeGreaterThan(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    const deployment = JSON.stringify(documents.find((document) => document.kind === 'Deployment'));
    expect(deployment).toContain('"replicas":3');
    expect(deployment).toContain('"emptyDir"');
    expect(deployment).toContain('"/healthz"');
    expect(documents.map((document) => document.kind)).toContain('Service');
  });
});
