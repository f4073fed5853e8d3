// <xray-model>: provides one model controller and one linked selection to the figures inside it.
import { provide } from '@lit/context';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { DEFAULT_MODEL, ModelController } from '../../src/controller.js';
import { SelectionHub } from '../../src/selection.js';
import type { Device } from '../../src/types.js';
import { modelContext, selectionContext } from '../shared/contexts.js';
import { ControllerLease } from '../shared/reactive-controllers.js';

/**
 * Shares one model (one download, one forward pass per text) and one selection among the figures
 * inside it: a head clicked in a grid shows in the heatmaps, a hovered token lights up everywhere.
 *
 * @slot - The figures that use this model.
 */
export class XrayModel extends LitElement {
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** Hub repo id (`openai-community/gpt2`) or a folder URL/path holding the model files. */
  @property() model = DEFAULT_MODEL;

  /** `auto` (WebGPU when available, else WASM), `webgpu` or `wasm`. */
  @property() device: Device = 'auto';

  /** The shared controller of `model` and `device`, given to every figure inside. */
  @provide({ context: modelContext })
  controller: ModelController | undefined;

  /** The selected head and hovered token, shared by the figures inside. */
  @provide({ context: selectionContext })
  selection = new SelectionHub();

  /** Releases the model (and its worker) once this element leaves the page or changes model. */
  private readonly lease = new ControllerLease(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model') || changed.has('device')) this.controller = ModelController.shared({ model: this.model, device: this.device });
    this.lease.hold(this.controller);
  }

  override render() {
    return html`<slot></slot>`;
  }
}
