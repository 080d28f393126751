// Metadata edits shared by every workload control's hand-back (docs/controller.md §11).
import type { KubeObject } from '../kube/types.js';

/**
 * Removes the given labels and annotations from `obj` (copies of its maps, so the observed object
 * is not changed under a reader); a map left empty goes away, since the user never wrote
 * `labels: {}`.
 */
export function dropMetadata(obj: KubeObject, keys: { labels?: readonly string[]; annotations?: readonly string[] }): void {
  for (const field of ['labels', 'annotations'] as const) {
    const drop = keys[field];
    if (!drop?.length || !obj.metadata[field]) continue;
    const map = { ...obj.metadata[field] };
    for (const k of drop) delete map[k];
    if (Object.keys(map).length > 0) obj.metadata[field] = map;
    else delete obj.metadata[field];
  }
}
