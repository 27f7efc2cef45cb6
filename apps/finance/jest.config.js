module.exports = { displayName: 'finance', preset: '../../jest.preset.js', rootDir: __dirname };
