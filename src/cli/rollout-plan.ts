// `rollout plan ROLLOUT|-f FILE [--replicas N] [-o json|yaml]`: the batches a Rollout would make.
// From the cluster it only reads (the Rollout, and its workload unless --replicas); from a file it
// sends nothing at all.
import { readFile } from 'node:fs/promises';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import { loadYaml } from '../kube/yaml.js';
import { planRollout, type RolloutPlanView } from '../rollout/plan.js';
import { workloadRefOf, workloadResourceOf } from '../rollout/release.js';
import type { Rollout } from '../rollout/types.js';
import { isAdvancedDaemonSet } from '../workload/daemonset.js';
import { workloadReplicas } from '../workload/replicas.js';
import type { Deps } from './deps.js';
import { CliError, ExitCode, type ExitCodeValue } from './errors.js';
import type { PlanOptions } from './rollout-plan-options.js';

/** The one message of each plan failure after parsing. */
export const PlanFailure = {
  unreadable: (file: string, why: string) => `cannot read ${file}: ${why}`,
  notYaml: (file: string, why: string) => `${file} is not YAML or JSON: ${why}`,
  noRollout: (file: string) => `${file} has no Rollout (kind: Rollout, apiVersion rollouts.kruise.io/…)`,
  manyRollouts: (file: string) => `${file} has several Rollouts: plan one file per Rollout`,
  noReplicas: (where: string) => `${where}; give the number of pods with --replicas N`,
} as const;

/** Runs `rollout plan`: from the file, or from the cluster; prints the plan. */
export async function runPlan(o: PlanOptions, deps: Deps): Promise<ExitCodeValue> {
  const plan = o.file !== undefined ? await planFromFile(o.file, o.replicas) : await planFromCluster(o, deps);
  if (o.output === 'json') deps.io.out.write(`${JSON.stringify(plan, null, 2)}\n`);
  else if (o.output === 'yaml') deps.io.out.write((await loadYaml()).stringify(plan));
  else deps.io.out.write((await import('../render/plan-text.js')).renderPlanText(plan));
  return ExitCode.ok;
}

/** The documents of a YAML (or JSON) file, `---`-separated. */
async function documents(file: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(PlanFailure.unreadable(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err)));
  }
  const { parse } = await loadYaml();
  const docs: KubeObject[] = [];
  for (const part of text.split(/^---[ \t]*$/m)) {
    let doc: unknown;
    try {
      doc = parse(part);
    } catch (err) {
      throw new CliError(PlanFailure.notYaml(file, (err as Error).message.split('\n')[0]!));
    }
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const d = doc as KubeObject & { items?: KubeObject[] };
      // A List (kubectl get -o yaml) holds its objects in items.
      docs.push(...(Array.isArray(d.items) && /List$/.test(String(d.kind)) ? d.items : [d]));
    }
  }
  return docs;
}

const isRollout = (d: KubeObject) =>
  d.kind === 'Rollout' && typeof d.apiVersion === 'string' && d.apiVersion.startsWith('rollouts.kruise.io/');

async function planFromFile(file: string, replicas: number | undefined): Promise<RolloutPlanView> {
  const docs = await documents(file);
  const rollouts = docs.filter(isRollout) as Rollout[];
  if (rollouts.length === 0) throw new CliError(PlanFailure.noRollout(file));
  if (rollouts.length > 1) throw new CliError(PlanFailure.manyRollouts(file));
  const ro = rollouts[0]!;
  if (replicas !== undefined) return planRollout(ro, replicas, 'flag');
  const ref = workloadRefOf(ro);
  const workload = ref && docs.find((d) => d.kind === ref.kind && d.metadata?.name === ref.name);
  if (!workload) {
    throw new CliError(
      PlanFailure.noReplicas(`${file} has no ${ref ? `${ref.kind} ${ref.name}` : 'workload'} to take the replicas from`),
      ExitCode.usage,
    );
  }
  // An Advanced DaemonSet's replicas are the nodes it runs on (its status): a manifest cannot say.
  if (isAdvancedDaemonSet(workload) && typeof workload.status?.desiredNumberScheduled !== 'number')
    throw new CliError(
      PlanFailure.noReplicas(`${ref!.kind} ${ref!.name} runs one pod per node, which ${file} does not say`),
      ExitCode.usage,
    );
  return planRollout(ro, workloadReplicas(workload), 'workload');
}

async function planFromCluster(o: PlanOptions, deps: Deps): Promise<RolloutPlanView> {
  const [{ withKubeClient }, { getRollout }] = await Promise.all([import('../kube/from-flags.js'), import('./rollout-mutation.js')]);
  return withKubeClient(o.globals, deps, async (client) => {
    const { ro } = await getRollout(client, client.namespace, o.name!);
    if (o.replicas !== undefined) return planRollout(ro, o.replicas, 'flag');
    const ref = workloadRefOf(ro);
    if (!ref) throw new CliError(PlanFailure.noReplicas(`rollout "${o.name}" has no workloadRef`));
    try {
      const workload = await client.get(workloadResourceOf(ref), ro.metadata.namespace ?? client.namespace, ref.name);
      return planRollout(ro, workloadReplicas(workload), 'workload');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new CliError(
        PlanFailure.noReplicas(
          `the workload ${ref.kind} "${ref.name}" of rollout "${o.name}" was not found in namespace "${ro.metadata.namespace ?? client.namespace}"`,
        ),
      );
    }
  });
}
