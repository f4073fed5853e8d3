// A React app with the figures as React components (transformer-xray/react): props set the elements'
// properties, `on…` props listen to their events, and React state follows the reader's clicks.
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { configure } from 'transformer-xray/core';
import { AttentionHeatmap, HeadGrid, LogitLensTable, XrayModel } from 'transformer-xray/react';

// This page is cross-origin isolated (npm start sends COOP/COEP), so onnxruntime runs WASM on several
// threads, whose workers load its .mjs: those ship beside the app (see vite.config.mjs).
configure({ wasmPaths: new URL('./ort/', document.baseURI).href });

/** GPT-2 small from the Hub, or ?model=…, e.g. ?model=../../../fixtures/planted/ (the generated demo model, offline). */
const model = new URLSearchParams(location.search).get('model') ?? 'openai-community/gpt2';

/** Data mode: precomputed values, no model. */
const example = {
  tokens: ['The', ' cat', ' sat'],
  attention: [
    [1, 0, 0],
    [0.4, 0.6, 0],
    [0.2, 0.5, 0.3],
  ],
};

function App() {
  const [text, setText] = useState('The cat sat on the mat because it was tired');
  const [selected, setSelected] = useState({ layer: 0, head: 0 });
  const [hovered, setHovered] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  return (
    <main>
      <h1>transformer-xray in React</h1>
      <p>
        Model: <code>{model}</code>. Selected head: layer {selected.layer}, head {selected.head}. Hovered token: <code>{hovered ?? '–'}</code>
      </p>
      {error && (
        <p role="alert">
          {error} {model === 'openai-community/gpt2' && <a href="?model=../../../fixtures/planted/">Try the generated demo model (offline).</a>}
        </p>
      )}
      <label htmlFor="text">Your sentence</label>
      <input id="text" type="text" value={text} onChange={(event) => setText(event.target.value)} />
      <XrayModel model={model}>
        <HeadGrid
          text={text}
          onHeadSelect={(event) => event.detail && setSelected(event.detail)}
          onTokenHover={(event) => setHovered(event.detail.token)}
          onError={(event) => setError(event.detail.message)}
        />
        <AttentionHeatmap text={text} layer={selected.layer} head={selected.head} onError={(event) => setError(event.detail.message)} />
        <LogitLensTable text="The Eiffel Tower is in" positions="last" />
      </XrayModel>
      <h2>Data mode</h2>
      <AttentionHeatmap data={example} />
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
