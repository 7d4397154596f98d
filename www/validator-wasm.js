// Which build of the validator this browser runs: the SIMD one wherever WebAssembly SIMD is supported (every
// current browser), the plain one elsewhere (Safari before 16.4). Both give the same report; SIMD is faster.

// The smallest module that uses a SIMD instruction: a function returning `v128.const 0`.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20,
  0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

export const simd = WebAssembly.validate(SIMD_PROBE);
export const wasmUrl = simd ? '/pkg/enrol_validator_bg.wasm' : '/pkg/plain/enrol_validator_bg.wasm';
