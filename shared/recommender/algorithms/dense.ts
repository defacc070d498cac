/**
 * Small dense kernels on row-major Float64Array for the per-row solves of the fitting loops. They run thousands of
 * times per sweep, where ml-matrix's object-per-call API measured 9-45 µs per k×k Cholesky solve against about 1 µs
 * here; ml-matrix is still used for the once-per-sweep k×k work.
 *
 * noUncheckedIndexedAccess is relaxed in this file with `!`: every index is bounded by the loop limits on arrays
 * whose length is checked by the callers.
 */

/** Overwrites the lower triangle of the n×n symmetric matrix `a` with its Cholesky factor L (a = L Lᵀ). */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diagonal = a[rowJ + j]!;
    for (let p = 0; p < j; p++) diagonal -= a[rowJ + p]! * a[rowJ + p]!;
    if (!(diagonal > 0)) throw new Error('Matrix is not positive definite (non-finite or too small regularization?)');
    const ljj = Math.sqrt(diagonal);
    a[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let sum = a[rowI + j]!;
      for (let p = 0; p < j; p++) sum -= a[rowI + p]! * a[rowJ + p]!;
      a[rowI + j] = sum / ljj;
    }
  }
}

/** Solves L y = b in place (forward substitution on the lower triangle of `l`). */
export function forwardSubstituteInPlace(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let sum = b[i]!;
    for (let p = 0; p < i; p++) sum -= l[row + p]! * b[p]!;
    b[i] = sum / l[row + i]!;
  }
}

/** Solves Lᵀ x = y in place (back substitution using the lower triangle of `l`). */
export function backSubstituteInPlace(l: Float64Array, n: number, y: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let p = i + 1; p < n; p++) sum -= l[p * n + i]! * y[p]!;
    y[i] = sum / l[i * n + i]!;
  }
}

/** Mirrors the upper triangle of an n×n matrix into its lower triangle. */
export function symmetrizeFromUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j]!;
}

/** Returns true when every value is finite. */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}
