// Registers a tag unless the page already has it (two copies of the library must not crash a page).

export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
