// Every story: the elements registered, onnxruntime's files from this Storybook (never a CDN),
// controls from custom-elements.json, and a Theme toolbar (light/dark) that themes the story's root.
import { setCustomElementsManifest, type Decorator, type Preview } from '@storybook/web-components-vite';
import { html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import manifest from '../custom-elements.json';
import '../components/index.js';
import { configure } from '../src/settings.js';

// Relative to iframe.html, so a Storybook published under a sub-path finds them too.
configure({ wasmPaths: new URL('./ort/', document.baseURI).href });

interface Declaration {
  tagName?: string;
  members?: { kind: string; name: string; privacy?: string; readonly?: boolean; static?: boolean; attribute?: string }[];
}

/**
 * Controls for what a page author sets: the attributes, and the public properties that have no
 * attribute (`data`). Fields that mirror an attribute, private state and read-only getters are left out.
 */
function forControls(cem: typeof manifest): typeof manifest {
  const modules = cem.modules.map((module) => ({
    ...module,
    declarations: module.declarations?.map((declaration: Declaration) => ({
      ...declaration,
      members: declaration.members?.filter((m) => m.kind === 'field' && !m.privacy && !m.readonly && !m.static && !m.attribute),
    })),
  }));
  return { ...cem, modules } as typeof manifest;
}

setCustomElementsManifest(forControls(manifest));

/** Re-creates the story when the theme changes, so the canvases repaint in the new colours. */
const withTheme: Decorator = (story, { globals }) => {
  const theme = globals.theme === 'dark' ? 'dark' : 'light';
  return html`<div class="xray-story" data-theme=${theme}>${keyed(theme, story())}</div>`;
};

const preview: Preview = {
  decorators: [withTheme],
  globalTypes: {
    theme: {
      description: 'Light or dark figures (sets the --xray-* colour tokens on the story root)',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true, sort: 'requiredFirst' },
  },
};

export default preview;
