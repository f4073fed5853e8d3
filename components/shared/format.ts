// How tokens and numbers read in the figures' text: tooltips, announcements, legends and exports.
import { displayToken } from '../../src/analysis/logit-lens.js';

/** A token as the reader sees it, quoted so that its spaces show. */
export function quote(token: string): string {
  return `“${displayToken(token)}”`;
}

/** Three decimals, minus as U+2212: "0.912", "−0.120". */
export function decimal(value: number): string {
  return `${value < 0 ? '−' : ''}${Math.abs(value).toFixed(3)}`;
}
