import { nextDelayMs } from './retry-policy';

describe('outbox retry policy', () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000 };

  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [10, 30_000, 60_000],
  ])('keeps attempt %i between %i and %i ms', (attempt, low, high) => {
    expect(nextDelayMs(policy, attempt, undefined, () => 0)).toBe(low);
    expect(nextDelayMs(policy, attempt, undefined, () => 1)).toBe(high);
  });

  it('waits exactly what Retry-After asks', () => {
    expect(nextDelayMs(policy, 1, 7000, () => 0.5)).toBe(7000);
    expect(nextDelayMs(policy, 8, 7000, () => 0.5)).toBe(7000);
  });
});
