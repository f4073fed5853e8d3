// Cross-cutting behaviour of figures: size, colour scheme, any EventTarget to follow, the model held.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ModelController } from '../../src/controller.js';

type Host = ReactiveControllerHost & HTMLElement;

/** Tracks the host's content width; the host re-renders when it changes. */
export class ResizeController implements ReactiveController {
  width = 0;
  // The re-render waits a frame: rendering inside the observer's callback, when the height follows
  // the width, makes the browser report "ResizeObserver loop completed with undelivered notifications".
  private observer = new ResizeObserver(([entry]) => {
    const width = Math.round(entry.contentRect.width);
    if (width === this.width) return;
    this.width = width;
    requestAnimationFrame(() => this.host.requestUpdate());
  });

  constructor(private host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer.disconnect();
  }
}

/** Re-renders the host when dark mode or forced colours turn on or off, so canvases repaint. */
export class ColourSchemeController implements ReactiveController {
  private queries = ['(prefers-color-scheme: dark)', '(forced-colors: active)'].map((q) => matchMedia(q));
  private onChange = () => this.host.requestUpdate();

  constructor(private host: Host) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const q of this.queries) q.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    for (const q of this.queries) q.removeEventListener('change', this.onChange);
  }
}

/** Listens to one event target at a time (it may change, e.g. a new controller); cleans up on disconnect. */
export class EventFollower<T extends EventTarget> implements ReactiveController {
  private target: T | undefined;

  constructor(
    private host: Host,
    private events: Record<string, (event: Event) => void>,
  ) {
    host.addController(this);
  }

  follow(target: T | undefined): void {
    if (target === this.target) return;
    this.unlisten();
    this.target = target;
    if (this.host.isConnected) this.listen();
  }

  hostConnected(): void {
    this.listen();
  }

  hostDisconnected(): void {
    this.unlisten();
  }

  private listen(): void {
    for (const [name, handler] of Object.entries(this.events)) this.target?.addEventListener(name, handler);
  }

  private unlisten(): void {
    for (const [name, handler] of Object.entries(this.events)) this.target?.removeEventListener(name, handler);
  }
}

/**
 * Holds one model controller at a time while the host is in the page, so that a model no element
 * holds any more is released with its worker.
 */
export class ControllerLease implements ReactiveController {
  private controller: ModelController | undefined;
  private release: (() => void) | undefined;

  constructor(private host: Host) {
    host.addController(this);
  }

  hold(controller: ModelController | undefined): void {
    if (controller === this.controller) return;
    this.letGo();
    this.controller = controller;
    if (this.host.isConnected) this.take();
  }

  hostConnected(): void {
    this.take();
  }

  hostDisconnected(): void {
    this.letGo();
  }

  private take(): void {
    this.release ??= this.controller?.retain();
  }

  private letGo(): void {
    this.release?.();
    this.release = undefined;
  }
}
