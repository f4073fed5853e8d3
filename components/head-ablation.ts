import { defineElement } from './shared/define.js';
import { HeadAblation } from './head-ablation/head-ablation.js';

export { HeadAblation };
defineElement('head-ablation', HeadAblation);

declare global {
  interface HTMLElementTagNameMap {
    'head-ablation': HeadAblation;
  }
}
