// Runs the longest test files first, so they overlap with the rest of the suite on the second jest worker
// instead of running alone at the end (a clean CI clone has no timing cache for jest's own ordering).
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = ['campaign-scale.test.ts', 'reliability'];

function rank(testPath) {
  const index = LONGEST_FIRST.findIndex((part) => testPath.includes(part));
  return index === -1 ? LONGEST_FIRST.length : index;
}

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    return [...super.sort(tests)].sort((a, b) => rank(a.path) - rank(b.path));
  }
}

module.exports = LongestFirstSequencer;
