import { ResidualStream } from './residual-stream/residual-stream.js';
import { defineElement } from './shared/define.js';

export { ResidualStream };
defineElement('residual-stream', ResidualStream);

declare global {
  interface HTMLElementTagNameMap {
    'residual-stream': ResidualStream;
  }
}
