// Unit tests of GPT-2 tokenization step by step: the ids against gpt-tokenizer's r50k, the words
// against the text, and every merge against GPT-2's merges list and encoder.py's rule (the pair of
// lowest rank, at every place it occurs), on GPT-2's real vocabulary and merges.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { XrayError } from '../../src/errors.js';
import { tokenBytes } from '../../src/token-text.js';
import { Tokenization } from '../../src/tokenization.js';
import { createTokenizer, type Gpt2Tokenizer } from '../../src/tokenizer.js';
import { gpt2TokenizerConfig, gpt2TokenizerJson } from '../fixtures/gpt2-tokenizer.js';
import { oracle, STRINGS } from '../fixtures/tokenizer-strings.js';

const END_OF_TEXT = '<|endoftext|>';
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A part in display text as its bytes, in hex, so that parts can be joined byte-wise: joining
 * `\xE4\xB8` and `\xAD` gives `中`, which no string concatenation of display text gives. None of
 * the strings tested holds a literal `\x`.
 */
function partHex(part: string): string {
  return part
    .split(/(\\x[0-9A-F]{2})/)
    .map((piece, i) => (i % 2 ? piece.slice(2).toLowerCase() : hex(new TextEncoder().encode(piece))))
    .join('');
}

let tokenizer: Gpt2Tokenizer;
/** GPT-2's merges list as byte pairs in hex, `"e4b8 ad"`, to its rank. */
let rankOf: Map<string, number>;

before(async () => {
  const json = (await gpt2TokenizerJson()) as { model: { merges: string[] } };
  tokenizer = createTokenizer(json, gpt2TokenizerConfig(1024));
  rankOf = new Map(
    json.model.merges.map((line, rank) => [
      line
        .split(' ')
        .map((part) => hex(tokenBytes(part)))
        .join(' '),
      rank,
    ]),
  );
});

/** The ranks of the neighbouring pairs of `parts` that GPT-2's merges list has. */
function pairRanks(parts: string[]): { pair: [string, string]; rank: number }[] {
  return parts.slice(0, -1).flatMap((first, i) => {
    const rank = rankOf.get(`${first} ${parts[i + 1]}`);
    return rank === undefined ? [] : [{ pair: [first, parts[i + 1]] as [string, string], rank }];
  });
}

/** `parts` with every occurrence of the pair merged, left to right, as encoder.py does. */
function mergeAll(parts: string[], [first, second]: [string, string]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === first && parts[i + 1] === second) out.push(first + parts[++i]);
    else out.push(parts[i]);
  }
  return out;
}

describe('tokenize', () => {
  it(`gives the ids gpt-tokenizer's r50k gives, and their display text, on ${STRINGS.length} strings`, () => {
    assert.ok(STRINGS.length >= 50);
    for (const text of STRINGS) {
      const { ids, tokens } = tokenizer.tokenize(text);
      assert.deepEqual(ids, oracle(text), JSON.stringify(text));
      assert.deepEqual(tokens, ids.map(tokenizer.tokenText), JSON.stringify(text));
    }
  });

  it('splits the text into words that add up to it, each word ending at the tokens the tokenizer gives it alone', () => {
    for (const text of STRINGS) {
      const { words, tokens, merges } = tokenizer.tokenize(text);
      assert.equal(words.join(''), text, JSON.stringify(text));
      for (const word of words) {
        const steps = merges[word]?.steps;
        assert.ok(steps, `${JSON.stringify(word)} of ${JSON.stringify(text)} has its merges`);
        assert.deepEqual(steps.at(-1), tokenizer.encode(word).map(tokenizer.tokenText), JSON.stringify(word));
        for (const parts of steps) assert.equal(parts.map(partHex).join(''), partHex(word), `every step of ${JSON.stringify(word)} holds its bytes`);
      }
      assert.deepEqual(
        words.flatMap((word) => merges[word].steps.at(-1)!),
        tokens,
        `the words' last steps are the tokens of ${JSON.stringify(text)}`,
      );
      assert.deepEqual(Object.keys(merges).sort(), [...new Set(words)].sort(), 'one entry per distinct word');
    }
  });

  it('starts each word at one part per byte and merges, step by step, the lowest-ranked pair at every place it occurs', () => {
    let checked = 0;
    for (const text of STRINGS) {
      for (const [word, { steps, ranks }] of Object.entries(tokenizer.tokenize(text).merges)) {
        if (word === END_OF_TEXT) continue;
        const bytes = steps.map((parts) => parts.map(partHex));
        assert.deepEqual(bytes[0], partHex(word).match(/../g), `${JSON.stringify(word)} starts as its bytes`);
        assert.equal(ranks.length, steps.length - 1);
        for (let i = 0; i + 1 < steps.length; i++) {
          const present = pairRanks(bytes[i]);
          const lowest = present.reduce((a, b) => (b.rank < a.rank ? b : a));
          assert.equal(ranks[i], lowest.rank, `${JSON.stringify(word)} step ${i + 1} applies the lowest rank present`);
          assert.deepEqual(bytes[i + 1], mergeAll(bytes[i], lowest.pair), `${JSON.stringify(word)} step ${i + 1} merges that pair everywhere, and nothing else`);
          checked++;
        }
        assert.deepEqual(pairRanks(bytes.at(-1)!), [], `no merge is left for ${JSON.stringify(word)}`);
      }
    }
    assert.ok(checked > 300, `${checked} merges checked`);
  });

  it('merges every occurrence of a pair in one step', () => {
    const word = 'a'.repeat(44);
    const steps = tokenizer.tokenize(word).merges[word].steps;
    assert.deepEqual(steps[0], Array(44).fill('a'));
    assert.deepEqual(steps[1], Array(22).fill('aa'));
  });

  it('shows a character split over several parts as the bytes each part holds', () => {
    const { words, tokens, merges } = tokenizer.tokenize('😀 中文 café');
    assert.deepEqual(words, ['😀', ' 中文', ' café']);
    assert.deepEqual(tokens, ['\\xF0\\x9F\\x98', '\\x80', ' ', '中', '\\xE6\\x96', '\\x87', ' café']);
    assert.deepEqual(merges['😀'].steps, [
      ['\\xF0', '\\x9F', '\\x98', '\\x80'],
      ['\\xF0\\x9F', '\\x98', '\\x80'],
      ['\\xF0\\x9F\\x98', '\\x80'],
    ]);
    assert.deepEqual(merges[' 中文'].steps[0], [' ', '\\xE4', '\\xB8', '\\xAD', '\\xE6', '\\x96', '\\x87']);
    assert.deepEqual(merges[' 中文'].steps.at(-1), [' ', '中', '\\xE6\\x96', '\\x87'], 'a whole character inside a part is shown as itself');
    assert.ok(
      merges[' café'].steps.some((parts) => parts.includes('\\xC3') && parts.includes('\\xA9')),
      'é starts as its two bytes',
    );
  });

  it('keeps <|endoftext|> in the text as one word and one token, with no merge', () => {
    const { ids, words, merges } = tokenizer.tokenize(`Before${END_OF_TEXT}after${END_OF_TEXT}`);
    assert.deepEqual(words, ['Before', END_OF_TEXT, 'after', END_OF_TEXT]);
    assert.deepEqual(ids.filter((id) => id === tokenizer.bosId).length, 2);
    assert.deepEqual(merges[END_OF_TEXT], { steps: [[END_OF_TEXT]], ranks: [] });
    const plain = tokenizer.tokenize('endoftext without markers');
    assert.deepEqual(plain.words, ['endoftext', ' without', ' markers'], 'without its markers it is a word like any other');
    assert.deepEqual(plain.merges.endoftext.steps.at(-1), ['end', 'of', 'text']);
  });

  it('gives nothing for empty text', () => {
    assert.deepEqual(tokenizer.tokenize(''), { ids: [], tokens: [], words: [], merges: {} });
  });
});

describe('Tokenization', () => {
  it("reads a word's merges and their ranks, as copies the caller may change", () => {
    const tokenization = new Tokenization(tokenizer.tokenize('The cat sat'));
    assert.deepEqual(tokenization.words, ['The', ' cat', ' sat']);
    assert.deepEqual(tokenization.tokens, ['The', ' cat', ' sat']);
    assert.deepEqual(tokenization.ids, [464, 3797, 3332]);
    assert.deepEqual(tokenization.merges(' cat'), [[' ', 'c', 'a', 't'], [' ', 'c', 'at'], [' c', 'at'], [' cat']]);
    // Ranks are lines of GPT-2's merges: "a t", "Ġ c", "Ġc at".
    assert.deepEqual(tokenization.mergeRanks(' cat'), [9, 13, 3541]);
    tokenization.merges(' cat')[0].push('x');
    tokenization.mergeRanks(' cat').push(1);
    assert.deepEqual(tokenization.merges(' cat')[0], [' ', 'c', 'a', 't']);
    assert.deepEqual(tokenization.mergeRanks(' cat'), [9, 13, 3541]);
  });

  it('says which words the text has when asked for another', () => {
    const tokenization = new Tokenization(tokenizer.tokenize('The cat sat'));
    const unknown = (word: string, message: string) =>
      assert.throws(
        () => tokenization.merges(word),
        (error) => error instanceof XrayError && error.code === 'bad-option' && error.message === message,
      );
    unknown('cat', '"cat" is not a word of this text: its words are "The", " cat", " sat".');
    unknown('toString', '"toString" is not a word of this text: its words are "The", " cat", " sat".');
    const long = new Tokenization(tokenizer.tokenize('one two three four five six seven eight nine ten'));
    assert.throws(() => long.mergeRanks(' eleven'), {
      message: '" eleven" is not a word of this text: its words are "one", " two", " three", " four", " five", " six", " seven", " eight" and 2 more.',
    });
    assert.throws(() => new Tokenization(tokenizer.tokenize('')).merges('a'), { message: '"a" is not a word of this text: the text is empty.' });
  });
});
