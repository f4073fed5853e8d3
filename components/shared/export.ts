// Export helpers: a standalone SVG document from parts or an on-screen chart, SVG to PNG, and a file
// download.

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Wraps SVG body markup in a standalone document with a background and the figure's font. */
export function svgDocument(width: number, height: number, body: string, background: string, font = 'system-ui, sans-serif'): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(font)}" font-size="12">` +
    `<rect width="100%" height="100%" fill="${escapeXml(background)}"/>${body}</svg>`
  );
}

/** The markup of `svg`'s children, for the body of an exported document. */
export function childrenMarkup(svg: SVGSVGElement): string {
  const serializer = new XMLSerializer();
  return [...svg.children].map((node) => serializer.serializeToString(node)).join('');
}

/** Removes the focus stops of a copied chart (tabindex and the attributes that only serve the keyboard and screen readers). */
export function dropFocusStops(svg: SVGSVGElement): void {
  for (const node of svg.querySelectorAll('[tabindex]')) ['tabindex', 'role', 'aria-label', 'aria-pressed'].forEach((name) => node.removeAttribute(name));
}

/** Rasterises an SVG document to a PNG blob at `scale` pixels per SVG unit. */
export async function svgToPng(svg: string, scale = 1): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.naturalWidth * scale);
    canvas.height = Math.ceil(image.naturalHeight * scale);
    const context = canvas.getContext('2d')!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The PNG could not be encoded.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Offers `blob` to the reader as a file download. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
