import { defineElement } from './shared/define.js';
import { ActivationPatching } from './activation-patching/activation-patching.js';

export { ActivationPatching };
defineElement('activation-patching', ActivationPatching);

declare global {
  interface HTMLElementTagNameMap {
    'activation-patching': ActivationPatching;
  }
}
