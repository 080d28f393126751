// Rollout arguments as kubectl spells them: `rollout/NAME`, `ro/NAME`, `rollouts.rollouts.kruise.io/NAME`,
// `rollout NAME [NAME…]`, or a bare `NAME`.
import { UsageError } from './errors.js';

// Every spelling of the Rollout type, lower-cased (kubectl matches resource names case-insensitively).
const ROLLOUT_TYPES = new Set([
  'rollout',
  'rollouts',
  'ro',
  'rollout.rollouts.kruise.io',
  'rollouts.rollouts.kruise.io',
  'rollout.v1beta1.rollouts.kruise.io',
  'rollouts.v1beta1.rollouts.kruise.io',
  'rollout.v1alpha1.rollouts.kruise.io',
  'rollouts.v1alpha1.rollouts.kruise.io',
]);

// Types a user may plausibly write first (`approve deployment x`); with a name after them they are
// a type, not a rollout called "deployment".
const OTHER_TYPES = new Set([
  'deployment',
  'deployments',
  'deploy',
  'deployment.apps',
  'deployments.apps',
  'statefulset',
  'statefulsets',
  'sts',
  'daemonset',
  'daemonsets',
  'ds',
  'cloneset',
  'clonesets',
  'replicaset',
  'replicasets',
  'rs',
  'pod',
  'pods',
  'po',
  'service',
  'services',
  'svc',
  'batchrelease',
  'batchreleases',
  'rollouthistory',
  'rollouthistories',
  'advancedstatefulset',
  'advancedstatefulsets',
  'asts',
]);

/** Whether `word` names the Rollout type (`ro`, `rollouts.rollouts.kruise.io`…), case-insensitively. */
export function isRolloutType(word: string): boolean {
  return ROLLOUT_TYPES.has(word.toLowerCase());
}

/** Whether `word` names another type a user may write first (`deployment`, `cloneset`…). */
export function isOtherType(word: string): boolean {
  return OTHER_TYPES.has(word.toLowerCase());
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Rollout names from command arguments: deduplicated, in order; other types and empty names are usage errors. */
export function parseRolloutArgs(args: string[]): string[] {
  if (args.length === 0) throw new UsageError('required resource not specified: give rollout/NAME (or NAME)');
  const names: string[] = [];
  const add = (name: string, arg: string) => {
    if (name === '') throw new UsageError(`"${arg}": the rollout name is empty; use rollout/NAME`);
    if (!NAME_RE.test(name))
      throw new UsageError(`"${arg}": "${name}" is not a valid rollout name (lower-case letters, digits, '-' and '.')`);
    if (!names.includes(name)) names.push(name);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const slash = arg.indexOf('/');
    if (slash >= 0) {
      const type = arg.slice(0, slash);
      const name = arg.slice(slash + 1);
      checkType(type);
      if (name.includes('/')) throw new UsageError(`"${arg}": use TYPE/NAME with a single '/'`);
      add(name, arg);
      continue;
    }
    const lower = arg.toLowerCase();
    const isRolloutType = ROLLOUT_TYPES.has(lower);
    if (isRolloutType || (i === 0 && OTHER_TYPES.has(lower) && args.length > 1)) {
      checkType(arg);
      // `rollout NAME [NAME…]`: the type word must be followed by at least one bare name.
      const next = args[i + 1];
      if (next === undefined || next.includes('/'))
        throw new UsageError(`"${arg}" must be followed by a rollout name: ${arg} NAME, or rollout/NAME`);
      continue;
    }
    add(arg, arg);
  }
  return names;
}

function checkType(type: string): void {
  if (type === '') throw new UsageError('the resource type is empty; use rollout/NAME');
  if (!ROLLOUT_TYPES.has(type.toLowerCase())) {
    throw new UsageError(`rollout commands only work on rollouts.rollouts.kruise.io, not "${type}"`);
  }
}
