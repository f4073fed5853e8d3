// What a page gets when it asks a figure for an export.
import type { XrayFigure } from '../../components/shared/xray-figure.js';
import { XrayError } from '../../src/errors.js';

/** The error codes of `toSVG()` and `toPNG()`; undefined where one succeeds. */
export async function exportErrors(figure: XrayFigure): Promise<{ svg?: string; png?: string }> {
  const codeOf = async (make: () => unknown) => {
    try {
      await make();
      return undefined;
    } catch (error) {
      return error instanceof XrayError ? error.code : String(error);
    }
  };
  return { svg: await codeOf(() => figure.toSVG()), png: await codeOf(() => figure.toPNG()) };
}
