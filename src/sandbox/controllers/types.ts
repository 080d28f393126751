// The contract between the sandbox's built-in controllers (pure planners) and the store that
// applies their plans.
import type { KubeObject } from '../../kube/types.js';

/**
 * One write a controller wants. 'update' replaces spec/metadata of the object as read (its
 * metadata.resourceVersion is kept, so a stale plan fails with a conflict); 'updateStatus'
 * replaces only status; 'create' objects carry no resourceVersion/uid. A planner emits at most
 * one action per object per pass, so that two writes never race on the same resourceVersion.
 */
export interface ControllerAction {
  op: 'create' | 'update' | 'updateStatus' | 'delete';
  resource:
    | 'deployments'
    | 'replicasets'
    | 'pods'
    | 'clonesets.apps.kruise.io'
    | 'statefulsets'
    | 'statefulsets.apps.kruise.io'
    | 'daemonsets.apps.kruise.io'
    | 'controllerrevisions';
  object: KubeObject;
}

/** What one reconcile pass wants written, and when it wants to run again regardless of events. */
export interface ControllerResult {
  actions: ControllerAction[];
  requeueAfterMs?: number;
}
