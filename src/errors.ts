// One error type for every failure a reader may see, with a stable code a figure can branch on.

/** Every way loading or running a model can fail, each with its own message. */
export type XrayErrorCode =
  | 'bad-option' // an option value the library does not know
  | 'unknown-model' // the Hub or the folder has no such model (404 on config.json)
  | 'no-safetensors' // the folder has a config but no model.safetensors
  | 'not-gpt2' // config.json describes another architecture
  | 'download-failed' // network error, HTTP error, or a download cut short
  | 'truncated-file' // the safetensors bytes end before the header says they do
  | 'bad-header' // the safetensors header is oversized or not valid JSON
  | 'missing-tensor' // a tensor GPT-2 needs is not in the file
  | 'shape-mismatch' // a tensor's shape disagrees with config.json
  | 'unsupported-dtype' // a needed tensor is stored in a type the library cannot read
  | 'empty-text' // run('') or a figure without text: nothing to show
  | 'no-probe-task' // a probe chart with neither a task nor labelled sentences
  | 'nothing-to-export' // export asked of a figure that has not drawn yet
  | 'out-of-range' // a layer, head or position outside the model
  | 'session-failed' // onnxruntime-web could not create or run the session
  | 'aborted' // the caller's AbortSignal fired, or a newer request superseded this one
  | 'released'; // the run left the controller's cache, or the controller was disposed

export class XrayError extends Error {
  override name = 'XrayError';
  constructor(
    readonly code: XrayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Throws `out-of-range` unless `0 <= value < limit` and `value` is an integer. */
export function checkIndex(what: string, value: number, limit: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= limit) {
    throw new XrayError('out-of-range', `${what} ${value} is out of range: this model has ${what}s 0 to ${limit - 1}.`);
  }
}

/** An error's message, whatever was thrown. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
