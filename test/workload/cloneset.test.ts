// CloneSet partition arithmetic as tables (docs/controller.md §9, §16): Kruise's
// CalculatePartitionReplicas and the partition upstream's BatchRelease writes for each batch.
import { batchPartition, partitionReplicas } from '../../src/workload/cloneset.js';
import { batchReplicas } from '../../src/workload/partition.js';

test.each([
  // [partition, replicas, pods kept at the old revision]
  [undefined, 5, 0],
  [null, 5, 0],
  [0, 5, 0],
  [3, 5, 3],
  [7, 5, 5],
  ['0%', 5, 0],
  ['1%', 5, 1],
  ['50%', 5, 3],
  ['99%', 10, 9],
  ['100%', 10, 10],
  ['99%', 1, 1],
  ['1%', 200, 2],
])('partition %p of %p keeps %p', (partition, replicas, kept) => {
  expect(partitionReplicas(partition as never, replicas)).toBe(kept);
});

test.each([
  // [step replicas, workload replicas, partition written, pods it keeps]
  [1, 10, 9, 9],
  ['10%', 10, '90%', 9],
  ['20%', 5, '80%', 4],
  ['40%', 5, '60%', 3],
  ['60%', 5, '40%', 2],
  ['100%', 5, '0%', 0],
  ['0%', 5, '100%', 5],
  ['50%', 3, '33%', 1],
  [199, 200, 1, 1],
  // 99% of 150 updates ceil(148.5) = 149; the one stable pod is 0.67%: floor → "0%", which would
  // keep none, so upstream writes "1%" (which keeps ceil(1.5) = 2).
  ['99%', 150, '1%', 2],
  [5, 5, 0, 0],
])('step %p of %p replicas: partition %p (keeps %p)', (step, replicas, partition, kept) => {
  const updated = batchReplicas(step as never, replicas, 'plain');
  expect(batchPartition(step as never, replicas, updated)).toEqual(partition);
  expect(partitionReplicas(batchPartition(step as never, replicas, updated), replicas)).toBe(kept);
});
