// Drawing helpers of <attention-heatmap>: the pattern onto a canvas with one pixel per cell (CSS
// scales it up with `image-rendering: pixelated`, so 1,000 tokens cost one million pixels at any
// size), and how weights read as text.
import type { ScaleSequential } from 'd3-scale';

/** Steps of the colour lookup table: calling the d3 scale per cell would take seconds at T = 1,000. */
const STEPS = 1024;

/** The largest weight of a pattern, or 1 for an all-zero one (a scale needs a non-empty domain). */
export function patternMax(pattern: Float32Array): number {
  let max = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern[i] > max) max = pattern[i];
  return max > 0 ? max : 1;
}

/** Draws a T×T pattern, row = query; cells above the diagonal (later keys) take the masked colour. */
export function paintPattern(canvas: HTMLCanvasElement, pattern: Float32Array, scale: ScaleSequential<string>, masked: string): void {
  const T = Math.round(Math.sqrt(pattern.length));
  const context = canvas.getContext('2d')!;
  const max = scale.domain()[1];
  // Whole RGBA pixels as one 32-bit word each; the byte order is the platform's both ways.
  const colours = new Uint32Array(rgbaOf(Array.from({ length: STEPS }, (_, i) => scale((max * i) / (STEPS - 1))).concat(masked)).buffer);
  const maskedColour = colours[STEPS];
  const pixels = new Uint32Array(T * T);
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) {
      const i = q * T + k;
      pixels[i] = k > q ? maskedColour : colours[Math.round(Math.min(1, Math.max(0, pattern[i] / max)) * (STEPS - 1))];
    }
  }
  context.putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer), T, T), 0, 0);
}

/** Any CSS colours as RGBA bytes, parsed by the browser itself (hex, rgb(), names, system colours). */
function rgbaOf(colours: string[]): Uint8ClampedArray {
  const canvas = Object.assign(document.createElement('canvas'), { width: colours.length, height: 1 });
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  colours.forEach((colour, i) => {
    context.fillStyle = colour;
    context.fillRect(i, 0, 1, 1);
  });
  return context.getImageData(0, 0, colours.length, 1).data;
}

/** A weight as text: three significant digits, enough to tell 0.001 from 0.0001 at T = 1,000. */
export function formatWeight(value: number): string {
  return value === 0 ? '0' : value.toPrecision(3);
}
