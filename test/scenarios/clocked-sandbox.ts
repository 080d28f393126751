// The harness of the scenario tests that run the controller themselves: a sandbox without a
// controller loop (Deployment updates admitted as the webhook would), kubectl with a private HOME
// and kubeconfig, our CLI with an injected clock `t`, and `drive`, which runs `rollout
// reconcile-once` with the clock moved on until what the test waits for holds. Call
// `clockedSandbox` at describe level: it registers the beforeEach/afterEach that start a fresh
// sandbox per test and returns members that read the current one.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitDeploymentUpdate } from '../../src/reconcile/workload-admission.js';
import type { Rollout } from '../../src/rollout/types.js';
import { sandboxKubeconfig } from '../../src/sandbox/kubeconfig.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { Pod, ReplicaSet } from '../../src/workload/types.js';
import { availableKubectls } from '../conformance/harness.js';
import type { CliResult } from '../helpers/cli.js';
import { runCli } from '../helpers/cli.js';
import { fixtureDir, until } from './helpers.js';

export const kubectl = availableKubectls()[0];
/** `describe` when a kubectl runs here, else `describe.skip` (the harness applies objects with it). */
export const describeWithKubectl = kubectl ? describe : describe.skip;

/** The clock every test starts at. */
const START = Date.parse('2026-01-15T12:00:00Z');

export interface ClockedSandboxOptions {
  /** Prefix of the temp HOME that holds the kubeconfig (e.g. `kk-traffic-`). */
  tmpPrefix: string;
  /** The sub-status `state()` and `at()` read; canaryStatus unless given. */
  status?: 'canaryStatus' | 'blueGreenStatus';
  /** The arguments after `rollout reconcile-once` (read on each pass); `rollouts-demo` unless given. */
  onceArgs?: () => string[];
  /** How many passes `drive` makes at most unless a call says; 60 unless given. */
  maxPasses?: number;
  /** `settled()` waits only for pods not being deleted (those being deleted may be unready). */
  settledLivePodsOnly?: boolean;
}

export interface ClockedSandbox {
  readonly sb: Sandbox;
  readonly home: string;
  readonly kubeconfig: string;
  readonly files: ReturnType<typeof fixtureDir>;
  /** The injected clock, in ms; `kruise` and `once` read it, `drive` moves it on. */
  t: number;
  /** kubectl with the test's kubeconfig and private HOME. */
  run(args: string[]): Promise<CliResult>;
  /** `kubectl apply -f path`; throws with kubectl's stderr unless it exits 0. */
  apply(path: string): Promise<void>;
  /** Our CLI in-process against the sandbox, at the clock `t`. */
  kruise(...args: string[]): Promise<CliResult>;
  /** One `rollout reconcile-once`. */
  once(): Promise<CliResult>;
  /** rollouts-demo as the store holds it now. */
  rollout(): Rollout | undefined;
  /** `phase/currentStepIndex/currentStepState` of rollouts-demo. */
  state(): string;
  /** Resolves once every pod is Ready and every ReplicaSet at its size. */
  settled(): Promise<void>;
  /**
   * Runs reconcile-once, the clock `stepMs` later each time, until `want` holds (at most `max`
   * passes, `each` called after every pass once settled); returns every state seen.
   */
  drive(want: () => boolean, stepMs?: number, opts?: { each?: () => void; max?: number }): Promise<string[]>;
  /** A predicate: rollouts-demo is at step `index` in `stepState` (StepPaused unless given). */
  at(index: number, stepState?: string): () => boolean;
}

export function clockedSandbox(opts: ClockedSandboxOptions): ClockedSandbox {
  let sb: Sandbox;
  let home: string;
  let kubeconfig: string;
  let files: ReturnType<typeof fixtureDir>;
  let t: number;

  const run = (args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        kubectl!.path,
        ['--kubeconfig', kubeconfig, ...args],
        { env: { PATH: process.env.PATH, HOME: home } },
        (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
    });
  const apply = async (path: string) => {
    const r = await run(['apply', '-f', path]);
    if (r.code !== 0) throw new Error(`kubectl apply -f ${path}: ${r.stderr}`);
  };
  const kruise = (...args: string[]) => runCli([...args, '--kubeconfig', kubeconfig], { now: () => new Date(t) });
  const once = () => kruise('rollout', 'reconcile-once', ...(opts.onceArgs ? opts.onceArgs() : ['rollouts-demo']));
  const rollout = () => sb.store.get<Rollout>('rollouts', 'default', 'rollouts-demo');
  const sub = () => rollout()?.status?.[opts.status ?? 'canaryStatus'];
  const state = () => `${rollout()?.status?.phase}/${sub()?.currentStepIndex}/${sub()?.currentStepState}`;
  const settled = () =>
    until(
      sb,
      'every ReplicaSet at its size with ready pods',
      () =>
        sb.store
          .list<Pod>('pods', { namespace: 'default' })
          .filter((p) => !opts.settledLivePodsOnly || !p.metadata.deletionTimestamp)
          .every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) &&
        sb.store.list<ReplicaSet>('replicasets', { namespace: 'default' }).every((rs) => rs.status?.replicas === rs.spec.replicas),
    );
  const drive = async (
    want: () => boolean,
    stepMs = 1000,
    { each, max = opts.maxPasses ?? 60 }: { each?: () => void; max?: number } = {},
  ) => {
    const seen: string[] = [];
    for (let i = 0; i < max && !want(); i++) {
      t += stepMs;
      const r = await once();
      if (r.code !== 0) throw new Error(`reconcile-once: ${r.stdout}${r.stderr}`);
      await settled();
      each?.();
      if (seen[seen.length - 1] !== state()) seen.push(state());
    }
    if (!want()) throw new Error(`never got there; states ${seen.join(' ')}; status ${JSON.stringify(rollout()?.status)}`);
    return seen;
  };
  const at =
    (index: number, stepState = 'StepPaused') =>
    () =>
      sub()?.currentStepIndex === index && sub()?.currentStepState === stepState;

  beforeEach(async () => {
    t = START;
    sb = await createSandbox({ port: 0, podReadyDelayMs: 0, workloadAdmission: { admitDeploymentUpdate } });
    home = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
    kubeconfig = join(home, 'kubeconfig');
    writeFileSync(kubeconfig, sandboxKubeconfig(sb.url));
    files = fixtureDir();
  });
  afterEach(async () => {
    await sb.close();
    rmSync(home, { recursive: true, force: true });
    files.cleanup();
  });

  return {
    get sb() {
      return sb;
    },
    get home() {
      return home;
    },
    get kubeconfig() {
      return kubeconfig;
    },
    get files() {
      return files;
    },
    get t() {
      return t;
    },
    set t(ms: number) {
      t = ms;
    },
    run,
    apply,
    kruise,
    once,
    rollout,
    state,
    settled,
    drive,
    at,
  };
}
