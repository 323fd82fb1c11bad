module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    {
      // Benchmarks measure the plugins' internals (stores, query layers) on purpose.
      files: ['bench/**'],
      rules: { '@backstage/no-forbidden-package-imports': 'off' },
    },
  ],
});
