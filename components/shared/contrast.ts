// Picks the text colour that reads best on a cell's background, by WCAG contrast ratio, so a token
// stays legible whether its cell is near the scale's light or dark end (and in dark mode).
import { interpolateRgb } from 'd3-interpolate';

/** sRGB channels 0..255 of any CSS colour d3 parses (hex, rgb(), names). */
function channels(colour: string): number[] {
  // A constant interpolation returns d3-color's parse of `colour`, normalised to rgb(r, g, b).
  const numbers = interpolateRgb(colour, colour)(0).match(/[\d.]+/g) ?? [];
  return numbers.slice(0, 3).map(Number);
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function luminance(colour: string): number {
  const [r, g, b] = channels(colour).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** WCAG AA for body text. */
const MIN_CONTRAST = 4.5;

/**
 * The text colour for `background`: the best of `preferred` (the theme's own colours) when it reaches
 * WCAG AA, else black or white, one of which always does (at least 4.58:1).
 */
export function readableOn(background: string, preferred: string[]): string {
  const best = (candidates: string[]) => candidates.reduce((a, b) => (contrastRatio(background, b) > contrastRatio(background, a) ? b : a));
  const choice = best(preferred);
  return contrastRatio(background, choice) >= MIN_CONTRAST ? choice : best(['#000000', '#ffffff']);
}
