import {
  checkRankingModelOptions,
  checkRatingModelOptions,
  rankingModelDefaults,
  ratingModelDefaults,
} from '../algorithms/options';

describe('option validation', () => {
  it('fills every default', () => {
    expect(checkRatingModelOptions()).toEqual(ratingModelDefaults);
    expect(checkRankingModelOptions({ factors: 4 })).toEqual({ ...rankingModelDefaults, factors: 4 });
  });

  it.each([
    [{ factors: 0 }, 'Option factors must be a positive integer, got 0'],
    [{ factors: 2.5 }, 'Option factors must be a positive integer, got 2.5'],
    [{ burnIn: -1 }, 'Option burnIn must be a non-negative integer, got -1'],
    [{ samples: 0 }, 'Option samples must be a positive integer, got 0'],
    [{ noisePrecision: 0 }, 'Option noisePrecision must be a positive number, got 0'],
    [{ initScale: Number.NaN }, 'Option initScale must be a positive number, got NaN'],
    [{ seed: -3 }, 'Option seed must be an integer between 0 and 4294967295, got -3'],
    [{ learningRate: 0.1 }, 'Unknown option learningRate'],
  ])('rating model rejects %j', (options, message) => {
    expect(() => checkRatingModelOptions(options as never)).toThrow(new RangeError(message));
  });

  it.each([
    [{ iterations: 0 }, 'Option iterations must be a positive integer, got 0'],
    [{ regularization: 0 }, 'Option regularization must be a positive number, got 0'],
    [{ alpha: -1 }, 'Option alpha must be a non-negative number, got -1'],
    [{ alpha: Infinity }, 'Option alpha must be a non-negative number, got Infinity'],
    [{ factors: '8' }, 'Option factors must be a positive integer, got 8'],
  ])('ranking model rejects %j', (options, message) => {
    expect(() => checkRankingModelOptions(options as never)).toThrow(new RangeError(message));
  });
});
