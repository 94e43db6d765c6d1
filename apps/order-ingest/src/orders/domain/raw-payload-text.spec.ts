import { rawTextWithoutPersonalData } from './raw-payload-text';

describe('rawTextWithoutPersonalData', () => {
  it('keeps a truncated body without personal data as it came', () => {
    const text = '{"orders":[{"orderId":"402-1","orderStatus":"PEND';
    expect(rawTextWithoutPersonalData(text)).toBe(text);
  });

  it('cuts the text before the first key that carries personal data', () => {
    const text =
      '{"orders":[{"orderId":"402-1","buyer":{"buyerName":"Giulia Rossi"},"recipient":{"deliveryAddress":{"city":"Roma"';
    const kept = rawTextWithoutPersonalData(text);
    expect(kept).toBe('{"orders":[{"orderId":"402-1",[cut: personal data follows]');
    expect(kept).not.toContain('Giulia');
    expect(kept).not.toContain('Roma');
  });

  it('keeps at most 100,000 characters', () => {
    expect(rawTextWithoutPersonalData('x'.repeat(200_000))).toHaveLength(100_000);
  });
});
