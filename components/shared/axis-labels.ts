// Thinning of a figure's token labels, so that rows or columns too close for every label show some.

/** Show every n-th label so that labels `labelPx` tall never overlap on cells `cellPx` apart. */
export function labelStep(cellPx: number, labelPx: number): number {
  return Math.max(1, Math.ceil(labelPx / cellPx));
}
