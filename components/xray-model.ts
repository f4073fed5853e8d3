import { defineElement } from './shared/define.js';
import { XrayModel } from './xray-model/xray-model.js';

export { XrayModel };
defineElement('xray-model', XrayModel);

declare global {
  interface HTMLElementTagNameMap {
    'xray-model': XrayModel;
  }
}
