// A confusion matrix of counts: row = true class, column = predicted class,
// row-major in one flat array of classes * classes cells.

export interface ConfusionMatrix {
  classes: number
  /** classes * classes counts, row-major (true class, then predicted) */
  counts: Uint32Array
}

export function emptyConfusion(classes: number): ConfusionMatrix {
  return { classes, counts: new Uint32Array(classes * classes) }
}

export function countPrediction(matrix: ConfusionMatrix, label: number, predicted: number): void {
  matrix.counts[label * matrix.classes + predicted]++
}

/** Per class: the images of that class (the row sum) and those predicted right (the diagonal). */
export function classTotals(matrix: ConfusionMatrix): { correct: number[]; images: number[] } {
  const { classes, counts } = matrix
  const correct: number[] = []
  const images: number[] = []
  for (let c = 0; c < classes; c++) {
    let row = 0
    for (let p = 0; p < classes; p++) row += counts[c * classes + p]
    correct.push(counts[c * classes + c])
    images.push(row)
  }
  return { correct, images }
}

/** correct / images per class, in percent; null for a class with no image (nothing to be right about). */
export function perClassAccuracy(correct: readonly number[], images: readonly number[]): (number | null)[] {
  return correct.map((right, c) => (images[c] > 0 ? (100 * right) / images[c] : null))
}
