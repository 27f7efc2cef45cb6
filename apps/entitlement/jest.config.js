module.exports = { displayName: 'entitlement', preset: '../../jest.preset.js', rootDir: __dirname };
