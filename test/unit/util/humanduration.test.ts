// Cases from apimachinery's own tests (pkg/util/duration/duration_test.go, v0.37.2):
// TestHumanDuration and TestHumanDurationBoundaries, durations given in seconds.
import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/util/humanduration.js';

const S = 1;
const M = 60;
const H = 3600;
const D = 24 * H;
const MS = 0.001;

const CASES: [number, string][] = [
  [S, '1s'],
  [70 * S, '70s'],
  [190 * S, '3m10s'],
  [70 * M, '70m'],
  [47 * H, '47h'],
  [49 * H, '2d1h'],
  [(8 * 24 + 2) * H, '8d'],
  [367 * D, '367d'],
  [(365 * 2 * 24 + 25) * H, '2y1d'],
  [(365 * 8 * 24 + 2) * H, '8y'],
  [-2 * S, '<invalid>'],
  [-2 * S + 1e-9, '0s'],
  [0, '0s'],
  [S - MS, '0s'],
  [2 * M - MS, '119s'],
  [2 * M, '2m'],
  [2 * M + S, '2m1s'],
  [10 * M - MS, '9m59s'],
  [10 * M, '10m'],
  [10 * M + S, '10m'],
  [3 * H - MS, '179m'],
  [3 * H, '3h'],
  [3 * H + M, '3h1m'],
  [8 * H - MS, '7h59m'],
  [8 * H, '8h'],
  [8 * H + 59 * M, '8h'],
  [2 * D - MS, '47h'],
  [2 * D, '2d'],
  [2 * D + H, '2d1h'],
  [8 * D - MS, '7d23h'],
  [8 * D, '8d'],
  [8 * D + 23 * H, '8d'],
  [2 * 365 * D - MS, '729d'],
  [2 * 365 * D, '2y'],
  [2 * 365 * D + 23 * H, '2y'],
  [2 * 365 * D + 24 * H, '2y1d'],
  [3 * 365 * D, '3y'],
  [4 * 365 * D, '4y'],
  [5 * 365 * D, '5y'],
  [6 * 365 * D, '6y'],
  [7 * 365 * D, '7y'],
  [8 * 365 * D - MS, '7y364d'],
  [8 * 365 * D, '8y'],
  [8 * 365 * D + 364 * D, '8y'],
  [9 * 365 * D, '9y'],
];

describe('humanDuration (apimachinery HumanDuration)', () => {
  for (const [secs, want] of CASES) {
    it(`${secs}s -> ${want}`, () => expect(humanDuration(secs)).toBe(want));
  }
});
