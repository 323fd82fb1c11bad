import { greenlightPlugin } from './plugin';

describe('greenlight', () => {
  it('should export plugin', () => {
    expect(greenlightPlugin).toBeDefined();
  });
});
