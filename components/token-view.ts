import { TokenView } from './token-view/token-view.js';
import { defineElement } from './shared/define.js';

export { TokenView };
defineElement('token-view', TokenView);

declare global {
  interface HTMLElementTagNameMap {
    'token-view': TokenView;
  }
}
