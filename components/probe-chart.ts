import { defineElement } from './shared/define.js';
import { ProbeChart } from './probe-chart/probe-chart.js';

export { ProbeChart };
defineElement('probe-chart', ProbeChart);

declare global {
  interface HTMLElementTagNameMap {
    'probe-chart': ProbeChart;
  }
}
