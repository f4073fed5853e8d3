// Reads the resolved theme colours of a figure, for what is drawn on a canvas, and builds the
// colour scale from them (d3-scale interpolates between the two stops).
import { scaleSequential, type ScaleSequential } from 'd3-scale';
import { interpolateRgb } from 'd3-interpolate';

export interface ThemeColours {
  fg: string;
  bg: string;
  muted: string;
  accent: string;
  border: string;
  masked: string;
  low: string;
  high: string;
  /** A diverging scale's stop below its reference (the theme's low stop at it, its high stop above). */
  negative: string;
}

/** The colours in effect on `host` now (dark mode, forced colours and page overrides included). */
export function themeColours(host: Element): ThemeColours {
  const style = getComputedStyle(host);
  const read = (name: string) => resolveColour(host, style.getPropertyValue(name).trim());
  return {
    fg: read('--_fg'),
    bg: read('--_bg'),
    muted: read('--_muted'),
    accent: read('--_accent'),
    border: read('--_border'),
    masked: read('--_masked'),
    low: read('--_scale-low'),
    high: read('--_scale-high'),
    negative: read('--_scale-negative'),
  };
}

/** Sequential colour scale from the theme's low to high stop over `domain`. */
export function colourScale(colours: ThemeColours, domain: [number, number] = [0, 1]): ScaleSequential<string> {
  return scaleSequential(interpolateRgb(colours.low, colours.high)).domain(domain).clamp(true);
}

/** System colour keywords (forced colours) become rgb() so a canvas and d3 can use them. */
function resolveColour(host: Element, value: string): string {
  if (!/^[a-z]+$/i.test(value)) return value;
  const probe = document.createElement('span');
  probe.style.color = value;
  (host.shadowRoot ?? host).appendChild(probe);
  const resolved = getComputedStyle(probe).color;
  probe.remove();
  return resolved;
}
