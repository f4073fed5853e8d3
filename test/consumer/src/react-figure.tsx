// The React entry: a figure as a React component, its event as a typed `on…` prop.
import { createRoot } from 'react-dom/client';
import { AttentionHeatmap } from 'transformer-xray/react';

export function mountReactFigure(root: HTMLElement, model: string): void {
  createRoot(root).render(<AttentionHeatmap id="react-heatmap" model={model} text="The cat sat on the mat" layer={0} head={1} onRunComplete={(event) => root.setAttribute('data-tokens', String(event.detail.tokens.length))} />);
}
