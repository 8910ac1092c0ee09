// Sum (and Mean) over one contiguous block of axes.
//
// Layout: x seen as [O, R, I]: the axes before the reduced block (O), the reduced block (R) and the axes
// after it (I), row-major; the output is [O, P, I] with P = ceil(R / chunk): each thread sums `chunk`
// consecutive values of r for one (o, p, i), stepping I through memory. Neighbouring threads take
// neighbouring i, so their loads are neighbours too. When O*I is small and R large (batch-norm moments
// over every axis but the channels) src/kernels/reduce.ts runs this twice: chunks of about sqrt(R),
// then the P partial sums, so the work spreads over threads and each float sum stays short.
//
// tfjs's own reduce runs one workgroup per output with a shared-memory tree: for an output of 16384 sums
// of 3 values (a mask's gradient, summed over the colour channels) that is 16384 workgroups, and on
// SwiftShader 0.65 s where this takes milliseconds.
//
// tfjs's webgpu backend prepends the bindings (x, result) and `uniforms` (with `size` = O*P*I);
// uniforms.dims = (R, I, chunk, P) and uniforms.scale multiplies each sum (1/R for Mean's last pass).

fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }
  let R = uniforms.dims.x;
  let I = uniforms.dims.y;
  let chunk = uniforms.dims.z;
  let P = uniforms.dims.w;
  let i = index % I;
  let p = (index / I) % P;
  let o = index / (I * P);
  let r0 = p * chunk;
  let r1 = min(R, r0 + chunk);
  var at = (o * R + r0) * I + i;
  var acc = 0.0;
  for (var r = r0; r < r1; r++) {
    acc += x[at];
    at += I;
  }
  result[index] = acc * uniforms.scale;
}
