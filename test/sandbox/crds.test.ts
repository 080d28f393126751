// The sandbox serves exactly the CRD files in src/sandbox/crds, both from the TypeScript sources
// (as the tests run them) and from the built bundle (built by `npm test`'s pretest).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { createSandbox } from '../../src/sandbox/server.js';
import { BIN } from '../helpers/cli.js';
import { call, eventually } from './http.js';

const CRD_DIR = fileURLToPath(new URL('../../src/sandbox/crds/', import.meta.url));
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The CRDs as the files say, read here with the YAML library directly. */
function fromFiles(): any[] {
  return readdirSync(CRD_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(CRD_DIR, f), 'utf8')).map((d) => d.toJS()))
    .filter((d) => d?.kind === 'CustomResourceDefinition');
}

/** What a server answers, reduced to what must match the files: names and specs. */
const served = (list: any) => list.items.map((c: any) => ({ name: c.metadata.name, spec: c.spec }));
/** The files' CRDs in the order a LIST answers (by name). */
const expected = () =>
  fromFiles()
    .map((c) => ({ name: c.metadata.name, spec: c.spec }))
    .sort((a, b) => a.name.localeCompare(b.name));

test('the CRD files are there: Kruise Rollouts, CloneSet, Advanced DaemonSet, Advanced StatefulSet, Gateway API', () => {
  expect(expected().map((c) => c.name)).toEqual([
    'batchreleases.rollouts.kruise.io',
    'clonesets.apps.kruise.io',
    'daemonsets.apps.kruise.io',
    'gateways.gateway.networking.k8s.io',
    'httproutes.gateway.networking.k8s.io',
    'rollouthistories.rollouts.kruise.io',
    'rollouts.rollouts.kruise.io',
    'statefulsets.apps.kruise.io',
    'trafficroutings.rollouts.kruise.io',
  ]);
});

test('the sandbox from the sources serves the CRD files, unchanged', async () => {
  const sb = await createSandbox({ builtinControllers: false });
  try {
    expect(served((await call(sb.url, 'GET', CRDS)).body)).toEqual(expected());
  } finally {
    await sb.close();
  }
});

test('the built CLI serves the same CRDs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kk-crds-'));
  const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--kubeconfig-out', join(dir, 'kc'), '--no-rollout-controller'], {
    env: { HOME: dir, PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await eventually(() => out.includes('\n'));
    const server = /server: (\S+)/.exec(readFileSync(join(dir, 'kc'), 'utf8'))![1]!;
    expect(served((await call(server, 'GET', CRDS)).body)).toEqual(expected());
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
