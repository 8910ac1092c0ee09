// The baseline autoencoder's defaults that the page shows before the worker builds a model, on their own
// so that the page's controls need not import the autoencoder (and tfjs) to show them.

/** Adam's usual rate: the paper gives none for its baseline, and a class wants it to learn in minutes. */
export const AUTOENCODER_LEARNING_RATE = 1e-3;
