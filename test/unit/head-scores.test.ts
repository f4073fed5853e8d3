// Head scores on hand-made patterns whose answers are known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttentionSource } from '../../src/data.js';
import { bosScore, duplicateTokenScore, findTokenPosition, inductionScore, previousTokenScore, rankHeads, tokenToTokenScores, topKeys } from '../../src/analysis/head-scores.js';

/** A pattern where each query puts all its attention on one key. */
function oneHot(keyOf: (q: number) => number, T: number): Float32Array {
  const pattern = new Float32Array(T * T);
  for (let q = 0; q < T; q++) pattern[q * T + keyOf(q)] = 1;
  return pattern;
}

// A B C A B: query 3 (A) repeats position 0, query 4 (B) repeats position 1.
const tokens = ['A', 'B', 'C', 'A', 'B'];
const T = tokens.length;
const duplicateOf = [0, 1, 2, 0, 1];
const inductionTarget = [0, 1, 2, 1, 2];
const heads = [
  [oneHot((q) => Math.max(q - 1, 0), T), oneHot(() => 0, T)], // layer 0: previous-token, first-token
  [oneHot((q) => duplicateOf[q], T), oneHot((q) => inductionTarget[q], T)], // layer 1: duplicate, induction
];
const source: AttentionSource = { tokens, nLayer: 2, nHead: 2, attention: (l, h) => heads[l][h] };

const close = (actual: Float32Array, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `head ${i}: ${value} ≠ ${expected[i]}`));
};

describe('specialisation scores', () => {
  it('previous-token: the head that looks one back scores 1', () => {
    // The first-token head attends to 0, which is the previous token of query 1 only: 1 of 4 queries.
    close(previousTokenScore(source), [1, 0.25, 0, 0]);
  });

  it('first-token: the sink head scores 1, query 0 left out', () => {
    // The previous-token head (query 1) and the duplicate head (query 3) reach position 0 once each.
    close(bosScore(source), [0.25, 1, 0.25, 0]);
  });

  it('duplicate-token: the head that finds the earlier A and B scores 1', () => {
    // The first-token head finds the earlier A (position 0) but not the earlier B: 1 of 2.
    close(duplicateTokenScore(source), [0, 0.5, 1, 0]);
  });

  it('induction: the head that attends to the token after the earlier A and B scores 1', () => {
    close(inductionScore(source), [0, 0, 0, 1]);
  });

  it('is NaN for every head when no token repeats', () => {
    const plain: AttentionSource = { tokens: ['A', 'B', 'C'], nLayer: 1, nHead: 1, attention: () => oneHot((q) => q, 3) };
    assert.ok(Number.isNaN(duplicateTokenScore(plain)[0]));
    assert.ok(Number.isNaN(inductionScore(plain)[0]));
  });

  it('is NaN for previous-token and first-token with a single token', () => {
    const one: AttentionSource = { tokens: ['A'], nLayer: 1, nHead: 1, attention: () => Float32Array.of(1) };
    assert.ok(Number.isNaN(previousTokenScore(one)[0]));
    assert.ok(Number.isNaN(bosScore(one)[0]));
  });
});

describe('tokenToTokenScores', () => {
  it('reads the weight from one query to one key in every head, layer by layer', () => {
    close(tokenToTokenScores(source, 3, 0), [0, 1, 1, 0]);
    close(tokenToTokenScores(source, 4, 2), [0, 0, 0, 1]);
  });
});

describe('rankHeads', () => {
  it('orders best first, breaks ties by layer then head, and leaves out NaN', () => {
    const ranked = rankHeads(Float32Array.of(0.25, NaN, 0.75, 0.25, 0.5, 0), 4, 3);
    assert.deepEqual(ranked, [
      { layer: 0, head: 2, score: 0.75 },
      { layer: 1, head: 1, score: 0.5 },
      { layer: 0, head: 0, score: 0.25 },
      { layer: 1, head: 0, score: 0.25 },
    ]);
  });

  it('returns fewer than k when there are fewer heads', () => {
    assert.equal(rankHeads(Float32Array.of(0.1, 0.2), 5, 2).length, 2);
  });
});

describe('findTokenPosition', () => {
  const sentence = ['The', ' cat', ' sat', ' because', ' it', ' saw', ' the', ' cat', ' it', ' liked'];

  it('finds the last occurrence of a token, matched on trimmed text', () => {
    assert.equal(findTokenPosition(sentence, 'it'), 8);
    assert.equal(findTokenPosition(sentence, ' cat '), 7);
  });

  it('finds the earliest occurrence before a position', () => {
    assert.equal(findTokenPosition(sentence, 'cat', { before: 8 }), 1);
    assert.equal(findTokenPosition(sentence, 'liked', { before: 8 }), -1);
  });

  it('matches case and whole tokens only', () => {
    assert.equal(findTokenPosition(sentence, 'the'), 6);
    assert.equal(findTokenPosition(sentence, 'ca'), -1);
  });

  it('takes a number as a position, in range and before `before`', () => {
    assert.equal(findTokenPosition(sentence, '2'), 2);
    assert.equal(findTokenPosition(sentence, '10'), -1);
    assert.equal(findTokenPosition(sentence, '5', { before: 5 }), -1);
    assert.equal(findTokenPosition(sentence, '4', { before: 5 }), 4);
  });
});

describe('topKeys', () => {
  it('lists the keys a query attends to most, heaviest first, without zero weights', () => {
    const pattern = Float32Array.of(1, 0, 0, 0.5, 0.5, 0, 0.25, 0.125, 0.625);
    const spread: AttentionSource = { tokens: ['A', 'B', 'C'], nLayer: 1, nHead: 1, attention: () => pattern };
    assert.deepEqual(topKeys(spread, 0, 0, 2, 2), [
      { position: 2, weight: 0.625 },
      { position: 0, weight: 0.25 },
    ]);
    assert.deepEqual(topKeys(spread, 0, 0, 1, 3), [
      { position: 0, weight: 0.5 },
      { position: 1, weight: 0.5 },
    ]);
  });
});
