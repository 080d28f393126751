// The name the user typed, for help and examples: `kubectl kruise` through kubectl's plugin
// lookup, `kubectl-kruise` when run directly.

/** `kubectl kruise` when env `_` (the path the shell exec'd) names kubectl, else `kubectl-kruise`. */
export function invokedAsFrom(env: NodeJS.ProcessEnv): string {
  // kubectl execs a plugin with the environment it got from the shell, whose `_` is the path of
  // the kubectl binary; run directly, `_` is the plugin's own path. There is no other signal:
  // kubectl sets no variable of its own for plugins.
  const last = (env._ ?? '').split(/[\\/]/).pop() ?? '';
  return /^kubectl(\.exe)?$/i.test(last) ? 'kubectl kruise' : 'kubectl-kruise';
}
