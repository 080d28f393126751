// Kubernetes' timestamp format, for everything we write or print as a time.

/** metav1.Time: RFC 3339 in whole seconds, as the API server serialises it (2026-11-27T10:00:01Z). */
export function kubeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
