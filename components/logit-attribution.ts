import { LogitAttribution } from './logit-attribution/logit-attribution.js';
import { defineElement } from './shared/define.js';

export { LogitAttribution };
defineElement('logit-attribution', LogitAttribution);

declare global {
  interface HTMLElementTagNameMap {
    'logit-attribution': LogitAttribution;
  }
}
