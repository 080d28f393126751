// What users of the peers type (Argo Rollouts' `promote`/`abort`, kruise-tools' `describe`,
// kubectl's `get`/`rollback`), answered with the command that does it here.
import type { Command } from 'commander';

/** Verb of a peer tool → our `rollout` verb. */
const PEER_VERBS: Record<string, string> = {
  promote: 'approve',
  abort: 'undo',
  rollback: 'undo',
  describe: 'status',
  get: 'status',
};

/** The hint for an unknown verb, if a peer tool has it: `use 'kubectl kruise rollout approve'`. */
export function peerVerbHint(verb: string | undefined, invokedAs: string): string | undefined {
  const ours = verb !== undefined && Object.hasOwn(PEER_VERBS, verb) ? PEER_VERBS[verb] : undefined;
  return ours ? `use '${invokedAs} rollout ${ours}' for that here` : undefined;
}

/** Makes `cmd` answer a peer tool's verb with ours; other unknown verbs keep commander's message. */
export function hintPeerVerbs(cmd: Command, invokedAs: string): void {
  cmd.on('command:*', (operands: string[]) => {
    const hint = peerVerbHint(operands[0], invokedAs);
    if (!hint) return (cmd as unknown as { unknownCommand(): void }).unknownCommand();
    cmd.error(`error: unknown command '${operands[0]}': ${hint}`, { code: 'commander.unknownCommand', exitCode: 2 });
  });
}
