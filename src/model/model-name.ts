// The rule for a shipped model's name, on its own so that settings.ts (its 'start from' setting) can
// use it without pulling in the weights loader and tfjs.

/** A shipped model's name is its directory under public/weights: nothing that could climb out of it. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]*$/;
