// Interventions on the planted model (test/fixtures/planted-gpt2.ts), whose answers are known: on a
// text repeated twice it predicts the repeat through its previous-token head L0H0 and its induction
// head L1H0; its other heads are inert. The numbers against the float64 reference are checked on
// random models in engine-checks.ts.
import { expect } from '@open-wc/testing';
import { HEAD_SCORES, rankHeads } from '../../src/analysis/head-scores.js';
import { ModelController } from '../../src/controller.js';
import { Engine } from '../../src/engine.js';
import type { XrayError } from '../../src/errors.js';
import type { ModelRun } from '../../src/model-run.js';
import { fixture, maxAbsDiff } from './support.js';

const PREVIOUS_TOKEN = { layer: 0, head: 0 };
const INDUCTION = { layer: 1, head: 0 };
const FIRST_TOKEN = { layer: 0, head: 1 };
/** Words that are one GPT-2 token each, in an order no text would have them. */
const HALF = [' river', ' piano', ' seven', ' orange', ' castle', ' winter', ' engine', ' silver'];
/** The first half, then the second up to its last word: the repeat predicts ' silver'. */
const TEXT = HALF.join('') + HALF.slice(0, -1).join('');
const ANSWER = ' silver';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: XrayError) => e,
  );

describe('interventions on the planted model', () => {
  let controller: ModelController;
  let run: ModelRun;

  before(async () => {
    controller = new ModelController({ model: fixture('planted'), device: 'wasm' });
    run = await controller.run(TEXT);
  });
  after(() => controller.dispose());

  it('predicts the repeat, and the head scores find the planted heads', () => {
    expect(run.tokens.slice(0, HALF.length)).to.deep.equal(HALF);
    expect(run.nextToken(1)[0].token).to.equal(ANSWER);
    const source = { tokens: run.tokens, nLayer: run.config.nLayer, nHead: run.config.nHead, attention: (l: number, h: number) => run.attention(l, h) };
    const top = (kind: keyof typeof HEAD_SCORES) => rankHeads(HEAD_SCORES[kind](source), 1, run.config.nHead)[0];
    expect(top('previous-token')).to.include(PREVIOUS_TOKEN);
    expect(top('induction')).to.include(INDUCTION);
    expect(top('first-token')).to.include(FIRST_TOKEN);
  });

  it('loses the repeat when the previous-token or the induction head is ablated, and not for an inert head', async () => {
    for (const head of [PREVIOUS_TOKEN, INDUCTION]) {
      const ablated = await run.ablate([head]);
      expect(ablated.nextToken(1)[0].token, `L${head.layer}H${head.head}`).not.to.equal(ANSWER);
    }
    const inert = await run.ablate([{ layer: 1, head: 3 }]);
    expect(inert.nextToken(3)).to.deep.equal(run.nextToken(3));
  });

  it('scans every head: only the two circuit heads matter to P(answer)', async () => {
    const { dims, data, clean } = await run.ablationScan({ answer: ANSWER });
    expect(dims).to.deep.equal([2, 4]);
    expect(clean).to.be.above(0.9);
    for (let l = 0; l < 2; l++) {
      for (let h = 0; h < 4; h++) {
        const circuit = (l === 0 && h === 0) || (l === 1 && h === 0);
        const drop = clean - data[l * 4 + h];
        if (circuit) expect(drop, `L${l}H${h}`).to.be.above(0.5);
        else expect(Math.abs(drop), `L${l}H${h}`).to.be.below(1e-5);
      }
    }
  });

  it('measures the metric of a run and of an ablated run as the scan does', async () => {
    const { data, clean } = await run.ablationScan({ answer: ANSWER, wrong: ' bridge', mode: 'mean' });
    expect(Math.abs((await run.metric({ answer: ANSWER, wrong: ' bridge' })) - clean)).to.be.below(1e-4);
    const ablated = await run.ablate([INDUCTION], { mode: 'mean' });
    expect(Math.abs((await ablated.metric({ answer: ANSWER, wrong: ' bridge' })) - data[INDUCTION.layer * 4 + INDUCTION.head])).to.be.below(1e-4);
    expect(ablated.keptTokens).to.equal(50);
  });

  it('measures an earlier position, and the logit difference against a wrong token', async () => {
    // At the second ' castle' (position 12) the repeat predicts ' winter'.
    const scan = await run.ablationScan({ answer: ' winter', wrong: ' river', position: HALF.length + 4 });
    expect(scan.clean).to.be.above(0);
    expect(scan.data[0], 'without the previous-token head').to.be.below(scan.clean);
  });

  it('attributes the answer logit to the induction head', async () => {
    const { labels, values, total } = await run.logitAttribution({ answer: ANSWER, by: 'head' });
    const heads = labels.map((label, i) => ({ label, value: values[i] })).filter(({ label }) => /^L\dH\d$/.test(label));
    heads.sort((a, b) => b.value - a.value);
    expect(heads[0].label).to.equal('L1H0');
    expect(heads[0].value).to.be.above(0.5 * total);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) - total)).to.be.below(1e-3);
  });

  it('patching finds the position that differs and the induction head', async () => {
    // The corrupted first half ends in ' bridge', so the repeat predicts ' bridge' instead of ' silver'.
    const corrupted = [...HALF.slice(0, -1), ' bridge'].join('') + HALF.slice(0, -1).join('');
    const differs = HALF.length - 1;
    const patch = { clean: TEXT, corrupted, answer: ANSWER, wrong: ' bridge' };
    const resid = await controller.patch({ ...patch, hook: 'resid_pre' });
    const T = resid.cleanTokens.length;
    expect(resid.corruptedTokens[differs]).to.equal(' bridge');
    for (let l = 0; l < 2; l++) {
      for (let t = 0; t < T; t++) {
        const value = resid.data[l * T + t];
        if (t === differs) expect(value, `layer ${l} at the differing token`).to.be.above(0.9);
        else expect(Math.abs(value), `layer ${l} position ${t}`).to.be.below(0.05);
      }
    }
    const heads = await controller.patch({ ...patch, hook: 'z' });
    expect(heads.data[INDUCTION.layer * 4 + INDUCTION.head]).to.be.above(0.9);
    heads.data.forEach((value, i) => i !== 4 && expect(Math.abs(value), `head ${i}`).to.be.below(0.05));
    const error = await rejection(controller.patch({ ...patch, corrupted: 'A shorter prompt', hook: 'z' }));
    expect(error?.message).to.match(/clean has 15 tokens .* corrupted 3 \("A" " shorter" " prompt"\)/);
  });

  it('stops a sweep between its batches when its signal aborts, and the figures stay live meanwhile', async () => {
    const inPage = new ModelController({ model: fixture('planted'), device: 'wasm', worker: false });
    const limit = Engine.maxSweepBatch;
    Engine.maxSweepBatch = 2; // 8 heads: four batches
    try {
      const target = await inPage.run(TEXT);
      const stop = new AbortController();
      const reports: number[] = [];
      const scan = target.ablationScan({ answer: ANSWER, signal: stop.signal, onProgress: (done) => (reports.push(done), stop.abort()) });
      expect((await rejection(scan))?.code).to.equal('aborted');
      // The engine saw the abort after the first batch: one more batch at most may have been under way.
      expect((await inPage.run('Another text runs at once')).tokens.join('')).to.equal('Another text runs at once');
      expect(reports.length).to.be.below(3);
      expect(reports[0]).to.equal(2);
      // In batches of two, each head's value lands in its own cell, as in one batch.
      const inBatches = await target.ablationScan({ answer: ANSWER });
      expect(maxAbsDiff(inBatches.data, (await run.ablationScan({ answer: ANSWER })).data)).to.be.below(1e-5);
    } finally {
      Engine.maxSweepBatch = limit;
      inPage.dispose();
    }
  });

  it('keeps the truncated flag of an ablated run', async () => {
    const long = await new ModelController({ model: fixture('tiny-bf16'), device: 'wasm' }).run('word '.repeat(100));
    expect(long.truncated).to.be.true;
    expect((await long.ablate([{ layer: 0, head: 0 }])).truncated).to.be.true;
  });

  it('names a token that is not one token, and stops a scan whose signal aborts', async () => {
    const error = await rejection(run.ablationScan({ answer: ' riverbank castle' }));
    expect(error?.code).to.equal('bad-option');
    expect(error?.message).to.match(/tokens \(" river.*not one/);
    const stop = new AbortController();
    stop.abort();
    expect((await rejection(run.ablationScan({ answer: ANSWER, signal: stop.signal })))?.code).to.equal('aborted');
    expect((await rejection(run.ablate([{ layer: 2, head: 0 }])))?.code).to.equal('out-of-range');
  });
});
