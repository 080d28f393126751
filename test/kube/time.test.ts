import { kubeTime } from '../../src/kube/time.js';

describe('kubeTime (metav1.Time)', () => {
  test('drops milliseconds', () => {
    expect(kubeTime(new Date('2026-11-27T10:00:01.234Z'))).toBe('2026-11-27T10:00:01Z');
  });
  test('keeps a whole second as it is', () => {
    expect(kubeTime(new Date('2026-11-27T10:00:01Z'))).toBe('2026-11-27T10:00:01Z');
  });
});
