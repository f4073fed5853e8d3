// The `model` attribute a page uses for a downloaded folder.
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The folder's URL path when it lies under a `public` folder, which dev servers (Vite, Next.js,
 * Astro) serve at the site's root: `public/models/gpt2` → `/models/gpt2/`. Undefined otherwise.
 */
export function publicUrlPath(folder: string): string | undefined {
  const parts = resolve(folder).split(sep);
  const root = parts.lastIndexOf('public');
  return root === -1
    ? undefined
    : `/${parts
        .slice(root + 1)
        .map((part) => `${part}/`)
        .join('')}`;
}

/** The folder as the library tells a folder from a repo id: starting with `/`, `./` or `../`, ending in `/`. */
export function folderPath(folder: string): string {
  const path = (isAbsolute(folder) ? resolve(folder) : relative('.', folder)).split(sep).join('/');
  const anchored = isAbsolute(folder) || path === '..' || path.startsWith('../') ? path : `./${path}`;
  return anchored.endsWith('/') ? anchored : `${anchored}/`;
}
