// The release invariants the scenario tests assert (helpers.releaseProblems), checked on
// hand-written histories so that a skipped step or a lost approval is known to be caught.
import { releaseProblems, type StatusRecord } from './helpers.js';

const h = (...steps: [number, string][]): StatusRecord[] => steps.map(([index, state], i) => ({ rv: i + 1, index, state }));

describe('releaseProblems', () => {
  test.each([
    [
      'a clean release',
      h(
        [1, 'StepUpgrade'],
        [1, 'StepPaused'],
        [1, 'StepReady'],
        [2, 'StepUpgrade'],
        [2, 'StepPaused'],
        [2, 'StepReady'],
        [3, 'StepUpgrade'],
        [3, 'Completed'],
      ),
      [],
    ],
    ['a skipped step', h([1, 'StepPaused'], [1, 'StepReady'], [3, 'StepUpgrade']), ['rv 3: step jumped from 1 to 3']],
    [
      'a step left without approval',
      h([1, 'StepUpgrade'], [1, 'StepPaused'], [2, 'StepUpgrade']),
      ['rv 3: left manual step 1 without StepPaused then StepReady (saw StepUpgrade StepPaused)'],
    ],
    [
      'an approval reverted',
      h([1, 'StepPaused'], [1, 'StepReady'], [1, 'StepPaused'], [1, 'StepReady'], [2, 'StepUpgrade']),
      ['rv 3: step 1 went back to StepPaused after StepReady (a lost approval)'],
    ],
    ['a step going back', h([2, 'StepUpgrade'], [1, 'StepUpgrade']), ['rv 2: step went back from 2 to 1']],
  ])('%s', (_name, history, problems) => {
    expect(releaseProblems(history, [1, 2])).toEqual(problems);
  });
});
