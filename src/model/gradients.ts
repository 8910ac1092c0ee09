// tfjs 4.22 ships no gradient for Conv3DBackpropInputV2 (the kernel behind tf.conv3dTranspose), on any
// backend, so the 3D generator could not train. For y = convT(d, W) with tfjs's transposed-conv filter
// layout [kt, kh, kw, outC(y), inC(d)] and upstream gradient g (shaped like y):
//   ∂L/∂d = conv3d(g, W)                       (W read as a conv3d filter [kt, kh, kw, inC(g), outC(d)])
//   ∂L/∂W = Conv3DBackpropFilterV2(x = g, dy = d)
import * as tf from '../tf';

export function registerConv3dTransposeGradient(): void {
  if (tf.getGradient(tf.Conv3DBackpropInputV2) != null) return;
  tf.registerGradient({
    kernelName: tf.Conv3DBackpropInputV2,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (g, saved, attrs) => {
      const [d, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const { strides, pad } = attrs as unknown as tf.Conv3DBackpropInputV2Attrs;
      const upstream = g as tf.Tensor5D;
      return {
        dy: () => tf.conv3d(upstream, filter, strides, pad),
        filter: () =>
          tf.engine().runKernel(tf.Conv3DBackpropFilterV2, { x: upstream, dy: d }, {
            strides,
            pad,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor5D,
      };
    },
  });
}
