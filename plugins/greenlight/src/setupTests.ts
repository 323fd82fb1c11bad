import '@testing-library/jest-dom';

// jsdom has no layout, so no ResizeObserver; charts in a ResponsiveContainer need one to mount.
if (!('ResizeObserver' in globalThis)) {
  (globalThis as any).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Rendering a whole Backstage test app is slow on small shared CI machines.
jest.setTimeout(20_000);
