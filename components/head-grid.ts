import { defineElement } from './shared/define.js';
import { HeadGrid } from './head-grid/head-grid.js';

export { HeadGrid };
defineElement('head-grid', HeadGrid);

declare global {
  interface HTMLElementTagNameMap {
    'head-grid': HeadGrid;
  }
}
