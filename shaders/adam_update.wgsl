// One Adam update of one parameter tensor, element by element, in PyTorch's form (src/train/adam.ts):
//   m' = β1·m + (1 − β1)·g
//   v' = β2·v + (1 − β2)·g²
//   p' = p − (m' / (√v' / c2 + ε))·stepSize,   stepSize = lr / (1 − β1^t),  c2 = √(1 − β2^t)
// in the same order of float32 operations as the op-by-op form, which takes about a dozen dispatches per
// parameter. tfjs's programs have one output, so src/kernels/adam.ts runs this three times; the constant
// OUTPUT (0: m', 1: v', 2: p'), prepended there, picks which one this pipeline writes.
//
// tfjs's webgpu backend prepends the bindings (G, M, V, P, result) and `uniforms` (with `size`);
// uniforms.beta = (β1, 1 − β1, β2, 1 − β2), uniforms.step = (stepSize, c2, ε, unused).

fn main(index : i32) {
  if (index < uniforms.size) {
    let g = G[index];
    let m = uniforms.beta.x * M[index] + uniforms.beta.y * g;
    let v = uniforms.beta.z * V[index] + uniforms.beta.w * (g * g);
    let p = P[index] - (m / (sqrt(v) / uniforms.step.y + uniforms.step.z)) * uniforms.step.x;
    result[index] = select(select(p, v, OUTPUT == 1), m, OUTPUT == 0);
  }
}
