// Token-by-token generation over one session: the prompt's pass returns its keys and values, and
// each later step runs the new token alone against them (the graph's past_key_values input).
import { XrayError } from './errors.js';
import { seededRandom } from './random.js';
import { argmax, checkSampling, drawToken, samplingDistribution, type SamplingOptions } from './sampling.js';
import type { Gpt2Tokenizer } from './tokenizer.js';
import type { GenerationStep, ModelConfig, TopToken } from './types.js';

/** What `ModelController.generate` sends the engine. */
export interface GenerationRequest extends SamplingOptions {
  text: string;
  maxNewTokens?: number;
  seed?: number;
  topTokens?: number;
  prependBos?: boolean;
}

/** Keys and values of every token so far, `[1, L, 2, H, P, dHead]`. */
export interface KeyValueCache {
  data: Float32Array;
  length: number;
}

/** One pass of new ids after the cached ones: the last position's logits, its top tokens and the grown cache. */
export type StepPass = (ids: number[], past: KeyValueCache | undefined, topTokens: number) => Promise<{ logits: Float32Array; top: TopToken[]; cache: KeyValueCache }>;

export const DEFAULT_NEW_TOKENS = 20;
const DEFAULT_TOP_TOKENS = 10;

/** Checks a request in words before any pass. */
export function checkGeneration({ maxNewTokens = DEFAULT_NEW_TOKENS, topTokens = DEFAULT_TOP_TOKENS, seed, ...sampling }: Omit<GenerationRequest, 'text'>): void {
  checkSampling(sampling);
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new XrayError('bad-option', `maxNewTokens must be a whole number of at least 1, not ${maxNewTokens}.`);
  if (!Number.isInteger(topTokens) || topTokens < 1) throw new XrayError('bad-option', `topTokens must be a whole number of at least 1, not ${topTokens}.`);
  if (seed !== undefined && !Number.isInteger(seed)) throw new XrayError('bad-option', `seed must be a whole number, not ${seed}.`);
}

/**
 * Generates up to `maxNewTokens` tokens, reporting each as it is drawn; stops early at
 * `<|endoftext|>` (reported) or when the context is full, and between steps when `signal` aborts.
 */
export async function generateTokens(
  request: GenerationRequest,
  model: { config: ModelConfig; tokenizer: Gpt2Tokenizer; step: StepPass },
  onStep: (step: GenerationStep) => unknown,
  signal: AbortSignal,
): Promise<void> {
  checkGeneration(request);
  const { text, maxNewTokens = DEFAULT_NEW_TOKENS, topTokens = DEFAULT_TOP_TOKENS, seed = Math.floor(Math.random() * 2 ** 32), prependBos = false, ...sampling } = request;
  const { config, tokenizer } = model;
  const prompt = [...(prependBos ? [tokenizer.bosId] : []), ...tokenizer.encode(text)];
  if (prompt.length === 0) throw new XrayError('empty-text', 'There is no prompt to continue: type a sentence.');
  if (prompt.length >= config.nCtx) throw new XrayError('out-of-range', `The prompt is ${prompt.length} tokens and fills the model's context of ${config.nCtx}: there is no room to generate.`);
  const random = seededRandom(seed);
  const drawn: number[] = [];
  let pass = await model.step(prompt, undefined, Math.min(topTokens, config.vocabSize));
  for (;;) {
    if (signal.aborted) throw new XrayError('aborted', 'Generation was stopped.');
    const distribution = samplingDistribution(pass.logits, sampling);
    const id = sampling.temperature === 0 ? argmax(pass.logits) : drawToken(distribution, random);
    drawn.push(id);
    // Reported before the next pass, and awaited: from a worker the page hears of each step in turn.
    await onStep({ id, token: tokenizer.tokenText(id), prob: distribution[id], text: text + tokenizer.decode(drawn), top: pass.top });
    const full = prompt.length + drawn.length >= config.nCtx;
    if (drawn.length === maxNewTokens || id === tokenizer.bosId || full) return;
    pass = await model.step([id], pass.cache, Math.min(topTokens, config.vocabSize));
  }
}
