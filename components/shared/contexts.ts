// The context keys `<xray-model>` provides and the figures consume.
import { createContext } from '@lit/context';
import type { ModelController } from '../../src/controller.js';
import type { SelectionHub } from '../../src/selection.js';

export const modelContext = createContext<ModelController | undefined>(Symbol('transformer-xray/model'));
export const selectionContext = createContext<SelectionHub | undefined>(Symbol('transformer-xray/selection'));
