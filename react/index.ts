// React components for every element (`transformer-xray/react`), made with @lit/react: properties
// are set as properties (so `data` takes an object), and the elements' events are `on…` props.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { AttentionHeatmap as AttentionHeatmapElement } from '../components/attention-heatmap.js';
import { HeadGrid as HeadGridElement } from '../components/head-grid.js';
import { LogitLensTable as LogitLensTableElement } from '../components/logit-lens-table.js';
import { ProbeChart as ProbeChartElement } from '../components/probe-chart.js';
import { HeadAblation as HeadAblationElement } from '../components/head-ablation.js';
import { ActivationPatching as ActivationPatchingElement } from '../components/activation-patching.js';
import { LogitAttribution as LogitAttributionElement } from '../components/logit-attribution.js';
import { TokenView as TokenViewElement } from '../components/token-view.js';
import { NextToken as NextTokenElement } from '../components/next-token.js';
import { EmbeddingSpace as EmbeddingSpaceElement } from '../components/embedding-space.js';
import { ResidualStream as ResidualStreamElement } from '../components/residual-stream.js';
import { AttentionLines as AttentionLinesElement } from '../components/attention-lines.js';
import type { XrayEventMap } from '../src/types.js';
import { XrayModel as XrayModelElement } from '../components/xray-model.js';

/** The typed event name that @lit/react maps to an `on…` prop. */
const event = <K extends keyof XrayEventMap>(name: K) => name as EventName<CustomEvent<XrayEventMap[K]>>;

/** Every figure fires these. */
const figureEvents = { onRunComplete: event('run-complete'), onError: event('error') };

/** `<xray-model>`: one model and one linked selection for the figures inside it. */
export const XrayModel = createComponent({ react: React, tagName: 'xray-model', elementClass: XrayModelElement });

/** `<attention-heatmap>`: one head's attention pattern. */
export const AttentionHeatmap = createComponent({
  react: React,
  tagName: 'attention-heatmap',
  elementClass: AttentionHeatmapElement,
  events: { ...figureEvents, onTokenHover: event('token-hover'), onCellSelect: event('cell-select') },
});

/** `<head-grid>`: every head as a small multiple; click selects a head. */
export const HeadGrid = createComponent({
  react: React,
  tagName: 'head-grid',
  elementClass: HeadGridElement,
  events: { ...figureEvents, onHeadSelect: event('head-select'), onTokenHover: event('token-hover') },
});

/** `<logit-lens-table>`: the top prediction of every layer at every position. */
export const LogitLensTable = createComponent({
  react: React,
  tagName: 'logit-lens-table',
  elementClass: LogitLensTableElement,
  events: { ...figureEvents, onTokenHover: event('token-hover') },
});

/** `<probe-chart>`: probes trained on every layer's hidden states, in the page. */
export const ProbeChart = createComponent({
  react: React,
  tagName: 'probe-chart',
  elementClass: ProbeChartElement,
  events: { ...figureEvents, onTrainProgress: event('train-progress') },
});

/** `<head-ablation>`: each head ablated in turn; the next token before and after. */
export const HeadAblation = createComponent({
  react: React,
  tagName: 'head-ablation',
  elementClass: HeadAblationElement,
  events: { ...figureEvents, onHeadSelect: event('head-select') },
});

/** `<activation-patching>`: how much of the clean answer each patched activation restores. */
export const ActivationPatching = createComponent({
  react: React,
  tagName: 'activation-patching',
  elementClass: ActivationPatchingElement,
  events: { ...figureEvents, onHeadSelect: event('head-select'), onTokenHover: event('token-hover') },
});

/** `<logit-attribution>`: direct logit attribution as bars that add up to the logit difference. */
export const LogitAttribution = createComponent({
  react: React,
  tagName: 'logit-attribution',
  elementClass: LogitAttributionElement,
  events: { ...figureEvents, onHeadSelect: event('head-select') },
});

/** `<token-view>`: the text as GPT-2's tokens, words and BPE merges. */
export const TokenView = createComponent({
  react: React,
  tagName: 'token-view',
  elementClass: TokenViewElement,
  events: { ...figureEvents, onTokenHover: event('token-hover') },
});

/** `<next-token>`: the next-token distribution, with temperature, sampling and generation. */
export const NextToken = createComponent({
  react: React,
  tagName: 'next-token',
  elementClass: NextTokenElement,
  events: { ...figureEvents, onTextChange: event('text-change'), onTokenHover: event('token-hover') },
});

/** `<embedding-space>`: token embeddings: a PCA scatter, nearest neighbours and analogies. */
export const EmbeddingSpace = createComponent({
  react: React,
  tagName: 'embedding-space',
  elementClass: EmbeddingSpaceElement,
  events: { ...figureEvents },
});

/** `<residual-stream>`: each token's hidden state through the layers. */
export const ResidualStream = createComponent({
  react: React,
  tagName: 'residual-stream',
  elementClass: ResidualStreamElement,
  events: { ...figureEvents, onTokenHover: event('token-hover') },
});

/** `<attention-lines>`: BertViz's head view: a line per query and key, one colour per head. */
export const AttentionLines = createComponent({
  react: React,
  tagName: 'attention-lines',
  elementClass: AttentionLinesElement,
  events: { ...figureEvents, onTokenHover: event('token-hover'), onHeadSelect: event('head-select') },
});

export type { XrayEventMap };
