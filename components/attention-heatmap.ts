import { AttentionHeatmap } from './attention-heatmap/attention-heatmap.js';
import { defineElement } from './shared/define.js';

export { AttentionHeatmap };
defineElement('attention-heatmap', AttentionHeatmap);

declare global {
  interface HTMLElementTagNameMap {
    'attention-heatmap': AttentionHeatmap;
  }
}
