import { EmbeddingSpace } from './embedding-space/embedding-space.js';
import { defineElement } from './shared/define.js';

export { EmbeddingSpace };
defineElement('embedding-space', EmbeddingSpace);

declare global {
  interface HTMLElementTagNameMap {
    'embedding-space': EmbeddingSpace;
  }
}
