// Add, Sub and Multiply where one operand is broadcast along leading axes: [..., C] with [C], a scalar,
// or [R, C] with [1, C] (batch norm's mean, variance, scale and offset against its activations).
//
// Layout: each operand's shape, aligned right against the output's, is 1s then the output's trailing
// axes, so its element for output index i is at i % (its size): no coordinates to compute. tfjs's own
// broadcasting program converts every index to coordinates and back, which on SwiftShader made these
// ops far slower per element than the same op on equal shapes (docs/kernels.md, "How they work").
//
// tfjs's webgpu backend prepends the bindings (a, b, result) and `uniforms` (with `size`, the output's
// element count); uniforms.sizes = (size of A, size of B). src/kernels/binary.ts prepends op(a, b).

fn main(index : i32) {
  if (index < uniforms.size) {
    let a = A[index % uniforms.sizes.x];
    let b = B[index % uniforms.sizes.y];
    result[index] = op(a, b);
  }
}
