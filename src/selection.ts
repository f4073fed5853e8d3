// Selection shared by linked figures: the chosen head, the hovered token and a shared text. Plain state with
// change events, so any framework (or none) can take part.

/** A head of the model. */
export interface HeadRef {
  layer: number;
  head: number;
}

export interface SelectionState {
  /** The head clicked in a grid, shown by linked heatmaps. */
  head: HeadRef | null;
  /** Position of the token under the pointer or keyboard focus in any linked figure. */
  token: number | null;
  /** The text a figure last shared (`<next-token>`'s generated text); figures with `follow-text` show it. */
  text: string | null;
}

/** One selection shared by a group of figures; fires `change` with no detail after every change. */
export class SelectionHub extends EventTarget {
  private static readonly groups = new Map<string, SelectionHub>();

  /** The hub of a named group; figures with the same `group` attribute share it. */
  static group(name: string): SelectionHub {
    let hub = SelectionHub.groups.get(name);
    if (!hub) {
      hub = new SelectionHub();
      SelectionHub.groups.set(name, hub);
    }
    return hub;
  }

  private state: SelectionState = { head: null, token: null, text: null };

  get head(): HeadRef | null {
    return this.state.head;
  }

  get token(): number | null {
    return this.state.token;
  }

  selectHead(head: HeadRef | null): void {
    if (head?.layer === this.state.head?.layer && head?.head === this.state.head?.head) return;
    this.update({ head });
  }

  hoverToken(token: number | null): void {
    if (token !== this.state.token) this.update({ token });
  }

  get text(): string | null {
    return this.state.text;
  }

  shareText(text: string): void {
    if (text !== this.state.text) this.update({ text });
  }

  private update(change: Partial<SelectionState>): void {
    this.state = { ...this.state, ...change };
    this.dispatchEvent(new Event('change'));
  }
}
