import { SeededRandom } from './seeded-random';

describe(SeededRandom.name, () => {
  it('repeats its sequence for a seed and differs between seeds and streams', () => {
    const draw = (random: SeededRandom) => Array.from({ length: 5 }, () => random.next());
    expect(draw(new SeededRandom(42))).toEqual(draw(new SeededRandom(42)));
    expect(draw(new SeededRandom(42))).not.toEqual(draw(new SeededRandom(43)));
    expect(draw(SeededRandom.derive(42, 'orders'))).not.toEqual(draw(SeededRandom.derive(42, 'faults')));
  });

  it('stays within bounds', () => {
    const random = new SeededRandom(1);
    for (let i = 0; i < 1000; i++) {
      const value = random.int(3, 5);
      expect(value >= 3 && value <= 5).toBe(true);
      const unit = random.next();
      expect(unit >= 0 && unit < 1).toBe(true);
    }
  });
});
