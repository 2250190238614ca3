import { createAdmission } from './admission';

describe('admission to a full cache', () => {
  it('declines a request on its first sighting and admits it on its second, which forgets it again', () => {
    const admission = createAdmission({ capacity: 10 });
    expect(admission.admits('Products {"first":10}')).toBe(false);
    expect(admission.admits('Products {"first":20}')).toBe(false);
    expect(admission.admits('Products {"first":10}')).toBe(true);
    // admitted, it starts over: once evicted it must be asked for twice again
    expect(admission.admits('Products {"first":10}')).toBe(false);
    expect(admission.admits('Products {"first":20}')).toBe(true);
  });

  it('remembers only the last `capacity` first sightings: a stream of one-offs cannot grow it', () => {
    const admission = createAdmission({ capacity: 3 });
    for (const key of ['a', 'b', 'c', 'd']) expect(admission.admits(key)).toBe(false);
    expect(admission.admits('a')).toBe(false); // forgotten: 'd' pushed it out
    expect(admission.admits('d')).toBe(true);
  });

  it('tells apart keys that differ in one character anywhere in a long document', () => {
    const admission = createAdmission({ capacity: 1_000 });
    const document = `query Products { products { ${'edges { node { id name } } '.repeat(100)} } }`;
    const keys = Array.from({ length: 500 }, (_, i) => `${document.slice(0, i * 5)}#${document.slice(i * 5 + 1)}`);
    expect(new Set(keys).size).toBe(500);
    for (const key of keys) expect(admission.admits(key)).toBe(false);
    for (const key of keys) expect(admission.admits(key)).toBe(true);
  });
});
