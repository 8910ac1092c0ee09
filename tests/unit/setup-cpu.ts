// Unit tests run on tfjs's cpu backend (plain JS: deterministic and available everywhere).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
