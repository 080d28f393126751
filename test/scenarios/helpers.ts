// Shared pieces of the issue-4 scenario tests: the guide's objects and commands, our CLI bound to a
// sandbox's kubeconfig, pod counts by VERSION over HTTP, bounded waits on the sandbox store, and a
// recorder of every status the Rollout goes through (with the invariants a release must keep).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Deps } from '../../src/cli/deps.js';
import { main } from '../../src/cli/main.js';
import type { Rollout } from '../../src/rollout/types.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { Deployment, Pod } from '../../src/workload/types.js';
import { availableKubectls, type Kubectl, type KubectlEnv } from '../conformance/harness.js';
import { example, examplePath } from '../fixtures/load.js';
import { type CliResult, captureStream, runCli } from '../helpers/cli.js';

/** The guide's Deployment, as a file for `kubectl apply -f`. */
export const DEPLOYMENT_YAML = examplePath('docs_basic-usage_deployment_workload-demo.yaml');
/** The guide's Rollout (v1beta1), as a file for `kubectl apply -f`. */
export const ROLLOUT_YAML = examplePath('docs_basic-usage_rollout_v1beta1.yaml');
/** The guide's patch, byte for byte. */
export const GUIDE_PATCH =
  '{"spec":{"template":{"spec":{"containers":[{"name":"busybox", "env":[{"name":"VERSION", "value":"version-2"}]}]}}}}';
/** The guide's patch with another version. */
export const versionPatch = (version: string) => GUIDE_PATCH.replace('version-2', version);

/** Sends one JSON request to the sandbox (POST/PUT/PATCH); throws with the answer when it is not 2xx. */
export async function send(sb: Sandbox, method: string, path: string, body: unknown, contentType = 'application/json'): Promise<void> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** A parsed copy of one of the reference example objects. */
export function loadExample(file: string): any {
  return example(file)[0];
}

/** A temp directory for edited copies of the reference objects; `cleanup` removes it. */
export function fixtureDir(): { dir: string; write(name: string, obj: unknown): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kk-scenarios-'));
  return {
    dir,
    write(name, obj) {
      const path = join(dir, name);
      writeFileSync(path, stringify(obj));
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The guide's Rollout with its steps replaced (written to a temp file for `kubectl apply -f`). */
export function rolloutWithSteps(steps: unknown[]): any {
  const ro = loadExample('docs_basic-usage_rollout_v1beta1.yaml');
  ro.spec.strategy.canary.steps = steps;
  return ro;
}

/** Our CLI in-process against a kubeconfig, with the real clock unless one is given. */
function kruise(kubeconfig: string, args: string[], overrides: Partial<Deps> = {}): Promise<CliResult> {
  return runCli([...args, '--kubeconfig', kubeconfig], { now: () => new Date(), ...overrides });
}

/** Our CLI bound to a harness environment. */
export const kruiseIn =
  (env: KubectlEnv) =>
  (...args: string[]) =>
    kruise(env.kubeconfig, args);

/** Runs kubectl and fails the test with its stderr when it does not exit 0. */
export async function kubectlOk(env: KubectlEnv, args: string[]): Promise<string> {
  const r = await env.run(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** `kubectl patch rollout NAME --subresource=status` setting canaryStatus.nextStepIndex: a jump, as a user makes one; kubectl's output. */
export function jumpToStep(env: KubectlEnv, rollout: string, step: number): Promise<string> {
  const patch = JSON.stringify({ status: { canaryStatus: { nextStepIndex: step } } });
  return kubectlOk(env, ['patch', 'rollout', rollout, '--subresource=status', '--type', 'merge', '-p', patch]);
}

/** VERSION of a pod's first container. */
function podVersion(p: Pod): string {
  const first = p.spec?.containers?.[0] as { env?: { name: string; value?: string }[] } | undefined;
  return first?.env?.find((e) => e.name === 'VERSION')?.value ?? '?';
}

function isReady(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Live pods of the demo by VERSION, from a pod list. */
export function countVersions(pods: Pod[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods.filter((x) => !x.metadata.deletionTimestamp)) out[podVersion(p)] = (out[podVersion(p)] ?? 0) + 1;
  return out;
}

/** Pods by VERSION as the API server lists them (GET /api/v1/…/pods?labelSelector=app=demo). */
export async function podVersionsHttp(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/api/v1/namespaces/default/pods?labelSelector=app%3Ddemo`);
  const list = (await res.json()) as { items: Pod[] };
  return countVersions(list.items);
}

/** Pods by VERSION through `kubectl get pods -o json`, as a user would look. */
export async function podVersionsKubectl(env: KubectlEnv): Promise<Record<string, number>> {
  return countVersions(JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', 'app=demo', '-o', 'json'])).items);
}

/** Ready pods by VERSION in the store (for bounded waits). */
export function readyVersions(sb: Sandbox): Record<string, number> {
  const pods = sb.store.list<Pod>('pods', { namespace: 'default' }).filter(isReady);
  return countVersions(pods);
}

/** rollouts-demo as the store holds it now. */
export const rolloutOf = (sb: Sandbox) => sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo')!;
/** workload-demo as the store holds it now. */
export const deploymentOf = (sb: Sandbox) => sb.store.get<Deployment>('deployments', 'default', 'workload-demo')!;
/** A condition of the Rollout by type. */
export const condition = (ro: Rollout, type: string) => ro.status?.conditions?.find((c) => c.type === type);

/** Resolves when the predicate holds over the store (checked on every change); rejects after ms. */
export function until(sb: Sandbox, what: string, predicate: () => boolean, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out after ${ms} ms waiting for ${what}; pods ready ${JSON.stringify(readyVersions(sb))}; rollout ${JSON.stringify(rolloutOf(sb)?.status)}`,
        ),
      );
    }, ms);
    const unsubscribe = sb.store.subscribe(() => {
      if (predicate()) {
        clearTimeout(timer);
        queueMicrotask(unsubscribe); // not while the store iterates its listeners
        resolve();
      }
    });
  });
}

/** Exactly `want` live pods by VERSION, all Ready (bounded wait on the store, then checked over HTTP). */
export async function expectPods(sb: Sandbox, want: Record<string, number>, ms = 8000): Promise<void> {
  const same = (got: Record<string, number>) => JSON.stringify(sorted(got)) === JSON.stringify(sorted(want));
  await until(
    sb,
    `pods ${JSON.stringify(want)}`,
    () => same(readyVersions(sb)) && same(countVersions(sb.store.list<Pod>('pods', { namespace: 'default' }))),
    ms,
  ).catch(() => undefined);
  expect(sorted(await podVersionsHttp(sb.url))).toEqual(sorted(want));
}

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** One status of rollouts-demo as the store committed it. */
export interface StatusRecord {
  rv: number;
  phase?: string;
  index?: number;
  state?: string;
  nextStepIndex?: number;
  canaryRevision?: string;
  observedRolloutID?: string;
  workloadGeneration?: number;
  succeeded?: string;
  reason?: string;
}

/** Records every distinct status of rollouts-demo from the store's change feed. */
export function recordStatuses(sb: Sandbox): { history: StatusRecord[]; stop(): void } {
  const history: StatusRecord[] = [];
  const push = (ro: Rollout, rv: number) => {
    const s = ro.status;
    const c = s?.canaryStatus;
    const rec: StatusRecord = {
      rv,
      phase: s?.phase,
      index: c?.currentStepIndex,
      state: c?.currentStepState,
      nextStepIndex: c?.nextStepIndex,
      canaryRevision: c?.canaryRevision,
      observedRolloutID: c?.observedRolloutID,
      workloadGeneration: c?.observedWorkloadGeneration,
      succeeded: condition(ro, 'Succeeded')?.status,
      reason: condition(ro, 'Progressing')?.reason,
    };
    const last = history[history.length - 1];
    const key = (r: StatusRecord) => JSON.stringify({ ...r, rv: 0 });
    if (!last || key(last) !== key(rec)) history.push(rec);
  };
  const current = sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo');
  if (current) push(current, Number(current.metadata.resourceVersion));
  const stop = sb.store.subscribe((e) => {
    if (e.resource === 'rollouts' && e.object.metadata.name === 'rollouts-demo' && e.type !== 'DELETED') push(e.object as Rollout, e.rv);
  });
  return { history, stop };
}

/** The records of one release (same canary revision and rollout-id), in order. */
export function releaseOf(history: StatusRecord[], canaryRevision: string, rolloutId?: string): StatusRecord[] {
  return history.filter((r) => r.canaryRevision === canaryRevision && r.observedRolloutID === rolloutId && r.index !== undefined);
}

/**
 * The invariants of one release without user jumps: the step index never moves back and never
 * moves on by more than 1; a manual step is left only after StepPaused then StepReady at it; and
 * once StepReady was seen at a step, that step is never StepPaused (or earlier) again.
 * Returns the problems found (empty when none).
 */
export function releaseProblems(records: StatusRecord[], manualSteps: number[]): string[] {
  const problems: string[] = [];
  const order = ['BeforeStepUpgrade', 'StepUpgrade', 'StepTrafficRouting', 'StepMetricsAnalysis', 'StepPaused', 'StepReady', 'Completed'];
  const seen = new Map<number, string[]>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const prev = records[i - 1];
    const states = seen.get(r.index!) ?? [];
    if (prev && r.index! < prev.index!) problems.push(`rv ${r.rv}: step went back from ${prev.index} to ${r.index}`);
    if (prev && r.index! > prev.index! + 1) problems.push(`rv ${r.rv}: step jumped from ${prev.index} to ${r.index}`);
    if (prev && r.index! > prev.index! && manualSteps.includes(prev.index!)) {
      const at = seen.get(prev.index!) ?? [];
      const p = at.indexOf('StepPaused');
      const ready = at.indexOf('StepReady');
      if (p < 0 || ready < p)
        problems.push(`rv ${r.rv}: left manual step ${prev.index} without StepPaused then StepReady (saw ${at.join(' ')})`);
    }
    if (states.includes('StepReady') && order.indexOf(r.state!) < order.indexOf('StepReady')) {
      problems.push(`rv ${r.rv}: step ${r.index} went back to ${r.state} after StepReady (a lost approval)`);
    }
    states.push(r.state!);
    seen.set(r.index!, states);
  }
  return problems;
}

/** The guide up to a Healthy first deploy: kubectl apply both objects (the Rollout from `rolloutFile`). */
export async function guideSetUp(env: KubectlEnv, rolloutFile = ROLLOUT_YAML): Promise<void> {
  await kubectlOk(env, ['apply', '-f', DEPLOYMENT_YAML]);
  await kubectlOk(env, ['rollout', 'status', 'deployment/workload-demo', '--timeout=10s']);
  await kubectlOk(env, ['apply', '-f', rolloutFile]);
  const w = await kruiseIn(env)('rollout', 'watch', 'rollouts-demo', '--until', 'completed', '--timeout', '10s');
  if (w.code !== 0) throw new Error(`first deploy did not complete: ${w.stderr}`);
}

/** The guide's patch, then approvals until the release waits at manual step `step`. */
export async function releaseToStep(env: KubectlEnv, step: number, patch = GUIDE_PATCH): Promise<void> {
  const kruise = kruiseIn(env);
  await kubectlOk(env, ['patch', 'deployment', 'workload-demo', '-p', patch]);
  for (let i = 1; i <= step; i++) {
    if (i > 1) {
      const a = await kruise('rollout', 'approve', 'rollouts-demo', '--step', String(i - 1));
      if (a.code !== 0) throw new Error(`approve step ${i - 1}: ${a.stderr}`);
    }
    const w = await kruise('rollout', 'watch', 'rollouts-demo', '--until', 'paused', '--step', String(i), '--timeout', '10s');
    if (w.code !== 0) throw new Error(`watch paused step ${i} exited ${w.code}: ${w.stderr}`);
  }
}

/** The first kubectl that runs here (1.32 when on PATH), for scenarios that need just one. */
export function firstKubectl(kubectls: Kubectl[]): Kubectl[] {
  return kubectls.slice(0, 1);
}

/**
 * Starts `rollout watch` in-process and resolves `started` once it printed its first line — the
 * watcher has then seen the Rollout and the workload, so it knows which release it awaits.
 */
export function startWatch(kubeconfig: string, args: string[]): { started: Promise<void>; done: Promise<CliResult> } {
  let out = '';
  let err = '';
  let signal!: () => void;
  const started = new Promise<void>((r) => (signal = r));
  const done = main(['rollout', 'watch', ...args, '--kubeconfig', kubeconfig], {
    io: {
      out: {
        write: (s: string) => {
          out += s;
          signal();
          return true;
        },
        isTTY: false,
      },
      err: {
        write: (s: string) => {
          err += s;
          return true;
        },
        isTTY: false,
      },
    },
    env: { HOME: '/nonexistent', PATH: process.env.PATH, NO_COLOR: '1' },
    now: () => new Date(),
  }).then((code) => {
    signal();
    return { code, stdout: out, stderr: err };
  });
  return { started, done };
}

/** The first kubectl available, for scenarios that run it against a `kubectl-kruise sandbox` of their own. */
let firstAvailable: Kubectl | undefined;
const kubectlPath = () => (firstAvailable ??= availableKubectls()[0]!).path;

/** `kubectl-kruise sandbox` in this process, its stderr captured; `stop` ends it as Ctrl-C would. */
export async function startSandboxCommand(
  dir: string,
  extra: string[] = [],
): Promise<{ kubeconfig: string; log: () => string; stop: () => Promise<void> }> {
  const kubeconfig = join(dir, 'kubeconfig');
  const err = captureStream();
  const abort = new AbortController();
  const done = main(['sandbox', '--port', '0', '--kubeconfig-out', kubeconfig, '--pod-ready-delay', '20ms', ...extra], {
    io: { out: captureStream(), err },
    env: { HOME: dir, PATH: process.env.PATH, NO_COLOR: '1' },
    now: () => new Date(),
    signal: abort.signal,
  });
  for (let i = 0; i < 200 && !existsSync(kubeconfig); i++) await new Promise((r) => setTimeout(r, 10));
  return {
    kubeconfig,
    log: () => err.text(),
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/** kubectl against a kubeconfig. */
export function runKubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(kubectlPath(), ['--kubeconfig', kubeconfig, ...args], { timeout: 30000 }, (e, stdout, stderr) => {
      resolve({ code: e ? Number((e as { code?: unknown }).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

/** kubectl against a kubeconfig; throws with its stderr unless it exits 0. */
export async function ok(kubeconfig: string, args: string[]): Promise<string> {
  const r = await runKubectl(kubeconfig, args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A new version of upstream's e2e CloneSet `echoserver` (its NODE_NAME env), as a user patches it. */
export function setCloneSetVersion(env: KubectlEnv, version: string): Promise<string> {
  return kubectlOk(env, [
    'patch',
    'cloneset',
    'echoserver',
    '--type=merge',
    '-p',
    JSON.stringify({
      spec: {
        template: {
          spec: { containers: [{ name: 'echoserver', image: 'cilium/echoserver:latest', env: [{ name: 'NODE_NAME', value: version }] }] },
        },
      },
    }),
  ]);
}
