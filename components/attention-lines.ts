import { AttentionLines } from './attention-lines/attention-lines.js';
import { defineElement } from './shared/define.js';

export { AttentionLines };
defineElement('attention-lines', AttentionLines);

declare global {
  interface HTMLElementTagNameMap {
    'attention-lines': AttentionLines;
  }
}
