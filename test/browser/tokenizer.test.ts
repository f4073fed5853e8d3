// Tokenization through tokenizers.js with the fixtures' tokenizer.json (GPT-2's real vocabulary and
// merges), checked against gpt-tokenizer's r50k, an independent implementation, and against
// transformers.js itself (a dev dependency, here an oracle), as are the Hub URLs.
import { env as transformersEnv, GPT2Tokenizer } from '@huggingface/transformers';
import { expect } from '@open-wc/testing';
import { displayText, tokenBytes } from '../../src/token-text.js';
import { modelBaseUrl } from '../../src/model-files.js';
import { configure, currentSettings } from '../../src/settings.js';
import { createTokenizer, type Gpt2Tokenizer } from '../../src/tokenizer.js';
import { oracle, STRINGS } from '../fixtures/tokenizer-strings.js';
import { fixture } from './support.js';

describe('GPT-2 tokenization', () => {
  let tokenizer: Gpt2Tokenizer;
  before(async () => {
    const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map((f) => fetch(fixture('tiny') + f).then((r) => r.json())));
    tokenizer = createTokenizer(json, config);
  });

  it(`matches gpt-tokenizer's r50k on ${STRINGS.length} varied strings`, () => {
    expect(STRINGS.length).to.be.at.least(50);
    for (const text of STRINGS) expect(tokenizer.encode(text), JSON.stringify(text)).to.deep.equal(oracle(text));
  });

  it(`gives the ids transformers.js gives on the same tokenizer.json, for ${STRINGS.length} strings`, async () => {
    const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json'].map((f) => fetch(fixture('tiny') + f).then((r) => r.json())));
    // The class transformers.js's AutoTokenizer picks for this tokenizer_config.json's tokenizer_class.
    expect(config.tokenizer_class).to.equal('GPT2Tokenizer');
    const reference = new GPT2Tokenizer(json, config);
    for (const text of STRINGS) expect(tokenizer.encode(text), JSON.stringify(text)).to.deep.equal(reference.encode(text, { add_special_tokens: false }));
  });

  it("builds Hub URLs as transformers.js's remoteHost and remotePathTemplate do, and follows a mirror", () => {
    const { remoteHost, remotePathTemplate } = currentSettings();
    expect([remoteHost, remotePathTemplate]).to.deep.equal([transformersEnv.remoteHost, transformersEnv.remotePathTemplate]);
    expect(modelBaseUrl('openai-community/gpt2')).to.equal(
      new URL(transformersEnv.remotePathTemplate.replace('{model}', 'openai-community/gpt2').replace('{revision}', 'main'), transformersEnv.remoteHost).href,
    );
    configure({ remoteHost: 'https://mirror.example.org/hub/' });
    try {
      expect(modelBaseUrl('gpt2')).to.equal('https://mirror.example.org/hub/gpt2/resolve/main/');
    } finally {
      configure({ remoteHost });
    }
  });

  it('shows byte-level tokens as text, with a space for Ġ', () => {
    const ids = tokenizer.encode('The cat sat');
    expect(ids.map(tokenizer.tokenText)).to.deep.equal(['The', ' cat', ' sat']);
    expect(tokenizer.tokenText(50256)).to.equal('<|endoftext|>');
  });

  it('shows a character split over several tokens as the bytes each token holds', () => {
    const ids = tokenizer.encode('🦜');
    expect(ids.length).to.be.greaterThan(1);
    const shown = ids.map(tokenizer.tokenText);
    expect(shown.join('')).to.match(/^(\\x[0-9A-F]{2})+$/);
    expect(shown.join('')).to.equal('\\xF0\\x9F\\xA6\\x9C');
  });

  it('decodes whole characters inside a token and escapes the partial bytes around them', () => {
    expect(displayText(tokenBytes('Ġcaf' + 'Ã©'))).to.equal(' café');
    expect(displayText(new Uint8Array([0x41, 0xe2, 0x80]))).to.equal('A\\xE2\\x80');
  });
});
