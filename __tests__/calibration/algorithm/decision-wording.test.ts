/**
 * Advice that compares two numbers never prints them alike when they differ: "~7,500/s < required
 * 7,500/s" said the capacity fell short of itself.
 */
import { fmtPair } from '../../../calibration/algorithm/decision';

describe('fmtPair', () => {
  it('rounds as usual when the rounded numbers already differ', () => {
    expect(fmtPair(7569.4, 6500)).toEqual(['7,569', '6,500']);
    expect(fmtPair(42.34, 40)).toEqual(['42.3', '40']);
  });

  it('adds decimals until unequal numbers print differently', () => {
    expect(fmtPair(7499.6, 7500.2)).toEqual(['7,499.6', '7,500.2']);
    expect(fmtPair(7499.96, 7500.01)).toEqual(['7,499.96', '7,500.01']);
  });

  it('leaves equal numbers alone', () => {
    expect(fmtPair(7500, 7500)).toEqual(['7,500', '7,500']);
  });
});
