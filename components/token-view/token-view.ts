// <token-view>: the text as GPT-2's tokenizer sees it: a chip per token in the pre-tokenizer's
// words, and a step-through of the byte-pair merges that make a word's tokens from its bytes.
import { initialState, Task, TaskStatus } from '@lit/task';
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { XrayError } from '../../src/errors.js';
import { Tokenization } from '../../src/tokenization.js';
import type { TokenizationData } from '../../src/types.js';
import { GridKeys } from '../shared/grid-keys.js';
import { themeColours } from '../shared/theme.js';
import { asXrayError, XrayFigure } from '../shared/xray-figure.js';
import { chipLabel, count, GPT2_MERGES, mergeSteps, plural, spoken, tokenizationFromData, tokenLayout, visible, type Chip, type MergeStep, type TokenLayout } from './token-data.js';
import { tokenSvg } from './token-svg.js';
import { tokenViewStyles } from './token-view.styles.js';

/** Width of the SVG export when the figure has none (hidden). */
const DEFAULT_WIDTH = 640;
const encoder = new TextEncoder();

/**
 * The text as GPT-2's tokenizer sees it. Each token is a chip, whitespace made visible (`·` a space,
 * `↵` a newline, `→` a tab), with its id on hover or focus; a token that holds only some of a
 * character's bytes (an emoji, most CJK) shows them as `\xHH` on a dashed chip. A bracket under the
 * chips marks each word of GPT-2's pre-tokenizer, the pieces BPE works on one at a time (a space
 * belongs to the word after it). Click a word, or press Enter on one of its tokens, to step through its
 * merges: it starts as one part per byte, and each step merges the pair of neighbouring parts that
 * comes first in GPT-2's merges list (at every place it occurs), until no pair is in the list; the last
 * step is the word's tokens. `word` chooses a word from the page.
 *
 * The tokens are GPT-2's own (Hugging Face's `tokenizer(text)`, no token added); no forward pass runs,
 * and the figure waits only for the tokenizer's two files, not for the weights.
 *
 * **Keyboard:** Tab reaches the tokens; arrow keys, Home and End move; Enter or Space chooses the
 * token's word, Escape lets it go. In the merges, the buttons and the arrow keys (Home, End for the
 * first and last step) move through the steps. Each token says its text, its id and its bytes.
 *
 * **Data mode:** `data` is `{ ids, tokens, words, merges }`, `merges` holding each distinct word's
 * `{ steps, ranks }` (see docs/elements.md for the Python that writes it).
 *
 * @fires token-hover - The pointer or the keyboard is on a token; detail `{position, token}`, `null`s when it left.
 * @fires run-complete - The chips show a new text; detail `{tokens}`.
 * @fires error - Loading, the tokenizer, the word or the data failed; detail `{code, message}`.
 *
 * @csspart count - The number of tokens.
 * @csspart summary - The words, characters and bytes, and how many tokens hold part of a character.
 * @csspart tokens - The chips, in their words.
 * @csspart word - One word: its chips and the bracket under them.
 * @csspart chip - One token.
 * @csspart partial - A token that holds part of a character (also `chip`).
 * @csspart special - An added token such as `<|endoftext|>` (also `chip`).
 * @csspart id - A token's id, shown on hover and focus.
 * @csspart hint - How to choose a word, before one is chosen.
 * @csspart merges - The chosen word's merges.
 * @csspart steps - The first, previous, next and last buttons and the step number.
 * @csspart parts - The word's parts at the step on show.
 * @csspart part - One part; `merged` too for a part the step's merge just made.
 * @csspart merge - What the step merged, and its rank.
 * @csspart toolbar - The export buttons' row.
 * @csspart export-button - Each export button.
 * @csspart loading - The loading state.
 * @csspart error - The error state (also inside the merges, for an unknown word).
 * @csspart empty - The empty state (no text).
 *
 * @cssproperty --xray-accent - The chosen word, a hovered or linked token, a merged part, the focus ring.
 * @cssproperty --xray-fg - Text, and the id's tooltip.
 * @cssproperty --xray-bg - Background.
 * @cssproperty --xray-muted - Word brackets, partial chips, notes.
 * @cssproperty --xray-border - Chips and rules.
 * @cssproperty --xray-error - Error messages.
 * @cssproperty --xray-font - Font family.
 * @cssproperty --xray-font-size - Font size.
 *
 * @slot - A `<script type="application/json">` with a data-mode tokenization.
 */
export class TokenView extends XrayFigure<TokenizationData> {
  static override styles = [...XrayFigure.styles, tokenViewStyles];

  /** The text to tokenize (ignored in data mode). */
  @property() text?: string;

  /** The word whose merges are shown, as the text has it (`" tokenization"`, with its space); choosing a word sets it. */
  @property() word?: string;

  /** The step of the word's merges on show: 0 is its bytes, the last its tokens. */
  @state() private step = 0;

  @state() private announcement = '';

  private shown?: Tokenization;
  private layout?: TokenLayout;
  private steps?: MergeStep[];
  private wordError?: XrayError;

  private readonly tokenizeTask = new Task(this, {
    args: () => [this.data, this.data ? undefined : this.controller, this.text] as const,
    task: async ([data, controller, text]): Promise<Tokenization | typeof initialState> => {
      if (this.dataError) return initialState;
      if (data) return new Tokenization(tokenizationFromData(data));
      if (!text) throw new XrayError('empty-text', 'There is no text to show yet: set the text attribute.');
      return controller!.tokenize(text);
    },
    onComplete: (tokenization) => this.announceComplete(tokenization.tokens),
    onError: (error) => this.announceError(error),
  });

  /** The chips; the keyboard's holds the tab stop. One row: Up and Down move too. */
  private readonly keys = new GridKeys(this, {
    shape: () => this.layout && { count: this.layout.chips.length, columns: this.layout.chips.length },
    ends: 'all',
    cellElement: (index) => this.chipElement(index),
    onMove: (index) =>
      this.hoverToken(
        index,
        this.layout!.chips.map((c) => c.token),
      ),
    onEnter: () => this.choose(this.layout!.chips[this.keys.index].word),
    onEscape: () => this.letGo(),
  });

  private get tokenization(): Tokenization | undefined {
    return this.tokenizeTask.status === TaskStatus.COMPLETE ? this.tokenizeTask.value : undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const tokenization = this.tokenization;
    if (!tokenization) return;
    if (tokenization !== this.shown) {
      // A word the reader chose in the last text is let go when the new text lacks it.
      if (this.shown && this.word !== undefined && !tokenization.words.includes(this.word)) this.word = undefined;
      this.shown = tokenization;
      this.layout = tokenLayout(tokenization);
      this.steps = undefined;
    }
    if (changed.has('word')) {
      this.step = 0;
      this.steps = undefined;
    }
    if (this.word === undefined) {
      this.wordError = undefined;
      return;
    }
    if (!this.steps) this.readSteps(tokenization, this.word);
    // `step` is private, which PropertyValues<this> does not name.
    if (this.steps && (changed.has('word') || (changed as PropertyValues).has('step'))) this.announcement = `${this.mergesTitle(spoken)}. ${this.stepSentence(spoken)}`;
  }

  override render() {
    if (this.dataError) return this.renderError(this.dataError);
    return this.tokenizeTask.render({
      initial: () => this.renderLoading(),
      pending: () => this.renderLoading(),
      complete: () => this.renderFigure(this.layout!),
      error: (error) => this.renderError(error),
    });
  }

  /** The figure as a standalone SVG: every chip with its id, the word brackets, and the merge step on show. */
  toSVG(): string {
    const layout = this.tokenization && this.layout;
    if (!layout) throw new XrayError('nothing-to-export', 'There is nothing to export yet: the tokens have not been drawn.');
    const { fg, bg, muted, accent, border } = themeColours(this);
    const font = getComputedStyle(this).fontFamily;
    const context = document.createElement('canvas').getContext('2d')!;
    // svgDocument's text is 12 units high.
    context.font = `12px ${font}`;
    const step = this.steps?.[this.step];
    return tokenSvg({
      layout,
      title: plural(layout.chips.length, 'token'),
      summary: summaryText(layout),
      chosen: step && {
        words: layout.words.flatMap((w, i) => (w.word === this.word ? [i] : [])),
        title: this.mergesTitle(visible),
        position: this.positionText(),
        step,
        sentence: this.stepSentence(visible),
      },
      width: Math.round(this.getBoundingClientRect().width) || DEFAULT_WIDTH,
      font,
      measure: (text) => context.measureText(text).width,
      colours: { fg, bg, muted, accent, border },
    });
  }

  private readSteps(tokenization: Tokenization, word: string): void {
    try {
      this.steps = mergeSteps(tokenization.merges(word), tokenization.mergeRanks(word));
      this.step = Math.min(this.step, this.steps.length - 1);
      this.wordError = undefined;
    } catch (error) {
      const failure = asXrayError(error);
      if (failure.message !== this.wordError?.message) this.announceError(failure);
      this.wordError = failure;
    }
  }

  private renderFigure(layout: TokenLayout): TemplateResult {
    const linked = this.linkedToken(layout.chips.length);
    return html`
      <div class="header">
        <p class="caption" part="count">${plural(layout.chips.length, 'token')}</p>
        ${this.renderToolbar()}
      </div>
      <p class="summary" part="summary">${summaryText(layout)}</p>
      <div
        class="tokens"
        part="tokens"
        role="listbox"
        aria-orientation="horizontal"
        aria-label="Tokens: arrow keys move, Enter chooses the token's word to step through its merges, Escape lets it go"
        @keydown=${this.keys.onKeydown}
        @focusin=${this.onFocusIn}
        @focusout=${this.onFocusOut}
        @pointerleave=${() => this.hoverToken(null, [])}
      >
        ${layout.words.map((word, index) => this.renderWord(layout, word, index, linked))}
      </div>
      ${this.renderMerges()}
      <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
    `;
  }

  private renderWord(layout: TokenLayout, word: TokenLayout['words'][number], index: number, linked: number | null): TemplateResult {
    const chosen = word.word === this.word;
    return html`<span class="word ${chosen ? 'chosen' : ''}" part="word" role="group" aria-label=${`word ${spoken(word.word)}`} data-word=${index} @click=${() => this.choose(index)}>
      <span class="chips">${layout.chips.slice(word.start, word.end).map((chip, i) => this.renderChip(chip, word.start + i, chosen, linked))}</span>
      <span class="bracket" aria-hidden="true"></span>
    </span>`;
  }

  private renderChip(chip: Chip, index: number, chosen: boolean, linked: number | null): TemplateResult {
    const kind = chip.bytes === undefined ? 'special' : chip.partial ? 'partial' : '';
    return html`<span
      class="chip ${kind} ${index === linked ? 'linked' : ''}"
      part=${kind ? `chip ${kind}` : 'chip'}
      role="option"
      tabindex=${index === this.keys.index ? 0 : -1}
      data-index=${index}
      aria-selected=${chosen ? 'true' : 'false'}
      @pointerenter=${() =>
        this.hoverToken(
          index,
          this.layout!.chips.map((c) => c.token),
        )}
    >
      <span class="shown" aria-hidden="true">${chip.shown}</span><span class="visually-hidden">${chipLabel(chip)}</span>
      <span class="id" part="id" aria-hidden="true">${chip.id}</span>
    </span>`;
  }

  private renderMerges(): TemplateResult {
    if (this.wordError) return html`<div class="merges" part="merges">${this.renderError(this.wordError)}</div>`;
    const step = this.steps?.[this.step];
    if (!step) return html`<p class="hint" part="hint">Click a word, or press Enter on one of its tokens, to step through the merges that make its tokens from its bytes.</p>`;
    const last = this.steps!.length - 1;
    const button = (name: string, label: string, to: number) =>
      html`<button type="button" data-step=${name} aria-disabled=${to === this.step || to < 0 || to > last ? 'true' : 'false'} @click=${() => this.goTo(to)}>${label}</button>`;
    return html`<div class="merges" part="merges" role="group" aria-label=${`Merges of ${spoken(this.word!)}: arrow keys, Home and End move through the steps`} @keydown=${this.onStepKey}>
      <div class="merges-head">
        <p class="merges-title">Merges of <span class="token">“${visible(this.word!)}”</span></p>
        <div class="steps" part="steps">
          ${button('first', 'First', 0)}${button('previous', 'Previous', this.step - 1)}
          <span class="position" part="position">${this.positionText()}</span>
          ${button('next', 'Next', this.step + 1)}${button('last', 'Last', last)}
        </div>
      </div>
      <div class="parts" part="parts">${step.parts.map((part, i) => html`<span class="part ${step.merged[i] ? 'merged' : ''}" part=${step.merged[i] ? 'part merged' : 'part'}>${visible(part)}</span>`)}</div>
      <p class="merge" part="merge">${this.stepSentence(visible)}</p>
    </div>`;
  }

  /** "Step 2 of 3", or "No merges" for a word that is one part as it stands. */
  private positionText(): string {
    const last = this.steps!.length - 1;
    return last === 0 ? 'No merges' : `Step ${this.step} of ${last}`;
  }

  /** "Merges of “·cat”", its tokens written by `say` (the chip's text, or in words for a screen reader). */
  private mergesTitle(say: (part: string) => string): string {
    return `Merges of “${say(this.word!)}”`;
  }

  /** What the step on show is: the bytes to start with, or the merge it applied with its rank. */
  private stepSentence(say: (part: string) => string): string {
    const steps = this.steps!;
    const step = steps[this.step];
    const last = steps.length - 1;
    const quoted = (part: string) => `“${say(part)}”`;
    if (this.step === 0) {
      if (this.layout!.words.some((w) => w.word === this.word && w.special)) return `${quoted(this.word!)} is an added token: one token as it stands, with no merge.`;
      const start = `${plural(step.parts.length, 'part')}, one per byte`;
      return last === 0 ? `${start}; no merge applies, so ${step.parts.length === 1 ? 'it is the token' : 'they are the tokens'}.` : `${start}.`;
    }
    const made = step.parts.filter((_, i) => step.merged[i]);
    const pairs = step.pairs.map(([a, b]) => `${quoted(a)} + ${quoted(b)}`).join(' and ');
    const into = step.pairs.length === 1 ? ` into ${quoted(made[0])}` : '';
    const places = made.length > 1 ? ` at ${made.length} places` : '';
    const tokens = step.parts.length === 1 ? "This is the word's token." : `These are the word's ${count(step.parts.length)} tokens.`;
    const end = this.step === last ? ` ${tokens}` : '';
    return `Merged ${pairs}${into}${places}: merge #${count(step.rank!)} of ${count(GPT2_MERGES)}.${end}`;
  }

  private readonly onStepKey = (event: KeyboardEvent): void => {
    const last = this.steps!.length - 1;
    const to = { ArrowRight: this.step + 1, ArrowDown: this.step + 1, ArrowLeft: this.step - 1, ArrowUp: this.step - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    this.goTo(to);
  };

  private goTo(step: number): void {
    if (step >= 0 && step < this.steps!.length) this.step = step;
  }

  private readonly onFocusIn = (event: FocusEvent): void => {
    const index = (event.target as HTMLElement).dataset?.index;
    if (index === undefined) return;
    this.keys.moveTo(Number(index));
    this.hoverToken(
      Number(index),
      this.layout!.chips.map((c) => c.token),
    );
  };

  private readonly onFocusOut = (event: FocusEvent): void => {
    const to = event.relatedTarget as Node | null;
    if (!to || !(event.currentTarget as HTMLElement).contains(to)) this.hoverToken(null, []);
  };

  /** Shows the merges of the word at `index` of the words. */
  private choose(index: number): void {
    const word = this.layout!.words[index].word;
    if (word === this.word) return;
    this.word = word;
  }

  private letGo(): void {
    if (this.word === undefined) return;
    this.word = undefined;
    this.announcement = 'No word chosen';
  }

  private chipElement(index: number): HTMLElement | null {
    return this.renderRoot.querySelector(`.chip[data-index="${index}"]`);
  }
}

/** "9 words · 44 characters · 47 bytes", and how many tokens hold part of a character. */
function summaryText(layout: TokenLayout): string {
  const characters = [...layout.text].length;
  const bytes = encoder.encode(layout.text).length;
  const partial = layout.chips.filter((c) => c.partial).length;
  const parts = [plural(layout.words.length, 'word'), plural(characters, 'character'), plural(bytes, 'byte')];
  if (partial) parts.push(`${plural(partial, 'token')} ${partial === 1 ? 'holds' : 'hold'} part of a character (dashed)`);
  return parts.join(' · ');
}
