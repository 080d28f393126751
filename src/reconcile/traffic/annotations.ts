// The canary Ingress's annotations for a step, as upstream's bundled Lua scripts compute them
// (lua_configuration/trafficrouting_ingress/{nginx,aliyun-alb,mse,higress}.lua at v0.6.2). Each
// script is a fixed table of assignments, reproduced here as data and a few lines each; a
// classType without a bundled script is refused (refusal.ts).

/** A step's header / query match (upstream's HttpRouteMatch, the fields the scripts read). */
interface Match {
  headers?: { name?: string; value?: string; type?: string }[];
  queryParams?: { name?: string; value?: string; type?: string }[];
}

/** What a script is given: the canary Ingress's annotations, the weight (-1: none), the matches, the header modifier. */
export interface IngressStep {
  weight: number;
  matches?: unknown[];
  requestHeaderModifier?: unknown;
}

/** The classTypes upstream bundles a script for. */
export const INGRESS_CLASS_TYPES = ['nginx', 'aliyun-alb', 'mse', 'higress'] as const;

/** The canary annotation keys of an annotation prefix (`nginx.ingress.kubernetes.io`, `alb.ingress.kubernetes.io`). */
function keys(prefix: string) {
  return {
    canary: `${prefix}/canary`,
    cookie: `${prefix}/canary-by-cookie`,
    header: `${prefix}/canary-by-header`,
    pattern: `${prefix}/canary-by-header-pattern`,
    value: `${prefix}/canary-by-header-value`,
    weight: `${prefix}/canary-weight`,
  };
}

/** The header part every script shares: the first header of each match, a cookie when it is named `canary-by-cookie`. */
function applyHeader(a: Record<string, string>, k: ReturnType<typeof keys>, match: Match): void {
  const header = match.headers?.[0];
  if (!header) return;
  if (header.name === 'canary-by-cookie') {
    a[k.cookie] = header.value ?? '';
    return;
  }
  a[k.header] = header.name ?? '';
  if (header.type === 'RegularExpression') a[k.pattern] = header.value ?? '';
  else a[k.value] = header.value ?? '';
}

/** The new annotations of the canary Ingress: `annotations` as it carries them, changed as the classType's script does. */
export function canaryIngressAnnotations(
  classType: string,
  annotations: Record<string, string> | undefined,
  step: IngressStep,
): Record<string, string> {
  const a: Record<string, string> = { ...(annotations ?? {}) };
  const matches = (Array.isArray(step.matches) ? step.matches : []) as Match[];
  const prefix = classType === 'aliyun-alb' ? 'alb.ingress.kubernetes.io' : 'nginx.ingress.kubernetes.io';
  const k = keys(prefix);
  a[k.canary] = 'true';
  for (const key of [k.cookie, k.header, k.pattern, k.value]) delete a[key];
  if (classType === 'mse') {
    // As the script: it clears the mse.* query keys, and sets the nginx.* ones.
    for (const key of ['canary-by-query', 'canary-by-query-pattern', 'canary-by-query-value']) delete a[`mse.ingress.kubernetes.io/${key}`];
  }
  delete a[k.weight];
  if (classType === 'aliyun-alb') a['alb.ingress.kubernetes.io/order'] = '1';
  if (step.weight !== -1) a[k.weight] = String(step.weight);
  if (classType === 'mse') {
    if (a['mse.ingress.kubernetes.io/service-subset']) a['mse.ingress.kubernetes.io/service-subset'] = 'gray';
    const modifier = step.requestHeaderModifier as { set?: { name?: string; value?: string }[] } | undefined;
    if (modifier)
      a['mse.ingress.kubernetes.io/request-header-control-update'] = (modifier.set ?? []).map((h) => `${h.name} ${h.value}`).join('');
  }
  for (const match of matches) {
    applyHeader(a, k, match);
    const query = classType === 'mse' ? match.queryParams?.[0] : undefined;
    if (query) {
      a['nginx.ingress.kubernetes.io/canary-by-query'] = query.name ?? '';
      if (query.type === 'RegularExpression') a['nginx.ingress.kubernetes.io/canary-by-query-pattern'] = query.value ?? '';
      else a['nginx.ingress.kubernetes.io/canary-by-query-value'] = query.value ?? '';
    }
  }
  return a;
}
