// Flag values shared by several commands, parsed one way each, with one message each. The
// messages are named so tests check the same text the user sees.

import { Option } from 'commander';
import { parseDuration } from '../kube/duration.js';
import { UsageError } from './errors.js';

/** The one message of each flag mistake. */
export const FlagError = {
  step: (value: string) => `invalid --step "${value}": use the step number, an integer from 1`,
  rolloutIdEmpty: '--rollout-id needs a value',
  /** kubectl's message for an -o it has no printer for. */
  output: (value: string, allowed: readonly string[]) =>
    `unable to match a printer suitable for the output format "${value}", allowed formats are: ${allowed.join(', ')}`,
  duration: (flag: string, value: string) => `invalid ${flag} "${value}": use a duration such as 30s, 5m or 1h`,
  /** commander's own message for a value outside .choices(), for the checks it cannot do. */
  choice: (option: string, value: string, allowed: readonly string[]) =>
    `option '${option}' argument '${value}' is invalid. Allowed choices are ${allowed.join(', ')}.`,
} as const;

/** The -o formats of the commands that write a rollout (approve, pause, resume). */
export const MUTATION_OUTPUTS = ['json', 'yaml', 'name'] as const;
export type MutationOutput = (typeof MUTATION_OUTPUTS)[number] | undefined;

/** `--step N`: a step index from 1; undefined when the flag is absent. */
export function parseStep(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(FlagError.step(String(value)));
  return Number(text);
}

/** `--rollout-id ID`: any non-empty text; undefined when the flag is absent. */
export function parseRolloutId(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const id = String(value);
  if (id === '') throw new UsageError(FlagError.rolloutIdEmpty);
  return id;
}

/** `-o FORMAT` against the formats a command can print; undefined when absent (or empty, as kubectl). */
export function parseOutput<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(FlagError.output(String(value), allowed));
  return value as T;
}

/** A kubectl duration flag (`30s`, `1m30s`, `2h`) in ms; undefined when absent. */
export function parseDurationFlag(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value));
  if (ms === undefined || ms < 0) throw new UsageError(FlagError.duration(flag, String(value)));
  return ms;
}

/**
 * `-o, --output <format>` offering `choices` to help and completion; the value is still checked by
 * parseOutput, with kubectl's message (commander's own check would word it differently).
 */
export function outputOption(description: string, choices: readonly string[]): Option {
  const o = new Option('-o, --output <format>', description);
  o.argChoices = [...choices];
  return o;
}
