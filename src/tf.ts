// tfjs-core as the whole project uses it: gradients and chained tensor methods registered, which the
// @tensorflow/tfjs union package does for its users but tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';
