// The Gateway API provider (upstream's pkg/trafficrouting/network/gateway/gateway.go): the
// HTTPRoute's rules as a step wants them — a canary backendRef beside the stable one with the
// step's weights, or for header/query matches an extra rule to the canary Service — and as they
// were before the release (canary refs removed, the stable one at weight 1).

/** An HTTPRoute backendRef (the fields the provider reads and writes). */
interface BackendRef {
  kind?: string;
  name?: string;
  weight?: number;
  [k: string]: unknown;
}

/** An HTTPRoute match. */
interface RouteMatch {
  path?: unknown;
  headers?: unknown[];
  queryParams?: unknown[];
  [k: string]: unknown;
}

/** An HTTPRoute rule. */
export interface RouteRule {
  backendRefs?: BackendRef[];
  matches?: RouteMatch[];
  [k: string]: unknown;
}

const indexOfService = (rule: RouteRule, service: string) =>
  (rule.backendRefs ?? []).findIndex((ref) => ref.kind === 'Service' && ref.name === service);

/** setServiceBackendRef: replace the Service's ref in place, or append it. */
function setRef(rule: RouteRule, ref: BackendRef): void {
  if (ref.kind !== 'Service') return;
  const i = indexOfService(rule, ref.name ?? '');
  if (i < 0) rule.backendRefs = [...(rule.backendRefs ?? []), ref];
  else rule.backendRefs = rule.backendRefs!.map((r, j) => (j === i ? ref : r));
}

/**
 * buildDesiredHTTPRoute: `weight` -1 restores the rules (finalising); else matches make header
 * rules, and a weight makes weighted backendRefs. `weight` undefined with no matches is never asked.
 */
export function desiredRouteRules(
  rules: RouteRule[],
  stable: string,
  canary: string,
  weight: number | undefined,
  matches: unknown[] | undefined,
): RouteRule[] {
  const copy = structuredClone(rules ?? []);
  if (weight === -1) {
    const out: RouteRule[] = [];
    for (const rule of copy) {
      const c = indexOfService(rule, canary);
      if (c >= 0) rule.backendRefs = rule.backendRefs!.filter((_, j) => j !== c);
      const s = indexOfService(rule, stable);
      if (s >= 0) setRef(rule, { ...rule.backendRefs![s]!, weight: 1 });
      if ((rule.backendRefs?.length ?? 0) !== 0) out.push(rule);
    }
    return out;
  }
  if (Array.isArray(matches) && matches.length > 0) return headerRules(copy, stable, canary, matches as RouteMatch[]);
  const out: RouteRule[] = [];
  for (const rule of copy) {
    const s = indexOfService(rule, stable);
    if (s < 0) {
      out.push(rule);
      continue;
    }
    const stableRef = rule.backendRefs![s]!;
    const c = indexOfService(rule, canary);
    const canaryRef = c >= 0 ? rule.backendRefs![c]! : { ...structuredClone(stableRef), name: canary };
    setRef(rule, { ...stableRef, weight: 100 - (weight ?? 0) });
    setRef(rule, { ...canaryRef, weight: weight ?? 0 });
    out.push(rule);
  }
  return out;
}

/** buildCanaryHeaderHttpRoutes: each rule to the stable Service gets a canary twin matching the step's matches. */
function headerRules(rules: RouteRule[], stable: string, canary: string, matches: RouteMatch[]): RouteRule[] {
  const desired: RouteRule[] = [];
  const canaries: RouteRule[] = [];
  let pathMatches = matches.filter((m) => m.path !== undefined && m.path !== null);
  const nonPathMatches = matches.filter((m) => m.path === undefined || m.path === null);
  for (const rule of rules) {
    if (indexOfService(rule, canary) >= 0) continue;
    desired.push(rule);
    const s = indexOfService(rule, stable);
    if (s < 0) continue;
    const canaryRule = structuredClone(rule);
    canaryRule.backendRefs = [{ ...structuredClone(rule.backendRefs![s]!), name: canary }];
    const newMatches: RouteMatch[] = pathMatches.map((m) => ({
      path: m.path,
      ...(m.headers ? { headers: m.headers } : {}),
      ...(m.queryParams ? { queryParams: m.queryParams } : {}),
    }));
    pathMatches = [];
    if (nonPathMatches.length === 0 && newMatches.length === 0) continue;
    for (const base of canaryRule.matches ?? []) {
      // As upstream: the k-th match of the step's list (not of the non-path ones) is appended.
      for (let k = 0; k < nonPathMatches.length; k++) {
        const m = { ...base };
        const step = matches[k]!;
        if ((step.headers?.length ?? 0) > 0) m.headers = [...(m.headers ?? []), ...step.headers!];
        if ((step.queryParams?.length ?? 0) > 0) m.queryParams = [...(m.queryParams ?? []), ...step.queryParams!];
        newMatches.push(m);
      }
    }
    canaryRule.matches = newMatches;
    canaries.push(canaryRule);
  }
  return [...desired, ...canaries];
}
