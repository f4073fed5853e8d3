// Data mode of <logit-lens-table>: the logit lens as before, and optionally the tuned lens beside it,
// in the same [layer][position][rank] shape.
import { logitLensSource, type LogitLensData } from '../../src/data.js';
import { XrayError } from '../../src/errors.js';
import type { TopToken } from '../../src/types.js';

/** Which lens the table reads the residual stream through. */
export type LensChoice = 'logit' | 'tuned' | 'both';
export const LENS_CHOICES: readonly LensChoice[] = ['logit', 'tuned', 'both'];

/**
 * `{ tokens, lens, tuned? }`: `lens` the logit lens, `tuned` the tuned lens over the same tokens
 * (each `[layer][position][rank]` of `{token, id?, prob}`, layer 0 = embeddings). Either may be
 * left out when the `lens` attribute does not ask for it.
 */
export interface LensTableData extends Partial<LogitLensData> {
  tokens: string[];
  tuned?: LogitLensData['lens'];
}

/** Both lenses a data-mode table can show, checked; only those `choice` asks for must be there. */
export function lensesFromData(data: LensTableData, choice: LensChoice): { tokens: string[]; logit?: TopToken[][][]; tuned?: TopToken[][][] } {
  const wantsLogit = choice !== 'tuned';
  const wantsTuned = choice !== 'logit';
  if (wantsTuned && data.tuned === undefined) throw new XrayError('bad-option', `lens="${choice}" needs data.tuned ([layer][position][rank] of {token, prob}, read through the tuned lens).`);
  if (wantsLogit && data.lens === undefined)
    throw new XrayError('bad-option', `lens="${choice}" needs data.lens ([layer][position][rank] of {token, prob}, read through the logit lens); for a tuned lens alone, set lens="tuned".`);
  const logit = wantsLogit ? logitLensSource({ tokens: data.tokens, lens: data.lens! }) : undefined;
  const tuned = wantsTuned ? asTuned(() => logitLensSource({ tokens: data.tokens, lens: data.tuned! })) : undefined;
  if (logit && tuned && logit.lens.length !== tuned.lens.length)
    throw new XrayError('bad-option', `data.lens has ${logit.lens.length} layers and data.tuned ${tuned.lens.length}: they read the same residual stream.`);
  return { tokens: (logit ?? tuned)!.tokens, logit: logit?.lens, tuned: tuned?.lens };
}

/** The checker names the field it checks `data.lens`; for the tuned lens it is `data.tuned`. */
function asTuned<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof XrayError) throw new XrayError(error.code, error.message.replaceAll('data.lens', 'data.tuned'));
    throw error;
  }
}
