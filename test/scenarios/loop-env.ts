// The harness of the scenario tests that release upstream's e2e workloads (CloneSet, native and
// Advanced StatefulSet) through a Rollout under the sandbox's own controller loop: per test a
// sandbox with kubectl (pods Ready 30 ms after they start unless told), a temp directory for
// edited objects, and our CLI's watch and approve of the Rollout as a user runs them. Call `loopEnv`
// at describe level: it registers the beforeEach/afterEach/afterAll and returns members that read
// the current sandbox.
import { type Kubectl, type KubectlEnv, startKubectlEnv } from '../conformance/harness.js';
import type { CliResult } from '../helpers/cli.js';
import { fixtureDir, kruiseIn, kubectlOk } from './helpers.js';

const ID = 'rollouts.kruise.io/rollout-id';
const BATCH = 'rollouts.kruise.io/rollout-batch-id';

export interface LoopEnv {
  readonly env: KubectlEnv;
  /** Edited copies of upstream's objects (removed after the describe). */
  readonly files: ReturnType<typeof fixtureDir>;
  /** Our CLI against the current sandbox. */
  kruise(...args: string[]): Promise<CliResult>;
  /** `rollout watch <rollout> ...until`; throws with its output unless it exits 0. */
  watch(...until: string[]): Promise<void>;
  /** `rollout approve <rollout> --step step`; throws with its stderr unless it exits 0. */
  approve(step: number): Promise<void>;
  /** The workload's pods as `kubectl get pods -l <podSelector> -o json` lists them. */
  pods(): Promise<any[]>;
}

export interface LoopEnvOptions {
  /** The Rollout `watch` and `approve` name; `echoserver` unless given. */
  rollout?: string;
  /** What `watch` passes as --timeout; 15s unless given. */
  watchTimeout?: string;
  /** How long after it starts a pod turns Ready; 30 ms unless given. */
  podReadyDelayMs?: number;
  /** The label selector of the workload's pods; `app=echoserver` unless given. */
  podSelector?: string;
}

export function loopEnv(kubectl: Kubectl, opts: LoopEnvOptions = {}): LoopEnv {
  const rollout = opts.rollout ?? 'echoserver';
  let env: KubectlEnv;
  const files = fixtureDir();
  beforeEach(async () => {
    env = await startKubectlEnv(kubectl, { podReadyDelayMs: opts.podReadyDelayMs ?? 30 });
  });
  afterEach(async () => {
    await env?.close();
  });
  afterAll(() => files.cleanup());

  const kruise = (...args: string[]) => kruiseIn(env)(...args);
  return {
    get env() {
      return env;
    },
    files,
    kruise,
    watch: async (...until: string[]) => {
      const w = await kruise('rollout', 'watch', rollout, ...until, '--timeout', opts.watchTimeout ?? '15s');
      if (w.code !== 0) throw new Error(`watch ${until.join(' ')}: ${w.code} ${w.stderr}${w.stdout}`);
    },
    approve: async (step: number) => {
      const a = await kruise('rollout', 'approve', rollout, '--step', String(step));
      if (a.code !== 0) throw new Error(`approve ${step}: ${a.stderr}`);
    },
    pods: async () => JSON.parse(await kubectlOk(env, ['get', 'pods', '-l', opts.podSelector ?? 'app=echoserver', '-o', 'json'])).items,
  };
}

/** Per rollout-batch-id, how many of `pods` carry rollout-id `id` (upstream's CheckPodBatchLabel counts). */
export function batchesOf(pods: any[], id: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods) if (p.metadata.labels[ID] === id) out[p.metadata.labels[BATCH]] = (out[p.metadata.labels[BATCH]] ?? 0) + 1;
  return out;
}
