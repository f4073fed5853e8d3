import { defineElement } from './shared/define.js';
import { LogitLensTable } from './logit-lens-table/logit-lens-table.js';

export { LogitLensTable };
defineElement('logit-lens-table', LogitLensTable);

declare global {
  interface HTMLElementTagNameMap {
    'logit-lens-table': LogitLensTable;
  }
}
