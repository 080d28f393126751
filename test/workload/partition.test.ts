import { batchReplicas, batchReplicasOrZero } from '../../src/workload/partition.js';

describe('batchReplicas (docs/controller.md §9)', () => {
  test.each([
    // value, replicas, rounding, expected
    [1, 10, 'partition', 1],
    ['50%', 10, 'partition', 5],
    ['99%', 10, 'partition', 9],
    ['99%', 10, 'plain', 10],
    ['100%', 10, 'partition', 10],
    ['20%', 5, 'partition', 1],
    ['40%', 5, 'partition', 2],
    ['60%', 5, 'partition', 3],
    ['80%', 5, 'partition', 4],
    ['20%', 3, 'partition', 1],
    ['60%', 3, 'partition', 2],
    ['80%', 3, 'partition', 2],
    ['80%', 3, 'plain', 3],
    ['90%', 3, 'partition', 2],
    ['100%', 3, 'partition', 3],
    ['50%', 2, 'partition', 1],
    ['60%', 2, 'partition', 1],
    ['60%', 2, 'plain', 2],
    ['50%', 1, 'partition', 1],
    [12, 10, 'partition', 10],
    // Integers are never capped at replicas − 1.
    [10, 10, 'partition', 10],
    [9, 10, 'partition', 9],
    ['30%', 10, 'partition', 3],
    [undefined, 10, 'partition', 0],
  ] as const)('%p of %i (%s) → %p', (value, replicas, rounding, expected) => {
    expect(batchReplicas(value, replicas, rounding)).toBe(expected);
  });

  test('a string that is not a percentage throws; the OrZero variant answers 0', () => {
    expect(() => batchReplicas('bogus', 10, 'partition')).toThrow(/not a percentage/);
    expect(batchReplicasOrZero('bogus', 10, 'plain')).toBe(0);
  });
});
