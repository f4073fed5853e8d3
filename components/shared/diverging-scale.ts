// The diverging colour scale of an effect measured against a reference value (for ablation, the
// clean metric; for patching, the corrupted run's 0), as <head-ablation> and <activation-patching> colour theirs: the theme's low stop
// at the reference, its high stop above it, `--xray-scale-negative` below it; symmetric, so equal
// changes either way look equally strong.
import { interpolateRgb, piecewise } from 'd3-interpolate';
import { scaleDiverging, type ScaleDiverging } from 'd3-scale';
import { themeColours } from './theme.js';

export interface DivergingColours {
  negative: string;
  neutral: string;
  positive: string;
}

/** The stops in effect on `host` now, dark mode, forced colours and page overrides included. */
export function divergingColours(host: HTMLElement): DivergingColours {
  const { negative, low, high } = themeColours(host);
  return { negative, neutral: low, positive: high };
}

/** A scale centred on `centre` whose ends are the largest distance of any of `values` from it. */
export function divergingScale(colours: DivergingColours, centre: number, values: ArrayLike<number>): ScaleDiverging<string> {
  let reach = 0;
  for (let i = 0; i < values.length; i++) reach = Math.max(reach, Math.abs(values[i] - centre));
  // Nothing moved: every value is the centre, and any reach draws it neutral.
  if (!(reach > 0)) reach = 1;
  const interpolate = piecewise(interpolateRgb, [colours.negative, colours.neutral, colours.positive]) as (t: number) => string;
  return scaleDiverging(interpolate)
    .domain([centre - reach, centre, centre + reach])
    .clamp(true);
}
