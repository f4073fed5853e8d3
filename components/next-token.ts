import { NextToken } from './next-token/next-token.js';
import { defineElement } from './shared/define.js';

export { NextToken };
defineElement('next-token', NextToken);

declare global {
  interface HTMLElementTagNameMap {
    'next-token': NextToken;
  }
}
