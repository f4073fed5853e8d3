// The model folders the stories point at. All are served by this Storybook (see .storybook/main.ts):
// the generated demo model has 2 layers and 4 heads with planted circuits (test/fixtures/planted-gpt2.ts):
// L0H0 attends to the previous token, L0H1 to the first, L1H0 is an induction head, the rest are inert.

/** The generated demo model (`npm run fixtures`): GPT-2's tokenizer and format, planted heads. */
export const DEMO_MODEL = './fixtures/planted/';

/** A folder that does not exist: the figure says the model was not found. */
export const MISSING_MODEL = './fixtures/no-such-model/';

/** The demo model through a download that stalls (see `stallDownloads`): the figure stays in its loading state. */
export const STALLED_MODEL = './stalled-model/';

/** The course sentence and the logit-lens prompt of the lecture. */
export const CAT_SENTENCE = 'The cat sat on the mat because it was tired';
export const EIFFEL_PROMPT = 'The Eiffel Tower is in';

/** One-token words repeated, cut before the last: the demo model's induction head predicts ' silver'. */
const WORDS = [' river', ' piano', ' seven', ' orange', ' castle', ' winter', ' engine', ' silver'];
export const REPEATED_TEXT = WORDS.join('') + WORDS.slice(0, -1).join('');
export const REPEATED_ANSWER = ' silver';

/**
 * For the loading stories: requests for `STALLED_MODEL` get the demo model's files, except that
 * `model.safetensors` stops after 40% and never finishes, so the progress bar stays where it is.
 * Returns the cleanup that puts `fetch` back (Storybook calls it when the story unmounts).
 */
export function stallDownloads(): () => void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes(STALLED_MODEL.slice(1))) return realFetch(input, init);
    const response = await realFetch(url.replace(STALLED_MODEL.slice(1), DEMO_MODEL.slice(1)), init);
    if (!url.endsWith('model.safetensors')) return response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const stalled = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(bytes.subarray(0, Math.floor(bytes.length * 0.4))) });
    return new Response(stalled, { headers: { 'content-length': String(bytes.length) } });
  };
  return () => (globalThis.fetch = realFetch);
}
