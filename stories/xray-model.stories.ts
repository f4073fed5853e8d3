import type { Args, Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { CAT_SENTENCE, DEMO_MODEL, EIFFEL_PROMPT } from './support/models.js';

const meta: Meta<Args> = {
  title: 'Elements/xray-model',
  component: 'xray-model',
  render: (args) => html`<xray-model model=${args.model} device=${args.device}>
    <head-grid text=${CAT_SENTENCE}></head-grid>
    <attention-heatmap text=${CAT_SENTENCE} layer="0" head="0"></attention-heatmap>
    <logit-lens-table text=${EIFFEL_PROMPT} positions="last"></logit-lens-table>
  </xray-model>`,
  args: { model: DEMO_MODEL, device: 'auto' },
  // Set by <xray-model> for the figures inside it, not by a page.
  argTypes: { controller: { table: { disable: true } }, selection: { table: { disable: true } } },
};
export default meta;
type Story = StoryObj<Args>;

/**
 * One model for three figures: one download, one forward pass per text. The figures are linked:
 * click a head in the grid and the heatmap shows it; hover a token and it lights up in both.
 */
export const LinkedFigures: Story = { name: 'Linked figures' };

/**
 * Figures in different places of a page share a selection through the same `group`.
 */
export const Group: Story = {
  render: (args) => html`<head-grid model=${args.model} device=${args.device} group="lesson" text=${CAT_SENTENCE} layer="1"></head-grid>
    <p>…the page's own text between the figures…</p>
    <attention-heatmap model=${args.model} device=${args.device} group="lesson" text=${CAT_SENTENCE} layer="1" head="0"></attention-heatmap>`,
};
