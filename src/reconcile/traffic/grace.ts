// Upstream's grace expectations (pkg/util/grace): after a task modified a traffic object, the task
// is not done until gracePeriodSeconds have passed, so that the gateway catches up. As upstream,
// the expectations live in the controller's memory (a restarted controller, or a new
// reconcile-once process, does not wait again); times come from the pass's clock.

/** Expectations by object key and action: when the modification was made (ms). */
export class GraceBook {
  private readonly expected = new Map<string, number>();

  /**
   * Upstream's RunWithGraceSeconds after the task ran: whether to retry, and how long until the
   * grace period is over. `modified` says whether the task changed an object in this pass.
   */
  run(key: string, action: string, graceSeconds: number, modified: boolean, now: Date): { retry: boolean; remainingMs: number } {
    const k = JSON.stringify([key, action]);
    if (graceSeconds === 0) {
      this.expected.delete(k);
      return { retry: false, remainingMs: 0 };
    }
    if (modified) {
      this.expected.set(k, now.getTime());
      return { retry: true, remainingMs: graceSeconds * 1000 };
    }
    const since = this.expected.get(k);
    if (since !== undefined) {
      const remaining = since + graceSeconds * 1000 - now.getTime();
      if (remaining > 0) return { retry: true, remainingMs: remaining };
    }
    this.expected.delete(k);
    return { retry: false, remainingMs: 0 };
  }
}

/** The expectations of this process's controller (reconcile-once passes, the sandbox's loop). */
export const defaultGraceBook = new GraceBook();
