// Unit tests of the logit-lens readings a table shows: positions, first top-1 layer, target rank.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayToken, firstTop1Layers, formatPercent, matchesTarget, parsePositions, shownPositions, targetHits } from '../../src/analysis/logit-lens.js';
import { XrayError } from '../../src/errors.js';
import type { TopToken } from '../../src/types.js';

const t = (token: string, prob: number, id = -1): TopToken => ({ token, id, prob });

// Three layers, two positions. Position 0's top-1 goes London, Paris, Paris (first final top-1: layer 1);
// position 1's goes the, a, the (layer 0, though layer 1 loses it).
const lens: TopToken[][][] = [
  [
    [t(' London', 0.5), t(' Paris', 0.2)],
    [t(' the', 0.6), t(' a', 0.1)],
  ],
  [
    [t(' Paris', 0.4), t(' London', 0.3)],
    [t(' a', 0.5), t(' the', 0.2)],
  ],
  [
    [t(' Paris', 0.7), t('Paris', 0.1)],
    [t(' the', 0.4), t(' a', 0.3)],
  ],
];

describe('parsePositions', () => {
  it('reads all, last and a count', () => {
    assert.equal(parsePositions('all'), 'all');
    assert.equal(parsePositions(' last '), 'last');
    assert.equal(parsePositions('8'), 8);
  });
  for (const bad of ['', '0', '-2', '1.5', 'first']) {
    it(`rejects "${bad}" with the valid values`, () => {
      assert.throws(
        () => parsePositions(bad),
        (e: unknown) => e instanceof XrayError && e.code === 'bad-option' && /all, last/.test(e.message),
      );
    });
  }
});

describe('shownPositions', () => {
  it('shows every position, the last, or the last N', () => {
    assert.deepEqual(shownPositions(4, 'all', 128), [0, 1, 2, 3]);
    assert.deepEqual(shownPositions(4, 'last', 128), [3]);
    assert.deepEqual(shownPositions(4, 2, 128), [2, 3]);
    assert.deepEqual(shownPositions(4, 9, 128), [0, 1, 2, 3]);
  });
  it('caps at max, keeping the last positions', () => {
    assert.deepEqual(shownPositions(1024, 'all', 3), [1021, 1022, 1023]);
  });
});

describe('firstTop1Layers', () => {
  it('finds the first layer whose top-1 is the final top-1', () => {
    assert.deepEqual([...firstTop1Layers(lens)], [1, 0]);
  });
  it('counts the first layer even when a later one loses the prediction', () => {
    // Position 1 has ' the' at layers 0 and 2 but ' a' at layer 1: the first is layer 0.
    assert.equal(firstTop1Layers(lens)[1], 0);
  });
  it('compares ids when both sides have one, so equal text with another id does not count', () => {
    const byId = [[[t('x', 0.9, 7)]], [[t('x', 0.9, 8)]]];
    assert.deepEqual([...firstTop1Layers(byId)], [1]);
  });
  it('gives -1 where the last layer lists nothing', () => {
    assert.deepEqual([...firstTop1Layers([[[t('a', 1)]], [[]]])], [-1]);
  });
});

describe('matchesTarget and targetHits', () => {
  it('matches exactly when the target has spaces, and either way when it has none', () => {
    assert.ok(matchesTarget(' Paris', ' Paris'));
    assert.ok(!matchesTarget('Paris', ' Paris'));
    assert.ok(matchesTarget(' Paris', 'Paris'));
    assert.ok(matchesTarget('Paris', 'Paris'));
    assert.ok(!matchesTarget(' Parisian', 'Paris'));
  });
  it('gives the rank and probability of the best-ranked match in every cell', () => {
    const hits = targetHits(lens, ' Paris');
    assert.deepEqual(hits[0][0], { rank: 2, prob: 0.2, depth: 2 });
    assert.deepEqual(hits[2][0], { rank: 1, prob: 0.7, depth: 2 });
  });
  it('gives the last listed probability as a bound where the token is not listed', () => {
    assert.deepEqual(targetHits(lens, ' Paris')[1][1], { rank: null, prob: 0.2, depth: 2 });
  });
  it('lets a bare target match the spaced token when it ranks higher', () => {
    assert.equal(targetHits(lens, 'Paris')[2][0].rank, 1);
  });
});

describe('formatPercent and displayToken', () => {
  it('formats probabilities shortly', () => {
    assert.deepEqual([0.4213, 0.042, 0.0042, 0.00001].map(formatPercent), ['42%', '4.2%', '0.4%', '<0.01%']);
  });
  it('makes invisible tokens visible and leaves others alone', () => {
    assert.deepEqual(['\n', ' ', '\t', ' cat', '<img src=x>'].map(displayToken), ['↵', '␣', '⇥', ' cat', '<img src=x>']);
  });
});
