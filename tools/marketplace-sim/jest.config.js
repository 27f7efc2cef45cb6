module.exports = { displayName: 'marketplace-sim', preset: '../../jest.preset.js', rootDir: __dirname };
